//! Per-request timing records, so a latency tool can split the end-to-end time of one request
//! into client → relay → proxy → push (ends when the APNs stand-in receives the push) and the
//! device's own steps (fetch, handle, publish until the relay's OK).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Records kept (oldest dropped first).
pub const MAX_RECORDS: usize = 4096;

/// Where the device got a request event from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FetchSource {
    /// Inside the push payload.
    Embedded,
    /// The proxy's `GET /event/<id>` (NIP-98).
    Proxy,
    /// A relay `REQ` by id.
    Relay,
}

impl FetchSource {
    /// A short label for logs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Embedded => "embedded",
            Self::Proxy => "proxy",
            Self::Relay => "relay",
        }
    }
}

/// One push, from the stand-in's receipt to the reply's OK. The `*_after` durations are
/// cumulative since `push_received_at` (monotonic clock), so `started_after` is the push's
/// hand-over to the device, `fetched_after - started_after` the fetch time, `signed_after - fetched_after` the nse-ffi signer call, `handled_after -
/// signed_after` the state write, and
/// `published_after - handled_after` the publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTiming {
    /// The request event id (hex).
    pub event_id: String,
    /// When the APNs stand-in received the push (wall clock: compare with the client's send
    /// time for the client → relay → proxy → APNs leg).
    pub push_received_at: SystemTime,
    /// The device started on it (the stand-in checked the push and handed it over: the part
    /// that APNs delivery and the NSE's launch play on a phone).
    pub started_after: Duration,
    /// Where the event came from (after fallbacks), if it was fetched.
    pub source: Option<FetchSource>,
    /// Fetch attempts that failed before `source` succeeded (e.g. proxy → relay fallback).
    pub fetch_failures: u32,
    /// Event in hand.
    pub fetched_after: Option<Duration>,
    /// The nse-ffi call returned (state decoded, request handled, new state encoded).
    pub signed_after: Option<Duration>,
    /// Signer call done and state persisted.
    pub handled_after: Option<Duration>,
    /// Every reply acknowledged by its relays (or timed out).
    pub published_after: Option<Duration>,
    /// `replied`, `held`, `ignored: <why>` or `failed: <why>`.
    pub outcome: String,
}

impl RequestTiming {
    /// As JSON, durations in milliseconds.
    pub fn to_json(&self) -> serde_json::Value {
        let ms = |d: Option<Duration>| d.map(|d| d.as_secs_f64() * 1000.0);
        serde_json::json!({
            "event_id": self.event_id,
            "push_received_unix_ms": self
                .push_received_at
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            "started_ms": ms(Some(self.started_after)),
            "source": self.source.map(FetchSource::as_str),
            "fetch_failures": self.fetch_failures,
            "fetched_ms": ms(self.fetched_after),
            "signed_ms": ms(self.signed_after),
            "handled_ms": ms(self.handled_after),
            "published_ms": ms(self.published_after),
            "outcome": self.outcome,
        })
    }
}

/// A bounded log of records.
#[derive(Debug, Default)]
pub struct Timings(Mutex<VecDeque<RequestTiming>>);

impl Timings {
    /// Keep `t` (dropping the oldest record when full).
    pub fn push(&self, t: RequestTiming) {
        let mut q = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if q.len() >= MAX_RECORDS {
            q.pop_front();
        }
        q.push_back(t);
    }

    /// Every record, oldest first.
    pub fn all(&self) -> Vec<RequestTiming> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}
