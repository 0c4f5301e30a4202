/* SPDX-License-Identifier: MIT */
/*
 * Input format detection: binary DER, hex or base64 (see cvc/input.h).
 *
 * The rule, in order:
 *  1. A first octet of 0x7F (an application-class two-octet tag such as
 *     7F21; 0x7F is DEL, never part of hex or base64 text) is DER.
 *  2. Input holding any octet that is not printable ASCII or whitespace is
 *     binary. Binary is DER when its first octet is a known outer tag, 7F or
 *     67 (authenticated request, TR-03110-3 C.2); anything else is rejected.
 *     A real 67 object is always binary: its value starts with 7F21.
 *  3. Text made only of hex digits (either case), whitespace and ':',
 *     after an optional single "0x" prefix, is hex, and must then decode as
 *     hex: digits in pairs, separators only between octets. It never falls
 *     back to base64, so "7F2" or "7F 2 1" is an error rather than a base64
 *     accident. Base64 of a CVC always holds a non-hex character (7F
 *     encodes as "fy", 67 as "Z"), so nothing real is lost.
 *  4. Any other text is base64 (RFC 4648 standard alphabet, '=' padding
 *     required so that the characters come in groups of four), with
 *     whitespace anywhere and PEM-style armour lines (those starting with
 *     "-----") skipped.
 * Each decoder first validates and measures the whole input without writing,
 * then decodes. Decoded data is never longer than the input and is written
 * front to back no faster than it is read, so out may even be in itself.
 */
#include <stdbool.h>
#include <string.h>

#include <cvc/input.h>

#include "hex_int.h"

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static bool is_text(const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_space(in[i]) && (in[i] < 0x20 || in[i] > 0x7E))
			return false;
	return true;
}

static size_t skip_spaces(const uint8_t *in, size_t len, size_t i)
{
	while (i < len && is_space(in[i]))
		i++;
	return i;
}

/* Index of the first digit: past leading whitespace and one "0x". */
static size_t hex_start(const uint8_t *in, size_t len)
{
	size_t i = skip_spaces(in, len, 0);

	if (len - i >= 2 && in[i] == '0' && (in[i + 1] | 0x20) == 'x')
		i += 2;
	return i;
}

static bool looks_like_hex(const uint8_t *in, size_t len)
{
	for (size_t i = hex_start(in, len); i < len; i++)
		if (cvc_hex_value(in[i]) < 0 && !is_space(in[i]) &&
		    in[i] != ':')
			return false;
	return true;
}

/*
 * Decodes hex into out, or only counts when out is NULL. Fails on any
 * character other than digits and separators, and on a separator or the
 * end falling between the two digits of an octet.
 */
static cvc_err hex_decode(const uint8_t *in, size_t len, uint8_t *out,
                          size_t *out_len)
{
	size_t i = hex_start(in, len), n = 0;

	while (i < len) {
		int hi = cvc_hex_value(in[i]), lo;

		if (is_space(in[i]) || in[i] == ':') {
			i++;
			continue;
		}
		if (hi < 0 || i + 1 == len ||
		    (lo = cvc_hex_value(in[i + 1])) < 0)
			return CVC_ERR_INPUT_FORMAT;
		if (out != NULL)
			out[n] = (uint8_t)(hi << 4 | lo);
		n++;
		i += 2;
	}
	*out_len = n;
	return n > 0 ? CVC_OK : CVC_ERR_INPUT_FORMAT;
}

/* Value of a base64 character (RFC 4648 table 1), or -1. */
static int b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Index just past the line that starts at i (past its '\n', if any). */
static size_t skip_line(const uint8_t *in, size_t len, size_t i)
{
	while (i < len && in[i] != '\n')
		i++;
	return i < len ? i + 1 : i;
}

static bool at_armour(const uint8_t *in, size_t len, size_t i)
{
	return len - i >= 5 && memcmp(in + i, "-----", 5) == 0;
}

/* Base64 decoding state: a group of up to four sextets. */
struct b64_group {
	uint32_t bits;
	size_t chars; /* characters of the current group, 0..3 */
	size_t pad;   /* '=' seen so far; only more '=' may follow */
};

/* Takes one base64 character or '='; false when it does not fit. */
static bool b64_take(struct b64_group *g, uint8_t c, uint8_t *out, size_t *n)
{
	int v = b64_value(c);

	if (c == '=') {
		/* Padding only completes a group of at least two sextets. */
		if (g->chars < 2)
			return false;
		g->pad++;
		v = 0;
	} else if (v < 0 || g->pad > 0) {
		return false;
	}
	g->bits = g->bits << 6 | (uint32_t)v;
	if (++g->chars < 4)
		return true;
	for (size_t k = 0; k < 3 - g->pad; k++) {
		if (out != NULL)
			out[*n] = (uint8_t)(g->bits >> (16 - 8 * k));
		(*n)++;
	}
	g->bits = 0;
	g->chars = 0;
	return true;
}

/* Decodes base64 into out, or only counts when out is NULL. */
static cvc_err b64_decode(const uint8_t *in, size_t len, uint8_t *out,
                          size_t *out_len)
{
	struct b64_group g = {0, 0, 0};
	bool line_start = true;
	size_t i = 0, n = 0;

	while (i < len) {
		if (line_start && at_armour(in, len, i)) {
			i = skip_line(in, len, i);
			continue;
		}
		line_start = in[i] == '\n';
		if (!is_space(in[i]) && !b64_take(&g, in[i], out, &n))
			return CVC_ERR_INPUT_FORMAT;
		i++;
	}
	if (g.chars != 0 || n == 0)
		return CVC_ERR_INPUT_FORMAT;
	*out_len = n;
	return CVC_OK;
}

typedef cvc_err (*text_decoder)(const uint8_t *in, size_t len, uint8_t *out,
                                size_t *out_len);

/* Validates and measures with decode, then decodes when out is big enough. */
static cvc_err decode_into(text_decoder decode, const uint8_t *in, size_t len,
                           uint8_t *out, size_t cap, size_t *out_len)
{
	size_t need = 0;
	cvc_err err = decode(in, len, NULL, &need);

	if (err != CVC_OK)
		return err;
	*out_len = need;
	if (out == NULL || need > cap)
		return CVC_ERR_BUFFER_TOO_SMALL;
	return decode(in, len, out, out_len);
}

static bool is_outer_tag(uint8_t first)
{
	return first == 0x7F || first == 0x67;
}

static cvc_err copy_der(const uint8_t *in, size_t len, uint8_t *out, size_t cap,
                        size_t *out_len)
{
	*out_len = len;
	if (out == NULL || len > cap)
		return CVC_ERR_BUFFER_TOO_SMALL;
	memmove(out, in, len);
	return CVC_OK;
}

cvc_err cvc_input_decode(const uint8_t *in, size_t len, uint8_t *out,
                         size_t cap, size_t *out_len, cvc_input_format *fmt)
{
	size_t ignored;
	cvc_err err;

	if (out_len == NULL)
		out_len = &ignored;
	*out_len = 0;
	if (in == NULL || len == 0)
		return in == NULL && len != 0 ? CVC_ERR_INVALID_ARG
		                              : CVC_ERR_INPUT_FORMAT;
	if (in[0] == 0x7F || !is_text(in, len)) {
		if (!is_outer_tag(in[0]))
			return CVC_ERR_INPUT_FORMAT;
		if (fmt != NULL)
			*fmt = CVC_INPUT_DER;
		return copy_der(in, len, out, cap, out_len);
	}
	if (looks_like_hex(in, len)) {
		err = decode_into(hex_decode, in, len, out, cap, out_len);
		if (err != CVC_ERR_INPUT_FORMAT && fmt != NULL)
			*fmt = CVC_INPUT_HEX;
		return err;
	}
	err = decode_into(b64_decode, in, len, out, cap, out_len);
	if (err != CVC_ERR_INPUT_FORMAT && fmt != NULL)
		*fmt = CVC_INPUT_BASE64;
	return err;
}

const char *cvc_input_format_name(cvc_input_format fmt)
{
	switch (fmt) {
	case CVC_INPUT_DER:
		return "DER";
	case CVC_INPUT_HEX:
		return "hex";
	case CVC_INPUT_BASE64:
		return "base64";
	}
	return "unknown";
}
