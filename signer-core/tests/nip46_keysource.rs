//! The signer checks every key a `KeySource` hands it (deferred or not) against the account's
//! public key: a wrong key is "unavailable", never used to sign.
#![allow(clippy::unwrap_used)]

use signer_core::event::{Event, EventTemplate};
use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip44::{self, ConversationKey};
use signer_core::nip46::perms::TrustLevel;
use signer_core::nip46::{
    self, Buffers, Entropy, IgnoreReason, KeySource, OUT_LEN, Outcome, SCRATCH_LEN, State,
};

const NOW: u64 = 1_700_000_000;
const USER: [u8; 32] = [0x11; 32];

/// Hands over `self.0` as a deferred key for whatever is asked.
struct Deferred([u8; 32]);

impl KeySource for Deferred {
    fn secret_key(&self, _pubkey: &PublicKey) -> Option<SecretKey> {
        SecretKey::from_bytes_deferred(&self.0).ok()
    }
}

fn connect_request(user: &PublicKey, secret: &str) -> Vec<u8> {
    let client = SecretKey::from_bytes(&[0x22; 32]).unwrap();
    let key = ConversationKey::derive(&client, user);
    let rpc = format!(r#"{{"id":"1","method":"connect","params":["","{secret}"]}}"#);
    let mut content = vec![0u8; nip44::encrypted_len(rpc.len()).unwrap()];
    let n = nip44::encrypt_to_base64(&key, &[9; 32], rpc.as_bytes(), &mut content).unwrap();
    let content = String::from_utf8(content[..n].to_vec()).unwrap();
    let hex = String::from_utf8(user.to_hex().to_vec()).unwrap();
    let tags: [&[&str]; 1] = [&["p", &hex]];
    let template = EventTemplate {
        kind: 24133,
        created_at: NOW,
        tags: &tags,
        content: &content,
    };
    let mut event = vec![0u8; 4096];
    let n = template.sign(&client, &[1; 32], &mut event).unwrap();
    event.truncate(n);
    event
}

/// The outcome, and the encoded state before and after.
fn run(keys: &Deferred) -> (Result<bool, IgnoreReason>, Vec<u8>, Vec<u8>) {
    let user = SecretKey::from_bytes(&USER).unwrap().public_key();
    let mut state = Box::new(State::new());
    state
        .add_account(
            &user,
            None,
            &["wss://relay.example.com"],
            TrustLevel::Medium,
            &[7; 16],
        )
        .unwrap();
    let before = encoded(&state);
    let secret = state.account(&user).unwrap().secret().to_owned();
    let ev = connect_request(&user, &secret);
    let (mut scratch, mut out) = (vec![0u8; SCRATCH_LEN], vec![0u8; OUT_LEN]);
    let bufs = Buffers {
        scratch: &mut scratch,
        out: &mut out,
    };
    let entropy = Entropy {
        aux: [3; 32],
        nonce: [4; 32],
        iv: [5; 16],
        secret: [6; 16],
    };
    let got = match nip46::handle_request(NOW, &ev, keys, &entropy, &mut state, bufs).unwrap() {
        Outcome::Respond(reply) => {
            // Signed by the user's key, and valid.
            let reply = Event::parse(reply.event_json).unwrap();
            reply.verify().unwrap();
            Ok(reply.pubkey == *user.as_bytes())
        }
        Outcome::Ignore(reason) => Err(reason),
        Outcome::Ask(_) => panic!("connect is never held"),
    };
    (got, before, encoded(&state))
}

fn encoded(state: &State) -> Vec<u8> {
    let mut buf = vec![0u8; State::MAX_ENCODED_LEN];
    let n = state.encode(&mut buf).unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn a_deferred_right_key_signs() {
    let (got, before, after) = run(&Deferred(USER));
    assert_eq!(got, Ok(true));
    assert_ne!(before, after, "pairing changes the state");
}

#[test]
fn a_deferred_wrong_key_is_unavailable_and_changes_nothing() {
    let (got, before, after) = run(&Deferred([0x33; 32]));
    assert_eq!(got, Err(IgnoreReason::KeyUnavailable));
    assert_eq!(before, after);
}
