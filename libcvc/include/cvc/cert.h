/* SPDX-License-Identifier: MIT */
/*
 * Card verifiable certificates and requests: decoding to a view, encoding
 * from a template.
 *
 * Decoding never allocates: a cvc_cert is a view whose spans point into the
 * caller's buffer and is valid as long as that buffer is. The same struct is
 * the template for encoding: fill the value fields (spans, dates, cpi, ...),
 * leave the rest zero, call cvc_cert_encode(). Decoding and then encoding any
 * accepted object gives back its exact bytes, non-minimal lengths included
 * (they are remembered in len_octets[]).
 *
 * Objects understood (TR-03110-3 C.1/C.2, gemSpec_PKI 6.4, ISO 7816-9):
 *   CVC_KIND_CERT          7F21 { 7F4E body, 5F37 signature }
 *   CVC_KIND_REQUEST       7F21 { 7F4E body without CHAT and dates, 5F37 }
 *   CVC_KIND_AUTH_REQUEST  67 { 7F21 request, 42 outer CAR, 5F37 outer sig }
 *   CVC_KIND_ISO9796       7F21 { 5F37 signature, 5F38 remainder, 42 CAR }
 *                          (ISO 7816-9 form with message recovery, no 7F4E;
 *                          Spanish DNIe). The body is inside the signature.
 */
#ifndef CVC_CERT_H
#define CVC_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/error.h>
#include <cvc/tlv.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Tags (TR-03110-3 D.2) */
#define CVC_TAG_CERT 0x7F21u
#define CVC_TAG_BODY 0x7F4Eu
#define CVC_TAG_CPI 0x5F29u
#define CVC_TAG_CAR 0x42u
#define CVC_TAG_PUBKEY 0x7F49u
#define CVC_TAG_CHR 0x5F20u
#define CVC_TAG_CHAT 0x7F4Cu
#define CVC_TAG_CED 0x5F25u
#define CVC_TAG_CXD 0x5F24u
#define CVC_TAG_EXTENSIONS 0x65u
#define CVC_TAG_DDT 0x73u /* discretionary data template: one extension */
#define CVC_TAG_SIGNATURE 0x5F37u
#define CVC_TAG_REMAINDER 0x5F38u
#define CVC_TAG_AUTH_REQUEST 0x67u
#define CVC_TAG_OID 0x06u
#define CVC_TAG_CHAT_BITS 0x53u

#define CVC_CPI_TR03110 0x00u
#define CVC_CPI_GEMATIK_G2 0x70u

/* Bounds: anything longer in a real object is an error, not a truncation. */
#define CVC_MAX_REF_LEN 16        /* CAR, CHR */
#define CVC_MAX_EXTENSIONS 16
#define CVC_MAX_OBJECT_LEN 65535u /* TR-03110-3 D.2: lengths up to 3 octets */

typedef enum cvc_kind {
	CVC_KIND_CERT = 0,
	CVC_KIND_REQUEST,
	CVC_KIND_AUTH_REQUEST,
	CVC_KIND_ISO9796,
} cvc_kind;

typedef enum cvc_profile {
	CVC_PROFILE_TR03110 = 0,   /* CPI 00 */
	CVC_PROFILE_GEMATIK_G2,    /* CPI 70: binary CAR/CHR, flag-list CHAT */
	CVC_PROFILE_ISO7816_9,     /* no body (CVC_KIND_ISO9796) */
} cvc_profile;

typedef enum cvc_key_type {
	CVC_KEY_UNKNOWN = 0, /* OID not recognised; components kept as they are */
	CVC_KEY_EC,
	CVC_KEY_RSA,
} cvc_key_type;

/*
 * Public key 7F49. comp[i] is the data object with tag 0x81 + i, empty when
 * absent. EC: 81 p, 82 a, 83 b, 84 G, 85 r, 86 Y (public point), 87 f.
 * RSA: 81 modulus n, 82 exponent e. The macros below name them.
 */
#define CVC_KEY_COMPONENTS 7
typedef struct cvc_pubkey {
	cvc_key_type type;
	cvc_span oid;  /* value of the 06 object */
	cvc_span comp[CVC_KEY_COMPONENTS];
	uint8_t comp_len_octets[CVC_KEY_COMPONENTS]; /* 0 = DER */
	uint8_t oid_len_octets;
	uint8_t len_octets; /* of 7F49 itself */
} cvc_pubkey;

#define CVC_EC_P(k) ((k)->comp[0])
#define CVC_EC_A(k) ((k)->comp[1])
#define CVC_EC_B(k) ((k)->comp[2])
#define CVC_EC_G(k) ((k)->comp[3])
#define CVC_EC_ORDER(k) ((k)->comp[4])
#define CVC_EC_POINT(k) ((k)->comp[5])
#define CVC_EC_COFACTOR(k) ((k)->comp[6])
#define CVC_RSA_N(k) ((k)->comp[0])
#define CVC_RSA_E(k) ((k)->comp[1])

/* True when any of the EC domain parameters 81..85/87 is present. */
bool cvc_pubkey_has_domain_params(const cvc_pubkey *key);

/* CHAT 7F4C { 06 terminal-type OID, 53 bit field } */
typedef struct cvc_chat {
	cvc_span oid;
	cvc_span bits;
	uint8_t len_octets, oid_len_octets, bits_len_octets;
} cvc_chat;

/* A calendar date (GMT); year is the full year (2000 + YY). */
typedef struct cvc_date {
	uint16_t year;
	uint8_t month;
	uint8_t day;
} cvc_date;

/* One extension: 73 { 06 OID, content } where content is kept raw. */
typedef struct cvc_ext {
	cvc_span oid;
	cvc_span content; /* the data objects after the OID, undecoded */
	uint8_t len_octets, oid_len_octets;
} cvc_ext;

/* Length-field widths of the fixed fields, for byte-exact re-encoding. */
typedef enum cvc_field {
	CVC_F_OUTER = 0, /* 67 of an authenticated request */
	CVC_F_CERT,      /* 7F21 */
	CVC_F_BODY,      /* 7F4E */
	CVC_F_CPI,
	CVC_F_CAR,
	CVC_F_CHR,
	CVC_F_CED,
	CVC_F_CXD,
	CVC_F_EXTENSIONS,
	CVC_F_SIGNATURE,
	CVC_F_REMAINDER,
	CVC_F_OUTER_CAR,
	CVC_F_OUTER_SIGNATURE,
	CVC_F_COUNT
} cvc_field;

typedef struct cvc_cert {
	cvc_kind kind;
	cvc_profile profile;

	/* Set by decode, ignored by encode. */
	cvc_span raw;       /* the whole object as decoded */
	cvc_span tbs;       /* DER(7F4E): what the inner signature covers */
	cvc_span outer_tbs; /* DER(7F21) || DER(42): what the outer one covers */
	bool nonminimal;    /* a non-minimal length was accepted (lenient) */

	uint8_t cpi;
	bool has_car;
	cvc_span car;
	cvc_pubkey key;
	cvc_span chr;
	bool has_chat;
	cvc_chat chat;
	bool has_dates;
	cvc_date effective;  /* CED */
	cvc_date expiration; /* CXD, valid through the whole day */
	bool has_extensions; /* 65 present, possibly empty */
	size_t n_ext;
	cvc_ext ext[CVC_MAX_EXTENSIONS];
	cvc_span signature;

	/* CVC_KIND_AUTH_REQUEST */
	cvc_span outer_car;
	cvc_span outer_signature;

	/* CVC_KIND_ISO9796 */
	cvc_span remainder;

	uint8_t len_octets[CVC_F_COUNT]; /* 0 = shortest form */
} cvc_cert;

/* Flags for cvc_cert_decode(). */
#define CVC_DECODE_LENIENT 0x1u /* accept non-minimal lengths */

/*
 * Decodes one object that fills exactly [data, data+len). Zeroes *cert first.
 * Never allocates. On error, diag (may be NULL) names offset and field.
 */
cvc_err cvc_cert_decode(const uint8_t *data, size_t len, unsigned flags,
			cvc_cert *cert, cvc_diag *diag);

/*
 * Decodes the first object at data and reports in *used how many octets it
 * took, so that concatenated objects (a chain in one file) can be walked.
 */
cvc_err cvc_cert_decode_prefix(const uint8_t *data, size_t len,
			       unsigned flags, cvc_cert *cert, size_t *used,
			       cvc_diag *diag);

/*
 * Decodes a bare public key object 7F49 (a gematik trust anchor, for
 * instance). key_type is inferred from the OID.
 */
cvc_err cvc_pubkey_decode(const uint8_t *data, size_t len, unsigned flags,
			  cvc_pubkey *key, cvc_diag *diag);

/*
 * Encodes cert according to cert->kind into out[0..cap). *out_len gets the
 * size written, or needed when CVC_ERR_BUFFER_TOO_SMALL is returned. Call
 * with out NULL and cap 0 to learn the size.
 */
cvc_err cvc_cert_encode(const cvc_cert *cert, uint8_t *out, size_t cap,
			size_t *out_len);

/*
 * Encodes only DER(7F4E), the data an issuer signs. Not for
 * CVC_KIND_ISO9796.
 */
cvc_err cvc_cert_encode_body(const cvc_cert *cert, uint8_t *out, size_t cap,
			     size_t *out_len);

/* Encodes a bare public key 7F49. */
cvc_err cvc_pubkey_encode(const cvc_pubkey *key, uint8_t *out, size_t cap,
			  size_t *out_len);

/* Date helpers (TR-03110-3 D.2.1.3: YYMMDD, one unpacked BCD digit each). */
cvc_err cvc_date_decode(const uint8_t digits[6], cvc_date *out);
cvc_err cvc_date_encode(const cvc_date *date, uint8_t digits[6]);
bool cvc_date_valid(const cvc_date *date);
/* <0, 0, >0 like strcmp. */
int cvc_date_cmp(const cvc_date *a, const cvc_date *b);
/* Parses "YYYY-MM-DD". */
cvc_err cvc_date_parse(const char *text, cvc_date *out);

/* Name of a kind/profile for printing ("certificate", "gematik-g2", ...). */
const char *cvc_kind_name(cvc_kind kind);
const char *cvc_profile_name(cvc_profile profile);

#ifdef __cplusplus
}
#endif

#endif
