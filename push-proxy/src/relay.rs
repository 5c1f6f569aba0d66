//! Relay subscriptions: one task per relay URL, reconnecting forever with backoff and jitter.
//!
//! NIP-01: <https://github.com/nostr-protocol/nips/blob/master/01.md>. Watched pubkeys are split
//! by hash into at most `max_subscriptions` buckets of at most `batch_size` pubkeys, each one
//! `REQ clave-<n> {"kinds":[24133],"#p":[...],"since":...}`. When a change touches a bucket only
//! that bucket is re-sent (a REQ with a known id replaces it). When the pubkeys do not fit, the
//! task falls back to one broad `{"kinds":[24133]}` subscription and routing filters locally.
//! After a reconnect, `since` is the last time the relay was heard from, minus a margin.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::verify::NIP46_KIND;

/// Prefix of our subscription ids.
const SUB_PREFIX: &str = "clave-";
/// Largest frame accepted from a relay (relays cap at 128 KiB; leave room).
const MAX_FRAME: usize = 512 * 1024;

/// Relay behaviour knobs.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Pubkeys per `#p` filter.
    pub batch_size: usize,
    /// Subscriptions per connection before falling back to the broad filter.
    pub max_subscriptions: usize,
    /// `since` margin before the last time the relay was heard from.
    pub since_margin: Duration,
    /// WebSocket ping interval; no frame for two intervals means the relay is gone.
    pub ping_interval: Duration,
    /// Connect (TCP + TLS + upgrade) timeout.
    pub connect_timeout: Duration,
    /// First reconnect delay; doubles with jitter up to `max_backoff`.
    pub min_backoff: Duration,
    /// Largest reconnect delay.
    pub max_backoff: Duration,
    /// Coalesce subscription updates over this window.
    pub debounce: Duration,
}

/// An event frame handed to a dispatcher worker.
#[derive(Debug)]
pub struct Inbound {
    /// The URL to advertise in the push (`relay_url`).
    pub relay_url: Arc<str>,
    /// The event JSON exactly as the relay sent it (shared with the event cache, not copied).
    pub json: Arc<str>,
    /// When the frame was read.
    pub received: Instant,
}

/// State shared by every relay task.
pub struct RelayShared {
    /// Routing index.
    pub registry: Arc<Registry>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// One queue per dispatcher worker; an event goes to `id % workers`.
    pub workers: Vec<mpsc::Sender<Inbound>>,
    /// Settings.
    pub settings: RelaySettings,
    /// Relays connected right now.
    pub connected: AtomicUsize,
}

/// What a relay task watches.
#[derive(Debug, Clone)]
pub enum Watch {
    /// A configured relay: every registered pubkey.
    All,
    /// A paired client's relay: the signers paired on it.
    Paired,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The subscriptions one connection should hold: bucket index -> sorted pubkeys, or broad.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    Buckets(Vec<Vec<[u8; 32]>>),
    Broad,
}

fn plan(mut pubkeys: Vec<[u8; 32]>, s: &RelaySettings) -> Plan {
    let n = s.max_subscriptions.max(1);
    let batch = s.batch_size.max(1);
    if pubkeys.len() > n.saturating_mul(batch) {
        return Plan::Broad;
    }
    pubkeys.sort_unstable();
    let mut buckets = vec![Vec::new(); n];
    for pk in pubkeys {
        let b = usize::from(u16::from_be_bytes([pk[0], pk[1]])) % n;
        buckets[b].push(pk);
        if buckets[b].len() > batch {
            return Plan::Broad;
        }
    }
    Plan::Buckets(buckets)
}

fn req_frame(sub: &str, pubkeys: Option<&[[u8; 32]]>, since: u64) -> String {
    let mut out = String::with_capacity(64 + pubkeys.map_or(0, |p| p.len() * 67));
    out.push_str("[\"REQ\",\"");
    out.push_str(sub);
    out.push_str("\",{\"kinds\":[24133]");
    if let Some(pks) = pubkeys {
        out.push_str(",\"#p\":[");
        for (i, pk) in pks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(&hex::encode(pk));
            out.push('"');
        }
        out.push(']');
    }
    out.push_str(",\"since\":");
    out.push_str(&since.to_string());
    out.push_str("}]");
    out
}

fn close_frame(sub: &str) -> String {
    format!("[\"CLOSE\",\"{sub}\"]")
}

fn broad_id() -> String {
    format!("{SUB_PREFIX}all")
}

/// Frames that move the relay from `old` to `new`.
fn diff_frames(old: &Plan, new: &Plan, since: u64) -> Vec<String> {
    let mut out = Vec::new();
    match (old, new) {
        (Plan::Broad, Plan::Broad) => {}
        (Plan::Buckets(o), Plan::Broad) => {
            for (i, b) in o.iter().enumerate() {
                if !b.is_empty() {
                    out.push(close_frame(&format!("{SUB_PREFIX}{i}")));
                }
            }
            out.push(req_frame(&broad_id(), None, since));
        }
        (old, Plan::Buckets(n)) => {
            if *old == Plan::Broad {
                out.push(close_frame(&broad_id()));
            }
            let empty = Vec::new();
            for (i, b) in n.iter().enumerate() {
                let prev = match old {
                    Plan::Buckets(o) => o.get(i).unwrap_or(&empty),
                    Plan::Broad => &empty,
                };
                if b == prev {
                    continue;
                }
                let id = format!("{SUB_PREFIX}{i}");
                if b.is_empty() {
                    out.push(close_frame(&id));
                } else {
                    out.push(req_frame(&id, Some(b), since));
                }
            }
        }
    }
    out
}

#[derive(Deserialize)]
struct IdOnly<'a> {
    #[serde(borrow)]
    id: &'a str,
    kind: u16,
}

enum SessionEnd {
    Stop,
    Lost(String),
}

/// Run one relay until `stop` turns true.
pub async fn run_relay(
    shared: Arc<RelayShared>,
    url: String,
    public_url: Arc<str>,
    watch: Watch,
    mut stop: watch::Receiver<bool>,
) {
    let s = shared.settings.clone();
    let mut last_heard: Option<u64> = None;
    let mut backoff = s.min_backoff;
    loop {
        if *stop.borrow() {
            return;
        }
        let started = Instant::now();
        let cfg = WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME))
            .max_frame_size(Some(MAX_FRAME));
        let connect = tokio_tungstenite::connect_async_with_config(url.as_str(), Some(cfg), true);
        let outcome = tokio::select! {
            _ = stop.changed() => return,
            r = tokio::time::timeout(s.connect_timeout, connect) => r,
        };
        match outcome {
            Ok(Ok((ws, _))) => {
                Metrics::inc(&shared.metrics.relay_connects);
                shared.connected.fetch_add(1, Ordering::Relaxed);
                tracing::info!(relay = %url, "relay connected");
                let since = last_heard.unwrap_or_else(unix_now);
                let since = since.saturating_sub(s.since_margin.as_secs());
                let end = session(
                    &shared,
                    ws,
                    &public_url,
                    &watch,
                    &url,
                    since,
                    &mut last_heard,
                    &mut stop,
                )
                .await;
                shared.connected.fetch_sub(1, Ordering::Relaxed);
                match end {
                    SessionEnd::Stop => return,
                    SessionEnd::Lost(why) => {
                        Metrics::inc(&shared.metrics.relay_disconnects);
                        tracing::warn!(relay = %url, reason = %why, "relay connection lost");
                    }
                }
                if started.elapsed() > Duration::from_secs(30) {
                    backoff = s.min_backoff;
                }
            }
            Ok(Err(e)) => tracing::warn!(relay = %url, error = %e, "relay connect failed"),
            Err(_) => tracing::warn!(relay = %url, "relay connect timed out"),
        }
        let ms = backoff.as_millis() as u64;
        let delay = Duration::from_millis(ms / 2 + fastrand::u64(0..=ms / 2 + 1));
        backoff = (backoff * 2).min(s.max_backoff);
        tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(delay) => {}
        }
    }
}

fn current_plan(shared: &RelayShared, watch: &Watch, url: &str) -> Plan {
    let s = &shared.settings;
    let capacity = s
        .max_subscriptions
        .max(1)
        .saturating_mul(s.batch_size.max(1));
    if matches!(watch, Watch::All) && shared.registry.counts().1 > capacity {
        // Too many to list: skip collecting them at all.
        return Plan::Broad;
    }
    let pubkeys = match watch {
        Watch::All => shared.registry.all_pubkeys(),
        Watch::Paired => shared.registry.pubkeys_for_relay(url),
    };
    plan(pubkeys, &shared.settings)
}

#[allow(clippy::too_many_arguments)]
async fn session<S>(
    shared: &RelayShared,
    mut ws: tokio_tungstenite::WebSocketStream<S>,
    public_url: &Arc<str>,
    watch: &Watch,
    url: &str,
    since: u64,
    last_heard: &mut Option<u64>,
    stop: &mut watch::Receiver<bool>,
) -> SessionEnd
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut version = shared.registry.subscribe();
    version.borrow_and_update();
    let mut current = Plan::Buckets(Vec::new());
    let next = current_plan(shared, watch, url);
    for frame in diff_frames(&current, &next, since) {
        if let Err(e) = ws.send(Message::text(frame)).await {
            return SessionEnd::Lost(e.to_string());
        }
    }
    current = next;
    let ping_every = shared.settings.ping_interval;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            _ = stop.changed() => {
                let _ = ws.close(None).await;
                return SessionEnd::Stop;
            }
            msg = ws.next() => {
                let msg = match msg {
                    Some(Ok(m)) => m,
                    Some(Err(e)) => return SessionEnd::Lost(e.to_string()),
                    None => return SessionEnd::Lost("closed".into()),
                };
                heard = Instant::now();
                *last_heard = Some(unix_now());
                Metrics::inc(&shared.metrics.relay_frames);
                match msg {
                    Message::Text(text) => {
                        if let Err(e) = handle_text(shared, public_url, url, text.as_str()).await {
                            return SessionEnd::Lost(e);
                        }
                    }
                    Message::Close(_) => return SessionEnd::Lost("relay closed".into()),
                    _ => {}
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > ping_every * 2 {
                    return SessionEnd::Lost("no pong".into());
                }
                if let Err(e) = ws.send(Message::Ping(Vec::new().into())).await {
                    return SessionEnd::Lost(e.to_string());
                }
            }
            r = version.changed() => {
                if r.is_err() {
                    return SessionEnd::Stop;
                }
                tokio::time::sleep(shared.settings.debounce).await;
                version.borrow_and_update();
                let next = current_plan(shared, watch, url);
                let since = unix_now().saturating_sub(shared.settings.since_margin.as_secs());
                for frame in diff_frames(&current, &next, since) {
                    if let Err(e) = ws.send(Message::text(frame)).await {
                        return SessionEnd::Lost(e.to_string());
                    }
                }
                current = next;
            }
        }
    }
}

fn truncate(s: &str, n: usize) -> &str {
    let mut end = s.len().min(n);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Handle one text frame; Err only when the dispatcher is gone.
async fn handle_text(
    shared: &RelayShared,
    public_url: &Arc<str>,
    url: &str,
    text: &str,
) -> Result<(), String> {
    let Ok(parts) = serde_json::from_str::<Vec<&RawValue>>(text) else {
        return Ok(());
    };
    let kind = parts
        .first()
        .and_then(|v| serde_json::from_str::<&str>(v.get()).ok());
    match kind {
        Some("EVENT") if parts.len() == 3 => {
            let sub = serde_json::from_str::<&str>(parts[1].get()).unwrap_or("");
            if !sub.starts_with(SUB_PREFIX) {
                return Ok(());
            }
            let raw = parts[2].get();
            let Ok(head) = serde_json::from_str::<IdOnly<'_>>(raw) else {
                Metrics::inc(&shared.metrics.events_invalid);
                return Ok(());
            };
            if head.kind != NIP46_KIND {
                return Ok(());
            }
            Metrics::inc(&shared.metrics.events_received);
            let Some(id) = crate::verify::hex32(head.id) else {
                Metrics::inc(&shared.metrics.events_invalid);
                return Ok(());
            };
            let n = shared.workers.len().max(1);
            let w = usize::from(u16::from_be_bytes([id[0], id[1]])) % n;
            let inbound = Inbound {
                relay_url: public_url.clone(),
                json: Arc::from(raw),
                received: Instant::now(),
            };
            if let Some(tx) = shared.workers.get(w) {
                tx.send(inbound)
                    .await
                    .map_err(|_| "dispatcher stopped".to_owned())?;
            }
        }
        Some("NOTICE") | Some("CLOSED") => {
            tracing::info!(relay = %url, message = ?truncate(text, 200), "relay notice");
        }
        _ => {}
    }
    Ok(())
}

/// Keep one task per configured relay and per paired-client relay until `stop`.
pub async fn run_relays(
    shared: Arc<RelayShared>,
    configured: Vec<(String, Arc<str>)>,
    allow_paired: bool,
    mut stop: watch::Receiver<bool>,
) {
    let mut tasks = Vec::new();
    for (url, public) in &configured {
        tasks.push(tokio::spawn(run_relay(
            shared.clone(),
            url.clone(),
            public.clone(),
            Watch::All,
            stop.clone(),
        )));
    }
    let mut paired: HashMap<String, (watch::Sender<bool>, tokio::task::JoinHandle<()>)> =
        HashMap::new();
    let mut version = shared.registry.subscribe();
    loop {
        if allow_paired {
            let want = shared.registry.paired_relays();
            paired.retain(|url, (tx, _)| {
                let keep = want.contains(url);
                if !keep {
                    let _ = tx.send(true);
                }
                keep
            });
            for url in want {
                if configured.iter().any(|(u, _)| *u == url) || paired.contains_key(&url) {
                    continue;
                }
                let (tx, rx) = watch::channel(false);
                let public: Arc<str> = url.as_str().into();
                let task = tokio::spawn(run_relay(
                    shared.clone(),
                    url.clone(),
                    public,
                    Watch::Paired,
                    rx,
                ));
                paired.insert(url, (tx, task));
            }
        }
        tokio::select! {
            _ = stop.changed() => break,
            r = version.changed() => if r.is_err() { break },
        }
    }
    for (_, (tx, task)) in paired.drain() {
        let _ = tx.send(true);
        tasks.push(task);
    }
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(batch: usize, subs: usize) -> RelaySettings {
        RelaySettings {
            batch_size: batch,
            max_subscriptions: subs,
            since_margin: Duration::from_secs(5),
            ping_interval: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(60),
            debounce: Duration::from_millis(10),
        }
    }

    #[test]
    fn buckets_and_broad_fallback() {
        let pks: Vec<[u8; 32]> = (0..10u8).map(|i| [i; 32]).collect();
        let p = plan(pks.clone(), &settings(10, 4));
        let Plan::Buckets(b) = &p else {
            panic!("expected buckets")
        };
        assert_eq!(b.iter().map(Vec::len).sum::<usize>(), 10);
        assert_eq!(plan(pks, &settings(2, 4)), Plan::Broad);
        let frames = diff_frames(&Plan::Buckets(Vec::new()), &p, 100);
        assert!(frames.iter().all(|f| f.starts_with("[\"REQ\",\"clave-")));
        assert!(frames[0].contains("\"since\":100"));
        // Same plan: nothing to send.
        assert!(diff_frames(&p, &p, 100).is_empty());
        let to_broad = diff_frames(&p, &Plan::Broad, 7);
        assert!(to_broad.last().is_some_and(|f| f.contains("clave-all")));
    }
}
