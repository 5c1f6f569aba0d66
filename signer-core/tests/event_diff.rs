//! Differential tests against rust-nostr (`nostr` 0.44) on random events: ids agree, our signed
//! JSON is accepted and verified by `nostr`, and events signed by `nostr` verify with ours.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nostr::{JsonUtil, Keys, Kind, Tag, Timestamp};
use proptest::prelude::*;
use signer_core::event::{self, Event, EventTemplate, UnsignedEvent};
use signer_core::keys::SecretKey;

/// Characters that stress JSON escaping: C0 controls, DEL, quotes, backslash, slash, U+2028/9,
/// BOM, zero-width, astral, plus any scalar value.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        2 => (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
        2 => prop::sample::select(vec![
            '"', '\\', '/', '\u{7f}', '\u{2028}', '\u{2029}', '\u{feff}', '\u{200b}', 'é',
            '中', '😀', '\u{1d11e}', '\u{10ffff}', '<', '&', '\'',
        ]),
        3 => (b' '..=b'~').prop_map(char::from),
    ]
}

fn tricky_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(String::from_iter)
}

fn tags() -> impl Strategy<Value = Vec<Vec<String>>> {
    // rust-nostr refuses empty tags, so each tag has at least one item.
    prop::collection::vec(prop::collection::vec(tricky_string(12), 1..4), 0..5)
}

fn secret() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>().prop_filter("valid scalar", |b| SecretKey::from_bytes(b).is_ok())
}

fn nostr_tags(tags: &[Vec<String>]) -> Vec<Tag> {
    tags.iter()
        .map(|t| Tag::parse(t.clone()).unwrap())
        .collect()
}

fn decoded_tags(ev: &Event<'_>) -> Vec<Vec<String>> {
    ev.tags
        .iter()
        .map(|t| t.iter().map(|s| s.chars().collect()).collect())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn ours_signed_nostr_accepts(
        sk in secret(),
        kind in any::<u16>(),
        created_at in prop_oneof![any::<u32>().prop_map(u64::from), any::<u64>()],
        content in tricky_string(40),
        tags in tags(),
        aux in any::<[u8; 32]>(),
    ) {
        let ours = SecretKey::from_bytes(&sk).unwrap();
        let tag_refs: Vec<Vec<&str>> = tags.iter().map(|t| t.iter().map(String::as_str).collect()).collect();
        let tag_slices: Vec<&[&str]> = tag_refs.iter().map(Vec::as_slice).collect();
        let t = EventTemplate { kind, created_at, tags: &tag_slices, content: &content };
        let mut out = vec![0u8; 8192];
        let n = t.sign(&ours, &aux, &mut out).unwrap();
        let json = std::str::from_utf8(&out[..n]).unwrap();

        // nostr parses and verifies our output, and computes the same id.
        let theirs = nostr::Event::from_json(json).unwrap();
        theirs.verify().unwrap();
        let pk = ours.public_key();
        prop_assert_eq!(theirs.id.to_bytes(), t.compute_id(pk.as_bytes()));
        prop_assert_eq!(&theirs.content, &content);
        prop_assert_eq!(theirs.kind.as_u16(), kind);
        prop_assert_eq!(theirs.created_at.as_secs(), created_at);
        let their_tags: Vec<Vec<String>> = theirs.tags.iter().map(|t| t.as_slice().to_vec()).collect();
        prop_assert_eq!(&their_tags, &tags);

        // Our own parser reads back the same values and verifies.
        let ev = Event::parse(json.as_bytes()).unwrap();
        event::verify(&ev).unwrap();
        prop_assert_eq!(ev.content.chars().collect::<String>(), content.clone());
        prop_assert_eq!(decoded_tags(&ev), tags.clone());

        // The same template arriving as JSON (serde_json's escaping) hashes identically, and
        // signing it through `event::sign` gives the same id.
        let template = serde_json::json!({"kind": kind, "created_at": created_at, "tags": tags, "content": content});
        let text = template.to_string();
        let u = UnsignedEvent::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(event::compute_id(pk.as_bytes(), &u), ev.id);
        let mut out2 = vec![0u8; 8192];
        let n2 = event::sign(&ours, &u, &aux, &mut out2).unwrap();
        prop_assert_eq!(Event::parse(&out2[..n2]).unwrap().id, ev.id);
    }

    #[test]
    fn nostr_signed_ours_accepts(
        sk in secret(),
        kind in any::<u16>(),
        created_at in any::<u32>(),
        content in tricky_string(40),
        tags in tags(),
    ) {
        let keys = Keys::parse(&hex::encode(sk)).unwrap();
        let signed = nostr::UnsignedEvent::new(
            keys.public_key(),
            Timestamp::from(u64::from(created_at)),
            Kind::from(kind),
            nostr_tags(&tags),
            content.clone(),
        )
        .sign_with_keys(&keys)
        .unwrap();
        let json = signed.as_json();

        let ev = Event::parse(json.as_bytes()).unwrap();
        event::verify(&ev).unwrap();
        prop_assert_eq!(ev.id, signed.id.to_bytes());
        prop_assert_eq!(&ev.pubkey, &signed.pubkey.to_bytes());
        prop_assert_eq!(ev.content.chars().collect::<String>(), content);
        prop_assert_eq!(decoded_tags(&ev), tags);

        // Any change to the content breaks verification.
        let mut tampered: serde_json::Value = serde_json::from_str(&json).unwrap();
        tampered["content"] = serde_json::Value::from(format!("{}x", signed.content));
        let text = tampered.to_string();
        prop_assert_eq!(event::verify(&Event::parse(text.as_bytes()).unwrap()), Err(signer_core::Error::BadEventId));
    }
}
