/* SPDX-License-Identifier: MIT */
/*
 * Readable text and JSON renderings of certificates, requests and keys.
 * The JSON schema is documented in doc/json-schema.md and is stable: fields
 * are only ever added.
 */
#ifndef CVC_PRINT_H
#define CVC_PRINT_H

#include <stdio.h>

#include <cvc/cert.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CVC_PRINT_VERBOSE 0x1u /* all key components, full hex */

/* Multi-line text, indented by `indent` spaces. */
cvc_err cvc_cert_print_text(FILE *out, const cvc_cert *cert, unsigned flags,
			    int indent);
/* One JSON object (no trailing newline). */
cvc_err cvc_cert_print_json(FILE *out, const cvc_cert *cert, unsigned flags);

cvc_err cvc_pubkey_print_text(FILE *out, const cvc_pubkey *key, unsigned cpi,
			      unsigned flags, int indent);
cvc_err cvc_pubkey_print_json(FILE *out, const cvc_pubkey *key, unsigned cpi,
			      unsigned flags);

#ifdef __cplusplus
}
#endif

#endif
