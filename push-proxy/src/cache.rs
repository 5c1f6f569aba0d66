//! Recently pushed events, kept a few minutes for `GET /event/<id>`.
//!
//! Relays may not keep ephemeral kind-24133 events at all, so an NSE whose push could not carry
//! the event fetches it here. Bounded by count, by total bytes and by age.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Entry {
    json: Arc<str>,
    signers: Vec<[u8; 32]>,
    at: Instant,
}

/// A bounded, time-limited map from event id to event JSON.
pub struct EventCache {
    map: HashMap<[u8; 32], Entry>,
    order: VecDeque<[u8; 32]>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
    ttl: Duration,
}

impl EventCache {
    /// A cache bounded by `max_entries`, `max_bytes` of JSON and `ttl`.
    pub fn new(max_entries: usize, max_bytes: usize, ttl: Duration) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            max_entries: max_entries.max(1),
            max_bytes,
            ttl,
        }
    }

    fn evict(&mut self, now: Instant) {
        while let Some(id) = self.order.front().copied() {
            let expired = self
                .map
                .get(&id)
                .is_none_or(|e| now.duration_since(e.at) > self.ttl);
            if !(expired || self.order.len() > self.max_entries || self.bytes > self.max_bytes) {
                break;
            }
            self.order.pop_front();
            if let Some(e) = self.map.remove(&id) {
                self.bytes -= e.json.len();
            }
        }
    }

    /// Keep `json` for the signers it addresses.
    pub fn insert(&mut self, id: [u8; 32], json: Arc<str>, signers: Vec<[u8; 32]>, now: Instant) {
        if json.len() > self.max_bytes || self.map.contains_key(&id) {
            return;
        }
        self.bytes += json.len();
        self.map.insert(
            id,
            Entry {
                json,
                signers,
                at: now,
            },
        );
        self.order.push_back(id);
        self.evict(now);
    }

    /// The event `id` if it is still kept and addressed to `signer`.
    pub fn get(&mut self, id: &[u8; 32], signer: &[u8; 32], now: Instant) -> Option<Arc<str>> {
        self.evict(now);
        let e = self.map.get(id)?;
        e.signers.contains(signer).then(|| e.json.clone())
    }

    /// Number of events kept.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_count_bytes_and_age() {
        let t0 = Instant::now();
        let mut c = EventCache::new(2, 10, Duration::from_secs(60));
        c.insert([1; 32], "abcd".into(), vec![[9; 32]], t0);
        assert_eq!(c.get(&[1; 32], &[9; 32], t0).as_deref(), Some("abcd"));
        assert_eq!(c.get(&[1; 32], &[8; 32], t0), None);
        c.insert([2; 32], "abcd".into(), vec![[9; 32]], t0);
        c.insert([3; 32], "abcd".into(), vec![[9; 32]], t0);
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(&[1; 32], &[9; 32], t0), None);
        c.insert([4; 32], "abcdefgh".into(), vec![[9; 32]], t0);
        assert!(c.bytes <= 10);
        let later = t0 + Duration::from_secs(61);
        assert_eq!(c.get(&[4; 32], &[9; 32], later), None);
        assert!(c.is_empty());
    }
}
