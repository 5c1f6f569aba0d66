//! RustCrypto k256 backend (pure Rust).
//!
//! k256's `Signer::sign` hashes its input first, which is wrong for Nostr; we sign the 32-byte
//! id through the stable `RandomizedPrehashSigner` API, handing it the caller's aux bytes through
//! a one-shot RNG, rather than through the `#[doc(hidden)]` `sign_raw`.

use core::fmt;

use k256::schnorr::signature::hazmat::{PrehashVerifier, RandomizedPrehashSigner};
use k256::schnorr::signature::rand_core::{TryCryptoRng, TryRng};
use k256::schnorr::{SigningKey, VerifyingKey};
use zeroize::Zeroize;

/// A validated secret scalar (k256 zeroizes it on drop).
pub(super) struct Secret(SigningKey);

/// A validated x-only public key (a curve point with even y).
#[derive(Clone, Copy)]
pub(super) struct Point(VerifyingKey);

impl Secret {
    pub(super) fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        SigningKey::from_slice(bytes).ok().map(Self)
    }

    pub(super) fn public(&self) -> ([u8; 32], Point) {
        let vk = *self.0.verifying_key();
        (vk.to_bytes().into(), Point(vk))
    }

    pub(super) fn sign(&self, msg: &[u8; 32], aux: &[u8; 32]) -> Option<[u8; 64]> {
        let mut rng = AuxRand(Some(*aux));
        let sig = self.0.sign_prehash_with_rng(&mut rng, msg).ok()?;
        Some(sig.to_bytes())
    }

    pub(super) fn ecdh_x(&self, peer: &Point) -> [u8; 32] {
        let shared = k256::elliptic_curve::ecdh::diffie_hellman(
            self.0.as_nonzero_scalar(),
            peer.0.as_affine(),
        );
        let mut out = [0u8; 32];
        out.copy_from_slice(shared.raw_secret_bytes());
        out
    }

    /// What k256 itself would export (negated for odd-y keys); tests only.
    #[cfg(test)]
    pub(super) fn exported_bytes(&self) -> [u8; 32] {
        self.0.to_bytes().into()
    }
}

impl Point {
    pub(super) fn from_x(x: &[u8; 32]) -> Option<Self> {
        VerifyingKey::from_bytes(x.into()).ok().map(Self)
    }

    pub(super) fn verify(&self, msg: &[u8; 32], sig: &[u8; 64]) -> bool {
        match k256::schnorr::Signature::try_from(&sig[..]) {
            Ok(sig) => self.0.verify_prehash(msg, &sig).is_ok(),
            Err(_) => false,
        }
    }
}

/// Hands k256 the caller's 32 aux bytes exactly once.
struct AuxRand(Option<[u8; 32]>);

/// The aux bytes were already consumed (k256 asked twice, which it does not do today).
#[derive(Debug)]
struct AuxExhausted;

impl fmt::Display for AuxExhausted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("aux randomness already used")
    }
}

impl core::error::Error for AuxExhausted {}

impl TryRng for AuxRand {
    type Error = AuxExhausted;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Err(AuxExhausted)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Err(AuxExhausted)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        match self.0.take() {
            Some(mut aux) if dst.len() == aux.len() => {
                dst.copy_from_slice(&aux);
                aux.zeroize();
                Ok(())
            }
            _ => Err(AuxExhausted),
        }
    }
}

impl TryCryptoRng for AuxRand {}

impl Drop for AuxRand {
    fn drop(&mut self) {
        if let Some(aux) = self.0.as_mut() {
            aux.zeroize();
        }
    }
}
