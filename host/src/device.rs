//! The device: everything the signer needs except sockets.
//!
//! A [`Device`] owns the keystore, the boxed [`State`] (persisted to `state.bin` in its
//! directory after every change), the two buffers (allocated once), the held request events
//! (in memory and in `pending/<id>.json`) and an entropy source. Feed it request event bytes
//! from anywhere — a relay subscription, an APNs push payload, a proxy fetch — with
//! [`Device::handle_event`]; it returns an owned [`Action`] for the caller to carry out.
//!
//! Order of effects: the state (and a held request's bytes) reach the disk *before* the reply
//! is handed back for publishing, so a crash can never answer a request twice or lose one the
//! user has not decided yet.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use signer_core::keys::PublicKey;
use signer_core::nip46::perms::{Method, TrustLevel};
use signer_core::nip46::signer::IgnoreReason;
use signer_core::nip46::{
    self, Activity, Approval, Buffers, Entropy, OUT_LEN, Outcome, PendingApproval, Reply,
    SCRATCH_LEN, State,
};

use crate::keystore::MemoryKeystore;
use crate::{HostError, short_hex, store};

const STATE_FILE: &str = "state.bin";
const PENDING_DIR: &str = "pending";

/// Random bytes for the signer.
pub trait EntropySource: Send {
    /// Fill `buf` with fresh random bytes.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), HostError>;
}

/// The OS CSPRNG (`getrandom`).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsEntropy;

impl EntropySource for OsEntropy {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), HostError> {
        getrandom::fill(buf).map_err(|_| HostError::Entropy)
    }
}

/// The device's clock: unix seconds. Tests move time by passing their own.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// A signed reply event to publish.
#[derive(Debug, Clone)]
pub struct OutboundReply {
    /// The kind:24133 event JSON.
    pub event_json: String,
    /// Where signer-core says it must go (client relays, then the account's).
    pub relays: Vec<String>,
    /// What was done.
    pub activity: Activity,
}

/// A request held for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInfo {
    /// The request event id (what [`Device::approve`] and [`Device::deny`] take).
    pub id: [u8; 32],
    /// The account's user key.
    pub account: [u8; 32],
    /// The client's key.
    pub client: [u8; 32],
    /// The method asked for.
    pub method: Method,
    /// The kind of a `sign_event`.
    pub kind: Option<u16>,
    /// When it will be answered with "approval timed out".
    pub expires_at: u64,
}

impl PendingInfo {
    fn from_approval(p: &PendingApproval) -> Self {
        Self {
            id: p.id,
            account: p.account,
            client: p.client,
            method: p.method,
            kind: p.kind,
            expires_at: p.expires_at,
        }
    }

    /// The id as lowercase hex.
    pub fn id_hex(&self) -> String {
        hex::encode(self.id)
    }
}

/// What to do after an inbound event or a decision.
#[derive(Debug, Clone)]
pub enum Action {
    /// Publish this reply.
    Publish(OutboundReply),
    /// Held for the user: show it; answer with [`Device::approve`] / [`Device::deny`].
    Held(PendingInfo),
    /// Nothing to send.
    Ignored(IgnoreReason),
}

/// The signer with its keys, state, buffers and entropy; no sockets.
pub struct Device {
    dir: PathBuf,
    keys: MemoryKeystore,
    state: Box<State>,
    scratch: Vec<u8>,
    out: Vec<u8>,
    encoded: Vec<u8>,
    entropy: Box<dyn EntropySource>,
    held: HashMap<[u8; 32], Vec<u8>>,
    clock: Clock,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("dir", &self.dir)
            .field("keys", &self.keys)
            .field("accounts", &self.state.accounts().len())
            .field("held", &self.held.len())
            .finish_non_exhaustive()
    }
}

impl Device {
    /// Open the device whose state lives in `dir` (created if missing): loads `state.bin` and
    /// the held request events, or starts empty. Uses the OS entropy and the system clock.
    pub fn open(dir: impl AsRef<Path>, keys: MemoryKeystore) -> Result<Self, HostError> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(dir.join(PENDING_DIR))?;
        let mut state = Box::new(State::new());
        if let Some(bytes) = store::read_optional(&dir.join(STATE_FILE))? {
            state.decode_into(&bytes)?;
        }
        let mut held = HashMap::new();
        for p in state.pending() {
            let path = dir
                .join(PENDING_DIR)
                .join(format!("{}.json", hex::encode(p.id())));
            if let Some(bytes) = store::read_optional(&path)? {
                held.insert(*p.id(), bytes);
            }
        }
        // Files of requests the state no longer holds (decided, expired) are leftovers.
        for entry in std::fs::read_dir(dir.join(PENDING_DIR))? {
            let path = entry?.path();
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let known = held.keys().any(|id| hex::encode(id) == stem);
            if !known {
                store::remove_durable(&path)?;
            }
        }
        Ok(Self {
            dir,
            keys,
            state,
            scratch: vec![0; SCRATCH_LEN],
            out: vec![0; OUT_LEN],
            encoded: vec![0; State::MAX_ENCODED_LEN],
            entropy: Box::new(OsEntropy),
            held,
            clock: Arc::new(crate::unix_now),
        })
    }

    /// Replace the entropy source.
    pub fn with_entropy(mut self, entropy: Box<dyn EntropySource>) -> Self {
        self.entropy = entropy;
        self
    }

    /// Replace the clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The current time by the device's clock.
    pub fn now(&self) -> u64 {
        (self.clock)()
    }

    /// The state directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The signer state (read-only; change it through the methods below).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The keystore's public keys.
    pub fn public_keys(&self) -> Vec<PublicKey> {
        self.keys.public_keys()
    }

    /// Change the state with `f` and persist it.
    pub fn update_state<T>(
        &mut self,
        f: impl FnOnce(&mut State) -> Result<T, signer_core::Error>,
    ) -> Result<T, HostError> {
        let mut next = self.state.clone();
        let r = f(&mut next)?;
        self.state = next;
        self.persist()?;
        Ok(r)
    }

    /// Add an account for `user` (whose key must be in the keystore) on `relays`, transport
    /// key = user key, new clients trusted at `trust`; persisted.
    pub fn add_account(
        &mut self,
        user: &PublicKey,
        relays: &[&str],
        trust: TrustLevel,
    ) -> Result<(), HostError> {
        if !self.keys.public_keys().contains(user) {
            return Err(HostError::NotFound("key for account"));
        }
        let mut secret = [0u8; 16];
        self.entropy.fill(&mut secret)?;
        self.update_state(|s| s.add_account(user, None, relays, trust, &secret))
    }

    /// The `bunker://` URI of `user`'s account (the first account when `None`).
    pub fn bunker_uri(&self, user: Option<&PublicKey>) -> Result<String, HostError> {
        let account = match user {
            Some(u) => self.state.account(u),
            None => self.state.accounts().first(),
        }
        .ok_or(HostError::NotFound("account"))?;
        let mut buf = vec![0u8; signer_core::nip46::uri::MAX_URI_LEN];
        let n = account.bunker_uri(&mut buf)?;
        buf.truncate(n);
        String::from_utf8(buf).map_err(|_| HostError::Corrupt("bunker uri"))
    }

    /// The transport keys requests are addressed to (the `#p` filter).
    pub fn transport_pubkeys(&self) -> Vec<[u8; 32]> {
        self.state
            .accounts()
            .iter()
            .map(|a| *a.transport().as_bytes())
            .collect()
    }

    /// Every relay the signer should listen on: the accounts' and the paired clients'.
    pub fn relays(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for a in self.state.accounts() {
            for r in a.relays() {
                push_unique(&mut out, r.as_str());
            }
            for c in self.state.clients(a.user()) {
                for r in c.relays() {
                    push_unique(&mut out, r.as_str());
                }
            }
        }
        out
    }

    /// Held requests, oldest first.
    pub fn pending(&self) -> Vec<PendingInfo> {
        self.state
            .pending()
            .iter()
            .map(|p| PendingInfo {
                id: *p.id(),
                account: *p.account(),
                client: *p.client(),
                method: p.method(),
                kind: p.kind(),
                expires_at: p.expires_at(),
            })
            .collect()
    }

    /// When [`expire_due`](Self::expire_due) next has work.
    pub fn next_expiry(&self) -> Option<u64> {
        self.state.next_expiry()
    }

    fn entropy(&mut self) -> Result<Entropy, HostError> {
        let mut e = Entropy {
            aux: [0; 32],
            nonce: [0; 32],
            iv: [0; 16],
            secret: [0; 16],
        };
        self.entropy.fill(&mut e.aux)?;
        self.entropy.fill(&mut e.nonce)?;
        self.entropy.fill(&mut e.iv)?;
        self.entropy.fill(&mut e.secret)?;
        Ok(e)
    }

    fn persist(&mut self) -> Result<(), HostError> {
        let n = self.state.encode(&mut self.encoded)?;
        store::write_atomic(&self.dir.join(STATE_FILE), &self.encoded[..n])?;
        Ok(())
    }

    fn pending_path(&self, id: &[u8; 32]) -> PathBuf {
        self.dir
            .join(PENDING_DIR)
            .join(format!("{}.json", hex::encode(id)))
    }

    /// Handle one inbound request event (as received) at the device's clock time.
    pub fn handle_event(&mut self, event_json: &[u8]) -> Result<Action, HostError> {
        let now = self.now();
        self.handle_event_at(now, event_json)
    }

    /// Handle one inbound request event at `now`.
    pub fn handle_event_at(&mut self, now: u64, event_json: &[u8]) -> Result<Action, HostError> {
        let entropy = self.entropy()?;
        let bufs = Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        };
        let outcome =
            nip46::handle_request(now, event_json, &self.keys, &entropy, &mut self.state, bufs)?;
        let action = match outcome {
            Outcome::Respond(reply) => Action::Publish(owned(&reply)),
            Outcome::Ask(p) => Action::Held(PendingInfo::from_approval(&p)),
            Outcome::Ignore(reason) => Action::Ignored(reason),
        };
        match &action {
            Action::Publish(r) => {
                log_activity(&r.activity);
                self.persist()?;
            }
            Action::Held(p) => {
                log_held(p);
                store::write_atomic(&self.pending_path(&p.id), event_json)?;
                self.held.insert(p.id, event_json.to_vec());
                self.persist()?;
            }
            Action::Ignored(reason) => tracing::debug!(?reason, "request ignored"),
        }
        Ok(action)
    }

    /// The user approved held request `id`.
    pub fn approve(&mut self, id: &[u8; 32]) -> Result<Action, HostError> {
        self.decide(id, Approval::Approve)
    }

    /// The user denied held request `id` ("user rejected").
    pub fn deny(&mut self, id: &[u8; 32]) -> Result<Action, HostError> {
        self.decide(id, Approval::Deny)
    }

    fn decide(&mut self, id: &[u8; 32], approval: Approval) -> Result<Action, HostError> {
        let now = self.now();
        let entropy = self.entropy()?;
        let empty = Vec::new();
        let request = match approval {
            Approval::Approve => match self.held.get(id) {
                Some(b) => b,
                None if self.state.pending().iter().any(|p| p.id() == id) => {
                    return Err(HostError::NotFound("held request bytes"));
                }
                None => &empty,
            },
            Approval::Deny => &empty,
        };
        let bufs = Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        };
        let outcome = nip46::decide(
            now,
            id,
            approval,
            request,
            &self.keys,
            &entropy,
            &mut self.state,
            bufs,
        )?;
        let action = match outcome {
            Outcome::Respond(reply) => Action::Publish(owned(&reply)),
            Outcome::Ask(p) => Action::Held(PendingInfo::from_approval(&p)),
            Outcome::Ignore(reason) => Action::Ignored(reason),
        };
        if let Action::Publish(r) = &action {
            log_activity(&r.activity);
        }
        self.persist()?;
        if !self.state.pending().iter().any(|p| p.id() == id) {
            self.held.remove(id);
            store::remove_durable(&self.pending_path(id))?;
        }
        Ok(action)
    }

    /// Answer every held request whose time is up ("approval timed out").
    pub fn expire_due(&mut self) -> Result<Vec<OutboundReply>, HostError> {
        let now = self.now();
        let mut replies = Vec::new();
        while self.state.next_expiry().is_some_and(|t| t <= now) {
            let entropy = self.entropy()?;
            let bufs = Buffers {
                scratch: &mut self.scratch,
                out: &mut self.out,
            };
            let Some(reply) = nip46::expire(now, &self.keys, &entropy, &mut self.state, bufs)?
            else {
                break;
            };
            let reply = owned(&reply);
            log_activity(&reply.activity);
            replies.push(reply);
        }
        if !replies.is_empty() {
            self.persist()?;
            let live: Vec<[u8; 32]> = self.state.pending().iter().map(|p| *p.id()).collect();
            let gone: Vec<[u8; 32]> = self
                .held
                .keys()
                .filter(|id| !live.contains(id))
                .copied()
                .collect();
            for id in gone {
                self.held.remove(&id);
                store::remove_durable(&self.pending_path(&id))?;
            }
        }
        Ok(replies)
    }

    /// The user approved a `nostrconnect://` URI for `account` (the first account when
    /// `None`) at `trust`: pairs the client and returns the connect response, to be published
    /// to the URI's relays (`relays` of the reply), several times.
    pub fn pair_nostrconnect(
        &mut self,
        uri: &str,
        account: Option<&PublicKey>,
        trust: TrustLevel,
    ) -> Result<OutboundReply, HostError> {
        let now = self.now();
        let account = match account {
            Some(a) => *a,
            None => *self
                .state
                .accounts()
                .first()
                .ok_or(HostError::NotFound("account"))?
                .user(),
        };
        let entropy = self.entropy()?;
        let bufs = Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        };
        let reply = nip46::approve_nostrconnect(
            now,
            uri,
            &account,
            trust,
            &self.keys,
            &entropy,
            &mut self.state,
            bufs,
        )?;
        let reply = owned(&reply);
        log_activity(&reply.activity);
        self.persist()?;
        Ok(reply)
    }
}

fn push_unique(list: &mut Vec<String>, url: &str) {
    if !list.iter().any(|u| u == url) {
        list.push(url.to_owned());
    }
}

fn owned(reply: &Reply<'_>) -> OutboundReply {
    OutboundReply {
        event_json: String::from_utf8_lossy(reply.event_json).into_owned(),
        relays: reply.relays.iter().map(|r| r.as_str().to_owned()).collect(),
        activity: reply.activity,
    }
}

fn log_activity(a: &Activity) {
    tracing::info!(
        client = %short_hex(&a.client),
        account = %short_hex(&a.account),
        method = a.method.as_str().unwrap_or("unknown"),
        kind = ?a.kind,
        verdict = ?a.verdict,
        error = a.error.unwrap_or(""),
        "request answered"
    );
}

fn log_held(p: &PendingInfo) {
    tracing::info!(
        id = %short_hex(&p.id),
        client = %short_hex(&p.client),
        method = p.method.as_str().unwrap_or("unknown"),
        kind = ?p.kind,
        expires_at = p.expires_at,
        "request awaits approval"
    );
}
