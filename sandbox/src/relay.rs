//! The relay: rust-nostr's `nostr-relay-builder` on its own thread and Tokio runtime, like a
//! separate process. Killing it drops the runtime, which ends every session task and closes
//! every socket at once (`LocalRelay::shutdown` alone stops accepting but can leave live
//! sessions answering pings, so clients would never notice the restart).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use nostr_relay_builder::prelude::{LocalRelay, RateLimit, RelayBuilder};

use crate::SandboxError;

/// How long a start may take before it counts as failed.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Attempts to bind a port that a killed relay may have left briefly busy.
const START_ATTEMPTS: u32 = 10;

/// One running relay.
pub struct RelayProcess {
    port: u16,
    url: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RelayProcess {
    /// Start a relay on 127.0.0.1:`port` (a free port when 0), retrying a busy port for a few
    /// seconds. Blocks: call it from a blocking context.
    pub fn start(port: u16) -> Result<Self, SandboxError> {
        let mut last = None;
        for attempt in 0..START_ATTEMPTS {
            match Self::start_once(port) {
                Ok(r) => return Ok(r),
                Err(e) => {
                    tracing::debug!(attempt, error = %e, "relay start failed; retrying");
                    last = Some(e);
                    std::thread::sleep(Duration::from_millis(200 * u64::from(attempt + 1)));
                }
            }
        }
        Err(last.unwrap_or_else(|| SandboxError::Relay("could not start".into())))
    }

    fn start_once(port: u16) -> Result<Self, SandboxError> {
        let (url_tx, url_rx) = mpsc::channel::<Result<String, String>>();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sandbox-relay".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("sandbox-relay-rt")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = url_tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let started = rt.block_on(async move {
                    let mut builder = RelayBuilder::default()
                        .addr(IpAddr::V4(Ipv4Addr::LOCALHOST))
                        .rate_limit(RateLimit {
                            max_reqs: 500,
                            notes_per_minute: 100_000,
                        });
                    if port != 0 {
                        builder = builder.port(port);
                    }
                    let relay = LocalRelay::new(builder);
                    relay.run().await.map_err(|e| e.to_string())?;
                    let url = relay.url().await.to_string();
                    Ok::<_, String>((relay, url.trim_end_matches('/').to_owned()))
                });
                match started {
                    Ok((relay, url)) => {
                        let _ = url_tx.send(Ok(url));
                        // Returns when told to stop or when the owner is dropped.
                        let _ = stop_rx.recv();
                        relay.shutdown();
                        drop(relay);
                    }
                    Err(e) => {
                        let _ = url_tx.send(Err(e));
                    }
                }
                rt.shutdown_timeout(Duration::from_secs(2));
            })
            .map_err(|e| SandboxError::Relay(e.to_string()))?;
        let url = match url_rx.recv_timeout(START_TIMEOUT) {
            Ok(Ok(url)) => url,
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(SandboxError::Relay(e));
            }
            Err(_) => {
                drop(stop_tx);
                return Err(SandboxError::Relay("relay did not start in time".into()));
            }
        };
        let port = url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| SandboxError::Relay(format!("relay url without a port: {url}")))?;
        Ok(Self {
            port,
            url,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// Its `ws://127.0.0.1:<port>` URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its port (stable across restarts: bunker URIs name it).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stop it as a crash would: every connection closes. Blocks until the thread is gone.
    pub fn kill(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
