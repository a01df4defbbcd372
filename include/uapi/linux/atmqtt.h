/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * atmqtt: MQTT clients of AT-command cellular modems (Fibocom NL668 and
 * alike) as a Linux device.
 *
 * A tty line discipline (name "atmqtt", number set by the module parameter
 * "ldisc", default N_DEVELOPMENT) is attached to the modem's tty.  Each
 * attached tty becomes a "modem" with a small integer handle.  The module
 * writes the AT commands, parses every response and unsolicited result code
 * (URC) in the kernel, and exposes the modem's two MQTT clients over the
 * generic netlink family ATMQTT_GENL_NAME, version ATMQTT_GENL_VERSION.
 *
 * On attach the module sends "AT+MQTTCONF=1": messages are announced by
 * "+MQTTMSGI" and the module reads them itself with "AT+MQTTREAD", by
 * length, so received topics and payloads are binary-safe.  "+MQTTMSG" (mode
 * 0, set with ATMQTT_CMD_SET_CONF) is parsed too.
 *
 * Requests that talk to the modem are serialized per modem (one AT command
 * in flight), sleep without holding the genetlink lock, and time out (module
 * parameters cmd_timeout_ms and urc_timeout_ms).  The modem, not the
 * request, owns each exchange: a request that times out or is interrupted
 * returns at once, and the module still completes its command (the
 * <Datasize> data is sent at a late '>', the final result is awaited); a
 * modem silent for twice the timeout is resynchronised ("AT" until it is
 * answered) before the next command is written.  Nothing of one command is
 * ever taken for another's bytes or results.  A request for a command
 * that the modem first answers with "OK" and later with a result URC
 * (+MQTTOPEN, +MQTTCLOSE, +MQTTSUB, +MQTTUNSUB, +MQTTPUB) completes when the
 * URC arrives; the modem takes other commands meanwhile, so a request for
 * client 2 does not wait for client 1's broker.
 *
 * Every request that sends an AT command needs CAP_NET_ADMIN ("admin"
 * below); without it a user can list the modems (GET_MODEM) and the clients
 * (GET_CLIENT: state, policy and the number of subscriptions, not where
 * they connect), and nothing else: no query reaches the modem, and the
 * tracked topics (GET_SUB) and the events are for CAP_NET_ADMIN only.
 *
 * Every request that reaches the modem (every do command but
 * ATMQTT_CMD_SET_CLIENT) is answered with a message of the request's
 * command carrying ATMQTT_A_MODEM (and ATMQTT_A_CLIENT where the request
 * has one) plus what is listed for the command.  On success that reply is
 * the request's last message, so NLM_F_ACK is not needed (libatmqtt does
 * not set it: one message and one recvmsg() less per request); an error is
 * acked whether NLM_F_ACK was set or not.  When the modem
 * answered "ERROR: <n>" or "+CME ERROR: <n>", a reply carrying
 * ATMQTT_A_MODEM_ERROR (u32, <n>) comes before the error ack.  Errors are
 * negative errno values in the ack, with an extended ack message that names
 * the attribute and the rule, or quotes the manual's text for the modem's
 * error; except a range refusal, which the netlink core makes with its own
 * text and the attribute's offset and policy, from which libatmqtt names
 * them (-ERANGE below):
 *   -EPERM        the request needs CAP_NET_ADMIN (marked "admin" below).
 *   -ERANGE       an attribute is outside a range the family's policy
 *                 carries (an integer's bounds, a string's or the
 *                 payload's maximum length; a policy dump,
 *                 CTRL_CMD_GETPOLICY, shows them): NLMSGERR_ATTR_OFFS is
 *                 the attribute's offset and NLMSGERR_ATTR_POLICY its
 *                 policy (NL_POLICY_TYPE_ATTR_MIN_VALUE_U and _MAX_VALUE_U,
 *                 or _MAX_LENGTH).
 *   -EINVAL       an attribute is missing, or breaks a rule of the
 *                 family's own (a string's minimum length or characters,
 *                 a RAW line's form), or is one no request takes (the
 *                 kernel's own, listed for replies and events) or, past
 *                 ATMQTT_A_DATASIZE, not this command's (the RECONNECT
 *                 ones outside SET_CLIENT):
 *                 the message is then the generic "Unsupported attribute"
 *                 or "Unknown attribute type", with the attribute's offset.
 *   -ENODEV       no modem with that handle, or the tty hung up or the line
 *                 discipline was detached while the request waited.
 *   -ETIMEDOUT    no final result (cmd_timeout_ms), no result URC
 *                 (urc_timeout_ms) or no '>' prompt in time; or the
 *                 command before it was not answered within that time.
 *   -ECANCELED    the caller was interrupted by a signal (not -EINTR:
 *                 netlink sends no ack for that), or (the reconnect
 *                 policy's own commands) stopped.
 *   -EIO          the modem answered plain "ERROR".
 *   -EREMOTEIO    "+CME ERROR: <n>", or "ERROR: <n>" with another <n>.
 *   -ECOMM        the result URC came with status 0 (the broker exchange
 *                 failed).
 *   -ENOSPC       SUBSCRIBE: the client tracks ATMQTT_SUBS_MAX topics.
 *   -ECONNREFUSED "ERROR: 700" to "ERROR: 704", the broker's refusals of
 *                 the connection (Unacceptable protocol version,
 *                 Identifier rejected, Server unavailable, Bad user name
 *                 or password, Not authorized): the errno is coarse, the
 *                 code exact, in ATMQTT_A_MODEM_ERROR, and the manual's
 *                 text in the extended ack.
 *
 * Strings that go between quotes in an AT command (HOST, TOPIC, USERNAME,
 * PASSWORD, CLIENT_ID, a quoted PAYLOAD) must be printable ASCII (0x20-0x7e)
 * without '"'; lengths are bytes, without a terminating NUL.
 *
 * ATMQTT_CMD_GET_MODEM (dump): the attached modems, one message each:
 *     MODEM u32 (handles are given out in turn, not reused at once),
 *     TTY string (tty name, e.g. "ttyUSB2" or "pts3"), TTY_DEV u32 (its
 *     device number, encoded as the kernel's new_encode_dev(): major
 *     (d & 0xfff00) >> 8, minor (d & 0xff) | ((d >> 12) & 0xfff00)),
 *     MODEM_STATE u8, MODE u8 (+MQTTCONF mode the module set, 0 or 1),
 *     RX_SEQ u64 (sequence number of the last message received),
 *     RX_DROPS u64 (received messages no listener could take),
 *     RX_STRAY u64 (final results and information lines no request waited
 *     for: those of a request that left, of resync probes, or query
 *     answers such as "+MQTTUSER:" that came unasked),
 *     RESYNCS u64 (exchanges the modem left unanswered for twice their
 *     timeout, each followed by a resynchronisation),
 *     RX_MALFORMED u64 (+MQTT lines that did not parse),
 *     RX_OVERFLOWS u64 (lines longer than the parser's buffer),
 *     MEM_BYTES u32 (kernel memory the modem holds: its structure and its
 *     tracked subscriptions, as allocated; requests in flight not counted).
 *   A request with MODEM restricts the dump to that modem.
 *
 * ATMQTT_CMD_SET_USER (admin): AT+MQTTUSER=<client>,"<user>","<pass>"[,"<id>"]
 *     MODEM, CLIENT; USERNAME 0-128 and PASSWORD 0-128 (default empty);
 *     CLIENT_ID 1-23, optional (the modem uses its IMEI without it).
 *   The modem keeps these across power cycles (the manual marks the command
 *   persistent): set them again, or to empty, when the broker changes.
 * ATMQTT_CMD_GET_USER (admin): AT+MQTTUSER?
 *     MODEM.  Reply: one nested ENTRY per client the modem reports, with
 *     CLIENT, USERNAME, PASSWORD and CLIENT_ID (when reported).
 *
 * ATMQTT_CMD_SET_WILL (admin): AT+MQTTWILL=<client>,"<topic>",<qos>,<retain>,
 *   "<payload>"
 *     MODEM, CLIENT, TOPIC 1-255; QOS 0-2, RETAIN 0-1 (default 0);
 *     PAYLOAD 0-1024 quotable bytes (default empty).
 * ATMQTT_CMD_GET_WILL (admin): AT+MQTTWILL?
 *     MODEM.  Reply: one nested ENTRY per client reported, with CLIENT,
 *     TOPIC, QOS, RETAIN and PAYLOAD.
 *
 * ATMQTT_CMD_SET_CONF (admin): AT+MQTTCONF=<mode>
 *     MODEM, MODE 0-1.  Persistent in the modem, like SET_USER.
 * ATMQTT_CMD_GET_CONF (admin): AT+MQTTCONF?   MODEM.  Reply: MODE.
 *
 * ATMQTT_CMD_OPEN (admin): AT+MQTTOPEN=<client>,"<host>",<port>,<clean>,
 *   <keepalive>
 *     MODEM, CLIENT, HOST 1-255, PORT u32 1-65535; CLEAN 0-1 (default 1),
 *     KEEPALIVE 1-300 s (default 60).  Reply: STATUS (1).  The kernel
 *     remembers the parameters for the reconnect policy and forgets the
 *     client's tracked subscriptions.
 * ATMQTT_CMD_GET_OPENABLE (admin): AT+MQTTOPEN?   MODEM.  Reply: CLIENTS, the
 *   bitmask of the clients that can be opened (0 when "+MQTTOPEN: 0").
 * ATMQTT_CMD_CLOSE (admin): AT+MQTTCLOSE=<client>
 *     MODEM, CLIENT.  Reply: STATUS.  Stops the reconnect policy's work and
 *     forgets the client's tracked subscriptions.
 * ATMQTT_CMD_GET_CLOSABLE (admin): AT+MQTTCLOSE?  MODEM.  Reply: CLIENTS.
 *
 * ATMQTT_CMD_SUBSCRIBE (admin): AT+MQTTSUB=<client>,"<topic>",<qos>
 *     MODEM, CLIENT, TOPIC 1-255; QOS 0-2 (default 0).  Reply: STATUS.
 *     On success the topic is tracked (ATMQTT_CMD_GET_SUB).
 * ATMQTT_CMD_UNSUBSCRIBE (admin): AT+MQTTUNSUB=<client>,"<topic>"
 *     MODEM, CLIENT, TOPIC 1-255.  Reply: STATUS.
 *
 * ATMQTT_CMD_PUBLISH (admin): AT+MQTTPUB=<client>,"<topic>",<qos>,<retain>,
 *   "<payload>" or <Datasize>
 *     MODEM, CLIENT, TOPIC 1-255; QOS 0-2, RETAIN 0-1 (default 0); PAYLOAD
 *     0-1024 bytes of any value (default empty); DATASIZE 0-1 (default 0).
 *   A payload of quotable bytes goes quoted; any other payload, and any
 *   non-empty payload when DATASIZE is 1, goes by <Datasize>: the module
 *   waits for the '>' prompt and writes exactly that many raw bytes.
 *   Reply: STATUS, DATASIZE (the form used).
 *
 * ATMQTT_CMD_READ (admin): AT+MQTTREAD=<client>
 *     MODEM, CLIENT.  Reply: STATUS 0 when the modem had no message
 *     ("+MQTTREAD: <client>,0,0,0"), else 1 with QOS, TOPIC, PAYLOAD and
 *     RX_SEQ; the message is also multicast as ATMQTT_EVT_MESSAGE with the
 *     same sequence number.  The module reads by itself after +MQTTMSGI, so
 *     this is for modems set to mode 1 behind the module's back.
 *
 * ATMQTT_CMD_TEST (admin): AT+MQTT<X>=?
 *     MODEM, AT_CMD u8 (enum atmqtt_at).  Reply: LINE, the modem's
 *     information line as sent (e.g. "+MQTTSUB: (1,2),255,(0-2)";
 *     "+MPQTTOPEN:", the manual's spelling, is accepted for OPEN).
 *
 * ATMQTT_CMD_RAW (admin): one raw AT command line, for what the MQTT
 *   commands need around them (AT+COPS?, AT+MIPCALL=1, ...).
 *     MODEM; LINE 2-512 printable ASCII starting with "AT" (any case), not
 *     "AT+MQTT" (use the ops above, whose state the kernel tracks);
 *     TIMEOUT_MS 1-600000 (default cmd_timeout_ms).
 *   Serialized with the MQTT commands.  Reply: one LINE per information
 *   line (echo left out), FINAL (e.g. "OK", "ERROR", "+CME ERROR: 10"),
 *   TRUNCATED 1 if lines were left out (more than 8 KiB).  A final error is
 *   in FINAL, not an errno.  Lines that come after the final result are
 *   URCs (ATMQTT_EVT_URC).
 *
 * ATMQTT_CMD_GET_CLIENT (dump): one message per modem and client:
 *     MODEM, CLIENT, CLIENT_STATE u8, SUB_COUNT u32, RECONNECT u8,
 *     RECONNECT_MIN_MS u32, RECONNECT_MAX_MS u32 and, once opened through
 *     the module and to CAP_NET_ADMIN callers only, HOST, PORT, CLEAN,
 *     KEEPALIVE.  MODEM restricts the dump.
 * ATMQTT_CMD_SET_CLIENT (admin): the client's reconnect policy.
 *     MODEM, CLIENT; RECONNECT 0-1; RECONNECT_MIN_MS and RECONNECT_MAX_MS
 *     100-3600000 (defaults 1000 and 60000).  With RECONNECT 1, after a
 *     +MQTTBREAK the module reopens the client with the parameters of its
 *     last OPEN and resubscribes every tracked topic, waiting MIN_MS before
 *     the first attempt and doubling the wait after each failure up to
 *     MAX_MS, until it succeeds, the policy is turned off or the client is
 *     closed.  Only a client that was open is reopened: a +MQTTBREAK for a
 *     closed client does nothing, and the "+MQTTCLOSE: <client>,1" that
 *     follows a break in the manual's example does not stop the policy.
 *     Turning it off, or CLOSE, ends a reconnect under way within one of
 *     its steps (the module completes the AT exchange it started).
 * ATMQTT_CMD_GET_SUB (dump, admin): the tracked subscriptions, one message each:
 *     MODEM, CLIENT, TOPIC, QOS.  MODEM restricts the dump.
 *
 * Events, multicast to the group ATMQTT_MCGRP_EVENTS.  Every event carries
 * MODEM.  Message payloads and topics may be private: joining the group
 * needs CAP_NET_ADMIN (-EPERM otherwise).  On kernels that cannot ask a
 * capability of a group's members (GENL_MCAST_CAP_NET_ADMIN: 6.7 and
 * later, 6.1.66 and later) the family has no group and sends no events.
 *
 * ATMQTT_EVT_MESSAGE: a message arrived (+MQTTMSG, or +MQTTMSGI and
 *     +MQTTREAD).  CLIENT, QOS, TOPIC (string), PAYLOAD (binary), RX_SEQ
 *     (u64, per modem, starts at 1 and increases by one per message
 *     received from the modem), RX_DROPS (messages of this modem that
 *     could not be delivered so far).  Listeners that do not keep up lose
 *     messages when their socket's receive buffer is full (the bound of the
 *     queue); the loss is counted in RX_DROPS and shows as a gap in RX_SEQ.
 * ATMQTT_EVT_BREAK: a client's connection broke (+MQTTBREAK); the client
 *     is closed.  CLIENT, CAUSE (u8: 1 broker or ping, 2 wireless link,
 *     3 not registered).
 * ATMQTT_EVT_RESULT: a result URC arrived: +MQTTOPEN, +MQTTCLOSE, +MQTTSUB
 *     and +MQTTUNSUB whether or not a request waited for them; +MQTTPUB
 *     only when no request does any more (it timed out or was
 *     interrupted): a publish changes nothing that listeners track, and
 *     the result of a PUBLISH goes to its requester in the reply.  URC
 *     (u8, enum atmqtt_urc), CLIENT, STATUS.
 * ATMQTT_EVT_MODEM: a modem was attached (MODEM_STATE INIT), became ready
 *     after the module's own commands, or was detached (DEAD).  TTY,
 *     MODEM_STATE and the GET_MODEM counters.
 * ATMQTT_EVT_URC: a line the module does not know came while no command
 *     was in flight, or after a command's final result (e.g. "+MIPCALL:
 *     10.2.83.148", "+CREG: 1").  LINE.  Never a line that answers the
 *     command in flight (its requester gone or not), nor "+MQTTUSER:" or
 *     "+MQTTWILL:", which may hold a secret: those are counted in RX_STRAY.
 * ATMQTT_EVT_RECONNECT: a step of the reconnect policy.  CLIENT, STEP (u8,
 *     enum atmqtt_reconnect_step), ATTEMPT (u32, from 1), and ERRNO (s32)
 *     for OPEN/SUB, TOPIC for SUB, DELAY_MS for WAIT.
 */
#ifndef _UAPI_LINUX_ATMQTT_H
#define _UAPI_LINUX_ATMQTT_H

#define ATMQTT_GENL_NAME	"atmqtt"
#define ATMQTT_GENL_VERSION	1
#define ATMQTT_MCGRP_EVENTS	"events"

/* Limits of the Fibocom MQTT command set, and of the family. */
#define ATMQTT_CLIENT_MIN	1
#define ATMQTT_CLIENT_MAX	2
#define ATMQTT_HOST_MAX		255
#define ATMQTT_TOPIC_MAX	255
#define ATMQTT_PAYLOAD_MAX	1024
#define ATMQTT_KEEPALIVE_MAX	300
#define ATMQTT_QOS_MAX		2
#define ATMQTT_USERNAME_MAX	128
#define ATMQTT_PASSWORD_MAX	128
#define ATMQTT_CLIENT_ID_MAX	23
#define ATMQTT_RAW_MAX		512	/* a raw AT command line */
#define ATMQTT_RAW_TIMEOUT_MAX	600000	/* ms */
#define ATMQTT_SUBS_MAX		128	/* tracked subscriptions per client */
#define ATMQTT_RECONNECT_MS_MIN	100
#define ATMQTT_RECONNECT_MS_MAX	3600000

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
	ATMQTT_CMD_UNSUBSCRIBE,
	ATMQTT_CMD_SET_USER,
	ATMQTT_CMD_GET_USER,
	ATMQTT_CMD_SET_WILL,
	ATMQTT_CMD_GET_WILL,
	ATMQTT_CMD_SET_CONF,
	ATMQTT_CMD_GET_CONF,
	ATMQTT_CMD_GET_OPENABLE,
	ATMQTT_CMD_GET_CLOSABLE,
	ATMQTT_CMD_READ,
	ATMQTT_CMD_TEST,
	ATMQTT_CMD_RAW,
	ATMQTT_CMD_GET_CLIENT,
	ATMQTT_CMD_SET_CLIENT,
	ATMQTT_CMD_GET_SUB,
	ATMQTT_EVT_URC,
	ATMQTT_EVT_RECONNECT,

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
	ATMQTT_A_PORT,		/* u32, 1-65535 */
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
	ATMQTT_A_USERNAME,	/* string, 0-128 */
	ATMQTT_A_PASSWORD,	/* string, 0-128 */
	ATMQTT_A_CLIENT_ID,	/* string, 1-23 */
	ATMQTT_A_MODE,		/* u8, +MQTTCONF mode 0-1 */
	ATMQTT_A_CLIENTS,	/* u8, bit n set: client n listed */
	ATMQTT_A_AT_CMD,	/* u8, enum atmqtt_at */
	ATMQTT_A_LINE,		/* string, one line to or from the modem */
	ATMQTT_A_FINAL,		/* string, the final result line */
	ATMQTT_A_TIMEOUT_MS,	/* u32 */
	ATMQTT_A_MODEM_ERROR,	/* u32, <n> of "ERROR: <n>"/"+CME ERROR: <n>" */
	ATMQTT_A_DATASIZE,	/* u8, 0-1: <Datasize> raw mode */
	ATMQTT_A_ENTRY,		/* nested, one per client in GET_USER/WILL */
	ATMQTT_A_CLIENT_STATE,	/* u8, enum atmqtt_client_state */
	ATMQTT_A_RECONNECT,	/* u8, 0-1 */
	ATMQTT_A_RECONNECT_MIN_MS, /* u32 */
	ATMQTT_A_RECONNECT_MAX_MS, /* u32 */
	ATMQTT_A_STEP,		/* u8, enum atmqtt_reconnect_step */
	ATMQTT_A_ATTEMPT,	/* u32 */
	ATMQTT_A_ERRNO,		/* s32, 0 or a negative errno */
	ATMQTT_A_DELAY_MS,	/* u32 */
	ATMQTT_A_SUB_COUNT,	/* u32 */
	ATMQTT_A_RX_STRAY,	/* u64 */
	ATMQTT_A_RX_MALFORMED,	/* u64 */
	ATMQTT_A_RX_OVERFLOWS,	/* u64 */
	ATMQTT_A_TRUNCATED,	/* u8 */
	ATMQTT_A_MEM_BYTES,	/* u32 */
	ATMQTT_A_TTY_DEV,	/* u32, the tty's dev_t (new_encode_dev()) */
	ATMQTT_A_RESYNCS,	/* u64, exchanges the modem had to resync */

	__ATMQTT_A_MAX
};

#define ATMQTT_A_MAX (__ATMQTT_A_MAX - 1)

enum atmqtt_modem_state {
	ATMQTT_MODEM_READY,	/* attached, idle */
	ATMQTT_MODEM_BUSY,	/* a command is in flight */
	ATMQTT_MODEM_DEAD,	/* hung up or detached */
	ATMQTT_MODEM_INIT,	/* attached; the module's own commands after
				 * attach (AT+MQTTCONF=1, AT+MQTTCLOSE?) run
				 */
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

	__ATMQTT_AT_MAX
};

#define ATMQTT_AT_MAX (__ATMQTT_AT_MAX - 1)

/* The kernel's view of one MQTT client of a modem. */
enum atmqtt_client_state {
	ATMQTT_CLIENT_CLOSED,	/* never opened, closed, or broken */
	ATMQTT_CLIENT_OPEN,	/* "+MQTTOPEN: <client>,1" seen */
	ATMQTT_CLIENT_RECONNECTING, /* broken; the reconnect policy works */
};

/* ATMQTT_EVT_RECONNECT steps. */
enum atmqtt_reconnect_step {
	ATMQTT_STEP_WAIT = 1,	/* next attempt in ATMQTT_A_DELAY_MS */
	ATMQTT_STEP_OPEN,	/* AT+MQTTOPEN done, ATMQTT_A_ERRNO */
	ATMQTT_STEP_SUB,	/* one AT+MQTTSUB done, ATMQTT_A_ERRNO */
	ATMQTT_STEP_DONE,	/* reopened and resubscribed */
	ATMQTT_STEP_STOP,	/* given up: policy off or client closed */
};

#endif /* _UAPI_LINUX_ATMQTT_H */
