//! Property tests: malformed NIP-44 payloads are rejected (never accepted, never a panic), and
//! the buffer-size rules are exact.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use signer_core::Error;
use signer_core::nip44::{self, ConversationKey};

fn key() -> ConversationKey {
    ConversationKey::from_bytes(&[0x5a; 32])
}

fn encrypt(plaintext: &[u8], nonce: &[u8; 32]) -> Vec<u8> {
    let mut payload = vec![0u8; nip44::encrypted_len(plaintext.len()).unwrap()];
    nip44::encrypt_to_base64(&key(), nonce, plaintext, &mut payload).unwrap();
    payload
}

fn decrypt(payload: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; nip44::decrypt_buffer_len(payload.len())];
    let n = nip44::decrypt_from_base64(&key(), payload, &mut out)?;
    out.truncate(n);
    Ok(out)
}

fn plaintext() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..400)
}

/// Characters that are not in the standard base64 alphabet (or misplaced `=`).
const NOT_BASE64: [&str; 10] = ["!", " ", "\n", "-", "_", "\0", "ф", "=", ".", "\u{ff}"];

proptest! {
    #[test]
    fn valid_payloads_round_trip(pt in plaintext(), nonce in any::<[u8; 32]>()) {
        prop_assert_eq!(decrypt(&encrypt(&pt, &nonce)).unwrap(), pt);
    }

    #[test]
    fn truncated_payloads_fail(pt in plaintext(), nonce in any::<[u8; 32]>(), cut in any::<prop::sample::Index>()) {
        let payload = encrypt(&pt, &nonce);
        let cut = cut.index(payload.len());
        prop_assert!(decrypt(&payload[..cut]).is_err());
        // Also a truncated raw payload.
        let mut raw = vec![0u8; nip44::raw_len(pt.len()).unwrap()];
        nip44::encrypt_raw(&key(), &nonce, &pt, &mut raw).unwrap();
        let cut = cut.min(raw.len() - 1);
        prop_assert!(nip44::decrypt_raw_in_place(&key(), &mut raw[..cut]).is_err());
    }

    #[test]
    fn bit_flipped_payloads_fail(pt in plaintext(), nonce in any::<[u8; 32]>(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut payload = encrypt(&pt, &nonce);
        let i = at.index(payload.len());
        payload[i] ^= 1 << bit;
        prop_assert!(decrypt(&payload).is_err(), "flip at {} bit {}", i, bit);

        let mut raw = vec![0u8; nip44::raw_len(pt.len()).unwrap()];
        nip44::encrypt_raw(&key(), &nonce, &pt, &mut raw).unwrap();
        let i = at.index(raw.len());
        raw[i] ^= 1 << bit;
        prop_assert!(nip44::decrypt_raw_in_place(&key(), &mut raw).is_err());
    }

    #[test]
    fn non_base64_payloads_fail(pt in plaintext(), nonce in any::<[u8; 32]>(), at in any::<prop::sample::Index>(), bad in prop::sample::select(NOT_BASE64.to_vec())) {
        let payload = encrypt(&pt, &nonce);
        let i = at.index(payload.len());
        // Replacing a trailing '=' with '=' changes nothing.
        prop_assume!(bad.as_bytes() != [payload[i]]);
        let mut bad_payload = payload[..i].to_vec();
        bad_payload.extend_from_slice(bad.as_bytes());
        bad_payload.extend_from_slice(&payload[i + 1..]);
        prop_assert!(decrypt(&bad_payload).is_err());
    }

    #[test]
    fn random_bytes_fail(bytes in prop::collection::vec(any::<u8>(), 0..700), out_len in 0usize..800) {
        let mut out = vec![0u8; out_len];
        prop_assert!(nip44::decrypt_from_base64(&key(), &bytes, &mut out).is_err());
        let mut raw = bytes.clone();
        prop_assert!(nip44::decrypt_raw_in_place(&key(), &mut raw).is_err());
    }

    #[test]
    fn random_base64_fails(groups in prop::collection::vec(prop::sample::select(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".to_vec()), 132..600)) {
        let mut payload = groups;
        payload.truncate(payload.len() / 4 * 4);
        prop_assert!(decrypt(&payload).is_err());
    }

    #[test]
    fn output_buffer_rule_is_exact(pt in plaintext(), nonce in any::<[u8; 32]>(), slack in -40i64..40) {
        let payload = encrypt(&pt, &nonce);
        let need = nip44::decrypt_buffer_len(payload.len());
        let decoded = nip44::raw_len(pt.len()).unwrap();
        prop_assert!(need >= decoded && need - decoded <= 2);
        let len = (decoded as i64 + slack).max(0) as usize;
        let mut out = vec![0u8; len];
        match nip44::decrypt_from_base64(&key(), &payload, &mut out) {
            Ok(n) => {
                prop_assert!(len >= decoded);
                prop_assert_eq!(&out[..n], &pt[..]);
            }
            Err(e) => {
                prop_assert_eq!(e, Error::BufferTooSmall);
                prop_assert!(len < decoded);
            }
        }
    }

    #[test]
    fn encrypt_buffer_rule_is_exact(pt in plaintext(), nonce in any::<[u8; 32]>(), slack in -40i64..40) {
        let need = nip44::encrypted_len(pt.len()).unwrap();
        let len = (need as i64 + slack).max(0) as usize;
        let mut out = vec![0xa5u8; len];
        match nip44::encrypt_to_base64(&key(), &nonce, &pt, &mut out) {
            Ok(n) => {
                prop_assert_eq!(n, need);
                prop_assert!(out[n..].iter().all(|&b| b == 0xa5));
            }
            Err(e) => {
                prop_assert_eq!(e, Error::BufferTooSmall);
                prop_assert!(len < need);
                prop_assert!(out.iter().all(|&b| b == 0xa5));
            }
        }
    }
}

#[test]
fn oversized_payloads_are_too_large() {
    let payload = vec![b'A'; nip44::MAX_PAYLOAD_B64_LEN + 4];
    let mut out = vec![0u8; 16];
    assert_eq!(
        nip44::decrypt_from_base64(&key(), &payload, &mut out),
        Err(Error::TooLarge("nip44 payload"))
    );
    let mut raw = vec![2u8; nip44::MAX_PAYLOAD_RAW_LEN + 1];
    assert_eq!(
        nip44::decrypt_raw_in_place(&key(), &mut raw),
        Err(Error::TooLarge("nip44 payload"))
    );
    // At the cap the size is fine and the content decides (all-'A' decodes to version 0).
    let payload = vec![b'A'; nip44::MAX_PAYLOAD_B64_LEN];
    let mut out = vec![0u8; nip44::decrypt_buffer_len(payload.len())];
    assert_eq!(
        nip44::decrypt_from_base64(&key(), &payload, &mut out),
        Err(Error::UnsupportedVersion)
    );
}

#[test]
fn hash_prefix_is_unsupported_version() {
    let mut payload = encrypt(b"hello", &[1; 32]);
    payload[0] = b'#';
    assert_eq!(decrypt(&payload), Err(Error::UnsupportedVersion));
    assert_eq!(decrypt(b"#"), Err(Error::UnsupportedVersion));
    assert_eq!(decrypt(b""), Err(Error::Decrypt));
}

#[test]
fn tampered_padding_after_a_valid_mac_fails_and_wipes() {
    // Change the (encrypted) length prefix through the keystream's XOR and re-MAC the payload,
    // so that only the padding check can fail.
    let k = key();
    let nonce = [9u8; 32];
    // 5 -> 33 (pads to 64, not 32); 5 -> 0 (extended marker with a u32 taken from "hell").
    for (hi, lo) in [(0u8, 5u8 ^ 33), (0, 5)] {
        let mut raw = vec![0u8; nip44::raw_len(5).unwrap()];
        nip44::encrypt_raw(&k, &nonce, b"hello", &mut raw).unwrap();
        raw[33] ^= hi;
        raw[34] ^= lo;
        let mac_at = raw.len() - 32;
        let tag = hmac_sha256(k.message_keys(&nonce).unwrap().hmac_key(), &raw[1..mac_at]);
        raw[mac_at..].copy_from_slice(&tag);
        assert_eq!(
            nip44::decrypt_raw_in_place(&k, &mut raw),
            Err(Error::Decrypt)
        );
        assert!(
            raw.iter().all(|&b| b == 0),
            "failed decryption leaves no plaintext behind"
        );
    }
    // Control: the same re-MAC with an unchanged prefix decrypts.
    let mut raw = vec![0u8; nip44::raw_len(5).unwrap()];
    nip44::encrypt_raw(&k, &nonce, b"hello", &mut raw).unwrap();
    let mac_at = raw.len() - 32;
    let tag = hmac_sha256(k.message_keys(&nonce).unwrap().hmac_key(), &raw[1..mac_at]);
    raw[mac_at..].copy_from_slice(&tag);
    assert_eq!(nip44::decrypt_raw_in_place(&k, &mut raw), Ok(5));
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(msg);
    mac.finalize().into_bytes().into()
}
