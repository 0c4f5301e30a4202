/* SPDX-License-Identifier: MIT */
/* Internal: hex digits, shared by input detection and the trust store. */
#ifndef CVC_HEX_INT_H
#define CVC_HEX_INT_H

#include <stdint.h>

/* Value of a hex digit (either case), or -1. */
static inline int cvc_hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
