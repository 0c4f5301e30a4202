/* SPDX-License-Identifier: MIT */
/*
 * cvc-verify: the verdict as text (one line per check) or as one JSON
 * document (schema libcvc-verify/1, documented in cvc-verify(1)).
 */
#include <string.h>

#include "cvc-verify.h"

/* ------------------------------------------------------------------ */
/* Text */

static const char *result_marker(enum verify_result r)
{
	switch (r) {
	case VERIFY_OK:
		return "[ok]  ";
	case VERIFY_FAIL:
		return "[FAIL]";
	case VERIFY_SKIP:
		break;
	}
	return "[skip]";
}

/* The last certificate of a complete path ending at a certificate. */
static bool is_anchor_cert(const cvc_chain_result *res, size_t i)
{
	return i + 1 == res->n && !res->anchor_is_key &&
	       cvc_tool_verify_path_complete(res);
}

static void print_chain_verbose(const cvc_chain_result *res)
{
	char a[VERIFY_NAME_MAX], b[VERIFY_NAME_MAX];
	char d1[VERIFY_DATE_MAX], d2[VERIFY_DATE_MAX];
	size_t i;

	for (i = 0; i < res->n; i++) {
		const cvc_cert *c = res->chain[i];

		printf("         %zu. %s by %s: %s, %s to %s%s\n", i + 1,
		       cvc_tool_verify_name(c->chr, a),
		       cvc_tool_verify_name(c->car, b), cvc_tool_verify_role(c),
		       cvc_tool_verify_date(&c->effective, d1),
		       cvc_tool_verify_date(&c->expiration, d2),
		       is_anchor_cert(res, i) ? " (trust anchor)" : "");
	}
	if (res->n > 0 && res->anchor_is_key)
		printf("         %zu. key %s (trust anchor)\n", res->n + 1,
		       cvc_tool_verify_name(res->anchor_name, a));
}

void cvc_tool_verify_print_text(const struct verify_run *run)
{
	const cvc_cert *t = &run->target->cert;
	char a[VERIFY_NAME_MAX], d[VERIFY_DATE_MAX];
	size_t i;

	printf("target: %s (%s) from %s\n", cvc_tool_verify_name(t->chr, a),
	       cvc_kind_name(t->kind),
	       cvc_tool_display_name(run->target->path));
	printf("date:   %s%s\n", cvc_tool_verify_date(&run->opt.at, d),
	       run->opt.chain_flags & CVC_CHAIN_NO_DATES
	           ? " (dates not checked)"
	           : "");
	for (i = 0; i < run->n_checks; i++) {
		const struct verify_check *c = &run->checks[i];

		printf("%s %s: %s\n", result_marker(c->result), c->name,
		       c->detail);
		if (run->opt.verbose && run->has_chain &&
		    strcmp(c->name, "chain") == 0)
			print_chain_verbose(&run->chain);
	}
	if (run->status == CVC_OK)
		puts("VALID");
	else
		printf("INVALID: %s (certificate %s)\n",
		       cvc_strerror(run->status),
		       run->failed_name[0] ? run->failed_name
		                           : cvc_tool_verify_name(t->chr, a));
}

/* ------------------------------------------------------------------ */
/* JSON */

/* "expired" for CVC_ERR_EXPIRED: the enum name in lower case. */
const char *cvc_tool_verify_err_token(cvc_err err)
{
	static const char *const tokens[] = {
	    "ok",
	    "invalid_arg",
	    "truncated",
	    "bad_length",
	    "nonminimal_length",
	    "bad_tag",
	    "unexpected_tag",
	    "duplicate_field",
	    "missing_field",
	    "trailing_data",
	    "bad_value",
	    "bad_date",
	    "bad_string",
	    "too_many",
	    "nesting",
	    "buffer_too_small",
	    "unsupported",
	    "no_memory",
	    "io",
	    "input_format",
	    "signature",
	    "unknown_algorithm",
	    "bad_key",
	    "domain_params",
	    "crypto",
	    "expired",
	    "not_yet_valid",
	    "unknown_issuer",
	    "role",
	    "chat_widened",
	    "terminal_type",
	    "revoked",
	    "crl_stale",
	    "crl_issuer",
	    "critical",
	    "chain_too_long",
	    "not_a_cert",
	    "no_reader",
	    "no_card",
	    "card_removed",
	    "timeout",
	    "transport",
	    "card_status",
	    "apdu",
	    "not_authorized",
	};

	if ((size_t)err < sizeof(tokens) / sizeof(tokens[0]))
		return tokens[err];
	return "unknown";
}

static void json_name(FILE *out, const char *key, cvc_span s)
{
	char a[VERIFY_NAME_MAX];

	cvc_tool_json_member_str(out, key,
	                         s.len ? cvc_tool_verify_name(s, a) : NULL);
}

static void json_date(FILE *out, const char *key, const cvc_date *d,
                      bool present)
{
	char buf[VERIFY_DATE_MAX];

	cvc_tool_json_member_str(out, key,
	                         present ? cvc_tool_verify_date(d, buf) : NULL);
}

static void json_chain_entry(FILE *out, const cvc_chain_result *res, size_t i)
{
	const cvc_cert *c = res->chain[i];
	bool anchor = is_anchor_cert(res, i);

	fputc('{', out);
	json_name(out, "chr", c->chr);
	fputc(',', out);
	json_name(out, "car", c->car);
	fputc(',', out);
	cvc_tool_json_member_str(out, "role", cvc_tool_verify_role(c));
	fputc(',', out);
	json_date(out, "effective", &c->effective, c->has_dates);
	fputc(',', out);
	json_date(out, "expiration", &c->expiration, c->has_dates);
	fprintf(out, ",\"anchor\":%s}", anchor ? "true" : "false");
}

static void json_chain(FILE *out, const cvc_chain_result *res)
{
	size_t i;

	fputs("\"chain\":[", out);
	for (i = 0; i < res->n; i++) {
		if (i > 0)
			fputc(',', out);
		json_chain_entry(out, res, i);
	}
	fputs("],\"anchor\":", out);
	if (!cvc_tool_verify_path_complete(res)) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	json_name(out, "name",
	          res->anchor_is_key ? res->anchor_name
	                             : res->chain[res->n - 1]->chr);
	fputc(',', out);
	cvc_tool_json_member_str(
	    out, "type", res->anchor_is_key ? "public-key" : "certificate");
	fprintf(out, ",\"expired\":%s}",
	        res->anchor_expired ? "true" : "false");
}

struct json_names {
	FILE *out;
	size_t n;
};

static void add_right_json(void *ctx, size_t bit, const char *name)
{
	struct json_names *j = ctx;
	char buf[32];

	if (j->n++ > 0)
		fputc(',', j->out);
	if (name == NULL) {
		snprintf(buf, sizeof(buf), "bit %zu", bit);
		name = buf;
	}
	cvc_tool_json_string(j->out, name);
}

static void json_rights(FILE *out, const struct verify_run *run)
{
	const cvc_chain_result *r = &run->rights;
	char hex[2 * CVC_MAX_CHAT_LEN + 1];
	struct json_names j = {out, 0};

	fputs("\"effective_rights\":", out);
	if (!run->has_rights) {
		fputs("null", out);
		return;
	}
	cvc_tool_verify_rights_hex(r, hex, sizeof(hex));
	fputc('{', out);
	cvc_tool_json_member_str(out, "terminal_type",
	                         cvc_terminal_type_name(r->type));
	fputc(',', out);
	cvc_tool_json_member_str(out, "role", cvc_role_name(r->type, r->role));
	fputc(',', out);
	cvc_tool_json_member_str(out, "bits", hex);
	fputs(",\"names\":[", out);
	cvc_tool_verify_rights(r, add_right_json, &j);
	fprintf(out, "],\"widened\":%s}", r->chat_widened ? "true" : "false");
}

static void json_revocation(FILE *out, const struct verify_run *run)
{
	fputs("\"revocation\":", out);
	if (!run->has_crl) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	cvc_tool_json_member_str(out, "file", run->opt.crl);
	fputc(',', out);
	json_name(out, "issuer", run->crl.issuer);
	fputc(',', out);
	json_date(out, "this_update", &run->crl.this_update, true);
	fputc(',', out);
	json_date(out, "next_update", &run->crl.next_update, true);
	fprintf(out, ",\"entries\":%zu,\"stale\":%s,\"checked\":%s}",
	        run->crl.n_entries,
	        cvc_tool_verify_crl_stale(run) ? "true" : "false",
	        run->has_chain && run->chain.crl_checked ? "true" : "false");
}

static void json_checks(FILE *out, const struct verify_run *run)
{
	static const char *const results[] = {"ok", "fail", "skip"};
	size_t i;

	fputs("\"checks\":[", out);
	for (i = 0; i < run->n_checks; i++) {
		const struct verify_check *c = &run->checks[i];

		fputs(i > 0 ? ",{" : "{", out);
		cvc_tool_json_member_str(out, "name", c->name);
		fputc(',', out);
		cvc_tool_json_member_str(out, "result", results[c->result]);
		fputc(',', out);
		cvc_tool_json_member_str(out, "detail", c->detail);
		fputc('}', out);
	}
	fputc(']', out);
}

static void json_target(FILE *out, const struct verify_run *run)
{
	const struct verify_object *t = run->target;

	fputs("\"target\":", out);
	if (t == NULL || run->input_failure.set) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	cvc_tool_json_member_str(out, "file", t->path);
	fprintf(out, ",\"index\":%zu,", t->index);
	cvc_tool_json_member_str(out, "kind", cvc_kind_name(t->cert.kind));
	fputc(',', out);
	json_name(out, "chr", t->cert.chr);
	fputc(',', out);
	json_name(out, "car", t->cert.car);
	fputc('}', out);
}

/* The members every document starts with, up to and including "check". */
static void json_head(FILE *out, const struct verify_run *run, cvc_err status,
                      const char *check, const char *failed)
{
	char d[VERIFY_DATE_MAX];

	fputs("{\"schema\":\"" VERIFY_JSON_SCHEMA "\",", out);
	json_target(out, run);
	fputc(',', out);
	cvc_tool_json_member_str(out, "at",
	                         cvc_tool_verify_date(&run->opt.at, d));
	fprintf(out, ",\"valid\":%s,", status == CVC_OK ? "true" : "false");
	cvc_tool_json_member_str(out, "status",
	                         cvc_tool_verify_err_token(status));
	fprintf(out, ",\"code\":%d,", (int)status);
	cvc_tool_json_member_str(out, "reason", cvc_strerror(status));
	fputc(',', out);
	cvc_tool_json_member_str(out, "failed_certificate", failed);
	fputc(',', out);
	cvc_tool_json_member_str(out, "check", check);
	fputc(',', out);
}

void cvc_tool_verify_print_json(const struct verify_run *run)
{
	static const cvc_chain_result empty;
	bool ok = run->status == CVC_OK;

	json_head(stdout, run, run->status, ok ? NULL : run->failed_check,
	          ok || run->failed_name[0] == '\0' ? NULL : run->failed_name);
	json_chain(stdout, run->has_chain ? &run->chain : &empty);
	fputc(',', stdout);
	json_rights(stdout, run);
	fputc(',', stdout);
	json_revocation(stdout, run);
	fputc(',', stdout);
	json_checks(stdout, run);
	fputs(",\"error\":null}\n", stdout);
}

void cvc_tool_verify_print_json_input_failure(const struct verify_run *run)
{
	const struct verify_input_failure *f = &run->input_failure;
	static const cvc_chain_result empty;

	json_head(stdout, run, f->err.err, f->check, NULL);
	json_chain(stdout, &empty);
	fputs(",\"effective_rights\":null,\"revocation\":null,\"checks\":[{",
	      stdout);
	cvc_tool_json_member_str(stdout, "name", f->check);
	fputs(",\"result\":\"fail\",", stdout);
	cvc_tool_json_member_str(stdout, "detail", f->err.message);
	fputs("}],\"error\":", stdout);
	cvc_tool_json_error(stdout, f->path, f->index, &f->err);
	fputs("}\n", stdout);
}
