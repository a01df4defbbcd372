// SPDX-License-Identifier: GPL-2.0
/*
 * Modem core: the registry of attached modems and their lifetime, the
 * transmit path, and the dispatch of what the parser reads from the modem
 * (to the exchange, xact.c, and to the clients).
 */
#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <net/netlink.h>
#include <linux/atmqtt.h>

#include "modem.h"
#include "events.h"
#include "transport.h"

/*
 * Handles start at 1; 0 means "no modem" in the UAPI.  They are given out
 * in turn, not reused at once: a tool still holding the handle of a modem
 * that went away must not reach the one attached next.
 */
static DEFINE_XARRAY_ALLOC1(atmqtt_modems);
static u32 atmqtt_next_handle;

static void atmqtt_modem_dispatch(void *ctx, const struct atp_item *it);

struct atmqtt_modem *atmqtt_modem_create(const char *name, dev_t dev,
					 const struct atmqtt_transport_ops *ops,
					 void *priv)
{
	struct atmqtt_modem *m;
	int err;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return ERR_PTR(-ENOMEM);

	kref_init(&m->ref);
	m->tops = ops;
	m->tpriv = priv;
	strscpy(m->tty_name, name, sizeof(m->tty_name));
	m->tty_dev = dev;
	m->dialect = atmqtt_dialect_default();
	m->limits = &m->dialect->limits;
	spin_lock_init(&m->lock);
	INIT_LIST_HEAD(&m->urc_waiters);
	init_waitqueue_head(&m->wq);
	init_waitqueue_head(&m->xq);
	INIT_DELAYED_WORK(&m->x.work, atmqtt_xact_work);
	mutex_init(&m->tx_mutex);
	m->tx_done_at = jiffies;
	mutex_init(&m->state_mutex);
	INIT_WORK(&m->tx_work, atmqtt_modem_tx_work);
	m->mode = -1;
	atmqtt_clients_init(m);
	atp_init(&m->parser, atmqtt_modem_dispatch, m);
	atomic64_set(&m->rx_seq, 0);
	atomic64_set(&m->rx_drops, 0);
	atomic64_set(&m->rx_stray, 0);
	atomic64_set(&m->rx_bad, 0);
	atomic64_set(&m->rx_malformed, 0);
	atomic64_set(&m->rx_overflows, 0);
	atomic64_set(&m->resyncs, 0);
	atomic_long_set(&m->mem, ksize(m));

	err = xa_alloc_cyclic(&atmqtt_modems, &m->handle, m,
			      XA_LIMIT(1, INT_MAX), &atmqtt_next_handle,
			      GFP_KERNEL);
	if (err < 0) {
		kfree(m);
		return ERR_PTR(err);
	}
	return m;
}

static void atmqtt_modem_release(struct kref *ref)
{
	struct atmqtt_modem *m = container_of(ref, struct atmqtt_modem, ref);
	struct atmqtt_urc_wait *uw, *tmp;

	/* Only ghosts can be left: every requester is gone. */
	list_for_each_entry_safe(uw, tmp, &m->urc_waiters, node)
		if (!WARN_ON_ONCE(!uw->ghost))
			kfree(uw);
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
	wake_up_all(&m->xq);
	xa_erase(&atmqtt_modems, m->handle);
	/* The works see dead and end their command at once. */
	atmqtt_clients_stop(m);
	atmqtt_modem_xact_stop(m);
	/* A requester writing to the tty finishes; later ones see dead. */
	mutex_lock(&m->tx_mutex);
	mutex_unlock(&m->tx_mutex);
	cancel_work_sync(&m->tx_work);
	atmqtt_event_modem(m);
}

/* The transport's end, after atmqtt_modem_kill(): its reference goes. */
void atmqtt_modem_release_transport(struct atmqtt_modem *m)
{
	/* A write_wakeup that raced with kill() may have queued the work. */
	cancel_work_sync(&m->tx_work);
	atmqtt_modem_put(m);
}

/*
 * A new modem is announced, then sends its own first commands: mode 1 and
 * the clients' state, from the workqueue, so that the answers can come in
 * (the transport is open when this is called).
 */
void atmqtt_modem_start(struct atmqtt_modem *m)
{
	atmqtt_event_modem(m);
	queue_work(atmqtt_wq, &m->init_work);
}

void *atmqtt_modem_priv(struct atmqtt_modem *m)
{
	return m->tpriv;
}

/* May run in interrupt context: only schedule the tx work. */
void atmqtt_modem_write_wakeup(struct atmqtt_modem *m)
{
	if (!READ_ONCE(m->dead))
		schedule_work(&m->tx_work);
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
	else if (m->x.state != ATMQTT_X_IDLE)
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
 * A test hook (debugfs, atmqtt/): tx_write_max, when not 0, caps what one
 * write hands the transport, and a capped write is taken for a full FIFO:
 * the rest waits for the driver's write_wakeup, as with a UART that has a
 * 16-byte FIFO and no ring in front.  Real drivers report the free space
 * of a ring of some KiB, which always takes a whole command.
 * tx_short_writes counts the writes that left bytes behind (capped or
 * short), tx_wakeups the tx works that resumed a command after one.
 */
static u32 atmqtt_tx_write_max;
static atomic_t atmqtt_tx_short_writes = ATOMIC_INIT(0);
static atomic_t atmqtt_tx_wakeups = ATOMIC_INIT(0);
static struct dentry *atmqtt_debugfs;

void atmqtt_modem_debugfs_init(void)
{
	atmqtt_debugfs = debugfs_create_dir("atmqtt", NULL);
	debugfs_create_u32("tx_write_max", 0600, atmqtt_debugfs,
			   &atmqtt_tx_write_max);
	debugfs_create_atomic_t("tx_short_writes", 0400, atmqtt_debugfs,
				&atmqtt_tx_short_writes);
	debugfs_create_atomic_t("tx_wakeups", 0400, atmqtt_debugfs,
				&atmqtt_tx_wakeups);
}

void atmqtt_modem_debugfs_exit(void)
{
	debugfs_remove_recursive(atmqtt_debugfs);
}

/*
 * Write what the tty takes of the tx buffer; it asks for write_wakeup,
 * which schedules the tx work, for the rest.  Under tx_mutex, which kill()
 * takes after setting dead: the tty is not used once kill() returned.
 */
void atmqtt_tx_push(struct atmqtt_modem *m)
{
	const struct atmqtt_transport_ops *ops = m->tops;
	size_t len, max;
	int n;

	lockdep_assert_held(&m->tx_mutex);
	while (m->tx_off < m->tx_len && !READ_ONCE(m->dead)) {
		/* Ask for write_wakeup before writing, so none is missed. */
		if (ops->want_wakeup)
			ops->want_wakeup(m, true);
		len = m->tx_len - m->tx_off;
		max = READ_ONCE(atmqtt_tx_write_max);
		if (max && len > max)
			len = max;
		n = ops->write(m, m->tx_buf + m->tx_off, len);
		if (n <= 0)
			break;
		m->tx_off += n;
		if (m->tx_off >= m->tx_len)
			m->tx_done_at = jiffies;
		else
			atomic_inc(&atmqtt_tx_short_writes);
		/* The cap's FIFO is full: the rest at write_wakeup. */
		if (len == max)
			break;
	}
	if (m->tx_off >= m->tx_len) {
		if (ops->want_wakeup && !READ_ONCE(m->dead))
			ops->want_wakeup(m, false);
		/* It may have held a password or a private payload. */
		memzero_explicit(m->tx_buf, m->tx_len);
	}
}

void atmqtt_modem_tx_work(struct work_struct *work)
{
	struct atmqtt_modem *m = container_of(work, struct atmqtt_modem,
					      tx_work);

	mutex_lock(&m->tx_mutex);
	if (m->tx_off < m->tx_len)
		atomic_inc(&atmqtt_tx_wakeups);
	atmqtt_tx_push(m);
	mutex_unlock(&m->tx_mutex);
}

static bool atmqtt_client_ok(struct atmqtt_modem *m, int client)
{
	if (client >= ATMQTT_CLIENT_MIN && client <= m->limits->clients)
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
		atmqtt_xact_final(m, it);
		break;
	case ATP_PROMPT:
		atmqtt_xact_prompt(m);
		break;
	case ATP_INFO:
		atmqtt_xact_info(m, it);
		break;
	case ATP_RESULT:
		if (atmqtt_client_ok(m, it->client))
			atmqtt_xact_result(m, it);
		break;
	case ATP_MSG:
		if (atmqtt_client_ok(m, it->client))
			atmqtt_xact_message(m, it);
		break;
	case ATP_MSGI:
		if (atmqtt_client_ok(m, it->client))
			atmqtt_client_msgi(m, it);
		break;
	case ATP_BREAK:
		/* The break first, then the reconnect policy's steps. */
		if (atmqtt_client_ok(m, it->client))
			atmqtt_xact_break(m, it);
		break;
	case ATP_MALFORMED:
	case ATP_OVERFLOW:
		/* The parser counts them.  It may have been a +MQTTMSGI:
		 * no announcement count can be trusted now.
		 */
		atmqtt_clients_drain(m, 0);
		break;
	default:
		/* Echo, the +MQTTREAD header (its data follows). */
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
	/* Only this path writes the parser's counts: no tearing here. */
	atomic64_set(&m->rx_malformed, m->parser.stats.malformed);
	atomic64_set(&m->rx_overflows, m->parser.stats.overflows);
}
