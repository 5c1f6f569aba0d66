//! The swift-bridge module: the whole Swift-visible API. Its items are documented in `//`
//! comments because the bridge macro does not accept doc attributes inside the module.
// The macro's generated items carry no docs; everything it wraps is documented where defined.
#![allow(missing_docs)]
// The macro expands to `extern "C"` functions; all hand-written code in the crate is safe.
#![allow(unsafe_code)]
// Lints that fire on the macro's generated glue, not on anything written here.
#![allow(clippy::all, clippy::not_unsafe_ptr_arg_deref)]

#[allow(clippy::wildcard_imports)]
use crate::{keys::*, nse::*, state::*};

/// The bridge: every function is a one-line call into [`keys`], [`state`] or [`nse`].
/// Pubkeys and ids cross as lowercase hex strings; timestamps as unix seconds.
#[swift_bridge::bridge]
pub mod ffi {
    // What went wrong, in terms the shell can act on.
    pub enum FfiError {
        // A key is invalid, or the secret key passed is not the account's.
        InvalidKey,
        // The named account, client or pending request does not exist.
        NotFound(String),
        // A fixed capacity was reached (names it).
        LimitReached(String),
        // The state blob does not decode.
        CorruptState,
        // Malformed input (says what).
        InvalidInput(String),
    }

    // How much a client is trusted.
    pub enum Trust {
        Full,
        Medium,
        Low,
    }

    // A per-kind or per-method override.
    pub enum Decision {
        Allow,
        Ask,
        Deny,
    }

    // What happened to a request (signer-core's `Verdict`).
    pub enum Verdict {
        Allowed,
        Denied,
        Asked,
        Approved,
        Rejected,
        Expired,
        Paired,
        NotPaired,
        BadSecret,
        Invalid,
        LimitReached,
    }

    // Where the request event of a push comes from.
    pub enum EventSource {
        // In the push payload: `FetchPlan.event_json`.
        Embedded,
        // `GET FetchPlan.proxy_url` with header `X-Clave-Auth: FetchPlan.proxy_auth`; on
        // failure fall back to the relay.
        Proxy,
        // Send `relay_req` to `relay_url`, take the first `EVENT`, then send `relay_close`.
        Relay,
    }

    // A new state blob.
    #[swift_bridge(swift_repr = "struct")]
    pub struct StateBlob {
        pub bytes: Vec<u8>,
    }

    // How to get the request event of one push.
    #[swift_bridge(swift_repr = "struct")]
    pub struct FetchPlan {
        pub source: EventSource,
        pub event_id: String,
        pub signer_pubkey: String,
        pub event_json: Option<String>,
        pub proxy_url: Option<String>,
        pub proxy_auth: Option<String>,
        pub relay_url: String,
        pub relay_req: String,
        pub relay_close: String,
    }

    // A reply event to publish to every relay listed.
    #[swift_bridge(swift_repr = "struct")]
    pub struct Reply {
        pub event_json: String,
        pub relays: Vec<String>,
    }

    // The log record of one handled request (no plaintext, no secrets).
    #[swift_bridge(swift_repr = "struct")]
    pub struct ActivityInfo {
        pub at: u64,
        pub account: String,
        pub client: String,
        pub method: String,
        pub kind: Option<u16>,
        pub verdict: Verdict,
        pub error: Option<String>,
    }

    // A request held for the user.
    #[swift_bridge(swift_repr = "struct")]
    #[derive(Clone)]
    pub struct PendingInfo {
        pub id: String,
        pub account: String,
        pub client: String,
        pub client_name: String,
        pub method: String,
        pub kind: Option<u16>,
        pub expires_at: u64,
    }

    // A request just held: show it, and keep `request_json` (e.g. in the App Group under
    // `info.id`) for `approve_pending`.
    #[swift_bridge(swift_repr = "struct")]
    pub struct HeldRequest {
        pub info: PendingInfo,
        pub request_json: Vec<u8>,
    }

    // The result of handling, deciding or expiring: persist `state`, then publish `reply`.
    #[swift_bridge(swift_repr = "struct")]
    pub struct HandleResult {
        pub state: Vec<u8>,
        pub reply: Option<Reply>,
        pub activity: Option<ActivityInfo>,
        pub held: Option<HeldRequest>,
        // Why the event got no reply (for logs), e.g. "duplicate".
        pub ignored: Option<String>,
    }

    // A `nostrconnect://` URI, for the approval sheet.
    #[swift_bridge(swift_repr = "struct")]
    pub struct ConnectRequest {
        pub client_pubkey: String,
        pub name: Option<String>,
        pub url: Option<String>,
        pub image: Option<String>,
        pub relays: Vec<String>,
        // Requested permissions: method names and `sign_event:<kind>`.
        pub perms: Vec<String>,
    }

    // One account.
    #[swift_bridge(swift_repr = "struct")]
    #[derive(Clone)]
    pub struct AccountInfo {
        pub pubkey: String,
        pub transport_pubkey: String,
        pub relays: Vec<String>,
        pub protected_kinds: Vec<u16>,
        pub default_trust: Trust,
    }

    // One paired client.
    #[swift_bridge(swift_repr = "struct")]
    #[derive(Clone)]
    pub struct ClientInfo {
        pub account: String,
        pub pubkey: String,
        pub name: String,
        pub url: String,
        pub relays: Vec<String>,
        pub trust: Trust,
        pub kind_overrides: Vec<u16>,
        pub kind_decisions: Vec<Decision>,
        pub method_overrides: Vec<String>,
        pub method_decisions: Vec<Decision>,
        pub paired_at: u64,
        pub last_seen: u64,
    }

    extern "Rust" {
        // A secret (key bytes, nsec or hex text), zeroized when released.
        type SecretBytes;
        fn bytes(self: &SecretBytes) -> &[u8];

        // Lists: `len()` items, `get(i)` for each.
        type AccountList;
        fn len(self: &AccountList) -> usize;
        fn get(self: &AccountList, index: usize) -> Option<AccountInfo>;
        type ClientList;
        fn len(self: &ClientList) -> usize;
        fn get(self: &ClientList, index: usize) -> Option<ClientInfo>;
        type PendingList;
        fn len(self: &PendingList) -> usize;
        fn get(self: &PendingList, index: usize) -> Option<PendingInfo>;
        // When `expire_pending` next has work (unix seconds), if anything is held.
        fn next_expiry(self: &PendingList) -> Option<u64>;

        // Keys.
        fn generate_secret_key(entropy: &[u8]) -> Result<SecretBytes, FfiError>;
        fn import_secret_key(text: &str) -> Result<SecretBytes, FfiError>;
        fn export_nsec(secret_key: &[u8]) -> Result<SecretBytes, FfiError>;
        fn export_secret_hex(secret_key: &[u8]) -> Result<SecretBytes, FfiError>;
        fn public_key_hex(secret_key: &[u8]) -> Result<String, FfiError>;
        fn public_key_npub(secret_key: &[u8]) -> Result<String, FfiError>;
        fn npub_from_hex(pubkey: &str) -> Result<String, FfiError>;
        fn nip98_header(
            secret_key: &[u8],
            url: &str,
            method: &str,
            body: &[u8],
            now: u64,
            aux: &[u8],
        ) -> Result<String, FfiError>;

        // State: accounts.
        fn new_state() -> Vec<u8>;
        fn add_account(
            state: &[u8],
            pubkey: &str,
            relays: Vec<String>,
            default_trust: Trust,
            entropy: &[u8],
        ) -> Result<StateBlob, FfiError>;
        fn remove_account(state: &[u8], account: &str) -> Result<StateBlob, FfiError>;
        fn list_accounts(state: &[u8]) -> Result<AccountList, FfiError>;
        fn bunker_uri(state: &[u8], account: &str) -> Result<String, FfiError>;
        fn rotate_bunker_secret(
            state: &[u8],
            account: &str,
            entropy: &[u8],
        ) -> Result<StateBlob, FfiError>;
        fn set_relays(
            state: &[u8],
            account: &str,
            relays: Vec<String>,
        ) -> Result<StateBlob, FfiError>;
        fn set_protected_kinds(
            state: &[u8],
            account: &str,
            kinds: Vec<u16>,
        ) -> Result<StateBlob, FfiError>;
        fn set_default_trust(
            state: &[u8],
            account: &str,
            trust: Trust,
        ) -> Result<StateBlob, FfiError>;

        // State: clients and held requests.
        fn list_clients(state: &[u8], account: &str) -> Result<ClientList, FfiError>;
        fn set_client_trust(
            state: &[u8],
            account: &str,
            client: &str,
            trust: Trust,
        ) -> Result<StateBlob, FfiError>;
        fn set_kind_override(
            state: &[u8],
            account: &str,
            client: &str,
            kind: u16,
            decision: Option<Decision>,
        ) -> Result<StateBlob, FfiError>;
        fn set_method_override(
            state: &[u8],
            account: &str,
            client: &str,
            method: &str,
            decision: Option<Decision>,
        ) -> Result<StateBlob, FfiError>;
        fn rename_client(
            state: &[u8],
            account: &str,
            client: &str,
            name: &str,
        ) -> Result<StateBlob, FfiError>;
        fn unpair_client(state: &[u8], account: &str, client: &str) -> Result<StateBlob, FfiError>;
        fn list_pending(state: &[u8]) -> Result<PendingList, FfiError>;

        // The signer.
        fn entropy_len() -> usize;
        fn plan_fetch(
            payload_json: &str,
            state: &[u8],
            proxy_base_url: &str,
            secret_key: &[u8],
            now: u64,
            aux: &[u8],
        ) -> Result<FetchPlan, FfiError>;
        fn handle_request(
            event_json: &[u8],
            state: &[u8],
            secret_key: &[u8],
            now: u64,
            entropy: &[u8],
        ) -> Result<HandleResult, FfiError>;
        fn approve_pending(
            pending_id: &str,
            request_json: &[u8],
            state: &[u8],
            secret_key: &[u8],
            now: u64,
            entropy: &[u8],
        ) -> Result<HandleResult, FfiError>;
        fn deny_pending(
            pending_id: &str,
            state: &[u8],
            secret_key: &[u8],
            now: u64,
            entropy: &[u8],
        ) -> Result<HandleResult, FfiError>;
        fn expire_pending(
            state: &[u8],
            secret_key: &[u8],
            now: u64,
            entropy: &[u8],
        ) -> Result<HandleResult, FfiError>;
        fn parse_nostrconnect(uri: &str) -> Result<ConnectRequest, FfiError>;
        fn approve_nostrconnect(
            uri: &str,
            account: &str,
            trust: Trust,
            state: &[u8],
            secret_key: &[u8],
            now: u64,
            entropy: &[u8],
        ) -> Result<HandleResult, FfiError>;
    }
}
