/* SPDX-License-Identifier: MIT */
/*
 * vbadge: the reference implementation of the badge applet
 * (applet-spec/SPEC.md) as an in-process card. The same object is served
 * to pcscd's vpcd driver and through the PN532 emulator by the vbadge
 * program, and used directly (cvc_card_open_function) by unit tests.
 *
 * Persistent state (keys, certificates, PIN and counter, card date, life
 * cycle) lives in one file, rewritten atomically (temporary file, fsync,
 * rename, fsync of the directory) on every persistent change, so a crash
 * at any moment leaves either the old or the new state. Transient state
 * (session, pending personalization) lives only in memory.
 */
#ifndef VBADGE_H
#define VBADGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cvc/badge.h>
#include <cvc/error.h>

typedef struct vbadge vbadge;

/*
 * Opens the badge stored in state_path, creating a BLANK badge file when it
 * does not exist. A state file that is corrupt (bad checksum, truncated,
 * unknown version) is CVC_ERR_BAD_VALUE with diag naming the byte offset
 * and what was wrong; it is never overwritten.
 */
cvc_err vbadge_open(const char *state_path, vbadge **out, cvc_diag *diag);
void vbadge_free(vbadge **vb);

/* The life cycle state as stored (CVC_BADGE_BLANK, ...). */
cvc_badge_state vbadge_state(const vbadge *vb);

/* Power-on / warm reset: clears the session and pending data (SPEC 4.2). */
void vbadge_reset(vbadge *vb);

/* ATR for contact readers: T=1, historical bytes announcing extended
 * length (ISO/IEC 7816-4 8.1.1.2.7). */
const uint8_t *vbadge_atr(size_t *len);

/* Same signature as cvc_card_fn. Always answers (SW in rapdu) unless cap
 * is too small (CVC_ERR_BUFFER_TOO_SMALL). */
cvc_err vbadge_process(void *vb, const uint8_t *capdu, size_t clen,
                       uint8_t *rapdu, size_t cap, size_t *rlen);

/*
 * Fault injection for tests: the n-th persistent write from now on (1 =
 * the next) fails as if the medium broke before the rename; the command
 * answers 6581 and the file keeps its old content (SPEC [ACT-3]). 0 turns
 * it off.
 */
void vbadge_fail_write_after(vbadge *vb, unsigned n);

#endif
