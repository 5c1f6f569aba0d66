//! Test peers on 127.0.0.1: an APNs stand-in (TLS + HTTP/2, verifies the provider JWT and
//! every header), a real relay (nostr-relay-builder), the proxy itself, and a client that
//! signs NIP-98 headers and kind-24133 events with rust-nostr, as a real app would.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code, missing_docs)]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use nostr::prelude::*;
use sha2::Digest;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio_tungstenite::tungstenite::Message;

pub const TOPIC: &str = "dev.nostr.ClaveTest";
pub const KEY_ID: &str = "KEYID12345";
pub const TEAM_ID: &str = "TEAM123456";

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Poll `f` every 20 ms until it is true or `limit` passes.
pub async fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if f() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    f()
}

/// A fresh temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "push-proxy-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The APNs signing key (a P-256 PKCS#8 `.p8`, like Apple's) and its public half.
pub struct ApnsKey {
    pub p8_pem: String,
    pub public_pem: String,
}

impl ApnsKey {
    pub fn generate() -> Self {
        let kp = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        Self {
            p8_pem: kp.serialize_pem(),
            public_pem: kp.public_key_pem(),
        }
    }
}

/// What the stand-in answers next.
#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16, String),
    /// Answer 200, then send GOAWAY and close the connection gracefully.
    GoAway,
    /// Record the request, then hold it this long before answering 200 (a stuck APNs).
    Hold(Duration),
}

/// How the stand-in behaves besides the scripted replies.
#[derive(Debug, Clone, Default)]
pub struct StandInOptions {
    /// `SETTINGS_MAX_CONCURRENT_STREAMS` advertised on every connection (None: hyper's default).
    pub max_concurrent_streams: Option<u32>,
    /// Every answer waits this long (a slow APNs).
    pub delay: Duration,
}

/// One request the stand-in received (after checking it).
#[derive(Debug, Clone)]
pub struct Received {
    pub token: String,
    pub jwt: String,
    pub iat: u64,
    pub collapse_id: String,
    pub expiration: u64,
    pub payload: serde_json::Value,
    pub connection: usize,
    pub at: Instant,
}

#[derive(Default)]
struct ApnsState {
    verified: std::collections::HashMap<String, Claims>,
    script: VecDeque<Reply>,
    received: Vec<Received>,
    errors: Vec<String>,
    cancelled: usize,
}

/// A TLS HTTP/2 server on 127.0.0.1 that behaves like APNs.
#[derive(Clone)]
pub struct ApnsStandIn {
    pub addr: SocketAddr,
    pub ca_pem: String,
    state: Arc<Mutex<ApnsState>>,
    pub connections: Arc<AtomicUsize>,
    /// Most requests being answered at once, over all connections.
    pub peak_in_flight: Arc<AtomicUsize>,
    _stop: Arc<oneshot::Sender<()>>,
}

#[derive(serde::Deserialize, Clone)]
struct Claims {
    iss: String,
    iat: u64,
}

impl ApnsStandIn {
    pub async fn start(key: &ApnsKey) -> Self {
        Self::start_with(key, StandInOptions::default()).await
    }

    pub async fn start_with(key: &ApnsKey, options: StandInOptions) -> Self {
        let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
        let ca_pem = cert.cert.pem();
        let cert_der = cert.cert.der().clone();
        let key_der =
            rustls::pki_types::PrivateKeyDer::try_from(cert.signing_key.serialize_der()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert_der], key_der)
            .unwrap();
        tls.alpn_protocols = vec![b"h2".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(ApnsState::default()));
        let connections = Arc::new(AtomicUsize::new(0));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let peak_in_flight = Arc::new(AtomicUsize::new(0));
        let (in_flight_c, peak_c) = (in_flight.clone(), peak_in_flight.clone());
        let decoding = jsonwebtoken::DecodingKey::from_ec_pem(key.public_pem.as_bytes()).unwrap();
        let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
        let st = state.clone();
        let conns = connections.clone();
        tokio::spawn(async move {
            loop {
                let (tcp, _) = tokio::select! {
                    _ = &mut stop_rx => return,
                    a = listener.accept() => match a { Ok(a) => a, Err(_) => continue },
                };
                let acceptor = acceptor.clone();
                let st = st.clone();
                let decoding = decoding.clone();
                let conn_no = conns.fetch_add(1, Ordering::SeqCst) + 1;
                let options = options.clone();
                let (in_flight, peak) = (in_flight_c.clone(), peak_c.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let (goaway_tx, mut goaway_rx) = watch::channel(false);
                    let svc = hyper::service::service_fn(move |req| {
                        let st = st.clone();
                        let decoding = decoding.clone();
                        let goaway_tx = goaway_tx.clone();
                        let delay = options.delay;
                        let (in_flight, peak) = (in_flight.clone(), peak.clone());
                        async move {
                            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                            peak.fetch_max(now, Ordering::SeqCst);
                            let resp = Self::serve(st, decoding, req, conn_no, goaway_tx).await;
                            if !delay.is_zero() {
                                tokio::time::sleep(delay).await;
                            }
                            in_flight.fetch_sub(1, Ordering::SeqCst);
                            Ok::<_, Infallible>(resp)
                        }
                    });
                    let mut builder =
                        hyper::server::conn::http2::Builder::new(TokioExecutor::new());
                    if let Some(n) = options.max_concurrent_streams {
                        builder.max_concurrent_streams(n);
                    }
                    let conn = builder.serve_connection(TokioIo::new(tls), svc);
                    let mut conn = std::pin::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = async { let _ = goaway_rx.wait_for(|g| *g).await; } => {
                            conn.as_mut().graceful_shutdown();
                            let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
                        }
                    }
                });
            }
        });
        Self {
            addr,
            ca_pem,
            state,
            connections,
            peak_in_flight,
            _stop: Arc::new(stop_tx),
        }
    }

    async fn serve(
        st: Arc<Mutex<ApnsState>>,
        decoding: jsonwebtoken::DecodingKey,
        req: Request<Incoming>,
        conn_no: usize,
        goaway: watch::Sender<bool>,
    ) -> Response<Full<Bytes>> {
        let fail = |st: &Arc<Mutex<ApnsState>>, why: String| {
            st.lock().unwrap().errors.push(why.clone());
            let mut r = Response::new(Full::new(Bytes::from(
                serde_json::json!({ "reason": why }).to_string(),
            )));
            *r.status_mut() = StatusCode::BAD_REQUEST;
            r
        };
        let (parts, body) = req.into_parts();
        let body = match body.collect().await {
            Ok(c) => c.to_bytes(),
            Err(_) => {
                // The client reset the stream before its body was complete (a timed-out
                // attempt): nobody will read an answer, and it is not a malformed request.
                st.lock().unwrap().cancelled += 1;
                let mut r = Response::new(Full::new(Bytes::new()));
                *r.status_mut() = StatusCode::BAD_REQUEST;
                return r;
            }
        };
        let h = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        if parts.method != hyper::Method::POST || parts.version != hyper::Version::HTTP_2 {
            return fail(&st, "BadMethod".into());
        }
        let Some(token) = parts.uri.path().strip_prefix("/3/device/") else {
            return fail(&st, "BadPath".into());
        };
        let token = token.to_owned();
        // Provider token: ES256, kid, iss, recent iat, valid signature.
        let Some(jwt) =
            h("authorization").and_then(|a| a.strip_prefix("bearer ").map(str::to_owned))
        else {
            return fail(&st, "MissingProviderToken".into());
        };
        let header = match jsonwebtoken::decode_header(&jwt) {
            Ok(h) => h,
            Err(e) => return fail(&st, format!("InvalidProviderToken header {e}")),
        };
        if header.alg != jsonwebtoken::Algorithm::ES256 || header.kid.as_deref() != Some(KEY_ID) {
            return fail(&st, "InvalidProviderToken kid/alg".into());
        }
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        // Verify each distinct provider token once (they are reused by design).
        let cached = st.lock().unwrap().verified.get(&jwt).cloned();
        let claims = match cached {
            Some(c) => c,
            None => match jsonwebtoken::decode::<Claims>(&jwt, &decoding, &validation) {
                Ok(d) => {
                    st.lock()
                        .unwrap()
                        .verified
                        .insert(jwt.clone(), d.claims.clone());
                    d.claims
                }
                Err(e) => return fail(&st, format!("InvalidProviderToken sig {e}")),
            },
        };
        if claims.iss != TEAM_ID || claims.iat.abs_diff(unix_now()) > 3600 {
            return fail(&st, "InvalidProviderToken claims".into());
        }
        for (name, want) in [
            ("apns-topic", TOPIC),
            ("apns-push-type", "alert"),
            ("apns-priority", "10"),
        ] {
            if h(name).as_deref() != Some(want) {
                return fail(&st, format!("bad header {name}"));
            }
        }
        let collapse_id = h("apns-collapse-id").unwrap_or_default();
        if collapse_id.is_empty() || collapse_id.len() > 64 {
            return fail(&st, "BadCollapseId".into());
        }
        let expiration: u64 = h("apns-expiration")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if expiration <= unix_now() || expiration > unix_now() + 600 {
            return fail(&st, "BadExpirationDate".into());
        }
        if body.len() > 4096 {
            return fail(&st, "PayloadTooLarge".into());
        }
        let payload: serde_json::Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return fail(&st, "BadPayload".into()),
        };
        let aps = &payload["aps"];
        if aps["mutable-content"] != 1
            || aps["interruption-level"] != "passive"
            || aps["alert"]["title"] != " "
            || aps["alert"]["body"] != " "
            || !payload["relay_url"].is_string()
            || payload["event_id"] != collapse_id.as_str()
            || !payload["signer_pubkey"].is_string()
        {
            return fail(&st, format!("BadPayload {payload}"));
        }
        let reply = {
            let mut s = st.lock().unwrap();
            s.received.push(Received {
                token,
                jwt,
                iat: claims.iat,
                collapse_id,
                expiration,
                payload,
                connection: conn_no,
                at: Instant::now(),
            });
            s.script.pop_front()
        };
        let (status, body) = match reply {
            None => (200, String::new()),
            Some(Reply::Status(s, b)) => (s, b),
            Some(Reply::GoAway) => {
                let _ = goaway.send(true);
                (200, String::new())
            }
            Some(Reply::Hold(d)) => {
                tokio::time::sleep(d).await;
                (200, String::new())
            }
        };
        let mut r = Response::new(Full::new(Bytes::from(body)));
        *r.status_mut() = StatusCode::from_u16(status).unwrap();
        r.headers_mut().insert(
            "apns-id",
            "00000000-0000-0000-0000-000000000000".parse().unwrap(),
        );
        r
    }

    /// Queue replies for the next requests (default: 200).
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.state.lock().unwrap().script.extend(replies);
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    pub fn count(&self) -> usize {
        self.state.lock().unwrap().received.len()
    }

    /// Requests whose stream the client reset before the body was complete.
    pub fn cancelled(&self) -> usize {
        self.state.lock().unwrap().cancelled
    }

    /// Requests the stand-in rejected as malformed (must stay empty).
    pub fn errors(&self) -> Vec<String> {
        self.state.lock().unwrap().errors.clone()
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.addr.port())
    }
}

pub use clave_testkit::{LocalRelay, start_relay};

/// Publish events to a relay over a plain WebSocket and wait for each OK.
pub async fn publish(url: &str, events: &[Event]) {
    let (mut ws, _) = tokio::time::timeout(
        Duration::from_secs(5),
        tokio_tungstenite::connect_async(url),
    )
    .await
    .unwrap()
    .unwrap();
    for ev in events {
        let frame = serde_json::json!(["EVENT", ev]).to_string();
        ws.send(Message::text(frame)).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = tokio::time::timeout(left, ws.next())
                .await
                .expect("OK from relay in time")
                .unwrap()
                .unwrap();
            if let Message::Text(t) = msg {
                let v: serde_json::Value = serde_json::from_str(t.as_str()).unwrap();
                if v[0] == "OK" && v[1] == ev.id.to_hex() {
                    assert_eq!(v[2], true, "relay refused event: {v}");
                    break;
                }
            }
        }
    }
    let _ = ws.close(None).await;
}

/// A kind-24133 request from `client` to `signer`.
pub fn request_event(client: &Keys, signer: &PublicKey, content: &str) -> Event {
    EventBuilder::new(Kind::NostrConnect, content)
        .tag(Tag::public_key(*signer))
        .sign_with_keys(client)
        .unwrap()
}

/// What a NIP-98 header should claim (tests tamper with single fields).
pub struct AuthSpec<'a> {
    pub url: &'a str,
    pub method: &'a str,
    pub body: Option<&'a [u8]>,
    pub created_at: u64,
}

pub fn nip98_event(keys: &Keys, spec: &AuthSpec<'_>) -> Event {
    let mut tags = vec![
        Tag::parse(["u", spec.url]).unwrap(),
        Tag::parse(["method", spec.method]).unwrap(),
    ];
    if let Some(body) = spec.body {
        let hash = hex::encode(sha2::Sha256::digest(body));
        tags.push(Tag::parse(["payload", hash.as_str()]).unwrap());
    }
    EventBuilder::new(Kind::HttpAuth, "")
        .tags(tags)
        .custom_created_at(Timestamp::from(spec.created_at))
        .sign_with_keys(keys)
        .unwrap()
}

pub fn header_for_json(json: &str) -> String {
    format!(
        "Nostr {}",
        base64::engine::general_purpose::STANDARD.encode(json)
    )
}

pub fn auth_header(keys: &Keys, spec: &AuthSpec<'_>) -> String {
    header_for_json(&nip98_event(keys, spec).as_json())
}

/// A tiny HTTP/1.1 client: (status, JSON body or Null).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let tcp = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr))
        .await
        .unwrap()
        .unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (k, v) in headers {
        req = req.header(*k, v.as_str());
    }
    let req = req.body(Full::new(Bytes::from(body))).unwrap();
    let resp = tokio::time::timeout(Duration::from_secs(10), sender.send_request(req))
        .await
        .unwrap()
        .unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// A running proxy (in-process `run`).
pub struct Proxy {
    pub addr: SocketAddr,
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Result<(), push_proxy::Error>>>,
    pub dir: TempDir,
}

/// Flags shared by in-process and binary runs.
pub fn base_args(
    dir: &TempDir,
    key: &ApnsKey,
    prod: &ApnsStandIn,
    sandbox: &ApnsStandIn,
    relays: &[String],
    base: &str,
) -> Vec<String> {
    let key_path = dir.0.join("AuthKey_TEST.p8");
    std::fs::write(&key_path, &key.p8_pem).unwrap();
    let ca_path = dir.0.join("ca.pem");
    let mut ca = prod.ca_pem.clone();
    ca.push_str(&sandbox.ca_pem);
    std::fs::write(&ca_path, ca).unwrap();
    let mut args = vec![
        "push-proxy".to_string(),
        format!("--relay-url={}", relays.join(",")),
        format!("--public-proxy-url={base}"),
        format!("--apns-key-id={KEY_ID}"),
        format!("--apns-team-id={TEAM_ID}"),
        format!("--apns-key-path={}", key_path.display()),
        format!("--apns-host={}", prod.host()),
        format!("--apns-sandbox-host={}", sandbox.host()),
        format!("--apns-ca-file={}", ca_path.display()),
        format!("--bundle-id={TOPIC}"),
        format!("--db-path={}", dir.0.join("db.redb").display()),
        "--apns-retry-base-ms=10".into(),
        "--apns-timeout-ms=3000".into(),
        "--relay-min-backoff-ms=50".into(),
        "--relay-max-backoff-secs=1".into(),
        "--relay-since-margin-secs=5".into(),
        "--allow-private-relays=true".into(),
        "--rate-per-ip=100000".into(),
        "--rate-per-pubkey=100000".into(),
        "--rate-burst=1000".into(),
    ];
    if relays.is_empty() {
        args.retain(|a| !a.starts_with("--relay-url"));
    }
    args
}

impl Proxy {
    pub async fn start(
        key: &ApnsKey,
        prod: &ApnsStandIn,
        sandbox: &ApnsStandIn,
        relays: &[String],
        extra: &[&str],
    ) -> Self {
        let dir = TempDir::new("proxy");
        Self::start_in(dir, key, prod, sandbox, relays, extra).await
    }

    pub async fn start_in(
        dir: TempDir,
        key: &ApnsKey,
        prod: &ApnsStandIn,
        sandbox: &ApnsStandIn,
        relays: &[String],
        extra: &[&str],
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let mut args = base_args(&dir, key, prod, sandbox, relays, &base);
        args.extend(extra.iter().map(|s| s.to_string()));
        let config = <push_proxy::Config as clap::Parser>::try_parse_from(args).unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(push_proxy::run(config, listener, async {
            let _ = rx.await;
        }));
        let proxy = Self {
            addr,
            base,
            stop: Some(tx),
            task: Some(task),
            dir,
        };
        if !relays.is_empty() {
            let n = relays.len() as u64;
            assert!(
                proxy
                    .wait_metric("clave_proxy_relay_connections", |v| v >= n)
                    .await,
                "proxy connected to its relays"
            );
        }
        proxy
    }

    pub async fn stop(mut self) -> TempDir {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .expect("proxy stops in time")
                .unwrap()
                .unwrap();
        }
        TempDir(std::mem::take(&mut self.dir.0))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POST with a valid NIP-98 header in `X-Clave-Auth`.
    pub async fn post(
        &self,
        keys: &Keys,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.post_raw(keys, path, body.to_string().into_bytes())
            .await
    }

    /// POST raw bytes with a valid NIP-98 header over them.
    pub async fn post_raw(
        &self,
        keys: &Keys,
        path: &str,
        body: Vec<u8>,
    ) -> (u16, serde_json::Value) {
        let url = self.url(path);
        let auth = auth_header(
            keys,
            &AuthSpec {
                url: &url,
                method: "POST",
                body: Some(&body),
                created_at: unix_now(),
            },
        );
        http(self.addr, "POST", path, &[("x-clave-auth", auth)], body).await
    }

    pub async fn register(&self, keys: &Keys, token: &str, env: Option<&str>) {
        let body = match env {
            Some(e) => serde_json::json!({ "token": token, "env": e }),
            None => serde_json::json!({ "token": token }),
        };
        let (status, json) = self.post(keys, "/register", body).await;
        assert_eq!((status, json), (200, serde_json::json!({ "ok": true })));
    }

    pub async fn health(&self) -> serde_json::Value {
        let (status, json) = http(self.addr, "GET", "/health", &[], Vec::new()).await;
        assert_eq!(status, 200);
        json
    }

    pub async fn metric(&self, name: &str) -> u64 {
        metric_at(self.addr, name).await
    }

    /// Wait (bounded, 10 s) until a metric satisfies `f`.
    pub async fn wait_metric(&self, name: &str, f: impl Fn(u64) -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if f(self.metric(name).await) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        false
    }
}

pub async fn metric_at(addr: SocketAddr, name: &str) -> u64 {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = Request::get("/metrics")
        .header("host", addr.to_string())
        .body(Full::new(Bytes::new()))
        .unwrap();
    let resp = sender.send_request(req).await.unwrap();
    let text = resp.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&text);
    text.lines()
        .find_map(|l| {
            let (k, v) = l.split_once(' ')?;
            (k == name).then(|| v.parse().ok())?
        })
        .unwrap_or(0)
}

/// A random 32-byte device token in hex.
pub fn token() -> String {
    hex::encode(Keys::generate().secret_key().to_secret_bytes())
}

/// Everything most tests need.
pub struct World {
    pub key: ApnsKey,
    pub prod: ApnsStandIn,
    pub sandbox: ApnsStandIn,
    pub relay: LocalRelay,
    pub relay_url: String,
}

impl World {
    pub async fn new() -> Self {
        let key = ApnsKey::generate();
        let prod = ApnsStandIn::start(&key).await;
        let sandbox = ApnsStandIn::start(&key).await;
        let (relay, relay_url) = start_relay(None).await;
        Self {
            key,
            prod,
            sandbox,
            relay,
            relay_url,
        }
    }

    pub async fn proxy(&self, extra: &[&str]) -> Proxy {
        Proxy::start(
            &self.key,
            &self.prod,
            &self.sandbox,
            std::slice::from_ref(&self.relay_url),
            extra,
        )
        .await
    }
}
