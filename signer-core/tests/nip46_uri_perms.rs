//! NIP-46 connection URIs and permissions: every vendored URI case, round trips through
//! rust-nostr, and property tests that no input panics the parsers.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use serde_json::Value;
use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip46::perms::{
    self, CLIENT_PERMS_MAX_ENCODED_LEN, ClientPerms, Decision, MAX_KIND_OVERRIDES, Method,
    PROTECTED_KINDS_MAX_ENCODED_LEN, ProtectedKinds, RequestedPerms, TrustLevel,
};
use signer_core::nip46::uri::{
    self, BunkerUri, MAX_RELAYS, NostrConnectUri, bunker_secret, write_bunker_uri,
};

const VECTORS: &str = include_str!("vectors/nip46.json");

fn relays(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

fn ours(r: &uri::Relays) -> Vec<String> {
    r.iter().map(|s| s.as_str().to_owned()).collect()
}

#[test]
fn every_uri_vector() {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    let cases = v["uris"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    let (mut bunker, mut nostrconnect, mut rejected) = (0, 0, 0);
    for case in cases {
        let s = case["uri"].as_str().unwrap();
        let expect = &case["expect"];
        if expect == "reject" {
            assert!(NostrConnectUri::parse(s).is_err(), "{s}");
            assert!(BunkerUri::parse(s).is_err(), "{s}");
            rejected += 1;
            continue;
        }
        match expect["type"].as_str().unwrap() {
            "bunker" => {
                let u = BunkerUri::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
                assert_eq!(
                    hex::encode(u.signer.as_bytes()),
                    expect["remote_signer_pubkey"].as_str().unwrap()
                );
                assert_eq!(ours(&u.relays), relays(&expect["relays"]));
                assert_eq!(u.secret.as_deref(), expect["secret"].as_str());
                assert!(NostrConnectUri::parse(s).is_err());
                bunker += 1;
            }
            "nostrconnect" => {
                let u = NostrConnectUri::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
                assert_eq!(
                    hex::encode(u.client.as_bytes()),
                    expect["client_pubkey"].as_str().unwrap()
                );
                assert_eq!(ours(&u.relays), relays(&expect["relays"]));
                assert_eq!(u.secret.as_str(), expect["secret"].as_str().unwrap());
                let name = expect["name"]
                    .as_str()
                    .or_else(|| expect["metadata"]["name"].as_str());
                assert_eq!(u.metadata.name.as_deref(), name);
                // The requested perms, entry by entry.
                let mut want = RequestedPerms::default();
                if let Some(list) = expect["perms"].as_array() {
                    let joined: Vec<&str> = list.iter().map(|p| p.as_str().unwrap()).collect();
                    want = RequestedPerms::parse(&joined.join(",")).unwrap();
                    assert!(!want.is_empty());
                }
                assert_eq!(u.perms, want);
                assert!(BunkerUri::parse(s).is_err());
                nostrconnect += 1;
            }
            other => panic!("unknown type {other}"),
        }
    }
    assert_eq!((bunker, nostrconnect, rejected), (2, 2, 1));
}

#[test]
fn spec_example_perms_in_detail() {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    let u = NostrConnectUri::parse(v["uris"][0]["uri"].as_str().unwrap()).unwrap();
    assert!(u.perms.has_method(Method::Nip44Encrypt));
    assert!(u.perms.has_method(Method::Nip44Decrypt));
    assert_eq!(u.perms.kinds(), &[13, 14, 1059]);
    let protected = ProtectedKinds::default();
    let client = ClientPerms::seeded(TrustLevel::Low, &u.perms, &protected);
    assert_eq!(
        client.kind_overrides(),
        &[
            (13, Decision::Allow),
            (14, Decision::Allow),
            (1059, Decision::Allow)
        ]
    );
    assert_eq!(
        perms::decide(&client, Method::Nip44Decrypt, None, &protected),
        Decision::Allow
    );
    assert_eq!(
        perms::decide(&client, Method::Nip04Decrypt, None, &protected),
        Decision::Ask
    );
}

#[test]
fn message_vectors_name_known_methods() {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    let messages = v["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    for m in messages {
        let req: Value = serde_json::from_str(m["json"].as_str().unwrap()).unwrap();
        let name = req["method"].as_str().unwrap();
        assert_eq!(name, m["expect"]["method"].as_str().unwrap());
        let method = Method::parse(name);
        assert_ne!(method, Method::Unknown);
        assert_eq!(method.as_str(), Some(name));
    }
}

/// What rust-nostr makes of a bunker URI we wrote.
#[test]
fn rust_nostr_reads_our_bunker_uri() {
    let sk = SecretKey::from_bytes(&[3u8; 32]).unwrap();
    let signer = sk.public_key();
    let secret = bunker_secret(&[9u8; 16]);
    let relays = [
        "wss://relay.damus.io",
        "wss://nos.lol/",
        "ws://127.0.0.1:4869",
    ];
    let mut out = [0u8; 1024];
    let n = write_bunker_uri(&signer, &relays, &secret, &mut out).unwrap();
    let s = std::str::from_utf8(&out[..n]).unwrap();
    let theirs = nostr::nips::nip46::NostrConnectURI::parse(s).unwrap();
    match theirs {
        nostr::nips::nip46::NostrConnectURI::Bunker {
            remote_signer_public_key,
            relays: their_relays,
            secret: their_secret,
        } => {
            assert_eq!(
                remote_signer_public_key.to_hex(),
                hex::encode(signer.as_bytes())
            );
            let got: Vec<String> = their_relays.iter().map(|r| r.to_string()).collect();
            assert_eq!(
                got,
                [
                    "wss://relay.damus.io",
                    "wss://nos.lol/",
                    "ws://127.0.0.1:4869"
                ]
            );
            assert_eq!(their_secret.as_deref(), Some(secret.as_str()));
        }
        other => panic!("{other:?}"),
    }
}

/// rust-nostr's own legacy nostrconnect output (metadata JSON, unencoded), plus a secret.
#[test]
fn we_read_rust_nostrs_legacy_nostrconnect_uri() {
    let keys =
        nostr::Keys::parse("6b911fd37cdf5c81d4c0adb1ab7fa822ed253ab0ad9aa18d77257c88b29b718e")
            .unwrap();
    let mut meta = nostr::nips::nip46::NostrConnectMetadata::new("Rust App");
    meta = meta.url(nostr::Url::parse("https://example.com").unwrap());
    let uri = nostr::nips::nip46::NostrConnectURI::Client {
        public_key: keys.public_key(),
        relays: vec![nostr::RelayUrl::parse("wss://relay.example.com").unwrap()],
        metadata: meta,
    };
    let s = format!("{uri}&secret=xyz");
    let ours = NostrConnectUri::parse(&s).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(
        hex::encode(ours.client.as_bytes()),
        keys.public_key().to_hex()
    );
    assert_eq!(ours.metadata.name.as_deref(), Some("Rust App"));
    assert_eq!(ours.metadata.url.as_deref(), Some("https://example.com/"));
    assert_eq!(ours.secret.as_str(), "xyz");
    assert_eq!(ours.relays[0].as_str(), "wss://relay.example.com");
}

fn decision() -> impl Strategy<Value = Decision> {
    prop_oneof![
        Just(Decision::Allow),
        Just(Decision::Ask),
        Just(Decision::Deny)
    ]
}

fn trust() -> impl Strategy<Value = TrustLevel> {
    prop_oneof![
        Just(TrustLevel::Full),
        Just(TrustLevel::Medium),
        Just(TrustLevel::Low)
    ]
}

fn client_perms() -> impl Strategy<Value = ClientPerms> {
    (
        trust(),
        proptest::collection::vec((any::<u16>(), decision()), 0..=MAX_KIND_OVERRIDES),
        proptest::collection::vec(proptest::option::of(decision()), 4),
    )
        .prop_map(|(trust, kinds, methods)| {
            let mut p = ClientPerms::new(trust);
            for (k, d) in kinds {
                p.set_kind_override(k, Some(d)).unwrap();
            }
            let crypto = [
                Method::Nip04Encrypt,
                Method::Nip04Decrypt,
                Method::Nip44Encrypt,
                Method::Nip44Decrypt,
            ];
            for (m, d) in crypto.into_iter().zip(methods) {
                p.set_method_override(m, d).unwrap();
            }
            p
        })
}

fn relay() -> impl Strategy<Value = String> {
    (
        "(wss|ws)://",
        "[a-z0-9.-]{1,20}(:[0-9]{1,5})?(/[!-~]{0,30})?",
    )
        .prop_map(|(scheme, rest)| format!("{scheme}{rest}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic_uri_parsers(s in "\\PC{0,300}") {
        let _ = BunkerUri::parse(&s);
        let _ = NostrConnectUri::parse(&s);
        let _ = uri::ClientMetadata::from_json(&s);
        let _ = RequestedPerms::parse(&s);
        let _ = Method::parse(&s);
    }

    #[test]
    fn arbitrary_queries_never_panic(q in "[a-z=&%+0-9A-F:/{}\",.\\[\\] -]{0,300}") {
        for prefix in [
            "nostrconnect://79dff8f82963424e0bb02708a22e44b4980893e3a4be0fa3cb60a43b946764e3?",
            "bunker://79dff8f82963424e0bb02708a22e44b4980893e3a4be0fa3cb60a43b946764e3?",
        ] {
            let s = format!("{prefix}{q}");
            let _ = BunkerUri::parse(&s);
            let _ = NostrConnectUri::parse(&s);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_decoders(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(p) = ClientPerms::decode(&bytes) {
            // Whatever decodes is canonical: it re-encodes to the same bytes.
            let mut buf = [0u8; CLIENT_PERMS_MAX_ENCODED_LEN];
            let n = p.encode_into(&mut buf).unwrap();
            prop_assert_eq!(&buf[..n], &bytes[..]);
        }
        if let Ok((_, used)) = ClientPerms::decode_prefix(&bytes) {
            prop_assert!(used <= bytes.len());
        }
        if let Ok(p) = ProtectedKinds::decode(&bytes) {
            let mut buf = [0u8; PROTECTED_KINDS_MAX_ENCODED_LEN];
            let n = p.encode_into(&mut buf).unwrap();
            prop_assert_eq!(&buf[..n], &bytes[..]);
        }
        let _ = ProtectedKinds::decode_prefix(&bytes);
    }

    #[test]
    fn client_perms_round_trip(p in client_perms(), tail in proptest::collection::vec(any::<u8>(), 0..8)) {
        let mut buf = [0u8; CLIENT_PERMS_MAX_ENCODED_LEN + 8];
        let n = p.encode_into(&mut buf).unwrap();
        prop_assert_eq!(n, p.encoded_len());
        prop_assert!(n <= CLIENT_PERMS_MAX_ENCODED_LEN);
        prop_assert_eq!(ClientPerms::decode(&buf[..n]).unwrap(), p.clone());
        buf[n..n + tail.len()].copy_from_slice(&tail);
        prop_assert_eq!(ClientPerms::decode_prefix(&buf[..n + tail.len()]).unwrap(), (p, n));
    }

    #[test]
    fn protected_kinds_round_trip(kinds in proptest::collection::vec(any::<u16>(), 0..32)) {
        let p = ProtectedKinds::from_kinds(&kinds).unwrap();
        let mut buf = [0u8; PROTECTED_KINDS_MAX_ENCODED_LEN];
        let n = p.encode_into(&mut buf).unwrap();
        prop_assert_eq!(ProtectedKinds::decode(&buf[..n]).unwrap(), p);
    }

    /// The decision never depends on anything but the documented inputs, and overrides win.
    #[test]
    fn decide_matches_the_table(p in client_perms(), kind in any::<u16>(),
                                prot in proptest::collection::vec(any::<u16>(), 0..8)) {
        let protected = ProtectedKinds::from_kinds(&prot).unwrap();
        let got = perms::decide(&p, Method::SignEvent, Some(kind), &protected);
        let want = p.kind_override(kind).unwrap_or(match p.trust() {
            TrustLevel::Full => Decision::Allow,
            TrustLevel::Medium if protected.contains(kind) => Decision::Ask,
            TrustLevel::Medium => Decision::Allow,
            TrustLevel::Low => Decision::Ask,
        });
        prop_assert_eq!(got, want);
        for m in Method::ALL {
            let d = perms::decide(&p, m, Some(kind), &protected);
            match m {
                Method::Connect | Method::GetPublicKey | Method::Ping | Method::SwitchRelays
                | Method::Logout => prop_assert_eq!(d, Decision::Allow),
                Method::SignEvent => {}
                _ => prop_assert_eq!(d, p.method_override(m).unwrap_or(
                    if p.trust() == TrustLevel::Low { Decision::Ask } else { Decision::Allow })),
            }
        }
    }

    /// What we write, we (and rust-nostr) read back unchanged.
    #[test]
    fn bunker_uri_round_trip(seed in any::<[u8; 32]>(), entropy in any::<[u8; 16]>(),
                             relays in proptest::collection::vec(relay(), 1..=MAX_RELAYS)) {
        let Ok(sk) = SecretKey::from_bytes(&seed) else { return Ok(()) };
        let signer: PublicKey = sk.public_key();
        let secret = bunker_secret(&entropy);
        let refs: Vec<&str> = relays.iter().map(String::as_str).collect();
        let mut out = [0u8; 4096];
        let n = write_bunker_uri(&signer, &refs, &secret, &mut out).unwrap();
        let s = std::str::from_utf8(&out[..n]).unwrap();
        prop_assert!(s.bytes().all(|b| b.is_ascii_graphic()));
        let parsed = BunkerUri::parse(s).unwrap();
        prop_assert_eq!(parsed.signer, signer);
        let mut dedup: Vec<String> = Vec::new();
        for r in &relays {
            if !dedup.contains(r) {
                dedup.push(r.clone());
            }
        }
        prop_assert_eq!(ours(&parsed.relays), dedup);
        prop_assert_eq!(parsed.secret.as_deref(), Some(secret.as_str()));
    }

    #[test]
    fn nostrconnect_flat_round_trip(seed in any::<[u8; 32]>(), secret in "[!-~]{1,40}",
                                    name in "\\PC{0,30}", relays in proptest::collection::vec(relay(), 1..4)) {
        let Ok(sk) = SecretKey::from_bytes(&seed) else { return Ok(()) };
        let hexkey = hex::encode(sk.public_key().as_bytes());
        let enc = |v: &str| -> String {
            v.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() }
                               else { format!("%{b:02X}") }).collect()
        };
        let mut s = format!("nostrconnect://{hexkey}?secret={}&name={}", enc(&secret), enc(&name));
        for r in &relays {
            s.push_str("&relay=");
            s.push_str(&enc(r));
        }
        let u = NostrConnectUri::parse(&s).unwrap();
        prop_assert_eq!(u.secret.as_str(), secret.as_str());
        prop_assert_eq!(u.metadata.name.as_deref(), Some(name.as_str()).filter(|n| !n.is_empty()));
        prop_assert_eq!(hex::encode(u.client.as_bytes()), hexkey);
    }
}
