#!/bin/bash
# SPDX-License-Identifier: MIT
# The same certificate given as DER, hex and base64 (made here with xxd and
# base64), from a file or standard input, prints the same.
. "$(dirname "$0")/lib.sh"

cert=$CVC_CORPUS_DIR/de_eid_production/DECVCAeID00102__at-cvca__selfsigned__b97b252d.cvcert
dv=$CVC_CORPUS_DIR/de_eid_production/DEDVeIDDTR101401__at-dv-nonofficial__by_DECVCAeID00102__d844dcfe.cvcert

run "$CVC_PRINT" "$cert"
expect_rc 0 "DER"
expect_out 'DECVCAeID00102' "DER output names the holder"
strip_headers "$OUT" >"$TMP/der.txt"
run "$CVC_PRINT" --json "$cert"
"$PYTHON" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["objects"][0]["object"], sort_keys=True))' \
	<"$OUT" >"$TMP/der.json"

xxd -p "$cert" >"$TMP/cert.hex"
xxd -p -u -c 16 "$cert" | sed 's/../&:/g; s/:$//' >"$TMP/cert-colons.hex"
base64 "$cert" >"$TMP/cert.b64"
base64 -w 0 "$cert" >"$TMP/cert-oneline.b64"
{
	echo "-----BEGIN CV CERTIFICATE-----"
	base64 -w 64 "$cert"
	echo "-----END CV CERTIFICATE-----"
} >"$TMP/cert.pem"

for variant in cert.hex:hex cert-colons.hex:hex cert.b64:base64 cert-oneline.b64:base64 cert.pem:base64; do
	f=$TMP/${variant%%:*}
	fmt=${variant##*:}
	run "$CVC_PRINT" "$f"
	expect_rc 0 "$variant"
	expect_err_empty "$variant"
	expect_out "^== $(re "$f") ==$" "$variant header"
	strip_headers "$OUT" >"$TMP/variant.txt"
	expect_same "$TMP/der.txt" "$TMP/variant.txt" "$variant text equals DER text"

	run "$CVC_PRINT" --json "$f"
	expect_rc 0 "$variant --json"
	json_check "$OUT" "d['objects'][0]['format'] == '$fmt'"
	"$PYTHON" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["objects"][0]["object"], sort_keys=True))' \
		<"$OUT" >"$TMP/variant.json"
	expect_same "$TMP/der.json" "$TMP/variant.json" "$variant JSON object equals DER's"
done

# Standard input: implicit and as "-", DER and hex.
run_in "$cert" "$CVC_PRINT"
expect_rc 0 "stdin, no file argument"
expect_out '^== <stdin> ==$' "stdin header"
strip_headers "$OUT" >"$TMP/stdin.txt"
expect_same "$TMP/der.txt" "$TMP/stdin.txt" "stdin DER equals file DER"
run_in "$TMP/cert.hex" "$CVC_PRINT" -
expect_rc 0 "stdin hex via -"
strip_headers "$OUT" >"$TMP/stdin.txt"
expect_same "$TMP/der.txt" "$TMP/stdin.txt" "stdin hex equals file DER"

# A chain as hex: objects are walked after conversion.
cat "$cert" "$dv" | xxd -p >"$TMP/chain.hex"
run "$CVC_PRINT" "$TMP/chain.hex"
expect_rc 0 "hex chain"
expect_out '\(object 2 of 2\)' "hex chain has two objects"
expect_out 'DEDVeIDDTR101401' "hex chain prints the DV"

# Errors in hex input name the format, since offsets count decoded octets.
xxd -p "$CVC_TEST_DATA/bad/wrong-outer-tag.cvcert" >"$TMP/bad.hex"
run "$CVC_PRINT" "$TMP/bad.hex"
expect_rc 2 "bad hex"
expect_err "^cvc-print: $(re "$TMP/bad.hex") \\(hex\\): byte 0: " "hex error names format and offset"

finish
