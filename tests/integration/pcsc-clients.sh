#!/usr/bin/env bash
# Independent PC/SC clients and cvc-apdu, sent the same commands on the same
# test card (private pcscd + vpcd + vicc), get the same answers:
#   scriptor (pcsc-tools; raw exchanges)        vs  cvc-apdu --raw
#   opensc-tool -c default (OpenSC's APDU layer:
#     GET RESPONSE on 61xx, re-issue on 6Cxx)    vs  cvc-apdu
# Answers are compared as "DATA SW" lines, one per command.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=stack/pcscd-env.sh
. "$here/stack/pcscd-env.sh"
pcsc_isolate "$0" "$@"
: "${CVC_APDU:?CVC_APDU must name the cvc-apdu binary}"
for tool in scriptor opensc-tool; do
	command -v "$tool" >/dev/null ||
		pcsc_fail "$tool missing (apt-get install pcsc-tools opensc)"
done

pcsc_start_pcscd
pcsc_start_vicc
work=$PCSC_DIR
fails=0

# Raw exchanges, starting from a warm reset so GET CHALLENGE repeats.
raw_apdus=(
	"00 A4 04 00 08 F0 6C 69 62 63 76 63 54" # SELECT: 9000
	"00 A4 04 00 05 A0 00 00 00 01"          # SELECT other: 6A82
	"00 CA 00 6E 00"                         # GET DATA
	"00 84 00 00 08"                         # GET CHALLENGE
	"00 E0 01 2C 00"                         # BIG 300: 256 + 612C
	"00 C0 00 00 2C"                         # GET RESPONSE: the rest
	"00 E2 00 00 01"                         # EXACT, wrong Le: 6C10
	"00 E2 00 00 10"                         # EXACT
	"10 EE 00 00 03 01 02 03"                # ECHO, chained part
	"00 EE 00 00 02 04 05 00"                # ECHO, last part
	"00 EE 00 00 03 AA BB CC"                # ECHO without Le: 6103
	"00 C0 00 00 03"                         # GET RESPONSE
	"00 20 00 81 06 30 30 30 30 30 30"       # VERIFY wrong: 63C2
	"00 20 00 81"                            # VERIFY status: 63C2
	"00 20 00 81 06 31 32 33 34 35 36"       # VERIFY right: 9000
	"00 42 00 00"                            # unknown INS: 6D00
	"80 CA 00 6E 00"                         # unknown CLA: 6E00
	"00 C0 00 00 10"                         # nothing pending: 6985
)

# Through libcvc's own APDU layer (and OpenSC's).
cooked_apdus=(
	"00 CA 00 6E 00"
	"00 E0 01 2C 00"                   # 300 octets via GET RESPONSE
	"00 E0 10 00 00"                   # 4096 octets via 16 GET RESPONSE
	"00 E2 00 00 01"                   # 6C10, re-issued with Le = 10
	"00 EE 00 00 05 01 02 03 04 05 00"
	"00 A4 04 00 05 A0 00 00 00 01"    # 6A82
	"00 20 00 81 06 30 30 30 30 30 30" # 63C2
	"00 20 00 81 06 31 32 33 34 35 36"
)
# (A case-3 command answered 61xx is left out on purpose: OpenSC fetches
# the data but drops it as no Le was given; libcvc returns it.)

check() {
	if "$@"; then
		echo "ok: ${CHECK_NAME}"
	else
		echo "FAIL: ${CHECK_NAME}" >&2
		fails=$((fails + 1))
	fi
}

# cvc-apdu -j: one "DATA SW" line per exchange ("-" for no data).
from_cvc_apdu() {
	grep -o '"data":"[0-9A-F]*","sw":"[0-9A-F]*"' |
		sed 's/"data":"\([0-9A-F]*\)","sw":"\([0-9A-F]*\)"/\1 \2/; s/^ /- /'
}

# scriptor: "< XX XX ... : text", data wrapped over several lines.
from_scriptor() {
	awk '
	/^> / || /^< OK:/ { collecting = 0; next }  # commands, reset
	/^< / { collecting = 1; hex = ""; sub(/^< /, "") }
	collecting {
		for (i = 1; i <= NF; i++) {
			if ($i == ":") {
				n = length(hex)
				sw = substr(hex, n - 3)
				data = substr(hex, 1, n - 4)
				print (data == "" ? "-" : data) " " sw
				collecting = 0
				break
			}
			hex = hex $i
		}
	}'
}

# opensc-tool -s: "Received (SW1=0x90, SW2=0x00):" then a hex dump whose
# first line is "HH HH .. ascii" (3 + 1 columns per octet) and whose
# later lines have the hex part padded to 48 columns.
from_opensc() {
	awk '
	function flush() {
		if (have) print (data == "" ? "-" : data) " " sw
		have = 0
	}
	/^Received \(SW1=0x/ {
		flush()
		sw = substr($0, index($0, "SW1=0x") + 6, 2) \
			substr($0, index($0, "SW2=0x") + 6, 2)
		data = ""; line = 0; have = 1; next
	}
	/^Sending: / { flush(); next }
	have {
		hexpart = line == 0 ? substr($0, 1, 3 * int(length($0) / 4)) \
				    : substr($0, 1, 48)
		gsub(/ /, "", hexpart)
		data = data hexpart
		line++
	}
	END { flush() }'
}

# --- raw: scriptor vs cvc-apdu --raw
{
	echo reset
	printf '%s\n' "${raw_apdus[@]}"
} >"$work/raw.scriptor"
{
	echo reset
	for a in "${raw_apdus[@]}"; do echo "$a => XX XX"; done
} >"$work/raw.cvc"

scriptor -r "$PCSC_READER" "$work/raw.scriptor" >"$work/scriptor.out" 2>&1 ||
	pcsc_fail "scriptor failed: $(cat "$work/scriptor.out")"
from_scriptor <"$work/scriptor.out" >"$work/scriptor.ans"
"$CVC_APDU" -r "pcsc:$PCSC_READER" --raw -j -s "$work/raw.cvc" \
	>"$work/cvc-raw.json" || pcsc_fail "cvc-apdu --raw failed"
from_cvc_apdu <"$work/cvc-raw.json" >"$work/cvc-raw.ans"

CHECK_NAME="scriptor answered all ${#raw_apdus[@]} commands"
check test "$(wc -l <"$work/scriptor.ans")" -eq "${#raw_apdus[@]}"
CHECK_NAME="the raw answers are the card's (spot checks)"
check grep -qx '010203 9000' "$work/scriptor.ans"
check grep -qx -- '- 6C10' "$work/scriptor.ans"
check grep -qx -- '- 6103' "$work/scriptor.ans"
check grep -qx -- '- 63C2' "$work/scriptor.ans"
CHECK_NAME="scriptor and cvc-apdu --raw agree octet for octet"
check diff -u "$work/scriptor.ans" "$work/cvc-raw.ans"

# --- through the APDU layers: opensc-tool vs cvc-apdu
opensc_args=()
for a in "${cooked_apdus[@]}"; do opensc_args+=(-s "$a"); done
# opensc-tool numbers readers as pcscd lists them: ours is the first
opensc-tool -r 0 -c default "${opensc_args[@]}" >"$work/opensc.out" 2>&1 ||
	pcsc_fail "opensc-tool failed: $(cat "$work/opensc.out")"
from_opensc <"$work/opensc.out" >"$work/opensc.ans"
{
	for a in "${cooked_apdus[@]}"; do echo "$a => XX XX"; done
} >"$work/cooked.cvc"
"$CVC_APDU" -r "pcsc:$PCSC_READER" -j -s "$work/cooked.cvc" \
	>"$work/cvc.json" || pcsc_fail "cvc-apdu failed"
from_cvc_apdu <"$work/cvc.json" >"$work/cvc.ans"

CHECK_NAME="opensc-tool answered all ${#cooked_apdus[@]} commands"
check test "$(wc -l <"$work/opensc.ans")" -eq "${#cooked_apdus[@]}"
CHECK_NAME="4096 octets arrived whole through GET RESPONSE"
check test "$(sed -n 3p "$work/opensc.ans" | cut -d' ' -f1 | tr -d '\n' |
	wc -c)" -eq 8192
CHECK_NAME="opensc-tool and cvc-apdu agree octet for octet"
check diff -u "$work/opensc.ans" "$work/cvc.ans"

echo "$fails check(s) failed"
[ "$fails" -eq 0 ]
