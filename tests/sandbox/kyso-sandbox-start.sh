#!/bin/sh
# Starts kyso-sandbox in the background for a test and waits until it serves.
#
#   kyso-sandbox-start.sh DIR [SANDBOX OPTIONS…]   → prints the sandbox's PID; stop it with `kill PID`
#
# The server comes from $KYSO_SANDBOX, else from next to this script (the build tree). Its log goes to
# DIR/sandbox.log; DIR/sandbox.json and DIR/kyso.conf exist once this returns 0.
set -eu

if [ $# -lt 1 ]; then
  echo "usage: kyso-sandbox-start.sh DIR [SANDBOX OPTIONS…]" >&2
  exit 2
fi
dir=$1
shift
exe=${KYSO_SANDBOX:-$(dirname "$0")/kyso-sandbox}
mkdir -p "$dir"
rm -f "$dir/ready"
# Keys take seconds to make: start from the seed the build made, when there is one.
seed=$(dirname "$0")/seed
if [ ! -f "$dir/state.json" ] && [ -f "$seed/state.json" ] && [ -z "${KYSO_SANDBOX:-}" ]; then
  cp -a "$seed/." "$dir/"
fi
# Under ASan: no leak detection in the server (GCC 12's LeakSanitizer crashes on the TLS of the
# dlopen'ed GnuTLS module); address and UB errors still stop it.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
"$exe" --state "$dir" --ready-file "$dir/ready" "$@" >"$dir/sandbox.log" 2>&1 </dev/null &
pid=$!
# First start in a new DIR makes RSA keys: a few seconds; allow a minute on a busy machine.
tries=0
while [ ! -f "$dir/ready" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "kyso-sandbox-start.sh: kyso-sandbox stopped before it was ready:" >&2
    cat "$dir/sandbox.log" >&2
    exit 1
  fi
  tries=$((tries + 1))
  if [ "$tries" -gt 1200 ]; then
    kill "$pid" 2>/dev/null || true
    echo "kyso-sandbox-start.sh: kyso-sandbox not ready after 60 s" >&2
    exit 1
  fi
  sleep 0.05
done
echo "$pid"
