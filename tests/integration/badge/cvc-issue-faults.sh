#!/bin/bash
# SPDX-License-Identifier: MIT
# Fault injection for the badge office: the badge leaves the reader after
# answering N commands (vbadge --remove-after N: command N+1 gets no
# answer), for every N of a personalization and of a renewal, and its
# memory fails on the first write (vbadge --fail-write-after 1). After each
# fault the badge is presented again (vbadge restarted on the same state
# file) and checked:
#
#  - it is BLANK or fully PERSONALIZED, never in between (SPEC [LC-3]);
#  - nothing is recorded when the badge left before ACTIVATE was sent, no
#    "issued" record and no --out file unless the personalization was
#    confirmed; an activated but unconfirmed certificate is recorded as
#    "unconfirmed";
#  - a door refuses a BLANK badge, and an unconfirmed certificate once it
#    is revoked; cvc-issue confirm settles it, after which a door accepts;
#  - a BLANK badge can be personalized again; after a failed renewal the
#    badge still authenticates with its old certificate when ACTIVATE was
#    not sent.
#
# Prints a table of the outcomes for each N.
. "$(dirname "$0")/office-lib.sh" "$@"

office_setup

# APDU names by INS, for the table.
apdu_name() {
	case $1 in
	A4) echo SELECT ;; DA) echo "PUT DATA" ;; 46) echo GENERATE ;;
	2C) echo "RESET RETRY CTR" ;; 44) echo ACTIVATE ;;
	88) echo "INTERNAL AUTH" ;; C0) echo "GET RESPONSE" ;;
	CA) echo "GET DATA" ;; 2A) echo "PSO:VERIFY CERT" ;;
	84) echo "GET CHALLENGE" ;; 82) echo "EXTERNAL AUTH" ;;
	FE) echo TERMINATE ;; *) echo "INS $1" ;;
	esac
}

# commands_of LOG: the INS of every command the -v log shows, one a line.
commands_of() {
	sed -n 's/^> [0-9A-F][0-9A-F] \([0-9A-F][0-9A-F]\) .*/\1/p' "$1"
}

# index_of INS FILE: 1-based line of the first INS in FILE.
index_of() {
	grep -n -m1 "^$1\$" "$2" | cut -d: -f1
}

row() {
	printf '%-3s %-16s %-4s %-13s %-12s %-4s %-8s %s\n' "$@" >>"$TMP/table"
}

# --- one clean personalization, logged: how many APDUs it takes
P0=$TMP/p0
fresh_issuer "$P0"
badge_start "$P0/badge.state"
personalize "$P0" "$P0/badge.cvcert" --chr-prefix DEBADGE --days 90 -v
expect_rc 0 "clean personalization"
badge_stop
commands_of "$ERR" >"$TMP/pers.ins"
TOTAL=$(wc -l <"$TMP/pers.ins")
ACT=$(index_of 44 "$TMP/pers.ins")
echo "one personalization: $TOTAL APDUs ($(tr '\n' ' ' <"$TMP/pers.ins")), ACTIVATE is #$ACT"
expect_true "APDU count $TOTAL (at least 9), ACTIVATE #$ACT" \
	test "$TOTAL" -ge 9 -a -n "$ACT"

row N "APDU N+1 lost" exit badge record out door "then"
for n in $(seq 1 "$TOTAL"); do
	d=$TMP/p$n
	fresh_issuer "$d"
	next=$(apdu_name "$(sed -n "$((n + 1))p" "$TMP/pers.ins")")
	[ "$n" -eq "$TOTAL" ] && next="(none)"
	badge_start "$d/badge.state" --remove-after "$n"
	personalize "$d" "$d/badge.cvcert" --chr-prefix DEBADGE --days 90
	prc=$RC
	cp "$ERR" "$d/personalize.err"
	badge_stop
	badge_start "$d/badge.state"
	state=$(badge_state)
	rec=$(record_status "$d" DEBADGE00001)
	out=no
	[ -e "$d/badge.cvcert" ] && out=yes
	door
	first_door=${DOOR%% *}
	then="-"
	if [ "$prc" -eq 0 ]; then
		expect_eq "$n/$state/$rec/$out/$first_door" \
			"$TOTAL/personalized/issued/yes/accept" \
			"N=$n: personalization complete"
	else
		RC=$prc
		expect_rc 3 "N=$n: the badge left: reader/card error"
		expect_eq "$out" no "N=$n: no --out without confirmation"
		check
		case $state in
		blank | personalized) pass "N=$n: the badge is $state" ;;
		*) fail "N=$n: the badge is '$state'" ;;
		esac
		if [ $((n + 1)) -lt "$ACT" ]; then
			expect_eq "$state/$rec" blank/none \
				"N=$n: before ACTIVATE: blank, nothing recorded"
			expect_true "N=$n: message: the badge stays blank" \
				grep -q 'stays blank and nothing was recorded' \
				"$d/personalize.err"
		else
			expect_eq "$rec" unconfirmed \
				"N=$n: ACTIVATE sent: recorded as unconfirmed"
			expect_true "N=$n: the operator is told to confirm" \
				grep -q 'cvc-issue confirm' "$d/personalize.err"
		fi
		if [ $((n + 1)) -gt "$ACT" ]; then
			expect_eq "$state" personalized \
				"N=$n: ACTIVATE answered: personalized"
		fi
		if [ "$state" = blank ]; then
			expect_true "N=$n: a door refuses the blank badge: $DOOR" \
				test "$DOOR_RC" -ne 0
			if [ "$rec" = unconfirmed ]; then
				run "$I" confirm -r "$R" --issuer-cert "$d/dv.cvcert"
				expect_rc 1 "N=$n: confirm on the blank badge"
				expect_err 'personalize it again' "N=$n: confirm says what to do"
			fi
			# A number is used up once the badge generated its key
			# (the state file then exists); it is never reused.
			want=DEBADGE00001
			[ -f "$d/dv.cvcert.state" ] && want=DEBADGE00002
			personalize "$d" "$d/again.cvcert" --chr-prefix DEBADGE --days 90
			expect_rc 0 "N=$n: the blank badge is personalized again"
			expect_out "^$want issued" "N=$n: as $want"
			door
			expect_eq "$DOOR" "accept $want" "N=$n: door after personalizing again"
			then="again: $RC, ${DOOR%% *}"
		else
			# Unconfirmed: revoked, a door refuses it (on a copy of
			# the records); confirmed, a door accepts it.
			cp -r "$d" "$d.rev"
			run "$I" revoke --issuer-cert "$d.rev/dv.cvcert" \
				--issuer-key "$d.rev/dv.pem" --crl "$d.rev/dv.crl" \
				--status unconfirmed
			expect_rc 0 "N=$n: revoke the unconfirmed certificate"
			door "$d.rev/dv.crl"
			check
			case $DOOR in refuse*revoked*) pass "N=$n: revoked: door: $DOOR" ;; *) fail "N=$n: revoked: door: $DOOR" ;; esac
			rev_door=${DOOR%% *}
			expect_eq "$(record_status "$d.rev" DEBADGE00001)" revoked \
				"N=$n: the copy's record is revoked"
			run "$I" confirm -r "$R" --issuer-cert "$d/dv.cvcert" \
				--out "$d/badge.cvcert"
			expect_rc 0 "N=$n: confirm"
			expect_eq "$(record_status "$d" DEBADGE00001)" issued \
				"N=$n: confirmed: issued"
			expect_true "N=$n: confirm --out" test -s "$d/badge.cvcert"
			door
			expect_eq "$DOOR" "accept DEBADGE00001" "N=$n: door after confirm"
			then="if revoked: ${rev_door}; confirm: 0, ${DOOR%% *}"
		fi
	fi
	row "$n" "$next" "$prc" "$state" "$rec" "$out" "$first_door" "$then"
	badge_stop
done

# --- the badge's memory cannot be written: ACTIVATE answers 6581
F=$TMP/fw
fresh_issuer "$F"
badge_start "$F/badge.state" --fail-write-after 1
personalize "$F" "$F/badge.cvcert" --chr-prefix DEBADGE --days 90
expect_rc 3 "write failure: reader/card error"
expect_err '6581' "the status word is named"
expect_err 'still blank' "the badge stays blank"
expect_eq "$(record_count "$F")/$(badge_state)" 0/blank \
	"write failure: nothing recorded, badge blank"
expect_true "write failure: no --out" no_file "$F/badge.cvcert"
door
expect_true "write failure: a door refuses: $DOOR" test "$DOOR_RC" -ne 0
row W "ACTIVATE 6581" 3 "$(badge_state)" none no "${DOOR%% *}" "(--fail-write-after 1)"
badge_stop

# --- renewal: a personalized badge, one clean renewal logged
RN=$TMP/renew
fresh_issuer "$RN"
badge_start "$RN/badge.state"
personalize "$RN" "$RN/badge.cvcert" --chr-prefix DEBADGE --days 90
expect_rc 0 "personalize the badge to renew"
renew "$RN" -v
expect_rc 0 "clean renewal"
commands_of "$ERR" >"$TMP/renew.ins"
RTOTAL=$(wc -l <"$TMP/renew.ins")
RACT=$(index_of 44 "$TMP/renew.ins")
echo "one renewal: $RTOTAL APDUs ($(tr '\n' ' ' <"$TMP/renew.ins")), ACTIVATE is #$RACT"
badge_stop

row N "renew N+1 lost" exit badge record out door "then"
for n in $(seq 1 "$RTOTAL"); do
	badge_start "$RN/badge.state"
	door
	before=${DOOR#accept }
	rows_before=$(record_count "$RN")
	badge_stop
	next=$(apdu_name "$(sed -n "$((n + 1))p" "$TMP/renew.ins")")
	[ "$n" -eq "$RTOTAL" ] && next="(none)"
	badge_start "$RN/badge.state" --remove-after "$n"
	renew "$RN"
	prc=$RC
	cp "$ERR" "$RN/renew$n.err"
	badge_stop
	badge_start "$RN/badge.state"
	state=$(badge_state)
	door
	after=${DOOR#accept }
	new_rows=$(($(record_count "$RN") - rows_before))
	attempt=$(tail -n 1 "$RN/dv.cvcert.issued" | cut -f2)
	rec=none
	[ "$new_rows" -gt 0 ] && rec=$(record_status "$RN" "$attempt")
	check
	case $DOOR in accept*) pass "N=$n: the badge still authenticates ($DOOR)" ;; *) fail "N=$n: door: $DOOR" ;; esac
	expect_eq "$state" personalized "N=$n: renewal leaves the badge personalized"
	then="-"
	if [ "$prc" -eq 0 ]; then
		expect_eq "$n/$rec/$after" "$RTOTAL/renewed/$attempt" \
			"N=$n: renewal complete"
		then="new: $after"
	elif [ $((n + 1)) -lt "$RACT" ]; then
		RC=$prc
		expect_rc 3 "N=$n: the badge left before ACTIVATE"
		expect_eq "$after/$new_rows" "$before/0" \
			"N=$n: the old certificate still works, nothing recorded"
		expect_true "N=$n: message: the badge keeps its certificate" \
			grep -q 'keeps its certificate' "$RN/renew$n.err"
		then="old kept: $after"
	else
		RC=$prc
		expect_rc 3 "N=$n: the badge left after ACTIVATE was sent"
		expect_eq "$rec" unconfirmed "N=$n: the renewal is unconfirmed"
		run "$I" confirm -r "$R" --issuer-cert "$RN/dv.cvcert"
		expect_rc 0 "N=$n: confirm"
		if [ "$after" = "$attempt" ]; then
			expect_eq "$(record_status "$RN" "$attempt")" renewed \
				"N=$n: confirmed renewal"
			then="confirm: renewed, new: $after"
		else
			# ACTIVATE never ran: the badge proves its old key, so
			# the unconfirmed renewal is flagged for revocation.
			expect_eq "$after" "$before" "N=$n: the old certificate"
			expect_err 'never reached the badge' "N=$n: confirm flags the lost renewal"
			run "$I" revoke --issuer-cert "$RN/dv.cvcert" \
				--issuer-key "$RN/dv.pem" --crl "$RN/dv.crl" \
				--chr "$attempt"
			expect_rc 0 "N=$n: revoke the lost renewal"
			then="confirm: old kept ($after); $attempt revoked"
		fi
	fi
	row "$n" "$next" "$prc" "$state" "$rec" - "${DOOR%% *}" "$then"
	badge_stop
done

# --- renewal when the badge cannot write: the old certificate stays
badge_start "$RN/badge.state"
door
before=${DOOR#accept }
badge_stop
badge_start "$RN/badge.state" --fail-write-after 1
rows_before=$(record_count "$RN")
renew "$RN"
expect_rc 3 "renewal write failure"
expect_err '6581' "the status word is named"
expect_err 'old certificate stays active' "the old certificate stays"
door
expect_eq "${DOOR#accept }/$(($(record_count "$RN") - rows_before))" "$before/0" \
	"renewal write failure: old certificate works, nothing recorded"
row W "ACTIVATE 6581" 3 "$(badge_state)" none - "${DOOR%% *}" "(renew, --fail-write-after 1)"
badge_stop

echo
echo "Fault injection results (APDU N+1 unanswered: the badge left after N):"
cat "$TMP/table"
finish
