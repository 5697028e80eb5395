#!/usr/bin/env bash
# Smoke test of the desktop app: builds the UI and the debug app, starts it on an X display (a private Xvfb
# unless DISPLAY already works), waits for its main window and for the page to paint, optionally keeps a
# screenshot, and stops everything it started.
#
# Usage: scripts/app-smoke.sh [SCREENSHOT.png]
# Exit status: 0 when the window appeared and showed the UI, 1 otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
title_part='врачебная комиссия'
# Only our own page paints this colour (--accent in ui/src/app.css); an error page such as "could not
# connect to localhost" does not.
accent='#1D3C6E'
timeout_s=60
app_log="$(mktemp -t btlp-app-smoke.XXXXXX.log)"
shot="${1:-$(mktemp -t btlp-app-smoke.XXXXXX.png)}"
keep_shot=${1:+1}

# The window title is UTF-8; xwininfo and grep must both read it as such.
export LC_ALL=C.UTF-8

app_pid=''
xvfb_pid=''

fail() {
  echo "app-smoke: FAIL: $*" >&2
  exit 1
}

stop() {
  local pid=$1
  kill "${pid}" 2>/dev/null || return 0
  for _ in $(seq 50); do
    kill -0 "${pid}" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "${pid}" 2>/dev/null || true
}

cleanup() {
  local status=$?
  [[ -n ${app_pid} ]] && stop "${app_pid}"
  [[ -n ${xvfb_pid} ]] && stop "${xvfb_pid}"
  if ((status != 0)) && [[ -s ${app_log} ]]; then
    echo "app-smoke: last lines of the app's output:" >&2
    tail -n 20 "${app_log}" >&2
  fi
  rm -f "${app_log}"
  [[ -n ${keep_shot} ]] || rm -f "${shot}"
}
trap cleanup EXIT

for tool in npm cargo xwininfo xdpyinfo; do
  command -v "${tool}" >/dev/null 2>&1 || fail "${tool} not found (run scripts/deps.sh)"
done

echo "app-smoke: building the UI"
(cd "${root}/ui" && npm run build --silent) || fail "npm run build failed in ui/"

# Without custom-protocol a debug binary loads the Vite dev server instead of the ui/dist it should embed.
echo "app-smoke: building the app"
(cd "${root}" && cargo build -p btlp-app --features custom-protocol) || fail "cargo build -p btlp-app failed"
app="${root}/target/debug/btlp-app"
[[ -x ${app} ]] || fail "${app} was not built"

if [[ -n ${DISPLAY:-} ]] && xdpyinfo >/dev/null 2>&1; then
  echo "app-smoke: using DISPLAY=${DISPLAY}"
else
  command -v Xvfb >/dev/null 2>&1 || fail "no usable DISPLAY and Xvfb not found (run scripts/deps.sh)"
  display=''
  for n in $(seq 97 130); do
    if [[ ! -e /tmp/.X${n}-lock && ! -e /tmp/.X11-unix/X${n} ]]; then
      display=":${n}"
      break
    fi
  done
  [[ -n ${display} ]] || fail "no free X display between :97 and :130"
  Xvfb "${display}" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=${display}
  for _ in $(seq 100); do
    xdpyinfo >/dev/null 2>&1 && break
    kill -0 "${xvfb_pid}" 2>/dev/null || fail "Xvfb ${display} exited at start"
    sleep 0.1
  done
  xdpyinfo >/dev/null 2>&1 || fail "Xvfb ${display} did not accept connections within 10 s"
  echo "app-smoke: started Xvfb on ${display}"
fi

WEBKIT_DISABLE_DMABUF_RENDERER=1 "${app}" >"${app_log}" 2>&1 &
app_pid=$!

found=''
for _ in $(seq $((timeout_s * 2))); do
  kill -0 "${app_pid}" 2>/dev/null || fail "the app exited before its window appeared"
  if xwininfo -root -tree 2>/dev/null | grep -qF "${title_part}"; then
    found=1
    break
  fi
  sleep 0.5
done
[[ -n ${found} ]] || fail "no window titled \"…${title_part}\" within ${timeout_s} s"
echo "app-smoke: window \"$(xwininfo -root -tree | grep -oF -m1 "БТЛП — ${title_part}" || echo "${title_part}")\" is up"

# The window maps before the webview paints: retake the screenshot until the page shows.
painted=''
for _ in $(seq 40); do
  sleep 0.5
  import -window root "${shot}" 2>/dev/null || continue
  if convert "${shot}" -format '%c' histogram:info:- | grep -qF "${accent} "; then
    painted=1
    break
  fi
done
[[ -n ${painted} ]] || fail "the window never showed the UI (no ${accent} pixels within 20 s)"
[[ -n ${keep_shot} ]] && echo "app-smoke: screenshot saved to ${shot}"

kill -0 "${app_pid}" 2>/dev/null || fail "the app exited while the test ran"
echo "app-smoke: OK"
