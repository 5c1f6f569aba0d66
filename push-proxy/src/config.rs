//! Configuration from flags and environment (and `.env`, loaded by `main`).
//!
//! The reference proxy's variable names are accepted as they are: `PORT`, `RELAY_URL`,
//! `PUBLIC_RELAY_URL`, `PUBLIC_PROXY_URL`, `APNS_KEY_ID`, `APNS_TEAM_ID`, `APNS_KEY_PATH`,
//! `APNS_HOST`, `BUNDLE_ID`.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

/// Clave push proxy: wakes iPhones through APNs when a NIP-46 request arrives on a relay.
#[derive(Debug, Clone, Parser)]
#[command(name = "push-proxy", version, about, args_override_self = true)]
pub struct Config {
    /// HTTP port.
    #[arg(long, env = "PORT", default_value_t = 3000)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, env = "BIND", default_value = "0.0.0.0")]
    pub bind: IpAddr,
    /// Relays to watch for every registered pubkey (comma-separated).
    #[arg(
        long,
        env = "RELAY_URL",
        value_delimiter = ',',
        default_value = "wss://relay.powr.build"
    )]
    pub relay_url: Vec<String>,
    /// Public address of the (single) configured relay, sent to devices as `relay_url`.
    #[arg(long, env = "PUBLIC_RELAY_URL")]
    pub public_relay_url: Option<String>,
    /// Public base URL of this proxy; NIP-98 `u` tags must be this plus the path.
    #[arg(
        long,
        env = "PUBLIC_PROXY_URL",
        default_value = "https://proxy.clave.casa"
    )]
    pub public_proxy_url: String,
    /// APNs key id (`kid`).
    #[arg(long, env = "APNS_KEY_ID")]
    pub apns_key_id: String,
    /// Apple team id (`iss`).
    #[arg(long, env = "APNS_TEAM_ID")]
    pub apns_team_id: String,
    /// Path to the APNs `.p8` signing key.
    #[arg(long, env = "APNS_KEY_PATH", default_value = "./AuthKey.p8")]
    pub apns_key_path: PathBuf,
    /// APNs production host (`host` or `host:port`).
    #[arg(long, env = "APNS_HOST", default_value = "api.push.apple.com")]
    pub apns_host: String,
    /// APNs sandbox host, for tokens registered with `env: sandbox`.
    #[arg(
        long,
        env = "APNS_SANDBOX_HOST",
        default_value = "api.sandbox.push.apple.com"
    )]
    pub apns_sandbox_host: String,
    /// Extra PEM trust roots for APNs (tests, TLS-inspecting egress).
    #[arg(long, env = "APNS_CA_FILE")]
    pub apns_ca_file: Option<PathBuf>,
    /// `apns-topic`: the app's bundle id.
    #[arg(long, env = "BUNDLE_ID", default_value = "dev.nostr.Clave")]
    pub bundle_id: String,
    /// Environment of tokens registered without `env`.
    #[arg(long, env = "DEFAULT_APNS_ENV", default_value = "production")]
    pub default_env: String,
    /// Database file.
    #[arg(long, env = "DB_PATH", default_value = "./push-proxy.redb")]
    pub db_path: PathBuf,
    /// Provider token lifetime before re-signing, seconds (Apple: 1200..=3600).
    #[arg(long, env = "APNS_JWT_REFRESH_SECS", default_value_t = 2400)]
    pub jwt_refresh_secs: u64,
    /// `apns-expiration` offset, seconds.
    #[arg(long, env = "APNS_EXPIRATION_SECS", default_value_t = 60)]
    pub apns_expiration_secs: u64,
    /// Per-attempt APNs timeout, milliseconds.
    #[arg(long, env = "APNS_TIMEOUT_MS", default_value_t = 10_000)]
    pub apns_timeout_ms: u64,
    /// Retries for 429, 5xx and lost connections.
    #[arg(long, env = "APNS_RETRIES", default_value_t = 3)]
    pub apns_retries: u32,
    /// First retry delay, milliseconds (doubles, with jitter).
    #[arg(long, env = "APNS_RETRY_BASE_MS", default_value_t = 200)]
    pub apns_retry_base_ms: u64,
    /// HTTP/2 connections per APNs environment.
    #[arg(long, env = "APNS_CONNECTIONS", default_value_t = 4)]
    pub apns_connections: usize,
    /// Pushes in flight at once.
    #[arg(long, env = "APNS_MAX_INFLIGHT", default_value_t = 2000)]
    pub apns_max_inflight: usize,
    /// Pubkeys per `#p` filter.
    #[arg(long, env = "RELAY_BATCH_SIZE", default_value_t = 500)]
    pub relay_batch_size: usize,
    /// Subscriptions per relay connection (nostr-rs-relay: 32; strfry: 200).
    #[arg(long, env = "RELAY_MAX_SUBS", default_value_t = 20)]
    pub relay_max_subs: usize,
    /// `since` margin after a reconnect, seconds.
    #[arg(long, env = "RELAY_SINCE_MARGIN_SECS", default_value_t = 10)]
    pub relay_since_margin_secs: u64,
    /// Relay ping interval, seconds.
    #[arg(long, env = "RELAY_PING_SECS", default_value_t = 30)]
    pub relay_ping_secs: u64,
    /// First reconnect delay, milliseconds.
    #[arg(long, env = "RELAY_MIN_BACKOFF_MS", default_value_t = 1000)]
    pub relay_min_backoff_ms: u64,
    /// Largest reconnect delay, seconds.
    #[arg(long, env = "RELAY_MAX_BACKOFF_SECS", default_value_t = 60)]
    pub relay_max_backoff_secs: u64,
    /// Watch the relays of paired clients too.
    #[arg(long, env = "WATCH_PAIRED_RELAYS", default_value_t = true, action = clap::ArgAction::Set)]
    pub watch_paired_relays: bool,
    /// Accept paired relays on loopback/private addresses (tests, private networks).
    #[arg(long, env = "ALLOW_PRIVATE_RELAYS", default_value_t = false, action = clap::ArgAction::Set)]
    pub allow_private_relays: bool,
    /// Largest request body, bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 4096)]
    pub max_body_bytes: usize,
    /// Requests per minute per client IP.
    #[arg(long, env = "RATE_PER_IP", default_value_t = 120)]
    pub rate_per_ip: u32,
    /// Requests per minute per authenticated pubkey.
    #[arg(long, env = "RATE_PER_PUBKEY", default_value_t = 30)]
    pub rate_per_pubkey: u32,
    /// Burst allowance for both rate limits.
    #[arg(long, env = "RATE_BURST", default_value_t = 20)]
    pub rate_burst: u32,
    /// Use the right-most `X-Forwarded-For` address as the client IP (behind a reverse proxy).
    #[arg(long, env = "TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,
    /// Device tokens per pubkey.
    #[arg(long, env = "MAX_TOKENS_PER_PUBKEY", default_value_t = 10)]
    pub max_tokens_per_pubkey: usize,
    /// Paired clients per pubkey.
    #[arg(long, env = "MAX_PAIRS_PER_PUBKEY", default_value_t = 5)]
    pub max_pairs_per_pubkey: usize,
    /// Relays per pairing.
    #[arg(long, env = "MAX_RELAYS_PER_PAIR", default_value_t = 10)]
    pub max_relays_per_pair: usize,
    /// Distinct paired relays overall.
    #[arg(long, env = "MAX_PAIRED_RELAYS", default_value_t = 500)]
    pub max_paired_relays: usize,
    /// How long pushed events stay available at `/event/<id>`, seconds.
    #[arg(long, env = "EVENT_CACHE_SECS", default_value_t = 300)]
    pub event_cache_secs: u64,
    /// Event ids remembered for duplicate detection (per worker).
    #[arg(long, env = "DEDUPE_CAPACITY", default_value_t = 100_000)]
    pub dedupe_capacity: usize,
    /// Dispatcher workers (0 = one per core).
    #[arg(long, env = "WORKERS", default_value_t = 0)]
    pub workers: usize,
}

impl Config {
    /// Reject values that cannot work, with a message naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.apns_key_id.trim().is_empty() {
            return Err("APNS_KEY_ID is empty".into());
        }
        if self.apns_team_id.trim().is_empty() {
            return Err("APNS_TEAM_ID is empty".into());
        }
        if self
            .relay_url
            .iter()
            .any(|u| !(u.starts_with("ws://") || u.starts_with("wss://")))
        {
            return Err("RELAY_URL must be ws:// or wss:// URLs".into());
        }
        if crate::store::ApnsEnv::parse(&self.default_env).is_none() {
            return Err("DEFAULT_APNS_ENV must be production or sandbox".into());
        }
        if self.jwt_refresh_secs == 0 {
            return Err("APNS_JWT_REFRESH_SECS must be positive".into());
        }
        if !(crate::jwt::MIN_REFRESH.as_secs()..=crate::jwt::MAX_REFRESH.as_secs())
            .contains(&self.jwt_refresh_secs)
        {
            tracing::warn!(
                secs = self.jwt_refresh_secs,
                "APNS_JWT_REFRESH_SECS outside Apple's 1200..=3600 window"
            );
        }
        Ok(())
    }

    /// `PUBLIC_PROXY_URL` without a trailing slash.
    pub fn proxy_base(&self) -> &str {
        self.public_proxy_url.trim_end_matches('/')
    }
}
