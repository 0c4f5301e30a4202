# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by the badge reader tests (badge-reader.sh): the check helpers of
# ../../lib.sh, a test PKI made with cvc-issue, and the virtual badge
# (applet-spec/vbadge) on the transport under test:
#
#   pcsc  vbadge --vpcd behind a private pcscd (../../stack/pcscd-env.sh;
#         the caller sources it and runs pcsc_isolate first)
#   nfc   vbadge --pn532: a PN532 on a pseudo-terminal for libnfc's
#         pn532_uart driver
#
#   badge_start STATE [vbadge options]   sets READER
#   badge_stop                           returns once the card is gone
#
# (../../stack/vbadge-env.sh starts and stops the badge.)
#
# Everything started here is stopped by PID on exit.
#
# Environment (tests/meson.build): CVC_READ CVC_VERIFY CVC_ISSUE CVC_PRINT
# CVC_VBADGE, and for pcsc CVC_VICC CVC_PCSCWAIT.

: "${CVC_READ:?CVC_READ must name the cvc-read binary}"
: "${CVC_VERIFY:?CVC_VERIFY must name the cvc-verify binary}"
: "${CVC_ISSUE:?CVC_ISSUE must name the cvc-issue binary}"
: "${CVC_VBADGE:?CVC_VBADGE must name the vbadge binary}"
READER_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DOC_DIR=$(cd "$READER_LIB_DIR/../../../../doc" && pwd)
# shellcheck source=../../lib.sh
. "$READER_LIB_DIR/../../lib.sh"
# The NFC side needs pcscd-env.sh's helpers only (it starts no pcscd).
if ! declare -F pcsc_stop_pid >/dev/null; then
	# shellcheck source-path=SCRIPTDIR source=../../stack/pcscd-env.sh
	. "$READER_LIB_DIR/../../stack/pcscd-env.sh"
fi
# shellcheck source-path=SCRIPTDIR source=../../stack/vbadge-env.sh
. "$READER_LIB_DIR/../../stack/vbadge-env.sh"

READER=""
TRANSPORT=${TRANSPORT:?set TRANSPORT to pcsc or nfc before sourcing}
VBADGE_LOG=$TMP/vbadge.log

# The NFC side: libnfc must use only the device we name.
export LIBNFC_AUTO_SCAN=false
unset LIBNFC_DEVICE LIBNFC_DEFAULT_DEVICE

reader_cleanup() {
	local rc=$?
	vbadge_stop
	if [ "$rc" != 0 ] && [ -s "$TMP/vbadge.log" ]; then
		echo "--- vbadge.log (last 30 lines):" >&2
		tail -n 30 "$TMP/vbadge.log" >&2
	fi
	rm -rf "$TMP"
	if [ "$TRANSPORT" = pcsc ]; then
		(exit "$rc")
		pcsc_cleanup # stops pcscd and exits with rc
	fi
	exit "$rc"
}
trap reader_cleanup EXIT

# ------------------------------------------------------------------
# The badge

# The reader is the pty itself, not the link: once vbadge has gone, the
# tests see a device that does not answer.
badge_start() {
	if [ "$TRANSPORT" = pcsc ]; then
		vbadge_start_vpcd "$@"
		READER="pcsc:$PCSC_READER"
	else
		vbadge_start_pn532 "$1" "$TMP/pn532" "${@:2}"
		READER="nfc:pn532_uart:$VBADGE_PTY"
	fi
	echo "badge up: vbadge PID $VBADGE_PID ${*:2} on $READER"
}

# Stops vbadge by PID (it may have gone already: --remove-after).
badge_stop() {
	[ -n "$VBADGE_PID" ] || return 0
	vbadge_stop
	[ "$TRANSPORT" != pcsc ] || vbadge_wait_absent
}

# ------------------------------------------------------------------
# The PKI: a hospital CVCA and DV, two terminals (with and without the
# read holder data right, CHAT bit 8 "read DG1"), and a foreign CVCA.

export CVC_KEY_PASS=reader-test-pass
TODAY=$(date -u +%F)
after_days() { date -u -d "$TODAY + $1 days" +%F; }

# issue_or_die WHAT CMD...: the PKI must be built for the rest to mean
# anything.
issue_or_die() {
	local what=$1
	shift
	if ! "$@" >"$TMP/issue.out" 2>&1; then
		echo "FAIL: cannot build the test PKI: $what"
		cat "$TMP/issue.out"
		exit 1
	fi
}

make_pki() {
	local I=$CVC_ISSUE d=$TMP/pki
	mkdir -p "$d"
	issue_or_die "root" "$I" root --chr DEHOSPCVCA00001 --type at --days 3650 \
		--key-out "$d/cvca.pem" --out "$d/cvca.cvcert"
	issue_or_die "DV request" "$I" request --key-out "$d/dv.pem" \
		--chr DEHOSPDV00001 --car DEHOSPCVCA00001 --out "$d/dv.cvreq"
	issue_or_die "DV" "$I" dv --issuer-cert "$d/cvca.cvcert" --issuer-key "$d/cvca.pem" \
		--request "$d/dv.cvreq" --rights 'age verification,b1,b3,b5,b6,read DG1' \
		--days 1000 --out "$d/dv.cvcert"
	make_terminal reader 'read DG1'
	make_terminal door b1
	issue_or_die "foreign root" "$I" root --chr DEOTHERCA00001 --type at --days 3650 \
		--key-out "$d/other.pem" --out "$d/other.cvcert"
	PKI=$d
}

# make_terminal NAME RIGHTS: DV-issued terminal certificate NAME.cvcert
make_terminal() {
	local I=$CVC_ISSUE d=$TMP/pki chr
	chr=DE$(echo "$1" | tr a-z A-Z)00001
	issue_or_die "$1 request" "$I" request --key-out "$d/$1.pem" --chr "$chr" \
		--out "$d/$1.cvreq"
	issue_or_die "$1 terminal" "$I" issue --issuer-cert "$d/dv.cvcert" \
		--issuer-key "$d/dv.pem" --request "$d/$1.cvreq" --rights "$2" \
		--days 400 --out "$d/$1.cvcert"
}

# ------------------------------------------------------------------
# Assertions on top of lib.sh

# expect_json_members FILE DOC: every top-level member of the JSON document
# FILE is named in the documentation file DOC.
expect_json_members() {
	local m
	"$PYTHON" -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' \
		"$1" >"$TMP/members" 2>/dev/null
	check
	if [ -s "$TMP/members" ]; then pass "members of $(basename "$1") listed"; else fail "no JSON members in $1"; return; fi
	while read -r m; do
		check
		if grep -qw -- "$m" "$2"; then
			pass "$(basename "$2") documents member $m"
		else
			fail "$(basename "$2") does not document member $m"
		fi
	done <"$TMP/members"
}

# apdu_after_select FILE: the number of command APDUs in a -v log after
# the last SELECT by AID (00 A4 04).
apdu_after_select() {
	awk '/^> / { n++ } /^> 00 A4 04/ { n = 0 } END { print n + 0 }' "$1"
}
