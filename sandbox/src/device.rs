//! The simulated iPhone: the NSE's code path through `nse-ffi`'s Rust API (the functions Swift
//! calls), with real I/O standing in for URLSession, the Keychain and the App Group container.
//!
//! - Keychain: `device-key` (hex, mode 0600). App Group: `device-state.bin` (the state blob)
//!   and `held/<id>.json` (the raw events of held requests, for `approve_pending`).
//! - One push at a time, like an NSE; every state change (push, approval, expiry, pairing) is
//!   one read-modify-write under one lock, persisted before anything is published, so no
//!   update is lost and no request is answered twice.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nse_ffi::{EventSource, FfiError, HandleResult, Reply, Trust, Verdict};
use tokio::sync::{broadcast, mpsc, watch};
use zeroize::Zeroizing;

use crate::SandboxError;
use crate::apns::Push;
use crate::net::{self, NetError};
use crate::store::{create_private_dir, read_optional, remove_durable, write_atomic};
use crate::timing::{FetchSource, RequestTiming, Timings};

const KEY_FILE: &str = "device-key";
const STATE_FILE: &str = "device-state.bin";
const TOKEN_FILE: &str = "device-token";
const HELD_DIR: &str = "held";
/// Expired requests answered per wake at most (each call answers one).
const MAX_EXPIRE_PER_WAKE: usize = 64;
/// How often the device looks for held requests whose time is up.
const EXPIRE_TICK: Duration = Duration::from_secs(1);

/// Settings of the simulated device.
#[derive(Debug, Clone)]
pub struct DeviceConfig {
    /// The state directory (shared with the other components; files are named apart).
    pub dir: PathBuf,
    /// The account's relay (goes into the bunker URI).
    pub relay_url: String,
    /// The push proxy's base URL (`http://127.0.0.1:<port>`).
    pub proxy_url: String,
    /// Trust level of newly paired clients.
    pub default_trust: TrustLevel,
    /// Bound on each fetch attempt (proxy, relay).
    pub fetch_timeout: Duration,
    /// Bound on each publish (connect, send, OK).
    pub publish_timeout: Duration,
    /// When to publish a `nostrconnect://` response again (the client may still be
    /// subscribing), counted from the first publish.
    pub nostrconnect_repeats: Vec<Duration>,
}

/// A held request, as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pending {
    /// The request id (hex); any unique prefix of 4+ characters works for approve/deny.
    pub id: String,
    /// The first 8 characters of `id`, for typing.
    pub short: String,
    /// The client's pubkey (hex).
    pub client: String,
    /// The client's name (from its `connect` metadata), may be empty.
    pub client_name: String,
    /// The NIP-46 method.
    pub method: String,
    /// For `sign_event`, the kind.
    pub kind: Option<u16>,
    /// Unix seconds when it is answered "approval timed out".
    pub expires_at: u64,
}

/// A paired client.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Client {
    /// Its pubkey (hex).
    pub pubkey: String,
    /// Its name, may be empty.
    pub name: String,
    /// `full`, `medium` or `low`.
    pub trust: &'static str,
    /// Its relays.
    pub relays: Vec<String>,
}

/// Something the device did, for the terminal and for tests.
#[derive(Debug, Clone)]
pub enum DeviceEvent {
    /// A request is waiting for the user.
    Held(Pending),
    /// A log line (method, client, verdict; never content).
    Activity(String),
}

/// Fetch-path counters (how each request event was obtained).
#[derive(Debug, Default)]
pub struct FetchCounters {
    /// Taken from the push payload.
    pub embedded: AtomicU64,
    /// Fetched from the proxy's `/event/<id>`.
    pub proxy: AtomicU64,
    /// Fetched from the relay by id.
    pub relay: AtomicU64,
    /// Fetch attempts that failed (each fallback counts one).
    pub failed: AtomicU64,
}

/// The simulated device.
pub struct Device {
    cfg: DeviceConfig,
    key: Zeroizing<Vec<u8>>,
    user: String,
    token: String,
    /// The state blob; the lock serialises every read-modify-write.
    state: Mutex<Vec<u8>>,
    timings: Timings,
    /// How request events were obtained.
    pub fetches: FetchCounters,
    events: broadcast::Sender<DeviceEvent>,
    probes: Mutex<HashSet<String>>,
    /// Readiness probes that came through (see [`Device::expect_probe`]).
    pub probes_seen: AtomicU64,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn random(n: usize) -> Result<Zeroizing<Vec<u8>>, SandboxError> {
    let mut buf = Zeroizing::new(vec![0u8; n]);
    getrandom::fill(&mut buf).map_err(|e| SandboxError::Io(format!("entropy: {e}")))?;
    Ok(buf)
}

/// The first 8 characters of a hex id or key, for logs.
pub fn short(hex: &str) -> &str {
    hex.get(..8).unwrap_or(hex)
}

fn ffi(e: FfiError) -> SandboxError {
    SandboxError::Signer(format!("{e:?}"))
}

/// How much a client is trusted (nse-ffi's `Trust`, which as a swift-bridge enum is neither
/// `Copy` nor `Debug`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustLevel {
    /// Every method, every kind.
    Full,
    /// Everything except protected kinds, which ask.
    Medium,
    /// Signing and decrypting ask.
    Low,
}

impl TrustLevel {
    /// Parse `full`, `medium` or `low`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Some(Self::Full),
            "medium" => Some(Self::Medium),
            "low" => Some(Self::Low),
            _ => None,
        }
    }

    /// `full`, `medium` or `low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    fn ffi(self) -> Trust {
        match self {
            Self::Full => Trust::Full,
            Self::Medium => Trust::Medium,
            Self::Low => Trust::Low,
        }
    }

    fn of(t: &Trust) -> Self {
        match t {
            Trust::Full => Self::Full,
            Trust::Medium => Self::Medium,
            Trust::Low => Self::Low,
        }
    }
}

fn verdict_label(v: &Verdict) -> &'static str {
    match v {
        Verdict::Allowed => "allowed",
        Verdict::Denied => "denied",
        Verdict::Asked => "asked",
        Verdict::Approved => "approved",
        Verdict::Rejected => "rejected",
        Verdict::Expired => "expired",
        Verdict::Paired => "paired",
        Verdict::NotPaired => "not paired",
        Verdict::BadSecret => "bad secret",
        Verdict::Invalid => "invalid",
        Verdict::LimitReached => "limit reached",
    }
}

fn pending_of(p: &nse_ffi::PendingInfo) -> Pending {
    Pending {
        short: short(&p.id).to_owned(),
        id: p.id.clone(),
        client: p.client.clone(),
        client_name: p.client_name.clone(),
        method: p.method.clone(),
        kind: p.kind,
        expires_at: p.expires_at,
    }
}

/// The `"id"` of an event JSON.
fn event_id_of(json: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    serde_json::from_str::<Id>(json).ok().map(|i| i.id)
}

impl Device {
    /// Open (or create, on first start) the device in `cfg.dir`: key, token, state blob with
    /// one account on `cfg.relay_url`.
    pub fn open(cfg: DeviceConfig) -> Result<Self, SandboxError> {
        let io = |what: &str, e: std::io::Error| SandboxError::Io(format!("{what}: {e}"));
        let key_path = cfg.dir.join(KEY_FILE);
        let key = match read_optional(&key_path).map_err(|e| io(KEY_FILE, e))? {
            Some(text) => {
                let text = Zeroizing::new(text);
                let hex_text = std::str::from_utf8(&text)
                    .map_err(|_| SandboxError::Signer("device-key is not hex text".into()))?;
                let imported = nse_ffi::import_secret_key(hex_text).map_err(ffi)?;
                Zeroizing::new(imported.bytes().to_vec())
            }
            None => {
                let sk = nse_ffi::generate_secret_key(&random(32)?).map_err(ffi)?;
                let hex_key = nse_ffi::export_secret_hex(sk.bytes()).map_err(ffi)?;
                write_atomic(&key_path, hex_key.bytes()).map_err(|e| io(KEY_FILE, e))?;
                tracing::info!("generated the user key (simulated Keychain: device-key)");
                Zeroizing::new(sk.bytes().to_vec())
            }
        };
        let user = nse_ffi::public_key_hex(&key).map_err(ffi)?;

        let token_path = cfg.dir.join(TOKEN_FILE);
        let token = match read_optional(&token_path).map_err(|e| io(TOKEN_FILE, e))? {
            Some(t) => String::from_utf8(t)
                .ok()
                .map(|t| t.trim().to_owned())
                .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| SandboxError::Io("device-token is not 64 hex characters".into()))?,
            None => {
                let t = hex::encode(&*random(32)?);
                write_atomic(&token_path, t.as_bytes()).map_err(|e| io(TOKEN_FILE, e))?;
                t
            }
        };

        let state_path = cfg.dir.join(STATE_FILE);
        let mut state = match read_optional(&state_path).map_err(|e| io(STATE_FILE, e))? {
            Some(blob) => blob,
            None => {
                let blob = nse_ffi::add_account(
                    &nse_ffi::new_state(),
                    &user,
                    vec![cfg.relay_url.clone()],
                    cfg.default_trust.ffi(),
                    &random(16)?,
                )
                .map_err(ffi)?
                .bytes;
                write_atomic(&state_path, &blob).map_err(|e| io(STATE_FILE, e))?;
                blob
            }
        };
        let accounts = nse_ffi::list_accounts(&state).map_err(ffi)?;
        let account = (0..accounts.len())
            .filter_map(|i| accounts.get(i))
            .find(|a| a.pubkey == user)
            .ok_or_else(|| {
                SandboxError::Signer("the state blob has no account for device-key".into())
            })?;
        if account.relays != [cfg.relay_url.clone()] {
            // The relay moved (another port): keep bunker URIs and replies on the live one.
            state = nse_ffi::set_relays(&state, &user, vec![cfg.relay_url.clone()])
                .map_err(ffi)?
                .bytes;
            write_atomic(&state_path, &state).map_err(|e| io(STATE_FILE, e))?;
        }
        // Held requests are raw (encrypted) events, but who asked what is the user's business.
        create_private_dir(&cfg.dir.join(HELD_DIR)).map_err(|e| io(HELD_DIR, e))?;
        let (events, _) = broadcast::channel(256);
        tracing::info!(user = %short(&user), token = %short(&token), "device ready");
        Ok(Self {
            cfg,
            key,
            user,
            token,
            state: Mutex::new(state),
            timings: Timings::default(),
            fetches: FetchCounters::default(),
            events,
            probes: Mutex::new(HashSet::new()),
            probes_seen: AtomicU64::new(0),
        })
    }

    /// The user's pubkey (hex).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The APNs device token (hex).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Device events (held requests, activity lines).
    pub fn subscribe(&self) -> broadcast::Receiver<DeviceEvent> {
        self.events.subscribe()
    }

    /// Timing records of handled pushes, oldest first.
    pub fn timings(&self) -> Vec<RequestTiming> {
        self.timings.all()
    }

    fn emit(&self, e: DeviceEvent) {
        let _ = self.events.send(e);
    }

    fn state_bytes(&self) -> Vec<u8> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Run `f` on the current blob; persist and adopt the blob it returns. Nothing changes when
    /// `f` or the write fails.
    fn commit<T>(
        &self,
        f: impl FnOnce(&[u8]) -> Result<(T, Vec<u8>), SandboxError>,
    ) -> Result<T, SandboxError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (out, next) = f(&state)?;
        if next != *state {
            write_atomic(&self.cfg.dir.join(STATE_FILE), &next)
                .map_err(|e| SandboxError::Io(format!("{STATE_FILE}: {e}")))?;
            *state = next;
        }
        Ok(out)
    }

    /// Run one signer call that returns a [`HandleResult`]: persist a held request's event
    /// first, then the state.
    fn commit_result(
        &self,
        f: impl FnOnce(&[u8]) -> Result<HandleResult, FfiError>,
    ) -> Result<HandleResult, SandboxError> {
        self.commit(|blob| {
            let mut r = f(blob).map_err(ffi)?;
            if let Some(held) = &r.held {
                let id = &held.info.id;
                if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(SandboxError::Signer("held request with a bad id".into()));
                }
                write_atomic(&self.held_path(id), &held.request_json)
                    .map_err(|e| SandboxError::Io(format!("held request: {e}")))?;
            }
            let next = std::mem::take(&mut r.state);
            Ok((r, next))
        })
    }

    fn held_path(&self, id: &str) -> PathBuf {
        self.cfg.dir.join(HELD_DIR).join(format!("{id}.json"))
    }

    /// Register the device token with the proxy (`POST /register`, NIP-98 in `X-Clave-Auth`).
    pub async fn register(&self) -> Result<(), SandboxError> {
        let url = format!("{}/register", self.cfg.proxy_url);
        let body = serde_json::json!({ "token": self.token, "env": "sandbox" })
            .to_string()
            .into_bytes();
        let auth = nse_ffi::nip98_header(&self.key, &url, "POST", &body, unix_now(), &random(32)?)
            .map_err(ffi)?;
        net::http_ok(
            "POST",
            &url,
            &[("x-clave-auth", &auth)],
            body,
            self.cfg.fetch_timeout,
        )
        .await
        .map_err(|e| SandboxError::Proxy(format!("register: {e}")))?;
        tracing::info!(token = %short(&self.token), "registered with the push proxy");
        Ok(())
    }

    /// Tell the proxy a client's relays (`POST /pair-client`) so it watches them too.
    async fn pair_with_proxy(&self, client: &str, relays: &[String]) {
        let url = format!("{}/pair-client", self.cfg.proxy_url);
        let body = serde_json::json!({ "client_pubkey": client, "relay_urls": relays })
            .to_string()
            .into_bytes();
        let auth = match random(32).and_then(|aux| {
            nse_ffi::nip98_header(&self.key, &url, "POST", &body, unix_now(), &aux).map_err(ffi)
        }) {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "pair-client: no NIP-98 header");
                return;
            }
        };
        let r = net::http_ok(
            "POST",
            &url,
            &[("x-clave-auth", &auth)],
            body,
            self.cfg.fetch_timeout,
        )
        .await;
        if let Err(e) = r {
            tracing::warn!(client = %short(client), error = %e, "pair-client failed");
        }
    }

    /// Expect a readiness probe push for `event_id`: it is swallowed, not handled.
    pub fn expect_probe(&self, event_id: &str) {
        let mut probes = self.probes.lock().unwrap_or_else(|p| p.into_inner());
        if probes.len() >= 64 {
            // Probes that never came (a relay that was down): forget them.
            probes.clear();
        }
        probes.insert(event_id.to_owned());
    }

    /// The NSE loop: pushes one at a time, held requests expired on a timer and on each wake.
    pub async fn run(
        self: Arc<Self>,
        mut pushes: mpsc::Receiver<Push>,
        mut stop: watch::Receiver<bool>,
    ) {
        let mut tick = tokio::time::interval(EXPIRE_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                p = pushes.recv() => match p {
                    Some(p) => {
                        self.handle_push(p).await;
                        self.expire_due().await;
                    }
                    None => break,
                },
                _ = tick.tick() => self.expire_due().await,
            }
        }
        tracing::debug!("device loop stopped");
    }

    /// One push, as the NSE handles it.
    async fn handle_push(&self, push: Push) {
        let was_probe = self
            .probes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&push.collapse_id);
        if was_probe {
            self.probes_seen.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if push.token != self.token {
            tracing::warn!(token = %short(&push.token), "push for another device token; dropped");
            return;
        }
        let mut t = RequestTiming {
            event_id: push.collapse_id.clone(),
            push_received_at: push.received_at,
            started_after: push.received.elapsed(),
            source: None,
            fetch_failures: 0,
            fetched_after: None,
            signed_after: None,
            handled_after: None,
            published_after: None,
            outcome: String::new(),
        };
        match self.process(&push, &mut t).await {
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(event = %short(&push.collapse_id), error = %e, "push failed");
                t.outcome = format!("failed: {e}");
            }
        }
        self.timings.push(t);
    }

    async fn process(&self, push: &Push, t: &mut RequestTiming) -> Result<(), SandboxError> {
        let now = unix_now();
        let plan = nse_ffi::plan_fetch(
            &push.payload,
            &self.state_bytes(),
            &self.cfg.proxy_url,
            &self.key,
            now,
            &random(32)?,
        )
        .map_err(ffi)?;
        let (event, source) = self.fetch(&plan, t).await?;
        t.source = Some(source);
        t.fetched_after = Some(push.received.elapsed());
        let entropy = random(nse_ffi::entropy_len())?;
        let mut signed_after = None;
        let r = self.commit_result(|blob| {
            let r =
                nse_ffi::handle_request(event.as_bytes(), blob, &self.key, unix_now(), &entropy);
            signed_after = Some(push.received.elapsed());
            r
        })?;
        t.signed_after = signed_after;
        t.handled_after = Some(push.received.elapsed());
        t.outcome = self.report(&r, &plan.event_id);
        if let Some(reply) = &r.reply {
            self.publish(reply).await;
        }
        t.published_after = Some(push.received.elapsed());
        Ok(())
    }

    /// The event, from where the plan says, falling back proxy → relay like the NSE.
    async fn fetch(
        &self,
        plan: &nse_ffi::FetchPlan,
        t: &mut RequestTiming,
    ) -> Result<(String, FetchSource), SandboxError> {
        let fail = |t: &mut RequestTiming, what: &str, e: &NetError| {
            t.fetch_failures += 1;
            self.fetches.failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(event = %short(&plan.event_id), from = what, error = %e, "fetch failed");
        };
        match plan.source {
            EventSource::Embedded => {
                if let Some(json) = &plan.event_json {
                    self.fetches.embedded.fetch_add(1, Ordering::Relaxed);
                    return Ok((json.clone(), FetchSource::Embedded));
                }
            }
            EventSource::Proxy => {
                if let (Some(url), Some(auth)) = (&plan.proxy_url, &plan.proxy_auth) {
                    match net::http_ok(
                        "GET",
                        url,
                        &[("x-clave-auth", auth)],
                        Vec::new(),
                        self.cfg.fetch_timeout,
                    )
                    .await
                    {
                        Ok(body) => match String::from_utf8(body.to_vec()) {
                            Ok(json) => {
                                self.fetches.proxy.fetch_add(1, Ordering::Relaxed);
                                return Ok((json, FetchSource::Proxy));
                            }
                            Err(_) => {
                                fail(t, "proxy", &NetError::Protocol("not UTF-8".into()));
                            }
                        },
                        Err(e) => fail(t, "proxy", &e),
                    }
                }
            }
            EventSource::Relay => {}
        }
        match net::relay_fetch(
            &plan.relay_url,
            &plan.relay_req,
            &plan.relay_close,
            self.cfg.fetch_timeout,
        )
        .await
        {
            Ok(json) => {
                self.fetches.relay.fetch_add(1, Ordering::Relaxed);
                Ok((json, FetchSource::Relay))
            }
            Err(e) => {
                fail(t, "relay", &e);
                Err(SandboxError::Net(e))
            }
        }
    }

    /// Log and announce what a signer call did; returns the timing outcome label.
    fn report(&self, r: &HandleResult, event_id: &str) -> String {
        if let Some(a) = &r.activity {
            let kind = a.kind.map(|k| format!(" kind {k}")).unwrap_or_default();
            let err = a
                .error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            let line = format!(
                "{} {}{} from client {}: {}{}",
                short(event_id),
                a.method,
                kind,
                short(&a.client),
                verdict_label(&a.verdict),
                err
            );
            tracing::info!("{line}");
            self.emit(DeviceEvent::Activity(line));
        }
        if let Some(held) = &r.held {
            let p = pending_of(&held.info);
            tracing::info!(id = %p.short, method = %p.method, kind = ?p.kind, client = %short(&p.client), "request held for approval");
            self.emit(DeviceEvent::Held(p));
            return "held".into();
        }
        if let Some(why) = &r.ignored {
            tracing::info!(event = %short(event_id), why = %why, "request ignored");
            return format!("ignored: {why}");
        }
        if r.reply.is_some() {
            "replied".into()
        } else {
            "no reply".into()
        }
    }

    /// Publish a reply to each of its relays and wait for each OK (bounded). Returns how many
    /// relays accepted it.
    async fn publish(&self, reply: &Reply) -> usize {
        let Some(id) = event_id_of(&reply.event_json) else {
            tracing::warn!("reply without an id; not published");
            return 0;
        };
        let mut accepted = 0;
        for relay in &reply.relays {
            let started = Instant::now();
            match net::relay_publish(relay, &reply.event_json, &id, self.cfg.publish_timeout).await
            {
                Ok(ack) if ack.accepted => {
                    accepted += 1;
                    tracing::debug!(relay = %relay, reply = %short(&id), ms = started.elapsed().as_millis(), "reply published");
                }
                Ok(ack) => {
                    tracing::warn!(relay = %relay, reply = %short(&id), message = %ack.message, "relay refused the reply");
                }
                Err(NetError::Timeout(_)) => {
                    // INTEROP 7: some relays never OK ephemeral events.
                    tracing::warn!(relay = %relay, reply = %short(&id), "no OK in time; probably delivered");
                }
                Err(e) => {
                    tracing::warn!(relay = %relay, reply = %short(&id), error = %e, "publish failed");
                }
            }
        }
        accepted
    }

    /// Answer every held request whose time is up ("approval timed out").
    pub async fn expire_due(&self) {
        let now = unix_now();
        let due = nse_ffi::list_pending(&self.state_bytes())
            .ok()
            .and_then(|l| l.next_expiry())
            .is_some_and(|at| at <= now);
        if !due {
            return;
        }
        for _ in 0..MAX_EXPIRE_PER_WAKE {
            let r = random(nse_ffi::entropy_len()).and_then(|entropy| {
                self.commit_result(|blob| {
                    nse_ffi::expire_pending(blob, &self.key, unix_now(), &entropy)
                })
            });
            match r {
                Ok(r) => {
                    let Some(reply) = &r.reply else { break };
                    self.report(&r, "expired");
                    self.publish(reply).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "expire failed");
                    break;
                }
            }
        }
        self.clean_held();
    }

    /// Remove held-request files whose request is no longer pending.
    fn clean_held(&self) {
        let Ok(list) = nse_ffi::list_pending(&self.state_bytes()) else {
            return;
        };
        let live: HashSet<String> = (0..list.len())
            .filter_map(|i| list.get(i))
            .map(|p| p.id)
            .collect();
        let Ok(dir) = std::fs::read_dir(self.cfg.dir.join(HELD_DIR)) else {
            return;
        };
        for entry in dir.flatten().take(10_000) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(id) = name.strip_suffix(".json")
                && !live.contains(id)
            {
                let _ = remove_durable(&entry.path());
            }
        }
    }

    /// Requests waiting for the user.
    pub fn pending(&self) -> Result<Vec<Pending>, SandboxError> {
        let list = nse_ffi::list_pending(&self.state_bytes()).map_err(ffi)?;
        Ok((0..list.len())
            .filter_map(|i| list.get(i))
            .map(|p| pending_of(&p))
            .collect())
    }

    /// The full id of the one held request whose id starts with `prefix` (4+ hex characters).
    pub fn resolve(&self, prefix: &str) -> Result<String, SandboxError> {
        let prefix = prefix.trim().to_ascii_lowercase();
        if prefix.len() < 4 || prefix.len() > 64 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SandboxError::InvalidInput(
                "a pending id is 4 to 64 hex characters".into(),
            ));
        }
        let matches: Vec<Pending> = self
            .pending()?
            .into_iter()
            .filter(|p| p.id.starts_with(&prefix))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.id.clone()),
            [] => Err(SandboxError::NotFound(format!("pending request {prefix}"))),
            _ => Err(SandboxError::InvalidInput(format!(
                "{prefix} matches {} pending requests; type more of the id",
                matches.len()
            ))),
        }
    }

    /// Approve a held request (id or unique prefix): sign/answer it and publish the reply.
    pub async fn approve(&self, id: &str) -> Result<Pending, SandboxError> {
        self.decide(id, true).await
    }

    /// Deny a held request: the client gets "user rejected".
    pub async fn deny(&self, id: &str) -> Result<Pending, SandboxError> {
        self.decide(id, false).await
    }

    async fn decide(&self, id: &str, approve: bool) -> Result<Pending, SandboxError> {
        let id = self.resolve(id)?;
        let info = self
            .pending()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| SandboxError::NotFound(format!("pending request {}", short(&id))))?;
        let entropy = random(nse_ffi::entropy_len())?;
        let r = if approve {
            let request = read_optional(&self.held_path(&id))
                .map_err(|e| SandboxError::Io(format!("held request: {e}")))?
                .ok_or_else(|| {
                    SandboxError::NotFound(format!("the held event of {}", short(&id)))
                })?;
            self.commit_result(|blob| {
                nse_ffi::approve_pending(&id, &request, blob, &self.key, unix_now(), &entropy)
            })?
        } else {
            self.commit_result(|blob| {
                nse_ffi::deny_pending(&id, blob, &self.key, unix_now(), &entropy)
            })?
        };
        let _ = remove_durable(&self.held_path(&id));
        self.report(&r, &id);
        if let Some(reply) = &r.reply {
            self.publish(reply).await;
        }
        Ok(info)
    }

    /// Approve a client-initiated pairing (`nostrconnect://` URI) at `trust`: the connect
    /// response goes to the URI's relays now and again after each of the configured repeats.
    /// Returns the client's pubkey.
    pub async fn approve_nostrconnect(
        self: &Arc<Self>,
        uri: &str,
        trust: TrustLevel,
    ) -> Result<String, SandboxError> {
        let req = nse_ffi::parse_nostrconnect(uri).map_err(ffi)?;
        let entropy = random(nse_ffi::entropy_len())?;
        let r = self.commit_result(|blob| {
            nse_ffi::approve_nostrconnect(
                uri,
                &self.user,
                trust.ffi(),
                blob,
                &self.key,
                unix_now(),
                &entropy,
            )
        })?;
        self.report(&r, "nostrconnect");
        let reply = r
            .reply
            .ok_or_else(|| SandboxError::Signer("pairing produced no reply".into()))?;
        self.publish(&reply).await;
        let me = self.clone();
        let client = req.client_pubkey.clone();
        let relays = req.relays.clone();
        tokio::spawn(async move {
            me.pair_with_proxy(&client, &relays).await;
            let started = Instant::now();
            for at in me.cfg.nostrconnect_repeats.clone() {
                tokio::time::sleep(at.saturating_sub(started.elapsed())).await;
                me.publish(&reply).await;
            }
        });
        Ok(req.client_pubkey)
    }

    /// Set a paired client's trust level.
    pub fn set_client_trust(&self, client: &str, trust: TrustLevel) -> Result<(), SandboxError> {
        self.commit(|blob| {
            let next = nse_ffi::set_client_trust(blob, &self.user, client, trust.ffi())
                .map_err(ffi)?
                .bytes;
            Ok(((), next))
        })
    }

    /// Paired clients.
    pub fn clients(&self) -> Result<Vec<Client>, SandboxError> {
        let list = nse_ffi::list_clients(&self.state_bytes(), &self.user).map_err(ffi)?;
        Ok((0..list.len())
            .filter_map(|i| list.get(i))
            .map(|c| Client {
                pubkey: c.pubkey,
                name: c.name,
                trust: TrustLevel::of(&c.trust).as_str(),
                relays: c.relays,
            })
            .collect())
    }

    /// The `bunker://` URI to paste into a client.
    pub fn bunker_uri(&self) -> Result<String, SandboxError> {
        nse_ffi::bunker_uri(&self.state_bytes(), &self.user).map_err(ffi)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!(
            "clave-sandbox-unit-{tag}-{}-{}",
            std::process::id(),
            unix_now()
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    fn device(dir: &std::path::Path) -> Device {
        Device::open(DeviceConfig {
            dir: dir.to_owned(),
            // Nothing listens here: any fetch fails fast.
            relay_url: "ws://127.0.0.1:9".into(),
            proxy_url: "http://127.0.0.1:9".into(),
            default_trust: TrustLevel::Medium,
            fetch_timeout: Duration::from_secs(2),
            publish_timeout: Duration::from_secs(2),
            nostrconnect_repeats: Vec::new(),
        })
        .unwrap()
    }

    fn push(token: &str, payload: String) -> Push {
        Push {
            token: token.to_owned(),
            collapse_id: "ab".repeat(32),
            payload,
            received_at: SystemTime::now(),
            received: Instant::now(),
        }
    }

    #[tokio::test]
    async fn malformed_pushes_are_logged_not_fatal_and_leave_the_state_alone() {
        let dir = temp_dir("malformed");
        let d = device(&dir);
        let before = std::fs::read(dir.join(STATE_FILE)).unwrap();
        let token = d.token().to_owned();
        let id = "ab".repeat(32);
        let user = d.user().to_owned();
        let payloads = [
            "not json".to_owned(),
            "{}".to_owned(),
            "[1,2,3]".to_owned(),
            "x".repeat(100_000),
            serde_json::json!({"relay_url": "ws://127.0.0.1:9", "event_id": "zz",
                "signer_pubkey": user})
            .to_string(),
            serde_json::json!({"relay_url": "https://nope", "event_id": id,
                "signer_pubkey": user})
            .to_string(),
            // Another signer: not ours.
            serde_json::json!({"relay_url": "ws://127.0.0.1:9", "event_id": id,
                "signer_pubkey": "11".repeat(32)})
            .to_string(),
            // Ours, with an embedded event that is not one.
            serde_json::json!({"relay_url": "ws://127.0.0.1:9", "event_id": id,
                "signer_pubkey": user, "event": {"garbage": [1, {"x": null}]}})
            .to_string(),
            serde_json::json!({"relay_url": "ws://127.0.0.1:9", "event_id": id,
                "signer_pubkey": user, "event": "\u{0}\u{1}"})
            .to_string(),
            // Ours, not embedded: the relay fetch fails (nothing listens), bounded.
            serde_json::json!({"relay_url": "ws://127.0.0.1:9", "event_id": id,
                "signer_pubkey": user})
            .to_string(),
        ];
        let n = payloads.len();
        for p in payloads {
            d.handle_push(push(&token, p)).await;
        }
        // A push for another token is dropped without a record.
        d.handle_push(push(&"cd".repeat(32), "{}".into())).await;
        let timings = d.timings();
        assert_eq!(timings.len(), n);
        for t in &timings {
            assert!(
                t.outcome.starts_with("failed:") || t.outcome.starts_with("ignored:"),
                "{t:?}"
            );
        }
        assert_eq!(std::fs::read(dir.join(STATE_FILE)).unwrap(), before);
        assert!(d.pending().unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn bad_approvals_are_errors_and_the_key_survives_reopening() {
        let dir = temp_dir("approvals");
        let d = device(&dir);
        assert!(matches!(
            d.approve("zz").await,
            Err(SandboxError::InvalidInput(_))
        ));
        assert!(matches!(
            d.approve("abcd").await,
            Err(SandboxError::NotFound(_))
        ));
        assert!(matches!(
            d.deny("").await,
            Err(SandboxError::InvalidInput(_))
        ));
        assert!(d.set_client_trust("11", TrustLevel::Full).is_err());
        let uri = d.bunker_uri().unwrap();
        let user = d.user().to_owned();
        drop(d);
        let again = device(&dir);
        assert_eq!(again.user(), user);
        assert_eq!(again.bunker_uri().unwrap(), uri);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
