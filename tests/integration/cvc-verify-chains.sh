#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-verify on real chains that verify (exit 0) on a date inside their
# validity: German eID production (DV + CVCA anchor, and over five link
# certificates), gematik G2 with a bare key anchor and with the root
# certificate, RSA chains (BSI worked example, NL ePassport with a link), and
# the ways to give inputs (one file, a trust directory, hex, --target).
. "$(dirname "$0")/cvc-verify-lib.sh"

prod=de_eid_production
cvca102=$(corpus $prod 'DECVCAeID00102__at-cvca__selfsigned__*')
dv1401=$(corpus $prod 'DEDVeIDDTR101401__*')
term49=$(corpus $prod 'DE0000049004FN__*')

# German production terminal, DV and CVCA, on the terminal's effective date.
run "$CVC_VERIFY" -t "$cvca102" --at 2011-12-09 "$dv1401" "$term49"
expect_valid "eID production terminal"
expect_err_empty "eID production terminal"
expect_out '^target: DE0000049004FN \(certificate\) from ' "target line"
expect_out '^date:   2011-12-09$' "date line"
expect_out '^\[ok\]   chain: DE0000049004FN <- DEDVeIDDTR101401 <- DECVCAeID00102 \(trust anchor\)$' "chain listed target to anchor"
expect_out '^\[ok\]   signature: DE0000049004FN by DEDVeIDDTR101401$' "terminal signature"
expect_out '^\[ok\]   signature: DEDVeIDDTR101401 by DECVCAeID00102$' "DV signature"
expect_out '^\[ok\]   dates: at 2011-12-09: DE0000049004FN valid 2011-12-09 to 2011-12-10' "dates line"
expect_out '^\[ok\]   role: CVCA -> DV \(non-official/foreign\) -> authentication terminal$' "roles top down"
expect_out '^\[ok\]   terminal-type: AT$' "terminal type"
expect_out '^\[ok\]   chat: effective rights [0-9A-F]{10} \(AT, authentication terminal\)' "effective CHAT"
expect_out '^\[skip\] revocation: no revocation list given' "revocation skipped without --crl"
# The last day of validity is still valid (TR-03110-3: whole days).
run "$CVC_VERIFY" -t "$cvca102" --at 2011-12-10 "$dv1401" "$term49"
expect_valid "eID production terminal on its expiration day"

# The effective rights are the AND of the CHATs: every right named in the
# chat line is one that the terminal's and the DV's own CHATs grant (as
# cvc-print names them), and the line names at least one.
grep '^\[ok\]   chat:' "$OUT" | sed 's/^[^:]*: [^:]*: //' | tr ',' '\n' | sed 's/^ *//' | grep -v '^$' >"$TMP/rights"
check
if [ -s "$TMP/rights" ]; then pass "chat line names rights"; else fail "chat line names no rights"; fi
for holder in "$term49" "$dv1401"; do
	"$CVC_PRINT" "$holder" | sed -n 's/^ *b[0-9]\{1,2\}  *//p' >"$TMP/granted"
	check
	if [ -s "$TMP/granted" ] && ! grep -vxF -f "$TMP/granted" "$TMP/rights" >/dev/null; then
		pass "effective rights within $(basename "$holder")'s CHAT"
	else
		fail "effective rights not within $(basename "$holder")'s CHAT: $(grep -vxF -f "$TMP/granted" "$TMP/rights" | head -3)"
	fi
done

# A chain across link certificates: the 2010 CVCA is the anchor, the links
# 00103..00107 lead to the key that signed the 2025 DV.
links=()
for n in 3 4 5 6 7; do
	links+=("$(corpus $prod "DECVCAeID0010${n}__at-cvca-link__*")")
done
dv1472=$(corpus $prod 'DEDVeIDDTR101472__*')
term2025=$(corpus $prod 'DE000067602698__*')
run "$CVC_VERIFY" -t "$cvca102" --at 2025-07-22 "${links[@]}" "$dv1472" "$term2025"
expect_valid "chain over five link certificates"
expect_out '^\[ok\]   chain: DE000067602698 <- DEDVeIDDTR101472 <- DECVCAeID00107 <- DECVCAeID00106 <- DECVCAeID00105 <- DECVCAeID00104 <- DECVCAeID00103 <- DECVCAeID00102 \(trust anchor, expired 2013-10-18; it still anchors the links\)$' "path over the links, the expired anchor noted"
check
n=$(count_matches '^\[ok\]   signature: ' "$OUT")
if [ "$n" -eq 7 ]; then pass "seven signatures checked"; else fail "expected 7 signature lines, got $n"; fi
# Order of the offered files does not matter.
run "$CVC_VERIFY" -t "$cvca102" --at 2025-07-22 "$dv1472" "${links[4]}" "${links[1]}" "${links[3]}" "${links[0]}" "${links[2]}" "$term2025"
expect_valid "links offered in another order"
# The newer self-signed CVCA 00103 is an anchor too (EXPECTED.tsv's chain).
cvca103=$(corpus $prod 'DECVCAeID00103__at-cvca__selfsigned__*')
run "$CVC_VERIFY" -t "$cvca103" --at 2025-07-22 "${links[@]:1}" "$dv1472" "$term2025"
expect_valid "links to the self-signed 00103"
expect_out 'DECVCAeID00104 <- DECVCAeID00103 \(trust anchor[^)]*\)$' "path ends at 00103"
# Without the link 00105 there is no path.
run "$CVC_VERIFY" -t "$cvca102" --at 2025-07-22 "${links[0]}" "${links[1]}" "${links[3]}" "${links[4]}" "$dv1472" "$term2025"
expect_invalid "missing link" 'issuer unknown' 'DECVCAeID00106'

# Verbose: every certificate of the path with issuer, role and dates.
run "$CVC_VERIFY" -v -t "$cvca102" --at 2025-07-22 "${links[@]}" "$dv1472" "$term2025"
expect_valid "verbose"
expect_out '^ +1\. DE000067602698 by DEDVeIDDTR101472: authentication terminal, 2025-07-22 to 2025-07-23$' "verbose target line"
expect_out '^ +8\. DECVCAeID00102 by DECVCAeID00102: CVCA, 2010-10-18 to 2013-10-18 \(trust anchor\)$' "verbose anchor line"

# A trust directory, and the chain concatenated in one hex file.
mkdir "$TMP/anchors"
cp "$cvca102" "$TMP/anchors/"
cp "${links[@]}" "$TMP/anchors/"
run "$CVC_VERIFY" -t "$TMP/anchors" --at 2025-07-22 "$dv1472" "$term2025"
expect_valid "trust directory with anchor and links"
expect_out '^\[ok\]   decode: .*trust store: 1 anchor, 5 intermediates$' "store counts anchor and intermediates"
cat "$dv1472" "$term2025" | xxd -p >"$TMP/chain.hex"
run "$CVC_VERIFY" -t "$TMP/anchors" --at 2025-07-22 "$TMP/chain.hex"
expect_valid "chain in one hex file"
base64 "$cvca102" >"$TMP/anchor.b64"
run "$CVC_VERIFY" -t "$TMP/anchor.b64" --at 2011-12-09 "$dv1401" "$term49"
expect_valid "base64 anchor file"
# --target picks the object to verify: here the DV, from a file given
# before the links.
run "$CVC_VERIFY" -t "$cvca102" --at 2025-08-01 --target "$dv1472" "${links[@]}"
expect_valid "--target DV"
expect_out '^target: DEDVeIDDTR101472 ' "--target names the DV"
# Standard input as the target.
run_in "$term49" "$CVC_VERIFY" -t "$cvca102" --at 2011-12-09 "$dv1401" -
expect_valid "target on standard input"
expect_out '^target: DE0000049004FN \(certificate\) from <stdin>$' "stdin named"

# A DV certificate with a non-minimal length needs --lenient.
dv1201=$(corpus $prod 'DEDVeIDDTR101201__*')
term1201=$(corpus $prod 'DE0000071003G3__*')
run "$CVC_VERIFY" -t "$cvca102" --at 2011-09-22 "$dv1201" "$term1201"
expect_rc 2 "non-minimal DV without --lenient"
expect_err "$(re "$dv1201"): byte 0: .*--lenient" "strict decoding names the file and --lenient"
run "$CVC_VERIFY" --lenient -t "$cvca102" --at 2011-09-22 "$dv1201" "$term1201"
expect_valid "non-minimal DV with --lenient"
expect_err "$(re "$dv1201"): warning: object 1: non-minimal length" "--lenient warns"

# gematik G2: end entity, sub-CA, and the root key as a bare 7F49 anchor
# named by its file; then the root certificate as the anchor.
g2=gematik_g2
key=$C/$g2/trust-anchor/4445475858820214_ELC-PublicKey.der
root=$(corpus $g2 'DEGXX_8-2-02-14__root__selfsigned__*')
subca=$(corpus $g2 'DETXX_1-5-02-14__subca__*')
ee=$(corpus $g2 '0009_80-276-88311-0000016093__ee__*')
run "$CVC_VERIFY" -t "$key" --at 2016-01-01 "$subca" "$ee"
expect_valid "gematik end entity, bare key anchor"
expect_out '^\[ok\]   chain: 000980276883110000016093 <- 4445545858150214 <- key 4445475858820214 \(trust anchor\)$' "chain ends at the key"
expect_out '^\[ok\]   signature: 4445545858150214 by key 4445475858820214$' "sub-CA signed by the key"
expect_out '^\[ok\]   terminal-type: gematik TI$' "gematik terminal type"
expect_out '^\[ok\]   chat: .*remote PIN receiver' "gematik right named"
run "$CVC_VERIFY" --json -t "$key" --at 2016-01-01 "$subca" "$ee"
expect_rc 0 "gematik --json"
json_check "$OUT" \
	'd["target"]["chr"] == "000980276883110000016093"' \
	'[c["chr"] for c in d["chain"]] == ["000980276883110000016093", "4445545858150214"]' \
	'd["anchor"]["name"] == "4445475858820214" and d["anchor"]["type"] == "public-key"' \
	'd["effective_rights"]["terminal_type"] == "gematik TI"' \
	'd["effective_rights"]["role"] == "end entity"' \
	'd["effective_rights"]["names"] == ["remote PIN receiver"]'
run "$CVC_VERIFY" -t "$root" --at 2016-01-01 "$subca" "$ee"
expect_valid "gematik end entity, root certificate anchor"
expect_out '<- 4445475858820214 \(trust anchor\)$' "chain ends at the root certificate"
run "$CVC_VERIFY" -t "$C/$g2/trust-anchor" --at 2016-01-01 "$subca" "$ee"
expect_valid "gematik trust-anchor directory"

# RSA: BSI TR-03110 worked example (RSA 1024, v1.5 SHA-1). The DV name
# DETESTDVDE019 is used by two issuers; only one signature fits. Its IS
# CVCA signs an AT DV, which only --allow-type-mix accepts; the signatures
# verify either way.
bsi=bsi_tr03110_worked_example
bsi_chain=(-t "$(corpus $bsi 'DETESTCVCA00003__*')" --at 2010-04-01 $C/$bsi/DETESTDVDE019__*.cvcert "$(corpus $bsi 'DETESTATDE019__*')")
run "$CVC_VERIFY" --allow-type-mix "${bsi_chain[@]}"
expect_valid "RSA chain with a reused DV name, --allow-type-mix"
expect_out '^\[ok\]   chain: DETESTATDE019 <- DETESTDVDE019 <- DETESTCVCA00003 \(trust anchor\)$' "RSA path"
expect_out '^\[ok\]   signature: DETESTDVDE019 by DETESTCVCA00003$' "RSA signature of the DV"
expect_out '^\[ok\]   terminal-type: AT$' "the AT type of the DV and terminal"
run "$CVC_VERIFY" "${bsi_chain[@]}"
expect_invalid "IS CVCA above an AT DV" 'terminal type differs along the chain' 'DETESTDVDE019'
expect_out '^\[ok\]   signature: DETESTDVDE019 by DETESTCVCA00003$' "signature checked before the type"
expect_out '^\[FAIL\] terminal-type: ' "terminal type line fails"
# ePassport NL: IS terminal; the DV name NLDVAAANL001 is used under the
# CVCA and under its link NLCVCAA00002, with different keys.
ep=epassport_eac
run "$CVC_VERIFY" -t "$(corpus $ep 'NLCVCAA00001__*')" --at 2009-06-01 \
	"$(corpus $ep 'NLCVCAA00002__*')" $C/$ep/NLDVAAANL001__*.cvcert \
	"$(corpus $ep 'NLIS7202000NL001__*')"
expect_valid "NL inspection system, DV name used twice"
expect_out '^\[ok\]   terminal-type: IS$' "IS terminal type"
expect_out '^\[ok\]   chain: NLIS7202000NL001 <- NLDVAAANL001 <- NLCVCAA00001 \(trust anchor\)$' "NL path"
# The DV certified under the link carries another key: no path through it.
run "$CVC_VERIFY" -t "$(corpus $ep 'NLCVCAA00001__*')" --at 2009-06-01 \
	"$(corpus $ep 'NLCVCAA00002__*')" "$(corpus $ep 'NLDVAAANL001__*NLCVCAA00002*')" \
	"$(corpus $ep 'NLIS7202000NL001__*')"
expect_invalid "NL terminal under the other DV key" 'signature does not verify' 'NLIS7202000NL001'
expect_out '^\[FAIL\] signature: NLIS7202000NL001 by NLDVAAANL001: signature does not verify$' "NL signature line fails"

# A CVCA given as anchor and as target is valid by itself.
run "$CVC_VERIFY" -t "$cvca102" --at 2011-01-01 "$cvca102"
expect_valid "anchor as target"

finish
