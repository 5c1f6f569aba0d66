//! RustCrypto k256 backend (pure Rust).
//!
//! k256's `Signer::sign` hashes its input first, which is wrong for Nostr; we sign the 32-byte
//! id through the stable `RandomizedPrehashSigner` API, handing it the caller's aux bytes through
//! a one-shot RNG, rather than through the `#[doc(hidden)]` `sign_raw`.
//!
//! k256 keeps no state between operations: [`Ctx`] is empty, so both backends share one API.

use core::fmt;
use core::marker::PhantomData;

use k256::NonZeroScalar;
use k256::schnorr::signature::hazmat::{PrehashVerifier, RandomizedPrehashSigner};
use k256::schnorr::signature::rand_core::{TryCryptoRng, TryRng};
use k256::schnorr::{SigningKey, VerifyingKey};
use zeroize::Zeroize;

/// Nothing: k256 has no context to blind.
pub(super) struct Ctx<'a>(PhantomData<&'a ()>);

/// No memory needed.
pub(super) type Memory = [u8; 0];

/// Fresh context memory (none).
pub(super) const fn memory() -> Memory {
    []
}

/// An empty context (there is nothing to randomize).
pub(super) fn new_ctx<'m>(_mem: &'m mut Memory, _seed: Option<&[u8; 32]>) -> Ctx<'m> {
    Ctx(PhantomData)
}

/// Run `f` (there is nothing to randomize).
pub(super) fn with_ctx<T>(_seed: Option<&[u8; 32]>, f: impl FnOnce(&Ctx<'_>) -> T) -> T {
    f(&Ctx(PhantomData))
}

/// A validated secret scalar and, once computed, its signing key (scalar plus public key).
/// Both are zeroized on drop (k256 does it for `SigningKey`).
pub(super) struct Secret {
    scalar: NonZeroScalar,
    key: Option<SigningKey>,
}

/// A validated x-only public key (a curve point with even y).
#[derive(Clone, Copy)]
pub(super) struct Point(VerifyingKey);

impl Secret {
    /// Validates the scalar (no curve arithmetic).
    pub(super) fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let scalar: Option<NonZeroScalar> = NonZeroScalar::from_repr((*bytes).into()).into();
        Some(Self {
            scalar: scalar?,
            key: None,
        })
    }

    /// Computes and keeps the signing key unless already done.
    pub(super) fn complete(&mut self, _cx: &Ctx<'_>) {
        if self.key.is_none() {
            self.key = Some(SigningKey::from(self.scalar));
        }
    }

    /// Runs `f` on the kept signing key, or on one computed for this call (zeroized on drop).
    fn with_key<T>(&self, f: impl FnOnce(&SigningKey) -> T) -> T {
        match &self.key {
            Some(key) => f(key),
            None => f(&SigningKey::from(self.scalar)),
        }
    }

    pub(super) fn cached_public(&self) -> Option<([u8; 32], Point)> {
        self.key.as_ref().map(public_of)
    }

    pub(super) fn public(&self, _cx: &Ctx<'_>) -> ([u8; 32], Point) {
        self.with_key(public_of)
    }

    pub(super) fn sign(&self, _cx: &Ctx<'_>, msg: &[u8; 32], aux: &[u8; 32]) -> Option<[u8; 64]> {
        let mut rng = AuxRand(Some(*aux));
        let sig = self
            .with_key(|key| key.sign_prehash_with_rng(&mut rng, msg))
            .ok()?;
        Some(sig.to_bytes())
    }

    pub(super) fn ecdh_x(&self, peer: &Point) -> [u8; 32] {
        // x(-d·P) = x(d·P): k256's signing key may hold the negated scalar, either works.
        let shared = k256::elliptic_curve::ecdh::diffie_hellman(&self.scalar, peer.0.as_affine());
        let mut out = [0u8; 32];
        out.copy_from_slice(shared.raw_secret_bytes());
        out
    }

    /// What k256 itself would export (negated for odd-y keys); tests only.
    #[cfg(test)]
    pub(super) fn exported_bytes(&self) -> [u8; 32] {
        self.with_key(|key| key.to_bytes().into())
    }
}

fn public_of(key: &SigningKey) -> ([u8; 32], Point) {
    let vk = *key.verifying_key();
    (vk.to_bytes().into(), Point(vk))
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.scalar.zeroize();
    }
}

impl Point {
    pub(super) fn from_x(x: &[u8; 32]) -> Option<Self> {
        VerifyingKey::from_bytes(x.into()).ok().map(Self)
    }

    pub(super) fn verify(&self, _cx: &Ctx<'_>, msg: &[u8; 32], sig: &[u8; 64]) -> bool {
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
