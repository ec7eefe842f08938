#!/bin/sh
# Runs one test program in the environment every Kyso test gets, the same on CI and on a fresh
# machine: a fresh HOME and XDG folders, its own D-Bus session with an unlocked gnome-keyring
# (a real Secret Service), GSETTINGS_BACKEND=memory, and with --gui an X server (Xvfb).
# --wm adds a window manager (openbox) on that X server, as a person's desktop has (it gives new
# windows the keyboard focus: real-input tests need it); --screen=WxH sets the screen's size;
# --a11y starts an accessibility bus (at-spi) for the test, quietly, before the program.
#
#   kyso-test-env.sh [--gui] [--wm] [--screen=WxH] [--a11y] PROGRAM [ARGS…]
set -eu

gui=0 wm=0 a11y=0 screen=1280x900
while [ $# -gt 0 ]; do
  case "$1" in
    --gui) gui=1 ;;
    --wm) gui=1 wm=1 ;;
    --a11y) a11y=1 ;;
    --screen=*) screen=${1#--screen=} ;;
    *) break ;;
  esac
  shift
done

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
export KYSO_TEST_WM="$wm" KYSO_TEST_A11Y="$a11y"
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY

inner='
  # An empty password would make the keyring prompt; "test" unlocks it without a prompt.
  eval "$(printf test | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL
  if [ "$KYSO_TEST_A11Y" = 1 ]; then
    # Started here, not by D-Bus activation: what the bus daemons print stays out of the TAP stream.
    for l in /usr/libexec/at-spi-bus-launcher /usr/lib/at-spi2-core/at-spi-bus-launcher; do
      if [ -x "$l" ]; then "$l" --launch-immediately >/dev/null 2>&1 & break; fi
    done
    i=0
    until dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus org.a11y.Bus.GetAddress \
        >/dev/null 2>&1; do
      i=$((i + 1)); [ $i -lt 100 ] || { echo "no accessibility bus" >&2; exit 1; }; sleep 0.1
    done
  fi
  if [ "$KYSO_TEST_WM" = 1 ]; then
    openbox --sm-disable >/dev/null 2>&1 &
    wm_pid=$!
    i=0
    until xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q "window id"; do
      i=$((i + 1)); [ $i -lt 100 ] || { echo "the window manager did not start" >&2; exit 1; }; sleep 0.1
    done
    status=0
    "$@" || status=$?
    kill "$wm_pid" 2>/dev/null || true
    exit $status
  fi
  exec "$@"
'

if [ "$gui" = 1 ]; then
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 ${screen}x24" sh -c "$inner" sh "$@"
else
  exec dbus-run-session -- sh -c "$inner" sh "$@"
fi
