#!/usr/bin/env bash
# Starts the desktop app on a fresh Debian machine: installs what is missing, builds, creates the demo clinic
# database when none exists (its users and passwords are printed), and opens the window.
# The database is $BTLP_DB, by default ~/.local/share/btlp-commission/clinic.db.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/deps.sh
export BTLP_DB="${BTLP_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/btlp-commission/clinic.db}"
mkdir -p "$(dirname "$BTLP_DB")"

(cd ui && npm run build --silent)
cargo build --bin btlp -p btlp-server
cargo build -p btlp-app --features custom-protocol

if [[ ! -e "$BTLP_DB" ]]; then
  ./target/debug/btlp demo --db "$BTLP_DB"
fi

if [[ -z "${DISPLAY:-}" ]]; then
  echo "No DISPLAY: starting a virtual one (Xvfb :99); attach a VNC viewer or set DISPLAY to see the window." >&2
  Xvfb :99 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  export DISPLAY=:99
  sleep 1
fi
export WEBKIT_DISABLE_DMABUF_RENDERER=1
exec ./target/debug/btlp-app
