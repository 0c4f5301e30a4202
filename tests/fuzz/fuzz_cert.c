/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for cvc_cert_decode / cvc_cert_decode_prefix: any input,
 * strict and lenient. Accepted objects must stay inside the input and
 * re-encode to identical bytes (see cert_props.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "cert_props.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_cert_input(data, size);
	return 0;
}
