#!/usr/bin/env bash
# The clinic server under load (server/benches/server.rs): a seeded clinic, the release `btlp serve` on
# 127.0.0.1, 50 clients for 60 s (reads with 10 % writes), 10 signatures at once, the live notices' latency
# (a write on one session to its notice on 50 others), and the same reads
# in-process beside them. Usage: bench/server.sh  (BTLP_BENCH_SECONDS=… and BTLP_BENCH_CASES=… to change it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo bench -p btlp-server --bench server
