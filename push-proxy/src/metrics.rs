//! Counters for `/health` and `/metrics` (Prometheus text format 0.0.4).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

macro_rules! counters {
    ($($name:ident: $help:literal),* $(,)?) => {
        /// Process-wide counters; all monotonic except where noted.
        #[derive(Debug, Default)]
        pub struct Metrics {
            $(#[doc = $help] pub $name: AtomicU64,)*
            /// Pushes in flight right now (gauge).
            pub pushes_in_flight: AtomicU64,
            /// Unix seconds of the last event routed to a registered pubkey (gauge; 0 = never).
            pub last_event_unix: AtomicU64,
        }

        impl Metrics {
            /// Prometheus exposition text.
            pub fn render(&self, tokens: usize, pubkeys: usize, relays: usize) -> String {
                let mut out = String::with_capacity(4096);
                $(
                    let _ = writeln!(out, "# HELP clave_proxy_{} {}", stringify!($name), $help);
                    let _ = writeln!(out, "# TYPE clave_proxy_{} counter", stringify!($name));
                    let _ = writeln!(out, "clave_proxy_{} {}", stringify!($name), self.$name.load(Ordering::Relaxed));
                )*
                for (name, help, value) in [
                    ("registered_tokens", "Registered device tokens", tokens),
                    ("registered_pubkeys", "Signer pubkeys with at least one token", pubkeys),
                    ("relay_connections", "Relays currently connected", relays),
                ] {
                    let _ = writeln!(out, "# HELP clave_proxy_{name} {help}");
                    let _ = writeln!(out, "# TYPE clave_proxy_{name} gauge");
                    let _ = writeln!(out, "clave_proxy_{name} {value}");
                }
                let _ = writeln!(out, "# HELP clave_proxy_pushes_in_flight Pushes waiting for an APNs answer or a retry");
                let _ = writeln!(out, "# TYPE clave_proxy_pushes_in_flight gauge");
                let _ = writeln!(out, "clave_proxy_pushes_in_flight {}", self.pushes_in_flight.load(Ordering::Relaxed));
                let _ = writeln!(out, "# HELP clave_proxy_last_event_unix Unix time of the last routed event");
                let _ = writeln!(out, "# TYPE clave_proxy_last_event_unix gauge");
                let _ = writeln!(out, "clave_proxy_last_event_unix {}", self.last_event_unix.load(Ordering::Relaxed));
                out
            }

            /// Counters as `(name, value)` pairs for the `/health` JSON.
            pub fn snapshot(&self) -> Vec<(&'static str, u64)> {
                vec![$((stringify!($name), self.$name.load(Ordering::Relaxed)),)*]
            }
        }
    };
}

counters! {
    relay_frames: "Frames received from relays",
    relay_connects: "Successful relay connections",
    relay_disconnects: "Relay connections lost",
    events_received: "EVENT messages for kind 24133 received from relays",
    events_duplicate: "Events dropped as duplicates (same id seen before)",
    events_invalid: "Events dropped for a bad id, signature or shape",
    events_unrouted: "Valid events for pubkeys with no registered token",
    events_routed: "Events routed to at least one device",
    apns_sent_ok: "APNs requests answered 200",
    apns_failed: "APNs pushes that failed after retries",
    apns_retried: "APNs requests retried (429, 5xx, timeout, connection loss)",
    apns_timeouts: "APNs attempts that got no answer within APNS_TIMEOUT_MS",
    apns_pruned_unregistered: "Tokens removed after 410 Unregistered",
    apns_pruned_bad_token: "Tokens removed after 400 BadDeviceToken or DeviceTokenNotForTopic",
    apns_jwt_refreshes: "Provider tokens (JWT) signed",
    apns_connects: "APNs HTTP/2 connections opened",
    apns_connection_lost: "APNs HTTP/2 connections closed (GOAWAY, reset, error)",
    http_requests: "HTTP API requests",
    http_unauthorized: "HTTP API requests rejected with 401",
    http_rate_limited: "HTTP API requests rejected with 429",
}

impl Metrics {
    /// Add one to a counter.
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
