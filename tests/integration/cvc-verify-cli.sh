#!/bin/bash
# SPDX-License-Identifier: MIT
# cvc-verify options and input errors: --help, --version, usage errors and
# unreadable inputs exit 2 with a message naming the problem (and, with
# --json, still one JSON document).
. "$(dirname "$0")/cvc-verify-lib.sh"

prod=de_eid_production
cvca102=$(corpus $prod 'DECVCAeID00102__at-cvca__selfsigned__*')
dv1401=$(corpus $prod 'DEDVeIDDTR101401__*')
term49=$(corpus $prod 'DE0000049004FN__*')

for opt in --help -h; do
	run "$CVC_VERIFY" "$opt"
	expect_rc 0 "$opt"
	expect_err_empty "$opt"
	expect_out '^usage: cvc-verify ' "$opt usage line"
	for o in --trust --target --at --crl --require-crl --no-dates --json --lenient --verbose --version; do
		expect_out "$o" "$opt documents $o"
	done
done
for opt in --version -V; do
	run "$CVC_VERIFY" "$opt"
	expect_rc 0 "$opt"
	expect_out '^cvc-verify \(libcvc\) [0-9]+\.[0-9]+\.[0-9]+$' "$opt prints the library version"
done

# Usage errors: exit 2, nothing on stdout, the usage on stderr.
run "$CVC_VERIFY"
expect_rc 2 "no file"
expect_out_empty "no file"
expect_err '^cvc-verify: no certificate or request given$' "no file named"
expect_err '^usage: cvc-verify ' "no file shows usage"
run "$CVC_VERIFY" --frobnicate "$term49"
expect_rc 2 "unknown option"
expect_err "^cvc-verify: unknown option: '--frobnicate'$" "unknown option named"
run "$CVC_VERIFY" -x "$term49"
expect_rc 2 "unknown short option"
expect_err "^cvc-verify: unknown option: '-x'$" "unknown short option named"
run "$CVC_VERIFY" "$term49" --trust
expect_rc 2 "missing argument"
expect_err "^cvc-verify: option needs an argument: '--trust'$" "missing argument named"
for bad in 2011-13-01 2011-02-30 11-12-09 20111209 yesterday ''; do
	run "$CVC_VERIFY" -t "$cvca102" --at "$bad" "$dv1401" "$term49"
	expect_rc 2 "--at '$bad'"
	expect_out_empty "--at '$bad'"
	expect_err "^cvc-verify: invalid date for --at: '$bad' \\(want YYYY-MM-DD\\)$" "--at '$bad' named"
done
run "$CVC_VERIFY" -t "$cvca102" --at 2012-02-29 "$dv1401" "$term49"
expect_rc 1 "a leap day is a date"

# Input errors: the file is named; exit 2, not 1.
run "$CVC_VERIFY" -t "$cvca102" "$TMP/missing.cvcert"
expect_rc 2 "missing file"
expect_err "^cvc-verify: $(re "$TMP/missing.cvcert"): cannot open: No such file or directory$" "missing file named"
run "$CVC_VERIFY" -t "$cvca102" "$BAD/garbage.bin"
expect_rc 2 "garbage"
expect_err "^cvc-verify: $(re "$BAD/garbage.bin"): byte 0: " "garbage named with offset"
: >"$TMP/empty"
run "$CVC_VERIFY" "$TMP/empty"
expect_rc 2 "empty file"
expect_err 'empty' "empty file reported"
for f in truncated duplicate-chr wrong-outer-tag overlong-length trailing-zeros; do
	run "$CVC_VERIFY" -t "$cvca102" "$BAD/$f.cvcert"
	expect_rc 2 "malformed $f"
	expect_err "^cvc-verify: $(re "$BAD/$f.cvcert"): (object [0-9]+: )?byte [0-9]+: " "malformed $f: offset"
done
run "$CVC_VERIFY" -t "$cvca102" "$BAD/garbage.bin" "$term49"
expect_rc 2 "a bad chain file stops the run"
# A bare key is a trust anchor, not a certificate to verify.
key=$C/gematik_g2/trust-anchor/4445475858820214_ELC-PublicKey.der
run "$CVC_VERIFY" "$key"
expect_rc 2 "bare key as target"
expect_err 'bare public key is not a certificate; give trust anchor keys with --trust' "bare key hint"
# Bad trust paths.
run "$CVC_VERIFY" -t "$TMP/nowhere" "$term49"
expect_rc 2 "missing trust path"
expect_err "$(re "$TMP/nowhere")" "missing trust path named"
mkdir "$TMP/anchors"
cp "$cvca102" "$TMP/anchors/"
cp "$BAD/garbage.bin" "$TMP/anchors/junk.cvcert"
run "$CVC_VERIFY" -t "$TMP/anchors" "$dv1401" "$term49"
expect_rc 2 "garbage in a trust directory"
expect_err "$(re "$TMP/anchors/junk.cvcert")" "the bad trust file is named"
# A missing or unreadable revocation list.
run "$CVC_VERIFY" -t "$cvca102" --crl "$TMP/none.crl" --at 2011-12-09 "$dv1401" "$term49"
expect_rc 2 "missing revocation list"
expect_err "$(re "$TMP/none.crl"): cannot open" "missing list named"
run "$CVC_VERIFY" -t "$cvca102" --crl "$BAD/garbage.bin" --at 2011-12-09 "$dv1401" "$term49"
expect_rc 2 "garbage revocation list"

# With --json an input error is still one document, with the error object.
run "$CVC_VERIFY" --json -t "$cvca102" "$BAD/duplicate-chr.cvcert"
expect_rc 2 "--json input error"
json_check "$OUT" \
	'd["schema"] == "libcvc-verify/1"' \
	'd["valid"] is False and d["check"] == "decode"' \
	'd["status"] == "duplicate_field"' \
	'd["target"] is None and d["chain"] == []' \
	'd["error"]["file"].endswith("duplicate-chr.cvcert")' \
	'isinstance(d["error"]["offset"], int) and d["error"]["field"]'
run "$CVC_VERIFY" --json -t "$TMP/nowhere" "$term49"
expect_rc 2 "--json bad trust path"
json_check "$OUT" 'd["check"] == "trust-store" and d["valid"] is False'
# A valid result has "error": null.
run "$CVC_VERIFY" --json -t "$cvca102" --at 2011-12-09 "$dv1401" "$term49"
expect_rc 0 "--json valid"
expect_err_empty "--json valid"
json_check "$OUT" \
	'd["valid"] is True and d["status"] == "ok" and d["code"] == 0' \
	'd["check"] is None and d["failed_certificate"] is None and d["error"] is None' \
	'd["anchor"]["name"] == "DECVCAeID00102" and d["anchor"]["type"] == "certificate"' \
	'd["anchor"]["expired"] is False' \
	'd["effective_rights"]["terminal_type"] == "AT"' \
	'd["effective_rights"]["role"] == "authentication terminal"' \
	'len(d["effective_rights"]["bits"]) == 10' \
	'len(d["effective_rights"]["names"]) > 0' \
	'd["revocation"] is None' \
	'[c["name"] for c in d["checks"]][:2] == ["decode", "chain"]'
# The default date is today (UTC).
run "$CVC_VERIFY" --json -t "$cvca102" "$dv1401" "$term49"
expect_rc 1 "expired today"
json_check "$OUT" "d['at'] == '$(date -u +%Y-%m-%d)'" 'd["status"] == "expired"'

# Output that cannot be written is an error.
if [ -w /dev/full ]; then
	"$CVC_VERIFY" -t "$cvca102" --at 2011-12-09 "$dv1401" "$term49" >/dev/full 2>"$ERR"
	RC=$?
	expect_rc 2 "stdout is /dev/full"
	expect_err 'error writing standard output' "write error reported"
fi

# "--" ends the options.
cp "$term49" "$TMP/-j"
cd "$TMP" || exit 1
run "$CVC_VERIFY" -t "$cvca102" --at 2011-12-09 "$dv1401" -- -j
cd - >/dev/null || exit 1
expect_valid "-- ends options"

finish
