#!/usr/bin/env bash
# The clinic at scale: seeds bench/data/scale.db on first run (100,000 cases, 300,000 decisions and
# administrations, 30,000 adverse reactions, 10,000 signed decisions; a few minutes on 2 cores) and times the
# journal, the deadline board, patient search and the archive export against cp -r of the same bytes.
# Delete bench/data/scale.db to seed again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo bench --bench scale
