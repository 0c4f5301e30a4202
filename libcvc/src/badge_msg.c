/* SPDX-License-Identifier: MIT */
/*
 * What host (badge*.c) and card (applet-spec/vbadge) share: the two
 * messages of the badge protocol that a signature covers (SPEC.md 5.4 M_TA,
 * 5.5 M_AUTH), built by one function each so both sides sign and verify the
 * same octets, and the names of the life cycle states.
 */
#include <string.h>

#include <cvc/badge.h>

#define AUTH_PREFIX_LEN (sizeof(CVC_BADGE_AUTH_PREFIX) - 1)
#define TA_PREFIX_LEN   (sizeof(CVC_BADGE_TA_PREFIX) - 1)

/* A CHR is 1..16 octets (TR-03110-3 D.2.1.2); len(CHR) is one octet. */
static bool chr_ok(cvc_span chr)
{
	return chr.data != NULL && chr.len >= 1 && chr.len <= CVC_MAX_REF_LEN;
}

/* Appends src to out at *pos; the caller has checked the size. */
static void append(uint8_t *out, size_t *pos, const void *src, size_t len)
{
	memcpy(out + *pos, src, len);
	*pos += len;
}

static void append_octet(uint8_t *out, size_t *pos, uint8_t v)
{
	out[(*pos)++] = v;
}

/* Sizing convention of the library: *out_len = size needed, then the
 * caller's buffer must hold it (out NULL with cap 0 only asks). */
static cvc_err check_room(size_t need, uint8_t *out, size_t cap,
                          size_t *out_len)
{
	*out_len = need;
	if (out == NULL || cap < need)
		return CVC_ERR_BUFFER_TOO_SMALL;
	return CVC_OK;
}

cvc_err cvc_badge_auth_message(uint8_t flags, cvc_span chr, cvc_span nonce,
                               cvc_span challenge, uint8_t *out, size_t cap,
                               size_t *out_len)
{
	size_t pos = 0, need;
	cvc_err err;

	if (out_len == NULL || !chr_ok(chr) || nonce.data == NULL ||
	    nonce.len != CVC_BADGE_NONCE_LEN || challenge.data == NULL ||
	    challenge.len < CVC_BADGE_CHALLENGE_MIN ||
	    challenge.len > CVC_BADGE_CHALLENGE_MAX)
		return CVC_ERR_INVALID_ARG;
	/* SPEC 5.5: prefix || flags || len(CHR) || CHR || nonce ||
	 * len(challenge) || challenge */
	need =
	    AUTH_PREFIX_LEN + 1 + 1 + chr.len + nonce.len + 1 + challenge.len;
	if ((err = check_room(need, out, cap, out_len)) != CVC_OK)
		return err;
	append(out, &pos, CVC_BADGE_AUTH_PREFIX, AUTH_PREFIX_LEN);
	append_octet(out, &pos, flags);
	append_octet(out, &pos, (uint8_t)chr.len);
	append(out, &pos, chr.data, chr.len);
	append(out, &pos, nonce.data, nonce.len);
	append_octet(out, &pos, (uint8_t)challenge.len);
	append(out, &pos, challenge.data, challenge.len);
	return CVC_OK;
}

cvc_err cvc_badge_ta_message(cvc_span chr, cvc_span rpicc, uint8_t *out,
                             size_t cap, size_t *out_len)
{
	size_t pos = 0, need;
	cvc_err err;

	if (out_len == NULL || !chr_ok(chr) || rpicc.data == NULL ||
	    rpicc.len != CVC_BADGE_NONCE_LEN)
		return CVC_ERR_INVALID_ARG;
	/* SPEC 5.4: prefix || len(CHR_badge) || CHR_badge || rPICC */
	need = TA_PREFIX_LEN + 1 + chr.len + rpicc.len;
	if ((err = check_room(need, out, cap, out_len)) != CVC_OK)
		return err;
	append(out, &pos, CVC_BADGE_TA_PREFIX, TA_PREFIX_LEN);
	append_octet(out, &pos, (uint8_t)chr.len);
	append(out, &pos, chr.data, chr.len);
	append(out, &pos, rpicc.data, rpicc.len);
	return CVC_OK;
}

const char *cvc_badge_state_name(cvc_badge_state state)
{
	switch (state) {
	case CVC_BADGE_BLANK:
		return "blank";
	case CVC_BADGE_PERSONALIZED:
		return "personalized";
	case CVC_BADGE_TERMINATED:
		return "terminated";
	default:
		return "unknown";
	}
}
