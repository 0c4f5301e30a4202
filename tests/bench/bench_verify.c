/* SPDX-License-Identifier: MIT */
/*
 * Benchmark (not a test): verifying a real German eID terminal certificate
 * (brainpoolP256r1, ECDSA-SHA-256) with its DV's key already built, three
 * ways, measured in one run:
 *
 *   libcvc   cvc_cert_verify_signature(cert, cached key)
 *   raw      EVP_DigestVerify of the same signature, converted to DER once,
 *            with a prepared EVP_PKEY and a prefetched EVP_MD: the least
 *            work OpenSSL's EVP interface allows
 *   libeac   OpenPACE's CVC_verify_signature (when built with libeac)
 *
 * The target is libcvc <= 1.2 x raw. Rounds interleave the methods and the
 * median round is reported, so that a noisy neighbour skews all alike.
 * libeac exports its own EVP_PKEY_dup, shadowing OpenSSL's: nothing here
 * calls it.
 *
 * Usage: bench_verify [iterations per round]   (env CVC_CORPUS_DIR)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <cvc/cvc.h>

#ifdef CVC_BENCH_LIBEAC
#include <eac/cv_cert.h>
#include <eac/eac.h>
#include <openssl/objects.h>
#endif

#define DEFAULT_CORPUS "/work/shared/testdata/cvc-corpus"
#define FAMILY         "de_eid_production"
#define TERMINAL       "DE0000049004FN__at-terminal__by_DEDVeIDDTR101401__"
#define DV             "DEDVeIDDTR101401__at-dv-nonofficial__by_DECVCAeID00102__"
#define CVCA           "DECVCAeID00102__at-cvca__selfsigned__"
#define ROUNDS         9
#define MAX_FILE       4096

typedef struct blob {
	uint8_t data[MAX_FILE];
	size_t len;
} blob;

static void die(const char *what)
{
	fprintf(stderr, "bench_verify: %s\n", what);
	exit(1);
}

/* The corpus file in FAMILY whose name starts with prefix. */
static void load(const char *dir, const char *prefix, blob *out)
{
	char path[4096];
	DIR *d;
	struct dirent *e;
	FILE *fp = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, FAMILY);
	d = opendir(path);
	if (d == NULL)
		die("no corpus (set CVC_CORPUS_DIR)");
	while ((e = readdir(d)) != NULL && fp == NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/%s", dir, FAMILY,
		             e->d_name) >= (int)sizeof(path))
			die("path too long");
		fp = fopen(path, "rb");
	}
	closedir(d);
	if (fp == NULL)
		die(prefix);
	out->len = fread(out->data, 1, sizeof(out->data), fp);
	fclose(fp);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ */
/* The three verifiers                                                 */

typedef struct subject {
	cvc_cert term, dv, cvca;
	cvc_key *key;     /* libcvc: DV key, cached */
	EVP_PKEY *pkey;   /* raw: DV key on the named group */
	EVP_MD *md;       /* raw: prefetched SHA-256 */
	uint8_t der[160]; /* raw: the signature as ECDSA-Sig-Value */
	size_t der_len;
#ifdef CVC_BENCH_LIBEAC
	CVC_CERT *eac_term;
	EVP_PKEY *eac_key;
	int eac_protocol;
#endif
} subject;

static int verify_libcvc(const subject *s)
{
	return cvc_cert_verify_signature(&s->term, s->key) == CVC_OK;
}

static int verify_raw(const subject *s)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL &&
	         EVP_DigestVerifyInit(ctx, NULL, s->md, NULL, s->pkey) == 1 &&
	         EVP_DigestVerify(ctx, s->der, s->der_len, s->term.tbs.data,
	                          s->term.tbs.len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

#ifdef CVC_BENCH_LIBEAC
static int verify_libeac(const subject *s)
{
	return CVC_verify_signature(s->eac_term, s->eac_protocol, s->eac_key) ==
	       1;
}
#endif

/* ------------------------------------------------------------------ */
/* Preparation (not timed)                                             */

static void prepare_raw(subject *s)
{
	cvc_span y = CVC_EC_POINT(&s->dv.key);
	cvc_span sig = s->term.signature;
	size_t l = sig.len / 2;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	                                     "brainpoolP256r1", 0),
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	                                      (void *)y.data, y.len),
	    OSSL_PARAM_construct_end(),
	};
	ECDSA_SIG *es = ECDSA_SIG_new();
	unsigned char *p = s->der;

	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &s->pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		die("raw key");
	EVP_PKEY_CTX_free(ctx);
	s->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (es == NULL || s->md == NULL ||
	    ECDSA_SIG_set0(es, BN_bin2bn(sig.data, (int)l, NULL),
	                   BN_bin2bn(sig.data + l, (int)l, NULL)) != 1)
		die("raw signature");
	s->der_len = (size_t)i2d_ECDSA_SIG(es, &p);
	ECDSA_SIG_free(es);
}

#ifdef CVC_BENCH_LIBEAC
static CVC_CERT *eac_decode(const blob *b)
{
	const unsigned char *p = b->data;
	CVC_CERT *c = CVC_d2i_CVC_CERT(NULL, &p, (long)b->len);

	if (c == NULL)
		die("libeac cannot decode");
	return c;
}

/* The DV key with the CVCA's domain parameters, as OpenPACE's TA does. */
static void prepare_libeac(subject *s, const blob *term, const blob *dv,
                           const blob *cvca)
{
	CVC_CERT *c_cvca = eac_decode(cvca), *c_dv = eac_decode(dv);
	EVP_PKEY *params = CVC_pubkey2pkey(c_cvca, NULL, NULL);

	s->eac_key = CVC_pubkey2pkey(c_dv, NULL, params);
	if (params == NULL || s->eac_key == NULL)
		die("libeac key");
	s->eac_protocol = OBJ_obj2nid(c_dv->body->public_key->oid);
	s->eac_term = eac_decode(term);
	CVC_CERT_free(c_cvca);
	CVC_CERT_free(c_dv);
}
#endif

static void prepare(subject *s, const char *dir)
{
	static blob term, dv, cvca;

	load(dir, TERMINAL, &term);
	load(dir, DV, &dv);
	load(dir, CVCA, &cvca);
	if (cvc_cert_decode(term.data, term.len, 0, &s->term, NULL) ||
	    cvc_cert_decode(dv.data, dv.len, 0, &s->dv, NULL) ||
	    cvc_cert_decode(cvca.data, cvca.len, 0, &s->cvca, NULL))
		die("decode");
	if (cvc_key_from_pubkey(&s->dv.key, &s->cvca.key, 0, &s->key, NULL))
		die("libcvc key");
	prepare_raw(s);
#ifdef CVC_BENCH_LIBEAC
	EAC_init();
	prepare_libeac(s, &term, &dv, &cvca);
#endif
}

/* ------------------------------------------------------------------ */
/* Timing                                                              */

typedef struct method {
	const char *name;
	int (*verify)(const subject *);
	double round_ns[ROUNDS];
	double median;
} method;

static double time_round(method *m, const subject *s, long n)
{
	double t0 = now_ns();
	long ok = 0;

	for (long i = 0; i < n; i++)
		ok += m->verify(s);
	if (ok != n)
		die(m->name);
	return (now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("CVC_CORPUS_DIR");
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
	subject s = {0};
	method methods[] = {
	    {"libcvc", verify_libcvc, {0}, 0},
	    {"raw OpenSSL EVP", verify_raw, {0}, 0},
#ifdef CVC_BENCH_LIBEAC
	    {"OpenPACE libeac", verify_libeac, {0}, 0},
#endif
	};
	size_t nm = sizeof(methods) / sizeof(methods[0]);
	double raw;

	if (n <= 0)
		die("iterations must be positive");
	prepare(&s, dir && *dir ? dir : DEFAULT_CORPUS);
	for (size_t m = 0; m < nm; m++) /* warm up and check */
		time_round(&methods[m], &s, n / 10 + 1);
	for (int r = 0; r < ROUNDS; r++)
		for (size_t m = 0; m < nm; m++)
			methods[m].round_ns[r] = time_round(&methods[m], &s, n);
	for (size_t m = 0; m < nm; m++) {
		qsort(methods[m].round_ns, ROUNDS, sizeof(double), cmp_double);
		methods[m].median = methods[m].round_ns[ROUNDS / 2];
	}
	raw = methods[1].median;
	printf("verify DE0000049004FN (brainpoolP256r1, ECDSA-SHA-256) with a "
	       "cached DV key\n%d rounds x %ld iterations, median round:\n",
	       ROUNDS, n);
	for (size_t m = 0; m < nm; m++)
		printf("  %-16s %9.0f ns/op  %5.2fx raw\n", methods[m].name,
		       methods[m].median, methods[m].median / raw);
#ifndef CVC_BENCH_LIBEAC
	printf("  OpenPACE libeac  not built (libeac-dev not found)\n");
#endif
	printf("libcvc/raw = %.3f (target <= 1.20: %s)\n",
	       methods[0].median / raw,
	       methods[0].median / raw <= 1.20 ? "met" : "NOT met");
	if (nm > 2)
		printf("libeac/libcvc = %.3f\n",
		       methods[2].median / methods[0].median);
	cvc_key_free(&s.key);
	EVP_PKEY_free(s.pkey);
	EVP_MD_free(s.md);
#ifdef CVC_BENCH_LIBEAC
	CVC_CERT_free(s.eac_term);
	EVP_PKEY_free(s.eac_key);
	EAC_cleanup();
#endif
	return 0;
}
