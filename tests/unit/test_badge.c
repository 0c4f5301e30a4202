/* SPDX-License-Identifier: MIT */
/*
 * The badge layer (libcvc/src/badge*.c) against the reference applet
 * (applet-spec/vbadge) in-process: personalization, the integrator's call
 * cvc_badge_authenticate with each decision and reason, exchange counts in
 * extended and short mode, terminal authentication and rights, renewal,
 * termination, a card that leaves, a card that lies, and the parsers of the
 * card's answers on their own.
 *
 * The badge is wrapped by a function (struct wrap) that can count and
 * inspect what goes over the "wire", shrink the FCI buffer sizes (forcing
 * the short mode a card with small buffers gets), flip a signature octet,
 * play a foreign card or vanish after N commands.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cvc/cvc.h>

#include "testpki.h"
#include "vbadge.h"

/* Whether needle occurs in hay (memmem is not POSIX). */
static bool contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* The wrapped badge                                                   */

typedef struct wrap {
	vbadge *vb;
	unsigned commands;     /* commands received */
	unsigned extended;     /* of which in extended form */
	unsigned remove_after; /* >0: the card is gone after so many */
	bool small_buffers;    /* FCI 83/84 rewritten to 00FF */
	bool flip_signature;   /* one octet of the badge signature flipped */
	bool foreign;          /* SELECT of the badge AID answered 6A82 */
	size_t auth_len;       /* data of the last INTERNAL AUTHENTICATE */
	uint8_t last_ins;      /* INS of the last command but GET RESPONSE */
	/* every command, concatenated, for the PIN leak check */
	uint8_t seen[65536];
	size_t seen_len;
} wrap;

/* 83 02 xx xx 84 02 xx xx -> 00 FF each (a card with small buffers). */
static void shrink_fci(uint8_t *r, size_t n)
{
	for (size_t i = 0; i + 8 <= n; i++) {
		if (r[i] == 0x83 && r[i + 1] == 0x02 && r[i + 4] == 0x84 &&
		    r[i + 5] == 0x02) {
			r[i + 2] = 0x00;
			r[i + 3] = 0xFF;
			r[i + 6] = 0x00;
			r[i + 7] = 0xFF;
			return;
		}
	}
	ck_abort_msg("no 83/84 in the FCI");
}

/* Flips the first octet of 5F37 inside the 7C answer. */
static void flip_signature(uint8_t *r, size_t n)
{
	cvc_tlv_reader rd, c;
	cvc_tlv t;

	cvc_tlv_reader_init(&rd, r, n, CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_get(&rd, 0x7C, "7C", &t, NULL), CVC_OK);
	cvc_tlv_reader_child(&rd, &t, &c);
	ck_assert_int_eq(cvc_tlv_get(&c, 0x80, "80", &t, NULL), CVC_OK);
	ck_assert_int_eq(cvc_tlv_get(&c, 0x81, "81", &t, NULL), CVC_OK);
	ck_assert_int_eq(cvc_tlv_get(&c, 0x5F37, "5F37", &t, NULL), CVC_OK);
	r[t.value.data - r] ^= 0x01;
}

static void note_command(wrap *w, const uint8_t *capdu, size_t clen)
{
	cvc_apdu a;

	w->commands++;
	if (cvc_apdu_decode(capdu, clen, &a, NULL) == CVC_OK && a.extended)
		w->extended++;
	if (clen <= sizeof(w->seen) - w->seen_len) {
		memcpy(w->seen + w->seen_len, capdu, clen);
		w->seen_len += clen;
	}
}

static cvc_err wrap_process(void *ctx, const uint8_t *capdu, size_t clen,
                            uint8_t *rapdu, size_t cap, size_t *rlen)
{
	wrap *w = ctx;
	cvc_err err;

	note_command(w, capdu, clen);
	if (w->remove_after > 0 && w->commands > w->remove_after)
		return CVC_ERR_CARD_REMOVED;
	if (w->foreign && capdu[1] == 0xA4) {
		rapdu[0] = 0x6A;
		rapdu[1] = 0x82;
		*rlen = 2;
		return CVC_OK;
	}
	err = vbadge_process(w->vb, capdu, clen, rapdu, cap, rlen);
	if (err != CVC_OK || *rlen < 2)
		return err;
	if (capdu[1] != 0xC0)
		w->last_ins = capdu[1];
	if (capdu[1] == 0x88)
		w->auth_len = *rlen - 2;
	else if (capdu[1] == 0xC0 && w->last_ins == 0x88)
		w->auth_len += *rlen - 2;
	if (w->small_buffers && capdu[1] == 0xA4 && *rlen > 2)
		shrink_fci(rapdu, *rlen - 2);
	if (w->flip_signature && capdu[1] == 0x88 && rapdu[*rlen - 2] == 0x90)
		flip_signature(rapdu, *rlen - 2);
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* The test PKI                                                        */

/* AT CHATs (TR-03110-3 C.4.2): role in the top two bits. */
static const uint8_t chat_dv_all[5] = {0xBF, 0xFF, 0xFF, 0xFF, 0xFF};
/* terminate (3), PIN (5), renew (6), read holder (8) */
static const uint8_t chat_term_all[5] = {0x00, 0x00, 0x00, 0x01, 0x68};
static const uint8_t chat_term_read[5] = {0x00, 0x00, 0x00, 0x01, 0x00};
static const uint8_t chat_term_none[5] = {0x00, 0x00, 0x00, 0x00, 0x00};
/* The badge's own rights: bits 0, 2 and 8 ("doors" of the hospital). */
static const uint8_t chat_badge[5] = {0x00, 0x00, 0x00, 0x01, 0x05};

#define BADGE_CHR  "DEHOSPB00001"
#define BADGE_CHR2 "DEHOSPB00002"
#define BADGE_PIN  "123456"

typedef struct fixture {
	testpki_cert cvca, dv, term_all, term_read, term_none;
	testpki_cert other_cvca; /* a foreign hospital */
	cvc_store *store, *other_store;
	char dir[64], state[128];
	wrap *w;
	cvc_card *card;
	uint8_t badge[CVC_BADGE_MAX_CERT]; /* the badge certificate */
	size_t badge_len;
	cvc_badge_holder holder;
} fixture;

static void issue(testpki_cert *issuer, const char *chr, const uint8_t *chat,
                  const char *from, const char *to, testpki_cert *out)
{
	testpki_spec s;

	testpki_spec_init(&s, chr, chat, 5, from, to);
	testpki_issue(issuer, &s, out);
}

static void build_pki(fixture *f)
{
	issue(NULL, "DEHOSPCVCA00001", testpki_chat_cvca, "2025-01-01",
	      "2027-12-31", &f->cvca);
	issue(&f->cvca, "DEHOSPDV00001", chat_dv_all, "2025-06-01",
	      "2026-06-30", &f->dv);
	issue(&f->dv, "DEHOSPTERM00001", chat_term_all, "2025-07-01",
	      "2025-12-31", &f->term_all);
	issue(&f->dv, "DEHOSPTERM00002", chat_term_read, "2025-07-01",
	      "2025-12-31", &f->term_read);
	issue(&f->dv, "DEHOSPTERM00003", chat_term_none, "2025-07-01",
	      "2025-12-31", &f->term_none);
	issue(NULL, "DEOTHRCVCA00001", testpki_chat_cvca, "2025-01-01",
	      "2027-12-31", &f->other_cvca);
	ck_assert_int_eq(cvc_store_new(&f->store), CVC_OK);
	ck_assert_int_eq(
	    cvc_store_add_anchor(f->store, f->cvca.der, f->cvca.len, 0, NULL),
	    CVC_OK);
	ck_assert_int_eq(cvc_store_new(&f->other_store), CVC_OK);
	ck_assert_int_eq(cvc_store_add_anchor(f->other_store, f->other_cvca.der,
	                                      f->other_cvca.len, 0, NULL),
	                 CVC_OK);
}

static void open_badge(fixture *f)
{
	cvc_diag d;

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_badge.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->state, sizeof(f->state), "%s/badge.state", f->dir);
	f->w = calloc(1, sizeof(*f->w));
	ck_assert_ptr_nonnull(f->w);
	ck_assert_int_eq(vbadge_open(f->state, &f->w->vb, &d), CVC_OK);
	ck_assert_int_eq(cvc_card_open_function(wrap_process, f->w, &f->card),
	                 CVC_OK);
}

/* Removes the badge's directory: its state file and any temporary file
 * an interrupted write left (the directory is flat). */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void fixture_free(fixture *f)
{
	cvc_card_free(&f->card);
	vbadge_free(&f->w->vb);
	free(f->w);
	remove_dir(f->dir);
	cvc_store_free(&f->store);
	cvc_store_free(&f->other_store);
	testpki_free(&f->term_none);
	testpki_free(&f->term_read);
	testpki_free(&f->term_all);
	testpki_free(&f->dv);
	testpki_free(&f->cvca);
	testpki_free(&f->other_cvca);
}

static cvc_span span_of(const testpki_cert *c)
{
	return (cvc_span){c->der, c->len};
}

/* Issues the badge certificate for the key the card generated. */
static void issue_badge(fixture *f, const uint8_t *pub, size_t pub_len,
                        const char *chr, const char *from, const char *to)
{
	uint8_t *der = NULL;
	size_t len = 0;
	cvc_diag d;
	cvc_cert t;

	memset(&t, 0, sizeof(t));
	t.kind = CVC_KIND_CERT;
	t.profile = CVC_PROFILE_TR03110;
	t.cpi = CVC_CPI_TR03110;
	t.chr = testpki_span(chr);
	ck_assert_int_eq(cvc_pubkey_decode(pub, pub_len, 0, &t.key, NULL),
	                 CVC_OK);
	t.has_chat = true;
	t.chat.oid = (cvc_span){testpki_id_at, sizeof(testpki_id_at)};
	t.chat.bits = (cvc_span){chat_badge, sizeof(chat_badge)};
	t.has_dates = true;
	t.effective = testpki_date(from);
	t.expiration = testpki_date(to);
	ck_assert_int_eq(
	    cvc_issue_cert(&t, f->dv.key, &f->dv.cert, 0, &der, &len, &d),
	    CVC_OK);
	ck_assert_uint_le(len, sizeof(f->badge));
	memcpy(f->badge, der, len);
	f->badge_len = len;
	free(der);
}

static void generate_and_issue(fixture *f, const char *chr, const char *from)
{
	uint8_t pub[1024];
	size_t pub_len = 0;
	cvc_diag d;
	cvc_err err;

	err = cvc_badge_generate_key(
	    f->card, cvc_algo_from_name("id-TA-ECDSA-SHA-256"),
	    "brainpoolP256r1", 0, pub, sizeof(pub), &pub_len, &d);
	ck_assert_msg(err == CVC_OK, "generate: %s", cvc_strerror(err));
	ck_assert_uint_eq(pub[0], 0x7F);
	ck_assert_uint_eq(pub[1], 0x49);
	issue_badge(f, pub, pub_len, chr, from, "2025-09-30");
}

static void expect_ok(cvc_err err, const cvc_diag *d, const char *what)
{
	char line[256] = "";

	if (err != CVC_OK)
		cvc_diag_format(d, line, sizeof(line));
	ck_assert_msg(err == CVC_OK, "%s: %s (%s)", what, cvc_strerror(err),
	              line);
}

/* SPEC.md 8, personalization, steps 1 to 7. */
static void personalize(fixture *f)
{
	cvc_badge_info info;
	cvc_diag d;

	memset(&d, 0, sizeof(d));
	expect_ok(cvc_badge_select(f->card, &info, &d), &d, "select");
	ck_assert_int_eq(info.state, CVC_BADGE_BLANK);
	ck_assert(!info.has_card_date);
	expect_ok(cvc_badge_put_anchor(f->card, span_of(&f->cvca), &d), &d,
	          "anchor");
	generate_and_issue(f, BADGE_CHR, "2025-07-01");
	expect_ok(cvc_badge_put_chain(f->card,
	                              (cvc_span){f->badge, f->badge_len},
	                              span_of(&f->dv), &d),
	          &d, "chain");
	memset(&f->holder, 0, sizeof(f->holder));
	strcpy(f->holder.name, "Dr. Jürgen Müller");
	strcpy(f->holder.staff_id, "S-004711");
	strcpy(f->holder.department, "Radiology");
	expect_ok(cvc_badge_put_holder(f->card, &f->holder, &d), &d, "holder");
	expect_ok(cvc_badge_set_pin(f->card, BADGE_PIN, &d), &d, "PIN");
	expect_ok(cvc_badge_activate(f->card, &d), &d, "activate");
	expect_ok(cvc_badge_select(f->card, &info, &d), &d, "select");
	ck_assert_int_eq(info.state, CVC_BADGE_PERSONALIZED);
	ck_assert_uint_eq(info.pin_tries, 3);
	ck_assert(info.has_card_date);
}

static void setup_badge(fixture *f)
{
	memset(f, 0, sizeof(*f));
	build_pki(f);
	open_badge(f);
	personalize(f);
}

static void door_policy(const fixture *f, cvc_badge_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->store = f->store;
	p->at = testpki_date("2025-07-15");
}

static cvc_err authenticate(fixture *f, const cvc_badge_policy *p,
                            cvc_badge_result *res)
{
	return cvc_badge_authenticate(f->card, p, res);
}

#define ck_assert_refused(res, why, chk)                                       \
	do {                                                                   \
		ck_assert_msg((res)->decision == CVC_BADGE_REFUSE,             \
		              "decision %d: %s", (res)->decision,              \
		              (res)->detail);                                  \
		ck_assert_msg((res)->reason == (why), "reason %s: %s",         \
		              cvc_strerror((res)->reason), (res)->detail);     \
		ck_assert_str_eq((res)->check, (chk));                         \
		ck_assert_uint_gt(strlen((res)->detail), 0);                   \
		ck_assert_ptr_null(strchr((res)->detail, '\n'));               \
	} while (0)

/* ------------------------------------------------------------------ */
/* Personalization and the door                                        */

START_TEST(door_accepts_with_one_exchange)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	const size_t need[] = {0, 8};

	setup_badge(&f);
	door_policy(&f, &p);
	p.required_bits = need;
	p.n_required = 2;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_msg(res.decision == CVC_BADGE_ACCEPT, "%s", res.detail);
	ck_assert_int_eq(res.reason, CVC_OK);
	ck_assert_ptr_null(res.check);
	/* SPEC.md 5.5: after SELECT, one extended INTERNAL AUTHENTICATE. */
	ck_assert_uint_eq(res.exchanges, 1);
	ck_assert_uint_gt(f.w->extended, 0);
	ck_assert_str_eq(res.holder_chr, BADGE_CHR);
	ck_assert_str_eq(res.dv_chr, "DEHOSPDV00001");
	ck_assert_str_eq(res.anchor, "DEHOSPCVCA00001");
	ck_assert_int_eq(res.state, CVC_BADGE_PERSONALIZED);
	ck_assert_int_eq(res.type, CVC_TT_AT);
	ck_assert_uint_eq(res.rights_len, 5);
	ck_assert_mem_eq(res.rights, chat_badge, 5);
	ck_assert_uint_eq(res.effective.month, 7);
	ck_assert_uint_eq(res.expiration.month, 9);
	ck_assert(!res.pin_verified);
	ck_assert(!res.terminal_authenticated);
	ck_assert(!res.has_holder);
	fixture_free(&f);
}
END_TEST

START_TEST(short_mode_takes_three_exchanges)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;

	setup_badge(&f);
	/* A card whose FCI offers less than 1024 octets gets short APDUs
	 * only; so does every NFC reader. */
	f.w->small_buffers = true;
	f.w->extended = 0;
	door_policy(&f, &p);
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_msg(res.decision == CVC_BADGE_ACCEPT, "%s", res.detail);
	ck_assert_uint_eq(f.w->extended, 0);
	/* SPEC.md 5.5: ceil(L / 256) exchanges; about 530 octets for a
	 * brainpoolP256r1 badge. */
	ck_assert_uint_gt(f.w->auth_len, 512);
	ck_assert_uint_le(f.w->auth_len, 768);
	ck_assert_uint_eq(res.exchanges, 3);
	fixture_free(&f);
}
END_TEST

START_TEST(status_and_reads_after_personalization)
{
	fixture f;
	cvc_badge_info info;
	cvc_badge_holder h;
	cvc_cert badge, dv;
	uint8_t buf[CVC_BADGE_MAX_CHAIN];
	size_t len = 0;
	cvc_diag d;

	setup_badge(&f);
	expect_ok(cvc_badge_status(f.card, &info, &d), &d, "status");
	ck_assert_int_eq(info.state, CVC_BADGE_PERSONALIZED);
	ck_assert_uint_eq(info.version, 0x0100);
	ck_assert_uint_ge(info.max_command, 1024);
	ck_assert_uint_ge(info.max_response, 1024);
	/* [DATE-1]: the latest CED of anchor, DV and badge certificate. */
	ck_assert(info.has_card_date);
	ck_assert_uint_eq(info.card_date.year, 2025);
	ck_assert_uint_eq(info.card_date.month, 7);
	ck_assert_uint_eq(info.card_date.day, 1);

	expect_ok(cvc_badge_read_chain(f.card, buf, sizeof(buf), &len, &d), &d,
	          "chain");
	ck_assert_uint_eq(len, f.badge_len + f.dv.len);
	ck_assert_mem_eq(buf, f.badge, f.badge_len);
	expect_ok(cvc_badge_split_chain(buf, len, &badge, &dv, &d), &d,
	          "split");
	ck_assert_uint_eq(dv.raw.len, f.dv.len);
	ck_assert_int_eq(cvc_badge_read_chain(f.card, buf, 10, &len, &d),
	                 CVC_ERR_BUFFER_TOO_SMALL);
	expect_ok(cvc_badge_read_anchor(f.card, buf, sizeof(buf), &len, &d), &d,
	          "anchor");
	ck_assert_uint_eq(len, f.cvca.len);
	ck_assert_mem_eq(buf, f.cvca.der, len);

	/* [GD-2]: no right, no PIN: nothing. */
	ck_assert_int_eq(cvc_badge_read_holder(f.card, &h, &d),
	                 CVC_ERR_CARD_STATUS);
	ck_assert_uint_eq(d.tag, 0x6982);
	ck_assert_str_eq(d.reason, "6982 security status not satisfied");
	ck_assert_str_eq(h.name, "");
	/* With the PIN verified, the holder reads her own data. */
	expect_ok(cvc_badge_verify_pin(f.card, BADGE_PIN, NULL, &d), &d,
	          "verify");
	expect_ok(cvc_badge_read_holder(f.card, &h, &d), &d, "holder");
	ck_assert_str_eq(h.name, f.holder.name);
	ck_assert_str_eq(h.staff_id, f.holder.staff_id);
	ck_assert_str_eq(h.department, f.holder.department);
	fixture_free(&f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Refusals                                                            */

typedef void door_tweak(fixture *f, cvc_badge_policy *p);

/*
 * A personalized badge at the door, the policy changed by `tweak`: the
 * card answers, and the host refuses for `why` in check `check`, naming
 * `detail_word` (when not NULL) in the detail. *res is left for more checks.
 */
static void door_refusal(door_tweak *tweak, cvc_err why, const char *check,
                         const char *detail_word, cvc_badge_result *res)
{
	fixture f;
	cvc_badge_policy p;

	setup_badge(&f);
	door_policy(&f, &p);
	tweak(&f, &p);
	ck_assert_int_eq(authenticate(&f, &p, res), CVC_OK);
	ck_assert_refused(res, why, check);
	if (detail_word != NULL)
		ck_assert_ptr_nonnull(strstr(res->detail, detail_word));
	fixture_free(&f);
}

static void at_october(fixture *f, cvc_badge_policy *p)
{
	(void)f;
	p->at = testpki_date("2025-10-01");
}

START_TEST(expired_badge_refused)
{
	cvc_badge_result res;

	door_refusal(at_october, CVC_ERR_EXPIRED, "dates", BADGE_CHR, &res);
	ck_assert_str_eq(res.holder_chr, BADGE_CHR);
}
END_TEST

START_TEST(revoked_badge_refused)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	uint8_t der[1024];
	cvc_crl crl;
	const testpki_revoked list[] = {{BADGE_CHR, "2025-07-10"}};

	setup_badge(&f);
	/* cvc_crl_encode, signed with the DV key */
	testpki_crl(&f.dv, NULL, "2025-07-12", "2025-08-12", list, 1, der,
	            sizeof(der), &crl);
	door_policy(&f, &p);
	p.crl = &crl;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_refused(&res, CVC_ERR_REVOKED, "revocation");
	/* Before the revocation date the badge was fine. */
	p.at = testpki_date("2025-07-05");
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_msg(res.decision == CVC_BADGE_ACCEPT, "%s", res.detail);
	/* Policy demands a list, there is none. */
	p.crl = NULL;
	p.chain_flags = CVC_CHAIN_REQUIRE_CRL;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_refused(&res, CVC_ERR_CRL_STALE, "no revocation list");
	fixture_free(&f);
}
END_TEST

static void other_store(fixture *f, cvc_badge_policy *p)
{
	p->store = f->other_store;
}

START_TEST(foreign_anchor_refused)
{
	cvc_badge_result res;

	door_refusal(other_store, CVC_ERR_UNKNOWN_ISSUER, "issuer", NULL, &res);
}
END_TEST

static void need_b2_and_b4(fixture *f, cvc_badge_policy *p)
{
	static const size_t need[] = {2, 4};

	(void)f;
	p->required_bits = need;
	p->n_required = 2;
}

START_TEST(missing_right_refused)
{
	cvc_badge_result res;

	door_refusal(need_b2_and_b4, CVC_ERR_NOT_AUTHORIZED, "rights", "b4",
	             &res);
}
END_TEST

static void pin_required(fixture *f, cvc_badge_policy *p)
{
	(void)f;
	p->require_pin = true;
}

START_TEST(require_pin_without_pin_refused)
{
	cvc_badge_result res;

	door_refusal(pin_required, CVC_ERR_CARD_STATUS, "PIN", "6982", &res);
}
END_TEST

START_TEST(workstation_with_pin_accepted)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;

	setup_badge(&f);
	door_policy(&f, &p);
	p.require_pin = true;
	p.pin = BADGE_PIN;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_msg(res.decision == CVC_BADGE_ACCEPT, "%s", res.detail);
	ck_assert(res.pin_verified);
	ck_assert_uint_eq(res.exchanges, 2); /* VERIFY, INTERNAL AUTH. */
	/* The PIN never reaches the log hook; the card got it. */
	ck_assert(contains(f.w->seen, f.w->seen_len, BADGE_PIN));
	fixture_free(&f);
}
END_TEST

START_TEST(wrong_pin_refused)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	int tries = 99;
	cvc_diag d;

	setup_badge(&f);
	door_policy(&f, &p);
	p.require_pin = true;
	p.pin = "654321";
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_refused(&res, CVC_ERR_CARD_STATUS, "PIN");
	ck_assert_ptr_nonnull(strstr(res.detail, "63C2"));
	ck_assert_uint_eq(res.exchanges, 1);
	/* [PIN-2]: asking costs no try. */
	ck_assert_int_eq(cvc_badge_verify_pin(f.card, NULL, &tries, &d),
	                 CVC_ERR_CARD_STATUS);
	ck_assert_int_eq(tries, 2);
	ck_assert_int_eq(cvc_badge_verify_pin(f.card, "111111", &tries, &d),
	                 CVC_ERR_CARD_STATUS);
	ck_assert_int_eq(tries, 1);
	expect_ok(cvc_badge_verify_pin(f.card, BADGE_PIN, &tries, &d), &d,
	          "verify");
	ck_assert_int_eq(tries, 3);
	fixture_free(&f);
}
END_TEST

static void tamper_signature(fixture *f, cvc_badge_policy *p)
{
	(void)p;
	f->w->flip_signature = true;
}

START_TEST(tampered_signature_refused)
{
	cvc_badge_result res;

	door_refusal(tamper_signature, CVC_ERR_SIGNATURE, "signature", NULL,
	             &res);
}
END_TEST

START_TEST(blank_and_foreign_cards_refused)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;

	memset(&f, 0, sizeof(f));
	build_pki(&f);
	open_badge(&f);
	door_policy(&f, &p);
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_refused(&res, CVC_ERR_CARD_STATUS, "state");
	ck_assert_int_eq(res.state, CVC_BADGE_BLANK);
	ck_assert_ptr_nonnull(strstr(res.detail, "blank"));

	f.w->foreign = true;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_refused(&res, CVC_ERR_CARD_STATUS, "select");
	ck_assert_ptr_nonnull(strstr(res.detail, "6A82"));
	fixture_free(&f);
}
END_TEST

START_TEST(removed_card_is_an_error)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	cvc_diag d;

	setup_badge(&f);
	door_policy(&f, &p);
	/* SELECT goes through, INTERNAL AUTHENTICATE does not. */
	f.w->remove_after = f.w->commands + 1;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_ERR_CARD_REMOVED);
	ck_assert_int_eq(res.decision, CVC_BADGE_ERROR);
	ck_assert_int_eq(res.reason, CVC_ERR_CARD_REMOVED);
	ck_assert_str_eq(res.check, "internal authenticate");
	ck_assert_uint_eq(res.exchanges, 1);
	/* Gone before SELECT. */
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_ERR_CARD_REMOVED);
	ck_assert_int_eq(res.decision, CVC_BADGE_ERROR);
	ck_assert_uint_eq(res.exchanges, 0);
	ck_assert_int_eq(cvc_badge_select(f.card, NULL, &d),
	                 CVC_ERR_CARD_REMOVED);
	fixture_free(&f);
}
END_TEST

START_TEST(policy_must_be_usable)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;

	setup_badge(&f);
	door_policy(&f, &p);
	p.store = NULL;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(res.decision, CVC_BADGE_ERROR);
	door_policy(&f, &p);
	p.terminal_key = f.term_all.key; /* without certificates */
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_ERR_INVALID_ARG);
	door_policy(&f, &p);
	p.n_required = 1; /* without the bits */
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_ERR_INVALID_ARG);
	door_policy(&f, &p);
	p.pin = "12"; /* not a PIN: the host's mistake, no decision */
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(res.decision, CVC_BADGE_ERROR);
	ck_assert_int_eq(cvc_badge_authenticate(f.card, &p, NULL),
	                 CVC_ERR_INVALID_ARG);
	fixture_free(&f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Terminal authentication, renewal, termination                       */

static void terminal_chain(const fixture *f, const testpki_cert *term,
                           cvc_span certs[2])
{
	certs[0] = span_of(&f->dv);
	certs[1] = span_of(term);
}

START_TEST(terminal_with_right_reads_holder)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	cvc_span certs[2];

	setup_badge(&f);
	terminal_chain(&f, &f.term_read, certs);
	door_policy(&f, &p);
	p.terminal_certs = certs;
	p.n_terminal_certs = 2;
	p.terminal_key = f.term_read.key;
	p.read_holder = true;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_msg(res.decision == CVC_BADGE_ACCEPT, "%s", res.detail);
	ck_assert(res.terminal_authenticated);
	ck_assert(res.has_holder);
	ck_assert_str_eq(res.holder.name, f.holder.name);
	ck_assert_str_eq(res.holder.staff_id, "S-004711");
	/* IA, 2 x PSO, GET CHALLENGE, EXTERNAL AUTH, GET DATA */
	ck_assert_uint_eq(res.exchanges, 6);
	fixture_free(&f);
}
END_TEST

START_TEST(terminal_without_right_gets_6982)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	cvc_badge_holder h;
	cvc_span certs[2];
	uint16_t sw = 0;
	cvc_diag d;

	setup_badge(&f);
	terminal_chain(&f, &f.term_none, certs);
	expect_ok(cvc_badge_select(f.card, NULL, &d), &d, "select");
	expect_ok(cvc_badge_terminal_auth(f.card, certs, 2, f.term_none.key,
	                                  testpki_span(BADGE_CHR), &sw, &d),
	          &d, "TA");
	ck_assert_int_eq(cvc_badge_read_holder(f.card, &h, &d),
	                 CVC_ERR_CARD_STATUS);
	ck_assert_uint_eq(d.tag, 0x6982);

	/* The integrator's call says why. */
	door_policy(&f, &p);
	p.terminal_certs = certs;
	p.n_terminal_certs = 2;
	p.terminal_key = f.term_none.key;
	p.read_holder = true;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_refused(&res, CVC_ERR_CARD_STATUS, "holder data");
	ck_assert(res.terminal_authenticated);
	ck_assert(!res.has_holder);

	/* A terminal signing for another badge: 6300 ([TA-7]). */
	expect_ok(cvc_badge_select(f.card, NULL, &d), &d, "select");
	ck_assert_int_eq(
	    cvc_badge_terminal_auth(f.card, certs, 2, f.term_none.key,
	                            testpki_span(BADGE_CHR2), &sw, &d),
	    CVC_ERR_CARD_STATUS);
	ck_assert_uint_eq(sw, 0x6300);
	/* A terminal certificate the badge cannot place: 6A88 ([TA-1]). */
	certs[0] = span_of(&f.term_none);
	ck_assert_int_eq(
	    cvc_badge_terminal_auth(f.card, certs, 1, f.term_none.key,
	                            testpki_span(BADGE_CHR), &sw, &d),
	    CVC_ERR_CARD_STATUS);
	ck_assert_uint_eq(sw, 0x6A88);
	fixture_free(&f);
}
END_TEST

START_TEST(renewal_replaces_the_key)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	cvc_badge_proof proof;
	cvc_cert old_badge, new_badge, dv;
	uint8_t old_der[CVC_BADGE_MAX_CERT], chain[CVC_BADGE_MAX_CHAIN];
	uint8_t challenge[32];
	size_t old_len;
	cvc_span certs[2];
	cvc_diag d;

	setup_badge(&f);
	memcpy(old_der, f.badge, f.badge_len);
	old_len = f.badge_len;
	ck_assert_int_eq(cvc_cert_decode(old_der, old_len, 0, &old_badge, NULL),
	                 CVC_OK);

	/* SPEC.md 8, renewal (the door's check stands for the first IA) */
	terminal_chain(&f, &f.term_all, certs);
	expect_ok(cvc_badge_select(f.card, NULL, &d), &d, "select");
	expect_ok(cvc_badge_terminal_auth(f.card, certs, 2, f.term_all.key,
	                                  testpki_span(BADGE_CHR), NULL, &d),
	          &d, "TA");
	generate_and_issue(&f, BADGE_CHR2, "2025-07-10");
	expect_ok(cvc_badge_put_chain(f.card, (cvc_span){f.badge, f.badge_len},
	                              span_of(&f.dv), &d),
	          &d, "chain");
	expect_ok(cvc_badge_activate(f.card, &d), &d, "activate");

	door_policy(&f, &p);
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_msg(res.decision == CVC_BADGE_ACCEPT, "%s", res.detail);
	ck_assert_str_eq(res.holder_chr, BADGE_CHR2);

	/* The old certificate's key signs no more. */
	memset(challenge, 0x5A, sizeof(challenge));
	expect_ok(cvc_badge_internal_auth(f.card, challenge, sizeof(challenge),
	                                  false, true, &proof, chain,
	                                  sizeof(chain), &d),
	          &d, "IA");
	expect_ok(
	    cvc_badge_split_chain(chain, proof.chain_len, &new_badge, &dv, &d),
	    &d, "split");
	expect_ok(cvc_badge_verify_proof(&new_badge, &f.cvca.cert.key,
	                                 challenge, sizeof(challenge), &proof,
	                                 &d),
	          &d, "new key");
	ck_assert_int_eq(cvc_badge_verify_proof(&old_badge, &f.cvca.cert.key,
	                                        challenge, sizeof(challenge),
	                                        &proof, &d),
	                 CVC_ERR_SIGNATURE);
	/* And the proof is bound to the challenge. */
	challenge[0] ^= 1;
	ck_assert_int_eq(cvc_badge_verify_proof(&new_badge, &f.cvca.cert.key,
	                                        challenge, sizeof(challenge),
	                                        &proof, &d),
	                 CVC_ERR_SIGNATURE);
	fixture_free(&f);
}
END_TEST

START_TEST(termination_needs_the_right)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	cvc_badge_info info;
	cvc_span certs[2];
	uint8_t buf[CVC_BADGE_MAX_CHAIN];
	size_t len = 0;
	cvc_diag d;

	setup_badge(&f);
	terminal_chain(&f, &f.term_read, certs);
	expect_ok(cvc_badge_select(f.card, NULL, &d), &d, "select");
	expect_ok(cvc_badge_terminal_auth(f.card, certs, 2, f.term_read.key,
	                                  testpki_span(BADGE_CHR), NULL, &d),
	          &d, "TA");
	ck_assert_int_eq(cvc_badge_terminate(f.card, &d), CVC_ERR_CARD_STATUS);
	ck_assert_uint_eq(d.tag, 0x6982);

	terminal_chain(&f, &f.term_all, certs);
	expect_ok(cvc_badge_select(f.card, NULL, &d), &d, "select");
	expect_ok(cvc_badge_terminal_auth(f.card, certs, 2, f.term_all.key,
	                                  testpki_span(BADGE_CHR), NULL, &d),
	          &d, "TA");
	expect_ok(cvc_badge_terminate(f.card, &d), &d, "terminate");

	/* [SEL-1]: 6285 and the FCI; the certificates stay readable. */
	expect_ok(cvc_badge_select(f.card, &info, &d), &d, "select");
	ck_assert_int_eq(info.state, CVC_BADGE_TERMINATED);
	expect_ok(cvc_badge_read_chain(f.card, buf, sizeof(buf), &len, &d), &d,
	          "chain");
	ck_assert_uint_eq(len, f.badge_len + f.dv.len);

	door_policy(&f, &p);
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_refused(&res, CVC_ERR_CARD_STATUS, "state");
	ck_assert_int_eq(res.state, CVC_BADGE_TERMINATED);
	ck_assert_ptr_nonnull(strstr(res.detail, "terminated"));
	fixture_free(&f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Logging and the host's own checks                                   */

typedef struct log_probe {
	unsigned commands;
	uint8_t seen[65536];
	size_t seen_len;
} log_probe;

static void probe_log(void *ctx, bool is_command, const uint8_t *apdu,
                      size_t len)
{
	log_probe *p = ctx;

	if (!is_command)
		return;
	p->commands++;
	if (len <= sizeof(p->seen) - p->seen_len) {
		memcpy(p->seen + p->seen_len, apdu, len);
		p->seen_len += len;
	}
}

START_TEST(log_hook_kept_and_pin_masked)
{
	fixture f;
	cvc_badge_policy p;
	cvc_badge_result res;
	log_probe *probe = calloc(1, sizeof(*probe));

	ck_assert_ptr_nonnull(probe);
	setup_badge(&f);
	cvc_card_set_log(f.card, probe_log, probe);
	door_policy(&f, &p);
	p.pin = BADGE_PIN;
	ck_assert_int_eq(authenticate(&f, &p, &res), CVC_OK);
	ck_assert_msg(res.decision == CVC_BADGE_ACCEPT, "%s", res.detail);
	/* The caller's hook saw SELECT and every counted exchange. */
	ck_assert_uint_eq(probe->commands, res.exchanges + 1);
	ck_assert(!contains(probe->seen, probe->seen_len, BADGE_PIN));
	/* ... and is still installed afterwards. */
	probe->commands = 0;
	ck_assert_int_eq(cvc_badge_select(f.card, NULL, NULL), CVC_OK);
	ck_assert_uint_eq(probe->commands, 1);
	cvc_card_set_log(f.card, NULL, NULL);
	free(probe);
	fixture_free(&f);
}
END_TEST

START_TEST(host_checks_arguments_before_sending)
{
	fixture f;
	uint8_t pub[1024], ch[16] = {0};
	size_t len = 0;
	cvc_badge_proof proof;
	cvc_diag d;
	unsigned before;

	setup_badge(&f);
	before = f.w->commands;
	ck_assert_int_eq(cvc_badge_verify_pin(f.card, "12345", NULL, &d),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_badge_verify_pin(f.card, "12345a", NULL, &d),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_badge_set_pin(f.card, "1234567890123", &d),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_badge_change_pin(f.card, BADGE_PIN, "x", NULL, &d),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_eq(cvc_badge_generate_key(
	                     f.card, cvc_algo_from_name("id-TA-ECDSA-SHA-256"),
	                     "secp256k1", 0, pub, sizeof(pub), &len, &d),
	                 CVC_ERR_UNSUPPORTED);
	ck_assert_int_eq(
	    cvc_badge_generate_key(f.card,
	                           cvc_algo_from_name("id-TA-RSA-v1-5-SHA-256"),
	                           NULL, 1024, pub, sizeof(pub), &len, &d),
	    CVC_ERR_UNSUPPORTED);
	ck_assert_int_eq(cvc_badge_internal_auth(f.card, ch, 15, false, false,
	                                         &proof, NULL, 0, &d),
	                 CVC_ERR_INVALID_ARG);
	ck_assert_int_ne(cvc_badge_put_anchor(f.card, (cvc_span){ch, 16}, &d),
	                 CVC_OK);
	ck_assert_uint_eq(f.w->commands, before);
	fixture_free(&f);
}
END_TEST

START_TEST(pin_change_and_card_errors)
{
	fixture f;
	int tries = -1;
	cvc_diag d;

	setup_badge(&f);
	ck_assert_int_eq(
	    cvc_badge_change_pin(f.card, "000000", "246810", &tries, &d),
	    CVC_ERR_CARD_STATUS);
	ck_assert_int_eq(tries, 2);
	ck_assert_str_eq(d.field, "CHANGE REFERENCE DATA");
	expect_ok(cvc_badge_change_pin(f.card, BADGE_PIN, "246810", &tries, &d),
	          &d, "change");
	expect_ok(cvc_badge_verify_pin(f.card, "246810", &tries, &d), &d,
	          "verify");
	/* [LC-5]: no personalization of a personalized badge. */
	ck_assert_int_eq(cvc_badge_put_anchor(f.card, span_of(&f.cvca), &d),
	                 CVC_ERR_CARD_STATUS);
	ck_assert_uint_eq(d.tag, 0x6985);
	ck_assert_str_eq(d.reason, "6985 not allowed in this state or order");
	fixture_free(&f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The parsers on their own                                            */

static const uint8_t fci_ok[] = {
    0x6F, 0x1F, 0x84, 0x09, 0xF0, 0x6C, 0x69, 0x62, 0x63, 0x76, 0x63,
    0x42, 0x01, 0xA5, 0x12, 0x80, 0x01, 0x05, 0x81, 0x02, 0x01, 0x00,
    0x82, 0x01, 0x03, 0x83, 0x02, 0x10, 0x00, 0x84, 0x02, 0x10, 0x00};

START_TEST(info_parse_strict)
{
	uint8_t b[64];
	cvc_badge_info info;
	cvc_diag d;

	ck_assert_int_eq(
	    cvc_badge_info_parse(fci_ok, sizeof(fci_ok), &info, &d), CVC_OK);
	ck_assert_int_eq(info.state, CVC_BADGE_PERSONALIZED);
	ck_assert_uint_eq(info.max_command, 4096);
	ck_assert(!info.has_card_date);
	/* The A5 template alone (GET DATA 0104). */
	ck_assert_int_eq(
	    cvc_badge_info_parse(fci_ok + 13, sizeof(fci_ok) - 13, &info, &d),
	    CVC_OK);
	/* Truncated anywhere. */
	for (size_t n = 0; n < sizeof(fci_ok); n++)
		ck_assert_int_ne(cvc_badge_info_parse(fci_ok, n, &info, &d),
		                 CVC_OK);
	/* Trailing octet. */
	memcpy(b, fci_ok, sizeof(fci_ok));
	b[sizeof(fci_ok)] = 0x00;
	ck_assert_int_eq(cvc_badge_info_parse(b, sizeof(fci_ok) + 1, &info, &d),
	                 CVC_ERR_TRAILING_DATA);
	/* Another AID. */
	memcpy(b, fci_ok, sizeof(fci_ok));
	b[12] = 0x02;
	ck_assert_int_eq(cvc_badge_info_parse(b, sizeof(fci_ok), &info, &d),
	                 CVC_ERR_BAD_VALUE);
	/* Unknown life cycle status. */
	memcpy(b, fci_ok, sizeof(fci_ok));
	b[17] = 0x07;
	ck_assert_int_eq(cvc_badge_info_parse(b, sizeof(fci_ok), &info, &d),
	                 CVC_ERR_BAD_VALUE);
	ck_assert_str_eq(d.field, "life cycle status");
	/* 4 PIN tries. */
	memcpy(b, fci_ok, sizeof(fci_ok));
	b[24] = 0x04;
	ck_assert_int_eq(cvc_badge_info_parse(b, sizeof(fci_ok), &info, &d),
	                 CVC_ERR_BAD_VALUE);
	/* 81 and 82 swapped: out of order. */
	memcpy(b, fci_ok, sizeof(fci_ok));
	b[18] = 0x82;
	ck_assert_int_ne(cvc_badge_info_parse(b, sizeof(fci_ok), &info, &d),
	                 CVC_OK);
	/* Non-minimal length (DER). */
	{
		const uint8_t nm[] = {0xA5, 0x81, 0x12, 0x80, 0x01, 0x05, 0x81,
		                      0x02, 0x01, 0x00, 0x82, 0x01, 0x03, 0x83,
		                      0x02, 0x10, 0x00, 0x84, 0x02, 0x10, 0x00};
		ck_assert_int_eq(
		    cvc_badge_info_parse(nm, sizeof(nm), &info, &d),
		    CVC_ERR_NONMINIMAL_LENGTH);
	}
	/* Card date, then an object of a later version (ignored). */
	{
		const uint8_t later[] = {
		    0xA5, 0x1C, 0x80, 0x01, 0x05, 0x81, 0x02, 0x01, 0x00, 0x82,
		    0x01, 0x03, 0x83, 0x02, 0x10, 0x00, 0x84, 0x02, 0x10, 0x00,
		    0x85, 0x06, 0x02, 0x05, 0x00, 0x07, 0x01, 0x05, 0x86, 0x00};
		ck_assert_int_eq(
		    cvc_badge_info_parse(later, sizeof(later), &info, &d),
		    CVC_OK);
		ck_assert(info.has_card_date);
		ck_assert_uint_eq(info.card_date.year, 2025);
		ck_assert_uint_eq(info.card_date.day, 15);
		uint8_t bad[sizeof(later)];
		memcpy(bad, later, sizeof(later));
		bad[24] = 0x01; /* month 13 */
		bad[25] = 0x03;
		ck_assert_int_eq(
		    cvc_badge_info_parse(bad, sizeof(bad), &info, &d),
		    CVC_ERR_BAD_DATE);
	}
}
END_TEST

START_TEST(holder_round_trip_and_rejects)
{
	cvc_badge_holder h, back;
	uint8_t buf[256];
	size_t len = 0;
	cvc_diag d;

	memset(&h, 0, sizeof(h));
	strcpy(h.name, "Zoë Ångström");
	strcpy(h.staff_id, "A1");
	ck_assert_int_eq(
	    cvc_badge_holder_encode(&h, buf, sizeof(buf), &len, &d), CVC_OK);
	/* No empty 82. */
	ck_assert_uint_eq(len, 2 + 2 + strlen(h.name) + 2 + 2);
	ck_assert_int_eq(cvc_badge_holder_decode(buf, len, &back, &d), CVC_OK);
	ck_assert_str_eq(back.name, h.name);
	ck_assert_str_eq(back.department, "");
	ck_assert_int_eq(cvc_badge_holder_encode(&h, buf, 4, &len, &d),
	                 CVC_ERR_BUFFER_TOO_SMALL);

	/* Longest of everything fits SPEC.md 10's 170 octets. */
	memset(h.name, 'n', CVC_BADGE_NAME_MAX);
	memset(h.staff_id, 's', CVC_BADGE_STAFF_ID_MAX);
	memset(h.department, 'd', CVC_BADGE_DEPT_MAX);
	ck_assert_int_eq(
	    cvc_badge_holder_encode(&h, buf, sizeof(buf), &len, &d), CVC_OK);
	ck_assert_uint_le(len, 170);
	ck_assert_int_eq(cvc_badge_holder_decode(buf, len, &back, &d), CVC_OK);
	ck_assert_uint_eq(strlen(back.department), CVC_BADGE_DEPT_MAX);

	/* Not NUL-terminated. */
	memset(h.staff_id, 's', sizeof(h.staff_id));
	ck_assert_int_eq(
	    cvc_badge_holder_encode(&h, buf, sizeof(buf), &len, &d),
	    CVC_ERR_INVALID_ARG);

	const struct {
		const char *hex_note;
		uint8_t der[24];
		size_t len;
		cvc_err want;
	} bad[] = {
	    {"newline in name",
	     {0x65, 0x07, 0x80, 0x02, 'A', '\n', 0x81, 0x01, 'x'},
	     9,
	     CVC_ERR_BAD_STRING},
	    {"overlong UTF-8",
	     {0x65, 0x07, 0x80, 0x02, 0xC0, 0x80, 0x81, 0x01, 'x'},
	     9,
	     CVC_ERR_BAD_STRING},
	    {"surrogate",
	     {0x65, 0x08, 0x80, 0x03, 0xED, 0xA0, 0x80, 0x81, 0x01, 'x'},
	     10,
	     CVC_ERR_BAD_STRING},
	    {"truncated UTF-8",
	     {0x65, 0x06, 0x80, 0x01, 0xC3, 0x81, 0x01, 'x'},
	     8,
	     CVC_ERR_BAD_STRING},
	    {"C1 control",
	     {0x65, 0x07, 0x80, 0x02, 0xC2, 0x85, 0x81, 0x01, 'x'},
	     9,
	     CVC_ERR_BAD_STRING},
	    {"UTF-8 staff ID",
	     {0x65, 0x07, 0x80, 0x01, 'A', 0x81, 0x02, 0xC3, 0xA9},
	     9,
	     CVC_ERR_BAD_STRING},
	    {"empty name",
	     {0x65, 0x05, 0x80, 0x00, 0x81, 0x01, 'x'},
	     7,
	     CVC_ERR_BAD_LENGTH},
	    {"no staff ID",
	     {0x65, 0x03, 0x80, 0x01, 'A'},
	     5,
	     CVC_ERR_MISSING_FIELD},
	    {"extra object",
	     {0x65, 0x08, 0x80, 0x01, 'A', 0x81, 0x01, 'x', 0x83, 0x00},
	     10,
	     CVC_ERR_TRAILING_DATA},
	    {"trailing octet",
	     {0x65, 0x06, 0x80, 0x01, 'A', 0x81, 0x01, 'x', 0x00},
	     9,
	     CVC_ERR_TRAILING_DATA},
	    {"length beyond",
	     {0x65, 0x09, 0x80, 0x01, 'A', 0x81, 0x01, 'x'},
	     8,
	     CVC_ERR_TRUNCATED},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cvc_err err =
		    cvc_badge_holder_decode(bad[i].der, bad[i].len, &back, &d);
		ck_assert_msg(err == bad[i].want, "%s: %s", bad[i].hex_note,
		              cvc_strerror(err));
		ck_assert_str_eq(back.name, "");
	}
	/* Empty 82 from a card is accepted. */
	{
		const uint8_t ok[] = {0x65, 0x08, 0x80, 0x01, 'A',
		                      0x81, 0x01, 'x',  0x82, 0x00};
		ck_assert_int_eq(
		    cvc_badge_holder_decode(ok, sizeof(ok), &back, &d), CVC_OK);
	}
}
END_TEST

START_TEST(split_chain_strict)
{
	fixture f;
	uint8_t buf[2 * TESTPKI_MAX_DER + 1];
	cvc_cert badge, dv;
	cvc_diag d;
	size_t n;

	memset(&f, 0, sizeof(f));
	build_pki(&f);
	/* DV || terminal: terminal's CAR is the DV, but order matters. */
	memcpy(buf, f.term_all.der, f.term_all.len);
	memcpy(buf + f.term_all.len, f.dv.der, f.dv.len);
	n = f.term_all.len + f.dv.len;
	ck_assert_int_eq(cvc_badge_split_chain(buf, n, &badge, &dv, &d),
	                 CVC_OK);
	ck_assert_uint_eq(badge.raw.len, f.term_all.len);
	/* One certificate only. */
	ck_assert_int_eq(
	    cvc_badge_split_chain(buf, f.term_all.len, &badge, &dv, &d),
	    CVC_ERR_MISSING_FIELD);
	/* Trailing octet after the DV. */
	buf[n] = 0x00;
	ck_assert_int_ne(cvc_badge_split_chain(buf, n + 1, &badge, &dv, &d),
	                 CVC_OK);
	/* Truncated. */
	ck_assert_int_ne(cvc_badge_split_chain(buf, n - 1, &badge, &dv, &d),
	                 CVC_OK);
	ck_assert_uint_gt(d.offset, f.term_all.len - 1);
	/* The second certificate is not the first one's issuer. */
	memcpy(buf + f.term_all.len, f.cvca.der, f.cvca.len);
	ck_assert_int_eq(cvc_badge_split_chain(buf, f.term_all.len + f.cvca.len,
	                                       &badge, &dv, &d),
	                 CVC_ERR_UNKNOWN_ISSUER);
	cvc_store_free(&f.store);
	cvc_store_free(&f.other_store);
	testpki_free(&f.term_none);
	testpki_free(&f.term_read);
	testpki_free(&f.term_all);
	testpki_free(&f.dv);
	testpki_free(&f.cvca);
	testpki_free(&f.other_cvca);
}
END_TEST

static Suite *badge_suite(void)
{
	Suite *s = suite_create("badge");
	TCase *door = tcase_create("door");
	TCase *manage = tcase_create("manage");
	TCase *parse = tcase_create("parse");

	tcase_add_test(door, door_accepts_with_one_exchange);
	tcase_add_test(door, short_mode_takes_three_exchanges);
	tcase_add_test(door, status_and_reads_after_personalization);
	tcase_add_test(door, expired_badge_refused);
	tcase_add_test(door, revoked_badge_refused);
	tcase_add_test(door, foreign_anchor_refused);
	tcase_add_test(door, missing_right_refused);
	tcase_add_test(door, require_pin_without_pin_refused);
	tcase_add_test(door, workstation_with_pin_accepted);
	tcase_add_test(door, wrong_pin_refused);
	tcase_add_test(door, tampered_signature_refused);
	tcase_add_test(door, blank_and_foreign_cards_refused);
	tcase_add_test(door, removed_card_is_an_error);
	tcase_add_test(door, policy_must_be_usable);
	suite_add_tcase(s, door);

	tcase_add_test(manage, terminal_with_right_reads_holder);
	tcase_add_test(manage, terminal_without_right_gets_6982);
	tcase_add_test(manage, renewal_replaces_the_key);
	tcase_add_test(manage, termination_needs_the_right);
	tcase_add_test(manage, log_hook_kept_and_pin_masked);
	tcase_add_test(manage, host_checks_arguments_before_sending);
	tcase_add_test(manage, pin_change_and_card_errors);
	suite_add_tcase(s, manage);

	tcase_add_test(parse, info_parse_strict);
	tcase_add_test(parse, holder_round_trip_and_rejects);
	tcase_add_test(parse, split_chain_strict);
	suite_add_tcase(s, parse);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(badge_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
