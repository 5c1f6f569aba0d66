//! Differential tests against rust-nostr's NIP-44 (the `nostr` crate, 0.44) on random keys and
//! random Unicode plaintexts, seeded so failures reproduce.
//!
//! Both sides draw the nonce from the same seeded RNG, so besides decrypting each other's output
//! the two payloads must be identical byte for byte. rust-nostr 0.44 only knows the 2-byte length
//! prefix and refuses to encrypt more than 65 408 bytes; its decryptor accepts any classic payload
//! (up to 65 535 bytes of plaintext), so lengths above 65 535 (extended prefix) are covered by the
//! spec vectors in `nip44_vectors.rs` and the round trips here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use nostr::nips::nip44 as theirs;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use signer_core::keys::SecretKey;
use signer_core::nip44::{self, ConversationKey};

/// rust-nostr's largest plaintext (65 536 − 128).
const NOSTR_MAX_ENCRYPT: usize = 65_408;

/// A random key pair on both sides: our secret key, nostr's secret key and nostr's public key.
fn random_keys(rng: &mut StdRng) -> (SecretKey, nostr::SecretKey, nostr::PublicKey) {
    loop {
        let bytes: [u8; 32] = rng.r#gen();
        if let Ok(ours) = SecretKey::from_bytes(&bytes) {
            let sk = nostr::SecretKey::from_slice(&bytes).expect("same key");
            let pk = nostr::Keys::new(sk.clone()).public_key();
            assert_eq!(pk.to_bytes(), *ours.public_key().as_bytes());
            return (ours, sk, pk);
        }
    }
}

/// Random UTF-8 text of exactly `len` bytes mixing 1-, 2-, 3- and 4-byte characters, controls
/// and NUL.
fn random_text(rng: &mut StdRng, len: usize) -> String {
    let mut s = String::with_capacity(len);
    while s.len() < len {
        let c = match rng.gen_range(0..6) {
            0 => char::from(rng.gen_range(0x20u8..0x7f)),
            1 => char::from(rng.gen_range(0u8..0x20)),
            2 => char::from_u32(rng.gen_range(0x80..0x800)).unwrap_or('x'),
            3 => char::from_u32(rng.gen_range(0x800..0x1_0000)).unwrap_or('y'),
            4 => char::from_u32(rng.gen_range(0x1_0000..0x11_0000)).unwrap_or('z'),
            _ => ['🦄', 'é', 'ф', '€', '\u{2028}', '"', '\\'][rng.gen_range(0..7)],
        };
        if s.len() + c.len_utf8() <= len {
            s.push(c);
        } else {
            s.push('a');
        }
    }
    s
}

/// Lengths around every padding and prefix boundary that matters, plus random ones.
fn lengths(rng: &mut StdRng) -> Vec<usize> {
    let mut v = vec![
        1, 2, 3, 15, 16, 17, 31, 32, 33, 34, 63, 64, 65, 96, 97, 255, 256, 257, 320, 321, 1024,
        1025, 4096, 32_768, 32_769, 65_407, 65_408, 65_409, 65_534, 65_535,
    ];
    for _ in 0..60 {
        v.push(rng.gen_range(1..=600));
    }
    for _ in 0..6 {
        v.push(rng.gen_range(600..=65_535));
    }
    v
}

#[test]
fn ours_and_nostr_agree_both_ways() {
    let mut rng = StdRng::seed_from_u64(0x4e49_5034_3420_7632);
    let all = lengths(&mut rng);
    let mut checked = 0;
    for chunk in all.chunks(8) {
        // One key pair per chunk keeps the (slow, unoptimised) ECDH count down.
        let (a_ours, a_theirs, a_pub_theirs) = random_keys(&mut rng);
        let (b_ours, b_theirs, b_pub_theirs) = random_keys(&mut rng);

        let key_ab = ConversationKey::derive(&a_ours, &b_ours.public_key());
        let key_ba = ConversationKey::derive(&b_ours, &a_ours.public_key());
        assert_eq!(key_ab.as_bytes(), key_ba.as_bytes());
        let their_key = theirs::v2::ConversationKey::derive(&a_theirs, &b_pub_theirs).unwrap();
        assert_eq!(their_key.as_bytes(), key_ab.as_bytes());

        for &len in chunk {
            let text = random_text(&mut rng, len);
            assert_eq!(text.len(), len);

            // Same nonce on both sides: the nonce nostr will draw next from `rng`.
            let mut probe = rng.clone();
            let mut nonce = [0u8; 32];
            probe.fill_bytes(&mut nonce);

            let mut ours = vec![0u8; nip44::encrypted_len(len).unwrap()];
            let n = nip44::encrypt_to_base64(&key_ab, &nonce, text.as_bytes(), &mut ours).unwrap();
            assert_eq!(n, ours.len());
            let ours = String::from_utf8(ours).unwrap();

            // ours → nostr (their decryptor takes any classic payload).
            let back = theirs::decrypt(&b_theirs, &a_pub_theirs, &ours).unwrap();
            assert_eq!(back, text, "len {len}");

            if len <= NOSTR_MAX_ENCRYPT {
                let their = theirs::encrypt_with_rng(
                    &mut rng,
                    &a_theirs,
                    &b_pub_theirs,
                    &text,
                    theirs::Version::V2,
                )
                .unwrap();
                assert_eq!(their, ours, "same nonce, same payload (len {len})");

                // nostr → ours.
                let mut out = vec![0u8; nip44::decrypt_buffer_len(their.len())];
                let m = nip44::decrypt_from_base64(&key_ba, their.as_bytes(), &mut out).unwrap();
                assert_eq!(&out[..m], text.as_bytes());
            } else {
                // Keep the RNG stream aligned with the branch above.
                rng.fill_bytes(&mut [0u8; 32]);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, all.len());
}

#[test]
fn nostr_random_nonces_decrypt_with_ours() {
    // nostr's own OsRng nonces: nothing shared with our side but the keys.
    let mut rng = StdRng::seed_from_u64(44);
    let (a_ours, a_theirs, _) = random_keys(&mut rng);
    let (b_ours, _, b_pub_theirs) = random_keys(&mut rng);
    let key = ConversationKey::derive(&b_ours, &a_ours.public_key());
    for _ in 0..40 {
        let len = rng.gen_range(1..=3000);
        let text = random_text(&mut rng, len);
        let payload =
            theirs::encrypt(&a_theirs, &b_pub_theirs, &text, theirs::Version::V2).unwrap();
        let mut out = vec![0u8; nip44::decrypt_buffer_len(payload.len())];
        let m = nip44::decrypt_from_base64(&key, payload.as_bytes(), &mut out).unwrap();
        assert_eq!(&out[..m], text.as_bytes());
    }
}

#[test]
fn extended_prefix_round_trips() {
    // Beyond rust-nostr: our own round trip across the extended-prefix range up to the cap.
    let mut rng = StdRng::seed_from_u64(65_536);
    let key = ConversationKey::from_bytes(&rng.r#gen());
    let mut lens = vec![65_536, 65_537, 81_920, 81_921, nip44::MAX_PLAINTEXT_LEN];
    lens.push(rng.gen_range(65_538..nip44::MAX_PLAINTEXT_LEN));
    for len in lens {
        let text = random_text(&mut rng, len);
        let nonce: [u8; 32] = rng.r#gen();
        let mut payload = vec![0u8; nip44::encrypted_len(len).unwrap()];
        nip44::encrypt_to_base64(&key, &nonce, text.as_bytes(), &mut payload).unwrap();
        assert!(payload.len() <= nip44::MAX_PAYLOAD_B64_LEN);
        let mut out = vec![0u8; nip44::decrypt_buffer_len(payload.len())];
        let m = nip44::decrypt_from_base64(&key, &payload, &mut out).unwrap();
        assert_eq!(&out[..m], text.as_bytes(), "len {len}");
        // rust-nostr must not mistake an extended payload for something it can read.
        assert!(
            theirs::v2::decrypt_to_bytes(&theirs::v2::ConversationKey::new(*key.as_bytes()), &{
                let mut raw = vec![0u8; nip44::raw_len(len).unwrap()];
                nip44::encrypt_raw(&key, &nonce, text.as_bytes(), &mut raw).unwrap();
                raw
            })
            .is_err()
        );
    }
}
