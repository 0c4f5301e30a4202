/* SPDX-License-Identifier: MIT */
/*
 * Authenticated certificate requests (TR-03110-3 C.2):
 *
 *   67 { 7F21 request, 42 outer CAR, 5F37 outer signature }
 *
 * The outer signature covers DER(7F21) || DER(42), which lie next to each
 * other in the object, so the signed data is one span of the input.
 */
#include <cvc/cert.h>

#include "cert_int.h"

enum auth_slot { AUTH_REQUEST, AUTH_CAR, AUTH_SIGNATURE, AUTH_SLOTS };

static const cvc_slot auth_slots[AUTH_SLOTS] = {
    {CVC_TAG_CERT, "request", true},
    {CVC_TAG_CAR, "outer CAR", true},
    {CVC_TAG_SIGNATURE, "outer signature", true},
};

static cvc_err decode_outer_signature(cvc_dec *d, const cvc_tlv *t,
                                      cvc_cert *cert)
{
	if (t->value.len == 0)
		return cvc_dec_fail(d, CVC_ERR_BAD_VALUE, t->offset,
		                    "outer signature", t->tag, 0,
		                    "empty value");
	cert->outer_signature = t->value;
	cert->len_octets[CVC_F_OUTER_SIGNATURE] = cvc_dec_width(d, t);
	return CVC_OK;
}

cvc_err cvc_dec_auth_request(cvc_dec *d, const cvc_tlv_reader *parent,
                             const cvc_tlv *t, cvc_cert *cert)
{
	const uint8_t *signed_start = NULL;
	cvc_layout l;
	cvc_tlv c;
	size_t slot;
	cvc_err err;

	cert->len_octets[CVC_F_OUTER] = cvc_dec_width(d, t);
	cvc_layout_init(&l, parent, t, auth_slots, AUTH_SLOTS,
	                "authenticated request");
	while ((err = cvc_layout_next(d, &l, &c, &slot)) == CVC_OK &&
	       slot < l.n) {
		switch (slot) {
		case AUTH_REQUEST:
			signed_start = c.whole.data;
			err = cvc_dec_cv_object(d, &l.r, &c, true, cert);
			break;
		case AUTH_CAR:
			/* Slots are in order: 42 directly follows 7F21. */
			cert->outer_car = c.value;
			cert->outer_tbs.data = signed_start;
			cert->outer_tbs.len =
			    (size_t)(c.whole.data + c.whole.len - signed_start);
			cert->len_octets[CVC_F_OUTER_CAR] =
			    cvc_dec_width(d, &c);
			err = cvc_dec_check_name(d, &c, "outer CAR", cert->cpi,
			                         true);
			break;
		default:
			err = decode_outer_signature(d, &c, cert);
			break;
		}
		if (err != CVC_OK)
			return err;
	}
	if (err != CVC_OK)
		return err;
	cert->kind = CVC_KIND_AUTH_REQUEST;
	return CVC_OK;
}

void cvc_enc_auth_request(cvc_tlv_writer *w, const cvc_cert *cert)
{
	cvc_tlv_begin(w, CVC_TAG_AUTH_REQUEST, cert->len_octets[CVC_F_OUTER]);
	cvc_enc_cv_object(w, cert);
	cvc_tlv_put(w, CVC_TAG_CAR, cert->outer_car.data, cert->outer_car.len,
	            cert->len_octets[CVC_F_OUTER_CAR]);
	cvc_tlv_put(w, CVC_TAG_SIGNATURE, cert->outer_signature.data,
	            cert->outer_signature.len,
	            cert->len_octets[CVC_F_OUTER_SIGNATURE]);
	cvc_tlv_end(w);
}
