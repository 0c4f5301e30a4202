/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue revoke and report: the signed revocation list of a CA
 * (doc/revocation.md) and the badges of a DV that expire soon.
 *
 * An existing list is only ever replaced by the key that signed it: the
 * new list keeps every entry of the old one (with its earlier date when a
 * holder is revoked again), adds the new ones and is signed afresh with
 * new dates, so running revoke without --chr refreshes a list before its
 * next update.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvc-issue-office.h"

#define DEFAULT_NEXT_UPDATE_DAYS 7
#define DEFAULT_EXPIRING_DAYS    30

/* The issuer key's public half is the issuer certificate's key. */
static bool key_matches(const cvc_signer *s, const cvc_cert *ic)
{
	uint8_t buf[1200];
	size_t len;
	cvc_pubkey pk;
	size_t idx = ic->key.type == CVC_KEY_RSA ? 0 : 5;

	if (cvc_signer_pubkey_encode(s, false, buf, sizeof(buf), &len) !=
	        CVC_OK ||
	    cvc_pubkey_decode(buf, len, 0, &pk, NULL) != CVC_OK)
		return false;
	return pk.comp[idx].len == ic->key.comp[idx].len &&
	       memcmp(pk.comp[idx].data, ic->key.comp[idx].data,
	              pk.comp[idx].len) == 0;
}

typedef struct crl_work {
	cvc_tool_input old_in;
	cvc_crl old;
	bool has_old;
	cvc_crl_entry *entries;
	size_t n;
	uint8_t *out;
	size_t out_len;
} crl_work;

static int read_old_list(const crl_update *u, crl_work *w)
{
	cvc_tool_error te;
	cvc_key *pub = NULL;
	cvc_diag diag = {0};
	cvc_err err;

	if (access(u->crl_path, F_OK) != 0)
		return 0;
	if (cvc_tool_load(u->crl_path, CVC_TOOL_MAX_INPUT, &w->old_in, &te)) {
		cvc_tool_report(u->crl_path, &te);
		return CVC_TOOL_EXIT_INPUT;
	}
	err = cvc_crl_decode(w->old_in.data, w->old_in.len, &w->old, &diag);
	if (err != CVC_OK)
		return office_fail(u->crl_path, err, &diag);
	if (w->old.issuer.len != u->issuer->chr.len ||
	    memcmp(w->old.issuer.data, u->issuer->chr.data,
	           u->issuer->chr.len) != 0) {
		cvc_tool_fail("%s: issued by another CA, not by the issuer "
		              "certificate's holder",
		              u->crl_path);
		return CVC_TOOL_EXIT_INPUT;
	}
	err = cvc_signer_public_key(u->key, &pub);
	if (err == CVC_OK)
		err = cvc_crl_verify_signature(&w->old, pub);
	cvc_key_free(&pub);
	if (err != CVC_OK) {
		cvc_tool_fail("%s: not signed by this issuer key (%s): not "
		              "replaced",
		              u->crl_path, cvc_strerror(err));
		return CVC_TOOL_EXIT_NO;
	}
	w->has_old = true;
	return 0;
}

/* Old entries, then the new holders (an earlier date wins). */
static int merge_entries(const office_opts *o, const crl_update *u, crl_work *w)
{
	size_t n_old = w->has_old ? w->old.n_entries : 0;

	w->entries = calloc(n_old + u->n_chrs + 1, sizeof(*w->entries));
	if (w->entries == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	for (size_t i = 0; i < n_old; i++)
		cvc_crl_entry_at(&w->old, i, &w->entries[w->n++]);
	for (size_t k = 0; k < u->n_chrs; k++) {
		cvc_span chr = {(const uint8_t *)u->chrs[k],
		                strlen(u->chrs[k])};
		cvc_crl_entry *e = NULL;
		char d[16];

		for (size_t i = 0; i < w->n && e == NULL; i++)
			if (w->entries[i].chr.len == chr.len &&
			    memcmp(w->entries[i].chr.data, chr.data, chr.len) ==
			        0)
				e = &w->entries[i];
		if (e == NULL) {
			w->entries[w->n++] =
			    (cvc_crl_entry){chr, u->revoked_on};
		} else if (cvc_date_cmp(&u->revoked_on, &e->revoked_on) < 0) {
			e->revoked_on = u->revoked_on;
		} else if (!o->quiet) {
			cvc_tool_warn(
			    u->crl_path, "%s already revoked on %s", u->chrs[k],
			    office_date_text(&e->revoked_on, d, sizeof(d)));
		}
	}
	return 0;
}

static int sign_list(const crl_update *u, crl_work *w, cvc_crl *t)
{
	uint8_t sig[1024];
	size_t body_len = 0, sig_len;
	cvc_err err;

	t->signature = (cvc_span){NULL, 0};
	/* sizing: CVC_OK or CVC_ERR_BUFFER_TOO_SMALL with the size */
	err = cvc_crl_encode(t, w->entries, w->n, NULL, 0, &body_len);
	if (err == CVC_OK || err == CVC_ERR_BUFFER_TOO_SMALL) {
		w->out = malloc(body_len + sizeof(sig) + 16);
		err = w->out ? cvc_crl_encode(t, w->entries, w->n, w->out,
		                              body_len, &body_len)
		             : CVC_ERR_NO_MEMORY;
	}
	if (err == CVC_OK)
		err = cvc_signer_sign(u->key, w->out, body_len, sig,
		                      sizeof(sig), &sig_len);
	if (err == CVC_OK) {
		t->signature = (cvc_span){sig, sig_len};
		err = cvc_crl_encode(t, w->entries, w->n, w->out,
		                     body_len + sizeof(sig) + 16, &w->out_len);
	}
	if (err != CVC_OK)
		return office_fail("revocation list", err, NULL);
	return 0;
}

int office_crl_update(const office_opts *o, const crl_update *u)
{
	long days = u->next_update_days > 0 ? u->next_update_days
	                                    : DEFAULT_NEXT_UPDATE_DAYS;
	crl_work w;
	cvc_crl t = {0};
	char d1[16], d2[16];
	int rc;

	memset(&w, 0, sizeof(w));
	if (!key_matches(u->key, u->issuer)) {
		cvc_tool_fail("the issuer key does not belong to the issuer "
		              "certificate");
		return CVC_TOOL_EXIT_NO;
	}
	rc = read_old_list(u, &w);
	if (rc == 0)
		rc = merge_entries(o, u, &w);
	t.version = CVC_CRL_VERSION;
	t.issuer = u->issuer->chr;
	office_today(&t.this_update);
	office_date_add(&t.this_update, days, &t.next_update);
	if (rc == 0)
		rc = sign_list(u, &w, &t);
	if (rc == 0 && !cvc_tool_write_atomic_reported(u->crl_path, w.out,
	                                               w.out_len, 0644))
		rc = CVC_TOOL_EXIT_INPUT;
	if (rc == 0 && !o->quiet)
		printf("%s: %zu revoked, this update %s, next update %s\n",
		       u->crl_path, w.n,
		       office_date_text(&t.this_update, d1, sizeof(d1)),
		       office_date_text(&t.next_update, d2, sizeof(d2)));
	cvc_tool_input_free(&w.old_in);
	free(w.entries);
	free(w.out);
	return rc;
}

/* ------------------------------------------------------------------ */
/* revoke                                                              */

/* --chr values, then every record with --status. */
static int collect_chrs(const office_opts *o, record_file *rf,
                        const char ***chrs, size_t *n)
{
	record_status st;

	*chrs = calloc(o->n_chrs + rf->n + 1, sizeof(**chrs));
	if (*chrs == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	for (size_t i = 0; i < o->n_chrs; i++) {
		if (cvc_chr_validate(o->chrs[i], NULL) != CVC_OK)
			return office_usage("invalid holder reference '%s'",
			                    o->chrs[i]);
		(*chrs)[(*n)++] = o->chrs[i];
	}
	if (o->status == NULL)
		return 0;
	if (!record_status_parse(o->status, &st))
		return office_usage("bad --status '%s' (issued, renewed, "
		                    "terminated, unconfirmed or revoked)",
		                    o->status);
	for (size_t i = 0; i < rf->n; i++)
		if (rf->rows[i].status == st)
			(*chrs)[(*n)++] = rf->rows[i].chr;
	return 0;
}

static bool mark_revoked(record_file *rf, const char *const *chrs, size_t n)
{
	bool changed = false;

	for (size_t i = 0; i < n; i++) {
		record *r = records_find(rf, chrs[i]);

		if (r != NULL && r->status != REC_REVOKED) {
			record_set_status(r, REC_REVOKED);
			changed = true;
		}
	}
	return changed;
}

static int revoke_with(const office_opts *o, const office_cert *ca,
                       const cvc_signer *key)
{
	record_file rf;
	crl_update u = {.crl_path = o->crl,
	                .issuer = &ca->cert,
	                .key = key,
	                .next_update_days = o->next_update_days};
	const char **chrs = NULL;
	int rc = records_open(o->issuer_cert, &rf);

	office_today(&u.revoked_on);
	if (rc == 0 && o->date != NULL &&
	    cvc_date_parse(o->date, &u.revoked_on))
		rc = office_usage("bad --date '%s'", o->date);
	if (rc == 0)
		rc = collect_chrs(o, &rf, &chrs, &u.n_chrs);
	u.chrs = chrs;
	if (rc == 0)
		rc = office_crl_update(o, &u);
	if (rc == 0 && mark_revoked(&rf, chrs, u.n_chrs))
		rc = records_save(&rf);
	records_close(&rf);
	free(chrs);
	return rc;
}

int office_revoke(const office_opts *o)
{
	office_cert ca;
	cvc_signer *key = NULL;
	int rc;

	if (o->issuer_key == NULL || o->crl == NULL)
		return office_usage("revoke: --issuer-key and --crl are "
		                    "required");
	rc = office_load_cert(o->issuer_cert, &ca);
	if (rc == 0)
		rc = office_load_key(o->issuer_key, &ca.cert, &key);
	if (rc == 0)
		rc = revoke_with(o, &ca, key);
	cvc_signer_free(&key);
	office_cert_free(&ca);
	return rc == 0 ? cvc_tool_exit_flushed() : rc;
}

/* ------------------------------------------------------------------ */
/* report                                                              */

/* A certificate a confirmed renewal replaced is no longer in use, even
 * when that renewal was later terminated or revoked. */
static bool superseded(const record_file *rf, const record *r)
{
	for (size_t i = 0; i < rf->n; i++)
		if (rf->rows[i].status != REC_UNCONFIRMED &&
		    strcmp(rf->rows[i].replaces, r->chr) == 0)
			return true;
	return false;
}

static int by_expiry(const void *a, const void *b)
{
	const record *x = *(const record *const *)a;
	const record *y = *(const record *const *)b;
	int c = cvc_date_cmp(&x->expiration, &y->expiration);

	return c != 0 ? c : strcmp(x->chr, y->chr);
}

static void print_text(const record *const *rows, size_t n, const cvc_date *at,
                       const cvc_date *until)
{
	char d[16];

	if (n == 0) {
		printf("no badge expires by %s\n",
		       office_date_text(until, d, sizeof(d)));
		return;
	}
	printf("%-10s  %5s  %-8s  %-16s  %-12s  %s\n", "expires", "days",
	       "status", "chr", "staff_id", "name");
	for (size_t i = 0; i < n; i++) {
		const record *r = rows[i];

		printf("%-10s  %5ld  %-8s  %-16s  %-12s  %s\n",
		       office_date_text(&r->expiration, d, sizeof(d)),
		       office_days_between(at, &r->expiration),
		       record_status_name(r->status), r->chr, r->staff_id,
		       r->name);
	}
}

static void print_json_row(const record *r, const cvc_date *at)
{
	char d[16];

	fputc('{', stdout);
	cvc_tool_json_member_str(stdout, "chr", r->chr);
	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "status",
	                         record_status_name(r->status));
	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "effective",
	                         office_date_text(&r->effective, d, sizeof(d)));
	fputc(',', stdout);
	cvc_tool_json_member_str(
	    stdout, "expiration",
	    office_date_text(&r->expiration, d, sizeof(d)));
	printf(",\"days_left\":%ld,\"expired\":%s,",
	       office_days_between(at, &r->expiration),
	       cvc_date_cmp(&r->expiration, at) < 0 ? "true" : "false");
	cvc_tool_json_holder_members(stdout, r->name, r->staff_id,
	                             r->department);
	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "replaces",
	                         r->replaces[0] ? r->replaces : NULL);
	fputc('}', stdout);
}

static void print_json(const office_cert *dv, const record *const *rows,
                       size_t n, const cvc_date *at, const cvc_date *until)
{
	char d[16], chr[CVC_MAX_REF_LEN + 1];

	fputc('{', stdout);
	cvc_tool_json_member_str(
	    stdout, "issuer", office_chr_text(dv->cert.chr, chr, sizeof(chr)));
	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "at",
	                         office_date_text(at, d, sizeof(d)));
	fputc(',', stdout);
	cvc_tool_json_member_str(stdout, "until",
	                         office_date_text(until, d, sizeof(d)));
	fputs(",\"badges\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "," : "", stdout);
		print_json_row(rows[i], at);
	}
	fputs("]}\n", stdout);
}

static int report_rows(const office_opts *o, const office_cert *dv,
                       record_file *rf)
{
	long days = o->expiring >= 0 ? o->expiring : DEFAULT_EXPIRING_DAYS;
	const record **rows = calloc(rf->n + 1, sizeof(*rows));
	cvc_date at, until;
	size_t n = 0;

	if (rows == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	office_today(&at);
	if (o->at != NULL && cvc_date_parse(o->at, &at) != CVC_OK) {
		free(rows);
		return office_usage("bad --at date '%s'", o->at);
	}
	office_date_add(&at, days, &until);
	for (size_t i = 0; i < rf->n; i++) {
		const record *r = &rf->rows[i];

		if ((r->status == REC_ISSUED || r->status == REC_RENEWED) &&
		    cvc_date_cmp(&r->expiration, &until) <= 0 &&
		    !superseded(rf, r))
			rows[n++] = r;
	}
	qsort(rows, n, sizeof(*rows), by_expiry);
	if (o->json)
		print_json(dv, rows, n, &at, &until);
	else
		print_text(rows, n, &at, &until);
	free(rows);
	return cvc_tool_exit_flushed();
}

int office_report(const office_opts *o)
{
	office_cert dv;
	record_file rf;
	int rc;

	memset(&rf, 0, sizeof(rf));
	rf.lock_fd = -1;
	rc = office_load_cert(o->issuer_cert, &dv);
	if (rc == 0)
		rc = records_open(o->issuer_cert, &rf);
	if (rc == 0)
		rc = report_rows(o, &dv, &rf);
	records_close(&rf);
	office_cert_free(&dv);
	return rc;
}
