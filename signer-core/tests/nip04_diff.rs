//! Differential tests against rust-nostr's NIP-04 (the `nostr` crate, 0.44) on random keys and
//! random Unicode plaintexts, seeded so failures reproduce. Both sides draw the IV from the same
//! seeded RNG, so the payloads must also be identical byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use nostr::nips::nip04 as theirs;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use signer_core::keys::SecretKey;
use signer_core::nip04;

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

/// Random UTF-8 text of exactly `len` bytes mixing 1-, 2-, 3- and 4-byte characters.
fn random_text(rng: &mut StdRng, len: usize) -> String {
    let mut s = String::with_capacity(len);
    while s.len() < len {
        let c = match rng.gen_range(0..5) {
            0 => char::from(rng.gen_range(0x20u8..0x7f)),
            1 => char::from(rng.gen_range(0u8..0x20)),
            2 => char::from_u32(rng.gen_range(0x80..0x800)).unwrap_or('x'),
            3 => char::from_u32(rng.gen_range(0x800..0x1_0000)).unwrap_or('y'),
            _ => char::from_u32(rng.gen_range(0x1_0000..0x11_0000)).unwrap_or('z'),
        };
        if s.len() + c.len_utf8() <= len {
            s.push(c);
        } else {
            s.push('a');
        }
    }
    s
}

#[test]
fn ours_and_nostr_agree_both_ways() {
    let mut rng = StdRng::seed_from_u64(0x004e_4950_3034);
    let mut lens = vec![
        0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 49, 255, 256, 1000, 65_535, 65_536, 70_000,
    ];
    for _ in 0..50 {
        lens.push(rng.gen_range(0..=700));
    }
    let mut checked = 0;
    for chunk in lens.chunks(8) {
        let (a_ours, a_theirs, a_pub_theirs) = random_keys(&mut rng);
        let (b_ours, b_theirs, b_pub_theirs) = random_keys(&mut rng);
        let shared_ab = a_ours.shared_x(&b_ours.public_key());
        let shared_ba = b_ours.shared_x(&a_ours.public_key());
        for &len in chunk {
            let text = random_text(&mut rng, len);

            let mut probe = rng.clone();
            let mut iv = [0u8; 16];
            probe.fill_bytes(&mut iv);

            let mut ours = vec![0u8; nip04::encrypted_len(len).unwrap()];
            let n =
                nip04::encrypt_with_shared(&shared_ab, &iv, text.as_bytes(), &mut ours).unwrap();
            assert_eq!(n, ours.len());
            let ours = String::from_utf8(ours).unwrap();

            // ours → nostr (B decrypts with A's public key).
            assert_eq!(
                theirs::decrypt(&b_theirs, &a_pub_theirs, &ours).unwrap(),
                text
            );

            // nostr → ours, same IV: identical payload.
            let their =
                theirs::encrypt_with_rng(&mut rng, &a_theirs, &b_pub_theirs, &text).unwrap();
            assert_eq!(their, ours, "len {len}");
            let mut out = vec![0u8; nip04::decrypt_buffer_len(their.len())];
            let m = nip04::decrypt_with_shared(&shared_ba, their.as_bytes(), &mut out).unwrap();
            assert_eq!(&out[..m], text.as_bytes());
            checked += 1;
        }
    }
    assert_eq!(checked, lens.len());
}

#[test]
fn nostr_random_ivs_decrypt_with_ours() {
    let mut rng = StdRng::seed_from_u64(4);
    let (a_ours, a_theirs, _) = random_keys(&mut rng);
    let (b_ours, _, b_pub_theirs) = random_keys(&mut rng);
    for _ in 0..40 {
        let len = rng.gen_range(0..=2000);
        let text = random_text(&mut rng, len);
        let payload = theirs::encrypt(&a_theirs, &b_pub_theirs, &text).unwrap();
        let mut out = vec![0u8; nip04::decrypt_buffer_len(payload.len())];
        let m =
            nip04::decrypt(&b_ours, &a_ours.public_key(), payload.as_bytes(), &mut out).unwrap();
        assert_eq!(&out[..m], text.as_bytes());
    }
}
