//! APNs over HTTP/2 + TLS: connection pools per environment, provider-token auth, retries.
//!
//! <https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns>
//!
//! Lessons carried over from the reference proxy: a connection that received GOAWAY (or any
//! transport error) is dropped from the pool at once and never reused; a request refused by a
//! closing connection is retried on a fresh one. Each pool opens more connections (up to
//! `APNS_CONNECTIONS`) when every live one carries [`STREAMS_PER_CONNECTION`] streams or as
//! many as the server's `SETTINGS_MAX_CONCURRENT_STREAMS` allows, whichever is lower.
//!
//! The client speaks `h2` directly (not through hyper's client): a push is one task that opens
//! its stream, writes the payload and awaits the answer itself, with no request channel, no
//! extra task per request and no callback hop; and the server's stream limit is visible.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::http::uri::{Authority, PathAndQuery, Scheme};
use hyper::{Method, Request, StatusCode, Uri};
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
/// Our HTTP/2 receive windows (stream and connection): APNs answers are headers plus at most
/// a small JSON error, so the default 64 KiB is plenty and never needs a WINDOW_UPDATE storm.
const RECV_WINDOW: u32 = 1 << 20;
/// Bytes buffered per stream before `send_data` applies back-pressure (a payload is ≤ 4 KiB).
const MAX_SEND_BUFFER: usize = 64 * 1024;
/// A PING unanswered this long ends the connection.
const PING_TIMEOUT: Duration = Duration::from_secs(20);

const APNS_TOPIC: HeaderName = HeaderName::from_static("apns-topic");
const APNS_PUSH_TYPE: HeaderName = HeaderName::from_static("apns-push-type");
const APNS_PRIORITY: HeaderName = HeaderName::from_static("apns-priority");
const APNS_EXPIRATION: HeaderName = HeaderName::from_static("apns-expiration");
const APNS_COLLAPSE_ID: HeaderName = HeaderName::from_static("apns-collapse-id");

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
    sender: h2::client::SendRequest<Bytes>,
    dead: Arc<AtomicBool>,
    inflight: AtomicUsize,
    /// Streams this connection should carry at once: our spreading threshold, or fewer when
    /// the server's `SETTINGS_MAX_CONCURRENT_STREAMS` says so. APNs changes that limit at run
    /// time, so it is re-read after every answer; a copy here lets `pick` decide from atomics
    /// alone instead of taking h2's connection lock under the pool lock.
    room: AtomicUsize,
}

impl Conn {
    fn usable(&self) -> bool {
        !self.dead.load(Ordering::Acquire)
    }

    fn room(&self) -> usize {
        self.room.load(Ordering::Relaxed)
    }

    fn refresh_room(&self) {
        let room = STREAMS_PER_CONNECTION
            .min(self.sender.current_max_send_streams())
            .max(1);
        self.room.store(room, Ordering::Relaxed);
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
    authority: Authority,
    conns: Mutex<Vec<Arc<Conn>>>,
    connecting: tokio::sync::Mutex<()>,
}

/// What is the same for every device token an event goes to: built once per event.
#[derive(Debug, Clone)]
pub struct Notification {
    /// `apns-collapse-id` (the event id, 64 hex characters).
    pub collapse_id: HeaderValue,
    /// The JSON payload.
    pub payload: Bytes,
}

impl Notification {
    /// A notification; `None` when the collapse id is not a valid header value.
    pub fn new(collapse_id: &str, payload: Bytes) -> Option<Self> {
        let mut collapse_id = HeaderValue::from_str(collapse_id).ok()?;
        // Not secret, but new for (almost) every event: "sensitive" makes h2 send it as a
        // never-indexed literal instead of churning both ends' HPACK tables with it.
        collapse_id.set_sensitive(true);
        Some(Self {
            collapse_id,
            payload,
        })
    }
}

/// The APNs client. Cheap to share (`Arc`).
pub struct ApnsClient {
    settings: ApnsSettings,
    topic: HeaderValue,
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

fn transport(e: impl fmt::Display) -> AttemptError {
    AttemptError::Transport(e.to_string())
}

/// Drive one HTTP/2 connection: PING once at once (so the server's SETTINGS, sent before its
/// PING ACK, are known before the connection is used), then every `keepalive`; a PING not
/// answered within [`PING_TIMEOUT`] ends the connection.
async fn drive<T>(
    mut connection: h2::client::Connection<T, Bytes>,
    keepalive: Duration,
    settled: tokio::sync::oneshot::Sender<()>,
) -> Result<(), String>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let Some(mut pings) = connection.ping_pong() else {
        return connection.await.map_err(|e| e.to_string());
    };
    let pinger = async move {
        let mut settled = Some(settled);
        loop {
            match tokio::time::timeout(PING_TIMEOUT, pings.ping(h2::Ping::opaque())).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return e.to_string(),
                Err(_) => return "no PING answer".to_owned(),
            }
            if let Some(s) = settled.take() {
                let _ = s.send(());
            }
            tokio::time::sleep(keepalive).await;
        }
    };
    tokio::select! {
        r = connection => r.map_err(|e| e.to_string()),
        why = pinger => Err(why),
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
            authority: Authority::try_from(endpoint.authority())
                .unwrap_or_else(|_| Authority::from_static("invalid.invalid")),
            endpoint: endpoint.clone(),
            conns: Mutex::new(Vec::new()),
            connecting: tokio::sync::Mutex::new(()),
        };
        Self {
            production: pool(&settings.production),
            sandbox: pool(&settings.sandbox),
            topic: HeaderValue::from_str(&settings.topic)
                .unwrap_or_else(|_| HeaderValue::from_static("invalid")),
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

    /// Pick the least-loaded live connection, if it has room (or no other may be opened).
    fn pick(pool: &Pool, max: usize) -> Option<Arc<Conn>> {
        let mut conns = pool.conns.lock().unwrap_or_else(|p| p.into_inner());
        conns.retain(|c| c.usable());
        let best = conns
            .iter()
            .map(|c| (c.inflight.load(Ordering::Relaxed), c))
            .filter(|(n, c)| *n < c.room())
            .min_by_key(|(n, _)| *n)
            .map(|(_, c)| c.clone());
        if best.is_some() || conns.len() < max {
            return best;
        }
        // Every connection is full and no more may be opened: queue on the least loaded.
        conns
            .iter()
            .min_by_key(|c| c.inflight.load(Ordering::Relaxed))
            .cloned()
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
        // Boxed: the handshake future is large and rare; every push future would carry it.
        let conn = Arc::new(Box::pin(self.connect(&pool.endpoint)).await?);
        pool.conns
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(conn.clone());
        Ok(conn)
    }

    async fn connect(&self, ep: &Endpoint) -> Result<Conn, AttemptError> {
        let tcp = TcpStream::connect((ep.host.as_str(), ep.port))
            .await
            .map_err(transport)?;
        tcp.set_nodelay(true).map_err(transport)?;
        let name = ServerName::try_from(ep.host.clone()).map_err(transport)?;
        let tls = self.tls.connect(name, tcp).await.map_err(transport)?;
        if tls.get_ref().1.alpn_protocol() != Some(b"h2") {
            return Err(AttemptError::Transport("server did not offer h2".into()));
        }
        let (sender, connection) = h2::client::Builder::new()
            .enable_push(false)
            // Responses are tiny; requests are bounded by the peer's windows, not ours.
            .initial_window_size(RECV_WINDOW)
            .initial_connection_window_size(RECV_WINDOW)
            .max_send_buffer_size(MAX_SEND_BUFFER)
            .handshake::<_, Bytes>(tls)
            .await
            .map_err(transport)?;
        let dead = Arc::new(AtomicBool::new(false));
        let flag = dead.clone();
        let metrics = self.metrics.clone();
        let host = ep.host.clone();
        let keepalive = self.settings.keepalive;
        let (settled_tx, settled_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            match drive(connection, keepalive, settled_tx).await {
                Err(e) => tracing::info!(%host, error = %e, "APNs connection ended"),
                Ok(()) => tracing::info!(%host, "APNs connection closed (GOAWAY or idle)"),
            }
            flag.store(true, Ordering::Release);
            Metrics::inc(&metrics.apns_connection_lost);
        });
        // The caller's attempt timeout bounds this wait.
        settled_rx
            .await
            .map_err(|_| AttemptError::Transport("connection ended during setup".into()))?;
        Metrics::inc(&self.metrics.apns_connects);
        tracing::info!(
            host = %ep.host,
            port = ep.port,
            max_streams = sender.current_max_send_streams(),
            "APNs connection open"
        );
        let conn = Conn {
            sender,
            dead,
            inflight: AtomicUsize::new(0),
            room: AtomicUsize::new(1),
        };
        conn.refresh_room();
        Ok(conn)
    }

    async fn attempt(
        &self,
        env: ApnsEnv,
        path: &PathAndQuery,
        bearer: &HeaderValue,
        n: &Notification,
    ) -> Result<(StatusCode, Bytes), AttemptError> {
        let conn = self.connection(env).await?;
        conn.inflight.fetch_add(1, Ordering::Relaxed);
        let guard = InflightGuard(conn);
        let pool = self.pool(env);
        let uri = Uri::from_parts({
            let mut parts = hyper::http::uri::Parts::default();
            parts.scheme = Some(Scheme::HTTPS);
            parts.authority = Some(pool.authority.clone());
            parts.path_and_query = Some(path.clone());
            parts
        })
        .map_err(transport)?;
        let mut req = Request::new(());
        *req.method_mut() = Method::POST;
        *req.uri_mut() = uri;
        let h = req.headers_mut();
        h.reserve(8);
        h.insert(AUTHORIZATION, bearer.clone());
        h.insert(APNS_TOPIC, self.topic.clone());
        h.insert(APNS_PUSH_TYPE, HeaderValue::from_static("alert"));
        h.insert(APNS_PRIORITY, HeaderValue::from_static("10"));
        h.insert(
            APNS_EXPIRATION,
            HeaderValue::from(unix_secs() + self.settings.expiration.as_secs()),
        );
        h.insert(APNS_COLLAPSE_ID, n.collapse_id.clone());
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        h.insert(CONTENT_LENGTH, HeaderValue::from(n.payload.len()));
        let result = async {
            let mut sender = guard.0.sender.clone().ready().await?;
            let (response, mut body) = sender.send_request(req, false)?;
            body.send_data(n.payload.clone(), true)?;
            let resp = response.await?;
            guard.0.refresh_room();
            let status = resp.status();
            let mut recv = resp.into_body();
            let mut out = Vec::new();
            while let Some(chunk) = recv.data().await {
                let chunk = chunk?;
                let _ = recv.flow_control().release_capacity(chunk.len());
                if out.len() + chunk.len() > MAX_RESPONSE_BODY {
                    break;
                }
                out.extend_from_slice(&chunk);
            }
            Ok::<_, h2::Error>((status, Bytes::from(out)))
        };
        match result.await {
            Ok(r) => Ok(r),
            Err(e) => {
                // A stream refused or reset by the server is the stream's problem; anything
                // else (GOAWAY, I/O, protocol error) means this connection is done.
                if !(e.is_reset() && e.is_remote()) || e.is_go_away() {
                    guard.0.dead.store(true, Ordering::Release);
                }
                Err(transport(e))
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.retry_base.as_millis() as u64;
        let exp = base.saturating_mul(1 << attempt.min(10)).min(5_000);
        Duration::from_millis(exp / 2 + fastrand::u64(0..=exp / 2 + 1))
    }

    /// Send one push; retries 429, 5xx, expired provider tokens, timeouts and lost
    /// connections, at most `max_retries` times.
    pub async fn push(&self, env: ApnsEnv, token_hex: &str, n: &Notification) -> PushOutcome {
        let mut last = PushOutcome::Failed {
            status: None,
            reason: "no attempt".into(),
        };
        let Ok(path) = PathAndQuery::try_from(format!("/3/device/{token_hex}")) else {
            Metrics::inc(&self.metrics.apns_failed);
            return PushOutcome::Failed {
                status: None,
                reason: "token is not a valid path segment".into(),
            };
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
                self.attempt(env, &path, &jwt.header, n),
            )
            .await
            .unwrap_or(Err(AttemptError::Timeout));
            let (status, body) = match res {
                Ok(r) => r,
                Err(e) => {
                    if matches!(e, AttemptError::Timeout) {
                        Metrics::inc(&self.metrics.apns_timeouts);
                    }
                    tracing::debug!(attempt, error = %e, "APNs attempt failed");
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
