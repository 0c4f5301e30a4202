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
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include <cvc/cvc.h>

#define DEFAULT_CORPUS_DIR "/work/shared/testdata/cvc-corpus"
#define EXPLANATION_SUFFIX ".gematik-explanation.txt"
#define PATH_CAP           4096

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
/* Files and paths */

static const char *corpus_dir(void)
{
	const char *dir = getenv("CVC_CORPUS_DIR");

	return dir && *dir ? dir : DEFAULT_CORPUS_DIR;
}

static void path_join(char *out, const char *a, const char *b)
{
	int n = snprintf(out, PATH_CAP, "%s/%s", a, b);

	ck_assert_msg(n > 0 && n < PATH_CAP, "path too long: %s/%s", a, b);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Whole file, NUL-terminated beyond *len so that text can be parsed. */
static uint8_t *read_whole_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	uint8_t *buf, *bigger;

	if (!fp)
		return NULL;
	buf = malloc(cap + 1);
	while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n < cap)
			continue;
		cap *= 2;
		bigger = realloc(buf, cap + 1);
		if (!bigger)
			free(buf);
		buf = bigger;
	}
	if (buf && ferror(fp)) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* ------------------------------------------------------------------ */
/* Hex */

static int hex_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool is_hex_string(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (hex_nibble((unsigned char)s[i]) < 0)
			return false;
	return n % 2 == 0;
}

static bool bytes_equal_hex(const uint8_t *data, size_t len, const char *hex)
{
	if (!is_hex_string(hex) || strlen(hex) != 2 * len)
		return false;
	for (size_t i = 0; i < len; i++) {
		int v = hex_nibble((unsigned char)hex[2 * i]) << 4 |
		        hex_nibble((unsigned char)hex[2 * i + 1]);
		if (data[i] != v)
			return false;
	}
	return true;
}

static bool span_equals_hex(cvc_span s, const char *hex)
{
	return bytes_equal_hex(s.data, s.len, hex);
}

/* Lower-case hex of a span for messages, shortened with "..." to fit. */
static const char *span_hex(cvc_span s, char *buf, size_t cap)
{
	size_t i = 0;

	buf[0] = '\0';
	for (; i < s.len && 2 * i + 6 < cap; i++)
		snprintf(buf + 2 * i, 3, "%02x", s.data[i]);
	if (i < s.len)
		strcpy(buf + 2 * i, "...");
	return buf;
}

static bool sha256_matches(const uint8_t *data, size_t len, const char *hex)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;

	if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL))
		return false;
	return bytes_equal_hex(md, md_len, hex);
}

/* ------------------------------------------------------------------ */
/* A strict JSON syntax check (RFC 8259), plus: the top level must be an
 * object, keys in an object must be unique, strings must be valid UTF-8. */

#define JSON_MAX_DEPTH 32
#define JSON_MAX_KEYS  128

struct json_cursor {
	const unsigned char *start, *p, *end;
	int depth;
	const char *error;
	size_t error_at;
};

static bool json_value(struct json_cursor *j);

static bool json_fail(struct json_cursor *j, const char *why)
{
	if (!j->error) {
		j->error = why;
		j->error_at = (size_t)(j->p - j->start);
	}
	return false;
}

static bool json_at(const struct json_cursor *j, char c)
{
	return j->p < j->end && *j->p == (unsigned char)c;
}

static void json_skip_ws(struct json_cursor *j)
{
	while (j->p < j->end && strchr(" \t\n\r", *j->p) && *j->p)
		j->p++;
}

static bool json_literal(struct json_cursor *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return json_fail(j, "bad literal");
	j->p += n;
	return true;
}

static bool json_digits(struct json_cursor *j)
{
	const unsigned char *from = j->p;

	while (j->p < j->end && isdigit(*j->p))
		j->p++;
	return j->p > from;
}

static bool json_number(struct json_cursor *j)
{
	if (json_at(j, '-'))
		j->p++;
	if (json_at(j, '0'))
		j->p++; /* a leading zero stands alone: "01" fails after it */
	else if (j->p >= j->end || !isdigit(*j->p) || !json_digits(j))
		return json_fail(j, "expected a value");
	if (json_at(j, '.')) {
		j->p++;
		if (!json_digits(j))
			return json_fail(j, "no digits after '.'");
	}
	if (json_at(j, 'e') || json_at(j, 'E')) {
		j->p++;
		if (json_at(j, '+') || json_at(j, '-'))
			j->p++;
		if (!json_digits(j))
			return json_fail(j, "no digits in exponent");
	}
	return true;
}

/* Length of the valid UTF-8 sequence of 2..4 octets at p, 0 when invalid
 * (overlong, surrogate, beyond U+10FFFF, truncated). */
static size_t utf8_sequence_len(const unsigned char *p, size_t avail)
{
	unsigned long cp, min;
	size_t n;

	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2, cp = p[0] & 0x1Fu, min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		n = 3, cp = p[0] & 0x0Fu, min = 0x800;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4, cp = p[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3Fu);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static bool json_escape(struct json_cursor *j)
{
	j->p++; /* the backslash */
	if (j->p < j->end && *j->p && strchr("\"\\/bfnrt", *j->p)) {
		j->p++;
		return true;
	}
	if (!json_at(j, 'u'))
		return json_fail(j, "bad escape");
	j->p++;
	for (int i = 0; i < 4; i++, j->p++)
		if (j->p >= j->end || !isxdigit(*j->p))
			return json_fail(j, "bad \\u escape");
	return true;
}

static bool json_string(struct json_cursor *j)
{
	size_t n;

	j->p++; /* the opening quote */
	while (j->p < j->end) {
		if (*j->p == '"') {
			j->p++;
			return true;
		}
		if (*j->p < 0x20)
			return json_fail(j, "control character in string");
		if (*j->p == '\\') {
			if (!json_escape(j))
				return false;
		} else if (*j->p < 0x80) {
			j->p++;
		} else {
			n = utf8_sequence_len(j->p, (size_t)(j->end - j->p));
			if (n == 0)
				return json_fail(j, "invalid UTF-8 in string");
			j->p += n;
		}
	}
	return json_fail(j, "unterminated string");
}

struct json_key {
	const unsigned char *p;
	size_t len;
};

static bool json_member_name(struct json_cursor *j, struct json_key *keys,
                             size_t *nkeys)
{
	const unsigned char *from;
	size_t len;

	json_skip_ws(j);
	from = j->p;
	if (!json_at(j, '"'))
		return json_fail(j, "expected a string key");
	if (!json_string(j))
		return false;
	len = (size_t)(j->p - from);
	for (size_t i = 0; i < *nkeys; i++)
		if (keys[i].len == len && memcmp(keys[i].p, from, len) == 0)
			return json_fail(j, "duplicate key");
	if (*nkeys == JSON_MAX_KEYS)
		return json_fail(j, "too many keys for this validator");
	keys[(*nkeys)++] = (struct json_key){from, len};
	json_skip_ws(j);
	if (!json_at(j, ':'))
		return json_fail(j, "expected ':'");
	j->p++;
	return true;
}

static bool json_object(struct json_cursor *j)
{
	struct json_key keys[JSON_MAX_KEYS];
	size_t nkeys = 0;

	j->p++;
	json_skip_ws(j);
	if (json_at(j, '}')) {
		j->p++;
		return true;
	}
	for (;;) {
		if (!json_member_name(j, keys, &nkeys) || !json_value(j))
			return false;
		json_skip_ws(j);
		if (!json_at(j, ',') && !json_at(j, '}'))
			return json_fail(j, "expected ',' or '}'");
		if (*j->p++ == '}')
			return true;
	}
}

static bool json_array(struct json_cursor *j)
{
	j->p++;
	json_skip_ws(j);
	if (json_at(j, ']')) {
		j->p++;
		return true;
	}
	for (;;) {
		if (!json_value(j))
			return false;
		json_skip_ws(j);
		if (!json_at(j, ',') && !json_at(j, ']'))
			return json_fail(j, "expected ',' or ']'");
		if (*j->p++ == ']')
			return true;
	}
}

static bool json_container(struct json_cursor *j)
{
	bool ok;

	if (++j->depth > JSON_MAX_DEPTH)
		return json_fail(j, "nesting too deep");
	ok = json_at(j, '{') ? json_object(j) : json_array(j);
	j->depth--;
	return ok;
}

static bool json_value(struct json_cursor *j)
{
	json_skip_ws(j);
	if (j->p >= j->end)
		return json_fail(j, "expected a value");
	switch (*j->p) {
	case '{':
	case '[':
		return json_container(j);
	case '"':
		return json_string(j);
	case 't':
		return json_literal(j, "true");
	case 'f':
		return json_literal(j, "false");
	case 'n':
		return json_literal(j, "null");
	default:
		return json_number(j);
	}
}

/* NULL when text is one valid JSON object; else why, and *at where. */
static const char *json_check_object(const char *text, size_t len, size_t *at)
{
	struct json_cursor j = {(const unsigned char *)text,
	                        (const unsigned char *)text,
	                        (const unsigned char *)text + len,
	                        0,
	                        NULL,
	                        0};

	json_skip_ws(&j);
	if (!json_at(&j, '{'))
		json_fail(&j, "top level is not an object");
	else if (json_value(&j) && (json_skip_ws(&j), j.p != j.end))
		json_fail(&j, "data after the object");
	*at = j.error_at;
	return j.error;
}

/* ------------------------------------------------------------------ */
/* MANIFEST.tsv, columns located by their header names */

enum manifest_col {
	M_FILE,
	M_SHA256,
	M_BYTES,
	M_FAMILY,
	M_ROLE,
	M_CPI,
	M_CHR,
	M_CAR,
	M_NCOLS
};

static const char *const manifest_col_names[M_NCOLS] = {
    "file", "sha256", "bytes", "family", "role", "CPI", "CHR", "CAR"};

#define MANIFEST_MAX_FIELDS 16

struct manifest_row {
	const char *col[M_NCOLS];
};

struct manifest {
	char *text;
	struct manifest_row *rows;
	size_t n;
};

/* Splits line at tabs in place; returns the number of fields. */
static size_t split_tabs(char *line, char **fields)
{
	size_t n = 0;

	for (char *p = line; n < MANIFEST_MAX_FIELDS;) {
		fields[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Cuts the next line off *text (handling CRLF); NULL at the end. */
static char *next_line(char **text)
{
	char *line = *text, *nl;
	size_t n;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	*text = nl ? nl + 1 : NULL;
	n = strlen(line);
	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	return line;
}

static void manifest_map_header(char *header, int *index)
{
	char *names[MANIFEST_MAX_FIELDS];
	size_t n = split_tabs(header, names);

	for (size_t c = 0; c < M_NCOLS; c++) {
		index[c] = -1;
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], manifest_col_names[c]) == 0)
				index[c] = (int)i;
		ck_assert_msg(index[c] >= 0, "MANIFEST.tsv has no column '%s'",
		              manifest_col_names[c]);
	}
}

static void manifest_load(struct manifest *m)
{
	char path[PATH_CAP], *cursor, *line, *fields[MANIFEST_MAX_FIELDS];
	int index[M_NCOLS];
	size_t len, nfields, lineno = 1;

	ck_assert_msg(is_dir(corpus_dir()),
	              "corpus directory %s is missing (set CVC_CORPUS_DIR)",
	              corpus_dir());
	path_join(path, corpus_dir(), "MANIFEST.tsv");
	m->text = (char *)read_whole_file(path, &len);
	ck_assert_msg(m->text != NULL, "cannot read %s", path);
	m->rows = calloc(len / 8 + 1, sizeof(*m->rows)); /* a row > 8 chars */
	ck_assert_ptr_nonnull(m->rows);
	m->n = 0;
	cursor = m->text;
	line = next_line(&cursor);
	ck_assert_msg(line != NULL, "%s is empty", path);
	manifest_map_header(line, index);
	while ((line = next_line(&cursor)) != NULL) {
		lineno++;
		if (!*line)
			continue;
		nfields = split_tabs(line, fields);
		for (size_t c = 0; c < M_NCOLS; c++) {
			ck_assert_msg((size_t)index[c] < nfields,
			              "MANIFEST.tsv line %zu: no column %s",
			              lineno, manifest_col_names[c]);
			m->rows[m->n].col[c] = fields[index[c]];
		}
		m->n++;
	}
	ck_assert_msg(m->n > 0, "%s lists no objects", path);
}

static void manifest_free(struct manifest *m)
{
	free(m->rows);
	free(m->text);
}

static uint8_t *read_corpus_file(const char *rel, size_t *len)
{
	char path[PATH_CAP];

	path_join(path, corpus_dir(), rel);
	return read_whole_file(path, len);
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
	for (size_t i = 0; i < sizeof(role_table) / sizeof(role_table[0]); i++)
		if (strcmp(role_table[i].role, role) == 0)
			return &role_table[i];
	return NULL;
}

static void check_chat_role(const struct manifest_row *row,
                            const struct role_expectation *want,
                            const cvc_cert *c, struct failures *f)
{
	const char *file = row->col[M_FILE];
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
		     cvc_terminal_type_name(info.type), row->col[M_ROLE],
		     cvc_terminal_type_name(want->type));
	if (info.role != want->chat_role)
		note(f, file, "CHAT role bits %d, role '%s' wants %d",
		     info.role, row->col[M_ROLE], want->chat_role);
}

static void check_role(const struct manifest_row *row, const cvc_cert *c,
                       struct failures *f)
{
	const struct role_expectation *want = role_lookup(row->col[M_ROLE]);
	const char *file = row->col[M_FILE];

	if (!want) {
		note(f, file, "MANIFEST role '%s' is not mapped by this test",
		     row->col[M_ROLE]);
		return;
	}
	if (c->kind != want->kind)
		note(f, file, "kind %s, role '%s' wants %s",
		     cvc_kind_name(c->kind), row->col[M_ROLE],
		     cvc_kind_name(want->kind));
	else if (want->kind == CVC_KIND_CERT)
		check_chat_role(row, want, c, f);
}

/* ------------------------------------------------------------------ */
/* The per-object pipeline */

struct corpus_stats {
	size_t rows, decoded, printed, reencoded, matched;
};

static void check_size_and_digest(const struct manifest_row *row,
                                  const uint8_t *buf, size_t len,
                                  struct failures *f)
{
	char size[32];

	snprintf(size, sizeof(size), "%zu", len);
	if (strcmp(size, row->col[M_BYTES]) != 0)
		note(f, row->col[M_FILE], "size %zu, MANIFEST says %s", len,
		     row->col[M_BYTES]);
	if (!sha256_matches(buf, len, row->col[M_SHA256]))
		note(f, row->col[M_FILE], "SHA-256 differs from MANIFEST");
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
	         (why = json_check_object(text, len, &at)) != NULL)
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
		same = present && span_equals_hex(got, want + 4);
	else if (!*want)
		same = !present || got.len == 0;
	else
		same = present && got.len == strlen(want) &&
		       memcmp(got.data, want, got.len) == 0;
	if (!same)
		note(f, file, "%s %s (hex %s), MANIFEST says '%s'", name,
		     present ? "present" : "absent", span_hex(got, hex, 80),
		     want);
}

static void check_profile(const struct manifest_row *row, const cvc_cert *c,
                          struct failures *f)
{
	const char *cpi = row->col[M_CPI], *file = row->col[M_FILE];
	cvc_profile want;

	if (!*cpi) {
		want = CVC_PROFILE_ISO7816_9; /* no body, hence no CPI */
	} else if (!bytes_equal_hex(&c->cpi, 1, cpi)) {
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

static bool check_manifest_fields(const struct manifest_row *row,
                                  const cvc_cert *c, struct failures *f)
{
	const char *file = row->col[M_FILE];
	size_t before = f->count;
	bool outer = c->kind == CVC_KIND_AUTH_REQUEST;

	check_profile(row, c, f);
	check_reference(file, "CHR", c->chr.len > 0, c->chr, row->col[M_CHR],
	                f);
	/* An authenticated request is listed under the CAR of its outer
	 * signature (TR-03110-3 C.2). */
	check_reference(file, outer ? "outer CAR" : "CAR",
	                outer ? c->outer_car.len > 0 : c->has_car,
	                outer ? c->outer_car : c->car, row->col[M_CAR], f);
	check_role(row, c, f);
	return f->count == before;
}

static void check_object(const struct manifest_row *row,
                         struct corpus_stats *st, struct failures *f)
{
	const char *file = row->col[M_FILE];
	char why[256];
	size_t len = 0;
	uint8_t *buf = read_corpus_file(file, &len);
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
	struct manifest m;
	struct corpus_stats st = {0};
	struct failures f = {0};

	manifest_load(&m);
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
	manifest_free(&m);
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
	struct manifest m;
	struct failures f = {0};
	size_t rejected = 0, accepted = 0, len = 0;
	const char *which = "(none)";
	cvc_cert c;
	uint8_t *buf;

	manifest_load(&m);
	for (size_t i = 0; i < m.n; i++) {
		buf = read_corpus_file(m.rows[i].col[M_FILE], &len);
		if (!buf) {
			note(&f, m.rows[i].col[M_FILE], "cannot read");
			continue;
		}
		if (check_strict(m.rows[i].col[M_FILE], buf, len, &f)) {
			rejected++;
			which = m.rows[i].col[M_FILE];
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
	manifest_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Every object file in the directory tree is listed in MANIFEST.tsv, so
 * that the pipeline above sees all of them. */

static bool listed(const struct manifest *m, const char *rel)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].col[M_FILE], rel) == 0)
			return true;
	return false;
}

static bool is_object_name(const char *name)
{
	return ends_with(name, ".cvcert") || ends_with(name, ".cvreq");
}

static void walk_objects(const struct manifest *m, const char *rel,
                         size_t *found, struct failures *f)
{
	char dir[PATH_CAP], child[PATH_CAP], full[PATH_CAP];
	struct dirent *e;
	DIR *d;

	path_join(dir, corpus_dir(), rel);
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open directory %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*rel)
			path_join(child, rel, e->d_name);
		else
			snprintf(child, sizeof(child), "%s", e->d_name);
		path_join(full, corpus_dir(), child);
		if (is_dir(full)) {
			walk_objects(m, child, found, f);
		} else if (is_object_name(e->d_name)) {
			(*found)++;
			if (!listed(m, child))
				note(f, child, "not listed in MANIFEST.tsv");
		}
	}
	closedir(d);
}

START_TEST(test_every_object_file_is_in_manifest)
{
	struct manifest m;
	struct failures f = {0};
	size_t found = 0;

	manifest_load(&m);
	walk_objects(&m, "", &found, &f);
	printf("corpus: %zu object files on disk, %zu MANIFEST rows\n", found,
	       m.n);
	assert_no_failures(&f, "directory listing");
	ck_assert_uint_eq(found, m.n);
	manifest_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* gematik's explanation files: the "Certificate content as is" block and
 * the bits listed in the "Explanation" block. */

enum gx_field {
	GX_CPI,
	GX_CAR,
	GX_KEY_OID,
	GX_POINT,
	GX_CHR,
	GX_FLAG_OID,
	GX_FLAGS,
	GX_CED,
	GX_CXD,
	GX_SIG,
	GX_COUNT
};

static const struct {
	const char *label, *name;
} gx_labels[GX_COUNT] = {
    [GX_CPI] = {"Certificate Profile Indicator", "CPI"},
    [GX_CAR] = {"Certification Authority Reference", "CAR"},
    [GX_KEY_OID] = {"Usage of enclosed public key", "OID"},
    [GX_POINT] = {"Public point as octet string", "P"},
    [GX_CHR] = {"Certificate Holder Reference", "CHR"},
    [GX_FLAG_OID] = {"Interpretation of Flag-List", "OID"},
    [GX_FLAGS] = {"List of access rights,", "Flag-List"},
    [GX_CED] = {"Certificate Effective  Date", "CED"},
    [GX_CXD] = {"Certificate Expiration Date", "CXD"},
    [GX_SIG] = {"Signature as provided by CA", "sig"},
};

#define GX_MAX_BITS 64

struct explanation {
	const char *content;         /* CVC-Content hex */
	const char *field[GX_COUNT]; /* hex, "as is" block */
	cvc_date ced, cxd;           /* German dates in the explanation */
	bool has_ced, has_cxd;
	const char *role_text;    /* after "b0b1:" */
	const char *curve;        /* "Domain parameter of public key" */
	bool listed[GX_MAX_BITS]; /* "bNN =>" lines */
	const char *error;
};

static char *skip_spaces(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "Certificate Holder Reference      CHR = 0006..." */
static void parse_as_is_line(char *line, struct explanation *x)
{
	char *p, *end;

	for (size_t i = 0; i < GX_COUNT; i++) {
		if (!starts_with(line, gx_labels[i].label))
			continue;
		p = skip_spaces(line + strlen(gx_labels[i].label));
		if (!starts_with(p, gx_labels[i].name))
			continue;
		p = skip_spaces(p + strlen(gx_labels[i].name));
		if (*p != '=' || x->field[i])
			break;
		p = skip_spaces(p + 1);
		end = p + strcspn(p, " \t");
		*end = '\0';
		if (!is_hex_string(p))
			break;
		x->field[i] = p;
		return;
	}
	x->error = "unexpected line in the \"as is\" block";
}

/* "30. Juli 2015" */
static bool parse_german_date(const char *s, cvc_date *out)
{
	static const char *const months[12] = {
	    "Januar",    "Februar", "M\xc3\xa4rz", "April",
	    "Mai",       "Juni",    "Juli",        "August",
	    "September", "Oktober", "November",    "Dezember"};
	unsigned day, year;
	char month[16];

	if (sscanf(s, "%u. %15s %u", &day, month, &year) != 3)
		return false;
	for (unsigned m = 0; m < 12; m++) {
		if (strcmp(month, months[m]) == 0) {
			*out = (cvc_date){(uint16_t)year, (uint8_t)(m + 1),
			                  (uint8_t)day};
			return true;
		}
	}
	return false;
}

static void parse_date_line(const char *line, cvc_date *date, bool *has,
                            struct explanation *x)
{
	const char *arrow = strstr(line, "=> ");

	if (!arrow)
		return;
	*has = parse_german_date(arrow + 3, date);
	if (!*has)
		x->error = "unreadable date in the explanation";
}

static void parse_bit_line(const char *t, struct explanation *x)
{
	unsigned bit = (unsigned)(t[1] - '0') * 10 + (unsigned)(t[2] - '0');

	if (bit >= GX_MAX_BITS || x->listed[bit])
		x->error = "bit listed twice or out of range";
	else
		x->listed[bit] = true;
}

static void parse_explain_line(char *line, struct explanation *x)
{
	char *t = skip_spaces(line);

	if (starts_with(t, "b0b1:"))
		x->role_text = skip_spaces(t + 5);
	else if (t[0] == 'b' && isdigit((unsigned char)t[1]) &&
	         isdigit((unsigned char)t[2]) && starts_with(t + 3, " =>"))
		parse_bit_line(t, x);
	else if (starts_with(t, "Domain parameter of public key = "))
		x->curve = t + strlen("Domain parameter of public key = ");
	else if (starts_with(line, gx_labels[GX_CED].label))
		parse_date_line(line, &x->ced, &x->has_ced, x);
	else if (starts_with(line, gx_labels[GX_CXD].label))
		parse_date_line(line, &x->cxd, &x->has_cxd, x);
}

static void parse_content_line(char *line, struct explanation *x)
{
	char *hex = line + strlen("CVC-Content '");
	char *quote = strchr(hex, '\'');

	if (!quote || x->content) {
		x->error = "malformed or repeated CVC-Content line";
		return;
	}
	*quote = '\0';
	x->content = hex;
}

static const char *explanation_missing(const struct explanation *x)
{
	for (size_t i = 0; i < GX_COUNT; i++)
		if (!x->field[i])
			return gx_labels[i].name;
	if (!x->content)
		return "CVC-Content";
	if (!x->has_ced || !x->has_cxd)
		return "a German CED or CXD date";
	if (!x->role_text)
		return "the b0b1 line";
	return x->curve ? NULL : "the domain parameter line";
}

/* Parses text in place; x points into it. */
static void parse_explanation(char *text, struct explanation *x)
{
	enum { HEAD, AS_IS, MIDDLE, EXPLAIN } section = HEAD;
	char *line, *cursor = text;
	const char *missing;

	memset(x, 0, sizeof(*x));
	while (!x->error && (line = next_line(&cursor)) != NULL) {
		if (starts_with(line, "CVC-Content '"))
			parse_content_line(line, x);
		else if (strcmp(line, "Certificate content as is:") == 0)
			section = AS_IS;
		else if (strcmp(line, "Explanation of certificate content:") ==
		         0)
			section = EXPLAIN;
		else if (starts_with(line, "-----"))
			section = section == AS_IS ? MIDDLE : section;
		else if (section == AS_IS && *line)
			parse_as_is_line(line, x);
		else if (section == EXPLAIN)
			parse_explain_line(line, x);
	}
	missing = explanation_missing(x);
	if (!x->error && missing)
		x->error = missing;
}

/* gemSpec_PKI: the b0b1 texts gematik prints for the three roles. */
static bool role_from_text(const char *text, cvc_role *role)
{
	if (starts_with(text, "Link-Zertifikat einer Root-CA"))
		*role = CVC_ROLE_CVCA;
	else if (starts_with(text, "Zertifikat einer Sub-CA"))
		*role = CVC_ROLE_DV_DOMESTIC;
	else if (starts_with(text, "Endnutzer"))
		*role = CVC_ROLE_TERMINAL;
	else
		return false;
	return true;
}

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

	if (!span_equals_hex(got, want))
		note(f, file, "%s %s, gematik says %.60s", name,
		     span_hex(got, hex, sizeof(hex)), want);
}

static void compare_date(const char *file, const char *name,
                         const cvc_date *got, const char *digits_hex,
                         const cvc_date *german, struct failures *f)
{
	uint8_t digits[6];

	if (cvc_date_encode(got, digits) != CVC_OK ||
	    !bytes_equal_hex(digits, 6, digits_hex))
		note(f, file, "%s digits differ from gematik's %s", name,
		     digits_hex);
	if (cvc_date_cmp(got, german) != 0)
		note(f, file, "%s %04u-%02u-%02u, gematik says %04u-%02u-%02u",
		     name, got->year, got->month, got->day, german->year,
		     german->month, german->day);
}

static void compare_fields(const char *file, const cvc_cert *c,
                           const struct explanation *x, struct failures *f)
{
	const char *curve = cvc_curve_name(&c->key, c->cpi);

	if (!bytes_equal_hex(&c->cpi, 1, x->field[GX_CPI]))
		note(f, file, "CPI %02x, gematik says %s", c->cpi,
		     x->field[GX_CPI]);
	compare_span(file, "CAR", c->car, x->field[GX_CAR], f);
	compare_span(file, "CHR", c->chr, x->field[GX_CHR], f);
	compare_span(file, "key OID", c->key.oid, x->field[GX_KEY_OID], f);
	compare_span(file, "public point", CVC_EC_POINT(&c->key),
	             x->field[GX_POINT], f);
	compare_span(file, "flag-list OID", c->chat.oid, x->field[GX_FLAG_OID],
	             f);
	compare_span(file, "flag list", c->chat.bits, x->field[GX_FLAGS], f);
	compare_span(file, "signature", c->signature, x->field[GX_SIG], f);
	compare_date(file, "CED", &c->effective, x->field[GX_CED], &x->ced, f);
	compare_date(file, "CXD", &c->expiration, x->field[GX_CXD], &x->cxd, f);
	if (!curve || strcmp(curve, x->curve) != 0)
		note(f, file, "curve %s, gematik says %s",
		     curve ? curve : "(none)", x->curve);
}

/* Bits b0 and b1 are the role (gemSpec_PKI); every other bit is set
 * exactly when gematik lists it as "bNN =>". */
static void compare_flag_bits(const char *file, const cvc_cert *c,
                              const struct explanation *x, struct failures *f)
{
	cvc_terminal_type type = flag_list_type(x->field[GX_FLAG_OID]);
	size_t nbits = strlen(x->field[GX_FLAGS]) * 4;
	cvc_chat_info info = {0};
	cvc_role role;
	bool want;

	if (type == CVC_TT_UNKNOWN || !role_from_text(x->role_text, &role)) {
		note(f, file, "unknown flag-list OID %s or b0b1 text '%s'",
		     x->field[GX_FLAG_OID], x->role_text);
		return;
	}
	if (cvc_chat_info_get(&c->chat, &info) != CVC_OK || info.type != type ||
	    info.role != role || info.nbits != nbits)
		note(f, file,
		     "CHAT info type %d role %d nbits %zu, gematik "
		     "says type %d role %d nbits %zu",
		     info.type, info.role, info.nbits, type, role, nbits);
	for (size_t bit = 0; bit < nbits && bit < GX_MAX_BITS; bit++) {
		want = bit < 2 ? (role >> (1 - bit)) & 1 : x->listed[bit];
		if (cvc_chat_bit(&c->chat, type, bit) != want)
			note(f, file,
			     "flag-list bit b%02zu is %s, gematik "
			     "says %s",
			     bit, want ? "clear" : "set",
			     want ? "set" : "clear");
	}
	for (size_t bit = nbits; bit < GX_MAX_BITS; bit++)
		if (x->listed[bit] || cvc_chat_bit(&c->chat, type, bit))
			note(f, file, "bit b%02zu beyond the %zu-bit flag list",
			     bit, nbits);
}

static void check_explained_cert(const char *cert_name, char *text,
                                 const uint8_t *buf, size_t len,
                                 struct failures *f)
{
	char why[256];
	struct explanation x;
	cvc_cert c;
	cvc_diag d = {0};
	cvc_err err;

	parse_explanation(text, &x);
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
	if (!bytes_equal_hex(buf, len, x.content))
		note(f, cert_name, "file bytes differ from CVC-Content");
	compare_fields(cert_name, &c, &x, f);
	compare_flag_bits(cert_name, &c, &x, f);
}

/* Checks one explanation against its sibling certificate; true if equal. */
static bool check_explanation(const char *dir, const char *name,
                              struct failures *f)
{
	char path[PATH_CAP], cert_name[PATH_CAP];
	size_t before = f->count, len = 0, cert_len = 0;
	char *text;
	uint8_t *cert_buf;

	snprintf(cert_name, sizeof(cert_name), "gematik_g2/%.*s.cvcert",
	         (int)(strlen(name) - strlen(EXPLANATION_SUFFIX)), name);
	path_join(path, dir, name);
	text = (char *)read_whole_file(path, &len);
	cert_buf = read_corpus_file(cert_name, &cert_len);
	if (!text || !cert_buf)
		note(f, path, "cannot read it or its sibling %s", cert_name);
	else
		check_explained_cert(cert_name, text, cert_buf, cert_len, f);
	free(text);
	free(cert_buf);
	return f->count == before;
}

START_TEST(test_gematik_explanations_agree)
{
	char dir[PATH_CAP];
	struct failures f = {0};
	size_t seen = 0, matched = 0;
	struct dirent *e;
	DIR *d;

	path_join(dir, corpus_dir(), "gematik_g2");
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (!ends_with(e->d_name, EXPLANATION_SUFFIX))
			continue;
		seen++;
		matched += check_explanation(dir, e->d_name, &f);
	}
	closedir(d);
	printf("corpus: %zu/%zu gematik explanations matched\n", matched, seen);
	assert_no_failures(&f, "gematik explanations");
	ck_assert_msg(seen > 0, "no *%s in %s", EXPLANATION_SUFFIX, dir);
	ck_assert_uint_eq(matched, seen);
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
		else if (json && (why = json_check_object(text, len, &at)))
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
                                      const struct manifest *m,
                                      struct failures *f)
{
	char chr_hex[64];
	size_t found = 0, len = 0;
	uint8_t *buf;
	cvc_cert c;

	snprintf(chr_hex, sizeof(chr_hex), "%.*s", (int)strcspn(name, "_"),
	         name);
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->rows[i].col[M_FAMILY], "gematik_g2") != 0)
			continue;
		buf = read_corpus_file(m->rows[i].col[M_FILE], &len);
		if (buf && cvc_cert_decode(buf, len, 0, &c, NULL) == CVC_OK &&
		    span_equals_hex(c.chr, chr_hex)) {
			found++;
			if (CVC_EC_POINT(&c.key).len != CVC_EC_POINT(k).len ||
			    memcmp(CVC_EC_POINT(&c.key).data,
			           CVC_EC_POINT(k).data,
			           CVC_EC_POINT(k).len) != 0)
				note(f, file, "point differs from %s",
				     m->rows[i].col[M_FILE]);
		}
		free(buf);
	}
	if (found == 0)
		note(f, file, "no corpus certificate has CHR %s", chr_hex);
}

static bool check_anchor(const char *dir, const char *name,
                         const struct manifest *m, struct failures *f)
{
	char path[PATH_CAP], why[256];
	size_t before = f->count, len = 0, n = 0;
	uint8_t *buf, *out;
	cvc_pubkey k;
	cvc_diag d = {0};
	cvc_err err;

	path_join(path, dir, name);
	buf = read_whole_file(path, &len);
	ck_assert_msg(buf != NULL, "cannot read %s", path);
	err = cvc_pubkey_decode(buf, len, 0, &k, &d);
	if (err != CVC_OK) {
		note(f, path, "cvc_pubkey_decode: %s at %s", cvc_strerror(err),
		     diag_text(&d, why, sizeof(why)));
		free(buf);
		return false;
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
	check_anchor_matches_root(path, name, &k, m, f);
	free(out);
	free(buf);
	return f->count == before;
}

START_TEST(test_gematik_trust_anchors_round_trip)
{
	char dir[PATH_CAP];
	struct manifest m;
	struct failures f = {0};
	size_t seen = 0, ok = 0;
	struct dirent *e;
	DIR *d;

	manifest_load(&m);
	path_join(dir, corpus_dir(), "gematik_g2/trust-anchor");
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (!ends_with(e->d_name, ".der"))
			continue;
		seen++;
		ok += check_anchor(dir, e->d_name, &m, &f);
	}
	closedir(d);
	printf("corpus: %zu/%zu gematik trust anchors decoded, re-encoded "
	       "and matched their root certificate\n",
	       ok, seen);
	assert_no_failures(&f, "trust anchors");
	ck_assert_msg(seen > 0, "no trust anchors in %s", dir);
	ck_assert_uint_eq(ok, seen);
	manifest_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The JSON checker itself must reject what it is there to catch. */

START_TEST(test_json_checker_accepts_and_rejects)
{
	static const char *const good[] = {
	    "{}",
	    (" {\"a\":1,\"b\":[true,false,null,-0.5e+3,\"x\\u00e9\\n\"],"
	     "\"c\":{\"d\":[]}} \n"),
	    "{\"\xc3\xa4\":\"M\xc3\xa4rz\",\"e\":0,\"f\":1E9}",
	};
	static const char *const bad[] = {
	    "",
	    "[1]",
	    "{\"a\":1,}",
	    "{\"a\":01}",
	    "{\"a\":1.}",
	    "{\"a\":tru}",
	    "{'a':1}",
	    "{\"a\" 1}",
	    "{\"a\":NaN}",
	    "{\"a\":1}{}",
	    "{\"a\":1,\"a\":2}",
	    "{\"a\":\"\\q\"}",
	    "{\"a\":\"\x01\"}",
	    "{\"a\":\"\xc3\"}",
	    "{\"a\":\"\xc0\xaf\"}",
	    "{\"a\":\"\\u12\"}",
	    "{\"a\":[1 2]}",
	    "{\"a\":\"x}",
	};
	size_t at;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(
		    json_check_object(good[i], strlen(good[i]), &at) == NULL,
		    "rejected valid JSON #%zu", i);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(json_check_object(bad[i], strlen(bad[i]), &at) !=
		                  NULL,
		              "accepted invalid JSON #%zu: %s", i, bad[i]);
}
END_TEST

static Suite *corpus_suite(void)
{
	Suite *s = suite_create("corpus");
	TCase *tc = tcase_create("corpus");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_json_checker_accepts_and_rejects);
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
	SRunner *sr = srunner_create(corpus_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
