/* SPDX-License-Identifier: MIT */
/*
 * A card behind pcscd's vpcd driver (vsmartcard).
 *
 * vpcd listens on a TCP port per slot; a card "inserts" itself by
 * connecting and "leaves" by closing the socket. Every message in both
 * directions is a 2-octet big-endian length and a payload. A 1-octet
 * payload from vpcd is a control code (0 power off, 1 power on, 2 reset,
 * 4 get ATR; only get ATR is answered), anything longer a command APDU
 * that gets a response APDU.
 */
#ifndef VBADGE_HOST_VPCD_H
#define VBADGE_HOST_VPCD_H

#include <stdbool.h>

#include "host_common.h"

typedef struct vhost_vpcd_options {
	const char *name; /* prefix of log lines ("vicc", "vbadge") */
	const char *host; /* IPv4 address of vpcd */
	unsigned port;
	long exit_after_s; /* < 0: run until signalled */
	long remove_after; /* answer N APDUs, then close the socket when the
	                      next one arrives (< 0: never) */
	long stall_after;  /* answer N APDUs, then read but never answer
	                      the next ones; ATR polls are still answered
	                      (< 0: never) */
	bool verbose;      /* events on stderr */
	bool trace;        /* every message on stderr */
	bool mask_pin;     /* PIN data in the trace as ** */
} vhost_vpcd_options;

/* name "vicc", 127.0.0.1:35963 (vpcd's default), no limits, quiet. */
void vhost_vpcd_defaults(vhost_vpcd_options *o);

/*
 * Installs SIGTERM/SIGINT handlers (and SIGTERM when the parent process
 * ends, so no card outlives the test that started it), connects to vpcd
 * (retrying for up to 10 s: vpcd may still be starting) and serves `card`
 * until a signal, --exit-after, a simulated removal, or vpcd closing the
 * connection. Returns 0, or 1 when it could not connect.
 */
int vhost_vpcd_run(const vhost_vpcd_options *o, const vhost_card *card);

#endif
