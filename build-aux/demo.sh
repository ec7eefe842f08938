#!/bin/sh
# README command 1: the whole citizen loop on this computer, with nothing real touched.
#
#   ./build-aux/demo.sh
#
# Installs what Kyso needs (Debian 12), builds it in _build, starts kyso-sandbox (the provincial
# portal, the NEAC signing gateway, a phone that approves after 5 seconds, TSA, OCSP) in a
# temporary folder, and opens Kyso configured for it — in a private D-Bus session with its own
# gnome-keyring and settings, so your real keyring and preferences are never used. A test citizen
# has a signature profile already; their login is printed below, and the OTP "text messages"
# appear in this terminal. Closing Kyso stops everything and removes the temporary folder.
#
# KYSO_DEMO_TIMEOUT=SECONDS closes Kyso by itself after that long (for unattended runs).
set -eu

if [ "${1:-}" != "--in-session" ]; then
  cd "$(dirname "$0")/.."
  ./build-aux/install-deps.sh
  if [ -f _build/build.ninja ]; then
    meson setup --reconfigure _build >/dev/null
  else
    meson setup _build
  fi
  meson compile -C _build

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/kyso-demo.XXXXXX")
  chmod 700 "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT TERM
  # A D-Bus session of its own: the Secret Service Kyso talks to is the keyring started inside.
  status=0
  dbus-run-session -- "$0" --in-session "$PWD" "$tmp" || status=$?
  exit "$status"
fi

root=$2
tmp=$3
build=$root/_build
sandbox_dir=$tmp/sandbox
samples=$tmp/giay-to
mkdir -p "$tmp/data" "$tmp/config/glib-2.0/settings" "$tmp/keyring"
chmod 700 "$tmp/keyring"

# Keyring, drafts and settings live under $tmp; HOME stays yours, so the file chooser shows your files.
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export GSETTINGS_BACKEND=keyfile
export GSETTINGS_SCHEMA_DIR="$build/resources${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
export KYSO_LOCALEDIR="$build/po/locale"
unset GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
# Open on the Dossiers place.
printf "[vn/kyso/Kyso]\nlast-page='dossiers'\nwindow-width=1100\nwindow-height=820\n" \
  > "$tmp/config/glib-2.0/settings/keyfile"
# A fixed password unlocks the new keyring without a prompt (an empty one would ask).
eval "$(printf 'kyso-demo' | gnome-keyring-daemon --unlock --components=secrets --control-directory="$tmp/keyring")"
export GNOME_KEYRING_CONTROL

sandbox_pid=""
watch_pid=""
stop () {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null || true
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

sandbox_pid=$("$build/tests/sandbox/kyso-sandbox-start.sh" "$sandbox_dir" --phone approve-after=5)
conf=$sandbox_dir/kyso.conf
cli () { "$build/app/kyso-cli" --config "$conf" "$@"; }

# The test citizen (VNPT-CA, status good) and the service provider's credentials, from sandbox.json.
info () {
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = next(c for c in d["citizens"] if c["cccd"] == "051090000101")
v = {"sp_id": d["sp_id"], "sp_password": d["sp_password"], "base": d["base_url"], "ca": d["ca_file"]}
v.update(c)
print(v[sys.argv[2]])' "$sandbox_dir/sandbox.json" "$1"
}

# The NEAC gateway's SP password goes to the keyring through standard input only.
info sp_password | cli signing-credentials --service neac --sp-id "$(info sp_id)" set >/dev/null
"$build/tests/gui/test-portal-samples" "$samples"
cli profiles add --name "$(info name)" --image "$samples/chu-ky.png" --phone "$(info phone)" \
  --keyword "Người làm đơn" --account "$(info cccd)" --provider "$(info provider)" >/dev/null

phone=$(info phone)
cat <<EOF

  Kyso demo — everything runs against kyso-sandbox on this computer.

  Log in (Dossiers → "Or log in with your ID number"):
      Province:   Sandbox (thử nghiệm)
      ID number:  $(info username)
      Password:   $(info password)
      OTP:        shown in this terminal as a text message to $phone
  Then apply for "Đăng ký khai sinh"; sample files to attach are in
      $samples
  The citizen's phone approves each signing request after 5 seconds. To refuse one instead,
  run this in another terminal while Kyso waits:
      $build/tests/sandbox/kyso-sandbox-phone --state $sandbox_dir refuse latest

EOF

# The citizen's phone: print each OTP the portal sends.
python3 - "$(info base)" "$(info ca)" "$phone" <<'PY' &
import json, ssl, sys, time, urllib.request
base, ca, phone = sys.argv[1:]
context = ssl.create_default_context(cafile=ca)
last = None
while True:
    try:
        with urllib.request.urlopen(f"{base}/control/portal/sms?phone={phone}", context=context, timeout=5) as r:
            sms = json.load(r)
        if sms.get("otp") and sms["otp"] != last:
            last = sms["otp"]
            print(f"  SMS to {phone}: {sms.get('message', '')}\n  → OTP {last}", flush=True)
    except Exception:
        pass
    time.sleep(2)
PY
watch_pid=$!

status=0
if [ -n "${KYSO_DEMO_TIMEOUT:-}" ]; then
  timeout "$KYSO_DEMO_TIMEOUT" "$build/ui/kyso" --config "$conf" || status=$?
  [ "$status" = 124 ] && status=0
else
  "$build/ui/kyso" --config "$conf" || status=$?
fi
echo "Kyso closed; stopping the sandbox."
exit "$status"
