/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libcvc unit tests; see testutil.h.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SHARED_CORPUS_DIR "/work/shared/testdata/cvc-corpus"
#define LOCAL_CORPUS_DIR  "tests/data/cvc-corpus"
#define PATH_CAP          4096

int cvc_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/* meson test sets CVC_CORPUS_DIR; the fallbacks mirror tests/meson.build. */
const char *cvc_test_corpus_dir(void)
{
	const char *dir = getenv("CVC_CORPUS_DIR");

	if (dir != NULL && *dir != '\0')
		return dir;
	return cvc_test_is_dir(SHARED_CORPUS_DIR) ? SHARED_CORPUS_DIR
	                                          : LOCAL_CORPUS_DIR;
}

void cvc_test_path(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	ck_assert_msg(n > 0 && (size_t)n < cap, "path too long: %s/%s", dir,
	              name);
}

void cvc_test_corpus_path(char *out, size_t cap, const char *rel)
{
	cvc_test_path(out, cap, cvc_test_corpus_dir(), rel);
}

bool cvc_test_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool cvc_test_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

uint8_t *cvc_test_try_read(const char *path, size_t *len)
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

uint8_t *cvc_test_read_file(const char *path, size_t *len)
{
	uint8_t *buf = cvc_test_try_read(path, len);

	ck_assert_msg(buf != NULL, "cannot read %s", path);
	return buf;
}

uint8_t *cvc_test_try_read_corpus(const char *rel, size_t *len)
{
	char path[PATH_CAP];

	cvc_test_corpus_path(path, sizeof(path), rel);
	return cvc_test_try_read(path, len);
}

uint8_t *cvc_test_read_corpus(const char *rel, size_t *len)
{
	char path[PATH_CAP];

	cvc_test_corpus_path(path, sizeof(path), rel);
	return cvc_test_read_file(path, len);
}

size_t cvc_test_read_into(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	n = fread(buf, 1, cap, f);
	ck_assert_msg(feof(f), "%s larger than %zu", path, cap);
	fclose(f);
	return n;
}

static void walk(const char *dir, const char *rel, cvc_test_file_fn *fn,
                 void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		char path[PATH_CAP], child[PATH_CAP];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		cvc_test_path(path, sizeof(path), dir, e->d_name);
		if (*rel)
			cvc_test_path(child, sizeof(child), rel, e->d_name);
		else
			snprintf(child, sizeof(child), "%s", e->d_name);
		ck_assert_msg(stat(path, &st) == 0, "cannot stat %s", path);
		if (S_ISDIR(st.st_mode))
			walk(path, child, fn, ctx);
		else
			fn(path, child, ctx);
	}
	closedir(d);
}

void cvc_test_walk_tree(const char *dir, cvc_test_file_fn *fn, void *ctx)
{
	walk(dir, "", fn, ctx);
}

size_t cvc_test_each_corpus_file(const char *rel, const char *suffix,
                                 cvc_test_file_fn *fn, void *ctx)
{
	char dir[PATH_CAP], path[PATH_CAP];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	cvc_test_corpus_path(dir, sizeof(dir), rel);
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (!cvc_test_has_suffix(e->d_name, suffix))
			continue;
		cvc_test_path(path, sizeof(path), dir, e->d_name);
		fn(path, e->d_name, ctx);
		n++;
	}
	closedir(d);
	return n;
}

void cvc_test_load_object(struct cvc_test_object *o, const char *rel)
{
	cvc_err err;

	o->data = cvc_test_read_corpus(rel, &o->len);
	err = cvc_cert_decode(o->data, o->len, CVC_DECODE_LENIENT, &o->cert,
	                      NULL);
	ck_assert_msg(err == CVC_OK, "%s: decode error %d", rel, err);
}

/* ------------------------------------------------------------------ */
/* Hex                                                                 */
/* ------------------------------------------------------------------ */

int cvc_test_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex_at(const char *s, size_t i)
{
	return cvc_test_hex_digit((unsigned char)s[i]);
}

bool cvc_test_is_hex(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (hex_at(s, i) < 0)
			return false;
	return n % 2 == 0;
}

size_t cvc_test_hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (n < cap && hex_at(hex, 2 * n) >= 0 &&
	       hex_at(hex, 2 * n + 1) >= 0) {
		out[n] =
		    (uint8_t)(hex_at(hex, 2 * n) * 16 + hex_at(hex, 2 * n + 1));
		n++;
	}
	return n;
}

size_t cvc_test_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = cvc_test_hex_decode(hex, out, cap);

	ck_assert_msg(hex[2 * n] == '\0', "not hex, or over %zu octets: %s",
	              cap, hex);
	return n;
}

bool cvc_test_bytes_are_hex(const uint8_t *data, size_t len, const char *hex)
{
	if (!cvc_test_is_hex(hex) || strlen(hex) != 2 * len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (data[i] != hex_at(hex, 2 * i) * 16 + hex_at(hex, 2 * i + 1))
			return false;
	return true;
}

bool cvc_test_span_is_hex(cvc_span s, const char *hex)
{
	return cvc_test_bytes_are_hex(s.data, s.len, hex);
}

const char *cvc_test_hex(cvc_span s, char *buf, size_t cap)
{
	size_t i = 0;

	buf[0] = '\0';
	for (; i < s.len && 2 * i + 6 < cap; i++)
		snprintf(buf + 2 * i, 3, "%02x", s.data[i]);
	if (i < s.len)
		strcpy(buf + 2 * i, "...");
	return buf;
}

/* ------------------------------------------------------------------ */
/* TSV files and MANIFEST.tsv                                          */
/* ------------------------------------------------------------------ */

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

void cvc_test_tsv_load(struct cvc_test_tsv *t, const char *rel)
{
	size_t len, cap = 64;
	char *cursor, *line;

	t->text = (char *)cvc_test_read_corpus(rel, &len);
	t->line = malloc(cap * sizeof(*t->line));
	ck_assert_ptr_nonnull(t->line);
	t->n = 0;
	cursor = t->text;
	while ((line = next_line(&cursor)) != NULL) {
		if (!*line)
			continue;
		if (t->n == cap) {
			cap *= 2;
			t->line = realloc(t->line, cap * sizeof(*t->line));
			ck_assert_ptr_nonnull(t->line);
		}
		t->line[t->n++] = line;
	}
}

void cvc_test_tsv_free(struct cvc_test_tsv *t)
{
	free(t->text);
	free(t->line);
}

size_t cvc_test_tsv_split(char *line, char **col, size_t max)
{
	size_t n = 0;

	col[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			col[n++] = p + 1;
		}
	return n;
}

#define MANIFEST_COLUMNS    8
#define MANIFEST_MAX_FIELDS 16

static const char *const manifest_names[MANIFEST_COLUMNS] = {
    "file", "sha256", "bytes", "family", "role", "CPI", "CHR", "CAR"};

/* The columns of a row in the order of manifest_names. */
static void manifest_columns(struct cvc_test_manifest_row *r,
                             const char **col[MANIFEST_COLUMNS])
{
	const char **c[MANIFEST_COLUMNS] = {&r->file,   &r->sha256, &r->bytes,
	                                    &r->family, &r->role,   &r->cpi,
	                                    &r->chr,    &r->car};

	memcpy(col, c, sizeof(c));
}

static void manifest_map_header(char *header, size_t *index)
{
	char *names[MANIFEST_MAX_FIELDS];
	size_t n = cvc_test_tsv_split(header, names, MANIFEST_MAX_FIELDS);

	for (size_t c = 0; c < MANIFEST_COLUMNS; c++) {
		index[c] = n;
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], manifest_names[c]) == 0)
				index[c] = i;
		ck_assert_msg(index[c] < n, "MANIFEST.tsv has no column '%s'",
		              manifest_names[c]);
	}
}

void cvc_test_manifest_load(struct cvc_test_manifest *m)
{
	char *fields[MANIFEST_MAX_FIELDS];
	const char **col[MANIFEST_COLUMNS];
	size_t index[MANIFEST_COLUMNS], n;

	ck_assert_msg(cvc_test_is_dir(cvc_test_corpus_dir()),
	              "corpus directory %s is missing (set CVC_CORPUS_DIR)",
	              cvc_test_corpus_dir());
	cvc_test_tsv_load(&m->tsv, "MANIFEST.tsv");
	ck_assert_msg(m->tsv.n > 0, "MANIFEST.tsv is empty");
	manifest_map_header(m->tsv.line[0], index);
	m->n = m->tsv.n - 1;
	m->rows = calloc(m->n + 1, sizeof(*m->rows));
	ck_assert_ptr_nonnull(m->rows);
	for (size_t i = 0; i < m->n; i++) {
		n = cvc_test_tsv_split(m->tsv.line[i + 1], fields,
		                       MANIFEST_MAX_FIELDS);
		manifest_columns(&m->rows[i], col);
		for (size_t c = 0; c < MANIFEST_COLUMNS; c++) {
			ck_assert_msg(index[c] < n,
			              "MANIFEST.tsv line %zu: no column %s",
			              i + 2, manifest_names[c]);
			*col[c] = fields[index[c]];
		}
	}
	ck_assert_msg(m->n > 0, "MANIFEST.tsv lists no objects");
}

void cvc_test_manifest_free(struct cvc_test_manifest *m)
{
	free(m->rows);
	cvc_test_tsv_free(&m->tsv);
}

const struct cvc_test_manifest_row *
cvc_test_manifest_find(const struct cvc_test_manifest *m, const char *file)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].file, file) == 0)
			return &m->rows[i];
	return NULL;
}

size_t cvc_test_each_manifest_object(cvc_test_object_fn *fn, void *ctx)
{
	struct cvc_test_manifest m;
	size_t n;

	cvc_test_manifest_load(&m);
	for (size_t i = 0; i < m.n; i++) {
		struct cvc_test_object o;

		cvc_test_load_object(&o, m.rows[i].file);
		fn(&m.rows[i], &o, ctx);
		free(o.data);
	}
	n = m.n;
	cvc_test_manifest_free(&m);
	return n;
}

bool cvc_test_span_is_manifest_name(cvc_span got, const char *cell)
{
	size_t n = strlen(cell);

	if (strncmp(cell, "hex:", 4) == 0)
		return cvc_test_span_is_hex(got, cell + 4);
	return got.len == n && (n == 0 || memcmp(got.data, cell, n) == 0);
}

/* ------------------------------------------------------------------ */
/* gematik's explanation files: the "Certificate content as is" block  */
/* and the "Explanation" block                                         */
/* ------------------------------------------------------------------ */

void cvc_test_explained_cert(const char *name, char *out, size_t cap)
{
	size_t stem = strlen(name) - strlen(CVC_TEST_EXPLANATION_SUFFIX);
	int n;

	ck_assert_msg(cvc_test_has_suffix(name, CVC_TEST_EXPLANATION_SUFFIX),
	              "%s is not an explanation", name);
	n = snprintf(out, cap, "gematik_g2/%.*s.cvcert", (int)stem, name);
	ck_assert(n > 0 && (size_t)n < cap);
}

static const struct {
	const char *label, *name;
} gx_labels[CVC_TEST_GX_COUNT] = {
    [CVC_TEST_GX_CPI] = {"Certificate Profile Indicator", "CPI"},
    [CVC_TEST_GX_CAR] = {"Certification Authority Reference", "CAR"},
    [CVC_TEST_GX_KEY_OID] = {"Usage of enclosed public key", "OID"},
    [CVC_TEST_GX_POINT] = {"Public point as octet string", "P"},
    [CVC_TEST_GX_CHR] = {"Certificate Holder Reference", "CHR"},
    [CVC_TEST_GX_FLAG_OID] = {"Interpretation of Flag-List", "OID"},
    [CVC_TEST_GX_FLAGS] = {"List of access rights,", "Flag-List"},
    [CVC_TEST_GX_CED] = {"Certificate Effective  Date", "CED"},
    [CVC_TEST_GX_CXD] = {"Certificate Expiration Date", "CXD"},
    [CVC_TEST_GX_SIG] = {"Signature as provided by CA", "sig"},
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

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "Certificate Holder Reference      CHR = 0006..." */
static void parse_as_is_line(char *line, struct cvc_test_explanation *x)
{
	char *p, *end;

	for (size_t i = 0; i < CVC_TEST_GX_COUNT; i++) {
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
		if (!cvc_test_is_hex(p))
			break;
		x->field[i] = p;
		return;
	}
	x->error = "unexpected line in the \"as is\" block";
}

bool cvc_test_german_date(const char *s, cvc_date *out)
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
                            struct cvc_test_explanation *x)
{
	const char *arrow = strstr(line, "=> ");

	if (!arrow)
		return;
	*has = cvc_test_german_date(arrow + 3, date);
	if (!*has)
		x->error = "unreadable date in the explanation";
}

/* "b36 => RFU" */
static void parse_bit_line(char *t, struct cvc_test_explanation *x)
{
	unsigned bit = (unsigned)(t[1] - '0') * 10 + (unsigned)(t[2] - '0');

	if (bit >= CVC_TEST_GX_MAX_BITS || x->listed[bit]) {
		x->error = "bit listed twice or out of range";
		return;
	}
	x->listed[bit] = true;
	x->rfu[bit] = strcmp(skip_spaces(t + 6), "RFU") == 0;
}

static void parse_explain_line(char *line, struct cvc_test_explanation *x)
{
	static const char curve[] = "Domain parameter of public key = ";
	char *t = skip_spaces(line);

	if (starts_with(t, "b0b1:"))
		x->role_text = skip_spaces(t + 5);
	else if (t[0] == 'b' && is_digit(t[1]) && is_digit(t[2]) &&
	         starts_with(t + 3, " =>"))
		parse_bit_line(t, x);
	else if (starts_with(t, curve))
		x->curve = t + strlen(curve);
	else if (starts_with(line, gx_labels[CVC_TEST_GX_CED].label))
		parse_date_line(line, &x->ced, &x->has_ced, x);
	else if (starts_with(line, gx_labels[CVC_TEST_GX_CXD].label))
		parse_date_line(line, &x->cxd, &x->has_cxd, x);
}

static void parse_content_line(char *line, struct cvc_test_explanation *x)
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

static const char *explanation_missing(const struct cvc_test_explanation *x)
{
	for (size_t i = 0; i < CVC_TEST_GX_COUNT; i++)
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

void cvc_test_parse_explanation(char *text, struct cvc_test_explanation *x)
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

bool cvc_test_explained_role(const char *role_text, cvc_role *role)
{
	if (starts_with(role_text, "Link-Zertifikat einer Root-CA"))
		*role = CVC_ROLE_CVCA;
	else if (starts_with(role_text, "Zertifikat einer Sub-CA"))
		*role = CVC_ROLE_DV_DOMESTIC;
	else if (starts_with(role_text, "Endnutzer"))
		*role = CVC_ROLE_TERMINAL;
	else
		return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* A strict JSON parser (RFC 8259) that flattens values to paths       */
/* ------------------------------------------------------------------ */

struct jp {
	const char *start, *s, *end;
	struct cvc_test_json *doc; /* NULL: only check */
	int depth;
	const char *err;
	size_t err_at;
};

#define JSON_MAX_DEPTH 32
#define JSON_MAX_KEYS  64

static bool jp_fail(struct jp *p, const char *why)
{
	if (p->err == NULL) {
		p->err = why;
		p->err_at = (size_t)(p->s - p->start);
	}
	return false;
}

static void jp_ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
	                         *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static void jp_add(struct jp *p, const char *path, const char *value,
                   size_t len, char type)
{
	struct cvc_test_json *d = p->doc;
	struct cvc_test_json_value *v;

	if (d == NULL)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->v = realloc(d->v, d->cap * sizeof(*d->v));
		ck_assert_ptr_nonnull(d->v);
	}
	v = &d->v[d->n++];
	v->path = strdup(path);
	v->value = malloc(len + 1);
	ck_assert(v->path != NULL && v->value != NULL);
	memcpy(v->value, value, len);
	v->value[len] = '\0';
	v->len = len;
	v->type = type;
}

void cvc_test_json_free(struct cvc_test_json *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		free(doc->v[i].path);
		free(doc->v[i].value);
	}
	free(doc->v);
	memset(doc, 0, sizeof(*doc));
}

static bool jp_u4(struct jp *p, unsigned *cp)
{
	*cp = 0;
	if (p->end - p->s < 4)
		return jp_fail(p, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		int d = cvc_test_hex_digit(*p->s++);

		if (d < 0)
			return jp_fail(p, "bad \\u escape");
		*cp = *cp * 16 + (unsigned)d;
	}
	return true;
}

/* Appends a code point: one octet up to U+00FF, else UTF-8. */
static void put_cp(char *out, size_t *n, unsigned cp)
{
	if (cp <= 0xFF) {
		out[(*n)++] = (char)cp;
	} else if (cp <= 0x7FF) {
		out[(*n)++] = (char)(0xC0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp <= 0xFFFF) {
		out[(*n)++] = (char)(0xE0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		out[(*n)++] = (char)(0xF0 | (cp >> 18));
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[(*n)++] = (char)(0x80 | (cp & 0x3F));
	}
}

static bool jp_escape(struct jp *p, char *out, size_t *n)
{
	static const char simple[] = "\"\\/bfnrt";
	static const char value[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned cp, lo;

	if (p->s >= p->end)
		return jp_fail(p, "escape at end");
	k = strchr(simple, *p->s);
	if (*p->s != '\0' && k != NULL) {
		out[(*n)++] = value[k - simple];
		p->s++;
		return true;
	}
	if (*p->s++ != 'u')
		return jp_fail(p, "bad escape");
	if (!jp_u4(p, &cp))
		return false;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return jp_fail(p, "lone low surrogate");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (p->end - p->s < 6 || p->s[0] != '\\' || p->s[1] != 'u')
			return jp_fail(p, "lone high surrogate");
		p->s += 2;
		if (!jp_u4(p, &lo))
			return false;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return jp_fail(p, "bad surrogate pair");
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	put_cp(out, n, cp);
	return true;
}

/* Decodes a string into a new buffer (*out, *len). */
static bool jp_string(struct jp *p, char **out, size_t *len)
{
	const char *start = ++p->s;
	char *buf;
	size_t n = 0;

	/* Decoded is never longer than 4/6 of the escaped form plus 4. */
	while (p->s < p->end && *p->s != '"')
		p->s += *p->s == '\\' && p->end - p->s > 1 ? 2 : 1;
	if (p->s >= p->end)
		return jp_fail(p, "unterminated string");
	buf = malloc((size_t)(p->s - start) + 8);
	ck_assert_ptr_nonnull(buf);
	p->s = start;
	while (*p->s != '"') {
		unsigned char c = (unsigned char)*p->s;

		if (c < 0x20) {
			free(buf);
			return jp_fail(p, "control character in string");
		}
		if (c >= 0x80) {
			free(buf);
			return jp_fail(p,
			               "non-ASCII octet (libcvc emits ASCII)");
		}
		if (c == '\\') {
			p->s++;
			if (!jp_escape(p, buf, &n)) {
				free(buf);
				return false;
			}
			continue;
		}
		buf[n++] = (char)c;
		p->s++;
	}
	p->s++;
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return true;
}

static bool jp_digits(struct jp *p)
{
	const char *start = p->s;

	while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
		p->s++;
	return p->s > start;
}

static bool jp_number(struct jp *p, const char *path)
{
	const char *start = p->s;

	if (*p->s == '-')
		p->s++;
	if (p->s < p->end && *p->s == '0')
		p->s++;
	else if (p->s >= p->end || *p->s < '1' || *p->s > '9' || !jp_digits(p))
		return jp_fail(p, "bad number");
	if (p->s < p->end && *p->s == '.') {
		p->s++;
		if (!jp_digits(p))
			return jp_fail(p, "bad fraction");
	}
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (!jp_digits(p))
			return jp_fail(p, "bad exponent");
	}
	jp_add(p, path, start, (size_t)(p->s - start), 'n');
	return true;
}

static bool jp_literal(struct jp *p, const char *path, const char *lit,
                       char type)
{
	size_t n = strlen(lit);

	if ((size_t)(p->end - p->s) < n || strncmp(p->s, lit, n) != 0)
		return jp_fail(p, "bad literal");
	p->s += n;
	jp_add(p, path, lit, n, type);
	return true;
}

static bool jp_value(struct jp *p, const char *path);

static char *child_path(const char *path, const char *key, long index)
{
	size_t n = strlen(path) + (key ? strlen(key) : 0) + 24;
	char *s = malloc(n);

	ck_assert_ptr_nonnull(s);
	if (key != NULL)
		snprintf(s, n, "%s%s%s", path, *path ? "." : "", key);
	else
		snprintf(s, n, "%s[%ld]", path, index);
	return s;
}

static bool jp_member(struct jp *p, const char *path, char **keys, size_t nkeys)
{
	char *key, *sub;
	size_t len;
	bool ok;

	jp_ws(p);
	if (p->s >= p->end || *p->s != '"')
		return jp_fail(p, "object key expected");
	if (!jp_string(p, &key, &len))
		return false;
	for (size_t i = 0; i < nkeys; i++)
		if (strcmp(keys[i], key) == 0) {
			free(key);
			return jp_fail(p, "duplicate key");
		}
	jp_ws(p);
	if (p->s >= p->end || *p->s++ != ':') {
		free(key);
		return jp_fail(p, "':' expected");
	}
	sub = child_path(path, key, 0);
	ok = jp_value(p, sub);
	free(sub);
	if (!ok) {
		free(key);
		return false;
	}
	keys[nkeys] = key; /* the caller frees it */
	return true;
}

static bool jp_object(struct jp *p, const char *path)
{
	char *keys[JSON_MAX_KEYS];
	size_t n = 0;
	bool ok = true;
	char count[24];

	p->s++;
	jp_ws(p);
	if (p->s < p->end && *p->s == '}') {
		p->s++;
	} else {
		for (;;) {
			if (n == JSON_MAX_KEYS) {
				ok = jp_fail(p, "too many keys for the test");
				break;
			}
			ok = jp_member(p, path, keys, n);
			if (ok)
				n++;
			if (!ok)
				break;
			jp_ws(p);
			if (p->s < p->end && *p->s == ',') {
				p->s++;
				continue;
			}
			if (p->s < p->end && *p->s == '}') {
				p->s++;
				break;
			}
			ok = jp_fail(p, "',' or '}' expected");
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(keys[i]);
	snprintf(count, sizeof(count), "%zu", n);
	if (ok)
		jp_add(p, path, count, strlen(count), 'o');
	return ok;
}

static bool jp_array(struct jp *p, const char *path)
{
	long n = 0;
	char count[24];

	p->s++;
	jp_ws(p);
	if (p->s < p->end && *p->s == ']') {
		p->s++;
	} else {
		for (;;) {
			char *sub = child_path(path, NULL, n++);
			bool ok = jp_value(p, sub);

			free(sub);
			if (!ok)
				return false;
			jp_ws(p);
			if (p->s < p->end && *p->s == ',') {
				p->s++;
				continue;
			}
			if (p->s < p->end && *p->s == ']') {
				p->s++;
				break;
			}
			return jp_fail(p, "',' or ']' expected");
		}
	}
	snprintf(count, sizeof(count), "%ld", n);
	jp_add(p, path, count, strlen(count), 'a');
	return true;
}

static bool jp_value(struct jp *p, const char *path)
{
	bool ok;
	char *s;
	size_t len;

	jp_ws(p);
	if (p->s >= p->end)
		return jp_fail(p, "value expected");
	if (++p->depth > JSON_MAX_DEPTH)
		return jp_fail(p, "nested too deep");
	switch (*p->s) {
	case '{':
		ok = jp_object(p, path);
		break;
	case '[':
		ok = jp_array(p, path);
		break;
	case '"':
		ok = jp_string(p, &s, &len);
		if (ok) {
			jp_add(p, path, s, len, 's');
			free(s);
		}
		break;
	case 't':
		ok = jp_literal(p, path, "true", 'b');
		break;
	case 'f':
		ok = jp_literal(p, path, "false", 'b');
		break;
	case 'n':
		ok = jp_literal(p, path, "null", 'z');
		break;
	default:
		ok = jp_number(p, path);
		break;
	}
	p->depth--;
	return ok;
}

/* One value and nothing after it but white space. */
static bool jp_text(struct jp *p)
{
	if (!jp_value(p, ""))
		return false;
	jp_ws(p);
	return p->s == p->end || jp_fail(p, "data after the value");
}

bool cvc_test_json_parse(const char *s, size_t len, struct cvc_test_json *doc,
                         const char **err)
{
	struct jp p = {s, s, s + len, doc, 0, NULL, 0};
	bool ok;

	memset(doc, 0, sizeof(*doc));
	ok = jp_text(&p);
	*err = p.err;
	return ok;
}

const char *cvc_test_json_check_object(const char *text, size_t len, size_t *at)
{
	struct jp p = {text, text, text + len, NULL, 0, NULL, 0};

	jp_ws(&p);
	if (p.s >= p.end || *p.s != '{')
		jp_fail(&p, "top level is not an object");
	else
		jp_text(&p);
	*at = p.err_at;
	return p.err;
}

const struct cvc_test_json_value *
cvc_test_json_get(const struct cvc_test_json *doc, const char *path)
{
	for (size_t i = 0; i < doc->n; i++)
		if (strcmp(doc->v[i].path, path) == 0)
			return &doc->v[i];
	return NULL;
}

const char *cvc_test_json_value(const struct cvc_test_json *doc,
                                const char *path, char type)
{
	const struct cvc_test_json_value *v = cvc_test_json_get(doc, path);

	ck_assert_msg(v != NULL, "JSON lacks %s", path);
	ck_assert_msg(v->type == type, "JSON %s has type %c, want %c", path,
	              v->type, type);
	return v->value;
}

void cvc_test_json_expect(const struct cvc_test_json *doc, const char *path,
                          char type, const char *want)
{
	const char *got = cvc_test_json_value(doc, path, type);

	ck_assert_msg(strcmp(got, want) == 0, "%s is \"%s\", want \"%s\"", path,
	              got, want);
}

/* ------------------------------------------------------------------ */
/* The JSON parser's own tests                                         */
/* ------------------------------------------------------------------ */

static const char *const good_json[] = {
    "{}",
    "[]",
    " {\"a\" : [1, -0, 2.5e-3, 10E+2, true, false, null, \"x\"]} ",
    "\"\\u00e4\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
    "{\"a\":{\"a\":1}}",
    "\"\\ud83d\\ude00\"",
    "0",
};

static const char *const bad_json[] = {
    "",
    "{",
    "{\"a\":1,}",
    "[1,]",
    "[01]",
    "[1.]",
    "[.5]",
    "[+1]",
    "{'a':1}",
    "{\"a\" 1}",
    "{\"a\":1,\"a\":2}",
    "\"tab\there\"",
    "\"bad \\x escape\"",
    "\"\\u12\"",
    "\"\\udc00\"",
    "\"\\ud800x\"",
    "[NaN]",
    "[tru]",
    "{} {}",
    "\"unterminated",
    "\"\xc3\xa4\"",
};

START_TEST(test_json_checker_accepts)
{
	struct cvc_test_json d;
	const char *err = NULL;
	const char *s = good_json[_i];

	ck_assert_msg(cvc_test_json_parse(s, strlen(s), &d, &err), "%s: %s", s,
	              err);
	cvc_test_json_free(&d);
}
END_TEST

START_TEST(test_json_checker_rejects)
{
	struct cvc_test_json d;
	const char *err = NULL;
	const char *s = bad_json[_i];

	ck_assert_msg(!cvc_test_json_parse(s, strlen(s), &d, &err),
	              "accepted %s", s);
	ck_assert_ptr_nonnull(err);
	cvc_test_json_free(&d);
}
END_TEST

START_TEST(test_json_checker_paths)
{
	const char *s = "{\"a\":{\"b\":[1,{\"c\":\"\\u0041\"}]},\"d\":[]}";
	struct cvc_test_json d;
	const char *err;

	ck_assert(cvc_test_json_parse(s, strlen(s), &d, &err));
	cvc_test_json_expect(&d, "a.b[0]", 'n', "1");
	cvc_test_json_expect(&d, "a.b[1].c", 's', "A");
	cvc_test_json_expect(&d, "a.b", 'a', "2");
	cvc_test_json_expect(&d, "d", 'a', "0");
	ck_assert_ptr_null(cvc_test_json_get(&d, "a.c"));
	cvc_test_json_free(&d);
}
END_TEST

TCase *cvc_test_json_checker_tcase(void)
{
	TCase *tc = tcase_create("json-checker");

	tcase_add_loop_test(tc, test_json_checker_accepts, 0,
	                    (int)ARRAY_LEN(good_json));
	tcase_add_loop_test(tc, test_json_checker_rejects, 0,
	                    (int)ARRAY_LEN(bad_json));
	tcase_add_test(tc, test_json_checker_paths);
	return tc;
}

/* The object check must reject what it is there to catch. */
START_TEST(test_json_checker_accepts_and_rejects)
{
	static const char *const good[] = {
	    "{}",
	    (" {\"a\":1,\"b\":[true,false,null,-0.5e+3,\"x\\u00e9\\n\"],"
	     "\"c\":{\"d\":[]}} \n"),
	    "{\"\\u00e4\":\"M\\u00e4rz\",\"e\":0,\"f\":1E9}",
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
	    /* Valid UTF-8, but libcvc writes ASCII only. */
	    "{\"\xc3\xa4\":\"M\xc3\xa4rz\",\"e\":0,\"f\":1E9}",
	};
	size_t at;

	for (size_t i = 0; i < ARRAY_LEN(good); i++)
		ck_assert_msg(cvc_test_json_check_object(
		                  good[i], strlen(good[i]), &at) == NULL,
		              "rejected valid JSON #%zu", i);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		ck_assert_msg(cvc_test_json_check_object(bad[i], strlen(bad[i]),
		                                         &at) != NULL,
		              "accepted invalid JSON #%zu: %s", i, bad[i]);
}
END_TEST

void cvc_test_add_json_object_checker_test(TCase *tc)
{
	tcase_add_test(tc, test_json_checker_accepts_and_rejects);
}
