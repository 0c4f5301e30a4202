#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-print --json: one valid document per run (schema libcvc-print/1), also
# when some inputs fail.
. "$(dirname "$0")/lib.sh"

bsi=$CVC_CORPUS_DIR/bsi_tr03110_worked_example
cvca=$bsi/DECVCAAT00001__is-cvca__selfsigned__3e913d67.cvcert
term=$bsi/DETESTATDE019__at-terminal__by_DETESTDVDE019__94f231a7.cvcert
anchor=$CVC_CORPUS_DIR/gematik_g2/trust-anchor/4445475858820214_ELC-PublicKey.der

# One known certificate.
run "$CVC_PRINT" --json "$term"
expect_rc 0 "--json one file"
expect_err_empty "--json one file"
json_check "$OUT" \
	'd["schema"] == "libcvc-print/1"' \
	'len(d["objects"]) == 1 and d["errors"] == []' \
	"d['objects'][0]['file'] == '$term'" \
	'd["objects"][0]["index"] == 1' \
	'd["objects"][0]["format"] == "der"' \
	'd["objects"][0]["type"] == "cvc"' \
	'd["objects"][0]["nonminimal"] is False' \
	'isinstance(d["objects"][0]["object"], dict)' \
	'd["objects"][0]["object"]["chr"]["text"] == "DETESTATDE019"' \
	'd["objects"][0]["object"]["car"]["text"] == "DETESTDVDE019"'

# Short option, a chain in one file, and a bare public key.
cat "$cvca" "$term" >"$TMP/two.cvcert"
run "$CVC_PRINT" -j "$TMP/two.cvcert" "$anchor"
expect_rc 0 "-j chain and key"
json_check "$OUT" \
	'[o["index"] for o in d["objects"]] == [1, 2, 1]' \
	"[o['file'] for o in d['objects']] == ['$TMP/two.cvcert'] * 2 + ['$anchor']" \
	'[o["type"] for o in d["objects"]] == ["cvc", "cvc", "public-key"]' \
	'd["objects"][0]["object"]["chr"]["text"] == "DECVCAAT00001"' \
	'd["errors"] == []'

# A failing file among good ones: still one valid document, exit 2, the
# good objects present and the failure described with file and offset.
run "$CVC_PRINT" --json "$cvca" "$BAD/duplicate-chr.cvcert" "$TMP/missing.cvcert" "$term"
expect_rc 2 "--json with failing files"
expect_err "$(re "$BAD/duplicate-chr.cvcert"): byte [0-9]+" "stderr still names the bad file"
json_check "$OUT" \
	'd["schema"] == "libcvc-print/1"' \
	'len(d["objects"]) == 2' \
	'len(d["errors"]) == 2' \
	"d['errors'][0]['file'] == '$BAD/duplicate-chr.cvcert'" \
	'd["errors"][0]["index"] == 1' \
	'isinstance(d["errors"][0]["offset"], int) and d["errors"][0]["offset"] > 0' \
	'd["errors"][0]["field"] is not None' \
	'd["errors"][0]["error"] and d["errors"][0]["message"]' \
	'"byte" in d["errors"][0]["message"]' \
	"d['errors'][1]['file'] == '$TMP/missing.cvcert'" \
	'd["errors"][1]["index"] == 0 and d["errors"][1]["offset"] is None' \
	'"No such file" in d["errors"][1]["message"]'

# Object 1 of a padded file is printed, object 2 is the error.
run "$CVC_PRINT" --json "$BAD/trailing-zeros.cvcert"
expect_rc 2 "--json trailing zeros"
json_check "$OUT" \
	'len(d["objects"]) == 1 and d["objects"][0]["index"] == 1' \
	'd["errors"][0]["index"] == 2 and d["errors"][0]["offset"] == 333'

# Only failures: "objects" is empty, the document is still valid.
run "$CVC_PRINT" --json "$BAD/garbage.bin"
expect_rc 2 "--json garbage only"
json_check "$OUT" 'd["objects"] == []' 'd["errors"][0]["offset"] == 0'

# Standard input is named "-"; a file name that is not UTF-8 still gives
# valid JSON.
run_in "$term" "$CVC_PRINT" --json
expect_rc 0 "--json from stdin"
json_check "$OUT" 'd["objects"][0]["file"] == "-"'
odd=$TMP/$'odd\xff"name\t.cvcert'
cp "$term" "$odd"
run "$CVC_PRINT" --json "$odd"
expect_rc 0 "--json odd file name"
json_check "$OUT" 'd["objects"][0]["file"].endswith("odd\ufffd\"name\t.cvcert")'

# Verbose JSON is still valid.
run "$CVC_PRINT" --json --verbose "$cvca"
expect_rc 0 "--json --verbose"
json_check "$OUT" 'len(d["objects"]) == 1'

finish
