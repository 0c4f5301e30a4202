/* SPDX-License-Identifier: MIT */
/*
 * A small badge office for in-process tests of the applet and for the fuzz
 * target: a CVCA, a DV and an authentication terminal with real keys, and
 * the personalization of a vbadge through its APDU interface. No Check
 * dependency: functions return cvc_err or a status word.
 */
#ifndef VBPKI_H
#define VBPKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/cvc.h>

#include "vbadge.h"

#define VBPKI_MAX_DER 1024u

typedef struct vbpki_cert {
	cvc_signer *key; /* NULL for a certificate of a card-held key */
	char *pem;       /* the key as PKCS#8 PEM (malloc'd), or NULL */
	size_t pem_len;
	uint8_t der[VBPKI_MAX_DER];
	size_t len;
} vbpki_cert;

typedef struct vbpki {
	const char *keyspec; /* "brainpoolP256r1", "rsa2048", ... */
	vbpki_cert cvca;     /* DEVBCVCA00001, self-signed */
	vbpki_cert dv;       /* DEVBDV000001 */
	vbpki_cert term;     /* DEVBTERM00001: terminate, PIN, renew, read */
	vbpki_cert badge;    /* issued by vbpki_personalize */
} vbpki;

/* AT CHATs (role bits first): CVCA and DV with every right. */
extern const uint8_t vbpki_chat_cvca[5];
extern const uint8_t vbpki_chat_dv[5];
extern const uint8_t vbpki_chat_term[5]; /* bits 3, 5, 6, 8 */
extern const uint8_t vbpki_chat_badge[5];

/* keyspec NULL: brainpoolP256r1. */
cvc_err vbpki_build(vbpki *p, const char *keyspec);
void vbpki_free(vbpki *p);
void vbpki_cert_free(vbpki_cert *c);

/*
 * Writes the PKI into an existing directory: cvca.cvcert, dv.cvcert,
 * term.cvcert, badge.cvcert (DER), cvca.key, dv.key, term.key (PKCS#8
 * PEM, mode 0600).
 */
cvc_err vbpki_write_dir(const vbpki *p, const char *dir);

/*
 * Issues a certificate for `pub` (a 7F49 object; NULL: a new key of the
 * PKI's kind, kept in out->key) signed by issuer (NULL: self-signed).
 * Dates "YYYY-MM-DD".
 */
cvc_err vbpki_issue(const vbpki *p, const vbpki_cert *issuer, const char *chr,
                    const uint8_t *pub, size_t pub_len, const uint8_t *chat,
                    const char *from, const char *to, vbpki_cert *out);

/*
 * Sends one command to the badge (extended form when it needs it) and
 * returns the status word; resp (may be NULL) gets the data. 0 when
 * vbadge_process failed.
 */
uint16_t vbpki_cmd(vbadge *vb, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
                   const uint8_t *data, size_t len, size_t le, uint8_t *resp,
                   size_t cap, size_t *resp_len);
uint16_t vbpki_select(vbadge *vb);

/* A PIN block for "123456" style text. */
void vbpki_pin_block(const char *pin, uint8_t block[12]);

/* Holder data for name / staff ID / department into out; its length. */
size_t vbpki_holder(const char *name, const char *id, const char *dept,
                    uint8_t *out, size_t cap);

/*
 * The personalization flow of SPEC.md 8 on a BLANK badge: SELECT, anchor,
 * GENERATE, chain (badge certificate DEVBBADGE0001 issued by the DV),
 * holder data, initial PIN, ACTIVATE. CVC_ERR_CARD_STATUS when a command
 * was refused (*sw says which SW; may be NULL).
 */
cvc_err vbpki_personalize(vbpki *p, vbadge *vb, const char *pin, uint16_t *sw);

/* PSO:VERIFY CERTIFICATE of a whole 7F21 certificate (the outer tag
 * stripped). */
uint16_t vbpki_pso(vbadge *vb, const vbpki_cert *c);

/*
 * Terminal authentication with the DV and terminal certificate and the
 * terminal's key: the status word of the first command that failed, or
 * 9000.
 */
uint16_t vbpki_terminal_auth(vbpki *p, vbadge *vb);

#endif
