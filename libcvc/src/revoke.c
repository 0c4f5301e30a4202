/* SPDX-License-Identifier: MIT */
/*
 * Revocation lists for badges, in the CVC style (doc/revocation.md):
 *
 *   7F3C {                          revocation list
 *     7F3D {                        body: the signed data, DER(7F3D)
 *       5F29 01 00                  format version
 *       42   issuer                 CHR of the signing CVCA or DV
 *       5F25 06 YYMMDD              this update
 *       5F24 06 YYMMDD              next update (current through that day)
 *       A0 { A1 { 5F20 CHR, 5F25 06 revoked on }* }
 *     }
 *     5F37 signature                with the issuer's key, as a certificate
 *   }
 *
 * Decoding is strict DER and never allocates. Entries must come in strictly
 * ascending CHR order (octet-wise, a prefix first), which makes a duplicate
 * an error that costs one comparison to find and lets a lookup stop early.
 */
#include <string.h>

#include "trust_int.h"

/* ------------------------------------------------------------------ */
/* Decoding                                                            */

static cvc_err bad(cvc_diag *diag, cvc_err err, size_t offset,
                   const char *field, uint32_t tag, const char *reason)
{
	if (diag != NULL) {
		memset(diag, 0, sizeof(*diag));
		diag->err = err;
		diag->offset = offset;
		diag->field = field;
		diag->tag = tag;
		diag->reason = reason;
	}
	return err;
}

static int chr_cmp(cvc_span a, cvc_span b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = n > 0 ? memcmp(a.data, b.data, n) : 0;

	if (c != 0)
		return c;
	return (a.len > b.len) - (a.len < b.len);
}

/* The reader must be empty: nothing may follow the last field. */
static cvc_err expect_end(const cvc_tlv_reader *r, const char *field,
                          cvc_diag *diag)
{
	uint32_t tag = 0;

	if (cvc_tlv_remaining(r) == 0)
		return CVC_OK;
	(void)cvc_tlv_peek_tag(r, &tag);
	return bad(diag, CVC_ERR_UNEXPECTED_TAG, cvc_tlv_offset(r), field, tag,
	           "unexpected data object");
}

static cvc_err read_ref(cvc_tlv_reader *r, uint32_t tag, const char *field,
                        cvc_span *out, cvc_diag *diag)
{
	cvc_tlv t;
	cvc_err err = cvc_tlv_get(r, tag, field, &t, diag);

	if (err != CVC_OK)
		return err;
	if (t.value.len == 0 || t.value.len > CVC_MAX_REF_LEN)
		return bad(diag, CVC_ERR_BAD_VALUE, t.offset, field, tag,
		           "a reference is 1 to 16 octets");
	*out = t.value;
	return CVC_OK;
}

static cvc_err read_date(cvc_tlv_reader *r, uint32_t tag, const char *field,
                         cvc_date *out, cvc_diag *diag)
{
	cvc_tlv t;
	cvc_err err = cvc_tlv_get(r, tag, field, &t, diag);

	if (err != CVC_OK)
		return err;
	if (t.value.len != 6 || cvc_date_decode(t.value.data, out) != CVC_OK)
		return bad(diag, CVC_ERR_BAD_DATE, t.offset, field, tag,
		           "a date is six digits YYMMDD");
	return CVC_OK;
}

static cvc_err read_version(cvc_tlv_reader *r, uint8_t *out, cvc_diag *diag)
{
	cvc_tlv t;
	cvc_err err = cvc_tlv_get(r, CVC_TAG_CPI, "version", &t, diag);

	if (err != CVC_OK)
		return err;
	if (t.value.len != 1)
		return bad(diag, CVC_ERR_BAD_VALUE, t.offset, "version",
		           CVC_TAG_CPI, "the version is one octet");
	if (t.value.data[0] != CVC_CRL_VERSION)
		return bad(diag, CVC_ERR_UNSUPPORTED, t.offset, "version",
		           CVC_TAG_CPI, "unknown list format version");
	*out = t.value.data[0];
	return CVC_OK;
}

/* A1 { 5F20 CHR, 5F25 revoked on } */
static cvc_err read_entry(cvc_tlv_reader *r, cvc_crl_entry *out, size_t *offset,
                          cvc_diag *diag)
{
	cvc_tlv_reader er;
	cvc_tlv t;
	cvc_err err;

	err = cvc_tlv_get(r, CVC_TAG_CRL_ENTRY, "entry", &t, diag);
	if (err != CVC_OK)
		return err;
	*offset = t.offset;
	cvc_tlv_reader_child(r, &t, &er);
	err = read_ref(&er, CVC_TAG_CHR, "CHR", &out->chr, diag);
	if (err == CVC_OK)
		err = read_date(&er, CVC_TAG_CED, "revocation date",
		                &out->revoked_on, diag);
	if (err == CVC_OK)
		err = expect_end(&er, "entry", diag);
	return err;
}

static cvc_err read_entries(cvc_tlv_reader *r, cvc_crl *crl, cvc_diag *diag)
{
	cvc_tlv_reader er;
	cvc_crl_entry prev = {{NULL, 0}, {0, 0, 0}}, cur;
	size_t offset = 0;
	cvc_tlv t;
	cvc_err err;

	err = cvc_tlv_get(r, CVC_TAG_CRL_ENTRIES, "entries", &t, diag);
	if (err != CVC_OK)
		return err;
	crl->entries = t.value;
	cvc_tlv_reader_child(r, &t, &er);
	while (cvc_tlv_remaining(&er) > 0) {
		err = read_entry(&er, &cur, &offset, diag);
		if (err != CVC_OK)
			return err;
		if (crl->n_entries == CVC_CRL_MAX_ENTRIES)
			return bad(diag, CVC_ERR_TOO_MANY, offset, "entry",
			           CVC_TAG_CRL_ENTRY, "too many entries");
		if (crl->n_entries > 0 && chr_cmp(prev.chr, cur.chr) == 0)
			return bad(diag, CVC_ERR_DUPLICATE_FIELD, offset, "CHR",
			           CVC_TAG_CHR, "CHR listed twice");
		if (crl->n_entries > 0 && chr_cmp(prev.chr, cur.chr) > 0)
			return bad(diag, CVC_ERR_BAD_VALUE, offset, "CHR",
			           CVC_TAG_CHR,
			           "entries not in ascending CHR order");
		prev = cur;
		crl->n_entries++;
	}
	return CVC_OK;
}

static cvc_err read_body(const cvc_tlv_reader *parent, const cvc_tlv *body,
                         cvc_crl *crl, cvc_diag *diag)
{
	cvc_tlv_reader r;
	cvc_err err;

	cvc_tlv_reader_child(parent, body, &r);
	err = read_version(&r, &crl->version, diag);
	if (err == CVC_OK)
		err = read_ref(&r, CVC_TAG_CAR, "issuer", &crl->issuer, diag);
	if (err == CVC_OK)
		err = read_date(&r, CVC_TAG_CED, "this update",
		                &crl->this_update, diag);
	if (err == CVC_OK)
		err = read_date(&r, CVC_TAG_CXD, "next update",
		                &crl->next_update, diag);
	if (err == CVC_OK &&
	    cvc_date_cmp(&crl->this_update, &crl->next_update) > 0)
		err = bad(diag, CVC_ERR_BAD_DATE, body->offset, "next update",
		          CVC_TAG_CXD, "next update before this update");
	if (err == CVC_OK)
		err = read_entries(&r, crl, diag);
	if (err == CVC_OK)
		err = expect_end(&r, "list body", diag);
	return err;
}

cvc_err cvc_crl_decode(const uint8_t *data, size_t len, cvc_crl *crl,
                       cvc_diag *diag)
{
	cvc_tlv_reader r, lr;
	cvc_tlv outer, body, sig;
	cvc_err err;

	if (crl == NULL || (data == NULL && len > 0))
		return CVC_ERR_INVALID_ARG;
	memset(crl, 0, sizeof(*crl));
	cvc_tlv_reader_init(&r, data, len, CVC_TLV_STRICT);
	err = cvc_tlv_get(&r, CVC_TAG_CRL, "revocation list", &outer, diag);
	if (err != CVC_OK)
		return err;
	if (cvc_tlv_remaining(&r) > 0)
		return bad(diag, CVC_ERR_TRAILING_DATA, cvc_tlv_offset(&r),
		           "revocation list", 0, "data after the list");
	cvc_tlv_reader_child(&r, &outer, &lr);
	err = cvc_tlv_get(&lr, CVC_TAG_CRL_BODY, "list body", &body, diag);
	if (err == CVC_OK)
		err = read_body(&lr, &body, crl, diag);
	if (err == CVC_OK)
		err = cvc_tlv_get(&lr, CVC_TAG_SIGNATURE, "signature", &sig,
		                  diag);
	if (err == CVC_OK && sig.value.len == 0)
		err = bad(diag, CVC_ERR_BAD_VALUE, sig.offset, "signature",
		          CVC_TAG_SIGNATURE, "empty signature");
	if (err == CVC_OK)
		err = expect_end(&lr, "revocation list", diag);
	if (err != CVC_OK) {
		memset(crl, 0, sizeof(*crl));
		return err;
	}
	crl->raw = outer.whole;
	crl->tbs = body.whole;
	crl->signature = sig.value;
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Entries                                                             */

cvc_err cvc_crl_entry_at(const cvc_crl *crl, size_t i, cvc_crl_entry *out)
{
	cvc_tlv_reader r;
	size_t offset;
	cvc_err err = CVC_OK;

	if (crl == NULL || out == NULL || i >= crl->n_entries)
		return CVC_ERR_INVALID_ARG;
	cvc_tlv_reader_init(&r, crl->entries.data, crl->entries.len,
	                    CVC_TLV_STRICT);
	for (size_t k = 0; k <= i && err == CVC_OK; k++)
		err = read_entry(&r, out, &offset, NULL);
	return err;
}

bool cvc_crl_lookup(const cvc_crl *crl, cvc_span chr, cvc_crl_entry *entry)
{
	cvc_tlv_reader r;
	cvc_crl_entry e;
	size_t offset;

	if (crl == NULL || crl->entries.data == NULL)
		return false;
	cvc_tlv_reader_init(&r, crl->entries.data, crl->entries.len,
	                    CVC_TLV_STRICT);
	for (size_t k = 0; k < crl->n_entries; k++) {
		int c;

		if (read_entry(&r, &e, &offset, NULL) != CVC_OK)
			return false;
		c = chr_cmp(e.chr, chr);
		if (c == 0) {
			if (entry != NULL)
				*entry = e;
			return true;
		}
		if (c > 0) /* ascending order: it is not further on */
			return false;
	}
	return false;
}

cvc_err cvc_crl_verify_signature(const cvc_crl *crl, const cvc_key *issuer)
{
	if (crl == NULL || issuer == NULL || crl->tbs.len == 0 ||
	    crl->signature.len == 0)
		return CVC_ERR_INVALID_ARG;
	return cvc_trust_verify(issuer, crl->tbs, crl->signature);
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */

static bool valid_ref(cvc_span ref)
{
	return ref.data != NULL && ref.len > 0 && ref.len <= CVC_MAX_REF_LEN;
}

static cvc_err check_template(const cvc_crl *crl, const cvc_crl_entry *entries,
                              size_t n)
{
	if (crl->version != CVC_CRL_VERSION)
		return CVC_ERR_UNSUPPORTED;
	if (!valid_ref(crl->issuer))
		return CVC_ERR_BAD_VALUE;
	if (!cvc_date_valid(&crl->this_update) ||
	    !cvc_date_valid(&crl->next_update) ||
	    cvc_date_cmp(&crl->this_update, &crl->next_update) > 0)
		return CVC_ERR_BAD_DATE;
	if (n > CVC_CRL_MAX_ENTRIES)
		return CVC_ERR_TOO_MANY;
	for (size_t i = 0; i < n; i++) {
		if (!valid_ref(entries[i].chr))
			return CVC_ERR_BAD_VALUE;
		if (!cvc_date_valid(&entries[i].revoked_on))
			return CVC_ERR_BAD_DATE;
	}
	return CVC_OK;
}

static void put_date(cvc_tlv_writer *w, uint32_t tag, const cvc_date *date)
{
	uint8_t digits[6];

	(void)cvc_date_encode(date, digits); /* checked beforehand */
	cvc_tlv_put(w, tag, digits, sizeof(digits), 0);
}

static void put_entry(cvc_tlv_writer *w, const cvc_crl_entry *e)
{
	cvc_tlv_begin(w, CVC_TAG_CRL_ENTRY, 0);
	cvc_tlv_put(w, CVC_TAG_CHR, e->chr.data, e->chr.len, 0);
	put_date(w, CVC_TAG_CED, &e->revoked_on);
	cvc_tlv_end(w);
}

static bool sorted(const cvc_crl_entry *entries, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (chr_cmp(entries[i - 1].chr, entries[i].chr) >= 0)
			return false;
	return true;
}

/*
 * Writes entries in ascending CHR order without sorting a copy (no
 * allocation): each round picks the smallest CHR above the last one.
 * Quadratic, so only taken when the caller's array is not sorted already.
 */
static cvc_err put_unsorted(cvc_tlv_writer *w, const cvc_crl_entry *entries,
                            size_t n)
{
	const cvc_crl_entry *last = NULL;

	for (size_t round = 0; round < n; round++) {
		const cvc_crl_entry *min = NULL;

		for (size_t i = 0; i < n; i++) {
			const cvc_crl_entry *e = &entries[i];

			if (last != NULL && chr_cmp(e->chr, last->chr) <= 0)
				continue;
			if (min != NULL && chr_cmp(e->chr, min->chr) == 0)
				return CVC_ERR_DUPLICATE_FIELD;
			if (min == NULL || chr_cmp(e->chr, min->chr) < 0)
				min = e;
		}
		put_entry(w, min);
		last = min;
	}
	return CVC_OK;
}

static cvc_err put_entries(cvc_tlv_writer *w, const cvc_crl_entry *entries,
                           size_t n)
{
	cvc_err err = CVC_OK;

	cvc_tlv_begin(w, CVC_TAG_CRL_ENTRIES, 0);
	if (sorted(entries, n))
		for (size_t i = 0; i < n; i++)
			put_entry(w, &entries[i]);
	else
		err = put_unsorted(w, entries, n);
	cvc_tlv_end(w);
	return err;
}

cvc_err cvc_crl_encode(const cvc_crl *crl, const cvc_crl_entry *entries,
                       size_t n_entries, uint8_t *out, size_t cap,
                       size_t *out_len)
{
	bool whole;
	uint8_t version;
	cvc_tlv_writer w;
	cvc_err err;

	if (crl == NULL || out_len == NULL || (out == NULL && cap > 0) ||
	    (entries == NULL && n_entries > 0))
		return CVC_ERR_INVALID_ARG;
	err = check_template(crl, entries, n_entries);
	if (err != CVC_OK)
		return err;
	whole = crl->signature.len > 0;
	if (whole && crl->signature.data == NULL)
		return CVC_ERR_INVALID_ARG;
	version = crl->version;
	cvc_tlv_writer_init(&w, out, cap);
	if (whole)
		cvc_tlv_begin(&w, CVC_TAG_CRL, 0);
	cvc_tlv_begin(&w, CVC_TAG_CRL_BODY, 0);
	cvc_tlv_put(&w, CVC_TAG_CPI, &version, 1, 0);
	cvc_tlv_put(&w, CVC_TAG_CAR, crl->issuer.data, crl->issuer.len, 0);
	put_date(&w, CVC_TAG_CED, &crl->this_update);
	put_date(&w, CVC_TAG_CXD, &crl->next_update);
	err = put_entries(&w, entries, n_entries);
	cvc_tlv_end(&w);
	if (whole) {
		cvc_tlv_put(&w, CVC_TAG_SIGNATURE, crl->signature.data,
		            crl->signature.len, 0);
		cvc_tlv_end(&w);
	}
	if (err != CVC_OK)
		return err;
	return cvc_tlv_writer_finish(&w, out_len);
}

/* ------------------------------------------------------------------ */
/* Applying a list to a validated path                                 */

/* The index of the CA that issued and signed the list (n: key anchor). */
static cvc_err find_issuer(const cvc_crl *crl, const cvc_crl_path *p,
                           size_t *issuer, size_t *named)
{
	bool seen = false;

	for (size_t i = 1; i < p->n; i++) {
		if (!cvc_span_equal(p->certs[i]->chr, crl->issuer))
			continue;
		if (!seen)
			*named = i;
		seen = true;
		if (p->keys[i] != NULL &&
		    cvc_crl_verify_signature(crl, p->keys[i]) == CVC_OK) {
			*issuer = i;
			return CVC_OK;
		}
	}
	if (p->anchor_key != NULL &&
	    cvc_span_equal(p->anchor_name, crl->issuer)) {
		if (!seen)
			*named = p->n;
		seen = true;
		if (cvc_crl_verify_signature(crl, p->anchor_key) == CVC_OK) {
			*issuer = p->n;
			return CVC_OK;
		}
	}
	return seen ? CVC_ERR_SIGNATURE : CVC_ERR_CRL_ISSUER;
}

static bool revoked(const cvc_crl *crl, const cvc_cert *cert,
                    const cvc_date *at)
{
	cvc_crl_entry e;

	if (!cvc_crl_lookup(crl, cert->chr, &e))
		return false;
	return at == NULL || cvc_date_cmp(&e.revoked_on, at) <= 0;
}

cvc_err cvc_crl_apply(const cvc_crl *crl, const cvc_crl_path *p,
                      const cvc_date *at, unsigned flags, size_t *failed,
                      const char **check, bool *stale)
{
	size_t issuer = 0, named = 0;
	cvc_err err;

	*stale = false;
	if (flags & CVC_CHAIN_NO_DATES)
		at = NULL;
	err = find_issuer(crl, p, &issuer, &named);
	if (err == CVC_ERR_CRL_ISSUER) {
		*failed = 0;
		*check = "revocation list issuer";
		return err;
	}
	if (err != CVC_OK) {
		*failed = named < p->n ? named : p->n - 1;
		*check = "revocation list signature";
		return err;
	}
	if (at != NULL && cvc_date_cmp(at, &crl->next_update) > 0) {
		*stale = true;
		*failed = issuer < p->n ? issuer : p->n - 1;
		*check = "revocation list stale";
		return CVC_ERR_CRL_STALE;
	}
	/* Top down: a revoked CA is reported before what it signed. */
	for (size_t i = issuer; i-- > 0;) {
		if (revoked(crl, p->certs[i], at)) {
			*failed = i;
			*check = "revocation";
			return CVC_ERR_REVOKED;
		}
	}
	return CVC_OK;
}
