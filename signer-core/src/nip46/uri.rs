//! `bunker://` and `nostrconnect://` connection URIs, client metadata, bunker secrets.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/46.md> ("Initiating a connection").
//!
//! - [`write_bunker_uri`] emits what every client parses: a lowercase-hex signer key, one
//!   percent-encoded `relay=` per relay, a `secret` of `[A-Za-z0-9_-]`.
//! - [`NostrConnectUri::parse`] accepts both the flat form (`relay`, `secret`, `perms`, `name`,
//!   `url`, `image`: nostr-tools, NDK, applesauce) and rust-nostr's legacy `metadata={json}`;
//!   flat parameters win over the metadata object. `secret` and at least one `relay` are
//!   required, the key must be 64 lowercase hex on the curve, relays must be `wss://`/`ws://`.
//! - Query values are percent-decoded (`+` is a space) into fixed-capacity strings; a value, a
//!   count or the URI over its bound is an error, never a truncation. Unknown parameters are
//!   ignored; a repeated single-valued parameter is an error; empty `name`/`url`/`image` (NDK
//!   sends `image=&url=`) mean absent; repeated relays are kept once.
//!
//! ```
//! use signer_core::keys::PublicKey;
//! use signer_core::nip46::uri::{bunker_secret, write_bunker_uri, BunkerUri};
//!
//! let signer = PublicKey::from_hex("79dff8f82963424e0bb02708a22e44b4980893e3a4be0fa3cb60a43b946764e3")?;
//! let secret = bunker_secret(&[7u8; 16]);
//! let mut out = [0u8; 256];
//! let n = write_bunker_uri(&signer, &["wss://relay.example.com"], &secret, &mut out)?;
//! let uri = core::str::from_utf8(&out[..n]).map_err(|_| signer_core::Error::Malformed("utf-8"))?;
//! assert!(uri.starts_with("bunker://79dff8f8"));
//! assert!(uri.contains("?relay=wss%3A%2F%2Frelay.example.com&secret="));
//! let parsed = BunkerUri::parse(uri)?;
//! assert_eq!(parsed.signer, signer);
//! assert_eq!(parsed.secret.as_deref(), Some(secret.as_str()));
//! # Ok::<(), signer_core::Error>(())
//! ```

use base64ct::{Base64UrlUnpadded, Encoding};
use heapless::{String, Vec};

use super::perms::RequestedPerms;
use crate::keys::PublicKey;
use crate::{Error, hex, json};

/// Longest URI accepted by the parsers.
pub const MAX_URI_LEN: usize = 8192;
/// Most distinct relays in one URI.
pub const MAX_RELAYS: usize = 8;
/// Longest relay URL (decoded).
pub const MAX_RELAY_URL_LEN: usize = 256;
/// Longest secret (decoded). nostr-tools and NDK send 8–36 characters.
pub const MAX_SECRET_LEN: usize = 128;
/// Longest client name (decoded).
pub const MAX_NAME_LEN: usize = 128;
/// Longest client `url` or `image` (decoded).
pub const MAX_APP_URL_LEN: usize = 512;
/// Longest `perms` value (decoded).
pub const MAX_PERMS_LEN: usize = 1024;
/// Longest `metadata` JSON (decoded), and longest metadata accepted by
/// [`ClientMetadata::from_json`].
pub const MAX_METADATA_LEN: usize = 2048;
/// Length of a [`bunker_secret`]: 16 bytes of entropy in unpadded base64url.
pub const BUNKER_SECRET_LEN: usize = 22;

const BUNKER_SCHEME: &str = "bunker://";
const NOSTRCONNECT_SCHEME: &str = "nostrconnect://";
const PUBKEY_HEX_LEN: usize = 64;

/// A relay URL (`wss://` or `ws://`).
pub type RelayUrl = String<MAX_RELAY_URL_LEN>;
/// The relays of a URI, in order of first appearance.
pub type Relays = Vec<RelayUrl, MAX_RELAYS>;
/// A connection secret.
pub type Secret = String<MAX_SECRET_LEN>;

/// A parsed `bunker://` URI (what a client receives from a signer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BunkerUri {
    /// The remote-signer key.
    pub signer: PublicKey,
    /// Where to reach it; at least one.
    pub relays: Relays,
    /// The single-use connection secret, if any.
    pub secret: Option<Secret>,
}

/// Display hints a client sends about itself (never used for authorisation).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientMetadata {
    /// The client's name.
    pub name: Option<String<MAX_NAME_LEN>>,
    /// The client's canonical URL.
    pub url: Option<String<MAX_APP_URL_LEN>>,
    /// A small image for the client.
    pub image: Option<String<MAX_APP_URL_LEN>>,
}

/// A parsed `nostrconnect://` URI (what a client shows the signer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NostrConnectUri {
    /// The client's key.
    pub client: PublicKey,
    /// Where the client listens; at least one.
    pub relays: Relays,
    /// The secret the connect response must carry as its `result`.
    pub secret: Secret,
    /// The permissions the client asks for.
    pub perms: RequestedPerms,
    /// Display hints.
    pub metadata: ClientMetadata,
}

/// A fresh bunker secret from caller entropy: 16 bytes as 22 characters of unpadded base64url
/// (`[A-Za-z0-9_-]`, 128 bits).
pub fn bunker_secret(entropy: &[u8; 16]) -> String<BUNKER_SECRET_LEN> {
    let mut buf = [0u8; BUNKER_SECRET_LEN];
    let mut s = String::new();
    // Cannot fail: 16 bytes encode to exactly 22 characters.
    if let Ok(text) = Base64UrlUnpadded::encode(entropy, &mut buf) {
        let _ = s.push_str(text);
    }
    s
}

/// Write `bunker://<signer hex>?relay=<pct>&…&secret=<secret>` into `out`; returns its length.
///
/// Needs 1..=[`MAX_RELAYS`] relays (each `wss://`/`ws://`, at most [`MAX_RELAY_URL_LEN`]) and a
/// secret of 1..=[`MAX_SECRET_LEN`] characters from `[A-Za-z0-9_-]`, so that every client (and
/// [`BunkerUri::parse`]) reads the result back unchanged.
pub fn write_bunker_uri(
    signer: &PublicKey,
    relays: &[&str],
    secret: &str,
    out: &mut [u8],
) -> Result<usize, Error> {
    if relays.is_empty() {
        return Err(Error::Malformed("missing relay"));
    }
    if relays.len() > MAX_RELAYS {
        return Err(Error::TooLarge("relays"));
    }
    for relay in relays {
        if relay.len() > MAX_RELAY_URL_LEN {
            return Err(Error::TooLarge("relay url"));
        }
        check_relay(relay)?;
    }
    if secret.is_empty()
        || !secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::Malformed("bunker secret"));
    }
    if secret.len() > MAX_SECRET_LEN {
        return Err(Error::TooLarge("secret"));
    }

    let mut w = Writer { out, len: 0 };
    w.put(BUNKER_SCHEME.as_bytes())?;
    w.put(&signer.to_hex())?;
    for (i, relay) in relays.iter().enumerate() {
        w.put(if i == 0 { b"?relay=" } else { b"&relay=" })?;
        for &b in relay.as_bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                w.put(&[b])?;
            } else {
                let mut esc = [b'%', 0, 0];
                hex::encode_into(&[b], &mut esc[1..]);
                esc[1..].make_ascii_uppercase();
                w.put(&esc)?;
            }
        }
    }
    w.put(b"&secret=")?;
    w.put(secret.as_bytes())?;
    Ok(w.len)
}

struct Writer<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.len + bytes.len();
        self.out
            .get_mut(self.len..end)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

impl BunkerUri {
    /// Parse a `bunker://` URI. Needs at least one relay; `secret` is optional.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let (signer, query) = split_uri(s, BUNKER_SCHEME)?;
        let mut relays = Relays::new();
        let mut secret = None;
        for (key, value) in pairs(query) {
            match key {
                "relay" => push_relay(&mut relays, value)?,
                "secret" => {
                    set_once(&mut secret, parse_secret(value)?)?;
                }
                _ => {}
            }
        }
        if relays.is_empty() {
            return Err(Error::Malformed("missing relay"));
        }
        Ok(Self {
            signer,
            relays,
            // `secret=` with no value means no secret.
            secret: secret.filter(|s: &Secret| !s.is_empty()),
        })
    }
}

impl NostrConnectUri {
    /// Parse a `nostrconnect://` URI in the flat or the legacy `metadata={json}` form.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let (client, query) = split_uri(s, NOSTRCONNECT_SCHEME)?;
        let mut relays = Relays::new();
        let mut secret: Option<Secret> = None;
        let mut perms: Option<String<MAX_PERMS_LEN>> = None;
        let mut name: Option<String<MAX_NAME_LEN>> = None;
        let mut url: Option<String<MAX_APP_URL_LEN>> = None;
        let mut image: Option<String<MAX_APP_URL_LEN>> = None;
        let mut legacy: Option<ClientMetadata> = None;
        let mut legacy_perms: Option<String<MAX_PERMS_LEN>> = None;
        for (key, value) in pairs(query) {
            match key {
                "relay" => push_relay(&mut relays, value)?,
                "secret" => set_once(&mut secret, parse_secret(value)?)?,
                "perms" => set_once(&mut perms, decode(value, "perms")?)?,
                "name" => set_once(&mut name, decode(value, "client name")?)?,
                "url" => set_once(&mut url, decode(value, "client url")?)?,
                "image" => set_once(&mut image, decode(value, "client image")?)?,
                "metadata" => {
                    let json: Vec<u8, MAX_METADATA_LEN> = decode_bytes(value, "metadata")?;
                    let (meta, meta_perms) = metadata_from_json(&json)?;
                    set_once(&mut legacy, meta)?;
                    legacy_perms = meta_perms;
                }
                _ => {}
            }
        }
        let secret = secret
            .filter(|s| !s.is_empty())
            .ok_or(Error::Malformed("missing secret"))?;
        if relays.is_empty() {
            return Err(Error::Malformed("missing relay"));
        }
        let legacy = legacy.unwrap_or_default();
        let perms = match perms.filter(|p| !p.is_empty()).or(legacy_perms) {
            Some(p) => RequestedPerms::parse(&p)?,
            None => RequestedPerms::default(),
        };
        Ok(Self {
            client,
            relays,
            secret,
            perms,
            metadata: ClientMetadata {
                name: non_empty(name).or(legacy.name),
                url: non_empty(url).or(legacy.url),
                image: non_empty(image).or(legacy.image),
            },
        })
    }
}

impl ClientMetadata {
    /// From the JSON object of `connect`'s fourth parameter or a legacy `metadata=` value:
    /// string members `name`, `url` and `image` (or, rust-nostr's form, the first of `icons`).
    /// Other members are ignored, non-string values count as absent, an over-long value is an
    /// error.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        if json.len() > MAX_METADATA_LEN {
            return Err(Error::TooLarge("client metadata"));
        }
        metadata_from_json(json.as_bytes()).map(|(meta, _)| meta)
    }
}

/// The metadata object, plus its `perms` member (an older NIP-46 text put perms there).
fn metadata_from_json(
    json: &[u8],
) -> Result<(ClientMetadata, Option<String<MAX_PERMS_LEN>>), Error> {
    const BAD: Error = Error::Malformed("client metadata");
    let doc = json::parse(json).map_err(|_| BAD)?;
    let obj = doc.as_object().ok_or(BAD)?;
    let field = |key: &str| obj.get(key).and_then(|v| v.as_str());
    let icon = obj
        .get("icons")
        .and_then(|v| v.as_array())
        .and_then(|a| a.iter().next())
        .and_then(|v| v.as_str());
    let meta = ClientMetadata {
        name: json_string(field("name"), "client name")?,
        url: json_string(field("url"), "client url")?,
        image: match json_string(field("image"), "client image")? {
            Some(image) => Some(image),
            None => json_string(icon, "client image")?,
        },
    };
    let perms = json_string(field("perms"), "perms")?;
    Ok((meta, perms))
}

fn json_string<const N: usize>(
    s: Option<json::JsonStr<'_>>,
    what: &'static str,
) -> Result<Option<String<N>>, Error> {
    let Some(s) = s else { return Ok(None) };
    let mut out = String::new();
    for c in s.chars() {
        out.push(c).map_err(|_| Error::TooLarge(what))?;
    }
    Ok(non_empty(Some(out)))
}

fn non_empty<const N: usize>(s: Option<String<N>>) -> Option<String<N>> {
    s.filter(|s| !s.is_empty())
}

/// Split `<scheme><64 lowercase hex>[/][?query]` into the key and the query.
fn split_uri<'a>(s: &'a str, scheme: &str) -> Result<(PublicKey, &'a str), Error> {
    if s.len() > MAX_URI_LEN {
        return Err(Error::TooLarge("uri"));
    }
    let prefix = s
        .get(..scheme.len())
        .ok_or(Error::Malformed("uri scheme"))?;
    if !prefix.eq_ignore_ascii_case(scheme) {
        return Err(Error::Malformed("uri scheme"));
    }
    let rest = &s[scheme.len()..];
    let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authority = authority.strip_suffix('/').unwrap_or(authority);
    if !hex::is_lower_hex(authority.as_bytes(), PUBKEY_HEX_LEN) {
        return Err(Error::Malformed("uri pubkey"));
    }
    Ok((PublicKey::from_hex(authority)?, query))
}

/// `key=value` pairs of a query; empty pairs are skipped, a pair without `=` has an empty value.
fn pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
}

fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<(), Error> {
    if slot.is_some() {
        return Err(Error::Malformed("repeated uri parameter"));
    }
    *slot = Some(value);
    Ok(())
}

fn parse_secret(raw: &str) -> Result<Secret, Error> {
    let secret: Secret = decode(raw, "secret")?;
    if secret.chars().any(char::is_control) {
        return Err(Error::Malformed("secret"));
    }
    Ok(secret)
}

fn push_relay(relays: &mut Relays, raw: &str) -> Result<(), Error> {
    let relay: RelayUrl = decode(raw, "relay url")?;
    check_relay(&relay)?;
    if !relays.contains(&relay) {
        relays.push(relay).map_err(|_| Error::TooLarge("relays"))?;
    }
    Ok(())
}

/// `wss://` or `ws://` (any case), a non-empty host, no whitespace or control characters.
pub(crate) fn check_relay(url: &str) -> Result<(), Error> {
    const BAD: Error = Error::Malformed("relay url");
    let rest = ["wss://", "ws://"]
        .into_iter()
        .find_map(|scheme| {
            url.get(..scheme.len())
                .filter(|p| p.eq_ignore_ascii_case(scheme))
                .map(|_| &url[scheme.len()..])
        })
        .ok_or(BAD)?;
    if rest.is_empty()
        || rest.starts_with(['/', '?', '#'])
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(BAD);
    }
    Ok(())
}

/// Percent-decode (with `+` as a space) into a UTF-8 string of at most `N` bytes.
fn decode<const N: usize>(raw: &str, what: &'static str) -> Result<String<N>, Error> {
    let bytes: Vec<u8, N> = decode_bytes(raw, what)?;
    String::from_utf8(bytes).map_err(|_| Error::Malformed("percent-encoded utf-8"))
}

fn decode_bytes<const N: usize>(raw: &str, what: &'static str) -> Result<Vec<u8, N>, Error> {
    let mut out = Vec::new();
    let mut bytes = raw.as_bytes().iter();
    while let Some(&b) = bytes.next() {
        let decoded = match b {
            b'+' => b' ',
            b'%' => {
                let (Some(&hi), Some(&lo)) = (bytes.next(), bytes.next()) else {
                    return Err(Error::Malformed("percent encoding"));
                };
                hex::decode_array::<1>(&[hi, lo])
                    .map_err(|_| Error::Malformed("percent encoding"))?[0]
            }
            b => b,
        };
        out.push(decoded).map_err(|_| Error::TooLarge(what))?;
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::nip46::perms::Method;

    const PK: &str = "79dff8f82963424e0bb02708a22e44b4980893e3a4be0fa3cb60a43b946764e3";

    fn pk() -> PublicKey {
        PublicKey::from_hex(PK).unwrap()
    }

    fn nc(query: &str) -> Result<NostrConnectUri, Error> {
        let mut s: String<4096> = String::new();
        s.push_str("nostrconnect://").unwrap();
        s.push_str(PK).unwrap();
        s.push_str(query).unwrap();
        NostrConnectUri::parse(&s)
    }

    #[test]
    fn secret_is_base64url_of_the_entropy() {
        assert_eq!(bunker_secret(&[0; 16]).as_str(), "AAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(
            bunker_secret(&[0xff; 16]).as_str(),
            "_____________________w"
        );
        let s = bunker_secret(&[0xfb; 16]);
        assert_eq!(s.len(), BUNKER_SECRET_LEN);
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        );
        assert_ne!(bunker_secret(&[1; 16]), bunker_secret(&[2; 16]));
    }

    #[test]
    fn bunker_uri_exact_output() {
        let mut out = [0u8; 512];
        let n = write_bunker_uri(
            &pk(),
            &["wss://relay.example.com", "ws://127.0.0.1:7777/a?x=1&y=é"],
            "s3cr-t_",
            &mut out,
        )
        .unwrap();
        assert_eq!(
            core::str::from_utf8(&out[..n]).unwrap(),
            "bunker://79dff8f82963424e0bb02708a22e44b4980893e3a4be0fa3cb60a43b946764e3\
             ?relay=wss%3A%2F%2Frelay.example.com\
             &relay=ws%3A%2F%2F127.0.0.1%3A7777%2Fa%3Fx%3D1%26y%3D%C3%A9&secret=s3cr-t_"
        );
        let parsed = BunkerUri::parse(core::str::from_utf8(&out[..n]).unwrap()).unwrap();
        assert_eq!(parsed.relays[1].as_str(), "ws://127.0.0.1:7777/a?x=1&y=é");
        // Exact-size buffer works, one byte less does not.
        let mut exact = [0u8; 256];
        let m = write_bunker_uri(&pk(), &["wss://r"], "x", &mut exact).unwrap();
        let mut small = [0u8; 256];
        assert!(write_bunker_uri(&pk(), &["wss://r"], "x", &mut small[..m]).is_ok());
        assert_eq!(
            write_bunker_uri(&pk(), &["wss://r"], "x", &mut small[..m - 1]),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn bunker_uri_rejects_bad_inputs() {
        let mut out = [0u8; 4096];
        let r = ["wss://r.example"];
        assert!(write_bunker_uri(&pk(), &[], "abc", &mut out).is_err());
        assert!(write_bunker_uri(&pk(), &["https://r.example"], "abc", &mut out).is_err());
        assert!(write_bunker_uri(&pk(), &["wss://"], "abc", &mut out).is_err());
        assert!(write_bunker_uri(&pk(), &r, "", &mut out).is_err());
        assert!(write_bunker_uri(&pk(), &r, "a b", &mut out).is_err());
        assert!(write_bunker_uri(&pk(), &r, "a=b", &mut out).is_err());
        let long: String<129> = core::iter::repeat_n('a', 129).collect();
        assert_eq!(
            write_bunker_uri(&pk(), &r, &long, &mut out),
            Err(Error::TooLarge("secret"))
        );
        let nine = ["wss://a"; MAX_RELAYS + 1];
        assert_eq!(
            write_bunker_uri(&pk(), &nine, "a", &mut out),
            Err(Error::TooLarge("relays"))
        );
    }

    #[test]
    fn bunker_parse_rules() {
        let p =
            BunkerUri::parse(&["bunker://", PK, "?relay=wss://a&secret="].concat_str()).unwrap();
        assert_eq!(p.secret, None);
        assert!(BunkerUri::parse(&["bunker://", PK].concat_str()).is_err());
        assert!(BunkerUri::parse(&["bunker://", PK, "?secret=x"].concat_str()).is_err());
        assert!(BunkerUri::parse(&["nostrconnect://", PK, "?relay=wss://a"].concat_str()).is_err());
        let upper: String<64> = PK.chars().map(|c| c.to_ascii_uppercase()).collect();
        assert_eq!(
            BunkerUri::parse(&["bunker://", &upper, "?relay=wss://a"].concat_str()),
            Err(Error::Malformed("uri pubkey"))
        );
        assert!(
            BunkerUri::parse(&["bunker://", PK, "?relay=wss://a&secret=1&secret=2"].concat_str())
                .is_err()
        );
        assert!(BunkerUri::parse(&["BUNKER://", PK, "/?relay=wss://a"].concat_str()).is_ok());
    }

    #[test]
    fn nostrconnect_flat_form() {
        let u = nc(
            "?relay=wss%3A%2F%2Fr1&relay=wss://r2&relay=wss%3A%2F%2Fr1&secret=s%20x&\
                    perms=sign_event%3A1%2Cnip44_decrypt&name=My+App&url=&image=&x=y&&z",
        )
        .unwrap();
        assert_eq!(u.client, pk());
        assert_eq!(u.relays.len(), 2, "duplicate relay kept once");
        assert_eq!(u.secret.as_str(), "s x");
        assert_eq!(u.perms.kinds(), &[1]);
        assert!(u.perms.has_method(Method::Nip44Decrypt));
        assert_eq!(u.metadata.name.as_deref(), Some("My App"));
        assert_eq!(u.metadata.url, None);
        assert_eq!(u.metadata.image, None);
    }

    #[test]
    fn nostrconnect_legacy_metadata() {
        let u = nc(r#"?metadata={"name":"Ex\u00e4mple","url":"https://e.x","icons":["https://e.x/i.png"],"description":"d","perms":"nip04_encrypt"}&relay=wss://r&secret=abc"#).unwrap();
        assert_eq!(u.metadata.name.as_deref(), Some("Exämple"));
        assert_eq!(u.metadata.url.as_deref(), Some("https://e.x"));
        assert_eq!(u.metadata.image.as_deref(), Some("https://e.x/i.png"));
        assert!(u.perms.has_method(Method::Nip04Encrypt));
        // Percent-encoded metadata, flat parameters win.
        let u = nc("?metadata=%7B%22name%22%3A%22Old%22%2C%22image%22%3Anull%7D&name=New&relay=wss://r&secret=abc").unwrap();
        assert_eq!(u.metadata.name.as_deref(), Some("New"));
        assert_eq!(u.metadata.image, None);
        // Broken JSON is an error.
        assert_eq!(
            nc("?metadata={name}&relay=wss://r&secret=abc").unwrap_err(),
            Error::Malformed("client metadata")
        );
        assert!(nc("?metadata=[1]&relay=wss://r&secret=abc").is_err());
    }

    #[test]
    fn nostrconnect_requirements() {
        assert_eq!(
            nc("?relay=wss://r").unwrap_err(),
            Error::Malformed("missing secret")
        );
        assert_eq!(
            nc("?relay=wss://r&secret=").unwrap_err(),
            Error::Malformed("missing secret")
        );
        assert_eq!(
            nc("?secret=a").unwrap_err(),
            Error::Malformed("missing relay")
        );
        assert_eq!(nc("").unwrap_err(), Error::Malformed("missing secret"));
        for bad in [
            "https://r",
            "wss:/r",
            "wss://",
            "ws:///x",
            "wss://a%20b",
            "wss://a%0a",
            "r",
        ] {
            let mut q: String<64> = String::new();
            q.push_str("?secret=a&relay=").unwrap();
            q.push_str(bad).unwrap();
            assert_eq!(nc(&q).unwrap_err(), Error::Malformed("relay url"), "{bad}");
        }
        assert!(nc("?secret=a&relay=WSS://R").is_ok());
        assert!(nc("?secret=a%0a&relay=wss://r").is_err());
        assert!(nc("?secret=a&relay=wss://r&perms=x&perms=y").is_err());
        assert_eq!(
            nc("?secret=a&relay=wss://r&name=%ff").unwrap_err(),
            Error::Malformed("percent-encoded utf-8")
        );
        for bad in ["%", "%4", "%zz", "%%41"] {
            let mut q: String<64> = String::new();
            q.push_str("?relay=wss://r&secret=").unwrap();
            q.push_str(bad).unwrap();
            assert_eq!(
                nc(&q).unwrap_err(),
                Error::Malformed("percent encoding"),
                "{bad}"
            );
        }
        // A key that is not on the curve.
        let mut s: String<200> = String::new();
        s.push_str("nostrconnect://").unwrap();
        s.push_str(&"f".repeat_str(64)).unwrap();
        s.push_str("?relay=wss://r&secret=a").unwrap();
        assert!(NostrConnectUri::parse(&s).is_err());
    }

    #[test]
    fn bounds_are_errors_not_truncation() {
        let mut q: String<4096> = String::new();
        q.push_str("?secret=a").unwrap();
        for i in 0..=MAX_RELAYS {
            use core::fmt::Write;
            write!(q, "&relay=wss://r{i}").unwrap();
        }
        assert_eq!(nc(&q).unwrap_err(), Error::TooLarge("relays"));
        let long_name: String<200> = core::iter::repeat_n('n', MAX_NAME_LEN + 1).collect();
        let mut q: String<400> = String::new();
        q.push_str("?secret=a&relay=wss://r&name=").unwrap();
        q.push_str(&long_name).unwrap();
        assert_eq!(nc(&q).unwrap_err(), Error::TooLarge("client name"));
        let ok_name: String<200> = core::iter::repeat_n('n', MAX_NAME_LEN).collect();
        let mut q: String<400> = String::new();
        q.push_str("?secret=a&relay=wss://r&name=").unwrap();
        q.push_str(&ok_name).unwrap();
        assert!(nc(&q).is_ok());
        let long_secret: String<200> = core::iter::repeat_n('s', MAX_SECRET_LEN + 1).collect();
        let mut q: String<400> = String::new();
        q.push_str("?relay=wss://r&secret=").unwrap();
        q.push_str(&long_secret).unwrap();
        assert_eq!(nc(&q).unwrap_err(), Error::TooLarge("secret"));
        assert_eq!(
            ClientMetadata::from_json(
                r#"{"name":"1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"}"#
            ),
            Err(Error::TooLarge("client name"))
        );
    }

    #[test]
    fn metadata_json_for_connect() {
        let m = ClientMetadata::from_json(r#" {"name":"Coracle","url":"https://coracle.social","image":"https://coracle.social/i.png","extra":{"a":[1,2]}} "#).unwrap();
        assert_eq!(m.name.as_deref(), Some("Coracle"));
        assert_eq!(m.url.as_deref(), Some("https://coracle.social"));
        assert_eq!(m.image.as_deref(), Some("https://coracle.social/i.png"));
        assert_eq!(
            ClientMetadata::from_json("{}").unwrap(),
            ClientMetadata::default()
        );
        let m = ClientMetadata::from_json(r#"{"name":1,"url":null,"image":""}"#).unwrap();
        assert_eq!(m, ClientMetadata::default());
        assert!(ClientMetadata::from_json("").is_err());
        assert!(ClientMetadata::from_json(r#""name""#).is_err());
    }

    /// `[a, b, c].concat()` into a fixed string, for building test URIs without alloc.
    trait ConcatStr {
        fn concat_str(&self) -> String<256>;
    }

    impl ConcatStr for [&str] {
        fn concat_str(&self) -> String<256> {
            let mut s = String::new();
            for part in self {
                s.push_str(part).unwrap();
            }
            s
        }
    }

    impl<const N: usize> ConcatStr for [&str; N] {
        fn concat_str(&self) -> String<256> {
            self[..].concat_str()
        }
    }

    trait RepeatStr {
        fn repeat_str(&self, n: usize) -> String<256>;
    }

    impl RepeatStr for str {
        fn repeat_str(&self, n: usize) -> String<256> {
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(self).unwrap();
            }
            s
        }
    }
}
