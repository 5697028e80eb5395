#!/usr/bin/env bash
# The power-cut harness at full size (tests/core/powercut.rs): 500 trials of the power going at a random write,
# sync or truncation, with what the disk held then torn as SQLite's crash tests do; then, in the same run, the
# SIGKILL harness (tests/core/crash.rs) for its figures beside. The power-cut trials run in rounds of 50, each
# on a new clinic that grows through its round: every trial reads the whole file (the check, the image of the
# cut), so one clinic growing through 500 trials would make the run take hours.
# Prints each round's summary, the total, and the SIGKILL summary. Usage: bench/powercut.sh [ROUNDS] [SIGKILL_TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-10}"
kills="${2:-100}"
cargo test --test core --no-run --quiet
start=$(date +%s)
trials=0 commits=0 lost=0 failures=0
for ((r = 1; r <= rounds; r++)); do
  line=$(BTLP_POWERCUT_TRIALS=50 BTLP_POWERCUT_RNG="$((20261201 + r))" cargo test --quiet --test core -- powercut::power_cuts --nocapture 2>&1 \
    | grep -E "power-cut harness|panicked" || true)
  echo "round ${r}: ${line}"
  read -r t c l f < <(sed -E 's/.*: ([0-9]+) trials, ([0-9]+) transactions reported committed, ([0-9]+) lost, ([0-9]+) integrity failures.*/\1 \2 \3 \4/' <<<"${line}")
  if [[ ! ${t} =~ ^[0-9]+$ ]]; then
    echo "round ${r} did not finish: ${line}" >&2
    exit 1
  fi
  trials=$((trials + t)) commits=$((commits + c)) lost=$((lost + l)) failures=$((failures + f))
done
echo "power cuts: ${trials} trials, ${commits} transactions reported committed, ${lost} lost, ${failures} integrity failures ($(( $(date +%s) - start )) s)"
start=$(date +%s)
BTLP_CRASH_TRIALS="$kills" cargo test --quiet --test core -- crash::sigkill --nocapture 2>&1 \
  | grep -E "crash harness|test result|panicked"
echo "SIGKILL: $(( $(date +%s) - start )) s"
