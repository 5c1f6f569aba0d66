//! NIP-46 remote signing: connection URIs and the per-client permission policy.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/46.md>

pub mod perms;
pub mod uri;
