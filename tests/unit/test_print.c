/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the text and JSON printers (libcvc/src/print.c,
 * print_json.c).
 *
 * Every corpus object is printed both ways; the JSON is checked by a strict
 * RFC 8259 parser (testutil.c, no external tool), then compared field by
 * field with MANIFEST.tsv, with gematik's own decoder output beside each G2
 * certificate (*.gematik-explanation.txt), and for a few files with values
 * read off the bytes with `openssl asn1parse`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/cert.h>
#include <cvc/print.h>

#include "testutil.h"

/* Output of one print call, NUL-terminated. */
struct output {
	char *text;
	size_t len;
};

static cvc_err print_cert(const cvc_cert *c, bool json, unsigned flags,
                          int indent, struct output *out)
{
	FILE *f = open_memstream(&out->text, &out->len);
	cvc_err err;

	ck_assert_ptr_nonnull(f);
	err = json ? cvc_cert_print_json(f, c, flags)
	           : cvc_cert_print_text(f, c, flags, indent);
	ck_assert_int_eq(fclose(f), 0);
	return err;
}

static cvc_err print_key(const cvc_pubkey *k, unsigned cpi, bool json,
                         unsigned flags, struct output *out)
{
	FILE *f = open_memstream(&out->text, &out->len);
	cvc_err err;

	ck_assert_ptr_nonnull(f);
	err = json ? cvc_pubkey_print_json(f, k, cpi, flags)
	           : cvc_pubkey_print_text(f, k, cpi, flags, 0);
	ck_assert_int_eq(fclose(f), 0);
	return err;
}

static void parse_output(const struct output *o, struct cvc_test_json *doc)
{
	const char *err = NULL;

	ck_assert_msg(cvc_test_json_parse(o->text, o->len, doc, &err),
	              "invalid JSON (%s): %.300s", err, o->text);
}

/* ------------------------------------------------------------------ */
/* Every corpus object, both ways                                      */
/* ------------------------------------------------------------------ */

static void check_text_shape(const struct output *o, int indent)
{
	ck_assert_uint_gt(o->len, 0);
	ck_assert_uint_eq(strlen(o->text), o->len); /* no NUL inside */
	ck_assert_int_eq(o->text[o->len - 1], '\n');
	for (size_t i = 0; i < o->len; i++) {
		unsigned char c = (unsigned char)o->text[i];

		ck_assert_msg(c == '\n' || (c >= 0x20 && c < 0x7F),
		              "octet 0x%02x in text output", c);
		if (i == 0 || o->text[i - 1] == '\n')
			for (int k = 0; k < indent; k++)
				ck_assert_int_eq(o->text[i + (size_t)k], ' ');
	}
}

/* A MANIFEST reference: "hex:..." or text; "" for none. */
static void check_ref(const struct cvc_test_json *d, const char *path,
                      const char *manifest)
{
	char p[64];

	snprintf(p, sizeof(p), "%s.hex", path);
	if (*manifest == '\0') {
		ck_assert_ptr_null(cvc_test_json_get(d, path));
	} else if (strncmp(manifest, "hex:", 4) == 0) {
		cvc_test_json_expect(d, p, 's', manifest + 4);
	} else {
		snprintf(p, sizeof(p), "%s.text", path);
		cvc_test_json_expect(d, p, 's', manifest);
	}
}

static const char *manifest_kind(const char *role)
{
	if (strcmp(role, "request") == 0)
		return "request";
	if (strcmp(role, "authreq") == 0)
		return "authenticated-request";
	if (strcmp(role, "iso7816-9-cvc") == 0)
		return "iso7816-9-certificate";
	return "certificate";
}

static void check_json_against_manifest(const struct cvc_test_json *d,
                                        const struct cvc_test_manifest_row *row)
{
	const char *kind = manifest_kind(row->role);
	char cpi[8];

	cvc_test_json_expect(d, "schema", 's', "libcvc-cert/1");
	cvc_test_json_expect(d, "kind", 's', kind);
	cvc_test_json_value(d, "nonminimal_length", 'b');
	cvc_test_json_value(d, "signature", 's');
	if (strcmp(kind, "iso7816-9-certificate") == 0) {
		ck_assert_ptr_null(cvc_test_json_get(d, "cpi"));
		ck_assert_ptr_null(cvc_test_json_get(d, "chr"));
		ck_assert_ptr_null(cvc_test_json_get(d, "public_key"));
		cvc_test_json_expect(d, "body_in_signature", 'b', "true");
		cvc_test_json_value(d, "remainder", 's');
		check_ref(d, "car", row->car);
		return;
	}
	snprintf(cpi, sizeof(cpi), "%ld", strtol(row->cpi, NULL, 16));
	cvc_test_json_expect(d, "cpi", 'n', cpi);
	check_ref(d, "chr", row->chr);
	/* The manifest's CAR of an authenticated request is the outer one */
	check_ref(
	    d, strcmp(kind, "authenticated-request") == 0 ? "outer.car" : "car",
	    row->car);
	cvc_test_json_value(d, "public_key.type", 's');
	cvc_test_json_value(d, "public_key.oid_hex", 's');
	cvc_test_json_value(d, "public_key.components", 'o');
	if (strcmp(kind, "certificate") == 0) {
		cvc_test_json_value(d, "chat.bits", 's');
		cvc_test_json_value(d, "chat.terminal_type", 's');
		cvc_test_json_value(d, "effective", 's');
		cvc_test_json_value(d, "expiration", 's');
	} else {
		ck_assert_ptr_null(cvc_test_json_get(d, "chat"));
		ck_assert_ptr_null(cvc_test_json_get(d, "effective"));
	}
}

static void print_all_ways(const struct cvc_test_manifest_row *row,
                           const struct cvc_test_object *obj, void *ctx)
{
	const cvc_cert *c = &obj->cert;
	struct output o;
	struct cvc_test_json d;
	size_t short_len;

	(void)ctx;
	ck_assert_int_eq(print_cert(c, false, 0, 0, &o), CVC_OK);
	check_text_shape(&o, 0);
	short_len = o.len;
	free(o.text);
	ck_assert_int_eq(print_cert(c, false, CVC_PRINT_VERBOSE, 3, &o),
	                 CVC_OK);
	check_text_shape(&o, 3);
	ck_assert_uint_ge(o.len, short_len);
	free(o.text);

	for (unsigned flags = 0; flags <= CVC_PRINT_VERBOSE; flags++) {
		ck_assert_int_eq(print_cert(c, true, flags, 0, &o), CVC_OK);
		parse_output(&o, &d);
		check_json_against_manifest(&d, row);
		cvc_test_json_free(&d);
		free(o.text);
	}
}

START_TEST(test_print_corpus)
{
	size_t printed = cvc_test_each_manifest_object(print_all_ways, NULL);

	ck_assert_uint_ge(printed, 270);
}
END_TEST

static void print_anchor(const char *path, const char *name, void *ctx)
{
	struct output o;
	struct cvc_test_json d;
	size_t len;
	uint8_t *data = cvc_test_read_file(path, &len);
	cvc_pubkey key;

	(void)name;
	(void)ctx;
	ck_assert_int_eq(cvc_pubkey_decode(data, len, 0, &key, NULL), CVC_OK);
	ck_assert_int_eq(print_key(&key, CVC_CPI_GEMATIK_G2, false, 0, &o),
	                 CVC_OK);
	check_text_shape(&o, 0);
	ck_assert_ptr_nonnull(strstr(o.text, "brainpoolP256r1"));
	free(o.text);
	ck_assert_int_eq(print_key(&key, CVC_CPI_GEMATIK_G2, true, 0, &o),
	                 CVC_OK);
	parse_output(&o, &d);
	cvc_test_json_expect(&d, "schema", 's', "libcvc-pubkey/1");
	cvc_test_json_expect(&d, "oid", 's', "1.3.36.3.3.2.8.1.1.7");
	cvc_test_json_expect(&d, "curve", 's', "brainpoolP256r1");
	cvc_test_json_expect(&d, "type", 's', "EC");
	cvc_test_json_expect(&d, "bits", 'n', "256");
	ck_assert_uint_eq(strlen(cvc_test_json_value(&d, "components.Y", 's')),
	                  130);
	cvc_test_json_free(&d);
	free(o.text);
	free(data);
}

START_TEST(test_print_trust_anchors)
{
	size_t n = cvc_test_each_corpus_file("gematik_g2/trust-anchor", ".der",
	                                     print_anchor, NULL);

	ck_assert_uint_ge(n, 1);
}
END_TEST

/*
 * Whatever the decoder accepts, the printers must print: flip octets of each
 * corpus object (deterministically) and print every variant that decodes.
 */
static void print_mutant(const cvc_cert *c)
{
	struct output o;
	struct cvc_test_json d;

	for (unsigned flags = 0; flags <= CVC_PRINT_VERBOSE; flags++) {
		ck_assert_int_eq(print_cert(c, false, flags, 1, &o), CVC_OK);
		check_text_shape(&o, 1);
		free(o.text);
		ck_assert_int_eq(print_cert(c, true, flags, 0, &o), CVC_OK);
		parse_output(&o, &d);
		cvc_test_json_free(&d);
		free(o.text);
	}
}

/* The state of the octet flipper, and how many variants were printed. */
struct mutation {
	uint32_t state;
	size_t printed;
};

static void print_mutants(const struct cvc_test_manifest_row *row,
                          const struct cvc_test_object *o, void *ctx)
{
	struct mutation *mu = ctx;

	(void)row;
	for (int m = 0; m < 6; m++) {
		uint8_t *copy = malloc(o->len);
		cvc_cert c;

		memcpy(copy, o->data, o->len);
		for (int k = 0; k < 1 + m % 3; k++) {
			mu->state = mu->state * 1103515245u + 12345u;
			copy[(mu->state >> 8) % o->len] ^=
			    (uint8_t)(1u << ((mu->state >> 4) % 8));
		}
		if (cvc_cert_decode(copy, o->len, CVC_DECODE_LENIENT, &c,
		                    NULL) == CVC_OK) {
			print_mutant(&c);
			mu->printed++;
		}
		free(copy);
	}
}

START_TEST(test_print_mutated_corpus)
{
	struct mutation mu = {12345, 0};

	cvc_test_each_manifest_object(print_mutants, &mu);
	ck_assert_uint_ge(mu.printed, 300);
}
END_TEST

/* ------------------------------------------------------------------ */
/* gematik G2: JSON against gematik's decoder output                   */
/* ------------------------------------------------------------------ */

/* "=> 30. Juli 2015" to "2015-07-30" */
static void german_date(const char *arrow, char *out, size_t cap)
{
	cvc_date d;

	ck_assert_ptr_nonnull(arrow);
	ck_assert_msg(cvc_test_german_date(arrow + 3, &d), "bad date %s",
	              arrow);
	snprintf(out, cap, "%04u-%02u-%02u", d.year, d.month, d.day);
}

static char *trim(char *s)
{
	char *e = s + strlen(s);

	while (*s == ' ')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One "name = value" line of a reference's explanation. */
static void check_ref_part(const struct cvc_test_json *d, const char *ref,
                           char *line)
{
	static const struct {
		const char *label, *field;
		bool number;
	} parts[] = {
	    {"Discretionary data", "key_id", false},
	    {"ICCSN", "iccsn", false},
	    {"Major Industry ID", "mii", false},
	    {"Country Code", "country", false},
	    {"Issuer Identifier", "issuer", false},
	    {"Serial Number", "serial", false},
	    {"CA-Identifier", "ca_name", false},
	    {"service indicator", "service_indicator", true},
	    {"discretionary data", "ca_number", true},
	    {"algorithm reference", "algorithm", false},
	    {"generation year", "generation_year", true},
	};
	char *eq = strstr(line, " = ");
	char path[64], want[32];

	ck_assert_ptr_nonnull(eq);
	*eq = '\0';
	for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
		const char *value = trim(eq + 3);

		if (strcmp(trim(line), parts[i].label) != 0)
			continue;
		snprintf(path, sizeof(path), "%s.gematik.%s", ref,
		         parts[i].field);
		if (strcmp(parts[i].field, "generation_year") == 0) {
			snprintf(want, sizeof(want), "%ld",
			         2000 + strtol(value, NULL, 10));
			cvc_test_json_expect(d, path, 'n', want);
		} else if (parts[i].number) {
			snprintf(want, sizeof(want), "%ld",
			         strtol(value, NULL, 10));
			cvc_test_json_expect(d, path, 'n', want);
		} else {
			cvc_test_json_expect(d, path, 's', value);
		}
		return;
	}
	ck_abort_msg("unknown explanation line %s", line);
}

/* "OID = 2b2403050301     = {1 3 36 3 5 3 1} =  name" */
static void check_oid_line(const struct cvc_test_json *d, const char *prefix,
                           const char *line)
{
	const char *brace = strchr(line, '{');
	const char *name = strrchr(line, '=');
	char dotted[64], path[64];
	size_t n = 0;

	ck_assert_ptr_nonnull(brace);
	for (const char *p = brace + 1; *p && *p != '}'; p++)
		if (n + 1 < sizeof(dotted))
			dotted[n++] = *p == ' ' ? '.' : *p;
	dotted[n] = '\0';
	snprintf(path, sizeof(path), "%s.oid", prefix);
	cvc_test_json_expect(d, path, 's', dotted);
	snprintf(path, sizeof(path), "%s.oid_name", prefix);
	cvc_test_json_expect(d, path, 's', trim((char *)name + 1));
}

static void check_rights(const struct cvc_test_json *d, const bool listed[56])
{
	long n = strtol(cvc_test_json_value(d, "chat.rights", 'a'), NULL, 10);
	bool seen[56] = {false};
	char path[64];

	for (long i = 0; i < n; i++) {
		long bit;

		snprintf(path, sizeof(path), "chat.rights[%ld].bit", i);
		bit = strtol(cvc_test_json_value(d, path, 'n'), NULL, 10);
		ck_assert_int_ge(bit, 2);
		ck_assert_int_lt(bit, 56);
		seen[bit] = true;
	}
	for (size_t bit = 2; bit < 56; bit++)
		ck_assert_msg(seen[bit] == listed[bit], "b%zu", bit);
}

static void check_explanation(const struct cvc_test_json *d, char *text)
{
	const char *ref = NULL;
	bool listed[56] = {false};
	char date[16];
	char *line = strstr(text, "Explanation of certificate content:");

	ck_assert_ptr_nonnull(line);
	for (line = strtok(line, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned bit;
		char *arrow = strstr(line, "=> ");

		if (strncmp(line, "Certificate Holder Reference", 28) == 0) {
			ref = "chr";
			continue;
		}
		if (strncmp(line, "Certification Authority Reference", 33) ==
		    0) {
			ref = "car";
			continue;
		}
		if (line[0] != ' ')
			ref = NULL;
		if (ref != NULL) {
			check_ref_part(d, ref, line);
		} else if (strncmp(line, "Certificate Effective", 21) == 0) {
			german_date(arrow, date, sizeof(date));
			cvc_test_json_expect(d, "effective", 's', date);
		} else if (strncmp(line, "Certificate Expiration", 22) == 0) {
			german_date(arrow, date, sizeof(date));
			cvc_test_json_expect(d, "expiration", 's', date);
		} else if (strncmp(line, "Usage of enclosed public key", 28) ==
		           0) {
			check_oid_line(d, "public_key", line);
		} else if (strncmp(line, "Interpretation of Flag-List", 27) ==
		           0) {
			check_oid_line(d, "chat", line);
		} else if (strstr(line, "Domain parameter of public key = ")) {
			cvc_test_json_expect(d, "public_key.curve", 's',
			                     trim(strstr(line, "= ") + 2));
		} else if (sscanf(line, " b%u =>", &bit) == 1 && bit < 56) {
			listed[bit] = true;
		}
	}
	check_rights(d, listed);
}

static void check_explained_json(const char *path, const char *name, void *ctx)
{
	char rel[1024];
	struct cvc_test_object o;
	struct output out;
	struct cvc_test_json d;
	size_t len;
	char *text = (char *)cvc_test_read_file(path, &len);

	(void)ctx;
	cvc_test_explained_cert(name, rel, sizeof(rel));
	cvc_test_load_object(&o, rel);
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	cvc_test_json_expect(&d, "profile", 's', "gematik-g2");
	cvc_test_json_expect(&d, "chat.terminal_type", 's', "gematik TI");
	ck_assert_ptr_null(cvc_test_json_get(&d, "car.text"));
	check_explanation(&d, text);
	cvc_test_json_free(&d);
	free(out.text);
	free(o.data);
	free(text);
}

START_TEST(test_gematik_json_matches_explanations)
{
	size_t n =
	    cvc_test_each_corpus_file("gematik_g2", CVC_TEST_EXPLANATION_SUFFIX,
	                              check_explained_json, NULL);

	ck_assert_uint_ge(n, 90);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Known files                                                         */
/* ------------------------------------------------------------------ */

/* Values read off the bytes with `openssl asn1parse -inform DER -i`. */
#define DE_TERMINAL                                                            \
	"de_eid_production/"                                                   \
	"DE0000049004FN__at-terminal__by_DEDVeIDDTR101401__f442495e.cvcert"

START_TEST(test_json_german_terminal)
{
	struct cvc_test_object o;
	struct output out;
	struct cvc_test_json d;

	cvc_test_load_object(&o, DE_TERMINAL);
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	cvc_test_json_expect(&d, "profile", 's', "tr-03110");
	cvc_test_json_expect(&d, "car.text", 's', "DEDVeIDDTR101401");
	cvc_test_json_expect(&d, "car.hex", 's',
	                     "44454456654944445452313031343031");
	cvc_test_json_expect(&d, "chr.text", 's', "DE0000049004FN");
	cvc_test_json_expect(&d, "public_key.oid", 's',
	                     "0.4.0.127.0.7.2.2.2.2.3");
	cvc_test_json_expect(&d, "public_key.oid_name", 's',
	                     "id-TA-ECDSA-SHA-256");
	cvc_test_json_expect(&d, "public_key.type", 's', "EC");
	cvc_test_json_expect(&d, "public_key.bits", 'n', "256");
	cvc_test_json_expect(&d, "public_key.domain_parameters", 'b', "false");
	ck_assert_ptr_null(
	    cvc_test_json_get(&d, "public_key.curve")); /* inherited */
	ck_assert_uint_eq(
	    strlen(cvc_test_json_value(&d, "public_key.components.Y", 's')),
	    130);
	cvc_test_json_expect(&d, "public_key.components", 'o', "1");
	cvc_test_json_expect(&d, "chat.oid", 's', "0.4.0.127.0.7.3.1.2.2");
	cvc_test_json_expect(&d, "chat.oid_name", 's', "id-AT");
	cvc_test_json_expect(&d, "chat.terminal_type", 's', "AT");
	cvc_test_json_expect(&d, "chat.bits", 's', "0000000004");
	cvc_test_json_expect(&d, "chat.role", 's', "terminal");
	cvc_test_json_expect(&d, "chat.role_name", 's',
	                     "authentication terminal");
	cvc_test_json_expect(&d, "chat.rights", 'a', "1");
	cvc_test_json_expect(&d, "chat.rights[0].bit", 'n', "2");
	cvc_test_json_expect(&d, "chat.rights[0].name", 's',
	                     "restricted identification");
	cvc_test_json_expect(&d, "effective", 's', "2011-12-09");
	cvc_test_json_expect(&d, "expiration", 's', "2011-12-10");
	cvc_test_json_expect(&d, "extensions", 'a', "2");
	cvc_test_json_expect(&d, "extensions[0].oid_name", 's', "id-sector");
	cvc_test_json_expect(&d, "extensions[0].objects[0].tag", 's', "80");
	cvc_test_json_expect(
	    &d, "extensions[0].objects[0].value", 's',
	    "2ba857aec087cccd2dd526fdd82ee33ea289408b3c2161f36680a9c384c143fb");
	cvc_test_json_expect(&d, "extensions[1].oid", 's',
	                     "0.4.0.127.0.7.3.1.3.1");
	cvc_test_json_expect(&d, "extensions[1].oid_name", 's',
	                     "id-description");
	cvc_test_json_expect(
	    &d, "extensions[1].objects[0].value", 's',
	    "be4623de47dc5f422402f851b25c88d8f466b1f45cc97e11e809aff4a3e45fe3");
	ck_assert_uint_eq(strlen(cvc_test_json_value(&d, "signature", 's')),
	                  128);
	cvc_test_json_expect(&d, "nonminimal_length", 'b', "false");
	ck_assert_ptr_null(cvc_test_json_get(&d, "outer"));
	cvc_test_json_free(&d);
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_json_authenticated_request)
{
	struct cvc_test_object o;
	struct output out;
	struct cvc_test_json d;

	/* Standards digest 5: EJBCA absp.req, RSA v1.5 SHA-256 inside,
	 * countersigned by SEABSP00001. */
	cvc_test_load_object(
	    &o, "epassport_eac/"
	        "SEABSP00002__authreq__by_SEABSP00001__c5742b72.cvreq");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	cvc_test_json_expect(&d, "kind", 's', "authenticated-request");
	cvc_test_json_expect(&d, "chr.text", 's', "SEABSP00002");
	cvc_test_json_expect(&d, "outer.car.text", 's', "SEABSP00001");
	cvc_test_json_expect(&d, "public_key.type", 's', "RSA");
	cvc_test_json_expect(&d, "public_key.oid_name", 's',
	                     "id-TA-RSA-v1-5-SHA-256");
	cvc_test_json_expect(&d, "public_key.bits", 'n', "2048");
	cvc_test_json_expect(&d, "public_key.components.e", 's', "010001");
	ck_assert_uint_eq(
	    strlen(cvc_test_json_value(&d, "outer.signature", 's')), 512);
	ck_assert_ptr_null(cvc_test_json_get(&d, "chat"));
	cvc_test_json_free(&d);
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_json_dnie)
{
	struct cvc_test_object o;
	struct output out;
	struct cvc_test_json d;

	cvc_test_load_object(&o,
	                     "dnie_iso7816_9/"
	                     "noCHR__iso7816-9-cvc__by_hex_6573524449600006__"
	                     "7a11af8b.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	cvc_test_json_expect(&d, "profile", 's', "iso7816-9");
	cvc_test_json_expect(&d, "car.hex", 's', "6573524449600006");
	ck_assert_ptr_null(cvc_test_json_get(&d, "car.text")); /* 0x00 0x06 */
	ck_assert_uint_eq(strlen(cvc_test_json_value(&d, "remainder", 's')),
	                  2 * 0x3D);
	ck_assert_uint_eq(strlen(cvc_test_json_value(&d, "signature", 's')),
	                  256);
	cvc_test_json_free(&d);
	free(out.text);
	ck_assert_int_eq(print_cert(&o.cert, false, 0, 0, &out), CVC_OK);
	ck_assert_ptr_nonnull(strstr(out.text, "ISO 9796-2"));
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_json_smartcard_hsm_empty_extensions)
{
	struct cvc_test_object o;
	struct output out;
	struct cvc_test_json d;

	/* 65 00 at offset 0xA3; CHAT 1.3.6.1.4.1.24991.3.1.1 with 53 01 80 */
	cvc_test_load_object(
	    &o, "smartcard_hsm/DEDINK0400001__device-issuer-ca__by_"
	        "DESRCACC100001__ea0812fb.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	cvc_test_json_expect(&d, "extensions", 'a', "0");
	cvc_test_json_expect(&d, "chat.oid", 's', "1.3.6.1.4.1.24991.3.1.1");
	cvc_test_json_expect(&d, "chat.terminal_type", 's', "SmartCard-HSM");
	cvc_test_json_expect(&d, "chat.bits", 's', "80");
	cvc_test_json_expect(&d, "chat.role", 's', "dv-domestic");
	cvc_test_json_expect(&d, "chat.rights", 'a', "0");
	cvc_test_json_expect(&d, "effective", 's', "2024-10-30");
	cvc_test_json_expect(&d, "expiration", 's', "2032-10-29");
	cvc_test_json_free(&d);
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_json_nonminimal_and_unknown_extension)
{
	struct cvc_test_object o;
	struct output out;
	struct cvc_test_json d;

	/* 7F21 82 00E7: a length in a longer form than needed */
	cvc_test_load_object(
	    &o, "de_eid_production/DEDVeIDDTR101201__at-dv-nonofficial"
	        "__by_DECVCAeID00102__0a144f77.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	cvc_test_json_expect(&d, "nonminimal_length", 'b', "true");
	cvc_test_json_expect(&d, "chat.role", 's', "dv-foreign");
	cvc_test_json_free(&d);
	free(out.text);
	free(o.data);

	/* PersoSim: id-eIDAccess, id-specialFunctions and a made-up OID */
	cvc_test_load_object(&o,
	                     "simulator_test_pki/DEATTM00001__at-terminal__by_"
	                     "DEATDV00001__a261a577.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	cvc_test_json_expect(&d, "public_key.curve", 's', "brainpoolP256r1");
	cvc_test_json_expect(&d, "public_key.domain_parameters", 'b', "true");
	cvc_test_json_expect(&d, "public_key.components", 'o', "7");
	cvc_test_json_expect(&d, "extensions[0].oid_name", 's', "id-eIDAccess");
	cvc_test_json_expect(&d, "extensions[0].objects[0].tag", 's', "53");
	cvc_test_json_expect(&d, "extensions[0].objects[0].value", 's',
	                     "ffffffffffffffffff");
	cvc_test_json_expect(&d, "extensions[1].oid_name", 's',
	                     "id-specialFunctions");
	cvc_test_json_expect(&d, "extensions[2].oid", 's',
	                     "0.1.2.15617.12163.13441.3");
	ck_assert_ptr_null(cvc_test_json_get(&d, "extensions[2].oid_name"));
	ck_assert_ptr_null(
	    cvc_test_json_get(&d, "extensions[2].objects[0].name"));
	cvc_test_json_free(&d);
	free(out.text);
	free(o.data);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

/* A line "<spaces>label:<spaces>value" with exactly this value. */
static bool has_line(const char *text, const char *label, const char *value)
{
	size_t ll = strlen(label), vl = strlen(value);

	for (const char *p = text; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p) {
		const char *q = p;

		while (*q == ' ')
			q++;
		if (strncmp(q, label, ll) != 0 || q[ll] != ':')
			continue;
		q += ll + 1;
		while (*q == ' ')
			q++;
		if (strncmp(q, value, vl) == 0 && q[vl] == '\n')
			return true;
	}
	return false;
}

START_TEST(test_text_german_terminal)
{
	struct cvc_test_object o;
	struct output out;

	cvc_test_load_object(&o, DE_TERMINAL);
	ck_assert_int_eq(print_cert(&o.cert, false, 0, 0, &out), CVC_OK);
	ck_assert(has_line(out.text, "CAR", "DEDVeIDDTR101401"));
	ck_assert(has_line(out.text, "CHR", "DE0000049004FN"));
	ck_assert(has_line(out.text, "CPI", "0x00"));
	ck_assert(has_line(out.text, "algorithm",
	                   "id-TA-ECDSA-SHA-256 (0.4.0.127.0.7.2.2.2.2.3)"));
	ck_assert(has_line(out.text, "role",
	                   "authentication terminal (role bits 00)"));
	ck_assert(has_line(out.text, "effective", "2011-12-09"));
	ck_assert(has_line(out.text, "expiration", "2011-12-10"));
	ck_assert_ptr_nonnull(
	    strstr(out.text, "b2   restricted identification\n"));
	ck_assert(
	    has_line(out.text, "80 hash of the 1st sector public key",
	             "2BA857AEC087CCCD2DD526FDD82EE33EA289408B3C2161F36680A"
	             "9C384C143FB"));
	/* 64-octet signature shortened, full in verbose */
	ck_assert_ptr_nonnull(strstr(out.text, "(64 bytes)"));
	ck_assert_ptr_null(strstr(out.text, "49FF9BF0F30A9E611676A6C795EA5523"
	                                    "4B2AE43F690F8A77A76A238A9CA39828"
	                                    "313C"));
	free(out.text);
	ck_assert_int_eq(print_cert(&o.cert, false, CVC_PRINT_VERBOSE, 0, &out),
	                 CVC_OK);
	ck_assert_ptr_nonnull(strstr(out.text,
	                             "49FF9BF0F30A9E611676A6C795EA5523"
	                             "4B2AE43F690F8A77A76A238A9CA39828"
	                             "\n"));
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_text_gematik_parts)
{
	struct cvc_test_object o;
	struct output out;

	cvc_test_load_object(&o,
	                     "gematik_g2/0006_80-276-88311-0000015501__ee__by_"
	                     "DETXX_1-5-02-14__859843e2.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, false, 0, 2, &out), CVC_OK);
	check_text_shape(&out, 2);
	ck_assert(has_line(out.text, "CAR", "4445545858150214"));
	ck_assert(has_line(out.text, "CA name", "DETXX"));
	ck_assert(has_line(out.text, "service indicator", "1"));
	ck_assert(has_line(out.text, "CA number", "5"));
	ck_assert(has_line(out.text, "algorithm", "02"));
	ck_assert(has_line(out.text, "CHR", "000680276883110000015501"));
	ck_assert(has_line(out.text, "key ID", "0006"));
	ck_assert(has_line(out.text, "ICCSN", "80276883110000015501"));
	ck_assert(has_line(out.text, "MII", "80"));
	ck_assert(has_line(out.text, "country", "276"));
	ck_assert(has_line(out.text, "issuer", "88311"));
	ck_assert(has_line(out.text, "serial", "0000015501"));
	ck_assert(has_line(out.text, "curve", "brainpoolP256r1"));
	ck_assert(has_line(out.text, "bits", "005D20DAA88300"));
	ck_assert(has_line(out.text, "role", "end entity (role bits 00)"));
	ck_assert_ptr_nonnull(strstr(out.text, "  b36  RFU\n"));
	free(out.text);
	free(o.data);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Hand-made views: escaping, arguments, write errors                  */
/* ------------------------------------------------------------------ */

START_TEST(test_json_escaping)
{
	static const uint8_t chr[] = {'A', '"', 'B', '\\', 'C', 0xE4, 0xFF};
	static const uint8_t ctl[] = {'D', 'E', 0x1B, 'X'};
	static const uint8_t c1[] = {'D', 'E', 0x85, 'X'};
	cvc_cert c;
	struct output out;
	struct cvc_test_json d;

	memset(&c, 0, sizeof(c));
	c.chr = (cvc_span){chr, sizeof(chr)};
	c.has_car = true;
	c.car = (cvc_span){ctl, sizeof(ctl)};
	c.kind = CVC_KIND_AUTH_REQUEST;
	c.outer_car = (cvc_span){c1, sizeof(c1)};
	ck_assert_int_eq(print_cert(&c, true, 0, 0, &out), CVC_OK);
	/* The parser rejects any raw octet >= 0x80: output is ASCII. */
	parse_output(&out, &d);
	ck_assert_ptr_nonnull(
	    strstr(out.text, "\"A\\\"B\\\\C\\u00e4\\u00ff\""));
	ck_assert_mem_eq(cvc_test_json_value(&d, "chr.text", 's'), chr,
	                 sizeof(chr));
	cvc_test_json_expect(&d, "chr.hex", 's', "4122425c43e4ff");
	/* Control and C1 octets are not text: hex only */
	ck_assert_ptr_null(cvc_test_json_get(&d, "car.text"));
	cvc_test_json_expect(&d, "car.hex", 's', "44451b58");
	ck_assert_ptr_null(cvc_test_json_get(&d, "outer.car.text"));
	cvc_test_json_expect(&d, "outer.car.hex", 's', "44458558");
	cvc_test_json_expect(&d, "public_key.type", 's', "unknown");
	ck_assert_ptr_null(cvc_test_json_get(&d, "public_key.oid"));
	cvc_test_json_free(&d);
	free(out.text);
	/* The text printer shows such references as hex too */
	ck_assert_int_eq(print_cert(&c, false, 0, 0, &out), CVC_OK);
	check_text_shape(&out, 0);
	ck_assert(has_line(out.text, "CHR", "4122425C43E4FF"));
	free(out.text);
}
END_TEST

START_TEST(test_bad_arguments)
{
	cvc_cert c;
	FILE *f = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(f);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(cvc_cert_print_text(NULL, &c, 0, 0),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_print_text(f, NULL, 0, 0),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_print_json(f, NULL, 0), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_print_json(f, &c, 0x80), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_print_text(f, &c, 0x80, 0),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_pubkey_print_json(f, NULL, 0, 0),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_pubkey_print_text(NULL, &c.key, 0, 0, 0),
	                 CVC_ERR_INVALID_ARG);
	/* A view whose span has a length but no data */
	c.signature.len = 5;
	ck_assert_int_eq(cvc_cert_print_json(f, &c, 0), CVC_ERR_INVALID_ARG);
	c.signature.len = 0;
	c.n_ext = CVC_MAX_EXTENSIONS + 1;
	ck_assert_int_eq(cvc_cert_print_text(f, &c, 0, 0), CVC_ERR_INVALID_ARG);
	c.n_ext = 0;
	c.key.comp[2].len = 1;
	ck_assert_int_eq(cvc_pubkey_print_text(f, &c.key, 0, 0, 0),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_cert_print_text(f, &c, 0, 0), CVC_ERR_INVALID_ARG);
	fclose(f);
}
END_TEST

START_TEST(test_write_error)
{
	struct cvc_test_object o;
	FILE *f = fopen("/dev/null", "r"); /* writes fail */

	ck_assert_ptr_nonnull(f);
	cvc_test_load_object(&o, DE_TERMINAL);
	ck_assert_int_eq(cvc_cert_print_text(f, &o.cert, 0, 0), CVC_ERR_IO);
	ck_assert_int_eq(cvc_cert_print_json(f, &o.cert, 0), CVC_ERR_IO);
	ck_assert_int_eq(cvc_pubkey_print_json(f, &o.cert.key, 0, 0),
	                 CVC_ERR_IO);
	fclose(f);
	free(o.data);
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *print_suite(void)
{
	Suite *s = suite_create("print");
	TCase *checker = cvc_test_json_checker_tcase();
	TCase *corpus = tcase_create("corpus");
	TCase *known = tcase_create("known");

	suite_add_tcase(s, checker);

	tcase_add_test(corpus, test_print_corpus);
	tcase_add_test(corpus, test_print_trust_anchors);
	tcase_add_test(corpus, test_print_mutated_corpus);
	tcase_add_test(corpus, test_gematik_json_matches_explanations);
	tcase_set_timeout(corpus, 240);
	suite_add_tcase(s, corpus);

	tcase_add_test(known, test_json_german_terminal);
	tcase_add_test(known, test_json_authenticated_request);
	tcase_add_test(known, test_json_dnie);
	tcase_add_test(known, test_json_smartcard_hsm_empty_extensions);
	tcase_add_test(known, test_json_nonminimal_and_unknown_extension);
	tcase_add_test(known, test_text_german_terminal);
	tcase_add_test(known, test_text_gematik_parts);
	tcase_add_test(known, test_json_escaping);
	tcase_add_test(known, test_bad_arguments);
	tcase_add_test(known, test_write_error);
	suite_add_tcase(s, known);
	return s;
}

int main(void)
{
	return cvc_test_run(print_suite());
}
