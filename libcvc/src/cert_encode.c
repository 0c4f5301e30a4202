/* SPDX-License-Identifier: MIT */
/*
 * Encoding certificates and requests from a cvc_cert template (TR-03110-3
 * C.1, C.2; ISO 7816-9 for the message-recovery form). Fields are written in
 * the fixed order with the length widths the template remembers, so an
 * object decoded and encoded again comes out byte for byte the same.
 */
#include <cvc/cert.h>

#include "cert_int.h"

/* ------------------------------------------------------------------ */
/* Encoding                                                             */

static bool span_ok(cvc_span s)
{
	return s.len == 0 || s.data != NULL;
}

static void put_span(cvc_tlv_writer *w, uint32_t tag, cvc_span s, uint8_t width)
{
	cvc_tlv_put(w, tag, s.data, s.len, width);
}

static void write_pubkey(cvc_tlv_writer *w, const cvc_pubkey *key)
{
	cvc_tlv_begin(w, CVC_TAG_PUBKEY, key->len_octets);
	put_span(w, CVC_TAG_OID, key->oid, key->oid_len_octets);
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++) {
		if (key->comp[i].len > 0)
			put_span(w, (uint32_t)(0x81 + i), key->comp[i],
			         key->comp_len_octets[i]);
	}
	cvc_tlv_end(w);
}

static void write_chat(cvc_tlv_writer *w, const cvc_chat *chat)
{
	cvc_tlv_begin(w, CVC_TAG_CHAT, chat->len_octets);
	put_span(w, CVC_TAG_OID, chat->oid, chat->oid_len_octets);
	put_span(w, CVC_TAG_CHAT_BITS, chat->bits, chat->bits_len_octets);
	cvc_tlv_end(w);
}

static void write_date(cvc_tlv_writer *w, uint32_t tag, const cvc_date *date,
                       uint8_t width)
{
	uint8_t digits[6] = {0};

	(void)cvc_date_encode(date, digits); /* validated beforehand */
	cvc_tlv_put(w, tag, digits, sizeof(digits), width);
}

static void write_extensions(cvc_tlv_writer *w, const cvc_cert *cert)
{
	cvc_tlv_begin(w, CVC_TAG_EXTENSIONS,
	              cert->len_octets[CVC_F_EXTENSIONS]);
	for (size_t i = 0; i < cert->n_ext; i++) {
		const cvc_ext *ext = &cert->ext[i];

		cvc_tlv_begin(w, CVC_TAG_DDT, ext->len_octets);
		put_span(w, CVC_TAG_OID, ext->oid, ext->oid_len_octets);
		cvc_tlv_put_raw(w, ext->content.data, ext->content.len);
		cvc_tlv_end(w);
	}
	cvc_tlv_end(w);
}

static void write_body(cvc_tlv_writer *w, const cvc_cert *cert)
{
	const uint8_t *lw = cert->len_octets;

	cvc_tlv_begin(w, CVC_TAG_BODY, lw[CVC_F_BODY]);
	cvc_tlv_put(w, CVC_TAG_CPI, &cert->cpi, 1, lw[CVC_F_CPI]);
	if (cert->has_car)
		put_span(w, CVC_TAG_CAR, cert->car, lw[CVC_F_CAR]);
	write_pubkey(w, &cert->key);
	put_span(w, CVC_TAG_CHR, cert->chr, lw[CVC_F_CHR]);
	if (cert->has_chat)
		write_chat(w, &cert->chat);
	if (cert->has_dates) {
		write_date(w, CVC_TAG_CED, &cert->effective, lw[CVC_F_CED]);
		write_date(w, CVC_TAG_CXD, &cert->expiration, lw[CVC_F_CXD]);
	}
	if (cert->has_extensions)
		write_extensions(w, cert);
	cvc_tlv_end(w);
}

void cvc_enc_cv_object(cvc_tlv_writer *w, const cvc_cert *cert)
{
	cvc_tlv_begin(w, CVC_TAG_CERT, cert->len_octets[CVC_F_CERT]);
	write_body(w, cert);
	put_span(w, CVC_TAG_SIGNATURE, cert->signature,
	         cert->len_octets[CVC_F_SIGNATURE]);
	cvc_tlv_end(w);
}

static void write_iso9796(cvc_tlv_writer *w, const cvc_cert *cert)
{
	const uint8_t *lw = cert->len_octets;

	cvc_tlv_begin(w, CVC_TAG_CERT, lw[CVC_F_CERT]);
	put_span(w, CVC_TAG_SIGNATURE, cert->signature, lw[CVC_F_SIGNATURE]);
	put_span(w, CVC_TAG_REMAINDER, cert->remainder, lw[CVC_F_REMAINDER]);
	put_span(w, CVC_TAG_CAR, cert->car, lw[CVC_F_CAR]);
	cvc_tlv_end(w);
}

static bool key_template_ok(const cvc_pubkey *key)
{
	if (key->oid.len == 0 || !span_ok(key->oid))
		return false;
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++) {
		if (!span_ok(key->comp[i]))
			return false;
	}
	return true;
}

static cvc_err check_extensions_template(const cvc_cert *cert)
{
	if (!cert->has_extensions)
		return cert->n_ext == 0 ? CVC_OK : CVC_ERR_INVALID_ARG;
	if (cert->n_ext > CVC_MAX_EXTENSIONS)
		return CVC_ERR_TOO_MANY;
	for (size_t i = 0; i < cert->n_ext; i++) {
		const cvc_ext *ext = &cert->ext[i];

		if (ext->oid.len == 0 || !span_ok(ext->oid) ||
		    !span_ok(ext->content))
			return CVC_ERR_INVALID_ARG;
	}
	return CVC_OK;
}

/* The body must be one that decoding would accept in its shape. */
static cvc_err check_body_template(const cvc_cert *cert)
{
	bool is_cert = cert->kind == CVC_KIND_CERT;

	if (!key_template_ok(&cert->key) || cert->chr.len == 0 ||
	    !span_ok(cert->chr) || !span_ok(cert->car))
		return CVC_ERR_INVALID_ARG;
	if (cert->has_car && cert->car.len == 0)
		return CVC_ERR_INVALID_ARG;
	if (is_cert != cert->has_chat || is_cert != cert->has_dates ||
	    (is_cert && !cert->has_car))
		return CVC_ERR_INVALID_ARG;
	if (cert->has_chat &&
	    (cert->chat.oid.len == 0 || cert->chat.bits.len == 0 ||
	     !span_ok(cert->chat.oid) || !span_ok(cert->chat.bits)))
		return CVC_ERR_INVALID_ARG;
	if (cert->has_dates && (!cvc_date_valid(&cert->effective) ||
	                        !cvc_date_valid(&cert->expiration)))
		return CVC_ERR_BAD_DATE;
	return check_extensions_template(cert);
}

static bool signed_span_ok(cvc_span s)
{
	return s.len > 0 && s.data != NULL;
}

static cvc_err check_template(const cvc_cert *cert)
{
	switch (cert->kind) {
	case CVC_KIND_ISO9796:
		if (!signed_span_ok(cert->signature) ||
		    !signed_span_ok(cert->car) || !span_ok(cert->remainder))
			return CVC_ERR_INVALID_ARG;
		return CVC_OK;
	case CVC_KIND_AUTH_REQUEST:
		if (!signed_span_ok(cert->outer_car) ||
		    !signed_span_ok(cert->outer_signature))
			return CVC_ERR_INVALID_ARG;
		/* fall through */
	case CVC_KIND_CERT:
	case CVC_KIND_REQUEST:
		if (!signed_span_ok(cert->signature))
			return CVC_ERR_INVALID_ARG;
		return check_body_template(cert);
	}
	return CVC_ERR_INVALID_ARG;
}

static cvc_err check_out(const void *obj, const uint8_t *out, size_t cap,
                         const size_t *out_len)
{
	if (obj == NULL || out_len == NULL || (out == NULL && cap > 0))
		return CVC_ERR_INVALID_ARG;
	return CVC_OK;
}

static cvc_err finish(cvc_tlv_writer *w, size_t *out_len)
{
	cvc_err err = cvc_tlv_writer_finish(w, out_len);

	if (err == CVC_OK && *out_len > CVC_MAX_OBJECT_LEN)
		return CVC_ERR_BAD_LENGTH;
	return err;
}

cvc_err cvc_cert_encode(const cvc_cert *cert, uint8_t *out, size_t cap,
                        size_t *out_len)
{
	cvc_tlv_writer w;
	cvc_err err;

	err = check_out(cert, out, cap, out_len);
	if (err != CVC_OK)
		return err;
	*out_len = 0;
	err = check_template(cert);
	if (err != CVC_OK)
		return err;
	cvc_tlv_writer_init(&w, out, cap);
	if (cert->kind == CVC_KIND_ISO9796)
		write_iso9796(&w, cert);
	else if (cert->kind == CVC_KIND_AUTH_REQUEST)
		cvc_enc_auth_request(&w, cert);
	else
		cvc_enc_cv_object(&w, cert);
	return finish(&w, out_len);
}

cvc_err cvc_cert_encode_body(const cvc_cert *cert, uint8_t *out, size_t cap,
                             size_t *out_len)
{
	cvc_tlv_writer w;
	cvc_err err;

	err = check_out(cert, out, cap, out_len);
	if (err != CVC_OK)
		return err;
	*out_len = 0;
	if (cert->kind == CVC_KIND_ISO9796)
		return CVC_ERR_INVALID_ARG;
	err = check_body_template(cert);
	if (err != CVC_OK)
		return err;
	cvc_tlv_writer_init(&w, out, cap);
	write_body(&w, cert);
	return finish(&w, out_len);
}

cvc_err cvc_pubkey_encode(const cvc_pubkey *key, uint8_t *out, size_t cap,
                          size_t *out_len)
{
	cvc_tlv_writer w;
	cvc_err err;

	err = check_out(key, out, cap, out_len);
	if (err != CVC_OK)
		return err;
	*out_len = 0;
	if (!key_template_ok(key))
		return CVC_ERR_INVALID_ARG;
	cvc_tlv_writer_init(&w, out, cap);
	write_pubkey(&w, key);
	return finish(&w, out_len);
}
