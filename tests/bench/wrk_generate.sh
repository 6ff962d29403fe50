#!/usr/bin/env bash
# Accept latency and accepted requests per second of POST /api/generate, measured with wrk against a
# real vesper-server on 127.0.0.1 only, on a fresh database. Every request carries a new clientId, so
# each one validates, debits, and inserts a generation, its ledger row and its job in one
# transaction. Workers are off (VESPER_WORKERS=0) so only the accept path is measured.
#
#   tests/bench/wrk_generate.sh [sqlite:/tmp/generate.db | postgres://...]
#
# Settings from the environment: VESPER_SERVER, PORT (18788), WRK_THREADS (2), WRK_CONNECTIONS (8),
# WRK_DURATION (10s), WRK_BASELINE_DURATION (3s). Prints p50/p95/p99 of the generate requests and of a
# baseline run first against the same server (GET /healthz), and the ratio of their medians.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
server=${VESPER_SERVER:-$here/../../build/dev/app/server/vesper-server}
port=${PORT:-18788}
base="http://127.0.0.1:$port"
work=$(mktemp -d)
db=${1:-sqlite:$work/generate.db}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ -x "$server" ] || { echo "no vesper-server at $server (build first, or set VESPER_SERVER)" >&2; exit 2; }

server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Costs on (a debit per request), limits off: measure the accept path, not the manners.
VESPER_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n') VESPER_ALLOW_SIGNUP=1 \
VESPER_ACCESS_LOG=0 VESPER_RATE_LIMIT=0 VESPER_AUTH_RATE_LIMIT=0 VESPER_GENERATE_RATE_LIMIT=0 \
VESPER_WORKERS=0 VESPER_DEFAULT_CREDITS=1000000000 VESPER_MODEL_COSTS=sketch=1 \
    "$server" serve --db "$db" --listen "127.0.0.1:$port" --data-dir "$work" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -sf "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done

json() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }
token=$(curl -sf -X POST "$base/auth/v1/signup" -H 'Content-Type: application/json' \
            -d '{"email":"bench@generate.local","password":"bench-password"}' | json access_token)
[ -n "$token" ] || { echo "sign-up failed" >&2; exit 1; }
project=$(curl -sf -X POST "$base/api/projects" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
              -d '{"name":"Bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
session=$(curl -sf "$base/api/sessions?projectId=$project" -H "Authorization: Bearer $token" |
          python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')
[ -n "$session" ] || { echo "no session to generate into" >&2; exit 1; }

# A new clientId per request, from each wrk thread's own counter.
cat >"$work/generate.lua" <<LUA
local counter = 0
local thread_id = 0
setup = function(thread) thread:set("tid", math.random(1, 1e9)) end
init = function(args) thread_id = tid end
request = function()
    counter = counter + 1
    local body = '{"sessionId":"$session","modelId":"sketch","prompt":"a lighthouse at dusk, oil painting",'
        .. '"parameters":{"aspectRatio":"1:1","resolution":"512","numOutputs":1},'
        .. '"clientId":"bench-' .. thread_id .. '-' .. counter .. '"}'
    return wrk.format("POST", "/api/generate", {["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer $token"}, body)
end
response = function(status, headers, body)
    if status ~= 202 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
end
done = function(summary, latency, requests)
    io.write(string.format("latency ms: p50 %.3f p95 %.3f p99 %.3f\n", latency:percentile(50) / 1000,
        latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
# The baseline, same server and settings: GET /healthz, one read of the database per request.
cat >"$work/baseline.lua" <<'LUA'
done = function(summary, latency, requests)
    io.write(string.format("latency ms: p50 %.3f p95 %.3f p99 %.3f\n", latency:percentile(50) / 1000,
        latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA

status=$(curl -s -o "$work/first.json" -w '%{http_code}' -X POST "$base/api/generate" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d "{\"sessionId\":\"$session\",\"modelId\":\"sketch\",\"prompt\":\"probe\",\"parameters\":{\"aspectRatio\":\"1:1\",\"resolution\":\"512\",\"numOutputs\":1},\"clientId\":\"probe\"}")
[ "$status" = 202 ] || { echo "POST /api/generate answered $status" >&2; cat "$work/first.json" >&2; exit 1; }
echo "server $server on $db; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== baseline: GET /healthz"
wrk -t"${WRK_THREADS:-2}" -c"${WRK_CONNECTIONS:-8}" -d"${WRK_BASELINE_DURATION:-3s}" -s "$work/baseline.lua" "$base/healthz" | tee "$work/baseline.txt" | grep -E "latency ms|Requests/sec"
echo "== POST /api/generate"
wrk -t"${WRK_THREADS:-2}" -c"${WRK_CONNECTIONS:-8}" -d"${WRK_DURATION:-10s}" --latency -s "$work/generate.lua" "$base" 2>"$work/errors.txt" | tee "$work/wrk.txt"
errors=$(wc -l <"$work/errors.txt")
echo "non-202 answers: $errors"
[ "$errors" = 0 ] || head -3 "$work/errors.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "accepted/s: $(sed -n 's/^Requests\/sec: *//p' "$work/wrk.txt")"
base_p50=$(sed -n 's/^latency ms: p50 \([0-9.]*\).*/\1/p' "$work/baseline.txt")
gen_p50=$(sed -n 's/^latency ms: p50 \([0-9.]*\).*/\1/p' "$work/wrk.txt")
echo "p50 ratio to the baseline: $(awk -v a="$gen_p50" -v b="$base_p50" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
