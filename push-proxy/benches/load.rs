//! Load tool for the push proxy (not a timed test).
//!
//! ```text
//! cargo build --release -p push-proxy --bin push-proxy --example load
//! target/release/examples/load [all|throughput|latency|relay|memory]
//! ```
//!
//! Every peer runs on 127.0.0.1 in this process, except the memory runs, which start the real
//! `push-proxy` binary and read its resident set from `/proc`:
//! - throughput: a minimal relay writes pre-signed kind-24133 EVENT frames to the proxy's
//!   subscription as fast as the socket takes them; the APNs stand-in (TLS + HTTP/2, checks
//!   every header and the payload) counts pushes. Reports events/s turned into pushes.
//! - latency: the same relay paced at 1,000 events/s; latency is from the frame written by the
//!   relay to the request decoded by the APNs stand-in (an upper bound of "frame arriving →
//!   APNs request written": it adds the loopback hops, TLS and HTTP/2 decoding).
//! - relay: the same through a real relay (nostr-relay-builder), published by clients.
//! - memory: RSS of the binary with 0, 100k and 1M registrations in its database.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, dead_code)]

#[path = "../tests/common/mod.rs"]
mod common;

// Same allocator as the binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use futures_util::{SinkExt, StreamExt};
use nostr::prelude::*;
use push_proxy::store::{ApnsEnv, RedbStore, Registration, Store};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

/// A relay that only serves the proxy: it waits for a REQ and writes the frames it is given.
struct BlastRelay {
    url: String,
    jobs: mpsc::Sender<Job>,
}

struct Job {
    events: Vec<(String, String)>,
    pace: Option<Duration>,
    done: oneshot::Sender<Vec<(String, Instant)>>,
}

impl BlastRelay {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let (tx, mut rx) = mpsc::channel::<Job>(4);
        tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            tcp.set_nodelay(true).unwrap();
            let ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
            let (mut sink, mut stream) = ws.split();
            let (sub_tx, mut sub_rx) = tokio::sync::watch::channel(String::new());
            tokio::spawn(async move {
                while let Some(Ok(msg)) = stream.next().await {
                    if let Message::Text(t) = msg {
                        let v: serde_json::Value =
                            serde_json::from_str(t.as_str()).unwrap_or_default();
                        if v[0] == "REQ" {
                            let _ = sub_tx.send(v[1].as_str().unwrap_or("").to_owned());
                        }
                    }
                }
            });
            let _ = sub_rx.wait_for(|s| !s.is_empty()).await;
            let sub = sub_rx.borrow().clone();
            while let Some(job) = rx.recv().await {
                let mut sent = Vec::with_capacity(job.events.len());
                let start = Instant::now();
                for (i, (id, json)) in job.events.into_iter().enumerate() {
                    let frame = format!("[\"EVENT\",\"{sub}\",{json}]");
                    match job.pace {
                        Some(p) => {
                            let due = start + p * i as u32;
                            tokio::time::sleep_until(due.into()).await;
                            sink.send(Message::text(frame)).await.unwrap();
                        }
                        None => {
                            sink.feed(Message::text(frame)).await.unwrap();
                            if i % 64 == 63 {
                                sink.flush().await.unwrap();
                            }
                        }
                    }
                    sent.push((id, Instant::now()));
                }
                sink.flush().await.unwrap();
                let _ = job.done.send(sent);
            }
        });
        Self { url, jobs: tx }
    }

    async fn send(
        &self,
        events: Vec<(String, String)>,
        pace: Option<Duration>,
    ) -> Vec<(String, Instant)> {
        let (done, rx) = oneshot::channel();
        self.jobs.send(Job { events, pace, done }).await.unwrap();
        rx.await.unwrap()
    }
}

/// CPU seconds used so far by this process's threads, split by thread-name prefix:
/// (`standin*`, `blast*`, everything else = the proxy and the bench driver).
fn cpu_by_thread() -> (f64, f64, f64) {
    let (mut standin, mut blast, mut rest) = (0.0, 0.0, 0.0);
    let ticks = 100.0;
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for t in dir.flatten() {
            let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
            let stat = std::fs::read_to_string(t.path().join("stat")).unwrap_or_default();
            let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
            let f: Vec<&str> = after.split_whitespace().collect();
            let cpu = f.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
                + f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            let secs = cpu / ticks;
            if comm.starts_with("standin") {
                standin += secs;
            } else if comm.starts_with("blast") {
                blast += secs;
            } else {
                rest += secs;
            }
        }
    }
    (standin, blast, rest)
}

/// Run `f` on its own runtime in named threads, so its CPU time can be told apart.
fn on_own_runtime<T: Send + 'static, F>(
    name: &'static str,
    f: impl FnOnce() -> F + Send + 'static,
) -> T
where
    F: std::future::Future<Output = T>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name(name)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                tx.send(f().await).unwrap();
                std::future::pending::<()>().await;
            });
        })
        .unwrap();
    rx.recv().unwrap()
}

/// `n` signers with one token each, written to the database before the proxy starts.
fn signers(n: usize) -> Vec<Keys> {
    (0..n).map(|_| Keys::generate()).collect()
}

fn seed_db(dir: &TempDir, signers: &[Keys]) {
    let store = RedbStore::open(&dir.0.join("db.redb")).unwrap();
    let regs: Vec<Registration> = signers
        .iter()
        .map(|k| Registration {
            pubkey: k.public_key().to_bytes(),
            token: k.secret_key().to_secret_bytes().to_vec(),
            env: ApnsEnv::Production,
            registered_at_ms: unix_ms(),
        })
        .collect();
    store.put_registrations(&regs).unwrap();
}

fn make_events(signers: &[Keys], n: usize) -> Vec<(String, String)> {
    let clients: Vec<Keys> = (0..16).map(|_| Keys::generate()).collect();
    (0..n)
        .map(|i| {
            let ev = request_event(
                &clients[i % clients.len()],
                &signers[i % signers.len()].public_key(),
                &format!("req {i} {}", "c".repeat(300)),
            );
            (ev.id.to_hex(), ev.as_json())
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

async fn throughput(n_events: usize) -> f64 {
    let key = Arc::new(ApnsKey::generate());
    let k = key.clone();
    let prod: ApnsStandIn =
        on_own_runtime(
            "standin",
            move || async move { ApnsStandIn::start(&k).await },
        );
    let sandbox = ApnsStandIn::start(&key).await;
    let relay: BlastRelay = on_own_runtime("blast", BlastRelay::start);
    let who = signers(2_000);
    let dir = TempDir::new("bench");
    seed_db(&dir, &who);
    print!("signing {n_events} events... ");
    let t = Instant::now();
    let events = make_events(&who, n_events);
    println!("{:?}", t.elapsed());
    let proxy = Proxy::start_in(
        dir,
        &key,
        &prod,
        &sandbox,
        std::slice::from_ref(&relay.url),
        &[],
    )
    .await;
    let cpu0 = cpu_by_thread();
    let t0 = Instant::now();
    let sent = relay.send(events, None).await;
    let write_time = t0.elapsed();
    let ok = wait_until(Duration::from_secs(120), || prod.count() >= n_events).await;
    let elapsed = t0.elapsed();
    let cpu1 = cpu_by_thread();
    let rate = prod.count() as f64 / elapsed.as_secs_f64();
    let per = |a: f64, b: f64| (b - a) * 1e6 / n_events as f64;
    println!(
        "cpu per push: proxy {:.0} us, APNs stand-in {:.0} us, relay {:.0} us (load average at the end: {})",
        per(cpu0.2, cpu1.2),
        per(cpu0.0, cpu1.0),
        per(cpu0.1, cpu1.1),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    println!(
        "throughput: {} events written in {:?}, {} pushes received in {:?} ({}) -> {:.0} pushes/s; stand-in errors: {}",
        sent.len(),
        write_time,
        prod.count(),
        elapsed,
        if ok { "all" } else { "TIMEOUT" },
        rate,
        prod.errors().len()
    );
    // Answers still on their way when the last request arrived: wait for them (bounded).
    let _ = proxy
        .wait_metric("clave_proxy_pushes_in_flight", |v| v == 0)
        .await;
    let mut errors = prod.errors();
    errors.sort();
    errors.dedup();
    println!(
        "throughput: proxy counters: {} delivered, {} failed, {} retried, {} timeouts, {} APNs connections; stand-in: {} streams reset mid-body, rejections: {:?}",
        proxy.metric("clave_proxy_apns_sent_ok").await,
        proxy.metric("clave_proxy_apns_failed").await,
        proxy.metric("clave_proxy_apns_retried").await,
        proxy.metric("clave_proxy_apns_timeouts").await,
        proxy.metric("clave_proxy_apns_connects").await,
        prod.cancelled(),
        &errors[..errors.len().min(3)],
    );
    proxy.stop().await;
    rate
}

async fn latency(rate_per_sec: u32, secs: u32) -> (Duration, Duration, Duration) {
    let key = Arc::new(ApnsKey::generate());
    let k = key.clone();
    let prod: ApnsStandIn =
        on_own_runtime(
            "standin",
            move || async move { ApnsStandIn::start(&k).await },
        );
    let sandbox = ApnsStandIn::start(&key).await;
    let relay: BlastRelay = on_own_runtime("blast", BlastRelay::start);
    let who = signers(1_000);
    let dir = TempDir::new("bench");
    seed_db(&dir, &who);
    let n = (rate_per_sec * secs) as usize;
    let events = make_events(&who, n + 500);
    let (warm, events) = events.split_at(500);
    let proxy = Proxy::start_in(
        dir,
        &key,
        &prod,
        &sandbox,
        std::slice::from_ref(&relay.url),
        &[],
    )
    .await;
    // Warm-up: connections open, JIT-free but caches and allocator warm.
    relay
        .send(warm.to_vec(), Some(Duration::from_millis(1)))
        .await;
    wait_until(Duration::from_secs(30), || prod.count() >= 500).await;
    let before = prod.count();
    let sent = relay
        .send(events.to_vec(), Some(Duration::from_secs(1) / rate_per_sec))
        .await;
    wait_until(Duration::from_secs(30), || prod.count() >= before + n).await;
    let arrivals: HashMap<String, Instant> = prod
        .received()
        .into_iter()
        .map(|r| (r.collapse_id, r.at))
        .collect();
    let mut lat: Vec<Duration> = sent
        .iter()
        .filter_map(|(id, at)| arrivals.get(id).map(|a| a.saturating_duration_since(*at)))
        .collect();
    lat.sort();
    let (p50, p99, max) = (
        percentile(&lat, 0.50),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or_default(),
    );
    println!(
        "latency at {rate_per_sec} ev/s for {secs} s: {} of {} measured, p50 {:?}, p99 {:?}, max {:?}",
        lat.len(),
        sent.len(),
        p50,
        p99,
        max
    );
    proxy.stop().await;
    (p50, p99, max)
}

async fn through_real_relay(n_events: usize) -> f64 {
    let key = ApnsKey::generate();
    let prod = ApnsStandIn::start(&key).await;
    let sandbox = ApnsStandIn::start(&key).await;
    let (_relay, url) = start_relay(None).await;
    let who = signers(2_000);
    let dir = TempDir::new("bench");
    seed_db(&dir, &who);
    let clients: Vec<Keys> = (0..4).map(|_| Keys::generate()).collect();
    let events: Vec<Event> = (0..n_events)
        .map(|i| {
            request_event(
                &clients[i % 4],
                &who[i % who.len()].public_key(),
                &format!("req {i}"),
            )
        })
        .collect();
    let proxy = Proxy::start_in(dir, &key, &prod, &sandbox, std::slice::from_ref(&url), &[]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t0 = Instant::now();
    let chunks: Vec<Vec<Event>> = events
        .chunks(n_events.div_ceil(4))
        .map(<[Event]>::to_vec)
        .collect();
    let mut tasks = Vec::new();
    for chunk in chunks {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let (ws, _) = tokio_tungstenite::connect_async(url.as_str())
                .await
                .unwrap();
            let (mut sink, mut stream) = ws.split();
            // Windows of 128 events, each waiting for its OKs: nostr-relay-builder fans out
            // through a 1024-slot broadcast channel and drops events for a lagging reader.
            let mut oks = 0;
            for window in chunk.chunks(128) {
                for ev in window {
                    sink.feed(Message::text(serde_json::json!(["EVENT", ev]).to_string()))
                        .await
                        .unwrap();
                }
                sink.flush().await.unwrap();
                let mut got = 0;
                while got < window.len() {
                    match tokio::time::timeout(Duration::from_secs(30), stream.next()).await {
                        Ok(Some(Ok(Message::Text(t)))) if t.as_str().starts_with("[\"OK\"") => {
                            got += 1
                        }
                        Ok(Some(Ok(_))) => {}
                        _ => break,
                    }
                }
                oks += got;
            }
            oks
        }));
    }
    let mut oks = 0;
    for t in tasks {
        oks += t.await.unwrap();
    }
    let published = t0.elapsed();
    let ok = wait_until(Duration::from_secs(15), || prod.count() >= n_events).await;
    let elapsed = t0.elapsed();
    let rate = prod.count() as f64 / elapsed.as_secs_f64();
    println!(
        "real relay: {oks} accepted in {published:?}; {} pushes in {elapsed:?} ({}) -> {rate:.0} pushes/s",
        prod.count(),
        if ok { "all" } else { "TIMEOUT" },
    );
    println!(
        "real relay: proxy saw {} kind-24133 events ({} duplicates, {} invalid, {} routed)",
        proxy.metric("clave_proxy_events_received").await,
        proxy.metric("clave_proxy_events_duplicate").await,
        proxy.metric("clave_proxy_events_invalid").await,
        proxy.metric("clave_proxy_events_routed").await,
    );
    proxy.stop().await;
    rate
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn memory(n: usize) -> (u64, f64) {
    let key = ApnsKey::generate();
    let prod = ApnsStandIn::start(&key).await;
    let sandbox = ApnsStandIn::start(&key).await;
    let dir = TempDir::new("mem");
    if n > 0 {
        let store = RedbStore::open(&dir.0.join("db.redb")).unwrap();
        let mut rng = fastrand::Rng::with_seed(n as u64);
        for chunk in 0..n.div_ceil(100_000) {
            let regs: Vec<Registration> = (0..100_000.min(n - chunk * 100_000))
                .map(|_| {
                    let mut pubkey = [0u8; 32];
                    rng.fill(&mut pubkey);
                    let mut token = vec![0u8; 32];
                    rng.fill(&mut token);
                    Registration {
                        pubkey,
                        token,
                        env: ApnsEnv::Production,
                        registered_at_ms: 1,
                    }
                })
                .collect();
            store.put_registrations(&regs).unwrap();
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // A relay URL that refuses connections: this measures registrations, not subscriptions.
    let args = base_args(
        &dir,
        &key,
        &prod,
        &sandbox,
        &["ws://127.0.0.1:9".to_string()],
        "http://127.0.0.1",
    );
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("push-proxy");
    let mut child = std::process::Command::new(&bin)
        .args(&args[1..])
        .env("PORT", port.to_string())
        .env("BIND", "127.0.0.1")
        .env("RUST_LOG", "error")
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (build the bin in release first)", bin.display()));
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let start = Instant::now();
    loop {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            let (_, h) = http(addr, "GET", "/health", &[], vec![]).await;
            if h["total_tokens"] == n {
                break;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "binary did not load"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss = rss_kib(child.id());
    let load = start.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    println!("memory: {n} registrations -> RSS {rss} KiB (loaded and serving in {load:?})");
    (rss, load.as_secs_f64())
}

#[tokio::main(worker_threads = 2)]
async fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let all = what == "all";
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    if all || what == "verify" {
        let who = signers(10);
        let events = make_events(&who, 5_000);
        let t = Instant::now();
        for (_, json) in &events {
            push_proxy::verify::verify_event(json.as_bytes()).unwrap();
        }
        let per = t.elapsed() / events.len() as u32;
        println!("verify: {per:?} per event (parse + id + BIP-340, signer-core)");
        let t = Instant::now();
        for (_, json) in &events {
            let _ = push_proxy::verify::parse_event(json.as_bytes()).unwrap();
        }
        println!(
            "parse only: {:?} per event",
            t.elapsed() / events.len() as u32
        );
        let parsed: Vec<Event> = events
            .iter()
            .map(|(_, j)| Event::from_json(j).unwrap())
            .collect();
        let t = Instant::now();
        for ev in &parsed {
            ev.verify().unwrap();
        }
        println!(
            "rust-nostr verify (for comparison): {:?} per event",
            t.elapsed() / events.len() as u32
        );
    }
    if all || what == "throughput" {
        let n = std::env::args()
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or(100_000);
        throughput(n).await;
    }
    if all || what == "latency" {
        latency(1_000, 10).await;
    }
    if all || what == "relay" {
        through_real_relay(20_000).await;
    }
    if all || what == "memory" {
        let (base, _) = memory(0).await;
        for n in [100_000usize, 1_000_000] {
            let (rss, _) = memory(n).await;
            let per = (rss.saturating_sub(base) * 1024) as f64 / n as f64;
            println!(
                "memory: {n} registrations: {per:.0} bytes/registration over the empty baseline ({base} KiB)"
            );
        }
    }
}
