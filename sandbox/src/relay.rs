//! The relay: rust-nostr's `nostr-relay-builder` on its own thread and Tokio runtime, like a
//! separate process. Killing it drops the runtime, which ends every session task and closes
//! every socket at once (`LocalRelay::shutdown` alone stops accepting but can leave live
//! sessions answering pings, so clients would never notice the restart).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use nostr_relay_builder::prelude::{LocalRelay, RateLimit, RelayBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;

use crate::SandboxError;

/// How long a start may take before it counts as failed.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Largest WebSocket upgrade request read, and how long it may take.
const MAX_UPGRADE_REQUEST: usize = 8 * 1024;
const UPGRADE_TIMEOUT: Duration = Duration::from_secs(10);
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
                    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
                        .await
                        .map_err(|e| e.to_string())?;
                    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
                    let builder = RelayBuilder::default()
                        .addr(IpAddr::V4(Ipv4Addr::LOCALHOST))
                        .port(port)
                        .rate_limit(RateLimit {
                            max_reqs: 500,
                            notes_per_minute: 100_000,
                        });
                    let relay = LocalRelay::new(builder);
                    tokio::spawn(accept_loop(listener, relay.clone()));
                    Ok::<_, String>((relay, format!("ws://127.0.0.1:{port}")))
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

/// The relay's own listener. It sets `TCP_NODELAY` on every connection, as production relays
/// do (strfry's uWebSockets does): without it, a reply written soon after the relay's `OK` to
/// the same client waits in Nagle's buffer for the client's delayed ACK, about 40 ms, which
/// the end-to-end latency figure would otherwise charge to the signer.
async fn accept_loop(listener: TcpListener, relay: LocalRelay) {
    loop {
        let (stream, addr) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "relay accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let relay = relay.clone();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            match tokio::time::timeout(UPGRADE_TIMEOUT, upgrade(stream)).await {
                Ok(Ok(stream)) => {
                    if let Err(e) = relay.take_connection(stream, addr).await {
                        tracing::debug!(error = %e, "relay session ended");
                    }
                }
                Ok(Err(e)) => tracing::debug!(error = %e, "relay upgrade refused"),
                Err(_) => tracing::debug!("relay upgrade timed out"),
            }
        });
    }
}

/// Answer a WebSocket upgrade request (RFC 6455 §4.2) and hand back the raw stream.
async fn upgrade(mut stream: TcpStream) -> std::io::Result<TcpStream> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_UPGRADE_REQUEST {
            return Err(std::io::Error::other("upgrade request too large"));
        }
    };
    // A client sends nothing after its request until it has our answer.
    if buf.len() != head_end + 4 {
        return Err(std::io::Error::other("data after the upgrade request"));
    }
    let head = String::from_utf8_lossy(&buf[..head_end]);
    let key = head.lines().skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("sec-websocket-key")
            .then(|| value.trim().to_owned())
    });
    let Some(key) = key else {
        stream
            .write_all(
                b"HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            )
            .await?;
        return Err(std::io::Error::other("not a WebSocket upgrade"));
    };
    let answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    stream.write_all(answer.as_bytes()).await?;
    Ok(stream)
}
