//! The `sign_event` request benchmark (`benches/nip46.rs`) in two forms that hold up on a
//! shared, noisy machine:
//!
//! - `ab [rounds]`: wall time, interleaved. Each round times a batch of every side (ours and
//!   rust-nostr, cold and warm) back to back, in an order that rotates per round, so load that
//!   drifts during the run hits all sides alike; the table gives each side's median over the
//!   rounds and the median of the per-round ratios ours / rust-nostr.
//! - `count <side> [n]`: runs one side `n` times for callgrind, which counts instructions
//!   (deterministic; no other process can change it). Only `measured` counts:
//!
//! ```text
//! cargo build --release -p clave-benches --features libsecp256k1 --example nip46_compare
//! valgrind --tool=callgrind --toggle-collect='nip46_compare::measured' \
//!     target/release/examples/nip46_compare count ours-cold 20
//! ```
//!
//! Sides: `ours-cold`, `nostr-cold`, `ours-warm`, `nostr-warm`. Caveat for counts: glibc's
//! `memset` uses `rep stosb`, which callgrind counts once per byte written.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clave_benches::nip46_fixture::{Fixture, Memory, peer_cold, peer_handle};
use signer_core::keys::{ContextMemory, KeptContext};
use signer_core::nip46::State;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    OursCold,
    NostrCold,
    OursWarm,
    NostrWarm,
}

const SIDES: [Side; 4] = [
    Side::OursCold,
    Side::NostrCold,
    Side::OursWarm,
    Side::NostrWarm,
];

impl Side {
    fn parse(s: &str) -> Option<Self> {
        SIDES.into_iter().find(|side| side.name() == s)
    }

    fn name(self) -> &'static str {
        match self {
            Side::OursCold => "ours-cold",
            Side::NostrCold => "nostr-cold",
            Side::OursWarm => "ours-warm",
            Side::NostrWarm => "nostr-warm",
        }
    }

    fn warm(self) -> bool {
        matches!(self, Side::OursWarm | Side::NostrWarm)
    }
}

/// The warm signer: a live state and a curve context blinded once.
struct Warm<'m> {
    state: Box<State>,
    cx: KeptContext<'m>,
}

impl<'m> Warm<'m> {
    fn new(fixture: &Fixture, mem: &'m mut ContextMemory) -> Self {
        Self {
            state: fixture.state.clone(),
            cx: KeptContext::new(mem, &[0x5a; 32]),
        }
    }
}

/// Requests per timed batch in `ab`.
const BATCH: usize = 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["ab"] => ab(300),
        ["ab", n] => match n.parse() {
            Ok(n) if (10..=10_000).contains(&n) => ab(n),
            _ => usage("rounds must be 10..=10000"),
        },
        ["count", side] => count(side, 20),
        ["count", side, n] => match n.parse() {
            Ok(n) if (1..=100_000).contains(&n) => count(side, n),
            _ => usage("count must be 1..=100000"),
        },
        _ => usage("expected `ab [rounds]` or `count <side> [n]`"),
    }
}

fn usage(why: &str) -> ExitCode {
    eprintln!("nip46_compare: {why}");
    eprintln!(
        "usage: nip46_compare ab [rounds] | count ours-cold|nostr-cold|ours-warm|nostr-warm [n]"
    );
    ExitCode::from(2)
}

fn count(side: &str, n: usize) -> ExitCode {
    let Some(side) = Side::parse(side) else {
        return usage("unknown side");
    };
    let fixture = Fixture::new();
    let first = fixture.sign_request(0);
    fixture.check(&first);
    // Cold requests repeat one request (a fresh state each time); warm ones are all distinct.
    let requests: Vec<String> = if side.warm() {
        (1..=n).map(|i| fixture.sign_request(i)).collect()
    } else {
        vec![first; n]
    };
    let mut mem = Memory::default();
    let mut cx_mem = ContextMemory::new();
    let mut warm = Warm::new(&fixture, &mut cx_mem);
    measured(side, &fixture, &requests, &mut warm, &mut mem);
    println!("{n} {} requests done", side.name());
    ExitCode::SUCCESS
}

fn ab(rounds: usize) -> ExitCode {
    let fixture = Fixture::new();
    let first = fixture.sign_request(0);
    fixture.check(&first);
    let cold = vec![first; BATCH];
    // Warm sides see each request once: one distinct request per warm iteration, shared by
    // both warm sides (rust-nostr keeps no replay window; ours must see fresh ids).
    let fresh: Vec<Vec<String>> = (0..rounds)
        .map(|r| {
            (0..BATCH)
                .map(|i| fixture.sign_request(1 + r * BATCH + i))
                .collect()
        })
        .collect();
    let mut mem = Memory::default();
    let mut cx_mem = ContextMemory::new();
    let mut warm = Warm::new(&fixture, &mut cx_mem);
    // Warm-up: fill the replay window, as in a signer that has been up a while, and settle
    // caches and CPU frequency.
    let fill: Vec<String> = (0..600)
        .map(|i| fixture.sign_request(1_000_000 + i))
        .collect();
    measured(Side::OursWarm, &fixture, &fill, &mut warm, &mut mem);
    let mut times: [Vec<Duration>; 4] = Default::default();
    for (round, requests) in fresh.iter().enumerate() {
        for k in 0..SIDES.len() {
            let side = SIDES[(round + k) % SIDES.len()];
            let batch = if side.warm() { requests } else { &cold };
            let start = Instant::now();
            measured(side, &fixture, batch, &mut warm, &mut mem);
            times[side as usize].push(start.elapsed() / BATCH as u32);
        }
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "sign_event request, {rounds} interleaved rounds of {BATCH}, load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "| path | ours (median) | rust-nostr (median) | ours / rust-nostr (median of rounds) | rounds ours faster |"
    );
    println!("|---|---|---|---|---|");
    for (path, ours, peer) in [
        ("cold", Side::OursCold, Side::NostrCold),
        ("warm", Side::OursWarm, Side::NostrWarm),
    ] {
        let (o, p) = (&times[ours as usize], &times[peer as usize]);
        let ratios: Vec<f64> = o
            .iter()
            .zip(p)
            .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64())
            .collect();
        let faster = ratios.iter().filter(|r| **r < 1.0).count();
        println!(
            "| {path} | {:.1} µs | {:.1} µs | {:.3} | {faster}/{rounds} |",
            micros(median(o.clone())),
            micros(median(p.clone())),
            median(ratios),
        );
    }
    ExitCode::SUCCESS
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn median<T: PartialOrd + Copy>(mut v: Vec<T>) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

/// Everything `count` measures (callgrind's `--toggle-collect`) happens in here.
#[inline(never)]
fn measured(
    side: Side,
    fixture: &Fixture,
    requests: &[String],
    warm: &mut Warm<'_>,
    mem: &mut Memory,
) {
    for request in requests {
        match side {
            Side::OursCold => fixture.ours_cold(black_box(request), mem),
            Side::NostrCold => drop(black_box(peer_cold(black_box(request)))),
            Side::OursWarm => {
                fixture.ours_warm(&warm.cx.get(), &mut warm.state, black_box(request), mem)
            }
            Side::NostrWarm => drop(black_box(peer_handle(&fixture.user_keys, request))),
        }
    }
}
