#!/bin/sh
# Test-only tools from npm (the OpenID provider the login is tested against), installed into
# tests/node_modules from the lock file. Idempotent.
set -eu
cd "$(dirname "$0")/../tests"
if [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
