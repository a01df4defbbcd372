/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Limits.  The family's version 2 has none in its UAPI header: each modem
 * reports its own (ATMQTT_A_MODEM_LIMITS), which its AT dialect gives it at
 * attach (m->dialect, m->limits).  Here are, apart:
 *   - the family's bounds, which the policy carries (policy.c);
 *   - the compile-time maxima that size the module's buffers and arrays,
 *     which every dialect must fit (BUILD_BUG_ON in dialect.c);
 *   - struct atmqtt_limits and struct atmqtt_dialect.
 * Nothing but a dialect may hard-code what a modem takes: requests check
 * their values against their modem's limits, loops over clients use the
 * modem's count.
 */
#ifndef ATMQTT_LIMITS_H
#define ATMQTT_LIMITS_H

#include <linux/types.h>

/* The family's bounds (the policy's, see the UAPI header). */
#define ATMQTT_FAM_CLIENT_ID_MAX	255
#define ATMQTT_FAM_HOST_MAX		255
#define ATMQTT_FAM_STR_MAX		65535	/* topic, user strings */
#define ATMQTT_FAM_PAYLOAD_MAX		65535
#define ATMQTT_FAM_U16_MAX		65535	/* port, keepalive */
#define ATMQTT_FAM_QOS_MAX		2
#define ATMQTT_RAW_MAX			512	/* a raw AT command line */
#define ATMQTT_RAW_TIMEOUT_MAX		600000	/* ms */
#define ATMQTT_RECONNECT_MS_MIN		100
#define ATMQTT_RECONNECT_MS_MAX		3600000

/* Client ids start at 1 on every modem; ATMQTT_A_LIMITS_CLIENTS is the last. */
#define ATMQTT_CLIENT_MIN	1

/* Compile-time maxima: the sizes of the module's arrays and buffers. */
#define ATMQTT_MAX_CLIENTS	2	/* struct atmqtt_modem's clients[] */
#define ATMQTT_MAX_HOST		255	/* a client's host[] */
#define ATMQTT_MAX_TOPIC	255	/* the reconnect's copies of topics */
#define ATMQTT_MAX_PAYLOAD	1024	/* the exchange's <Datasize> data */

/* What a modem takes: ATMQTT_A_MODEM_LIMITS. */
struct atmqtt_limits {
	u32 clients;		/* client ids 1 to this */
	u32 host;		/* bytes */
	u32 topic;
	u32 payload;
	u32 user_name;
	u32 password;
	u32 client_ident;
	u32 keepalive;		/* seconds */
	u32 qos;
	u32 subs;		/* tracked topics per client */
	bool binary;		/* payloads by <Datasize> */
	bool tls;
};

/*
 * The extack messages of the values past a modem's limits ("<ATTR NAME>:
 * this modem takes <lo>-<hi>[ bytes]"): static strings, built with the
 * limits they name, since 6.1 cannot format one.
 */
struct atmqtt_limit_msgs {
	const char *client_id;
	const char *host;
	const char *topic;
	const char *payload;
	const char *user_name;
	const char *password;
	const char *client_ident;
	const char *keepalive;
	const char *qos;
};

/* An AT dialect: its name (ATMQTT_A_MODEM_DIALECT) and what it takes. */
struct atmqtt_dialect {
	const char *name;
	struct atmqtt_limits limits;
	struct atmqtt_limit_msgs msgs;
};

/* The dialect of a modem being attached (there is one today). */
const struct atmqtt_dialect *atmqtt_dialect_default(void);

#endif /* ATMQTT_LIMITS_H */
