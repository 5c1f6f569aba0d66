//! Lowercase hex without allocation.
//!
//! Nostr puts ids, keys and signatures on the wire as lowercase hex; decoding accepts either case
//! (some clients upper-case), encoding always emits lowercase.

use crate::Error;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Decode exactly `N` bytes from `2N` hex characters.
pub fn decode_array<const N: usize>(s: &[u8]) -> Result<[u8; N], Error> {
    let mut out = [0u8; N];
    decode_into(s, &mut out)?;
    Ok(out)
}

/// Decode hex into `out`; `s` must be exactly `2 * out.len()` characters.
pub fn decode_into(s: &[u8], out: &mut [u8]) -> Result<(), Error> {
    if s.len() != out.len() * 2 {
        return Err(Error::Malformed("hex length"));
    }
    for (byte, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Ok(())
}

fn nibble(c: u8) -> Result<u8, Error> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(Error::Malformed("hex")),
    }
}

/// Encode `N` bytes as `2N` lowercase hex characters.
///
/// `M` must equal `2 * N`; a mismatch is a compile-time-visible contract violated only by
/// callers inside this crate, so it returns zero-filled output beyond `N` rather than panicking.
pub fn encode_array<const N: usize, const M: usize>(bytes: &[u8; N]) -> [u8; M] {
    let mut out = [b'0'; M];
    encode_into(bytes, &mut out);
    out
}

/// Encode as lowercase hex into `out`, writing `min(bytes.len(), out.len() / 2)` bytes' worth.
pub fn encode_into(bytes: &[u8], out: &mut [u8]) -> usize {
    let mut n = 0;
    for (b, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = DIGITS[(b >> 4) as usize];
        pair[1] = DIGITS[(b & 0x0f) as usize];
        n += 2;
    }
    n
}

/// Whether `s` is exactly `len` lowercase hex characters (NIP-01 ids and keys).
pub fn is_lower_hex(s: &[u8], len: usize) -> bool {
    s.len() == len && s.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_case() {
        let b: [u8; 4] = decode_array(b"DEADbeef").unwrap();
        assert_eq!(b, [0xde, 0xad, 0xbe, 0xef]);
        let s: [u8; 8] = encode_array(&b);
        assert_eq!(&s, b"deadbeef");
    }

    #[test]
    fn rejects_bad_input() {
        assert!(decode_array::<2>(b"abc").is_err());
        assert!(decode_array::<2>(b"abcg").is_err());
        assert!(decode_array::<1>(b"\xff\xff").is_err());
        assert!(!is_lower_hex(b"ABCD", 4));
        assert!(is_lower_hex(b"abcd", 4));
    }
}
