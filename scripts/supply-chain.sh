#!/usr/bin/env bash
# The supply-chain check of the test command: `cargo deny` for known vulnerabilities (against the RustSec
# snapshot in ../shared/advisory-db, offline), licences, banned and duplicated crypto crates, and sources.
# BTLP_ADVISORY_SNAPSHOT points it at another snapshot (the test that proves it can fail uses one with an
# advisory added).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${HOME}/.cargo/bin:${PATH}"

# The snapshot beside the project (../shared/advisory-db), or where our machines keep the shared folder.
snapshot="${BTLP_ADVISORY_SNAPSHOT:-}"
if [[ -z ${snapshot} ]]; then
  for candidate in "$(cd .. && pwd)/shared/advisory-db" /work/shared/advisory-db; do
    if [[ -d ${candidate}/crates ]]; then
      snapshot="${candidate}"
      break
    fi
  done
fi
if [[ ! -d ${snapshot:-/nonexistent}/crates ]]; then
  echo "supply chain: no RustSec advisory snapshot found (../shared/advisory-db); the check cannot run" >&2
  exit 1
fi
date_line=$(grep -m1 -oE 'of [0-9]{2}\.[0-9]{2}\.[0-9]{4}' "${snapshot}/SNAPSHOT.md" 2>/dev/null || true)
echo "supply chain: RustSec advisory snapshot ${date_line#of } (${snapshot})"

# cargo deny reads the database as a git repository in <db-path>/advisory-db-<hash of the default URL>, and
# the snapshot is read-only: a temporary copy with one commit stands in for the fetch.
dbs=$(mktemp -d)
trap 'rm -rf "${dbs}"' EXIT
copy="${dbs}/advisory-db-3157b0e258782691"
cp -r "${snapshot}" "${copy}"
chmod -R u+w "${copy}"
(cd "${copy}" && git init -q && git add -A && git -c user.name=snapshot -c user.email=snapshot@localhost \
  commit -qm snapshot)
export BTLP_ADVISORY_DBS="${dbs}"

cargo fetch --locked --quiet
cargo deny --offline --workspace --config deny.toml check advisories licenses bans sources

# The check must be able to fail: the same snapshot with one made-up vulnerability in a crate we use (`hex`,
# every version) must be refused.
if [[ -z ${BTLP_ADVISORY_SNAPSHOT:-} ]]; then
  planted=$(mktemp -d)
  trap 'rm -rf "${dbs}" "${planted}"' EXIT
  cp -r "${snapshot}" "${planted}/db" && chmod -R u+w "${planted}/db"
  mkdir -p "${planted}/db/crates/hex"
  cat > "${planted}/db/crates/hex/RUSTSEC-2099-0001.md" <<'ADVISORY'
```toml
[advisory]
id = "RUSTSEC-2099-0001"
package = "hex"
date = "2099-01-01"

[versions]
patched = []
```
# A made-up vulnerability, planted to prove the check fails
ADVISORY
  if BTLP_ADVISORY_SNAPSHOT="${planted}/db" bash "${BASH_SOURCE[0]}" > "${planted}/out.txt" 2>&1; then
    echo "supply chain: a snapshot with a vulnerability planted in hex passed the check; it must fail" >&2
    exit 1
  fi
  if ! grep -q 'RUSTSEC-2099-0001' "${planted}/out.txt"; then
    echo "supply chain: the planted advisory's check failed for another reason:" >&2
    cat "${planted}/out.txt" >&2
    exit 1
  fi
  echo "supply chain: a vulnerability planted in hex is refused (RUSTSEC-2099-0001), as it must be"
fi

# The UI's production dependencies, when the npm registry we reach answers audits (ours answers 405).
if [[ -z ${BTLP_ADVISORY_SNAPSHOT:-} ]]; then
  audit=$(cd ui && npm audit --omit=dev 2>&1) && status=0 || status=$?
  if grep -q "^npm error" <<<"${audit}"; then
    # No answer (the endpoint refused, no network): no finding either way, and said so.
    why=$(grep -m1 -oE '[0-9]{3} [A-Za-z ]+ - POST' <<<"${audit}" | sed 's/ - POST//' || true)
    echo "supply chain: npm audit skipped: the registry gave no audit answer (${why:-$(grep -m1 '^npm error' <<<"${audit}")})"
  elif ((status != 0)); then
    echo "${audit}" >&2
    exit 1
  else
    echo "supply chain: npm audit of ui/ (production dependencies): $(tail -1 <<<"${audit}")"
  fi
fi
