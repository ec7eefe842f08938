#!/bin/sh
# Kyso as the only program of a kiosk session: cage (Debian's Wayland kiosk compositor) with its
# wlroots headless backend, Kyso in kiosk mode inside, and a screenshot of the start screen taken
# with grim. Skipped (exit 77) when cage or grim is not installed.
#   kyso-cage.sh KYSO PNG
set -eu
kyso=$1
png=$2
command -v cage >/dev/null 2>&1 || { echo "cage is not installed"; exit 77; }
command -v grim >/dev/null 2>&1 || { echo "grim is not installed"; exit 77; }

export WLR_BACKENDS=headless WLR_LIBINPUT_NO_DEVICES=1 WLR_RENDERER=pixman
export GDK_BACKEND=wayland LANGUAGE=vi
mkdir -p "$(dirname "$png")"
rm -f "$png"
shot="$png"
run=""
# cage refuses to run as root (it cannot drop root for good): as root, the kiosk account is
# "nobody", with its own runtime folder and D-Bus session, as a login session would give it.
if [ "$(id -u)" = 0 ]; then
  rt="$KYSO_TEST_TMPDIR/nobody-runtime"
  mkdir -p "$rt" && chown 65534:65534 "$rt" && chmod 700 "$rt"
  export XDG_RUNTIME_DIR="$rt" HOME="$rt"
  shot="$rt/kiosk-start.png"
  chmod 755 "$KYSO_TEST_TMPDIR"
  run="setpriv --reuid=65534 --regid=65534 --clear-groups dbus-run-session --"
fi
# Inside cage: Kyso in kiosk mode; once its window is up, the screenshot; then Kyso is stopped,
# and cage ends with it.
$run cage -- sh -c '
  "$0" --kiosk & kyso=$!
  for i in $(seq 1 60); do
    sleep 1
    [ -d "$XDG_RUNTIME_DIR/kyso-kiosk" ] && [ $i -ge 6 ] && break
  done
  grim "$1"
  kill $kyso
  wait $kyso || true
' "$kyso" "$shot"
if [ "$shot" != "$png" ]; then cp "$shot" "$png"; fi
test -s "$png"
# The private folder was made in the session's runtime folder.
echo "screenshot: $png"
