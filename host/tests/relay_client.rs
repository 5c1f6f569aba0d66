//! The relay client against a scripted WebSocket server on 127.0.0.1: the REQ it sends, raw
//! EVENT bytes passed through untouched, OK true/false, a silent relay (INTEROP 7: "probably
//! delivered" after a short bound) and an unreachable one (bounded failure).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{Duration, Instant};

use clave_host::{PublishOutcome, RelayPool, RelaySettings};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

const STEP: Duration = Duration::from_secs(10);

/// A relay that reports every frame it receives and sends whatever the test pushes.
async fn scripted_relay() -> (String, mpsc::Receiver<String>, mpsc::Sender<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let (seen_tx, seen_rx) = mpsc::channel(64);
    let (say_tx, mut say_rx) = mpsc::channel::<String>(64);
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        loop {
            tokio::select! {
                m = ws.next() => match m {
                    Some(Ok(Message::Text(t))) => { let _ = seen_tx.send(t.as_str().to_owned()).await; }
                    Some(Ok(_)) => {}
                    _ => return,
                },
                s = say_rx.recv() => match s {
                    Some(s) => { if ws.send(Message::text(s)).await.is_err() { return; } }
                    None => return,
                },
            }
        }
    });
    (url, seen_rx, say_tx)
}

fn settings() -> RelaySettings {
    RelaySettings {
        ok_timeout: Duration::from_millis(300),
        send_timeout: Duration::from_millis(700),
        ..RelaySettings::default()
    }
}

#[tokio::test]
async fn req_ok_silence_and_raw_events() {
    let (url, mut seen, say) = scripted_relay().await;
    let pk = [0xab; 32];
    let (pool, mut inbound) = RelayPool::new(settings(), vec![pk]);
    pool.add_relay(&url);
    assert!(pool.wait_connected(STEP).await);

    let req = timeout(STEP, seen.recv()).await.unwrap().unwrap();
    let v: serde_json::Value = serde_json::from_str(&req).unwrap();
    assert_eq!(v[0], "REQ");
    assert_eq!(v[2]["kinds"], serde_json::json!([24133]));
    assert_eq!(v[2]["#p"], serde_json::json!([hex::encode(pk)]));
    let since = v[2]["since"].as_u64().unwrap();
    let now = clave_host::unix_now();
    assert!(since <= now && now - since <= 30, "since {since} now {now}");
    let sub = v[1].as_str().unwrap().to_owned();

    // An EVENT's JSON reaches the handler byte for byte (odd spacing and escapes kept).
    let raw = r#"{ "id":"00","kind":24133 , "content":"a\u00e9\/b" }"#;
    say.send(format!(r#"["EVENT","{sub}",{raw}]"#))
        .await
        .unwrap();
    let got = timeout(STEP, inbound.recv()).await.unwrap().unwrap();
    assert_eq!(got.event_json, raw);
    // Other subscriptions' events are not ours.
    say.send(format!(r#"["EVENT","other",{raw}]"#))
        .await
        .unwrap();

    // A relay that never answers OK: "probably delivered" after the short bound.
    let ev = r#"{"id":"11","kind":24133}"#;
    let t = Instant::now();
    assert_eq!(pool.publish(&url, ev).await, PublishOutcome::NoAnswer);
    assert!(t.elapsed() < Duration::from_secs(3));
    assert_eq!(
        timeout(STEP, seen.recv()).await.unwrap().unwrap(),
        format!("[\"EVENT\",{ev}]")
    );

    // OK true / OK false.
    let p = tokio::spawn({
        let pool = pool.clone();
        let url = url.clone();
        async move { pool.publish(&url, r#"{"id":"22","kind":24133}"#).await }
    });
    timeout(STEP, seen.recv()).await.unwrap().unwrap();
    say.send(r#"["OK","22",true,""]"#.into()).await.unwrap();
    assert_eq!(p.await.unwrap(), PublishOutcome::Accepted);
    let p = tokio::spawn({
        let pool = pool.clone();
        let url = url.clone();
        async move { pool.publish(&url, r#"{"id":"33","kind":24133}"#).await }
    });
    timeout(STEP, seen.recv()).await.unwrap().unwrap();
    say.send(r#"["OK","33",false,"blocked: test"]"#.into())
        .await
        .unwrap();
    assert_eq!(
        p.await.unwrap(),
        PublishOutcome::Rejected("blocked: test".into())
    );
    assert!(
        inbound.try_recv().is_err(),
        "the other subscription's event was dropped"
    );

    // Changing the keys re-sends the REQ.
    pool.set_pubkeys(vec![pk, [0xcd; 32]]);
    let req = timeout(STEP, seen.recv()).await.unwrap().unwrap();
    assert!(req.contains(&hex::encode([0xcd; 32])), "{req}");
    pool.shutdown();
}

#[tokio::test]
async fn unreachable_relay_fails_within_bound() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (pool, _inbound) = RelayPool::new(settings(), vec![[1; 32]]);
    let t = Instant::now();
    let outcome = pool
        .publish(&format!("ws://127.0.0.1:{port}"), r#"{"id":"44"}"#)
        .await;
    assert!(matches!(outcome, PublishOutcome::NotSent(_)), "{outcome:?}");
    assert!(t.elapsed() < Duration::from_secs(3));
    pool.shutdown();
}
