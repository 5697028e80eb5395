#!/usr/bin/env bash
# Installs what building, testing and running btlp-commission needs on Debian 12: the system packages for
# Tauri 2 (WebKitGTK 4.1), headless runs (Xvfb, WebKitWebDriver), screenshots and PDF checks, a PKCS#11 token
# and GOST signing for the signing tests (SoftHSM2, OpenSC, OpenSSL's gost engine), then the UI's npm packages.
# Idempotent, and quick when everything is already there.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev
  build-essential pkg-config libssl-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  xvfb xauth webkit2gtk-driver imagemagick poppler-utils x11-utils
  zbar-tools
  libnss3-tools qpdf curl openssl
  chromium chromium-driver
  softhsm2 opensc libengine-gost-openssl
)

as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  else
    sudo env DEBIAN_FRONTEND=noninteractive "$@"
  fi
}

# `dpkg -s` also succeeds for a removed package whose configuration files remain, so read its status line.
missing=()
for package in "${packages[@]}"; do
  if ! dpkg -s "${package}" 2>/dev/null | grep -qx 'Status: install ok installed'; then
    missing+=("${package}")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "deps: installing ${missing[*]}"
  as_root apt-get update
  as_root apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "deps: system packages present"
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "deps: npm not found; install Node.js 20.19+ (Vite 8 needs it) and run this again" >&2
  exit 1
fi

# npm rewrites node_modules/.package-lock.json on every install, so it dates the installed tree.
ui="${root}/ui"
installed="${ui}/node_modules/.package-lock.json"
if [[ ! -f ${installed} || ${ui}/package-lock.json -nt ${installed} ]]; then
  echo "deps: npm ci in ui/"
  (cd "${ui}" && npm ci --no-audit --no-fund)
else
  echo "deps: ui/node_modules up to date"
fi

# The WebDriver server for Tauri apps, used by the end-to-end tests (scripts/e2e.sh).
export PATH="${HOME}/.cargo/bin:${PATH}"
# The supply-chain check (scripts/supply-chain.sh): cargo deny, the version whose offline reading of the
# advisory snapshot is known to work.
if ! cargo deny --version 2>/dev/null | grep -qx 'cargo-deny 0.20.2'; then
  echo "deps: cargo install cargo-deny"
  cargo install cargo-deny --locked --version 0.20.2
else
  echo "deps: cargo-deny present"
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "deps: cargo install tauri-driver"
  cargo install tauri-driver --locked
else
  echo "deps: tauri-driver present"
fi
