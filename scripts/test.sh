#!/usr/bin/env bash
# Runs every test of the project on a fresh Debian machine: installs what is missing, then checks
# formatting, lints, the rule that the core never depends on tauri, the UI's types and unit tests, every
# Rust test, and that the desktop window opens.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/deps.sh

echo "== UI: build, type check, unit tests"
(cd ui && npm run build --silent && npm run check && npm test)

echo "== Rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

echo "== The core library never depends on tauri"
if cargo tree -p btlp_commission -e normal,build --prefix none | grep -Eq '^tauri(-[a-z-]+)? v'; then
  echo "btlp_commission depends on tauri: the core must stay free of the desktop shell" >&2
  exit 1
fi

echo "== Rust: every test"
cargo test --workspace --features btlp-app/custom-protocol

echo "== Desktop: end-to-end through the real window (tauri-driver, Xvfb)"
bash scripts/e2e.sh
