/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Host side of kernel/atp_shim.h: what the AT parser needs from the kernel,
 * taken from libc for unit tests, fuzzers and benchmarks.
 */
#ifndef ATMQTT_ATP_HOST_H
#define ATMQTT_ATP_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#ifndef noinline
#define noinline __attribute__((__noinline__))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif /* ATMQTT_ATP_HOST_H */
