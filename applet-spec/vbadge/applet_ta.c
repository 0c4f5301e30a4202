/* SPDX-License-Identifier: MIT */
/*
 * Terminal authentication (SPEC.md 5.4, the TR-03110-3 B.3 pattern without
 * secure messaging): PSO:VERIFY CERTIFICATE walks the terminal's chain from
 * the trust anchor, GET CHALLENGE gives rPICC, EXTERNAL AUTHENTICATE checks
 * the terminal's signature over M_TA and grants its effective rights.
 */
#include <string.h>

#include "vbadge_int.h"

#define P2_VERIFY_CERT 0xBEu

/* The key that verifies the next certificate, and what it may sign. */
typedef struct issuer {
	cvc_key *key; /* owned when own_key */
	bool own_key;
	cvc_role role;
	uint8_t chat[CVC_MAX_CHAT_LEN];
} issuer;

static bool span_is(cvc_span s, const uint8_t *data, size_t len)
{
	return s.len == len && (len == 0 || memcmp(s.data, data, len) == 0);
}

static void issuer_free(issuer *is)
{
	if (is->own_key)
		cvc_key_free(&is->key);
}

/* CHAT bits right-aligned into out (bit 0 = LSB of the last octet). */
static void chat_align(const cvc_chat *chat, uint8_t out[CVC_MAX_CHAT_LEN])
{
	size_t n = chat->bits.len;

	memset(out, 0, CVC_MAX_CHAT_LEN);
	if (n > CVC_MAX_CHAT_LEN)
		n = CVC_MAX_CHAT_LEN;
	memcpy(out + CVC_MAX_CHAT_LEN - n, chat->bits.data + chat->bits.len - n,
	       n);
}

/* [TA-1]: the session's current key if its CHR is the CAR, else the
 * anchor if its CHR is; false when neither. */
static bool find_issuer(vbadge *vb, const cvc_cert *c, issuer *is)
{
	const vb_verifier *v = &vb->s.verifier;
	cvc_cert anchor;

	memset(is, 0, sizeof(*is));
	if (v->present && span_is(c->car, v->chr, v->chr_len)) {
		is->key = v->key;
		is->role = v->role;
		memcpy(is->chat, v->chat, sizeof(is->chat));
		return true;
	}
	if (cvc_cert_decode(vb->p.anchor, vb->p.anchor_len, 0, &anchor, NULL) !=
	        CVC_OK ||
	    !span_is(c->car, anchor.chr.data, anchor.chr.len) ||
	    vb_cert_key(&anchor, &vb->p, &is->key) != CVC_OK)
		return false;
	is->own_key = true;
	is->role = CVC_ROLE_CVCA;
	chat_align(&anchor.chat, is->chat);
	return true;
}

/* TR-03110-3 2.2: a CVCA issues CVCA (link) and DV certificates, a DV
 * issues terminal certificates, a terminal nothing. */
static bool may_issue(cvc_role issuer_role, cvc_role subject)
{
	switch (issuer_role) {
	case CVC_ROLE_CVCA:
		return subject != CVC_ROLE_TERMINAL;
	case CVC_ROLE_DV_DOMESTIC:
	case CVC_ROLE_DV_FOREIGN:
		return subject == CVC_ROLE_TERMINAL;
	default:
		return false;
	}
}

/* [TA-2], [DATE-3]: the checks a certificate must pass to be accepted. */
static bool acceptable(const vbadge *vb, const cvc_cert *c, const issuer *is,
                       cvc_chat_info *info)
{
	if (!vb_cert_usable(c) || cvc_chat_info_get(&c->chat, info) != CVC_OK)
		return false;
	if (info->type != CVC_TT_AT || !may_issue(is->role, info->role))
		return false;
	if (vb->p.has_date && cvc_date_cmp(&c->expiration, &vb->p.date) < 0)
		return false;
	return cvc_cert_verify_signature(c, is->key) == CVC_OK;
}

/* The 7F21 object around the command data (7F4E ... 5F37 ...). */
static bool wrap_certificate(cvc_span data, uint8_t *out, size_t cap,
                             size_t *len)
{
	cvc_tlv_writer w;

	if (data.len == 0)
		return false;
	cvc_tlv_writer_init(&w, out, cap);
	cvc_tlv_put(&w, CVC_TAG_CERT, data.data, data.len, 0);
	return cvc_tlv_writer_finish(&w, len) == CVC_OK;
}

static void set_domain(const cvc_cert *c, vb_persist *next)
{
	uint8_t domain[VB_MAX_PUBKEY];
	size_t len = 0;

	if (vb_encode_domain(c, domain, sizeof(domain), &len)) {
		memcpy(next->domain, domain, len);
		next->domain_len = len;
	}
}

/*
 * What the accepted certificate changes on the card: a link certificate
 * becomes the anchor [TA-4], a CVCA or DV certificate advances the card
 * date [DATE-2]. Returns false when nothing changes.
 */
static bool card_update(vbadge *vb, const cvc_cert *c, const uint8_t *der,
                        size_t len, cvc_role role, vb_persist *next)
{
	cvc_cert anchor;
	bool changed = false;

	if (role == CVC_ROLE_CVCA &&
	    cvc_cert_decode(vb->p.anchor, vb->p.anchor_len, 0, &anchor, NULL) ==
	        CVC_OK &&
	    span_is(c->car, anchor.chr.data, anchor.chr.len)) {
		memcpy(next->anchor, der, len);
		next->anchor_len = len;
		/* keep the old domain parameters unless the link has its own */
		if (c->key.type == CVC_KEY_RSA ||
		    cvc_pubkey_has_domain_params(&c->key))
			set_domain(c, next);
		changed = true;
	}
	if (role != CVC_ROLE_TERMINAL &&
	    (!next->has_date || cvc_date_cmp(&c->effective, &next->date) > 0)) {
		next->has_date = true;
		next->date = c->effective;
		changed = true;
	}
	return changed;
}

/* [TA-3]: the certificate becomes the current verification key. */
static void set_verifier(vbadge *vb, const cvc_cert *c, cvc_role role,
                         const issuer *is, cvc_key *key)
{
	vb_verifier *v = &vb->s.verifier;
	uint8_t own[CVC_MAX_CHAT_LEN];

	chat_align(&c->chat, own);
	cvc_key_free(&v->key);
	v->present = true;
	memcpy(v->chr, c->chr.data, c->chr.len);
	v->chr_len = c->chr.len;
	v->role = role;
	v->key = key;
	for (size_t i = 0; i < CVC_MAX_CHAT_LEN; i++)
		v->chat[i] = own[i] & is->chat[i];
}

uint16_t vb_pso_check(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	(void)vb;
	(void)data;
	return a->p1 == 0x00 && a->p2 == P2_VERIFY_CERT ? SW_OK : SW_WRONG_P1P2;
}

static uint16_t accept(vbadge *vb, const cvc_cert *c, const uint8_t *der,
                       size_t len, const cvc_chat_info *info, issuer *is)
{
	cvc_key *key = NULL;
	vb_persist *next;

	if (vb_cert_key(c, &vb->p, &key) != CVC_OK)
		return SW_CERT_UNUSABLE;
	next = vb_begin_update(vb);
	if (card_update(vb, c, der, len, info->role, next)) {
		if (vb_commit(vb) != CVC_OK) {
			cvc_key_free(&key);
			return SW_MEMORY; /* [ACT-3]: nothing changed */
		}
	} else {
		vb_persist_wipe(next);
	}
	set_verifier(vb, c, info->role, is, key);
	return SW_OK;
}

uint16_t vb_pso_verify_cert(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	uint8_t der[VB_MAX_CERT];
	size_t len = 0;
	cvc_chat_info info;
	cvc_cert c;
	issuer is;
	uint16_t sw;

	(void)a;
	if (!wrap_certificate(data, der, sizeof(der), &len) ||
	    cvc_cert_decode(der, len, 0, &c, NULL) != CVC_OK)
		return SW_BAD_DATA;
	if (!find_issuer(vb, &c, &is))
		return SW_NO_OBJECT;
	/* a refused certificate changes nothing [TA-2] */
	sw = acceptable(vb, &c, &is, &info)
	         ? accept(vb, &c, der, len, &info, &is)
	         : SW_CERT_UNUSABLE;
	issuer_free(&is);
	return sw;
}

/* [TA-5] */
uint16_t vb_get_challenge(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	vb_session *s = &vb->s;

	if (a->p1 != 0 || a->p2 != 0)
		return SW_WRONG_P1P2;
	if (data.len > 0 ||
	    (a->le != CVC_BADGE_NONCE_LEN && a->le != CVC_APDU_MAX_SHORT_LE &&
	     a->le != CVC_APDU_MAX_EXT_LE))
		return SW_WRONG_LENGTH;
	if (!vb_random(s->challenge, sizeof(s->challenge)))
		return SW_MEMORY;
	s->has_challenge = true;
	return vb_respond(vb, s->challenge, sizeof(s->challenge));
}

/* [TA-6]: a terminal certificate is current and a challenge waits. */
uint16_t vb_ext_auth_check(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	(void)data;
	if (a->p1 != 0 || a->p2 != 0)
		return SW_WRONG_P1P2;
	if (!vb->s.verifier.present ||
	    vb->s.verifier.role != CVC_ROLE_TERMINAL || !vb->s.has_challenge)
		return SW_CONDITIONS;
	return SW_OK;
}

static bool ta_signature_ok(vbadge *vb, cvc_span sig)
{
	uint8_t msg[64];
	size_t len = 0;
	vb_chain c;
	cvc_span rpicc = {vb->s.challenge, sizeof(vb->s.challenge)};

	return vb_chain_decode(vb->p.chain, vb->p.chain_len, &c) &&
	       cvc_badge_ta_message(c.badge.chr, rpicc, msg, sizeof(msg),
	                            &len) == CVC_OK &&
	       sig.len > 0 &&
	       cvc_key_verify(vb->s.verifier.key, NULL, msg, len, sig.data,
	                      sig.len) == CVC_OK;
}

/* [TA-7] */
uint16_t vb_ext_auth(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	vb_session *s = &vb->s;
	bool ok;

	(void)a;
	ok = ta_signature_ok(vb, data);
	s->has_challenge = false; /* used up either way */
	vb_wipe(s->challenge, sizeof(s->challenge));
	if (!ok) {
		cvc_key_free(&s->verifier.key);
		memset(&s->verifier, 0, sizeof(s->verifier));
		return SW_AUTH_FAILED;
	}
	s->terminal_authenticated = true;
	memcpy(s->rights, s->verifier.chat, sizeof(s->rights));
	return SW_OK;
}
