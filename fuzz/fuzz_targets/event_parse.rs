//! NIP-01 event and template parsing of arbitrary bytes: never panics; any template that parses
//! signs, and the signed event parses and verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signer_core::event::{self, Event, UnsignedEvent};
use signer_core::keys::SecretKey;

fuzz_target!(|data: &[u8]| {
    if let Ok(ev) = Event::parse(data) {
        let _ = ev.verify();
    }
    if let Ok(t) = UnsignedEvent::parse(data) {
        let sk = SecretKey::from_bytes(&[7; 32]).expect("valid key");
        let mut out = vec![0u8; data.len() * 2 + 512];
        if let Ok(n) = event::sign(&sk, &t, &[1; 32], &mut out) {
            let signed = Event::parse(&out[..n]).expect("our signed event parses");
            signed.verify().expect("our signed event verifies");
        }
    }
});
