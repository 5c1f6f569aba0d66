//! signer-core's cryptography side by side with rust-nostr (`nostr` crate, libsecp256k1).
//!
//! Each group holds an `ours` and a `nostr` function doing the same work on the same inputs, so
//! one `cargo bench -p clave-benches --bench crypto` run gives both medians.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use nostr::secp256k1::{Message, SECP256K1, XOnlyPublicKey, schnorr};
use signer_core::keys::{PublicKey, SecretKey};

const SK_A: [u8; 32] = [0x11; 32];
const SK_B: [u8; 32] = [0x22; 32];
const MSG: [u8; 32] = [0x5a; 32];
const AUX: [u8; 32] = [0x33; 32];

fn bench_sign_verify(c: &mut Criterion) {
    let ours_sk = SecretKey::from_bytes(&SK_A).unwrap();
    let ours_pk = ours_sk.public_key();
    let peer_kp = nostr::secp256k1::Keypair::from_seckey_slice(SECP256K1, &SK_A).unwrap();
    let peer_msg = Message::from_digest(MSG);

    let mut g = c.benchmark_group("schnorr_sign");
    g.bench_function("ours", |b| {
        b.iter(|| ours_sk.sign_schnorr(black_box(&MSG), &AUX).unwrap())
    });
    g.bench_function("nostr", |b| {
        b.iter(|| SECP256K1.sign_schnorr_with_aux_rand(black_box(&peer_msg), &peer_kp, &AUX))
    });
    g.finish();

    let ours_sig = ours_sk.sign_schnorr(&MSG, &AUX).unwrap();
    let peer_sig = schnorr::Signature::from_slice(&ours_sig.0).unwrap();
    let peer_pk = XOnlyPublicKey::from_slice(ours_pk.as_bytes()).unwrap();
    let mut g = c.benchmark_group("schnorr_verify");
    g.bench_function("ours", |b| {
        b.iter(|| ours_pk.verify_schnorr(black_box(&MSG), &ours_sig).unwrap())
    });
    g.bench_function("nostr", |b| {
        b.iter(|| {
            SECP256K1
                .verify_schnorr(&peer_sig, black_box(&peer_msg), &peer_pk)
                .unwrap()
        })
    });
    g.finish();
}

fn bench_ecdh(c: &mut Criterion) {
    let a = SecretKey::from_bytes(&SK_A).unwrap();
    let b_pk: PublicKey = SecretKey::from_bytes(&SK_B).unwrap().public_key();
    let peer_a = nostr::SecretKey::from_slice(&SK_A).unwrap();
    let peer_b = nostr::PublicKey::from_slice(b_pk.as_bytes()).unwrap();
    let mut g = c.benchmark_group("nip44_conversation_key");
    g.bench_function("ours_ecdh_only", |bn| {
        bn.iter(|| a.shared_x(black_box(&b_pk)))
    });
    g.bench_function("nostr", |bn| {
        bn.iter(|| nostr::nips::nip44::v2::ConversationKey::derive(&peer_a, black_box(&peer_b)))
    });
    g.finish();
}

criterion_group!(benches, bench_sign_verify, bench_ecdh);
criterion_main!(benches);
