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
	INIT_WORK(&m->tx_work, atmqtt_modem_tx_work);
	atp_init(&m->parser, atmqtt_modem_dispatch, m);
	atomic64_set(&m->rx_seq, 0);
	atomic64_set(&m->rx_drops, 0);
	atomic64_set(&m->rx_stray, 0);

	err = xa_alloc(&atmqtt_modems, &m->handle, m, xa_limit_31b, GFP_KERNEL);
	if (err) {
		kfree(m);
		return ERR_PTR(err);
	}
	return m;
}

static void atmqtt_modem_release(struct kref *ref)
{
	kfree(container_of(ref, struct atmqtt_modem, ref));
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
	cancel_work_sync(&m->tx_work);
	atmqtt_event_modem(m);
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

void atmqtt_modem_tx_work(struct work_struct *work)
{
	struct atmqtt_modem *m = container_of(work, struct atmqtt_modem,
					      tx_work);
	struct tty_struct *tty = m->tty;
	int n;

	mutex_lock(&m->tx_mutex);
	while (m->tx_off < m->tx_len && !READ_ONCE(m->dead)) {
		/* Ask for write_wakeup before writing, so none is missed. */
		set_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
		n = tty->ops->write(tty, m->tx_buf + m->tx_off,
				    m->tx_len - m->tx_off);
		if (n <= 0)
			break;
		m->tx_off += n;
	}
	if (m->tx_off >= m->tx_len)
		clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	mutex_unlock(&m->tx_mutex);
}

static int atmqtt_tx_start(struct atmqtt_modem *m, const char *buf,
			   size_t len)
{
	bool dead;

	if (len > sizeof(m->tx_buf))
		return -EMSGSIZE;

	mutex_lock(&m->tx_mutex);
	memcpy(m->tx_buf, buf, len);
	m->tx_len = len;
	m->tx_off = 0;
	mutex_unlock(&m->tx_mutex);

	/* Under the lock, so that kill() cancels whatever we schedule. */
	spin_lock(&m->lock);
	dead = m->dead;
	if (!dead)
		schedule_work(&m->tx_work);
	spin_unlock(&m->lock);
	return dead ? -ENODEV : 0;
}

/* Drop what was not written yet of a command that was given up on. */
static void atmqtt_tx_cancel(struct atmqtt_modem *m)
{
	mutex_lock(&m->tx_mutex);
	m->tx_len = 0;
	m->tx_off = 0;
	mutex_unlock(&m->tx_mutex);
}

/* ---- command path ------------------------------------------------------ */

static const char * const atmqtt_mqtt_errors[] = {
	"modem: ERROR: 700 Unacceptable protocol version",
	"modem: ERROR: 701 Identifier rejected",
	"modem: ERROR: 702 Server unavailable",
	"modem: ERROR: 703 Bad user name or password",
	"modem: ERROR: 704 Not authorized",
};

static int atmqtt_final_errno(const struct atmqtt_req *req,
			      struct netlink_ext_ack *extack)
{
	switch (req->final) {
	case ATP_OK:
		return 0;
	case ATP_ERROR_CODE:
		if (req->code >= 700 && req->code <= 704) {
			atmqtt_extack(extack, NULL,
				      atmqtt_mqtt_errors[req->code - 700]);
			return -ECONNREFUSED;
		}
		NL_SET_ERR_MSG(extack, "modem: ERROR: <err> with an unknown code");
		return -EIO;
	case ATP_CME_ERROR:
		NL_SET_ERR_MSG(extack, "modem: +CME ERROR");
		return -EIO;
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

static unsigned long atmqtt_timeout(unsigned int *ms)
{
	return msecs_to_jiffies(max(1U, READ_ONCE(*ms)));
}

/*
 * Send one AT command line and wait for its final result; with @uw, then
 * wait for the matching result URC, without holding cmd_mutex so that other
 * commands (the other client's, say) go on meanwhile.
 */
int atmqtt_modem_exec(struct atmqtt_modem *m, const char *cmd, size_t len,
		      struct atmqtt_urc_wait *uw,
		      struct netlink_ext_ack *extack)
{
	struct atmqtt_req req = {};
	long t = 0;
	int err;

	if (mutex_lock_interruptible(&m->cmd_mutex))
		return -EINTR;

	spin_lock(&m->lock);
	if (m->dead) {
		spin_unlock(&m->lock);
		mutex_unlock(&m->cmd_mutex);
		NL_SET_ERR_MSG(extack, "modem: hung up or detached");
		return -ENODEV;
	}
	m->cur = &req;
	/* Before sending: the URC may follow OK within the same read. */
	if (uw)
		list_add_tail(&uw->node, &m->urc_waiters);
	spin_unlock(&m->lock);

	err = atmqtt_tx_start(m, cmd, len);
	if (!err)
		t = wait_event_interruptible_timeout(m->wq,
						     READ_ONCE(req.done) ||
						     READ_ONCE(m->dead),
						     atmqtt_timeout(&atmqtt_cmd_timeout_ms));

	spin_lock(&m->lock);
	m->cur = NULL;
	if (!err && req.done)
		err = atmqtt_final_errno(&req, extack);
	else if (!err)
		err = atmqtt_wait_errno(m, t,
					"modem: no final result within cmd_timeout_ms",
					extack);
	if (err && uw && !uw->done)
		list_del(&uw->node);
	spin_unlock(&m->lock);

	if (err == -ETIMEDOUT || err == -EINTR)
		atmqtt_tx_cancel(m);
	mutex_unlock(&m->cmd_mutex);

	if (err || !uw)
		return err;

	t = wait_event_interruptible_timeout(m->wq,
					     READ_ONCE(uw->done) ||
					     READ_ONCE(m->dead),
					     atmqtt_timeout(&atmqtt_urc_timeout_ms));
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
		return -EIO;
	}
	return 0;
}

/* ---- receive path ------------------------------------------------------ */

static void atmqtt_modem_final(struct atmqtt_modem *m,
			       const struct atp_item *it)
{
	struct atmqtt_req *req;

	spin_lock(&m->lock);
	req = m->cur;
	if (req && !req->done) {
		req->final = it->kind;
		req->code = it->code;
		WRITE_ONCE(req->done, true);
	} else {
		req = NULL;
	}
	spin_unlock(&m->lock);

	if (req)
		wake_up_all(&m->wq);
	else
		atomic64_inc(&m->rx_stray);
}

static void atmqtt_modem_result(struct atmqtt_modem *m,
				const struct atp_item *it)
{
	struct atmqtt_urc_wait *uw, *found = NULL;

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
	atmqtt_event_result(m, it);
}

static void atmqtt_modem_dispatch(void *ctx, const struct atp_item *it)
{
	struct atmqtt_modem *m = ctx;
	u64 seq;

	switch (it->kind) {
	case ATP_OK:
	case ATP_ERROR:
	case ATP_ERROR_CODE:
	case ATP_CME_ERROR:
		atmqtt_modem_final(m, it);
		break;
	case ATP_RESULT:
		atmqtt_modem_result(m, it);
		break;
	case ATP_MSG:
		seq = atomic64_inc_return(&m->rx_seq);
		if (atmqtt_event_message(m, it, seq))
			atomic64_inc(&m->rx_drops);
		break;
	case ATP_BREAK:
		atmqtt_event_break(m, it);
		break;
	default:
		/* Echo, prompt, information lines, malformed and overlong
		 * lines: nothing in this command set waits for them yet; the
		 * parser counts what it could not parse.
		 */
		break;
	}
}

void atmqtt_modem_receive(struct atmqtt_modem *m, const u8 *buf, size_t len)
{
	if (!READ_ONCE(m->dead))
		atp_feed(&m->parser, buf, len);
}
