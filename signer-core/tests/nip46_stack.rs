#![allow(unsafe_code)] // reading painted stack memory below the live frame needs raw pointers
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Peak stack of the NIP-46 signer's entry points, by stack painting (the technique of
//! `benches/src/bin/stack-depth.rs`): a fresh thread paints a region below its frame, runs the
//! call, and finds the deepest byte that changed. Buffers and the state live on the heap, so
//! only the core's own frames count.
//!
//! `cargo test --release -p signer-core --test nip46_stack -- --nocapture` prints the table;
//! in release builds the test also asserts the budget ([`BUDGET`]). Debug builds (no
//! inlining, no stack-slot reuse) only print.

use std::hint::black_box;
use std::ptr;

#[path = "nip46_harness.rs"]
mod harness;

use harness::*;
use nostr::JsonUtil;
use serde_json::json;
use signer_core::nip46::perms::TrustLevel;
use signer_core::nip46::signer::{self, Approval, Buffers, Outcome, PENDING_TTL};
use signer_core::nip46::state::State;

/// The target for a 64 KB request: well under 256 KiB.
const BUDGET: usize = 128 * 1024;
const PAINT: usize = 4 << 20;
const MARK: u8 = 0xA5;

#[inline(never)]
fn paint() -> usize {
    let mut stack = [0u8; PAINT];
    for b in stack.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference into `stack`.
        unsafe { ptr::write_volatile(b, MARK) };
    }
    black_box(&stack);
    stack.as_ptr() as usize
}

#[inline(never)]
fn peak_stack(op: &mut dyn FnMut()) -> usize {
    let top = black_box(0u8);
    let top_addr = &top as *const u8 as usize;
    let low = paint();
    op();
    let mut addr = low;
    while addr < top_addr {
        // SAFETY: [low, top_addr) is this thread's stack, mapped and painted by `paint`.
        if unsafe { ptr::read_volatile(addr as *const u8) } != MARK {
            break;
        }
        addr += 1;
    }
    top_addr - addr
}

fn measure(name: &str, mut op: impl FnMut() + Send) -> usize {
    let depth = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(PAINT * 2)
            .spawn_scoped(s, || peak_stack(&mut op))
            .unwrap()
            .join()
            .unwrap()
    });
    println!("| {name} | {depth} | {:.1} |", depth as f64 / 1024.0);
    depth
}

#[test]
fn peak_stack_of_the_signer() {
    let u = Pair::new(0x11);
    let mut s = Signer::with_account(T0, &u, TrustLevel::Medium);
    let mut c = Session::new(Pair::new(0x41), &u);
    c.connect(&mut s, &u, "", "");
    // A ~64 KB request: sign_event with a 60 000-byte content (the plaintext is ~60 KB).
    let big = "x".repeat(60_000);
    let t = json!({"kind": 1, "created_at": 5, "tags": [], "content": big}).to_string();
    let (_, ev) = c.event(&s, "sign_event", &[&t]);
    let sign_json = ev.as_json();
    let (_, ev) = c.event(
        &s,
        "nip44_encrypt",
        &[&Pair::new(0x77).hex(), &"y".repeat(40_000)],
    );
    let enc_json = ev.as_json();
    let (_, ev) = c.event(
        &s,
        "sign_event",
        &[&json!({"kind": 0, "created_at": 5, "tags": [], "content": "{}"}).to_string()],
    );
    let ask_json = ev.as_json();
    let ask_id = ev.id.to_bytes();
    let mut encoded = vec![0u8; State::MAX_ENCODED_LEN];

    println!("| operation | peak stack (bytes) | KiB |");
    println!("|---|---:|---:|");
    let mut worst = 0;
    for (name, json) in [
        ("handle_request: sign_event, 64 KB request", &sign_json),
        ("handle_request: nip44_encrypt, 40 KB text", &enc_json),
        ("handle_request: ask (kind 0)", &ask_json),
    ] {
        let entropy = s.entropy();
        let Signer {
            now,
            state,
            keychain,
            scratch,
            out,
            ..
        } = &mut s;
        worst = worst.max(measure(name, || {
            let o = signer::handle_request(
                *now,
                json.as_bytes(),
                keychain,
                &entropy,
                state,
                Buffers { scratch, out },
            )
            .unwrap();
            match o {
                Outcome::Respond(r) => {
                    assert!(r.activity.error.is_none(), "{name}: {:?}", r.activity)
                }
                Outcome::Ask(_) => {}
                Outcome::Ignore(r) => panic!("{name}: {r:?}"),
            }
        }));
    }
    {
        let entropy = s.entropy();
        let Signer {
            now,
            state,
            keychain,
            scratch,
            out,
            ..
        } = &mut s;
        worst = worst.max(measure("decide: approve", || {
            let o = signer::decide(
                *now,
                &ask_id,
                Approval::Approve,
                ask_json.as_bytes(),
                keychain,
                &entropy,
                state,
                Buffers { scratch, out },
            )
            .unwrap();
            assert!(matches!(o, Outcome::Respond(_)));
        }));
    }
    let (_, ev) = c.event(
        &s,
        "sign_event",
        &[&json!({"kind": 3, "created_at": 5, "tags": [], "content": ""}).to_string()],
    );
    s.handle(&ev.as_json()).pending();
    s.now += PENDING_TTL;
    {
        let entropy = s.entropy();
        let Signer {
            now,
            state,
            keychain,
            scratch,
            out,
            ..
        } = &mut s;
        worst = worst.max(measure("expire", || {
            assert!(
                signer::expire(*now, keychain, &entropy, state, Buffers { scratch, out })
                    .unwrap()
                    .is_some()
            );
        }));
    }
    let n = s.state.encode(&mut encoded).unwrap();
    let mut target = Box::new(State::new());
    worst = worst.max(measure("State::encode + decode_into", || {
        let m = s.state.encode(&mut encoded).unwrap();
        target.decode_into(&encoded[..m]).unwrap();
    }));
    assert!(n > 0);
    if !cfg!(debug_assertions) {
        assert!(
            worst < BUDGET,
            "peak stack {worst} over the {BUDGET}-byte budget"
        );
    }
}
