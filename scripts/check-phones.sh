#!/usr/bin/env bash
# Type-checks and lints, for the phones' own targets, the code only a phone build compiles:
# the platform keystores (groundgame-keystore: the Android Keystore on aarch64-linux-android,
# the iOS Keychain on aarch64-apple-ios), and Windows's (the Credential Manager on
# x86_64-pc-windows-gnu), which no machine here runs either. The app itself cannot be checked this way here:
# its bundled SQLCipher needs the phone's C toolchain (the Android NDK, Apple's SDK), which
# this machine does not have. The keystore crate links no C, so its check is a real one.
#
# The targets' standard libraries come from rustup; where they cannot be downloaded, this
# says so and checks nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
for target in aarch64-linux-android aarch64-apple-ios x86_64-pc-windows-gnu; do
  if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    if ! rustup target add "$target" >/dev/null 2>&1; then
      echo "check-phones: skipped $target (rustup could not download its standard library)"
      continue
    fi
  fi
  echo "== groundgame-keystore for $target"
  cargo clippy -p groundgame-keystore --target "$target" -- -D warnings
done
