/* SPDX-License-Identifier: MIT */
/*
 * BER-TLV reading and writing, zero-copy and allocation-free.
 *
 * A cvc_tlv_reader is a cursor over (data, len) that only ever shrinks: each
 * read checks the remaining length first, so no call can read past the end.
 * A cvc_tlv_writer writes into a caller buffer (or only counts, when the
 * buffer is NULL) with nested TLVs whose lengths are filled in on close.
 *
 * Tags are one to three octets (ISO 7816-4 5.2.2.1); definite lengths use at
 * most four length octets after 0x8N. In CVC_TLV_STRICT mode a length that is
 * not in its shortest form is an error (DER); in CVC_TLV_LENIENT mode it is
 * accepted and the reader remembers that it saw one.
 */
#ifndef CVC_TLV_H
#define CVC_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A view of bytes owned by someone else. An empty span has len 0. */
typedef struct cvc_span {
	const uint8_t *data;
	size_t len;
} cvc_span;

typedef enum cvc_tlv_mode {
	CVC_TLV_STRICT = 0,
	CVC_TLV_LENIENT = 1,
} cvc_tlv_mode;

/* Largest number of length octets after the 0x8N prefix that is accepted. */
#define CVC_TLV_MAX_LEN_OCTETS 4
/* Largest tag encoding accepted, in octets. */
#define CVC_TLV_MAX_TAG_OCTETS 3

/* One decoded TLV. All spans point into the reader's buffer. */
typedef struct cvc_tlv {
	uint32_t tag;        /* tag octets big-endian, e.g. 0x7F21 */
	bool constructed;    /* bit 6 of the first tag octet */
	cvc_span value;      /* the value octets */
	cvc_span whole;      /* tag, length and value */
	size_t offset;       /* absolute offset of the tag octet */
	uint8_t len_octets;  /* octets used for the length field (1..5) */
	bool nonminimal;     /* length not in its shortest form */
} cvc_tlv;

typedef struct cvc_tlv_reader {
	const uint8_t *data; /* next unread octet */
	size_t len;          /* octets left */
	size_t base;         /* absolute offset of data */
	cvc_tlv_mode mode;
	bool saw_nonminimal; /* a non-minimal length was accepted (lenient) */
} cvc_tlv_reader;

void cvc_tlv_reader_init(cvc_tlv_reader *r, const uint8_t *data, size_t len,
			 cvc_tlv_mode mode);

/* A reader over the value of t, keeping absolute offsets and the mode. */
void cvc_tlv_reader_child(const cvc_tlv_reader *parent, const cvc_tlv *t,
			  cvc_tlv_reader *child);

static inline size_t cvc_tlv_remaining(const cvc_tlv_reader *r)
{
	return r->len;
}

/* Absolute offset of the next unread octet. */
static inline size_t cvc_tlv_offset(const cvc_tlv_reader *r)
{
	return r->base;
}

/*
 * Reads the next TLV, whatever its tag, and advances past it. On error the
 * reader is unchanged and diag (may be NULL) says where and why.
 */
cvc_err cvc_tlv_next(cvc_tlv_reader *r, cvc_tlv *out, cvc_diag *diag);

/*
 * Reads the next TLV and requires its tag to be `tag`; on mismatch returns
 * CVC_ERR_UNEXPECTED_TAG (reader unchanged). field names it in diag.
 */
cvc_err cvc_tlv_get(cvc_tlv_reader *r, uint32_t tag, const char *field,
		    cvc_tlv *out, cvc_diag *diag);

/*
 * Reads the next TLV only if its tag is `tag`. Returns CVC_OK with *present
 * set to false (reader unchanged) when another tag or nothing follows.
 */
cvc_err cvc_tlv_get_optional(cvc_tlv_reader *r, uint32_t tag,
			     const char *field, cvc_tlv *out, bool *present,
			     cvc_diag *diag);

/* Tag of the next TLV without consuming it; false when none can be read. */
bool cvc_tlv_peek_tag(const cvc_tlv_reader *r, uint32_t *tag);

/* Number of octets a tag encodes to (1..3). */
size_t cvc_tlv_tag_size(uint32_t tag);

/* Octets the shortest length field for `len` takes (1..5). */
size_t cvc_tlv_len_size(size_t len);

/* ------------------------------------------------------------------ */

#define CVC_TLV_MAX_DEPTH 8

typedef struct cvc_tlv_writer {
	uint8_t *buf;   /* NULL: only count */
	size_t cap;
	size_t len;     /* octets written (or that would have been) */
	bool overflow;  /* buf too small; counting continues */
	bool misuse;    /* unbalanced begin/end or depth exceeded */
	size_t depth;
	size_t open_at[CVC_TLV_MAX_DEPTH];    /* offset of the length field */
	uint8_t open_lenw[CVC_TLV_MAX_DEPTH]; /* forced length octets, 0 = DER */
} cvc_tlv_writer;

/* buf may be NULL (with cap 0) to measure the size of what would be written. */
void cvc_tlv_writer_init(cvc_tlv_writer *w, uint8_t *buf, size_t cap);

/*
 * Opens a constructed TLV. Its length is written by cvc_tlv_end(). len_octets
 * forces the length field to that many octets (1..5) to reproduce a
 * non-minimal encoding byte for byte; 0 means the shortest (DER) form.
 */
void cvc_tlv_begin(cvc_tlv_writer *w, uint32_t tag, uint8_t len_octets);
void cvc_tlv_end(cvc_tlv_writer *w);

/* A primitive TLV with the given value; len_octets as for cvc_tlv_begin. */
void cvc_tlv_put(cvc_tlv_writer *w, uint32_t tag, const uint8_t *value,
		 size_t len, uint8_t len_octets);

/* Octets copied as they are (an already encoded TLV, for instance). */
void cvc_tlv_put_raw(cvc_tlv_writer *w, const uint8_t *data, size_t len);

/*
 * Ends writing. *out_len gets the size written, or the size needed when the
 * result is CVC_ERR_BUFFER_TOO_SMALL (or when buf was NULL, with CVC_OK).
 * Returns CVC_ERR_NESTING when begin/end did not balance.
 */
cvc_err cvc_tlv_writer_finish(cvc_tlv_writer *w, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
