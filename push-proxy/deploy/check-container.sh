#!/bin/sh
# Build the container image from deploy/Containerfile, run it, check that it serves /health
# and that `stop` (SIGTERM) ends it with exit status 0. Skips (exit 0) when no container
# engine with a running daemon is available, so CI without one passes.
#   push-proxy/deploy/check-container.sh          # from anywhere in the repository
set -eu

engine=""
for e in podman docker; do
    if command -v "$e" >/dev/null 2>&1 && "$e" info >/dev/null 2>&1; then
        engine="$e"
        break
    fi
done
if [ -z "$engine" ]; then
    echo "SKIP: no container engine with a running daemon (tried podman, docker)"
    exit 0
fi

root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
tag="clave-push-proxy:check"
name="clave-push-proxy-check-$$"
work="$(mktemp -d)"
cleanup() {
    "$engine" rm -f "$name" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$engine" build -f "$root/push-proxy/deploy/Containerfile" -t "$tag" "$root"

# A throwaway P-256 key in Apple's .p8 (PKCS#8) form.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/AuthKey.p8"
chmod 0644 "$work/AuthKey.p8"

"$engine" run -d --name "$name" -p 127.0.0.1::3000 \
    -e APNS_KEY_ID=CHECK12345 -e APNS_TEAM_ID=CHECK67890 \
    -e RELAY_URL=ws://127.0.0.1:9 \
    -v "$work/AuthKey.p8:/run/secrets/AuthKey.p8:ro" "$tag" >/dev/null
port="$("$engine" port "$name" 3000/tcp | head -n 1 | sed 's/.*://')"

ok=""
i=0
while [ "$i" -lt 100 ]; do
    if curl -fsS "http://127.0.0.1:$port/health" >"$work/health.json" 2>/dev/null; then
        ok=1
        break
    fi
    i=$((i + 1))
    sleep 0.2
done
if [ -z "$ok" ]; then
    echo "FAIL: /health did not answer"
    "$engine" logs "$name" || true
    exit 1
fi
grep -q '"total_tokens":0' "$work/health.json" || {
    echo "FAIL: unexpected /health: $(cat "$work/health.json")"
    exit 1
}
[ "$("$engine" inspect -f '{{.Config.User}}' "$name")" = "push-proxy" ] || {
    echo "FAIL: the container does not run as push-proxy"
    exit 1
}

"$engine" stop -t 20 "$name" >/dev/null
status="$("$engine" inspect -f '{{.State.ExitCode}}' "$name")"
if [ "$status" != "0" ]; then
    echo "FAIL: exit status $status after stop (SIGTERM)"
    "$engine" logs "$name" || true
    exit 1
fi
echo "OK: image builds, serves /health as push-proxy, and stops cleanly on SIGTERM"
