#![allow(unsafe_code)] // a global allocator is unsafe by definition; the library forbids it
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Proves that JSON parsing, event signing/verification and NIP-98 never touch the heap: a
//! counting global allocator records every allocation made on this thread while they run.

use signer_core::event::{self, Event, EventTemplate, UnsignedEvent};
use signer_core::json;
use signer_core::keys::SecretKey;
use signer_core::nip98::{self, AuthRequest};

#[path = "support/alloc_counter.rs"]
mod alloc_counter;
use alloc_counter::allocations;

#[test]
fn counter_sees_allocations() {
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert!(n >= 1);
    drop(v);
}

#[test]
fn events_and_nip98_allocate_nothing() {
    let sk = SecretKey::from_bytes(&[7u8; 32]).unwrap();
    let template = br#"{"kind":1,"created_at":1700000000,"tags":[["p","ab"],["t","\u00e9\ud83d\ude00"]],"content":"a\nb\u001B\/c"}"#;
    let mut out = [0u8; 1024];
    let mut scratch = [0u8; 1024];
    let mut header = [0u8; 1500];
    let (n, ok) = allocations(|| {
        let doc = json::parse(template).unwrap();
        let obj = doc.as_object().unwrap();
        let mut buf = [0u8; 64];
        let tags = obj.get("tags").unwrap().as_array().unwrap();
        let second = tags.get(1).unwrap().as_array().unwrap().get(1).unwrap();
        let decoded_ok = second.as_str().unwrap().unescape_into(&mut buf).unwrap() == "é😀";

        let t = UnsignedEvent::parse(template).unwrap();
        let len = event::sign(&sk, &t, &[1u8; 32], &mut out).unwrap();
        let ev = Event::parse(&out[..len]).unwrap();
        let verified = event::verify(&ev).is_ok() && ev.tags.first_value("p").is_some();

        let reply = EventTemplate {
            kind: 24133,
            created_at: 1_700_000_001,
            tags: &[&["p", "ab"]],
            content: "ciphertext",
        };
        let rlen = reply.sign(&sk, &[2u8; 32], &mut out).unwrap();
        let reply_ok = event::verify(&Event::parse(&out[..rlen]).unwrap()).is_ok();

        let req = AuthRequest {
            url: "https://push.example/register",
            method: "POST",
            body: Some(b"{}"),
        };
        let hlen = nip98::sign_header(
            &sk,
            &req,
            1_700_000_000,
            &[3u8; 32],
            &mut scratch,
            &mut header,
        )
        .unwrap();
        let pk = nip98::verify_header(
            &header[..hlen],
            req.url,
            "post",
            req.body,
            1_700_000_010,
            &mut scratch,
        )
        .unwrap();
        decoded_ok && verified && reply_ok && pk == sk.public_key()
    });
    assert!(ok);
    assert_eq!(n, 0, "event/json/nip98: {n} allocations");
}
