#!/usr/bin/env bash
# Build NseFfi.xcframework for the iOS app and its Notification Service Extension (macOS with
# Xcode and rustup only; it cannot run on Linux — CI on Linux checks everything else).
#
#   nse-ffi/scripts/build-xcframework.sh [OUT_DIR]      (default: nse-ffi/build)
#
# Produces OUT_DIR/NseFfi.xcframework (device arm64 + simulator arm64/x86_64 fat library, the
# C headers and a module map for the `NseFfi` module) and OUT_DIR/swift/ (the generated Swift
# sources plus the hand-written companions) to add to the Xcode targets.
# Every slice is linked for app extensions (-Wl,-application_extension): the NSE links it.
set -euo pipefail

crate_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_dir="$(cd "${crate_dir}/.." && pwd)"
out_dir="${1:-${crate_dir}/build}"
target_dir="${CARGO_TARGET_DIR:-${repo_dir}/target}"
lib_name="libnse_ffi.a"
framework="${out_dir}/NseFfi.xcframework"

device_target="aarch64-apple-ios"
sim_targets=("aarch64-apple-ios-sim" "x86_64-apple-ios")

command -v xcodebuild >/dev/null || { echo "xcodebuild not found: run this on macOS with Xcode" >&2; exit 1; }
command -v lipo >/dev/null || { echo "lipo not found" >&2; exit 1; }

export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-16.0}"
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-application_extension"

rustup target add "${device_target}" "${sim_targets[@]}"

for target in "${device_target}" "${sim_targets[@]}"; do
    echo "==> cargo build --release --target ${target}"
    cargo build --manifest-path "${repo_dir}/Cargo.toml" -p nse-ffi --lib --release \
        --locked --target "${target}" --target-dir "${target_dir}"
done

rm -rf "${out_dir}"
mkdir -p "${out_dir}/sim" "${out_dir}/headers" "${out_dir}/swift"

echo "==> lipo the simulator slices"
sim_libs=()
for target in "${sim_targets[@]}"; do
    sim_libs+=("${target_dir}/${target}/release/${lib_name}")
done
lipo -create "${sim_libs[@]}" -output "${out_dir}/sim/${lib_name}"

echo "==> headers and module map"
# The committed copy is what build.rs generates (tests/generated.rs checks it).
cp "${crate_dir}/generated/SwiftBridgeCore.h" "${out_dir}/headers/"
cp "${crate_dir}/generated/nse_ffi/nse_ffi.h" "${out_dir}/headers/"
cat > "${out_dir}/headers/module.modulemap" <<'MODULEMAP'
module NseFfi {
    header "SwiftBridgeCore.h"
    header "nse_ffi.h"
    export *
}
MODULEMAP

echo "==> xcodebuild -create-xcframework"
xcodebuild -create-xcframework \
    -library "${target_dir}/${device_target}/release/${lib_name}" -headers "${out_dir}/headers" \
    -library "${out_dir}/sim/${lib_name}" -headers "${out_dir}/headers" \
    -output "${framework}"

echo "==> Swift sources (importing the C module of the XCFramework)"
for swift in "${crate_dir}/generated/SwiftBridgeCore.swift" \
    "${crate_dir}/generated/nse_ffi/nse_ffi.swift" "${crate_dir}"/swift/*.swift; do
    { echo "import NseFfi"; cat "${swift}"; } > "${out_dir}/swift/$(basename "${swift}")"
done

rm -rf "${out_dir}/sim" "${out_dir}/headers"
echo "Built ${framework}"
echo "Add it and ${out_dir}/swift/*.swift to both the app and the NSE targets."
