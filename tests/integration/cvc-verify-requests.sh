#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-verify on certificate requests: the inner signature (proof of
# possession) of plain requests, inner and outer signatures of authenticated
# requests, with the verdicts of EXPECTED.tsv.
. "$(dirname "$0")/cvc-verify-lib.sh"

# Every plain request of the corpus: VALID rows verify, INVALID ones do not.
# No trust anchor is needed for a proof of possession.
n=0
while IFS=$'\t' read -r file kind chk verdict _rest; do
	[ "$kind" = request ] && [ "$chk" = self-sig ] || continue
	n=$((n + 1))
	run "$CVC_VERIFY" "$C/$file"
	if [ "$verdict" = VALID ]; then
		expect_valid "request $file"
		expect_out '^\[ok\]   inner-signature: .*self-signature verifies \(proof of possession\)$' "request $file: inner line"
	else
		expect_rc 1 "request $file ($verdict)"
		expect_out '^\[FAIL\] inner-signature: ' "request $file: inner line fails"
	fi
done < <(tail -n +2 "$C/EXPECTED.tsv")
check
if [ "$n" -ge 15 ]; then pass "$n plain requests checked"; else fail "only $n plain requests found in EXPECTED.tsv"; fi

# A request as JSON: no chain, no rights.
req=$(corpus epassport_eac 'UTIS00100072__request__*')
run "$CVC_VERIFY" --json "$req"
expect_rc 0 "request --json"
json_check "$OUT" \
	'd["valid"] is True and d["status"] == "ok" and d["check"] is None' \
	'd["target"]["kind"] == "request" and d["target"]["chr"] == "UTIS00100072"' \
	'd["chain"] == [] and d["effective_rights"] is None' \
	'[c["name"] for c in d["checks"]] == ["decode", "inner-signature"]'

# A tampered request: the proof of possession fails.
flip_byte "$req" "$TMP/badreq.cvreq" -1
run "$CVC_VERIFY" "$TMP/badreq.cvreq"
expect_invalid "tampered request" 'signature does not verify' 'UTIS00100072'
json_verdict "tampered request" false signature inner-signature UTIS00100072 "$TMP/badreq.cvreq"

# The RSA request CZDVTESTSE000 (RSA 2048, v1.5 SHA-256).
run "$CVC_VERIFY" "$(corpus epassport_eac 'CZDVTESTSE000__request__*')"
expect_valid "RSA request"

# Authenticated request of SmartCard-HSM terminal ESPICOHSMTRLRA4C: the new
# key's request signed with the key of its current terminal certificate,
# whose chain runs to ESPICOHSMCA00002.
hsm=smartcard_hsm
authreq=$(corpus $hsm 'ESPICOHSMTRLRA4C__authreq__*')
hsm_chain=(-t "$(corpus $hsm 'ESPICOHSMCA00002__*')" "$(corpus $hsm 'ESPICOHSMDV00002__*')" "$(corpus $hsm 'ESPICOHSMTRLRA4C__at-terminal__*')")
run "$CVC_VERIFY" --at 2026-01-01 "${hsm_chain[@]}" "$authreq"
expect_valid "authenticated request, outer signer validated"
expect_out '^\[ok\]   inner-signature: ESPICOHSMTRLRA4C: ' "inner signature"
expect_out '^\[ok\]   outer-signer: ESPICOHSMTRLRA4C, certificate 1 of ' "outer signer found"
expect_out '^\[ok\]   chain: ESPICOHSMTRLRA4C <- ESPICOHSMDV00002 <- ESPICOHSMCA00002 \(trust anchor\)$' "outer signer's chain"
expect_out '^\[ok\]   outer-signature: ESPICOHSMTRLRA4C by ESPICOHSMTRLRA4C$' "outer signature"
run "$CVC_VERIFY" --json --at 2026-01-01 "${hsm_chain[@]}" "$authreq"
json_check "$OUT" \
	'd["valid"] is True' \
	'd["target"]["kind"] == "authenticated-request"' \
	'[c["chr"] for c in d["chain"]] == ["ESPICOHSMTRLRA4C", "ESPICOHSMDV00002", "ESPICOHSMCA00002"]'
# The outer signer found in a trust directory instead of the files.
mkdir "$TMP/trust"
cp "${hsm_chain[@]:1}" "$(corpus $hsm 'ESPICOHSMCA00002__*')" "$TMP/trust/"
run "$CVC_VERIFY" --at 2026-01-01 -t "$TMP/trust" "$authreq"
expect_valid "outer signer from the trust directory"
# The outer signer's certificate is not yet valid in 2025-06 (its DV is): no.
run "$CVC_VERIFY" --at 2025-06-01 "${hsm_chain[@]}" "$authreq"
expect_invalid "outer signer not yet valid" 'certificate not yet valid' 'ESPICOHSMTRLRA4C'
# Without the anchor the outer signer is not trusted.
run "$CVC_VERIFY" --at 2026-01-01 "${hsm_chain[@]:1}" "$authreq"
expect_rc 1 "outer signer without anchor"
expect_out '^INVALID: issuer unknown ' "outer signer without anchor: reason"
# A tampered outer signature (the last octet of the file).
flip_byte "$authreq" "$TMP/badouter.cvreq" -1
run "$CVC_VERIFY" --at 2026-01-01 "${hsm_chain[@]}" "$TMP/badouter.cvreq"
expect_invalid "tampered outer signature" 'signature does not verify' 'ESPICOHSMTRLRA4C'
expect_out '^\[ok\]   inner-signature: ' "tampered outer: inner still fine"
expect_out '^\[FAIL\] outer-signature: ' "tampered outer: outer fails"
json_verdict "tampered outer signature" false signature outer-signature ESPICOHSMTRLRA4C --at 2026-01-01 "${hsm_chain[@]}" "$TMP/badouter.cvreq"

# ESP2202E14A00001: outer CAR = CHR and no certificate of that name: the
# outer signature is made with the request's own key (EXPECTED: VALID).
run "$CVC_VERIFY" "$(corpus $hsm 'ESP2202E14A00001__authreq__*')"
expect_valid "self-authenticated request"
expect_out '^\[skip\] outer-signer: the request.s own key ' "no authority vouches"
expect_out '^\[ok\]   outer-signature: ESP2202E14A00001 by its own key$' "own-key outer signature"

# HSMCVCA: inner VALID, outer INVALID (EXPECTED.tsv).
run "$CVC_VERIFY" "$(corpus simulator_test_pki 'HSMCVCA__authreq__*')"
expect_rc 1 "HSMCVCA outer invalid"
expect_out '^\[ok\]   inner-signature: ' "HSMCVCA inner fine"

# EJBCA's SEABSP00002 (RSA 2048): inner signature VALID; its outer signer
# SEABSP00001 is not in the corpus, so the request cannot be accepted.
seabsp=$(corpus epassport_eac 'SEABSP00002__authreq__*')
run "$CVC_VERIFY" "$seabsp"
expect_invalid "SEABSP00002 without its outer signer" 'issuer unknown' 'SEABSP00002'
expect_out '^\[ok\]   inner-signature: SEABSP00002: self-signature verifies' "SEABSP00002 inner RSA signature"
expect_out '^\[FAIL\] outer-signer: no certificate with CHR SEABSP00001 ' "SEABSP00001 not found"
json_verdict "SEABSP00002" false unknown_issuer outer-signer SEABSP00002 "$seabsp"

finish
