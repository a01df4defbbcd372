/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * atmqtt: MQTT clients of AT-command cellular modems (Fibocom NL668 and
 * alike) as a Linux device.
 *
 * A tty line discipline (name "atmqtt", number set by the module parameter
 * "ldisc", default N_DEVELOPMENT) is attached to the modem's tty.  Each
 * attached tty becomes a "modem" with a small integer handle.  The module
 * writes the AT commands, parses every response and unsolicited result code
 * (URC) in the kernel, and exposes the modem's MQTT clients over the generic
 * netlink family ATMQTT_GENL_NAME, version ATMQTT_GENL_VERSION.
 *
 * Requests that talk to the modem are serialized per modem (one AT command
 * in flight), sleep without holding the genetlink lock, and time out.  A
 * request for a command that the modem first answers with "OK" and later with
 * a result URC (+MQTTOPEN, +MQTTCLOSE, +MQTTSUB, +MQTTPUB) is answered only
 * when that URC arrives, and the result is the URC's status: a status of 0
 * is an error.  Errors are returned as negative errno values in the netlink
 * ack with an extended ack message; when the modem itself reported the error,
 * the message quotes the modem's answer (for example "modem: ERROR: 703 Bad
 * user name or password").
 *
 * Error values returned by requests:
 *   -EPERM       the request changes modem state and the caller lacks
 *                CAP_NET_ADMIN.
 *   -EINVAL      an attribute is missing or outside the manual's range; the
 *                extended ack names the attribute and the rule.
 *   -ENODEV      no modem with that handle, or the tty hung up or the line
 *                discipline was detached while the request waited.
 *   -ETIMEDOUT   the modem gave no final result (or no result URC) in time.
 *   -EIO         the modem answered plain "ERROR", "+CME ERROR: <n>", or a
 *                result URC with status 0.
 *   -ECONNREFUSED the modem answered "ERROR: <err>" with an MQTT error code
 *                (700-704, see the manual); the extended ack gives the code.
 *   -EINTR       the caller was interrupted by a signal.
 *
 * ATMQTT_CMD_GET_MODEM (dump, unprivileged)
 *   Lists the attached modems.  Each message carries:
 *     ATMQTT_A_MODEM        u32     handle
 *     ATMQTT_A_TTY          string  tty name, e.g. "ttyUSB2" or "pts/3"
 *     ATMQTT_A_MODEM_STATE  u8      enum atmqtt_modem_state
 *     ATMQTT_A_RX_SEQ       u64     sequence number of the last message
 *                                   received on this modem
 *     ATMQTT_A_RX_DROPS     u64     received messages that could not be
 *                                   delivered to listeners
 *   A request carrying ATMQTT_A_MODEM restricts the dump to that modem.
 *
 * ATMQTT_CMD_OPEN (CAP_NET_ADMIN): AT+MQTTOPEN
 *     ATMQTT_A_MODEM        u32     required
 *     ATMQTT_A_CLIENT       u8      required, 1 or 2
 *     ATMQTT_A_HOST         string  required, 1-255 printable ASCII, no '"'
 *     ATMQTT_A_PORT         u16     required, 1-65535
 *     ATMQTT_A_CLEAN        u8      optional, 0 or 1 (default 1)
 *     ATMQTT_A_KEEPALIVE    u16     optional, 1-300 seconds (default 60)
 *   Completes on "+MQTTOPEN: <client>,<status>".
 *
 * ATMQTT_CMD_CLOSE (CAP_NET_ADMIN): AT+MQTTCLOSE
 *     ATMQTT_A_MODEM, ATMQTT_A_CLIENT   required
 *   Completes on "+MQTTCLOSE: <client>,<status>".
 *
 * ATMQTT_CMD_SUBSCRIBE (CAP_NET_ADMIN): AT+MQTTSUB
 *     ATMQTT_A_MODEM, ATMQTT_A_CLIENT   required
 *     ATMQTT_A_TOPIC        string  required, 1-255 printable ASCII, no '"'
 *     ATMQTT_A_QOS          u8      optional, 0-2 (default 0)
 *   Completes on "+MQTTSUB: <client>,<status>".
 *
 * ATMQTT_CMD_PUBLISH (CAP_NET_ADMIN): AT+MQTTPUB
 *     ATMQTT_A_MODEM, ATMQTT_A_CLIENT   required
 *     ATMQTT_A_TOPIC        string  required, as for SUBSCRIBE
 *     ATMQTT_A_QOS          u8      optional, 0-2 (default 0)
 *     ATMQTT_A_RETAIN       u8      optional, 0 or 1 (default 0)
 *     ATMQTT_A_PAYLOAD      binary  optional, 0-1024 bytes (default empty)
 *   The payload is sent as the manual's quoted "<Payload>" and must be
 *   printable ASCII without '"'; other payloads are refused with -EINVAL
 *   (binary payloads will go through the <Datasize> raw mode).
 *   Completes on "+MQTTPUB: <client>,<status>".
 *
 * Events, multicast to the group ATMQTT_MCGRP_EVENTS.  Every event carries
 * ATMQTT_A_MODEM.
 *
 * ATMQTT_EVT_MESSAGE: a message arrived (+MQTTMSG).
 *     ATMQTT_A_CLIENT, ATMQTT_A_QOS, ATMQTT_A_TOPIC (string),
 *     ATMQTT_A_PAYLOAD (binary), ATMQTT_A_RX_SEQ (u64, per modem, starts at
 *     1 and increases by one per message received from the modem; a gap
 *     means messages were dropped, see ATMQTT_A_RX_DROPS).
 * ATMQTT_EVT_BREAK: the connection of a client broke (+MQTTBREAK).
 *     ATMQTT_A_CLIENT, ATMQTT_A_CAUSE (u8: 1 broker or ping, 2 wireless
 *     link, 3 not registered).
 * ATMQTT_EVT_RESULT: a result URC arrived, whether or not a request waited
 *     for it.
 *     ATMQTT_A_URC (u8, enum atmqtt_urc), ATMQTT_A_CLIENT, ATMQTT_A_STATUS.
 * ATMQTT_EVT_MODEM: a modem was attached or detached.
 *     ATMQTT_A_TTY, ATMQTT_A_MODEM_STATE.
 */
#ifndef _UAPI_LINUX_ATMQTT_H
#define _UAPI_LINUX_ATMQTT_H

#define ATMQTT_GENL_NAME	"atmqtt"
#define ATMQTT_GENL_VERSION	1
#define ATMQTT_MCGRP_EVENTS	"events"

/* Limits of the Fibocom MQTT command set. */
#define ATMQTT_CLIENT_MIN	1
#define ATMQTT_CLIENT_MAX	2
#define ATMQTT_HOST_MAX		255
#define ATMQTT_TOPIC_MAX	255
#define ATMQTT_PAYLOAD_MAX	1024
#define ATMQTT_KEEPALIVE_MAX	300
#define ATMQTT_QOS_MAX		2

enum atmqtt_cmd {
	ATMQTT_CMD_UNSPEC,
	ATMQTT_CMD_GET_MODEM,
	ATMQTT_CMD_OPEN,
	ATMQTT_CMD_CLOSE,
	ATMQTT_CMD_SUBSCRIBE,
	ATMQTT_CMD_PUBLISH,
	ATMQTT_EVT_MESSAGE,
	ATMQTT_EVT_BREAK,
	ATMQTT_EVT_RESULT,
	ATMQTT_EVT_MODEM,

	__ATMQTT_CMD_MAX
};

#define ATMQTT_CMD_MAX (__ATMQTT_CMD_MAX - 1)

enum atmqtt_attr {
	ATMQTT_A_UNSPEC,
	ATMQTT_A_PAD,
	ATMQTT_A_MODEM,		/* u32 */
	ATMQTT_A_TTY,		/* string */
	ATMQTT_A_MODEM_STATE,	/* u8, enum atmqtt_modem_state */
	ATMQTT_A_CLIENT,	/* u8, 1-2 */
	ATMQTT_A_HOST,		/* string */
	ATMQTT_A_PORT,		/* u16 */
	ATMQTT_A_CLEAN,		/* u8, 0-1 */
	ATMQTT_A_KEEPALIVE,	/* u16, 1-300 */
	ATMQTT_A_TOPIC,		/* string */
	ATMQTT_A_QOS,		/* u8, 0-2 */
	ATMQTT_A_RETAIN,	/* u8, 0-1 */
	ATMQTT_A_PAYLOAD,	/* binary */
	ATMQTT_A_STATUS,	/* u8 */
	ATMQTT_A_URC,		/* u8, enum atmqtt_urc */
	ATMQTT_A_CAUSE,		/* u8, 1-3 */
	ATMQTT_A_RX_SEQ,	/* u64 */
	ATMQTT_A_RX_DROPS,	/* u64 */

	__ATMQTT_A_MAX
};

#define ATMQTT_A_MAX (__ATMQTT_A_MAX - 1)

enum atmqtt_modem_state {
	ATMQTT_MODEM_READY,	/* attached, idle */
	ATMQTT_MODEM_BUSY,	/* a command is in flight */
	ATMQTT_MODEM_DEAD,	/* hung up or detached */
};

enum atmqtt_urc {
	ATMQTT_URC_OPEN = 1,
	ATMQTT_URC_CLOSE,
	ATMQTT_URC_SUB,
	ATMQTT_URC_PUB,
	ATMQTT_URC_UNSUB,
};

#endif /* _UAPI_LINUX_ATMQTT_H */
