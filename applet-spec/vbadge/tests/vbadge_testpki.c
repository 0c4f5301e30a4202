/* SPDX-License-Identifier: MIT */
/*
 * vbadge-testpki DIR [KEYSPEC]: a personalized virtual badge for script
 * tests, made in process through the applet's APDU interface (vbpki.h).
 *
 * Writes DIR/badge.state (PERSONALIZED, PIN 123456, holder "Dr. Erika
 * Mustermann" / E-1234 / Cardiology) and the PKI beside it: cvca.cvcert,
 * dv.cvcert, term.cvcert (rights: terminate, PIN, renew, read holder
 * data), badge.cvcert, and the CA and terminal keys as PKCS#8 PEM
 * (cvca.key, dv.key, term.key). KEYSPEC: brainpoolP256r1 (default),
 * P-256, rsa2048, ... Exit status 0, or 1 with a message.
 */
#include <stdio.h>
#include <string.h>

#include "vbpki.h"

int main(int argc, char **argv)
{
	char state[4096];
	vbpki pki;
	vbadge *vb = NULL;
	cvc_diag diag;
	uint16_t sw = 0;
	cvc_err err;

	if (argc < 2 || argc > 3) {
		fputs("usage: vbadge-testpki DIR [KEYSPEC]\n", stderr);
		return 2;
	}
	if ((size_t)snprintf(state, sizeof(state), "%s/badge.state", argv[1]) >=
	    sizeof(state))
		return 2;
	remove(state);
	err = vbpki_build(&pki, argc == 3 ? argv[2] : NULL);
	if (err == CVC_OK)
		err = vbadge_open(state, &vb, &diag);
	if (err == CVC_OK)
		err = vbpki_personalize(&pki, vb, "123456", &sw);
	if (err == CVC_OK)
		err = vbpki_write_dir(&pki, argv[1]);
	vbadge_free(&vb);
	vbpki_free(&pki);
	if (err != CVC_OK) {
		fprintf(stderr, "vbadge-testpki: %s (SW %04X)\n",
		        cvc_strerror(err), sw);
		return 1;
	}
	return 0;
}
