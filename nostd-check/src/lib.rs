//! C-callable shims over signer-core, built without `std` and without an allocator.
//!
//! Every public module of signer-core is reached from here, so a dependency that drags in `std`
//! or `alloc` anywhere fails this build. Return values: a length (>= 0) or a status, negative on
//! error.
#![no_std]

use core::panic::PanicInfo;
use core::slice;

use signer_core::keys::{PublicKey, SecretKey, Signature};
use signer_core::nip46::{perms, uri};
use signer_core::{event, nip04, nip19, nip44, nip98};

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}

const OK: i32 = 0;
const ERR: i32 = -1;

/// # Safety
/// `ptr` must be valid for reads of `len` bytes (or `len` must be 0).
unsafe fn input<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        unsafe { slice::from_raw_parts(ptr, len) }
    }
}

/// # Safety
/// `ptr` must be valid for writes of `len` bytes (or `len` must be 0).
unsafe fn output<'a>(ptr: *mut u8, len: usize) -> &'a mut [u8] {
    if len == 0 {
        &mut []
    } else {
        unsafe { slice::from_raw_parts_mut(ptr, len) }
    }
}

fn len_or_err(r: Result<usize, signer_core::Error>) -> i64 {
    match r {
        Ok(n) => n as i64,
        Err(_) => ERR as i64,
    }
}

/// BIP-340 sign of a 32-byte message.
///
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

/// BIP-340 verify.
///
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

/// NIP-44 conversation key between `sk` and `pk`.
///
/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_nip44_conversation_key(
    sk: *const [u8; 32],
    pk: *const [u8; 32],
    out: *mut [u8; 32],
) -> i32 {
    let (sk, pk, out) = unsafe { (&*sk, &*pk, &mut *out) };
    let (Ok(sk), Ok(pk)) = (SecretKey::from_bytes(sk), PublicKey::from_bytes(pk)) else {
        return ERR;
    };
    *out = *nip44::ConversationKey::derive(&sk, &pk).as_bytes();
    OK
}

/// NIP-44 v2 encrypt to base64 with a given nonce. Returns the payload length.
///
/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_nip44_encrypt(
    ck: *const [u8; 32],
    nonce: *const [u8; 32],
    pt: *const u8,
    pt_len: usize,
    out: *mut u8,
    out_cap: usize,
) -> i64 {
    let key = nip44::ConversationKey::from_bytes(unsafe { &*ck });
    let (nonce, pt, out) = unsafe { (&*nonce, input(pt, pt_len), output(out, out_cap)) };
    len_or_err(nip44::encrypt_to_base64(&key, nonce, pt, out))
}

/// NIP-44 v2 decrypt of a base64 payload. Returns the plaintext length.
///
/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_nip44_decrypt(
    ck: *const [u8; 32],
    payload: *const u8,
    payload_len: usize,
    out: *mut u8,
    out_cap: usize,
) -> i64 {
    let key = nip44::ConversationKey::from_bytes(unsafe { &*ck });
    let (payload, out) = unsafe { (input(payload, payload_len), output(out, out_cap)) };
    len_or_err(nip44::decrypt_from_base64(&key, payload, out))
}

/// NIP-04 decrypt. Returns the plaintext length.
///
/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_nip04_decrypt(
    sk: *const [u8; 32],
    pk: *const [u8; 32],
    payload: *const u8,
    payload_len: usize,
    out: *mut u8,
    out_cap: usize,
) -> i64 {
    let (sk, pk) = unsafe { (&*sk, &*pk) };
    let (Ok(sk), Ok(pk)) = (SecretKey::from_bytes(sk), PublicKey::from_bytes(pk)) else {
        return ERR as i64;
    };
    let (payload, out) = unsafe { (input(payload, payload_len), output(out, out_cap)) };
    len_or_err(nip04::decrypt(&sk, &pk, payload, out))
}

/// Parse and verify a signed NIP-01 event (id and signature).
///
/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_event_verify(json: *const u8, len: usize) -> i32 {
    let json = unsafe { input(json, len) };
    match event::Event::parse(json).and_then(|ev| ev.verify()) {
        Ok(()) => OK,
        Err(_) => ERR,
    }
}

/// Sign an unsigned event template given as JSON. Returns the signed event JSON length.
///
/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_event_sign(
    sk: *const [u8; 32],
    aux: *const [u8; 32],
    json: *const u8,
    len: usize,
    out: *mut u8,
    out_cap: usize,
) -> i64 {
    let (sk, aux) = unsafe { (&*sk, &*aux) };
    let Ok(sk) = SecretKey::from_bytes(sk) else {
        return ERR as i64;
    };
    let (json, out) = unsafe { (input(json, len), output(out, out_cap)) };
    len_or_err(event::UnsignedEvent::parse(json).and_then(|t| event::sign(&sk, &t, aux, out)))
}

/// Encode a public key as npub. Returns the string length.
///
/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_npub(pk: *const [u8; 32], out: *mut u8, out_cap: usize) -> i64 {
    let Ok(pk) = PublicKey::from_bytes(unsafe { &*pk }) else {
        return ERR as i64;
    };
    len_or_err(nip19::encode_npub_into(&pk, unsafe {
        output(out, out_cap)
    }))
}

/// Verify a NIP-98 `Authorization` header value for a request. Returns OK or ERR.
///
/// # Safety
/// All pointers must be valid for the stated lengths; url and method must be UTF-8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_nip98_verify(
    header: *const u8,
    header_len: usize,
    url: *const u8,
    url_len: usize,
    method: *const u8,
    method_len: usize,
    body: *const u8,
    body_len: usize,
    now: u64,
) -> i32 {
    let (header, url, method, body) = unsafe {
        (
            input(header, header_len),
            input(url, url_len),
            input(method, method_len),
            input(body, body_len),
        )
    };
    let (Ok(url), Ok(method)) = (core::str::from_utf8(url), core::str::from_utf8(method)) else {
        return ERR;
    };
    let body = if body.is_empty() { None } else { Some(body) };
    let mut scratch = [0u8; 4096];
    match nip98::verify_header(header, url, method, body, now, &mut scratch) {
        Ok(_) => OK,
        Err(_) => ERR,
    }
}

/// Parse a nostrconnect:// URI and return how many relays it names, or ERR unless a Low-trust
/// client seeded from its perms may sign kind 13 without asking (exercises the permission module).
///
/// # Safety
/// All pointers must be valid for the stated lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn clave_nostrconnect_relays(s: *const u8, len: usize) -> i32 {
    let Ok(s) = core::str::from_utf8(unsafe { input(s, len) }) else {
        return ERR;
    };
    let Ok(parsed) = uri::NostrConnectUri::parse(s) else {
        return ERR;
    };
    let protected = perms::ProtectedKinds::default();
    let seeded = perms::ClientPerms::seeded(perms::TrustLevel::Low, &parsed.perms, &protected);
    let decision = perms::decide(&seeded, perms::Method::SignEvent, Some(13), &protected);
    if decision != perms::Decision::Allow {
        return ERR;
    }
    parsed.relays.len() as i32
}
