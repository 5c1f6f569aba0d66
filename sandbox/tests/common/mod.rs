//! Shared scaffolding: a sandbox on free ports in a fresh temporary state directory, and the
//! sandbox's bounds ([`STEP`]) on `clave-testkit`'s helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use clave_sandbox::{Pending, Sandbox, SandboxConfig};
pub use clave_testkit::TempDir;
use nostr_connect::prelude::*;

/// Every wait in a test is bounded by this (generous: a loaded 2-core machine).
pub const STEP: Duration = Duration::from_secs(30);

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
    clave_testkit::init_tracing("clave_sandbox=info,push_proxy=warn");
}

pub fn client_for(uri: &str, keys: &Keys) -> NostrConnect {
    clave_testkit::client_for(uri, keys, STEP)
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

/// Send one NIP-46 request built by rust-nostr from `keys` and read the response with
/// rust-nostr.
pub async fn raw_request(
    url: &str,
    keys: &Keys,
    signer: PublicKey,
    req: NostrConnectRequest,
) -> NostrConnectResponse {
    clave_testkit::raw_request(url, keys, signer, req, STEP).await
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
