//! APNs behaviour against the stand-in: pruning, retries, provider-token reuse and refresh,
//! GOAWAY.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::time::Duration;

use common::*;
use nostr::prelude::*;

async fn push_one(w: &World, client: &Keys, signer: &Keys, content: &str) -> Event {
    let ev = request_event(client, &signer.public_key(), content);
    publish(&w.relay_url, std::slice::from_ref(&ev)).await;
    ev
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_tokens_are_pruned_unless_registered_again() {
    let w = World::new().await;
    let proxy = w.proxy(&[]).await;
    let signer = Keys::generate();
    let client = Keys::generate();
    let gone = token();
    proxy.register(&signer, &gone, None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // 410 with a timestamp after the registration: removed.
    let ts = unix_ms() + 1_000;
    w.prod.script([Reply::Status(
        410,
        format!(r#"{{"reason":"Unregistered","timestamp":{ts}}}"#),
    )]);
    push_one(&w, &client, &signer, "a").await;
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_pruned_unregistered", |v| v == 1)
            .await
    );
    assert_eq!(proxy.health().await["total_tokens"], 0);

    // 410 whose timestamp predates a re-registration: kept.
    let before = unix_ms() - 60_000;
    proxy.register(&signer, &gone, None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    w.prod.script([Reply::Status(
        410,
        format!(r#"{{"reason":"Unregistered","timestamp":{before}}}"#),
    )]);
    push_one(&w, &client, &signer, "b").await;
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 2).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(proxy.health().await["total_tokens"], 1);

    // 400 BadDeviceToken: removed too (pruning on 410 alone is not enough).
    w.prod
        .script([Reply::Status(400, r#"{"reason":"BadDeviceToken"}"#.into())]);
    push_one(&w, &client, &signer, "c").await;
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_pruned_bad_token", |v| v == 1)
            .await
    );
    assert_eq!(proxy.health().await["total_tokens"], 0);

    // Gone from disk as well: a restart does not bring it back.
    let dir = proxy.stop().await;
    let proxy = Proxy::start_in(
        dir,
        &w.key,
        &w.prod,
        &w.sandbox,
        std::slice::from_ref(&w.relay_url),
        &[],
    )
    .await;
    assert_eq!(proxy.health().await["total_tokens"], 0);
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_server_errors_are_retried_boundedly() {
    let w = World::new().await;
    let proxy = w.proxy(&["--apns-retries=3"]).await;
    let signer = Keys::generate();
    let client = Keys::generate();
    let t = token();
    proxy.register(&signer, &t, None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    w.prod.script([
        Reply::Status(429, r#"{"reason":"TooManyRequests"}"#.into()),
        Reply::Status(500, r#"{"reason":"InternalServerError"}"#.into()),
        Reply::Status(503, r#"{"reason":"ServiceUnavailable"}"#.into()),
    ]);
    push_one(&w, &client, &signer, "retry me").await;
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_sent_ok", |v| v == 1)
            .await
    );
    let r = w.prod.received();
    assert_eq!(r.len(), 4);
    assert!(
        r.iter()
            .all(|x| x.token == t && x.collapse_id == r[0].collapse_id)
    );
    assert_eq!(proxy.metric("clave_proxy_apns_retried").await, 3);

    // Failing forever: 1 + 3 attempts, then given up; the token is kept.
    w.prod
        .script((0..4).map(|_| Reply::Status(500, "{}".into())));
    push_one(&w, &client, &signer, "give up").await;
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_failed", |v| v == 1)
            .await
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(w.prod.count(), 8);
    assert_eq!(proxy.health().await["total_tokens"], 1);

    // Other 4xx are not retried.
    w.prod
        .script([Reply::Status(400, r#"{"reason":"BadTopic"}"#.into())]);
    push_one(&w, &client, &signer, "no retry").await;
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_failed", |v| v == 2)
            .await
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(w.prod.count(), 9);
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_token_is_reused_then_refreshed() {
    let w = World::new().await;
    let proxy = w.proxy(&["--jwt-refresh-secs=3"]).await;
    let signer = Keys::generate();
    let client = Keys::generate();
    proxy.register(&signer, &token(), None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    push_one(&w, &client, &signer, "1").await;
    push_one(&w, &client, &signer, "2").await;
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 2).await);
    let r = w.prod.received();
    assert_eq!(r[0].jwt, r[1].jwt, "one provider token for many requests");
    assert_eq!(proxy.metric("clave_proxy_apns_jwt_refreshes").await, 1);

    // ExpiredProviderToken: re-signed at once and the push retried with the new token.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    w.prod.script([Reply::Status(
        403,
        r#"{"reason":"ExpiredProviderToken"}"#.into(),
    )]);
    push_one(&w, &client, &signer, "3").await;
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 4).await);
    let r = w.prod.received();
    assert_eq!(r[2].jwt, r[1].jwt);
    assert_ne!(r[3].jwt, r[2].jwt);
    assert!(r[3].iat > r[2].iat);
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_sent_ok", |v| v == 3)
            .await
    );

    // Age-based refresh.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    push_one(&w, &client, &signer, "4").await;
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 5).await);
    let r = w.prod.received();
    assert_ne!(r[4].jwt, r[3].jwt);
    assert_eq!(proxy.metric("clave_proxy_apns_jwt_refreshes").await, 3);
    assert!(w.prod.errors().is_empty(), "{:?}", w.prod.errors());
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goaway_replaces_the_connection() {
    let w = World::new().await;
    let proxy = w.proxy(&[]).await;
    let signer = Keys::generate();
    let client = Keys::generate();
    proxy.register(&signer, &token(), None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    w.prod.script([Reply::GoAway]);
    push_one(&w, &client, &signer, "1").await;
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 1).await);
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_connection_lost", |v| v >= 1)
            .await
    );
    for i in 2..5 {
        push_one(&w, &client, &signer, &i.to_string()).await;
    }
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 4).await);
    let r = w.prod.received();
    assert_eq!(r[0].connection, 1);
    assert!(
        r[1..].iter().all(|x| x.connection == 2),
        "{:?}",
        r.iter().map(|x| x.connection).collect::<Vec<_>>()
    );
    // The stand-in records a request before answering it: wait for the answers.
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_sent_ok", |v| v == 4)
            .await
    );
    assert_eq!(proxy.metric("clave_proxy_apns_failed").await, 0);
    proxy.stop().await;
}
