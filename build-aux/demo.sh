#!/bin/sh
# README command 1: install what Kyso needs (Debian 12), build it in _build and start it from
# the build tree. Arguments go to kyso, e.g. ./build-aux/demo.sh --config my.conf
set -eu
cd "$(dirname "$0")/.."

./build-aux/install-deps.sh

if [ -f _build/build.ninja ]; then
  meson setup --reconfigure _build >/dev/null
else
  meson setup _build
fi
meson compile -C _build

# Uninstalled, Kyso finds its settings schema and translations in the build tree.
GSETTINGS_SCHEMA_DIR="$PWD/_build/resources${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
KYSO_LOCALEDIR="$PWD/_build/po/locale"
export GSETTINGS_SCHEMA_DIR KYSO_LOCALEDIR
exec ./_build/ui/kyso "$@"
