#!/usr/bin/env bash
# The power-cut harness at full size (tests/core/powercut.rs): 500 trials of the power going at a random write,
# sync or truncation, with what the disk held then torn as SQLite's crash tests do; then, in the same run, the
# SIGKILL harness (tests/core/crash.rs) for its figures beside. Prints the summary lines the README quotes.
# Usage: bench/powercut.sh [POWER_CUT_TRIALS] [SIGKILL_TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
cuts="${1:-500}"
kills="${2:-100}"
cargo test --test core --no-run --quiet
start=$(date +%s)
BTLP_POWERCUT_TRIALS="$cuts" cargo test --quiet --test core -- powercut::power_cuts --nocapture 2>&1 \
  | grep -E "power-cut harness|test result|panicked"
echo "power cuts: $(( $(date +%s) - start )) s"
start=$(date +%s)
BTLP_CRASH_TRIALS="$kills" cargo test --quiet --test core -- crash::sigkill --nocapture 2>&1 \
  | grep -E "crash harness|test result|panicked"
echo "SIGKILL: $(( $(date +%s) - start )) s"
