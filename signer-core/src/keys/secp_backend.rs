//! libsecp256k1 backend (the `secp256k1` crate without `std` or `alloc`).
//!
//! The crate's no-std global context is a static guarded by a spin lock, so nothing allocates.
//! Its `Keypair` does not zeroize on drop, so `Secret` erases it explicitly.

use secp256k1::{Keypair, Parity, XOnlyPublicKey, ecdh, schnorr};

/// A validated secret scalar with its cached public key.
pub(super) struct Secret(Keypair);

/// A validated x-only public key.
#[derive(Clone, Copy)]
pub(super) struct Point(XOnlyPublicKey);

impl Secret {
    pub(super) fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        Keypair::from_secret_bytes(*bytes).ok().map(Self)
    }

    pub(super) fn public(&self) -> ([u8; 32], Point) {
        let (x, _) = self.0.x_only_public_key();
        (x.to_byte_array(), Point(x))
    }

    pub(super) fn sign(&self, msg: &[u8; 32], aux: &[u8; 32]) -> Option<[u8; 64]> {
        Some(schnorr::sign_with_aux_rand(msg, &self.0, aux).to_byte_array())
    }

    pub(super) fn ecdh_x(&self, peer: &Point) -> [u8; 32] {
        let full = peer.0.public_key(Parity::Even);
        let mut xy = ecdh::shared_secret_point(&full, &self.0.secret_key());
        let mut out = [0u8; 32];
        out.copy_from_slice(&xy[..32]);
        zeroize::Zeroize::zeroize(&mut xy);
        out
    }

    /// What the backend exports (the scalar as given); tests only.
    #[cfg(test)]
    pub(super) fn exported_bytes(&self) -> [u8; 32] {
        self.0.to_secret_bytes()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.non_secure_erase();
    }
}

impl Point {
    pub(super) fn from_x(x: &[u8; 32]) -> Option<Self> {
        XOnlyPublicKey::from_byte_array(*x).ok().map(Self)
    }

    pub(super) fn verify(&self, msg: &[u8; 32], sig: &[u8; 64]) -> bool {
        schnorr::verify(&schnorr::Signature::from_byte_array(*sig), msg, &self.0).is_ok()
    }
}
