#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/cvc-verify.1 documents the live badge mode: the second synopsis, the
# LIVE BADGE section, every reader option --help lists, exit status 3, the
# reader JSON schema (also in doc/json-schema.md) and the new reason
# tokens; and the mode's usage errors (no reader needed for those).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../../manpage-lib.sh
. "$here/../../manpage-lib.sh"
: "${CVC_VERIFY:?CVC_VERIFY must name the cvc-verify binary}"

doc=$(cd "$here/../../../../doc" && pwd)
man_render "$doc/cvc-verify.1" -t
for section in 'LIVE BADGE' ENVIRONMENT; do
	expect_out "^$section\$" "section $section"
done
expect_out '^   Live badge options$' "subsection of the reader options"
expect_out '^       cvc-verify -r spec ' "second synopsis"

# Every long option of --help, the reader ones included, is on the page.
run "$CVC_VERIFY" --help
expect_rc 0 "--help"
for opt in --reader --require-right --pin-file --require-pin --terminal-cert --terminal-key --holder; do
	expect_out "$opt" "--help lists $opt"
done
man_documents_options
expect_out '^       -r, --reader spec' "page documents -r"
expect_out 'libcvc-verify-reader/1' "page documents the reader schema"
expect_out '^       3      ' "page documents exit status 3"
for token in card_status not_authorized; do
	expect_out "^ +$token +" "table of reasons lists $token"
done
for m in decision valid status code reason check detail badge days_left \
	effective_rights required_rights pin_verified terminal_authenticated \
	holder exchanges error; do
	expect_out "\\b$m\\b" "page documents member $m"
done
cp "$doc/json-schema.md" "$OUT"
expect_out '^### `cvc-verify --reader --json` \(`libcvc-verify-reader/1`\)' "json-schema.md section"

# Usage errors of the mode: exit 2, nothing on stdout.
run "$CVC_VERIFY" --require-right b0 some.cvcert
expect_rc 2 "--require-right without --reader"
expect_err '--require-right needs --reader' "reader-only option named"
expect_out_empty "usage error: nothing on stdout"
for opt in --require-pin --holder "--pin-file x" "--terminal-key k"; do
	# shellcheck disable=SC2086
	run "$CVC_VERIFY" $opt some.cvcert
	expect_rc 2 "$opt without --reader"
done
run "$CVC_VERIFY" -r pcsc:0 some.cvcert
expect_rc 2 "--reader with a FILE"
expect_err 'give no FILE' "FILE refused"
run "$CVC_VERIFY" -r pcsc:0 --target some.cvcert
expect_rc 2 "--reader with --target"
run "$CVC_VERIFY" -r pcsc:0 --require-right 'no such right'
expect_rc 2 "unknown right"
expect_err "not an access right .*'no such right'" "unknown right named"
run "$CVC_VERIFY" -r pcsc:0 --require-right b0,b1
expect_rc 2 "two rights in one option"
run "$CVC_VERIFY" -r pcsc:0 --require-right ''
expect_rc 2 "an empty right"
run "$CVC_VERIFY" -r pcsc:0 --require-right b40
expect_rc 2 "a bit beyond an AT CHAT"
run "$CVC_VERIFY" -r pcsc:0 --terminal-cert x.cvcert
expect_rc 2 "--terminal-cert without --terminal-key"
run "$CVC_VERIFY" -r bogus:0
expect_rc 2 "a reader spec that is not one"
expect_err "not a reader spec: 'bogus:0'" "bad spec named"
expect_out_empty "bad spec: nothing on stdout"
# Input errors: exit 2, the JSON document names the file.
run "$CVC_VERIFY" -r pcsc:0 -t "$TMP/missing.cvcert" --json
expect_rc 2 "trust path missing"
json_check "$OUT" 'd["schema"] == "libcvc-verify-reader/1"' \
	'd["decision"] == "error"' 'd["valid"] is False' \
	'd["error"]["file"].endswith("missing.cvcert")' 'd["exchanges"] is None'
printf '12345\n' >"$TMP/short-pin"
run "$CVC_VERIFY" -r pcsc:0 --pin-file "$TMP/short-pin" --json
expect_rc 2 "a PIN file without a PIN"
expect_err 'is not a PIN \(6 to 12 digits' "PIN file refused"
expect_no_out '12345' "the PIN is not echoed"
json_check "$OUT" 'd["decision"] == "error"' 'd["error"]["file"].endswith("short-pin")'
run env CVC_BADGE_PIN=12ab56 "$CVC_VERIFY" -r pcsc:0
expect_rc 2 "a PIN variable without a PIN"
expect_err 'CVC_BADGE_PIN is not a PIN' "variable named"
expect_no_out '12ab56' "the bad PIN is not echoed"
check
if grep -q '12ab56' "$ERR"; then fail "the bad PIN on stderr"; else pass "the bad PIN not on stderr"; fi

finish
