//! Per-client permission policy: trust levels, per-kind and per-method overrides, protected
//! kinds, requested-perms parsing and a compact binary form for the state snapshot.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/46.md> ("Requested permissions").
//!
//! [`decide`] checks, in order:
//! 1. the method itself: `connect`, `get_public_key`, `ping`, `switch_relays` and `logout` are
//!    always allowed (they reveal or change nothing a paired client may not know or do; gating
//!    `logout` would only leave zombie pairings), and an [`Method::Unknown`] method is denied
//!    (the caller replies "Unsupported method: X" before ever asking);
//! 2. for `sign_event`, the client's per-kind override; for the four encrypt/decrypt methods,
//!    the client's per-method override;
//! 3. the trust level:
//!
//! | request                       | Full  | Medium                          | Low |
//! |-------------------------------|-------|---------------------------------|-----|
//! | `sign_event` of kind k        | Allow | Ask if k is protected, else Allow | Ask |
//! | `nip04_/nip44_encrypt`        | Allow | Allow                           | Ask |
//! | `nip04_/nip44_decrypt`        | Allow | Allow                           | Ask |
//!
//! `sign_event` without a kind (a template whose kind does not parse) is denied: the caller
//! rejects such templates anyway, and a policy must fail closed.
//!
//! Encrypt asks under Low, like decrypt: the reference app describes Low as "ask for every
//! request", and an encryption is a message authenticated by the user's key (a NIP-44 MAC or a
//! NIP-04 shared secret only the two parties hold), so a low-trust client must not mint them
//! silently. (The reference app itself lets all four crypto methods through at every trust level
//! by default; Clave deliberately does not under Low.)
//!
//! ```
//! use signer_core::nip46::perms::{decide, ClientPerms, Decision, Method, ProtectedKinds,
//!     RequestedPerms, TrustLevel};
//!
//! let requested = RequestedPerms::parse("nip44_encrypt,sign_event:1,sign_event:0")?;
//! let protected = ProtectedKinds::default();
//! let perms = ClientPerms::seeded(TrustLevel::Low, &requested, &protected);
//! assert_eq!(decide(&perms, Method::SignEvent, Some(1), &protected), Decision::Allow);
//! assert_eq!(decide(&perms, Method::SignEvent, Some(0), &protected), Decision::Ask);
//! assert_eq!(decide(&perms, Method::parse("nip44_encrypt"), None, &protected), Decision::Allow);
//! assert_eq!(decide(&perms, Method::Nip44Decrypt, None, &protected), Decision::Ask);
//! # Ok::<(), signer_core::Error>(())
//! ```

use heapless::Vec;

use crate::Error;

/// Most per-kind overrides one client can hold.
pub const MAX_KIND_OVERRIDES: usize = 32;
/// Most protected kinds an account can configure.
pub const MAX_PROTECTED_KINDS: usize = 32;
/// Most distinct `sign_event:<kind>` entries one requested-perms string may carry; equal to
/// [`MAX_KIND_OVERRIDES`] so that seeding can never overflow.
pub const MAX_REQUESTED_KINDS: usize = MAX_KIND_OVERRIDES;
/// Most comma-separated entries in one requested-perms string (empty entries included).
pub const MAX_PERMS_ENTRIES: usize = 64;
/// Kinds that Medium trust never signs without asking, unless an account configures others:
/// profile metadata (0), contact list (3), deletion (5), relay list (10002), app data (30078).
pub const DEFAULT_PROTECTED_KINDS: [u16; 5] = [0, 3, 5, 10002, 30078];

/// Version byte of the binary forms below.
const FORMAT_VERSION: u8 = 1;
/// Version, trust, method overrides, override count.
const CLIENT_HEADER_LEN: usize = 4;
/// Kind (u16 big-endian) and decision.
const KIND_ENTRY_LEN: usize = 3;
/// Largest [`ClientPerms::encode_into`] output.
pub const CLIENT_PERMS_MAX_ENCODED_LEN: usize =
    CLIENT_HEADER_LEN + KIND_ENTRY_LEN * MAX_KIND_OVERRIDES;
/// Largest [`ProtectedKinds::encode_into`] output.
pub const PROTECTED_KINDS_MAX_ENCODED_LEN: usize = 2 + 2 * MAX_PROTECTED_KINDS;

const CORRUPT_CLIENT: Error = Error::Malformed("client perms");
const CORRUPT_PROTECTED: Error = Error::Malformed("protected kinds");

/// How much a paired client is trusted by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustLevel {
    /// Every method, every kind.
    Full,
    /// Everything except protected kinds, which ask.
    Medium,
    /// Only the session methods are automatic; every signature, encryption and decryption asks.
    Low,
}

impl TrustLevel {
    fn to_byte(self) -> u8 {
        match self {
            TrustLevel::Full => 0,
            TrustLevel::Medium => 1,
            TrustLevel::Low => 2,
        }
    }

    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(TrustLevel::Full),
            1 => Some(TrustLevel::Medium),
            2 => Some(TrustLevel::Low),
            _ => None,
        }
    }
}

/// What to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Answer it now.
    Allow,
    /// Hold it and ask the user.
    Ask,
    /// Reply with an error ("user rejected").
    Deny,
}

impl Decision {
    fn to_byte(self) -> u8 {
        match self {
            Decision::Allow => 0,
            Decision::Ask => 1,
            Decision::Deny => 2,
        }
    }

    fn from_byte(b: u8) -> Option<Self> {
        match b {
            0 => Some(Decision::Allow),
            1 => Some(Decision::Ask),
            2 => Some(Decision::Deny),
            _ => None,
        }
    }
}

/// A NIP-46 method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `connect`
    Connect,
    /// `get_public_key`
    GetPublicKey,
    /// `sign_event`
    SignEvent,
    /// `ping`
    Ping,
    /// `nip04_encrypt`
    Nip04Encrypt,
    /// `nip04_decrypt`
    Nip04Decrypt,
    /// `nip44_encrypt`
    Nip44Encrypt,
    /// `nip44_decrypt`
    Nip44Decrypt,
    /// `switch_relays`
    SwitchRelays,
    /// `logout`
    Logout,
    /// Anything else: the caller replies `"Unsupported method: X"` with the name it received.
    Unknown,
}

impl Method {
    /// Every known method.
    pub const ALL: [Method; 10] = [
        Method::Connect,
        Method::GetPublicKey,
        Method::SignEvent,
        Method::Ping,
        Method::Nip04Encrypt,
        Method::Nip04Decrypt,
        Method::Nip44Encrypt,
        Method::Nip44Decrypt,
        Method::SwitchRelays,
        Method::Logout,
    ];

    /// The method named `s` (exact, case-sensitive as in NIP-46), or [`Method::Unknown`].
    pub fn parse(s: &str) -> Method {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str() == Some(s))
            .unwrap_or(Method::Unknown)
    }

    /// The wire name; `None` for [`Method::Unknown`].
    pub fn as_str(self) -> Option<&'static str> {
        Some(match self {
            Method::Connect => "connect",
            Method::GetPublicKey => "get_public_key",
            Method::SignEvent => "sign_event",
            Method::Ping => "ping",
            Method::Nip04Encrypt => "nip04_encrypt",
            Method::Nip04Decrypt => "nip04_decrypt",
            Method::Nip44Encrypt => "nip44_encrypt",
            Method::Nip44Decrypt => "nip44_decrypt",
            Method::SwitchRelays => "switch_relays",
            Method::Logout => "logout",
            Method::Unknown => return None,
        })
    }

    /// Slot of a method that has a per-method override (the four crypto methods).
    fn override_slot(self) -> Option<usize> {
        match self {
            Method::Nip04Encrypt => Some(0),
            Method::Nip04Decrypt => Some(1),
            Method::Nip44Encrypt => Some(2),
            Method::Nip44Decrypt => Some(3),
            _ => None,
        }
    }

    /// Bit in [`RequestedPerms`]' method set.
    fn bit(self) -> u16 {
        match Method::ALL.iter().position(|m| *m == self) {
            Some(i) => 1 << i,
            None => 0,
        }
    }
}

/// Kinds that Medium trust asks for. Sorted, no duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedKinds {
    kinds: Vec<u16, MAX_PROTECTED_KINDS>,
}

impl Default for ProtectedKinds {
    /// [`DEFAULT_PROTECTED_KINDS`].
    fn default() -> Self {
        let mut kinds = Vec::new();
        for k in DEFAULT_PROTECTED_KINDS {
            // Cannot fail: 5 <= MAX_PROTECTED_KINDS.
            let _ = kinds.push(k);
        }
        Self { kinds }
    }
}

impl ProtectedKinds {
    /// No protected kinds at all.
    pub fn empty() -> Self {
        Self { kinds: Vec::new() }
    }

    /// From a list (any order, duplicates allowed); more than [`MAX_PROTECTED_KINDS`] distinct
    /// kinds is an error.
    pub fn from_kinds(kinds: &[u16]) -> Result<Self, Error> {
        let mut p = Self::empty();
        for &k in kinds {
            p.insert(k)?;
        }
        Ok(p)
    }

    /// Whether `kind` is protected.
    pub fn contains(&self, kind: u16) -> bool {
        self.kinds.binary_search(&kind).is_ok()
    }

    /// Protect `kind` (no-op if already protected).
    pub fn insert(&mut self, kind: u16) -> Result<(), Error> {
        if let Err(at) = self.kinds.binary_search(&kind) {
            self.kinds
                .insert(at, kind)
                .map_err(|_| Error::TooLarge("protected kinds"))?;
        }
        Ok(())
    }

    /// Stop protecting `kind`; whether it was protected.
    pub fn remove(&mut self, kind: u16) -> bool {
        match self.kinds.binary_search(&kind) {
            Ok(at) => {
                self.kinds.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// The protected kinds, ascending.
    pub fn as_slice(&self) -> &[u16] {
        &self.kinds
    }

    /// Binary form: version 1, count, then each kind as u16 big-endian, ascending. Returns the
    /// length written (at most [`PROTECTED_KINDS_MAX_ENCODED_LEN`]).
    pub fn encode_into(&self, out: &mut [u8]) -> Result<usize, Error> {
        let len = 2 + 2 * self.kinds.len();
        let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        out[0] = FORMAT_VERSION;
        out[1] = self.kinds.len() as u8; // <= MAX_PROTECTED_KINDS < 256
        for (k, dst) in self.kinds.iter().zip(out[2..].chunks_exact_mut(2)) {
            dst.copy_from_slice(&k.to_be_bytes());
        }
        Ok(len)
    }

    /// Decode a value written by [`encode_into`](Self::encode_into) from the start of `bytes`;
    /// returns it and the bytes used. Anything not canonical is an error.
    pub fn decode_prefix(bytes: &[u8]) -> Result<(Self, usize), Error> {
        let [version, count, rest @ ..] = bytes else {
            return Err(CORRUPT_PROTECTED);
        };
        let count = usize::from(*count);
        if *version != FORMAT_VERSION || count > MAX_PROTECTED_KINDS {
            return Err(CORRUPT_PROTECTED);
        }
        let body = rest.get(..2 * count).ok_or(CORRUPT_PROTECTED)?;
        let mut kinds = Vec::new();
        for pair in body.chunks_exact(2) {
            let k = u16::from_be_bytes([pair[0], pair[1]]);
            if kinds.last().is_some_and(|&prev| prev >= k) {
                return Err(CORRUPT_PROTECTED);
            }
            kinds.push(k).map_err(|_| CORRUPT_PROTECTED)?;
        }
        Ok((Self { kinds }, 2 + 2 * count))
    }

    /// Like [`decode_prefix`](Self::decode_prefix), but `bytes` must be exactly one value.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let (p, used) = Self::decode_prefix(bytes)?;
        if used == bytes.len() {
            Ok(p)
        } else {
            Err(CORRUPT_PROTECTED)
        }
    }
}

/// Permissions a client asked for (`connect` param 3 or the `perms=` of a `nostrconnect://`
/// URI): `method[:param]` entries separated by commas, e.g. `nip44_encrypt,sign_event:4`.
///
/// Parsing keeps what can be granted and ignores the rest (so a newer client's entries do not
/// break pairing): known methods without a parameter, and `sign_event:<kind>` with a decimal
/// kind in `0..=65535`. Entries with a parameter on another method, unknown methods, malformed
/// kinds and empty entries are ignored; surrounding ASCII whitespace is trimmed. More than
/// [`MAX_PERMS_ENTRIES`] entries or [`MAX_REQUESTED_KINDS`] distinct kinds is an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestedPerms {
    methods: u16,
    kinds: Vec<u16, MAX_REQUESTED_KINDS>,
}

impl RequestedPerms {
    /// Parse a comma-separated perms string (already percent-decoded).
    pub fn parse(s: &str) -> Result<Self, Error> {
        let mut req = Self::default();
        for (i, entry) in s.split(',').enumerate() {
            if i >= MAX_PERMS_ENTRIES {
                return Err(Error::TooLarge("requested perms"));
            }
            let entry = entry.trim_matches(|c: char| c.is_ascii_whitespace());
            let (name, param) = match entry.split_once(':') {
                Some((name, param)) => (name, Some(param)),
                None => (entry, None),
            };
            let method = Method::parse(name);
            match (method, param) {
                (Method::Unknown, _) => {}
                (Method::SignEvent, Some(kind)) => {
                    if let Some(kind) = parse_kind(kind)
                        && !req.kinds.contains(&kind)
                    {
                        req.kinds
                            .push(kind)
                            .map_err(|_| Error::TooLarge("requested kinds"))?;
                    }
                }
                (_, Some(_)) => {}
                (m, None) => req.methods |= m.bit(),
            }
        }
        Ok(req)
    }

    /// Whether `method` was requested without a parameter.
    pub fn has_method(&self, method: Method) -> bool {
        self.methods & method.bit() != 0
    }

    /// The `sign_event:<kind>` kinds, in the order first requested.
    pub fn kinds(&self) -> &[u16] {
        &self.kinds
    }

    /// Whether nothing grantable was requested.
    pub fn is_empty(&self) -> bool {
        self.methods == 0 && self.kinds.is_empty()
    }
}

/// A decimal kind in `0..=65535`, digits only (no sign, no spaces).
fn parse_kind(s: &str) -> Option<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// One client's permissions: a trust level plus overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPerms {
    trust: TrustLevel,
    /// For nip04_encrypt, nip04_decrypt, nip44_encrypt, nip44_decrypt.
    methods: [Option<Decision>; 4],
    /// Sorted by kind, one entry per kind.
    kinds: Vec<(u16, Decision), MAX_KIND_OVERRIDES>,
}

impl ClientPerms {
    /// A trust level and no overrides.
    pub fn new(trust: TrustLevel) -> Self {
        Self {
            trust,
            methods: [None; 4],
            kinds: Vec::new(),
        }
    }

    /// Permissions for a pairing the user approved at `trust`, seeded from what the client
    /// requested. The rule:
    /// - `sign_event:<k>` → a per-kind `Allow` override for k, **unless k is protected** (those
    ///   keep the trust level's answer; the shell may show them and let the user grant them
    ///   explicitly with [`set_kind_override`](Self::set_kind_override));
    /// - `nip04_encrypt`, `nip04_decrypt`, `nip44_encrypt`, `nip44_decrypt` without a parameter
    ///   → a per-method `Allow` override;
    /// - a bare `sign_event` (no kind) grants nothing: a blanket grant would cover protected
    ///   kinds, so the trust level decides;
    /// - `connect`, `get_public_key`, `ping`, `switch_relays`, `logout` need no grant.
    ///
    /// Cannot overflow: [`RequestedPerms`] holds at most [`MAX_KIND_OVERRIDES`] kinds.
    pub fn seeded(
        trust: TrustLevel,
        requested: &RequestedPerms,
        protected: &ProtectedKinds,
    ) -> Self {
        let mut perms = Self::new(trust);
        for &kind in requested.kinds() {
            if !protected.contains(kind) {
                // Cannot fail: distinct kinds <= MAX_REQUESTED_KINDS == MAX_KIND_OVERRIDES.
                let _ = perms.set_kind_override(kind, Some(Decision::Allow));
            }
        }
        for method in Method::ALL {
            if let Some(slot) = method.override_slot()
                && requested.has_method(method)
            {
                perms.methods[slot] = Some(Decision::Allow);
            }
        }
        perms
    }

    /// The trust level.
    pub fn trust(&self) -> TrustLevel {
        self.trust
    }

    /// Change the trust level (overrides stay).
    pub fn set_trust(&mut self, trust: TrustLevel) {
        self.trust = trust;
    }

    /// The override for `sign_event` of `kind`, if any.
    pub fn kind_override(&self, kind: u16) -> Option<Decision> {
        self.kinds
            .binary_search_by_key(&kind, |&(k, _)| k)
            .ok()
            .map(|i| self.kinds[i].1)
    }

    /// Set (`Some`) or clear (`None`) the override for `sign_event` of `kind`. Setting a new kind
    /// beyond [`MAX_KIND_OVERRIDES`] is an error and changes nothing.
    pub fn set_kind_override(
        &mut self,
        kind: u16,
        decision: Option<Decision>,
    ) -> Result<(), Error> {
        match (
            self.kinds.binary_search_by_key(&kind, |&(k, _)| k),
            decision,
        ) {
            (Ok(i), Some(d)) => self.kinds[i].1 = d,
            (Ok(i), None) => {
                self.kinds.remove(i);
            }
            (Err(i), Some(d)) => self
                .kinds
                .insert(i, (kind, d))
                .map_err(|_| Error::TooLarge("kind overrides"))?,
            (Err(_), None) => {}
        }
        Ok(())
    }

    /// The per-kind overrides, ascending by kind.
    pub fn kind_overrides(&self) -> &[(u16, Decision)] {
        &self.kinds
    }

    /// The override for one of the four encrypt/decrypt methods, if any (`None` for others).
    pub fn method_override(&self, method: Method) -> Option<Decision> {
        method.override_slot().and_then(|slot| self.methods[slot])
    }

    /// Set or clear the override of an encrypt/decrypt method. Other methods have no override
    /// (session methods are always allowed; `sign_event` is governed per kind):
    /// `Error::Malformed("method override")`.
    pub fn set_method_override(
        &mut self,
        method: Method,
        decision: Option<Decision>,
    ) -> Result<(), Error> {
        let slot = method
            .override_slot()
            .ok_or(Error::Malformed("method override"))?;
        self.methods[slot] = decision;
        Ok(())
    }

    /// Length of [`encode_into`](Self::encode_into)'s output.
    pub fn encoded_len(&self) -> usize {
        CLIENT_HEADER_LEN + KIND_ENTRY_LEN * self.kinds.len()
    }

    /// Binary form, version 1:
    /// `[1, trust, method_overrides, n, (kind_hi, kind_lo, decision) × n]` where trust is
    /// 0 Full / 1 Medium / 2 Low, decision 0 Allow / 1 Ask / 2 Deny, `method_overrides` holds
    /// two bits per method (nip04_encrypt in bits 0–1, nip04_decrypt 2–3, nip44_encrypt 4–5,
    /// nip44_decrypt 6–7; 0 = none, else decision + 1), and kinds ascend strictly.
    /// Returns the length written (at most [`CLIENT_PERMS_MAX_ENCODED_LEN`]).
    pub fn encode_into(&self, out: &mut [u8]) -> Result<usize, Error> {
        let len = self.encoded_len();
        let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        let mut methods = 0u8;
        for (slot, d) in self.methods.iter().enumerate() {
            let code = d.map_or(0, |d| d.to_byte() + 1);
            methods |= code << (2 * slot);
        }
        out[0] = FORMAT_VERSION;
        out[1] = self.trust.to_byte();
        out[2] = methods;
        out[3] = self.kinds.len() as u8; // <= MAX_KIND_OVERRIDES < 256
        for (&(kind, d), dst) in self
            .kinds
            .iter()
            .zip(out[CLIENT_HEADER_LEN..].chunks_exact_mut(KIND_ENTRY_LEN))
        {
            let [hi, lo] = kind.to_be_bytes();
            dst.copy_from_slice(&[hi, lo, d.to_byte()]);
        }
        Ok(len)
    }

    /// Decode a value written by [`encode_into`](Self::encode_into) from the start of `bytes`;
    /// returns it and the bytes used. Unknown versions or codes, a count over the bound,
    /// truncation and unsorted or repeated kinds are errors.
    pub fn decode_prefix(bytes: &[u8]) -> Result<(Self, usize), Error> {
        let [version, trust, methods, count, rest @ ..] = bytes else {
            return Err(CORRUPT_CLIENT);
        };
        if *version != FORMAT_VERSION {
            return Err(CORRUPT_CLIENT);
        }
        let trust = TrustLevel::from_byte(*trust).ok_or(CORRUPT_CLIENT)?;
        let mut perms = Self::new(trust);
        for (slot, d) in perms.methods.iter_mut().enumerate() {
            *d = match (methods >> (2 * slot)) & 0b11 {
                0 => None,
                code => Some(Decision::from_byte(code - 1).ok_or(CORRUPT_CLIENT)?),
            };
        }
        let count = usize::from(*count);
        if count > MAX_KIND_OVERRIDES {
            return Err(CORRUPT_CLIENT);
        }
        let body = rest.get(..KIND_ENTRY_LEN * count).ok_or(CORRUPT_CLIENT)?;
        for entry in body.chunks_exact(KIND_ENTRY_LEN) {
            let kind = u16::from_be_bytes([entry[0], entry[1]]);
            let d = Decision::from_byte(entry[2]).ok_or(CORRUPT_CLIENT)?;
            if perms.kinds.last().is_some_and(|&(prev, _)| prev >= kind) {
                return Err(CORRUPT_CLIENT);
            }
            perms.kinds.push((kind, d)).map_err(|_| CORRUPT_CLIENT)?;
        }
        Ok((perms, CLIENT_HEADER_LEN + KIND_ENTRY_LEN * count))
    }

    /// Like [`decode_prefix`](Self::decode_prefix), but `bytes` must be exactly one value.
    pub fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let (p, used) = Self::decode_prefix(bytes)?;
        if used == bytes.len() {
            Ok(p)
        } else {
            Err(CORRUPT_CLIENT)
        }
    }
}

/// What to do with `method` (and, for `sign_event`, the template's `kind`) from a client with
/// `perms`, given the account's `protected` kinds. See the module docs for the order and table.
/// `kind` is only consulted for `sign_event`.
pub fn decide(
    perms: &ClientPerms,
    method: Method,
    kind: Option<u16>,
    protected: &ProtectedKinds,
) -> Decision {
    match method {
        Method::Unknown => Decision::Deny,
        Method::Connect
        | Method::GetPublicKey
        | Method::Ping
        | Method::SwitchRelays
        | Method::Logout => Decision::Allow,
        Method::SignEvent => {
            let Some(kind) = kind else {
                return Decision::Deny;
            };
            if let Some(d) = perms.kind_override(kind) {
                return d;
            }
            match perms.trust {
                TrustLevel::Full => Decision::Allow,
                TrustLevel::Medium if protected.contains(kind) => Decision::Ask,
                TrustLevel::Medium => Decision::Allow,
                TrustLevel::Low => Decision::Ask,
            }
        }
        Method::Nip04Encrypt
        | Method::Nip04Decrypt
        | Method::Nip44Encrypt
        | Method::Nip44Decrypt => {
            if let Some(d) = perms.method_override(method) {
                return d;
            }
            match perms.trust {
                TrustLevel::Full | TrustLevel::Medium => Decision::Allow,
                TrustLevel::Low => Decision::Ask,
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SESSION: [Method; 5] = [
        Method::Connect,
        Method::GetPublicKey,
        Method::Ping,
        Method::SwitchRelays,
        Method::Logout,
    ];
    const CRYPTO: [Method; 4] = [
        Method::Nip04Encrypt,
        Method::Nip04Decrypt,
        Method::Nip44Encrypt,
        Method::Nip44Decrypt,
    ];
    const LEVELS: [TrustLevel; 3] = [TrustLevel::Full, TrustLevel::Medium, TrustLevel::Low];

    fn p() -> ProtectedKinds {
        ProtectedKinds::default()
    }

    #[test]
    fn method_names_round_trip() {
        for m in Method::ALL {
            assert_eq!(Method::parse(m.as_str().unwrap()), m);
        }
        assert_eq!(Method::parse("describe"), Method::Unknown);
        assert_eq!(Method::parse("SIGN_EVENT"), Method::Unknown);
        assert_eq!(Method::parse(""), Method::Unknown);
        assert_eq!(Method::Unknown.as_str(), None);
    }

    #[test]
    fn session_methods_always_allowed_even_with_overrides() {
        for trust in LEVELS {
            let mut perms = ClientPerms::new(trust);
            for k in 0..MAX_KIND_OVERRIDES as u16 {
                perms.set_kind_override(k, Some(Decision::Deny)).unwrap();
            }
            for m in SESSION {
                assert_eq!(decide(&perms, m, None, &p()), Decision::Allow, "{m:?}");
                assert_eq!(decide(&perms, m, Some(0), &p()), Decision::Allow, "{m:?}");
                assert!(perms.set_method_override(m, Some(Decision::Deny)).is_err());
            }
        }
    }

    #[test]
    fn unknown_and_kindless_sign_event_denied() {
        for trust in LEVELS {
            let perms = ClientPerms::new(trust);
            assert_eq!(decide(&perms, Method::Unknown, None, &p()), Decision::Deny);
            assert_eq!(
                decide(&perms, Method::Unknown, Some(1), &p()),
                Decision::Deny
            );
            assert_eq!(
                decide(&perms, Method::SignEvent, None, &p()),
                Decision::Deny
            );
        }
    }

    #[test]
    fn full_allows_every_kind_and_crypto() {
        let perms = ClientPerms::new(TrustLevel::Full);
        for k in [0u16, 1, 3, 5, 4, 10002, 30078, 65535] {
            assert_eq!(
                decide(&perms, Method::SignEvent, Some(k), &p()),
                Decision::Allow
            );
        }
        for m in CRYPTO {
            assert_eq!(decide(&perms, m, None, &p()), Decision::Allow);
        }
    }

    #[test]
    fn medium_asks_for_protected_kinds_only() {
        let perms = ClientPerms::new(TrustLevel::Medium);
        for k in DEFAULT_PROTECTED_KINDS {
            assert_eq!(
                decide(&perms, Method::SignEvent, Some(k), &p()),
                Decision::Ask
            );
        }
        for k in [1u16, 4, 6, 7, 1059, 30023] {
            assert_eq!(
                decide(&perms, Method::SignEvent, Some(k), &p()),
                Decision::Allow
            );
        }
        for m in CRYPTO {
            assert_eq!(decide(&perms, m, None, &p()), Decision::Allow);
        }
    }

    #[test]
    fn medium_follows_the_accounts_protected_list() {
        let perms = ClientPerms::new(TrustLevel::Medium);
        let custom = ProtectedKinds::from_kinds(&[1, 1, 7]).unwrap();
        assert_eq!(custom.as_slice(), &[1, 7]);
        assert_eq!(
            decide(&perms, Method::SignEvent, Some(1), &custom),
            Decision::Ask
        );
        assert_eq!(
            decide(&perms, Method::SignEvent, Some(0), &custom),
            Decision::Allow
        );
        let none = ProtectedKinds::empty();
        assert_eq!(
            decide(&perms, Method::SignEvent, Some(0), &none),
            Decision::Allow
        );
    }

    #[test]
    fn low_asks_for_signing_and_crypto() {
        let perms = ClientPerms::new(TrustLevel::Low);
        for k in [0u16, 1, 7, 65535] {
            assert_eq!(
                decide(&perms, Method::SignEvent, Some(k), &p()),
                Decision::Ask
            );
        }
        for m in CRYPTO {
            assert_eq!(decide(&perms, m, None, &p()), Decision::Ask, "{m:?}");
        }
    }

    #[test]
    fn kind_override_comes_before_trust() {
        for trust in LEVELS {
            for d in [Decision::Allow, Decision::Ask, Decision::Deny] {
                let mut perms = ClientPerms::new(trust);
                perms.set_kind_override(0, Some(d)).unwrap();
                perms.set_kind_override(1, Some(d)).unwrap();
                assert_eq!(decide(&perms, Method::SignEvent, Some(0), &p()), d);
                assert_eq!(decide(&perms, Method::SignEvent, Some(1), &p()), d);
                // Another kind still follows the trust level.
                let fallback = decide(&ClientPerms::new(trust), Method::SignEvent, Some(7), &p());
                assert_eq!(decide(&perms, Method::SignEvent, Some(7), &p()), fallback);
                // Kind overrides do not touch crypto methods.
                for m in CRYPTO {
                    assert_eq!(
                        decide(&perms, m, Some(1), &p()),
                        decide(&ClientPerms::new(trust), m, None, &p())
                    );
                }
            }
        }
    }

    #[test]
    fn method_override_comes_before_trust() {
        for trust in LEVELS {
            for d in [Decision::Allow, Decision::Ask, Decision::Deny] {
                for m in CRYPTO {
                    let mut perms = ClientPerms::new(trust);
                    perms.set_method_override(m, Some(d)).unwrap();
                    assert_eq!(perms.method_override(m), Some(d));
                    assert_eq!(decide(&perms, m, None, &p()), d);
                    for other in CRYPTO.into_iter().filter(|o| *o != m) {
                        assert_eq!(perms.method_override(other), None);
                    }
                    perms.set_method_override(m, None).unwrap();
                    assert_eq!(perms, ClientPerms::new(trust));
                }
            }
        }
        assert!(
            ClientPerms::new(TrustLevel::Low)
                .set_method_override(Method::SignEvent, Some(Decision::Allow))
                .is_err()
        );
    }

    #[test]
    fn kind_overrides_bounded_sorted_and_clearable() {
        let mut perms = ClientPerms::new(TrustLevel::Medium);
        for k in (0..MAX_KIND_OVERRIDES as u16).rev() {
            perms
                .set_kind_override(k * 3, Some(Decision::Allow))
                .unwrap();
        }
        let before = perms.clone();
        assert_eq!(
            perms.set_kind_override(9999, Some(Decision::Allow)),
            Err(Error::TooLarge("kind overrides"))
        );
        assert_eq!(perms, before, "a failed insert changes nothing");
        // Updating an existing kind at capacity works.
        perms.set_kind_override(3, Some(Decision::Deny)).unwrap();
        assert_eq!(perms.kind_override(3), Some(Decision::Deny));
        assert!(perms.kind_overrides().windows(2).all(|w| w[0].0 < w[1].0));
        perms.set_kind_override(3, None).unwrap();
        assert_eq!(perms.kind_override(3), None);
        perms.set_kind_override(9999, Some(Decision::Ask)).unwrap();
        perms.set_kind_override(12345, None).unwrap();
    }

    #[test]
    fn requested_perms_parse() {
        let r = RequestedPerms::parse(
            " nip44_encrypt , nip44_decrypt,sign_event:13,sign_event:14,sign_event:1059,sign_event:13,,",
        )
        .unwrap();
        assert!(r.has_method(Method::Nip44Encrypt));
        assert!(r.has_method(Method::Nip44Decrypt));
        assert!(!r.has_method(Method::Nip04Decrypt));
        assert!(!r.has_method(Method::SignEvent));
        assert_eq!(r.kinds(), &[13, 14, 1059]);

        let r = RequestedPerms::parse(
            "sign_event,sign_event:x,sign_event:-1,sign_event:65536,sign_event:,sign_event:+1,\
             nip44_encrypt:foo,describe,get_public_key,sign_event:65535",
        )
        .unwrap();
        assert!(r.has_method(Method::SignEvent));
        assert!(r.has_method(Method::GetPublicKey));
        assert!(!r.has_method(Method::Nip44Encrypt));
        assert_eq!(r.kinds(), &[65535]);

        assert!(RequestedPerms::parse("").unwrap().is_empty());
        assert!(
            RequestedPerms::parse("bogus,also:bogus")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn requested_perms_bounds_are_errors() {
        let mut s: heapless::String<1024> = heapless::String::new();
        for k in 0..=MAX_REQUESTED_KINDS {
            use core::fmt::Write;
            write!(s, "sign_event:{k},").unwrap();
        }
        assert_eq!(
            RequestedPerms::parse(&s),
            Err(Error::TooLarge("requested kinds"))
        );
        let commas: heapless::String<128> = core::iter::repeat_n(',', MAX_PERMS_ENTRIES).collect();
        assert_eq!(
            RequestedPerms::parse(&commas),
            Err(Error::TooLarge("requested perms"))
        );
        let ok: heapless::String<128> = core::iter::repeat_n(',', MAX_PERMS_ENTRIES - 1).collect();
        assert!(RequestedPerms::parse(&ok).is_ok());
    }

    #[test]
    fn seeding_rule() {
        let r = RequestedPerms::parse(
            "sign_event:1,sign_event:0,sign_event:10002,sign_event,nip04_decrypt,nip44_encrypt,ping",
        )
        .unwrap();
        let prot = p();
        for trust in LEVELS {
            let perms = ClientPerms::seeded(trust, &r, &prot);
            assert_eq!(perms.trust(), trust);
            // Only the unprotected kind became an override.
            assert_eq!(perms.kind_overrides(), &[(1, Decision::Allow)]);
            assert_eq!(
                perms.method_override(Method::Nip04Decrypt),
                Some(Decision::Allow)
            );
            assert_eq!(
                perms.method_override(Method::Nip44Encrypt),
                Some(Decision::Allow)
            );
            assert_eq!(perms.method_override(Method::Nip44Decrypt), None);
            assert_eq!(perms.method_override(Method::Nip04Encrypt), None);
        }
        let low = ClientPerms::seeded(TrustLevel::Low, &r, &prot);
        assert_eq!(
            decide(&low, Method::SignEvent, Some(1), &prot),
            Decision::Allow
        );
        assert_eq!(
            decide(&low, Method::SignEvent, Some(0), &prot),
            Decision::Ask
        );
        assert_eq!(
            decide(&low, Method::SignEvent, Some(7), &prot),
            Decision::Ask
        );
        assert_eq!(
            decide(&low, Method::Nip04Decrypt, None, &prot),
            Decision::Allow
        );
        assert_eq!(
            decide(&low, Method::Nip44Decrypt, None, &prot),
            Decision::Ask
        );
        let medium = ClientPerms::seeded(TrustLevel::Medium, &r, &prot);
        assert_eq!(
            decide(&medium, Method::SignEvent, Some(10002), &prot),
            Decision::Ask
        );
        // Seeding the maximum number of kinds never fails.
        let mut s: heapless::String<1024> = heapless::String::new();
        for k in 100..100 + MAX_REQUESTED_KINDS {
            use core::fmt::Write;
            write!(s, "sign_event:{k},").unwrap();
        }
        let many = RequestedPerms::parse(&s).unwrap();
        let perms = ClientPerms::seeded(TrustLevel::Low, &many, &prot);
        assert_eq!(perms.kind_overrides().len(), MAX_KIND_OVERRIDES);
    }

    #[test]
    fn client_perms_binary_round_trip() {
        let mut perms = ClientPerms::new(TrustLevel::Low);
        let mut buf = [0u8; CLIENT_PERMS_MAX_ENCODED_LEN];
        let n = perms.encode_into(&mut buf).unwrap();
        assert_eq!(&buf[..n], &[1, 2, 0, 0]);
        assert_eq!(ClientPerms::decode(&buf[..n]).unwrap(), perms);

        perms.set_trust(TrustLevel::Medium);
        perms
            .set_method_override(Method::Nip04Encrypt, Some(Decision::Allow))
            .unwrap();
        perms
            .set_method_override(Method::Nip44Decrypt, Some(Decision::Deny))
            .unwrap();
        perms.set_kind_override(30078, Some(Decision::Ask)).unwrap();
        perms.set_kind_override(1, Some(Decision::Allow)).unwrap();
        let n = perms.encode_into(&mut buf).unwrap();
        assert_eq!(&buf[..n], &[1, 1, 0b11_00_00_01, 2, 0, 1, 0, 0x75, 0x7e, 1]);
        assert_eq!(ClientPerms::decode(&buf[..n]).unwrap(), perms);
        // Embedded in a larger snapshot.
        buf[n] = 0xff;
        assert_eq!(
            ClientPerms::decode_prefix(&buf[..n + 1]).unwrap(),
            (perms.clone(), n)
        );
        assert!(ClientPerms::decode(&buf[..n + 1]).is_err());
        // Too small an output buffer.
        assert_eq!(
            perms.encode_into(&mut buf[..n - 1]),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn client_perms_corrupt_bytes_rejected() {
        let good = [1u8, 1, 0, 2, 0, 1, 0, 0x75, 0x7e, 1];
        assert!(ClientPerms::decode(&good).is_ok());
        let corrupt: [&[u8]; 11] = [
            &[],
            &[1, 1, 0],
            &[2, 1, 0, 0],                   // version
            &[1, 3, 0, 0],                   // trust
            &[1, 1, 0, 1, 0, 1],             // truncated entry
            &[1, 1, 0, 1, 0, 1, 3],          // decision code
            &[1, 1, 0, 2, 0, 2, 0, 0, 1, 0], // kinds descending
            &[1, 1, 0, 2, 0, 1, 0, 0, 1, 0], // kind repeated
            &[1, 1, 0, 33],                  // count over the bound
            &good[..9],                      // truncated
            &[1, 1, 0, 0, 0],                // trailing byte
        ];
        for bytes in corrupt {
            assert_eq!(ClientPerms::decode(bytes), Err(CORRUPT_CLIENT), "{bytes:?}");
        }
    }

    #[test]
    fn protected_kinds_binary_round_trip_and_corruption() {
        let prot = p();
        assert_eq!(prot.as_slice(), &DEFAULT_PROTECTED_KINDS);
        let mut buf = [0u8; PROTECTED_KINDS_MAX_ENCODED_LEN];
        let n = prot.encode_into(&mut buf).unwrap();
        assert_eq!(&buf[..n], &[1, 5, 0, 0, 0, 3, 0, 5, 0x27, 0x12, 0x75, 0x7e]);
        assert_eq!(ProtectedKinds::decode(&buf[..n]).unwrap(), prot);
        assert_eq!(
            ProtectedKinds::decode_prefix(&buf).unwrap(),
            (prot.clone(), n)
        );
        for bad in [
            &[][..],
            &[1],
            &[2, 0],
            &[1, 1, 0],
            &[1, 2, 0, 5, 0, 3],
            &[1, 33],
            &[1, 0, 0],
        ] {
            assert!(ProtectedKinds::decode(bad).is_err(), "{bad:?}");
        }
        let mut full = ProtectedKinds::empty();
        for k in 0..MAX_PROTECTED_KINDS as u16 {
            full.insert(k).unwrap();
        }
        full.insert(0).unwrap();
        assert_eq!(full.insert(999), Err(Error::TooLarge("protected kinds")));
        assert!(full.remove(0));
        assert!(!full.remove(0));
        let n = full.encode_into(&mut buf).unwrap();
        assert_eq!(ProtectedKinds::decode(&buf[..n]).unwrap(), full);
    }
}
