#!/usr/bin/env bash
# The project's test command (README): lint, unit + integration tests, the no_std/C-ABI check.
# Works on a fresh machine with the Rust toolchain, a C compiler and Node 20 (npm).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (deny warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "JS interop harness (nostr-tools, from the npm registry)"
command -v npm >/dev/null || { echo "npm (Node >= 20) is required for the nostr-tools interop tests" >&2; exit 1; }
npm ci --prefix host/tests/js --no-audit --no-fund

step "cargo test (workspace)"
cargo test --workspace --locked

# The workspace run above builds signer-core with the libsecp256k1 backend (push-proxy, host and
# nse-ffi enable it and features unify); run it alone on its default k256 backend as well.
step "signer-core on its default k256 backend (same vectors and differential tests)"
cargo test -p signer-core --locked

step "signer-core on k256 with precomputed tables (crypto vectors and differential tests)"
cargo test -p signer-core --locked --features precomputed-tables \
  --test bip340_vectors --test nip44_vectors --test nip44_diff --test event_diff --test nip04_diff

step "no_std + no-alloc staticlib, driven from C"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/nostd" nostd-check/run.sh
