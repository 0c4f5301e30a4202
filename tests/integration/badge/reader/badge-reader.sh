#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# cvc-read and cvc-verify --reader end to end against the virtual badge,
# through one real transport: `pcsc` (a private pcscd with the vpcd driver)
# or `nfc` (libnfc's pn532_uart driver and vbadge as a PN532 on a pty).
#
# A blank badge; personalization by cvc-issue personalize; cvc-read (text,
# JSON, the chain saved); cvc-verify --reader accepting, and refusing for
# revocation, expiry, a foreign trust anchor, a missing right; terminal
# authentication with and without the read right; the PIN (right, wrong
# with the tries left, required); the number of exchanges after SELECT;
# a terminated badge; no card, no reader and a card pulled mid-way.
TRANSPORT=${1:?usage: badge-reader.sh pcsc|nfc}
here=$(cd "$(dirname "$0")" && pwd)
case $TRANSPORT in
pcsc)
	# shellcheck source=../../stack/pcscd-env.sh
	. "$here/../../stack/pcscd-env.sh"
	pcsc_isolate "$0" "$@"
	;;
nfc) ;;
*)
	echo "usage: badge-reader.sh pcsc|nfc" >&2
	exit 2
	;;
esac
# shellcheck source=reader-lib.sh
. "$here/reader-lib.sh"

R=$CVC_READ
V=$CVC_VERIFY
I=$CVC_ISSUE
[ "$TRANSPORT" = pcsc ] && pcsc_start_pcscd
make_pki
STATE=$TMP/badge.state
PIN=$TMP/pin.txt
printf '246810\n' >"$PIN"
printf '135799\n' >"$TMP/wrong-pin.txt"
printf '%s' 246810 >"$TMP/pin-no-newline.txt"
NAME='Erika Mustermann'
READ_TERM=(--terminal-cert "$PKI/dv.cvcert" --terminal-cert "$PKI/reader.cvcert"
	--terminal-key "$PKI/reader.pem")
DOOR_TERM=(--terminal-cert "$PKI/dv.cvcert" --terminal-cert "$PKI/door.cvcert"
	--terminal-key "$PKI/door.pem")

# ------------------------------------------------------------------
echo "== a blank badge"
badge_start "$STATE"
run "$R" -r "$READER"
expect_rc 0 "cvc-read: blank badge"
expect_out '^state: +blank$' "blank: state"
expect_out '^applet: +version 1\.0$' "blank: applet version"
expect_out '^card date: +none$' "blank: no card date"
expect_out '^certificates: none \(blank badge\)$' "blank: no certificates"
expect_out '^holder data: none \(blank badge\)$' "blank: no holder data"
run "$R" -r "$READER" --json
expect_rc 0 "cvc-read --json: blank badge"
json_check "$OUT" 'd["schema"] == "libcvc-read/1"' 'd["badge"]["state"] == "blank"' \
	'd["badge"]["lcs"] == 3' 'd["badge"]["card_date"] is None' \
	'd["certificate"] is None' 'd["trust_anchor"] is None' 'd["holder_data"] == "none"' \
	'd["error"] is None'
run "$R" -r "$READER" --pin-file "$PIN"
expect_rc 0 "cvc-read: a PIN for a blank badge is not sent"
expect_out '^PIN: +not tried: the badge is not personalized$' "blank: PIN not tried"
run "$R" -r "$READER" -o "$TMP/blank-chain.cvcert"
expect_rc 3 "cvc-read --out-chain: a blank badge has no chain"
expect_err 'blank badge holds no chain' "blank: --out-chain refused"
check
if [ -e "$TMP/blank-chain.cvcert" ]; then fail "blank: a chain file was written"; else pass "blank: no chain file"; fi
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --json
expect_rc 1 "cvc-verify --reader: a blank badge is refused"
json_check "$OUT" 'd["decision"] == "refuse"' 'd["check"] == "state"' \
	'd["badge"]["state"] == "blank"' 'd["badge"]["chr"] is None'

echo "== personalization (cvc-issue personalize through $TRANSPORT)"
run "$I" personalize -r "$READER" --issuer-cert "$PKI/dv.cvcert" --issuer-key "$PKI/dv.pem" \
	--anchor "$PKI/cvca.cvcert" --chr DEBADGE00001 --name "$NAME" --staff-id N-04711 \
	--department Cardiology --rights 'age verification' --days 365 --pin-file "$PIN" \
	--out "$TMP/badge.cvcert"
expect_rc 0 "cvc-issue personalize"
[ "$RC" = 0 ] || finish
EXPIRY=$(after_days 364)

# ------------------------------------------------------------------
echo "== cvc-read: a personalized badge"
run "$R" -r "$READER"
expect_rc 0 "cvc-read"
cp "$OUT" "$TMP/read.txt"
expect_out "^reader: +.* \\($TRANSPORT\\)\$" "reader line names the transport"
expect_out '^state: +personalized$' "state"
expect_out '^PIN tries: +3$' "PIN tries"
expect_out '^buffers: +command [0-9]+, response [0-9]+ octets$' "buffers"
expect_out "^card date: +$TODAY\$" "card date: the latest CED (SPEC [DATE-1])"
expect_out '^badge certificate:$' "badge certificate heading"
expect_out '^  CHR: +DEBADGE00001$' "badge CHR"
expect_out '^  CHR: +DEHOSPDV00001$' "DV CHR"
expect_out '^trust anchor \(the badge checks terminals with it\):$' "trust anchor heading"
expect_out '^  CHR: +DEHOSPCVCA00001$' "anchor CHR"
expect_out '^PIN: +not given$' "no PIN"
expect_out '^terminal: +not given$' "no terminal"
expect_out '^holder data: protected \(needs PIN or terminal authentication\)$' "holder data protected"
expect_no_out "$NAME" "the holder's name is not shown"
# The certificates are printed as cvc-print prints them.
"$CVC_PRINT" "$TMP/badge.cvcert" | grep -v '^== ' >"$TMP/print-badge.txt"
awk '/^badge certificate:$/ { on = 1; next } /^DV certificate:$/ { on = 0 } on' \
	"$TMP/read.txt" >"$TMP/read-badge.txt"
expect_same "$TMP/print-badge.txt" "$TMP/read-badge.txt" "badge certificate as cvc-print shows it"
"$CVC_PRINT" "$PKI/cvca.cvcert" | grep -v '^== ' >"$TMP/print-cvca.txt"
awk '/^trust anchor/ { on = 1; next } /^PIN:/ { on = 0 } on' \
	"$TMP/read.txt" >"$TMP/read-cvca.txt"
expect_same "$TMP/print-cvca.txt" "$TMP/read-cvca.txt" "trust anchor as cvc-print shows it"

run "$R" -r "$READER" --json
expect_rc 0 "cvc-read --json"
cp "$OUT" "$TMP/read.json"
"$CVC_PRINT" --json "$TMP/badge.cvcert" >"$TMP/print.json"
json_check "$OUT" 'd["schema"] == "libcvc-read/1"' "d[\"transport\"] == \"$TRANSPORT\"" \
	'd["badge"] == {"state": "personalized", "lcs": 5, "version": "1.0", "pin_tries": 3, "max_command": d["badge"]["max_command"], "max_response": d["badge"]["max_response"], "card_date": "'"$TODAY"'"}' \
	'd["badge"]["max_command"] >= 1024 and d["badge"]["max_response"] >= 1024' \
	'd["certificate"]["schema"] == "libcvc-cert/1"' \
	'd["certificate"]["chr"]["text"] == "DEBADGE00001"' \
	'd["certificate"]["car"]["text"] == "DEHOSPDV00001"' \
	'd["certificate"]["expiration"] == "'"$EXPIRY"'"' \
	'd["dv_certificate"]["chr"]["text"] == "DEHOSPDV00001"' \
	'd["trust_anchor"]["chr"]["text"] == "DEHOSPCVCA00001"' \
	'd["pin"] is None' 'd["terminal_authentication"] is None' \
	'd["holder_data"] == "protected"' 'd["holder"] is None' 'd["chain_file"] is None' \
	'd["error"] is None' 'not any("Erika" in s for s in strings(d))'
"$PYTHON" - "$TMP/read.json" "$TMP/print.json" <<'PY' >"$TMP/same-cert"
import json, sys
read = json.load(open(sys.argv[1]))
printed = json.load(open(sys.argv[2]))
objs = printed["objects"] if "objects" in printed else [printed]
obj = objs[0].get("object", objs[0])
print("same" if read["certificate"] == obj else "differ")
PY
check
if grep -q same "$TMP/same-cert"; then pass "JSON certificate equals cvc-print --json"; else fail "JSON certificate differs from cvc-print --json"; fi
expect_json_members "$TMP/read.json" "$DOC_DIR/json-schema.md"
expect_json_members "$TMP/read.json" "$DOC_DIR/cvc-read.1"

run "$R" -r "$READER" -o "$TMP/chain.cvcert"
expect_rc 0 "cvc-read --out-chain"
expect_out "^chain saved: $(re "$TMP/chain.cvcert") \\([0-9]+ octets\\)\$" "chain saved line"
cat "$TMP/badge.cvcert" "$PKI/dv.cvcert" >"$TMP/expected-chain.cvcert"
expect_same "$TMP/expected-chain.cvcert" "$TMP/chain.cvcert" "saved chain = badge || DV certificate"
run "$V" -t "$PKI/cvca.cvcert" "$TMP/chain.cvcert"
expect_rc 0 "the saved chain verifies offline"

run "$R" -r "$READER" -v
expect_rc 0 "cvc-read -v"
expect_err '^> 00 A4 04 00 09 F0 6C 69 62 63 76 63 42 01' "-v logs SELECT by the AID"
expect_err '^< .*90 00 ' "-v logs answers"

# ------------------------------------------------------------------
echo "== cvc-verify --reader: accepted"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert"
expect_rc 0 "ACCEPT"
expect_out '^ACCEPT$' "ACCEPT line"
expect_out '^badge: +DEBADGE00001 \(personalized\)$' "badge line"
expect_out '^chain: +DEBADGE00001 <- DEHOSPDV00001 <- DEHOSPCVCA00001$' "chain line"
expect_out "^validity: +$TODAY to $EXPIRY \\(expires in 364 days\\)\$" "validity line"
expect_out '^rights: +AT: age verification$' "effective rights"
expect_out '^PIN: +not checked$' "PIN not checked"
expect_out '^exchanges: +[0-9]+ after SELECT$' "exchange count shown"
expect_err_empty "ACCEPT: nothing on stderr"

run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --json
expect_rc 0 "ACCEPT --json"
cp "$OUT" "$TMP/verify.json"
json_check "$OUT" 'd["schema"] == "libcvc-verify-reader/1"' "d[\"transport\"] == \"$TRANSPORT\"" \
	'd["decision"] == "accept"' 'd["valid"] is True' 'd["status"] == "ok"' 'd["code"] == 0' \
	"d[\"at\"] == \"$TODAY\"" 'd["badge"]["chr"] == "DEBADGE00001"' \
	'd["badge"]["dv"] == "DEHOSPDV00001"' 'd["badge"]["anchor"] == "DEHOSPCVCA00001"' \
	"d[\"badge\"][\"expiration\"] == \"$EXPIRY\"" 'd["badge"]["days_left"] == 364' \
	'd["effective_rights"]["terminal_type"] == "AT"' \
	'd["effective_rights"]["names"] == ["age verification"]' \
	'd["pin_verified"] is False' 'd["terminal_authenticated"] is False' \
	'd["holder"] is None' 'd["error"] is None' \
	'1 <= d["exchanges"] <= 3'
expect_json_members "$TMP/verify.json" "$DOC_DIR/cvc-verify.1"
expect_json_members "$TMP/verify.json" "$DOC_DIR/json-schema.md"

# The exchanges after SELECT, counted in the APDU log, not only as reported:
# INTERNAL AUTHENTICATE P2 01 with extended length is one (SPEC 5.5), as
# vpcd carries it; at most three (GET RESPONSE) otherwise.
max_exchanges=3
[ "$TRANSPORT" = pcsc ] && max_exchanges=1
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" -v --json
expect_rc 0 "ACCEPT -v"
cp "$ERR" "$TMP/apdu.log"
n_log=$(apdu_after_select "$TMP/apdu.log")
n_json=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["exchanges"])' "$OUT")
check
if [ "$n_log" -ge 1 ] && [ "$n_log" -le "$max_exchanges" ]; then
	pass "$n_log exchanges after SELECT in the log (<= $max_exchanges)"
else
	fail "$n_log exchanges after SELECT in the log (want 1..$max_exchanges)"
fi
check
if [ "$n_log" = "$n_json" ]; then pass "log and JSON agree on $n_log exchanges"; else fail "log says $n_log exchanges, JSON $n_json"; fi
expect_err '^> 00 88 00 01 ' "INTERNAL AUTHENTICATE P1 00 P2 01 in the log"
check
if grep -q '^> 00 CA 01 01' "$TMP/apdu.log"; then fail "a GET DATA for the chain was sent"; else pass "the chain came with INTERNAL AUTHENTICATE"; fi

run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --require-right 'age verification' --require-right b0
expect_rc 0 "a right the badge has"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --require-right b5 --json
expect_rc 1 "a right the badge lacks"
json_check "$OUT" 'd["decision"] == "refuse"' 'd["status"] == "not_authorized"' \
	'd["check"] == "rights"' 'd["required_rights"] == ["PIN management"]'

# ------------------------------------------------------------------
echo "== cvc-verify --reader: refused"
run "$I" revoke --issuer-cert "$PKI/dv.cvcert" --issuer-key "$PKI/dv.pem" --crl "$TMP/empty.crl"
expect_rc 0 "cvc-issue revoke: a list without entries"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --crl "$TMP/empty.crl" --require-crl
expect_rc 0 "ACCEPT with a current list that does not name the badge"
run "$I" revoke --issuer-cert "$PKI/dv.cvcert" --issuer-key "$PKI/dv.pem" \
	--crl "$TMP/revoked.crl" --chr DEBADGE00001
expect_rc 0 "cvc-issue revoke DEBADGE00001"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --crl "$TMP/revoked.crl"
expect_rc 1 "revoked badge"
expect_out '^REFUSE: certificate revoked \(check revocation\)$' "REFUSE line: revoked"
expect_out '^detail: +.*revocation' "detail line: revoked"
expect_err '^cvc-verify: .*: refused: certificate revoked' "stderr: revoked"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --crl "$TMP/revoked.crl" --json
expect_rc 1 "revoked --json"
json_check "$OUT" 'd["decision"] == "refuse"' 'd["valid"] is False' \
	'd["status"] == "revoked"' 'd["code"] == 31' 'd["check"] == "revocation"' \
	'd["badge"]["chr"] == "DEBADGE00001"' 'd["effective_rights"] is None'

run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --at "$(after_days 400)" --json
expect_rc 1 "after the expiry date"
json_check "$OUT" 'd["status"] == "expired"' 'd["check"] == "dates"' \
	'd["badge"]["days_left"] == -36'
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --at "$(after_days 364)"
expect_rc 0 "on the last day"
expect_out '\(expires in 0 days\)$' "last day: 0 days left"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --at "$(after_days -1)" --json
expect_rc 1 "before the effective date"
json_check "$OUT" 'd["status"] == "not_yet_valid"'

run "$V" -r "$READER" -t "$PKI/other.cvcert" --json
expect_rc 1 "a foreign trust anchor"
json_check "$OUT" 'd["decision"] == "refuse"' 'd["status"] == "unknown_issuer"' \
	'd["badge"]["anchor"] is None'
run "$V" -r "$READER"
expect_rc 1 "no trust anchor at all"
expect_out '^REFUSE: issuer unknown' "no anchor: issuer unknown"

# ------------------------------------------------------------------
echo "== terminal authentication"
run "$R" -r "$READER" "${READ_TERM[@]}"
expect_rc 0 "cvc-read: terminal with the read right"
expect_out '^terminal: +authenticated as DEREADER00001$' "terminal authenticated"
expect_out '^holder data:$' "holder data heading"
expect_out "^  name: +$NAME\$" "holder name"
expect_out '^  staff ID: +N-04711$' "staff ID"
expect_out '^  department: +Cardiology$' "department"
run "$R" -r "$READER" "${READ_TERM[@]}" --json
expect_rc 0 "cvc-read --json: terminal with the read right"
json_check "$OUT" 'd["terminal_authentication"] == {"result": "ok", "status": None, "tries_left": None}' \
	'd["holder_data"] == "read"' \
	"d[\"holder\"] == {\"name\": \"$NAME\", \"staff_id\": \"N-04711\", \"department\": \"Cardiology\"}"

run "$R" -r "$READER" "${DOOR_TERM[@]}"
expect_rc 0 "cvc-read: terminal without the read right"
expect_out '^terminal: +authenticated as DEDOOR00001$' "door terminal authenticated"
expect_out '^holder data: protected \(the terminal lacks the read holder data right\)$' \
	"holder data protected from a terminal without the right"
expect_no_out "$NAME" "no name without the right"
run "$R" -r "$READER" "${DOOR_TERM[@]}" --json
json_check "$OUT" 'd["terminal_authentication"]["result"] == "ok"' \
	'd["holder_data"] == "denied"' 'd["holder"] is None'

run "$V" -r "$READER" -t "$PKI/cvca.cvcert" "${READ_TERM[@]}" --holder --json
expect_rc 0 "cvc-verify: terminal with the read right, --holder"
json_check "$OUT" 'd["decision"] == "accept"' 'd["terminal_authenticated"] is True' \
	"d[\"holder\"][\"name\"] == \"$NAME\""
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" "${DOOR_TERM[@]}"
expect_rc 0 "cvc-verify: terminal without the read right, no --holder"
expect_out '^terminal: +authenticated$' "terminal line"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" "${DOOR_TERM[@]}" --holder --json
expect_rc 1 "cvc-verify: --holder without the read right"
json_check "$OUT" 'd["decision"] == "refuse"' 'd["check"] == "holder data"' \
	'd["holder"] is None' 'd["status"] == "card_status"' '"6982" in d["detail"]'

# A terminal of a foreign PKI: the badge's anchor does not know its DV.
"$I" request --key-out "$TMP/fdv.pem" --chr DEFOREIGN00001 --out "$TMP/fdv.cvreq" >/dev/null 2>&1
"$I" dv --issuer-cert "$PKI/other.cvcert" --issuer-key "$PKI/other.pem" --request "$TMP/fdv.cvreq" \
	--rights 'read DG1' --days 300 --out "$TMP/fdv.cvcert" >/dev/null 2>&1
"$I" request --key-out "$TMP/ft.pem" --chr DEFTERM00001 --out "$TMP/ft.cvreq" >/dev/null 2>&1
"$I" issue --issuer-cert "$TMP/fdv.cvcert" --issuer-key "$TMP/fdv.pem" --request "$TMP/ft.cvreq" \
	--rights 'read DG1' --days 300 --out "$TMP/ft.cvcert" >/dev/null 2>&1
run "$R" -r "$READER" --terminal-cert "$TMP/fdv.cvcert" --terminal-cert "$TMP/ft.cvcert" \
	--terminal-key "$TMP/ft.pem" --json
expect_rc 1 "cvc-read: the card refuses a foreign terminal"
json_check "$OUT" 'd["terminal_authentication"]["result"] == "refused"' \
	'd["terminal_authentication"]["status"].startswith("6A88")' \
	'd["terminal_authentication"]["tries_left"] is None' \
	'd["holder_data"] == "protected"' 'd["holder"] is None' \
	'd["certificate"]["chr"]["text"] == "DEBADGE00001"'
expect_err 'terminal authentication refused: 6A88' "foreign terminal: stderr"
# A terminal key that is not the certificate's: EXTERNAL AUTHENTICATE 6300.
run "$R" -r "$READER" --terminal-cert "$PKI/dv.cvcert" --terminal-cert "$PKI/reader.cvcert" \
	--terminal-key "$PKI/door.pem"
expect_rc 1 "cvc-read: wrong terminal key"
expect_out '^terminal: +refused: 6300' "wrong key: 6300"
run "$R" -r "$READER" --terminal-cert "$TMP/missing.cvcert" --terminal-key "$PKI/reader.pem"
expect_rc 2 "cvc-read: terminal certificate file missing"
expect_err 'missing\.cvcert: cannot open' "missing file named"
run env CVC_KEY_PASS=wrong "$R" -r "$READER" "${READ_TERM[@]}"
expect_rc 2 "cvc-read: terminal key passphrase wrong"
expect_err 'cannot load the terminal key' "key error named"

# ------------------------------------------------------------------
echo "== PIN"
run "$R" -r "$READER" --pin-file "$PIN"
expect_rc 0 "cvc-read: the right PIN"
expect_out '^PIN: +verified$' "PIN verified"
expect_out "^  name: +$NAME\$" "holder data after the PIN"
run env CVC_BADGE_PIN=246810 "$R" -r "$READER" --json
expect_rc 0 "cvc-read: the right PIN from \$CVC_BADGE_PIN"
json_check "$OUT" 'd["pin"]["result"] == "ok"' 'd["holder_data"] == "read"'
run "$R" -r "$READER" --pin-file "$TMP/pin-no-newline.txt"
expect_rc 0 "cvc-read: a PIN file without a line end"

run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --pin-file "$PIN" --require-pin -v
expect_rc 0 "cvc-verify: workstation logon with the right PIN"
expect_out '^PIN: +checked by the card$' "the card signed the PIN flag"
expect_err '^> 00 20 00 81 (00 00 )?0C( 2A){12}$' "the PIN is masked in the log"
expect_err '^> 00 88 01 01 ' "INTERNAL AUTHENTICATE with P1 01"
check
if grep -Eq '32 34 36 38 31 30|246810' "$ERR"; then fail "the PIN appears in the log"; else pass "the PIN does not appear in the log"; fi
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --require-pin --json
expect_rc 1 "cvc-verify: --require-pin without a PIN"
json_check "$OUT" 'd["decision"] == "refuse"' 'd["check"] == "PIN"' 'd["pin_verified"] is False'

run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --pin-file "$TMP/wrong-pin.txt" --json
expect_rc 1 "cvc-verify: a wrong PIN"
json_check "$OUT" 'd["decision"] == "refuse"' 'd["check"] == "PIN"' \
	'd["status"] == "card_status"' '"2 tries left" in d["detail"]'
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --pin-file "$TMP/wrong-pin.txt"
expect_rc 1 "cvc-verify: a wrong PIN again (text)"
expect_out '^detail: +.*1 try left' "detail line with the tries left"
expect_out '^REFUSE: .*\(check PIN\)$' "REFUSE line names the PIN"
run "$R" -r "$READER"
expect_out '^PIN tries: +1$' "cvc-read: one try left"
run env CVC_BADGE_PIN=135799 "$R" -r "$READER" --json
expect_rc 1 "cvc-read: the last wrong PIN"
json_check "$OUT" 'd["pin"]["result"] == "refused"' 'd["pin"]["tries_left"] == 0' \
	'd["pin"]["status"].startswith("63C0")' 'd["holder_data"] == "protected"'
run "$R" -r "$READER" --pin-file "$PIN"
expect_rc 1 "cvc-read: the right PIN on a blocked badge"
expect_out '^PIN tries: +0 \(PIN blocked\)$' "blocked in the status"
expect_out '^PIN: +refused: 6983' "6983 PIN blocked"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --pin-file "$PIN" --json
expect_rc 1 "cvc-verify: blocked PIN"
json_check "$OUT" '"6983" in d["detail"]'
# Unblock: a terminal with the PIN management right (SPEC [PIN-5]) is not
# part of these tools; a door still accepts without a PIN.
run "$V" -r "$READER" -t "$PKI/cvca.cvcert"
expect_rc 0 "a blocked PIN does not stop a door"

# ------------------------------------------------------------------
echo "== no decision: card pulled, no card, no reader"
badge_stop
badge_start "$STATE" --remove-after 1
run "$R" -r "$READER" --json
expect_rc 3 "cvc-read: card pulled after SELECT"
json_check "$OUT" 'd["badge"]["state"] == "personalized"' 'd["certificate"] is None' \
	'd["holder_data"] is None' 'd["error"]["code"] in (39, 40, 41)'
expect_err '^cvc-read: reading the chain: ' "card pulled: the step named"
if [ "$TRANSPORT" = nfc ]; then
	# The PN532 stays, its field now empty.
	run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --json
	expect_rc 3 "cvc-verify: no card in the field"
	json_check "$OUT" 'd["decision"] == "error"' 'd["status"] == "no_card"' \
		'd["error"]["code"] == 38' 'd["exchanges"] is None'
fi
badge_stop
badge_start "$STATE" --remove-after 1
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --json
expect_rc 3 "cvc-verify: card pulled after SELECT"
json_check "$OUT" 'd["decision"] == "error"' 'd["valid"] is False' \
	'd["status"] in ("card_removed", "transport", "timeout")' 'd["exchanges"] >= 1'
expect_err '^cvc-verify: .*: no decision: ' "card pulled: no decision on stderr"
badge_stop
if [ "$TRANSPORT" = pcsc ]; then
	run "$R" -r "$READER"
	expect_rc 3 "cvc-read: no card"
	expect_err "reader '$(re "$READER")': no card" "no card named"
	run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --json
	expect_rc 3 "cvc-verify: no card"
	json_check "$OUT" 'd["decision"] == "error"' 'd["status"] == "no_card"' \
		'd["error"]["code"] == 38' 'd["exchanges"] is None'
	NOREADER="pcsc:No Such Reader"
else
	# The PN532 has gone with vbadge: the device does not answer.
	run "$R" -r "$READER"
	expect_rc 3 "cvc-read: no PN532"
	NOREADER="nfc:pn532_uart:$TMP/no-such-tty"
fi
run "$R" -r "$NOREADER" --json
expect_rc 3 "cvc-read: no such reader"
json_check "$OUT" 'd["badge"] is None' "d[\"reader\"] == \"$NOREADER\"" \
	'd["transport"] is None' 'd["error"]["code"] in (37, 41)'
run "$V" -r "$NOREADER" -t "$PKI/cvca.cvcert"
expect_rc 3 "cvc-verify: no such reader"
expect_out '^ERROR: ' "ERROR line"
expect_err "reader '$(re "$NOREADER")'" "reader named on stderr"

if [ "$TRANSPORT" = pcsc ]; then
	echo "== a card without the badge application (the stack's test card)"
	pcsc_start_vicc
	run "$R" -r "$READER" --json
	expect_rc 3 "cvc-read: no badge application"
	json_check "$OUT" 'd["badge"] is None' 'd["error"]["code"] == 42' \
		'"6A82" in d["error"]["message"]'
	expect_err 'no badge applet on this card' "no applet named"
	run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --json
	expect_rc 1 "cvc-verify: a foreign card is refused"
	json_check "$OUT" 'd["decision"] == "refuse"' 'd["check"] == "select"' \
		'd["badge"] is None' 'd["status"] == "card_status"'
	pcsc_stop_vicc
fi

# ------------------------------------------------------------------
echo "== renewal through $TRANSPORT: new key, new certificate, old one gone"
# A second badge: the first one is on the revocation list by now, and
# cvc-issue does not renew a revoked badge.
badge_start "$TMP/badge2.state"
run "$I" personalize -r "$READER" --issuer-cert "$PKI/dv.cvcert" --issuer-key "$PKI/dv.pem" \
	--anchor "$PKI/cvca.cvcert" --chr DEBADGE00002 --name "$NAME" --staff-id N-04712 \
	--rights 'age verification' --days 365 --pin-file "$PIN" --out "$TMP/badge2.cvcert"
expect_rc 0 "cvc-issue personalize: second badge"
make_terminal office 'privileged terminal,install certificate'
run "$R" -r "$READER" --out-chain "$TMP/old-chain.bin"
expect_rc 0 "cvc-read: chain before renewal"
run "$I" renew -r "$READER" --issuer-cert "$PKI/dv.cvcert" \
	--issuer-key "$PKI/dv.pem" --terminal-cert "$PKI/office.cvcert" \
	--terminal-key "$PKI/office.pem" --terminal-chain "$PKI/dv.cvcert" --days 30
expect_rc 0 "cvc-issue renew"
run "$R" -r "$READER" --out-chain "$TMP/new-chain.bin"
expect_rc 0 "cvc-read: chain after renewal"
expect_out '^  CHR: +DEBADGE00003$' "renewed: next holder reference"
check
if cmp -s "$TMP/old-chain.bin" "$TMP/new-chain.bin"; then
	fail "renewal left the badge's chain unchanged"
else
	pass "renewal wrote a new chain"
fi
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --json
expect_rc 0 "cvc-verify: the renewed badge is accepted"
json_check "$OUT" 'd["decision"] == "accept"' 'd["badge"]["chr"] == "DEBADGE00003"'
badge_stop

# ------------------------------------------------------------------
echo "== a terminated badge keeps its certificates"
badge_start "$STATE"
run "$I" terminate -r "$READER" --issuer-cert "$PKI/dv.cvcert" \
	--terminal-cert "$PKI/office.cvcert" --terminal-key "$PKI/office.pem" \
	--terminal-chain "$PKI/dv.cvcert"
expect_rc 0 "cvc-issue terminate"
run "$R" -r "$READER"
expect_rc 0 "cvc-read: terminated badge"
expect_out '^state: +terminated$' "terminated: state"
expect_out '^  CHR: +DEBADGE00001$' "terminated: certificate still there"
expect_out '^holder data: none \(terminated badge\)$' "terminated: holder data erased"
run "$V" -r "$READER" -t "$PKI/cvca.cvcert" --json
expect_rc 1 "cvc-verify: a terminated badge is refused"
json_check "$OUT" 'd["check"] == "state"' 'd["badge"]["state"] == "terminated"'
badge_stop

finish
