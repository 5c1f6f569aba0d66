//! A whole NIP-46 `sign_event` request, signer side: verify the request event, decrypt
//! (NIP-44), parse the JSON-RPC, compute the event id, sign it, encrypt the reply, sign the
//! reply event and serialize it — through signer-core and through rust-nostr (`nostr` crate:
//! NIP-44 + event signing), in the same run, on the same request bytes
//! (`clave_benches::nip46_fixture`).
//!
//! - cold: what the iOS NSE does on every push in a fresh process: decode the persisted state
//!   (ours) / parse the key (both), then handle the request.
//! - warm: state, curve context (blinded once) and (for rust-nostr) parsed keys already in
//!   memory; a stream of fresh requests
//!   (each built, untimed, just before its turn), as a signer that stays up sees them: one live
//!   state whose replay window fills up and stays full. Nothing is copied or reset between
//!   iterations.
//!
//! Run `cargo bench -p clave-benches --bench nip46` (k256) and add `--features libsecp256k1`
//! for the backend the iOS build uses. `examples/nip46_profile.rs` counts instructions for the
//! same work under callgrind.

use std::hint::black_box;

use clave_benches::nip46_fixture::{Fixture, Memory, peer_cold, peer_handle};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use signer_core::keys::{ContextMemory, KeptContext};

fn bench_sign_event_request(c: &mut Criterion) {
    let fixture = Fixture::new();
    let request = fixture.sign_request(0);
    fixture.check(&request);
    let mut mem = Memory::default();
    let mut serial = 0;
    let mut fresh_request = || {
        serial += 1;
        fixture.sign_request(serial)
    };

    let mut g = c.benchmark_group("nip46_sign_event_request_cold");
    g.bench_function("ours", |b| {
        b.iter(|| fixture.ours_cold(black_box(&request), &mut mem))
    });
    g.bench_function("nostr", |b| b.iter(|| peer_cold(black_box(&request))));
    g.finish();

    let mut g = c.benchmark_group("nip46_sign_event_request_warm");
    // One state in memory for the whole run: its replay window fills up (512 ids) and stays
    // full, as in a signer that has been up for a while.
    let mut warm = fixture.state.clone();
    let mut cx_mem = ContextMemory::new();
    let kept = KeptContext::new(&mut cx_mem, &[0x5a; 32]);
    g.bench_function("ours", |b| {
        b.iter_batched_ref(
            &mut fresh_request,
            |request| fixture.ours_warm(&kept.get(), &mut warm, black_box(request), &mut mem),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("nostr", |b| {
        b.iter_batched_ref(
            &mut fresh_request,
            |request| peer_handle(&fixture.user_keys, black_box(request)),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_sign_event_request);
criterion_main!(benches);
