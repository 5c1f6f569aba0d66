//! Bounded duplicate filter for event ids seen on several relays.
//!
//! Only verified events are recorded, so a forged event cannot shadow the real one that shares
//! its id. Memory is bounded by `capacity`; the oldest ids are forgotten first.

use std::collections::{HashSet, VecDeque};

/// A FIFO-bounded set of 32-byte ids.
#[derive(Debug)]
pub struct Dedupe {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
    capacity: usize,
}

impl Dedupe {
    /// A filter that remembers at most `capacity` ids (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            set: HashSet::with_capacity(capacity.min(1 << 16)),
            order: VecDeque::with_capacity(capacity.min(1 << 16)),
            capacity,
        }
    }

    /// Whether `id` was recorded.
    pub fn contains(&self, id: &[u8; 32]) -> bool {
        self.set.contains(id)
    }

    /// Record `id`; returns false if it was already there.
    pub fn insert(&mut self, id: [u8; 32]) -> bool {
        if !self.set.insert(id) {
            return false;
        }
        self.order.push_back(id);
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }

    /// Number of ids remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_fifo() {
        let mut d = Dedupe::new(2);
        assert!(d.insert([1; 32]));
        assert!(!d.insert([1; 32]));
        assert!(d.insert([2; 32]));
        assert!(d.insert([3; 32]));
        assert_eq!(d.len(), 2);
        assert!(!d.contains(&[1; 32]));
        assert!(d.contains(&[3; 32]));
    }
}
