//! Secret keys in memory (the iOS app reads them from the Keychain per call instead).

use std::fmt;
use std::path::Path;

use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip46::KeySource;
use zeroize::Zeroizing;

use crate::device::EntropySource;
use crate::{HostError, store};

/// Secret keys held in memory. Never printed: its `Debug` shows only how many keys it has.
#[derive(Default)]
pub struct MemoryKeystore {
    keys: Vec<SecretKey>,
}

impl fmt::Debug for MemoryKeystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemoryKeystore({} keys)", self.keys.len())
    }
}

impl MemoryKeystore {
    /// An empty keystore.
    pub fn new() -> Self {
        Self::default()
    }

    /// `n` fresh keys from `entropy`.
    pub fn generate(entropy: &mut dyn EntropySource, n: usize) -> Result<Self, HostError> {
        let mut ks = Self::new();
        for _ in 0..n {
            ks.generate_key(entropy)?;
        }
        Ok(ks)
    }

    /// Add a fresh key; returns its public key.
    pub fn generate_key(
        &mut self,
        entropy: &mut dyn EntropySource,
    ) -> Result<PublicKey, HostError> {
        loop {
            let mut bytes = Zeroizing::new([0u8; 32]);
            entropy.fill(&mut bytes[..])?;
            if let Ok(sk) = SecretKey::from_bytes(&bytes) {
                let pk = sk.public_key();
                self.keys.push(sk);
                return Ok(pk);
            }
        }
    }

    /// Add a key given as 32 bytes; returns its public key.
    pub fn insert(&mut self, secret: &[u8; 32]) -> Result<PublicKey, HostError> {
        let sk = SecretKey::from_bytes(secret)?;
        let pk = sk.public_key();
        if !self.keys.iter().any(|k| k.public_key() == pk) {
            self.keys.push(sk);
        }
        Ok(pk)
    }

    /// The public keys, in insertion order.
    pub fn public_keys(&self) -> Vec<PublicKey> {
        self.keys.iter().map(SecretKey::public_key).collect()
    }

    /// Load keys from a file of hex secret keys (one per line), or create it (mode 0600) with
    /// one fresh key. For development hosts only: a phone keeps keys in the Keychain.
    pub fn load_or_create(path: &Path, entropy: &mut dyn EntropySource) -> Result<Self, HostError> {
        if let Some(bytes) = store::read_optional(path)? {
            let text = Zeroizing::new(
                String::from_utf8(bytes).map_err(|_| HostError::Corrupt("key file"))?,
            );
            let mut ks = Self::new();
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let sk = SecretKey::from_hex(line).map_err(|_| HostError::Corrupt("key file"))?;
                ks.keys.push(sk);
            }
            if ks.keys.is_empty() {
                return Err(HostError::Corrupt("key file"));
            }
            return Ok(ks);
        }
        let ks = Self::generate(entropy, 1)?;
        let mut text = Zeroizing::new(String::new());
        for k in &ks.keys {
            let bytes = k.to_bytes();
            text.push_str(&hex::encode(&bytes[..]));
            text.push('\n');
        }
        store::write_atomic(path, text.as_bytes())?;
        Ok(ks)
    }
}

impl KeySource for MemoryKeystore {
    fn secret_key(&self, pubkey: &PublicKey) -> Option<SecretKey> {
        let k = self.keys.iter().find(|k| k.public_key() == *pubkey)?;
        SecretKey::from_bytes(&k.to_bytes()).ok()
    }
}
