/* SPDX-License-Identifier: MIT */
/*
 * The suite's own reading of SPEC.md's data formats: the FCI / status
 * template (SPEC 2), M_TA (5.4), M_AUTH and the INTERNAL AUTHENTICATE
 * answer (5.5), holder data (4.1) and PIN blocks (5.6). Written from the
 * SPEC text, independent of libcvc's badge layer, so that a bug shared by
 * the host library and the reference card still shows.
 */
#include <string.h>

#include "conformance.h"

#define TA_PREFIX   "LIBCVC-BADGE-TA-V1"   /* 18 octets */
#define AUTH_PREFIX "LIBCVC-BADGE-AUTH-V1" /* 20 octets */

/* Reads the next TLV with the tag, strictly (DER); fails the test else. */
static void next_tlv(cvc_tlv_reader *r, uint32_t tag, const char *what,
                     cvc_tlv *t)
{
	cvc_err err = cvc_tlv_get(r, tag, what, t, NULL);

	conf_check(err == CVC_OK, "%s: tag %X expected (%s)", what, tag,
	           cvc_strerror(err));
}

static void expect_len(const cvc_tlv *t, size_t len, const char *what)
{
	conf_check(t->value.len == len, "%s: %zu octets, SPEC says %zu", what,
	           t->value.len, len);
}

static size_t be16(cvc_span v)
{
	return (size_t)v.data[0] << 8 | v.data[1];
}

/* A5 value: 80 LCS, 81 version, 82 tries, 83, 84, 85 date (not BLANK). */
static void parse_a5_value(cvc_tlv_reader *r, conf_fci *fci)
{
	cvc_tlv t;

	next_tlv(r, 0x80, "[SEL-5] A5/80 life cycle status", &t);
	expect_len(&t, 1, "[SEL-5] 80");
	fci->lcs = t.value.data[0];
	conf_check(fci->lcs == LCS_BLANK || fci->lcs == LCS_PERSONALIZED ||
	               fci->lcs == LCS_TERMINATED,
	           "[SEL-5] LCS %02X is none of 03 05 0C", fci->lcs);
	next_tlv(r, 0x81, "[SEL-5] A5/81 version", &t);
	expect_len(&t, 2, "[SEL-5] 81");
	fci->version = (uint16_t)(t.value.data[0] << 8 | t.value.data[1]);
	next_tlv(r, 0x82, "[SEL-5] A5/82 PIN tries", &t);
	expect_len(&t, 1, "[SEL-5] 82");
	fci->tries = t.value.data[0];
	conf_check(fci->tries <= 3, "[SEL-5] PIN tries %u > 3", fci->tries);
	next_tlv(r, 0x83, "[SEL-5] A5/83 largest command", &t);
	expect_len(&t, 2, "[SEL-5] 83");
	fci->max_cmd = be16(t.value);
	next_tlv(r, 0x84, "[SEL-5] A5/84 largest response", &t);
	expect_len(&t, 2, "[SEL-5] 84");
	fci->max_resp = be16(t.value);
	fci->has_date = false;
	if (fci->lcs != LCS_BLANK) {
		next_tlv(r, 0x85, "[SEL-5] A5/85 card date", &t);
		expect_len(&t, 6, "[SEL-5] 85");
		conf_check(cvc_date_decode(t.value.data, &fci->date) == CVC_OK,
		           "[SEL-5] card date is not a TR-03110 date");
		fci->has_date = true;
	}
	/* a terminal ignores later objects; [SEL-5] tests count them */
	fci->unknown_objects = 0;
	while (cvc_tlv_remaining(r) > 0) {
		conf_check(cvc_tlv_next(r, &t, NULL) == CVC_OK,
		           "[SEL-5] malformed data after the objects of A5");
		fci->unknown_objects++;
	}
}

void msg_parse_status(const uint8_t *data, size_t len, conf_fci *fci)
{
	cvc_tlv_reader r, child;
	cvc_tlv a5;

	memset(fci, 0, sizeof(*fci));
	cvc_tlv_reader_init(&r, data, len, CVC_TLV_STRICT);
	next_tlv(&r, 0xA5, "[SEL-5] status template A5", &a5);
	conf_check(cvc_tlv_remaining(&r) == 0, "[SEL-5] data after A5");
	conf_check(a5.whole.len <= sizeof(fci->a5), "[SEL-5] A5 of %zu octets",
	           a5.whole.len);
	memcpy(fci->a5, a5.whole.data, a5.whole.len);
	fci->a5_len = a5.whole.len;
	cvc_tlv_reader_child(&r, &a5, &child);
	parse_a5_value(&child, fci);
}

void msg_parse_fci(const uint8_t *data, size_t len, conf_fci *fci)
{
	cvc_tlv_reader r, in6f;
	cvc_tlv t6f, aid;

	cvc_tlv_reader_init(&r, data, len, CVC_TLV_STRICT);
	next_tlv(&r, 0x6F, "[SEL-5] FCI 6F", &t6f);
	conf_check(cvc_tlv_remaining(&r) == 0, "[SEL-5] data after 6F");
	cvc_tlv_reader_child(&r, &t6f, &in6f);
	next_tlv(&in6f, 0x84, "[SEL-5] 6F/84 AID", &aid);
	conf_check(aid.value.len == sizeof(conf_aid) &&
	               memcmp(aid.value.data, conf_aid, sizeof(conf_aid)) == 0,
	           "[SEL-5] 84 is not the AID");
	msg_parse_status(in6f.data, in6f.len, fci);
}

void msg_expect_exact_v10(const conf_fci *fci)
{
	conf_check(fci->version == 0x0100, "[SEL-5] applet version %04X",
	           fci->version);
	conf_check(fci->unknown_objects == 0,
	           "[SEL-5] %zu objects after the last one of A5 (LCS %02X)",
	           fci->unknown_objects, fci->lcs);
}

bool msg_same_status(const conf_fci *a, const conf_fci *b)
{
	return a->a5_len == b->a5_len && memcmp(a->a5, b->a5, a->a5_len) == 0;
}

void msg_card_status(conf_fci *fci)
{
	conf_resp r;

	io_cmd(INS_SELECT, 0x04, 0x00, conf_aid, sizeof(conf_aid), 256, &r);
	conf_check(r.sw == 0x9000 || r.sw == 0x6285, "SELECT: %04X", r.sw);
	msg_parse_fci(r.data, r.len, fci);
	conf_check((r.sw == 0x6285) == (fci->lcs == LCS_TERMINATED),
	           "[SEL-1] SW %04X with LCS %02X", r.sw, fci->lcs);
}

void msg_select_fci(uint16_t sw, conf_fci *fci)
{
	conf_resp r;

	io_select(sw, &r);
	msg_parse_fci(r.data, r.len, fci);
}

void msg_select_exact_v10(uint16_t sw, conf_fci *fci)
{
	msg_select_fci(sw, fci);
	msg_expect_exact_v10(fci);
}

void msg_expect_status_as_fci(const conf_fci *fci)
{
	conf_resp st;
	conf_fci status;

	io_get_data(DO_STATUS, &st);
	io_expect_sw(&st, 0x9000, "GET DATA 0104");
	msg_parse_status(st.data, st.len, &status);
	msg_expect_exact_v10(&status);
	ck_assert_msg(msg_same_status(&status, fci),
	              "[SEL-5] GET DATA 0104 differs from the FCI's A5");
}

/* ------------------------------------------------------------------ */

static size_t put(uint8_t *out, size_t cap, size_t at, const void *src,
                  size_t n)
{
	ck_assert_msg(at + n <= cap, "message buffer too small");
	memcpy(out + at, src, n);
	return at + n;
}

static size_t put_byte(uint8_t *out, size_t cap, size_t at, size_t v)
{
	uint8_t b = (uint8_t)v;

	ck_assert_msg(v <= 0xFF, "len() of %zu octets", v);
	return put(out, cap, at, &b, 1);
}

size_t msg_ta(cvc_span chr, const uint8_t rpicc[16], uint8_t *out, size_t cap)
{
	size_t n = put(out, cap, 0, TA_PREFIX, strlen(TA_PREFIX));

	n = put_byte(out, cap, n, chr.len);
	n = put(out, cap, n, chr.data, chr.len);
	return put(out, cap, n, rpicc, 16);
}

size_t msg_auth(uint8_t flags, cvc_span chr, const uint8_t nonce[16],
                const uint8_t *challenge, size_t challenge_len, uint8_t *out,
                size_t cap)
{
	size_t n = put(out, cap, 0, AUTH_PREFIX, strlen(AUTH_PREFIX));

	n = put_byte(out, cap, n, flags);
	n = put_byte(out, cap, n, chr.len);
	n = put(out, cap, n, chr.data, chr.len);
	n = put(out, cap, n, nonce, 16);
	n = put_byte(out, cap, n, challenge_len);
	return put(out, cap, n, challenge, challenge_len);
}

/* DER: tag, length (short or 81 xx), value. */
static size_t put_tlv(uint8_t *out, size_t cap, size_t at, uint8_t tag,
                      const void *value, size_t len)
{
	at = put_byte(out, cap, at, tag);
	if (len > 0x7F)
		at = put_byte(out, cap, at, 0x81);
	at = put_byte(out, cap, at, len);
	return put(out, cap, at, value, len);
}

size_t msg_holder(const char *name, const char *staff, const char *dept,
                  uint8_t *out, size_t cap)
{
	uint8_t inner[256];
	size_t n = put_tlv(inner, sizeof(inner), 0, 0x80, name, strlen(name));

	n = put_tlv(inner, sizeof(inner), n, 0x81, staff, strlen(staff));
	if (dept != NULL)
		n = put_tlv(inner, sizeof(inner), n, 0x82, dept, strlen(dept));
	return put_tlv(out, cap, 0, 0x65, inner, n);
}

void msg_pin_block(const char *pin, uint8_t block[12])
{
	size_t n = strlen(pin);

	ck_assert_msg(n <= 12, "PIN too long for a block");
	memset(block, 0xFF, 12);
	memcpy(block, pin, n);
}

/* [PIN-3]: blocks that are not 6..12 digits followed only by FF. */
const char *const msg_malformed_pin_blocks[] = {
    "12345\xFF\xFF\xFF\xFF\xFF\xFF\xFF",                /* 5 digits */
    "12345A\xFF\xFF\xFF\xFF\xFF\xFF",                   /* a letter */
    "123\xFF\x34\x35\x36\xFF\xFF\xFF\xFF\xFF",          /* a gap */
    "123456\x00\x00\x00\x00\x00\x00",                   /* 00 padding */
    "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", /* no digit */
    " 123456\xFF\xFF\xFF\xFF\xFF",                      /* a space */
};
const size_t msg_n_malformed_pin_blocks =
    sizeof(msg_malformed_pin_blocks) / sizeof(msg_malformed_pin_blocks[0]);

/* ------------------------------------------------------------------ */

void msg_parse_ia(const uint8_t *data, size_t len, bool with_chain, conf_ia *ia)
{
	cvc_tlv_reader r, in;
	cvc_tlv t7c, t;

	memset(ia, 0, sizeof(*ia));
	cvc_tlv_reader_init(&r, data, len, CVC_TLV_STRICT);
	next_tlv(&r, 0x7C, "[IA-3] answer template 7C", &t7c);
	conf_check(cvc_tlv_remaining(&r) == 0, "[IA-3] data after 7C");
	cvc_tlv_reader_child(&r, &t7c, &in);
	next_tlv(&in, 0x80, "[IA-3] 7C/80 nonce", &t);
	expect_len(&t, 16, "[IA-3] nonce");
	memcpy(ia->nonce, t.value.data, 16);
	next_tlv(&in, 0x81, "[IA-3] 7C/81 flags", &t);
	expect_len(&t, 1, "[IA-3] flags");
	ia->flags = t.value.data[0];
	next_tlv(&in, 0x5F37, "[IA-3] 7C/5F37 signature", &t);
	ia->signature = t.value;
	if (with_chain) {
		const uint8_t *start = in.data;
		cvc_tlv dv;

		next_tlv(&in, 0x7F21, "[IA-5] badge certificate", &t);
		next_tlv(&in, 0x7F21, "[IA-5] DV certificate", &dv);
		ia->chain = (cvc_span){start, (size_t)(in.data - start)};
	}
	conf_check(cvc_tlv_remaining(&in) == 0,
	           "[IA-3] %zu unexpected octets at the end of 7C (P2 %s)",
	           cvc_tlv_remaining(&in), with_chain ? "01" : "00");
}
