//! End to end through the sandbox (relay → push proxy → APNs stand-in → simulated NSE through
//! nse-ffi → relay) with rust-nostr's `nostr-connect` client 0.44.1, on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use clave_sandbox::{FetchSource, Sandbox, TrustLevel};
use clave_testkit::{
    Replies, TRICKY, assert_ping, assert_rejected, assert_signed, assert_signs_and_encrypts, pair,
    sign_now, spawn_sign,
};
use common::{
    STEP, TempDir, assert_apns_clean, client_for, config, enc, http, next_pending, raw_request,
    start,
};
use nostr_connect::prelude::*;
use tokio::time::timeout;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bunker_pairs_signs_encrypts_large_event_and_relay_restart() {
    let (sandbox, _dir) = start("bunker").await;
    let user = PublicKey::from_hex(sandbox.user_pubkey()).unwrap();
    let uri = sandbox.bunker_uri().unwrap();
    assert!(uri.starts_with("bunker://"), "{uri}");
    let client_keys = Keys::generate();
    let client = client_for(&uri, &client_keys);

    // Pairing (connect with the secret) happens on the first call.
    pair(&client, user, STEP).await;
    let clients = sandbox.clients().unwrap();
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].pubkey, client_keys.public_key().to_hex());
    assert_eq!(clients[0].trust, "medium");

    // sign_event (tricky content and tags kept verbatim), NIP-44 and NIP-04 both ways.
    assert_signs_and_encrypts(&client, user, STEP).await;

    // Small requests travel embedded in the push.
    let counts = sandbox.fetch_counts();
    assert!(counts.embedded >= 6, "{counts:?}");
    assert_eq!(counts.proxy, 0, "{counts:?}");

    // An event too large for the APNs payload (4 KB): the push carries only its id, and the
    // device fetches it from the proxy's GET /event/<id> with NIP-98.
    let big = format!("{TRICKY} {}", "large ✓ ".repeat(700));
    assert!(big.len() > 5000);
    let unsigned = EventBuilder::text_note(&big).build(user);
    let signed = sign_now(&client, unsigned, STEP).await;
    assert_eq!(signed.content, big);
    let after = sandbox.fetch_counts();
    assert_eq!(after.proxy, counts.proxy + 1, "{after:?}");
    assert_eq!(after.failed, 0, "{after:?}");
    let record = sandbox
        .timings()
        .into_iter()
        .rev()
        .find(|t| t.source == Some(FetchSource::Proxy))
        .expect("a timing record for the proxy fetch");
    assert_eq!(record.outcome, "replied");
    let (f, h, p) = (
        record.fetched_after.unwrap(),
        record.handled_after.unwrap(),
        record.published_after.unwrap(),
    );
    assert!(f <= h && h <= p, "{record:?}");
    client.shutdown().await;

    // ping (nostr-connect 0.44 has no public ping): rust-nostr's own `ping` message from the
    // paired client key.
    let url = sandbox.relay_url().to_owned();
    assert_ping(&url, &client_keys, user, STEP).await;

    // The relay dies and comes back on the same port: the proxy resubscribes and requests
    // reach the device again (restart_relay returns after a probe got through).
    timeout(STEP * 2, sandbox.restart_relay())
        .await
        .unwrap()
        .unwrap();
    assert_ping(&url, &client_keys, user, STEP).await;
    let unsigned = EventBuilder::text_note("after the restart ✓").build(user);
    let reply = raw_request(
        &url,
        &client_keys,
        user,
        NostrConnectRequest::SignEvent(unsigned),
    )
    .await;
    let ResponseResult::SignEvent(ev) = reply.result.expect("a result") else {
        panic!("not a sign_event result");
    };
    ev.verify().unwrap();
    assert_eq!(ev.content, "after the restart ✓");

    assert_apns_clean(&sandbox);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn medium_client_protected_kind_waits_for_approval() {
    let (sandbox, _dir) = start("approve").await;
    let user = PublicKey::from_hex(sandbox.user_pubkey()).unwrap();
    let client_keys = Keys::generate();
    let client = client_for(&sandbox.bunker_uri().unwrap(), &client_keys);
    pair(&client, user, STEP).await;
    let client_hex = client_keys.public_key().to_hex();
    sandbox
        .set_client_trust(&client_hex, TrustLevel::Medium)
        .unwrap();

    // kind 0 is protected: Medium asks; approved over the device's HTTP API → signature.
    let metadata = EventBuilder::metadata(&Metadata::new().name("clave ✓")).build(user);
    let sign = spawn_sign(&client, metadata);
    let held = next_pending(&sandbox).await;
    assert_eq!(held.kind, Some(0));
    assert_eq!(held.method, "sign_event");
    assert_eq!(held.client, client_hex);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!sign.is_finished(), "the client must still be waiting");
    let device = sandbox.device_url();
    let (status, body) = http("POST", &format!("{device}/approve/{}", held.short), "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["decision"], "approved");
    let signed = assert_signed(sign, STEP).await;
    assert_eq!(signed.kind, Kind::Metadata);
    assert!(sandbox.pending().unwrap().is_empty());

    // Deciding it again is a JSON 404, not a crash.
    let (status, body) = http("POST", &format!("{device}/approve/{}", held.short), "").await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].is_string());

    // Deny → "user rejected".
    let metadata = EventBuilder::metadata(&Metadata::new().name("nope")).build(user);
    let sign = spawn_sign(&client, metadata);
    let held = next_pending(&sandbox).await;
    let (status, body) = http("GET", &format!("{device}/pending"), "").await;
    assert_eq!(status, 200);
    assert_eq!(body["pending"][0]["id"], held.id.as_str());
    sandbox.deny(&held.id).await.unwrap();
    assert_rejected(sign, STEP).await;

    // A kind Medium allows is automatic; at Full trust kind 0 is too.
    let note = EventBuilder::text_note("auto").build(user);
    sign_now(&client, note, STEP).await;
    sandbox
        .set_client_trust(&client_hex, TrustLevel::Full)
        .unwrap();
    let metadata = EventBuilder::metadata(&Metadata::new().name("full")).build(user);
    sign_now(&client, metadata, STEP).await;
    assert!(sandbox.pending().unwrap().is_empty());

    // Malformed API input gets JSON errors.
    let (status, body) = http("POST", &format!("{device}/approve/zz"), "").await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = http("POST", &format!("{device}/nostrconnect"), "{\"uri\": 5}").await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = http(
        "POST",
        &format!("{device}/nostrconnect"),
        "nostrconnect://zz",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = http("GET", &format!("{device}/nope"), "").await;
    assert_eq!(status, 404);

    client.shutdown().await;
    assert_apns_clean(&sandbox);
    sandbox.shutdown().await;
}

/// A client-initiated pairing: the app shows a `nostrconnect://` URI (with a secret: rust-nostr
/// 0.44's own URIs carry none, which signer-core refuses), the user approves it on the device,
/// the app receives a connect response carrying its secret and is then paired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostrconnect_pairing_approved_on_device() {
    let (sandbox, _dir) = start("nostrconnect").await;
    let user = PublicKey::from_hex(sandbox.user_pubkey()).unwrap();
    let url = sandbox.relay_url().to_owned();
    let app = Keys::generate();
    let secret = "s3cr3t-nc_1";
    let uri = format!(
        "nostrconnect://{}?relay={}&secret={secret}&name=sandbox%20app&perms=sign_event%3A1%2Cnip44_encrypt",
        app.public_key().to_hex(),
        enc(&url)
    );
    let mut replies = Replies::listen(&url, &app, STEP).await;
    let (status, body) = http(
        "POST",
        &format!("{}/nostrconnect", sandbox.device_url()),
        &serde_json::json!({ "uri": uri, "trust": "medium" }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["client"], app.public_key().to_hex());
    let result = replies
        .next(&app, &user, |m| match m {
            NostrConnectMessage::Response { result, .. } => result,
            _ => None,
        })
        .await;
    assert_eq!(result, secret);
    replies.shutdown().await;
    let clients = sandbox.clients().unwrap();
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].pubkey, app.public_key().to_hex());
    assert_eq!(clients[0].name, "sandbox app");

    // Paired: its requests are served.
    let reply = raw_request(&url, &app, user, NostrConnectRequest::GetPublicKey).await;
    assert_eq!(
        reply,
        NostrConnectResponse::with_result(ResponseResult::GetPublicKey(user))
    );
    assert_apns_clean(&sandbox);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_persists_across_sandbox_restart() {
    common::init_tracing();
    let dir = TempDir::new("restart");
    let first = timeout(STEP * 2, Sandbox::start(config(&dir)))
        .await
        .unwrap()
        .unwrap();
    let user_hex = first.user_pubkey().to_owned();
    let user = PublicKey::from_hex(&user_hex).unwrap();
    let relay_port = first.relay_port();
    let uri = first.bunker_uri().unwrap();
    let client_keys = Keys::generate();
    let client = client_for(&uri, &client_keys);
    pair(&client, user, STEP).await;
    client.shutdown().await;
    first.shutdown().await;

    // Same directory, same relay port: same key, the client still paired.
    let mut cfg = config(&dir);
    cfg.relay_port = relay_port;
    let second = timeout(STEP * 2, Sandbox::start(cfg))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.user_pubkey(), user_hex);
    let clients = second.clients().unwrap();
    assert_eq!(clients.len(), 1);
    assert_eq!(clients[0].pubkey, client_keys.public_key().to_hex());
    // The old URI's secret was used up; a paired client re-sending connect with it gets an
    // idempotent "ack" (as NDK does on every app restart), then is served.
    assert_ne!(second.bunker_uri().unwrap(), uri);
    let client = client_for(&uri, &client_keys);
    let note = EventBuilder::text_note("still paired ✓").build(user);
    let signed = sign_now(&client, note, STEP).await;
    assert_eq!(signed.pubkey, user);
    client.shutdown().await;
    assert_apns_clean(&second);
    second.shutdown().await;

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.0.join("device-key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key file is private");
        // So is everything else the sandbox keeps: held requests, the proxy's token store.
        for name in ["held", "proxy.redb"] {
            let mode = std::fs::metadata(dir.0.join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{name} is private (mode {mode:o})");
        }
    }
}
