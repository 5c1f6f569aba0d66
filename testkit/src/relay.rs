//! A real relay for tests: rust-nostr's `nostr-relay-builder` on 127.0.0.1, either on the
//! test's runtime or as a killable "process" of its own.

use std::time::Duration;

pub use nostr_relay_builder::prelude::LocalRelay;
use nostr_relay_builder::prelude::{RateLimit, RelayBuilder};

/// A real relay on 127.0.0.1:`port` (a free one when `None`) on the current runtime; returns
/// it (the relay stops when dropped) and its `ws://` URL.
pub async fn start_relay(port: Option<u16>) -> (LocalRelay, String) {
    let mut builder = RelayBuilder::default()
        .addr("127.0.0.1".parse().unwrap())
        .rate_limit(RateLimit {
            max_reqs: 500,
            notes_per_minute: 100_000,
        });
    if let Some(p) = port {
        builder = builder.port(p);
    }
    let relay = LocalRelay::new(builder);
    relay.run().await.unwrap();
    let url = relay.url().await.to_string();
    (relay, url.trim_end_matches('/').to_owned())
}

/// A relay on its own thread and runtime, like a separate process: `kill` drops the runtime,
/// which ends every session task and closes every socket at once (`LocalRelay::shutdown`
/// alone stops accepting but may leave live sessions answering pings, so a "restart" would
/// not be one).
pub struct RelayProcess {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RelayProcess {
    /// Start a relay on 127.0.0.1:`port`; returns it and its URL. Blocks: call it from a
    /// blocking context (`tokio::task::block_in_place` in a multi-thread test).
    pub fn start(port: u16) -> (Self, String) {
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let (relay, url) = rt.block_on(start_relay(Some(port)));
            url_tx.send(url).unwrap();
            // Bounded: the test kills the relay well before this, or drops the sender.
            let _ = stop_rx.recv_timeout(Duration::from_secs(120));
            drop(relay);
            rt.shutdown_timeout(Duration::from_secs(2));
        });
        let url = url_rx
            .recv_timeout(Duration::from_secs(15))
            .expect("relay thread started");
        (
            Self {
                stop: Some(stop_tx),
                thread: Some(thread),
            },
            url,
        )
    }

    /// Stop it as a crash would: every connection closes. Blocks until the thread is gone.
    pub fn kill(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("relay thread exits");
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
