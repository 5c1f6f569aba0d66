//! NIP-46 protocol tests: signer-core as the signer, rust-nostr playing the clients, in memory
//! with virtual time. Each test names the INTEROP lines it proves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "nip46_harness.rs"]
mod harness;

use harness::*;
use nostr::nips::nip46::{NostrConnectMessage, NostrConnectMethod};
use nostr::nips::{nip04, nip44};
use nostr::{JsonUtil, Tag, Timestamp};
use serde_json::json;
use signer_core::Error;
use signer_core::nip46::perms::{Decision, Method, ProtectedKinds, TrustLevel};
use signer_core::nip46::signer::{
    Approval, IgnoreReason, MAX_CLOCK_SKEW, OUT_LEN, PENDING_TTL, SCRATCH_LEN,
};
use signer_core::nip46::state::{MAX_CLIENTS, MAX_PENDING, STATE_VERSION, Scheme, State};
use signer_core::nip46::{Buffers, Verdict, handle_request};

fn user() -> Pair {
    Pair::new(0x11)
}

fn client(n: u8) -> Pair {
    Pair::new(0x40 + n)
}

/// A signer with one account and one client paired through `bunker://` at `trust`.
fn paired(trust: TrustLevel) -> (Signer, Session, Pair) {
    let u = user();
    let mut s = Signer::with_account(T0, &u, trust);
    let mut c = Session::new(client(1), &u);
    c.connect(&mut s, &u, "", "");
    (s, c, u)
}

fn template(kind: u16, content: &str) -> String {
    json!({"kind": kind, "created_at": 1_690_000_000u64, "tags": [["t", "x"], ["p", "ab"]], "content": content})
        .to_string()
}

#[test]
fn state_is_a_fixed_size_value() {
    let size = std::mem::size_of::<State>();
    // Documented as "about 210 KB" in the state module: keep the two in step.
    assert!(
        (150_000..260_000).contains(&size),
        "size_of::<State>() = {size}"
    );
    println!(
        "size_of::<State>() = {size}, SCRATCH_LEN = {SCRATCH_LEN}, OUT_LEN = {OUT_LEN}, MAX_ENCODED_LEN = {}",
        State::MAX_ENCODED_LEN
    );
}

/// INTEROP 9, 10, 14, 15, 18: bunker pairing, then every method.
#[test]
fn bunker_pairing_and_every_method() {
    let u = user();
    let mut s = Signer::with_account(T0, &u, TrustLevel::Full);
    // The bunker URI parses in rust-nostr and names the transport key and the secret.
    let mut buf = [0u8; 512];
    let n = s.state.bunker_uri(&u.ours(), &mut buf).unwrap();
    let uri = std::str::from_utf8(&buf[..n]).unwrap();
    let theirs = nostr::nips::nip46::NostrConnectURI::parse(uri).unwrap();
    assert_eq!(theirs.remote_signer_public_key(), Some(&u.theirs()));
    assert_eq!(theirs.secret(), Some(s.secret(&u).as_str()));

    let mut c = Session::new(client(1), &u);
    let first_secret = s.secret(&u);
    let (resp, act) = c.call(
        &mut s,
        "connect",
        &[
            "",
            &first_secret,
            "sign_event:1,nip44_encrypt",
            r#"{"name":"Test App","url":"https://app.example"}"#,
        ],
    );
    assert_eq!(resp["result"], "ack");
    assert_eq!(act.verdict, Verdict::Paired);
    assert_eq!(act.method, Method::Connect);
    assert_ne!(s.secret(&u), first_secret, "secret rotates after pairing");
    let cl = s
        .state
        .client(&u.ours(), c.client.ours().as_bytes())
        .unwrap();
    assert_eq!(cl.name(), "Test App");
    assert_eq!(cl.url(), "https://app.example");
    assert_eq!(cl.perms().kind_override(1), Some(Decision::Allow));
    assert_eq!(cl.paired_at(), T0);

    // get_public_key: the user key, 64 lowercase hex.
    assert_eq!(c.ok(&mut s, "get_public_key", &[]), u.hex());
    assert_eq!(c.ok(&mut s, "ping", &[]), "pong");

    // sign_event, without pubkey; the result parses as an event in rust-nostr.
    let t = template(1, "hello \"world\"\n\u{e9}");
    let (resp, act) = c.call(&mut s, "sign_event", &[&t]);
    assert_eq!(act.kind, Some(1));
    assert_eq!(act.verdict, Verdict::Allowed);
    let msg = NostrConnectMessage::from_json(resp.to_string()).unwrap();
    let ev = msg
        .to_response(NostrConnectMethod::SignEvent)
        .unwrap()
        .result
        .unwrap()
        .to_sign_event()
        .unwrap();
    ev.verify().unwrap();
    assert_eq!(ev.pubkey, u.theirs());
    assert_eq!(ev.kind.as_u16(), 1);
    assert_eq!(ev.created_at.as_secs(), 1_690_000_000);
    assert_eq!(ev.content, "hello \"world\"\n\u{e9}");
    let tags: Vec<Vec<String>> = ev.tags.iter().map(|t| t.as_slice().to_vec()).collect();
    assert_eq!(tags, vec![vec!["t", "x"], vec!["p", "ab"]]);

    // sign_event with our pubkey and a stale id: accepted, id recomputed.
    let t = json!({"pubkey": u.hex(), "id": "00".repeat(32), "kind": 7, "created_at": 5, "tags": [], "content": "+"}).to_string();
    let r = c.ok(&mut s, "sign_event", &[&t]);
    let ev = nostr::Event::from_json(&r).unwrap();
    ev.verify().unwrap();
    assert_eq!(ev.kind.as_u16(), 7);

    // nip44_encrypt / nip44_decrypt against rust-nostr.
    let peer = Pair::new(0x77);
    let ct = c.ok(&mut s, "nip44_encrypt", &[&peer.hex(), "secret message ✓"]);
    assert_eq!(
        nip44::decrypt(peer.keys.secret_key(), &u.theirs(), &ct).unwrap(),
        "secret message ✓"
    );
    let theirs = nip44::encrypt(
        peer.keys.secret_key(),
        &u.theirs(),
        "from peer",
        nip44::Version::V2,
    )
    .unwrap();
    assert_eq!(
        c.ok(&mut s, "nip44_decrypt", &[&peer.hex(), &theirs]),
        "from peer"
    );
    // The scratch buffer that held the decrypted DM is wiped before the call returns.
    assert!(s.scratch.iter().all(|&b| b == 0), "scratch not wiped");

    // nip04_encrypt / nip04_decrypt against rust-nostr.
    let ct = c.ok(&mut s, "nip04_encrypt", &[&peer.hex(), "legacy dm"]);
    assert!(ct.contains("?iv="));
    assert_eq!(
        nip04::decrypt(peer.keys.secret_key(), &u.theirs(), &ct).unwrap(),
        "legacy dm"
    );
    let theirs = nip04::encrypt(peer.keys.secret_key(), &u.theirs(), "old dm").unwrap();
    assert_eq!(
        c.ok(&mut s, "nip04_decrypt", &[&peer.hex(), &theirs]),
        "old dm"
    );

    // Decrypt failures are error replies, not ignores.
    let (e, _) = c.err(&mut s, "nip44_decrypt", &[&peer.hex(), "AAAA"]);
    assert_eq!(e, "decryption failed");
    let (e, _) = c.err(&mut s, "nip44_encrypt", &[&peer.hex(), ""]);
    assert_eq!(e, "empty plaintext");
    let (e, _) = c.err(&mut s, "nip44_encrypt", &["zz", "x"]);
    assert_eq!(e, "invalid peer pubkey");

    // Unknown methods (INTEROP 5, 18).
    let (e, v) = c.err(&mut s, "describe", &[]);
    assert_eq!(e, "Unsupported method: describe");
    assert_eq!(v, Verdict::Invalid);
    let (e, _) = c.err(&mut s, "get_relays", &["x"]);
    assert_eq!(e, "Unsupported method: get_relays");
}

/// INTEROP 19: switch_relays answers the relays when they differ, `null` when they match.
#[test]
fn switch_relays_null_then_list() {
    let (mut s, mut c, u) = paired(TrustLevel::Medium);
    // Paired through the bunker URI: the client already has the account's relays.
    let (resp, _) = c.call(&mut s, "switch_relays", &[]);
    assert!(resp["result"].is_null(), "{resp}");
    assert!(resp.get("error").is_none());
    s.state
        .set_relays(
            &u.ours(),
            &["wss://new.example.com", "wss://two.example.com/"],
        )
        .unwrap();
    let r = c.ok(&mut s, "switch_relays", &[]);
    let list: Vec<String> = serde_json::from_str(&r).unwrap();
    assert_eq!(list, ["wss://new.example.com", "wss://two.example.com/"]);
    let uk = u.ours();
    assert_eq!(s.state.clients(&uk).next().unwrap().relays().len(), 2);
    let (resp, _) = c.call(&mut s, "switch_relays", &[]);
    assert!(resp["result"].is_null());
}

/// INTEROP 10, 11: the secret is single use; a paired client reconnects with the old one.
#[test]
fn secret_rotation_and_idempotent_connect() {
    let (mut s, mut c, u) = paired(TrustLevel::Medium);
    let used = s.secret(&u); // the current (new) one
    // Reconnect of a paired client with a used/wrong/missing secret: "ack", nothing rotates.
    for secret in ["stale-secret", ""] {
        let r = c.ok(&mut s, "connect", &[&u.hex(), secret]);
        assert_eq!(r, "ack");
    }
    assert_eq!(c.ok(&mut s, "connect", &[&u.hex()]), "ack");
    assert_eq!(s.secret(&u), used);

    // A new client with the secret the first client consumed: refused, state unchanged.
    let mut d = Session::new(client(2), &u);
    let before = s.encoded();
    let mut e = d.event(&s, "connect", &[&u.hex(), "not-the-secret"]).1;
    let got = s.handle(&e.as_json());
    let resp = open(got.event(), &d.client, &u, s.now, Scheme::Nip44);
    assert_eq!(resp["error"], "invalid or already used secret");
    assert_eq!(got.activity().verdict, Verdict::BadSecret);
    // Only the seen id changed; the account did not.
    assert_eq!(s.state.clients(&u.ours()).count(), 1);
    assert_ne!(before, s.encoded());
    // Missing secret.
    let (msg, v) = d.err(&mut s, "connect", &[&u.hex()]);
    assert_eq!(
        (msg.as_str(), v),
        ("invalid or already used secret", Verdict::BadSecret)
    );
    // Everything else from an unpaired client is an error (INTEROP 5).
    for m in [
        "get_public_key",
        "ping",
        "sign_event",
        "logout",
        "switch_relays",
        "foo",
    ] {
        let (msg, v) = d.err(&mut s, m, &[]);
        assert_eq!(msg, "client not paired: send connect first", "{m}");
        assert_eq!(v, Verdict::NotPaired);
    }
    // With the current secret it pairs, and the secret rotates again.
    d.connect(&mut s, &u, "", "");
    assert_ne!(s.secret(&u), used);
    e = d.event(&s, "get_public_key", &[]).1;
    let got = s.handle(&e.as_json());
    assert_eq!(
        open(got.event(), &d.client, &u, s.now, Scheme::Nip44)["result"],
        u.hex()
    );
}

/// Paired-client cap: a clear error, no rotation, nothing stored.
#[test]
fn client_cap() {
    let u = user();
    let mut s = Signer::with_account(T0, &u, TrustLevel::Medium);
    for i in 0..MAX_CLIENTS {
        let mut c = Session::new(Pair::new(0x80 + i as u8), &u);
        c.connect(&mut s, &u, "", "");
    }
    let secret = s.secret(&u);
    let mut extra = Session::new(Pair::new(0xf0), &u);
    let (msg, v) = extra.err(&mut s, "connect", &[&u.hex(), &secret]);
    assert_eq!(msg, "too many paired clients");
    assert_eq!(v, Verdict::LimitReached);
    assert_eq!(s.secret(&u), secret, "no rotation on a refused pairing");
    assert_eq!(s.state.clients(&u.ours()).count(), MAX_CLIENTS);
    // Unpairing one makes room.
    let uk = u.ours();
    let first = *s.state.clients(&uk).next().unwrap().pubkey();
    assert!(s.state.unpair(&u.ours(), &first));
    extra.connect(&mut s, &u, "", "");
}

/// INTEROP 20: logout answers "ack", then the client is unpaired.
#[test]
fn logout_forgets_the_client() {
    let (mut s, mut c, u) = paired(TrustLevel::Full);
    let me = *c.client.ours().as_bytes();
    let (_, ev) = c.event(&s, "logout", &[]);
    let got = s.handle(&ev.as_json());
    assert_eq!(
        open(got.event(), &c.client, &u, s.now, Scheme::Nip44)["result"],
        "ack"
    );
    assert_eq!(got.relays(), [RELAY]);
    assert!(s.state.client(&u.ours(), &me).is_none());
    // A second logout from the now unpaired client is an error reply.
    let (msg, _) = c.err(&mut s, "logout", &[]);
    assert_eq!(msg, "client not paired: send connect first");
    // Pair again for the rest of the test.
    c.connect(&mut s, &u, "", "");
    assert_eq!(c.ok(&mut s, "logout", &[]), "ack");
    assert_eq!(s.state.clients(&u.ours()).count(), 0);
    let (msg, v) = c.err(&mut s, "get_public_key", &[]);
    assert_eq!(msg, "client not paired: send connect first");
    assert_eq!(v, Verdict::NotPaired);
}

/// Permission paths: allow, deny, ask→approve, ask→deny, ask→expire (INTEROP 6).
#[test]
fn permission_paths() {
    let (mut s, mut c, u) = paired(TrustLevel::Medium);
    let me = *c.client.ours().as_bytes();

    // Allow: kind 1 under Medium.
    c.ok(&mut s, "sign_event", &[&template(1, "a")]);

    // Deny: a per-kind override.
    s.state
        .set_kind_override(&u.ours(), &me, 4, Some(Decision::Deny))
        .unwrap();
    let (msg, v) = c.err(&mut s, "sign_event", &[&template(4, "a")]);
    assert_eq!((msg.as_str(), v), ("user rejected", Verdict::Denied));

    // Ask → approve: kind 0 is protected.
    let (id, ev) = c.event(&s, "sign_event", &[&template(0, "{\"name\":\"me\"}")]);
    let ask = s.handle(&ev.as_json()).pending();
    assert_eq!(ask.id, ev.id.to_bytes());
    assert_eq!((ask.method, ask.kind), (Method::SignEvent, Some(0)));
    assert_eq!(ask.expires_at, T0 + PENDING_TTL);
    assert_eq!(ask.activity.verdict, Verdict::Asked);
    assert_eq!(s.state.pending().len(), 1);
    assert_eq!(s.state.pending()[0].rpc_id(), id);
    assert_eq!(s.state.next_expiry(), Some(T0 + PENDING_TTL));
    // The held request survives a state round trip (a new NSE process decides it).
    let bytes = s.encoded();
    s.state = decode(&bytes).unwrap();
    // Redelivery while held: a duplicate, still no reply.
    assert_eq!(s.handle(&ev.as_json()).ignored(), IgnoreReason::Duplicate);
    s.now += 30;
    let got = s.decide(&ask.id, Approval::Approve, &ev.as_json());
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(resp["id"], id, "the real result on the original rpc id");
    let signed = nostr::Event::from_json(resp["result"].as_str().unwrap()).unwrap();
    signed.verify().unwrap();
    assert_eq!(signed.kind.as_u16(), 0);
    assert_eq!(got.activity().verdict, Verdict::Approved);
    assert!(s.state.pending().is_empty());
    // Deciding again: no longer pending.
    assert_eq!(
        s.decide(&ask.id, Approval::Approve, &ev.as_json())
            .ignored(),
        IgnoreReason::NotPending
    );

    // Ask → deny.
    let (id, ev) = c.event(&s, "sign_event", &[&template(3, "")]);
    let ask = s.handle(&ev.as_json()).pending();
    let got = s.decide(&ask.id, Approval::Deny, "");
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(
        resp,
        json!({"id": id, "result": "", "error": "user rejected"})
    );
    assert_eq!(got.activity().verdict, Verdict::Rejected);

    // Ask → expire.
    let (id, ev) = c.event(&s, "sign_event", &[&template(5, "")]);
    let ask = s.handle(&ev.as_json()).pending();
    s.now += PENDING_TTL - 1;
    assert!(s.expire().is_none(), "not yet");
    s.now += 1;
    let got = s.expire().unwrap();
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(
        resp,
        json!({"id": id, "result": "", "error": "approval timed out"})
    );
    assert_eq!(got.activity().verdict, Verdict::Expired);
    assert_eq!(got.activity().kind, Some(5));
    assert!(s.expire().is_none());
    assert_eq!(
        s.decide(&ask.id, Approval::Approve, &ev.as_json())
            .ignored(),
        IgnoreReason::NotPending
    );

    // Approving after the deadline but before expire(): the timeout reply, not the result.
    let (_, ev) = c.event(&s, "sign_event", &[&template(10002, "")]);
    let ask = s.handle(&ev.as_json()).pending();
    s.now += PENDING_TTL;
    let got = s.decide(&ask.id, Approval::Approve, &ev.as_json());
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(resp["error"], "approval timed out");
}

/// Low trust asks for crypto too; seeded perms from `connect` allow what was requested.
#[test]
fn low_trust_and_seeded_perms() {
    let u = user();
    let mut s = Signer::with_account(T0, &u, TrustLevel::Low);
    let mut c = Session::new(client(1), &u);
    c.connect(&mut s, &u, "sign_event:1,nip44_encrypt,sign_event:0", "");
    let peer = Pair::new(0x77);
    // Granted by the requested perms.
    c.ok(&mut s, "sign_event", &[&template(1, "x")]);
    c.ok(&mut s, "nip44_encrypt", &[&peer.hex(), "x"]);
    // Session methods are always automatic.
    c.ok(&mut s, "get_public_key", &[]);
    // Protected kind 0 was requested but is not seeded; decrypt was not requested.
    let (_, ev) = c.event(&s, "sign_event", &[&template(0, "x")]);
    assert!(matches!(s.handle(&ev.as_json()), Got::Ask(_)));
    let (_, ev) = c.event(&s, "nip44_decrypt", &[&peer.hex(), "x"]);
    assert_eq!(
        s.handle(&ev.as_json()).pending().method,
        Method::Nip44Decrypt
    );
    // Approving a crypto request runs it: here the payload is garbage, so an error reply.
    let id = ev.id.to_bytes();
    let got = s.decide(&id, Approval::Approve, &ev.as_json());
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(resp["error"], "decryption failed");
    assert_eq!(got.activity().verdict, Verdict::Approved);
}

/// The pending queue is bounded: beyond it, an error reply instead of a silent drop.
#[test]
fn pending_cap() {
    let (mut s, mut c, _u) = paired(TrustLevel::Low);
    for _ in 0..MAX_PENDING {
        let (_, ev) = c.event(&s, "sign_event", &[&template(1, "x")]);
        s.handle(&ev.as_json()).pending();
    }
    let (msg, v) = c.err(&mut s, "sign_event", &[&template(1, "x")]);
    assert_eq!(msg, "too many requests awaiting approval");
    assert_eq!(v, Verdict::LimitReached);
    // Session methods still work.
    c.ok(&mut s, "ping", &[]);
    // Expiring frees the queue, one reply per held request.
    s.now += PENDING_TTL;
    let mut n = 0;
    while let Some(got) = s.expire() {
        assert_eq!(got.activity().verdict, Verdict::Expired);
        n += 1;
    }
    assert_eq!(n, MAX_PENDING);
    assert!(s.state.pending().is_empty());
}

/// A held request's rpc id is bounded.
#[test]
fn long_rpc_id_on_ask_is_an_error() {
    let (mut s, c, u) = paired(TrustLevel::Low);
    let id = "i".repeat(65);
    let ev = request_event(
        &c.client,
        &u,
        &rpc(&id, "sign_event", &[&template(1, "x")]),
        Scheme::Nip44,
        s.now,
        vec![],
    );
    let got = s.handle(&ev.as_json());
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(resp["id"], id);
    assert_eq!(resp["error"], "request id too long");
    // The same id on an allowed request is echoed in full.
    let (mut s, c, u) = paired(TrustLevel::Full);
    let ev = request_event(
        &c.client,
        &u,
        &rpc(&id, "ping", &[]),
        Scheme::Nip44,
        s.now,
        vec![],
    );
    let got = s.handle(&ev.as_json());
    assert_eq!(
        open(got.event(), &c.client, &u, s.now, Scheme::Nip44)["id"],
        id
    );
}

/// INTEROP 4: duplicates, staleness, NIP-40 expiration.
#[test]
fn replay_staleness_expiration() {
    let (mut s, c, u) = paired(TrustLevel::Full);
    let ping = rpc("p1", "ping", &[]);
    let ev = request_event(&c.client, &u, &ping, Scheme::Nip44, s.now, vec![]);
    let json = ev.as_json();
    s.handle(&json).event();
    assert_eq!(s.handle(&json).ignored(), IgnoreReason::Duplicate);
    // Across a "wake": the seen ids are in the snapshot.
    let bytes = s.encoded();
    s.state = decode(&bytes).unwrap();
    s.now += MAX_CLOCK_SKEW;
    assert_eq!(s.handle(&json).ignored(), IgnoreReason::Duplicate);
    // Past the window it is stale instead (and forgotten from the seen list).
    s.now += 1;
    assert_eq!(s.handle(&json).ignored(), IgnoreReason::Stale);

    for (delta, ok) in [(-301i64, false), (-300, true), (300, true), (301, false)] {
        let at = (s.now as i64 + delta) as u64;
        let ev = request_event(&c.client, &u, &ping, Scheme::Nip44, at, vec![]);
        let got = s.handle(&ev.as_json());
        if ok {
            got.event();
        } else {
            assert_eq!(got.ignored(), IgnoreReason::Stale, "{delta}");
        }
    }
    // A request from the future is remembered until its own window closes.
    let ev = request_event(&c.client, &u, &ping, Scheme::Nip44, s.now + 300, vec![]);
    s.handle(&ev.as_json()).event();
    s.now += 599;
    assert_eq!(s.handle(&ev.as_json()).ignored(), IgnoreReason::Duplicate);

    // NIP-40.
    let exp = |t: u64| vec![Tag::expiration(Timestamp::from(t))];
    let ev = request_event(&c.client, &u, &ping, Scheme::Nip44, s.now, exp(s.now));
    assert_eq!(s.handle(&ev.as_json()).ignored(), IgnoreReason::Expired);
    let ev = request_event(&c.client, &u, &ping, Scheme::Nip44, s.now, exp(s.now + 10));
    s.handle(&ev.as_json()).event();
}

/// INTEROP 2: a NIP-04 request is answered in NIP-04, on every path.
#[test]
fn nip04_requests_get_nip04_replies() {
    let u = user();
    let mut s = Signer::with_account(T0, &u, TrustLevel::Medium);
    let mut c = Session::new(client(1), &u);
    c.scheme = Scheme::Nip04;
    c.connect(&mut s, &u, "", "");
    assert_eq!(c.ok(&mut s, "get_public_key", &[]), u.hex());
    let (e, _) = c.err(&mut s, "nope", &[]);
    assert_eq!(e, "Unsupported method: nope");
    // Held, then approved and expired: still NIP-04.
    let (_, ev) = c.event(&s, "sign_event", &[&template(0, "x")]);
    let ask = s.handle(&ev.as_json()).pending();
    let got = s.decide(&ask.id, Approval::Approve, &ev.as_json());
    assert!(open(got.event(), &c.client, &u, s.now, Scheme::Nip04)["result"].is_string());
    let (id, ev) = c.event(&s, "sign_event", &[&template(3, "x")]);
    s.handle(&ev.as_json()).pending();
    s.now += PENDING_TTL;
    let got = s.expire().unwrap();
    assert_eq!(
        open(got.event(), &c.client, &u, s.now, Scheme::Nip04)["id"],
        id
    );
}

/// Malformed input: an error reply when there is an id to answer, else ignored; never a panic.
#[test]
fn malformed_requests() {
    let (mut s, c, u) = paired(TrustLevel::Full);
    let send = |s: &mut Signer, text: &str| {
        let ev = request_event(&c.client, &u, text, Scheme::Nip44, s.now, vec![]);
        s.handle(&ev.as_json())
    };
    for text in [
        "not json",
        "[]",
        "{}",
        r#"{"id":5,"method":"ping"}"#,
        r#"{"method":"ping","params":[]}"#,
        "\"x\"",
    ] {
        assert_eq!(
            send(&mut s, text).ignored(),
            IgnoreReason::MalformedRequest,
            "{text}"
        );
    }
    let cases: &[(&str, &str)] = &[
        (r#"{"id":"a"}"#, "invalid request"),
        (
            r#"{"id":"a","method":"ping","params":"x"}"#,
            "invalid request",
        ),
        (r#"{"id":"a","method":7,"params":[]}"#, "invalid request"),
        (
            r#"{"id":"a","method":"sign_event","params":[]}"#,
            "invalid params",
        ),
        (
            r#"{"id":"a","method":"sign_event","params":[5]}"#,
            "invalid params",
        ),
        (
            r#"{"id":"a","method":"sign_event","params":["{}"]}"#,
            "invalid event template",
        ),
        (
            r#"{"id":"a","method":"sign_event","params":["{\"kind\":\"1\",\"created_at\":1,\"tags\":[],\"content\":\"\"}"]}"#,
            "invalid event template",
        ),
        (
            r#"{"id":"a","method":"sign_event","params":["{\"kind\":70000,\"created_at\":1,\"tags\":[],\"content\":\"\"}"]}"#,
            "invalid event template",
        ),
        (
            r#"{"id":"a","method":"nip44_encrypt","params":[]}"#,
            "invalid params",
        ),
        (
            r#"{"id":"a","method":"nip04_decrypt","params":["00"]}"#,
            "invalid peer pubkey",
        ),
    ];
    for (text, want) in cases {
        let got = send(&mut s, text);
        let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
        assert_eq!(
            resp,
            json!({"id": "a", "result": "", "error": want}),
            "{text}"
        );
    }
    // Params may be missing or null for parameterless methods; escaped ids are echoed decoded.
    let got = send(&mut s, r#"{"id":"\u0061\n","method":"p\u0069ng"}"#);
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(resp, json!({"id": "a\n", "result": "pong"}));
    // A bare-object template is accepted too.
    let got = send(
        &mut s,
        r#"{"id":"o","method":"sign_event","params":[{"kind":1,"created_at":1,"tags":[],"content":"x"}]}"#,
    );
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert!(resp["result"].is_string());
    // Another user's pubkey in the template (INTEROP 16).
    let other = Pair::new(0x99).hex();
    let t =
        json!({"pubkey": other, "kind": 1, "created_at": 1, "tags": [], "content": ""}).to_string();
    let got = send(&mut s, &rpc("b", "sign_event", &[&t]));
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(resp["error"], "event pubkey is not the user's key");
    // A long unsupported method name is cut in the error, not rejected.
    let long = "m".repeat(500);
    let got = send(&mut s, &rpc("c", &long, &[]));
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(
        resp["error"],
        format!("Unsupported method: {}", "m".repeat(64))
    );
}

/// Events that are not for us, not valid or not decryptable are ignored without a trace.
#[test]
fn ignored_events_leave_state_identical() {
    let (mut s, c, u) = paired(TrustLevel::Full);
    let ping = rpc("p", "ping", &[]);
    let good = request_event(&c.client, &u, &ping, Scheme::Nip44, s.now, vec![]);
    let stranger = Pair::new(0x55);
    let mut cases: Vec<(String, IgnoreReason)> = Vec::new();
    // Bad signature / id.
    let mut v: serde_json::Value = serde_json::from_str(&good.as_json()).unwrap();
    v["content"] = json!(format!("{}A", good.content));
    cases.push((v.to_string(), IgnoreReason::BadEvent));
    let mut v: serde_json::Value = serde_json::from_str(&good.as_json()).unwrap();
    let mut sig = v["sig"].as_str().unwrap().to_owned();
    sig.replace_range(0..2, if &sig[0..2] == "00" { "11" } else { "00" });
    v["sig"] = json!(sig);
    cases.push((v.to_string(), IgnoreReason::BadEvent));
    cases.push(("{}".into(), IgnoreReason::Malformed));
    cases.push(("".into(), IgnoreReason::Malformed));
    // Wrong kind.
    let ev = nostr::EventBuilder::new(nostr::Kind::TextNote, "x")
        .tag(Tag::public_key(u.theirs()))
        .custom_created_at(Timestamp::from(s.now))
        .sign_with_keys(&c.client.keys)
        .unwrap();
    cases.push((ev.as_json(), IgnoreReason::WrongKind));
    // Not for us.
    let ev = request_event(&c.client, &stranger, &ping, Scheme::Nip44, s.now, vec![]);
    cases.push((ev.as_json(), IgnoreReason::NotForUs));
    // p-tags us but is encrypted to someone else: undecryptable (NIP-44 and NIP-04).
    for scheme in [Scheme::Nip44, Scheme::Nip04] {
        let ev = request_event(
            &c.client,
            &stranger,
            &ping,
            scheme,
            s.now,
            vec![Tag::public_key(u.theirs())],
        );
        cases.push((ev.as_json(), IgnoreReason::Undecryptable));
    }
    // Garbage content.
    let ev = nostr::EventBuilder::new(nostr::Kind::NostrConnect, "not base64 at all")
        .tag(Tag::public_key(u.theirs()))
        .custom_created_at(Timestamp::from(s.now))
        .sign_with_keys(&c.client.keys)
        .unwrap();
    cases.push((ev.as_json(), IgnoreReason::Undecryptable));
    // Stale and expired.
    let ev = request_event(&c.client, &u, &ping, Scheme::Nip44, s.now - 1000, vec![]);
    cases.push((ev.as_json(), IgnoreReason::Stale));
    let ev = request_event(
        &c.client,
        &u,
        &ping,
        Scheme::Nip44,
        s.now,
        vec![Tag::expiration(Timestamp::from(s.now - 1))],
    );
    cases.push((ev.as_json(), IgnoreReason::Expired));
    // Too large.
    cases.push((
        "x".repeat(signer_core::nip46::signer::MAX_EVENT_LEN + 1),
        IgnoreReason::TooLarge,
    ));

    for (json, want) in &cases {
        let before = s.encoded();
        assert_eq!(
            s.handle(json).ignored(),
            *want,
            "{}",
            &json[..json.len().min(80)]
        );
        assert_eq!(
            before,
            s.encoded(),
            "ignored event changed the state: {want:?}"
        );
    }
    // The good event is still accepted after all that.
    s.handle(&good.as_json()).event();

    // A missing transport key: ignored, state untouched.
    let before = s.encoded();
    let saved = std::mem::take(&mut s.keychain);
    let ev = request_event(&c.client, &u, &ping, Scheme::Nip44, s.now, vec![]);
    assert_eq!(
        s.handle(&ev.as_json()).ignored(),
        IgnoreReason::KeyUnavailable
    );
    assert_eq!(before, s.encoded());
    s.keychain = saved;
}

/// Caller mistakes are `Err` and leave the state untouched.
#[test]
fn caller_errors_leave_state_identical() {
    let (mut s, mut c, u) = paired(TrustLevel::Medium);
    let (_, ev) = c.event(&s, "ping", &[]);
    let before = s.encoded();
    let mut small = vec![0u8; OUT_LEN - 1];
    let entropy = s.entropy();
    let r = handle_request(
        s.now,
        ev.as_json().as_bytes(),
        &s.keychain,
        &entropy,
        &mut s.state,
        Buffers {
            scratch: &mut s.scratch,
            out: &mut small,
        },
    );
    assert_eq!(r.err(), Some(Error::BufferTooSmall));
    assert_eq!(before, s.encoded());

    // Approve with bytes that are not the held request.
    let (_, held) = c.event(&s, "sign_event", &[&template(0, "x")]);
    let ask = s.handle(&held.as_json()).pending();
    let before = s.encoded();
    let (_, other) = c.event(&s, "ping", &[]);
    for wrong in [other.as_json(), String::new(), "{}".into()] {
        assert!(matches!(
            s.try_decide(&ask.id, Approval::Approve, &wrong),
            Err(Error::Malformed(_))
        ));
        assert_eq!(before, s.encoded());
    }
    // A missing key is an error for decide and expire, state untouched.
    let saved = std::mem::take(&mut s.keychain);
    assert_eq!(
        s.try_decide(&ask.id, Approval::Deny, "").err(),
        Some(Error::KeyUnavailable)
    );
    assert_eq!(before, s.encoded());
    s.keychain = saved;
    // The right bytes work.
    s.decide(&ask.id, Approval::Approve, &held.as_json())
        .event();
    let _ = u;
}

/// INTEROP 12, 13: nostrconnect:// pairing; the response carries exactly the URI's secret.
#[test]
fn nostrconnect_pairing() {
    let u = user();
    let mut s = Signer::with_account(T0, &u, TrustLevel::Medium);
    let c = client(3);
    let uri = format!(
        "nostrconnect://{}?relay=wss%3A%2F%2Fclient.example.com&relay=wss%3A%2F%2Fr2.example.com&secret=0s8j2djs&perms=nip44_encrypt%2Csign_event%3A7&name=My+Client&url=https%3A%2F%2Fmy.example&image=",
        c.hex()
    );
    let got = s.approve_nostrconnect(&uri, &u, TrustLevel::Low).unwrap();
    let resp = open(got.event(), &c, &u, s.now, Scheme::Nip44);
    assert_eq!(resp["result"], "0s8j2djs");
    // Published to the URI's relays, then the account's (INTEROP 12).
    assert_eq!(
        got.relays(),
        ["wss://client.example.com", "wss://r2.example.com", RELAY]
    );
    assert!(resp.get("error").is_none());
    // rust-nostr parses it as a response.
    let msg = NostrConnectMessage::from_json(resp.to_string()).unwrap();
    assert!(msg.is_response());
    assert_eq!(got.activity().verdict, Verdict::Paired);
    let uk = u.ours();
    let cl = s.state.clients(&uk).next().unwrap();
    assert_eq!(cl.name(), "My Client");
    assert_eq!(cl.relays().len(), 2);
    assert_eq!(cl.perms().trust(), TrustLevel::Low);
    // Seeded: kind 7 and nip44_encrypt are automatic at Low; kind 1 asks.
    let mut sess = Session::new(c.clone(), &u);
    sess.ok(&mut s, "sign_event", &[&template(7, "+")]);
    sess.ok(&mut s, "nip44_encrypt", &[&Pair::new(0x77).hex(), "x"]);
    let (_, ev) = sess.event(&s, "sign_event", &[&template(1, "x")]);
    s.handle(&ev.as_json()).pending();
    // Replies go to the client's relays and the account's.
    let (_, ev) = sess.event(&s, "ping", &[]);
    assert_eq!(s.handle(&ev.as_json()).relays().len(), 3);
    // switch_relays: the client has the URI's relays, so it learns the account's.
    let r = sess.ok(&mut s, "switch_relays", &[]);
    assert_eq!(serde_json::from_str::<Vec<String>>(&r).unwrap(), [RELAY]);
    // Legacy metadata= form (rust-nostr) works as well; re-approval replaces the pairing.
    let uri = nostr::nips::nip46::NostrConnectURI::client(
        c.theirs(),
        [nostr::RelayUrl::parse("wss://relay.rust.example").unwrap()],
        "Rust App",
    )
    .to_string();
    assert!(
        s.approve_nostrconnect(&uri, &u, TrustLevel::Full).is_err(),
        "rust-nostr's client URI has no secret: {uri}"
    );
    let uri = format!("{uri}&secret=abc");
    let got = s.approve_nostrconnect(&uri, &u, TrustLevel::Full).unwrap();
    assert_eq!(
        open(got.event(), &c, &u, s.now, Scheme::Nip44)["result"],
        "abc"
    );
    assert_eq!(s.state.clients(&uk).count(), 1);
    assert_eq!(
        s.state.clients(&uk).next().unwrap().perms().trust(),
        TrustLevel::Full
    );
    // Errors: unknown account, bad URI; the state is untouched.
    let before = s.encoded();
    assert_eq!(
        s.approve_nostrconnect(&uri, &Pair::new(0x99), TrustLevel::Full)
            .err(),
        Some(Error::NotFound("account"))
    );
    assert!(
        s.approve_nostrconnect("nostrconnect://nope", &u, TrustLevel::Full)
            .is_err()
    );
    assert_eq!(before, s.encoded());
}

/// Several accounts, one with a separate transport key (INTEROP 15).
#[test]
fn multi_account_routing() {
    let a = Pair::new(0x21);
    let b = Pair::new(0x22);
    let b_transport = Pair::new(0x23);
    let mut s = Signer::new(T0);
    s.add_account(&a, None, TrustLevel::Full);
    s.add_account(&b, Some(&b_transport), TrustLevel::Full);
    assert_eq!(s.state.accounts().len(), 2);
    // The bunker URI of B names its transport key.
    let mut buf = [0u8; 512];
    let n = s.state.bunker_uri(&b.ours(), &mut buf).unwrap();
    assert!(
        std::str::from_utf8(&buf[..n])
            .unwrap()
            .contains(&b_transport.hex())
    );

    let mut ca = Session::new(client(1), &a);
    ca.connect(&mut s, &a, "", "");
    let mut cb = Session::new(client(2), &b_transport);
    cb.connect(&mut s, &b, "", "");
    assert_eq!(ca.ok(&mut s, "get_public_key", &[]), a.hex());
    // B's replies are signed by B's transport key (checked in `open`), its result is B's user key.
    assert_eq!(cb.ok(&mut s, "get_public_key", &[]), b.hex());
    let r = cb.ok(&mut s, "sign_event", &[&template(1, "from b")]);
    let ev = nostr::Event::from_json(&r).unwrap();
    assert_eq!(ev.pubkey, b.theirs());
    let peer = Pair::new(0x77);
    let ct = cb.ok(&mut s, "nip44_encrypt", &[&peer.hex(), "hi"]);
    assert_eq!(
        nip44::decrypt(peer.keys.secret_key(), &b.theirs(), &ct).unwrap(),
        "hi"
    );
    // A's client is not paired with B.
    let mut cross = Session::new(client(1), &b_transport);
    let (msg, _) = cross.err(&mut s, "get_public_key", &[]);
    assert_eq!(msg, "client not paired: send connect first");
    // Without B's user key (transport only), signing fails with an error reply.
    s.keychain.0.retain(|k| k != &b.bytes);
    let (msg, _) = cb.err(&mut s, "sign_event", &[&template(1, "x")]);
    assert_eq!(msg, "signing key unavailable");
    assert_eq!(cb.ok(&mut s, "get_public_key", &[]), b.hex());
    // Removing B forgets its clients and routes nothing to it.
    assert!(s.state.remove_account(&b.ours()));
    let (_, ev) = cb.event(&s, "ping", &[]);
    assert_eq!(s.handle(&ev.as_json()).ignored(), IgnoreReason::NotForUs);
    // Accounts must not share keys.
    assert!(
        s.state
            .add_account(&a.ours(), None, &[RELAY], TrustLevel::Full, &[0; 16])
            .is_err()
    );
    assert!(
        s.state
            .add_account(
                &b.ours(),
                Some(&a.ours()),
                &[RELAY],
                TrustLevel::Full,
                &[0; 16]
            )
            .is_err()
    );
}

/// Snapshot round trip after real traffic; every corruption is a clear error.
#[test]
fn state_round_trip_and_corruption() {
    let (mut s, mut c, u) = paired(TrustLevel::Medium);
    let b = Pair::new(0x22);
    s.add_account(&b, Some(&Pair::new(0x23)), TrustLevel::Low);
    c.ok(&mut s, "ping", &[]);
    let me = *c.client.ours().as_bytes();
    s.state
        .set_kind_override(&u.ours(), &me, 9, Some(Decision::Deny))
        .unwrap();
    s.state
        .set_method_override(&u.ours(), &me, Method::Nip04Decrypt, Some(Decision::Ask))
        .unwrap();
    s.state.rename_client(&u.ours(), &me, "Renamed ✓").unwrap();
    s.state
        .set_protected_kinds(&u.ours(), ProtectedKinds::from_kinds(&[1, 2, 3]).unwrap())
        .unwrap();
    s.state
        .set_default_trust(&u.ours(), TrustLevel::Full)
        .unwrap();
    let (_, ev) = c.event(&s, "sign_event", &[&template(1, "x")]);
    s.handle(&ev.as_json()).pending();
    let mut nc = Session::new(client(4), &u);
    nc.scheme = Scheme::Nip04;
    let (_, ev) = nc.event(&s, "ping", &[]);
    s.handle(&ev.as_json()).event();

    let bytes = s.encoded();
    assert!(bytes.len() <= State::MAX_ENCODED_LEN);
    let back = decode(&bytes).unwrap();
    assert_eq!(back, s.state);
    let mut again = vec![0u8; bytes.len()];
    assert_eq!(back.encode(&mut again).unwrap(), bytes.len());
    assert_eq!(again, bytes, "encoding is deterministic");
    assert_eq!(
        s.state.encode(&mut again[..bytes.len() - 1]),
        Err(Error::BufferTooSmall)
    );

    // Truncation at every length and a flipped bit at every position are errors.
    for n in 0..bytes.len() {
        assert!(decode(&bytes[..n]).is_err(), "truncated to {n}");
    }
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        assert!(decode(&bad).is_err(), "flipped byte {i}");
    }
    // Other versions say so.
    for v in [0u16, STATE_VERSION + 1, u16::MAX] {
        let mut other = bytes.clone();
        other[4..6].copy_from_slice(&v.to_be_bytes());
        assert_eq!(
            decode(&other).err(),
            Some(Error::UnsupportedStateVersion(v))
        );
    }
    assert_eq!(decode(b"nope").err(), Some(Error::Malformed("state magic")));
    // A failed in-place decode leaves an empty state, never a half-read one.
    let mut target = decode(&bytes).unwrap();
    let mut bad = bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    assert!(target.decode_into(&bad).is_err());
    assert_eq!(target.accounts().len(), 0);
    assert!(target.pending().is_empty());
    // An empty state round-trips too.
    let mut buf = [0u8; 64];
    let n = State::new().encode(&mut buf).unwrap();
    assert!(State::decode(&buf[..n]).unwrap() == State::new());
}

/// Reply events are fresh, single-p-tagged and distinct per call (fresh entropy).
#[test]
fn reply_shape_and_fresh_nonces() {
    let (mut s, mut c, u) = paired(TrustLevel::Full);
    s.now += 1234;
    let (_, ev1) = c.event(&s, "ping", &[]);
    let (_, ev2) = c.event(&s, "ping", &[]);
    let r1 = s.handle(&ev1.as_json());
    let r2 = s.handle(&ev2.as_json());
    // `open` checks kind, author, created_at = now and exactly one p tag.
    open(r1.event(), &c.client, &u, s.now, Scheme::Nip44);
    open(r2.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_ne!(r1.event().content, r2.event().content);
    // The client's last_seen moved.
    let uk = u.ours();
    assert_eq!(s.state.clients(&uk).next().unwrap().last_seen(), s.now);
}

/// INTEROP 21: a result that does not fit the fixed buffers is a clear error reply; a request
/// too large to decrypt is ignored (there is no id to answer); neither panics nor truncates.
#[test]
fn size_limits() {
    use signer_core::nip46::signer::{MAX_CONTENT_LEN, MAX_NIP44_RESPONSE_LEN, MAX_RESPONSE_LEN};
    let (mut s, mut c, u) = paired(TrustLevel::Full);
    let peer = Pair::new(0x77);
    // 40 000 control characters decrypt fine but escape to 6 bytes each in the response JSON.
    let text = "\u{1}".repeat(40_000);
    let ct = nip04::encrypt(peer.keys.secret_key(), &u.theirs(), &text).unwrap();
    let (msg, v) = c.err(&mut s, "nip04_decrypt", &[&peer.hex(), &ct]);
    assert_eq!(
        (msg.as_str(), v),
        ("result too large", Verdict::LimitReached)
    );
    const { assert!(6 * 40_000 > MAX_RESPONSE_LEN) };
    // A NIP-44 response is capped at what every client decrypts (rust-nostr: 65 408 bytes).
    let ok_text = "\u{1}".repeat(10_000); // 60 000 bytes once escaped
    let ct = nip04::encrypt(peer.keys.secret_key(), &u.theirs(), &ok_text).unwrap();
    assert_eq!(c.ok(&mut s, "nip04_decrypt", &[&peer.hex(), &ct]), ok_text);
    let long = "\u{1}".repeat(11_000); // 66 000 bytes once escaped
    let ct_long = nip04::encrypt(peer.keys.secret_key(), &u.theirs(), &long).unwrap();
    let (msg, _) = c.err(&mut s, "nip04_decrypt", &[&peer.hex(), &ct_long]);
    assert_eq!(msg, "result too large");
    const { assert!(6 * 11_000 > MAX_NIP44_RESPONSE_LEN) };
    // NIP-04 replies have no such cap (up to MAX_RESPONSE_LEN).
    c.scheme = Scheme::Nip04;
    assert_eq!(
        c.ok(&mut s, "nip04_decrypt", &[&peer.hex(), &ct_long]),
        long
    );
    c.scheme = Scheme::Nip44;
    // A request whose content exceeds MAX_CONTENT_LEN is ignored.
    let huge = rpc("h", "ping", &[&"z".repeat(70_000)]);
    let ev = request_event(&c.client, &u, &huge, Scheme::Nip04, s.now, vec![]);
    assert!(ev.content.len() > MAX_CONTENT_LEN);
    let before = s.encoded();
    assert_eq!(s.handle(&ev.as_json()).ignored(), IgnoreReason::TooLarge);
    assert_eq!(before, s.encoded());
    // The largest NIP-44 plaintext rust-nostr produces (65 408 bytes) is answered.
    let pad = 65_408 - rpc("m", "ping", &[""]).len();
    let max = rpc("m", "ping", &[&"q".repeat(pad)]);
    assert_eq!(max.len(), 65_408);
    let ev = request_event(&c.client, &u, &max, Scheme::Nip44, s.now, vec![]);
    let got = s.handle(&ev.as_json());
    assert_eq!(
        open(got.event(), &c.client, &u, s.now, Scheme::Nip44)["result"],
        "pong"
    );
}

/// Wire variations real relays and clients produce: escaped `\/` in the content, several `p`
/// tags (ours not first), upper-case hex in the `p` tag.
#[test]
fn wire_variations() {
    let (mut s, c, u) = paired(TrustLevel::Full);
    let other = Pair::new(0x66);
    let ev = request_event(
        &c.client,
        &other,
        &rpc("w1", "ping", &[]),
        Scheme::Nip44,
        s.now,
        vec![],
    );
    // Only another key's p tag: not for us. Another key's p tag first, ours second: routed.
    let ev2 = request_event(
        &c.client,
        &u,
        &rpc("w2", "ping", &[]),
        Scheme::Nip44,
        s.now,
        vec![Tag::public_key(other.theirs())],
    );
    assert_eq!(s.handle(&ev.as_json()).ignored(), IgnoreReason::NotForUs);
    let got = s.handle(&ev2.as_json());
    assert_eq!(
        open(got.event(), &c.client, &u, s.now, Scheme::Nip44)["id"],
        "w2"
    );

    // `\/` escapes in the content keep the id valid (ids hash the canonical form).
    let mut found = None;
    for i in 0..64 {
        let ev = request_event(
            &c.client,
            &u,
            &rpc(&format!("e{i}"), "ping", &[]),
            Scheme::Nip44,
            s.now,
            vec![],
        );
        if ev.content.contains('/') {
            found = Some(ev);
            break;
        }
    }
    let ev = found.expect("some base64 content contains '/'");
    let json = ev
        .as_json()
        .replace(&ev.content, &ev.content.replace('/', "\\/"));
    assert!(json.contains("\\/"));
    let got = s.handle(&json);
    assert!(open(got.event(), &c.client, &u, s.now, Scheme::Nip44)["result"] == "pong");

    // Upper-case hex in the p tag still routes.
    let upper = Tag::parse(["p", &u.hex().to_uppercase()]).unwrap();
    let content = nostr::nips::nip44::encrypt(
        c.client.keys.secret_key(),
        &u.theirs(),
        rpc("w4", "ping", &[]),
        nostr::nips::nip44::Version::V2,
    )
    .unwrap();
    let ev = nostr::EventBuilder::new(nostr::Kind::NostrConnect, content)
        .tag(upper)
        .custom_created_at(Timestamp::from(s.now))
        .sign_with_keys(&c.client.keys)
        .unwrap();
    let got = s.handle(&ev.as_json());
    assert_eq!(
        open(got.event(), &c.client, &u, s.now, Scheme::Nip44)["id"],
        "w4"
    );
}

/// A held request whose client logged out (or was unpaired) meanwhile: approving it answers
/// with an error, still exactly once, on the original id.
#[test]
fn approve_after_logout_is_an_error() {
    let (mut s, mut c, u) = paired(TrustLevel::Medium);
    let (id, ev) = c.event(&s, "sign_event", &[&template(0, "x")]);
    let ask = s.handle(&ev.as_json()).pending();
    assert_eq!(c.ok(&mut s, "logout", &[]), "ack");
    let got = s.decide(&ask.id, Approval::Approve, &ev.as_json());
    let resp = open(got.event(), &c.client, &u, s.now, Scheme::Nip44);
    assert_eq!(
        resp,
        json!({"id": id, "result": "", "error": "client not paired: send connect first"})
    );
    assert_eq!(got.activity().verdict, Verdict::NotPaired);
    assert_eq!(got.relays(), [RELAY]);
    assert!(s.state.pending().is_empty());
}

/// The bunker secret is a credential: `Debug` output (logs) never shows it.
#[test]
fn debug_output_redacts_the_secret() {
    let (s, _c, u) = paired(TrustLevel::Full);
    let secret = s.secret(&u);
    let printed = format!("{:?}", s.state);
    assert!(printed.contains("Account"));
    assert!(!printed.contains(&secret), "{printed}");
}

/// The shell-facing management API: limits and errors are clear, and nothing half-applies.
#[test]
fn shell_management_api() {
    use signer_core::nip46::state::MAX_ACCOUNTS;
    let (mut s, mut c, u) = paired(TrustLevel::Medium);
    let me = *c.client.ours().as_bytes();
    let uk = u.ours();

    // Accounts: capacity, duplicate keys, relay validation.
    for i in 1..MAX_ACCOUNTS {
        let p = Pair::new(0xa0 + i as u8);
        s.state
            .add_account(&p.ours(), None, &[RELAY], TrustLevel::Low, &[1; 16])
            .unwrap();
    }
    let extra = Pair::new(0xb0).ours();
    assert_eq!(
        s.state
            .add_account(&extra, None, &[RELAY], TrustLevel::Low, &[1; 16]),
        Err(Error::TooLarge("accounts"))
    );
    let last = Pair::new(0xa0 + (MAX_ACCOUNTS - 1) as u8).ours();
    assert!(s.state.remove_account(&last));
    for bad in [&[][..], &["https://relay.example.com"][..], &["wss://"][..]] {
        assert!(
            s.state
                .add_account(&extra, None, bad, TrustLevel::Low, &[1; 16])
                .is_err()
        );
    }
    assert_eq!(s.state.accounts().len(), MAX_ACCOUNTS - 1);
    assert!(s.state.set_relays(&uk, &["ftp://x"]).is_err());
    assert_eq!(s.state.account(&uk).unwrap().relays()[0].as_str(), RELAY);

    // Unknown names are NotFound.
    let nobody = Pair::new(0xb1).ours();
    assert_eq!(
        s.state.set_default_trust(&nobody, TrustLevel::Full),
        Err(Error::NotFound("account"))
    );
    assert_eq!(
        s.state.set_client_trust(&uk, &[9; 32], TrustLevel::Full),
        Err(Error::NotFound("client"))
    );
    assert!(!s.state.unpair(&uk, &[9; 32]));
    assert!(s.state.bunker_uri(&nobody, &mut [0u8; 512]).is_err());

    // Overrides: only the crypto methods take a method override; names are bounded.
    assert!(
        s.state
            .set_method_override(&uk, &me, Method::SignEvent, Some(Decision::Allow))
            .is_err()
    );
    assert_eq!(
        s.state.rename_client(&uk, &me, &"n".repeat(200)),
        Err(Error::TooLarge("client name"))
    );
    s.state.set_client_trust(&uk, &me, TrustLevel::Low).unwrap();
    let (_, ev) = c.event(&s, "get_public_key", &[]);
    s.handle(&ev.as_json()).event();
    let (_, ev) = c.event(&s, "nip44_encrypt", &[&Pair::new(0x77).hex(), "x"]);
    s.handle(&ev.as_json()).pending();

    // Rotating the secret by hand invalidates the URI's old secret.
    let old = s.secret(&u);
    s.state.rotate_secret(&uk, &[0x5a; 16]).unwrap();
    let mut d = Session::new(client(9), &u);
    let (msg, _) = d.err(&mut s, "connect", &[&u.hex(), &old]);
    assert_eq!(msg, "invalid or already used secret");
    d.connect(&mut s, &u, "", "");

    // Unknown pending ids are not an error, just nothing to do.
    assert_eq!(
        s.decide(&[7; 32], Approval::Deny, "").ignored(),
        IgnoreReason::NotPending
    );

    // nostrconnect approval at the client cap: an error, the state untouched.
    for i in 0..MAX_CLIENTS {
        let mut x = Session::new(Pair::new(0xc0 + i as u8), &u);
        if s.state.clients(&uk).count() < MAX_CLIENTS {
            x.connect(&mut s, &u, "", "");
        }
    }
    assert_eq!(s.state.clients(&uk).count(), MAX_CLIENTS);
    let uri = format!(
        "nostrconnect://{}?relay=wss%3A%2F%2Fr.example.com&secret=abc",
        Pair::new(0xef).hex()
    );
    let before = s.encoded();
    assert_eq!(
        s.approve_nostrconnect(&uri, &u, TrustLevel::Full).err(),
        Some(Error::TooLarge("paired clients"))
    );
    assert_eq!(before, s.encoded());

    // Removing the account drops its held request without a reply.
    assert_eq!(s.state.pending().len(), 1);
    assert!(s.state.remove_account(&uk));
    assert!(s.state.pending().is_empty());
    s.now += PENDING_TTL;
    assert!(s.expire().is_none());
}
