#!/usr/bin/env bash
# Requests per second of GET /api/projects/with-thumbnails, measured with wrk against a real
# vesper-server on a seeded database, on 127.0.0.1 only. Seed first (see README.md here).
#
#   tests/bench/wrk_projectlist.sh sqlite:/tmp/seed.db [email]
#
# email defaults to user0@seed.vesper.local (the seeded user with the most projects); every seeded
# user's password is seed-password. Settings from the environment: VESPER_SERVER (the binary),
# PORT (default 18787), VESPER_THREADS (server HTTP threads), WRK_THREADS (2), WRK_CONNECTIONS (32),
# WRK_DURATION (10s), QUERY (default limit=20).
set -euo pipefail

db=${1:?usage: $0 DB_URL [email]}
email=${2:-user0@seed.vesper.local}
here=$(cd "$(dirname "$0")" && pwd)
server=${VESPER_SERVER:-$here/../../build/dev/app/server/vesper-server}
port=${PORT:-18787}
query=${QUERY:-limit=20}
base="http://127.0.0.1:$port"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ -x "$server" ] || { echo "no vesper-server at $server (build first, or set VESPER_SERVER)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A throwaway JWT secret, no access log, no rate limit: measure the list, not the manners.
VESPER_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n') \
VESPER_ACCESS_LOG=0 VESPER_RATE_LIMIT=0 VESPER_AUTH_RATE_LIMIT=0 \
    "$server" serve --db "$db" --listen "127.0.0.1:$port" --data-dir "$work" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
    curl -sf "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done

token=$(curl -sf -X POST "$base/auth/v1/token?grant_type=password" -H 'Content-Type: application/json' \
            -d "{\"email\":\"$email\",\"password\":\"seed-password\"}" |
        sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "sign-in as $email failed (seeded with vesper-server seed?)" >&2; exit 1; }

# One request first: it must answer 200 with a page, or requests/s would measure errors.
status=$(curl -s -o "$work/page.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$base/api/projects/with-thumbnails?$query")
[ "$status" = 200 ] || { echo "GET /api/projects/with-thumbnails answered $status" >&2; cat "$work/page.json" >&2; exit 1; }
echo "server $server on $db, user $email, page of $(grep -o '"id":"[^"]*","name"' "$work/page.json" | wc -l) projects ($(wc -c <"$work/page.json") bytes)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

wrk -t"${WRK_THREADS:-2}" -c"${WRK_CONNECTIONS:-32}" -d"${WRK_DURATION:-10s}" --latency \
    -H "Authorization: Bearer $token" "$base/api/projects/with-thumbnails?$query" | tee "$work/wrk.txt"

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q 'Non-2xx' "$work/wrk.txt"; then
    echo "WARNING: some responses were not 200; requests/s below counts them too" >&2
fi
echo "requests/s: $(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")"
