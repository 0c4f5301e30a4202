#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The vbadge program without pcscd: options and exit codes, the man page,
# corrupt state files (exit 2, file untouched), and the badge as an NFC card
# through libnfc's pn532_uart driver (cvc-apdu nfc:), with PIN masking in
# the -v log, --fail-write-after and --exit-after.
set -u
: "${CVC_VBADGE:?run via meson test}"
: "${CVC_APDU:?run via meson test}"
: "${CVC_VBADGE_TESTPKI:?run via meson test}"
: "${CVC_VBADGE_PAGE:?run via meson test}"

# The stack's helpers: the badge is started and stopped by vbadge-env.sh
# (no pcscd here; pcscd-env.sh only lends it pcsc_stop_pid).
stack=$(cd "$(dirname "$0")/../../../tests/integration/stack" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../../tests/integration/stack/pcscd-env.sh
. "$stack/pcscd-env.sh"
# shellcheck source-path=SCRIPTDIR source=../../../tests/integration/stack/vbadge-env.sh
. "$stack/vbadge-env.sh"
# shellcheck source-path=SCRIPTDIR source=../../../tests/integration/stack/checks.sh
. "$stack/checks.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vbadge-cli.XXXXXX")
VBADGE_LOG=$TMP/vbadge.log
trap 'vbadge_stop; rm -rf "$TMP"' EXIT

OUT=$TMP/out
ERR=$TMP/err
run() {
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# 1. options
run "$CVC_VBADGE" --help
check "--help exits 0" test "$RC" = 0
check "--help shows the synopsis" grep -q -- "--state FILE" "$OUT"
grep -Eo -- '--[a-z0-9-]+' "$OUT" | sort -u >"$TMP/options"
run "$CVC_VBADGE" --version
check "--version exits 0" test "$RC" = 0
check "--version names libcvc" grep -Eq '^vbadge \(libcvc\) [0-9]' "$OUT"
for args in "" "--vpcd" "--state $TMP/s" "--state $TMP/s --vpcd --pn532" \
	"--state $TMP/s --vpcd --port 0" "--state $TMP/s --vpcd --pty-link x" \
	"--state $TMP/s --pn532 --host 1.2.3.4" "--state $TMP/s --vpcd extra" \
	"--state $TMP/s --pn532 --remove-after 0" "--bogus" \
	"--state $TMP/s --vpcd --exit-after x"; do
	# shellcheck disable=SC2086
	run "$CVC_VBADGE" $args
	check "usage error exits 2: '$args'" test "$RC" = 2
	check "usage error shows the synopsis: '$args'" grep -q "usage:" "$ERR"
done
check "no state file made by usage errors" test ! -e "$TMP/s"

# 2. the man page
if command -v groff >/dev/null; then
	groff -man -ww -z -Tutf8 "$CVC_VBADGE_PAGE" 2>"$ERR"
	check "groff renders vbadge.1 without warnings" test ! -s "$ERR"
	groff -man -Tascii -P-c -P-b -P-u "$CVC_VBADGE_PAGE" >"$TMP/page" 2>/dev/null
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS SIGNALS 'STATE FILE' \
		'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
		check "page section $section" grep -q "^$section\$" "$TMP/page"
	done
	while read -r opt; do
		check "page documents $opt" grep -q -- "$opt" "$TMP/page"
	done <"$TMP/options"
else
	check "groff is installed (apt-get install groff-base)" false
fi

# 3. a personalized badge; corrupt copies are refused and left alone
check "vbadge-testpki makes a badge" "$CVC_VBADGE_TESTPKI" "$TMP"
STATE=$TMP/badge.state
cp "$STATE" "$TMP/good.state"
cp "$STATE" "$TMP/bad.state"
printf '\x00' | dd of="$TMP/bad.state" bs=1 seek=100 conv=notrunc 2>/dev/null
cp "$TMP/bad.state" "$TMP/bad.copy"
run "$CVC_VBADGE" --state "$TMP/bad.state" --vpcd --port 9 --exit-after 1
check "a corrupt state file: exit 2" test "$RC" = 2
check "the message names the byte and the checksum" \
	grep -Eq "byte [0-9]+: checksum" "$ERR"
check "the message says the file is kept" grep -q "left as it is" "$ERR"
check "the corrupt file is untouched" cmp -s "$TMP/bad.state" "$TMP/bad.copy"
head -c 50 "$TMP/good.state" >"$TMP/short.state"
run "$CVC_VBADGE" --state "$TMP/short.state" --pn532 --exit-after 1
check "a truncated state file: exit 2" test "$RC" = 2
check "the message says truncated" grep -q "truncated" "$ERR"
check "the truncated file is untouched" test "$(stat -c %s "$TMP/short.state")" = 50

# 4. NFC: libnfc's pn532_uart driver to the badge
export LIBNFC_AUTO_SCAN=false
unset LIBNFC_DEFAULT_DEVICE LIBNFC_DEVICE
AID=F06C69626376634201
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
HOLDER="652A8014$(hex 'Dr. Erika Mustermann')8106$(hex E-1234)820A$(hex Cardiology)"
cat >"$TMP/door.apdu" <<EOF
00 A4 04 00 09 $AID 00 => 6F XX 84 09 $AID A5 XX 80 01 05 81 02 01 00 82 01 03 83 02 10 00 84 02 10 00 85 06 XX XX XX XX XX XX 90 00
00 CA 01 02 00 => 69 82
00 20 00 81 0C 313233343536FFFFFFFFFFFF
00 CA 01 02 00 => $HOLDER 90 00
00 88 01 01 20 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F 00
00 84 00 00 10
00 84 00 00 08 => 67 00
EOF
vbadge_start_pn532 "$STATE" "$TMP/pn532" -v
run "$CVC_APDU" -r "nfc:pn532_uart:$TMP/pn532" -s "$TMP/door.apdu"
check "door and workstation flow over NFC" test "$RC" = 0
[ "$RC" = 0 ] || cat "$OUT" "$ERR"
vbadge_stop
check "vbadge exits 0 on SIGTERM" test "$VBADGE_RC" = 0
check "the pty link is removed" test ! -e "$TMP/pn532"
check "-v logs APDUs" grep -q "vbadge > 00 A4 04 00" "$TMP/vbadge.log"
check "-v masks the PIN" grep -q "vbadge > 00 20 00 81 0C \*\* \*\*" "$TMP/vbadge.log"
check "the PIN is not in the log" bash -c "! grep -q '31 32 33 34 35 36' '$TMP/vbadge.log'"

# 5. --fail-write-after: the retry counter cannot be written, nothing changes
cp "$STATE" "$TMP/before.state"
vbadge_start_pn532 "$STATE" "$TMP/pn532" --fail-write-after 1
cat >"$TMP/fault.apdu" <<EOF
00 A4 04 0C 09 $AID
00 20 00 81 0C 393939393939FFFFFFFFFFFF => 65 81
00 20 00 81 => 63 C3
00 20 00 81 0C 393939393939FFFFFFFFFFFF => 63 C2
EOF
run "$CVC_APDU" -r "nfc:pn532_uart:$TMP/pn532" -s "$TMP/fault.apdu"
check "--fail-write-after 1: 6581, then the next write works" test "$RC" = 0
[ "$RC" = 0 ] || cat "$OUT" "$ERR"
vbadge_stop
check "the state file changed only by the second VERIFY" \
	bash -c "! cmp -s '$STATE' '$TMP/before.state'"

# 6. --exit-after
start=$(date +%s)
"$CVC_VBADGE" --state "$STATE" --pn532 --path-file "$TMP/path" --exit-after 1 2>/dev/null
rc=$?
check "--exit-after 1 exits 0" test "$rc" = 0
check "--exit-after 1 ends within 3 s" test $(($(date +%s) - start)) -le 3
check "--path-file names the pty" grep -q "^/dev/pts/" "$TMP/path"

echo "$checks checks, $failures failed"
[ "$failures" = 0 ]
