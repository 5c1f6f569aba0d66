//! The nostr-tools interop harness: `host/tests/js/harness.mjs` run by Node.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use nostr::JsonUtil;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

use crate::TRICKY;

/// The harness's directory, `host/tests/js` (its packages: `npm ci --prefix host/tests/js`).
fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../host/tests/js")
}

/// A running `node harness.mjs <mode> <arg>`, read one JSON line at a time.
pub struct Harness {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    line_timeout: Duration,
    exit_timeout: Duration,
}

impl Harness {
    /// Start the harness in `mode` (`bunker`, `nostrconnect`, `protected`) with `arg` (a URI or
    /// a relay URL). Each line must come within `line_timeout`, and the exit within
    /// `exit_timeout` of [`Harness::finish`]. Panics, saying what to install, when Node or
    /// nostr-tools is missing: these tests fail, never skip.
    pub fn spawn(mode: &str, arg: &str, line_timeout: Duration, exit_timeout: Duration) -> Self {
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
            line_timeout,
            exit_timeout,
        }
    }

    /// The next JSON line; panics on a harness error line, EOF or timeout.
    pub async fn next(&mut self) -> Value {
        let line = timeout(self.line_timeout, self.lines.next_line())
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

    /// Wait for the harness to exit, successfully.
    pub async fn finish(mut self) {
        let status = timeout(self.exit_timeout, self.child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "harness exit status {status}");
    }
}

/// Check the harness's result line: pubkey, the signed event (verified again with rust-nostr)
/// and every check the harness made.
pub fn assert_every_method(v: &Value, user_hex: &str) {
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
