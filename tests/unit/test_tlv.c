/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the BER-TLV reader and writer (libcvc/src/tlv.c).
 *
 * Expected encodings are spelled out octet by octet from X.690 / ISO 7816-4
 * rather than produced by the writer, so reader and writer check each other.
 */
#include <stdlib.h>
#include <string.h>

#include <cvc/tlv.h>

#include "testutil.h"

/* A byte string under construction, for hand-built expected encodings. */
struct bytes {
	uint8_t *data;
	size_t len;
	size_t cap;
};

static void bytes_add(struct bytes *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->data = realloc(b->data, b->cap);
		ck_assert_ptr_nonnull(b->data);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void bytes_add_fill(struct bytes *b, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bytes_add(b, &v, 1);
}

/* ------------------------------------------------------------------ */
/* Tags                                                                */
/* ------------------------------------------------------------------ */

static const struct tag_case {
	uint8_t enc[6];
	size_t n;
	uint32_t tag;
	bool constructed;
} tag_cases[] = {
    {{0x42, 0x01, 0xAA}, 3, 0x42, false},
    {{0x04, 0x00}, 2, 0x04, false},
    {{0x67, 0x00}, 2, 0x67, true},
    {{0x86, 0x01, 0x04}, 3, 0x86, false},
    {{0x5F, 0x20, 0x01, 0x41}, 4, 0x5F20, false},
    {{0x5F, 0x1F, 0x00}, 3, 0x5F1F, false},
    {{0x7F, 0x21, 0x00}, 3, 0x7F21, true},
    {{0x7F, 0x4E, 0x01, 0xFF}, 4, 0x7F4E, true},
    {{0x5F, 0x81, 0x01, 0x00}, 4, 0x5F8101, false},
    {{0xBF, 0xFF, 0x7F, 0x01, 0x00}, 5, 0xBFFF7F, true},
};

START_TEST(test_tag_sizes)
{
	const struct tag_case *c = &tag_cases[_i];
	cvc_tlv_reader r;
	cvc_tlv t;
	uint32_t peeked = 0;

	cvc_tlv_reader_init(&r, c->enc, c->n, CVC_TLV_STRICT);
	ck_assert(cvc_tlv_peek_tag(&r, &peeked));
	ck_assert_uint_eq(peeked, c->tag);
	ck_assert_int_eq(cvc_tlv_next(&r, &t, NULL), CVC_OK);
	ck_assert_uint_eq(t.tag, c->tag);
	ck_assert_int_eq(t.constructed, c->constructed);
	ck_assert_uint_eq(t.whole.len, c->n);
	ck_assert_ptr_eq(t.whole.data, c->enc);
	ck_assert_uint_eq(cvc_tlv_tag_size(c->tag) + t.len_octets + t.value.len,
	                  c->n);
	ck_assert_ptr_eq(t.value.data, c->enc + c->n - t.value.len);
	ck_assert_uint_eq(cvc_tlv_remaining(&r), 0);
	ck_assert_uint_eq(cvc_tlv_offset(&r), c->n);
}
END_TEST

static const struct bad_tag_case {
	uint8_t enc[6];
	size_t n;
	cvc_err err;
} bad_tag_cases[] = {
    {{0x00, 0x00}, 2, CVC_ERR_BAD_TAG},                   /* padding octet */
    {{0xFF, 0x01, 0x00}, 3, CVC_ERR_BAD_TAG},             /* padding octet */
    {{0x5F, 0x80, 0x01, 0x00}, 4, CVC_ERR_BAD_TAG},       /* leading zero */
    {{0x5F, 0x05, 0x00}, 3, CVC_ERR_BAD_TAG},             /* number < 31 */
    {{0x5F, 0x1E, 0x00}, 3, CVC_ERR_BAD_TAG},             /* number < 31 */
    {{0x5F, 0x81, 0x81, 0x01, 0x00}, 5, CVC_ERR_BAD_TAG}, /* 4 octets */
    {{0x5F, 0x81, 0x81}, 3, CVC_ERR_BAD_TAG},             /* 4 octets, cut */
    {{0x5F}, 1, CVC_ERR_TRUNCATED},
    {{0x7F, 0x81}, 2, CVC_ERR_TRUNCATED},
    {{0x5F, 0x20}, 2, CVC_ERR_TRUNCATED}, /* no length */
};

START_TEST(test_bad_tags)
{
	const struct bad_tag_case *c = &bad_tag_cases[_i];
	cvc_tlv_reader r;
	cvc_diag d;
	cvc_tlv t;

	for (int mode = CVC_TLV_STRICT; mode <= CVC_TLV_LENIENT; mode++) {
		cvc_tlv_reader_init(&r, c->enc, c->n, (cvc_tlv_mode)mode);
		memset(&d, 0, sizeof(d));
		ck_assert_int_eq(cvc_tlv_next(&r, &t, &d), c->err);
		ck_assert_int_eq(d.err, c->err);
		ck_assert_uint_eq(d.offset, 0);
		ck_assert_ptr_nonnull(d.reason);
		ck_assert_ptr_eq(r.data, c->enc);
		ck_assert_uint_eq(r.len, c->n);
	}
}
END_TEST

START_TEST(test_peek_tag_fails_on_bad_or_empty)
{
	static const uint8_t bad[] = {0x5F, 0x80, 0x01};
	cvc_tlv_reader r;
	uint32_t tag = 0x1234;

	cvc_tlv_reader_init(&r, bad, 0, CVC_TLV_STRICT);
	ck_assert(!cvc_tlv_peek_tag(&r, &tag));
	cvc_tlv_reader_init(&r, bad, sizeof(bad), CVC_TLV_STRICT);
	ck_assert(!cvc_tlv_peek_tag(&r, &tag));
	ck_assert_uint_eq(tag, 0x1234);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Lengths                                                             */
/* ------------------------------------------------------------------ */

static const struct len_case {
	size_t len;
	uint8_t field[5];
	size_t width;
} len_cases[] = {
    {0, {0x00}, 1},
    {0x7F, {0x7F}, 1},
    {0x80, {0x81, 0x80}, 2},
    {0xFF, {0x81, 0xFF}, 2},
    {0x100, {0x82, 0x01, 0x00}, 3},
    {0xFFFF, {0x82, 0xFF, 0xFF}, 3},
    {0x10000, {0x83, 0x01, 0x00, 0x00}, 4},
    {0xFFFFFF, {0x83, 0xFF, 0xFF, 0xFF}, 4},
    {0x1000000, {0x84, 0x01, 0x00, 0x00, 0x00}, 5},
};

/* 04 <field> <len octets of 0xA5>: the expected encoding, built by hand. */
static struct bytes octet_string(const struct len_case *c)
{
	struct bytes b = {0};
	uint8_t tag = 0x04;

	bytes_add(&b, &tag, 1);
	bytes_add(&b, c->field, c->width);
	bytes_add_fill(&b, 0xA5, c->len);
	return b;
}

START_TEST(test_length_boundaries_read)
{
	const struct len_case *c = &len_cases[_i];
	struct bytes b = octet_string(c);
	cvc_tlv_reader r;
	cvc_tlv t;

	ck_assert_uint_eq(cvc_tlv_len_size(c->len), c->width);
	cvc_tlv_reader_init(&r, b.data, b.len, CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_next(&r, &t, NULL), CVC_OK);
	ck_assert_uint_eq(t.value.len, c->len);
	ck_assert_uint_eq(t.len_octets, c->width);
	ck_assert(!t.nonminimal);
	ck_assert_ptr_eq(t.value.data, b.data + 1 + c->width);
	ck_assert_uint_eq(cvc_tlv_remaining(&r), 0);

	/* One octet short of the value is truncation. */
	cvc_tlv_reader_init(&r, b.data, b.len - 1, CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_next(&r, &t, NULL), CVC_ERR_TRUNCATED);
	free(b.data);
}
END_TEST

START_TEST(test_length_boundaries_write)
{
	const struct len_case *c = &len_cases[_i];
	struct bytes want = octet_string(c);
	uint8_t *buf = malloc(want.len);
	cvc_tlv_writer w;
	size_t n = 0;

	ck_assert_ptr_nonnull(buf);
	cvc_tlv_writer_init(&w, buf, want.len);
	cvc_tlv_put(&w, 0x04, want.data + 1 + c->width, c->len, 0);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_OK);
	ck_assert_uint_eq(n, want.len);
	ck_assert_mem_eq(buf, want.data, n);

	/* The same as a constructed TLV grown by raw content: memmove path. */
	memset(buf, 0, want.len);
	cvc_tlv_writer_init(&w, buf, want.len);
	cvc_tlv_begin(&w, 0x24, 0);
	cvc_tlv_put_raw(&w, want.data + 1 + c->width, c->len);
	cvc_tlv_end(&w);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_OK);
	ck_assert_uint_eq(n, want.len);
	ck_assert_uint_eq(buf[0], 0x24);
	ck_assert_mem_eq(buf + 1, want.data + 1, n - 1);
	free(buf);
	free(want.data);
}
END_TEST

static const struct nonmin_case {
	uint8_t enc[8];
	size_t n;
	size_t value_len;
} nonmin_cases[] = {
    {{0x04, 0x81, 0x01, 0xAA}, 4, 1},
    {{0x04, 0x81, 0x7F}, 3, 0x7F},
    {{0x04, 0x82, 0x00, 0x02, 0xAA, 0xBB}, 6, 2},
    {{0x04, 0x82, 0x00, 0xFF}, 4, 0xFF},
    {{0x04, 0x83, 0x00, 0x00, 0x00}, 5, 0},
    {{0x04, 0x83, 0x00, 0xFF, 0xFF}, 5, 0xFFFF},
    {{0x04, 0x84, 0x00, 0x00, 0x00, 0x01, 0xAA}, 7, 1},
    {{0x04, 0x84, 0x00, 0xFF, 0xFF, 0xFF}, 6, 0xFFFFFF},
};

START_TEST(test_nonminimal_lengths)
{
	const struct nonmin_case *c = &nonmin_cases[_i];
	size_t full = 2 + (c->enc[1] & 0x7F) + c->value_len;
	uint8_t *buf = calloc(1, full);
	cvc_tlv_reader r;
	cvc_diag d;
	cvc_tlv t;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, c->enc, c->n < full ? c->n : full);

	cvc_tlv_reader_init(&r, buf, full, CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_next(&r, &t, &d), CVC_ERR_NONMINIMAL_LENGTH);
	ck_assert_uint_eq(d.tag, 0x04);
	ck_assert_uint_eq(r.len, full);
	ck_assert(!r.saw_nonminimal);

	cvc_tlv_reader_init(&r, buf, full, CVC_TLV_LENIENT);
	ck_assert(!r.saw_nonminimal);
	ck_assert_int_eq(cvc_tlv_next(&r, &t, &d), CVC_OK);
	ck_assert(t.nonminimal);
	ck_assert(r.saw_nonminimal);
	ck_assert_uint_eq(t.value.len, c->value_len);
	ck_assert_uint_eq(t.len_octets, 1 + (c->enc[1] & 0x7F));
	ck_assert_uint_eq(t.whole.len, full);
	free(buf);
}
END_TEST

START_TEST(test_bad_length_forms)
{
	static const uint8_t indefinite[] = {0x7F, 0x21, 0x80, 0x04,
	                                     0x00, 0x00, 0x00};
	static const uint8_t five[] = {0x04, 0x85, 0x00, 0x00,
	                               0x00, 0x00, 0x01, 0xAA};
	static const uint8_t reserved[] = {0x04, 0xFF, 0x00};
	const struct {
		const uint8_t *p;
		size_t n;
	} cases[] = {{indefinite, sizeof(indefinite)},
	             {five, sizeof(five)},
	             {reserved, sizeof(reserved)}};
	cvc_tlv_reader r;
	cvc_diag d;
	cvc_tlv t;

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		for (int m = CVC_TLV_STRICT; m <= CVC_TLV_LENIENT; m++) {
			cvc_tlv_reader_init(&r, cases[i].p, cases[i].n,
			                    (cvc_tlv_mode)m);
			ck_assert_int_eq(cvc_tlv_next(&r, &t, &d),
			                 CVC_ERR_BAD_LENGTH);
			ck_assert_uint_eq(d.tag, cases[i].p[0] == 0x7F ? 0x7F21
			                                               : 0x04);
			ck_assert_uint_eq(r.len, cases[i].n);
		}
	}
}
END_TEST

START_TEST(test_huge_length_is_truncation)
{
	static const uint8_t huge[] = {0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0};
	cvc_tlv_reader r;
	cvc_tlv t;

	cvc_tlv_reader_init(&r, huge, sizeof(huge), CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_next(&r, &t, NULL), CVC_ERR_TRUNCATED);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Truncation, nesting, offsets                                        */
/* ------------------------------------------------------------------ */

/*
 * 7F21 82 0115 { 7F4E 0D { 5F29 01 00, 42 03 'D' 'E' 'X', 5F8101 00 },
 * 5F37 82 0100 ... }: 1-, 2- and 3-octet tags, short and 0x82 lengths.
 */
static struct bytes sample_object(void)
{
	static const uint8_t body[] = {0x7F, 0x4E, 0x0D, 0x5F, 0x29, 0x01,
	                               0x00, 0x42, 0x03, 'D',  'E',  'X',
	                               0x5F, 0x81, 0x01, 0x00};
	static const uint8_t sig_hdr[] = {0x5F, 0x37, 0x82, 0x01, 0x00};
	static const uint8_t outer[] = {0x7F, 0x21, 0x82, 0x01, 0x15};
	struct bytes b = {0};

	bytes_add(&b, outer, sizeof(outer));
	bytes_add(&b, body, sizeof(body));
	bytes_add(&b, sig_hdr, sizeof(sig_hdr));
	bytes_add_fill(&b, 0x5A, 0x100);
	return b;
}

START_TEST(test_truncation_at_every_byte)
{
	struct bytes b = sample_object();
	cvc_tlv_reader r;
	cvc_diag d;
	cvc_tlv t;

	ck_assert_uint_eq(b.len, 5 + 0x115);
	for (size_t cut = 0; cut < b.len; cut++) {
		for (int m = CVC_TLV_STRICT; m <= CVC_TLV_LENIENT; m++) {
			cvc_tlv_reader_init(&r, b.data, cut, (cvc_tlv_mode)m);
			ck_assert_int_eq(cvc_tlv_next(&r, &t, &d),
			                 CVC_ERR_TRUNCATED);
			ck_assert_ptr_eq(r.data, b.data);
			ck_assert_uint_eq(r.len, cut);
			ck_assert_uint_eq(d.offset, 0);
		}
	}
	cvc_tlv_reader_init(&r, b.data, b.len, CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_next(&r, &t, NULL), CVC_OK);
	ck_assert_uint_eq(t.value.len, 0x115);
	free(b.data);
}
END_TEST

START_TEST(test_walk_with_absolute_offsets)
{
	struct bytes b = sample_object();
	cvc_tlv_reader r, body, inner;
	cvc_tlv outer, pk, t;
	cvc_diag d;

	cvc_tlv_reader_init(&r, b.data, b.len, CVC_TLV_LENIENT);
	ck_assert_int_eq(cvc_tlv_get(&r, 0x7F21, "CV certificate", &outer, &d),
	                 CVC_OK);
	ck_assert_uint_eq(outer.len_octets, 3);
	cvc_tlv_reader_child(&r, &outer, &body);
	ck_assert_uint_eq(cvc_tlv_offset(&body), 5);
	ck_assert_int_eq(body.mode, CVC_TLV_LENIENT);

	ck_assert_int_eq(cvc_tlv_get(&body, 0x7F4E, "body", &pk, &d), CVC_OK);
	ck_assert_uint_eq(pk.offset, 5);
	cvc_tlv_reader_child(&body, &pk, &inner);
	ck_assert_uint_eq(cvc_tlv_offset(&inner), 8);
	ck_assert_int_eq(cvc_tlv_get(&inner, 0x5F29, "CPI", &t, &d), CVC_OK);
	ck_assert_uint_eq(t.offset, 8);
	ck_assert_uint_eq(t.value.data[0], 0x00);

	/* Wrong tag: error names field, found and expected; no movement. */
	ck_assert_int_eq(cvc_tlv_get(&inner, 0x5F20, "CHR", &t, &d),
	                 CVC_ERR_UNEXPECTED_TAG);
	ck_assert_uint_eq(d.offset, 12);
	ck_assert_str_eq(d.field, "CHR");
	ck_assert_uint_eq(d.tag, 0x42);
	ck_assert_uint_eq(d.expected, 0x5F20);
	ck_assert_uint_eq(cvc_tlv_offset(&inner), 12);

	ck_assert_int_eq(cvc_tlv_get(&inner, 0x42, "CAR", &t, &d), CVC_OK);
	ck_assert_mem_eq(t.value.data, "DEX", 3);
	ck_assert_int_eq(cvc_tlv_next(&inner, &t, &d), CVC_OK);
	ck_assert_uint_eq(t.tag, 0x5F8101);
	ck_assert_uint_eq(t.offset, 17);

	/* Nothing left: a wanted field is missing, at the end offset. */
	ck_assert_int_eq(cvc_tlv_get(&inner, 0x5F20, "CHR", &t, &d),
	                 CVC_ERR_MISSING_FIELD);
	ck_assert_uint_eq(d.offset, 21);
	ck_assert_uint_eq(d.expected, 0x5F20);

	ck_assert_int_eq(cvc_tlv_get(&body, 0x5F37, "signature", &t, &d),
	                 CVC_OK);
	ck_assert_uint_eq(t.offset, 21);
	ck_assert_uint_eq(t.value.len, 0x100);
	ck_assert_uint_eq(cvc_tlv_remaining(&body), 0);
	ck_assert_uint_eq(cvc_tlv_remaining(&r), 0);
	ck_assert(!r.saw_nonminimal);
	free(b.data);
}
END_TEST

START_TEST(test_length_longer_than_parent)
{
	/* 7F4E's value is 4 octets but 5F29 claims 5: cut off by parent. */
	static const uint8_t obj[] = {0x7F, 0x4E, 0x04, 0x5F, 0x29,
	                              0x05, 0x00, 0x42, 0x01, 0x41};
	cvc_tlv_reader r, child;
	cvc_tlv t;
	cvc_diag d;

	cvc_tlv_reader_init(&r, obj, sizeof(obj), CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_next(&r, &t, &d), CVC_OK);
	cvc_tlv_reader_child(&r, &t, &child);
	ck_assert_uint_eq(cvc_tlv_remaining(&child), 4);
	ck_assert_int_eq(cvc_tlv_get(&child, 0x5F29, "CPI", &t, &d),
	                 CVC_ERR_TRUNCATED);
	ck_assert_uint_eq(d.offset, 3);
	ck_assert_uint_eq(d.tag, 0x5F29);
	ck_assert_uint_eq(d.expected, 0x5F29);
	ck_assert_str_eq(d.field, "CPI");
	ck_assert_uint_eq(cvc_tlv_remaining(&child), 4);
	/* The rest of the outer buffer is still readable on its own. */
	ck_assert_int_eq(cvc_tlv_get(&r, 0x42, "CAR", &t, &d), CVC_OK);
}
END_TEST

START_TEST(test_get_optional)
{
	static const uint8_t obj[] = {0x5F, 0x25, 0x01, 0x11, 0x5F,
	                              0x24, 0x01, 0x22, 0x5F, 0x80};
	cvc_tlv_reader r;
	bool present = true;
	cvc_tlv t;
	cvc_diag d;

	cvc_tlv_reader_init(&r, obj, sizeof(obj), CVC_TLV_STRICT);
	ck_assert_int_eq(
	    cvc_tlv_get_optional(&r, 0x65, "ext", &t, &present, &d), CVC_OK);
	ck_assert(!present);
	ck_assert_uint_eq(cvc_tlv_offset(&r), 0);
	ck_assert_int_eq(
	    cvc_tlv_get_optional(&r, 0x5F25, "effective", &t, &present, &d),
	    CVC_OK);
	ck_assert(present);
	ck_assert_uint_eq(t.value.data[0], 0x11);
	ck_assert_int_eq(cvc_tlv_get(&r, 0x5F24, "expiry", &t, &d), CVC_OK);
	/* A malformed TLV where the optional field might be is an error. */
	ck_assert_int_eq(
	    cvc_tlv_get_optional(&r, 0x65, "ext", &t, &present, &d),
	    CVC_ERR_BAD_TAG);
	ck_assert(!present);
	ck_assert_uint_eq(d.offset, 8);
	ck_assert_uint_eq(cvc_tlv_offset(&r), 8);

	cvc_tlv_reader_init(&r, obj, 0, CVC_TLV_STRICT);
	ck_assert_int_eq(
	    cvc_tlv_get_optional(&r, 0x65, "ext", &t, &present, &d), CVC_OK);
	ck_assert(!present);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

static void put_header(struct bytes *b, uint32_t tag, size_t len)
{
	uint8_t h[8];
	size_t n = 0;

	if (tag > 0xFF)
		h[n++] = (uint8_t)(tag >> 8);
	h[n++] = (uint8_t)tag;
	if (len < 0x80) {
		h[n++] = (uint8_t)len;
	} else if (len < 0x100) {
		h[n++] = 0x81;
		h[n++] = (uint8_t)len;
	} else {
		h[n++] = 0x82;
		h[n++] = (uint8_t)(len >> 8);
		h[n++] = (uint8_t)len;
	}
	bytes_add(b, h, n);
}

/* 7F21 { 7F4E { 5F29 00, 42 <car_len> }, 5F37 <sig_len> } built by hand. */
static struct bytes expected_cert(size_t car_len, size_t sig_len)
{
	struct bytes body = {0}, whole = {0};
	static const uint8_t cpi[] = {0x5F, 0x29, 0x01, 0x00};

	bytes_add(&body, cpi, sizeof(cpi));
	put_header(&body, 0x42, car_len);
	bytes_add_fill(&body, 'C', car_len);

	size_t pk_len = body.len;
	size_t pk_hdr = 2 + cvc_tlv_len_size(pk_len);
	size_t sig_tlv = 2 + cvc_tlv_len_size(sig_len) + sig_len;
	put_header(&whole, 0x7F21, pk_hdr + pk_len + sig_tlv);
	put_header(&whole, 0x7F4E, pk_len);
	bytes_add(&whole, body.data, body.len);
	put_header(&whole, 0x5F37, sig_len);
	bytes_add_fill(&whole, 'S', sig_len);
	free(body.data);
	return whole;
}

static void write_cert(cvc_tlv_writer *w, size_t car_len, size_t sig_len)
{
	static const uint8_t zero = 0;
	uint8_t car[300], sig[300];

	memset(car, 'C', sizeof(car));
	memset(sig, 'S', sizeof(sig));
	cvc_tlv_begin(w, 0x7F21, 0);
	cvc_tlv_begin(w, 0x7F4E, 0);
	cvc_tlv_put(w, 0x5F29, &zero, 1, 0);
	cvc_tlv_put(w, 0x42, car, car_len, 0);
	cvc_tlv_end(w);
	cvc_tlv_put(w, 0x5F37, sig, sig_len, 0);
	cvc_tlv_end(w);
}

/*
 * Child sizes either side of 127 and 255 make 7F4E and 7F21 grow from one to
 * two and three length octets after their contents were written.
 */
static const size_t grow_sizes[] = {0,   1,   100, 118, 119, 120, 124,
                                    125, 126, 127, 128, 200, 246, 247,
                                    248, 251, 252, 255, 256, 300};

START_TEST(test_writer_nested_round_trip)
{
	size_t car_len = grow_sizes[_i];

	for (size_t s = 0; s < ARRAY_LEN(grow_sizes); s++) {
		size_t sig_len = grow_sizes[s];
		struct bytes want = expected_cert(car_len, sig_len);
		uint8_t buf[1024];
		cvc_tlv_writer w;
		size_t n = 0, counted = 0;

		cvc_tlv_writer_init(&w, NULL, 0);
		write_cert(&w, car_len, sig_len);
		ck_assert_int_eq(cvc_tlv_writer_finish(&w, &counted), CVC_OK);

		cvc_tlv_writer_init(&w, buf, sizeof(buf));
		write_cert(&w, car_len, sig_len);
		ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_OK);
		ck_assert_uint_eq(n, want.len);
		ck_assert_uint_eq(counted, n);
		ck_assert_mem_eq(buf, want.data, n);
		free(want.data);
	}
}
END_TEST

START_TEST(test_writer_reproduces_nonminimal_widths)
{
	/* 7F21 82 000E { 5F29 81 01 00, 42 84 00000003 'A' 'B' 'C' } 04 00 */
	static const uint8_t obj[] = {0x7F, 0x21, 0x82, 0x00, 0x0E, 0x5F, 0x29,
	                              0x81, 0x01, 0x00, 0x42, 0x84, 0x00, 0x00,
	                              0x00, 0x03, 'A',  'B',  'C',  0x7F, 0x4E,
	                              0x81, 0x00, 0x04, 0x00};
	cvc_tlv_reader r, child;
	cvc_tlv outer, t;
	cvc_tlv_writer w;
	uint8_t buf[sizeof(obj)];
	size_t n;

	cvc_tlv_reader_init(&r, obj, sizeof(obj), CVC_TLV_LENIENT);
	cvc_tlv_writer_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(cvc_tlv_next(&r, &outer, NULL), CVC_OK);
	cvc_tlv_begin(&w, outer.tag, outer.len_octets);
	cvc_tlv_reader_child(&r, &outer, &child);
	while (cvc_tlv_remaining(&child) > 0) {
		ck_assert_int_eq(cvc_tlv_next(&child, &t, NULL), CVC_OK);
		ck_assert(t.nonminimal);
		cvc_tlv_put(&w, t.tag, t.value.data, t.value.len, t.len_octets);
	}
	cvc_tlv_end(&w);
	while (cvc_tlv_remaining(&r) > 0) {
		ck_assert_int_eq(cvc_tlv_next(&r, &t, NULL), CVC_OK);
		if (t.constructed) {
			cvc_tlv_begin(&w, t.tag, t.len_octets);
			cvc_tlv_end(&w);
		} else {
			cvc_tlv_put(&w, t.tag, t.value.data, t.value.len,
			            t.len_octets);
		}
	}
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_OK);
	ck_assert_uint_eq(n, sizeof(obj));
	ck_assert_mem_eq(buf, obj, sizeof(obj));
}
END_TEST

START_TEST(test_writer_too_small_reports_needed)
{
	struct bytes want = expected_cert(130, 260);
	uint8_t buf[1024];

	for (size_t cap = 0; cap < want.len; cap++) {
		cvc_tlv_writer w;
		size_t n = 0;

		memset(buf, 0xEE, sizeof(buf));
		cvc_tlv_writer_init(&w, buf, cap);
		write_cert(&w, 130, 260);
		ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n),
		                 CVC_ERR_BUFFER_TOO_SMALL);
		ck_assert_uint_eq(n, want.len);
		for (size_t i = cap; i < sizeof(buf); i++)
			ck_assert_uint_eq(buf[i], 0xEE);
	}
	free(want.data);
}
END_TEST

START_TEST(test_writer_nesting_misuse)
{
	uint8_t buf[64];
	cvc_tlv_writer w;
	size_t n = 99;

	/* end without begin */
	cvc_tlv_writer_init(&w, buf, sizeof(buf));
	cvc_tlv_end(&w);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_ERR_NESTING);

	/* begin without end */
	cvc_tlv_writer_init(&w, buf, sizeof(buf));
	cvc_tlv_begin(&w, 0x7F21, 0);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_ERR_NESTING);

	/* exactly CVC_TLV_MAX_DEPTH levels are fine, one more is not */
	for (int extra = 0; extra <= 1; extra++) {
		int levels = CVC_TLV_MAX_DEPTH + extra;

		cvc_tlv_writer_init(&w, buf, sizeof(buf));
		for (int i = 0; i < levels; i++)
			cvc_tlv_begin(&w, 0x30, 0);
		for (int i = 0; i < levels; i++)
			cvc_tlv_end(&w);
		ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n),
		                 extra ? CVC_ERR_NESTING : CVC_OK);
		if (!extra) {
			ck_assert_uint_eq(n, 2 * CVC_TLV_MAX_DEPTH);
			ck_assert_uint_eq(buf[0], 0x30);
			ck_assert_uint_eq(buf[1], 2 * CVC_TLV_MAX_DEPTH - 2);
		}
	}
}
END_TEST

START_TEST(test_writer_rejects_unencodable)
{
	uint8_t big[200] = {0}, buf[512];
	cvc_tlv_writer w;
	size_t n;

	/* Forced width too narrow for the length, in put and in end. */
	cvc_tlv_writer_init(&w, buf, sizeof(buf));
	cvc_tlv_put(&w, 0x04, big, sizeof(big), 1);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_ERR_NESTING);

	cvc_tlv_writer_init(&w, buf, sizeof(buf));
	cvc_tlv_begin(&w, 0x30, 1);
	cvc_tlv_put_raw(&w, big, sizeof(big));
	cvc_tlv_end(&w);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_ERR_NESTING);

	cvc_tlv_writer_init(&w, buf, sizeof(buf));
	cvc_tlv_put(&w, 0x04, big, 1, 6);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_ERR_NESTING);

	/* Tags the reader would not accept. */
	static const uint32_t bad_tags[] = {
	    0, 0xFF, 0x5F05, 0x5F80, 0x5F8181, 0x1000000, 0x7F, 0x0421};
	for (size_t i = 0; i < ARRAY_LEN(bad_tags); i++) {
		cvc_tlv_writer_init(&w, buf, sizeof(buf));
		cvc_tlv_put(&w, bad_tags[i], big, 1, 0);
		ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n),
		                 CVC_ERR_NESTING);
	}

	/* A forced width wide enough is honoured exactly. */
	cvc_tlv_writer_init(&w, buf, sizeof(buf));
	cvc_tlv_put(&w, 0x04, big, 2, 5);
	ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_OK);
	ck_assert_uint_eq(n, 1 + 5 + 2);
	static const uint8_t hdr[] = {0x04, 0x84, 0, 0, 0, 2};
	ck_assert_mem_eq(buf, hdr, sizeof(hdr));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Real objects                                                        */
/* ------------------------------------------------------------------ */

/* Parses everything, re-encodes every TLV with its own widths. */
static void walk_and_reencode(cvc_tlv_reader *r, int depth)
{
	static uint8_t buf[1 << 16];

	while (cvc_tlv_remaining(r) > 0) {
		cvc_tlv t;
		cvc_tlv_writer w;
		size_t n;

		ck_assert_int_eq(cvc_tlv_next(r, &t, NULL), CVC_OK);
		ck_assert_uint_le(t.whole.len, sizeof(buf));
		cvc_tlv_writer_init(&w, buf, sizeof(buf));
		cvc_tlv_put(&w, t.tag, t.value.data, t.value.len, t.len_octets);
		ck_assert_int_eq(cvc_tlv_writer_finish(&w, &n), CVC_OK);
		ck_assert_uint_eq(n, t.whole.len);
		ck_assert_mem_eq(buf, t.whole.data, n);
		/* Primitive values (keys, signatures) are not TLVs. */
		if (t.constructed && depth < 4) {
			cvc_tlv_reader child;

			cvc_tlv_reader_child(r, &t, &child);
			walk_and_reencode(&child, depth + 1);
		}
	}
}

static void walk_file(const char *path, const char *rel, void *ctx)
{
	static uint8_t data[1 << 16];
	size_t *files = ctx;
	cvc_tlv_reader r;
	size_t n;

	if (!cvc_test_has_suffix(rel, ".cvcert") &&
	    !cvc_test_has_suffix(rel, ".cvreq"))
		return;
	n = cvc_test_read_into(path, data, sizeof(data));
	ck_assert_uint_gt(n, 0);
	cvc_tlv_reader_init(&r, data, n, CVC_TLV_LENIENT);
	walk_and_reencode(&r, 0);
	(*files)++;
}

START_TEST(test_corpus_reencodes)
{
	size_t files = 0;

	cvc_test_walk_tree(cvc_test_corpus_dir(), walk_file, &files);
	ck_assert_uint_gt(files, 10);
}
END_TEST

static Suite *tlv_suite(void)
{
	Suite *s = suite_create("tlv");
	TCase *tc = tcase_create("reader");

	tcase_add_loop_test(tc, test_tag_sizes, 0, ARRAY_LEN(tag_cases));
	tcase_add_loop_test(tc, test_bad_tags, 0, ARRAY_LEN(bad_tag_cases));
	tcase_add_test(tc, test_peek_tag_fails_on_bad_or_empty);
	tcase_add_loop_test(tc, test_length_boundaries_read, 0,
	                    ARRAY_LEN(len_cases));
	tcase_add_loop_test(tc, test_nonminimal_lengths, 0,
	                    ARRAY_LEN(nonmin_cases));
	tcase_add_test(tc, test_bad_length_forms);
	tcase_add_test(tc, test_huge_length_is_truncation);
	tcase_add_test(tc, test_truncation_at_every_byte);
	tcase_add_test(tc, test_walk_with_absolute_offsets);
	tcase_add_test(tc, test_length_longer_than_parent);
	tcase_add_test(tc, test_get_optional);
	suite_add_tcase(s, tc);

	tc = tcase_create("writer");
	tcase_add_loop_test(tc, test_length_boundaries_write, 0,
	                    ARRAY_LEN(len_cases));
	tcase_add_loop_test(tc, test_writer_nested_round_trip, 0,
	                    ARRAY_LEN(grow_sizes));
	tcase_add_test(tc, test_writer_reproduces_nonminimal_widths);
	tcase_add_test(tc, test_writer_too_small_reports_needed);
	tcase_add_test(tc, test_writer_nesting_misuse);
	tcase_add_test(tc, test_writer_rejects_unencodable);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_test(tc, test_corpus_reencodes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cvc_test_run(tlv_suite());
}
