/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A modem: one tty with the atmqtt line discipline attached.
 *
 * Lifetime: the transport (transport.h: the ldisc from open to close, or
 * serdev from probe to remove) owns one reference; every netlink request
 * and every work item holds its own while it works.  The transport is only
 * written to while the modem is alive (!dead): by the requesters, the
 * receive path and the works, under tx_mutex, which kill takes (and then
 * cancels the works) after setting dead.
 *
 * The exchange (struct atmqtt_xact): the modem, not its requester, owns
 * each AT command from the moment its line is written until the modem has
 * answered it.  A requester that times out, is signalled or killed leaves
 * at once with its error; the exchange goes on without it: the <Datasize>
 * data, kept in the exchange, is sent at the '>' however late, the final
 * result is awaited, and a modem silent for twice the command's timeout
 * is resynchronised ("AT" probes until one is answered, then a quiet time
 * that any later final result restarts) before the next command may
 * start.  Silent counts from the last byte of ours the tty took: while
 * the line does not take them (a modem that stopped reading, CTS), the
 * exchange waits for the line, not for the modem.  So nothing of one
 * command can reach the modem as another command's bytes, nor can its
 * results be taken for another's.  What comes for an exchange whose
 * requester left is counted (rx_stray), never sent to a listener.
 *
 *   IDLE --claim--> LINE --'>'--> DATA --final--> IDLE
 *                    |--final--> IDLE
 *                    '--silent 2 x timeout--> RESYNC --final--> SETTLE
 *   RESYNC or SETTLE --'>' (data owed)--> DATA --final--> SETTLE
 *   SETTLE --quiet (ATMQTT_SETTLE)--> IDLE
 *
 * A result URC ("+MQTTPUB: 1,1") is not part of the exchange: the next
 * command may start at the final result.  Its waiter stays on urc_waiters
 * in command order; one whose requester left is replaced by a ghost that
 * takes that command's URC, so that no later command takes it for its own.
 * A ghost lasts the command's timeout plus urc_timeout_ms, or until its
 * command fails, is never answered, or its client's session ends.
 *
 * Locking, outermost first:
 *   state_mutex  the clients' parameters and subscription lists.
 *   tx_mutex     the tx buffer and the writes to the tty (from the
 *                requester's context, the receive path at a data prompt,
 *                the exchange's work, or the tx work after write_wakeup).
 *   lock         dead, the exchange (xact), urc_waiters, the clients'
 *                state and policy; taken by the receive path, never held
 *                across a sleep.
 * Requesters wait for the exchange on xq, and for their own answer on wq.
 */
#ifndef ATMQTT_MODEM_H
#define ATMQTT_MODEM_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>
#include <linux/atmqtt.h>
#include <net/netlink.h>

#include "atp.h"
#include "compat.h"
#include "limits.h"

struct netlink_ext_ack;
struct atmqtt_transport_ops;

/*
 * NL_SET_ERR_MSG() wants a string literal; the modem's error texts come from
 * tables of static strings (see atmqtt_set_err_msg() in compat.h).
 */
static inline void atmqtt_extack(struct netlink_ext_ack *extack,
				 const struct nlattr *attr, const char *msg)
{
	atmqtt_set_err_msg(extack, msg);
	if (attr)
		NL_SET_BAD_ATTR(extack, attr);
}

/* Longest command: AT+MQTTPUB=2,"<255>",2,1,"<1024>"<CR> is 1300 bytes. */
#define ATMQTT_TX_MAX	1536
#define ATMQTT_TTY_NAME	64
/* Information lines a request keeps (RAW and the query forms). */
#define ATMQTT_LINES_MAX	8192

extern unsigned int atmqtt_cmd_timeout_ms;
extern unsigned int atmqtt_urc_timeout_ms;
extern struct workqueue_struct *atmqtt_wq;

/* A message read from the modem, kept for a READ request. */
struct atmqtt_msg {
	u8 client;
	u8 qos;
	u64 seq;
	bool truncated;			/* the modem's payload was longer */
	size_t topic_len;
	size_t payload_len;
	char topic[ATP_TOPIC_MAX];
	u8 payload[ATP_PAYLOAD_MAX];
};

/*
 * A request waiting for a result URC (+MQTTOPEN: <client>,<status>...), on
 * urc_waiters in the order of the commands.  A ghost stands in for one
 * whose requester left (kmalloc'd, freed when it takes its URC, when its
 * command failed, or when it expires).
 */
struct atmqtt_urc_wait {
	struct list_head node;
	enum atp_result result;
	int client;
	bool done;
	bool ghost;
	int status;
	unsigned long expires;		/* ghosts: jiffies */
};

/*
 * One AT command: what to send, what to wait for, and what the receive path
 * filled in.  Lives on the requester's stack or heap; the receive path
 * touches it only under the modem's lock while it is m->x.req, and its URC
 * waiter while that is on urc_waiters.
 */
struct atmqtt_req {
	/* in */
	const char *line;		/* the command line with its CR */
	size_t len;
	/* or, when set: writes the line into buf (size bytes, the tx
	 * buffer, under tx_mutex) and returns its length, 0 if it does not
	 * fit; line_arg is its argument
	 */
	size_t (*write_line)(u8 *buf, size_t size, const void *arg);
	const void *line_arg;
	const u8 *data;			/* <Datasize> bytes, sent at '>' */
	size_t data_len;
	enum atp_result urc;		/* result URC to wait for, 0: none */
	int client;
	const char *prefix;		/* information lines to keep (static) */
	const char *prefix2;
	bool keep_all;			/* keep every information line (RAW) */
	unsigned int timeout_ms;	/* 0: cmd_timeout_ms */
	const bool *stop;		/* set: leave (-ECANCELED), see reconnect */
	char *lines;			/* kept lines, each NUL-terminated */
	size_t lines_size;
	struct atmqtt_msg *msg;		/* READ: the message read */

	/* out, written by the receive path and the exchange */
	bool done;
	int xerr;			/* the exchange gave up: resynchronising */
	bool prompt;
	enum atp_kind final;
	int code;			/* of ERROR: <n> / +CME ERROR: <n> */
	bool has_code;
	char final_line[64];
	unsigned long final_at;		/* jiffies when the final came */
	size_t lines_len;
	unsigned int nlines;
	bool truncated;
	bool got_msg;
	u8 got_qos;			/* of the message read: its header */
	u16 got_tlen;
	u32 got_plen;			/* the header's, even when cut */
	struct atmqtt_urc_wait uw;
};

enum atmqtt_xstate {
	ATMQTT_X_IDLE,		/* no command in flight: the next may start */
	ATMQTT_X_LINE,		/* line written; its '>' or final result due */
	ATMQTT_X_DATA,		/* '>' came, data written; final result due */
	ATMQTT_X_RESYNC,	/* silent modem: "AT" probes until answered */
	ATMQTT_X_SETTLE,	/* answered: a quiet time for late finals */
};

/*
 * The exchange in flight, owned by the modem (see above).  Under lock;
 * data is written under tx_mutex too.  It keeps what the receive path
 * needs of its request, so that the requester may leave at any time: req
 * is NULL then.
 */
struct atmqtt_xact {
	enum atmqtt_xstate state;
	struct atmqtt_req *req;		/* its requester, NULL once it left */
	struct atmqtt_urc_wait *uw;	/* its URC's waiter or ghost */
	u64 progress;			/* changes of state: see claim */
	unsigned long deadline;		/* jiffies: the modem's time is up */
	unsigned long timeout;		/* jiffies, the command's timeout */
	const char *prefix;		/* the request's, see modem_info() */
	const char *prefix2;
	bool keep_all;
	bool resynced;			/* SETTLE after the final, not IDLE */
	bool has_data;			/* <Datasize>: data owed at the '>' */
	unsigned int probes;		/* RESYNC: "AT" written */
	struct delayed_work work;	/* the deadline, probes, settling */
	size_t data_len;
	u8 data[ATMQTT_MAX_PAYLOAD];	/* wiped once written */
};

struct atmqtt_sub {
	struct list_head node;
	u8 qos;
	size_t len;
	char topic[];
};

struct atmqtt_modem;

/* What +MQTTMSGI announced of a message: what its +MQTTREAD must show. */
struct atmqtt_msgi {
	u8 qos;
	u16 tlen, plen;
};

#define ATMQTT_MSGI_MAX	32

struct atmqtt_client {
	struct atmqtt_modem *modem;
	u8 id;

	/* lock */
	u8 state;			/* enum atmqtt_client_state */
	/* +MQTTMSGI announcements not read yet, oldest first: one
	 * AT+MQTTREAD each.  drain: the count cannot be trusted, read
	 * until the modem has nothing (see atmqtt_read_work()).
	 */
	struct atmqtt_msgi msgi[ATMQTT_MSGI_MAX];
	u8 msgi_head, msgi_n;
	bool drain;
	bool reconnect;
	bool rc_stop;			/* the reconnect work must end */
	bool rc_running;		/* it runs: atmqtt_reconnect_stop() */
	u32 reconnect_min_ms;
	u32 reconnect_max_ms;
	u32 attempt;
	u32 delay_ms;

	/* state_mutex */
	bool has_params;
	u16 port;
	u8 clean;
	u16 keepalive;
	char host[ATMQTT_MAX_HOST + 1];
	struct list_head subs;
	u32 nsubs;

	struct delayed_work reconnect_work;
};

struct atmqtt_modem {
	struct kref ref;
	u32 handle;
	/* What the modem takes (limits.h): set at attach, never changed. */
	const struct atmqtt_dialect *dialect;
	const struct atmqtt_limits *limits;
	char tty_name[ATMQTT_TTY_NAME];	/* the tty's or serdev device's */
	const struct atmqtt_transport_ops *tops;	/* transport.h */
	void *tpriv;			/* the tty, or the serdev device */

	dev_t tty_dev;

	spinlock_t lock;		/* see above */
	bool dead;
	struct atmqtt_xact x;		/* the AT exchange in flight */
	struct list_head urc_waiters;
	unsigned int ghosts;		/* of urc_waiters */
	wait_queue_head_t wq;		/* requesters: their answer */
	wait_queue_head_t xq;		/* requesters: the exchange is free */
	int mode;			/* +MQTTCONF mode set, -1: unknown */
	bool init_done;			/* init_work has run */

	struct mutex state_mutex;	/* clients' parameters and subs */

	struct mutex tx_mutex;		/* tx_buf, tx_len, tx_off, tx_done_at */
	struct work_struct tx_work;
	size_t tx_len;
	size_t tx_off;
	unsigned long tx_done_at;	/* jiffies: the tty took tx_buf's last */
	u8 tx_buf[ATMQTT_TX_MAX];

	struct work_struct init_work;	/* AT+MQTTCONF=1 after attach */
	struct delayed_work read_work;	/* AT+MQTTREAD after +MQTTMSGI */
	unsigned int read_tries;	/* lock: reads that failed in a row */
	struct atmqtt_client clients[ATMQTT_MAX_CLIENTS];	/* limits->clients */

	/* Receive side: only the ldisc's receive_buf touches the parser. */
	struct atp_parser parser;
	atomic64_t rx_seq;
	atomic64_t rx_drops;
	atomic64_t rx_stray;		/* finals and lines nobody waited for */
	atomic64_t resyncs;		/* exchanges the modem left unanswered */
	atomic64_t rx_bad;		/* URCs for clients that do not exist */
	/* The parser's malformed and overflows counts (u64), mirrored after
	 * each atp_feed(): read from elsewhere, a u64 can be torn on 32-bit.
	 */
	atomic64_t rx_malformed;
	atomic64_t rx_overflows;
	atomic_t rx_resync;		/* a command timed out: see receive */
	atomic_long_t mem;		/* bytes allocated: m and the subs */
};

/* transport.h: create, start, receive, write_wakeup, kill, and the rest */
void atmqtt_modem_put(struct atmqtt_modem *m);
struct atmqtt_modem *atmqtt_modem_get(u32 handle);
struct atmqtt_modem *atmqtt_modem_get_next(unsigned long *index);
int atmqtt_modem_state(struct atmqtt_modem *m);
bool atmqtt_modem_dead(struct atmqtt_modem *m);
void atmqtt_modem_tx_work(struct work_struct *work);
/* Under tx_mutex: write what the transport takes of the tx buffer. */
void atmqtt_tx_push(struct atmqtt_modem *m);
/* The transmit path's test hook: see modem.c. */
void atmqtt_modem_debugfs_init(void);
void atmqtt_modem_debugfs_exit(void);

/* xact.c: the exchange, and what the receive path hands it. */
void atmqtt_xact_work(struct work_struct *work);
void atmqtt_modem_xact_stop(struct atmqtt_modem *m);
void atmqtt_xact_final(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_xact_prompt(struct atmqtt_modem *m);
void atmqtt_xact_info(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_xact_result(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_xact_break(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_xact_message(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_modem_exit(void);

/*
 * Wait for the exchange to be free, start it with c->line or what
 * c->write_line() writes (c->data goes at the '>' prompt, from a copy the
 * exchange keeps), wait for the final result, then for the result URC when
 * c->urc is set.  c->stop set makes the wait end with -ECANCELED.
 * Returns 0 or a negative errno as documented in the UAPI header;
 * c->has_code tells that the modem gave an error code.
 */
int atmqtt_modem_exec(struct atmqtt_modem *m, struct atmqtt_req *c,
		      struct netlink_ext_ack *extack);
/* The manual's text for the modem's error code of c, or NULL. */
const char *atmqtt_error_text(const struct atmqtt_req *c);

/* client.c */
struct atmqtt_client *atmqtt_client(struct atmqtt_modem *m, int id);
void atmqtt_clients_init(struct atmqtt_modem *m);
void atmqtt_clients_stop(struct atmqtt_modem *m);
void atmqtt_clients_free(struct atmqtt_modem *m);
u32 atmqtt_client_urc_locked(struct atmqtt_modem *m,
			     const struct atp_item *it, bool asked);
void atmqtt_client_urc_event(struct atmqtt_modem *m, int id, u32 delay);
void atmqtt_client_msgi(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_clients_drain(struct atmqtt_modem *m, int id);
int atmqtt_client_open(struct atmqtt_modem *m, int id, const char *host,
		       size_t host_len, u16 port, u8 clean, u16 keepalive,
		       struct atmqtt_req *c, struct netlink_ext_ack *extack);
int atmqtt_client_close(struct atmqtt_modem *m, int id, struct atmqtt_req *c,
			struct netlink_ext_ack *extack);
int atmqtt_client_sub(struct atmqtt_modem *m, int id, const char *topic,
		      size_t len, u8 qos, struct atmqtt_req *c,
		      struct netlink_ext_ack *extack);
int atmqtt_client_unsub(struct atmqtt_modem *m, int id, const char *topic,
			size_t len, struct atmqtt_req *c,
			struct netlink_ext_ack *extack);
int atmqtt_client_policy(struct atmqtt_client *cl, int reconnect,
			 u32 min_ms, u32 max_ms);
int atmqtt_clients_mask(struct atmqtt_modem *m, const char *lines,
			unsigned int nlines);

#endif /* ATMQTT_MODEM_H */
