/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the APDU layer and the card core.
 *
 * 1. The input as a command APDU (card side): when cvc_apdu_decode accepts
 *    it, the decoded command must re-encode to exactly the input octets,
 *    its spans must lie inside the input, and its case and form must agree
 *    with the length fields. When it refuses, the diagnostic must point
 *    inside the input.
 * 2. The input as a response APDU: cvc_rapdu_parse splits off the last two
 *    octets; cvc_sw_text gives a terminated text for the SW.
 * 3. The input as a card: a fixed command goes through cvc_card_transmit
 *    (chaining, GET RESPONSE, 6Cxx) to an in-process card whose answers are
 *    length-prefixed slices of the input. Whatever the card answers, the
 *    exchange ends, within the buffer, with a known error code.
 * Any broken invariant aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/apdu.h>
#include <cvc/card.h>

#include "fuzz_common.h"

static uint8_t enc[CVC_APDU_MAX_SIZE];

static void check_command(const uint8_t *data, size_t size)
{
	cvc_apdu a;
	cvc_diag diag;
	size_t n = 0;

	memset(&diag, 0, sizeof(diag));
	if (cvc_apdu_decode(data, size, &a, &diag) != CVC_OK) {
		CHECK(diag.err == CVC_ERR_APDU);
		CHECK(diag.field != NULL && diag.reason != NULL);
		CHECK(diag.offset <= size || size > CVC_APDU_MAX_SIZE);
		CHECK(a.data.len == 0 && a.le == 0);
		return;
	}
	CHECK(size >= 4);
	CHECK(a.cla == data[0] && a.ins == data[1]);
	CHECK(a.p1 == data[2] && a.p2 == data[3]);
	CHECK(a.data.len <= CVC_APDU_MAX_EXT_LC);
	CHECK(a.le <= CVC_APDU_MAX_EXT_LE);
	if (a.data.len > 0)
		CHECK(inside(a.data.data, a.data.len, data, size));
	if (cvc_apdu_needs_extended(&a))
		CHECK(a.extended);
	CHECK(cvc_apdu_case(&a) >= 1 && cvc_apdu_case(&a) <= 4);
	CHECK((cvc_apdu_case(&a) == 1) == (size == 4));

	/* round trip: the same octets, and sizing agrees */
	CHECK(cvc_apdu_encode(&a, NULL, 0, &n) == CVC_ERR_BUFFER_TOO_SMALL);
	CHECK(n == size);
	CHECK(cvc_apdu_encode(&a, enc, sizeof(enc), &n) == CVC_OK);
	CHECK(n == size);
	CHECK(memcmp(enc, data, size) == 0);
}

static void check_response(const uint8_t *data, size_t size)
{
	cvc_rapdu r;
	char text[128];

	if (cvc_rapdu_parse(data, size, &r) != CVC_OK) {
		CHECK(size < 2 || size > CVC_APDU_MAX_EXT_LE + 2);
		return;
	}
	CHECK(r.data.len == size - 2);
	CHECK(r.sw == ((data[size - 2] << 8) | data[size - 1]));
	const char *t = cvc_sw_text(r.sw, text, sizeof(text));
	CHECK(t == text);
	CHECK(strlen(t) > 0 && strlen(t) < sizeof(text));
}

/* ------------------------------------------------------------------ */
/* The input as a card                                                  */

struct script {
	const uint8_t *p;
	size_t left;
	size_t commands;
};

/* Each answer: one length octet L, then L octets (cut at the end). */
static cvc_err script_card(void *ctx, const uint8_t *capdu, size_t clen,
                           uint8_t *rapdu, size_t cap, size_t *rlen)
{
	struct script *s = ctx;

	CHECK(clen >= 4 && clen <= CVC_APDU_MAX_SIZE);
	(void)capdu;
	s->commands++;
	if (s->left == 0)
		return CVC_ERR_CARD_REMOVED;
	size_t n = s->p[0];
	s->p++;
	s->left--;
	return fuzz_answer(&s->p, &s->left, n, rapdu, cap, rlen);
}

static void count_log(void *ctx, bool is_command, const uint8_t *apdu,
                      size_t len)
{
	size_t *n = ctx;

	CHECK(apdu != NULL);
	CHECK(!is_command || len >= 4);
	(*n)++;
}

static void check_card(const uint8_t *data, size_t size)
{
	static uint8_t payload[600];
	static uint8_t resp[2048];
	/* One card for all inputs: opening one per input would spend the run
	 * in the allocator (a card holds 64 KiB work buffers). The card keeps
	 * no state between exchanges but those wiped buffers. */
	static struct script s;
	static cvc_card *card;
	static size_t logged;
	cvc_rapdu out;

	if (size < 2)
		return;
	/* first octet: command shape; second: max_chunk */
	cvc_apdu cmd = {.cla = 0x00, .ins = 0xEE, .p1 = 0, .p2 = 0};
	cmd.data.data = payload;
	cmd.data.len = (size_t)(data[0] & 0x0F) * 40;
	cmd.le = (data[0] & 0x10) ? 256 : (data[0] & 0x20) ? 300 : 0;
	cmd.extended = (data[0] & 0x40) != 0;
	if (data[0] & 0x80)
		cmd.ins = 0x20; /* masked in the log */
	size_t max_chunk = data[1] & 0x3F;
	size_t cap = (size_t)data[1] * 8;
	s.p = data + 2;
	s.left = size - 2;
	s.commands = 0;
	logged = 0;
	if (card == NULL) {
		CHECK(cvc_card_open_function(script_card, &s, &card) == CVC_OK);
		cvc_card_set_log(card, count_log, &logged);
	}
	cvc_err err = cvc_card_transmit(card, &cmd, max_chunk, resp, cap, &out);
	CHECK(err == CVC_OK || err == CVC_ERR_CARD_REMOVED ||
	      err == CVC_ERR_APDU || err == CVC_ERR_BUFFER_TOO_SMALL);
	CHECK(out.data.data == resp && out.data.len <= cap);
	CHECK(s.commands <= 1 + 600 + 1 + 1024 + 1);
	CHECK(logged <= 2 * s.commands);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_command(data, size);
	check_response(data, size);
	check_card(data, size);
	return 0;
}
