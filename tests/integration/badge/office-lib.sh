# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Shared by the badge office tests (cvc-issue's reader verbs): a private
# pcscd with vpcd (../stack/pcscd-env.sh), the virtual badge behind it
# (../stack/vbadge-env.sh), a demo PKI made with cvc-issue, and the check
# helpers of ../lib.sh.
#
#   . "$(dirname "$0")/office-lib.sh" "$@"   # first thing in a test
#   office_setup                              # pcscd up, PKI in $TMP
#   badge_start STATE [vbadge options]        # card in; sets VBADGE_PID
#   badge_stop                                # card out
#
# Needs CVC_ISSUE, CVC_VBADGE, CVC_VICC, CVC_PCSCWAIT (meson's test_env)
# and the path of badgecheck (badgecheck.c) as the script's first argument.

office_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../stack/pcscd-env.sh
. "$office_here/../stack/pcscd-env.sh"
# Re-runs the test in its own mount namespace: before anything else, so
# the outer process leaves nothing behind.
pcsc_isolate "$0" "$@"
# shellcheck source-path=SCRIPTDIR source=../stack/vbadge-env.sh
. "$office_here/../stack/vbadge-env.sh"
# shellcheck source=../lib.sh
. "$office_here/../lib.sh"

: "${CVC_ISSUE:?CVC_ISSUE must name the cvc-issue binary}"
: "${CVC_VBADGE:?CVC_VBADGE must name the vbadge binary}"
BADGECHECK=${1:?usage: $0 PATH-OF-badgecheck}

office_cleanup() {
	local rc=$?
	rm -rf "$TMP"
	(exit "$rc")
	pcsc_cleanup
}
trap office_cleanup EXIT

I=$CVC_ISSUE
export CVC_KEY_PASS=office-test-pass

# pcscd up, a demo PKI in $TMP/pki: CVCA (AT, all rights) -> DV (doors b0,
# terminate b3, PIN b5, renew b6, read holder b8) -> the office station
# (renew and terminate), a station with terminate only and one with renew
# only. Dates start today: cvc-issue issues badges from today.
office_setup() {
	pcsc_start_pcscd
	R="pcsc:$PCSC_READER"
	PKI=$TMP/pki
	mkdir -p "$PKI"
	(
		cd "$PKI" || exit 1
		set -e
		"$I" root --chr DEHOSPCVCA00001 --type at --days 1000 \
			--key-out cvca.pem --out cvca.cvcert
		"$I" request --key-out dv.pem --chr DEHOSPDV000001 --out dv.cvreq
		"$I" dv --issuer-cert cvca.cvcert --issuer-key cvca.pem \
			--request dv.cvreq --rights b0,b1,b3,b5,b6,b8 --days 400 \
			--out dv.cvcert
		for t in office:b3,b6 termonly:b3 renewonly:b6; do
			"$I" request --key-out "${t%%:*}.pem" \
				--chr "DE${t%%:*}00001" --out "${t%%:*}.cvreq"
			"$I" issue --issuer-cert dv.cvcert --issuer-key dv.pem \
				--request "${t%%:*}.cvreq" --rights "${t#*:}" \
				--days 30 --out "${t%%:*}.cvcert"
		done
	) >"$TMP/pki.log" 2>&1 || {
		cat "$TMP/pki.log"
		pcsc_fail "the demo PKI could not be made"
	}
	echo 123456 >"$TMP/pin"
	chmod 600 "$TMP/pin"
}

# A fresh copy of the DV certificate and key in DIR: its records
# (dv.cvcert.issued) and state file start empty there.
fresh_issuer() {
	mkdir -p "$1"
	cp "$PKI/dv.cvcert" "$PKI/dv.pem" "$1/"
}

badge_start() {
	local state=$1
	shift
	# the log tells what the badge saw (kept with CVC_PCSC_KEEP_LOGS=1)
	echo "--- vbadge $state $*" >>"$PCSC_DIR/vbadge.log"
	vbadge_start_vpcd "$state" -v "$@"
}

# Stops the badge (it may have left by itself) and waits until pcscd has
# seen it go, so the next badge does not inherit a stale state.
badge_stop() {
	vbadge_remove
}

# personalize ISSUER-DIR OUT [more options]: a badge for Alice.
personalize() {
	local dir=$1 out=$2
	shift 2
	run "$I" personalize -r "$R" --issuer-cert "$dir/dv.cvcert" \
		--issuer-key "$dir/dv.pem" --anchor "$PKI/cvca.cvcert" \
		--name 'Alice Example' --staff-id S-0001 \
		--department Cardiology --rights b0 --pin-file "$TMP/pin" \
		--out "$out" "$@"
}

# renew ISSUER-DIR [more options], with the office station.
renew() {
	local dir=$1
	shift
	run "$I" renew -r "$R" --issuer-cert "$dir/dv.cvcert" \
		--issuer-key "$dir/dv.pem" --terminal-cert "$PKI/office.cvcert" \
		--terminal-key "$PKI/office.pem" "$@"
}

# badge_state: blank, personalized or terminated (from SELECT).
badge_state() {
	"$BADGECHECK" state "$R" 2>/dev/null || echo "error"
}

# door [CRL]: sets DOOR to badgecheck's line ("accept CHR", "refuse ...")
# and DOOR_RC to its exit status.
# shellcheck disable=SC2034 # DOOR and DOOR_RC are for the tests
door() {
	DOOR_RC=0
	DOOR=$("$BADGECHECK" door "$R" "$PKI/cvca.cvcert" "$@" 2>&1) ||
		DOOR_RC=$?
}

# record_status ISSUER-DIR CHR: the status column of CHR's record, or
# "none".
record_status() {
	local f=$1/dv.cvcert.issued
	[ -f "$f" ] && awk -F'\t' -v c="$2" '$2 == c { print $1; n++ } \
		END { if (!n) print "none" }' "$f" || echo none
}

# record_count ISSUER-DIR: rows in the records (header excluded).
record_count() {
	local f=$1/dv.cvcert.issued
	if [ -f "$f" ]; then echo $(($(wc -l <"$f") - 1)); else echo 0; fi
}

# expect_true WHAT CMD...: CMD succeeds. expect_false: it fails.
expect_true() {
	local what=$1
	shift
	check
	if "$@"; then pass "$what"; else fail "$what"; fi
}
expect_false() {
	local what=$1
	shift
	check
	if "$@"; then fail "$what"; else pass "$what"; fi
}

# no_file PATH: PATH does not exist
no_file() {
	[ ! -e "$1" ]
}

# expect_eq GOT WANT WHAT
expect_eq() {
	check
	if [ "$1" = "$2" ]; then pass "$3: $1"; else fail "$3: got '$1', want '$2'"; fi
}
