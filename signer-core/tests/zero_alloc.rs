#![allow(unsafe_code)] // a global allocator is unsafe by definition; the library forbids it
//! Proves that signer-core's hot paths never touch the heap: a counting global allocator
//! records every allocation made on this thread while the measured closure runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use signer_core::keys::SecretKey;

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Number of allocations `f` made on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (ALLOCS.with(Cell::get) - before, out)
}

#[test]
fn counter_sees_allocations() {
    // Guard against a counter that can never fail.
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert!(n >= 1, "the counting allocator must see a Vec allocation");
    drop(v);
}

#[test]
fn keys_sign_verify_ecdh_allocate_nothing() {
    let sk = SecretKey::from_bytes(&[7u8; 32]).unwrap();
    let peer = SecretKey::from_bytes(&[8u8; 32]).unwrap().public_key();
    let (n, ok) = allocations(|| {
        let pk = sk.public_key();
        let sig = sk.sign_schnorr(&[1u8; 32], &[2u8; 32]).unwrap();
        let shared = sk.shared_x(&peer);
        pk.verify_schnorr(&[1u8; 32], &sig).is_ok() && shared.as_bytes() != &[0u8; 32]
    });
    assert!(ok);
    assert_eq!(n, 0, "keys: {n} allocations");
}
