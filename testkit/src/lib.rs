//! Test scaffolding shared by `clave-host`'s, `clave-sandbox`'s and `push-proxy`'s integration
//! tests: a temporary directory, a real relay (killable on its own runtime), tracing setup, the rust-nostr NIP-46 client scenarios (run against any
//! signer reachable through a `nostr_connect::NostrConnect` client), raw rust-nostr NIP-46
//! requests, and the nostr-tools Node harness (`host/tests/js/harness.mjs`).
//!
//! Every function here asserts: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;
mod relay;
mod rust_nostr;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

pub use harness::{Harness, assert_every_method};
pub use relay::{LocalRelay, RelayProcess, start_relay};
pub use rust_nostr::{
    Replies, assert_ping, assert_rejected, assert_signed, assert_signs_and_encrypts, client_for,
    pair, raw_request, sign_now, spawn_sign,
};

/// Content (and harness content) with unicode, a newline, a tab, quotes, a backslash and an
/// escape character: a signer must keep it verbatim. The same string as `TRICKY` in
/// `host/tests/js/harness.mjs`.
pub const TRICKY: &str = "héllo wörld 🌍 — 日本語\nsecond line\t\"quoted\" \\ back/slash \u{1b}esc";

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh, empty directory `<temp>/clave-test-<tag>-<pid>-<nanos>-<n>`.
    pub fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let p = std::env::temp_dir().join(format!(
            "clave-test-{tag}-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Log to the test writer, filtered by `RUST_LOG` or else `default_filter`; later calls are
/// no-ops.
pub fn init_tracing(default_filter: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_test_writer()
        .try_init();
}
