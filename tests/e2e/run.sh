#!/usr/bin/env bash
# Browser end-to-end test: builds the server and the liveview app, installs playwright-core
# (once), and runs door.test.mjs against headless Chromium. Exits non-zero on failure.
# Usage: tests/e2e/run.sh   (honours CARGO_TARGET_DIR; CHROMIUM overrides /usr/bin/chromium)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
cargo build -p groundgame-server --bin groundgame-server
cargo build --features liveview --bin groundgame-liveview
cd "$root/tests/e2e"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund
export GROUNDGAME_SERVER_BIN="$target/debug/groundgame-server"
export GROUNDGAME_LIVEVIEW_BIN="$target/debug/groundgame-liveview"
# Set GROUNDGAME_SCREENSHOTS=$root/docs/screenshots to save a screenshot of the door screen.
exec node door.test.mjs
