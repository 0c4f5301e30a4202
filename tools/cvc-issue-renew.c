/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue renew and terminate: an issuing station authenticates to a
 * personalized badge as a terminal with the renew or terminate right
 * (SPEC.md 4.3, 5.4) and gives it a new key and certificate (SPEC 8,
 * "Renewal") or ends its life (SPEC [TERM-1]).
 *
 * A renewal stays pending on the badge until ACTIVATE ([GEN-2], [PD-3]),
 * so a badge that leaves before then keeps its old key and certificate.
 */
#include <stdlib.h>
#include <string.h>

#include "cvc-issue-office.h"

typedef struct station {
	const office_opts *o;
	office_cert dv, term;
	office_cert chain[OFFICE_MAX_LIST];
	size_t n_chain;
	cvc_signer *issuer, *terminal;
	badge_session s;
	record old;
	bool has_old;
} station;

static void station_free(station *st)
{
	session_close(&st->s);
	cvc_signer_free(&st->issuer);
	cvc_signer_free(&st->terminal);
	office_cert_free(&st->dv);
	office_cert_free(&st->term);
	for (size_t i = 0; i < st->n_chain; i++)
		office_cert_free(&st->chain[i]);
}

/* The station's terminal certificate must carry `bit` (SPEC 4.3); the
 * badge would refuse it with 6982 anyway, but only after the fact. */
static int load_terminal(station *st, unsigned bit, const char *right)
{
	const office_opts *o = st->o;
	char chr[CVC_MAX_REF_LEN + 1];
	int rc;

	if (o->terminal_cert == NULL || o->terminal_key == NULL)
		return office_usage("%s: --terminal-cert and --terminal-key "
		                    "are required",
		                    o->verb);
	if (o->reader == NULL)
		return office_usage("%s: --reader is required", o->verb);
	if ((rc = office_load_cert(o->issuer_cert, &st->dv)) ||
	    (rc = office_load_cert(o->terminal_cert, &st->term)))
		return rc;
	for (; st->n_chain < o->n_terminal_chain; st->n_chain++)
		if ((rc = office_load_cert(o->terminal_chain[st->n_chain],
		                           &st->chain[st->n_chain])))
			return rc;
	if (!office_has_right(&st->term.cert, bit)) {
		cvc_tool_fail(
		    "terminal %s lacks the %s right (AT bit %u)",
		    office_chr_text(st->term.cert.chr, chr, sizeof(chr)), right,
		    bit);
		return CVC_TOOL_EXIT_NO;
	}
	return office_load_key(o->terminal_key, &st->term.cert, &st->terminal);
}

static bool same_span(cvc_span a, cvc_span b)
{
	return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

/*
 * SPEC 5.4: --terminal-chain, then the station's own certificate. The card
 * finds each key by the CAR ([TA-1]), so the DV that issued the station's
 * certificate goes first: the issuer's, when it did and the chain does
 * not end with it already.
 */
static int authenticate_station(station *st)
{
	cvc_span certs[OFFICE_MAX_LIST + 2];
	const cvc_cert *t = &st->term.cert;
	size_t n = 0;
	uint16_t sw = 0;
	cvc_diag diag = {0};
	cvc_err err;

	for (size_t i = 0; i < st->n_chain; i++)
		certs[n++] = st->chain[i].cert.raw;
	if (same_span(t->car, st->dv.cert.chr) &&
	    (n == 0 || !same_span(st->chain[n - 1].cert.chr, t->car)))
		certs[n++] = st->dv.cert.raw;
	certs[n++] = t->raw;
	office_progress(st->o, "terminal authentication");
	err = cvc_badge_terminal_auth(
	    st->s.card, certs, n, st->terminal,
	    (cvc_span){(const uint8_t *)st->s.chr, strlen(st->s.chr)}, &sw,
	    &diag);
	return err == CVC_OK ? 0 : office_ta_fail(err, sw, &diag);
}

/* SELECT, then the badge proves itself under the issuer's CVCA. */
static int badge_is_genuine(station *st)
{
	int rc = session_trust(&st->s, &st->dv.cert, st->chain, st->n_chain);

	if (rc == 0)
		rc = session_prove(&st->s, &st->s.anchor.key, true);
	return rc;
}

static int find_old_record(station *st)
{
	record_file rf;
	record *r;
	int rc = records_open(st->o->issuer_cert, &rf);

	if (rc == 0 && (r = records_find(&rf, st->s.chr)) != NULL) {
		st->old = *r;
		st->has_old = true;
	}
	records_close(&rf);
	return rc;
}

/* ------------------------------------------------------------------ */
/* renew                                                               */

typedef struct renewal {
	cvc_cert tmpl;
	uint8_t pub[1200];
	char prefix[CVC_MAX_REF_LEN + 1];
	new_cert nc;
} renewal;

static int check_renew_options(const office_opts *o)
{
	if (o->issuer_key == NULL)
		return office_usage("renew: --issuer-key is required");
	if (o->n_chrs > 1 || (o->n_chrs == 1 && o->chr_prefix != NULL))
		return office_usage("renew: at most one --chr or "
		                    "--chr-prefix");
	if (o->days != 0 && o->until != NULL)
		return office_usage("--days and --until exclude each other");
	return 0;
}

static int renewable(const station *st)
{
	if (!st->has_old)
		return 0;
	if (st->old.status == REC_ISSUED || st->old.status == REC_RENEWED)
		return 0;
	cvc_tool_fail("badge %s is recorded as %s: not renewed", st->s.chr,
	              record_status_name(st->old.status));
	if (st->old.status == REC_UNCONFIRMED)
		cvc_tool_fail("run cvc-issue confirm first");
	return CVC_TOOL_EXIT_NO;
}

/* Same holder rights and validity length as before unless told. */
static int renewal_template(station *st, renewal *rn)
{
	const office_opts *o = st->o;
	const cvc_cert *old = &st->s.badge;
	cvc_cert *t = &rn->tmpl;
	long days = o->days;

	t->kind = CVC_KIND_CERT;
	t->cpi = CVC_CPI_TR03110;
	t->has_chat = true;
	t->chat = old->chat;
	t->has_dates = true;
	office_today(&t->effective);
	if (o->from != NULL && cvc_date_parse(o->from, &t->effective))
		return office_usage("bad --from date '%s'", o->from);
	if (o->until != NULL) {
		if (cvc_date_parse(o->until, &t->expiration))
			return office_usage("bad --until date '%s'", o->until);
		return 0;
	}
	if (days == 0)
		days =
		    office_days_between(&old->effective, &old->expiration) + 1;
	office_date_add(&t->effective, days - 1, &t->expiration);
	return 0;
}

/* The badge prefix (country and mnemonic) unless told otherwise. */
static void renewal_prefix(const station *st, renewal *rn)
{
	const office_opts *o = st->o;
	size_t len = strlen(st->s.chr);

	snprintf(rn->prefix, sizeof(rn->prefix), "%s",
	         o->chr_prefix ? o->chr_prefix : st->s.chr);
	if (o->chr_prefix == NULL && len > CVC_CHR_SEQ_LEN)
		rn->prefix[len - CVC_CHR_SEQ_LEN] = '\0';
}

/* The policy, with the old key standing in, before the station
 * authenticates: a refusal leaves the badge untouched. */
static int check_renewal(station *st, renewal *rn)
{
	const office_opts *o = st->o;

	renewal_prefix(st, rn);
	return office_policy_check(o, &rn->tmpl, &st->s.badge.key,
	                           o->n_chrs ? o->chrs[0] : NULL, rn->prefix,
	                           st->issuer, &st->dv.cert);
}

/* The new key: the old one's algorithm, curve (the CVCA's) or size. */
static int generate_renewal(station *st, renewal *rn)
{
	const cvc_cert *old = &st->s.badge;
	const cvc_algo *algo = cvc_algo_from_oid(old->key.oid);
	cvc_key *k = NULL;
	const char *curve;
	size_t len;
	unsigned bits;
	cvc_diag diag = {0};
	cvc_err err;

	if (algo == NULL || cvc_key_from_pubkey(&old->key, &st->s.anchor.key,
	                                        old->cpi, &k, NULL) != CVC_OK) {
		cvc_tool_fail("badge %s: key of unknown kind", st->s.chr);
		return CVC_TOOL_EXIT_READER;
	}
	curve = cvc_key_curve_name(k);
	bits = cvc_key_bits(k);
	office_progress(st->o, "GENERATE ASYMMETRIC KEY PAIR");
	err = cvc_badge_generate_key(st->s.card, algo, curve, bits, rn->pub,
	                             sizeof(rn->pub), &len, &diag);
	cvc_key_free(&k);
	if (err == CVC_OK)
		err = cvc_pubkey_decode(rn->pub, len, 0, &rn->tmpl.key, &diag);
	return err == CVC_OK ? 0 : office_fail("GENERATE", err, &diag);
}

static int issue_renewal(station *st, renewal *rn)
{
	const office_opts *o = st->o;

	return office_issue(o, o->n_chrs ? o->chrs[0] : NULL, rn->prefix,
	                    &rn->tmpl, st->issuer, &st->dv.cert, &rn->nc);
}

static int put_renewal(station *st, renewal *rn)
{
	cvc_diag diag = {0};
	cvc_err err;

	office_progress(st->o, "PUT DATA chain");
	err = cvc_badge_put_chain(st->s.card, rn->nc.cert.raw, st->dv.cert.raw,
	                          &diag);
	return err == CVC_OK ? 0 : office_fail("PUT DATA chain", err, &diag);
}

/* Any failure before ACTIVATE: the renewal was pending only ([GEN-2],
 * [PD-3]); the badge goes on with its old key and certificate. */
static void not_renewed(const station *st, const renewal *rn, int rc)
{
	char used[64] = "";

	if (rn->nc.chr[0] != '\0')
		snprintf(used, sizeof(used), " (%s is used up)", rn->nc.chr);
	cvc_tool_fail("the badge keeps its certificate%s%s and nothing was "
	              "recorded%s.%s",
	              st->s.chr[0] ? " " : "", st->s.chr, used,
	              rc == CVC_TOOL_EXIT_READER
	                  ? " Present it again and repeat the command."
	                  : "");
}

/* Holder fields for the new record: the old record's, else the badge's
 * own holder data when the station may read them (SPEC 4.3 bit 8). */
static void holder_fields(station *st, record *rec)
{
	cvc_badge_holder h;

	if (st->has_old) {
		memcpy(rec->name, st->old.name, sizeof(rec->name));
		memcpy(rec->staff_id, st->old.staff_id, sizeof(rec->staff_id));
		memcpy(rec->department, st->old.department,
		       sizeof(rec->department));
		return;
	}
	if (!office_has_right(&st->term.cert, CVC_BADGE_RIGHT_READ_HOLDER) ||
	    cvc_badge_read_holder(st->s.card, &h, NULL) != CVC_OK ||
	    !record_text_ok(h.name) || !record_text_ok(h.staff_id) ||
	    !record_text_ok(h.department))
		return;
	memcpy(rec->name, h.name, sizeof(rec->name));
	memcpy(rec->staff_id, h.staff_id, sizeof(rec->staff_id));
	memcpy(rec->department, h.department, sizeof(rec->department));
}

static int renew_at_reader(station *st, renewal *rn)
{
	activation a;
	int rc;

	if ((rc = session_open(st->o, &st->s)) ||
	    (rc = session_select(&st->s, CVC_BADGE_PERSONALIZED)))
		return rc;
	if ((rc = badge_is_genuine(st)) || (rc = find_old_record(st)) ||
	    (rc = renewable(st)) || (rc = renewal_template(st, rn)) ||
	    (rc = check_renewal(st, rn)) || (rc = authenticate_station(st))) {
		if (rc == CVC_TOOL_EXIT_READER)
			not_renewed(st, rn, rc);
		return rc;
	}
	memset(&a, 0, sizeof(a));
	holder_fields(st, &a.rec);
	snprintf(a.rec.replaces, sizeof(a.rec.replaces), "%s", st->s.chr);
	if ((rc = generate_renewal(st, rn)) || (rc = issue_renewal(st, rn)) ||
	    (rc = put_renewal(st, rn))) {
		not_renewed(st, rn, rc);
		return rc;
	}
	a.issued = &rn->nc.cert;
	a.dv = &st->dv.cert;
	a.domain = &st->s.anchor.key;
	return session_activate(&st->s, st->o->issuer_cert, &a);
}

int office_renew(const office_opts *o)
{
	station *st = calloc(1, sizeof(*st));
	renewal *rn = calloc(1, sizeof(*rn));
	int rc = CVC_TOOL_EXIT_INPUT;

	if (st == NULL || rn == NULL) {
		cvc_tool_fail("out of memory");
	} else {
		st->o = o;
		rc = check_renew_options(o);
		if (rc == 0)
			rc = load_terminal(st, CVC_BADGE_RIGHT_RENEW, "renew");
		if (rc == 0)
			rc = office_load_key(o->issuer_key, &st->dv.cert,
			                     &st->issuer);
		if (rc == 0)
			rc = renew_at_reader(st, rn);
		station_free(st);
		free(rn->nc.der);
	}
	free(st);
	free(rn);
	return rc;
}

/* ------------------------------------------------------------------ */
/* terminate                                                           */

static int check_terminate_options(const office_opts *o)
{
	if (o->revoke && (o->crl == NULL || o->issuer_key == NULL))
		return office_usage("terminate --revoke needs --crl and "
		                    "--issuer-key");
	if (!o->revoke &&
	    (o->crl || o->issuer_key || o->date || o->next_update_days))
		return office_usage("--crl, --issuer-key, --date and "
		                    "--next-update-days go with --revoke");
	return 0;
}

/* The badge must be one of the issuer's: its record is in our file. */
static int issued_here(station *st)
{
	char car[CVC_MAX_REF_LEN + 1], dv[CVC_MAX_REF_LEN + 1];

	if (same_span(st->s.badge.car, st->dv.cert.chr))
		return 0;
	cvc_tool_fail("badge %s was issued by %s, not by %s", st->s.chr,
	              office_chr_text(st->s.badge.car, car, sizeof(car)),
	              office_chr_text(st->dv.cert.chr, dv, sizeof(dv)));
	return CVC_TOOL_EXIT_NO;
}

static int terminate_card(station *st)
{
	cvc_diag diag = {0};
	cvc_err err;

	office_progress(st->o, "TERMINATE CARD USAGE");
	err = cvc_badge_terminate(st->s.card, &diag);
	if (err == CVC_OK)
		return 0;
	if (err == CVC_ERR_CARD_STATUS)
		return office_fail("TERMINATE CARD USAGE", err, &diag);
	office_fail("TERMINATE CARD USAGE", err, &diag);
	cvc_tool_fail("the badge may or may not be terminated: present it "
	              "again and repeat the command");
	return CVC_TOOL_EXIT_READER;
}

/* Marks the badge terminated (and revoked with --revoke) in the records,
 * adding a row when the office has none for it. */
static int record_termination(station *st)
{
	const office_opts *o = st->o;
	const char *chrs[1] = {st->s.chr};
	record_file rf;
	record *r;
	int rc = records_open(o->issuer_cert, &rf);

	if (rc == 0 && (r = records_find(&rf, st->s.chr)) == NULL) {
		record fresh;

		memset(&fresh, 0, sizeof(fresh));
		record_from_cert(&fresh, &st->s.badge);
		r = records_add(&rf, &fresh);
		rc = r == NULL ? CVC_TOOL_EXIT_INPUT : 0;
	}
	if (rc == 0 && r->status != REC_REVOKED)
		record_set_status(r, REC_TERMINATED);
	if (rc == 0 && o->revoke) {
		crl_update u = {.crl_path = o->crl,
		                .issuer = &st->dv.cert,
		                .key = st->issuer,
		                .chrs = chrs,
		                .n_chrs = 1,
		                .next_update_days = o->next_update_days};

		office_today(&u.revoked_on);
		if (o->date != NULL && cvc_date_parse(o->date, &u.revoked_on))
			rc = office_usage("bad --date '%s'", o->date);
		if (rc == 0)
			rc = office_crl_update(o, &u);
		if (rc == 0)
			record_set_status(r, REC_REVOKED);
	}
	if (rc == 0)
		rc = records_save(&rf);
	records_close(&rf);
	return rc;
}

/*
 * A badge that is already TERMINATED (e.g. the answer to TERMINATE was
 * lost): its chain is still readable ([TERM-2]); when it is the recorded
 * certificate, the record catches up.
 */
static int already_terminated(station *st)
{
	cvc_diag diag = {0};
	int rc;

	if (cvc_badge_read_chain(st->s.card, st->s.chain, sizeof(st->s.chain),
	                         &st->s.chain_len, &diag) != CVC_OK ||
	    cvc_badge_split_chain(st->s.chain, st->s.chain_len, &st->s.badge,
	                          &st->s.dv, &diag) != CVC_OK) {
		cvc_tool_fail("cannot read the terminated badge's chain");
		return CVC_TOOL_EXIT_READER;
	}
	office_chr_text(st->s.badge.chr, st->s.chr, sizeof(st->s.chr));
	if ((rc = issued_here(st)) || (rc = find_old_record(st)))
		return rc;
	if (!st->has_old || st->old.cert_len != st->s.badge.raw.len ||
	    memcmp(st->old.cert, st->s.badge.raw.data, st->old.cert_len) ||
	    st->old.status == REC_TERMINATED || st->old.status == REC_REVOKED) {
		cvc_tool_fail("badge %s is already terminated", st->s.chr);
		return CVC_TOOL_EXIT_NO;
	}
	return 0;
}

static int terminate_personalized(station *st)
{
	int rc;

	if ((rc = badge_is_genuine(st)) || (rc = issued_here(st)) ||
	    (rc = authenticate_station(st)))
		return rc;
	return terminate_card(st);
}

static int terminate_at_reader(station *st)
{
	int rc;

	if ((rc = session_open(st->o, &st->s)) ||
	    (rc = session_select(&st->s, CVC_BADGE_UNKNOWN)))
		return rc;
	if (st->s.info.state == CVC_BADGE_TERMINATED) {
		rc = already_terminated(st);
	} else if (st->s.info.state == CVC_BADGE_PERSONALIZED) {
		rc = terminate_personalized(st);
	} else {
		cvc_tool_fail("the badge is %s: nothing to terminate",
		              cvc_badge_state_name(st->s.info.state));
		rc = CVC_TOOL_EXIT_NO;
	}
	if (rc != 0)
		return rc;
	if ((rc = record_termination(st)) != 0)
		return rc;
	if (!st->o->quiet)
		printf("%s terminated%s\n", st->s.chr,
		       st->o->revoke ? " and revoked" : "");
	return cvc_tool_exit_flushed();
}

int office_terminate(const office_opts *o)
{
	station *st = calloc(1, sizeof(*st));
	int rc;

	if (st == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	st->o = o;
	rc = check_terminate_options(o);
	if (rc == 0)
		rc = load_terminal(st, CVC_BADGE_RIGHT_TERMINATE, "terminate");
	if (rc == 0 && o->revoke)
		rc = office_load_key(o->issuer_key, &st->dv.cert, &st->issuer);
	if (rc == 0)
		rc = terminate_at_reader(st);
	station_free(st);
	free(st);
	return rc;
}
