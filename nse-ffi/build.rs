//! Generates the Swift sources and C headers of the bridge into `$OUT_DIR/generated`:
//! `SwiftBridgeCore.{h,swift}` and `nse_ffi/nse_ffi.{h,swift}`. The committed copy in
//! `generated/` is checked against them by `tests/generated.rs` (`NSE_FFI_BLESS=1` updates it).

use std::path::PathBuf;

fn main() {
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    let generated = PathBuf::from(out_dir).join("generated");
    println!("cargo:rerun-if-changed=src/bridge.rs");
    swift_bridge_build::parse_bridges(vec!["src/bridge.rs"]).write_all_concatenated(
        &generated,
        env!("CARGO_PKG_NAME").replace('-', "_").as_str(),
    );
    println!(
        "cargo:rustc-env=NSE_FFI_GENERATED_DIR={}",
        generated.display()
    );
}
