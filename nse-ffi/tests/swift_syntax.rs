//! Every Swift file the app compiles from this crate — the generated bridge
//! (`generated/**/*.swift`) and the hand-written companions (`swift/*.swift`) — parses with the
//! tree-sitter Swift grammar without ERROR or MISSING nodes. (Type checking needs a Mac; this
//! catches syntax the generator or a hand edit got wrong.)
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};

fn swift_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            swift_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "swift") {
            out.push(path);
        }
    }
}

/// swift-bridge names the C symbols `__swift_bridge__$Type$method`. Swift accepts `$` inside an
/// identifier (it is how those C names are imported) but the tree-sitter grammar does not, so a
/// `$` that follows an identifier character becomes `_` before parsing (same length: reported
/// positions stay exact). `$0` closure arguments are untouched.
fn c_names_as_identifiers(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut prev = ' ';
    for c in source.chars() {
        out.push(
            if c == '$' && (prev.is_ascii_alphanumeric() || prev == '_') {
                '_'
            } else {
                c
            },
        );
        prev = c;
    }
    out
}

/// Positions of ERROR / MISSING nodes in `source`.
fn syntax_errors(source: &str) -> Vec<String> {
    let source = c_names_as_identifiers(source);
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_swift::LANGUAGE.into())
        .unwrap();
    let tree = parser.parse(&source, None).unwrap();
    let mut errors = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            let p = node.start_position();
            errors.push(format!(
                "{}:{} {}",
                p.row + 1,
                p.column + 1,
                if node.is_missing() {
                    "MISSING"
                } else {
                    "ERROR"
                }
            ));
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return errors;
            }
        }
    }
}

#[test]
fn generated_and_companion_swift_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    swift_files(&root.join("generated"), &mut files);
    swift_files(&root.join("swift"), &mut files);
    assert!(files.len() >= 3, "{files:?}");
    for f in &files {
        let errors = syntax_errors(&std::fs::read_to_string(f).unwrap());
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
}

#[test]
fn the_checker_catches_broken_swift() {
    assert!(syntax_errors("public func f() -> Int { return 1 }\n").is_empty());
    assert!(!syntax_errors("public func f( -> Int { return 1 \n").is_empty());
    assert!(!syntax_errors("extension FfiError: {}\n").is_empty());
    assert!(syntax_errors("let v = __swift_bridge__$f(); let g = xs.map { $0 }\n").is_empty());
}
