//! Shared scaffolding: a sandbox on free ports in a fresh temporary state directory, and a
//! rust-nostr raw NIP-46 request helper.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use clave_sandbox::{Pending, Sandbox, SandboxConfig};
use nostr_connect::prelude::*;
use nostr_relay_pool::prelude::{
    RelayOptions as PoolRelayOptions, RelayPool, RelayPoolNotification, SubscribeOptions,
};

/// Every wait in a test is bounded by this (generous: a loaded 2-core machine).
pub const STEP: Duration = Duration::from_secs(30);

pub const TRICKY: &str = "héllo wörld 🌍 — 日本語\nsecond line\t\"quoted\" \\ back/slash \u{1b}esc";

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let p = std::env::temp_dir().join(format!(
            "clave-sandbox-{tag}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn config(dir: &TempDir) -> SandboxConfig {
    let mut cfg = SandboxConfig::new(&dir.0).with_free_ports();
    cfg.nostrconnect_repeats = vec![Duration::from_millis(500), Duration::from_secs(2)];
    cfg.ready_timeout = STEP;
    cfg
}

pub async fn start(tag: &str) -> (Sandbox, TempDir) {
    init_tracing();
    let dir = TempDir::new(tag);
    let sandbox = tokio::time::timeout(STEP * 2, Sandbox::start(config(&dir)))
        .await
        .expect("sandbox started in time")
        .expect("sandbox started");
    (sandbox, dir)
}

pub fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "clave_sandbox=info,push_proxy=warn".into()),
        )
        .with_test_writer()
        .try_init();
}

pub fn client_for(uri: &str, keys: &Keys) -> NostrConnect {
    let uri = NostrConnectURI::parse(uri).unwrap();
    NostrConnect::new(uri, keys.clone(), STEP, None).unwrap()
}

/// Wait until exactly one request is held, and return it.
pub async fn next_pending(sandbox: &Sandbox) -> Pending {
    let start = Instant::now();
    while start.elapsed() < STEP {
        let p = sandbox.pending().unwrap();
        if let [one] = p.as_slice() {
            return one.clone();
        }
        assert!(p.len() < 2, "more than one request held: {p:?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no request was held in time");
}

/// No APNs push was rejected by the stand-in (headers, JWT, payload all right).
pub fn assert_apns_clean(sandbox: &Sandbox) {
    let (accepted, rejected, errors) = sandbox.apns_counts();
    assert!(accepted > 0, "the APNs stand-in accepted no push");
    assert_eq!(rejected, 0, "APNs stand-in rejections: {errors:?}");
}

/// Subscribe to replies for `keys` on `url`, then run `send`, then return the first reply
/// (NIP-44 decrypted) whose id is `req_id`.
pub struct Replies {
    pool: RelayPool,
    notifications: tokio::sync::broadcast::Receiver<RelayPoolNotification>,
}

impl Replies {
    pub async fn listen(url: &str, keys: &Keys) -> Self {
        let pool = RelayPool::default();
        pool.add_relay(url, PoolRelayOptions::default())
            .await
            .unwrap();
        pool.connect().await;
        pool.wait_for_connection(STEP).await;
        let filter = Filter::new()
            .pubkey(keys.public_key())
            .kind(Kind::NostrConnect)
            .since(Timestamp::now() - Duration::from_secs(10));
        let notifications = pool.notifications();
        pool.subscribe(filter, SubscribeOptions::default())
            .await
            .unwrap();
        Self {
            pool,
            notifications,
        }
    }

    pub async fn send(&self, ev: &Event) {
        self.pool.send_event(ev).await.unwrap();
    }

    /// The next decrypted message from `signer` for which `pick` returns `Some`.
    pub async fn next<T>(
        &mut self,
        keys: &Keys,
        signer: &PublicKey,
        mut pick: impl FnMut(NostrConnectMessage) -> Option<T>,
    ) -> T {
        tokio::time::timeout(STEP, async {
            loop {
                match self.notifications.recv().await {
                    Ok(RelayPoolNotification::Event { event, .. }) if event.pubkey == *signer => {
                        let Ok(plain) =
                            nip44::decrypt(keys.secret_key(), &event.pubkey, &event.content)
                        else {
                            continue;
                        };
                        let Ok(msg) = NostrConnectMessage::from_json(plain) else {
                            continue;
                        };
                        if let Some(t) = pick(msg) {
                            return t;
                        }
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(e) => panic!("relay pool notifications closed: {e}"),
                }
            }
        })
        .await
        .expect("no reply in time")
    }

    pub async fn shutdown(self) {
        self.pool.shutdown().await;
    }
}

/// Send one NIP-46 request built by rust-nostr from `keys` and read the response with
/// rust-nostr.
pub async fn raw_request(
    url: &str,
    keys: &Keys,
    signer: PublicKey,
    req: NostrConnectRequest,
) -> NostrConnectResponse {
    let mut replies = Replies::listen(url, keys).await;
    let msg = NostrConnectMessage::request(&req);
    let req_id = msg.id().to_owned();
    let method = req.method();
    let ev = EventBuilder::nostr_connect(keys, signer, msg)
        .unwrap()
        .sign_with_keys(keys)
        .unwrap();
    replies.send(&ev).await;
    let resp = replies
        .next(keys, &signer, |m| {
            (m.id() == req_id).then(|| m.to_response(method).unwrap())
        })
        .await;
    replies.shutdown().await;
    resp
}

/// Percent-encode a relay URL for a URI query.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A tiny HTTP/1.1 call to the device API: (status, JSON body).
pub async fn http(method: &str, url: &str, body: &str) -> (u16, serde_json::Value) {
    let (status, bytes) = clave_sandbox::net::http(
        method,
        url,
        &[],
        body.as_bytes().to_vec(),
        Duration::from_secs(20),
    )
    .await
    .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}
