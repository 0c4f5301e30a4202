#!/bin/bash
# SPDX-License-Identifier: MIT
# Every file of the real-world corpus through cvc-print, end to end: text
# and JSON, one file at a time and all concatenated into one, with the
# holder (CHR) and profile (CPI) checked against MANIFEST.tsv, which was
# made independently of libcvc.
. "$(dirname "$0")/lib.sh"

manifest=$CVC_CORPUS_DIR/MANIFEST.tsv
mapfile -t files < <(tail -n +2 "$manifest" | cut -f1 | sed "s|^|$CVC_CORPUS_DIR/|")
mapfile -t -O "${#files[@]}" files < <(find "$CVC_CORPUS_DIR" -path '*/trust-anchor/*.der' | sort)
n=${#files[@]}
check
if [ "$n" -gt 100 ]; then pass "$n corpus files"; else fail "only $n corpus files"; fi

# Text, lenient: every file prints; the only remarks are non-minimal
# length warnings.
run "$CVC_PRINT" --lenient "${files[@]}"
expect_rc 0 "all files, text, --lenient"
check
h=$(count_matches '^== .* ==$' "$OUT")
if [ "$h" -eq "$n" ]; then pass "one header per file"; else fail "$h headers for $n files"; fi
check
if grep -v 'warning: object 1: non-minimal length' "$ERR" | grep -q .; then
	fail "unexpected messages on stderr"
else
	pass "stderr holds only non-minimal warnings"
fi

# Strict: whatever fails, fails only for a non-minimal length and says so.
run "$CVC_PRINT" "${files[@]}"
check
errs=$(count_matches '^cvc-print: ' "$ERR")
hints=$(count_matches 'use --lenient to accept it$' "$ERR")
if [ "$errs" -eq "$hints" ]; then pass "strict failures ($errs) are all non-minimal lengths"; else fail "strict: $errs errors, $hints about non-minimal lengths"; fi
if [ "$errs" -gt 0 ]; then expect_rc 2 "strict with non-minimal files"; else expect_rc 0 "strict"; fi

# JSON, lenient, verbose: one valid document, CHR and CPI as in MANIFEST.
run "$CVC_PRINT" --lenient --json --verbose "${files[@]}"
expect_rc 0 "all files, JSON"
check
if "$PYTHON" - "$OUT" "$manifest" "$CVC_CORPUS_DIR/" <<'PY'; then
import csv, json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
prefix = sys.argv[3]
rows = {r["file"]: r for r in csv.DictReader(open(sys.argv[2]), delimiter="\t")}
bad = []
assert doc["errors"] == [], doc["errors"]
seen = 0
for o in doc["objects"]:
    name = o["file"][len(prefix):]
    if name not in rows:
        assert o["type"] == "public-key", name
        continue
    seen += 1
    row, obj = rows[name], o["object"]
    chr_want = row["CHR"]
    if chr_want.startswith("hex:"):
        ok = obj.get("chr", {}).get("hex") == chr_want[4:].lower()
    elif chr_want:
        ok = obj.get("chr", {}).get("text") == chr_want
    else:
        ok = "chr" not in obj or obj["chr"] is None
    if not ok:
        bad.append(f"{name}: CHR {obj.get('chr')} != {chr_want}")
    if row["CPI"] and obj.get("cpi") != int(row["CPI"], 16):
        bad.append(f"{name}: CPI {obj.get('cpi')} != {row['CPI']}")
assert seen == len(rows), (seen, len(rows))
for b in bad[:10]:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
	pass "JSON CHR and CPI match MANIFEST.tsv for every file"
else
	fail "JSON disagrees with MANIFEST.tsv"
fi

# All files concatenated into one: the same objects, walked in one file.
cat "${files[@]}" >"$TMP/all.bin"
run "$CVC_PRINT" --lenient "$TMP/all.bin"
expect_rc 0 "whole corpus in one file"
expect_out "^== $(re "$TMP/all.bin") \\(object $n of $n(, public key)?\\) ==\$" "last header counts $n objects"
strip_headers "$OUT" >"$TMP/joined.txt"
run "$CVC_PRINT" --lenient "${files[@]}"
strip_headers "$OUT" >"$TMP/separate.txt"
expect_same "$TMP/separate.txt" "$TMP/joined.txt" "one file prints as the separate files"

finish
