//! BIP-340 test vectors (bitcoin/bips `bip-0340/test-vectors.csv`, vendored verbatim).
//!
//! Rows with a secret key are signing rows: our public key and our signature (with the row's
//! aux randomness) must equal the expected bytes. Every row is also a verification row: TRUE
//! must verify, FALSE must be rejected (at public-key parsing or at verification).
//!
//! Rows 15–18 sign messages that are not 32 bytes long. Nostr signs only 32-byte event ids and
//! `keys` takes `&[u8; 32]`, so those rows are checked against the k256 backend that `keys`
//! wraps (same key type, same aux handling), and counted separately.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use signer_core::keys::{PublicKey, SecretKey, Signature};

const CSV: &str = include_str!("vectors/bip340-test-vectors.csv");

struct Row<'a> {
    index: usize,
    secret: &'a str,
    public: &'a str,
    aux: &'a str,
    message: &'a str,
    signature: &'a str,
    result: bool,
    comment: &'a str,
}

fn rows() -> Vec<Row<'static>> {
    let mut lines = CSV.lines();
    assert_eq!(
        lines.next().unwrap().trim(),
        "index,secret key,public key,aux_rand,message,signature,verification result,comment"
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.trim_end_matches('\r').splitn(8, ',').collect();
            assert_eq!(f.len(), 8, "{l}");
            Row {
                index: f[0].parse().unwrap(),
                secret: f[1],
                public: f[2],
                aux: f[3],
                message: f[4],
                signature: f[5],
                result: match f[6] {
                    "TRUE" => true,
                    "FALSE" => false,
                    other => panic!("bad result {other}"),
                },
                comment: f[7],
            }
        })
        .collect()
}

fn arr<const N: usize>(h: &str) -> [u8; N] {
    hex::decode(h).unwrap().try_into().unwrap()
}

#[test]
fn all_rows() {
    let rows = rows();
    assert_eq!(rows.len(), 19, "BIP-340 has vectors 0..=18");
    let (mut signed, mut verified_true, mut rejected, mut backend_only) = (0, 0, 0, 0);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.index, i);
        let msg = hex::decode(r.message).unwrap();
        let expected_sig: [u8; 64] = arr(r.signature);
        let ctx = format!("vector {} ({})", r.index, r.comment);

        let Ok(msg32) = <[u8; 32]>::try_from(msg.as_slice()) else {
            // Variable-length message rows: the backend, directly.
            assert!(r.result, "{ctx}: all such rows are TRUE");
            let sk =
                k256::schnorr::SigningKey::from_slice(&hex::decode(r.secret).unwrap()).unwrap();
            let sig = sk.sign_raw(&msg, &arr(r.aux)).unwrap();
            assert_eq!(sig.to_bytes(), expected_sig, "{ctx}");
            let vk =
                k256::schnorr::VerifyingKey::from_slice(&hex::decode(r.public).unwrap()).unwrap();
            vk.verify_raw(&msg, &sig).unwrap();
            backend_only += 1;
            continue;
        };

        if !r.secret.is_empty() {
            let sk = SecretKey::from_hex(r.secret).expect(&ctx);
            let pk = sk.public_key();
            assert_eq!(pk.as_bytes(), &arr::<32>(r.public), "{ctx}: public key");
            let sig = sk.sign_schnorr(&msg32, &arr(r.aux)).expect(&ctx);
            assert_eq!(sig, Signature(expected_sig), "{ctx}: signature");
            assert_eq!(
                sig.to_hex().to_vec(),
                r.signature.to_ascii_lowercase().into_bytes()
            );
            signed += 1;
        }

        let sig = Signature::from_hex_bytes(r.signature.as_bytes()).unwrap();
        let outcome = PublicKey::from_hex_bytes(r.public.as_bytes())
            .and_then(|pk| pk.verify_schnorr(&msg32, &sig));
        if r.result {
            outcome.expect(&ctx);
            verified_true += 1;
        } else {
            assert!(outcome.is_err(), "{ctx}: must be rejected");
            rejected += 1;
        }
    }
    assert_eq!(signed, 4, "sign rows 0-3 through keys::SecretKey");
    assert_eq!(verified_true, 5, "TRUE rows 0-4 through keys::PublicKey");
    assert_eq!(rejected, 10, "FALSE rows 5-14");
    assert_eq!(backend_only, 4, "rows 15-18 (non-32-byte messages)");
}

#[test]
fn off_curve_keys_fail_at_parsing() {
    // Vectors 5 and 14: not valid x coordinates.
    for r in rows().iter().filter(|r| r.index == 5 || r.index == 14) {
        assert!(
            PublicKey::from_hex_bytes(r.public.as_bytes()).is_err(),
            "{}",
            r.index
        );
    }
}

#[test]
fn tampered_signatures_fail() {
    for r in rows().iter().filter(|r| r.result && r.message.len() == 64) {
        let pk = PublicKey::from_hex_bytes(r.public.as_bytes()).unwrap();
        let msg: [u8; 32] = arr(r.message);
        for byte in [0, 31, 32, 63] {
            let mut sig = Signature(arr(r.signature));
            sig.0[byte] ^= 0x01;
            assert!(
                pk.verify_schnorr(&msg, &sig).is_err(),
                "{} byte {byte}",
                r.index
            );
        }
        let mut m = msg;
        m[0] ^= 0x80;
        assert!(pk.verify_schnorr(&m, &Signature(arr(r.signature))).is_err());
    }
}
