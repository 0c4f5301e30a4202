/* SPDX-License-Identifier: MIT */
/*
 * JSON rendering of certificates, requests and public keys. The schema is
 * documented in doc/json-schema.md ("libcvc-cert/1", "libcvc-pubkey/1") and
 * only ever grows. Optional fields are left out, never null. Output goes
 * straight to the FILE *; nothing is allocated.
 */
#include <string.h>

#include <cvc/chat.h>
#include <cvc/oid.h>
#include <cvc/print.h>

#include "print_int.h"

#define CERT_SCHEMA   "libcvc-cert/1"
#define PUBKEY_SCHEMA "libcvc-pubkey/1"

/* ------------------------------------------------------------------ */
/* Writing JSON                                                        */

/* An object or array being written: remembers whether a comma is due. */
struct json {
	FILE *out;
	bool first;
};

/*
 * A string of octets taken as ISO 8859-1 (the CAR/CHR character set): each
 * octet is the code point U+00XX, so everything outside printable ASCII is
 * written as \u00XX and the output stays ASCII (RFC 8259 section 7).
 */
static void put_string_octets(FILE *out, const uint8_t *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		uint8_t c = s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c > 0x7E)
			fprintf(out, "\\u%04x", (unsigned)c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void put_string(FILE *out, const char *s)
{
	put_string_octets(out, (const uint8_t *)s, strlen(s));
}

static void put_hex(FILE *out, cvc_span s)
{
	fputc('"', out);
	cvc_pr_hex(out, s.data, s.len, false);
	fputc('"', out);
}

static struct json open_object(FILE *out)
{
	fputc('{', out);
	return (struct json){out, true};
}

static struct json open_array(FILE *out)
{
	fputc('[', out);
	return (struct json){out, true};
}

static void close_object(struct json *j)
{
	fputc('}', j->out);
}

static void close_array(struct json *j)
{
	fputc(']', j->out);
}

/* Separator before the next element of an array. */
static void next(struct json *j)
{
	if (!j->first)
		fputc(',', j->out);
	j->first = false;
}

static void put_key(struct json *j, const char *name)
{
	next(j);
	put_string(j->out, name);
	fputc(':', j->out);
}

static void str_member(struct json *j, const char *name, const char *value)
{
	put_key(j, name);
	put_string(j->out, value);
}

static void hex_member(struct json *j, const char *name, cvc_span value)
{
	put_key(j, name);
	put_hex(j->out, value);
}

static void uint_member(struct json *j, const char *name, unsigned value)
{
	put_key(j, name);
	fprintf(j->out, "%u", value);
}

static void bool_member(struct json *j, const char *name, bool value)
{
	put_key(j, name);
	fputs(value ? "true" : "false", j->out);
}

/* "oid" (dotted, when well formed), "oid_hex" and "oid_name" (when known) */
static void oid_members(struct json *j, const char *prefix, cvc_span oid)
{
	char dotted[CVC_PR_OID_TEXT];
	char name[32];
	const char *known = cvc_oid_name(oid);

	if (cvc_oid_to_text(oid, dotted, sizeof(dotted)) == CVC_OK)
		str_member(j, prefix, dotted);
	snprintf(name, sizeof(name), "%s_hex", prefix);
	hex_member(j, name, oid);
	if (known != NULL) {
		snprintf(name, sizeof(name), "%s_name", prefix);
		str_member(j, name, known);
	}
}

/* ------------------------------------------------------------------ */
/* References                                                          */

static void gematik_ca_object(struct json *parent, const cvc_pr_gem_ca *ca)
{
	struct json j;
	char algorithm[4];

	put_key(parent, "gematik");
	j = open_object(parent->out);
	str_member(&j, "ca_name", ca->name);
	uint_member(&j, "service_indicator", ca->service_indicator);
	uint_member(&j, "ca_number", ca->ca_digit);
	snprintf(algorithm, sizeof(algorithm), "%02u", ca->algorithm);
	str_member(&j, "algorithm", algorithm);
	uint_member(&j, "generation_year", 2000 + ca->year);
	close_object(&j);
}

static void digits_member(struct json *j, const char *name, const char *s,
                          size_t from, size_t len)
{
	put_key(j, name);
	put_string_octets(j->out, (const uint8_t *)s + from, len);
}

static void gematik_ee_object(struct json *parent, const cvc_pr_gem_ee *ee)
{
	struct json j;

	put_key(parent, "gematik");
	j = open_object(parent->out);
	hex_member(&j, "key_id", (cvc_span){ee->key_id, 2});
	str_member(&j, "iccsn", ee->iccsn);
	digits_member(&j, "mii", ee->iccsn, CVC_PR_ICCSN_MII);
	digits_member(&j, "country", ee->iccsn, CVC_PR_ICCSN_COUNTRY);
	digits_member(&j, "issuer", ee->iccsn, CVC_PR_ICCSN_ISSUER);
	digits_member(&j, "serial", ee->iccsn, CVC_PR_ICCSN_SERIAL);
	close_object(&j);
}

static void ref_member(struct json *parent, const char *name, cvc_span ref,
                       bool gematik)
{
	struct json j;
	cvc_pr_gem_ca ca;
	cvc_pr_gem_ee ee;

	put_key(parent, name);
	j = open_object(parent->out);
	if (ref.len > 0 && cvc_pr_is_latin1(ref)) {
		put_key(&j, "text");
		put_string_octets(j.out, ref.data, ref.len);
	}
	hex_member(&j, "hex", ref);
	if (gematik && cvc_pr_gematik_ca(ref, &ca))
		gematik_ca_object(&j, &ca);
	else if (gematik && cvc_pr_gematik_ee(ref, &ee))
		gematik_ee_object(&j, &ee);
	close_object(&j);
}

/* ------------------------------------------------------------------ */
/* Public key                                                          */

static void components_member(struct json *parent, const cvc_pubkey *key,
                              cvc_key_type type)
{
	struct json j;
	char tag[8];

	put_key(parent, "components");
	j = open_object(parent->out);
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++) {
		const char *name = cvc_pr_component_name(type, i);

		if (key->comp[i].len == 0)
			continue;
		if (name == NULL) {
			snprintf(tag, sizeof(tag), "%02zx", 0x81 + i);
			name = tag;
		}
		hex_member(&j, name, key->comp[i]);
	}
	close_object(&j);
}

static void key_members(struct json *j, const cvc_pubkey *key, unsigned cpi)
{
	const char *curve = cvc_curve_name(key, cpi);
	unsigned bits = cvc_pr_key_bits(key, cpi);
	cvc_key_type type = cvc_pr_key_type(key, cpi);

	oid_members(j, "oid", key->oid);
	str_member(j, "type", cvc_pr_key_type_name(type));
	if (curve != NULL)
		str_member(j, "curve", curve);
	if (bits > 0)
		uint_member(j, "bits", bits);
	bool_member(j, "domain_parameters",
	            type == CVC_KEY_EC && cvc_pubkey_has_domain_params(key));
	components_member(j, key, type);
}

cvc_err cvc_pubkey_print_json(FILE *out, const cvc_pubkey *key, unsigned cpi,
                              unsigned flags)
{
	struct json j;

	if (out == NULL || key == NULL || (flags & ~CVC_PRINT_VERBOSE) != 0 ||
	    !cvc_pr_key_ok(key))
		return CVC_ERR_INVALID_ARG;
	j = open_object(out);
	str_member(&j, "schema", PUBKEY_SCHEMA);
	key_members(&j, key, cpi);
	close_object(&j);
	return ferror(out) ? CVC_ERR_IO : CVC_OK;
}

/* ------------------------------------------------------------------ */
/* CHAT                                                                */

static const char *role_id(cvc_role role)
{
	switch (role) {
	case CVC_ROLE_CVCA:
		return "cvca";
	case CVC_ROLE_DV_DOMESTIC:
		return "dv-domestic";
	case CVC_ROLE_DV_FOREIGN:
		return "dv-foreign";
	default:
		return "terminal";
	}
}

static void rights_member(struct json *parent, const cvc_chat *chat,
                          const cvc_chat_info *info)
{
	struct json a;

	put_key(parent, "rights");
	a = open_array(parent->out);
	for (size_t bit = 0; bit < info->nbits; bit++) {
		const char *name;
		struct json r;

		if (cvc_chat_is_role_bit(info->type, info->nbits, bit) ||
		    !cvc_chat_bit(chat, info->type, bit))
			continue;
		name = cvc_chat_bit_name(info->type, bit);
		next(&a);
		r = open_object(a.out);
		put_key(&r, "bit");
		fprintf(r.out, "%zu", bit);
		if (name != NULL)
			str_member(&r, "name", name);
		close_object(&r);
	}
	close_array(&a);
}

static void chat_member(struct json *parent, const cvc_chat *chat)
{
	cvc_chat_info info;
	cvc_err err = cvc_chat_info_get(chat, &info);
	struct json j;

	put_key(parent, "chat");
	j = open_object(parent->out);
	oid_members(&j, "oid", chat->oid);
	str_member(&j, "terminal_type", cvc_terminal_type_name(info.type));
	hex_member(&j, "bits", chat->bits);
	if (err == CVC_OK) {
		str_member(&j, "role", role_id(info.role));
		str_member(&j, "role_name",
		           cvc_role_name(info.type, info.role));
		rights_member(&j, chat, &info);
	}
	close_object(&j);
}

/* ------------------------------------------------------------------ */
/* Extensions                                                          */

#define MAX_EXT_DEPTH 3

/*
 * "objects": the data objects of an extension, named when known. Left out
 * when the content is not a sequence of TLVs.
 */
static void objects_member(struct json *parent, cvc_span oid, cvc_span content,
                           int level)
{
	cvc_tlv_reader r;
	cvc_tlv o;
	struct json a;

	/* Check first, so that a failure leaves no half-written array. */
	if (!cvc_pr_is_tlv_sequence(content))
		return;
	put_key(parent, "objects");
	a = open_array(parent->out);
	cvc_tlv_reader_init(&r, content.data, content.len, CVC_TLV_LENIENT);
	while (cvc_tlv_remaining(&r) > 0 &&
	       cvc_tlv_next(&r, &o, NULL) == CVC_OK) {
		const char *name = cvc_pr_ext_object_name(oid, o.tag);
		char tag[8];
		struct json j;

		next(&a);
		j = open_object(a.out);
		snprintf(tag, sizeof(tag), "%02x", (unsigned)o.tag);
		str_member(&j, "tag", tag);
		if (name != NULL)
			str_member(&j, "name", name);
		hex_member(&j, "value", o.value);
		if (o.constructed && level < MAX_EXT_DEPTH)
			objects_member(&j, oid, o.value, level + 1);
		close_object(&j);
	}
	close_array(&a);
}

static void extensions_member(struct json *parent, const cvc_cert *cert)
{
	struct json a;

	put_key(parent, "extensions");
	a = open_array(parent->out);
	for (size_t i = 0; i < cert->n_ext; i++) {
		const cvc_ext *e = &cert->ext[i];
		struct json j;

		next(&a);
		j = open_object(a.out);
		oid_members(&j, "oid", e->oid);
		hex_member(&j, "content", e->content);
		objects_member(&j, e->oid, e->content, 0);
		close_object(&j);
	}
	close_array(&a);
}

/* ------------------------------------------------------------------ */
/* Certificate                                                         */

static void date_member(struct json *j, const char *name, const cvc_date *d)
{
	put_key(j, name);
	fprintf(j->out, "\"%04u-%02u-%02u\"", (unsigned)d->year,
	        (unsigned)d->month, (unsigned)d->day);
}

static void outer_member(struct json *parent, const cvc_cert *cert)
{
	struct json j;

	put_key(parent, "outer");
	j = open_object(parent->out);
	ref_member(&j, "car", cert->outer_car, false);
	hex_member(&j, "signature", cert->outer_signature);
	close_object(&j);
}

static void body_members(struct json *j, const cvc_cert *cert)
{
	bool gematik = cert->profile == CVC_PROFILE_GEMATIK_G2;
	struct json k;

	uint_member(j, "cpi", cert->cpi);
	if (cert->has_car)
		ref_member(j, "car", cert->car, gematik);
	ref_member(j, "chr", cert->chr, gematik);
	put_key(j, "public_key");
	k = open_object(j->out);
	key_members(&k, &cert->key, cert->cpi);
	close_object(&k);
	if (cert->has_chat)
		chat_member(j, &cert->chat);
	if (cert->has_dates) {
		date_member(j, "effective", &cert->effective);
		date_member(j, "expiration", &cert->expiration);
	}
	if (cert->has_extensions)
		extensions_member(j, cert);
	hex_member(j, "signature", cert->signature);
	if (cert->kind == CVC_KIND_AUTH_REQUEST)
		outer_member(j, cert);
}

/* ISO 7816-9 form: the body is recovered from the signature (ISO 9796-2). */
static void iso9796_members(struct json *j, const cvc_cert *cert)
{
	if (cert->has_car)
		ref_member(j, "car", cert->car, false);
	hex_member(j, "signature", cert->signature);
	hex_member(j, "remainder", cert->remainder);
	bool_member(j, "body_in_signature", true);
}

cvc_err cvc_cert_print_json(FILE *out, const cvc_cert *cert, unsigned flags)
{
	struct json j;

	if (out == NULL || cert == NULL || (flags & ~CVC_PRINT_VERBOSE) != 0 ||
	    !cvc_pr_cert_ok(cert))
		return CVC_ERR_INVALID_ARG;
	j = open_object(out);
	str_member(&j, "schema", CERT_SCHEMA);
	str_member(&j, "kind", cvc_kind_name(cert->kind));
	str_member(&j, "profile", cvc_profile_name(cert->profile));
	if (cert->kind == CVC_KIND_ISO9796)
		iso9796_members(&j, cert);
	else
		body_members(&j, cert);
	bool_member(&j, "nonminimal_length", cert->nonminimal);
	close_object(&j);
	return ferror(out) ? CVC_ERR_IO : CVC_OK;
}
