#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vbadge behind a private pcscd with the vpcd driver
# (tests/integration/stack/pcscd-env.sh, started and stopped by the
# stack's vbadge-env.sh next to it): the ATR, extended and short APDUs
# through PC/SC, --fail-write-after (SPEC [ACT-3]: 6581 and the state file
# untouched), --remove-after (the card leaves mid-session, vbadge ends, the
# state survives) and --stall-after.
set -u
: "${CVC_VBADGE:?run via meson test}"
: "${CVC_APDU:?run via meson test}"
: "${CVC_VBADGE_TESTPKI:?run via meson test}"
: "${CVC_PCSCD_ENV:?run via meson test}"

# shellcheck source=/dev/null
. "$CVC_PCSCD_ENV"
# shellcheck source-path=SCRIPTDIR source=../../../tests/integration/stack/vbadge-env.sh
. "$(dirname "$CVC_PCSCD_ENV")/vbadge-env.sh"
# shellcheck source-path=SCRIPTDIR source=../../../tests/integration/stack/checks.sh
. "$(dirname "$CVC_PCSCD_ENV")/checks.sh"
pcsc_isolate "$0" "$@"
pcsc_start_pcscd

TMP=$PCSC_DIR/vbadge
mkdir -p "$TMP"
VBADGE_LOG=$TMP/vbadge.log
apdu() { # script file: runs it, output in $OUT
	"$CVC_APDU" -r "pcsc:$PCSC_READER" -s "$1" >"$TMP/out" 2>&1
	RC=$?
}

"$CVC_VBADGE_TESTPKI" "$TMP" || pcsc_fail "vbadge-testpki failed"
STATE=$TMP/badge.state
AID=F06C69626376634201

# 1. a personalized badge through PC/SC
vbadge_start_vpcd "$STATE" -v
"$CVC_APDU" -r "pcsc:$PCSC_READER" --atr '00 A4 04 0C 09 '$AID >"$TMP/out" 2>&1
check "the ATR announces T=1 and extended length" \
	grep -q "ATR: 3B 85 80 01 80 73 80 00 C0 B7" "$TMP/out"
cat >"$TMP/s1.apdu" <<EOF
00 A4 04 00 09 $AID 00 => 6F XX 84 09 $AID A5 XX 80 01 05 81 02 01 00 82 01 03 83 02 10 00 84 02 10 00 85 06 XX XX XX XX XX XX 90 00
# extended Le: the chain in one answer; short Le: 61xx and GET RESPONSE
00 CA 01 01 00 00 00
00 CA 01 01 00
00 20 00 81 0C 363636363636FFFFFFFFFFFF => 63 C2
00 20 00 81 0C 313233343536FFFFFFFFFFFF
00 88 01 01 00 00 20 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F 00 00
EOF
apdu "$TMP/s1.apdu"
check "SELECT, chain, PIN, INTERNAL AUTHENTICATE over PC/SC" test "$RC" = 0
[ "$RC" = 0 ] || cat "$TMP/out"
vbadge_remove
check "-v masks the PIN" bash -c "! grep -q '31 32 33 34 35 36' '$TMP/vbadge.log'"

# 2. --fail-write-after 1: 6581, nothing written; the next write works
cp "$STATE" "$TMP/before"
vbadge_start_vpcd "$STATE" --fail-write-after 1
cat >"$TMP/s2.apdu" <<EOF
00 A4 04 0C 09 $AID
00 20 00 81 0C 363636363636FFFFFFFFFFFF => 65 81
00 20 00 81 => 63 C3
EOF
apdu "$TMP/s2.apdu"
check "--fail-write-after 1: VERIFY answers 6581, the counter stays" test "$RC" = 0
[ "$RC" = 0 ] || cat "$TMP/out"
check "the state file is untouched" cmp -s "$STATE" "$TMP/before"
vbadge_remove

# 3. --remove-after 2: the card leaves at the third APDU, vbadge ends 0
vbadge_start_vpcd "$STATE" --remove-after 2
cat >"$TMP/s3.apdu" <<EOF
00 A4 04 0C 09 $AID
00 20 00 81 0C 363636363636FFFFFFFFFFFF => 63 C2
00 CA 01 04 00
EOF
apdu "$TMP/s3.apdu"
check "--remove-after 2: the third APDU meets a removed card (exit 3)" test "$RC" = 3
wait "$VBADGE_PID"
check "vbadge exits 0 after the removal" test $? = 0
pcsc_forget_pid "$VBADGE_PID"
vbadge_wait_absent
# the wrong PIN before the removal was counted on disk
vbadge_start_vpcd "$STATE" --stall-after 2
cat >"$TMP/s4.apdu" <<EOF
00 A4 04 0C 09 $AID
00 20 00 81 => 63 C2
EOF
apdu "$TMP/s4.apdu"
check "the counter survived the removal (63C2)" test "$RC" = 0
[ "$RC" = 0 ] || cat "$TMP/out"
# 4. --stall-after 2: the third APDU gets no answer, the card stays
CVC_PCSC_TIMEOUT_MS=1500 timeout 60 "$CVC_APDU" -r "pcsc:$PCSC_READER" \
	'00 A4 04 0C 09 '$AID '00 CA 01 04 00' '00 CA 01 04 00' >"$TMP/out" 2>&1
RC=$?
check "--stall-after: no answer is a reader/card error (exit 3)" test "$RC" = 3
check "--stall-after: the card stays inserted" \
	"$CVC_PCSCWAIT" "$PCSC_READER" --present 1000
vbadge_remove

echo "$checks checks, $failures failed"
[ "$failures" = 0 ]
