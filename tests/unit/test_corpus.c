/* SPDX-License-Identifier: MIT */
/*
 * Corpus conformance: every object listed in MANIFEST.tsv of the real-world
 * corpus (env CVC_CORPUS_DIR) decodes, prints as text and as valid JSON,
 * re-encodes to its exact bytes and agrees with its MANIFEST row. gematik
 * certificates must also agree with gematik's own decoder output beside them
 * (*.gematik-explanation.txt), and the bare gematik trust-anchor keys must
 * round-trip. Everything is driven by the files present: nothing is skipped
 * silently, and a missing corpus is a failure, not a skip.
 *
 * Failures are collected per test so that one run names every file that
 * differs (on stderr), then asserted at the end.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <cvc/cvc.h>

#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Failure collection */

struct failures {
	size_t count;
	char first[768];
};

__attribute__((format(printf, 3, 4))) static void
note(struct failures *f, const char *file, const char *fmt, ...)
{
	char msg[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "corpus: FAIL %s: %s\n", file, msg);
	if (f->count++ == 0)
		snprintf(f->first, sizeof(f->first), "%s: %s", file, msg);
}

static void assert_no_failures(const struct failures *f, const char *what)
{
	ck_assert_msg(f->count == 0,
	              "%s: %zu failure(s), see stderr; first: %s", what,
	              f->count, f->first);
}

static const char *diag_text(const cvc_diag *d, char *buf, size_t cap)
{
	cvc_diag_format(d, buf, cap);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Files and digests */

static bool sha256_matches(const uint8_t *data, size_t len, const char *hex)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;

	if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL))
		return false;
	return cvc_test_bytes_are_hex(md, md_len, hex);
}

/* ------------------------------------------------------------------ */
/* What each MANIFEST role means. Each role in the corpus is mapped on
 * purpose; an unmapped one fails. Role bits: TR-03110-3 C.4.1-C.4.3
 * (11 CVCA, 10 DV official/domestic, 01 DV non-official/foreign,
 * 00 terminal); gemSpec_PKI flag list b0b1 (11 root CA, 10 sub-CA,
 * 00 end entity); SmartCard-HSM device PKI uses the same two bits
 * (SRCA root c0, device issuer CA 80, device 00). */

struct role_expectation {
	const char *role;
	cvc_kind kind;
	cvc_terminal_type type;     /* CVC_TT_UNKNOWN: no CHAT */
	cvc_terminal_type alt_type; /* another acceptable type */
	cvc_role chat_role;
};

/* clang-format off */
#define ROLE_CERT(name, tt, r) {name, CVC_KIND_CERT, tt, tt, r}
#define ROLE_GEMATIK(name, r) \
	{name, CVC_KIND_CERT, CVC_TT_GEMATIK_TI, CVC_TT_GEMATIK_CMS, r}
#define ROLE_NO_CHAT(name, kind) \
	{name, kind, CVC_TT_UNKNOWN, CVC_TT_UNKNOWN, CVC_ROLE_TERMINAL}
/* clang-format on */

static const struct role_expectation role_table[] = {
    ROLE_CERT("at-cvca", CVC_TT_AT, CVC_ROLE_CVCA),
    ROLE_CERT("at-cvca-link", CVC_TT_AT, CVC_ROLE_CVCA),
    ROLE_CERT("at-dv-official", CVC_TT_AT, CVC_ROLE_DV_DOMESTIC),
    ROLE_CERT("at-dv-nonofficial", CVC_TT_AT, CVC_ROLE_DV_FOREIGN),
    ROLE_CERT("at-terminal", CVC_TT_AT, CVC_ROLE_TERMINAL),
    ROLE_CERT("is-cvca", CVC_TT_IS, CVC_ROLE_CVCA),
    ROLE_CERT("is-cvca-link", CVC_TT_IS, CVC_ROLE_CVCA),
    ROLE_CERT("is-dv-official", CVC_TT_IS, CVC_ROLE_DV_DOMESTIC),
    ROLE_CERT("is-dv-nonofficial", CVC_TT_IS, CVC_ROLE_DV_FOREIGN),
    ROLE_CERT("is-terminal", CVC_TT_IS, CVC_ROLE_TERMINAL),
    ROLE_CERT("st-cvca", CVC_TT_ST, CVC_ROLE_CVCA),
    ROLE_CERT("st-dv-official", CVC_TT_ST, CVC_ROLE_DV_DOMESTIC),
    ROLE_CERT("st-dv-nonofficial", CVC_TT_ST, CVC_ROLE_DV_FOREIGN),
    ROLE_CERT("st-terminal", CVC_TT_ST, CVC_ROLE_TERMINAL),
    ROLE_GEMATIK("root", CVC_ROLE_CVCA),
    ROLE_GEMATIK("root-cross", CVC_ROLE_CVCA),
    ROLE_GEMATIK("subca", CVC_ROLE_DV_DOMESTIC),
    ROLE_GEMATIK("ee", CVC_ROLE_TERMINAL),
    ROLE_CERT("srca-root", CVC_TT_SCHSM, CVC_ROLE_CVCA),
    ROLE_CERT("device-issuer-ca", CVC_TT_SCHSM, CVC_ROLE_DV_DOMESTIC),
    ROLE_CERT("device", CVC_TT_SCHSM, CVC_ROLE_TERMINAL),
    ROLE_NO_CHAT("request", CVC_KIND_REQUEST),
    ROLE_NO_CHAT("authreq", CVC_KIND_AUTH_REQUEST),
    ROLE_NO_CHAT("iso7816-9-cvc", CVC_KIND_ISO9796),
};

static const struct role_expectation *role_lookup(const char *role)
{
	for (size_t i = 0; i < ARRAY_LEN(role_table); i++)
		if (strcmp(role_table[i].role, role) == 0)
			return &role_table[i];
	return NULL;
}

static void check_chat_role(const struct cvc_test_manifest_row *row,
                            const struct role_expectation *want,
                            const cvc_cert *c, struct failures *f)
{
	const char *file = row->file;
	cvc_chat_info info;
	cvc_terminal_type from_oid;
	cvc_err err;

	if (!c->has_chat || !c->has_dates) {
		note(f, file, "certificate without CHAT or dates");
		return;
	}
	err = cvc_chat_info_get(&c->chat, &info);
	if (err != CVC_OK) {
		note(f, file, "cvc_chat_info_get: %s", cvc_strerror(err));
		return;
	}
	from_oid = cvc_terminal_type_from_oid(c->chat.oid);
	if (info.type != from_oid)
		note(f, file, "CHAT type %d, but its OID gives %d", info.type,
		     from_oid);
	if (info.type != want->type && info.type != want->alt_type)
		note(f, file, "CHAT type %s, role '%s' wants %s",
		     cvc_terminal_type_name(info.type), row->role,
		     cvc_terminal_type_name(want->type));
	if (info.role != want->chat_role)
		note(f, file, "CHAT role bits %d, role '%s' wants %d",
		     info.role, row->role, want->chat_role);
}

static void check_role(const struct cvc_test_manifest_row *row,
                       const cvc_cert *c, struct failures *f)
{
	const struct role_expectation *want = role_lookup(row->role);
	const char *file = row->file;

	if (!want) {
		note(f, file, "MANIFEST role '%s' is not mapped by this test",
		     row->role);
		return;
	}
	if (c->kind != want->kind)
		note(f, file, "kind %s, role '%s' wants %s",
		     cvc_kind_name(c->kind), row->role,
		     cvc_kind_name(want->kind));
	else if (want->kind == CVC_KIND_CERT)
		check_chat_role(row, want, c, f);
}

/* ------------------------------------------------------------------ */
/* The per-object pipeline */

struct corpus_stats {
	size_t rows, decoded, printed, reencoded, matched;
};

static void check_size_and_digest(const struct cvc_test_manifest_row *row,
                                  const uint8_t *buf, size_t len,
                                  struct failures *f)
{
	char size[32];

	snprintf(size, sizeof(size), "%zu", len);
	if (strcmp(size, row->bytes) != 0)
		note(f, row->file, "size %zu, MANIFEST says %s", len,
		     row->bytes);
	if (!sha256_matches(buf, len, row->sha256))
		note(f, row->file, "SHA-256 differs from MANIFEST");
}

typedef cvc_err (*print_fn)(FILE *out, const cvc_cert *c, unsigned flags);

static cvc_err print_text_indented(FILE *out, const cvc_cert *c, unsigned flags)
{
	return cvc_cert_print_text(out, c, flags, flags ? 2 : 0);
}

/* Runs a printer into memory; returns the output (caller frees) or NULL. */
static char *print_to_memory(print_fn fn, const cvc_cert *c, unsigned flags,
                             size_t *len, cvc_err *err)
{
	char *text = NULL;
	FILE *mem = open_memstream(&text, len);

	ck_assert_ptr_nonnull(mem);
	*err = fn(mem, c, flags);
	ck_assert_int_eq(fclose(mem), 0);
	return text;
}

static bool check_one_printer(const char *file, const char *what, print_fn fn,
                              const cvc_cert *c, unsigned flags,
                              struct failures *f)
{
	size_t len = 0, at = 0, before = f->count;
	cvc_err err;
	char *text = print_to_memory(fn, c, flags, &len, &err);
	const char *why;

	if (err != CVC_OK)
		note(f, file, "%s (flags %u): %s", what, flags,
		     cvc_strerror(err));
	else if (len == 0)
		note(f, file, "%s (flags %u): empty output", what, flags);
	else if (strlen(text) != len)
		note(f, file, "%s (flags %u): NUL byte in output", what, flags);
	else if (fn == cvc_cert_print_json &&
	         (why = cvc_test_json_check_object(text, len, &at)) != NULL)
		note(f, file, "JSON (flags %u) invalid at byte %zu: %s", flags,
		     at, why);
	free(text);
	return f->count == before;
}

static bool check_printing(const char *file, const cvc_cert *c,
                           struct failures *f)
{
	bool ok = true;

	for (unsigned flags = 0; flags <= CVC_PRINT_VERBOSE; flags++) {
		ok &= check_one_printer(file, "text", print_text_indented, c,
		                        flags, f);
		ok &= check_one_printer(file, "JSON", cvc_cert_print_json, c,
		                        flags, f);
	}
	return ok;
}

static bool span_inside(cvc_span s, const uint8_t *buf, size_t len)
{
	return s.len > 0 && s.data >= buf && s.len <= len &&
	       (size_t)(s.data - buf) <= len - s.len;
}

static void check_body_encoding(const char *file, const cvc_cert *c,
                                const uint8_t *buf, size_t len,
                                struct failures *f)
{
	size_t n = 0;
	uint8_t *out;

	if (!span_inside(c->tbs, buf, len)) {
		note(f, file, "tbs does not lie inside the object");
		return;
	}
	if (cvc_cert_encode_body(c, NULL, 0, &n) != CVC_OK || n != c->tbs.len) {
		note(f, file, "cvc_cert_encode_body size %zu, tbs is %zu", n,
		     c->tbs.len);
		return;
	}
	out = malloc(n);
	ck_assert_ptr_nonnull(out);
	if (cvc_cert_encode_body(c, out, n, &n) != CVC_OK ||
	    memcmp(out, c->tbs.data, n) != 0)
		note(f, file, "cvc_cert_encode_body differs from tbs");
	free(out);
}

static bool check_reencoding(const char *file, const cvc_cert *c,
                             const uint8_t *buf, size_t len, struct failures *f)
{
	size_t before = f->count, sized = 0, written = 0, needed = 0;
	uint8_t *out = malloc(len);
	cvc_err err;

	ck_assert_ptr_nonnull(out);
	err = cvc_cert_encode(c, NULL, 0, &sized);
	if (err != CVC_OK || sized != len)
		note(f, file, "size-only encode: %s, %zu octets, file has %zu",
		     cvc_strerror(err), sized, len);
	err = cvc_cert_encode(c, out, len, &written);
	if (err != CVC_OK || written != len)
		note(f, file, "encode: %s, %zu octets, file has %zu",
		     cvc_strerror(err), written, len);
	else if (memcmp(out, buf, len) != 0)
		note(f, file, "re-encoded bytes differ from the file");
	err = cvc_cert_encode(c, out, len - 1, &needed);
	if (err != CVC_ERR_BUFFER_TOO_SMALL || needed != len)
		note(f, file, "encode into %zu octets: %s, needed %zu", len - 1,
		     cvc_strerror(err), needed);
	free(out);
	if (c->kind != CVC_KIND_ISO9796)
		check_body_encoding(file, c, buf, len, f);
	return f->count == before;
}

/* MANIFEST writes binary references as "hex:...", text ones as they are;
 * an empty cell means the field is absent. */
static void check_reference(const char *file, const char *name, bool present,
                            cvc_span got, const char *want, struct failures *f)
{
	char hex[80];
	bool same;

	if (strncmp(want, "hex:", 4) == 0)
		same = present && cvc_test_span_is_hex(got, want + 4);
	else if (!*want)
		same = !present || got.len == 0;
	else
		same = present && got.len == strlen(want) &&
		       memcmp(got.data, want, got.len) == 0;
	if (!same)
		note(f, file, "%s %s (hex %s), MANIFEST says '%s'", name,
		     present ? "present" : "absent", cvc_test_hex(got, hex, 80),
		     want);
}

static void check_profile(const struct cvc_test_manifest_row *row,
                          const cvc_cert *c, struct failures *f)
{
	const char *cpi = row->cpi, *file = row->file;
	cvc_profile want;

	if (!*cpi) {
		want = CVC_PROFILE_ISO7816_9; /* no body, hence no CPI */
	} else if (!cvc_test_bytes_are_hex(&c->cpi, 1, cpi)) {
		note(f, file, "CPI %02x, MANIFEST says %s", c->cpi, cpi);
		return;
	} else {
		want = c->cpi == CVC_CPI_GEMATIK_G2 ? CVC_PROFILE_GEMATIK_G2
		                                    : CVC_PROFILE_TR03110;
	}
	if (c->profile != want)
		note(f, file, "profile %s, CPI '%s' means %s",
		     cvc_profile_name(c->profile), cpi, cvc_profile_name(want));
}

static bool check_manifest_fields(const struct cvc_test_manifest_row *row,
                                  const cvc_cert *c, struct failures *f)
{
	const char *file = row->file;
	size_t before = f->count;
	bool outer = c->kind == CVC_KIND_AUTH_REQUEST;

	check_profile(row, c, f);
	check_reference(file, "CHR", c->chr.len > 0, c->chr, row->chr, f);
	/* An authenticated request is listed under the CAR of its outer
	 * signature (TR-03110-3 C.2). */
	check_reference(file, outer ? "outer CAR" : "CAR",
	                outer ? c->outer_car.len > 0 : c->has_car,
	                outer ? c->outer_car : c->car, row->car, f);
	check_role(row, c, f);
	return f->count == before;
}

static void check_object(const struct cvc_test_manifest_row *row,
                         struct corpus_stats *st, struct failures *f)
{
	const char *file = row->file;
	char why[256];
	size_t len = 0;
	uint8_t *buf = cvc_test_try_read_corpus(file, &len);
	cvc_cert c;
	cvc_diag d = {0};
	cvc_err err;

	st->rows++;
	if (!buf) {
		note(f, file, "cannot read the file listed in MANIFEST.tsv");
		return;
	}
	check_size_and_digest(row, buf, len, f);
	err = cvc_cert_decode(buf, len, CVC_DECODE_LENIENT, &c, &d);
	if (err != CVC_OK) {
		note(f, file, "lenient decode: %s at %s", cvc_strerror(err),
		     diag_text(&d, why, sizeof(why)));
	} else if (c.raw.data != buf || c.raw.len != len) {
		note(f, file, "raw span is not the whole file");
	} else {
		st->decoded++;
		st->printed += check_printing(file, &c, f);
		st->reencoded += check_reencoding(file, &c, buf, len, f);
		st->matched += check_manifest_fields(row, &c, f);
	}
	free(buf);
}

START_TEST(test_every_object_round_trips_and_matches_manifest)
{
	struct cvc_test_manifest m;
	struct corpus_stats st = {0};
	struct failures f = {0};

	cvc_test_manifest_load(&m);
	for (size_t i = 0; i < m.n; i++)
		check_object(&m.rows[i], &st, &f);
	printf("corpus: %zu/%zu decoded, %zu printed (text+JSON), "
	       "%zu re-encoded byte-exact, %zu match MANIFEST\n",
	       st.decoded, m.n, st.printed, st.reencoded, st.matched);
	assert_no_failures(&f, "corpus objects");
	ck_assert_uint_eq(st.rows, m.n);
	ck_assert_uint_eq(st.decoded, m.n);
	ck_assert_uint_eq(st.printed, m.n);
	ck_assert_uint_eq(st.reencoded, m.n);
	ck_assert_uint_eq(st.matched, m.n);
	cvc_test_manifest_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Strict (DER) decoding: only the one object with a non-minimal length
 * (7F21 82 00E7) may fail, and only with CVC_ERR_NONMINIMAL_LENGTH. */

/* A three-octet length field (82 HH LL) for a value under 256 octets. */
static bool outer_length_is_nonminimal(const uint8_t *buf, size_t len)
{
	return len > 4 && buf[0] == 0x7F && buf[1] == 0x21 && buf[2] == 0x82 &&
	       buf[3] == 0x00;
}

static bool check_strict(const char *file, const uint8_t *buf, size_t len,
                         struct failures *f)
{
	char why[256];
	cvc_cert strict, lenient;
	cvc_diag d = {0};
	cvc_err err = cvc_cert_decode(buf, len, 0, &strict, &d);
	bool rejected = err == CVC_ERR_NONMINIMAL_LENGTH;

	if (err != CVC_OK && !rejected)
		note(f, file, "strict decode: %s at %s", cvc_strerror(err),
		     diag_text(&d, why, sizeof(why)));
	if (rejected && d.err != CVC_ERR_NONMINIMAL_LENGTH)
		note(f, file, "diag.err %d, returned non-minimal length",
		     d.err);
	if (rejected && !outer_length_is_nonminimal(buf, len))
		note(f, file,
		     "rejected as non-minimal, yet 7F21 length is "
		     "not 82 00 xx");
	if (cvc_cert_decode(buf, len, CVC_DECODE_LENIENT, &lenient, NULL) ==
	        CVC_OK &&
	    lenient.nonminimal != rejected)
		note(f, file, "lenient decode says nonminimal=%d, strict %s",
		     lenient.nonminimal, cvc_strerror(err));
	return rejected;
}

START_TEST(test_strict_decoding_rejects_only_the_nonminimal_length)
{
	struct cvc_test_manifest m;
	struct failures f = {0};
	size_t rejected = 0, accepted = 0, len = 0;
	const char *which = "(none)";
	cvc_cert c;
	uint8_t *buf;

	cvc_test_manifest_load(&m);
	for (size_t i = 0; i < m.n; i++) {
		buf = cvc_test_try_read_corpus(m.rows[i].file, &len);
		if (!buf) {
			note(&f, m.rows[i].file, "cannot read");
			continue;
		}
		if (check_strict(m.rows[i].file, buf, len, &f)) {
			rejected++;
			which = m.rows[i].file;
		} else if (cvc_cert_decode(buf, len, 0, &c, NULL) == CVC_OK) {
			accepted++;
		}
		free(buf);
	}
	printf("corpus: strict DER decoding accepted %zu/%zu; rejected %zu "
	       "for a non-minimal length: %s\n",
	       accepted, m.n, rejected, which);
	assert_no_failures(&f, "strict decoding");
	ck_assert_uint_eq(accepted + rejected, m.n);
	ck_assert_msg(rejected == 1,
	              "%zu objects rejected for a non-minimal length, want 1",
	              rejected);
	cvc_test_manifest_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Every object file in the directory tree is listed in MANIFEST.tsv, so
 * that the pipeline above sees all of them. */

struct listing {
	const struct cvc_test_manifest *manifest;
	size_t found;
	struct failures failures;
};

static void check_listed(const char *path, const char *rel, void *ctx)
{
	struct listing *l = ctx;

	(void)path;
	if (!cvc_test_has_suffix(rel, ".cvcert") &&
	    !cvc_test_has_suffix(rel, ".cvreq"))
		return;
	l->found++;
	if (!cvc_test_manifest_find(l->manifest, rel))
		note(&l->failures, rel, "not listed in MANIFEST.tsv");
}

START_TEST(test_every_object_file_is_in_manifest)
{
	struct cvc_test_manifest m;
	struct listing l = {&m, 0, {0}};

	cvc_test_manifest_load(&m);
	cvc_test_walk_tree(cvc_test_corpus_dir(), check_listed, &l);
	printf("corpus: %zu object files on disk, %zu MANIFEST rows\n", l.found,
	       m.n);
	assert_no_failures(&l.failures, "directory listing");
	ck_assert_uint_eq(l.found, m.n);
	cvc_test_manifest_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* gematik's explanation files: the "Certificate content as is" block and
 * the bits listed in the "Explanation" block (parsed by testutil.c). */

/* oid_cvc_fl_ti 1.2.276.0.76.4.152, oid_cvc_fl_cms 1.2.276.0.76.4.153 */
static cvc_terminal_type flag_list_type(const char *oid_hex)
{
	if (strcmp(oid_hex, "2a8214004c048118") == 0)
		return CVC_TT_GEMATIK_TI;
	if (strcmp(oid_hex, "2a8214004c048119") == 0)
		return CVC_TT_GEMATIK_CMS;
	return CVC_TT_UNKNOWN;
}

static void compare_span(const char *file, const char *name, cvc_span got,
                         const char *want, struct failures *f)
{
	char hex[80];

	if (!cvc_test_span_is_hex(got, want))
		note(f, file, "%s %s, gematik says %.60s", name,
		     cvc_test_hex(got, hex, sizeof(hex)), want);
}

static void compare_date(const char *file, const char *name,
                         const cvc_date *got, const char *digits_hex,
                         const cvc_date *german, struct failures *f)
{
	uint8_t digits[6];

	if (cvc_date_encode(got, digits) != CVC_OK ||
	    !cvc_test_bytes_are_hex(digits, 6, digits_hex))
		note(f, file, "%s digits differ from gematik's %s", name,
		     digits_hex);
	if (cvc_date_cmp(got, german) != 0)
		note(f, file, "%s %04u-%02u-%02u, gematik says %04u-%02u-%02u",
		     name, got->year, got->month, got->day, german->year,
		     german->month, german->day);
}

static void compare_fields(const char *file, const cvc_cert *c,
                           const struct cvc_test_explanation *x,
                           struct failures *f)
{
	const char *curve = cvc_curve_name(&c->key, c->cpi);

	if (!cvc_test_bytes_are_hex(&c->cpi, 1, x->field[CVC_TEST_GX_CPI]))
		note(f, file, "CPI %02x, gematik says %s", c->cpi,
		     x->field[CVC_TEST_GX_CPI]);
	compare_span(file, "CAR", c->car, x->field[CVC_TEST_GX_CAR], f);
	compare_span(file, "CHR", c->chr, x->field[CVC_TEST_GX_CHR], f);
	compare_span(file, "key OID", c->key.oid, x->field[CVC_TEST_GX_KEY_OID],
	             f);
	compare_span(file, "public point", CVC_EC_POINT(&c->key),
	             x->field[CVC_TEST_GX_POINT], f);
	compare_span(file, "flag-list OID", c->chat.oid,
	             x->field[CVC_TEST_GX_FLAG_OID], f);
	compare_span(file, "flag list", c->chat.bits,
	             x->field[CVC_TEST_GX_FLAGS], f);
	compare_span(file, "signature", c->signature, x->field[CVC_TEST_GX_SIG],
	             f);
	compare_date(file, "CED", &c->effective, x->field[CVC_TEST_GX_CED],
	             &x->ced, f);
	compare_date(file, "CXD", &c->expiration, x->field[CVC_TEST_GX_CXD],
	             &x->cxd, f);
	if (!curve || strcmp(curve, x->curve) != 0)
		note(f, file, "curve %s, gematik says %s",
		     curve ? curve : "(none)", x->curve);
}

/* Bits b0 and b1 are the role (gemSpec_PKI); every other bit is set
 * exactly when gematik lists it as "bNN =>". */
static void compare_flag_bits(const char *file, const cvc_cert *c,
                              const struct cvc_test_explanation *x,
                              struct failures *f)
{
	cvc_terminal_type type = flag_list_type(x->field[CVC_TEST_GX_FLAG_OID]);
	size_t nbits = strlen(x->field[CVC_TEST_GX_FLAGS]) * 4;
	cvc_chat_info info = {0};
	cvc_role role;
	bool want;

	if (type == CVC_TT_UNKNOWN ||
	    !cvc_test_explained_role(x->role_text, &role)) {
		note(f, file, "unknown flag-list OID %s or b0b1 text '%s'",
		     x->field[CVC_TEST_GX_FLAG_OID], x->role_text);
		return;
	}
	if (cvc_chat_info_get(&c->chat, &info) != CVC_OK || info.type != type ||
	    info.role != role || info.nbits != nbits)
		note(f, file,
		     "CHAT info type %d role %d nbits %zu, gematik "
		     "says type %d role %d nbits %zu",
		     info.type, info.role, info.nbits, type, role, nbits);
	for (size_t bit = 0; bit < nbits && bit < CVC_TEST_GX_MAX_BITS; bit++) {
		want = bit < 2 ? (role >> (1 - bit)) & 1 : x->listed[bit];
		if (cvc_chat_bit(&c->chat, type, bit) != want)
			note(f, file,
			     "flag-list bit b%02zu is %s, gematik "
			     "says %s",
			     bit, want ? "clear" : "set",
			     want ? "set" : "clear");
	}
	for (size_t bit = nbits; bit < CVC_TEST_GX_MAX_BITS; bit++)
		if (x->listed[bit] || cvc_chat_bit(&c->chat, type, bit))
			note(f, file, "bit b%02zu beyond the %zu-bit flag list",
			     bit, nbits);
}

static void check_explained_cert(const char *cert_name, char *text,
                                 const uint8_t *buf, size_t len,
                                 struct failures *f)
{
	char why[256];
	struct cvc_test_explanation x;
	cvc_cert c;
	cvc_diag d = {0};
	cvc_err err;

	cvc_test_parse_explanation(text, &x);
	if (x.error) {
		note(f, cert_name, "cannot parse its explanation: %s", x.error);
		return;
	}
	err = cvc_cert_decode(buf, len, 0, &c, &d);
	if (err != CVC_OK) {
		note(f, cert_name, "strict decode: %s at %s", cvc_strerror(err),
		     diag_text(&d, why, sizeof(why)));
		return;
	}
	if (!cvc_test_bytes_are_hex(buf, len, x.content))
		note(f, cert_name, "file bytes differ from CVC-Content");
	compare_fields(cert_name, &c, &x, f);
	compare_flag_bits(cert_name, &c, &x, f);
}

/* Explanations that agree with their sibling certificate, and failures. */
struct explained {
	size_t matched;
	struct failures failures;
};

/* Checks one explanation against its sibling certificate. */
static void check_explanation(const char *path, const char *name, void *ctx)
{
	struct explained *e = ctx;
	struct failures *f = &e->failures;
	char cert_name[1024];
	size_t before = f->count, len = 0, cert_len = 0;
	char *text;
	uint8_t *cert_buf;

	cvc_test_explained_cert(name, cert_name, sizeof(cert_name));
	text = (char *)cvc_test_try_read(path, &len);
	cert_buf = cvc_test_try_read_corpus(cert_name, &cert_len);
	if (!text || !cert_buf)
		note(f, path, "cannot read it or its sibling %s", cert_name);
	else
		check_explained_cert(cert_name, text, cert_buf, cert_len, f);
	free(text);
	free(cert_buf);
	e->matched += f->count == before;
}

START_TEST(test_gematik_explanations_agree)
{
	struct explained e = {0};
	size_t seen = cvc_test_each_corpus_file(
	    "gematik_g2", CVC_TEST_EXPLANATION_SUFFIX, check_explanation, &e);

	printf("corpus: %zu/%zu gematik explanations matched\n", e.matched,
	       seen);
	assert_no_failures(&e.failures, "gematik explanations");
	ck_assert_msg(seen > 0, "no *%s in gematik_g2",
	              CVC_TEST_EXPLANATION_SUFFIX);
	ck_assert_uint_eq(e.matched, seen);
}
END_TEST

/* ------------------------------------------------------------------ */
/* gematik trust anchors: bare 7F49 keys named after the CHR of their root
 * ("<CHR hex>_ELC-PublicKey.der"). */

static bool check_pubkey_printing(const char *file, const cvc_pubkey *k,
                                  struct failures *f)
{
	size_t before = f->count, len = 0, at = 0;
	char *text = NULL;
	const char *why;
	FILE *mem;
	cvc_err err;

	for (int json = 0; json <= 1; json++) {
		mem = open_memstream(&text, &len);
		ck_assert_ptr_nonnull(mem);
		err = json
		          ? cvc_pubkey_print_json(mem, k, CVC_CPI_GEMATIK_G2, 0)
		          : cvc_pubkey_print_text(mem, k, CVC_CPI_GEMATIK_G2, 0,
		                                  0);
		ck_assert_int_eq(fclose(mem), 0);
		if (err != CVC_OK || len == 0)
			note(f, file, "key print (json=%d): %s, %zu octets",
			     json, cvc_strerror(err), len);
		else if (json &&
		         (why = cvc_test_json_check_object(text, len, &at)))
			note(f, file, "key JSON invalid at %zu: %s", at, why);
		free(text);
		text = NULL;
	}
	return f->count == before;
}

/* The anchor's point must be the point of the corpus certificate whose
 * CHR is in its name. */
static void check_anchor_matches_root(const char *file, const char *name,
                                      const cvc_pubkey *k,
                                      const struct cvc_test_manifest *m,
                                      struct failures *f)
{
	char chr_hex[64];
	size_t found = 0, len = 0;
	uint8_t *buf;
	cvc_cert c;

	snprintf(chr_hex, sizeof(chr_hex), "%.*s", (int)strcspn(name, "_"),
	         name);
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->rows[i].family, "gematik_g2") != 0)
			continue;
		buf = cvc_test_try_read_corpus(m->rows[i].file, &len);
		if (buf && cvc_cert_decode(buf, len, 0, &c, NULL) == CVC_OK &&
		    cvc_test_span_is_hex(c.chr, chr_hex)) {
			found++;
			if (CVC_EC_POINT(&c.key).len != CVC_EC_POINT(k).len ||
			    memcmp(CVC_EC_POINT(&c.key).data,
			           CVC_EC_POINT(k).data,
			           CVC_EC_POINT(k).len) != 0)
				note(f, file, "point differs from %s",
				     m->rows[i].file);
		}
		free(buf);
	}
	if (found == 0)
		note(f, file, "no corpus certificate has CHR %s", chr_hex);
}

/* The manifest, anchors that passed every check, and failures. */
struct anchors {
	const struct cvc_test_manifest *manifest;
	size_t ok;
	struct failures failures;
};

static void check_anchor(const char *path, const char *name, void *ctx)
{
	struct anchors *a = ctx;
	struct failures *f = &a->failures;
	char why[256];
	size_t before = f->count, len = 0, n = 0;
	uint8_t *buf = cvc_test_read_file(path, &len), *out;
	cvc_pubkey k;
	cvc_diag d = {0};
	cvc_err err;

	err = cvc_pubkey_decode(buf, len, 0, &k, &d);
	if (err != CVC_OK) {
		note(f, path, "cvc_pubkey_decode: %s at %s", cvc_strerror(err),
		     diag_text(&d, why, sizeof(why)));
		free(buf);
		return;
	}
	out = malloc(len);
	ck_assert_ptr_nonnull(out);
	if (cvc_pubkey_encode(&k, NULL, 0, &n) != CVC_OK || n != len)
		note(f, path, "size-only cvc_pubkey_encode gives %zu, not %zu",
		     n, len);
	if (cvc_pubkey_encode(&k, out, len, &n) != CVC_OK || n != len ||
	    memcmp(out, buf, len) != 0)
		note(f, path, "cvc_pubkey_encode does not give the file back");
	check_pubkey_printing(path, &k, f);
	check_anchor_matches_root(path, name, &k, a->manifest, f);
	free(out);
	free(buf);
	a->ok += f->count == before;
}

START_TEST(test_gematik_trust_anchors_round_trip)
{
	struct cvc_test_manifest m;
	struct anchors a = {&m, 0, {0}};
	size_t seen;

	cvc_test_manifest_load(&m);
	seen = cvc_test_each_corpus_file("gematik_g2/trust-anchor", ".der",
	                                 check_anchor, &a);
	printf("corpus: %zu/%zu gematik trust anchors decoded, re-encoded "
	       "and matched their root certificate\n",
	       a.ok, seen);
	assert_no_failures(&a.failures, "trust anchors");
	ck_assert_msg(seen > 0, "no trust anchors in gematik_g2/trust-anchor");
	ck_assert_uint_eq(a.ok, seen);
	cvc_test_manifest_free(&m);
}
END_TEST

static Suite *corpus_suite(void)
{
	Suite *s = suite_create("corpus");
	TCase *tc = tcase_create("corpus");

	tcase_set_timeout(tc, 240);
	cvc_test_add_json_object_checker_test(tc);
	tcase_add_test(tc, test_every_object_file_is_in_manifest);
	tcase_add_test(tc, test_every_object_round_trips_and_matches_manifest);
	tcase_add_test(tc,
	               test_strict_decoding_rejects_only_the_nonminimal_length);
	tcase_add_test(tc, test_gematik_explanations_agree);
	tcase_add_test(tc, test_gematik_trust_anchors_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cvc_test_run(corpus_suite());
}
