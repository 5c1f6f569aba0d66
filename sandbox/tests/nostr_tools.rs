//! End to end through the sandbox with nostr-tools' `BunkerSigner` (npm, run by Node), reusing
//! clave-host's harness in `../host/tests/js` (installed by `npm ci --prefix host/tests/js`).
//! Without Node or the packages these tests FAIL (never skip) and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::path::PathBuf;
use std::process::Stdio;

use clave_sandbox::TrustLevel;
use common::{STEP, TRICKY, assert_apns_clean, start};
use nostr::JsonUtil;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

struct Harness {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../host/tests/js")
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
            .unwrap_or_else(|e| panic!("cannot run `node` ({e}): install Node >= 20"));
        let stdout = child.stdout.take().unwrap();
        Self {
            child,
            lines: BufReader::new(stdout).lines(),
        }
    }

    /// The next JSON line; panics on a harness error line, EOF or timeout.
    async fn next(&mut self) -> Value {
        let line = timeout(STEP * 4, self.lines.next_line())
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
    let (sandbox, _dir) = start("nt-bunker").await;
    let mut h = Harness::spawn("bunker", &sandbox.bunker_uri().unwrap());
    let v = h.next().await;
    assert_eq!(v["checks"]["connect"], true);
    check_everything(&v, sandbox.user_pubkey());
    h.finish().await;
    assert_apns_clean(&sandbox);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nostr_tools_nostrconnect_approved_on_device() {
    let (sandbox, _dir) = start("nt-nostrconnect").await;
    let mut h = Harness::spawn("nostrconnect", sandbox.relay_url());
    let first = h.next().await;
    let uri = first["uri"].as_str().unwrap().to_owned();
    assert!(uri.starts_with("nostrconnect://"), "{uri}");
    sandbox
        .approve_nostrconnect(&uri, TrustLevel::Medium)
        .await
        .unwrap();
    let v = h.next().await;
    assert_eq!(v["checks"]["paired"], true);
    check_everything(&v, sandbox.user_pubkey());
    h.finish().await;
    assert_eq!(sandbox.clients().unwrap().len(), 1);
    assert_apns_clean(&sandbox);
    sandbox.shutdown().await;
}
