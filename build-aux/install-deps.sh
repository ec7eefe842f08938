#!/bin/sh
# Installs everything Kyso needs to build, run and test on Debian 12. Idempotent: apt-get skips what is there.
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PKGS="build-essential pkg-config meson ninja-build gettext itstool
libglib2.0-dev libgtk-4-dev libadwaita-1-dev libpoppler-glib-dev libjson-glib-dev libsecret-1-dev
libcurl4-openssl-dev libssl-dev libsoup-3.0-dev
xvfb xauth dbus dbus-x11 gnome-keyring libglib2.0-bin glib-networking
appstream desktop-file-utils poppler-utils mupdf-tools qpdf libnss3-tools openssl
clang clang-format libclang-rt-14-dev time fonts-dejavu-core zlib1g-dev libzip-dev libxml2-dev
libp11-kit-dev p11-kit softhsm2
libxtst-dev openbox x11-utils at-spi2-core python3-pyatspi
libsecret-tools cage grim xwayland"
# Node.js (for the OpenID provider used in tests) may come from elsewhere; only add Debian's when absent.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing:$missing"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
else
  echo "All build and test dependencies are installed."
fi
