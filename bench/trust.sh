#!/usr/bin/env bash
# Issue 7's figures (benches/trust.rs) on the 100,000-case clinic of bench/scale.sh (run that first; it seeds
# bench/data/scale.db). Usage: bench/trust.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo bench --bench trust   # BTLP_TRUST_UNSEAL=1 times the one-time sealing of an old file again
