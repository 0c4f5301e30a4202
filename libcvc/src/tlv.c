/* SPDX-License-Identifier: MIT */
/*
 * BER-TLV reader and writer (see cvc/tlv.h).
 *
 * The reader parses every TLV into locals and only commits the cursor once
 * the whole TLV is known to be well formed and to fit, so a failed call leaves
 * the reader exactly as it was.
 *
 * The writer reserves the length field when a constructed TLV is opened and
 * fills it in on close, moving the contents right when the shortest length
 * form turns out to need more octets than were reserved. Once the buffer is
 * too small it stops writing but keeps counting, so finish() can report the
 * size needed. Any misuse (unbalanced begin/end, nesting deeper than
 * CVC_TLV_MAX_DEPTH, a tag that cannot be encoded, or a forced length width
 * too narrow for the length) makes finish() return CVC_ERR_NESTING: these are
 * all programming errors of the caller, not properties of data.
 */
#include <string.h>

#include <cvc/tlv.h>

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

/* A fully parsed tag and length header, before the value is checked. */
struct tlv_header {
	uint32_t tag;
	size_t tag_octets;
	size_t len_octets;
	size_t value_len;
	bool nonminimal;
};

static cvc_err fail(cvc_diag *diag, cvc_err err, size_t offset,
                    const char *field, uint32_t tag, uint32_t expected,
                    const char *reason)
{
	if (diag != NULL) {
		diag->err = err;
		diag->offset = offset;
		diag->field = field;
		diag->tag = tag;
		diag->expected = expected;
		diag->reason = reason;
	}
	return err;
}

/*
 * ISO 7816-4 5.2.2.1 / X.690 8.1.2: a first octet with bits 5..1 all set
 * announces subsequent octets, each with b8 set when another one follows.
 * '00' and 'FF' are not valid first octets (ISO 7816-4 uses them as padding
 * between data objects). Tag numbers below 31 must use the one-octet form,
 * and a first subsequent octet of '80' would be a leading zero: both are
 * non-minimal tag encodings and rejected.
 */
static cvc_err parse_tag(const uint8_t *p, size_t len, uint32_t *tag,
                         size_t *octets, const char **reason)
{
	uint32_t t;
	size_t n = 1;

	if (len == 0) {
		*reason = "no tag octet";
		return CVC_ERR_TRUNCATED;
	}
	t = p[0];
	if (p[0] == 0x00 || p[0] == 0xFF) {
		*reason = "tag octet 00 or FF is padding, not a tag";
		return CVC_ERR_BAD_TAG;
	}
	if ((p[0] & 0x1F) == 0x1F) {
		do {
			if (n == CVC_TLV_MAX_TAG_OCTETS) {
				*reason = "tag longer than 3 octets";
				return CVC_ERR_BAD_TAG;
			}
			if (n == len) {
				*reason = "input ends inside the tag";
				return CVC_ERR_TRUNCATED;
			}
			if (n == 1 && (p[1] == 0x80 || p[1] < 0x1F)) {
				*reason = "tag not in its shortest form";
				return CVC_ERR_BAD_TAG;
			}
			t = (t << 8) | p[n];
			n++;
		} while (p[n - 1] & 0x80);
	}
	*tag = t;
	*octets = n;
	return CVC_OK;
}

/*
 * Definite lengths only (X.690 8.1.3): short form below 0x80, else 0x8N
 * followed by N length octets, N at most CVC_TLV_MAX_LEN_OCTETS.
 */
static cvc_err parse_length(const uint8_t *p, size_t len, struct tlv_header *h,
                            const char **reason)
{
	size_t n, value = 0;

	if (len == 0) {
		*reason = "input ends before the length";
		return CVC_ERR_TRUNCATED;
	}
	if (p[0] < 0x80) {
		h->len_octets = 1;
		h->value_len = p[0];
		h->nonminimal = false;
		return CVC_OK;
	}
	if (p[0] == 0x80) {
		*reason = "indefinite length";
		return CVC_ERR_BAD_LENGTH;
	}
	n = p[0] & 0x7F;
	if (n > CVC_TLV_MAX_LEN_OCTETS) {
		*reason = "more than 4 length octets";
		return CVC_ERR_BAD_LENGTH;
	}
	if (len < 1 + n) {
		*reason = "input ends inside the length";
		return CVC_ERR_TRUNCATED;
	}
	for (size_t i = 1; i <= n; i++)
		value = (value << 8) | p[i];
	h->len_octets = 1 + n;
	h->value_len = value;
	h->nonminimal = cvc_tlv_len_size(value) != h->len_octets;
	return CVC_OK;
}

/* Parses tag and length at r's cursor; errors are reported with reason. */
static cvc_err parse_header(const cvc_tlv_reader *r, struct tlv_header *h,
                            const char **reason)
{
	cvc_err err;
	size_t hdr;

	h->tag = 0;
	err = parse_tag(r->data, r->len, &h->tag, &h->tag_octets, reason);
	if (err != CVC_OK)
		return err;
	err = parse_length(r->data + h->tag_octets, r->len - h->tag_octets, h,
	                   reason);
	if (err != CVC_OK)
		return err;
	if (h->nonminimal && r->mode == CVC_TLV_STRICT) {
		*reason = "length not in its shortest form";
		return CVC_ERR_NONMINIMAL_LENGTH;
	}
	hdr = h->tag_octets + h->len_octets;
	if (h->value_len > r->len - hdr) {
		*reason = "value extends past the end of the enclosing data";
		return CVC_ERR_TRUNCATED;
	}
	return CVC_OK;
}

void cvc_tlv_reader_init(cvc_tlv_reader *r, const uint8_t *data, size_t len,
                         cvc_tlv_mode mode)
{
	r->data = data;
	r->len = data != NULL ? len : 0;
	r->base = 0;
	r->mode = mode;
	r->saw_nonminimal = false;
}

void cvc_tlv_reader_child(const cvc_tlv_reader *parent, const cvc_tlv *t,
                          cvc_tlv_reader *child)
{
	cvc_tlv_reader_init(child, t->value.data, t->value.len, parent->mode);
	child->base = t->offset + (size_t)(t->value.data - t->whole.data);
}

/* Reads one TLV into out; field and expected only go into diag. */
static cvc_err read_tlv(cvc_tlv_reader *r, const char *field, uint32_t expected,
                        cvc_tlv *out, cvc_diag *diag)
{
	struct tlv_header h;
	const char *reason = NULL;
	size_t hdr, total;
	cvc_err err;

	if (r == NULL || out == NULL)
		return fail(diag, CVC_ERR_INVALID_ARG, 0, field, 0, expected,
		            "NULL reader or output");
	err = parse_header(r, &h, &reason);
	if (err != CVC_OK)
		return fail(diag, err, r->base, field, h.tag, expected, reason);
	if (expected != 0 && h.tag != expected)
		return fail(diag, CVC_ERR_UNEXPECTED_TAG, r->base, field, h.tag,
		            expected, "another tag was expected here");

	hdr = h.tag_octets + h.len_octets;
	total = hdr + h.value_len;
	out->tag = h.tag;
	out->constructed = (r->data[0] & 0x20) != 0;
	out->value.data = r->data + hdr;
	out->value.len = h.value_len;
	out->whole.data = r->data;
	out->whole.len = total;
	out->offset = r->base;
	out->len_octets = (uint8_t)h.len_octets;
	out->nonminimal = h.nonminimal;

	r->data += total;
	r->len -= total;
	r->base += total;
	if (h.nonminimal)
		r->saw_nonminimal = true;
	return CVC_OK;
}

cvc_err cvc_tlv_next(cvc_tlv_reader *r, cvc_tlv *out, cvc_diag *diag)
{
	return read_tlv(r, NULL, 0, out, diag);
}

/*
 * An empty reader means the wanted field is absent rather than cut off: a
 * cut-off object already fails at its enclosing TLV's length.
 */
cvc_err cvc_tlv_get(cvc_tlv_reader *r, uint32_t tag, const char *field,
                    cvc_tlv *out, cvc_diag *diag)
{
	if (r != NULL && r->len == 0)
		return fail(diag, CVC_ERR_MISSING_FIELD, r->base, field, 0, tag,
		            "nothing left where the field belongs");
	return read_tlv(r, field, tag, out, diag);
}

/*
 * Absent means: nothing left, or a well-formed tag other than `tag`. A
 * malformed TLV where the field could start is reported as an error.
 */
cvc_err cvc_tlv_get_optional(cvc_tlv_reader *r, uint32_t tag, const char *field,
                             cvc_tlv *out, bool *present, cvc_diag *diag)
{
	uint32_t next;
	cvc_err err;

	if (r == NULL || present == NULL)
		return fail(diag, CVC_ERR_INVALID_ARG, 0, field, 0, tag,
		            "NULL reader or flag");
	*present = false;
	if (r->len == 0 || (cvc_tlv_peek_tag(r, &next) && next != tag))
		return CVC_OK;
	err = read_tlv(r, field, tag, out, diag);
	*present = err == CVC_OK;
	return err;
}

bool cvc_tlv_peek_tag(const cvc_tlv_reader *r, uint32_t *tag)
{
	const char *reason;
	uint32_t t;
	size_t n;

	if (r == NULL || parse_tag(r->data, r->len, &t, &n, &reason) != CVC_OK)
		return false;
	if (tag != NULL)
		*tag = t;
	return true;
}

size_t cvc_tlv_tag_size(uint32_t tag)
{
	if (tag > 0xFFFF)
		return 3;
	return tag > 0xFF ? 2 : 1;
}

/*
 * 1 for the short form, else 1 + the octets of the value. Lengths beyond
 * 32 bits give more than 5; the writer treats those as unencodable.
 */
size_t cvc_tlv_len_size(size_t len)
{
	size_t n = 1;

	if (len < 0x80)
		return 1;
	while (len != 0) {
		n++;
		len >>= 8;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

#define LEN_FIELD_MAX (1 + CVC_TLV_MAX_LEN_OCTETS)

void cvc_tlv_writer_init(cvc_tlv_writer *w, uint8_t *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = buf != NULL ? cap : 0;
}

static bool writing(const cvc_tlv_writer *w)
{
	return w->buf != NULL && !w->overflow;
}

/* Makes room for n more octets; false when only counting from now on. */
static bool reserve(cvc_tlv_writer *w, size_t n)
{
	if (n > SIZE_MAX - w->len) {
		w->misuse = true;
		return false;
	}
	if (writing(w) && n > w->cap - w->len)
		w->overflow = true;
	return writing(w);
}

static void write_bytes(cvc_tlv_writer *w, const uint8_t *p, size_t n)
{
	if (reserve(w, n) && n > 0)
		memcpy(w->buf + w->len, p, n);
	if (!w->misuse)
		w->len += n;
}

/* The tag must be one the reader accepts, or it would not read back. */
static bool encode_tag(uint32_t tag, uint8_t out[CVC_TLV_MAX_TAG_OCTETS],
                       size_t *n)
{
	const char *reason;
	uint32_t parsed;
	size_t used;

	if (tag == 0 || tag > 0xFFFFFF)
		return false;
	*n = cvc_tlv_tag_size(tag);
	for (size_t i = 0; i < *n; i++)
		out[i] = (uint8_t)(tag >> (8 * (*n - 1 - i)));
	return parse_tag(out, *n, &parsed, &used, &reason) == CVC_OK &&
	       used == *n;
}

/* Writes the length field for len in exactly width octets (1..5). */
static void encode_length(size_t len, size_t width, uint8_t *out)
{
	if (width == 1) {
		out[0] = (uint8_t)len;
		return;
	}
	out[0] = (uint8_t)(0x80 | (width - 1));
	for (size_t i = 1; i < width; i++)
		out[i] = (uint8_t)(len >> (8 * (width - 1 - i)));
}

/* Width of the length field: forced, or shortest; 0 when unencodable. */
static size_t length_width(size_t len, uint8_t forced)
{
	size_t need = cvc_tlv_len_size(len);

	if (need > LEN_FIELD_MAX || forced > LEN_FIELD_MAX)
		return 0;
	if (forced == 0)
		return need;
	return forced >= need ? forced : 0;
}

static bool write_tag(cvc_tlv_writer *w, uint32_t tag)
{
	uint8_t t[CVC_TLV_MAX_TAG_OCTETS];
	size_t n;

	if (!encode_tag(tag, t, &n)) {
		w->misuse = true;
		return false;
	}
	write_bytes(w, t, n);
	return true;
}

void cvc_tlv_begin(cvc_tlv_writer *w, uint32_t tag, uint8_t len_octets)
{
	static const uint8_t zeros[LEN_FIELD_MAX];
	size_t reserved = len_octets != 0 ? len_octets : 1;

	if (w->misuse)
		return;
	if (w->depth == CVC_TLV_MAX_DEPTH || len_octets > LEN_FIELD_MAX) {
		w->misuse = true;
		return;
	}
	if (!write_tag(w, tag))
		return;
	w->open_at[w->depth] = w->len;
	w->open_lenw[w->depth] = len_octets;
	w->depth++;
	write_bytes(w, zeros, reserved);
}

void cvc_tlv_end(cvc_tlv_writer *w)
{
	uint8_t field[LEN_FIELD_MAX];
	size_t at, reserved, content, width;
	uint8_t forced;

	if (w->misuse)
		return;
	if (w->depth == 0) {
		w->misuse = true;
		return;
	}
	w->depth--;
	at = w->open_at[w->depth];
	forced = w->open_lenw[w->depth];
	reserved = forced != 0 ? forced : 1;
	content = w->len - at - reserved;
	width = length_width(content, forced);
	if (width == 0) {
		w->misuse = true;
		return;
	}
	/* Only the DER case can need more octets than were reserved. */
	if (width > reserved) {
		if (reserve(w, width - reserved))
			memmove(w->buf + at + width, w->buf + at + reserved,
			        content);
		if (w->misuse)
			return;
		w->len += width - reserved;
	}
	if (writing(w)) {
		encode_length(content, width, field);
		memcpy(w->buf + at, field, width);
	}
}

void cvc_tlv_put(cvc_tlv_writer *w, uint32_t tag, const uint8_t *value,
                 size_t len, uint8_t len_octets)
{
	uint8_t field[LEN_FIELD_MAX];
	size_t width;

	if (w->misuse)
		return;
	width = length_width(len, len_octets);
	if (width == 0 || (value == NULL && len != 0)) {
		w->misuse = true;
		return;
	}
	if (!write_tag(w, tag))
		return;
	encode_length(len, width, field);
	write_bytes(w, field, width);
	write_bytes(w, value, len);
}

void cvc_tlv_put_raw(cvc_tlv_writer *w, const uint8_t *data, size_t len)
{
	if (w->misuse)
		return;
	if (data == NULL && len != 0) {
		w->misuse = true;
		return;
	}
	write_bytes(w, data, len);
}

cvc_err cvc_tlv_writer_finish(cvc_tlv_writer *w, size_t *out_len)
{
	if (w->depth != 0)
		w->misuse = true;
	if (w->misuse) {
		if (out_len != NULL)
			*out_len = 0;
		return CVC_ERR_NESTING;
	}
	if (out_len != NULL)
		*out_len = w->len;
	return w->overflow ? CVC_ERR_BUFFER_TOO_SMALL : CVC_OK;
}
