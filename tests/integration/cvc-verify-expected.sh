#!/bin/bash
# SPDX-License-Identifier: MIT
# The whole corpus against EXPECTED.tsv (an independent check of every
# signature): with all certificates of a family offered for path building,
# dates not checked,
#   - a certificate whose signature is VALID and whose chain reaches the
#     root EXPECTED.tsv names verifies with that root as the only anchor;
#   - one whose issuer is not in the corpus does not verify, with every
#     valid self-signed root of its family trusted: the issuer is unknown.
# Rows whose chain EXPECTED.tsv calls broken above a VALID signature are
# not asserted: the independent check followed one issuer file, and another
# certificate with the same name and key may repair the path (the DVs under
# DETESTeID00004 6567eae4, whose self-signature is bad, verify under
# bf73f03d, which has the same key). Self-signed certificates and INVALID
# signatures are covered by cvc-verify-chains.sh and -negative.sh.
# --allow-type-mix: the BSI worked example's IS CVCA signs an AT DV.
. "$(dirname "$0")/cvc-verify-lib.sh"

valid=0
broken=0
while IFS=$'\t' read -r file kind chk verdict issuer _algo chain; do
	[ "$kind" = cert ] && [ "$chk" = sig ] || continue
	[ "$issuer" = "./$file" ] && continue
	family=${file%%/*}
	offered=()
	for f in "$C/$family"/*.cvcert; do
		[ "$f" = "$C/$file" ] || offered+=("$f")
	done
	case "$verdict:$chain" in
	VALID:root:*)
		root=$C/$family/${chain#root:}
		valid=$((valid + 1))
		run "$CVC_VERIFY" --lenient --no-dates --allow-type-mix -t "$root" "${offered[@]}" "$C/$file"
		expect_rc 0 "$file chains to ${chain#root:}"
		;;
	UNCHECKED:*)
		mapfile -t anchors < <(family_anchors "$family" "$file")
		broken=$((broken + 1))
		run "$CVC_VERIFY" --lenient --no-dates --allow-type-mix "${anchors[@]}" "${offered[@]}" "$C/$file"
		expect_rc 1 "$file ($verdict) is not valid"
		expect_out '^INVALID: issuer unknown ' "$file: issuer unknown"
		;;
	esac
done < <(tail -n +2 "$C/EXPECTED.tsv")

check
if [ "$valid" -ge 150 ] && [ "$broken" -ge 8 ]; then
	pass "$valid valid chains and $broken unknown issuers checked"
else
	fail "too few rows: $valid valid, $broken unknown issuers"
fi

finish
