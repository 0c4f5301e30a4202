/* SPDX-License-Identifier: MIT */
/*
 * Badge authentication: INTERNAL AUTHENTICATE (SPEC.md 5.5). The card signs
 * M_AUTH, which starts with a fixed prefix and holds a nonce of its own, so
 * the terminal never chooses more than the challenge and the card is no
 * signing oracle for certificates, requests or M_TA.
 */
#include <string.h>

#include "vbadge_int.h"

#define P1_ANY        0x00u
#define P1_NEED_PIN   0x01u
#define P2_SIGNATURE  0x00u
#define P2_WITH_CHAIN 0x01u
#define MAX_SIGNATURE 1024u

static uint8_t session_flags(const vbadge *vb)
{
	uint8_t flags = 0;

	if (vb->s.pin_verified)
		flags |= CVC_BADGE_FLAG_PIN;
	if (vb->s.terminal_authenticated)
		flags |= CVC_BADGE_FLAG_TERMINAL;
	return flags;
}

/* Signs M_AUTH into sig; false when the card cannot (no key). */
static bool sign_auth(vbadge *vb, uint8_t flags, cvc_span chr,
                      const uint8_t nonce[CVC_BADGE_NONCE_LEN],
                      cvc_span challenge, uint8_t *sig, size_t *sig_len)
{
	uint8_t msg[128];
	size_t len = 0;
	bool ok;

	ok = vb->signer != NULL &&
	     cvc_badge_auth_message(
	         flags, chr, (cvc_span){nonce, CVC_BADGE_NONCE_LEN}, challenge,
	         msg, sizeof(msg), &len) == CVC_OK &&
	     cvc_signer_sign(vb->signer, msg, len, sig, MAX_SIGNATURE,
	                     sig_len) == CVC_OK;
	vb_wipe(msg, sizeof(msg));
	return ok;
}

/* 7C { 80 nonce, 81 flags, 5F37 signature [, chain] } */
static uint16_t write_proof(vbadge *vb, const uint8_t *nonce, uint8_t flags,
                            const uint8_t *sig, size_t sig_len, bool with_chain)
{
	cvc_tlv_writer w;

	cvc_tlv_writer_init(&w, vb->out, sizeof(vb->out));
	cvc_tlv_begin(&w, 0x7C, 0);
	cvc_tlv_put(&w, 0x80, nonce, CVC_BADGE_NONCE_LEN, 0);
	cvc_tlv_put(&w, 0x81, &flags, 1, 0);
	cvc_tlv_put(&w, CVC_TAG_SIGNATURE, sig, sig_len, 0);
	if (with_chain) /* [IA-5]: exactly as GET DATA 0101 */
		cvc_tlv_put_raw(&w, vb->p.chain, vb->p.chain_len);
	cvc_tlv_end(&w);
	if (cvc_tlv_writer_finish(&w, &vb->out_len) != CVC_OK) {
		vb->out_len = 0;
		return SW_MEMORY; /* cannot happen: bounded objects */
	}
	return SW_OK;
}

uint16_t vb_int_auth(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	uint8_t nonce[CVC_BADGE_NONCE_LEN], sig[MAX_SIGNATURE];
	uint8_t flags = session_flags(vb);
	size_t sig_len = 0;
	vb_chain c;

	if ((a->p1 != P1_ANY && a->p1 != P1_NEED_PIN) ||
	    (a->p2 != P2_SIGNATURE && a->p2 != P2_WITH_CHAIN))
		return SW_WRONG_P1P2; /* [IA-4] */
	if (data.len < CVC_BADGE_CHALLENGE_MIN ||
	    data.len > CVC_BADGE_CHALLENGE_MAX)
		return SW_WRONG_LENGTH; /* [IA-2] */
	if (a->p1 == P1_NEED_PIN && !vb->s.pin_verified)
		return SW_SECURITY; /* [IA-4] */
	/* [IA-3]: a fresh nonce for every signature */
	if (!vb_chain_decode(vb->p.chain, vb->p.chain_len, &c) ||
	    !vb_random(nonce, sizeof(nonce)) ||
	    !sign_auth(vb, flags, c.badge.chr, nonce, data, sig, &sig_len))
		return SW_MEMORY;
	return write_proof(vb, nonce, flags, sig, sig_len,
	                   a->p2 == P2_WITH_CHAIN);
}
