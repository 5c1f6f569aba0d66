//! Shared harness for the signer fuzz targets: one account, a client that can build valid
//! (signed, NIP-44 encrypted) requests, and the caller-owned buffers.

use signer_core::event::EventTemplate;
use signer_core::keys::{ContextMemory, KeptContext, PublicKey, SecretKey};
use signer_core::nip44::{self, ConversationKey};
use signer_core::nip46::perms::TrustLevel;
use signer_core::nip46::{self, Buffers, Entropy, KeySource, OUT_LEN, Outcome, SCRATCH_LEN, State};

thread_local! {
    /// A curve context kept for the whole fuzzing run (leaked memory: one per thread).
    pub static KEPT: KeptContext<'static> =
        KeptContext::new(Box::leak(Box::new(ContextMemory::new())), &[0x42; 32]);
}

/// Virtual "now" for every target.
pub const NOW: u64 = 1_700_000_000;
const USER_SK: [u8; 32] = [0x11; 32];
const CLIENT_SK: [u8; 32] = [0x22; 32];

/// The user's key store.
pub struct Keys;

impl KeySource for Keys {
    fn secret_key(&self, pubkey: &PublicKey) -> Option<SecretKey> {
        let sk = SecretKey::from_bytes(&USER_SK).ok()?;
        (sk.public_key() == *pubkey).then_some(sk)
    }
}

/// Signer state, buffers and a client.
pub struct Harness {
    pub state: Box<State>,
    pub scratch: Vec<u8>,
    pub out: Vec<u8>,
    pub user: PublicKey,
    client: SecretKey,
    to_signer: ConversationKey,
}

/// Entropy derived from a counter (fuzzing wants determinism).
pub fn entropy(n: u8) -> Entropy {
    Entropy {
        aux: [n; 32],
        nonce: [n; 32],
        iv: [n; 16],
        secret: [n; 16],
    }
}

impl Harness {
    /// One account; the client is paired (through the bunker secret) when `paired`. Pairing
    /// costs an ECDH and two signatures, so it is done once and the state cloned from then on.
    pub fn new(paired: bool) -> Self {
        use std::sync::OnceLock;
        static PAIRED: OnceLock<Box<State>> = OnceLock::new();
        static FRESH: OnceLock<Box<State>> = OnceLock::new();
        let cached = if paired { &PAIRED } else { &FRESH };
        let mut h = Self::build(false);
        let state = cached.get_or_init(|| Self::build(paired).state);
        h.state.clone_from(state);
        h
    }

    fn build(paired: bool) -> Self {
        let user = SecretKey::from_bytes(&USER_SK).expect("key").public_key();
        let client = SecretKey::from_bytes(&CLIENT_SK).expect("key");
        let to_signer = ConversationKey::derive(&client, &user);
        let mut state = Box::new(State::new());
        state
            .add_account(
                &user,
                None,
                &["wss://relay.example.com"],
                TrustLevel::Medium,
                &[7; 16],
            )
            .expect("account");
        let mut h = Self {
            state,
            scratch: vec![0; SCRATCH_LEN],
            out: vec![0; OUT_LEN],
            user,
            client,
            to_signer,
        };
        if paired {
            let secret = h.state.account(&user).expect("account").secret().to_owned();
            let ev = h.request(NOW, "pair", "connect", &format!(r#"["","{secret}"]"#));
            let outcome = h.handle(NOW, &ev, 1);
            assert!(outcome, "pairing must produce a reply");
        }
        h
    }

    /// A valid request event whose plaintext is `{"id","method","params"}`.
    pub fn request(&self, created_at: u64, id: &str, method: &str, params: &str) -> Vec<u8> {
        let rpc = format!(
            r#"{{"id":{},"method":{},"params":{params}}}"#,
            json_str(id),
            json_str(method)
        );
        self.envelope(created_at, rpc.as_bytes(), id.len() as u8)
    }

    /// A valid, signed, NIP-44-encrypted kind:24133 event carrying `plaintext` (any bytes).
    pub fn envelope(&self, created_at: u64, plaintext: &[u8], nonce: u8) -> Vec<u8> {
        let plaintext = if plaintext.is_empty() {
            b" ".as_slice()
        } else {
            plaintext
        };
        let Ok(len) = nip44::encrypted_len(plaintext.len()) else {
            return Vec::new();
        };
        let mut content = vec![0u8; len];
        let n = nip44::encrypt_to_base64(&self.to_signer, &[nonce; 32], plaintext, &mut content)
            .expect("encrypt");
        let content = String::from_utf8(content[..n].to_vec()).expect("base64 is ASCII");
        let hex = String::from_utf8(self.user.to_hex().to_vec()).expect("hex");
        let tags: [&[&str]; 1] = [&["p", &hex]];
        let template = EventTemplate {
            kind: 24133,
            created_at,
            tags: &tags,
            content: &content,
        };
        let mut ev = vec![0u8; content.len() + 1024];
        let n = template
            .sign(&self.client, &[nonce; 32], &mut ev)
            .expect("sign");
        ev.truncate(n);
        ev
    }

    /// Feed an event; whether it produced a reply or a held request. Even `n` goes through
    /// `handle_request_in` with a context kept across calls, odd `n` through `handle_request`.
    pub fn handle(&mut self, now: u64, event: &[u8], n: u8) -> bool {
        let bufs = Buffers {
            scratch: &mut self.scratch,
            out: &mut self.out,
        };
        let e = entropy(n);
        let outcome = if n % 2 == 0 {
            KEPT.with(|kept| {
                nip46::handle_request_in(&kept.get(), now, event, &Keys, &e, &mut self.state, bufs)
            })
        } else {
            nip46::handle_request(now, event, &Keys, &e, &mut self.state, bufs)
        };
        let answered = match outcome {
            Ok(Outcome::Respond(_) | Outcome::Ask(_)) => true,
            Ok(Outcome::Ignore(_)) => false,
            Err(e) => panic!("handle_request returned Err for a caller doing nothing wrong: {e}"),
        };
        assert_wiped(&self.scratch);
        answered
    }

    /// The snapshot bytes (to compare states).
    pub fn snapshot(&self) -> Vec<u8> {
        let mut buf = vec![0u8; State::MAX_ENCODED_LEN];
        let n = self.state.encode(&mut buf).expect("encode");
        buf.truncate(n);
        buf
    }
}

/// Everything the core wrote into `scratch` was zeroed before it returned (the harness hands
/// it over zeroed).
pub fn assert_wiped(scratch: &[u8]) {
    if let Some(i) = scratch.iter().position(|&b| b != 0) {
        panic!("scratch not wiped: byte {i} is nonzero");
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
