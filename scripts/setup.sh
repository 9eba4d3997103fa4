#!/usr/bin/env bash
# Installs everything Groundgame needs to build, run and test on a Debian 12 machine, from
# nothing: a C toolchain, pkg-config and perl (bundled SQLCipher, and the OpenSSL crypto it
# is built with from source; ring), WebKitGTK and xdo for the
# desktop window, Xvfb/xdotool/ImageMagick for the window test, Chromium and Node.js for
# the browser test, PostgreSQL (a private cluster for the tests: scripts/pg-cluster.sh), a
# D-Bus bus, GNOME Keyring and libsecret's secret-tool (the keystore test runs the app against
# a real secret service), and a Rust toolchain. Safe to run again: it installs only what is missing.
set -euo pipefail

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

packages=(build-essential pkg-config perl curl ca-certificates git
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  xvfb xdotool imagemagick x11-utils
  chromium nodejs npm fonts-dejavu-core
  postgresql
  dbus-daemon dbus-bin gnome-keyring libsecret-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (the machine image); that's fine.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs | npm) ;; *) filtered+=("$p") ;; esac
  done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing the Rust toolchain (rustup, stable)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
    | sh -s -- -y --profile minimal --component rustfmt,clippy
fi
