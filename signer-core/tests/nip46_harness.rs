//! In-memory NIP-46 harness shared by the `nip46_*` tests (included with `#[path]`): a signer
//! (signer-core, driven with virtual time) and clients played by rust-nostr (`nostr` crate), an
//! independent implementation of events, NIP-44 and NIP-04.
//!
//! Compiled on its own it is an empty test crate.
#![allow(dead_code, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use nostr::nips::{nip04, nip44};
use nostr::{EventBuilder, JsonUtil, Keys, Kind, Tag, Timestamp};
use serde_json::{Value, json};
use signer_core::keys::{KeptContext, PublicKey, SecretKey};
use signer_core::nip46::perms::TrustLevel;
use signer_core::nip46::signer::{
    self, Approval, Buffers, Entropy, IgnoreReason, KeySource, OUT_LEN, Outcome, PendingApproval,
    SCRATCH_LEN,
};
use signer_core::nip46::state::{Scheme, State};
use signer_core::nip46::{Activity, Verdict};

pub const T0: u64 = 1_700_000_000;
pub const RELAY: &str = "wss://relay.example.com";

/// Decode a snapshot into a boxed state (as an FFI layer would: nothing state-sized on the
/// stack but the one `State::new()` temporary).
pub fn decode(bytes: &[u8]) -> Result<Box<State>, signer_core::Error> {
    let mut s = Box::new(State::new());
    s.decode_into(bytes)?;
    Ok(s)
}

/// Secret keys the "Keychain" holds.
#[derive(Default, Clone)]
pub struct Keychain(pub Vec<[u8; 32]>);

impl KeySource for Keychain {
    fn secret_key(&self, pubkey: &PublicKey) -> Option<SecretKey> {
        self.0.iter().find_map(|b| {
            let sk = SecretKey::from_bytes(b).ok()?;
            (sk.public_key() == *pubkey).then_some(sk)
        })
    }
}

/// A key pair on both sides.
#[derive(Clone)]
pub struct Pair {
    pub bytes: [u8; 32],
    pub keys: Keys,
}

impl Pair {
    pub fn new(seed: u8) -> Self {
        // Any seed below the curve order works; 0 is not a key.
        let bytes = [seed.max(1); 32];
        let keys = Keys::new(nostr::SecretKey::from_slice(&bytes).unwrap());
        Self { bytes, keys }
    }

    pub fn ours(&self) -> PublicKey {
        SecretKey::from_bytes(&self.bytes).unwrap().public_key()
    }

    pub fn theirs(&self) -> nostr::PublicKey {
        self.keys.public_key()
    }

    pub fn hex(&self) -> String {
        self.theirs().to_hex()
    }
}

/// What a call produced, owned.
#[derive(Debug)]
pub enum Got {
    Respond {
        json: String,
        event: nostr::Event,
        relays: Vec<String>,
        activity: Activity,
    },
    Ask(PendingApproval),
    Ignore(IgnoreReason),
}

impl Got {
    pub fn event(&self) -> &nostr::Event {
        match self {
            Got::Respond { event, .. } => event,
            other => panic!("expected a reply, got {other:?}"),
        }
    }

    pub fn relays(&self) -> Vec<String> {
        match self {
            Got::Respond { relays, .. } => relays.clone(),
            other => panic!("expected a reply, got {other:?}"),
        }
    }

    pub fn activity(&self) -> Activity {
        match self {
            Got::Respond { activity, .. } => *activity,
            Got::Ask(p) => p.activity,
            other => panic!("no activity in {other:?}"),
        }
    }

    pub fn pending(&self) -> PendingApproval {
        match self {
            Got::Ask(p) => *p,
            other => panic!("expected Ask, got {other:?}"),
        }
    }

    pub fn ignored(&self) -> IgnoreReason {
        match self {
            Got::Ignore(r) => *r,
            other => panic!("expected Ignore, got {other:?}"),
        }
    }
}

pub fn own(outcome: Outcome<'_>) -> Got {
    match outcome {
        Outcome::Respond(r) => {
            let json = std::str::from_utf8(r.event_json).unwrap().to_owned();
            let event = nostr::Event::from_json(&json).expect("reply parses in rust-nostr");
            event.verify().expect("reply verifies in rust-nostr");
            Got::Respond {
                json,
                event,
                relays: r.relays.iter().map(|u| u.as_str().to_owned()).collect(),
                activity: r.activity,
            }
        }
        Outcome::Ask(p) => Got::Ask(p),
        Outcome::Ignore(r) => Got::Ignore(r),
    }
}

/// The signer side: state, keychain, buffers, virtual clock, deterministic entropy.
///
/// Every call alternates between the per-call entry points (a context blinded per call, as the
/// NSE uses them) and the `*_in` ones with one context kept for the signer's life, and checks
/// afterwards that the core left all of `scratch` zeroed.
pub struct Signer {
    pub now: u64,
    pub state: Box<State>,
    pub keychain: Keychain,
    pub scratch: Vec<u8>,
    pub out: Vec<u8>,
    pub counter: u64,
    /// The context kept for the signer's life (used by every other call).
    pub kept: KeptContext<'static>,
}

impl Signer {
    pub fn new(now: u64) -> Self {
        Self {
            now,
            state: Box::new(State::new()),
            keychain: Keychain::default(),
            scratch: vec![0u8; SCRATCH_LEN],
            out: vec![0u8; OUT_LEN],
            counter: 0,
            // Leaked: a few hundred bytes per test signer, so that the context can live in it.
            kept: KeptContext::new(Box::leak(Box::default()), &[0x42; 32]),
        }
    }

    /// The core zeroes everything it wrote into `scratch` before returning.
    fn assert_wiped(&self) {
        if let Some(i) = self.scratch.iter().position(|&b| b != 0) {
            panic!(
                "scratch not wiped: byte {i} of {} is nonzero",
                self.scratch.len()
            );
        }
    }

    /// A signer with one account whose transport key is the user key.
    pub fn with_account(now: u64, user: &Pair, trust: TrustLevel) -> Self {
        let mut s = Self::new(now);
        s.add_account(user, None, trust);
        s
    }

    pub fn add_account(&mut self, user: &Pair, transport: Option<&Pair>, trust: TrustLevel) {
        self.keychain.0.push(user.bytes);
        if let Some(t) = transport {
            self.keychain.0.push(t.bytes);
        }
        let t = transport.map(Pair::ours);
        self.state
            .add_account(
                &user.ours(),
                t.as_ref(),
                &[RELAY],
                trust,
                &[user.bytes[0]; 16],
            )
            .unwrap();
    }

    pub fn entropy(&mut self) -> Entropy {
        self.counter += 1;
        let c = self.counter.to_be_bytes();
        let mut e = Entropy {
            aux: [0; 32],
            nonce: [0; 32],
            iv: [0; 16],
            secret: [0; 16],
        };
        e.aux[..8].copy_from_slice(&c);
        e.nonce[..8].copy_from_slice(&c);
        e.nonce[31] = 1;
        e.iv[..8].copy_from_slice(&c);
        e.secret[..8].copy_from_slice(&c);
        e.secret[15] = 7;
        e
    }

    pub fn secret(&self, user: &Pair) -> String {
        self.state
            .account(&user.ours())
            .unwrap()
            .secret()
            .to_owned()
    }

    pub fn encoded(&self) -> Vec<u8> {
        let mut buf = vec![0u8; State::MAX_ENCODED_LEN];
        let n = self.state.encode(&mut buf).unwrap();
        buf.truncate(n);
        buf
    }

    pub fn handle(&mut self, event_json: &str) -> Got {
        let entropy = self.entropy();
        let bufs = Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        };
        let (now, json) = (self.now, event_json.as_bytes());
        let outcome = match self.counter.is_multiple_of(2).then(|| self.kept.get()) {
            Some(cx) => signer::handle_request_in(
                &cx,
                now,
                json,
                &self.keychain,
                &entropy,
                &mut self.state,
                bufs,
            ),
            None => {
                signer::handle_request(now, json, &self.keychain, &entropy, &mut self.state, bufs)
            }
        };
        let got = own(outcome.expect("handle_request"));
        self.assert_wiped();
        got
    }

    pub fn decide(&mut self, id: &[u8; 32], approval: Approval, event_json: &str) -> Got {
        self.try_decide(id, approval, event_json).expect("decide")
    }

    pub fn try_decide(
        &mut self,
        id: &[u8; 32],
        approval: Approval,
        event_json: &str,
    ) -> Result<Got, signer_core::Error> {
        let entropy = self.entropy();
        let bufs = Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        };
        let (now, json) = (self.now, event_json.as_bytes());
        let got = match self.counter.is_multiple_of(2).then(|| self.kept.get()) {
            Some(cx) => signer::decide_in(
                &cx,
                now,
                id,
                approval,
                json,
                &self.keychain,
                &entropy,
                &mut self.state,
                bufs,
            ),
            None => signer::decide(
                now,
                id,
                approval,
                json,
                &self.keychain,
                &entropy,
                &mut self.state,
                bufs,
            ),
        }
        .map(own);
        self.assert_wiped();
        got
    }

    pub fn expire(&mut self) -> Option<Got> {
        let entropy = self.entropy();
        let bufs = Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        };
        let now = self.now;
        let got = match self.counter.is_multiple_of(2).then(|| self.kept.get()) {
            Some(cx) => {
                signer::expire_in(&cx, now, &self.keychain, &entropy, &mut self.state, bufs)
            }
            None => signer::expire(now, &self.keychain, &entropy, &mut self.state, bufs),
        }
        .expect("expire")
        .map(|r| own(Outcome::Respond(r)));
        self.assert_wiped();
        got
    }

    pub fn approve_nostrconnect(
        &mut self,
        uri: &str,
        user: &Pair,
        trust: TrustLevel,
    ) -> Result<Got, signer_core::Error> {
        let entropy = self.entropy();
        let bufs = Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        };
        let (now, user) = (self.now, user.ours());
        let got = match self.counter.is_multiple_of(2).then(|| self.kept.get()) {
            Some(cx) => signer::approve_nostrconnect_in(
                &cx,
                now,
                uri,
                &user,
                trust,
                &self.keychain,
                &entropy,
                &mut self.state,
                bufs,
            ),
            None => signer::approve_nostrconnect(
                now,
                uri,
                &user,
                trust,
                &self.keychain,
                &entropy,
                &mut self.state,
                bufs,
            ),
        }
        .map(|r| own(Outcome::Respond(r)));
        self.assert_wiped();
        got
    }
}

/// Build a kind:24133 request from `client` to `to` carrying `plaintext`, encrypted in `scheme`.
pub fn request_event(
    client: &Pair,
    to: &Pair,
    plaintext: &str,
    scheme: Scheme,
    created_at: u64,
    extra_tags: Vec<Tag>,
) -> nostr::Event {
    let content = match scheme {
        Scheme::Nip44 => nip44::encrypt(
            client.keys.secret_key(),
            &to.theirs(),
            plaintext,
            nip44::Version::V2,
        )
        .unwrap(),
        Scheme::Nip04 => nip04::encrypt(client.keys.secret_key(), &to.theirs(), plaintext).unwrap(),
    };
    EventBuilder::new(Kind::NostrConnect, content)
        .tag(Tag::public_key(to.theirs()))
        .tags(extra_tags)
        .custom_created_at(Timestamp::from(created_at))
        .sign_with_keys(&client.keys)
        .unwrap()
}

/// A JSON-RPC request text.
pub fn rpc(id: &str, method: &str, params: &[&str]) -> String {
    json!({"id": id, "method": method, "params": params}).to_string()
}

/// Check a reply's envelope (INTEROP 3) and decrypt it as `client`: kind 24133, exactly one
/// `p` tag naming the client, signed by `from`, created now, in the expected scheme.
pub fn open(reply: &nostr::Event, client: &Pair, from: &Pair, now: u64, scheme: Scheme) -> Value {
    assert_eq!(reply.kind, Kind::NostrConnect);
    assert_eq!(
        reply.pubkey,
        from.theirs(),
        "reply signed by the transport key"
    );
    assert_eq!(reply.created_at.as_secs(), now);
    let tags: Vec<Vec<String>> = reply.tags.iter().map(|t| t.as_slice().to_vec()).collect();
    assert_eq!(tags, vec![vec!["p".to_owned(), client.hex()]]);
    let text = match scheme {
        Scheme::Nip44 => {
            assert!(!reply.content.contains("?iv="));
            nip44::decrypt(client.keys.secret_key(), &from.theirs(), &reply.content).unwrap()
        }
        Scheme::Nip04 => {
            assert!(reply.content.contains("?iv="));
            nip04::decrypt(client.keys.secret_key(), &from.theirs(), &reply.content).unwrap()
        }
    };
    serde_json::from_str(&text).unwrap()
}

/// A client talking to one signer account through the harness.
pub struct Session {
    pub client: Pair,
    /// The transport key (the `p` tag of requests).
    pub to: Pair,
    pub scheme: Scheme,
    pub next_id: u64,
}

impl Session {
    pub fn new(client: Pair, to: &Pair) -> Self {
        Self {
            client,
            to: to.clone(),
            scheme: Scheme::Nip44,
            next_id: 0,
        }
    }

    pub fn event(&mut self, s: &Signer, method: &str, params: &[&str]) -> (String, nostr::Event) {
        self.next_id += 1;
        let id = format!("req-{}", self.next_id);
        let ev = request_event(
            &self.client,
            &self.to,
            &rpc(&id, method, params),
            self.scheme,
            s.now,
            vec![],
        );
        (id, ev)
    }

    /// Send a request; expect a reply; return (rpc id, response JSON, activity).
    pub fn call(&mut self, s: &mut Signer, method: &str, params: &[&str]) -> (Value, Activity) {
        let (id, ev) = self.event(s, method, params);
        let got = s.handle(&ev.as_json());
        let resp = open(got.event(), &self.client, &self.to, s.now, self.scheme);
        assert_eq!(resp["id"], id, "reply carries the request id");
        (resp, got.activity())
    }

    /// A call that must succeed: its string result.
    pub fn ok(&mut self, s: &mut Signer, method: &str, params: &[&str]) -> String {
        let (resp, act) = self.call(s, method, params);
        assert!(resp.get("error").is_none(), "{method}: {resp}");
        assert!(act.error.is_none());
        let r = resp["result"].as_str().unwrap_or_else(|| panic!("{resp}"));
        assert!(!r.is_empty(), "never an empty success result");
        r.to_owned()
    }

    /// A call that must fail: its error message (and `"result":""` must be present).
    pub fn err(&mut self, s: &mut Signer, method: &str, params: &[&str]) -> (String, Verdict) {
        let (resp, act) = self.call(s, method, params);
        assert_eq!(
            resp["result"], "",
            "error replies keep \"result\":\"\": {resp}"
        );
        let e = resp["error"].as_str().unwrap_or_else(|| panic!("{resp}"));
        assert!(act.error.is_some());
        (e.to_owned(), act.verdict)
    }

    /// Pair through `connect` with the account's current secret.
    pub fn connect(&mut self, s: &mut Signer, user: &Pair, perms: &str, metadata: &str) {
        let secret = s.secret(user);
        let to = self.to.hex();
        let r = self.ok(s, "connect", &[&to, &secret, perms, metadata]);
        assert_eq!(r, "ack");
    }
}
