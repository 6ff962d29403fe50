#!/usr/bin/env bash
# A team's throughput with 1 and then 2 vesper-server instances on one PostgreSQL database, side by
# side (issue 14): GET /api/projects/with-thumbnails and POST /api/generate (accept path, workers
# off), each measured with wrk, one wrk per instance in parallel (the connections split between
# them, as a round-robin balancer would), requests/s summed. On 127.0.0.1 only; the database is a
# fresh one on the given cluster, seeded small, dropped at the end.
#
#   tests/bench/wrk_team.sh postgres://postgres@127.0.0.1:55900/postgres
#
# Settings from the environment: VESPER_SERVER, PORT (first instance's port, 18790), VESPER_THREADS
# (4 per instance), WRK_CONNECTIONS (16 in all), WRK_DURATION (10s), SEED_ARGS, GENERATE_RATE_LIMIT
# (0: off; a large value keeps the shared limit store in each generate without ever refusing one).
set -euo pipefail

admin=${1:?usage: $0 POSTGRES_ADMIN_URL}
here=$(cd "$(dirname "$0")" && pwd)
server=${VESPER_SERVER:-$here/../../build/dev/app/server/vesper-server}
port0=${PORT:-18790}
connections=${WRK_CONNECTIONS:-16}
duration=${WRK_DURATION:-10s}
seed_args=${SEED_ARGS:---projects 400 --sessions-per-project 4 --generations 20000 --outputs-per-generation 2 --users 100}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v psql >/dev/null || { echo "psql is not installed (apt-get install postgresql-client)" >&2; exit 2; }
[ -x "$server" ] || { echo "no vesper-server at $server (build first, or set VESPER_SERVER)" >&2; exit 2; }

work=$(mktemp -d)
name="vesper_team_bench_$$"
db="${admin%/*}/$name"
pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    pids=()
}
cleanup() {
    stop_all
    psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
# shellcheck disable=SC2086
"$server" seed --db "$db" $seed_args >"$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; exit 1; }
# Seeded users have few credits: the bench user gets plenty (generate would answer 402 otherwise).
psql "$db" -qc "UPDATE profiles SET credits = 1000000000 WHERE email = 'user0@seed.vesper.local'" >/dev/null
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n')

# n instances on the database and one shared object store; limits off (measure the work, not the
# manners; the shared store's own cost is bench_ratelimit's) unless GENERATE_RATE_LIMIT is set,
# workers off (the accept path only).
start_team() {
    local n=$1
    for i in $(seq 0 $((n - 1))); do
        mkdir -p "$work/i$i"
        VESPER_JWT_SECRET=$secret VESPER_ACCESS_LOG=0 VESPER_RATE_LIMIT=0 VESPER_AUTH_RATE_LIMIT=0 \
        VESPER_GENERATE_RATE_LIMIT=${GENERATE_RATE_LIMIT:-0} VESPER_WORKERS=0 VESPER_THREADS=${VESPER_THREADS:-4} \
        VESPER_DEFAULT_CREDITS=1000000000 VESPER_MODEL_COSTS=sketch=1 VESPER_STORAGE=$work/storage \
            "$server" serve --db "$db" --listen "127.0.0.1:$((port0 + i))" --data-dir "$work/i$i" >"$work/i$i/server.log" 2>&1 &
        pids+=($!)
    done
    for i in $(seq 0 $((n - 1))); do
        for _ in $(seq 1 200); do
            curl -sf "http://127.0.0.1:$((port0 + i))/healthz" >/dev/null 2>&1 && break
            sleep 0.1
        done
    done
}

json() { sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"; }
latency_lua() {
    cat <<'LUA'
done = function(summary, latency, requests)
    io.write(string.format("latency ms: p50 %.3f p99 %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
}

# One wrk per instance at once; prints "requests/s p50 p99" (p50/p99: the worst instance's).
run_wrk() {
    local n=$1 script=$2 path=$3
    local each=$((connections / n)) outs=()
    for i in $(seq 0 $((n - 1))); do
        wrk -t1 -c"$each" -d"$duration" -s "$script" -H "Authorization: Bearer $token" \
            "http://127.0.0.1:$((port0 + i))$path" -- "$i" >"$work/wrk$i.txt" 2>"$work/err$i.txt" &
        outs+=($!)
    done
    for pid in "${outs[@]}"; do wait "$pid"; done
    cat "$work"/wrk[0-9]*.txt | awk '
        /Requests\/sec/ { rps += $2 }
        /^latency ms/ { if ($4 > p50) p50 = $4; if ($6 > p99) p99 = $6 }
        /Non-2xx/ { bad += $NF }
        END { printf "%9.0f req/s  p50 %7.3f ms  p99 %7.3f ms%s\n", rps, p50, p99, bad ? "  (non-2xx: " bad ")" : "" }'
    rm -f "$work"/wrk[0-9]*.txt
    cat "$work"/err[0-9]*.txt | head -3 >&2
    rm -f "$work"/err[0-9]*.txt
}

latency_lua >"$work/list.lua"
echo "database $name on ${admin%/*}, seeded with: $seed_args"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in 1 2; do
    start_team "$n"
    base="http://127.0.0.1:$port0"
    token=$(curl -sf -X POST "$base/auth/v1/token?grant_type=password" -H 'Content-Type: application/json' \
                -d '{"email":"user0@seed.vesper.local","password":"seed-password"}' | json access_token)
    [ -n "$token" ] || { echo "sign-in failed" >&2; cat "$work/i0/server.log" >&2; exit 1; }
    project=$(curl -sf "$base/api/projects/with-thumbnails?limit=1" -H "Authorization: Bearer $token" |
              python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')
    session=$(curl -sf "$base/api/sessions?projectId=$project" -H "Authorization: Bearer $token" |
              python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')
    { cat <<LUA
local counter = 0
local thread_id = 0
setup = function(thread) thread:set("tid", math.random(1, 1e9)) end
init = function(args) thread_id = tid .. "-" .. (args[1] or "0") end
request = function()
    counter = counter + 1
    local body = '{"sessionId":"$session","modelId":"sketch","prompt":"a lighthouse at dusk, oil painting",'
        .. '"parameters":{"aspectRatio":"1:1","resolution":"512","numOutputs":1},'
        .. '"clientId":"bench-$n-' .. thread_id .. '-' .. counter .. '"}'
    return wrk.format("POST", "/api/generate", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}, body)
end
local shown = 0
response = function(status, headers, body)
    if status ~= 202 and shown < 3 then shown = shown + 1; io.stderr:write("status " .. status .. ": " .. body .. "\n") end
end
LUA
      latency_lua; } >"$work/generate.lua"
    printf "%d instance(s)  GET /api/projects/with-thumbnails?limit=20: " "$n"
    run_wrk "$n" "$work/list.lua" "/api/projects/with-thumbnails?limit=20"
    printf "%d instance(s)  POST /api/generate:                        " "$n"
    run_wrk "$n" "$work/generate.lua" "/api/generate"
    stop_all
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
