//! The signer's whole persistent state as one bounded, versioned value.
//!
//! The iOS Notification Service Extension is a fresh process per push, so everything the signer
//! needs between two requests lives here: accounts (user key, transport key, bunker secret,
//! relays, protected kinds, default trust), their paired clients (metadata, permissions,
//! relays, times), held requests awaiting the user, and the ids of recently seen requests (the
//! replay window). The shell loads it with [`State::decode`], passes it to the
//! [`signer`](super::signer) functions, and stores [`State::encode`]'s bytes afterwards.
//!
//! [`State`] is a plain fixed-size value (no heap): `size_of::<State>()` is 225 472 bytes on
//! 64-bit targets (checked in tests), so FFI layers should box it (`Box::new(State::new())`,
//! then [`State::decode_into`]) rather than move it around on small stacks. Its encoding is
//! much smaller in practice (about 1 KB per account and 100–300 bytes per paired client plus
//! 40 bytes per remembered request id) and never larger than [`State::MAX_ENCODED_LEN`]
//! (217 019 bytes).
//!
//! # Bounds
//!
//! [`MAX_ACCOUNTS`] accounts, [`MAX_CLIENTS`] clients per account, [`MAX_PENDING`] held
//! requests, [`MAX_SEEN`] remembered request ids. The replay window keeps an id until its
//! window ends; when more than [`MAX_SEEN`] requests arrive within one window (only a flood
//! does that) the entry whose window ends first — of several ending together, the one seen
//! first — is forgotten, and a replay of it would be answered again (as a new request, with the
//! client's current permissions).
//!
//! # Encoding (version 1)
//!
//! `"CLVS"`, version `u16`, body length `u32`, body, SHA-256 of everything before it. All
//! integers big-endian. Decoding checks the magic, the version (anything but
//! [`STATE_VERSION`] is [`Error::UnsupportedStateVersion`]), the length, the checksum and then
//! every field (capacities, UTF-8, curve points, sorted permission tables, no trailing bytes):
//! corrupt or truncated input is an error, never a panic and never a partial state.
//!
//! ```
//! use signer_core::keys::SecretKey;
//! use signer_core::nip46::perms::TrustLevel;
//! use signer_core::nip46::state::State;
//!
//! let user = SecretKey::from_bytes(&[1u8; 32])?.public_key();
//! let mut state = State::new();
//! state.add_account(&user, None, &["wss://relay.example.com"], TrustLevel::Medium, &[9u8; 16])?;
//! let mut buf = [0u8; 512];
//! let n = state.encode(&mut buf)?;
//! let back = State::decode(&buf[..n])?;
//! assert_eq!(back, state);
//! # Ok::<(), signer_core::Error>(())
//! ```

use core::fmt;

use heapless::{String, Vec};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::perms::{
    self, CLIENT_PERMS_MAX_ENCODED_LEN, ClientPerms, Decision, Method,
    PROTECTED_KINDS_MAX_ENCODED_LEN, ProtectedKinds, TrustLevel,
};
use super::uri::{
    self, BUNKER_SECRET_LEN, MAX_APP_URL_LEN, MAX_NAME_LEN, MAX_RELAY_URL_LEN, MAX_RELAYS,
    RelayUrl, Relays,
};
use crate::Error;
use crate::keys::PublicKey;

/// Most accounts (user keys) one state holds.
pub const MAX_ACCOUNTS: usize = 4;
/// Most paired clients per account. A `connect` beyond it gets an error reply.
pub const MAX_CLIENTS: usize = 16;
/// Most requests held for the user at once (all accounts). An `Ask` beyond it gets an error
/// reply instead of being held.
pub const MAX_PENDING: usize = 16;
/// Most request ids remembered for the replay window. When full, the entry closest to the end
/// of its window is forgotten first (of several ending together, the one seen first).
pub const MAX_SEEN: usize = 512;
/// Longest JSON-RPC request id kept for a held request (nostr-tools, NDK and rust-nostr send
/// 8–36 characters). A request that must be held with a longer id gets an error reply.
pub const MAX_RPC_ID_LEN: usize = 64;
/// Most paired clients in one state: [`MAX_CLIENTS`] for each of [`MAX_ACCOUNTS`].
pub const MAX_TOTAL_CLIENTS: usize = MAX_ACCOUNTS * MAX_CLIENTS;
/// The encoding version this build reads and writes.
pub const STATE_VERSION: u16 = 1;

const MAGIC: &[u8; 4] = b"CLVS";
const HEADER_LEN: usize = 4 + 2 + 4;
const CHECKSUM_LEN: usize = 32;

const CORRUPT: Error = Error::Malformed("state");

/// The encryption scheme of a request, used again for its reply (INTEROP 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// NIP-44 v2.
    Nip44,
    /// NIP-04 (a payload containing `?iv=`).
    Nip04,
}

/// A paired client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub(crate) account: [u8; 32],
    pub(crate) pubkey: [u8; 32],
    pub(crate) name: String<MAX_NAME_LEN>,
    pub(crate) url: String<MAX_APP_URL_LEN>,
    pub(crate) perms: ClientPerms,
    pub(crate) relays: Relays,
    pub(crate) paired_at: u64,
    pub(crate) last_seen: u64,
}

impl Client {
    /// The user key of the account it is paired with.
    pub fn account(&self) -> &[u8; 32] {
        &self.account
    }

    /// The client's public key.
    pub fn pubkey(&self) -> &[u8; 32] {
        &self.pubkey
    }

    /// Display name (from the client's metadata or the shell's [`State::rename_client`]);
    /// empty if unknown.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The client's URL from its metadata; empty if unknown.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its permissions.
    pub fn perms(&self) -> &ClientPerms {
        &self.perms
    }

    /// The relays this client was last told about (the `nostrconnect://` relays or the
    /// account's relays); replies to it should go there and to the account's relays.
    pub fn relays(&self) -> &[RelayUrl] {
        &self.relays
    }

    /// When it paired, unix seconds.
    pub fn paired_at(&self) -> u64 {
        self.paired_at
    }

    /// When it last sent a request that was handled, unix seconds.
    pub fn last_seen(&self) -> u64 {
        self.last_seen
    }
}

/// One user key, its transport key, bunker secret, relays and policy defaults. (Its clients
/// are listed by [`State::clients`].) `Debug` redacts the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub(crate) user: PublicKey,
    pub(crate) transport: PublicKey,
    pub(crate) secret: String<BUNKER_SECRET_LEN>,
    pub(crate) relays: Relays,
    pub(crate) protected: ProtectedKinds,
    pub(crate) default_trust: TrustLevel,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("user", &self.user)
            .field("transport", &self.transport)
            .field("secret", &"..")
            .field("relays", &self.relays)
            .field("protected", &self.protected)
            .field("default_trust", &self.default_trust)
            .finish()
    }
}

impl Account {
    /// The user key (what `get_public_key` returns and `sign_event` signs with).
    pub fn user(&self) -> &PublicKey {
        &self.user
    }

    /// The remote-signer (transport) key: requests `p`-tag it, replies are signed by it.
    /// Equal to [`user`](Self::user) unless the account was added with a separate one.
    pub fn transport(&self) -> &PublicKey {
        &self.transport
    }

    /// The current single-use bunker secret.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The account's relays.
    pub fn relays(&self) -> &[RelayUrl] {
        &self.relays
    }

    /// Kinds that Medium trust asks for.
    pub fn protected(&self) -> &ProtectedKinds {
        &self.protected
    }

    /// Trust level given to newly paired clients.
    pub fn default_trust(&self) -> TrustLevel {
        self.default_trust
    }

    /// Whether `candidate` is the current secret (constant time in the secret's content).
    pub(crate) fn secret_matches(&self, candidate: &[u8]) -> bool {
        let ours = self.secret.as_bytes();
        ours.len() == candidate.len() && bool::from(ours.ct_eq(candidate))
    }

    /// Write this account's `bunker://` URI (transport key, relays, current secret) into `out`.
    pub fn bunker_uri(&self, out: &mut [u8]) -> Result<usize, Error> {
        let mut list: Vec<&str, MAX_RELAYS> = Vec::new();
        for r in &self.relays {
            list.push(r.as_str())
                .map_err(|_| Error::TooLarge("relays"))?;
        }
        uri::write_bunker_uri(&self.transport, &list, &self.secret, out)
    }
}

/// A request held for the user. The shell keeps the raw request event (e.g. in an App Group
/// file named by [`id`](Self::id)) and hands it back to [`decide`](super::signer::decide).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub(crate) id: [u8; 32],
    pub(crate) account: [u8; 32],
    pub(crate) client: [u8; 32],
    pub(crate) method: Method,
    pub(crate) kind: Option<u16>,
    pub(crate) rpc_id: String<MAX_RPC_ID_LEN>,
    pub(crate) scheme: Scheme,
    pub(crate) expires_at: u64,
}

impl Pending {
    /// The request event's id: the handle for [`decide`](super::signer::decide).
    pub fn id(&self) -> &[u8; 32] {
        &self.id
    }

    /// The account's user key.
    pub fn account(&self) -> &[u8; 32] {
        &self.account
    }

    /// The client's key.
    pub fn client(&self) -> &[u8; 32] {
        &self.client
    }

    /// The method asked for.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The kind, for `sign_event`.
    pub fn kind(&self) -> Option<u16> {
        self.kind
    }

    /// The JSON-RPC id the eventual reply carries.
    pub fn rpc_id(&self) -> &str {
        &self.rpc_id
    }

    /// The scheme the eventual reply uses.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// When [`expire`](super::signer::expire) answers it with an error, unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }
}

/// One remembered request id and the time after which a replay of it is stale anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    pub(crate) id: [u8; 32],
    pub(crate) until: u64,
}

/// The signer's persistent state. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    pub(crate) accounts: Vec<Account, MAX_ACCOUNTS>,
    /// Paired clients of all accounts, in pairing order (flat, so that no value larger than
    /// one client is ever built on the stack).
    pub(crate) clients: Vec<Client, MAX_TOTAL_CLIENTS>,
    pub(crate) pending: Vec<Pending, MAX_PENDING>,
    pub(crate) seen: Vec<Seen, MAX_SEEN>,
}

/// Validate and deduplicate a relay list (1..=[`MAX_RELAYS`] `wss://`/`ws://` URLs).
pub(crate) fn relay_list(relays: &[&str]) -> Result<Relays, Error> {
    if relays.is_empty() {
        return Err(Error::Malformed("missing relay"));
    }
    let mut out = Relays::new();
    for r in relays {
        if r.len() > MAX_RELAY_URL_LEN {
            return Err(Error::TooLarge("relay url"));
        }
        uri::check_relay(r)?;
        if out.iter().any(|have| have.as_str() == *r) {
            continue;
        }
        let mut url = RelayUrl::new();
        url.push_str(r).map_err(|_| Error::TooLarge("relay url"))?;
        out.push(url).map_err(|_| Error::TooLarge("relays"))?;
    }
    Ok(out)
}

/// Copy `s` into a bounded string, or `TooLarge(what)`.
pub(crate) fn bounded<const N: usize>(s: &str, what: &'static str) -> Result<String<N>, Error> {
    let mut out = String::new();
    out.push_str(s).map_err(|_| Error::TooLarge(what))?;
    Ok(out)
}

const NO_ACCOUNT: Error = Error::NotFound("account");
const NO_CLIENT: Error = Error::NotFound("client");

impl State {
    /// Largest [`encode`](Self::encode) output.
    pub const MAX_ENCODED_LEN: usize = HEADER_LEN + BODY_MAX_LEN + CHECKSUM_LEN;

    /// No accounts, nothing pending, nothing seen.
    pub fn new() -> Self {
        Self::default()
    }

    // -----------------------------------------------------------------------------------------
    // Accounts

    /// Add an account for `user`, reachable through `transport` (`None`: the user key itself,
    /// the default that every client handles; INTEROP 15), on `relays`, giving new clients
    /// `default_trust`, with a fresh bunker secret from `secret_entropy` and the default
    /// protected kinds.
    ///
    /// Errors: the user or transport key is already used by an account (two accounts cannot
    /// share a transport key: requests are routed by it), [`MAX_ACCOUNTS`], bad relays.
    pub fn add_account(
        &mut self,
        user: &PublicKey,
        transport: Option<&PublicKey>,
        relays: &[&str],
        default_trust: TrustLevel,
        secret_entropy: &[u8; 16],
    ) -> Result<(), Error> {
        let transport = *transport.unwrap_or(user);
        if self
            .accounts
            .iter()
            .any(|a| a.user == *user || a.transport == transport)
        {
            return Err(Error::Malformed("account already exists"));
        }
        let account = Account {
            user: *user,
            transport,
            secret: uri::bunker_secret(secret_entropy),
            relays: relay_list(relays)?,
            protected: ProtectedKinds::default(),
            default_trust,
        };
        self.accounts
            .push(account)
            .map_err(|_| Error::TooLarge("accounts"))
    }

    /// Remove the account of `user`, its clients and its held requests (they get no reply);
    /// whether it existed.
    pub fn remove_account(&mut self, user: &PublicKey) -> bool {
        let Some(i) = self.account_index(user.as_bytes()) else {
            return false;
        };
        self.accounts.remove(i);
        self.clients.retain(|c| &c.account != user.as_bytes());
        self.pending.retain(|p| &p.account != user.as_bytes());
        true
    }

    /// The accounts, in the order they were added.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// The account of `user`.
    pub fn account(&self, user: &PublicKey) -> Option<&Account> {
        self.accounts.iter().find(|a| a.user == *user)
    }

    pub(crate) fn account_index(&self, user: &[u8; 32]) -> Option<usize> {
        self.accounts.iter().position(|a| a.user.as_bytes() == user)
    }

    fn account_mut(&mut self, user: &PublicKey) -> Result<&mut Account, Error> {
        self.accounts
            .iter_mut()
            .find(|a| a.user == *user)
            .ok_or(NO_ACCOUNT)
    }

    /// Write the `bunker://` URI of `user`'s account into `out`; returns its length.
    pub fn bunker_uri(&self, user: &PublicKey, out: &mut [u8]) -> Result<usize, Error> {
        self.account(user).ok_or(NO_ACCOUNT)?.bunker_uri(out)
    }

    /// Replace the bunker secret (e.g. the user tapped "new connection link").
    pub fn rotate_secret(&mut self, user: &PublicKey, entropy: &[u8; 16]) -> Result<(), Error> {
        self.account_mut(user)?.secret = uri::bunker_secret(entropy);
        Ok(())
    }

    /// Replace the account's relays. Clients learn them through `switch_relays`.
    pub fn set_relays(&mut self, user: &PublicKey, relays: &[&str]) -> Result<(), Error> {
        let list = relay_list(relays)?;
        self.account_mut(user)?.relays = list;
        Ok(())
    }

    /// Replace the account's protected kinds.
    pub fn set_protected_kinds(
        &mut self,
        user: &PublicKey,
        protected: ProtectedKinds,
    ) -> Result<(), Error> {
        self.account_mut(user)?.protected = protected;
        Ok(())
    }

    /// Trust level for clients paired from now on.
    pub fn set_default_trust(&mut self, user: &PublicKey, trust: TrustLevel) -> Result<(), Error> {
        self.account_mut(user)?.default_trust = trust;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Clients

    /// The paired clients of `user`'s account, in pairing order.
    pub fn clients<'s>(&'s self, user: &'s PublicKey) -> impl Iterator<Item = &'s Client> + 's {
        self.clients
            .iter()
            .filter(move |c| &c.account == user.as_bytes())
    }

    /// The client `client` paired with `user`'s account.
    pub fn client(&self, user: &PublicKey, client: &[u8; 32]) -> Option<&Client> {
        self.client_of(user.as_bytes(), client)
    }

    pub(crate) fn client_of(&self, user: &[u8; 32], client: &[u8; 32]) -> Option<&Client> {
        self.clients
            .iter()
            .find(|c| &c.account == user && &c.pubkey == client)
    }

    pub(crate) fn client_count(&self, user: &[u8; 32]) -> usize {
        self.clients.iter().filter(|c| &c.account == user).count()
    }

    pub(crate) fn client_of_mut(
        &mut self,
        user: &[u8; 32],
        client: &[u8; 32],
    ) -> Option<&mut Client> {
        self.clients
            .iter_mut()
            .find(|c| &c.account == user && &c.pubkey == client)
    }

    fn client_mut(&mut self, user: &PublicKey, client: &[u8; 32]) -> Result<&mut Client, Error> {
        self.client_of_mut(user.as_bytes(), client).ok_or(NO_CLIENT)
    }

    /// Change a client's trust level (its overrides stay).
    pub fn set_client_trust(
        &mut self,
        user: &PublicKey,
        client: &[u8; 32],
        trust: TrustLevel,
    ) -> Result<(), Error> {
        self.client_mut(user, client)?.perms.set_trust(trust);
        Ok(())
    }

    /// Set or clear a client's `sign_event` override for `kind`.
    pub fn set_kind_override(
        &mut self,
        user: &PublicKey,
        client: &[u8; 32],
        kind: u16,
        decision: Option<Decision>,
    ) -> Result<(), Error> {
        self.client_mut(user, client)?
            .perms
            .set_kind_override(kind, decision)
    }

    /// Set or clear a client's override for one of the four encrypt/decrypt methods.
    pub fn set_method_override(
        &mut self,
        user: &PublicKey,
        client: &[u8; 32],
        method: Method,
        decision: Option<Decision>,
    ) -> Result<(), Error> {
        self.client_mut(user, client)?
            .perms
            .set_method_override(method, decision)
    }

    /// Replace a client's permissions wholesale.
    pub fn set_client_perms(
        &mut self,
        user: &PublicKey,
        client: &[u8; 32],
        perms: ClientPerms,
    ) -> Result<(), Error> {
        self.client_mut(user, client)?.perms = perms;
        Ok(())
    }

    /// Give a client a display name (at most [`MAX_NAME_LEN`] bytes).
    pub fn rename_client(
        &mut self,
        user: &PublicKey,
        client: &[u8; 32],
        name: &str,
    ) -> Result<(), Error> {
        let name = bounded(name, "client name")?;
        self.client_mut(user, client)?.name = name;
        Ok(())
    }

    /// Forget a client: its later requests are answered as unpaired. Its held requests stay
    /// and are answered with an error when decided or expired. Whether it was paired.
    pub fn unpair(&mut self, user: &PublicKey, client: &[u8; 32]) -> bool {
        let before = self.clients.len();
        self.clients
            .retain(|c| !(&c.account == user.as_bytes() && &c.pubkey == client));
        self.clients.len() != before
    }

    // -----------------------------------------------------------------------------------------
    // Pending and seen

    /// Requests held for the user, oldest first.
    pub fn pending(&self) -> &[Pending] {
        &self.pending
    }

    /// The earliest [`Pending::expires_at`], for scheduling the next
    /// [`expire`](super::signer::expire) call.
    pub fn next_expiry(&self) -> Option<u64> {
        self.pending.iter().map(|p| p.expires_at).min()
    }

    pub(crate) fn pending_index(&self, id: &[u8; 32]) -> Option<usize> {
        self.pending.iter().position(|p| &p.id == id)
    }

    pub(crate) fn has_seen(&self, id: &[u8; 32], now: u64) -> bool {
        self.seen.iter().any(|s| &s.id == id && s.until >= now)
    }

    /// Remember `id` until `until`: drop entries whose window has passed, then, if still full,
    /// the one whose window ends first. Infallible.
    pub(crate) fn remember(&mut self, id: [u8; 32], until: u64, now: u64) {
        // A read-only scan first: a busy signer's full window usually has nothing to drop, and
        // `retain` would rewrite all 512 entries (20 KB) on every request.
        if self.seen.iter().any(|s| s.until < now || s.id == id) {
            self.seen.retain(|s| s.until >= now && s.id != id);
        }
        if self.seen.is_full() {
            // `min_by_key` takes the first of equal windows, and `remove` (not `swap_remove`)
            // keeps insertion order, so among ids whose windows end together the one seen
            // longest ago goes: a flood within one second must not forget the newest id.
            let oldest = self
                .seen
                .iter()
                .enumerate()
                .min_by_key(|(_, s)| s.until)
                .map(|(i, _)| i);
            if let Some(i) = oldest {
                self.seen.remove(i);
            }
        }
        let _ = self.seen.push(Seen { id, until });
    }

    // -----------------------------------------------------------------------------------------
    // Encoding

    /// Write the versioned snapshot into `out` (at most [`Self::MAX_ENCODED_LEN`] bytes);
    /// returns its length. [`Error::BufferTooSmall`] if it does not fit.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let mut w = Writer {
            out,
            len: HEADER_LEN,
        };
        w.u8(self.accounts.len() as u8)?;
        for a in &self.accounts {
            w.put(a.user.as_bytes())?;
            w.put(a.transport.as_bytes())?;
            w.str8(&a.secret)?;
            w.relays(&a.relays)?;
            let mut buf = [0u8; PROTECTED_KINDS_MAX_ENCODED_LEN];
            let n = a.protected.encode_into(&mut buf)?;
            w.put(buf.get(..n).ok_or(CORRUPT)?)?;
            w.u8(trust_byte(a.default_trust))?;
        }
        w.u8(self.clients.len() as u8)?;
        for c in &self.clients {
            w.put(&c.account)?;
            w.put(&c.pubkey)?;
            w.str8(&c.name)?;
            w.str16(&c.url)?;
            let mut buf = [0u8; CLIENT_PERMS_MAX_ENCODED_LEN];
            let n = c.perms.encode_into(&mut buf)?;
            w.put(buf.get(..n).ok_or(CORRUPT)?)?;
            w.relays(&c.relays)?;
            w.u64(c.paired_at)?;
            w.u64(c.last_seen)?;
        }
        w.u8(self.pending.len() as u8)?;
        for p in &self.pending {
            w.put(&p.id)?;
            w.put(&p.account)?;
            w.put(&p.client)?;
            w.u8(method_byte(p.method))?;
            match p.kind {
                Some(k) => {
                    w.u8(1)?;
                    w.put(&k.to_be_bytes())?;
                }
                None => {
                    w.u8(0)?;
                    w.put(&[0, 0])?;
                }
            }
            w.str8(&p.rpc_id)?;
            w.u8(match p.scheme {
                Scheme::Nip44 => 0,
                Scheme::Nip04 => 1,
            })?;
            w.u64(p.expires_at)?;
        }
        w.put(&(self.seen.len() as u16).to_be_bytes())?;
        for s in &self.seen {
            w.put(&s.id)?;
            w.u64(s.until)?;
        }
        let body_len = u32::try_from(w.len.saturating_sub(HEADER_LEN)).map_err(|_| CORRUPT)?;
        let [m0, m1, m2, m3] = *MAGIC;
        let [v0, v1] = STATE_VERSION.to_be_bytes();
        let [l0, l1, l2, l3] = body_len.to_be_bytes();
        w.out
            .get_mut(..HEADER_LEN)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(&[m0, m1, m2, m3, v0, v1, l0, l1, l2, l3]);
        let digest: [u8; 32] = Sha256::digest(w.out.get(..w.len).ok_or(CORRUPT)?).into();
        w.put(&digest)?;
        Ok(w.len)
    }

    /// Read a snapshot written by [`encode`](Self::encode). Every malformation is an error:
    /// [`Error::UnsupportedStateVersion`] for another version, [`Error::Malformed`] or
    /// [`Error::TooLarge`] otherwise.
    ///
    /// This returns the (large) state by value; to decode straight into a boxed state use
    /// [`decode_into`](Self::decode_into).
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut state = Self::new();
        state.decode_into(bytes)?;
        Ok(state)
    }

    /// Like [`decode`](Self::decode), in place: no value larger than one client is built on the
    /// stack, so it suits a boxed state on a small thread stack. On error `self` is left
    /// empty ([`State::new`]), never half-read.
    pub fn decode_into(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.clear();
        let result = self.read(bytes);
        if result.is_err() {
            self.clear();
        }
        result
    }

    fn clear(&mut self) {
        self.accounts.clear();
        self.clients.clear();
        self.pending.clear();
        self.seen.clear();
    }

    fn read(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if bytes.len() > Self::MAX_ENCODED_LEN {
            return Err(Error::TooLarge("state"));
        }
        let mut r = Reader { b: bytes };
        if r.take(4)? != MAGIC {
            return Err(Error::Malformed("state magic"));
        }
        let version = r.u16()?;
        if version != STATE_VERSION {
            return Err(Error::UnsupportedStateVersion(version));
        }
        let body_len = usize::try_from(r.u32()?).map_err(|_| CORRUPT)?;
        if Some(bytes.len())
            != HEADER_LEN
                .checked_add(body_len)
                .and_then(|n| n.checked_add(CHECKSUM_LEN))
        {
            return Err(Error::Malformed("state length"));
        }
        let (signed, checksum) = bytes
            .split_at_checked(bytes.len().saturating_sub(CHECKSUM_LEN))
            .ok_or(CORRUPT)?;
        let digest: [u8; 32] = Sha256::digest(signed).into();
        if digest.as_slice() != checksum {
            return Err(Error::Malformed("state checksum"));
        }
        let mut r = Reader {
            b: signed.get(HEADER_LEN..).ok_or(CORRUPT)?,
        };
        let accounts = usize::from(r.u8()?);
        if accounts > MAX_ACCOUNTS {
            return Err(CORRUPT);
        }
        for _ in 0..accounts {
            let user = PublicKey::from_bytes(&r.array32()?).map_err(|_| CORRUPT)?;
            let transport = PublicKey::from_bytes(&r.array32()?).map_err(|_| CORRUPT)?;
            let secret = r.str8::<BUNKER_SECRET_LEN>()?;
            let relays = r.relays()?;
            let (protected, used) = ProtectedKinds::decode_prefix(r.b)?;
            r.take(used)?;
            let default_trust = trust_from(r.u8()?)?;
            if self
                .accounts
                .iter()
                .any(|a| a.user == user || a.transport == transport)
            {
                return Err(CORRUPT);
            }
            self.accounts
                .push(Account {
                    user,
                    transport,
                    secret,
                    relays,
                    protected,
                    default_trust,
                })
                .map_err(|_| CORRUPT)?;
        }
        let clients = usize::from(r.u8()?);
        if clients > MAX_TOTAL_CLIENTS {
            return Err(CORRUPT);
        }
        for _ in 0..clients {
            let account = r.array32()?;
            let pubkey = r.array32()?;
            if self.account_index(&account).is_none()
                || self.client_of(&account, &pubkey).is_some()
                || self.client_count(&account) >= MAX_CLIENTS
            {
                return Err(CORRUPT);
            }
            let name = r.str8::<MAX_NAME_LEN>()?;
            let url = r.str16::<MAX_APP_URL_LEN>()?;
            let (perms, used) = ClientPerms::decode_prefix(r.b)?;
            r.take(used)?;
            let relays = r.relays()?;
            let paired_at = r.u64()?;
            let last_seen = r.u64()?;
            self.clients
                .push(Client {
                    account,
                    pubkey,
                    name,
                    url,
                    perms,
                    relays,
                    paired_at,
                    last_seen,
                })
                .map_err(|_| CORRUPT)?;
        }
        let pending = usize::from(r.u8()?);
        if pending > MAX_PENDING {
            return Err(CORRUPT);
        }
        for _ in 0..pending {
            let id = r.array32()?;
            let account = r.array32()?;
            let client = r.array32()?;
            let method = method_from(r.u8()?)?;
            let kind = match (r.u8()?, r.u16()?) {
                (0, 0) => None,
                (1, k) => Some(k),
                _ => return Err(CORRUPT),
            };
            let rpc_id = r.str8::<MAX_RPC_ID_LEN>()?;
            let scheme = match r.u8()? {
                0 => Scheme::Nip44,
                1 => Scheme::Nip04,
                _ => return Err(CORRUPT),
            };
            let expires_at = r.u64()?;
            if self.pending_index(&id).is_some() {
                return Err(CORRUPT);
            }
            self.pending
                .push(Pending {
                    id,
                    account,
                    client,
                    method,
                    kind,
                    rpc_id,
                    scheme,
                    expires_at,
                })
                .map_err(|_| CORRUPT)?;
        }
        let seen = usize::from(r.u16()?);
        if seen > MAX_SEEN {
            return Err(CORRUPT);
        }
        for _ in 0..seen {
            let id = r.array32()?;
            let until = r.u64()?;
            self.seen.push(Seen { id, until }).map_err(|_| CORRUPT)?;
        }
        if !r.b.is_empty() {
            return Err(Error::Malformed("state: trailing bytes"));
        }
        Ok(())
    }
}

/// Upper bound of one encoded relay list.
const RELAYS_MAX_LEN: usize = 1 + MAX_RELAYS * (2 + MAX_RELAY_URL_LEN);
const CLIENT_MAX_LEN: usize = 32
    + 32
    + 1
    + MAX_NAME_LEN
    + 2
    + MAX_APP_URL_LEN
    + CLIENT_PERMS_MAX_ENCODED_LEN
    + RELAYS_MAX_LEN
    + 8
    + 8;
const ACCOUNT_MAX_LEN: usize =
    32 + 32 + 1 + BUNKER_SECRET_LEN + RELAYS_MAX_LEN + PROTECTED_KINDS_MAX_ENCODED_LEN + 1;
const PENDING_MAX_LEN: usize = 32 * 3 + 1 + 3 + 1 + MAX_RPC_ID_LEN + 1 + 8;
const BODY_MAX_LEN: usize = 1
    + MAX_ACCOUNTS * ACCOUNT_MAX_LEN
    + 1
    + MAX_TOTAL_CLIENTS * CLIENT_MAX_LEN
    + 1
    + MAX_PENDING * PENDING_MAX_LEN
    + 2
    + MAX_SEEN * 40;

fn trust_byte(t: TrustLevel) -> u8 {
    match t {
        TrustLevel::Full => 0,
        TrustLevel::Medium => 1,
        TrustLevel::Low => 2,
    }
}

fn trust_from(b: u8) -> Result<TrustLevel, Error> {
    match b {
        0 => Ok(TrustLevel::Full),
        1 => Ok(TrustLevel::Medium),
        2 => Ok(TrustLevel::Low),
        _ => Err(CORRUPT),
    }
}

/// Index in [`Method::ALL`]; `Unknown` (never held) maps past the end.
fn method_byte(m: Method) -> u8 {
    Method::ALL
        .iter()
        .position(|x| *x == m)
        .map_or(u8::MAX, |i| i as u8)
}

fn method_from(b: u8) -> Result<Method, Error> {
    Method::ALL.get(usize::from(b)).copied().ok_or(CORRUPT)
}

struct Writer<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self
            .len
            .checked_add(bytes.len())
            .ok_or(Error::BufferTooSmall)?;
        self.out
            .get_mut(self.len..end)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    fn u8(&mut self, v: u8) -> Result<(), Error> {
        self.put(&[v])
    }

    fn u64(&mut self, v: u64) -> Result<(), Error> {
        self.put(&v.to_be_bytes())
    }

    fn str8(&mut self, s: &str) -> Result<(), Error> {
        let len = u8::try_from(s.len()).map_err(|_| CORRUPT)?;
        self.u8(len)?;
        self.put(s.as_bytes())
    }

    fn str16(&mut self, s: &str) -> Result<(), Error> {
        let len = u16::try_from(s.len()).map_err(|_| CORRUPT)?;
        self.put(&len.to_be_bytes())?;
        self.put(s.as_bytes())
    }

    fn relays(&mut self, relays: &Relays) -> Result<(), Error> {
        self.u8(relays.len() as u8)?;
        for r in relays {
            self.str16(r)?;
        }
        Ok(())
    }
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.b.len() {
            return Err(Error::Malformed("state: truncated"));
        }
        let (head, tail) = self.b.split_at(n);
        self.b = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        let [b] = self.array::<1>()?;
        Ok(b)
    }

    fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn array32(&mut self) -> Result<[u8; 32], Error> {
        self.array()
    }

    fn string<const N: usize>(&mut self, len: usize) -> Result<String<N>, Error> {
        let s = core::str::from_utf8(self.take(len)?).map_err(|_| CORRUPT)?;
        bounded(s, "state string").map_err(|_| CORRUPT)
    }

    fn str8<const N: usize>(&mut self) -> Result<String<N>, Error> {
        let len = usize::from(self.u8()?);
        self.string(len)
    }

    fn str16<const N: usize>(&mut self) -> Result<String<N>, Error> {
        let len = usize::from(self.u16()?);
        self.string(len)
    }

    fn relays(&mut self) -> Result<Relays, Error> {
        let count = usize::from(self.u8()?);
        if count > MAX_RELAYS {
            return Err(CORRUPT);
        }
        let mut out = Relays::new();
        for _ in 0..count {
            out.push(self.str16::<MAX_RELAY_URL_LEN>()?)
                .map_err(|_| CORRUPT)?;
        }
        Ok(out)
    }
}

/// `perms::decide` for a paired client of `account`.
pub(crate) fn decide_for(
    account: &Account,
    client: &Client,
    method: Method,
    kind: Option<u16>,
) -> Decision {
    perms::decide(&client.perms, method, kind, &account.protected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: usize) -> [u8; 32] {
        let mut id = [0u8; 32];
        id[..8].copy_from_slice(&(n as u64).to_be_bytes());
        id
    }

    /// A flood within one window (every id's window ends at the same second) forgets the ids
    /// seen first, never the newest.
    #[test]
    fn a_full_window_forgets_the_oldest_of_equal_windows() {
        let mut s = State::new();
        let (now, until) = (1_000, 1_300);
        let flood = MAX_SEEN + 40;
        for n in 0..flood {
            s.remember(id(n), until, now);
        }
        assert_eq!(s.seen.len(), MAX_SEEN);
        for n in 0..flood {
            assert_eq!(s.has_seen(&id(n), now), n >= flood - MAX_SEEN, "id {n}");
        }
    }

    /// Otherwise the window ending first goes first, and expired entries make room.
    #[test]
    fn a_full_window_forgets_the_earliest_window_end() {
        let mut s = State::new();
        let now = 1_000;
        // Windows end at 2000, 1999, 1998, ...: the last ones remembered end first.
        for n in 0..MAX_SEEN {
            s.remember(id(n), 2_000 - n as u64, now);
        }
        s.remember(id(MAX_SEEN), 3_000, now);
        assert!(!s.has_seen(&id(MAX_SEEN - 1), now), "earliest end kept");
        assert!(s.has_seen(&id(0), now) && s.has_seen(&id(MAX_SEEN), now));
        // Past every old window: all of them are dropped, nothing else.
        s.remember(id(MAX_SEEN + 1), 3_000, 2_001);
        assert_eq!(s.seen.len(), 2);
    }
}
