/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include <cvc/cvc.h>

const char *cvc_version(void)
{
	return CVC_VERSION_STRING;
}

const char *cvc_strerror(cvc_err err)
{
	switch (err) {
	case CVC_OK:
		return "success";
	case CVC_ERR_INVALID_ARG:
		return "invalid argument";
	case CVC_ERR_TRUNCATED:
		return "input truncated";
	case CVC_ERR_BAD_LENGTH:
		return "invalid length";
	case CVC_ERR_NONMINIMAL_LENGTH:
		return "length not in shortest (DER) form";
	case CVC_ERR_BAD_TAG:
		return "malformed tag";
	case CVC_ERR_UNEXPECTED_TAG:
		return "unexpected tag";
	case CVC_ERR_DUPLICATE_FIELD:
		return "duplicate field";
	case CVC_ERR_MISSING_FIELD:
		return "missing field";
	case CVC_ERR_TRAILING_DATA:
		return "trailing data after object";
	case CVC_ERR_BAD_VALUE:
		return "invalid field value";
	case CVC_ERR_BAD_DATE:
		return "invalid date";
	case CVC_ERR_BAD_STRING:
		return "forbidden character in string";
	case CVC_ERR_TOO_MANY:
		return "too many items";
	case CVC_ERR_NESTING:
		return "unbalanced or too deep nesting";
	case CVC_ERR_BUFFER_TOO_SMALL:
		return "output buffer too small";
	case CVC_ERR_UNSUPPORTED:
		return "not supported";
	case CVC_ERR_NO_MEMORY:
		return "out of memory";
	case CVC_ERR_IO:
		return "input/output error";
	case CVC_ERR_INPUT_FORMAT:
		return "input is neither DER, hex nor base64";
	case CVC_ERR_SIGNATURE:
		return "signature does not verify";
	case CVC_ERR_UNKNOWN_ALGORITHM:
		return "unknown or unsupported algorithm";
	case CVC_ERR_BAD_KEY:
		return "invalid public key";
	case CVC_ERR_DOMAIN_PARAMS:
		return "EC domain parameters missing or unknown";
	case CVC_ERR_CRYPTO:
		return "cryptographic library error";
	case CVC_ERR_EXPIRED:
		return "certificate expired";
	case CVC_ERR_NOT_YET_VALID:
		return "certificate not yet valid";
	case CVC_ERR_UNKNOWN_ISSUER:
		return "issuer unknown";
	case CVC_ERR_ROLE:
		return "issuer role may not sign this certificate";
	case CVC_ERR_CHAT_WIDENED:
		return "authorization exceeds the issuer's";
	case CVC_ERR_TERMINAL_TYPE:
		return "terminal type differs along the chain";
	case CVC_ERR_REVOKED:
		return "certificate revoked";
	case CVC_ERR_CRL_STALE:
		return "revocation list is stale";
	case CVC_ERR_CRL_ISSUER:
		return "revocation list issuer not in the chain";
	case CVC_ERR_CRITICAL:
		return "unknown critical content";
	case CVC_ERR_CHAIN_TOO_LONG:
		return "chain too long";
	case CVC_ERR_NOT_A_CERT:
		return "not a certificate";
	case CVC_ERR_NO_READER:
		return "reader not found";
	case CVC_ERR_NO_CARD:
		return "no card in the reader";
	case CVC_ERR_CARD_REMOVED:
		return "card removed";
	case CVC_ERR_TIMEOUT:
		return "timed out";
	case CVC_ERR_TRANSPORT:
		return "reader or transport error";
	case CVC_ERR_CARD_STATUS:
		return "card returned an error status";
	case CVC_ERR_APDU:
		return "malformed APDU";
	case CVC_ERR_NOT_AUTHORIZED:
		return "required right or PIN check missing";
	}
	return "unknown error";
}

static int format_tag(uint32_t tag, char *buf, size_t size)
{
	return snprintf(buf, size, tag > 0xFF ? "%04X" : "%02X", (unsigned)tag);
}

int cvc_diag_format(const cvc_diag *diag, char *buf, size_t size)
{
	char found[12] = "", wanted[12] = "";

	if (diag == NULL)
		return snprintf(buf, size, "no diagnostic");
	if (diag->tag != 0)
		format_tag(diag->tag, found, sizeof(found));
	if (diag->expected != 0)
		format_tag(diag->expected, wanted, sizeof(wanted));
	return snprintf(buf, size, "byte %zu: %s%s%s%s: %s%s%s%s%s%s%s",
			diag->offset, diag->field ? diag->field : "object",
			diag->expected ? " (" : "", wanted,
			diag->expected ? ")" : "", cvc_strerror(diag->err),
			diag->reason ? ": " : "",
			diag->reason ? diag->reason : "",
			diag->tag ? " (found tag " : "", found,
			diag->tag ? ")" : "", "");
}
