/* SPDX-License-Identifier: MIT */
/*
 * Certificate holder authorization (CHAT): terminal type, role and named
 * access rights, for TR-03110 (IS/AT/ST, bit 0 = LSB of the last octet) and
 * gematik G2 flag lists (bit 0 = MSB of the first octet).
 */
#ifndef CVC_CHAT_H
#define CVC_CHAT_H

#include <stdbool.h>
#include <stddef.h>

#include <cvc/cert.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cvc_terminal_type {
	CVC_TT_UNKNOWN = 0,
	CVC_TT_IS,          /* id-IS 0.4.0.127.0.7.3.1.2.1, 1 octet */
	CVC_TT_AT,          /* id-AT ...2.2, 5 octets */
	CVC_TT_ST,          /* id-ST ...2.3, 1 octet */
	CVC_TT_GEMATIK_TI,  /* oid_cvc_fl_ti 1.2.276.0.76.4.152, 7 octets */
	CVC_TT_GEMATIK_CMS, /* oid_cvc_fl_cms 1.2.276.0.76.4.153, 7 octets */
	CVC_TT_SCHSM,       /* SmartCard-HSM 1.3.6.1.4.1.24991.3.1.1 */
} cvc_terminal_type;

/*
 * Roles from the two role bits. TR-03110: 11 CVCA, 10 DV domestic/official,
 * 01 DV foreign/non-official, 00 terminal. gematik: 11 root, 10 sub-CA,
 * 00 end entity (01 is not defined).
 */
typedef enum cvc_role {
	CVC_ROLE_TERMINAL = 0,
	CVC_ROLE_DV_FOREIGN = 1,
	CVC_ROLE_DV_DOMESTIC = 2,
	CVC_ROLE_CVCA = 3,
} cvc_role;

typedef struct cvc_chat_info {
	cvc_terminal_type type;
	cvc_role role;
	size_t nbits; /* access bits in the field, role bits included */
} cvc_chat_info;

/* Interprets a CHAT. CVC_ERR_BAD_VALUE when the bit field is empty. */
cvc_err cvc_chat_info_get(const cvc_chat *chat, cvc_chat_info *info);

cvc_terminal_type cvc_terminal_type_from_oid(cvc_span oid);
const char *cvc_terminal_type_name(cvc_terminal_type type); /* "AT", ... */

/* Role name for a terminal type, e.g. "DV (official domestic)". */
const char *cvc_role_name(cvc_terminal_type type, cvc_role role);

/*
 * Whether access bit `bit` is set, numbered as the terminal type's
 * specification numbers it (gematik: b0 = MSB of octet 0; otherwise b0 = LSB
 * of the last octet). False for bits beyond the field.
 */
bool cvc_chat_bit(const cvc_chat *chat, cvc_terminal_type type, size_t bit);

/*
 * Name of access bit `bit` for the type ("read DG4", "install qualified
 * certificate", ...), "RFU" for reserved bits, NULL for role bits and bits
 * beyond the type's field.
 */
const char *cvc_chat_bit_name(cvc_terminal_type type, size_t bit);

/* True when `bit` is one of the two role bits of the type. */
bool cvc_chat_is_role_bit(cvc_terminal_type type, size_t nbits, size_t bit);

#ifdef __cplusplus
}
#endif

#endif
