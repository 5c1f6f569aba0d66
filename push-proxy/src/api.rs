//! The HTTP API, compatible with the reference proxy.
//!
//! `POST /register {token, env?}`, `POST /unregister {token}`,
//! `POST /pair-client {client_pubkey, relay_urls}`, `POST /unpair-client {client_pubkey}`:
//! NIP-98 authenticated, `{"ok":true}` on success. `GET /health` (JSON), `GET /metrics`
//! (Prometheus), `GET /event/<id>` (NIP-98, only for the signer the event addresses).
//! Errors are JSON `{"error": "<reason>"}` with 400, 401, 404, 405, 409, 413, 429 or 500.

// Handlers return the error response itself as `Err`; it is built once and sent.
#![allow(clippy::result_large_err)]

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::json;

use crate::apns::ApnsClient;
use crate::cache::EventCache;
use crate::dispatch::short;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::registry::{Registry, RegistryError};
use crate::relay::RelayShared;
use crate::store::{ApnsEnv, Pair, Registration};
use crate::verify::{Nip98Request, hex32, verify_nip98};

/// Largest accepted auth header (base64 of a small event).
const MAX_AUTH_HEADER: usize = 8 * 1024;
/// Longest device token, hex characters (Apple's are 64 today; documented as variable).
const MAX_TOKEN_HEX: usize = 200;
/// Shortest device token, hex characters.
const MIN_TOKEN_HEX: usize = 16;
/// Longest relay URL accepted for pairing.
const MAX_RELAY_URL: usize = 512;

/// API settings derived from the config.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// `PUBLIC_PROXY_URL` without a trailing slash.
    pub proxy_base: String,
    /// Shown in `/health`.
    pub public_relay: String,
    /// Largest body.
    pub max_body_bytes: usize,
    /// Environment for tokens registered without `env`.
    pub default_env: ApnsEnv,
    /// Relays per pair.
    pub max_relays_per_pair: usize,
    /// Accept loopback/private relay hosts.
    pub allow_private_relays: bool,
    /// Use `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
}

/// Shared state of the HTTP API.
pub struct AppState {
    /// Settings.
    pub settings: ApiSettings,
    /// Registrations.
    pub registry: Arc<Registry>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Recent events.
    pub cache: Arc<Mutex<EventCache>>,
    /// Per-IP limiter.
    pub ip_limit: Mutex<RateLimiter<IpAddr>>,
    /// Per-pubkey limiter.
    pub pubkey_limit: Mutex<RateLimiter<[u8; 32]>>,
    /// Relay state (connected count).
    pub relays: Arc<RelayShared>,
    /// APNs client (connection counts).
    pub apns: Arc<ApnsClient>,
    /// Process start.
    pub started: Instant,
}

type Resp = Response<Full<Bytes>>;

fn json_response(status: StatusCode, body: &serde_json::Value) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

fn error(status: StatusCode, reason: &str) -> Resp {
    json_response(status, &json!({ "error": reason }))
}

fn ok() -> Resp {
    json_response(StatusCode::OK, &json!({ "ok": true }))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// RFC 3339 UTC time for unix seconds.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

fn client_ip(headers: &HeaderMap, peer: SocketAddr, trust_xff: bool) -> IpAddr {
    if trust_xff
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    peer.ip()
}

/// The base64 NIP-98 event from `X-Clave-Auth` or `Authorization` (`Nostr <base64>`).
fn auth_event(headers: &HeaderMap) -> Result<Vec<u8>, &'static str> {
    let value = headers
        .get("x-clave-auth")
        .or_else(|| headers.get(hyper::header::AUTHORIZATION))
        .ok_or("missing_auth")?;
    if value.len() > MAX_AUTH_HEADER {
        return Err("auth_too_large");
    }
    let value = value.to_str().map_err(|_| "bad_auth_header")?.trim();
    let b64 = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("nostr") => rest.trim(),
        Some(_) => return Err("bad_auth_scheme"),
        None => value,
    };
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|e| e.decode(b64).ok())
        .ok_or("bad_auth_encoding")
}

impl AppState {
    fn authenticate(
        &self,
        headers: &HeaderMap,
        path: &str,
        method: &str,
        body: Option<&[u8]>,
    ) -> Result<[u8; 32], Resp> {
        let unauthorized = |reason: &str| {
            Metrics::inc(&self.metrics.http_unauthorized);
            error(StatusCode::UNAUTHORIZED, reason)
        };
        let event = auth_event(headers).map_err(unauthorized)?;
        let url = format!("{}{}", self.settings.proxy_base, path);
        let req = Nip98Request {
            url: &url,
            method,
            body,
            now: unix_now(),
        };
        let pubkey = verify_nip98(&event, &req).map_err(|e| unauthorized(e.reason()))?;
        let allowed = self
            .pubkey_limit
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .check(pubkey, Instant::now());
        if !allowed {
            Metrics::inc(&self.metrics.http_rate_limited);
            return Err(error(StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
        }
        Ok(pubkey)
    }
}

/// Serve one request.
pub async fn handle(
    state: Arc<AppState>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Resp, Infallible> {
    Metrics::inc(&state.metrics.http_requests);
    let ip = client_ip(req.headers(), peer, state.settings.trust_forwarded_for);
    // Monitoring endpoints are cheap and scraped from one address: not limited.
    let monitoring =
        req.method() == Method::GET && matches!(req.uri().path(), "/health" | "/metrics");
    let allowed = monitoring
        || state
            .ip_limit
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .check(ip, Instant::now());
    if !allowed {
        Metrics::inc(&state.metrics.http_rate_limited);
        return Ok(error(StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    }
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let resp = match (method, path.as_str()) {
        (Method::GET, "/health") => health(&state),
        (Method::GET, "/metrics") => metrics(&state),
        (Method::GET, p) if p.starts_with("/event/") => get_event(&state, &req, p),
        (Method::POST, "/register" | "/unregister" | "/pair-client" | "/unpair-client") => {
            post(&state, req, &path).await
        }
        (
            _,
            "/health" | "/metrics" | "/register" | "/unregister" | "/pair-client"
            | "/unpair-client",
        ) => error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        _ => error(StatusCode::NOT_FOUND, "not_found"),
    };
    Ok(resp)
}

fn health(state: &AppState) -> Resp {
    let (tokens, pubkeys) = state.registry.counts();
    let last = state
        .metrics
        .last_event_unix
        .load(std::sync::atomic::Ordering::Relaxed);
    let apns: serde_json::Map<String, serde_json::Value> = state
        .metrics
        .snapshot()
        .into_iter()
        .filter(|(k, _)| k.starts_with("apns_"))
        .map(|(k, v)| (k.to_owned(), v.into()))
        .collect();
    let (prod, sandbox) = state.apns.connection_counts();
    json_response(
        StatusCode::OK,
        &json!({
            "ok": true,
            "total_tokens": tokens,
            "unique_pubkeys": pubkeys,
            "last_event_received_at": (last > 0).then(|| rfc3339(last)),
            "uptime_seconds": state.started.elapsed().as_secs(),
            "public_relay": state.settings.public_relay,
            "relays_connected": state.relays.connected.load(std::sync::atomic::Ordering::Relaxed),
            "apns": apns,
            "apns_connections": { "production": prod, "sandbox": sandbox },
        }),
    )
}

fn metrics(state: &AppState) -> Resp {
    let (tokens, pubkeys) = state.registry.counts();
    let relays = state
        .relays
        .connected
        .load(std::sync::atomic::Ordering::Relaxed);
    let mut r = Response::new(Full::new(Bytes::from(
        state.metrics.render(tokens, pubkeys, relays),
    )));
    r.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}

fn get_event(state: &AppState, req: &Request<Incoming>, path: &str) -> Resp {
    let Some(id) = path.strip_prefix("/event/").and_then(hex32) else {
        return error(StatusCode::BAD_REQUEST, "invalid_event_id");
    };
    let signer = match state.authenticate(req.headers(), path, "GET", None) {
        Ok(pk) => pk,
        Err(resp) => return resp,
    };
    let found =
        state
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id, &signer, Instant::now());
    match found {
        Some(json) => {
            let mut r = Response::new(Full::new(Bytes::from(json.as_bytes().to_vec())));
            r.headers_mut().insert(
                CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("application/json"),
            );
            r
        }
        None => error(StatusCode::NOT_FOUND, "event_not_found"),
    }
}

async fn read_body(req: Request<Incoming>, max: usize) -> Result<(HeaderMap, Bytes), Resp> {
    let too_large = || error(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    let collected =
        tokio::time::timeout(Duration::from_secs(10), Limited::new(body, max).collect())
            .await
            .map_err(|_| error(StatusCode::REQUEST_TIMEOUT, "body_timeout"))?;
    match collected {
        Ok(c) => Ok((parts.headers, c.to_bytes())),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_large())
        }
        Err(_) => Err(error(StatusCode::BAD_REQUEST, "body_read_error")),
    }
}

#[derive(Deserialize)]
struct TokenBody {
    token: Option<serde_json::Value>,
    env: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct PairBody {
    client_pubkey: Option<serde_json::Value>,
    relay_urls: Option<serde_json::Value>,
}

fn parse_token(v: Option<&serde_json::Value>) -> Option<Vec<u8>> {
    let s = v?.as_str()?.trim();
    if !(MIN_TOKEN_HEX..=MAX_TOKEN_HEX).contains(&s.len()) {
        return None;
    }
    hex::decode(s).ok()
}

fn parse_pubkey(v: Option<&serde_json::Value>) -> Option<[u8; 32]> {
    let s = v?.as_str()?;
    // The reference accepts lower-case hex only.
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    hex32(s)
}

fn is_private_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") || h.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    match h.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64
        }
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6.to_ipv4_mapped().is_some()
        }
        Err(_) => false,
    }
}

/// Check a relay URL: `ws://` or `wss://`, a host, no credentials, no whitespace.
fn valid_relay_url(url: &str, allow_private: bool) -> bool {
    if url.len() > MAX_RELAY_URL || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some(rest) = url
        .strip_prefix("wss://")
        .or_else(|| url.strip_prefix("ws://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    let host = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => &authority[..=end],
            None => return false,
        }
    } else {
        authority.split(':').next().unwrap_or("")
    };
    !host.is_empty() && (allow_private || !is_private_host(host))
}

async fn post(state: &Arc<AppState>, req: Request<Incoming>, path: &str) -> Resp {
    let (headers, body) = match read_body(req, state.settings.max_body_bytes).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let pubkey = match state.authenticate(&headers, path, "POST", Some(&body)) {
        Ok(pk) => pk,
        Err(r) => return r,
    };
    let storage_error = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "storage failure");
        error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error")
    };
    match path {
        "/register" | "/unregister" => {
            let Ok(parsed) = serde_json::from_slice::<TokenBody>(&body) else {
                return error(StatusCode::BAD_REQUEST, "invalid_body");
            };
            let Some(token) = parse_token(parsed.token.as_ref()) else {
                return error(StatusCode::BAD_REQUEST, "invalid_token");
            };
            let token_hex = hex::encode(&token);
            if path == "/unregister" {
                return match state.registry.unregister(pubkey, token).await {
                    Ok(_) => {
                        tracing::info!(token = %short(&token_hex), signer = %short(&hex::encode(pubkey)), "unregistered");
                        ok()
                    }
                    Err(e) => storage_error(&e),
                };
            }
            let env = match parsed.env.as_ref() {
                None | Some(serde_json::Value::Null) => state.settings.default_env,
                Some(v) => match v.as_str().and_then(ApnsEnv::parse) {
                    Some(env) => env,
                    None => return error(StatusCode::BAD_REQUEST, "invalid_env"),
                },
            };
            let reg = Registration {
                pubkey,
                token,
                env,
                registered_at_ms: SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as u64),
            };
            match state.registry.register(reg).await {
                Ok(()) => {
                    tracing::info!(token = %short(&token_hex), signer = %short(&hex::encode(pubkey)), env = env.as_str(), "registered");
                    ok()
                }
                Err(RegistryError::Limit(what)) => error(StatusCode::CONFLICT, what),
                Err(RegistryError::Store(e)) => storage_error(&e),
            }
        }
        "/pair-client" => {
            let Ok(parsed) = serde_json::from_slice::<PairBody>(&body) else {
                return error(StatusCode::BAD_REQUEST, "invalid_body");
            };
            let Some(client) = parse_pubkey(parsed.client_pubkey.as_ref()) else {
                return error(StatusCode::BAD_REQUEST, "invalid_client_pubkey");
            };
            let Some(urls) = parsed.relay_urls.as_ref().and_then(|v| v.as_array()) else {
                return error(StatusCode::BAD_REQUEST, "invalid_relay_urls");
            };
            if urls.iter().any(|u| !u.is_string()) {
                return error(StatusCode::BAD_REQUEST, "invalid_relay_urls");
            }
            if urls.is_empty() {
                return error(StatusCode::BAD_REQUEST, "no_relays");
            }
            if urls.len() > state.settings.max_relays_per_pair {
                return json_response(
                    StatusCode::BAD_REQUEST,
                    &json!({"error": "relay_limit_per_pair", "limit": state.settings.max_relays_per_pair, "requested": urls.len()}),
                );
            }
            let mut relays: Vec<String> = Vec::with_capacity(urls.len());
            for u in urls.iter().filter_map(|u| u.as_str()) {
                if !valid_relay_url(u, state.settings.allow_private_relays) {
                    return json_response(
                        StatusCode::BAD_REQUEST,
                        &json!({"error": "invalid_relay_url", "url": u}),
                    );
                }
                if !relays.iter().any(|r| r == u) {
                    relays.push(u.to_owned());
                }
            }
            let pair = Pair {
                signer: pubkey,
                client,
                relays,
            };
            match state.registry.pair(pair).await {
                Ok(()) => ok(),
                Err(RegistryError::Limit(what)) => error(StatusCode::CONFLICT, what),
                Err(RegistryError::Store(e)) => storage_error(&e),
            }
        }
        _ => {
            let Ok(parsed) = serde_json::from_slice::<PairBody>(&body) else {
                return error(StatusCode::BAD_REQUEST, "invalid_body");
            };
            let Some(client) = parse_pubkey(parsed.client_pubkey.as_ref()) else {
                return error(StatusCode::BAD_REQUEST, "invalid_client_pubkey");
            };
            match state.registry.unpair(pubkey, client).await {
                Ok(_) => ok(),
                Err(e) => storage_error(&e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_urls() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert!(valid_relay_url("wss://relay.damus.io", false));
        assert!(valid_relay_url("wss://relay.example.com:4443/path", false));
        assert!(!valid_relay_url("wss://127.0.0.1:7000", false));
        assert!(valid_relay_url("ws://127.0.0.1:7000", true));
        assert!(!valid_relay_url("wss://[::1]/", false));
        assert!(!valid_relay_url("wss://10.0.0.1/", false));
        assert!(!valid_relay_url("https://relay.damus.io", false));
        assert!(!valid_relay_url("wss://user@relay.damus.io", false));
        assert!(!valid_relay_url("wss:// relay", false));
    }
}
