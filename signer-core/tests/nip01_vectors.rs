//! NIP-01 vectors: real signed events (`nip01-events.json`) and serialization edge cases
//! generated with nostr-tools (`nip01-serialization-edge.json`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value as J;
use sha2::{Digest, Sha256};
use signer_core::Error;
use signer_core::event::{self, Event, UnsignedEvent};
use signer_core::keys::SecretKey;

const EVENTS: &str = include_str!("vectors/nip01-events.json");
const EDGE: &str = include_str!("vectors/nip01-serialization-edge.json");
/// NIP-19's example secret key, which signed the edge vectors.
const EDGE_SK: &str = "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa";

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// Re-encode a JSON value escaping everything escapable: every non-ASCII char as `\uXXXX`
/// (astral as upper-case surrogate pairs), `/` as `\/`, every control as `\u00XX`.
/// Hashing must not depend on how the input was escaped.
fn ascii_escaped(v: &J) -> String {
    match v {
        J::String(s) => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '/' => out.push_str("\\/"),
                    ' '..='~' => out.push(c),
                    _ => {
                        let mut units = [0u16; 2];
                        for u in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{u:04X}"));
                        }
                    }
                }
            }
            out.push('"');
            out
        }
        J::Array(a) => format!(
            "[ {} ]",
            a.iter().map(ascii_escaped).collect::<Vec<_>>().join(" , ")
        ),
        J::Object(o) => format!(
            "{{\n{}\n}}",
            o.iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    ascii_escaped(&J::String(k.clone())),
                    ascii_escaped(v)
                ))
                .collect::<Vec<_>>()
                .join(",\n")
        ),
        other => other.to_string(),
    }
}

fn check_id_and_verify(name: &str, ev_json: &J, serialized: &str, expect_sig_ok: bool) {
    let expected_id = sha256_hex(serialized.as_bytes());
    for text in [ev_json.to_string(), ascii_escaped(ev_json)] {
        let ev = Event::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e} in {text}"));
        let id = event::compute_id(&ev.pubkey, &ev.unsigned());
        assert_eq!(
            hex::encode(id),
            expected_id,
            "{name}: id over canonical form ({text})"
        );
        let unsigned = UnsignedEvent::parse(text.as_bytes()).unwrap();
        assert_eq!(event::compute_id(&ev.pubkey, &unsigned), id, "{name}");
        if expect_sig_ok {
            event::verify(&ev).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn valid_events_verify() {
    let d: J = serde_json::from_str(EVENTS).unwrap();
    let valid = d["valid"].as_array().unwrap();
    assert_eq!(valid.len(), 8);
    for (i, case) in valid.iter().enumerate() {
        assert_eq!(case["id_valid"], J::Bool(true));
        let ev = &case["event"];
        let serialized = case["serialized"].as_str().unwrap();
        assert_eq!(
            ev["id"].as_str().unwrap(),
            sha256_hex(serialized.as_bytes())
        );
        check_id_and_verify(&format!("valid[{i}]"), ev, serialized, true);
    }
}

#[test]
fn invalid_events_rejected() {
    let d: J = serde_json::from_str(EVENTS).unwrap();
    let invalid = d["invalid"].as_array().unwrap();
    assert_eq!(invalid.len(), 4);
    for (i, case) in invalid.iter().enumerate() {
        let text = case["event"].to_string();
        let ev = Event::parse(text.as_bytes()).unwrap();
        let expected = if case["id_valid"] == J::Bool(false) {
            Error::BadEventId
        } else {
            Error::BadSignature
        };
        assert_eq!(event::verify(&ev), Err(expected), "invalid[{i}]");
        // The preimage in the file is still what we hash.
        let serialized = case["serialized"].as_str().unwrap();
        assert_eq!(
            hex::encode(event::compute_id(&ev.pubkey, &ev.unsigned())),
            sha256_hex(serialized.as_bytes()),
            "invalid[{i}]"
        );
    }
}

#[test]
fn serialization_edge_ids_match() {
    let d: J = serde_json::from_str(EDGE).unwrap();
    let cases = d["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 12);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let serialized = case["serialized"].as_str().unwrap();
        assert_eq!(
            sha256_hex(serialized.as_bytes()),
            case["serialized_sha256"].as_str().unwrap()
        );
        assert_eq!(case["event"]["id"], case["serialized_sha256"], "{name}");
        check_id_and_verify(name, &case["event"], serialized, true);
        if let Some(verbatim) = case["nip01_verbatim_serialization"].as_str() {
            // The id follows JSON.stringify's `\u00xx`, not NIP-01's literal text.
            let text = case["event"].to_string();
            let ev = Event::parse(text.as_bytes()).unwrap();
            let id = hex::encode(event::compute_id(&ev.pubkey, &ev.unsigned()));
            assert_ne!(id, sha256_hex(verbatim.as_bytes()), "{name}");
        }
    }
}

/// Re-signing each edge template with the same key reproduces the id and writes exactly the
/// serialization's tags and content.
#[test]
fn edge_templates_resigned() {
    let sk = SecretKey::from_hex(EDGE_SK).unwrap();
    let d: J = serde_json::from_str(EDGE).unwrap();
    for case in d["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let ev = &case["event"];
        let template = serde_json::json!({
            "kind": ev["kind"], "created_at": ev["created_at"],
            "tags": ev["tags"], "content": ev["content"],
        });
        for text in [template.to_string(), ascii_escaped(&template)] {
            let t = UnsignedEvent::parse(text.as_bytes()).unwrap();
            let mut out = vec![0u8; 4096];
            let n = event::sign(&sk, &t, &[0x5a; 32], &mut out).unwrap();
            let signed = std::str::from_utf8(&out[..n]).unwrap();
            let parsed = Event::parse(signed.as_bytes()).unwrap();
            event::verify(&parsed).unwrap();
            assert_eq!(hex::encode(parsed.id), ev["id"].as_str().unwrap(), "{name}");

            let serialized = case["serialized"].as_str().unwrap();
            let head = format!(
                "[0,\"{}\",{},{},",
                ev["pubkey"].as_str().unwrap(),
                ev["created_at"],
                ev["kind"]
            );
            let body = serialized
                .strip_prefix(&head)
                .unwrap()
                .strip_suffix(']')
                .unwrap();
            // `body` is `TAGS,CONTENT`; the signed event must carry exactly those bytes.
            let tags_len = serde_json::to_string(&ev["tags"]).unwrap().len();
            let (tags, content) = (&body[..tags_len], &body[tags_len + 1..]);
            let expected = format!(
                "{{\"id\":\"{}\",\"pubkey\":\"{}\",\"created_at\":{},\"kind\":{},\"tags\":{tags},\"content\":{content},\"sig\":\"",
                ev["id"].as_str().unwrap(),
                ev["pubkey"].as_str().unwrap(),
                ev["created_at"],
                ev["kind"]
            );
            assert!(
                signed.starts_with(&expected),
                "{name}:\n{signed}\n{expected}"
            );
            assert_eq!(signed.len(), expected.len() + 128 + 2, "{name}");
            // And serde_json reads back the same values.
            let back: J = serde_json::from_str(signed).unwrap();
            assert_eq!(back["tags"], ev["tags"], "{name}");
            assert_eq!(back["content"], ev["content"], "{name}");
        }
    }
}

#[test]
fn tampering_is_detected() {
    let d: J = serde_json::from_str(EVENTS).unwrap();
    let case = &d["valid"][0]["event"];
    let mut content = case.clone();
    content["content"] = J::String(format!("{}!", case["content"].as_str().unwrap()));
    let mut created = case.clone();
    created["created_at"] = J::from(case["created_at"].as_u64().unwrap() + 1);
    let mut kind = case.clone();
    kind["kind"] = J::from(case["kind"].as_u64().unwrap() + 1);
    let mut tags = case.clone();
    tags["tags"] = serde_json::json!([]);
    for (what, ev) in [
        ("content", content),
        ("created_at", created),
        ("kind", kind),
        ("tags", tags),
    ] {
        let text = ev.to_string();
        let parsed = Event::parse(text.as_bytes()).unwrap();
        assert_eq!(event::verify(&parsed), Err(Error::BadEventId), "{what}");
    }
    // A consistent id with a foreign signature: the id matches, the signature does not.
    let mut sig = case.clone();
    let other_sig = d["valid"][1]["event"]["sig"].clone();
    sig["sig"] = other_sig;
    let text = sig.to_string();
    assert_eq!(
        event::verify(&Event::parse(text.as_bytes()).unwrap()),
        Err(Error::BadSignature)
    );
    // A pubkey that is not a curve point (BIP-340 vector 5's key) fails as a bad signature.
    let mut off = case.clone();
    off["pubkey"] = J::from("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34");
    let text = off.to_string();
    let parsed = Event::parse(text.as_bytes()).unwrap();
    let fixed_id = hex::encode(event::compute_id(&parsed.pubkey, &parsed.unsigned()));
    off["id"] = J::from(fixed_id);
    let text = off.to_string();
    assert_eq!(
        event::verify(&Event::parse(text.as_bytes()).unwrap()),
        Err(Error::BadSignature)
    );
}

#[test]
fn signed_events_need_every_field() {
    let d: J = serde_json::from_str(EVENTS).unwrap();
    let case = &d["valid"][0]["event"];
    for field in [
        "id",
        "pubkey",
        "created_at",
        "kind",
        "tags",
        "content",
        "sig",
    ] {
        let mut ev = case.clone();
        ev.as_object_mut().unwrap().remove(field);
        assert!(
            Event::parse(ev.to_string().as_bytes()).is_err(),
            "missing {field}"
        );
    }
    for (field, bad) in [
        ("id", J::from("00")),
        (
            "pubkey",
            J::from(case["pubkey"].as_str().unwrap().to_uppercase()),
        ),
        ("sig", J::from(&case["sig"].as_str().unwrap()[..126])),
        ("sig", J::Null),
        ("id", J::from("")),
    ] {
        let mut ev = case.clone();
        ev[field] = bad;
        assert!(
            Event::parse(ev.to_string().as_bytes()).is_err(),
            "bad {field}"
        );
    }
    // A duplicated field (serde_json cannot emit one, so splice it in).
    let text = case.to_string();
    let dup = format!("{{\"kind\":1,{}", &text[1..]);
    assert_eq!(
        Event::parse(dup.as_bytes()).err(),
        Some(Error::Malformed("event: duplicate field"))
    );
}
