//! A small NIP-01 relay client: one task per relay URL, reconnecting with bounded backoff.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/01.md>. Each connection holds one
//! subscription `["REQ","clave-host",{"kinds":[24133],"#p":[transport keys],"since":t}]`, where
//! `t` is a few seconds before the connect (or before the relay was last heard from, after a
//! reconnect). Every EVENT frame's event JSON is handed on exactly as the relay sent it: the
//! signer verifies ids and signatures over those bytes. Publishing sends `["EVENT",e]` and waits
//! for the relay's `OK` with a short bound; silence is "probably delivered" (INTEROP 7).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::value::RawValue;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::unix_now;

const SUB_ID: &str = "clave-host";
/// Largest frame accepted (relays cap at 128 KiB; a NIP-04 reply can reach ~262 KB).
const MAX_FRAME: usize = 1024 * 1024;

/// Timing knobs; every wait is bounded by one of them.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// TCP + TLS + WebSocket upgrade.
    pub connect_timeout: Duration,
    /// First reconnect delay; doubles up to `max_backoff`.
    pub min_backoff: Duration,
    /// Largest reconnect delay.
    pub max_backoff: Duration,
    /// How long [`RelayPool::publish`] waits for the relay's OK.
    pub ok_timeout: Duration,
    /// How long [`RelayPool::publish`] waits for a disconnected relay to come back.
    pub send_timeout: Duration,
    /// `since` = connect time (or last heard) minus this.
    pub since_margin: Duration,
    /// WebSocket ping interval; nothing heard for two intervals drops the connection.
    pub ping_interval: Duration,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            ok_timeout: Duration::from_secs(2),
            send_timeout: Duration::from_secs(3),
            since_margin: Duration::from_secs(10),
            ping_interval: Duration::from_secs(20),
        }
    }
}

/// An event received from a relay.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// The relay it came from.
    pub relay: Arc<str>,
    /// The event JSON exactly as the relay sent it.
    pub event_json: String,
}

/// How a publish ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishOutcome {
    /// `["OK",id,true,…]`.
    Accepted,
    /// `["OK",id,false,msg]`.
    Rejected(String),
    /// Sent, but no OK within the bound: probably delivered (INTEROP 7).
    NoAnswer,
    /// Not sent: the relay was not connected within the bound, or the pool stopped.
    NotSent(String),
}

impl PublishOutcome {
    /// Accepted or probably delivered.
    pub fn is_delivered(&self) -> bool {
        matches!(self, PublishOutcome::Accepted | PublishOutcome::NoAnswer)
    }
}

struct Publish {
    event_json: String,
    id: String,
    deadline: Instant,
    done: oneshot::Sender<PublishOutcome>,
}

struct RelayHandle {
    cmd: mpsc::Sender<Publish>,
    connected: watch::Receiver<bool>,
}

struct PoolInner {
    relays: Mutex<HashMap<String, RelayHandle>>,
    inbound: mpsc::Sender<Inbound>,
    pubkeys: watch::Sender<Vec<[u8; 32]>>,
    stop: watch::Sender<bool>,
    settings: RelaySettings,
}

/// Connections to a set of relays. Cheap to clone.
#[derive(Clone)]
pub struct RelayPool {
    inner: Arc<PoolInner>,
}

impl std::fmt::Debug for RelayPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayPool")
            .field("relays", &self.urls())
            .finish_non_exhaustive()
    }
}

/// `ws://host:port/` and `ws://host:port` are the same relay.
pub fn normalize_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_owned()
}

impl RelayPool {
    /// A pool with no relays yet, subscribing for `pubkeys`; received events come out of the
    /// returned receiver.
    pub fn new(settings: RelaySettings, pubkeys: Vec<[u8; 32]>) -> (Self, mpsc::Receiver<Inbound>) {
        let (tx, rx) = mpsc::channel(1024);
        let inner = PoolInner {
            relays: Mutex::new(HashMap::new()),
            inbound: tx,
            pubkeys: watch::channel(pubkeys).0,
            stop: watch::channel(false).0,
            settings,
        };
        (
            Self {
                inner: Arc::new(inner),
            },
            rx,
        )
    }

    /// Connect to `url` (idempotent); returns whether it was new.
    pub fn add_relay(&self, url: &str) -> bool {
        let url = normalize_url(url);
        let mut relays = self.lock();
        if relays.contains_key(&url) || *self.inner.stop.borrow() {
            return false;
        }
        let (cmd_tx, cmd_rx) = mpsc::channel(256);
        let (conn_tx, conn_rx) = watch::channel(false);
        let task = RelayTask {
            url: Arc::from(url.as_str()),
            settings: self.inner.settings.clone(),
            inbound: self.inner.inbound.clone(),
            pubkeys: self.inner.pubkeys.subscribe(),
            stop: self.inner.stop.subscribe(),
            connected: conn_tx,
            cmd: cmd_rx,
        };
        tokio::spawn(task.run());
        relays.insert(
            url,
            RelayHandle {
                cmd: cmd_tx,
                connected: conn_rx,
            },
        );
        true
    }

    /// Replace the `#p` keys of the subscription on every relay.
    pub fn set_pubkeys(&self, mut pubkeys: Vec<[u8; 32]>) {
        pubkeys.sort_unstable();
        pubkeys.dedup();
        self.inner.pubkeys.send_if_modified(|cur| {
            let changed = *cur != pubkeys;
            *cur = pubkeys;
            changed
        });
    }

    /// The relays of the pool.
    pub fn urls(&self) -> Vec<String> {
        let mut v: Vec<String> = self.lock().keys().cloned().collect();
        v.sort();
        v
    }

    /// Whether `url` is connected right now.
    pub fn is_connected(&self, url: &str) -> bool {
        self.lock()
            .get(&normalize_url(url))
            .is_some_and(|h| *h.connected.borrow())
    }

    /// Wait (at most `timeout`) until every relay is connected and has sent its REQ.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        let receivers: Vec<watch::Receiver<bool>> =
            self.lock().values().map(|h| h.connected.clone()).collect();
        tokio::time::timeout(timeout, async {
            for mut rx in receivers {
                let ok = rx.wait_for(|c| *c).await.is_ok();
                if !ok {
                    return false;
                }
            }
            true
        })
        .await
        .unwrap_or(false)
    }

    /// Publish `event_json` to `url` (connecting first if it is not in the pool) and wait for
    /// the relay's OK within the configured bounds.
    pub async fn publish(&self, url: &str, event_json: &str) -> PublishOutcome {
        self.add_relay(url);
        let Some(id) = event_id(event_json) else {
            return PublishOutcome::NotSent("not an event".into());
        };
        let (cmd, mut connected) = {
            let relays = self.lock();
            match relays.get(&normalize_url(url)) {
                Some(h) => (h.cmd.clone(), h.connected.clone()),
                None => return PublishOutcome::NotSent("pool stopped".into()),
            }
        };
        let s = &self.inner.settings;
        let wait = tokio::time::timeout(s.send_timeout, async {
            connected.wait_for(|c| *c).await.is_ok()
        })
        .await;
        if wait != Ok(true) {
            return PublishOutcome::NotSent("relay not connected".into());
        }
        let (done, rx) = oneshot::channel();
        let deadline = Instant::now() + s.send_timeout;
        let msg = Publish {
            event_json: event_json.to_owned(),
            id,
            deadline,
            done,
        };
        if cmd.send(msg).await.is_err() {
            return PublishOutcome::NotSent("relay task stopped".into());
        }
        match tokio::time::timeout(s.send_timeout + s.ok_timeout, rx).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => PublishOutcome::NotSent("connection lost before sending".into()),
            Err(_) => PublishOutcome::NoAnswer,
        }
    }

    /// Publish to each of `urls` concurrently.
    pub async fn publish_all(
        &self,
        urls: &[String],
        event_json: &str,
    ) -> Vec<(String, PublishOutcome)> {
        let futs = urls.iter().map(|u| async move {
            let outcome = self.publish(u, event_json).await;
            (u.clone(), outcome)
        });
        futures_util::future::join_all(futs).await
    }

    /// Close every connection; the tasks end.
    pub fn shutdown(&self) {
        self.inner.stop.send_replace(true);
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, RelayHandle>> {
        self.inner
            .relays
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn event_id(event_json: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id<'a> {
        #[serde(borrow)]
        id: &'a str,
    }
    serde_json::from_str::<Id<'_>>(event_json)
        .ok()
        .map(|i| i.id.to_owned())
}

fn req_frame(pubkeys: &[[u8; 32]], since: u64) -> String {
    let p: Vec<String> = pubkeys.iter().map(hex::encode).collect();
    serde_json::json!(["REQ", SUB_ID, {"kinds": [24133], "#p": p, "since": since}]).to_string()
}

enum End {
    Stop,
    Lost(String),
}

struct RelayTask {
    url: Arc<str>,
    settings: RelaySettings,
    inbound: mpsc::Sender<Inbound>,
    pubkeys: watch::Receiver<Vec<[u8; 32]>>,
    stop: watch::Receiver<bool>,
    connected: watch::Sender<bool>,
    cmd: mpsc::Receiver<Publish>,
}

type Waiters = HashMap<String, Vec<oneshot::Sender<PublishOutcome>>>;

impl RelayTask {
    async fn run(mut self) {
        let mut backoff = self.settings.min_backoff;
        let mut last_heard: Option<u64> = None;
        loop {
            if *self.stop.borrow() {
                return;
            }
            let cfg = WebSocketConfig::default()
                .max_message_size(Some(MAX_FRAME))
                .max_frame_size(Some(MAX_FRAME));
            let connect = tokio_tungstenite::connect_async_with_config(&*self.url, Some(cfg), true);
            let res = tokio::select! {
                _ = self.stop.changed() => return,
                r = tokio::time::timeout(self.settings.connect_timeout, connect) => r,
            };
            match res {
                Ok(Ok((ws, _))) => {
                    tracing::info!(relay = %self.url, "relay connected");
                    backoff = self.settings.min_backoff;
                    let since = last_heard
                        .unwrap_or_else(unix_now)
                        .saturating_sub(self.settings.since_margin.as_secs());
                    let end = self.session(ws, since, &mut last_heard).await;
                    self.connected.send_replace(false);
                    match end {
                        End::Stop => return,
                        End::Lost(why) => {
                            tracing::warn!(relay = %self.url, reason = %why, "relay connection lost");
                        }
                    }
                }
                Ok(Err(e)) => tracing::warn!(relay = %self.url, error = %e, "relay connect failed"),
                Err(_) => tracing::warn!(relay = %self.url, "relay connect timed out"),
            }
            let delay = backoff;
            backoff = (backoff * 2).min(self.settings.max_backoff);
            tokio::select! {
                _ = self.stop.changed() => return,
                () = tokio::time::sleep(delay) => {}
            }
        }
    }

    async fn session<S>(
        &mut self,
        mut ws: tokio_tungstenite::WebSocketStream<S>,
        since: u64,
        last_heard: &mut Option<u64>,
    ) -> End
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    {
        let keys = self.pubkeys.borrow_and_update().clone();
        if !keys.is_empty()
            && let Err(e) = ws.send(Message::text(req_frame(&keys, since))).await
        {
            return End::Lost(e.to_string());
        }
        self.connected.send_replace(true);
        let mut waiters: Waiters = HashMap::new();
        let every = self.settings.ping_interval;
        let mut ping = tokio::time::interval_at(Instant::now() + every, every);
        let mut heard = Instant::now();
        loop {
            tokio::select! {
                _ = self.stop.changed() => {
                    let _ = ws.close(None).await;
                    return End::Stop;
                }
                r = self.pubkeys.changed() => {
                    if r.is_err() {
                        return End::Stop;
                    }
                    let keys = self.pubkeys.borrow_and_update().clone();
                    let since = unix_now().saturating_sub(self.settings.since_margin.as_secs());
                    let frame = if keys.is_empty() {
                        format!("[\"CLOSE\",\"{SUB_ID}\"]")
                    } else {
                        req_frame(&keys, since)
                    };
                    if let Err(e) = ws.send(Message::text(frame)).await {
                        return End::Lost(e.to_string());
                    }
                }
                cmd = self.cmd.recv() => {
                    let Some(p) = cmd else { return End::Stop };
                    if Instant::now() > p.deadline {
                        let _ = p.done.send(PublishOutcome::NotSent("expired in queue".into()));
                        continue;
                    }
                    let frame = format!("[\"EVENT\",{}]", p.event_json);
                    if let Err(e) = ws.send(Message::text(frame)).await {
                        let _ = p.done.send(PublishOutcome::NotSent(e.to_string()));
                        return End::Lost(e.to_string());
                    }
                    waiters.retain(|_, v| { v.retain(|s| !s.is_closed()); !v.is_empty() });
                    waiters.entry(p.id).or_default().push(p.done);
                }
                msg = ws.next() => {
                    let msg = match msg {
                        Some(Ok(m)) => m,
                        Some(Err(e)) => return End::Lost(e.to_string()),
                        None => return End::Lost("closed".into()),
                    };
                    heard = Instant::now();
                    *last_heard = Some(unix_now());
                    match msg {
                        Message::Text(text)
                            if self.on_text(text.as_str(), &mut waiters).await.is_err() =>
                        {
                            return End::Stop;
                        }
                        Message::Close(_) => return End::Lost("relay closed".into()),
                        _ => {}
                    }
                }
                _ = ping.tick() => {
                    if heard.elapsed() > every * 2 {
                        return End::Lost("no pong".into());
                    }
                    if let Err(e) = ws.send(Message::Ping(Vec::new().into())).await {
                        return End::Lost(e.to_string());
                    }
                }
            }
        }
    }

    /// Err only when the receiver of inbound events is gone.
    async fn on_text(&self, text: &str, waiters: &mut Waiters) -> Result<(), ()> {
        let Ok(parts) = serde_json::from_str::<Vec<&RawValue>>(text) else {
            return Ok(());
        };
        let label = parts
            .first()
            .and_then(|v| serde_json::from_str::<&str>(v.get()).ok());
        let arg = |i: usize| {
            parts
                .get(i)
                .and_then(|v| serde_json::from_str::<String>(v.get()).ok())
        };
        match label {
            Some("EVENT") if parts.len() == 3 => {
                if arg(1).as_deref() != Some(SUB_ID) {
                    return Ok(());
                }
                let inbound = Inbound {
                    relay: self.url.clone(),
                    event_json: parts[2].get().to_owned(),
                };
                self.inbound.send(inbound).await.map_err(|_| ())?;
            }
            Some("OK") if parts.len() >= 3 => {
                let Some(id) = arg(1) else { return Ok(()) };
                let accepted = serde_json::from_str::<bool>(parts[2].get()).unwrap_or(false);
                let outcome = if accepted {
                    PublishOutcome::Accepted
                } else {
                    PublishOutcome::Rejected(arg(3).unwrap_or_default())
                };
                if let Some(list) = waiters.remove(&id) {
                    for w in list {
                        let _ = w.send(outcome.clone());
                    }
                }
            }
            Some("NOTICE") => {
                tracing::info!(relay = %self.url, notice = %arg(1).unwrap_or_default(), "relay notice");
            }
            Some("CLOSED") => {
                tracing::warn!(relay = %self.url, reason = %arg(2).unwrap_or_default(), "relay closed subscription");
            }
            _ => {}
        }
        Ok(())
    }
}
