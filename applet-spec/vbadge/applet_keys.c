/* SPDX-License-Identifier: MIT */
/*
 * Key generation, activation and termination (SPEC.md 5.7): GENERATE
 * ASYMMETRIC KEY PAIR, ACTIVATE (personalization and renewal commit),
 * TERMINATE CARD USAGE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vbadge_int.h"

#define TAG_DOMAIN_ID 0x80u
#define TAG_RSA_BITS  0x81u

/* TR-03110-3 A.2.1.1 standardized domain parameter IDs SPEC 5.7 lists */
static const struct {
	uint8_t id;
	const char *curve;
} domain_ids[] = {
    {0x0C, "P-256"},           {0x0D, "brainpoolP256r1"}, {0x0F, "P-384"},
    {0x10, "brainpoolP384r1"}, {0x11, "brainpoolP512r1"}, {0x12, "P-521"},
};

typedef struct keygen {
	const cvc_algo *algo;
	char spec[24]; /* curve name or "rsa2048" */
} keygen;

static bool is_ta_algo(const cvc_algo *algo)
{
	static const char prefix[] = "id-TA-";

	return algo != NULL &&
	       strncmp(algo->name, prefix, sizeof(prefix) - 1) == 0;
}

static bool curve_of(const cvc_span id, keygen *k)
{
	if (id.len != 1)
		return false;
	for (size_t i = 0; i < sizeof(domain_ids) / sizeof(domain_ids[0]); i++)
		if (domain_ids[i].id == id.data[0]) {
			strcpy(k->spec, domain_ids[i].curve);
			return true;
		}
	return false;
}

static bool rsa_size_of(const cvc_span bits, keygen *k)
{
	unsigned n;

	if (bits.len != 2)
		return false;
	n = (unsigned)bits.data[0] << 8 | bits.data[1];
	if (n != 2048 && n != 3072 && n != 4096)
		return false;
	snprintf(k->spec, sizeof(k->spec), "rsa%u", n);
	return true;
}

/* [GEN-3]: 06 OID, then 80 ID (EC) or 81 bits (RSA), nothing else. */
static bool parse_keygen(cvc_span data, keygen *k)
{
	cvc_tlv_reader r;
	cvc_tlv oid, param;
	bool ec;

	cvc_tlv_reader_init(&r, data.data, data.len, CVC_TLV_STRICT);
	if (data.len == 0 ||
	    cvc_tlv_get(&r, CVC_TAG_OID, "algorithm", &oid, NULL) != CVC_OK)
		return false;
	k->algo = cvc_algo_from_oid(oid.value);
	if (!is_ta_algo(k->algo))
		return false;
	ec = k->algo->scheme == CVC_SCHEME_ECDSA;
	if (cvc_tlv_get(&r, ec ? TAG_DOMAIN_ID : TAG_RSA_BITS, "parameter",
	                &param, NULL) != CVC_OK ||
	    cvc_tlv_remaining(&r) != 0)
		return false;
	return ec ? curve_of(param.value, k) : rsa_size_of(param.value, k);
}

/*
 * [GEN-1], [GEN-2]: a new pending key replaces any earlier pending key and
 * chain; the other pending objects (BLANK) stay.
 */
static void set_pending_key(vbadge *vb, cvc_signer *signer, const char *pem,
                            size_t pem_len)
{
	vb_persist *pd = &vb->pend;

	cvc_signer_free(&vb->pend_signer);
	vb->pend_signer = signer;
	vb_wipe(pd->key, sizeof(pd->key));
	memcpy(pd->key, pem, pem_len);
	pd->key_len = pem_len;
	vb_wipe(pd->chain, sizeof(pd->chain));
	pd->chain_len = 0;
}

/* A new key pair: the signer, its PKCS#8 text in pend.key. */
static uint16_t make_key(vbadge *vb, const keygen *k)
{
	cvc_signer *signer = NULL;
	char *pem = NULL;
	size_t pem_len = 0;
	uint16_t sw = SW_OK;

	if (cvc_key_file_generate(k->spec, k->algo, NULL, &signer, &pem,
	                          &pem_len) != CVC_OK)
		return SW_UNSUPPORTED; /* a listed curve we cannot make */
	if (pem_len <= sizeof(vb->pend.key)) {
		set_pending_key(vb, signer, pem, pem_len);
	} else {
		cvc_signer_free(&signer);
		sw = SW_UNSUPPORTED;
	}
	vb_wipe(pem, pem_len);
	free(pem);
	return sw;
}

uint16_t vb_generate(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	uint8_t pub[VB_MAX_PUBKEY];
	size_t pub_len = 0;
	keygen k;
	uint16_t sw;

	if (a->p1 != 0 || a->p2 != 0)
		return SW_WRONG_P1P2;
	if (vb->p.lcs == CVC_BADGE_PERSONALIZED &&
	    !vb_has_right(vb, CVC_BADGE_RIGHT_RENEW))
		return SW_SECURITY; /* [GEN-2] */
	if (!parse_keygen(data, &k))
		return SW_BAD_DATA;
	if ((sw = make_key(vb, &k)) != SW_OK)
		return sw;
	/* the public half only: 06 OID, 86 point / 81 n, 82 e */
	if (cvc_signer_pubkey_encode(vb->pend_signer, false, pub, sizeof(pub),
	                             &pub_len) != CVC_OK)
		return SW_MEMORY;
	return vb_respond(vb, pub, pub_len);
}

/* ------------------------------------------------------------------ */
/* ACTIVATE                                                            */

/* [DATE-1]: the latest CED among anchor and chain. */
static cvc_date latest_ced(const vb_persist *p, const vb_chain *c)
{
	cvc_cert anchor;
	cvc_date d = c->badge.effective;

	vb_date_max(&d, &c->dv.effective);
	if (cvc_cert_decode(p->anchor, p->anchor_len, 0, &anchor, NULL) ==
	    CVC_OK)
		vb_date_max(&d, &anchor.effective);
	return d;
}

/* Commits vb->next with the key it names; the old key is destroyed. */
static uint16_t commit_with_key(vbadge *vb)
{
	cvc_signer *signer = NULL;

	if (vb_load_badge_key(&vb->next, &signer) != CVC_OK) {
		vb_persist_wipe(&vb->next);
		return SW_CONDITIONS;
	}
	if (vb_commit(vb) != CVC_OK) {
		cvc_signer_free(&signer);
		return SW_MEMORY; /* [ACT-3] */
	}
	cvc_signer_free(&vb->signer); /* wiped: [ACT-2] */
	vb->signer = signer;
	vb_pending_clear(vb);
	return SW_OK;
}

/* [ACT-1], [LC-3]: every pending object in one atomic write. */
static uint16_t activate_blank(vbadge *vb)
{
	const vb_persist *pd = &vb->pend;
	vb_persist *next;
	vb_chain c;

	if (pd->anchor_len == 0 || pd->key_len == 0 || pd->chain_len == 0 ||
	    pd->holder_len == 0 || !pd->has_pin ||
	    !vb_chain_decode(pd->chain, pd->chain_len, &c) ||
	    !vb_chain_matches(&c, vb->pend_signer, pd))
		return SW_CONDITIONS;
	next = vb_begin_update(vb);
	memcpy(next, pd, sizeof(*next));
	next->lcs = CVC_BADGE_PERSONALIZED;
	next->has_date = true;
	next->date = latest_ced(pd, &c);
	next->pin_tries = VB_PIN_TRIES;
	return commit_with_key(vb);
}

/* [ACT-2]: the renewal key and chain replace the active ones. */
static uint16_t activate_renewal(vbadge *vb)
{
	const vb_persist *pd = &vb->pend;
	vb_persist *next;
	vb_chain c;
	cvc_date d;

	if (!vb_has_right(vb, CVC_BADGE_RIGHT_RENEW))
		return SW_SECURITY;
	if (pd->key_len == 0 || pd->chain_len == 0 ||
	    !vb_chain_decode(pd->chain, pd->chain_len, &c) ||
	    !vb_chain_matches(&c, vb->pend_signer, &vb->p))
		return SW_CONDITIONS;
	next = vb_begin_update(vb);
	memcpy(next->key, pd->key, pd->key_len);
	next->key_len = pd->key_len;
	memcpy(next->chain, pd->chain, pd->chain_len);
	next->chain_len = pd->chain_len;
	/* the card date never goes back */
	d = latest_ced(&vb->p, &c);
	vb_date_max(&next->date, &d);
	return commit_with_key(vb);
}

uint16_t vb_activate(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	if (a->p1 != 0 || a->p2 != 0)
		return SW_WRONG_P1P2;
	if (data.len > 0)
		return SW_WRONG_LENGTH; /* case 1 */
	return vb->p.lcs == CVC_BADGE_BLANK ? activate_blank(vb)
	                                    : activate_renewal(vb);
}

/* ------------------------------------------------------------------ */
/* TERMINATE CARD USAGE                                                */

/* [TERM-1], [LC-4]: key, PIN and holder data go; certificates stay. */
uint16_t vb_terminate(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	vb_persist *next;

	if (a->p1 != 0 || a->p2 != 0)
		return SW_WRONG_P1P2;
	if (data.len > 0)
		return SW_WRONG_LENGTH;
	if (!vb_has_right(vb, CVC_BADGE_RIGHT_TERMINATE))
		return SW_SECURITY;
	next = vb_begin_update(vb);
	next->lcs = CVC_BADGE_TERMINATED;
	vb_wipe(next->key, sizeof(next->key));
	next->key_len = 0;
	vb_wipe(next->holder, sizeof(next->holder));
	next->holder_len = 0;
	next->has_pin = false;
	vb_wipe(next->pin_salt, sizeof(next->pin_salt));
	vb_wipe(next->pin_hash, sizeof(next->pin_hash));
	next->pin_tries = 0;
	if (vb_commit(vb) != CVC_OK)
		return SW_MEMORY;
	cvc_signer_free(&vb->signer);
	vb_pending_clear(vb);
	vb->s.pin_verified = false;
	return SW_OK;
}
