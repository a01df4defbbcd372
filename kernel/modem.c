// SPDX-License-Identifier: GPL-2.0
/*
 * Modem core: the registry of attached modems, the command path (one AT
 * command in flight, then an optional wait for its result URC) and the
 * dispatch of what the parser reads from the modem.
 */
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/xarray.h>
#include <net/netlink.h>
#include <linux/atmqtt.h>

#include "modem.h"
#include "netlink.h"

/* Handles start at 1; 0 means "no modem" in the UAPI. */
static DEFINE_XARRAY_ALLOC1(atmqtt_modems);

static void atmqtt_modem_dispatch(void *ctx, const struct atp_item *it);

struct atmqtt_modem *atmqtt_modem_create(struct tty_struct *tty)
{
	struct atmqtt_modem *m;
	int err;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);

	kref_init(&m->ref);
	m->tty = tty;
	strscpy(m->tty_name, tty_name(tty), sizeof(m->tty_name));
	spin_lock_init(&m->lock);
	INIT_LIST_HEAD(&m->urc_waiters);
	init_waitqueue_head(&m->wq);
	mutex_init(&m->cmd_mutex);
	mutex_init(&m->tx_mutex);
	mutex_init(&m->state_mutex);
	INIT_WORK(&m->tx_work, atmqtt_modem_tx_work);
	m->mode = -1;
	atmqtt_clients_init(m);
	atp_init(&m->parser, atmqtt_modem_dispatch, m);
	atomic64_set(&m->rx_seq, 0);
	atomic64_set(&m->rx_drops, 0);
	atomic64_set(&m->rx_stray, 0);
	atomic64_set(&m->rx_bad, 0);
	atomic_long_set(&m->mem, ksize(m));

	err = xa_alloc(&atmqtt_modems, &m->handle, m, xa_limit_31b, GFP_KERNEL);
	if (err) {
		kfree(m);
		return ERR_PTR(err);
	}
	return m;
}

static void atmqtt_modem_release(struct kref *ref)
{
	struct atmqtt_modem *m = container_of(ref, struct atmqtt_modem, ref);

	atmqtt_clients_free(m);
	/* The parser's line and the tx buffer may hold a password or a
	 * private payload: leave nothing in freed memory.
	 */
	kfree_sensitive(m);
}

void atmqtt_modem_put(struct atmqtt_modem *m)
{
	kref_put(&m->ref, atmqtt_modem_release);
}

/*
 * Called on hangup and on close: no more I/O on the tty.  Waiters see dead
 * and leave with -ENODEV; the handle disappears.  Idempotent.
 */
void atmqtt_modem_kill(struct atmqtt_modem *m)
{
	spin_lock(&m->lock);
	if (m->dead) {
		spin_unlock(&m->lock);
		return;
	}
	m->dead = true;
	spin_unlock(&m->lock);

	wake_up_all(&m->wq);
	xa_erase(&atmqtt_modems, m->handle);
	/* The works see dead and end their command at once. */
	atmqtt_clients_stop(m);
	/* A requester writing to the tty finishes; later ones see dead. */
	mutex_lock(&m->tx_mutex);
	mutex_unlock(&m->tx_mutex);
	cancel_work_sync(&m->tx_work);
	atmqtt_event_modem(m);
}

bool atmqtt_modem_dead(struct atmqtt_modem *m)
{
	return READ_ONCE(m->dead);
}

struct atmqtt_modem *atmqtt_modem_get(u32 handle)
{
	struct atmqtt_modem *m;

	xa_lock(&atmqtt_modems);
	m = xa_load(&atmqtt_modems, handle);
	if (m)
		kref_get(&m->ref);
	xa_unlock(&atmqtt_modems);
	return m;
}

/* The first modem with a handle >= *index, referenced; *index is its handle. */
struct atmqtt_modem *atmqtt_modem_get_next(unsigned long *index)
{
	struct atmqtt_modem *m;

	xa_lock(&atmqtt_modems);
	m = xa_find(&atmqtt_modems, index, ULONG_MAX, XA_PRESENT);
	if (m)
		kref_get(&m->ref);
	xa_unlock(&atmqtt_modems);
	return m;
}

int atmqtt_modem_state(struct atmqtt_modem *m)
{
	int state;

	spin_lock(&m->lock);
	if (m->dead)
		state = ATMQTT_MODEM_DEAD;
	else if (!READ_ONCE(m->init_done))
		state = ATMQTT_MODEM_INIT;
	else if (m->cur)
		state = ATMQTT_MODEM_BUSY;
	else
		state = ATMQTT_MODEM_READY;
	spin_unlock(&m->lock);
	return state;
}

void atmqtt_modem_exit(void)
{
	WARN_ON(!xa_empty(&atmqtt_modems));
	xa_destroy(&atmqtt_modems);
}

/* ---- transmit ---------------------------------------------------------- */

/*
 * Write what the tty takes of the tx buffer; it asks for write_wakeup,
 * which schedules the tx work, for the rest.  Under tx_mutex, which kill()
 * takes after setting dead: the tty is not used once kill() returned.
 */
static void atmqtt_tx_push(struct atmqtt_modem *m)
{
	struct tty_struct *tty = m->tty;
	int n;

	lockdep_assert_held(&m->tx_mutex);
	while (m->tx_off < m->tx_len && !READ_ONCE(m->dead)) {
		/* Ask for write_wakeup before writing, so none is missed. */
		set_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
		n = tty->ops->write(tty, m->tx_buf + m->tx_off,
				    m->tx_len - m->tx_off);
		if (n <= 0)
			break;
		m->tx_off += n;
	}
	if (m->tx_off >= m->tx_len) {
		clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
		/* It may have held a password or a private payload. */
		memzero_explicit(m->tx_buf, m->tx_len);
	}
}

void atmqtt_modem_tx_work(struct work_struct *work)
{
	struct atmqtt_modem *m = container_of(work, struct atmqtt_modem,
					      tx_work);

	mutex_lock(&m->tx_mutex);
	atmqtt_tx_push(m);
	mutex_unlock(&m->tx_mutex);
}

/* A new command or its data in the tx buffer; under tx_mutex. */
static void atmqtt_tx_load(struct atmqtt_modem *m, const void *buf,
			   size_t len)
{
	lockdep_assert_held(&m->tx_mutex);
	memcpy(m->tx_buf, buf, len);
	m->tx_len = len;
	m->tx_off = 0;
}

static int atmqtt_tx_start(struct atmqtt_modem *m, struct atmqtt_req *c)
{
	int err = 0;
	size_t len;

	/* Written from the requester's context: no work to wake up for a
	 * command the tty takes at once, which is every one of a pty and
	 * most of a UART's (its transmit buffer holds one).
	 */
	mutex_lock(&m->tx_mutex);
	if (READ_ONCE(m->dead)) {
		err = -ENODEV;
	} else if (c->write_line) {
		/* Built in place: no copy of the line to allocate and wipe. */
		len = c->write_line(m->tx_buf, sizeof(m->tx_buf), c->line_arg);
		if (len) {
			m->tx_len = len;
			m->tx_off = 0;
			atmqtt_tx_push(m);
		} else {
			err = -EMSGSIZE;
		}
	} else {
		atmqtt_tx_load(m, c->line, c->len);
		atmqtt_tx_push(m);
	}
	mutex_unlock(&m->tx_mutex);
	return err;
}

/* Drop what was not written yet of a command that was given up on. */
static void atmqtt_tx_cancel(struct atmqtt_modem *m)
{
	mutex_lock(&m->tx_mutex);
	memzero_explicit(m->tx_buf, m->tx_len);
	m->tx_len = 0;
	m->tx_off = 0;
	mutex_unlock(&m->tx_mutex);
}

/* ---- command path ------------------------------------------------------ */

static const struct {
	int err;
	const char *msg;
} atmqtt_mqtt_errors[] = {
	{ -EPROTONOSUPPORT, "modem: ERROR: 700 Unacceptable protocol version" },
	{ -ENOTUNIQ, "modem: ERROR: 701 Identifier rejected" },
	{ -ECONNREFUSED, "modem: ERROR: 702 Server unavailable" },
	{ -EKEYREJECTED, "modem: ERROR: 703 Bad user name or password" },
	{ -EACCES, "modem: ERROR: 704 Not authorized" },
};

static int atmqtt_final_errno(const struct atmqtt_req *c,
			      struct netlink_ext_ack *extack)
{
	switch (c->final) {
	case ATP_OK:
		return 0;
	case ATP_ERROR_CODE:
		if (c->code >= 700 && c->code <= 704) {
			atmqtt_extack(extack, NULL,
				      atmqtt_mqtt_errors[c->code - 700].msg);
			return atmqtt_mqtt_errors[c->code - 700].err;
		}
		NL_SET_ERR_MSG(extack, "modem: ERROR: <err> with a code the manual does not list");
		return -EREMOTEIO;
	case ATP_CME_ERROR:
		NL_SET_ERR_MSG(extack, "modem: +CME ERROR: <err>");
		return -EREMOTEIO;
	default:
		NL_SET_ERR_MSG(extack, "modem: ERROR");
		return -EIO;
	}
}

static const char * const atmqtt_status0[] = {
	[ATP_R_OPEN] = "modem: +MQTTOPEN status 0: the connection failed",
	[ATP_R_CLOSE] = "modem: +MQTTCLOSE status 0: the close failed",
	[ATP_R_SUB] = "modem: +MQTTSUB status 0: the subscription failed",
	[ATP_R_PUB] = "modem: +MQTTPUB status 0: the publish failed",
	[ATP_R_UNSUB] = "modem: +MQTTUNSUB status 0: the unsubscribe failed",
};

static int atmqtt_wait_errno(struct atmqtt_modem *m, long t, const char *what,
			     struct netlink_ext_ack *extack)
{
	if (READ_ONCE(m->dead)) {
		NL_SET_ERR_MSG(extack, "modem: hung up or detached");
		return -ENODEV;
	}
	if (t < 0)
		return -EINTR;
	atmqtt_extack(extack, NULL, what);
	return -ETIMEDOUT;
}

static long atmqtt_wait(struct atmqtt_modem *m, bool *flag,
			unsigned long timeout)
{
	return wait_event_interruptible_timeout(m->wq, READ_ONCE(*flag) ||
						READ_ONCE(m->dead), timeout);
}

static unsigned long atmqtt_urc_timeout(void)
{
	return msecs_to_jiffies(max(1U, READ_ONCE(atmqtt_urc_timeout_ms)));
}

/*
 * Wait for the final result, at most @timeout.  A request with a result URC
 * may sleep past its OK (atmqtt_modem_final()): it wakes every
 * urc_timeout_ms, so that a URC that never comes times out urc_timeout_ms
 * after the final result, as it would had the OK woken it.
 */
static long atmqtt_wait_final(struct atmqtt_modem *m, struct atmqtt_req *c,
			      unsigned long timeout)
{
	unsigned long end = jiffies + timeout;
	unsigned long slice = timeout;
	long t;

	if (c->urc)
		slice = min(slice, atmqtt_urc_timeout());
	for (;;) {
		t = atmqtt_wait(m, &c->done, slice);
		if (t || !time_before(jiffies, end))
			return t;
		slice = min(slice, end - jiffies);
	}
}

/*
 * Send the command and wait for the final result.  The receive path sends
 * the data at the '>' prompt (atmqtt_modem_prompt()): the line does not
 * wait for this task to wake up.  The prompt and then the final result
 * each get cmd_timeout_ms.
 */
static int atmqtt_exec_final(struct atmqtt_modem *m, struct atmqtt_req *c,
			     struct netlink_ext_ack *extack)
{
	unsigned int ms = c->timeout_ms ?: READ_ONCE(atmqtt_cmd_timeout_ms);
	unsigned long timeout = msecs_to_jiffies(max(1U, ms));
	long t;
	int err;

	/* Both fit the tx buffer (the line, then the data at the prompt). */
	if (c->len > sizeof(m->tx_buf) || c->data_len > sizeof(m->tx_buf))
		return -EMSGSIZE;
	err = atmqtt_tx_start(m, c);
	if (err)
		return err;
	t = atmqtt_wait_final(m, c, timeout);
	if (!t && c->data && READ_ONCE(c->prompt))
		t = atmqtt_wait_final(m, c, timeout);
	if (t <= 0 || READ_ONCE(m->dead))
		return atmqtt_wait_errno(m, t, c->data && !READ_ONCE(c->prompt) ?
					 "modem: no '>' prompt within cmd_timeout_ms" :
					 "modem: no final result within cmd_timeout_ms",
					 extack);
	return atmqtt_final_errno(c, extack);
}

/*
 * Before taking cmd_mutex: count this requester in cmd_waiters, and wake
 * the holder if its final result is in.  The holder of cmd_mutex may sleep
 * past its OK to its result URC (atmqtt_modem_final() wakes it at OK only
 * when cmd_waiters says another requester waits); woken, it gives the
 * mutex up.  Counted and checked under lock: either the final result sees
 * the count or the newcomer sees the final result.
 */
static void atmqtt_cmd_queue(struct atmqtt_modem *m)
{
	bool kick;

	spin_lock(&m->lock);
	m->cmd_waiters++;
	kick = m->cur && m->cur->done;
	spin_unlock(&m->lock);
	if (kick)
		wake_up_all(&m->wq);
}

/*
 * The final result is awaited under cmd_mutex; the result URC without it, so
 * that other commands (the other client's, say) go on meanwhile.  The URC
 * gets urc_timeout_ms from the final result, however late its requester
 * woke up to it.
 */
int atmqtt_modem_exec(struct atmqtt_modem *m, struct atmqtt_req *c,
		      struct netlink_ext_ack *extack)
{
	struct atmqtt_urc_wait *uw = c->urc ? &c->uw : NULL;
	unsigned long timeout;
	long t;
	int err;

	atmqtt_cmd_queue(m);
	err = mutex_lock_interruptible(&m->cmd_mutex);
	spin_lock(&m->lock);
	m->cmd_waiters--;
	if (err) {
		spin_unlock(&m->lock);
		return -EINTR;
	}
	if (m->dead) {
		spin_unlock(&m->lock);
		mutex_unlock(&m->cmd_mutex);
		NL_SET_ERR_MSG(extack, "modem: hung up or detached");
		return -ENODEV;
	}
	m->cur = c;
	/* Before sending: the URC may follow OK within the same read. */
	if (uw) {
		uw->result = c->urc;
		uw->client = c->client;
		uw->done = false;
		list_add_tail(&uw->node, &m->urc_waiters);
	}
	spin_unlock(&m->lock);

	err = atmqtt_exec_final(m, c, extack);

	spin_lock(&m->lock);
	m->cur = NULL;
	if (err && uw && !uw->done)
		list_del(&uw->node);
	spin_unlock(&m->lock);

	if (err == -ETIMEDOUT || err == -EINTR)
		atmqtt_tx_cancel(m);
	/* A modem that lied about a +MQTTREAD length holds the parser in its
	 * data until enough bytes come: let the next receive give that up.
	 */
	if (err == -ETIMEDOUT)
		atomic_set(&m->rx_resync, 1);
	mutex_unlock(&m->cmd_mutex);

	if (err || !uw)
		return err;

	timeout = atmqtt_urc_timeout();
	timeout -= min(timeout - 1, jiffies - c->final_at);
	t = atmqtt_wait(m, &uw->done, timeout);
	spin_lock(&m->lock);
	if (!uw->done)
		list_del(&uw->node);
	spin_unlock(&m->lock);

	if (!uw->done)
		return atmqtt_wait_errno(m, t,
					 "modem: no result URC within urc_timeout_ms",
					 extack);
	if (uw->status != 1) {
		atmqtt_extack(extack, NULL, atmqtt_status0[uw->result]);
		return -ECOMM;
	}
	return 0;
}

/* ---- receive path ------------------------------------------------------ */

static void atmqtt_modem_final(struct atmqtt_modem *m,
			       const struct atp_item *it)
{
	struct atmqtt_req *c;
	bool wake = false;
	size_t n;

	spin_lock(&m->lock);
	c = m->cur;
	if (c && !c->done) {
		c->final = it->kind;
		c->code = it->code;
		c->has_code = it->kind == ATP_ERROR_CODE ||
			      (it->kind == ATP_CME_ERROR && it->code >= 0);
		n = min(it->line_len, sizeof(c->final_line) - 1);
		memcpy(c->final_line, it->line, n);
		c->final_line[n] = '\0';
		c->final_at = jiffies;
		WRITE_ONCE(c->done, true);
		/* Its requester would only go back to sleep for the URC (see
		 * atmqtt_cmd_queue()): a switch to it and back, 5000
		 * instructions of a publish.
		 */
		wake = it->kind != ATP_OK || !c->urc || c->uw.done ||
		       m->cmd_waiters;
	} else {
		c = NULL;
	}
	spin_unlock(&m->lock);

	if (wake)
		wake_up_all(&m->wq);
	else if (!c)
		atomic64_inc(&m->rx_stray);
}

/*
 * The data prompt: send the data of the command in flight from here, with
 * no wake-up of its requester.  The data is copied while the request is
 * m->cur under the lock, which its requester takes to give it up.  A '>'
 * before the command went out whole is not its prompt (tx_off < tx_len).
 */
static void atmqtt_modem_prompt(struct atmqtt_modem *m)
{
	struct atmqtt_req *c;
	bool send = false;

	mutex_lock(&m->tx_mutex);
	spin_lock(&m->lock);
	c = m->cur;
	if (c && c->data && !c->done && !c->prompt && !m->dead &&
	    m->tx_off >= m->tx_len) {
		atmqtt_tx_load(m, c->data, c->data_len);
		WRITE_ONCE(c->prompt, true);
		send = true;
	}
	spin_unlock(&m->lock);
	if (send)
		atmqtt_tx_push(m);
	mutex_unlock(&m->tx_mutex);
}

static bool atmqtt_has_prefix(const struct atp_item *it, const char *pfx)
{
	size_t n = pfx ? strlen(pfx) : 0;

	return n && it->line_len >= n && !memcmp(it->line, pfx, n);
}

/* An information line: part of the command in flight, or a URC. */
static void atmqtt_modem_info(struct atmqtt_modem *m,
			      const struct atp_item *it)
{
	struct atmqtt_req *c;
	bool kept = false;

	spin_lock(&m->lock);
	c = m->cur;
	if (c && !c->done && c->lines &&
	    (c->keep_all || atmqtt_has_prefix(it, c->prefix) ||
	     atmqtt_has_prefix(it, c->prefix2))) {
		kept = true;
		if (c->lines_size - c->lines_len > it->line_len) {
			memcpy(c->lines + c->lines_len, it->line, it->line_len);
			c->lines_len += it->line_len;
			c->lines[c->lines_len++] = '\0';
			c->nlines++;
		} else {
			c->truncated = true;
		}
	}
	spin_unlock(&m->lock);

	if (!kept)
		atmqtt_event_urc(m, it->line, it->line_len);
}

static void atmqtt_modem_result(struct atmqtt_modem *m,
				const struct atp_item *it)
{
	struct atmqtt_urc_wait *uw, *found = NULL;

	atmqtt_client_urc(m, it);

	spin_lock(&m->lock);
	list_for_each_entry(uw, &m->urc_waiters, node) {
		if (uw->result == it->result && uw->client == it->client) {
			uw->status = it->status;
			list_del_init(&uw->node);
			WRITE_ONCE(uw->done, true);
			found = uw;
			break;
		}
	}
	spin_unlock(&m->lock);

	if (found)
		wake_up_all(&m->wq);
	/* A publish changes nothing that listeners track: its result goes to
	 * the request that waits for it, in the reply, and to the group only
	 * when none does any more (timed out or interrupted).
	 */
	if (!found || it->result != ATP_R_PUB)
		atmqtt_event_result(m, it);
}

static void atmqtt_modem_message(struct atmqtt_modem *m,
				 const struct atp_item *it)
{
	struct atmqtt_req *c;
	struct atmqtt_msg *msg;
	u64 seq;

	seq = atomic64_inc_return(&m->rx_seq);
	spin_lock(&m->lock);
	c = m->cur;
	if (it->from_read && c && !c->done && !c->got_msg) {
		msg = c->msg;
		if (msg) {
			msg->client = it->client;
			msg->qos = it->qos;
			msg->seq = seq;
			msg->topic_len = it->topic_len;
			memcpy(msg->topic, it->topic, it->topic_len);
			msg->payload_len = it->payload_len;
			memcpy(msg->payload, it->payload, it->payload_len);
		}
		c->got_msg = true;
	}
	spin_unlock(&m->lock);

	if (atmqtt_event_message(m, it, seq))
		atomic64_inc(&m->rx_drops);
}

static bool atmqtt_client_ok(struct atmqtt_modem *m, int client)
{
	if (client >= ATMQTT_CLIENT_MIN && client <= ATMQTT_CLIENT_MAX)
		return true;
	atomic64_inc(&m->rx_bad);
	return false;
}

static void atmqtt_modem_dispatch(void *ctx, const struct atp_item *it)
{
	struct atmqtt_modem *m = ctx;

	switch (it->kind) {
	case ATP_OK:
	case ATP_ERROR:
	case ATP_ERROR_CODE:
	case ATP_CME_ERROR:
		atmqtt_modem_final(m, it);
		break;
	case ATP_PROMPT:
		atmqtt_modem_prompt(m);
		break;
	case ATP_INFO:
		atmqtt_modem_info(m, it);
		break;
	case ATP_RESULT:
		if (atmqtt_client_ok(m, it->client))
			atmqtt_modem_result(m, it);
		break;
	case ATP_MSG:
		if (atmqtt_client_ok(m, it->client))
			atmqtt_modem_message(m, it);
		break;
	case ATP_MSGI:
		if (atmqtt_client_ok(m, it->client))
			atmqtt_client_msgi(m, it->client);
		break;
	case ATP_BREAK:
		/* The break first, then the reconnect policy's steps. */
		if (atmqtt_client_ok(m, it->client)) {
			atmqtt_event_break(m, it);
			atmqtt_client_urc(m, it);
		}
		break;
	default:
		/* Echo, the +MQTTREAD header (its data follows), malformed
		 * and overlong lines: the parser counts what it could not
		 * parse.
		 */
		break;
	}
}

void atmqtt_modem_receive(struct atmqtt_modem *m, const u8 *buf, size_t len)
{
	if (READ_ONCE(m->dead))
		return;
	/* A plain read first: no locked exchange on every buffer. */
	if (atomic_read(&m->rx_resync) && atomic_xchg(&m->rx_resync, 0))
		atp_abort_data(&m->parser);
	atp_feed(&m->parser, buf, len);
}
