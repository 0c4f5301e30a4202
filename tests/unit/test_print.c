/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the text and JSON printers (libcvc/src/print.c,
 * print_json.c).
 *
 * Every corpus object is printed both ways; the JSON is checked by a strict
 * RFC 8259 parser written here (no external tool), then compared field by
 * field with MANIFEST.tsv, with gematik's own decoder output beside each G2
 * certificate (*.gematik-explanation.txt), and for a few files with values
 * read off the bytes with `openssl asn1parse`.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/cert.h>
#include <cvc/print.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

static const char *corpus_dir(void)
{
	const char *dir = getenv("CVC_CORPUS_DIR");

	ck_assert_msg(dir != NULL && *dir != '\0', "CVC_CORPUS_DIR not set");
	return dir;
}

static void join_path(char *out, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);

	ck_assert(n > 0 && (size_t)n < cap);
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

struct object {
	uint8_t *data;
	size_t len;
	cvc_cert cert;
};

static void load_object(struct object *o, const char *rel)
{
	char path[1024];
	cvc_err err;

	join_path(path, sizeof(path), corpus_dir(), rel);
	o->data = read_file(path, &o->len);
	err = cvc_cert_decode(o->data, o->len, CVC_DECODE_LENIENT, &o->cert,
	                      NULL);
	ck_assert_msg(err == CVC_OK, "%s: decode error %d", rel, err);
}

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

/* The rows of a TSV file, split into columns on demand. */
struct tsv {
	char *text;
	char **line;
	size_t n;
};

static void tsv_load(struct tsv *t, const char *name)
{
	char path[1024];
	size_t len, cap = 64;

	join_path(path, sizeof(path), corpus_dir(), name);
	t->text = (char *)read_file(path, &len);
	t->line = malloc(cap * sizeof(*t->line));
	t->n = 0;
	for (char *p = strtok(t->text, "\n"); p; p = strtok(NULL, "\n")) {
		if (t->n == cap) {
			cap *= 2;
			t->line = realloc(t->line, cap * sizeof(*t->line));
		}
		t->line[t->n++] = p;
	}
}

static size_t tsv_split(char *line, char **col, size_t max)
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

static void tsv_free(struct tsv *t)
{
	free(t->text);
	free(t->line);
}

/* ------------------------------------------------------------------ */
/* A strict JSON parser (RFC 8259) that flattens scalars to paths      */
/* ------------------------------------------------------------------ */

/*
 * Every scalar, object and array of a document, by path: "chr.text",
 * "chat.rights[0].bit". Strings are decoded (\u00XX to the octet XX).
 * Objects and arrays are recorded too, with their member count as value.
 */
struct jval {
	char *path;
	char *value;
	size_t len;
	char type; /* s string, n number, b bool, z null, o object, a array */
};

struct jdoc {
	struct jval *v;
	size_t n, cap;
};

struct jp {
	const char *s, *end;
	struct jdoc *doc;
	int depth;
	const char *err;
};

#define JSON_MAX_DEPTH 32
#define JSON_MAX_KEYS  64

static bool jp_fail(struct jp *p, const char *why)
{
	if (p->err == NULL)
		p->err = why;
	return false;
}

static void jp_ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
	                         *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static void jdoc_add(struct jdoc *d, const char *path, const char *value,
                     size_t len, char type)
{
	struct jval *v;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->v = realloc(d->v, d->cap * sizeof(*d->v));
		ck_assert_ptr_nonnull(d->v);
	}
	v = &d->v[d->n++];
	v->path = strdup(path);
	v->value = malloc(len + 1);
	memcpy(v->value, value, len);
	v->value[len] = '\0';
	v->len = len;
	v->type = type;
}

static void jdoc_free(struct jdoc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].value);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool jp_u4(struct jp *p, unsigned *cp)
{
	*cp = 0;
	if (p->end - p->s < 4)
		return jp_fail(p, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(*p->s++);

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
		p->s += *p->s == '\\' ? 2 : 1;
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
	jdoc_add(p->doc, path, start, (size_t)(p->s - start), 'n');
	return true;
}

static bool jp_literal(struct jp *p, const char *path, const char *lit,
                       char type)
{
	size_t n = strlen(lit);

	if ((size_t)(p->end - p->s) < n || strncmp(p->s, lit, n) != 0)
		return jp_fail(p, "bad literal");
	p->s += n;
	jdoc_add(p->doc, path, lit, n, type);
	return true;
}

static bool jp_value(struct jp *p, const char *path);

static char *child_path(const char *path, const char *key, long index)
{
	size_t n = strlen(path) + (key ? strlen(key) : 0) + 24;
	char *s = malloc(n);

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
		jdoc_add(p->doc, path, count, strlen(count), 'o');
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
	jdoc_add(p->doc, path, count, strlen(count), 'a');
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
			jdoc_add(p->doc, path, s, len, 's');
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

/* Parses exactly one JSON text; *err says why not. */
static bool json_parse(const char *s, size_t len, struct jdoc *doc,
                       const char **err)
{
	struct jp p = {s, s + len, doc, 0, NULL};
	bool ok;

	memset(doc, 0, sizeof(*doc));
	ok = jp_value(&p, "");
	if (ok) {
		jp_ws(&p);
		if (p.s != p.end)
			ok = jp_fail(&p, "data after the value");
	}
	*err = p.err;
	return ok;
}

static const struct jval *jget(const struct jdoc *d, const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].path, path) == 0)
			return &d->v[i];
	return NULL;
}

/* Asserts that path holds a value of the type and returns it. */
static const char *jval(const struct jdoc *d, const char *path, char type)
{
	const struct jval *v = jget(d, path);

	ck_assert_msg(v != NULL, "JSON lacks %s", path);
	ck_assert_msg(v->type == type, "JSON %s has type %c, want %c", path,
	              v->type, type);
	return v->value;
}

static void jexpect(const struct jdoc *d, const char *path, char type,
                    const char *want)
{
	const char *got = jval(d, path, type);

	ck_assert_msg(strcmp(got, want) == 0, "%s is \"%s\", want \"%s\"", path,
	              got, want);
}

static void parse_output(const struct output *o, struct jdoc *doc)
{
	const char *err = NULL;

	ck_assert_msg(json_parse(o->text, o->len, doc, &err),
	              "invalid JSON (%s): %.300s", err, o->text);
}

/* ------------------------------------------------------------------ */
/* The JSON checker itself                                             */
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
	struct jdoc d;
	const char *err = NULL;
	const char *s = good_json[_i];

	ck_assert_msg(json_parse(s, strlen(s), &d, &err), "%s: %s", s, err);
	jdoc_free(&d);
}
END_TEST

START_TEST(test_json_checker_rejects)
{
	struct jdoc d;
	const char *err = NULL;
	const char *s = bad_json[_i];

	ck_assert_msg(!json_parse(s, strlen(s), &d, &err), "accepted %s", s);
	ck_assert_ptr_nonnull(err);
	jdoc_free(&d);
}
END_TEST

START_TEST(test_json_checker_paths)
{
	const char *s = "{\"a\":{\"b\":[1,{\"c\":\"\\u0041\"}]},\"d\":[]}";
	struct jdoc d;
	const char *err;

	ck_assert(json_parse(s, strlen(s), &d, &err));
	jexpect(&d, "a.b[0]", 'n', "1");
	jexpect(&d, "a.b[1].c", 's', "A");
	jexpect(&d, "a.b", 'a', "2");
	jexpect(&d, "d", 'a', "0");
	ck_assert_ptr_null(jget(&d, "a.c"));
	jdoc_free(&d);
}
END_TEST

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
static void check_ref(const struct jdoc *d, const char *path,
                      const char *manifest)
{
	char p[64];

	snprintf(p, sizeof(p), "%s.hex", path);
	if (*manifest == '\0') {
		ck_assert_ptr_null(jget(d, path));
	} else if (strncmp(manifest, "hex:", 4) == 0) {
		jexpect(d, p, 's', manifest + 4);
	} else {
		snprintf(p, sizeof(p), "%s.text", path);
		jexpect(d, p, 's', manifest);
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

static void check_json_against_manifest(const struct jdoc *d, char **col)
{
	const char *kind = manifest_kind(col[4]);
	char cpi[8];

	jexpect(d, "schema", 's', "libcvc-cert/1");
	jexpect(d, "kind", 's', kind);
	jval(d, "nonminimal_length", 'b');
	jval(d, "signature", 's');
	if (strcmp(kind, "iso7816-9-certificate") == 0) {
		ck_assert_ptr_null(jget(d, "cpi"));
		ck_assert_ptr_null(jget(d, "chr"));
		ck_assert_ptr_null(jget(d, "public_key"));
		jexpect(d, "body_in_signature", 'b', "true");
		jval(d, "remainder", 's');
		check_ref(d, "car", col[7]);
		return;
	}
	snprintf(cpi, sizeof(cpi), "%ld", strtol(col[5], NULL, 16));
	jexpect(d, "cpi", 'n', cpi);
	check_ref(d, "chr", col[6]);
	/* The manifest's CAR of an authenticated request is the outer one */
	check_ref(
	    d, strcmp(kind, "authenticated-request") == 0 ? "outer.car" : "car",
	    col[7]);
	jval(d, "public_key.type", 's');
	jval(d, "public_key.oid_hex", 's');
	jval(d, "public_key.components", 'o');
	if (strcmp(kind, "certificate") == 0) {
		jval(d, "chat.bits", 's');
		jval(d, "chat.terminal_type", 's');
		jval(d, "effective", 's');
		jval(d, "expiration", 's');
	} else {
		ck_assert_ptr_null(jget(d, "chat"));
		ck_assert_ptr_null(jget(d, "effective"));
	}
}

static void print_all_ways(const cvc_cert *c, char **col)
{
	struct output o;
	struct jdoc d;
	size_t short_len;

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
		check_json_against_manifest(&d, col);
		jdoc_free(&d);
		free(o.text);
	}
}

START_TEST(test_print_corpus)
{
	struct tsv t;
	size_t printed = 0;

	tsv_load(&t, "MANIFEST.tsv");
	for (size_t i = 1; i < t.n; i++) {
		char *col[10];
		struct object o;

		ck_assert_uint_ge(tsv_split(t.line[i], col, 10), 8);
		load_object(&o, col[0]);
		print_all_ways(&o.cert, col);
		free(o.data);
		printed++;
	}
	tsv_free(&t);
	ck_assert_uint_ge(printed, 270);
}
END_TEST

START_TEST(test_print_trust_anchors)
{
	char dir[1024], path[1400];
	DIR *dh;
	struct dirent *e;
	size_t n = 0;

	join_path(dir, sizeof(dir), corpus_dir(), "gematik_g2/trust-anchor");
	dh = opendir(dir);
	ck_assert_ptr_nonnull(dh);
	while ((e = readdir(dh)) != NULL) {
		struct output o;
		struct jdoc d;
		uint8_t *data;
		size_t len;
		cvc_pubkey key;

		if (strstr(e->d_name, ".der") == NULL)
			continue;
		join_path(path, sizeof(path), dir, e->d_name);
		data = read_file(path, &len);
		ck_assert_int_eq(cvc_pubkey_decode(data, len, 0, &key, NULL),
		                 CVC_OK);
		ck_assert_int_eq(
		    print_key(&key, CVC_CPI_GEMATIK_G2, false, 0, &o), CVC_OK);
		check_text_shape(&o, 0);
		ck_assert_ptr_nonnull(strstr(o.text, "brainpoolP256r1"));
		free(o.text);
		ck_assert_int_eq(
		    print_key(&key, CVC_CPI_GEMATIK_G2, true, 0, &o), CVC_OK);
		parse_output(&o, &d);
		jexpect(&d, "schema", 's', "libcvc-pubkey/1");
		jexpect(&d, "oid", 's', "1.3.36.3.3.2.8.1.1.7");
		jexpect(&d, "curve", 's', "brainpoolP256r1");
		jexpect(&d, "type", 's', "EC");
		jexpect(&d, "bits", 'n', "256");
		ck_assert_uint_eq(strlen(jval(&d, "components.Y", 's')), 130);
		jdoc_free(&d);
		free(o.text);
		free(data);
		n++;
	}
	closedir(dh);
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
	struct jdoc d;

	for (unsigned flags = 0; flags <= CVC_PRINT_VERBOSE; flags++) {
		ck_assert_int_eq(print_cert(c, false, flags, 1, &o), CVC_OK);
		check_text_shape(&o, 1);
		free(o.text);
		ck_assert_int_eq(print_cert(c, true, flags, 0, &o), CVC_OK);
		parse_output(&o, &d);
		jdoc_free(&d);
		free(o.text);
	}
}

START_TEST(test_print_mutated_corpus)
{
	struct tsv t;
	uint32_t state = 12345;
	size_t printed = 0;

	tsv_load(&t, "MANIFEST.tsv");
	for (size_t i = 1; i < t.n; i++) {
		char *col[10];
		struct object o;

		tsv_split(t.line[i], col, 10);
		load_object(&o, col[0]);
		for (int m = 0; m < 6; m++) {
			uint8_t *copy = malloc(o.len);
			cvc_cert c;

			memcpy(copy, o.data, o.len);
			for (int k = 0; k < 1 + m % 3; k++) {
				state = state * 1103515245u + 12345u;
				copy[(state >> 8) % o.len] ^=
				    (uint8_t)(1u << ((state >> 4) % 8));
			}
			if (cvc_cert_decode(copy, o.len, CVC_DECODE_LENIENT, &c,
			                    NULL) == CVC_OK) {
				print_mutant(&c);
				printed++;
			}
			free(copy);
		}
		free(o.data);
	}
	tsv_free(&t);
	ck_assert_uint_ge(printed, 300);
}
END_TEST

/* ------------------------------------------------------------------ */
/* gematik G2: JSON against gematik's decoder output                   */
/* ------------------------------------------------------------------ */

static const char *const german_months[] = {
    "Januar", "Februar", "M\xc3\xa4rz", "April",   "Mai",      "Juni",
    "Juli",   "August",  "September",   "Oktober", "November", "Dezember",
};

/* "=> 30. Juli 2015" to "2015-07-30" */
static void german_date(const char *s, char *out, size_t cap)
{
	unsigned day, year;
	char month[32];

	ck_assert_int_eq(sscanf(s, "=> %u. %31s %u", &day, month, &year), 3);
	for (size_t m = 0; m < ARRAY_LEN(german_months); m++)
		if (strcmp(month, german_months[m]) == 0) {
			snprintf(out, cap, "%04u-%02zu-%02u", year, m + 1, day);
			return;
		}
	ck_abort_msg("unknown month %s", month);
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
static void check_ref_part(const struct jdoc *d, const char *ref, char *line)
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
			jexpect(d, path, 'n', want);
		} else if (parts[i].number) {
			snprintf(want, sizeof(want), "%ld",
			         strtol(value, NULL, 10));
			jexpect(d, path, 'n', want);
		} else {
			jexpect(d, path, 's', value);
		}
		return;
	}
	ck_abort_msg("unknown explanation line %s", line);
}

/* "OID = 2b2403050301     = {1 3 36 3 5 3 1} =  name" */
static void check_oid_line(const struct jdoc *d, const char *prefix,
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
	jexpect(d, path, 's', dotted);
	snprintf(path, sizeof(path), "%s.oid_name", prefix);
	jexpect(d, path, 's', trim((char *)name + 1));
}

static void check_rights(const struct jdoc *d, const bool listed[56])
{
	long n = strtol(jval(d, "chat.rights", 'a'), NULL, 10);
	bool seen[56] = {false};
	char path[64];

	for (long i = 0; i < n; i++) {
		long bit;

		snprintf(path, sizeof(path), "chat.rights[%ld].bit", i);
		bit = strtol(jval(d, path, 'n'), NULL, 10);
		ck_assert_int_ge(bit, 2);
		ck_assert_int_lt(bit, 56);
		seen[bit] = true;
	}
	for (size_t bit = 2; bit < 56; bit++)
		ck_assert_msg(seen[bit] == listed[bit], "b%zu", bit);
}

static void check_explanation(const struct jdoc *d, char *text)
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
			jexpect(d, "effective", 's', date);
		} else if (strncmp(line, "Certificate Expiration", 22) == 0) {
			german_date(arrow, date, sizeof(date));
			jexpect(d, "expiration", 's', date);
		} else if (strncmp(line, "Usage of enclosed public key", 28) ==
		           0) {
			check_oid_line(d, "public_key", line);
		} else if (strncmp(line, "Interpretation of Flag-List", 27) ==
		           0) {
			check_oid_line(d, "chat", line);
		} else if (strstr(line, "Domain parameter of public key = ")) {
			jexpect(d, "public_key.curve", 's',
			        trim(strstr(line, "= ") + 2));
		} else if (sscanf(line, " b%u =>", &bit) == 1 && bit < 56) {
			listed[bit] = true;
		}
	}
	check_rights(d, listed);
}

START_TEST(test_gematik_json_matches_explanations)
{
	char dir[1024], path[1400];
	DIR *dh;
	struct dirent *e;
	size_t n = 0;

	join_path(dir, sizeof(dir), corpus_dir(), "gematik_g2");
	dh = opendir(dir);
	ck_assert_ptr_nonnull(dh);
	while ((e = readdir(dh)) != NULL) {
		const char *suffix = strstr(e->d_name, ".gematik-explanation");
		struct object o;
		struct output out;
		struct jdoc d;
		size_t len;
		char *text;

		if (suffix == NULL)
			continue;
		join_path(path, sizeof(path), dir, e->d_name);
		text = (char *)read_file(path, &len);
		snprintf(path, sizeof(path), "gematik_g2/%.*s.cvcert",
		         (int)(suffix - e->d_name), e->d_name);
		load_object(&o, path);
		ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
		parse_output(&out, &d);
		jexpect(&d, "profile", 's', "gematik-g2");
		jexpect(&d, "chat.terminal_type", 's', "gematik TI");
		ck_assert_ptr_null(jget(&d, "car.text"));
		check_explanation(&d, text);
		jdoc_free(&d);
		free(out.text);
		free(o.data);
		free(text);
		n++;
	}
	closedir(dh);
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
	struct object o;
	struct output out;
	struct jdoc d;

	load_object(&o, DE_TERMINAL);
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	jexpect(&d, "profile", 's', "tr-03110");
	jexpect(&d, "car.text", 's', "DEDVeIDDTR101401");
	jexpect(&d, "car.hex", 's', "44454456654944445452313031343031");
	jexpect(&d, "chr.text", 's', "DE0000049004FN");
	jexpect(&d, "public_key.oid", 's', "0.4.0.127.0.7.2.2.2.2.3");
	jexpect(&d, "public_key.oid_name", 's', "id-TA-ECDSA-SHA-256");
	jexpect(&d, "public_key.type", 's', "EC");
	jexpect(&d, "public_key.bits", 'n', "256");
	jexpect(&d, "public_key.domain_parameters", 'b', "false");
	ck_assert_ptr_null(jget(&d, "public_key.curve")); /* inherited */
	ck_assert_uint_eq(strlen(jval(&d, "public_key.components.Y", 's')),
	                  130);
	jexpect(&d, "public_key.components", 'o', "1");
	jexpect(&d, "chat.oid", 's', "0.4.0.127.0.7.3.1.2.2");
	jexpect(&d, "chat.oid_name", 's', "id-AT");
	jexpect(&d, "chat.terminal_type", 's', "AT");
	jexpect(&d, "chat.bits", 's', "0000000004");
	jexpect(&d, "chat.role", 's', "terminal");
	jexpect(&d, "chat.role_name", 's', "authentication terminal");
	jexpect(&d, "chat.rights", 'a', "1");
	jexpect(&d, "chat.rights[0].bit", 'n', "2");
	jexpect(&d, "chat.rights[0].name", 's', "restricted identification");
	jexpect(&d, "effective", 's', "2011-12-09");
	jexpect(&d, "expiration", 's', "2011-12-10");
	jexpect(&d, "extensions", 'a', "2");
	jexpect(&d, "extensions[0].oid_name", 's', "id-sector");
	jexpect(&d, "extensions[0].objects[0].tag", 's', "80");
	jexpect(
	    &d, "extensions[0].objects[0].value", 's',
	    "2ba857aec087cccd2dd526fdd82ee33ea289408b3c2161f36680a9c384c143fb");
	jexpect(&d, "extensions[1].oid", 's', "0.4.0.127.0.7.3.1.3.1");
	jexpect(&d, "extensions[1].oid_name", 's', "id-description");
	jexpect(
	    &d, "extensions[1].objects[0].value", 's',
	    "be4623de47dc5f422402f851b25c88d8f466b1f45cc97e11e809aff4a3e45fe3");
	ck_assert_uint_eq(strlen(jval(&d, "signature", 's')), 128);
	jexpect(&d, "nonminimal_length", 'b', "false");
	ck_assert_ptr_null(jget(&d, "outer"));
	jdoc_free(&d);
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_json_authenticated_request)
{
	struct object o;
	struct output out;
	struct jdoc d;

	/* Standards digest 5: EJBCA absp.req, RSA v1.5 SHA-256 inside,
	 * countersigned by SEABSP00001. */
	load_object(&o, "epassport_eac/"
	                "SEABSP00002__authreq__by_SEABSP00001__c5742b72.cvreq");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	jexpect(&d, "kind", 's', "authenticated-request");
	jexpect(&d, "chr.text", 's', "SEABSP00002");
	jexpect(&d, "outer.car.text", 's', "SEABSP00001");
	jexpect(&d, "public_key.type", 's', "RSA");
	jexpect(&d, "public_key.oid_name", 's', "id-TA-RSA-v1-5-SHA-256");
	jexpect(&d, "public_key.bits", 'n', "2048");
	jexpect(&d, "public_key.components.e", 's', "010001");
	ck_assert_uint_eq(strlen(jval(&d, "outer.signature", 's')), 512);
	ck_assert_ptr_null(jget(&d, "chat"));
	jdoc_free(&d);
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_json_dnie)
{
	struct object o;
	struct output out;
	struct jdoc d;

	load_object(&o, "dnie_iso7816_9/"
	                "noCHR__iso7816-9-cvc__by_hex_6573524449600006__"
	                "7a11af8b.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	jexpect(&d, "profile", 's', "iso7816-9");
	jexpect(&d, "car.hex", 's', "6573524449600006");
	ck_assert_ptr_null(jget(&d, "car.text")); /* 0x00 0x06 */
	ck_assert_uint_eq(strlen(jval(&d, "remainder", 's')), 2 * 0x3D);
	ck_assert_uint_eq(strlen(jval(&d, "signature", 's')), 256);
	jdoc_free(&d);
	free(out.text);
	ck_assert_int_eq(print_cert(&o.cert, false, 0, 0, &out), CVC_OK);
	ck_assert_ptr_nonnull(strstr(out.text, "ISO 9796-2"));
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_json_smartcard_hsm_empty_extensions)
{
	struct object o;
	struct output out;
	struct jdoc d;

	/* 65 00 at offset 0xA3; CHAT 1.3.6.1.4.1.24991.3.1.1 with 53 01 80 */
	load_object(&o, "smartcard_hsm/DEDINK0400001__device-issuer-ca__by_"
	                "DESRCACC100001__ea0812fb.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	jexpect(&d, "extensions", 'a', "0");
	jexpect(&d, "chat.oid", 's', "1.3.6.1.4.1.24991.3.1.1");
	jexpect(&d, "chat.terminal_type", 's', "SmartCard-HSM");
	jexpect(&d, "chat.bits", 's', "80");
	jexpect(&d, "chat.role", 's', "dv-domestic");
	jexpect(&d, "chat.rights", 'a', "0");
	jexpect(&d, "effective", 's', "2024-10-30");
	jexpect(&d, "expiration", 's', "2032-10-29");
	jdoc_free(&d);
	free(out.text);
	free(o.data);
}
END_TEST

START_TEST(test_json_nonminimal_and_unknown_extension)
{
	struct object o;
	struct output out;
	struct jdoc d;

	/* 7F21 82 00E7: a length in a longer form than needed */
	load_object(&o, "de_eid_production/DEDVeIDDTR101201__at-dv-nonofficial"
	                "__by_DECVCAeID00102__0a144f77.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	jexpect(&d, "nonminimal_length", 'b', "true");
	jexpect(&d, "chat.role", 's', "dv-foreign");
	jdoc_free(&d);
	free(out.text);
	free(o.data);

	/* PersoSim: id-eIDAccess, id-specialFunctions and a made-up OID */
	load_object(&o, "simulator_test_pki/DEATTM00001__at-terminal__by_"
	                "DEATDV00001__a261a577.cvcert");
	ck_assert_int_eq(print_cert(&o.cert, true, 0, 0, &out), CVC_OK);
	parse_output(&out, &d);
	jexpect(&d, "public_key.curve", 's', "brainpoolP256r1");
	jexpect(&d, "public_key.domain_parameters", 'b', "true");
	jexpect(&d, "public_key.components", 'o', "7");
	jexpect(&d, "extensions[0].oid_name", 's', "id-eIDAccess");
	jexpect(&d, "extensions[0].objects[0].tag", 's', "53");
	jexpect(&d, "extensions[0].objects[0].value", 's',
	        "ffffffffffffffffff");
	jexpect(&d, "extensions[1].oid_name", 's', "id-specialFunctions");
	jexpect(&d, "extensions[2].oid", 's', "0.1.2.15617.12163.13441.3");
	ck_assert_ptr_null(jget(&d, "extensions[2].oid_name"));
	ck_assert_ptr_null(jget(&d, "extensions[2].objects[0].name"));
	jdoc_free(&d);
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
	struct object o;
	struct output out;

	load_object(&o, DE_TERMINAL);
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
	struct object o;
	struct output out;

	load_object(&o, "gematik_g2/0006_80-276-88311-0000015501__ee__by_"
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
	struct jdoc d;

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
	ck_assert_mem_eq(jval(&d, "chr.text", 's'), chr, sizeof(chr));
	jexpect(&d, "chr.hex", 's', "4122425c43e4ff");
	/* Control and C1 octets are not text: hex only */
	ck_assert_ptr_null(jget(&d, "car.text"));
	jexpect(&d, "car.hex", 's', "44451b58");
	ck_assert_ptr_null(jget(&d, "outer.car.text"));
	jexpect(&d, "outer.car.hex", 's', "44458558");
	jexpect(&d, "public_key.type", 's', "unknown");
	ck_assert_ptr_null(jget(&d, "public_key.oid"));
	jdoc_free(&d);
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
	struct object o;
	FILE *f = fopen("/dev/null", "r"); /* writes fail */

	ck_assert_ptr_nonnull(f);
	load_object(&o, DE_TERMINAL);
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
	TCase *checker = tcase_create("json-checker");
	TCase *corpus = tcase_create("corpus");
	TCase *known = tcase_create("known");

	tcase_add_loop_test(checker, test_json_checker_accepts, 0,
	                    (int)ARRAY_LEN(good_json));
	tcase_add_loop_test(checker, test_json_checker_rejects, 0,
	                    (int)ARRAY_LEN(bad_json));
	tcase_add_test(checker, test_json_checker_paths);
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
	SRunner *sr = srunner_create(print_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
