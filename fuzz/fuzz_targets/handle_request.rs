//! Arbitrary bytes as a request event into `handle_request`: never panics, never returns `Err`
//! (the caller did nothing wrong), and anything ignored leaves the state byte-identical.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signer_core_fuzz::{Harness, NOW};

fuzz_target!(|data: &[u8]| {
    let mut h = Harness::new(true);
    let before = h.snapshot();
    if !h.handle(NOW, data, 3) {
        assert_eq!(h.snapshot(), before, "an ignored event changed the state");
    }
});
