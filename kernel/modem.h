/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A modem: one tty with the atmqtt line discipline attached.
 *
 * Lifetime: the ldisc owns one reference from open to close; every netlink
 * request and every work item holds its own while it works.  The tty pointer
 * is only used while the modem is alive (!dead): by the requesters, the
 * receive path and the tx work, under tx_mutex, which kill takes (and then
 * cancels the work) after setting dead, and by the ldisc callbacks.
 *
 * Locking, outermost first:
 *   state_mutex  the clients' parameters and subscription lists.
 *   cmd_mutex    one AT command in flight per modem; held from sending the
 *                command to its final result (OK/ERROR), not while waiting
 *                for a result URC, but for one thing: a requester that
 *                awaits a result URC is not woken at its OK while no other
 *                waits for the mutex (cmd_waiters), so it sleeps on to the
 *                URC with it, and one that comes meanwhile wakes it to give
 *                the mutex up.
 *   tx_mutex     the tx buffer and the writes to the tty (from the
 *                requester's context, the receive path at a data prompt,
 *                or the tx work after write_wakeup).
 *   lock         dead, cur, cmd_waiters, urc_waiters, the clients' state
 *                and policy; taken by the receive path, never held across a
 *                sleep.
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

#include "atp.h"

struct tty_struct;
struct netlink_ext_ack;

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
	size_t topic_len;
	size_t payload_len;
	char topic[ATP_TOPIC_MAX];
	u8 payload[ATP_PAYLOAD_MAX];
};

/* A request waiting for a result URC (+MQTTOPEN: <client>,<status>...). */
struct atmqtt_urc_wait {
	struct list_head node;
	enum atp_result result;
	int client;
	bool done;
	int status;
};

/*
 * One AT command: what to send, what to wait for, and what the receive path
 * filled in.  Lives on the requester's stack or heap; the receive path
 * touches it only under the modem's lock while it is m->cur.
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
	const char *prefix;		/* information lines to keep */
	const char *prefix2;
	bool keep_all;			/* keep every information line (RAW) */
	unsigned int timeout_ms;	/* 0: cmd_timeout_ms */
	char *lines;			/* kept lines, each NUL-terminated */
	size_t lines_size;
	struct atmqtt_msg *msg;		/* READ: the message read */

	/* out, written by the receive path */
	bool done;
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
	struct atmqtt_urc_wait uw;
};

struct atmqtt_sub {
	struct list_head node;
	u8 qos;
	size_t len;
	char topic[];
};

struct atmqtt_modem;

struct atmqtt_client {
	struct atmqtt_modem *modem;
	u8 id;

	/* lock */
	u8 state;			/* enum atmqtt_client_state */
	bool msgi;			/* +MQTTMSGI seen, READ pending */
	bool reconnect;
	u32 reconnect_min_ms;
	u32 reconnect_max_ms;
	u32 attempt;
	u32 delay_ms;

	/* state_mutex */
	bool has_params;
	u16 port;
	u8 clean;
	u16 keepalive;
	char host[ATMQTT_HOST_MAX + 1];
	struct list_head subs;
	u32 nsubs;

	struct delayed_work reconnect_work;
};

struct atmqtt_modem {
	struct kref ref;
	u32 handle;
	char tty_name[ATMQTT_TTY_NAME];
	struct tty_struct *tty;

	spinlock_t lock;		/* see above */
	bool dead;
	struct atmqtt_req *cur;
	unsigned int cmd_waiters;	/* requesters waiting for cmd_mutex */
	struct list_head urc_waiters;
	wait_queue_head_t wq;
	int mode;			/* +MQTTCONF mode set, -1: unknown */
	bool init_done;			/* init_work has run */

	struct mutex state_mutex;	/* clients' parameters and subs */
	struct mutex cmd_mutex;		/* one AT command in flight */

	struct mutex tx_mutex;		/* tx_buf, tx_len, tx_off */
	struct work_struct tx_work;
	size_t tx_len;
	size_t tx_off;
	u8 tx_buf[ATMQTT_TX_MAX];

	struct work_struct init_work;	/* AT+MQTTCONF=1 after attach */
	struct work_struct read_work;	/* AT+MQTTREAD after +MQTTMSGI */
	struct atmqtt_client clients[ATMQTT_CLIENT_MAX];

	/* Receive side: only the ldisc's receive_buf touches the parser. */
	struct atp_parser parser;
	atomic64_t rx_seq;
	atomic64_t rx_drops;
	atomic64_t rx_stray;		/* final results nobody waited for */
	atomic64_t rx_bad;		/* URCs for clients that do not exist */
	atomic_t rx_resync;		/* a command timed out: see receive */
	atomic_long_t mem;		/* bytes allocated: m and the subs */
};

struct atmqtt_modem *atmqtt_modem_create(struct tty_struct *tty);
void atmqtt_modem_kill(struct atmqtt_modem *m);
void atmqtt_modem_put(struct atmqtt_modem *m);
struct atmqtt_modem *atmqtt_modem_get(u32 handle);
struct atmqtt_modem *atmqtt_modem_get_next(unsigned long *index);
int atmqtt_modem_state(struct atmqtt_modem *m);
bool atmqtt_modem_dead(struct atmqtt_modem *m);
void atmqtt_modem_receive(struct atmqtt_modem *m, const u8 *buf, size_t len);
void atmqtt_modem_tx_work(struct work_struct *work);
void atmqtt_modem_exit(void);

/*
 * Send c->line or what c->write_line() writes (and c->data at the '>'
 * prompt, from the receive path), wait for the final result, then for the
 * result URC when c->urc is set.
 * Returns 0 or a negative errno as documented in the UAPI header;
 * c->has_code tells that the modem gave an error code.
 */
int atmqtt_modem_exec(struct atmqtt_modem *m, struct atmqtt_req *c,
		      struct netlink_ext_ack *extack);

/* client.c */
struct atmqtt_client *atmqtt_client(struct atmqtt_modem *m, int id);
void atmqtt_clients_init(struct atmqtt_modem *m);
void atmqtt_clients_stop(struct atmqtt_modem *m);
void atmqtt_clients_free(struct atmqtt_modem *m);
void atmqtt_client_urc(struct atmqtt_modem *m, const struct atp_item *it);
void atmqtt_client_msgi(struct atmqtt_modem *m, int id);
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
void atmqtt_client_policy(struct atmqtt_client *cl, int reconnect,
			  u32 min_ms, u32 max_ms);
int atmqtt_clients_mask(const char *lines, unsigned int nlines);

#endif /* ATMQTT_MODEM_H */
