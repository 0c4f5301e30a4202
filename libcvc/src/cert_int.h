/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between cert.c (certificates, bodies, keys) and
 * request.c (authenticated requests). Not installed.
 */
#ifndef CVC_CERT_INT_H
#define CVC_CERT_INT_H

#include <cvc/cert.h>

#if defined(__GNUC__) || defined(__clang__)
#define CVC_INTERNAL __attribute__((visibility("hidden")))
#else
#define CVC_INTERNAL
#endif

/* State shared by the field decoders of one top-level decode call. */
typedef struct cvc_dec {
	cvc_tlv_mode mode;
	cvc_diag *diag;  /* may be NULL */
	bool nonminimal; /* some length was not in its shortest form */
} cvc_dec;

/* One position in a constructed object whose fields come in a fixed order. */
typedef struct cvc_slot {
	uint32_t tag;
	const char *name;
	bool mandatory;
} cvc_slot;

#define CVC_MAX_SLOTS 8

/*
 * Walks the children of a constructed object against its slots: each child
 * must fill a later slot than the one before, mandatory slots may not be
 * skipped, and nothing may follow the last slot.
 */
typedef struct cvc_layout {
	cvc_tlv_reader r;
	const cvc_slot *slots;
	size_t n;
	size_t pos;               /* first slot the next child may fill */
	uint32_t seen;            /* bit i: slot i was filled */
	size_t at[CVC_MAX_SLOTS]; /* offset of the child in slot i */
	const char *owner;        /* the constructed object, for diag */
} cvc_layout;

CVC_INTERNAL void cvc_layout_init(cvc_layout *l, const cvc_tlv_reader *parent,
                                  const cvc_tlv *t, const cvc_slot *slots,
                                  size_t n, const char *owner);

/*
 * Reads the next child into *t and its slot into *slot; *slot == l->n when
 * the object ended (and every mandatory slot was filled).
 */
CVC_INTERNAL cvc_err cvc_layout_next(cvc_dec *d, cvc_layout *l, cvc_tlv *t,
                                     size_t *slot);

/* Fills d->diag (when there is one) and returns err. */
CVC_INTERNAL cvc_err cvc_dec_fail(cvc_dec *d, cvc_err err, size_t offset,
                                  const char *field, uint32_t tag,
                                  uint32_t expected, const char *reason);

/*
 * Width to remember for re-encoding t: 0 when its length is minimal, else
 * the number of length octets (and d notes the non-minimal length).
 */
CVC_INTERNAL uint8_t cvc_dec_width(cvc_dec *d, const cvc_tlv *t);

/*
 * Decodes the 7F21 object t read from parent: a certificate, a request or
 * the ISO 7816-9 form. With request_only, only a request is accepted (the
 * inner object of an authenticated request).
 */
CVC_INTERNAL cvc_err cvc_dec_cv_object(cvc_dec *d, const cvc_tlv_reader *parent,
                                       const cvc_tlv *t, bool request_only,
                                       cvc_cert *cert);

/* Decodes the 67 object t read from parent (TR-03110-3 C.2). */
CVC_INTERNAL cvc_err cvc_dec_auth_request(cvc_dec *d,
                                          const cvc_tlv_reader *parent,
                                          const cvc_tlv *t, cvc_cert *cert);

/* Checks a CAR or CHR value against the rules of the object's profile. */
CVC_INTERNAL cvc_err cvc_dec_check_name(cvc_dec *d, const cvc_tlv *t,
                                        const char *field, uint8_t cpi,
                                        bool is_car);

/* Writes 7F21 { 7F4E ..., 5F37 } of a certificate or request. */
CVC_INTERNAL void cvc_enc_cv_object(cvc_tlv_writer *w, const cvc_cert *cert);

/* Writes 67 { 7F21 ..., 42, 5F37 }. */
CVC_INTERNAL void cvc_enc_auth_request(cvc_tlv_writer *w, const cvc_cert *cert);

#endif
