/* SPDX-License-Identifier: MIT */
/*
 * Readable multi-line text for certificates, requests and public keys, and
 * the helpers the JSON printer shares (print_int.h). Output goes straight to
 * the FILE *; nothing is allocated.
 */
#include <stdarg.h>
#include <string.h>

#include <cvc/chat.h>
#include <cvc/oid.h>
#include <cvc/print.h>

#include "print_int.h"

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */

void cvc_pr_hex(FILE *out, const uint8_t *data, size_t len, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char chunk[128];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		chunk[n++] = digits[data[i] >> 4];
		chunk[n++] = digits[data[i] & 0x0F];
		if (n == sizeof(chunk)) {
			fwrite(chunk, 1, n, out);
			n = 0;
		}
	}
	if (n > 0)
		fwrite(chunk, 1, n, out);
}

bool cvc_pr_is_ascii(cvc_span s)
{
	for (size_t i = 0; i < s.len; i++)
		if (s.data[i] < 0x20 || s.data[i] > 0x7E)
			return false;
	return true;
}

bool cvc_pr_is_latin1(cvc_span s)
{
	for (size_t i = 0; i < s.len; i++) {
		uint8_t c = s.data[i];

		if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
			return false;
	}
	return true;
}

static bool is_bcd(uint8_t octet)
{
	return (octet >> 4) <= 9 && (octet & 0x0F) <= 9;
}

static unsigned bcd_value(uint8_t octet)
{
	return (octet >> 4) * 10u + (octet & 0x0Fu);
}

bool cvc_pr_gematik_ca(cvc_span ref, cvc_pr_gem_ca *out)
{
	if (ref.len != 8)
		return false;
	for (size_t i = 0; i < 5; i++)
		if (ref.data[i] <= 0x20 || ref.data[i] > 0x7E)
			return false;
	for (size_t i = 5; i < 8; i++)
		if (!is_bcd(ref.data[i]))
			return false;
	memcpy(out->name, ref.data, 5);
	out->name[5] = '\0';
	out->service_indicator = ref.data[5] >> 4;
	out->ca_digit = ref.data[5] & 0x0Fu;
	out->algorithm = bcd_value(ref.data[6]);
	out->year = bcd_value(ref.data[7]);
	return true;
}

bool cvc_pr_gematik_ee(cvc_span ref, cvc_pr_gem_ee *out)
{
	if (ref.len != 12)
		return false;
	for (size_t i = 2; i < 12; i++)
		if (!is_bcd(ref.data[i]))
			return false;
	memcpy(out->key_id, ref.data, 2);
	for (size_t i = 0; i < 10; i++) {
		out->iccsn[2 * i] = (char)('0' + (ref.data[2 + i] >> 4));
		out->iccsn[2 * i + 1] = (char)('0' + (ref.data[2 + i] & 0x0F));
	}
	out->iccsn[20] = '\0';
	return true;
}

static unsigned bit_length(cvc_span n)
{
	size_t i = 0;
	unsigned bits;
	uint8_t top;

	while (i < n.len && n.data[i] == 0)
		i++;
	if (i == n.len || n.len - i > 0xFFFFFF)
		return 0;
	bits = (unsigned)(n.len - i - 1) * 8;
	for (top = n.data[i]; top != 0; top >>= 1)
		bits++;
	return bits;
}

/* Octets per coordinate of a point in X9.62 encoding; 0 when not a point. */
static size_t coordinate_length(cvc_span point)
{
	if (point.len < 3)
		return 0;
	if (point.data[0] == 0x04 && point.len % 2 == 1)
		return (point.len - 1) / 2;
	if (point.data[0] == 0x02 || point.data[0] == 0x03)
		return point.len - 1;
	return 0;
}

cvc_key_type cvc_pr_key_type(const cvc_pubkey *key, unsigned cpi)
{
	if (key->type == CVC_KEY_UNKNOWN && cvc_curve_name(key, cpi) != NULL)
		return CVC_KEY_EC;
	return key->type;
}

unsigned cvc_pr_key_bits(const cvc_pubkey *key, unsigned cpi)
{
	size_t coord;

	switch (cvc_pr_key_type(key, cpi)) {
	case CVC_KEY_RSA:
		return bit_length(CVC_RSA_N(key));
	case CVC_KEY_EC:
		if (CVC_EC_P(key).len > 0)
			return bit_length(CVC_EC_P(key));
		coord = coordinate_length(CVC_EC_POINT(key));
		/* P-521 is the one curve whose size is not whole octets. */
		if (coord == 66)
			return 521;
		return coord <= 0xFFFF ? (unsigned)coord * 8 : 0;
	default:
		return 0;
	}
}

const char *cvc_pr_component_name(cvc_key_type type, size_t i)
{
	/* TR-03110-3 D.3.1 (RSA) and D.3.3 (EC) */
	static const char *const ec[CVC_KEY_COMPONENTS] = {"p", "a", "b", "G",
	                                                   "r", "Y", "f"};
	static const char *const rsa[CVC_KEY_COMPONENTS] = {"n", "e"};

	if (i >= CVC_KEY_COMPONENTS)
		return NULL;
	if (type == CVC_KEY_EC)
		return ec[i];
	if (type == CVC_KEY_RSA)
		return rsa[i];
	return NULL;
}

const char *cvc_pr_key_type_name(cvc_key_type type)
{
	switch (type) {
	case CVC_KEY_EC:
		return "EC";
	case CVC_KEY_RSA:
		return "RSA";
	default:
		return "unknown";
	}
}

static bool name_is(const char *name, const char *want)
{
	return name != NULL && strcmp(name, want) == 0;
}

const char *cvc_pr_ext_object_name(cvc_span ext_oid, uint32_t tag)
{
	const char *ext = cvc_oid_name(ext_oid);

	/* TR-03110-3 C.3.1: hash of the CertificateDescription */
	if (name_is(ext, "id-description") && tag == 0x80)
		return "hash of the certificate description";
	/* TR-03110-3 C.3.2: hashes of the sector public keys */
	if (name_is(ext, "id-sector") && tag == 0x80)
		return "hash of the 1st sector public key";
	if (name_is(ext, "id-sector") && tag == 0x81)
		return "hash of the 2nd sector public key";
	/* TR-03110-3 C.3.3: one A0 template per sector */
	if (name_is(ext, "id-PS-sector") && tag == 0xA0)
		return "pseudonymous signature sector";
	if (name_is(ext, "id-PS-sector") && tag == 0x80)
		return "sector domain parameter ID";
	if (name_is(ext, "id-PS-sector") && tag == 0x81)
		return "hash of the sector public key";
	/* TR-03110-4 2.2.3.2: relative authorization of the extension */
	if ((name_is(ext, "id-eIDAccess") ||
	     name_is(ext, "id-specialFunctions")) &&
	    tag == 0x53)
		return "authorization bits";
	return NULL;
}

bool cvc_pr_is_tlv_sequence(cvc_span s)
{
	cvc_tlv_reader r;
	cvc_tlv t;

	cvc_tlv_reader_init(&r, s.data, s.len, CVC_TLV_LENIENT);
	while (cvc_tlv_remaining(&r) > 0)
		if (cvc_tlv_next(&r, &t, NULL) != CVC_OK)
			return false;
	return true;
}

static bool span_ok(cvc_span s)
{
	return s.len == 0 || s.data != NULL;
}

bool cvc_pr_key_ok(const cvc_pubkey *key)
{
	if (!span_ok(key->oid))
		return false;
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++)
		if (!span_ok(key->comp[i]))
			return false;
	return true;
}

bool cvc_pr_cert_ok(const cvc_cert *cert)
{
	const cvc_span spans[] = {cert->car,
	                          cert->chr,
	                          cert->chat.oid,
	                          cert->chat.bits,
	                          cert->signature,
	                          cert->outer_car,
	                          cert->outer_signature,
	                          cert->remainder};

	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
		if (!span_ok(spans[i]))
			return false;
	if (cert->n_ext > CVC_MAX_EXTENSIONS)
		return false;
	for (size_t i = 0; i < cert->n_ext; i++)
		if (!span_ok(cert->ext[i].oid) ||
		    !span_ok(cert->ext[i].content))
			return false;
	return cvc_pr_key_ok(&cert->key);
}

/* ------------------------------------------------------------------ */
/* Text layout                                                         */

/* Column (after the caller's indent) where values start. */
#define VALUE_COLUMN 22
/* Non-verbose hex longer than this is shortened to its ends. */
#define SHORT_HEX 32
/* Verbose hex is wrapped at this many octets per line. */
#define HEX_LINE 32

/* Deeper indents are clamped, so that column arithmetic cannot overflow. */
#define MAX_INDENT 1024

struct text {
	FILE *out;
	int indent;
	bool verbose;
};

static int clamp_indent(int indent)
{
	if (indent < 0)
		return 0;
	return indent > MAX_INDENT ? MAX_INDENT : indent;
}

static void pad(const struct text *t, int columns)
{
	if (columns > 0)
		fprintf(t->out, "%*s", columns, "");
}

/* Starts a line "<indent><depth>label:" padded to the value column. */
static void label(const struct text *t, int depth, const char *name)
{
	int used = 2 * depth + (int)strlen(name) + 1;

	pad(t, t->indent + 2 * depth);
	fprintf(t->out, "%s:", name);
	pad(t, used < VALUE_COLUMN ? VALUE_COLUMN - used : 1);
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 4, 5)))
#endif
static void
field(const struct text *t, int depth, const char *name, const char *fmt, ...)
{
	va_list ap;

	label(t, depth, name);
	va_start(ap, fmt);
	vfprintf(t->out, fmt, ap);
	va_end(ap);
	fputc('\n', t->out);
}

static void heading(const struct text *t, int depth, const char *name)
{
	pad(t, t->indent + 2 * depth);
	fprintf(t->out, "%s:\n", name);
}

static void wrapped_hex(const struct text *t, cvc_span s)
{
	fprintf(t->out, "(%zu bytes)\n", s.len);
	for (size_t i = 0; i < s.len; i += HEX_LINE) {
		size_t n = s.len - i < HEX_LINE ? s.len - i : HEX_LINE;

		pad(t, t->indent + VALUE_COLUMN);
		cvc_pr_hex(t->out, s.data + i, n, true);
		fputc('\n', t->out);
	}
}

/* Hex value: whole when short or verbose, else its first and last octets. */
static void hex_field(const struct text *t, int depth, const char *name,
                      cvc_span s)
{
	label(t, depth, name);
	if (s.len <= SHORT_HEX) {
		cvc_pr_hex(t->out, s.data, s.len, true);
		fputc('\n', t->out);
	} else if (t->verbose) {
		wrapped_hex(t, s);
	} else {
		cvc_pr_hex(t->out, s.data, 16, true);
		fputs("...", t->out);
		cvc_pr_hex(t->out, s.data + s.len - 4, 4, true);
		fprintf(t->out, " (%zu bytes)\n", s.len);
	}
}

/* "name (dotted)" or the hex of an OID that is not well formed. */
static void oid_value(const struct text *t, cvc_span oid)
{
	char dotted[CVC_PR_OID_TEXT];
	const char *name = cvc_oid_name(oid);

	if (cvc_oid_to_text(oid, dotted, sizeof(dotted)) != CVC_OK) {
		fputs("malformed OID ", t->out);
		cvc_pr_hex(t->out, oid.data, oid.len, true);
		return;
	}
	if (name != NULL)
		fprintf(t->out, "%s (%s)", name, dotted);
	else
		fprintf(t->out, "%s (unknown)", dotted);
}

static void oid_field(const struct text *t, int depth, const char *name,
                      cvc_span oid)
{
	label(t, depth, name);
	oid_value(t, oid);
	fputc('\n', t->out);
}

/* ------------------------------------------------------------------ */
/* References (CAR, CHR)                                               */

static void gematik_ca_parts(const struct text *t, int depth,
                             const cvc_pr_gem_ca *ca)
{
	field(t, depth, "CA name", "%s", ca->name);
	field(t, depth, "service indicator", "%u", ca->service_indicator);
	field(t, depth, "CA number", "%u", ca->ca_digit);
	field(t, depth, "algorithm", "%02u", ca->algorithm);
	field(t, depth, "generation year", "%02u (20%02u)", ca->year, ca->year);
}

static void digits_field(const struct text *t, int depth, const char *name,
                         const char *digits, size_t from, size_t len)
{
	field(t, depth, name, "%.*s", (int)len, digits + from);
}

static void gematik_ee_parts(const struct text *t, int depth,
                             const cvc_pr_gem_ee *ee)
{
	field(t, depth, "key ID", "%02X%02X", ee->key_id[0], ee->key_id[1]);
	field(t, depth, "ICCSN", "%s", ee->iccsn);
	digits_field(t, depth + 1, "MII", ee->iccsn, CVC_PR_ICCSN_MII);
	digits_field(t, depth + 1, "country", ee->iccsn, CVC_PR_ICCSN_COUNTRY);
	digits_field(t, depth + 1, "issuer", ee->iccsn, CVC_PR_ICCSN_ISSUER);
	digits_field(t, depth + 1, "serial", ee->iccsn, CVC_PR_ICCSN_SERIAL);
}

/*
 * TR-03110 references are ISO 8859-1 text; gematik G2 ones are binary
 * (gemSpec_PKI 6.4.2) and shown as hex with their parts decoded.
 */
static void ref_field(const struct text *t, int depth, const char *name,
                      cvc_span ref, bool gematik)
{
	cvc_pr_gem_ca ca;
	cvc_pr_gem_ee ee;

	if (!gematik && ref.len > 0 && cvc_pr_is_ascii(ref)) {
		label(t, depth, name);
		fwrite(ref.data, 1, ref.len, t->out);
		fputc('\n', t->out);
		return;
	}
	hex_field(t, depth, name, ref);
	if (!gematik)
		return;
	if (cvc_pr_gematik_ca(ref, &ca))
		gematik_ca_parts(t, depth + 1, &ca);
	else if (cvc_pr_gematik_ee(ref, &ee))
		gematik_ee_parts(t, depth + 1, &ee);
}

/* ------------------------------------------------------------------ */
/* Public key                                                          */

static void print_components(const struct text *t, int depth,
                             const cvc_pubkey *key, cvc_key_type type)
{
	char tag[8];

	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++) {
		const char *name = cvc_pr_component_name(type, i);

		if (key->comp[i].len == 0)
			continue;
		/* Domain parameters are long and standard: verbose only. */
		if (type == CVC_KEY_EC && i != 5 && !t->verbose)
			continue;
		if (name == NULL) {
			snprintf(tag, sizeof(tag), "%02zX", 0x81 + i);
			name = tag;
		}
		hex_field(t, depth, name, key->comp[i]);
	}
}

static void print_domain_params(const struct text *t, int depth,
                                const cvc_pubkey *key, unsigned cpi)
{
	if (cvc_pubkey_has_domain_params(key)) {
		label(t, depth, "domain params");
		fputs("present (", t->out);
		for (size_t i = 0, n = 0; i < CVC_KEY_COMPONENTS; i++) {
			if (i == 5 || key->comp[i].len == 0)
				continue;
			fprintf(t->out, "%s%s", n++ ? " " : "",
			        cvc_pr_component_name(CVC_KEY_EC, i));
		}
		fputs(")\n", t->out);
	} else if (cpi == CVC_CPI_GEMATIK_G2) {
		field(t, depth, "domain params",
		      "none (gematik G2: curve from the point length)");
	} else if (cvc_curve_name(key, cpi) != NULL) {
		/* A bare key whose OID names its curve (gematik anchors). */
		field(t, depth, "domain params",
		      "none (curve named by the OID)");
	} else {
		field(t, depth, "domain params", "inherited from the CVCA");
	}
}

static void print_key_body(const struct text *t, int depth,
                           const cvc_pubkey *key, unsigned cpi)
{
	const char *curve = cvc_curve_name(key, cpi);
	unsigned bits = cvc_pr_key_bits(key, cpi);
	cvc_key_type type = cvc_pr_key_type(key, cpi);

	oid_field(t, depth, "algorithm", key->oid);
	field(t, depth, "type", "%s", cvc_pr_key_type_name(type));
	if (type == CVC_KEY_EC) {
		if (curve != NULL)
			field(t, depth, "curve", "%s", curve);
		else if (cvc_pubkey_has_domain_params(key))
			field(t, depth, "curve", "unknown (not a named curve)");
		else
			field(t, depth, "curve", "not named in this key");
	}
	if (bits > 0)
		field(t, depth, "size", "%u bits", bits);
	if (type == CVC_KEY_EC)
		print_domain_params(t, depth, key, cpi);
	print_components(t, depth, key, type);
}

cvc_err cvc_pubkey_print_text(FILE *out, const cvc_pubkey *key, unsigned cpi,
                              unsigned flags, int indent)
{
	struct text t = {out, clamp_indent(indent),
	                 (flags & CVC_PRINT_VERBOSE) != 0};

	if (out == NULL || key == NULL || (flags & ~CVC_PRINT_VERBOSE) != 0 ||
	    !cvc_pr_key_ok(key))
		return CVC_ERR_INVALID_ARG;
	print_key_body(&t, 0, key, cpi);
	return ferror(out) ? CVC_ERR_IO : CVC_OK;
}

/* ------------------------------------------------------------------ */
/* CHAT                                                                */

static void print_rights(const struct text *t, int depth, const cvc_chat *chat,
                         const cvc_chat_info *info)
{
	for (size_t bit = 0; bit < info->nbits; bit++) {
		const char *name;

		if (cvc_chat_is_role_bit(info->type, info->nbits, bit) ||
		    !cvc_chat_bit(chat, info->type, bit))
			continue;
		name = cvc_chat_bit_name(info->type, bit);
		pad(t, t->indent + 2 * depth);
		fprintf(t->out, "b%-3zu %s\n", bit, name ? name : "(unnamed)");
	}
}

static void print_chat(const struct text *t, int depth, const cvc_chat *chat)
{
	cvc_chat_info info;
	cvc_err err = cvc_chat_info_get(chat, &info);

	heading(t, depth, "CHAT");
	label(t, depth + 1, "terminal type");
	fprintf(t->out, "%s, ", cvc_terminal_type_name(info.type));
	oid_value(t, chat->oid);
	fputc('\n', t->out);
	if (err != CVC_OK) {
		field(t, depth + 1, "bits", "(empty)");
		return;
	}
	field(t, depth + 1, "role", "%s (role bits %u%u)",
	      cvc_role_name(info.type, info.role), (unsigned)info.role >> 1,
	      (unsigned)info.role & 1u);
	hex_field(t, depth + 1, "bits", chat->bits);
	print_rights(t, depth + 2, chat, &info);
}

/* ------------------------------------------------------------------ */
/* Extensions                                                          */

#define MAX_EXT_DEPTH 3

/* The data objects of an extension, each named when it is known. */
static void print_ext_objects(const struct text *t, int depth, cvc_span oid,
                              cvc_span content, int level)
{
	cvc_tlv_reader r;
	cvc_tlv o;
	char name[80];

	cvc_tlv_reader_init(&r, content.data, content.len, CVC_TLV_LENIENT);
	while (cvc_tlv_remaining(&r) > 0 &&
	       cvc_tlv_next(&r, &o, NULL) == CVC_OK) {
		const char *known = cvc_pr_ext_object_name(oid, o.tag);

		snprintf(name, sizeof(name), "%02X%s%s", (unsigned)o.tag,
		         known ? " " : "", known ? known : "");
		if (o.constructed && level < MAX_EXT_DEPTH &&
		    cvc_pr_is_tlv_sequence(o.value)) {
			heading(t, depth, name);
			print_ext_objects(t, depth + 1, oid, o.value,
			                  level + 1);
		} else {
			hex_field(t, depth, name, o.value);
		}
	}
}

static void print_extensions(const struct text *t, int depth,
                             const cvc_cert *cert)
{
	if (cert->n_ext == 0) {
		field(t, depth, "extensions", "(empty)");
		return;
	}
	heading(t, depth, "extensions");
	for (size_t i = 0; i < cert->n_ext; i++) {
		const cvc_ext *e = &cert->ext[i];

		pad(t, t->indent + 2 * (depth + 1));
		oid_value(t, e->oid);
		fputc('\n', t->out);
		if (cvc_pr_is_tlv_sequence(e->content))
			print_ext_objects(t, depth + 2, e->oid, e->content, 0);
		else
			hex_field(t, depth + 2, "content (not TLV)",
			          e->content);
	}
}

/* ------------------------------------------------------------------ */
/* Certificate                                                         */

static void print_date(const struct text *t, int depth, const char *name,
                       const cvc_date *d)
{
	field(t, depth, name, "%04u-%02u-%02u", (unsigned)d->year,
	      (unsigned)d->month, (unsigned)d->day);
}

static void print_iso9796(const struct text *t, const cvc_cert *cert)
{
	if (cert->has_car)
		ref_field(t, 0, "CAR", cert->car, false);
	hex_field(t, 0, "signature", cert->signature);
	hex_field(t, 0, "remainder", cert->remainder);
	field(t, 0, "body",
	      "inside the signature (ISO 9796-2 message "
	      "recovery); needs the issuer's RSA key");
}

static void print_body(const struct text *t, const cvc_cert *cert)
{
	bool gematik = cert->profile == CVC_PROFILE_GEMATIK_G2;

	field(t, 0, "CPI", "0x%02X", cert->cpi);
	if (cert->has_car)
		ref_field(t, 0, "CAR", cert->car, gematik);
	ref_field(t, 0, "CHR", cert->chr, gematik);
	heading(t, 0, "public key");
	print_key_body(t, 1, &cert->key, cert->cpi);
	if (cert->has_chat)
		print_chat(t, 0, &cert->chat);
	if (cert->has_dates) {
		print_date(t, 0, "effective", &cert->effective);
		print_date(t, 0, "expiration", &cert->expiration);
	}
	if (cert->has_extensions)
		print_extensions(t, 0, cert);
	hex_field(t, 0, "signature", cert->signature);
	if (cert->kind == CVC_KIND_AUTH_REQUEST) {
		heading(t, 0, "outer");
		ref_field(t, 1, "CAR", cert->outer_car, false);
		hex_field(t, 1, "signature", cert->outer_signature);
	}
}

cvc_err cvc_cert_print_text(FILE *out, const cvc_cert *cert, unsigned flags,
                            int indent)
{
	struct text t = {out, clamp_indent(indent),
	                 (flags & CVC_PRINT_VERBOSE) != 0};

	if (out == NULL || cert == NULL || (flags & ~CVC_PRINT_VERBOSE) != 0 ||
	    !cvc_pr_cert_ok(cert))
		return CVC_ERR_INVALID_ARG;
	field(&t, 0, "kind", "%s", cvc_kind_name(cert->kind));
	field(&t, 0, "profile", "%s", cvc_profile_name(cert->profile));
	if (cert->kind == CVC_KIND_ISO9796)
		print_iso9796(&t, cert);
	else
		print_body(&t, cert);
	if (cert->nonminimal)
		field(&t, 0, "encoding",
		      "non-minimal length accepted (not DER)");
	return ferror(out) ? CVC_ERR_IO : CVC_OK;
}
