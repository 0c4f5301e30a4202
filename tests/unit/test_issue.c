/* SPDX-License-Identifier: MIT */
/*
 * Issuing (issue.c): holder reference validation and increments, CHATs from
 * names, the policy refusals of cvc_issue_cert (each with its code), request
 * creation and the round trip template -> certificate -> decode.
 */
#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cvc/cvc.h>

/* ------------------------------------------------------------------ */
/* Holder references */

START_TEST(chr_validate_accepts_and_rejects)
{
	ck_assert_int_eq(cvc_chr_validate("DEHOSPCVCA00001", NULL), CVC_OK);
	ck_assert_int_eq(cvc_chr_validate("DEX00001", NULL), CVC_OK);
	ck_assert_int_eq(cvc_chr_validate("DEABCDEFGHI0000A", NULL), CVC_OK);
	ck_assert_int_eq(cvc_chr_validate("DE00001", NULL), CVC_ERR_BAD_STRING);
	ck_assert_int_eq(cvc_chr_validate("DEABCDEFGHIJ00001", NULL),
	                 CVC_ERR_BAD_STRING);
	ck_assert_int_eq(cvc_chr_validate("deHOSP00001", NULL),
	                 CVC_ERR_BAD_STRING);
	ck_assert_int_eq(cvc_chr_validate("DEHOSP0000a", NULL),
	                 CVC_ERR_BAD_STRING);
	ck_assert_int_eq(cvc_chr_validate("DEHO\x01P00001", NULL),
	                 CVC_ERR_BAD_STRING);
	cvc_diag d;
	ck_assert_int_eq(cvc_chr_validate("D1HOSP00001", &d),
	                 CVC_ERR_BAD_STRING);
	ck_assert_ptr_nonnull(d.reason);
}
END_TEST

static void expect_next(const char *in, const char *want)
{
	char out[CVC_MAX_REF_LEN + 1];
	ck_assert_int_eq(cvc_chr_next(in, out, sizeof(out)), CVC_OK);
	ck_assert_str_eq(out, want);
}

START_TEST(chr_next_numeric_and_base36)
{
	char out[CVC_MAX_REF_LEN + 1];

	expect_next("DEHOSPCVCA00001", "DEHOSPCVCA00002");
	expect_next("DEHOSP00009", "DEHOSP00010");
	expect_next("DEHOSP09999", "DEHOSP10000");
	expect_next("DEHOSP0000A", "DEHOSP0000B");
	expect_next("DEHOSP0000Z", "DEHOSP00010");
	expect_next("DEHOSPA0ZZZ", "DEHOSPA1000");
	ck_assert_int_eq(cvc_chr_next("DEHOSP99999", out, sizeof(out)),
	                 CVC_ERR_TOO_MANY);
	ck_assert_int_eq(cvc_chr_next("DEHOSPZZZZZ", out, sizeof(out)),
	                 CVC_ERR_TOO_MANY);
	ck_assert_int_eq(cvc_chr_next("DEHOSP00001", out, 5),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_int_eq(cvc_chr_next("bad", out, sizeof(out)),
	                 CVC_ERR_BAD_STRING);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CHAT */

START_TEST(chat_build_names_roles)
{
	uint8_t bits[8];
	size_t len;
	cvc_span oid;
	cvc_chat chat;
	cvc_chat_info info;
	const char *name = cvc_chat_bit_name(CVC_TT_AT, 2);

	ck_assert_ptr_nonnull(name);
	char names[128];
	snprintf(names, sizeof(names), "b0,%s", name);
	ck_assert_int_eq(cvc_chat_build(CVC_TT_AT, CVC_ROLE_DV_FOREIGN, false,
	                                names, bits, sizeof(bits), &len, &oid,
	                                NULL),
	                 CVC_OK);
	chat = (cvc_chat){.oid = oid, .bits = {bits, len}};
	ck_assert_int_eq(cvc_chat_info_get(&chat, &info), CVC_OK);
	ck_assert_int_eq(info.type, CVC_TT_AT);
	ck_assert_int_eq(info.role, CVC_ROLE_DV_FOREIGN);
	ck_assert(cvc_chat_bit(&chat, CVC_TT_AT, 0));
	ck_assert(!cvc_chat_bit(&chat, CVC_TT_AT, 1));
	ck_assert(cvc_chat_bit(&chat, CVC_TT_AT, 2));
	ck_assert_int_eq(cvc_chat_build(CVC_TT_AT, CVC_ROLE_TERMINAL, false,
	                                "no such right", bits, sizeof(bits),
	                                &len, &oid, NULL),
	                 CVC_ERR_BAD_VALUE);
	ck_assert_int_eq(cvc_chat_build(CVC_TT_IS, CVC_ROLE_CVCA, true, NULL,
	                                bits, sizeof(bits), &len, &oid, NULL),
	                 CVC_OK);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(bits[0], 0xFF);
}
END_TEST

/* ------------------------------------------------------------------ */
/* A small PKI built in memory */

typedef struct party {
	cvc_signer *key;
	uint8_t *der;
	size_t len;
	cvc_cert cert;
	uint8_t pk[1200];
	uint8_t bits[8];
} party;

static const cvc_algo *ecdsa(void)
{
	const cvc_algo *a = cvc_algo_from_name("ECDSA-SHA-256");
	ck_assert_ptr_nonnull(a);
	return a;
}

static void make_template(cvc_cert *t, party *p, const char *chr, bool domain,
                          cvc_role role, const char *rights, bool all,
                          cvc_date from, cvc_date until)
{
	size_t len;
	memset(t, 0, sizeof(*t));
	t->kind = CVC_KIND_CERT;
	t->chr = (cvc_span){(const uint8_t *)chr, strlen(chr)};
	ck_assert_int_eq(cvc_signer_pubkey_encode(p->key, domain, p->pk,
	                                          sizeof(p->pk), &len),
	                 CVC_OK);
	ck_assert_int_eq(cvc_pubkey_decode(p->pk, len, 0, &t->key, NULL),
	                 CVC_OK);
	t->has_chat = true;
	ck_assert_int_eq(cvc_chat_build(CVC_TT_AT, role, all, rights, p->bits,
	                                sizeof(p->bits), &len, &t->chat.oid,
	                                NULL),
	                 CVC_OK);
	t->chat.bits = (cvc_span){p->bits, len};
	t->has_dates = true;
	t->effective = from;
	t->expiration = until;
}

static void new_party(party *p)
{
	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(
	    cvc_signer_generate("brainpoolP256r1", ecdsa(), &p->key), CVC_OK);
}

static void free_party(party *p)
{
	cvc_signer_free(&p->key);
	free(p->der);
}

static const cvc_date d2030 = {2030, 1, 1}, d2031 = {2031, 12, 31},
                      d2030b = {2030, 6, 30};

static party root, dv, term;

static void setup_pki(void)
{
	cvc_cert t;
	new_party(&root);
	new_party(&dv);
	new_party(&term);
	make_template(&t, &root, "DETESTCVCA00001", true, CVC_ROLE_CVCA, NULL,
	              true, d2030, d2031);
	ck_assert_int_eq(cvc_issue_cert(&t, root.key, NULL,
	                                CVC_ISSUE_SELF_SIGNED, &root.der,
	                                &root.len, NULL),
	                 CVC_OK);
	ck_assert_int_eq(
	    cvc_cert_decode(root.der, root.len, 0, &root.cert, NULL), CVC_OK);
	make_template(&t, &dv, "DETESTDV000001", false, CVC_ROLE_DV_DOMESTIC,
	              "b0,b1", false, d2030, d2030b);
	ck_assert_int_eq(
	    cvc_issue_cert(&t, root.key, &root.cert, 0, &dv.der, &dv.len, NULL),
	    CVC_OK);
	ck_assert_int_eq(cvc_cert_decode(dv.der, dv.len, 0, &dv.cert, NULL),
	                 CVC_OK);
}

static void teardown_pki(void)
{
	free_party(&root);
	free_party(&dv);
	free_party(&term);
}

START_TEST(round_trip_and_signatures)
{
	cvc_key *rk = NULL;
	cvc_cert t;
	uint8_t *der;
	size_t len;

	ck_assert_int_eq(root.cert.kind, CVC_KIND_CERT);
	ck_assert_mem_eq(root.cert.car.data, "DETESTCVCA00001", 15);
	ck_assert_mem_eq(dv.cert.car.data, "DETESTCVCA00001", 15);
	ck_assert_mem_eq(dv.cert.chr.data, "DETESTDV000001", 14);
	ck_assert_int_eq(cvc_date_cmp(&dv.cert.expiration, &d2030b), 0);
	ck_assert(cvc_pubkey_has_domain_params(&root.cert.key));
	ck_assert(!cvc_pubkey_has_domain_params(&dv.cert.key));
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&root.cert.key, NULL, 0, &rk, NULL), CVC_OK);
	ck_assert_int_eq(cvc_cert_verify_signature(&root.cert, rk), CVC_OK);
	ck_assert_int_eq(cvc_cert_verify_signature(&dv.cert, rk), CVC_OK);
	cvc_key_free(&rk);
	/* re-encoding the decoded certificate gives the same bytes */
	cvc_err size_err = cvc_cert_encode(&dv.cert, NULL, 0, &len);
	ck_assert(size_err == CVC_OK || size_err == CVC_ERR_BUFFER_TOO_SMALL);
	der = malloc(len);
	ck_assert_int_eq(cvc_cert_encode(&dv.cert, der, len, &len), CVC_OK);
	ck_assert_uint_eq(len, dv.len);
	ck_assert_mem_eq(der, dv.der, len);
	free(der);
	/* a terminal under the DV is allowed */
	make_template(&t, &term, "DETESTTM00001", false, CVC_ROLE_TERMINAL,
	              "b1", false, d2030, d2030b);
	ck_assert_int_eq(
	    cvc_issue_cert(&t, dv.key, &dv.cert, 0, &term.der, &term.len, NULL),
	    CVC_OK);
}
END_TEST

static cvc_err try_issue(const cvc_cert *t, const cvc_signer *k,
                         const cvc_cert *ic, cvc_diag *d)
{
	uint8_t *der = (uint8_t *)1;
	size_t len;
	cvc_err err = cvc_issue_cert(t, k, ic, 0, &der, &len, d);
	if (err != CVC_OK)
		ck_assert_ptr_null(der);
	free(der);
	return err;
}

START_TEST(policy_refusals)
{
	cvc_cert t;
	cvc_diag d;

	/* DV signs terminals only */
	make_template(&t, &term, "DETESTDV000002", false, CVC_ROLE_DV_FOREIGN,
	              NULL, false, d2030, d2030b);
	ck_assert_int_eq(try_issue(&t, dv.key, &dv.cert, &d), CVC_ERR_ROLE);
	/* CVCA does not sign terminals */
	make_template(&t, &term, "DETESTTM00001", false, CVC_ROLE_TERMINAL,
	              NULL, false, d2030, d2030b);
	ck_assert_int_eq(try_issue(&t, root.key, &root.cert, &d), CVC_ERR_ROLE);
	/* rights beyond the DV's */
	make_template(&t, &term, "DETESTTM00001", false, CVC_ROLE_TERMINAL,
	              "b0,b3", false, d2030, d2030b);
	ck_assert_int_eq(try_issue(&t, dv.key, &dv.cert, &d),
	                 CVC_ERR_CHAT_WIDENED);
	ck_assert_str_eq(d.field, "CHAT");
	/* past the DV's own expiry */
	make_template(&t, &term, "DETESTTM00001", false, CVC_ROLE_TERMINAL,
	              "b0", false, d2030, d2031);
	ck_assert_int_eq(try_issue(&t, dv.key, &dv.cert, &d), CVC_ERR_EXPIRED);
	/* issuer already expired when the validity begins */
	make_template(&t, &term, "DETESTTM00001", false, CVC_ROLE_TERMINAL,
	              "b0", false, d2031, d2031);
	ck_assert_int_eq(try_issue(&t, dv.key, &dv.cert, &d), CVC_ERR_EXPIRED);
	/* issuer not yet valid */
	make_template(&t, &term, "DETESTTM00001", false, CVC_ROLE_TERMINAL,
	              "b0", false, (cvc_date){2029, 1, 1}, d2030b);
	ck_assert_int_eq(try_issue(&t, dv.key, &dv.cert, &d),
	                 CVC_ERR_NOT_YET_VALID);
	/* the wrong private key for the issuer certificate */
	make_template(&t, &term, "DETESTTM00001", false, CVC_ROLE_TERMINAL,
	              "b0", false, d2030, d2030b);
	ck_assert_int_eq(try_issue(&t, root.key, &dv.cert, &d),
	                 CVC_ERR_BAD_KEY);
	/* bad CHR */
	t.chr = (cvc_span){(const uint8_t *)"X1", 2};
	ck_assert_int_eq(try_issue(&t, dv.key, &dv.cert, &d),
	                 CVC_ERR_BAD_STRING);
	/* a self-signed certificate must be a CVCA */
	make_template(&t, &term, "DETESTTM00001", false, CVC_ROLE_TERMINAL,
	              "b0", false, d2030, d2030b);
	uint8_t *der = NULL;
	size_t len;
	ck_assert_int_eq(cvc_issue_cert(&t, term.key, NULL,
	                                CVC_ISSUE_SELF_SIGNED, &der, &len, &d),
	                 CVC_ERR_ROLE);
	ck_assert_ptr_null(der);
}
END_TEST

START_TEST(requests_plain_and_authenticated)
{
	uint8_t *der;
	size_t len;
	cvc_cert req;
	cvc_key *outer = NULL;

	ck_assert_int_eq(cvc_request_create(term.key, "DETESTTM00001",
	                                    "DETESTDV000001", NULL, NULL, &der,
	                                    &len, NULL),
	                 CVC_OK);
	ck_assert_int_eq(cvc_cert_decode(der, len, 0, &req, NULL), CVC_OK);
	ck_assert_int_eq(req.kind, CVC_KIND_REQUEST);
	ck_assert(cvc_pubkey_has_domain_params(&req.key));
	ck_assert_int_eq(cvc_request_verify_inner(&req, NULL), CVC_OK);
	free(der);

	ck_assert_int_eq(cvc_request_create(term.key, "DETESTTM00002", NULL,
	                                    dv.key, "DETESTDV000001", &der,
	                                    &len, NULL),
	                 CVC_OK);
	ck_assert_int_eq(cvc_cert_decode(der, len, 0, &req, NULL), CVC_OK);
	ck_assert_int_eq(req.kind, CVC_KIND_AUTH_REQUEST);
	ck_assert_int_eq(cvc_request_verify_inner(&req, NULL), CVC_OK);
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&dv.cert.key, &root.cert.key, 0, &outer, NULL),
	    CVC_OK);
	ck_assert_int_eq(cvc_request_verify_outer(&req, outer), CVC_OK);
	cvc_key_free(&outer);
	/* the wrong outer key does not verify */
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&root.cert.key, NULL, 0, &outer, NULL), CVC_OK);
	ck_assert_int_eq(cvc_request_verify_outer(&req, outer),
	                 CVC_ERR_SIGNATURE);
	cvc_key_free(&outer);
	free(der);
	ck_assert_int_eq(cvc_request_create(term.key, "bad", NULL, NULL, NULL,
	                                    &der, &len, NULL),
	                 CVC_ERR_BAD_STRING);
}
END_TEST

START_TEST(key_file_encrypted_round_trip)
{
	cvc_signer *s = NULL, *back = NULL;
	char *pem = NULL;
	size_t pem_len;
	char path[] = "/tmp/test_issue_keyXXXXXX";
	int fd;

	ck_assert_int_eq(
	    cvc_key_file_generate("P-256", ecdsa(), "pw", &s, &pem, &pem_len),
	    CVC_OK);
	ck_assert_ptr_nonnull(strstr(pem, "ENCRYPTED PRIVATE KEY"));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, pem, pem_len), (ssize_t)pem_len);
	close(fd);
	ck_assert_int_eq(cvc_key_file_load(path, "pw", ecdsa(), &back), CVC_OK);
	uint8_t a[200], b[200];
	size_t la, lb;
	ck_assert_int_eq(cvc_signer_pubkey_encode(s, false, a, sizeof(a), &la),
	                 CVC_OK);
	ck_assert_int_eq(
	    cvc_signer_pubkey_encode(back, false, b, sizeof(b), &lb), CVC_OK);
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(a, b, la);
	cvc_signer_free(&back);
	ck_assert_int_ne(cvc_key_file_load(path, "wrong", ecdsa(), &back),
	                 CVC_OK);
	ck_assert_int_ne(cvc_key_file_load(path, NULL, ecdsa(), &back), CVC_OK);
	unlink(path);
	cvc_signer_free(&s);
	free(pem);
}
END_TEST

/* Whether two signers hold the same key (same public point). */
static bool signers_match(const cvc_signer *a, const cvc_signer *b)
{
	uint8_t pa[200], pb[200];
	size_t la, lb;

	return cvc_signer_pubkey_encode(a, false, pa, sizeof(pa), &la) ==
	           CVC_OK &&
	       cvc_signer_pubkey_encode(b, false, pb, sizeof(pb), &lb) ==
	           CVC_OK &&
	       la == lb && memcmp(pa, pb, la) == 0;
}

/* The same key as encrypted DER PKCS#8, as `openssl pkcs8 -outform DER`
 * writes it: loads with its passphrase, not without or with another. */
START_TEST(key_file_encrypted_der)
{
	cvc_signer *s = NULL, *back = NULL;
	char *pem = NULL;
	size_t pem_len;
	char path[] = "/tmp/test_issue_derXXXXXX";
	EVP_PKEY *pkey;
	BIO *in, *out;
	int fd;

	ck_assert_int_eq(cvc_key_file_generate("brainpoolP256r1", ecdsa(), NULL,
	                                       &s, &pem, &pem_len),
	                 CVC_OK);
	in = BIO_new_mem_buf(pem, (int)pem_len);
	pkey = PEM_read_bio_PrivateKey(in, NULL, NULL, (void *)"");
	ck_assert_ptr_nonnull(pkey);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	out = BIO_new_file(path, "wb");
	ck_assert_int_eq(i2d_PKCS8PrivateKey_bio(out, pkey, EVP_aes_256_cbc(),
	                                         NULL, 0, NULL,
	                                         (void *)"der-pw"),
	                 1);
	BIO_free(out);
	ck_assert_int_eq(cvc_key_file_load(path, "der-pw", ecdsa(), &back),
	                 CVC_OK);
	ck_assert(signers_match(s, back));
	cvc_signer_free(&back);
	ck_assert_int_ne(cvc_key_file_load(path, "wrong", ecdsa(), &back),
	                 CVC_OK);
	ck_assert_int_ne(cvc_key_file_load(path, NULL, ecdsa(), &back), CVC_OK);
	ck_assert_ptr_null(back);
	unlink(path);
	EVP_PKEY_free(pkey);
	BIO_free(in);
	cvc_signer_free(&s);
	free(pem);
}
END_TEST

static Suite *issue_suite(void)
{
	Suite *s = suite_create("issue");
	TCase *tc = tcase_create("chr");
	tcase_add_test(tc, chr_validate_accepts_and_rejects);
	tcase_add_test(tc, chr_next_numeric_and_base36);
	tcase_add_test(tc, chat_build_names_roles);
	tcase_add_test(tc, key_file_encrypted_round_trip);
	tcase_add_test(tc, key_file_encrypted_der);
	suite_add_tcase(s, tc);
	tc = tcase_create("pki");
	tcase_add_checked_fixture(tc, setup_pki, teardown_pki);
	tcase_add_test(tc, round_trip_and_signatures);
	tcase_add_test(tc, policy_refusals);
	tcase_add_test(tc, requests_plain_and_authenticated);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(issue_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
