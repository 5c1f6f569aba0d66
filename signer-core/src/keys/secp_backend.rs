//! libsecp256k1 backend (the `secp256k1` crate without `std` or `alloc`).
//!
//! Contexts are caller-owned: [`with_ctx`] builds one in a few hundred bytes of stack
//! (`Secp256k1::preallocated_new`, no allocator, no global state, no lock) and optionally
//! randomizes it once (side-channel blinding of base-point multiplications). A request
//! randomizes one context and uses it for every key creation and signature it makes; nothing is
//! shared between threads.
//!
//! `SecretKey` and `Keypair` do not zeroize on drop, so `Secret` erases them explicitly.

use secp256k1::ffi::types::AlignedType;
use secp256k1::{
    AllPreallocated, Keypair, Message, Parity, PublicKey, Secp256k1, XOnlyPublicKey, ecdh, schnorr,
};

/// Context storage in 16-byte words. libsecp256k1 0.4 needs 13 (208 bytes) on 64-bit targets;
/// a test checks the margin.
pub(super) const CTX_WORDS: usize = 32;

/// Memory a context lives in, owned by the caller.
pub(super) type Memory = [AlignedType; CTX_WORDS];

/// Fresh context memory.
pub(super) const fn memory() -> Memory {
    [AlignedType::ZERO; CTX_WORDS]
}

/// A libsecp256k1 context living in caller-owned memory.
pub(super) struct Ctx<'a>(Secp256k1<AllPreallocated<'a>>);

/// Build a context in `mem`, randomized from `seed` when given (verification needs no
/// blinding).
pub(super) fn new_ctx<'m>(mem: &'m mut Memory, seed: Option<&[u8; 32]>) -> Ctx<'m> {
    let Ok(mut secp) = Secp256k1::preallocated_new(mem) else {
        // Not reachable: the size is fixed by the linked libsecp256k1 and a test checks that
        // CTX_WORDS covers it with room to spare. Not input-dependent.
        panic!("libsecp256k1 context larger than CTX_WORDS");
    };
    if let Some(seed) = seed {
        secp.seeded_randomize(seed);
    }
    Ctx(secp)
}

/// Run `f` with a fresh context on this stack frame (see [`new_ctx`]).
pub(super) fn with_ctx<T>(seed: Option<&[u8; 32]>, f: impl FnOnce(&Ctx<'_>) -> T) -> T {
    let mut mem = memory();
    f(&new_ctx(&mut mem, seed))
}

/// A validated secret scalar and, once computed, its key pair (public key).
pub(super) struct Secret {
    sk: secp256k1::SecretKey,
    pair: Option<Keypair>,
}

/// A validated x-only public key, with the full even-y point when it came at no cost (a parsed
/// key; an own key with even y): ECDH needs that form, and converting costs a square root.
#[derive(Clone, Copy)]
pub(super) struct Point {
    xonly: XOnlyPublicKey,
    even: Option<PublicKey>,
}

impl Secret {
    /// Validates the scalar (no curve arithmetic).
    pub(super) fn from_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let sk = secp256k1::SecretKey::from_slice(bytes).ok()?;
        Some(Self { sk, pair: None })
    }

    /// Computes and keeps the key pair, in `cx`, unless already done.
    pub(super) fn complete(&mut self, cx: &Ctx<'_>) {
        if self.pair.is_none() {
            self.pair = Some(Keypair::from_secret_key(&cx.0, &self.sk));
        }
    }

    /// Runs `f` on the kept key pair, or on one computed in `cx` for this call (then erased).
    fn with_pair<T>(&self, cx: &Ctx<'_>, f: impl FnOnce(&Keypair) -> T) -> T {
        match &self.pair {
            Some(pair) => f(pair),
            None => {
                let mut pair = Keypair::from_secret_key(&cx.0, &self.sk);
                let out = f(&pair);
                pair.non_secure_erase();
                out
            }
        }
    }

    pub(super) fn cached_public(&self) -> Option<([u8; 32], Point)> {
        self.pair.as_ref().map(public_of)
    }

    pub(super) fn public(&self, cx: &Ctx<'_>) -> ([u8; 32], Point) {
        self.with_pair(cx, public_of)
    }

    pub(super) fn sign(&self, cx: &Ctx<'_>, msg: &[u8; 32], aux: &[u8; 32]) -> Option<[u8; 64]> {
        let msg = Message::from_digest(*msg);
        let sig = self.with_pair(cx, |pair| cx.0.sign_schnorr_with_aux_rand(&msg, pair, aux));
        Some(*sig.as_ref())
    }

    pub(super) fn ecdh_x(&self, peer: &Point) -> [u8; 32] {
        let even = peer
            .even
            .unwrap_or_else(|| peer.xonly.public_key(Parity::Even));
        let mut xy = ecdh::shared_secret_point(&even, &self.sk);
        let mut out = [0u8; 32];
        out.copy_from_slice(&xy[..32]);
        zeroize::Zeroize::zeroize(&mut xy);
        out
    }

    /// What the backend exports (the scalar as given); tests only.
    #[cfg(test)]
    pub(super) fn exported_bytes(&self) -> [u8; 32] {
        self.sk.secret_bytes()
    }
}

fn public_of(pair: &Keypair) -> ([u8; 32], Point) {
    let (xonly, parity) = pair.x_only_public_key();
    let even = (parity == Parity::Even).then(|| pair.public_key());
    (xonly.serialize(), Point { xonly, even })
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.sk.non_secure_erase();
        if let Some(pair) = self.pair.as_mut() {
            pair.non_secure_erase();
        }
    }
}

impl Point {
    /// Parses `x` as the even-y point (one square root) and derives the x-only form from it.
    pub(super) fn from_x(x: &[u8; 32]) -> Option<Self> {
        let mut compressed = [0x02u8; 33];
        compressed[1..].copy_from_slice(x);
        let even = PublicKey::from_slice(&compressed).ok()?;
        let (xonly, _) = even.x_only_public_key();
        Some(Self {
            xonly,
            even: Some(even),
        })
    }

    pub(super) fn verify(&self, cx: &Ctx<'_>, msg: &[u8; 32], sig: &[u8; 64]) -> bool {
        let Ok(sig) = schnorr::Signature::from_slice(sig) else {
            return false;
        };
        cx.0.verify_schnorr(&sig, &Message::from_digest(*msg), &self.xonly)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_fits_its_stack_buffer() {
        let need = Secp256k1::<AllPreallocated<'_>>::preallocate_size();
        assert!(
            need <= CTX_WORDS,
            "context needs {need} words, buffer has {CTX_WORDS}"
        );
        with_ctx(Some(&[7; 32]), |_| ());
    }
}
