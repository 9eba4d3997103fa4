#!/usr/bin/env bash
# Tests everything: formatting, lints, the browser end-to-end test (Chromium driving the
# liveview app against the real server), the desktop window under Xvfb, then every unit and
# integration test (a real server process over HTTP, real SQLite files, the 1,000-seed fault
# simulation, SIGKILL of the server mid-push). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

export CARGO_TERM_COLOR=never
cargo fmt --all -- --check
# The integration tests start the real server and simulator binaries: build them first.
cargo build --workspace --bins
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --features liveview --bin groundgame-liveview -- -D warnings

echo "== browser end-to-end (Chromium + liveview + real server)"
bash tests/e2e/run.sh
echo "== desktop window under Xvfb"
bash scripts/desktop-smoke.sh target/debug/groundgame

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --lib --bins --tests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "\nTotal: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
