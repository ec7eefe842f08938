#!/bin/sh
# The start script other suites use: starts a sandbox, which then answers the phone CLI; a bad
# option makes the script fail with the server's message; the server stops cleanly on SIGTERM.
#   test-sandbox-start.sh START_SCRIPT PHONE_EXE
set -eu
start=$1
phone=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kyso-sandbox-start.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

pid=$("$start" "$tmp/sb" --phone approve-after=2 --expiry 60)
test -s "$tmp/sb/sandbox.json"
test -s "$tmp/sb/kyso.conf"
grep -q '^\[neac\]' "$tmp/sb/kyso.conf"
"$phone" --state "$tmp/sb" --json policy refuse | grep -q '"policy":"refuse-after=0"'
KYSO_SANDBOX_STATE="$tmp/sb" "$phone" list
kill "$pid"
# The server exits 0 on SIGTERM; wait for it (it is not our child: poll).
i=0
while kill -0 "$pid" 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -lt 200 ] || { echo "kyso-sandbox did not stop" >&2; exit 1; }
  sleep 0.05
done

if "$start" "$tmp/bad" --fault no-such-fault 2>"$tmp/err"; then
  echo "a bad fault was accepted" >&2
  exit 1
fi
grep -q 'Unknown fault' "$tmp/err"
echo "ok"
