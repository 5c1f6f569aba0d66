//! From a relay frame to APNs pushes: route by `p` tag, drop duplicates, verify, push.
//!
//! Events are sharded over workers by id, so the same event seen on two relays always meets
//! the same duplicate filter and no lock is shared between workers on the hot path. Order of
//! checks: cheap routing first (unregistered pubkeys cost a parse only), the duplicate filter,
//! then the signature; only verified ids enter the filter.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::{Semaphore, mpsc};

use crate::apns::{ApnsClient, MAX_PAYLOAD, Notification, PushOutcome};
use crate::cache::EventCache;
use crate::dedupe::Dedupe;
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::relay::Inbound;
use crate::verify::{NIP46_KIND, parse_event};

/// At most this many `p` tags of one event are considered.
const MAX_TARGETS: usize = 4;

/// Everything a dispatcher worker needs.
pub struct Dispatch {
    /// Routing index.
    pub registry: Arc<Registry>,
    /// Push sender.
    pub apns: Arc<ApnsClient>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Recent events for `GET /event/<id>`.
    pub cache: Arc<Mutex<EventCache>>,
    /// Bounds pushes in flight.
    pub inflight: Arc<Semaphore>,
    /// Ids remembered per worker.
    pub dedupe_capacity: usize,
}

/// Everything of the payload before `relay_url`'s value: fixed, written once per payload.
const PAYLOAD_HEAD: &str = concat!(
    r#"{"aps":{"mutable-content":1,"interruption-level":"passive","#,
    r#""alert":{"title":" ","body":" "}},"relay_url":"#
);

/// Append `s` as a JSON string (quotes and escapes).
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    // Writing into a Vec cannot fail; a `str` always serializes.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// The APNs payload: the keys the reference app reads, with the event embedded when the whole
/// payload stays under the 4 KB limit. Written directly (no intermediate value, no second parse
/// of the event): `event_json` must be one JSON object, as the dispatcher passes only events it
/// parsed; anything else is left out rather than embedded.
pub fn build_payload(relay_url: &str, event_id: &str, signer: &str, event_json: &str) -> Vec<u8> {
    const EVENT_KEY: &[u8] = b",\"event\":";
    let event_json = event_json.trim();
    let mut out = Vec::with_capacity(
        PAYLOAD_HEAD.len() + relay_url.len() + event_id.len() + signer.len() + 64,
    );
    out.extend_from_slice(PAYLOAD_HEAD.as_bytes());
    push_json_str(&mut out, relay_url);
    out.extend_from_slice(b",\"event_id\":");
    push_json_str(&mut out, event_id);
    out.extend_from_slice(b",\"signer_pubkey\":");
    push_json_str(&mut out, signer);
    let object = event_json.starts_with('{') && event_json.ends_with('}');
    if object && out.len() + EVENT_KEY.len() + event_json.len() + 1 < MAX_PAYLOAD {
        out.extend_from_slice(EVENT_KEY);
        out.extend_from_slice(event_json.as_bytes());
    }
    out.push(b'}');
    out
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// First 8 hex characters: enough to correlate logs, useless to an attacker.
pub fn short(hex: &str) -> &str {
    hex.get(..8).unwrap_or(hex)
}

/// Run one worker until its queue closes.
pub async fn run_worker(d: Arc<Dispatch>, mut rx: mpsc::Receiver<Inbound>) {
    let mut dedupe = Dedupe::new(d.dedupe_capacity);
    while let Some(inbound) = rx.recv().await {
        handle(&d, &mut dedupe, inbound).await;
    }
}

async fn handle(d: &Arc<Dispatch>, dedupe: &mut Dedupe, inbound: Inbound) {
    let m = &d.metrics;
    let Ok(ev) = parse_event(inbound.json.as_bytes()) else {
        Metrics::inc(&m.events_invalid);
        return;
    };
    if ev.kind() != NIP46_KIND {
        return;
    }
    let mut targets: Vec<[u8; 32]> = Vec::new();
    for pk in ev.p_tags().take(MAX_TARGETS) {
        if pk != *ev.pubkey() && !targets.contains(&pk) && d.registry.is_registered(&pk) {
            targets.push(pk);
        }
    }
    if targets.is_empty() {
        Metrics::inc(&m.events_unrouted);
        return;
    }
    if dedupe.contains(ev.id()) {
        Metrics::inc(&m.events_duplicate);
        return;
    }
    match ev.verify() {
        Ok(()) => {}
        Err(e) => {
            Metrics::inc(&m.events_invalid);
            tracing::debug!(error = %e, "dropping invalid event");
            return;
        }
    };
    let id = *ev.id();
    dedupe.insert(id);
    Metrics::inc(&m.events_routed);
    m.last_event_unix.store(unix_now(), Ordering::Relaxed);
    let event_id = hex::encode(id);
    let json = inbound.json;
    d.cache.lock().unwrap_or_else(|p| p.into_inner()).insert(
        id,
        json.clone(),
        targets.clone(),
        Instant::now(),
    );

    for target in targets {
        let signer = hex::encode(target);
        let payload = Bytes::from(build_payload(&inbound.relay_url, &event_id, &signer, &json));
        let Some(notification) = Notification::new(&event_id, payload) else {
            continue;
        };
        let devices = d.registry.devices(&target);
        tracing::debug!(
            event = %short(&event_id),
            signer = %short(&signer),
            devices = devices.len(),
            "routing event"
        );
        for dev in devices {
            let Ok(permit) = d.inflight.clone().acquire_owned().await else {
                return;
            };
            let d = d.clone();
            let notification = notification.clone();
            d.metrics.pushes_in_flight.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let token_hex = hex::encode(&dev.token);
                let outcome = d.apns.push(dev.env, &token_hex, &notification).await;
                drop(permit);
                d.metrics.pushes_in_flight.fetch_sub(1, Ordering::Relaxed);
                match outcome {
                    PushOutcome::Delivered => {}
                    PushOutcome::Prune {
                        invalid_since_ms,
                        reason,
                    } => {
                        let counter = if reason == "Unregistered" || invalid_since_ms.is_some() {
                            &d.metrics.apns_pruned_unregistered
                        } else {
                            &d.metrics.apns_pruned_bad_token
                        };
                        match d
                            .registry
                            .prune(target, dev.token.to_vec(), invalid_since_ms)
                            .await
                        {
                            Ok(true) => {
                                Metrics::inc(counter);
                                tracing::info!(
                                    token = %short(&token_hex),
                                    reason = %reason,
                                    "removed dead token"
                                );
                            }
                            Ok(false) => tracing::info!(
                                token = %short(&token_hex),
                                "token re-registered after APNs rejection; kept"
                            ),
                            Err(e) => tracing::error!(error = %e, "prune failed"),
                        }
                    }
                    PushOutcome::Failed { status, reason } => tracing::warn!(
                        token = %short(&token_hex),
                        status = ?status,
                        reason = %reason,
                        "push failed"
                    ),
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_embeds_small_events_only() {
        let small = r#"{"id":"x","content":"hi"}"#;
        let p = build_payload("wss://r", "ab", "cd", small);
        let v: serde_json::Value = serde_json::from_slice(&p).unwrap_or_default();
        assert_eq!(v["aps"]["mutable-content"], 1);
        assert_eq!(v["aps"]["alert"]["title"], " ");
        assert_eq!(v["event"]["content"], "hi");
        let big = format!(r#"{{"content":"{}"}}"#, "a".repeat(5000));
        let p = build_payload("wss://r", "ab", "cd", &big);
        assert!(p.len() < 4096);
        let v: serde_json::Value = serde_json::from_slice(&p).unwrap_or_default();
        assert!(v.get("event").is_none());
        assert_eq!(v["event_id"], "ab");
        // Strings are escaped; something that is not an object is never embedded.
        let p = build_payload("wss://r/\"x\"\n", "ab", "cd", "[1]");
        let v: serde_json::Value = serde_json::from_slice(&p).unwrap_or_default();
        assert_eq!(v["relay_url"], "wss://r/\"x\"\n");
        assert!(v.get("event").is_none());
        // The embedding bound is exact: the largest embedded payload is 4095 bytes.
        let fixed = build_payload("wss://r", "ab", "cd", "").len();
        let fits = format!(r#"{{"c":"{}"}}"#, "a".repeat(4095 - fixed - 9 - 8));
        assert_eq!(build_payload("wss://r", "ab", "cd", &fits).len(), 4095);
        let over = format!(r#"{{"c":"{}"}}"#, "a".repeat(4096 - fixed - 9 - 8));
        assert_eq!(build_payload("wss://r", "ab", "cd", &over).len(), fixed);
    }
}
