/* SPDX-License-Identifier: MIT */
/*
 * Signature verdicts of the real-world corpus: every row of
 * CVC_CORPUS_DIR/EXPECTED.tsv with verdict VALID or INVALID is checked with
 * libcvc and must reach the same verdict (an independent verifier made
 * them). Certificates are verified with the issuer file's key; EC domain
 * parameters an issuer lacks are inherited from the nearest ancestor that
 * has them, found by walking CAR -> CHR among the certificates of the same
 * family (reused names included), else from the chain's root. Requests are
 * checked with their own key (inner) or the named outer key.
 *
 * Also the negative cases the corpus cannot show on its own: a point off
 * its curve, explicit parameters of no known curve, a DV key without the
 * CVCA's parameters, the G2 point-length rule, tampered bodies.
 */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/cvc.h>

#define DEFAULT_CORPUS_DIR "/work/shared/testdata/cvc-corpus"
#define PATH_CAP           4096
#define MAX_FIELDS         12
#define MAX_WALK           8

typedef struct entry {
	char *path;   /* relative to the corpus directory */
	char *family; /* first path component */
	char *role;
	uint8_t *data;
	size_t len;
	cvc_cert cert;
	bool decoded;
} entry;

typedef struct corpus {
	char dir[PATH_CAP];
	entry *e;
	size_t n;
} corpus;

/* Where an issuer key's curve came from. */
typedef enum domain_src {
	DOM_OWN,  /* own parameters, G2 point length, or RSA: nothing needed */
	DOM_WALK, /* nearest ancestor by CAR -> CHR */
	DOM_ROOT, /* the chain column's root */
	DOM_NONE, /* none found */
	DOM_COUNT
} domain_src;

static corpus the_corpus;

/* ------------------------------------------------------------------ */
/* Loading                                                             */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)size)) != NULL) {
		*len = fread(buf, 1, (size_t)size, fp);
		if (*len != (size_t)size) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(fp);
	return buf;
}

static void path_join(char *out, const char *a, const char *b)
{
	int n = snprintf(out, PATH_CAP, "%s/%s", a, b);

	ck_assert_msg(n > 0 && n < PATH_CAP, "path too long: %s/%s", a, b);
}

/* Splits a TSV line in place; returns the number of fields. */
static size_t split_tsv(char *line, char **fields, size_t cap)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < cap) {
		fields[n++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

static void entry_load(const corpus *c, entry *e)
{
	char path[PATH_CAP];
	cvc_diag diag;
	uint8_t *raw;
	size_t raw_len = 0;

	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", c->dir, e->path),
	                 (int)sizeof(path));
	raw = read_file(path, &raw_len);
	ck_assert_msg(raw != NULL, "cannot read %s", path);
	e->data = malloc(raw_len);
	ck_assert_ptr_nonnull(e->data);
	/* corpus files are binary DER, but hex/base64 would be fine too */
	ck_assert_int_eq(
	    cvc_input_decode(raw, raw_len, e->data, raw_len, &e->len, NULL),
	    CVC_OK);
	free(raw);
	e->decoded = cvc_cert_decode(e->data, e->len, CVC_DECODE_LENIENT,
	                             &e->cert, &diag) == CVC_OK;
}

static void corpus_load(corpus *c)
{
	const char *dir = getenv("CVC_CORPUS_DIR");
	char path[PATH_CAP], *line = NULL, *f[MAX_FIELDS];
	size_t cap = 0, alloc = 0;
	FILE *fp;

	snprintf(c->dir, sizeof(c->dir), "%s",
	         dir && *dir ? dir : DEFAULT_CORPUS_DIR);
	ck_assert_int_lt(
	    snprintf(path, sizeof(path), "%s/MANIFEST.tsv", c->dir),
	    (int)sizeof(path));
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "no corpus manifest %s", path);
	while (getline(&line, &cap, fp) > 0) {
		if (split_tsv(line, f, MAX_FIELDS) < 8 ||
		    strcmp(f[0], "file") == 0)
			continue;
		if (c->n == alloc) {
			alloc = alloc ? 2 * alloc : 512;
			c->e = realloc(c->e, alloc * sizeof(*c->e));
			ck_assert_ptr_nonnull(c->e);
		}
		entry *e = &c->e[c->n++];

		memset(e, 0, sizeof(*e));
		e->path = strdup(f[0]);
		e->family = strdup(f[3]);
		e->role = strdup(f[4]);
		entry_load(c, e);
	}
	free(line);
	fclose(fp);
	ck_assert_msg(c->n > 0, "empty corpus manifest %s", path);
}

static void corpus_free(corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].path);
		free(c->e[i].family);
		free(c->e[i].role);
		free(c->e[i].data);
	}
	free(c->e);
	memset(c, 0, sizeof(*c));
}

static void setup(void)
{
	corpus_load(&the_corpus);
}

static void teardown(void)
{
	corpus_free(&the_corpus);
}

/* EXPECTED.tsv names files as "./family/name[#inner]". */
static const entry *entry_by_path(const corpus *c, const char *path)
{
	size_t n;

	if (strncmp(path, "./", 2) == 0)
		path += 2;
	n = strcspn(path, "#");
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->e[i].path) == n &&
		    strncmp(c->e[i].path, path, n) == 0)
			return &c->e[i];
	return NULL;
}

static const entry *entry_by_role_chr(const corpus *c, const char *family,
                                      const char *role, const char *chr)
{
	for (size_t i = 0; i < c->n; i++) {
		const entry *e = &c->e[i];

		if (e->decoded && strcmp(e->family, family) == 0 &&
		    strcmp(e->role, role) == 0 &&
		    (chr == NULL ||
		     (e->cert.chr.len == strlen(chr) &&
		      memcmp(e->cert.chr.data, chr, strlen(chr)) == 0)))
			return e;
	}
	ck_abort_msg("no %s %s in %s", role, chr ? chr : "", family);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Issuer keys with inherited domain parameters                        */

static bool span_eq(cvc_span a, cvc_span b)
{
	return a.len == b.len &&
	       (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static const entry *cert_by_chr(const corpus *c, const entry *from,
                                cvc_span chr, bool with_params)
{
	for (size_t i = 0; i < c->n; i++) {
		const entry *e = &c->e[i];

		if (e == from || !e->decoded || e->cert.kind != CVC_KIND_CERT ||
		    strcmp(e->family, from->family) != 0 ||
		    !span_eq(e->cert.chr, chr))
			continue;
		if (!with_params || cvc_pubkey_has_domain_params(&e->cert.key))
			return e;
	}
	return NULL;
}

static bool needs_domain(const cvc_cert *cert)
{
	return cert->key.type == CVC_KEY_EC &&
	       !cvc_pubkey_has_domain_params(&cert->key) &&
	       cert->cpi != CVC_CPI_GEMATIK_G2;
}

/* TR-03110-3 2.3: the nearest ancestor with parameters (CAR -> CHR). */
static const cvc_pubkey *walk_for_domain(const corpus *c, const entry *e)
{
	const entry *cur = e;

	for (int depth = 0; depth < MAX_WALK && cur->cert.has_car; depth++) {
		const entry *up = cert_by_chr(c, cur, cur->cert.car, true);

		if (up != NULL)
			return &up->cert.key;
		up = cert_by_chr(c, cur, cur->cert.car, false);
		if (up == NULL || span_eq(up->cert.car, up->cert.chr))
			return NULL;
		cur = up;
	}
	return NULL;
}

static const cvc_pubkey *root_domain(const corpus *c, const entry *e,
                                     const char *chain)
{
	char path[PATH_CAP];
	const entry *root;

	if (strncmp(chain, "root:", 5) != 0)
		return NULL;
	path_join(path, e->family, chain + 5);
	root = entry_by_path(c, path);
	if (root == NULL || !root->decoded ||
	    !cvc_pubkey_has_domain_params(&root->cert.key))
		return NULL;
	return &root->cert.key;
}

static cvc_err issuer_key(const corpus *c, const entry *issuer,
                          const char *chain, cvc_key **key, domain_src *src)
{
	const cvc_pubkey *domain = NULL;
	cvc_diag diag;
	cvc_err err;

	*src = DOM_OWN;
	if (needs_domain(&issuer->cert)) {
		domain = walk_for_domain(c, issuer);
		*src = DOM_WALK;
		if (domain == NULL) {
			domain = root_domain(c, issuer, chain);
			*src = domain ? DOM_ROOT : DOM_NONE;
		}
	}
	err = cvc_key_from_pubkey(&issuer->cert.key, domain, issuer->cert.cpi,
	                          key, &diag);
	if (err != CVC_OK && err != CVC_ERR_BAD_KEY) {
		char text[256];

		cvc_diag_format(&diag, text, sizeof(text));
		fprintf(stderr, "expected: key of %s: %s\n", issuer->path,
		        text);
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* EXPECTED.tsv rows                                                   */

enum {
	COL_FILE,
	COL_KIND,
	COL_CHECK,
	COL_VERDICT,
	COL_ISSUER,
	COL_ALGO,
	COL_CHAIN
};

typedef struct tally {
	size_t rows, checked, valid, invalid, agree, disagree, unchecked;
	size_t not_run, no_issuer_file;
	size_t by_src[DOM_COUNT];
	size_t certs, requests_inner, requests_outer;
} tally;

typedef enum row_outcome {
	ROW_CHECKED,
	ROW_UNKNOWN_KIND,
	ROW_NO_ISSUER_FILE, /* the named issuer file is not in the corpus */
} row_outcome;

static cvc_err check_cert_row(const corpus *c, const entry *subject,
                              const entry *issuer, const char *chain, tally *t)
{
	cvc_key *key = NULL;
	domain_src src = DOM_NONE;
	cvc_err err = issuer_key(c, issuer, chain, &key, &src);

	t->by_src[src]++;
	if (err == CVC_OK)
		err = cvc_cert_verify_signature(&subject->cert, key);
	cvc_key_free(&key);
	t->certs++;
	return err;
}

/* The issuer "file#inner" means the request's own key made the outer
 * signature too. */
static cvc_err check_outer_row(const corpus *c, const entry *subject,
                               const entry *issuer, const char *chain, tally *t)
{
	cvc_key *key = NULL;
	domain_src src = DOM_NONE;
	cvc_err err = issuer_key(c, issuer, chain, &key, &src);

	t->by_src[src]++;
	if (err == CVC_OK)
		err = cvc_request_verify_outer(&subject->cert, key);
	cvc_key_free(&key);
	t->requests_outer++;
	return err;
}

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static row_outcome check_row(const corpus *c, char **f, tally *t, cvc_err *err)
{
	const entry *subject = entry_by_path(c, f[COL_FILE]);
	const entry *issuer = entry_by_path(c, f[COL_ISSUER]);
	const char *kind = f[COL_KIND], *check = f[COL_CHECK];

	ck_assert_msg(subject && subject->decoded, "%s", f[COL_FILE]);
	if (issuer == NULL)
		return ROW_NO_ISSUER_FILE;
	ck_assert_msg(issuer->decoded, "issuer %s", f[COL_ISSUER]);
	if (is(kind, "cert") && is(check, "sig")) {
		*err = check_cert_row(c, subject, issuer, f[COL_CHAIN], t);
	} else if ((is(kind, "request") && is(check, "self-sig")) ||
	           (is(kind, "authreq") && is(check, "inner-self-sig"))) {
		*err = cvc_request_verify_inner(&subject->cert, NULL);
		t->requests_inner++;
	} else if (is(kind, "authreq") && is(check, "outer-sig")) {
		*err = check_outer_row(c, subject, issuer, f[COL_CHAIN], t);
	} else {
		return ROW_UNKNOWN_KIND;
	}
	return ROW_CHECKED;
}

/*
 * VALID needs CVC_OK; INVALID needs "wrong signature", or "bad key" where
 * the corpus says the issuer's point is off its curve. Any other code means
 * libcvc could not check what an independent verifier could.
 */
static bool verdict_agrees(const char *verdict, const char *algo, cvc_err err)
{
	if (is(verdict, "VALID"))
		return err == CVC_OK;
	if (strstr(algo, "not on curve") != NULL)
		return err == CVC_ERR_BAD_KEY;
	return err == CVC_ERR_SIGNATURE;
}

/* Not runnable rows are allowed only where the corpus says the issuer is
 * missing; they are listed either way. */
static void row_not_run(char **f, row_outcome why, tally *t)
{
	if (why == ROW_NO_ISSUER_FILE &&
	    is(f[COL_CHAIN], "broken(issuer missing)"))
		t->no_issuer_file++;
	else
		t->not_run++;
	printf("  not run: %s (%s %s): %s\n", f[COL_FILE], f[COL_KIND],
	       f[COL_CHECK],
	       why == ROW_NO_ISSUER_FILE ? "issuer file not in the corpus"
	                                 : "unknown kind of row");
}

static void run_row(const corpus *c, char **f, tally *t)
{
	const char *verdict = f[COL_VERDICT];
	cvc_err err = CVC_OK;
	row_outcome outcome;

	t->rows++;
	if (!is(verdict, "VALID") && !is(verdict, "INVALID")) {
		t->unchecked++;
		return;
	}
	outcome = check_row(c, f, t, &err);
	if (outcome != ROW_CHECKED) {
		row_not_run(f, outcome, t);
		return;
	}
	t->checked++;
	*(strcmp(verdict, "VALID") == 0 ? &t->valid : &t->invalid) += 1;
	if (verdict_agrees(verdict, f[COL_ALGO], err)) {
		t->agree++;
		return;
	}
	t->disagree++;
	fprintf(stderr, "expected: DISAGREE %s (%s %s): want %s, got %s\n",
	        f[COL_FILE], f[COL_KIND], f[COL_CHECK], verdict,
	        cvc_strerror(err));
}

START_TEST(test_expected_verdicts)
{
	const corpus *c = &the_corpus;
	char path[PATH_CAP], *line = NULL, *f[MAX_FIELDS];
	size_t cap = 0;
	tally t = {0};
	FILE *fp;

	path_join(path, c->dir, "EXPECTED.tsv");
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "no %s", path);
	while (getline(&line, &cap, fp) > 0) {
		if (split_tsv(line, f, MAX_FIELDS) < COL_CHAIN + 1 ||
		    strcmp(f[COL_FILE], "file") == 0)
			continue;
		run_row(c, f, &t);
	}
	free(line);
	fclose(fp);
	printf("EXPECTED.tsv: %zu rows: %zu checked (%zu VALID, %zu INVALID),"
	       " %zu agree, %zu disagree; not run: %zu UNCHECKED (no public "
	       "issuer), %zu whose issuer file the corpus lacks, %zu other\n",
	       t.rows, t.checked, t.valid, t.invalid, t.agree, t.disagree,
	       t.unchecked, t.no_issuer_file, t.not_run);
	printf("  %zu certificate, %zu inner request, %zu outer request "
	       "signatures; issuer curve: own/G2/RSA %zu, ancestor walk %zu, "
	       "chain root %zu, none %zu\n",
	       t.certs, t.requests_inner, t.requests_outer, t.by_src[DOM_OWN],
	       t.by_src[DOM_WALK], t.by_src[DOM_ROOT], t.by_src[DOM_NONE]);
	fflush(stdout);
	ck_assert_uint_gt(t.checked, 0);
	ck_assert_uint_gt(t.invalid, 0);
	ck_assert_uint_eq(t.not_run, 0);
	ck_assert_msg(t.disagree == 0, "%zu disagreements (see stderr)",
	              t.disagree);
	ck_assert_uint_eq(t.agree, t.checked);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Negative cases                                                      */

static const entry *production_cvca(void)
{
	return entry_by_role_chr(&the_corpus, "de_eid_production", "at-cvca",
	                         "DECVCAeID00102");
}

/* A private copy of e with one octet of a component changed, decoded. */
static uint8_t *tampered_copy(const entry *e, cvc_span field, size_t at,
                              uint8_t xor_mask, cvc_cert *out)
{
	uint8_t *copy = malloc(e->len);
	size_t off = (size_t)(field.data - e->data) + at;

	ck_assert_ptr_nonnull(copy);
	ck_assert_uint_lt(at, field.len);
	memcpy(copy, e->data, e->len);
	copy[off] ^= xor_mask;
	ck_assert_int_eq(
	    cvc_cert_decode(copy, e->len, CVC_DECODE_LENIENT, out, NULL),
	    CVC_OK);
	return copy;
}

START_TEST(test_point_off_curve)
{
	const entry *cvca = production_cvca();
	cvc_span y = CVC_EC_POINT(&cvca->cert.key);
	cvc_key *key = NULL;
	cvc_diag diag;
	cvc_cert bad;
	uint8_t *copy;

	ck_assert_int_eq(
	    cvc_key_from_pubkey(&cvca->cert.key, NULL, 0, &key, NULL), CVC_OK);
	ck_assert_str_eq(cvc_key_curve_name(key), "brainpoolP256r1");
	cvc_key_free(&key);
	copy = tampered_copy(cvca, y, y.len - 1, 0x01, &bad);
	ck_assert_int_eq(cvc_key_from_pubkey(&bad.key, NULL, 0, &key, &diag),
	                 CVC_ERR_BAD_KEY);
	ck_assert_ptr_null(key);
	ck_assert_int_eq(diag.err, CVC_ERR_BAD_KEY);
	ck_assert_uint_eq(diag.tag, 0x86);
	ck_assert_str_eq(diag.field, "public key");
	free(copy);
	/* 06 (hybrid) instead of 04: not the uncompressed form D.3.3 wants */
	copy = tampered_copy(cvca, y, 0, 0x04 ^ 0x06, &bad);
	ck_assert_int_eq(cvc_key_from_pubkey(&bad.key, NULL, 0, &key, NULL),
	                 CVC_ERR_BAD_KEY);
	free(copy);
}
END_TEST

START_TEST(test_params_of_no_known_curve)
{
	const entry *cvca = production_cvca();
	const entry *dv =
	    entry_by_role_chr(&the_corpus, "de_eid_production",
	                      "at-dv-nonofficial", "DEDVeIDDTR101401");
	const cvc_pubkey *k = &cvca->cert.key;
	const cvc_span fields[] = {CVC_EC_P(k),     CVC_EC_A(k),
	                           CVC_EC_B(k),     CVC_EC_G(k),
	                           CVC_EC_ORDER(k), CVC_EC_COFACTOR(k)};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		cvc_key *key = NULL;
		cvc_diag diag;
		cvc_cert bad;
		uint8_t *copy = tampered_copy(cvca, fields[i],
		                              fields[i].len - 1, 0x02, &bad);

		ck_assert_msg(
		    cvc_key_from_pubkey(&bad.key, NULL, 0, &key, &diag) ==
		        CVC_ERR_DOMAIN_PARAMS,
		    "component %zu", i);
		ck_assert_ptr_null(key);
		ck_assert_int_eq(diag.err, CVC_ERR_DOMAIN_PARAMS);
		/* and as the parameters a DV key inherits */
		ck_assert_int_eq(
		    cvc_key_from_pubkey(&dv->cert.key, &bad.key, 0, &key, NULL),
		    CVC_ERR_DOMAIN_PARAMS);
		free(copy);
	}
}
END_TEST

START_TEST(test_inherited_domain)
{
	const entry *cvca = production_cvca();
	const entry *dv =
	    entry_by_role_chr(&the_corpus, "de_eid_production",
	                      "at-dv-nonofficial", "DEDVeIDDTR101401");
	cvc_key *key = NULL, *cvca_key = NULL;
	cvc_diag diag;

	ck_assert(!cvc_pubkey_has_domain_params(&dv->cert.key));
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&dv->cert.key, NULL, 0, &key, &diag),
	    CVC_ERR_DOMAIN_PARAMS);
	ck_assert_ptr_null(key);
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&dv->cert.key, &cvca->cert.key, 0, &key, NULL),
	    CVC_OK);
	ck_assert_str_eq(cvc_key_curve_name(key), "brainpoolP256r1");
	ck_assert_uint_eq(cvc_key_bits(key), 256);
	ck_assert_str_eq(cvc_key_algo(key)->name, "id-TA-ECDSA-SHA-256");
	/* the DV certificate itself verifies with the CVCA key */
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&cvca->cert.key, NULL, 0, &cvca_key, NULL),
	    CVC_OK);
	ck_assert_int_eq(cvc_cert_verify_signature(&dv->cert, cvca_key),
	                 CVC_OK);
	ck_assert(!cvc_key_equal(key, cvca_key));
	ck_assert(cvc_key_equal(cvca_key, cvca_key));
	/* ...and not with its own key */
	ck_assert_int_eq(cvc_cert_verify_signature(&dv->cert, key),
	                 CVC_ERR_SIGNATURE);
	cvc_key_free(&key);
	cvc_key_free(&cvca_key);
}
END_TEST

START_TEST(test_tampered_body)
{
	const entry *cvca = production_cvca();
	const entry *dv =
	    entry_by_role_chr(&the_corpus, "de_eid_production",
	                      "at-dv-nonofficial", "DEDVeIDDTR101401");
	cvc_key *key = NULL;
	cvc_cert bad;
	uint8_t *copy;

	ck_assert_int_eq(
	    cvc_key_from_pubkey(&cvca->cert.key, NULL, 0, &key, NULL), CVC_OK);
	/* one bit of the CHR: still decodes, no longer verifies */
	copy = tampered_copy(dv, dv->cert.chr, 2, 0x01, &bad);
	ck_assert_int_eq(cvc_cert_verify_signature(&bad, key),
	                 CVC_ERR_SIGNATURE);
	free(copy);
	copy = tampered_copy(dv, dv->cert.signature, 40, 0x80, &bad);
	ck_assert_int_eq(cvc_cert_verify_signature(&bad, key),
	                 CVC_ERR_SIGNATURE);
	free(copy);
	cvc_key_free(&key);
}
END_TEST

START_TEST(test_gematik_point_length_rule)
{
	const entry *root =
	    entry_by_role_chr(&the_corpus, "gematik_g2", "root", NULL);
	cvc_key *key = NULL;

	ck_assert_uint_eq(root->cert.cpi, CVC_CPI_GEMATIK_G2);
	ck_assert(!cvc_pubkey_has_domain_params(&root->cert.key));
	ck_assert_int_eq(cvc_key_from_pubkey(&root->cert.key, NULL,
	                                     root->cert.cpi, &key, NULL),
	                 CVC_OK);
	ck_assert_str_eq(
	    cvc_key_curve_name(key),
	    CVC_EC_POINT(&root->cert.key).len == 65   ? "brainpoolP256r1"
	    : CVC_EC_POINT(&root->cert.key).len == 97 ? "brainpoolP384r1"
	                                              : "brainpoolP512r1");
	/* the root is self-signed */
	ck_assert_int_eq(cvc_cert_verify_signature(&root->cert, key), CVC_OK);
	cvc_key_free(&key);
	/* the rule is the G2 profile's, not TR-03110's */
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&root->cert.key, NULL, 0, &key, NULL),
	    CVC_ERR_DOMAIN_PARAMS);
}
END_TEST

/*
 * gematik trust anchors are bare 7F49 objects that name the curve by its OID
 * instead of an algorithm (standards.md 7). Each must build a key equal to
 * its root certificate's (named by the file's hex CHR) and verify the root.
 */
static size_t unhex_name(const char *name, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (n < cap && sscanf(name + 2 * n, "%2x", &v) == 1 &&
	       name[2 * n + 1] != '_') {
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void check_anchor(const char *dir, const char *name)
{
	char path[PATH_CAP];
	uint8_t chr[16];
	size_t len = 0, chr_len = unhex_name(name, chr, sizeof(chr));
	uint8_t *data;
	cvc_pubkey pk;
	cvc_key *anchor = NULL, *root_key = NULL;
	const entry *root = NULL;

	path_join(path, dir, name);
	data = read_file(path, &len);
	ck_assert_ptr_nonnull(data);
	ck_assert_int_eq(cvc_pubkey_decode(data, len, 0, &pk, NULL), CVC_OK);
	ck_assert_int_eq(cvc_key_from_pubkey(&pk, NULL, 0, &anchor, NULL),
	                 CVC_OK);
	ck_assert_str_eq(cvc_key_curve_name(anchor), "brainpoolP256r1");
	ck_assert_str_eq(cvc_key_algo(anchor)->name, "ecdsa-with-SHA256");
	for (size_t i = 0; i < the_corpus.n && root == NULL; i++) {
		const entry *e = &the_corpus.e[i];

		if (e->decoded && strcmp(e->role, "root") == 0 &&
		    span_eq(e->cert.chr, (cvc_span){chr, chr_len}))
			root = e;
	}
	ck_assert_msg(root != NULL, "no root for anchor %s", name);
	ck_assert_int_eq(cvc_key_from_pubkey(&root->cert.key, NULL,
	                                     root->cert.cpi, &root_key, NULL),
	                 CVC_OK);
	ck_assert(cvc_key_equal(anchor, root_key));
	ck_assert_int_eq(cvc_cert_verify_signature(&root->cert, anchor),
	                 CVC_OK);
	cvc_key_free(&anchor);
	cvc_key_free(&root_key);
	free(data);
}

START_TEST(test_gematik_anchor_keys)
{
	char dir[PATH_CAP];
	DIR *d;
	struct dirent *e;
	size_t n = 0;

	path_join(dir, the_corpus.dir, "gematik_g2/trust-anchor");
	d = opendir(dir);
	ck_assert_msg(d != NULL, "no %s", dir);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > 4 && strcmp(e->d_name + l - 4, ".der") == 0) {
			check_anchor(dir, e->d_name);
			n++;
		}
	}
	closedir(d);
	ck_assert_uint_gt(n, 0);
}
END_TEST

START_TEST(test_iso9796_not_checked)
{
	const entry *dnie = entry_by_role_chr(&the_corpus, "dnie_iso7816_9",
	                                      "iso7816-9-cvc", NULL);
	const entry *cvca = production_cvca();
	cvc_key *key = NULL;

	ck_assert_int_eq(dnie->cert.kind, CVC_KIND_ISO9796);
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&cvca->cert.key, NULL, 0, &key, NULL), CVC_OK);
	ck_assert_int_eq(cvc_cert_verify_signature(&dnie->cert, key),
	                 CVC_ERR_UNSUPPORTED);
	ck_assert_int_eq(cvc_request_verify_outer(&cvca->cert, key),
	                 CVC_ERR_MISSING_FIELD);
	cvc_key_free(&key);
}
END_TEST

static Suite *expected_suite(void)
{
	Suite *s = suite_create("expected");
	TCase *tc = tcase_create("verdicts");
	TCase *neg = tcase_create("negative");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_expected_verdicts);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(neg, setup, teardown);
	tcase_set_timeout(neg, 600);
	tcase_add_test(neg, test_point_off_curve);
	tcase_add_test(neg, test_params_of_no_known_curve);
	tcase_add_test(neg, test_inherited_domain);
	tcase_add_test(neg, test_tampered_body);
	tcase_add_test(neg, test_gematik_point_length_rule);
	tcase_add_test(neg, test_gematik_anchor_keys);
	tcase_add_test(neg, test_iso9796_not_checked);
	suite_add_tcase(s, neg);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(expected_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
