//! signer-core's cryptography side by side with rust-nostr (`nostr` crate, libsecp256k1).
//!
//! Each group holds an `ours` and a `nostr` function doing the same work on the same inputs, so
//! one `cargo bench -p clave-benches --bench crypto` run gives both medians.

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use criterion::{Criterion, criterion_group, criterion_main};
use nostr::JsonUtil as _;
use nostr::secp256k1::{Message, SECP256K1, XOnlyPublicKey, schnorr};
use rand::SeedableRng as _;
use signer_core::keys::{Context, PublicKey, SecretKey};
use signer_core::{event, nip44};

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
    // Context-free: blinds a context of its own for each signature (libsecp256k1 backend).
    g.bench_function("ours", |b| {
        b.iter(|| ours_sk.sign_schnorr(black_box(&MSG), &AUX).unwrap())
    });
    // In a context blinded once (what each signature of a NIP-46 request costs).
    Context::with(&[0x44; 32], |cx| {
        g.bench_function("ours_in_context", |b| {
            b.iter(|| {
                ours_sk
                    .sign_schnorr_with(cx, black_box(&MSG), &AUX)
                    .unwrap()
            })
        });
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
    g.bench_function("ours", |bn| {
        bn.iter(|| nip44::ConversationKey::derive(&a, black_box(&b_pk)))
    });
    g.bench_function("nostr", |bn| {
        bn.iter(|| nostr::nips::nip44::v2::ConversationKey::derive(&peer_a, black_box(&peer_b)))
    });
    g.finish();
}

/// A ~1 KB kind-1 event template with escapes and unicode, as JSON bytes.
fn one_kb_template(pubkey_hex: &str) -> String {
    let mut content = String::new();
    while content.len() < 900 {
        content.push_str(r#"Hello \"nostr\" \u00e9t\u00e9 🌞\nline\ttab / "#);
    }
    format!(
        r#"{{"pubkey":"{pubkey_hex}","created_at":1700000000,"kind":1,"tags":[["p","{pubkey_hex}"],["t","nostr"],["e","{pubkey_hex}","wss://relay.example.com","reply"]],"content":"{content}"}}"#
    )
}

fn bench_event_id(c: &mut Criterion) {
    let sk = SecretKey::from_bytes(&SK_A).unwrap();
    let pk = sk.public_key();
    let pk_hex = String::from_utf8(pk.to_hex().to_vec()).unwrap();
    let json = one_kb_template(&pk_hex);
    assert!(json.len() >= 1000, "template is {} bytes", json.len());

    // Same answer from both before timing anything.
    let ours = event::compute_id(
        pk.as_bytes(),
        &event::UnsignedEvent::parse(json.as_bytes()).unwrap(),
    );
    let peer = nostr::UnsignedEvent::from_json(&json).unwrap();
    let peer_id = nostr::EventId::new(
        &peer.pubkey,
        &peer.created_at,
        &peer.kind,
        &peer.tags,
        &peer.content,
    );
    assert_eq!(ours, peer_id.to_bytes());

    let mut g = c.benchmark_group("event_id_1kb_from_json");
    g.bench_function("ours", |b| {
        b.iter(|| {
            let ev = event::UnsignedEvent::parse(black_box(json.as_bytes())).unwrap();
            event::compute_id(pk.as_bytes(), &ev)
        })
    });
    g.bench_function("nostr", |b| {
        b.iter(|| {
            let u = nostr::UnsignedEvent::from_json(black_box(&json)).unwrap();
            nostr::EventId::new(&u.pubkey, &u.created_at, &u.kind, &u.tags, &u.content)
        })
    });
    g.finish();
}

fn bench_nip44(c: &mut Criterion) {
    let a = SecretKey::from_bytes(&SK_A).unwrap();
    let b_pk = SecretKey::from_bytes(&SK_B).unwrap().public_key();
    let ours_ck = nip44::ConversationKey::derive(&a, &b_pk);
    let peer_a = nostr::SecretKey::from_slice(&SK_A).unwrap();
    let peer_b = nostr::PublicKey::from_slice(b_pk.as_bytes()).unwrap();
    let peer_ck = nostr::nips::nip44::v2::ConversationKey::derive(&peer_a, &peer_b).unwrap();
    assert_eq!(ours_ck.as_bytes().as_slice(), peer_ck.as_bytes());

    for len in [300usize, 16 * 1024] {
        let plaintext: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let mut g = c.benchmark_group(format!("nip44_encrypt_decrypt_{len}B"));
        let mut payload = vec![0u8; nip44::encrypted_len(len).unwrap()];
        let mut out = vec![0u8; nip44::decrypt_buffer_len(payload.len())];
        let mut nonce = [7u8; 32];
        g.bench_function("ours", |bn| {
            bn.iter(|| {
                nonce[0] = nonce[0].wrapping_add(1);
                let n =
                    nip44::encrypt_to_base64(&ours_ck, &nonce, black_box(&plaintext), &mut payload)
                        .unwrap();
                let m = nip44::decrypt_from_base64(&ours_ck, &payload[..n], &mut out).unwrap();
                assert_eq!(m, len);
            })
        });
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        g.bench_function("nostr", |bn| {
            bn.iter(|| {
                let raw = nostr::nips::nip44::v2::encrypt_to_bytes_with_rng(
                    &mut rng,
                    &peer_ck,
                    black_box(&plaintext),
                )
                .unwrap();
                let b64 = BASE64.encode(raw);
                let back = BASE64.decode(b64).unwrap();
                let pt = nostr::nips::nip44::v2::decrypt_to_bytes(&peer_ck, &back).unwrap();
                assert_eq!(pt.len(), len);
            })
        });
        g.finish();
    }
}

criterion_group!(
    benches,
    bench_sign_verify,
    bench_ecdh,
    bench_event_id,
    bench_nip44
);
criterion_main!(benches);
