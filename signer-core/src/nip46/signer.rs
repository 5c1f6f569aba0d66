//! The sans-IO NIP-46 signer: request event in, reply event (or a question for the user) out.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/46.md>; the behaviours real clients
//! depend on are numbered in the project's `INTEROP.md` and cited below as "INTEROP n".
//!
//! The caller passes in the time, random bytes, a [`KeySource`], the inbound event, the
//! [`State`] and two buffers it owns; the core never reaches for a clock, an RNG, the Keychain,
//! a socket or the heap. Four entry points:
//!
//! | call | when | result |
//! |---|---|---|
//! | [`handle_request`] | a kind:24133 event arrived | [`Outcome::Respond`], [`Outcome::Ask`] or [`Outcome::Ignore`] |
//! | [`decide`] | the user approved or denied a held request | the reply to it |
//! | [`expire`] | on every wake, in a loop until `None` | the timeout reply of one held request |
//! | [`approve_nostrconnect`] | the user approved a `nostrconnect://` URI | the connect response to publish |
//!
//! # Handling a request
//!
//! In this order (INTEROP 1–8); every `Ignore` leaves no trace and sends nothing:
//! 1. parse the event and verify its id and signature, else `Ignore(BadEvent)`;
//! 2. kind 24133, else `Ignore(WrongKind)`;
//! 3. a `p` tag naming an account's transport key, else `Ignore(NotForUs)`;
//! 4. not seen within the replay window, else `Ignore(Duplicate)`;
//! 5. `created_at` within [`MAX_CLOCK_SKEW`] of `now`, else `Ignore(Stale)`;
//! 6. no NIP-40 `expiration` at or before `now`, else `Ignore(Expired)`;
//! 7. decrypt with the transport key: NIP-04 when the content contains `?iv=`, NIP-44 v2
//!    otherwise, else `Ignore(Undecryptable)`; a plaintext without a JSON-RPC `id` is
//!    `Ignore(MalformedRequest)` (there is nothing to answer).
//!
//! From there on every request gets exactly one reply, in the scheme it used: a result, an error
//! (`"result":""` kept), or — for a request the user must approve — an [`Outcome::Ask`] now and
//! the reply later from [`decide`] or [`expire`] (INTEROP 5, 6). The reply is kind 24133,
//! `created_at = now`, exactly one `["p", client]` tag, signed by the transport key (INTEROP 3).
//!
//! Methods (INTEROP 9–21): `connect` (bunker secret, single use, rotated after each pairing;
//! idempotent `"ack"` for a paired client), `get_public_key` (user key, lowercase hex),
//! `sign_event` (kind, created_at, tags and content never changed; result is the whole signed
//! event as a JSON string), `ping`, `nip04_encrypt`, `nip04_decrypt`, `nip44_encrypt`,
//! `nip44_decrypt`, `switch_relays` (the account's relays as a JSON string, or `null` when the
//! client already has them), `logout` (`"ack"`, then the client is forgotten); anything else
//! is `"Unsupported method: X"`. An unpaired client gets an error for everything but `connect`.
//! Permissions come from [`perms::decide`](super::perms::decide).
//!
//! # Atomicity
//!
//! Compute first, commit last: a request is processed against `&State`, the reply is written
//! and sealed, and only then is the state changed (seen id, pairing, secret rotation, logout,
//! relays, held request, `last_seen`). Any `Ignore` or `Err` leaves the state untouched.
//!
//! # Buffers and limits
//!
//! Every call needs `scratch.len() >= `[`SCRATCH_LEN`] and `out.len() >= `[`OUT_LEN`]
//! (about 262 KB each), else [`Error::BufferTooSmall`] before anything else happens. They
//! follow from [`MAX_REQUEST_LEN`] (64 KiB of decrypted request), [`MAX_RESULT_LEN`] and
//! [`MAX_RESPONSE_LEN`]. A request larger than that is ignored (`TooLarge`: it cannot be
//! decrypted into a fixed buffer, so there is no id to answer; NIP-44 clients cannot send one
//! anyway). A response that does not fit — over [`MAX_NIP44_RESPONSE_LEN`] (65 408 bytes, the
//! most rust-nostr decrypts) for a NIP-44 reply, over [`MAX_RESPONSE_LEN`] for a NIP-04 one —
//! is replaced by the error `"result too large"` (INTEROP 21), never truncated.
//!
//! # Memory
//!
//! No heap, ever (`tests/nip46_zero_alloc.rs` counts allocations on every path). The buffers
//! above are the caller's; the state is the caller's (box it: see [`State`]). Peak stack,
//! measured by stack painting in `tests/nip46_stack.rs` (x86_64, release):
//!
//! | call | peak stack |
//! |---|---:|
//! | `handle_request`, `sign_event` of a 64 KB request | 41 KiB |
//! | `handle_request`, `nip44_encrypt` of 40 KB | 42 KiB |
//! | `handle_request` that asks | 33 KiB |
//! | `decide` (approve) | 32 KiB |
//! | `expire` | 18 KiB |
//! | `State::encode` + `State::decode_into` | 13 KiB |
//!
//! Unoptimised debug builds peak at about 230 KiB. Before every call returns, the part of
//! `scratch` it used is zeroed (decrypted requests, parameters, results): the pieces it lends
//! itself are capped at what the request can need, so a small request wipes a few KiB, not
//! 256 KiB. Bytes the caller left elsewhere in `scratch` are not touched.
//!
//! # Randomness
//!
//! [`Entropy`] carries fresh random bytes per call. Where one call needs two values of a kind
//! (the reply's NIP-44 nonce and a `nip44_encrypt` nonce, the reply's BIP-340 aux and a
//! `sign_event` aux), the second is SHA-256 of a label and the first, so no nonce is ever reused
//! even if the client asks to encrypt to itself.
//!
//! Each entry point blinds a fresh curve context from [`Entropy::aux`] (the iOS NSE is a fresh
//! process per push, so it blinds once per push either way). A signer that lives on can call
//! the `*_in` twins ([`handle_request_in`] and the others) with one
//! [`KeptContext`](crate::keys::KeptContext) and skip that per-call cost, about a tenth of a
//! `sign_event` request with libsecp256k1.
//!
//! # Design notes
//!
//! - **Held requests are keyed by the request event id** ([`PendingApproval::id`]): the shell
//!   already has it (it names the App Group file holding the raw event), and a redelivered
//!   event is recognised as a duplicate rather than asked twice.
//! - **The state keeps only metadata of a held request** (ids, client, method, kind, rpc id,
//!   scheme, deadline). Approving needs the raw event back, which is re-verified (same id and
//!   author, valid signature) and decrypted again; denying and expiring need nothing but the
//!   metadata, so a lost file can still be denied.
//! - **A reply says where to publish it** ([`Reply::relays`]): the relays are computed before
//!   the state changes, so a `logout` (or an approval for a client that has since gone) still
//!   reaches the client.
//! - **Deciding after the deadline** answers with the timeout error, as [`expire`] would: the
//!   client has been told nothing yet, and one rule for "too late" is simpler to reason about.
//! - **Keys from the [`KeySource`] are checked** to match the public key asked for; a wrong or
//!   missing transport key ignores the request (nothing can be answered without it), a missing
//!   user key (separate transport key) answers "signing key unavailable".
//! - **Clients live in one flat table** in [`State`] rather than inside each account, so that
//!   no value larger than one client (about 3 KB) is ever built on the stack while decoding.
//! - **The core never allocates and never panics**; every bound is a named constant and every
//!   overflow is an error reply or a documented `Ignore`.
//!
//! # Example
//!
//! ```
//! use signer_core::keys::{PublicKey, SecretKey};
//! use signer_core::nip46::perms::TrustLevel;
//! use signer_core::nip46::signer::{self, Buffers, Entropy, KeySource, Outcome, OUT_LEN, SCRATCH_LEN};
//! use signer_core::nip46::state::State;
//!
//! struct Keychain([u8; 32]);
//! impl KeySource for Keychain {
//!     // The signer checks that the key is `pubkey`'s, computing the public key once in the
//!     // request's blinded context; a deferred key leaves that work to it.
//!     fn secret_key(&self, _pubkey: &PublicKey) -> Option<SecretKey> {
//!         SecretKey::from_bytes_deferred(&self.0).ok()
//!     }
//! }
//!
//! let keys = Keychain([1u8; 32]);
//! let user = SecretKey::from_bytes(&[1u8; 32])?.public_key();
//! let mut state = Box::new(State::new());
//! state.add_account(&user, None, &["wss://relay.example.com"], TrustLevel::Medium, &[2u8; 16])?;
//!
//! let (mut scratch, mut out) = (vec![0u8; SCRATCH_LEN], vec![0u8; OUT_LEN]);
//! let entropy = Entropy { aux: [3; 32], nonce: [4; 32], iv: [5; 16], secret: [6; 16] };
//! let not_an_event = b"{}";
//! let outcome = signer::handle_request(1_700_000_000, not_an_event, &keys, &entropy, &mut state,
//!     Buffers { scratch: &mut scratch, out: &mut out })?;
//! assert!(matches!(outcome, Outcome::Ignore(_)));
//! # Ok::<(), signer_core::Error>(())
//! ```

use core::fmt;

use heapless::String;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::activity::{Activity, Verdict};
use super::perms::{ClientPerms, Decision, Method, RequestedPerms, TrustLevel};
use super::rpc::{self, Body, Envelope, RpcId};
use super::state::{
    self, Account, Client, MAX_CLIENTS, MAX_PENDING, MAX_RPC_ID_LEN, Pending, Scheme, State,
    bounded,
};
use super::uri::{
    ClientMetadata, MAX_METADATA_LEN, MAX_PERMS_LEN, MAX_RELAYS, MAX_SECRET_LEN, NostrConnectUri,
    RelayUrl,
};
use crate::event::{self, Event, EventTemplate, Tags, UnsignedEvent};
use crate::json::{JsonStr, SliceWriter};
use crate::keys::{Context, PublicKey, SecretKey, SharedX};
use crate::nip44::{self, ConversationKey};
use crate::{Error, hex, nip04};

/// NIP-46 request and response event kind.
pub const REQUEST_KIND: u16 = 24133;
/// Requests whose `created_at` is further than this from `now` (seconds) are ignored, and ids
/// are remembered at least this long past `max(created_at, now)` (INTEROP 4: strfry keeps
/// ephemeral events about 5 minutes).
pub const MAX_CLOCK_SKEW: u64 = 300;
/// How long a held request waits for the user before [`expire`] answers it with an error
/// (INTEROP 6: 60–120 s; strfry drops ephemeral events older than 60 s, so the reply itself is
/// always fresh).
pub const PENDING_TTL: u64 = 90;
/// Largest decrypted request (JSON-RPC plaintext) the buffers are sized for: 64 KiB.
pub const MAX_REQUEST_LEN: usize = 64 * 1024;
/// Largest result string (signed event, ciphertext, plaintext) before JSON escaping:
/// 1.5 × [`MAX_REQUEST_LEN`] = 96 KiB, enough for `nip44_encrypt` of a 64 KiB plaintext
/// (base64 adds a third). Every buffer size derives from [`MAX_REQUEST_LEN`], so raising it is
/// a one-line change.
pub const MAX_RESULT_LEN: usize = MAX_REQUEST_LEN / 2 * 3;
/// Largest response JSON (the escaped result plus the envelope) of a NIP-04 reply: 192 KiB.
pub const MAX_RESPONSE_LEN: usize = 2 * MAX_RESULT_LEN;
/// Largest response JSON of a NIP-44 reply: 65 408 bytes, rust-nostr's cap (65 536 − 128);
/// nostr-tools stops at 65 535 and no client reads NIP-44's extended length prefix. A larger
/// NIP-44 response is replaced by the error `"result too large"` (INTEROP 21), which every
/// client can read, instead of a reply it cannot decrypt.
pub const MAX_NIP44_RESPONSE_LEN: usize = 65_408;
/// Largest request event JSON accepted.
pub const MAX_EVENT_LEN: usize = 2 * MAX_CONTENT_LEN;

/// Base64 length of a NIP-44 payload for `n` plaintext bytes (const form of
/// [`nip44::encrypted_len`]).
const fn nip44_b64_len(n: usize) -> usize {
    let prefix = if n >= nip44::EXTENDED_PREFIX_THRESHOLD {
        6
    } else {
        2
    };
    (1 + nip44::NONCE_LEN + nip44::MAC_LEN + prefix + nip44::calc_padded_len(n)).div_ceil(3) * 4
}

/// Length of a NIP-04 payload for `n` plaintext bytes (const form of [`nip04::encrypted_len`]).
const fn nip04_len(n: usize) -> usize {
    nip04::ciphertext_len(n).div_ceil(3) * 4 + 4 + 24
}

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// Longest request `content` (either scheme) for a [`MAX_REQUEST_LEN`] plaintext.
pub const MAX_CONTENT_LEN: usize = max(nip44_b64_len(MAX_REQUEST_LEN), nip04_len(MAX_REQUEST_LEN));
/// Longest reply `content` (either scheme) for a [`MAX_RESPONSE_LEN`] response.
const MAX_REPLY_CONTENT_LEN: usize =
    max(nip44_b64_len(MAX_RESPONSE_LEN), nip04_len(MAX_RESPONSE_LEN));
/// Decrypted request region: what either scheme's decryption of [`MAX_CONTENT_LEN`] needs.
const PLAIN_LEN: usize = MAX_CONTENT_LEN / 4 * 3;
/// Decoded parameter region (a parameter is never longer than the request).
const PARAM_LEN: usize = PLAIN_LEN;
/// Reply event JSON around its content: id, pubkey, sig, one `p` tag, field names.
const REPLY_EVENT_OVERHEAD: usize = 512;

/// Minimum `scratch` length for every call (about 262 KB).
pub const SCRATCH_LEN: usize = max(
    PLAIN_LEN + PARAM_LEN + MAX_RESULT_LEN,
    MAX_REPLY_CONTENT_LEN,
);
/// Minimum `out` length for every call: the largest reply event (about 262 KB).
pub const OUT_LEN: usize = MAX_REPLY_CONTENT_LEN + REPLY_EVENT_OVERHEAD;

// Error messages of replies (also in [`Activity::error`]).
const E_INVALID_REQUEST: &str = "invalid request";
const E_NOT_PAIRED: &str = "client not paired: send connect first";
const E_BAD_SECRET: &str = "invalid or already used secret";
const E_TOO_MANY_CLIENTS: &str = "too many paired clients";
const E_REJECTED: &str = "user rejected";
const E_TOO_MANY_PENDING: &str = "too many requests awaiting approval";
const E_ID_TOO_LONG: &str = "request id too long";
const E_PARAMS: &str = "invalid params";
const E_TEMPLATE: &str = "invalid event template";
const E_OTHER_PUBKEY: &str = "event pubkey is not the user's key";
const E_PEER: &str = "invalid peer pubkey";
const E_NO_KEY: &str = "signing key unavailable";
const E_TOO_LARGE: &str = "result too large";
const E_EMPTY: &str = "empty plaintext";
const E_DECRYPT: &str = "decryption failed";
const E_UTF8: &str = "decrypted text is not UTF-8";
const E_SIGNING: &str = "signing failed";
const E_TIMEOUT: &str = "approval timed out";
const E_UNSUPPORTED: &str = "Unsupported method";

/// Where the core gets secret keys: the shell reads them (e.g. from the Keychain) per call, and
/// the core drops (zeroizes) them before returning.
pub trait KeySource {
    /// The secret key of `pubkey`, or `None` if unavailable. The core checks that the key
    /// belongs to `pubkey` (a wrong key counts as unavailable), so an implementation need not;
    /// returning [`SecretKey::from_bytes_deferred`] lets the core compute the public key once,
    /// in the request's blinded context, instead of in a context of its own.
    fn secret_key(&self, pubkey: &PublicKey) -> Option<SecretKey>;
}

/// Fresh random bytes for one call (from the OS CSPRNG).
#[derive(Clone)]
pub struct Entropy {
    /// BIP-340 aux randomness for the reply's signature (and, hashed, for `sign_event`).
    pub aux: [u8; 32],
    /// NIP-44 nonce for the reply (and, hashed, for `nip44_encrypt`).
    pub nonce: [u8; 32],
    /// NIP-04 IV for the reply (and, hashed, for `nip04_encrypt`).
    pub iv: [u8; 16],
    /// Source of the next bunker secret when a `connect` consumes the current one.
    pub secret: [u8; 16],
}

impl fmt::Debug for Entropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Entropy(..)")
    }
}

/// Caller-owned working memory: `scratch` of at least [`SCRATCH_LEN`] bytes and `out` of at
/// least [`OUT_LEN`] bytes. A reply event is written into `out`.
#[derive(Debug)]
pub struct Buffers<'a> {
    /// Working space (decrypted request, decoded parameters, result, encrypted reply).
    pub scratch: &'a mut [u8],
    /// Where the reply event JSON goes.
    pub out: &'a mut [u8],
}

/// Where a reply goes: the client's relays, then the account's (each once).
pub type PublishRelays = heapless::Vec<RelayUrl, { 2 * MAX_RELAYS }>;

/// A reply to publish.
#[derive(Debug)]
pub struct Reply<'a> {
    /// The signed kind:24133 reply event JSON (in `out`).
    pub event_json: &'a [u8],
    /// Publish it to every one of these (INTEROP 3): the relays the client was last told
    /// about (for a `nostrconnect://` pairing, the URI's) followed by the account's. Computed
    /// before the state changes, so a `logout` reply still reaches the client's relays.
    pub relays: PublishRelays,
    /// What was done.
    pub activity: Activity,
}

/// A request held for the user: show it, then call [`decide`] with [`id`](Self::id) and the
/// raw request event (the shell keeps those bytes; the state keeps only this metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingApproval {
    /// The request event id.
    pub id: [u8; 32],
    /// The account's user key.
    pub account: [u8; 32],
    /// The client's key.
    pub client: [u8; 32],
    /// What it asks for.
    pub method: Method,
    /// The kind, for `sign_event`.
    pub kind: Option<u16>,
    /// When [`expire`] will answer it with an error.
    pub expires_at: u64,
    /// The activity record (verdict [`Verdict::Asked`]).
    pub activity: Activity,
}

/// Why an inbound event got no reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreReason {
    /// Larger than [`MAX_EVENT_LEN`] or its content than [`MAX_CONTENT_LEN`].
    TooLarge,
    /// Not a well-formed NIP-01 event.
    Malformed,
    /// The id or the signature does not verify.
    BadEvent,
    /// Not kind 24133.
    WrongKind,
    /// No `p` tag names one of our transport keys.
    NotForUs,
    /// Already handled within the replay window.
    Duplicate,
    /// `created_at` too far from now.
    Stale,
    /// Its NIP-40 `expiration` has passed (or is malformed).
    Expired,
    /// The key source has no transport key for the account.
    KeyUnavailable,
    /// The content does not decrypt with our key (wrong key, corrupt, unknown version).
    Undecryptable,
    /// The plaintext is not a JSON-RPC request with a string `id`.
    MalformedRequest,
    /// [`decide`] was called for a request that is no longer held.
    NotPending,
}

/// What the shell should do.
///
/// About 4.4 KB (a [`Reply`] carries its relay list by value: there is no heap to box it in).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Outcome<'a> {
    /// Publish this reply.
    Respond(Reply<'a>),
    /// Show this to the user; reply later through [`decide`] or [`expire`].
    Ask(PendingApproval),
    /// Do nothing.
    Ignore(IgnoreReason),
}

/// The user's answer to a held request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// Execute it and reply with the result.
    Approve,
    /// Reply "user rejected".
    Deny,
}

// ---------------------------------------------------------------------------------------------
// Internals

/// The reply's encryption, keyed once per call.
enum Crypto {
    Nip44(ConversationKey),
    Nip04(SharedX),
}

impl Crypto {
    fn new(scheme: Scheme, transport: &SecretKey, client: &PublicKey) -> Self {
        match scheme {
            Scheme::Nip44 => Crypto::Nip44(ConversationKey::derive(transport, client)),
            Scheme::Nip04 => Crypto::Nip04(transport.shared_x(client)),
        }
    }

    fn decrypt(&self, payload: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        match self {
            Crypto::Nip44(k) => nip44::decrypt_from_base64(k, payload, out),
            Crypto::Nip04(s) => nip04::decrypt_with_shared(s, payload, out),
        }
    }

    fn encrypt(&self, entropy: &Entropy, plaintext: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        match self {
            Crypto::Nip44(k) => nip44::encrypt_to_base64(k, &entropy.nonce, plaintext, out),
            Crypto::Nip04(s) => nip04::encrypt_with_shared(s, &entropy.iv, plaintext, out),
        }
    }
}

/// SHA-256 of `label || seed`, truncated: a second independent value from one random input.
fn derive<const N: usize>(label: &[u8], seed: &[u8]) -> [u8; N] {
    let digest: [u8; 32] = Sha256::new()
        .chain_update(label)
        .chain_update(seed)
        .finalize()
        .into();
    let mut out = [0u8; N];
    for (o, d) in out.iter_mut().zip(digest.iter()) {
        *o = *d;
    }
    out
}

/// What answering a held request needs: the account's transport key, the client's key, the
/// reply's crypto in the request's scheme, and the activity record (with its final verdict).
struct Held {
    transport: SecretKey,
    client_pk: PublicKey,
    crypto: Crypto,
    act: Activity,
}

impl Held {
    fn load<K: KeySource + ?Sized>(
        curve: &Context<'_>,
        keys: &K,
        account: &Account,
        pending: &Pending,
        now: u64,
        verdict: Verdict,
    ) -> Result<Self, Error> {
        let transport = fetch_key(curve, keys, &account.transport).ok_or(Error::KeyUnavailable)?;
        let client_pk =
            PublicKey::from_bytes(&pending.client).map_err(|_| Error::Malformed("state"))?;
        let crypto = Crypto::new(pending.scheme, &transport, &client_pk);
        let act = Activity {
            at: now,
            account: pending.account,
            client: pending.client,
            method: pending.method,
            kind: pending.kind,
            verdict,
            error: None,
        };
        Ok(Self {
            transport,
            client_pk,
            crypto,
            act,
        })
    }
}

fn check_buffers(bufs: &Buffers<'_>) -> Result<(), Error> {
    if bufs.scratch.len() < SCRATCH_LEN || bufs.out.len() < OUT_LEN {
        return Err(Error::BufferTooSmall);
    }
    Ok(())
}

/// The secret key of `pubkey` from the key source, checked to really be that key. A key made
/// with [`SecretKey::from_bytes_deferred`] gets its public key computed here, once, in the
/// call's blinded context.
fn fetch_key<K: KeySource + ?Sized>(
    curve: &Context<'_>,
    keys: &K,
    pubkey: &PublicKey,
) -> Option<SecretKey> {
    let mut sk = keys.secret_key(pubkey)?;
    sk.complete(curve);
    (sk.public_key() == *pubkey).then_some(sk)
}

/// The seed that blinds one call's curve context: a domain-separated hash of the call's fresh
/// aux bytes. The aux bytes are 32 random bytes per call; their other uses (the reply's BIP-340
/// aux, hashed by BIP-340 under its own tag, and `sign_event`'s derived aux) hash them under
/// other labels, so this seed is independent of them, and even a seed that leaked would only
/// undo the blinding (a defence in depth), never expose a key or a nonce.
fn context_seed(entropy: &Entropy) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(derive::<32>(b"clave/nip46/context", &entropy.aux))
}

/// The account whose transport key a `p` tag names.
fn route(state: &State, tags: &Tags<'_>) -> Option<usize> {
    for tag in tags.iter() {
        if !tag.name().is_some_and(|n| n.eq_str("p")) {
            continue;
        }
        let Some(raw) = tag.value().and_then(|v| v.as_plain()) else {
            continue;
        };
        let Ok(key) = hex::decode_array::<32>(raw.as_bytes()) else {
            continue;
        };
        if let Some(i) = state
            .accounts
            .iter()
            .position(|a| a.transport.as_bytes() == &key)
        {
            return Some(i);
        }
    }
    None
}

/// Decoded text of a JSON string: borrowed when it has no escapes, else decoded into `buf`.
fn text<'x>(s: JsonStr<'x>, buf: &'x mut [u8]) -> Result<&'x str, Error> {
    match s.as_plain() {
        Some(plain) => Ok(plain),
        None => s.unescape_into(buf),
    }
}

/// A state change to apply once the reply is sealed. (No heap to box the large variant into;
/// it lives on the stack for the duration of one call.)
#[allow(clippy::large_enum_variant)]
enum Change {
    None,
    /// Add (or replace) the client; rotate the bunker secret for a `connect`.
    Pair {
        client: Client,
        rotate: Option<String<{ super::uri::BUNKER_SECRET_LEN }>>,
    },
    /// `logout`.
    Forget,
    /// `switch_relays`: the client now knows the account's relays.
    RecordRelays,
}

/// The result of processing a decrypted request.
#[allow(clippy::large_enum_variant)]
enum Step {
    /// A response JSON of this length is in `out`.
    Reply {
        len: usize,
        change: Change,
        activity: Activity,
    },
    /// Hold it.
    Ask {
        pending: Pending,
        activity: Activity,
    },
}

/// Everything processing needs, read-only.
struct Cx<'c, K: ?Sized> {
    now: u64,
    account: &'c Account,
    client: [u8; 32],
    /// The client's pairing with this account, if any.
    paired: Option<&'c Client>,
    /// The account has [`MAX_CLIENTS`](super::state::MAX_CLIENTS) clients.
    clients_full: bool,
    keys: &'c K,
    /// The call's curve context (blinded once).
    curve: &'c Context<'c>,
    transport: &'c SecretKey,
    entropy: &'c Entropy,
    /// The user already approved this request ([`decide`]).
    approved: bool,
    /// The request event id and scheme, for holding it.
    request_id: [u8; 32],
    scheme: Scheme,
    pending_full: bool,
}

/// A parsed method call that needs permission.
enum Call<'p> {
    GetPublicKey,
    Ping,
    SwitchRelays,
    Logout,
    SignEvent(UnsignedEvent<'p>),
    Crypto {
        method: Method,
        peer: PublicKey,
        text: &'p str,
    },
}

impl<K: KeySource + ?Sized> Cx<'_, K> {
    fn activity(&self, method: Method) -> Activity {
        Activity {
            at: self.now,
            account: *self.account.user.as_bytes(),
            client: self.client,
            method,
            kind: None,
            verdict: Verdict::Invalid,
            error: None,
        }
    }

    /// The user key: the transport key itself by default, else from the key source.
    fn with_user_key<T>(&self, f: impl FnOnce(&SecretKey) -> T) -> Option<T> {
        if self.account.user == self.account.transport {
            return Some(f(self.transport));
        }
        let sk = fetch_key(self.curve, self.keys, &self.account.user)?;
        Some(f(&sk))
    }
}

/// Write a response into `out`; a response that does not fit becomes the error
/// "result too large". Returns the length and the error label actually sent.
fn write_body(
    out: &mut [u8],
    id: RpcId<'_>,
    body: Body<'_>,
) -> Result<(usize, Option<&'static str>), Error> {
    let limit = out.len().min(MAX_RESPONSE_LEN);
    let region = out.get_mut(..limit).ok_or(Error::BufferTooSmall)?;
    let mut w = SliceWriter::new(region);
    if rpc::write_response(&mut w, id, body).is_ok() {
        return Ok((w.len(), None));
    }
    let mut w = SliceWriter::new(region);
    rpc::write_response(&mut w, id, Body::Error(E_TOO_LARGE))?;
    Ok((w.len(), Some(E_TOO_LARGE)))
}

/// What a reply says, with `'static` error labels (they also go into [`Activity::error`]).
#[derive(Clone, Copy)]
enum Answer<'r> {
    Ok(&'r str),
    Null,
    Err(&'static str),
    Unsupported(JsonStr<'r>),
}

/// Write the response for `answer` into `out` and describe the step.
fn reply(
    out: &mut [u8],
    id: RpcId<'_>,
    answer: Answer<'_>,
    mut activity: Activity,
    verdict: Verdict,
    change: Change,
) -> Result<Step, Error> {
    let (body, error) = match answer {
        Answer::Ok(r) => (Body::Result(r), None),
        Answer::Null => (Body::Null, None),
        Answer::Err(e) => (Body::Error(e), Some(e)),
        Answer::Unsupported(name) => (Body::Unsupported(name), Some(E_UNSUPPORTED)),
    };
    let (len, overflow) = write_body(out, id, body)?;
    activity.verdict = verdict;
    activity.error = error;
    if let Some(e) = overflow {
        activity.verdict = Verdict::LimitReached;
        activity.error = Some(e);
        // A result that could not be sent changes nothing.
        return Ok(Step::Reply {
            len,
            change: Change::None,
            activity,
        });
    }
    Ok(Step::Reply {
        len,
        change,
        activity,
    })
}

fn error_step(
    out: &mut [u8],
    id: RpcId<'_>,
    msg: &'static str,
    activity: Activity,
    verdict: Verdict,
) -> Result<Step, Error> {
    reply(out, id, Answer::Err(msg), activity, verdict, Change::None)
}

fn method_of(name: JsonStr<'_>) -> Method {
    Method::ALL
        .into_iter()
        .find(|m| m.as_str().is_some_and(|s| name.eq_str(s)))
        .unwrap_or(Method::Unknown)
}

/// Process a decrypted request against the (unchanged) state.
fn process<K: KeySource + ?Sized>(
    cx: &Cx<'_, K>,
    env: &Envelope<'_>,
    param: &mut [u8],
    result: &mut [u8],
    out: &mut [u8],
) -> Result<Step, Error> {
    let id = RpcId::Json(env.id);
    let method = env.method.map_or(Method::Unknown, method_of);
    let mut act = cx.activity(method);
    if env.malformed {
        return error_step(out, id, E_INVALID_REQUEST, act, Verdict::Invalid);
    }
    let client = cx.paired;
    if method == Method::Connect {
        return connect(cx, env, client.is_some(), param, out, act);
    }
    let Some(client) = client else {
        return error_step(out, id, E_NOT_PAIRED, act, Verdict::NotPaired);
    };
    let call = match parse_call(method, env, param) {
        Ok(Some(call)) => call,
        Ok(None) => {
            let name = env.method.ok_or(Error::Malformed("nip46 method"))?;
            return reply(
                out,
                id,
                Answer::Unsupported(name),
                act,
                Verdict::Invalid,
                Change::None,
            );
        }
        Err(msg) => return error_step(out, id, msg, act, Verdict::Invalid),
    };
    if let Call::SignEvent(t) = &call {
        act.kind = Some(t.kind);
        if t.pubkey.is_some_and(|pk| &pk != cx.account.user.as_bytes()) {
            return error_step(out, id, E_OTHER_PUBKEY, act, Verdict::Invalid);
        }
    }
    let decision = if cx.approved {
        Decision::Allow
    } else {
        state::decide_for(cx.account, client, method, act.kind)
    };
    match decision {
        Decision::Deny => error_step(out, id, E_REJECTED, act, Verdict::Denied),
        Decision::Ask => {
            if cx.pending_full {
                return error_step(out, id, E_TOO_MANY_PENDING, act, Verdict::LimitReached);
            }
            let mut rpc_id: String<MAX_RPC_ID_LEN> = String::new();
            for c in env.id.chars() {
                if rpc_id.push(c).is_err() {
                    return error_step(out, id, E_ID_TOO_LONG, act, Verdict::LimitReached);
                }
            }
            act.verdict = Verdict::Asked;
            Ok(Step::Ask {
                pending: Pending {
                    id: cx.request_id,
                    account: *cx.account.user.as_bytes(),
                    client: cx.client,
                    method,
                    kind: act.kind,
                    rpc_id,
                    scheme: cx.scheme,
                    expires_at: cx.now.saturating_add(PENDING_TTL),
                },
                activity: act,
            })
        }
        Decision::Allow => {
            let verdict = if cx.approved {
                Verdict::Approved
            } else {
                Verdict::Allowed
            };
            execute(cx, client, call, id, result, out, act, verdict)
        }
    }
}

/// Parse the parameters of a permissioned method; `Ok(None)` for an unknown method.
fn parse_call<'p>(
    method: Method,
    env: &Envelope<'p>,
    param: &'p mut [u8],
) -> Result<Option<Call<'p>>, &'static str> {
    Ok(Some(match method {
        Method::Unknown | Method::Connect => return Ok(None),
        Method::GetPublicKey => Call::GetPublicKey,
        Method::Ping => Call::Ping,
        Method::SwitchRelays => Call::SwitchRelays,
        Method::Logout => Call::Logout,
        Method::SignEvent => {
            // NIP-46 sends the template JSON-stringified; accept a bare object too.
            let first = env.params.and_then(|p| p.get(0)).ok_or(E_PARAMS)?;
            let json: &[u8] = match (first.as_str(), first.as_object()) {
                (Some(s), _) => text(s, param).map_err(|_| E_PARAMS)?.as_bytes(),
                (None, Some(obj)) => obj.raw(),
                (None, None) => return Err(E_PARAMS),
            };
            Call::SignEvent(UnsignedEvent::parse(json).map_err(|_| E_TEMPLATE)?)
        }
        Method::Nip04Encrypt
        | Method::Nip04Decrypt
        | Method::Nip44Encrypt
        | Method::Nip44Decrypt => {
            let peer = env.param(0).ok().flatten().ok_or(E_PARAMS)?;
            let mut hex_buf = [0u8; 64];
            let peer = text(peer, &mut hex_buf).map_err(|_| E_PEER)?;
            let peer = PublicKey::from_hex(peer).map_err(|_| E_PEER)?;
            let body = env.param(1).ok().flatten().ok_or(E_PARAMS)?;
            let text = text(body, param).map_err(|_| E_PARAMS)?;
            Call::Crypto { method, peer, text }
        }
    }))
}

#[allow(clippy::too_many_arguments)]
fn execute<K: KeySource + ?Sized>(
    cx: &Cx<'_, K>,
    client: &Client,
    call: Call<'_>,
    id: RpcId<'_>,
    result: &mut [u8],
    out: &mut [u8],
    act: Activity,
    verdict: Verdict,
) -> Result<Step, Error> {
    let user_hex = cx.account.user.to_hex();
    let (answer, change) = match call {
        Call::Ping => (Answer::Ok("pong"), Change::None),
        Call::GetPublicKey => {
            let hex = core::str::from_utf8(&user_hex).map_err(|_| Error::Malformed("hex"))?;
            (Answer::Ok(hex), Change::None)
        }
        Call::Logout => (Answer::Ok("ack"), Change::Forget),
        Call::SwitchRelays if client.relays == cx.account.relays => {
            (Answer::Null, Change::RecordRelays)
        }
        Call::SwitchRelays => match relays_json(&cx.account.relays, result) {
            Ok(n) => {
                let json = result.get(..n).ok_or(Error::BufferTooSmall)?;
                let json = core::str::from_utf8(json).map_err(|_| Error::Malformed("utf-8"))?;
                (Answer::Ok(json), Change::RecordRelays)
            }
            Err(_) => (Answer::Err(E_TOO_LARGE), Change::None),
        },
        Call::SignEvent(template) => {
            let aux = derive::<32>(b"clave/nip46/sign_event/aux", &cx.entropy.aux);
            match cx.with_user_key(|sk| event::sign_with(cx.curve, sk, &template, &aux, result)) {
                None => (Answer::Err(E_NO_KEY), Change::None),
                Some(Ok(n)) => {
                    let json = result.get(..n).ok_or(Error::BufferTooSmall)?;
                    let json = core::str::from_utf8(json).map_err(|_| Error::Malformed("utf-8"))?;
                    (Answer::Ok(json), Change::None)
                }
                Some(Err(Error::WrongPubkey)) => (Answer::Err(E_OTHER_PUBKEY), Change::None),
                Some(Err(Error::BufferTooSmall)) => (Answer::Err(E_TOO_LARGE), Change::None),
                Some(Err(_)) => (Answer::Err(E_SIGNING), Change::None),
            }
        }
        Call::Crypto { method, peer, text } => {
            match cx.with_user_key(|sk| crypto_call(cx, sk, method, &peer, text, result)) {
                None => (Answer::Err(E_NO_KEY), Change::None),
                Some(Err(msg)) => (Answer::Err(msg), Change::None),
                // A decrypted empty text would be an empty success result, which clients
                // never resolve (INTEROP 8): say so instead.
                Some(Ok(0)) => (Answer::Err(E_EMPTY), Change::None),
                Some(Ok(n)) => {
                    let bytes = result.get(..n).ok_or(Error::BufferTooSmall)?;
                    match core::str::from_utf8(bytes) {
                        Ok(s) => (Answer::Ok(s), Change::None),
                        Err(_) => (Answer::Err(E_UTF8), Change::None),
                    }
                }
            }
        }
    };
    reply(out, id, answer, act, verdict, change)
}

/// The relays as a JSON array, into `out`; returns its length.
fn relays_json(relays: &[super::uri::RelayUrl], out: &mut [u8]) -> Result<usize, Error> {
    use crate::json::Sink;
    let mut w = SliceWriter::new(out);
    w.write_str("[")?;
    for (i, r) in relays.iter().enumerate() {
        if i > 0 {
            w.write_str(",")?;
        }
        crate::json::write_string(&mut w, r)?;
    }
    w.write_str("]")?;
    Ok(w.len())
}

fn crypto_call<K: KeySource + ?Sized>(
    cx: &Cx<'_, K>,
    sk: &SecretKey,
    method: Method,
    peer: &PublicKey,
    text: &str,
    result: &mut [u8],
) -> Result<usize, &'static str> {
    let size = |e: Error| match e {
        Error::BufferTooSmall | Error::TooLarge(_) => E_TOO_LARGE,
        Error::InvalidPlaintextLength => E_EMPTY,
        _ => E_DECRYPT,
    };
    match method {
        Method::Nip44Encrypt => {
            let nonce = derive::<32>(b"clave/nip46/nip44_encrypt/nonce", &cx.entropy.nonce);
            let key = ConversationKey::derive(sk, peer);
            nip44::encrypt_to_base64(&key, &nonce, text.as_bytes(), result).map_err(size)
        }
        Method::Nip44Decrypt => {
            let key = ConversationKey::derive(sk, peer);
            nip44::decrypt_from_base64(&key, text.as_bytes(), result).map_err(|e| match e {
                Error::BufferTooSmall | Error::TooLarge(_) => E_TOO_LARGE,
                _ => E_DECRYPT,
            })
        }
        Method::Nip04Encrypt => {
            let iv = derive::<16>(b"clave/nip46/nip04_encrypt/iv", &cx.entropy.iv);
            nip04::encrypt(sk, peer, &iv, text.as_bytes(), result).map_err(size)
        }
        Method::Nip04Decrypt => {
            nip04::decrypt(sk, peer, text.as_bytes(), result).map_err(|e| match e {
                Error::BufferTooSmall | Error::TooLarge(_) => E_TOO_LARGE,
                _ => E_DECRYPT,
            })
        }
        _ => Err(E_PARAMS),
    }
}

/// `connect` (INTEROP 9–11).
fn connect<K: KeySource + ?Sized>(
    cx: &Cx<'_, K>,
    env: &Envelope<'_>,
    paired: bool,
    param: &mut [u8],
    out: &mut [u8],
    act: Activity,
) -> Result<Step, Error> {
    let id = RpcId::Json(env.id);
    if paired {
        // Idempotent, whatever secret it carries (NDK re-sends connect on every start).
        return reply(
            out,
            id,
            Answer::Ok("ack"),
            act,
            Verdict::Allowed,
            Change::None,
        );
    }
    let mut secret_buf = [0u8; MAX_SECRET_LEN];
    let secret = env
        .param(1)
        .ok()
        .flatten()
        .and_then(|s| s.unescape_into(&mut secret_buf).ok());
    if !secret.is_some_and(|s| !s.is_empty() && cx.account.secret_matches(s.as_bytes())) {
        return error_step(out, id, E_BAD_SECRET, act, Verdict::BadSecret);
    }
    if cx.clients_full {
        return error_step(out, id, E_TOO_MANY_CLIENTS, act, Verdict::LimitReached);
    }
    // Requested perms and metadata are hints: a malformed one seeds nothing, never fails.
    let requested = match env.param(2) {
        Ok(Some(p)) => {
            let mut buf = [0u8; MAX_PERMS_LEN];
            p.unescape_into(&mut buf)
                .ok()
                .and_then(|s| RequestedPerms::parse(s).ok())
                .unwrap_or_default()
        }
        _ => RequestedPerms::default(),
    };
    let metadata = match env.param(3) {
        Ok(Some(m)) => {
            let limit = param.len().min(MAX_METADATA_LEN);
            param
                .get_mut(..limit)
                .and_then(|buf| m.unescape_into(buf).ok())
                .and_then(|s| ClientMetadata::from_json(s).ok())
                .unwrap_or_default()
        }
        _ => ClientMetadata::default(),
    };
    let client = new_client(
        *cx.account.user.as_bytes(),
        cx.client,
        &metadata,
        ClientPerms::seeded(cx.account.default_trust, &requested, &cx.account.protected),
        cx.account.relays.clone(),
        cx.now,
    );
    let rotate = Some(super::uri::bunker_secret(&cx.entropy.secret));
    reply(
        out,
        id,
        Answer::Ok("ack"),
        act,
        Verdict::Paired,
        Change::Pair { client, rotate },
    )
}

fn new_client(
    account: [u8; 32],
    pubkey: [u8; 32],
    metadata: &ClientMetadata,
    perms: ClientPerms,
    relays: super::uri::Relays,
    now: u64,
) -> Client {
    Client {
        account,
        pubkey,
        name: metadata
            .name
            .as_deref()
            .and_then(|n| bounded(n, "client name").ok())
            .unwrap_or_default(),
        url: metadata
            .url
            .as_deref()
            .and_then(|u| bounded(u, "client url").ok())
            .unwrap_or_default(),
        perms,
        relays,
        paired_at: now,
        last_seen: now,
    }
}

/// Encrypt the response in `out[..len]` into `scratch`, then sign the reply event into `out`.
#[allow(clippy::too_many_arguments)]
fn seal<'o>(
    curve: &Context<'_>,
    now: u64,
    transport: &SecretKey,
    client: &PublicKey,
    crypto: &Crypto,
    entropy: &Entropy,
    len: usize,
    scratch: &mut Scratch<'_>,
    out: &'o mut [u8],
) -> Result<&'o [u8], Error> {
    let response = out.get(..len).ok_or(Error::BufferTooSmall)?;
    let room = scratch.for_reply(crypto, len)?;
    let n = crypto.encrypt(entropy, response, room)?;
    let content = room.get(..n).ok_or(Error::BufferTooSmall)?;
    let content = core::str::from_utf8(content).map_err(|_| Error::Malformed("utf-8"))?;
    let hex = client.to_hex();
    let hex = core::str::from_utf8(&hex).map_err(|_| Error::Malformed("hex"))?;
    let tag: [&str; 2] = ["p", hex];
    let tags: [&[&str]; 1] = [&tag];
    let template = EventTemplate {
        kind: REQUEST_KIND,
        created_at: now,
        tags: &tags,
        content,
    };
    let n = template.sign_with(curve, transport, &entropy.aux, out)?;
    out.get(..n).ok_or(Error::BufferTooSmall)
}

/// Apply a processed request's change and touch the client's `last_seen`. Infallible: every
/// capacity was checked while processing.
fn apply(state: &mut State, account: &[u8; 32], client: &[u8; 32], change: Change, now: u64) {
    match change {
        Change::None => {}
        Change::Pair { client: c, rotate } => {
            match state.client_of_mut(account, client) {
                Some(slot) => *slot = c,
                None => {
                    let _ = state.clients.push(c);
                }
            }
            if let Some(secret) = rotate
                && let Some(a) = state
                    .accounts
                    .iter_mut()
                    .find(|a| a.user.as_bytes() == account)
            {
                a.secret = secret;
            }
        }
        Change::Forget => {
            state
                .clients
                .retain(|c| !(&c.account == account && &c.pubkey == client));
        }
        Change::RecordRelays => {
            let relays = state
                .accounts
                .iter()
                .find(|a| a.user.as_bytes() == account)
                .map(|a| a.relays.clone());
            if let (Some(relays), Some(c)) = (relays, state.client_of_mut(account, client)) {
                c.relays = relays;
            }
        }
    }
    if let Some(c) = state.client_of_mut(account, client) {
        c.last_seen = c.last_seen.max(now);
    }
}

/// The part of `out` a response in `scheme` may fill (see [`MAX_NIP44_RESPONSE_LEN`]).
fn response_region(out: &mut [u8], scheme: Scheme) -> Result<&mut [u8], Error> {
    let limit = match scheme {
        Scheme::Nip44 => MAX_NIP44_RESPONSE_LEN,
        Scheme::Nip04 => MAX_RESPONSE_LEN,
    };
    out.get_mut(..limit).ok_or(Error::BufferTooSmall)
}

/// Room past twice the request's `content` length that a result may take: a `switch_relays`
/// answer (every account relay, JSON-escaped) or a signed event's added fields (a few hundred
/// bytes).
const RESULT_SLACK: usize = 2 + MAX_RELAYS * (3 + 6 * super::uri::MAX_RELAY_URL_LEN);

/// The caller's `scratch`, lent out in pieces no larger than the request at hand can need,
/// remembering how far each piece reaches, so that the wipe when it drops zeroes exactly the
/// bytes a callee could have written: decrypted requests, parameters, results (DM plaintexts,
/// signed events) that must not outlive the call. A request of a few hundred bytes touches a
/// few KiB, and wiping all 256 KiB on every call cost about 3% of a `sign_event` request.
///
/// The pieces are capped by length, so a callee cannot write past what is recorded: a wrong
/// cap shows up as a "result too large" error, never as an unwiped byte. Every test of the
/// harness (`tests/nip46_harness.rs`) checks that the whole scratch is zero after each call.
struct Scratch<'s> {
    buf: &'s mut [u8],
    /// Bytes lent from the start of the decrypted-request, parameter and result regions.
    lent: [usize; 3],
    /// Bytes lent from the start of `buf` for the reply's ciphertext.
    sealed: usize,
}

impl<'s> Scratch<'s> {
    /// `buf` is at least [`SCRATCH_LEN`] long ([`check_buffers`]).
    fn new(buf: &'s mut [u8]) -> Self {
        Self {
            buf,
            lent: [0; 3],
            sealed: 0,
        }
    }

    /// The decrypted-request, parameter and result regions, for a request whose `content` is
    /// `content_len` bytes (before unescaping): its plaintext, any unescaped content or
    /// parameter fit in `content_len`; a result (a signed event, a ciphertext of a parameter,
    /// the relay list) fits in twice that plus [`RESULT_SLACK`].
    fn regions(&mut self, content_len: usize) -> Result<Regions<'_>, Error> {
        let caps = [
            content_len.min(PLAIN_LEN),
            content_len.min(PARAM_LEN),
            content_len
                .saturating_mul(2)
                .saturating_add(RESULT_SLACK)
                .min(MAX_RESULT_LEN),
        ];
        for (lent, cap) in self.lent.iter_mut().zip(caps) {
            *lent = (*lent).max(cap);
        }
        let (plain, rest) = self
            .buf
            .split_at_mut_checked(PLAIN_LEN)
            .ok_or(Error::BufferTooSmall)?;
        let (param, rest) = rest
            .split_at_mut_checked(PARAM_LEN)
            .ok_or(Error::BufferTooSmall)?;
        let [plain_cap, param_cap, result_cap] = caps;
        Ok((
            plain.get_mut(..plain_cap).ok_or(Error::BufferTooSmall)?,
            param.get_mut(..param_cap).ok_or(Error::BufferTooSmall)?,
            rest.get_mut(..result_cap).ok_or(Error::BufferTooSmall)?,
        ))
    }

    /// Room for the ciphertext of a `len`-byte response in `crypto`'s scheme.
    fn for_reply(&mut self, crypto: &Crypto, len: usize) -> Result<&mut [u8], Error> {
        let need = match crypto {
            Crypto::Nip44(_) => nip44_b64_len(len),
            Crypto::Nip04(_) => nip04_len(len),
        }
        .min(SCRATCH_LEN);
        self.sealed = self.sealed.max(need);
        self.buf.get_mut(..need).ok_or(Error::BufferTooSmall)
    }

    /// Zero everything lent out. A plain `fill` (memset speed), not `zeroize`'s byte-by-byte
    /// volatile writes: `buf` is the caller's memory and outlives this call, so the compiler
    /// cannot treat these stores as dead and drop them.
    fn wipe(&mut self) {
        let [plain, param, result] = self.lent;
        let spans = [
            (0, plain.max(self.sealed)),
            (PLAIN_LEN, param),
            (PLAIN_LEN + PARAM_LEN, result),
        ];
        for (start, len) in spans {
            if let Some(span) = self.buf.get_mut(start..start.saturating_add(len)) {
                span.fill(0);
            }
        }
        self.lent = [0; 3];
        self.sealed = 0;
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// The decrypted-request, parameter and result regions of `scratch`.
type Regions<'s> = (&'s mut [u8], &'s mut [u8], &'s mut [u8]);

/// `first`, then `then`, each URL once. Cannot overflow: each list holds at most
/// [`MAX_RELAYS`].
fn publish_relays(first: &[RelayUrl], then: &[RelayUrl]) -> PublishRelays {
    let mut out = PublishRelays::new();
    for r in first.iter().chain(then) {
        if !out.contains(r) {
            let _ = out.push(r.clone());
        }
    }
    out
}

/// Where to publish a reply to `client` of `account`: its relays (if paired), then the
/// account's.
fn reply_relays(state: &State, account: &[u8; 32], client: &[u8; 32]) -> PublishRelays {
    let account_relays = state
        .accounts
        .iter()
        .find(|a| a.user.as_bytes() == account)
        .map_or(&[][..], |a| &a.relays[..]);
    let client_relays = state
        .client_of(account, client)
        .map_or(&[][..], |c| &c.relays[..]);
    publish_relays(client_relays, account_relays)
}

/// Decrypt an event's content with `crypto` into `plain` (using `tmp` to unescape a content
/// with JSON escapes). `Err` carries the ignore reason.
fn open_content<'p>(
    content: JsonStr<'_>,
    crypto: &Crypto,
    plain: &'p mut [u8],
    tmp: &mut [u8],
) -> Result<&'p [u8], IgnoreReason> {
    if content.raw().len() > 2 * MAX_CONTENT_LEN {
        return Err(IgnoreReason::TooLarge);
    }
    let payload: &[u8] = match content.as_plain() {
        Some(p) => p.as_bytes(),
        None => content
            .unescape_into(tmp)
            .map_err(|_| IgnoreReason::TooLarge)?
            .as_bytes(),
    };
    if payload.len() > MAX_CONTENT_LEN {
        return Err(IgnoreReason::TooLarge);
    }
    let n = crypto
        .decrypt(payload, plain)
        .map_err(|_| IgnoreReason::Undecryptable)?;
    plain.get(..n).ok_or(IgnoreReason::Undecryptable)
}

fn scheme_of(content: JsonStr<'_>) -> Scheme {
    // `?iv=` has no characters JSON escapes, but `\/`-style escapes elsewhere do not hide it;
    // an escaped `?` (`\u003f`) would, and is treated as NIP-44 (and then fails to decrypt).
    if content.raw().contains("?iv=") {
        Scheme::Nip04
    } else {
        Scheme::Nip44
    }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/// Handle one inbound event. See the [module docs](self) for the checks, in order.
///
/// `Err` only for caller mistakes: [`Error::BufferTooSmall`] when the buffers are below
/// [`SCRATCH_LEN`] / [`OUT_LEN`], or (astronomically unlikely) a signing failure. On `Err` and
/// on [`Outcome::Ignore`] the state is untouched.
pub fn handle_request<'b, K: KeySource + ?Sized>(
    now: u64,
    request_event_json: &[u8],
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    bufs: Buffers<'b>,
) -> Result<Outcome<'b>, Error> {
    Context::with(&context_seed(entropy), |cx| {
        handle_request_in(cx, now, request_event_json, keys, entropy, state, bufs)
    })
}

/// [`handle_request`] in the caller's curve context, for a signer that lives on and keeps one
/// [`KeptContext`](crate::keys::KeptContext) instead of blinding a new one per call.
pub fn handle_request_in<'b, K: KeySource + ?Sized>(
    cx: &Context<'_>,
    now: u64,
    request_event_json: &[u8],
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    bufs: Buffers<'b>,
) -> Result<Outcome<'b>, Error> {
    check_buffers(&bufs)?;
    let Buffers { scratch, out } = bufs;
    // Wiped when it drops, however the call ends.
    let mut scratch = Scratch::new(scratch);
    handle_request_inner(
        cx,
        now,
        request_event_json,
        keys,
        entropy,
        state,
        &mut scratch,
        out,
    )
}

#[allow(clippy::too_many_arguments)]
fn handle_request_inner<'b, K: KeySource + ?Sized>(
    curve: &Context<'_>,
    now: u64,
    request_event_json: &[u8],
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    scratch: &mut Scratch<'_>,
    out: &'b mut [u8],
) -> Result<Outcome<'b>, Error> {
    if request_event_json.len() > MAX_EVENT_LEN {
        return Ok(Outcome::Ignore(IgnoreReason::TooLarge));
    }
    let Ok(ev) = Event::parse(request_event_json) else {
        return Ok(Outcome::Ignore(IgnoreReason::Malformed));
    };
    // The client's key, parsed once here and reused for the ECDH and the reply's `p` tag.
    let Ok(client_pk) = event::verify_with(curve, &ev) else {
        return Ok(Outcome::Ignore(IgnoreReason::BadEvent));
    };
    if ev.kind != REQUEST_KIND {
        return Ok(Outcome::Ignore(IgnoreReason::WrongKind));
    }
    let Some(acct_idx) = route(state, &ev.tags) else {
        return Ok(Outcome::Ignore(IgnoreReason::NotForUs));
    };
    if state.has_seen(&ev.id, now) {
        return Ok(Outcome::Ignore(IgnoreReason::Duplicate));
    }
    if ev.created_at.abs_diff(now) > MAX_CLOCK_SKEW {
        return Ok(Outcome::Ignore(IgnoreReason::Stale));
    }
    match ev.tags.expiration() {
        Ok(Some(t)) if t <= now => return Ok(Outcome::Ignore(IgnoreReason::Expired)),
        Err(_) => return Ok(Outcome::Ignore(IgnoreReason::Expired)),
        _ => {}
    }
    let Some(account) = state.accounts.get(acct_idx) else {
        return Ok(Outcome::Ignore(IgnoreReason::NotForUs));
    };
    let Some(transport) = fetch_key(curve, keys, &account.transport) else {
        return Ok(Outcome::Ignore(IgnoreReason::KeyUnavailable));
    };
    let scheme = scheme_of(ev.content);
    let crypto = Crypto::new(scheme, &transport, &client_pk);

    let step = {
        let (plain, param, result) = scratch.regions(ev.content.raw().len())?;
        let plaintext = match open_content(ev.content, &crypto, plain, result) {
            Ok(p) => p,
            Err(reason) => return Ok(Outcome::Ignore(reason)),
        };
        let Ok(env) = Envelope::parse(plaintext) else {
            return Ok(Outcome::Ignore(IgnoreReason::MalformedRequest));
        };
        let cx = Cx {
            now,
            account,
            client: ev.pubkey,
            paired: state.client_of(account.user.as_bytes(), &ev.pubkey),
            clients_full: state.client_count(account.user.as_bytes()) >= MAX_CLIENTS,
            keys,
            curve,
            transport: &transport,
            entropy,
            approved: false,
            request_id: ev.id,
            scheme,
            pending_full: state.pending.len() >= MAX_PENDING,
        };
        process(&cx, &env, param, result, response_region(out, scheme)?)?
    };
    let until = ev.created_at.max(now).saturating_add(MAX_CLOCK_SKEW);
    let user = *account.user.as_bytes();
    match step {
        Step::Reply {
            len,
            change,
            activity,
        } => {
            let event_json = seal(
                curve, now, &transport, &client_pk, &crypto, entropy, len, scratch, out,
            )?;
            let relays = reply_relays(state, &user, &ev.pubkey);
            state.remember(ev.id, until, now);
            apply(state, &user, &ev.pubkey, change, now);
            Ok(Outcome::Respond(Reply {
                event_json,
                relays,
                activity,
            }))
        }
        Step::Ask { pending, activity } => {
            let approval = PendingApproval {
                id: pending.id,
                account: pending.account,
                client: pending.client,
                method: pending.method,
                kind: pending.kind,
                expires_at: pending.expires_at,
                activity,
            };
            if state.pending.push(pending).is_err() {
                return Err(Error::TooLarge("pending approvals"));
            }
            state.remember(ev.id, until, now);
            apply(state, &user, &ev.pubkey, Change::None, now);
            Ok(Outcome::Ask(approval))
        }
    }
}

/// Answer a held request with the user's decision.
///
/// - [`Approval::Deny`]: replies "user rejected" on the original rpc id; `request_event_json`
///   is not read (pass `&[]`).
/// - [`Approval::Approve`]: `request_event_json` must be the held request event (same id,
///   valid signature); it is decrypted again and executed as if allowed, and the real result
///   goes out on the original rpc id. A client unpaired in the meantime gets an error.
/// - Past [`Pending::expires_at`](super::state::Pending::expires_at) either answer produces the
///   timeout error instead (as [`expire`] would).
///
/// Returns `Ignore(NotPending)` if `pending_id` is not held (already decided or expired).
/// `Err` (state untouched): buffers too small, the transport key unavailable
/// ([`Error::KeyUnavailable`]), or for `Approve` request bytes that are not the held request.
#[allow(clippy::too_many_arguments)]
pub fn decide<'b, K: KeySource + ?Sized>(
    now: u64,
    pending_id: &[u8; 32],
    approval: Approval,
    request_event_json: &[u8],
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    bufs: Buffers<'b>,
) -> Result<Outcome<'b>, Error> {
    Context::with(&context_seed(entropy), |cx| {
        decide_in(
            cx,
            now,
            pending_id,
            approval,
            request_event_json,
            keys,
            entropy,
            state,
            bufs,
        )
    })
}

/// [`decide`] in the caller's curve context (see [`handle_request_in`]).
#[allow(clippy::too_many_arguments)]
pub fn decide_in<'b, K: KeySource + ?Sized>(
    cx: &Context<'_>,
    now: u64,
    pending_id: &[u8; 32],
    approval: Approval,
    request_event_json: &[u8],
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    bufs: Buffers<'b>,
) -> Result<Outcome<'b>, Error> {
    check_buffers(&bufs)?;
    let Buffers { scratch, out } = bufs;
    let mut scratch = Scratch::new(scratch);
    decide_inner(
        cx,
        now,
        pending_id,
        approval,
        request_event_json,
        keys,
        entropy,
        state,
        &mut scratch,
        out,
    )
}

#[allow(clippy::too_many_arguments)]
fn decide_inner<'b, K: KeySource + ?Sized>(
    curve: &Context<'_>,
    now: u64,
    pending_id: &[u8; 32],
    approval: Approval,
    request_event_json: &[u8],
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    scratch: &mut Scratch<'_>,
    out: &'b mut [u8],
) -> Result<Outcome<'b>, Error> {
    let Some(pi) = state.pending_index(pending_id) else {
        return Ok(Outcome::Ignore(IgnoreReason::NotPending));
    };
    let Some(pending) = state.pending.get(pi).cloned() else {
        return Ok(Outcome::Ignore(IgnoreReason::NotPending));
    };
    let Some(acct_idx) = state.account_index(&pending.account) else {
        return Ok(Outcome::Ignore(IgnoreReason::NotPending));
    };
    let Some(account) = state.accounts.get(acct_idx) else {
        return Ok(Outcome::Ignore(IgnoreReason::NotPending));
    };
    let Held {
        transport,
        client_pk,
        crypto,
        act,
    } = Held::load(curve, keys, account, &pending, now, Verdict::Rejected)?;
    let stored_id = RpcId::Plain(&pending.rpc_id);
    let step = if now >= pending.expires_at {
        error_step(out, stored_id, E_TIMEOUT, act, Verdict::Expired)?
    } else if approval == Approval::Deny {
        error_step(out, stored_id, E_REJECTED, act, Verdict::Rejected)?
    } else {
        const MISMATCH: Error = Error::Malformed("request does not match the pending approval");
        let ev = Event::parse(request_event_json).map_err(|_| MISMATCH)?;
        if ev.id != pending.id
            || ev.pubkey != pending.client
            || event::verify_with(curve, &ev).is_err()
        {
            return Err(MISMATCH);
        }
        let (plain, param, result) = scratch.regions(ev.content.raw().len())?;
        let plaintext = open_content(ev.content, &crypto, plain, result).map_err(|_| MISMATCH)?;
        let env = Envelope::parse(plaintext).map_err(|_| MISMATCH)?;
        if !env.id.eq_str(&pending.rpc_id) || scheme_of(ev.content) != pending.scheme {
            return Err(MISMATCH);
        }
        let cx = Cx {
            now,
            account,
            client: pending.client,
            paired: state.client_of(&pending.account, &pending.client),
            clients_full: true,
            keys,
            curve,
            transport: &transport,
            entropy,
            approved: true,
            request_id: pending.id,
            scheme: pending.scheme,
            pending_full: true,
        };
        process(
            &cx,
            &env,
            param,
            result,
            response_region(out, pending.scheme)?,
        )?
    };
    let Step::Reply {
        len,
        change,
        activity,
    } = step
    else {
        // `approved` requests are never held again.
        return Err(Error::Malformed("approved request asked again"));
    };
    let event_json = seal(
        curve, now, &transport, &client_pk, &crypto, entropy, len, scratch, out,
    )?;
    let relays = reply_relays(state, &pending.account, &pending.client);
    state.pending.retain(|p| &p.id != pending_id);
    apply(state, &pending.account, &pending.client, change, now);
    Ok(Outcome::Respond(Reply {
        event_json,
        relays,
        activity,
    }))
}

/// Answer one held request whose time is up with the error "approval timed out" (INTEROP 6).
/// Call it in a loop on every wake until it returns `Ok(None)`; [`State::next_expiry`] says
/// when the next one is due.
///
/// `Err` (state untouched): buffers too small or [`Error::KeyUnavailable`].
pub fn expire<'b, K: KeySource + ?Sized>(
    now: u64,
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    bufs: Buffers<'b>,
) -> Result<Option<Reply<'b>>, Error> {
    Context::with(&context_seed(entropy), |cx| {
        expire_in(cx, now, keys, entropy, state, bufs)
    })
}

/// [`expire`] in the caller's curve context (see [`handle_request_in`]).
pub fn expire_in<'b, K: KeySource + ?Sized>(
    cx: &Context<'_>,
    now: u64,
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    bufs: Buffers<'b>,
) -> Result<Option<Reply<'b>>, Error> {
    check_buffers(&bufs)?;
    let Buffers { scratch, out } = bufs;
    let mut scratch = Scratch::new(scratch);
    expire_inner(cx, now, keys, entropy, state, &mut scratch, out)
}

fn expire_inner<'b, K: KeySource + ?Sized>(
    curve: &Context<'_>,
    now: u64,
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    scratch: &mut Scratch<'_>,
    out: &'b mut [u8],
) -> Result<Option<Reply<'b>>, Error> {
    // Held requests of removed accounts cannot be answered (no key) and are skipped; normally
    // there are none ([`State::remove_account`] drops them).
    let Some(pending) = state
        .pending
        .iter()
        .filter(|p| p.expires_at <= now && state.account_index(&p.account).is_some())
        .min_by_key(|p| p.expires_at)
        .cloned()
    else {
        return Ok(None);
    };
    let Some(account) = state
        .account_index(&pending.account)
        .and_then(|i| state.accounts.get(i))
    else {
        return Ok(None);
    };
    let Held {
        transport,
        client_pk,
        crypto,
        act,
    } = Held::load(curve, keys, account, &pending, now, Verdict::Expired)?;
    let Step::Reply { len, activity, .. } = error_step(
        out,
        RpcId::Plain(&pending.rpc_id),
        E_TIMEOUT,
        act,
        Verdict::Expired,
    )?
    else {
        return Ok(None);
    };
    let event_json = seal(
        curve, now, &transport, &client_pk, &crypto, entropy, len, scratch, out,
    )?;
    let relays = reply_relays(state, &pending.account, &pending.client);
    state.pending.retain(|p| p.id != pending.id);
    Ok(Some(Reply {
        event_json,
        relays,
        activity,
    }))
}

/// The user approved a `nostrconnect://` URI for `account` at `trust`: pair the client (its
/// permissions seeded from the URI's `perms`, its relays and name recorded; an already paired
/// client is re-paired with these) and write the connect response whose `result` is exactly
/// the URI's secret (INTEROP 12), NIP-44 encrypted and signed by the transport key.
///
/// The caller publishes `event_json` to every relay of the URI, and again a few times (the
/// client may still be subscribing); it is the same bytes each time.
///
/// `Err` (state untouched): a URI that does not parse, an unknown account
/// ([`Error::NotFound`]), [`MAX_CLIENTS`] reached
/// ([`Error::TooLarge`]), [`Error::KeyUnavailable`], buffers too small.
#[allow(clippy::too_many_arguments)]
pub fn approve_nostrconnect<'b, K: KeySource + ?Sized>(
    now: u64,
    uri: &str,
    account: &PublicKey,
    trust: TrustLevel,
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    bufs: Buffers<'b>,
) -> Result<Reply<'b>, Error> {
    Context::with(&context_seed(entropy), |cx| {
        approve_nostrconnect_in(cx, now, uri, account, trust, keys, entropy, state, bufs)
    })
}

/// [`approve_nostrconnect`] in the caller's curve context (see [`handle_request_in`]).
#[allow(clippy::too_many_arguments)]
pub fn approve_nostrconnect_in<'b, K: KeySource + ?Sized>(
    cx: &Context<'_>,
    now: u64,
    uri: &str,
    account: &PublicKey,
    trust: TrustLevel,
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    bufs: Buffers<'b>,
) -> Result<Reply<'b>, Error> {
    check_buffers(&bufs)?;
    let Buffers { scratch, out } = bufs;
    let mut scratch = Scratch::new(scratch);
    approve_nostrconnect_inner(
        cx,
        now,
        uri,
        account,
        trust,
        keys,
        entropy,
        state,
        &mut scratch,
        out,
    )
}

#[allow(clippy::too_many_arguments)]
fn approve_nostrconnect_inner<'b, K: KeySource + ?Sized>(
    curve: &Context<'_>,
    now: u64,
    uri: &str,
    account: &PublicKey,
    trust: TrustLevel,
    keys: &K,
    entropy: &Entropy,
    state: &mut State,
    scratch: &mut Scratch<'_>,
    out: &'b mut [u8],
) -> Result<Reply<'b>, Error> {
    let uri = NostrConnectUri::parse(uri)?;
    let acct_idx = state
        .account_index(account.as_bytes())
        .ok_or(Error::NotFound("account"))?;
    let acct = state
        .accounts
        .get(acct_idx)
        .ok_or(Error::NotFound("account"))?;
    let client_key = *uri.client.as_bytes();
    let user = *acct.user.as_bytes();
    if state.client_of(&user, &client_key).is_none() && state.client_count(&user) >= MAX_CLIENTS {
        return Err(Error::TooLarge("paired clients"));
    }
    let transport = fetch_key(curve, keys, &acct.transport).ok_or(Error::KeyUnavailable)?;
    let client = new_client(
        user,
        client_key,
        &uri.metadata,
        ClientPerms::seeded(trust, &uri.perms, &acct.protected),
        uri.relays.clone(),
        now,
    );
    let id_bytes = derive::<8>(b"clave/nip46/nostrconnect/id", &entropy.nonce);
    let id_hex: [u8; 16] = hex::encode_array(&id_bytes);
    let id = core::str::from_utf8(&id_hex).map_err(|_| Error::Malformed("hex"))?;
    let (len, overflow) = write_body(out, RpcId::Plain(id), Body::Result(&uri.secret))?;
    if overflow.is_some() {
        return Err(Error::TooLarge("nostrconnect secret"));
    }
    let crypto = Crypto::new(Scheme::Nip44, &transport, &uri.client);
    let activity = Activity {
        at: now,
        account: *acct.user.as_bytes(),
        client: client_key,
        method: Method::Connect,
        kind: None,
        verdict: Verdict::Paired,
        error: None,
    };
    let event_json = seal(
        curve,
        now,
        &transport,
        &uri.client,
        &crypto,
        entropy,
        len,
        scratch,
        out,
    )?;
    let relays = publish_relays(&uri.relays, &acct.relays);
    apply(
        state,
        &user,
        &client_key,
        Change::Pair {
            client,
            rotate: None,
        },
        now,
    );
    Ok(Reply {
        event_json,
        relays,
        activity,
    })
}
