//! Event and NIP-98 verification: the one place where the proxy checks signatures, all of it
//! delegated to `signer-core` (allocation-free parser, canonical id, BIP-340).
//!
//! NIP-01 (<https://github.com/nostr-protocol/nips/blob/master/01.md>): the id is the sha256 of
//! `[0, pubkey, created_at, kind, tags, content]`; the signature is BIP-340 over the id.
//! NIP-98 (<https://github.com/nostr-protocol/nips/blob/master/98.md>): a kind-27235 event whose
//! `u`, `method` and `payload` tags bind it to one HTTP request, within ±60 s.

use std::fmt;

use signer_core::event::Event;
use signer_core::nip98;

/// NIP-46 request/response kind.
pub const NIP46_KIND: u16 = 24133;
/// Largest event the proxy will look at (relays cap frames at 128 KiB).
pub const MAX_EVENT_BYTES: usize = 128 * 1024;

/// Why an event or an authorization was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyError {
    /// Not a well-formed event (names the part).
    Malformed(&'static str),
    /// Event larger than [`MAX_EVENT_BYTES`].
    TooLarge,
    /// The id is not the hash of the serialization, or the signature does not verify.
    BadSignature,
    /// Wrong kind for the context.
    WrongKind,
    /// NIP-98 `created_at` outside ±60 s of now.
    Stale,
    /// NIP-98 `u` tag is not the exact request URL.
    WrongUrl,
    /// NIP-98 `method` tag is not the request method.
    WrongMethod,
    /// NIP-98 `payload` tag missing or not the sha256 of the body.
    WrongPayload,
}

impl VerifyError {
    /// A short stable reason for JSON error bodies and metrics.
    pub fn reason(self) -> &'static str {
        match self {
            VerifyError::Malformed(_) => "malformed_event",
            VerifyError::TooLarge => "event_too_large",
            VerifyError::BadSignature => "bad_signature",
            VerifyError::WrongKind => "wrong_kind",
            VerifyError::Stale => "stale_timestamp",
            VerifyError::WrongUrl => "url_mismatch",
            VerifyError::WrongMethod => "method_mismatch",
            VerifyError::WrongPayload => "payload_mismatch",
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Malformed(what) => write!(f, "malformed event: {what}"),
            other => f.write_str(other.reason()),
        }
    }
}

impl std::error::Error for VerifyError {}

fn map_core(e: signer_core::Error) -> VerifyError {
    use signer_core::Error as E;
    match e {
        E::Unauthorized(nip98::REASON_KIND) => VerifyError::WrongKind,
        E::Unauthorized(nip98::REASON_STALE) => VerifyError::Stale,
        E::Unauthorized(nip98::REASON_URL) => VerifyError::WrongUrl,
        E::Unauthorized(nip98::REASON_METHOD) => VerifyError::WrongMethod,
        E::Unauthorized(nip98::REASON_PAYLOAD) => VerifyError::WrongPayload,
        E::Unauthorized(_) | E::BadSignature | E::BadEventId | E::InvalidPublicKey => {
            VerifyError::BadSignature
        }
        E::TooLarge(_) => VerifyError::TooLarge,
        E::Malformed(what) => VerifyError::Malformed(what),
        _ => VerifyError::Malformed("event"),
    }
}

/// An event that parsed (borrowed from its JSON) but is not verified yet.
pub struct ParsedEvent<'a> {
    ev: Event<'a>,
}

impl<'a> ParsedEvent<'a> {
    /// Event id as stated (not yet checked).
    pub fn id(&self) -> &[u8; 32] {
        &self.ev.id
    }

    /// Author as stated.
    pub fn pubkey(&self) -> &[u8; 32] {
        &self.ev.pubkey
    }

    /// Kind.
    pub fn kind(&self) -> u16 {
        self.ev.kind
    }

    /// Decoded values of the `p` tags that are 64 hex characters, in order.
    pub fn p_tags(&self) -> impl Iterator<Item = [u8; 32]> + 'a {
        self.ev
            .tags
            .iter()
            .filter(|t| t.name().is_some_and(|n| n.eq_str("p")))
            .filter_map(|t| t.value())
            .filter_map(|v| v.as_plain())
            .filter_map(hex32)
    }

    /// Check the id and the signature.
    pub fn verify(&self) -> Result<(), VerifyError> {
        signer_core::event::verify(&self.ev).map_err(map_core)
    }
}

/// Parse an event from JSON without checking it.
pub fn parse_event(json: &[u8]) -> Result<ParsedEvent<'_>, VerifyError> {
    if json.len() > MAX_EVENT_BYTES {
        return Err(VerifyError::TooLarge);
    }
    Event::parse(json)
        .map(|ev| ParsedEvent { ev })
        .map_err(map_core)
}

/// Parse an event and check its id and BIP-340 signature.
pub fn verify_event(json: &[u8]) -> Result<ParsedEvent<'_>, VerifyError> {
    let ev = parse_event(json)?;
    ev.verify()?;
    Ok(ev)
}

/// Decode 64 hex chars into 32 bytes.
pub fn hex32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// The request a NIP-98 authorization must match.
#[derive(Debug, Clone, Copy)]
pub struct Nip98Request<'a> {
    /// Exact absolute URL (as the client was told to use it).
    pub url: &'a str,
    /// HTTP method, compared case-insensitively (nostr-tools writes `post`).
    pub method: &'a str,
    /// The body, when the request has one: the `payload` tag must be its sha256.
    pub body: Option<&'a [u8]>,
    /// Current unix time, seconds.
    pub now: u64,
}

/// Check a decoded NIP-98 event (the JSON inside `Nostr <base64>`); returns the signer pubkey.
///
/// POST bodies must be covered by a `payload` tag (signer-core refuses a non-empty body
/// without one).
pub fn verify_nip98(event_json: &[u8], req: &Nip98Request<'_>) -> Result<[u8; 32], VerifyError> {
    if event_json.len() > MAX_EVENT_BYTES {
        return Err(VerifyError::TooLarge);
    }
    let auth = nip98::AuthRequest {
        url: req.url,
        method: req.method,
        body: req.body,
    };
    nip98::verify_event(event_json, &auth, req.now, nip98::DEFAULT_WINDOW_SECS)
        .map(|pk| *pk.as_bytes())
        .map_err(map_core)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sha2_digest(b: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(b).into()
    }

    /// The vectors vendored (verbatim, sha256-checked) in signer-core.
    fn vectors(name: &str) -> serde_json::Value {
        let path = format!(
            "{}/../signer-core/tests/vectors/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("shared vectors present");
        serde_json::from_slice(&bytes).expect("vector json")
    }

    #[test]
    fn nip01_vectors() {
        let v = vectors("nip01-events.json");
        let valid = v["valid"].as_array().unwrap();
        assert!(!valid.is_empty());
        for case in valid {
            let json = serde_json::to_vec(&case["event"]).unwrap();
            assert!(verify_event(&json).is_ok(), "{case}");
        }
        for case in v["invalid"].as_array().unwrap() {
            let json = serde_json::to_vec(&case["event"]).unwrap();
            assert_eq!(verify_event(&json).err(), Some(VerifyError::BadSignature));
        }
    }

    #[test]
    fn serialization_edge_vectors() {
        let v = vectors("nip01-serialization-edge.json");
        let cases = v["cases"].as_array().unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let json = serde_json::to_vec(&case["event"]).unwrap();
            assert!(verify_event(&json).is_ok(), "{case}");
        }
    }

    #[test]
    fn nip98_vectors() {
        let v = vectors("nip98.json");
        let cases = v["cases"].as_array().unwrap();
        // The 98.md example has an id that is not its hash.
        let json = serde_json::to_vec(&cases[0]["event"]).unwrap();
        assert_eq!(verify_event(&json).err(), Some(VerifyError::BadSignature));
        let post = &cases[1];
        let json = serde_json::to_vec(&post["event"]).unwrap();
        // JSON.stringify of the vector's body_json (key order as written).
        let body = br#"{"test":"payload","n":1}"#.to_vec();
        assert_eq!(
            post["request"]["payload_sha256"].as_str().unwrap(),
            hex::encode(sha2_digest(&body))
        );
        let url = post["request"]["url"].as_str().unwrap();
        let req = Nip98Request {
            url,
            method: "POST",
            body: Some(&body),
            now: 1_700_000_030,
        };
        assert!(verify_nip98(&json, &req).is_ok());
        let stale = Nip98Request {
            now: 1_700_000_061,
            ..req
        };
        assert_eq!(verify_nip98(&json, &stale), Err(VerifyError::Stale));
        let other_url = Nip98Request {
            url: "http://127.0.0.1:8080/api/v1/upload",
            ..req
        };
        assert_eq!(verify_nip98(&json, &other_url), Err(VerifyError::WrongUrl));
        let get = Nip98Request {
            method: "GET",
            ..req
        };
        assert_eq!(verify_nip98(&json, &get), Err(VerifyError::WrongMethod));
        let body = Nip98Request {
            body: Some(b"{}"),
            ..req
        };
        assert_eq!(verify_nip98(&json, &body), Err(VerifyError::WrongPayload));
    }
}
