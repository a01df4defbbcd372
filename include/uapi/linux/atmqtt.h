/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * atmqtt: MQTT clients of AT-command cellular modems (Fibocom NL668 and
 * alike) as a Linux device.  Generic netlink family ATMQTT_GENL_NAME,
 * version 2 (version 1 had one flat attribute space and compile-time
 * limits; nothing used it, and nothing of it is kept).
 *
 * A tty line discipline (or a serdev driver) attaches a modem; each attached
 * modem has a small integer id (ATMQTT_A_MODEM_ID, given out in turn, not
 * reused at once).  The module writes the AT commands, parses every
 * response and URC in the kernel and exposes the modem's MQTT clients
 * (ids 1 to the modem's ATMQTT_A_LIMITS_CLIENTS).
 *
 * Layout.  A message's top level says what it is about (MODEM_ID,
 * CLIENT_ID) and carries one nest per kind of object:
 *   ATMQTT_A_MODEM   a modem       (enum atmqtt_a_modem), which nests
 *     ATMQTT_A_MODEM_STATS  its counters   (enum atmqtt_a_stats) and
 *     ATMQTT_A_MODEM_LIMITS its limits and capabilities (enum atmqtt_a_limits);
 *   ATMQTT_A_CLIENT  an MQTT client's connection and policy (atmqtt_a_client);
 *   ATMQTT_A_USER    a client's credentials (enum atmqtt_a_user);
 *   ATMQTT_A_MSG     an MQTT message or topic (enum atmqtt_a_msg);
 *   ATMQTT_A_ENTRY   one client's part of a list answer (atmqtt_a_entry);
 *   ATMQTT_A_ERROR   the modem's error for a failed request (atmqtt_a_error);
 *   ATMQTT_A_RECONNECT a step of the reconnect policy (atmqtt_a_reconnect).
 * Integers are u32 (s32 for an errno) unless they count bytes or messages
 * over the module's life (u64, each set having its own PAD).
 *
 * Limits.  None is in this header: each modem reports its own in
 * ATMQTT_A_MODEM_LIMITS (the NL668: clients 1-2, topic 255, payload 1024
 * bytes, host 255, user name and password 128, client identifier 23,
 * keepalive 300 s, QoS 2, 128 tracked subscriptions per client, binary
 * payloads by <Datasize>, no TLS).  The family's policy carries the
 * family's own bounds (a policy dump, CTRL_CMD_GETPOLICY, shows them):
 * a value outside them is refused by the netlink core with -ERANGE and the
 * attribute's offset and policy in the extended ack; a value inside them
 * but past the modem's limit is refused with -ERANGE and a message naming
 * the attribute and the modem's limit ("ATMQTT_A_MSG_TOPIC: this modem
 * takes 1-255 bytes").
 *
 * Requests.  Every request that sends an AT command needs CAP_NET_ADMIN
 * ("admin" below); without it a user can list the modems (GET_MODEM) and
 * the clients (GET_CLIENT, without where they connect), nothing else.
 * Requests are serialized per modem, sleep without the genetlink lock and
 * time out (module parameters cmd_timeout_ms, urc_timeout_ms).  The modem,
 * not the request, owns each exchange: a request that times out or is
 * interrupted returns at once and the module completes its command; a
 * modem silent for twice the timeout is resynchronised before the next
 * command.  A command answered by "OK" and later by a result URC
 * (+MQTTOPEN, +MQTTCLOSE, +MQTTSUB, +MQTTUNSUB, +MQTTPUB) completes when
 * the URC arrives.
 *
 * Every do request that reaches the modem is answered with a message of the
 * request's command carrying MODEM_ID (and CLIENT_ID where the request has
 * one) plus what is listed for it; on success that is the last message
 * (NLM_F_ACK is not needed).  When the modem answered "ERROR: <n>" or
 * "+CME ERROR: <n>", a message carrying ATMQTT_A_ERROR comes before the
 * error ack: the errno is coarse, the code exact.  Errors (negative errno
 * in the ack, an extended ack message naming the attribute and the rule):
 *   -EPERM        the request needs CAP_NET_ADMIN.
 *   -ERANGE       a value outside the policy's bounds or the modem's limits.
 *   -EINVAL       an attribute is missing (NLMSGERR_ATTR_MISS_TYPE and
 *                 _MISS_NEST name it), not this request's, or breaks a
 *                 rule of the family (a quoted string's characters, a RAW
 *                 line's form).
 *   -ENODEV       no such modem, or it went away while the request waited.
 *   -ETIMEDOUT    no final result, result URC or '>' prompt in time.
 *   -ECANCELED    the caller was interrupted by a signal.
 *   -EIO          the modem answered plain "ERROR".
 *   -EREMOTEIO    "ERROR: <n>" or "+CME ERROR: <n>" (ATMQTT_A_ERROR).
 *   -ECONNREFUSED "ERROR: 700" to "704", the broker refused the connection
 *                 (ATMQTT_A_ERROR_CODE says which).
 *   -ECOMM        the result URC came with status 0.
 *   -ENOSPC       SUBSCRIBE: the client tracks ATMQTT_A_LIMITS_SUBS topics.
 *
 * Strings that go between quotes in an AT command (CLIENT_HOST, MSG_TOPIC,
 * the USER strings, a quoted MSG_PAYLOAD) must be printable ASCII
 * (0x20-0x7e) without '"'; lengths are bytes, without a terminating NUL.
 *
 * ATMQTT_CMD_GET_MODEM (do and dump): MODEM_ID restricts the dump, and is
 *     required by do.  Per modem: MODEM_ID, MODEM { TTY, TTY_DEV (the tty's
 *     dev_t as new_encode_dev(): major (d & 0xfff00) >> 8, minor (d & 0xff)
 *     | ((d >> 12) & 0xfff00)), STATE, MODE, MEM_BYTES, DIALECT, STATS {...},
 *     LIMITS {...} }.
 * ATMQTT_CMD_GET_CLIENT (dump): MODEM_ID restricts it.  Per client:
 *     MODEM_ID, CLIENT_ID, CLIENT { STATE, SUB_COUNT, RECONNECT,
 *     RECONNECT_MIN_MS, RECONNECT_MAX_MS, and once opened through the
 *     module, to CAP_NET_ADMIN callers only, HOST, PORT, CLEAN, KEEPALIVE }.
 * ATMQTT_CMD_SET_CLIENT (admin): MODEM_ID, CLIENT_ID, CLIENT { RECONNECT,
 *     RECONNECT_MIN_MS, RECONNECT_MAX_MS } (each optional: unchanged).  With
 *     RECONNECT 1, after a +MQTTBREAK the module reopens the client with
 *     the parameters of its last OPEN and resubscribes every tracked
 *     topic, waiting MIN_MS first and doubling the wait up to MAX_MS.
 *     No AT command: answered by the ack alone.
 * ATMQTT_CMD_GET_SUB (dump, admin): MODEM_ID restricts it.  Per tracked
 *     subscription: MODEM_ID, CLIENT_ID, MSG { TOPIC, QOS }.
 * ATMQTT_CMD_SET_USER (admin): AT+MQTTUSER=<client>,"<name>","<pass>"[,"<id>"]
 *     MODEM_ID, CLIENT_ID, USER { NAME, PASSWORD (default empty),
 *     CLIENT_ID (optional: the modem uses its IMEI) }.
 * ATMQTT_CMD_GET_USER (admin): AT+MQTTUSER?  MODEM_ID.  Reply: one ENTRY
 *     per client reported, { CLIENT_ID, USER { NAME, PASSWORD, CLIENT_ID } }.
 * ATMQTT_CMD_SET_WILL (admin): AT+MQTTWILL=<client>,"<topic>",<qos>,<retain>,
 *     "<payload>": MODEM_ID, CLIENT_ID, MSG { TOPIC, QOS, RETAIN (default
 *     0), PAYLOAD (quotable, default empty) }.
 * ATMQTT_CMD_GET_WILL (admin): AT+MQTTWILL?  MODEM_ID.  Reply: one ENTRY
 *     per client reported, { CLIENT_ID, MSG { TOPIC, QOS, RETAIN, PAYLOAD } }.
 * ATMQTT_CMD_SET_CONF (admin): AT+MQTTCONF=<mode>  MODEM_ID, MODE 0-1.
 * ATMQTT_CMD_GET_CONF (admin): AT+MQTTCONF?  MODEM_ID.  Reply: MODE.
 * ATMQTT_CMD_OPEN (admin): AT+MQTTOPEN=<client>,"<host>",<port>,<clean>,
 *     <keepalive>: MODEM_ID, CLIENT_ID, CLIENT { HOST, PORT, CLEAN (default
 *     1), KEEPALIVE (default 60) }.  Forgets the client's tracked topics.
 * ATMQTT_CMD_GET_OPENABLE (admin): AT+MQTTOPEN?  MODEM_ID.  Reply: one
 *     CLIENT_ID per client that can be opened (none for "+MQTTOPEN: 0").
 * ATMQTT_CMD_CLOSE (admin): AT+MQTTCLOSE=<client>  MODEM_ID, CLIENT_ID.
 * ATMQTT_CMD_GET_CLOSABLE (admin): AT+MQTTCLOSE?  Like GET_OPENABLE.
 * ATMQTT_CMD_SUBSCRIBE (admin): AT+MQTTSUB=<client>,"<topic>",<qos>
 *     MODEM_ID, CLIENT_ID, MSG { TOPIC, QOS (default 0) }.  The topic is
 *     then tracked (GET_SUB).
 * ATMQTT_CMD_UNSUBSCRIBE (admin): AT+MQTTUNSUB=<client>,"<topic>"
 *     MODEM_ID, CLIENT_ID, MSG { TOPIC }.
 * ATMQTT_CMD_PUBLISH (admin): AT+MQTTPUB=<client>,"<topic>",<qos>,<retain>,
 *     "<payload>" or <Datasize>: MODEM_ID, CLIENT_ID, MSG { TOPIC, QOS,
 *     RETAIN, PAYLOAD (any bytes, default empty), DATASIZE (1: by
 *     <Datasize> even when quotable) }.  A payload that is not quotable
 *     goes by <Datasize> (the modem's LIMITS_BINARY).  Reply: MSG
 *     { DATASIZE }, the form used.
 * ATMQTT_CMD_READ (admin): AT+MQTTREAD=<client>  MODEM_ID, CLIENT_ID.
 *     Reply: MSG { TOPIC, QOS, PAYLOAD, SEQ, TRUNCATED } when the modem had
 *     a message, no MSG when it had none.  The message is also multicast as
 *     ATMQTT_EVT_MESSAGE with the same SEQ.
 * ATMQTT_CMD_TEST (admin): AT+MQTT<X>=?  MODEM_ID, AT_CMD (enum atmqtt_at).
 *     Reply: LINE, the modem's information line as sent.
 * ATMQTT_CMD_RAW (admin): one raw AT command line.  MODEM_ID; LINE
 *     (printable ASCII starting with "AT", not "AT+MQTT"); TIMEOUT_MS
 *     (default cmd_timeout_ms).  Reply: one LINE per information line,
 *     FINAL ("OK", "ERROR", "+CME ERROR: 10", ...), TRUNCATED when lines
 *     were left out (more than 8 KiB).  A final error is in FINAL.
 *
 * Events, multicast to the group ATMQTT_MCGRP_EVENTS (joining needs
 * CAP_NET_ADMIN; on kernels that cannot require it of a group's members,
 * before 6.7 and 6.1.66, the family has no group and no events).  Their
 * genlmsghdr cmd is an enum atmqtt_evt, a space of its own (like
 * ethtool's kernel messages); every event carries MODEM_ID.
 *   ATMQTT_EVT_MESSAGE: a message arrived.  CLIENT_ID, MSG { TOPIC, QOS,
 *     PAYLOAD, SEQ (per modem, from 1, one more per message received),
 *     DROPS (the modem's undelivered messages so far), TRUNCATED }.  A gap
 *     in SEQ is a loss, counted in DROPS.
 *   ATMQTT_EVT_BREAK: +MQTTBREAK, the client is closed.  CLIENT_ID, CAUSE
 *     (1 broker or ping, 2 wireless link, 3 not registered).
 *   ATMQTT_EVT_RESULT: a result URC (+MQTTOPEN, +MQTTCLOSE, +MQTTSUB,
 *     +MQTTUNSUB always; +MQTTPUB when no request waits for it).
 *     CLIENT_ID, URC (enum atmqtt_urc), STATUS (0 or 1, the URC's).
 *   ATMQTT_EVT_MODEM: a modem was attached (STATE INIT), became ready, or
 *     went away (DEAD).  MODEM { TTY, TTY_DEV, STATE, MODE, MEM_BYTES,
 *     STATS, LIMITS, ... } as GET_MODEM.
 *   ATMQTT_EVT_URC: a line the module does not know, outside any command's
 *     exchange.  LINE.
 *   ATMQTT_EVT_RECONNECT: a step of the reconnect policy.  CLIENT_ID,
 *     RECONNECT { STEP, ATTEMPT, RESULT (OPEN, SUB), TOPIC (SUB),
 *     DELAY_MS (WAIT) }.
 */
#ifndef _UAPI_LINUX_ATMQTT_H
#define _UAPI_LINUX_ATMQTT_H

#define ATMQTT_GENL_NAME	"atmqtt"
#define ATMQTT_GENL_VERSION	2
#define ATMQTT_MCGRP_EVENTS	"events"

enum atmqtt_modem_state {
	ATMQTT_MODEM_READY,	/* attached, idle */
	ATMQTT_MODEM_BUSY,	/* a command is in flight */
	ATMQTT_MODEM_DEAD,	/* hung up or detached */
	ATMQTT_MODEM_INIT,	/* attached; the module's own commands run */
};

/* The result URCs: which command a "+MQTT<X>: <client>,<status>" answers. */
enum atmqtt_urc {
	ATMQTT_URC_OPEN = 1,
	ATMQTT_URC_CLOSE,
	ATMQTT_URC_SUB,
	ATMQTT_URC_PUB,
	ATMQTT_URC_UNSUB,
};

/* The commands of the manual, for ATMQTT_CMD_TEST ("AT+MQTT<X>=?"). */
enum atmqtt_at {
	ATMQTT_AT_USER = 1,
	ATMQTT_AT_OPEN,
	ATMQTT_AT_CLOSE,
	ATMQTT_AT_SUB,
	ATMQTT_AT_UNSUB,
	ATMQTT_AT_PUB,
	ATMQTT_AT_CONF,
	ATMQTT_AT_READ,
	ATMQTT_AT_WILL,
};

/* The kernel's view of one MQTT client of a modem. */
enum atmqtt_client_state {
	ATMQTT_CLIENT_CLOSED,	/* never opened, closed, or broken */
	ATMQTT_CLIENT_OPEN,	/* "+MQTTOPEN: <client>,1" seen */
	ATMQTT_CLIENT_RECONNECTING, /* broken; the reconnect policy works */
};

/* ATMQTT_A_RECONNECT_STEP */
enum atmqtt_reconnect_step {
	ATMQTT_STEP_WAIT = 1,	/* next attempt in DELAY_MS */
	ATMQTT_STEP_OPEN,	/* AT+MQTTOPEN done, RESULT */
	ATMQTT_STEP_SUB,	/* one AT+MQTTSUB done, RESULT, TOPIC */
	ATMQTT_STEP_DONE,	/* reopened and resubscribed */
	ATMQTT_STEP_STOP,	/* given up: policy off or client closed */
};

/* ATMQTT_A_ERROR_KIND: the form of the modem's error line. */
enum atmqtt_error_kind {
	ATMQTT_ERROR_MQTT = 1,	/* "ERROR: <n>", the manual's MQTT codes */
	ATMQTT_ERROR_CME,	/* "+CME ERROR: <n>" */
};

/* The top level of every message. */
enum atmqtt_a {
	ATMQTT_A_UNSPEC,
	ATMQTT_A_MODEM_ID,	/* u32 */
	ATMQTT_A_CLIENT_ID,	/* u32, 1 to LIMITS_CLIENTS; repeated in */
				/* GET_OPENABLE/GET_CLOSABLE replies */
	ATMQTT_A_MODEM,		/* nest, enum atmqtt_a_modem */
	ATMQTT_A_CLIENT,	/* nest, enum atmqtt_a_client */
	ATMQTT_A_USER,		/* nest, enum atmqtt_a_user */
	ATMQTT_A_MSG,		/* nest, enum atmqtt_a_msg */
	ATMQTT_A_ENTRY,		/* nest, enum atmqtt_a_entry, repeated */
	ATMQTT_A_ERROR,		/* nest, enum atmqtt_a_error */
	ATMQTT_A_RECONNECT,	/* nest, enum atmqtt_a_reconnect */
	ATMQTT_A_MODE,		/* u32, +MQTTCONF mode 0-1 */
	ATMQTT_A_AT_CMD,	/* u32, enum atmqtt_at */
	ATMQTT_A_LINE,		/* string, one line to or from the modem */
	ATMQTT_A_FINAL,		/* string, the final result line */
	ATMQTT_A_TIMEOUT_MS,	/* u32 */
	ATMQTT_A_TRUNCATED,	/* flag: RAW left lines out */
	ATMQTT_A_URC,		/* u32, enum atmqtt_urc */
	ATMQTT_A_STATUS,	/* u32, a result URC's status, 0 or 1 */
	ATMQTT_A_CAUSE,		/* u32, +MQTTBREAK's cause, 1-3 */

	__ATMQTT_A_MAX
};

#define ATMQTT_A_MAX (__ATMQTT_A_MAX - 1)

/* ATMQTT_A_MODEM */
enum atmqtt_a_modem {
	ATMQTT_A_MODEM_UNSPEC,
	ATMQTT_A_MODEM_PAD,
	ATMQTT_A_MODEM_TTY,	/* string, the tty's name ("ttyUSB2") */
	ATMQTT_A_MODEM_TTY_DEV,	/* u32, the tty's dev_t, new_encode_dev() */
	ATMQTT_A_MODEM_STATE,	/* u32, enum atmqtt_modem_state */
	ATMQTT_A_MODEM_MODE,	/* u32, +MQTTCONF mode the module set */
	ATMQTT_A_MODEM_MEM_BYTES, /* u64, kernel memory the modem holds */
	ATMQTT_A_MODEM_DIALECT,	/* string, the AT dialect ("fibocom") */
	ATMQTT_A_MODEM_STATS,	/* nest, enum atmqtt_a_stats */
	ATMQTT_A_MODEM_LIMITS,	/* nest, enum atmqtt_a_limits */

	__ATMQTT_A_MODEM_MAX
};

#define ATMQTT_A_MODEM_MAX (__ATMQTT_A_MODEM_MAX - 1)

/* ATMQTT_A_MODEM_STATS: counters since the modem was attached. */
enum atmqtt_a_stats {
	ATMQTT_A_STATS_UNSPEC,
	ATMQTT_A_STATS_PAD,
	ATMQTT_A_STATS_RX_SEQ,	/* u64, sequence number of the last message */
	ATMQTT_A_STATS_RX_DROPS, /* u64, messages no listener could take */
	ATMQTT_A_STATS_RX_STRAY, /* u64, results no request waited for */
	ATMQTT_A_STATS_RX_MALFORMED, /* u64, +MQTT lines that did not parse */
	ATMQTT_A_STATS_RX_OVERFLOWS, /* u64, lines past the parser's buffer */
	ATMQTT_A_STATS_RESYNCS,	/* u64, exchanges that needed a resync */

	__ATMQTT_A_STATS_MAX
};

#define ATMQTT_A_STATS_MAX (__ATMQTT_A_STATS_MAX - 1)

/* ATMQTT_A_MODEM_LIMITS: what this modem takes. */
enum atmqtt_a_limits {
	ATMQTT_A_LIMITS_UNSPEC,
	ATMQTT_A_LIMITS_CLIENTS,	/* u32, client ids are 1 to this */
	ATMQTT_A_LIMITS_HOST,		/* u32, CLIENT_HOST's maximum bytes */
	ATMQTT_A_LIMITS_TOPIC,		/* u32, MSG_TOPIC's maximum bytes */
	ATMQTT_A_LIMITS_PAYLOAD,	/* u32, MSG_PAYLOAD's maximum bytes */
	ATMQTT_A_LIMITS_USER_NAME,	/* u32, USER_NAME's maximum bytes */
	ATMQTT_A_LIMITS_PASSWORD,	/* u32, USER_PASSWORD's maximum bytes */
	ATMQTT_A_LIMITS_CLIENT_IDENT,	/* u32, USER_CLIENT_ID's maximum */
	ATMQTT_A_LIMITS_KEEPALIVE,	/* u32, CLIENT_KEEPALIVE's maximum s */
	ATMQTT_A_LIMITS_QOS,		/* u32, MSG_QOS's maximum */
	ATMQTT_A_LIMITS_SUBS,		/* u32, tracked topics per client */
	ATMQTT_A_LIMITS_BINARY,		/* flag: payloads by <Datasize> */
	ATMQTT_A_LIMITS_TLS,		/* flag: TLS connections */

	__ATMQTT_A_LIMITS_MAX
};

#define ATMQTT_A_LIMITS_MAX (__ATMQTT_A_LIMITS_MAX - 1)

/* ATMQTT_A_CLIENT */
enum atmqtt_a_client {
	ATMQTT_A_CLIENT_UNSPEC,
	ATMQTT_A_CLIENT_STATE,		/* u32, enum atmqtt_client_state */
	ATMQTT_A_CLIENT_SUB_COUNT,	/* u32, tracked topics */
	ATMQTT_A_CLIENT_HOST,		/* string */
	ATMQTT_A_CLIENT_PORT,		/* u32, 1-65535 */
	ATMQTT_A_CLIENT_CLEAN,		/* u32, 0-1 */
	ATMQTT_A_CLIENT_KEEPALIVE,	/* u32, seconds */
	ATMQTT_A_CLIENT_RECONNECT,	/* u32, 0-1 */
	ATMQTT_A_CLIENT_RECONNECT_MIN_MS, /* u32 */
	ATMQTT_A_CLIENT_RECONNECT_MAX_MS, /* u32 */

	__ATMQTT_A_CLIENT_MAX
};

#define ATMQTT_A_CLIENT_MAX (__ATMQTT_A_CLIENT_MAX - 1)

/* ATMQTT_A_USER: AT+MQTTUSER's strings. */
enum atmqtt_a_user {
	ATMQTT_A_USER_UNSPEC,
	ATMQTT_A_USER_NAME,		/* string */
	ATMQTT_A_USER_PASSWORD,		/* string */
	ATMQTT_A_USER_CLIENT_ID,	/* string, the MQTT client identifier */

	__ATMQTT_A_USER_MAX
};

#define ATMQTT_A_USER_MAX (__ATMQTT_A_USER_MAX - 1)

/* ATMQTT_A_MSG: a message, a will, or a topic. */
enum atmqtt_a_msg {
	ATMQTT_A_MSG_UNSPEC,
	ATMQTT_A_MSG_PAD,
	ATMQTT_A_MSG_TOPIC,		/* string */
	ATMQTT_A_MSG_QOS,		/* u32, 0-2 */
	ATMQTT_A_MSG_RETAIN,		/* u32, 0-1 */
	ATMQTT_A_MSG_PAYLOAD,		/* binary */
	ATMQTT_A_MSG_DATASIZE,		/* u32, 0-1: <Datasize> form */
	ATMQTT_A_MSG_SEQ,		/* u64, the modem's RX_SEQ for it */
	ATMQTT_A_MSG_DROPS,		/* u64, the modem's RX_DROPS */
	ATMQTT_A_MSG_TRUNCATED,		/* flag: the payload was cut */

	__ATMQTT_A_MSG_MAX
};

#define ATMQTT_A_MSG_MAX (__ATMQTT_A_MSG_MAX - 1)

/* ATMQTT_A_ENTRY: one client's part of GET_USER's or GET_WILL's answer. */
enum atmqtt_a_entry {
	ATMQTT_A_ENTRY_UNSPEC,
	ATMQTT_A_ENTRY_CLIENT_ID,	/* u32 */
	ATMQTT_A_ENTRY_USER,		/* nest, enum atmqtt_a_user */
	ATMQTT_A_ENTRY_MSG,		/* nest, enum atmqtt_a_msg (the will) */

	__ATMQTT_A_ENTRY_MAX
};

#define ATMQTT_A_ENTRY_MAX (__ATMQTT_A_ENTRY_MAX - 1)

/* ATMQTT_A_ERROR: the modem's answer to a failed command. */
enum atmqtt_a_error {
	ATMQTT_A_ERROR_UNSPEC,
	ATMQTT_A_ERROR_KIND,		/* u32, enum atmqtt_error_kind */
	ATMQTT_A_ERROR_CODE,		/* u32, <n> */
	ATMQTT_A_ERROR_TEXT,		/* string, the manual's text for <n> */

	__ATMQTT_A_ERROR_MAX
};

#define ATMQTT_A_ERROR_MAX (__ATMQTT_A_ERROR_MAX - 1)

/* ATMQTT_A_RECONNECT: ATMQTT_EVT_RECONNECT's step. */
enum atmqtt_a_reconnect {
	ATMQTT_A_RECONNECT_UNSPEC,
	ATMQTT_A_RECONNECT_STEP,	/* u32, enum atmqtt_reconnect_step */
	ATMQTT_A_RECONNECT_ATTEMPT,	/* u32, from 1 */
	ATMQTT_A_RECONNECT_RESULT,	/* s32, 0 or a negative errno */
	ATMQTT_A_RECONNECT_TOPIC,	/* string */
	ATMQTT_A_RECONNECT_DELAY_MS,	/* u32 */

	__ATMQTT_A_RECONNECT_MAX
};

#define ATMQTT_A_RECONNECT_MAX (__ATMQTT_A_RECONNECT_MAX - 1)

/* Requests (genlmsghdr cmd of a request and of its replies). */
enum atmqtt_cmd {
	ATMQTT_CMD_UNSPEC,
	ATMQTT_CMD_GET_MODEM,
	ATMQTT_CMD_GET_CLIENT,
	ATMQTT_CMD_SET_CLIENT,
	ATMQTT_CMD_GET_SUB,
	ATMQTT_CMD_SET_USER,
	ATMQTT_CMD_GET_USER,
	ATMQTT_CMD_SET_WILL,
	ATMQTT_CMD_GET_WILL,
	ATMQTT_CMD_SET_CONF,
	ATMQTT_CMD_GET_CONF,
	ATMQTT_CMD_OPEN,
	ATMQTT_CMD_GET_OPENABLE,
	ATMQTT_CMD_CLOSE,
	ATMQTT_CMD_GET_CLOSABLE,
	ATMQTT_CMD_SUBSCRIBE,
	ATMQTT_CMD_UNSUBSCRIBE,
	ATMQTT_CMD_PUBLISH,
	ATMQTT_CMD_READ,
	ATMQTT_CMD_TEST,
	ATMQTT_CMD_RAW,

	__ATMQTT_CMD_MAX
};

#define ATMQTT_CMD_MAX (__ATMQTT_CMD_MAX - 1)

/* Events (genlmsghdr cmd of the multicast messages), a space of their own. */
enum atmqtt_evt {
	ATMQTT_EVT_UNSPEC,
	ATMQTT_EVT_MESSAGE,
	ATMQTT_EVT_BREAK,
	ATMQTT_EVT_RESULT,
	ATMQTT_EVT_MODEM,
	ATMQTT_EVT_URC,
	ATMQTT_EVT_RECONNECT,
};

#endif /* _UAPI_LINUX_ATMQTT_H */
