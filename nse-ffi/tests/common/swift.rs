//! Reading Swift sources with the tree-sitter Swift grammar, shared by `swift_syntax.rs` (the
//! generated bridge parses) and `app_ios.rs` (the iOS shell parses and calls the bridge as it
//! is declared). No function here panics on bad input: I/O and parser failures are `Err`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Every `.swift` file under `dir`, recursively, sorted.
pub fn swift_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    collect(dir, &mut out)?;
    out.sort();
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "swift") {
            out.push(path);
        }
    }
    Ok(())
}

/// swift-bridge names the C symbols `__swift_bridge__$Type$method`. Swift accepts `$` inside an
/// identifier (it is how those C names are imported) but the tree-sitter grammar does not, so a
/// `$` that follows an identifier character becomes `_` before parsing (same length: reported
/// positions stay exact). `$0` closure arguments are untouched.
pub fn c_names_as_identifiers(source: &str) -> String {
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

/// A parsed Swift source: the (C-name-mapped) text and its syntax tree.
pub struct Parsed {
    pub source: String,
    pub tree: tree_sitter::Tree,
}

impl Parsed {
    /// The text of `node`.
    pub fn text(&self, node: tree_sitter::Node<'_>) -> &str {
        self.source.get(node.byte_range()).unwrap_or("")
    }
}

pub fn parse(source: &str) -> Result<Parsed, String> {
    let source = c_names_as_identifiers(source);
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_swift::LANGUAGE.into())
        .map_err(|e| format!("tree-sitter-swift: {e}"))?;
    let tree = parser
        .parse(&source, None)
        .ok_or_else(|| "the parser returned no tree".to_owned())?;
    Ok(Parsed { source, tree })
}

/// Positions (`line:column KIND`) of ERROR / MISSING nodes in `source`.
pub fn syntax_errors(source: &str) -> Result<Vec<String>, String> {
    let parsed = parse(source)?;
    let mut errors = Vec::new();
    let mut cursor = parsed.tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            let p = node.start_position();
            let kind = if node.is_missing() {
                "MISSING"
            } else {
                "ERROR"
            };
            errors.push(format!("{}:{} {kind}", p.row + 1, p.column + 1));
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return Ok(errors);
            }
        }
    }
}

/// Every node of the tree, depth first, in source order.
pub fn all_nodes(tree: &tree_sitter::Tree) -> Vec<tree_sitter::Node<'_>> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    loop {
        out.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// The named children of `node`.
pub fn named_children(node: tree_sitter::Node<'_>) -> Vec<tree_sitter::Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}
