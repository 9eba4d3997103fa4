#!/usr/bin/env bash
# Tests everything: formatting, lints, unit tests, the integration suite (a real server
# process over HTTP, real SQLite files, the deterministic fault simulation, SIGKILL of the
# server mid-push). Installs what it needs first.
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
cargo test --workspace
