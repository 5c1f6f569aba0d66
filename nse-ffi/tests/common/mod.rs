//! A NIP-46 client played with signer-core's own NIP-01 / NIP-44 code, for the tests and the
//! `nse-sim` memory probe.
#![allow(dead_code)]

use signer_core::event::{Event, EventTemplate};
use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip44::{self, ConversationKey};

/// The test clock.
pub const NOW: u64 = 1_700_000_000;

/// A client with a fixed key talking to `signer` (hex).
pub struct Client {
    pub sk: SecretKey,
    pub signer: PublicKey,
}

impl Client {
    pub fn new(seed: u8, signer_hex: &str) -> Self {
        Self {
            sk: SecretKey::from_bytes(&[seed; 32]).unwrap_or_else(|_| panic!("valid seed")),
            signer: PublicKey::from_hex(signer_hex).unwrap_or_else(|_| panic!("valid signer")),
        }
    }

    /// The client's public key, hex.
    pub fn pubkey_hex(&self) -> String {
        String::from_utf8(self.sk.public_key().to_hex().to_vec()).unwrap_or_default()
    }

    /// A signed kind-24133 request event carrying `{"id","method","params"}`.
    pub fn request(&self, id: &str, method: &str, params: &str, created_at: u64) -> Vec<u8> {
        let rpc = format!(r#"{{"id":"{id}","method":"{method}","params":{params}}}"#);
        let key = ConversationKey::derive(&self.sk, &self.signer);
        let len = nip44::encrypted_len(rpc.len()).unwrap_or_else(|_| panic!("length"));
        let mut content = vec![0u8; len];
        let n = nip44::encrypt_to_base64(&key, &[9; 32], rpc.as_bytes(), &mut content)
            .unwrap_or_else(|_| panic!("encrypt"));
        let content = String::from_utf8(content[..n].to_vec()).unwrap_or_default();
        let hex = String::from_utf8(self.signer.to_hex().to_vec()).unwrap_or_default();
        let tags: [&[&str]; 1] = [&["p", &hex]];
        let template = EventTemplate {
            kind: 24133,
            created_at,
            tags: &tags,
            content: &content,
        };
        let mut event = vec![0u8; content.len() + 1024];
        let n = template
            .sign(&self.sk, &[1; 32], &mut event)
            .unwrap_or_else(|_| panic!("sign"));
        event.truncate(n);
        event
    }

    /// The decrypted JSON-RPC response of a reply event (after checking its id and signature).
    pub fn read(&self, reply_json: &str) -> String {
        let ev = Event::parse(reply_json.as_bytes()).unwrap_or_else(|_| panic!("reply parses"));
        ev.verify().unwrap_or_else(|_| panic!("reply verifies"));
        let from = PublicKey::from_bytes(&ev.pubkey).unwrap_or_else(|_| panic!("pubkey"));
        let key = ConversationKey::derive(&self.sk, &from);
        let mut plain = vec![0u8; ev.content.raw().len()];
        let n = nip44::decrypt_from_base64(&key, ev.content.raw().as_bytes(), &mut plain)
            .unwrap_or_else(|_| panic!("decrypt"));
        String::from_utf8_lossy(&plain[..n]).into_owned()
    }
}

/// A `sign_event` params array whose content makes the request about `size` bytes.
pub fn sign_event_params(kind: u16, size: usize) -> String {
    let content = "x".repeat(size.saturating_sub(200));
    format!(r#"["{{\"kind\":{kind},\"created_at\":{NOW},\"tags\":[],\"content\":\"{content}\"}}"]"#)
}

/// The bunker secret inside a `bunker://` URI.
pub fn bunker_secret(uri: &str) -> String {
    uri.split("secret=").nth(1).unwrap_or("").to_owned()
}
