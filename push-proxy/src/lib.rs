//! # push-proxy
//!
//! The Clave push proxy: it watches Nostr relays for NIP-46 requests (kind 24133) addressed to
//! registered signer pubkeys and wakes their iPhones with an APNs push. It never sees a key or a
//! plaintext request. Drop-in compatible with the reference Node proxy's HTTP API and settings.
//!
//! ```no_run
//! # async fn demo() -> Result<(), push_proxy::Error> {
//! use clap::Parser;
//! let config = push_proxy::Config::parse();
//! let shutdown = push_proxy::shutdown_signal();
//! let listener = tokio::net::TcpListener::bind((config.bind, config.port)).await?;
//! push_proxy::run(config, listener, shutdown).await
//! # }
//! ```
//!
//! Data flow: relay task (one per relay) → dispatcher worker (sharded by event id: route by `p`
//! tag, dedupe, verify) → APNs client (HTTP/2 pool per environment). The HTTP API writes
//! registrations to the durable store, then to the in-memory [`registry::Registry`] that
//! routing reads.

#![forbid(unsafe_code)]

pub mod api;
pub mod apns;
pub mod cache;
pub mod config;
pub mod dedupe;
pub mod dispatch;
pub mod jwt;
pub mod metrics;
pub mod ratelimit;
pub mod registry;
pub mod relay;
pub mod store;
pub mod verify;

use std::fmt;
use std::future::Future;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

pub use config::Config;

/// Concurrent HTTP connections.
const MAX_HTTP_CONNECTIONS: usize = 1024;
/// Longest life of one HTTP connection (keep-alive included).
const MAX_HTTP_CONNECTION_AGE: Duration = Duration::from_secs(120);
/// Queue depth per dispatcher worker.
const WORKER_QUEUE: usize = 4096;
/// How long shutdown waits for in-flight work.
const DRAIN: Duration = Duration::from_secs(5);

/// Why the proxy could not start or stopped.
#[derive(Debug)]
pub enum Error {
    /// A setting is invalid.
    Config(String),
    /// The APNs key is missing or bad.
    Key(jwt::JwtError),
    /// TLS trust roots are bad.
    Tls(apns::TlsSetupError),
    /// The database could not be opened.
    Store(store::StoreError),
    /// Socket error.
    Io(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(e) => write!(f, "configuration: {e}"),
            Self::Key(e) => e.fmt(f),
            Self::Tls(e) => e.fmt(f),
            Self::Store(e) => e.fmt(f),
            Self::Io(e) => write!(f, "i/o: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is called (inside a
/// Tokio runtime), so call it before binding: a signal that arrives during startup is not lost.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            let wait = |s: std::io::Result<tokio::signal::unix::Signal>| async move {
                match s {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(term) => tracing::info!("SIGTERM received"),
                () = wait(int) => tracing::info!("SIGINT received"),
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn build_apns(
    config: &Config,
    metrics: &Arc<metrics::Metrics>,
) -> Result<Arc<apns::ApnsClient>, Error> {
    let pem =
        std::fs::read(&config.apns_key_path).map_err(|e| Error::Key(jwt::JwtError::Read(e)))?;
    let m = metrics.clone();
    let token = jwt::ProviderToken::new(
        &pem,
        &config.apns_key_id,
        &config.apns_team_id,
        Duration::from_secs(config.jwt_refresh_secs),
        Box::new(move || metrics::Metrics::inc(&m.apns_jwt_refreshes)),
    )
    .map_err(Error::Key)?;
    let extra = match &config.apns_ca_file {
        Some(p) => Some(
            std::fs::read(p)
                .map_err(|e| Error::Config(format!("APNS_CA_FILE {}: {e}", p.display())))?,
        ),
        None => None,
    };
    let tls = apns::tls_config(extra.as_deref()).map_err(Error::Tls)?;
    let endpoint = |name: &str, v: &str| {
        apns::Endpoint::parse(v).ok_or_else(|| Error::Config(format!("{name} is not host[:port]")))
    };
    let settings = apns::ApnsSettings {
        production: endpoint("APNS_HOST", &config.apns_host)?,
        sandbox: endpoint("APNS_SANDBOX_HOST", &config.apns_sandbox_host)?,
        topic: config.bundle_id.clone(),
        expiration: Duration::from_secs(config.apns_expiration_secs),
        request_timeout: Duration::from_millis(config.apns_timeout_ms.max(1)),
        max_retries: config.apns_retries,
        retry_base: Duration::from_millis(config.apns_retry_base_ms),
        max_connections: config.apns_connections.max(1),
        keepalive: Duration::from_secs(60),
    };
    Ok(Arc::new(apns::ApnsClient::new(
        settings,
        Arc::new(token),
        tls,
        metrics.clone(),
    )))
}

/// Run the proxy on `listener` until `shutdown` resolves, then drain and return.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), Error> {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    config.validate().map_err(Error::Config)?;
    let metrics = Arc::new(metrics::Metrics::default());
    let apns = build_apns(&config, &metrics)?;

    let db_path = config.db_path.clone();
    let store = tokio::task::spawn_blocking(move || store::RedbStore::open(&db_path))
        .await
        .map_err(|e| Error::Config(e.to_string()))?
        .map_err(Error::Store)?;
    let limits = registry::Limits {
        tokens_per_pubkey: config.max_tokens_per_pubkey.max(1),
        pairs_per_pubkey: config.max_pairs_per_pubkey,
        total_relays: config.max_paired_relays,
    };
    let registry =
        Arc::new(registry::Registry::load(Arc::new(store), limits).map_err(Error::Store)?);
    let (tokens, pubkeys) = registry.counts();
    tracing::info!(tokens, pubkeys, "registrations loaded");

    let cache = Arc::new(Mutex::new(cache::EventCache::new(
        50_000,
        64 * 1024 * 1024,
        Duration::from_secs(config.event_cache_secs),
    )));
    let inflight = Arc::new(Semaphore::new(config.apns_max_inflight.max(1)));
    let dispatch = Arc::new(dispatch::Dispatch {
        registry: registry.clone(),
        apns: apns.clone(),
        metrics: metrics.clone(),
        cache: cache.clone(),
        inflight: inflight.clone(),
        dedupe_capacity: config.dedupe_capacity,
    });
    let n_workers = if config.workers == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        config.workers
    };
    let mut senders = Vec::with_capacity(n_workers);
    let mut workers = JoinSet::new();
    for _ in 0..n_workers {
        let (tx, rx) = mpsc::channel(WORKER_QUEUE);
        senders.push(tx);
        workers.spawn(dispatch::run_worker(dispatch.clone(), rx));
    }

    let relay_shared = Arc::new(relay::RelayShared {
        registry: registry.clone(),
        metrics: metrics.clone(),
        workers: senders,
        settings: relay::RelaySettings {
            batch_size: config.relay_batch_size.max(1),
            max_subscriptions: config.relay_max_subs.max(1),
            since_margin: Duration::from_secs(config.relay_since_margin_secs),
            ping_interval: Duration::from_secs(config.relay_ping_secs.max(1)),
            connect_timeout: Duration::from_secs(10),
            min_backoff: Duration::from_millis(config.relay_min_backoff_ms.max(10)),
            max_backoff: Duration::from_secs(config.relay_max_backoff_secs.max(1)),
            debounce: Duration::from_millis(100),
        },
        connected: AtomicUsize::new(0),
    });
    let single_public = config
        .public_relay_url
        .clone()
        .filter(|_| config.relay_url.len() == 1);
    let configured: Vec<(String, Arc<str>)> = config
        .relay_url
        .iter()
        .map(|u| {
            let public = single_public.clone().unwrap_or_else(|| u.clone());
            (u.clone(), Arc::from(public))
        })
        .collect();
    let (stop_tx, stop_rx) = watch::channel(false);
    let relays = tokio::spawn(relay::run_relays(
        relay_shared.clone(),
        configured,
        config.watch_paired_relays,
        stop_rx,
    ));

    let state = Arc::new(api::AppState {
        settings: api::ApiSettings {
            proxy_base: config.proxy_base().to_owned(),
            public_relay: config
                .public_relay_url
                .clone()
                .unwrap_or_else(|| config.relay_url.join(",")),
            max_body_bytes: config.max_body_bytes,
            default_env: store::ApnsEnv::parse(&config.default_env)
                .unwrap_or(store::ApnsEnv::Production),
            max_relays_per_pair: config.max_relays_per_pair,
            allow_private_relays: config.allow_private_relays,
            trust_forwarded_for: config.trust_forwarded_for,
        },
        registry,
        metrics,
        cache,
        ip_limit: Mutex::new(ratelimit::RateLimiter::new(
            config.rate_per_ip,
            config.rate_burst,
            100_000,
        )),
        pubkey_limit: Mutex::new(ratelimit::RateLimiter::new(
            config.rate_per_pubkey,
            config.rate_burst,
            100_000,
        )),
        relays: relay_shared.clone(),
        apns,
        started: Instant::now(),
    });
    tracing::info!(addr = ?listener.local_addr().ok(), "HTTP API listening");
    serve(state, listener, shutdown).await;

    // Drain: stop relays (closing the worker queues), let workers finish, wait for pushes.
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(DRAIN, relays).await;
    drop(relay_shared);
    let _ = tokio::time::timeout(DRAIN, async {
        while workers.join_next().await.is_some() {}
    })
    .await;
    let permits = u32::try_from(config.apns_max_inflight.max(1)).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(DRAIN, inflight.acquire_many(permits)).await;
    tracing::info!("stopped");
    Ok(())
}

async fn serve(
    state: Arc<api::AppState>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) {
    let limit = Arc::new(Semaphore::new(MAX_HTTP_CONNECTIONS));
    let (conn_stop_tx, _) = watch::channel(false);
    let mut conns = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            a = listener.accept() => a,
        };
        while conns.try_join_next().is_some() {}
        let (tcp, peer) = match accepted {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = limit.clone().try_acquire_owned() else {
            drop(tcp);
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let state = state.clone();
        let mut conn_stop = conn_stop_tx.subscribe();
        conns.spawn(async move {
            let svc = service_fn(move |req| api::handle(state.clone(), peer, req));
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(tcp), svc);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = conn_stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(DRAIN, conn).await;
                }
                () = tokio::time::sleep(MAX_HTTP_CONNECTION_AGE) => {
                    // Bounded lifetime: idle keep-alive connections cannot pin a slot forever.
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(DRAIN, conn).await;
                }
            }
            drop(permit);
        });
    }
    let _ = conn_stop_tx.send(true);
    let _ = tokio::time::timeout(DRAIN, async { while conns.join_next().await.is_some() {} }).await;
}
