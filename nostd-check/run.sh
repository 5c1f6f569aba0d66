#!/usr/bin/env bash
# Build signer-core as a no_std, no-alloc staticlib, link it into a C program and run it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/target}
cd "$here"
# Both signature backends: k256 (default, pure Rust) and libsecp256k1 (C).
for backend in k256 libsecp256k1; do
  features=()
  [ "$backend" = libsecp256k1 ] && features=(--features libsecp256k1)
  dir="$target/$backend"
  cargo build --release --quiet --target-dir "$dir" "${features[@]}"
  lib="$dir/release/libnostd_check.a"
  cc -std=c11 -Wall -Wextra -Wpedantic -O2 check.c "$lib" -o "$dir/nostd-check"
  echo "nostd-check [$backend]:"
  "$dir/nostd-check"
  # The .a carries all of libcore and compiler-builtins; the linked program's text is what a
  # firmware image would actually pay for signer-core plus the C harness and libc start-up.
  echo "  staticlib $(stat -c %s "$lib") bytes; linked program text/data/bss $(size "$dir/nostd-check" | awk 'NR==2 {print $1" / "$2" / "$3}') bytes"
done
