//! Keys: generate, import, export, public forms; the NIP-98 header.

use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip19;
use signer_core::nip98::{self, AuthRequest};
use zeroize::Zeroizing;

use crate::bridge::ffi::FfiError;
use crate::error::{FfiResult, invalid};

/// Secret bytes handed to Swift (key bytes, or nsec / hex text as UTF-8). The buffer is
/// zeroized when Swift releases the object; Swift zeroes its own copies.
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// The secret. Copy it out, then drop the object.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl core::fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretBytes(..)")
    }
}

/// The secret key in `bytes` (exactly 32 bytes).
pub(crate) fn secret_key(bytes: &[u8]) -> FfiResult<SecretKey> {
    let array: Zeroizing<[u8; 32]> =
        Zeroizing::new(bytes.try_into().map_err(|_| FfiError::InvalidKey)?);
    Ok(SecretKey::from_bytes(&array)?)
}

/// A public key from lowercase (or uppercase) hex.
pub(crate) fn public_key(hex: &str) -> FfiResult<PublicKey> {
    PublicKey::from_hex(hex).map_err(|_| FfiError::InvalidKey)
}

/// Lowercase hex of 32 bytes.
pub(crate) fn hex32(bytes: &[u8; 32]) -> String {
    let mut out = String::with_capacity(64);
    for b in bytes {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    out
}

/// A new secret key from 32 bytes of the OS CSPRNG (`SecRandomCopyBytes`). `InvalidKey` for
/// the ~2⁻¹²⁸ chance that they are zero or not below the curve order: draw again.
pub fn generate_secret_key(entropy: &[u8]) -> FfiResult<SecretBytes> {
    Ok(SecretBytes(Zeroizing::new(
        secret_key(entropy)?.to_bytes().to_vec(),
    )))
}

/// The 32 key bytes of an `nsec1…` or a 64-character hex secret key (surrounding whitespace
/// ignored); exactly the scalar that was imported.
pub fn import_secret_key(text: &str) -> FfiResult<SecretBytes> {
    let text = text.trim();
    let bytes = if text.starts_with("nsec1") {
        nip19::decode_nsec_bytes(text)?
    } else {
        SecretKey::from_hex(text)
            .map_err(|_| FfiError::InvalidKey)?
            .to_bytes()
    };
    generate_secret_key(&*bytes)
}

/// The `nsec1…` text of a secret key, as UTF-8 bytes.
pub fn export_nsec(secret_key: &[u8]) -> FfiResult<SecretBytes> {
    let sk = self::secret_key(secret_key)?;
    let mut out = Zeroizing::new(vec![0u8; nip19::KEY_BECH32_LEN]);
    let n = nip19::encode_nsec_into(&sk.to_bytes(), &mut out)?;
    out.truncate(n);
    Ok(SecretBytes(out))
}

/// The 64-character lowercase hex of a secret key, as UTF-8 bytes.
pub fn export_secret_hex(secret_key: &[u8]) -> FfiResult<SecretBytes> {
    let sk = self::secret_key(secret_key)?;
    let hex = Zeroizing::new(hex32(&sk.to_bytes()));
    Ok(SecretBytes(Zeroizing::new(hex.as_bytes().to_vec())))
}

/// The public key (x-only, lowercase hex) of a secret key.
pub fn public_key_hex(secret_key: &[u8]) -> FfiResult<String> {
    Ok(hex32(self::secret_key(secret_key)?.public_key().as_bytes()))
}

/// The `npub1…` of a secret key.
pub fn public_key_npub(secret_key: &[u8]) -> FfiResult<String> {
    Ok(nip19::encode_npub(&self::secret_key(secret_key)?.public_key()).to_string())
}

/// The `npub1…` of a hex public key (for showing clients and accounts).
pub fn npub_from_hex(pubkey: &str) -> FfiResult<String> {
    Ok(nip19::encode_npub(&public_key(pubkey)?).to_string())
}

/// `Nostr <base64 event>`: a NIP-98 header for `method url` signed by `secret_key` at `now`,
/// with a `payload` tag when `body` is not empty; `aux` is 32 random bytes. Send it as
/// `X-Clave-Auth` (iOS drops `Authorization` on some paths) — the proxy reads either.
pub fn nip98_header(
    secret_key: &[u8],
    url: &str,
    method: &str,
    body: &[u8],
    now: u64,
    aux: &[u8],
) -> FfiResult<String> {
    let sk = self::secret_key(secret_key)?;
    let aux: &[u8; 32] = aux.try_into().map_err(|_| invalid("aux (32 bytes)"))?;
    let req = AuthRequest {
        url,
        method,
        body: (!body.is_empty()).then_some(body),
    };
    let event_len = 512 + 2 * (url.len() + method.len());
    let mut scratch = vec![0u8; event_len];
    let mut out = vec![0u8; 16 + event_len.div_ceil(3) * 4];
    let n = nip98::sign_header(&sk, &req, now, aux, &mut scratch, &mut out)?;
    out.truncate(n);
    String::from_utf8(out).map_err(|_| invalid("header"))
}
