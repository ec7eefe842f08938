#!/usr/bin/env bash
# README command 2 (and what CI runs): install what Kyso needs, build it with warnings as errors,
# run every suite, then build again under AddressSanitizer + UndefinedBehaviorSanitizer and run
# every suite there too, then fuzz the parsers for a minute. Ends with one line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

./build-aux/install-deps.sh
./build-aux/install-test-tools.sh --libreoffice

setup () {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

status=0
setup _build-test -Dwerror=true
meson compile -C _build-test
meson test -C _build-test --print-errorlogs --num-processes 2 || status=1

setup _build-asan -Dwerror=true -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
meson compile -C _build-asan
# LibreOffice interop (suite interop) checks file formats, not memory: once is enough.
meson test -C _build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3 --no-suite interop || status=1

# A short coverage-guided fuzz run of the parsers (libFuzzer needs clang; no GUI needed there).
if [ -f _build-fuzz/build.ninja ]; then
  meson setup --reconfigure _build-fuzz >/dev/null
else
  CC=clang meson setup _build-fuzz -Dfuzzing=true -Dgui=false -Db_sanitize=address,undefined -Db_lundef=false
fi
meson test -C _build-fuzz --suite fuzz --print-errorlogs || status=1

python3 build-aux/test-summary.py _build-test/meson-logs/testlog.json _build-asan/meson-logs/testlog.json \
  _build-fuzz/meson-logs/testlog.json
exit $status
