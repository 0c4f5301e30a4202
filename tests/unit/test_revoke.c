/* SPDX-License-Identifier: MIT */
/*
 * Revocation lists (doc/revocation.md): encoding, strict decoding, entry
 * access, signatures, and their use in chain validation.
 *
 * Decoding, lookup and entry access must not allocate: the test is linked
 * with --wrap=malloc,... and counts calls while they run.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/cvc.h>

#include "testpki.h"

/* ------------------------------------------------------------------ */
/* Allocation counting (--wrap)                                        */

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

void *__wrap_malloc(size_t size)
{
	n_allocs += counting;
	return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	n_allocs += counting;
	return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	n_allocs += counting;
	return __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
	n_allocs += counting;
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	n_allocs += counting;
	return __real_strndup(s, n);
}

static void count_start(void)
{
	n_allocs = 0;
	counting = true;
}

static unsigned long count_stop(void)
{
	counting = false;
	return n_allocs;
}

/* ------------------------------------------------------------------ */
/* Hand-built lists (for what the encoder refuses to write)            */

struct raw {
	uint8_t version;
	const char *issuer;
	const char *this_update; /* six digits, written one per octet */
	const char *next_update;
	const char *chrs[8];
	const char *dates[8];
	size_t n;
	bool extra_in_body;  /* an unknown object after the entries */
	bool extra_in_entry; /* an unknown object in the first entry */
	bool no_signature;
	bool empty_signature;
	bool trailing;   /* a 00 after the list */
	bool nonminimal; /* the issuer's length as 81 xx */
};

static void put_digits(cvc_tlv_writer *w, uint32_t tag, const char *text)
{
	uint8_t d[6];

	ck_assert_uint_eq(strlen(text), 6);
	for (size_t i = 0; i < 6; i++)
		d[i] = (uint8_t)(text[i] - '0');
	cvc_tlv_put(w, tag, d, 6, 0);
}

static size_t raw_list(const struct raw *o, uint8_t *out, size_t cap)
{
	static const uint8_t sig[64] = {1, 2, 3};
	const char *issuer = o->issuer ? o->issuer : "DETESTDV000001";
	cvc_tlv_writer w;
	size_t len = 0;

	cvc_tlv_writer_init(&w, out, cap);
	cvc_tlv_begin(&w, CVC_TAG_CRL, 0);
	cvc_tlv_begin(&w, CVC_TAG_CRL_BODY, 0);
	cvc_tlv_put(&w, CVC_TAG_CPI, &o->version, 1, 0);
	cvc_tlv_put(&w, CVC_TAG_CAR, (const uint8_t *)issuer, strlen(issuer),
	            o->nonminimal ? 2 : 0);
	put_digits(&w, CVC_TAG_CED, o->this_update ? o->this_update : "250701");
	put_digits(&w, CVC_TAG_CXD, o->next_update ? o->next_update : "250801");
	cvc_tlv_begin(&w, CVC_TAG_CRL_ENTRIES, 0);
	for (size_t i = 0; i < o->n; i++) {
		cvc_tlv_begin(&w, CVC_TAG_CRL_ENTRY, 0);
		cvc_tlv_put(&w, CVC_TAG_CHR, (const uint8_t *)o->chrs[i],
		            strlen(o->chrs[i]), 0);
		put_digits(&w, CVC_TAG_CED,
		           o->dates[i] ? o->dates[i] : "250615");
		if (i == 0 && o->extra_in_entry)
			cvc_tlv_put(&w, 0x80, sig, 1, 0);
		cvc_tlv_end(&w);
	}
	cvc_tlv_end(&w);
	if (o->extra_in_body)
		cvc_tlv_put(&w, 0x80, sig, 1, 0);
	cvc_tlv_end(&w);
	if (!o->no_signature)
		cvc_tlv_put(&w, CVC_TAG_SIGNATURE, sig,
		            o->empty_signature ? 0 : sizeof(sig), 0);
	cvc_tlv_end(&w);
	if (o->trailing)
		cvc_tlv_put_raw(&w, (const uint8_t *)"", 1);
	ck_assert(cvc_tlv_writer_finish(&w, &len) == CVC_OK);
	return len;
}

static cvc_err decode_raw(const struct raw *o, cvc_crl *crl, cvc_diag *diag)
{
	static uint8_t buf[8192];
	size_t len = raw_list(o, buf, sizeof(buf));

	return cvc_crl_decode(buf, len, crl, diag);
}

/* ------------------------------------------------------------------ */
/* Format                                                              */

START_TEST(test_round_trip)
{
	testpki_std p;
	testpki_revoked list[3] = {{"DETESTTERM00003", "2025-07-02"},
	                           {"DETESTTERM00001", "2025-07-10"},
	                           {"DETESTTERM0002", "2025-06-30"}};
	uint8_t buf[2048], again[2048];
	size_t len, again_len = 0;
	cvc_crl crl;
	cvc_crl_entry e, entries[3];
	cvc_key *key = NULL, *other = NULL;
	cvc_err errs[3];
	bool found[5];

	testpki_std_build(&p, NULL, NULL);
	len = testpki_crl(&p.dv, NULL, "2025-07-12", "2025-07-19", list, 3, buf,
	                  sizeof(buf), &crl);
	ck_assert_uint_eq(crl.raw.len, len);
	ck_assert_ptr_eq(crl.raw.data, buf);
	ck_assert_uint_eq(crl.version, CVC_CRL_VERSION);
	ck_assert_uint_eq(crl.issuer.len, 14);
	ck_assert_mem_eq(crl.issuer.data, "DETESTDV000001", 14);
	ck_assert_uint_eq(crl.this_update.day, 12);
	ck_assert_uint_eq(crl.next_update.day, 19);
	ck_assert_uint_eq(crl.n_entries, 3);
	/* The body is what was signed: it starts with 7F 3D. */
	ck_assert_uint_eq(crl.tbs.data[0], 0x7F);
	ck_assert_uint_eq(crl.tbs.data[1], 0x3D);
	/* Written in ascending CHR order whatever the input order. No
	 * assertion runs while counting: Check itself allocates. */
	count_start();
	errs[0] = cvc_crl_entry_at(&crl, 0, &entries[0]);
	errs[1] = cvc_crl_entry_at(&crl, 1, &entries[1]);
	errs[2] = cvc_crl_entry_at(&crl, 2, &entries[2]);
	found[0] = cvc_crl_lookup(&crl, testpki_span("DETESTTERM00003"), &e);
	found[1] = cvc_crl_lookup(&crl, testpki_span("DETESTTERM0000"), NULL);
	found[2] = cvc_crl_lookup(&crl, testpki_span("DETESTTERM00004"), NULL);
	found[3] = cvc_crl_lookup(&crl, testpki_span("A"), NULL);
	found[4] = cvc_crl_lookup(&crl, testpki_span("Z"), NULL);
	ck_assert_uint_eq(count_stop(), 0);
	ck_assert(errs[0] == CVC_OK && errs[1] == CVC_OK && errs[2] == CVC_OK);
	ck_assert(found[0] && !found[1] && !found[2] && !found[3] && !found[4]);
	ck_assert_mem_eq(entries[0].chr.data, "DETESTTERM00001", 15);
	ck_assert_mem_eq(entries[1].chr.data, "DETESTTERM00003", 15);
	ck_assert_mem_eq(entries[2].chr.data, "DETESTTERM0002", 14);
	ck_assert_uint_eq(entries[1].revoked_on.day, 2);
	ck_assert_uint_eq(e.revoked_on.month, 7);
	ck_assert_int_eq(cvc_crl_entry_at(&crl, 3, &e), CVC_ERR_INVALID_ARG);
	/* Re-encoding the decoded entries gives the same octets. */
	ck_assert(cvc_crl_encode(&crl, entries, 3, again, sizeof(again),
	                         &again_len) == CVC_OK);
	ck_assert_uint_eq(again_len, len);
	ck_assert_mem_eq(again, buf, len);
	/* Signed by the DV: its key verifies the list, others do not. */
	ck_assert(cvc_signer_public_key(p.dv.key, &key) == CVC_OK);
	ck_assert(cvc_signer_public_key(p.cvca.key, &other) == CVC_OK);
	ck_assert_int_eq(cvc_crl_verify_signature(&crl, key), CVC_OK);
	ck_assert_int_eq(cvc_crl_verify_signature(&crl, other),
	                 CVC_ERR_SIGNATURE);
	buf[20] ^= 1; /* inside the issuer */
	ck_assert(cvc_crl_decode(buf, len, &crl, NULL) == CVC_OK);
	ck_assert_int_eq(cvc_crl_verify_signature(&crl, key),
	                 CVC_ERR_SIGNATURE);
	cvc_key_free(&key);
	cvc_key_free(&other);
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_encode_sizes_and_refusals)
{
	cvc_crl t;
	cvc_crl_entry e[3];
	uint8_t buf[512];
	size_t need = 0, len = 0;

	memset(&t, 0, sizeof(t));
	t.issuer = testpki_span("DETESTCVCA00001");
	t.this_update = testpki_date("2025-07-01");
	t.next_update = testpki_date("2025-08-01");
	e[0] = (cvc_crl_entry){testpki_span("B"), testpki_date("2025-06-01")};
	e[1] = (cvc_crl_entry){testpki_span("A"), testpki_date("2025-06-01")};
	e[2] = (cvc_crl_entry){testpki_span("B"), testpki_date("2025-06-02")};
	/* Sizing: NULL buffer, then too small, then enough. */
	ck_assert_int_eq(cvc_crl_encode(&t, e, 2, NULL, 0, &need), CVC_OK);
	ck_assert_int_eq(cvc_crl_encode(&t, e, 2, buf, need - 1, &len),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(len, need);
	ck_assert_int_eq(cvc_crl_encode(&t, e, 2, buf, sizeof(buf), &len),
	                 CVC_OK);
	ck_assert_uint_eq(len, need);
	/* Body only: 7F 3D ... */
	ck_assert_uint_eq(buf[0], 0x7F);
	ck_assert_uint_eq(buf[1], 0x3D);
	/* A CHR listed twice, sorted or not. */
	ck_assert_int_eq(cvc_crl_encode(&t, e, 3, buf, sizeof(buf), &len),
	                 CVC_ERR_DUPLICATE_FIELD);
	ck_assert_int_eq(cvc_crl_encode(&t, &e[1], 2, buf, sizeof(buf), &len),
	                 CVC_OK);
	e[1] = e[0];
	ck_assert_int_eq(cvc_crl_encode(&t, e, 2, buf, sizeof(buf), &len),
	                 CVC_ERR_DUPLICATE_FIELD);
	/* Bad templates. */
	t.next_update = testpki_date("2025-06-30");
	ck_assert_int_eq(cvc_crl_encode(&t, NULL, 0, buf, sizeof(buf), &len),
	                 CVC_ERR_BAD_DATE);
	t.next_update = testpki_date("2025-08-01");
	t.version = 1;
	ck_assert_int_eq(cvc_crl_encode(&t, NULL, 0, buf, sizeof(buf), &len),
	                 CVC_ERR_UNSUPPORTED);
	t.version = 0;
	t.issuer = testpki_span("DETESTCVCA000012345");
	ck_assert_int_eq(cvc_crl_encode(&t, NULL, 0, buf, sizeof(buf), &len),
	                 CVC_ERR_BAD_VALUE);
	t.issuer = testpki_span("DETESTCVCA00001");
	ck_assert_int_eq(cvc_crl_encode(&t, NULL, 1, buf, sizeof(buf), &len),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_crl_encode(&t, e, CVC_CRL_MAX_ENTRIES + 1, buf,
	                                sizeof(buf), &len),
	                 CVC_ERR_TOO_MANY);
	/* An empty list is fine. */
	ck_assert_int_eq(cvc_crl_encode(&t, NULL, 0, buf, sizeof(buf), &len),
	                 CVC_OK);
}
END_TEST

START_TEST(test_decode_valid_raw)
{
	struct raw o = {.n = 2, .chrs = {"DETESTTERM00001", "DETESTTERM00002"}};
	cvc_crl crl;

	static uint8_t buf[1024];
	size_t len = raw_list(&o, buf, sizeof(buf));
	cvc_err err;

	count_start();
	err = cvc_crl_decode(buf, len, &crl, NULL);
	ck_assert_uint_eq(count_stop(), 0);
	ck_assert_int_eq(err, CVC_OK);
	ck_assert_uint_eq(crl.n_entries, 2);
	ck_assert_uint_eq(crl.signature.len, 64);
	o.n = 0;
	ck_assert_int_eq(decode_raw(&o, &crl, NULL), CVC_OK);
	ck_assert_uint_eq(crl.n_entries, 0);
	ck_assert(!cvc_crl_lookup(&crl, testpki_span("DETESTTERM00001"), NULL));
	/* A proper prefix sorts first. */
	o = (struct raw){.n = 2, .chrs = {"DETEST", "DETESTTERM"}};
	ck_assert_int_eq(decode_raw(&o, &crl, NULL), CVC_OK);
}
END_TEST

struct bad_case {
	const char *what;
	struct raw raw;
	cvc_err err;
};

START_TEST(test_decode_rejects)
{
	static const struct bad_case cases[] = {
	    {"duplicate CHR",
	     {.n = 2, .chrs = {"DETESTTERM00001", "DETESTTERM00001"}},
	     CVC_ERR_DUPLICATE_FIELD},
	    {"descending CHRs",
	     {.n = 2, .chrs = {"DETESTTERM00002", "DETESTTERM00001"}},
	     CVC_ERR_BAD_VALUE},
	    {"longer before its prefix",
	     {.n = 2, .chrs = {"DETESTTERM", "DETEST"}},
	     CVC_ERR_BAD_VALUE},
	    {"version 1", {.version = 1}, CVC_ERR_UNSUPPORTED},
	    {"empty issuer", {.issuer = ""}, CVC_ERR_BAD_VALUE},
	    {"issuer of 17 octets",
	     {.issuer = "DETESTCVCA0000001"},
	     CVC_ERR_BAD_VALUE},
	    {"empty CHR", {.n = 1, .chrs = {""}}, CVC_ERR_BAD_VALUE},
	    {"month 13", {.this_update = "251301"}, CVC_ERR_BAD_DATE},
	    {"digit not BCD", {.next_update = "25080:"}, CVC_ERR_BAD_DATE},
	    {"revocation date invalid",
	     {.n = 1, .chrs = {"X"}, .dates = {"250230"}},
	     CVC_ERR_BAD_DATE},
	    {"next update before this update",
	     {.this_update = "250801", .next_update = "250731"},
	     CVC_ERR_BAD_DATE},
	    {"unknown object in the body",
	     {.extra_in_body = true},
	     CVC_ERR_UNEXPECTED_TAG},
	    {"unknown object in an entry",
	     {.n = 1, .chrs = {"X"}, .extra_in_entry = true},
	     CVC_ERR_UNEXPECTED_TAG},
	    {"no signature", {.no_signature = true}, CVC_ERR_MISSING_FIELD},
	    {"empty signature", {.empty_signature = true}, CVC_ERR_BAD_VALUE},
	    {"trailing octet", {.trailing = true}, CVC_ERR_TRAILING_DATA},
	    {"non-minimal length",
	     {.nonminimal = true},
	     CVC_ERR_NONMINIMAL_LENGTH},
	};
	cvc_crl crl;
	cvc_diag diag;

	static uint8_t buf[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = raw_list(&cases[i].raw, buf, sizeof(buf));
		cvc_err err;

		memset(&diag, 0, sizeof(diag));
		count_start();
		err = cvc_crl_decode(buf, len, &crl, &diag);
		ck_assert_uint_eq(count_stop(), 0);
		ck_assert_msg(err == cases[i].err, "%s: %s, want %s",
		              cases[i].what, cvc_strerror(err),
		              cvc_strerror(cases[i].err));
		ck_assert_msg(diag.err == err && diag.field != NULL,
		              "%s: no diagnostic", cases[i].what);
		ck_assert_uint_eq(crl.n_entries, 0);
		ck_assert_ptr_null(crl.raw.data);
	}
}
END_TEST

START_TEST(test_decode_wrong_objects)
{
	testpki_std p;
	struct raw o = {.n = 1, .chrs = {"X"}};
	uint8_t buf[1024];
	size_t len = raw_list(&o, buf, sizeof(buf));
	cvc_crl crl;

	/* A certificate is not a list. */
	testpki_std_build(&p, NULL, NULL);
	ck_assert_int_eq(cvc_crl_decode(p.term.der, p.term.len, &crl, NULL),
	                 CVC_ERR_UNEXPECTED_TAG);
	testpki_std_free(&p);
	/* Every truncation fails cleanly. */
	size_t accepted = 0;

	count_start();
	for (size_t n = 0; n < len; n++)
		accepted += cvc_crl_decode(buf, n, &crl, NULL) == CVC_OK;
	ck_assert_uint_eq(count_stop(), 0);
	ck_assert_uint_eq(accepted, 0);
	ck_assert_int_eq(cvc_crl_decode(NULL, 5, &crl, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_crl_decode(buf, len, NULL, NULL),
	                 CVC_ERR_INVALID_ARG);
}
END_TEST

/* CHR number i: "DEBADGE" + 6 digits, ascending with i. */
static void badge_chr(char *out, size_t i)
{
	snprintf(out, 16, "DEBADGE%06zu", i);
}

START_TEST(test_entry_bound)
{
	const size_t max = CVC_CRL_MAX_ENTRIES;
	char(*names)[16] = malloc((max + 1) * sizeof(*names));
	cvc_crl_entry *e = malloc((max + 1) * sizeof(*e));
	size_t cap = (max + 1) * 32 + 256, len = 0;
	uint8_t *buf = malloc(cap);
	cvc_tlv_writer w;
	cvc_crl t, crl;
	cvc_crl_entry last;
	static const uint8_t sig[8] = {1};
	cvc_err err;
	bool found;

	ck_assert(names && e && buf);
	for (size_t i = 0; i <= max; i++) {
		badge_chr(names[i], i);
		e[i].chr = testpki_span(names[i]);
		e[i].revoked_on = testpki_date("2025-06-01");
	}
	memset(&t, 0, sizeof(t));
	t.issuer = testpki_span("DETESTDV000001");
	t.this_update = testpki_date("2025-07-01");
	t.next_update = testpki_date("2025-08-01");
	t.signature = (cvc_span){sig, sizeof(sig)};
	/* The largest list decodes, and the last entry is found. */
	ck_assert_int_eq(cvc_crl_encode(&t, e, max, buf, cap, &len), CVC_OK);
	count_start();
	err = cvc_crl_decode(buf, len, &crl, NULL);
	found = cvc_crl_lookup(&crl, e[max - 1].chr, &last);
	ck_assert_uint_eq(count_stop(), 0);
	ck_assert_int_eq(err, CVC_OK);
	ck_assert(found);
	ck_assert_uint_eq(crl.n_entries, max);
	/* One more, written by hand, is refused. */
	cvc_tlv_writer_init(&w, buf, cap);
	cvc_tlv_begin(&w, CVC_TAG_CRL, 0);
	cvc_tlv_begin(&w, CVC_TAG_CRL_BODY, 0);
	cvc_tlv_put(&w, CVC_TAG_CPI, (const uint8_t *)"", 1, 0);
	cvc_tlv_put(&w, CVC_TAG_CAR, t.issuer.data, t.issuer.len, 0);
	put_digits(&w, CVC_TAG_CED, "250701");
	put_digits(&w, CVC_TAG_CXD, "250801");
	cvc_tlv_begin(&w, CVC_TAG_CRL_ENTRIES, 0);
	for (size_t i = 0; i <= max; i++) {
		cvc_tlv_begin(&w, CVC_TAG_CRL_ENTRY, 0);
		cvc_tlv_put(&w, CVC_TAG_CHR, e[i].chr.data, e[i].chr.len, 0);
		put_digits(&w, CVC_TAG_CED, "250601");
		cvc_tlv_end(&w);
	}
	cvc_tlv_end(&w);
	cvc_tlv_end(&w);
	cvc_tlv_put(&w, CVC_TAG_SIGNATURE, sig, sizeof(sig), 0);
	cvc_tlv_end(&w);
	ck_assert(cvc_tlv_writer_finish(&w, &len) == CVC_OK);
	ck_assert_int_eq(cvc_crl_decode(buf, len, &crl, NULL),
	                 CVC_ERR_TOO_MANY);
	free(buf);
	free(e);
	free(names);
}
END_TEST

START_TEST(test_unsorted_encode_matches_sorted)
{
	char names[40][16];
	cvc_crl_entry fwd[40], rev[40];
	uint8_t a[4096], b[4096];
	size_t la = 0, lb = 0;
	cvc_crl t;

	for (size_t i = 0; i < 40; i++) {
		badge_chr(names[i], i * 7919 % 1000);
		fwd[i].chr = testpki_span(names[i]);
		fwd[i].revoked_on = testpki_date("2025-06-01");
		rev[39 - i] = fwd[i];
	}
	memset(&t, 0, sizeof(t));
	t.issuer = testpki_span("DETESTDV000001");
	t.this_update = testpki_date("2025-07-01");
	t.next_update = testpki_date("2025-08-01");
	ck_assert(cvc_crl_encode(&t, fwd, 40, a, sizeof(a), &la) == CVC_OK);
	ck_assert(cvc_crl_encode(&t, rev, 40, b, sizeof(b), &lb) == CVC_OK);
	ck_assert_uint_eq(la, lb);
	ck_assert_mem_eq(a, b, la);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Revocation in chain validation                                      */

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

struct crl_case {
	testpki_std p;
	uint8_t buf[4096];
	cvc_crl crl;
};

static cvc_err verify_crl(struct crl_case *c, const testpki_cert *target,
                          unsigned flags, cvc_chain_result *r)
{
	return cvc_chain_verify(c->p.store, &target->cert, NULL, 0, &c->p.at,
	                        &c->crl, flags, r);
}

START_TEST(test_revoked_terminal)
{
	struct crl_case c;
	testpki_revoked list[2] = {{"DETESTTERM00001", "2025-07-10"},
	                           {"DETESTTERM00099", "2025-01-01"}};
	cvc_chain_result r;

	testpki_std_build(&c.p, NULL, NULL);
	testpki_crl(&c.p.dv, NULL, "2025-07-12", "2025-07-19", list, 2, c.buf,
	            sizeof(c.buf), &c.crl);
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_ERR_REVOKED);
	assert_fails(&r, CVC_ERR_REVOKED, 0, "revocation");
	/* Before its revocation date the terminal was fine. */
	c.p.at = testpki_date("2025-07-09");
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_OK);
	ck_assert(r.crl_checked);
	testpki_std_free(&c.p);
}
END_TEST

START_TEST(test_revoked_dv)
{
	struct crl_case c;
	testpki_revoked list[1] = {{"DETESTDV000001", "2025-07-01"}};
	cvc_chain_result r;

	testpki_std_build(&c.p, NULL, NULL);
	testpki_crl(&c.p.cvca, NULL, "2025-07-12", "2025-08-12", list, 1, c.buf,
	            sizeof(c.buf), &c.crl);
	/* A revoked DV takes its terminals with it. */
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_ERR_REVOKED);
	assert_fails(&r, CVC_ERR_REVOKED, 1, "revocation");
	ck_assert_int_eq(verify_crl(&c, &c.p.dv, 0, &r), CVC_ERR_REVOKED);
	assert_fails(&r, CVC_ERR_REVOKED, 0, "revocation");
	testpki_std_free(&c.p);
}
END_TEST

START_TEST(test_revoked_both)
{
	struct crl_case c;
	testpki_revoked list[2] = {{"DETESTDV000001", "2025-07-01"},
	                           {"DETESTTERM00001", "2025-07-01"}};
	cvc_chain_result r;

	/* The DV and its terminal both listed: the DV is the reason. */
	testpki_std_build(&c.p, NULL, NULL);
	testpki_crl(&c.p.cvca, NULL, "2025-07-12", "2025-08-12", list, 2, c.buf,
	            sizeof(c.buf), &c.crl);
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_ERR_REVOKED);
	assert_fails(&r, CVC_ERR_REVOKED, 1, "revocation");
	testpki_std_free(&c.p);
}
END_TEST

START_TEST(test_crl_scope)
{
	struct crl_case c;
	testpki_revoked list[1] = {{"DETESTCVCA00001", "2025-07-01"}};
	cvc_chain_result r;

	testpki_std_build(&c.p, NULL, NULL);
	/* A DV's own list says nothing about the DV itself. */
	testpki_crl(&c.p.dv, NULL, "2025-07-12", "2025-07-19", NULL, 0, c.buf,
	            sizeof(c.buf), &c.crl);
	ck_assert_int_eq(verify_crl(&c, &c.p.dv, 0, &r), CVC_ERR_CRL_ISSUER);
	assert_fails(&r, CVC_ERR_CRL_ISSUER, 0, "revocation list issuer");
	/* Nor does a list revoke its own issuer or what is above it. */
	testpki_crl(&c.p.cvca, NULL, "2025-07-12", "2025-07-19", list, 1, c.buf,
	            sizeof(c.buf), &c.crl);
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_OK);
	testpki_std_free(&c.p);
}
END_TEST

START_TEST(test_crl_not_listed)
{
	struct crl_case c;
	testpki_revoked list[1] = {{"DETESTTERM00002", "2025-07-01"}};
	cvc_chain_result r;

	testpki_std_build(&c.p, NULL, NULL);
	testpki_crl(&c.p.dv, NULL, "2025-07-12", "2025-07-19", list, 1, c.buf,
	            sizeof(c.buf), &c.crl);
	ck_assert_int_eq(verify_crl(&c, &c.p.term, CVC_CHAIN_REQUIRE_CRL, &r),
	                 CVC_OK);
	ck_assert(r.crl_checked);
	ck_assert(!r.crl_stale);
	testpki_std_free(&c.p);
}
END_TEST

START_TEST(test_crl_stale)
{
	struct crl_case c;
	testpki_revoked list[1] = {{"DETESTTERM00002", "2025-07-01"}};
	cvc_chain_result r;

	testpki_std_build(&c.p, NULL, NULL);
	testpki_crl(&c.p.dv, NULL, "2025-07-01", "2025-07-14", list, 1, c.buf,
	            sizeof(c.buf), &c.crl);
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_ERR_CRL_STALE);
	assert_fails(&r, CVC_ERR_CRL_STALE, 1, "revocation list stale");
	ck_assert(r.crl_stale);
	/* Its last day is still current. */
	c.p.at = testpki_date("2025-07-14");
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_OK);
	testpki_std_free(&c.p);
}
END_TEST

START_TEST(test_crl_unrelated_issuer)
{
	struct crl_case c;
	testpki_std other;
	testpki_spec s;
	testpki_cert stranger;
	testpki_revoked list[1] = {{"DETESTTERM00001", "2025-07-01"}};
	cvc_chain_result r;

	testpki_std_build(&c.p, NULL, NULL);
	testpki_spec_init(&s, "DEOTHERCA00001", testpki_chat_cvca, 5,
	                  "2025-01-01", "2027-12-31");
	testpki_issue(NULL, &s, &stranger);
	testpki_crl(&stranger, NULL, "2025-07-12", "2025-07-19", list, 1, c.buf,
	            sizeof(c.buf), &c.crl);
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_ERR_CRL_ISSUER);
	assert_fails(&r, CVC_ERR_CRL_ISSUER, 0, "revocation list issuer");
	/* A list that names the DV but is signed by another key. */
	testpki_std_build(&other, NULL, NULL);
	testpki_crl(&other.dv, NULL, "2025-07-12", "2025-07-19", list, 1, c.buf,
	            sizeof(c.buf), &c.crl);
	ck_assert_int_eq(verify_crl(&c, &c.p.term, 0, &r), CVC_ERR_SIGNATURE);
	assert_fails(&r, CVC_ERR_SIGNATURE, 1, "revocation list signature");
	testpki_std_free(&other);
	testpki_free(&stranger);
	testpki_std_free(&c.p);
}
END_TEST

START_TEST(test_crl_required)
{
	testpki_std p;
	cvc_chain_result r;

	testpki_std_build(&p, NULL, NULL);
	ck_assert_int_eq(cvc_chain_verify(p.store, &p.term.cert, NULL, 0, &p.at,
	                                  NULL, CVC_CHAIN_REQUIRE_CRL, &r),
	                 CVC_ERR_CRL_STALE);
	assert_fails(&r, CVC_ERR_CRL_STALE, 0, "no revocation list");
	testpki_std_free(&p);
}
END_TEST

START_TEST(test_crl_no_dates)
{
	struct crl_case c;
	testpki_revoked list[1] = {{"DETESTTERM00001", "2030-01-01"}};
	cvc_chain_result r;

	testpki_std_build(&c.p, NULL, NULL);
	testpki_crl(&c.p.dv, NULL, "2025-07-01", "2025-07-02", list, 1, c.buf,
	            sizeof(c.buf), &c.crl);
	/* Without dates a listed certificate counts as revoked. */
	ck_assert_int_eq(cvc_chain_verify(c.p.store, &c.p.term.cert, NULL, 0,
	                                  NULL, &c.crl, CVC_CHAIN_NO_DATES, &r),
	                 CVC_ERR_REVOKED);
	testpki_std_free(&c.p);
}
END_TEST

static Suite *revoke_suite(void)
{
	Suite *s = suite_create("revoke");
	TCase *fmt = tcase_create("format");
	TCase *chain = tcase_create("chain");

	tcase_set_timeout(fmt, 120);
	tcase_add_test(fmt, test_round_trip);
	tcase_add_test(fmt, test_encode_sizes_and_refusals);
	tcase_add_test(fmt, test_decode_valid_raw);
	tcase_add_test(fmt, test_decode_rejects);
	tcase_add_test(fmt, test_decode_wrong_objects);
	tcase_add_test(fmt, test_entry_bound);
	tcase_add_test(fmt, test_unsorted_encode_matches_sorted);
	suite_add_tcase(s, fmt);
	tcase_set_timeout(chain, 120);
	tcase_add_test(chain, test_revoked_terminal);
	tcase_add_test(chain, test_revoked_dv);
	tcase_add_test(chain, test_revoked_both);
	tcase_add_test(chain, test_crl_scope);
	tcase_add_test(chain, test_crl_not_listed);
	tcase_add_test(chain, test_crl_stale);
	tcase_add_test(chain, test_crl_unrelated_issuer);
	tcase_add_test(chain, test_crl_required);
	tcase_add_test(chain, test_crl_no_dates);
	suite_add_tcase(s, chain);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(revoke_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
