//! Checks of the iOS shell (`app-ios/`) that run without an Apple toolchain:
//!
//! 1. every `.swift` file parses with tree-sitter-swift (no ERROR / MISSING node);
//! 2. every nse-ffi function, method, constructor, enum case and struct field the Swift code
//!    uses is declared by the generated bridge (`generated/**.swift`, `swift/*.swift`) with that
//!    name and argument count, so renaming or re-shaping a bridge function fails here;
//! 3. `project.yml` (YAML, via saphyr) names the targets, entitlements files, App Group and
//!    Keychain group that `Shared/AppConstants.swift` and the `.entitlements` plists name.
//!
//! Convention that makes (2) decidable without a type checker: bridge items keep their Rust
//! snake_case names and the app declares no snake_case names of its own (checked here), so a
//! snake_case call is a bridge call. Receivers whose type is written down (annotations,
//! parameters) or follows from a bridge call are resolved, so camelCase methods on bridged
//! types (`len`, `get`, `bytes`, `toString`) and their fields are checked against that type.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "common/swift.rs"]
mod swift;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use swift::{Parsed, all_nodes, named_children, parse, swift_files, syntax_errors};
use tree_sitter::Node;

fn app_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../app-ios")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// 1. Syntax

#[test]
fn every_app_swift_file_parses() {
    let files = swift_files(&app_dir()).unwrap();
    assert!(
        files.len() >= 20,
        "expected the app's sources, found {files:?}"
    );
    let mut failures = Vec::new();
    for f in &files {
        let errors = syntax_errors(&read(f)).unwrap();
        if !errors.is_empty() {
            failures.push(format!("{}: {errors:?}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

// ---------------------------------------------------------------------------------------------
// 2. The bridge as the generated Swift declares it

/// A declared function: argument labels (`None` for `_`) and the return type's base name.
#[derive(Debug, Clone)]
struct Signature {
    labels: Vec<Option<String>>,
    returns: Option<String>,
}

#[derive(Debug, Default)]
struct BridgedType {
    /// `class`, `struct` or `enum` (the kind of its own declaration).
    kind: String,
    supertypes: Vec<String>,
    methods: BTreeMap<String, Vec<Signature>>,
    inits: Vec<Signature>,
    fields: BTreeMap<String, String>,
    /// Enum cases and their number of associated values.
    cases: BTreeMap<String, usize>,
}

#[derive(Debug, Default)]
struct Bridge {
    functions: BTreeMap<String, Vec<Signature>>,
    types: BTreeMap<String, BridgedType>,
}

/// The base name of a type, `?` kept: `RustVec<UInt8>` is `RustVec`, and `Optional<RustString>`
/// and `RustString?` are `RustString?` (an optional's members are Optional's, not the bridge's).
fn base_type(t: &str) -> String {
    let t = t.trim();
    if let Some(inner) = t
        .strip_prefix("Optional<")
        .and_then(|r| r.strip_suffix('>'))
        .or_else(|| t.strip_suffix('?'))
    {
        return format!("{}?", unwrapped(&base_type(inner)));
    }
    let t = t.trim_end_matches('!');
    t.split('<').next().unwrap_or(t).trim().to_owned()
}

/// The type an `if let` / `guard let` binds: the optional's wrapped type.
fn unwrapped(t: &str) -> &str {
    t.trim_end_matches('?')
}

fn is_snake(name: &str) -> bool {
    name.contains('_')
        && !name.starts_with('_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn field<'t>(node: Node<'t>, name: &str) -> Option<Node<'t>> {
    node.child_by_field_name(name)
}

fn fields<'t>(node: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(name, &mut cursor).collect()
}

/// A function or init declaration's labels and return type.
fn signature(p: &Parsed, decl: Node<'_>) -> Signature {
    let labels = named_children(decl)
        .into_iter()
        .filter(|c| c.kind() == "parameter")
        .map(|param| {
            let label = field(param, "external_name").or_else(|| field(param, "name"));
            label
                .map(|l| p.text(l))
                .filter(|l| *l != "_")
                .map(str::to_owned)
        })
        .collect();
    let returns = fields(decl, "name")
        .into_iter()
        .skip(1)
        .rfind(|n| n.kind() != "simple_identifier")
        .map(|n| base_type(p.text(n)));
    Signature { labels, returns }
}

fn decl_name(p: &Parsed, decl: Node<'_>) -> Option<String> {
    fields(decl, "name")
        .into_iter()
        .next()
        .map(|n| base_type(p.text(n)))
}

fn declaration_kind(decl: Node<'_>) -> Option<&'static str> {
    let mut cursor = decl.walk();
    let kinds = ["class", "struct", "enum", "extension"];
    for c in decl.children(&mut cursor) {
        if let Some(kind) = kinds.iter().find(|k| **k == c.kind()) {
            return Some(kind);
        }
    }
    None
}

impl Bridge {
    fn from_sources(sources: &[String]) -> Result<Bridge, String> {
        let mut bridge = Bridge::default();
        for source in sources {
            let p = parse(source)?;
            for decl in named_children(p.tree.root_node()) {
                match decl.kind() {
                    "function_declaration" => {
                        if let Some(name) = decl_name(&p, decl) {
                            let sig = signature(&p, decl);
                            bridge.functions.entry(name).or_default().push(sig);
                        }
                    }
                    "class_declaration" => bridge.add_type(&p, decl),
                    _ => {}
                }
            }
        }
        Ok(bridge)
    }

    fn add_type(&mut self, p: &Parsed, decl: Node<'_>) {
        let (Some(name), Some(kind)) = (decl_name(p, decl), declaration_kind(decl)) else {
            return;
        };
        let ty = self.types.entry(name).or_default();
        if kind != "extension" {
            ty.kind = kind.to_owned();
        }
        for c in named_children(decl) {
            if c.kind() == "inheritance_specifier" {
                ty.supertypes.push(base_type(p.text(c)));
            }
        }
        let Some(body) = field(decl, "body") else {
            return;
        };
        for member in named_children(body) {
            match member.kind() {
                "function_declaration" => {
                    if let Some(m) = decl_name(p, member) {
                        ty.methods.entry(m).or_default().push(signature(p, member));
                    }
                }
                "init_declaration" => ty.inits.push(signature(p, member)),
                "property_declaration" => {
                    let name = field(member, "name").map(|n| p.text(n).to_owned());
                    let t = named_children(member)
                        .into_iter()
                        .find(|c| c.kind() == "type_annotation")
                        .and_then(|a| field(a, "name"))
                        .map(|t| base_type(p.text(t)));
                    if let (Some(name), Some(t)) = (name, t) {
                        ty.fields.insert(name, t);
                    }
                }
                "enum_entry" => {
                    let arity =
                        field(member, "data_contents").map_or(0, |d| named_children(d).len());
                    for n in fields(member, "name") {
                        ty.cases.insert(p.text(n).to_owned(), arity);
                    }
                }
                _ => {}
            }
        }
    }

    /// Only types the bridge declares (not the extensions it adds to String, UInt8, …).
    fn bridged(&self, name: &str) -> Option<&BridgedType> {
        self.types.get(name).filter(|t| !t.kind.is_empty())
    }

    /// `name`'s overloads on `ty` or its superclasses; whether `ty` also gets members from a
    /// standard collection protocol (then an unknown camelCase method is not an error).
    fn methods(&self, ty: &str, name: &str) -> (Vec<Signature>, bool) {
        let mut found = Vec::new();
        let mut open = false;
        let mut seen = BTreeSet::new();
        let mut todo = vec![ty.to_owned()];
        while let Some(t) = todo.pop() {
            if !seen.insert(t.clone()) {
                continue;
            }
            let Some(info) = self.types.get(&t) else {
                open |= ["Sequence", "Collection", "RandomAccessCollection"].contains(&t.as_str());
                continue;
            };
            found.extend(info.methods.get(name).cloned().unwrap_or_default());
            todo.extend(info.supertypes.iter().cloned());
        }
        (found, open)
    }

    fn field_type(&self, ty: &str, name: &str) -> Option<String> {
        self.bridged(ty)?.fields.get(name).cloned()
    }

    fn any_method(&self, name: &str) -> Vec<Signature> {
        self.types
            .values()
            .flat_map(|t| t.methods.get(name).cloned().unwrap_or_default())
            .collect()
    }

    fn any_field(&self, name: &str) -> bool {
        self.types.values().any(|t| t.fields.contains_key(name))
    }
}

fn generated_bridge() -> Bridge {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = swift_files(&root.join("generated")).unwrap();
    files.extend(swift_files(&root.join("swift")).unwrap());
    let sources: Vec<String> = files.iter().map(|f| read(f)).collect();
    Bridge::from_sources(&sources).unwrap()
}

// ---------------------------------------------------------------------------------------------
// 2. What the app's Swift uses, checked against the bridge

/// C functions of the SDK whose names happen to be snake_case (not bridge functions).
const SDK_SNAKE_FUNCTIONS: &[&str] = &["memset_s"];

/// A name bound in the app code, with the scope it is visible in and its type's base name.
struct Binding {
    name: String,
    scope: std::ops::Range<usize>,
    at: usize,
    ty: Option<String>,
}

struct Checker<'a> {
    bridge: &'a Bridge,
    p: &'a Parsed,
    bindings: Vec<Binding>,
    problems: Vec<String>,
}

fn scope_of(node: Node<'_>) -> std::ops::Range<usize> {
    let mut n = node;
    while let Some(parent) = n.parent() {
        if matches!(
            parent.kind(),
            "function_declaration"
                | "init_declaration"
                | "lambda_literal"
                | "if_statement"
                | "guard_statement"
                | "computed_property"
                | "class_body"
        ) {
            // A guard's binding is visible after the guard, in the enclosing block.
            if parent.kind() == "guard_statement" {
                n = parent;
                continue;
            }
            return parent.byte_range();
        }
        n = parent;
    }
    node.byte_range().start..usize::MAX
}

impl<'a> Checker<'a> {
    fn problem(&mut self, node: Node<'_>, what: String) {
        let pos = node.start_position();
        self.problems
            .push(format!("{}:{}: {what}", pos.row + 1, pos.column + 1));
    }

    fn lookup(&self, name: &str, at: usize) -> Option<String> {
        self.bindings
            .iter()
            .filter(|b| b.name == name && b.scope.contains(&at) && b.at <= at)
            .min_by_key(|b| (b.scope.end - b.scope.start, usize::MAX - b.at))
            .and_then(|b| b.ty.clone())
    }

    /// The base type of an expression, when it can be told without a type checker.
    fn infer(&self, expr: Node<'_>) -> Option<String> {
        match expr.kind() {
            "try_expression" | "await_expression" => self.infer(field(expr, "expr")?),
            "simple_identifier" => self.lookup(self.p.text(expr), expr.start_byte()),
            "constructor_expression" => {
                Some(base_type(self.p.text(field(expr, "constructed_type")?)))
            }
            "navigation_expression" => {
                let target = self.infer(field(expr, "target")?)?;
                let suffix = field(field(expr, "suffix")?, "suffix")?;
                self.bridge.field_type(&target, self.p.text(suffix))
            }
            "call_expression" => {
                let callee = expr.named_child(0)?;
                match callee.kind() {
                    "simple_identifier" => {
                        let name = self.p.text(callee);
                        if self.bridge.bridged(name).is_some() {
                            return Some(name.to_owned());
                        }
                        self.bridge.functions.get(name)?.first()?.returns.clone()
                    }
                    "navigation_expression" => {
                        let target = self.infer(field(callee, "target")?)?;
                        let suffix = field(field(callee, "suffix")?, "suffix")?;
                        let (sigs, _) = self.bridge.methods(&target, self.p.text(suffix));
                        sigs.first()?.returns.clone()
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn bind(&mut self, name_node: Node<'_>, ty: Option<String>) {
        let name = self.p.text(name_node).to_owned();
        if is_snake(&name) {
            self.problem(
                name_node,
                format!("`{name}`: app code declares no snake_case names (they mean Rust)"),
            );
        }
        self.bindings.push(Binding {
            name,
            scope: scope_of(name_node),
            at: name_node.start_byte(),
            ty,
        });
    }

    fn visit(&mut self, node: Node<'_>) {
        match node.kind() {
            "parameter" => {
                if let Some(name) = field(node, "name") {
                    let ty = fields(node, "name")
                        .get(1)
                        .map(|t| base_type(self.p.text(*t)));
                    self.bind(name, ty);
                }
            }
            "property_declaration" => {
                let Some(name) = field(node, "name")
                    .and_then(|p| field(p, "bound_identifier").or_else(|| p.named_child(0)))
                else {
                    return;
                };
                let annotated = named_children(node)
                    .into_iter()
                    .find(|c| c.kind() == "type_annotation")
                    .and_then(|a| field(a, "name"))
                    .map(|t| base_type(self.p.text(t)));
                let ty = annotated.or_else(|| field(node, "value").and_then(|v| self.infer(v)));
                self.bind(name, ty);
            }
            "if_statement" | "guard_statement" => {
                // `if let x = value`: the bound name, then the value, both as fields.
                let names = fields(node, "bound_identifier");
                let conditions = fields(node, "condition");
                for name in names {
                    let value = conditions.iter().find(|c| {
                        c.start_byte() > name.end_byte() && c.kind() != "value_binding_pattern"
                    });
                    let ty = value.and_then(|v| self.infer(*v));
                    self.bind(name, ty.map(|t| unwrapped(&t).to_owned()));
                }
            }
            "function_declaration" => {
                if let Some(name) = field(node, "name") {
                    let text = self.p.text(name).to_owned();
                    if is_snake(&text) {
                        self.problem(
                            name,
                            format!("`{text}`: app code declares no snake_case functions"),
                        );
                    }
                }
            }
            "switch_pattern" => {
                // `case .Embedded:` — a capitalized case is a bridged enum's (the app's own
                // enums have lowercase cases).
                let text = self.p.text(node).trim();
                if let Some(rest) = text
                    .strip_prefix('.')
                    .filter(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
                {
                    let case = rest
                        .split(['(', ' ', ':'])
                        .next()
                        .unwrap_or(rest)
                        .to_owned();
                    let known = self
                        .bridge
                        .types
                        .values()
                        .any(|t| t.kind == "enum" && t.cases.contains_key(&case));
                    if !known {
                        self.problem(node, format!("`.{case}` is not a case of any bridged enum"));
                    }
                }
            }
            "call_expression" => self.check_call(node),
            "navigation_expression" => self.check_member(node),
            _ => {}
        }
    }

    fn arguments(&self, call: Node<'_>) -> (usize, Option<Vec<Option<String>>>) {
        let Some(suffix) = named_children(call)
            .into_iter()
            .find(|c| c.kind() == "call_suffix")
        else {
            return (0, None);
        };
        let mut count = 0;
        let mut labels = Vec::new();
        let mut trailing_closure = false;
        for part in named_children(suffix) {
            match part.kind() {
                "value_arguments" => {
                    for arg in named_children(part)
                        .into_iter()
                        .filter(|a| a.kind() == "value_argument")
                    {
                        count += 1;
                        labels.push(field(arg, "name").map(|l| self.p.text(l).to_owned()));
                    }
                }
                "lambda_literal" | "annotated_lambda" => {
                    count += 1;
                    trailing_closure = true;
                }
                _ => {}
            }
        }
        (count, (!trailing_closure).then_some(labels))
    }

    fn compare(&mut self, node: Node<'_>, what: &str, sigs: &[Signature], call: Node<'_>) {
        let (count, labels) = self.arguments(call);
        let fits = sigs
            .iter()
            .any(|s| s.labels.len() == count && labels.as_ref().is_none_or(|l| *l == s.labels));
        if !fits {
            let declared: Vec<String> = sigs
                .iter()
                .map(|s| {
                    let l: String = s
                        .labels
                        .iter()
                        .map(|l| format!("{}:", l.as_deref().unwrap_or("_")))
                        .collect();
                    format!("({l})")
                })
                .collect();
            self.problem(
                node,
                format!("{what} called with {count} argument(s) {labels:?}; the bridge declares {declared:?}"),
            );
        }
    }

    fn check_call(&mut self, call: Node<'_>) {
        let Some(callee) = call.named_child(0) else {
            return;
        };
        match callee.kind() {
            "simple_identifier" => {
                let name = self.p.text(callee).to_owned();
                if let Some(sigs) = self.bridge.functions.get(&name).cloned() {
                    self.compare(callee, &format!("`{name}`"), &sigs, call);
                } else if let Some(ty) = self.bridge.bridged(&name) {
                    let inits = ty.inits.clone();
                    if ty.kind != "enum" {
                        self.compare(callee, &format!("`{name}` init"), &inits, call);
                    }
                } else if is_snake(&name) && !SDK_SNAKE_FUNCTIONS.contains(&name.as_str()) {
                    self.problem(
                        callee,
                        format!("`{name}` is not a function of the generated bridge"),
                    );
                }
            }
            "navigation_expression" => {
                let (Some(target), Some(suffix)) = (
                    field(callee, "target"),
                    field(callee, "suffix").and_then(|s| field(s, "suffix")),
                ) else {
                    return;
                };
                let name = self.p.text(suffix).to_owned();
                // `FfiError.NotFound(x)`: a bridged enum's case and its associated values.
                if target.kind() == "simple_identifier" {
                    let owner = self.p.text(target).to_owned();
                    if let Some(ty) = self.bridge.bridged(&owner).filter(|t| t.kind == "enum") {
                        if let Some(arity) = ty.cases.get(&name).copied() {
                            let (count, _) = self.arguments(call);
                            if count != arity {
                                self.problem(
                                    suffix,
                                    format!(
                                        "`{owner}.{name}` takes {arity} value(s), given {count}"
                                    ),
                                );
                            }
                        }
                        return;
                    }
                }
                match self.infer(target) {
                    Some(ty) if self.bridge.bridged(&ty).is_some() => {
                        let (sigs, open) = self.bridge.methods(&ty, &name);
                        if sigs.is_empty() {
                            if !open || is_snake(&name) {
                                self.problem(
                                    suffix,
                                    format!(
                                        "`{ty}` has no method `{name}` in the generated bridge"
                                    ),
                                );
                            }
                        } else {
                            self.compare(suffix, &format!("`{ty}.{name}`"), &sigs, call);
                        }
                    }
                    _ if is_snake(&name) => {
                        let sigs = self.bridge.any_method(&name);
                        if sigs.is_empty() {
                            self.problem(
                                suffix,
                                format!("`.{name}` is not a method of any bridged type"),
                            );
                        } else {
                            self.compare(suffix, &format!("`.{name}`"), &sigs, call);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// Property reads: `plan.event_json`, `info.pubkey`, `FfiError.InvalidKey`.
    fn check_member(&mut self, nav: Node<'_>) {
        // A callee's navigation is checked as a call.
        if nav
            .parent()
            .is_some_and(|p| p.kind() == "call_expression" && p.named_child(0) == Some(nav))
        {
            return;
        }
        let (Some(target), Some(suffix)) = (
            field(nav, "target"),
            field(nav, "suffix").and_then(|s| field(s, "suffix")),
        ) else {
            return;
        };
        let name = self.p.text(suffix).to_owned();
        if target.kind() == "simple_identifier" {
            let owner = self.p.text(target).to_owned();
            if let Some(ty) = self.bridge.bridged(&owner).filter(|t| t.kind == "enum") {
                if !ty.cases.contains_key(&name) {
                    self.problem(
                        suffix,
                        format!("`{owner}` has no case `{name}` in the generated bridge"),
                    );
                }
                return;
            }
        }
        match self.infer(target) {
            Some(ty)
                if self.bridge.bridged(&ty).is_some_and(|t| t.kind == "struct")
                    && self.bridge.field_type(&ty, &name).is_none()
                    && self.bridge.methods(&ty, &name).0.is_empty() =>
            {
                self.problem(
                    suffix,
                    format!("`{ty}` has no field `{name}` in the generated bridge"),
                );
            }
            _ if is_snake(&name) && !self.bridge.any_field(&name) => {
                self.problem(
                    suffix,
                    format!("`.{name}` is not a field of any bridged struct"),
                );
            }
            _ => {}
        }
    }
}

/// Problems in one Swift source's use of the bridge (empty when it agrees with the bridge).
fn bridge_use_problems(bridge: &Bridge, source: &str) -> Result<Vec<String>, String> {
    let p = parse(source)?;
    let mut checker = Checker {
        bridge,
        p: &p,
        bindings: Vec::new(),
        problems: Vec::new(),
    };
    for node in all_nodes(&p.tree) {
        checker.visit(node);
    }
    Ok(checker.problems)
}

#[test]
fn the_generated_bridge_is_read() {
    let bridge = generated_bridge();
    for f in [
        "plan_fetch",
        "handle_request",
        "approve_pending",
        "nip98_header",
        "new_state",
    ] {
        assert!(bridge.functions.contains_key(f), "{f}");
    }
    assert_eq!(bridge.functions["handle_request"][0].labels.len(), 5);
    assert_eq!(
        bridge.functions["handle_request"][0].returns.as_deref(),
        Some("HandleResult")
    );
    assert_eq!(
        bridge.functions["new_state"][0].returns.as_deref(),
        Some("RustVec")
    );
    let (len, _) = bridge.methods("AccountList", "len");
    assert_eq!(len.len(), 1, "inherited from AccountListRef");
    assert!(!bridge.methods("SecretBytes", "bytes").0.is_empty());
    assert_eq!(
        bridge.field_type("FetchPlan", "event_json").as_deref(),
        Some("RustString?")
    );
    assert_eq!(
        bridge.field_type("FetchPlan", "relay_url").as_deref(),
        Some("RustString")
    );
    assert_eq!(base_type("Optional<RustVec<UInt8>>"), "RustVec?");
    assert_eq!(base_type("AccountInfo?"), "AccountInfo?");
    assert_eq!(bridge.types["FfiError"].cases.get("NotFound"), Some(&1));
    assert_eq!(bridge.types["FfiError"].cases.get("InvalidKey"), Some(&0));
    assert!(
        bridge.bridged("String").is_none(),
        "extensions of std types are not bridged types"
    );
}

#[test]
fn app_swift_calls_the_bridge_as_declared() {
    let bridge = generated_bridge();
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    for f in swift_files(&app_dir()).unwrap() {
        let source = read(&f);
        for p in bridge_use_problems(&bridge, &source).unwrap() {
            problems.push(format!("{}:{p}", f.display()));
        }
        for name in bridge.functions.keys() {
            if source.contains(&format!("{name}(")) {
                used.insert(name.clone());
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // The shell uses the NSE entry points and the state functions it is built around.
    for f in [
        "plan_fetch",
        "handle_request",
        "approve_pending",
        "deny_pending",
        "expire_pending",
        "nip98_header",
        "list_accounts",
        "approve_nostrconnect",
    ] {
        assert!(used.contains(f), "the app never calls {f}");
    }
}

#[test]
fn the_bridge_check_catches_wrong_calls() {
    let bridge = generated_bridge();
    let problems = |s: &str| bridge_use_problems(&bridge, s).unwrap();
    // Right: as declared.
    let good = r#"
        func f(state: [UInt8], key: UnsafeBufferPointer<UInt8>, plan: FetchPlan, info: AccountInfo) throws {
            let r: HandleResult = try handle_request(a, b, key, 1, c)
            let s = r.state
            let list = try list_accounts(b)
            let n = list.len()
            if let first = list.get(0) { _ = first.pubkey.toString() }
            _ = plan.event_json
            _ = info.protected_kinds
            throw FfiError.NotFound(RustString("x"))
        }
    "#;
    assert_eq!(problems(good), Vec::<String>::new());
    // A renamed function, a changed arity, a wrong label.
    assert_eq!(
        problems("let x = try handle_requests(a, b, c, 1, e)").len(),
        1
    );
    assert_eq!(problems("let x = try handle_request(a, b, c, 1)").len(), 1);
    assert_eq!(
        problems("let x = try handle_request(a, b, c, 1, e, f)").len(),
        1
    );
    assert_eq!(
        problems("let x = try plan_fetch(payload: a, b, c, d, 1, e)").len(),
        1
    );
    // Methods on bridged types, resolved through annotations and bridge return types.
    assert_eq!(
        problems("let l: AccountList = x; let n = l.count()").len(),
        1
    );
    assert_eq!(
        problems("let l = try list_accounts(b); let i = l.get(0, 1)").len(),
        1
    );
    assert_eq!(
        problems("func f(s: SecretBytes) { _ = s.secret() }").len(),
        1
    );
    assert_eq!(
        problems("let p = try list_pending(b); _ = p.next_expiry_at()").len(),
        1
    );
    assert_eq!(problems("_ = anything.next_expiries()").len(), 1);
    // Fields and enum cases.
    assert_eq!(
        problems("func f(plan: FetchPlan) { _ = plan.event }").len(),
        1
    );
    assert_eq!(problems("_ = x.signer_pub_key").len(), 1);
    assert_eq!(problems("throw FfiError.Missing").len(), 1);
    assert_eq!(problems("throw FfiError.NotFound(a, b)").len(), 1);
    assert_eq!(
        problems("switch s { case .Embedded: break\n case .Relay: break }").len(),
        0
    );
    assert_eq!(
        problems("switch s { case .Embeded: break\n case .relay: break }").len(),
        1
    );
    // The app may not shadow the Rust naming.
    assert_eq!(problems("func plan_it() {}").len(), 1);
    assert_eq!(problems("let event_json = 1").len(), 1);
    // SDK C functions with snake_case names are allowed.
    assert!(problems("_ = memset_s(p, 1, 0, 1)").is_empty());
}

#[test]
fn a_renamed_rust_function_fails_against_the_app() {
    // Simulate a Rust rename: the generated Swift loses `plan_fetch` and gains another name.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = read(&root.join("generated/nse_ffi/nse_ffi.swift"));
    assert!(generated.contains("public func plan_fetch<"));
    let renamed = generated.replace("public func plan_fetch<", "public func plan_push_fetch<");
    let core = read(&root.join("generated/SwiftBridgeCore.swift"));
    let bridge = Bridge::from_sources(&[core.clone(), renamed]).unwrap();
    let signer = read(&app_dir().join("Shared/Bridge/SignerBridge.swift"));
    let problems = bridge_use_problems(&bridge, &signer).unwrap();
    assert!(
        problems.iter().any(|p| p.contains("plan_fetch")),
        "{problems:?}"
    );
    // And an arity change (a parameter added to handle_request).
    let widened = generated.replace(
        "public func handle_request(_ event_json: UnsafeBufferPointer<UInt8>,",
        "public func handle_request(_ event_json: UnsafeBufferPointer<UInt8>, _ extra: UInt64,",
    );
    assert_ne!(widened, generated);
    let bridge = Bridge::from_sources(&[core, widened]).unwrap();
    let problems = bridge_use_problems(&bridge, &signer).unwrap();
    assert!(
        problems.iter().any(|p| p.contains("handle_request")),
        "{problems:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. project.yml, AppConstants.swift and the entitlements agree

use saphyr::{LoadableYamlNode, Yaml};

const APP_TARGET: &str = "Clave";
const NSE_TARGET: &str = "ClaveNotificationService";
const TEST_TARGET: &str = "ClaveTests";
const TEAM_PREFIX: &str = "$(AppIdentifierPrefix)";

/// `static let name = "literal"` members of `enum AppConstants`, read with tree-sitter.
fn swift_constants(source: &str) -> Result<BTreeMap<String, String>, String> {
    let p = parse(source)?;
    let mut out = BTreeMap::new();
    for decl in named_children(p.tree.root_node()) {
        if decl.kind() != "class_declaration"
            || decl_name(&p, decl).as_deref() != Some("AppConstants")
        {
            continue;
        }
        let Some(body) = field(decl, "body") else {
            continue;
        };
        for member in named_children(body) {
            let name = field(member, "name").map(|n| p.text(n).to_owned());
            let value = field(member, "value").filter(|v| v.kind() == "line_string_literal");
            if let (Some(name), Some(value)) = (name, value) {
                let text = p.text(value);
                out.insert(name, text.trim_matches('"').to_owned());
            }
        }
    }
    Ok(out)
}

/// The few plist values entitlements use.
#[derive(Debug, PartialEq)]
enum Plist {
    String(String),
    Bool(bool),
    Array(Vec<Plist>),
    Dict(BTreeMap<String, Plist>),
}

/// A small XML property-list reader for `<dict>`, `<array>`, `<string>`, `<true/>`, `<false/>`
/// (what entitlements contain). Anything else, or malformed XML, is an `Err`.
fn parse_plist(xml: &str) -> Result<Plist, String> {
    let start = xml.find("<plist").ok_or("no <plist>")?;
    let body = &xml[start..];
    let open_end = body.find('>').ok_or("unterminated <plist>")? + 1;
    let mut tokens = Tokens {
        rest: &body[open_end..],
    };
    let value = plist_value(&mut tokens)?;
    match tokens.next()? {
        Token::Close("plist") => Ok(value),
        other => Err(format!("expected </plist>, found {other:?}")),
    }
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Open(&'a str),
    Close(&'a str),
    Empty(&'a str),
    Text(&'a str),
}

struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Tokens<'a> {
    fn next(&mut self) -> Result<Token<'a>, String> {
        let trimmed = self.rest.trim_start();
        if trimmed.is_empty() {
            return Err("unexpected end of plist".into());
        }
        if let Some(tag) = trimmed.strip_prefix('<') {
            let end = tag.find('>').ok_or("unterminated tag")?;
            let inner = &tag[..end];
            self.rest = &tag[end + 1..];
            if let Some(name) = inner.strip_prefix('/') {
                Ok(Token::Close(name.trim()))
            } else if let Some(name) = inner.strip_suffix('/') {
                Ok(Token::Empty(name.trim()))
            } else {
                Ok(Token::Open(inner.trim()))
            }
        } else {
            let end = trimmed.find('<').unwrap_or(trimmed.len());
            self.rest = &trimmed[end..];
            Ok(Token::Text(&trimmed[..end]))
        }
    }

    /// The text up to `</name>` (empty for `<name></name>`).
    fn text_until_close(&mut self, name: &str) -> Result<String, String> {
        let close = format!("</{name}>");
        let end = self.rest.find(&close).ok_or(format!("no {close}"))?;
        let text = self.rest[..end].to_owned();
        self.rest = &self.rest[end + close.len()..];
        Ok(text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"))
    }
}

fn plist_value(t: &mut Tokens<'_>) -> Result<Plist, String> {
    match t.next()? {
        Token::Open("string") => Ok(Plist::String(t.text_until_close("string")?)),
        Token::Empty("string") => Ok(Plist::String(String::new())),
        Token::Empty("true") => Ok(Plist::Bool(true)),
        Token::Empty("false") => Ok(Plist::Bool(false)),
        Token::Open("array") => {
            let mut items = Vec::new();
            loop {
                let save = t.rest;
                if let Token::Close("array") = t.next()? {
                    return Ok(Plist::Array(items));
                }
                t.rest = save;
                items.push(plist_value(t)?);
            }
        }
        Token::Open("dict") => {
            let mut map = BTreeMap::new();
            loop {
                match t.next()? {
                    Token::Close("dict") => return Ok(Plist::Dict(map)),
                    Token::Open("key") => {
                        let key = t.text_until_close("key")?;
                        let value = plist_value(t)?;
                        map.insert(key, value);
                    }
                    other => return Err(format!("expected <key>, found {other:?}")),
                }
            }
        }
        other => Err(format!("unsupported plist value {other:?}")),
    }
}

fn plist_strings(dict: &BTreeMap<String, Plist>, key: &str) -> Option<Vec<String>> {
    match dict.get(key)? {
        Plist::Array(items) => items
            .iter()
            .map(|i| match i {
                Plist::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn yaml_at<'a, 'y>(y: &'a Yaml<'y>, path: &[&str]) -> Option<&'a Yaml<'y>> {
    path.iter()
        .try_fold(y, |node, key| node.as_mapping_get(key))
}

fn yaml_str(y: &Yaml<'_>, path: &[&str]) -> Option<String> {
    yaml_at(y, path)?.as_str().map(str::to_owned)
}

fn yaml_strings(y: &Yaml<'_>, path: &[&str]) -> Vec<String> {
    yaml_at(y, path)
        .and_then(|s| s.as_vec())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Every disagreement between `project.yml`, the Swift constants and the entitlements files
/// (read through `read_file`, paths relative to `app-ios/`).
fn consistency_problems(
    project_yml: &str,
    constants: &BTreeMap<String, String>,
    read_file: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let docs = match Yaml::load_from_str(project_yml) {
        Ok(docs) => docs,
        Err(e) => return vec![format!("project.yml is not valid YAML: {e}")],
    };
    let Some(doc) = docs.first() else {
        return vec!["project.yml is empty".into()];
    };
    let constant = |name: &str| constants.get(name).cloned().unwrap_or_default();
    for name in [
        "appBundleId",
        "extensionBundleId",
        "appGroup",
        "keychainGroup",
        "infoKeyTeamPrefix",
        "infoKeyProxyURL",
    ] {
        if constant(name).is_empty() {
            problems.push(format!("AppConstants.{name} is missing"));
        }
    }
    let expected = [
        (APP_TARGET, "application", "appBundleId"),
        (NSE_TARGET, "app-extension", "extensionBundleId"),
    ];
    for (target, kind, id_constant) in expected {
        let t = |path: &[&str]| {
            let mut full = vec!["targets", target];
            full.extend_from_slice(path);
            full.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
        };
        let at = |path: &[&str]| {
            let p = t(path);
            let refs: Vec<&str> = p.iter().map(String::as_str).collect();
            yaml_at(doc, &refs)
        };
        let Some(_) = at(&[]) else {
            problems.push(format!("project.yml has no target {target}"));
            continue;
        };
        let str_at = |path: &[&str]| at(path).and_then(|y| y.as_str()).map(str::to_owned);
        if str_at(&["type"]).as_deref() != Some(kind) {
            problems.push(format!("{target}: type is not {kind}"));
        }
        let bundle = str_at(&["settings", "base", "PRODUCT_BUNDLE_IDENTIFIER"]);
        if bundle.as_deref() != Some(constant(id_constant).as_str()) {
            problems.push(format!(
                "{target}: PRODUCT_BUNDLE_IDENTIFIER {bundle:?} is not AppConstants.{id_constant}"
            ));
        }
        // Sources: the target's folder and Shared/ (compiled into both).
        let sources: Vec<String> = at(&["sources"])
            .and_then(|s| s.as_vec())
            .map(|v| {
                v.iter()
                    .filter_map(|s| {
                        s.as_mapping_get("path")
                            .and_then(|p| p.as_str())
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !sources.iter().any(|s| s == "Shared") {
            problems.push(format!("{target}: Shared/ is not among its sources"));
        }
        // The Rust library, linked (not embedded: it is static).
        let deps = at(&["dependencies"])
            .and_then(|d| d.as_vec())
            .cloned()
            .unwrap_or_default();
        let links_ffi = deps.iter().any(|d| {
            d.as_mapping_get("framework")
                .and_then(|f| f.as_str())
                .is_some_and(|f| f.ends_with("NseFfi.xcframework"))
                && d.as_mapping_get("embed").and_then(|e| e.as_bool()) == Some(false)
        });
        if !links_ffi {
            problems.push(format!(
                "{target}: does not link NseFfi.xcframework (embed: false)"
            ));
        }
        // Info.plist keys the Swift code reads.
        for key in [constant("infoKeyTeamPrefix"), constant("infoKeyProxyURL")] {
            if at(&["info", "properties", &key]).is_none() {
                problems.push(format!("{target}: Info.plist property {key} missing"));
            }
        }
        // Entitlements: the file exists and names the App Group and the Keychain group.
        let Some(path) = str_at(&["settings", "base", "CODE_SIGN_ENTITLEMENTS"]) else {
            problems.push(format!("{target}: no CODE_SIGN_ENTITLEMENTS"));
            continue;
        };
        let Some(xml) = read_file(&path) else {
            problems.push(format!("{target}: entitlements file {path} does not exist"));
            continue;
        };
        let dict = match parse_plist(&xml) {
            Ok(Plist::Dict(d)) => d,
            other => {
                problems.push(format!("{path}: not a plist dict: {other:?}"));
                continue;
            }
        };
        if plist_strings(&dict, "com.apple.security.application-groups")
            != Some(vec![constant("appGroup")])
        {
            problems.push(format!(
                "{path}: application-groups is not [AppConstants.appGroup]"
            ));
        }
        let keychain = format!("{TEAM_PREFIX}{}", constant("keychainGroup"));
        if plist_strings(&dict, "keychain-access-groups") != Some(vec![keychain]) {
            problems.push(format!("{path}: keychain-access-groups is not [$(AppIdentifierPrefix)AppConstants.keychainGroup]"));
        }
        if target == APP_TARGET && !dict.contains_key("aps-environment") {
            problems.push(format!("{path}: no aps-environment (Push Notifications)"));
        }
    }
    // The extension: a Notification Service Extension, inside the app's bundle id, embedded in
    // the app, linked for app extensions.
    if !constant("extensionBundleId").starts_with(&format!("{}.", constant("appBundleId"))) {
        problems.push("the extension's bundle id is not under the app's".into());
    }
    let nse = |path: &[&str]| {
        let mut full = vec!["targets", NSE_TARGET];
        full.extend_from_slice(path);
        yaml_str(doc, &full)
    };
    if nse(&[
        "info",
        "properties",
        "NSExtension",
        "NSExtensionPointIdentifier",
    ])
    .as_deref()
        != Some("com.apple.usernotifications.service")
    {
        problems.push(format!(
            "{NSE_TARGET}: not a com.apple.usernotifications.service extension"
        ));
    }
    if nse(&[
        "info",
        "properties",
        "NSExtension",
        "NSExtensionPrincipalClass",
    ])
    .as_deref()
        != Some("$(PRODUCT_MODULE_NAME).NotificationService")
    {
        problems.push(format!(
            "{NSE_TARGET}: principal class is not NotificationService"
        ));
    }
    if !yaml_strings(
        doc,
        &["targets", NSE_TARGET, "settings", "base", "OTHER_LDFLAGS"],
    )
    .iter()
    .any(|f| f == "-Wl,-application_extension")
    {
        problems.push(format!(
            "{NSE_TARGET}: OTHER_LDFLAGS lacks -Wl,-application_extension"
        ));
    }
    let app_deps = yaml_at(doc, &["targets", APP_TARGET, "dependencies"])
        .and_then(|d| d.as_vec())
        .cloned()
        .unwrap_or_default();
    if !app_deps.iter().any(|d| {
        d.as_mapping_get("target").and_then(|t| t.as_str()) == Some(NSE_TARGET)
            && d.as_mapping_get("embed").and_then(|e| e.as_bool()) == Some(true)
    }) {
        problems.push(format!("{APP_TARGET}: does not embed {NSE_TARGET}"));
    }
    // The app: Push Notifications and Background Modes → Remote notifications.
    if !yaml_strings(
        doc,
        &[
            "targets",
            APP_TARGET,
            "info",
            "properties",
            "UIBackgroundModes",
        ],
    )
    .iter()
    .any(|m| m == "remote-notification")
    {
        problems.push(format!(
            "{APP_TARGET}: UIBackgroundModes lacks remote-notification"
        ));
    }
    if yaml_at(
        doc,
        &[
            "targets",
            APP_TARGET,
            "attributes",
            "SystemCapabilities",
            "com.apple.Push",
        ],
    )
    .is_none()
    {
        problems.push(format!(
            "{APP_TARGET}: Push Notifications capability missing"
        ));
    }
    if yaml_str(doc, &["targets", TEST_TARGET, "type"]).as_deref() != Some("bundle.unit-test") {
        problems.push(format!("{TEST_TARGET}: not a unit-test bundle"));
    }
    problems
}

fn app_file(relative: &str) -> Option<String> {
    std::fs::read_to_string(app_dir().join(relative)).ok()
}

fn app_constants() -> BTreeMap<String, String> {
    swift_constants(&read(&app_dir().join("Shared/AppConstants.swift"))).unwrap()
}

#[test]
fn project_constants_and_entitlements_agree() {
    let constants = app_constants();
    assert_eq!(
        constants.get("appGroup").map(|g| g.starts_with("group.")),
        Some(true),
        "{constants:?}"
    );
    let project = read(&app_dir().join("project.yml"));
    let problems = consistency_problems(&project, &constants, &app_file);
    assert!(problems.is_empty(), "{problems:#?}");
    // The principal class named in project.yml exists.
    let nse = read(&app_dir().join("NotificationService/NotificationService.swift"));
    assert!(nse.contains("class NotificationService: UNNotificationServiceExtension"));
    // The framework project.yml links is the one the packaging script builds.
    let script = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/build-xcframework.sh"));
    assert!(script.contains("NseFfi.xcframework") && script.contains("-Wl,-application_extension"));
    assert!(
        project.contains("../nse-ffi/build/NseFfi.xcframework")
            && project.contains("../nse-ffi/build/swift")
    );
    let makefile = read(&app_dir().join("Makefile"));
    assert!(
        makefile.contains("FFI_OUT      := $(FFI_DIR)/build"),
        "Makefile builds where project.yml looks"
    );
}

#[test]
fn the_consistency_check_catches_mismatches() {
    let constants = app_constants();
    let project = read(&app_dir().join("project.yml"));
    let check =
        |yml: &str, consts: &BTreeMap<String, String>, files: &dyn Fn(&str) -> Option<String>| {
            consistency_problems(yml, consts, files)
        };
    assert!(check(&project, &constants, &app_file).is_empty());
    // Not YAML.
    assert_eq!(check("targets: [unclosed", &constants, &app_file).len(), 1);
    // A bundle id that differs from the Swift constant.
    let renamed = project.replace(
        "PRODUCT_BUNDLE_IDENTIFIER: rs.clave.signer.nse",
        "PRODUCT_BUNDLE_IDENTIFIER: rs.clave.other.nse",
    );
    assert_ne!(renamed, project);
    assert!(!check(&renamed, &constants, &app_file).is_empty());
    // An App Group constant the entitlements do not list.
    let mut other = constants.clone();
    other.insert("appGroup".into(), "group.rs.clave.elsewhere".into());
    assert_eq!(
        check(&project, &other, &app_file).len(),
        2,
        "both entitlements files"
    );
    // A Keychain group that differs in one entitlements file.
    let tampered = |path: &str| {
        let text = app_file(path)?;
        Some(if path.contains("NotificationService") {
            text.replace("rs.clave.signer.shared", "rs.clave.signer.nse-only")
        } else {
            text
        })
    };
    let problems = check(&project, &constants, &tampered);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("keychain-access-groups"));
    // A missing entitlements file, and a malformed one.
    let missing = |path: &str| {
        if path.starts_with("Clave/") {
            None
        } else {
            app_file(path)
        }
    };
    assert_eq!(check(&project, &constants, &missing).len(), 1);
    let broken = |path: &str| Some(app_file(path)?.replace("</array>", ""));
    assert_eq!(check(&project, &constants, &broken).len(), 2);
    // The NSE without the extension linker flag, or not embedded.
    let no_flag = project.replace("\"-Wl,-application_extension\"", "\"-ObjC\"");
    assert_eq!(check(&no_flag, &constants, &app_file).len(), 1);
    let not_embedded = project.replace(
        "      - target: ClaveNotificationService\n        embed: true",
        "      - target: ClaveNotificationService\n        embed: false",
    );
    assert_ne!(not_embedded, project);
    assert_eq!(check(&not_embedded, &constants, &app_file).len(), 1);
}

#[test]
fn the_plist_reader_reads_entitlements_and_rejects_junk() {
    let xml = r#"<?xml version="1.0"?><plist version="1.0"><dict>
        <key>a</key><array><string>x</string><string>y&amp;z</string></array>
        <key>b</key><true/><key>c</key><string></string></dict></plist>"#;
    let Plist::Dict(d) = parse_plist(xml).unwrap() else {
        panic!("not a dict");
    };
    assert_eq!(
        plist_strings(&d, "a"),
        Some(vec!["x".to_owned(), "y&z".to_owned()])
    );
    assert_eq!(d.get("b"), Some(&Plist::Bool(true)));
    assert_eq!(d.get("c"), Some(&Plist::String(String::new())));
    for junk in [
        "",
        "<plist>",
        "<plist><dict><key>a</key></dict></plist>",
        "<plist><dict><key>a</key><integer>1</integer></dict></plist>",
        "<plist><array><string>x</array></plist>",
    ] {
        assert!(parse_plist(junk).is_err(), "{junk}");
    }
}
