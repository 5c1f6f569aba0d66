//! Shared test scaffolding: a real relay on 127.0.0.1, a host with a fresh key and state dir.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use clave_host::{Device, Host, HostConfig, HostEvent, MemoryKeystore, OsEntropy, PendingInfo};
pub use clave_testkit::LocalRelay;
pub use clave_testkit::TempDir;
use signer_core::keys::PublicKey as CorePublicKey;
use signer_core::nip46::perms::TrustLevel;

/// Every wait in a test is bounded by this.
pub const STEP: Duration = Duration::from_secs(15);

/// A real relay (nostr-relay-builder's `LocalRelay`) on 127.0.0.1:<free port>.
pub async fn start_relay() -> (LocalRelay, String) {
    clave_testkit::start_relay(None).await
}

pub struct TestHost {
    pub host: Host,
    pub user: CorePublicKey,
    pub user_hex: String,
    pub dir: TempDir,
}

/// A host with one fresh account on `relay`, new clients trusted at `trust`, connected.
pub async fn start_host(relay: &str, trust: TrustLevel, tag: &str) -> TestHost {
    init_tracing();
    let dir = TempDir::new(tag);
    let keys = MemoryKeystore::generate(&mut OsEntropy, 1).unwrap();
    let user = keys.public_keys()[0];
    let mut device = Device::open(&dir.0, keys).unwrap();
    device.add_account(&user, &[relay], trust).unwrap();
    let mut cfg = HostConfig::new(vec![relay.to_owned()]);
    cfg.nostrconnect_repeats = vec![Duration::from_millis(500), Duration::from_secs(2)];
    let host = Host::start(device, cfg).await.unwrap();
    assert!(
        host.wait_connected(STEP).await,
        "host did not connect to {relay}"
    );
    let user_hex = String::from_utf8(user.to_hex().to_vec()).unwrap();
    TestHost {
        host,
        user,
        user_hex,
        dir,
    }
}

/// Wait for the next held request.
pub async fn next_held(events: &mut tokio::sync::broadcast::Receiver<HostEvent>) -> PendingInfo {
    tokio::time::timeout(STEP, async {
        loop {
            match events.recv().await {
                Ok(HostEvent::Held(p)) => return p,
                Ok(_) => {}
                Err(e) => panic!("host events closed: {e}"),
            }
        }
    })
    .await
    .expect("no request was held")
}

pub fn init_tracing() {
    clave_testkit::init_tracing("clave_host=info");
}
