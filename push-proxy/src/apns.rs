//! APNs over HTTP/2 + TLS: connection pools per environment, provider-token auth, retries.
//!
//! <https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns>
//!
//! Lessons carried over from the reference proxy: a connection that received GOAWAY (or any
//! transport error) is dropped from the pool at once and never reused; a request refused by a
//! closing connection is retried on a fresh one. Each pool opens more connections when the
//! streams in flight on the existing ones pass [`STREAMS_PER_CONNECTION`].

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http2;
use hyper::{Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::jwt::ProviderToken;
use crate::metrics::Metrics;
use crate::store::ApnsEnv;

/// Open another connection (up to the configured maximum) once every live one has this many
/// requests in flight. Apple allows ~1000 streams per connection, but all streams of one
/// connection share one task for TLS and HTTP/2 framing: spreading them over a few connections
/// uses every core.
pub const STREAMS_PER_CONNECTION: usize = 64;
/// APNs error bodies are tiny JSON objects.
const MAX_RESPONSE_BODY: usize = 4096;
/// APNs payload limit for alert notifications.
pub const MAX_PAYLOAD: usize = 4096;

/// Where one APNs environment lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Host name (also the TLS server name).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl Endpoint {
    /// Parse `host` or `host:port` (default 443).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s
            .trim()
            .trim_start_matches("https://")
            .trim_end_matches('/');
        let (host, port) = match s.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (s, 443),
        };
        if host.is_empty() {
            return None;
        }
        Some(Self {
            host: host.to_owned(),
            port,
        })
    }

    fn authority(&self) -> String {
        if self.port == 443 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// APNs client settings.
#[derive(Debug, Clone)]
pub struct ApnsSettings {
    /// Production endpoint.
    pub production: Endpoint,
    /// Sandbox endpoint.
    pub sandbox: Endpoint,
    /// `apns-topic` (the app's bundle id).
    pub topic: String,
    /// `apns-expiration` = now + this.
    pub expiration: Duration,
    /// Per-attempt timeout (connect + request + response).
    pub request_timeout: Duration,
    /// Retries after the first attempt for 429, 5xx and lost connections.
    pub max_retries: u32,
    /// First retry delay; doubles, with jitter.
    pub retry_base: Duration,
    /// Connections per environment.
    pub max_connections: usize,
    /// HTTP/2 PING interval on idle connections.
    pub keepalive: Duration,
}

/// What happened to one push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// APNs accepted it (200).
    Delivered,
    /// The token is dead: remove it (unless re-registered after `invalid_since_ms`).
    Prune {
        /// APNs 410 `timestamp` (ms), if any.
        invalid_since_ms: Option<u64>,
        /// APNs reason.
        reason: String,
    },
    /// Gave up.
    Failed {
        /// Last HTTP status, if a response came.
        status: Option<u16>,
        /// Last reason or transport error.
        reason: String,
    },
}

/// Errors setting up TLS.
#[derive(Debug)]
pub struct TlsSetupError(pub String);

impl fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "APNs TLS setup: {}", self.0)
    }
}

impl std::error::Error for TlsSetupError {}

/// TLS client config: webpki roots plus optional extra PEM roots; ALPN h2.
pub fn tls_config(extra_roots_pem: Option<&[u8]>) -> Result<rustls::ClientConfig, TlsSetupError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = extra_roots_pem {
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| TlsSetupError(e.to_string()))?;
            roots.add(cert).map_err(|e| TlsSetupError(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    Ok(cfg)
}

struct Conn {
    sender: http2::SendRequest<Full<Bytes>>,
    dead: Arc<AtomicBool>,
    inflight: AtomicUsize,
}

impl Conn {
    fn usable(&self) -> bool {
        !self.dead.load(Ordering::Acquire) && !self.sender.is_closed()
    }
}

struct InflightGuard(Arc<Conn>);

impl Drop for InflightGuard {
    fn drop(&mut self) {
        self.0.inflight.fetch_sub(1, Ordering::Relaxed);
    }
}

struct Pool {
    endpoint: Endpoint,
    authority: String,
    conns: Mutex<Vec<Arc<Conn>>>,
    connecting: tokio::sync::Mutex<()>,
}

/// The APNs client. Cheap to share (`Arc`).
pub struct ApnsClient {
    settings: ApnsSettings,
    jwt: Arc<ProviderToken>,
    tls: TlsConnector,
    production: Pool,
    sandbox: Pool,
    metrics: Arc<Metrics>,
}

#[derive(Debug)]
enum AttemptError {
    Transport(String),
    Timeout,
}

impl fmt::Display for AttemptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(e) => write!(f, "transport: {e}"),
            Self::Timeout => f.write_str("timeout"),
        }
    }
}

fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Parse `{"reason": "...", "timestamp": 123}` from an APNs error body.
fn parse_error_body(body: &[u8]) -> (String, Option<u64>) {
    #[derive(serde::Deserialize)]
    struct ErrBody {
        reason: Option<String>,
        timestamp: Option<u64>,
    }
    match serde_json::from_slice::<ErrBody>(body) {
        Ok(b) => (b.reason.unwrap_or_default(), b.timestamp),
        Err(_) => (String::new(), None),
    }
}

impl ApnsClient {
    /// A client; connections open on first use.
    pub fn new(
        settings: ApnsSettings,
        jwt: Arc<ProviderToken>,
        tls: rustls::ClientConfig,
        metrics: Arc<Metrics>,
    ) -> Self {
        let pool = |endpoint: &Endpoint| Pool {
            authority: endpoint.authority(),
            endpoint: endpoint.clone(),
            conns: Mutex::new(Vec::new()),
            connecting: tokio::sync::Mutex::new(()),
        };
        Self {
            production: pool(&settings.production),
            sandbox: pool(&settings.sandbox),
            settings,
            jwt,
            tls: TlsConnector::from(Arc::new(tls)),
            metrics,
        }
    }

    fn pool(&self, env: ApnsEnv) -> &Pool {
        match env {
            ApnsEnv::Production => &self.production,
            ApnsEnv::Sandbox => &self.sandbox,
        }
    }

    /// Pick the least-loaded live connection, if it has room.
    fn pick(pool: &Pool, max: usize) -> Option<Arc<Conn>> {
        let mut conns = pool.conns.lock().unwrap_or_else(|p| p.into_inner());
        conns.retain(|c| c.usable());
        let best = conns
            .iter()
            .min_by_key(|c| c.inflight.load(Ordering::Relaxed))
            .cloned()?;
        let room = best.inflight.load(Ordering::Relaxed) < STREAMS_PER_CONNECTION;
        (room || conns.len() >= max).then_some(best)
    }

    async fn connection(&self, env: ApnsEnv) -> Result<Arc<Conn>, AttemptError> {
        let pool = self.pool(env);
        let max = self.settings.max_connections.max(1);
        if let Some(c) = Self::pick(pool, max) {
            return Ok(c);
        }
        let _one = pool.connecting.lock().await;
        if let Some(c) = Self::pick(pool, max) {
            return Ok(c);
        }
        let conn = Arc::new(self.connect(&pool.endpoint).await?);
        pool.conns
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(conn.clone());
        Ok(conn)
    }

    async fn connect(&self, ep: &Endpoint) -> Result<Conn, AttemptError> {
        let tcp = TcpStream::connect((ep.host.as_str(), ep.port))
            .await
            .map_err(|e| AttemptError::Transport(e.to_string()))?;
        tcp.set_nodelay(true)
            .map_err(|e| AttemptError::Transport(e.to_string()))?;
        let name = ServerName::try_from(ep.host.clone())
            .map_err(|e| AttemptError::Transport(e.to_string()))?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| AttemptError::Transport(e.to_string()))?;
        if tls.get_ref().1.alpn_protocol() != Some(b"h2") {
            return Err(AttemptError::Transport("server did not offer h2".into()));
        }
        let (sender, connection) = http2::Builder::new(TokioExecutor::new())
            .timer(TokioTimer::new())
            .keep_alive_interval(self.settings.keepalive)
            .keep_alive_timeout(Duration::from_secs(20))
            .keep_alive_while_idle(true)
            .handshake(TokioIo::new(tls))
            .await
            .map_err(|e| AttemptError::Transport(e.to_string()))?;
        let dead = Arc::new(AtomicBool::new(false));
        let flag = dead.clone();
        let metrics = self.metrics.clone();
        let host = ep.host.clone();
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::info!(%host, error = %e, "APNs connection ended");
            } else {
                tracing::info!(%host, "APNs connection closed (GOAWAY or idle)");
            }
            flag.store(true, Ordering::Release);
            Metrics::inc(&metrics.apns_connection_lost);
        });
        Metrics::inc(&self.metrics.apns_connects);
        tracing::info!(host = %ep.host, port = ep.port, "APNs connection open");
        Ok(Conn {
            sender,
            dead,
            inflight: AtomicUsize::new(0),
        })
    }

    async fn attempt(
        &self,
        env: ApnsEnv,
        token_hex: &str,
        bearer: &str,
        collapse_id: &str,
        payload: &Bytes,
    ) -> Result<(StatusCode, Bytes), AttemptError> {
        let conn = self.connection(env).await?;
        conn.inflight.fetch_add(1, Ordering::Relaxed);
        let guard = InflightGuard(conn.clone());
        let pool = self.pool(env);
        let req = Request::post(format!("https://{}/3/device/{token_hex}", pool.authority))
            .header("authorization", bearer)
            .header("apns-topic", self.settings.topic.as_str())
            .header("apns-push-type", "alert")
            .header("apns-priority", "10")
            .header(
                "apns-expiration",
                (unix_secs() + self.settings.expiration.as_secs()).to_string(),
            )
            .header("apns-collapse-id", collapse_id)
            .header("content-type", "application/json")
            .body(Full::new(payload.clone()))
            .map_err(|e| AttemptError::Transport(e.to_string()))?;
        let mut sender = guard.0.sender.clone();
        let result = async {
            sender.ready().await?;
            let resp = sender.send_request(req).await?;
            let status = resp.status();
            let body = Limited::new(resp.into_body(), MAX_RESPONSE_BODY)
                .collect()
                .await
                .map(|c| c.to_bytes())
                .unwrap_or_default();
            Ok::<_, hyper::Error>((status, body))
        };
        match result.await {
            Ok(r) => Ok(r),
            Err(e) => {
                // Refused stream, GOAWAY, reset: this connection is done.
                guard.0.dead.store(true, Ordering::Release);
                Err(AttemptError::Transport(e.to_string()))
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.retry_base.as_millis() as u64;
        let exp = base.saturating_mul(1 << attempt.min(10)).min(5_000);
        Duration::from_millis(exp / 2 + fastrand::u64(0..=exp / 2 + 1))
    }

    /// Send one push; retries 429, 5xx, expired provider tokens and lost connections.
    pub async fn push(
        &self,
        env: ApnsEnv,
        token_hex: &str,
        collapse_id: &str,
        payload: Bytes,
    ) -> PushOutcome {
        let mut last = PushOutcome::Failed {
            status: None,
            reason: "no attempt".into(),
        };
        for attempt in 0..=self.settings.max_retries {
            if attempt > 0 {
                Metrics::inc(&self.metrics.apns_retried);
                tokio::time::sleep(self.backoff(attempt - 1)).await;
            }
            let jwt = match self.jwt.get() {
                Ok(t) => t,
                Err(e) => {
                    return PushOutcome::Failed {
                        status: None,
                        reason: e.to_string(),
                    };
                }
            };
            let res = tokio::time::timeout(
                self.settings.request_timeout,
                self.attempt(env, token_hex, &jwt.bearer, collapse_id, &payload),
            )
            .await
            .unwrap_or(Err(AttemptError::Timeout));
            let (status, body) = match res {
                Ok(r) => r,
                Err(e) => {
                    last = PushOutcome::Failed {
                        status: None,
                        reason: e.to_string(),
                    };
                    continue;
                }
            };
            if status == StatusCode::OK {
                Metrics::inc(&self.metrics.apns_sent_ok);
                return PushOutcome::Delivered;
            }
            let (reason, timestamp) = parse_error_body(&body);
            match status.as_u16() {
                410 => {
                    return PushOutcome::Prune {
                        invalid_since_ms: timestamp,
                        reason: if reason.is_empty() {
                            "Unregistered".into()
                        } else {
                            reason
                        },
                    };
                }
                400 if reason == "BadDeviceToken" || reason == "DeviceTokenNotForTopic" => {
                    return PushOutcome::Prune {
                        invalid_since_ms: None,
                        reason,
                    };
                }
                403 if reason == "ExpiredProviderToken" => {
                    if let Err(e) = self.jwt.expired(jwt.generation) {
                        return PushOutcome::Failed {
                            status: Some(403),
                            reason: e.to_string(),
                        };
                    }
                }
                429 | 500..=599 => {}
                code => {
                    Metrics::inc(&self.metrics.apns_failed);
                    return PushOutcome::Failed {
                        status: Some(code),
                        reason,
                    };
                }
            }
            last = PushOutcome::Failed {
                status: Some(status.as_u16()),
                reason,
            };
        }
        Metrics::inc(&self.metrics.apns_failed);
        last
    }

    /// Live connections per environment (production, sandbox).
    pub fn connection_counts(&self) -> (usize, usize) {
        let count = |p: &Pool| {
            p.conns
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .filter(|c| c.usable())
                .count()
        };
        (count(&self.production), count(&self.sandbox))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_parsing() {
        assert_eq!(
            Endpoint::parse("api.push.apple.com"),
            Some(Endpoint {
                host: "api.push.apple.com".into(),
                port: 443
            })
        );
        assert_eq!(
            Endpoint::parse("https://127.0.0.1:8443/"),
            Some(Endpoint {
                host: "127.0.0.1".into(),
                port: 8443
            })
        );
        assert_eq!(Endpoint::parse(""), None);
        assert_eq!(
            parse_error_body(br#"{"reason":"Unregistered","timestamp":1700000000000}"#),
            ("Unregistered".into(), Some(1_700_000_000_000))
        );
    }
}
