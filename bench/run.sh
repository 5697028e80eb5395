#!/usr/bin/env bash
# Benchmarks rendering and signing decisions (cargo bench, release build) and compares one signature with
# pyHanko signing the same unsigned PDF with the same key, in the same run. Prints the figures and the ratio.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv="${BTLP_BENCH_VENV:-bench/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pyhanko
fi

rust_json=$(cargo bench --bench documents 2>/dev/null | tee /dev/stderr | grep '^{')
py_json=$("$venv/bin/python" bench/pyhanko_sign.py bench/out)
echo "$py_json"
python3 - "$rust_json" "$py_json" <<'PY'
import json, sys
rust, py = json.loads(sys.argv[1]), json.loads(sys.argv[2])
py_ms = py["pyhanko_per_signature_ms"]
ratio = py_ms / rust["first_signature_ms"]
print(f"pyHanko, one signature:           median {py_ms:.2f} ms")
print(f"btlp is {ratio:.0f}x faster per signature than pyHanko "
      f"({rust['first_signature_ms']:.2f} ms vs {py_ms:.2f} ms: the same unsigned PDF and key, both invisible; "
      f"a visible one with its stamp: {rust['first_visible_ms']:.2f} ms) — goal 40x")
print(f"render + sign by 3 signers (visible, as the clinic signs): {rust['render_sign3_ms']:.2f} ms median, "
      f"{rust['render_sign3_ms'] / py_ms:.2f} of pyHanko's one signature — goal 0.25")
PY
