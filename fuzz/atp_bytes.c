// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target: kernel/atp.c on raw byte streams.  The last 16 bytes of
 * the input (when it has more than 32) choose where a third feed cuts the
 * stream; see oracle.h for what is checked.
 */
#include "oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t ncuts = size > 32 ? 16 : 0;

	oracle_check(data, size - ncuts, ncuts ? data + size - ncuts : NULL,
		     ncuts);
	return 0;
}
