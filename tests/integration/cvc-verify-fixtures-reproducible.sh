#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/data/verify/make-fixtures.py writes exactly the committed test PKI
# (fixed keys, RFC 6979 signatures). Needs python3-cryptography >= 43 (the
# fixtures themselves do not); skipped without it.
. "$(dirname "$0")/cvc-verify-lib.sh"

V=$CVC_TEST_DATA/verify
py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 &&
		"$p" -c 'from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
ec.ECDSA(hashes.SHA256(), deterministic_signing=True)' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "python3-cryptography with deterministic ECDSA not installed; skipping"
	exit 77
fi

run "$py" "$V/make-fixtures.py" "$TMP/out"
expect_rc 0 "make-fixtures.py runs"
n=0
for f in "$V"/*.cvcert "$V"/*.cvreq "$V"/*.crl; do
	n=$((n + 1))
	expect_same "$f" "$TMP/out/$(basename "$f")" "$(basename "$f") reproduced"
done
check
made=$(ls "$TMP/out" | wc -l)
if [ "$made" -eq "$n" ]; then pass "$n fixtures, no more, no less"; else fail "$made made, $n committed"; fi

finish
