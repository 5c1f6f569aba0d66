//! Interop with nostr-tools' `BunkerSigner` (npm, run by Node) over a real relay on 127.0.0.1.
//!
//! Needs `node` (≥ 20) and the harness's packages: `npm ci --prefix host/tests/js`. Without
//! them these tests FAIL (never skip) and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use clave_testkit::{Harness, assert_every_method};
use common::{STEP, next_held, start_host, start_relay};
use nostr::JsonUtil;
use signer_core::nip46::perms::TrustLevel;

/// The Node harness in `mode` with `arg`: each line within `STEP`, the exit within `STEP`.
fn spawn_harness(mode: &str, arg: &str) -> Harness {
    Harness::spawn(mode, arg, STEP, STEP)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_bunker_every_method() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "nt-bunker").await;
    let uri = th.host.bunker_uri(None).await.unwrap();
    let mut h = spawn_harness("bunker", &uri);
    let v = h.next().await;
    assert_eq!(v["checks"]["connect"], true);
    assert_every_method(&v, &th.user_hex);
    h.finish().await;
    th.host.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_nostrconnect_approved_by_host() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "nt-nostrconnect").await;
    let mut h = spawn_harness("nostrconnect", &url);
    let first = h.next().await;
    let uri = first["uri"].as_str().unwrap().to_owned();
    assert!(uri.starts_with("nostrconnect://"), "{uri}");
    // The user approves the URI on the device.
    let handled = th
        .host
        .pair_nostrconnect(&uri, None, TrustLevel::Medium)
        .await
        .unwrap();
    assert!(handled.delivered.iter().any(|(_, o)| o.is_delivered()));
    let v = h.next().await;
    assert_eq!(v["checks"]["paired"], true);
    assert_every_method(&v, &th.user_hex);
    h.finish().await;
    th.host.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_medium_protected_kind_approve_then_deny() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "nt-protected").await;
    let uri = th.host.bunker_uri(None).await.unwrap();
    let mut events = th.host.subscribe();
    let mut h = spawn_harness("protected", &uri);
    assert_eq!(h.next().await["pubkey"], th.user_hex.as_str());

    // First kind-0 request: held, then approved → the client gets a valid signature.
    let held = next_held(&mut events).await;
    assert_eq!(held.kind, Some(0));
    assert_eq!(th.host.pending().len(), 1);
    th.host.approve(&held.id).await.unwrap();
    let v = h.next().await;
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["verifies"], true);
    let ev = nostr::Event::from_json(v["signed"].to_string()).unwrap();
    ev.verify().unwrap();
    assert_eq!(ev.kind, nostr::Kind::Metadata);

    // Second: held, then denied → "user rejected".
    let held = next_held(&mut events).await;
    th.host.deny(&held.id).await.unwrap();
    let v = h.next().await;
    assert_eq!(v["ok"], false, "{v}");
    assert!(
        v["reason"].as_str().unwrap().contains("user rejected"),
        "{v}"
    );
    assert!(th.host.pending().is_empty());
    h.finish().await;
    th.host.shutdown();
}
