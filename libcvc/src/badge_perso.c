/* SPDX-License-Identifier: MIT */
/*
 * Personalization, renewal and termination from the host side
 * (applet-spec/SPEC.md 5.3, 5.7, 8): key generation on the card with a
 * check of the key it returns, the trust anchor, chain and holder data,
 * ACTIVATE and TERMINATE CARD USAGE. Renewal is the same commands in
 * PERSONALIZED after terminal authentication with the renew right.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "badge_int.h"
#include "crypto_int.h"

/* ------------------------------------------------------------------ */
/* Key generation (SPEC.md 5.7)                                        */

/* TR-03110-3 A.2.1.1 standardized domain parameter IDs the spec lists. */
static const struct {
	const char *curve; /* libcvc's curve name */
	uint8_t id;
} domain_ids[] = {
    {"P-256", 0x0C},           {"brainpoolP256r1", 0x0D}, {"P-384", 0x0F},
    {"brainpoolP384r1", 0x10}, {"brainpoolP512r1", 0x11}, {"P-521", 0x12},
};

static const cvc_curve *curve_with_id(const char *name, uint8_t *id)
{
	const cvc_curve *c = cvc_curve_by_name(name);

	for (size_t i = 0;
	     c != NULL && i < sizeof(domain_ids) / sizeof(domain_ids[0]); i++) {
		if (strcmp(c->name, domain_ids[i].curve) == 0) {
			*id = domain_ids[i].id;
			return c;
		}
	}
	return NULL;
}

typedef struct key_request {
	const cvc_algo *algo;
	const cvc_curve *curve; /* EC */
	unsigned rsa_bits;      /* RSA */
} key_request;

static cvc_err encode_key_request(const key_request *kr, uint8_t id,
                                  uint8_t *out, size_t cap, size_t *len)
{
	cvc_tlv_writer w;

	cvc_tlv_writer_init(&w, out, cap);
	cvc_tlv_put(&w, CVC_TAG_OID, kr->algo->oid, kr->algo->oid_len, 0);
	if (kr->curve != NULL) {
		cvc_tlv_put(&w, 0x80, &id, 1, 0);
	} else {
		uint8_t bits[2] = {(uint8_t)(kr->rsa_bits >> 8),
		                   (uint8_t)(kr->rsa_bits & 0xFF)};
		cvc_tlv_put(&w, 0x81, bits, sizeof(bits), 0);
	}
	return cvc_tlv_writer_finish(&w, len);
}

/* Only the components SPEC.md 5.7 names: 86 (EC) or 81, 82 (RSA). */
static bool only_components(const cvc_pubkey *pk, bool ec)
{
	for (size_t i = 0; i < CVC_KEY_COMPONENTS; i++) {
		bool want = ec ? i == 5 : i <= 1;

		if ((pk->comp[i].len > 0) != want)
			return false;
	}
	return true;
}

/* The key the card returned is the one asked for and a valid key. */
static cvc_err check_generated(const key_request *kr, const uint8_t *data,
                               size_t len, cvc_diag *diag)
{
	bool ec = kr->curve != NULL;
	cvc_key *key = NULL;
	cvc_pubkey pk;
	cvc_err err = cvc_pubkey_decode(data, len, 0, &pk, diag);

	if (err != CVC_OK)
		return err;
	if (pk.oid.len != kr->algo->oid_len ||
	    memcmp(pk.oid.data, kr->algo->oid, pk.oid.len) != 0)
		return cvc_badge_fail(diag, CVC_ERR_BAD_VALUE, 0, "public key",
		                      CVC_TAG_OID,
		                      "not the algorithm asked for");
	if (!only_components(&pk, ec))
		return cvc_badge_fail(diag, CVC_ERR_BAD_VALUE, 0, "public key",
		                      CVC_TAG_PUBKEY,
		                      "unexpected key components");
	if (ec)
		err = cvc_key_from_ec_point(
		    kr->curve->name, CVC_EC_POINT(&pk).data,
		    CVC_EC_POINT(&pk).len, kr->algo, &key);
	else
		err = cvc_key_from_rsa(CVC_RSA_N(&pk).data, CVC_RSA_N(&pk).len,
		                       CVC_RSA_E(&pk).data, CVC_RSA_E(&pk).len,
		                       kr->algo, &key);
	if (err == CVC_OK && !ec && cvc_key_bits(key) != kr->rsa_bits)
		err = CVC_ERR_BAD_KEY;
	cvc_key_free(&key);
	if (err != CVC_OK)
		return cvc_badge_fail(diag, err, 0, "public key",
		                      CVC_TAG_PUBKEY,
		                      "not a valid key of the size asked for");
	return CVC_OK;
}

static cvc_err key_request_init(key_request *kr, const cvc_algo *algo,
                                const char *curve, unsigned rsa_bits,
                                uint8_t *id, cvc_diag *diag)
{
	memset(kr, 0, sizeof(*kr));
	kr->algo = algo;
	if (algo == NULL || algo->oid == NULL)
		return CVC_ERR_INVALID_ARG;
	if (algo->scheme == CVC_SCHEME_ECDSA) {
		kr->curve = curve_with_id(curve, id);
		if (kr->curve == NULL)
			return cvc_badge_fail(diag, CVC_ERR_UNSUPPORTED, 0,
			                      "curve", 0,
			                      "not a curve of SPEC.md 5.7");
		return CVC_OK;
	}
	if (rsa_bits < 2048 || rsa_bits > 4096 || rsa_bits % 1024 != 0)
		return cvc_badge_fail(diag, CVC_ERR_UNSUPPORTED, 0,
		                      "RSA modulus size", 0,
		                      "not 2048, 3072 or 4096");
	kr->rsa_bits = rsa_bits;
	return CVC_OK;
}

cvc_err cvc_badge_generate_key(cvc_card *card, const cvc_algo *algo,
                               const char *curve, unsigned rsa_bits,
                               uint8_t *pub_buf, size_t cap, size_t *pub_len,
                               cvc_diag *diag)
{
	uint8_t req[32], resp[BADGE_RESP_MAX];
	size_t req_len = 0;
	uint8_t id = 0;
	key_request kr;
	cvc_apdu cmd;
	cvc_rapdu out;
	cvc_err err;

	if (card == NULL || pub_len == NULL || (pub_buf == NULL && cap > 0))
		return CVC_ERR_INVALID_ARG;
	*pub_len = 0;
	err = key_request_init(&kr, algo, curve, rsa_bits, &id, diag);
	if (err == CVC_OK)
		err = encode_key_request(&kr, id, req, sizeof(req), &req_len);
	if (err != CVC_OK)
		return err;
	cvc_badge_apdu_set(&cmd, BADGE_INS_GENERATE, 0x00, 0x00,
	                   (cvc_span){req, req_len});
	err =
	    cvc_badge_exchange(card, &cmd, true, "GENERATE ASYMMETRIC KEY PAIR",
	                       resp, sizeof(resp), &out, diag);
	if (err == CVC_OK)
		err = check_generated(&kr, out.data.data, out.data.len, diag);
	if (err != CVC_OK)
		return err;
	*pub_len = out.data.len;
	if (out.data.len > cap)
		return CVC_ERR_BUFFER_TOO_SMALL;
	memcpy(pub_buf, out.data.data, out.data.len);
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Personalization, renewal, termination (SPEC.md 5.3, 5.7)           */

/* A certificate the card will accept: one strict DER 7F21 certificate
 * of at most CVC_BADGE_MAX_CERT octets. */
static cvc_err check_cert(cvc_span der, const char *field, cvc_cert *cert,
                          cvc_diag *diag)
{
	cvc_err err;

	if (der.data == NULL || der.len == 0)
		return CVC_ERR_INVALID_ARG;
	if (der.len > CVC_BADGE_MAX_CERT)
		return cvc_badge_fail(diag, CVC_ERR_BAD_LENGTH, 0, field, 0,
		                      "longer than the applet's 1024 octets");
	err = cvc_cert_decode(der.data, der.len, 0, cert, diag);
	if (err != CVC_OK)
		return err;
	if (cert->kind != CVC_KIND_CERT)
		return cvc_badge_fail(diag, CVC_ERR_NOT_A_CERT, 0, field,
		                      CVC_TAG_CERT, "not a certificate");
	return CVC_OK;
}

static cvc_err put_data(cvc_card *card, uint16_t tag, cvc_span data,
                        const char *what, cvc_diag *diag)
{
	cvc_apdu cmd;

	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	cvc_apdu_put_data(&cmd, tag, data);
	return cvc_badge_send_plain(card, &cmd, what, diag);
}

cvc_err cvc_badge_put_anchor(cvc_card *card, cvc_span cvca_cert, cvc_diag *diag)
{
	cvc_cert cert;
	cvc_err err = check_cert(cvca_cert, "trust anchor", &cert, diag);

	if (err != CVC_OK)
		return err;
	return put_data(card, BADGE_DO_ANCHOR, cvca_cert,
	                "PUT DATA trust anchor", diag);
}

cvc_err cvc_badge_put_chain(cvc_card *card, cvc_span badge_cert,
                            cvc_span dv_cert, cvc_diag *diag)
{
	uint8_t chain[CVC_BADGE_MAX_CHAIN];
	cvc_cert cert;
	cvc_err err = check_cert(badge_cert, "badge certificate", &cert, diag);

	if (err == CVC_OK)
		err = check_cert(dv_cert, "DV certificate", &cert, diag);
	if (err != CVC_OK)
		return err;
	memcpy(chain, badge_cert.data, badge_cert.len);
	memcpy(chain + badge_cert.len, dv_cert.data, dv_cert.len);
	return put_data(card, BADGE_DO_CHAIN,
	                (cvc_span){chain, badge_cert.len + dv_cert.len},
	                "PUT DATA chain", diag);
}

cvc_err cvc_badge_put_holder(cvc_card *card, const cvc_badge_holder *holder,
                             cvc_diag *diag)
{
	uint8_t buf[256];
	size_t len = 0;
	cvc_err err =
	    cvc_badge_holder_encode(holder, buf, sizeof(buf), &len, diag);

	if (err == CVC_OK)
		err = put_data(card, BADGE_DO_HOLDER, (cvc_span){buf, len},
		               "PUT DATA holder data", diag);
	OPENSSL_cleanse(buf, sizeof(buf));
	return err;
}

static cvc_err case1(cvc_card *card, uint8_t ins, const char *what,
                     cvc_diag *diag)
{
	cvc_apdu cmd;

	if (card == NULL)
		return CVC_ERR_INVALID_ARG;
	cvc_badge_apdu_set(&cmd, ins, 0x00, 0x00, (cvc_span){NULL, 0});
	return cvc_badge_send_plain(card, &cmd, what, diag);
}

cvc_err cvc_badge_activate(cvc_card *card, cvc_diag *diag)
{
	return case1(card, BADGE_INS_ACTIVATE, "ACTIVATE", diag);
}

cvc_err cvc_badge_terminate(cvc_card *card, cvc_diag *diag)
{
	return case1(card, BADGE_INS_TERMINATE, "TERMINATE CARD USAGE", diag);
}
