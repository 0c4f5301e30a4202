/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader for test vectors (RFC 8259): parses a whole document
 * into a tree of heap nodes. Test code only; not part of libcvc.
 */
#ifndef CVC_TEST_JSON_MINI_H
#define CVC_TEST_JSON_MINI_H

#include <stdbool.h>
#include <stddef.h>

typedef enum json_type {
	JSON_NULL = 0,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
} json_type;

typedef struct json_value json_value;
struct json_value {
	json_type type;
	char *key;         /* member name when the parent is an object */
	char *str;         /* JSON_STRING: decoded UTF-8, NUL-terminated */
	double num;        /* JSON_NUMBER */
	bool boolean;      /* JSON_BOOL */
	json_value *child; /* first element or member */
	json_value *next;  /* next sibling */
	size_t count;      /* number of elements or members */
};

/*
 * Parses text[0..len). NULL on a syntax error, with a message in err
 * (err may be NULL).
 */
json_value *json_parse(const char *text, size_t len, char *err,
                       size_t err_size);
void json_free(json_value *v);

/* Member of an object by name; NULL when absent or v is no object. */
const json_value *json_get(const json_value *v, const char *key);
/* String member, or NULL when absent or not a string. */
const char *json_get_str(const json_value *v, const char *key);
/* Number member as long, or `fallback`. */
long json_get_long(const json_value *v, const char *key, long fallback);

#endif
