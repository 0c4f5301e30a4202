/* SPDX-License-Identifier: MIT */
/*
 * Benchmark (not a test): the integrator's call, cvc_badge_authenticate(),
 * against an in-process virtual badge (applet-spec/vbadge) personalized by
 * a test PKI (CVCA -> DV -> badge), for brainpoolP256r1 and P-256. Three
 * measurements per curve, in one run:
 *
 *   (a) authenticate  cvc_badge_authenticate end to end: SELECT, INTERNAL
 *                     AUTHENTICATE with the chain (the card signs with its
 *                     key in-process), chain validation, proof signature
 *   (b) host only     on one captured INTERNAL AUTHENTICATE answer: split
 *                     the chain, cvc_chain_verify against the CVCA anchor,
 *                     cvc_badge_verify_proof (what a door controller does
 *                     once the answer has arrived)
 *   (c) raw 3x EVP    the same three ECDSA signatures (badge certificate by
 *                     the DV, DV certificate by the CVCA, M_AUTH by the
 *                     badge) each with one EVP_DigestVerify, keys prepared
 *                     and signatures converted to DER beforehand: the least
 *                     work OpenSSL's EVP interface allows
 *
 * (b)/(c) is the host-side overhead of libcvc over bare signature checks;
 * (a)-(b) is the card (signing) and the APDU layer. Rounds interleave the
 * methods and the median round is reported, so that a noisy neighbour
 * skews all alike. Validation runs at a fixed date inside the test PKI's
 * validity, so the result does not depend on today.
 *
 * Usage: bench_badge [iterations per round]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <cvc/cvc.h>

#include "vbadge.h"
#include "vbpki.h"

#define ROUNDS        9
#define CHALLENGE_LEN 32
#define AT_DATE       "2025-09-01"
#define PIN           "123456"

static void die(const char *what)
{
	fprintf(stderr, "bench_badge: %s\n", what);
	exit(1);
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
/* One badge and its PKI                                               */

/* One signature for the raw method: key, DER signature, signed octets. */
typedef struct raw_sig {
	EVP_PKEY *pkey;
	uint8_t der[160];
	size_t der_len;
	uint8_t msg[1024];
	size_t msg_len;
} raw_sig;

typedef struct subject {
	const char *keyspec; /* vbpki's name */
	const char *group;   /* OpenSSL's name */
	char dir[64];        /* temporary directory of the state file */
	char state[96];
	vbpki pki;
	vbadge *vb;
	cvc_card *card;
	cvc_store *store;
	cvc_badge_policy policy;
	/* the captured answer for (b) */
	uint8_t challenge[CHALLENGE_LEN];
	cvc_badge_proof proof;
	uint8_t chain[CVC_BADGE_MAX_CHAIN];
	/* (c) */
	EVP_MD *md;
	raw_sig raw[3];
} subject;

static void open_badge(subject *s)
{
	uint16_t sw = 0;

	strcpy(s->dir, "/tmp/bench_badge.XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		die("mkdtemp");
	snprintf(s->state, sizeof(s->state), "%s/badge.state", s->dir);
	if (vbpki_build(&s->pki, s->keyspec) != CVC_OK)
		die("test PKI");
	if (vbadge_open(s->state, &s->vb, NULL) != CVC_OK)
		die("vbadge_open");
	if (vbpki_personalize(&s->pki, s->vb, PIN, &sw) != CVC_OK) {
		fprintf(stderr, "bench_badge: personalization: SW %04X\n", sw);
		exit(1);
	}
	if (cvc_card_open_function(vbadge_process, s->vb, &s->card) != CVC_OK)
		die("cvc_card_open_function");
}

static void make_policy(subject *s)
{
	if (cvc_store_new(&s->store) != CVC_OK ||
	    cvc_store_add_anchor(s->store, s->pki.cvca.der, s->pki.cvca.len, 0,
	                         NULL) != CVC_OK)
		die("trust store");
	s->policy.store = s->store;
	if (cvc_date_parse(AT_DATE, &s->policy.at) != CVC_OK)
		die("date");
}

/* One INTERNAL AUTHENTICATE answer with the chain, kept for (b) and (c). */
static void capture(subject *s)
{
	cvc_badge_info info;

	for (size_t i = 0; i < sizeof(s->challenge); i++)
		s->challenge[i] = (uint8_t)(0xA5 ^ i);
	if (cvc_badge_select(s->card, &info, NULL) != CVC_OK ||
	    cvc_badge_internal_auth(s->card, s->challenge, sizeof(s->challenge),
	                            false, true, &s->proof, s->chain,
	                            sizeof(s->chain), NULL) != CVC_OK)
		die("capture INTERNAL AUTHENTICATE");
}

/* ------------------------------------------------------------------ */
/* The three methods                                                   */

static int run_authenticate(subject *s)
{
	cvc_badge_result res;

	return cvc_badge_authenticate(s->card, &s->policy, &res) == CVC_OK &&
	       res.decision == CVC_BADGE_ACCEPT;
}

/* The first certificate above the badge with EC domain parameters, as
 * cvc_badge_authenticate finds them (TR-03110-3 D.3.3). */
static const cvc_pubkey *domain_of(const cvc_chain_result *cr)
{
	for (size_t i = 1; i < cr->n; i++)
		if (cvc_pubkey_has_domain_params(&cr->chain[i]->key))
			return &cr->chain[i]->key;
	return NULL;
}

static int run_host(subject *s)
{
	cvc_cert badge, dv;
	const cvc_cert *extra[1] = {&dv};
	cvc_chain_result cr;

	return cvc_badge_split_chain(s->chain, s->proof.chain_len, &badge, &dv,
	                             NULL) == CVC_OK &&
	       cvc_chain_verify(s->store, &badge, extra, 1, &s->policy.at, NULL,
	                        0, &cr) == CVC_OK &&
	       cvc_badge_verify_proof(&badge, domain_of(&cr), s->challenge,
	                              sizeof(s->challenge), &s->proof,
	                              NULL) == CVC_OK;
}

static int verify_raw(const subject *s, const raw_sig *r)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok =
	    ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, s->md, NULL, r->pkey) == 1 &&
	    EVP_DigestVerify(ctx, r->der, r->der_len, r->msg, r->msg_len) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

static int run_raw(subject *s)
{
	return verify_raw(s, &s->raw[0]) && verify_raw(s, &s->raw[1]) &&
	       verify_raw(s, &s->raw[2]);
}

/* ------------------------------------------------------------------ */
/* Preparation of the raw method (not timed)                           */

static EVP_PKEY *raw_key(const char *group, const cvc_pubkey *key)
{
	cvc_span y = CVC_EC_POINT(key);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	                                     (char *)group, 0),
	    OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	                                      (void *)y.data, y.len),
	    OSSL_PARAM_construct_end(),
	};
	EVP_PKEY *pkey = NULL;

	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		die("raw key");
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* Plain r || s (TR-03111 5.2.1) to ECDSA-Sig-Value. */
static void raw_signature(const uint8_t *sig, size_t len, raw_sig *r)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	unsigned char *p = r->der;
	size_t l = len / 2;

	if (es == NULL || len == 0 || len % 2 != 0 || len > 128 ||
	    ECDSA_SIG_set0(es, BN_bin2bn(sig, (int)l, NULL),
	                   BN_bin2bn(sig + l, (int)l, NULL)) != 1)
		die("raw signature");
	r->der_len = (size_t)i2d_ECDSA_SIG(es, &p);
	ECDSA_SIG_free(es);
}

static void raw_message(const uint8_t *msg, size_t len, raw_sig *r)
{
	if (len > sizeof(r->msg))
		die("raw message");
	memcpy(r->msg, msg, len);
	r->msg_len = len;
}

static void prepare_raw(subject *s)
{
	cvc_cert badge, dv, cvca;
	uint8_t m_auth[160];
	size_t m_len = 0;

	if (cvc_badge_split_chain(s->chain, s->proof.chain_len, &badge, &dv,
	                          NULL) != CVC_OK ||
	    cvc_cert_decode(s->pki.cvca.der, s->pki.cvca.len, 0, &cvca, NULL) !=
	        CVC_OK ||
	    cvc_badge_auth_message(
	        s->proof.flags, badge.chr,
	        (cvc_span){s->proof.nonce, sizeof(s->proof.nonce)},
	        (cvc_span){s->challenge, sizeof(s->challenge)}, m_auth,
	        sizeof(m_auth), &m_len) != CVC_OK)
		die("decode captured answer");
	s->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (s->md == NULL)
		die("SHA256");
	/* badge certificate by the DV, DV certificate by the CVCA */
	s->raw[0].pkey = raw_key(s->group, &dv.key);
	raw_signature(badge.signature.data, badge.signature.len, &s->raw[0]);
	raw_message(badge.tbs.data, badge.tbs.len, &s->raw[0]);
	s->raw[1].pkey = raw_key(s->group, &cvca.key);
	raw_signature(dv.signature.data, dv.signature.len, &s->raw[1]);
	raw_message(dv.tbs.data, dv.tbs.len, &s->raw[1]);
	/* M_AUTH by the badge key */
	s->raw[2].pkey = raw_key(s->group, &badge.key);
	raw_signature(s->proof.signature, s->proof.signature_len, &s->raw[2]);
	raw_message(m_auth, m_len, &s->raw[2]);
}

static void prepare(subject *s)
{
	open_badge(s);
	make_policy(s);
	capture(s);
	prepare_raw(s);
}

static void release(subject *s)
{
	for (size_t i = 0; i < 3; i++)
		EVP_PKEY_free(s->raw[i].pkey);
	EVP_MD_free(s->md);
	cvc_card_free(&s->card);
	vbadge_free(&s->vb);
	cvc_store_free(&s->store);
	vbpki_free(&s->pki);
	unlink(s->state);
	rmdir(s->dir);
}

/* ------------------------------------------------------------------ */
/* Timing                                                              */

typedef struct method {
	const char *name;
	int (*run)(subject *);
	double round_ns[ROUNDS];
	double median;
} method;

static double time_round(method *m, subject *s, long n)
{
	double t0 = now_ns();
	long ok = 0;

	for (long i = 0; i < n; i++)
		ok += m->run(s);
	if (ok != n)
		die(m->name);
	return (now_ns() - t0) / (double)n;
}

/* Prints the results; 0 when every number is finite and positive. */
static int bench(const char *keyspec, const char *group, long n)
{
	subject s = {.keyspec = keyspec, .group = group};
	method methods[] = {
	    {"(a) authenticate", run_authenticate, {0}, 0},
	    {"(b) host only", run_host, {0}, 0},
	    {"(c) raw 3x EVP", run_raw, {0}, 0},
	};
	size_t nm = sizeof(methods) / sizeof(methods[0]);
	double a, b, c;

	prepare(&s);
	for (size_t m = 0; m < nm; m++) /* warm up and check */
		time_round(&methods[m], &s, n / 10 + 1);
	for (int r = 0; r < ROUNDS; r++)
		for (size_t m = 0; m < nm; m++)
			methods[m].round_ns[r] = time_round(&methods[m], &s, n);
	for (size_t m = 0; m < nm; m++) {
		qsort(methods[m].round_ns, ROUNDS, sizeof(double), cmp_double);
		methods[m].median = methods[m].round_ns[ROUNDS / 2];
	}
	a = methods[0].median;
	b = methods[1].median;
	c = methods[2].median;
	printf("badge authentication, %s (ECDSA-SHA-256), in-process vbadge\n"
	       "%d rounds x %ld iterations, median round:\n",
	       keyspec, ROUNDS, n);
	for (size_t m = 0; m < nm; m++)
		printf("  %-18s %9.1f us/call  %5.2fx raw\n", methods[m].name,
		       methods[m].median / 1e3, methods[m].median / c);
	printf("host/raw (b)/(c) = %.3f\n", b / c);
	printf("card + APDU layer (a)-(b) = %.1f us/call\n\n", (a - b) / 1e3);
	release(&s);
	return isfinite(a) && isfinite(b) && isfinite(c) && a > 0 && b > 0 &&
	               c > 0
	           ? 0
	           : 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
	int bad = 0;

	if (n <= 0)
		die("iterations must be positive");
	bad |= bench("brainpoolP256r1", "brainpoolP256r1", n);
	bad |= bench("P-256", "prime256v1", n);
	return bad;
}
