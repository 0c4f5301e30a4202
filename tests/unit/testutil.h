/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libcvc unit tests (tlv, cert, chat, print, input,
 * corpus): the Check runner, files of the real-world corpus (env
 * CVC_CORPUS_DIR) and its MANIFEST.tsv, hex, gematik's decoder output
 * beside the G2 certificates, and a strict JSON parser for the printers.
 *
 * Every helper that can fail asserts (ck_assert) unless its name says
 * "try": those return NULL or false so that a test can collect failures.
 */
#ifndef CVC_TESTUTIL_H
#define CVC_TESTUTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/cert.h>
#include <cvc/chat.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Runs the suite; EXIT_SUCCESS only when every test passed. */
int cvc_test_run(Suite *s);

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/* CVC_CORPUS_DIR, else the shared corpus, else tests/data/cvc-corpus. */
const char *cvc_test_corpus_dir(void);

/* dir/name into out; asserts that it fits. */
void cvc_test_path(char *out, size_t cap, const char *dir, const char *name);
void cvc_test_corpus_path(char *out, size_t cap, const char *rel);

bool cvc_test_has_suffix(const char *s, const char *suffix);
bool cvc_test_is_dir(const char *path);

/* Whole file in a new buffer, NUL-terminated beyond *len. */
uint8_t *cvc_test_try_read(const char *path, size_t *len);
uint8_t *cvc_test_read_file(const char *path, size_t *len);
uint8_t *cvc_test_try_read_corpus(const char *rel, size_t *len);
uint8_t *cvc_test_read_corpus(const char *rel, size_t *len);

/* Whole file into buf; asserts that it fits in cap. */
size_t cvc_test_read_into(const char *path, uint8_t *buf, size_t cap);

/* Called with a file's full path and its name relative to the walk. */
typedef void cvc_test_file_fn(const char *path, const char *rel, void *ctx);

/* Every file below dir, depth first; names starting with '.' skipped. */
void cvc_test_walk_tree(const char *dir, cvc_test_file_fn *fn, void *ctx);

/* The files directly in corpus dir rel whose names end in suffix. */
size_t cvc_test_each_corpus_file(const char *rel, const char *suffix,
                                 cvc_test_file_fn *fn, void *ctx);

/* A corpus object decoded leniently; data is its buffer (free it). */
struct cvc_test_object {
	uint8_t *data;
	size_t len;
	cvc_cert cert;
};

void cvc_test_load_object(struct cvc_test_object *o, const char *rel);

/* ------------------------------------------------------------------ */
/* Hex                                                                 */
/* ------------------------------------------------------------------ */

/* 0..15, or -1 when c is not a hex digit. */
int cvc_test_hex_digit(int c);

/* An even number of hex digits, nothing else. */
bool cvc_test_is_hex(const char *s);

/* The leading hex pairs of hex, at most cap octets. */
size_t cvc_test_hex_decode(const char *hex, uint8_t *out, size_t cap);

/* All of hex; asserts that it is hex and fits. */
size_t cvc_test_unhex(const char *hex, uint8_t *out, size_t cap);

bool cvc_test_bytes_are_hex(const uint8_t *data, size_t len, const char *hex);
bool cvc_test_span_is_hex(cvc_span s, const char *hex);

/* Lower-case hex of s into buf, cut short with "..." to fit cap. */
const char *cvc_test_hex(cvc_span s, char *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* TSV files of the corpus: MANIFEST.tsv, EXPECTED.tsv                 */
/* ------------------------------------------------------------------ */

/* The non-empty lines of a file, header included, CR and LF cut off. */
struct cvc_test_tsv {
	char *text;
	char **line;
	size_t n;
};

void cvc_test_tsv_load(struct cvc_test_tsv *t, const char *rel);
void cvc_test_tsv_free(struct cvc_test_tsv *t);

/* Splits line at tabs in place into at most max columns; the last one
 * keeps any further tabs. Returns the number of columns. */
size_t cvc_test_tsv_split(char *line, char **col, size_t max);

/* One MANIFEST.tsv row; columns are found by their header names. A name
 * (CHR, CAR) is text, "hex:..." when binary, or empty when absent. */
struct cvc_test_manifest_row {
	const char *file, *sha256, *bytes, *family, *role, *cpi, *chr, *car;
};

struct cvc_test_manifest {
	struct cvc_test_tsv tsv;
	struct cvc_test_manifest_row *rows;
	size_t n;
};

void cvc_test_manifest_load(struct cvc_test_manifest *m);
void cvc_test_manifest_free(struct cvc_test_manifest *m);
const struct cvc_test_manifest_row *
cvc_test_manifest_find(const struct cvc_test_manifest *m, const char *file);

/* Called with a MANIFEST row and its object. */
typedef void cvc_test_object_fn(const struct cvc_test_manifest_row *row,
                                const struct cvc_test_object *o, void *ctx);

/* Loads every object MANIFEST.tsv lists, in its order; returns how many. */
size_t cvc_test_each_manifest_object(cvc_test_object_fn *fn, void *ctx);

/* Whether got is what a MANIFEST name cell says (empty: no octets). */
bool cvc_test_span_is_manifest_name(cvc_span got, const char *cell);

/* ------------------------------------------------------------------ */
/* gematik's decoder output beside each G2 certificate                 */
/* ------------------------------------------------------------------ */

#define CVC_TEST_EXPLANATION_SUFFIX ".gematik-explanation.txt"

/* "gematik_g2/<stem>.cvcert" for "<stem>.gematik-explanation.txt". */
void cvc_test_explained_cert(const char *name, char *out, size_t cap);

/* The fields of the "Certificate content as is" block. */
enum cvc_test_gx_field {
	CVC_TEST_GX_CPI,
	CVC_TEST_GX_CAR,
	CVC_TEST_GX_KEY_OID,
	CVC_TEST_GX_POINT,
	CVC_TEST_GX_CHR,
	CVC_TEST_GX_FLAG_OID,
	CVC_TEST_GX_FLAGS,
	CVC_TEST_GX_CED,
	CVC_TEST_GX_CXD,
	CVC_TEST_GX_SIG,
	CVC_TEST_GX_COUNT
};

#define CVC_TEST_GX_MAX_BITS 64

/* Pointers into the parsed text; error is NULL when all was found. */
struct cvc_test_explanation {
	const char *content;                  /* CVC-Content hex */
	const char *field[CVC_TEST_GX_COUNT]; /* hex, "as is" block */
	cvc_date ced, cxd;                    /* German dates */
	bool has_ced, has_cxd;
	const char *role_text; /* after "b0b1:" */
	const char *curve;     /* "Domain parameter of public key" */
	bool listed[CVC_TEST_GX_MAX_BITS]; /* "bNN =>" lines */
	bool rfu[CVC_TEST_GX_MAX_BITS];    /* ... whose text is "RFU" */
	const char *error;
};

/* Parses text in place; x points into it. */
void cvc_test_parse_explanation(char *text, struct cvc_test_explanation *x);

/* The role a b0b1 text names (gemSpec_PKI); false for another text. */
bool cvc_test_explained_role(const char *role_text, cvc_role *role);

/* "30. Juli 2015" */
bool cvc_test_german_date(const char *s, cvc_date *out);

/* ------------------------------------------------------------------ */
/* A strict JSON parser (RFC 8259) that flattens values to paths       */
/* ------------------------------------------------------------------ */

/*
 * Every scalar, object and array of a document, by path: "chr.text",
 * "chat.rights[0].bit". Strings are decoded (\u00XX to the octet XX).
 * Objects and arrays are recorded too, with their member count as value.
 * Besides RFC 8259 the parser refuses duplicate keys and any octet over
 * 0x7F: libcvc writes ASCII only.
 */
struct cvc_test_json_value {
	char *path;
	char *value;
	size_t len;
	char type; /* s string, n number, b bool, z null, o object, a array */
};

struct cvc_test_json {
	struct cvc_test_json_value *v;
	size_t n, cap;
};

/* Parses exactly one JSON text; *err says why not. Free doc either way. */
bool cvc_test_json_parse(const char *s, size_t len, struct cvc_test_json *doc,
                         const char **err);
void cvc_test_json_free(struct cvc_test_json *doc);

/* NULL when text is one valid JSON object; else why, and *at where. */
const char *cvc_test_json_check_object(const char *text, size_t len,
                                       size_t *at);

const struct cvc_test_json_value *
cvc_test_json_get(const struct cvc_test_json *doc, const char *path);

/* Asserts that path holds a value of the type and returns it. */
const char *cvc_test_json_value(const struct cvc_test_json *doc,
                                const char *path, char type);
void cvc_test_json_expect(const struct cvc_test_json *doc, const char *path,
                          char type, const char *want);

/* The parser's own tests: a "json-checker" case of parse tests, and one
 * test of cvc_test_json_check_object added to tc. */
TCase *cvc_test_json_checker_tcase(void);
void cvc_test_add_json_object_checker_test(TCase *tc);

#endif
