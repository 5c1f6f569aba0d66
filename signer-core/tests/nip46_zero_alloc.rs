#![allow(unsafe_code)] // a global allocator is unsafe by definition; the library forbids it
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Proves that the NIP-46 signer never touches the heap on any path: every call to
//! `handle_request`, `decide`, `expire`, `approve_nostrconnect` and the state codec runs under a
//! counting global allocator that records allocations made on this thread. Requests are built
//! (with rust-nostr, which allocates) before the measured call and checked after it.

#[path = "nip46_harness.rs"]
mod harness;

use harness::*;
use nostr::JsonUtil;
use serde_json::json;
use signer_core::nip46::perms::{Decision, TrustLevel};
use signer_core::nip46::signer::{
    self, Approval, Buffers, IgnoreReason, Outcome, PENDING_TTL, Reply,
};
use signer_core::nip46::state::{Scheme, State};
use signer_core::nip46::{Activity, PendingApproval, PublishRelays, Verdict};

#[path = "support/alloc_counter.rs"]
mod alloc_counter;
use alloc_counter::allocations;

/// An outcome without borrows, so the measured closure can return it (no boxing: boxing
/// would allocate inside the measurement).
#[allow(clippy::large_enum_variant)]
enum Sum {
    Respond(usize, PublishRelays, Activity),
    Ask(PendingApproval),
    Ignore(IgnoreReason),
}

fn sum(o: Outcome<'_>) -> Sum {
    match o {
        Outcome::Respond(r) => Sum::Respond(r.event_json.len(), r.relays, r.activity),
        Outcome::Ask(p) => Sum::Ask(p),
        Outcome::Ignore(r) => Sum::Ignore(r),
    }
}

fn got(s: &Signer, x: Sum) -> Got {
    match x {
        Sum::Respond(n, relays, activity) => own(Outcome::Respond(Reply {
            event_json: &s.out[..n],
            relays,
            activity,
        })),
        Sum::Ask(p) => Got::Ask(p),
        Sum::Ignore(r) => Got::Ignore(r),
    }
}

/// `handle_request` (every other call `handle_request_in` with the signer's kept context),
/// measured.
fn handle(s: &mut Signer, json: &str, what: &str) -> Got {
    let entropy = s.entropy();
    let kept = s.counter.is_multiple_of(2);
    let (n, x) = allocations(|| {
        let bufs = Buffers {
            scratch: &mut s.scratch,
            out: &mut s.out,
        };
        let outcome = if kept {
            signer::handle_request_in(
                &s.kept.get(),
                s.now,
                json.as_bytes(),
                &s.keychain,
                &entropy,
                &mut s.state,
                bufs,
            )
        } else {
            signer::handle_request(
                s.now,
                json.as_bytes(),
                &s.keychain,
                &entropy,
                &mut s.state,
                bufs,
            )
        };
        sum(outcome.unwrap())
    });
    assert_eq!(n, 0, "{what}: {n} allocations");
    got(s, x)
}

fn decide(s: &mut Signer, id: &[u8; 32], a: Approval, json: &str, what: &str) -> Got {
    let entropy = s.entropy();
    let (n, x) = allocations(|| {
        sum(signer::decide(
            s.now,
            id,
            a,
            json.as_bytes(),
            &s.keychain,
            &entropy,
            &mut s.state,
            Buffers {
                scratch: &mut s.scratch,
                out: &mut s.out,
            },
        )
        .unwrap())
    });
    assert_eq!(n, 0, "{what}: {n} allocations");
    got(s, x)
}

fn expire(s: &mut Signer) -> Option<Got> {
    let entropy = s.entropy();
    let (n, x) = allocations(|| {
        signer::expire(
            s.now,
            &s.keychain,
            &entropy,
            &mut s.state,
            Buffers {
                scratch: &mut s.scratch,
                out: &mut s.out,
            },
        )
        .unwrap()
        .map(|r| Sum::Respond(r.event_json.len(), r.relays, r.activity))
    });
    assert_eq!(n, 0, "expire: {n} allocations");
    x.map(|x| got(s, x))
}

fn send(s: &mut Signer, c: &mut Session, method: &str, params: &[&str]) -> (String, Got) {
    let (id, ev) = c.event(s, method, params);
    (id, handle(s, &ev.as_json(), method))
}

fn reply(s: &Signer, c: &Session, g: &Got) -> serde_json::Value {
    open(g.event(), &c.client, &c.to, s.now, c.scheme)
}

#[test]
fn counter_sees_allocations() {
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert!(n >= 1);
    drop(v);
}

#[test]
fn every_signer_path_allocates_nothing() {
    let u = Pair::new(0x11);
    let mut s = Signer::with_account(T0, &u, TrustLevel::Medium);
    let mut c = Session::new(Pair::new(0x41), &u);
    let peer = Pair::new(0x77);
    let template =
        json!({"kind": 1, "created_at": 5, "tags": [["t", "é"]], "content": "a\nb"}).to_string();

    // Unpaired error, bad secret, pairing.
    let (_, g) = send(&mut s, &mut c, "ping", &[]);
    assert_eq!(g.activity().verdict, Verdict::NotPaired);
    let (_, g) = send(&mut s, &mut c, "connect", &[&u.hex(), "wrong"]);
    assert_eq!(g.activity().verdict, Verdict::BadSecret);
    let secret = s.secret(&u);
    let (_, g) = send(
        &mut s,
        &mut c,
        "connect",
        &[&u.hex(), &secret, "sign_event:1", r#"{"name":"x"}"#],
    );
    assert_eq!(reply(&s, &c, &g)["result"], "ack");

    // Every method.
    let theirs44 = nostr::nips::nip44::encrypt(
        peer.keys.secret_key(),
        &u.theirs(),
        "hi",
        nostr::nips::nip44::Version::V2,
    )
    .unwrap();
    let theirs04 = nostr::nips::nip04::encrypt(peer.keys.secret_key(), &u.theirs(), "hi").unwrap();
    let p = peer.hex();
    for (method, params) in [
        ("get_public_key", vec![]),
        ("ping", vec![]),
        ("sign_event", vec![template.as_str()]),
        ("nip44_encrypt", vec![p.as_str(), "hello"]),
        ("nip44_decrypt", vec![p.as_str(), theirs44.as_str()]),
        ("nip04_encrypt", vec![p.as_str(), "hello"]),
        ("nip04_decrypt", vec![p.as_str(), theirs04.as_str()]),
        ("switch_relays", vec![]),
        ("nip44_decrypt", vec![p.as_str(), "garbage"]),
        ("unknown_method", vec![]),
    ] {
        let (id, g) = send(&mut s, &mut c, method, &params);
        assert_eq!(reply(&s, &c, &g)["id"], id, "{method}");
    }
    s.state
        .set_relays(&u.ours(), &["wss://other.example.com"])
        .unwrap();
    let (_, g) = send(&mut s, &mut c, "switch_relays", &[]);
    assert!(reply(&s, &c, &g)["result"].is_string());

    // Ignore paths.
    let (_, ev) = c.event(&s, "ping", &[]);
    let json = ev.as_json();
    handle(&mut s, &json, "ping").event();
    assert_eq!(
        handle(&mut s, &json, "duplicate").ignored(),
        IgnoreReason::Duplicate
    );
    assert_eq!(
        handle(&mut s, "{}", "malformed").ignored(),
        IgnoreReason::Malformed
    );
    let stranger = Pair::new(0x55);
    let ev = request_event(
        &c.client,
        &stranger,
        &rpc("x", "ping", &[]),
        Scheme::Nip44,
        s.now,
        vec![nostr::Tag::public_key(u.theirs())],
    );
    assert_eq!(
        handle(&mut s, &ev.as_json(), "undecryptable").ignored(),
        IgnoreReason::Undecryptable
    );

    // Deny, ask → approve, ask → deny, ask → expire.
    let me = *c.client.ours().as_bytes();
    s.state
        .set_kind_override(&u.ours(), &me, 4, Some(Decision::Deny))
        .unwrap();
    let t4 = json!({"kind": 4, "created_at": 5, "tags": [], "content": ""}).to_string();
    let (_, g) = send(&mut s, &mut c, "sign_event", &[&t4]);
    assert_eq!(g.activity().verdict, Verdict::Denied);
    let t0 = json!({"kind": 0, "created_at": 5, "tags": [], "content": "{}"}).to_string();
    for approval in [Approval::Approve, Approval::Deny] {
        let (_, ev) = c.event(&s, "sign_event", &[&t0]);
        let ask = handle(&mut s, &ev.as_json(), "ask").pending();
        let g = decide(&mut s, &ask.id, approval, &ev.as_json(), "decide");
        assert!(reply(&s, &c, &g).get("id").is_some());
    }
    let (_, ev) = c.event(&s, "sign_event", &[&t0]);
    handle(&mut s, &ev.as_json(), "ask").pending();
    s.now += PENDING_TTL;
    assert!(expire(&mut s).is_some());
    assert!(expire(&mut s).is_none());

    // NIP-04 transport.
    c.scheme = Scheme::Nip04;
    let (_, g) = send(&mut s, &mut c, "get_public_key", &[]);
    assert_eq!(reply(&s, &c, &g)["result"], u.hex());
    c.scheme = Scheme::Nip44;

    // A 64 KiB-class request: a sign_event with a ~48 KB content.
    let big = "x".repeat(48_000);
    let t = json!({"kind": 1, "created_at": 5, "tags": [], "content": big}).to_string();
    let (_, g) = send(&mut s, &mut c, "sign_event", &[&t]);
    assert!(reply(&s, &c, &g)["result"].as_str().unwrap().len() > 48_000);

    // Logout.
    let (_, g) = send(&mut s, &mut c, "logout", &[]);
    assert_eq!(reply(&s, &c, &g)["result"], "ack");

    // nostrconnect approval.
    let uri = format!(
        "nostrconnect://{}?relay=wss%3A%2F%2Fr.example.com&secret=s3&perms=sign_event%3A1",
        Pair::new(0x43).hex()
    );
    let entropy = s.entropy();
    let (n, len) = allocations(|| {
        signer::approve_nostrconnect(
            s.now,
            &uri,
            &u.ours(),
            TrustLevel::Low,
            &s.keychain,
            &entropy,
            &mut s.state,
            Buffers {
                scratch: &mut s.scratch,
                out: &mut s.out,
            },
        )
        .unwrap()
        .event_json
        .len()
    });
    assert_eq!(n, 0, "approve_nostrconnect: {n} allocations");
    assert!(len > 0);

    // State codec.
    let mut buf = vec![0u8; State::MAX_ENCODED_LEN];
    let mut target = Box::new(State::new());
    let (n, ok) = allocations(|| {
        let len = s.state.encode(&mut buf).unwrap();
        target.decode_into(&buf[..len]).is_ok()
    });
    assert!(ok);
    assert_eq!(n, 0, "state codec: {n} allocations");
    assert!(*target == *s.state);
}
