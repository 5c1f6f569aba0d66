//! The NSE path: where a push's request event is, handling it, deciding and expiring held
//! requests, and `nostrconnect://` pairing.

use signer_core::json;
use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip46::perms::Method;
use signer_core::nip46::signer::{IgnoreReason, MAX_EVENT_LEN};
use signer_core::nip46::uri::NostrConnectUri;
use signer_core::nip46::{
    self, Activity, Approval, Buffers, Entropy, KeySource, OUT_LEN, Outcome, SCRATCH_LEN, State,
    Verdict as CoreVerdict,
};
use signer_core::nip98::{self, AuthRequest};
use zeroize::Zeroizing;

use crate::bridge::ffi::{
    ActivityInfo, ConnectRequest, EventSource, FetchPlan, FfiError, HandleResult, HeldRequest,
    Reply, Trust, Verdict,
};
use crate::error::{FfiResult, invalid};
use crate::keys::{hex32, public_key, secret_key};
use crate::state::{decode, encode, method_name, pending_info_of};

/// Random bytes per signer call: BIP-340 aux (32), NIP-44 nonce (32), NIP-04 IV (16) and the
/// next bunker secret (16), in that order.
const ENTROPY_LEN: usize = 96;

/// How many random bytes [`handle_request`] and the other signer calls take (96). Fresh bytes
/// from `SecRandomCopyBytes` for every call: never reuse them.
pub fn entropy_len() -> usize {
    ENTROPY_LEN
}

fn entropy(bytes: &[u8]) -> FfiResult<Entropy> {
    let b: &[u8; ENTROPY_LEN] = bytes
        .try_into()
        .map_err(|_| invalid("entropy (96 bytes)"))?;
    let mut e = Entropy {
        aux: [0; 32],
        nonce: [0; 32],
        iv: [0; 16],
        secret: [0; 16],
    };
    e.aux.copy_from_slice(&b[..32]);
    e.nonce.copy_from_slice(&b[32..64]);
    e.iv.copy_from_slice(&b[64..80]);
    e.secret.copy_from_slice(&b[80..]);
    Ok(e)
}

/// The shell's one key for this call (read from the Keychain just before). The core uses it
/// only for the public key it belongs to: it checks every key it is handed, computing the
/// public key once in the request's blinded context (hence a deferred key).
struct OneKey(Zeroizing<[u8; 32]>);

impl OneKey {
    fn new(bytes: &[u8]) -> FfiResult<Self> {
        let key = OneKey(Zeroizing::new(
            bytes.try_into().map_err(|_| FfiError::InvalidKey)?,
        ));
        SecretKey::from_bytes_deferred(&key.0)?;
        Ok(key)
    }
}

impl KeySource for OneKey {
    fn secret_key(&self, _pubkey: &PublicKey) -> Option<SecretKey> {
        SecretKey::from_bytes_deferred(&self.0).ok()
    }
}

/// The two working buffers of a signer call (~262 KB each, on the heap).
fn buffers() -> (Vec<u8>, Vec<u8>) {
    (vec![0u8; SCRATCH_LEN], vec![0u8; OUT_LEN])
}

fn verdict(v: CoreVerdict) -> Verdict {
    match v {
        CoreVerdict::Allowed => Verdict::Allowed,
        CoreVerdict::Denied => Verdict::Denied,
        CoreVerdict::Asked => Verdict::Asked,
        CoreVerdict::Approved => Verdict::Approved,
        CoreVerdict::Rejected => Verdict::Rejected,
        CoreVerdict::Expired => Verdict::Expired,
        CoreVerdict::Paired => Verdict::Paired,
        CoreVerdict::NotPaired => Verdict::NotPaired,
        CoreVerdict::BadSecret => Verdict::BadSecret,
        CoreVerdict::Invalid => Verdict::Invalid,
        CoreVerdict::LimitReached => Verdict::LimitReached,
    }
}

fn activity(a: &Activity) -> ActivityInfo {
    ActivityInfo {
        at: a.at,
        account: hex32(&a.account),
        client: hex32(&a.client),
        method: method_name(a.method),
        kind: a.kind,
        verdict: verdict(a.verdict),
        error: a.error.map(str::to_owned),
    }
}

fn reply(r: &nip46::Reply<'_>) -> FfiResult<Reply> {
    Ok(Reply {
        event_json: String::from_utf8(r.event_json.to_vec()).map_err(|_| invalid("reply"))?,
        relays: r.relays.iter().map(|u| u.as_str().to_owned()).collect(),
    })
}

fn ignore_label(r: IgnoreReason) -> &'static str {
    match r {
        IgnoreReason::TooLarge => "too large",
        IgnoreReason::Malformed => "malformed event",
        IgnoreReason::BadEvent => "bad id or signature",
        IgnoreReason::WrongKind => "wrong kind",
        IgnoreReason::NotForUs => "not for us",
        IgnoreReason::Duplicate => "duplicate",
        IgnoreReason::Stale => "stale",
        IgnoreReason::Expired => "expired",
        IgnoreReason::KeyUnavailable => "key unavailable",
        IgnoreReason::Undecryptable => "undecryptable",
        IgnoreReason::MalformedRequest => "malformed request",
        IgnoreReason::NotPending => "not pending",
    }
}

/// The owned result of one core outcome; `request` is the raw event (kept for an approval).
fn result(state: &State, outcome: Outcome<'_>, request: &[u8]) -> FfiResult<HandleResult> {
    let mut out = HandleResult {
        state: Vec::new(),
        reply: None,
        activity: None,
        held: None,
        ignored: None,
    };
    match outcome {
        Outcome::Respond(r) => {
            out.reply = Some(reply(&r)?);
            out.activity = Some(activity(&r.activity));
        }
        Outcome::Ask(p) => {
            out.activity = Some(activity(&p.activity));
            out.held = Some(HeldRequest {
                info: pending_info_of(
                    state,
                    &p.id,
                    &p.account,
                    &p.client,
                    p.method,
                    p.kind,
                    p.expires_at,
                ),
                request_json: request.to_vec(),
            });
        }
        Outcome::Ignore(IgnoreReason::TooLarge) => {
            return Err(FfiError::LimitReached("request event".to_owned()));
        }
        Outcome::Ignore(IgnoreReason::NotPending) => {
            return Err(FfiError::NotFound("pending request".to_owned()));
        }
        Outcome::Ignore(r) => out.ignored = Some(ignore_label(r).to_owned()),
    }
    out.state = encode(state)?;
    Ok(out)
}

fn event_id(hex: &str) -> FfiResult<[u8; 32]> {
    signer_core::hex::decode_array::<32>(hex.as_bytes()).map_err(|_| invalid("event id"))
}

// ---------------------------------------------------------------------------------------------
// Bridge functions

/// Where the request event of a push is. `payload_json` is the APNs payload (`relay_url`,
/// `event_id`, `signer_pubkey`, optional `event` as an object or a JSON string);
/// `proxy_base_url` is the push proxy (e.g. `https://push.example`; empty: none). The
/// `signer_pubkey` must be an account's transport key in `state` (else `NotFound`), and
/// `secret_key` its key (signs the proxy's NIP-98 header with `aux`, 32 random bytes, at
/// `now`). The relay fields are always filled, as the fallback.
pub fn plan_fetch(
    payload_json: &str,
    state: &[u8],
    proxy_base_url: &str,
    secret_key: &[u8],
    now: u64,
    aux: &[u8],
) -> FfiResult<FetchPlan> {
    let doc = json::parse(payload_json.as_bytes()).map_err(|_| invalid("push payload"))?;
    let obj = doc.as_object().ok_or_else(|| invalid("push payload"))?;
    let text = |key: &str| -> FfiResult<String> {
        let s = obj
            .get(key)
            .and_then(|v| v.as_str())
            .ok_or_else(|| invalid(key))?;
        let mut buf = vec![0u8; s.raw().len()];
        Ok(s.unescape_into(&mut buf)?.to_owned())
    };
    let id_hex = text("event_id")?.to_ascii_lowercase();
    event_id(&id_hex)?;
    let signer = public_key(&text("signer_pubkey")?)?;
    let relay_url = text("relay_url")?;
    if !(relay_url.starts_with("wss://") || relay_url.starts_with("ws://")) {
        return Err(invalid("relay_url"));
    }
    let s = decode(state)?;
    if !s.accounts().iter().any(|a| *a.transport() == signer) {
        return Err(FfiError::NotFound("account".to_owned()));
    }
    let event_json = match obj.get("event") {
        Some(json::Value::Object(o)) => {
            Some(String::from_utf8(o.raw().to_vec()).map_err(|_| invalid("event"))?)
        }
        Some(json::Value::String(_)) => Some(text("event")?),
        _ => None,
    };
    let sub = format!("clave-{}", &id_hex[..16]);
    let mut plan = FetchPlan {
        source: EventSource::Relay,
        relay_req: format!(r#"["REQ","{sub}",{{"ids":["{id_hex}"],"limit":1}}]"#),
        relay_close: format!(r#"["CLOSE","{sub}"]"#),
        event_id: id_hex,
        signer_pubkey: hex32(signer.as_bytes()),
        event_json: None,
        proxy_url: None,
        proxy_auth: None,
        relay_url,
    };
    if event_json.is_some() {
        plan.source = EventSource::Embedded;
        plan.event_json = event_json;
    } else if !proxy_base_url.is_empty() {
        let sk = self::secret_key(secret_key)?;
        if sk.public_key() != signer {
            return Err(FfiError::InvalidKey);
        }
        let aux: &[u8; 32] = aux.try_into().map_err(|_| invalid("aux (32 bytes)"))?;
        let url = format!(
            "{}/event/{}",
            proxy_base_url.trim_end_matches('/'),
            plan.event_id
        );
        let req = AuthRequest {
            url: &url,
            method: "GET",
            body: None,
        };
        let mut scratch = vec![0u8; 512 + 2 * url.len()];
        let mut header = vec![0u8; 16 + scratch.len().div_ceil(3) * 4];
        let n = nip98::sign_header(&sk, &req, now, aux, &mut scratch, &mut header)?;
        header.truncate(n);
        plan.source = EventSource::Proxy;
        plan.proxy_auth = Some(String::from_utf8(header).map_err(|_| invalid("header"))?);
        plan.proxy_url = Some(url);
    }
    Ok(plan)
}

/// Handle one request event (as fetched) with the account key `secret_key` at `now`, with
/// [`entropy_len`] fresh random bytes. Persist `state` from the result, then publish `reply`
/// (to every relay listed) or show `held` (keeping its `request_json`); `ignored` says why
/// nothing is to be sent. `LimitReached` for an event over signer-core's `MAX_EVENT_LEN`.
pub fn handle_request(
    event_json: &[u8],
    state: &[u8],
    secret_key: &[u8],
    now: u64,
    entropy: &[u8],
) -> FfiResult<HandleResult> {
    if event_json.len() > MAX_EVENT_LEN {
        return Err(FfiError::LimitReached("request event".to_owned()));
    }
    let (keys, e, mut s) = (
        OneKey::new(secret_key)?,
        self::entropy(entropy)?,
        decode(state)?,
    );
    let (mut scratch, mut out) = buffers();
    let bufs = Buffers {
        scratch: &mut scratch,
        out: &mut out,
    };
    let outcome = nip46::handle_request(now, event_json, &keys, &e, &mut s, bufs)?;
    result(&s, outcome, event_json)
}

/// The user approved held request `pending_id` (hex); `request_json` is the event kept from
/// [`handle_request`]'s `held`. `NotFound` if it is no longer held (decided or expired).
pub fn approve_pending(
    pending_id: &str,
    request_json: &[u8],
    state: &[u8],
    secret_key: &[u8],
    now: u64,
    entropy: &[u8],
) -> FfiResult<HandleResult> {
    decide(
        pending_id,
        Approval::Approve,
        request_json,
        state,
        secret_key,
        now,
        entropy,
    )
}

/// The user denied held request `pending_id`: the client gets "user rejected".
pub fn deny_pending(
    pending_id: &str,
    state: &[u8],
    secret_key: &[u8],
    now: u64,
    entropy: &[u8],
) -> FfiResult<HandleResult> {
    decide(
        pending_id,
        Approval::Deny,
        &[],
        state,
        secret_key,
        now,
        entropy,
    )
}

fn decide(
    pending_id: &str,
    approval: Approval,
    request_json: &[u8],
    state: &[u8],
    secret_key: &[u8],
    now: u64,
    entropy: &[u8],
) -> FfiResult<HandleResult> {
    let id = event_id(pending_id)?;
    let (keys, e, mut s) = (
        OneKey::new(secret_key)?,
        self::entropy(entropy)?,
        decode(state)?,
    );
    let (mut scratch, mut out) = buffers();
    let bufs = Buffers {
        scratch: &mut scratch,
        out: &mut out,
    };
    let outcome = nip46::decide(now, &id, approval, request_json, &keys, &e, &mut s, bufs)?;
    result(&s, outcome, &[])
}

/// Answer one held request whose time is up ("approval timed out"). Call on every wake, with
/// fresh entropy each time, until the result has no `reply`. Requests of other accounts than
/// `secret_key`'s are left for a call with their key.
pub fn expire_pending(
    state: &[u8],
    secret_key: &[u8],
    now: u64,
    entropy: &[u8],
) -> FfiResult<HandleResult> {
    let (keys, e, mut s) = (
        OneKey::new(secret_key)?,
        self::entropy(entropy)?,
        decode(state)?,
    );
    let (mut scratch, mut out) = buffers();
    let bufs = Buffers {
        scratch: &mut scratch,
        out: &mut out,
    };
    let expired = nip46::expire(now, &keys, &e, &mut s, bufs);
    match expired {
        Ok(Some(r)) => result(&s, Outcome::Respond(r), &[]),
        Ok(None) | Err(signer_core::Error::KeyUnavailable) => Ok(HandleResult {
            state: encode(&s)?,
            reply: None,
            activity: None,
            held: None,
            ignored: None,
        }),
        Err(other) => Err(other.into()),
    }
}

/// What a `nostrconnect://` URI asks for, for the approval sheet.
pub fn parse_nostrconnect(uri: &str) -> FfiResult<ConnectRequest> {
    let u = NostrConnectUri::parse(uri)?;
    let mut perms: Vec<String> = Method::ALL
        .into_iter()
        .filter(|m| u.perms.has_method(*m))
        .map(method_name)
        .collect();
    perms.extend(u.perms.kinds().iter().map(|k| format!("sign_event:{k}")));
    let opt = |s: Option<&str>| s.map(str::to_owned);
    Ok(ConnectRequest {
        client_pubkey: hex32(u.client.as_bytes()),
        name: opt(u.metadata.name.as_deref()),
        url: opt(u.metadata.url.as_deref()),
        image: opt(u.metadata.image.as_deref()),
        relays: u.relays.iter().map(|r| r.as_str().to_owned()).collect(),
        perms,
    })
}

/// The user approved a `nostrconnect://` URI for `account` at `trust`: persist `state`, then
/// publish `reply` to its relays (a few times: the client may still be subscribing).
pub fn approve_nostrconnect(
    uri: &str,
    account: &str,
    trust: Trust,
    state: &[u8],
    secret_key: &[u8],
    now: u64,
    entropy: &[u8],
) -> FfiResult<HandleResult> {
    let user = public_key(account)?;
    let (keys, e, mut s) = (
        OneKey::new(secret_key)?,
        self::entropy(entropy)?,
        decode(state)?,
    );
    let (mut scratch, mut out) = buffers();
    let bufs = Buffers {
        scratch: &mut scratch,
        out: &mut out,
    };
    let r = nip46::approve_nostrconnect(now, uri, &user, trust.into(), &keys, &e, &mut s, bufs)?;
    result(&s, Outcome::Respond(r), &[])
}
