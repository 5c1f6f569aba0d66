//! NIP-19: every vendored vector, round trips, and a differential check against rust-nostr.
#![allow(clippy::unwrap_used)]

use nostr::{FromBech32, ToBech32};
use proptest::prelude::*;
use serde_json::Value;
use signer_core::Error;
use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip19::{self, Entity, KEY_BECH32_LEN};

const VECTORS: &str = include_str!("vectors/nip19.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn relays_of(v: &Value) -> Vec<String> {
    v["relays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

fn our_relays(r: &nip19::Relays) -> Vec<String> {
    r.iter().map(|s| s.as_str().to_owned()).collect()
}

fn hex32(b: &[u8; 32]) -> String {
    hex::encode(b)
}

#[test]
fn every_valid_vector_decodes_as_stated() {
    let v = vectors();
    let valid = v["valid"].as_array().unwrap();
    assert_eq!(valid.len(), 18);
    let mut by_type = std::collections::BTreeMap::<String, usize>::new();
    for case in valid {
        let s = case["bech32"].as_str().unwrap();
        let ty = case["decoded"]["type"].as_str().unwrap();
        let data = &case["decoded"]["data"];
        *by_type.entry(ty.to_owned()).or_default() += 1;
        let entity = nip19::decode(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        match (ty, entity) {
            ("npub", Entity::Pubkey(pk)) => {
                assert_eq!(hex32(pk.as_bytes()), data.as_str().unwrap());
                assert_eq!(nip19::decode_npub(s).unwrap(), pk);
                assert_eq!(nip19::encode_npub(&pk).as_str(), s, "re-encode");
            }
            ("nsec", Entity::Secret(sk)) => {
                let want = SecretKey::from_hex(data.as_str().unwrap()).unwrap();
                assert_eq!(sk.public_key(), want.public_key());
                let bytes = nip19::decode_nsec_bytes(s).unwrap();
                assert_eq!(hex32(&bytes), data.as_str().unwrap());
                let mut out = [0u8; KEY_BECH32_LEN];
                let n = nip19::encode_nsec_into(&bytes, &mut out).unwrap();
                assert_eq!(&out[..n], s.as_bytes(), "re-encode");
            }
            ("note", Entity::Note(id)) => {
                assert_eq!(hex32(&id), data.as_str().unwrap());
            }
            ("nprofile", Entity::Profile(p)) => {
                assert_eq!(hex32(p.pubkey.as_bytes()), data["pubkey"].as_str().unwrap());
                assert_eq!(our_relays(&p.relays), relays_of(data));
            }
            ("nevent", Entity::Event(e)) => {
                assert_eq!(hex32(&e.id), data["id"].as_str().unwrap());
                assert_eq!(our_relays(&e.relays), relays_of(data));
                assert_eq!(
                    e.author.map(|a| hex32(a.as_bytes())),
                    data["author"].as_str().map(str::to_owned)
                );
                assert_eq!(e.kind.map(u64::from), data["kind"].as_u64());
            }
            ("naddr", Entity::Address(a)) => {
                assert_eq!(a.identifier.as_str(), data["identifier"].as_str().unwrap());
                assert_eq!(hex32(a.pubkey.as_bytes()), data["pubkey"].as_str().unwrap());
                assert_eq!(u64::from(a.kind), data["kind"].as_u64().unwrap());
                assert_eq!(our_relays(&a.relays), relays_of(data));
            }
            (ty, other) => panic!("{s}: expected {ty}, got {other:?}"),
        }
    }
    let counts: Vec<(&str, usize)> = by_type.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        counts,
        [
            ("naddr", 4),
            ("nevent", 2),
            ("note", 2),
            ("nprofile", 3),
            ("npub", 4),
            ("nsec", 3)
        ]
    );
}

#[test]
fn every_invalid_vector_is_rejected() {
    let v = vectors();
    let invalid = v["invalid"].as_array().unwrap();
    assert_eq!(invalid.len(), 3);
    for case in invalid {
        let s = case["bech32"].as_str().unwrap();
        assert!(nip19::decode(s).is_err(), "{s} accepted");
        assert!(nip19::decode_npub(s).is_err(), "{s} accepted as npub");
        assert!(nip19::decode_nsec(s).is_err(), "{s} accepted as nsec");
    }
}

#[test]
fn spec_examples_in_both_directions() {
    // The two key examples of 19.md, checked against the hex the spec states.
    let pk =
        PublicKey::from_hex("7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e")
            .unwrap();
    assert_eq!(
        nip19::encode_npub(&pk).as_str(),
        "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg"
    );
    let sk: [u8; 32] =
        hex::decode("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa")
            .unwrap()
            .try_into()
            .unwrap();
    let mut out = [0u8; 80];
    let n = nip19::encode_nsec_into(&sk, &mut out).unwrap();
    assert_eq!(
        &out[..n],
        b"nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5"
    );
}

#[test]
fn key_decoders_check_the_prefix() {
    let note = "note1m99r7nwc0wdrkzldrqan96gklg5usqspq7z9696j6unf0ljnpxjspqfw99";
    assert_eq!(nip19::decode_npub(note).unwrap_err(), Error::Bech32);
    assert_eq!(nip19::decode_nsec(note).unwrap_err(), Error::Bech32);
}

/// Plain bech32 of arbitrary bytes (through the no-alloc iterator API of the `bech32` crate).
fn bech32_encode(hrp: &str, data: &[u8]) -> String {
    use bech32::{ByteIterExt, Fe32IterExt};
    let hrp = bech32::Hrp::parse(hrp).unwrap();
    data.iter()
        .copied()
        .bytes_to_fes()
        .with_checksum::<bech32::Bech32>(&hrp)
        .chars()
        .collect()
}

fn secret_from(seed: [u8; 32]) -> Option<SecretKey> {
    SecretKey::from_bytes(&seed).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Our npub/nsec equal rust-nostr's, both ways, for random keys.
    #[test]
    fn differential_against_rust_nostr(seed in any::<[u8; 32]>()) {
        let Some(sk) = secret_from(seed) else { return Ok(()) };
        let pk = sk.public_key();
        let theirs_sk = nostr::SecretKey::from_slice(&seed).unwrap();
        let theirs_pk = nostr::Keys::new(theirs_sk.clone()).public_key();
        prop_assert_eq!(hex32(pk.as_bytes()), theirs_pk.to_hex());

        let npub = nip19::encode_npub(&pk);
        prop_assert_eq!(npub.as_str(), theirs_pk.to_bech32().unwrap());
        prop_assert_eq!(nostr::PublicKey::from_bech32(&npub).unwrap(), theirs_pk);

        let mut out = [0u8; KEY_BECH32_LEN];
        let n = nip19::encode_nsec_into(&seed, &mut out).unwrap();
        let nsec = std::str::from_utf8(&out[..n]).unwrap();
        prop_assert_eq!(nsec, theirs_sk.to_bech32().unwrap());
        prop_assert_eq!(nostr::SecretKey::from_bech32(nsec).unwrap(), theirs_sk.clone());

        // Decode what rust-nostr encoded.
        let back_pk = nip19::decode_npub(&theirs_pk.to_bech32().unwrap()).unwrap();
        prop_assert_eq!(back_pk, pk);
        let back = nip19::decode_nsec_bytes(&theirs_sk.to_bech32().unwrap()).unwrap();
        prop_assert_eq!(&back[..], &seed[..]);
        let back_sk = nip19::decode_nsec(&theirs_sk.to_bech32().unwrap()).unwrap();
        prop_assert_eq!(back_sk.public_key(), pk);
    }

    /// Random event ids as rust-nostr `note`/`nevent`, decoded by us.
    #[test]
    fn differential_note_and_nevent(id in any::<[u8; 32]>(), seed in any::<[u8; 32]>(),
                                    kind in any::<u16>(), nrelays in 0usize..4) {
        let event_id = nostr::EventId::from_byte_array(id);
        match nip19::decode(&event_id.to_bech32().unwrap()).unwrap() {
            Entity::Note(got) => prop_assert_eq!(got, id),
            other => prop_assert!(false, "{:?}", other),
        }
        let Ok(theirs_sk) = nostr::SecretKey::from_slice(&seed) else { return Ok(()) };
        let author = nostr::Keys::new(theirs_sk).public_key();
        let relays: Vec<nostr::RelayUrl> = (0..nrelays)
            .map(|i| nostr::RelayUrl::parse(&format!("wss://relay{i}.example.com")).unwrap())
            .collect();
        let ev = nostr::nips::nip19::Nip19Event::new(event_id)
            .author(author)
            .kind(nostr::Kind::from(kind))
            .relays(relays.clone());
        match nip19::decode(&ev.to_bech32().unwrap()).unwrap() {
            Entity::Event(e) => {
                prop_assert_eq!(e.id, id);
                prop_assert_eq!(e.author.map(|a| hex32(a.as_bytes())), Some(author.to_hex()));
                prop_assert_eq!(e.kind, Some(u32::from(kind)));
                let want: Vec<String> = relays.iter().map(|r| r.to_string()).collect();
                prop_assert_eq!(our_relays(&e.relays), want);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    /// Arbitrary strings never panic any decoder.
    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,200}") {
        let _ = nip19::decode(&s);
        let _ = nip19::decode_npub(&s);
        let _ = nip19::decode_nsec(&s);
    }

    /// Arbitrary payloads under every prefix never panic, and what decodes re-validates.
    #[test]
    fn arbitrary_payloads_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300),
                                      hrp in prop::sample::select(
                                          vec!["npub", "nsec", "note", "nprofile", "nevent", "naddr"])) {
        let s = bech32_encode(hrp, &data);
        let _ = nip19::decode(&s);
    }

    /// One flipped character always fails the checksum.
    #[test]
    fn single_char_change_rejected(seed in any::<[u8; 32]>(), pos in 5usize..KEY_BECH32_LEN,
                                   c in prop::sample::select(
                                       b"qpzry9x8gf2tvdw0s3jn54khce6mua7l".to_vec())) {
        let Some(sk) = secret_from(seed) else { return Ok(()) };
        let npub = nip19::encode_npub(&sk.public_key());
        let mut bytes = npub.as_bytes().to_vec();
        if bytes[pos] == c { return Ok(()); }
        bytes[pos] = c;
        let s = String::from_utf8(bytes).unwrap();
        prop_assert!(nip19::decode_npub(&s).is_err());
    }
}
