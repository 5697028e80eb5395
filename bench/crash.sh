#!/usr/bin/env bash
# The crash harness at full size: 200 trials of SIGKILL at a random moment during a stream of writes (see
# tests/core/crash.rs). Prints the summary line the README quotes. Usage: bench/crash.sh [TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
trials="${1:-200}"
start=$(date +%s)
BTLP_CRASH_TRIALS="$trials" cargo test --test core -- crash::sigkill --nocapture 2>&1 | grep -E "crash harness|test result|panicked"
echo "elapsed: $(( $(date +%s) - start )) s"
