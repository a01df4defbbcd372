/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A modem: one tty with the atmqtt line discipline attached.
 *
 * Lifetime: the ldisc owns one reference from open to close; every netlink
 * request holds its own while it works.  The tty pointer is only used while
 * the modem is alive (!dead): by the tx work, which close cancels after
 * setting dead, and by the ldisc callbacks themselves.
 *
 * Locking:
 *   cmd_mutex   one AT command in flight per modem; held from sending the
 *               command to its final result (OK/ERROR), not while waiting
 *               for a result URC.
 *   tx_mutex    the tx buffer and the writes to the tty.
 *   lock        dead, cur, urc_waiters; taken by the receive path.
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

#include "atp.h"

struct tty_struct;
struct netlink_ext_ack;

/* Longest command: AT+MQTTPUB=2,"<255>",2,1,"<1024>"<CR> is 1300 bytes. */
#define ATMQTT_TX_MAX	1536
#define ATMQTT_TTY_NAME	64

extern unsigned int atmqtt_cmd_timeout_ms;
extern unsigned int atmqtt_urc_timeout_ms;

/* The command in flight, filled in by the receive path. */
struct atmqtt_req {
	bool done;
	enum atp_kind final;	/* ATP_OK, ATP_ERROR, ATP_ERROR_CODE, ... */
	int code;
};

/* A request waiting for a result URC (+MQTTOPEN: <client>,<status>...). */
struct atmqtt_urc_wait {
	struct list_head node;
	enum atp_result result;
	int client;
	bool done;
	int status;
};

struct atmqtt_modem {
	struct kref ref;
	u32 handle;
	char tty_name[ATMQTT_TTY_NAME];
	struct tty_struct *tty;

	spinlock_t lock;		/* dead, cur, urc_waiters */
	bool dead;
	struct atmqtt_req *cur;
	struct list_head urc_waiters;
	wait_queue_head_t wq;

	struct mutex cmd_mutex;		/* one AT command in flight */

	struct mutex tx_mutex;		/* tx_buf, tx_len, tx_off */
	struct work_struct tx_work;
	size_t tx_len;
	size_t tx_off;
	u8 tx_buf[ATMQTT_TX_MAX];

	/* Receive side: only the ldisc's receive_buf touches the parser. */
	struct atp_parser parser;
	atomic64_t rx_seq;
	atomic64_t rx_drops;
	atomic64_t rx_stray;	/* final results nobody waited for */
};

struct atmqtt_modem *atmqtt_modem_create(struct tty_struct *tty);
void atmqtt_modem_kill(struct atmqtt_modem *m);
void atmqtt_modem_put(struct atmqtt_modem *m);
struct atmqtt_modem *atmqtt_modem_get(u32 handle);
struct atmqtt_modem *atmqtt_modem_get_next(unsigned long *index);
int atmqtt_modem_state(struct atmqtt_modem *m);
void atmqtt_modem_receive(struct atmqtt_modem *m, const u8 *buf, size_t len);
void atmqtt_modem_tx_work(struct work_struct *work);
void atmqtt_modem_exit(void);

int atmqtt_modem_exec(struct atmqtt_modem *m, const char *cmd, size_t len,
		      struct atmqtt_urc_wait *uw,
		      struct netlink_ext_ack *extack);

#endif /* ATMQTT_MODEM_H */
