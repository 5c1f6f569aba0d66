//! C-callable shims over signer-core, built without `std` and without an allocator.
#![no_std]

use core::panic::PanicInfo;
use signer_core::keys::{PublicKey, SecretKey, Signature};

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}

/// Status codes for C: 0 ok, negative on error.
const OK: i32 = 0;
const ERR: i32 = -1;

/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_sign(
    sk: *const [u8; 32],
    aux: *const [u8; 32],
    msg: *const [u8; 32],
    sig_out: *mut [u8; 64],
) -> i32 {
    let (sk, aux, msg, out) = unsafe { (&*sk, &*aux, &*msg, &mut *sig_out) };
    let Ok(sk) = SecretKey::from_bytes(sk) else {
        return ERR;
    };
    match sk.sign_schnorr(msg, aux) {
        Ok(sig) => {
            *out = sig.0;
            OK
        }
        Err(_) => ERR,
    }
}

/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_verify(
    pk: *const [u8; 32],
    msg: *const [u8; 32],
    sig: *const [u8; 64],
) -> i32 {
    let (pk, msg, sig) = unsafe { (&*pk, &*msg, &*sig) };
    let Ok(pk) = PublicKey::from_bytes(pk) else {
        return ERR;
    };
    match pk.verify_schnorr(msg, &Signature(*sig)) {
        Ok(()) => OK,
        Err(_) => ERR,
    }
}
