#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian machine: installs what is missing, then checks
# formatting, lints, the rule that the core never depends on tauri, the UI's types and unit tests, every
# Rust test, and that the desktop window opens.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/deps.sh

echo "== UI: build, type check, unit tests"
(cd ui && npm run build --silent && npm run build:web --silent && npm run check && npm test)

echo "== Rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== The core library and the command layer never depend on tauri, tokio, axum or rustls"
for package in btlp_commission btlp_api; do
  # The tree is read whole first: `grep -q` stopping early could fail `cargo tree` on a closed pipe, and with
  # pipefail that would pass the check.
  tree=$(cargo tree -p "$package" -e normal,build --prefix none)
  if grep -Eq '^(tauri(-[a-z-]+)?|tokio|axum|rustls|hyper) v' <<<"${tree}"; then
    echo "$package depends on a transport (tauri, tokio, axum or rustls): it must stay free of them" >&2
    exit 1
  fi
done

echo "== Supply chain: known vulnerabilities (RustSec snapshot, offline), licences, bans, sources"
bash scripts/supply-chain.sh

echo "== The core library links none of the command-line tool's crates"
tree=$(cargo tree -p btlp_commission -e normal,build --prefix none)
if grep -Eq '^(clap|rpassword|ctrlc) v' <<<"${tree}"; then
  echo "btlp_commission depends on a CLI crate (clap, rpassword or ctrlc): they belong to server/" >&2
  exit 1
fi

echo "== Rust: every test"
cargo test --workspace --features btlp-app/custom-protocol

echo "== Desktop: end-to-end through the real window (tauri-driver, Xvfb)"
bash scripts/e2e.sh
