/* SPDX-License-Identifier: MIT */
/* A small recursive-descent JSON parser for test vectors (RFC 8259). */
#include "json_mini.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

typedef struct parser {
	const char *start;
	const char *p;
	const char *end;
	char *err;
	size_t err_size;
	bool failed;
} parser;

static json_value *parse_value(parser *ps, int depth);

static void fail(parser *ps, const char *what)
{
	if (!ps->failed && ps->err != NULL && ps->err_size > 0)
		snprintf(ps->err, ps->err_size, "%s at byte %td", what,
		         ps->p - ps->start);
	ps->failed = true;
}

static void skip_ws(parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	                           *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool accept(parser *ps, char c)
{
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == c) {
		ps->p++;
		return true;
	}
	return false;
}

static bool accept_word(parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
		ps->p += n;
		return true;
	}
	return false;
}

static json_value *node(json_type type)
{
	json_value *v = calloc(1, sizeof(*v));

	if (v != NULL)
		v->type = type;
	return v;
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

static bool read_hex4(parser *ps, unsigned *out)
{
	unsigned v = 0;

	if (ps->end - ps->p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(ps->p[i]);

		if (d < 0)
			return false;
		v = v << 4 | (unsigned)d;
	}
	ps->p += 4;
	*out = v;
	return true;
}

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* \uXXXX, with a following low surrogate when XXXX is a high one. */
static bool read_unicode_escape(parser *ps, unsigned *cp)
{
	unsigned lo;

	if (!read_hex4(ps, cp))
		return false;
	if (*cp < 0xD800 || *cp > 0xDBFF)
		return true;
	if (!accept_word(ps, "\\u") || !read_hex4(ps, &lo) || lo < 0xDC00 ||
	    lo > 0xDFFF)
		return false;
	*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
	return true;
}

static bool read_escape(parser *ps, char *out, size_t *n)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	unsigned cp;

	if (ps->p >= ps->end)
		return false;
	if (*ps->p == 'u') {
		ps->p++;
		if (!read_unicode_escape(ps, &cp))
			return false;
		*n += put_utf8(out + *n, cp);
		return true;
	}
	hit = memchr(from, *ps->p, sizeof(from) - 1);
	if (hit == NULL)
		return false;
	out[(*n)++] = to[hit - from];
	ps->p++;
	return true;
}

/* Source length up to the closing quote, escapes skipped over. */
static size_t raw_string_len(const parser *ps)
{
	const char *q = ps->p;

	while (q < ps->end && *q != '"')
		q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
	return (size_t)(q - ps->p);
}

/* After the opening quote. Decoded text is never longer than the source. */
static char *parse_string_raw(parser *ps)
{
	char *out = malloc(raw_string_len(ps) + 1);
	size_t n = 0;

	if (out == NULL) {
		fail(ps, "out of memory");
		return NULL;
	}
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p++;

		if (c < 0x20 || (c == '\\' && !read_escape(ps, out, &n))) {
			fail(ps, "bad string");
			free(out);
			return NULL;
		}
		if (c != '\\')
			out[n++] = (char)c;
	}
	if (ps->p >= ps->end) {
		fail(ps, "unterminated string");
		free(out);
		return NULL;
	}
	ps->p++;
	out[n] = '\0';
	return out;
}

static json_value *parse_number(parser *ps)
{
	char buf[64];
	size_t n = 0;
	char *end;
	json_value *v;

	while (ps->p + n < ps->end && n < sizeof(buf) - 1 &&
	       strchr("+-0123456789.eE", ps->p[n]) != NULL)
		n++;
	memcpy(buf, ps->p, n);
	buf[n] = '\0';
	v = node(JSON_NUMBER);
	if (v == NULL || n == 0) {
		free(v);
		fail(ps, "bad number");
		return NULL;
	}
	v->num = strtod(buf, &end);
	if (end != buf + n) {
		free(v);
		fail(ps, "bad number");
		return NULL;
	}
	ps->p += n;
	return v;
}

static void append(json_value *parent, json_value **tail, json_value *v)
{
	if (*tail == NULL)
		parent->child = v;
	else
		(*tail)->next = v;
	*tail = v;
	parent->count++;
}

static json_value *parse_array(parser *ps, int depth)
{
	json_value *arr = node(JSON_ARRAY), *tail = NULL, *v;

	if (arr == NULL || accept(ps, ']'))
		return arr;
	do {
		v = parse_value(ps, depth + 1);
		if (v == NULL) {
			json_free(arr);
			return NULL;
		}
		append(arr, &tail, v);
	} while (accept(ps, ','));
	if (!accept(ps, ']')) {
		fail(ps, "expected ]");
		json_free(arr);
		return NULL;
	}
	return arr;
}

static json_value *parse_member(parser *ps, int depth)
{
	char *key;
	json_value *v;

	if (!accept(ps, '"')) {
		fail(ps, "expected member name");
		return NULL;
	}
	key = parse_string_raw(ps);
	if (key == NULL)
		return NULL;
	if (!accept(ps, ':')) {
		fail(ps, "expected :");
		free(key);
		return NULL;
	}
	v = parse_value(ps, depth + 1);
	if (v == NULL) {
		free(key);
		return NULL;
	}
	v->key = key;
	return v;
}

static json_value *parse_object(parser *ps, int depth)
{
	json_value *obj = node(JSON_OBJECT), *tail = NULL, *v;

	if (obj == NULL || accept(ps, '}'))
		return obj;
	do {
		v = parse_member(ps, depth);
		if (v == NULL) {
			json_free(obj);
			return NULL;
		}
		append(obj, &tail, v);
	} while (accept(ps, ','));
	if (!accept(ps, '}')) {
		fail(ps, "expected }");
		json_free(obj);
		return NULL;
	}
	return obj;
}

static json_value *parse_literal(parser *ps)
{
	json_value *v = NULL;

	if (accept_word(ps, "true")) {
		v = node(JSON_BOOL);
		if (v != NULL)
			v->boolean = true;
	} else if (accept_word(ps, "false")) {
		v = node(JSON_BOOL);
	} else if (accept_word(ps, "null")) {
		v = node(JSON_NULL);
	} else {
		return parse_number(ps);
	}
	if (v == NULL)
		fail(ps, "out of memory");
	return v;
}

static json_value *parse_value(parser *ps, int depth)
{
	json_value *v;

	if (depth > JSON_MAX_DEPTH) {
		fail(ps, "nesting too deep");
		return NULL;
	}
	if (accept(ps, '{'))
		return parse_object(ps, depth);
	if (accept(ps, '['))
		return parse_array(ps, depth);
	if (accept(ps, '"')) {
		v = node(JSON_STRING);
		if (v == NULL)
			return NULL;
		v->str = parse_string_raw(ps);
		if (v->str == NULL) {
			free(v);
			return NULL;
		}
		return v;
	}
	skip_ws(ps);
	return parse_literal(ps);
}

json_value *json_parse(const char *text, size_t len, char *err, size_t err_size)
{
	parser ps = {text, text, text + len, err, err_size, false};
	json_value *v = parse_value(&ps, 0);

	skip_ws(&ps);
	if (v != NULL && ps.p != ps.end) {
		fail(&ps, "trailing data");
		json_free(v);
		v = NULL;
	}
	return v;
}

void json_free(json_value *v)
{
	while (v != NULL) {
		json_value *next = v->next;

		json_free(v->child);
		free(v->key);
		free(v->str);
		free(v);
		v = next;
	}
}

const json_value *json_get(const json_value *v, const char *key)
{
	if (v == NULL || v->type != JSON_OBJECT)
		return NULL;
	for (const json_value *m = v->child; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const char *json_get_str(const json_value *v, const char *key)
{
	const json_value *m = json_get(v, key);

	return m != NULL && m->type == JSON_STRING ? m->str : NULL;
}

long json_get_long(const json_value *v, const char *key, long fallback)
{
	const json_value *m = json_get(v, key);

	return m != NULL && m->type == JSON_NUMBER ? (long)m->num : fallback;
}
