//! The `clave-sandbox` binary as a newcomer runs it: it prints a bunker URI, answers on its
//! device API, stops cleanly on Ctrl-C (SIGINT), and a second start from the same state
//! directory is the same signer.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{STEP, TempDir};

/// What the binary printed before it said it was ready.
struct Started {
    child: Child,
    bunker: String,
    device: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(dir: &TempDir, ports: [u16; 3]) -> Started {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clave-sandbox"))
        .arg("--state-dir")
        .arg(&dir.0)
        .args(["--relay-port", &ports[0].to_string()])
        .args(["--proxy-port", &ports[1].to_string()])
        .args(["--device-port", &ports[2].to_string()])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // Keep draining after the test stops listening.
            let _ = tx.send(line);
        }
    });
    let (mut bunker, mut device) = (None, None);
    let deadline = Instant::now() + STEP * 2;
    while bunker.is_none() || device.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .expect("the binary printed its bunker URI and device API in time");
        if let Some(v) = line.trim().strip_prefix("bunker URI :") {
            bunker = Some(v.trim().to_owned());
        }
        if let Some(v) = line.trim().strip_prefix("device API :") {
            device = Some(v.trim().to_owned());
        }
    }
    Started {
        child,
        bunker: bunker.unwrap(),
        device: device.unwrap(),
    }
}

fn sigint_and_wait(mut child: Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + STEP;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("clave-sandbox did not stop within {STEP:?} of SIGINT");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_prints_a_uri_stops_on_sigint_and_restarts_as_the_same_signer() {
    let dir = TempDir::new("binary");
    let ports = [free_port(), free_port(), free_port()];
    let first = start(&dir, ports);
    let pubkey = first
        .bunker
        .strip_prefix("bunker://")
        .and_then(|r| r.split('?').next())
        .unwrap()
        .to_owned();
    assert_eq!(pubkey.len(), 64, "{}", first.bunker);
    assert!(
        first
            .bunker
            .contains(&format!("relay=ws%3A%2F%2F127.0.0.1%3A{}", ports[0])),
        "{}",
        first.bunker
    );
    let (status, health) = common::http("GET", &format!("{}/health", first.device), "").await;
    assert_eq!(status, 200);
    assert_eq!(health["pubkey"], pubkey.as_str());

    let status = sigint_and_wait(first.child);
    assert!(status.success(), "exit after SIGINT: {status}");
    for f in ["device-key", "device-state.bin", "device-token"] {
        assert!(dir.0.join(f).is_file(), "{f} kept in the state directory");
    }

    // Same directory, same ports: the same signer comes back.
    let second = start(&dir, ports);
    assert!(
        second.bunker.starts_with(&format!("bunker://{pubkey}?")),
        "{} after {}",
        second.bunker,
        first.bunker
    );
    let status = sigint_and_wait(second.child);
    assert!(status.success(), "exit after SIGINT: {status}");
}
