#!/usr/bin/env bash
# The README's quick start: installs what is missing, builds libcvc, shows
# the toolkit on real certificates from tests/data/cvc-corpus, then issues
# and uses a badge: a demo PKI (samples/demo-pki.sh), a private pcscd with
# a blank virtual badge (applet-spec/vbadge), personalization through
# pcscd (cvc-issue), the badge read (cvc-read) and checked at a door
# (samples/door.c, cvc-verify --reader), revoked (cvc-issue revoke), and
# refused at the door. Everything it starts is stopped by PID at the end.
# Safe to run again.
#
# Needs root (or unprivileged user namespaces) for the private pcscd, as
# the PC/SC tests do. CVC_BUILD_DIR picks the build directory (default
# build); CVC_DEMO_NO_BUILD=1 skips installing and building (the test
# tests/integration/samples/demo.sh runs the demo on its own build).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${CVC_BUILD_DIR:-build}
case $build in /*) ;; *) build=$top/$build ;; esac

# Before the private namespace: install and build (once; the namespace
# re-runs this script and skips this part).
if [ "${CVC_PCSC_NS_PID:-}" != "$$" ] && [ -z "${CVC_DEMO_NO_BUILD:-}" ]; then
	# shellcheck source=scripts/deps.sh
	. scripts/deps.sh
	# shellcheck disable=SC2119
	cvc_install_deps
	[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
	ninja -C "$build" >/dev/null
fi

tools=$build/tools
print=$tools/cvc-print
verify=$tools/cvc-verify
issue=$tools/cvc-issue
export CVC_VICC=$build/tests/integration/stack/vicc
export CVC_PCSCWAIT=$build/tests/integration/stack/pcscwait
CVC_VBADGE=$build/applet-spec/vbadge/vbadge
corpus=tests/data/cvc-corpus
prod=$corpus/de_eid_production

# A private pcscd (the test stack's): this re-runs the script in its own
# mount namespace and stops pcscd and the badge by PID on exit.
# shellcheck source=tests/integration/stack/pcscd-env.sh
. tests/integration/stack/pcscd-env.sh
# shellcheck source=tests/integration/stack/vbadge-env.sh
. tests/integration/stack/vbadge-env.sh
pcsc_isolate "$0" "$@"

# Bold steps and dim commands on a terminal; plain text when piped.
if [ -t 1 ]; then
	bold=$'\033[1m' dim=$'\033[2m' plain=$'\033[0m'
else
	bold='' dim='' plain=''
fi
step() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$plain"; }
show() { # prints a command (as it could be typed), then runs it
	printf '%s$' "$dim"
	printf ' %q' "$@"
	printf '%s\n' "$plain"
	"$@"
}

step "1. A real chain: German eID production CVCA -> link -> DV -> terminal"
"$print" \
	"$prod"/DECVCAeID00102__at-cvca__selfsigned__*.cvcert \
	"$prod"/DECVCAeID00103__at-cvca-link__by_DECVCAeID00102__*.cvcert \
	"$prod"/DEDVeIDDTR101401__at-dv-nonofficial__by_DECVCAeID00102__*.cvcert \
	"$prod"/DE0000071005GM__at-terminal__by_DEDVeIDDTR101401__*.cvcert

step "2. The same terminal certificate as JSON (schema: doc/json-schema.md)"
"$print" --json "$prod"/DE0000071005GM__at-terminal__*.cvcert |
	python3 -c 'import json,sys
d = json.load(sys.stdin)["objects"][0]["object"]
print(json.dumps({k: d[k] for k in ("kind", "chr", "car", "chat", "effective", "expiration") if k in d}, indent=2))'

step "3. Broken input gets a clear error and exit code 2"
bad=$(mktemp)
head -c 100 "$prod"/DE0000071005GM__at-terminal__*.cvcert >"$bad"
set +e
"$print" "$bad"
echo "exit code: $?"
set -e
rm -f "$bad"

step "4. Verify the terminal against the CVCA trust anchor, on 2012-02-03 and today"
"$verify" -t "$prod"/DECVCAeID00102__at-cvca__selfsigned__*.cvcert --at 2012-02-03 \
	"$prod"/DEDVeIDDTR101401__at-dv-nonofficial__by_DECVCAeID00102__*.cvcert \
	"$prod"/DE0000071005GM__at-terminal__by_DEDVeIDDTR101401__*.cvcert
set +e
"$verify" -t "$prod"/DECVCAeID00102__at-cvca__selfsigned__*.cvcert \
	"$prod"/DEDVeIDDTR101401__at-dv-nonofficial__by_DECVCAeID00102__*.cvcert \
	"$prod"/DE0000071005GM__at-terminal__by_DEDVeIDDTR101401__*.cvcert | tail -n 1
echo "exit code: ${PIPESTATUS[0]} (1 = verification said no)"
set -e

# The badge: everything below lives in pcscd's scratch directory, which
# the exit trap removes; the tools and the door sample come from the build.
export PATH=$tools:$build/samples:$PATH
step "5. A hospital badge PKI: root CVCA, badge office DV, office and door terminals"
pcsc_start_pcscd >/dev/null
pki=$PCSC_DIR/pki
export CVC_KEY_PASS=demo-only-passphrase CVC_ISSUE=$issue
show bash samples/demo-pki.sh "$pki"
cd "$pki"
cvc-print dv.cvcert | grep -E '^  (CAR|CHR|expiration):|^      b'
echo "Badges get b0, which this hospital reads as \"may open ward doors\"."

step "6. A blank virtual badge in a reader of a private pcscd"
reader="pcsc:$PCSC_READER"
vbadge_start_vpcd "$PCSC_DIR/badge.state"
echo "vbadge (PID $VBADGE_PID) in \"$PCSC_READER\" (pcscd PID $PCSCD_PID)"
show cvc-read -r "$reader"

step "7. Personalize it through pcscd: key made on the badge, certificate, holder, PIN"
export CVC_BADGE_PIN=123456
show cvc-issue personalize -r "$reader" \
	--issuer-cert dv.cvcert --issuer-key dv.pem --anchor cvca.cvcert \
	--chr-prefix DEBADGE --name "Alice Example" --staff-id S-1001 \
	--department Cardiology --rights b0 --days 30 --out alice.cvcert

step "8. What the badge holds (cvc-read; the PIN unlocks the holder data)"
# The trust anchor's list of rights is long: its name is enough here.
show cvc-read -r "$reader" |
	awk '/^trust anchor/ { skip = 1; print; next } /^PIN:/ { skip = 0 }
	     !skip || /^  CHR:/'

step "9. At the door: the door sample, and cvc-verify --reader with the door terminal"
show door --once -r "$reader" -t cvca.cvcert -R b0
show cvc-verify -r "$reader" -t cvca.cvcert --require-right b0 \
	--terminal-cert dv.cvcert --terminal-cert door.cvcert \
	--terminal-key door.pem --holder

step "10. The badge office revokes the badge (signed revocation list)"
chr=$(cvc-print alice.cvcert | sed -n 's/^  CHR: *//p')
show cvc-issue revoke --issuer-cert dv.cvcert --issuer-key dv.pem \
	--crl badges.crl --chr "$chr"

step "11. The door refuses it now"
set +e
show door --once -r "$reader" -t cvca.cvcert -c badges.crl -R b0
echo "exit code: $? (1 = refused)"
set -e

step "12. Clean up"
# The exit trap (pcsc_cleanup) stops what the demo started, by PID, and
# removes the scratch directory with the demo PKI and the badge state.
echo "stopping vbadge (PID $VBADGE_PID) and pcscd (PID $PCSCD_PID)"
