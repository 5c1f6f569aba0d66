//! The one place where signer-core's errors become the bridge's [`FfiError`].

use signer_core::Error;

use crate::bridge::ffi::FfiError;

impl From<Error> for FfiError {
    /// Five actionable kinds for the Swift side:
    /// - `InvalidKey`: a key (nsec, hex, bytes, npub) is not a valid key, or the secret key
    ///   passed is not the one the account needs → ask the user / re-read the Keychain;
    /// - `NotFound(what)`: the account, client or pending request is gone → refresh the screen;
    /// - `LimitReached(what)`: a fixed capacity (accounts, clients, relays, held requests, event
    ///   size) → tell the user;
    /// - `CorruptState`: the state blob does not decode → restore or reset it;
    /// - `InvalidInput(why)`: anything else the caller passed is malformed.
    ///
    /// The messages are signer-core's static labels: they never carry key material or plaintext.
    fn from(e: Error) -> Self {
        match e {
            Error::InvalidSecretKey
            | Error::InvalidPublicKey
            | Error::Bech32
            | Error::WrongPubkey
            | Error::KeyUnavailable => FfiError::InvalidKey,
            Error::NotFound(what) => FfiError::NotFound(what.to_owned()),
            Error::TooLarge(what) => FfiError::LimitReached(what.to_owned()),
            Error::UnsupportedStateVersion(_) => FfiError::CorruptState,
            other => FfiError::InvalidInput(other.to_string()),
        }
    }
}

impl core::fmt::Debug for FfiError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FfiError::InvalidKey => f.write_str("InvalidKey"),
            FfiError::NotFound(w) => write!(f, "NotFound({w})"),
            FfiError::LimitReached(w) => write!(f, "LimitReached({w})"),
            FfiError::CorruptState => f.write_str("CorruptState"),
            FfiError::InvalidInput(w) => write!(f, "InvalidInput({w})"),
        }
    }
}

impl PartialEq for FfiError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (FfiError::InvalidKey, FfiError::InvalidKey)
            | (FfiError::CorruptState, FfiError::CorruptState) => true,
            (FfiError::NotFound(a), FfiError::NotFound(b))
            | (FfiError::LimitReached(a), FfiError::LimitReached(b))
            | (FfiError::InvalidInput(a), FfiError::InvalidInput(b)) => a == b,
            _ => false,
        }
    }
}

/// Shorthand for the bridge's results.
pub type FfiResult<T> = Result<T, FfiError>;

/// A malformed-input error naming what was wrong.
pub(crate) fn invalid(what: &str) -> FfiError {
    FfiError::InvalidInput(format!("malformed {what}"))
}
