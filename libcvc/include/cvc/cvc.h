/* SPDX-License-Identifier: MIT */
/* libcvc: card verifiable certificates for smart-card badges. */
#ifndef CVC_CVC_H
#define CVC_CVC_H

#include <cvc/version.h>
#include <cvc/error.h>
#include <cvc/tlv.h>
#include <cvc/cert.h>
#include <cvc/chat.h>
#include <cvc/oid.h>
#include <cvc/input.h>
#include <cvc/print.h>
#include <cvc/crypto.h>
#include <cvc/trust.h>
#include <cvc/apdu.h>
#include <cvc/card.h>
#include <cvc/issue.h>
#include <cvc/badge.h>

#endif
