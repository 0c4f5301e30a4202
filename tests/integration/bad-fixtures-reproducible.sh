#!/bin/bash
# SPDX-License-Identifier: MIT
# The committed malformed fixtures are exactly what make-fixtures.sh makes
# from the corpus, so their README stays true.
. "$(dirname "$0")/lib.sh"

made=$TMP/fixtures
mkdir "$made"
check
if "$BAD/make-fixtures.sh" "$CVC_CORPUS_DIR" "$made" >"$OUT" 2>"$ERR"; then
	RC=0
	pass "make-fixtures.sh ran"
else
	RC=$?
	fail "make-fixtures.sh failed"
fi
for f in "$made"/*; do
	name=$(basename "$f")
	expect_same "$BAD/$name" "$f" "fixture $name"
done
check
n=$(find "$made" -maxdepth 1 -type f | wc -l)
if [ "$n" -ge 7 ]; then pass "$n fixtures made"; else fail "only $n fixtures made"; fi

finish
