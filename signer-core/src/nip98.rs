//! NIP-98 HTTP Auth: a signed kind-27235 event, base64-encoded in `Authorization: Nostr <b64>`.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/98.md>.
//!
//! The validator checks, in this order: the header's scheme and base64 (standard alphabet,
//! padding optional), the event's form, kind 27235, `created_at` within a window of `now`, the
//! `u` tag exactly equal to the request URL, the `method` tag equal ignoring ASCII case
//! (nostr-tools writes `"post"`), the `payload` tag (sha256 hex of the body) and finally the id
//! and signature (the expensive check last). Each failure is an [`Error::Unauthorized`] naming
//! the check (see the `REASON_*` constants); malformed input is [`Error::Malformed`].
//!
//! ```
//! use signer_core::keys::SecretKey;
//! use signer_core::nip98::{self, AuthRequest};
//!
//! let sk = SecretKey::from_hex("7f7ff03d123792d6ac594bfa67bf6d0c0ab55b6b1fdb6249303fe861f1ccba9a")?;
//! let req = AuthRequest { url: "https://push.example/register", method: "POST", body: Some(b"{}") };
//! let (mut scratch, mut header) = ([0u8; 1024], [0u8; 1400]);
//! let n = nip98::sign_header(&sk, &req, 1_700_000_000, &[0u8; 32], &mut scratch, &mut header)?;
//!
//! // Server side:
//! let pk = nip98::verify_header(&header[..n], req.url, "post", req.body, 1_700_000_030, &mut scratch)?;
//! assert_eq!(pk, sk.public_key());
//! # Ok::<(), signer_core::Error>(())
//! ```

use base64ct::{Base64, Base64Unpadded, Encoding};
use sha2::{Digest, Sha256};

use crate::event::{self, Event, EventTemplate};
use crate::keys::{PublicKey, SecretKey};
use crate::{Error, hex};

/// NIP-98: "A `kind 27235` (In reference to RFC 7235) event is used."
pub const KIND_HTTP_AUTH: u16 = 27235;

/// NIP-98 check 2 suggests a 60-second window for `created_at`.
pub const DEFAULT_WINDOW_SECS: u64 = 60;

/// The HTTP authorization scheme (matched case-insensitively, as RFC 7235 requires).
pub const SCHEME: &str = "Nostr";

/// `Unauthorized` reason: the event is not kind 27235.
pub const REASON_KIND: &str = "kind";
/// `Unauthorized` reason: `created_at` is outside the window around `now`.
pub const REASON_STALE: &str = "stale";
/// `Unauthorized` reason: no `u` tag, or it differs from the request URL.
pub const REASON_URL: &str = "url";
/// `Unauthorized` reason: no `method` tag, or it differs from the request method.
pub const REASON_METHOD: &str = "method";
/// `Unauthorized` reason: the `payload` tag does not match the body, or a body is unsigned.
pub const REASON_PAYLOAD: &str = "payload";
/// `Unauthorized` reason: the id is not the event's hash or the signature does not verify.
pub const REASON_SIGNATURE: &str = "signature";

const BAD_HEADER: Error = Error::Malformed("nip98 authorization header");

/// The request an auth event is made for (or checked against).
#[derive(Debug, Clone, Copy)]
pub struct AuthRequest<'a> {
    /// The absolute request URL, query included.
    pub url: &'a str,
    /// The HTTP method (e.g. `"POST"`).
    pub method: &'a str,
    /// The request body, if the request has one.
    pub body: Option<&'a [u8]>,
}

/// Lowercase sha256 hex of `body`, as the `payload` tag carries it.
fn payload_hex(body: &[u8]) -> [u8; 64] {
    let digest: [u8; 32] = Sha256::digest(body).into();
    hex::encode_array(&digest)
}

/// Sign a kind-27235 auth event for `req` into `out` (tags `u`, `method`, and `payload` when a
/// body is given; empty content). Returns the JSON length.
pub fn sign_event(
    sk: &SecretKey,
    req: &AuthRequest<'_>,
    created_at: u64,
    aux: &[u8; 32],
    out: &mut [u8],
) -> Result<usize, Error> {
    let payload = req.body.map(payload_hex);
    let payload_str = match &payload {
        Some(h) => Some(core::str::from_utf8(h).map_err(|_| Error::Malformed("hex"))?),
        None => None,
    };
    let u: [&str; 2] = ["u", req.url];
    let m: [&str; 2] = ["method", req.method];
    let p: [&str; 2] = ["payload", payload_str.unwrap_or("")];
    let with_payload: [&[&str]; 3] = [&u, &m, &p];
    let tags: &[&[&str]] = if payload_str.is_some() {
        &with_payload
    } else {
        &with_payload[..2]
    };
    EventTemplate {
        kind: KIND_HTTP_AUTH,
        created_at,
        tags,
        content: "",
    }
    .sign(sk, aux, out)
}

/// Write the header value `Nostr <base64(event_json)>` (standard alphabet, padded) into `out`.
/// Returns its length.
pub fn encode_header(event_json: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let prefix = SCHEME.len() + 1;
    let b64_len = Base64::encoded_len(event_json);
    let total = prefix.checked_add(b64_len).ok_or(Error::BufferTooSmall)?;
    let dst = out.get_mut(..total).ok_or(Error::BufferTooSmall)?;
    let (head, tail) = dst.split_at_mut(prefix);
    head[..SCHEME.len()].copy_from_slice(SCHEME.as_bytes());
    head[SCHEME.len()] = b' ';
    Base64::encode(event_json, tail).map_err(|_| Error::BufferTooSmall)?;
    Ok(total)
}

/// Sign an auth event for `req` (JSON written into `scratch`) and write the header value
/// `Nostr <base64>` into `out`. Returns the header length.
pub fn sign_header(
    sk: &SecretKey,
    req: &AuthRequest<'_>,
    created_at: u64,
    aux: &[u8; 32],
    scratch: &mut [u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let n = sign_event(sk, req, created_at, aux, scratch)?;
    encode_header(&scratch[..n], out)
}

/// Validate an `Authorization` header value (`Nostr <base64>`) for a request, with the default
/// ±60 s window, and return the authenticated pubkey. `scratch` receives the decoded event and
/// must hold it (3/4 of the base64 length), else [`Error::BufferTooSmall`].
///
/// A `payload` tag, when present, must equal sha256 of the body (of the empty body if `body` is
/// `None`); a non-empty body without a `payload` tag is refused.
pub fn verify_header(
    header_value: &[u8],
    expected_url: &str,
    method: &str,
    body: Option<&[u8]>,
    now: u64,
    scratch: &mut [u8],
) -> Result<PublicKey, Error> {
    let req = AuthRequest {
        url: expected_url,
        method,
        body,
    };
    verify_header_with(header_value, &req, now, DEFAULT_WINDOW_SECS, scratch)
}

/// [`verify_header`] with an explicit window (seconds either side of `now`).
pub fn verify_header_with(
    header_value: &[u8],
    req: &AuthRequest<'_>,
    now: u64,
    window_secs: u64,
    scratch: &mut [u8],
) -> Result<PublicKey, Error> {
    let token = strip_scheme(header_value)?;
    let n = decode_base64(token, scratch)?;
    verify_event(&scratch[..n], req, now, window_secs)
}

/// `Nostr <token>`: scheme case-insensitive, one or more spaces, optional surrounding whitespace.
fn strip_scheme(header: &[u8]) -> Result<&[u8], Error> {
    let h = header.trim_ascii();
    let (scheme, rest) = h.split_at_checked(SCHEME.len()).ok_or(BAD_HEADER)?;
    if !scheme.eq_ignore_ascii_case(SCHEME.as_bytes()) || rest.first() != Some(&b' ') {
        return Err(BAD_HEADER);
    }
    let token = rest.trim_ascii_start();
    if token.is_empty() {
        return Err(BAD_HEADER);
    }
    Ok(token)
}

/// Standard base64, padding optional.
fn decode_base64(token: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let unpadded = token
        .strip_suffix(b"==")
        .or_else(|| token.strip_suffix(b"="))
        .unwrap_or(token);
    let needed = unpadded.len() / 4 * 3 + (unpadded.len() % 4).saturating_sub(1);
    if needed > out.len() {
        return Err(Error::BufferTooSmall);
    }
    Base64Unpadded::decode(unpadded, out)
        .map(<[u8]>::len)
        .map_err(|_| Error::Malformed("base64"))
}

/// Validate a decoded auth event (JSON) against `req` and return the authenticated pubkey.
pub fn verify_event(
    event_json: &[u8],
    req: &AuthRequest<'_>,
    now: u64,
    window_secs: u64,
) -> Result<PublicKey, Error> {
    let ev = Event::parse(event_json)?;
    if ev.kind != KIND_HTTP_AUTH {
        return Err(Error::Unauthorized(REASON_KIND));
    }
    if ev.created_at.abs_diff(now) > window_secs {
        return Err(Error::Unauthorized(REASON_STALE));
    }
    if !ev.tags.first_value("u").is_some_and(|u| u.eq_str(req.url)) {
        return Err(Error::Unauthorized(REASON_URL));
    }
    if !ev
        .tags
        .first_value("method")
        .is_some_and(|m| m.eq_ignore_ascii_case(req.method))
    {
        return Err(Error::Unauthorized(REASON_METHOD));
    }
    let body = req.body.unwrap_or(&[]);
    match ev.tags.first_value("payload") {
        Some(tag) => {
            let want = payload_hex(body);
            let want = core::str::from_utf8(&want).map_err(|_| Error::Malformed("hex"))?;
            if !tag.eq_ignore_ascii_case(want) {
                return Err(Error::Unauthorized(REASON_PAYLOAD));
            }
        }
        None if !body.is_empty() => return Err(Error::Unauthorized(REASON_PAYLOAD)),
        None => {}
    }
    event::verify(&ev).map_err(|_| Error::Unauthorized(REASON_SIGNATURE))?;
    PublicKey::from_bytes(&ev.pubkey).map_err(|_| Error::Unauthorized(REASON_SIGNATURE))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn scheme_parsing() {
        assert_eq!(strip_scheme(b"Nostr abc").unwrap(), b"abc");
        assert_eq!(strip_scheme(b"  nostr   abc \r\n").unwrap(), b"abc");
        assert_eq!(strip_scheme(b"NOSTR abc").unwrap(), b"abc");
        for bad in [
            &b"Nostrabc"[..],
            b"Bearer abc",
            b"Nostr ",
            b"Nostr",
            b"",
            b"Nost abc",
        ] {
            assert_eq!(strip_scheme(bad), Err(BAD_HEADER), "{bad:?}");
        }
    }

    #[test]
    fn base64_padding_optional() {
        let mut out = [0u8; 8];
        assert_eq!(decode_base64(b"YWI=", &mut out), Ok(2));
        assert_eq!(decode_base64(b"YWI", &mut out), Ok(2));
        assert_eq!(&out[..2], b"ab");
        assert_eq!(decode_base64(b"YQ==", &mut out), Ok(1));
        assert_eq!(decode_base64(b"YQ", &mut out), Ok(1));
        assert!(decode_base64(b"Y", &mut out).is_err());
        assert!(decode_base64(b"YW-=", &mut out).is_err());
        assert!(decode_base64(b"YWI===", &mut out).is_err());
        assert_eq!(
            decode_base64(b"YWJjZA==", &mut out[..3]),
            Err(Error::BufferTooSmall)
        );
    }
}
