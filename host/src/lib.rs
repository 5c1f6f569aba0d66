//! Clave's host loop: [`signer_core`]'s sans-IO NIP-46 signer driven with real I/O.
//!
//! The pieces, each usable alone:
//!
//! | module | what |
//! |---|---|
//! | [`keystore`] | [`MemoryKeystore`]: secret keys in memory, implementing [`KeySource`](signer_core::nip46::KeySource) |
//! | [`store`] | crash-safe file writes (temp + fsync + rename) |
//! | [`device`] | [`Device`]: keystore + persisted [`State`](signer_core::nip46::State) + buffers + entropy; `handle_event(bytes)` → [`Action`] (no sockets: a push handler can use it as is) |
//! | [`relay`] | [`RelayPool`]: NIP-01 relay client (subscribe to kind 24133 for our keys, publish and wait for OK, reconnect) |
//! | [`host`] | [`Host`]: ties a [`Device`] to a [`RelayPool`]; approvals, expiry timer, `nostrconnect://` pairing |
//!
//! The relay subscription is separate from the handling: whoever has the request event's bytes
//! (a relay subscription here, an APNs push or a proxy fetch in the simulated device) calls
//! [`Device::handle_event`] (or [`Host::handle_event`], which also publishes the reply).
//!
//! # Example
//!
//! ```no_run
//! use clave_host::{Device, Host, HostConfig, MemoryKeystore, OsEntropy};
//! use signer_core::nip46::perms::TrustLevel;
//!
//! # async fn run() -> Result<(), clave_host::HostError> {
//! let keys = MemoryKeystore::generate(&mut OsEntropy, 1)?;
//! let user = keys.public_keys()[0];
//! let mut device = Device::open("/tmp/clave-state", keys)?;
//! if device.state().accounts().is_empty() {
//!     device.add_account(&user, &["ws://127.0.0.1:7777"], TrustLevel::Medium)?;
//! }
//! let host = Host::start(device, HostConfig::new(vec!["ws://127.0.0.1:7777".into()])).await?;
//! println!("{}", host.bunker_uri(None).await?);
//! # Ok(()) }
//! ```

pub mod device;
pub mod error;
pub mod host;
pub mod keystore;
pub mod relay;
pub mod store;

pub use device::{Action, Clock, Device, EntropySource, OsEntropy, OutboundReply, PendingInfo};
pub use error::HostError;
pub use host::{Handled, Host, HostConfig, HostEvent};
pub use keystore::MemoryKeystore;
pub use relay::{Inbound, PublishOutcome, RelayPool, RelaySettings};

/// Unix seconds from the system clock.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The first 8 hex characters of a key or id, for logs.
pub fn short_hex(bytes: &[u8; 32]) -> String {
    hex::encode(&bytes[..4])
}
