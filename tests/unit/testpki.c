/* SPDX-License-Identifier: MIT */
/* Test helper: CVC hierarchies and revocation lists with real keys. */
#include <check.h>
#include <string.h>

#include "testpki.h"

const uint8_t testpki_id_at[9] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                  0x03, 0x01, 0x02, 0x02};
const uint8_t testpki_id_is[9] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                  0x03, 0x01, 0x02, 0x01};
const uint8_t testpki_id_st[9] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                  0x03, 0x01, 0x02, 0x03};
const uint8_t testpki_gematik_ti[8] = {0x2A, 0x82, 0x14, 0x00,
                                       0x4C, 0x04, 0x81, 0x18};

cvc_date testpki_date(const char *text)
{
	cvc_date d;

	ck_assert_msg(cvc_date_parse(text, &d) == CVC_OK, "bad date %s", text);
	return d;
}

cvc_span testpki_span(const char *text)
{
	return (cvc_span){(const uint8_t *)text, strlen(text)};
}

static bool is_rsa(const char *spec)
{
	return strncmp(spec, "rsa", 3) == 0;
}

static cvc_signer *new_key(const testpki_spec *spec)
{
	const char *key = spec->key ? spec->key : "brainpoolP256r1";
	const char *name = spec->algo;
	const cvc_algo *algo;
	cvc_signer *signer = NULL;
	cvc_err err;

	if (name == NULL)
		name = is_rsa(key) ? "id-TA-RSA-v1-5-SHA-256"
		                   : "id-TA-ECDSA-SHA-256";
	algo = cvc_algo_from_name(name);
	ck_assert_msg(algo != NULL, "unknown algorithm %s", name);
	err = cvc_signer_generate(key, algo, &signer);
	ck_assert_msg(err == CVC_OK, "generate %s: %s", key, cvc_strerror(err));
	return signer;
}

static bool wants_domain(const testpki_spec *spec, bool self_signed)
{
	if (spec->domain >= 0)
		return spec->domain == 1;
	if (spec->cpi == CVC_CPI_GEMATIK_G2)
		return false;
	return self_signed ||
	       (spec->chat_len > 0 && (spec->chat[0] >> 6) == CVC_ROLE_CVCA);
}

/* Body fields of the template; spans point into spec and pk_buf. */
static void fill_template(const testpki_spec *spec, const testpki_cert *issuer,
                          cvc_signer *holder, uint8_t *pk_buf, size_t pk_cap,
                          cvc_cert *t)
{
	bool self_signed = issuer == NULL;
	size_t pk_len = 0;
	cvc_err err;

	memset(t, 0, sizeof(*t));
	t->kind = CVC_KIND_CERT;
	t->cpi = spec->cpi;
	t->profile = spec->cpi == CVC_CPI_GEMATIK_G2 ? CVC_PROFILE_GEMATIK_G2
	                                             : CVC_PROFILE_TR03110;
	t->chr = spec->chr_bin ? (cvc_span){spec->chr_bin, spec->chr_len}
	                       : testpki_span(spec->chr);
	t->has_car = true;
	if (spec->car != NULL)
		t->car = testpki_span(spec->car);
	else
		t->car = self_signed ? t->chr : issuer->cert.chr;
	err = cvc_signer_pubkey_encode(holder, wants_domain(spec, self_signed),
	                               pk_buf, pk_cap, &pk_len);
	ck_assert_msg(err == CVC_OK, "pubkey: %s", cvc_strerror(err));
	err = cvc_pubkey_decode(pk_buf, pk_len, 0, &t->key, NULL);
	ck_assert_msg(err == CVC_OK, "pubkey decode: %s", cvc_strerror(err));
	ck_assert_msg(spec->chat != NULL && spec->chat_len > 0, "no CHAT");
	t->has_chat = true;
	t->chat.oid = spec->type ? (cvc_span){spec->type, spec->type_len}
	                         : (cvc_span){testpki_id_at, 9};
	t->chat.bits = (cvc_span){spec->chat, spec->chat_len};
	t->has_dates = true;
	t->effective = testpki_date(spec->from ? spec->from : "2025-01-01");
	t->expiration = testpki_date(spec->to ? spec->to : "2027-12-31");
}

static void sign_into(cvc_cert *t, const cvc_signer *signer, testpki_cert *out)
{
	uint8_t body[TESTPKI_MAX_DER], sig[1024];
	size_t body_len = 0, sig_len = 0;
	cvc_err err;

	err = cvc_cert_encode_body(t, body, sizeof(body), &body_len);
	ck_assert_msg(err == CVC_OK, "encode body: %s", cvc_strerror(err));
	err =
	    cvc_signer_sign(signer, body, body_len, sig, sizeof(sig), &sig_len);
	ck_assert_msg(err == CVC_OK, "sign: %s", cvc_strerror(err));
	t->signature = (cvc_span){sig, sig_len};
	err = cvc_cert_encode(t, out->der, sizeof(out->der), &out->len);
	ck_assert_msg(err == CVC_OK, "encode: %s", cvc_strerror(err));
	err = cvc_cert_decode(out->der, out->len, 0, &out->cert, NULL);
	ck_assert_msg(err == CVC_OK, "decode: %s", cvc_strerror(err));
}

void testpki_issue(const testpki_cert *issuer, const testpki_spec *spec,
                   testpki_cert *out)
{
	uint8_t pk[1024];
	cvc_cert t;

	memset(out, 0, sizeof(*out));
	if (spec->same_key != NULL) {
		out->key = spec->same_key->key;
	} else {
		out->key = new_key(spec);
		out->own_key = true;
	}
	fill_template(spec, issuer, out->key, pk, sizeof(pk), &t);
	sign_into(&t, issuer ? issuer->key : out->key, out);
}

void testpki_free(testpki_cert *c)
{
	if (c->own_key)
		cvc_signer_free(&c->key);
	c->key = NULL;
}

void testpki_flip(testpki_cert *c, size_t offset)
{
	ck_assert(offset < c->len);
	c->der[offset] ^= 0x01;
	ck_assert(cvc_cert_decode(c->der, c->len, 0, &c->cert, NULL) == CVC_OK);
}

size_t testpki_chat_offset(const testpki_cert *c)
{
	return (size_t)(c->cert.chat.bits.data - c->der);
}

size_t testpki_signature_offset(const testpki_cert *c)
{
	return (size_t)(c->cert.signature.data - c->der);
}

size_t testpki_pubkey(const testpki_cert *c, uint8_t *out, size_t cap)
{
	size_t len = 0;

	ck_assert(cvc_signer_pubkey_encode(c->key, true, out, cap, &len) ==
	          CVC_OK);
	return len;
}

size_t testpki_crl(const testpki_cert *signer, const char *issuer_chr,
                   const char *this_update, const char *next_update,
                   const testpki_revoked *entries, size_t n, uint8_t *out,
                   size_t cap, cvc_crl *crl)
{
	cvc_crl_entry list[64];
	uint8_t body[4096], sig[1024];
	size_t body_len = 0, sig_len = 0, len = 0;
	cvc_crl t;

	ck_assert(n <= 64);
	memset(&t, 0, sizeof(t));
	t.version = CVC_CRL_VERSION;
	t.issuer = issuer_chr ? testpki_span(issuer_chr) : signer->cert.chr;
	t.this_update = testpki_date(this_update);
	t.next_update = testpki_date(next_update);
	for (size_t i = 0; i < n; i++) {
		list[i].chr = testpki_span(entries[i].chr);
		list[i].revoked_on = testpki_date(entries[i].on);
	}
	ck_assert(cvc_crl_encode(&t, list, n, body, sizeof(body), &body_len) ==
	          CVC_OK);
	ck_assert(cvc_signer_sign(signer->key, body, body_len, sig, sizeof(sig),
	                          &sig_len) == CVC_OK);
	t.signature = (cvc_span){sig, sig_len};
	ck_assert(cvc_crl_encode(&t, list, n, out, cap, &len) == CVC_OK);
	ck_assert(cvc_crl_decode(out, len, crl, NULL) == CVC_OK);
	return len;
}

void testpki_spec_init(testpki_spec *s, const char *chr, const uint8_t *chat,
                       size_t chat_len, const char *from, const char *to)
{
	memset(s, 0, sizeof(*s));
	s->chr = chr;
	s->chat = chat;
	s->chat_len = chat_len;
	s->from = from;
	s->to = to;
	s->domain = -1;
}

const uint8_t testpki_chat_cvca[5] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
const uint8_t testpki_chat_dv[5] = {0xBF, 0xFF, 0xFF, 0xFF, 0x0F};
const uint8_t testpki_chat_term[5] = {0x00, 0x00, 0x00, 0x01, 0x07};

void testpki_std_build(testpki_std *p, const char *key, const char *algo)
{
	testpki_spec s;

	memset(p, 0, sizeof(*p));
	testpki_spec_init(&s, "DETESTCVCA00001", testpki_chat_cvca, 5,
	                  "2025-01-01", "2027-12-31");
	s.key = key;
	s.algo = algo;
	testpki_issue(NULL, &s, &p->cvca);
	testpki_spec_init(&s, "DETESTDV000001", testpki_chat_dv, 5,
	                  "2025-06-01", "2025-12-31");
	s.key = key;
	s.algo = algo;
	testpki_issue(&p->cvca, &s, &p->dv);
	testpki_spec_init(&s, "DETESTTERM00001", testpki_chat_term, 5,
	                  "2025-07-01", "2025-07-31");
	s.key = key;
	s.algo = algo;
	testpki_issue(&p->dv, &s, &p->term);
	ck_assert(cvc_store_new(&p->store) == CVC_OK);
	ck_assert(cvc_store_add_anchor(p->store, p->cvca.der, p->cvca.len, 0,
	                               NULL) == CVC_OK);
	ck_assert(cvc_store_add_intermediate(p->store, p->dv.der, p->dv.len, 0,
	                                     NULL) == CVC_OK);
	p->at = testpki_date("2025-07-15");
}

void testpki_std_free(testpki_std *p)
{
	testpki_free(&p->term);
	testpki_free(&p->dv);
	testpki_free(&p->cvca);
	cvc_store_free(&p->store);
	ck_assert_ptr_null(p->store);
}
