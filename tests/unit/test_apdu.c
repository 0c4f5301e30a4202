/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for command/response APDUs and status words
 * (libcvc/src/apdu.c, libcvc/src/sw.c).
 *
 * Expected encodings are written out by hand from ISO/IEC 7816-4 5.1 (short
 * Lc 1 octet, Le 1 octet with 00 = 256; extended Lc 00 + 2 octets, Le 2
 * octets after the data or 00 + 2 octets without data, 0000 = 65536), and
 * for the long cases built octet by octet from those rules, not by the
 * code under test. Status word texts are checked against the meanings the
 * standard (and standards.md 6) gives them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/apdu.h>

#include "testutil.h"

/* Large enough for any command APDU. */
static uint8_t enc[CVC_APDU_MAX_SIZE + 16];
static uint8_t want[CVC_APDU_MAX_SIZE + 16];
static uint8_t payload[CVC_APDU_MAX_EXT_LC + 1];

static void fill_payload(void)
{
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
}

static cvc_apdu make(uint8_t ins, size_t lc, size_t le, bool ext)
{
	cvc_apdu a = {.cla = 0x00, .ins = ins, .p1 = 0x12, .p2 = 0x34};

	a.data.data = lc > 0 ? payload : NULL;
	a.data.len = lc;
	a.le = le;
	a.extended = ext;
	return a;
}

/*
 * The expected encoding from 7816-4 5.1, spelled out per case: header,
 * then (short) Lc | data | Le or (extended) 00 Lc Lc | data | Le Le, with
 * 00 before Le when there is no data.
 */
static size_t expected_encoding(uint8_t ins, size_t lc, size_t le, bool ext,
                                uint8_t *out)
{
	size_t n = 0;

	out[n++] = 0x00;
	out[n++] = ins;
	out[n++] = 0x12;
	out[n++] = 0x34;
	if (lc > 0 && !ext) {
		out[n++] = (uint8_t)lc;
	} else if (lc > 0) {
		out[n++] = 0x00;
		out[n++] = (uint8_t)(lc / 256);
		out[n++] = (uint8_t)(lc % 256);
	}
	memcpy(out + n, payload, lc);
	n += lc;
	if (le > 0 && !ext) {
		out[n++] = le == 256 ? 0x00 : (uint8_t)le;
	} else if (le > 0) {
		if (lc == 0)
			out[n++] = 0x00;
		out[n++] = le == 65536 ? 0x00 : (uint8_t)(le / 256);
		out[n++] = le == 65536 ? 0x00 : (uint8_t)(le % 256);
	}
	return n;
}

static void check_encoding(size_t lc, size_t le, bool force_ext, bool want_ext)
{
	cvc_apdu a = make(0xEE, lc, le, force_ext);
	size_t n = 0, wn = expected_encoding(0xEE, lc, le, want_ext, want);

	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert_msg(n == wn, "lc %zu le %zu: %zu octets, want %zu", lc, le, n,
	              wn);
	ck_assert_msg(memcmp(enc, want, n) == 0, "lc %zu le %zu: octets differ",
	              lc, le);

	/* and back: the card side sees the same command */
	cvc_apdu d;
	cvc_diag diag;
	ck_assert_int_eq(cvc_apdu_decode(enc, n, &d, &diag), CVC_OK);
	ck_assert_uint_eq(d.cla, 0x00);
	ck_assert_uint_eq(d.ins, 0xEE);
	ck_assert_uint_eq(d.p1, 0x12);
	ck_assert_uint_eq(d.p2, 0x34);
	ck_assert_uint_eq(d.data.len, lc);
	ck_assert_uint_eq(d.le, le);
	if (lc > 0) {
		ck_assert_ptr_eq(d.data.data, enc + (want_ext ? 7 : 5));
		ck_assert(memcmp(d.data.data, payload, lc) == 0);
	}
	ck_assert_int_eq(cvc_apdu_case(&d), cvc_apdu_case(&a));
}

/* ------------------------------------------------------------------ */
/* Encoding vectors                                                    */
/* ------------------------------------------------------------------ */

START_TEST(test_case1)
{
	cvc_apdu a = make(0xA4, 0, 0, false);
	size_t n = 0;

	ck_assert_int_eq(cvc_apdu_case(&a), 1);
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00a41234"));
	/* case 1 has no length field, so "extended" changes nothing */
	a.extended = true;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00a41234"));
}
END_TEST

START_TEST(test_case2_short_literal)
{
	cvc_apdu a = make(0xB0, 0, 1, false);
	size_t n = 0;

	ck_assert_int_eq(cvc_apdu_case(&a), 2);
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00b0123401"));
	a.le = 255;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00b01234ff"));
	a.le = 256;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00b0123400"));
}
END_TEST

START_TEST(test_case2_extended_literal)
{
	cvc_apdu a = make(0xB0, 0, 257, false);
	size_t n = 0;

	ck_assert(cvc_apdu_needs_extended(&a));
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00b01234000101"));
	a.le = 65535;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00b0123400ffff"));
	a.le = 65536;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00b01234000000"));
	/* forced extended for a short Le */
	a.le = 1;
	a.extended = true;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00b01234000001"));
	a.le = 256;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "00b01234000100"));
}
END_TEST

START_TEST(test_case3_4_literal)
{
	static const uint8_t aa = 0xAA;
	cvc_apdu a = {.cla = 0x80, .ins = 0x88, .p1 = 1, .p2 = 2};
	size_t n = 0;

	a.data.data = &aa;
	a.data.len = 1;
	ck_assert_int_eq(cvc_apdu_case(&a), 3);
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n,
	                                 "808801020"
	                                 "1aa"));
	a.le = 1;
	ck_assert_int_eq(cvc_apdu_case(&a), 4);
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "8088010201aa01"));
	a.le = 256;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "8088010201aa00"));
	a.le = 257;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n,
	                                 "808801020000"
	                                 "01aa0101"));
	a.extended = true;
	a.le = 0;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "80880102000001aa"));
	a.le = 65536;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(enc, n, "80880102000001aa0000"));
}
END_TEST

/* Every case at Lc / Le 0, 1, 255, 256, 65535 (and Le 65536). */
static const size_t lc_values[] = {0, 1, 255, 256, 65535};
static const size_t le_values[] = {0, 1, 255, 256, 257, 65535, 65536};

START_TEST(test_all_lengths)
{
	for (size_t i = 0; i < ARRAY_LEN(lc_values); i++) {
		for (size_t j = 0; j < ARRAY_LEN(le_values); j++) {
			size_t lc = lc_values[i], le = le_values[j];
			bool short_ok = lc <= 255 && le <= 256;
			bool any = lc > 0 || le > 0;

			check_encoding(lc, le, false, !short_ok);
			/* forced extended, except case 1 which has none */
			check_encoding(lc, le, true, any);
		}
	}
}
END_TEST

START_TEST(test_short_extended_boundary)
{
	cvc_apdu a = make(0xEE, 255, 256, false);

	ck_assert(!cvc_apdu_needs_extended(&a));
	a.data.len = 256;
	ck_assert(cvc_apdu_needs_extended(&a));
	a.data.len = 255;
	a.le = 257;
	ck_assert(cvc_apdu_needs_extended(&a));
	a.le = 0;
	a.data.len = 0;
	ck_assert(!cvc_apdu_needs_extended(&a));
}
END_TEST

START_TEST(test_encode_rejects_impossible)
{
	cvc_apdu a = make(0xEE, 65535, 0, false);
	size_t n = 1;

	a.data.len = 65536;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n),
	                 CVC_ERR_APDU);
	a.data.len = 1;
	a.le = 65537;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n),
	                 CVC_ERR_APDU);
	a.le = (size_t)-1;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n),
	                 CVC_ERR_APDU);
	/* data length without data */
	a.le = 0;
	a.data.data = NULL;
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_apdu_encode(NULL, enc, sizeof(enc), &n),
	                 CVC_ERR_INVALID_ARG);
	a = make(0xEE, 1, 0, false);
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), NULL),
	                 CVC_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_encode_sizing)
{
	cvc_apdu a = make(0xEE, 300, 500, false);
	size_t n = 0;
	size_t need = 4 + 3 + 300 + 2;

	ck_assert_int_eq(cvc_apdu_encode(&a, NULL, 0, &n),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(n, need);
	memset(enc, 0x5A, sizeof(enc));
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, need - 1, &n),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(n, need);
	ck_assert_uint_eq(enc[0], 0x5A); /* nothing written */
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, need, &n), CVC_OK);
	ck_assert_uint_eq(n, need);
	ck_assert_uint_eq(enc[need], 0x5A); /* nothing beyond */
}
END_TEST

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

struct decode_vector {
	const char *hex;
	size_t lc, le;
	bool ext;
};

static const struct decode_vector good[] = {
    {"00a40000", 0, 0, false},
    {"00b0000000", 0, 256, false},
    {"00b0000080", 0, 128, false},
    {"00b00000000000", 0, 65536, true},
    {"00b00000000100", 0, 256, true},
    {"00b00000000001", 0, 1, true},
    {"00d6000001aa", 1, 0, false},
    {"00d6000002aabb", 2, 0, false},
    {"00d60000000001aa", 1, 0, true},
    {"0088000001aa00", 1, 256, false},
    {"0088000001aaff", 1, 255, false},
    {"00880000000001aa0000", 1, 65536, true},
    {"00880000000001aa0001", 1, 1, true},
    /* a data octet 00 after a short Lc is data, not a length marker */
    {"0088000002000000", 2, 256, false},
};

START_TEST(test_decode_vectors)
{
	uint8_t buf[64];
	const struct decode_vector *v = &good[_i];
	size_t n = cvc_test_unhex(v->hex, buf, sizeof(buf));
	cvc_apdu a;
	size_t m = 0;

	ck_assert_int_eq(cvc_apdu_decode(buf, n, &a, NULL), CVC_OK);
	ck_assert_msg(a.data.len == v->lc, "%s: Lc %zu", v->hex, a.data.len);
	ck_assert_msg(a.le == v->le, "%s: Le %zu", v->hex, a.le);
	ck_assert_msg(a.extended == v->ext, "%s: extended", v->hex);
	/* re-encoding gives the very same octets */
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &m), CVC_OK);
	ck_assert_uint_eq(m, n);
	ck_assert(memcmp(enc, buf, n) == 0);
}
END_TEST

struct bad_vector {
	const char *hex;
	const char *field;
};

static const struct bad_vector bad[] = {
    {"", "header"},
    {"00", "header"},
    {"00a400", "header"},
    {"00a400000000", "Lc"},       /* 00 + one octet */
    {"00a4000002aa", "Lc"},       /* Lc 2, one data octet */
    {"00a4000001aabbcc", "Le"},   /* two octets after short data */
    {"00a4000001aa0001", "Le"},   /* short Lc with extended Le */
    {"00a40000000001aa01", "Le"}, /* extended Lc with short Le */
    {"00a40000000001aa000100", "Le"},
    {"00a40000000002aa", "Lc"}, /* extended data too short */
    {"00a40000000000aa", "Lc"}, /* extended Lc 0 with data */
    {"00a4000000000000", "Lc"}, /* extended Lc 0, Le */
    {"00a4000000ffff", NULL},   /* 2E, valid: checked below */
};

START_TEST(test_decode_malformed)
{
	uint8_t buf[64];
	const struct bad_vector *v = &bad[_i];
	size_t n = cvc_test_unhex(v->hex, buf, sizeof(buf));
	cvc_apdu a;
	cvc_diag diag = {0};
	cvc_err err = cvc_apdu_decode(buf, n, &a, &diag);

	if (v->field == NULL) {
		ck_assert_int_eq(err, CVC_OK);
		return;
	}
	ck_assert_msg(err == CVC_ERR_APDU, "%s: %d", v->hex, err);
	ck_assert_int_eq(diag.err, CVC_ERR_APDU);
	ck_assert_msg(diag.field != NULL && strcmp(diag.field, v->field) == 0,
	              "%s: field %s", v->hex, diag.field);
	ck_assert_ptr_nonnull(diag.reason);
	ck_assert_uint_le(diag.offset, n);
	ck_assert_uint_eq(a.data.len, 0);
	ck_assert_uint_eq(a.le, 0);
}
END_TEST

/*
 * Around a valid command, one octet less or one or two more: by 5.1 each
 * either is another valid case (noted) or must be refused.
 */
struct neighbour_vector {
	size_t lc, le;
	cvc_err minus1, plus1, plus2;
};

static const struct neighbour_vector neighbours[] = {
    /* 3S: minus one is hdr 01 = 2S; plus one = 4S Le 01 */
    {1, 0, CVC_OK, CVC_OK, CVC_ERR_APDU},
    {255, 0, CVC_ERR_APDU, CVC_OK, CVC_ERR_APDU},
    /* 4S: minus one is 3S */
    {1, 1, CVC_OK, CVC_ERR_APDU, CVC_ERR_APDU},
    {255, 256, CVC_OK, CVC_ERR_APDU, CVC_ERR_APDU},
    /* 3E: a one-octet Le is mixing; two octets make 4E */
    {256, 0, CVC_ERR_APDU, CVC_ERR_APDU, CVC_OK},
    {65535, 0, CVC_ERR_APDU, CVC_ERR_APDU, CVC_OK},
    /* 4E: nothing near it is valid */
    {256, 1, CVC_ERR_APDU, CVC_ERR_APDU, CVC_ERR_APDU},
    {65535, 65536, CVC_ERR_APDU, CVC_ERR_APDU, CVC_ERR_APDU},
};

START_TEST(test_decode_neighbours)
{
	const struct neighbour_vector *v = &neighbours[_i];
	cvc_apdu a = make(0xEE, v->lc, v->le, false), d;
	size_t n = 0;

	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	enc[n] = 0x01;
	enc[n + 1] = 0x01;
	ck_assert_int_eq(cvc_apdu_decode(enc, n - 1, &d, NULL), v->minus1);
	ck_assert_int_eq(cvc_apdu_decode(enc, n + 1, &d, NULL), v->plus1);
	if (v->plus1 == CVC_OK)
		ck_assert_uint_eq(d.le, 1);
	ck_assert_int_eq(cvc_apdu_decode(enc, n + 2, &d, NULL), v->plus2);
	if (v->plus2 == CVC_OK)
		ck_assert_uint_eq(d.le, 0x0101);
}
END_TEST

START_TEST(test_decode_args)
{
	cvc_apdu a;

	ck_assert_int_eq(cvc_apdu_decode(NULL, 4, &a, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_apdu_decode(enc, 4, NULL, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_apdu_decode(NULL, 0, &a, NULL), CVC_ERR_APDU);
	ck_assert_int_eq(cvc_apdu_decode(enc, CVC_APDU_MAX_SIZE + 1, &a, NULL),
	                 CVC_ERR_APDU);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Responses                                                           */
/* ------------------------------------------------------------------ */

START_TEST(test_rapdu_parse)
{
	uint8_t buf[8];
	cvc_rapdu r;
	size_t n = cvc_test_unhex("0102039000", buf, sizeof(buf));

	ck_assert_int_eq(cvc_rapdu_parse(buf, n, &r), CVC_OK);
	ck_assert_uint_eq(r.sw, 0x9000);
	ck_assert(cvc_test_span_is_hex(r.data, "010203"));
	ck_assert(cvc_sw_ok(r.sw));

	n = cvc_test_unhex("6a82", buf, sizeof(buf));
	ck_assert_int_eq(cvc_rapdu_parse(buf, n, &r), CVC_OK);
	ck_assert_uint_eq(r.sw, 0x6A82);
	ck_assert_uint_eq(r.data.len, 0);
	ck_assert(!cvc_sw_ok(r.sw));

	ck_assert_int_eq(cvc_rapdu_parse(buf, 1, &r), CVC_ERR_APDU);
	ck_assert_int_eq(cvc_rapdu_parse(buf, 0, &r), CVC_ERR_APDU);
	ck_assert_int_eq(cvc_rapdu_parse(NULL, 2, &r), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_rapdu_parse(buf, 2, NULL), CVC_ERR_INVALID_ARG);

	/* at most 65536 data octets (Ne max) before the SW */
	ck_assert_int_eq(cvc_rapdu_parse(enc, 65536 + 2, &r), CVC_OK);
	ck_assert_uint_eq(r.data.len, 65536);
	ck_assert_int_eq(cvc_rapdu_parse(enc, 65536 + 3, &r), CVC_ERR_APDU);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Status words                                                        */
/* ------------------------------------------------------------------ */

static const char *sw(uint16_t w)
{
	static char buf[128];

	return cvc_sw_text(w, buf, sizeof(buf));
}

static bool contains(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

/* Keywords from the ISO 7816-4 wording of each status word. */
struct sw_vector {
	uint16_t sw;
	const char *keyword;
};

static const struct sw_vector sw_words[] = {
    {0x9000, "success"},
    {0x6200, "warning"},
    {0x6281, "corrupted"},
    {0x6282, "end of file"},
    {0x6283, "deactivated"},
    {0x6284, "control information"},
    {0x6285, "termination"},
    {0x6286, "sensor"},
    {0x6287, "record"},
    {0x6300, "authentication failed"},
    {0x6381, "filled up"},
    {0x6400, "execution error"},
    {0x6401, "immediate response"},
    {0x6500, "execution error"},
    {0x6581, "memory failure"},
    {0x6600, "security"},
    {0x6700, "wrong length"},
    {0x6800, "CLA"},
    {0x6881, "logical channel"},
    {0x6882, "secure messaging not supported"},
    {0x6883, "last command of the chain"},
    {0x6884, "chaining not supported"},
    {0x6900, "not allowed"},
    {0x6981, "file structure"},
    {0x6982, "security status not satisfied"},
    {0x6983, "blocked"},
    {0x6984, "reference data not usable"},
    {0x6985, "conditions of use"},
    {0x6986, "no current EF"},
    {0x6987, "missing"},
    {0x6988, "incorrect secure messaging"},
    {0x6A00, "P1-P2"},
    {0x6A80, "data field"},
    {0x6A81, "function not supported"},
    {0x6A82, "not found"},
    {0x6A83, "record not found"},
    {0x6A84, "memory space"},
    {0x6A85, "TLV"},
    {0x6A86, "P1-P2"},
    {0x6A87, "P1-P2"},
    {0x6A88, "not found"},
    {0x6A89, "already exists"},
    {0x6A8A, "DF name"},
    {0x6B00, "P1-P2"},
    {0x6D00, "instruction"},
    {0x6E00, "class"},
    {0x6F00, "no precise diagnosis"},
};

START_TEST(test_sw_words)
{
	const struct sw_vector *v = &sw_words[_i];
	const char *t = sw(v->sw);

	ck_assert_msg(contains(t, v->keyword), "%04X: \"%s\" lacks \"%s\"",
	              v->sw, t, v->keyword);
	ck_assert_msg(!contains(t, "unknown"), "%04X: %s", v->sw, t);
}
END_TEST

START_TEST(test_sw_parametrised)
{
	ck_assert_str_eq(sw(0x63C2), "verification failed, 2 tries left");
	ck_assert_str_eq(sw(0x63C1), "verification failed, 1 try left");
	ck_assert_str_eq(sw(0x63C0), "verification failed, 0 tries left");
	ck_assert(contains(sw(0x63CF), "15 tries"));
	ck_assert(contains(sw(0x6110), "16 "));
	ck_assert(contains(sw(0x61FF), "255 "));
	ck_assert(contains(sw(0x6100), "256"));
	ck_assert(contains(sw(0x6C05), "5 "));
	ck_assert(contains(sw(0x6C05), "Le"));
	ck_assert(contains(sw(0x6C00), "256"));
	ck_assert(contains(sw(0x6210), "triggering"));
	ck_assert(contains(sw(0x6480), "triggering"));
	/* unknown SW2 of a known group: the group's meaning and the value */
	ck_assert(contains(sw(0x6999), "not allowed"));
	ck_assert(contains(sw(0x6999), "6999"));
	ck_assert(contains(sw(0x6A99), "P1-P2"));
	ck_assert(contains(sw(0x9123), "proprietary"));
	ck_assert(contains(sw(0x1234), "unknown"));
	ck_assert(contains(sw(0x1234), "1234"));
}
END_TEST

START_TEST(test_sw_all_values)
{
	char buf[128];

	/* Every value gets some text, cut to the buffer and terminated. */
	for (unsigned w = 0; w <= 0xFFFF; w++) {
		const char *t = cvc_sw_text((uint16_t)w, buf, sizeof(buf));

		/* plain checks: a ck_assert per value would dominate the run */
		if (t != buf || strlen(t) == 0)
			ck_abort_msg("%04X: no text", w);
	}
	/* distinct meanings, distinct texts */
	static const uint16_t distinct[] = {0x6982, 0x6983, 0x6984, 0x6985,
	                                    0x6A82, 0x6A88, 0x6700, 0x6D00,
	                                    0x6E00, 0x6F00, 0x9000, 0x6300};
	for (size_t i = 0; i < ARRAY_LEN(distinct); i++) {
		char a[128];

		cvc_sw_text(distinct[i], a, sizeof(a));
		for (size_t j = i + 1; j < ARRAY_LEN(distinct); j++)
			ck_assert_str_ne(a, sw(distinct[j]));
	}
}
END_TEST

START_TEST(test_sw_small_buffers)
{
	char buf[5];

	memset(buf, 'x', sizeof(buf));
	ck_assert_ptr_eq(cvc_sw_text(0x6A82, buf, sizeof(buf)), buf);
	ck_assert_uint_eq(strlen(buf), 4);
	ck_assert_ptr_eq(cvc_sw_text(0x63C3, buf, 1), buf);
	ck_assert_str_eq(buf, "");
	ck_assert_ptr_nonnull(cvc_sw_text(0x9000, NULL, 0));
	ck_assert_ptr_nonnull(cvc_sw_text(0x9000, buf, 0));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Builders (standards.md 6)                                           */
/* ------------------------------------------------------------------ */

static void expect_built(const cvc_apdu *a, const char *hex)
{
	size_t n = 0;

	ck_assert_int_eq(cvc_apdu_encode(a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert_msg(cvc_test_bytes_are_hex(enc, n, hex), "want %s", hex);
}

START_TEST(test_builders)
{
	static const uint8_t aid[] = {0xF0, 0x6C, 0x69, 0x62,
	                              0x63, 0x76, 0x63, 0x54};
	static const uint8_t pin[] = {'1', '2', '3', '4', '5', '6'};
	static const uint8_t two[] = {0xAB, 0xCD};
	cvc_span aid_s = {aid, sizeof(aid)}, pin_s = {pin, sizeof(pin)};
	cvc_span two_s = {two, sizeof(two)};
	cvc_apdu a;

	cvc_apdu_select_aid(&a, aid_s, 0x0C, 0);
	expect_built(&a, "00a4040c08f06c696263766354");
	cvc_apdu_select_aid(&a, aid_s, 0x04, 256);
	expect_built(&a, "00a4040408f06c69626376635400");
	cvc_apdu_read_binary(&a, 0x1234, 0x10);
	expect_built(&a, "00b0123410");
	cvc_apdu_read_binary_sfi(&a, 0x1E, 0x05, 256);
	expect_built(&a, "00b09e0500");
	cvc_apdu_update_binary(&a, 0x0102, two_s);
	expect_built(&a, "00d6010202abcd");
	cvc_apdu_get_data(&a, 0x006E, 256);
	expect_built(&a, "00ca006e00");
	cvc_apdu_put_data(&a, 0x5F50, two_s);
	expect_built(&a, "00da5f5002abcd");
	cvc_apdu_get_challenge(&a, 8);
	expect_built(&a, "0084000008");
	cvc_apdu_internal_authenticate(&a, two_s, 256);
	expect_built(&a, "0088000002abcd00");
	cvc_apdu_external_authenticate(&a, two_s);
	expect_built(&a, "0082000002abcd");
	cvc_apdu_mse_set(&a, 0x81, 0xB6, two_s);
	expect_built(&a, "002281b602abcd");
	cvc_apdu_pso_verify_certificate(&a, two_s);
	expect_built(&a, "002a00be02abcd");
	cvc_apdu_generate_key_pair(&a, 0x80, 0x00, two_s, 256);
	expect_built(&a, "0047800002abcd00");
	cvc_apdu_verify_pin(&a, 0x81, pin_s);
	expect_built(&a, "0020008106313233343536");
}
END_TEST

/* A PSO:VERIFY CERTIFICATE body over 255 octets goes out extended. */
START_TEST(test_builder_long_certificate)
{
	cvc_apdu a;
	cvc_span body = {payload, 400};
	size_t n = 0;

	cvc_apdu_pso_verify_certificate(&a, body);
	ck_assert(cvc_apdu_needs_extended(&a));
	ck_assert_int_eq(cvc_apdu_encode(&a, enc, sizeof(enc), &n), CVC_OK);
	ck_assert_uint_eq(n, 4 + 3 + 400);
	ck_assert(cvc_test_bytes_are_hex(enc, 7, "002a00be000190"));
}
END_TEST

static Suite *apdu_suite(void)
{
	Suite *s = suite_create("apdu");
	TCase *e = tcase_create("encode");
	TCase *d = tcase_create("decode");
	TCase *r = tcase_create("response");
	TCase *w = tcase_create("sw");
	TCase *b = tcase_create("builders");

	fill_payload();
	tcase_add_test(e, test_case1);
	tcase_add_test(e, test_case2_short_literal);
	tcase_add_test(e, test_case2_extended_literal);
	tcase_add_test(e, test_case3_4_literal);
	tcase_add_test(e, test_all_lengths);
	tcase_add_test(e, test_short_extended_boundary);
	tcase_add_test(e, test_encode_rejects_impossible);
	tcase_add_test(e, test_encode_sizing);
	suite_add_tcase(s, e);

	tcase_add_loop_test(d, test_decode_vectors, 0, ARRAY_LEN(good));
	tcase_add_loop_test(d, test_decode_malformed, 0, ARRAY_LEN(bad));
	tcase_add_loop_test(d, test_decode_neighbours, 0,
	                    ARRAY_LEN(neighbours));
	tcase_add_test(d, test_decode_args);
	suite_add_tcase(s, d);

	tcase_add_test(r, test_rapdu_parse);
	suite_add_tcase(s, r);

	tcase_add_loop_test(w, test_sw_words, 0, ARRAY_LEN(sw_words));
	tcase_add_test(w, test_sw_parametrised);
	tcase_add_test(w, test_sw_all_values);
	tcase_add_test(w, test_sw_small_buffers);
	suite_add_tcase(s, w);

	tcase_add_test(b, test_builders);
	tcase_add_test(b, test_builder_long_certificate);
	suite_add_tcase(s, b);
	return s;
}

int main(void)
{
	return cvc_test_run(apdu_suite());
}
