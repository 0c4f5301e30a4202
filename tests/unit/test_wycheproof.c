/* SPDX-License-Identifier: MIT */
/*
 * Wycheproof signature vectors (C2SP/wycheproof, data only) through
 * cvc_key_from_ec_point / cvc_key_from_rsa and cvc_key_verify.
 *
 * Every *_test.json in CVC_WYCHEPROOF_DIR (else CVC_TEST_DATA/wycheproof) is
 * run, group by group, test by test. `valid` must give CVC_OK and `invalid`
 * CVC_ERR_SIGNATURE. Where libcvc's signature model (TR-03110-3 A.7.3,
 * TR-03111 5.2.1) deliberately differs from a vector's, the difference is
 * counted under its own heading and checked to go the way the model says:
 *
 *  - RSA-PSS salt length. libcvc verifies PSS with any salt length (OpenPACE
 *    signs with the maximum, TR-03110 signers with the hash length), so the
 *    vectors "s_len changed to N" (invalid only because the group fixes
 *    sLen) must VERIFY. They are counted as "salt variants", not as passes.
 *  - RSA-PSS with an MGF1 hash other than the message hash cannot be
 *    expressed (TR-03110-3 A.7.3.1: MGF1 with the same hash). Such groups
 *    are run and every test must be REJECTED; counted as "outside model".
 *  - `acceptable` results follow the policy table below, one decision per
 *    flag, the same for every file (doc/libcvc.md, "Crypto").
 *
 * Anything not run is counted and printed and fails the test, as does a
 * file that yields no tests.
 */
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/cvc.h>

#include "json_mini.h"

#define DEFAULT_DIR "/work/shared/testdata/wycheproof"
#define PATH_CAP    4096
#define MAX_FILES   128

/*
 * Decisions for `acceptable` vectors. A test with several flags is rejected
 * when any of its flags says reject.
 */
static const struct acceptable_rule {
	const char *flag;
	bool accept;
	const char *why;
} acceptable_rules[] = {
    {"SmallModulus", true,
     "RSA-1024 is in TR-03110 chains; libcvc's minimum is 1024 bits"},
    {"WeakHash", true, "SHA-1 is part of id-TA-*-SHA-1 (TR-03110-3 A.6.4)"},
    {"SmallPublicKey", true, "e = 3 is an odd exponent > 1: accepted"},
    {"MissingNull", false,
     "DigestInfo must be DER with NULL parameters (RFC 8017 9.2)"},
};

typedef enum group_mode {
	MODE_NORMAL,
	MODE_OUTSIDE_MODEL, /* must reject every test */
} group_mode;

typedef struct stats {
	size_t tests; /* in the file */
	size_t run;   /* verified */
	size_t agree; /* valid/invalid/acceptable as expected */
	size_t disagree;
	size_t acceptable;    /* of agree: acceptable vectors, by policy */
	size_t salt_variants; /* PSS other-salt vectors accepted by design */
	size_t outside_model; /* PSS other-MGF-hash vectors, all rejected */
	size_t not_run;       /* no key, unknown hash or schema */
} stats;

static void stats_add(stats *total, const stats *s)
{
	total->tests += s->tests;
	total->run += s->run;
	total->agree += s->agree;
	total->disagree += s->disagree;
	total->acceptable += s->acceptable;
	total->salt_variants += s->salt_variants;
	total->outside_model += s->outside_model;
	total->not_run += s->not_run;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static const char *vector_dir(char *buf, size_t cap)
{
	const char *dir = getenv("CVC_WYCHEPROOF_DIR");
	const char *data = getenv("CVC_TEST_DATA");

	if (dir != NULL && *dir != '\0')
		return dir;
	if (data != NULL && *data != '\0') {
		snprintf(buf, cap, "%s/wycheproof", data);
		return buf;
	}
	return DEFAULT_DIR;
}

static char *read_text_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)size + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)size, fp);
		buf[*len] = '\0';
		if (*len != (size_t)size) {
			free(buf);
			buf = NULL;
		}
	}
	fclose(fp);
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex text -> malloc'd bytes (at least one byte allocated). */
static uint8_t *hex_decode(const char *hex, size_t *len)
{
	size_t n = hex ? strlen(hex) : 0;
	uint8_t *out;

	if (hex == NULL || n % 2 != 0)
		return NULL;
	out = malloc(n / 2 + 1);
	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return out;
}

static cvc_hash hash_from_name(const char *name)
{
	static const struct {
		const char *name;
		cvc_hash hash;
	} map[] = {
	    {"SHA-1", CVC_HASH_SHA1},     {"SHA-224", CVC_HASH_SHA224},
	    {"SHA-256", CVC_HASH_SHA256}, {"SHA-384", CVC_HASH_SHA384},
	    {"SHA-512", CVC_HASH_SHA512},
	};

	for (size_t i = 0; name != NULL && i < sizeof(map) / sizeof(map[0]);
	     i++)
		if (strcmp(name, map[i].name) == 0)
			return map[i].hash;
	return CVC_HASH_NONE;
}

/*
 * The table entry for scheme+hash when TR-03110 has one (so the real OIDs
 * are exercised), else an ad-hoc algorithm: cvc_key_verify only needs the
 * scheme and the hash (RSA with SHA-224/384 has no id-TA OID).
 */
static const cvc_algo *algo_for(cvc_sig_scheme scheme, const char *sha,
                                cvc_algo *scratch)
{
	const char *prefix = scheme == CVC_SCHEME_ECDSA     ? "ECDSA-"
	                     : scheme == CVC_SCHEME_RSA_V15 ? "RSA-v1-5-"
	                                                    : "RSA-PSS-";
	char name[64];
	const cvc_algo *a;

	snprintf(name, sizeof(name), "%s%s", prefix, sha ? sha : "");
	a = cvc_algo_from_name(name);
	if (a != NULL) {
		ck_assert_int_eq(a->scheme, scheme);
		ck_assert_int_eq(a->hash, hash_from_name(sha));
		return a;
	}
	memset(scratch, 0, sizeof(*scratch));
	scratch->name = "wycheproof";
	scratch->scheme = scheme;
	scratch->hash = hash_from_name(sha);
	return scratch->hash == CVC_HASH_NONE ? NULL : scratch;
}

static bool has_flag(const json_value *test, const char *flag)
{
	const json_value *flags = json_get(test, "flags");

	for (const json_value *f = flags ? flags->child : NULL; f; f = f->next)
		if (f->type == JSON_STRING && strcmp(f->str, flag) == 0)
			return true;
	return false;
}

/* Policy for an acceptable vector; false with *known false when a flag
 * has no rule. */
static bool acceptable_decision(const json_value *test, bool *known)
{
	const json_value *flags = json_get(test, "flags");
	bool accept = true;

	*known = flags != NULL && flags->count > 0;
	for (const json_value *f = flags ? flags->child : NULL; f;
	     f = f->next) {
		bool found = false;

		for (size_t i = 0;
		     i < sizeof(acceptable_rules) / sizeof(acceptable_rules[0]);
		     i++) {
			if (strcmp(f->str, acceptable_rules[i].flag) != 0)
				continue;
			found = true;
			accept = accept && acceptable_rules[i].accept;
		}
		*known = *known && found;
	}
	return accept;
}

/* ------------------------------------------------------------------ */
/* Running tests                                                       */

typedef struct run_ctx {
	const char *file;
	stats *st;
	bool pss;
} run_ctx;

static bool is_salt_variant(const run_ctx *c, const json_value *test)
{
	const char *comment = json_get_str(test, "comment");

	return c->pss && has_flag(test, "ModifiedSignature") &&
	       comment != NULL && strncmp(comment, "s_len changed to", 16) == 0;
}

/* Whether the vector must verify; false with *ok false on bad input. */
static bool expect_valid(run_ctx *c, const json_value *test, group_mode mode,
                         bool *ok)
{
	const char *result = json_get_str(test, "result");
	bool known;

	*ok = result != NULL;
	if (mode == MODE_OUTSIDE_MODEL || result == NULL)
		return false;
	if (strcmp(result, "valid") == 0)
		return true;
	if (strcmp(result, "invalid") == 0)
		return is_salt_variant(c, test);
	if (strcmp(result, "acceptable") == 0) {
		bool accept = acceptable_decision(test, &known);

		*ok = known;
		return accept;
	}
	*ok = false;
	return false;
}

static void count_outcome(run_ctx *c, const json_value *test, group_mode mode,
                          bool agree)
{
	const char *result = json_get_str(test, "result");

	if (!agree) {
		c->st->disagree++;
		fprintf(stderr, "wycheproof: DISAGREE %s tcId %ld (%s): %s\n",
		        c->file, json_get_long(test, "tcId", -1), result,
		        json_get_str(test, "comment"));
		return;
	}
	if (mode == MODE_OUTSIDE_MODEL)
		c->st->outside_model++;
	else if (strcmp(result, "invalid") == 0 && is_salt_variant(c, test))
		c->st->salt_variants++;
	else
		c->st->agree++;
	if (mode != MODE_OUTSIDE_MODEL && strcmp(result, "acceptable") == 0)
		c->st->acceptable++;
}

static void run_test(run_ctx *c, const cvc_key *key, const cvc_algo *algo,
                     const json_value *test, group_mode mode)
{
	size_t msg_len = 0, sig_len = 0;
	uint8_t *msg = hex_decode(json_get_str(test, "msg"), &msg_len);
	uint8_t *sig = hex_decode(json_get_str(test, "sig"), &sig_len);
	bool ok, want_valid = expect_valid(c, test, mode, &ok);
	cvc_err err;

	if (msg == NULL || sig == NULL || !ok) {
		c->st->not_run++;
		fprintf(stderr, "wycheproof: NOT RUN %s tcId %ld: %s\n",
		        c->file, json_get_long(test, "tcId", -1),
		        ok ? "bad hex" : "no rule for this result/flags");
		free(msg);
		free(sig);
		return;
	}
	err = cvc_key_verify(key, algo, msg, msg_len, sig, sig_len);
	c->st->run++;
	/* a rejection must say "wrong signature", not "could not check" */
	count_outcome(c, test, mode,
	              want_valid ? err == CVC_OK : err == CVC_ERR_SIGNATURE);
	free(msg);
	free(sig);
}

static void run_group_tests(run_ctx *c, const json_value *group,
                            const cvc_key *key, const cvc_algo *algo,
                            group_mode mode)
{
	const json_value *tests = json_get(group, "tests");

	for (const json_value *t = tests ? tests->child : NULL; t; t = t->next)
		run_test(c, key, algo, t, mode);
}

static void group_not_run(run_ctx *c, const json_value *group, const char *why)
{
	const json_value *tests = json_get(group, "tests");
	size_t n = tests ? tests->count : 0;

	c->st->not_run += n;
	fprintf(stderr, "wycheproof: NOT RUN %s: group of %zu tests: %s\n",
	        c->file, n, why);
}

/* ------------------------------------------------------------------ */
/* Groups by schema                                                    */

static void ecdsa_group(run_ctx *c, const json_value *group)
{
	const json_value *pub = json_get(group, "publicKey");
	const char *curve = json_get_str(pub, "curve");
	size_t len = 0;
	uint8_t *point = hex_decode(json_get_str(pub, "uncompressed"), &len);
	cvc_algo scratch;
	const cvc_algo *algo =
	    algo_for(CVC_SCHEME_ECDSA, json_get_str(group, "sha"), &scratch);
	cvc_key *key = NULL;
	cvc_err err = point && algo
	                  ? cvc_key_from_ec_point(curve, point, len, algo, &key)
	                  : CVC_ERR_INVALID_ARG;

	if (err != CVC_OK)
		group_not_run(c, group, cvc_strerror(err));
	else
		run_group_tests(c, group, key, NULL, MODE_NORMAL);
	cvc_key_free(&key);
	ck_assert_ptr_null(key);
	free(point);
}

static cvc_err rsa_key_from(const json_value *pub, const cvc_algo *algo,
                            cvc_key **key)
{
	size_t n_len = 0, e_len = 0;
	uint8_t *n = hex_decode(json_get_str(pub, "modulus"), &n_len);
	uint8_t *e = hex_decode(json_get_str(pub, "publicExponent"), &e_len);
	cvc_err err = CVC_ERR_INVALID_ARG;

	if (n != NULL && e != NULL && algo != NULL)
		err = cvc_key_from_rsa(n, n_len, e, e_len, algo, key);
	free(n);
	free(e);
	return err;
}

/* RSASSA-PKCS1-v1_5 verify and sig-gen vectors (the latter give the key as
 * privateKey: only its public half is used). */
static void rsa_v15_group(run_ctx *c, const json_value *group,
                          const char *key_member)
{
	cvc_algo scratch;
	const cvc_algo *algo =
	    algo_for(CVC_SCHEME_RSA_V15, json_get_str(group, "sha"), &scratch);
	cvc_key *key = NULL;
	cvc_err err = rsa_key_from(json_get(group, key_member), algo, &key);

	if (err != CVC_OK)
		group_not_run(c, group, cvc_strerror(err));
	else
		run_group_tests(c, group, key, algo, MODE_NORMAL);
	cvc_key_free(&key);
}

static void rsa_pss_group(run_ctx *c, const json_value *group)
{
	const char *sha = json_get_str(group, "sha");
	const char *mgf = json_get_str(group, "mgf");
	const char *mgf_sha = json_get_str(group, "mgfSha");
	cvc_algo scratch;
	const cvc_algo *algo = algo_for(CVC_SCHEME_RSA_PSS, sha, &scratch);
	cvc_key *key = NULL;
	cvc_err err = rsa_key_from(json_get(group, "publicKey"), algo, &key);
	bool same_mgf = mgf != NULL && strcmp(mgf, "MGF1") == 0 &&
	                mgf_sha != NULL && sha != NULL &&
	                strcmp(mgf_sha, sha) == 0;

	if (err != CVC_OK)
		group_not_run(c, group, cvc_strerror(err));
	else
		run_group_tests(c, group, key, algo,
		                same_mgf ? MODE_NORMAL : MODE_OUTSIDE_MODEL);
	cvc_key_free(&key);
}

static bool run_group(run_ctx *c, const char *schema, const json_value *g)
{
	c->pss = false;
	if (strcmp(schema, "ecdsa_p1363_verify_schema_v1.json") == 0)
		ecdsa_group(c, g);
	else if (strcmp(schema, "rsassa_pkcs1_verify_schema_v1.json") == 0)
		rsa_v15_group(c, g, "publicKey");
	else if (strcmp(schema, "rsassa_pkcs1_generate_schema_v1.json") == 0)
		rsa_v15_group(c, g, "privateKey");
	else if (strcmp(schema, "rsassa_pss_verify_schema_v1.json") == 0) {
		c->pss = true;
		rsa_pss_group(c, g);
	} else
		return false;
	return true;
}

static void run_file(const char *dir, const char *name, stats *st)
{
	char path[PATH_CAP], err[128] = "";
	size_t len = 0;
	char *text;
	json_value *doc;
	const char *schema;
	const json_value *groups;
	run_ctx c = {name, st, false};

	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", dir, name),
	                 (int)sizeof(path));
	text = read_text_file(path, &len);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	doc = json_parse(text, len, err, sizeof(err));
	free(text);
	ck_assert_msg(doc != NULL, "%s: JSON error: %s", name, err);
	st->tests = (size_t)json_get_long(doc, "numberOfTests", 0);
	schema = json_get_str(doc, "schema");
	groups = json_get(doc, "testGroups");
	for (const json_value *g = groups ? groups->child : NULL; g;
	     g = g->next) {
		if (schema == NULL || !run_group(&c, schema, g))
			group_not_run(&c, g, "unknown schema");
	}
	json_free(doc);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_vector_files(const char *dir, char **names, size_t cap,
                                size_t *others)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_msg(d != NULL, "no Wycheproof directory %s", dir);
	*others = 0;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		if (l < 10 || strcmp(e->d_name + l - 10, "_test.json") != 0) {
			(*others)++;
			continue;
		}
		ck_assert_msg(n < cap, "more than %zu vector files", cap);
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	return n;
}

static void print_stats(const char *name, const stats *s)
{
	printf("%-46s tests %4zu run %4zu agree %4zu (acceptable %zu) "
	       "disagree %zu salt-variants %zu outside-model %zu "
	       "not-run %zu\n",
	       name, s->tests, s->run, s->agree, s->acceptable, s->disagree,
	       s->salt_variants, s->outside_model, s->not_run);
}

START_TEST(test_all_vector_files)
{
	char buf[PATH_CAP];
	const char *dir = vector_dir(buf, sizeof(buf));
	char *names[MAX_FILES];
	size_t others, n = list_vector_files(dir, names, MAX_FILES, &others);
	stats total = {0};
	size_t empty = 0;

	printf("Wycheproof vectors from %s\n", dir);
	ck_assert_msg(n > 0, "no *_test.json in %s", dir);
	for (size_t i = 0; i < n; i++) {
		stats st = {0};

		run_file(dir, names[i], &st);
		print_stats(names[i], &st);
		/* every vector in the file was run, and at least one */
		if (st.run == 0 || st.run + st.not_run != st.tests) {
			empty++;
			fprintf(stderr, "wycheproof: %s ran %zu of %zu\n",
			        names[i], st.run, st.tests);
		}
		stats_add(&total, &st);
		free(names[i]);
	}
	print_stats("TOTAL", &total);
	printf("%zu vector files, %zu other files (schemas, licence, notes)\n",
	       n, others);
	fflush(stdout);
	ck_assert_msg(total.disagree == 0, "%zu disagreements", total.disagree);
	ck_assert_msg(total.not_run == 0, "%zu vectors not run", total.not_run);
	ck_assert_msg(empty == 0, "%zu files not fully run", empty);
	ck_assert_uint_eq(
	    total.agree + total.salt_variants + total.outside_model, total.run);
	ck_assert_uint_eq(total.run, total.tests);
}
END_TEST

/* The policy table must decide the flags the data actually uses. */
START_TEST(test_acceptable_rules_are_decisions)
{
	char text[] = "{\"flags\": [\"SmallModulus\", \"WeakHash\"]}";
	char text2[] = "{\"flags\": [\"SmallModulus\", \"MissingNull\"]}";
	char text3[] = "{\"flags\": [\"SomethingNew\"]}";
	json_value *a = json_parse(text, strlen(text), NULL, 0);
	json_value *b = json_parse(text2, strlen(text2), NULL, 0);
	json_value *u = json_parse(text3, strlen(text3), NULL, 0);
	bool known;

	ck_assert_ptr_nonnull(a);
	ck_assert(acceptable_decision(a, &known));
	ck_assert(known);
	ck_assert(!acceptable_decision(b, &known));
	ck_assert(known);
	acceptable_decision(u, &known);
	ck_assert(!known);
	json_free(a);
	json_free(b);
	json_free(u);
}
END_TEST

START_TEST(test_json_reader)
{
	static const char doc[] =
	    " {\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\\"y\\u00e9"
	    "\\ud83d\\ude00\\n\", \"o\": {}} ";
	char err[64];
	json_value *v = json_parse(doc, strlen(doc), err, sizeof(err));
	const json_value *a;

	ck_assert_msg(v != NULL, "%s", err);
	a = json_get(v, "a");
	ck_assert_uint_eq(a->count, 5);
	ck_assert(a->child->next->num == -25.0);
	ck_assert_str_eq(json_get_str(v, "s"),
	                 "x\"y\xc3\xa9\xf0\x9f\x98\x80\n");
	ck_assert_int_eq(json_get(v, "o")->type, JSON_OBJECT);
	ck_assert_ptr_null(json_get(v, "missing"));
	json_free(v);
	ck_assert_ptr_null(json_parse("{\"a\":1,}", 8, err, sizeof(err)));
	ck_assert_ptr_null(json_parse("[1] 2", 5, err, sizeof(err)));
	ck_assert_ptr_null(json_parse("\"\\ud800\"", 8, err, sizeof(err)));
}
END_TEST

static Suite *wycheproof_suite(void)
{
	Suite *s = suite_create("wycheproof");
	TCase *tc = tcase_create("vectors");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_json_reader);
	tcase_add_test(tc, test_acceptable_rules_are_decisions);
	tcase_add_test(tc, test_all_vector_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(wycheproof_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
