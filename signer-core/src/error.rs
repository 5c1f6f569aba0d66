//! One error type for the whole core.
//!
//! Variants say *who* is at fault (malformed input, a capacity bound, a failed check) and carry
//! no secret-derived detail: a decrypt failure never says whether the MAC or the padding failed.

use core::fmt;

/// Every way a core operation can fail.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Input is not well-formed for the named thing (e.g. "hex", "event json").
    Malformed(&'static str),
    /// A caller-supplied output buffer is too small.
    BufferTooSmall,
    /// An input or fixed capacity bound was exceeded; names the bound.
    TooLarge(&'static str),
    /// A secret key is zero or not below the curve order.
    InvalidSecretKey,
    /// A public key is not the x coordinate of a curve point.
    InvalidPublicKey,
    /// A Schnorr signature does not verify (or is not canonical).
    BadSignature,
    /// An event id is not the hash of its serialization.
    BadEventId,
    /// Ciphertext failed authentication, padding or format checks. Deliberately opaque.
    Decrypt,
    /// NIP-44 plaintext length outside 1..=max.
    InvalidPlaintextLength,
    /// Unsupported encryption version byte.
    UnsupportedVersion,
    /// A bech32 string failed its checksum or has the wrong prefix.
    Bech32,
    /// Signing failed (the derived nonce was zero: astronomically unlikely).
    Signing,
    /// HKDF refused its inputs (cannot happen with NIP-44's fixed sizes; reported, not hidden).
    KeyDerivation,
    /// A NIP-98 authorization check failed; names which one.
    Unauthorized(&'static str),
    /// An event template names a pubkey other than the signing key.
    WrongPubkey,
    /// A named thing (e.g. "account", "client", "pending request") does not exist.
    NotFound(&'static str),
    /// A state snapshot was written by another (older or newer) format version.
    UnsupportedStateVersion(u16),
    /// The caller's key source has no secret key for a key the core needs.
    KeyUnavailable,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed(what) => write!(f, "malformed {what}"),
            Error::BufferTooSmall => f.write_str("output buffer too small"),
            Error::TooLarge(what) => write!(f, "{what} too large"),
            Error::InvalidSecretKey => f.write_str("invalid secret key"),
            Error::InvalidPublicKey => f.write_str("invalid public key"),
            Error::BadSignature => f.write_str("invalid signature"),
            Error::BadEventId => f.write_str("event id does not match its content"),
            Error::Decrypt => f.write_str("decryption failed"),
            Error::InvalidPlaintextLength => f.write_str("invalid plaintext length"),
            Error::UnsupportedVersion => f.write_str("unsupported encryption version"),
            Error::Bech32 => f.write_str("invalid bech32 string"),
            Error::Signing => f.write_str("signing failed"),
            Error::KeyDerivation => f.write_str("key derivation failed"),
            Error::Unauthorized(why) => write!(f, "unauthorized: {why}"),
            Error::WrongPubkey => f.write_str("event pubkey is not the signing key"),
            Error::NotFound(what) => write!(f, "{what} not found"),
            Error::UnsupportedStateVersion(v) => write!(f, "unsupported state version {v}"),
            Error::KeyUnavailable => f.write_str("secret key unavailable"),
        }
    }
}

impl core::error::Error for Error {}
