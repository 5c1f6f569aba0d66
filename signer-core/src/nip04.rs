//! NIP-04 encrypted direct messages (deprecated, still used by NIP-46 clients):
//! <https://github.com/nostr-protocol/nips/blob/master/04.md>
//!
//! AES-256-CBC with PKCS#7 padding; the key is the **unhashed** x coordinate of the ECDH point;
//! the wire format is `base64(ciphertext) + "?iv=" + base64(iv)`.
//!
//! NIP-04 has no MAC: anyone can flip ciphertext bits, and a peer that reports padding failures
//! is a padding oracle. Prefer NIP-44; use this only to answer requests made with it.
//!
//! # Sizes
//!
//! - [`encrypt`] writes [`encrypted_len`]`(plaintext_len)` bytes: base64 of
//!   `16 * (plaintext_len / 16 + 1)` ciphertext bytes, `?iv=`, 24 base64 characters of IV.
//! - [`decrypt`] needs an output buffer of [`decrypt_buffer_len`]`(payload_len)` bytes (the
//!   ciphertext is decoded into it and decrypted in place); the plaintext is at its start.
//! - Plaintexts up to [`MAX_PLAINTEXT_LEN`] (1 MiB, this implementation's cap; NIP-04 names none).
//!
//! # Errors
//!
//! A malformed payload (no `?iv=`, bad base64, an IV that is not 16 bytes, a ciphertext that is
//! empty or not whole blocks) is [`Error::Malformed`]; a padding failure is [`Error::Decrypt`].
//!
//! ```
//! use signer_core::keys::SecretKey;
//! use signer_core::nip04;
//!
//! let alice = SecretKey::from_bytes(&[1u8; 32])?;
//! let bob = SecretKey::from_bytes(&[2u8; 32])?;
//! let iv = [9u8; 16]; // 16 fresh random bytes per message in real use
//! let mut payload = [0u8; 64];
//! let n = nip04::encrypt(&alice, &bob.public_key(), &iv, b"hello", &mut payload)?;
//! assert_eq!(n, nip04::encrypted_len(5)?);
//!
//! let mut out = [0u8; 64];
//! let m = nip04::decrypt(&bob, &alice.public_key(), &payload[..n], &mut out)?;
//! assert_eq!(&out[..m], b"hello");
//! # Ok::<(), signer_core::Error>(())
//! ```

use aes::Aes256;
use base64ct::{Base64, Encoding};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use zeroize::Zeroize;

use crate::Error;
use crate::keys::{PublicKey, SecretKey, SharedX};
use crate::nip44::{b64_len, encode_tail_in_place};

/// AES block and IV length.
pub const IV_LEN: usize = 16;
const BLOCK_LEN: usize = 16;
/// Separates the ciphertext from the IV on the wire.
const IV_SEPARATOR: &[u8; 4] = b"?iv=";
/// Base64 length of a 16-byte IV (with `==` padding).
const IV_B64_LEN: usize = 24;
/// This implementation's cap on plaintext length (NIP-04 names none).
pub const MAX_PLAINTEXT_LEN: usize = 1 << 20;
/// Longest payload accepted by [`decrypt`]: a [`MAX_PLAINTEXT_LEN`] plaintext's.
pub const MAX_PAYLOAD_LEN: usize =
    b64_len(ciphertext_len(MAX_PLAINTEXT_LEN)) + IV_SEPARATOR.len() + IV_B64_LEN;

/// Ciphertext length for a plaintext of `plaintext_len` bytes (PKCS#7 always adds 1..=16 bytes).
pub const fn ciphertext_len(plaintext_len: usize) -> usize {
    (plaintext_len / BLOCK_LEN + 1) * BLOCK_LEN
}

/// Length of the payload [`encrypt`] writes for a plaintext of `plaintext_len` bytes.
///
/// # Errors
/// [`Error::TooLarge`] above [`MAX_PLAINTEXT_LEN`].
pub fn encrypted_len(plaintext_len: usize) -> Result<usize, Error> {
    if plaintext_len > MAX_PLAINTEXT_LEN {
        return Err(Error::TooLarge("nip04 plaintext"));
    }
    Ok(b64_len(ciphertext_len(plaintext_len)) + IV_SEPARATOR.len() + IV_B64_LEN)
}

/// Output buffer size [`decrypt`] needs for a payload of `payload_len` bytes (an upper bound on
/// the decoded ciphertext, which is decrypted in place).
pub const fn decrypt_buffer_len(payload_len: usize) -> usize {
    payload_len / 4 * 3
}

type Aes256CbcEnc = cbc::Encryptor<Aes256>;
type Aes256CbcDec = cbc::Decryptor<Aes256>;

/// Encrypt `plaintext` from `secret` to `peer` with the caller's random `iv`, writing
/// `base64(ct)?iv=base64(iv)` into `out`. Returns the length written.
///
/// # Errors
/// [`Error::TooLarge`], [`Error::BufferTooSmall`] (then `out` is untouched).
pub fn encrypt(
    secret: &SecretKey,
    peer: &PublicKey,
    iv: &[u8; IV_LEN],
    plaintext: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    // Check sizes before the ECDH so a doomed call costs nothing.
    let len = encrypted_len(plaintext.len())?;
    if out.len() < len {
        return Err(Error::BufferTooSmall);
    }
    encrypt_with_shared(&secret.shared_x(peer), iv, plaintext, out)
}

/// As [`encrypt`], with an ECDH result computed once for several operations.
///
/// # Errors
/// As [`encrypt`].
pub fn encrypt_with_shared(
    shared: &SharedX,
    iv: &[u8; IV_LEN],
    plaintext: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let len = encrypted_len(plaintext.len())?;
    let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
    let ct_len = ciphertext_len(plaintext.len());
    let (ct_b64, iv_part) = out.split_at_mut(b64_len(ct_len));
    // Encrypt in place at the end of the ciphertext's base64 region, then encode forwards.
    let ct_start = ct_b64.len() - ct_len;
    let region = &mut ct_b64[ct_start..];
    region[..plaintext.len()].copy_from_slice(plaintext);
    let encrypted = Aes256CbcEnc::new(shared.as_bytes().into(), iv.into())
        .encrypt_padded::<Pkcs7>(region, plaintext.len())
        .map(<[u8]>::len);
    if !matches!(encrypted, Ok(n) if n == ct_len) {
        region.zeroize();
        return Err(Error::BufferTooSmall);
    }
    encode_tail_in_place(ct_b64, ct_len)?;
    let (sep, iv_b64) = iv_part.split_at_mut(IV_SEPARATOR.len());
    sep.copy_from_slice(IV_SEPARATOR);
    Base64::encode(iv, iv_b64).map_err(|_| Error::BufferTooSmall)?;
    Ok(len)
}

/// Decrypt a `base64(ct)?iv=base64(iv)` payload sent between `secret` and `peer` into `out`,
/// which must hold [`decrypt_buffer_len`]`(payload.len())` bytes. Returns the plaintext length
/// `n`; the plaintext is `out[..n]`.
///
/// # Errors
/// [`Error::TooLarge`] above [`MAX_PAYLOAD_LEN`]; [`Error::Malformed`] for a payload that does
/// not parse; [`Error::BufferTooSmall`]; [`Error::Decrypt`] for bad padding (then the used part
/// of `out` is zeroed).
pub fn decrypt(
    secret: &SecretKey,
    peer: &PublicKey,
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    // Parse before the ECDH: malformed input is rejected cheaply.
    let parsed = parse(payload, out.len())?;
    decrypt_parsed(&secret.shared_x(peer), parsed, out)
}

/// As [`decrypt`], with an ECDH result computed once for several operations.
///
/// # Errors
/// As [`decrypt`].
pub fn decrypt_with_shared(
    shared: &SharedX,
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let parsed = parse(payload, out.len())?;
    decrypt_parsed(shared, parsed, out)
}

/// A payload that has passed every check that needs no key.
struct Parsed<'a> {
    ct_b64: &'a [u8],
    ct_len: usize,
    iv: [u8; IV_LEN],
}

fn parse(payload: &[u8], out_len: usize) -> Result<Parsed<'_>, Error> {
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(Error::TooLarge("nip04 payload"));
    }
    let sep = payload
        .windows(IV_SEPARATOR.len())
        .position(|w| w == IV_SEPARATOR)
        .ok_or(Error::Malformed("nip04 payload"))?;
    let ct_b64 = &payload[..sep];
    let iv_b64 = &payload[sep + IV_SEPARATOR.len()..];

    let mut iv = [0u8; IV_LEN];
    if iv_b64.len() != IV_B64_LEN
        || !matches!(Base64::decode(iv_b64, &mut iv), Ok(d) if d.len() == IV_LEN)
    {
        return Err(Error::Malformed("nip04 iv"));
    }

    if ct_b64.is_empty() || !ct_b64.len().is_multiple_of(4) {
        return Err(Error::Malformed("nip04 base64"));
    }
    let padding = ct_b64.iter().rev().take(2).filter(|&&c| c == b'=').count();
    let ct_len = ct_b64.len() / 4 * 3 - padding;
    if !ct_len.is_multiple_of(BLOCK_LEN) {
        return Err(Error::Malformed("nip04 ciphertext"));
    }
    if out_len < ct_len {
        return Err(Error::BufferTooSmall);
    }
    Ok(Parsed { ct_b64, ct_len, iv })
}

fn decrypt_parsed(shared: &SharedX, parsed: Parsed<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let buf = out.get_mut(..parsed.ct_len).ok_or(Error::BufferTooSmall)?;
    match Base64::decode(parsed.ct_b64, buf) {
        Ok(decoded) if decoded.len() == parsed.ct_len => {}
        _ => {
            buf.zeroize();
            return Err(Error::Malformed("nip04 base64"));
        }
    }
    let result = Aes256CbcDec::new(shared.as_bytes().into(), (&parsed.iv).into())
        .decrypt_padded::<Pkcs7>(buf)
        .map(<[u8]>::len);
    match result {
        Ok(n) => {
            buf[n..].zeroize();
            Ok(n)
        }
        Err(_) => {
            buf.zeroize();
            Err(Error::Decrypt)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn keys() -> (SecretKey, SecretKey) {
        (
            SecretKey::from_bytes(&[3u8; 32]).unwrap(),
            SecretKey::from_bytes(&[4u8; 32]).unwrap(),
        )
    }

    #[test]
    fn sizes() {
        assert_eq!(ciphertext_len(0), 16);
        assert_eq!(ciphertext_len(15), 16);
        assert_eq!(ciphertext_len(16), 32);
        // "nanana" in the nostr-tools vector: 24 + 4 + 24 characters.
        assert_eq!(encrypted_len(6), Ok(52));
        assert_eq!(
            encrypted_len(MAX_PLAINTEXT_LEN + 1),
            Err(Error::TooLarge("nip04 plaintext"))
        );
    }

    #[test]
    fn round_trip_all_small_lengths() {
        let (a, b) = keys();
        let shared = a.shared_x(&b.public_key());
        let mut msg = [0u8; 70];
        for (i, m) in msg.iter_mut().enumerate() {
            *m = b'a' + (i % 26) as u8;
        }
        for n in 0..msg.len() {
            let mut payload = [0u8; 200];
            let len = encrypt_with_shared(&shared, &[7u8; 16], &msg[..n], &mut payload).unwrap();
            assert_eq!(len, encrypted_len(n).unwrap());
            let mut out = [0u8; 200];
            let m = decrypt(&b, &a.public_key(), &payload[..len], &mut out).unwrap();
            assert_eq!(&out[..m], &msg[..n]);
        }
    }

    #[test]
    fn malformed_payloads() {
        let (a, b) = keys();
        let shared = a.shared_x(&b.public_key());
        let mut out = [0u8; 64];
        let iv = "AAAAAAAAAAAAAAAAAAAAAA==";
        let cases: [(&str, Error); 7] = [
            (
                "zJxfaJ32rN5Dg1ODjOlEew==",
                Error::Malformed("nip04 payload"),
            ),
            (
                "zJxfaJ32rN5Dg1ODjOlEew==?iv=AAAA",
                Error::Malformed("nip04 iv"),
            ),
            (
                "zJxfaJ32rN5Dg1ODjOlEew==?iv=AAAAAAAAAAAAAAAAAAAAAAAA",
                Error::Malformed("nip04 iv"),
            ),
            (
                "?iv=AAAAAAAAAAAAAAAAAAAAAA==",
                Error::Malformed("nip04 base64"),
            ),
            (
                "zJxfaJ32rN5Dg1ODjOlEe?iv=AAAAAAAAAAAAAAAAAAAAAA==",
                Error::Malformed("nip04 base64"),
            ),
            (
                "zJxfaJ32rN5Dg1ODjOlE?iv=AAAAAAAAAAAAAAAAAAAAAA==",
                Error::Malformed("nip04 ciphertext"),
            ),
            (
                "zJxfaJ32rN5Dg1ODjOl!ew==?iv=AAAAAAAAAAAAAAAAAAAAAA==",
                Error::Malformed("nip04 base64"),
            ),
        ];
        for (payload, err) in cases {
            assert_eq!(
                decrypt_with_shared(&shared, payload.as_bytes(), &mut out),
                Err(err),
                "{payload}"
            );
        }
        let mut small = [0u8; 15];
        let mut payload = [0u8; 52];
        payload[..28].copy_from_slice(b"zJxfaJ32rN5Dg1ODjOlEew==?iv=");
        payload[28..].copy_from_slice(iv.as_bytes());
        assert_eq!(
            decrypt_with_shared(&shared, &payload, &mut small),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn wrong_key_fails_padding_or_garbles() {
        let (a, b) = keys();
        let mut payload = [0u8; 64];
        let n = encrypt(&a, &b.public_key(), &[1u8; 16], b"secret", &mut payload).unwrap();
        let mut out = [0u8; 64];
        match decrypt(&a, &a.public_key(), &payload[..n], &mut out) {
            Err(Error::Decrypt) => assert!(out.iter().all(|&x| x == 0)),
            Ok(m) => assert_ne!(&out[..m], b"secret"),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
}
