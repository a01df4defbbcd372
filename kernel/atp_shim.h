/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The only environment the AT parser core (atp.c) needs: fixed-size types,
 * bool, size_t, ARRAY_SIZE and memcpy/memcmp/memset.  Kernel builds take
 * them from the kernel; host builds (unit tests, fuzzers, benchmarks) from
 * tools/include/atp_host.h, on top of libc.
 */
#ifndef ATMQTT_ATP_SHIM_H
#define ATMQTT_ATP_SHIM_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/string.h>
#else
#include "atp_host.h"
#endif

#endif /* ATMQTT_ATP_SHIM_H */
