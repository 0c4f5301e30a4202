/* SPDX-License-Identifier: MIT */
/*
 * Certificate checks of the card: the chain it stores (SPEC [OBJ-2],
 * [PD-1], [PD-2]), the trust anchor (SPEC [OBJ-3]), keys with the anchor's
 * EC domain parameters (TR-03110-3 D.3.3), and loading the badge key.
 */
#include <string.h>

#include "vbadge_int.h"

static bool span_eq(cvc_span a, cvc_span b)
{
	return a.len == b.len &&
	       (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

bool vb_cert_usable(const cvc_cert *c)
{
	/* SPEC 1: the card understands CPI 00 certificates */
	return c->kind == CVC_KIND_CERT && c->profile == CVC_PROFILE_TR03110 &&
	       c->cpi == CVC_CPI_TR03110 && c->has_car && c->has_chat &&
	       c->has_dates && c->raw.len <= VB_MAX_CERT;
}

bool vb_chain_decode(const uint8_t *data, size_t len, vb_chain *out)
{
	size_t used = 0;

	if (data == NULL || len == 0 || len > VB_MAX_CHAIN)
		return false;
	/* strict DER (flags 0): the card stores exactly what it checked */
	if (cvc_cert_decode_prefix(data, len, 0, &out->badge, &used, NULL) !=
	        CVC_OK ||
	    cvc_cert_decode(data + used, len - used, 0, &out->dv, NULL) !=
	        CVC_OK)
		return false;
	return vb_cert_usable(&out->badge) && vb_cert_usable(&out->dv) &&
	       span_eq(out->dv.chr, out->badge.car);
}

bool vb_domain(const vb_persist *p, cvc_pubkey *out)
{
	return p->domain_len > 0 && cvc_pubkey_decode(p->domain, p->domain_len,
	                                              0, out, NULL) == CVC_OK;
}

cvc_err vb_cert_key(const cvc_cert *cert, const vb_persist *p, cvc_key **out)
{
	cvc_pubkey domain;

	*out = NULL;
	if (!vb_domain(p, &domain))
		return CVC_ERR_DOMAIN_PARAMS;
	return cvc_key_from_pubkey(&cert->key, &domain, cert->cpi, out, NULL);
}

bool vb_encode_domain(const cvc_cert *cert, uint8_t *out, size_t cap,
                      size_t *len)
{
	return cvc_pubkey_encode(&cert->key, out, cap, len) == CVC_OK;
}

void vb_date_max(cvc_date *a, const cvc_date *b)
{
	if (cvc_date_cmp(b, a) > 0)
		*a = *b;
}

/* issuer's key verifies cert's signature */
static bool signed_by(const cvc_cert *cert, const cvc_cert *issuer,
                      const vb_persist *p)
{
	cvc_key *key = NULL;
	bool ok = vb_cert_key(issuer, p, &key) == CVC_OK &&
	          cvc_cert_verify_signature(cert, key) == CVC_OK;

	cvc_key_free(&key);
	return ok;
}

static bool key_is(const cvc_cert *cert, const cvc_signer *signer,
                   const vb_persist *p)
{
	cvc_key *in_cert = NULL, *own = NULL;
	bool ok = signer != NULL && vb_cert_key(cert, p, &in_cert) == CVC_OK &&
	          cvc_signer_public_key(signer, &own) == CVC_OK &&
	          cvc_key_equal(in_cert, own);

	cvc_key_free(&in_cert);
	cvc_key_free(&own);
	return ok;
}

bool vb_chain_matches(const vb_chain *c, const cvc_signer *key,
                      const vb_persist *anchor_from)
{
	cvc_cert anchor;

	if (anchor_from->anchor_len == 0 ||
	    cvc_cert_decode(anchor_from->anchor, anchor_from->anchor_len, 0,
	                    &anchor, NULL) != CVC_OK)
		return false;
	return span_eq(c->dv.car, anchor.chr) &&
	       key_is(&c->badge, key, anchor_from) &&
	       signed_by(&c->badge, &c->dv, anchor_from) &&
	       signed_by(&c->dv, &anchor, anchor_from);
}

static bool is_cvca(const cvc_cert *c)
{
	cvc_chat_info info;

	return cvc_chat_info_get(&c->chat, &info) == CVC_OK &&
	       info.role == CVC_ROLE_CVCA;
}

bool vb_anchor_valid(const uint8_t *data, size_t len)
{
	cvc_key *key = NULL;
	cvc_cert c;
	bool ok;

	if (data == NULL || len == 0 || len > VB_MAX_CERT ||
	    cvc_cert_decode(data, len, 0, &c, NULL) != CVC_OK)
		return false;
	/* [OBJ-3]: self-signed CVCA whose key carries its EC parameters */
	ok =
	    vb_cert_usable(&c) && span_eq(c.car, c.chr) && is_cvca(&c) &&
	    (c.key.type == CVC_KEY_RSA || cvc_pubkey_has_domain_params(&c.key));
	ok = ok &&
	     cvc_key_from_pubkey(&c.key, NULL, c.cpi, &key, NULL) == CVC_OK &&
	     cvc_cert_verify_signature(&c, key) == CVC_OK;
	cvc_key_free(&key);
	return ok;
}

cvc_err vb_load_badge_key(const vb_persist *p, cvc_signer **out)
{
	const cvc_algo *algo;
	vb_chain c;

	*out = NULL;
	if (p->key_len == 0 || !vb_chain_decode(p->chain, p->chain_len, &c))
		return CVC_ERR_BAD_VALUE;
	/* SPEC 5.5: sign with the algorithm of the badge certificate */
	algo = cvc_algo_from_oid(c.badge.key.oid);
	if (algo == NULL)
		return CVC_ERR_UNKNOWN_ALGORITHM;
	return cvc_signer_load_mem(p->key, p->key_len, algo, out);
}
