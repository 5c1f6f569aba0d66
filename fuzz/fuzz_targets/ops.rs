//! Sequences of operations against one signer: pair, requests of every method, approve/deny of
//! held requests, time passing, state save/load, replays. Never panics; the state always
//! round-trips; a request that was answered or held is never answered again when replayed;
//! every call leaves the scratch buffer zeroed.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use signer_core::nip46::{self, Approval, Buffers, Outcome, State};
use signer_core_fuzz::{Harness, KEPT, Keys, NOW, assert_wiped, entropy};

#[derive(Arbitrary, Debug)]
enum Op {
    Pair,
    Request {
        method: u8,
        kind: u16,
        id: u8,
        skew: i16,
    },
    Decide {
        index: u8,
        approve: bool,
    },
    Advance(u16),
    Reload,
    Replay(u8),
}

const METHODS: [&str; 11] = [
    "connect",
    "get_public_key",
    "sign_event",
    "ping",
    "nip04_encrypt",
    "nip04_decrypt",
    "nip44_encrypt",
    "nip44_decrypt",
    "switch_relays",
    "logout",
    "no_such_method",
];

fuzz_target!(|ops: Vec<Op>| {
    let mut h = Harness::new(false);
    let mut now = NOW;
    // Requests that were answered (or held): replaying one must never be answered again.
    let mut answered: Vec<Vec<u8>> = Vec::new();
    let mut held: Vec<([u8; 32], Vec<u8>)> = Vec::new();
    let user_hex = String::from_utf8(h.user.to_hex().to_vec()).expect("hex");
    for (n, op) in ops.into_iter().take(64).enumerate() {
        let n = n as u8;
        match op {
            Op::Pair => {
                let secret = h
                    .state
                    .account(&h.user)
                    .map(|a| a.secret().to_owned())
                    .unwrap_or_default();
                let ev = h.request(now, "p", "connect", &format!(r#"["","{secret}"]"#));
                if h.handle(now, &ev, n) {
                    answered.push(ev);
                }
            }
            Op::Request {
                method,
                kind,
                id,
                skew,
            } => {
                let m = METHODS[method as usize % METHODS.len()];
                let params = match m {
                    "sign_event" => format!(
                        r#"["{{\"kind\":{kind},\"created_at\":{now},\"tags\":[],\"content\":\"x\"}}"]"#
                    ),
                    "nip04_encrypt" | "nip44_encrypt" => format!(r#"["{user_hex}","hi"]"#),
                    "nip04_decrypt" | "nip44_decrypt" => format!(r#"["{user_hex}","garbage"]"#),
                    "switch_relays" | "get_public_key" | "ping" | "logout" => "[]".to_owned(),
                    _ => r#"["x"]"#.to_owned(),
                };
                let created = now.saturating_add_signed(skew as i64);
                let ev = h.request(created, &format!("r{id}"), m, &params);
                let bufs = Buffers {
                    scratch: &mut h.scratch,
                    out: &mut h.out,
                };
                let e = entropy(n);
                // Even steps use the context kept for the run, odd ones a per-call context.
                let outcome = if n % 2 == 0 {
                    KEPT.with(|kept| {
                        nip46::handle_request_in(
                            &kept.get(),
                            now,
                            &ev,
                            &Keys,
                            &e,
                            &mut h.state,
                            bufs,
                        )
                    })
                } else {
                    nip46::handle_request(now, &ev, &Keys, &e, &mut h.state, bufs)
                }
                .expect("no caller error");
                match outcome {
                    Outcome::Ask(p) => held.push((p.id, ev)),
                    Outcome::Respond(_) => answered.push(ev),
                    Outcome::Ignore(_) => {}
                }
                assert_wiped(&h.scratch);
            }
            Op::Decide { index, approve } => {
                if held.is_empty() {
                    continue;
                }
                let (id, ev) = held.remove(index as usize % held.len());
                answered.push(ev.clone());
                let approval = if approve {
                    Approval::Approve
                } else {
                    Approval::Deny
                };
                let bufs = Buffers {
                    scratch: &mut h.scratch,
                    out: &mut h.out,
                };
                let _ = nip46::decide(
                    now,
                    &id,
                    approval,
                    &ev,
                    &Keys,
                    &entropy(n),
                    &mut h.state,
                    bufs,
                );
                assert_wiped(&h.scratch);
            }
            Op::Advance(secs) => {
                now += u64::from(secs);
                for _ in 0..(signer_core::nip46::state::MAX_PENDING + 1) {
                    let bufs = Buffers {
                        scratch: &mut h.scratch,
                        out: &mut h.out,
                    };
                    let more = match nip46::expire(now, &Keys, &entropy(n), &mut h.state, bufs) {
                        Ok(Some(_)) => true,
                        Ok(None) => false,
                        Err(e) => panic!("expire failed: {e}"),
                    };
                    assert_wiped(&h.scratch);
                    if !more {
                        break;
                    }
                }
            }
            Op::Reload => {
                let snap = h.snapshot();
                let state = State::decode(&snap).expect("our snapshot decodes");
                assert_eq!(*h.state, state);
                *h.state = state;
            }
            Op::Replay(i) => {
                if let Some(ev) = answered.get(i as usize % answered.len().max(1)).cloned() {
                    let before = h.snapshot();
                    // A replayed event is a duplicate (or stale): no reply, no state change.
                    assert!(
                        !h.handle(now, &ev, n),
                        "a replayed request was answered again"
                    );
                    assert_eq!(h.snapshot(), before);
                }
            }
        }
    }
});
