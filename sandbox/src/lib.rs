//! # clave-sandbox
//!
//! The whole Clave system on 127.0.0.1 with one command: a real relay (nostr-relay-builder),
//! the push proxy (in-process `push_proxy::run`), an APNs stand-in (TLS + HTTP/2, checks the
//! provider token and headers) and a simulated iPhone whose Notification Service Extension runs
//! exactly the NSE's code path through `nse-ffi`'s Rust API. State lives in one directory and
//! survives restarts (same key, same paired clients).
//!
//! ```no_run
//! # async fn demo() -> Result<(), clave_sandbox::SandboxError> {
//! use clave_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::new("./sandbox-state")).await?;
//! println!("pair with {}", sandbox.bunker_uri()?);
//! for p in sandbox.pending()? {
//!     sandbox.approve(&p.id).await?;
//! }
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Flow of one request: client → relay → proxy (subscribed for the signer's pubkey) → APNs
//! stand-in → device: `plan_fetch` → embedded / proxy `GET /event/<id>` / relay `REQ` →
//! `handle_request` → state blob persisted → reply published, relay OK awaited. Each push
//! leaves a [`RequestTiming`] (see [`Sandbox::timings`]).

pub mod apns;
pub mod device;
pub mod http;
pub mod net;
pub mod relay;
/// Crash-safe files (the App Group container and Keychain of a real phone): shared with
/// `clave-host`.
pub use clave_host::store;
pub mod timing;

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

pub use device::{Client, Device, DeviceEvent, Pending, TrustLevel};
pub use net::NetError;
pub use timing::{FetchSource, RequestTiming};

use crate::apns::{ApnsKey, ApnsStandIn};
use crate::device::DeviceConfig;
use crate::relay::RelayProcess;

/// Why the sandbox (or one of its operations) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxError {
    /// A file or socket operation failed.
    Io(String),
    /// The relay did not start.
    Relay(String),
    /// The APNs stand-in or its key failed.
    Apns(String),
    /// The push proxy failed to start or refused a request.
    Proxy(String),
    /// nse-ffi refused a call (its error, which never carries secrets).
    Signer(String),
    /// A network step failed.
    Net(NetError),
    /// No such pending request, client or file.
    NotFound(String),
    /// Malformed input from the user.
    InvalidInput(String),
    /// The pipeline did not become ready in time (names the step).
    NotReady(String),
}

impl fmt::Display for SandboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "i/o: {e}"),
            Self::Relay(e) => write!(f, "relay: {e}"),
            Self::Apns(e) => write!(f, "APNs stand-in: {e}"),
            Self::Proxy(e) => write!(f, "push proxy: {e}"),
            Self::Signer(e) => write!(f, "signer: {e}"),
            Self::Net(e) => write!(f, "network: {e}"),
            Self::NotFound(e) => write!(f, "not found: {e}"),
            Self::InvalidInput(e) => write!(f, "invalid input: {e}"),
            Self::NotReady(e) => write!(f, "not ready: {e}"),
        }
    }
}

impl std::error::Error for SandboxError {}

/// Settings. Fixed ports by default so URIs stay valid across restarts; 0 picks a free port
/// (tests).
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where everything is kept (key, state blob, APNs key, proxy database).
    pub state_dir: PathBuf,
    /// Relay port.
    pub relay_port: u16,
    /// Push proxy port.
    pub proxy_port: u16,
    /// Device HTTP API port.
    pub device_port: u16,
    /// Trust level of newly paired clients.
    pub default_trust: TrustLevel,
    /// Bound on each fetch attempt by the device.
    pub fetch_timeout: Duration,
    /// Bound on each publish by the device (until the relay's OK).
    pub publish_timeout: Duration,
    /// When a `nostrconnect://` response is published again.
    pub nostrconnect_repeats: Vec<Duration>,
    /// Bound on start-up and on readiness after a relay restart.
    pub ready_timeout: Duration,
}

impl SandboxConfig {
    /// Defaults: relay 7777, proxy 7778, device API 7779, new clients at medium trust.
    pub fn new(state_dir: impl Into<PathBuf>) -> Self {
        Self {
            state_dir: state_dir.into(),
            relay_port: 7777,
            proxy_port: 7778,
            device_port: 7779,
            default_trust: TrustLevel::Medium,
            fetch_timeout: Duration::from_secs(5),
            publish_timeout: Duration::from_secs(5),
            nostrconnect_repeats: vec![Duration::from_secs(1), Duration::from_secs(3)],
            ready_timeout: Duration::from_secs(30),
        }
    }

    /// Free ports for everything (tests running side by side).
    pub fn with_free_ports(mut self) -> Self {
        self.relay_port = 0;
        self.proxy_port = 0;
        self.device_port = 0;
        self
    }
}

/// Counts of how request events reached the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FetchCounts {
    /// Embedded in the push.
    pub embedded: u64,
    /// From the proxy's `/event/<id>`.
    pub proxy: u64,
    /// From the relay by id.
    pub relay: u64,
    /// Failed attempts.
    pub failed: u64,
}

/// The running sandbox.
pub struct Sandbox {
    cfg: SandboxConfig,
    relay: Arc<Mutex<Option<RelayProcess>>>,
    relay_port: u16,
    relay_url: String,
    apns: Option<ApnsStandIn>,
    proxy_url: String,
    proxy_stop: Option<oneshot::Sender<()>>,
    proxy_task: Option<tokio::task::JoinHandle<Result<(), push_proxy::Error>>>,
    device: Arc<Device>,
    device_addr: SocketAddr,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

fn io(what: &str) -> impl Fn(std::io::Error) -> SandboxError + '_ {
    move |e| SandboxError::Io(format!("{what}: {e}"))
}

async fn bind(port: u16, what: &str) -> Result<TcpListener, SandboxError> {
    TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| SandboxError::Io(format!("{what} on 127.0.0.1:{port}: {e}")))
}

impl Sandbox {
    /// Start everything, register the device with the proxy and wait until a request on the
    /// relay really reaches the device (a probe), bounded by `ready_timeout`.
    pub async fn start(cfg: SandboxConfig) -> Result<Self, SandboxError> {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        store::create_private_dir(&cfg.state_dir).map_err(io("state dir"))?;
        let dir = cfg.state_dir.clone();

        let port = cfg.relay_port;
        let relay = tokio::task::spawn_blocking(move || RelayProcess::start(port))
            .await
            .map_err(|e| SandboxError::Relay(e.to_string()))??;
        let relay_url = relay.url().to_owned();
        let relay_port = relay.port();
        tracing::info!(url = %relay_url, "relay running");

        let key = ApnsKey::load_or_create(&dir)?;
        let (push_tx, push_rx) = mpsc::channel(256);
        let apns = ApnsStandIn::start(&key.public_pem, push_tx).await?;
        let ca_path = dir.join("apns-ca.pem");
        store::write_atomic(&ca_path, apns.ca_pem.as_bytes()).map_err(io("apns-ca.pem"))?;

        let proxy_listener = bind(cfg.proxy_port, "push proxy").await?;
        let proxy_addr = proxy_listener.local_addr().map_err(io("push proxy"))?;
        let proxy_url = format!("http://{proxy_addr}");
        let args = vec![
            "push-proxy".to_owned(),
            format!("--port={}", proxy_addr.port()),
            "--bind=127.0.0.1".into(),
            format!("--relay-url={relay_url}"),
            format!("--public-proxy-url={proxy_url}"),
            format!("--apns-key-id={}", apns::KEY_ID),
            format!("--apns-team-id={}", apns::TEAM_ID),
            format!("--apns-key-path={}", key.p8_path.display()),
            format!("--apns-host={}", apns.host()),
            format!("--apns-sandbox-host={}", apns.host()),
            format!("--apns-ca-file={}", ca_path.display()),
            format!("--bundle-id={}", apns::TOPIC),
            "--default-env=sandbox".into(),
            format!("--db-path={}", dir.join("proxy.redb").display()),
            "--apns-retry-base-ms=50".into(),
            "--apns-timeout-ms=5000".into(),
            "--relay-min-backoff-ms=100".into(),
            "--relay-max-backoff-secs=1".into(),
            "--relay-since-margin-secs=5".into(),
            "--relay-ping-secs=5".into(),
            "--allow-private-relays=true".into(),
            "--rate-per-ip=100000".into(),
            "--rate-per-pubkey=100000".into(),
            "--rate-burst=1000".into(),
            "--workers=1".into(),
        ];
        let config = <push_proxy::Config as clap::Parser>::try_parse_from(args)
            .map_err(|e| SandboxError::Proxy(e.to_string()))?;
        let (proxy_stop, proxy_stop_rx) = oneshot::channel::<()>();
        let proxy_task = tokio::spawn(push_proxy::run(config, proxy_listener, async {
            let _ = proxy_stop_rx.await;
        }));
        tracing::info!(url = %proxy_url, "push proxy running");

        let device_listener = bind(cfg.device_port, "device API").await?;
        let device_addr = device_listener.local_addr().map_err(io("device API"))?;
        let device = Arc::new(Device::open(DeviceConfig {
            dir: dir.clone(),
            relay_url: relay_url.clone(),
            proxy_url: proxy_url.clone(),
            default_trust: cfg.default_trust,
            fetch_timeout: cfg.fetch_timeout,
            publish_timeout: cfg.publish_timeout,
            nostrconnect_repeats: cfg.nostrconnect_repeats.clone(),
        })?);
        let (stop, stop_rx) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(device.clone().run(push_rx, stop_rx.clone())),
            tokio::spawn(http::serve(device.clone(), device_listener, stop_rx)),
        ];
        let mut sandbox = Self {
            cfg,
            relay: Arc::new(Mutex::new(Some(relay))),
            relay_port,
            relay_url,
            apns: Some(apns),
            proxy_url,
            proxy_stop: Some(proxy_stop),
            proxy_task: Some(proxy_task),
            device,
            device_addr,
            stop,
            tasks,
        };
        if let Err(e) = sandbox.register().await {
            sandbox.stop_all().await;
            return Err(e);
        }
        if let Err(e) = sandbox.wait_ready().await {
            sandbox.stop_all().await;
            return Err(e);
        }
        Ok(sandbox)
    }

    /// Register (retrying while the proxy starts), failing early if the proxy task ended.
    async fn register(&mut self) -> Result<(), SandboxError> {
        let deadline = Instant::now() + self.cfg.ready_timeout;
        loop {
            if self.proxy_task.as_ref().is_some_and(|t| t.is_finished()) {
                let why = match self.proxy_task.take() {
                    Some(t) => match t.await {
                        Ok(Err(e)) => e.to_string(),
                        Ok(Ok(())) => "stopped".into(),
                        Err(e) => e.to_string(),
                    },
                    None => "stopped".into(),
                };
                return Err(SandboxError::Proxy(why));
            }
            match self.device.register().await {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() >= deadline => return Err(e),
                Err(e) => {
                    tracing::debug!(error = %e, "registration not yet accepted; retrying");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }

    /// Wait until a kind-24133 event published on the relay reaches the device through the
    /// proxy and the APNs stand-in: publish throwaway probe events (which the device swallows)
    /// until one arrives, bounded by `ready_timeout`.
    pub async fn wait_ready(&self) -> Result<(), SandboxError> {
        use nostr::{EventBuilder, Keys, Kind, PublicKey, Tag};
        let signer = PublicKey::from_hex(self.device.user())
            .map_err(|e| SandboxError::Signer(e.to_string()))?;
        let deadline = Instant::now() + self.cfg.ready_timeout;
        let probe_keys = Keys::generate();
        while Instant::now() < deadline {
            let before = self.device.probes_seen.load(Ordering::Relaxed);
            let probe = EventBuilder::new(Kind::NostrConnect, "readiness probe")
                .tag(Tag::public_key(signer))
                .sign_with_keys(&probe_keys)
                .map_err(|e| SandboxError::Signer(e.to_string()))?;
            let id = probe.id.to_hex();
            self.device.expect_probe(&id);
            let json = nostr::JsonUtil::as_json(&probe);
            if let Err(e) =
                net::relay_publish(&self.relay_url, &json, &id, Duration::from_secs(2)).await
            {
                tracing::debug!(error = %e, "probe not published; retrying");
            }
            let waited = Instant::now();
            while waited.elapsed() < Duration::from_millis(1500) {
                if self.device.probes_seen.load(Ordering::Relaxed) > before {
                    tracing::info!("ready: relay → proxy → APNs → device");
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        Err(SandboxError::NotReady(
            "no probe reached the device through relay → proxy → APNs".into(),
        ))
    }

    /// Kill the relay (every connection drops, as in a crash) and start it again on the same
    /// port; returns once requests reach the device again.
    pub async fn restart_relay(&self) -> Result<(), SandboxError> {
        let slot = self.relay.clone();
        let port = self.relay_port;
        tokio::task::spawn_blocking(move || {
            let old = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(mut old) = old {
                old.kill();
            }
            let new = RelayProcess::start(port)?;
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(new);
            Ok::<_, SandboxError>(())
        })
        .await
        .map_err(|e| SandboxError::Relay(e.to_string()))??;
        tracing::info!(url = %self.relay_url, "relay restarted");
        self.wait_ready().await
    }

    /// The `bunker://` URI to paste into a client (its secret rotates after each pairing).
    pub fn bunker_uri(&self) -> Result<String, SandboxError> {
        self.device.bunker_uri()
    }

    /// The relay's URL.
    pub fn relay_url(&self) -> &str {
        &self.relay_url
    }

    /// The relay's port (reuse it in a later start to keep URIs valid).
    pub fn relay_port(&self) -> u16 {
        self.relay_port
    }

    /// The push proxy's base URL.
    pub fn proxy_url(&self) -> &str {
        &self.proxy_url
    }

    /// The device HTTP API's base URL.
    pub fn device_url(&self) -> String {
        format!("http://{}", self.device_addr)
    }

    /// The user's (and bunker's) pubkey, hex.
    pub fn user_pubkey(&self) -> &str {
        self.device.user()
    }

    /// The simulated device.
    pub fn device(&self) -> &Arc<Device> {
        &self.device
    }

    /// Held requests and activity lines, as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<DeviceEvent> {
        self.device.subscribe()
    }

    /// Requests waiting for the user.
    pub fn pending(&self) -> Result<Vec<Pending>, SandboxError> {
        self.device.pending()
    }

    /// Approve a held request (id or unique prefix).
    pub async fn approve(&self, id: &str) -> Result<Pending, SandboxError> {
        self.device.approve(id).await
    }

    /// Deny a held request (id or unique prefix).
    pub async fn deny(&self, id: &str) -> Result<Pending, SandboxError> {
        self.device.deny(id).await
    }

    /// Approve a `nostrconnect://` pairing; returns the client's pubkey.
    pub async fn approve_nostrconnect(
        &self,
        uri: &str,
        trust: TrustLevel,
    ) -> Result<String, SandboxError> {
        self.device.approve_nostrconnect(uri, trust).await
    }

    /// Set a paired client's trust level.
    pub fn set_client_trust(&self, client: &str, trust: TrustLevel) -> Result<(), SandboxError> {
        self.device.set_client_trust(client, trust)
    }

    /// Paired clients.
    pub fn clients(&self) -> Result<Vec<Client>, SandboxError> {
        self.device.clients()
    }

    /// Timing records of handled pushes (oldest first).
    pub fn timings(&self) -> Vec<RequestTiming> {
        self.device.timings()
    }

    /// How request events reached the device so far.
    pub fn fetch_counts(&self) -> FetchCounts {
        let f = &self.device.fetches;
        FetchCounts {
            embedded: f.embedded.load(Ordering::Relaxed),
            proxy: f.proxy.load(Ordering::Relaxed),
            relay: f.relay.load(Ordering::Relaxed),
            failed: f.failed.load(Ordering::Relaxed),
        }
    }

    /// Pushes the APNs stand-in accepted and rejected, and the latest rejection reasons.
    pub fn apns_counts(&self) -> (u64, u64, Vec<String>) {
        self.apns.as_ref().map_or((0, 0, Vec::new()), |a| {
            (
                a.stats.accepted.load(Ordering::Relaxed),
                a.stats.rejected.load(Ordering::Relaxed),
                a.stats.errors(),
            )
        })
    }

    async fn stop_all(&mut self) {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            if tokio::time::timeout(Duration::from_secs(10), t)
                .await
                .is_err()
            {
                tracing::warn!("a device task did not stop in time");
            }
        }
        if let Some(tx) = self.proxy_stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.proxy_task.take() {
            match tokio::time::timeout(Duration::from_secs(15), task).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "push proxy stopped with an error"),
                _ => tracing::warn!("push proxy did not stop in time"),
            }
        }
        if let Some(apns) = self.apns.take() {
            apns.stop().await;
        }
        let slot = self.relay.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let old = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(mut old) = old {
                old.kill();
            }
        })
        .await;
    }

    /// Stop everything (device first, so no push is cut off mid-way; then proxy, APNs, relay).
    /// The state directory keeps everything for the next start.
    pub async fn shutdown(mut self) {
        self.stop_all().await;
        tracing::info!("sandbox stopped");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(tx) = self.proxy_stop.take() {
            let _ = tx.send(());
        }
    }
}
