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
# The .a carries all of libcore and compiler-builtins; the linked program's text is what a
# firmware image would actually pay for signer-core plus the C harness and libc start-up.
echo "nostd-check: linked C program (signer-core + harness) text/data/bss: $(size "$target/nostd-check" | awk 'NR==2 {print $1" / "$2" / "$3}') bytes"
