/* SPDX-License-Identifier: MIT */
/*
 * Status words (ISO/IEC 7816-4 status bytes, and the meanings TR-03110-3 gives
 * them during terminal authentication, standards.md 6) as English text.
 *
 * Exact values come from a table; the parametrised families (61xx, 6Cxx,
 * 63Cx, 6202..6280, 6402..6480) are worded with their value; anything
 * else falls back to the text of its SW1 group.
 */
#include <stdio.h>

#include <cvc/apdu.h>

typedef struct sw_entry {
	uint16_t sw;
	const char *text;
} sw_entry;

static const sw_entry sw_table[] = {
    {0x9000, "success"},

    /* 62xx: warning, non-volatile memory unchanged */
    {0x6200, "warning: no information given (memory unchanged)"},
    {0x6281, "warning: part of the returned data may be corrupted"},
    {0x6282, "warning: end of file or record reached before reading Le "
             "octets"},
    {0x6283, "warning: selected file deactivated"},
    {0x6284, "warning: file control information not formatted per "
             "ISO 7816-4"},
    {0x6285, "warning: selected file in termination state"},
    {0x6286, "warning: no input data available from a sensor on the card"},
    {0x6287, "warning: at least one referenced record is deactivated"},

    /* 63xx: warning, non-volatile memory changed */
    {0x6300, "warning: authentication failed (no further information)"},
    {0x6381, "warning: file filled up by the last write"},

    /* 64xx, 65xx: execution errors */
    {0x6400, "execution error (memory unchanged)"},
    {0x6401, "execution error: immediate response required by the card"},
    {0x6500, "execution error (memory changed)"},
    {0x6581, "execution error: memory failure"},

    /* 66xx: security-related issues */
    {0x6600, "security-related issue"},

    /* 67xx: wrong length */
    {0x6700, "wrong length (Lc or Le; extended length not supported?)"},

    /* 68xx: functions in CLA not supported */
    {0x6800, "function in CLA not supported"},
    {0x6881, "logical channel not supported"},
    {0x6882, "secure messaging not supported"},
    {0x6883, "last command of the chain expected"},
    {0x6884, "command chaining not supported"},

    /* 69xx: command not allowed */
    {0x6900, "command not allowed"},
    {0x6981, "command incompatible with file structure"},
    {0x6982, "security status not satisfied"},
    {0x6983, "authentication method blocked"},
    {0x6984, "reference data not usable (e.g. certificate rejected)"},
    {0x6985, "conditions of use not satisfied (e.g. terminal type "
             "mismatch)"},
    {0x6986, "command not allowed (no current EF)"},
    {0x6987, "expected secure messaging data objects missing"},
    {0x6988, "incorrect secure messaging data objects"},

    /* 6Axx: wrong parameters P1-P2 */
    {0x6A00, "wrong parameters P1-P2"},
    {0x6A80, "incorrect parameters in the command data field"},
    {0x6A81, "function not supported"},
    {0x6A82, "file or application not found"},
    {0x6A83, "record not found"},
    {0x6A84, "not enough memory space in the file"},
    {0x6A85, "Lc inconsistent with TLV structure"},
    {0x6A86, "incorrect parameters P1-P2"},
    {0x6A87, "Lc inconsistent with parameters P1-P2"},
    {0x6A88, "referenced data not found (e.g. no such key or CAR)"},
    {0x6A89, "file already exists"},
    {0x6A8A, "DF name already exists"},

    {0x6B00, "wrong parameters P1-P2 (offset outside the EF)"},
    {0x6D00, "instruction code not supported or invalid"},
    {0x6E00, "class not supported"},
    {0x6F00, "no precise diagnosis"},
};

/* Text for SW1 when SW2 is not one the table knows. */
static const char *sw1_group_text(uint8_t sw1)
{
	switch (sw1) {
	case 0x62:
		return "warning (memory unchanged)";
	case 0x63:
		return "warning (memory changed)";
	case 0x64:
		return "execution error (memory unchanged)";
	case 0x65:
		return "execution error (memory changed)";
	case 0x66:
		return "security-related issue";
	case 0x67:
		return "wrong length";
	case 0x68:
		return "function in CLA not supported";
	case 0x69:
		return "command not allowed";
	case 0x6A:
		return "wrong parameters P1-P2";
	case 0x6B:
		return "wrong parameters P1-P2";
	case 0x6D:
		return "instruction code not supported or invalid";
	case 0x6E:
		return "class not supported";
	case 0x6F:
		return "no precise diagnosis";
	default:
		break;
	}
	if ((sw1 & 0xF0) == 0x90)
		return "proprietary status";
	return "unknown status word";
}

static const char *sw_table_text(uint16_t sw)
{
	for (size_t i = 0; i < sizeof(sw_table) / sizeof(sw_table[0]); i++)
		if (sw_table[i].sw == sw)
			return sw_table[i].text;
	return NULL;
}

/* 61xx and 6Cxx count octets; 00 stands for 256 (7816-4). */
static unsigned sw2_count(uint8_t sw2)
{
	return sw2 == 0 ? 256u : sw2;
}

const char *cvc_sw_text(uint16_t sw, char *buf, size_t size)
{
	static char empty[1];
	uint8_t sw1 = (uint8_t)(sw >> 8);
	uint8_t sw2 = (uint8_t)(sw & 0xFF);
	const char *text;

	if (buf == NULL || size == 0)
		return empty;

	if (sw1 == 0x61) {
		snprintf(buf, size, "%u%s more response octets available",
		         sw2_count(sw2), sw2 == 0 ? " or more" : "");
		return buf;
	}
	if (sw1 == 0x6C) {
		snprintf(buf, size, "wrong Le: %u octets available",
		         sw2_count(sw2));
		return buf;
	}
	if (sw1 == 0x63 && (sw2 & 0xF0) == 0xC0) {
		unsigned left = sw2 & 0x0F;

		snprintf(buf, size, "verification failed, %u %s left", left,
		         left == 1 ? "try" : "tries");
		return buf;
	}
	/* 7816-4: 6202..6280 and 6402..6480 are triggered by the card. */
	if ((sw1 == 0x62 || sw1 == 0x64) && sw2 >= 0x02 && sw2 <= 0x80) {
		snprintf(buf, size, "%s: triggering by the card (%02X%02X)",
		         sw1 == 0x62 ? "warning" : "execution error", sw1, sw2);
		return buf;
	}

	text = sw_table_text(sw);
	if (text != NULL)
		snprintf(buf, size, "%s", text);
	else
		snprintf(buf, size, "%s (%02X%02X)", sw1_group_text(sw1), sw1,
		         sw2);
	return buf;
}
