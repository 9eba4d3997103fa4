#!/usr/bin/env bash
# Tests everything: formatting, lints, the browser end-to-end test (Chromium driving the
# liveview app against the real server), the desktop window under Xvfb, then every unit and
# integration test (a real server process over HTTP, real SQLite files and a real PostgreSQL,
# the 1,000-seed fault simulation, SIGKILL of the server mid-push). Installs what it needs
# first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

export CARGO_TERM_COLOR=never
# A private PostgreSQL cluster on a free loopback port: the store suites and the replica
# tests run against it as well as against SQLite (each test makes its own database).
GROUNDGAME_TEST_POSTGRES=$(bash scripts/pg-cluster.sh)
export GROUNDGAME_TEST_POSTGRES
# Every cargo command below resolves the same features (the liveview bin's, and the tests'
# dev-dependencies), so each crate is compiled once for the build and once for clippy, not
# once per command: on a 2-core machine that is most of this script's time.
features=(--workspace --features liveview)
cargo fmt --all -- --check
# The integration tests start the real server and simulator binaries, and the browser tests
# the liveview one: build them all, with the tests, first.
cargo build "${features[@]}" --bins --tests
cargo clippy "${features[@]}" --all-targets -- -D warnings
# The platform keystores, checked for Android and iOS.
bash scripts/check-phones.sh

echo "== browser end-to-end (Chromium + liveview + real server)"
GROUNDGAME_PREBUILT=1 bash tests/e2e/run.sh
echo "== desktop window under Xvfb"
bash scripts/desktop-smoke.sh target/debug/groundgame

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test "${features[@]}" --lib --bins --tests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The same suites again with their servers on PostgreSQL: the server's in-process API
# suites (every module but the SQLite-only store internals), and the whole end-to-end
# suite, whose in-process servers GROUNDGAME_TEST_BACKEND puts on PostgreSQL (the replica
# tests are on PostgreSQL either way, so they run once).
echo "== the server suites and the spine's end-to-end tests on PostgreSQL"
server_tests=$(cargo test "${features[@]}" --lib --no-run 2>&1 \
  | sed -n 's|.*Executable unittests src/lib.rs (\(target/debug/deps/groundgame_server-[0-9a-f]*\)).*|\1|p')
(cd server && GROUNDGAME_TEST_BACKEND=postgres "../$server_tests" tests:: --skip tests::store::) \
  2>&1 | tee -a "$log"
pg_server=${PIPESTATUS[0]}
# The two simulations build their servers on SQLite files and read their oracles from them,
# so they ran once above and are skipped here.
GROUNDGAME_TEST_BACKEND=postgres cargo test "${features[@]}" --test integration -- \
  --skip replicas --skip simulation 2>&1 | tee -a "$log"
pg_e2e=${PIPESTATUS[0]}
[ "$status" = 0 ] && status=$pg_server
[ "$status" = 0 ] && status=$pg_e2e
set -e
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "\nTotal: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
