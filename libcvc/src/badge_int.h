/* SPDX-License-Identifier: MIT */
/*
 * Internals of the badge layer shared by badge.c (commands), badge_parse.c
 * (strict parsers of the card's answers) and badge_auth.c (the integrator's
 * call). Not installed.
 */
#ifndef CVC_BADGE_INT_H
#define CVC_BADGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/badge.h>

#include "cert_int.h" /* CVC_INTERNAL */

/*
 * Largest response data any badge command legitimately returns: INTERNAL
 * AUTHENTICATE with the chain (7C header, nonce, flags, an RSA-4096
 * signature and two certificates of CVC_BADGE_MAX_CERT) stays below it.
 * An answer longer than this is a misbehaving card, not a reason to
 * allocate.
 */
#define BADGE_RESP_MAX 4096u

/* Tags of the FCI / status template and of the INTERNAL AUTHENTICATE
 * answer (SPEC.md 2, 5.5). */
#define BADGE_TAG_FCI     0x6Fu
#define BADGE_TAG_AID     0x84u
#define BADGE_TAG_PROP    0xA5u
#define BADGE_TAG_AUTH    0x7Cu
#define BADGE_TAG_HOLDER  0x65u
#define BADGE_TAG_NONCE   0x80u
#define BADGE_TAG_FLAGS   0x81u
#define BADGE_FLAGS_KNOWN (CVC_BADGE_FLAG_PIN | CVC_BADGE_FLAG_TERMINAL)

/* Instructions (SPEC.md 5) */
#define BADGE_INS_VERIFY        0x20u
#define BADGE_INS_CHANGE_REF    0x24u
#define BADGE_INS_RESET_RETRY   0x2Cu
#define BADGE_INS_ACTIVATE      0x44u
#define BADGE_INS_GENERATE      0x46u
#define BADGE_INS_INTERNAL_AUTH 0x88u
#define BADGE_INS_TERMINATE     0xFEu

/* GET DATA / PUT DATA objects (SPEC.md 5.2, 5.3) */
#define BADGE_DO_CHAIN  0x0101u
#define BADGE_DO_HOLDER 0x0102u
#define BADGE_DO_ANCHOR 0x0103u
#define BADGE_DO_STATUS 0x0104u

/* Fills diag (when not NULL) and returns err. */
CVC_INTERNAL cvc_err cvc_badge_fail(cvc_diag *diag, cvc_err err, size_t offset,
                                    const char *field, uint32_t tag,
                                    const char *reason);

/*
 * Sends cmd in the card's badge length mode (cvc_badge_select): extended
 * form when chosen, else short form with 255-octet chaining and Le at most
 * 256 (GET RESPONSE fetches the rest). want_data: the command expects
 * response data (Le set by the mode). The answer's data land in
 * resp[0..cap). A status word other than 9000 is CVC_ERR_CARD_STATUS with
 * diag->field = what, diag->tag = the SW and a reason naming it; out->sw
 * holds it too. An answer longer than cap is CVC_ERR_BUFFER_TOO_SMALL.
 */
CVC_INTERNAL cvc_err cvc_badge_exchange(cvc_card *card, cvc_apdu *cmd,
                                        bool want_data, const char *what,
                                        uint8_t *resp, size_t cap,
                                        cvc_rapdu *out, cvc_diag *diag);

/* A command without response data, sent as cvc_badge_exchange does. */
CVC_INTERNAL cvc_err cvc_badge_send_plain(cvc_card *card, cvc_apdu *cmd,
                                          const char *what, cvc_diag *diag);

/* Fills *a: CLA 00, the given INS, P1, P2 and data, no Le. */
CVC_INTERNAL void cvc_badge_apdu_set(cvc_apdu *a, uint8_t ins, uint8_t p1,
                                     uint8_t p2, cvc_span data);

/* "6982 security status not satisfied"-style static phrase for a SW. */
CVC_INTERNAL const char *cvc_badge_sw_phrase(uint16_t sw);

/*
 * Parses the data of an INTERNAL AUTHENTICATE answer (SPEC.md 5.5): one
 * DER 7C template filling [data, data+len) holding 80 nonce (16 octets),
 * 81 flags (1 octet, only the known bits), 5F37 signature (1 to
 * sizeof(proof->signature) octets) and, exactly when with_chain, two 7F21
 * objects whose extent is returned in *chain (a view into data). Does not
 * decode the certificates (cvc_badge_split_chain does).
 */
CVC_INTERNAL cvc_err cvc_badge_parse_auth(const uint8_t *data, size_t len,
                                          bool with_chain,
                                          cvc_badge_proof *proof,
                                          cvc_span *chain, cvc_diag *diag);

#endif
