//! The in-memory routing index over the durable [`Store`].
//!
//! Writes go to the store first (durable), then to memory, under one async lock so the two
//! never disagree. Reads (routing an event) take a short read lock and never touch the disk.
//! Every change to the set of watched pubkeys or relays bumps a `watch` version so the relay
//! tasks re-subscribe.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use tokio::sync::{Mutex, watch};

use crate::store::{ApnsEnv, Pair, Registration, Store, StoreError};

/// One device of a signer, as kept in memory (~32 bytes plus the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Raw token bytes.
    pub token: Box<[u8]>,
    /// APNs environment.
    pub env: ApnsEnv,
    /// Unix ms of the registration.
    pub registered_at_ms: u64,
}

#[derive(Default)]
struct Inner {
    devices: HashMap<[u8; 32], Vec<Device>>,
    tokens: usize,
    pairs: HashMap<[u8; 32], Vec<Pair>>,
}

/// Why a registry write was refused.
#[derive(Debug)]
pub enum RegistryError {
    /// The store failed; nothing changed.
    Store(StoreError),
    /// A bound was reached (names it).
    Limit(&'static str),
}

impl std::fmt::Display for RegistryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Store(e) => e.fmt(f),
            Self::Limit(what) => write!(f, "limit reached: {what}"),
        }
    }
}

impl std::error::Error for RegistryError {}

/// Limits on what one signer may register.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Device tokens per signer pubkey.
    pub tokens_per_pubkey: usize,
    /// Paired clients per signer pubkey.
    pub pairs_per_pubkey: usize,
    /// Distinct secondary relays overall.
    pub total_relays: usize,
}

/// Shared registry handle.
pub struct Registry {
    store: Arc<dyn Store>,
    inner: RwLock<Inner>,
    write: Mutex<()>,
    version: watch::Sender<u64>,
    limits: Limits,
}

fn insert_device(inner: &mut Inner, pubkey: [u8; 32], dev: Device) -> bool {
    let list = inner.devices.entry(pubkey).or_default();
    let new_pubkey = list.is_empty();
    if let Some(d) = list.iter_mut().find(|d| d.token == dev.token) {
        *d = dev;
    } else {
        // Most signers have one device: no spare capacity (Vec would reserve 4).
        list.reserve_exact(1);
        list.push(dev);
        inner.tokens += 1;
    }
    new_pubkey
}

fn remove_device(inner: &mut Inner, pubkey: &[u8; 32], token: &[u8]) -> bool {
    let Some(list) = inner.devices.get_mut(pubkey) else {
        return false;
    };
    let before = list.len();
    list.retain(|d| &*d.token != token);
    inner.tokens -= before - list.len();
    if list.is_empty() {
        inner.devices.remove(pubkey);
        return true;
    }
    false
}

impl Registry {
    /// Load everything from `store`.
    pub fn load(store: Arc<dyn Store>, limits: Limits) -> Result<Self, StoreError> {
        let mut inner = Inner::default();
        let hint = usize::try_from(store.registration_count()?).unwrap_or(0);
        inner.devices.reserve(hint);
        let mut pairs = Vec::new();
        store.load(
            &mut |r| {
                insert_device(
                    &mut inner,
                    r.pubkey,
                    Device {
                        token: r.token.into_boxed_slice(),
                        env: r.env,
                        registered_at_ms: r.registered_at_ms,
                    },
                );
            },
            &mut |p| pairs.push(p),
        )?;
        for p in pairs {
            inner.pairs.entry(p.signer).or_default().push(p);
        }
        inner.devices.shrink_to_fit();
        Ok(Self {
            store,
            inner: RwLock::new(inner),
            write: Mutex::new(()),
            version: watch::channel(0).0,
            limits,
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write_mem(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|p| p.into_inner())
    }

    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    /// A receiver that changes whenever watched pubkeys or relays change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&*store))
            .await
            .map_err(|e| StoreError::from_join(&e))?
    }

    /// Register (or refresh) a token for a pubkey; durable when it returns Ok.
    pub async fn register(&self, reg: Registration) -> Result<(), RegistryError> {
        let _w = self.write.lock().await;
        {
            let inner = self.read();
            let list = inner.devices.get(&reg.pubkey);
            let known = list.is_some_and(|l| l.iter().any(|d| *d.token == reg.token[..]));
            if !known && list.map_or(0, Vec::len) >= self.limits.tokens_per_pubkey {
                return Err(RegistryError::Limit("tokens_per_pubkey"));
            }
        }
        let r = reg.clone();
        self.blocking(move |s| s.put_registrations(std::slice::from_ref(&r)))
            .await
            .map_err(RegistryError::Store)?;
        let new_pubkey = insert_device(
            &mut self.write_mem(),
            reg.pubkey,
            Device {
                token: reg.token.into_boxed_slice(),
                env: reg.env,
                registered_at_ms: reg.registered_at_ms,
            },
        );
        if new_pubkey {
            self.bump();
        }
        Ok(())
    }

    /// Bulk registration in one transaction (load tools, migrations). No per-pubkey limit.
    pub async fn register_many(&self, regs: Vec<Registration>) -> Result<(), StoreError> {
        let _w = self.write.lock().await;
        let regs = Arc::new(regs);
        let r2 = regs.clone();
        self.blocking(move |s| s.put_registrations(&r2)).await?;
        let mut inner = self.write_mem();
        for r in regs.iter() {
            insert_device(
                &mut inner,
                r.pubkey,
                Device {
                    token: r.token.clone().into_boxed_slice(),
                    env: r.env,
                    registered_at_ms: r.registered_at_ms,
                },
            );
        }
        drop(inner);
        self.bump();
        Ok(())
    }

    /// Remove a token of a pubkey; true if it was registered.
    pub async fn unregister(&self, pubkey: [u8; 32], token: Vec<u8>) -> Result<bool, StoreError> {
        self.prune(pubkey, token, None).await
    }

    /// Remove a token after an APNs rejection, unless re-registered after `invalid_since_ms`.
    pub async fn prune(
        &self,
        pubkey: [u8; 32],
        token: Vec<u8>,
        invalid_since_ms: Option<u64>,
    ) -> Result<bool, StoreError> {
        let _w = self.write.lock().await;
        let t = token.clone();
        let removed = self
            .blocking(move |s| s.prune_registration(&pubkey, &t, invalid_since_ms))
            .await?;
        if removed && remove_device(&mut self.write_mem(), &pubkey, &token) {
            self.bump();
        }
        Ok(removed)
    }

    /// Add or replace a pair.
    pub async fn pair(&self, pair: Pair) -> Result<(), RegistryError> {
        let _w = self.write.lock().await;
        {
            let inner = self.read();
            let list = inner.pairs.get(&pair.signer);
            let known = list.is_some_and(|l| l.iter().any(|p| p.client == pair.client));
            if !known && list.map_or(0, Vec::len) >= self.limits.pairs_per_pubkey {
                return Err(RegistryError::Limit("pairing_limit"));
            }
            let mut relays: BTreeSet<&str> = inner
                .pairs
                .values()
                .flatten()
                .flat_map(|p| p.relays.iter().map(String::as_str))
                .collect();
            relays.extend(pair.relays.iter().map(String::as_str));
            if relays.len() > self.limits.total_relays {
                return Err(RegistryError::Limit("relay_quota"));
            }
        }
        let p = pair.clone();
        self.blocking(move |s| s.put_pair(&p))
            .await
            .map_err(RegistryError::Store)?;
        {
            let mut inner = self.write_mem();
            let list = inner.pairs.entry(pair.signer).or_default();
            list.retain(|p| p.client != pair.client);
            list.push(pair);
        }
        self.bump();
        Ok(())
    }

    /// Remove a pair; true if it existed.
    pub async fn unpair(&self, signer: [u8; 32], client: [u8; 32]) -> Result<bool, StoreError> {
        let _w = self.write.lock().await;
        let removed = self
            .blocking(move |s| s.remove_pair(&signer, &client))
            .await?;
        {
            let mut inner = self.write_mem();
            if let Some(list) = inner.pairs.get_mut(&signer) {
                list.retain(|p| p.client != client);
                if list.is_empty() {
                    inner.pairs.remove(&signer);
                }
            }
        }
        self.bump();
        Ok(removed)
    }

    /// Devices of a pubkey (cloned; empty when unregistered).
    pub fn devices(&self, pubkey: &[u8; 32]) -> Vec<Device> {
        self.read().devices.get(pubkey).cloned().unwrap_or_default()
    }

    /// Whether the pubkey has at least one device.
    pub fn is_registered(&self, pubkey: &[u8; 32]) -> bool {
        self.read().devices.contains_key(pubkey)
    }

    /// (tokens, pubkeys).
    pub fn counts(&self) -> (usize, usize) {
        let inner = self.read();
        (inner.tokens, inner.devices.len())
    }

    /// Every registered pubkey (for the configured relays).
    pub fn all_pubkeys(&self) -> Vec<[u8; 32]> {
        self.read().devices.keys().copied().collect()
    }

    /// Registered signers paired with a client on `url` (for a secondary relay).
    pub fn pubkeys_for_relay(&self, url: &str) -> Vec<[u8; 32]> {
        let inner = self.read();
        inner
            .pairs
            .iter()
            .filter(|(signer, pairs)| {
                inner.devices.contains_key(*signer)
                    && pairs.iter().any(|p| p.relays.iter().any(|r| r == url))
            })
            .map(|(signer, _)| *signer)
            .collect()
    }

    /// Every relay URL of every pair.
    pub fn paired_relays(&self) -> BTreeSet<String> {
        self.read()
            .pairs
            .values()
            .flatten()
            .flat_map(|p| p.relays.iter().cloned())
            .collect()
    }
}

impl StoreError {
    fn from_join(e: &tokio::task::JoinError) -> Self {
        Self::msg(format!("storage task failed: {e}"))
    }
}
