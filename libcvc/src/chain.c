/* SPDX-License-Identifier: MIT */
/*
 * Chain building and validation (TR-03110-3 2.3-2.7, A.7.2; gemSpec_PKI
 * 6.4). The rules themselves are listed in cvc/trust.h.
 *
 * Building is a depth-first search from the target upwards. A certificate's
 * CAR names its issuer, but names are reused with new keys, so every
 * anchor, extra and intermediate whose CHR equals the CAR is a candidate;
 * one whose key is already known is tried at once (a wrong key prunes the
 * branch), one that still needs inherited EC domain parameters is checked
 * when the complete path is validated. A path is complete at a certificate
 * anchor or at a key anchor named by the CAR. Each complete path is
 * validated from the top down; the first that passes wins. The search is
 * bounded by CVC_MAX_CHAIN and CVC_CHAIN_MAX_TRIES, and a certificate whose
 * CHR and key already occur in the path is a loop.
 */
#include <stdlib.h>
#include <string.h>

#include "trust_int.h"

/* How telling a failure is; the most telling one is reported. */
enum rank {
	RANK_NONE = 0,
	RANK_NO_ISSUER, /* no issuer for some CAR */
	RANK_LENGTH,    /* a loop, or a path too long */
	RANK_SIGNATURE, /* a signature or issuer key that does not verify */
	RANK_POLICY,    /* every signature verifies, another check fails */
	RANK_GAVE_UP,   /* the search budget ran out: nothing is certain */
};

struct node {
	const cvc_cert *cert;
	const cvc_store_entry *entry; /* NULL for the target and extras */
	const cvc_key *key;           /* NULL until known */
	cvc_err key_err;              /* why key is NULL */
	bool anchor;                  /* a certificate anchor */
	bool verified; /* signature checked with the next node's key */
};

struct extra_key {
	cvc_key *key;
	cvc_err err;
	bool tried;
};

struct failure {
	enum rank rank;
	cvc_err status;
	size_t failed;
	const char *check;
	size_t n;
	const cvc_cert *chain[CVC_MAX_CHAIN];
	const cvc_key_anchor *ka;
	bool stale;
};

struct search {
	const cvc_store *store;
	const cvc_cert *const *extra;
	size_t n_extra;
	struct extra_key *extra_keys;
	const cvc_date *at; /* NULL: no date checks */
	const cvc_crl *crl;
	unsigned flags;
	struct node path[CVC_MAX_CHAIN];
	size_t depth;
	size_t tries;
	bool stop; /* a path passed, or the search budget ran out */
	bool passed;
	struct failure best;
	cvc_chain_result *res;
};

/* The result of validating one complete path. */
struct check {
	struct search *s;
	const cvc_key_anchor *ka;
	size_t n;
	const cvc_cert *certs[CVC_MAX_CHAIN];
	cvc_role roles[CVC_MAX_CHAIN]; /* from the role bits */
	cvc_chat_info info[CVC_MAX_CHAIN];
	const cvc_pubkey *inherit[CVC_MAX_CHAIN]; /* domain from above */
	const cvc_key *keys[CVC_MAX_CHAIN];
	cvc_key *tmp[CVC_MAX_CHAIN];
	size_t tp; /* trust point: lowest CVCA-role index, or n */
	enum rank rank;
	cvc_err status;
	size_t failed;
	const char *check;
	bool stale;
	bool widened;
	bool anchor_expired;
};

static bool is_gematik(cvc_terminal_type type)
{
	return type == CVC_TT_GEMATIK_TI || type == CVC_TT_GEMATIK_CMS;
}

static cvc_role role_bits(const cvc_cert *cert)
{
	if (!cert->has_chat || cert->chat.bits.len == 0)
		return CVC_ROLE_TERMINAL;
	return (cvc_role)(cert->chat.bits.data[0] >> 6);
}

/* ------------------------------------------------------------------ */
/* Failures                                                            */

static void note(struct search *s, enum rank rank, cvc_err status,
                 size_t failed, const char *check, const cvc_key_anchor *ka,
                 bool stale)
{
	struct failure *b = &s->best;

	if (rank < b->rank)
		return;
	/* Among unknown issuers the longest path got furthest. */
	if (rank == b->rank && (rank != RANK_NO_ISSUER || s->depth <= b->n))
		return;
	b->rank = rank;
	b->status = status;
	b->failed = failed;
	b->check = check;
	b->n = s->depth;
	for (size_t i = 0; i < s->depth; i++)
		b->chain[i] = s->path[i].cert;
	b->ka = ka;
	b->stale = stale;
}

/* ------------------------------------------------------------------ */
/* Validating one complete path                                        */

static bool fail_at(struct check *c, enum rank rank, cvc_err status, size_t i,
                    const char *check)
{
	c->rank = rank;
	c->status = status;
	c->failed = i;
	c->check = check;
	return false;
}

static bool policy_fail(struct check *c, cvc_err status, size_t i,
                        const char *check)
{
	return fail_at(c, RANK_POLICY, status, i, check);
}

/*
 * Content a verifier must understand to decide. Extensions are never
 * critical (TR-03110-3 C.3); a profile, terminal type or CHAT it does not
 * know is, because roles and rights cannot be read from it.
 */
static bool check_critical(struct check *c, size_t i)
{
	const cvc_cert *cert = c->certs[i];
	cvc_chat_info *info = &c->info[i];

	if (cert->kind != CVC_KIND_CERT)
		return policy_fail(c, CVC_ERR_NOT_A_CERT, i,
		                   "not a certificate");
	if (cert->cpi != CVC_CPI_TR03110 && cert->cpi != CVC_CPI_GEMATIK_G2)
		return policy_fail(c, CVC_ERR_CRITICAL, i, "unknown profile");
	if (!cert->has_chat || cvc_chat_info_get(&cert->chat, info) != CVC_OK)
		return policy_fail(c, CVC_ERR_CRITICAL, i, "no CHAT");
	if (info->type == CVC_TT_UNKNOWN)
		return policy_fail(c, CVC_ERR_CRITICAL, i,
		                   "unknown terminal type");
	if (cert->chat.bits.len > CVC_MAX_CHAT_LEN)
		return policy_fail(c, CVC_ERR_CRITICAL, i, "CHAT length");
	if (!cert->has_dates)
		return policy_fail(c, CVC_ERR_CRITICAL, i, "no dates");
	return true;
}

/* The key of certs[i], built with inherited parameters when needed. */
static const cvc_key *key_of(struct check *c, size_t i, cvc_err *err)
{
	const struct node *nd = &c->s->path[i];

	*err = CVC_OK;
	if (c->keys[i] != NULL)
		return c->keys[i];
	if (nd->key != NULL) {
		c->keys[i] = nd->key;
		return nd->key;
	}
	if (nd->key_err != CVC_ERR_DOMAIN_PARAMS && nd->key_err != CVC_OK) {
		*err = nd->key_err;
		return NULL;
	}
	*err = cvc_key_from_pubkey(&c->certs[i]->key, c->inherit[i],
	                           c->certs[i]->cpi, &c->tmp[i], NULL);
	c->keys[i] = c->tmp[i];
	return c->keys[i];
}

static bool check_signature(struct check *c, size_t i)
{
	const cvc_cert *cert = c->certs[i];
	const cvc_key *issuer;
	cvc_err err;

	/* A certificate anchor is trusted as it is; a key anchor was tried. */
	if (i + 1 == c->n || c->s->path[i].verified)
		return true;
	issuer = key_of(c, i + 1, &err);
	if (issuer == NULL)
		return fail_at(c, RANK_SIGNATURE, err, i + 1, "public key");
	err = cvc_trust_verify(issuer, cert->tbs, cert->signature);
	if (err != CVC_OK)
		return fail_at(c, RANK_SIGNATURE, err, i, "signature");
	return true;
}

/*
 * Who may sign whom. TR-03110-3 2.3/2.5.1: a CVCA signs link certificates
 * and DVs, a DV signs terminals. gemSpec_PKI 6.4: a root signs cross
 * certificates and sub-CAs, a sub-CA signs end entities and (in gematik's
 * test PKI: DEGXX_1-1-02-20 -> DEGXX_1-4-02-20) further sub-CAs; role 01
 * is not defined there.
 */
static bool may_sign(bool gematik, cvc_role issuer, cvc_role child)
{
	if (gematik) {
		if (issuer == CVC_ROLE_CVCA)
			return child == CVC_ROLE_CVCA ||
			       child == CVC_ROLE_DV_DOMESTIC;
		if (issuer == CVC_ROLE_DV_DOMESTIC)
			return child == CVC_ROLE_DV_DOMESTIC ||
			       child == CVC_ROLE_TERMINAL;
		return false;
	}
	if (issuer == CVC_ROLE_CVCA)
		return child == CVC_ROLE_CVCA ||
		       child == CVC_ROLE_DV_DOMESTIC ||
		       child == CVC_ROLE_DV_FOREIGN;
	if (issuer == CVC_ROLE_DV_DOMESTIC || issuer == CVC_ROLE_DV_FOREIGN)
		return child == CVC_ROLE_TERMINAL;
	return false; /* a terminal never signs */
}

static bool check_role(struct check *c, size_t i)
{
	cvc_role issuer;

	if (i + 1 < c->n)
		issuer = c->roles[i + 1];
	else if (c->ka != NULL)
		issuer = CVC_ROLE_CVCA; /* a key anchor stands for a root */
	else
		return true;
	if (!may_sign(is_gematik(c->info[i].type), issuer, c->roles[i]))
		return policy_fail(c, CVC_ERR_ROLE, i, "role");
	return true;
}

/* A CVCA layer of another type above the DV, when the caller allows it. */
static bool type_mix_allowed(const struct check *c, size_t i)
{
	return (c->s->flags & CVC_CHAIN_ALLOW_TYPE_MIX) &&
	       c->roles[i + 1] == CVC_ROLE_CVCA && c->roles[i] != CVC_ROLE_CVCA;
}

static bool check_type(struct check *c, size_t i)
{
	if (i + 1 == c->n || c->info[i].type == c->info[i + 1].type ||
	    type_mix_allowed(c, i))
		return true;
	return policy_fail(c, CVC_ERR_TERMINAL_TYPE, i, "terminal type");
}

/* A right in the CHAT: a set bit that is not a role bit. */
static bool has_right(const cvc_cert *cert, const cvc_chat_info *info,
                      cvc_terminal_type type, size_t bit)
{
	return cvc_chat_bit(&cert->chat, type, bit) &&
	       !cvc_chat_is_role_bit(type, info->nbits, bit);
}

static bool widens(const struct check *c, size_t i)
{
	cvc_terminal_type type = c->info[i].type;

	for (size_t b = 0; b < c->info[i].nbits; b++)
		if (has_right(c->certs[i], &c->info[i], type, b) &&
		    !has_right(c->certs[i + 1], &c->info[i + 1], type, b))
			return true;
	return false;
}

/*
 * Below the trust point a holder gets no right its issuer lacks. Links may
 * add rights (DECVCAeID00107 has a bit DECVCAeID00106 lacks): their CHAT
 * replaces the trust point's (TR-03110-3 2.7).
 */
static bool check_chat(struct check *c, size_t i)
{
	if (i >= c->tp || i + 1 == c->n ||
	    c->info[i].type != c->info[i + 1].type || !widens(c, i))
		return true;
	if (is_gematik(c->info[i].type) &&
	    !(c->s->flags & CVC_CHAIN_STRICT_CHAT)) {
		c->widened = true;
		return true;
	}
	return policy_fail(c, CVC_ERR_CHAT_WIDENED, i, "chat");
}

/*
 * TR-03110-3 2.5.1: an expired DV or terminal certificate is rejected, an
 * expired link certificate is not; expired trust points may still verify
 * links but not DV certificates. So the dates bind the target, every
 * non-CVCA certificate and the CVCA that signs the DV.
 */
static bool dates_bind(const struct check *c, size_t i)
{
	return i == 0 || c->roles[i] != CVC_ROLE_CVCA ||
	       c->roles[i - 1] != CVC_ROLE_CVCA;
}

static bool check_dates(struct check *c, size_t i)
{
	const cvc_cert *cert = c->certs[i];
	const cvc_date *at = c->s->at;

	if (at == NULL)
		return true;
	if (i + 1 == c->n && c->s->path[i].anchor &&
	    cvc_date_cmp(at, &cert->expiration) > 0)
		c->anchor_expired = true;
	if (!dates_bind(c, i))
		return true;
	if (cvc_date_cmp(at, &cert->effective) < 0)
		return policy_fail(c, CVC_ERR_NOT_YET_VALID, i, "dates");
	if (cvc_date_cmp(at, &cert->expiration) > 0)
		return policy_fail(c, CVC_ERR_EXPIRED, i, "dates");
	return true;
}

static bool check_cert(struct check *c, size_t i)
{
	return check_critical(c, i) && check_signature(c, i) &&
	       check_role(c, i) && check_type(c, i) && check_chat(c, i) &&
	       check_dates(c, i);
}

static bool check_revocation(struct check *c)
{
	const cvc_crl *crl = c->s->crl;
	cvc_crl_path p;
	cvc_err err;

	if (crl == NULL) {
		if (c->s->flags & CVC_CHAIN_REQUIRE_CRL)
			return policy_fail(c, CVC_ERR_CRL_STALE, 0,
			                   "no revocation list");
		return true;
	}
	for (size_t i = 1; i < c->n; i++)
		(void)key_of(c, i, &err); /* NULL keys just cannot verify */
	p.certs = c->certs;
	p.keys = c->keys;
	p.n = c->n;
	p.anchor_key = c->ka ? c->ka->key : NULL;
	p.anchor_name = c->ka ? (cvc_span){c->ka->name, c->ka->name_len}
	                      : (cvc_span){NULL, 0};
	err = cvc_crl_apply(crl, &p, c->s->at, c->s->flags, &c->failed,
	                    &c->check, &c->stale);
	if (err != CVC_OK) {
		c->rank =
		    err == CVC_ERR_SIGNATURE ? RANK_SIGNATURE : RANK_POLICY;
		c->status = err;
		return false;
	}
	return true;
}

static void prepare(struct check *c, struct search *s, const cvc_key_anchor *ka)
{
	const cvc_pubkey *above = NULL;

	memset(c, 0, sizeof(*c));
	c->s = s;
	c->ka = ka;
	c->n = s->depth;
	c->tp = c->n;
	if (ka != NULL && cvc_pubkey_has_domain_params(&ka->pubkey))
		above = &ka->pubkey;
	for (size_t i = c->n; i-- > 0;) {
		const struct node *nd = &s->path[i];
		const cvc_pubkey *own = NULL;

		c->certs[i] = nd->cert;
		c->roles[i] = role_bits(nd->cert);
		c->inherit[i] = above;
		if (cvc_pubkey_has_domain_params(&nd->cert->key))
			own = &nd->cert->key;
		else if (nd->entry != NULL)
			own = nd->entry->domain;
		if (own != NULL)
			above = own;
	}
	for (size_t i = 0; i < c->n && c->tp == c->n; i++)
		if (c->roles[i] == CVC_ROLE_CVCA)
			c->tp = i;
}

static void release(struct check *c)
{
	for (size_t i = 0; i < c->n; i++)
		cvc_key_free(&c->tmp[i]);
}

static void set_bit(uint8_t *bits, size_t len, cvc_terminal_type type,
                    size_t bit)
{
	if (is_gematik(type))
		bits[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	else
		bits[len - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/*
 * TR-03110-3 2.7: the AND of the CHATs from the trust point down, role
 * bits included. gematik G2: the target's own flag list (its COS keeps the
 * end entity's flags as the security state; CA flag lists carry the role).
 */
static void effective_rights(const struct check *c, cvc_chain_result *res)
{
	cvc_terminal_type type = c->info[0].type;
	size_t top = c->tp < c->n ? c->tp : c->n - 1;
	size_t len = c->certs[0]->chat.bits.len;
	unsigned role = CVC_ROLE_CVCA;

	memset(res->rights, 0, sizeof(res->rights));
	for (size_t k = 0; k <= top; k++)
		if (c->info[k].type == type)
			role &= c->roles[k];
	if (is_gematik(type)) {
		memcpy(res->rights, c->certs[0]->chat.bits.data, len);
	} else {
		for (size_t b = 0; b < c->info[0].nbits; b++) {
			bool all = true;

			for (size_t k = 0; k <= top && all; k++)
				if (c->info[k].type == type)
					all = has_right(c->certs[k],
					                &c->info[k], type, b);
			if (all)
				set_bit(res->rights, len, type, b);
		}
	}
	res->rights[0] = (uint8_t)((res->rights[0] & 0x3Fu) | role << 6);
	res->rights_len = len;
	res->role = (cvc_role)role;
	res->type = type;
}

static void succeed(struct search *s, const struct check *c)
{
	cvc_chain_result *res = s->res;

	res->status = CVC_OK;
	res->failed = 0;
	res->check = NULL;
	res->n = c->n;
	for (size_t i = 0; i < c->n; i++)
		res->chain[i] = c->certs[i];
	res->anchor_is_key = c->ka != NULL;
	res->anchor_name = c->ka ? (cvc_span){c->ka->name, c->ka->name_len}
	                         : c->certs[c->n - 1]->chr;
	effective_rights(c, res);
	res->crl_checked = s->crl != NULL;
	res->crl_stale = false;
	res->anchor_expired = c->anchor_expired;
	res->chat_widened = c->widened;
	res->target_domain = c->inherit[0];
	s->passed = true;
	s->stop = true;
}

static void validate(struct search *s, const cvc_key_anchor *ka)
{
	struct check c;
	bool ok = true;

	prepare(&c, s, ka);
	for (size_t i = c.n; ok && i-- > 0;)
		ok = check_cert(&c, i);
	if (ok)
		ok = check_revocation(&c);
	if (ok)
		succeed(s, &c);
	else
		note(s, c.rank, c.status, c.failed, c.check, ka, c.stale);
	release(&c);
}

/* ------------------------------------------------------------------ */
/* Building                                                            */

static cvc_span key_material(const cvc_pubkey *k)
{
	if (k->type == CVC_KEY_RSA)
		return CVC_RSA_N(k);
	if (k->type == CVC_KEY_EC)
		return CVC_EC_POINT(k);
	return (cvc_span){NULL, 0};
}

/* The same certificate, or the same holder (CHR) with the same key. */
static bool same_holder(const cvc_cert *a, const cvc_cert *b)
{
	cvc_span ka = key_material(&a->key), kb = key_material(&b->key);

	if (a == b || cvc_span_equal(a->raw, b->raw))
		return true;
	return ka.len > 0 && cvc_span_equal(a->chr, b->chr) &&
	       cvc_span_equal(ka, kb);
}

static bool in_path(const struct search *s, const cvc_cert *cert)
{
	for (size_t i = 0; i < s->depth; i++)
		if (same_holder(s->path[i].cert, cert))
			return true;
	return false;
}

static struct node entry_node(const cvc_store_entry *e)
{
	struct node nd = {&e->cert, e, e->key, e->key_err, e->anchor, false};

	return nd;
}

static struct node extra_node(struct search *s, size_t i)
{
	const cvc_cert *cert = s->extra[i];
	struct extra_key *xk = &s->extra_keys[i];
	struct node nd = {cert, NULL, NULL, CVC_OK, false, false};

	if (!xk->tried) {
		xk->tried = true;
		if (cvc_cert_needs_domain(cert))
			xk->err = CVC_ERR_DOMAIN_PARAMS;
		else
			xk->err = cvc_key_from_pubkey(
			    &cert->key, NULL, cert->cpi, &xk->key, NULL);
	}
	nd.key = xk->key;
	nd.key_err = xk->err;
	return nd;
}

static void extend(struct search *s);

static bool spend_try(struct search *s)
{
	if (++s->tries <= CVC_CHAIN_MAX_TRIES)
		return true;
	note(s, RANK_GAVE_UP, CVC_ERR_CHAIN_TOO_LONG, s->depth - 1,
	     "search limit", NULL, false);
	s->stop = true;
	return false;
}

static void try_key_anchor(struct search *s, const cvc_key_anchor *ka)
{
	struct node *cur = &s->path[s->depth - 1];
	cvc_err err;

	if (!spend_try(s))
		return;
	err = cvc_trust_verify(ka->key, cur->cert->tbs, cur->cert->signature);
	if (err != CVC_OK) {
		note(s, RANK_SIGNATURE, err, s->depth - 1, "signature", ka,
		     false);
		return;
	}
	cur->verified = true;
	validate(s, ka);
	cur->verified = false;
}

static void try_issuer(struct search *s, struct node cand)
{
	struct node *cur = &s->path[s->depth - 1];
	cvc_err err;

	if (s->depth == CVC_MAX_CHAIN) {
		note(s, RANK_LENGTH, CVC_ERR_CHAIN_TOO_LONG, s->depth - 1,
		     "path length", NULL, false);
		return;
	}
	if (!spend_try(s))
		return;
	if (cand.key != NULL) {
		err = cvc_trust_verify(cand.key, cur->cert->tbs,
		                       cur->cert->signature);
		if (err != CVC_OK) {
			note(s, RANK_SIGNATURE, err, s->depth - 1, "signature",
			     NULL, false);
			return;
		}
		cur->verified = true;
	}
	s->path[s->depth++] = cand;
	if (cand.key == NULL && cand.key_err != CVC_ERR_DOMAIN_PARAMS)
		note(s, RANK_SIGNATURE, cand.key_err, s->depth - 1,
		     "public key", NULL, false);
	else if (cand.anchor)
		validate(s, NULL);
	else
		extend(s);
	s->depth--;
	cur->verified = false;
}

/* What a certificate named by the CAR is to the current path. */
enum candidacy { NOT_NAMED, SELF, LOOP, CANDIDATE };

static enum candidacy candidacy(const struct search *s, const cvc_cert *cert)
{
	const cvc_cert *cur = s->path[s->depth - 1].cert;

	if (cert->kind != CVC_KIND_CERT || !cvc_span_equal(cert->chr, cur->car))
		return NOT_NAMED;
	if (same_holder(cert, cur))
		return SELF;
	return in_path(s, cert) ? LOOP : CANDIDATE;
}

struct tally {
	bool found;
	bool loop;
};

static void count(struct tally *t, enum candidacy c)
{
	if (c == CANDIDATE)
		t->found = true;
	else if (c == LOOP)
		t->loop = true;
}

static void try_key_anchors(struct search *s, struct tally *t)
{
	const cvc_cert *cur = s->path[s->depth - 1].cert;

	for (size_t i = 0; i < s->store->n_keys && !s->stop; i++) {
		const cvc_key_anchor *ka = s->store->keys[i];
		cvc_span name = {ka->name, ka->name_len};

		if (cvc_span_equal(name, cur->car)) {
			t->found = true;
			try_key_anchor(s, ka);
		}
	}
}

static void try_store(struct search *s, struct tally *t, bool anchors)
{
	for (size_t i = 0; i < s->store->n_certs && !s->stop; i++) {
		const cvc_store_entry *e = s->store->certs[i];
		enum candidacy c;

		if (e->anchor != anchors)
			continue;
		c = candidacy(s, &e->cert);
		count(t, c);
		if (c == CANDIDATE)
			try_issuer(s, entry_node(e));
	}
}

static void try_extras(struct search *s, struct tally *t)
{
	for (size_t i = 0; i < s->n_extra && !s->stop; i++) {
		enum candidacy c = candidacy(s, s->extra[i]);

		count(t, c);
		if (c == CANDIDATE)
			try_issuer(s, extra_node(s, i));
	}
}

static void extend(struct search *s)
{
	const cvc_cert *cur = s->path[s->depth - 1].cert;
	struct tally t = {false, false};

	if (cur->has_car) {
		try_key_anchors(s, &t);
		try_store(s, &t, true);
		try_extras(s, &t);
		try_store(s, &t, false);
	}
	if (s->stop || t.found)
		return;
	if (t.loop)
		note(s, RANK_LENGTH, CVC_ERR_CHAIN_TOO_LONG, s->depth - 1,
		     "loop", NULL, false);
	else
		note(s, RANK_NO_ISSUER, CVC_ERR_UNKNOWN_ISSUER, s->depth - 1,
		     "issuer", NULL, false);
}

/* ------------------------------------------------------------------ */
/* Entry point                                                         */

static const cvc_store_entry *anchor_equal_to(const cvc_store *store,
                                              const cvc_cert *target)
{
	for (size_t i = 0; i < store->n_certs; i++) {
		const cvc_store_entry *e = store->certs[i];

		if (e->anchor && cvc_span_equal(e->cert.raw, target->raw))
			return e;
	}
	return NULL;
}

static void report_failure(struct search *s)
{
	const struct failure *b = &s->best;
	cvc_chain_result *res = s->res;
	cvc_chat_info info;

	if (b->rank == RANK_NONE) { /* cannot happen: every branch notes */
		res->status = CVC_ERR_UNKNOWN_ISSUER;
		res->check = "issuer";
		return;
	}
	res->status = b->status;
	res->failed = b->failed;
	res->check = b->check;
	res->n = b->n;
	for (size_t i = 0; i < b->n; i++)
		res->chain[i] = b->chain[i];
	res->anchor_is_key = b->ka != NULL;
	if (b->ka != NULL)
		res->anchor_name = (cvc_span){b->ka->name, b->ka->name_len};
	res->crl_stale = b->stale;
	if (b->n > 0 && b->chain[0]->has_chat &&
	    cvc_chat_info_get(&b->chain[0]->chat, &info) == CVC_OK) {
		res->type = info.type;
		res->role = info.role;
	}
}

static cvc_err check_args(const cvc_store *store, const cvc_cert *target,
                          const cvc_cert *const *extra, size_t n_extra,
                          const cvc_date *at, unsigned flags)
{
	const unsigned known = CVC_CHAIN_NO_DATES | CVC_CHAIN_REQUIRE_CRL |
	                       CVC_CHAIN_STRICT_CHAT | CVC_CHAIN_ALLOW_TYPE_MIX;

	if (store == NULL || target == NULL || (flags & ~known) ||
	    (n_extra > 0 && extra == NULL))
		return CVC_ERR_INVALID_ARG;
	for (size_t i = 0; i < n_extra; i++)
		if (extra[i] == NULL)
			return CVC_ERR_INVALID_ARG;
	if (!(flags & CVC_CHAIN_NO_DATES) &&
	    (at == NULL || !cvc_date_valid(at)))
		return CVC_ERR_INVALID_ARG;
	return CVC_OK;
}

static void start(struct search *s, const cvc_cert *target)
{
	const cvc_store_entry *anchor = anchor_equal_to(s->store, target);
	struct node first = {target, NULL, NULL, CVC_OK, false, false};

	if (target->kind != CVC_KIND_CERT) {
		s->path[0] = first;
		s->depth = 1;
		note(s, RANK_POLICY, CVC_ERR_NOT_A_CERT, 0, "not a certificate",
		     NULL, false);
		return;
	}
	if (anchor != NULL) {
		first = entry_node(anchor);
		first.cert = target;
	}
	s->path[0] = first;
	s->depth = 1;
	if (anchor != NULL)
		validate(s, NULL);
	else
		extend(s);
}

cvc_err cvc_chain_verify(const cvc_store *store, const cvc_cert *target,
                         const cvc_cert *const *extra, size_t n_extra,
                         const cvc_date *at, const cvc_crl *crl, unsigned flags,
                         cvc_chain_result *res)
{
	struct search *s;
	cvc_err err;

	if (res == NULL)
		return CVC_ERR_INVALID_ARG;
	memset(res, 0, sizeof(*res));
	res->status = check_args(store, target, extra, n_extra, at, flags);
	if (res->status != CVC_OK)
		return res->status;
	s = calloc(1, sizeof(*s));
	if (s == NULL ||
	    (n_extra > 0 &&
	     !(s->extra_keys = calloc(n_extra, sizeof(*s->extra_keys))))) {
		free(s);
		return res->status = CVC_ERR_NO_MEMORY;
	}
	s->store = store;
	s->extra = extra;
	s->n_extra = n_extra;
	s->at = (flags & CVC_CHAIN_NO_DATES) ? NULL : at;
	s->crl = crl;
	s->flags = flags;
	s->res = res;
	start(s, target);
	if (!s->passed)
		report_failure(s);
	err = res->status;
	for (size_t i = 0; i < n_extra; i++)
		cvc_key_free(&s->extra_keys[i].key);
	free(s->extra_keys);
	free(s);
	return err;
}
