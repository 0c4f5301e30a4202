#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/cvc-read.1 renders without warnings and documents every option the
# tool's --help lists, the exit codes, the environment and the JSON schema
# (whose members doc/json-schema.md lists too).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../../manpage-lib.sh
. "$here/../../manpage-lib.sh"
: "${CVC_READ:?CVC_READ must name the cvc-read binary}"

doc=$(cd "$here/../../../../doc" && pwd)
man_render "$doc/cvc-read.1"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT 'EXIT STATUS' ENVIRONMENT EXAMPLES 'SEE ALSO'; do
	expect_out "^$section\$" "section $section"
done

run "$CVC_READ" --help
expect_rc 0 "--help"
expect_out '^usage: cvc-read ' "--help usage line"
man_documents_options
check
n=$(wc -l <"$TMP/options")
if [ "$n" -ge 9 ]; then pass "--help lists $n long options"; else fail "--help lists only $n long options"; fi
for short in -r -o -j -v -h -V; do
	expect_out "^ +$short, --" "page documents $short"
done
expect_out 'libcvc-read/1' "page documents the JSON schema name"
expect_out 'json-schema\.md' "page points at the member list"
for code in 0 1 2 3; do
	expect_out "^       $code +[A-Z]" "page documents exit status $code"
done
for var in CVC_BADGE_PIN CVC_KEY_PASS CVC_PKCS11_PIN PKCS11_MODULE_PATH; do
	expect_out "$var" "page documents \$$var"
done
expect_out 'protected \(needs PIN or terminal authentication\)' "page shows the protected line"

# doc/json-schema.md has the document and every member the page names.
cp "$doc/json-schema.md" "$OUT"
expect_out '^### `cvc-read --json` \(`libcvc-read/1`\)' "json-schema.md section"
for m in schema reader transport badge certificate dv_certificate trust_anchor pin \
	terminal_authentication holder_data holder chain_file error state lcs version \
	pin_tries max_command max_response card_date result status tries_left name \
	staff_id department; do
	expect_out "^\\| \`$m\` \\|" "json-schema.md lists $m"
done

# --version and usage errors
run "$CVC_READ" --version
expect_rc 0 "--version"
expect_out '^cvc-read \(libcvc\) [0-9]' "--version line"
run "$CVC_READ" --bogus
expect_rc 2 "unknown option"
expect_err '^usage: cvc-read ' "unknown option shows usage"
expect_out_empty "unknown option: nothing on stdout"
run "$CVC_READ" extra-argument
expect_rc 2 "an argument"
expect_err "unexpected argument 'extra-argument'" "argument named"
run "$CVC_READ" --terminal-cert /dev/null
expect_rc 2 "--terminal-cert without --terminal-key"
expect_err '--terminal-cert needs --terminal-key' "missing key named"
run "$CVC_READ" --terminal-key /dev/null
expect_rc 2 "--terminal-key without --terminal-cert"
run "$CVC_READ" -r bogus:0
expect_rc 2 "a reader spec that is not one"
expect_err "not a reader spec: 'bogus:0'" "bad spec named"

finish
