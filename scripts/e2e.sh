#!/usr/bin/env bash
# End-to-end tests of the desktop app: builds the UI and the app (with the UI embedded), starts a private
# Xvfb display and tauri-driver (which drives WebKitWebDriver, which starts the app), and runs
# tests/e2e/run.mjs against a fresh clinic database. Screenshots of the main screens are written to
# docs/screenshots/ (set BTLP_SCREENSHOTS= to skip them). Stops everything it started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d -t btlp-e2e.XXXXXX)"
export PATH="${HOME}/.cargo/bin:${PATH}"
pids=()

fail() {
  echo "e2e: FAIL: $*" >&2
  exit 1
}

# Each background job leads its own process group (setsid), so stopping it also stops what it started:
# tauri-driver's WebKitWebDriver and the app.
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill -- "-${pid}" 2>/dev/null || true
  done
  sleep 0.5
  for pid in "${pids[@]}"; do
    kill -KILL -- "-${pid}" 2>/dev/null || true
  done
  if ((status != 0)); then
    for log in "${work}"/*.log; do
      [[ -s ${log} ]] || continue
      echo "e2e: last lines of ${log##*/}:" >&2
      tail -n 25 "${log}" >&2
    done
  fi
  rm -rf "${work}"
}
trap cleanup EXIT

for tool in npm cargo node python3 curl setsid tauri-driver WebKitWebDriver Xvfb xdpyinfo xwininfo import \
  chromium chromedriver certutil softhsm2-util pkcs11-tool openssl; do
  command -v "${tool}" >/dev/null 2>&1 || fail "${tool} not found (run scripts/deps.sh)"
done

echo "e2e: building the UI and the app"
(cd "${root}/ui" && npm run build --silent) || fail "npm run build failed in ui/"
(cd "${root}" && cargo build -p btlp-app --features custom-protocol) || fail "cargo build -p btlp-app failed"
app="${root}/target/debug/btlp-app"

display=''
for n in $(seq 97 130); do
  if [[ ! -e /tmp/.X${n}-lock && ! -e /tmp/.X11-unix/X${n} ]]; then
    display=":${n}"
    break
  fi
done
[[ -n ${display} ]] || fail "no free X display between :97 and :130"
setsid Xvfb "${display}" -screen 0 1280x800x24 -nolisten tcp >"${work}/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=${display}
for _ in $(seq 100); do
  xdpyinfo >/dev/null 2>&1 && break
  sleep 0.1
done
xdpyinfo >/dev/null 2>&1 || fail "Xvfb ${display} did not start"

# tauri-driver listens on one port and talks to WebKitWebDriver on another: both chosen here, so that two
# runs on one machine (or tauri-driver's default native port 4445) do not collide. The app it starts opens
# $BTLP_DB, so a second database needs a second driver.
export BTLP_EXPORT_DIR="${work}/exports"
export WEBKIT_DISABLE_DMABUF_RENDERER=1
# The webview keeps its storage (the chosen language) under XDG_DATA_HOME, the app its connection choice under
# XDG_CONFIG_HOME: fresh ones per run, so a developer's own choice of server never leaks into a test.
export XDG_DATA_HOME="${work}/data" XDG_CONFIG_HOME="${work}/config"
start_driver() {
  export BTLP_DB="$1"
  port=$((20000 + RANDOM % 20000))
  local native_port=$((port + 1))
  setsid tauri-driver --port "${port}" --native-port "${native_port}" >>"${work}/tauri-driver.log" 2>&1 &
  driver=$!
  pids+=("${driver}")
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:${port}/status" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "tauri-driver did not answer on port ${port} within 10 s"
}
# BTLP_E2E_LEG=server runs only the server leg (for working on it).
if [[ ${BTLP_E2E_LEG:-all} != server ]]; then
# A member's token and the chair's GOST certificate (issue 19); the app finds the token through SOFTHSM2_CONF,
# and the admin sets them up with the CLI.
(cd "${root}" && cargo build -q --bin btlp) || fail "cargo build --bin btlp failed"
bash "${root}/tests/e2e/outside-keys.sh" "${work}/outside" || fail "making the outside keys failed"
export SOFTHSM2_CONF="${work}/outside/softhsm2.conf"
start_driver "${work}/clinic.db"

echo "e2e: running tests/e2e/run.mjs on ${display}"
WEBDRIVER_URL="http://127.0.0.1:${port}" BTLP_APP="${app}" BTLP_CLI="${root}/target/debug/btlp" \
  BTLP_OUTSIDE="${work}/outside/outside.json" \
  BTLP_SCREENSHOTS="${BTLP_SCREENSHOTS-${root}/docs/screenshots}" \
  node "${root}/tests/e2e/run.mjs"

echo "e2e: the demo clinic (an overdue report on the deadline board)"
kill -- "-${driver}" 2>/dev/null || true
(cd "${root}" && cargo run -q --bin btlp -- demo --db "${work}/demo.db" >/dev/null) || fail "btlp demo failed"
export XDG_DATA_HOME="${work}/data-demo"
start_driver "${work}/demo.db"
WEBDRIVER_URL="http://127.0.0.1:${port}" BTLP_APP="${app}" \
  BTLP_SCREENSHOTS="${BTLP_SCREENSHOTS-${root}/docs/screenshots}" \
  node "${root}/tests/e2e/demo.mjs"
fi

echo "e2e: the app as a workstation of the clinic server (btlp serve on loopback)"
[[ -n ${driver-} ]] && kill -- "-${driver}" 2>/dev/null || true
btlp="${root}/target/debug/btlp"
(cd "${root}" && cargo build -q --bin btlp) || fail "cargo build --bin btlp failed"
served="${work}/server.db"
"${btlp}" demo --db "${served}" >/dev/null || fail "btlp demo (server) failed"
as_admin=(env BTLP_USER=admin BTLP_PASSWORD=admin-demo)
"${as_admin[@]}" "${btlp}" tls issue --db "${served}" --san 127.0.0.1,localhost --out "${work}/tls" >/dev/null \
  || fail "btlp tls issue failed"
"${as_admin[@]}" "${btlp}" unlock-file create "${work}/unlock.secret" --db "${served}" >/dev/null \
  || fail "btlp unlock-file create failed"
server_port=$((20000 + RANDOM % 20000))
(cd "${root}/ui" && npm run build:web --silent) || fail "npm run build:web failed in ui/"
setsid "${btlp}" serve --db "${served}" --listen "127.0.0.1:${server_port}" --tls-cert "${work}/tls/server.pem" \
  --tls-key "${work}/tls/server.key" --unlock-file "${work}/unlock.secret" --web "${root}/ui/dist-web" \
  >"${work}/server.log" 2>&1 &
pids+=($!)
"${as_admin[@]}" "${btlp}" export-root --db "${served}" --out "${work}/root.pem" >/dev/null || fail "export-root failed"
for _ in $(seq 100); do
  curl -sf --cacert "${work}/root.pem" "https://127.0.0.1:${server_port}/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done
"${as_admin[@]}" "${btlp}" connect-file --db "${served}" --url "https://127.0.0.1:${server_port}" \
  --out "${work}/clinic-connect.json" >/dev/null || fail "btlp connect-file failed"
# The browser workstation: headless Chromium trusting the clinic root alone (its own NSS database), driven by
# chromedriver.
export BROWSER_HOME="${work}/browser"
mkdir -p "${BROWSER_HOME}/.pki/nssdb"
certutil -N -d "sql:${BROWSER_HOME}/.pki/nssdb" --empty-password
certutil -A -d "sql:${BROWSER_HOME}/.pki/nssdb" -n btlp-clinic-root -t "C,," -i "${work}/root.pem"
chrome_port=$((20000 + RANDOM % 20000))
HOME="${BROWSER_HOME}" setsid chromedriver --port="${chrome_port}" >"${work}/chromedriver.log" 2>&1 &
pids+=($!)
export XDG_DATA_HOME="${work}/data-server" XDG_CONFIG_HOME="${work}/config-server"
start_driver "${work}/no-local-clinic.db"
WEBDRIVER_URL="http://127.0.0.1:${port}" BTLP_APP="${app}" BTLP_CONNECT_FILE="${work}/clinic-connect.json" \
  BTLP_SERVER_URL="https://127.0.0.1:${server_port}" NODE_EXTRA_CA_CERTS="${work}/root.pem" \
  CHROMEDRIVER_URL="http://127.0.0.1:${chrome_port}" BTLP_BROWSER_PROFILE="${work}/browser/profile" \
  BTLP_SCREENSHOTS="${BTLP_SCREENSHOTS-${root}/docs/screenshots}" \
  node "${root}/tests/e2e/server.mjs"
echo "e2e: OK"
