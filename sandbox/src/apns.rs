//! The APNs stand-in: a TLS + HTTP/2 server on 127.0.0.1 that checks what Apple would check
//! (the ES256 provider token against the `.p8` key's public half, the headers an NSE push
//! needs, the payload limit) and hands each accepted payload to the simulated device.
//!
//! Its answers follow Apple's: 200 with an `apns-id`, or 4xx with `{"reason": …}`.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::SandboxError;
use crate::store::{read_optional, write_atomic};

/// The provider key's id (`kid`) the proxy is configured with.
pub const KEY_ID: &str = "SANDBOX001";
/// The team id (`iss`) the proxy is configured with.
pub const TEAM_ID: &str = "SANDBOXTM1";
/// `apns-topic`: the app's bundle id.
pub const TOPIC: &str = "dev.nostr.Clave";
/// Apple's payload limit for alert pushes.
pub const MAX_PAYLOAD: usize = 4096;
/// A request body larger than this is not read at all.
const MAX_BODY: usize = 2 * MAX_PAYLOAD;
/// Apple rejects provider tokens older than an hour.
const MAX_TOKEN_AGE_SECS: u64 = 3600;
/// How long a push may wait for the device's queue before the stand-in answers 503 (the
/// proxy retries those).
const HANDOFF_TIMEOUT: Duration = Duration::from_secs(2);
/// Distinct provider tokens remembered as verified (they are reused for 20-60 min by design).
const VERIFIED_CACHE: usize = 16;
/// Rejections kept for inspection.
const MAX_ERRORS: usize = 32;
/// TLS handshakes slower than this are dropped.
const TLS_TIMEOUT: Duration = Duration::from_secs(10);

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The APNs provider key, kept in the state directory so the proxy's configuration stays the
/// same across restarts.
pub struct ApnsKey {
    /// Where the `.p8` (PKCS#8 PEM, P-256) is.
    pub p8_path: PathBuf,
    /// Its public half, for verifying provider tokens.
    pub public_pem: String,
}

impl ApnsKey {
    /// Read `dir/AuthKey_<KEY_ID>.p8`, or generate it on first start.
    pub fn load_or_create(dir: &Path) -> Result<Self, SandboxError> {
        let p8_path = dir.join(format!("AuthKey_{KEY_ID}.p8"));
        let io = |e: std::io::Error| SandboxError::Io(format!("{}: {e}", p8_path.display()));
        let kp = match read_optional(&p8_path).map_err(io)? {
            Some(pem) => {
                let pem = String::from_utf8(pem)
                    .map_err(|_| SandboxError::Apns("the .p8 key is not PEM text".into()))?;
                rcgen::KeyPair::from_pem(&pem)
                    .map_err(|e| SandboxError::Apns(format!("the .p8 key does not parse: {e}")))?
            }
            None => {
                let kp = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
                    .map_err(|e| SandboxError::Apns(e.to_string()))?;
                write_atomic(&p8_path, kp.serialize_pem().as_bytes()).map_err(io)?;
                tracing::info!(path = %p8_path.display(), "generated the APNs provider key");
                kp
            }
        };
        Ok(Self {
            public_pem: kp.public_key_pem(),
            p8_path,
        })
    }
}

/// One push the stand-in accepted, on its way to the device.
#[derive(Debug, Clone)]
pub struct Push {
    /// The device token it was addressed to (hex).
    pub token: String,
    /// The `apns-collapse-id` (the event id).
    pub collapse_id: String,
    /// The payload JSON, exactly as received.
    pub payload: String,
    /// When the stand-in received it (wall clock, for comparing with a client's own clock).
    pub received_at: SystemTime,
    /// The same moment on the monotonic clock.
    pub received: Instant,
}

/// What the stand-in saw.
#[derive(Debug, Default)]
pub struct ApnsStats {
    /// Pushes answered 200 and handed to the device.
    pub accepted: AtomicU64,
    /// Pushes answered with an error.
    pub rejected: AtomicU64,
    errors: Mutex<VecDeque<String>>,
}

impl ApnsStats {
    /// The latest rejection reasons (at most 32).
    pub fn errors(&self) -> Vec<String> {
        self.errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    fn reject(&self, why: String) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
        let mut e = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        if e.len() >= MAX_ERRORS {
            e.pop_front();
        }
        e.push_back(why);
    }
}

#[derive(serde::Deserialize, Clone)]
struct Claims {
    iss: String,
    iat: u64,
}

struct Shared {
    decoding: jsonwebtoken::DecodingKey,
    verified: Mutex<HashMap<String, Claims>>,
    stats: Arc<ApnsStats>,
    device: mpsc::Sender<Push>,
}

/// The running stand-in.
pub struct ApnsStandIn {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its self-signed certificate (PEM), the proxy's extra trust root.
    pub ca_pem: String,
    /// Counters and rejections.
    pub stats: Arc<ApnsStats>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl ApnsStandIn {
    /// Listen on 127.0.0.1 (a free port) with a fresh self-signed certificate, verifying
    /// provider tokens with `public_pem` and handing pushes to `device`.
    pub async fn start(public_pem: &str, device: mpsc::Sender<Push>) -> Result<Self, SandboxError> {
        let err = |e: &dyn std::fmt::Display| SandboxError::Apns(e.to_string());
        let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()])
            .map_err(|e| err(&e))?;
        let ca_pem = cert.cert.pem();
        let cert_der = cert.cert.der().clone();
        let key_der = rustls::pki_types::PrivateKeyDer::try_from(cert.signing_key.serialize_der())
            .map_err(|e| err(&e))?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| err(&e))?
            .with_no_client_auth()
            .with_single_cert(vec![cert_der], key_der)
            .map_err(|e| err(&e))?;
        tls.alpn_protocols = vec![b"h2".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| SandboxError::Io(format!("APNs stand-in bind: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| SandboxError::Io(e.to_string()))?;
        let stats = Arc::new(ApnsStats::default());
        let shared = Arc::new(Shared {
            decoding: jsonwebtoken::DecodingKey::from_ec_pem(public_pem.as_bytes())
                .map_err(|e| err(&e))?,
            verified: Mutex::new(HashMap::new()),
            stats: stats.clone(),
            device,
        });
        let (stop, mut stop_rx) = watch::channel(false);
        let task = tokio::spawn(async move {
            // Dropping the set when the loop ends aborts every connection.
            let mut conns = JoinSet::new();
            loop {
                let tcp = tokio::select! {
                    _ = stop_rx.changed() => return,
                    a = listener.accept() => match a {
                        Ok((tcp, _)) => tcp,
                        Err(e) => {
                            tracing::warn!(error = %e, "APNs stand-in accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                };
                while conns.try_join_next().is_some() {}
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                let shared = shared.clone();
                conns.spawn(async move {
                    let Ok(Ok(tls)) = tokio::time::timeout(TLS_TIMEOUT, acceptor.accept(tcp)).await
                    else {
                        tracing::warn!("APNs stand-in: TLS handshake failed");
                        return;
                    };
                    let svc = hyper::service::service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(serve(&shared, req).await) }
                    });
                    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(tls), svc)
                        .await;
                });
            }
        });
        tracing::info!(%addr, "APNs stand-in listening");
        Ok(Self {
            addr,
            ca_pem,
            stats,
            stop,
            task: Some(task),
        })
    }

    /// `127.0.0.1:<port>`, as the proxy's `--apns-host` wants it.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.addr.port())
    }

    /// Stop listening and close every connection.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

impl Drop for ApnsStandIn {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn answer(status: StatusCode, reason: Option<&str>) -> Response<Full<Bytes>> {
    let body = reason.map_or_else(Bytes::new, |r| {
        Bytes::from(serde_json::json!({ "reason": r }).to_string())
    });
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    if let Ok(v) = "00000000-0000-0000-0000-000000000000".parse() {
        r.headers_mut().insert("apns-id", v);
    }
    r
}

async fn serve(shared: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let received_at = SystemTime::now();
    let received = Instant::now();
    let (parts, body) = req.into_parts();
    let fail = |status: StatusCode, reason: &str, detail: String| {
        tracing::warn!(reason, %detail, "APNs stand-in rejected a push");
        shared.stats.reject(format!("{reason}: {detail}"));
        answer(status, Some(reason))
    };
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => {
            return fail(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PayloadTooLarge",
                "body".into(),
            );
        }
    };
    let h = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    if parts.method != hyper::Method::POST || parts.version != hyper::Version::HTTP_2 {
        return fail(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            parts.method.to_string(),
        );
    }
    let Some(token) = parts.uri.path().strip_prefix("/3/device/") else {
        return fail(StatusCode::NOT_FOUND, "BadPath", parts.uri.path().into());
    };
    if token.is_empty() || token.len() > 200 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return fail(StatusCode::BAD_REQUEST, "BadDeviceToken", String::new());
    }
    let token = token.to_owned();
    if let Err(why) = check_provider_token(shared, h("authorization")) {
        return fail(StatusCode::FORBIDDEN, why, String::new());
    }
    for (name, want, reason) in [
        ("apns-topic", TOPIC, "BadTopic"),
        ("apns-push-type", "alert", "InvalidPushType"),
        ("apns-priority", "10", "BadPriority"),
    ] {
        if h(name) != Some(want) {
            return fail(
                StatusCode::BAD_REQUEST,
                reason,
                format!("{name}: {:?}", h(name)),
            );
        }
    }
    let collapse_id = h("apns-collapse-id").unwrap_or_default().to_owned();
    if collapse_id.is_empty() || collapse_id.len() > 64 {
        return fail(StatusCode::BAD_REQUEST, "BadCollapseId", collapse_id);
    }
    let expiration: u64 = h("apns-expiration")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let now = unix_now();
    if expiration <= now || expiration > now + 600 {
        return fail(
            StatusCode::BAD_REQUEST,
            "BadExpirationDate",
            expiration.to_string(),
        );
    }
    if body.len() > MAX_PAYLOAD {
        return fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PayloadTooLarge",
            body.len().to_string(),
        );
    }
    let Ok(payload) = std::str::from_utf8(&body) else {
        return fail(StatusCode::BAD_REQUEST, "BadPayload", "not UTF-8".into());
    };
    if let Err(why) = check_payload(payload, &collapse_id) {
        return fail(StatusCode::BAD_REQUEST, "BadPayload", why.into());
    }
    let push = Push {
        token,
        collapse_id,
        payload: payload.to_owned(),
        received_at,
        received,
    };
    match tokio::time::timeout(HANDOFF_TIMEOUT, shared.device.send(push)).await {
        Ok(Ok(())) => {
            shared.stats.accepted.fetch_add(1, Ordering::Relaxed);
            answer(StatusCode::OK, None)
        }
        _ => fail(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "device queue full or closed".into(),
        ),
    }
}

/// ES256, our `kid`, our `iss`, `iat` within the hour, valid signature.
fn check_provider_token(shared: &Shared, auth: Option<&str>) -> Result<(), &'static str> {
    let jwt = auth
        .and_then(|a| a.strip_prefix("bearer "))
        .ok_or("MissingProviderToken")?;
    let header = jsonwebtoken::decode_header(jwt).map_err(|_| "InvalidProviderToken")?;
    if header.alg != jsonwebtoken::Algorithm::ES256 || header.kid.as_deref() != Some(KEY_ID) {
        return Err("InvalidProviderToken");
    }
    let cached = shared
        .verified
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(jwt)
        .cloned();
    let claims = match cached {
        Some(c) => c,
        None => {
            let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
            validation.required_spec_claims.clear();
            validation.validate_exp = false;
            let claims = jsonwebtoken::decode::<Claims>(jwt, &shared.decoding, &validation)
                .map_err(|_| "InvalidProviderToken")?
                .claims;
            let mut v = shared.verified.lock().unwrap_or_else(|p| p.into_inner());
            if v.len() >= VERIFIED_CACHE {
                v.clear();
            }
            v.insert(jwt.to_owned(), claims.clone());
            claims
        }
    };
    if claims.iss != TEAM_ID {
        return Err("InvalidProviderToken");
    }
    if claims.iat.abs_diff(unix_now()) > MAX_TOKEN_AGE_SECS {
        return Err("ExpiredProviderToken");
    }
    Ok(())
}

/// What an NSE push must carry (DESIGN.md): a visible passive alert with `mutable-content`,
/// and the keys the NSE reads.
fn check_payload(payload: &str, collapse_id: &str) -> Result<(), &'static str> {
    let v: serde_json::Value = serde_json::from_str(payload).map_err(|_| "not JSON")?;
    let aps = &v["aps"];
    if aps["mutable-content"] != 1 {
        return Err("aps.mutable-content must be 1");
    }
    if aps["interruption-level"] != "passive" {
        return Err("aps.interruption-level must be passive");
    }
    if !aps["alert"]["title"].is_string() || !aps["alert"]["body"].is_string() {
        return Err("aps.alert needs a title and a body");
    }
    if !v["relay_url"].is_string() || !v["signer_pubkey"].is_string() {
        return Err("relay_url and signer_pubkey are required");
    }
    if v["event_id"] != collapse_id {
        return Err("event_id must equal apns-collapse-id");
    }
    Ok(())
}
