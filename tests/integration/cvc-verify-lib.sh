# SPDX-License-Identifier: MIT
# Helpers sourced by the cvc-verify integration tests (bash), on top of the
# cvc-print ones in lib.sh (run, expect_*, json_check, finish, $TMP).
#
# Environment (set by tests/meson.build):
#   CVC_VERIFY      path of the cvc-verify binary
#   CVC_CORPUS_DIR  the real-world CVC corpus

: "${CVC_VERIFY:?CVC_VERIFY must name the cvc-verify binary}"
# lib.sh insists on CVC_PRINT; these tests do not need it.
CVC_PRINT=${CVC_PRINT:-/bin/false}
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

C=$CVC_CORPUS_DIR
# corpus file by family and name prefix (the hash suffix differs per file)
corpus() {
	local f
	f=$(ls "$C/$1/"$2 2>/dev/null | head -n 1)
	if [ -z "$f" ]; then
		echo "corpus file $1/$2 missing" >&2
		echo "$C/$1/MISSING-$2"
		return 1
	fi
	printf '%s\n' "$f"
}

# flip_byte IN OUT OFFSET: copy IN to OUT with the octet at OFFSET (from 0,
# negative from the end) inverted.
flip_byte() {
	"$PYTHON" - "$1" "$2" "$3" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
off = int(sys.argv[3])
data[off] ^= 0xFF
open(sys.argv[2], "wb").write(bytes(data))
PY
}

# offset_of FILE HEX: offset of the first occurrence of the octets HEX.
offset_of() {
	"$PYTHON" - "$1" "$2" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
print(data.find(bytes.fromhex(sys.argv[2])))
PY
}

# expect_valid WHAT: exit 0, last line VALID, no [FAIL] line.
expect_valid() {
	expect_rc 0 "$1"
	expect_out '^VALID$' "$1: VALID"
	expect_no_out '^\[FAIL\]' "$1: no failed check"
}

# expect_invalid WHAT REASON-ERE CHR: exit 1, the INVALID line with the
# reason and certificate, and the same reason on stderr.
expect_invalid() {
	expect_rc 1 "$1"
	expect_out "^INVALID: $2 \\(certificate $3\\)\$" "$1: INVALID line"
	expect_err "^cvc-verify: .*: not valid: $2 " "$1: reason on stderr"
	expect_out '^\[FAIL\] ' "$1: a failed check"
}

# json_verdict WHAT VALID STATUS CHECK FAILED-CHR: runs the last command's
# arguments again with --json and asserts the verdict members.
json_verdict() {
	local what=$1 valid=$2 status=$3 chk=$4 who=$5
	shift 5
	run "$CVC_VERIFY" --json "$@"
	if [ "$valid" = true ]; then expect_rc 0 "$what --json"; else expect_rc 1 "$what --json"; fi
	json_check "$OUT" \
		'd["schema"] == "libcvc-verify/1"' \
		"d['valid'] is $([ "$valid" = true ] && echo True || echo False)" \
		"d['status'] == '$status'" \
		"d['check'] == $([ -n "$chk" ] && echo "'$chk'" || echo None)" \
		"d['failed_certificate'] == $([ -n "$who" ] && echo "'$who'" || echo None)" \
		'all(c["result"] in ("ok", "fail", "skip") for c in d["checks"])' \
		'(d["valid"]) == all(c["result"] != "fail" for c in d["checks"])'
}

# family_anchors FAMILY [EXCLUDE]: "-t FILE" for every certificate of the
# family whose self-signature EXPECTED.tsv marks VALID (the roots a verifier
# could trust), except EXCLUDE; one argument per line, for mapfile.
family_anchors() {
	local family=$1 exclude=${2:-}
	awk -F'\t' -v fam="$family/" -v ex="$exclude" '
		$2 == "cert" && $4 == "VALID" && $5 == "./" $1 &&
		index($1, fam) == 1 && $1 != ex { print "-t"; print $1 }' \
		"$C/EXPECTED.tsv" | sed "/^-t\$/!s|^|$C/|"
}
