//! The state blob: accounts, clients, held requests. Each editing function decodes the blob,
//! makes one signer-core call and encodes the result; on error nothing is returned to store.

use signer_core::keys::PublicKey;
use signer_core::nip46::State;
use signer_core::nip46::perms::{self, Method, ProtectedKinds, TrustLevel};
use signer_core::nip46::state::{Account, Client, Pending};

use crate::bridge::ffi::{
    AccountInfo, ClientInfo, Decision, FfiError, PendingInfo, StateBlob, Trust,
};
use crate::error::{FfiResult, invalid};
use crate::keys::{hex32, public_key};

// ---------------------------------------------------------------------------------------------
// Conversions

impl From<Trust> for TrustLevel {
    fn from(t: Trust) -> Self {
        match t {
            Trust::Full => TrustLevel::Full,
            Trust::Medium => TrustLevel::Medium,
            Trust::Low => TrustLevel::Low,
        }
    }
}

impl From<TrustLevel> for Trust {
    fn from(t: TrustLevel) -> Self {
        match t {
            TrustLevel::Full => Trust::Full,
            TrustLevel::Medium => Trust::Medium,
            TrustLevel::Low => Trust::Low,
        }
    }
}

impl From<Decision> for perms::Decision {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Allow => perms::Decision::Allow,
            Decision::Ask => perms::Decision::Ask,
            Decision::Deny => perms::Decision::Deny,
        }
    }
}

impl From<perms::Decision> for Decision {
    fn from(d: perms::Decision) -> Self {
        match d {
            perms::Decision::Allow => Decision::Allow,
            perms::Decision::Ask => Decision::Ask,
            perms::Decision::Deny => Decision::Deny,
        }
    }
}

/// The wire name of a method (`"unknown"` for an unsupported one).
pub(crate) fn method_name(m: Method) -> String {
    m.as_str().unwrap_or("unknown").to_owned()
}

/// The boxed state in `blob` (the state is ~225 KB: never on the stack).
pub(crate) fn decode(blob: &[u8]) -> FfiResult<Box<State>> {
    let mut state = Box::new(State::new());
    state
        .decode_into(blob)
        .map_err(|_| FfiError::CorruptState)?;
    Ok(state)
}

/// The blob of `state`.
pub(crate) fn encode(state: &State) -> FfiResult<Vec<u8>> {
    let mut out = vec![0u8; State::MAX_ENCODED_LEN];
    let n = state.encode(&mut out)?;
    out.truncate(n);
    Ok(out)
}

/// Decode, apply `f`, encode.
fn edit(
    blob: &[u8],
    f: impl FnOnce(&mut State) -> Result<(), signer_core::Error>,
) -> FfiResult<StateBlob> {
    let mut state = decode(blob)?;
    f(&mut state)?;
    Ok(StateBlob {
        bytes: encode(&state)?,
    })
}

fn client_key(hex: &str) -> FfiResult<[u8; 32]> {
    Ok(*public_key(hex)?.as_bytes())
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

// ---------------------------------------------------------------------------------------------
// Views

/// The accounts, for Swift to read one by one.
pub struct AccountList(Vec<AccountInfo>);
/// The clients of one account.
pub struct ClientList(Vec<ClientInfo>);
/// The held requests, oldest first.
pub struct PendingList(Vec<PendingInfo>, Option<u64>);

impl AccountList {
    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The `index`th.
    pub fn get(&self, index: usize) -> Option<AccountInfo> {
        self.0.get(index).cloned()
    }
}
impl ClientList {
    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The `index`th.
    pub fn get(&self, index: usize) -> Option<ClientInfo> {
        self.0.get(index).cloned()
    }
}
impl PendingList {
    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The `index`th.
    pub fn get(&self, index: usize) -> Option<PendingInfo> {
        self.0.get(index).cloned()
    }
    /// The earliest expiry, if anything is held.
    pub fn next_expiry(&self) -> Option<u64> {
        self.1
    }
}

fn account_info(a: &Account) -> AccountInfo {
    AccountInfo {
        pubkey: hex32(a.user().as_bytes()),
        transport_pubkey: hex32(a.transport().as_bytes()),
        relays: a.relays().iter().map(|r| r.as_str().to_owned()).collect(),
        protected_kinds: a.protected().as_slice().to_vec(),
        default_trust: a.default_trust().into(),
    }
}

fn client_info(c: &Client) -> ClientInfo {
    let p = c.perms();
    let methods: Vec<(Method, perms::Decision)> = Method::ALL
        .into_iter()
        .filter_map(|m| p.method_override(m).map(|d| (m, d)))
        .collect();
    ClientInfo {
        account: hex32(c.account()),
        pubkey: hex32(c.pubkey()),
        name: c.name().to_owned(),
        url: c.url().to_owned(),
        relays: c.relays().iter().map(|r| r.as_str().to_owned()).collect(),
        trust: p.trust().into(),
        kind_overrides: p.kind_overrides().iter().map(|(k, _)| *k).collect(),
        kind_decisions: p
            .kind_overrides()
            .iter()
            .map(|(_, d)| (*d).into())
            .collect(),
        method_overrides: methods.iter().map(|(m, _)| method_name(*m)).collect(),
        method_decisions: methods.iter().map(|(_, d)| (*d).into()).collect(),
        paired_at: c.paired_at(),
        last_seen: c.last_seen(),
    }
}

pub(crate) fn pending_info(state: &State, p: &Pending) -> PendingInfo {
    pending_info_of(
        state,
        p.id(),
        p.account(),
        p.client(),
        p.method(),
        p.kind(),
        p.expires_at(),
    )
}

pub(crate) fn pending_info_of(
    state: &State,
    id: &[u8; 32],
    account: &[u8; 32],
    client: &[u8; 32],
    method: Method,
    kind: Option<u16>,
    expires_at: u64,
) -> PendingInfo {
    let client_name = PublicKey::from_bytes(account)
        .ok()
        .and_then(|user| state.client(&user, client).map(|c| c.name().to_owned()))
        .unwrap_or_default();
    PendingInfo {
        id: hex32(id),
        account: hex32(account),
        client: hex32(client),
        client_name,
        method: method_name(method),
        kind,
        expires_at,
    }
}

// ---------------------------------------------------------------------------------------------
// Bridge functions

/// The blob of an empty state (no accounts).
pub fn new_state() -> Vec<u8> {
    encode(&State::new()).unwrap_or_default()
}

/// Add an account for the user key `pubkey` (hex; requests are addressed to it) on `relays`,
/// giving newly paired clients `default_trust`; `entropy`: 16 random bytes for the first
/// bunker secret.
pub fn add_account(
    state: &[u8],
    pubkey: &str,
    relays: Vec<String>,
    default_trust: Trust,
    entropy: &[u8],
) -> FfiResult<StateBlob> {
    let user = public_key(pubkey)?;
    let entropy: &[u8; 16] = entropy
        .try_into()
        .map_err(|_| invalid("entropy (16 bytes)"))?;
    edit(state, |s| {
        s.add_account(&user, None, &strs(&relays), default_trust.into(), entropy)
    })
}

/// Remove an account, its clients and its held requests.
pub fn remove_account(state: &[u8], account: &str) -> FfiResult<StateBlob> {
    let user = public_key(account)?;
    edit(state, |s| {
        s.remove_account(&user)
            .then_some(())
            .ok_or(signer_core::Error::NotFound("account"))
    })
}

/// Every account, in the order added.
pub fn list_accounts(state: &[u8]) -> FfiResult<AccountList> {
    let s = decode(state)?;
    Ok(AccountList(s.accounts().iter().map(account_info).collect()))
}

/// The account's `bunker://` URI (with its current single-use secret).
pub fn bunker_uri(state: &[u8], account: &str) -> FfiResult<String> {
    let user = public_key(account)?;
    let s = decode(state)?;
    let mut out = vec![0u8; signer_core::nip46::uri::MAX_URI_LEN];
    let n = s.bunker_uri(&user, &mut out)?;
    out.truncate(n);
    String::from_utf8(out).map_err(|_| invalid("bunker uri"))
}

/// A new bunker secret (16 random bytes): the old URI stops working for new clients.
pub fn rotate_bunker_secret(state: &[u8], account: &str, entropy: &[u8]) -> FfiResult<StateBlob> {
    let user = public_key(account)?;
    let entropy: &[u8; 16] = entropy
        .try_into()
        .map_err(|_| invalid("entropy (16 bytes)"))?;
    edit(state, |s| s.rotate_secret(&user, entropy))
}

/// Replace the account's relays.
pub fn set_relays(state: &[u8], account: &str, relays: Vec<String>) -> FfiResult<StateBlob> {
    let user = public_key(account)?;
    edit(state, |s| s.set_relays(&user, &strs(&relays)))
}

/// Replace the kinds that Medium-trust clients must ask for.
pub fn set_protected_kinds(state: &[u8], account: &str, kinds: Vec<u16>) -> FfiResult<StateBlob> {
    let user = public_key(account)?;
    let kinds = ProtectedKinds::from_kinds(&kinds)?;
    edit(state, |s| s.set_protected_kinds(&user, kinds))
}

/// The trust level newly paired clients get.
pub fn set_default_trust(state: &[u8], account: &str, trust: Trust) -> FfiResult<StateBlob> {
    let user = public_key(account)?;
    edit(state, |s| s.set_default_trust(&user, trust.into()))
}

/// The account's paired clients, in pairing order.
pub fn list_clients(state: &[u8], account: &str) -> FfiResult<ClientList> {
    let user = public_key(account)?;
    let s = decode(state)?;
    if s.account(&user).is_none() {
        return Err(FfiError::NotFound("account".to_owned()));
    }
    Ok(ClientList(s.clients(&user).map(client_info).collect()))
}

/// Change a client's trust level (its overrides stay).
pub fn set_client_trust(
    state: &[u8],
    account: &str,
    client: &str,
    trust: Trust,
) -> FfiResult<StateBlob> {
    let (user, client) = (public_key(account)?, client_key(client)?);
    edit(state, |s| s.set_client_trust(&user, &client, trust.into()))
}

/// Set (or clear with `None`) a client's `sign_event` override for `kind`.
pub fn set_kind_override(
    state: &[u8],
    account: &str,
    client: &str,
    kind: u16,
    decision: Option<Decision>,
) -> FfiResult<StateBlob> {
    let (user, client) = (public_key(account)?, client_key(client)?);
    edit(state, |s| {
        s.set_kind_override(&user, &client, kind, decision.map(Into::into))
    })
}

/// Set (or clear) a client's override for `nip04_encrypt`, `nip04_decrypt`, `nip44_encrypt`
/// or `nip44_decrypt`.
pub fn set_method_override(
    state: &[u8],
    account: &str,
    client: &str,
    method: &str,
    decision: Option<Decision>,
) -> FfiResult<StateBlob> {
    let (user, client) = (public_key(account)?, client_key(client)?);
    let method = Method::parse(method);
    edit(state, |s| {
        s.set_method_override(&user, &client, method, decision.map(Into::into))
    })
}

/// Give a client a display name.
pub fn rename_client(
    state: &[u8],
    account: &str,
    client: &str,
    name: &str,
) -> FfiResult<StateBlob> {
    let (user, client) = (public_key(account)?, client_key(client)?);
    edit(state, |s| s.rename_client(&user, &client, name))
}

/// Forget a client (its later requests are answered as unpaired).
pub fn unpair_client(state: &[u8], account: &str, client: &str) -> FfiResult<StateBlob> {
    let (user, client) = (public_key(account)?, client_key(client)?);
    edit(state, |s| {
        s.unpair(&user, &client)
            .then_some(())
            .ok_or(signer_core::Error::NotFound("client"))
    })
}

/// Requests held for the user, oldest first, and when the next one expires.
pub fn list_pending(state: &[u8]) -> FfiResult<PendingList> {
    let s = decode(state)?;
    Ok(PendingList(
        s.pending().iter().map(|p| pending_info(&s, p)).collect(),
        s.next_expiry(),
    ))
}
