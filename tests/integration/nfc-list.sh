#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libnfc's own tools (libnfc-bin) against pn532emu: an independent client
# that must see the same PN532 and the same card as libcvc does.
#   nfc-scan-device -v  the chip: PN532 v1.6 on our pseudo-terminal
#   nfc-list -v         the card: UID, SAK 20 (ISO/IEC 14443-4), the ATS
# The emulator is stopped by PID on exit, and must be gone afterwards.
set -u
: "${CVC_PN532EMU:?run via meson test}"

for tool in nfc-list nfc-scan-device; do
	command -v "$tool" >/dev/null ||
		{ echo "FAIL: $tool not installed (apt-get install libnfc-bin)"; exit 1; }
done

# pcscd-env.sh lends pcsc_stop_pid (no pcscd here); checks.sh has check.
stack=$(cd "$(dirname "$0")/stack" && pwd)
# shellcheck source-path=SCRIPTDIR source=stack/pcscd-env.sh
. "$stack/pcscd-env.sh"
# shellcheck source-path=SCRIPTDIR source=stack/checks.sh
. "$stack/checks.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/cvc-nfc-list.XXXXXX")
EMU_PID=""
# stop_emulator: by PID; sets EMU_RC to its exit status
stop_emulator() {
	[ -n "$EMU_PID" ] || return 0
	pcsc_stop_pid "$EMU_PID"
	EMU_RC=$PCSC_STOP_RC
	EMU_PID=""
}
trap 'stop_emulator; rm -rf "$TMP"' EXIT

# start_emulator [options]: sets EMU_PID and TTY
start_emulator() {
	rm -f "$TMP/tty"
	"$CVC_PN532EMU" --path-file "$TMP/tty" "$@" 2>"$TMP/emu.log" &
	EMU_PID=$!
	for _ in $(seq 500); do
		[ -s "$TMP/tty" ] && break
		sleep 0.01
	done
	TTY=$(cat "$TMP/tty" 2>/dev/null)
	[ -n "$TTY" ] || { echo "FAIL: pn532emu did not start"; exit 1; }
}

export LIBNFC_AUTO_SCAN=false
unset LIBNFC_DEFAULT_DEVICE

# 1. default card
start_emulator
export LIBNFC_DEVICE=pn532_uart:$TTY
nfc-scan-device -v >"$TMP/scan" 2>&1
check "nfc-scan-device exits 0" test $? = 0
check "nfc-scan-device finds our pty" grep -q "pn532_uart:$TTY" "$TMP/scan"
check "nfc-scan-device sees a PN532 v1.6" grep -q "chip: PN532 v1.6" "$TMP/scan"

nfc-list -v >"$TMP/list" 2>&1
check "nfc-list exits 0" test $? = 0
check "nfc-list finds one type A target" \
	grep -q "1 ISO14443A passive target(s) found" "$TMP/list"
check "nfc-list: UID 08 12 34 56" grep -Eq "UID .*: 08  12  34  56" "$TMP/list"
check "nfc-list: ISO/IEC 14443-4" grep -q "Compliant with ISO/IEC 14443-4" "$TMP/list"
check "nfc-list: ATS" grep -Eq "ATS: 78  80  70  02  43  56  43" "$TMP/list"
check "nfc-list: historical bytes" grep -Eq "Tk: 43  56  43" "$TMP/list"
pid=$EMU_PID
stop_emulator
check "pn532emu exits 0 on SIGTERM" test "$EMU_RC" = 0
check "pn532emu is gone" bash -c "! kill -0 $pid 2>/dev/null"

# 2. a 7-octet UID and other ATS: what the emulator is told, nfc-list shows
start_emulator --uid 04A1B2C3D4E5F6 --ats 75778102806501AABB
export LIBNFC_DEVICE=pn532_uart:$TTY
nfc-list -v >"$TMP/list2" 2>&1
check "nfc-list (custom) exits 0" test $? = 0
check "nfc-list: double-size UID" grep -q "UID size: double" "$TMP/list2"
check "nfc-list: UID 04 a1 b2 c3 d4 e5 f6" \
	grep -Eiq "UID .*: 04  a1  b2  c3  d4  e5  f6" "$TMP/list2"
check "nfc-list: custom ATS" \
	grep -Eiq "ATS: 75  77  81  02  80  65  01  aa  bb" "$TMP/list2"
stop_emulator

# 3. empty field: the chip answers, no target
start_emulator --no-card
export LIBNFC_DEVICE=pn532_uart:$TTY
nfc-list >"$TMP/list3" 2>&1
check "nfc-list (empty field) exits 0" test $? = 0
check "nfc-list: no target" bash -c "! grep -q 'ISO14443A passive target' '$TMP/list3'"
stop_emulator

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" = 0 ]
