//! Arbitrary JSON-RPC plaintext inside a valid, signed, encrypted request from a paired client:
//! never panics, and (INTEROP 5) every decryptable request with a string id gets a reply.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signer_core_fuzz::{Harness, NOW};

fuzz_target!(|data: &[u8]| {
    let mut h = Harness::new(true);
    let ev = h.envelope(NOW, data, 9);
    if ev.is_empty() {
        return;
    }
    let answered = h.handle(NOW, &ev, 4);
    // A plaintext that is an object with a string "id" must be answered.
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(signer_core::json::Value::Object(o)) = signer_core::json::parse(text.as_bytes()) {
            let has_string_id = o
                .get("id")
                .and_then(|v| v.as_str())
                .is_some_and(|s| s.raw().len() <= 64);
            if has_string_id {
                assert!(answered, "request with a string id got no reply: {text:?}");
            }
        }
    }
});
