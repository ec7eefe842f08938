#!/bin/sh
# Test-only tools from npm (the OpenID provider the login is tested against), installed into
# tests/node_modules from the lock file. Idempotent.
#   --libreoffice  also LibreOffice headless and its Python bridge (Debian, about 300 MB), for the
#                  "interop" suite (DOCX signatures checked by LibreOffice); without them that
#                  suite's test is skipped.
set -eu
if [ "${1:-}" = "--libreoffice" ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  missing=""
  for p in libreoffice-writer-nogui python3-uno libnss3-tools; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
  fi
fi
cd "$(dirname "$0")/../tests"
if [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
