/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The only environment the AT parser core (atp.c) needs: fixed-size types,
 * bool, size_t and memcpy/memcmp.  Kernel builds take them from the kernel,
 * host builds (unit tests, fuzzers, benchmarks) from libc.
 */
#ifndef ATMQTT_ATP_SHIM_H
#define ATMQTT_ATP_SHIM_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#endif

#endif /* ATMQTT_ATP_SHIM_H */
