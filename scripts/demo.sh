#!/usr/bin/env bash
# The README's quick start: installs what is missing, builds libcvc, and
# shows what the toolkit does today on real certificates from the corpus in
# tests/data/cvc-corpus. Safe to run again.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=scripts/deps.sh
. scripts/deps.sh
# shellcheck disable=SC2119
cvc_install_deps

build=${CVC_BUILD_DIR:-build}
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" >/dev/null
print="$build/tools/cvc-print"
verify="$build/tools/cvc-verify"
corpus=tests/data/cvc-corpus
prod=$corpus/de_eid_production

step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

step "1. A real chain: German eID production CVCA -> link -> DV -> terminal"
"$print" \
	"$prod"/DECVCAeID00102__at-cvca__selfsigned__*.cvcert \
	"$prod"/DECVCAeID00103__at-cvca-link__by_DECVCAeID00102__*.cvcert \
	"$prod"/DEDVeIDDTR101401__at-dv-nonofficial__by_DECVCAeID00102__*.cvcert \
	"$prod"/DE0000071005GM__at-terminal__by_DEDVeIDDTR101401__*.cvcert

step "2. A gematik G2 health-card certificate (CPI 70, flag-list CHAT)"
"$print" "$corpus"/gematik_g2/0006_80-276-88311-0000015501__ee__*.cvcert

step "3. The same terminal certificate as JSON (schema: doc/json-schema.md)"
"$print" --json "$prod"/DE0000071005GM__at-terminal__*.cvcert |
	python3 -c 'import json,sys
d = json.load(sys.stdin)["objects"][0]["object"]
print(json.dumps({k: d[k] for k in ("kind", "chr", "car", "chat", "effective", "expiration") if k in d}, indent=2))'

step "4. Hex input is detected automatically"
xxd -p "$prod"/DECVCAeSign00102__st-cvca__selfsigned__*.cvcert >/tmp/cvc-demo.hex
"$print" /tmp/cvc-demo.hex | head -n 8
rm -f /tmp/cvc-demo.hex

step "5. Broken input gets a clear error and exit code 2"
bad=$(mktemp)
head -c 100 "$prod"/DE0000071005GM__at-terminal__*.cvcert >"$bad"
set +e
"$print" "$bad"
echo "exit code: $?"
set -e
rm -f "$bad"

step "6. Verify the terminal against the CVCA trust anchor, on 2012-02-03 and today"
"$verify" -t "$prod"/DECVCAeID00102__at-cvca__selfsigned__*.cvcert --at 2012-02-03 \
	"$prod"/DEDVeIDDTR101401__at-dv-nonofficial__by_DECVCAeID00102__*.cvcert \
	"$prod"/DE0000071005GM__at-terminal__by_DEDVeIDDTR101401__*.cvcert
set +e
"$verify" -t "$prod"/DECVCAeID00102__at-cvca__selfsigned__*.cvcert \
	"$prod"/DEDVeIDDTR101401__at-dv-nonofficial__by_DECVCAeID00102__*.cvcert \
	"$prod"/DE0000071005GM__at-terminal__by_DEDVeIDDTR101401__*.cvcert | tail -n 1
echo "exit code: ${PIPESTATUS[0]} (1 = verification said no)"
set -e

step "7. Every object in the corpus"
count=$(find "$corpus" -name '*.cvcert' -o -name '*.cvreq' | wc -l)
find "$corpus" \( -name '*.cvcert' -o -name '*.cvreq' \) -print0 |
	xargs -0 "$print" --lenient >/dev/null 2>&1 &&
	echo "cvc-print decoded and printed all $count objects"
