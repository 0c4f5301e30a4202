/* SPDX-License-Identifier: MIT */
/*
 * The applet's front door: decodes each command APDU, applies the checks
 * every command shares (CLA, INS, selection, life cycle table of SPEC.md 6,
 * data size), collects command chains [LEN-3], hands the command to its
 * handler, and returns the answer in one piece or through 61xx and GET
 * RESPONSE [LEN-1], [LEN-2]. SELECT and the FCI (SPEC.md 2) live here too.
 */
#include <string.h>

#include <openssl/rand.h>

#include "vbadge_int.h"

#define CLA_PLAIN        0x00u
#define INS_SELECT       0xA4u
#define INS_GET_RESPONSE 0xC0u
#define SELECT_BY_AID    0x04u
#define P2_FCI           0x00u
#define P2_NO_DATA       0x0Cu
#define APPLET_VERSION   0x0100u
#define SHORT_LE_MAX     256u

/* Life cycle states as bits, for the table of SPEC.md 6. */
enum {
	IN_BLANK = 1,
	IN_PERSONALIZED = 2,
	IN_TERMINATED = 4,
	IN_ALL = 7,
};

typedef struct command {
	uint8_t ins;
	unsigned states;  /* where the command is allowed at all [LC-5] */
	bool chainable;   /* [LEN-3] */
	vb_handler check; /* run on every part of a chain (may be NULL) */
	vb_handler run;   /* run once with the whole data */
} command;

static const command commands[] = {
    {0xCA, IN_ALL, false, NULL, vb_get_data},
    {0xDA, IN_BLANK | IN_PERSONALIZED, true, vb_put_data_check, vb_put_data},
    {0x2A, IN_PERSONALIZED, true, vb_pso_check, vb_pso_verify_cert},
    {0x84, IN_PERSONALIZED, false, NULL, vb_get_challenge},
    {0x82, IN_PERSONALIZED, true, vb_ext_auth_check, vb_ext_auth},
    {0x88, IN_PERSONALIZED, false, NULL, vb_int_auth},
    {0x20, IN_PERSONALIZED, false, NULL, vb_verify},
    {0x24, IN_PERSONALIZED, false, NULL, vb_change_pin},
    {0x2C, IN_BLANK | IN_PERSONALIZED, false, NULL, vb_reset_retry},
    {0x46, IN_BLANK | IN_PERSONALIZED, false, NULL, vb_generate},
    {0x44, IN_BLANK | IN_PERSONALIZED, false, NULL, vb_activate},
    {0xFE, IN_PERSONALIZED, false, NULL, vb_terminate},
};

/*
 * T=1; historical bytes: category 80, then the card capabilities (compact
 * TLV 73, ISO/IEC 7816-4 8.1.1.2.7): selection by full DF name, command
 * chaining and extended Lc/Le supported. TCK: XOR of T0 .. last octet.
 */
static const uint8_t atr[] = {0x3B, 0x85, 0x80, 0x01, 0x80,
                              0x73, 0x80, 0x00, 0xC0, 0xB7};

const uint8_t *vbadge_atr(size_t *len)
{
	if (len != NULL)
		*len = sizeof(atr);
	return atr;
}

/* ------------------------------------------------------------------ */
/* Session                                                             */

void vb_pending_clear(vbadge *vb)
{
	cvc_signer_free(&vb->pend_signer);
	vb_persist_wipe(&vb->pend);
}

void vb_session_clear(vbadge *vb)
{
	cvc_key_free(&vb->s.verifier.key);
	vb_pending_clear(vb); /* [LC-2]: pending objects are transient */
	vb_wipe(&vb->s, sizeof(vb->s));
}

void vbadge_reset(vbadge *vb)
{
	if (vb != NULL)
		vb_session_clear(vb);
}

cvc_badge_state vbadge_state(const vbadge *vb)
{
	return vb != NULL ? (cvc_badge_state)vb->p.lcs : CVC_BADGE_UNKNOWN;
}

bool vb_has_right(const vbadge *vb, unsigned bit)
{
	/* TR-03110-3 C.4.2: bit 0 is the LSB of the last octet */
	if (!vb->s.terminal_authenticated || bit >= 8 * CVC_MAX_CHAT_LEN)
		return false;
	return (vb->s.rights[CVC_MAX_CHAT_LEN - 1 - bit / 8] >> (bit % 8)) & 1;
}

bool vb_random(uint8_t *out, size_t n)
{
	return n <= INT32_MAX && RAND_bytes(out, (int)n) == 1;
}

uint16_t vb_respond(vbadge *vb, const uint8_t *data, size_t len)
{
	if (len > sizeof(vb->out))
		return SW_MEMORY; /* cannot happen: objects are bounded */
	memcpy(vb->out, data, len);
	vb->out_len = len;
	return SW_OK;
}

/* ------------------------------------------------------------------ */
/* FCI (SPEC.md 2)                                                     */

static uint8_t pin_tries_left(const vbadge *vb)
{
	switch (vb->p.lcs) {
	case CVC_BADGE_PERSONALIZED:
		return vb->p.pin_tries;
	case CVC_BADGE_BLANK:
		return vb->pend.has_pin ? VB_PIN_TRIES : 0;
	default:
		return 0; /* erased on termination */
	}
}

static void put_u16(cvc_tlv_writer *w, uint32_t tag, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	cvc_tlv_put(w, tag, b, sizeof(b), 0);
}

size_t vb_status_template(const vbadge *vb, uint8_t *out, size_t cap)
{
	uint8_t tries = pin_tries_left(vb), date[6];
	cvc_tlv_writer w;
	size_t len = 0;

	cvc_tlv_writer_init(&w, out, cap);
	cvc_tlv_begin(&w, 0xA5, 0);
	cvc_tlv_put(&w, 0x80, &vb->p.lcs, 1, 0);
	put_u16(&w, 0x81, APPLET_VERSION);
	cvc_tlv_put(&w, 0x82, &tries, 1, 0);
	put_u16(&w, 0x83, VB_MAX_DATA);
	put_u16(&w, 0x84, VB_MAX_DATA);
	if (vb->p.has_date && cvc_date_encode(&vb->p.date, date) == CVC_OK)
		cvc_tlv_put(&w, 0x85, date, sizeof(date), 0);
	cvc_tlv_end(&w);
	return cvc_tlv_writer_finish(&w, &len) == CVC_OK ? len : 0;
}

static void write_fci(vbadge *vb)
{
	uint8_t status[64];
	size_t n = vb_status_template(vb, status, sizeof(status));
	cvc_tlv_writer w;

	cvc_tlv_writer_init(&w, vb->out, sizeof(vb->out));
	cvc_tlv_begin(&w, 0x6F, 0);
	cvc_tlv_put(&w, 0x84, (const uint8_t *)CVC_BADGE_AID, CVC_BADGE_AID_LEN,
	            0);
	cvc_tlv_put_raw(&w, status, n);
	cvc_tlv_end(&w);
	if (cvc_tlv_writer_finish(&w, &vb->out_len) != CVC_OK)
		vb->out_len = 0;
}

/* [SEL-1] .. [SEL-4] */
static uint16_t select_applet(vbadge *vb, const cvc_apdu *a)
{
	if (a->p1 != SELECT_BY_AID || (a->p2 != P2_FCI && a->p2 != P2_NO_DATA))
		return SW_WRONG_P1P2;
	vb_session_clear(vb);
	if (a->data.len != CVC_BADGE_AID_LEN ||
	    memcmp(a->data.data, CVC_BADGE_AID, CVC_BADGE_AID_LEN) != 0)
		return SW_NOT_FOUND; /* and stays deselected [SEL-3] */
	vb->s.selected = true;
	if (a->p2 == P2_FCI)
		write_fci(vb);
	return vb->p.lcs == CVC_BADGE_TERMINATED ? SW_TERMINATED : SW_OK;
}

/* ------------------------------------------------------------------ */
/* Chaining and GET RESPONSE                                           */

static void drop_chain(vbadge *vb)
{
	vb_wipe(vb->s.chain_buf, vb->s.chain_len);
	vb->s.chaining = false;
	vb->s.chain_len = 0;
}

static void drop_rest(vbadge *vb)
{
	vb_wipe(vb->s.rest, vb->s.rest_len);
	vb->s.has_rest = false;
	vb->s.rest_len = vb->s.rest_off = 0;
}

static bool continues_chain(const vbadge *vb, const cvc_apdu *a)
{
	return (a->cla == CLA_PLAIN || a->cla == CVC_APDU_CLA_CHAINING) &&
	       a->ins == vb->s.chain_ins && a->p1 == vb->s.chain_p1 &&
	       a->p2 == vb->s.chain_p2;
}

/* Adds one part; the whole chain may not exceed FCI 83 [LEN-3]. */
static uint16_t append_part(vbadge *vb, const cvc_apdu *a)
{
	vb_session *s = &vb->s;

	if (a->data.len > VB_MAX_DATA - s->chain_len) {
		drop_chain(vb);
		return SW_WRONG_LENGTH;
	}
	if (a->data.len > 0)
		memcpy(s->chain_buf + s->chain_len, a->data.data, a->data.len);
	s->chain_len += a->data.len;
	s->chaining = true;
	s->chain_ins = a->ins;
	s->chain_p1 = a->p1;
	s->chain_p2 = a->p2;
	return SW_OK;
}

/* [LEN-2]: the rest of an answer, again cut to Le by finish(). */
static uint16_t get_response(vbadge *vb, const cvc_apdu *a)
{
	vb_session *s = &vb->s;
	uint16_t sw;

	if (a->cla != CLA_PLAIN)
		return SW_NO_CHAINING;
	if (!s->has_rest)
		return SW_CONDITIONS;
	if (a->p1 != 0 || a->p2 != 0) {
		drop_rest(vb);
		return SW_WRONG_P1P2;
	}
	sw = vb_respond(vb, s->rest + s->rest_off, s->rest_len - s->rest_off);
	if (sw == SW_OK)
		sw = s->rest_sw;
	drop_rest(vb);
	return sw;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */

static const command *find_command(uint8_t ins)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].ins == ins)
			return &commands[i];
	return NULL;
}

static unsigned state_bit(const vbadge *vb)
{
	switch (vb->p.lcs) {
	case CVC_BADGE_PERSONALIZED:
		return IN_PERSONALIZED;
	case CVC_BADGE_TERMINATED:
		return IN_TERMINATED;
	default:
		return IN_BLANK;
	}
}

static uint16_t run_command(vbadge *vb, const command *cmd, const cvc_apdu *a)
{
	cvc_span data = a->data;
	uint16_t sw;

	if (cmd->check != NULL && (sw = cmd->check(vb, a, data)) != SW_OK) {
		drop_chain(vb);
		return sw;
	}
	if (a->cla == CVC_APDU_CLA_CHAINING)
		return append_part(vb, a); /* answered 9000, no data */
	if (vb->s.chaining) {
		if ((sw = append_part(vb, a)) != SW_OK)
			return sw;
		data = (cvc_span){vb->s.chain_buf, vb->s.chain_len};
	}
	sw = cmd->run(vb, a, data);
	drop_chain(vb);
	return sw;
}

static uint16_t dispatch(vbadge *vb, const cvc_apdu *a)
{
	const command *cmd;
	bool chained = a->cla == CVC_APDU_CLA_CHAINING;

	if (a->ins != INS_GET_RESPONSE)
		drop_rest(vb); /* any other command discards the rest */
	if (vb->s.chaining && !continues_chain(vb, a)) {
		drop_chain(vb);
		return SW_LAST_EXPECTED; /* [LEN-3] */
	}
	if (a->cla != CLA_PLAIN && !chained)
		return SW_BAD_CLA; /* [GEN-4] */
	if (a->ins == INS_GET_RESPONSE)
		return get_response(vb, a);
	if (a->ins == INS_SELECT)
		return chained ? SW_NO_CHAINING : select_applet(vb, a);
	if ((cmd = find_command(a->ins)) == NULL)
		return SW_BAD_INS; /* [GEN-4] */
	if (chained && !cmd->chainable)
		return SW_NO_CHAINING;
	if (a->data.len > VB_MAX_DATA) {
		drop_chain(vb);
		return SW_WRONG_LENGTH; /* [LEN-4] */
	}
	if (!vb->s.selected || !(cmd->states & state_bit(vb))) {
		drop_chain(vb);
		return SW_CONDITIONS; /* [LC-5], [TERM-2] */
	}
	return run_command(vb, cmd, a);
}

/*
 * Response data one answer may carry: Le, or when the command has no Le
 * 256 (short) or FCI 84 (extended) octets, and never more than the
 * transport's buffer [LEN-1].
 */
static size_t response_limit(const cvc_apdu *a, size_t cap)
{
	size_t le = a->le;

	if (le == 0)
		le = a->extended ? VB_MAX_DATA : SHORT_LE_MAX;
	if (le > VB_MAX_DATA)
		le = VB_MAX_DATA;
	if (le > cap - 2)
		le = cap - 2;
	return le;
}

/* Data and SW into rapdu; what does not fit Le waits for GET RESPONSE. */
static void finish(vbadge *vb, uint16_t sw, size_t limit, uint8_t *rapdu,
                   size_t *rlen)
{
	size_t n = sw == SW_OK || sw == SW_TERMINATED ? vb->out_len : 0;

	if (n > limit) {
		size_t left = n - limit;

		memcpy(vb->s.rest, vb->out + limit, left);
		vb->s.has_rest = true;
		vb->s.rest_len = left;
		vb->s.rest_off = 0;
		vb->s.rest_sw = sw;
		sw =
		    (uint16_t)(0x6100u | (left > 255 ? 0 : left)); /* [LEN-2] */
		n = limit;
	}
	memcpy(rapdu, vb->out, n);
	rapdu[n] = (uint8_t)(sw >> 8);
	rapdu[n + 1] = (uint8_t)sw;
	*rlen = n + 2;
	vb_wipe(vb->out, vb->out_len);
	vb->out_len = 0;
}

cvc_err vbadge_process(void *ctx, const uint8_t *capdu, size_t clen,
                       uint8_t *rapdu, size_t cap, size_t *rlen)
{
	vbadge *vb = ctx;
	cvc_apdu a;
	uint16_t sw;

	if (vb == NULL || (capdu == NULL && clen > 0) || rapdu == NULL ||
	    rlen == NULL)
		return CVC_ERR_INVALID_ARG;
	*rlen = 0;
	if (cap < 2)
		return CVC_ERR_BUFFER_TOO_SMALL;
	vb->out_len = 0;
	if (cvc_apdu_decode(capdu, clen, &a, NULL) != CVC_OK) {
		/* not a command by ISO/IEC 7816-4 5.1: its lengths are wrong */
		drop_chain(vb);
		drop_rest(vb);
		finish(vb, SW_WRONG_LENGTH, 0, rapdu, rlen);
		return CVC_OK;
	}
	sw = dispatch(vb, &a);
	finish(vb, sw, response_limit(&a, cap), rapdu, rlen);
	return CVC_OK;
}
