//! `State::decode` of arbitrary bytes: never panics; what decodes re-encodes and decodes to an
//! equal state.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signer_core::nip46::State;

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = State::decode(data) {
        let mut buf = vec![0u8; State::MAX_ENCODED_LEN];
        let n = state.encode(&mut buf).expect("a decoded state encodes");
        let again = State::decode(&buf[..n]).expect("our encoding decodes");
        assert_eq!(again, state);
    }
});
