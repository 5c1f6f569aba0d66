//! bunker:// and nostrconnect:// parsing of arbitrary strings: never panics; a parsed bunker
//! URI written back out parses to the same signer key and relays.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signer_core::nip46::uri::{BunkerUri, NostrConnectUri, write_bunker_uri};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = core::str::from_utf8(data) else {
        return;
    };
    let _ = NostrConnectUri::parse(s);
    if let Ok(b) = BunkerUri::parse(s) {
        let relays: Vec<&str> = b.relays.iter().map(|r| r.as_str()).collect();
        let secret = b.secret.as_ref().map(|s| s.as_str()).unwrap_or("x");
        let mut out = vec![0u8; 16 * 1024];
        if let Ok(n) = write_bunker_uri(&b.signer, &relays, secret, &mut out) {
            let again = BunkerUri::parse(core::str::from_utf8(&out[..n]).expect("utf8"))
                .expect("our own bunker URI parses");
            assert_eq!(again.signer, b.signer);
            assert_eq!(again.relays.len(), b.relays.len());
        }
    }
});
