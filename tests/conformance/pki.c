/* SPDX-License-Identifier: MIT */
/*
 * The suite's test PKI, built in-process with real keys at start: the trust
 * anchor, DVs and terminals with and without each right, a link
 * certificate, expired, late, wrongly signed and wrongly issued
 * certificates. Certificates are encoded and signed directly (not through
 * cvc_issue_cert) so that the suite can also make the ones an issuer must
 * refuse to make: a terminal claiming rights its DV lacks, a DV issued by a
 * DV, a broken signature.
 */
#include <string.h>

#include "conformance.h"

/* TR-03110-3 A.7.5.x: id-AT and id-IS terminal types (value octets). */
static const uint8_t oid_id_at[9] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                     0x03, 0x01, 0x02, 0x02};
static const uint8_t oid_id_is[9] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                     0x03, 0x01, 0x02, 0x01};

#define CURVE          "brainpoolP256r1"
#define ALGO           "id-TA-ECDSA-SHA-256"
#define AT_CHAT_LEN    5u
#define AT_ACCESS_BITS 38u

static cvc_signer *new_key(void)
{
	const cvc_algo *algo = cvc_algo_from_name(ALGO);
	cvc_signer *s = NULL;

	ck_assert_ptr_nonnull(algo);
	ck_assert_int_eq(cvc_signer_generate(CURVE, algo, &s), CVC_OK);
	return s;
}

static cvc_date date_of(const char *text)
{
	cvc_date d;

	ck_assert_msg(cvc_date_parse(text, &d) == CVC_OK, "date %s", text);
	return d;
}

static cvc_span text_span(const char *s)
{
	return (cvc_span){(const uint8_t *)s, strlen(s)};
}

/* AT CHAT (TR-03110-3 C.4.2): role in the top two bits, bit 0 = LSB. */
static void chat_bits(const conf_issue *spec, uint8_t bits[AT_CHAT_LEN])
{
	memset(bits, 0, AT_CHAT_LEN);
	for (unsigned b = 0; b < AT_ACCESS_BITS; b++)
		if (spec->all_rights)
			bits[AT_CHAT_LEN - 1 - b / 8] |=
			    (uint8_t)(1u << (b % 8));
	for (size_t i = 0; i < spec->n_rights; i++) {
		unsigned b = spec->rights[i];

		ck_assert(b < AT_ACCESS_BITS);
		bits[AT_CHAT_LEN - 1 - b / 8] |= (uint8_t)(1u << (b % 8));
	}
	bits[0] |= (uint8_t)((unsigned)spec->role << 6);
}

static void encode_signed(cvc_cert *t, const cvc_signer *signer, conf_cert *out)
{
	uint8_t body[CONF_MAX_CERT], sig[512];
	size_t body_len = 0, sig_len = 0;

	ck_assert_int_eq(cvc_cert_encode_body(t, body, sizeof(body), &body_len),
	                 CVC_OK);
	ck_assert_int_eq(
	    cvc_signer_sign(signer, body, body_len, sig, sizeof(sig), &sig_len),
	    CVC_OK);
	t->signature = (cvc_span){sig, sig_len};
	ck_assert_int_eq(
	    cvc_cert_encode(t, out->der, sizeof(out->der), &out->len), CVC_OK);
	ck_assert_int_eq(
	    cvc_cert_decode(out->der, out->len, 0, &out->cert, NULL), CVC_OK);
}

void pki_issue(const conf_cert *issuer, const conf_issue *spec, conf_cert *out)
{
	uint8_t pk[512], bits[AT_CHAT_LEN];
	size_t pk_len = 0;
	bool self = issuer == NULL;
	int domain = spec->domain;
	const cvc_signer *signer;
	cvc_cert t;

	memset(out, 0, sizeof(*out));
	out->label = spec->label;
	if (spec->pubkey != NULL) {
		ck_assert(spec->pubkey_len <= sizeof(pk));
		memcpy(pk, spec->pubkey, spec->pubkey_len);
		pk_len = spec->pubkey_len;
	} else {
		if (spec->same_key != NULL) {
			out->key = spec->same_key->key;
		} else {
			out->key = new_key();
			out->own_key = true;
		}
		if (domain < 0)
			domain = self || spec->role == CVC_ROLE_CVCA;
		ck_assert_int_eq(cvc_signer_pubkey_encode(out->key, domain == 1,
		                                          pk, sizeof(pk),
		                                          &pk_len),
		                 CVC_OK);
	}
	memset(&t, 0, sizeof(t));
	t.kind = CVC_KIND_CERT;
	t.profile = CVC_PROFILE_TR03110;
	t.cpi = CVC_CPI_TR03110;
	t.chr = text_span(spec->chr);
	t.has_car = true;
	t.car = spec->car ? text_span(spec->car)
	                  : (self ? t.chr : issuer->cert.chr);
	ck_assert_int_eq(cvc_pubkey_decode(pk, pk_len, 0, &t.key, NULL),
	                 CVC_OK);
	chat_bits(spec, bits);
	t.has_chat = true;
	t.chat.oid = spec->type_oid
	                 ? (cvc_span){spec->type_oid, spec->type_oid_len}
	                 : (cvc_span){oid_id_at, sizeof(oid_id_at)};
	t.chat.bits = (cvc_span){bits, sizeof(bits)};
	t.has_dates = true;
	t.effective = date_of(spec->from);
	t.expiration = date_of(spec->to);
	signer = spec->signer ? spec->signer : (self ? out->key : issuer->key);
	encode_signed(&t, signer, out);
}

void pki_bad_signature(const conf_cert *src, const char *label, conf_cert *out)
{
	bool own = out == src && src->own_key; /* in place keeps the key */
	size_t at;

	*out = *src;
	out->label = label;
	out->own_key = own;
	ck_assert_int_eq(
	    cvc_cert_decode(out->der, out->len, 0, &out->cert, NULL), CVC_OK);
	/* a bit in the middle of r: still a well-formed certificate */
	at = (size_t)(out->cert.signature.data - out->der) + 8;
	out->der[at] ^= 0x01;
	ck_assert_int_eq(
	    cvc_cert_decode(out->der, out->len, 0, &out->cert, NULL), CVC_OK);
}

cvc_span pki_body_and_sig(const conf_cert *c)
{
	cvc_tlv_reader r;
	cvc_tlv t;

	cvc_tlv_reader_init(&r, c->der, c->len, CVC_TLV_STRICT);
	ck_assert_int_eq(cvc_tlv_get(&r, 0x7F21, "cert", &t, NULL), CVC_OK);
	return t.value;
}

cvc_key *pki_key(const conf_cert *c, const conf_cert *anchor)
{
	const cvc_pubkey *domain = NULL;
	cvc_key *key = NULL;

	if (!cvc_pubkey_has_domain_params(&c->cert.key))
		domain = &anchor->cert.key;
	ck_assert_int_eq(
	    cvc_key_from_pubkey(&c->cert.key, domain, c->cert.cpi, &key, NULL),
	    CVC_OK);
	return key;
}

void pki_cert_copy(conf_cert *dst, const conf_cert *src)
{
	if (dst == src)
		return;
	memcpy(dst->der, src->der, src->len);
	dst->len = src->len;
	dst->label = src->label;
	dst->key = src->key;
	dst->own_key = false; /* src keeps its key */
	ck_assert_int_eq(
	    cvc_cert_decode(dst->der, dst->len, 0, &dst->cert, NULL), CVC_OK);
}

void pki_cert_free(conf_cert *c)
{
	if (c->own_key)
		cvc_signer_free(&c->key);
	c->key = NULL;
	c->own_key = false;
}

void pki_badge_cert(const conf_cert *dv, const char *chr, const uint8_t *pubkey,
                    size_t pubkey_len, const char *from, const char *to,
                    conf_cert *out)
{
	conf_issue s = {
	    .label = "badge",
	    .chr = chr,
	    .role = CVC_ROLE_TERMINAL,
	    .from = from,
	    .to = to,
	    .domain = 0,
	    .pubkey = pubkey,
	    .pubkey_len = pubkey_len,
	};

	pki_issue(dv, &s, out);
}

/* ------------------------------------------------------------------ */

/* Terminal under dv with the given rights, 2025-02-15 .. 2030-06-30. */
static void terminal(const conf_cert *dv, const char *label, const char *chr,
                     const unsigned *rights, size_t n, conf_cert *out)
{
	conf_issue s = {
	    .label = label,
	    .chr = chr,
	    .role = CVC_ROLE_TERMINAL,
	    .rights = rights,
	    .n_rights = n,
	    .from = "2025-02-15",
	    .to = "2030-06-30",
	    .domain = -1,
	};

	pki_issue(dv, &s, out);
}

static void dv_cert(const conf_cert *cvca, const char *label, const char *chr,
                    const char *from, const char *to, conf_cert *out)
{
	conf_issue s = {
	    .label = label,
	    .chr = chr,
	    .role = CVC_ROLE_DV_DOMESTIC,
	    .all_rights = true,
	    .from = from,
	    .to = to,
	    .domain = -1,
	};

	pki_issue(cvca, &s, out);
}

/* pki_issue of spec under another label and CHR (the rest as it is). */
static void issue_named(const conf_cert *issuer, conf_issue *spec,
                        const char *label, const char *chr, conf_cert *out)
{
	spec->label = label;
	spec->chr = chr;
	pki_issue(issuer, spec, out);
}

static void build_roots(conf_pki *p)
{
	conf_issue s = {
	    .label = "CVCA",
	    .chr = "DECONFCVCA00001",
	    .role = CVC_ROLE_CVCA,
	    .all_rights = true,
	    .from = "2025-01-01",
	    .to = "2031-12-31",
	    .domain = -1,
	};

	pki_issue(NULL, &s, &p->cvca);
	issue_named(NULL, &s, "foreign CVCA", "DEFRGNCVCA00001", &p->foreign);

	/* [OBJ-3] refusals */
	s.car = "DECONFCVCA00008";
	issue_named(NULL, &s, "anchor with CAR != CHR", "DECONFCVCA00009",
	            &p->anchor_car_ne_chr);
	s.car = NULL;
	s.role = CVC_ROLE_DV_DOMESTIC;
	s.domain = 1;
	issue_named(NULL, &s, "self-signed DV as anchor", "DECONFCVCA00007",
	            &p->anchor_dv_role);
	s.role = CVC_ROLE_CVCA;
	s.domain = 0;
	issue_named(NULL, &s, "anchor without domain parameters",
	            "DECONFCVCA00006", &p->anchor_no_domain);
	pki_bad_signature(&p->cvca, "anchor with a broken self-signature",
	                  &p->anchor_badsig);
}

static void build_dvs(conf_pki *p)
{
	static const unsigned limited[] = {0, 1, 2, 4, 5, 6, 7, 9, 10};
	conf_issue s = {
	    .label = "DV",
	    .chr = "DECONFDV00001",
	    .role = CVC_ROLE_DV_DOMESTIC,
	    .all_rights = true,
	    .from = "2025-04-01",
	    .to = "2030-12-31",
	    .domain = -1,
	};

	pki_issue(&p->cvca, &s, &p->dv);
	/* same CHR and CAR, signed by another CVCA's key [PD-2] */
	s.label = "DV signed by a foreign CVCA";
	s.signer = p->foreign.key;
	pki_issue(&p->cvca, &s, &p->dv_foreign);
	s.signer = NULL;

	dv_cert(&p->cvca, "DV with CED 2025-06-01", "DECONFDV00002",
	        "2025-06-01", "2030-12-31", &p->dv_late);
	dv_cert(&p->cvca, "DV expired 2025-05-31", "DECONFDV00004",
	        "2025-01-15", "2025-05-31", &p->dv_expired);
	dv_cert(&p->cvca, "DV with CED 2025-07-01", "DECONFDV00005",
	        "2025-07-01", "2030-12-31", &p->dv_late_badsig);
	pki_bad_signature(&p->dv_late_badsig,
	                  "DV with CED 2025-07-01, broken signature",
	                  &p->dv_late_badsig);
	pki_bad_signature(&p->dv, "DV with a broken signature", &p->dv_badsig);

	s.all_rights = false;
	s.rights = limited;
	s.n_rights = sizeof(limited) / sizeof(limited[0]);
	s.from = "2025-02-01";
	issue_named(&p->cvca, &s, "DV without read/terminate", "DECONFDVL0001",
	            &p->dv_limited);

	s.all_rights = true;
	s.type_oid = oid_id_is;
	s.type_oid_len = sizeof(oid_id_is);
	issue_named(&p->cvca, &s, "DV with an IS CHAT", "DECONFDVIS001",
	            &p->dv_is);
	s.type_oid = NULL;

	issue_named(&p->dv, &s, "DV issued by a DV", "DECONFDVDV001",
	            &p->dv_by_dv);
	s.role = CVC_ROLE_CVCA;
	issue_named(&p->dv, &s, "CVCA issued by a DV", "DECONFCVDV001",
	            &p->cvca_by_dv);
}

static void build_terminals(conf_pki *p)
{
	static const unsigned all[] = {RIGHT_TERMINATE, RIGHT_PIN, RIGHT_RENEW,
	                               RIGHT_READ};
	static const unsigned r_read[] = {RIGHT_READ};
	static const unsigned r_pin[] = {RIGHT_PIN};
	static const unsigned r_renew[] = {RIGHT_RENEW};
	static const unsigned r_term[] = {RIGHT_TERMINATE};
	/* every right but the four of the badge */
	static const unsigned others[] = {0, 1, 2, 4, 7, 9, 10, 11, 12};
	conf_issue s = {
	    .role = CVC_ROLE_TERMINAL,
	    .from = "2025-02-15",
	    .domain = -1,
	};

	terminal(&p->dv, "terminal with all rights", "DECONFTALL00001", all, 4,
	         &p->t_all);
	terminal(&p->dv, "terminal without badge rights", "DECONFTNON00001",
	         others, 9, &p->t_none);
	terminal(&p->dv, "terminal with read", "DECONFTRD00001", r_read, 1,
	         &p->t_read);
	terminal(&p->dv, "terminal with PIN", "DECONFTPIN00001", r_pin, 1,
	         &p->t_pin);
	terminal(&p->dv, "terminal with renew", "DECONFTRNW00001", r_renew, 1,
	         &p->t_renew);
	terminal(&p->dv, "terminal with terminate", "DECONFTTRM00001", r_term,
	         1, &p->t_term);
	terminal(&p->dv, "second terminal", "DECONFTALL00002", all, 4,
	         &p->t_second);
	pki_bad_signature(&p->t_all, "terminal with a broken signature",
	                  &p->t_badsig);

	s.rights = all;
	s.n_rights = 4;
	s.to = "2025-03-31";
	issue_named(&p->dv, &s, "terminal expired 2025-03-31",
	            "DECONFTEXP00001", &p->t_expired);
	s.to = "2025-04-01";
	issue_named(&p->dv, &s, "terminal expiring 2025-04-01",
	            "DECONFTEDG00001", &p->t_edge);
	s.from = "2025-09-01";
	s.to = "2030-06-30";
	issue_named(&p->dv, &s, "terminal with CED 2025-09-01",
	            "DECONFTLAT00001", &p->t_late);
	s.from = "2025-02-15";
	issue_named(&p->cvca, &s, "terminal issued by the CVCA",
	            "DECONFTCV00001", &p->t_by_cvca);
	s.car = "DECONFDV00099";
	issue_named(&p->dv, &s, "terminal of an unknown DV", "DECONFTUNK00001",
	            &p->t_unknown);
	s.car = NULL;
	s.all_rights = true;
	issue_named(&p->dv_limited, &s,
	            "terminal claiming all rights under the limited DV",
	            "DECONFTLIM00001", &p->t_limited);
}

/* Link cvca -> cvca2 (no domain parameters: [TA-4]), DV and terminals. */
static void build_rollover(conf_pki *p)
{
	static const unsigned all[] = {RIGHT_TERMINATE, RIGHT_PIN, RIGHT_RENEW,
	                               RIGHT_READ};
	static const unsigned none[] = {0, 1};
	static const unsigned r_renew[] = {RIGHT_RENEW};
	static const unsigned r_term[] = {RIGHT_TERMINATE};
	conf_issue s = {
	    .label = "link CVCA",
	    .chr = "DECONFCVCA00002",
	    .role = CVC_ROLE_CVCA,
	    .all_rights = true,
	    .from = "2025-10-01",
	    .to = "2033-12-31",
	    .domain = 0,
	};

	pki_issue(&p->cvca, &s, &p->link);
	pki_bad_signature(&p->link, "link with a broken signature",
	                  &p->link_badsig);
	dv_cert(&p->link, "DV under the new CVCA", "DECONFDV00003",
	        "2025-10-01", "2032-12-31", &p->dv2);
	terminal(&p->dv2, "new terminal with all rights", "DECONFTALL00003",
	         all, 4, &p->t2_all);
	terminal(&p->dv2, "new terminal without rights", "DECONFTNON00003",
	         none, 2, &p->t2_none);
	terminal(&p->dv2, "new terminal with renew", "DECONFTRNW00003", r_renew,
	         1, &p->t2_renew);
	terminal(&p->dv2, "new terminal with terminate", "DECONFTTRM00003",
	         r_term, 1, &p->t2_term);
}

void pki_build(conf_pki *p)
{
	memset(p, 0, sizeof(*p));
	build_roots(p);
	build_dvs(p);
	build_terminals(p);
	build_rollover(p);
}

void pki_free(conf_pki *p)
{
	conf_cert *all[] = {
	    &p->cvca,
	    &p->dv,
	    &p->foreign,
	    &p->dv_foreign,
	    &p->t_all,
	    &p->t_none,
	    &p->t_read,
	    &p->t_pin,
	    &p->t_renew,
	    &p->t_term,
	    &p->t_expired,
	    &p->t_edge,
	    &p->t_late,
	    &p->t_badsig,
	    &p->t_by_cvca,
	    &p->t_unknown,
	    &p->t_second,
	    &p->dv_limited,
	    &p->t_limited,
	    &p->dv_is,
	    &p->dv_badsig,
	    &p->dv_late,
	    &p->dv_late_badsig,
	    &p->dv_by_dv,
	    &p->cvca_by_dv,
	    &p->dv_expired,
	    &p->anchor_car_ne_chr,
	    &p->anchor_dv_role,
	    &p->anchor_badsig,
	    &p->anchor_no_domain,
	    &p->link,
	    &p->link_badsig,
	    &p->dv2,
	    &p->t2_all,
	    &p->t2_none,
	    &p->t2_renew,
	    &p->t2_term,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		pki_cert_free(all[i]);
}
