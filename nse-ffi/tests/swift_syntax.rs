//! Every Swift file the app compiles from this crate — the generated bridge
//! (`generated/**/*.swift`) and the hand-written companions (`swift/*.swift`) — parses with the
//! tree-sitter Swift grammar without ERROR or MISSING nodes. (Type checking needs a Mac; this
//! catches syntax the generator or a hand edit got wrong.) The iOS shell's own sources are
//! checked by `app_ios.rs` with the same helpers (`common/swift.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "common/swift.rs"]
mod swift;

use std::path::Path;

use swift::{swift_files, syntax_errors};

#[test]
fn generated_and_companion_swift_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = swift_files(&root.join("generated")).unwrap();
    files.extend(swift_files(&root.join("swift")).unwrap());
    assert!(files.len() >= 3, "{files:?}");
    for f in &files {
        let errors = syntax_errors(&std::fs::read_to_string(f).unwrap()).unwrap();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
}

#[test]
fn the_checker_catches_broken_swift() {
    let errors = |s: &str| syntax_errors(s).unwrap();
    assert!(errors("public func f() -> Int { return 1 }\n").is_empty());
    assert!(!errors("public func f( -> Int { return 1 \n").is_empty());
    assert!(!errors("extension FfiError: {}\n").is_empty());
    assert!(errors("let v = __swift_bridge__$f(); let g = xs.map { $0 }\n").is_empty());
}
