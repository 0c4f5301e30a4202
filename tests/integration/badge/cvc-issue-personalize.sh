#!/bin/bash
# SPDX-License-Identifier: MIT
# The badge office end to end, through a real pcscd + vpcd and the virtual
# badge: cvc-issue personalizes a blank badge (record, --out, the badge
# authenticates at a door), refuses to personalize it twice, renews it
# (new holder reference, old one replaced), terminates it; revoke builds
# and refreshes the signed revocation list the door then honours; report
# lists the badges about to expire.
. "$(dirname "$0")/office-lib.sh" "$@"

office_setup
W=$TMP/office
fresh_issuer "$W"
STATE1=$TMP/badge1.state
STATE2=$TMP/badge2.state

# --- usage errors come before any reader work (exit 2)
run "$I" personalize -r "$R" --issuer-cert "$W/dv.cvcert"
expect_rc 2 "personalize without the required options"
echo 12345 >"$TMP/shortpin"
run "$I" personalize -r "$R" --issuer-cert "$W/dv.cvcert" \
	--issuer-key "$W/dv.pem" --anchor "$PKI/cvca.cvcert" --name A \
	--staff-id S --chr-prefix DEBADGE --days 9 --pin-file "$TMP/shortpin" \
	--out "$TMP/x.cvcert"
expect_rc 2 "a PIN of five digits"
expect_err 'PIN must be 6 to 12 digits' "the PIN rule is named"
expect_false "the PIN is not on stderr" grep -q 12345 "$ERR"
run "$I" personalize -r "$R" --issuer-cert "$W/dv.cvcert" \
	--issuer-key "$W/dv.pem" --anchor "$PKI/cvca.cvcert" --name A \
	--staff-id S --chr-prefix DEBADGE --days 9 --out "$TMP/x.cvcert"
expect_rc 2 "no PIN anywhere"
# shellcheck disable=SC2016 # a literal $ in the regex
expect_err 'pin-file or \$CVC_BADGE_PIN' "the PIN's sources are named"
run "$I" personalize --pin 987654
expect_rc 2 "there is no option that takes the PIN"
expect_err 'no --pin' "--pin is refused, not taken for --pin-file"
expect_false "the PIN is not echoed" grep -q 987654 "$ERR"
run "$I" report --issuer-cert "$W/dv.cvcert" --reader "$R"
expect_rc 2 "an option that does not apply to the verb"
expect_err 'does not apply' "the message says so"

# --- no badge in the reader: exit 3, nothing recorded
personalize "$W" "$TMP/x.cvcert" --chr-prefix DEBADGE --days 90
expect_rc 3 "personalize with no badge"
expect_eq "$(record_count "$W")" 0 "no record without a badge"

# --- personalize a blank badge
badge_start "$STATE1"
expect_eq "$(badge_state)" blank "a new badge is blank"
# --- refusals before the badge is touched: no command, no number used up
personalize "$W" "$TMP/x.cvcert" --chr-prefix DEBADGE --days 500
expect_rc 1 "a badge valid past the DV's expiry"
expect_err 'past its own expiration' "the reason"
run "$I" personalize -r "$R" --issuer-cert "$W/dv.cvcert" \
	--issuer-key "$W/dv.pem" --anchor "$PKI/cvca.cvcert" --name A \
	--staff-id S --chr-prefix DEBADGE --days 9 --pin-file "$TMP/pin" \
	--rights b0,b2 --out "$TMP/x.cvcert"
expect_rc 1 "a right the DV lacks"
run "$I" personalize -r "$R" --issuer-cert "$W/dv.cvcert" \
	--issuer-key "$PKI/office.pem" --anchor "$PKI/cvca.cvcert" --name A \
	--staff-id S --chr-prefix DEBADGE --days 9 --pin-file "$TMP/pin" \
	--out "$TMP/x.cvcert"
expect_rc 1 "an issuer key that is not the DV's"
personalize "$W" "$TMP/x.cvcert" --chr-prefix DEBADGE --days 9 --curve P-256
expect_rc 2 "a curve other than the CVCA's"
expect_err "CVCA's curve, brainpoolP256r1" "the curve is named"
personalize "$W" "$TMP/x.cvcert" --chr-prefix DEBADGE --days 9 --anchor "$PKI/dv.cvcert"
expect_rc 2 "an anchor that is not a CVCA"
expect_true "no number used up" no_file "$W/dv.cvcert.state"
expect_true "no output" no_file "$TMP/x.cvcert"
expect_eq "$(badge_state)/$(record_count "$W")" blank/0 "the badge is untouched"
personalize "$W" "$TMP/badge1.cvcert" --chr-prefix DEBADGE --days 90
expect_rc 0 "personalize"
expect_out '^DEBADGE00001 issued: Alice Example \(S-0001\), valid ' "summary line"
expect_true "--out written" test -s "$TMP/badge1.cvcert"
expect_eq "$(record_status "$W" DEBADGE00001)" issued "record"
check
if head -1 "$W/dv.cvcert.issued" | grep -q '^status	chr	effective	expiration	name	staff_id	department	replaces	recorded	updated	certificate$'; then
	pass "records header"
else
	fail "records header: $(head -1 "$W/dv.cvcert.issued")"
fi
check
if grep -q "^issued	DEBADGE00001	.*	Alice Example	S-0001	Cardiology		" "$W/dv.cvcert.issued"; then
	pass "record fields"
else
	fail "record fields: $(cat "$W/dv.cvcert.issued")"
fi
check
cert_hex=$(od -An -tx1 -v "$TMP/badge1.cvcert" | tr -d ' \n' | tr a-f A-F)
if grep -q "	$cert_hex\$" "$W/dv.cvcert.issued"; then pass "record holds the certificate"; else fail "record certificate differs"; fi
expect_eq "$(badge_state)" personalized "the badge is personalized"
run "$CVC_VERIFY" -t "$PKI/cvca.cvcert" "$PKI/dv.cvcert" "$TMP/badge1.cvcert"
expect_rc 0 "the issued certificate verifies under the CVCA"
door
expect_eq "$DOOR" "accept DEBADGE00001" "a door accepts the badge"
expect_true "state file" grep -q '^DEBADGE=DEBADGE00001$' "$W/dv.cvcert.state"

# --- a personalized badge is not personalized again (exit 1, state named)
personalize "$W" "$TMP/again.cvcert" --chr-prefix DEBADGE --days 90
expect_rc 1 "personalize a personalized badge"
expect_err 'personalized, not blank' "the badge's state is named"
expect_eq "$(record_count "$W")" 1 "no new record"
expect_true "no output" no_file "$TMP/again.cvcert"
expect_true "no number used up" grep -q '^DEBADGE=DEBADGE00001$' "$W/dv.cvcert.state"

# --- confirm on an issued badge: already confirmed, --out rewritten
run "$I" confirm -r "$R" --issuer-cert "$W/dv.cvcert" --out "$TMP/confirmed.cvcert"
expect_rc 0 "confirm an issued badge"
expect_out 'DEBADGE00001 issued: confirmed' "confirm output"
expect_same "$TMP/badge1.cvcert" "$TMP/confirmed.cvcert" "confirm --out"

# --- renew: the station needs the renew right
run "$I" renew -r "$R" --issuer-cert "$W/dv.cvcert" --issuer-key "$W/dv.pem" \
	--terminal-cert "$PKI/termonly.cvcert" --terminal-key "$PKI/termonly.pem"
expect_rc 1 "renew with a station without the renew right"
expect_err 'lacks the renew right' "the missing right is named"
renew "$W" --out "$TMP/badge2.cvcert" -v
expect_rc 0 "renew"
expect_out '^DEBADGE00002 renewed \(replaces DEBADGE00001\): Alice Example \(S-0001\)' "renew summary"
expect_err '^> 00 2A 00 BE' "PSO:VERIFY CERTIFICATE in the APDU log"
expect_err '^> 00 82 00 00' "EXTERNAL AUTHENTICATE in the APDU log"
expect_eq "$(record_status "$W" DEBADGE00002)" renewed "renewal record"
expect_true "replaces column" grep -q "^renewed	DEBADGE00002	.*	DEBADGE00001	" "$W/dv.cvcert.issued"
door
expect_eq "$DOOR" "accept DEBADGE00002" "the badge authenticates with the new certificate"
run "$CVC_VERIFY" -t "$PKI/cvca.cvcert" "$PKI/dv.cvcert" "$TMP/badge2.cvcert"
expect_rc 0 "the renewed certificate verifies"
run "$I" report --issuer-cert "$W/dv.cvcert" --expiring 100 --json
json_check "$OUT" '[b["chr"] for b in d["badges"]] == ["DEBADGE00002"]' \
	'd["badges"][0]["replaces"] == "DEBADGE00001"'

# --- terminate: the station needs the terminate right
run "$I" terminate -r "$R" --issuer-cert "$W/dv.cvcert" \
	--terminal-cert "$PKI/renewonly.cvcert" --terminal-key "$PKI/renewonly.pem"
expect_rc 1 "terminate with a station without the terminate right"
expect_err 'lacks the terminate right' "the missing right is named"
run "$I" terminate -r "$R" --issuer-cert "$W/dv.cvcert" \
	--terminal-cert "$PKI/office.cvcert" --terminal-key "$PKI/office.pem"
expect_rc 0 "terminate"
expect_out '^DEBADGE00002 terminated$' "terminate output"
expect_eq "$(record_status "$W" DEBADGE00002)" terminated "record"
expect_eq "$(badge_state)" terminated "the badge is terminated"
door
check
case $DOOR in refuse*) pass "a door refuses the terminated badge: $DOOR" ;; *) fail "door: $DOOR" ;; esac
run "$I" report --issuer-cert "$W/dv.cvcert" --expiring 100 --json
json_check "$OUT" 'd["badges"] == []'
run "$I" terminate -r "$R" --issuer-cert "$W/dv.cvcert" \
	--terminal-cert "$PKI/office.cvcert" --terminal-key "$PKI/office.pem"
expect_rc 1 "terminate a terminated badge"
expect_err 'already terminated' "the message says so"
renew "$W"
expect_rc 1 "renew a terminated badge"
badge_stop

# --- a second badge: personalize, revoke, the door refuses with the list
badge_start "$STATE2"
personalize "$W" "$TMP/bob.cvcert" --chr DEBADGE00001 --days 10
expect_rc 1 "an explicit holder reference already used"
expect_err 'DEBADGE00001 is already recorded \(issued\).*never reuse' "the reuse is named"
expect_eq "$(badge_state)" blank "the badge is untouched"
personalize "$W" "$TMP/bob.cvcert" --chr-prefix DEBADGE --days 10
expect_rc 0 "second badge"
expect_out '^DEBADGE00003 issued' "next holder reference"
run "$I" revoke --issuer-cert "$W/dv.cvcert" --issuer-key "$W/dv.pem" \
	--crl "$TMP/dv.crl"
expect_rc 0 "revoke without --chr creates an empty list"
expect_out 'dv.crl: 0 revoked' "empty list summary"
door "$TMP/dv.crl"
expect_eq "$DOOR" "accept DEBADGE00003" "the door accepts with an empty list"
run "$I" revoke --issuer-cert "$W/dv.cvcert" --issuer-key "$W/dv.pem" \
	--crl "$TMP/dv.crl" --chr DEBADGE00003 --chr DEBADGE00001
expect_rc 0 "revoke two"
expect_out 'dv.crl: 2 revoked, this update [0-9-]+, next update [0-9-]+' "revoke summary"
expect_eq "$(record_status "$W" DEBADGE00003)" revoked "record of the revoked badge"
expect_eq "$(record_status "$W" DEBADGE00001)" revoked "record of the replaced certificate"
door "$TMP/dv.crl"
check
case $DOOR in refuse*revoked*) pass "the door refuses a revoked badge: $DOOR" ;; *) fail "door: $DOOR" ;; esac
run "$CVC_VERIFY" -t "$PKI/cvca.cvcert" --crl "$TMP/dv.crl" "$PKI/dv.cvcert" "$TMP/bob.cvcert"
expect_rc 1 "cvc-verify refuses it too"
run "$CVC_VERIFY" -t "$PKI/cvca.cvcert" --crl "$TMP/dv.crl" "$PKI/dv.cvcert" "$TMP/badge2.cvcert"
expect_rc 0 "the list is signed by the DV and spares the others"
cp "$TMP/dv.crl" "$TMP/dv.crl.before"
run "$I" revoke --issuer-cert "$W/dv.cvcert" --issuer-key "$W/dv.pem" \
	--crl "$TMP/dv.crl" --chr DEBADGE00003 --next-update-days 3
expect_rc 0 "revoking again keeps one entry"
expect_out '2 revoked' "still two entries"
expect_err 'already revoked' "and says so"
run "$I" revoke --issuer-cert "$W/dv.cvcert" --issuer-key "$W/dv.pem" \
	--crl "$TMP/dv.crl" --chr 'bad chr'
expect_rc 2 "an invalid holder reference"
# A list signed by another key is never replaced.
run "$I" revoke --issuer-cert "$W/dv.cvcert" --issuer-key "$PKI/office.pem" \
	--crl "$TMP/dv.crl"
expect_rc 1 "refresh with a key that is not the issuer's"
printf 'garbage' >"$TMP/bad.crl"
run "$I" revoke --issuer-cert "$W/dv.cvcert" --issuer-key "$W/dv.pem" --crl "$TMP/bad.crl"
expect_rc 2 "a list that does not parse"
expect_eq "$(cat "$TMP/bad.crl")" garbage "the bad list is left alone"
run "$I" revoke --issuer-cert "$PKI/cvca.cvcert" --issuer-key "$PKI/cvca.pem" --crl "$TMP/dv.crl"
expect_rc 2 "a list of another CA"

# --- report: what expires within the window
personalize "$W" "$TMP/y.cvcert" --chr-prefix DEBADGE --days 10
expect_rc 1 "the revoked badge is still personalized"
badge_stop
badge_start "$TMP/badge3.state"
run "$I" personalize -r "$R" --issuer-cert "$W/dv.cvcert" \
	--issuer-key "$W/dv.pem" --anchor "$PKI/cvca.cvcert" --name 'Carol Çelik' \
	--staff-id S-0003 --chr-prefix DEBADGE --days 20 --pin-file "$TMP/pin" \
	--out "$TMP/carol.cvcert"
expect_rc 0 "third badge, 20 days"
badge_stop
run "$I" report --issuer-cert "$W/dv.cvcert"
expect_rc 0 "report"
expect_out '^expires +days +status +chr +staff_id +name$' "report header"
expect_out ' 19  issued    DEBADGE00004      S-0003        Carol Çelik$' "the 20-day badge is listed"
expect_no_out 'DEBADGE0000[1-3]' "revoked, terminated and unused ones are not"
run "$I" report --issuer-cert "$W/dv.cvcert" --expiring 10
expect_out '^no badge expires by ' "nothing within 10 days"
run "$I" report --issuer-cert "$W/dv.cvcert" --expiring 10 --at "$(date -u -d '+15 days' +%F)" --json
expect_rc 0 "report --json --at"
json_check "$OUT" 'd["issuer"] == "DEHOSPDV000001"' \
	'[b["chr"] for b in d["badges"]] == ["DEBADGE00004"]' \
	'd["badges"][0]["days_left"] == 4' 'd["badges"][0]["name"] == "Carol Çelik"' \
	'd["badges"][0]["expired"] is False'
run "$I" report --issuer-cert "$W/dv.cvcert" --at "$(date -u -d '+25 days' +%F)" --json
json_check "$OUT" 'd["badges"][0]["expired"] is True' 'd["badges"][0]["days_left"] == -6'
run "$I" report --issuer-cert "$W/dv.cvcert" --at 2026-02-30
expect_rc 2 "a bad --at date"

# --- the DV key in an HSM (a private SoftHSM token): personalize signs
# through PKCS#11, the PIN comes from $CVC_PKCS11_PIN
module=/usr/lib/softhsm/libsofthsm2.so
H=$TMP/hsm
mkdir -p "$H/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$H/tokens" >"$H/softhsm2.conf"
export SOFTHSM2_CONF=$H/softhsm2.conf PKCS11_MODULE_PATH=$module
# libp11's method tables under LeakSanitizer (see ../pkcs11-lsan.supp)
export LSAN_OPTIONS="suppressions=$office_here/../pkcs11-lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
run softhsm2-util --init-token --free --label office-dv --so-pin 87654321 --pin 246810
expect_rc 0 "SoftHSM token"
run pkcs11-tool --module "$module" --token-label office-dv --login --pin 246810 \
	--keypairgen --key-type EC:brainpoolP256r1 --id 01 --label dv-key
expect_rc 0 "DV key generated in the token"
URI='pkcs11:token=office-dv;object=dv-key;type=private'
export CVC_PKCS11_PIN=246810
run "$I" request --key "$URI" --chr DEHOSPDV000002 --out "$H/dv.cvreq"
expect_rc 0 "DV request signed in the token"
run "$I" dv --issuer-cert "$PKI/cvca.cvcert" --issuer-key "$PKI/cvca.pem" \
	--request "$H/dv.cvreq" --rights b0,b3,b6 --days 100 --out "$H/dv.cvcert"
expect_rc 0 "HSM DV certificate"
badge_start "$TMP/badge4.state"
hsm_personalize() {
	run "$I" personalize -r "$R" --issuer-cert "$H/dv.cvcert" \
		--issuer-key "$URI" --anchor "$PKI/cvca.cvcert" --name 'Dan Ho' \
		--staff-id S-0004 --chr-prefix DEHSM --days 30 \
		--pin-file "$TMP/pin" --out "$H/badge.cvcert"
}
CVC_PKCS11_PIN=999999 hsm_personalize
expect_rc 2 "a wrong HSM PIN"
expect_no_out . "nothing printed"
expect_false "the HSM PIN is not shown" grep -q 999999 "$ERR"
expect_eq "$(badge_state)" blank "the badge is untouched"
hsm_personalize
expect_rc 0 "personalize with the DV key in the HSM"
expect_out '^DEHSM00001 issued: Dan Ho \(S-0004\)' "HSM summary"
expect_eq "$(awk -F'\t' 'NR > 1 { print $1 "/" $2 }' "$H/dv.cvcert.issued")" \
	issued/DEHSM00001 "HSM DV records"
door
expect_eq "$DOOR" "accept DEHSM00001" "a door accepts the HSM-issued badge"
# The office station's certificate comes from the other DV: without that
# DV in --terminal-chain the badge cannot check it.
run "$I" terminate -r "$R" --issuer-cert "$H/dv.cvcert" \
	--terminal-cert "$PKI/office.cvcert" --terminal-key "$PKI/office.pem"
expect_rc 1 "terminate without the station's DV"
expect_err '6A88.*terminal-chain' "the missing chain is named"
run "$I" terminate -r "$R" --issuer-cert "$H/dv.cvcert" \
	--terminal-cert "$PKI/office.cvcert" --terminal-key "$PKI/office.pem" \
	--terminal-chain "$PKI/dv.cvcert" --revoke --crl "$H/dv.crl" --issuer-key "$URI"
expect_rc 0 "terminate --revoke, the list signed in the HSM"
expect_out '^DEHSM00001 terminated and revoked$' "terminate --revoke output"
expect_out 'dv.crl: 1 revoked' "the list summary"
expect_eq "$(record_status "$H" DEHSM00001)" revoked "HSM record"
run "$CVC_VERIFY" -t "$PKI/cvca.cvcert" --crl "$H/dv.crl" "$H/dv.cvcert" "$H/badge.cvcert"
expect_rc 1 "the terminated badge's certificate is revoked"
badge_stop
unset CVC_PKCS11_PIN

# --- a records file that does not parse is never overwritten
fresh_issuer "$TMP/broken"
printf 'not a records file\n' >"$TMP/broken/dv.cvcert.issued"
run "$I" report --issuer-cert "$TMP/broken/dv.cvcert"
expect_rc 2 "report on a broken records file"
expect_err 'not a cvc-issue records header' "the broken file is named"

finish
