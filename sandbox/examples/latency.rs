//! End-to-end latency through the sandbox: a rust-nostr `nostr-connect` client asks the
//! simulated device to sign, one request at a time, and the tool splits each request's time
//! into its legs.
//!
//! ```sh
//! cargo run --release -p clave-sandbox --example latency -- [requests]   # default 200
//! ```
//!
//! Legs (one machine, one wall clock):
//! - **client → relay**: from `sign_event` being called to an observer subscribed on the relay
//!   seeing the request (includes the client's NIP-44 encrypt and signing);
//! - **proxy**: from the observer seeing the request to the APNs stand-in receiving the push's
//!   headers (the proxy's relay read, verify, routing, payload, HTTP/2 + TLS write);
//! - **push**: the stand-in reading and checking the push and handing it to the device (what
//!   Apple's delivery and the NSE's launch are on a phone);
//! - **device fetch / sign / write / publish**: from the device's timing record (fetch, the
//!   nse-ffi call, the atomic state write, then the relay's OK for the reply);
//! - **reply**: from the device's state write to the client holding the signed event (publish,
//!   relay fan-out, the client library's decrypt and parse; it overlaps the device's wait for
//!   the relay's OK).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use clave_sandbox::{Sandbox, SandboxConfig, TrustLevel};
use futures_util::{SinkExt, StreamExt};
use nostr_connect::prelude::*;
use tokio_tungstenite::tungstenite::Message;

const STEP: Duration = Duration::from_secs(30);

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn since(later: SystemTime, earlier: SystemTime) -> f64 {
    later
        .duration_since(earlier)
        .map_or_else(|e| -ms(e.duration()), ms)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("requests: a number"))
        .unwrap_or(200);
    let dir = std::env::temp_dir().join(format!("clave-latency-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cfg = SandboxConfig::new(&dir).with_free_ports();
    cfg.default_trust = TrustLevel::Full;
    let sandbox = Sandbox::start(cfg).await.expect("sandbox started");
    let user = PublicKey::from_hex(sandbox.user_pubkey()).unwrap();
    let uri = sandbox.bunker_uri().unwrap();

    // The observer: a bare WebSocket subscription to every kind-24133 event on the relay,
    // stamped when its frame arrives (no verification or pool in between).
    let seen: Arc<Mutex<HashMap<EventId, (SystemTime, PublicKey)>>> = Arc::default();
    let (mut ws, _) = tokio_tungstenite::connect_async(sandbox.relay_url())
        .await
        .expect("observer connected");
    ws.send(Message::text(r#"["REQ","observer",{"kinds":[24133]}]"#))
        .await
        .unwrap();
    {
        let seen = seen.clone();
        tokio::spawn(async move {
            while let Some(Ok(frame)) = ws.next().await {
                let at = SystemTime::now();
                let Message::Text(text) = frame else { continue };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                    continue;
                };
                let (Some(id), Some(pk)) = (
                    v[2]["id"].as_str().and_then(|s| EventId::from_hex(s).ok()),
                    v[2]["pubkey"]
                        .as_str()
                        .and_then(|s| PublicKey::from_hex(s).ok()),
                ) else {
                    continue;
                };
                seen.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry(id)
                    .or_insert((at, pk));
            }
        });
    }

    let client_keys = Keys::generate();
    let client = NostrConnect::new(
        NostrConnectURI::parse(&uri).unwrap(),
        client_keys.clone(),
        STEP,
        None,
    )
    .unwrap();
    // Pair and warm up (connection set-up is not what is measured).
    tokio::time::timeout(STEP, client.get_public_key())
        .await
        .expect("paired in time")
        .expect("paired");
    for i in 0..10 {
        let ev = EventBuilder::text_note(format!("warm-up {i}")).build(user);
        client.sign_event(ev).await.expect("warm-up signed");
    }

    let mut rows: Vec<[f64; 9]> = Vec::with_capacity(n);
    let mut sources: HashMap<&'static str, usize> = HashMap::new();
    for i in 0..n {
        let before = sandbox.timings().len();
        let unsigned = EventBuilder::text_note(format!("latency probe {i} ✓")).build(user);
        let sent = SystemTime::now();
        let signed = tokio::time::timeout(STEP, client.sign_event(unsigned))
            .await
            .expect("reply in time")
            .expect("signed");
        let done = SystemTime::now();
        signed.verify().expect("a valid signature");

        // The device writes its record after the relay's OK, which can come after the
        // client already has the reply: wait for it, bounded.
        let record = {
            let mut waited = Duration::ZERO;
            loop {
                let all = sandbox.timings();
                if all.len() > before {
                    break all.into_iter().last().unwrap();
                }
                assert!(waited < STEP, "no timing record for request {i}");
                tokio::time::sleep(Duration::from_millis(2)).await;
                waited += Duration::from_millis(2);
            }
        };
        assert_eq!(record.outcome, "replied", "request {i}: {record:?}");
        let id = EventId::from_hex(&record.event_id).unwrap();
        let observed = {
            let mut waited = Duration::ZERO;
            loop {
                if let Some((t, author)) = seen.lock().unwrap().get(&id).copied() {
                    assert_eq!(author, client_keys.public_key());
                    break t;
                }
                assert!(waited < STEP, "observer never saw request {i}");
                tokio::time::sleep(Duration::from_millis(2)).await;
                waited += Duration::from_millis(2);
            }
        };
        *sources
            .entry(record.source.map_or("none", |s| s.as_str()))
            .or_default() += 1;
        let fetched = record.fetched_after.unwrap_or_default();
        let signed_at = record.signed_after.expect("signed");
        let handled = record.handled_after.expect("handled");
        let published = record.published_after.expect("published");
        let pushed = record.push_received_at;
        rows.push([
            since(done, sent),
            since(observed, sent),
            since(pushed, observed),
            ms(record.started_after),
            ms(fetched.saturating_sub(record.started_after)),
            ms(signed_at.saturating_sub(fetched)),
            ms(handled.saturating_sub(signed_at)),
            ms(published.saturating_sub(handled)),
            since(done, pushed + handled),
        ]);
    }

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "\n{n} sign_event requests, one at a time; load average at the end: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("event sources: {sources:?}\n");
    println!("| leg | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|");
    let names = [
        "**end to end** (client call → signed event in hand)",
        "client → relay (client encrypt + sign, relay fan-out)",
        "proxy (relay frame → APNs request at the stand-in)",
        "push (stand-in checks JWT, headers, payload; hands it to the device)",
        "device: fetch the event",
        "device: nse-ffi handle_request (state decode, verify, decrypt, sign, encrypt, state encode)",
        "device: state file write (temp file, fsync, rename, fsync dir)",
        "device: publish reply until the relay's OK",
        "reply: state written → client has the signed event (relay, client decrypt)",
    ];
    for (c, name) in names.iter().enumerate() {
        let mut col: Vec<f64> = rows.iter().map(|r| r[c]).collect();
        col.sort_by(f64::total_cmp);
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} |",
            percentile(&col, 0.50),
            percentile(&col, 0.99),
            col[col.len() - 1]
        );
    }

    client.shutdown().await;
    sandbox.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
