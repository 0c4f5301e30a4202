/* SPDX-License-Identifier: MIT */
/*
 * ISO/IEC 7816-4 command and response APDUs: encoding for the four cases in
 * short and extended form (5.1), response parsing, status words with text,
 * and builders for the commands the badge protocol uses.
 *
 * Nothing here allocates; command data is a span the caller keeps alive.
 */
#ifndef CVC_APDU_H
#define CVC_APDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/error.h>
#include <cvc/tlv.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CVC_APDU_MAX_SHORT_LC 255u
#define CVC_APDU_MAX_SHORT_LE 256u      /* Le = 00 */
#define CVC_APDU_MAX_EXT_LC 65535u
#define CVC_APDU_MAX_EXT_LE 65536u      /* Le = 0000 */
#define CVC_APDU_MAX_SIZE (4 + 3 + 65535 + 3) /* largest encoded command */
#define CVC_APDU_CLA_CHAINING 0x10u

/*
 * A command. le == 0 means no response data expected (cases 1 and 3); le is
 * the number of octets wanted (1..65536), with 256 / 65536 encoded as 00 /
 * 0000. `extended` forces the extended form even when short would do.
 */
typedef struct cvc_apdu {
	uint8_t cla, ins, p1, p2;
	cvc_span data; /* Lc = data.len */
	size_t le;
	bool extended;
} cvc_apdu;

/* Case 1..4 of a command (ISO 7816-4 5.1). */
int cvc_apdu_case(const cvc_apdu *apdu);
/* True when the command needs the extended form (Lc > 255 or Le > 256). */
bool cvc_apdu_needs_extended(const cvc_apdu *apdu);

/*
 * Encodes a command; *out_len = size written or needed (out may be NULL to
 * size: CVC_ERR_BUFFER_TOO_SMALL). CVC_ERR_APDU when Lc > 65535 or
 * Le > 65536. Lc and Le are both short or both extended (5.1).
 */
cvc_err cvc_apdu_encode(const cvc_apdu *apdu, uint8_t *out, size_t cap,
			size_t *out_len);
/*
 * Parses an encoded command strictly by 5.1 (card side; spans into data):
 * extended is set when the command used the extended form, so re-encoding
 * gives the same octets. CVC_ERR_APDU (diag: field "header", "Lc", "Le")
 * for anything else, e.g. short Lc with extended Le.
 */
cvc_err cvc_apdu_decode(const uint8_t *data, size_t len, cvc_apdu *apdu,
			cvc_diag *diag);

/* A response: data and status word SW1SW2. */
typedef struct cvc_rapdu {
	cvc_span data;
	uint16_t sw;
} cvc_rapdu;

/* Splits a response (at least the two SW octets, at most 65536 data
 * octets before them) into data and SW; CVC_ERR_APDU otherwise. */
cvc_err cvc_rapdu_parse(const uint8_t *resp, size_t len, cvc_rapdu *out);

/* SW helpers */
#define CVC_SW_OK 0x9000u
static inline bool cvc_sw_ok(uint16_t sw)
{
	return sw == CVC_SW_OK;
}
/*
 * Text for every ISO 7816-4 status word, with the parametrised families
 * (61xx bytes available, 6Cxx exact length, 63Cx counter) worded with
 * their value, e.g. "verification failed, 2 tries left". Writes into buf
 * and returns buf; never NULL.
 */
const char *cvc_sw_text(uint16_t sw, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Builders: fill *apdu; data spans point to the caller's bytes.       */

void cvc_apdu_select_aid(cvc_apdu *apdu, cvc_span aid, uint8_t p2, size_t le);
/* offset: 15 bits (P1 b8 = 0 means no SFI); higher bits are dropped */
void cvc_apdu_read_binary(cvc_apdu *apdu, uint16_t offset, size_t le);
void cvc_apdu_read_binary_sfi(cvc_apdu *apdu, uint8_t sfi, uint8_t offset,
			      size_t le);
void cvc_apdu_update_binary(cvc_apdu *apdu, uint16_t offset, cvc_span data);
void cvc_apdu_get_data(cvc_apdu *apdu, uint16_t tag, size_t le);
void cvc_apdu_put_data(cvc_apdu *apdu, uint16_t tag, cvc_span data);
void cvc_apdu_get_challenge(cvc_apdu *apdu, size_t le);
void cvc_apdu_internal_authenticate(cvc_apdu *apdu, cvc_span data, size_t le);
void cvc_apdu_external_authenticate(cvc_apdu *apdu, cvc_span signature);
/* MSE:SET, p1 e.g. 0x81 (verify, external), p2 the CRT tag (B6 DST, A4 AT) */
void cvc_apdu_mse_set(cvc_apdu *apdu, uint8_t p1, uint8_t p2, cvc_span crt);
/* PSO:VERIFY CERTIFICATE (00 2A 00 BE), data = 7F4E..5F37.. */
void cvc_apdu_pso_verify_certificate(cvc_apdu *apdu, cvc_span body_and_sig);
/* INS 47 (as OpenPGP and PIV cards use it) */
void cvc_apdu_generate_key_pair(cvc_apdu *apdu, uint8_t p1, uint8_t p2,
				cvc_span data, size_t le);
void cvc_apdu_verify_pin(cvc_apdu *apdu, uint8_t ref, cvc_span pin);

#ifdef __cplusplus
}
#endif

#endif
