#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-verify says no (exit 1) with the specific reason in the text, on
# stderr and in JSON: expired, not yet valid, unknown issuer, a signature
# or body altered at test time, and the corpus certificates whose signature
# EXPECTED.tsv marks INVALID.
. "$(dirname "$0")/cvc-verify-lib.sh"

prod=de_eid_production
cvca102=$(corpus $prod 'DECVCAeID00102__at-cvca__selfsigned__*')
dv1401=$(corpus $prod 'DEDVeIDDTR101401__*')
term49=$(corpus $prod 'DE0000049004FN__*')
chain=(-t "$cvca102" "$dv1401")

# Expired: the day after the terminal's expiration date (2011-12-10).
run "$CVC_VERIFY" "${chain[@]}" --at 2011-12-11 "$term49"
expect_invalid "expired" 'certificate expired' 'DE0000049004FN'
expect_out '^\[FAIL\] dates: at 2011-12-11: DE0000049004FN valid 2011-12-09 to 2011-12-10: certificate expired$' "dates line says why"
# A date failure does not hide the other checks: they are still verified.
expect_out '^\[ok\]   signature: DE0000049004FN by DEDVeIDDTR101401$' "signatures still checked"
expect_out '^\[ok\]   role: ' "roles still checked"
json_verdict "expired" false expired dates DE0000049004FN "${chain[@]}" --at 2011-12-11 "$term49"
json_check "$OUT" \
	'd["reason"] == "certificate expired" and d["code"] == 25' \
	'd["at"] == "2011-12-11"' \
	'[c["chr"] for c in d["chain"]] == ["DE0000049004FN", "DEDVeIDDTR101401", "DECVCAeID00102"]' \
	'd["chain"][0]["expiration"] == "2011-12-10" and d["chain"][0]["effective"] == "2011-12-09"' \
	'd["chain"][2]["anchor"] is True and d["chain"][0]["anchor"] is False' \
	'd["effective_rights"] is None' \
	'[c for c in d["checks"] if c["result"] == "fail"][0]["name"] == "dates"' \
	'd["target"]["chr"] == "DE0000049004FN" and d["target"]["kind"] == "certificate"'
# --no-dates accepts it and says dates were not checked.
run "$CVC_VERIFY" "${chain[@]}" --at 2011-12-11 --no-dates "$term49"
expect_valid "expired with --no-dates"
expect_out '^\[skip\] dates: not checked \(--no-dates\)$' "--no-dates reported"

# The DV (valid 2011-11-17 .. 2012-02-17) expires before a terminal would.
# Checks go from the top down, so the DV is the one named.
run "$CVC_VERIFY" "${chain[@]}" --at 2012-03-01 "$term49"
expect_invalid "DV and terminal expired" 'certificate expired' 'DEDVeIDDTR101401'
expect_out '^\[FAIL\] dates: at 2012-03-01: DEDVeIDDTR101401 valid 2011-11-17 to 2012-02-17: certificate expired$' "the DV's dates shown"
json_verdict "DV and terminal expired" false expired dates DEDVeIDDTR101401 "${chain[@]}" --at 2012-03-01 "$term49"

# Not yet valid: the day before the effective date.
run "$CVC_VERIFY" "${chain[@]}" --at 2011-12-08 "$term49"
expect_invalid "not yet valid" 'certificate not yet valid' 'DE0000049004FN'
json_verdict "not yet valid" false not_yet_valid dates DE0000049004FN "${chain[@]}" --at 2011-12-08 "$term49"

# Unknown issuer: no trust anchor at all, a wrong anchor, a missing DV.
run "$CVC_VERIFY" --at 2011-12-09 "$dv1401" "$term49"
expect_invalid "no anchor" 'issuer unknown' 'DEDVeIDDTR101401'
expect_out '^\[FAIL\] chain: DE0000049004FN <- DEDVeIDDTR101401: no issuer or trust anchor for CAR DECVCAeID00102$' "chain line names the missing CAR"
json_verdict "no anchor" false unknown_issuer chain DEDVeIDDTR101401 --at 2011-12-09 "$dv1401" "$term49"
json_check "$OUT" 'd["anchor"] is None'
run "$CVC_VERIFY" -t "$(corpus bsi_tr03110_worked_example 'DECVCAAT00001__*')" --at 2011-12-09 "$dv1401" "$term49"
expect_invalid "wrong anchor" 'issuer unknown' 'DEDVeIDDTR101401'
run "$CVC_VERIFY" -t "$cvca102" --at 2011-12-09 "$term49"
expect_invalid "DV not given" 'issuer unknown' 'DE0000049004FN'

# Tampered signature: one octet of 5F37 (the last octet of the file).
flip_byte "$term49" "$TMP/badsig.cvcert" -1
run "$CVC_VERIFY" "${chain[@]}" --at 2011-12-09 "$TMP/badsig.cvcert"
expect_invalid "tampered signature" 'signature does not verify' 'DE0000049004FN'
expect_out '^\[FAIL\] signature: DE0000049004FN by DEDVeIDDTR101401: signature does not verify$' "signature line fails"
json_verdict "tampered signature" false signature signature DE0000049004FN "${chain[@]}" --at 2011-12-09 "$TMP/badsig.cvcert"

# Tampered body: one octet of the public point (after 86 41 04).
off=$(offset_of "$term49" 864104)
flip_byte "$term49" "$TMP/badbody.cvcert" $((off + 10))
run "$CVC_VERIFY" "${chain[@]}" --at 2011-12-09 "$TMP/badbody.cvcert"
expect_invalid "tampered body" 'signature does not verify' 'DE0000049004FN'
json_verdict "tampered body" false signature signature DE0000049004FN "${chain[@]}" --at 2011-12-09 "$TMP/badbody.cvcert"
# A tampered DV breaks the chain above a good terminal.
flip_byte "$dv1401" "$TMP/baddv.cvcert" -1
run "$CVC_VERIFY" -t "$cvca102" --at 2011-12-09 "$TMP/baddv.cvcert" "$term49"
expect_rc 1 "tampered DV"
expect_out '^INVALID: .* \(certificate DEDVeIDDTR101401\)$' "tampered DV named"

# gematik: a tampered sub-CA signed by the bare key anchor.
g2=gematik_g2
key=$C/$g2/trust-anchor/4445475858820214_ELC-PublicKey.der
subca=$(corpus $g2 'DETXX_1-5-02-14__subca__*')
ee=$(corpus $g2 '0009_80-276-88311-0000016093__ee__*')
flip_byte "$subca" "$TMP/badsubca.cvcert" -1
run "$CVC_VERIFY" -t "$key" --at 2016-01-01 "$TMP/badsubca.cvcert" "$ee"
expect_rc 1 "gematik tampered sub-CA"
expect_out '^INVALID: .* \(certificate 4445545858150214\)$' "gematik failure names the sub-CA in hex"
# ... and the right key anchor for another root is no anchor for it.
run "$CVC_VERIFY" -t "$C/$g2/trust-anchor/44455a4757820216_ELC-PublicKey.der" --at 2016-01-01 "$subca" "$ee"
expect_invalid "gematik other root key" 'issuer unknown' '4445545858150214'

# ISO/IEC 7816-9 certificates with message recovery (Spanish DNIe) are
# decoded but cannot be verified.
dnie=$(corpus dnie_iso7816_9 'noCHR__*6573524449600006*')
run "$CVC_VERIFY" "$dnie"
expect_rc 1 "ISO 7816-9 certificate"
expect_out '^\[FAIL\] critical: ISO/IEC 7816-9 certificate with message recovery \(CAR 6573524449600006\): not supported$' "ISO 7816-9 reported"
run "$CVC_VERIFY" --json "$dnie"
json_check "$OUT" 'd["status"] == "unsupported" and d["check"] == "critical"' 'd["target"]["kind"] == "iso7816-9-certificate"'

# EXPECTED.tsv: certificates whose signature is INVALID never verify, with
# the issuer file EXPECTED.tsv names among the offered certificates and
# every valid self-signed root of the family trusted.
n=0
while IFS=$'\t' read -r file kind chk verdict issuer _algo _chain; do
	[ "$kind" = cert ] && [ "$verdict" = INVALID ] || continue
	[ "$issuer" = "./$file" ] && continue # self-signed: see below
	n=$((n + 1))
	mapfile -t anchors < <(family_anchors "${file%%/*}" "$file")
	run "$CVC_VERIFY" --lenient --no-dates "${anchors[@]}" "$C/${issuer#./}" "$C/$file"
	expect_rc 1 "EXPECTED INVALID $file"
	# A CVCA that names itself but was signed by another key of that name
	# (DETESTeID00004 89b08275) finds no issuer at all.
	expect_out '^INVALID: (signature does not verify|issuer unknown) ' "EXPECTED INVALID $file: reason"
done < <(tail -n +2 "$C/EXPECTED.tsv")
check
if [ "$n" -ge 10 ]; then pass "$n INVALID signatures checked"; else fail "only $n INVALID rows"; fi

# Self-signed certificates with an INVALID signature: the store refuses
# them as anchors (DECVCAEPASS001's point is not on its curve) or they are
# not valid as targets.
run "$CVC_VERIFY" -t "$(corpus epassport_eac 'DECVCAEPASS001__*')" "$(corpus epassport_eac 'DECVCAEPASS001__*')"
expect_rc 2 "anchor whose point is not on the curve"
expect_err 'trust path' "refused anchor named"
t=de_eid_test
run "$CVC_VERIFY" --no-dates -t "$C/$t/DETESTeID00004__at-cvca__selfsigned__6567eae4.cvcert" \
	"$C/$t/DETESTeID00004__at-cvca__selfsigned__89b08275.cvcert"
expect_rc 1 "same name, other key"

finish
