/* SPDX-License-Identifier: MIT */
/*
 * The holder PIN (SPEC.md 5.6): VERIFY, CHANGE REFERENCE DATA, RESET RETRY
 * COUNTER.
 *
 * The retry counter goes down in the state file BEFORE the comparison
 * [PIN-1]: cutting the power (or killing vbadge) once the answer is late
 * cannot save a wrong guess. A correct PIN then sets the counter back to 3
 * with a second write. The file keeps a salted SHA-256 of the PIN block,
 * not the PIN.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "vbadge_int.h"

#define PIN_REF     0x81u
#define P1_NEW_ONLY 0x02u /* RESET RETRY COUNTER: new reference data */
#define PIN_PAD     0xFFu

bool vb_pin_block_valid(const uint8_t *block, size_t len)
{
	size_t digits = 0;

	if (block == NULL || len != VB_PIN_BLOCK)
		return false;
	while (digits < len && block[digits] >= '0' && block[digits] <= '9')
		digits++;
	if (digits < CVC_BADGE_PIN_MIN || digits > CVC_BADGE_PIN_MAX)
		return false;
	for (size_t i = digits; i < len; i++)
		if (block[i] != PIN_PAD)
			return false;
	return true;
}

static bool pin_hash(const uint8_t salt[VB_SALT_LEN], const uint8_t *block,
                     uint8_t out[VB_HASH_LEN])
{
	uint8_t in[VB_SALT_LEN + VB_PIN_BLOCK];
	unsigned n = 0;
	bool ok;

	memcpy(in, salt, VB_SALT_LEN);
	memcpy(in + VB_SALT_LEN, block, VB_PIN_BLOCK);
	ok = EVP_Digest(in, sizeof(in), out, &n, EVP_sha256(), NULL) == 1 &&
	     n == VB_HASH_LEN;
	vb_wipe(in, sizeof(in));
	return ok;
}

bool vb_pin_set(vb_persist *p, const uint8_t *block)
{
	if (!vb_random(p->pin_salt, VB_SALT_LEN) ||
	    !pin_hash(p->pin_salt, block, p->pin_hash))
		return false;
	p->has_pin = true;
	p->pin_tries = VB_PIN_TRIES;
	return true;
}

static bool pin_matches(const vb_persist *p, const uint8_t *block)
{
	uint8_t h[VB_HASH_LEN];
	bool ok = p->has_pin && pin_hash(p->pin_salt, block, h) &&
	          CRYPTO_memcmp(h, p->pin_hash, VB_HASH_LEN) == 0;

	vb_wipe(h, sizeof(h));
	return ok;
}

static uint16_t tries_status(uint8_t tries)
{
	return tries == 0 ? SW_PIN_BLOCKED : SW_PIN_WRONG(tries);
}

/*
 * [PIN-1], [PIN-4]: counts the attempt on disk, then compares. SW_OK when
 * the PIN matches (the counter is still decremented: the caller resets
 * it), else the status word to answer.
 */
static uint16_t attempt_pin(vbadge *vb, const uint8_t *block)
{
	if (vb->p.pin_tries == 0)
		return SW_PIN_BLOCKED; /* without comparing */
	vb_begin_update(vb)->pin_tries--;
	if (vb_commit(vb) != CVC_OK)
		return SW_MEMORY; /* not counted, so not compared */
	if (!pin_matches(&vb->p, block)) {
		vb->s.pin_verified = false;
		return SW_PIN_WRONG(vb->p.pin_tries);
	}
	return SW_OK;
}

/* Commits vb->next (counter 3, maybe a new PIN); verified on success. */
static uint16_t commit_good_pin(vbadge *vb)
{
	if (vb_commit(vb) != CVC_OK) {
		/* the attempt stays counted: the safe side */
		vb->s.pin_verified = false;
		return SW_MEMORY;
	}
	vb->s.pin_verified = true;
	return SW_OK;
}

uint16_t vb_verify(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	uint16_t sw;

	if (a->p1 != 0 || a->p2 != PIN_REF)
		return SW_WRONG_P1P2;
	if (data.len == 0) /* [PIN-2]: ask, change nothing */
		return vb->s.pin_verified ? SW_OK
		                          : tries_status(vb->p.pin_tries);
	if (data.len != VB_PIN_BLOCK)
		return SW_WRONG_LENGTH; /* [PIN-3] */
	if (!vb_pin_block_valid(data.data, data.len))
		return SW_BAD_DATA;
	if ((sw = attempt_pin(vb, data.data)) != SW_OK)
		return sw;
	vb_begin_update(vb)->pin_tries = VB_PIN_TRIES;
	return commit_good_pin(vb);
}

uint16_t vb_change_pin(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	const uint8_t *old_block = data.data, *new_block;
	uint16_t sw;

	if (a->p1 != 0 || a->p2 != PIN_REF)
		return SW_WRONG_P1P2;
	if (data.len != 2 * VB_PIN_BLOCK)
		return SW_WRONG_LENGTH;
	new_block = data.data + VB_PIN_BLOCK;
	if (!vb_pin_block_valid(old_block, VB_PIN_BLOCK) ||
	    !vb_pin_block_valid(new_block, VB_PIN_BLOCK))
		return SW_BAD_DATA; /* [PIN-3]: counter untouched */
	if ((sw = attempt_pin(vb, old_block)) != SW_OK)
		return sw;
	if (!vb_pin_set(vb_begin_update(vb), new_block)) {
		vb_persist_wipe(&vb->next);
		return SW_MEMORY;
	}
	return commit_good_pin(vb);
}

uint16_t vb_reset_retry(vbadge *vb, const cvc_apdu *a, cvc_span data)
{
	if (a->p1 != P1_NEW_ONLY || a->p2 != PIN_REF)
		return SW_WRONG_P1P2;
	if (data.len != VB_PIN_BLOCK)
		return SW_WRONG_LENGTH;
	if (vb->p.lcs == CVC_BADGE_PERSONALIZED &&
	    !vb_has_right(vb, CVC_BADGE_RIGHT_PIN))
		return SW_SECURITY; /* [PIN-5] */
	if (!vb_pin_block_valid(data.data, data.len))
		return SW_BAD_DATA;
	if (vb->p.lcs == CVC_BADGE_BLANK) /* the initial PIN, pending */
		return vb_pin_set(&vb->pend, data.data) ? SW_OK : SW_MEMORY;
	if (!vb_pin_set(vb_begin_update(vb), data.data)) {
		vb_persist_wipe(&vb->next);
		return SW_MEMORY;
	}
	if (vb_commit(vb) != CVC_OK)
		return SW_MEMORY;
	vb->s.pin_verified = false; /* the new PIN has not been presented */
	return SW_OK;
}
