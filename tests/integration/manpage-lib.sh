# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Man-page checks, sourced after lib.sh (its check helpers, $TMP, $OUT):
#
#   man_render PAGE [GROFF-OPTIONS]
#       groff renders PAGE with all warnings on (-ww) and none given, and
#       as text; the text is left in $TMP/page.txt and in $OUT. No groff
#       fails the test.
#   man_documents_options
#       every long option named in $OUT (a --help text) is on the page;
#       the options go to $TMP/options, the page text is left in $OUT

# shellcheck disable=SC2034 # RC is lib.sh's, read by expect_rc
man_render() {
	local page=$1
	shift
	command -v groff >/dev/null 2>&1 ||
		{ echo "FAIL: groff not installed (apt-get install groff-base)"; exit 1; }
	RC=0
	groff "$@" -man -ww -z -Tutf8 "$page" >"$OUT" 2>"$ERR" || RC=$?
	expect_rc 0 "groff renders the page"
	expect_err_empty "groff warnings"
	RC=0
	groff "$@" -man -Tascii -P-c -P-b -P-u "$page" >"$TMP/page.txt" 2>"$ERR" || RC=$?
	expect_rc 0 "render as text"
	cp "$TMP/page.txt" "$OUT"
}

man_documents_options() {
	local opt
	grep -Eo -- '--[a-z-]+' "$OUT" | sort -u >"$TMP/options"
	cp "$TMP/page.txt" "$OUT"
	while read -r opt; do
		expect_out "$opt" "page documents $opt"
	done <"$TMP/options"
}
