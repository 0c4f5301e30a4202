/* SPDX-License-Identifier: MIT */
/*
 * The host side of the badge applet protocol (applet-spec/SPEC.md): select,
 * read the chain and holder data, badge authentication (INTERNAL
 * AUTHENTICATE), terminal authentication (PSO:VERIFY CERTIFICATE, GET
 * CHALLENGE, EXTERNAL AUTHENTICATE), PIN, personalization, renewal and
 * termination, and cvc_badge_authenticate(): the one call a door controller
 * or a logon module makes.
 *
 * Every function works on an open cvc_card (PC/SC, NFC or an in-process
 * function). Card status words other than 9000 are CVC_ERR_CARD_STATUS
 * with the SW in diag->tag, the command in diag->field and a phrase in
 * diag->reason ("6982 security status not satisfied"), and in *sw where a
 * function has one; transport errors pass through (CVC_ERR_CARD_REMOVED,
 * CVC_ERR_TRANSPORT, CVC_ERR_TIMEOUT).
 *
 * Commands go out in extended form when the card's FCI offers buffers of at
 * least 1024 octets and the transport carries them (PC/SC, function), in
 * short form with 255-octet chaining and GET RESPONSE otherwise. NFC always
 * gets the short form: libnfc carries at most 262 octets of command and 263
 * of answer per exchange, so neither extended commands nor extended Le
 * answers fit.
 */
#ifndef CVC_BADGE_H
#define CVC_BADGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/card.h>
#include <cvc/cert.h>
#include <cvc/chat.h>
#include <cvc/crypto.h>
#include <cvc/error.h>
#include <cvc/trust.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SPEC.md 2 */
#define CVC_BADGE_AID     "\xF0\x6C\x69\x62\x63\x76\x63\x42\x01"
#define CVC_BADGE_AID_LEN 9u

/* Life cycle status (FCI 80), ISO/IEC 7816-4 LCS values. */
typedef enum cvc_badge_state {
	CVC_BADGE_UNKNOWN = 0,
	CVC_BADGE_BLANK = 0x03,
	CVC_BADGE_PERSONALIZED = 0x05,
	CVC_BADGE_TERMINATED = 0x0C,
} cvc_badge_state;

const char *cvc_badge_state_name(cvc_badge_state state); /* "blank", ... */

/* The FCI / status template (SPEC.md 2). */
typedef struct cvc_badge_info {
	cvc_badge_state state;
	uint16_t version;    /* 0x0100 */
	uint8_t pin_tries;   /* 0..3 */
	size_t max_command;  /* FCI 83 */
	size_t max_response; /* FCI 84 */
	bool has_card_date;
	cvc_date card_date;
} cvc_badge_info;

/* Rights bits of an AT CHAT the applet understands (SPEC.md 4.3). */
#define CVC_BADGE_RIGHT_TERMINATE  3u
#define CVC_BADGE_RIGHT_PIN        5u
#define CVC_BADGE_RIGHT_RENEW      6u
#define CVC_BADGE_RIGHT_READ_HOLDER 8u

/* Limits (SPEC.md 10). */
#define CVC_BADGE_MAX_CERT      1024u
#define CVC_BADGE_MAX_CHAIN     (2u * CVC_BADGE_MAX_CERT)
#define CVC_BADGE_CHALLENGE_MIN 16u
#define CVC_BADGE_CHALLENGE_MAX 64u
#define CVC_BADGE_NONCE_LEN     16u
#define CVC_BADGE_PIN_MIN       6u
#define CVC_BADGE_PIN_MAX       12u
#define CVC_BADGE_NAME_MAX      64u
#define CVC_BADGE_STAFF_ID_MAX  32u
#define CVC_BADGE_DEPT_MAX      64u

/* Signed-message prefixes (SPEC.md 5.4, 5.5), without NUL. */
#define CVC_BADGE_AUTH_PREFIX "LIBCVC-BADGE-AUTH-V1"
#define CVC_BADGE_TA_PREFIX   "LIBCVC-BADGE-TA-V1"

/* INTERNAL AUTHENTICATE flags octet */
#define CVC_BADGE_FLAG_PIN      0x01u
#define CVC_BADGE_FLAG_TERMINAL 0x02u

/*
 * Builds M_AUTH (SPEC.md 5.5) into out (cap >= 20 + 1 + 1 + 16 + 16 + 1 +
 * 64 = 119 is always enough). Shared by host and card so both sign and
 * verify the same octets.
 */
cvc_err cvc_badge_auth_message(uint8_t flags, cvc_span chr, cvc_span nonce,
                               cvc_span challenge, uint8_t *out, size_t cap,
                               size_t *out_len);
/* Builds M_TA (SPEC.md 5.4); rpicc is 16 octets. */
cvc_err cvc_badge_ta_message(cvc_span chr, cvc_span rpicc, uint8_t *out,
                             size_t cap, size_t *out_len);

/* Parses an FCI (6F) or a status template (A5). */
cvc_err cvc_badge_info_parse(const uint8_t *data, size_t len,
                             cvc_badge_info *info, cvc_diag *diag);

/* ------------------------------------------------------------------ */
/* Session                                                             */

/*
 * Selects the applet and parses its FCI. A terminated badge answers 6285:
 * that is CVC_OK here with info->state CVC_BADGE_TERMINATED. A card without
 * the applet: CVC_ERR_CARD_STATUS (6A82). Resets the badge layer's choice of
 * short/extended commands for this card from the FCI and the transport.
 */
cvc_err cvc_badge_select(cvc_card *card, cvc_badge_info *info,
                         cvc_diag *diag);

/* GET DATA 0104. */
cvc_err cvc_badge_status(cvc_card *card, cvc_badge_info *info,
                         cvc_diag *diag);

/*
 * GET DATA 0101 (badge certificate || DV certificate), into buf. The
 * objects are not checked beyond the transport; decode with
 * cvc_badge_split_chain.
 */
cvc_err cvc_badge_read_chain(cvc_card *card, uint8_t *buf, size_t cap,
                             size_t *len, cvc_diag *diag);
/* Splits a chain into its two certificates (strict DER, views into data). */
cvc_err cvc_badge_split_chain(const uint8_t *data, size_t len,
                              cvc_cert *badge, cvc_cert *dv, cvc_diag *diag);
/* GET DATA 0103 (the badge's trust anchor for terminal authentication). */
cvc_err cvc_badge_read_anchor(cvc_card *card, uint8_t *buf, size_t cap,
                              size_t *len, cvc_diag *diag);

/* Holder data (SPEC.md 4.1), NUL-terminated UTF-8. */
typedef struct cvc_badge_holder {
	char name[CVC_BADGE_NAME_MAX + 1];
	char staff_id[CVC_BADGE_STAFF_ID_MAX + 1];
	char department[CVC_BADGE_DEPT_MAX + 1];
} cvc_badge_holder;

cvc_err cvc_badge_holder_encode(const cvc_badge_holder *holder, uint8_t *out,
                                size_t cap, size_t *out_len, cvc_diag *diag);
cvc_err cvc_badge_holder_decode(const uint8_t *data, size_t len,
                                cvc_badge_holder *holder, cvc_diag *diag);
/* GET DATA 0102: needs the read right (terminal authentication) or PIN. */
cvc_err cvc_badge_read_holder(cvc_card *card, cvc_badge_holder *holder,
                              cvc_diag *diag);

/*
 * INTERNAL AUTHENTICATE (SPEC.md 5.5) with the caller's challenge
 * (CVC_BADGE_CHALLENGE_MIN..MAX octets). require_pin sets P1 01;
 * want_chain sets P2 01 and copies the chain into chain_buf (may be NULL
 * when want_chain is false). The signature is NOT verified here (see
 * cvc_badge_verify_proof / cvc_badge_authenticate).
 */
typedef struct cvc_badge_proof {
	uint8_t nonce[CVC_BADGE_NONCE_LEN];
	uint8_t flags;
	uint8_t signature[1024];
	size_t signature_len;
	size_t chain_len; /* octets written to chain_buf */
} cvc_badge_proof;

cvc_err cvc_badge_internal_auth(cvc_card *card, const uint8_t *challenge,
                                size_t challenge_len, bool require_pin,
                                bool want_chain, cvc_badge_proof *proof,
                                uint8_t *chain_buf, size_t chain_cap,
                                cvc_diag *diag);
/*
 * Checks proof->signature over M_AUTH with the badge certificate's key
 * (EC domain parameters from `domain`, e.g. the CVCA's key; NULL when the
 * badge key carries them). CVC_ERR_SIGNATURE when it does not verify.
 */
cvc_err cvc_badge_verify_proof(const cvc_cert *badge_cert,
                               const cvc_pubkey *domain,
                               const uint8_t *challenge, size_t challenge_len,
                               const cvc_badge_proof *proof, cvc_diag *diag);

/*
 * Terminal authentication (SPEC.md 5.4): sends certs[0..n) with PSO:VERIFY
 * CERTIFICATE in order (e.g. link, DV, terminal certificate; whole 7F21
 * objects, the layer strips the outer tag), then GET CHALLENGE and
 * EXTERNAL AUTHENTICATE signed by `terminal` over M_TA for the badge CHR
 * `badge_chr`. *sw (may be NULL) gets the status word of the command that
 * failed.
 */
cvc_err cvc_badge_terminal_auth(cvc_card *card, const cvc_span *certs,
                                size_t n, const cvc_signer *terminal,
                                cvc_span badge_chr, uint16_t *sw,
                                cvc_diag *diag);

/* PIN (SPEC.md 5.6); pin is 6..12 ASCII digits, NUL-terminated. *tries
 * (may be NULL) gets the tries left from 63Cx, 0 when blocked, 3 after a
 * correct PIN, -1 when unknown. cvc_badge_verify_pin with pin NULL only
 * asks ([PIN-2]): CVC_OK when the PIN is verified in this session. */
cvc_err cvc_badge_verify_pin(cvc_card *card, const char *pin, int *tries,
                             cvc_diag *diag);
cvc_err cvc_badge_change_pin(cvc_card *card, const char *old_pin,
                             const char *new_pin, int *tries, cvc_diag *diag);
cvc_err cvc_badge_set_pin(cvc_card *card, const char *pin, cvc_diag *diag);

/* ------------------------------------------------------------------ */
/* Personalization and renewal (SPEC.md 5.3, 5.7)                      */

/*
 * GENERATE ASYMMETRIC KEY PAIR for algo (and curve name for EC, e.g.
 * "brainpoolP256r1", or RSA bits). The public key (7F49) goes to pub_buf.
 */
cvc_err cvc_badge_generate_key(cvc_card *card, const cvc_algo *algo,
                               const char *curve, unsigned rsa_bits,
                               uint8_t *pub_buf, size_t cap, size_t *pub_len,
                               cvc_diag *diag);
cvc_err cvc_badge_put_anchor(cvc_card *card, cvc_span cvca_cert,
                             cvc_diag *diag);
/* PUT DATA 0101: badge certificate followed by DV certificate. */
cvc_err cvc_badge_put_chain(cvc_card *card, cvc_span badge_cert,
                            cvc_span dv_cert, cvc_diag *diag);
cvc_err cvc_badge_put_holder(cvc_card *card, const cvc_badge_holder *holder,
                             cvc_diag *diag);
cvc_err cvc_badge_activate(cvc_card *card, cvc_diag *diag);
cvc_err cvc_badge_terminate(cvc_card *card, cvc_diag *diag);

/* ------------------------------------------------------------------ */
/* The integrator's call                                               */

typedef enum cvc_badge_decision {
	CVC_BADGE_ACCEPT = 0, /* genuine, valid, allowed */
	CVC_BADGE_REFUSE = 1, /* the badge answered, but says no: see reason */
	CVC_BADGE_ERROR = 3,  /* no decision: reader/card problem (reason) */
} cvc_badge_decision;

typedef struct cvc_badge_policy {
	const cvc_store *store; /* trust anchors (the hospital's CVCA) */
	const cvc_crl *crl;     /* revocation list, may be NULL */
	cvc_date at;            /* the date to validate at (today) */
	unsigned chain_flags;   /* CVC_CHAIN_* (e.g. CVC_CHAIN_REQUIRE_CRL) */
	/* Access bits (CHAT bit numbers) the effective rights must all have. */
	const size_t *required_bits;
	size_t n_required;
	bool require_pin; /* workstation: the card must have checked the PIN */
	const char *pin;  /* sent with VERIFY first when non-NULL */
	/* Optional terminal authentication before badge authentication. */
	const cvc_span *terminal_certs;
	size_t n_terminal_certs;
	const cvc_signer *terminal_key;
	bool read_holder; /* read holder data (needs right or PIN) */
} cvc_badge_policy;

typedef struct cvc_badge_result {
	cvc_badge_decision decision;
	cvc_err reason;     /* CVC_OK on accept */
	const char *check;  /* short name of what failed, or NULL */
	char detail[160];   /* one line for logs, e.g. "certificate expired" */
	char holder_chr[CVC_MAX_REF_LEN + 1];
	char dv_chr[CVC_MAX_REF_LEN + 1];
	char anchor[CVC_MAX_REF_LEN + 1];
	cvc_date effective, expiration; /* of the badge certificate */
	cvc_terminal_type type;
	uint8_t rights[CVC_MAX_CHAT_LEN]; /* effective CHAT (trust.h) */
	size_t rights_len;
	cvc_badge_state state;
	bool pin_verified;       /* flags bit 0 as signed by the card */
	bool terminal_authenticated;
	bool has_holder;
	cvc_badge_holder holder;
	unsigned exchanges; /* APDU exchanges after SELECT */
} cvc_badge_result;

/*
 * Does all of it: SELECT, (VERIFY PIN), INTERNAL AUTHENTICATE with a
 * fresh 32-octet challenge and the chain (one exchange with extended
 * length), chain validation against policy->store at policy->at with
 * policy->crl, the signature over M_AUTH, the signed PIN flag, the required
 * rights, then, for a badge that passed, (terminal authentication: it needs
 * the badge's CHR, which comes with the chain) and (holder data). Fills
 * *res; the return value is CVC_OK whenever a decision was reached (accept
 * or refuse: the card answered, whatever it answered), else the error that
 * prevented one (res->decision CVC_BADGE_ERROR: transport, or an unusable
 * policy). doc/libcvc.md has the table of decisions and reasons.
 */
cvc_err cvc_badge_authenticate(cvc_card *card, const cvc_badge_policy *policy,
                               cvc_badge_result *res);

#ifdef __cplusplus
}
#endif

#endif
