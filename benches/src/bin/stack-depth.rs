//! Measures the peak stack depth of signer-core operations by stack painting.
//!
//! Each operation runs on a fresh thread: the thread first fills ("paints") a large region
//! below its current frame with a marker byte, runs the operation, then scans upward from the
//! bottom of the painted region for the first byte that is no longer the marker. The distance
//! from there to the frame that called the operation is the operation's peak stack use. Buffers
//! the caller owns (inputs and outputs) live on the heap so that only the core's own frames count.
//!
//! Run: `cargo run --release -p clave-benches --bin stack-depth`.
#![allow(unsafe_code)] // reading painted stack memory below the live frame needs raw pointers

use std::hint::black_box;
use std::ptr;

use signer_core::keys::SecretKey;
use signer_core::{event, nip04, nip44};

/// How much stack to paint; the thread gets twice this.
const PAINT: usize = 1 << 20;
const MARK: u8 = 0xA5;

#[inline(never)]
fn paint() -> usize {
    let mut region = [0u8; PAINT];
    for b in region.iter_mut() {
        // SAFETY: `b` is a valid, aligned, exclusive reference into `region`.
        unsafe { ptr::write_volatile(b, MARK) };
    }
    black_box(&region);
    region.as_ptr() as usize
}

/// Peak stack bytes used by `op`, measured from this function's frame.
#[inline(never)]
fn peak_stack(op: &mut dyn FnMut()) -> usize {
    let top = black_box(0u8);
    let top_addr = &top as *const u8 as usize;
    let low = paint();
    op();
    let mut addr = low;
    while addr < top_addr {
        // SAFETY: [low, top_addr) is this thread's stack, mapped and painted by `paint`; it may
        // hold dead frames, which we only read as bytes.
        if unsafe { ptr::read_volatile(addr as *const u8) } != MARK {
            break;
        }
        addr += 1;
    }
    top_addr - addr
}

fn measure(name: &str, mut op: impl FnMut() + Send) {
    let depth = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(PAINT * 2)
            .spawn_scoped(s, || peak_stack(&mut op))
            .expect("spawn measuring thread")
            .join()
            .expect("measuring thread panicked")
    });
    println!("| {name} | {depth} | {:.1} |", depth as f64 / 1024.0);
}

fn main() {
    let sk = SecretKey::from_bytes(&[0x11; 32]).expect("valid key");
    let peer_sk = SecretKey::from_bytes(&[0x22; 32]).expect("valid key");
    let peer = peer_sk.public_key();

    println!("| operation | peak stack (bytes) | KiB |");
    println!("|---|---:|---:|");
    measure("BIP-340 sign", || {
        black_box(sk.sign_schnorr(black_box(&[1u8; 32]), &[2u8; 32]).ok());
    });
    let sig = sk.sign_schnorr(&[1u8; 32], &[2u8; 32]).expect("sign");
    let pk = sk.public_key();
    measure("BIP-340 verify", || {
        black_box(pk.verify_schnorr(black_box(&[1u8; 32]), &sig).ok());
    });
    measure("NIP-44 conversation key (ECDH + HKDF)", || {
        black_box(nip44::ConversationKey::derive(&sk, black_box(&peer)));
    });

    let ck = nip44::ConversationKey::derive(&sk, &peer);
    for len in [300usize, 16 * 1024, 65_535] {
        let plaintext = vec![b'x'; len];
        let mut payload = vec![0u8; nip44::encrypted_len(len).expect("len")];
        let n = nip44::encrypt_to_base64(&ck, &[3u8; 32], &plaintext, &mut payload).expect("enc");
        payload.truncate(n);
        let mut out = vec![0u8; nip44::decrypt_buffer_len(n)];
        measure(&format!("NIP-44 decrypt {len} B"), || {
            black_box(nip44::decrypt_from_base64(&ck, black_box(&payload), &mut out).ok());
        });
        let mut enc_out = vec![0u8; nip44::encrypted_len(len).expect("len")];
        measure(&format!("NIP-44 encrypt {len} B"), || {
            black_box(nip44::encrypt_to_base64(&ck, &[4u8; 32], &plaintext, &mut enc_out).ok());
        });
    }

    let plaintext = vec![b'y'; 300];
    let mut payload = vec![0u8; nip04::encrypted_len(300).expect("len")];
    let n = nip04::encrypt(&sk, &peer, &[5u8; 16], &plaintext, &mut payload).expect("enc");
    payload.truncate(n);
    let mut out = vec![0u8; nip04::decrypt_buffer_len(n)];
    measure("NIP-04 decrypt 300 B (incl. ECDH)", || {
        black_box(nip04::decrypt(&peer_sk, &pk, black_box(&payload), &mut out).ok());
    });

    let content = "z".repeat(900);
    let tags: [&[&str]; 2] = [&["p", "abcd"], &["t", "nostr"]];
    let template = event::EventTemplate {
        kind: 1,
        created_at: 1_700_000_000,
        tags: &tags,
        content: &content,
    };
    let mut out = vec![0u8; 4096];
    measure("NIP-01 sign 1 KB event (id + sig + JSON)", || {
        black_box(template.sign(&sk, &[6u8; 32], &mut out).ok());
    });
    let n = template.sign(&sk, &[6u8; 32], &mut out).expect("sign");
    let signed = out[..n].to_vec();
    measure("NIP-01 parse + verify 1 KB event", || {
        let ev = event::Event::parse(black_box(&signed)).expect("parse");
        black_box(ev.verify().ok());
    });
}
