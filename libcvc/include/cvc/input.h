/* SPDX-License-Identifier: MIT */
/* Reading objects given as binary DER, hex or base64 (auto-detected). */
#ifndef CVC_INPUT_H
#define CVC_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <cvc/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cvc_input_format {
	CVC_INPUT_DER = 0,
	CVC_INPUT_HEX,    /* whitespace and ':' separators allowed */
	CVC_INPUT_BASE64, /* whitespace allowed; PEM-style armour lines skipped */
} cvc_input_format;

/*
 * Turns `in` into binary in out[0..cap). Binary input whose first octet is a
 * known outer tag (7F, 67) is taken as DER; otherwise hex, then base64, is
 * tried. *fmt (may be NULL) tells which. CVC_ERR_INPUT_FORMAT when none fits;
 * CVC_ERR_BUFFER_TOO_SMALL when out is too small (*out_len = needed).
 */
cvc_err cvc_input_decode(const uint8_t *in, size_t len, uint8_t *out,
			 size_t cap, size_t *out_len, cvc_input_format *fmt);

const char *cvc_input_format_name(cvc_input_format fmt);

#ifdef __cplusplus
}
#endif

#endif
