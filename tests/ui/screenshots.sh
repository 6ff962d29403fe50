#!/bin/sh
# Screenshots of the desktop app's main views, for a person to look at (issue 11): seeds a local
# library with vesper-cli (two projects, a few sessions, sketch images of several prompts and
# shapes), then runs vesper under Xvfb once per place — projects, session, search, viewer, and the
# assistant drawer asked about the session's newest prompt (the offline coach answers) — with
# --screenshot, and prints the PNG paths. Settings and caches go to a temporary folder, so the
# user's own are never touched. Not a CTest test: the pictures are judged by eye, not committed.
#
#   tests/ui/screenshots.sh [OUT_DIR]        (BUILD_DIR defaults to build/dev)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build/dev}
CLI=$BUILD/app/cli/vesper-cli
APP=$BUILD/app/desktop/vesper
for binary in "$CLI" "$APP"; do
    [ -x "$binary" ] || { echo "screenshots.sh: $binary is missing; build the targets vesper and vesper-cli first" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "screenshots.sh: xvfb-run is not installed (apt-get install xvfb)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vesper-shots.XXXXXX")
OUT=${1:-$WORK/png}
mkdir -p "$OUT"
export XDG_CONFIG_HOME="$WORK/config" XDG_CACHE_HOME="$WORK/cache" XDG_DATA_HOME="$WORK/data"
export XDG_RUNTIME_DIR="$WORK/runtime"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/no-bus" # no keychain: nothing reaches the user's
DATA="$WORK/library"

# The id of the JSON object vesper-cli --json printed.
json_id() { python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
cli() { "$CLI" --data-dir "$DATA" "$@"; }

echo "seeding $DATA" >&2
harbour=$(cli --json new-project "Harbour studies" | json_id)
kites=$(cli --json new-session "$harbour" "Kites at noon" | json_id)
boats=$(cli --json new-session "$harbour" "Boats at dusk" | json_id)
desert=$(cli --json new-project "Desert light" | json_id)
dunes=$(cli --json new-session "$desert" "Dunes" | json_id)

cli generate "$dunes" "warm sunrise over desert dunes, golden light" --model sketch --wait >/dev/null
cli generate "$dunes" "a lone acacia at noon under a white sky" --model sketch --aspect 16:9 --wait >/dev/null
cli generate "$boats" "fishing boats at dusk, violet harbour, lanterns" --model sketch --count 2 --wait >/dev/null
cli generate "$boats" "a lighthouse beam across a calm harbour at night" --model sketch --aspect 9:16 --wait >/dev/null
cli generate "$kites" "a red kite over the harbour at noon" --model sketch --count 3 --wait >/dev/null
cli generate "$kites" "two kites tangled above the sea wall, teal and orange" --model sketch --aspect 4:3 --wait >/dev/null
cli generate "$kites" "a kite festival on the beach, many colours, wind" --model sketch --count 2 --aspect 16:9 --wait >/dev/null
cli generate "$kites" "a paper kite in a storm, deep blues" --model sketch --resolution 1024 --wait >/dev/null

shoot() { # place name
    xvfb-run -a -s "-screen 0 1440x900x24" "$APP" --data-dir "$DATA" --show "$1" --screenshot "$OUT/$2.png" >&2 || {
        echo "screenshots.sh: vesper --show $1 did not finish cleanly (exit $?)" >&2
    }
    [ -s "$OUT/$2.png" ] && echo "$OUT/$2.png"
}

shoot projects projects
shoot "session:$kites" session
shoot "search:harbour" search
shoot viewer viewer # the session opened last (Kites at noon), its first image
shoot "assistant:Make it moodier, and suggest the lighting." assistant
