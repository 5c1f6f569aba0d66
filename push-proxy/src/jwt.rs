//! The APNs provider token: an ES256 JWT signed with the team's `.p8` key, shared by every
//! request and re-signed on a schedule (Apple: not more often than every 20 minutes, at least
//! every 60) or when APNs answers `403 ExpiredProviderToken`.
//!
//! <https://developer.apple.com/documentation/usernotifications/establishing-a-token-based-connection-to-apns>

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

/// Apple rejects refreshes more frequent than this with `TooManyProviderTokenUpdates`.
pub const MIN_REFRESH: Duration = Duration::from_secs(20 * 60);
/// Apple rejects tokens older than this with `ExpiredProviderToken`.
pub const MAX_REFRESH: Duration = Duration::from_secs(60 * 60);

/// The key could not be used.
#[derive(Debug)]
pub enum JwtError {
    /// The file could not be read.
    Read(std::io::Error),
    /// The file is not a PKCS#8 P-256 key.
    BadKey(String),
    /// Signing failed.
    Sign(String),
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(e) => write!(f, "cannot read the APNs key file: {e}"),
            Self::BadKey(e) => write!(
                f,
                "the APNs key file is not a PKCS#8 EC P-256 key (AuthKey_XXXX.p8): {e}"
            ),
            Self::Sign(e) => write!(f, "cannot sign the APNs provider token: {e}"),
        }
    }
}

impl std::error::Error for JwtError {}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: u64,
}

/// One signed token and when it was made.
#[derive(Debug, Clone)]
pub struct SignedToken {
    /// `bearer <jwt>` header value.
    pub bearer: Arc<str>,
    /// The same as an `authorization` header value, built once per token. Not marked
    /// sensitive on purpose: h2 sends sensitive values as never-indexed literals, which would
    /// put the whole JWT on the wire (Huffman-coded again) in every request instead of one
    /// HPACK index.
    pub header: hyper::header::HeaderValue,
    /// Generation, increases with each refresh.
    pub generation: u64,
    issued: Instant,
}

/// Signs and caches the provider token.
pub struct ProviderToken {
    key: EncodingKey,
    key_id: String,
    team_id: String,
    refresh_every: Duration,
    current: RwLock<SignedToken>,
    on_sign: Box<dyn Fn() + Send + Sync>,
}

impl fmt::Debug for ProviderToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderToken")
            .field("key_id", &self.key_id)
            .field("team_id", &self.team_id)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl ProviderToken {
    /// Read the `.p8` PEM and sign a first token (so a bad key fails at startup).
    pub fn new(
        pem: &[u8],
        key_id: &str,
        team_id: &str,
        refresh_every: Duration,
        on_sign: Box<dyn Fn() + Send + Sync>,
    ) -> Result<Self, JwtError> {
        let key = EncodingKey::from_ec_pem(pem).map_err(|e| JwtError::BadKey(e.to_string()))?;
        let first = sign(&key, key_id, team_id, 1)?;
        on_sign();
        Ok(Self {
            key,
            key_id: key_id.to_owned(),
            team_id: team_id.to_owned(),
            refresh_every,
            current: RwLock::new(first),
            on_sign,
        })
    }

    /// The current token, re-signed first if it is older than the refresh interval.
    pub fn get(&self) -> Result<SignedToken, JwtError> {
        {
            let cur = self.current.read().unwrap_or_else(|p| p.into_inner());
            if cur.issued.elapsed() < self.refresh_every {
                return Ok(cur.clone());
            }
        }
        self.refresh_from(None)
    }

    /// Re-sign after `403 ExpiredProviderToken` on a request that used `generation` (a
    /// request using an older token than the current one does not refresh again).
    pub fn expired(&self, generation: u64) -> Result<SignedToken, JwtError> {
        self.refresh_from(Some(generation))
    }

    fn refresh_from(&self, seen: Option<u64>) -> Result<SignedToken, JwtError> {
        let mut cur = self.current.write().unwrap_or_else(|p| p.into_inner());
        let stale = match seen {
            Some(g) => cur.generation == g,
            None => cur.issued.elapsed() >= self.refresh_every,
        };
        if stale {
            *cur = sign(&self.key, &self.key_id, &self.team_id, cur.generation + 1)?;
            (self.on_sign)();
        }
        Ok(cur.clone())
    }
}

fn sign(
    key: &EncodingKey,
    key_id: &str,
    team_id: &str,
    generation: u64,
) -> Result<SignedToken, JwtError> {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(key_id.to_owned());
    let claims = Claims {
        iss: team_id,
        iat: unix_now(),
    };
    let jwt =
        jsonwebtoken::encode(&header, &claims, key).map_err(|e| JwtError::Sign(e.to_string()))?;
    let bearer = format!("bearer {jwt}");
    let value =
        hyper::header::HeaderValue::from_str(&bearer).map_err(|e| JwtError::Sign(e.to_string()))?;
    Ok(SignedToken {
        header: value,
        bearer: bearer.into(),
        generation,
        issued: Instant::now(),
    })
}
