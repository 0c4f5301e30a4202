/* SPDX-License-Identifier: MIT */
/*
 * libcvc error codes and diagnostics.
 *
 * Every fallible libcvc call returns a cvc_err. Values are stable: new codes
 * are only ever appended. cvc_strerror() gives a stable English phrase.
 * Parsers additionally fill a cvc_diag (when the caller passes one) naming
 * the byte offset and the field where decoding stopped.
 */
#ifndef CVC_ERROR_H
#define CVC_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cvc_err {
	CVC_OK = 0,
	CVC_ERR_INVALID_ARG = 1,     /* NULL pointer or bad flag from caller */
	CVC_ERR_TRUNCATED = 2,       /* input ends inside a tag, length or value */
	CVC_ERR_BAD_LENGTH = 3,      /* indefinite, too long, or exceeds parent */
	CVC_ERR_NONMINIMAL_LENGTH = 4, /* DER violation (strict mode only) */
	CVC_ERR_BAD_TAG = 5,         /* malformed tag encoding, tag too long */
	CVC_ERR_UNEXPECTED_TAG = 6,  /* well-formed tag, wrong place */
	CVC_ERR_DUPLICATE_FIELD = 7, /* a field that may occur once occurs twice */
	CVC_ERR_MISSING_FIELD = 8,   /* a mandatory field is absent */
	CVC_ERR_TRAILING_DATA = 9,   /* bytes after the end of the object */
	CVC_ERR_BAD_VALUE = 10,      /* field present but its content is invalid */
	CVC_ERR_BAD_DATE = 11,       /* date digits or calendar date invalid */
	CVC_ERR_BAD_STRING = 12,     /* forbidden octet in CAR/CHR */
	CVC_ERR_TOO_MANY = 13,       /* more items than the fixed bound allows */
	CVC_ERR_NESTING = 14,        /* writer nesting too deep or unbalanced */
	CVC_ERR_BUFFER_TOO_SMALL = 15, /* output buffer too small; size reported */
	CVC_ERR_UNSUPPORTED = 16,    /* recognised but not supported */
	CVC_ERR_NO_MEMORY = 17,
	CVC_ERR_IO = 18,             /* reading or writing a file failed */
	CVC_ERR_INPUT_FORMAT = 19,   /* input is neither DER, hex nor base64 */
	/* crypto and trust */
	CVC_ERR_SIGNATURE = 20,      /* signature does not verify */
	CVC_ERR_UNKNOWN_ALGORITHM = 21, /* key/signature OID not supported */
	CVC_ERR_BAD_KEY = 22,        /* public key invalid (off curve, size) */
	CVC_ERR_DOMAIN_PARAMS = 23,  /* EC domain parameters missing/unknown */
	CVC_ERR_CRYPTO = 24,         /* OpenSSL failed internally */
	CVC_ERR_EXPIRED = 25,        /* checked date after the expiration date */
	CVC_ERR_NOT_YET_VALID = 26,  /* checked date before the effective date */
	CVC_ERR_UNKNOWN_ISSUER = 27, /* no issuer or anchor found for a CAR */
	CVC_ERR_ROLE = 28,           /* issuer's role may not sign this role */
	CVC_ERR_CHAT_WIDENED = 29,   /* holder claims rights its issuer lacks */
	CVC_ERR_TERMINAL_TYPE = 30,  /* CHAT terminal type differs in chain */
	CVC_ERR_REVOKED = 31,        /* on the revocation list */
	CVC_ERR_CRL_STALE = 32,      /* revocation list past its next update */
	CVC_ERR_CRL_ISSUER = 33,     /* revocation list not from a chain CA */
	CVC_ERR_CRITICAL = 34,       /* unknown content that must be understood */
	CVC_ERR_CHAIN_TOO_LONG = 35, /* more links than CVC_MAX_CHAIN */
	CVC_ERR_NOT_A_CERT = 36,     /* a request or bare key where a
					certificate is required */
	/* apdu and card */
	CVC_ERR_NO_READER = 37,      /* no such reader, or no reader at all */
	CVC_ERR_NO_CARD = 38,        /* reader present, no card in it */
	CVC_ERR_CARD_REMOVED = 39,   /* card left during an exchange */
	CVC_ERR_TIMEOUT = 40,        /* nothing happened within the time given */
	CVC_ERR_TRANSPORT = 41,      /* PC/SC, NFC or driver failure */
	CVC_ERR_CARD_STATUS = 42,    /* card answered with an error status word */
	CVC_ERR_APDU = 43,           /* malformed command or response APDU */
	/* badge policy */
	CVC_ERR_NOT_AUTHORIZED = 44, /* a required right or PIN check is
					missing (cvc_badge_authenticate) */
} cvc_err;

/* Stable English phrase for an error code; never NULL. */
const char *cvc_strerror(cvc_err err);

/*
 * Where and why a parser stopped. offset is the absolute byte offset in the
 * buffer passed to the top-level decode call. field is a static string naming
 * the field ("CHR", "public key", "CHAT", ...); tag is the tag found there
 * (0 when none could be read) and expected the tag wanted (0 when any).
 * reason is a static phrase with the detail, or NULL.
 */
typedef struct cvc_diag {
	cvc_err err;
	size_t offset;
	const char *field;
	uint32_t tag;
	uint32_t expected;
	const char *reason;
} cvc_diag;

/*
 * Formats a diagnostic as one line, e.g.
 * "byte 142: CHR (5F20): forbidden octet 0x1B in string".
 * Always NUL-terminates when size > 0; returns what snprintf returns.
 */
int cvc_diag_format(const cvc_diag *diag, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
