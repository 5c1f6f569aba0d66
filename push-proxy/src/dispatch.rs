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
use serde::Serialize;
use serde_json::value::RawValue;
use tokio::sync::{Semaphore, mpsc};

use crate::apns::{ApnsClient, MAX_PAYLOAD, PushOutcome};
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

#[derive(Serialize)]
struct Alert {
    title: &'static str,
    body: &'static str,
}

#[derive(Serialize)]
struct Aps {
    #[serde(rename = "mutable-content")]
    mutable_content: u8,
    #[serde(rename = "interruption-level")]
    interruption_level: &'static str,
    alert: Alert,
}

#[derive(Serialize)]
struct Payload<'a> {
    aps: Aps,
    relay_url: &'a str,
    event_id: &'a str,
    signer_pubkey: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'a RawValue>,
}

/// The APNs payload: the keys the reference app reads, with the event embedded when the whole
/// payload stays under the 4 KB limit.
pub fn build_payload(relay_url: &str, event_id: &str, signer: &str, event_json: &str) -> Vec<u8> {
    let mut p = Payload {
        aps: Aps {
            mutable_content: 1,
            interruption_level: "passive",
            alert: Alert {
                title: " ",
                body: " ",
            },
        },
        relay_url,
        event_id,
        signer_pubkey: signer,
        event: serde_json::from_str::<&RawValue>(event_json).ok(),
    };
    if let Ok(v) = serde_json::to_vec(&p)
        && v.len() < MAX_PAYLOAD
    {
        return v;
    }
    p.event = None;
    serde_json::to_vec(&p).unwrap_or_default()
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
    let json: Arc<str> = Arc::from(&*inbound.json);
    d.cache.lock().unwrap_or_else(|p| p.into_inner()).insert(
        id,
        json.clone(),
        targets.clone(),
        Instant::now(),
    );

    for target in targets {
        let signer = hex::encode(target);
        let payload = Bytes::from(build_payload(&inbound.relay_url, &event_id, &signer, &json));
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
            let payload = payload.clone();
            let event_id = event_id.clone();
            tokio::spawn(async move {
                let token_hex = hex::encode(&dev.token);
                let outcome = d.apns.push(dev.env, &token_hex, &event_id, payload).await;
                drop(permit);
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
    }
}
