//! Every case of the vendored NIP-04 vector file (nostr-tools and rust-nostr literals).
//!
//! Valid cases are decrypted by both sides and re-encrypted with the payload's own IV, which must
//! reproduce the payload byte for byte (CBC is deterministic given the IV).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64ct::{Base64, Encoding};
use serde_json::Value;
use signer_core::Error;
use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip04;

const VECTORS: &str = include_str!("vectors/nip04.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("vector file parses")
}

fn s<'a>(case: &'a Value, field: &str) -> &'a str {
    case[field]
        .as_str()
        .unwrap_or_else(|| panic!("field {field} missing in {case}"))
}

fn decrypt(sk: &SecretKey, pk: &PublicKey, payload: &str) -> Result<Vec<u8>, Error> {
    let mut out = vec![0u8; nip04::decrypt_buffer_len(payload.len())];
    let n = nip04::decrypt(sk, pk, payload.as_bytes(), &mut out)?;
    out.truncate(n);
    Ok(out)
}

#[test]
fn file_has_only_known_sections() {
    let v = vectors();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["description", "invalid", "valid"]);
}

#[test]
fn valid() {
    let v = vectors();
    let cases = v["valid"].as_array().expect("valid cases");
    let mut handled = 0;
    for case in cases {
        let sender = SecretKey::from_hex(s(case, "sender_sk")).unwrap();
        let receiver = SecretKey::from_hex(s(case, "receiver_sk")).unwrap();
        let sender_pk = PublicKey::from_hex(s(case, "sender_pk")).unwrap();
        let receiver_pk = PublicKey::from_hex(s(case, "receiver_pk")).unwrap();
        assert_eq!(sender.public_key(), sender_pk);
        assert_eq!(receiver.public_key(), receiver_pk);
        let payload = s(case, "ciphertext");
        let plaintext = s(case, "plaintext").as_bytes();

        assert_eq!(
            decrypt(&receiver, &sender_pk, payload).unwrap(),
            plaintext,
            "{case}"
        );
        assert_eq!(
            decrypt(&sender, &receiver_pk, payload).unwrap(),
            plaintext,
            "{case}"
        );

        // Shared-secret variant, with a buffer of exactly the documented size.
        let shared = receiver.shared_x(&sender_pk);
        let mut out = vec![0u8; nip04::decrypt_buffer_len(payload.len())];
        let n = nip04::decrypt_with_shared(&shared, payload.as_bytes(), &mut out).unwrap();
        assert_eq!(&out[..n], plaintext);

        // Re-encrypt with the vector's IV: must reproduce the payload exactly.
        let (_, iv_b64) = payload.split_once("?iv=").unwrap();
        let mut iv = [0u8; 16];
        Base64::decode(iv_b64, &mut iv).unwrap();
        let len = nip04::encrypted_len(plaintext.len()).unwrap();
        assert_eq!(len, payload.len());
        let mut again = vec![0u8; len];
        assert_eq!(
            nip04::encrypt(&sender, &receiver_pk, &iv, plaintext, &mut again),
            Ok(len)
        );
        assert_eq!(std::str::from_utf8(&again).unwrap(), payload);
        handled += 1;
    }
    assert_eq!(handled, cases.len());
    assert_eq!(handled, 3);
}

#[test]
fn invalid() {
    let v = vectors();
    let cases = v["invalid"].as_array().expect("invalid cases");
    let mut handled = 0;
    for case in cases {
        let sk = SecretKey::from_hex(s(case, "sk")).unwrap();
        let pk = PublicKey::from_hex(s(case, "pk")).unwrap();
        let payload = s(case, "ciphertext");
        let name = s(case, "name");
        let result = decrypt(&sk, &pk, payload);
        // Format problems are reported as such. The AES-GCM case decodes to 22 bytes, not whole
        // AES blocks, so it is rejected as a malformed ciphertext before any padding check.
        if name.contains("padding") {
            assert!(
                matches!(
                    result,
                    Err(Error::Decrypt | Error::Malformed("nip04 ciphertext"))
                ),
                "{name}: {result:?}"
            );
        } else {
            assert!(
                matches!(result, Err(Error::Malformed(_))),
                "{name}: {result:?}"
            );
        }
        handled += 1;
    }
    assert_eq!(handled, cases.len());
    assert_eq!(handled, 3);
}
