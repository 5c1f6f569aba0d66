//! End to end through the sandbox with nostr-tools' `BunkerSigner` (npm, run by Node), reusing
//! clave-host's harness in `../host/tests/js` (installed by `npm ci --prefix host/tests/js`).
//! Without Node or the packages these tests FAIL (never skip) and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use clave_sandbox::TrustLevel;
use clave_testkit::{Harness, assert_every_method};
use common::{STEP, assert_apns_clean, start};

/// The Node harness in `mode` with `arg`: each line within 4 × `STEP`, the exit within `STEP`.
fn spawn_harness(mode: &str, arg: &str) -> Harness {
    Harness::spawn(mode, arg, STEP * 4, STEP)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_bunker_every_method() {
    let (sandbox, _dir) = start("nt-bunker").await;
    let mut h = spawn_harness("bunker", &sandbox.bunker_uri().unwrap());
    let v = h.next().await;
    assert_eq!(v["checks"]["connect"], true);
    assert_every_method(&v, sandbox.user_pubkey());
    h.finish().await;
    assert_apns_clean(&sandbox);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_nostrconnect_approved_on_device() {
    let (sandbox, _dir) = start("nt-nostrconnect").await;
    let mut h = spawn_harness("nostrconnect", sandbox.relay_url());
    let first = h.next().await;
    let uri = first["uri"].as_str().unwrap().to_owned();
    assert!(uri.starts_with("nostrconnect://"), "{uri}");
    sandbox
        .approve_nostrconnect(&uri, TrustLevel::Medium)
        .await
        .unwrap();
    let v = h.next().await;
    assert_eq!(v["checks"]["paired"], true);
    assert_every_method(&v, sandbox.user_pubkey());
    h.finish().await;
    assert_eq!(sandbox.clients().unwrap().len(), 1);
    assert_apns_clean(&sandbox);
    sandbox.shutdown().await;
}
