//! NIP-44 v2 encrypted payloads: <https://github.com/nostr-protocol/nips/blob/master/44.md>
//!
//! secp256k1 ECDH → HKDF-SHA256 conversation key → per-message keys → padded ChaCha20 →
//! HMAC-SHA256 over `nonce || ciphertext` → base64 of `version || nonce || ciphertext || mac`.
//!
//! Everything writes into caller buffers and returns a length. The nonce is a parameter (it must
//! be 32 fresh random bytes per message; the core has no RNG).
//!
//! # Sizes
//!
//! | what | size |
//! |---|---|
//! | plaintext | [`MIN_PLAINTEXT_LEN`]`..=`[`MAX_PLAINTEXT_LEN`] bytes (1 MiB cap, see below) |
//! | raw payload | 65 + prefix (2, or 6 from 65 536 bytes) + [`calc_padded_len`] = [`raw_len`] |
//! | `encrypt_to_base64` output | [`encrypted_len`]`(plaintext_len)` (base64 of the raw payload) |
//! | `decrypt_from_base64` output | [`decrypt_buffer_len`]`(payload_len)` (the decoded payload) |
//!
//! Decryption needs only the output buffer: the base64 payload is decoded into it, the MAC is
//! checked there, the ciphertext is decrypted in place and the plaintext is moved to its start.
//! That buffer is the padded size plus 67 bytes (71 with the extended prefix); the bytes after
//! the returned length are zeroed. [`max_plaintext_len_for`] bounds the plaintext a payload can
//! hold.
//!
//! # Length prefix
//!
//! The spec (44.md, encryption step 4) encodes plaintexts shorter than 65 536 bytes with a
//! big-endian `u16` prefix, and longer ones with an *extended* 6-byte prefix: two zero bytes and a
//! big-endian `u32`. Both directions are implemented. The spec allows up to 2³² − 1 bytes and asks
//! implementations to enforce their own maximum; this one is [`MAX_PLAINTEXT_LEN`] (1 MiB), which
//! is far above any relay's frame limit. Encrypting more is [`Error::TooLarge`]; a payload whose
//! base64 is longer than [`MAX_PAYLOAD_B64_LEN`] is rejected with [`Error::TooLarge`] before
//! decoding. Note that peers which only know the `u16` prefix (rust-nostr 0.44 caps plaintexts at
//! 65 408 bytes) cannot decrypt extended payloads, and the official vector file predates the
//! extended prefix: it lists 65 536 and 100 000 as invalid lengths, which the current text makes
//! valid.
//!
//! # Errors
//!
//! Decryption failures (bad base64, bad length, bad MAC, bad padding) are all [`Error::Decrypt`]
//! and carry no detail. Only non-secret conditions are distinguished: a `#` prefix or a version
//! byte other than 2 ([`Error::UnsupportedVersion`]), a payload over the cap
//! ([`Error::TooLarge`]) and a short output buffer ([`Error::BufferTooSmall`], decided from the
//! payload length alone).
//!
//! NIP-44 carries UTF-8 text; this layer is byte-oriented and leaves UTF-8 validation to the caller.
//!
//! # Example
//!
//! ```
//! use signer_core::keys::SecretKey;
//! use signer_core::nip44::{self, ConversationKey};
//!
//! let alice = SecretKey::from_bytes(&[1u8; 32])?;
//! let bob = SecretKey::from_bytes(&[2u8; 32])?;
//! let key = ConversationKey::derive(&alice, &bob.public_key());
//!
//! let nonce = [7u8; 32]; // 32 fresh random bytes per message in real use
//! let mut payload = [0u8; 256];
//! let n = nip44::encrypt_to_base64(&key, &nonce, b"hello", &mut payload)?;
//! assert_eq!(n, nip44::encrypted_len(5)?);
//!
//! let key = ConversationKey::derive(&bob, &alice.public_key());
//! let mut out = [0u8; 256];
//! assert!(out.len() >= nip44::decrypt_buffer_len(n));
//! let m = nip44::decrypt_from_base64(&key, &payload[..n], &mut out)?;
//! assert_eq!(&out[..m], b"hello");
//! # Ok::<(), signer_core::Error>(())
//! ```

use core::fmt;

use base64ct::{Base64, Encoding};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::Error;
use crate::keys::{PublicKey, SecretKey, SharedX};

/// The version byte this module reads and writes.
pub const VERSION: u8 = 2;
/// Encryption step 1: HKDF-extract salt.
const SALT: &[u8; 8] = b"nip44-v2";
/// Encryption step 2: nonce length.
pub const NONCE_LEN: usize = 32;
/// Encryption step 6: HMAC-SHA256 output length.
pub const MAC_LEN: usize = 32;
/// Version byte, nonce and MAC around the ciphertext.
const OVERHEAD: usize = 1 + NONCE_LEN + MAC_LEN;
/// Encryption step 3: HKDF-expand output length (chacha key 32, chacha nonce 12, hmac key 32).
const MESSAGE_KEYS_LEN: usize = 76;
/// Encryption step 4: the classic length prefix (`u16`).
const CLASSIC_PREFIX_LEN: usize = 2;
/// Encryption step 4: the extended length prefix (two zero bytes and a `u32`).
const EXTENDED_PREFIX_LEN: usize = 6;

/// Encryption step 4: the shortest plaintext.
pub const MIN_PLAINTEXT_LEN: usize = 1;
/// Encryption step 4: the longest plaintext with the classic 2-byte prefix.
pub const MAX_CLASSIC_PLAINTEXT_LEN: usize = 65_535;
/// Encryption step 4: plaintexts this long or longer use the extended 6-byte prefix.
pub const EXTENDED_PREFIX_THRESHOLD: usize = 65_536;
/// This implementation's cap on plaintext length (the spec allows up to 2³² − 1 and asks
/// implementations to choose a maximum). 1 MiB, a power of two, so its padded length is itself.
pub const MAX_PLAINTEXT_LEN: usize = 1 << 20;

/// Decryption step 2: shortest valid base64 payload.
pub const MIN_PAYLOAD_B64_LEN: usize = 132;
/// Decryption step 2: shortest valid decoded payload.
pub const MIN_PAYLOAD_RAW_LEN: usize = 99;
/// Longest decoded payload accepted: a [`MAX_PLAINTEXT_LEN`] plaintext with the extended prefix.
pub const MAX_PAYLOAD_RAW_LEN: usize =
    OVERHEAD + EXTENDED_PREFIX_LEN + calc_padded_len(MAX_PLAINTEXT_LEN);
/// Longest base64 payload accepted; longer ones are rejected before decoding.
pub const MAX_PAYLOAD_B64_LEN: usize = b64_len(MAX_PAYLOAD_RAW_LEN);

/// Padded length of a plaintext of `unpadded_len` bytes (without the length prefix), as in the
/// spec's `calc_padded_len`: at least 32, then multiples of 1/8 of the next power of two.
///
/// Total and panic-free; saturates at `usize::MAX` for lengths no payload can have.
pub const fn calc_padded_len(unpadded_len: usize) -> usize {
    if unpadded_len <= 32 {
        return 32;
    }
    let x = unpadded_len - 1;
    // 1 << (floor(log2(x)) + 1)
    let next_power = match 1usize.checked_shl(usize::BITS - x.leading_zeros()) {
        Some(p) => p,
        None => return usize::MAX,
    };
    let chunk = if next_power <= 256 {
        32
    } else {
        next_power / 8
    };
    match (x / chunk + 1).checked_mul(chunk) {
        Some(len) => len,
        None => usize::MAX,
    }
}

/// Length of the base64 (with padding) encoding of `raw_len` bytes.
pub(crate) const fn b64_len(raw_len: usize) -> usize {
    raw_len.div_ceil(3) * 4
}

const fn prefix_len(plaintext_len: usize) -> usize {
    if plaintext_len >= EXTENDED_PREFIX_THRESHOLD {
        EXTENDED_PREFIX_LEN
    } else {
        CLASSIC_PREFIX_LEN
    }
}

fn check_plaintext_len(plaintext_len: usize) -> Result<(), Error> {
    if plaintext_len < MIN_PLAINTEXT_LEN {
        Err(Error::InvalidPlaintextLength)
    } else if plaintext_len > MAX_PLAINTEXT_LEN {
        Err(Error::TooLarge("nip44 plaintext"))
    } else {
        Ok(())
    }
}

/// Length of the decoded (raw) payload for a plaintext of `plaintext_len` bytes: what
/// [`encrypt_raw`] writes.
///
/// # Errors
/// [`Error::InvalidPlaintextLength`] for 0, [`Error::TooLarge`] above [`MAX_PLAINTEXT_LEN`].
pub fn raw_len(plaintext_len: usize) -> Result<usize, Error> {
    check_plaintext_len(plaintext_len)?;
    Ok(OVERHEAD + prefix_len(plaintext_len) + calc_padded_len(plaintext_len))
}

/// Length of the base64 payload for a plaintext of `plaintext_len` bytes: the output buffer size
/// [`encrypt_to_base64`] needs.
///
/// # Errors
/// As [`raw_len`].
pub fn encrypted_len(plaintext_len: usize) -> Result<usize, Error> {
    Ok(b64_len(raw_len(plaintext_len)?))
}

/// Output buffer size [`decrypt_from_base64`] needs for a base64 payload of `payload_len` bytes
/// (an upper bound on its decoded length).
pub const fn decrypt_buffer_len(payload_len: usize) -> usize {
    payload_len / 4 * 3
}

/// Upper bound on the plaintext length a base64 payload of `payload_len` bytes can decrypt to.
pub const fn max_plaintext_len_for(payload_len: usize) -> usize {
    let bound = decrypt_buffer_len(payload_len).saturating_sub(OVERHEAD + CLASSIC_PREFIX_LEN);
    if bound > MAX_PLAINTEXT_LEN {
        MAX_PLAINTEXT_LEN
    } else {
        bound
    }
}

/// The long-term key between two users (encryption step 1): `conv(a, B) == conv(b, A)`.
///
/// Zeroized on drop, redacted in `Debug`, deliberately not `Clone`.
pub struct ConversationKey([u8; 32]);

impl ConversationKey {
    /// ECDH of `peer` by `secret`, then HKDF-extract with salt `"nip44-v2"`.
    pub fn derive(secret: &SecretKey, peer: &PublicKey) -> Self {
        Self::from_shared_x(&secret.shared_x(peer))
    }

    /// HKDF-extract with salt `"nip44-v2"` over an ECDH x coordinate computed earlier.
    pub fn from_shared_x(shared: &SharedX) -> Self {
        let (mut prk, _) = Hkdf::<Sha256>::extract(Some(SALT), shared.as_bytes());
        let mut key = [0u8; 32];
        key.copy_from_slice(&prk);
        prk.as_mut_slice().zeroize();
        Self(key)
    }

    /// From 32 bytes (e.g. a cached key); the caller should zeroize its copy.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(*bytes)
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Per-message keys (encryption step 3): HKDF-expand with `PRK = self`, `info = nonce`,
    /// `L = 76`.
    ///
    /// # Errors
    /// None in practice: a 32-byte PRK and a 76-byte output are within HKDF-SHA256's limits.
    /// The crate's API is fallible, so the (unreachable) failure is reported, never papered over.
    pub fn message_keys(&self, nonce: &[u8; NONCE_LEN]) -> Result<MessageKeys, Error> {
        let mut okm = [0u8; MESSAGE_KEYS_LEN];
        Hkdf::<Sha256>::from_prk(&self.0)
            .map_err(|_| Error::KeyDerivation)?
            .expand(nonce, &mut okm)
            .map_err(|_| Error::KeyDerivation)?;
        let mut keys = MessageKeys {
            chacha_key: [0; 32],
            chacha_nonce: [0; 12],
            hmac_key: [0; 32],
        };
        keys.chacha_key.copy_from_slice(&okm[..32]);
        keys.chacha_nonce.copy_from_slice(&okm[32..44]);
        keys.hmac_key.copy_from_slice(&okm[44..MESSAGE_KEYS_LEN]);
        okm.zeroize();
        Ok(keys)
    }
}

impl Drop for ConversationKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for ConversationKey {}

impl fmt::Debug for ConversationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConversationKey(..)")
    }
}

/// The three keys of one message (encryption step 3). Zeroized on drop, redacted in `Debug`.
pub struct MessageKeys {
    chacha_key: [u8; 32],
    chacha_nonce: [u8; 12],
    hmac_key: [u8; 32],
}

impl MessageKeys {
    /// ChaCha20 key: HKDF output bytes 0..32.
    pub fn chacha_key(&self) -> &[u8; 32] {
        &self.chacha_key
    }

    /// ChaCha20 nonce: HKDF output bytes 32..44.
    pub fn chacha_nonce(&self) -> &[u8; 12] {
        &self.chacha_nonce
    }

    /// HMAC-SHA256 key: HKDF output bytes 44..76.
    pub fn hmac_key(&self) -> &[u8; 32] {
        &self.hmac_key
    }

    /// HMAC over `nonce || ciphertext`, i.e. over `raw[1..len - 32]` of a raw payload.
    fn mac(&self, nonce_and_ciphertext: &[u8], out: &mut [u8; MAC_LEN]) -> Result<(), Error> {
        // HMAC takes keys of any length; the fallible constructor never fails for 32 bytes.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.hmac_key)
            .map_err(|_| Error::KeyDerivation)?;
        mac.update(nonce_and_ciphertext);
        out.copy_from_slice(&mac.finalize().into_bytes());
        Ok(())
    }
}

impl Drop for MessageKeys {
    fn drop(&mut self) {
        self.chacha_key.zeroize();
        self.chacha_nonce.zeroize();
        self.hmac_key.zeroize();
    }
}

impl ZeroizeOnDrop for MessageKeys {}

impl fmt::Debug for MessageKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MessageKeys(..)")
    }
}

/// Encrypt `plaintext` and write the raw (not base64) payload `2 || nonce || ciphertext || mac`
/// into `out`, which must hold [`raw_len`]`(plaintext.len())` bytes. Returns that length.
///
/// # Errors
/// [`Error::InvalidPlaintextLength`] for an empty plaintext, [`Error::TooLarge`] above
/// [`MAX_PLAINTEXT_LEN`], [`Error::BufferTooSmall`]. On error `out` is untouched.
pub fn encrypt_raw(
    key: &ConversationKey,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let len = raw_len(plaintext.len())?;
    let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
    write_raw(key, nonce, plaintext, out)?;
    Ok(len)
}

/// Encrypt `plaintext` and write the base64 payload into `out`, which must hold
/// [`encrypted_len`]`(plaintext.len())` bytes. Returns that length; `out[..len]` is ASCII.
///
/// `nonce` must be 32 fresh random bytes: reusing one with the same conversation key makes both
/// messages decryptable.
///
/// # Errors
/// As [`encrypt_raw`]. On error `out` is untouched.
pub fn encrypt_to_base64(
    key: &ConversationKey,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let raw = raw_len(plaintext.len())?;
    let len = b64_len(raw);
    let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
    // Build the raw payload at the end of `out`, then base64 it forwards in place.
    write_raw(key, nonce, plaintext, &mut out[len - raw..])?;
    encode_tail_in_place(out, raw)?;
    Ok(len)
}

/// Writes the raw payload; `out.len()` must be exactly `raw_len(plaintext.len())`.
fn write_raw(
    key: &ConversationKey,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    out: &mut [u8],
) -> Result<(), Error> {
    let n = plaintext.len();
    let prefix = prefix_len(n);
    if out.len() != OVERHEAD + prefix + calc_padded_len(n) {
        return Err(Error::BufferTooSmall);
    }
    let mac_at = out.len() - MAC_LEN;
    out[0] = VERSION;
    out[1..1 + NONCE_LEN].copy_from_slice(nonce);
    {
        // Encryption step 4: [u16 len] or [0, 0, u32 len], plaintext, zeros.
        let padded = &mut out[1 + NONCE_LEN..mac_at];
        if prefix == EXTENDED_PREFIX_LEN {
            let len = u32::try_from(n).map_err(|_| Error::TooLarge("nip44 plaintext"))?;
            padded[..2].fill(0);
            padded[2..6].copy_from_slice(&len.to_be_bytes());
        } else {
            let len = u16::try_from(n).map_err(|_| Error::TooLarge("nip44 plaintext"))?;
            padded[..2].copy_from_slice(&len.to_be_bytes());
        }
        padded[prefix..prefix + n].copy_from_slice(plaintext);
        padded[prefix + n..].fill(0);
        // Step 5.
        let keys = key.message_keys(nonce)?;
        apply_keystream(&keys.chacha_key, &keys.chacha_nonce, padded);
        // Step 6: MAC over nonce || ciphertext, which sit next to each other in `out`.
        let mut mac = [0u8; MAC_LEN];
        keys.mac(&out[1..mac_at], &mut mac)?;
        out[mac_at..].copy_from_slice(&mac);
    }
    Ok(())
}

/// Decrypt a base64 payload into `out`, which must hold [`decrypt_buffer_len`]`(payload.len())`
/// bytes (it is used as scratch for the decoded payload). Returns the plaintext length `n`;
/// the plaintext is `out[..n]` and the rest of the used part of `out` is zeroed.
///
/// # Errors
/// [`Error::UnsupportedVersion`] for a `#` prefix or a version byte other than 2;
/// [`Error::TooLarge`] for a payload longer than [`MAX_PAYLOAD_B64_LEN`];
/// [`Error::BufferTooSmall`] if `out` cannot hold the decoded payload; [`Error::Decrypt`] for
/// everything else (length, base64, MAC, padding), without saying which.
pub fn decrypt_from_base64(
    key: &ConversationKey,
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    // Step 1: '#' flags a future non-base64 encoding.
    if payload.first() == Some(&b'#') {
        return Err(Error::UnsupportedVersion);
    }
    // Step 2: bound the length before decoding anything.
    let len = payload.len();
    if len < MIN_PAYLOAD_B64_LEN {
        return Err(Error::Decrypt);
    }
    if len > MAX_PAYLOAD_B64_LEN {
        return Err(Error::TooLarge("nip44 payload"));
    }
    if !len.is_multiple_of(4) {
        return Err(Error::Decrypt);
    }
    let padding = payload.iter().rev().take(2).filter(|&&c| c == b'=').count();
    let raw = len / 4 * 3 - padding;
    let buf = out.get_mut(..raw).ok_or(Error::BufferTooSmall)?;
    match Base64::decode(payload, buf) {
        Ok(decoded) if decoded.len() == raw => {}
        _ => {
            buf.zeroize();
            return Err(Error::Decrypt);
        }
    }
    decrypt_raw_in_place(key, buf)
}

/// Decrypt a raw (decoded) payload held in `buf`, in place. Returns the plaintext length `n`;
/// the plaintext is `buf[..n]` and the rest of `buf` is zeroed. On a failure after decryption
/// began, all of `buf` is zeroed.
///
/// # Errors
/// [`Error::UnsupportedVersion`] if the version byte is not 2; [`Error::TooLarge`] above
/// [`MAX_PAYLOAD_RAW_LEN`]; [`Error::Decrypt`] for a short payload, a MAC mismatch or bad padding.
pub fn decrypt_raw_in_place(key: &ConversationKey, buf: &mut [u8]) -> Result<usize, Error> {
    let len = buf.len();
    if len < MIN_PAYLOAD_RAW_LEN {
        return Err(Error::Decrypt);
    }
    if len > MAX_PAYLOAD_RAW_LEN {
        return Err(Error::TooLarge("nip44 payload"));
    }
    if buf[0] != VERSION {
        return Err(Error::UnsupportedVersion);
    }
    let mac_at = len - MAC_LEN;
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&buf[1..1 + NONCE_LEN]);
    let keys = key.message_keys(&nonce)?;

    // Step 5: constant-time MAC check before touching the ciphertext.
    let mut expected = [0u8; MAC_LEN];
    keys.mac(&buf[1..mac_at], &mut expected)?;
    let mac_ok = bool::from(expected.ct_eq(&buf[mac_at..]));
    expected.zeroize();
    if !mac_ok {
        return Err(Error::Decrypt);
    }

    // Steps 6 and 7.
    let ciphertext = &mut buf[1 + NONCE_LEN..mac_at];
    apply_keystream(&keys.chacha_key, &keys.chacha_nonce, ciphertext);
    match unpad(ciphertext) {
        Some((prefix, n)) => {
            let start = 1 + NONCE_LEN + prefix;
            buf.copy_within(start..start + n, 0);
            buf[n..].zeroize();
            Ok(n)
        }
        None => {
            buf.zeroize();
            Err(Error::Decrypt)
        }
    }
}

/// Decrypt a raw payload into `out`, which must hold `raw.len()` bytes (used as scratch).
/// Returns the plaintext length, as [`decrypt_raw_in_place`].
///
/// # Errors
/// [`Error::BufferTooSmall`], or as [`decrypt_raw_in_place`].
pub fn decrypt_raw(key: &ConversationKey, raw: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    if raw.len() > MAX_PAYLOAD_RAW_LEN {
        return Err(Error::TooLarge("nip44 payload"));
    }
    let buf = out.get_mut(..raw.len()).ok_or(Error::BufferTooSmall)?;
    buf.copy_from_slice(raw);
    decrypt_raw_in_place(key, buf)
}

/// Decryption step 7: `(prefix length, plaintext length)` of a padded plaintext, or `None`.
fn unpad(padded: &[u8]) -> Option<(usize, usize)> {
    if padded.len() < EXTENDED_PREFIX_LEN {
        return None;
    }
    let first = u16::from_be_bytes([padded[0], padded[1]]);
    let (prefix, n) = if first == 0 {
        let n = u32::from_be_bytes([padded[2], padded[3], padded[4], padded[5]]);
        let n = usize::try_from(n).ok()?;
        if n < EXTENDED_PREFIX_THRESHOLD {
            return None;
        }
        (EXTENDED_PREFIX_LEN, n)
    } else {
        (CLASSIC_PREFIX_LEN, usize::from(first))
    };
    // n >= 1 here (a zero u16 selects the extended form, which requires n >= 65 536). Lengths over
    // the cap cannot match a payload within it; rejecting them first keeps the arithmetic small.
    if n > MAX_PLAINTEXT_LEN || padded.len() != prefix + calc_padded_len(n) {
        return None;
    }
    Some((prefix, n))
}

/// Base64-encode (with padding) the last `raw_len` bytes of `buf` into all of `buf`, whose length
/// must be exactly `b64_len(raw_len)`.
///
/// Works forwards in 48-byte chunks (64 characters each), copying each chunk out before writing.
/// With `start = buf.len() - raw_len >= raw_len / 3`, writing chunk `k` ends at `64(k + 1)`,
/// which is at most `start + 48(k + 1)` (where chunk `k + 1` begins) whenever
/// `16(k + 1) <= start`; that holds for every chunk but the last, which has no successor.
pub(crate) fn encode_tail_in_place(buf: &mut [u8], raw_len: usize) -> Result<(), Error> {
    const CHUNK: usize = 48;
    if buf.len() != b64_len(raw_len) {
        return Err(Error::BufferTooSmall);
    }
    let start = buf.len() - raw_len;
    let mut chunk = [0u8; CHUNK];
    let mut read = start;
    let mut written = 0;
    while read < buf.len() {
        let take = (buf.len() - read).min(CHUNK);
        chunk[..take].copy_from_slice(&buf[read..read + take]);
        read += take;
        // Never write past `read`: everything from there on is still unread input.
        let dst = buf.get_mut(written..read).ok_or(Error::BufferTooSmall)?;
        let encoded = Base64::encode(&chunk[..take], dst).map_err(|_| Error::BufferTooSmall)?;
        written += encoded.len();
    }
    chunk.zeroize();
    if written == buf.len() {
        Ok(())
    } else {
        Err(Error::BufferTooSmall)
    }
}

/// ChaCha20 (RFC 8439, 96-bit nonce) from the RustCrypto crate, keystream from block 0
/// (NIP-44's "starting counter set to 0").
fn apply_keystream(key: &[u8; 32], nonce: &[u8; 12], data: &mut [u8]) {
    use chacha20::cipher::{KeyIvInit, StreamCipher};
    let mut cipher = chacha20::ChaCha20::new(key.into(), nonce.into());
    cipher.apply_keystream(data);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn padded_len_boundaries() {
        assert_eq!(calc_padded_len(0), 32);
        assert_eq!(calc_padded_len(1), 32);
        assert_eq!(calc_padded_len(32), 32);
        assert_eq!(calc_padded_len(33), 64);
        assert_eq!(calc_padded_len(257), 320);
        assert_eq!(calc_padded_len(65_535), 65_536);
        assert_eq!(calc_padded_len(65_536), 65_536);
        assert_eq!(calc_padded_len(65_537), 81_920);
        assert_eq!(calc_padded_len(MAX_PLAINTEXT_LEN), MAX_PLAINTEXT_LEN);
        assert_eq!(calc_padded_len(usize::MAX), usize::MAX);
        assert_eq!(calc_padded_len(usize::MAX / 2 + 2), usize::MAX);
    }

    #[test]
    fn size_helpers() {
        assert_eq!(raw_len(1), Ok(99));
        assert_eq!(encrypted_len(1), Ok(132));
        assert_eq!(raw_len(65_535), Ok(65 + 2 + 65_536));
        assert_eq!(raw_len(65_536), Ok(65 + 6 + 65_536));
        assert_eq!(raw_len(0), Err(Error::InvalidPlaintextLength));
        assert_eq!(
            raw_len(MAX_PLAINTEXT_LEN + 1),
            Err(Error::TooLarge("nip44 plaintext"))
        );
        assert_eq!(decrypt_buffer_len(132), 99);
        assert_eq!(max_plaintext_len_for(132), 32);
        assert_eq!(max_plaintext_len_for(0), 0);
        assert_eq!(max_plaintext_len_for(usize::MAX), MAX_PLAINTEXT_LEN);
        assert_eq!(MAX_PAYLOAD_RAW_LEN, 65 + 6 + (1 << 20));
        assert_eq!(MAX_PAYLOAD_B64_LEN % 4, 0);
    }

    #[test]
    fn unpad_rules() {
        let mut p = [0u8; 34];
        p[1] = 1;
        assert_eq!(unpad(&p), Some((2, 1)));
        p[1] = 33; // 33 bytes pad to 64, not 32
        assert_eq!(unpad(&p), None);
        p[1] = 0; // zero u16 selects the extended form, whose length must be >= 65 536
        p[5] = 1;
        assert_eq!(unpad(&p), None);
        let mut big = [0u8; 6 + 65_536];
        big[2..6].copy_from_slice(&65_536u32.to_be_bytes());
        assert_eq!(unpad(&big), Some((6, 65_536)));
        big[2..6].copy_from_slice(&65_535u32.to_be_bytes());
        assert_eq!(unpad(&big), None);
        big[2..6].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(unpad(&big), None);
    }

    #[test]
    fn in_place_base64_matches_direct() {
        let mut raw = [0u8; 300];
        for (i, b) in raw.iter_mut().enumerate() {
            *b = (i * 7 + 3) as u8;
        }
        for n in 0..raw.len() {
            let total = b64_len(n);
            let mut buf = [0u8; 400];
            buf[total - n..total].copy_from_slice(&raw[..n]);
            encode_tail_in_place(&mut buf[..total], n).unwrap();
            let mut direct = [0u8; 400];
            let expected = Base64::encode(&raw[..n], &mut direct).unwrap();
            assert_eq!(&buf[..total], expected.as_bytes(), "n = {n}");
        }
        assert!(encode_tail_in_place(&mut [0u8; 5], 3).is_err());
    }

    #[test]
    fn round_trip_and_tamper() {
        let key = ConversationKey::from_bytes(&[9u8; 32]);
        let nonce = [3u8; 32];
        let mut payload = [0u8; 200];
        let n = encrypt_to_base64(&key, &nonce, b"hi", &mut payload).unwrap();
        let mut out = [0u8; 200];
        let m = decrypt_from_base64(&key, &payload[..n], &mut out).unwrap();
        assert_eq!(&out[..m], b"hi");
        assert!(out[m..decrypt_buffer_len(n)].iter().all(|&b| b == 0));

        let mut raw = [0u8; 99];
        assert_eq!(encrypt_raw(&key, &nonce, b"hi", &mut raw), Ok(99));
        raw[50] ^= 1;
        assert_eq!(decrypt_raw(&key, &raw, &mut out), Err(Error::Decrypt));
        raw[50] ^= 1;
        raw[0] = 1;
        assert_eq!(
            decrypt_raw(&key, &raw, &mut out),
            Err(Error::UnsupportedVersion)
        );
        raw[0] = 2;
        let other = ConversationKey::from_bytes(&[8u8; 32]);
        assert_eq!(decrypt_raw(&other, &raw, &mut out), Err(Error::Decrypt));
        assert_eq!(
            decrypt_raw(&key, &raw, &mut out[..98]),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn short_buffers_are_rejected_untouched() {
        let key = ConversationKey::from_bytes(&[1u8; 32]);
        let mut out = [0xaau8; 131];
        assert_eq!(
            encrypt_to_base64(&key, &[0u8; 32], b"x", &mut out),
            Err(Error::BufferTooSmall)
        );
        assert!(out.iter().all(|&b| b == 0xaa));
        assert_eq!(
            encrypt_to_base64(&key, &[0u8; 32], b"", &mut out),
            Err(Error::InvalidPlaintextLength)
        );
        let payload = [b'A'; 132];
        let mut small = [0u8; 98];
        assert_eq!(
            decrypt_from_base64(&key, &payload, &mut small),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn debug_is_redacted() {
        let key = ConversationKey::from_bytes(&[0x42; 32]);
        let mut s = heapless::String::<64>::new();
        core::fmt::write(
            &mut s,
            format_args!("{key:?} {:?}", key.message_keys(&[0; 32]).unwrap()),
        )
        .unwrap();
        assert_eq!(s.as_str(), "ConversationKey(..) MessageKeys(..)");
    }
}
