/* SPDX-License-Identifier: MIT */
/*
 * cvc-verify --reader: the decision about a live badge (applet-spec/SPEC.md
 * section 8, "Door" and "Workstation logon"), taken by libcvc's one call
 * for integrators, cvc_badge_authenticate(): SELECT, (VERIFY), (terminal
 * authentication), INTERNAL AUTHENTICATE with a fresh challenge, the
 * chain against the trust store, the revocation list and the date, the
 * signature, the required rights. This file turns the options into a
 * policy and prints the result (text, or JSON schema
 * libcvc-verify-reader/1).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cvc-verify.h"

/* The state of one live verification. */
struct reader_run {
	struct verify_run *run;
	const struct verify_reader_options *opt;
	size_t required[VERIFY_MAX_REQUIRED];
	size_t n_required;
	struct badge_credentials cred;
	cvc_card *card;
	bool have_result;
	cvc_badge_result res;
	int exit_status;
	const char *err_path; /* input error: the file, or NULL */
	cvc_tool_error err;   /* input or reader error before a result */
};

/* ------------------------------------------------------------------ */
/* Options                                                             */

bool cvc_tool_verify_reader_option(struct verify_reader_options *r, int c,
                                   char *arg)
{
	if (badge_cred_option(&r->cred, c, arg))
		return true;
	switch (c) {
	case 'r':
		r->spec = arg;
		return true;
	case VERIFY_OPT_REQUIRE_RIGHT:
		if (r->n_rights < VERIFY_MAX_REQUIRED)
			r->rights[r->n_rights++] = arg;
		else
			r->too_many_rights = true;
		return true;
	case VERIFY_OPT_REQUIRE_PIN:
		r->require_pin = true;
		return true;
	case VERIFY_OPT_HOLDER:
		r->holder = true;
		return true;
	}
	return false;
}

/*
 * A right by name (cvc_chat_bit_name of an AT CHAT, any case) or "bN",
 * as cvc-issue --rights takes them: the library builds the CHAT and the
 * access bits set in it are the answer. Role bits are never set for a
 * terminal role.
 */
static cvc_err right_bits(const char *name, size_t *bits, size_t cap, size_t *n)
{
	uint8_t chat[CVC_MAX_CHAT_LEN];
	size_t len = 0, bit, before = *n;
	cvc_span oid;
	cvc_diag diag;
	cvc_err rc;

	memset(&diag, 0, sizeof(diag));
	if (strchr(name, ',') != NULL)
		return CVC_ERR_BAD_VALUE; /* one right per option */
	rc = cvc_chat_build(CVC_TT_AT, CVC_ROLE_TERMINAL, false, name, chat,
	                    sizeof(chat), &len, &oid, &diag);
	if (rc != CVC_OK)
		return rc;
	for (bit = 0; bit < 8 * len; bit++) {
		if (!(chat[len - 1 - bit / 8] & (1u << (bit % 8))))
			continue;
		if (*n == cap)
			return CVC_ERR_TOO_MANY;
		bits[(*n)++] = bit;
	}
	return *n > before ? CVC_OK : CVC_ERR_BAD_VALUE; /* "" names none */
}

/*
 * All --require-right values as bit numbers; returns the first value that
 * is not a right, or NULL.
 */
static const char *required_bits(const struct verify_reader_options *r,
                                 size_t *bits, size_t *n)
{
	size_t i;

	*n = 0;
	for (i = 0; i < r->n_rights; i++)
		if (right_bits(r->rights[i], bits, VERIFY_MAX_REQUIRED, n) !=
		    CVC_OK)
			return r->rights[i];
	return NULL;
}

/* The first live-badge option given, for "needs --reader". */
static const char *live_only_option(const struct verify_reader_options *r)
{
	if (r->n_rights > 0 || r->too_many_rights)
		return "--require-right";
	if (r->require_pin)
		return "--require-pin";
	if (r->holder)
		return "--holder";
	if (r->cred.pin_file != NULL)
		return "--pin-file";
	if (r->cred.n_cert_paths > 0 || r->cred.too_many_certs)
		return "--terminal-cert";
	if (r->cred.key_spec != NULL)
		return "--terminal-key";
	return NULL;
}

int cvc_tool_verify_reader_check(const struct verify_options *opt, int nfiles,
                                 const char *synopsis)
{
	const struct verify_reader_options *r = &opt->reader;
	const char *only = live_only_option(r), *bad;
	size_t bits[VERIFY_MAX_REQUIRED], n;

	if (r->spec == NULL) {
		if (only != NULL)
			return cvc_tool_usage_error(synopsis,
			                            "%s needs --reader", only);
		return -1;
	}
	if (nfiles > 0 || opt->target != NULL)
		return cvc_tool_usage_error(synopsis,
		                            "--reader verifies the badge on "
		                            "the reader: give no FILE or "
		                            "--target");
	if (r->too_many_rights)
		return cvc_tool_usage_error(synopsis,
		                            "at most %u --require-right",
		                            (unsigned)VERIFY_MAX_REQUIRED);
	bad = required_bits(r, bits, &n);
	if (bad != NULL)
		return cvc_tool_usage_error(
		    synopsis,
		    "--require-right: not an access right of an "
		    "authentication terminal: '%s' (a name as cvc-print "
		    "shows it, or bN)",
		    bad);
	return badge_cred_check(&r->cred, synopsis);
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static const char *decision_word(cvc_badge_decision d)
{
	switch (d) {
	case CVC_BADGE_ACCEPT:
		return "ACCEPT";
	case CVC_BADGE_REFUSE:
		return "REFUSE";
	case CVC_BADGE_ERROR:
		break;
	}
	return "ERROR";
}

static bool has_chain(const cvc_badge_result *res)
{
	return res->holder_chr[0] != '\0';
}

/* Rights of the badge as cvc-verify-check.c names them. */
static void result_rights(const cvc_badge_result *res, cvc_chain_result *cr)
{
	memset(cr, 0, sizeof(*cr));
	cr->type = res->type;
	cr->rights_len = res->rights_len <= sizeof(cr->rights)
	                     ? res->rights_len
	                     : sizeof(cr->rights);
	memcpy(cr->rights, res->rights, cr->rights_len);
}

static void add_right_text(void *ctx, size_t bit, const char *name)
{
	size_t *n = ctx;

	fputs((*n)++ > 0 ? ", " : " ", stdout);
	if (name != NULL)
		fputs(name, stdout);
	else
		printf("b%zu", bit);
}

static void print_rights_text(const cvc_badge_result *res)
{
	cvc_chain_result cr;
	size_t n = 0;

	if (res->rights_len == 0)
		return;
	result_rights(res, &cr);
	printf("rights:    %s:", cvc_terminal_type_name(res->type));
	cvc_tool_verify_rights(&cr, add_right_text, &n);
	puts(n > 0 ? "" : " none");
}

static void print_validity_text(const struct reader_run *rr)
{
	const cvc_badge_result *res = &rr->res;
	char d1[BADGE_DATE_MAX], d2[BADGE_DATE_MAX];
	long left = badge_days_between(&rr->run->opt.at, &res->expiration);

	printf("validity:  %s to %s", badge_date(&res->effective, d1),
	       badge_date(&res->expiration, d2));
	if (left >= 0)
		printf(" (expires in %ld day%s)\n", left, left == 1 ? "" : "s");
	else
		printf(" (expired %ld day%s ago)\n", -left,
		       left == -1 ? "" : "s");
}

static void print_chain_text(const struct reader_run *rr)
{
	const cvc_badge_result *res = &rr->res;

	printf("badge:     ");
	badge_print_safe(stdout, res->holder_chr);
	printf(" (%s)\nchain:     ", cvc_badge_state_name(res->state));
	badge_print_safe(stdout, res->holder_chr);
	fputs(" <- ", stdout);
	badge_print_safe(stdout, res->dv_chr);
	if (res->anchor[0] != '\0') {
		fputs(" <- ", stdout);
		badge_print_safe(stdout, res->anchor);
	}
	putchar('\n');
	print_validity_text(rr);
}

static void print_result_text(const struct reader_run *rr)
{
	const cvc_badge_result *res = &rr->res;

	if (has_chain(res))
		print_chain_text(rr);
	else if (res->state != CVC_BADGE_UNKNOWN)
		printf("badge:     %s\n", cvc_badge_state_name(res->state));
	print_rights_text(res);
	printf("PIN:       %s\n",
	       res->pin_verified ? "checked by the card" : "not checked");
	printf("terminal:  %s\n", res->terminal_authenticated
	                              ? "authenticated"
	                              : "not authenticated");
	if (res->has_holder) {
		puts("holder:");
		badge_holder_print_text(stdout, &res->holder, 2);
	}
	printf("exchanges: %u after SELECT\n", res->exchanges);
}

static void print_text(const struct reader_run *rr)
{
	char d[BADGE_DATE_MAX];
	const cvc_badge_result *res = &rr->res;

	printf("reader:    ");
	badge_print_safe(stdout,
	                 rr->card ? cvc_card_reader(rr->card) : rr->opt->spec);
	if (rr->card != NULL)
		printf(" (%s)",
		       badge_transport_name(cvc_card_transport(rr->card)));
	printf("\ndate:      %s\n", badge_date(&rr->run->opt.at, d));
	if (!rr->have_result) {
		printf("ERROR: ");
		badge_print_safe(stdout, rr->err.message);
		putchar('\n');
		return;
	}
	print_result_text(rr);
	if (res->decision != CVC_BADGE_ACCEPT && res->detail[0] != '\0') {
		fputs("detail:    ", stdout);
		badge_print_safe(stdout, res->detail);
		putchar('\n');
	}
	fputs(decision_word(res->decision), stdout);
	if (res->decision != CVC_BADGE_ACCEPT)
		printf(": %s", cvc_strerror(res->reason));
	if (res->decision != CVC_BADGE_ACCEPT && res->check != NULL)
		printf(" (check %s)", res->check);
	putchar('\n');
}

/* One line on stderr for a badge that was not accepted. */
static void report_not_accepted(const struct reader_run *rr)
{
	const cvc_badge_result *res = &rr->res;

	if (!rr->have_result) {
		cvc_tool_report(rr->err_path, &rr->err);
		return;
	}
	if (res->decision == CVC_BADGE_ACCEPT)
		return;
	fprintf(stderr, "%s: %s: %s: %s (%s", cvc_tool_name(), rr->opt->spec,
	        res->decision == CVC_BADGE_REFUSE ? "refused" : "no decision",
	        cvc_strerror(res->reason),
	        res->check != NULL ? res->check : "-");
	if (has_chain(res)) {
		fputs(", badge ", stderr);
		badge_print_safe(stderr, res->holder_chr);
	}
	fputc(')', stderr);
	if (res->detail[0] != '\0') {
		fputs(": ", stderr);
		badge_print_safe(stderr, res->detail);
	}
	fputc('\n', stderr);
}

/* ------------------------------------------------------------------ */
/* JSON (schema libcvc-verify-reader/1, cvc-verify(1))                 */

static const char *decision_token(const struct reader_run *rr)
{
	static const char *const tokens[] = {"accept", "refuse", "error"};

	if (!rr->have_result)
		return "error";
	switch (rr->res.decision) {
	case CVC_BADGE_ACCEPT:
		return tokens[0];
	case CVC_BADGE_REFUSE:
		return tokens[1];
	case CVC_BADGE_ERROR:
		break;
	}
	return tokens[2];
}

static void json_str_or_null(const char *key, const char *value)
{
	fputc(',', stdout);
	cvc_tool_json_member_str(
	    stdout, key, value != NULL && value[0] != '\0' ? value : NULL);
}

static void json_badge(const struct reader_run *rr)
{
	const cvc_badge_result *res = &rr->res;
	char d1[BADGE_DATE_MAX], d2[BADGE_DATE_MAX];
	bool chain = rr->have_result && has_chain(res);

	fputs(",\"badge\":", stdout);
	if (!rr->have_result || res->state == CVC_BADGE_UNKNOWN) {
		fputs("null", stdout);
		return;
	}
	fputc('{', stdout);
	cvc_tool_json_member_str(stdout, "state",
	                         cvc_badge_state_name(res->state));
	json_str_or_null("chr", res->holder_chr);
	json_str_or_null("dv", res->dv_chr);
	json_str_or_null("anchor", res->anchor);
	json_str_or_null("effective",
	                 chain ? badge_date(&res->effective, d1) : NULL);
	json_str_or_null("expiration",
	                 chain ? badge_date(&res->expiration, d2) : NULL);
	if (chain)
		printf(",\"days_left\":%ld}",
		       badge_days_between(&rr->run->opt.at, &res->expiration));
	else
		fputs(",\"days_left\":null}", stdout);
}

static void add_right_json(void *ctx, size_t bit, const char *name)
{
	size_t *n = ctx;
	char buf[32];

	if ((*n)++ > 0)
		fputc(',', stdout);
	if (name == NULL) {
		snprintf(buf, sizeof(buf), "b%zu", bit);
		name = buf;
	}
	cvc_tool_json_string(stdout, name);
}

static void json_rights(const struct reader_run *rr)
{
	const cvc_badge_result *res = &rr->res;
	char hex[2 * CVC_MAX_CHAT_LEN + 1];
	cvc_chain_result cr;
	size_t n = 0;

	fputs(",\"effective_rights\":", stdout);
	if (!rr->have_result || res->rights_len == 0) {
		fputs("null", stdout);
		return;
	}
	result_rights(res, &cr);
	cvc_tool_verify_rights_hex(&cr, hex, sizeof(hex));
	fputc('{', stdout);
	cvc_tool_json_member_str(stdout, "terminal_type",
	                         cvc_terminal_type_name(res->type));
	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "bits", hex);
	fputs(",\"names\":[", stdout);
	cvc_tool_verify_rights(&cr, add_right_json, &n);
	fputs("]}", stdout);
}

static void json_required(const struct reader_run *rr)
{
	size_t i;

	fputs(",\"required_rights\":[", stdout);
	for (i = 0; i < rr->n_required; i++) {
		const char *name =
		    cvc_chat_bit_name(CVC_TT_AT, rr->required[i]);
		char buf[32];

		if (name == NULL) {
			snprintf(buf, sizeof(buf), "b%zu", rr->required[i]);
			name = buf;
		}
		if (i > 0)
			fputc(',', stdout);
		cvc_tool_json_string(stdout, name);
	}
	fputc(']', stdout);
}

static void json_head(const struct reader_run *rr, cvc_err status,
                      const char *check, const char *detail)
{
	char d[BADGE_DATE_MAX];

	fputs("{\"schema\":\"" VERIFY_READER_JSON_SCHEMA "\",", stdout);
	cvc_tool_json_member_str(stdout, "reader",
	                         rr->card ? cvc_card_reader(rr->card)
	                                  : rr->opt->spec);
	json_str_or_null(
	    "transport",
	    rr->card ? badge_transport_name(cvc_card_transport(rr->card))
	             : NULL);
	json_str_or_null("at", badge_date(&rr->run->opt.at, d));
	json_str_or_null("decision", decision_token(rr));
	printf(",\"valid\":%s", status == CVC_OK ? "true" : "false");
	json_str_or_null("status", cvc_tool_verify_err_token(status));
	printf(",\"code\":%d", (int)status);
	json_str_or_null("reason", cvc_strerror(status));
	json_str_or_null("check", check);
	json_str_or_null("detail", detail);
}

static void json_flags(const struct reader_run *rr)
{
	const cvc_badge_result *res = &rr->res;
	bool ok = rr->have_result;

	printf(",\"pin_verified\":%s,\"terminal_authenticated\":%s",
	       ok && res->pin_verified ? "true" : "false",
	       ok && res->terminal_authenticated ? "true" : "false");
	fputs(",\"holder\":", stdout);
	if (ok && res->has_holder)
		badge_holder_print_json(stdout, &res->holder);
	else
		fputs("null", stdout);
	if (ok)
		printf(",\"exchanges\":%u", res->exchanges);
	else
		fputs(",\"exchanges\":null", stdout);
}

static void print_json(const struct reader_run *rr)
{
	const cvc_badge_result *res = &rr->res;

	if (rr->have_result)
		json_head(rr, res->reason, res->check, res->detail);
	else
		json_head(rr, rr->err.err, NULL, rr->err.message);
	json_badge(rr);
	json_rights(rr);
	json_required(rr);
	json_flags(rr);
	fputs(",\"error\":", stdout);
	if (rr->have_result)
		fputs("null", stdout);
	else
		cvc_tool_json_error(stdout, rr->err_path, 0, &rr->err);
	fputs("}\n", stdout);
}

void cvc_tool_verify_reader_json_input_failure(const struct verify_run *run)
{
	struct reader_run rr;

	memset(&rr, 0, sizeof(rr));
	rr.run = (struct verify_run *)run;
	rr.opt = &run->opt.reader;
	rr.err = run->input_failure.err;
	rr.err_path = run->input_failure.path;
	print_json(&rr);
}

/* ------------------------------------------------------------------ */
/* The run                                                             */

static int exit_for(cvc_badge_decision d)
{
	switch (d) {
	case CVC_BADGE_ACCEPT:
		return CVC_TOOL_EXIT_OK;
	case CVC_BADGE_REFUSE:
		return CVC_TOOL_EXIT_NO;
	case CVC_BADGE_ERROR:
		break;
	}
	return CVC_TOOL_EXIT_READER;
}

static void fill_policy(const struct reader_run *rr, cvc_badge_policy *p)
{
	const struct verify_run *run = rr->run;

	memset(p, 0, sizeof(*p));
	p->store = run->store;
	p->crl = run->has_crl ? &run->crl : NULL;
	p->at = run->opt.at;
	p->chain_flags = run->opt.chain_flags;
	p->required_bits = rr->required;
	p->n_required = rr->n_required;
	p->require_pin = rr->opt->require_pin;
	p->pin = rr->cred.has_pin ? rr->cred.pin : NULL;
	p->terminal_certs = rr->cred.certs;
	p->n_terminal_certs = rr->cred.n_certs;
	p->terminal_key = rr->cred.key;
	p->read_holder = rr->opt->holder;
}

static void authenticate(struct reader_run *rr)
{
	cvc_badge_policy policy;

	fill_policy(rr, &policy);
	if (rr->run->opt.verbose)
		cvc_card_set_log(rr->card, cvc_card_log_stderr, stderr);
	(void)cvc_badge_authenticate(rr->card, &policy, &rr->res);
	rr->have_result = true;
	rr->exit_status = exit_for(rr->res.decision);
}

/* Credentials, then the reader; false with exit_status set on failure. */
static bool prepare(struct reader_run *rr)
{
	struct badge_input_error e;
	int rc;

	if (!badge_credentials_load(&rr->opt->cred, &rr->cred, &e)) {
		rr->err = e.err;
		rr->err_path = e.path;
		rr->exit_status = CVC_TOOL_EXIT_INPUT;
		return false;
	}
	rc = badge_open_reader(rr->opt->spec, VERIFY_SYNOPSIS, &rr->card,
	                       &rr->err);
	if (rc >= 0) {
		rr->exit_status = rc;
		return false;
	}
	return true;
}

int cvc_tool_verify_reader(struct verify_run *run)
{
	struct reader_run *rr = calloc(1, sizeof(*rr));
	int rc;

	if (rr == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	rr->run = run;
	rr->opt = &run->opt.reader;
	/* checked with the options: cannot fail here */
	(void)required_bits(rr->opt, rr->required, &rr->n_required);
	if (prepare(rr))
		authenticate(rr);
	/* A malformed reader spec was reported as a usage error. */
	if (rr->have_result || rr->err.message[0] != '\0') {
		report_not_accepted(rr);
		if (run->opt.json)
			print_json(rr);
		else
			print_text(rr);
	}
	rc = rr->exit_status;
	cvc_card_free(&rr->card);
	badge_credentials_free(&rr->cred);
	OPENSSL_cleanse(&rr->res.holder, sizeof(rr->res.holder));
	free(rr);
	if (!cvc_tool_flush_stdout())
		return CVC_TOOL_EXIT_INPUT;
	return rc;
}
