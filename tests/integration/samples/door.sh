#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# samples/door.c against the virtual badge behind a private pcscd + vpcd:
# a badge personalized with cvc-issue is let in (--once: ACCEPT, exit 0),
# refused without the required right, under a foreign CVCA and once
# revoked (cvc-issue revoke: REFUSE certificate revoked, exit 1). Then the
# door as a service: one decision per presentation, the revocation list
# re-read when the badge office replaces it, a clean stop on SIGTERM.
#   door.sh PATH-OF-door
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/samples-lib.sh"
samples_init "$0" "$@"
door=${1:?usage: door.sh PATH-OF-door}
expect_short_source "$samples_top/samples/door.c"

stamp='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

# Usage errors: exit 2, nothing logged.
run "$door" --once -t "$PKI/cvca.cvcert"
expect_rc 2 "no reader"
run "$door" --once -r "$READER"
expect_rc 2 "no trust anchor"
run "$door" --once -r "$READER" -t "$PKI/cvca.cvcert" -R x7
expect_rc 2 "malformed right"
run "$door" --once -r "$READER" -t "$PKI/cvca.cvcert" -c "$WORK/missing.crl"
expect_rc 2 "revocation list missing: the door does not start"
run "$door" --once -r "pcsc:No Such Reader" -t "$PKI/cvca.cvcert"
expect_rc 3 "no such reader: no decision"

badge_insert "$WORK/alice.state"
badge_personalize DEBADGE "Alice Example" S-1001 Cardiology 123456

run "$door" --once -r "$READER" -t "$PKI/cvca.cvcert" -R b0
expect_rc 0 "personalized badge"
expect_match "$OUT" "$stamp DEBADGE00001 ACCEPT ok, [0-9]+ ms: open door\$" \
	"accept line"
expect_cmd "one line per decision" test "$(wc -l <"$OUT")" -eq 1

run "$door" --once -r "$READER" -t "$PKI/dv.cvcert" -t "$PKI/cvca.cvcert"
expect_rc 0 "no right required, trust given as two files"

run "$door" --once -r "$READER" -t "$PKI/cvca.cvcert" -R b0 -R b1
expect_rc 1 "badge lacks b1"
expect_match "$OUT" "$stamp DEBADGE00001 REFUSE .*: stay closed\$" \
	"refuse line (rights)"

# A CVCA of another hospital (a directory of anchors): the badge's chain
# does not lead to it.
mkdir -p "$WORK/other"
run "$CVC_ISSUE" root --chr DEOTHERCA00001 --type at --days 30 \
	--key-out "$WORK/other.pem" --out "$WORK/other/cvca.cvcert"
expect_rc 0 "foreign CVCA"
run "$door" --once -r "$READER" -t "$WORK/other"
expect_rc 1 "badge under a foreign CVCA"
expect_match "$OUT" "DEBADGE00001 REFUSE .*issuer unknown.*: stay closed\$" \
	"refuse line (issuer)"

# The badge office revokes the badge: the door refuses it.
revoke DEBADGE00001
run "$door" --once -r "$READER" -t "$PKI/cvca.cvcert" -c "$WORK/badges.crl" -R b0
expect_rc 1 "revoked badge"
expect_match "$OUT" "$stamp DEBADGE00001 REFUSE .*certificate revoked.*: stay closed\$" \
	"refuse line (revoked)"
expect_match "$ERR" "revocation list loaded" "list loaded at start"
badge_remove

# A second badge for the door as a service.
badge_insert "$WORK/bob.state"
badge_personalize DEBADGE "Bob Example" S-1002 Radiology 654321
badge_remove

log=$WORK/door.log
"$door" -r "$READER" -t "$PKI/cvca.cvcert" -c "$WORK/badges.crl" -R b0 \
	>"$log" 2>"$WORK/door.err" &
door_pid=$!
PCSC_PIDS+=("$door_pid")

badge_insert "$WORK/bob.state"
if wait_for_lines "$log" "DEBADGE00002 ACCEPT" 1 15; then
	ok "service: badge accepted"
else
	bad "service: no ACCEPT line"
fi
sleep 2.5 # the badge stays on the reader: still one decision
expect_cmd "service: one decision per presentation" \
	test "$(grep -c DEBADGE00002 "$log")" -eq 1
badge_remove

revoke DEBADGE00002
if wait_for_lines "$WORK/door.err" "badges.crl: revocation list loaded" 2 5; then
	ok "service: list re-read after it changed"
else
	bad "service: list not re-read: $(cat "$WORK/door.err")"
fi
badge_insert "$WORK/bob.state"
if wait_for_lines "$log" "DEBADGE00002 REFUSE .*certificate revoked.*stay closed" 1 15; then
	ok "service: revoked badge refused without a restart"
else
	bad "service: no REFUSE line: $(cat "$log")"
fi
badge_remove

# SIGTERM: the door stops within its poll interval, with status 0.
kill -TERM "$door_pid"
started=$SECONDS
set +e
wait "$door_pid"
RC=$?
set -e
samples_forget_pid "$door_pid"
expect_rc 0 "service: clean stop on SIGTERM"
expect_cmd "service: stopped within 3 s" test $((SECONDS - started)) -le 3
expect_cmd "service: two decisions logged" test "$(wc -l <"$log")" -eq 2

finish
