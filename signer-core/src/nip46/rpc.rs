//! The JSON-RPC-like messages inside NIP-46 events: parse a request, write a response.
//!
//! Spec: <https://github.com/nostr-protocol/nips/blob/master/46.md> ("Request Events",
//! "Response Events").
//!
//! A request is `{"id": <string>, "method": <string>, "params": [<string>, …]}`. [`Envelope::parse`]
//! needs the object and a string `id` (without one there is nothing to answer, so the signer
//! ignores the request); every other defect is answered with an error reply on that id.
//!
//! A response is `{"id":…,"result":…}` or, for errors, `{"id":…,"result":"","error":…}`: the
//! empty `result` stays because older nostr-tools ignored error replies without it (INTEROP 5).
//!
//! ```
//! use signer_core::json::SliceWriter;
//! use signer_core::nip46::rpc::{self, Body, Envelope, RpcId};
//!
//! let env = Envelope::parse(br#"{"id":"7","method":"ping","params":[]}"#)?;
//! assert!(env.method.is_some_and(|m| m.eq_str("ping")));
//! let mut out = [0u8; 64];
//! let mut w = SliceWriter::new(&mut out);
//! rpc::write_response(&mut w, RpcId::Json(env.id), Body::Result("pong"))?;
//! assert_eq!(w.as_str(), r#"{"id":"7","result":"pong"}"#);
//! # Ok::<(), signer_core::Error>(())
//! ```

use crate::Error;
use crate::json::{self, Array, JsonStr, Sink};

/// Longest method name echoed in an `"Unsupported method: X"` error (longer names are cut at
/// a character boundary; the reply still goes to the right request id).
pub const MAX_ECHOED_METHOD_LEN: usize = 64;

/// The outer shape of a request: its id, method name and parameters, borrowed from the
/// decrypted plaintext.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    /// The request id, echoed in the response.
    pub id: JsonStr<'a>,
    /// The method name, if present and a string.
    pub method: Option<JsonStr<'a>>,
    /// The parameters; `None` when `params` is missing (treated as `[]`) or not an array.
    pub params: Option<Array<'a>>,
    /// Whether the request is malformed beyond its id (missing method, `params` not an array):
    /// it gets an error reply.
    pub malformed: bool,
}

impl<'a> Envelope<'a> {
    /// Parse the decrypted request. Errors only when there is no id to answer (not JSON, not
    /// an object, `id` missing or not a string); other defects set [`malformed`](Self::malformed).
    pub fn parse(plaintext: &'a [u8]) -> Result<Self, Error> {
        const BAD: Error = Error::Malformed("nip46 request");
        let doc = json::parse(plaintext).map_err(|_| BAD)?;
        let obj = doc.as_object().ok_or(BAD)?;
        let id = obj.get("id").and_then(|v| v.as_str()).ok_or(BAD)?;
        let method = obj.get("method").and_then(|v| v.as_str());
        let params = match obj.get("params") {
            None => Ok(None),
            Some(v) if v.is_null() => Ok(None),
            Some(v) => v.as_array().map(Some).ok_or(()),
        };
        Ok(Self {
            id,
            method,
            params: params.unwrap_or(None),
            malformed: method.is_none() || params.is_err(),
        })
    }

    /// Parameter `i` if it is present and a string; `Ok(None)` if absent; an error if present
    /// and not a string.
    pub fn param(&self, i: usize) -> Result<Option<JsonStr<'a>>, Error> {
        match self.params.and_then(|p| p.get(i)) {
            None => Ok(None),
            Some(v) => v.as_str().map(Some).ok_or(Error::Malformed("nip46 params")),
        }
    }
}

/// The id a response carries: straight from a request, or a stored copy (held requests).
#[derive(Debug, Clone, Copy)]
pub enum RpcId<'a> {
    /// From the request plaintext (re-written canonically).
    Json(JsonStr<'a>),
    /// Already decoded.
    Plain(&'a str),
}

/// What a response says.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// A successful string result.
    Result(&'a str),
    /// `"result": null` (only `switch_relays` when nothing changed).
    Null,
    /// An error reply with a message.
    Error(&'a str),
    /// `"Unsupported method: <name>"`.
    Unsupported(JsonStr<'a>),
}

/// Write a response object.
pub fn write_response<S: Sink + ?Sized>(
    sink: &mut S,
    id: RpcId<'_>,
    body: Body<'_>,
) -> Result<(), S::Error> {
    sink.write_str("{\"id\":")?;
    match id {
        RpcId::Json(s) => s.write_json(sink)?,
        RpcId::Plain(s) => json::write_string(sink, s)?,
    }
    match body {
        Body::Result(r) => {
            sink.write_str(",\"result\":")?;
            json::write_string(sink, r)?;
        }
        Body::Null => sink.write_str(",\"result\":null")?,
        Body::Error(e) => {
            sink.write_str(",\"result\":\"\",\"error\":")?;
            json::write_string(sink, e)?;
        }
        Body::Unsupported(name) => {
            sink.write_str(",\"result\":\"\",\"error\":")?;
            let mut taken = 0usize;
            let name = name.chars().take_while(|c| {
                taken = taken.saturating_add(c.len_utf8());
                taken <= MAX_ECHOED_METHOD_LEN
            });
            json::write_string_chars(sink, "Unsupported method: ".chars().chain(name))?;
        }
    }
    sink.write_str("}")
}
