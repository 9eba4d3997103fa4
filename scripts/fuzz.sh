#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets, cargo-fuzz + libFuzzer) for a set time each and
# prints a table: executions, coverage, crashes. Crashes and the inputs that grew coverage
# are kept under fuzz/artifacts/<target>/ and fuzz/corpus/<target>/ (not committed: the
# seeds in fuzz/seeds/ are, and each crash's input goes into fuzz/regressions/<target>/ once
# fixed). The oracles are fuzz/src/lib.rs, which the test suite also replays
# (tests/fuzz_seeds.rs).
#
# Usage: scripts/fuzz.sh [seconds per target, default 60] [target ...]
#
# libFuzzer needs the compiler's unstable instrumentation flags: a nightly toolchain if one
# is installed, otherwise the stable one with RUSTC_BOOTSTRAP=1 (the same compiler, the
# flags unlocked) and no sanitizer (AddressSanitizer's runtime ships only with nightly; the
# code under test forbids `unsafe`, so it is panics, overflows and hangs being hunted).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"
# shellcheck disable=SC1091
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
seconds="${1:-60}"
shift || true
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
# The committed seeds, or fresh ones where they are missing (scripts/fuzz-seeds.py rewrites them).
[ -d seeds ] || python3 "$root/scripts/fuzz-seeds.py" >/dev/null

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
  sanitizer=(--sanitizer address)
else
  toolchain=()
  sanitizer=(--sanitizer none)
  export RUSTC_BOOTSTRAP=1
fi
# Debug assertions on (overflow checks included), optimised.
build=(--release --debug-assertions "${sanitizer[@]}")

targets=("$@")
[ "${#targets[@]}" -gt 0 ] || mapfile -t targets < <(cargo "${toolchain[@]}" fuzz list)
cargo "${toolchain[@]}" fuzz build "${build[@]}"

results=()
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="artifacts/$t/last-run.log"
  echo "== $t for ${seconds}s"
  set +e
  extra=()
  [ -d "regressions/$t" ] && extra=("regressions/$t")
  cargo "${toolchain[@]}" fuzz run "${build[@]}" "$t" "corpus/$t" "seeds/$t" "${extra[@]+"${extra[@]}"}" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  set -e
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')"
  crashes="$(find "artifacts/$t" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)"
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "   $t stopped (exit $rc); the input is in artifacts/$t/, the log in $log:"
    grep -E "panicked|ERROR|SUMMARY" "$log" | head -5 || true
  fi
  results+=("| $t | ${seconds} s | $execs | $cov | $crashes |")
done

echo
echo "| target | time | executions | coverage (edges) | crashes kept |"
echo "|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
exit "$status"
