//! The macOS packaging script cannot run here; what can be checked here is: it parses as bash,
//! it is shellcheck-clean (when shellcheck is installed: `apt-get install -y shellcheck`), and
//! it links every slice with `-application_extension` and packages the committed headers.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::PathBuf;
use std::process::Command;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/build-xcframework.sh")
}

#[test]
fn script_parses_and_has_the_required_steps() {
    let out = Command::new("bash")
        .arg("-n")
        .arg(script())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(script()).unwrap();
    for needle in [
        "-C link-arg=-Wl,-application_extension",
        "aarch64-apple-ios",
        "aarch64-apple-ios-sim",
        "x86_64-apple-ios",
        "lipo -create",
        "xcodebuild -create-xcframework",
        "module.modulemap",
        "generated/nse_ffi/nse_ffi.h",
        "generated/SwiftBridgeCore.h",
    ] {
        assert!(text.contains(needle), "script lacks {needle}");
    }
}

#[test]
fn script_is_shellcheck_clean() {
    match Command::new("shellcheck").arg("-x").arg(script()).output() {
        Ok(out) => assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(_) => eprintln!("shellcheck not installed: skipped (apt-get install -y shellcheck)"),
    }
}
