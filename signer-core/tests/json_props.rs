//! Property tests for the JSON scanner and the event/NIP-98 parsers built on it: random,
//! truncated, mutated, deeply nested, oversized and non-UTF-8 input never panics and is
//! rejected; valid input decodes exactly as serde_json decodes it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use serde_json::Value as J;
use signer_core::Error;
use signer_core::event::{Event, MAX_TAG_ITEMS, MAX_TAGS, UnsignedEvent};
use signer_core::json::{self, MAX_DEPTH, Value};
use signer_core::nip98;

/// Our view converted to serde_json's, for comparison.
fn to_serde(v: &Value<'_>) -> J {
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => serde_json::from_str(n.raw()).unwrap(),
        Value::String(s) => {
            let mut buf = vec![0u8; s.raw().len()];
            let decoded = s.unescape_into(&mut buf).unwrap();
            assert_eq!(decoded.len(), s.decoded_len());
            assert_eq!(decoded, s.chars().collect::<String>());
            assert!(s.eq_str(decoded));
            J::String(decoded.to_owned())
        }
        Value::Array(a) => J::Array(a.iter().map(|e| to_serde(&e)).collect()),
        Value::Object(o) => {
            // serde_json keeps the last of duplicate keys.
            let mut m = serde_json::Map::new();
            for (k, v) in o.members() {
                m.insert(k.chars().collect(), to_serde(&v));
            }
            J::Object(m)
        }
    }
}

fn arb_json() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::from),
        any::<u64>().prop_map(J::from),
        (-1e6f64..1e6).prop_map(J::from),
        any::<String>().prop_map(J::String),
        "[\"\\\\/\u{0}-\u{1f}\u{2028}😀é a-z]{0,8}".prop_map(J::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(J::Array),
            prop::collection::vec(("[a-z\"\\\\é]{0,4}", inner), 0..5)
                .prop_map(|kv| J::Object(kv.into_iter().collect())),
        ]
    })
}

/// Serialize with a chosen escaping style: plain serde_json, or every non-ASCII char and `/`
/// escaped (upper- or lower-case hex), with whitespace between tokens.
fn render(v: &J, style: u8) -> String {
    if style == 0 {
        return v.to_string();
    }
    let upper = style == 2;
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
                            if upper {
                                out.push_str(&format!("\\u{u:04X}"));
                            } else {
                                out.push_str(&format!("\\u{u:04x}"));
                            }
                        }
                    }
                }
            }
            out.push('"');
            out
        }
        J::Array(a) => format!(
            "[ {} ]",
            a.iter()
                .map(|e| render(e, style))
                .collect::<Vec<_>>()
                .join(" ,\n")
        ),
        J::Object(o) => format!(
            "{{\t{}\r}}",
            o.iter()
                .map(|(k, v)| format!(
                    "{} : {}",
                    render(&J::String(k.clone()), style),
                    render(v, style)
                ))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

/// Whether serde_json's rejection is one we deliberately do not share.
fn serde_only_limit(e: &serde_json::Error) -> bool {
    e.to_string().contains("number out of range")
}

fn depth(v: &J) -> usize {
    match v {
        J::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        J::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Every parser in the crate that takes untrusted bytes; none may panic.
fn parse_everything(bytes: &[u8]) -> bool {
    let j = json::parse(bytes).is_ok();
    let _ = Event::parse(bytes);
    let _ = UnsignedEvent::parse(bytes);
    let mut scratch = [0u8; 4096];
    let _ = nip98::verify_header(bytes, "https://x", "GET", None, 0, &mut scratch);
    let _ = nip98::verify_event(
        bytes,
        &nip98::AuthRequest {
            url: "https://x",
            method: "GET",
            body: None,
        },
        0,
        60,
    );
    j
}

const EVENT: &str = r#"{"id":"2be17aa3031bdcb006f0fce80c146dea9c1c0268b0af2398bb673365c6444d45","pubkey":"f86c44a2de95d9149b51c6a29afeabba264c18e2fa7c49de93424a0c56947785","created_at":1640839235,"kind":4,"tags":[["p","13adc511de7e1cfcf1c6b7f6365fb5a03442d7bcacf565ea57fa7770912c023d"]],"content":"uRuvYr585B80L6rSJiHocw==?iv=oh6LVqdsYYol3JfFnXTbPA==","sig":"a5d9290ef9659083c490b303eb7ee41356d8778ff19f2f91776c8dc4443388a64ffcf336e61af4c25c05ac3ae952d1ced889ed655b67790891222aaa15b99fdd"}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_json_decodes_like_serde(v in arb_json(), style in 0u8..3) {
        let text = render(&v, style);
        let ours = json::parse(text.as_bytes());
        let theirs: Result<J, _> = serde_json::from_str(&text);
        match (&ours, &theirs) {
            (Ok(o), Ok(t)) => prop_assert_eq!(&to_serde(o), t),
            (Err(e), _) if depth(&v) > MAX_DEPTH => prop_assert_eq!(*e, Error::TooLarge("json nesting depth")),
            _ => prop_assert!(false, "ours {:?} theirs {:?} on {}", ours.err(), theirs.err(), text),
        }
    }

    #[test]
    fn mutated_json_agrees_with_serde(v in arb_json(), style in 0u8..3, pos in any::<prop::sample::Index>(), op in 0u8..3, b in prop::sample::select(b"[]{},:\"\\u/0123456789abcdefABCDEF-+.eE \t\n\x01\x7f\xc3\xa9\xed\xff".to_vec())) {
        let mut bytes = render(&v, style).into_bytes();
        let i = pos.index(bytes.len() + 1);
        match op {
            0 => bytes.insert(i, b),
            1 if i < bytes.len() => { bytes.remove(i); }
            _ if i < bytes.len() => bytes[i] = b,
            _ => bytes.push(b),
        }
        let ours = parse_everything(&bytes);
        match serde_json::from_slice::<J>(&bytes) {
            Ok(t) => {
                prop_assert!(ours || depth(&t) > MAX_DEPTH, "serde accepts, we reject: {:?}", String::from_utf8_lossy(&bytes));
                if ours {
                    prop_assert_eq!(to_serde(&json::parse(&bytes).unwrap()), t);
                }
            }
            Err(e) => prop_assert!(!ours || serde_only_limit(&e), "we accept, serde rejects ({}): {:?}", e, String::from_utf8_lossy(&bytes)),
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let ok = parse_everything(&bytes);
        prop_assert_eq!(ok, serde_json::from_slice::<J>(&bytes).is_ok_and(|t| depth(&t) <= MAX_DEPTH));
    }

    #[test]
    fn json_alphabet_soup_agrees(bytes in prop::collection::vec(prop::sample::select(b"[]{},:\"\\u0123456789dDeEfF-+.tnrul sa/b".to_vec()), 0..40)) {
        let ours = parse_everything(&bytes);
        match serde_json::from_slice::<J>(&bytes) {
            Ok(_) => prop_assert!(ours),
            Err(e) => prop_assert!(!ours || serde_only_limit(&e), "{}", String::from_utf8_lossy(&bytes)),
        }
    }

    #[test]
    fn non_utf8_in_strings_rejected(prefix in "[a-z]{0,5}", bad in prop::sample::select(vec![
        vec![0xff], vec![0xc3], vec![0xed, 0xa0, 0x80], vec![0xc0, 0xaf], vec![0xf8, 0x88, 0x80, 0x80, 0x80], vec![0xe2, 0x82],
    ])) {
        let mut content = prefix.into_bytes();
        content.extend_from_slice(&bad);
        let mut doc = br#"{"kind":1,"created_at":1,"tags":[],"content":""#.to_vec();
        doc.extend_from_slice(&content);
        doc.extend_from_slice(b"\"}");
        prop_assert_eq!(UnsignedEvent::parse(&doc).err(), Some(Error::Malformed("json string")));
        prop_assert!(!parse_everything(&doc));
    }
}

#[test]
fn every_truncation_of_an_event_is_rejected() {
    assert!(Event::parse(EVENT.as_bytes()).is_ok());
    for n in 0..EVENT.len() {
        let prefix = &EVENT.as_bytes()[..n];
        assert!(!parse_everything(prefix), "prefix of {n} bytes accepted");
        assert!(Event::parse(prefix).is_err());
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for n in [MAX_DEPTH + 1, 1_000, 100_000, 1_000_000] {
        let balanced = format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(
            json::parse(balanced.as_bytes()).err(),
            Some(Error::TooLarge("json nesting depth")),
            "{n}"
        );
        let objects = format!("{}0{}", "{\"a\":".repeat(n), "}".repeat(n));
        assert_eq!(
            json::parse(objects.as_bytes()).err(),
            Some(Error::TooLarge("json nesting depth")),
            "{n}"
        );
        let unbalanced = "[{\"x\":".repeat(n);
        assert!(!parse_everything(unbalanced.as_bytes()));
        // Deep junk inside an event's unknown field or its tags is refused too.
        let ev = format!(r#"{{"kind":1,"created_at":1,"content":"","tags":[],"x":{balanced}}}"#);
        assert!(UnsignedEvent::parse(ev.as_bytes()).is_err());
    }
    // Exactly at the bound is fine.
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(json::parse(ok.as_bytes()).is_ok());
}

#[test]
fn oversized_events_rejected() {
    let tag = r#"["t","x"]"#;
    let many = |n: usize| {
        format!(
            r#"{{"kind":1,"created_at":1,"content":"","tags":[{}]}}"#,
            vec![tag; n].join(",")
        )
    };
    assert!(UnsignedEvent::parse(many(MAX_TAGS).as_bytes()).is_ok());
    assert_eq!(
        UnsignedEvent::parse(many(MAX_TAGS + 1).as_bytes()).err(),
        Some(Error::TooLarge("event tags"))
    );
    let wide = |n: usize| {
        format!(
            r#"{{"kind":1,"created_at":1,"content":"","tags":[[{}]]}}"#,
            vec!["\"v\""; n].join(",")
        )
    };
    assert!(UnsignedEvent::parse(wide(MAX_TAG_ITEMS).as_bytes()).is_ok());
    assert_eq!(
        UnsignedEvent::parse(wide(MAX_TAG_ITEMS + 1).as_bytes()).err(),
        Some(Error::TooLarge("event tag items"))
    );
    // Numbers too big for the field are malformed, not wrapped.
    let big = r#"{"kind":1,"created_at":184467440737095516150,"content":"","tags":[]}"#;
    assert_eq!(
        UnsignedEvent::parse(big.as_bytes()).err(),
        Some(Error::Malformed("event created_at"))
    );
    // A 1 MiB content parses (no internal size limit beyond the caller's buffer) and a too-small
    // output buffer is reported.
    let content = "é\\n".repeat(1 << 18);
    let doc = format!(r#"{{"kind":1,"created_at":1,"content":"{content}","tags":[]}}"#);
    let t = UnsignedEvent::parse(doc.as_bytes()).unwrap();
    assert_eq!(t.content.decoded_len(), 3 << 18);
    let sk = signer_core::keys::SecretKey::from_bytes(&[7u8; 32]).unwrap();
    let mut out = vec![0u8; content.len()];
    assert_eq!(
        signer_core::event::sign(&sk, &t, &[0u8; 32], &mut out),
        Err(Error::BufferTooSmall)
    );
    let mut out = vec![0u8; content.len() + 400];
    assert!(signer_core::event::sign(&sk, &t, &[0u8; 32], &mut out).is_ok());
}

#[test]
fn lone_surrogates_rejected_everywhere() {
    for s in [
        r#""\ud800""#,
        r#""\udfff""#,
        r#""\ud800\ud800""#,
        r#""a\udc00b""#,
        r#""\ud83d\u00e9""#,
    ] {
        assert!(json::parse(s.as_bytes()).is_err(), "{s}");
        assert!(serde_json::from_str::<J>(s).is_err(), "serde agrees on {s}");
        let ev = format!(r#"{{"kind":1,"created_at":1,"tags":[],"content":{s}}}"#);
        assert!(UnsignedEvent::parse(ev.as_bytes()).is_err());
    }
}
