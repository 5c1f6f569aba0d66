//! The `sign_event` request that `benches/nip46.rs` times and `examples/nip46_profile.rs` counts
//! instructions for: one signer state with a paired client, request bytes built by rust-nostr
//! as a real client would, and both signers' handling of it (signer-core, and the same work
//! through rust-nostr). Kept in one place so the two measurements can never drift apart.

use std::hint::black_box;

use nostr::nips::nip46::{
    NostrConnectMessage, NostrConnectMethod, NostrConnectRequest, NostrConnectResponse,
    ResponseResult,
};
use nostr::{EventBuilder, JsonUtil as _, Keys, Kind, Tag, Timestamp};
use signer_core::keys::{Context, PublicKey, SecretKey};
use signer_core::nip46::perms::TrustLevel;
use signer_core::nip46::{self, Buffers, Entropy, KeySource, OUT_LEN, Outcome, SCRATCH_LEN, State};

const USER_SK: [u8; 32] = [0x11; 32];
const CLIENT_SK: [u8; 32] = [0x22; 32];

/// The NSE's key source (as `nse-ffi`'s): reads the key "from the Keychain" on every call and
/// hands it over deferred; the core checks it against `pubkey`, computing the public key in the
/// request's blinded context.
pub struct Keychain;

impl KeySource for Keychain {
    fn secret_key(&self, _pubkey: &PublicKey) -> Option<SecretKey> {
        SecretKey::from_bytes_deferred(&USER_SK).ok()
    }
}

/// Fixed per-call randomness: the work done does not depend on its value.
pub fn entropy() -> Entropy {
    Entropy {
        aux: [1; 32],
        nonce: [2; 32],
        iv: [3; 16],
        secret: [4; 16],
    }
}

/// Caller-owned working memory, on the heap as the NSE's is.
pub struct Memory {
    scratch: Vec<u8>,
    out: Vec<u8>,
}

impl Memory {
    /// Lent to one signer call.
    fn bufs(&mut self) -> Buffers<'_> {
        Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        }
    }
}

impl Default for Memory {
    fn default() -> Self {
        Self {
            scratch: vec![0; SCRATCH_LEN],
            out: vec![0; OUT_LEN],
        }
    }
}

/// One account, one client paired through the bunker secret, and the persisted snapshot of
/// that state (what the NSE reads from disk on every push).
pub struct Fixture {
    /// The user's keys as rust-nostr holds them (public key already derived).
    pub user_keys: Keys,
    client_keys: Keys,
    now: u64,
    /// The paired state in memory (the warm signer's starting point).
    pub state: Box<State>,
    /// `state` encoded.
    pub snapshot: Vec<u8>,
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture {
    /// Pairs the client (through signer-core, from a rust-nostr `connect`) and snapshots the state.
    pub fn new() -> Self {
        let user_keys = Keys::new(nostr::SecretKey::from_slice(&USER_SK).unwrap());
        let client_keys = Keys::new(nostr::SecretKey::from_slice(&CLIENT_SK).unwrap());
        let user = SecretKey::from_bytes(&USER_SK).unwrap().public_key();
        let now = Timestamp::now().as_secs();
        let mut state = Box::new(State::new());
        state
            .add_account(
                &user,
                None,
                &["wss://relay.example.com"],
                TrustLevel::Full,
                &[7; 16],
            )
            .unwrap();
        let secret = state.account(&user).unwrap().secret().to_owned();
        let connect = client_request(
            &client_keys,
            user_keys.public_key(),
            NostrConnectRequest::Connect {
                remote_signer_public_key: user_keys.public_key(),
                secret: Some(secret),
            },
        );
        let mut mem = Memory::default();
        let outcome = nip46::handle_request(
            now,
            connect.as_bytes(),
            &Keychain,
            &entropy(),
            &mut state,
            mem.bufs(),
        )
        .unwrap();
        assert!(
            matches!(outcome, Outcome::Respond(_)),
            "pairing failed: {outcome:?}"
        );
        let mut snapshot = vec![0u8; State::MAX_ENCODED_LEN];
        let n = state.encode(&mut snapshot).unwrap();
        snapshot.truncate(n);
        Self {
            user_keys,
            client_keys,
            now,
            state,
            snapshot,
        }
    }

    /// A `sign_event` request for a ~300-byte kind-1 note with unicode, quotes and a newline;
    /// `n` numbers the note so that every request (and event id) differs.
    pub fn sign_request(&self, n: usize) -> String {
        let template = EventBuilder::text_note(format!("{}#{n:08}", "Signed through Clave: \"quotes\", émoji 🌞,\nnew line and more text to make a realistic note body of a few hundred bytes. ".repeat(2)))
            .tag(Tag::hashtag("nostr"))
            .build(self.user_keys.public_key());
        client_request(
            &self.client_keys,
            self.user_keys.public_key(),
            NostrConnectRequest::SignEvent(template),
        )
    }

    /// Ours, cold: decode the persisted state into a fresh `State`, then handle the request
    /// (blinding a fresh curve context, as the NSE does once per push).
    pub fn ours_cold(&self, request: &str, mem: &mut Memory) {
        let mut state = Box::new(State::new());
        state.decode_into(black_box(&self.snapshot)).unwrap();
        let outcome = nip46::handle_request(
            self.now,
            black_box(request.as_bytes()),
            &Keychain,
            &entropy(),
            &mut state,
            mem.bufs(),
        )
        .unwrap();
        assert!(matches!(outcome, Outcome::Respond(_)), "{outcome:?}");
    }

    /// Ours, warm: handle the request against a live state, in a curve context kept (and
    /// blinded once) for the whole run, as a signer that stays up keeps one (rust-nostr's
    /// global context is likewise randomized once per process).
    pub fn ours_warm(&self, cx: &Context<'_>, state: &mut State, request: &str, mem: &mut Memory) {
        let outcome = nip46::handle_request_in(
            cx,
            self.now,
            black_box(request.as_bytes()),
            &Keychain,
            &entropy(),
            state,
            mem.bufs(),
        )
        .unwrap();
        assert!(matches!(outcome, Outcome::Respond(_)), "{outcome:?}");
    }

    /// Both sides must produce a valid reply carrying a valid signed event before anything is
    /// timed; panics otherwise.
    pub fn check(&self, request: &str) {
        let mut state = self.state.clone();
        let mut mem = Memory::default();
        let Outcome::Respond(reply) = nip46::handle_request(
            self.now,
            request.as_bytes(),
            &Keychain,
            &entropy(),
            &mut state,
            mem.bufs(),
        )
        .unwrap() else {
            panic!("ours did not answer");
        };
        let reply =
            nostr::Event::from_json(std::str::from_utf8(reply.event_json).unwrap()).unwrap();
        reply.verify().unwrap();
        let plain = nostr::nips::nip44::decrypt(
            self.client_keys.secret_key(),
            &reply.pubkey,
            &reply.content,
        )
        .unwrap();
        let msg = NostrConnectMessage::from_json(&plain).unwrap();
        let res = msg.to_response(NostrConnectMethod::SignEvent).unwrap();
        let Some(ResponseResult::SignEvent(ev)) = res.result else {
            panic!("no event in {plain}")
        };
        ev.verify().unwrap();
        assert_eq!(ev.kind, Kind::TextNote);
        let peer_reply = nostr::Event::from_json(peer_handle(&self.user_keys, request)).unwrap();
        peer_reply.verify().unwrap();
    }
}

/// rust-nostr, cold: parse the key (deriving its public key), then handle the request.
pub fn peer_cold(request: &str) -> String {
    let keys = Keys::new(nostr::SecretKey::from_slice(black_box(&USER_SK)).unwrap());
    peer_handle(&keys, request)
}

/// rust-nostr doing the signer's work for one request; returns the reply event JSON.
pub fn peer_handle(keys: &Keys, request_json: &str) -> String {
    let ev = nostr::Event::from_json(request_json).unwrap();
    ev.verify().unwrap();
    let plaintext =
        nostr::nips::nip44::decrypt(keys.secret_key(), &ev.pubkey, &ev.content).unwrap();
    let msg = NostrConnectMessage::from_json(&plaintext).unwrap();
    let id = msg.id().to_owned();
    let NostrConnectRequest::SignEvent(unsigned) = msg.to_request().unwrap() else {
        panic!("not a sign_event request");
    };
    let signed = unsigned.sign_with_keys(keys).unwrap();
    let response = NostrConnectMessage::response(
        id,
        NostrConnectResponse::with_result(ResponseResult::SignEvent(Box::new(signed))),
    );
    EventBuilder::nostr_connect(keys, ev.pubkey, response)
        .unwrap()
        .sign_with_keys(keys)
        .unwrap()
        .as_json()
}

/// A kind:24133 request from `client` to `signer`, built by rust-nostr as a client would.
fn client_request(client: &Keys, signer: nostr::PublicKey, req: NostrConnectRequest) -> String {
    let msg = NostrConnectMessage::request(&req);
    EventBuilder::nostr_connect(client, signer, msg)
        .unwrap()
        .sign_with_keys(client)
        .unwrap()
        .as_json()
}
