//! The committed Swift/C contract in `generated/` is exactly what `build.rs` generates, so a
//! bridge change shows up in review. `NSE_FFI_BLESS=1 cargo test -p nse-ffi --test generated`
//! rewrites the committed copy.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};

const FILES: [&str; 4] = [
    "SwiftBridgeCore.h",
    "SwiftBridgeCore.swift",
    "nse_ffi/nse_ffi.h",
    "nse_ffi/nse_ffi.swift",
];

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("generated")
}

#[test]
fn committed_bridge_matches_build_rs_output() {
    let fresh = Path::new(env!("NSE_FFI_GENERATED_DIR"));
    let bless = std::env::var_os("NSE_FFI_BLESS").is_some();
    let mut stale = Vec::new();
    for f in FILES {
        let new = std::fs::read(fresh.join(f)).unwrap();
        let path = committed().join(f);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &new).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&new[..]) {
            stale.push(f);
        }
    }
    assert!(
        stale.is_empty(),
        "nse-ffi/generated/ is out of date ({stale:?}): run \
         NSE_FFI_BLESS=1 cargo test -p nse-ffi --test generated and commit the result"
    );
}
