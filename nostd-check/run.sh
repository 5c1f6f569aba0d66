#!/usr/bin/env bash
# Build signer-core as a no_std, no-alloc staticlib, link it into a C program and run it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/target}
cd "$here"
cargo build --release --quiet --target-dir "$target"
lib="$target/release/libnostd_check.a"
cc -std=c11 -Wall -Wextra -Wpedantic -O2 check.c "$lib" -o "$target/nostd-check"
"$target/nostd-check"
echo "nostd-check: staticlib size $(stat -c %s "$lib") bytes"
