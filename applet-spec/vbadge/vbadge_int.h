/* SPDX-License-Identifier: MIT */
/*
 * vbadge internals shared by the applet's files: the persistent image, the
 * session (SPEC.md 4.2), the status words (SPEC.md 7) and the helpers the
 * command handlers have in common.
 *
 *   applet.c        dispatch, life cycle table, lengths, chaining, GET
 *                   RESPONSE, SELECT and the FCI
 *   applet_data.c   GET DATA, PUT DATA
 *   applet_pki.c    certificate checks shared by PUT DATA, ACTIVATE, TA
 *   applet_ta.c     terminal authentication
 *   applet_auth.c   INTERNAL AUTHENTICATE
 *   applet_pin.c    VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER
 *   applet_keys.c   GENERATE, ACTIVATE, TERMINATE
 *   state.c         the state file
 */
#ifndef VBADGE_INT_H
#define VBADGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/cvc.h>

#include "vbadge.h"

/* SPEC.md 10: vbadge takes and returns up to 4096 octets (FCI 83, 84). */
#define VB_MAX_DATA   4096u
#define VB_MAX_CERT   CVC_BADGE_MAX_CERT
#define VB_MAX_CHAIN  CVC_BADGE_MAX_CHAIN
#define VB_MAX_HOLDER 170u
/* PKCS#8 PEM of the largest key (RSA-4096) is about 3.3 kB */
#define VB_MAX_KEY    4096u
#define VB_MAX_PUBKEY 1024u
#define VB_PIN_BLOCK  12u
#define VB_PIN_TRIES  3u
#define VB_SALT_LEN   16u
#define VB_HASH_LEN   32u

/* Status words (SPEC.md 7) */
enum {
	SW_OK = 0x9000,
	SW_TERMINATED = 0x6285,
	SW_AUTH_FAILED = 0x6300,
	SW_MEMORY = 0x6581,
	SW_WRONG_LENGTH = 0x6700,
	SW_LAST_EXPECTED = 0x6883,
	SW_NO_CHAINING = 0x6884,
	SW_SECURITY = 0x6982,
	SW_PIN_BLOCKED = 0x6983,
	SW_CERT_UNUSABLE = 0x6984,
	SW_CONDITIONS = 0x6985,
	SW_BAD_DATA = 0x6A80,
	SW_UNSUPPORTED = 0x6A81,
	SW_NOT_FOUND = 0x6A82,
	SW_WRONG_P1P2 = 0x6A86,
	SW_NO_OBJECT = 0x6A88,
	SW_BAD_INS = 0x6D00,
	SW_BAD_CLA = 0x6E00,
};

/* SW for 63Cx */
#define SW_PIN_WRONG(tries) ((uint16_t)(0x63C0u | ((tries)&0x0Fu)))

/*
 * Everything the card keeps across power loss, exactly what the state file
 * holds. Also used for the pending personalization objects in BLANK and a
 * pending renewal (key, chain) in PERSONALIZED, which never reach the file.
 * A length of 0 means "absent".
 */
typedef struct vb_persist {
	uint8_t lcs; /* cvc_badge_state */
	bool has_date;
	cvc_date date;
	bool has_pin;
	uint8_t pin_salt[VB_SALT_LEN];
	uint8_t pin_hash[VB_HASH_LEN]; /* SHA-256(salt || PIN block) */
	uint8_t pin_tries;
	uint8_t key[VB_MAX_KEY]; /* PKCS#8 PEM of the badge key */
	size_t key_len;
	uint8_t chain[VB_MAX_CHAIN]; /* badge certificate || DV certificate */
	size_t chain_len;
	uint8_t anchor[VB_MAX_CERT]; /* the CVCA (or link) certificate */
	size_t anchor_len;
	/* The anchor's EC domain parameters as a 7F49 object: kept apart
	 * because a link certificate that replaces the anchor may carry none
	 * (SPEC [TA-4]). For RSA, the anchor's key. */
	uint8_t domain[VB_MAX_PUBKEY];
	size_t domain_len;
	uint8_t holder[VB_MAX_HOLDER]; /* template 65 */
	size_t holder_len;
} vb_persist;

/* The current verification key of terminal authentication [TA-3]. */
typedef struct vb_verifier {
	bool present;
	uint8_t chr[CVC_MAX_REF_LEN];
	size_t chr_len;
	cvc_role role;
	cvc_key *key;
	uint8_t chat[CVC_MAX_CHAT_LEN]; /* effective CHAT, right-aligned */
} vb_verifier;

/* Session state (SPEC.md 4.2); cleared by reset and SELECT. */
typedef struct vb_session {
	bool selected;
	bool pin_verified;
	vb_verifier verifier;
	bool terminal_authenticated;
	uint8_t rights[CVC_MAX_CHAT_LEN];
	bool has_challenge;
	uint8_t challenge[CVC_BADGE_NONCE_LEN];
	/* response data still to fetch with GET RESPONSE [LEN-2] */
	bool has_rest;
	uint8_t rest[VB_MAX_DATA];
	size_t rest_len, rest_off;
	uint16_t rest_sw;
	/* a command chain being received [LEN-3] */
	bool chaining;
	uint8_t chain_ins, chain_p1, chain_p2;
	uint8_t chain_buf[VB_MAX_DATA];
	size_t chain_len;
} vb_session;

struct vbadge {
	char *path;
	vb_persist p;            /* as in the state file */
	cvc_signer *signer;      /* p.key, with the badge certificate's algo */
	vb_persist pend;         /* pending personalization or renewal */
	cvc_signer *pend_signer; /* pend.key */
	vb_persist next;         /* scratch for the next persistent image */
	vb_session s;
	unsigned fail_write_after;
	uint8_t out[VB_MAX_DATA]; /* response data of the current command */
	size_t out_len;
	uint8_t file[2 * VB_MAX_DATA + VB_MAX_KEY + 1024]; /* serialization */
};

/* ---- state.c --------------------------------------------------------- */

/* Copies the persistent image into vb->next for a change. */
vb_persist *vb_begin_update(vbadge *vb);
/*
 * Writes vb->next to the state file atomically; on success it becomes
 * vb->p. vb->next is wiped either way. CVC_ERR_IO when the write failed
 * (the file keeps its previous content).
 */
cvc_err vb_commit(vbadge *vb);
/* Wipes a persistent image (it may hold a private key). */
void vb_persist_wipe(vb_persist *p);

/* ---- applet.c -------------------------------------------------------- */

/* Clears the session (SPEC.md 4.2): PIN, TA, challenge, pending data. */
void vb_session_clear(vbadge *vb);
/* Drops the pending personalization or renewal. */
void vb_pending_clear(vbadge *vb);
/* The status template A5 (FCI and GET DATA 0104) into out. */
size_t vb_status_template(const vbadge *vb, uint8_t *out, size_t cap);
/* Whether the authenticated terminal has CHAT bit `bit` [RIGHT-1]. */
bool vb_has_right(const vbadge *vb, unsigned bit);
/* Copies data into the response buffer. */
uint16_t vb_respond(vbadge *vb, const uint8_t *data, size_t len);

/* ---- handlers: SW, data in vb->out ------------------------------------ */

typedef uint16_t (*vb_handler)(vbadge *vb, const cvc_apdu *a, cvc_span data);

uint16_t vb_get_data(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_put_data_check(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_put_data(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_pso_check(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_pso_verify_cert(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_get_challenge(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_ext_auth_check(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_ext_auth(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_int_auth(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_verify(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_change_pin(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_reset_retry(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_generate(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_activate(vbadge *vb, const cvc_apdu *a, cvc_span data);
uint16_t vb_terminate(vbadge *vb, const cvc_apdu *a, cvc_span data);

/* ---- applet_pki.c ---------------------------------------------------- */

/* A decoded chain: views into the bytes given to vb_chain_decode. */
typedef struct vb_chain {
	cvc_cert badge, dv;
} vb_chain;

/* Two DER certificates, the DV's CHR the badge certificate's CAR. */
bool vb_chain_decode(const uint8_t *data, size_t len, vb_chain *out);
/*
 * [OBJ-2], [PD-1], [PD-2]: the badge certificate's key is `key`'s public
 * half, and the signatures verify up to the anchor (with its domain
 * parameters).
 */
bool vb_chain_matches(const vb_chain *c, const cvc_signer *key,
                      const vb_persist *anchor_from);
/* [OBJ-3]: a self-signed CVCA certificate with a verifying signature. */
bool vb_anchor_valid(const uint8_t *data, size_t len);
/* A certificate of the card's profile: CPI 00, CHAT, dates, <= 1 kB. */
bool vb_cert_usable(const cvc_cert *c);
/* The anchor's domain parameters (7F49) from p; false when unusable. */
bool vb_domain(const vb_persist *p, cvc_pubkey *out);
/* Public key of cert with the anchor's domain parameters. */
cvc_err vb_cert_key(const cvc_cert *cert, const vb_persist *p, cvc_key **out);
/* Encodes cert->key as 7F49 into out (the anchor's domain record). */
bool vb_encode_domain(const cvc_cert *cert, uint8_t *out, size_t cap,
                      size_t *len);
/* Latest of a and b into *a. */
void vb_date_max(cvc_date *a, const cvc_date *b);
/* Loads the PKCS#8 key of p with the algorithm of its badge certificate. */
cvc_err vb_load_badge_key(const vb_persist *p, cvc_signer **out);

/* ---- applet_data.c --------------------------------------------------- */

/* [OBJ-1]: one DER 65 template { 80 name, 81 staff ID, [82 department] }. */
bool vb_holder_valid(const uint8_t *data, size_t len);

/* ---- applet_pin.c ---------------------------------------------------- */

/* [PIN-3]: 6..12 ASCII digits then FF padding. */
bool vb_pin_block_valid(const uint8_t *block, size_t len);
/* Sets a PIN (fresh salt) and the counter to 3 in p. */
bool vb_pin_set(vb_persist *p, const uint8_t *block);

/* ---- misc ------------------------------------------------------------ */

void vb_wipe(void *p, size_t n);
bool vb_random(uint8_t *out, size_t n);

#endif
