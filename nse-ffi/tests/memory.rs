//! One push through nse-ffi in a fresh process (the `nse-sim` binary) stays within the memory
//! budget: ≤ 8 MB peak RSS against the NSE's ~24 MB limit.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Command;

const RSS_BUDGET_KB: u64 = 8 * 1024;

#[test]
fn one_push_in_a_fresh_process_fits_the_budget() {
    let exe = env!("CARGO_BIN_EXE_nse-sim");
    let dir = std::env::temp_dir().join(format!("nse-sim-{}", std::process::id()));
    let dir_s = dir.to_str().unwrap();
    assert!(
        Command::new(exe)
            .args(["prepare", dir_s])
            .status()
            .unwrap()
            .success()
    );
    let out = Command::new(exe).args(["push", dir_s]).output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value = |key: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{key} missing in {text}"))
    };
    println!("{text}");
    let rss = value("rss_peak_kb");
    assert!(
        rss > 0 && rss <= RSS_BUDGET_KB,
        "peak RSS {rss} kB > {RSS_BUDGET_KB} kB"
    );
    assert!(value("heap_peak_bytes") < 2 * 1024 * 1024);
    assert!(value("request_bytes") > 1000);
}
