/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue: the badge steps the reader verbs share. The protocol is
 * libcvc's badge layer (<cvc/badge.h>, applet-spec/SPEC.md); this file
 * decides what the office believes about a badge and when it writes that
 * down:
 *
 *  - a badge is genuine when it proves its key (INTERNAL AUTHENTICATE over
 *    a fresh challenge) and its chain leads to the CVCA of the office's
 *    issuer (session_trust, session_prove);
 *  - a new certificate is recorded as issued only after the badge, selected
 *    again after ACTIVATE, proves the new key (SPEC 8, step 8); a badge
 *    that leaves after ACTIVATE was sent is recorded as unconfirmed, one
 *    that leaves earlier is unchanged (SPEC [LC-2], [LC-3], [ACT-2]).
 */
#include <stdlib.h>
#include <string.h>

#include "cvc-issue-office.h"

#define CHALLENGE_LEN 32u

int session_open(const office_opts *o, badge_session *s)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	return office_open_card(o, &s->card);
}

void session_close(badge_session *s)
{
	if (s->card != NULL)
		cvc_card_end(s->card);
	cvc_card_free(&s->card);
	cvc_store_free(&s->store);
}

int session_select(badge_session *s, cvc_badge_state want)
{
	cvc_diag diag = {0};
	cvc_err err;

	office_progress(s->o, "SELECT");
	err = cvc_badge_select(s->card, &s->info, &diag);
	if (err != CVC_OK)
		return office_fail("SELECT badge application", err, &diag);
	if (want != CVC_BADGE_UNKNOWN && s->info.state != want) {
		cvc_tool_fail("the badge is %s, not %s",
		              cvc_badge_state_name(s->info.state),
		              cvc_badge_state_name(want));
		return CVC_TOOL_EXIT_NO;
	}
	return 0;
}

int session_trust(badge_session *s, const cvc_cert *issuer,
                  const office_cert *links, size_t n_links)
{
	cvc_chain_result res;
	cvc_diag diag = {0};
	char a[CVC_MAX_REF_LEN + 1], i[CVC_MAX_REF_LEN + 1];
	size_t len;
	cvc_err err;

	office_progress(s->o, "GET DATA trust anchor");
	err = cvc_badge_read_anchor(s->card, s->anchor_der,
	                            sizeof(s->anchor_der), &len, &diag);
	if (err != CVC_OK)
		return office_fail("read the badge's trust anchor", err, &diag);
	if (cvc_cert_decode(s->anchor_der, len, 0, &s->anchor, &diag) !=
	        CVC_OK ||
	    cvc_store_new(&s->store) != CVC_OK ||
	    cvc_store_add_anchor(s->store, s->anchor_der, len, 0, &diag) !=
	        CVC_OK) {
		cvc_tool_fail("the badge's trust anchor is malformed");
		return CVC_TOOL_EXIT_READER;
	}
	for (size_t k = 0; k < n_links; k++)
		cvc_store_add_intermediate(s->store, links[k].in.data,
		                           links[k].in.len, 0, NULL);
	/* The office's DV chains to this anchor only if the anchor holds
	 * the key of the DV's CVCA (or of one it was rolled over to). */
	err = cvc_chain_verify(s->store, issuer, NULL, 0, NULL, NULL,
	                       CVC_CHAIN_NO_DATES, &res);
	if (err != CVC_OK) {
		cvc_tool_fail("the badge trusts %s, which did not certify the "
		              "issuer %s (%s)",
		              office_chr_text(s->anchor.chr, a, sizeof(a)),
		              office_chr_text(issuer->chr, i, sizeof(i)),
		              res.check != NULL ? res.check
		                                : cvc_strerror(err));
		return CVC_TOOL_EXIT_NO;
	}
	return 0;
}

static int check_badge_chain(badge_session *s)
{
	const cvc_cert *extra[1] = {&s->dv};
	cvc_chain_result res;
	cvc_err err = cvc_chain_verify(s->store, &s->badge, extra, 1, NULL,
	                               NULL, CVC_CHAIN_NO_DATES, &res);

	if (err == CVC_OK)
		return 0;
	cvc_tool_fail("badge %s: its chain does not lead to the issuer's "
	              "CVCA: %s (%s)",
	              s->chr, cvc_strerror(err),
	              res.check != NULL ? res.check : "chain");
	return CVC_TOOL_EXIT_NO;
}

int session_prove(badge_session *s, const cvc_pubkey *domain, bool check_chain)
{
	uint8_t challenge[CHALLENGE_LEN];
	cvc_badge_proof proof;
	cvc_diag diag = {0};
	cvc_err err;

	if (!office_random(challenge, sizeof(challenge)))
		return CVC_TOOL_EXIT_INPUT;
	office_progress(s->o, "INTERNAL AUTHENTICATE");
	err = cvc_badge_internal_auth(s->card, challenge, sizeof(challenge),
	                              false, true, &proof, s->chain,
	                              sizeof(s->chain), &diag);
	if (err != CVC_OK)
		return office_fail("INTERNAL AUTHENTICATE", err, &diag);
	s->chain_len = proof.chain_len;
	err = cvc_badge_split_chain(s->chain, s->chain_len, &s->badge, &s->dv,
	                            &diag);
	if (err != CVC_OK) {
		cvc_tool_fail("the badge returned a malformed chain: %s",
		              cvc_strerror(err));
		return CVC_TOOL_EXIT_READER;
	}
	office_chr_text(s->badge.chr, s->chr, sizeof(s->chr));
	err = cvc_badge_verify_proof(&s->badge, domain, challenge,
	                             sizeof(challenge), &proof, &diag);
	if (err != CVC_OK) {
		cvc_tool_fail("badge %s failed authentication: %s", s->chr,
		              cvc_strerror(err));
		return err == CVC_ERR_SIGNATURE ? CVC_TOOL_EXIT_NO
		                                : CVC_TOOL_EXIT_READER;
	}
	return check_chain ? check_badge_chain(s) : 0;
}

/* ------------------------------------------------------------------ */
/* Activation and confirmation                                         */

static bool same_bytes(cvc_span a, cvc_span b)
{
	return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

/* SPEC 8 step 8: the badge, selected afresh, proves the new key. */
static int confirm_new(badge_session *s, const activation *a)
{
	int rc = session_select(s, CVC_BADGE_PERSONALIZED);

	if (rc == 0)
		rc = session_prove(s, a->domain, false);
	if (rc == 0 && (!same_bytes(s->badge.raw, a->issued->raw) ||
	                !same_bytes(s->dv.raw, a->dv->raw))) {
		cvc_tool_fail("the badge holds %s, not the new certificate",
		              s->chr);
		rc = CVC_TOOL_EXIT_READER;
	}
	return rc;
}

static int record_new(const char *issuer_cert, activation *a,
                      record_status status)
{
	record_file rf;
	int rc = records_open(issuer_cert, &rf);

	record_from_cert(&a->rec, a->issued);
	a->rec.status = status;
	if (rc == 0 && records_add(&rf, &a->rec) == NULL)
		rc = CVC_TOOL_EXIT_INPUT;
	if (rc == 0)
		rc = records_save(&rf);
	records_close(&rf);
	return rc;
}

static int unconfirmed(badge_session *s, const char *issuer_cert, activation *a)
{
	const office_opts *o = s->o;

	if (record_new(issuer_cert, a, REC_UNCONFIRMED) != 0)
		cvc_tool_fail("certificate %s could NOT be recorded: revoke "
		              "it (cvc-issue revoke --chr %s)",
		              a->rec.chr, a->rec.chr);
	cvc_tool_fail(
	    "ACTIVATE was sent but not confirmed: the badge may hold "
	    "certificate %s. It is recorded as unconfirmed in %s.issued. "
	    "Present the badge again and run: cvc-issue confirm --reader "
	    "'%s' --issuer-cert '%s'. If the badge is lost, revoke %s.",
	    a->rec.chr, issuer_cert, o->reader, issuer_cert, a->rec.chr);
	return CVC_TOOL_EXIT_READER;
}

static void print_summary(const office_opts *o, const record *r)
{
	char ced[16], cxd[16];

	if (o->quiet)
		return;
	printf("%s %s", r->chr, record_status_name(r->status));
	if (r->replaces[0] != '\0')
		printf(" (replaces %s)", r->replaces);
	if (r->name[0] != '\0')
		printf(": %s (%s)", r->name, r->staff_id);
	printf(", valid %s to %s\n",
	       office_date_text(&r->effective, ced, sizeof(ced)),
	       office_date_text(&r->expiration, cxd, sizeof(cxd)));
}

int session_activate(badge_session *s, const char *issuer_cert, activation *a)
{
	const office_opts *o = s->o;
	bool renewal = a->rec.replaces[0] != '\0';
	cvc_diag diag = {0};
	cvc_err err;
	int rc;

	office_progress(o, "ACTIVATE");
	err = cvc_badge_activate(s->card, &diag);
	if (err == CVC_ERR_CARD_STATUS) {
		/* The badge answered: it changed nothing (SPEC [ACT-3]). */
		cvc_tool_fail("ACTIVATE refused by the badge: %s. The badge "
		              "is unchanged (%s); nothing was recorded.",
		              diag.reason != NULL ? diag.reason : "error",
		              renewal ? "the old certificate stays active"
		                      : "still blank");
		return CVC_TOOL_EXIT_READER;
	}
	record_from_cert(&a->rec, a->issued);
	if (err != CVC_OK) {
		cvc_tool_fail("ACTIVATE: %s", cvc_strerror(err));
		return unconfirmed(s, issuer_cert, a);
	}
	if (confirm_new(s, a) != 0)
		return unconfirmed(s, issuer_cert, a);
	/* The record first: it is what the office revokes and renews by;
	 * --out can be written again from it (confirm --out). */
	rc = record_new(issuer_cert, a, renewal ? REC_RENEWED : REC_ISSUED);
	if (rc != 0)
		cvc_tool_fail("the badge holds %s (confirmed) but it could not "
		              "be recorded",
		              a->rec.chr);
	if (o->out != NULL &&
	    !cvc_tool_write_atomic_reported(o->out, a->issued->raw.data,
	                                    a->issued->raw.len, 0644)) {
		if (rc == 0)
			cvc_tool_fail("%s is recorded; write it with "
			              "cvc-issue confirm --out",
			              a->rec.chr);
		return CVC_TOOL_EXIT_INPUT;
	}
	if (rc != 0)
		return rc;
	print_summary(o, &a->rec);
	return cvc_tool_exit_flushed();
}

/* ------------------------------------------------------------------ */
/* Holder references and rights                                        */

/* Next CHR after those recorded: the state file may lag the records. */
static int next_free(record_file *rf, char *out, size_t cap)
{
	char next[CVC_MAX_REF_LEN + 1];

	for (unsigned i = 0; records_find(rf, out) != NULL; i++) {
		if (i == 100000 ||
		    cvc_chr_next(out, next, sizeof(next)) != CVC_OK) {
			cvc_tool_fail("no free holder reference after %s", out);
			return CVC_TOOL_EXIT_INPUT;
		}
		snprintf(out, cap, "%s", next);
	}
	return 0;
}

int office_allocate_chr(const char *issuer_cert, const char *chr,
                        const char *prefix, char *out, size_t cap)
{
	record_file rf;
	int rc = records_open(issuer_cert, &rf);

	if (rc == 0 && chr != NULL) {
		snprintf(out, cap, "%s", chr);
		rc = records_refuse_reuse(&rf, out);
	} else if (rc == 0) {
		rc = cvc_issue_state_next(issuer_cert, prefix, out, cap);
		if (rc == 0)
			rc = next_free(&rf, out, cap);
		if (rc == 0 && !cvc_issue_state_save(issuer_cert, prefix, out))
			rc = CVC_TOOL_EXIT_INPUT;
	}
	records_close(&rf);
	return rc;
}

int office_issue(const office_opts *o, const char *chr, const char *prefix,
                 cvc_cert *tmpl, const cvc_signer *issuer, const cvc_cert *dv,
                 new_cert *nc)
{
	size_t len;
	cvc_diag diag = {0};
	cvc_err err;
	int rc = office_allocate_chr(o->issuer_cert, chr, prefix, nc->chr,
	                             sizeof(nc->chr));

	if (rc != 0)
		return rc;
	tmpl->chr = (cvc_span){(const uint8_t *)nc->chr, strlen(nc->chr)};
	office_progress(o, "issuing %s", nc->chr);
	err = cvc_issue_cert(tmpl, issuer, dv, 0, &nc->der, &len, &diag);
	if (err == CVC_OK)
		err = cvc_cert_decode(nc->der, len, 0, &nc->cert, &diag);
	return err == CVC_OK ? 0 : office_fail("refused", err, &diag);
}

int office_policy_check(const office_opts *o, const cvc_cert *tmpl,
                        const cvc_pubkey *stand_in, const char *chr,
                        const char *prefix, const cvc_signer *issuer,
                        const cvc_cert *dv)
{
	char ref[CVC_MAX_REF_LEN + 8];
	cvc_cert t = *tmpl;
	uint8_t *der = NULL;
	size_t len;
	cvc_diag diag = {0};
	cvc_err err;

	snprintf(ref, sizeof(ref), "%s%s", chr ? chr : prefix,
	         chr ? "" : "00000");
	if (cvc_chr_validate(ref, NULL) != CVC_OK)
		return office_usage("%s: invalid holder reference '%s'",
		                    o->verb, chr ? chr : prefix);
	t.chr = (cvc_span){(const uint8_t *)ref, strlen(ref)};
	t.key = *stand_in;
	err = cvc_issue_cert(&t, issuer, dv, 0, &der, &len, &diag);
	free(der);
	return err == CVC_OK ? 0 : office_fail("refused", err, &diag);
}

bool office_has_right(const cvc_cert *c, unsigned bit)
{
	return c->has_chat &&
	       cvc_terminal_type_from_oid(c->chat.oid) == CVC_TT_AT &&
	       cvc_chat_bit(&c->chat, CVC_TT_AT, bit);
}

int office_ta_fail(cvc_err err, uint16_t sw, const cvc_diag *diag)
{
	const char *why = NULL;

	if (err != CVC_ERR_CARD_STATUS)
		return office_fail("terminal authentication", err, diag);
	switch (sw) {
	case 0x6A88:
		why = "the terminal chain does not lead to the badge's trust "
		      "anchor (--terminal-chain)";
		break;
	case 0x6984:
		why = "the badge refused a certificate (expired for the "
		      "badge, wrong role or signature)";
		break;
	case 0x6300:
		why = "the terminal key does not belong to the terminal "
		      "certificate";
		break;
	default:
		return office_fail("terminal authentication", err, diag);
	}
	cvc_tool_fail("terminal authentication refused (%04X): %s", sw, why);
	return CVC_TOOL_EXIT_NO;
}
