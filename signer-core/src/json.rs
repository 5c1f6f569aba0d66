//! A small, strict, allocation-free JSON scanner and a canonical JSON string writer.
//!
//! Spec: RFC 8259. Canonical escaping: NIP-01 (<https://github.com/nostr-protocol/nips/blob/master/01.md>)
//! as every client computes it (JSON.stringify / serde_json).
//!
//! [`parse`] validates a whole document once (strings, escapes incl. surrogate pairs, UTF-8,
//! numbers, literals, nesting bounded by [`MAX_DEPTH`]) and hands back borrowed views:
//! [`Object`]s and [`Array`]s iterate their members and elements lazily, strings stay escaped
//! ([`JsonStr`]) until the caller decodes them into a buffer, a `char` iterator or a comparison.
//!
//! Writing goes through the tiny [`Sink`] trait, implemented for SHA-256 (ids are streamed
//! straight into the hash), for a bounded [`SliceWriter`] and for any [`core::fmt::Write`].
//!
//! ```
//! use signer_core::json::{self, SliceWriter};
//!
//! let doc = json::parse(br#"{"method":"ping","params":["a\u00e9\ud83d\ude00"]}"#)?;
//! let obj = doc.as_object().ok_or(signer_core::Error::Malformed("request"))?;
//! assert!(obj.get("method").and_then(|v| v.as_str()).is_some_and(|m| m.eq_str("ping")));
//! let param = obj.get("params").and_then(|v| v.as_array()).and_then(|a| a.iter().next());
//! let mut buf = [0u8; 16];
//! let s = param.and_then(|p| p.as_str()).ok_or(signer_core::Error::Malformed("params"))?;
//! assert_eq!(s.unescape_into(&mut buf)?, "aé😀");
//!
//! let mut out = [0u8; 32];
//! let mut w = SliceWriter::new(&mut out);
//! json::write_string(&mut w, "a\"\u{1}/é")?;
//! assert_eq!(w.as_str(), r#""a\"\u0001/é""#);
//! # Ok::<(), signer_core::Error>(())
//! ```

use core::convert::Infallible;
use core::fmt;

use sha2::Digest;

use crate::Error;

/// Deepest nesting of arrays/objects [`parse`] accepts. A NIP-46 request is 2 levels deep and a
/// NIP-01 event 3; anything near this bound is an attack, not a message.
pub const MAX_DEPTH: usize = 32;

const SYNTAX: Error = Error::Malformed("json");
const BAD_STRING: Error = Error::Malformed("json string");
const BAD_NUMBER: Error = Error::Malformed("json number");
const TOO_DEEP: Error = Error::TooLarge("json nesting depth");

/// Parse and fully validate one JSON document (surrounding whitespace allowed, nothing else).
pub fn parse(input: &[u8]) -> Result<Value<'_>, Error> {
    let mut p = Parser { s: input, pos: 0 };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos != input.len() {
        return Err(SYNTAX);
    }
    Ok(v)
}

/// A validated JSON value borrowing from the input.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, kept as its text.
    Number(Number<'a>),
    /// A string, still escaped.
    String(JsonStr<'a>),
    /// An array.
    Array(Array<'a>),
    /// An object.
    Object(Object<'a>),
}

impl<'a> Value<'a> {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<JsonStr<'a>> {
        match self {
            Value::String(s) => Some(*s),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<Array<'a>> {
        match self {
            Value::Array(a) => Some(*a),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<Object<'a>> {
        match self {
            Value::Object(o) => Some(*o),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<Number<'a>> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// A non-negative integer written without fraction or exponent that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(|n| n.as_u64())
    }

    /// An integer written without fraction or exponent that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(|n| n.as_i64())
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// A validated JSON number, kept as its source text.
#[derive(Debug, Clone, Copy)]
pub struct Number<'a> {
    raw: &'a str,
}

impl<'a> Number<'a> {
    /// The number exactly as written.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// Whether it is written as an integer (no fraction, no exponent).
    pub fn is_integer(&self) -> bool {
        !self.raw.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }

    /// The value as `u64`: integer syntax, non-negative, in range. `-0` is rejected.
    pub fn as_u64(&self) -> Option<u64> {
        digits_u64(self.raw)
    }

    /// The value as `i64`: integer syntax, in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self.raw.strip_prefix('-') {
            Some(digits) => {
                let mag = digits_u64(digits)?;
                if mag <= i64::MAX as u64 {
                    Some(-(mag as i64))
                } else if mag == i64::MAX as u64 + 1 {
                    Some(i64::MIN)
                } else {
                    None
                }
            }
            None => i64::try_from(digits_u64(self.raw)?).ok(),
        }
    }
}

fn digits_u64(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// A validated JSON string, still escaped (the text between the quotes).
///
/// It is valid UTF-8, contains no raw control characters and only well-formed escapes (surrogate
/// escapes always come in high/low pairs), so decoding cannot fail.
#[derive(Clone, Copy)]
pub struct JsonStr<'a> {
    raw: &'a str,
}

impl fmt::Debug for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonStr(\"{}\")", self.raw)
    }
}

impl<'a> JsonStr<'a> {
    /// The escaped text between the quotes, exactly as in the input.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The decoded text without copying, when the string has no escapes.
    pub fn as_plain(&self) -> Option<&'a str> {
        if self.raw.as_bytes().contains(&b'\\') {
            None
        } else {
            Some(self.raw)
        }
    }

    /// Whether the decoded string is empty.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The decoded characters.
    pub fn chars(&self) -> Chars<'a> {
        Chars { rest: self.raw }
    }

    /// Length of the decoded string in UTF-8 bytes.
    pub fn decoded_len(&self) -> usize {
        match self.as_plain() {
            Some(s) => s.len(),
            None => self.chars().map(char::len_utf8).sum(),
        }
    }

    /// Decode into `out`, returning the decoded text; [`Error::BufferTooSmall`] if it does not fit.
    pub fn unescape_into<'b>(&self, out: &'b mut [u8]) -> Result<&'b str, Error> {
        let mut n = 0;
        for c in self.chars() {
            let len = c.len_utf8();
            let dst = out.get_mut(n..n + len).ok_or(Error::BufferTooSmall)?;
            c.encode_utf8(dst);
            n += len;
        }
        core::str::from_utf8(&out[..n]).map_err(|_| BAD_STRING)
    }

    /// Whether the decoded string equals `s`, without allocating.
    pub fn eq_str(&self, s: &str) -> bool {
        match self.as_plain() {
            Some(plain) => plain == s,
            None => self.chars().eq(s.chars()),
        }
    }

    /// Whether the decoded string equals `s` ignoring ASCII case (e.g. HTTP methods).
    pub fn eq_ignore_ascii_case(&self, s: &str) -> bool {
        let mut a = self.chars();
        let mut b = s.chars();
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => {}
                _ => return false,
            }
        }
    }

    /// Write the string with its quotes in canonical form (see [`write_string`]).
    ///
    /// Unescaped runs of a validated string are already canonical, so only escape sequences are
    /// decoded and re-escaped.
    pub fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), S::Error> {
        sink.write_str("\"")?;
        let mut rest = self.raw;
        while let Some(i) = rest.find('\\') {
            sink.write_str(&rest[..i])?;
            let (c, used) = decode_escape(&rest.as_bytes()[i..]);
            write_char_escaped(sink, c)?;
            rest = rest.get(i.saturating_add(used)..).unwrap_or("");
        }
        sink.write_str(rest)?;
        sink.write_str("\"")
    }
}

/// Iterator over the decoded characters of a [`JsonStr`].
#[derive(Debug, Clone)]
pub struct Chars<'a> {
    rest: &'a str,
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        let mut it = self.rest.chars();
        let c = it.next()?;
        if c != '\\' {
            self.rest = it.as_str();
            return Some(c);
        }
        let (c, used) = decode_escape(self.rest.as_bytes());
        // Escapes are ASCII, so `used` is a char boundary; an impossible short tail ends iteration.
        self.rest = self.rest.get(used..).unwrap_or("");
        Some(c)
    }
}

/// Decode the escape at the start of a validated string tail `b` (which starts with `\`).
/// Returns the char and how many bytes it used. Invalid input (impossible after validation)
/// yields U+FFFD and consumes the rest.
fn decode_escape(b: &[u8]) -> (char, usize) {
    const BAD: (char, usize) = (char::REPLACEMENT_CHARACTER, usize::MAX);
    let c = match b.get(1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            let Some(hi) = b.get(2..6).and_then(hex4) else {
                return BAD;
            };
            if (0xD800..0xDC00).contains(&hi) {
                let lo = match (b.get(6..8), b.get(8..12).and_then(hex4)) {
                    (Some(b"\\u"), Some(lo)) if (0xDC00..0xE000).contains(&lo) => lo,
                    _ => return BAD,
                };
                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return match char::from_u32(cp) {
                    Some(c) => (c, 12),
                    None => BAD,
                };
            }
            return match char::from_u32(hi) {
                Some(c) => (c, 6),
                None => BAD,
            };
        }
        _ => return BAD,
    };
    (c, 2)
}

fn hex4(h: &[u8]) -> Option<u32> {
    if h.len() != 4 {
        return None;
    }
    let mut v = 0u32;
    for &c in h {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        v = (v << 4) | u32::from(d);
    }
    Some(v)
}

/// A validated JSON array.
#[derive(Debug, Clone, Copy)]
pub struct Array<'a> {
    /// From `[` to `]` inclusive.
    raw: &'a [u8],
    /// Open containers including this one.
    depth: usize,
}

impl<'a> Array<'a> {
    /// The array's source text, brackets included.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The elements in order.
    pub fn iter(&self) -> Elements<'a> {
        Elements {
            p: Parser {
                s: self.raw,
                pos: 1,
            },
            depth: self.depth,
            done: false,
        }
    }

    /// Number of elements (walks the array).
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The element at `index`.
    pub fn get(&self, index: usize) -> Option<Value<'a>> {
        self.iter().nth(index)
    }
}

impl<'a> IntoIterator for Array<'a> {
    type Item = Value<'a>;
    type IntoIter = Elements<'a>;

    fn into_iter(self) -> Elements<'a> {
        self.iter()
    }
}

/// Iterator over the elements of an [`Array`].
#[derive(Debug, Clone)]
pub struct Elements<'a> {
    p: Parser<'a>,
    depth: usize,
    done: bool,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        if self.done {
            return None;
        }
        self.p.skip_ws();
        if self.p.peek() == Some(b']') {
            self.done = true;
            return None;
        }
        // The array was validated when it was parsed, so this cannot fail; if it somehow did,
        // iteration ends rather than yielding garbage.
        let Ok(v) = self.p.value(self.depth) else {
            self.done = true;
            return None;
        };
        self.p.skip_ws();
        if self.p.peek() == Some(b',') {
            self.p.pos += 1;
        }
        Some(v)
    }
}

/// A validated JSON object.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    /// From `{` to `}` inclusive.
    raw: &'a [u8],
    /// Open containers including this one.
    depth: usize,
}

impl<'a> Object<'a> {
    /// The object's source text, braces included.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The members in source order (duplicates included: callers that care must check).
    pub fn members(&self) -> Members<'a> {
        Members {
            p: Parser {
                s: self.raw,
                pos: 1,
            },
            depth: self.depth,
            done: false,
        }
    }

    /// The value of the first member named `key`.
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        self.members().find(|(k, _)| k.eq_str(key)).map(|(_, v)| v)
    }
}

/// Iterator over the `(key, value)` members of an [`Object`].
#[derive(Debug, Clone)]
pub struct Members<'a> {
    p: Parser<'a>,
    depth: usize,
    done: bool,
}

impl<'a> Iterator for Members<'a> {
    type Item = (JsonStr<'a>, Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.p.member(self.depth) {
            Ok(Some(kv)) => Some(kv),
            // End of object, or (impossible after validation) an error: stop either way.
            Ok(None) | Err(_) => {
                self.done = true;
                None
            }
        }
    }
}

#[derive(Debug, Clone)]
struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), Error> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(SYNTAX)
        }
    }

    /// One value at `depth` open containers; leaves `pos` just after it.
    fn value(&mut self, depth: usize) -> Result<Value<'a>, Error> {
        let start = self.pos;
        match self.peek().ok_or(SYNTAX)? {
            b'{' => {
                let depth = depth + 1;
                self.object(depth)?;
                Ok(Value::Object(Object {
                    raw: &self.s[start..self.pos],
                    depth,
                }))
            }
            b'[' => {
                let depth = depth + 1;
                self.array(depth)?;
                Ok(Value::Array(Array {
                    raw: &self.s[start..self.pos],
                    depth,
                }))
            }
            b'"' => self.string().map(Value::String),
            b't' => self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Value::Null),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            _ => Err(SYNTAX),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Error> {
        if self.s.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(SYNTAX)
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(TOO_DEEP);
        }
        self.expect(b'[')?;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_ws();
            self.value(depth)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(SYNTAX),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<(), Error> {
        if depth > MAX_DEPTH {
            return Err(TOO_DEEP);
        }
        self.expect(b'{')?;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        while self.member(depth)?.is_some() {}
        Ok(())
    }

    /// Within an object whose `{` was consumed: parse the next member and its separator, or the
    /// closing `}` (then `None`). Shared by validation and iteration.
    fn member(&mut self, depth: usize) -> Result<Option<(JsonStr<'a>, Value<'a>)>, Error> {
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(None);
        }
        if self.peek() != Some(b'"') {
            return Err(SYNTAX);
        }
        let key = self.string()?;
        self.skip_ws();
        self.expect(b':')?;
        self.skip_ws();
        let value = self.value(depth)?;
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                // A `}` right after a comma is a trailing comma.
                self.skip_ws();
                if self.peek() != Some(b'"') {
                    return Err(SYNTAX);
                }
            }
            Some(b'}') => {}
            _ => return Err(SYNTAX),
        }
        Ok(Some((key, value)))
    }

    fn string(&mut self) -> Result<JsonStr<'a>, Error> {
        self.expect(b'"')?;
        let start = self.pos;
        loop {
            // Skip the plain run in one tight scan, then look at what stopped it.
            let rest = self.s.get(self.pos..).ok_or(BAD_STRING)?;
            let plain = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .ok_or(BAD_STRING)?;
            self.pos += plain;
            match self.peek().ok_or(BAD_STRING)? {
                b'"' => break,
                b'\\' => self.pos += escape_len(&self.s[self.pos..])?,
                _ => return Err(BAD_STRING),
            }
        }
        let raw = core::str::from_utf8(&self.s[start..self.pos]).map_err(|_| BAD_STRING)?;
        self.pos += 1;
        Ok(JsonStr { raw })
    }

    fn number(&mut self) -> Result<Number<'a>, Error> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(BAD_NUMBER),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.nonempty_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.nonempty_digits()?;
        }
        // Only ASCII was consumed.
        let raw = core::str::from_utf8(&self.s[start..self.pos]).map_err(|_| BAD_NUMBER)?;
        Ok(Number { raw })
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn nonempty_digits(&mut self) -> Result<(), Error> {
        let before = self.pos;
        self.digits();
        if self.pos == before {
            Err(BAD_NUMBER)
        } else {
            Ok(())
        }
    }
}

/// Length of the valid escape at the start of `b` (which starts with `\`).
fn escape_len(b: &[u8]) -> Result<usize, Error> {
    match b.get(1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(2),
        Some(b'u') => {
            let cu = b.get(2..6).and_then(hex4).ok_or(BAD_STRING)?;
            match cu {
                0xD800..=0xDBFF => {
                    let lo = match (b.get(6..8), b.get(8..12).and_then(hex4)) {
                        (Some(b"\\u"), Some(lo)) => lo,
                        _ => return Err(BAD_STRING),
                    };
                    if (0xDC00..=0xDFFF).contains(&lo) {
                        Ok(12)
                    } else {
                        Err(BAD_STRING)
                    }
                }
                0xDC00..=0xDFFF => Err(BAD_STRING),
                _ => Ok(6),
            }
        }
        _ => Err(BAD_STRING),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Where JSON text goes: a hash, a bounded buffer, a formatter.
///
/// Everything written is valid UTF-8 and arrives as `&str` fragments.
pub trait Sink {
    /// What a failed write reports (`Infallible` for a hash).
    type Error;
    /// Append `s`.
    fn write_str(&mut self, s: &str) -> Result<(), Self::Error>;
}

impl<S: Sink + ?Sized> Sink for &mut S {
    type Error = S::Error;
    fn write_str(&mut self, s: &str) -> Result<(), S::Error> {
        (**self).write_str(s)
    }
}

/// Streams into SHA-256 (NIP-01 ids).
impl Sink for sha2::Sha256 {
    type Error = Infallible;
    fn write_str(&mut self, s: &str) -> Result<(), Infallible> {
        self.update(s.as_bytes());
        Ok(())
    }
}

/// Adapts any [`core::fmt::Write`] (e.g. a `heapless::String`).
#[derive(Debug)]
pub struct FmtSink<W>(pub W);

impl<W: fmt::Write> Sink for FmtSink<W> {
    type Error = fmt::Error;
    fn write_str(&mut self, s: &str) -> Result<(), fmt::Error> {
        self.0.write_str(s)
    }
}

/// Writes into a caller-owned buffer; a write that does not fit fails with
/// [`Error::BufferTooSmall`] and writes nothing.
#[derive(Debug)]
pub struct SliceWriter<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> SliceWriter<'a> {
    /// An empty writer over `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The text written so far (always UTF-8: only `&str` fragments are accepted).
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.written()).unwrap_or("")
    }
}

impl Sink for SliceWriter<'_> {
    type Error = Error;
    fn write_str(&mut self, s: &str) -> Result<(), Error> {
        let end = self.len.checked_add(s.len()).ok_or(Error::BufferTooSmall)?;
        let dst = self
            .buf
            .get_mut(self.len..end)
            .ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl fmt::Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        Sink::write_str(self, s).map_err(|_| fmt::Error)
    }
}

/// The canonical escape for `c`, if it needs one: `\n \" \\ \r \t \b \f`, other C0 controls as
/// lowercase `\u00xx`; everything else (incl. `/`, DEL, U+2028, non-ASCII) is written verbatim.
fn escape_for(c: char, buf: &mut [u8; 6]) -> Option<&str> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let s = match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        '\u{0}'..='\u{1f}' => {
            let b = c as u8;
            *buf = [
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ];
            return core::str::from_utf8(buf).ok();
        }
        _ => return None,
    };
    Some(s)
}

fn write_char_escaped<S: Sink + ?Sized>(sink: &mut S, c: char) -> Result<(), S::Error> {
    let mut esc = [0u8; 6];
    match escape_for(c, &mut esc) {
        Some(e) => sink.write_str(e),
        None => sink.write_str(c.encode_utf8(&mut [0u8; 4])),
    }
}

/// Write `s` as a JSON string, quotes included, escaped canonically (NIP-01 / JSON.stringify).
pub fn write_string<S: Sink + ?Sized>(sink: &mut S, s: &str) -> Result<(), S::Error> {
    sink.write_str("\"")?;
    let mut run_start = 0;
    let mut esc = [0u8; 6];
    // Every escaped character is ASCII, and in UTF-8 an ASCII byte is always a whole character,
    // so scanning bytes finds exactly the characters `escape_for` would escape.
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        if let Some(e) = escape_for(char::from(b), &mut esc) {
            sink.write_str(&s[run_start..i])?;
            sink.write_str(e)?;
            run_start = i + 1;
        }
    }
    sink.write_str(&s[run_start..])?;
    sink.write_str("\"")
}

/// Write decoded characters as a JSON string, quotes included, escaped canonically.
pub fn write_string_chars<S, I>(sink: &mut S, chars: I) -> Result<(), S::Error>
where
    S: Sink + ?Sized,
    I: IntoIterator<Item = char>,
{
    sink.write_str("\"")?;
    for c in chars {
        write_char_escaped(sink, c)?;
    }
    sink.write_str("\"")
}

/// Write an unsigned integer in decimal.
pub fn write_u64<S: Sink + ?Sized>(sink: &mut S, mut n: u64) -> Result<(), S::Error> {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    sink.write_str(core::str::from_utf8(&buf[i..]).unwrap_or("0"))
}

/// Write a signed integer in decimal.
pub fn write_i64<S: Sink + ?Sized>(sink: &mut S, n: i64) -> Result<(), S::Error> {
    if n < 0 {
        sink.write_str("-")?;
    }
    write_u64(sink, n.unsigned_abs())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn s(input: &str) -> JsonStr<'_> {
        parse(input.as_bytes()).unwrap().as_str().unwrap()
    }

    fn canon(input: &str) -> heapless::String<256> {
        let mut out = heapless::String::new();
        s(input).write_json(&mut FmtSink(&mut out)).unwrap();
        out
    }

    #[test]
    fn literals_numbers_and_whitespace() {
        assert!(parse(b" true ").unwrap().as_bool().unwrap());
        assert!(!parse(b"false").unwrap().as_bool().unwrap());
        assert!(parse(b"\n\tnull\r").unwrap().is_null());
        assert_eq!(parse(b"0").unwrap().as_u64(), Some(0));
        assert_eq!(parse(b"-0").unwrap().as_u64(), None);
        assert_eq!(parse(b"-0").unwrap().as_i64(), Some(0));
        assert_eq!(
            parse(b"18446744073709551615").unwrap().as_u64(),
            Some(u64::MAX)
        );
        assert_eq!(parse(b"18446744073709551616").unwrap().as_u64(), None);
        assert_eq!(
            parse(b"-9223372036854775808").unwrap().as_i64(),
            Some(i64::MIN)
        );
        assert_eq!(parse(b"-9223372036854775809").unwrap().as_i64(), None);
        assert_eq!(parse(b"9223372036854775808").unwrap().as_i64(), None);
        for ok in ["1.5", "1e3", "-1.25E+10", "0.0", "1E-2"] {
            let v = parse(ok.as_bytes()).unwrap();
            assert!(!v.as_number().unwrap().is_integer(), "{ok}");
            assert_eq!(v.as_u64(), None, "{ok}");
        }
        for bad in [
            "01", "1.", ".5", "+1", "-", "1e", "1e+", "--1", "0x10", "1.e3", "NaN", "Infinity",
            "tru", "nul", "True", "",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn structure_errors() {
        for bad in [
            "[1,]",
            "[,1]",
            "[1 2]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{\"a\":}",
            "{,}",
            "[",
            "]",
            "{\"a\":1}}",
            "[1]x",
            "{'a':1}",
            "[1,,2]",
            "{\"a\":1,,\"b\":2}",
            "\u{feff}1",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
        assert!(parse(b"{ \"a\" : [ 1 , { } , [ ] ] , \"b\" : \"\" }").is_ok());
    }

    #[test]
    fn depth_bound() {
        let mut buf = [0u8; 2 * (MAX_DEPTH + 1)];
        let (open, close) = buf.split_at_mut(MAX_DEPTH + 1);
        open.fill(b'[');
        close.fill(b']');
        assert_eq!(
            parse(&buf).err(),
            Some(Error::TooLarge("json nesting depth"))
        );
        assert!(parse(&buf[1..buf.len() - 1]).is_ok());
    }

    #[test]
    fn unescape_cases() {
        let mut buf = [0u8; 64];
        let cases: &[(&str, &str)] = &[
            (r#""plain""#, "plain"),
            (
                r#""a\nb\"c\\d\/e\bf\fg\rh\ti""#,
                "a\nb\"c\\d/e\u{8}f\u{c}g\rh\ti",
            ),
            (r#""\u00e9\u00E9\u4e2d""#, "éé中"),
            (r#""\ud83d\ude00""#, "😀"),
            (r#""\uD834\uDD1E!""#, "𝄞!"),
            (r#""\u0000\u001f""#, "\u{0}\u{1f}"),
            ("\"é😀\u{2028}\"", "é😀\u{2028}"),
        ];
        for (json, want) in cases {
            let js = s(json);
            assert_eq!(js.unescape_into(&mut buf).unwrap(), *want, "{json}");
            assert!(js.eq_str(want), "{json}");
            assert!(js.chars().eq(want.chars()), "{json}");
            assert_eq!(js.decoded_len(), want.len(), "{json}");
        }
        assert!(!s(r#""\u00e9""#).eq_str("e"));
        assert!(!s(r#""ab""#).eq_str("abc"));
        assert!(s(r#""PoSt""#).eq_ignore_ascii_case("post"));
        assert_eq!(
            s(r#""\ud83d\ude00""#).unescape_into(&mut [0u8; 3]),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn string_errors() {
        for bad in [
            r#""\ud83d""#,       // lone high surrogate
            r#""\ude00""#,       // lone low surrogate
            r#""\ud83dx""#,      // high followed by text
            r#""\ud83d\u0041""#, // high followed by non-low
            r#""\ud83d\ud83d""#, // high followed by high
            r#""\u12""#,         // short
            r#""\u12g4""#,       // bad hex
            r#""\x41""#,         // unknown escape
            r#""\'""#,           // unknown escape
            "\"a\nb\"",          // raw control
            "\"a\tb\"",          // raw tab
            "\"\u{1f}\"",        // raw control
            "\"abc",             // unterminated
            "\"abc\\",           // unterminated escape
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(parse(b"\"\xff\"").is_err());
        assert!(parse(b"\"\xed\xa0\xbd\"").is_err()); // CESU-8 surrogate
        assert!(parse(b"\"\xc3\"").is_err()); // truncated UTF-8
        assert!(parse(b"\xc3\xa9").is_err()); // non-ASCII outside a string
        assert!(parse(b"\"\x7f\"").is_ok()); // DEL is allowed raw
    }

    #[test]
    fn canonical_rewrite() {
        assert_eq!(canon(r#""\u00e9\/\u0041""#).as_str(), "\"é/A\"");
        assert_eq!(canon(r#""\ud83d\ude00""#).as_str(), "\"😀\"");
        assert_eq!(
            canon(r#""\u001B\u001b\u007f""#).as_str(),
            "\"\\u001b\\u001b\u{7f}\""
        );
        assert_eq!(canon(r#""\u000a\u0022\u005c""#).as_str(), r#""\n\"\\""#);
        assert_eq!(
            canon(r#""\u2028\u0008\u000C""#).as_str(),
            "\"\u{2028}\\b\\f\""
        );
        assert_eq!(canon(r#""x""#).as_str(), "\"x\"");
    }

    #[test]
    fn write_string_escapes() {
        let mut buf = [0u8; 128];
        let mut w = SliceWriter::new(&mut buf);
        write_string(
            &mut w,
            "a\nb\"c\\d\re\tf\u{8}g\u{c}h\u{1}\u{1f}\u{7f}/é😀\u{2028}",
        )
        .unwrap();
        assert_eq!(
            w.as_str(),
            "\"a\\nb\\\"c\\\\d\\re\\tf\\bg\\fh\\u0001\\u001f\u{7f}/é😀\u{2028}\""
        );
        let mut buf2 = [0u8; 128];
        let mut w2 = SliceWriter::new(&mut buf2);
        let text = "a\nb\"c\\d\re\tf\u{8}g\u{c}h\u{1}\u{1f}\u{7f}/é😀\u{2028}";
        write_string_chars(&mut w2, text.chars()).unwrap();
        assert_eq!(w.as_str(), w2.as_str());
    }

    #[test]
    fn slice_writer_bounds() {
        let mut buf = [0u8; 4];
        let mut w = SliceWriter::new(&mut buf);
        w.write_str("abc").unwrap();
        assert_eq!(w.write_str("de"), Err(Error::BufferTooSmall));
        assert_eq!(w.as_str(), "abc");
        w.write_str("d").unwrap();
        assert_eq!(write_string(&mut w, ""), Err(Error::BufferTooSmall));
        assert_eq!(w.len(), 4);
    }

    #[test]
    fn integers_written() {
        let mut buf = [0u8; 64];
        let mut w = SliceWriter::new(&mut buf);
        write_u64(&mut w, 0).unwrap();
        w.write_str(",").unwrap();
        write_u64(&mut w, u64::MAX).unwrap();
        w.write_str(",").unwrap();
        write_i64(&mut w, i64::MIN).unwrap();
        assert_eq!(w.as_str(), "0,18446744073709551615,-9223372036854775808");
    }

    #[test]
    fn object_and_array_iteration() {
        let v = parse(br#" { "a" : [1, "x", [true, null], {"k":"v"}], "b\u0041": -2, "a": 3 } "#)
            .unwrap();
        let o = v.as_object().unwrap();
        let mut m = o.members();
        let (k, a) = m.next().unwrap();
        assert!(k.eq_str("a"));
        let a = a.as_array().unwrap();
        assert_eq!(a.len(), 4);
        assert_eq!(a.get(0).unwrap().as_u64(), Some(1));
        assert!(a.get(1).unwrap().as_str().unwrap().eq_str("x"));
        assert_eq!(a.get(2).unwrap().as_array().unwrap().len(), 2);
        let inner = a.get(3).unwrap().as_object().unwrap();
        assert!(inner.get("k").unwrap().as_str().unwrap().eq_str("v"));
        assert!(a.get(4).is_none());
        let (k, b) = m.next().unwrap();
        assert!(k.eq_str("bA"));
        assert_eq!(b.as_i64(), Some(-2));
        assert!(m.next().unwrap().0.eq_str("a"));
        assert!(m.next().is_none());
        assert!(m.next().is_none());
        // `get` returns the first occurrence.
        assert!(o.get("a").unwrap().as_array().is_some());
        assert!(o.get("bA").is_some());
        assert!(o.get("zz").is_none());
        assert!(parse(b"[]").unwrap().as_array().unwrap().is_empty());
        assert_eq!(
            parse(b"{}").unwrap().as_object().unwrap().members().count(),
            0
        );
    }
}
