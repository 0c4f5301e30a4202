/* SPDX-License-Identifier: MIT */
/*
 * ISO/IEC 7816-4 command APDUs (5.1): the four cases in short and extended
 * form, encoded for the reader and decoded strictly (the card side, the
 * virtual badge, fuzzing), plus response splitting and command builders.
 *
 * Length fields (5.1):
 *   short:    Lc = 1 octet (1..255); Le = 1 octet, 00 meaning 256.
 *   extended: Lc = 00 + 2 octets (1..65535); Le = 2 octets after the data,
 *             or 00 + 2 octets when there is no Lc (case 2E); 0000 meaning
 *             65536. Lc and Le of one command are both short or both
 *             extended.
 */
#include <string.h>

#include <cvc/apdu.h>

#define APDU_HEADER_LEN 4

int cvc_apdu_case(const cvc_apdu *apdu)
{
	bool has_data = apdu->data.len > 0;
	bool has_le = apdu->le > 0;

	if (has_data)
		return has_le ? 4 : 3;
	return has_le ? 2 : 1;
}

bool cvc_apdu_needs_extended(const cvc_apdu *apdu)
{
	return apdu->data.len > CVC_APDU_MAX_SHORT_LC ||
	       apdu->le > CVC_APDU_MAX_SHORT_LE;
}

/* Whether the command goes out in extended form. Case 1 has no length. */
static bool apdu_uses_extended(const cvc_apdu *apdu)
{
	if (cvc_apdu_case(apdu) == 1)
		return false;
	return apdu->extended || cvc_apdu_needs_extended(apdu);
}

static size_t apdu_encoded_size(const cvc_apdu *apdu, bool ext)
{
	size_t n = APDU_HEADER_LEN;

	if (apdu->data.len > 0)
		n += (ext ? 3 : 1) + apdu->data.len;
	if (apdu->le > 0) {
		if (!ext)
			n += 1;
		else
			n += apdu->data.len > 0 ? 2 : 3;
	}
	return n;
}

/* Le 256 / 65536 are sent as 00 / 0000 (the value modulo the field size). */
static uint8_t *put_le(uint8_t *p, size_t le, bool ext, bool with_marker)
{
	if (!ext) {
		*p++ = (uint8_t)(le & 0xFF);
		return p;
	}
	if (with_marker)
		*p++ = 0x00;
	*p++ = (uint8_t)((le >> 8) & 0xFF);
	*p++ = (uint8_t)(le & 0xFF);
	return p;
}

cvc_err cvc_apdu_encode(const cvc_apdu *apdu, uint8_t *out, size_t cap,
                        size_t *out_len)
{
	if (apdu == NULL || out_len == NULL)
		return CVC_ERR_INVALID_ARG;
	*out_len = 0;
	if (apdu->data.len > 0 && apdu->data.data == NULL)
		return CVC_ERR_INVALID_ARG;
	/* 5.1: Nc is at most 65535 and Ne at most 65536. */
	if (apdu->data.len > CVC_APDU_MAX_EXT_LC ||
	    apdu->le > CVC_APDU_MAX_EXT_LE)
		return CVC_ERR_APDU;

	bool ext = apdu_uses_extended(apdu);
	size_t need = apdu_encoded_size(apdu, ext);

	*out_len = need;
	if (out == NULL || cap < need)
		return CVC_ERR_BUFFER_TOO_SMALL;

	uint8_t *p = out;
	*p++ = apdu->cla;
	*p++ = apdu->ins;
	*p++ = apdu->p1;
	*p++ = apdu->p2;
	if (apdu->data.len > 0) {
		if (ext) {
			*p++ = 0x00;
			*p++ = (uint8_t)(apdu->data.len >> 8);
		}
		*p++ = (uint8_t)(apdu->data.len & 0xFF);
		memcpy(p, apdu->data.data, apdu->data.len);
		p += apdu->data.len;
	}
	if (apdu->le > 0)
		put_le(p, apdu->le, ext, apdu->data.len == 0);
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */

static cvc_err apdu_fail(cvc_diag *diag, size_t offset, const char *field,
                         const char *reason)
{
	if (diag != NULL) {
		diag->err = CVC_ERR_APDU;
		diag->offset = offset;
		diag->field = field;
		diag->tag = 0;
		diag->expected = 0;
		diag->reason = reason;
	}
	return CVC_ERR_APDU;
}

static size_t get_u16(const uint8_t *p)
{
	return ((size_t)p[0] << 8) | p[1];
}

static size_t short_le(uint8_t b)
{
	return b == 0 ? CVC_APDU_MAX_SHORT_LE : b;
}

static size_t ext_le(const uint8_t *p)
{
	size_t le = get_u16(p);

	return le == 0 ? CVC_APDU_MAX_EXT_LE : le;
}

static void apdu_set_body(cvc_apdu *apdu, const uint8_t *data, size_t lc,
                          size_t le, bool ext)
{
	apdu->data.data = lc > 0 ? data : NULL;
	apdu->data.len = lc;
	apdu->le = le;
	apdu->extended = ext;
}

/* Body starting with a non-zero octet: short Lc (cases 3S, 4S). */
static cvc_err decode_short_body(const uint8_t *body, size_t n, cvc_apdu *apdu,
                                 cvc_diag *diag)
{
	size_t lc = body[0];

	if (n == 1 + lc) {
		apdu_set_body(apdu, body + 1, lc, 0, false);
		return CVC_OK;
	}
	if (n == 2 + lc) {
		apdu_set_body(apdu, body + 1, lc, short_le(body[n - 1]), false);
		return CVC_OK;
	}
	if (n < 1 + lc)
		return apdu_fail(diag, APDU_HEADER_LEN + n, "Lc",
		                 "command data shorter than Lc");
	return apdu_fail(diag, APDU_HEADER_LEN + 1 + lc, "Le",
	                 "octets after short Le (or short Lc with extended "
	                 "Le)");
}

/* Body starting with 00 and longer than one octet: extended (2E, 3E, 4E). */
static cvc_err decode_extended_body(const uint8_t *body, size_t n,
                                    cvc_apdu *apdu, cvc_diag *diag)
{
	if (n < 3)
		return apdu_fail(diag, APDU_HEADER_LEN + n, "Lc",
		                 "extended length field truncated");
	if (n == 3) {
		apdu_set_body(apdu, NULL, 0, ext_le(body + 1), true);
		return CVC_OK;
	}

	size_t lc = get_u16(body + 1);

	if (lc == 0)
		return apdu_fail(diag, APDU_HEADER_LEN + 1, "Lc",
		                 "extended Lc of zero followed by data");
	if (n == 3 + lc) {
		apdu_set_body(apdu, body + 3, lc, 0, true);
		return CVC_OK;
	}
	if (n == 5 + lc) {
		apdu_set_body(apdu, body + 3, lc, ext_le(body + n - 2), true);
		return CVC_OK;
	}
	if (n < 3 + lc)
		return apdu_fail(diag, APDU_HEADER_LEN + n, "Lc",
		                 "command data shorter than Lc");
	return apdu_fail(diag, APDU_HEADER_LEN + 3 + lc, "Le",
	                 "extended Le must be two octets after the data");
}

cvc_err cvc_apdu_decode(const uint8_t *data, size_t len, cvc_apdu *apdu,
                        cvc_diag *diag)
{
	if ((data == NULL && len > 0) || apdu == NULL)
		return CVC_ERR_INVALID_ARG;
	memset(apdu, 0, sizeof(*apdu));
	if (len < APDU_HEADER_LEN)
		return apdu_fail(diag, len, "header",
		                 "command shorter than CLA INS P1 P2");
	if (len > CVC_APDU_MAX_SIZE)
		return apdu_fail(diag, CVC_APDU_MAX_SIZE, "command",
		                 "longer than any command APDU");

	apdu->cla = data[0];
	apdu->ins = data[1];
	apdu->p1 = data[2];
	apdu->p2 = data[3];

	const uint8_t *body = data + APDU_HEADER_LEN;
	size_t n = len - APDU_HEADER_LEN;
	cvc_err err;

	if (n == 0)
		return CVC_OK; /* case 1 */
	if (n == 1) {
		apdu->le = short_le(body[0]); /* case 2S */
		return CVC_OK;
	}
	if (body[0] != 0)
		err = decode_short_body(body, n, apdu, diag);
	else
		err = decode_extended_body(body, n, apdu, diag);
	if (err != CVC_OK) {
		cvc_span none = {NULL, 0};

		apdu->data = none;
		apdu->le = 0;
	}
	return err;
}

cvc_err cvc_rapdu_parse(const uint8_t *resp, size_t len, cvc_rapdu *out)
{
	if (resp == NULL || out == NULL)
		return CVC_ERR_INVALID_ARG;
	out->data.data = NULL;
	out->data.len = 0;
	out->sw = 0;
	if (len < 2)
		return CVC_ERR_APDU;
	/* 5.1: at most Ne = 65536 data octets precede SW1 SW2. */
	if (len - 2 > CVC_APDU_MAX_EXT_LE)
		return CVC_ERR_APDU;
	out->data.data = len > 2 ? resp : NULL;
	out->data.len = len - 2;
	out->sw = (uint16_t)((resp[len - 2] << 8) | resp[len - 1]);
	return CVC_OK;
}

/* ------------------------------------------------------------------ */
/* Builders (commands from ISO 7816-4 and 7816-8; standards.md 6)      */

static void apdu_set(cvc_apdu *apdu, uint8_t cla, uint8_t ins, uint8_t p1,
                     uint8_t p2, cvc_span data, size_t le)
{
	if (apdu == NULL)
		return;
	apdu->cla = cla;
	apdu->ins = ins;
	apdu->p1 = p1;
	apdu->p2 = p2;
	apdu->data = data;
	apdu->le = le;
	apdu->extended = false;
}

static const cvc_span no_data = {NULL, 0};

void cvc_apdu_select_aid(cvc_apdu *apdu, cvc_span aid, uint8_t p2, size_t le)
{
	apdu_set(apdu, 0x00, 0xA4, 0x04, p2, aid, le);
}

/* READ BINARY (7816-4): with P1 b8 = 0 the offset has 15 bits. */
void cvc_apdu_read_binary(cvc_apdu *apdu, uint16_t offset, size_t le)
{
	apdu_set(apdu, 0x00, 0xB0, (uint8_t)((offset >> 8) & 0x7F),
	         (uint8_t)(offset & 0xFF), no_data, le);
}

/* READ BINARY (7816-4): P1 = 100xxxxx with the SFI in b5-b1, P2 = offset. */
void cvc_apdu_read_binary_sfi(cvc_apdu *apdu, uint8_t sfi, uint8_t offset,
                              size_t le)
{
	apdu_set(apdu, 0x00, 0xB0, (uint8_t)(0x80 | (sfi & 0x1F)), offset,
	         no_data, le);
}

void cvc_apdu_update_binary(cvc_apdu *apdu, uint16_t offset, cvc_span data)
{
	apdu_set(apdu, 0x00, 0xD6, (uint8_t)((offset >> 8) & 0x7F),
	         (uint8_t)(offset & 0xFF), data, 0);
}

void cvc_apdu_get_data(cvc_apdu *apdu, uint16_t tag, size_t le)
{
	apdu_set(apdu, 0x00, 0xCA, (uint8_t)(tag >> 8), (uint8_t)(tag & 0xFF),
	         no_data, le);
}

void cvc_apdu_put_data(cvc_apdu *apdu, uint16_t tag, cvc_span data)
{
	apdu_set(apdu, 0x00, 0xDA, (uint8_t)(tag >> 8), (uint8_t)(tag & 0xFF),
	         data, 0);
}

void cvc_apdu_get_challenge(cvc_apdu *apdu, size_t le)
{
	apdu_set(apdu, 0x00, 0x84, 0x00, 0x00, no_data, le);
}

void cvc_apdu_internal_authenticate(cvc_apdu *apdu, cvc_span data, size_t le)
{
	apdu_set(apdu, 0x00, 0x88, 0x00, 0x00, data, le);
}

void cvc_apdu_external_authenticate(cvc_apdu *apdu, cvc_span signature)
{
	apdu_set(apdu, 0x00, 0x82, 0x00, 0x00, signature, 0);
}

void cvc_apdu_mse_set(cvc_apdu *apdu, uint8_t p1, uint8_t p2, cvc_span crt)
{
	apdu_set(apdu, 0x00, 0x22, p1, p2, crt, 0);
}

void cvc_apdu_pso_verify_certificate(cvc_apdu *apdu, cvc_span body_and_sig)
{
	apdu_set(apdu, 0x00, 0x2A, 0x00, 0xBE, body_and_sig, 0);
}

/* INS 47: GENERATE ASYMMETRIC KEY PAIR as OpenPGP and PIV send it. */
void cvc_apdu_generate_key_pair(cvc_apdu *apdu, uint8_t p1, uint8_t p2,
                                cvc_span data, size_t le)
{
	apdu_set(apdu, 0x00, 0x47, p1, p2, data, le);
}

/* VERIFY (7816-4): P1 = 00, P2 = reference data qualifier. */
void cvc_apdu_verify_pin(cvc_apdu *apdu, uint8_t ref, cvc_span pin)
{
	apdu_set(apdu, 0x00, 0x20, 0x00, ref, pin, 0);
}
