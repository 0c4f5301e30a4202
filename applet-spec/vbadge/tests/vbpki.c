/* SPDX-License-Identifier: MIT */
/* A small badge office for in-process tests (see vbpki.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vbpki.h"

/* id-AT 0.4.0.127.0.7.3.1.2.2 */
static const uint8_t id_at[] = {0x04, 0x00, 0x7F, 0x00, 0x07,
                                0x03, 0x01, 0x02, 0x02};

const uint8_t vbpki_chat_cvca[5] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
const uint8_t vbpki_chat_dv[5] = {0xBF, 0xFF, 0xFF, 0xFF, 0xFF};
const uint8_t vbpki_chat_term[5] = {0x00, 0x00, 0x00, 0x01, 0x68};
const uint8_t vbpki_chat_badge[5] = {0x00, 0x00, 0x00, 0x00, 0x04};

static bool is_rsa(const char *spec)
{
	return strncmp(spec, "rsa", 3) == 0;
}

static const cvc_algo *algo_of(const vbpki *p)
{
	return cvc_algo_from_name(is_rsa(p->keyspec) ? "id-TA-RSA-v1-5-SHA-256"
	                                             : "id-TA-ECDSA-SHA-256");
}

static cvc_span text(const char *s)
{
	return (cvc_span){(const uint8_t *)s, strlen(s)};
}

static cvc_err sign_cert(cvc_cert *t, const cvc_signer *signer, vbpki_cert *out)
{
	uint8_t body[VBPKI_MAX_DER], sig[1024];
	size_t body_len = 0, sig_len = 0;
	cvc_err err;

	if ((err = cvc_cert_encode_body(t, body, sizeof(body), &body_len)) !=
	        CVC_OK ||
	    (err = cvc_signer_sign(signer, body, body_len, sig, sizeof(sig),
	                           &sig_len)) != CVC_OK)
		return err;
	t->signature = (cvc_span){sig, sig_len};
	return cvc_cert_encode(t, out->der, sizeof(out->der), &out->len);
}

cvc_err vbpki_issue(const vbpki *p, const vbpki_cert *issuer, const char *chr,
                    const uint8_t *pub, size_t pub_len, const uint8_t *chat,
                    const char *from, const char *to, vbpki_cert *out)
{
	uint8_t own[1024];
	cvc_cert t, iss;
	cvc_err err;
	bool cvca = (chat[0] >> 6) == CVC_ROLE_CVCA;

	memset(out, 0, sizeof(*out));
	memset(&t, 0, sizeof(t));
	if (pub == NULL) {
		if ((err = cvc_key_file_generate(p->keyspec, algo_of(p), NULL,
		                                 &out->key, &out->pem,
		                                 &out->pem_len)) != CVC_OK ||
		    (err = cvc_signer_pubkey_encode(
		         out->key, cvca, own, sizeof(own), &pub_len)) != CVC_OK)
			return err;
		pub = own;
	}
	t.kind = CVC_KIND_CERT;
	t.chr = text(chr);
	t.has_car = true;
	if (issuer != NULL) {
		if ((err = cvc_cert_decode(issuer->der, issuer->len, 0, &iss,
		                           NULL)) != CVC_OK)
			return err;
		t.car = iss.chr;
	} else {
		t.car = t.chr;
	}
	if ((err = cvc_pubkey_decode(pub, pub_len, 0, &t.key, NULL)) != CVC_OK)
		return err;
	t.has_chat = true;
	t.chat.oid = (cvc_span){id_at, sizeof(id_at)};
	t.chat.bits = (cvc_span){chat, 5};
	t.has_dates = true;
	if ((err = cvc_date_parse(from, &t.effective)) != CVC_OK ||
	    (err = cvc_date_parse(to, &t.expiration)) != CVC_OK)
		return err;
	return sign_cert(&t, issuer != NULL ? issuer->key : out->key, out);
}

cvc_err vbpki_build(vbpki *p, const char *keyspec)
{
	cvc_err err;

	memset(p, 0, sizeof(*p));
	p->keyspec = keyspec != NULL ? keyspec : "brainpoolP256r1";
	if ((err =
	         vbpki_issue(p, NULL, "DEVBCVCA00001", NULL, 0, vbpki_chat_cvca,
	                     "2025-01-01", "2030-12-31", &p->cvca)) != CVC_OK ||
	    (err = vbpki_issue(p, &p->cvca, "DEVBDV000001", NULL, 0,
	                       vbpki_chat_dv, "2025-01-01", "2029-12-31",
	                       &p->dv)) != CVC_OK)
		return err;
	return vbpki_issue(p, &p->dv, "DEVBTERM00001", NULL, 0, vbpki_chat_term,
	                   "2025-06-01", "2029-12-31", &p->term);
}

void vbpki_cert_free(vbpki_cert *c)
{
	cvc_signer_free(&c->key);
	if (c->pem != NULL) {
		memset(c->pem, 0, c->pem_len);
		free(c->pem);
	}
	c->pem = NULL;
	c->pem_len = 0;
}

void vbpki_free(vbpki *p)
{
	vbpki_cert_free(&p->cvca);
	vbpki_cert_free(&p->dv);
	vbpki_cert_free(&p->term);
	vbpki_cert_free(&p->badge);
}

static cvc_err write_one(const char *dir, const char *name, const void *data,
                         size_t len, mode_t mode)
{
	char path[4096];
	FILE *f;
	int fd;
	bool ok;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return CVC_ERR_INVALID_ARG;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || (f = fdopen(fd, "wb")) == NULL) {
		if (fd >= 0)
			close(fd);
		return CVC_ERR_IO;
	}
	ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok ? CVC_OK : CVC_ERR_IO;
}

cvc_err vbpki_write_dir(const vbpki *p, const char *dir)
{
	const struct {
		const char *name;
		const vbpki_cert *c;
	} certs[] = {{"cvca", &p->cvca},
	             {"dv", &p->dv},
	             {"term", &p->term},
	             {"badge", &p->badge}};
	char name[32];
	cvc_err err;

	for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
		const vbpki_cert *c = certs[i].c;

		snprintf(name, sizeof(name), "%s.cvcert", certs[i].name);
		if (c->len > 0 && (err = write_one(dir, name, c->der, c->len,
		                                   0644)) != CVC_OK)
			return err;
		snprintf(name, sizeof(name), "%s.key", certs[i].name);
		if (c->pem != NULL &&
		    (err = write_one(dir, name, c->pem, c->pem_len, 0600)) !=
		        CVC_OK)
			return err;
	}
	return CVC_OK;
}

uint16_t vbpki_cmd(vbadge *vb, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
                   const uint8_t *data, size_t len, size_t le, uint8_t *resp,
                   size_t cap, size_t *resp_len)
{
	static uint8_t capdu[CVC_APDU_MAX_SIZE], rapdu[65538];
	cvc_apdu a = {cla, ins, p1, p2, {data, len}, le, false};
	size_t clen = 0, rlen = 0;

	a.extended = cvc_apdu_needs_extended(&a);
	if (cvc_apdu_encode(&a, capdu, sizeof(capdu), &clen) != CVC_OK ||
	    vbadge_process(vb, capdu, clen, rapdu, sizeof(rapdu), &rlen) !=
	        CVC_OK ||
	    rlen < 2)
		return 0;
	if (resp_len != NULL)
		*resp_len = 0;
	if (resp != NULL && rlen - 2 <= cap) {
		memcpy(resp, rapdu, rlen - 2);
		if (resp_len != NULL)
			*resp_len = rlen - 2;
	}
	return (uint16_t)(rapdu[rlen - 2] << 8 | rapdu[rlen - 1]);
}

uint16_t vbpki_select(vbadge *vb)
{
	return vbpki_cmd(vb, 0, 0xA4, 0x04, 0x0C,
	                 (const uint8_t *)CVC_BADGE_AID, CVC_BADGE_AID_LEN, 0,
	                 NULL, 0, NULL);
}

void vbpki_pin_block(const char *pin, uint8_t block[12])
{
	size_t n = strlen(pin);

	memset(block, 0xFF, 12);
	memcpy(block, pin, n > 12 ? 12 : n);
}

size_t vbpki_holder(const char *name, const char *id, const char *dept,
                    uint8_t *out, size_t cap)
{
	cvc_tlv_writer w;
	size_t len = 0;

	cvc_tlv_writer_init(&w, out, cap);
	cvc_tlv_begin(&w, 0x65, 0);
	cvc_tlv_put(&w, 0x80, (const uint8_t *)name, strlen(name), 0);
	cvc_tlv_put(&w, 0x81, (const uint8_t *)id, strlen(id), 0);
	if (dept != NULL)
		cvc_tlv_put(&w, 0x82, (const uint8_t *)dept, strlen(dept), 0);
	cvc_tlv_end(&w);
	return cvc_tlv_writer_finish(&w, &len) == CVC_OK ? len : 0;
}

static uint8_t keygen_data(const vbpki *p, uint8_t *out)
{
	const cvc_algo *algo = algo_of(p);
	size_t n = 0;

	out[n++] = 0x06;
	out[n++] = (uint8_t)algo->oid_len;
	memcpy(out + n, algo->oid, algo->oid_len);
	n += algo->oid_len;
	if (is_rsa(p->keyspec)) { /* 81 02 bits */
		unsigned bits = (unsigned)strtoul(p->keyspec + 3, NULL, 10);

		out[n++] = 0x81;
		out[n++] = 2;
		out[n++] = (uint8_t)(bits >> 8);
		out[n++] = (uint8_t)bits;
	} else { /* 80 01 0D brainpoolP256r1 */
		out[n++] = 0x80;
		out[n++] = 1;
		out[n++] = strcmp(p->keyspec, "P-256") == 0 ? 0x0C : 0x0D;
	}
	return (uint8_t)n;
}

static cvc_err refused(uint16_t got, uint16_t *sw)
{
	if (sw != NULL)
		*sw = got;
	return got == CVC_SW_OK ? CVC_OK : CVC_ERR_CARD_STATUS;
}

cvc_err vbpki_personalize(vbpki *p, vbadge *vb, const char *pin, uint16_t *sw)
{
	uint8_t buf[4096], gen[32], block[12];
	size_t len = 0, n;
	uint16_t s;
	cvc_err err;

	if ((s = vbpki_select(vb)) != CVC_SW_OK ||
	    (s = vbpki_cmd(vb, 0, 0xDA, 0x01, 0x03, p->cvca.der, p->cvca.len, 0,
	                   NULL, 0, NULL)) != CVC_SW_OK ||
	    (s = vbpki_cmd(vb, 0, 0x46, 0, 0, gen, keygen_data(p, gen), 256,
	                   buf, sizeof(buf), &len)) != CVC_SW_OK)
		return refused(s, sw);
	vbpki_cert_free(&p->badge);
	if ((err = vbpki_issue(p, &p->dv, "DEVBBADGE0001", buf, len,
	                       vbpki_chat_badge, "2025-06-01", "2026-06-01",
	                       &p->badge)) != CVC_OK)
		return err;
	memcpy(buf, p->badge.der, p->badge.len);
	memcpy(buf + p->badge.len, p->dv.der, p->dv.len);
	n = vbpki_holder("Dr. Erika Mustermann", "E-1234", "Cardiology",
	                 buf + 2048, sizeof(buf) - 2048);
	vbpki_pin_block(pin, block);
	if ((s = vbpki_cmd(vb, 0, 0xDA, 0x01, 0x01, buf,
	                   p->badge.len + p->dv.len, 0, NULL, 0, NULL)) !=
	        CVC_SW_OK ||
	    (s = vbpki_cmd(vb, 0, 0xDA, 0x01, 0x02, buf + 2048, n, 0, NULL, 0,
	                   NULL)) != CVC_SW_OK ||
	    (s = vbpki_cmd(vb, 0, 0x2C, 0x02, 0x81, block, 12, 0, NULL, 0,
	                   NULL)) != CVC_SW_OK ||
	    (s = vbpki_cmd(vb, 0, 0x44, 0, 0, NULL, 0, 0, NULL, 0, NULL)) !=
	        CVC_SW_OK)
		return refused(s, sw);
	return refused(CVC_SW_OK, sw);
}

/* 7F21 L [7F4E ... 5F37 ...]: the contents after the outer header. */
static cvc_span cert_contents(const vbpki_cert *c)
{
	cvc_tlv_reader r;
	cvc_tlv t;

	cvc_tlv_reader_init(&r, c->der, c->len, CVC_TLV_STRICT);
	if (cvc_tlv_next(&r, &t, NULL) != CVC_OK)
		return (cvc_span){c->der, 0};
	return t.value;
}

uint16_t vbpki_pso(vbadge *vb, const vbpki_cert *c)
{
	cvc_span body = cert_contents(c);

	return vbpki_cmd(vb, 0, 0x2A, 0x00, 0xBE, body.data, body.len, 0, NULL,
	                 0, NULL);
}

uint16_t vbpki_terminal_auth(vbpki *p, vbadge *vb)
{
	uint8_t rnd[16], msg[128], sig[1024];
	size_t n = 0, len = 0, sig_len = 0;
	cvc_cert badge;
	uint16_t s;

	if ((s = vbpki_pso(vb, &p->dv)) != CVC_SW_OK ||
	    (s = vbpki_pso(vb, &p->term)) != CVC_SW_OK ||
	    (s = vbpki_cmd(vb, 0, 0x84, 0, 0, NULL, 0, 16, rnd, sizeof(rnd),
	                   &n)) != CVC_SW_OK)
		return s;
	if (n != 16 ||
	    cvc_cert_decode(p->badge.der, p->badge.len, 0, &badge, NULL) !=
	        CVC_OK ||
	    cvc_badge_ta_message(badge.chr, (cvc_span){rnd, 16}, msg,
	                         sizeof(msg), &len) != CVC_OK ||
	    cvc_signer_sign(p->term.key, msg, len, sig, sizeof(sig),
	                    &sig_len) != CVC_OK)
		return 0;
	return vbpki_cmd(vb, 0, 0x82, 0, 0, sig, sig_len, 0, NULL, 0, NULL);
}
