//! Interop with rust-nostr's `nostr-connect` client over a real relay on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use clave_testkit::{
    assert_ping, assert_rejected, assert_signed, assert_signs_and_encrypts, pair, sign_now,
    spawn_sign,
};
use common::{STEP, next_held, start_host, start_relay};
use nostr_connect::prelude::*;
use signer_core::nip46::perms::TrustLevel;

fn client_for(uri: &str) -> (NostrConnect, Keys) {
    let keys = Keys::generate();
    let c = clave_testkit::client_for(uri, &keys, Duration::from_secs(10));
    (c, keys)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_nostr_bunker_pairs_signs_encrypts() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "rn-bunker").await;
    let uri = th.host.bunker_uri(None).await.unwrap();
    let (client, client_keys) = client_for(&uri);
    let user = PublicKey::from_hex(&th.user_hex).unwrap();

    // Pairing (connect with the secret) happens on the first call.
    pair(&client, user, STEP).await;

    // sign_event (tricky content and tags kept verbatim), NIP-44 and NIP-04 both ways.
    assert_signs_and_encrypts(&client, user, STEP).await;

    // ping: nostr-connect 0.44 has no public ping, so send rust-nostr's own NIP-46 `ping`
    // message through rust-nostr's relay pool from the same (paired) client key.
    assert_ping(&url, &client_keys, user, STEP).await;

    client.shutdown().await;
    th.host.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_nostr_medium_client_protected_kind_waits_for_approval() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "rn-approve").await;
    let uri = th.host.bunker_uri(None).await.unwrap();
    let (client, _) = client_for(&uri);
    let user = PublicKey::from_hex(&th.user_hex).unwrap();
    pair(&client, user, STEP).await;
    let mut events = th.host.subscribe();

    // kind 0 is protected: Medium asks; approve → the client gets the signature.
    let metadata = EventBuilder::metadata(&Metadata::new().name("clave ✓")).build(user);
    let sign = spawn_sign(&client, metadata);
    let held = next_held(&mut events).await;
    assert_eq!(held.kind, Some(0));
    assert!(!sign.is_finished(), "the client must still be waiting");
    th.host.approve(&held.id).await.unwrap();
    let signed = assert_signed(sign, STEP).await;
    assert_eq!(signed.kind, Kind::Metadata);
    assert!(th.host.pending().is_empty());

    // Deny → "user rejected".
    let metadata = EventBuilder::metadata(&Metadata::new().name("nope")).build(user);
    let sign = spawn_sign(&client, metadata);
    let held = next_held(&mut events).await;
    th.host.deny(&held.id).await.unwrap();
    assert_rejected(sign, STEP).await;

    // A kind the Medium level allows is still automatic.
    let note = EventBuilder::text_note("auto").build(user);
    sign_now(&client, note, STEP).await;

    client.shutdown().await;
    th.host.shutdown();
}

/// rust-nostr 0.44's `nostrconnect://` URIs carry no `secret` (and its client expects "ack"
/// in that flow), while nostr-tools and NDK need the response to carry the URI's secret
/// (INTEROP 12, 13). signer-core requires the secret, so such a URI is refused up front, with
/// the state untouched: the rust-nostr 0.44 nostrconnect flow is not supported (by design).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_nostr_044_nostrconnect_uri_without_secret_is_refused() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "rn-nostrconnect").await;
    let app = Keys::generate();
    let uri = NostrConnectURI::Client {
        public_key: app.public_key(),
        relays: vec![RelayUrl::parse(&url).unwrap()],
        metadata: NostrConnectMetadata::new("rust-nostr app"),
    }
    .to_string();
    assert!(!uri.contains("secret="), "{uri}");
    let err = th
        .host
        .pair_nostrconnect(&uri, None, TrustLevel::Medium)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("secret"), "{err}");
    let clients = th.host.with_device(|d| d.state().clients(&th.user).count());
    assert_eq!(clients, 0);
    th.host.shutdown();
}
