/* SPDX-License-Identifier: MIT */
/*
 * Trust store and chain validation.
 *
 * Real chains: every complete chain of the corpus (EXPECTED.tsv, chain
 * column "root:...") validates against its root at a date inside its
 * validity, with the whole corpus offered as intermediates (so reused CARs,
 * links, cross certificates and loops are in the way); the gematik chains
 * also validate from the bare trust-anchor keys through the cross
 * certificates.
 *
 * Synthetic chains (testpki, real ECDSA brainpoolP256r1 and RSA keys): each
 * negative case asserts its error code, the index of the certificate
 * concerned and the name of the check.
 */
#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cvc/cvc.h>

#include "testpki.h"

#define DEFAULT_CORPUS_DIR "/work/shared/testdata/cvc-corpus"
#define PATH_CAP           4096

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static const uint8_t *const chat_cvca = testpki_chat_cvca;
static const uint8_t *const chat_dv = testpki_chat_dv;
static const uint8_t *const chat_term = testpki_chat_term;
static const uint8_t chat_dv_foreign[5] = {0x7F, 0xFF, 0xFF, 0xFF, 0x0F};

static cvc_err verify(const cvc_store *store, const testpki_cert *target,
                      const cvc_date *at, unsigned flags, cvc_chain_result *r)
{
	return cvc_chain_verify(store, &target->cert, NULL, 0, at, NULL, flags,
	                        r);
}

static void assert_fails(const cvc_chain_result *r, cvc_err status,
                         size_t failed, const char *check)
{
	ck_assert_msg(r->status == status, "status %s (%s at %zu), want %s",
	              cvc_strerror(r->status), r->check ? r->check : "-",
	              r->failed, cvc_strerror(status));
	ck_assert_uint_eq(r->failed, failed);
	ck_assert_ptr_nonnull(r->check);
	ck_assert_str_eq(r->check, check);
}

static bool span_eq(cvc_span a, cvc_span b)
{
	return a.len == b.len &&
	       (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

static bool same_bytes(const cvc_cert *a, const testpki_cert *b)
{
	return a->raw.len == b->len && memcmp(a->raw.data, b->der, b->len) == 0;
}

/* ------------------------------------------------------------------ */
/* Valid chains                                                        */

START_TEST(test_valid_ecdsa_chain)
{
	testpki_std p;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	ck_assert_int_eq(verify(p.store, &p.term, &p.at, 0, &r), CVC_OK);
	ck_assert_ptr_null(r.check);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_ptr_eq(r.chain[0], &p.term.cert);
	ck_assert(same_bytes(r.chain[1], &p.dv));
	ck_assert(same_bytes(r.chain[2], &p.cvca));
	/* The store holds copies: its views do not point into our buffers. */
	ck_assert_ptr_ne(r.chain[1]->raw.data, p.dv.der);
	ck_assert(!r.anchor_is_key);
	ck_assert_mem_eq(r.anchor_name.data, "DETESTCVCA00001", 15);
	ck_assert_int_eq(r.type, CVC_TT_AT);
	ck_assert_int_eq(r.role, CVC_ROLE_TERMINAL);
	ck_assert(!r.crl_checked);
	ck_assert(!r.anchor_expired);
	/* AND of FF.., BF FF FF FF 0F and 00 00 00 01 07 */
	ck_assert_uint_eq(r.rights_len, 5);
	ck_assert_mem_eq(r.rights, ((uint8_t[]){0x00, 0x00, 0x00, 0x01, 0x07}),
	                 5);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_valid_dv_target_rights)
{
	testpki_std p;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	ck_assert_int_eq(verify(p.store, &p.dv, &p.at, 0, &r), CVC_OK);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.role, CVC_ROLE_DV_DOMESTIC);
	/* role 11 & 10 = 10; rights FF.. & 3F FF FF FF 0F */
	ck_assert_mem_eq(r.rights, ((uint8_t[]){0xBF, 0xFF, 0xFF, 0xFF, 0x0F}),
	                 5);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_valid_rsa_chain)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert dv, term;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	testpki_std_build(&p, "rsa2048", "id-TA-RSA-v1-5-SHA-256");
	ck_assert_int_eq(verify(p.store, &p.term, &p.at, 0, &r), CVC_OK);
	ck_assert_uint_eq(r.n, 3);
	/* A DV whose key signs RSA-PSS (the algorithm is the signer's). */
	testpki_spec_init(&s, "DETESTDV000002", chat_dv, 5, "2025-06-01",
	                  "2025-12-31");
	s.key = "rsa2048";
	s.algo = "id-TA-RSA-PSS-SHA-256";
	testpki_issue(&p.cvca, &s, &dv);
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	s.key = "rsa2048";
	s.algo = "id-TA-RSA-PSS-SHA-256";
	testpki_issue(&dv, &s, &term);
	extra[0] = &dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, &term.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_OK);
	ck_assert_ptr_eq(r.chain[1], &dv.cert);
	/* A flipped bit in an RSA signature is caught too. */
	testpki_flip(&term, testpki_signature_offset(&term) + 100);
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, &term.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_ERR_SIGNATURE);
	assert_fails(&r, CVC_ERR_SIGNATURE, 0, "signature");
	testpki_free(&term);
	testpki_free(&dv);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_extras_inherit_domain)
{
	testpki_std p;
	cvc_store *store;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	/* Only the anchor in the store; the DV (no domain params) comes along.
	 */
	ck_assert(!cvc_pubkey_has_domain_params(&p.dv.cert.key));
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, p.cvca.der, p.cvca.len, 0,
	                               NULL) == CVC_OK);
	extra[0] = &p.dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &p.term.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_OK);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_ptr_eq(r.chain[1], &p.dv.cert);
	/* Without the DV there is no path. */
	ck_assert_int_eq(verify(store, &p.term, &p.at, 0, &r),
	                 CVC_ERR_UNKNOWN_ISSUER);
	assert_fails(&r, CVC_ERR_UNKNOWN_ISSUER, 0, "issuer");
	cvc_store_free(&store);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_target_is_anchor)
{
	testpki_std p;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	ck_assert_int_eq(verify(p.store, &p.cvca, &p.at, 0, &r), CVC_OK);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.role, CVC_ROLE_CVCA);
	ck_assert_ptr_eq(r.chain[0], &p.cvca.cert);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_untrusted_self_signed)
{
	testpki_std p, other;
	testpki_spec s;
	testpki_cert stranger;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DEOTHERCVCA0001", chat_cvca, 5, "2025-01-01",
	                  "2027-12-31");
	testpki_issue(NULL, &s, &stranger);
	ck_assert_int_eq(verify(p.store, &stranger, &p.at, 0, &r),
	                 CVC_ERR_UNKNOWN_ISSUER);
	assert_fails(&r, CVC_ERR_UNKNOWN_ISSUER, 0, "issuer");
	/* Under an anchor's name but with another key: a bad signature. */
	testpki_std_build(&other, NULL, NULL);
	ck_assert_int_eq(verify(p.store, &other.cvca, &p.at, 0, &r),
	                 CVC_ERR_SIGNATURE);
	assert_fails(&r, CVC_ERR_SIGNATURE, 0, "signature");
	testpki_std_free(&other);
	testpki_free(&stranger);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_key_anchor)
{
	testpki_std p;
	cvc_store *store;
	uint8_t pk[1024];
	size_t pk_len;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	pk_len = testpki_pubkey(&p.cvca, pk, sizeof(pk));
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(
	    cvc_store_add_anchor_key(store, pk, pk_len, p.cvca.cert.chr.data,
	                             p.cvca.cert.chr.len, NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(store, p.dv.der, p.dv.len, 0,
	                                     NULL) == CVC_OK);
	ck_assert_uint_eq(cvc_store_anchor_count(store), 1);
	ck_assert_uint_eq(cvc_store_intermediate_count(store), 1);
	ck_assert_int_eq(verify(store, &p.term, &p.at, 0, &r), CVC_OK);
	ck_assert_uint_eq(r.n, 2);
	ck_assert(r.anchor_is_key);
	ck_assert_mem_eq(r.anchor_name.data, "DETESTCVCA00001", 15);
	/* Bad names are refused. */
	ck_assert_int_eq(cvc_store_add_anchor_key(
	                     store, pk, pk_len, (const uint8_t *)"x", 0, NULL),
	                 CVC_ERR_BAD_VALUE);
	ck_assert_int_eq(cvc_store_add_anchor_key(
	                     store, pk, pk_len,
	                     (const uint8_t *)"12345678901234567", 17, NULL),
	                 CVC_ERR_BAD_VALUE);
	cvc_store_free(&store);
	testpki_std_free(&p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Links and dates                                                     */

struct rollover {
	testpki_cert old, mid, cur, dv, term;
	cvc_store *store;
};

/*
 * CVCA 1 (the anchor, expired) -> link 2 (expired) -> link 3 (current,
 * with a right CVCA 2 lacks) -> DV -> terminal.
 */
static void rollover_build(struct rollover *ro, const char *link3_to,
                           bool dv_under_mid)
{
	static const uint8_t chat_old[5] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
	testpki_spec s;

	memset(ro, 0, sizeof(*ro));
	testpki_spec_init(&s, "DETESTCVCA00001", chat_old, 5, "2020-01-01",
	                  "2022-12-31");
	testpki_issue(NULL, &s, &ro->old);
	testpki_spec_init(&s, "DETESTCVCA00002", chat_old, 5, "2022-06-01",
	                  "2024-12-31");
	testpki_issue(&ro->old, &s, &ro->mid);
	testpki_spec_init(&s, "DETESTCVCA00003", chat_cvca, 5, "2024-06-01",
	                  link3_to);
	testpki_issue(&ro->mid, &s, &ro->cur);
	testpki_spec_init(&s, "DETESTDV000001", chat_dv, 5, "2025-06-01",
	                  "2025-12-31");
	testpki_issue(dv_under_mid ? &ro->mid : &ro->cur, &s, &ro->dv);
	testpki_spec_init(&s, "DETESTTERM00001", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&ro->dv, &s, &ro->term);
	ck_assert(cvc_store_new(&ro->store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(ro->store, ro->old.der, ro->old.len, 0,
	                               NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(ro->store, ro->mid.der,
	                                     ro->mid.len, 0, NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(ro->store, ro->cur.der,
	                                     ro->cur.len, 0, NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(ro->store, ro->dv.der, ro->dv.len,
	                                     0, NULL) == CVC_OK);
}

static void rollover_free(struct rollover *ro)
{
	testpki_free(&ro->term);
	testpki_free(&ro->dv);
	testpki_free(&ro->cur);
	testpki_free(&ro->mid);
	testpki_free(&ro->old);
	cvc_store_free(&ro->store);
}

START_TEST(test_expired_links_carry_new_anchor)
{
	struct rollover ro;
	cvc_date at = testpki_date("2025-07-15");
	cvc_chain_result r;

	rollover_build(&ro, "2027-12-31", false);
	ck_assert_int_eq(verify(ro.store, &ro.term, &at, 0, &r), CVC_OK);
	ck_assert_uint_eq(r.n, 5);
	ck_assert(same_bytes(r.chain[2], &ro.cur));
	ck_assert(same_bytes(r.chain[4], &ro.old));
	ck_assert(r.anchor_expired);
	rollover_free(&ro);
}
END_TEST

START_TEST(test_expired_trust_point)
{
	struct rollover ro;
	cvc_date at = testpki_date("2025-07-15");
	cvc_chain_result r;

	/* Link 3 ended before the date and signs the DV: it is the trust
	 * point, and an expired trust point verifies no DV. */
	rollover_build(&ro, "2025-06-30", false);
	ck_assert_int_eq(verify(ro.store, &ro.term, &at, 0, &r),
	                 CVC_ERR_EXPIRED);
	assert_fails(&r, CVC_ERR_EXPIRED, 2, "dates");
	rollover_free(&ro);
	/* Same when the DV hangs under expired link 2. */
	rollover_build(&ro, "2027-12-31", true);
	ck_assert_int_eq(verify(ro.store, &ro.term, &at, 0, &r),
	                 CVC_ERR_EXPIRED);
	assert_fails(&r, CVC_ERR_EXPIRED, 2, "dates");
	rollover_free(&ro);
}
END_TEST

START_TEST(test_dates)
{
	testpki_std p;
	cvc_date d;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	/* Whole days, both ends inclusive. */
	d = testpki_date("2025-07-01");
	ck_assert_int_eq(verify(p.store, &p.term, &d, 0, &r), CVC_OK);
	d = testpki_date("2025-07-31");
	ck_assert_int_eq(verify(p.store, &p.term, &d, 0, &r), CVC_OK);
	d = testpki_date("2025-08-01");
	ck_assert_int_eq(verify(p.store, &p.term, &d, 0, &r), CVC_ERR_EXPIRED);
	assert_fails(&r, CVC_ERR_EXPIRED, 0, "dates");
	d = testpki_date("2025-06-30");
	ck_assert_int_eq(verify(p.store, &p.term, &d, 0, &r),
	                 CVC_ERR_NOT_YET_VALID);
	assert_fails(&r, CVC_ERR_NOT_YET_VALID, 0, "dates");
	/* Audits may skip the dates (and then pass no date at all). */
	ck_assert_int_eq(verify(p.store, &p.term, NULL, CVC_CHAIN_NO_DATES, &r),
	                 CVC_OK);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_expired_dv)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert dv, term;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DETESTDV000002", chat_dv, 5, "2025-01-01",
	                  "2025-07-14");
	testpki_issue(&p.cvca, &s, &dv);
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&dv, &s, &term);
	extra[0] = &dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, &term.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_ERR_EXPIRED);
	assert_fails(&r, CVC_ERR_EXPIRED, 1, "dates");
	ck_assert_uint_eq(r.n, 3);
	testpki_free(&term);
	testpki_free(&dv);
	testpki_std_free(&p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Issuers: unknown, wrong key, reused names                           */

START_TEST(test_unknown_issuer)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert term;
	cvc_store *store;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	/* Signed by the DV's key, but naming a CA nobody knows. */
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	s.car = "DEUNKNOWN00001";
	testpki_issue(&p.dv, &s, &term);
	ck_assert_int_eq(verify(p.store, &term, &p.at, 0, &r),
	                 CVC_ERR_UNKNOWN_ISSUER);
	assert_fails(&r, CVC_ERR_UNKNOWN_ISSUER, 0, "issuer");
	ck_assert_uint_eq(r.n, 1);
	/* The DV is known, its CVCA is not: the failure is one level up. */
	ck_assert(cvc_store_new(&store) == CVC_OK);
	extra[0] = &p.dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &p.term.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_ERR_UNKNOWN_ISSUER);
	assert_fails(&r, CVC_ERR_UNKNOWN_ISSUER, 1, "issuer");
	ck_assert_uint_eq(r.n, 2);
	cvc_store_free(&store);
	testpki_free(&term);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_wrong_issuer_key)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert impostor;
	cvc_store *store;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	/* Same CHR as the real DV, another key. */
	testpki_spec_init(&s, "DETESTDV000001", chat_dv, 5, "2025-06-01",
	                  "2025-12-31");
	testpki_issue(&p.cvca, &s, &impostor);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, p.cvca.der, p.cvca.len, 0,
	                               NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(store, impostor.der, impostor.len,
	                                     0, NULL) == CVC_OK);
	ck_assert_int_eq(verify(store, &p.term, &p.at, 0, &r),
	                 CVC_ERR_SIGNATURE);
	assert_fails(&r, CVC_ERR_SIGNATURE, 0, "signature");
	/* With the real DV added too (after the impostor), the right one is
	 * found by its signature. */
	ck_assert(cvc_store_add_intermediate(store, p.dv.der, p.dv.len, 0,
	                                     NULL) == CVC_OK);
	ck_assert_int_eq(verify(store, &p.term, &p.at, 0, &r), CVC_OK);
	ck_assert(same_bytes(r.chain[1], &p.dv));
	cvc_store_free(&store);
	testpki_free(&impostor);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_reused_cvca_name)
{
	testpki_std a, b;
	cvc_store *store;
	cvc_chain_result r;

	/* Two CVCAs called DETESTCVCA00001 with different keys. */
	testpki_std_build(&a, NULL, NULL);
	testpki_std_build(&b, NULL, NULL);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, a.cvca.der, a.cvca.len, 0,
	                               NULL) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, b.cvca.der, b.cvca.len, 0,
	                               NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(store, a.dv.der, a.dv.len, 0,
	                                     NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(store, b.dv.der, b.dv.len, 0,
	                                     NULL) == CVC_OK);
	ck_assert_uint_eq(cvc_store_anchor_count(store), 2);
	ck_assert_int_eq(verify(store, &b.term, &b.at, 0, &r), CVC_OK);
	ck_assert(same_bytes(r.chain[1], &b.dv));
	ck_assert(same_bytes(r.chain[2], &b.cvca));
	ck_assert_int_eq(verify(store, &a.term, &a.at, 0, &r), CVC_OK);
	ck_assert(same_bytes(r.chain[2], &a.cvca));
	/* Adding the same object again changes nothing. */
	ck_assert(cvc_store_add_anchor(store, a.cvca.der, a.cvca.len, 0,
	                               NULL) == CVC_OK);
	ck_assert_uint_eq(cvc_store_anchor_count(store), 2);
	ck_assert_uint_eq(cvc_store_intermediate_count(store), 2);
	cvc_store_free(&store);
	testpki_std_free(&b);
	testpki_std_free(&a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Tampering                                                           */

START_TEST(test_tampered_body)
{
	testpki_std p;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	/* Grant the terminal one more right after signing. */
	testpki_flip(&p.term, testpki_chat_offset(&p.term) + 4);
	ck_assert_int_eq(verify(p.store, &p.term, &p.at, 0, &r),
	                 CVC_ERR_SIGNATURE);
	assert_fails(&r, CVC_ERR_SIGNATURE, 0, "signature");
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_tampered_signature)
{
	testpki_std p;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_flip(&p.term, testpki_signature_offset(&p.term) + 10);
	ck_assert_int_eq(verify(p.store, &p.term, &p.at, 0, &r),
	                 CVC_ERR_SIGNATURE);
	assert_fails(&r, CVC_ERR_SIGNATURE, 0, "signature");
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_tampered_dv)
{
	testpki_std p;
	cvc_store *store;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_flip(&p.dv, testpki_chat_offset(&p.dv) + 3);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, p.cvca.der, p.cvca.len, 0,
	                               NULL) == CVC_OK);
	extra[0] = &p.dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &p.term.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_ERR_SIGNATURE);
	assert_fails(&r, CVC_ERR_SIGNATURE, 1, "signature");
	cvc_store_free(&store);
	testpki_std_free(&p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Roles, terminal types, CHAT                                         */

START_TEST(test_terminal_signs_terminal)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert t2;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&p.term, &s, &t2);
	extra[0] = &p.term.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, &t2.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_ERR_ROLE);
	assert_fails(&r, CVC_ERR_ROLE, 0, "role");
	ck_assert_uint_eq(r.n, 4);
	testpki_free(&t2);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_dv_signs_dv)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert dv2, t2;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DETESTDV000002", chat_dv_foreign, 5,
	                  "2025-06-01", "2025-12-31");
	testpki_issue(&p.dv, &s, &dv2);
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&dv2, &s, &t2);
	extra[0] = &dv2.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, &t2.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_ERR_ROLE);
	assert_fails(&r, CVC_ERR_ROLE, 1, "role");
	testpki_free(&t2);
	testpki_free(&dv2);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_dv_claims_cvca)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert fake, t2;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	/* The DV issues itself a CVCA certificate under a new name. */
	testpki_spec_init(&s, "DEFAKECVCA00001", chat_cvca, 5, "2025-06-01",
	                  "2025-12-31");
	testpki_issue(&p.dv, &s, &fake);
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&fake, &s, &t2);
	extra[0] = &fake.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, &t2.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_ERR_ROLE);
	/* index 0 is the terminal, 1 the fake CVCA under the DV (2) */
	ck_assert_uint_eq(r.n, 4);
	assert_fails(&r, CVC_ERR_ROLE, 1, "role");
	testpki_free(&t2);
	testpki_free(&fake);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_cvca_signs_terminal)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert t2;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&p.cvca, &s, &t2);
	ck_assert_int_eq(verify(p.store, &t2, &p.at, 0, &r), CVC_ERR_ROLE);
	assert_fails(&r, CVC_ERR_ROLE, 0, "role");
	testpki_free(&t2);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_widened_terminal_chat)
{
	static const uint8_t wide_term[5] = {0x00, 0x00, 0x00, 0x01, 0x17};
	testpki_std p;
	testpki_spec s;
	testpki_cert term;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	/* A terminal with a right (bit 4) its DV lacks. */
	testpki_spec_init(&s, "DETESTTERM00002", wide_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&p.dv, &s, &term);
	ck_assert_int_eq(verify(p.store, &term, &p.at, 0, &r),
	                 CVC_ERR_CHAT_WIDENED);
	assert_fails(&r, CVC_ERR_CHAT_WIDENED, 0, "chat");
	testpki_free(&term);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_widened_dv_chat)
{
	static const uint8_t narrow_cvca[5] = {0xFF, 0xFF, 0xFF, 0xFF, 0x03};
	testpki_spec s;
	testpki_cert cvca, dv, term;
	cvc_store *store;
	const cvc_cert *extra[1];
	cvc_date at = testpki_date("2025-07-15");
	cvc_chain_result r;

	/* A DV with rights (bits 2, 3) its CVCA lacks. */
	testpki_spec_init(&s, "DETESTCVCA00009", narrow_cvca, 5, "2025-01-01",
	                  "2027-12-31");
	testpki_issue(NULL, &s, &cvca);
	testpki_spec_init(&s, "DETESTDV000009", chat_dv, 5, "2025-06-01",
	                  "2025-12-31");
	testpki_issue(&cvca, &s, &dv);
	testpki_spec_init(&s, "DETESTTERM00003", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&dv, &s, &term);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, cvca.der, cvca.len, 0, NULL) ==
	          CVC_OK);
	extra[0] = &dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &term.cert, extra, 1, &at, NULL, 0, &r),
	    CVC_ERR_CHAT_WIDENED);
	assert_fails(&r, CVC_ERR_CHAT_WIDENED, 1, "chat");
	testpki_free(&term);
	testpki_free(&dv);
	testpki_free(&cvca);
	cvc_store_free(&store);
}
END_TEST

START_TEST(test_terminal_type_mismatch)
{
	static const uint8_t is_term[1] = {0x03};
	testpki_std p;
	testpki_spec s;
	testpki_cert term;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DETESTTERM00002", is_term, 1, "2025-07-01",
	                  "2025-07-31");
	s.type = testpki_id_is;
	s.type_len = 9;
	testpki_issue(&p.dv, &s, &term);
	ck_assert_int_eq(verify(p.store, &term, &p.at, 0, &r),
	                 CVC_ERR_TERMINAL_TYPE);
	assert_fails(&r, CVC_ERR_TERMINAL_TYPE, 0, "terminal type");
	/* Mixing is allowed only between a CVCA and its DV. */
	ck_assert_int_eq(
	    verify(p.store, &term, &p.at, CVC_CHAIN_ALLOW_TYPE_MIX, &r),
	    CVC_ERR_TERMINAL_TYPE);
	testpki_free(&term);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_type_mix_flag)
{
	static const uint8_t is_cvca[1] = {0xC3};
	testpki_std p;
	testpki_spec s;
	testpki_cert cvca, dv, term;
	cvc_store *store;
	const cvc_cert *extra[1];
	cvc_chain_result r;

	/* An IS CVCA signing an AT DV, as in the BSI worked example. */
	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DETESTCVCA00005", is_cvca, 1, "2025-01-01",
	                  "2027-12-31");
	s.type = testpki_id_is;
	s.type_len = 9;
	testpki_issue(NULL, &s, &cvca);
	testpki_spec_init(&s, "DETESTDV000005", chat_dv, 5, "2025-06-01",
	                  "2025-12-31");
	testpki_issue(&cvca, &s, &dv);
	testpki_spec_init(&s, "DETESTTERM00005", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&dv, &s, &term);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, cvca.der, cvca.len, 0, NULL) ==
	          CVC_OK);
	extra[0] = &dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &term.cert, extra, 1, &p.at, NULL, 0, &r),
	    CVC_ERR_TERMINAL_TYPE);
	assert_fails(&r, CVC_ERR_TERMINAL_TYPE, 1, "terminal type");
	ck_assert_int_eq(cvc_chain_verify(store, &term.cert, extra, 1, &p.at,
	                                  NULL, CVC_CHAIN_ALLOW_TYPE_MIX, &r),
	                 CVC_OK);
	/* The IS CVCA's bits take no part: rights = DV & terminal. */
	ck_assert_mem_eq(r.rights, chat_term, 5);
	ck_assert_int_eq(r.type, CVC_TT_AT);
	testpki_free(&term);
	testpki_free(&dv);
	testpki_free(&cvca);
	cvc_store_free(&store);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_critical_terminal_type)
{
	/* 1.2.3.4.5: no terminal type anyone defined */
	static const uint8_t unknown_oid[4] = {0x2A, 0x03, 0x04, 0x05};
	testpki_std p;
	testpki_spec s;
	testpki_cert term;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	s.type = unknown_oid;
	s.type_len = sizeof(unknown_oid);
	testpki_issue(&p.dv, &s, &term);
	ck_assert_int_eq(verify(p.store, &term, &p.at, 0, &r),
	                 CVC_ERR_CRITICAL);
	assert_fails(&r, CVC_ERR_CRITICAL, 0, "unknown terminal type");
	testpki_free(&term);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_critical_profile)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert term;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	testpki_spec_init(&s, "DETESTTERM00002", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	s.cpi = 0x01; /* a profile nobody defined */
	testpki_issue(&p.dv, &s, &term);
	ck_assert_int_eq(verify(p.store, &term, &p.at, 0, &r),
	                 CVC_ERR_CRITICAL);
	assert_fails(&r, CVC_ERR_CRITICAL, 0, "unknown profile");
	testpki_free(&term);
	testpki_std_free(&p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* gematik G2 profile                                                  */

static const uint8_t g_root_chr[8] = {0x44, 0x45, 0x54, 0x53,
                                      0x54, 0x88, 0x02, 0x25};
static const uint8_t g_sub_chr[8] = {0x44, 0x45, 0x54, 0x53,
                                     0x54, 0x11, 0x02, 0x25};
static const uint8_t g_sub2_chr[8] = {0x44, 0x45, 0x54, 0x53,
                                      0x54, 0x12, 0x02, 0x25};
static const uint8_t g_ee_chr[12] = {0x00, 0x09, 0x80, 0x27, 0x60, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t g_root_flags[7] = {0xFF, 0xFF, 0xFF, 0xFF,
                                        0xFF, 0xFF, 0xFF};
static const uint8_t g_sub_flags[7] = {0x80, 0, 0, 0, 0, 0, 0};
static const uint8_t g_ee_flags[7] = {0x00, 0x5D, 0x29, 0xDA, 0xA0, 0xBB, 0x00};

static void gematik_spec(testpki_spec *s, const uint8_t *chr, size_t len,
                         const uint8_t *flags, const char *algo)
{
	testpki_spec_init(s, NULL, flags, 7, "2025-01-01", "2027-12-31");
	s->chr_bin = chr;
	s->chr_len = len;
	s->cpi = CVC_CPI_GEMATIK_G2;
	s->domain = 0;
	s->algo = algo;
	s->type = testpki_gematik_ti;
	s->type_len = sizeof(testpki_gematik_ti);
}

START_TEST(test_gematik_chain)
{
	testpki_spec s;
	testpki_cert root, sub, sub2, ee, ee2;
	cvc_store *store;
	const cvc_cert *extra[2];
	cvc_date at = testpki_date("2025-07-15");
	cvc_chain_result r;

	gematik_spec(&s, g_root_chr, 8, g_root_flags, "ecdsa-with-SHA256");
	testpki_issue(NULL, &s, &root);
	gematik_spec(&s, g_sub_chr, 8, g_sub_flags, "ecdsa-with-SHA256");
	testpki_issue(&root, &s, &sub);
	gematik_spec(&s, g_ee_chr, 12, g_ee_flags,
	             "authS_gemSpec-COS-G2_ecc-with-sha256");
	testpki_issue(&sub, &s, &ee);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, root.der, root.len, 0, NULL) ==
	          CVC_OK);
	extra[0] = &sub.cert;
	/* The sub-CA's flags hold only its role, as in gematik's PKI. */
	ck_assert_int_eq(
	    cvc_chain_verify(store, &ee.cert, extra, 1, &at, NULL, 0, &r),
	    CVC_OK);
	ck_assert(r.chat_widened);
	ck_assert_int_eq(r.type, CVC_TT_GEMATIK_TI);
	ck_assert_int_eq(r.role, CVC_ROLE_TERMINAL);
	ck_assert_uint_eq(r.rights_len, 7);
	ck_assert_mem_eq(r.rights, g_ee_flags, 7);
	ck_assert_int_eq(cvc_chain_verify(store, &ee.cert, extra, 1, &at, NULL,
	                                  CVC_CHAIN_STRICT_CHAT, &r),
	                 CVC_ERR_CHAT_WIDENED);
	assert_fails(&r, CVC_ERR_CHAT_WIDENED, 0, "chat");
	/* A sub-CA may sign a sub-CA (a 4-level chain). */
	gematik_spec(&s, g_sub2_chr, 8, g_sub_flags, "ecdsa-with-SHA256");
	testpki_issue(&sub, &s, &sub2);
	gematik_spec(&s, g_ee_chr, 12, g_ee_flags,
	             "authS_gemSpec-COS-G2_ecc-with-sha256");
	testpki_issue(&sub2, &s, &ee2);
	extra[1] = &sub2.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &ee2.cert, extra, 2, &at, NULL, 0, &r),
	    CVC_OK);
	ck_assert_uint_eq(r.n, 4);
	testpki_free(&ee2);
	/* A root signing an end entity directly is not in the profile. */
	gematik_spec(&s, g_ee_chr, 12, g_ee_flags,
	             "authS_gemSpec-COS-G2_ecc-with-sha256");
	testpki_issue(&root, &s, &ee2);
	ck_assert_int_eq(
	    cvc_chain_verify(store, &ee2.cert, NULL, 0, &at, NULL, 0, &r),
	    CVC_ERR_ROLE);
	assert_fails(&r, CVC_ERR_ROLE, 0, "role");
	testpki_free(&ee2);
	testpki_free(&sub2);
	testpki_free(&ee);
	testpki_free(&sub);
	testpki_free(&root);
	cvc_store_free(&store);
}
END_TEST

START_TEST(test_gematik_key_anchor)
{
	testpki_spec s;
	testpki_cert root, sub, ee;
	cvc_store *store;
	uint8_t pk[512];
	size_t pk_len = 0;
	cvc_date at = testpki_date("2025-07-15");
	cvc_chain_result r;

	gematik_spec(&s, g_root_chr, 8, g_root_flags, "ecdsa-with-SHA256");
	testpki_issue(NULL, &s, &root);
	gematik_spec(&s, g_sub_chr, 8, g_sub_flags, "ecdsa-with-SHA256");
	testpki_issue(&root, &s, &sub);
	gematik_spec(&s, g_ee_chr, 12, g_ee_flags,
	             "authS_gemSpec-COS-G2_ecc-with-sha256");
	testpki_issue(&sub, &s, &ee);
	/* The root key as gematik ships it: OID and point, no domain. */
	ck_assert(cvc_signer_pubkey_encode(root.key, false, pk, sizeof(pk),
	                                   &pk_len) == CVC_OK);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor_key(store, pk, pk_len, g_root_chr, 8,
	                                   NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(store, sub.der, sub.len, 0,
	                                     NULL) == CVC_OK);
	ck_assert_int_eq(
	    cvc_chain_verify(store, &ee.cert, NULL, 0, &at, NULL, 0, &r),
	    CVC_OK);
	ck_assert(r.anchor_is_key);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_mem_eq(r.anchor_name.data, g_root_chr, 8);
	/* The self-signed root verifies against its own key too. */
	ck_assert_int_eq(
	    cvc_chain_verify(store, &root.cert, NULL, 0, &at, NULL, 0, &r),
	    CVC_OK);
	ck_assert_uint_eq(r.n, 1);
	testpki_free(&ee);
	testpki_free(&sub);
	testpki_free(&root);
	cvc_store_free(&store);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Length and loops                                                    */

/* CVCA -> links... -> DV -> terminal with n_links links. */
static cvc_err long_chain(size_t n_links, cvc_chain_result *r)
{
	testpki_cert *links = calloc(n_links + 1, sizeof(*links));
	testpki_cert dv, term;
	testpki_spec s;
	cvc_store *store;
	cvc_date at = testpki_date("2025-07-15");
	char chr[32];
	cvc_err err;

	ck_assert_ptr_nonnull(links);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	testpki_spec_init(&s, "DECVCA000000", chat_cvca, 5, "2025-01-01",
	                  "2027-12-31");
	testpki_issue(NULL, &s, &links[0]);
	ck_assert(cvc_store_add_anchor(store, links[0].der, links[0].len, 0,
	                               NULL) == CVC_OK);
	for (size_t i = 1; i <= n_links; i++) {
		snprintf(chr, sizeof(chr), "DECVCA%06zu", i);
		testpki_spec_init(&s, chr, chat_cvca, 5, "2025-01-01",
		                  "2027-12-31");
		testpki_issue(&links[i - 1], &s, &links[i]);
		ck_assert(cvc_store_add_intermediate(store, links[i].der,
		                                     links[i].len, 0,
		                                     NULL) == CVC_OK);
	}
	testpki_spec_init(&s, "DETESTDV000001", chat_dv, 5, "2025-06-01",
	                  "2025-12-31");
	testpki_issue(&links[n_links], &s, &dv);
	ck_assert(cvc_store_add_intermediate(store, dv.der, dv.len, 0, NULL) ==
	          CVC_OK);
	testpki_spec_init(&s, "DETESTTERM00001", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&dv, &s, &term);
	err = cvc_chain_verify(store, &term.cert, NULL, 0, &at, NULL, 0, r);
	/* r's pointers die with the store: keep only the numbers. */
	for (size_t i = 0; i < CVC_MAX_CHAIN; i++)
		r->chain[i] = NULL;
	testpki_free(&term);
	testpki_free(&dv);
	for (size_t i = 0; i <= n_links; i++)
		testpki_free(&links[i]);
	free(links);
	cvc_store_free(&store);
	return err;
}

START_TEST(test_longest_chain)
{
	cvc_chain_result r;

	/* terminal + DV + 13 links + anchor = CVC_MAX_CHAIN */
	ck_assert_int_eq(long_chain(CVC_MAX_CHAIN - 3, &r), CVC_OK);
	ck_assert_uint_eq(r.n, CVC_MAX_CHAIN);
}
END_TEST

START_TEST(test_chain_too_long)
{
	cvc_chain_result r;

	ck_assert_int_eq(long_chain(CVC_MAX_CHAIN - 2, &r),
	                 CVC_ERR_CHAIN_TOO_LONG);
	assert_fails(&r, CVC_ERR_CHAIN_TOO_LONG, CVC_MAX_CHAIN - 1,
	             "path length");
	ck_assert_uint_eq(r.n, CVC_MAX_CHAIN);
}
END_TEST

START_TEST(test_loop)
{
	testpki_std p;
	testpki_spec s;
	testpki_cert a0, b0, a, b, dv, term;
	cvc_store *store;
	const cvc_cert *extra[3];
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	/* A is certified by B and B by A; nothing leads to the anchor. */
	testpki_spec_init(&s, "DELOOPA00001", chat_cvca, 5, "2025-01-01",
	                  "2027-12-31");
	testpki_issue(NULL, &s, &a0);
	testpki_spec_init(&s, "DELOOPB00001", chat_cvca, 5, "2025-01-01",
	                  "2027-12-31");
	testpki_issue(NULL, &s, &b0);
	testpki_spec_init(&s, "DELOOPA00001", chat_cvca, 5, "2025-01-01",
	                  "2027-12-31");
	s.same_key = &a0;
	testpki_issue(&b0, &s, &a);
	testpki_spec_init(&s, "DELOOPB00001", chat_cvca, 5, "2025-01-01",
	                  "2027-12-31");
	s.same_key = &b0;
	testpki_issue(&a0, &s, &b);
	testpki_spec_init(&s, "DETESTDV000007", chat_dv, 5, "2025-06-01",
	                  "2025-12-31");
	testpki_issue(&a0, &s, &dv);
	testpki_spec_init(&s, "DETESTTERM00007", chat_term, 5, "2025-07-01",
	                  "2025-07-31");
	testpki_issue(&dv, &s, &term);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, p.cvca.der, p.cvca.len, 0,
	                               NULL) == CVC_OK);
	extra[0] = &a.cert;
	extra[1] = &b.cert;
	extra[2] = &dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &term.cert, extra, 3, &p.at, NULL, 0, &r),
	    CVC_ERR_CHAIN_TOO_LONG);
	/* terminal, DV, A, B: B's issuer A is already in the path */
	assert_fails(&r, CVC_ERR_CHAIN_TOO_LONG, 3, "loop");
	testpki_free(&term);
	testpki_free(&dv);
	testpki_free(&b);
	testpki_free(&a);
	testpki_free(&b0);
	testpki_free(&a0);
	cvc_store_free(&store);
	testpki_std_free(&p);
}
END_TEST

/*
 * n certificates named like the real DV, one key, none of them the DV;
 * with domain 1 their key is complete and can be tried at once.
 */
static testpki_cert *impostors(const testpki_std *p, size_t n, int domain)
{
	testpki_cert *fake = calloc(n, sizeof(*fake));
	testpki_spec s;
	char from[16];

	ck_assert_ptr_nonnull(fake);
	for (size_t i = 0; i < n; i++) {
		snprintf(from, sizeof(from), "2025-%02zu-%02zu",
		         1 + i / 28 % 12, 1 + i % 28);
		testpki_spec_init(&s, "DETESTDV000001", chat_dv, 5, from,
		                  "2025-12-31");
		s.same_key = i > 0 ? &fake[0] : NULL;
		s.domain = domain;
		testpki_issue(&p->cvca, &s, &fake[i]);
	}
	return fake;
}

START_TEST(test_search_limit)
{
	const size_t n = CVC_CHAIN_MAX_TRIES;
	testpki_std p;
	testpki_cert *fake;
	const cvc_cert **extra = calloc(n + 1, sizeof(*extra));
	cvc_store *store;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	fake = impostors(&p, n, 0);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, p.cvca.der, p.cvca.len, 0,
	                               NULL) == CVC_OK);
	for (size_t i = 0; i < n; i++)
		extra[i] = &fake[i].cert;
	/* Each impostor leads to the anchor and fails only there. */
	ck_assert_int_eq(
	    cvc_chain_verify(store, &p.term.cert, extra, n, &p.at, NULL, 0, &r),
	    CVC_ERR_CHAIN_TOO_LONG);
	ck_assert_str_eq(r.check, "search limit");
	/* The real DV first among them is found at once. */
	extra[0] = &p.dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &p.term.cert, extra, n, &p.at, NULL, 0, &r),
	    CVC_OK);
	/* A few impostors before the real one cost a few tries. */
	extra[0] = &fake[0].cert;
	extra[5] = &p.dv.cert;
	ck_assert_int_eq(
	    cvc_chain_verify(store, &p.term.cert, extra, 6, &p.at, NULL, 0, &r),
	    CVC_OK);
	ck_assert_ptr_eq(r.chain[1], &p.dv.cert);
	for (size_t i = 0; i < n; i++)
		testpki_free(&fake[i]);
	free(fake);
	/* Impostors whose keys are complete are refused by their signature
	 * at once, without climbing to the anchor: 200 of them fit. */
	fake = impostors(&p, 200, 1);
	for (size_t i = 0; i < 200; i++)
		extra[i] = &fake[i].cert;
	extra[200] = &p.dv.cert;
	ck_assert_int_eq(cvc_chain_verify(store, &p.term.cert, extra, 201,
	                                  &p.at, NULL, 0, &r),
	                 CVC_OK);
	for (size_t i = 0; i < 200; i++)
		testpki_free(&fake[i]);
	free(fake);
	free(extra);
	cvc_store_free(&store);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_invalid_args)
{
	testpki_std p;
	cvc_store *store;
	cvc_chain_result r;
	cvc_date bad = {2025, 2, 30};
	const cvc_cert *extra[1] = {NULL};

	testpki_std_build(&p, NULL, NULL);
	ck_assert_int_eq(
	    cvc_chain_verify(NULL, &p.term.cert, NULL, 0, &p.at, NULL, 0, &r),
	    CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, NULL, NULL, 0, &p.at, NULL, 0, &r),
	    CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, &p.term.cert, NULL, 0, NULL, NULL, 0, &r),
	    CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(
	    cvc_chain_verify(p.store, &p.term.cert, NULL, 0, &bad, NULL, 0, &r),
	    CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_chain_verify(p.store, &p.term.cert, extra, 1,
	                                  &p.at, NULL, 0, &r),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_chain_verify(p.store, &p.term.cert, NULL, 0, &p.at,
	                                  NULL, 0x100, &r),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_chain_verify(p.store, &p.term.cert, NULL, 0, &p.at,
	                                  NULL, 0, NULL),
	                 CVC_ERR_INVALID_ARG);
	/* An anchor needs a complete key; a DV alone has no domain. */
	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert_int_eq(
	    cvc_store_add_anchor(store, p.dv.der, p.dv.len, 0, NULL),
	    CVC_ERR_DOMAIN_PARAMS);
	ck_assert_int_eq(cvc_store_add_anchor(store, p.dv.der, 3, 0, NULL),
	                 CVC_ERR_TRUNCATED);
	ck_assert_uint_eq(cvc_store_anchor_count(store), 0);
	/* Once the store can tell the DV's domain, it may be an anchor. */
	ck_assert(cvc_store_add_intermediate(store, p.dv.der, p.dv.len, 0,
	                                     NULL) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, p.cvca.der, p.cvca.len, 0,
	                               NULL) == CVC_OK);
	ck_assert_int_eq(
	    cvc_store_add_anchor(store, p.dv.der, p.dv.len, 0, NULL), CVC_OK);
	ck_assert_uint_eq(cvc_store_anchor_count(store), 2);
	cvc_store_free(&store);
	cvc_store_free(NULL);
	testpki_std_free(&p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Loading files and directories                                       */

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void write_hex(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02X%s", data[i], i % 32 == 31 ? "\n" : " ");
	ck_assert_int_eq(fclose(f), 0);
}

static void write_base64(const char *path, const uint8_t *data, size_t len)
{
	unsigned char *out = malloc(4 * ((len + 2) / 3) + 1);
	int n;

	ck_assert_ptr_nonnull(out);
	n = EVP_EncodeBlock(out, data, (int)len);
	write_file(path, out, (size_t)n);
	free(out);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_CAP];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

START_TEST(test_store_load)
{
	testpki_std p;
	char dir[] = "/tmp/cvc-store-XXXXXX";
	char path[PATH_CAP];
	uint8_t both[2 * TESTPKI_MAX_DER], pk[1024];
	size_t pk_len;
	const char *bad = NULL;
	cvc_store *store;
	cvc_diag diag;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* The CVCA as hex, DV + terminal concatenated as base64, the CVCA
	 * key (again) as a bare key named by its CHR in hex. */
	snprintf(path, sizeof(path), "%s/cvca.hex", dir);
	write_hex(path, p.cvca.der, p.cvca.len);
	memcpy(both, p.dv.der, p.dv.len);
	memcpy(both + p.dv.len, p.term.der, p.term.len);
	snprintf(path, sizeof(path), "%s/dv-and-terminal.b64", dir);
	write_base64(path, both, p.dv.len + p.term.len);
	pk_len = testpki_pubkey(&p.cvca, pk, sizeof(pk));
	snprintf(path, sizeof(path), "%s/4445544553544356434130303030_key.der",
	         dir);
	write_file(path, pk, pk_len);
	snprintf(path, sizeof(path), "%s/.hidden", dir);
	write_file(path, "junk", 4);

	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert_int_eq(cvc_store_load(store, dir, 0, &diag, &bad), CVC_OK);
	ck_assert_ptr_null(bad);
	ck_assert_uint_eq(cvc_store_anchor_count(store), 2);
	ck_assert_uint_eq(cvc_store_intermediate_count(store), 2);
	ck_assert_int_eq(verify(store, &p.term, &p.at, 0, &r), CVC_OK);
	ck_assert(!r.anchor_is_key);
	ck_assert_uint_eq(r.n, 3);
	/* Loading the same again adds nothing. */
	snprintf(path, sizeof(path), "%s/cvca.hex", dir);
	ck_assert_int_eq(cvc_store_load(store, path, 0, NULL, NULL), CVC_OK);
	ck_assert_uint_eq(cvc_store_anchor_count(store), 2);
	/* A file that is no certificate names itself. */
	snprintf(path, sizeof(path), "%s/zz-garbage.txt", dir);
	write_file(path, "not a certificate at all!", 25);
	ck_assert_int_ne(cvc_store_load(store, dir, 0, &diag, &bad), CVC_OK);
	ck_assert_ptr_nonnull(bad);
	ck_assert_ptr_nonnull(strstr(bad, "zz-garbage.txt"));
	ck_assert_int_eq(cvc_store_load(store, "/nonexistent/x", 0, NULL, &bad),
	                 CVC_ERR_IO);
	cvc_store_free(&store);
	remove_dir(dir);
	testpki_std_free(&p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Threads                                                             */

struct worker {
	const cvc_store *store;
	const cvc_cert *target;
	cvc_date at;
	int failures;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	cvc_chain_result r;

	for (int i = 0; i < 40; i++)
		if (cvc_chain_verify(w->store, w->target, NULL, 0, &w->at, NULL,
		                     0, &r) != CVC_OK ||
		    r.n != 3)
			w->failures++;
	return NULL;
}

START_TEST(test_concurrent_readers)
{
	testpki_std p;
	pthread_t th[8];
	struct worker w[8];

	testpki_std_build(&p, NULL, NULL);
	for (int i = 0; i < 8; i++) {
		w[i] = (struct worker){p.store, &p.term.cert, p.at, 0};
		ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(w[i].failures, 0);
	}
	testpki_std_free(&p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The real-world corpus                                               */

struct corpus_file {
	char name[256]; /* relative to the corpus directory */
	uint8_t *der;
	size_t len;
	cvc_cert cert;
	bool ok; /* decoded as a certificate */
};

struct row {
	char file[256];
	char kind[16];
	char check[24];
	char verdict[16];
	char issuer[256];
	char chain[256];
};

struct corpus {
	struct corpus_file *files;
	size_t n_files;
	struct row *rows;
	size_t n_rows;
};

static const char *corpus_dir(void)
{
	const char *dir = getenv("CVC_CORPUS_DIR");

	return dir && *dir ? dir : DEFAULT_CORPUS_DIR;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long size;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	size = ftell(f);
	ck_assert(size >= 0 && fseek(f, 0, SEEK_SET) == 0);
	buf = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	buf[size] = 0;
	*len = (size_t)size;
	return buf;
}

/* Splits a TSV line in place; returns the number of fields. */
static size_t split_tsv(char *line, char **fields, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *tab = strchr(line, '\t');

		fields[n++] = line;
		if (tab == NULL)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

static void copy_field(char *dst, size_t cap, const char *src)
{
	const char *s = src;

	if (strncmp(s, "./", 2) == 0)
		s += 2;
	snprintf(dst, cap, "%s", s);
}

static void load_rows(struct corpus *c)
{
	char path[PATH_CAP];
	size_t len;
	char *text, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/EXPECTED.tsv", corpus_dir());
	text = (char *)slurp(path, &len);
	c->rows = calloc(1024, sizeof(*c->rows));
	ck_assert_ptr_nonnull(c->rows);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[8];
		struct row *r;

		if (strncmp(line, "file\t", 5) == 0)
			continue;
		ck_assert_uint_ge(split_tsv(line, f, 8), 7);
		ck_assert_uint_lt(c->n_rows, 1024);
		r = &c->rows[c->n_rows++];
		copy_field(r->file, sizeof(r->file), f[0]);
		copy_field(r->kind, sizeof(r->kind), f[1]);
		copy_field(r->check, sizeof(r->check), f[2]);
		copy_field(r->verdict, sizeof(r->verdict), f[3]);
		copy_field(r->issuer, sizeof(r->issuer), f[4]);
		copy_field(r->chain, sizeof(r->chain), f[6]);
	}
	free(text);
}

static void load_files(struct corpus *c)
{
	char path[PATH_CAP];
	size_t len;
	char *text, *line, *save = NULL;

	snprintf(path, sizeof(path), "%s/MANIFEST.tsv", corpus_dir());
	text = (char *)slurp(path, &len);
	c->files = calloc(1024, sizeof(*c->files));
	ck_assert_ptr_nonnull(c->files);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[10];
		struct corpus_file *cf;

		if (strncmp(line, "file\t", 5) == 0)
			continue;
		split_tsv(line, f, 10);
		ck_assert_uint_lt(c->n_files, 1024);
		cf = &c->files[c->n_files++];
		copy_field(cf->name, sizeof(cf->name), f[0]);
		snprintf(path, sizeof(path), "%s/%s", corpus_dir(), cf->name);
		cf->der = slurp(path, &cf->len);
		cf->ok = cvc_cert_decode(cf->der, cf->len, CVC_DECODE_LENIENT,
		                         &cf->cert, NULL) == CVC_OK &&
		         cf->cert.kind == CVC_KIND_CERT;
	}
	free(text);
}

static void corpus_load(struct corpus *c)
{
	memset(c, 0, sizeof(*c));
	load_rows(c);
	load_files(c);
	ck_assert_uint_gt(c->n_rows, 200);
	ck_assert_uint_gt(c->n_files, 200);
}

static void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n_files; i++)
		free(c->files[i].der);
	free(c->files);
	free(c->rows);
}

static const struct corpus_file *find_file(const struct corpus *c,
                                           const char *name)
{
	for (size_t i = 0; i < c->n_files; i++)
		if (strcmp(c->files[i].name, name) == 0)
			return &c->files[i];
	return NULL;
}

static const struct row *find_sig_row(const struct corpus *c, const char *file)
{
	for (size_t i = 0; i < c->n_rows; i++)
		if (strcmp(c->rows[i].file, file) == 0 &&
		    strcmp(c->rows[i].check, "sig") == 0)
			return &c->rows[i];
	return NULL;
}

static bool is_chain_row(const struct row *r)
{
	return strcmp(r->kind, "cert") == 0 && strcmp(r->check, "sig") == 0 &&
	       strcmp(r->verdict, "VALID") == 0 &&
	       strncmp(r->chain, "root:", 5) == 0;
}

/* The root file of a chain row: root:NAME lives beside the target. */
static void root_of(const struct row *r, char *out, size_t cap)
{
	const char *slash = strchr(r->file, '/');
	int dir_len = slash ? (int)(slash - r->file) : 0;

	snprintf(out, cap, "%.*s/%s", dir_len, r->file, r->chain + 5);
}

static cvc_role role_of(const cvc_cert *cert)
{
	return (cvc_role)(cert->chat.bits.data[0] >> 6);
}

/*
 * The date to check at: the latest CED among the certificates whose dates
 * must hold on the path EXPECTED.tsv names (the target, DVs, terminals),
 * asserted to lie before the earliest CXD among them.
 */
static cvc_date chain_date(const struct corpus *c, const struct row *row,
                           const struct corpus_file **issuer)
{
	const struct row *r = row;
	cvc_date lo = {0, 0, 0}, hi = {9999, 12, 31};
	bool first = true;

	*issuer = NULL;
	for (int depth = 0; depth < 32; depth++) {
		const struct corpus_file *f = find_file(c, r->file);

		ck_assert_msg(f && f->ok, "%s not decodable", r->file);
		if (depth == 1)
			*issuer = f;
		if (first || role_of(&f->cert) != CVC_ROLE_CVCA) {
			if (cvc_date_cmp(&f->cert.effective, &lo) > 0)
				lo = f->cert.effective;
			if (cvc_date_cmp(&f->cert.expiration, &hi) < 0)
				hi = f->cert.expiration;
		}
		first = false;
		if (strcmp(r->issuer, r->file) == 0)
			break;
		r = find_sig_row(c, r->issuer);
		ck_assert_msg(r != NULL, "no row for issuer of %s", row->file);
	}
	ck_assert_msg(cvc_date_cmp(&lo, &hi) <= 0, "%s: empty validity",
	              row->file);
	return lo;
}

static bool key_equal(const cvc_cert *a, const cvc_cert *b)
{
	const cvc_pubkey *ka = &a->key, *kb = &b->key;
	cvc_span pa =
	    ka->type == CVC_KEY_RSA ? CVC_RSA_N(ka) : CVC_EC_POINT(ka);
	cvc_span pb =
	    kb->type == CVC_KEY_RSA ? CVC_RSA_N(kb) : CVC_EC_POINT(kb);

	return pa.len == pb.len && memcmp(pa.data, pb.data, pa.len) == 0;
}

/* Known deviations from the default rules, each asserted both ways. */
static bool is_type_mix(const char *file)
{
	return strncmp(file, "bsi_tr03110_worked_example/DETESTDVDE019", 40) ==
	           0 ||
	       strncmp(file, "bsi_tr03110_worked_example/DETESTATDE019", 40) ==
	           0;
}

static bool is_wide_hba(const char *file)
{
	return strstr(file, "0006_80-276-88311-0000168613") != NULL;
}

static cvc_store *store_for_root(const struct corpus *c,
                                 const struct corpus_file *root)
{
	cvc_store *store;

	ck_assert(cvc_store_new(&store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(store, root->der, root->len,
	                               CVC_DECODE_LENIENT, NULL) == CVC_OK);
	for (size_t i = 0; i < c->n_files; i++)
		if (c->files[i].ok && &c->files[i] != root)
			ck_assert(cvc_store_add_intermediate(
			              store, c->files[i].der, c->files[i].len,
			              CVC_DECODE_LENIENT, NULL) == CVC_OK);
	return store;
}

static unsigned check_known_deviation(const cvc_store *store,
                                      const struct row *row,
                                      const cvc_cert *target,
                                      const cvc_date *at)
{
	cvc_chain_result r;

	if (is_type_mix(row->file)) {
		/* An IS CVCA signs an AT DV in the BSI worked example. */
		ck_assert_int_eq(
		    cvc_chain_verify(store, target, NULL, 0, at, NULL, 0, &r),
		    CVC_ERR_TERMINAL_TYPE);
		return CVC_CHAIN_ALLOW_TYPE_MIX;
	}
	if (is_wide_hba(row->file)) {
		/* The HBA's sub-CA carries only its role bits. */
		ck_assert_int_eq(cvc_chain_verify(store, target, NULL, 0, at,
		                                  NULL, CVC_CHAIN_STRICT_CHAT,
		                                  &r),
		                 CVC_ERR_CHAT_WIDENED);
		ck_assert_uint_eq(r.failed, 0);
	}
	return 0;
}

static void verify_corpus_row(const struct corpus *c, const cvc_store *store,
                              const struct corpus_file *root,
                              const struct row *row, size_t *passed)
{
	const struct corpus_file *target = find_file(c, row->file), *issuer;
	cvc_date at = chain_date(c, row, &issuer);
	unsigned flags = check_known_deviation(store, row, &target->cert, &at);
	cvc_chain_result r;
	cvc_err err;

	err = cvc_chain_verify(store, &target->cert, NULL, 0, &at, NULL, flags,
	                       &r);
	ck_assert_msg(err == CVC_OK, "%s at %04u-%02u-%02u: %s (%s at %zu)",
	              row->file, at.year, at.month, at.day, cvc_strerror(err),
	              r.check ? r.check : "-", r.failed);
	ck_assert(
	    span_eq(r.chain[r.n - 1]->raw, (cvc_span){root->der, root->len}));
	ck_assert(r.anchor_name.len == root->cert.chr.len &&
	          memcmp(r.anchor_name.data, root->cert.chr.data,
	                 r.anchor_name.len) == 0);
	if (issuer != NULL) {
		/* The issuer found by CAR and signature is EXPECTED's. */
		ck_assert_uint_ge(r.n, 2);
		ck_assert_msg(key_equal(r.chain[1], &issuer->cert),
		              "%s: other issuer", row->file);
	}
	ck_assert_int_eq(is_wide_hba(row->file), r.chat_widened);
	(*passed)++;
}

START_TEST(test_corpus_complete_chains)
{
	struct corpus c;
	size_t passed = 0, rows = 0;
	char root_name[PATH_CAP];

	corpus_load(&c);
	for (size_t i = 0; i < c.n_files; i++) {
		const struct corpus_file *root = &c.files[i];
		cvc_store *store = NULL;

		for (size_t k = 0; k < c.n_rows; k++) {
			const struct row *row = &c.rows[k];

			if (!is_chain_row(row))
				continue;
			root_of(row, root_name, sizeof(root_name));
			if (strcmp(root_name, root->name) != 0)
				continue;
			if (store == NULL)
				store = store_for_root(&c, root);
			verify_corpus_row(&c, store, root, row, &passed);
		}
		cvc_store_free(&store);
	}
	for (size_t k = 0; k < c.n_rows; k++)
		rows += is_chain_row(&c.rows[k]);
	fprintf(stderr, "corpus: %zu complete chains validated\n", passed);
	ck_assert_uint_eq(passed, rows);
	ck_assert_uint_ge(passed, 190);
	corpus_free(&c);
}
END_TEST

START_TEST(test_corpus_german_production_links)
{
	struct corpus c;
	const struct corpus_file *term, *root, *issuer;
	const struct row *row;
	cvc_store *store;
	cvc_date at;
	cvc_chain_result r;

	corpus_load(&c);
	term = find_file(&c, "de_eid_production/DE000067602698__at-terminal__"
	                     "by_DEDVeIDDTR101472__f2a19f23.cvcert");
	root = find_file(&c, "de_eid_production/DECVCAeID00103__at-cvca__"
	                     "selfsigned__230cd9c9.cvcert");
	ck_assert(term && root);
	row = find_sig_row(&c, term->name);
	at = chain_date(&c, row, &issuer);
	store = store_for_root(&c, root);
	ck_assert_int_eq(
	    cvc_chain_verify(store, &term->cert, NULL, 0, &at, NULL, 0, &r),
	    CVC_OK);
	/* terminal, DV, links 00107..00104, anchor 00103 (long expired) */
	ck_assert_uint_eq(r.n, 7);
	ck_assert(r.anchor_expired);
	ck_assert_mem_eq(r.chain[2]->chr.data, "DECVCAeID00107", 14);
	cvc_store_free(&store);
	corpus_free(&c);
}
END_TEST

static bool is_gematik_self_signed(const struct corpus_file *f)
{
	return strncmp(f->name, "gematik_g2/", 11) == 0 &&
	       span_eq(f->cert.car, f->cert.chr);
}

/* The anchors shipped in gematik_g2/trust-anchor. */
static bool names_anchor(cvc_span name)
{
	static const uint8_t degxx[8] = {0x44, 0x45, 0x47, 0x58,
	                                 0x58, 0x82, 0x02, 0x14};
	static const uint8_t dezgw[8] = {0x44, 0x45, 0x5A, 0x47,
	                                 0x57, 0x82, 0x02, 0x16};

	return span_eq(name, (cvc_span){degxx, 8}) ||
	       span_eq(name, (cvc_span){dezgw, 8});
}

/*
 * A cross certificate from a newer root to an older one: same CA name,
 * service indicator 8, the issuer's CA number higher (gemSpec_PKI 6.4
 * CAR layout: name(5) | indicator | number | algorithm | year).
 */
static bool is_backward_cross(const cvc_cert *cert)
{
	const uint8_t *car = cert->car.data, *chr = cert->chr.data;

	return cert->car.len == 8 && cert->chr.len == 8 &&
	       memcmp(car, chr, 5) == 0 && (car[5] >> 4) == 8 &&
	       (chr[5] >> 4) == 8 && (car[5] & 0x0F) > (chr[5] & 0x0F);
}

START_TEST(test_corpus_gematik_key_anchors)
{
	struct corpus c;
	char path[PATH_CAP];
	const char *bad = NULL;
	cvc_store *store;
	size_t passed = 0, loops = 0;
	cvc_err err;

	corpus_load(&c);
	ck_assert(cvc_store_new(&store) == CVC_OK);
	snprintf(path, sizeof(path), "%s/gematik_g2/trust-anchor",
	         corpus_dir());
	ck_assert_int_eq(cvc_store_load(store, path, 0, NULL, &bad), CVC_OK);
	ck_assert_uint_eq(cvc_store_anchor_count(store), 2);
	/* Cross certificates, sub-CAs, end entities; no self-signed root. */
	for (size_t i = 0; i < c.n_files; i++)
		if (c.files[i].ok &&
		    strncmp(c.files[i].name, "gematik_g2/", 11) == 0 &&
		    !is_gematik_self_signed(&c.files[i]))
			ck_assert(cvc_store_add_intermediate(
			              store, c.files[i].der, c.files[i].len, 0,
			              NULL) == CVC_OK);
	for (size_t k = 0; k < c.n_rows; k++) {
		const struct row *row = &c.rows[k];
		const struct corpus_file *target, *issuer;
		cvc_chain_result r;
		cvc_date at;

		if (!is_chain_row(row) ||
		    strncmp(row->file, "gematik_g2/", 11) != 0 ||
		    strstr(row->chain, "DEZGW_8-7-02-26") != NULL)
			continue; /* DEZGW 8-7 has no cross certificate */
		target = find_file(&c, row->file);
		if (is_gematik_self_signed(target) &&
		    strstr(row->file, "8-2-02-1") == NULL)
			continue; /* only the anchors' own roots */
		at = chain_date(&c, row, &issuer);
		err = cvc_chain_verify(store, &target->cert, NULL, 0, &at, NULL,
		                       0, &r);
		if (is_backward_cross(&target->cert) &&
		    !names_anchor(target->cert.car) &&
		    !names_anchor(target->cert.chr)) {
			/* The old root's key certified by the new root: from
			 * an older anchor the path to the new root passes the
			 * old root's holder again. */
			ck_assert_msg(err == CVC_ERR_CHAIN_TOO_LONG &&
			                  strcmp(r.check, "loop") == 0,
			              "%s: %s", row->file, cvc_strerror(err));
			loops++;
			continue;
		}
		ck_assert_msg(err == CVC_OK, "%s: %s (%s at %zu)", row->file,
		              cvc_strerror(r.status), r.check ? r.check : "-",
		              r.failed);
		ck_assert(r.anchor_is_key);
		passed++;
	}
	fprintf(stderr,
	        "corpus: %zu gematik chains from bare keys, %zu backward "
	        "cross certificates as loops\n",
	        passed, loops);
	ck_assert_uint_ge(passed, 70);
	ck_assert_uint_ge(loops, 5);
	cvc_store_free(&store);
	corpus_free(&c);
}
END_TEST

static Suite *chain_suite(void)
{
	Suite *s = suite_create("chain");
	TCase *tc = tcase_create("synthetic");
	TCase *corpus = tcase_create("corpus");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_valid_ecdsa_chain);
	tcase_add_test(tc, test_valid_dv_target_rights);
	tcase_add_test(tc, test_valid_rsa_chain);
	tcase_add_test(tc, test_extras_inherit_domain);
	tcase_add_test(tc, test_target_is_anchor);
	tcase_add_test(tc, test_untrusted_self_signed);
	tcase_add_test(tc, test_key_anchor);
	tcase_add_test(tc, test_expired_links_carry_new_anchor);
	tcase_add_test(tc, test_expired_trust_point);
	tcase_add_test(tc, test_dates);
	tcase_add_test(tc, test_expired_dv);
	tcase_add_test(tc, test_unknown_issuer);
	tcase_add_test(tc, test_wrong_issuer_key);
	tcase_add_test(tc, test_reused_cvca_name);
	tcase_add_test(tc, test_tampered_body);
	tcase_add_test(tc, test_tampered_signature);
	tcase_add_test(tc, test_tampered_dv);
	tcase_add_test(tc, test_terminal_signs_terminal);
	tcase_add_test(tc, test_dv_signs_dv);
	tcase_add_test(tc, test_dv_claims_cvca);
	tcase_add_test(tc, test_cvca_signs_terminal);
	tcase_add_test(tc, test_widened_terminal_chat);
	tcase_add_test(tc, test_widened_dv_chat);
	tcase_add_test(tc, test_terminal_type_mismatch);
	tcase_add_test(tc, test_type_mix_flag);
	tcase_add_test(tc, test_critical_terminal_type);
	tcase_add_test(tc, test_critical_profile);
	tcase_add_test(tc, test_gematik_chain);
	tcase_add_test(tc, test_gematik_key_anchor);
	tcase_add_test(tc, test_longest_chain);
	tcase_add_test(tc, test_chain_too_long);
	tcase_add_test(tc, test_loop);
	tcase_add_test(tc, test_search_limit);
	tcase_add_test(tc, test_invalid_args);
	tcase_add_test(tc, test_store_load);
	tcase_add_test(tc, test_concurrent_readers);
	suite_add_tcase(s, tc);
	tcase_set_timeout(corpus, 240);
	tcase_add_test(corpus, test_corpus_complete_chains);
	tcase_add_test(corpus, test_corpus_german_production_links);
	tcase_add_test(corpus, test_corpus_gematik_key_anchors);
	suite_add_tcase(s, corpus);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(chain_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
