//! NIP-01 events: parse, compute ids, sign, verify — all over borrowed input and caller buffers.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/01.md>.
//!
//! The id is SHA-256 over `[0,"<pubkey>",created_at,kind,tags,"content"]` with canonical
//! escaping (see [`crate::json::write_string`]). Input may use any valid JSON escaping (`\u00e9`,
//! `\/`, surrogate pairs); ids are always computed over the canonical form, and signed output is
//! written in canonical form, so tags and content are semantically unchanged.
//!
//! ```
//! use signer_core::event::{self, Event, EventTemplate};
//! use signer_core::keys::SecretKey;
//!
//! let sk = SecretKey::from_hex("7f7ff03d123792d6ac594bfa67bf6d0c0ab55b6b1fdb6249303fe861f1ccba9a")?;
//! let t = EventTemplate { kind: 1, created_at: 1_700_000_000, tags: &[&["t", "x"]], content: "hi\n" };
//! let mut out = [0u8; 512];
//! let n = t.sign(&sk, &[0u8; 32], &mut out)?;
//! let ev = Event::parse(&out[..n])?;
//! event::verify(&ev)?;
//! assert!(ev.tags.first_value("t").is_some_and(|v| v.eq_str("x")));
//! # Ok::<(), signer_core::Error>(())
//! ```

use core::convert::Infallible;

use sha2::{Digest, Sha256};

use crate::json::{self, Array, JsonStr, Sink, SliceWriter, Value};
use crate::keys::{Context, PublicKey, SecretKey, Signature};
use crate::{Error, hex};

/// Most tags an event may carry. Large follow lists (kind 3) run to a few thousand `p` tags;
/// strfry's default limit is 2000.
pub const MAX_TAGS: usize = 10_000;

/// Most strings one tag may hold (real tags have 1–10).
pub const MAX_TAG_ITEMS: usize = 256;

const BAD_JSON: Error = Error::Malformed("event json");
const DUPLICATE: Error = Error::Malformed("event: duplicate field");
const MISSING: Error = Error::Malformed("event: missing field");
const BAD_KIND: Error = Error::Malformed("event kind");
const BAD_CREATED_AT: Error = Error::Malformed("event created_at");
const BAD_TAGS: Error = Error::Malformed("event tags");
const BAD_CONTENT: Error = Error::Malformed("event content");
const BAD_ID: Error = Error::Malformed("event id");
const BAD_PUBKEY: Error = Error::Malformed("event pubkey");
const BAD_SIG: Error = Error::Malformed("event sig");

/// An event's tags: a validated array of arrays of strings, borrowed from the input.
#[derive(Debug, Clone, Copy)]
pub struct Tags<'a> {
    arr: Array<'a>,
}

impl<'a> Tags<'a> {
    fn from_value(v: Value<'a>) -> Result<Self, Error> {
        let arr = v.as_array().ok_or(BAD_TAGS)?;
        let mut count = 0usize;
        for tag in arr.iter() {
            count += 1;
            if count > MAX_TAGS {
                return Err(Error::TooLarge("event tags"));
            }
            let tag = tag.as_array().ok_or(BAD_TAGS)?;
            let mut items = 0usize;
            for item in tag.iter() {
                items += 1;
                if items > MAX_TAG_ITEMS {
                    return Err(Error::TooLarge("event tag items"));
                }
                if item.as_str().is_none() {
                    return Err(BAD_TAGS);
                }
            }
        }
        Ok(Self { arr })
    }

    /// The tags in order.
    pub fn iter(&self) -> TagIter<'a> {
        TagIter {
            inner: self.arr.iter(),
        }
    }

    /// Number of tags.
    pub fn len(&self) -> usize {
        self.arr.len()
    }

    /// Whether there are no tags.
    pub fn is_empty(&self) -> bool {
        self.arr.is_empty()
    }

    /// The first tag whose name (first item) is `name`.
    pub fn find(&self, name: &str) -> Option<Tag<'a>> {
        self.iter()
            .find(|t| t.name().is_some_and(|n| n.eq_str(name)))
    }

    /// The value (second item) of the first tag named `name` that has one, e.g. the `p` tag.
    pub fn first_value(&self, name: &str) -> Option<JsonStr<'a>> {
        self.iter()
            .filter(|t| t.name().is_some_and(|n| n.eq_str(name)))
            .find_map(|t| t.value())
    }

    /// NIP-40 `expiration` (unix seconds): `Ok(None)` without the tag, an error if its value is
    /// not a decimal integer.
    pub fn expiration(&self) -> Result<Option<u64>, Error> {
        let Some(v) = self.first_value("expiration") else {
            return Ok(None);
        };
        let mut n: u64 = 0;
        let mut any = false;
        for c in v.chars() {
            let d = c.to_digit(10).ok_or(Error::Malformed("expiration tag"))?;
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d)))
                .ok_or(Error::Malformed("expiration tag"))?;
            any = true;
        }
        if any {
            Ok(Some(n))
        } else {
            Err(Error::Malformed("expiration tag"))
        }
    }

    /// Write the tags array canonically.
    pub fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), S::Error> {
        sink.write_str("[")?;
        for (i, tag) in self.iter().enumerate() {
            if i > 0 {
                sink.write_str(",")?;
            }
            sink.write_str("[")?;
            for (j, item) in tag.iter().enumerate() {
                if j > 0 {
                    sink.write_str(",")?;
                }
                item.write_json(sink)?;
            }
            sink.write_str("]")?;
        }
        sink.write_str("]")
    }
}

/// Iterator over [`Tags`].
#[derive(Debug, Clone)]
pub struct TagIter<'a> {
    inner: json::Elements<'a>,
}

impl<'a> Iterator for TagIter<'a> {
    type Item = Tag<'a>;

    fn next(&mut self) -> Option<Tag<'a>> {
        // Validated as arrays when the tags were parsed.
        self.inner.next()?.as_array().map(|arr| Tag { arr })
    }
}

/// One tag: an array of strings.
#[derive(Debug, Clone, Copy)]
pub struct Tag<'a> {
    arr: Array<'a>,
}

impl<'a> Tag<'a> {
    /// The strings of the tag in order.
    pub fn iter(&self) -> TagItems<'a> {
        TagItems {
            inner: self.arr.iter(),
        }
    }

    /// The item at `index`.
    pub fn get(&self, index: usize) -> Option<JsonStr<'a>> {
        self.iter().nth(index)
    }

    /// The tag name (first item).
    pub fn name(&self) -> Option<JsonStr<'a>> {
        self.get(0)
    }

    /// The tag value (second item).
    pub fn value(&self) -> Option<JsonStr<'a>> {
        self.get(1)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.arr.len()
    }

    /// Whether the tag has no items.
    pub fn is_empty(&self) -> bool {
        self.arr.is_empty()
    }
}

/// Iterator over the strings of a [`Tag`].
#[derive(Debug, Clone)]
pub struct TagItems<'a> {
    inner: json::Elements<'a>,
}

impl<'a> Iterator for TagItems<'a> {
    type Item = JsonStr<'a>;

    fn next(&mut self) -> Option<JsonStr<'a>> {
        // Validated as strings when the tags were parsed.
        self.inner.next()?.as_str()
    }
}

/// An event template (e.g. NIP-46 `sign_event`'s parameter): everything but the signature.
///
/// `pubkey` is `None` when absent, `null` or `""`; `id` and `sig` of a template are checked for
/// form and then ignored (they are recomputed).
#[derive(Debug, Clone, Copy)]
pub struct UnsignedEvent<'a> {
    /// The author, if the template names one.
    pub pubkey: Option<[u8; 32]>,
    /// Unix seconds.
    pub created_at: u64,
    /// Event kind (0..=65535).
    pub kind: u16,
    /// Tags, borrowed and validated.
    pub tags: Tags<'a>,
    /// Content, still escaped.
    pub content: JsonStr<'a>,
}

/// A signed event, borrowed from its JSON. Parsing checks form only; call [`verify`].
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// The claimed id.
    pub id: [u8; 32],
    /// The author (not yet known to be a curve point).
    pub pubkey: [u8; 32],
    /// Unix seconds.
    pub created_at: u64,
    /// Event kind (0..=65535).
    pub kind: u16,
    /// Tags, borrowed and validated.
    pub tags: Tags<'a>,
    /// Content, still escaped.
    pub content: JsonStr<'a>,
    /// The claimed signature.
    pub sig: Signature,
}

#[derive(Default)]
struct Fields<'a> {
    id: Option<Option<[u8; 32]>>,
    pubkey: Option<Option<[u8; 32]>>,
    sig: Option<Option<Signature>>,
    created_at: Option<u64>,
    kind: Option<u16>,
    tags: Option<Tags<'a>>,
    content: Option<JsonStr<'a>>,
}

fn set<T>(slot: &mut Option<T>, v: T) -> Result<(), Error> {
    if slot.is_some() {
        return Err(DUPLICATE);
    }
    *slot = Some(v);
    Ok(())
}

/// A lowercase-hex field of `N` bytes; `lenient` maps `null` and `""` to `None` (templates).
fn hex_field<const N: usize>(
    v: Value<'_>,
    lenient: bool,
    err: Error,
) -> Result<Option<[u8; N]>, Error> {
    if lenient && v.is_null() {
        return Ok(None);
    }
    let s = v.as_str().ok_or(err)?;
    if lenient && s.is_empty() {
        return Ok(None);
    }
    // Hex never needs escapes; an escaped hex string is not canonical and is rejected.
    let raw = s.as_plain().ok_or(err)?.as_bytes();
    if !hex::is_lower_hex(raw, 2 * N) {
        return Err(err);
    }
    hex::decode_array::<N>(raw).map(Some).map_err(|_| err)
}

fn parse_fields(input: &[u8], lenient: bool) -> Result<Fields<'_>, Error> {
    let obj = json::parse(input)?.as_object().ok_or(BAD_JSON)?;
    let mut f = Fields::default();
    for (key, value) in obj.members() {
        let Some(key) = key.as_plain() else {
            // Escaped keys are never ours; treat like any unknown field.
            continue;
        };
        match key {
            "id" => set(&mut f.id, hex_field::<32>(value, lenient, BAD_ID)?)?,
            "pubkey" => set(&mut f.pubkey, hex_field::<32>(value, lenient, BAD_PUBKEY)?)?,
            "sig" => set(
                &mut f.sig,
                hex_field::<64>(value, lenient, BAD_SIG)?.map(Signature),
            )?,
            "created_at" => set(&mut f.created_at, value.as_u64().ok_or(BAD_CREATED_AT)?)?,
            "kind" => {
                let kind = value.as_u64().ok_or(BAD_KIND)?;
                set(&mut f.kind, u16::try_from(kind).map_err(|_| BAD_KIND)?)?;
            }
            "tags" => set(&mut f.tags, Tags::from_value(value)?)?,
            "content" => set(&mut f.content, value.as_str().ok_or(BAD_CONTENT)?)?,
            _ => {}
        }
    }
    Ok(f)
}

impl<'a> UnsignedEvent<'a> {
    /// Parse a template: `kind`, `created_at`, `tags`, `content` required; `pubkey`, `id`, `sig`
    /// optional; unknown fields ignored; duplicates rejected.
    pub fn parse(input: &'a [u8]) -> Result<Self, Error> {
        let f = parse_fields(input, true)?;
        Ok(Self {
            pubkey: f.pubkey.flatten(),
            created_at: f.created_at.ok_or(MISSING)?,
            kind: f.kind.ok_or(MISSING)?,
            tags: f.tags.ok_or(MISSING)?,
            content: f.content.ok_or(MISSING)?,
        })
    }
}

impl<'a> Event<'a> {
    /// Parse a signed event: all seven NIP-01 fields required (ids, keys and signatures as
    /// lowercase hex); unknown fields ignored; duplicates rejected.
    pub fn parse(input: &'a [u8]) -> Result<Self, Error> {
        let f = parse_fields(input, false)?;
        Ok(Self {
            id: f.id.flatten().ok_or(MISSING)?,
            pubkey: f.pubkey.flatten().ok_or(MISSING)?,
            sig: f.sig.flatten().ok_or(MISSING)?,
            created_at: f.created_at.ok_or(MISSING)?,
            kind: f.kind.ok_or(MISSING)?,
            tags: f.tags.ok_or(MISSING)?,
            content: f.content.ok_or(MISSING)?,
        })
    }

    /// The unsigned part (with its pubkey).
    pub fn unsigned(&self) -> UnsignedEvent<'a> {
        UnsignedEvent {
            pubkey: Some(self.pubkey),
            created_at: self.created_at,
            kind: self.kind,
            tags: self.tags,
            content: self.content,
        }
    }

    /// See [`verify`].
    pub fn verify(&self) -> Result<(), Error> {
        verify(self)
    }
}

/// An event built from plain Rust values (NIP-46 replies, NIP-98 auth events).
#[derive(Debug, Clone, Copy)]
pub struct EventTemplate<'t> {
    /// Event kind.
    pub kind: u16,
    /// Unix seconds.
    pub created_at: u64,
    /// Tags, e.g. `&[&["p", client_hex]]`.
    pub tags: &'t [&'t [&'t str]],
    /// Content, unescaped.
    pub content: &'t str,
}

impl EventTemplate<'_> {
    /// The NIP-01 id of this template under `pubkey`.
    pub fn compute_id(&self, pubkey: &[u8; 32]) -> [u8; 32] {
        id_of(pubkey, self)
    }

    /// Sign with `sk` and write the full event JSON into `out`; returns its length.
    /// On error `out` may hold a partial write.
    pub fn sign(&self, sk: &SecretKey, aux: &[u8; 32], out: &mut [u8]) -> Result<usize, Error> {
        sign_body(None, sk, self, aux, out)
    }

    /// [`sign`](Self::sign) in the caller's (blinded) context.
    pub fn sign_with(
        &self,
        cx: &Context<'_>,
        sk: &SecretKey,
        aux: &[u8; 32],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        sign_body(Some(cx), sk, self, aux, out)
    }
}

/// What the id preimage and the signed JSON need from an event body.
trait Body {
    fn created_at(&self) -> u64;
    fn kind(&self) -> u16;
    fn write_tags<S: Sink>(&self, sink: &mut S) -> Result<(), S::Error>;
    fn write_content<S: Sink>(&self, sink: &mut S) -> Result<(), S::Error>;
}

impl Body for UnsignedEvent<'_> {
    fn created_at(&self) -> u64 {
        self.created_at
    }
    fn kind(&self) -> u16 {
        self.kind
    }
    fn write_tags<S: Sink>(&self, sink: &mut S) -> Result<(), S::Error> {
        self.tags.write_json(sink)
    }
    fn write_content<S: Sink>(&self, sink: &mut S) -> Result<(), S::Error> {
        self.content.write_json(sink)
    }
}

impl Body for EventTemplate<'_> {
    fn created_at(&self) -> u64 {
        self.created_at
    }
    fn kind(&self) -> u16 {
        self.kind
    }
    fn write_tags<S: Sink>(&self, sink: &mut S) -> Result<(), S::Error> {
        sink.write_str("[")?;
        for (i, tag) in self.tags.iter().enumerate() {
            if i > 0 {
                sink.write_str(",")?;
            }
            sink.write_str("[")?;
            for (j, item) in tag.iter().enumerate() {
                if j > 0 {
                    sink.write_str(",")?;
                }
                json::write_string(sink, item)?;
            }
            sink.write_str("]")?;
        }
        sink.write_str("]")
    }
    fn write_content<S: Sink>(&self, sink: &mut S) -> Result<(), S::Error> {
        json::write_string(sink, self.content)
    }
}

/// Hex digits are ASCII; the fallback is unreachable.
fn ascii(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or("")
}

fn write_preimage<S: Sink, B: Body>(
    sink: &mut S,
    pubkey: &[u8; 32],
    b: &B,
) -> Result<(), S::Error> {
    sink.write_str("[0,\"")?;
    sink.write_str(ascii(&hex::encode_array::<32, 64>(pubkey)))?;
    sink.write_str("\",")?;
    json::write_u64(sink, b.created_at())?;
    sink.write_str(",")?;
    json::write_u64(sink, u64::from(b.kind()))?;
    sink.write_str(",")?;
    b.write_tags(sink)?;
    sink.write_str(",")?;
    b.write_content(sink)?;
    sink.write_str("]")
}

fn id_of<B: Body>(pubkey: &[u8; 32], b: &B) -> [u8; 32] {
    let mut h = Sha256::new();
    let written: Result<(), Infallible> = write_preimage(&mut h, pubkey, b);
    match written {
        Ok(()) => {}
        Err(never) => match never {},
    }
    h.finalize().into()
}

/// The NIP-01 id of `ev` under `pubkey` (the template's own pubkey is not consulted).
pub fn compute_id(pubkey: &[u8; 32], ev: &UnsignedEvent<'_>) -> [u8; 32] {
    id_of(pubkey, ev)
}

/// `cx`: the caller's context, or `None` for the context-free key operations.
fn sign_body<B: Body>(
    cx: Option<&Context<'_>>,
    sk: &SecretKey,
    b: &B,
    aux: &[u8; 32],
    out: &mut [u8],
) -> Result<usize, Error> {
    let pk = match cx {
        Some(cx) => sk.public_key_with(cx),
        None => sk.public_key(),
    };
    let id = id_of(pk.as_bytes(), b);
    let sig = match cx {
        Some(cx) => sk.sign_schnorr_with(cx, &id, aux)?,
        None => sk.sign_schnorr(&id, aux)?,
    };
    let mut w = SliceWriter::new(out);
    w.write_str("{\"id\":\"")?;
    w.write_str(ascii(&hex::encode_array::<32, 64>(&id)))?;
    w.write_str("\",\"pubkey\":\"")?;
    w.write_str(ascii(&pk.to_hex()))?;
    w.write_str("\",\"created_at\":")?;
    json::write_u64(&mut w, b.created_at())?;
    w.write_str(",\"kind\":")?;
    json::write_u64(&mut w, u64::from(b.kind()))?;
    w.write_str(",\"tags\":")?;
    b.write_tags(&mut w)?;
    w.write_str(",\"content\":")?;
    b.write_content(&mut w)?;
    w.write_str(",\"sig\":\"")?;
    w.write_str(ascii(&sig.to_hex()))?;
    w.write_str("\"}")?;
    Ok(w.len())
}

/// Sign a template as `sk`: set the pubkey, compute the id, sign it and write the full event JSON
/// (`id, pubkey, created_at, kind, tags, content, sig`, canonical escaping) into `out`.
/// Returns the length written.
///
/// Kind, created_at, tags and content are never changed. A template naming another pubkey is
/// refused with [`Error::WrongPubkey`]. On error `out` may hold a partial write.
pub fn sign(
    sk: &SecretKey,
    ev: &UnsignedEvent<'_>,
    aux: &[u8; 32],
    out: &mut [u8],
) -> Result<usize, Error> {
    if ev
        .pubkey
        .is_some_and(|pk| &pk != sk.public_key().as_bytes())
    {
        return Err(Error::WrongPubkey);
    }
    sign_body(None, sk, ev, aux, out)
}

/// [`sign`] in the caller's (blinded) context.
pub fn sign_with(
    cx: &Context<'_>,
    sk: &SecretKey,
    ev: &UnsignedEvent<'_>,
    aux: &[u8; 32],
    out: &mut [u8],
) -> Result<usize, Error> {
    if ev
        .pubkey
        .is_some_and(|pk| &pk != sk.public_key_with(cx).as_bytes())
    {
        return Err(Error::WrongPubkey);
    }
    sign_body(Some(cx), sk, ev, aux, out)
}

/// Check that the id is the hash of the event ([`Error::BadEventId`]) and the BIP-340 signature
/// over it verifies for the pubkey ([`Error::BadSignature`], also for a pubkey that is not a
/// curve point).
pub fn verify(ev: &Event<'_>) -> Result<(), Error> {
    let pk = verified_id_author(ev)?;
    pk.verify_schnorr(&ev.id, &ev.sig)
}

/// [`verify`] in the caller's context; returns the author's key, parsed once (a caller that
/// goes on to use it saves a second square root).
pub fn verify_with(cx: &Context<'_>, ev: &Event<'_>) -> Result<PublicKey, Error> {
    let pk = verified_id_author(ev)?;
    pk.verify_schnorr_with(cx, &ev.id, &ev.sig)?;
    Ok(pk)
}

/// The author's key of an event whose id matches its content.
fn verified_id_author(ev: &Event<'_>) -> Result<PublicKey, Error> {
    if compute_id(&ev.pubkey, &ev.unsigned()) != ev.id {
        return Err(Error::BadEventId);
    }
    PublicKey::from_bytes(&ev.pubkey).map_err(|_| Error::BadSignature)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PK: &str = "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e";

    fn sk() -> SecretKey {
        SecretKey::from_hex("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa")
            .unwrap()
    }

    #[test]
    fn key_matches_vectors() {
        assert_eq!(&sk().public_key().to_hex()[..], PK.as_bytes());
    }

    #[test]
    fn escaped_input_hashes_canonically() {
        // Same event written two ways: the id must not depend on the input's escaping.
        let a = br#"{"kind":1,"created_at":5,"tags":[["t","\u00e9\/"]],"content":"\ud83d\ude00\u001B\u000a"}"#;
        let b =
            "{\"kind\":1,\"created_at\":5,\"tags\":[[\"t\",\"é/\"]],\"content\":\"😀\\u001b\\n\"}";
        let pk = [1u8; 32];
        let ia = compute_id(&pk, &UnsignedEvent::parse(a).unwrap());
        let ib = compute_id(&pk, &UnsignedEvent::parse(b.as_bytes()).unwrap());
        assert_eq!(ia, ib);
        let t = EventTemplate {
            kind: 1,
            created_at: 5,
            tags: &[&["t", "é/"]],
            content: "😀\u{1b}\n",
        };
        assert_eq!(t.compute_id(&pk), ia);
    }

    #[test]
    fn sign_writes_canonical_json_and_verifies() {
        let input = br#"{"content":"a\/b\u00e9","tags":[["p","x"]],"kind":7,"created_at":9,"extra":{"z":[1]}}"#;
        let t = UnsignedEvent::parse(input).unwrap();
        let mut out = [0u8; 512];
        let n = sign(&sk(), &t, &[3u8; 32], &mut out).unwrap();
        let s = core::str::from_utf8(&out[..n]).unwrap();
        assert!(s.starts_with("{\"id\":\""), "{s}");
        assert!(s.contains(",\"created_at\":9,\"kind\":7,\"tags\":[[\"p\",\"x\"]],\"content\":\"a/bé\",\"sig\":\""), "{s}");
        let ev = Event::parse(&out[..n]).unwrap();
        verify(&ev).unwrap();
        assert_eq!(&ev.pubkey, sk().public_key().as_bytes());
        assert_eq!(ev.id, compute_id(&ev.pubkey, &t));
        // Too small a buffer is an error, not a truncation.
        assert_eq!(
            sign(&sk(), &t, &[3u8; 32], &mut out[..n - 1]),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn template_pubkey_rules() {
        let ok = format_template(PK);
        let t = UnsignedEvent::parse(ok.as_bytes()).unwrap();
        let mut out = [0u8; 512];
        assert!(sign(&sk(), &t, &[0u8; 32], &mut out).is_ok());
        let other =
            format_template("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
        let t = UnsignedEvent::parse(other.as_bytes()).unwrap();
        assert_eq!(
            sign(&sk(), &t, &[0u8; 32], &mut out),
            Err(Error::WrongPubkey)
        );
        for absent in [
            r#"{"pubkey":"","id":"","sig":null,"kind":1,"created_at":1,"tags":[],"content":""}"#,
            r#"{"pubkey":null,"kind":1,"created_at":1,"tags":[],"content":""}"#,
        ] {
            let t = UnsignedEvent::parse(absent.as_bytes()).unwrap();
            assert!(t.pubkey.is_none());
            assert!(Event::parse(absent.as_bytes()).is_err());
        }
    }

    fn format_template(pk: &str) -> heapless::String<256> {
        let mut s = heapless::String::new();
        core::fmt::write(
            &mut s,
            format_args!(r#"{{"pubkey":"{pk}","kind":1,"created_at":1,"tags":[],"content":"x"}}"#),
        )
        .unwrap();
        s
    }

    #[test]
    fn field_validation() {
        let base = |kind: &str| -> heapless::String<256> {
            let mut s = heapless::String::new();
            core::fmt::write(
                &mut s,
                format_args!(r#"{{"kind":{kind},"created_at":1,"tags":[],"content":""}}"#),
            )
            .unwrap();
            s
        };
        for ok in ["0", "65535", "27235"] {
            assert!(UnsignedEvent::parse(base(ok).as_bytes()).is_ok(), "{ok}");
        }
        for bad in ["65536", "-1", "1.0", "1e0", "\"1\"", "null", "true", "1.5"] {
            assert_eq!(
                UnsignedEvent::parse(base(bad).as_bytes()).err(),
                Some(Error::Malformed("event kind")),
                "{bad}"
            );
        }
        let cases: &[(&str, Error)] = &[
            (
                r#"{"kind":1,"kind":1,"created_at":1,"tags":[],"content":""}"#,
                DUPLICATE,
            ),
            (
                r#"{"kind":1,"created_at":1,"tags":[],"content":"","content":""}"#,
                DUPLICATE,
            ),
            (r#"{"created_at":1,"tags":[],"content":""}"#, MISSING),
            (r#"{"kind":1,"tags":[],"content":""}"#, MISSING),
            (r#"{"kind":1,"created_at":1,"content":""}"#, MISSING),
            (r#"{"kind":1,"created_at":1,"tags":[]}"#, MISSING),
            (
                r#"{"kind":1,"created_at":-1,"tags":[],"content":""}"#,
                BAD_CREATED_AT,
            ),
            (
                r#"{"kind":1,"created_at":1.5,"tags":[],"content":""}"#,
                BAD_CREATED_AT,
            ),
            (
                r#"{"kind":1,"created_at":1,"tags":[["a",1]],"content":""}"#,
                BAD_TAGS,
            ),
            (
                r#"{"kind":1,"created_at":1,"tags":["a"],"content":""}"#,
                BAD_TAGS,
            ),
            (
                r#"{"kind":1,"created_at":1,"tags":[["a",null]],"content":""}"#,
                BAD_TAGS,
            ),
            (
                r#"{"kind":1,"created_at":1,"tags":{},"content":""}"#,
                BAD_TAGS,
            ),
            (
                r#"{"kind":1,"created_at":1,"tags":[],"content":null}"#,
                BAD_CONTENT,
            ),
            (
                r#"{"kind":1,"created_at":1,"tags":[],"content":"","pubkey":"AB"}"#,
                BAD_PUBKEY,
            ),
            (r#"[]"#, BAD_JSON),
        ];
        for (json, err) in cases {
            assert_eq!(
                UnsignedEvent::parse(json.as_bytes()).err(),
                Some(*err),
                "{json}"
            );
        }
        // Upper-case hex is not NIP-01.
        let upper = r#"{"kind":1,"created_at":1,"tags":[],"content":"","pubkey":"7E7E9C42A91BFEF19FA929E5FDA1B72E0EBC1A4C1141673E2794234D86ADDF4E"}"#;
        assert_eq!(
            UnsignedEvent::parse(upper.as_bytes()).err(),
            Some(BAD_PUBKEY)
        );
        // Unknown fields, even duplicated or nested, are ignored.
        let extra = r#"{"x":1,"x":[{"y":null}],"kind":1,"created_at":1,"tags":[[]],"content":""}"#;
        assert!(UnsignedEvent::parse(extra.as_bytes()).is_ok());
    }

    #[test]
    fn tag_helpers() {
        let input = br#"{"kind":1,"created_at":1,"content":"","tags":[["e","x"],["p"],["p","a\u0062","r"],["p","c"],["expiration","1700000000"]]}"#;
        let t = UnsignedEvent::parse(input).unwrap();
        assert_eq!(t.tags.len(), 5);
        assert!(t.tags.first_value("p").unwrap().eq_str("ab"));
        assert_eq!(t.tags.find("p").unwrap().len(), 1);
        assert!(t.tags.first_value("q").is_none());
        assert_eq!(t.tags.expiration(), Ok(Some(1_700_000_000)));
        let names: usize = t.tags.iter().filter(|t| t.name().is_some()).count();
        assert_eq!(names, 5);
        let bad = br#"{"kind":1,"created_at":1,"content":"","tags":[["expiration","12a"]]}"#;
        assert!(
            UnsignedEvent::parse(bad)
                .unwrap()
                .tags
                .expiration()
                .is_err()
        );
    }
}
