/* SPDX-License-Identifier: MIT */
/*
 * Strict parsers for what a badge answers (applet-spec/SPEC.md): the FCI
 * and status template, the chain, holder data and the INTERNAL
 * AUTHENTICATE template, plus the holder data encoder. Everything is DER
 * (strict lengths); no length the card states is trusted beyond the
 * octets actually received, and nothing here allocates.
 */
#include <string.h>

#include "badge_int.h"

cvc_err cvc_badge_fail(cvc_diag *diag, cvc_err err, size_t offset,
                       const char *field, uint32_t tag, const char *reason)
{
	if (diag != NULL) {
		diag->err = err;
		diag->offset = offset;
		diag->field = field;
		diag->tag = tag;
		diag->expected = 0;
		diag->reason = reason;
	}
	return err;
}

/* The reader must be used up: one object fills the whole input. */
static cvc_err expect_end(const cvc_tlv_reader *r, const char *owner,
                          cvc_diag *diag)
{
	if (cvc_tlv_remaining(r) == 0)
		return CVC_OK;
	return cvc_badge_fail(diag, CVC_ERR_TRAILING_DATA, cvc_tlv_offset(r),
	                      owner, 0, "data after the last field");
}

static cvc_err expect_len(const cvc_tlv *t, size_t want, const char *field,
                          cvc_diag *diag)
{
	if (t->value.len == want)
		return CVC_OK;
	return cvc_badge_fail(diag, CVC_ERR_BAD_LENGTH, t->offset, field,
	                      t->tag, "wrong value length");
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* ------------------------------------------------------------------ */
/* FCI and status (SPEC.md 2)                                          */

static cvc_err parse_lcs(const cvc_tlv *t, cvc_badge_info *info, cvc_diag *diag)
{
	cvc_err err = expect_len(t, 1, "life cycle status", diag);

	if (err != CVC_OK)
		return err;
	switch (t->value.data[0]) {
	case CVC_BADGE_BLANK:
	case CVC_BADGE_PERSONALIZED:
	case CVC_BADGE_TERMINATED:
		info->state = (cvc_badge_state)t->value.data[0];
		return CVC_OK;
	default:
		return cvc_badge_fail(diag, CVC_ERR_BAD_VALUE, t->offset,
		                      "life cycle status", t->tag,
		                      "not 03, 05 or 0C");
	}
}

static cvc_err parse_tries(const cvc_tlv *t, cvc_badge_info *info,
                           cvc_diag *diag)
{
	cvc_err err = expect_len(t, 1, "PIN tries", diag);

	if (err != CVC_OK)
		return err;
	if (t->value.data[0] > 3)
		return cvc_badge_fail(diag, CVC_ERR_BAD_VALUE, t->offset,
		                      "PIN tries", t->tag, "more than 3");
	info->pin_tries = t->value.data[0];
	return CVC_OK;
}

static cvc_err parse_u16(const cvc_tlv *t, const char *field, uint16_t *out,
                         cvc_diag *diag)
{
	cvc_err err = expect_len(t, 2, field, diag);

	if (err == CVC_OK)
		*out = be16(t->value.data);
	return err;
}

static cvc_err parse_card_date(const cvc_tlv *t, cvc_badge_info *info,
                               cvc_diag *diag)
{
	cvc_err err = expect_len(t, 6, "card date", diag);

	if (err != CVC_OK)
		return err;
	if (cvc_date_decode(t->value.data, &info->card_date) != CVC_OK)
		return cvc_badge_fail(diag, CVC_ERR_BAD_DATE, t->offset,
		                      "card date", t->tag, "not a YYMMDD date");
	info->has_card_date = true;
	return CVC_OK;
}

/* Reads the next object, which must have `tag`. */
static cvc_err get(cvc_tlv_reader *r, uint32_t tag, const char *field,
                   cvc_tlv *t, cvc_diag *diag)
{
	return cvc_tlv_get(r, tag, field, t, diag);
}

/* 80, 81, 82, 83, 84 in this order, then 85 (optional). */
static cvc_err parse_known_status(cvc_tlv_reader *r, cvc_badge_info *info,
                                  cvc_diag *diag)
{
	cvc_tlv t;
	uint16_t v;
	bool present = false;
	cvc_err err;

	if ((err = get(r, 0x80, "life cycle status", &t, diag)) != CVC_OK ||
	    (err = parse_lcs(&t, info, diag)) != CVC_OK)
		return err;
	if ((err = get(r, 0x81, "applet version", &t, diag)) != CVC_OK ||
	    (err = parse_u16(&t, "applet version", &info->version, diag)) !=
	        CVC_OK)
		return err;
	if ((err = get(r, 0x82, "PIN tries", &t, diag)) != CVC_OK ||
	    (err = parse_tries(&t, info, diag)) != CVC_OK)
		return err;
	if ((err = get(r, 0x83, "command buffer", &t, diag)) != CVC_OK ||
	    (err = parse_u16(&t, "command buffer", &v, diag)) != CVC_OK)
		return err;
	info->max_command = v;
	if ((err = get(r, 0x84, "response buffer", &t, diag)) != CVC_OK ||
	    (err = parse_u16(&t, "response buffer", &v, diag)) != CVC_OK)
		return err;
	info->max_response = v;
	err = cvc_tlv_get_optional(r, 0x85, "card date", &t, &present, diag);
	if (err != CVC_OK || !present)
		return err;
	return parse_card_date(&t, info, diag);
}

/* The A5 template: known objects, then objects of later versions, which
 * must be well-formed but are otherwise ignored ([SEL-5]). */
static cvc_err parse_status_template(const cvc_tlv_reader *parent,
                                     const cvc_tlv *a5, cvc_badge_info *info,
                                     cvc_diag *diag)
{
	cvc_tlv_reader r;
	cvc_tlv t;
	cvc_err err;

	cvc_tlv_reader_child(parent, a5, &r);
	err = parse_known_status(&r, info, diag);
	while (err == CVC_OK && cvc_tlv_remaining(&r) > 0)
		err = cvc_tlv_next(&r, &t, diag);
	return err;
}

/* 6F { 84 AID, A5 { ... } } and nothing else ([SEL-5]). */
static cvc_err parse_fci(const cvc_tlv_reader *parent, const cvc_tlv *fci,
                         cvc_badge_info *info, cvc_diag *diag)
{
	cvc_tlv_reader r;
	cvc_tlv t;
	cvc_err err;

	cvc_tlv_reader_child(parent, fci, &r);
	err = get(&r, BADGE_TAG_AID, "AID", &t, diag);
	if (err != CVC_OK)
		return err;
	if (t.value.len != CVC_BADGE_AID_LEN ||
	    memcmp(t.value.data, CVC_BADGE_AID, CVC_BADGE_AID_LEN) != 0)
		return cvc_badge_fail(diag, CVC_ERR_BAD_VALUE, t.offset, "AID",
		                      t.tag, "not the badge applet's AID");
	err = get(&r, BADGE_TAG_PROP, "proprietary template", &t, diag);
	if (err == CVC_OK)
		err = parse_status_template(&r, &t, info, diag);
	if (err == CVC_OK)
		err = expect_end(&r, "FCI", diag);
	return err;
}

cvc_err cvc_badge_info_parse(const uint8_t *data, size_t len,
                             cvc_badge_info *info, cvc_diag *diag)
{
	cvc_tlv_reader r;
	cvc_tlv t;
	uint32_t tag = 0;
	cvc_err err;

	if (info == NULL || (data == NULL && len > 0))
		return CVC_ERR_INVALID_ARG;
	memset(info, 0, sizeof(*info));
	cvc_tlv_reader_init(&r, data, len, CVC_TLV_STRICT);
	if (!cvc_tlv_peek_tag(&r, &tag) ||
	    (tag != BADGE_TAG_FCI && tag != BADGE_TAG_PROP))
		return cvc_badge_fail(
		    diag, len == 0 ? CVC_ERR_TRUNCATED : CVC_ERR_UNEXPECTED_TAG,
		    0, "FCI", tag, "expected 6F or A5");
	err = cvc_tlv_next(&r, &t, diag);
	if (err == CVC_OK)
		err = expect_end(&r, "FCI", diag);
	if (err == CVC_OK)
		err = tag == BADGE_TAG_FCI
		          ? parse_fci(&r, &t, info, diag)
		          : parse_status_template(&r, &t, info, diag);
	if (err != CVC_OK)
		memset(info, 0, sizeof(*info));
	return err;
}

/* ------------------------------------------------------------------ */
/* Chain (SPEC.md 4.1, [OBJ-2])                                        */

static cvc_err decode_badge_cert(const uint8_t *data, size_t len, size_t base,
                                 const char *field, cvc_cert *cert,
                                 size_t *used, cvc_diag *diag)
{
	cvc_err err = cvc_cert_decode_prefix(data, len, 0, cert, used, diag);

	if (err != CVC_OK) {
		if (diag != NULL) {
			diag->offset += base;
			if (diag->field == NULL)
				diag->field = field;
		}
		return err;
	}
	if (cert->kind != CVC_KIND_CERT)
		return cvc_badge_fail(diag, CVC_ERR_NOT_A_CERT, base, field,
		                      CVC_TAG_CERT, "not a certificate");
	if (*used > CVC_BADGE_MAX_CERT)
		return cvc_badge_fail(diag, CVC_ERR_BAD_LENGTH, base, field,
		                      CVC_TAG_CERT,
		                      "longer than the applet's 1024 octets");
	return CVC_OK;
}

cvc_err cvc_badge_split_chain(const uint8_t *data, size_t len, cvc_cert *badge,
                              cvc_cert *dv, cvc_diag *diag)
{
	size_t used = 0, used_dv = 0;
	cvc_err err;

	if (badge == NULL || dv == NULL || (data == NULL && len > 0))
		return CVC_ERR_INVALID_ARG;
	memset(badge, 0, sizeof(*badge));
	memset(dv, 0, sizeof(*dv));
	if (len > CVC_BADGE_MAX_CHAIN)
		return cvc_badge_fail(diag, CVC_ERR_BAD_LENGTH, 0, "chain", 0,
		                      "longer than two certificates may be");
	err = decode_badge_cert(data, len, 0, "badge certificate", badge, &used,
	                        diag);
	if (err != CVC_OK)
		return err;
	if (used == len)
		return cvc_badge_fail(diag, CVC_ERR_MISSING_FIELD, used,
		                      "DV certificate", CVC_TAG_CERT,
		                      "the chain holds one certificate");
	err = decode_badge_cert(data + used, len - used, used, "DV certificate",
	                        dv, &used_dv, diag);
	if (err != CVC_OK)
		return err;
	if (used + used_dv != len)
		return cvc_badge_fail(diag, CVC_ERR_TRAILING_DATA,
		                      used + used_dv, "chain", 0,
		                      "data after the DV certificate");
	if (!badge->has_car || badge->car.len != dv->chr.len ||
	    memcmp(badge->car.data, dv->chr.data, dv->chr.len) != 0)
		return cvc_badge_fail(diag, CVC_ERR_UNKNOWN_ISSUER, used,
		                      "DV certificate", CVC_TAG_CHR,
		                      "its CHR is not the badge's CAR");
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Holder data (SPEC.md 4.1, [OBJ-1])                                  */

/* Length of the UTF-8 sequence starting with lead octet c, 0 if invalid
 * as a lead (RFC 3629 4: C0, C1 and F5..FF never appear). */
static size_t utf8_seq_len(uint8_t c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* RFC 3629 4: the second octet's range depends on the lead (no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static bool utf8_second_ok(uint8_t lead, uint8_t c)
{
	uint8_t lo = 0x80, hi = 0xBF;

	if (lead == 0xE0)
		lo = 0xA0;
	else if (lead == 0xED)
		hi = 0x9F;
	else if (lead == 0xF0)
		lo = 0x90;
	else if (lead == 0xF4)
		hi = 0x8F;
	return c >= lo && c <= hi;
}

/*
 * Strict UTF-8 without control characters (C0, DEL, C1): holder data end
 * up in log lines and on screens, where a newline or an escape sequence
 * from a card has no business.
 */
static const char *utf8_text_problem(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k = utf8_seq_len(p[i]);

		if (k == 0 || k > n - i)
			return "not UTF-8";
		if (k == 1 && (p[i] < 0x20 || p[i] == 0x7F))
			return "control character";
		if (k >= 2 && !utf8_second_ok(p[i], p[i + 1]))
			return "not UTF-8";
		for (size_t j = 2; j < k; j++)
			if ((p[i + j] & 0xC0) != 0x80)
				return "not UTF-8";
		if (k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)
			return "control character";
		i += k;
	}
	return NULL;
}

static const char *ascii_id_problem(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7E)
			return "not printable ASCII";
	return NULL;
}

typedef struct holder_field {
	uint32_t tag;
	const char *name;
	size_t min, max;
	bool ascii; /* printable ASCII, else UTF-8 text */
} holder_field;

static const holder_field holder_fields[3] = {
    {0x80, "name", 1, CVC_BADGE_NAME_MAX, false},
    {0x81, "staff ID", 1, CVC_BADGE_STAFF_ID_MAX, true},
    {0x82, "department", 0, CVC_BADGE_DEPT_MAX, false},
};

static const char *holder_value_problem(const holder_field *f, const uint8_t *p,
                                        size_t n)
{
	if (n < f->min || n > f->max)
		return "length out of range";
	return f->ascii ? ascii_id_problem(p, n) : utf8_text_problem(p, n);
}

static cvc_err check_holder_value(const holder_field *f, const uint8_t *p,
                                  size_t n, size_t offset, cvc_diag *diag)
{
	const char *why = holder_value_problem(f, p, n);

	if (why == NULL)
		return CVC_OK;
	return cvc_badge_fail(diag,
	                      n < f->min || n > f->max ? CVC_ERR_BAD_LENGTH
	                                               : CVC_ERR_BAD_STRING,
	                      offset, f->name, f->tag, why);
}

static void copy_text(char *dst, size_t cap, cvc_span v)
{
	size_t n = v.len < cap - 1 ? v.len : cap - 1;

	if (n > 0)
		memcpy(dst, v.data, n);
	dst[n] = '\0';
}

/* The text of holder field i and the size of its array. */
static const char *holder_text(const cvc_badge_holder *h, size_t i, size_t *cap)
{
	if (i == 0) {
		*cap = sizeof(h->name);
		return h->name;
	}
	if (i == 1) {
		*cap = sizeof(h->staff_id);
		return h->staff_id;
	}
	*cap = sizeof(h->department);
	return h->department;
}

/* The same, writable: h is the caller's (non-const) holder. */
static char *holder_slot(cvc_badge_holder *h, size_t i, size_t *cap)
{
	return (char *)holder_text(h, i, cap);
}

static cvc_err decode_holder_fields(cvc_tlv_reader *r, cvc_badge_holder *h,
                                    cvc_diag *diag)
{
	for (size_t i = 0; i < 3; i++) {
		const holder_field *f = &holder_fields[i];
		bool present = true;
		cvc_tlv t;
		size_t cap = 0;
		cvc_err err;

		if (i < 2)
			err = get(r, f->tag, f->name, &t, diag);
		else
			err = cvc_tlv_get_optional(r, f->tag, f->name, &t,
			                           &present, diag);
		if (err != CVC_OK)
			return err;
		if (!present)
			continue;
		err = check_holder_value(f, t.value.data, t.value.len, t.offset,
		                         diag);
		if (err != CVC_OK)
			return err;
		copy_text(holder_slot(h, i, &cap), cap, t.value);
	}
	return expect_end(r, "holder data", diag);
}

cvc_err cvc_badge_holder_decode(const uint8_t *data, size_t len,
                                cvc_badge_holder *holder, cvc_diag *diag)
{
	cvc_tlv_reader r, c;
	cvc_tlv t;
	cvc_err err;

	if (holder == NULL || (data == NULL && len > 0))
		return CVC_ERR_INVALID_ARG;
	memset(holder, 0, sizeof(*holder));
	cvc_tlv_reader_init(&r, data, len, CVC_TLV_STRICT);
	err = get(&r, BADGE_TAG_HOLDER, "holder data", &t, diag);
	if (err == CVC_OK)
		err = expect_end(&r, "holder data", diag);
	if (err == CVC_OK) {
		cvc_tlv_reader_child(&r, &t, &c);
		err = decode_holder_fields(&c, holder, diag);
	}
	if (err != CVC_OK)
		memset(holder, 0, sizeof(*holder));
	return err;
}

cvc_err cvc_badge_holder_encode(const cvc_badge_holder *holder, uint8_t *out,
                                size_t cap, size_t *out_len, cvc_diag *diag)
{
	cvc_tlv_writer w;

	if (holder == NULL || out_len == NULL || (out == NULL && cap > 0))
		return CVC_ERR_INVALID_ARG;
	*out_len = 0;
	cvc_tlv_writer_init(&w, out, cap);
	cvc_tlv_begin(&w, BADGE_TAG_HOLDER, 0);
	for (size_t i = 0; i < 3; i++) {
		const holder_field *f = &holder_fields[i];
		size_t text_cap;
		const char *s = holder_text(holder, i, &text_cap);
		size_t n = strnlen(s, text_cap);
		cvc_err err;

		if (n == text_cap)
			return cvc_badge_fail(diag, CVC_ERR_INVALID_ARG, 0,
			                      f->name, f->tag,
			                      "not NUL-terminated");
		err = check_holder_value(f, (const uint8_t *)s, n, 0, diag);
		if (err != CVC_OK)
			return err;
		/* An empty department is left out (it is optional). */
		if (n > 0 || i < 2)
			cvc_tlv_put(&w, f->tag, (const uint8_t *)s, n, 0);
	}
	cvc_tlv_end(&w);
	return cvc_tlv_writer_finish(&w, out_len);
}

/* ------------------------------------------------------------------ */
/* INTERNAL AUTHENTICATE answer (SPEC.md 5.5)                          */

static cvc_err parse_nonce_flags(cvc_tlv_reader *r, cvc_badge_proof *proof,
                                 cvc_diag *diag)
{
	cvc_tlv t;
	cvc_err err = get(r, BADGE_TAG_NONCE, "nonce", &t, diag);

	if (err == CVC_OK)
		err = expect_len(&t, CVC_BADGE_NONCE_LEN, "nonce", diag);
	if (err != CVC_OK)
		return err;
	memcpy(proof->nonce, t.value.data, CVC_BADGE_NONCE_LEN);
	err = get(r, BADGE_TAG_FLAGS, "flags", &t, diag);
	if (err == CVC_OK)
		err = expect_len(&t, 1, "flags", diag);
	if (err != CVC_OK)
		return err;
	if ((t.value.data[0] & ~BADGE_FLAGS_KNOWN) != 0)
		return cvc_badge_fail(diag, CVC_ERR_BAD_VALUE, t.offset,
		                      "flags", t.tag, "unknown flag bits set");
	proof->flags = t.value.data[0];
	return CVC_OK;
}

static cvc_err parse_signature(cvc_tlv_reader *r, cvc_badge_proof *proof,
                               cvc_diag *diag)
{
	cvc_tlv t;
	cvc_err err = get(r, CVC_TAG_SIGNATURE, "signature", &t, diag);

	if (err != CVC_OK)
		return err;
	if (t.value.len == 0 || t.value.len > sizeof(proof->signature))
		return cvc_badge_fail(diag, CVC_ERR_BAD_LENGTH, t.offset,
		                      "signature", t.tag,
		                      "empty or longer than 1024 octets");
	memcpy(proof->signature, t.value.data, t.value.len);
	proof->signature_len = t.value.len;
	return CVC_OK;
}

/* Two 7F21 objects; *chain spans both (their DER is checked later by
 * cvc_badge_split_chain). */
static cvc_err parse_chain_objects(cvc_tlv_reader *r, cvc_span *chain,
                                   cvc_diag *diag)
{
	static const char *const names[2] = {"badge certificate",
	                                     "DV certificate"};
	cvc_tlv t[2];

	for (size_t i = 0; i < 2; i++) {
		cvc_err err = get(r, CVC_TAG_CERT, names[i], &t[i], diag);

		if (err != CVC_OK)
			return err;
		if (t[i].whole.len > CVC_BADGE_MAX_CERT)
			return cvc_badge_fail(
			    diag, CVC_ERR_BAD_LENGTH, t[i].offset, names[i],
			    t[i].tag, "longer than the applet's 1024 octets");
	}
	chain->data = t[0].whole.data;
	chain->len = t[0].whole.len + t[1].whole.len;
	return CVC_OK;
}

cvc_err cvc_badge_parse_auth(const uint8_t *data, size_t len, bool with_chain,
                             cvc_badge_proof *proof, cvc_span *chain,
                             cvc_diag *diag)
{
	cvc_tlv_reader r, c;
	cvc_tlv t;
	cvc_err err;

	if (proof == NULL || chain == NULL || (data == NULL && len > 0))
		return CVC_ERR_INVALID_ARG;
	memset(proof, 0, sizeof(*proof));
	chain->data = NULL;
	chain->len = 0;
	cvc_tlv_reader_init(&r, data, len, CVC_TLV_STRICT);
	err = get(&r, BADGE_TAG_AUTH, "authentication template", &t, diag);
	if (err == CVC_OK)
		err = expect_end(&r, "authentication template", diag);
	if (err != CVC_OK)
		return err;
	cvc_tlv_reader_child(&r, &t, &c);
	err = parse_nonce_flags(&c, proof, diag);
	if (err == CVC_OK)
		err = parse_signature(&c, proof, diag);
	if (err == CVC_OK && with_chain)
		err = parse_chain_objects(&c, chain, diag);
	if (err == CVC_OK)
		err = expect_end(&c, "authentication template", diag);
	if (err != CVC_OK) {
		memset(proof, 0, sizeof(*proof));
		chain->data = NULL;
		chain->len = 0;
	}
	return err;
}
