/* SPDX-License-Identifier: MIT */
/*
 * GET DATA (SPEC.md 5.2) and PUT DATA (SPEC.md 5.3), and the holder data
 * template (SPEC.md 4.1).
 */
#include <string.h>

#include "vbadge_int.h"

#define DO_BADGE_CERT 0x7F21u
#define DO_CHAIN      0x0101u
#define DO_HOLDER     0x0102u
#define DO_ANCHOR     0x0103u
#define DO_STATUS     0x0104u

static unsigned object_of(const cvc_apdu *a)
{
	return (unsigned)a->p1 << 8 | a->p2;
}

/* ------------------------------------------------------------------ */
/* Holder data [OBJ-1]                                                 */

/* Well-formed UTF-8 (RFC 3629) without NUL: the host turns it into C
 * strings. */
static bool utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		uint32_t cp, min;
		size_t k;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			k = 1, cp = c & 0x1Fu, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			k = 2, cp = c & 0x0Fu, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			k = 3, cp = c & 0x07u, min = 0x10000;
		} else {
			return false;
		}
		if (n - i - 1 < k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3Fu);
		}
		/* no overlong forms, no surrogates, nothing past U+10FFFF */
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += k + 1;
	}
	return true;
}

static bool printable_ascii(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7E)
			return false;
	return true;
}

bool vb_holder_valid(const uint8_t *data, size_t len)
{
	cvc_tlv_reader r, in;
	cvc_tlv t, name, id, dept;
	bool has_dept = false;

	if (data == NULL || len == 0 || len > VB_MAX_HOLDER)
		return false;
	cvc_tlv_reader_init(&r, data, len, CVC_TLV_STRICT);
	if (cvc_tlv_get(&r, 0x65, "holder data", &t, NULL) != CVC_OK ||
	    cvc_tlv_remaining(&r) != 0)
		return false;
	cvc_tlv_reader_child(&r, &t, &in);
	if (cvc_tlv_get(&in, 0x80, "name", &name, NULL) != CVC_OK ||
	    cvc_tlv_get(&in, 0x81, "staff ID", &id, NULL) != CVC_OK ||
	    cvc_tlv_get_optional(&in, 0x82, "department", &dept, &has_dept,
	                         NULL) != CVC_OK ||
	    cvc_tlv_remaining(&in) != 0)
		return false;
	if (name.value.len < 1 || name.value.len > CVC_BADGE_NAME_MAX ||
	    !utf8_valid(name.value.data, name.value.len))
		return false;
	if (id.value.len < 1 || id.value.len > CVC_BADGE_STAFF_ID_MAX ||
	    !printable_ascii(id.value.data, id.value.len))
		return false;
	return !has_dept || (dept.value.len <= CVC_BADGE_DEPT_MAX &&
	                     utf8_valid(dept.value.data, dept.value.len));
}

/* ------------------------------------------------------------------ */
/* GET DATA                                                            */

static uint16_t get_badge_cert(vbadge *vb)
{
	vb_chain c;

	if (!vb_chain_decode(vb->p.chain, vb->p.chain_len, &c))
		return SW_NO_OBJECT;
	return vb_respond(vb, c.badge.raw.data, c.badge.raw.len);
}

/* [GD-2]: the read right or a verified PIN */
static uint16_t get_holder(vbadge *vb)
{
	if (vb->p.lcs != CVC_BADGE_PERSONALIZED)
		return SW_CONDITIONS;
	if (!vb->s.pin_verified &&
	    !vb_has_right(vb, CVC_BADGE_RIGHT_READ_HOLDER))
		return SW_SECURITY;
	return vb_respond(vb, vb->p.holder, vb->p.holder_len);
}

uint16_t vb_get_data(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	unsigned object = object_of(a);
	uint8_t status[64];
	bool stored = vb->p.lcs != CVC_BADGE_BLANK;

	switch (object) {
	case DO_STATUS:
	case DO_BADGE_CERT:
	case DO_CHAIN:
	case DO_ANCHOR:
	case DO_HOLDER:
		break;
	default:
		return SW_NO_OBJECT; /* [GD-3] */
	}
	if (data.len > 0)
		return SW_WRONG_LENGTH; /* GET DATA is case 2 */
	switch (object) {
	case DO_STATUS:
		return vb_respond(
		    vb, status, vb_status_template(vb, status, sizeof(status)));
	case DO_BADGE_CERT:
		return stored ? get_badge_cert(vb) : SW_NO_OBJECT;
	case DO_CHAIN:
		return stored ? vb_respond(vb, vb->p.chain, vb->p.chain_len)
		              : SW_NO_OBJECT;
	case DO_ANCHOR:
		return stored ? vb_respond(vb, vb->p.anchor, vb->p.anchor_len)
		              : SW_NO_OBJECT;
	default:
		return get_holder(vb);
	}
}

/* ------------------------------------------------------------------ */
/* PUT DATA                                                            */

/* On every part of a chain: may this object be written now? */
uint16_t vb_put_data_check(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	bool blank = vb->p.lcs == CVC_BADGE_BLANK;

	(void)data;
	switch (object_of(a)) {
	case DO_CHAIN:
		if (!blank && !vb_has_right(vb, CVC_BADGE_RIGHT_RENEW))
			return SW_SECURITY; /* [RIGHT-1] */
		/* [PD-1], [PD-3]: a (renewal) key must be pending */
		return vb->pend_signer != NULL ? SW_OK : SW_CONDITIONS;
	case DO_HOLDER:
		if (!blank && !vb_has_right(vb, CVC_BADGE_RIGHT_RENEW))
			return SW_SECURITY;
		return SW_OK;
	case DO_ANCHOR:
		return blank ? SW_OK : SW_CONDITIONS;
	default:
		return SW_NO_OBJECT; /* [PD-5] */
	}
}

static uint16_t put_chain(vbadge *vb, cvc_span data)
{
	/* [PD-2]: the pending anchor in BLANK, the stored one after */
	const vb_persist *anchor_from =
	    vb->p.lcs == CVC_BADGE_BLANK ? &vb->pend : &vb->p;
	vb_chain c;

	if (anchor_from->anchor_len == 0)
		return SW_CONDITIONS; /* personalization order: anchor first */
	if (!vb_chain_decode(data.data, data.len, &c) ||
	    !vb_chain_matches(&c, vb->pend_signer, anchor_from))
		return SW_BAD_DATA;
	memcpy(vb->pend.chain, data.data, data.len);
	vb->pend.chain_len = data.len;
	return SW_OK;
}

static uint16_t put_holder(vbadge *vb, cvc_span data)
{
	vb_persist *next;

	if (!vb_holder_valid(data.data, data.len))
		return SW_BAD_DATA;
	if (vb->p.lcs == CVC_BADGE_BLANK) {
		memcpy(vb->pend.holder, data.data, data.len);
		vb->pend.holder_len = data.len;
		return SW_OK;
	}
	next = vb_begin_update(vb); /* [PD-4]: replaced atomically */
	memcpy(next->holder, data.data, data.len);
	next->holder_len = data.len;
	return vb_commit(vb) == CVC_OK ? SW_OK : SW_MEMORY;
}

static uint16_t put_anchor(vbadge *vb, cvc_span data)
{
	uint8_t domain[VB_MAX_PUBKEY];
	size_t domain_len = 0;
	cvc_cert c;

	if (!vb_anchor_valid(data.data, data.len) ||
	    cvc_cert_decode(data.data, data.len, 0, &c, NULL) != CVC_OK ||
	    !vb_encode_domain(&c, domain, sizeof(domain), &domain_len))
		return SW_BAD_DATA;
	/* a later anchor replaces an earlier pending one; a pending chain
	 * is checked against it again by ACTIVATE */
	memcpy(vb->pend.anchor, data.data, data.len);
	vb->pend.anchor_len = data.len;
	memcpy(vb->pend.domain, domain, domain_len);
	vb->pend.domain_len = domain_len;
	return SW_OK;
}

uint16_t vb_put_data(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	switch (object_of(a)) {
	case DO_CHAIN:
		return put_chain(vb, data);
	case DO_HOLDER:
		return put_holder(vb, data);
	default:
		return put_anchor(vb, data);
	}
}
