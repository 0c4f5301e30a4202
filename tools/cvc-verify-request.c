/* SPDX-License-Identifier: MIT */
/*
 * cvc-verify: requests. A plain request's inner signature is its proof of
 * possession; an authenticated request's outer signature is checked with
 * the key of the certificate its outer CAR names, whose own chain must
 * validate (TR-03110-3 C.2).
 */
#include <stdlib.h>
#include <string.h>

#include "cvc-verify.h"

/*
 * The next certificate with this CHR among the given files, then the trust
 * paths; *from is where to go on from (start with 0).
 */
static const struct verify_object *find_by_chr(const struct verify_run *run,
                                               cvc_span chr, size_t *from)
{
	while (*from < run->given.n + run->trusted.n) {
		size_t i = (*from)++;
		const struct verify_object *o =
		    i < run->given.n ? &run->given.v[i]
		                     : &run->trusted.v[i - run->given.n];

		if (o != run->target && o->cert.kind == CVC_KIND_CERT &&
		    cvc_tool_verify_span_eq(o->cert.chr, chr))
			return o;
	}
	return NULL;
}

/*
 * EC domain parameters for a request that carries none (TR-03110-3 D.3.3:
 * inherited from the CVCA): follow CARs from the request's CAR upwards.
 * Only the proof of possession depends on them.
 */
static const cvc_pubkey *domain_for_request(struct verify_run *run,
                                            const cvc_cert *req)
{
	cvc_span car = req->car;
	size_t depth, from;

	if (req->key.type != CVC_KEY_EC || !req->has_car ||
	    cvc_pubkey_has_domain_params(&req->key))
		return NULL;
	cvc_tool_verify_scan_trust(run);
	for (depth = 0; depth < CVC_MAX_CHAIN; depth++) {
		const struct verify_object *o;

		from = 0;
		o = find_by_chr(run, car, &from);
		if (o == NULL)
			return NULL;
		if (cvc_pubkey_has_domain_params(&o->cert.key))
			return &o->cert.key;
		if (cvc_tool_verify_span_eq(o->cert.car, o->cert.chr))
			return NULL;
		car = o->cert.car;
	}
	return NULL;
}

static void verify_inner(struct verify_run *run, const cvc_cert *req)
{
	const cvc_pubkey *domain = domain_for_request(run, req);
	char a[VERIFY_NAME_MAX];
	cvc_err rc = cvc_request_verify_inner(req, domain);

	if (rc == CVC_OK) {
		cvc_tool_verify_add_check(
		    run, "inner-signature", VERIFY_OK,
		    "%s: self-signature verifies (proof of possession)",
		    cvc_tool_verify_chr(req, a));
		return;
	}
	cvc_tool_verify_add_check(
	    run, "inner-signature", VERIFY_FAIL, "%s: proof of possession: %s",
	    cvc_tool_verify_chr(req, a), cvc_strerror(rc));
	cvc_tool_verify_fail(run, rc, "inner-signature", req->chr);
}

/* The nearest key with EC domain parameters from the signer upwards. */
static const cvc_pubkey *chain_domain(const cvc_chain_result *res)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		if (cvc_pubkey_has_domain_params(&res->chain[i]->key))
			return &res->chain[i]->key;
	return NULL;
}

/* Verifies the outer signature with the key of a validated signer. */
static cvc_err outer_with_signer(const cvc_cert *req,
                                 const cvc_chain_result *res)
{
	const cvc_cert *signer = res->chain[0];
	const cvc_pubkey *domain = chain_domain(res);
	cvc_key *key = NULL;
	cvc_err rc;

	if (domain == &signer->key)
		domain = NULL; /* the signer carries its own */
	rc = cvc_key_from_pubkey(&signer->key, domain, signer->cpi, &key, NULL);
	if (rc == CVC_OK)
		rc = cvc_request_verify_outer(req, key);
	cvc_key_free(&key);
	return rc;
}

/* Outer signature made with the request's own key (CHR == outer CAR). */
static cvc_err outer_with_own_key(struct verify_run *run, const cvc_cert *req)
{
	const cvc_pubkey *domain = domain_for_request(run, req);
	cvc_key *key = NULL;
	cvc_err rc;

	rc = cvc_key_from_pubkey(&req->key, domain, req->cpi, &key, NULL);
	if (rc == CVC_OK)
		rc = cvc_request_verify_outer(req, key);
	cvc_key_free(&key);
	return rc;
}

struct outer_attempt {
	const struct verify_object *signer; /* CHR == outer CAR */
	bool signer_ok;                     /* its chain validated */
	cvc_err sig;                        /* outer signature with its key */
	cvc_chain_result res;
};

static void try_outer_signer(struct verify_run *run, const cvc_cert *req,
                             const struct verify_object *signer,
                             const cvc_cert *const *extra, size_t n_extra,
                             struct outer_attempt *at)
{
	at->signer = signer;
	at->signer_ok =
	    cvc_tool_verify_chain_status(run, &signer->cert, extra, n_extra,
	                                 &at->res) == CVC_OK;
	at->sig = at->signer_ok ? outer_with_signer(req, &at->res)
	                        : CVC_ERR_UNKNOWN_ISSUER;
}

static bool outer_succeeded(const struct outer_attempt *at)
{
	return at->signer != NULL && at->signer_ok && at->sig == CVC_OK;
}

/* A success beats a valid signer with a wrong signature beats the first. */
static bool better_attempt(const struct outer_attempt *a,
                           const struct outer_attempt *b)
{
	if (b->signer == NULL)
		return true;
	if (outer_succeeded(a) != outer_succeeded(b))
		return outer_succeeded(a);
	return a->signer_ok && !b->signer_ok;
}

static void report_outer(struct verify_run *run, const cvc_cert *req,
                         const struct outer_attempt *best,
                         const cvc_cert *const *extra, size_t n_extra)
{
	char a[VERIFY_NAME_MAX], b[VERIFY_NAME_MAX];

	cvc_tool_verify_add_check(
	    run, "outer-signer", best->signer_ok ? VERIFY_OK : VERIFY_FAIL,
	    "%s, certificate %zu of %s%s",
	    cvc_tool_verify_name(req->outer_car, a), best->signer->index,
	    cvc_tool_display_name(best->signer->path),
	    best->signer_ok ? "" : ": its chain is not valid");
	/* Asked again, to report every check of the signer's chain. */
	cvc_tool_verify_chain(run, &best->signer->cert, extra, n_extra);
	if (!best->signer_ok) {
		cvc_tool_verify_add_check(
		    run, "outer-signature", VERIFY_SKIP,
		    "by %s: not checked, the signer is not valid",
		    cvc_tool_verify_name(req->outer_car, a));
		return;
	}
	if (best->sig == CVC_OK) {
		cvc_tool_verify_add_check(
		    run, "outer-signature", VERIFY_OK, "%s by %s",
		    cvc_tool_verify_chr(req, a),
		    cvc_tool_verify_name(req->outer_car, b));
		return;
	}
	cvc_tool_verify_add_check(run, "outer-signature", VERIFY_FAIL,
	                          "%s by %s: %s", cvc_tool_verify_chr(req, a),
	                          cvc_tool_verify_name(req->outer_car, b),
	                          cvc_strerror(best->sig));
	cvc_tool_verify_fail(run, best->sig, "outer-signature", req->chr);
}

/* No certificate signed: the request's own key, or nobody known. */
static void report_outer_unknown(struct verify_run *run, const cvc_cert *req)
{
	char a[VERIFY_NAME_MAX];
	cvc_err rc;

	if (cvc_tool_verify_span_eq(req->outer_car, req->chr)) {
		rc = outer_with_own_key(run, req);
		cvc_tool_verify_add_check(
		    run, "outer-signer", VERIFY_SKIP,
		    "the request's own key (outer CAR = CHR %s): no "
		    "authority vouches for it",
		    cvc_tool_verify_chr(req, a));
		cvc_tool_verify_add_check(
		    run, "outer-signature",
		    rc == CVC_OK ? VERIFY_OK : VERIFY_FAIL,
		    "%s by its own key%s%s", cvc_tool_verify_chr(req, a),
		    rc == CVC_OK ? "" : ": ",
		    rc == CVC_OK ? "" : cvc_strerror(rc));
		if (rc != CVC_OK)
			cvc_tool_verify_fail(run, rc, "outer-signature",
			                     req->chr);
		return;
	}
	cvc_tool_verify_add_check(
	    run, "outer-signer", VERIFY_FAIL,
	    "no certificate with CHR %s among the files and trust paths",
	    cvc_tool_verify_name(req->outer_car, a));
	cvc_tool_verify_fail(run, CVC_ERR_UNKNOWN_ISSUER, "outer-signer",
	                     req->chr);
}

/*
 * The outer signer is found by the outer CAR among the given files and the
 * trust paths, and its chain must validate (TR-03110-3 C.2: the authority
 * vouches for the request with a key it holds a certificate for). Names
 * are reused with new keys, so each certificate of that name is tried.
 */
static void verify_outer(struct verify_run *run, const cvc_cert *req)
{
	struct outer_attempt *cur = calloc(1, sizeof(*cur));
	struct outer_attempt *best = calloc(1, sizeof(*best)), *swap;
	const struct verify_object *o;
	const cvc_cert **extra;
	size_t n_extra, from = 0;

	cvc_tool_verify_scan_trust(run);
	extra = cvc_tool_verify_extra(run, &n_extra);
	if (extra == NULL || cur == NULL || best == NULL) {
		cvc_tool_verify_fail(run, CVC_ERR_NO_MEMORY, "outer-signer",
		                     req->chr);
		goto out;
	}
	while (!outer_succeeded(best) &&
	       (o = find_by_chr(run, req->outer_car, &from)) != NULL) {
		try_outer_signer(run, req, o, extra, n_extra, cur);
		if (better_attempt(cur, best)) {
			swap = best;
			best = cur;
			cur = swap;
		}
	}
	/* A request may also be signed twice with its own key. */
	if (best->signer == NULL ||
	    (!outer_succeeded(best) &&
	     cvc_tool_verify_span_eq(req->outer_car, req->chr) &&
	     outer_with_own_key(run, req) == CVC_OK))
		report_outer_unknown(run, req);
	else
		report_outer(run, req, best, extra, n_extra);
out:
	free(cur);
	free(best);
	free(extra);
}

void cvc_tool_verify_request(struct verify_run *run)
{
	const cvc_cert *req = &run->target->cert;

	verify_inner(run, req);
	if (req->kind == CVC_KIND_AUTH_REQUEST)
		verify_outer(run, req);
}
