//! Generates the Swift sources and C headers of the bridge into `$OUT_DIR/generated`:
//! `SwiftBridgeCore.{h,swift}` and `nse_ffi/nse_ffi.{h,swift}`. The committed copy in
//! `generated/` is checked against them by `tests/generated.rs` (`NSE_FFI_BLESS=1` updates it).

use std::path::{Path, PathBuf};

fn main() {
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    let generated = PathBuf::from(out_dir).join("generated");
    println!("cargo:rerun-if-changed=src/bridge.rs");
    println!("cargo:rerun-if-changed=build.rs");
    swift_bridge_build::parse_bridges(vec!["src/bridge.rs"])
        .write_all_concatenated(&generated, "nse_ffi");
    make_deterministic(&generated.join("nse_ffi").join("nse_ffi.swift"));
    make_deterministic(&generated.join("SwiftBridgeCore.swift"));
    println!(
        "cargo:rustc-env=NSE_FFI_GENERATED_DIR={}",
        generated.display()
    );
}

/// swift-bridge 0.1.59 lists a function's generic parameters in hash-set order, which changes
/// from run to run. Sort them (their order means nothing to Swift) so the output is stable.
fn make_deterministic(path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else {
        panic!("swift-bridge wrote {}", path.display());
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&sort_generics(line));
    }
    if std::fs::write(path, out).is_err() {
        panic!("cannot rewrite {}", path.display());
    }
}

/// `func f<B: Y, A: X>(` → `func f<A: X, B: Y>(`; other lines unchanged.
fn sort_generics(line: &str) -> String {
    let Some(func) = line.find("func ") else {
        return line.to_owned();
    };
    let rest = &line[func..];
    let (Some(open), Some(paren)) = (rest.find('<'), rest.find('(')) else {
        return line.to_owned();
    };
    let Some(close) = rest[open..].find('>').map(|c| open + c) else {
        return line.to_owned();
    };
    if open > paren || close > paren {
        return line.to_owned();
    }
    let mut params: Vec<&str> = rest[open + 1..close].split(", ").collect();
    params.sort_unstable();
    format!(
        "{}{}<{}>{}",
        &line[..func],
        &rest[..open],
        params.join(", "),
        &rest[close + 1..]
    )
}
