//! A whole NIP-46 `sign_event` request, signer side: verify the request event, decrypt
//! (NIP-44), parse the JSON-RPC, compute the event id, sign it, encrypt the reply, sign the
//! reply event and serialize it — through signer-core and through rust-nostr (`nostr` crate:
//! NIP-44 + event signing), in the same run, on the same request bytes.
//!
//! - cold: what the iOS NSE does on every push in a fresh process: decode the persisted state
//!   (ours) / parse the key (both), then handle the request.
//! - warm: state and (for rust-nostr) parsed keys already in memory; a stream of fresh requests
//!   (each built, untimed, just before its turn), as a signer that stays up sees them: one live
//!   state whose replay window fills up and stays full. Nothing is copied or reset between
//!   iterations.
//!
//! Run `cargo bench -p clave-benches --bench nip46` (k256) and add `--features libsecp256k1`
//! for the backend the iOS build uses.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nostr::nips::nip46::{
    NostrConnectMessage, NostrConnectRequest, NostrConnectResponse, ResponseResult,
};
use nostr::{EventBuilder, JsonUtil as _, Keys, Kind, Tag, Timestamp};
use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip46::perms::TrustLevel;
use signer_core::nip46::{self, Buffers, Entropy, KeySource, OUT_LEN, Outcome, SCRATCH_LEN, State};

const USER_SK: [u8; 32] = [0x11; 32];
const CLIENT_SK: [u8; 32] = [0x22; 32];

/// The NSE's key source (as `nse-ffi`'s): reads the key "from the Keychain" on every call and
/// hands it over deferred; the core checks it against `pubkey`, computing the public key in the
/// request's blinded context.
struct Keychain;

impl KeySource for Keychain {
    fn secret_key(&self, _pubkey: &PublicKey) -> Option<SecretKey> {
        SecretKey::from_bytes_deferred(&USER_SK).ok()
    }
}

fn entropy() -> Entropy {
    Entropy {
        aux: [1; 32],
        nonce: [2; 32],
        iv: [3; 16],
        secret: [4; 16],
    }
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

/// rust-nostr doing the signer's work for one request; returns the reply event JSON.
fn peer_handle(keys: &Keys, request_json: &str) -> String {
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

fn bench_sign_event_request(c: &mut Criterion) {
    let user_keys = Keys::new(nostr::SecretKey::from_slice(&USER_SK).unwrap());
    let client_keys = Keys::new(nostr::SecretKey::from_slice(&CLIENT_SK).unwrap());
    let user = SecretKey::from_bytes(&USER_SK).unwrap().public_key();

    // Signer state with one account and the client paired through the bunker secret.
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
    let (mut scratch, mut out) = (vec![0u8; SCRATCH_LEN], vec![0u8; OUT_LEN]);
    let bufs = Buffers {
        scratch: &mut scratch,
        out: &mut out,
    };
    let outcome = nip46::handle_request(
        now,
        connect.as_bytes(),
        &Keychain,
        &entropy(),
        &mut state,
        bufs,
    )
    .unwrap();
    assert!(
        matches!(outcome, Outcome::Respond(_)),
        "pairing failed: {outcome:?}"
    );
    let mut snapshot = vec![0u8; State::MAX_ENCODED_LEN];
    let n = state.encode(&mut snapshot).unwrap();
    snapshot.truncate(n);

    // The request: a ~300-byte kind-1 note with unicode, quotes and a newline; the warm stream
    // numbers its notes so that every request (and event id) differs.
    let sign_request = |n: usize| {
        let template = EventBuilder::text_note(format!("{}#{n:08}", "Signed through Clave: \"quotes\", émoji 🌞,\nnew line and more text to make a realistic note body of a few hundred bytes. ".repeat(2)))
            .tag(Tag::hashtag("nostr"))
            .build(user_keys.public_key());
        client_request(
            &client_keys,
            user_keys.public_key(),
            NostrConnectRequest::SignEvent(template),
        )
    };
    let request = sign_request(0);
    let mut serial = 0;
    let mut fresh_request = || {
        serial += 1;
        sign_request(serial)
    };

    // Both sides must produce a valid reply carrying a valid signed event before we time them.
    {
        let mut s = state.clone();
        let bufs = Buffers {
            scratch: &mut scratch,
            out: &mut out,
        };
        let Outcome::Respond(reply) =
            nip46::handle_request(now, request.as_bytes(), &Keychain, &entropy(), &mut s, bufs)
                .unwrap()
        else {
            panic!("ours did not answer");
        };
        let reply =
            nostr::Event::from_json(std::str::from_utf8(reply.event_json).unwrap()).unwrap();
        reply.verify().unwrap();
        let plain =
            nostr::nips::nip44::decrypt(client_keys.secret_key(), &reply.pubkey, &reply.content)
                .unwrap();
        let msg = NostrConnectMessage::from_json(&plain).unwrap();
        let res = msg
            .to_response(nostr::nips::nip46::NostrConnectMethod::SignEvent)
            .unwrap();
        let Some(ResponseResult::SignEvent(ev)) = res.result else {
            panic!("no event in {plain}")
        };
        ev.verify().unwrap();
        assert_eq!(ev.kind, Kind::TextNote);
        let peer_reply = nostr::Event::from_json(peer_handle(&user_keys, &request)).unwrap();
        peer_reply.verify().unwrap();
    }

    let mut g = c.benchmark_group("nip46_sign_event_request_cold");
    g.bench_function("ours", |b| {
        b.iter(|| {
            let mut state = Box::new(State::new());
            state.decode_into(black_box(&snapshot)).unwrap();
            let bufs = Buffers {
                scratch: &mut scratch,
                out: &mut out,
            };
            let outcome = nip46::handle_request(
                now,
                black_box(request.as_bytes()),
                &Keychain,
                &entropy(),
                &mut state,
                bufs,
            )
            .unwrap();
            assert!(matches!(outcome, Outcome::Respond(_)));
        })
    });
    g.bench_function("nostr", |b| {
        b.iter(|| {
            let keys = Keys::new(nostr::SecretKey::from_slice(black_box(&USER_SK)).unwrap());
            peer_handle(&keys, black_box(&request))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("nip46_sign_event_request_warm");
    // One state in memory for the whole run: its replay window fills up (512 ids) and stays
    // full, as in a signer that has been up for a while.
    let mut warm = state.clone();
    g.bench_function("ours", |b| {
        b.iter_batched_ref(
            &mut fresh_request,
            |request| {
                let bufs = Buffers {
                    scratch: &mut scratch,
                    out: &mut out,
                };
                let outcome = nip46::handle_request(
                    now,
                    black_box(request.as_bytes()),
                    &Keychain,
                    &entropy(),
                    &mut warm,
                    bufs,
                )
                .unwrap();
                assert!(matches!(outcome, Outcome::Respond(_)), "{outcome:?}");
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("nostr", |b| {
        b.iter_batched_ref(
            &mut fresh_request,
            |request| peer_handle(&user_keys, black_box(request)),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_sign_event_request);
criterion_main!(benches);
