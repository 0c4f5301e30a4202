#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-print on real chains: several files, a chain concatenated in one file,
# and a gematik chain with its bare public-key trust anchor.
. "$(dirname "$0")/lib.sh"

bsi=$CVC_CORPUS_DIR/bsi_tr03110_worked_example
cvca=$bsi/DECVCAAT00001__is-cvca__selfsigned__3e913d67.cvcert
dv=$bsi/DETESTDVDE019__at-dv-official__by_DECVCAAT00001__17d5f76b.cvcert
term=$bsi/DETESTATDE019__at-terminal__by_DETESTDVDE019__94f231a7.cvcert

# Three files, one object each.
run "$CVC_PRINT" "$cvca" "$dv" "$term"
expect_rc 0 "three chain files"
expect_err_empty "three chain files"
check
n=$(count_matches '^== .* ==$' "$OUT")
if [ "$n" -eq 3 ]; then pass "three headers"; else fail "expected 3 headers, got $n"; fi
expect_out "^== $(re "$cvca") ==$" "header names the CVCA file"
expect_out "^== $(re "$term") ==$" "header names the terminal file"
for chr in DECVCAAT00001 DETESTDVDE019 DETESTATDE019; do
	expect_out "$chr" "holder $chr printed"
done
strip_headers "$OUT" >"$TMP/separate.txt"

# The same chain concatenated in one file.
cat "$cvca" "$dv" "$term" >"$TMP/chain.cvcert"
run "$CVC_PRINT" "$TMP/chain.cvcert"
expect_rc 0 "concatenated chain"
expect_err_empty "concatenated chain"
for i in 1 2 3; do
	expect_out "^== $(re "$TMP/chain.cvcert") \\(object $i of 3\\) ==$" "object $i of 3 header"
done
strip_headers "$OUT" >"$TMP/joined.txt"
expect_same "$TMP/separate.txt" "$TMP/joined.txt" "chain in one file prints as the separate files"

# Each object printed alone equals its part of the chain output.
run "$CVC_PRINT" "$dv"
strip_headers "$OUT" >"$TMP/dv.txt"
check
if grep -qF -f "$TMP/dv.txt" "$TMP/joined.txt" && [ -s "$TMP/dv.txt" ]; then
	pass "DV text appears in the chain output"
else
	fail "DV text missing from the chain output"
fi

# gematik G2: bare 7F49 trust anchor, root, sub-CA, end entity.
g2=$CVC_CORPUS_DIR/gematik_g2
anchor=$g2/trust-anchor/4445475858820214_ELC-PublicKey.der
root=$g2/DEGXX_8-2-02-14__root__selfsigned__60e148ff.cvcert
subca=$g2/DETXX_1-5-02-14__subca__by_DEGXX_8-2-02-14__9289baed.cvcert
ee=$g2/0006_80-276-88311-0000015501__ee__by_DETXX_1-5-02-14__859843e2.cvcert
run "$CVC_PRINT" "$anchor" "$root" "$subca" "$ee"
expect_rc 0 "gematik chain with trust anchor"
expect_err_empty "gematik chain with trust anchor"
check
n=$(count_matches '^== .* ==$' "$OUT")
if [ "$n" -eq 4 ]; then pass "four headers"; else fail "expected 4 headers, got $n"; fi
# The anchor's public point starts 04 85 34 D8 (uncompressed, 65 octets).
expect_out '(04:?85:?34:?[dD]8|04 ?85 ?34 ?[dD]8)' "trust anchor public point printed"

# Trust anchor and certificate concatenated: both kinds in one walk.
cat "$anchor" "$root" >"$TMP/anchor+root.bin"
run "$CVC_PRINT" "$TMP/anchor+root.bin"
expect_rc 0 "anchor and root in one file"
expect_out '\(object 2 of 2\)' "second object of the mixed file"

finish
