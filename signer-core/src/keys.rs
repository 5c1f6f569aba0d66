//! Keys, BIP-340 Schnorr signatures and x-only ECDH.
//!
//! Nostr keys are secp256k1 with x-only (32-byte) public keys, signatures are BIP-340 over the
//! 32-byte event id, with the caller's aux randomness (sans-IO: no RNG here).
//!
//! Two interchangeable backends sit behind this API, checked by the same vectors and
//! differential tests: RustCrypto `k256` (default, pure Rust, the design card's choice) and
//! libsecp256k1 through the `secp256k1` crate (feature `libsecp256k1`, about 2-3x faster signing
//! and ECDH, C code built by `cc`; no `std`, no allocator). The iOS build enables the latter,
//! because each push pays for two signatures and an ECDH and the reference client libraries use
//! libsecp256k1 too.
//!
//! # Contexts and side-channel blinding
//!
//! libsecp256k1 blinds its base-point multiplications (key pairs, signatures) with a random
//! value held in a *context*. A [`Context`] lives on the caller's stack for one batch of
//! operations (one NIP-46 request) and is randomized once, from a seed the caller derives from
//! its fresh entropy; the `*_with` methods use it. The methods without a context build their
//! own: blinded from a hash of the secret key and the call's inputs for key pairs and
//! signatures, unblinded for verification (no secret is involved). Nothing is global, nothing
//! is locked, so threads never contend. With k256 a context is empty and costs nothing.
//!
//! Randomizing costs about as much as a signature (a base-point multiplication plus hashing).
//! A signer that lives on — a host loop, a microcontroller's main loop — can keep one
//! [`KeptContext`] in memory it owns and pay that once, as libsecp256k1 recommends (and as
//! rust-nostr's global context does once per process), re-creating it with fresh entropy
//! whenever it likes. The iOS NSE, a fresh process per push, blinds once per push either way.
//!
//! [`SecretKey::from_bytes`] computes the public key at once, in a context of its own;
//! [`SecretKey::from_bytes_deferred`] only range-checks, leaving the public key to the first
//! operation that has a context (the NIP-46 signer completes a key handed over by a
//! [`KeySource`](crate::nip46::KeySource) in the request's context, saving a blinding).

use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;

use sha2::{Digest as _, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

#[cfg(not(feature = "libsecp256k1"))]
#[path = "keys/k256_backend.rs"]
mod backend;
#[cfg(feature = "libsecp256k1")]
#[path = "keys/secp_backend.rs"]
mod backend;

use crate::{Error, hex};

/// A curve context for a batch of operations, randomized once (see the [module docs](self)).
///
/// ```
/// use signer_core::keys::{Context, SecretKey};
///
/// let sk = SecretKey::from_bytes(&[1u8; 32])?;
/// let seed = [9u8; 32]; // fresh random bytes in real use
/// let sig = Context::with(&seed, |cx| sk.sign_schnorr_with(cx, &[7u8; 32], &[0u8; 32]))?;
/// sk.public_key().verify_schnorr(&[7u8; 32], &sig)?;
/// # Ok::<(), signer_core::Error>(())
/// ```
pub struct Context<'a> {
    inner: &'a backend::Ctx<'a>,
    /// Not `Sync`: one context serves one thread's batch.
    _not_sync: PhantomData<Cell<()>>,
}

impl Context<'_> {
    /// Run `f` with a context on this stack frame, blinded from `seed` (32 fresh random bytes,
    /// or a hash of them; secret data is fine, libsecp256k1 mixes it in a one-way hash). About
    /// 500 bytes of stack and, with libsecp256k1, one base-point multiplication to randomize.
    pub fn with<T>(seed: &[u8; 32], f: impl FnOnce(&Context<'_>) -> T) -> T {
        backend::with_ctx(Some(seed), |inner| {
            f(&Context {
                inner,
                _not_sync: PhantomData,
            })
        })
    }
}

/// Memory for a [`KeptContext`], owned by the caller (a few hundred bytes with libsecp256k1,
/// nothing with k256).
pub struct ContextMemory(backend::Memory);

impl ContextMemory {
    /// Fresh memory.
    pub const fn new() -> Self {
        Self(backend::memory())
    }
}

impl Default for ContextMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ContextMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContextMemory(..)")
    }
}

/// A context randomized once and kept for many batches (see the [module docs](self)):
/// [`get`](Self::get) lends it out as a [`Context`].
///
/// ```
/// use signer_core::keys::{ContextMemory, KeptContext, SecretKey};
///
/// let sk = SecretKey::from_bytes(&[1u8; 32])?;
/// let mut mem = ContextMemory::new();
/// let kept = KeptContext::new(&mut mem, &[9u8; 32]); // fresh random bytes in real use
/// for msg in [[7u8; 32], [8u8; 32]] {
///     let sig = sk.sign_schnorr_with(&kept.get(), &msg, &[0u8; 32])?;
///     sk.public_key().verify_schnorr(&msg, &sig)?;
/// }
/// # Ok::<(), signer_core::Error>(())
/// ```
pub struct KeptContext<'m> {
    inner: backend::Ctx<'m>,
    /// Not `Sync`: one context serves one thread.
    _not_sync: PhantomData<Cell<()>>,
}

impl<'m> KeptContext<'m> {
    /// Build a context in `mem`, blinded from `seed` (32 fresh random bytes).
    pub fn new(mem: &'m mut ContextMemory, seed: &[u8; 32]) -> Self {
        Self {
            inner: backend::new_ctx(&mut mem.0, Some(seed)),
            _not_sync: PhantomData,
        }
    }

    /// The context, for the `*_with` methods and the NIP-46 `*_in` calls.
    pub fn get(&self) -> Context<'_> {
        Context {
            inner: &self.inner,
            _not_sync: PhantomData,
        }
    }
}

impl fmt::Debug for KeptContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeptContext(..)")
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Context(..)")
    }
}

/// SHA-256 of a label and parts: the blinding seed of a context-free operation.
fn blinding_seed(label: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(label);
    for p in parts {
        h.update(p);
    }
    Zeroizing::new(h.finalize().into())
}

/// A secp256k1 secret key. Zeroized on drop, never printed, not `Clone` (copies of key material
/// are exactly what we are trying to avoid).
pub struct SecretKey {
    inner: backend::Secret,
    /// The scalar exactly as given: k256 negates keys whose public point has an odd y, so its
    /// own export would show a different nsec for half of all keys.
    bytes: Zeroizing<[u8; 32]>,
}

impl SecretKey {
    /// From 32 big-endian bytes; rejects zero and values not below the curve order. Computes
    /// the public key (with libsecp256k1: in a context blinded from a hash of the key).
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Error> {
        let mut sk = Self::from_bytes_deferred(bytes)?;
        let seed = blinding_seed(b"clave/keys/public_key", &[bytes]);
        backend::with_ctx(Some(&seed), |cx| sk.inner.complete(cx));
        Ok(sk)
    }

    /// Like [`from_bytes`](Self::from_bytes) but only checks the range: the public key is
    /// computed later, in the context of the operation that needs it. Meant for a
    /// [`KeySource`](crate::nip46::KeySource), whose keys the signer completes once in the
    /// request's blinded context (saving a context randomization per request). Used outside a
    /// [`Context`], each [`public_key`](Self::public_key) or
    /// [`sign_schnorr`](Self::sign_schnorr) call recomputes it.
    pub fn from_bytes_deferred(bytes: &[u8; 32]) -> Result<Self, Error> {
        let inner = backend::Secret::from_bytes(bytes).ok_or(Error::InvalidSecretKey)?;
        Ok(Self {
            inner,
            bytes: Zeroizing::new(*bytes),
        })
    }

    /// Compute and keep the public key in `cx` (no-op if already known).
    pub(crate) fn complete(&mut self, cx: &Context<'_>) {
        self.inner.complete(cx.inner);
    }

    /// From 64 hex characters.
    pub fn from_hex(s: &str) -> Result<Self, Error> {
        let bytes = Zeroizing::new(hex::decode_array::<32>(s.as_bytes())?);
        Self::from_bytes(&bytes)
    }

    /// The scalar bytes exactly as imported (what an nsec export must show), in a wrapper that
    /// zeroizes the copy on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(*self.bytes)
    }

    /// The x-only public key.
    pub fn public_key(&self) -> PublicKey {
        if let Some((bytes, point)) = self.inner.cached_public() {
            return PublicKey { bytes, point };
        }
        let seed = blinding_seed(b"clave/keys/public_key", &[&self.bytes[..]]);
        backend::with_ctx(Some(&seed), |cx| self.public_in(cx))
    }

    /// The x-only public key, computed in `cx` if not already known.
    pub fn public_key_with(&self, cx: &Context<'_>) -> PublicKey {
        self.public_in(cx.inner)
    }

    fn public_in(&self, cx: &backend::Ctx<'_>) -> PublicKey {
        let (bytes, point) = self.inner.public(cx);
        PublicKey { bytes, point }
    }

    /// BIP-340 signature over a 32-byte message (a Nostr event id), with caller-supplied aux
    /// randomness (BIP-340 recommends fresh random bytes; all-zero is still a valid signature).
    /// Blinds a context of its own from a hash of the key, the message and `aux_rand`.
    pub fn sign_schnorr(&self, msg: &[u8; 32], aux_rand: &[u8; 32]) -> Result<Signature, Error> {
        let seed = blinding_seed(b"clave/keys/sign", &[&self.bytes[..], msg, aux_rand]);
        backend::with_ctx(Some(&seed), |cx| self.sign_in(cx, msg, aux_rand))
    }

    /// [`sign_schnorr`](Self::sign_schnorr) in the caller's (already blinded) context.
    pub fn sign_schnorr_with(
        &self,
        cx: &Context<'_>,
        msg: &[u8; 32],
        aux_rand: &[u8; 32],
    ) -> Result<Signature, Error> {
        self.sign_in(cx.inner, msg, aux_rand)
    }

    fn sign_in(
        &self,
        cx: &backend::Ctx<'_>,
        msg: &[u8; 32],
        aux_rand: &[u8; 32],
    ) -> Result<Signature, Error> {
        self.inner
            .sign(cx, msg, aux_rand)
            .map(Signature)
            .ok_or(Error::Signing)
    }

    /// The x coordinate of `self * peer`: the shared secret of NIP-04 and the IKM of NIP-44.
    pub fn shared_x(&self, peer: &PublicKey) -> SharedX {
        SharedX(self.inner.ecdh_x(&peer.point))
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

/// The 32-byte x coordinate of an ECDH point. Zeroized on drop.
pub struct SharedX(pub(crate) [u8; 32]);

impl SharedX {
    /// The raw bytes (e.g. as NIP-04's AES key).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Drop for SharedX {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for SharedX {}

impl fmt::Debug for SharedX {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedX(..)")
    }
}

/// An x-only secp256k1 public key that is known to be on the curve.
#[derive(Clone, Copy)]
pub struct PublicKey {
    bytes: [u8; 32],
    point: backend::Point,
}

impl PublicKey {
    /// From 32 bytes; rejects x coordinates with no curve point.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Error> {
        let point = backend::Point::from_x(bytes).ok_or(Error::InvalidPublicKey)?;
        Ok(Self {
            bytes: *bytes,
            point,
        })
    }

    /// From 64 hex characters (either case on input).
    pub fn from_hex(s: &str) -> Result<Self, Error> {
        Self::from_hex_bytes(s.as_bytes())
    }

    /// From 64 hex characters given as bytes.
    pub fn from_hex_bytes(s: &[u8]) -> Result<Self, Error> {
        Self::from_bytes(&hex::decode_array::<32>(s)?)
    }

    /// The 32 x-only bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// 64 lowercase hex characters.
    pub fn to_hex(&self) -> [u8; 64] {
        hex::encode_array(&self.bytes)
    }

    /// Verify a BIP-340 signature over a 32-byte message (in a fresh, unblinded context of its
    /// own: a few hundred bytes of stack, nothing shared between threads).
    pub fn verify_schnorr(&self, msg: &[u8; 32], sig: &Signature) -> Result<(), Error> {
        backend::with_ctx(None, |cx| self.verify_in(cx, msg, sig))
    }

    /// [`verify_schnorr`](Self::verify_schnorr) in the caller's context.
    pub fn verify_schnorr_with(
        &self,
        cx: &Context<'_>,
        msg: &[u8; 32],
        sig: &Signature,
    ) -> Result<(), Error> {
        self.verify_in(cx.inner, msg, sig)
    }

    fn verify_in(
        &self,
        cx: &backend::Ctx<'_>,
        msg: &[u8; 32],
        sig: &Signature,
    ) -> Result<(), Error> {
        if self.point.verify(cx, msg, &sig.0) {
            Ok(())
        } else {
            Err(Error::BadSignature)
        }
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        // Hex digits are ASCII, so this cannot fail; fall back to a marker rather than panic.
        f.write_str("PublicKey(")?;
        f.write_str(core::str::from_utf8(&hex).unwrap_or("?"))?;
        f.write_str(")")
    }
}

/// A 64-byte BIP-340 signature (not checked until verified).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 64]);

impl Signature {
    /// From 128 hex characters.
    pub fn from_hex_bytes(s: &[u8]) -> Result<Self, Error> {
        Ok(Self(hex::decode_array::<64>(s)?))
    }

    /// 128 lowercase hex characters.
    pub fn to_hex(&self) -> [u8; 128] {
        hex::encode_array(&self.0)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        f.write_str(core::str::from_utf8(&hex).unwrap_or("?"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret() {
        let sk = SecretKey::from_bytes(&[1u8; 32]).unwrap();
        let mut buf = heapless::String::<64>::new();
        core::fmt::write(&mut buf, format_args!("{sk:?}")).unwrap();
        assert_eq!(buf.as_str(), "SecretKey(..)");
    }

    #[test]
    fn to_bytes_returns_the_imported_scalar_for_odd_y_keys() {
        // Find keys on both sides of k256's even-y normalisation; both must export unchanged.
        let mut seen_odd = false;
        for b in 1u8..=16 {
            let bytes = [b; 32];
            let sk = SecretKey::from_bytes(&bytes).unwrap();
            assert_eq!(*sk.to_bytes(), bytes);
            seen_odd |= sk.inner.exported_bytes() != bytes;
        }
        // Only k256 negates; libsecp256k1 keeps the scalar as given.
        #[cfg(not(feature = "libsecp256k1"))]
        assert!(
            seen_odd,
            "no odd-y key among the samples: the test would prove nothing"
        );
        let _ = seen_odd;
    }

    #[test]
    fn rejects_zero_and_order() {
        assert!(SecretKey::from_bytes(&[0u8; 32]).is_err());
        assert!(SecretKey::from_bytes(&[0xffu8; 32]).is_err());
    }

    #[test]
    fn ecdh_is_symmetric() {
        let a = SecretKey::from_bytes(&[2u8; 32]).unwrap();
        let b = SecretKey::from_bytes(&[3u8; 32]).unwrap();
        assert_eq!(
            a.shared_x(&b.public_key()).as_bytes(),
            b.shared_x(&a.public_key()).as_bytes()
        );
    }

    #[test]
    fn deferred_keys_match_eager_keys() {
        for b in 1u8..=8 {
            let eager = SecretKey::from_bytes(&[b; 32]).unwrap();
            let deferred = SecretKey::from_bytes_deferred(&[b; 32]).unwrap();
            assert_eq!(deferred.public_key(), eager.public_key());
            let (msg, aux) = ([b ^ 0x5a; 32], [b; 32]);
            assert_eq!(
                deferred.sign_schnorr(&msg, &aux).unwrap(),
                eager.sign_schnorr(&msg, &aux).unwrap()
            );
            let mut completed = SecretKey::from_bytes_deferred(&[b; 32]).unwrap();
            Context::with(&[b; 32], |cx| completed.complete(cx));
            assert_eq!(completed.public_key(), eager.public_key());
        }
        assert!(SecretKey::from_bytes_deferred(&[0u8; 32]).is_err());
        assert!(SecretKey::from_bytes_deferred(&[0xffu8; 32]).is_err());
    }

    #[test]
    fn blinding_never_changes_results() {
        // BIP-340 signatures are a function of key, message and aux only: contexts blinded
        // from any seed (or none) must produce the same bytes, and verify in any context.
        let sk = SecretKey::from_bytes_deferred(&[7u8; 32]).unwrap();
        let (msg, aux) = ([3u8; 32], [4u8; 32]);
        let plain = sk.sign_schnorr(&msg, &aux).unwrap();
        for seed in [[0u8; 32], [1u8; 32], [0xffu8; 32]] {
            let (pk, sig) = Context::with(&seed, |cx| {
                (
                    sk.public_key_with(cx),
                    sk.sign_schnorr_with(cx, &msg, &aux).unwrap(),
                )
            });
            assert_eq!(sig, plain);
            assert_eq!(pk, sk.public_key());
            Context::with(&seed, |cx| pk.verify_schnorr_with(cx, &msg, &sig)).unwrap();
            let mut bad = sig;
            bad.0[0] ^= 1;
            assert_eq!(
                Context::with(&seed, |cx| pk.verify_schnorr_with(cx, &msg, &bad)),
                Err(Error::BadSignature)
            );
        }
    }

    #[test]
    fn ecdh_with_own_odd_and_even_keys() {
        // An own key's point may lack the cached even-y form (odd y); ECDH must not care.
        for b in 1u8..=8 {
            let a = SecretKey::from_bytes(&[b; 32]).unwrap();
            let c = SecretKey::from_bytes(&[b.wrapping_add(40); 32]).unwrap();
            let parsed = PublicKey::from_bytes(c.public_key().as_bytes()).unwrap();
            assert_eq!(
                a.shared_x(&c.public_key()).as_bytes(),
                a.shared_x(&parsed).as_bytes()
            );
            assert_eq!(
                a.shared_x(&c.public_key()).as_bytes(),
                c.shared_x(&a.public_key()).as_bytes()
            );
        }
    }

    #[test]
    fn sign_verify_and_tamper() {
        let sk = SecretKey::from_bytes(&[9u8; 32]).unwrap();
        let pk = sk.public_key();
        let msg = [5u8; 32];
        let sig = sk.sign_schnorr(&msg, &[1u8; 32]).unwrap();
        pk.verify_schnorr(&msg, &sig).unwrap();
        let mut bad = sig;
        bad.0[10] ^= 1;
        assert_eq!(pk.verify_schnorr(&msg, &bad), Err(Error::BadSignature));
        assert_eq!(
            pk.verify_schnorr(&[6u8; 32], &sig),
            Err(Error::BadSignature)
        );
    }
}
