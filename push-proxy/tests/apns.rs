//! APNs behaviour against the stand-in: pruning, retries, provider-token reuse and refresh,
//! GOAWAY, timeouts, more connections when the server's stream limit is reached.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::*;
use nostr::prelude::*;

/// Everything the proxy logs at `warn` and above, from every test in this binary.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        struct W(Arc<Mutex<Vec<u8>>>);
        impl Write for W {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let sink = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("push_proxy=warn"))
            .with_ansi(false)
            .with_writer(move || W(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        buf
    })
    .clone()
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_requests_time_out_are_retried_boundedly_and_counted() {
    let logs = captured_logs();
    let w = World::new().await;
    let proxy = w
        .proxy(&["--apns-timeout-ms=300", "--apns-retries=2"])
        .await;
    let signer = Keys::generate();
    let client = Keys::generate();
    let t = token();
    proxy.register(&signer, &t, None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // APNs takes every request and never answers (within the test).
    w.prod
        .script((0..3).map(|_| Reply::Hold(Duration::from_secs(60))));
    let start = Instant::now();
    push_one(&w, &client, &signer, "stuck").await;
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_failed", |v| v == 1)
            .await,
        "the push was given up"
    );
    let took = start.elapsed();
    // 1 + 2 attempts, each cut at 300 ms.
    assert!(took >= Duration::from_millis(900), "gave up after {took:?}");
    assert_eq!(w.prod.count(), 3, "exactly 1 + APNS_RETRIES attempts");
    assert_eq!(proxy.metric("clave_proxy_apns_timeouts").await, 3);
    assert_eq!(proxy.metric("clave_proxy_apns_retried").await, 2);
    assert_eq!(proxy.metric("clave_proxy_apns_sent_ok").await, 0);
    // The push task is gone (nothing left waiting on the stuck streams)...
    assert_eq!(proxy.metric("clave_proxy_pushes_in_flight").await, 0);
    // ...and it said why, naming the token by its first 8 characters only.
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("push failed") && l.contains(&t[..8]))
        .unwrap_or_else(|| panic!("no failure logged for the token in:\n{text}"));
    assert!(line.contains("timeout"), "{line}");
    assert!(!text.contains(&t), "full token logged");

    // Nothing leaked: the next push on the same proxy goes straight through.
    push_one(&w, &client, &signer, "next").await;
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_sent_ok", |v| v == 1)
            .await
    );
    assert_eq!(w.prod.count(), 4);
    assert_eq!(proxy.metric("clave_proxy_apns_failed").await, 1);
    assert_eq!(proxy.metric("clave_proxy_pushes_in_flight").await, 0);
    assert!(w.prod.errors().is_empty(), "{:?}", w.prod.errors());
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_connection_makes_the_pool_open_another() {
    let key = ApnsKey::generate();
    // A server that allows 2 streams per connection and takes 400 ms per answer.
    let prod = ApnsStandIn::start_with(
        &key,
        StandInOptions {
            max_concurrent_streams: Some(2),
            delay: Duration::from_millis(400),
        },
    )
    .await;
    let sandbox = ApnsStandIn::start(&key).await;
    let (_relay, relay_url) = start_relay(None).await;
    let proxy = Proxy::start(
        &key,
        &prod,
        &sandbox,
        std::slice::from_ref(&relay_url),
        &["--apns-connections=4"],
    )
    .await;
    let signer = Keys::generate();
    let client = Keys::generate();
    let tokens: Vec<String> = (0..8).map(|_| token()).collect();
    for t in &tokens {
        proxy.register(&signer, t, None).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    // One event, eight devices: eight pushes at once.
    let ev = request_event(&client, &signer.public_key(), "to every device");
    publish(&relay_url, std::slice::from_ref(&ev)).await;
    assert!(
        proxy
            .wait_metric("clave_proxy_apns_sent_ok", |v| v == 8)
            .await,
        "every push delivered"
    );
    let r = prod.received();
    let got: HashSet<&str> = r.iter().map(|x| x.token.as_str()).collect();
    assert_eq!(got, tokens.iter().map(String::as_str).collect());
    let used: HashSet<usize> = r.iter().map(|x| x.connection).collect();
    let opened = prod.connections.load(std::sync::atomic::Ordering::SeqCst);
    assert!(used.len() >= 2, "all pushes on one connection: {used:?}");
    assert!(
        opened <= 4,
        "more connections than APNS_CONNECTIONS: {opened}"
    );
    assert!(
        prod.peak_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
            > 2,
        "never more than one connection's worth of streams in flight"
    );
    // Nothing refused or retried: the proxy stayed within each connection's limit.
    assert_eq!(proxy.metric("clave_proxy_apns_retried").await, 0);
    assert_eq!(proxy.metric("clave_proxy_apns_failed").await, 0);
    assert!(prod.errors().is_empty(), "{:?}", prod.errors());
    proxy.stop().await;
}
