/* SPDX-License-Identifier: MIT */
/*
 * cvc-issue personalize and confirm: a BLANK badge becomes a staff badge
 * at the office reader (SPEC.md 8, "Personalization"), and a badge whose
 * activation was not confirmed is checked against its record.
 *
 * Everything that can be refused without the badge (files, keys, holder
 * data, PIN, the DV's validity under the CVCA, the issuing policy, a
 * holder reference already used) is checked before the first command goes
 * out; the certificate is issued by cvc_issue_cert with the usual policy
 * for the key the badge generates.
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cvc-issue-office.h"

typedef struct pers_job {
	const office_opts *o;
	office_cert dv, anchor;
	cvc_signer *issuer;
	cvc_badge_holder holder;
	char pin[CVC_BADGE_PIN_MAX + 2];
	const cvc_algo *algo;
	char curve[32];
	unsigned rsa_bits;
	cvc_cert tmpl;
	uint8_t chat_bits[8];
	uint8_t pub[1200];
	new_cert nc;
	badge_session s;
} pers_job;

/* ------------------------------------------------------------------ */
/* Inputs                                                              */

static int check_options(const office_opts *o)
{
	if (o->issuer_key == NULL || o->anchor == NULL || o->out == NULL)
		return office_usage("personalize: --issuer-key, --anchor and "
		                    "--out are required");
	if (o->name == NULL || o->staff_id == NULL)
		return office_usage("personalize: --name and --staff-id are "
		                    "required");
	if (o->n_chrs > 1 || (o->n_chrs == 1) == (o->chr_prefix != NULL))
		return office_usage("personalize: one --chr or --chr-prefix");
	if (o->rights != NULL && o->chat != NULL)
		return office_usage("--rights and --chat exclude each other");
	if (o->days == 0 && o->until == NULL)
		return office_usage("personalize: --days or --until required");
	if (o->days != 0 && o->until != NULL)
		return office_usage("--days and --until exclude each other");
	if (o->reader == NULL)
		return office_usage("personalize: --reader is required");
	return 0;
}

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7E)
			return false;
	return true;
}

/* SPEC 4.1: name 1..64 octets, staff ID 1..32 printable ASCII,
 * department 0..64 octets; no control characters (records are TSV). */
static int set_holder(pers_job *j)
{
	const office_opts *o = j->o;
	const char *dept = o->department != NULL ? o->department : "";

	if (strlen(o->name) == 0 || strlen(o->name) > CVC_BADGE_NAME_MAX ||
	    !record_text_ok(o->name))
		return office_usage("--name: 1 to %u octets, no control "
		                    "characters",
		                    CVC_BADGE_NAME_MAX);
	if (strlen(o->staff_id) == 0 ||
	    strlen(o->staff_id) > CVC_BADGE_STAFF_ID_MAX ||
	    !printable_ascii(o->staff_id))
		return office_usage("--staff-id: 1 to %u printable ASCII "
		                    "characters",
		                    CVC_BADGE_STAFF_ID_MAX);
	if (strlen(dept) > CVC_BADGE_DEPT_MAX || !record_text_ok(dept))
		return office_usage("--department: at most %u octets, no "
		                    "control characters",
		                    CVC_BADGE_DEPT_MAX);
	snprintf(j->holder.name, sizeof(j->holder.name), "%s", o->name);
	snprintf(j->holder.staff_id, sizeof(j->holder.staff_id), "%s",
	         o->staff_id);
	snprintf(j->holder.department, sizeof(j->holder.department), "%s",
	         dept);
	return 0;
}

/* The initial PIN: never from argv, which every user can read. */
static int read_pin(pers_job *j)
{
	const char *src = j->o->pin_file;
	size_t n;

	if (src != NULL) {
		FILE *f = fopen(src, "r");
		bool ok = f != NULL && fgets(j->pin, sizeof(j->pin), f);

		if (f != NULL)
			fclose(f);
		if (!ok) {
			cvc_tool_fail("%s: cannot read the PIN", src);
			return CVC_TOOL_EXIT_INPUT;
		}
		j->pin[strcspn(j->pin, "\r\n")] = '\0';
	} else if (getenv("CVC_BADGE_PIN") != NULL) {
		src = "$CVC_BADGE_PIN";
		snprintf(j->pin, sizeof(j->pin), "%s", getenv("CVC_BADGE_PIN"));
	} else {
		return office_usage("personalize: the initial PIN comes from "
		                    "--pin-file or $CVC_BADGE_PIN");
	}
	n = strlen(j->pin);
	if (n < CVC_BADGE_PIN_MIN || n > CVC_BADGE_PIN_MAX ||
	    strspn(j->pin, "0123456789") != n)
		return office_usage("%s: the PIN must be %u to %u digits", src,
		                    CVC_BADGE_PIN_MIN, CVC_BADGE_PIN_MAX);
	return 0;
}

static int load_pki(pers_job *j)
{
	const office_opts *o = j->o;
	cvc_chat_info ai;
	int rc;

	if ((rc = office_load_cert(o->issuer_cert, &j->dv)) ||
	    (rc = office_load_cert(o->anchor, &j->anchor)))
		return rc;
	if (cvc_chat_info_get(&j->anchor.cert.chat, &ai) != CVC_OK ||
	    ai.role != CVC_ROLE_CVCA || !j->anchor.cert.has_car ||
	    j->anchor.cert.car.len != j->anchor.cert.chr.len ||
	    memcmp(j->anchor.cert.car.data, j->anchor.cert.chr.data,
	           j->anchor.cert.chr.len) != 0) {
		cvc_tool_fail("%s: not a self-signed CVCA certificate",
		              o->anchor);
		return CVC_TOOL_EXIT_INPUT;
	}
	return office_load_key(o->issuer_key, &j->dv.cert, &j->issuer);
}

/* The DV must be valid today under the CVCA the badge will trust. */
static int check_dv(pers_job *j)
{
	cvc_store *store = NULL;
	cvc_chain_result res;
	cvc_date today;
	cvc_err err;

	office_today(&today);
	err = cvc_store_new(&store);
	if (err == CVC_OK)
		err = cvc_store_add_anchor(store, j->anchor.in.data,
		                           j->anchor.in.len, 0, NULL);
	if (err == CVC_OK)
		err = cvc_chain_verify(store, &j->dv.cert, NULL, 0, &today,
		                       NULL, 0, &res);
	cvc_store_free(&store);
	if (err == CVC_OK)
		return 0;
	cvc_tool_fail("%s is not valid today under %s: %s (%s)",
	              j->o->issuer_cert, j->o->anchor, cvc_strerror(err),
	              res.check != NULL ? res.check : "chain");
	return CVC_TOOL_EXIT_NO;
}

/* Badge keys have no domain parameters of their own (TR-03110-3 D.3.3):
 * an EC badge key lives on the CVCA's curve. */
static int choose_algorithm(pers_job *j)
{
	const office_opts *o = j->o;
	cvc_key *ak = NULL;
	const char *curve;

	j->algo = o->scheme != NULL ? cvc_algo_from_name(o->scheme)
	                            : cvc_algo_from_oid(j->dv.cert.key.oid);
	if (j->algo == NULL)
		return office_usage("unknown --scheme '%s'", o->scheme);
	if (cvc_key_from_pubkey(&j->anchor.cert.key, NULL, j->anchor.cert.cpi,
	                        &ak, NULL) != CVC_OK) {
		cvc_tool_fail("%s: unusable CVCA key", o->anchor);
		return CVC_TOOL_EXIT_INPUT;
	}
	curve = cvc_key_curve_name(ak);
	snprintf(j->curve, sizeof(j->curve), "%s", curve ? curve : "");
	cvc_key_free(&ak);
	if ((j->algo->scheme == CVC_SCHEME_ECDSA) != (j->curve[0] != '\0'))
		return office_usage("--scheme %s does not fit the CVCA's key "
		                    "type",
		                    j->algo->name);
	if (o->curve != NULL && strcasecmp(o->curve, j->curve) != 0)
		return office_usage("--curve %s: badge keys use the CVCA's "
		                    "curve, %s",
		                    o->curve, j->curve);
	if (o->rsa_bits != 0 && j->curve[0] != '\0')
		return office_usage("--rsa-bits needs an RSA CVCA");
	j->rsa_bits = o->rsa_bits ? o->rsa_bits : 2048;
	return 0;
}

static int set_dates(pers_job *j)
{
	const office_opts *o = j->o;
	cvc_cert *t = &j->tmpl;

	t->has_dates = true;
	office_today(&t->effective);
	if (o->from != NULL && cvc_date_parse(o->from, &t->effective))
		return office_usage("bad --from date '%s'", o->from);
	if (o->until != NULL && cvc_date_parse(o->until, &t->expiration))
		return office_usage("bad --until date '%s'", o->until);
	if (o->until == NULL)
		office_date_add(&t->effective, o->days - 1, &t->expiration);
	return 0;
}

/* The badge certificate: a terminal-role CHAT of the DV's type. */
static int set_chat(pers_job *j)
{
	const office_opts *o = j->o;
	cvc_chat_info di;
	size_t len;
	cvc_diag diag = {0};
	cvc_err err;

	if (cvc_chat_info_get(&j->dv.cert.chat, &di) != CVC_OK)
		return office_usage("%s: issuer has no CHAT", o->issuer_cert);
	err = cvc_chat_build(di.type, CVC_ROLE_TERMINAL, false, o->rights,
	                     j->chat_bits, sizeof(j->chat_bits), &len,
	                     &j->tmpl.chat.oid, &diag);
	if (err != CVC_OK)
		return office_fail("--rights", err, &diag);
	if (o->chat != NULL) {
		uint8_t bits[sizeof(j->chat_bits)];
		size_t n = 0;

		if (cvc_input_decode((const uint8_t *)o->chat, strlen(o->chat),
		                     bits, sizeof(bits), &n, NULL) != CVC_OK ||
		    n != len)
			return office_usage("bad --chat '%s' (%zu octets of "
			                    "hex)",
			                    o->chat, len);
		/* the role bits are a badge's: terminal (00) */
		memcpy(j->chat_bits, bits, len);
		j->chat_bits[0] &= 0x3F;
	}
	j->tmpl.has_chat = true;
	j->tmpl.chat.bits = (cvc_span){j->chat_bits, len};
	return 0;
}

/* A --chr already recorded is refused before the badge is touched (and
 * again when it is taken, in case another station took it meanwhile). */
static int check_chr_unused(const office_opts *o)
{
	record_file rf;
	int rc;

	if (o->n_chrs == 0)
		return 0;
	rc = records_open(o->issuer_cert, &rf);
	if (rc == 0)
		rc = records_refuse_reuse(&rf, o->chrs[0]);
	records_close(&rf);
	return rc;
}

static int prepare(pers_job *j)
{
	int rc;

	j->tmpl.kind = CVC_KIND_CERT;
	j->tmpl.cpi = CVC_CPI_TR03110;
	if ((rc = check_options(j->o)) || (rc = set_holder(j)) ||
	    (rc = read_pin(j)) || (rc = load_pki(j)) ||
	    (rc = choose_algorithm(j)) || (rc = set_dates(j)) ||
	    (rc = set_chat(j)) || (rc = check_dv(j)))
		return rc;
	if ((rc = check_chr_unused(j->o)) != 0)
		return rc;
	return office_policy_check(j->o, &j->tmpl, &j->dv.cert.key,
	                           j->o->n_chrs ? j->o->chrs[0] : NULL,
	                           j->o->chr_prefix, j->issuer, &j->dv.cert);
}

/* ------------------------------------------------------------------ */
/* At the reader                                                       */

/* Any failure between SELECT and ACTIVATE: everything sent is pending
 * (SPEC [LC-2]) and is gone at the next reset or SELECT. */
static void not_activated(const pers_job *j, int rc)
{
	char used[64] = "";

	if (j->nc.chr[0] != '\0')
		snprintf(used, sizeof(used),
		         " (holder reference %s is used up)", j->nc.chr);
	cvc_tool_fail("the badge was not activated: it stays blank and nothing "
	              "was recorded%s.%s",
	              used,
	              rc == CVC_TOOL_EXIT_READER
	                  ? " Present it again and repeat the command."
	                  : "");
}

static int generate(pers_job *j)
{
	size_t len;
	cvc_diag diag = {0};
	cvc_err err;

	office_progress(j->o, "PUT DATA trust anchor");
	err = cvc_badge_put_anchor(j->s.card, j->anchor.cert.raw, &diag);
	if (err != CVC_OK)
		return office_fail("PUT DATA trust anchor", err, &diag);
	office_progress(j->o, "GENERATE ASYMMETRIC KEY PAIR");
	err = cvc_badge_generate_key(j->s.card, j->algo, j->curve, j->rsa_bits,
	                             j->pub, sizeof(j->pub), &len, &diag);
	if (err != CVC_OK)
		return office_fail("GENERATE", err, &diag);
	err = cvc_pubkey_decode(j->pub, len, 0, &j->tmpl.key, &diag);
	if (err != CVC_OK || j->tmpl.key.oid.len != j->algo->oid_len ||
	    memcmp(j->tmpl.key.oid.data, j->algo->oid, j->algo->oid_len)) {
		cvc_tool_fail("the badge returned an unusable public key");
		return CVC_TOOL_EXIT_READER;
	}
	return 0;
}

static int issue(pers_job *j)
{
	const office_opts *o = j->o;

	return office_issue(o, o->n_chrs ? o->chrs[0] : NULL, o->chr_prefix,
	                    &j->tmpl, j->issuer, &j->dv.cert, &j->nc);
}

/* SPEC 8 steps 4 to 6: all pending until ACTIVATE ([LC-2]). */
static int write_badge(pers_job *j)
{
	const char *step = "PUT DATA chain";
	cvc_diag diag = {0};
	cvc_err err;

	office_progress(j->o, "%s", step);
	err = cvc_badge_put_chain(j->s.card, j->nc.cert.raw, j->dv.cert.raw,
	                          &diag);
	if (err == CVC_OK) {
		step = "PUT DATA holder";
		office_progress(j->o, "%s", step);
		err = cvc_badge_put_holder(j->s.card, &j->holder, &diag);
	}
	if (err == CVC_OK) {
		step = "RESET RETRY COUNTER (initial PIN)";
		office_progress(j->o, "%s", step);
		err = cvc_badge_set_pin(j->s.card, j->pin, &diag);
	}
	return err == CVC_OK ? 0 : office_fail(step, err, &diag);
}

static int at_reader(pers_job *j)
{
	activation a;
	int rc;

	if ((rc = session_open(j->o, &j->s)) != 0)
		return rc;
	rc = session_select(&j->s, CVC_BADGE_BLANK);
	if (rc == CVC_TOOL_EXIT_NO)
		cvc_tool_fail("only a blank badge is personalized: renew a "
		              "personalized one");
	if (rc != 0)
		return rc;
	if ((rc = generate(j)) || (rc = issue(j)) || (rc = write_badge(j))) {
		not_activated(j, rc);
		return rc;
	}
	memset(&a, 0, sizeof(a));
	a.issued = &j->nc.cert;
	a.dv = &j->dv.cert;
	a.domain = &j->anchor.cert.key;
	memcpy(a.rec.name, j->holder.name, sizeof(a.rec.name));
	memcpy(a.rec.staff_id, j->holder.staff_id, sizeof(a.rec.staff_id));
	memcpy(a.rec.department, j->holder.department,
	       sizeof(a.rec.department));
	return session_activate(&j->s, j->o->issuer_cert, &a);
}

int office_personalize(const office_opts *o)
{
	pers_job *j = calloc(1, sizeof(*j));
	int rc;

	if (j == NULL) {
		cvc_tool_fail("out of memory");
		return CVC_TOOL_EXIT_INPUT;
	}
	j->o = o;
	rc = prepare(j);
	if (rc == 0)
		rc = at_reader(j);
	explicit_bzero(j->pin, sizeof(j->pin));
	session_close(&j->s);
	cvc_signer_free(&j->issuer);
	office_cert_free(&j->dv);
	office_cert_free(&j->anchor);
	free(j->nc.der);
	free(j);
	return rc;
}

/* ------------------------------------------------------------------ */
/* confirm                                                             */

typedef struct confirm_job {
	const office_opts *o;
	office_cert dv;
	badge_session s;
	record_file rf;
} confirm_job;

/* A renewal of this badge that is still unconfirmed did not happen: the
 * badge still proves the key it replaced (SPEC [ACT-2] destroys it). */
static void warn_lost_renewals(confirm_job *c)
{
	for (size_t i = 0; i < c->rf.n; i++) {
		const record *r = &c->rf.rows[i];

		if (r->status == REC_UNCONFIRMED &&
		    strcmp(r->replaces, c->s.chr) == 0)
			cvc_tool_warn(c->rf.path,
			              "renewal %s of %s never reached the "
			              "badge: revoke %s and renew again",
			              r->chr, c->s.chr, r->chr);
	}
}

static int settle(confirm_job *c, record *r)
{
	if (r->status == REC_UNCONFIRMED) {
		if (r->cert_len != c->s.badge.raw.len ||
		    memcmp(r->cert, c->s.badge.raw.data, r->cert_len) != 0) {
			cvc_tool_fail("badge %s does not hold the recorded "
			              "certificate",
			              r->chr);
			return CVC_TOOL_EXIT_NO;
		}
		record_set_status(r, r->replaces[0] ? REC_RENEWED : REC_ISSUED);
		return records_save(&c->rf);
	}
	if (r->status == REC_ISSUED || r->status == REC_RENEWED) {
		warn_lost_renewals(c);
		return 0;
	}
	cvc_tool_fail("badge %s is recorded as %s", r->chr,
	              record_status_name(r->status));
	return CVC_TOOL_EXIT_NO;
}

static int confirm_at_reader(confirm_job *c)
{
	const office_opts *o = c->o;
	record *r;
	int rc;

	if ((rc = session_open(o, &c->s)) != 0)
		return rc;
	rc = session_select(&c->s, CVC_BADGE_PERSONALIZED);
	if (rc == CVC_TOOL_EXIT_NO && c->s.info.state == CVC_BADGE_BLANK)
		cvc_tool_fail("an interrupted personalization left nothing on "
		              "this badge: personalize it again, and revoke "
		              "any unconfirmed certificate that belongs to it "
		              "(cvc-issue revoke --status unconfirmed)");
	if (rc == 0)
		rc = session_trust(&c->s, &c->dv.cert, NULL, 0);
	if (rc == 0)
		rc = session_prove(&c->s, &c->s.anchor.key, true);
	if (rc != 0)
		return rc;
	if ((rc = records_open(o->issuer_cert, &c->rf)) != 0)
		return rc;
	r = records_find(&c->rf, c->s.chr);
	if (r == NULL) {
		cvc_tool_fail("badge %s has no record in %s", c->s.chr,
		              c->rf.path);
		return CVC_TOOL_EXIT_NO;
	}
	if ((rc = settle(c, r)) != 0)
		return rc;
	if (o->out != NULL &&
	    !cvc_tool_write_atomic_reported(o->out, c->s.badge.raw.data,
	                                    c->s.badge.raw.len, 0644))
		return CVC_TOOL_EXIT_INPUT;
	if (!o->quiet)
		printf("%s %s: confirmed\n", r->chr,
		       record_status_name(r->status));
	return cvc_tool_exit_flushed();
}

int office_confirm(const office_opts *o)
{
	confirm_job c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.rf.lock_fd = -1;
	if (o->reader == NULL)
		return office_usage("confirm: --reader is required");
	rc = office_load_cert(o->issuer_cert, &c.dv);
	if (rc == 0)
		rc = confirm_at_reader(&c);
	records_close(&c.rf);
	session_close(&c.s);
	office_cert_free(&c.dv);
	return rc;
}
