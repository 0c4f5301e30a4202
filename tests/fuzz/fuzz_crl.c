/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for revocation lists (doc/revocation.md).
 *
 * Decodes the input. When it is accepted: the view covers exactly the
 * input; an independent walk of the entries finds n_entries of them in
 * strictly ascending CHR order; entry_at and lookup agree with the walk
 * (sampled, so that large lists stay linear); an index past the end is
 * refused; and encoding the decoded fields and entries again gives the
 * input octet for octet (strict DER and sorted entries make the format
 * canonical). Lookups of names that are not listed run too. Any broken
 * invariant aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvc/trust.h>

#include "fuzz_common.h"

static int chr_cmp(cvc_span a, cvc_span b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n > 0 ? memcmp(a.data, b.data, n) : 0;

	return c != 0 ? c : (a.len > b.len) - (a.len < b.len);
}

/*
 * Reads the entries with the TLV reader directly (an independent walk, in
 * linear time) and checks their order and bounds.
 */
static void walk_entries(const cvc_crl *crl, cvc_crl_entry *entries)
{
	cvc_tlv_reader r, er;
	cvc_tlv t, chr, date;
	size_t i = 0;

	cvc_tlv_reader_init(&r, crl->entries.data, crl->entries.len,
	                    CVC_TLV_STRICT);
	while (cvc_tlv_remaining(&r) > 0) {
		CHECK(i < crl->n_entries);
		CHECK(cvc_tlv_get(&r, 0xA1, "entry", &t, NULL) == CVC_OK);
		cvc_tlv_reader_child(&r, &t, &er);
		CHECK(cvc_tlv_get(&er, 0x5F20, "CHR", &chr, NULL) == CVC_OK);
		CHECK(cvc_tlv_get(&er, 0x5F25, "date", &date, NULL) == CVC_OK);
		CHECK(cvc_tlv_remaining(&er) == 0 && date.value.len == 6);
		entries[i].chr = chr.value;
		CHECK(cvc_date_decode(date.value.data,
		                      &entries[i].revoked_on) == CVC_OK);
		CHECK(chr.value.len >= 1 && chr.value.len <= CVC_MAX_REF_LEN);
		if (i > 0)
			CHECK(chr_cmp(entries[i - 1].chr, chr.value) < 0);
		i++;
	}
	CHECK(i == crl->n_entries);
}

static bool same_entry(const cvc_crl_entry *a, const cvc_crl_entry *b)
{
	return a->chr.data == b->chr.data && a->chr.len == b->chr.len &&
	       cvc_date_cmp(&a->revoked_on, &b->revoked_on) == 0;
}

/* The API agrees with the walk at 33 places spread from first to last. */
static void check_access(const cvc_crl *crl, const cvc_crl_entry *entries)
{
	size_t n = crl->n_entries;
	cvc_crl_entry got, past;

	for (size_t k = 0; k <= 32 && n > 0; k++) {
		const cvc_crl_entry *e = &entries[k * (n - 1) / 32];

		CHECK(cvc_crl_entry_at(crl, k * (n - 1) / 32, &got) == CVC_OK);
		CHECK(same_entry(&got, e));
		CHECK(cvc_crl_lookup(crl, e->chr, &got));
		CHECK(same_entry(&got, e));
		/* A proper prefix of a listed name is found only as itself. */
		if (e->chr.len > 1 &&
		    cvc_crl_lookup(crl, (cvc_span){e->chr.data, e->chr.len - 1},
		                   &got))
			CHECK(got.chr.len == e->chr.len - 1);
	}
	CHECK(cvc_crl_entry_at(crl, n, &past) == CVC_ERR_INVALID_ARG);
}

static void check_reencode(const cvc_crl *crl, const cvc_crl_entry *entries,
                           const uint8_t *data, size_t size)
{
	uint8_t *out = malloc(size);
	size_t len = 0;

	CHECK(out != NULL);
	CHECK(cvc_crl_encode(crl, entries, crl->n_entries, out, size, &len) ==
	      CVC_OK);
	CHECK(len == size);
	CHECK(memcmp(out, data, size) == 0);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cvc_crl crl;
	cvc_crl_entry *entries;
	cvc_diag diag;

	memset(&diag, 0, sizeof(diag));
	if (cvc_crl_decode(data, size, &crl, &diag) != CVC_OK) {
		CHECK(crl.n_entries == 0 && crl.raw.data == NULL);
		CHECK(diag.offset <= size);
		return 0;
	}
	CHECK(crl.raw.data == data && crl.raw.len == size);
	CHECK(crl.tbs.data > data && crl.tbs.len < size);
	CHECK(crl.signature.len > 0);
	CHECK(crl.version == CVC_CRL_VERSION);
	CHECK(cvc_date_cmp(&crl.this_update, &crl.next_update) <= 0);
	CHECK(crl.n_entries <= CVC_CRL_MAX_ENTRIES);
	entries = calloc(crl.n_entries ? crl.n_entries : 1, sizeof(*entries));
	CHECK(entries != NULL);
	walk_entries(&crl, entries);
	check_access(&crl, entries);
	check_reencode(&crl, entries, data, size);
	free(entries);
	/* Names that sort before and after everything. */
	(void)cvc_crl_lookup(&crl, (cvc_span){(const uint8_t *)"", 0}, NULL);
	(void)cvc_crl_lookup(&crl, (cvc_span){(const uint8_t *)"\xFF", 1},
	                     NULL);
	return 0;
}
