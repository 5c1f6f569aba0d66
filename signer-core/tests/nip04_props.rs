//! Property tests: malformed NIP-04 payloads are rejected and never panic. NIP-04 has no MAC, so
//! a bit flip may still "decrypt"; then the plaintext must differ from the original.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use proptest::prelude::*;
use signer_core::Error;
use signer_core::keys::{SecretKey, SharedX};
use signer_core::nip04;

/// One ECDH for the whole file (it is slow in an unoptimised test build).
fn shared() -> &'static SharedX {
    static SHARED: OnceLock<SharedX> = OnceLock::new();
    SHARED.get_or_init(|| {
        let a = SecretKey::from_bytes(&[0x11; 32]).unwrap();
        let b = SecretKey::from_bytes(&[0x22; 32]).unwrap();
        a.shared_x(&b.public_key())
    })
}

fn encrypt(shared: &SharedX, plaintext: &[u8], iv: &[u8; 16]) -> Vec<u8> {
    let mut payload = vec![0u8; nip04::encrypted_len(plaintext.len()).unwrap()];
    nip04::encrypt_with_shared(shared, iv, plaintext, &mut payload).unwrap();
    payload
}

fn decrypt(shared: &SharedX, payload: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; nip04::decrypt_buffer_len(payload.len())];
    let n = nip04::decrypt_with_shared(shared, payload, &mut out)?;
    out.truncate(n);
    Ok(out)
}

const NOT_BASE64: [&str; 9] = ["!", " ", "\n", "-", "_", "\0", "ф", ".", "\u{ff}"];

proptest! {
    #[test]
    fn valid_payloads_round_trip(pt in prop::collection::vec(any::<u8>(), 0..300), iv in any::<[u8; 16]>()) {
        let s = shared();
        prop_assert_eq!(decrypt(s, &encrypt(s, &pt, &iv)).unwrap(), pt);
    }

    #[test]
    fn truncated_payloads_fail(pt in prop::collection::vec(any::<u8>(), 0..300), iv in any::<[u8; 16]>(), cut in any::<prop::sample::Index>()) {
        let s = shared();
        let payload = encrypt(s, &pt, &iv);
        let cut = cut.index(payload.len());
        prop_assert!(decrypt(s, &payload[..cut]).is_err());
    }

    #[test]
    fn bit_flips_never_yield_the_original(pt in prop::collection::vec(any::<u8>(), 0..300), iv in any::<[u8; 16]>(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let s = shared();
        let mut payload = encrypt(s, &pt, &iv);
        let i = at.index(payload.len());
        payload[i] ^= 1 << bit;
        if let Ok(out) = decrypt(s, &payload) {
            prop_assert_ne!(out, pt);
        }
    }

    #[test]
    fn non_base64_payloads_fail(pt in prop::collection::vec(any::<u8>(), 0..300), iv in any::<[u8; 16]>(), at in any::<prop::sample::Index>(), bad in prop::sample::select(NOT_BASE64.to_vec())) {
        let s = shared();
        let payload = encrypt(s, &pt, &iv);
        let i = at.index(payload.len());
        let mut bad_payload = payload[..i].to_vec();
        bad_payload.extend_from_slice(bad.as_bytes());
        bad_payload.extend_from_slice(&payload[i + 1..]);
        prop_assert!(decrypt(s, &bad_payload).is_err());
    }

    #[test]
    fn random_bytes_fail(bytes in prop::collection::vec(any::<u8>(), 0..400), out_len in 0usize..400) {
        let mut out = vec![0u8; out_len];
        prop_assert!(nip04::decrypt_with_shared(shared(), &bytes, &mut out).is_err());
    }

    #[test]
    fn random_well_formed_payloads_never_panic(ct in prop::collection::vec(any::<u8>(), 1..20), iv in any::<[u8; 16]>(), out_len in 0usize..400) {
        // Whole blocks of random ciphertext: only the padding check stands in the way.
        use base64ct::{Base64, Encoding};
        let mut ct_bytes = vec![0u8; ct.len() * 16];
        for (chunk, seed) in ct_bytes.chunks_mut(16).zip(&ct) {
            chunk.fill(*seed);
        }
        let mut b64 = vec![0u8; ct_bytes.len() * 2 + 4];
        let mut payload = Base64::encode(&ct_bytes, &mut b64).unwrap().as_bytes().to_vec();
        payload.extend_from_slice(b"?iv=");
        let mut ivb = [0u8; 24];
        payload.extend_from_slice(Base64::encode(&iv, &mut ivb).unwrap().as_bytes());
        let mut out = vec![0u8; out_len];
        match nip04::decrypt_with_shared(shared(), &payload, &mut out) {
            Ok(n) => prop_assert!(n < ct_bytes.len()),
            Err(e) => prop_assert!(matches!(e, Error::Decrypt | Error::BufferTooSmall), "{:?}", e),
        }
    }

    #[test]
    fn encrypt_buffer_rule_is_exact(pt in prop::collection::vec(any::<u8>(), 0..300), iv in any::<[u8; 16]>(), slack in -40i64..40) {
        let need = nip04::encrypted_len(pt.len()).unwrap();
        let len = (need as i64 + slack).max(0) as usize;
        let mut out = vec![0xa5u8; len];
        match nip04::encrypt_with_shared(shared(), &iv, &pt, &mut out) {
            Ok(n) => prop_assert_eq!(n, need),
            Err(e) => {
                prop_assert_eq!(e, Error::BufferTooSmall);
                prop_assert!(len < need);
                prop_assert!(out.iter().all(|&b| b == 0xa5));
            }
        }
    }
}

#[test]
fn bad_padding_is_a_decrypt_error_and_wipes_the_buffer() {
    // An empty plaintext is one block of sixteen 0x10 bytes; XOR-ing the IV's last byte with
    // 0x20 turns the final padding byte into 0x30, which no valid padding has.
    let s = shared();
    let mut iv = [7u8; 16];
    let payload = encrypt(s, b"", &iv);
    let ct_b64 = &payload[..payload.len() - 28];
    iv[15] ^= 0x20;
    let mut tampered = ct_b64.to_vec();
    tampered.extend_from_slice(b"?iv=");
    let mut ivb = [0u8; 24];
    use base64ct::{Base64, Encoding};
    tampered.extend_from_slice(Base64::encode(&iv, &mut ivb).unwrap().as_bytes());
    let mut out = vec![0u8; nip04::decrypt_buffer_len(tampered.len())];
    assert_eq!(
        nip04::decrypt_with_shared(s, &tampered, &mut out),
        Err(Error::Decrypt)
    );
    assert!(out.iter().all(|&b| b == 0));
}

#[test]
fn oversized_payloads_are_too_large() {
    let payload = vec![b'A'; nip04::MAX_PAYLOAD_LEN + 1];
    let mut out = vec![0u8; 16];
    assert_eq!(
        nip04::decrypt_with_shared(shared(), &payload, &mut out),
        Err(Error::TooLarge("nip04 payload"))
    );
    let big = vec![0u8; nip04::MAX_PLAINTEXT_LEN + 1];
    assert_eq!(
        nip04::encrypt_with_shared(shared(), &[0; 16], &big, &mut out),
        Err(Error::TooLarge("nip04 plaintext"))
    );
}
