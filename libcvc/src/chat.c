/* SPDX-License-Identifier: MIT */
/*
 * Certificate holder authorization templates: terminal type, role and the
 * names of the access bits.
 *
 * Two bit numberings meet here. TR-03110-3 C.4 numbers from the least
 * significant bit of the last octet (the role is the top two bits, i.e. the
 * two highest-numbered bits). gemSpec_PKI 6.4.6 numbers the other way round:
 * b0 is the most significant bit of the first octet, and b0 b1 is the role.
 * Physically both roles sit in the top two bits of octet 0.
 */
#include <stdint.h>
#include <string.h>

#include <cvc/chat.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Terminal types                                                      */

struct type_oid {
	cvc_terminal_type type;
	const uint8_t *der;
	size_t len;
};

#define TYPE_ENTRY(type, ...)                                                  \
	{                                                                      \
		type, (const uint8_t[]){__VA_ARGS__},                          \
		    sizeof((const uint8_t[]){__VA_ARGS__})                     \
	}

/* id-roles = 0.4.0.127.0.7.3.1.2 (TR-03110-3 C.4) */
#define ID_ROLES 0x04, 0x00, 0x7F, 0x00, 0x07, 0x03, 0x01, 0x02
/* gematik 1.2.276.0.76.4 (gemSpec_PKI 6.4.6) */
#define GEMATIK_4 0x2A, 0x82, 0x14, 0x00, 0x4C, 0x04

static const struct type_oid type_oids[] = {
    TYPE_ENTRY(CVC_TT_IS, ID_ROLES, 0x01),
    TYPE_ENTRY(CVC_TT_AT, ID_ROLES, 0x02),
    TYPE_ENTRY(CVC_TT_ST, ID_ROLES, 0x03),
    TYPE_ENTRY(CVC_TT_GEMATIK_TI, GEMATIK_4, 0x81, 0x18),
    TYPE_ENTRY(CVC_TT_GEMATIK_CMS, GEMATIK_4, 0x81, 0x19),
    /* 1.3.6.1.4.1.24991.3.1.1 */
    TYPE_ENTRY(CVC_TT_SCHSM, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x81, 0xC3, 0x1F,
               0x03, 0x01, 0x01),
};

cvc_terminal_type cvc_terminal_type_from_oid(cvc_span oid)
{
	for (size_t i = 0; i < COUNT(type_oids); i++)
		if (oid.len == type_oids[i].len && oid.data != NULL &&
		    memcmp(oid.data, type_oids[i].der, oid.len) == 0)
			return type_oids[i].type;
	return CVC_TT_UNKNOWN;
}

const char *cvc_terminal_type_name(cvc_terminal_type type)
{
	switch (type) {
	case CVC_TT_IS:
		return "IS";
	case CVC_TT_AT:
		return "AT";
	case CVC_TT_ST:
		return "ST";
	case CVC_TT_GEMATIK_TI:
		return "gematik TI";
	case CVC_TT_GEMATIK_CMS:
		return "gematik CMS";
	case CVC_TT_SCHSM:
		return "SmartCard-HSM";
	case CVC_TT_UNKNOWN:
		break;
	}
	return "unknown";
}

static bool is_gematik(cvc_terminal_type type)
{
	return type == CVC_TT_GEMATIK_TI || type == CVC_TT_GEMATIK_CMS;
}

/* ------------------------------------------------------------------ */
/* Roles                                                               */

/* Indexed by cvc_role: terminal, DV foreign, DV domestic, CVCA. */
static const char *const role_names_is[4] = {
    "inspection system",
    "DV (official foreign)",
    "DV (official domestic)",
    "CVCA",
};

static const char *const role_names_at[4] = {
    "authentication terminal",
    "DV (non-official/foreign)",
    "DV (official domestic)",
    "CVCA",
};

/* TR-03110-3 v2.10 C.4.3 */
static const char *const role_names_st[4] = {
    "signature terminal",
    "DV (certification service provider)",
    "DV (accreditation body)",
    "CVCA",
};

/* gemSpec_PKI Tab_PKI_910: 01 is not defined. */
static const char *const role_names_gematik[4] = {
    "end entity",
    "undefined (01)",
    "sub-CA",
    "root CA",
};

static const char *const role_names_schsm[4] = {
    "device",
    "undefined (01)",
    "device issuer CA",
    "root CA",
};

static const char *const role_names_generic[4] = {
    "terminal",
    "DV (foreign)",
    "DV (domestic)",
    "CVCA",
};

const char *cvc_role_name(cvc_terminal_type type, cvc_role role)
{
	const char *const *names;

	switch (type) {
	case CVC_TT_IS:
		names = role_names_is;
		break;
	case CVC_TT_AT:
		names = role_names_at;
		break;
	case CVC_TT_ST:
		names = role_names_st;
		break;
	case CVC_TT_GEMATIK_TI:
	case CVC_TT_GEMATIK_CMS:
		names = role_names_gematik;
		break;
	case CVC_TT_SCHSM:
		names = role_names_schsm;
		break;
	default:
		names = role_names_generic;
		break;
	}
	if ((unsigned)role > CVC_ROLE_CVCA)
		return "invalid role";
	return names[role];
}

cvc_err cvc_chat_info_get(const cvc_chat *chat, cvc_chat_info *info)
{
	if (chat == NULL || info == NULL)
		return CVC_ERR_INVALID_ARG;
	memset(info, 0, sizeof(*info));
	info->type = cvc_terminal_type_from_oid(chat->oid);
	if (chat->bits.len == 0 || chat->bits.data == NULL)
		return CVC_ERR_BAD_VALUE;
	if (chat->bits.len > SIZE_MAX / 8)
		return CVC_ERR_BAD_VALUE;
	/* TR-03110-3 C.4 and gemSpec_PKI 6.4.6 agree on where the role is. */
	info->role = (cvc_role)(chat->bits.data[0] >> 6);
	info->nbits = chat->bits.len * 8;
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Access bits                                                         */

bool cvc_chat_bit(const cvc_chat *chat, cvc_terminal_type type, size_t bit)
{
	size_t len;

	if (chat == NULL || chat->bits.data == NULL)
		return false;
	len = chat->bits.len;
	if (bit / 8 >= len)
		return false;
	if (is_gematik(type))
		return (chat->bits.data[bit / 8] >> (7 - bit % 8)) & 1u;
	return (chat->bits.data[len - 1 - bit / 8] >> (bit % 8)) & 1u;
}

bool cvc_chat_is_role_bit(cvc_terminal_type type, size_t nbits, size_t bit)
{
	if (nbits < 2 || bit >= nbits)
		return false;
	if (is_gematik(type))
		return bit < 2;
	return bit >= nbits - 2;
}

/* TR-03110-4 v2.21 2.2.3.1, IS: TR-03110-3 C.4.1. b6 b7 are the role. */
static const char *const is_bits[6] = {
    "read DG3 (fingerprint)", "read DG4 (iris)", "RFU", "RFU", "RFU", "RFU",
};

/* TR-03110-3 v2.10 C.4.3 (moved to TR-03117 later). b6 b7 are the role. */
static const char *const st_bits[6] = {
    "generate electronic signature",
    "generate qualified electronic signature",
    "RFU",
    "RFU",
    "RFU",
    "RFU",
};

/* TR-03110-4 v2.21 2.2.3.2, table 2. b38 b39 are the role. */
static const char *const at_bits[38] = {
    "age verification",
    "municipality ID verification",
    "restricted identification",
    "privileged terminal",
    "CAN allowed",
    "PIN management",
    "install certificate",
    "install qualified certificate",
    "read DG1",
    "read DG2",
    "read DG3",
    "read DG4",
    "read DG5",
    "read DG6",
    "read DG7",
    "read DG8",
    "read DG9",
    "read DG10",
    "read DG11",
    "read DG12",
    "read DG13",
    "read DG14",
    "read DG15",
    "read DG16",
    "read DG17",
    "read DG18",
    "read DG19",
    "read DG20",
    "read DG21",
    "read DG22",
    "PSA",
    "RFU",
    "write DG22",
    "write DG21",
    "write DG20",
    "write DG19",
    "write DG18",
    "write DG17",
};

/*
 * gemSpec_PKI v2.14.1 Tab_PKI_910 (TI flag list). b0 b1 are the role. The
 * tables have changed by single bits between versions (b44, b49), so they
 * are kept as data.
 */
#define GEMATIK_BITS 56
static const char *const ti_bits[GEMATIK_BITS] = {
    [0] = NULL,
    [1] = NULL,
    [2] = "RFU",
    [3] = "RFU",
    [4] = "RFU",
    [5] = "RFU",
    [6] = "RFU",
    [7] = "RFU",
    [8] = "eGK: use ESIGN-AUTN with PIN.CH",
    [9] = "eGK: use ESIGN-AUTN without PIN",
    [10] = "eGK: use ESIGN-ENCV with PIN.CH",
    [11] = "eGK: use ESIGN-ENCV without PIN",
    [12] = "eGK: use ESIGN-AUT",
    [13] = "eGK: use ESIGN-ENC",
    [14] = "eGK: hide/unhide emergency data",
    [15] = "eGK: write/erase emergency data",
    [16] = "RFU",
    [17] = "eGK: read emergency data with MRPIN.NFD_READ",
    [18] = "eGK: read emergency data without PIN",
    [19] = "eGK: hide/unhide personal declarations (DPE)",
    [20] = "eGK: write/erase DPE",
    [21] = "RFU",
    [22] = "eGK: read DPE with MRPIN.DPE_READ",
    [23] = "eGK: read DPE without PIN",
    [24] = "eGK: hide/unhide consents and references in DF.HCA",
    [25] = "eGK: read/erase consents in DF.HCA",
    [26] = "RFU",
    [27] = "eGK: write consents in DF.HCA",
    [28] = "eGK: read/write references in DF.HCA",
    [29] = "eGK: read protected insurance data with PIN.CH",
    [30] = "eGK: read protected insurance data without PIN",
    [31] = "eGK: write logging data with PIN.CH",
    [32] = "eGK: write logging data without PIN",
    [33] = "eGK: access in AdV environments",
    [34] = "eGK: read/write proof of insurance check",
    [35] = "RFU",
    [36] = "RFU",
    [37] = "RFU",
    [38] = "RFU",
    [39] = "eGK: hide/unhide health data services",
    [40] = "eGK: read/write/erase health data services",
    [41] = "eGK: read organ donation data with MRPIN.OSE",
    [42] = "eGK: read organ donation data without PIN",
    [43] = "eGK: write/erase organ donation data",
    [44] = "eGK: activate/deactivate organ donation data",
    [45] = "eGK: hide/unhide AMTS data",
    [46] = "eGK: read AMTS data",
    [47] = "eGK: write/erase AMTS data",
    [48] = "RFU",
    [49] = "create COS fingerprint",
    [50] = "RFU",
    [51] = "comfort signature trigger",
    [52] = "secure signature creation device (SSEE)",
    [53] = "remote PIN receiver",
    [54] = "remote PIN sender",
    [55] = "SAK for batch or comfort signature",
};

/* gemSpec_PKI v2.14.1 Tab_PKI_911 (CMS flag list); b12..b55 RFU. */
static const char *const cms_bits[12] = {
    [0] = NULL,
    [1] = NULL,
    [2] = "RFU",
    [3] = "RFU",
    [4] = "RFU",
    [5] = "RFU",
    [6] = "RFU",
    [7] = "RFU",
    [8] = "CMS administration",
    [9] = "VSD administration",
    [10] = "write CV certificates",
    [11] = "TSP: extend the QES application's validity",
};

static const char *name_from(const char *const *table, size_t n, size_t bit)
{
	return bit < n ? table[bit] : NULL;
}

const char *cvc_chat_bit_name(cvc_terminal_type type, size_t bit)
{
	switch (type) {
	case CVC_TT_IS:
		return name_from(is_bits, COUNT(is_bits), bit);
	case CVC_TT_AT:
		return name_from(at_bits, COUNT(at_bits), bit);
	case CVC_TT_ST:
		return name_from(st_bits, COUNT(st_bits), bit);
	case CVC_TT_GEMATIK_TI:
		return name_from(ti_bits, COUNT(ti_bits), bit);
	case CVC_TT_GEMATIK_CMS:
		if (bit >= COUNT(cms_bits) && bit < GEMATIK_BITS)
			return "RFU";
		return name_from(cms_bits, COUNT(cms_bits), bit);
	default:
		/* SmartCard-HSM and unknown types define no named bits. */
		return NULL;
	}
}
