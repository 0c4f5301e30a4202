/* SPDX-License-Identifier: MIT */
/*
 * Issuing: certificates signed by a CA (or self-signed CVCAs), requests,
 * holder references and CHATs built from names, and private key files.
 *
 * Every issuing decision lives here, not in the tools: the issuer's role may
 * sign the holder's role (TR-03110-3 2.2: CVCA signs CVCA links and DVs, a
 * DV signs terminals), the holder's rights are within the issuer's, the
 * terminal types match, the issuer is valid when the holder's validity
 * begins and a DV does not issue past its own expiry, and the issuer key
 * belongs to the issuer certificate.
 */
#ifndef CVC_ISSUE_H
#define CVC_ISSUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/cert.h>
#include <cvc/chat.h>
#include <cvc/crypto.h>
#include <cvc/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* TR-03110-3 A.6.1: country (2) + mnemonic (1..9) + sequence (5). */
#define CVC_CHR_SEQ_LEN      5
#define CVC_CHR_MNEMONIC_MAX 9

/*
 * Checks a TR-03110 holder reference: 2 upper-case letters, a mnemonic of
 * 1..9 ISO 8859-1 printable characters, a sequence of 5 upper-case letters
 * or digits. CVC_ERR_BAD_STRING when it is not one; diag names why.
 */
cvc_err cvc_chr_validate(const char *chr, cvc_diag *diag);

/*
 * Next holder reference with the same country and mnemonic: a numeric
 * sequence is incremented in decimal keeping its width ("00009" ->
 * "00010"); an alphanumeric one counts in base 36 (0-9, A-Z). out needs
 * CVC_MAX_REF_LEN + 1 octets. CVC_ERR_TOO_MANY when the sequence would
 * overflow.
 */
cvc_err cvc_chr_next(const char *chr, char *out, size_t cap);

/*
 * Builds a TR-03110 CHAT bit field for `type` (IS, AT or ST) and `role`:
 * with all access rights when `all` is true, else with the rights named in
 * `names` (comma separated, each a cvc_chat_bit_name() of the type, case
 * insensitive, or "bN" for access bit N). bits gets the field (cap >= 5).
 * *oid gets the terminal type OID (static data).
 */
cvc_err cvc_chat_build(cvc_terminal_type type, cvc_role role, bool all,
                       const char *names, uint8_t *bits, size_t cap,
                       size_t *bits_len, cvc_span *oid, cvc_diag *diag);

/* Policy flags for cvc_issue_cert(). */
#define CVC_ISSUE_SELF_SIGNED 0x1u /* new CVCA root: CAR = CHR */

/*
 * Issues a certificate. tmpl holds the holder's fields (CPI, CHR, public
 * key, CHAT, dates, extensions); the CAR is taken from issuer_cert's CHR
 * (or the CHR itself with CVC_ISSUE_SELF_SIGNED, issuer_cert NULL). The
 * body is encoded, signed with `issuer` and the certificate encoded into a
 * malloc'd buffer *out (free() it). Refusals: CVC_ERR_ROLE,
 * CVC_ERR_CHAT_WIDENED, CVC_ERR_TERMINAL_TYPE, CVC_ERR_EXPIRED,
 * CVC_ERR_NOT_YET_VALID, CVC_ERR_BAD_KEY (issuer key is not the issuer
 * certificate's), CVC_ERR_MISSING_FIELD, CVC_ERR_BAD_STRING (CHR).
 */
cvc_err cvc_issue_cert(const cvc_cert *tmpl, const cvc_signer *issuer,
                       const cvc_cert *issuer_cert, unsigned flags,
                       uint8_t **out, size_t *out_len, cvc_diag *diag);

/*
 * Creates a request (TR-03110-3 C.2) for `holder`'s key with domain
 * parameters: CPI 0, CAR `car` (may be NULL), CHR `chr`, self-signed.
 * With `outer` non-NULL it is wrapped in an authenticated request (67)
 * signed by outer with outer CAR `outer_car`. Output as cvc_issue_cert.
 */
cvc_err cvc_request_create(const cvc_signer *holder, const char *chr,
                           const char *car, const cvc_signer *outer,
                           const char *outer_car, uint8_t **out,
                           size_t *out_len, cvc_diag *diag);

/*
 * Private key files. cvc_key_file_generate makes a new key (spec as
 * cvc_signer_generate) and returns it as a signer and as PEM PKCS#8 text,
 * encrypted with AES-256-CBC under `pass` unless pass is NULL (then
 * unencrypted). cvc_key_file_load loads PEM/DER, decrypting with pass.
 */
cvc_err cvc_key_file_generate(const char *spec, const cvc_algo *algo,
                              const char *pass, cvc_signer **signer, char **pem,
                              size_t *pem_len);
cvc_err cvc_key_file_load(const char *path, const char *pass,
                          const cvc_algo *algo, cvc_signer **signer);

#ifdef __cplusplus
}
#endif

#endif
