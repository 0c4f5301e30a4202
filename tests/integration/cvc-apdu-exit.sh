#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-apdu exit status 3 for reader errors, the JSON document such a run
# leaves, and --list (which needs no reader: a missing pcscd or NFC device
# is an empty list, exit 0). Tests with a card are in the pcsc suite.
. "$(dirname "$0")/lib.sh"
: "${CVC_APDU:?CVC_APDU must name the cvc-apdu binary}"

# libnfc's own scan messages are not what is checked here.
export LIBNFC_LOG_LEVEL=0

nosuch='pcsc:libcvc test reader that does not exist'
run "$CVC_APDU" -r "$nosuch" 00A40000
expect_rc 3 "no such PC/SC reader"
expect_out_empty "no such PC/SC reader"
expect_err "^cvc-apdu: reader 'pcsc:libcvc test reader that does not exist': " "no such PC/SC reader: message"

run "$CVC_APDU" -r pcsc:4000 --atr
expect_rc 3 "PC/SC reader index out of range"

run "$CVC_APDU" -r "nfc:pn532_uart:$TMP/no-such-tty" 00A40000
expect_rc 3 "no such NFC device"
expect_err "^cvc-apdu: reader 'nfc:pn532_uart:" "no such NFC device: message"

# JSON: a complete document even when the reader fails
run "$CVC_APDU" -j -r "$nosuch" 00A40000
expect_rc 3 "JSON, no such reader"
json_check "$OUT" 'd["schema"] == "libcvc-apdu/1"' 'd["result"] == "error"' \
	'd["exchanges"] == []' 'isinstance(d["error"], dict)' \
	'd["error"]["code"] in (37, 38, 41)' '"reader" not in d'

# --list: one spec per line; JSON lists the same
run "$CVC_APDU" --list
expect_rc 0 "--list"
check
if grep -Evq '^(pcsc|nfc):.' "$OUT"; then fail "--list: a line that is not a spec"; else pass "--list: every line is a reader spec"; fi
cp "$OUT" "$TMP/list.txt"
run "$CVC_APDU" --list --json
expect_rc 0 "--list --json"
json_check "$OUT" 'd["schema"] == "libcvc-apdu/1"' 'isinstance(d["readers"], list)' \
	'all(r.startswith(("pcsc:", "nfc:")) for r in d["readers"])'
"$PYTHON" -c 'import json,sys; print("".join(r + "\n" for r in json.load(open(sys.argv[1]))["readers"]), end="")' "$OUT" >"$TMP/list-json.txt"
expect_same "$TMP/list.txt" "$TMP/list-json.txt" "--list and --list --json name the same readers"

# a closed stdout is a write error, not success
if [ -e /dev/full ]; then
	RC=0
	"$CVC_APDU" --help >/dev/full 2>"$ERR" || RC=$?
	expect_rc 2 "--help to a full device"
fi

finish
