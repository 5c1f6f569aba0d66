//! # nse-ffi
//!
//! The Swift face of signer-core for the Clave iOS app and its Notification Service Extension
//! (NSE), through [swift-bridge](https://github.com/chinedufn/swift-bridge). Every rule lives in
//! signer-core; this crate only converts owned values (strings, byte vectors, small structs and
//! enums) at the boundary. No threads, no locks, no I/O, no global state: each call is
//! independent, which suits an NSE that is a fresh process per push.
//!
//! ## The state blob
//!
//! The signer's whole state (accounts, paired clients, held requests, replay window) is one
//! byte blob the shell stores in the App Group container. Functions that change it take the
//! current blob and return the new one; nothing changes on error, so the shell writes the new
//! blob only after a call succeeded ("compute first, commit last").
//!
//! ## Secrets across the boundary
//!
//! - **In**: secret keys are passed as `&[u8]` (Swift `UnsafeBufferPointer<UInt8>` over the
//!   Keychain bytes). Rust copies them only into zeroizing values and never keeps them; the
//!   Swift side zeroes its buffer after the call.
//! - **Out**: generated/imported/exported secrets come back as [`SecretBytes`], an opaque
//!   object whose Rust buffer is zeroized when Swift releases it. Swift copies `bytes()` into
//!   the Keychain (or onto the screen for an export) and zeroes its own copy.
//!
//! ## The NSE path
//!
//! 1. [`plan_fetch`]: push payload JSON + state blob → where the request event is (embedded,
//!    the proxy's `GET /event/<id>` with its NIP-98 header, or a relay `REQ` frame).
//! 2. [`handle_request`]: event bytes + state blob + key + `now` + [`entropy_len`] random
//!    bytes → reply to publish (event JSON + relays), new state blob, activity record, or a
//!    held request (whose raw bytes the shell keeps for [`approve_pending`]).
//! 3. On every wake: [`expire_pending`] until it returns no reply.
//!
//! ```
//! use nse_ffi::*;
//!
//! let sk = generate_secret_key(&[0x11; 32])?;
//! let user = public_key_hex(sk.bytes())?;
//! let state = add_account(&new_state(), &user, vec!["wss://relay.example.com".into()],
//!     Trust::Medium, &[7; 16])?;
//! let uri = bunker_uri(&state.bytes, &user)?;
//! assert!(uri.starts_with("bunker://"));
//! # Ok::<(), FfiError>(())
//! ```

mod bridge;
mod error;
mod keys;
mod nse;
mod state;

pub use bridge::ffi;

pub use bridge::ffi::{
    AccountInfo, ActivityInfo, ClientInfo, ConnectRequest, Decision, EventSource, FetchPlan,
    FfiError, HandleResult, HeldRequest, PendingInfo, Reply, StateBlob, Trust, Verdict,
};
pub use error::FfiResult;
pub use keys::{
    SecretBytes, export_nsec, export_secret_hex, generate_secret_key, import_secret_key,
    nip98_header, npub_from_hex, public_key_hex, public_key_npub,
};
pub use nse::{
    approve_nostrconnect, approve_pending, deny_pending, entropy_len, expire_pending,
    handle_request, parse_nostrconnect, plan_fetch,
};
pub use state::{
    AccountList, ClientList, PendingList, add_account, bunker_uri, list_accounts, list_clients,
    list_pending, new_state, remove_account, rename_client, rotate_bunker_secret, set_client_trust,
    set_default_trust, set_kind_override, set_method_override, set_protected_kinds, set_relays,
    unpair_client,
};
