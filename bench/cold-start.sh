#!/usr/bin/env bash
# Cold start of the release app to an interactive sign-in screen: builds the release binary (UI embedded),
# then starts it N times (default 10) on a private Xvfb display against an existing clinic database. With
# BTLP_STARTUP_PROBE=1 the app prints the time from process start to the UI's first status call (the
# moment the sign-in form is put on screen) and exits. Prints each run and the median.
#
# Usage: bench/cold-start.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=${1:-10}
work="$(mktemp -d -t btlp-cold.XXXXXX)"
xvfb=''
cleanup() {
  [[ -n ${xvfb} ]] && kill "${xvfb}" 2>/dev/null || true
  rm -rf "${work}"
}
trap cleanup EXIT

(cd "${root}/ui" && npm run build --silent)
(cd "${root}" && cargo build --release -p btlp-app --features custom-protocol --bin btlp-app 2>&1 | tail -1)
(cd "${root}" && cargo build --release --bin btlp 2>&1 | tail -1)
app="${root}/target/release/btlp-app"
"${root}/target/release/btlp" demo --db "${work}/clinic.db" >/dev/null

display=:$((140 + RANDOM % 50))
Xvfb "${display}" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=${display}
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

times=()
for i in $(seq "${runs}"); do
  ms=$(BTLP_DB="${work}/clinic.db" BTLP_STARTUP_PROBE=1 XDG_DATA_HOME="${work}/data" WEBKIT_DISABLE_DMABUF_RENDERER=1 \
    timeout 60 "${app}" 2>/dev/null | awk '/^btlp-startup-ms/ { print $2 }')
  [[ -n ${ms} ]] || { echo "run ${i}: the app did not report its start" >&2; exit 1; }
  echo "run ${i}: ${ms} ms"
  times+=("${ms}")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median cold start to sign-in: %.0f ms over %d runs (min %.0f, max %.0f)\n", m, NR, a[1], a[NR] }'
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "${PRETTY_NAME}")"
