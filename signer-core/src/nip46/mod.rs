//! NIP-46 remote signing: connection URIs, the per-client permission policy, the JSON-RPC
//! messages, the persistent state and the sans-IO signer that ties them together.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/46.md>
//!
//! | module | what |
//! |---|---|
//! | [`signer`] | [`handle_request`], [`decide`], [`expire`], [`approve_nostrconnect`]: the whole protocol surface |
//! | [`state`] | [`State`]: accounts, paired clients, held requests, replay window; one versioned snapshot |
//! | [`perms`] | trust levels, per-kind overrides, protected kinds, requested-perms seeding |
//! | [`uri`] | `bunker://` and `nostrconnect://` URIs, bunker secrets |
//! | [`rpc`] | the JSON-RPC request/response messages inside the events |
//! | [`activity`] | the structured log record of every handled request |
//!
//! # A whole exchange
//!
//! The shell owns the clock, the randomness, the Keychain, the sockets and the buffers; the core
//! owns every rule. Here a client (played with signer-core's own NIP-01 and NIP-44 code) pairs
//! through the bunker URI's secret and asks for the user's public key:
//!
//! ```
//! use signer_core::event::{Event, EventTemplate};
//! use signer_core::keys::{PublicKey, SecretKey};
//! use signer_core::nip44::{self, ConversationKey};
//! use signer_core::nip46::perms::TrustLevel;
//! use signer_core::nip46::{self, Buffers, Entropy, KeySource, Outcome, State, OUT_LEN, SCRATCH_LEN};
//!
//! /// The shell's key store: here one key in memory; on iOS, a Keychain read per call.
//! struct Keychain([u8; 32]);
//! impl KeySource for Keychain {
//!     // The signer checks that the key is `pubkey`'s, computing the public key once in the
//!     // request's blinded context; a deferred key leaves that work to it.
//!     fn secret_key(&self, _pubkey: &PublicKey) -> Option<SecretKey> {
//!         SecretKey::from_bytes_deferred(&self.0).ok()
//!     }
//! }
//!
//! let now = 1_700_000_000;
//! let keychain = Keychain([0x11; 32]);
//! let user = SecretKey::from_bytes(&keychain.0)?.public_key();
//! let mut state = Box::new(State::new());
//! state.add_account(&user, None, &["wss://relay.example.com"], TrustLevel::Medium, &[7; 16])?;
//! let secret = state.account(&user).map(|a| a.secret().to_owned()).unwrap_or_default();
//! let (mut scratch, mut out) = (vec![0u8; SCRATCH_LEN], vec![0u8; OUT_LEN]);
//! let entropy = |n: u8| Entropy { aux: [n; 32], nonce: [n; 32], iv: [n; 16], secret: [n; 16] };
//!
//! // The client: a fresh key, a NIP-44 encrypted request p-tagging the signer.
//! let client = SecretKey::from_bytes(&[0x22; 32])?;
//! let to_signer = ConversationKey::derive(&client, &user);
//! let request = |id: &str, method: &str, params: &str| -> Result<Vec<u8>, signer_core::Error> {
//!     let rpc = format!(r#"{{"id":"{id}","method":"{method}","params":{params}}}"#);
//!     let mut content = vec![0u8; nip44::encrypted_len(rpc.len())?];
//!     let n = nip44::encrypt_to_base64(&to_signer, &[id.len() as u8; 32], rpc.as_bytes(), &mut content)?;
//!     let content = String::from_utf8(content[..n].to_vec()).unwrap_or_default();
//!     let hex = String::from_utf8(user.to_hex().to_vec()).unwrap_or_default();
//!     let mut event = vec![0u8; 4096];
//!     let tags: [&[&str]; 1] = [&["p", &hex]];
//!     let template = EventTemplate { kind: 24133, created_at: now, tags: &tags, content: &content };
//!     let n = template.sign(&client, &[1; 32], &mut event)?;
//!     event.truncate(n);
//!     Ok(event)
//! };
//! // What the client reads back from a reply event.
//! let read = |reply: &[u8]| -> Result<String, signer_core::Error> {
//!     let ev = Event::parse(reply)?;
//!     ev.verify()?;
//!     let mut plain = vec![0u8; ev.content.raw().len()];
//!     let key = ConversationKey::derive(&client, &PublicKey::from_bytes(&ev.pubkey)?);
//!     let n = nip44::decrypt_from_base64(&key, ev.content.raw().as_bytes(), &mut plain)?;
//!     Ok(String::from_utf8_lossy(&plain[..n]).into_owned())
//! };
//!
//! // 1. connect with the bunker secret → "ack"; the secret rotates.
//! let params = format!(r#"["","{secret}"]"#);
//! let ev = request("1", "connect", &params)?;
//! let bufs = Buffers { scratch: &mut scratch, out: &mut out };
//! let Outcome::Respond(reply) = nip46::handle_request(now, &ev, &keychain, &entropy(1), &mut state, bufs)? else {
//!     panic!("expected a reply");
//! };
//! assert_eq!(read(reply.event_json)?, r#"{"id":"1","result":"ack"}"#);
//! assert_eq!(reply.relays[0].as_str(), "wss://relay.example.com");
//!
//! // 2. get_public_key → the user key as hex.
//! let ev = request("2", "get_public_key", "[]")?;
//! let bufs = Buffers { scratch: &mut scratch, out: &mut out };
//! let Outcome::Respond(reply) = nip46::handle_request(now, &ev, &keychain, &entropy(2), &mut state, bufs)? else {
//!     panic!("expected a reply");
//! };
//! let hex = String::from_utf8(user.to_hex().to_vec()).unwrap_or_default();
//! assert_eq!(read(reply.event_json)?, format!(r#"{{"id":"2","result":"{hex}"}}"#));
//!
//! // 3. The shell persists the state between wakes.
//! let mut snapshot = vec![0u8; State::MAX_ENCODED_LEN];
//! let n = state.encode(&mut snapshot)?;
//! let mut reloaded = Box::new(State::new());
//! reloaded.decode_into(&snapshot[..n])?;
//! assert_eq!(reloaded, state);
//! # Ok::<(), signer_core::Error>(())
//! ```

pub mod activity;
pub mod perms;
pub mod rpc;
pub mod signer;
pub mod state;
pub mod uri;

pub use activity::{Activity, Verdict};
pub use signer::{
    Approval, Buffers, Entropy, IgnoreReason, KeySource, OUT_LEN, Outcome, PendingApproval,
    PublishRelays, Reply, SCRATCH_LEN, approve_nostrconnect, approve_nostrconnect_in, decide,
    decide_in, expire, expire_in, handle_request, handle_request_in,
};
pub use state::State;
