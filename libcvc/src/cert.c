/* SPDX-License-Identifier: MIT */
/*
 * Card verifiable certificates: decoding into a view over the caller's bytes
 * and encoding from the same struct used as a template.
 *
 * TR-03110-3 C.1 and D.2 fix the order of the fields; gemSpec_PKI 6.4 narrows
 * them for gematik G2 (CPI 70); ISO 7816-9 adds the form with message
 * recovery that Spanish DNIe cards use. Nothing here allocates.
 */
#include <string.h>

#include <cvc/cert.h>

#include "cert_int.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Diagnostics and the fixed-order walker                              */

cvc_err cvc_dec_fail(cvc_dec *d, cvc_err err, size_t offset, const char *field,
                     uint32_t tag, uint32_t expected, const char *reason)
{
	if (d->diag != NULL) {
		d->diag->err = err;
		d->diag->offset = offset;
		d->diag->field = field;
		d->diag->tag = tag;
		d->diag->expected = expected;
		d->diag->reason = reason;
	}
	return err;
}

uint8_t cvc_dec_width(cvc_dec *d, const cvc_tlv *t)
{
	if (!t->nonminimal)
		return 0;
	d->nonminimal = true;
	return t->len_octets;
}

/* A TLV-layer error: keep its detail, but make sure a field is named. */
static cvc_err top_failed(cvc_dec *d, cvc_err err, const char *field)
{
	if (d->diag != NULL && d->diag->field == NULL)
		d->diag->field = field;
	return err;
}

/*
 * The same inside a constructed object. Its value was read whole, so a child
 * running past its end is not a truncated input but a length too long for
 * its parent.
 */
static cvc_err tlv_failed(cvc_dec *d, cvc_err err, const char *field)
{
	if (err == CVC_ERR_TRUNCATED) {
		err = CVC_ERR_BAD_LENGTH;
		if (d->diag != NULL) {
			d->diag->err = err;
			d->diag->reason = "length exceeds the enclosing object";
		}
	}
	return top_failed(d, err, field);
}

static size_t value_offset(const cvc_tlv *t)
{
	return t->offset + (size_t)(t->value.data - t->whole.data);
}

static size_t tlv_end(const cvc_tlv *t)
{
	return t->offset + t->whole.len;
}

void cvc_layout_init(cvc_layout *l, const cvc_tlv_reader *parent,
                     const cvc_tlv *t, const cvc_slot *slots, size_t n,
                     const char *owner)
{
	memset(l, 0, sizeof(*l));
	cvc_tlv_reader_child(parent, t, &l->r);
	l->slots = slots;
	l->n = n;
	l->owner = owner;
}

static size_t slot_of(const cvc_layout *l, uint32_t tag)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->slots[i].tag == tag)
			return i;
	}
	return l->n;
}

/* Mandatory slots from l->pos up to (not including) `upto` must be filled. */
static cvc_err check_skipped(cvc_dec *d, const cvc_layout *l, size_t upto,
                             size_t offset, uint32_t found)
{
	for (size_t i = l->pos; i < upto; i++) {
		if (l->slots[i].mandatory)
			return cvc_dec_fail(d, CVC_ERR_MISSING_FIELD, offset,
			                    l->slots[i].name, found,
			                    l->slots[i].tag, NULL);
	}
	return CVC_OK;
}

/* The next child has a tag that fits no slot from l->pos on. */
static cvc_err misplaced(cvc_dec *d, const cvc_layout *l, uint32_t tag,
                         size_t offset)
{
	size_t j = slot_of(l, tag);
	uint32_t want = l->pos < l->n ? l->slots[l->pos].tag : 0;

	if (j < l->n && (l->seen & (1u << j)))
		return cvc_dec_fail(d, CVC_ERR_DUPLICATE_FIELD, offset,
		                    l->slots[j].name, tag, 0,
		                    "field occurs twice");
	if (j < l->n)
		return cvc_dec_fail(d, CVC_ERR_UNEXPECTED_TAG, offset,
		                    l->slots[j].name, tag, want,
		                    "field out of order");
	if (l->pos == l->n)
		return cvc_dec_fail(d, CVC_ERR_TRAILING_DATA, offset, l->owner,
		                    tag, 0, "data after the last field");
	return cvc_dec_fail(d, CVC_ERR_UNEXPECTED_TAG, offset,
	                    l->slots[l->pos].name, tag, want, NULL);
}

cvc_err cvc_layout_next(cvc_dec *d, cvc_layout *l, cvc_tlv *t, size_t *slot)
{
	size_t offset = cvc_tlv_offset(&l->r);
	uint32_t tag;
	size_t j;
	cvc_err err;

	if (cvc_tlv_remaining(&l->r) == 0) {
		*slot = l->n;
		return check_skipped(d, l, l->n, offset, 0);
	}
	if (!cvc_tlv_peek_tag(&l->r, &tag)) {
		if (l->pos == l->n)
			return cvc_dec_fail(d, CVC_ERR_TRAILING_DATA, offset,
			                    l->owner, 0, 0,
			                    "data after the last field");
		/* Not even a tag: let the TLV layer say what is wrong. */
		err = cvc_tlv_next(&l->r, t, d->diag);
		return tlv_failed(d, err != CVC_OK ? err : CVC_ERR_BAD_TAG,
		                  l->slots[l->pos].name);
	}
	j = slot_of(l, tag);
	if (j == l->n || j < l->pos)
		return misplaced(d, l, tag, offset);
	err = check_skipped(d, l, j, offset, tag);
	if (err != CVC_OK)
		return err;
	err = cvc_tlv_get(&l->r, tag, l->slots[j].name, t, d->diag);
	if (err != CVC_OK)
		return tlv_failed(d, err, l->slots[j].name);
	l->seen |= 1u << j;
	l->at[j] = t->offset;
	l->pos = j + 1;
	*slot = j;
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Field checks                                                         */

static cvc_err require_nonempty(cvc_dec *d, const cvc_tlv *t, const char *field)
{
	if (t->value.len == 0)
		return cvc_dec_fail(d, CVC_ERR_BAD_VALUE, t->offset, field,
		                    t->tag, 0, "empty value");
	return CVC_OK;
}

/* TR-03110-3 D.2: ISO 8859-1 without the C0 and C1 control characters. */
static bool is_forbidden_octet(uint8_t c)
{
	return c <= 0x1F || (c >= 0x7F && c <= 0x9F);
}

static cvc_err check_name_length(cvc_dec *d, const cvc_tlv *t,
                                 const char *field)
{
	if (t->value.len < 1 || t->value.len > CVC_MAX_REF_LEN)
		return cvc_dec_fail(d, CVC_ERR_BAD_STRING, t->offset, field,
		                    t->tag, 0, "length not within 1..16");
	return CVC_OK;
}

cvc_err cvc_dec_check_name(cvc_dec *d, const cvc_tlv *t, const char *field,
                           uint8_t cpi, bool is_car)
{
	size_t len = t->value.len;
	cvc_err err = check_name_length(d, t, field);

	if (err != CVC_OK)
		return err;
	if (cpi == CVC_CPI_GEMATIK_G2) {
		/* gemSpec_PKI 6.4: binary names, CAR 8, CHR 8 (CA) or 12. */
		if (is_car && len != 8)
			return cvc_dec_fail(d, CVC_ERR_BAD_STRING, t->offset,
			                    field, t->tag, 0,
			                    "gematik G2 CAR is 8 octets");
		if (!is_car && len != 8 && len != 12)
			return cvc_dec_fail(d, CVC_ERR_BAD_STRING, t->offset,
			                    field, t->tag, 0,
			                    "gematik G2 CHR is 8 or 12 octets");
		return CVC_OK;
	}
	for (size_t i = 0; i < len; i++) {
		if (is_forbidden_octet(t->value.data[i]))
			return cvc_dec_fail(d, CVC_ERR_BAD_STRING,
			                    value_offset(t) + i, field, t->tag,
			                    0, "forbidden control octet");
	}
	return CVC_OK;
}

static cvc_err decode_date(cvc_dec *d, const cvc_tlv *t, const char *field,
                           cvc_date *date)
{
	if (t->value.len != 6)
		return cvc_dec_fail(d, CVC_ERR_BAD_DATE, t->offset, field,
		                    t->tag, 0, "a date is 6 digits");
	if (cvc_date_decode(t->value.data, date) != CVC_OK)
		return cvc_dec_fail(d, CVC_ERR_BAD_DATE, value_offset(t), field,
		                    t->tag, 0, "not a valid YYMMDD date");
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Public key 7F49 (TR-03110-3 D.3)                                     */

static const uint8_t oid_ta_rsa[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                     0x02, 0x02, 0x02, 0x01};
static const uint8_t oid_ta_ecdsa[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                       0x02, 0x02, 0x02, 0x02};
static const uint8_t oid_gematik_ecc[] = {0x2B, 0x24, 0x03, 0x05, 0x03};
static const uint8_t oid_ecdsa_sha2[] = {0x2A, 0x86, 0x48, 0xCE,
                                         0x3D, 0x04, 0x03};
/*
 * Curve OIDs name the key's curve instead of an algorithm in bare keys such
 * as gematik's trust anchors (7F49 { 06 brainpoolP256r1, 86 point }).
 */
static const uint8_t oid_brainpool[] = {0x2B, 0x24, 0x03, 0x03,
                                        0x02, 0x08, 0x01, 0x01};
static const uint8_t oid_x962_prime[] = {0x2A, 0x86, 0x48, 0xCE,
                                         0x3D, 0x03, 0x01};
static const uint8_t oid_secg_curve[] = {0x2B, 0x81, 0x04, 0x00};

/* OID = prefix followed by one octet within [lo, hi]. */
static bool oid_in(cvc_span oid, const uint8_t *prefix, size_t n, uint8_t lo,
                   uint8_t hi)
{
	return oid.len == n + 1 && memcmp(oid.data, prefix, n) == 0 &&
	       oid.data[n] >= lo && oid.data[n] <= hi;
}

static cvc_key_type key_type_of(cvc_span oid)
{
	if (oid_in(oid, oid_ta_rsa, sizeof(oid_ta_rsa), 1, 6))
		return CVC_KEY_RSA;
	if (oid_in(oid, oid_ta_ecdsa, sizeof(oid_ta_ecdsa), 0, 0xFF) ||
	    oid_in(oid, oid_gematik_ecc, sizeof(oid_gematik_ecc), 1, 3) ||
	    oid_in(oid, oid_ecdsa_sha2, sizeof(oid_ecdsa_sha2), 2, 4) ||
	    oid_in(oid, oid_brainpool, sizeof(oid_brainpool), 1, 14) ||
	    oid_in(oid, oid_x962_prime, sizeof(oid_x962_prime), 1, 7) ||
	    oid_in(oid, oid_secg_curve, sizeof(oid_secg_curve), 0, 0x27))
		return CVC_KEY_EC;
	return CVC_KEY_UNKNOWN;
}

static const cvc_slot key_slots[] = {
    {CVC_TAG_OID, "public key OID", true},
    {0x81, "public key component 81", false},
    {0x82, "public key component 82", false},
    {0x83, "public key component 83", false},
    {0x84, "public key component 84", false},
    {0x85, "public key component 85", false},
    {0x86, "public key component 86", false},
    {0x87, "public key component 87", false},
};

/* RSA: 81 modulus and 82 exponent, nothing else (TR-03110-3 D.3.1). */
static cvc_err check_rsa_key(cvc_dec *d, const cvc_layout *l,
                             const cvc_pubkey *key, size_t key_offset)
{
	for (size_t i = 2; i < CVC_KEY_COMPONENTS; i++) {
		if (key->comp[i].len > 0)
			return cvc_dec_fail(d, CVC_ERR_UNEXPECTED_TAG,
			                    l->at[i + 1], "public key",
			                    (uint32_t)(0x81 + i), 0,
			                    "an RSA key has only 81 and 82");
	}
	for (size_t i = 0; i < 2; i++) {
		if (key->comp[i].len == 0)
			return cvc_dec_fail(d, CVC_ERR_MISSING_FIELD,
			                    key_offset, "public key", 0,
			                    (uint32_t)(0x81 + i),
			                    "an RSA key needs 81 and 82");
	}
	return CVC_OK;
}

/*
 * EC: the public point 86 always; domain parameters 81..85 all or none, the
 * cofactor 87 only with them (TR-03110-3 D.3.3).
 */
static cvc_err check_ec_key(cvc_dec *d, const cvc_pubkey *key,
                            size_t key_offset)
{
	bool any = cvc_pubkey_has_domain_params(key);

	if (CVC_EC_POINT(key).len == 0)
		return cvc_dec_fail(d, CVC_ERR_MISSING_FIELD, key_offset,
		                    "public key", 0, 0x86,
		                    "an EC key needs its public point 86");
	for (size_t i = 0; any && i < 5; i++) {
		if (key->comp[i].len == 0)
			return cvc_dec_fail(d, CVC_ERR_MISSING_FIELD,
			                    key_offset, "public key", 0,
			                    (uint32_t)(0x81 + i),
			                    "incomplete domain parameters");
	}
	return CVC_OK;
}

static cvc_err decode_pubkey_tlv(cvc_dec *d, const cvc_tlv_reader *parent,
                                 const cvc_tlv *t, cvc_pubkey *key)
{
	cvc_layout l;
	cvc_tlv c;
	size_t slot;
	cvc_err err;

	key->len_octets = cvc_dec_width(d, t);
	cvc_layout_init(&l, parent, t, key_slots, ARRAY_LEN(key_slots),
	                "public key");
	while ((err = cvc_layout_next(d, &l, &c, &slot)) == CVC_OK &&
	       slot < l.n) {
		err = require_nonempty(d, &c, key_slots[slot].name);
		if (err != CVC_OK)
			return err;
		if (slot == 0) {
			key->oid = c.value;
			key->oid_len_octets = cvc_dec_width(d, &c);
		} else {
			key->comp[slot - 1] = c.value;
			key->comp_len_octets[slot - 1] = cvc_dec_width(d, &c);
		}
	}
	if (err != CVC_OK)
		return err;
	key->type = key_type_of(key->oid);
	if (key->type == CVC_KEY_RSA)
		return check_rsa_key(d, &l, key, t->offset);
	if (key->type == CVC_KEY_EC)
		return check_ec_key(d, key, t->offset);
	return CVC_OK;
}

bool cvc_pubkey_has_domain_params(const cvc_pubkey *key)
{
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++) {
		if (i != 5 && key->comp[i].len > 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* CHAT 7F4C and extensions 65                                          */

static const cvc_slot chat_slots[] = {
    {CVC_TAG_OID, "CHAT OID", true},
    {CVC_TAG_CHAT_BITS, "CHAT bits", true},
};

static cvc_err decode_chat(cvc_dec *d, const cvc_tlv_reader *parent,
                           const cvc_tlv *t, cvc_chat *chat)
{
	cvc_layout l;
	cvc_tlv c;
	size_t slot;
	cvc_err err;

	chat->len_octets = cvc_dec_width(d, t);
	cvc_layout_init(&l, parent, t, chat_slots, ARRAY_LEN(chat_slots),
	                "CHAT");
	while ((err = cvc_layout_next(d, &l, &c, &slot)) == CVC_OK &&
	       slot < l.n) {
		err = require_nonempty(d, &c, chat_slots[slot].name);
		if (err != CVC_OK)
			return err;
		if (slot == 0) {
			chat->oid = c.value;
			chat->oid_len_octets = cvc_dec_width(d, &c);
		} else {
			chat->bits = c.value;
			chat->bits_len_octets = cvc_dec_width(d, &c);
		}
	}
	return err;
}

/* The content of an extension stays raw but must be well-formed TLVs. */
static cvc_err check_tlv_sequence(cvc_dec *d, cvc_tlv_reader r)
{
	cvc_tlv c;
	cvc_err err;

	while (cvc_tlv_remaining(&r) > 0) {
		err = cvc_tlv_next(&r, &c, d->diag);
		if (err != CVC_OK)
			return tlv_failed(d, err, "extension content");
		(void)cvc_dec_width(d, &c);
	}
	return CVC_OK;
}

/* 73 { 06 OID, context-specific data objects } (TR-03110-3 C.3). */
static cvc_err decode_extension(cvc_dec *d, const cvc_tlv_reader *parent,
                                const cvc_tlv *t, cvc_ext *ext)
{
	cvc_tlv_reader r;
	cvc_tlv oid;
	cvc_err err;

	ext->len_octets = cvc_dec_width(d, t);
	cvc_tlv_reader_child(parent, t, &r);
	err = cvc_tlv_get(&r, CVC_TAG_OID, "extension OID", &oid, d->diag);
	if (err != CVC_OK)
		return tlv_failed(d, err, "extension OID");
	err = require_nonempty(d, &oid, "extension OID");
	if (err != CVC_OK)
		return err;
	ext->oid = oid.value;
	ext->oid_len_octets = cvc_dec_width(d, &oid);
	ext->content.data = r.data;
	ext->content.len = cvc_tlv_remaining(&r);
	return check_tlv_sequence(d, r);
}

static cvc_err decode_extensions(cvc_dec *d, const cvc_tlv_reader *parent,
                                 const cvc_tlv *t, cvc_cert *cert)
{
	cvc_tlv_reader r;
	cvc_tlv c;
	cvc_err err;

	cert->has_extensions = true;
	cert->len_octets[CVC_F_EXTENSIONS] = cvc_dec_width(d, t);
	cvc_tlv_reader_child(parent, t, &r);
	while (cvc_tlv_remaining(&r) > 0) {
		size_t offset = cvc_tlv_offset(&r);

		err = cvc_tlv_get(&r, CVC_TAG_DDT, "extension", &c, d->diag);
		if (err != CVC_OK)
			return tlv_failed(d, err, "extension");
		if (cert->n_ext == CVC_MAX_EXTENSIONS)
			return cvc_dec_fail(d, CVC_ERR_TOO_MANY, offset,
			                    "extensions", c.tag, 0,
			                    "more than 16 extensions");
		err = decode_extension(d, &r, &c, &cert->ext[cert->n_ext]);
		if (err != CVC_OK)
			return err;
		cert->n_ext++;
	}
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Body 7F4E (TR-03110-3 C.1, C.2)                                      */

enum body_slot {
	BODY_CPI,
	BODY_CAR,
	BODY_KEY,
	BODY_CHR,
	BODY_CHAT,
	BODY_CED,
	BODY_CXD,
	BODY_EXT,
	BODY_SLOTS
};

/* CAR, CHAT and dates are optional here: requests leave them out. */
static const cvc_slot body_slots[BODY_SLOTS] = {
    {CVC_TAG_CPI, "CPI", true},
    {CVC_TAG_CAR, "CAR", false},
    {CVC_TAG_PUBKEY, "public key", true},
    {CVC_TAG_CHR, "CHR", true},
    {CVC_TAG_CHAT, "CHAT", false},
    {CVC_TAG_CED, "effective date", false},
    {CVC_TAG_CXD, "expiration date", false},
    {CVC_TAG_EXTENSIONS, "extensions", false},
};

static cvc_err decode_body_field(cvc_dec *d, const cvc_tlv_reader *r,
                                 size_t slot, const cvc_tlv *t, cvc_cert *cert)
{
	const char *name = body_slots[slot].name;

	switch (slot) {
	case BODY_CPI:
		if (t->value.len != 1)
			return cvc_dec_fail(d, CVC_ERR_BAD_VALUE, t->offset,
			                    name, t->tag, 0,
			                    "the CPI is one octet");
		cert->cpi = t->value.data[0];
		cert->len_octets[CVC_F_CPI] = cvc_dec_width(d, t);
		return CVC_OK;
	case BODY_CAR:
		cert->has_car = true;
		cert->car = t->value;
		cert->len_octets[CVC_F_CAR] = cvc_dec_width(d, t);
		return cvc_dec_check_name(d, t, name, cert->cpi, true);
	case BODY_KEY:
		return decode_pubkey_tlv(d, r, t, &cert->key);
	case BODY_CHR:
		cert->chr = t->value;
		cert->len_octets[CVC_F_CHR] = cvc_dec_width(d, t);
		return cvc_dec_check_name(d, t, name, cert->cpi, false);
	case BODY_CHAT:
		cert->has_chat = true;
		return decode_chat(d, r, t, &cert->chat);
	case BODY_CED:
		cert->len_octets[CVC_F_CED] = cvc_dec_width(d, t);
		return decode_date(d, t, name, &cert->effective);
	case BODY_CXD:
		cert->len_octets[CVC_F_CXD] = cvc_dec_width(d, t);
		return decode_date(d, t, name, &cert->expiration);
	default:
		return decode_extensions(d, r, t, cert);
	}
}

/* Offset where a missing slot would have been: the next filled one. */
static size_t missing_offset(const cvc_layout *l, size_t slot, size_t end)
{
	for (size_t i = slot + 1; i < l->n; i++) {
		if (l->seen & (1u << i))
			return l->at[i];
	}
	return end;
}

/*
 * A body with a CHAT or dates is a certificate and then needs CAR, CHAT and
 * both dates; one with none of them is a request (TR-03110-3 C.2).
 */
static cvc_err classify_body(cvc_dec *d, const cvc_layout *l,
                             const cvc_tlv *body, bool request_only,
                             cvc_cert *cert)
{
	static const size_t cert_only[] = {BODY_CHAT, BODY_CED, BODY_CXD};
	static const size_t cert_needs[] = {BODY_CAR, BODY_CHAT, BODY_CED,
	                                    BODY_CXD};
	bool is_cert = false;

	for (size_t i = 0; i < 3; i++) {
		size_t s = cert_only[i];

		if (!(l->seen & (1u << s)))
			continue;
		if (request_only)
			return cvc_dec_fail(
			    d, CVC_ERR_UNEXPECTED_TAG, l->at[s],
			    body_slots[s].name, body_slots[s].tag, 0,
			    "a request has no CHAT and no dates");
		is_cert = true;
	}
	if (!is_cert) {
		cert->kind = CVC_KIND_REQUEST;
		return CVC_OK;
	}
	for (size_t i = 0; i < 4; i++) {
		size_t s = cert_needs[i];

		if (!(l->seen & (1u << s)))
			return cvc_dec_fail(d, CVC_ERR_MISSING_FIELD,
			                    missing_offset(l, s, tlv_end(body)),
			                    body_slots[s].name, 0,
			                    body_slots[s].tag,
			                    "mandatory in a certificate");
	}
	cert->kind = CVC_KIND_CERT;
	cert->has_dates = true;
	return CVC_OK;
}

static const uint8_t oid_gematik_flags[] = {0x2A, 0x82, 0x14, 0x00,
                                            0x4C, 0x04, 0x81};

/* gemSpec_PKI 6.4: key = OID and point only; CHAT = flag list, 7 octets. */
static cvc_err check_gematik(cvc_dec *d, const cvc_layout *l,
                             const cvc_cert *cert)
{
	const cvc_pubkey *key = &cert->key;

	if (cvc_pubkey_has_domain_params(key) || CVC_EC_POINT(key).len == 0)
		return cvc_dec_fail(d, CVC_ERR_BAD_VALUE, l->at[BODY_KEY],
		                    "public key", CVC_TAG_PUBKEY, 0,
		                    "gematik G2 key is an OID and a point");
	if (!cert->has_chat)
		return CVC_OK;
	if (!oid_in(cert->chat.oid, oid_gematik_flags,
	            sizeof(oid_gematik_flags), 0x18, 0x19))
		return cvc_dec_fail(d, CVC_ERR_BAD_VALUE, l->at[BODY_CHAT],
		                    "CHAT", CVC_TAG_CHAT, 0,
		                    "not a gematik flag-list OID");
	if (cert->chat.bits.len != 7)
		return cvc_dec_fail(d, CVC_ERR_BAD_VALUE, l->at[BODY_CHAT],
		                    "CHAT", CVC_TAG_CHAT, 0,
		                    "gematik flag list is 7 octets");
	return CVC_OK;
}

static cvc_err decode_body(cvc_dec *d, const cvc_tlv_reader *parent,
                           const cvc_tlv *t, bool request_only, cvc_cert *cert)
{
	cvc_layout l;
	cvc_tlv c;
	size_t slot;
	cvc_err err;

	cert->len_octets[CVC_F_BODY] = cvc_dec_width(d, t);
	cert->tbs = t->whole;
	cvc_layout_init(&l, parent, t, body_slots, BODY_SLOTS, "body");
	while ((err = cvc_layout_next(d, &l, &c, &slot)) == CVC_OK &&
	       slot < l.n) {
		err = decode_body_field(d, &l.r, slot, &c, cert);
		if (err != CVC_OK)
			return err;
	}
	if (err != CVC_OK)
		return err;
	err = classify_body(d, &l, t, request_only, cert);
	if (err != CVC_OK)
		return err;
	if (cert->cpi != CVC_CPI_GEMATIK_G2) {
		cert->profile = CVC_PROFILE_TR03110;
		return CVC_OK;
	}
	cert->profile = CVC_PROFILE_GEMATIK_G2;
	return check_gematik(d, &l, cert);
}

/* ------------------------------------------------------------------ */
/* 7F21: certificate, request, ISO 7816-9 form                          */

static const cvc_slot cv_slots[] = {
    {CVC_TAG_BODY, "body", true},
    {CVC_TAG_SIGNATURE, "signature", true},
};

static const cvc_slot iso9796_slots[] = {
    {CVC_TAG_SIGNATURE, "signature", true},
    {CVC_TAG_REMAINDER, "public key remainder", true},
    {CVC_TAG_CAR, "CAR", true},
};

/*
 * Only 5F37, 5F38, 42 in this order is the ISO 7816-9 form of DNIe. Other
 * objects starting with a signature are gematik G1 / CWA-14890 certificates,
 * whose content is not self-descriptive: recognised, not supported.
 */
static cvc_err check_iso9796_layout(cvc_dec *d, const cvc_tlv_reader *parent,
                                    const cvc_tlv *t)
{
	cvc_tlv_reader r;
	cvc_tlv c;
	size_t n = 0;
	bool match = true;
	cvc_err err;

	cvc_tlv_reader_child(parent, t, &r);
	while (cvc_tlv_remaining(&r) > 0) {
		err = cvc_tlv_next(&r, &c, d->diag);
		if (err != CVC_OK)
			return tlv_failed(d, err, "certificate");
		if (n >= ARRAY_LEN(iso9796_slots) ||
		    c.tag != iso9796_slots[n].tag)
			match = false;
		n++;
	}
	if (!match || n != ARRAY_LEN(iso9796_slots))
		return cvc_dec_fail(d, CVC_ERR_UNSUPPORTED, t->offset,
		                    "certificate", t->tag, 0,
		                    "G1 / CWA-14890 certificate (not "
		                    "self-descriptive)");
	return CVC_OK;
}

static cvc_err decode_iso9796(cvc_dec *d, const cvc_tlv_reader *parent,
                              const cvc_tlv *t, cvc_cert *cert)
{
	cvc_layout l;
	cvc_tlv c;
	size_t slot;
	cvc_err err;

	err = check_iso9796_layout(d, parent, t);
	if (err != CVC_OK)
		return err;
	cvc_layout_init(&l, parent, t, iso9796_slots, ARRAY_LEN(iso9796_slots),
	                "certificate");
	while ((err = cvc_layout_next(d, &l, &c, &slot)) == CVC_OK &&
	       slot < l.n) {
		if (slot == 0) {
			err = require_nonempty(d, &c, "signature");
			cert->signature = c.value;
			cert->len_octets[CVC_F_SIGNATURE] =
			    cvc_dec_width(d, &c);
		} else if (slot == 1) {
			cert->remainder = c.value;
			cert->len_octets[CVC_F_REMAINDER] =
			    cvc_dec_width(d, &c);
		} else {
			/* Binary on DNIe: only the length rule applies. */
			err = check_name_length(d, &c, "CAR");
			cert->has_car = true;
			cert->car = c.value;
			cert->len_octets[CVC_F_CAR] = cvc_dec_width(d, &c);
		}
		if (err != CVC_OK)
			return err;
	}
	if (err != CVC_OK)
		return err;
	cert->kind = CVC_KIND_ISO9796;
	cert->profile = CVC_PROFILE_ISO7816_9;
	return CVC_OK;
}

cvc_err cvc_dec_cv_object(cvc_dec *d, const cvc_tlv_reader *parent,
                          const cvc_tlv *t, bool request_only, cvc_cert *cert)
{
	cvc_tlv_reader r;
	cvc_layout l;
	cvc_tlv c;
	uint32_t first;
	size_t slot;
	cvc_err err;

	cert->len_octets[CVC_F_CERT] = cvc_dec_width(d, t);
	cvc_tlv_reader_child(parent, t, &r);
	if (!request_only && cvc_tlv_peek_tag(&r, &first) &&
	    first == CVC_TAG_SIGNATURE)
		return decode_iso9796(d, parent, t, cert);
	cvc_layout_init(&l, parent, t, cv_slots, ARRAY_LEN(cv_slots),
	                "certificate");
	while ((err = cvc_layout_next(d, &l, &c, &slot)) == CVC_OK &&
	       slot < l.n) {
		if (slot == 0) {
			err = decode_body(d, &l.r, &c, request_only, cert);
		} else {
			err = require_nonempty(d, &c, "signature");
			cert->signature = c.value;
			cert->len_octets[CVC_F_SIGNATURE] =
			    cvc_dec_width(d, &c);
		}
		if (err != CVC_OK)
			return err;
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* Top level                                                            */

static cvc_err check_flags_and_args(cvc_dec *d, const uint8_t *data, size_t len,
                                    unsigned flags, const void *out)
{
	if (out == NULL || (data == NULL && len > 0))
		return cvc_dec_fail(d, CVC_ERR_INVALID_ARG, 0, NULL, 0, 0,
		                    "NULL argument");
	if (flags & ~CVC_DECODE_LENIENT)
		return cvc_dec_fail(d, CVC_ERR_INVALID_ARG, 0, NULL, 0, 0,
		                    "unknown flag");
	return CVC_OK;
}

static void dec_init(cvc_dec *d, unsigned flags, cvc_diag *diag)
{
	d->mode =
	    (flags & CVC_DECODE_LENIENT) ? CVC_TLV_LENIENT : CVC_TLV_STRICT;
	d->diag = diag;
	d->nonminimal = false;
	if (diag != NULL)
		memset(diag, 0, sizeof(*diag));
}

/* Reads the outermost TLV, which must have one of the tags given. */
static cvc_err read_top(cvc_dec *d, cvc_tlv_reader *r, const char *field,
                        uint32_t want, uint32_t also, cvc_tlv *t)
{
	uint32_t tag;
	cvc_err err;

	if (cvc_tlv_peek_tag(r, &tag) && tag != want && tag != also)
		return cvc_dec_fail(d, CVC_ERR_UNEXPECTED_TAG, 0, field, tag,
		                    want, NULL);
	err = cvc_tlv_next(r, t, d->diag);
	if (err != CVC_OK)
		return top_failed(d, err, field);
	if (t->whole.len > CVC_MAX_OBJECT_LEN)
		return cvc_dec_fail(d, CVC_ERR_BAD_LENGTH, 0, field, t->tag, 0,
		                    "object longer than 65535 octets");
	return CVC_OK;
}

cvc_err cvc_cert_decode_prefix(const uint8_t *data, size_t len, unsigned flags,
                               cvc_cert *cert, size_t *used, cvc_diag *diag)
{
	cvc_tlv_reader r;
	cvc_dec d;
	cvc_tlv t;
	cvc_err err;

	dec_init(&d, flags, diag);
	err = check_flags_and_args(&d, data, len, flags, cert);
	if (err == CVC_OK && used == NULL)
		err = cvc_dec_fail(&d, CVC_ERR_INVALID_ARG, 0, NULL, 0, 0,
		                   "NULL argument");
	if (err != CVC_OK)
		return err;
	memset(cert, 0, sizeof(*cert));
	*used = 0;
	cvc_tlv_reader_init(&r, data, len, d.mode);
	err = read_top(&d, &r, "certificate", CVC_TAG_CERT,
	               CVC_TAG_AUTH_REQUEST, &t);
	if (err == CVC_OK && t.tag == CVC_TAG_AUTH_REQUEST)
		err = cvc_dec_auth_request(&d, &r, &t, cert);
	else if (err == CVC_OK)
		err = cvc_dec_cv_object(&d, &r, &t, false, cert);
	if (err != CVC_OK) {
		memset(cert, 0, sizeof(*cert));
		return err;
	}
	cert->raw = t.whole;
	cert->nonminimal = d.nonminimal;
	*used = t.whole.len;
	return CVC_OK;
}

cvc_err cvc_cert_decode(const uint8_t *data, size_t len, unsigned flags,
                        cvc_cert *cert, cvc_diag *diag)
{
	size_t used;
	cvc_err err;

	err = cvc_cert_decode_prefix(data, len, flags, cert, &used, diag);
	if (err != CVC_OK)
		return err;
	if (used != len) {
		cvc_dec d = {.diag = diag};

		memset(cert, 0, sizeof(*cert));
		return cvc_dec_fail(&d, CVC_ERR_TRAILING_DATA, used,
		                    "certificate", 0, 0,
		                    "data after the end of the object");
	}
	return CVC_OK;
}

cvc_err cvc_pubkey_decode(const uint8_t *data, size_t len, unsigned flags,
                          cvc_pubkey *key, cvc_diag *diag)
{
	cvc_tlv_reader r;
	cvc_dec d;
	cvc_tlv t;
	cvc_err err;

	dec_init(&d, flags, diag);
	err = check_flags_and_args(&d, data, len, flags, key);
	if (err != CVC_OK)
		return err;
	memset(key, 0, sizeof(*key));
	cvc_tlv_reader_init(&r, data, len, d.mode);
	err =
	    read_top(&d, &r, "public key", CVC_TAG_PUBKEY, CVC_TAG_PUBKEY, &t);
	if (err == CVC_OK)
		err = decode_pubkey_tlv(&d, &r, &t, key);
	if (err == CVC_OK && cvc_tlv_remaining(&r) > 0)
		err = cvc_dec_fail(&d, CVC_ERR_TRAILING_DATA, t.whole.len,
		                   "public key", 0, 0,
		                   "data after the end of the object");
	if (err != CVC_OK)
		memset(key, 0, sizeof(*key));
	return err;
}

/* ------------------------------------------------------------------ */
/* Names                                                                */

const char *cvc_kind_name(cvc_kind kind)
{
	switch (kind) {
	case CVC_KIND_CERT:
		return "certificate";
	case CVC_KIND_REQUEST:
		return "request";
	case CVC_KIND_AUTH_REQUEST:
		return "authenticated-request";
	case CVC_KIND_ISO9796:
		return "iso7816-9-certificate";
	}
	return "unknown";
}

const char *cvc_profile_name(cvc_profile profile)
{
	switch (profile) {
	case CVC_PROFILE_TR03110:
		return "tr-03110";
	case CVC_PROFILE_GEMATIK_G2:
		return "gematik-g2";
	case CVC_PROFILE_ISO7816_9:
		return "iso7816-9";
	}
	return "unknown";
}
