/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the CVC codec (cert.c, cert_encode.c, request.c, date.c).
 *
 * Expected values come from outside the codec: MANIFEST.tsv of the corpus,
 * gematik's own decoder output beside the G2 certificates, and offsets and
 * lengths read off `openssl asn1parse` / `xxd` dumps of the files. Broken
 * objects are built with the TLV writer so that their offsets can be found
 * by searching the bytes, not by asking the decoder.
 *
 * The binary is linked with -Wl,--wrap=malloc,... so that every heap
 * allocation passes through the counters below: decoding must make none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/cert.h>

#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Allocation counting (--wrap)                                          */

static bool counting;
static unsigned long n_allocs;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static void count_alloc(void)
{
	if (counting)
		n_allocs++;
}

void *__wrap_malloc(size_t size)
{
	count_alloc();
	return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	count_alloc();
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	count_alloc();
	return __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	count_alloc();
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	count_alloc();
	return __real_strndup(s, n);
}

/* ------------------------------------------------------------------ */
/* Corpus access                                                        */

#define MAX_FILE 70000

static size_t load(const char *rel, uint8_t *buf, size_t cap)
{
	char path[1024];

	cvc_test_corpus_path(path, sizeof(path), rel);
	return cvc_test_read_into(path, buf, cap);
}

/* A MANIFEST name is text, "hex:..." for binary ones, or empty. */
static void assert_name(const char *rel, const char *what, const char *manifest,
                        cvc_span got)
{
	ck_assert_msg(cvc_test_span_is_manifest_name(got, manifest),
	              "%s: %s differs from MANIFEST (%s)", rel, what, manifest);
}

/* memmem() is a GNU extension; this is the plain version. */
static const uint8_t *search(const uint8_t *hay, size_t len, const void *needle,
                             size_t nlen)
{
	for (size_t i = 0; nlen <= len && i <= len - nlen; i++) {
		if (memcmp(hay + i, needle, nlen) == 0)
			return hay + i;
	}
	return NULL;
}

static bool span_is(cvc_span s, const char *text)
{
	return s.len == strlen(text) && memcmp(s.data, text, s.len) == 0;
}

static bool span_within(cvc_span s, const uint8_t *buf, size_t len)
{
	return s.len == 0 || (s.data >= buf && s.data + s.len <= buf + len);
}

/* ------------------------------------------------------------------ */
/* The whole corpus                                                     */

typedef struct corpus_walk {
	struct cvc_test_manifest manifest;
	size_t objects, keys, nonminimal;
} corpus_walk;

static void check_object_against_manifest(const struct cvc_test_manifest *m,
                                          const char *rel, const cvc_cert *c)
{
	const struct cvc_test_manifest_row *row =
	    cvc_test_manifest_find(m, rel);

	ck_assert_msg(row != NULL, "%s not in MANIFEST", rel);
	if (strcmp(row->role, "authreq") == 0) {
		ck_assert_int_eq(c->kind, CVC_KIND_AUTH_REQUEST);
		assert_name(rel, "outer CAR", row->car, c->outer_car);
	} else if (strcmp(row->role, "request") == 0) {
		ck_assert_int_eq(c->kind, CVC_KIND_REQUEST);
		assert_name(rel, "CAR", row->car, c->car);
	} else if (strcmp(row->role, "iso7816-9-cvc") == 0) {
		ck_assert_int_eq(c->kind, CVC_KIND_ISO9796);
		ck_assert_int_eq(c->profile, CVC_PROFILE_ISO7816_9);
		assert_name(rel, "CAR", row->car, c->car);
		return;
	} else {
		ck_assert_msg(c->kind == CVC_KIND_CERT, "%s: kind %s", rel,
		              cvc_kind_name(c->kind));
		assert_name(rel, "CAR", row->car, c->car);
	}
	assert_name(rel, "CHR", row->chr, c->chr);
	ck_assert_uint_eq(c->cpi, strtoul(row->cpi, NULL, 16));
	ck_assert_int_eq(c->profile, c->cpi == 0x70 ? CVC_PROFILE_GEMATIK_G2
	                                            : CVC_PROFILE_TR03110);
}

static void check_corpus_object(const char *path, const char *rel,
                                corpus_walk *st)
{
	static uint8_t buf[MAX_FILE], out[MAX_FILE];
	size_t n = cvc_test_read_into(path, buf, sizeof(buf)), need = 0,
	       len = 0;
	cvc_diag diag;
	cvc_cert c;
	cvc_err err;

	n_allocs = 0;
	counting = true;
	err = cvc_cert_decode(buf, n, 0, &c, &diag);
	if (err == CVC_ERR_NONMINIMAL_LENGTH)
		err = cvc_cert_decode(buf, n, CVC_DECODE_LENIENT, &c, &diag);
	counting = false; /* Check itself allocates: no ck_assert above */
	if (c.nonminimal)
		st->nonminimal++;
	ck_assert_msg(n_allocs == 0, "%s: decode allocated %lu times", rel,
	              n_allocs);
	ck_assert_msg(err == CVC_OK, "%s: %s at byte %zu (%s)", rel,
	              cvc_strerror(err), diag.offset,
	              diag.field ? diag.field : "?");
	ck_assert_ptr_eq(c.raw.data, buf);
	ck_assert_uint_eq(c.raw.len, n);
	ck_assert(span_within(c.tbs, buf, n));
	check_object_against_manifest(&st->manifest, rel, &c);

	ck_assert_int_eq(cvc_cert_encode(&c, NULL, 0, &need), CVC_OK);
	ck_assert_uint_eq(need, n);
	ck_assert_int_eq(cvc_cert_encode(&c, out, sizeof(out), &len), CVC_OK);
	ck_assert_msg(len == n && memcmp(out, buf, n) == 0,
	              "%s: re-encoding differs", rel);
	st->objects++;
}

static void check_corpus_key(const char *path, const char *rel, corpus_walk *st)
{
	static uint8_t buf[MAX_FILE], out[MAX_FILE];
	size_t n = cvc_test_read_into(path, buf, sizeof(buf)), len = 0;
	cvc_pubkey key;
	cvc_err err;

	n_allocs = 0;
	counting = true;
	err = cvc_pubkey_decode(buf, n, 0, &key, NULL);
	counting = false;
	ck_assert_msg(err == CVC_OK, "%s: %s", rel, cvc_strerror(err));
	ck_assert_uint_eq(n_allocs, 0);
	/*
	 * gemSpec_PKI 6.4: anchors are a curve OID + point (brainpool); the
	 * curve OID makes it an EC key.
	 */
	ck_assert_int_eq(key.type, CVC_KEY_EC);
	ck_assert(!cvc_pubkey_has_domain_params(&key));
	ck_assert_uint_eq(CVC_EC_POINT(&key).data[0], 0x04);
	ck_assert_int_eq(cvc_pubkey_encode(&key, out, sizeof(out), &len),
	                 CVC_OK);
	ck_assert(len == n && memcmp(out, buf, n) == 0);
	st->keys++;
}

static void check_corpus_file(const char *path, const char *rel, void *ctx)
{
	if (cvc_test_has_suffix(rel, ".cvcert") ||
	    cvc_test_has_suffix(rel, ".cvreq"))
		check_corpus_object(path, rel, ctx);
	else if (cvc_test_has_suffix(rel, ".der"))
		check_corpus_key(path, rel, ctx);
}

START_TEST(test_corpus_decodes_and_round_trips)
{
	corpus_walk st = {0};

	cvc_test_manifest_load(&st.manifest);
	cvc_test_walk_tree(cvc_test_corpus_dir(), check_corpus_file, &st);
	cvc_test_manifest_free(&st.manifest);
	/* 273 objects, 2 trust anchors; exactly one non-minimal length. */
	ck_assert_uint_ge(st.objects, 270);
	ck_assert_uint_ge(st.keys, 2);
	ck_assert_uint_eq(st.nonminimal, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Hand-picked corpus objects                                           */

#define TERMINAL                                                               \
	"de_eid_production/"                                                   \
	"DE0000049004FN__at-terminal__by_DEDVeIDDTR101401__f442495e.cvcert"
#define RSA_CVCA                                                               \
	"epassport_eac/GO_CV_RSA2008__is-cvca__selfsigned__b7a4d2d8.cvcert"
#define REQUEST "epassport_eac/UTIS00100072__request__noCAR__a0bae472.cvreq"
#define AUTH_REQUEST                                                           \
	"epassport_eac/SEABSP00002__authreq__by_SEABSP00001__c5742b72.cvreq"
#define GEMATIK_EE                                                             \
	"gematik_g2/0006_80-276-88311-0000015501__ee__by_DETXX_1-5-02-14__"    \
	"859843e2"
#define DNIE                                                                   \
	"dnie_iso7816_9/"                                                      \
	"noCHR__iso7816-9-cvc__by_hex_6573524449600006__7a11af8b.cvcert"
#define NONMINIMAL                                                             \
	"de_eid_production/DEDVeIDDTR101201__at-dv-nonofficial__by_"           \
	"DECVCAeID00102__0a144f77.cvcert"

static uint8_t buf[MAX_FILE], out[MAX_FILE];

static size_t decode_file(const char *rel, unsigned flags, cvc_cert *c)
{
	size_t n = load(rel, buf, sizeof(buf));
	cvc_diag diag;
	cvc_err err = cvc_cert_decode(buf, n, flags, c, &diag);

	ck_assert_msg(err == CVC_OK, "%s: %s at %zu", rel, cvc_strerror(err),
	              diag.offset);
	return n;
}

START_TEST(test_terminal_with_extensions)
{
	cvc_cert c;
	size_t n = decode_file(TERMINAL, 0, &c);

	/* openssl asn1parse: 7F21 hl=5 l=328, 7F4E at 5 hl=5 l=256. */
	ck_assert_uint_eq(n, 333);
	ck_assert_int_eq(c.kind, CVC_KIND_CERT);
	ck_assert_int_eq(c.profile, CVC_PROFILE_TR03110);
	ck_assert_ptr_eq(c.tbs.data, buf + 5);
	ck_assert_uint_eq(c.tbs.len, 261);
	ck_assert_uint_eq(c.cpi, 0);
	ck_assert(c.has_car && span_is(c.car, "DEDVeIDDTR101401"));
	ck_assert(span_is(c.chr, "DE0000049004FN"));
	ck_assert_int_eq(c.key.type, CVC_KEY_EC);
	ck_assert(cvc_test_span_is_hex(c.key.oid, "04007F00070202020203"));
	ck_assert_uint_eq(CVC_EC_POINT(&c.key).len, 65);
	ck_assert_uint_eq(CVC_EC_POINT(&c.key).data[0], 0x04);
	ck_assert(!cvc_pubkey_has_domain_params(&c.key));
	ck_assert(c.has_chat);
	ck_assert(cvc_test_span_is_hex(c.chat.oid, "04007F000703010202"));
	ck_assert(cvc_test_span_is_hex(c.chat.bits, "0000000004"));
	ck_assert(c.has_dates);
	ck_assert(c.effective.year == 2011 && c.effective.month == 12 &&
	          c.effective.day == 9);
	ck_assert(c.expiration.year == 2011 && c.expiration.month == 12 &&
	          c.expiration.day == 10);
	ck_assert(c.has_extensions);
	ck_assert_uint_eq(c.n_ext, 2);
	/* id-sector then id-description, each 80 with a SHA-256 hash. */
	ck_assert(cvc_test_span_is_hex(c.ext[0].oid, "04007F000703010302"));
	ck_assert(cvc_test_span_is_hex(c.ext[1].oid, "04007F000703010301"));
	ck_assert_uint_eq(c.ext[0].content.len, 34);
	ck_assert_uint_eq(c.ext[0].content.data[0], 0x80);
	ck_assert_ptr_eq(c.ext[1].content.data, buf + 232);
	ck_assert_uint_eq(c.signature.len, 64);
	ck_assert_ptr_eq(c.signature.data, buf + 269);
	ck_assert(!c.nonminimal);
}
END_TEST

START_TEST(test_rsa_cvca)
{
	cvc_cert c;

	decode_file(RSA_CVCA, 0, &c);
	ck_assert_int_eq(c.kind, CVC_KIND_CERT);
	ck_assert_int_eq(c.key.type, CVC_KEY_RSA);
	ck_assert(cvc_test_span_is_hex(c.key.oid, "04007F00070202020101"));
	/* asn1parse: 81 l=128 at 44, 82 l=1 at 175. */
	ck_assert_uint_eq(CVC_RSA_N(&c.key).len, 128);
	ck_assert_ptr_eq(CVC_RSA_N(&c.key).data, buf + 47);
	ck_assert_uint_eq(CVC_RSA_E(&c.key).len, 1);
	for (size_t i = 2; i < CVC_KEY_COMPONENTS; i++)
		ck_assert_uint_eq(c.key.comp[i].len, 0);
	ck_assert(span_is(c.car, "GO_CV_RSA2008"));
	ck_assert(span_is(c.chr, "GO_CV_RSA2008"));
	ck_assert(cvc_test_span_is_hex(c.chat.oid, "04007F000703010201"));
	ck_assert_uint_eq(c.chat.bits.len, 1);
	ck_assert_uint_eq(c.signature.len, 128);
	ck_assert(!c.has_extensions);
}
END_TEST

START_TEST(test_request)
{
	static const size_t comp_len[] = {28, 28, 28, 57, 28, 57, 1};
	cvc_cert c;

	decode_file(REQUEST, 0, &c);
	ck_assert_int_eq(c.kind, CVC_KIND_REQUEST);
	ck_assert(!c.has_car && c.car.len == 0);
	ck_assert(!c.has_chat && !c.has_dates && !c.has_extensions);
	ck_assert(span_is(c.chr, "UTIS00100072"));
	ck_assert_int_eq(c.key.type, CVC_KEY_EC);
	ck_assert(cvc_test_span_is_hex(c.key.oid, "04007F00070202020202"));
	ck_assert(cvc_pubkey_has_domain_params(&c.key));
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++)
		ck_assert_uint_eq(c.key.comp[i].len, comp_len[i]);
	ck_assert_uint_eq(c.signature.len, 56);
	ck_assert_uint_eq(c.outer_signature.len, 0);
}
END_TEST

START_TEST(test_auth_request)
{
	cvc_cert c;

	decode_file(AUTH_REQUEST, 0, &c);
	ck_assert_int_eq(c.kind, CVC_KIND_AUTH_REQUEST);
	ck_assert(c.has_car && span_is(c.car, "SEDVDPK00001"));
	ck_assert(span_is(c.chr, "SEABSP00002"));
	ck_assert(span_is(c.outer_car, "SEABSP00001"));
	ck_assert_int_eq(c.key.type, CVC_KEY_RSA);
	ck_assert_uint_eq(CVC_RSA_N(&c.key).len, 256);
	ck_assert_uint_eq(CVC_RSA_E(&c.key).len, 3);
	/* asn1parse: 7F21 at 4 (585 octets), 42 at 589 (13), 5F37 at 602. */
	ck_assert_ptr_eq(c.tbs.data, buf + 9);
	ck_assert_uint_eq(c.tbs.len, 319);
	ck_assert_ptr_eq(c.outer_tbs.data, buf + 4);
	ck_assert_uint_eq(c.outer_tbs.len, 598);
	ck_assert_uint_eq(c.signature.len, 256);
	ck_assert_ptr_eq(c.outer_signature.data, buf + 607);
	ck_assert_uint_eq(c.outer_signature.len, 256);
}
END_TEST

/* A field of the "as is" block of gematik's explanation: the octets. */
static void assert_explained(const struct cvc_test_explanation *x,
                             enum cvc_test_gx_field field, cvc_span got)
{
	const char *want = x->field[field];

	ck_assert_msg(*want != '\0' && cvc_test_span_is_hex(got, want),
	              "%s differs from gematik's explanation", want);
}

/* CED and CXD: YYMMDD, one digit per octet, year 20YY. */
static void assert_explained_date(const struct cvc_test_explanation *x,
                                  enum cvc_test_gx_field field,
                                  const cvc_date *got)
{
	uint8_t d[6];

	ck_assert_uint_eq(cvc_test_unhex(x->field[field], d, sizeof(d)), 6);
	ck_assert_uint_eq(got->year, 2000 + d[0] * 10 + d[1]);
	ck_assert_uint_eq(got->month, d[2] * 10 + d[3]);
	ck_assert_uint_eq(got->day, d[4] * 10 + d[5]);
}

START_TEST(test_gematik_end_entity)
{
	struct cvc_test_explanation x;
	size_t len;
	char *text;
	cvc_cert c;

	decode_file(GEMATIK_EE ".cvcert", 0, &c);
	text = (char *)cvc_test_read_corpus(
	    GEMATIK_EE CVC_TEST_EXPLANATION_SUFFIX, &len);
	cvc_test_parse_explanation(text, &x);
	ck_assert_msg(x.error == NULL, "explanation: %s", x.error);

	ck_assert_int_eq(c.kind, CVC_KIND_CERT);
	ck_assert_int_eq(c.profile, CVC_PROFILE_GEMATIK_G2);
	ck_assert_uint_eq(c.cpi, 0x70);
	ck_assert_uint_eq(c.chr.len, 12);
	assert_explained(&x, CVC_TEST_GX_CAR, c.car);
	assert_explained(&x, CVC_TEST_GX_CHR, c.chr);
	assert_explained(&x, CVC_TEST_GX_KEY_OID, c.key.oid);
	assert_explained(&x, CVC_TEST_GX_POINT, CVC_EC_POINT(&c.key));
	assert_explained(&x, CVC_TEST_GX_FLAG_OID, c.chat.oid);
	assert_explained(&x, CVC_TEST_GX_FLAGS, c.chat.bits);
	assert_explained(&x, CVC_TEST_GX_SIG, c.signature);
	assert_explained_date(&x, CVC_TEST_GX_CED, &c.effective);
	assert_explained_date(&x, CVC_TEST_GX_CXD, &c.expiration);
	ck_assert_int_eq(c.key.type, CVC_KEY_EC);
	ck_assert(!cvc_pubkey_has_domain_params(&c.key));
	free(text);
}
END_TEST

START_TEST(test_dnie)
{
	cvc_cert c;
	size_t n = decode_file(DNIE, 0, &c), len = 0;

	ck_assert_int_eq(c.kind, CVC_KIND_ISO9796);
	ck_assert_int_eq(c.profile, CVC_PROFILE_ISO7816_9);
	/* xxd: 7F21 81CE { 5F37 8180 ..., 5F38 3D ..., 42 08 ... } */
	ck_assert_ptr_eq(c.signature.data, buf + 8);
	ck_assert_uint_eq(c.signature.len, 128);
	ck_assert_uint_eq(c.remainder.len, 0x3D);
	ck_assert(c.has_car && cvc_test_span_is_hex(c.car, "6573524449600006"));
	ck_assert_uint_eq(c.tbs.len, 0);
	ck_assert_uint_eq(c.chr.len, 0);
	ck_assert_int_eq(cvc_cert_encode_body(&c, NULL, 0, &len),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_encode(&c, out, sizeof(out), &len), CVC_OK);
	ck_assert(len == n && memcmp(out, buf, n) == 0);
}
END_TEST

START_TEST(test_nonminimal_strict_vs_lenient)
{
	size_t n = load(NONMINIMAL, buf, sizeof(buf)), len = 0;
	cvc_diag diag;
	cvc_cert c;

	/* The file starts 7F21 82 00E7: three length octets for 231. */
	ck_assert(buf[2] == 0x82 && buf[3] == 0x00 && buf[4] == 0xE7);
	ck_assert_int_eq(cvc_cert_decode(buf, n, 0, &c, &diag),
	                 CVC_ERR_NONMINIMAL_LENGTH);
	ck_assert_int_eq(diag.err, CVC_ERR_NONMINIMAL_LENGTH);
	ck_assert_uint_eq(diag.offset, 0);
	ck_assert_str_eq(diag.field, "certificate");

	ck_assert_int_eq(cvc_cert_decode(buf, n, CVC_DECODE_LENIENT, &c, &diag),
	                 CVC_OK);
	ck_assert(c.nonminimal);
	ck_assert_uint_eq(c.len_octets[CVC_F_CERT], 3);
	ck_assert_uint_eq(c.len_octets[CVC_F_BODY], 0);
	ck_assert_int_eq(cvc_cert_encode(&c, out, sizeof(out), &len), CVC_OK);
	ck_assert(len == n && memcmp(out, buf, n) == 0);

	/* Asking for the shortest form gives the DER object, one octet less. */
	c.len_octets[CVC_F_CERT] = 0;
	ck_assert_int_eq(cvc_cert_encode(&c, out, sizeof(out), &len), CVC_OK);
	ck_assert_uint_eq(len, n - 1);
	ck_assert(out[2] == 0x81 && out[3] == 0xE7);
	ck_assert(memcmp(out + 4, buf + 5, n - 5) == 0);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
}
END_TEST

/* Any field made non-minimal by the encoder is refused strictly. */
START_TEST(test_nonminimal_inner_field)
{
	size_t n = load(TERMINAL, buf, sizeof(buf)), len = 0;
	static uint8_t again[MAX_FILE];
	const uint8_t chr_long[] = {0x5F, 0x20, 0x81, 0x0E, 'D', 'E'};
	cvc_diag diag;
	cvc_cert c;
	const uint8_t *at;

	ck_assert_int_eq(cvc_cert_decode(buf, n, 0, &c, NULL), CVC_OK);
	c.len_octets[CVC_F_CHR] = 2;
	c.key.comp_len_octets[5] = 3;
	ck_assert_int_eq(cvc_cert_encode(&c, out, sizeof(out), &len), CVC_OK);
	ck_assert_uint_eq(len, n + 3);
	at = search(out, len, chr_long, sizeof(chr_long));
	ck_assert_ptr_nonnull(at);

	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, &diag),
	                 CVC_ERR_NONMINIMAL_LENGTH);
	/* The point comes first: 86 82 0041 inside 7F49. */
	ck_assert(diag.offset < (size_t)(at - out));
	ck_assert_uint_eq(out[diag.offset], 0x86);

	ck_assert_int_eq(
	    cvc_cert_decode(out, len, CVC_DECODE_LENIENT, &c, &diag), CVC_OK);
	ck_assert(c.nonminimal);
	ck_assert_uint_eq(c.len_octets[CVC_F_CHR], 2);
	ck_assert_uint_eq(c.key.comp_len_octets[5], 3);
	ck_assert(span_is(c.chr, "DE0000049004FN"));
	ck_assert_int_eq(cvc_cert_encode(&c, again, sizeof(again), &n), CVC_OK);
	ck_assert(n == len && memcmp(again, out, len) == 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Building from a template                                             */

static const uint8_t ecdsa_sha256[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                       0x02, 0x02, 0x02, 0x02, 0x03};
static const uint8_t id_at[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                0x03, 0x01, 0x02, 0x02};
static const uint8_t id_description[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                         0x03, 0x01, 0x03, 0x01};
static const uint8_t at_bits[] = {0x00, 0x00, 0x00, 0x01, 0x10};
static uint8_t point[65];
static uint8_t sig[64];
static uint8_t ext_content[34];

static cvc_span span_of(const void *p, size_t n)
{
	cvc_span s = {p, n};

	return s;
}

static cvc_span text_span(const char *t)
{
	return span_of(t, strlen(t));
}

static void fill_template(cvc_cert *c)
{
	memset(c, 0, sizeof(*c));
	memset(point, 0x11, sizeof(point));
	point[0] = 0x04;
	memset(sig, 0x5A, sizeof(sig));
	memset(ext_content, 0x22, sizeof(ext_content));
	ext_content[0] = 0x80;
	ext_content[1] = 0x20;

	c->kind = CVC_KIND_CERT;
	c->cpi = 0;
	c->has_car = true;
	c->car = text_span("DETESTDV00001");
	c->key.oid = span_of(ecdsa_sha256, sizeof(ecdsa_sha256));
	CVC_EC_POINT(&c->key) = span_of(point, sizeof(point));
	c->chr = text_span("DETESTTERM00001");
	c->has_chat = true;
	c->chat.oid = span_of(id_at, sizeof(id_at));
	c->chat.bits = span_of(at_bits, sizeof(at_bits));
	c->has_dates = true;
	c->effective = (cvc_date){2025, 1, 1};
	c->expiration = (cvc_date){2025, 3, 31};
	c->has_extensions = true;
	c->n_ext = 1;
	c->ext[0].oid = span_of(id_description, sizeof(id_description));
	c->ext[0].content = span_of(ext_content, sizeof(ext_content));
	c->signature = span_of(sig, sizeof(sig));
}

START_TEST(test_build_from_template)
{
	static const uint8_t ced[] = {0x5F, 0x25, 0x06, 2, 5, 0, 1, 0, 1};
	static const uint8_t cxd[] = {0x5F, 0x24, 0x06, 2, 5, 0, 3, 3, 1};
	cvc_cert t, c;
	size_t need = 0, len = 0, body_len = 0;
	static uint8_t body[MAX_FILE];

	fill_template(&t);
	ck_assert_int_eq(cvc_cert_encode(&t, NULL, 0, &need), CVC_OK);
	ck_assert_int_eq(cvc_cert_encode(&t, out, need - 1, &len),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(len, need);
	ck_assert_int_eq(cvc_cert_encode(&t, out, need, &len), CVC_OK);
	ck_assert_uint_eq(len, need);
	ck_assert(out[0] == 0x7F && out[1] == 0x21);
	ck_assert_ptr_nonnull(search(out, len, ced, sizeof(ced)));
	ck_assert_ptr_nonnull(search(out, len, cxd, sizeof(cxd)));

	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
	ck_assert_int_eq(c.kind, CVC_KIND_CERT);
	ck_assert(span_is(c.car, "DETESTDV00001"));
	ck_assert(span_is(c.chr, "DETESTTERM00001"));
	ck_assert_int_eq(c.key.type, CVC_KEY_EC);
	ck_assert(CVC_EC_POINT(&c.key).len == 65 &&
	          memcmp(CVC_EC_POINT(&c.key).data, point, 65) == 0);
	ck_assert_int_eq(cvc_date_cmp(&c.effective, &t.effective), 0);
	ck_assert_int_eq(cvc_date_cmp(&c.expiration, &t.expiration), 0);
	ck_assert_uint_eq(c.n_ext, 1);
	ck_assert(c.ext[0].content.len == sizeof(ext_content) &&
	          memcmp(c.ext[0].content.data, ext_content, 34) == 0);
	ck_assert(c.signature.len == 64 &&
	          memcmp(c.signature.data, sig, 64) == 0);

	/* encode_body gives exactly the signed part of the full object. */
	ck_assert_int_eq(
	    cvc_cert_encode_body(&t, body, sizeof(body), &body_len), CVC_OK);
	ck_assert(body_len == c.tbs.len &&
	          memcmp(body, c.tbs.data, body_len) == 0);
	ck_assert(body[0] == 0x7F && body[1] == 0x4E);
}
END_TEST

START_TEST(test_build_request_and_auth_request)
{
	static const uint8_t outer_sig[] = {1, 2, 3, 4};
	cvc_cert t, c;
	size_t len = 0;

	fill_template(&t);
	t.kind = CVC_KIND_REQUEST;
	t.has_chat = false;
	t.has_dates = false;
	t.has_car = false;
	ck_assert_int_eq(cvc_cert_encode(&t, out, sizeof(out), &len), CVC_OK);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
	ck_assert_int_eq(c.kind, CVC_KIND_REQUEST);
	ck_assert(!c.has_car && c.has_extensions);

	t.kind = CVC_KIND_AUTH_REQUEST;
	t.outer_car = text_span("DETESTDV00001");
	t.outer_signature = span_of(outer_sig, sizeof(outer_sig));
	ck_assert_int_eq(cvc_cert_encode(&t, out, sizeof(out), &len), CVC_OK);
	ck_assert_uint_eq(out[0], 0x67);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
	ck_assert_int_eq(c.kind, CVC_KIND_AUTH_REQUEST);
	ck_assert(span_is(c.outer_car, "DETESTDV00001"));
	ck_assert_uint_eq(c.outer_signature.len, 4);
	/* outer_tbs ends right before the outer 5F37. */
	ck_assert(c.outer_tbs.data + c.outer_tbs.len ==
	          c.outer_signature.data - 3);
}
END_TEST

START_TEST(test_template_errors)
{
	cvc_cert t;
	size_t len = 0;

	fill_template(&t);
	t.has_chat = false; /* a certificate needs its CHAT */
	ck_assert_int_eq(cvc_cert_encode(&t, out, sizeof(out), &len),
	                 CVC_ERR_INVALID_ARG);
	fill_template(&t);
	t.kind = CVC_KIND_REQUEST; /* a request has no CHAT */
	ck_assert_int_eq(cvc_cert_encode(&t, out, sizeof(out), &len),
	                 CVC_ERR_INVALID_ARG);
	fill_template(&t);
	t.expiration.day = 32;
	ck_assert_int_eq(cvc_cert_encode(&t, out, sizeof(out), &len),
	                 CVC_ERR_BAD_DATE);
	fill_template(&t);
	t.signature.len = 0;
	ck_assert_int_eq(cvc_cert_encode(&t, out, sizeof(out), &len),
	                 CVC_ERR_INVALID_ARG);
	/* ... but the body alone needs no signature. */
	ck_assert_int_eq(cvc_cert_encode_body(&t, out, sizeof(out), &len),
	                 CVC_OK);
	fill_template(&t);
	t.n_ext = CVC_MAX_EXTENSIONS + 1;
	ck_assert_int_eq(cvc_cert_encode(&t, out, sizeof(out), &len),
	                 CVC_ERR_TOO_MANY);
	/* A buffer of 0 octets is too small, and the size is reported. */
	fill_template(&t);
	ck_assert_int_eq(cvc_cert_encode(&t, out, 0, &len),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_gt(len, 100);
	/* A forced length width too narrow for the value is refused. */
	t.len_octets[CVC_F_CERT] = 1;
	ck_assert_int_ne(cvc_cert_encode(&t, out, sizeof(out), &len), CVC_OK);
}
END_TEST

START_TEST(test_pubkey_round_trip)
{
	static const char *anchors[] = {
	    "gematik_g2/trust-anchor/4445475858820214_ELC-PublicKey.der",
	    "gematik_g2/trust-anchor/44455a4757820216_ELC-PublicKey.der",
	};
	cvc_pubkey key;
	cvc_diag diag;
	size_t n, len = 0;

	for (size_t i = 0; i < 2; i++) {
		n = load(anchors[i], buf, sizeof(buf));
		ck_assert_int_eq(cvc_pubkey_decode(buf, n, 0, &key, &diag),
		                 CVC_OK);
		/* brainpoolP256r1 OID, then a 65-octet point. */
		ck_assert(cvc_test_span_is_hex(key.oid, "2B2403030208010107"));
		ck_assert_uint_eq(CVC_EC_POINT(&key).len, 65);
		ck_assert_int_eq(
		    cvc_pubkey_encode(&key, out, sizeof(out), &len), CVC_OK);
		ck_assert(len == n && memcmp(out, buf, n) == 0);
		/* One octet more is trailing data, reported where it is. */
		buf[n] = 0x00;
		ck_assert_int_eq(cvc_pubkey_decode(buf, n + 1, 0, &key, &diag),
		                 CVC_ERR_TRAILING_DATA);
		ck_assert_uint_eq(diag.offset, n);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Negative cases on hand-built objects                                 */

typedef struct field {
	uint32_t tag;
	const uint8_t *value;
	size_t len;
} field;

static const uint8_t v_cpi[] = {0x00};
static const uint8_t v_key[] = {0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00,
                                0x07, 0x02, 0x02, 0x02, 0x02, 0x03,
                                0x86, 0x03, 0x04, 0x01, 0x02};
static const uint8_t v_chat[] = {0x06, 0x09, 0x04, 0x00, 0x7F, 0x00,
                                 0x07, 0x03, 0x01, 0x02, 0x02, 0x53,
                                 0x05, 0x00, 0x00, 0x00, 0x01, 0x10};
static const uint8_t v_ced[] = {2, 5, 0, 1, 0, 1};
static const uint8_t v_cxd[] = {2, 5, 0, 3, 3, 1};
static const uint8_t v_sig[] = {1, 2, 3, 4, 5, 6, 7, 8};

#define TXT(s) (const uint8_t *)(s), sizeof(s) - 1
#define BIN(a) (a), sizeof(a)

enum { F_CPI, F_CAR, F_KEY, F_CHR, F_CHAT, F_CED, F_CXD, N_FIELDS };

static void good_fields(field f[N_FIELDS])
{
	const field g[N_FIELDS] = {
	    {0x5F29, BIN(v_cpi)},  {0x42, TXT("DETESTDV00001")},
	    {0x7F49, BIN(v_key)},  {0x5F20, TXT("DETESTTERM00001")},
	    {0x7F4C, BIN(v_chat)}, {0x5F25, BIN(v_ced)},
	    {0x5F24, BIN(v_cxd)},
	};

	memcpy(f, g, sizeof(g));
}

/*
 * 7F21 { 7F4E { fields }, 5F37 sig } written with the TLV writer; no 5F37
 * when sig is NULL.
 */
static size_t build_signed(uint8_t *dst, size_t cap, const field *f, size_t n,
                           const uint8_t *signature, size_t sig_len)
{
	cvc_tlv_writer w;
	size_t len = 0;

	cvc_tlv_writer_init(&w, dst, cap);
	cvc_tlv_begin(&w, 0x7F21, 0);
	cvc_tlv_begin(&w, 0x7F4E, 0);
	for (size_t i = 0; i < n; i++)
		cvc_tlv_put(&w, f[i].tag, f[i].value, f[i].len, 0);
	cvc_tlv_end(&w);
	if (signature != NULL)
		cvc_tlv_put(&w, 0x5F37, signature, sig_len, 0);
	cvc_tlv_end(&w);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &len), CVC_OK);
	return len;
}

static size_t build(uint8_t *dst, size_t cap, const field *f, size_t n,
                    bool with_signature)
{
	return build_signed(dst, cap, f, n, with_signature ? v_sig : NULL,
	                    sizeof(v_sig));
}

/* Offset of the n-th (0-based) occurrence of needle in hay. */
static size_t find(const uint8_t *hay, size_t len, const void *needle,
                   size_t nlen, int nth)
{
	const uint8_t *p = hay;

	for (int i = 0;; i++) {
		p = search(p, len - (size_t)(p - hay), needle, nlen);
		ck_assert_ptr_nonnull(p);
		if (i == nth)
			return (size_t)(p - hay);
		p++;
	}
}

static cvc_diag expect_error(const uint8_t *obj, size_t len, cvc_err want)
{
	cvc_diag diag;
	cvc_cert c;
	cvc_err err = cvc_cert_decode(obj, len, 0, &c, &diag);

	ck_assert_msg(err == want, "got %s, want %s (at %zu, %s)",
	              cvc_strerror(err), cvc_strerror(want), diag.offset,
	              diag.field ? diag.field : "-");
	ck_assert_int_eq(diag.err, want);
	ck_assert_uint_lt(diag.offset, len + 1);
	return diag;
}

START_TEST(test_built_object_is_valid)
{
	field f[N_FIELDS];
	size_t len;
	cvc_cert c;

	good_fields(f);
	len = build(out, sizeof(out), f, N_FIELDS, true);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
	ck_assert_int_eq(c.kind, CVC_KIND_CERT);
	len = build(out, sizeof(out), f + F_KEY, 1, true);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL),
	                 CVC_ERR_MISSING_FIELD);
}
END_TEST

START_TEST(test_truncated_everywhere)
{
	size_t n = load(TERMINAL, buf, sizeof(buf)), used;
	cvc_diag diag;
	cvc_cert c;

	for (size_t cut = 0; cut < n; cut++) {
		ck_assert_int_eq(cvc_cert_decode(buf, cut, 0, &c, &diag),
		                 CVC_ERR_TRUNCATED);
		ck_assert_uint_le(diag.offset, cut);
		ck_assert_int_eq(
		    cvc_cert_decode(buf, cut, CVC_DECODE_LENIENT, &c, NULL),
		    CVC_ERR_TRUNCATED);
		ck_assert_int_eq(
		    cvc_cert_decode_prefix(buf, cut, 0, &c, &used, NULL),
		    CVC_ERR_TRUNCATED);
	}
	ck_assert_int_eq(cvc_cert_decode(buf, n, 0, &c, NULL), CVC_OK);
}
END_TEST

START_TEST(test_length_past_parent)
{
	field f[N_FIELDS];
	const uint8_t chr[] = {0x5F, 0x20, 0x0F, 'D', 'E', 'T'};
	size_t len, at;
	cvc_diag diag;

	good_fields(f);
	len = build(out, sizeof(out), f, N_FIELDS, true);
	at = find(out, len, chr, sizeof(chr), 0);
	out[at + 2] = 0x7F; /* CHR now claims more than the body holds */
	diag = expect_error(out, len, CVC_ERR_BAD_LENGTH);
	ck_assert_uint_eq(diag.offset, at);
	ck_assert_str_eq(diag.field, "CHR");
}
END_TEST

START_TEST(test_object_too_long)
{
	static uint8_t big[70000];
	const size_t value = sizeof(big) - 6;
	cvc_diag diag;

	/* 7F21 83 xxxxxx: well-formed, but longer than 65535 octets. */
	memset(big, 0, sizeof(big));
	big[0] = 0x7F;
	big[1] = 0x21;
	big[2] = 0x83;
	big[3] = (uint8_t)(value >> 16);
	big[4] = (uint8_t)(value >> 8);
	big[5] = (uint8_t)value;
	diag = expect_error(big, sizeof(big), CVC_ERR_BAD_LENGTH);
	ck_assert_uint_eq(diag.offset, 0);
}
END_TEST

START_TEST(test_wrong_tag)
{
	field f[N_FIELDS];
	size_t len;
	cvc_diag diag;

	good_fields(f);
	f[F_CHR].tag = 0x5F21;
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_UNEXPECTED_TAG);
	ck_assert_uint_eq(diag.offset, find(out, len, "\x5F\x21", 2, 0));
	ck_assert_str_eq(diag.field, "CHR");
	ck_assert_uint_eq(diag.tag, 0x5F21);
	ck_assert_uint_eq(diag.expected, 0x5F20);

	/* Not a CV certificate at all. */
	len = build(out, sizeof(out), f, N_FIELDS, true);
	out[1] = 0x22;
	diag = expect_error(out, len, CVC_ERR_UNEXPECTED_TAG);
	ck_assert_uint_eq(diag.offset, 0);
	ck_assert_uint_eq(diag.expected, CVC_TAG_CERT);

	/* CAR after the key: out of order. */
	good_fields(f);
	{
		field t = f[F_CAR];

		f[F_CAR] = f[F_KEY];
		f[F_KEY] = t;
	}
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_UNEXPECTED_TAG);
	ck_assert_str_eq(diag.field, "CAR");
	ck_assert_uint_eq(diag.offset, find(out, len, "\x42\x0D", 2, 0));
}
END_TEST

START_TEST(test_duplicate_field)
{
	field f[N_FIELDS + 1];
	size_t len;
	cvc_diag diag;

	good_fields(f);
	memmove(f + F_CHR + 1, f + F_CHR, (N_FIELDS - F_CHR) * sizeof(*f));
	len = build(out, sizeof(out), f, N_FIELDS + 1, true);
	diag = expect_error(out, len, CVC_ERR_DUPLICATE_FIELD);
	ck_assert_str_eq(diag.field, "CHR");
	ck_assert_uint_eq(diag.offset, find(out, len, "\x5F\x20", 2, 1));
}
END_TEST

START_TEST(test_missing_field)
{
	field f[N_FIELDS];
	size_t len;
	cvc_diag diag;

	/* No CHR: reported where the CHAT stands instead. */
	good_fields(f);
	memmove(f + F_CHR, f + F_CHR + 1, (N_FIELDS - F_CHR - 1) * sizeof(*f));
	len = build(out, sizeof(out), f, N_FIELDS - 1, true);
	diag = expect_error(out, len, CVC_ERR_MISSING_FIELD);
	ck_assert_str_eq(diag.field, "CHR");
	ck_assert_uint_eq(diag.offset, find(out, len, "\x7F\x4C", 2, 0));

	/* A certificate without expiration date. */
	good_fields(f);
	len = build(out, sizeof(out), f, F_CXD, true);
	diag = expect_error(out, len, CVC_ERR_MISSING_FIELD);
	ck_assert_str_eq(diag.field, "expiration date");
	ck_assert_uint_eq(diag.expected, CVC_TAG_CXD);

	/* A certificate (it has a CHAT) without CAR. */
	good_fields(f);
	memmove(f + F_CAR, f + F_CAR + 1, (N_FIELDS - F_CAR - 1) * sizeof(*f));
	len = build(out, sizeof(out), f, N_FIELDS - 1, true);
	diag = expect_error(out, len, CVC_ERR_MISSING_FIELD);
	ck_assert_str_eq(diag.field, "CAR");

	/* No signature. */
	good_fields(f);
	len = build(out, sizeof(out), f, N_FIELDS, false);
	diag = expect_error(out, len, CVC_ERR_MISSING_FIELD);
	ck_assert_str_eq(diag.field, "signature");
	ck_assert_uint_eq(diag.offset, len);
}
END_TEST

START_TEST(test_garbage)
{
	static const uint8_t text[] = "hello, world";
	static const uint8_t padding[] = {0x7F, 0x21, 0x03, 0x00, 0x00, 0x00};
	static const uint8_t empty_cert[] = {0x7F, 0x21, 0x00};
	cvc_diag diag;

	diag = expect_error(text, sizeof(text) - 1, CVC_ERR_UNEXPECTED_TAG);
	ck_assert_uint_eq(diag.offset, 0);
	diag = expect_error(padding, sizeof(padding), CVC_ERR_BAD_TAG);
	ck_assert_uint_eq(diag.offset, 3);
	diag =
	    expect_error(empty_cert, sizeof(empty_cert), CVC_ERR_MISSING_FIELD);
	ck_assert_str_eq(diag.field, "body");
	expect_error(text, 0, CVC_ERR_TRUNCATED);

	/* Pseudo-random bytes never decode and never crash. */
	uint32_t x = 12345;
	for (int round = 0; round < 2000; round++) {
		cvc_cert c;
		size_t n = 1 + (size_t)(round % 300);

		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			out[i] = (uint8_t)(x >> 16);
		}
		out[0] = 0x7F;
		out[1] = 0x21;
		(void)cvc_cert_decode(out, n, CVC_DECODE_LENIENT, &c, NULL);
	}
}
END_TEST

START_TEST(test_trailing_data)
{
	field f[N_FIELDS];
	size_t len, used = 0;
	cvc_diag diag;
	cvc_cert c;

	good_fields(f);
	len = build(out, sizeof(out), f, N_FIELDS, true);
	out[len] = 0x00;
	diag = expect_error(out, len + 1, CVC_ERR_TRAILING_DATA);
	ck_assert_uint_eq(diag.offset, len);
	/* decode_prefix stops after the object and says where. */
	ck_assert_int_eq(
	    cvc_cert_decode_prefix(out, len + 1, 0, &c, &used, NULL), CVC_OK);
	ck_assert_uint_eq(used, len);

	/* Inside the CHAT, after its last field. */
	{
		uint8_t chat[sizeof(v_chat) + 2];

		memcpy(chat, v_chat, sizeof(v_chat));
		chat[sizeof(v_chat)] = 0x99;
		chat[sizeof(v_chat) + 1] = 0x00;
		f[F_CHAT].value = chat;
		f[F_CHAT].len = sizeof(chat);
		len = build(out, sizeof(out), f, N_FIELDS, true);
		diag = expect_error(out, len, CVC_ERR_TRAILING_DATA);
		ck_assert_str_eq(diag.field, "CHAT");
		ck_assert_uint_eq(diag.offset,
		                  find(out, len, "\x99\x00", 2, 0));
	}
}
END_TEST

START_TEST(test_bad_dates)
{
	static const uint8_t digit_0a[] = {2, 5, 0, 1, 0, 0x0A};
	static const uint8_t feb_30[] = {2, 5, 0, 2, 3, 0};
	static const uint8_t feb_29_leap[] = {2, 4, 0, 2, 2, 9};
	static const uint8_t feb_29_plain[] = {2, 5, 0, 2, 2, 9};
	field f[N_FIELDS];
	size_t len;
	cvc_diag diag;
	cvc_cert c;

	good_fields(f);
	f[F_CED].value = digit_0a;
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_BAD_DATE);
	ck_assert_str_eq(diag.field, "effective date");
	ck_assert_uint_eq(diag.offset, find(out, len, "\x5F\x25", 2, 0) + 3);

	f[F_CED].value = feb_30;
	len = build(out, sizeof(out), f, N_FIELDS, true);
	expect_error(out, len, CVC_ERR_BAD_DATE);

	f[F_CED].value = feb_29_plain;
	len = build(out, sizeof(out), f, N_FIELDS, true);
	expect_error(out, len, CVC_ERR_BAD_DATE);

	f[F_CED].value = feb_29_leap;
	len = build(out, sizeof(out), f, N_FIELDS, true);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
	ck_assert(c.effective.year == 2024 && c.effective.month == 2 &&
	          c.effective.day == 29);

	/* Five digits instead of six. */
	good_fields(f);
	f[F_CXD].len = 5;
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_BAD_DATE);
	ck_assert_str_eq(diag.field, "expiration date");
}
END_TEST

START_TEST(test_bad_strings_and_values)
{
	field f[N_FIELDS];
	size_t len;
	cvc_diag diag;

	/* ESC in the CHR: reported at the octet itself. */
	good_fields(f);
	f[F_CHR].value = (const uint8_t *)"DETEST\x1BTERM0001";
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_BAD_STRING);
	ck_assert_str_eq(diag.field, "CHR");
	ck_assert_uint_eq(diag.offset, find(out, len, "\x1B", 1, 0));

	/* A C1 control character in the CAR. */
	good_fields(f);
	f[F_CAR].value = (const uint8_t *)"DETEST\x85V00001";
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_BAD_STRING);
	ck_assert_str_eq(diag.field, "CAR");

	/* 17 octets is one too many. */
	good_fields(f);
	f[F_CAR].value = (const uint8_t *)"DETESTDVXXXX00001";
	f[F_CAR].len = 17;
	len = build(out, sizeof(out), f, N_FIELDS, true);
	expect_error(out, len, CVC_ERR_BAD_STRING);

	/* A two-octet CPI. */
	good_fields(f);
	f[F_CPI].value = (const uint8_t *)"\x00\x00";
	f[F_CPI].len = 2;
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_BAD_VALUE);
	ck_assert_str_eq(diag.field, "CPI");

	/* gematik G2: the CAR is 8 binary octets, not 13. */
	good_fields(f);
	f[F_CPI].value = (const uint8_t *)"\x70";
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_BAD_STRING);
	ck_assert_str_eq(diag.field, "CAR");
}
END_TEST

START_TEST(test_empty_signature)
{
	field f[N_FIELDS];
	size_t len;
	cvc_diag diag;

	good_fields(f);
	len = build_signed(out, sizeof(out), f, N_FIELDS, v_sig, 0);
	ck_assert(out[len - 3] == 0x5F && out[len - 2] == 0x37);
	diag = expect_error(out, len, CVC_ERR_BAD_VALUE);
	ck_assert_str_eq(diag.field, "signature");
	ck_assert_uint_eq(diag.offset, len - 3);
}
END_TEST

START_TEST(test_key_rules)
{
	static const uint8_t rsa_with_point[] = {
	    0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x02, 0x01,
	    0x02, 0x81, 0x01, 0xC5, 0x82, 0x01, 0x03, 0x86, 0x01, 0x04};
	static const uint8_t ec_without_point[] = {
	    0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02,
	    0x02, 0x02, 0x02, 0x03, 0x87, 0x01, 0x01};
	static const uint8_t point_twice[] = {
	    0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02,
	    0x02, 0x02, 0x03, 0x86, 0x01, 0x04, 0x86, 0x01, 0x04};
	static const uint8_t out_of_order[] = {
	    0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02,
	    0x02, 0x02, 0x03, 0x86, 0x01, 0x04, 0x84, 0x01, 0x04};
	static const uint8_t no_oid[] = {0x86, 0x01, 0x04};
	field f[N_FIELDS];
	size_t len;
	cvc_diag diag;

	good_fields(f);
	f[F_KEY].value = rsa_with_point;
	f[F_KEY].len = sizeof(rsa_with_point);
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_UNEXPECTED_TAG);
	ck_assert_uint_eq(diag.tag, 0x86);
	ck_assert_uint_eq(out[diag.offset], 0x86);

	f[F_KEY].value = ec_without_point;
	f[F_KEY].len = sizeof(ec_without_point);
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_MISSING_FIELD);
	ck_assert_str_eq(diag.field, "public key");

	f[F_KEY].value = point_twice;
	f[F_KEY].len = sizeof(point_twice);
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_DUPLICATE_FIELD);
	ck_assert_uint_eq(diag.offset, find(out, len, "\x86\x01\x04", 3, 1));

	f[F_KEY].value = out_of_order;
	f[F_KEY].len = sizeof(out_of_order);
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_UNEXPECTED_TAG);
	ck_assert_uint_eq(diag.tag, 0x84);

	f[F_KEY].value = no_oid;
	f[F_KEY].len = sizeof(no_oid);
	len = build(out, sizeof(out), f, N_FIELDS, true);
	diag = expect_error(out, len, CVC_ERR_MISSING_FIELD);
	ck_assert_str_eq(diag.field, "public key OID");
}
END_TEST

START_TEST(test_extension_rules)
{
	uint8_t many[(CVC_MAX_EXTENSIONS + 1) * 16];
	field f[N_FIELDS + 1];
	size_t len, n = 0;
	cvc_diag diag;
	cvc_cert c;

	/* 17 extensions 73 { 06 01 2A } */
	for (size_t i = 0; i <= CVC_MAX_EXTENSIONS; i++) {
		memcpy(many + n, "\x73\x03\x06\x01\x2A", 5);
		n += 5;
	}
	good_fields(f);
	f[N_FIELDS] = (field){0x65, many, n};
	len = build(out, sizeof(out), f, N_FIELDS + 1, true);
	diag = expect_error(out, len, CVC_ERR_TOO_MANY);
	ck_assert_str_eq(diag.field, "extensions");

	/* 16 is fine, and 65 may be empty. */
	f[N_FIELDS].len = n - 5;
	len = build(out, sizeof(out), f, N_FIELDS + 1, true);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
	ck_assert_uint_eq(c.n_ext, CVC_MAX_EXTENSIONS);
	f[N_FIELDS].len = 0;
	len = build(out, sizeof(out), f, N_FIELDS + 1, true);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
	ck_assert(c.has_extensions && c.n_ext == 0);

	/* Something else than 73 inside 65. */
	f[N_FIELDS].value = (const uint8_t *)"\x74\x03\x06\x01\x2A";
	f[N_FIELDS].len = 5;
	len = build(out, sizeof(out), f, N_FIELDS + 1, true);
	diag = expect_error(out, len, CVC_ERR_UNEXPECTED_TAG);
	ck_assert_uint_eq(diag.expected, CVC_TAG_DDT);
}
END_TEST

START_TEST(test_request_rules)
{
	field f[N_FIELDS];
	size_t len;
	cvc_cert c;
	cvc_diag diag;
	cvc_tlv_writer w;
	uint8_t inner[512];
	size_t ilen;

	/* A CHAT inside an authenticated request is not allowed. */
	good_fields(f);
	ilen = build(inner, sizeof(inner), f, N_FIELDS, true);
	cvc_tlv_writer_init(&w, out, sizeof(out));
	cvc_tlv_begin(&w, 0x67, 0);
	cvc_tlv_put_raw(&w, inner, ilen);
	cvc_tlv_put(&w, 0x42, (const uint8_t *)"DETESTDV00001", 13, 0);
	cvc_tlv_put(&w, 0x5F37, (const uint8_t *)"\x01\x02", 2, 0);
	cvc_tlv_end(&w);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &len), CVC_OK);
	diag = expect_error(out, len, CVC_ERR_UNEXPECTED_TAG);
	ck_assert_str_eq(diag.field, "CHAT");
	ck_assert_uint_eq(diag.offset, find(out, len, "\x7F\x4C", 2, 0));

	/* Without CHAT and dates it is a valid authenticated request ... */
	ilen = build(inner, sizeof(inner), f, F_CHAT, true);
	cvc_tlv_writer_init(&w, out, sizeof(out));
	cvc_tlv_begin(&w, 0x67, 0);
	cvc_tlv_put_raw(&w, inner, ilen);
	cvc_tlv_put(&w, 0x42, (const uint8_t *)"DETESTDV00001", 13, 0);
	cvc_tlv_put(&w, 0x5F37, (const uint8_t *)"\x01\x02", 2, 0);
	cvc_tlv_end(&w);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &len), CVC_OK);
	ck_assert_int_eq(cvc_cert_decode(out, len, 0, &c, NULL), CVC_OK);
	ck_assert_int_eq(c.kind, CVC_KIND_AUTH_REQUEST);
	ck_assert_ptr_eq(c.outer_tbs.data, out + 2);
	ck_assert_uint_eq(c.outer_tbs.len, ilen + 15);

	/* ... and without the outer signature it is incomplete. */
	cvc_tlv_writer_init(&w, out, sizeof(out));
	cvc_tlv_begin(&w, 0x67, 0);
	cvc_tlv_put_raw(&w, inner, ilen);
	cvc_tlv_put(&w, 0x42, (const uint8_t *)"DETESTDV00001", 13, 0);
	cvc_tlv_end(&w);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &len), CVC_OK);
	diag = expect_error(out, len, CVC_ERR_MISSING_FIELD);
	ck_assert_str_eq(diag.field, "outer signature");
}
END_TEST

START_TEST(test_g1_form_rejected)
{
	/* 7F21 { 5F37 sig, 42 CAR }: signature first, but not DNIe's form. */
	static const uint8_t g1[] = {0x7F, 0x21, 0x0A, 0x5F, 0x37, 0x02, 0x01,
	                             0x02, 0x42, 0x03, 'A',  'B',  'C'};
	static const uint8_t dnie[] = {0x7F, 0x21, 0x0E, 0x5F, 0x37, 0x02,
	                               0x01, 0x02, 0x5F, 0x38, 0x01, 0x03,
	                               0x42, 0x03, 'A',  'B',  'C'};
	cvc_diag diag;
	cvc_cert c;

	diag = expect_error(g1, sizeof(g1), CVC_ERR_UNSUPPORTED);
	ck_assert_uint_eq(diag.offset, 0);
	ck_assert_int_eq(cvc_cert_decode(dnie, sizeof(dnie), 0, &c, NULL),
	                 CVC_OK);
	ck_assert_int_eq(c.kind, CVC_KIND_ISO9796);
	ck_assert(span_is(c.car, "ABC"));
}
END_TEST

START_TEST(test_bad_arguments)
{
	cvc_cert c;
	cvc_pubkey k = {0};
	size_t used;

	ck_assert_int_eq(cvc_cert_decode(NULL, 5, 0, &c, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_decode(buf, 5, 0, NULL, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_decode(buf, 5, 0x80, &c, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_decode_prefix(buf, 5, 0, &c, NULL, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_pubkey_decode(buf, 5, 0, NULL, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_encode(NULL, NULL, 0, &used),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_pubkey_encode(&k, NULL, 10, &used),
	                 CVC_ERR_INVALID_ARG);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Dates and names                                                      */

START_TEST(test_date_codec)
{
	static const uint8_t d[6] = {2, 4, 0, 2, 2, 9};
	uint8_t back[6];
	cvc_date date;

	ck_assert_int_eq(cvc_date_decode(d, &date), CVC_OK);
	ck_assert(date.year == 2024 && date.month == 2 && date.day == 29);
	ck_assert_int_eq(cvc_date_encode(&date, back), CVC_OK);
	ck_assert(memcmp(back, d, 6) == 0);

	ck_assert_int_eq(
	    cvc_date_decode((const uint8_t[6]){2, 3, 0, 2, 2, 9}, &date),
	    CVC_ERR_BAD_DATE);
	ck_assert_int_eq(
	    cvc_date_decode((const uint8_t[6]){0, 0, 0, 2, 2, 9}, &date),
	    CVC_OK); /* 2000 is a leap year (divisible by 400) */
	ck_assert_int_eq(
	    cvc_date_decode((const uint8_t[6]){2, 5, 1, 3, 0, 1}, &date),
	    CVC_ERR_BAD_DATE); /* month 13 */
	ck_assert_int_eq(
	    cvc_date_decode((const uint8_t[6]){2, 5, 0, 0, 0, 1}, &date),
	    CVC_ERR_BAD_DATE); /* month 0 */
	ck_assert_int_eq(
	    cvc_date_decode((const uint8_t[6]){2, 5, 0, 4, 3, 1}, &date),
	    CVC_ERR_BAD_DATE); /* April 31 */
	ck_assert_int_eq(
	    cvc_date_decode((const uint8_t[6]){2, 5, 1, 2, 0, 0}, &date),
	    CVC_ERR_BAD_DATE); /* day 0 */
	ck_assert_int_eq(
	    cvc_date_decode((const uint8_t[6]){2, 5, 1, 2, 3, 1}, &date),
	    CVC_OK);
	ck_assert_int_eq(
	    cvc_date_decode((const uint8_t[6]){0x0A, 5, 1, 2, 3, 1}, &date),
	    CVC_ERR_BAD_DATE);

	date = (cvc_date){2100, 1, 1};
	ck_assert(!cvc_date_valid(&date));
	ck_assert_int_eq(cvc_date_encode(&date, back), CVC_ERR_BAD_DATE);
	date = (cvc_date){1999, 12, 31};
	ck_assert(!cvc_date_valid(&date));
}
END_TEST

START_TEST(test_date_parse_and_cmp)
{
	static const char *bad[] = {
	    "2024-2-29",  "2024-02-30",  "2023-02-29", "1999-12-31",
	    "2100-01-01", "2024-02-29x", "",           "2024/02/29",
	    "20240229",   "2024-13-01",  "2024-00-10", " 2024-02-29",
	    "2024-02-2",  "+024-02-29",
	};
	cvc_date a, b;

	ck_assert_int_eq(cvc_date_parse("2024-02-29", &a), CVC_OK);
	ck_assert(a.year == 2024 && a.month == 2 && a.day == 29);
	ck_assert_int_eq(cvc_date_parse("2000-02-29", &b), CVC_OK);
	ck_assert_int_eq(cvc_date_parse("2099-12-31", &b), CVC_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(cvc_date_parse(bad[i], &b) == CVC_ERR_BAD_DATE,
		              "accepted \"%s\"", bad[i]);
	ck_assert_int_eq(cvc_date_parse(NULL, &b), CVC_ERR_INVALID_ARG);

	ck_assert_int_eq(cvc_date_parse("2024-03-01", &b), CVC_OK);
	ck_assert_int_lt(cvc_date_cmp(&a, &b), 0);
	ck_assert_int_gt(cvc_date_cmp(&b, &a), 0);
	ck_assert_int_eq(cvc_date_cmp(&a, &a), 0);
	ck_assert_int_eq(cvc_date_parse("2023-12-31", &b), CVC_OK);
	ck_assert_int_gt(cvc_date_cmp(&a, &b), 0);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(cvc_kind_name(CVC_KIND_CERT), "certificate");
	ck_assert_str_eq(cvc_kind_name(CVC_KIND_REQUEST), "request");
	ck_assert_str_ne(cvc_kind_name(CVC_KIND_AUTH_REQUEST),
	                 cvc_kind_name(CVC_KIND_ISO9796));
	ck_assert_str_eq(cvc_kind_name((cvc_kind)99), "unknown");
	ck_assert_str_eq(cvc_profile_name(CVC_PROFILE_GEMATIK_G2),
	                 "gematik-g2");
	ck_assert_str_ne(cvc_profile_name(CVC_PROFILE_TR03110),
	                 cvc_profile_name(CVC_PROFILE_ISO7816_9));
	ck_assert_str_eq(cvc_profile_name((cvc_profile)99), "unknown");
}
END_TEST

static Suite *cert_suite(void)
{
	Suite *s = suite_create("cert");
	TCase *corpus = tcase_create("corpus");
	TCase *build_tc = tcase_create("template");
	TCase *neg = tcase_create("negative");
	TCase *dates = tcase_create("dates");

	tcase_add_test(corpus, test_corpus_decodes_and_round_trips);
	tcase_add_test(corpus, test_terminal_with_extensions);
	tcase_add_test(corpus, test_rsa_cvca);
	tcase_add_test(corpus, test_request);
	tcase_add_test(corpus, test_auth_request);
	tcase_add_test(corpus, test_gematik_end_entity);
	tcase_add_test(corpus, test_dnie);
	tcase_add_test(corpus, test_nonminimal_strict_vs_lenient);
	tcase_add_test(corpus, test_nonminimal_inner_field);
	tcase_add_test(corpus, test_pubkey_round_trip);
	suite_add_tcase(s, corpus);

	tcase_add_test(build_tc, test_build_from_template);
	tcase_add_test(build_tc, test_build_request_and_auth_request);
	tcase_add_test(build_tc, test_template_errors);
	suite_add_tcase(s, build_tc);

	tcase_add_test(neg, test_built_object_is_valid);
	tcase_add_test(neg, test_truncated_everywhere);
	tcase_add_test(neg, test_length_past_parent);
	tcase_add_test(neg, test_object_too_long);
	tcase_add_test(neg, test_wrong_tag);
	tcase_add_test(neg, test_duplicate_field);
	tcase_add_test(neg, test_missing_field);
	tcase_add_test(neg, test_garbage);
	tcase_add_test(neg, test_trailing_data);
	tcase_add_test(neg, test_bad_dates);
	tcase_add_test(neg, test_bad_strings_and_values);
	tcase_add_test(neg, test_empty_signature);
	tcase_add_test(neg, test_key_rules);
	tcase_add_test(neg, test_extension_rules);
	tcase_add_test(neg, test_request_rules);
	tcase_add_test(neg, test_g1_form_rejected);
	tcase_add_test(neg, test_bad_arguments);
	suite_add_tcase(s, neg);

	tcase_add_test(dates, test_date_codec);
	tcase_add_test(dates, test_date_parse_and_cmp);
	tcase_add_test(dates, test_names);
	suite_add_tcase(s, dates);
	return s;
}

int main(void)
{
	return cvc_test_run(cert_suite());
}
