/* SPDX-License-Identifier: MIT */
/*
 * The transport-independent card core: opening by reader spec, the
 * in-process function back end, raw exchanges with logging (PIN data
 * masked), and the application-level exchange with command chaining,
 * GET RESPONSE on 61xx and a re-issue on 6Cxx (ISO/IEC 7816-4, 5.1 and
 * the status bytes 61xx / 6Cxx).
 *
 * Transport back ends (pcsc.c, nfc.c) plug in through card_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card_int.h"

/*
 * Most GET RESPONSE rounds one exchange may take: a 65536-octet answer in
 * 256-octet parts needs 256; a card asking for more is misbehaving.
 */
#define CARD_MAX_GET_RESPONSE 1024u

#define INS_GET_RESPONSE      0xC0u

/* memset that the compiler may not drop as a dead store. */
static void card_wipe(void *p, size_t n)
{
	memset(p, 0, n);
#if defined(__GNUC__) || defined(__clang__)
	__asm__ __volatile__("" : : "r"(p) : "memory");
#else
	volatile uint8_t *v = p;

	for (size_t i = 0; i < n; i++)
		v[i] = 0;
#endif
}

cvc_err cvc_card_new(const cvc_card_ops *ops, void *impl,
                     cvc_transport transport, const char *reader,
                     cvc_card **out)
{
	if (ops == NULL || ops->transmit == NULL || ops->close == NULL ||
	    out == NULL)
		return CVC_ERR_INVALID_ARG;
	*out = NULL;

	cvc_card *card = calloc(1, sizeof(*card));
	if (card == NULL)
		return CVC_ERR_NO_MEMORY;
	card->ops = ops;
	card->impl = impl;
	card->transport = transport;
	if (reader != NULL)
		snprintf(card->reader, sizeof(card->reader), "%s", reader);
	*out = card;
	return CVC_OK;
}

cvc_err cvc_card_copy_id(const uint8_t *src, size_t n, uint8_t *buf, size_t cap,
                         size_t *len)
{
	if (len == NULL || (buf == NULL && cap > 0))
		return CVC_ERR_INVALID_ARG;
	*len = n;
	if (n > cap)
		return CVC_ERR_BUFFER_TOO_SMALL;
	if (n > 0)
		memcpy(buf, src, n);
	return CVC_OK;
}

void cvc_card_free(cvc_card **card)
{
	if (card == NULL || *card == NULL)
		return;
	cvc_card *c = *card;

	c->ops->close(c);
	/* The work buffers were wiped after each exchange (card_send,
	 * collect_answer); wiping all of them here would touch every page. */
	free(c);
	*card = NULL;
}

/* ------------------------------------------------------------------ */
/* The in-process function back end                                    */

typedef struct function_impl {
	cvc_card_fn fn;
	void *ctx;
} function_impl;

static cvc_err function_transmit(cvc_card *card, const uint8_t *capdu,
                                 size_t clen, uint8_t *rapdu, size_t cap,
                                 size_t *rlen)
{
	const function_impl *f = card->impl;

	return f->fn(f->ctx, capdu, clen, rapdu, cap, rlen);
}

static void function_close(cvc_card *card)
{
	free(card->impl);
	card->impl = NULL;
}

static const cvc_card_ops function_ops = {
    .transmit = function_transmit,
    .close = function_close,
};

cvc_err cvc_card_open_function(cvc_card_fn fn, void *ctx, cvc_card **out)
{
	if (out != NULL)
		*out = NULL;
	if (fn == NULL || out == NULL)
		return CVC_ERR_INVALID_ARG;

	function_impl *f = malloc(sizeof(*f));
	if (f == NULL)
		return CVC_ERR_NO_MEMORY;
	f->fn = fn;
	f->ctx = ctx;

	cvc_err err = cvc_card_new(&function_ops, f, CVC_TRANSPORT_FUNCTION,
	                           "function", out);
	if (err != CVC_OK)
		free(f);
	return err;
}

/* ------------------------------------------------------------------ */
/* Opening by reader spec                                              */

static const char *spec_rest(const char *spec, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(spec, prefix, n) == 0 ? spec + n : NULL;
}

cvc_err cvc_card_open(const char *spec, int timeout_ms, cvc_card **out)
{
	if (out != NULL)
		*out = NULL;
	if (spec == NULL || out == NULL || timeout_ms < -1)
		return CVC_ERR_INVALID_ARG;

	const char *pcsc = spec_rest(spec, "pcsc:");
	const char *nfc = spec_rest(spec, "nfc:");

	if (pcsc != NULL) {
#ifdef CVC_HAVE_PCSC
		return cvc_pcsc_open(pcsc, timeout_ms, out);
#else
		return CVC_ERR_UNSUPPORTED;
#endif
	}
	if (nfc != NULL) {
#ifdef CVC_HAVE_NFC
		return cvc_nfc_open(nfc, timeout_ms, out);
#else
		return CVC_ERR_UNSUPPORTED;
#endif
	}
	return CVC_ERR_INVALID_ARG;
}

cvc_err cvc_card_wait(const char *spec, bool present, int timeout_ms)
{
	if (spec == NULL || timeout_ms < -1)
		return CVC_ERR_INVALID_ARG;

	const char *pcsc = spec_rest(spec, "pcsc:");
	const char *nfc = spec_rest(spec, "nfc:");

	(void)present;
	if (pcsc != NULL) {
#ifdef CVC_HAVE_PCSC
		return cvc_pcsc_wait(pcsc, present, timeout_ms);
#else
		return CVC_ERR_UNSUPPORTED;
#endif
	}
	if (nfc != NULL) {
#ifdef CVC_HAVE_NFC
		return cvc_nfc_wait(nfc, present, timeout_ms);
#else
		return CVC_ERR_UNSUPPORTED;
#endif
	}
	return CVC_ERR_INVALID_ARG;
}

typedef cvc_err (*card_list_fn)(char *buf, size_t cap, size_t *len);

/*
 * Appends one back end's list after the *total octets already there. Once
 * the buffer has overflowed, later back ends are only asked for their size.
 */
static cvc_err list_append(card_list_fn fn, char *buf, size_t cap,
                           size_t *total)
{
	bool room = *total < cap;
	size_t n = 0;
	cvc_err err =
	    fn(room ? buf + *total : NULL, room ? cap - *total : 0, &n);

	if (err != CVC_OK && err != CVC_ERR_BUFFER_TOO_SMALL)
		return err;
	*total += n;
	return CVC_OK;
}

cvc_err cvc_readers_list(char *buf, size_t cap, size_t *len)
{
	if (len == NULL || (buf == NULL && cap > 0))
		return CVC_ERR_INVALID_ARG;
	size_t total = 0;
	cvc_err err = CVC_OK;

	if (cap > 0)
		buf[0] = '\0';
#ifdef CVC_HAVE_PCSC
	err = list_append(cvc_pcsc_list, buf, cap, &total);
#endif
#ifdef CVC_HAVE_NFC
	if (err == CVC_OK)
		err = list_append(cvc_nfc_list, buf, cap, &total);
#endif
	(void)list_append;
	*len = total;
	if (err != CVC_OK)
		return err;
	return total < cap ? CVC_OK : CVC_ERR_BUFFER_TOO_SMALL;
}

/* ------------------------------------------------------------------ */
/* Identification and session control                                  */

cvc_transport cvc_card_transport(const cvc_card *card)
{
	return card != NULL ? card->transport : CVC_TRANSPORT_FUNCTION;
}

const char *cvc_card_reader(const cvc_card *card)
{
	return card != NULL ? card->reader : "";
}

typedef cvc_err (*card_id_fn)(const cvc_card *card, uint8_t *buf, size_t cap,
                              size_t *len);

static cvc_err card_id(const cvc_card *card, card_id_fn fn, uint8_t *buf,
                       size_t cap, size_t *len)
{
	if (card == NULL || len == NULL || (buf == NULL && cap > 0))
		return CVC_ERR_INVALID_ARG;
	*len = 0;
	if (fn == NULL)
		return CVC_OK;
	return fn(card, buf, cap, len);
}

cvc_err cvc_card_atr(const cvc_card *card, uint8_t *buf, size_t cap,
                     size_t *len)
{
	return card_id(card, card != NULL ? card->ops->atr : NULL, buf, cap,
	               len);
}

cvc_err cvc_card_uid(const cvc_card *card, uint8_t *buf, size_t cap,
                     size_t *len)
{
	return card_id(card, card != NULL ? card->ops->uid : NULL, buf, cap,
	               len);
}

cvc_err cvc_card_ats(const cvc_card *card, uint8_t *buf, size_t cap,
                     size_t *len)
{
	return card_id(card, card != NULL ? card->ops->ats : NULL, buf, cap,
	               len);
}

cvc_err cvc_card_reset(cvc_card *card)
{
	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	if (card->ops->reset == NULL)
		return CVC_ERR_UNSUPPORTED;
	return card->ops->reset(card);
}

cvc_err cvc_card_begin(cvc_card *card)
{
	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	return card->ops->begin != NULL ? card->ops->begin(card) : CVC_OK;
}

cvc_err cvc_card_end(cvc_card *card)
{
	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	return card->ops->end != NULL ? card->ops->end(card) : CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Logging                                                             */

void cvc_card_set_log(cvc_card *card, cvc_card_log_fn fn, void *ctx)
{
	if (card == NULL)
		return;
	card->log_fn = fn;
	card->log_ctx = ctx;
}

/*
 * VERIFY (20/21), CHANGE REFERENCE DATA (24/25) and RESET RETRY COUNTER
 * (2C/2D) carry PINs and PUKs in their data field (7816-4); the odd INS
 * are the BER-TLV variants.
 */
static bool ins_carries_pin(uint8_t ins)
{
	uint8_t even = (uint8_t)(ins & 0xFE);

	return even == 0x20 || even == 0x24 || even == 0x2C;
}

/* Replaces the data field of a command by '*'; all after the header when
 * the command does not decode. */
static void mask_command_data(uint8_t *capdu, size_t clen)
{
	cvc_apdu parsed;

	if (cvc_apdu_decode(capdu, clen, &parsed, NULL) == CVC_OK) {
		if (parsed.data.len > 0)
			memset(capdu + (parsed.data.data - capdu), '*',
			       parsed.data.len);
		return;
	}
	if (clen > 4)
		memset(capdu + 4, '*', clen - 4);
}

static void log_command(cvc_card *card, const uint8_t *capdu, size_t clen)
{
	if (card->log_fn == NULL)
		return;
	if (clen < 2 || !ins_carries_pin(capdu[1])) {
		card->log_fn(card->log_ctx, true, capdu, clen);
		return;
	}
	memcpy(card->log_copy, capdu, clen);
	mask_command_data(card->log_copy, clen);
	card->log_fn(card->log_ctx, true, card->log_copy, clen);
	card_wipe(card->log_copy, clen);
}

static void log_hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, i == 0 ? "%02X" : " %02X", p[i]);
}

void cvc_card_log_stderr(void *file, bool is_command, const uint8_t *apdu,
                         size_t len)
{
	FILE *f = file != NULL ? file : stderr;
	char text[96];

	if (apdu == NULL)
		len = 0;
	if (is_command || len < 2) {
		fputs(is_command ? "> " : "< ", f);
		log_hex(f, apdu, len);
		fputs(is_command ? "\n" : " (no status word)\n", f);
		return;
	}
	uint16_t sw = (uint16_t)((apdu[len - 2] << 8) | apdu[len - 1]);

	fputs("< ", f);
	if (len > 2) {
		log_hex(f, apdu, len - 2);
		fputc(' ', f);
	}
	fprintf(f, "%02X %02X (%s)\n", apdu[len - 2], apdu[len - 1],
	        cvc_sw_text(sw, text, sizeof(text)));
}

/* ------------------------------------------------------------------ */
/* Exchanges                                                           */

cvc_err cvc_card_transmit_raw(cvc_card *card, const uint8_t *capdu, size_t clen,
                              uint8_t *rapdu, size_t cap, size_t *rlen)
{
	if (card == NULL || capdu == NULL || rapdu == NULL || rlen == NULL)
		return CVC_ERR_INVALID_ARG;
	*rlen = 0;
	if (clen < 4 || clen > CVC_APDU_MAX_SIZE)
		return CVC_ERR_INVALID_ARG;

	log_command(card, capdu, clen);

	size_t n = 0;
	cvc_err err = card->ops->transmit(card, capdu, clen, rapdu, cap, &n);

	if (err != CVC_OK)
		return err;
	if (n > cap)
		return CVC_ERR_TRANSPORT; /* a back end overran the buffer */
	if (n < 2)
		return CVC_ERR_APDU; /* no SW1 SW2 */
	*rlen = n;
	if (card->log_fn != NULL)
		card->log_fn(card->log_ctx, false, rapdu, n);
	return CVC_OK;
}

/* Encodes cmd into card->cmd and exchanges it; the response is in
 * card->raw[0..*rlen). The command (PINs, keys) does not stay behind. */
static cvc_err card_send(cvc_card *card, const cvc_apdu *cmd, size_t *rlen)
{
	size_t clen = 0;
	cvc_err err = cvc_apdu_encode(cmd, card->cmd, sizeof(card->cmd), &clen);

	if (err != CVC_OK)
		return err;
	err = cvc_card_transmit_raw(card, card->cmd, clen, card->raw,
	                            sizeof(card->raw), rlen);
	card_wipe(card->cmd, clen);
	return err;
}

static uint16_t raw_sw(const cvc_card *card, size_t rlen)
{
	return (uint16_t)((card->raw[rlen - 2] << 8) | card->raw[rlen - 1]);
}

/*
 * GET RESPONSE goes out on the logical channel of the command it
 * continues (7816-4 class byte: channel number in the CLA), without secure
 * messaging or chaining bits.
 */
static uint8_t get_response_cla(uint8_t cla)
{
	if ((cla & 0xE0) == 0x00)
		return (uint8_t)(cla & 0x03); /* first interindustry */
	if ((cla & 0xC0) == 0x40)
		return (uint8_t)(0x40 | (cla & 0x0F)); /* further */
	return 0x00;
}

static size_t sw2_count(uint16_t sw)
{
	return (sw & 0xFF) == 0 ? 256u : (sw & 0xFFu);
}

/*
 * Sends all chunks but the last with the chaining bit (7816-4 command
 * chaining, CLA b5).
 * Each must be acknowledged with 9000; any other status ends the chain
 * and becomes the answer (*done, *rlen). Otherwise *last is the final
 * chunk, still to be sent.
 */
static cvc_err send_chain_head(cvc_card *card, const cvc_apdu *cmd,
                               size_t chunk, cvc_apdu *last, bool *done,
                               size_t *rlen)
{
	size_t off = 0;

	*last = *cmd;
	*done = false;
	while (cmd->data.len - off > chunk) {
		cvc_apdu part = *cmd;

		part.cla = (uint8_t)(cmd->cla | CVC_APDU_CLA_CHAINING);
		part.data.data = cmd->data.data + off;
		part.data.len = chunk;
		part.le = 0;
		cvc_err err = card_send(card, &part, rlen);
		if (err != CVC_OK)
			return err;
		off += chunk;
		if (raw_sw(card, *rlen) != CVC_SW_OK) {
			*last = part;
			*done = true;
			return CVC_OK;
		}
		card_wipe(card->raw, *rlen);
	}
	last->data.data = cmd->data.len > 0 ? cmd->data.data + off : NULL;
	last->data.len = cmd->data.len - off;
	return CVC_OK;
}

typedef struct card_answer {
	uint8_t *resp;
	size_t cap;
	size_t len;
} card_answer;

static cvc_err answer_append(card_answer *a, const uint8_t *p, size_t n)
{
	if (n > a->cap - a->len)
		return CVC_ERR_BUFFER_TOO_SMALL;
	if (n > 0)
		memcpy(a->resp + a->len, p, n);
	a->len += n;
	return CVC_OK;
}

/*
 * Collects the answer to *last, whose response is in card->raw: one
 * re-issue with Le = xx on 6Cxx, then GET RESPONSE with Le = xx
 * while the card says 61xx, concatenating the data. *sw is the final SW.
 */
static cvc_err collect_answer(cvc_card *card, cvc_apdu *last, size_t rlen,
                              card_answer *ans, uint16_t *sw)
{
	bool reissued = false;
	unsigned rounds = 0;
	cvc_err err;

	for (;;) {
		*sw = raw_sw(card, rlen);
		if ((*sw >> 8) == 0x6C && !reissued) {
			reissued = true;
			card_wipe(card->raw, rlen);
			last->le = sw2_count(*sw);
			err = card_send(card, last, &rlen);
			if (err != CVC_OK)
				return err;
			continue;
		}
		err = answer_append(ans, card->raw, rlen - 2);
		card_wipe(card->raw, rlen);
		if (err != CVC_OK || (*sw >> 8) != 0x61)
			return err;
		if (++rounds > CARD_MAX_GET_RESPONSE)
			return CVC_ERR_APDU;

		cvc_apdu gr = {.cla = get_response_cla(last->cla),
		               .ins = INS_GET_RESPONSE,
		               .le = sw2_count(*sw)};
		*last = gr;
		err = card_send(card, last, &rlen);
		if (err != CVC_OK)
			return err;
	}
}

cvc_err cvc_card_transmit(cvc_card *card, const cvc_apdu *cmd, size_t max_chunk,
                          uint8_t *resp, size_t cap, cvc_rapdu *out)
{
	if (out != NULL) {
		out->data.data = resp;
		out->data.len = 0;
		out->sw = 0;
	}
	if (card == NULL || cmd == NULL || out == NULL ||
	    (resp == NULL && cap > 0) ||
	    (cmd->data.data == NULL && cmd->data.len > 0))
		return CVC_ERR_INVALID_ARG;
	if (cmd->data.len > CVC_APDU_MAX_EXT_LC ||
	    cmd->le > CVC_APDU_MAX_EXT_LE)
		return CVC_ERR_APDU;

	/* Default: 255-octet chunks, unless the caller asked for extended
	 * length, which then carries everything in one command. */
	size_t chunk = max_chunk;
	if (chunk == 0)
		chunk =
		    cmd->extended ? CVC_APDU_MAX_EXT_LC : CVC_APDU_MAX_SHORT_LC;

	cvc_apdu last;
	bool done;
	size_t rlen = 0;
	cvc_err err = send_chain_head(card, cmd, chunk, &last, &done, &rlen);
	if (err == CVC_OK && !done)
		err = card_send(card, &last, &rlen);
	if (err != CVC_OK)
		return err;

	card_answer ans = {resp, cap, 0};
	err = collect_answer(card, &last, rlen, &ans, &out->sw);
	out->data.len = ans.len;
	return err;
}

cvc_err cvc_card_transmit_ok(cvc_card *card, const cvc_apdu *cmd, uint8_t *resp,
                             size_t cap, cvc_rapdu *out)
{
	cvc_err err = cvc_card_transmit(card, cmd, 0, resp, cap, out);

	if (err == CVC_OK && !cvc_sw_ok(out->sw))
		return CVC_ERR_CARD_STATUS;
	return err;
}
