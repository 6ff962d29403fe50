#!/bin/sh
# Runs a command under a private D-Bus session with an unlocked gnome-keyring Secret Service, so the
# keychain tests use a real secret service headless (no desktop session). The keyring's files live in
# a temporary folder, removed afterwards; the command's exit code is kept.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
XDG_DATA_HOME="$keyring_home" dbus-run-session -- \
  sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' sh "$@"
