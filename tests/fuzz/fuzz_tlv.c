/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the TLV reader and writer.
 *
 * Walks the input as a sequence of TLVs in both modes, descending into
 * constructed values that parse completely (up to CVC_TLV_MAX_DEPTH), and
 * rebuilds what it read with the writer: constructed TLVs with begin/end (the
 * shortest length in strict mode, so the writer's move-right path runs; the
 * read width in lenient mode), primitive ones with put. The rebuilt octets
 * must equal the input octets read. Any broken invariant aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/tlv.h>

#include "fuzz_common.h"

/* Invariants of one successfully read TLV against the reader before it. */
static void check_tlv(const cvc_tlv_reader *before, const cvc_tlv_reader *after,
                      const cvc_tlv *t)
{
	size_t hdr = cvc_tlv_tag_size(t->tag) + t->len_octets;
	uint32_t peeked;

	CHECK(t->whole.data == before->data);
	CHECK(t->offset == before->base);
	CHECK(t->whole.len == hdr + t->value.len);
	CHECK(t->value.data == t->whole.data + hdr);
	CHECK(t->whole.len <= before->len);
	CHECK(after->data == before->data + t->whole.len);
	CHECK(after->len == before->len - t->whole.len);
	CHECK(after->base == before->base + t->whole.len);
	CHECK(t->len_octets >= 1 && t->len_octets <= 5);
	CHECK(t->nonminimal ==
	      (cvc_tlv_len_size(t->value.len) != t->len_octets));
	CHECK(!t->nonminimal || before->mode == CVC_TLV_LENIENT);
	CHECK(t->constructed == ((t->whole.data[0] & 0x20) != 0));
	CHECK(cvc_tlv_peek_tag(before, &peeked) && peeked == t->tag);
}

/* A lone put of t reproduces whole, also when only counting. */
static void check_put(const cvc_tlv *t)
{
	uint8_t *buf = malloc(t->whole.len ? t->whole.len : 1);
	cvc_tlv_writer w;
	size_t n = 0;

	CHECK(buf != NULL);
	cvc_tlv_writer_init(&w, buf, t->whole.len);
	cvc_tlv_put(&w, t->tag, t->value.data, t->value.len, t->len_octets);
	CHECK(cvc_tlv_writer_finish(&w, &n) == CVC_OK);
	CHECK(n == t->whole.len);
	CHECK(memcmp(buf, t->whole.data, n) == 0);
	free(buf);

	cvc_tlv_writer_init(&w, NULL, 0);
	cvc_tlv_put(&w, t->tag, t->value.data, t->value.len, t->len_octets);
	CHECK(cvc_tlv_writer_finish(&w, &n) == CVC_OK);
	CHECK(n == t->whole.len);
}

/* True when all of a constructed value parses as a sequence of TLVs. */
static bool parses_fully(const cvc_tlv_reader *parent, const cvc_tlv *t,
                         size_t depth)
{
	cvc_tlv_reader child;
	cvc_tlv inner;

	if (!t->constructed || depth >= CVC_TLV_MAX_DEPTH)
		return false;
	cvc_tlv_reader_child(parent, t, &child);
	CHECK(child.base == t->offset + (t->whole.len - t->value.len));
	CHECK(child.mode == parent->mode);
	while (cvc_tlv_remaining(&child) > 0)
		if (cvc_tlv_next(&child, &inner, NULL) != CVC_OK)
			return false;
	return true;
}

/* Reads everything in r, rebuilding it in w; false at the first error. */
static bool walk(cvc_tlv_reader *r, cvc_tlv_writer *w, size_t depth)
{
	bool nonminimal = false;

	CHECK(!r->saw_nonminimal);
	while (cvc_tlv_remaining(r) > 0) {
		cvc_tlv_reader before = *r;
		cvc_diag diag;
		cvc_tlv t;

		if (cvc_tlv_next(r, &t, &diag) != CVC_OK) {
			CHECK(memcmp(&before, r, sizeof(*r)) == 0);
			CHECK(diag.offset == r->base);
			CHECK(diag.err != CVC_OK && diag.reason != NULL);
			CHECK(r->saw_nonminimal == nonminimal);
			return false;
		}
		check_tlv(&before, r, &t);
		check_put(&t);
		nonminimal |= t.nonminimal;
		if (parses_fully(&before, &t, depth)) {
			cvc_tlv_reader child;
			uint8_t width =
			    r->mode == CVC_TLV_STRICT ? 0 : t.len_octets;

			cvc_tlv_reader_child(&before, &t, &child);
			cvc_tlv_begin(w, t.tag, width);
			CHECK(walk(&child, w, depth + 1));
			cvc_tlv_end(w);
		} else {
			cvc_tlv_put(w, t.tag, t.value.data, t.value.len,
			            t.len_octets);
		}
	}
	CHECK(r->saw_nonminimal == nonminimal);
	return true;
}

static size_t run(const uint8_t *data, size_t size, cvc_tlv_mode mode)
{
	uint8_t *buf = malloc(size ? size : 1);
	cvc_tlv_reader r;
	cvc_tlv_writer w;
	size_t n = 0, counted = 0, consumed;

	CHECK(buf != NULL);
	cvc_tlv_reader_init(&r, data, size, mode);
	cvc_tlv_writer_init(&w, buf, size);
	walk(&r, &w, 0);
	consumed = size - cvc_tlv_remaining(&r);
	CHECK(cvc_tlv_writer_finish(&w, &n) == CVC_OK);
	CHECK(n == consumed);
	CHECK(memcmp(buf, data, n) == 0);

	/* Counting the same walk gives the same size. */
	cvc_tlv_reader_init(&r, data, size, mode);
	cvc_tlv_writer_init(&w, NULL, 0);
	walk(&r, &w, 0);
	CHECK(cvc_tlv_writer_finish(&w, &counted) == CVC_OK);
	CHECK(counted == n);

	/* A buffer one octet short reports the needed size. */
	if (n > 0) {
		cvc_tlv_reader_init(&r, data, size, mode);
		cvc_tlv_writer_init(&w, buf, n - 1);
		walk(&r, &w, 0);
		CHECK(cvc_tlv_writer_finish(&w, &counted) ==
		      CVC_ERR_BUFFER_TOO_SMALL);
		CHECK(counted == n);
	}
	free(buf);
	return consumed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t strict = run(data, size, CVC_TLV_STRICT);
	size_t lenient = run(data, size, CVC_TLV_LENIENT);

	/* Lenient accepts everything strict does. */
	CHECK(lenient >= strict);
	return 0;
}
