/* SPDX-License-Identifier: MIT */
/*
 * APDU exchanges for the conformance suite: every command is encoded here
 * and sent with cvc_card_transmit_raw, so the suite sees each answer as the
 * card gave it (no automatic GET RESPONSE or chaining). The chaining and
 * GET RESPONSE a terminal does are done here step by step, each step
 * checked against [LEN-2] / [LEN-3].
 *
 * The last exchanges are kept in a ring and printed when a test fails.
 */
#include <stdio.h>
#include <string.h>

#include "conformance.h"

const uint8_t conf_aid[9] = {0xF0, 0x6C, 0x69, 0x62, 0x63,
                             0x76, 0x63, 0x42, 0x01};

/* libnfc's PN53x frame (libcvc nfc.c): 262 command octets, 263 answer. */
#define NFC_CAPDU_MAX 262u
#define NFC_RAPDU_MAX 263u

#define RING          12u
#define RING_SHOWN    48u /* octets of each APDU shown */

typedef struct ring_entry {
	uint8_t cmd[RING_SHOWN];
	size_t cmd_len;
	uint8_t resp[RING_SHOWN];
	size_t resp_len;
	uint16_t sw;
	bool failed;
} ring_entry;

static ring_entry ring[RING];
static size_t ring_next;

static void ring_add(const uint8_t *cmd, size_t clen, const uint8_t *resp,
                     size_t rlen, uint16_t sw, bool failed)
{
	ring_entry *e = &ring[ring_next++ % RING];

	e->cmd_len = clen;
	if (clen > 0)
		memcpy(e->cmd, cmd, clen < RING_SHOWN ? clen : RING_SHOWN);
	e->resp_len = rlen;
	if (rlen > 0)
		memcpy(e->resp, resp, rlen < RING_SHOWN ? rlen : RING_SHOWN);
	e->sw = sw;
	e->failed = failed;
}

static void print_hex(const uint8_t *p, size_t shown, size_t len)
{
	for (size_t i = 0; i < shown && i < len; i++)
		fprintf(stderr, "%02X", p[i]);
	if (len > shown)
		fprintf(stderr, "... (%zu octets)", len);
}

void io_dump_transcript(void)
{
	size_t n = ring_next < RING ? ring_next : RING;

	fprintf(stderr, "--- last %zu exchanges (oldest first):\n", n);
	for (size_t i = ring_next - n; i < ring_next; i++) {
		const ring_entry *e = &ring[i % RING];

		fprintf(stderr, "  > ");
		print_hex(e->cmd, RING_SHOWN, e->cmd_len);
		if (e->failed) {
			fprintf(stderr, "\n  < transport error\n");
			continue;
		}
		fprintf(stderr, "\n  < ");
		print_hex(e->resp, RING_SHOWN, e->resp_len);
		fprintf(stderr, "%s%04X\n", e->resp_len ? " " : "", e->sw);
	}
}

void io_raw(const uint8_t *capdu, size_t clen, conf_resp *r)
{
	static uint8_t buf[CONF_MAX_DATA + 2];
	size_t n = 0;
	cvc_err err;

	err =
	    cvc_card_transmit_raw(conf.card, capdu, clen, buf, sizeof(buf), &n);
	if (err != CVC_OK || n < 2) {
		ring_add(capdu, clen, NULL, 0, 0, true);
		conf_fail("transport: %s (answer of %zu octets)",
		          cvc_strerror(err), n);
	}
	r->len = n - 2;
	memcpy(r->data, buf, r->len);
	r->sw = (uint16_t)(buf[n - 2] << 8 | buf[n - 1]);
	ring_add(capdu, clen, r->data, r->len, r->sw, false);
}

void io_send1(const conf_cmd *c, conf_resp *r)
{
	static uint8_t capdu[CVC_APDU_MAX_SIZE];
	cvc_apdu a = {
	    .cla = c->cla,
	    .ins = c->ins,
	    .p1 = c->p1,
	    .p2 = c->p2,
	    .data = {c->data, c->len},
	    .le = c->le,
	    .extended = c->extended,
	};
	size_t n = 0;

	ck_assert_msg(cvc_apdu_encode(&a, capdu, sizeof(capdu), &n) == CVC_OK,
	              "cannot encode INS %02X", c->ins);
	io_raw(capdu, n, r);
}

void io_cmd(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
            size_t len, size_t le, conf_resp *r)
{
	conf_cmd c = {0x00, ins, p1, p2, data, len, le, false};

	io_send1(&c, r);
}

void io_expect_sw(const conf_resp *r, uint16_t sw, const char *what)
{
	if (r->sw != sw)
		conf_fail("%s: SW %04X, expected %04X", what, r->sw, sw);
}

void io_expect_empty(const conf_resp *r, uint16_t sw, const char *what)
{
	io_expect_sw(r, sw, what);
	if (r->len != 0)
		conf_fail("%s: %zu octets of data, expected none", what,
		          r->len);
}

size_t io_chain(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
                size_t len, size_t chunk, size_t le, conf_resp *r)
{
	size_t off = 0, parts = 0;

	ck_assert(chunk > 0 && chunk <= CVC_APDU_MAX_SHORT_LC);
	while (len - off > chunk) {
		conf_cmd part = {CVC_APDU_CLA_CHAINING,
		                 ins,
		                 p1,
		                 p2,
		                 data + off,
		                 chunk,
		                 0,
		                 false};

		io_send1(&part, r);
		parts++;
		if (r->sw != 0x9000)
			return parts; /* the card ended the chain */
		/* [LEN-3]: each part but the last answered 9000, no data */
		io_expect_empty(r, 0x9000, "[LEN-3] chained part");
		off += chunk;
	}
	conf_cmd last = {0x00,      ins, p1,   p2, data ? data + off : NULL,
	                 len - off, le,  false};
	io_send1(&last, r);
	return parts + 1;
}

/* Appends GET RESPONSE answers while the card says 61xx [LEN-2]. */
static void fetch_rest(conf_resp *r)
{
	conf_resp part;
	size_t rounds = 0;

	while ((r->sw & 0xFF00) == 0x6100) {
		size_t want = (r->sw & 0xFF) ? (r->sw & 0xFF) : 256;

		conf_check(++rounds < 64, "[LEN-2] endless 61xx");
		io_cmd(INS_GET_RESP, 0, 0, NULL, 0, want, &part);
		/* [LEN-2]: a full piece when more follows, else the rest */
		if ((part.sw & 0xFF00) == 0x6100 && part.len != want)
			conf_fail("[LEN-2] GET RESPONSE Le %zu gave %zu octets "
			          "and %04X",
			          want, part.len, part.sw);
		conf_check(r->len + part.len <= sizeof(r->data),
		           "answer too long");
		memcpy(r->data + r->len, part.data, part.len);
		r->len += part.len;
		r->sw = part.sw;
	}
}

void io_xchg(uint8_t ins, uint8_t p1, uint8_t p2, const uint8_t *data,
             size_t len, bool want_data, conf_resp *r)
{
	size_t le = want_data ? CVC_APDU_MAX_SHORT_LE : 0;

	io_chain(ins, p1, p2, data, len, CVC_APDU_MAX_SHORT_LC, le, r);
	if ((r->sw & 0xFF00) == 0x6100 && want_data) {
		/* [LEN-2]: Le 00 means 256: a full first piece */
		if (r->len != 256)
			conf_fail("[LEN-2] 61xx after %zu octets for Le 00",
			          r->len);
		fetch_rest(r);
	}
}

void io_select(uint16_t expected_sw, conf_resp *r)
{
	io_cmd(INS_SELECT, 0x04, 0x00, conf_aid, sizeof(conf_aid), 256, r);
	io_expect_sw(r, expected_sw, "SELECT");
}

void io_select_state(uint8_t lcs)
{
	conf_resp r;

	io_select(lcs == LCS_TERMINATED ? 0x6285 : 0x9000, &r);
}

void io_reset(void)
{
	cvc_err err = cvc_card_reset(conf.card);

	ring_add((const uint8_t *)"RESET", 5, NULL, 0, 0, err != CVC_OK);
	conf_check(err == CVC_OK, "card reset: %s", cvc_strerror(err));
}

void io_get_data(uint16_t tag, conf_resp *r)
{
	io_xchg(INS_GET_DATA, (uint8_t)(tag >> 8), (uint8_t)tag, NULL, 0, true,
	        r);
}

bool io_reader_carries_response(size_t n)
{
	return conf.nfc ? n + 2 <= NFC_RAPDU_MAX : n <= 65536;
}

bool io_reader_carries_command(size_t n)
{
	return conf.nfc ? n <= NFC_CAPDU_MAX : n <= CVC_APDU_MAX_SIZE;
}

/* ------------------------------------------------------------------ */
/* Exchanges several tests check the same way                          */

void io_put_data(uint16_t tag, const uint8_t *data, size_t len, uint16_t sw,
                 const char *what)
{
	conf_resp r;

	io_xchg(INS_PUT_DATA, (uint8_t)(tag >> 8), (uint8_t)tag, data, len,
	        false, &r);
	io_expect_empty(&r, sw, what);
}

void io_expect_bare(uint8_t ins, uint16_t sw, const char *what)
{
	conf_resp r;

	io_cmd(ins, 0x00, 0x00, NULL, 0, 0, &r);
	io_expect_empty(&r, sw, what);
}

void io_expect_object(uint16_t tag, const uint8_t *want, size_t len,
                      const char *what)
{
	conf_resp r;

	io_get_data(tag, &r);
	io_expect_sw(&r, 0x9000, what);
	conf_check(r.len == len && memcmp(r.data, want, len) == 0,
	           "%s: not the object expected", what);
}

void io_expect_select_no_data(uint16_t sw, const char *what)
{
	conf_resp r;

	/* case 3: no Le */
	io_cmd(INS_SELECT, 0x04, 0x0C, conf_aid, sizeof(conf_aid), 0, &r);
	io_expect_empty(&r, sw, what);
}

void io_expect_unknown_ins_and_cla(uint16_t tag)
{
	static const uint8_t bad_ins[] = {0xB0, 0xD6, 0xE0, 0x12, 0x0E, 0x86};
	static const uint8_t bad_cla[] = {0x80, 0x84, 0x0C, 0x01, 0x40, 0x20};
	conf_resp r;

	for (size_t i = 0; i < sizeof(bad_ins); i++)
		io_expect_bare(bad_ins[i], 0x6D00, "[GEN-4] unknown INS");
	for (size_t i = 0; i < sizeof(bad_cla); i++) {
		conf_cmd c = {bad_cla[i],   INS_GET_DATA, (uint8_t)(tag >> 8),
		              (uint8_t)tag, NULL,         0,
		              256,          false};

		io_send1(&c, &r);
		io_expect_empty(&r, 0x6E00, "[GEN-4] CLA other than 00/10");
	}
}
