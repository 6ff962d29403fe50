#!/usr/bin/env bash
# The attacks of issue 13, items 1 and 2, at full size against a real vesper-server on its default
# settings (only sign-up on, to get a token), each on a fresh server, from 127.0.1.x, with a probe
# asking GET /healthz from 127.0.2.1 throughout; prints the server's RSS and the probe's latency
# before, during and after each attack (see attack_slowclients.cpp).
#
#   tests/bench/attack_slowclients.sh [attack ...]     # default: the first four (uploads on request)
#
#   slowheaders  1,200 connections from 20 addresses, a header line every 10 s each, reconnecting when cut
#   heldbodies   60 signed-in uploads of 20 MiB - 1 byte, then nothing
#   heldjson     600 signed-in JSON bodies of 1 MiB - 1 byte, then nothing
#   signedout    1,000 sign-ins of 1 MiB - 1 byte, then nothing
#   uploads      UPLOAD_CLIENTS (12) clients posting whole 4096 x 4096 noise PNGs (16.8 MB, at the pixel
#                cap), each again as soon as it is answered; upload quotas off for this one (a quota
#                stops one account after ~30, an attacker has many), so every upload is decoded
#
# Settings from the environment: VESPER_SERVER (the binary), PORT (18789), SECONDS_PER_ATTACK (30),
# UPLOAD_CLIENTS (12).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
server=${VESPER_SERVER:-$here/../../build/dev/app/server/vesper-server}
tool=${ATTACK_TOOL:-$here/../../build/dev/tests/bench/attack_slowclients}
port=${PORT:-18789}
seconds=${SECONDS_PER_ATTACK:-30}
base="http://127.0.0.1:$port"
attacks=("$@")
[ ${#attacks[@]} -gt 0 ] || attacks=(slowheaders heldbodies heldjson signedout)

[ -x "$server" ] || { echo "no vesper-server at $server (build first, or set VESPER_SERVER)" >&2; exit 2; }
[ -x "$tool" ] || { echo "no attack_slowclients at $tool (cmake --build --preset dev --target attack_slowclients)" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d)
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap 'stop_server; rm -rf "$work"' EXIT

for attack in "${attacks[@]}"; do
    rm -rf "$work/data" && mkdir -p "$work/data"
    quota=()
    [ "$attack" = uploads ] && quota=(VESPER_UPLOAD_QUOTA_BYTES=0 VESPER_UPLOAD_QUOTA_COUNT=0)
    env "${quota[@]}" VESPER_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n') VESPER_ALLOW_SIGNUP=1 VESPER_ACCESS_LOG=0 \
        "$server" serve --db "sqlite:$work/data/vesper.db" --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        curl -sf "$base/healthz" >/dev/null 2>&1 && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
        sleep 0.1
    done
    token=$(curl -sf -X POST "$base/auth/v1/signup" -H 'Content-Type: application/json' \
                -d '{"email":"attacker@bench.local","password":"bench-password"}' |
            sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
    [ -n "$token" ] || { echo "sign-up failed" >&2; exit 1; }
    case $attack in
        slowheaders) args=(--connections 1200 --addresses 20) ;;
        heldbodies)  args=(--connections 60 --addresses 20 --size $((20 * 1024 * 1024))) ;;
        heldjson)    args=(--connections 600 --addresses 20 --size $((1024 * 1024))) ;;
        signedout)   args=(--connections 1000 --addresses 20 --size $((1024 * 1024))) ;;
        uploads)     args=(--connections "${UPLOAD_CLIENTS:-12}" --addresses "${UPLOAD_CLIENTS:-12}") ;;
        *) echo "unknown attack $attack" >&2; exit 2 ;;
    esac
    echo "== $attack: ${args[*]} for ${seconds}s against $server; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$tool" --port "$port" --pid "$server_pid" --attack "$attack" --seconds "$seconds" --token "$token" "${args[@]}"
    stop_server
done
