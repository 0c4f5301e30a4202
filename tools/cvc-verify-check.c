/* SPDX-License-Identifier: MIT */
/*
 * cvc-verify: asks libcvc about a certificate's chain and turns each answer
 * into check lines and a verdict (requests: cvc-verify-request.c).
 *
 * cvc_chain_verify() validates a path from the top down, each certificate
 * in the order critical, signature, role, terminal type, chat, dates, and
 * then revocation (cvc/trust.h); it reports the first failure. So a failure
 * at certificate f tells that everything above f passed and, for f itself,
 * the checks before the failed one. A date or revocation failure says
 * nothing about what comes after it, so the chain is asked again without
 * that check to report the rest.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cvc-verify.h"

#define NOT_CHECKED "not checked: validation stopped at an earlier failure"

/* In the order cvc_chain_verify() checks a certificate (see above). */
enum category {
	CAT_CHAIN, /* building the path */
	CAT_CRITICAL,
	CAT_SIGNATURE,
	CAT_ROLE,
	CAT_TERMINAL_TYPE,
	CAT_CHAT,
	CAT_DATES,
	CAT_REVOCATION,
	CAT_COUNT
};

static const char *const category_names[CAT_COUNT] = {
    "chain",         "critical", "signature", "role",
    "terminal-type", "chat",     "dates",     "revocation",
};

enum cat_state { CAT_UNKNOWN = 0, CAT_PASSED, CAT_FAILED };

/* Checks left out when the chain is asked again. */
#define DROP_DATES 0x1u
#define DROP_CRL   0x2u /* neither the list nor --require-crl */

/* What the runs of cvc_chain_verify() told about one target. */
struct chain_eval {
	cvc_chain_result first; /* the full run: its status is the verdict */
	enum category first_cat;
	enum cat_state state[CAT_COUNT];
	cvc_chain_result fail[CAT_COUNT]; /* the run a category failed in */
	bool passed;                      /* a run passed (maybe relaxed) */
	cvc_chain_result ok_run;
};

/* ------------------------------------------------------------------ */
/* Names and small helpers */

bool cvc_tool_verify_span_eq(cvc_span a, cvc_span b)
{
	return a.len == b.len &&
	       (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static bool printable(cvc_span s)
{
	size_t i;

	for (i = 0; i < s.len; i++)
		if (s.data[i] < 0x20 || s.data[i] > 0x7E)
			return false;
	return s.len > 0;
}

/*
 * A CAR/CHR as it is usually written: the text for TR-03110 names, hex
 * digits for binary ones (gematik G2), shortened if it does not fit.
 */
const char *cvc_tool_verify_name(cvc_span s, char buf[VERIFY_NAME_MAX])
{
	size_t i, o = 0;
	bool text = printable(s);

	if (s.len == 0)
		return strcpy(buf, "(none)");
	for (i = 0; i < s.len && o + (text ? 3 : 5) < VERIFY_NAME_MAX; i++) {
		if (text)
			buf[o++] = (char)s.data[i];
		else
			o += (size_t)snprintf(buf + o, VERIFY_NAME_MAX - o,
			                      "%02X", s.data[i]);
	}
	if (i < s.len) {
		buf[o++] = '.';
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}

const char *cvc_tool_verify_date(const cvc_date *d, char buf[VERIFY_DATE_MAX])
{
	snprintf(buf, VERIFY_DATE_MAX, "%04u-%02u-%02u",
	         (unsigned)(d->year % 10000), (unsigned)(d->month % 100),
	         (unsigned)(d->day % 100));
	return buf;
}

const char *cvc_tool_verify_role(const cvc_cert *c)
{
	cvc_chat_info info;

	if (!c->has_chat || cvc_chat_info_get(&c->chat, &info) != CVC_OK)
		return "no CHAT";
	return cvc_role_name(info.type, info.role);
}

const char *cvc_tool_verify_chr(const cvc_cert *c, char buf[VERIFY_NAME_MAX])
{
	return cvc_tool_verify_name(c->chr, buf);
}

/* Appends to a check's detail, truncating safely. */
__attribute__((format(printf, 2, 3))) static void
detail_add(struct verify_check *c, const char *fmt, ...)
{
	size_t used = strlen(c->detail);
	va_list ap;

	if (used + 1 >= sizeof(c->detail))
		return;
	va_start(ap, fmt);
	vsnprintf(c->detail + used, sizeof(c->detail) - used, fmt, ap);
	va_end(ap);
}

struct verify_check *cvc_tool_verify_add_check(struct verify_run *run,
                                               const char *name,
                                               enum verify_result result,
                                               const char *fmt, ...)
{
	struct verify_check *c;
	va_list ap;

	/* Bounded: at most CVC_MAX_CHAIN signature lines plus a few. */
	if (run->n_checks == VERIFY_MAX_CHECKS)
		run->n_checks--;
	c = &run->checks[run->n_checks++];
	c->name = name;
	c->result = result;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return c;
}

void cvc_tool_verify_fail(struct verify_run *run, cvc_err status,
                          const char *check, cvc_span who)
{
	if (run->status != CVC_OK)
		return;
	run->status = status;
	run->failed_check = check;
	if (who.len > 0)
		cvc_tool_verify_name(who, run->failed_name);
}

static enum verify_result result_of(enum cat_state st)
{
	return st == CAT_PASSED   ? VERIFY_OK
	       : st == CAT_FAILED ? VERIFY_FAIL
	                          : VERIFY_SKIP;
}

/* ------------------------------------------------------------------ */
/* Asking cvc_chain_verify() */

static enum category category_of_status(cvc_err status)
{
	switch (status) {
	case CVC_ERR_UNKNOWN_ISSUER:
	case CVC_ERR_CHAIN_TOO_LONG:
		return CAT_CHAIN;
	case CVC_ERR_CRITICAL:
	case CVC_ERR_NOT_A_CERT:
		return CAT_CRITICAL;
	case CVC_ERR_ROLE:
		return CAT_ROLE;
	case CVC_ERR_TERMINAL_TYPE:
		return CAT_TERMINAL_TYPE;
	case CVC_ERR_CHAT_WIDENED:
		return CAT_CHAT;
	case CVC_ERR_EXPIRED:
	case CVC_ERR_NOT_YET_VALID:
		return CAT_DATES;
	case CVC_ERR_REVOKED:
	case CVC_ERR_CRL_STALE:
	case CVC_ERR_CRL_ISSUER:
		return CAT_REVOCATION;
	default:
		/* signature, algorithm, key, domain parameters, crypto */
		return CAT_SIGNATURE;
	}
}

/* The library's check name first: a list's bad signature is revocation. */
static enum category category_of(const cvc_chain_result *res)
{
	const char *c = res->check != NULL ? res->check : "";

	if (strncmp(c, "revocation", 10) == 0 ||
	    strcmp(c, "no revocation list") == 0)
		return CAT_REVOCATION;
	if (strcmp(c, "signature") == 0 || strcmp(c, "public key") == 0)
		return CAT_SIGNATURE;
	return category_of_status(res->status);
}

/*
 * A path is complete when it reached an anchor: a key anchor, or a
 * self-signed certificate (cvc_store_load() takes only those as anchors).
 * A path whose search stopped (no issuer, a loop, or a candidate issuer
 * whose key does not verify the signature of the top) is not.
 */
bool cvc_tool_verify_path_complete(const cvc_chain_result *res)
{
	const cvc_cert *top;
	enum category cat = category_of(res);

	if (res->n == 0)
		return false;
	if (res->status == CVC_OK)
		return true;
	if (cat == CAT_CHAIN ||
	    (cat == CAT_SIGNATURE && res->failed + 1 >= res->n &&
	     !res->anchor_is_key))
		return false;
	if (res->anchor_is_key)
		return true;
	top = res->chain[res->n - 1];
	return top->has_car && cvc_tool_verify_span_eq(top->car, top->chr);
}

static cvc_err chain_run(const struct verify_run *run, const cvc_cert *target,
                         const cvc_cert *const *extra, size_t n_extra,
                         unsigned drop, cvc_chain_result *res)
{
	unsigned flags = run->opt.chain_flags;
	bool with_crl = run->has_crl && !(drop & DROP_CRL);

	if (drop & DROP_DATES)
		flags |= CVC_CHAIN_NO_DATES;
	if (drop & DROP_CRL)
		flags &= ~CVC_CHAIN_REQUIRE_CRL;
	memset(res, 0, sizeof(*res));
	return cvc_chain_verify(run->store, target, extra, n_extra,
	                        &run->opt.at, with_crl ? &run->crl : NULL,
	                        flags, res);
}

static bool same_path(const cvc_chain_result *a, const cvc_chain_result *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->chain[i] != b->chain[i])
			return false;
	return true;
}

/* A category the run did not check at all (dropped or switched off). */
static bool switched_off(const struct verify_run *run, enum category cat,
                         unsigned drop)
{
	if (cat == CAT_DATES)
		return (run->opt.chain_flags & CVC_CHAIN_NO_DATES) ||
		       (drop & DROP_DATES);
	if (cat == CAT_REVOCATION)
		return (drop & DROP_CRL) ||
		       (!run->has_crl &&
		        !(run->opt.chain_flags & CVC_CHAIN_REQUIRE_CRL));
	return false;
}

/* What one run tells about each category still unknown. */
static void learn(const struct verify_run *run, struct chain_eval *ev,
                  const cvc_chain_result *res, unsigned drop)
{
	enum category cat = category_of(res), k;

	for (k = 0; k < CAT_COUNT; k++) {
		bool passed;

		if (ev->state[k] != CAT_UNKNOWN || switched_off(run, k, drop))
			continue;
		if (res->status != CVC_OK && k == cat) {
			ev->state[k] = CAT_FAILED;
			ev->fail[k] = *res;
			continue;
		}
		/* Top down: a failure at the target (index 0) follows every
		 * earlier check of every certificate. */
		passed =
		    res->status == CVC_OK ||
		    (k == CAT_CHAIN && cvc_tool_verify_path_complete(res)) ||
		    cat == CAT_REVOCATION ||
		    (res->failed == 0 && k < cat &&
		     cvc_tool_verify_path_complete(res));
		if (passed)
			ev->state[k] = CAT_PASSED;
	}
}

static void evaluate_chain(const struct verify_run *run, const cvc_cert *target,
                           const cvc_cert *const *extra, size_t n_extra,
                           struct chain_eval *ev)
{
	cvc_chain_result res;
	unsigned drop = 0;
	enum category cat;

	memset(ev, 0, sizeof(*ev));
	chain_run(run, target, extra, n_extra, 0, &ev->first);
	ev->first_cat = category_of(&ev->first);
	res = ev->first;
	for (;;) {
		learn(run, ev, &res, drop);
		if (res.status == CVC_OK) {
			ev->passed = true;
			ev->ok_run = res;
			return;
		}
		cat = category_of(&res);
		/* Ask again without a failed date or revocation check. */
		if (cat == CAT_DATES && !(drop & DROP_DATES))
			drop |= DROP_DATES;
		else if (cat == CAT_REVOCATION && !(drop & DROP_CRL))
			drop |= DROP_CRL;
		else
			return;
		chain_run(run, target, extra, n_extra, drop, &res);
		if (!same_path(&res, &ev->first))
			return;
	}
}

/* ------------------------------------------------------------------ */
/* Check lines of a chain */

static void report_path(struct verify_run *run, const struct chain_eval *ev)
{
	const cvc_chain_result *res = &ev->first;
	char a[VERIFY_NAME_MAX], d[VERIFY_DATE_MAX];
	bool complete = cvc_tool_verify_path_complete(res);
	struct verify_check *c;
	size_t i;

	c = cvc_tool_verify_add_check(
	    run, "chain", complete ? VERIFY_OK : VERIFY_FAIL, "%s", "");
	for (i = 0; i < res->n; i++)
		detail_add(c, "%s%s", i > 0 ? " <- " : "",
		           cvc_tool_verify_chr(res->chain[i], a));
	if (res->n == 0) {
		detail_add(c, "%s", cvc_strerror(res->status));
	} else if (!complete) {
		detail_add(
		    c, ": no issuer %sfor CAR %s",
		    ev->first_cat == CAT_CHAIN
		        ? "or trust anchor "
		        : "whose key verifies the signature ",
		    cvc_tool_verify_name(res->chain[res->n - 1]->car, a));
		if (res->status == CVC_ERR_CHAIN_TOO_LONG)
			detail_add(c, " (%s)",
			           res->check ? res->check : "too long");
	} else if (res->anchor_is_key) {
		detail_add(c, " <- key %s (trust anchor)",
		           cvc_tool_verify_name(res->anchor_name, a));
	} else if (res->status == CVC_OK && res->anchor_expired) {
		detail_add(c,
		           " (trust anchor, expired %s; it still anchors "
		           "the links)",
		           cvc_tool_verify_date(
		               &res->chain[res->n - 1]->expiration, d));
	} else {
		detail_add(c, " (trust anchor)");
	}
}

/*
 * The lowest link (certificate i signed by i+1) known to verify, from the
 * first failure: everything above it was checked.
 */
static size_t first_link_known(const struct chain_eval *ev, size_t *bad)
{
	const cvc_chain_result *res = &ev->first;
	size_t f = res->failed;

	*bad = SIZE_MAX;
	if (!cvc_tool_verify_path_complete(res) &&
	    ev->first_cat != CAT_SIGNATURE)
		return SIZE_MAX; /* the search stopped; nothing is known */
	if (ev->first_cat == CAT_SIGNATURE) {
		/* "public key": the issuer at f has an unusable key. */
		*bad = res->check != NULL &&
		               strcmp(res->check, "public key") == 0 && f > 0
		           ? f - 1
		           : f;
		return *bad + 1;
	}
	return ev->first_cat == CAT_CRITICAL ? f + 1 : f;
}

static void report_signatures(struct verify_run *run,
                              const struct chain_eval *ev)
{
	const cvc_chain_result *res = &ev->first;
	char a[VERIFY_NAME_MAX], b[VERIFY_NAME_MAX];
	size_t i, bad, known = first_link_known(ev, &bad);

	for (i = 0; i < res->n; i++) {
		const cvc_cert *c = res->chain[i];
		const char *by = NULL, *key = "";
		enum verify_result r;

		if (i + 1 < res->n)
			by = cvc_tool_verify_chr(res->chain[i + 1], b);
		else if (res->anchor_is_key) {
			by = cvc_tool_verify_name(res->anchor_name, b);
			key = "key ";
		} else if (cvc_tool_verify_path_complete(res))
			break; /* a certificate anchor is trusted as it is */
		else
			by = cvc_tool_verify_name(c->car, b);
		r = ev->state[CAT_SIGNATURE] == CAT_PASSED ? VERIFY_OK
		    : i == bad                             ? VERIFY_FAIL
		    : known != SIZE_MAX && i >= known      ? VERIFY_OK
		                                           : VERIFY_SKIP;
		cvc_tool_verify_add_check(run, "signature", r, "%s by %s%s%s%s",
		                          cvc_tool_verify_chr(c, a), key, by,
		                          r == VERIFY_OK ? "" : ": ",
		                          r == VERIFY_OK ? ""
		                          : r == VERIFY_FAIL
		                              ? cvc_strerror(res->status)
		                              : NOT_CHECKED);
	}
}

static const cvc_cert *failed_cert(const cvc_chain_result *f)
{
	return f->failed < f->n ? f->chain[f->failed] : f->chain[0];
}

static void report_dates(struct verify_run *run, const struct chain_eval *ev)
{
	const cvc_chain_result *f = &ev->fail[CAT_DATES];
	char a[VERIFY_NAME_MAX], d0[VERIFY_DATE_MAX], d1[VERIFY_DATE_MAX],
	    d2[VERIFY_DATE_MAX];
	enum cat_state st = ev->state[CAT_DATES];
	const cvc_cert *c;

	cvc_tool_verify_date(&run->opt.at, d0);
	if (run->opt.chain_flags & CVC_CHAIN_NO_DATES) {
		cvc_tool_verify_add_check(run, "dates", VERIFY_SKIP,
		                          "not checked (--no-dates)");
		return;
	}
	if (st == CAT_UNKNOWN || ev->first.n == 0) {
		cvc_tool_verify_add_check(run, "dates", VERIFY_SKIP,
		                          "at %s: %s", d0, NOT_CHECKED);
		return;
	}
	c = st == CAT_FAILED ? failed_cert(f) : ev->first.chain[0];
	cvc_tool_verify_add_check(
	    run, "dates", result_of(st), "at %s: %s valid %s to %s%s%s", d0,
	    cvc_tool_verify_chr(c, a), cvc_tool_verify_date(&c->effective, d1),
	    cvc_tool_verify_date(&c->expiration, d2),
	    st == CAT_FAILED ? ": " : "",
	    st == CAT_FAILED ? cvc_strerror(f->status) : "");
}

static void report_roles(struct verify_run *run, const struct chain_eval *ev)
{
	const cvc_chain_result *res = &ev->first;
	enum cat_state st = ev->state[CAT_ROLE];
	char a[VERIFY_NAME_MAX];
	struct verify_check *c;
	size_t i;

	c = cvc_tool_verify_add_check(run, "role", result_of(st), "%s", "");
	for (i = res->n; i-- > 0;)
		detail_add(c, "%s%s", i + 1 < res->n ? " -> " : "",
		           cvc_tool_verify_role(res->chain[i]));
	if (res->anchor_is_key)
		detail_add(c, " (below a key anchor, which counts as a root)");
	if (st == CAT_FAILED)
		detail_add(
		    c, ": %s (certificate %s)",
		    cvc_strerror(ev->fail[CAT_ROLE].status),
		    cvc_tool_verify_chr(failed_cert(&ev->fail[CAT_ROLE]), a));
	else if (st == CAT_UNKNOWN)
		detail_add(c, ": %s", NOT_CHECKED);
}

/* Terminal type, critical content: one line, the failure or a summary. */
static void report_simple(struct verify_run *run, const struct chain_eval *ev,
                          enum category cat, const char *ok_detail)
{
	const cvc_chain_result *f = &ev->fail[cat];
	enum cat_state st = ev->state[cat];
	char a[VERIFY_NAME_MAX];

	if (st == CAT_FAILED)
		cvc_tool_verify_add_check(
		    run, category_names[cat], VERIFY_FAIL,
		    "%s (certificate %s%s%s)", cvc_strerror(f->status),
		    cvc_tool_verify_chr(failed_cert(f), a),
		    f->check ? ": " : "", f->check ? f->check : "");
	else if (st == CAT_PASSED)
		cvc_tool_verify_add_check(run, category_names[cat], VERIFY_OK,
		                          "%s", ok_detail);
	else
		cvc_tool_verify_add_check(run, category_names[cat], VERIFY_SKIP,
		                          "%s", NOT_CHECKED);
}

/* Effective rights as a CHAT view, to name its bits with chat.h. */
void cvc_tool_verify_rights(const cvc_chain_result *res,
                            void (*fn)(void *ctx, size_t bit, const char *name),
                            void *ctx)
{
	size_t bit, nbits = res->rights_len * 8;
	cvc_chat chat;

	memset(&chat, 0, sizeof(chat));
	chat.bits.data = res->rights;
	chat.bits.len = res->rights_len;
	for (bit = 0; bit < nbits; bit++) {
		if (cvc_chat_is_role_bit(res->type, nbits, bit) ||
		    !cvc_chat_bit(&chat, res->type, bit))
			continue;
		fn(ctx, bit, cvc_chat_bit_name(res->type, bit));
	}
}

void cvc_tool_verify_rights_hex(const cvc_chain_result *res, char *buf,
                                size_t size)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < res->rights_len && o + 3 <= size; i++)
		o +=
		    (size_t)snprintf(buf + o, size - o, "%02X", res->rights[i]);
}

struct rights_text {
	struct verify_check *c;
	size_t n;
};

static void add_right_text(void *ctx, size_t bit, const char *name)
{
	struct rights_text *t = ctx;

	if (name != NULL)
		detail_add(t->c, "%s %s", t->n++ ? "," : "", name);
	else
		detail_add(t->c, "%s bit %zu", t->n++ ? "," : "", bit);
}

static void report_chat(struct verify_run *run, const struct chain_eval *ev)
{
	const cvc_chain_result *r = &ev->ok_run;
	char hex[2 * CVC_MAX_CHAT_LEN + 1];
	struct rights_text t = {NULL, 0};

	if (ev->state[CAT_CHAT] != CAT_PASSED || !ev->passed) {
		report_simple(run, ev, CAT_CHAT, "");
		return;
	}
	cvc_tool_verify_rights_hex(r, hex, sizeof(hex));
	t.c = cvc_tool_verify_add_check(
	    run, "chat", VERIFY_OK, "effective rights %s (%s, %s):", hex,
	    cvc_terminal_type_name(r->type), cvc_role_name(r->type, r->role));
	cvc_tool_verify_rights(r, add_right_text, &t);
	if (t.n == 0)
		detail_add(t.c, " none");
	if (r->chat_widened)
		detail_add(t.c, " (a flag list is wider than its issuer's; "
		                "accepted for gematik, --strict-chat rejects "
		                "it)");
}

bool cvc_tool_verify_crl_stale(const struct verify_run *run)
{
	return cvc_date_cmp(&run->opt.at, &run->crl.next_update) > 0;
}

static void describe_crl(const struct verify_run *run, struct verify_check *c)
{
	char a[VERIFY_NAME_MAX], d1[VERIFY_DATE_MAX], d2[VERIFY_DATE_MAX];

	detail_add(c,
	           "list by %s, this update %s, next update %s (%s), %zu "
	           "entr%s",
	           cvc_tool_verify_name(run->crl.issuer, a),
	           cvc_tool_verify_date(&run->crl.this_update, d1),
	           cvc_tool_verify_date(&run->crl.next_update, d2),
	           cvc_tool_verify_crl_stale(run) ? "stale" : "current",
	           run->crl.n_entries, run->crl.n_entries == 1 ? "y" : "ies");
}

static void describe_revoked(const struct verify_run *run,
                             const cvc_chain_result *f, struct verify_check *c)
{
	char a[VERIFY_NAME_MAX], d[VERIFY_DATE_MAX];
	const cvc_cert *who = failed_cert(f);
	cvc_crl_entry e;

	detail_add(c, ": %s", cvc_strerror(f->status));
	if (f->status == CVC_ERR_REVOKED &&
	    cvc_crl_lookup(&run->crl, who->chr, &e))
		detail_add(c, " (%s revoked on %s)",
		           cvc_tool_verify_chr(who, a),
		           cvc_tool_verify_date(&e.revoked_on, d));
	else if (f->check != NULL)
		detail_add(c, " (%s)", f->check);
}

static void report_revocation(struct verify_run *run,
                              const struct chain_eval *ev)
{
	enum cat_state st = ev->state[CAT_REVOCATION];
	struct verify_check *c;

	if (!run->has_crl && st != CAT_FAILED) {
		cvc_tool_verify_add_check(run, "revocation", VERIFY_SKIP,
		                          "no revocation list given (--crl)");
		return;
	}
	if (!run->has_crl) { /* --require-crl */
		cvc_tool_verify_add_check(
		    run, "revocation", VERIFY_FAIL,
		    "no revocation list given (--require-crl)");
		return;
	}
	c = cvc_tool_verify_add_check(run, "revocation", result_of(st), "%s",
	                              "");
	describe_crl(run, c);
	if (st == CAT_FAILED)
		describe_revoked(run, &ev->fail[CAT_REVOCATION], c);
	else if (st == CAT_PASSED)
		detail_add(c, "; no certificate of the chain listed");
	else
		detail_add(c, "; %s", NOT_CHECKED);
}

/* Turns the evaluation of a chain into check lines and the verdict. */
static void report_chain(struct verify_run *run, const struct chain_eval *ev)
{
	const cvc_chain_result *res = &ev->first;

	report_path(run, ev);
	report_signatures(run, ev);
	report_dates(run, ev);
	report_roles(run, ev);
	report_simple(run, ev, CAT_TERMINAL_TYPE,
	              cvc_terminal_type_name(res->type));
	report_chat(run, ev);
	report_simple(run, ev, CAT_CRITICAL,
	              "no content the library does not understand");
	report_revocation(run, ev);
	if (res->status != CVC_OK)
		cvc_tool_verify_fail(
		    run, res->status, category_names[ev->first_cat],
		    res->n > 0 ? failed_cert(res)->chr : run->target->cert.chr);
}

cvc_err cvc_tool_verify_chain_status(const struct verify_run *run,
                                     const cvc_cert *cert,
                                     const cvc_cert *const *extra,
                                     size_t n_extra, cvc_chain_result *res)
{
	return chain_run(run, cert, extra, n_extra, 0, res);
}

void cvc_tool_verify_chain(struct verify_run *run, const cvc_cert *cert,
                           const cvc_cert *const *extra, size_t n_extra)
{
	struct chain_eval *ev = calloc(1, sizeof(*ev));

	if (ev == NULL) {
		cvc_tool_verify_fail(run, CVC_ERR_NO_MEMORY, "chain",
		                     cert->chr);
		return;
	}
	evaluate_chain(run, cert, extra, n_extra, ev);
	run->has_chain = true;
	run->chain = ev->first;
	if (ev->first.status == CVC_OK && cert == &run->target->cert) {
		run->has_rights = true;
		run->rights = ev->first;
	}
	report_chain(run, ev);
	free(ev);
}

static void verify_certificate(struct verify_run *run)
{
	const cvc_cert **extra;
	size_t n_extra;

	extra = cvc_tool_verify_extra(run, &n_extra);
	if (extra == NULL)
		cvc_tool_verify_fail(run, CVC_ERR_NO_MEMORY, "chain",
		                     run->target->cert.chr);
	else
		cvc_tool_verify_chain(run, &run->target->cert, extra, n_extra);
	free(extra);
}

/* ------------------------------------------------------------------ */

void cvc_tool_verify_target(struct verify_run *run)
{
	const cvc_cert *t = &run->target->cert;
	size_t anchors = cvc_store_anchor_count(run->store);
	size_t inter = cvc_store_intermediate_count(run->store);
	char a[VERIFY_NAME_MAX];

	cvc_tool_verify_add_check(
	    run, "decode", VERIFY_OK,
	    "%s %s; %zu object%s given; trust store: %zu anchor%s, %zu "
	    "intermediate%s",
	    cvc_kind_name(t->kind), cvc_tool_verify_chr(t, a), run->given.n,
	    run->given.n == 1 ? "" : "s", anchors, anchors == 1 ? "" : "s",
	    inter, inter == 1 ? "" : "s");
	switch (t->kind) {
	case CVC_KIND_REQUEST:
	case CVC_KIND_AUTH_REQUEST:
		cvc_tool_verify_request(run);
		break;
	case CVC_KIND_CERT:
		verify_certificate(run);
		break;
	case CVC_KIND_ISO9796:
		/* The body is recovered from the signature (ISO 7816-9);
		 * libcvc decodes these but does not verify them. */
		cvc_tool_verify_add_check(run, "critical", VERIFY_FAIL,
		                          "ISO/IEC 7816-9 certificate with "
		                          "message recovery (CAR %s): "
		                          "%s",
		                          cvc_tool_verify_name(t->car, a),
		                          cvc_strerror(CVC_ERR_UNSUPPORTED));
		cvc_tool_verify_fail(run, CVC_ERR_UNSUPPORTED, "critical",
		                     t->chr);
		break;
	}
}
