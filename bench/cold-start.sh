#!/usr/bin/env bash
# Cold start of the release app to an interactive sign-in screen, beside a bare Tauri 2 + Svelte app
# (bench/bare-tauri: one window, one component with a login field, one command) built the same way: builds
# both release binaries (UI embedded), then starts them N times each (default 10), in turn, on a private Xvfb
# display, the app against a demo clinic database. With BTLP_STARTUP_PROBE=1 the app prints the time from the
# start of its `run` to the UI's first status call (the moment the sign-in form is put on screen) and exits;
# the bare app prints the same for its first call. Prints each run, the medians and their ratio.
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
# The demo clinic is made by the CLI as the tests build it (debug): a release build of the server package
# compiles the PDF stack a second time, for a file nothing times.
(cd "${root}" && cargo build --bin btlp 2>&1 | tail -1)
app="${root}/target/release/btlp-app"
# The bare app: its UI built with ui/'s packages, its crate with the clinic's lock file (the same tauri) into
# the same target folder, so that nothing but the app differs.
bare_dir="${root}/bench/bare-tauri"
ln -sfn ../../../ui/node_modules "${bare_dir}/ui/node_modules"
(cd "${bare_dir}/ui" && ./node_modules/.bin/vite build --logLevel warn)
cp "${root}/Cargo.lock" "${bare_dir}/Cargo.lock"
(cd "${bare_dir}" && cargo build --release --target-dir "${root}/target" 2>&1 | tail -1)
bare="${root}/target/release/bare-tauri"
"${root}/target/debug/btlp" demo --db "${work}/clinic.db" >/dev/null

display=:$((140 + RANDOM % 50))
Xvfb "${display}" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=${display}
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

probe() {
  BTLP_DB="${work}/clinic.db" BTLP_STARTUP_PROBE=1 XDG_DATA_HOME="${work}/data" WEBKIT_DISABLE_DMABUF_RENDERER=1 \
    timeout 60 "$1" 2>/dev/null | awk '/^btlp-startup-ms/ { print $2 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.0f %.0f %.0f\n", m, a[1], a[NR] }'; }

app_times=()
bare_times=()
for i in $(seq "${runs}"); do
  a=$(probe "${app}")
  b=$(probe "${bare}")
  [[ -n ${a} && -n ${b} ]] || { echo "run ${i}: an app did not report its start (btlp-app: '${a}', bare: '${b}')" >&2; exit 1; }
  echo "run ${i}: btlp-app ${a} ms, bare Tauri ${b} ms"
  app_times+=("${a}")
  bare_times+=("${b}")
done
read -r am amin amax < <(printf '%s\n' "${app_times[@]}" | median)
read -r bm bmin bmax < <(printf '%s\n' "${bare_times[@]}" | median)
echo "median cold start to sign-in: btlp-app ${am} ms (min ${amin}, max ${amax}), bare Tauri 2 + Svelte ${bm} ms (min ${bmin}, max ${bmax}), over ${runs} runs each"
awk -v a="${am}" -v b="${bm}" 'BEGIN { printf "btlp-app / bare: %.2f× (goal ≤ 1.3×)\n", a / b }'
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "${PRETTY_NAME}")"
