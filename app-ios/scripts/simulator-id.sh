#!/usr/bin/env bash
# Prints the UDID of an available iPhone simulator (booted first, then the newest listed).
set -euo pipefail
list="$(xcrun simctl list devices available)"
booted="$(grep -E 'iPhone.*\(Booted\)' <<<"${list}" | grep -oE '[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}' | head -n 1 || true)"
if [[ -n "${booted}" ]]; then
    echo "${booted}"
    exit 0
fi
grep -E '^ +iPhone' <<<"${list}" | grep -oE '[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}' | tail -n 1
