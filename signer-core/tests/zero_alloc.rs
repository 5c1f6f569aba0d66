#![allow(unsafe_code)] // a global allocator is unsafe by definition; the library forbids it
//! Proves that signer-core's hot paths never touch the heap: a counting global allocator
//! records every allocation made on this thread while the measured closure runs.

use signer_core::keys::SecretKey;

#[path = "support/alloc_counter.rs"]
mod alloc_counter;
use alloc_counter::allocations;

#[test]
fn counter_sees_allocations() {
    // Guard against a counter that can never fail.
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert!(n >= 1, "the counting allocator must see a Vec allocation");
    drop(v);
}

#[test]
fn keys_sign_verify_ecdh_allocate_nothing() {
    let sk = SecretKey::from_bytes(&[7u8; 32]).unwrap();
    let peer = SecretKey::from_bytes(&[8u8; 32]).unwrap().public_key();
    let (n, ok) = allocations(|| {
        let pk = sk.public_key();
        let sig = sk.sign_schnorr(&[1u8; 32], &[2u8; 32]).unwrap();
        let shared = sk.shared_x(&peer);
        pk.verify_schnorr(&[1u8; 32], &sig).is_ok() && shared.as_bytes() != &[0u8; 32]
    });
    assert!(ok);
    assert_eq!(n, 0, "keys: {n} allocations");
}

#[test]
fn nip44_and_nip04_allocate_nothing() {
    use signer_core::{nip04, nip44};
    let a = SecretKey::from_bytes(&[7u8; 32]).unwrap();
    let b = SecretKey::from_bytes(&[8u8; 32]).unwrap();
    let b_pk = b.public_key();
    let a_pk = a.public_key();
    // Buffers are the caller's and allocated up front; only the core's own work is counted.
    let plaintext = vec![b'q'; 16 * 1024];
    let mut payload = vec![0u8; nip44::encrypted_len(plaintext.len()).unwrap()];
    let mut out = vec![0u8; nip44::decrypt_buffer_len(payload.len())];
    let mut p04 = vec![0u8; nip04::encrypted_len(plaintext.len()).unwrap()];
    let mut o04 = vec![0u8; nip04::decrypt_buffer_len(p04.len())];
    let (n, ok) = allocations(|| {
        let ck = nip44::ConversationKey::derive(&a, &b_pk);
        let len = nip44::encrypt_to_base64(&ck, &[3u8; 32], &plaintext, &mut payload).unwrap();
        let ck2 = nip44::ConversationKey::derive(&b, &a_pk);
        let m = nip44::decrypt_from_base64(&ck2, &payload[..len], &mut out).unwrap();
        let l4 = nip04::encrypt(&a, &b_pk, &[4u8; 16], &plaintext, &mut p04).unwrap();
        let m4 = nip04::decrypt(&b, &a_pk, &p04[..l4], &mut o04).unwrap();
        // A failing decrypt must not allocate either (error paths are hot under attack).
        let bad = nip44::decrypt_from_base64(&ck2, &payload[..len - 4], &mut out).is_err();
        m == plaintext.len() && m4 == plaintext.len() && bad
    });
    assert!(ok);
    assert_eq!(n, 0, "nip44/nip04: {n} allocations");
}

#[test]
fn nip19_and_nip46_uris_allocate_nothing() {
    use signer_core::nip19;
    use signer_core::nip46::{perms, uri};
    let sk = SecretKey::from_bytes(&[9u8; 32]).unwrap();
    let pk = sk.public_key();
    let nc = "nostrconnect://83f3b2ae6aa368e8275397b9c26cf550101d63ebaab900d19dd4a4429f5ad8f5?relay=wss%3A%2F%2Frelay1.example.com&perms=nip44_encrypt%2Csign_event%3A13&name=My+Client&secret=0s8j2djs";
    let mut buf = [0u8; 512];
    let (n, ok) = allocations(|| {
        let npub = nip19::encode_npub(&pk);
        let back = nip19::decode_npub(&npub).unwrap();
        let secret = uri::bunker_secret(&[5u8; 16]);
        let len =
            uri::write_bunker_uri(&pk, &["wss://relay.example.com"], &secret, &mut buf).unwrap();
        let bunker = uri::BunkerUri::parse(core::str::from_utf8(&buf[..len]).unwrap()).unwrap();
        let parsed = uri::NostrConnectUri::parse(nc).unwrap();
        let protected = perms::ProtectedKinds::default();
        let seeded = perms::ClientPerms::seeded(perms::TrustLevel::Low, &parsed.perms, &protected);
        let d = perms::decide(&seeded, perms::Method::SignEvent, Some(13), &protected);
        back == pk && bunker.signer == pk && d == perms::Decision::Allow
    });
    assert!(ok);
    assert_eq!(n, 0, "nip19/nip46 uri+perms: {n} allocations");
}
