//! The host's own duties, with rust-nostr's `nostr-connect` as the client over a real relay on
//! 127.0.0.1: held requests survive a restart, expire with an error reply, the relay client
//! reconnects after the relay restarts, and the `clave-host` binary serves its bunker URI.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use clave_host::{Device, EntropySource, Host, HostConfig, MemoryKeystore, OsEntropy};
use clave_testkit::RelayProcess;
use common::{STEP, TempDir, next_held, start_relay};
use nostr_connect::prelude::*;
use signer_core::nip46::perms::TrustLevel;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::time::timeout;

fn secret() -> [u8; 32] {
    let mut b = [0u8; 32];
    OsEntropy.fill(&mut b).unwrap();
    b
}

fn open_device(dir: &TempDir, sk: &[u8; 32]) -> Device {
    let mut keys = MemoryKeystore::new();
    keys.insert(sk).unwrap();
    Device::open(&dir.0, keys).unwrap()
}

async fn start(device: Device, relay: &str) -> Host {
    let mut cfg = HostConfig::new(vec![relay.to_owned()]);
    cfg.relay.max_backoff = Duration::from_millis(400);
    // A relay that stops without closing its sessions is only noticed by the ping liveness
    // check (two silent intervals): keep that well inside the test's step bound.
    cfg.relay.ping_interval = Duration::from_millis(500);
    cfg.expiry_tick = Duration::from_millis(100);
    let host = Host::start(device, cfg).await.unwrap();
    assert!(host.wait_connected(STEP).await);
    host
}

fn client(uri: &str) -> NostrConnect {
    let uri = NostrConnectURI::parse(uri).unwrap();
    NostrConnect::new(uri, Keys::generate(), Duration::from_secs(12), None).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_request_survives_restart_then_approved() {
    common::init_tracing();
    let (_relay, url) = start_relay().await;
    let dir = TempDir::new("restart");
    let sk = secret();
    let mut device = open_device(&dir, &sk);
    let user_core = device.public_keys()[0];
    device
        .add_account(&user_core, &[&url], TrustLevel::Medium)
        .unwrap();
    let host = start(device, &url).await;
    let c = client(&host.bunker_uri(None).await.unwrap());
    let user = timeout(STEP, c.get_public_key()).await.unwrap().unwrap();
    let mut events = host.subscribe();

    let sign = tokio::spawn({
        let c = c.clone();
        let ev = EventBuilder::metadata(&Metadata::new().name("restart")).build(user);
        async move { c.sign_event(ev).await }
    });
    let held = next_held(&mut events).await;
    let file = dir
        .0
        .join("pending")
        .join(format!("{}.json", held.id_hex()));
    assert!(file.exists(), "the held request is kept on disk");
    host.shutdown();

    // A new process: same key, same directory.
    let device = open_device(&dir, &sk);
    assert_eq!(device.pending().len(), 1);
    assert_eq!(device.pending()[0].id, held.id);
    let host = start(device, &url).await;
    host.approve(&held.id).await.unwrap();
    let signed = timeout(STEP, sign).await.unwrap().unwrap().unwrap();
    signed.verify().unwrap();
    assert_eq!(signed.kind, Kind::Metadata);
    assert!(!file.exists(), "decided requests leave no file behind");
    c.shutdown().await;
    host.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_request_expires_with_error_reply() {
    common::init_tracing();
    let (_relay, url) = start_relay().await;
    let dir = TempDir::new("expire");
    let offset = Arc::new(AtomicU64::new(0));
    let clock = {
        let offset = offset.clone();
        Arc::new(move || clave_host::unix_now() + offset.load(Ordering::Relaxed))
    };
    let mut device = open_device(&dir, &secret()).with_clock(clock);
    let user_core = device.public_keys()[0];
    device
        .add_account(&user_core, &[&url], TrustLevel::Medium)
        .unwrap();
    let host = start(device, &url).await;
    let c = client(&host.bunker_uri(None).await.unwrap());
    let user = timeout(STEP, c.get_public_key()).await.unwrap().unwrap();
    let mut events = host.subscribe();
    let sign = tokio::spawn({
        let c = c.clone();
        let ev = EventBuilder::contact_list(Vec::<Contact>::new()).build(user);
        async move { c.sign_event(ev).await }
    });
    let held = next_held(&mut events).await;
    assert_eq!(held.kind, Some(3));
    // Time passes beyond the approval window: the expiry timer answers with an error.
    offset.store(
        signer_core::nip46::signer::PENDING_TTL + 1,
        Ordering::Relaxed,
    );
    let err = timeout(STEP, sign).await.unwrap().unwrap().unwrap_err();
    assert!(err.to_string().contains("approval timed out"), "{err}");
    assert!(host.pending().is_empty());
    c.shutdown().await;
    host.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_restart_reconnects_and_serves() {
    common::init_tracing();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (mut relay, url) = RelayProcess::start(port);
    let dir = TempDir::new("reconnect");
    let mut device = open_device(&dir, &secret());
    let user_core = device.public_keys()[0];
    device
        .add_account(&user_core, &[&url], TrustLevel::Full)
        .unwrap();
    let host = start(device, &url).await;

    tokio::task::block_in_place(|| relay.kill());
    timeout(STEP, async {
        while host.pool().is_connected(&url) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the host noticed the relay going away");
    let (_relay2, url2) = tokio::task::block_in_place(|| RelayProcess::start(port));
    assert_eq!(url, url2);
    assert!(host.wait_connected(STEP).await, "the host reconnected");

    let c = client(&host.bunker_uri(None).await.unwrap());
    let pk = timeout(STEP, c.get_public_key()).await.unwrap().unwrap();
    assert_eq!(pk.to_bytes(), *user_core.as_bytes());
    c.shutdown().await;
    host.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_prints_bunker_uri_and_serves() {
    let (_relay, url) = start_relay().await;
    let dir = TempDir::new("bin");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_clave-host"))
        .args(["--relay", &url, "--state-dir"])
        .arg(&dir.0)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let uri = timeout(STEP, lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(uri.starts_with("bunker://"), "{uri}");
    let c = client(&uri);
    let pk = timeout(STEP, c.get_public_key()).await.unwrap().unwrap();
    assert!(
        uri.contains(&pk.to_hex()),
        "transport key = user key by default"
    );
    c.shutdown().await;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"quit\n").await.unwrap();
    let status = timeout(STEP, child.wait()).await.unwrap().unwrap();
    assert!(status.success());
    assert!(dir.0.join("signer/state.bin").exists());
    // Restarting with the same directory keeps the same key.
    let keys = std::fs::read_to_string(dir.0.join("keys.hex")).unwrap();
    assert_eq!(keys.lines().count(), 1);
}
