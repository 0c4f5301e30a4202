/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for input format detection (libcvc/src/input.c).
 *
 * The hex and base64 texts are produced by small encoders in this file from
 * a real certificate and a real authenticated request, so every variant must
 * decode back to the very same octets.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/input.h>

#include "testutil.h"

struct blob {
	uint8_t *data;
	size_t len;
};

static struct blob read_test_file(const char *rel)
{
	const char *dir = getenv("CVC_TEST_DATA");
	char path[4096];
	struct blob b;

	cvc_test_path(path, sizeof(path), dir ? dir : "tests/data", rel);
	b.data = cvc_test_read_file(path, &b.len);
	ck_assert_uint_gt(b.len, 100);
	return b;
}

#define CERT_FILE                                                              \
	"cvc-corpus/bsi_tr03110_worked_example/"                               \
	"DETESTCVCA00003__is-cvca__selfsigned__87fd72de.cvcert"
#define AUTHREQ_FILE                                                           \
	"cvc-corpus/de_eid_test/"                                              \
	"DEBPRLOCAL00012__authreq__by_DEeIDASDERSC07__9f423f62.cvreq"

static struct blob cert(void)
{
	struct blob b = read_test_file(CERT_FILE);

	ck_assert_uint_eq(b.data[0], 0x7F);
	return b;
}

/* A text being built; always NUL-terminated. */
struct text {
	char buf[1 << 16];
	size_t len;
};

static void text_add(struct text *t, const char *s)
{
	size_t n = strlen(s);

	ck_assert_uint_lt(t->len + n, sizeof(t->buf));
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

struct hex_style {
	bool upper;
	const char *prefix;    /* before everything */
	const char *sep;       /* between octets */
	size_t line;           /* octets per line, 0 = one line */
	const char *linebreak; /* after each full line */
};

static void to_hex(const struct blob *b, const struct hex_style *st,
                   struct text *t)
{
	const char *digits =
	    st->upper ? "0123456789ABCDEF" : "0123456789abcdef";

	t->len = 0;
	t->buf[0] = '\0';
	text_add(t, st->prefix);
	for (size_t i = 0; i < b->len; i++) {
		char pair[3] = {digits[b->data[i] >> 4],
		                digits[b->data[i] & 15], '\0'};

		if (i > 0 && st->line && i % st->line == 0)
			text_add(t, st->linebreak);
		else if (i > 0)
			text_add(t, st->sep);
		text_add(t, pair);
	}
	text_add(t, "\n");
}

static void to_base64(const struct blob *b, size_t line, const char *eol,
                      struct text *t)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t out = 0;

	for (size_t i = 0; i < b->len; i += 3) {
		uint32_t v = (uint32_t)b->data[i] << 16;
		size_t have = b->len - i < 3 ? b->len - i : 3;
		char quad[5] = {0};

		if (have > 1)
			v |= (uint32_t)b->data[i + 1] << 8;
		if (have > 2)
			v |= b->data[i + 2];
		for (size_t k = 0; k < 4; k++)
			quad[k] = k <= have ? alphabet[(v >> (18 - 6 * k)) & 63]
			                    : '=';
		for (size_t k = 0; k < 4; k++) {
			char c[2] = {quad[k], '\0'};

			if (line && out > 0 && out % line == 0)
				text_add(t, eol);
			text_add(t, c);
			out++;
		}
	}
	text_add(t, eol);
}

static void expect_decodes_to(const char *text, size_t len,
                              const struct blob *want, cvc_input_format fmt)
{
	uint8_t *out = malloc(len + 16);
	size_t n = 0;
	cvc_input_format got = (cvc_input_format)-1;

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(
	    cvc_input_decode((const uint8_t *)text, len, out, len, &n, &got),
	    CVC_OK);
	ck_assert_int_eq(got, fmt);
	ck_assert_uint_eq(n, want->len);
	ck_assert_mem_eq(out, want->data, n);
	free(out);
}

START_TEST(test_der_passthrough)
{
	static const char *const files[] = {CERT_FILE, AUTHREQ_FILE};
	struct blob b = read_test_file(files[_i]);
	uint8_t *out = malloc(b.len);
	cvc_input_format fmt = CVC_INPUT_HEX;
	size_t n = 0;

	ck_assert(b.data[0] == 0x7F || b.data[0] == 0x67);
	ck_assert_int_eq(cvc_input_decode(b.data, b.len, out, b.len, &n, &fmt),
	                 CVC_OK);
	ck_assert_int_eq(fmt, CVC_INPUT_DER);
	ck_assert_uint_eq(n, b.len);
	ck_assert_mem_eq(out, b.data, b.len);
	free(out);
	free(b.data);
}
END_TEST

static const struct hex_style hex_styles[] = {
    {false, "", "", 0, ""},      {true, "", "", 0, ""},
    {true, "", " ", 0, ""},      {false, "", ":", 0, ""},
    {true, "", ":", 16, ":\n"},  {false, "", "", 32, "\n"},
    {true, "", " ", 16, "\r\n"}, {false, "  \n\t", "\t", 8, " \n  "},
    {false, "0x", "", 0, ""},    {true, "0X", " ", 24, "\n"},
};

START_TEST(test_hex_styles)
{
	static struct text t;
	struct blob b = cert();

	to_hex(&b, &hex_styles[_i], &t);
	expect_decodes_to(t.buf, t.len, &b, CVC_INPUT_HEX);
	free(b.data);
}
END_TEST

static const struct b64_style {
	size_t line;
	const char *eol;
	bool armour;
} b64_styles[] = {
    {0, "", false},   {64, "\n", false}, {76, "\r\n", false},
    {64, "\n", true}, {4, "\n", false},  {64, "\r\n", true},
};

START_TEST(test_base64_styles)
{
	static struct text t;
	const struct b64_style *st = &b64_styles[_i];
	struct blob b = cert();

	for (size_t cut = 0; cut < 3; cut++) {
		struct blob part = {b.data,
		                    b.len - cut}; /* all padding kinds */

		t.len = 0;
		t.buf[0] = '\0';
		if (st->armour) {
			text_add(&t, "-----BEGIN CV CERTIFICATE-----");
			text_add(&t, st->eol);
		}
		to_base64(&part, st->line, st->armour ? st->eol : "\n", &t);
		if (st->armour) {
			text_add(&t, "-----END CV CERTIFICATE-----");
			text_add(&t, st->eol);
		}
		expect_decodes_to(t.buf, t.len, &part, CVC_INPUT_BASE64);
	}
	free(b.data);
}
END_TEST

START_TEST(test_small_vectors)
{
	static const struct {
		const char *in;
		const char *out;
		size_t out_len;
		cvc_input_format fmt;
	} v[] = {
	    {"7f21", "\x7f\x21", 2, CVC_INPUT_HEX},
	    {"7F:21:00\n", "\x7f\x21\x00", 3, CVC_INPUT_HEX},
	    {" 0x7F2100 ", "\x7f\x21\x00", 3, CVC_INPUT_HEX},
	    {"fyEA", "\x7f\x21\x00", 3, CVC_INPUT_BASE64},
	    {"fyE=", "\x7f\x21", 2, CVC_INPUT_BASE64},
	    {"fw==\n", "\x7f", 1, CVC_INPUT_BASE64},
	    {"Zw==", "g", 1, CVC_INPUT_BASE64},
	    /* All hex digits in pairs: hex wins over base64. */
	    {"ABCD", "\xab\xcd", 2, CVC_INPUT_HEX},
	};

	for (size_t i = 0; i < ARRAY_LEN(v); i++) {
		uint8_t out[16];
		size_t n = 0;
		cvc_input_format fmt;

		ck_assert_int_eq(cvc_input_decode((const uint8_t *)v[i].in,
		                                  strlen(v[i].in), out,
		                                  sizeof(out), &n, &fmt),
		                 CVC_OK);
		ck_assert_int_eq(fmt, v[i].fmt);
		ck_assert_uint_eq(n, v[i].out_len);
		ck_assert_mem_eq(out, v[i].out, n);
	}
}
END_TEST

static const char *const bad_texts[] = {
    "",
    "   \n",
    "hello world!",
    "7F2",    /* odd number of hex digits */
    "7F 2 1", /* separator inside an octet */
    "7F:2",   /* odd */
    "7F2!",   /* neither hex nor base64 */
    "7F21 0", /* odd: hex, so no base64 fallback */
    "ABC DEF 01",
    "0x",       /* prefix only */
    "0x0x7F",   /* prefix twice */
    "fyE",      /* base64 without padding */
    "fyE=A===", /* data after padding */
    "f===",     /* too much padding */
    "=fyE",     /* padding first */
    "fyEAQ===", /* padding after a single sextet */
    "fyEA====", /* a group of padding only */
    "fyE=QQ==", /* data after a padded group */
    "fw==fw==", /* two padded groups */
    "fy-_",     /* URL-safe alphabet is not standard base64 */
    "-----BEGIN X-----\n-----END X-----\n", /* armour only */
    "g",
};

START_TEST(test_bad_text)
{
	const char *s = bad_texts[_i];
	uint8_t out[64];
	size_t n = 99;

	ck_assert_int_eq(cvc_input_decode((const uint8_t *)s, strlen(s), out,
	                                  sizeof(out), &n, NULL),
	                 CVC_ERR_INPUT_FORMAT);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_bad_binary)
{
	/* X.509 (30 82 ...) and other non-CVC binary is rejected, not DER. */
	static const uint8_t x509[] = {0x30, 0x82, 0x01, 0x0A, 0x02, 0x01};
	static const uint8_t nul_text[] = {'7', 'F', 0x00, '2', '1'};
	static const uint8_t utf8[] = {0xEF, 0xBB, 0xBF, '7', 'F', '2', '1'};
	uint8_t out[16];
	size_t n;

	ck_assert_int_eq(
	    cvc_input_decode(x509, sizeof(x509), out, sizeof(out), &n, NULL),
	    CVC_ERR_INPUT_FORMAT);
	ck_assert_int_eq(cvc_input_decode(nul_text, sizeof(nul_text), out,
	                                  sizeof(out), &n, NULL),
	                 CVC_ERR_INPUT_FORMAT);
	ck_assert_int_eq(
	    cvc_input_decode(utf8, sizeof(utf8), out, sizeof(out), &n, NULL),
	    CVC_ERR_INPUT_FORMAT);
}
END_TEST

START_TEST(test_0x7f_prefix_is_der_even_if_texty)
{
	/* 7F then only printable octets: still DER (7F is never text). */
	static const uint8_t in[] = {0x7F, 0x21, 0x03, 'A', 'B', 'C'};
	uint8_t out[sizeof(in)];
	cvc_input_format fmt = CVC_INPUT_HEX;
	size_t n;

	ck_assert_int_eq(
	    cvc_input_decode(in, sizeof(in), out, sizeof(out), &n, &fmt),
	    CVC_OK);
	ck_assert_int_eq(fmt, CVC_INPUT_DER);
	ck_assert_mem_eq(out, in, sizeof(in));
}
END_TEST

START_TEST(test_buffer_too_small)
{
	static struct text t;
	static const struct hex_style plain = {false, "", "", 0, ""};
	struct blob b = cert();
	uint8_t *out = malloc(b.len + 8);
	size_t n;

	to_hex(&b, &plain, &t);
	for (size_t cap = b.len - 3; cap < b.len; cap++) {
		memset(out, 0xEE, b.len + 8);
		n = 0;
		ck_assert_int_eq(cvc_input_decode((const uint8_t *)t.buf, t.len,
		                                  out, cap, &n, NULL),
		                 CVC_ERR_BUFFER_TOO_SMALL);
		ck_assert_uint_eq(n, b.len);
		for (size_t i = 0; i < b.len + 8; i++)
			ck_assert_uint_eq(out[i], 0xEE);
	}
	ck_assert_int_eq(
	    cvc_input_decode((const uint8_t *)t.buf, t.len, NULL, 0, &n, NULL),
	    CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(n, b.len);
	ck_assert_int_eq(
	    cvc_input_decode(b.data, b.len, out, b.len - 1, &n, NULL),
	    CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(n, b.len);
	free(out);
	free(b.data);
}
END_TEST

START_TEST(test_in_place)
{
	static struct text t;
	static const struct hex_style colons = {true, "0x", ":", 16, "\n"};
	struct blob b = cert();
	size_t n = 0;

	to_hex(&b, &colons, &t);
	ck_assert_int_eq(cvc_input_decode((uint8_t *)t.buf, t.len,
	                                  (uint8_t *)t.buf, t.len, &n, NULL),
	                 CVC_OK);
	ck_assert_uint_eq(n, b.len);
	ck_assert_mem_eq(t.buf, b.data, n);

	t.len = 0;
	to_base64(&b, 64, "\n", &t);
	ck_assert_int_eq(cvc_input_decode((uint8_t *)t.buf, t.len,
	                                  (uint8_t *)t.buf, t.len, &n, NULL),
	                 CVC_OK);
	ck_assert_uint_eq(n, b.len);
	ck_assert_mem_eq(t.buf, b.data, n);
	free(b.data);
}
END_TEST

START_TEST(test_format_names)
{
	ck_assert_str_eq(cvc_input_format_name(CVC_INPUT_DER), "DER");
	ck_assert_str_eq(cvc_input_format_name(CVC_INPUT_HEX), "hex");
	ck_assert_str_eq(cvc_input_format_name(CVC_INPUT_BASE64), "base64");
	ck_assert_ptr_nonnull(cvc_input_format_name((cvc_input_format)42));
}
END_TEST

static Suite *input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("detect");

	tcase_add_loop_test(tc, test_der_passthrough, 0, 2);
	tcase_add_loop_test(tc, test_hex_styles, 0, ARRAY_LEN(hex_styles));
	tcase_add_loop_test(tc, test_base64_styles, 0, ARRAY_LEN(b64_styles));
	tcase_add_test(tc, test_small_vectors);
	tcase_add_loop_test(tc, test_bad_text, 0, ARRAY_LEN(bad_texts));
	tcase_add_test(tc, test_bad_binary);
	tcase_add_test(tc, test_0x7f_prefix_is_der_even_if_texty);
	tcase_add_test(tc, test_buffer_too_small);
	tcase_add_test(tc, test_in_place);
	tcase_add_test(tc, test_format_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cvc_test_run(input_suite());
}
