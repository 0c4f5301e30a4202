/* SPDX-License-Identifier: MIT */
/*
 * The shared test card (see cardmodel.h for the command set).
 *
 * The card parses commands itself instead of using libcvc's APDU layer, so
 * tests compare the library against an independent implementation.
 * Behaviour follows ISO/IEC 7816-4 where the header leaves a choice:
 * 61xx / GET RESPONSE for data the card cannot return in one response (as a
 * T=0 card does), 6Cxx for a wrong Le, 6700 for a malformed command.
 */
#define _DEFAULT_SOURCE
#include "cardmodel.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CM_BUF_SIZE  65536u /* largest ECHO answer and largest BIG answer */
#define CM_CHUNK     256u   /* chunk size when answering through 61xx */
#define CM_PIN_TRIES 3u
#define CM_RNG_SEED  0x6c696263u

/* ISO 7816-4 status words the card uses */
enum {
	SW_OK = 0x9000,
	SW_WRONG_LENGTH = 0x6700,
	SW_PIN_BLOCKED = 0x6983,
	SW_CONDITIONS = 0x6985,
	SW_NOT_ENOUGH_MEMORY = 0x6a84,
	SW_FILE_NOT_FOUND = 0x6a82,
	SW_WRONG_P1P2 = 0x6a86,
	SW_DATA_NOT_FOUND = 0x6a88,
	SW_CHAINING_UNSUPPORTED = 0x6884,
	SW_INS_UNKNOWN = 0x6d00,
	SW_CLA_UNKNOWN = 0x6e00,
};

static const uint8_t card_atr[] = {
    /* TS, T0 (TD1, 8 historical bytes), TD1 (T=0, TD2), TD2 (T=1) */
    0x3b,
    0x88,
    0x80,
    0x01,
    /* historical bytes: "cvc-test" (proprietary category, ISO 7816-4 8.1.1) */
    0x63,
    0x76,
    0x63,
    0x2d,
    0x74,
    0x65,
    0x73,
    0x74,
    /* TCK: XOR of T0 .. last historical byte (ISO 7816-3 8.2.5) */
    0x44,
};

static const uint8_t card_aid[] = {0xf0, 0x6c, 0x69, 0x62,
                                   0x63, 0x76, 0x63, 0x54};
static const uint8_t card_pin[] = {'1', '2', '3', '4', '5', '6'};
static const uint8_t get_data_answer[] = {0x01, 0x02, 0x03};

struct cardmodel {
	uint8_t *chain; /* ECHO data accumulated over chained commands */
	size_t chain_len;
	uint8_t *pending; /* answer waiting for GET RESPONSE */
	size_t pending_len;
	size_t pending_off;
	unsigned pin_tries; /* persistent, like a card's EEPROM counter */
	bool pin_verified;  /* security status, lost on reset */
	uint32_t rng;
};

/* A decoded command (ISO 7816-4 5.1, short and extended forms). */
struct command {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	size_t le; /* 0: no Le field; 256 / 65536 for 00 / 0000 */
};

/* Where the answer goes. */
struct answer {
	uint8_t *buf;
	size_t cap;
	size_t *len;
};

const uint8_t *cardmodel_atr(size_t *len)
{
	if (len)
		*len = sizeof(card_atr);
	return card_atr;
}

cardmodel *cardmodel_new(void)
{
	cardmodel *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->chain = malloc(CM_BUF_SIZE);
	m->pending = malloc(CM_BUF_SIZE);
	if (!m->chain || !m->pending) {
		cardmodel_free(m);
		return NULL;
	}
	m->pin_tries = CM_PIN_TRIES;
	cardmodel_reset(m);
	return m;
}

void cardmodel_free(cardmodel *m)
{
	if (!m)
		return;
	free(m->chain);
	free(m->pending);
	free(m);
}

void cardmodel_reset(cardmodel *m)
{
	if (!m)
		return;
	m->chain_len = 0;
	m->pending_len = 0;
	m->pending_off = 0;
	m->pin_verified = false;
	/* Challenges restart after every reset, so two transports that
	 * reset the card first see the same sequence. */
	m->rng = CM_RNG_SEED;
}

static bool decode_extended(const uint8_t *a, size_t len, struct command *c)
{
	size_t n = ((size_t)a[5] << 8) | a[6];

	if (len == 7) { /* case 2E */
		c->le = n ? n : 65536;
		return true;
	}
	if (n == 0 || len < 7 + n)
		return false;
	c->data = a + 7;
	c->lc = n;
	if (len == 7 + n) /* case 3E */
		return true;
	if (len != 7 + n + 2)
		return false;
	n = ((size_t)a[7 + c->lc] << 8) | a[8 + c->lc]; /* case 4E */
	c->le = n ? n : 65536;
	return true;
}

static bool decode_command(const uint8_t *a, size_t len, struct command *c)
{
	memset(c, 0, sizeof(*c));
	if (len < 4)
		return false;
	c->cla = a[0];
	c->ins = a[1];
	c->p1 = a[2];
	c->p2 = a[3];
	if (len == 4) /* case 1 */
		return true;
	if (len == 5) { /* case 2S */
		c->le = a[4] ? a[4] : 256;
		return true;
	}
	if (a[4] == 0)
		return len >= 7 && decode_extended(a, len, c);
	c->data = a + 5;
	c->lc = a[4];
	if (len == 5 + c->lc) /* case 3S */
		return true;
	if (len != 5 + c->lc + 1)
		return false;
	c->le = a[len - 1] ? a[len - 1] : 256; /* case 4S */
	return true;
}

static cvc_err reply(struct answer *out, const uint8_t *data, size_t n,
                     uint16_t sw)
{
	*out->len = n + 2;
	if (out->cap < n + 2)
		return CVC_ERR_BUFFER_TOO_SMALL;
	if (n)
		memmove(out->buf, data, n);
	out->buf[n] = (uint8_t)(sw >> 8);
	out->buf[n + 1] = (uint8_t)sw;
	return CVC_OK;
}

static cvc_err reply_sw(struct answer *out, uint16_t sw)
{
	return reply(out, NULL, 0, sw);
}

/*
 * Returns the next part of the pending answer: all of it when Le covers
 * it, else at most min(Le, 256) octets and 61xx with what is left
 * (xx = 00 for 256 or more; ISO 7816-4 5.6).
 */
static cvc_err reply_pending(cardmodel *m, size_t le, struct answer *out)
{
	size_t left = m->pending_len - m->pending_off;
	const uint8_t *part = m->pending + m->pending_off;
	size_t n;

	if (le >= left) {
		m->pending_len = m->pending_off = 0;
		return reply(out, part, left, SW_OK);
	}
	n = le < CM_CHUNK ? le : CM_CHUNK;
	m->pending_off += n;
	left -= n;
	return reply(out, part, n, (uint16_t)(0x6100 | (left & 0xff)));
}

static cvc_err cmd_select(const struct command *c, struct answer *out)
{
	if (c->p1 != 0x04)
		return reply_sw(out, SW_WRONG_P1P2);
	if (c->lc == sizeof(card_aid) &&
	    memcmp(c->data, card_aid, sizeof(card_aid)) == 0)
		return reply_sw(out, SW_OK);
	return reply_sw(out, SW_FILE_NOT_FOUND);
}

static cvc_err cmd_get_data(const struct command *c, struct answer *out)
{
	if (c->p1 != 0x00 || c->p2 != 0x6e)
		return reply_sw(out, SW_DATA_NOT_FOUND);
	if (c->le && c->le < sizeof(get_data_answer))
		return reply_sw(out, 0x6c00 | sizeof(get_data_answer));
	return reply(out, get_data_answer, sizeof(get_data_answer), SW_OK);
}

static uint8_t next_random(cardmodel *m)
{
	/* xorshift32: reproducible, not secret (this is a test card) */
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 17;
	m->rng ^= m->rng << 5;
	return (uint8_t)(m->rng >> 24);
}

static cvc_err cmd_get_challenge(cardmodel *m, const struct command *c,
                                 struct answer *out)
{
	if (c->le == 0 || c->lc != 0)
		return reply_sw(out, SW_WRONG_LENGTH);
	*out->len = c->le + 2;
	if (out->cap < c->le + 2)
		return CVC_ERR_BUFFER_TOO_SMALL;
	for (size_t i = 0; i < c->le; i++)
		out->buf[i] = next_random(m);
	return reply(out, out->buf, c->le, SW_OK);
}

static cvc_err cmd_echo(cardmodel *m, const struct command *c,
                        struct answer *out)
{
	if (c->lc > CM_BUF_SIZE - m->chain_len) {
		m->chain_len = 0;
		return reply_sw(out, SW_NOT_ENOUGH_MEMORY);
	}
	if (c->lc)
		memcpy(m->chain + m->chain_len, c->data, c->lc);
	m->chain_len += c->lc;
	if (c->cla & CVC_APDU_CLA_CHAINING)
		return reply_sw(out, SW_OK);
	memcpy(m->pending, m->chain, m->chain_len);
	m->pending_len = m->chain_len;
	m->pending_off = 0;
	m->chain_len = 0;
	return reply_pending(m, c->le, out);
}

static cvc_err cmd_get_response(cardmodel *m, const struct command *c,
                                struct answer *out)
{
	if (m->pending_len == 0)
		return reply_sw(out, SW_CONDITIONS);
	return reply_pending(m, c->le, out);
}

static cvc_err cmd_big(cardmodel *m, const struct command *c,
                       struct answer *out)
{
	size_t total = ((size_t)c->p1 << 8) | c->p2;

	for (size_t i = 0; i < total; i++)
		m->pending[i] = (uint8_t)i;
	m->pending_len = total;
	m->pending_off = 0;
	return reply_pending(m, c->le, out);
}

static cvc_err cmd_exact(const struct command *c, struct answer *out)
{
	uint8_t data[0x10];

	if (c->le != sizeof(data))
		return reply_sw(out, 0x6c00 | sizeof(data));
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xe2 ^ i);
	return reply(out, data, sizeof(data), SW_OK);
}

/* VERIFY (ISO 7816-4 11.5.6); without data it reports the PIN status. */
static cvc_err cmd_verify(cardmodel *m, const struct command *c,
                          struct answer *out)
{
	if (c->p1 != 0x00)
		return reply_sw(out, SW_WRONG_P1P2);
	if (c->p2 != 0x81)
		return reply_sw(out, SW_DATA_NOT_FOUND);
	if (m->pin_tries == 0)
		return reply_sw(out, SW_PIN_BLOCKED);
	if (c->lc == 0)
		return reply_sw(out, m->pin_verified
		                         ? SW_OK
		                         : (uint16_t)(0x63c0 | m->pin_tries));
	if (c->lc == sizeof(card_pin) &&
	    memcmp(c->data, card_pin, sizeof(card_pin)) == 0) {
		m->pin_tries = CM_PIN_TRIES;
		m->pin_verified = true;
		return reply_sw(out, SW_OK);
	}
	m->pin_tries--;
	m->pin_verified = false;
	return reply_sw(out, (uint16_t)(0x63c0 | m->pin_tries));
}

static cvc_err cmd_sleep(const struct command *c, struct answer *out)
{
	unsigned ms = c->p1 * 100u;
	struct timespec ts = {.tv_sec = ms / 1000,
	                      .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
	return reply_sw(out, SW_OK);
}

static cvc_err dispatch(cardmodel *m, const struct command *c,
                        struct answer *out)
{
	switch (c->ins) {
	case 0xa4:
		return cmd_select(c, out);
	case 0xca:
		return cmd_get_data(c, out);
	case 0x84:
		return cmd_get_challenge(m, c, out);
	case 0xee:
		return cmd_echo(m, c, out);
	case 0xc0:
		return cmd_get_response(m, c, out);
	case 0xe0:
		return cmd_big(m, c, out);
	case 0xe2:
		return cmd_exact(c, out);
	case 0x20:
		return cmd_verify(m, c, out);
	case 0xe4:
		return cmd_sleep(c, out);
	default:
		return reply_sw(out, SW_INS_UNKNOWN);
	}
}

cvc_err cardmodel_process(void *model, const uint8_t *capdu, size_t clen,
                          uint8_t *rapdu, size_t cap, size_t *rlen)
{
	cardmodel *m = model;
	struct answer out = {rapdu, cap, rlen};
	struct command c;

	if (!m || !capdu || !rapdu || !rlen)
		return CVC_ERR_INVALID_ARG;
	if (!decode_command(capdu, clen, &c))
		return reply_sw(&out, SW_WRONG_LENGTH);
	if ((c.cla & ~CVC_APDU_CLA_CHAINING) != 0x00)
		return reply_sw(&out, SW_CLA_UNKNOWN);
	/* Any command but GET RESPONSE drops a pending answer; any command
	 * but ECHO ends a chain (ISO 7816-4 5.3.3 leaves this to the card). */
	if (c.ins != 0xc0)
		m->pending_len = m->pending_off = 0;
	if (c.ins != 0xee)
		m->chain_len = 0;
	if ((c.cla & CVC_APDU_CLA_CHAINING) && c.ins != 0xee)
		return reply_sw(&out, SW_CHAINING_UNSUPPORTED);
	return dispatch(m, &c, &out);
}
