#!/bin/sh
# Runs one test program in the environment every Kyso test gets, the same on CI and on a fresh
# machine: a fresh HOME and XDG folders, its own D-Bus session with an unlocked gnome-keyring
# (a real Secret Service), GSETTINGS_BACKEND=memory, and with --gui an X server (Xvfb).
#
#   kyso-test-env.sh [--gui] PROGRAM [ARGS…]
set -eu

gui=0
if [ "${1:-}" = "--gui" ]; then gui=1; shift; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kyso-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home" "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export HOME="$tmp/home"
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export XDG_RUNTIME_DIR="$tmp/runtime"
export GSETTINGS_BACKEND=memory
export NO_AT_BRIDGE=1
export GSK_RENDERER=cairo
export GDK_DEBUG="${GDK_DEBUG:-}"
export KYSO_TEST_TMPDIR="$tmp"
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY

inner='
  # An empty password would make the keyring prompt; "test" unlocks it without a prompt.
  eval "$(printf test | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL
  exec "$@"
'

if [ "$gui" = 1 ]; then
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x900x24" sh -c "$inner" sh "$@"
else
  exec dbus-run-session -- sh -c "$inner" sh "$@"
fi
