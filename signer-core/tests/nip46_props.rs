//! Property tests: no input makes the NIP-46 signer or the state codec panic, ignored input
//! never changes the state, and every answered request is answered on its own id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "nip46_harness.rs"]
mod harness;

use harness::*;
use nostr::JsonUtil;
use proptest::prelude::*;
use serde_json::{Value, json};
use signer_core::nip46::perms::TrustLevel;
use signer_core::nip46::signer::{Approval, PENDING_TTL};
use signer_core::nip46::state::{MAX_PENDING, Scheme, State};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn paired(trust: TrustLevel) -> (Signer, Session, Pair) {
    let u = Pair::new(0x11);
    let mut s = Signer::with_account(T0, &u, trust);
    let mut c = Session::new(Pair::new(0x41), &u);
    c.connect(&mut s, &u, "", "");
    (s, c, u)
}

/// A JSON value of bounded depth, biased towards what NIP-46 requests contain.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(Value::from("sign_event")),
        Just(Value::from(Pair::new(0x77).hex())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("kind".to_owned()),
                    Just("created_at".to_owned()),
                    Just("tags".to_owned()),
                    Just("content".to_owned()),
                    Just("pubkey".to_owned()),
                    "[a-z]{1,4}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON-RPC request, mostly well-formed, with arbitrary method and parameters.
fn request_text() -> impl Strategy<Value = String> {
    let method = prop_oneof![
        Just("connect"),
        Just("get_public_key"),
        Just("sign_event"),
        Just("ping"),
        Just("nip04_encrypt"),
        Just("nip04_decrypt"),
        Just("nip44_encrypt"),
        Just("nip44_decrypt"),
        Just("switch_relays"),
        Just("logout"),
        Just("bogus"),
    ];
    let param = prop_oneof![
        ".{0,40}".prop_map(Value::from),
        json_value().prop_map(|v| Value::from(v.to_string())),
        json_value(),
    ];
    prop_oneof![
        3 => ("[ -~]{0,20}", method, prop::collection::vec(param, 0..4))
            .prop_map(|(id, m, p)| json!({"id": id, "method": m, "params": p}).to_string()),
        1 => json_value().prop_map(|v| v.to_string()),
        1 => ".{1,60}",
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes as the request event: ignored, state untouched, never a panic.
    #[test]
    fn arbitrary_request_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let (mut s, _c, _u) = paired(TrustLevel::Full);
        let before = s.encoded();
        let json = String::from_utf8_lossy(&bytes).into_owned();
        let got = s.handle(&json);
        prop_assert!(matches!(got, Got::Ignore(_)));
        prop_assert_eq!(before, s.encoded());
    }

    /// Arbitrary bytes as a state snapshot: an error or a state, never a panic; a state that
    /// decodes re-encodes to the same bytes.
    #[test]
    fn arbitrary_state_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(state) = decode(&bytes) {
            let mut buf = vec![0u8; State::MAX_ENCODED_LEN];
            let n = state.encode(&mut buf).unwrap();
            prop_assert_eq!(&buf[..n], &bytes[..]);
        }
    }

    /// A real snapshot with random bytes overwritten (checksum fixed up or not): never a panic.
    #[test]
    fn mutated_state_bytes(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        fix_checksum in any::<bool>(),
    ) {
        use sha2::Digest;
        let (mut s, mut c, _u) = paired(TrustLevel::Low);
        c.ok(&mut s, "ping", &[]);
        let (_, ev) = c.event(&s, "sign_event", &[r#"{"kind":1,"created_at":1,"tags":[],"content":""}"#]);
        s.handle(&ev.as_json()).pending();
        let mut bytes = s.encoded();
        let body_end = bytes.len() - 32;
        for (at, b) in edits {
            let i = at.index(body_end);
            bytes[i] = b;
        }
        if fix_checksum {
            let digest = sha2::Sha256::digest(&bytes[..body_end]);
            bytes[body_end..].copy_from_slice(&digest);
        }
        let _ = decode(&bytes);
    }
}

proptest! {
    #![proptest_config(config(96))]

    /// Arbitrary (mostly JSON-RPC) plaintexts from a paired client, in either scheme: a reply on
    /// the request's own id, an Ask, or an ignore when there is no string id; never a panic.
    #[test]
    fn arbitrary_rpc_from_a_paired_client(
        text in request_text(),
        nip04 in any::<bool>(),
        trust in prop_oneof![Just(TrustLevel::Full), Just(TrustLevel::Medium), Just(TrustLevel::Low)],
    ) {
        let (mut s, c, u) = paired(trust);
        let scheme = if nip04 { Scheme::Nip04 } else { Scheme::Nip44 };
        let ev = request_event(&c.client, &u, &text, scheme, s.now, vec![]);
        let id = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned));
        match s.handle(&ev.as_json()) {
            Got::Respond { event, .. } => {
                let resp = open(&event, &c.client, &u, s.now, scheme);
                prop_assert_eq!(resp["id"].as_str(), id.as_deref());
                let ok = resp.get("error").is_none();
                if ok {
                    prop_assert!(
                        resp["result"].as_str().is_some_and(|r| !r.is_empty())
                            || resp["result"].is_null(),
                        "success results are never empty: {}", resp
                    );
                } else {
                    prop_assert_eq!(&resp["result"], "");
                }
            }
            Got::Ask(p) => {
                prop_assert!(id.is_some());
                prop_assert_eq!(p.id, ev.id.to_bytes());
            }
            Got::Ignore(_) => prop_assert!(id.is_none(), "ignored a request with an id: {}", text),
        }
    }
}

/// One step of a signer's life.
#[derive(Debug, Clone)]
enum Op {
    Request(usize, u8),
    Approve(usize),
    Deny(usize),
    Advance(u16),
    Expire,
    Reload,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..3, any::<u8>()).prop_map(|(c, k)| Op::Request(c, k)),
        2 => any::<usize>().prop_map(Op::Approve),
        1 => any::<usize>().prop_map(Op::Deny),
        1 => any::<u16>().prop_map(Op::Advance),
        1 => Just(Op::Expire),
        1 => Just(Op::Reload),
    ]
}

proptest! {
    #![proptest_config(config(24))]

    /// Sequences of requests, decisions, time and reloads: every held request is answered
    /// exactly once (by decide or expire), the queue stays bounded, nothing panics.
    #[test]
    fn operation_sequences(ops in prop::collection::vec(op(), 1..24)) {
        let u = Pair::new(0x11);
        let mut s = Signer::with_account(T0, &u, TrustLevel::Medium);
        let mut clients: Vec<Session> = (0..3).map(|i| Session::new(Pair::new(0x41 + i), &u)).collect();
        for c in clients.iter_mut().take(2) {
            c.connect(&mut s, &u, "", "");
        }
        // Held requests: (event json, pending id, rpc id, client index).
        let mut held: Vec<(String, [u8; 32], String, usize)> = Vec::new();
        let kinds = [0u16, 1, 3, 5, 7, 10002];
        for op in ops {
            match op {
                Op::Request(ci, k) => {
                    let t = json!({"kind": kinds[k as usize % kinds.len()], "created_at": 1, "tags": [], "content": "x"}).to_string();
                    let (id, ev) = clients[ci].event(&s, "sign_event", &[&t]);
                    match s.handle(&ev.as_json()) {
                        Got::Ask(p) => held.push((ev.as_json(), p.id, id, ci)),
                        Got::Respond { event, .. } => {
                            let c = &clients[ci];
                            let resp = open(&event, &c.client, &u, s.now, Scheme::Nip44);
                            prop_assert_eq!(resp["id"].as_str(), Some(id.as_str()));
                        }
                        Got::Ignore(r) => prop_assert!(false, "ignored {:?}", r),
                    }
                }
                Op::Approve(i) | Op::Deny(i) if !held.is_empty() => {
                    let (json, pid, rid, ci) = held.remove(i % held.len());
                    let approval = if matches!(op, Op::Approve(_)) { Approval::Approve } else { Approval::Deny };
                    let got = s.decide(&pid, approval, &json);
                    let c = &clients[ci];
                    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
                    prop_assert_eq!(resp["id"].as_str(), Some(rid.as_str()));
                }
                Op::Approve(_) | Op::Deny(_) => {}
                Op::Advance(secs) => s.now += u64::from(secs % 200),
                Op::Expire => {
                    while let Some(got) = s.expire() {
                        let ev = got.event();
                        let at = held.iter().position(|h| ev.tags.public_keys().any(|p| *p == clients[h.3].client.theirs())).unwrap();
                        // The reply answers some held request of that client, with the timeout error.
                        let ci = held[at].3;
                        let resp = open(ev, &clients[ci].client, &u, s.now, Scheme::Nip44);
                        let pos = held.iter().position(|h| resp["id"].as_str() == Some(h.2.as_str()) && h.3 == ci).unwrap();
                        held.remove(pos);
                        prop_assert_eq!(&resp["error"], "approval timed out");
                    }
                    prop_assert!(held.iter().all(|h| s.state.pending().iter().any(|p| p.id() == &h.1)));
                }
                Op::Reload => {
                    let bytes = s.encoded();
                    s.state = decode(&bytes).unwrap();
                }
            }
            prop_assert!(s.state.pending().len() <= MAX_PENDING);
            prop_assert_eq!(s.state.pending().len(), held.len());
        }
        // Drain: everything still held expires with exactly one reply each.
        s.now += PENDING_TTL;
        let mut n = 0;
        while s.expire().is_some() {
            n += 1;
        }
        prop_assert_eq!(n, held.len());
    }
}
