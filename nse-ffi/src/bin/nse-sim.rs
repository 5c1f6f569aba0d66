//! The NSE's memory situation, measured: one push handled through the nse-ffi API in a fresh
//! process.
//!
//! `nse-sim prepare DIR` writes `DIR/state.bin` (one account, one paired client) and
//! `DIR/request.json` (that client's `sign_event` request with a 1 KB event to sign).
//! `nse-sim push DIR` then does what the NSE does on one wake — read the blob and the event,
//! `handle_request` (decode state, handle, encode state), write the new blob — and prints the
//! peak heap (a counting allocator) and the peak RSS (`VmHWM` from `/proc/self/status`).
// The counting allocator is the only unsafe code: it forwards to the system allocator.
#![allow(unsafe_code)]

#[path = "../../tests/common/mod.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to `System` with the same arguments; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = CURRENT.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const SK: [u8; 32] = [0x11; 32];

/// A `/proc/self/status` field in kB.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn prepare(dir: &Path) -> Result<(), String> {
    let e = |x: nse_ffi::FfiError| format!("{x:?}");
    let user = nse_ffi::public_key_hex(&SK).map_err(e)?;
    let relays = vec!["wss://relay.example.com".to_owned()];
    let state = nse_ffi::add_account(
        &nse_ffi::new_state(),
        &user,
        relays,
        nse_ffi::Trust::Full,
        &[7; 16],
    )
    .map_err(e)?
    .bytes;
    let secret = common::bunker_secret(&nse_ffi::bunker_uri(&state, &user).map_err(e)?);
    let client = common::Client::new(0x33, &user);
    let connect = client.request(
        "c",
        "connect",
        &format!(r#"["{user}","{secret}"]"#),
        common::NOW,
    );
    let paired =
        nse_ffi::handle_request(&connect, &state, &SK, common::NOW, &[1; 96]).map_err(e)?;
    let request = client.request(
        "s",
        "sign_event",
        &common::sign_event_params(1, 1024),
        common::NOW,
    );
    std::fs::create_dir_all(dir).map_err(|x| x.to_string())?;
    std::fs::write(dir.join("state.bin"), &paired.state).map_err(|x| x.to_string())?;
    std::fs::write(dir.join("request.json"), &request).map_err(|x| x.to_string())?;
    Ok(())
}

fn push(dir: &Path) -> Result<(), String> {
    let rss_start = status_kb("VmHWM:");
    let heap_start = PEAK.load(Ordering::Relaxed);
    let state = std::fs::read(dir.join("state.bin")).map_err(|x| x.to_string())?;
    let request = std::fs::read(dir.join("request.json")).map_err(|x| x.to_string())?;
    let r = nse_ffi::handle_request(&request, &state, &SK, common::NOW, &[2; 96])
        .map_err(|x| format!("{x:?}"))?;
    let reply = r.reply.ok_or("no reply")?;
    std::fs::write(dir.join("state.bin"), &r.state).map_err(|x| x.to_string())?;
    drop(state);
    println!("request_bytes {}", request.len());
    println!("reply_bytes {}", reply.event_json.len());
    println!("state_bytes {}", r.state.len());
    println!("heap_peak_bytes {}", PEAK.load(Ordering::Relaxed));
    println!("heap_peak_before_push_bytes {heap_start}");
    println!("rss_peak_kb {}", status_kb("VmHWM:"));
    println!("rss_before_push_kb {rss_start}");
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("prepare"), Some(dir)) => prepare(Path::new(dir)),
        (Some("push"), Some(dir)) => push(Path::new(dir)),
        _ => Err("usage: nse-sim prepare|push DIR".to_owned()),
    };
    if let Err(why) = result {
        eprintln!("nse-sim: {why}");
        std::process::exit(1);
    }
}
