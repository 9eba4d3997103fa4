#!/usr/bin/env bash
# Browser end-to-end tests: builds the server and the liveview app, installs playwright-core
# (once), and runs each *.test.mjs against headless Chromium (door: a conversation at the
# door; field: offline work, the server coming back, a second device, screenshots; map: the
# canvasser's map with a faked position, online and in airplane mode; lead: the
# field lead's dashboard, a reassignment, a revocation; calls: a phone-bank session with
# the server down part of the time; network: a vCard imported into My network, an ask,
# the lead's aggregates-only summary; data: the lead's voter-file import, turf cutting,
# scripts and call lists; guard: the app answers only the page it was opened in).
# Exits non-zero on the first failure; each test kills its processes whatever happens.
# Usage: tests/e2e/run.sh [name ...]   e.g. `tests/e2e/run.sh field`
#   honours CARGO_TARGET_DIR; CHROMIUM overrides /usr/bin/chromium;
#   GROUNDGAME_SCREENSHOTS=DIR saves a PNG of each screen (docs/screenshots holds the committed ones).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ -n "${GROUNDGAME_SCREENSHOTS:-}" ]; then
  # Relative to where the script was called from.
  mkdir -p "$GROUNDGAME_SCREENSHOTS"
  GROUNDGAME_SCREENSHOTS="$(cd "$GROUNDGAME_SCREENSHOTS" && pwd)"
  export GROUNDGAME_SCREENSHOTS
fi
target="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
# scripts/test.sh has built every binary already (GROUNDGAME_PREBUILT=1), with its features.
if [ -z "${GROUNDGAME_PREBUILT:-}" ]; then
  cargo build --workspace --features liveview --bins
fi
cd "$root/tests/e2e"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund
export GROUNDGAME_SERVER_BIN="$target/debug/groundgame-server"
export GROUNDGAME_LIVEVIEW_BIN="$target/debug/groundgame-liveview"
# Each test's app keeps its database key in a file beside it, not in the developer's own
# keyring (tests/keystore.rs tests the keyring, on a session bus of its own).
export GROUNDGAME_KEYSTORE=off
tests=("$@")
[ "${#tests[@]}" -gt 0 ] || tests=(door field map lead data calls network guard)
for t in "${tests[@]}"; do
  echo "== e2e: $t"
  # A hard stop in case a test's own watchdog cannot fire.
  timeout --kill-after=10 180 node "$t.test.mjs"
done
