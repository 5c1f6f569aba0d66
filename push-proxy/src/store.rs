//! Durable storage of registrations and client pairs behind the [`Store`] trait.
//!
//! The default is [`RedbStore`]: one file, every write committed with an fsync before the HTTP
//! API answers 200, so an acknowledged registration survives `kill -9` and power loss. A
//! deployment that outgrows one machine implements [`Store`] on a shared server database; the
//! rows are plain `(signer pubkey, token) -> (environment, registered_at)` and
//! `(signer pubkey, client pubkey) -> relay URLs`.

use std::fmt;
use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};

/// Which APNs environment a device token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApnsEnv {
    /// App Store and TestFlight builds: `api.push.apple.com`.
    Production,
    /// Development builds: `api.sandbox.push.apple.com`.
    Sandbox,
}

impl ApnsEnv {
    /// Parse the `env` field of `/register` (`production` or `sandbox`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "production" => Some(Self::Production),
            "sandbox" | "development" => Some(Self::Sandbox),
            _ => None,
        }
    }

    fn to_byte(self) -> u8 {
        match self {
            Self::Production => 0,
            Self::Sandbox => 1,
        }
    }

    fn from_byte(b: u8) -> Self {
        if b == 1 {
            Self::Sandbox
        } else {
            Self::Production
        }
    }

    /// The name used in the API and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Sandbox => "sandbox",
        }
    }
}

/// One device token registered for one signer pubkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Signer pubkey (x-only).
    pub pubkey: [u8; 32],
    /// Device token, raw bytes (the API speaks hex).
    pub token: Vec<u8>,
    /// APNs environment for this token.
    pub env: ApnsEnv,
    /// When it was (last) registered, unix milliseconds.
    pub registered_at_ms: u64,
}

/// A NIP-46 client paired with a signer, and the relays it talks on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Signer pubkey.
    pub signer: [u8; 32],
    /// Client pubkey.
    pub client: [u8; 32],
    /// The client's relays (`ws://` or `wss://`).
    pub relays: Vec<String>,
}

/// A storage failure (I/O or a corrupt file).
#[derive(Debug)]
pub struct StoreError(String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage error: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl StoreError {
    fn from<E: fmt::Display>(e: E) -> Self {
        Self(e.to_string())
    }

    pub(crate) fn msg(s: String) -> Self {
        Self(s)
    }
}

/// Durable registrations and pairs. Every method returns only once the change is durable.
pub trait Store: Send + Sync + 'static {
    /// Everything, streamed, to build the in-memory index at startup without a second copy.
    fn load(
        &self,
        on_registration: &mut dyn FnMut(Registration),
        on_pair: &mut dyn FnMut(Pair),
    ) -> Result<(), StoreError>;
    /// Number of registrations (a hint to size the index).
    fn registration_count(&self) -> Result<u64, StoreError>;
    /// Insert or refresh registrations (one transaction).
    fn put_registrations(&self, regs: &[Registration]) -> Result<(), StoreError>;
    /// Remove a registration; true if it existed.
    fn remove_registration(&self, pubkey: &[u8; 32], token: &[u8]) -> Result<bool, StoreError>;
    /// Remove a registration only if it was registered before `invalid_since_ms` (APNs 410
    /// timestamp) or unconditionally when `None`; true if removed.
    fn prune_registration(
        &self,
        pubkey: &[u8; 32],
        token: &[u8],
        invalid_since_ms: Option<u64>,
    ) -> Result<bool, StoreError>;
    /// Insert or replace a pair.
    fn put_pair(&self, pair: &Pair) -> Result<(), StoreError>;
    /// Remove a pair; true if it existed.
    fn remove_pair(&self, signer: &[u8; 32], client: &[u8; 32]) -> Result<bool, StoreError>;
}

/// A two-part binary key.
type Key2 = (&'static [u8], &'static [u8]);

/// `(pubkey, token) -> (env, registered_at_ms)`.
const REGISTRATIONS: TableDefinition<Key2, (u8, u64)> = TableDefinition::new("registrations_v1");
/// `(signer, client) -> relay URLs joined by '\n'`.
const PAIRS: TableDefinition<Key2, &str> = TableDefinition::new("pairs_v1");

/// The embedded single-file store.
pub struct RedbStore {
    db: Database,
}

impl RedbStore {
    /// Open or create the database file. A new file is created owner-only (0600 on Unix),
    /// whatever the umask: it maps signer pubkeys to device tokens.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(path)
            .map_err(|e| StoreError::msg(format!("{}: {e}", path.display())))?;
        let db = Database::builder()
            // Reads happen once at startup; keep the page cache small.
            .set_cache_size(4 * 1024 * 1024)
            .create_file(file)
            .map_err(StoreError::from)?;
        let txn = db.begin_write().map_err(StoreError::from)?;
        txn.open_table(REGISTRATIONS).map_err(StoreError::from)?;
        txn.open_table(PAIRS).map_err(StoreError::from)?;
        txn.commit().map_err(StoreError::from)?;
        Ok(Self { db })
    }
}

fn key32(b: &[u8]) -> Option<[u8; 32]> {
    b.try_into().ok()
}

impl Store for RedbStore {
    fn load(
        &self,
        on_registration: &mut dyn FnMut(Registration),
        on_pair: &mut dyn FnMut(Pair),
    ) -> Result<(), StoreError> {
        let txn = self.db.begin_read().map_err(StoreError::from)?;
        let regs_t = txn.open_table(REGISTRATIONS).map_err(StoreError::from)?;
        for row in regs_t.iter().map_err(StoreError::from)? {
            let (k, v) = row.map_err(StoreError::from)?;
            let (pk, token) = k.value();
            let (env, at) = v.value();
            if let Some(pubkey) = key32(pk) {
                on_registration(Registration {
                    pubkey,
                    token: token.to_vec(),
                    env: ApnsEnv::from_byte(env),
                    registered_at_ms: at,
                });
            }
        }
        let pairs_t = txn.open_table(PAIRS).map_err(StoreError::from)?;
        for row in pairs_t.iter().map_err(StoreError::from)? {
            let (k, v) = row.map_err(StoreError::from)?;
            let (s, c) = k.value();
            if let (Some(signer), Some(client)) = (key32(s), key32(c)) {
                on_pair(Pair {
                    signer,
                    client,
                    relays: v.value().lines().map(str::to_owned).collect(),
                });
            }
        }
        Ok(())
    }

    fn registration_count(&self) -> Result<u64, StoreError> {
        let txn = self.db.begin_read().map_err(StoreError::from)?;
        let t = txn.open_table(REGISTRATIONS).map_err(StoreError::from)?;
        t.len().map_err(StoreError::from)
    }

    fn put_registrations(&self, regs: &[Registration]) -> Result<(), StoreError> {
        let txn = self.db.begin_write().map_err(StoreError::from)?;
        {
            let mut t = txn.open_table(REGISTRATIONS).map_err(StoreError::from)?;
            for r in regs {
                t.insert(
                    (&r.pubkey[..], &r.token[..]),
                    (r.env.to_byte(), r.registered_at_ms),
                )
                .map_err(StoreError::from)?;
            }
        }
        txn.commit().map_err(StoreError::from)
    }

    fn remove_registration(&self, pubkey: &[u8; 32], token: &[u8]) -> Result<bool, StoreError> {
        self.prune_registration(pubkey, token, None)
    }

    fn prune_registration(
        &self,
        pubkey: &[u8; 32],
        token: &[u8],
        invalid_since_ms: Option<u64>,
    ) -> Result<bool, StoreError> {
        let txn = self.db.begin_write().map_err(StoreError::from)?;
        let removed = {
            let mut t = txn.open_table(REGISTRATIONS).map_err(StoreError::from)?;
            let key = (&pubkey[..], token);
            let keep = match (
                invalid_since_ms,
                t.get(key).map_err(StoreError::from)?.map(|v| v.value().1),
            ) {
                (_, None) => true,
                (Some(since), Some(registered)) => registered > since,
                (None, Some(_)) => false,
            };
            if keep {
                false
            } else {
                t.remove(key).map_err(StoreError::from)?;
                true
            }
        };
        txn.commit().map_err(StoreError::from)?;
        Ok(removed)
    }

    fn put_pair(&self, pair: &Pair) -> Result<(), StoreError> {
        let txn = self.db.begin_write().map_err(StoreError::from)?;
        {
            let mut t = txn.open_table(PAIRS).map_err(StoreError::from)?;
            let relays = pair.relays.join("\n");
            t.insert((&pair.signer[..], &pair.client[..]), relays.as_str())
                .map_err(StoreError::from)?;
        }
        txn.commit().map_err(StoreError::from)
    }

    fn remove_pair(&self, signer: &[u8; 32], client: &[u8; 32]) -> Result<bool, StoreError> {
        let txn = self.db.begin_write().map_err(StoreError::from)?;
        let removed = {
            let mut t = txn.open_table(PAIRS).map_err(StoreError::from)?;
            t.remove((&signer[..], &client[..]))
                .map_err(StoreError::from)?
                .is_some()
        };
        txn.commit().map_err(StoreError::from)?;
        Ok(removed)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_prune_rules() {
        let dir = std::env::temp_dir().join(format!("pp-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.redb");
        let _ = std::fs::remove_file(&path);
        let s = RedbStore::open(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "store file mode {mode:o}");
        }
        let r = Registration {
            pubkey: [1; 32],
            token: vec![0xab; 32],
            env: ApnsEnv::Sandbox,
            registered_at_ms: 1_000,
        };
        s.put_registrations(std::slice::from_ref(&r)).unwrap();
        s.put_pair(&Pair {
            signer: [1; 32],
            client: [2; 32],
            relays: vec!["wss://a".into(), "wss://b".into()],
        })
        .unwrap();
        drop(s);
        let s = RedbStore::open(&path).unwrap();
        let (mut regs, mut pairs) = (Vec::new(), Vec::new());
        s.load(&mut |r| regs.push(r), &mut |p| pairs.push(p))
            .unwrap();
        assert_eq!(regs, vec![r.clone()]);
        assert_eq!(pairs[0].relays, vec!["wss://a", "wss://b"]);
        // Re-registered after the 410 timestamp: kept.
        assert!(!s.prune_registration(&[1; 32], &r.token, Some(999)).unwrap());
        assert!(
            s.prune_registration(&[1; 32], &r.token, Some(1_001))
                .unwrap()
        );
        assert_eq!(s.registration_count().unwrap(), 0);
        assert!(s.remove_pair(&[1; 32], &[2; 32]).unwrap());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
