//! Token-bucket rate limits per client IP and per authenticated pubkey, with bounded memory.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Instant;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets keyed by `K`: `burst` requests at once, refilled at `per_minute`.
#[derive(Debug)]
pub struct RateLimiter<K> {
    buckets: HashMap<K, Bucket>,
    burst: f64,
    per_sec: f64,
    max_keys: usize,
}

impl<K: Hash + Eq + Copy> RateLimiter<K> {
    /// A limiter remembering at most `max_keys` clients.
    pub fn new(per_minute: u32, burst: u32, max_keys: usize) -> Self {
        Self {
            buckets: HashMap::new(),
            burst: f64::from(burst.max(1)),
            per_sec: f64::from(per_minute) / 60.0,
            max_keys: max_keys.max(1),
        }
    }

    /// Take one token for `key`; false means "429".
    pub fn check(&mut self, key: K, now: Instant) -> bool {
        if self.buckets.len() >= self.max_keys && !self.buckets.contains_key(&key) {
            // Forget clients whose bucket is full again: they lose nothing.
            let (burst, per_sec) = (self.burst, self.per_sec);
            self.buckets
                .retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * per_sec < burst);
            if self.buckets.len() >= self.max_keys {
                return false;
            }
        }
        let b = self.buckets.entry(key).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.duration_since(b.at).as_secs_f64() * self.per_sec;
        b.tokens = (b.tokens + refill).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_refill() {
        let t0 = Instant::now();
        let mut r = RateLimiter::new(60, 2, 10);
        assert!(r.check(1u8, t0));
        assert!(r.check(1u8, t0));
        assert!(!r.check(1u8, t0));
        assert!(r.check(2u8, t0));
        assert!(r.check(1u8, t0 + Duration::from_millis(1100)));
    }
}
