#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# samples/workstation.c against the virtual badge behind a private pcscd +
# vpcd: the right PIN logs the holder in (holder data read, PIN verified as
# signed by the card, exit 0); a wrong PIN is refused (exit 1) and counts
# down the card's tries; the PIN prompt on a terminal does not echo; three
# wrong PINs block the badge; a revoked badge and a missing badge are
# refused (1) or undecided (3).
#   workstation.sh PATH-OF-workstation
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/samples-lib.sh"
samples_init "$0" "$@"
ws=${1:?usage: workstation.sh PATH-OF-workstation}
expect_short_source "$samples_top/samples/workstation.c"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

run "$ws" -t "$PKI/cvca.cvcert"
expect_rc 2 "no reader: usage"

badge_insert "$WORK/carol.state"
badge_personalize DEBADGE "Carol Example" S-2001 "Intensive Care" 246810

login() { # PIN, then extra options
	local pin=$1
	shift
	CVC_BADGE_PIN=$pin run "$ws" -r "$READER" -t "$PKI/cvca.cvcert" -w 0 "$@"
}

login 246810
expect_rc 0 "right PIN"
expect_match "$OUT" '^logged in: Carol Example \(staff ID S-2001, Intensive Care\), badge DEBADGE00001, PIN verified by the card$' \
	"who logged in"

login 111111
expect_rc 1 "wrong PIN"
expect_match "$OUT" '^logon refused: ' "refusal line"
expect_match "$OUT" '2 tries' "tries left after one wrong PIN"
expect_no_match "$OUT" 'logged in' "no logon with a wrong PIN"

login 246810
expect_rc 0 "right PIN again (counter back to 3)"

login 12ab
expect_rc 2 "malformed PIN: input error, the card is not asked"
expect_match "$ERR" 'no PIN of 6 to 12 digits' "malformed PIN message"
login 1234567890123
expect_rc 2 "PIN of 13 digits"

# The prompt: on a terminal, without echo. A pseudo-terminal plays the
# user; the PIN is typed only once the prompt is shown.
cat >"$WORK/pinpad.py" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
seen, typed = b"", False
deadline = time.time() + 30
while time.time() < deadline:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not typed and b"Badge PIN: " in seen:
        time.sleep(0.2)  # echo is off by now
        os.write(fd, os.environ["TYPED_PIN"].encode() + b"\n")
        typed = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
TYPED_PIN=246810 run env -u CVC_BADGE_PIN "$PY" "$WORK/pinpad.py" \
	"$ws" -r "$READER" -t "$PKI/cvca.cvcert" -w 0
expect_rc 0 "PIN typed at the prompt"
expect_match "$OUT" 'Badge PIN: ' "prompt shown"
expect_match "$OUT" 'logged in: Carol Example' "logged in from the prompt"
expect_no_match "$OUT" '246810' "PIN not echoed"

# Without a PIN and without a terminal: usage error, the card untouched.
run setsid -w env -u CVC_BADGE_PIN "$ws" -r "$READER" -t "$PKI/cvca.cvcert" -w 0 </dev/null
expect_rc 2 "no PIN, no terminal"

# Three wrong PINs block the badge; the right one no longer helps.
for _ in 1 2 3; do login 000000; done
expect_rc 1 "third wrong PIN"
login 246810
expect_rc 1 "blocked badge refuses the right PIN"
expect_no_match "$OUT" 'logged in' "no logon when blocked"
expect_match "$OUT" '^logon refused: .*blocked' "blocked named"
badge_remove

# A second badge, revoked: refused even with the right PIN.
badge_insert "$WORK/dave.state"
badge_personalize DEBADGE "Dave Example" S-2002 Pharmacy 135790
revoke DEBADGE00002
login 135790 -c "$WORK/badges.crl"
expect_rc 1 "revoked badge"
expect_match "$OUT" '^logon refused: .*certificate revoked \(DEBADGE00002\)' "revocation reason"
login 135790
expect_rc 0 "same badge without the list (the list is what revokes)"
badge_remove

# No badge on the reader, no waiting: no decision.
login 135790
expect_rc 3 "no badge"
expect_match "$OUT" '^logon failed: ' "no-decision line"

finish
