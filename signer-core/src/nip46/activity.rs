//! What the signer did with each request, as structured data for the shell's log.
//!
//! Every [`Outcome::Respond`](super::signer::Outcome::Respond) and
//! [`Outcome::Ask`](super::signer::Outcome::Ask) carries one [`Activity`]; ignored events carry
//! none (they were never attributable to a client). Activities hold no plaintext and no secrets:
//! a method, a kind, two public keys, a time and a static error label.

use super::perms::Method;

/// What happened to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The client's permissions allowed it; it was executed (see [`Activity::error`] for an
    /// execution failure such as an undecryptable `nip44_decrypt` payload).
    Allowed,
    /// The client's permissions denied it: replied "user rejected".
    Denied,
    /// Held for the user; no reply yet.
    Asked,
    /// The user approved a held request; it was executed.
    Approved,
    /// The user rejected a held request: replied "user rejected".
    Rejected,
    /// A held request timed out: replied with an error.
    Expired,
    /// A `connect` (or an approved `nostrconnect://` URI) paired a new client.
    Paired,
    /// A request from a client that is not paired: replied with an error.
    NotPaired,
    /// A `connect` from an unpaired client with a missing, wrong or already used secret.
    BadSecret,
    /// Malformed parameters or an unsupported method: replied with an error.
    Invalid,
    /// A fixed bound was reached (paired clients, pending approvals, result size).
    LimitReached,
}

/// One handled request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    /// When it was handled (the `now` passed in), unix seconds.
    pub at: u64,
    /// The account's user public key.
    pub account: [u8; 32],
    /// The client's public key.
    pub client: [u8; 32],
    /// The method ([`Method::Unknown`] for an unsupported one).
    pub method: Method,
    /// The event kind of a `sign_event` whose template parsed.
    pub kind: Option<u16>,
    /// What was decided.
    pub verdict: Verdict,
    /// The error the reply carried, if it was an error reply.
    pub error: Option<&'static str>,
}
