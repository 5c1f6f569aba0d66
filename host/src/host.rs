//! The host loop: a [`Device`] driven by a [`RelayPool`].
//!
//! - Inbound events from the pool go through [`Host::handle_event`] (the same path a push
//!   handler uses), in arrival order; replies are published to every relay the signer names
//!   (the client's, then the account's) plus every relay the pool is connected to.
//! - A timer calls [`Device::expire_due`] when [`Device::next_expiry`] has passed.
//! - [`Host::approve`] / [`Host::deny`] answer held requests; [`Host::pair_nostrconnect`]
//!   pairs a `nostrconnect://` client and publishes the response several times (INTEROP 12).
//! - [`Host::subscribe`] streams [`HostEvent`]s (what a UI would show).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use signer_core::keys::PublicKey;
use signer_core::nip46::Activity;
use signer_core::nip46::perms::TrustLevel;
use signer_core::nip46::signer::IgnoreReason;
use tokio::sync::{broadcast, mpsc, watch};

use crate::device::{Action, Device, OutboundReply, PendingInfo};
use crate::relay::{Inbound, PublishOutcome, RelayPool, RelaySettings, normalize_url};
use crate::{HostError, short_hex};

/// Host configuration.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Relays to connect to besides the accounts' and the paired clients'.
    pub relays: Vec<String>,
    /// Relay client timing.
    pub relay: RelaySettings,
    /// How often the expiry timer looks at [`Device::next_expiry`].
    pub expiry_tick: Duration,
    /// Delays (from the first publish) at which a `nostrconnect://` response is published
    /// again (INTEROP 12: the client may still be subscribing).
    pub nostrconnect_repeats: Vec<Duration>,
}

impl HostConfig {
    /// Defaults with these relays.
    pub fn new(relays: Vec<String>) -> Self {
        Self {
            relays,
            relay: RelaySettings::default(),
            expiry_tick: Duration::from_millis(500),
            nostrconnect_repeats: vec![
                Duration::from_secs(1),
                Duration::from_secs(3),
                Duration::from_secs(8),
            ],
        }
    }
}

/// What happened, for a UI or a test.
#[derive(Debug, Clone)]
pub enum HostEvent {
    /// A reply went out.
    Replied {
        /// What was done.
        activity: Activity,
        /// Per relay, how the publish ended.
        delivered: Vec<(String, PublishOutcome)>,
    },
    /// A request awaits the user.
    Held(PendingInfo),
    /// An inbound event got no reply.
    Ignored(IgnoreReason),
}

/// The result of handling something: the action and, for a reply, where it went.
#[derive(Debug, Clone)]
pub struct Handled {
    /// What the device decided.
    pub action: Action,
    /// Per relay, how the publish of the reply ended (empty unless `action` is a publish).
    pub delivered: Vec<(String, PublishOutcome)>,
}

struct Inner {
    device: Mutex<Device>,
    pool: RelayPool,
    events: broadcast::Sender<HostEvent>,
    stop: watch::Sender<bool>,
    config: HostConfig,
}

/// A running host. Cheap to clone.
#[derive(Clone)]
pub struct Host {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("pool", &self.inner.pool)
            .finish_non_exhaustive()
    }
}

impl Host {
    /// Connect to the configured relays and the device's, subscribe, and start handling.
    pub async fn start(device: Device, config: HostConfig) -> Result<Self, HostError> {
        let (pool, inbound) = RelayPool::new(config.relay.clone(), device.transport_pubkeys());
        for r in config.relays.iter().chain(device.relays().iter()) {
            pool.add_relay(r);
        }
        let host = Host {
            inner: Arc::new(Inner {
                device: Mutex::new(device),
                pool,
                events: broadcast::channel(256).0,
                stop: watch::channel(false).0,
                config,
            }),
        };
        tokio::spawn(host.clone().inbound_loop(inbound));
        tokio::spawn(host.clone().expiry_loop());
        Ok(host)
    }

    /// Wait (at most `timeout`) until every relay is connected and subscribed.
    pub async fn wait_connected(&self, timeout: Duration) -> bool {
        self.inner.pool.wait_connected(timeout).await
    }

    /// The relay pool.
    pub fn pool(&self) -> &RelayPool {
        &self.inner.pool
    }

    /// A stream of what happens.
    pub fn subscribe(&self) -> broadcast::Receiver<HostEvent> {
        self.inner.events.subscribe()
    }

    /// Run `f` with the device locked (never held across an await).
    pub fn with_device<T>(&self, f: impl FnOnce(&mut Device) -> T) -> T {
        let r = f(&mut self.device());
        self.sync_pool();
        r
    }

    /// The `bunker://` URI of `user`'s account (the first when `None`).
    pub async fn bunker_uri(&self, user: Option<&PublicKey>) -> Result<String, HostError> {
        self.device().bunker_uri(user)
    }

    /// Held requests.
    pub fn pending(&self) -> Vec<PendingInfo> {
        self.device().pending()
    }

    /// Handle one request event (from a relay, a push, a proxy fetch) and publish the reply.
    pub async fn handle_event(&self, event_json: &[u8]) -> Result<Handled, HostError> {
        let action = self.process(event_json)?;
        Ok(self.deliver(action).await)
    }

    /// Approve held request `id`; publishes the reply.
    pub async fn approve(&self, id: &[u8; 32]) -> Result<Handled, HostError> {
        let action = self.device().approve(id)?;
        Ok(self.deliver(action).await)
    }

    /// Deny held request `id` ("user rejected"); publishes the reply.
    pub async fn deny(&self, id: &[u8; 32]) -> Result<Handled, HostError> {
        let action = self.device().deny(id)?;
        Ok(self.deliver(action).await)
    }

    /// Pair a `nostrconnect://` client for `account` (the first when `None`) at `trust`:
    /// publish the connect response to the URI's relays now and again at the configured
    /// delays.
    pub async fn pair_nostrconnect(
        &self,
        uri: &str,
        account: Option<&PublicKey>,
        trust: TrustLevel,
    ) -> Result<Handled, HostError> {
        let reply = self.device().pair_nostrconnect(uri, account, trust)?;
        self.sync_pool();
        let repeat = reply.clone();
        let handled = self.deliver(Action::Publish(reply)).await;
        let host = self.clone();
        let delays = self.inner.config.nostrconnect_repeats.clone();
        tokio::spawn(async move {
            let start = tokio::time::Instant::now();
            let mut stop = host.inner.stop.subscribe();
            for d in delays {
                tokio::select! {
                    _ = stop.changed() => return,
                    () = tokio::time::sleep_until(start + d) => {}
                }
                let targets = host.targets(&repeat);
                host.inner
                    .pool
                    .publish_all(&targets, &repeat.event_json)
                    .await;
            }
        });
        Ok(handled)
    }

    /// Stop the loops and close the relay connections.
    pub fn shutdown(&self) {
        self.inner.stop.send_replace(true);
        self.inner.pool.shutdown();
    }

    fn device(&self) -> MutexGuard<'_, Device> {
        self.inner
            .device
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Keep the pool's relays and `#p` keys in step with the state.
    fn sync_pool(&self) {
        let (keys, relays) = {
            let d = self.device();
            (d.transport_pubkeys(), d.relays())
        };
        self.inner.pool.set_pubkeys(keys);
        for r in relays {
            self.inner.pool.add_relay(&r);
        }
    }

    fn process(&self, event_json: &[u8]) -> Result<Action, HostError> {
        let action = self.device().handle_event(event_json)?;
        match &action {
            Action::Held(p) => {
                let _ = self.inner.events.send(HostEvent::Held(p.clone()));
            }
            Action::Ignored(r) => {
                let _ = self.inner.events.send(HostEvent::Ignored(*r));
            }
            Action::Publish(_) => self.sync_pool(),
        }
        Ok(action)
    }

    fn targets(&self, reply: &OutboundReply) -> Vec<String> {
        let mut targets: Vec<String> = Vec::new();
        for u in reply.relays.iter().cloned().chain(self.inner.pool.urls()) {
            let u = normalize_url(&u);
            if !targets.contains(&u) {
                targets.push(u);
            }
        }
        targets
    }

    async fn deliver(&self, action: Action) -> Handled {
        let Action::Publish(reply) = &action else {
            return Handled {
                action,
                delivered: Vec::new(),
            };
        };
        let targets = self.targets(reply);
        let delivered = self
            .inner
            .pool
            .publish_all(&targets, &reply.event_json)
            .await;
        for (relay, outcome) in &delivered {
            if !outcome.is_delivered() {
                tracing::warn!(relay = %relay, ?outcome, client = %short_hex(&reply.activity.client), "reply not delivered");
            }
        }
        let _ = self.inner.events.send(HostEvent::Replied {
            activity: reply.activity,
            delivered: delivered.clone(),
        });
        Handled { action, delivered }
    }

    async fn inbound_loop(self, mut inbound: mpsc::Receiver<Inbound>) {
        let mut stop = self.inner.stop.subscribe();
        loop {
            let ev = tokio::select! {
                _ = stop.changed() => return,
                ev = inbound.recv() => ev,
            };
            let Some(ev) = ev else { return };
            match self.process(ev.event_json.as_bytes()) {
                Ok(action @ Action::Publish(_)) => {
                    let host = self.clone();
                    tokio::spawn(async move { host.deliver(action).await });
                }
                Ok(_) => {}
                Err(e) => tracing::error!(relay = %ev.relay, error = %e, "handling failed"),
            }
        }
    }

    async fn expiry_loop(self) {
        let mut stop = self.inner.stop.subscribe();
        let mut tick = tokio::time::interval(self.inner.config.expiry_tick);
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                _ = tick.tick() => {}
            }
            let due = {
                let d = self.device();
                d.next_expiry().is_some_and(|t| t <= d.now())
            };
            if !due {
                continue;
            }
            let replies = self.device().expire_due();
            match replies {
                Ok(replies) => {
                    for r in replies {
                        self.deliver(Action::Publish(r)).await;
                    }
                }
                Err(e) => tracing::error!(error = %e, "expiry failed"),
            }
        }
    }
}
