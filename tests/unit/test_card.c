/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the card core (libcvc/src/card.c) through the in-process
 * function back end: command chaining, GET RESPONSE on 61xx, re-issue on
 * 6Cxx, card removal in mid-exchange, buffer bounds, the logging hook and
 * PIN masking.
 *
 * The card below is written for these tests: it records every command it
 * receives, so the tests can check what went over the "wire" octet by
 * octet, and it can be told to vanish at the Nth command. A last case runs
 * against the shared test card (tests/integration/stack/cardmodel.c), the
 * one the PC/SC and NFC tests use, which parses APDUs on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/apdu.h>
#include <cvc/card.h>

#include "cardmodel.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* The test card                                                       */
/* ------------------------------------------------------------------ */

#define TC_MAX_CMDS 2048
#define TC_MAX_DATA 70000

enum {
	INS_ECHO = 0xEE,      /* answers the (chained) data via 61xx parts */
	INS_BIG = 0xE0,       /* answers P1P2 octets i mod 256 via 61xx */
	INS_EXACT = 0xE2,     /* needs Le = 0x10, else 6C10 */
	INS_ALWAYS6C = 0xE6,  /* answers 6C08 whatever the Le */
	INS_ENDLESS = 0xE8,   /* answers one octet + 6101 forever */
	INS_STATUS = 0xEA,    /* answers SW = P1P2 */
	INS_SHORTRESP = 0xEC, /* answers a single octet (no SW) */
	INS_OVERRUN = 0xED,   /* claims more octets than the buffer holds */
	INS_VERIFY = 0x20,
	INS_GET_RESPONSE = 0xC0,
};

struct testcard {
	/* every command received, as sent */
	uint8_t *cmd[TC_MAX_CMDS];
	size_t cmd_len[TC_MAX_CMDS];
	size_t ncmd;
	size_t remove_at; /* 1-based command number that fails; 0 never */
	size_t part;      /* most octets per response before 61xx */
	bool endless;     /* GET RESPONSE never ends */
	/* chaining */
	uint8_t chain[TC_MAX_DATA];
	size_t chain_len;
	/* pending answer for GET RESPONSE */
	uint8_t pending[TC_MAX_DATA];
	size_t pending_len, pending_off;
};

static struct testcard *tc_new(void)
{
	struct testcard *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	t->part = 256;
	return t;
}

static void tc_free(struct testcard *t)
{
	for (size_t i = 0; i < t->ncmd; i++)
		free(t->cmd[i]);
	free(t);
}

static cvc_err put_sw(uint8_t *r, size_t cap, size_t n, uint16_t sw,
                      size_t *rlen)
{
	ck_assert_uint_le(n + 2, cap);
	r[n] = (uint8_t)(sw >> 8);
	r[n + 1] = (uint8_t)sw;
	*rlen = n + 2;
	return CVC_OK;
}

/* Sends the next part of the pending answer: at most min(le, part). */
static cvc_err tc_next_part(struct testcard *t, size_t le, uint8_t *r,
                            size_t cap, size_t *rlen)
{
	size_t left = t->pending_len - t->pending_off;
	size_t n = left < le ? left : le;

	if (n > t->part)
		n = t->part;
	memcpy(r, t->pending + t->pending_off, n);
	t->pending_off += n;
	left -= n;
	if (left == 0)
		return put_sw(r, cap, n, 0x9000, rlen);
	return put_sw(r, cap, n, (uint16_t)(0x6100 | (left > 255 ? 0 : left)),
	              rlen);
}

/* A new answer: sent at once when it fits Le and a part, else by 61xx. */
static cvc_err tc_answer(struct testcard *t, const cvc_apdu *a, uint8_t *r,
                         size_t cap, size_t *rlen)
{
	t->pending_off = 0;
	if (a->le == 0 && t->pending_len > 0) {
		size_t left = t->pending_len;

		return put_sw(r, cap, 0,
		              (uint16_t)(0x6100 | (left > 255 ? 0 : left)),
		              rlen);
	}
	return tc_next_part(t, a->le, r, cap, rlen);
}

static cvc_err tc_process(void *ctx, const uint8_t *capdu, size_t clen,
                          uint8_t *r, size_t cap, size_t *rlen)
{
	struct testcard *t = ctx;
	cvc_apdu a;

	ck_assert_uint_lt(t->ncmd, TC_MAX_CMDS);
	t->cmd[t->ncmd] = malloc(clen);
	ck_assert_ptr_nonnull(t->cmd[t->ncmd]);
	memcpy(t->cmd[t->ncmd], capdu, clen);
	t->cmd_len[t->ncmd] = clen;
	t->ncmd++;
	if (t->remove_at != 0 && t->ncmd >= t->remove_at)
		return CVC_ERR_CARD_REMOVED;

	if (cvc_apdu_decode(capdu, clen, &a, NULL) != CVC_OK)
		return put_sw(r, cap, 0, 0x6700, rlen);

	switch (a.ins) {
	case INS_ECHO:
		ck_assert_uint_le(t->chain_len + a.data.len, TC_MAX_DATA);
		memcpy(t->chain + t->chain_len, a.data.data, a.data.len);
		t->chain_len += a.data.len;
		if (a.cla & 0x10)
			return put_sw(r, cap, 0, 0x9000, rlen);
		memcpy(t->pending, t->chain, t->chain_len);
		t->pending_len = t->chain_len;
		t->chain_len = 0;
		return tc_answer(t, &a, r, cap, rlen);
	case INS_BIG:
		t->pending_len = ((size_t)a.p1 << 8) | a.p2;
		for (size_t i = 0; i < t->pending_len; i++)
			t->pending[i] = (uint8_t)i;
		return tc_answer(t, &a, r, cap, rlen);
	case INS_EXACT:
		if (a.le != 0x10)
			return put_sw(r, cap, 0, 0x6C10, rlen);
		for (size_t i = 0; i < 0x10; i++)
			r[i] = (uint8_t)(0xA0 + i);
		return put_sw(r, cap, 0x10, 0x9000, rlen);
	case INS_ALWAYS6C:
		return put_sw(r, cap, 0, 0x6C08, rlen);
	case INS_ENDLESS:
		t->endless = true;
		r[0] = 0x55;
		return put_sw(r, cap, 1, 0x6101, rlen);
	case INS_GET_RESPONSE:
		if (t->endless) {
			r[0] = 0x55;
			return put_sw(r, cap, 1, 0x6101, rlen);
		}
		if (t->pending_off >= t->pending_len)
			return put_sw(r, cap, 0, 0x6985, rlen);
		return tc_next_part(t, a.le, r, cap, rlen);
		return put_sw(r, cap, 1, 0x6101, rlen);
	case INS_STATUS:
		return put_sw(r, cap, 0, (uint16_t)((a.p1 << 8) | a.p2), rlen);
	case INS_SHORTRESP:
		r[0] = 0x90;
		*rlen = 1;
		return CVC_OK;
	case INS_OVERRUN:
		*rlen = cap + 1;
		return CVC_OK;
	case 0x21: /* VERIFY (BER-TLV data) */
	case 0x24: /* CHANGE REFERENCE DATA */
	case 0x2C: /* RESET RETRY COUNTER */
		return put_sw(r, cap, 0, 0x9000, rlen);
	case INS_VERIFY:
		if (a.data.len == 6 && memcmp(a.data.data, "123456", 6) == 0)
			return put_sw(r, cap, 0, 0x9000, rlen);
		return put_sw(r, cap, 0, 0x63C2, rlen);
	default:
		return put_sw(r, cap, 0, 0x6D00, rlen);
	}
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */
/* ------------------------------------------------------------------ */

static struct testcard *tc;
static cvc_card *card;
static uint8_t data[TC_MAX_DATA];
static uint8_t resp[TC_MAX_DATA];

static void setup(void)
{
	tc = tc_new();
	ck_assert_int_eq(cvc_card_open_function(tc_process, tc, &card), CVC_OK);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 1);
}

static void teardown(void)
{
	cvc_card_free(&card);
	ck_assert_ptr_null(card);
	tc_free(tc);
}

static cvc_apdu cmd(uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2, size_t lc,
                    size_t le)
{
	cvc_apdu a = {.cla = cla, .ins = ins, .p1 = p1, .p2 = p2, .le = le};

	a.data.data = lc > 0 ? data : NULL;
	a.data.len = lc;
	return a;
}

/* The i-th command the card received, decoded. */
static cvc_apdu received(size_t i)
{
	cvc_apdu a;

	ck_assert_uint_lt(i, tc->ncmd);
	ck_assert_int_eq(cvc_apdu_decode(tc->cmd[i], tc->cmd_len[i], &a, NULL),
	                 CVC_OK);
	return a;
}

/* ------------------------------------------------------------------ */
/* Function back end basics                                            */
/* ------------------------------------------------------------------ */

START_TEST(test_function_card)
{
	uint8_t buf[8];
	size_t n = 99;

	ck_assert_int_eq(cvc_card_transport(card), CVC_TRANSPORT_FUNCTION);
	ck_assert_str_eq(cvc_card_reader(card), "function");
	ck_assert_int_eq(cvc_card_atr(card, buf, sizeof(buf), &n), CVC_OK);
	ck_assert_uint_eq(n, 0);
	n = 99;
	ck_assert_int_eq(cvc_card_uid(card, NULL, 0, &n), CVC_OK);
	ck_assert_uint_eq(n, 0);
	n = 99;
	ck_assert_int_eq(cvc_card_ats(card, buf, sizeof(buf), &n), CVC_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(cvc_card_begin(card), CVC_OK);
	ck_assert_int_eq(cvc_card_end(card), CVC_OK);
	ck_assert_int_eq(cvc_card_reset(card), CVC_ERR_UNSUPPORTED);
	ck_assert_uint_eq(tc->ncmd, 0); /* none of that reached the card */
}
END_TEST

START_TEST(test_open_args)
{
	cvc_card *c = (cvc_card *)&c;

	ck_assert_int_eq(cvc_card_open_function(NULL, NULL, &c),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_card_open_function(tc_process, tc, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_card_open(NULL, 0, &c), CVC_ERR_INVALID_ARG);
	ck_assert_ptr_null(c);
	c = (cvc_card *)&c;
	ck_assert_int_eq(cvc_card_open("usb:0", 0, &c), CVC_ERR_INVALID_ARG);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(cvc_card_open("pcsc0", 0, &c), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_card_open("pcsc:0", -2, &c), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_card_wait("bogus", true, 0), CVC_ERR_INVALID_ARG);
	cvc_card_free(NULL);
	c = NULL;
	cvc_card_free(&c);
}
END_TEST

START_TEST(test_readers_list_format)
{
	char buf[8192];
	size_t len = 0;
	cvc_err err = cvc_readers_list(buf, sizeof(buf), &len);

	ck_assert_int_eq(err, CVC_OK);
	ck_assert_uint_eq(strlen(buf), len);
	/* each line is a reader spec */
	for (char *line = buf; *line != '\0';) {
		char *nl = strchr(line, '\n');

		ck_assert_ptr_nonnull(nl);
		ck_assert(strncmp(line, "pcsc:", 5) == 0 ||
		          strncmp(line, "nfc:", 4) == 0);
		line = nl + 1;
	}
	/* sizing call */
	size_t need = 0;
	err = cvc_readers_list(NULL, 0, &need);
	ck_assert_int_eq(err, CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(need, len);
	ck_assert_int_eq(cvc_readers_list(NULL, 5, &need), CVC_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_transmit_raw)
{
	uint8_t c[] = {0x00, INS_BIG, 0x01, 0x00, 0x00};
	uint8_t r[300];
	size_t n = 0;

	/* raw: the 61xx comes back as it is, no GET RESPONSE */
	c[4] = 0x10;
	ck_assert_int_eq(
	    cvc_card_transmit_raw(card, c, sizeof(c), r, sizeof(r), &n),
	    CVC_OK);
	ck_assert_uint_eq(n, 0x10 + 2);
	ck_assert_uint_eq(r[0x10], 0x61);
	ck_assert_uint_eq(r[0x11], 0xF0); /* 240 left: 256 - 16 */
	ck_assert_uint_eq(tc->ncmd, 1);
	ck_assert_uint_eq(tc->cmd_len[0], sizeof(c));
	ck_assert(memcmp(tc->cmd[0], c, sizeof(c)) == 0);

	ck_assert_int_eq(cvc_card_transmit_raw(card, c, 3, r, sizeof(r), &n),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_card_transmit_raw(NULL, c, 5, r, sizeof(r), &n),
	                 CVC_ERR_INVALID_ARG);
}
END_TEST

START_TEST(test_card_misbehaving)
{
	cvc_apdu a = cmd(0x00, INS_SHORTRESP, 0, 0, 0, 0);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out),
	    CVC_ERR_APDU);
	a.ins = INS_OVERRUN;
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out),
	    CVC_ERR_TRANSPORT);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Command chaining                                                    */
/* ------------------------------------------------------------------ */

/* Sends lc octets of ECHO and checks the chunks the card saw. */
static void check_chain(uint8_t cla, size_t lc, size_t max_chunk,
                        size_t want_chunk)
{
	cvc_apdu a = cmd(cla, INS_ECHO, 0x01, 0x02, lc, 0);
	cvc_rapdu out;
	size_t nchunks = (lc + want_chunk - 1) / want_chunk;

	if (nchunks == 0)
		nchunks = 1;
	a.le = 256;
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, max_chunk, resp, sizeof(resp), &out),
	    CVC_OK);
	ck_assert_uint_eq(out.sw, 0x9000);
	ck_assert_uint_ge(tc->ncmd, nchunks);

	size_t off = 0;
	for (size_t i = 0; i < nchunks; i++) {
		cvc_apdu got = received(i);
		bool last = i == nchunks - 1;
		size_t want_len = last ? lc - off : want_chunk;

		ck_assert_uint_eq(got.cla, last ? cla : (cla | 0x10));
		ck_assert_uint_eq(got.ins, INS_ECHO);
		ck_assert_uint_eq(got.p1, 0x01);
		ck_assert_uint_eq(got.p2, 0x02);
		ck_assert_uint_eq(got.data.len, want_len);
		ck_assert(memcmp(got.data.data, data + off, want_len) == 0);
		ck_assert_uint_eq(got.le, last ? 256 : 0);
		off += want_len;
	}
	ck_assert_uint_eq(off, lc);
	/* then only GET RESPONSE */
	for (size_t i = nchunks; i < tc->ncmd; i++)
		ck_assert_uint_eq(received(i).ins, INS_GET_RESPONSE);
	/* the card put the chain together and echoed it all */
	ck_assert_uint_eq(out.data.len, lc);
	ck_assert_ptr_eq(out.data.data, resp);
	ck_assert(memcmp(resp, data, lc) == 0);
}

START_TEST(test_chain_none_at_255)
{
	check_chain(0x00, 255, 0, 255);
	ck_assert_uint_eq(tc->ncmd, 1);
	ck_assert_uint_eq(tc->cmd_len[0], 4 + 1 + 255 + 1); /* short */
}
END_TEST

START_TEST(test_chain_256)
{
	check_chain(0x00, 256, 0, 255);
	ck_assert_uint_eq(received(1).data.len, 1);
}
END_TEST

START_TEST(test_chain_600)
{
	check_chain(0x00, 600, 0, 255); /* 255 + 255 + 90 */
	ck_assert_uint_eq(received(2).data.len, 90);
}
END_TEST

START_TEST(test_chain_exact_multiple)
{
	/* 300 = 3 x 100: no empty fourth command */
	check_chain(0x00, 300, 100, 100);
	ck_assert_uint_eq(received(2).data.len, 100);
	ck_assert_uint_eq(received(2).cla, 0x00);
}
END_TEST

START_TEST(test_chain_keeps_cla_bits)
{
	check_chain(0x0C, 20, 8, 8); /* secure messaging CLA 0C -> 1C */
	ck_assert_uint_eq(received(0).cla, 0x1C);
	ck_assert_uint_eq(received(2).cla, 0x0C);
}
END_TEST

START_TEST(test_chain_not_for_extended)
{
	cvc_apdu a = cmd(0x00, INS_ECHO, 0, 0, 600, 0);
	cvc_rapdu out;

	a.extended = true;
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(tc->cmd_len[0], 4 + 3 + 600);
	for (size_t i = 1; i < tc->ncmd; i++)
		ck_assert_uint_eq(received(i).ins, INS_GET_RESPONSE);
	ck_assert_uint_eq(out.data.len, 600);
	ck_assert_uint_eq(tc->cmd[0][4], 0x00);
	ck_assert_uint_eq(tc->cmd[0][5], 600 >> 8);
	ck_assert_uint_eq(tc->cmd[0][6], 600 & 0xFF);
}
END_TEST

START_TEST(test_chain_stops_on_error)
{
	/* VERIFY refuses chained data with 63C2 on the first chunk: the
	 * chain stops there and that status is the answer. */
	cvc_apdu a = cmd(0x00, INS_VERIFY, 0, 0x81, 20, 0);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 8, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.sw, 0x63C2);
	ck_assert_uint_eq(tc->ncmd, 1);
	ck_assert_uint_eq(tc->cmd[0][0], 0x10);
}
END_TEST

/* ------------------------------------------------------------------ */
/* GET RESPONSE and 6Cxx                                               */
/* ------------------------------------------------------------------ */

START_TEST(test_get_response_steps)
{
	/* 700 octets, parts of at most 256: 00 data + 6100, then
	 * 256 + 6100, 256 + 61BC, 188 + 9000 */
	cvc_apdu a = cmd(0x00, INS_BIG, 0x02, 0xBC, 0, 0);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.sw, 0x9000);
	ck_assert_uint_eq(out.data.len, 700);
	for (size_t i = 0; i < 700; i++)
		ck_assert_uint_eq(resp[i], (uint8_t)i);
	ck_assert_uint_eq(tc->ncmd, 4);
	ck_assert(
	    cvc_test_bytes_are_hex(tc->cmd[1], tc->cmd_len[1], "00c0000000"));
	ck_assert(
	    cvc_test_bytes_are_hex(tc->cmd[2], tc->cmd_len[2], "00c0000000"));
	ck_assert(
	    cvc_test_bytes_are_hex(tc->cmd[3], tc->cmd_len[3], "00c00000bc"));
}
END_TEST

START_TEST(test_get_response_with_data_first)
{
	/* Le 100 on a 300-octet answer in parts of 100: data arrives with
	 * 61xx and is kept */
	cvc_apdu a = cmd(0x00, INS_BIG, 0x01, 0x2C, 0, 100);
	cvc_rapdu out;

	tc->part = 100;
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.data.len, 300);
	for (size_t i = 0; i < 300; i++)
		ck_assert_uint_eq(resp[i], (uint8_t)i);
	ck_assert_uint_eq(tc->ncmd, 3);
	/* 200 left after the first part: 61 C8 */
	ck_assert_uint_eq(received(1).le, 200);
	ck_assert_uint_eq(received(2).le, 100);
}
END_TEST

START_TEST(test_get_response_channel)
{
	/* logical channel 2 (CLA 02): GET RESPONSE on the same channel */
	cvc_apdu a = cmd(0x02, INS_BIG, 0x01, 0x00, 0, 0);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(received(1).cla, 0x02);
}
END_TEST

START_TEST(test_get_response_bounded)
{
	cvc_apdu a = cmd(0x00, INS_ENDLESS, 0, 0, 0, 0);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out),
	    CVC_ERR_APDU);
	ck_assert_uint_gt(tc->ncmd, 256);  /* a long answer is allowed ... */
	ck_assert_uint_lt(tc->ncmd, 2000); /* ... an endless one is not */
}
END_TEST

START_TEST(test_6c_reissue)
{
	cvc_apdu a = cmd(0x00, INS_EXACT, 0, 0, 0, 0);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.sw, 0x9000);
	ck_assert_uint_eq(out.data.len, 0x10);
	ck_assert_uint_eq(resp[0], 0xA0);
	ck_assert_uint_eq(tc->ncmd, 2);
	ck_assert(
	    cvc_test_bytes_are_hex(tc->cmd[0], tc->cmd_len[0], "00e20000"));
	ck_assert(
	    cvc_test_bytes_are_hex(tc->cmd[1], tc->cmd_len[1], "00e2000010"));
}
END_TEST

START_TEST(test_6c_only_once)
{
	cvc_apdu a = cmd(0x00, INS_ALWAYS6C, 0, 0, 0, 4);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.sw, 0x6C08);
	ck_assert_uint_eq(tc->ncmd, 2);
	ck_assert_uint_eq(received(1).le, 8);
	ck_assert_int_eq(
	    cvc_card_transmit_ok(card, &a, resp, sizeof(resp), &out),
	    CVC_ERR_CARD_STATUS);
}
END_TEST

START_TEST(test_transmit_ok_status)
{
	cvc_apdu a = cmd(0x00, INS_STATUS, 0x6A, 0x82, 0, 0);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.sw, 0x6A82);
	ck_assert_int_eq(
	    cvc_card_transmit_ok(card, &a, resp, sizeof(resp), &out),
	    CVC_ERR_CARD_STATUS);
	ck_assert_uint_eq(out.sw, 0x6A82);
	a.p1 = 0x90;
	a.p2 = 0x00;
	ck_assert_int_eq(
	    cvc_card_transmit_ok(card, &a, resp, sizeof(resp), &out), CVC_OK);
	/* a warning is not success either */
	a.p1 = 0x62;
	a.p2 = 0x82;
	ck_assert_int_eq(
	    cvc_card_transmit_ok(card, &a, resp, sizeof(resp), &out),
	    CVC_ERR_CARD_STATUS);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Removal, bounds, arguments                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_removed_during_get_response)
{
	cvc_apdu a = cmd(0x00, INS_BIG, 0x02, 0xBC, 0, 0);
	cvc_rapdu out;

	tc->remove_at = 3; /* the second GET RESPONSE */
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out),
	    CVC_ERR_CARD_REMOVED);
	ck_assert_uint_eq(tc->ncmd, 3);
}
END_TEST

START_TEST(test_removed_during_chain)
{
	cvc_apdu a = cmd(0x00, INS_ECHO, 0, 0, 600, 0);
	cvc_rapdu out;

	tc->remove_at = 2;
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out),
	    CVC_ERR_CARD_REMOVED);
	ck_assert_uint_eq(tc->ncmd, 2); /* nothing sent after */
	ck_assert_int_eq(
	    cvc_card_transmit_ok(card, &a, resp, sizeof(resp), &out),
	    CVC_ERR_CARD_REMOVED);
}
END_TEST

START_TEST(test_buffer_too_small)
{
	cvc_apdu a = cmd(0x00, INS_BIG, 0x02, 0xBC, 0, 0);
	cvc_rapdu out;

	ck_assert_int_eq(cvc_card_transmit(card, &a, 0, resp, 699, &out),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	ck_assert_uint_le(out.data.len, 699);
	ck_assert_int_eq(cvc_card_transmit(card, &a, 0, resp, 700, &out),
	                 CVC_OK);
	ck_assert_uint_eq(out.data.len, 700);
	/* no room at all, a status-only answer is fine */
	a = cmd(0x00, INS_STATUS, 0x90, 0x00, 0, 0);
	ck_assert_int_eq(cvc_card_transmit(card, &a, 0, NULL, 0, &out), CVC_OK);
	ck_assert_uint_eq(out.sw, 0x9000);
	a = cmd(0x00, INS_EXACT, 0, 0, 0, 0x10);
	ck_assert_int_eq(cvc_card_transmit(card, &a, 0, NULL, 0, &out),
	                 CVC_ERR_BUFFER_TOO_SMALL);
}
END_TEST

START_TEST(test_transmit_args)
{
	cvc_apdu a = cmd(0x00, INS_ECHO, 0, 0, 10, 0);
	cvc_rapdu out;

	ck_assert_int_eq(cvc_card_transmit(NULL, &a, 0, resp, 1, &out),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_card_transmit(card, NULL, 0, resp, 1, &out),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_card_transmit(card, &a, 0, resp, 1, NULL),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_card_transmit(card, &a, 0, NULL, 1, &out),
	                 CVC_ERR_INVALID_ARG);
	a.data.len = 65536;
	ck_assert_int_eq(cvc_card_transmit(card, &a, 0, resp, 1, &out),
	                 CVC_ERR_APDU);
	a.data.len = 1;
	a.le = 65537;
	ck_assert_int_eq(cvc_card_transmit(card, &a, 0, resp, 1, &out),
	                 CVC_ERR_APDU);
	ck_assert_uint_eq(tc->ncmd, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Logging and PIN masking                                             */
/* ------------------------------------------------------------------ */

#define LOG_MAX 64

struct log_entry {
	bool is_command;
	uint8_t apdu[600];
	size_t len;
};

struct log {
	struct log_entry e[LOG_MAX];
	size_t n;
};

static void log_hook(void *ctx, bool is_command, const uint8_t *apdu,
                     size_t len)
{
	struct log *l = ctx;

	ck_assert_uint_lt(l->n, LOG_MAX);
	ck_assert_uint_le(len, sizeof(l->e[0].apdu));
	l->e[l->n].is_command = is_command;
	memcpy(l->e[l->n].apdu, apdu, len);
	l->e[l->n].len = len;
	l->n++;
}

static bool has_octets(const uint8_t *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return true;
	return false;
}

START_TEST(test_log_hook_sees_everything)
{
	static struct log l;
	cvc_apdu a = cmd(0x00, INS_BIG, 0x01, 0x10, 0, 0);
	cvc_rapdu out;

	memset(&l, 0, sizeof(l));
	cvc_card_set_log(card, log_hook, &l);
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	/* command, 6100, GET RESPONSE, 256 + 6110, GET RESPONSE, 16 + 9000 */
	ck_assert_uint_eq(l.n, 2 * tc->ncmd);
	ck_assert_uint_eq(tc->ncmd, 3);
	for (size_t i = 0; i < l.n; i++) {
		ck_assert(l.e[i].is_command == (i % 2 == 0));
		if (i % 2 == 0) { /* exactly what the card received */
			ck_assert_uint_eq(l.e[i].len, tc->cmd_len[i / 2]);
			ck_assert(memcmp(l.e[i].apdu, tc->cmd[i / 2],
			                 l.e[i].len) == 0);
		}
	}
	ck_assert(cvc_test_bytes_are_hex(l.e[1].apdu, l.e[1].len, "6100"));
	ck_assert_uint_eq(l.e[5].len, 16 + 2);

	/* off again */
	cvc_card_set_log(card, NULL, NULL);
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(l.n, 6);
}
END_TEST

static void check_masked(uint8_t ins, const char *secret, size_t max_chunk)
{
	static struct log l;
	cvc_apdu a = {.cla = 0x00, .ins = ins, .p1 = 0x00, .p2 = 0x81};
	cvc_rapdu out;
	size_t n = strlen(secret);

	memset(&l, 0, sizeof(l));
	a.data.data = (const uint8_t *)secret;
	a.data.len = n;
	cvc_card_set_log(card, log_hook, &l);
	ck_assert_int_eq(
	    cvc_card_transmit(card, &a, max_chunk, resp, sizeof(resp), &out),
	    CVC_OK);
	ck_assert_uint_gt(l.n, 0);

	size_t total = 0;
	for (size_t i = 0; i < l.n; i++) {
		const struct log_entry *e = &l.e[i];

		if (!e->is_command)
			continue;
		/* the card got the secret, the log only stars */
		ck_assert_uint_eq(e->len, tc->cmd_len[i / 2]);
		ck_assert(memcmp(e->apdu, tc->cmd[i / 2], 4) == 0);
		ck_assert_uint_eq(e->apdu[4], tc->cmd[i / 2][4]); /* Lc kept */
		for (size_t k = 5; k < e->len; k++)
			ck_assert_uint_eq(e->apdu[k], '*');
		total += e->len - 5;
		ck_assert(!has_octets(e->apdu, e->len, "1234"));
	}
	ck_assert_uint_eq(total, n);
	/* and the card did see the real thing */
	ck_assert(has_octets(tc->cmd[0], tc->cmd_len[0], "1234"));
}

START_TEST(test_pin_masked_verify)
{
	check_masked(0x20, "123456", 0);
	ck_assert_uint_eq(tc->ncmd, 1);
}
END_TEST

START_TEST(test_pin_masked_change)
{
	check_masked(0x24, "12345678", 0); /* old and new PIN */
}
END_TEST

START_TEST(test_pin_masked_reset_retry)
{
	check_masked(0x2C, "12349999", 0); /* PUK and new PIN */
}
END_TEST

START_TEST(test_pin_masked_odd_ins)
{
	check_masked(0x21, "1234", 0);
}
END_TEST

START_TEST(test_pin_masked_chained)
{
	check_masked(0x24, "1234567890123456", 5);
	ck_assert_uint_eq(tc->ncmd, 4);
}
END_TEST

START_TEST(test_pin_masked_malformed_raw)
{
	/* Lc claims 8, 4 octets follow: all after the header is masked */
	static struct log l;
	const uint8_t c[] = {0x00, 0x20, 0x00, 0x81, 0x08, '1', '2', '3', '4'};
	uint8_t r[16];
	size_t n;

	memset(&l, 0, sizeof(l));
	cvc_card_set_log(card, log_hook, &l);
	ck_assert_int_eq(
	    cvc_card_transmit_raw(card, c, sizeof(c), r, sizeof(r), &n),
	    CVC_OK);
	ck_assert(cvc_test_bytes_are_hex(l.e[0].apdu, l.e[0].len,
	                                 "002000812a2a2a2a2a"));
}
END_TEST

/* cvc_card_log_stderr into a memory FILE. */
static char *capture_log(const cvc_apdu *a)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	cvc_rapdu out;

	ck_assert_ptr_nonnull(f);
	cvc_card_set_log(card, cvc_card_log_stderr, f);
	ck_assert_int_eq(
	    cvc_card_transmit(card, a, 0, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_int_eq(fclose(f), 0);
	cvc_card_set_log(card, NULL, NULL);
	return text;
}

START_TEST(test_log_stderr_format)
{
	static const uint8_t pin[] = "123456";
	cvc_apdu a = cmd(0x00, INS_VERIFY, 0x00, 0x81, 0, 0);
	char want[160], swt[96];

	a.data.data = pin;
	a.data.len = 6;
	char *text = capture_log(&a);
	ck_assert_str_eq(text, "> 00 20 00 81 06 2A 2A 2A 2A 2A 2A\n"
	                       "< 90 00 (success)\n");
	free(text);

	a.data.data = (const uint8_t *)"654321";
	text = capture_log(&a);
	snprintf(want, sizeof(want), "< 63 C2 (%s)\n",
	         cvc_sw_text(0x63C2, swt, sizeof(swt)));
	ck_assert_ptr_nonnull(strstr(text, want));
	ck_assert_ptr_nonnull(strstr(text, "2 tries left"));
	ck_assert_ptr_null(strstr(text, "36 35 34"));
	free(text);

	a = cmd(0x00, INS_EXACT, 0x00, 0x00, 0, 0x10);
	text = capture_log(&a);
	ck_assert_str_eq(text, "> 00 E2 00 00 10\n"
	                       "< A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD "
	                       "AE AF 90 00 (success)\n");
	free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Against the shared test card (tests/integration/stack/cardmodel.c),  */
/* an APDU parser written apart from libcvc's                          */
/* ------------------------------------------------------------------ */

static cardmodel *model;
static cvc_card *mcard;

static void model_setup(void)
{
	model = cardmodel_new();
	ck_assert_ptr_nonnull(model);
	ck_assert_int_eq(
	    cvc_card_open_function(cardmodel_process, model, &mcard), CVC_OK);
}

static void model_teardown(void)
{
	cvc_card_free(&mcard);
	cardmodel_free(model);
}

START_TEST(test_model_select_get_data)
{
	static const uint8_t aid[] = {0xF0, 0x6C, 0x69, 0x62,
	                              0x63, 0x76, 0x63, 0x54};
	cvc_span aid_s = {aid, sizeof(aid)};
	cvc_apdu a;
	cvc_rapdu out;

	cvc_apdu_select_aid(&a, aid_s, 0x0C, 0);
	ck_assert_int_eq(
	    cvc_card_transmit_ok(mcard, &a, resp, sizeof(resp), &out), CVC_OK);
	cvc_apdu_get_data(&a, 0x006E, 256);
	ck_assert_int_eq(
	    cvc_card_transmit_ok(mcard, &a, resp, sizeof(resp), &out), CVC_OK);
	ck_assert(cvc_test_span_is_hex(out.data, "010203"));
}
END_TEST

START_TEST(test_model_get_response_and_6c)
{
	cvc_apdu a = {
	    .cla = 0x00, .ins = 0xE0, .p1 = 0x02, .p2 = 0xBC, .le = 256};
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit_ok(mcard, &a, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.data.len, 700);
	for (size_t i = 0; i < 700; i++)
		ck_assert_uint_eq(resp[i], (uint8_t)i);

	cvc_apdu e = {.cla = 0x00, .ins = 0xE2, .le = 1};
	ck_assert_int_eq(
	    cvc_card_transmit_ok(mcard, &e, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.data.len, 0x10);

	ck_assert_int_eq(cvc_card_transmit(mcard, &a, 0, resp, 699, &out),
	                 CVC_ERR_BUFFER_TOO_SMALL);
}
END_TEST

START_TEST(test_model_chained_echo)
{
	cvc_apdu a = cmd(0x00, 0xEE, 0x00, 0x00, 1000, 256);
	cvc_rapdu out;

	ck_assert_int_eq(
	    cvc_card_transmit_ok(mcard, &a, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.data.len, 1000);
	ck_assert(memcmp(resp, data, 1000) == 0);
	/* the same in one extended command */
	a.extended = true;
	ck_assert_int_eq(
	    cvc_card_transmit_ok(mcard, &a, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(out.data.len, 1000);
	ck_assert(memcmp(resp, data, 1000) == 0);
}
END_TEST

START_TEST(test_model_verify_masked)
{
	static struct log l;
	static const uint8_t wrong[] = "999999", right[] = "123456";
	cvc_span w = {wrong, 6}, r = {right, 6};
	cvc_apdu a;
	cvc_rapdu out;

	memset(&l, 0, sizeof(l));
	cvc_card_set_log(mcard, log_hook, &l);
	cvc_apdu_verify_pin(&a, 0x81, w);
	ck_assert_int_eq(
	    cvc_card_transmit_ok(mcard, &a, resp, sizeof(resp), &out),
	    CVC_ERR_CARD_STATUS);
	ck_assert_uint_eq(out.sw, 0x63C2);
	cvc_apdu_verify_pin(&a, 0x81, r);
	ck_assert_int_eq(
	    cvc_card_transmit_ok(mcard, &a, resp, sizeof(resp), &out), CVC_OK);
	ck_assert_uint_eq(l.n, 4);
	for (size_t i = 0; i < l.n; i += 2) {
		ck_assert(cvc_test_bytes_are_hex(l.e[i].apdu, l.e[i].len,
		                                 "00200081062a2a2a2a2a2a"));
	}
}
END_TEST

static Suite *card_suite(void)
{
	Suite *s = suite_create("card");
	TCase *b = tcase_create("basics");
	TCase *c = tcase_create("chaining");
	TCase *g = tcase_create("get-response");
	TCase *e = tcase_create("errors");
	TCase *l = tcase_create("logging");

	TCase *all[] = {b, c, g, e, l};
	for (size_t i = 0; i < ARRAY_LEN(all); i++)
		tcase_add_checked_fixture(all[i], setup, teardown);

	tcase_add_test(b, test_function_card);
	tcase_add_test(b, test_open_args);
	tcase_add_test(b, test_readers_list_format);
	tcase_add_test(b, test_transmit_raw);
	tcase_add_test(b, test_card_misbehaving);
	suite_add_tcase(s, b);

	tcase_add_test(c, test_chain_none_at_255);
	tcase_add_test(c, test_chain_256);
	tcase_add_test(c, test_chain_600);
	tcase_add_test(c, test_chain_exact_multiple);
	tcase_add_test(c, test_chain_keeps_cla_bits);
	tcase_add_test(c, test_chain_not_for_extended);
	tcase_add_test(c, test_chain_stops_on_error);
	suite_add_tcase(s, c);

	tcase_add_test(g, test_get_response_steps);
	tcase_add_test(g, test_get_response_with_data_first);
	tcase_add_test(g, test_get_response_channel);
	tcase_add_test(g, test_get_response_bounded);
	tcase_add_test(g, test_6c_reissue);
	tcase_add_test(g, test_6c_only_once);
	tcase_add_test(g, test_transmit_ok_status);
	suite_add_tcase(s, g);

	tcase_add_test(e, test_removed_during_get_response);
	tcase_add_test(e, test_removed_during_chain);
	tcase_add_test(e, test_buffer_too_small);
	tcase_add_test(e, test_transmit_args);
	suite_add_tcase(s, e);

	tcase_add_test(l, test_log_hook_sees_everything);
	tcase_add_test(l, test_pin_masked_verify);
	tcase_add_test(l, test_pin_masked_change);
	tcase_add_test(l, test_pin_masked_reset_retry);
	tcase_add_test(l, test_pin_masked_odd_ins);
	tcase_add_test(l, test_pin_masked_chained);
	tcase_add_test(l, test_pin_masked_malformed_raw);
	tcase_add_test(l, test_log_stderr_format);
	suite_add_tcase(s, l);

	TCase *m = tcase_create("cardmodel");
	tcase_add_checked_fixture(m, setup, teardown);
	tcase_add_checked_fixture(m, model_setup, model_teardown);
	tcase_add_test(m, test_model_select_get_data);
	tcase_add_test(m, test_model_get_response_and_6c);
	tcase_add_test(m, test_model_chained_echo);
	tcase_add_test(m, test_model_verify_masked);
	suite_add_tcase(s, m);
	return s;
}

int main(void)
{
	return cvc_test_run(card_suite());
}
