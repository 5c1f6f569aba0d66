//! # signer-core
//!
//! A `no_std`, allocation-free core for a Nostr remote signer (NIP-46 "bunker").
//!
//! Sans-IO: the caller passes in time, randomness, inbound bytes and output buffers it owns;
//! the core never reaches for a clock, an RNG, a socket or the heap. That lets the same code run
//! in an iOS Notification Service Extension (~24 MB, fresh process per push), on a
//! microcontroller or inside a hardware wallet.
//!
//! ```
//! use signer_core::keys::SecretKey;
//!
//! let sk = SecretKey::from_hex("7f7ff03d123792d6ac594bfa67bf6d0c0ab55b6b1fdb6249303fe861f1ccba9a")?;
//! let pk = sk.public_key();
//! let msg = [7u8; 32];
//! let sig = sk.sign_schnorr(&msg, &[0u8; 32])?;
//! pk.verify_schnorr(&msg, &sig)?;
//! # Ok::<(), signer_core::Error>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs, clippy::unwrap_used)]

pub mod error;
pub mod event;
pub mod hex;
pub mod json;
pub mod keys;
pub mod nip04;
pub mod nip19;
pub mod nip44;
pub mod nip46;
pub mod nip98;

pub use error::Error;
