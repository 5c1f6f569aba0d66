//! NIP-46 remote signing: connection URIs, the per-client permission policy, the JSON-RPC
//! messages, the persistent state and the sans-IO signer that ties them together.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/46.md>
//!
//! Start at [`signer`]: [`handle_request`], [`decide`], [`expire`] and
//! [`approve_nostrconnect`] are the whole protocol surface; [`State`] is what the shell persists
//! between wakes.

pub mod activity;
pub mod perms;
pub mod rpc;
pub mod signer;
pub mod state;
pub mod uri;

pub use activity::{Activity, Verdict};
pub use signer::{
    Approval, Buffers, Entropy, IgnoreReason, KeySource, OUT_LEN, Outcome, PendingApproval, Reply,
    SCRATCH_LEN, approve_nostrconnect, decide, expire, handle_request,
};
pub use state::State;
