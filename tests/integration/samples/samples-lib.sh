# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Shared by the samples' tests: a private pcscd with vpcd
# (../stack/pcscd-env.sh), the virtual badge (vbadge) served to it
# (../stack/vbadge-env.sh), the
# demo PKI (samples/demo-pki.sh) and badge personalization with cvc-issue.
#
#   . "$(dirname "$0")/samples-lib.sh"
#   samples_init "$0" "$@"        # namespace, pcscd, PKI in $PKI
#   badge_insert STATE            # vbadge on STATE; waits until present
#   badge_personalize CHR-PREFIX NAME STAFF-ID DEPT PIN
#   badge_remove                  # waits until pcscd sees it gone
#   run CMD; expect_rc / expect_match / expect_cmd; finish   (assertions)
#
# Needs from meson: CVC_VICC, CVC_PCSCWAIT, CVC_ISSUE, CVC_VBADGE (test_env).
set -euo pipefail

samples_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
samples_top=$(cd "$samples_here/../../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../stack/pcscd-env.sh
. "$samples_here/../stack/pcscd-env.sh"
# shellcheck source-path=SCRIPTDIR source=../stack/vbadge-env.sh
. "$samples_here/../stack/vbadge-env.sh"

checks=0
failures=0
OUT="" ERR="" RC=0

# run CMD...: stdout to $OUT, stderr to $ERR, exit status to $RC.
run() {
	set +e
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
	set -e
}

ok() {
	checks=$((checks + 1))
	echo "ok: $*"
}

bad() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "FAIL: $*"
	echo "  exit status: $RC"
	echo "  stdout: $(head -c 600 "$OUT")"
	echo "  stderr: $(head -c 600 "$ERR")"
}

# expect_rc N WHAT
expect_rc() {
	if [ "$RC" -eq "$1" ]; then ok "$2: exit $1"; else bad "$2: expected exit $1"; fi
}

# expect_match FILE ERE WHAT
expect_match() {
	if grep -Eq -- "$2" "$1"; then ok "$3: /$2/"; else bad "$3: no line matches /$2/"; fi
}

# expect_no_match FILE ERE WHAT
expect_no_match() {
	if grep -Eq -- "$2" "$1"; then bad "$3: a line matches /$2/"; else ok "$3: !/$2/"; fi
}

# expect_cmd WHAT CMD...: CMD succeeds
expect_cmd() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# A sample must stay short enough to read in one sitting.
expect_short_source() {
	local lines
	lines=$(wc -l <"$1")
	if [ "$lines" -lt 200 ]; then
		ok "$(basename "$1") has $lines lines (< 200)"
	else
		bad "$(basename "$1") has $lines lines (must be < 200)"
	fi
}

finish() {
	echo "$checks checks, $failures failed"
	[ "$failures" -eq 0 ] || exit 1
	exit 0
}

# Re-runs the test in its own mount namespace, starts pcscd and creates
# the demo PKI in $PKI. $WORK is a scratch directory (removed on exit).
samples_init() {
	: "${CVC_ISSUE:?CVC_ISSUE must name cvc-issue}"
	: "${CVC_VBADGE:?CVC_VBADGE must name the vbadge program (applet-spec/vbadge)}"
	pcsc_isolate "$@"
	pcsc_start_pcscd
	READER="pcsc:$PCSC_READER"
	WORK=$PCSC_DIR/work
	PKI=$WORK/pki
	mkdir -p "$WORK"
	OUT=$WORK/stdout
	ERR=$WORK/stderr
	export CVC_KEY_PASS=samples-test-pass
	CVC_ISSUE=$CVC_ISSUE bash "$samples_top/samples/demo-pki.sh" "$PKI" \
		>"$WORK/pki.log" 2>&1 || {
		cat "$WORK/pki.log"
		pcsc_fail "samples/demo-pki.sh failed"
	}
}

# Forgets a PID stopped by the test (pcscd-env.sh's pcsc_forget_pid).
samples_forget_pid() {
	pcsc_forget_pid "$1"
}

# badge_insert STATE-FILE: the virtual badge (created BLANK when the file
# does not exist) comes to the reader.
badge_insert() {
	vbadge_start_vpcd "$1"
}

# The badge leaves the reader; returns once pcscd has seen it go.
badge_remove() {
	vbadge_remove
}

# badge_personalize CHR-PREFIX NAME STAFF-ID DEPARTMENT PIN: personalizes
# the badge in the reader under the demo DV with the door right b0;
# the certificate goes to $WORK/<prefix>.cvcert.
badge_personalize() {
	CVC_BADGE_PIN=$5 run "$CVC_ISSUE" personalize -r "$READER" \
		--issuer-cert "$PKI/dv.cvcert" --issuer-key "$PKI/dv.pem" \
		--anchor "$PKI/cvca.cvcert" --chr-prefix "$1" --name "$2" \
		--staff-id "$3" --department "$4" --rights b0 --days 30 \
		--out "$WORK/$1.cvcert"
	[ "$RC" -eq 0 ] || {
		cat "$OUT" "$ERR"
		pcsc_fail "cvc-issue personalize failed (exit $RC)"
	}
}

# revoke CHR: adds CHR to the DV's revocation list $WORK/badges.crl.
revoke() {
	run "$CVC_ISSUE" revoke --issuer-cert "$PKI/dv.cvcert" \
		--issuer-key "$PKI/dv.pem" --crl "$WORK/badges.crl" --chr "$1"
	[ "$RC" -eq 0 ] || {
		cat "$OUT" "$ERR"
		pcsc_fail "cvc-issue revoke $1 failed (exit $RC)"
	}
}

# wait_for_lines FILE ERE N SECONDS: polls until N lines of FILE match.
wait_for_lines() {
	local deadline=$((SECONDS + $4)) n
	while [ "$SECONDS" -le "$deadline" ]; do
		n=$(grep -Ec -- "$2" "$1" 2>/dev/null || true)
		[ "${n:-0}" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}
