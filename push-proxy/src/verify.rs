//! Event and NIP-98 verification: the one place where the proxy checks signatures.
//!
//! NIP-01 (<https://github.com/nostr-protocol/nips/blob/master/01.md>): the id is the sha256 of
//! `[0, pubkey, created_at, kind, tags, content]` serialized as compact JSON; the signature is
//! BIP-340 over the id. NIP-98 (<https://github.com/nostr-protocol/nips/blob/master/98.md>):
//! a kind-27235 event whose `u`, `method` and `payload` tags bind it to one HTTP request.
//!
//! The Schnorr check goes through `signer_core::keys`; parsing and the canonical serialization
//! are done here with serde_json, which escapes exactly like `JSON.stringify` (lower-case
//! `\u00xx`, no `/` escaping).

use std::fmt;
use std::io::Write;

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// NIP-98 event kind.
pub const NIP98_KIND: u32 = 27235;
/// NIP-46 request/response kind.
pub const NIP46_KIND: u32 = 24133;
/// Largest event the proxy will look at (relays cap frames at 128 KiB).
pub const MAX_EVENT_BYTES: usize = 128 * 1024;
/// NIP-98: the auth event must be within this many seconds of now.
pub const NIP98_WINDOW_SECS: u64 = 60;

/// Why an event or an authorization was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyError {
    /// Not a well-formed event (names the part).
    Malformed(&'static str),
    /// Event larger than [`MAX_EVENT_BYTES`].
    TooLarge,
    /// The id is not the hash of the serialization.
    BadId,
    /// The pubkey is not a curve point or the signature does not verify.
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
            VerifyError::BadId => "bad_event_id",
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

#[derive(Deserialize)]
struct RawEvent {
    id: String,
    pubkey: String,
    created_at: u64,
    kind: u32,
    tags: Vec<Vec<String>>,
    content: String,
    sig: String,
}

/// An event whose id and signature have been checked.
#[derive(Debug, Clone)]
pub struct VerifiedEvent {
    /// Event id.
    pub id: [u8; 32],
    /// Author.
    pub pubkey: [u8; 32],
    /// `created_at`, unix seconds.
    pub created_at: u64,
    /// Kind.
    pub kind: u32,
    /// Tags.
    pub tags: Vec<Vec<String>>,
}

impl VerifiedEvent {
    /// Values of tags named `name` (second element), in order.
    pub fn tag_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        tag_values(&self.tags, name)
    }

    fn first_tag<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.tag_values(name).next()
    }
}

/// Decode 64 lower- or upper-case hex chars into 32 bytes.
pub fn hex32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

fn hex64(s: &str) -> Option<[u8; 64]> {
    let mut out = [0u8; 64];
    if s.len() != 128 {
        return None;
    }
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

struct HashWriter(Sha256);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An event that parsed but whose id and signature are not checked yet.
pub struct ParsedEvent {
    raw: RawEvent,
    id: [u8; 32],
    pubkey: [u8; 32],
    sig: [u8; 64],
}

impl ParsedEvent {
    /// Event id as stated (not yet checked).
    pub fn id(&self) -> &[u8; 32] {
        &self.id
    }

    /// Author as stated.
    pub fn pubkey(&self) -> &[u8; 32] {
        &self.pubkey
    }

    /// Kind.
    pub fn kind(&self) -> u32 {
        self.raw.kind
    }

    /// Values of tags named `name`.
    pub fn tag_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        tag_values(&self.raw.tags, name)
    }

    /// Check the id and the signature.
    pub fn verify(self) -> Result<VerifiedEvent, VerifyError> {
        let raw = self.raw;
        let mut hasher = HashWriter(Sha256::new());
        serde_json::to_writer(
            &mut hasher,
            &(
                0u8,
                &raw.pubkey,
                raw.created_at,
                raw.kind,
                &raw.tags,
                &raw.content,
            ),
        )
        .map_err(|_| VerifyError::Malformed("serialization"))?;
        let digest: [u8; 32] = hasher.0.finalize().into();
        // The id is public: a plain comparison leaks nothing.
        if digest != self.id {
            return Err(VerifyError::BadId);
        }
        let key = signer_core::keys::PublicKey::from_bytes(&self.pubkey)
            .map_err(|_| VerifyError::BadSignature)?;
        key.verify_schnorr(&self.id, &signer_core::keys::Signature(self.sig))
            .map_err(|_| VerifyError::BadSignature)?;
        Ok(VerifiedEvent {
            id: self.id,
            pubkey: self.pubkey,
            created_at: raw.created_at,
            kind: raw.kind,
            tags: raw.tags,
        })
    }
}

fn tag_values<'a>(tags: &'a [Vec<String>], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    tags.iter()
        .filter(move |t| t.first().is_some_and(|n| n == name))
        .filter_map(|t| t.get(1).map(String::as_str))
}

/// Parse an event from JSON without checking it.
pub fn parse_event(json: &[u8]) -> Result<ParsedEvent, VerifyError> {
    if json.len() > MAX_EVENT_BYTES {
        return Err(VerifyError::TooLarge);
    }
    let raw: RawEvent =
        serde_json::from_slice(json).map_err(|_| VerifyError::Malformed("event json"))?;
    let id = hex32(&raw.id).ok_or(VerifyError::Malformed("id"))?;
    let pubkey = hex32(&raw.pubkey).ok_or(VerifyError::Malformed("pubkey"))?;
    let sig = hex64(&raw.sig).ok_or(VerifyError::Malformed("sig"))?;
    Ok(ParsedEvent {
        raw,
        id,
        pubkey,
        sig,
    })
}

/// Parse an event from JSON and check its id and BIP-340 signature.
pub fn verify_event(json: &[u8]) -> Result<VerifiedEvent, VerifyError> {
    parse_event(json)?.verify()
}

/// The request a NIP-98 authorization must match.
#[derive(Debug, Clone, Copy)]
pub struct Nip98Request<'a> {
    /// Exact absolute URL (as the client was told to use it).
    pub url: &'a str,
    /// HTTP method, compared case-insensitively (nostr-tools writes `post`).
    pub method: &'a str,
    /// sha256 of the body when the request has one (POST): the `payload` tag must match.
    pub body_sha256: Option<[u8; 32]>,
    /// Current unix time, seconds.
    pub now: u64,
}

/// Check a decoded NIP-98 event (the JSON inside `Nostr <base64>`); returns the signer pubkey.
pub fn verify_nip98(event_json: &[u8], req: &Nip98Request<'_>) -> Result<[u8; 32], VerifyError> {
    let ev = verify_event(event_json)?;
    if ev.kind != NIP98_KIND {
        return Err(VerifyError::WrongKind);
    }
    if ev.created_at.abs_diff(req.now) > NIP98_WINDOW_SECS {
        return Err(VerifyError::Stale);
    }
    if ev.first_tag("u") != Some(req.url) {
        return Err(VerifyError::WrongUrl);
    }
    if !ev
        .first_tag("method")
        .is_some_and(|m| m.eq_ignore_ascii_case(req.method))
    {
        return Err(VerifyError::WrongMethod);
    }
    if let Some(hash) = req.body_sha256 {
        let tag = ev.first_tag("payload").ok_or(VerifyError::WrongPayload)?;
        if hex32(tag) != Some(hash) {
            return Err(VerifyError::WrongPayload);
        }
    }
    Ok(ev.pubkey)
}

/// sha256 of a byte string.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Vectors are read from `../shared/vectors` beside the repository.
    fn vectors(name: &str) -> serde_json::Value {
        let path = format!("{}/../../shared/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).expect("shared vectors present");
        serde_json::from_slice(&bytes).expect("vector json")
    }

    #[test]
    fn nip01_vectors() {
        let v = vectors("nip01-events.json");
        let valid = v["valid"].as_array().unwrap();
        assert!(!valid.is_empty());
        for case in valid {
            let json = serde_json::to_vec(&case["event"]).unwrap_or_default();
            assert!(verify_event(&json).is_ok(), "{case}");
        }
        for case in v["invalid"].as_array().into_iter().flatten() {
            let json = serde_json::to_vec(&case["event"]).unwrap_or_default();
            assert_eq!(verify_event(&json).err(), Some(VerifyError::BadId));
        }
    }

    #[test]
    fn serialization_edge_vectors() {
        let v = vectors("nip01-serialization-edge.json");
        let cases = v["cases"].as_array().unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let json = serde_json::to_vec(&case["event"]).unwrap_or_default();
            assert!(verify_event(&json).is_ok(), "{case}");
        }
    }

    #[test]
    fn nip98_vectors() {
        let v = vectors("nip98.json");
        let cases = v["cases"].as_array().unwrap();
        // The 98.md example has an id that is not its hash.
        let json = serde_json::to_vec(&cases[0]["event"]).unwrap_or_default();
        assert_eq!(verify_event(&json).err(), Some(VerifyError::BadId));
        let post = &cases[1];
        let json = serde_json::to_vec(&post["event"]).unwrap_or_default();
        let hash =
            hex32(post["request"]["payload_sha256"].as_str().unwrap_or("")).unwrap_or_default();
        let url = post["request"]["url"].as_str().unwrap_or("");
        let req = Nip98Request {
            url,
            method: "POST",
            body_sha256: Some(hash),
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
            body_sha256: Some([0; 32]),
            ..req
        };
        assert_eq!(verify_nip98(&json, &body), Err(VerifyError::WrongPayload));
    }
}
