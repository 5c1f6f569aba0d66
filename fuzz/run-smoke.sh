#!/usr/bin/env bash
# Runs every fuzz target for a bounded time from the committed seeds (CI's smoke run).
# Without ASan: signer-core forbids unsafe code and the C in libsecp256k1 is not instrumented
# by cargo-fuzz anyway, so ASan would only cost speed.
# Usage: fuzz/run-smoke.sh [seconds-per-target]   (needs the nightly toolchain and cargo-fuzz)
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-15}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
for target in $(cargo +nightly fuzz list); do
  corpus="corpus/$target"
  mkdir -p "$corpus"
  [ -d "seeds/$target" ] && cp -n "seeds/$target"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $target for ${secs}s"
  cargo +nightly fuzz run -s none "$target" "$corpus" -- -max_total_time="$secs" -rss_limit_mb=2048 2>&1 \
    | grep -E '^Done|ERROR|panicked|SUMMARY' || { echo "fuzz: $target FAILED (see the crash above; artifacts in fuzz/artifacts)"; exit 1; }
done
