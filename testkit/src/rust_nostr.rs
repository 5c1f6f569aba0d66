//! rust-nostr's NIP-46 client (`nostr-connect`) against a Clave signer, and raw rust-nostr
//! NIP-46 requests through rust-nostr's relay pool.

use std::time::Duration;

use nostr_connect::prelude::*;
use nostr_relay_pool::prelude::{
    RelayOptions as PoolRelayOptions, RelayPool, RelayPoolNotification, SubscribeOptions,
};
use tokio::task::JoinHandle;
use tokio::time::timeout;

use crate::TRICKY;

/// A rust-nostr NIP-46 client for `uri` (a `bunker://` URI) with the client key `keys`, whose
/// requests time out after `request_timeout`.
pub fn client_for(uri: &str, keys: &Keys, request_timeout: Duration) -> NostrConnect {
    let uri = NostrConnectURI::parse(uri).unwrap();
    NostrConnect::new(uri, keys.clone(), request_timeout, None).unwrap()
}

/// The client's first call pairs it (connect with the URI's secret); `get_public_key` then
/// answers `user`.
pub async fn pair(client: &NostrConnect, user: PublicKey, step: Duration) {
    let pk = timeout(step, client.get_public_key())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pk, user);
}

/// The paired `client` signs for `user` with unicode, newlines, quotes and escapes in content
/// and tags kept verbatim, and does NIP-44 and NIP-04 both ways (checked with rust-nostr's own
/// implementations). Every call is bounded by `step`.
pub async fn assert_signs_and_encrypts(client: &NostrConnect, user: PublicKey, step: Duration) {
    // sign_event: unicode, newlines, quotes and escapes in content and tags, kept verbatim.
    let tags = vec![
        Tag::parse(["t", "ünïcode \"tag\"\nwith newline"]).unwrap(),
        Tag::parse(["client", "clave test ✓", "\\"]).unwrap(),
    ];
    let unsigned = EventBuilder::text_note(TRICKY)
        .tags(tags.clone())
        .build(user);
    let created_at = unsigned.created_at;
    let signed = sign_now(client, unsigned, step).await;
    assert_eq!(signed.pubkey, user);
    assert_eq!(signed.kind, Kind::TextNote);
    assert_eq!(signed.content, TRICKY);
    assert_eq!(signed.tags.to_vec(), tags);
    assert_eq!(signed.created_at, created_at);

    // NIP-44 both ways, checked with rust-nostr's own implementation.
    let peer = Keys::generate();
    let ct = timeout(step, client.nip44_encrypt(&peer.public_key(), TRICKY))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        nip44::decrypt(peer.secret_key(), &user, &ct).unwrap(),
        TRICKY
    );
    let ct = nip44::encrypt(
        peer.secret_key(),
        &user,
        "to the user ✓",
        nip44::Version::V2,
    )
    .unwrap();
    let pt = timeout(step, client.nip44_decrypt(&peer.public_key(), &ct))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pt, "to the user ✓");

    // NIP-04 both ways.
    let ct = timeout(step, client.nip04_encrypt(&peer.public_key(), TRICKY))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        nip04::decrypt(peer.secret_key(), &user, &ct).unwrap(),
        TRICKY
    );
    let ct = nip04::encrypt(peer.secret_key(), &user, "legacy ✓").unwrap();
    let pt = timeout(step, client.nip04_decrypt(&peer.public_key(), &ct))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pt, "legacy ✓");
}

/// `ping` (nostr-connect 0.44 has no public ping): rust-nostr's own NIP-46 `ping` message, sent
/// through rust-nostr's relay pool on `url` from the paired client key `keys`, answers `pong`.
pub async fn assert_ping(url: &str, keys: &Keys, signer: PublicKey, step: Duration) {
    let reply = raw_request(url, keys, signer, NostrConnectRequest::Ping, step).await;
    assert_eq!(
        reply,
        NostrConnectResponse::with_result(ResponseResult::Pong)
    );
}

/// `client.sign_event(unsigned)` answered within `step` (no approval needed) with a valid
/// signature.
pub async fn sign_now(client: &NostrConnect, unsigned: UnsignedEvent, step: Duration) -> Event {
    let signed = timeout(step, client.sign_event(unsigned))
        .await
        .unwrap()
        .unwrap();
    signed.verify().unwrap();
    signed
}

/// `client.sign_event(unsigned)` on its own task (for a request the signer holds).
pub fn spawn_sign(
    client: &NostrConnect,
    unsigned: UnsignedEvent,
) -> JoinHandle<Result<Event, SignerError>> {
    let client = client.clone();
    tokio::spawn(async move { client.sign_event(unsigned).await })
}

/// The held `sign` (from [`spawn_sign`]) ends within `step` with a valid signature.
pub async fn assert_signed(sign: JoinHandle<Result<Event, SignerError>>, step: Duration) -> Event {
    let signed = timeout(step, sign).await.unwrap().unwrap().unwrap();
    signed.verify().unwrap();
    signed
}

/// The held `sign` (from [`spawn_sign`]) ends within `step` with "user rejected".
pub async fn assert_rejected(sign: JoinHandle<Result<Event, SignerError>>, step: Duration) {
    let err = timeout(step, sign).await.unwrap().unwrap().unwrap_err();
    assert!(err.to_string().contains("user rejected"), "{err}");
}

/// NIP-46 messages to `keys` on one relay, read with rust-nostr's relay pool.
pub struct Replies {
    pool: RelayPool,
    notifications: tokio::sync::broadcast::Receiver<RelayPoolNotification>,
    step: Duration,
}

impl Replies {
    /// Connect to `url` and subscribe to NIP-46 events for `keys` (before anything is sent, so
    /// no reply is missed). Every wait is bounded by `step`.
    pub async fn listen(url: &str, keys: &Keys, step: Duration) -> Self {
        let pool = RelayPool::default();
        pool.add_relay(url, PoolRelayOptions::default())
            .await
            .unwrap();
        pool.connect().await;
        pool.wait_for_connection(step).await;
        let filter = Filter::new()
            .pubkey(keys.public_key())
            .kind(Kind::NostrConnect)
            .since(Timestamp::now() - Duration::from_secs(10));
        let notifications = pool.notifications();
        pool.subscribe(filter, SubscribeOptions::default())
            .await
            .unwrap();
        Self {
            pool,
            notifications,
            step,
        }
    }

    /// Publish `ev` on the relay.
    pub async fn send(&self, ev: &Event) {
        self.pool.send_event(ev).await.unwrap();
    }

    /// The next decrypted message from `signer` for which `pick` returns `Some`. A message from
    /// `signer` that decrypts but is no NIP-46 message fails the test.
    pub async fn next<T>(
        &mut self,
        keys: &Keys,
        signer: &PublicKey,
        mut pick: impl FnMut(NostrConnectMessage) -> Option<T>,
    ) -> T {
        timeout(self.step, async {
            loop {
                match self.notifications.recv().await {
                    Ok(RelayPoolNotification::Event { event, .. }) if event.pubkey == *signer => {
                        let Ok(plain) =
                            nip44::decrypt(keys.secret_key(), &event.pubkey, &event.content)
                        else {
                            continue;
                        };
                        let msg = NostrConnectMessage::from_json(plain).unwrap();
                        if let Some(t) = pick(msg) {
                            return t;
                        }
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(e) => panic!("relay pool notifications closed: {e}"),
                }
            }
        })
        .await
        .expect("no reply in time")
    }

    /// Disconnect.
    pub async fn shutdown(self) {
        self.pool.shutdown().await;
    }
}

/// Send one NIP-46 request built by rust-nostr from `keys` to `signer` through `url`, and read
/// the response with rust-nostr (within `step`).
pub async fn raw_request(
    url: &str,
    keys: &Keys,
    signer: PublicKey,
    req: NostrConnectRequest,
    step: Duration,
) -> NostrConnectResponse {
    let mut replies = Replies::listen(url, keys, step).await;
    let msg = NostrConnectMessage::request(&req);
    let req_id = msg.id().to_owned();
    let method = req.method();
    let ev = EventBuilder::nostr_connect(keys, signer, msg)
        .unwrap()
        .sign_with_keys(keys)
        .unwrap();
    replies.send(&ev).await;
    let resp = replies
        .next(keys, &signer, |m| {
            (m.id() == req_id).then(|| m.to_response(method).unwrap())
        })
        .await;
    replies.shutdown().await;
    resp
}
