//! NIP-19 bech32 entities: `npub`/`nsec` encode and decode, read-only decode of `note`,
//! `nprofile`, `nevent` and `naddr`.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/19.md>
//!
//! Plain bech32 (not bech32m), lowercase on output; input may be all-lowercase or all-uppercase
//! (mixed case is rejected, as BIP-173 requires). The checksum, the prefix, the zero padding and
//! the payload length are all checked. Strings are limited to [`MAX_BECH32_LEN`] characters, the
//! code length of the bech32 checksum (rust-nostr has the same limit).
//!
//! ```
//! use signer_core::{keys::PublicKey, nip19};
//!
//! let pk = nip19::decode_npub("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg")?;
//! assert_eq!(&pk.to_hex()[..8], b"7e7e9c42");
//! assert_eq!(nip19::encode_npub(&pk).as_str(),
//!            "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg");
//! # Ok::<(), signer_core::Error>(())
//! ```

use bech32::primitives::decode::CheckedHrpstring;
use bech32::{Bech32, ByteIterExt, Fe32IterExt, Hrp};
use heapless::{String, Vec};
use zeroize::Zeroizing;

use crate::Error;
use crate::keys::{PublicKey, SecretKey};

/// Length of an `npub1…`/`nsec1…` string: 4-char prefix, `1`, 52 data characters, 6 checksum.
pub const KEY_BECH32_LEN: usize = 63;
/// Longest bech32 string accepted: the code length of the bech32 checksum (BIP-173's 90-char
/// limit is lifted, as every Nostr library does; NIP-19's 5000 is beyond what the checksum covers).
pub const MAX_BECH32_LEN: usize = 1023;
/// Most relays kept from one `nprofile`/`nevent`/`naddr`; more is an error, never a truncation.
pub const MAX_TLV_RELAYS: usize = 8;
/// Longest relay URL in a TLV entry (the one-byte TLV length caps it here anyway).
pub const MAX_TLV_RELAY_LEN: usize = 255;
/// Longest `naddr` identifier (`d` tag); again the TLV length byte's own limit.
pub const MAX_IDENTIFIER_LEN: usize = 255;

/// Most payload bytes a [`MAX_BECH32_LEN`] string can carry (5 bits per data character).
const MAX_PAYLOAD_LEN: usize = MAX_BECH32_LEN * 5 / 8;
/// A 32-byte payload takes 52 data characters (260 bits: 256 + 4 zero padding bits).
const KEY_DATA_CHARS: usize = 52;

const HRP_NPUB: Hrp = Hrp::parse_unchecked("npub");
const HRP_NSEC: Hrp = Hrp::parse_unchecked("nsec");
const HRP_NOTE: Hrp = Hrp::parse_unchecked("note");
const HRP_NPROFILE: Hrp = Hrp::parse_unchecked("nprofile");
const HRP_NEVENT: Hrp = Hrp::parse_unchecked("nevent");
const HRP_NADDR: Hrp = Hrp::parse_unchecked("naddr");

/// TLV types (NIP-19 "Shareable identifiers with extra metadata").
const TLV_SPECIAL: u8 = 0;
const TLV_RELAY: u8 = 1;
const TLV_AUTHOR: u8 = 2;
const TLV_KIND: u8 = 3;

/// Relay hints of a TLV entity, in the order they appear.
pub type Relays = Vec<String<MAX_TLV_RELAY_LEN>, MAX_TLV_RELAYS>;

/// An `nprofile`: a public key plus relay hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The profile's public key.
    pub pubkey: PublicKey,
    /// Relays where the profile is likely found.
    pub relays: Relays,
}

/// An `nevent`: an event id plus optional hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPointer {
    /// The 32-byte event id.
    pub id: [u8; 32],
    /// Relays where the event is likely found.
    pub relays: Relays,
    /// The event's author, if given.
    pub author: Option<PublicKey>,
    /// The event's kind, if given.
    pub kind: Option<u32>,
}

/// An `naddr`: the coordinate of an addressable event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPointer {
    /// The `d` tag (empty for normal replaceable events).
    pub identifier: String<MAX_IDENTIFIER_LEN>,
    /// The event's author.
    pub pubkey: PublicKey,
    /// The event's kind.
    pub kind: u32,
    /// Relays where the event is likely found.
    pub relays: Relays,
}

/// Any decoded NIP-19 entity.
///
/// The pointer variants hold their relay hints inline (there is no allocator to box them), so
/// the enum is as large as an `naddr`, about 2.4 KB.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Entity {
    /// `npub`
    Pubkey(PublicKey),
    /// `nsec` (zeroized on drop, like every [`SecretKey`]).
    Secret(SecretKey),
    /// `note`: a bare event id.
    Note([u8; 32]),
    /// `nprofile`
    Profile(Profile),
    /// `nevent`
    Event(EventPointer),
    /// `naddr`
    Address(AddressPointer),
}

/// `npub1…` for a public key.
pub fn encode_npub(pk: &PublicKey) -> String<KEY_BECH32_LEN> {
    let mut out = [0u8; KEY_BECH32_LEN];
    let mut s = String::new();
    // Cannot fail: the output buffer is exactly the encoded length and bech32 is ASCII.
    if let Ok(n) = encode_into(HRP_NPUB, pk.as_bytes(), &mut out)
        && let Ok(text) = core::str::from_utf8(&out[..n])
    {
        let _ = s.push_str(text);
    }
    s
}

/// Write `npub1…` into `out`, returning its length ([`KEY_BECH32_LEN`]).
pub fn encode_npub_into(pk: &PublicKey, out: &mut [u8]) -> Result<usize, Error> {
    encode_into(HRP_NPUB, pk.as_bytes(), out)
}

/// Write `nsec1…` for the 32 secret-key bytes into `out`, returning its length
/// ([`KEY_BECH32_LEN`]). The bytes must be a valid secret key (non-zero, below the curve order).
///
/// Takes the raw bytes the shell keeps (e.g. in the Keychain), not a [`SecretKey`]: k256 stores a
/// BIP-340 key negated when its point has an odd y, so `SecretKey::to_bytes` can differ from the
/// key the user imported, and its nsec would be a different string for the same identity.
/// The caller owns (and must zeroize) `out`.
pub fn encode_nsec_into(secret: &[u8; 32], out: &mut [u8]) -> Result<usize, Error> {
    SecretKey::from_bytes(secret)?;
    encode_into(HRP_NSEC, secret, out)
}

/// Decode an `npub1…` string into a public key on the curve.
pub fn decode_npub(s: &str) -> Result<PublicKey, Error> {
    let checked = checked_key(s, HRP_NPUB)?;
    let mut bytes = [0u8; 32];
    fill_32(&checked, &mut bytes)?;
    PublicKey::from_bytes(&bytes)
}

/// Decode an `nsec1…` string into a secret key; the intermediate bytes are zeroized.
pub fn decode_nsec(s: &str) -> Result<SecretKey, Error> {
    let bytes = decode_nsec_bytes(s)?;
    SecretKey::from_bytes(&bytes)
}

/// Decode an `nsec1…` string into the 32 secret-key bytes exactly as encoded (checked to be a
/// valid key), for the shell to store; zeroized when dropped.
pub fn decode_nsec_bytes(s: &str) -> Result<Zeroizing<[u8; 32]>, Error> {
    let checked = checked_key(s, HRP_NSEC)?;
    let mut bytes = Zeroizing::new([0u8; 32]);
    fill_32(&checked, &mut bytes)?;
    SecretKey::from_bytes(&bytes)?;
    Ok(bytes)
}

/// Decode any supported NIP-19 string (`npub`, `nsec`, `note`, `nprofile`, `nevent`, `naddr`).
///
/// Unknown TLV types are ignored (NIP-19 asks for that); missing required TLVs, wrong lengths,
/// truncated entries and more than [`MAX_TLV_RELAYS`] relays are errors.
pub fn decode(s: &str) -> Result<Entity, Error> {
    let checked = checked(s)?;
    let hrp = checked.hrp();
    if hrp == HRP_NPUB {
        return decode_npub(s).map(Entity::Pubkey);
    }
    if hrp == HRP_NSEC {
        return decode_nsec(s).map(Entity::Secret);
    }
    if hrp == HRP_NOTE {
        let checked = checked_key(s, HRP_NOTE)?;
        let mut id = [0u8; 32];
        fill_32(&checked, &mut id)?;
        return Ok(Entity::Note(id));
    }
    let mut payload: Vec<u8, MAX_PAYLOAD_LEN> = Vec::new();
    for b in checked.byte_iter() {
        payload
            .push(b)
            .map_err(|_| Error::TooLarge("nip19 payload"))?;
    }
    if hrp == HRP_NPROFILE {
        decode_nprofile(&payload).map(Entity::Profile)
    } else if hrp == HRP_NEVENT {
        decode_nevent(&payload).map(Entity::Event)
    } else if hrp == HRP_NADDR {
        decode_naddr(&payload).map(Entity::Address)
    } else {
        Err(Error::Bech32)
    }
}

fn encode_into(hrp: Hrp, data: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let chars = data
        .iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<Bech32>(&hrp)
        .bytes();
    let mut n = 0;
    for c in chars {
        *out.get_mut(n).ok_or(Error::BufferTooSmall)? = c;
        n += 1;
    }
    Ok(n)
}

/// Parse, check length, checksum (plain bech32) and zero padding.
fn checked(s: &str) -> Result<CheckedHrpstring<'_>, Error> {
    if s.len() > MAX_BECH32_LEN {
        return Err(Error::TooLarge("bech32 string"));
    }
    let checked = CheckedHrpstring::new::<Bech32>(s).map_err(|_| Error::Bech32)?;
    checked
        .validate_segwit_padding()
        .map_err(|_| Error::Bech32)?;
    Ok(checked)
}

/// [`checked`] plus: the expected prefix and exactly 32 payload bytes.
fn checked_key(s: &str, hrp: Hrp) -> Result<CheckedHrpstring<'_>, Error> {
    let checked = checked(s)?;
    if checked.hrp() != hrp || checked.data_part_ascii_no_checksum().len() != KEY_DATA_CHARS {
        return Err(Error::Bech32);
    }
    Ok(checked)
}

fn fill_32(checked: &CheckedHrpstring<'_>, out: &mut [u8; 32]) -> Result<(), Error> {
    let mut n = 0;
    for b in checked.byte_iter() {
        *out.get_mut(n).ok_or(Error::Bech32)? = b;
        n += 1;
    }
    if n == 32 { Ok(()) } else { Err(Error::Bech32) }
}

/// Iterate `(type, value)` entries; a length running past the end is an error.
struct Tlv<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Tlv<'a> {
    type Item = Result<(u8, &'a [u8]), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&t, rest) = self.rest.split_first()?;
        let Some((&len, rest)) = rest.split_first() else {
            self.rest = &[];
            return Some(Err(Error::Malformed("nip19 tlv")));
        };
        let len = usize::from(len);
        if rest.len() < len {
            self.rest = &[];
            return Some(Err(Error::Malformed("nip19 tlv")));
        }
        let (value, rest) = rest.split_at(len);
        self.rest = rest;
        Some(Ok((t, value)))
    }
}

/// The TLV fields every shareable identifier may have; the first of each single-valued type wins.
#[derive(Default)]
struct Fields<'a> {
    special: Option<&'a [u8]>,
    author: Option<&'a [u8]>,
    kind: Option<&'a [u8]>,
    relays: Relays,
}

fn fields(payload: &[u8]) -> Result<Fields<'_>, Error> {
    let mut f = Fields::default();
    for entry in (Tlv { rest: payload }) {
        let (t, value) = entry?;
        match t {
            TLV_SPECIAL => {
                f.special.get_or_insert(value);
            }
            TLV_RELAY => {
                let url =
                    core::str::from_utf8(value).map_err(|_| Error::Malformed("nip19 relay"))?;
                let mut s = String::new();
                s.push_str(url)
                    .map_err(|_| Error::TooLarge("nip19 relay"))?;
                f.relays
                    .push(s)
                    .map_err(|_| Error::TooLarge("nip19 relays"))?;
            }
            TLV_AUTHOR => {
                f.author.get_or_insert(value);
            }
            TLV_KIND => {
                f.kind.get_or_insert(value);
            }
            _ => {}
        }
    }
    Ok(f)
}

fn bytes32(value: &[u8]) -> Result<[u8; 32], Error> {
    value
        .try_into()
        .map_err(|_| Error::Malformed("nip19 tlv length"))
}

fn pubkey(value: &[u8]) -> Result<PublicKey, Error> {
    PublicKey::from_bytes(&bytes32(value)?)
}

fn kind(value: &[u8]) -> Result<u32, Error> {
    let be: [u8; 4] = value
        .try_into()
        .map_err(|_| Error::Malformed("nip19 kind"))?;
    Ok(u32::from_be_bytes(be))
}

const MISSING: Error = Error::Malformed("nip19 missing tlv");

fn decode_nprofile(payload: &[u8]) -> Result<Profile, Error> {
    let f = fields(payload)?;
    Ok(Profile {
        pubkey: pubkey(f.special.ok_or(MISSING)?)?,
        relays: f.relays,
    })
}

fn decode_nevent(payload: &[u8]) -> Result<EventPointer, Error> {
    let f = fields(payload)?;
    Ok(EventPointer {
        id: bytes32(f.special.ok_or(MISSING)?)?,
        relays: f.relays,
        author: f.author.map(pubkey).transpose()?,
        kind: f.kind.map(kind).transpose()?,
    })
}

fn decode_naddr(payload: &[u8]) -> Result<AddressPointer, Error> {
    let f = fields(payload)?;
    let d = core::str::from_utf8(f.special.ok_or(MISSING)?)
        .map_err(|_| Error::Malformed("nip19 identifier"))?;
    let mut identifier = String::new();
    identifier
        .push_str(d)
        .map_err(|_| Error::TooLarge("nip19 identifier"))?;
    Ok(AddressPointer {
        identifier,
        pubkey: pubkey(f.author.ok_or(MISSING)?)?,
        kind: kind(f.kind.ok_or(MISSING)?)?,
        relays: f.relays,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NPUB: &str = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
    const NSEC: &str = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";

    #[test]
    fn key_round_trip() {
        let pk = decode_npub(NPUB).unwrap();
        assert_eq!(encode_npub(&pk).as_str(), NPUB);
        let sk = decode_nsec_bytes(NSEC).unwrap();
        let mut out = [0u8; KEY_BECH32_LEN];
        let n = encode_nsec_into(&sk, &mut out).unwrap();
        assert_eq!(&out[..n], NSEC.as_bytes());
        assert!(decode_nsec(NSEC).is_ok());
        // Neither zero nor the curve order are keys.
        assert_eq!(
            encode_nsec_into(&[0; 32], &mut out).unwrap_err(),
            Error::InvalidSecretKey
        );
    }

    #[test]
    fn prefix_is_checked() {
        assert_eq!(decode_npub(NSEC).unwrap_err(), Error::Bech32);
        assert_eq!(decode_nsec(NPUB).unwrap_err(), Error::Bech32);
    }

    #[test]
    fn uppercase_accepted_mixed_rejected() {
        let upper: String<KEY_BECH32_LEN> = NPUB.chars().map(|c| c.to_ascii_uppercase()).collect();
        assert!(decode_npub(&upper).is_ok());
        let mut mixed: String<KEY_BECH32_LEN> = String::new();
        mixed.push('n').unwrap();
        mixed.push_str(&upper[1..]).unwrap();
        assert!(decode_npub(&mixed).is_err());
    }

    #[test]
    fn small_buffer_is_an_error() {
        let pk = decode_npub(NPUB).unwrap();
        let mut out = [0u8; KEY_BECH32_LEN - 1];
        assert_eq!(
            encode_npub_into(&pk, &mut out).unwrap_err(),
            Error::BufferTooSmall
        );
    }

    #[test]
    fn wrong_payload_length_rejected() {
        // 31 and 33 bytes under the npub prefix.
        for len in [31usize, 33] {
            let data = [7u8; 33];
            let mut out = [0u8; 80];
            let n = encode_into(HRP_NPUB, &data[..len], &mut out).unwrap();
            let s = core::str::from_utf8(&out[..n]).unwrap();
            assert_eq!(decode_npub(s).unwrap_err(), Error::Bech32);
            assert!(decode(s).is_err());
        }
    }

    #[test]
    fn bech32m_rejected() {
        let data = [1u8; 32];
        let chars = data
            .iter()
            .copied()
            .bytes_to_fes()
            .with_checksum::<bech32::Bech32m>(&HRP_NPUB)
            .bytes();
        let buf: Vec<u8, 80> = chars.collect();
        let s = core::str::from_utf8(&buf).unwrap();
        assert_eq!(decode_npub(s).unwrap_err(), Error::Bech32);
    }

    #[test]
    fn tlv_errors() {
        let mut out = [0u8; 200];
        let mut enc = |hrp: &str, data: &[u8]| -> Result<Entity, Error> {
            let n = encode_into(Hrp::parse(hrp).unwrap(), data, &mut out).unwrap();
            decode(core::str::from_utf8(&out[..n]).unwrap())
        };
        // Truncated value.
        assert!(enc("nprofile", &[0, 32, 1, 2]).is_err());
        // Missing length byte.
        assert!(enc("nprofile", &[0]).is_err());
        // Missing special.
        assert!(enc("nprofile", &[1, 1, b'x']).is_err());
        // Special of the wrong length.
        let mut short = [0u8; 33];
        short[1] = 31;
        assert!(enc("nevent", &short).is_err());
        // Empty naddr: no identifier, author or kind.
        assert!(enc("naddr", &[]).is_err());
        // Unknown prefix.
        assert!(enc("nrelay", &[0, 1, b'x']).is_err());
        // Unknown TLV types are ignored.
        let id = [0xabu8; 32];
        let mut data: Vec<u8, 64> = Vec::new();
        data.extend_from_slice(&[9, 2, 1, 1, 0, 32]).unwrap();
        data.extend_from_slice(&id).unwrap();
        match enc("nevent", &data).unwrap() {
            Entity::Event(e) => {
                assert_eq!(e.id, id);
                assert_eq!(e.author, None);
                assert_eq!(e.kind, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn too_many_relays_is_an_error() {
        let mut data: Vec<u8, 200> = Vec::new();
        data.extend_from_slice(&[0, 32]).unwrap();
        data.extend_from_slice(NPUB_BYTES).unwrap();
        for _ in 0..=MAX_TLV_RELAYS {
            data.extend_from_slice(&[1, 6]).unwrap();
            data.extend_from_slice(b"wss://").unwrap();
        }
        let mut out = [0u8; 400];
        let n = encode_into(HRP_NPROFILE, &data, &mut out).unwrap();
        let s = core::str::from_utf8(&out[..n]).unwrap();
        assert_eq!(decode(s).unwrap_err(), Error::TooLarge("nip19 relays"));
    }

    const NPUB_BYTES: &[u8; 32] = &[
        0x3b, 0xf0, 0xc6, 0x3f, 0xcb, 0x93, 0x46, 0x34, 0x07, 0xaf, 0x97, 0xa5, 0xe5, 0xee, 0x64,
        0xfa, 0x88, 0x3d, 0x10, 0x7e, 0xf9, 0xe5, 0x58, 0x47, 0x2c, 0x4e, 0xb9, 0xaa, 0xae, 0xfa,
        0x45, 0x9d,
    ];

    #[test]
    fn over_long_string_rejected() {
        let long: String<1100> = core::iter::repeat_n('q', 1100).collect();
        assert_eq!(decode(&long).unwrap_err(), Error::TooLarge("bech32 string"));
    }
}
