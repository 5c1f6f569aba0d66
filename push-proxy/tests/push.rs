//! Relay → proxy → APNs, end to end on 127.0.0.1 with a real relay and a TLS HTTP/2 APNs
//! stand-in.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use clave_testkit::RelayProcess;
use common::*;
use nostr::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn event_is_pushed_to_every_token_in_its_environment() {
    let w = World::new().await;
    let proxy = w.proxy(&[]).await;
    let signer = Keys::generate();
    let other = Keys::generate();
    let client = Keys::generate();
    let (t1, t2, t3) = (token(), token(), token());
    proxy.register(&signer, &t1, None).await;
    proxy.register(&signer, &t2, Some("production")).await;
    proxy.register(&signer, &t3, Some("sandbox")).await;
    let health = proxy.health().await;
    assert_eq!(health["total_tokens"], 3);
    assert_eq!(health["unique_pubkeys"], 1);

    // Let the subscription update reach the relay.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ev = request_event(&client, &signer.public_key(), "ciphertext");
    publish(&w.relay_url, std::slice::from_ref(&ev)).await;
    assert!(
        wait_until(Duration::from_secs(5), || w.prod.count() == 2
            && w.sandbox.count() == 1)
        .await
    );

    let mut prod_tokens: Vec<String> = w.prod.received().into_iter().map(|r| r.token).collect();
    prod_tokens.sort();
    let mut want = vec![t1.clone(), t2.clone()];
    want.sort();
    assert_eq!(prod_tokens, want);
    let sb = &w.sandbox.received()[0];
    assert_eq!(sb.token, t3);
    assert_eq!(sb.collapse_id, ev.id.to_hex());
    assert_eq!(sb.payload["event_id"], ev.id.to_hex());
    assert_eq!(sb.payload["signer_pubkey"], signer.public_key().to_hex());
    assert_eq!(sb.payload["relay_url"], w.relay_url.as_str());
    // Small event: embedded verbatim.
    assert_eq!(sb.payload["event"]["id"], ev.id.to_hex());
    assert_eq!(sb.payload["event"]["sig"], ev.sig.to_string());
    assert!(w.prod.errors().is_empty(), "{:?}", w.prod.errors());

    // The NSE can fetch it from the cache, authenticated as the addressed signer only.
    let path = format!("/event/{}", ev.id.to_hex());
    let url = proxy.url(&path);
    let spec = AuthSpec {
        url: &url,
        method: "GET",
        body: None,
        created_at: unix_now(),
    };
    let (status, json) = http(
        proxy.addr,
        "GET",
        &path,
        &[("authorization", auth_header(&signer, &spec))],
        vec![],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(json["id"], ev.id.to_hex());
    let (status, _) = http(
        proxy.addr,
        "GET",
        &path,
        &[("authorization", auth_header(&other, &spec))],
        vec![],
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = http(proxy.addr, "GET", &path, &[], vec![]).await;
    assert_eq!(status, 401);

    // Events for pubkeys without a token: no push at all (the relay filters them out here;
    // see `broad_subscription_routes_locally` for the proxy's own filter).
    let stray = request_event(&client, &other.public_key(), "nobody home");
    publish(&w.relay_url, &[stray]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.prod.count() + w.sandbox.count(), 3);

    // An oversized event is pushed without the embed.
    let big = request_event(&client, &signer.public_key(), &"x".repeat(6000));
    publish(&w.relay_url, std::slice::from_ref(&big)).await;
    let ok = wait_until(Duration::from_secs(5), || w.sandbox.count() == 2).await;
    assert!(
        ok,
        "big event pushed: errors {:?}, received {}, invalid {}, routed {}",
        w.sandbox.errors(),
        proxy.metric("clave_proxy_events_received").await,
        proxy.metric("clave_proxy_events_invalid").await,
        proxy.metric("clave_proxy_events_routed").await
    );
    let r = &w.sandbox.received()[1];
    assert_eq!(r.payload["event_id"], big.id.to_hex());
    assert!(r.payload.get("event").is_none());

    let health = proxy.health().await;
    assert!(health["last_event_received_at"].is_string());
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_event_on_two_relays_is_pushed_once() {
    let key = ApnsKey::generate();
    let prod = ApnsStandIn::start(&key).await;
    let sandbox = ApnsStandIn::start(&key).await;
    let (_r1, url1) = start_relay(None).await;
    let (_r2, url2) = start_relay(None).await;
    let proxy = Proxy::start(&key, &prod, &sandbox, &[url1.clone(), url2.clone()], &[]).await;
    let signer = Keys::generate();
    let client = Keys::generate();
    proxy.register(&signer, &token(), None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let ev = request_event(&client, &signer.public_key(), "once");
    publish(&url1, std::slice::from_ref(&ev)).await;
    publish(&url2, std::slice::from_ref(&ev)).await;
    assert!(
        proxy
            .wait_metric("clave_proxy_events_duplicate", |v| v >= 1)
            .await
    );
    assert!(wait_until(Duration::from_secs(5), || prod.count() == 1).await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(prod.count(), 1);

    // Distinct events in a burst are all pushed (dedupe is by id, not by pubkey).
    let burst: Vec<Event> = (0..5)
        .map(|i| request_event(&client, &signer.public_key(), &format!("burst {i}")))
        .collect();
    publish(&url1, &burst).await;
    assert!(wait_until(Duration::from_secs(5), || prod.count() == 6).await);
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_restart_is_followed_by_resubscription() {
    let key = ApnsKey::generate();
    let prod = ApnsStandIn::start(&key).await;
    let sandbox = ApnsStandIn::start(&key).await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (mut relay, url) = tokio::task::block_in_place(|| RelayProcess::start(port));
    let proxy = Proxy::start(&key, &prod, &sandbox, std::slice::from_ref(&url), &[]).await;
    let signer = Keys::generate();
    let client = Keys::generate();
    proxy.register(&signer, &token(), None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    publish(
        &url,
        &[request_event(&client, &signer.public_key(), "before")],
    )
    .await;
    assert!(wait_until(Duration::from_secs(5), || prod.count() == 1).await);

    tokio::task::block_in_place(|| relay.kill());
    assert!(
        proxy
            .wait_metric("clave_proxy_relay_disconnects", |v| v >= 1)
            .await
    );
    let (relay2, url2) = tokio::task::block_in_place(|| RelayProcess::start(port));
    assert_eq!(url, url2);
    assert!(
        proxy
            .wait_metric("clave_proxy_relay_connects", |v| v >= 2)
            .await
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    publish(
        &url,
        &[request_event(&client, &signer.public_key(), "after")],
    )
    .await;
    assert!(wait_until(Duration::from_secs(5), || prod.count() == 2).await);
    let r = prod.received();
    assert_ne!(r[0].collapse_id, r[1].collapse_id);
    drop(relay2);
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paired_client_relays_are_watched() {
    let w = World::new().await;
    let proxy = w.proxy(&[]).await;
    let (_r2, url2) = start_relay(None).await;
    let signer = Keys::generate();
    let client = Keys::generate();
    proxy.register(&signer, &token(), None).await;
    let (status, json) = proxy
        .post(
            &signer,
            "/pair-client",
            serde_json::json!({
                "client_pubkey": client.public_key().to_hex(),
                "relay_urls": [url2],
            }),
        )
        .await;
    assert_eq!((status, json), (200, serde_json::json!({"ok": true})));
    assert!(
        proxy
            .wait_metric("clave_proxy_relay_connections", |v| v >= 2)
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ev = request_event(&client, &signer.public_key(), "via the client's relay");
    publish(&url2, std::slice::from_ref(&ev)).await;
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 1).await);
    assert_eq!(w.prod.received()[0].payload["relay_url"], url2.as_str());

    let (status, _) = proxy
        .post(
            &signer,
            "/unpair-client",
            serde_json::json!({ "client_pubkey": client.public_key().to_hex() }),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        proxy
            .wait_metric("clave_proxy_relay_connections", |v| v == 1)
            .await
    );
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broad_subscription_routes_locally() {
    let w = World::new().await;
    // One subscription of one pubkey: two signers no longer fit, so the proxy watches every
    // kind-24133 event and routes by `p` tag itself.
    let proxy = w
        .proxy(&["--relay-batch-size=1", "--relay-max-subs=1"])
        .await;
    let (a, b, nobody, client) = (
        Keys::generate(),
        Keys::generate(),
        Keys::generate(),
        Keys::generate(),
    );
    proxy.register(&a, &token(), None).await;
    proxy.register(&b, &token(), None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    publish(
        &w.relay_url,
        &[
            request_event(&client, &nobody.public_key(), "stray"),
            request_event(&client, &a.public_key(), "for a"),
            request_event(&client, &b.public_key(), "for b"),
        ],
    )
    .await;
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 2).await);
    assert!(
        proxy
            .wait_metric("clave_proxy_events_unrouted", |v| v == 1)
            .await
    );
    let mut signers: Vec<String> = w
        .prod
        .received()
        .iter()
        .map(|r| r.payload["signer_pubkey"].as_str().unwrap_or("").to_owned())
        .collect();
    signers.sort();
    let mut want = vec![a.public_key().to_hex(), b.public_key().to_hex()];
    want.sort();
    assert_eq!(signers, want);
    // A forged event (valid shape, bad signature) addressed to a registered signer: dropped.
    let good = request_event(&client, &a.public_key(), "forged");
    let mut forged: serde_json::Value = serde_json::from_str(&good.as_json()).unwrap();
    forged["content"] = "tampered".into();
    let (mut ws, _) = tokio_tungstenite::connect_async(w.relay_url.as_str())
        .await
        .unwrap();
    use futures_util::SinkExt;
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        serde_json::json!(["EVENT", forged]).to_string(),
    ))
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.prod.count(), 2);
    proxy.stop().await;
}
