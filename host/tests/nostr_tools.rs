//! Interop with nostr-tools' `BunkerSigner` (npm, run by Node) over a real relay on 127.0.0.1.
//!
//! Needs `node` (≥ 20) and the harness's packages: `npm ci --prefix host/tests/js`. Without
//! them these tests FAIL (never skip) and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::path::PathBuf;
use std::process::Stdio;

use common::{STEP, next_held, start_host, start_relay};
use nostr::JsonUtil;
use serde_json::Value;
use signer_core::nip46::perms::TrustLevel;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

const TRICKY: &str = "héllo wörld 🌍 — 日本語\nsecond line\t\"quoted\" \\ back/slash \u{1b}esc";

struct Harness {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

impl Harness {
    fn spawn(mode: &str, arg: &str) -> Self {
        let dir = js_dir();
        let installed = dir.join("node_modules/nostr-tools/package.json");
        assert!(
            installed.exists(),
            "nostr-tools is not installed for the interop harness: run `npm ci --prefix host/tests/js` \
             (Node >= 20 and npm required; {} missing)",
            installed.display()
        );
        let mut child = Command::new("node")
            .arg("harness.mjs")
            .arg(mode)
            .arg(arg)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run `node` ({e}): install Node >= 20, then `npm ci --prefix host/tests/js`")
            });
        let stdout = child.stdout.take().unwrap();
        Self {
            child,
            lines: BufReader::new(stdout).lines(),
        }
    }

    /// The next JSON line; panics on a harness error line, EOF or timeout.
    async fn next(&mut self) -> Value {
        let line = timeout(STEP, self.lines.next_line())
            .await
            .expect("the nostr-tools harness printed nothing in time")
            .unwrap()
            .expect("the nostr-tools harness exited early");
        let v: Value = serde_json::from_str(&line).unwrap();
        assert!(
            v.get("error").is_none(),
            "nostr-tools harness failed: {}",
            v["error"]
        );
        v
    }

    async fn finish(mut self) {
        let status = timeout(STEP, self.child.wait()).await.unwrap().unwrap();
        assert!(status.success(), "harness exit status {status}");
    }
}

/// Check the harness's result line: pubkey, the signed event (verified again with rust-nostr)
/// and every check the harness made.
fn check_everything(v: &Value, user_hex: &str) {
    assert_eq!(v["pubkey"], user_hex);
    let checks = v["checks"].as_object().unwrap();
    for name in [
        "sign_verifies",
        "sign_verbatim",
        "nip44_encrypt",
        "nip44_decrypt",
        "nip04_encrypt",
        "nip04_decrypt",
        "ping",
    ] {
        assert_eq!(
            checks.get(name),
            Some(&Value::Bool(true)),
            "check {name}: {v}"
        );
    }
    let ev = nostr::Event::from_json(v["signed"].to_string()).unwrap();
    ev.verify().unwrap();
    assert_eq!(ev.content, TRICKY);
    assert_eq!(ev.pubkey.to_hex(), user_hex);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_bunker_every_method() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "nt-bunker").await;
    let uri = th.host.bunker_uri(None).await.unwrap();
    let mut h = Harness::spawn("bunker", &uri);
    let v = h.next().await;
    assert_eq!(v["checks"]["connect"], true);
    check_everything(&v, &th.user_hex);
    h.finish().await;
    th.host.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_nostrconnect_approved_by_host() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "nt-nostrconnect").await;
    let mut h = Harness::spawn("nostrconnect", &url);
    let first = h.next().await;
    let uri = first["uri"].as_str().unwrap().to_owned();
    assert!(uri.starts_with("nostrconnect://"), "{uri}");
    // The user approves the URI on the device.
    let handled = th
        .host
        .pair_nostrconnect(&uri, None, TrustLevel::Medium)
        .await
        .unwrap();
    assert!(handled.delivered.iter().any(|(_, o)| o.is_delivered()));
    let v = h.next().await;
    assert_eq!(v["checks"]["paired"], true);
    check_everything(&v, &th.user_hex);
    h.finish().await;
    th.host.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_medium_protected_kind_approve_then_deny() {
    let (_relay, url) = start_relay().await;
    let th = start_host(&url, TrustLevel::Medium, "nt-protected").await;
    let uri = th.host.bunker_uri(None).await.unwrap();
    let mut events = th.host.subscribe();
    let mut h = Harness::spawn("protected", &uri);
    assert_eq!(h.next().await["pubkey"], th.user_hex.as_str());

    // First kind-0 request: held, then approved → the client gets a valid signature.
    let held = next_held(&mut events).await;
    assert_eq!(held.kind, Some(0));
    assert_eq!(th.host.pending().len(), 1);
    th.host.approve(&held.id).await.unwrap();
    let v = h.next().await;
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["verifies"], true);
    let ev = nostr::Event::from_json(v["signed"].to_string()).unwrap();
    ev.verify().unwrap();
    assert_eq!(ev.kind, nostr::Kind::Metadata);

    // Second: held, then denied → "user rejected".
    let held = next_held(&mut events).await;
    th.host.deny(&held.id).await.unwrap();
    let v = h.next().await;
    assert_eq!(v["ok"], false, "{v}");
    assert!(
        v["reason"].as_str().unwrap().contains("user rejected"),
        "{v}"
    );
    assert!(th.host.pending().is_empty());
    h.finish().await;
    th.host.shutdown();
}
