// SPDX-License-Identifier: GPL-2.0
/*
 * The exchange: one AT command and all the modem answers to it, owned by
 * the modem and not by its requester (modem.h has its states).  The
 * command path of a requester (claim, send, wait, leave), the exchange's
 * own deadline, resync and settling, and what the receive path hands it:
 * final results, the data prompt, information lines, result URCs (their
 * waiters and ghosts) and the messages a READ brings.
 */
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <linux/atmqtt.h>

#include "modem.h"
#include "events.h"

/* ---- command path ------------------------------------------------------ */

/*
 * The manual's MQTT errors, the broker's refusals of the connection (its
 * CONNACK codes 1-5): one errno, -ECONNREFUSED; the code itself goes to the
 * requester in ATMQTT_A_ERROR, with its text (ATMQTT_A_ERROR_TEXT), and
 * the text in the extended ack too.
 */
#define ATMQTT_MQTT_ERR_FIRST	700
static const char * const atmqtt_mqtt_errors[] = {
	"modem: ERROR: 700 Unacceptable protocol version",
	"modem: ERROR: 701 Identifier rejected",
	"modem: ERROR: 702 Server unavailable",
	"modem: ERROR: 703 Bad user name or password",
	"modem: ERROR: 704 Not authorized",
};

static const char * const atmqtt_mqtt_texts[] = {
	"Unacceptable protocol version",
	"Identifier rejected",
	"Server unavailable",
	"Bad user name or password",
	"Not authorized",
};

static bool atmqtt_mqtt_known(const struct atmqtt_req *c)
{
	BUILD_BUG_ON(ARRAY_SIZE(atmqtt_mqtt_errors) !=
		     ARRAY_SIZE(atmqtt_mqtt_texts));
	return c->final == ATP_ERROR_CODE && c->code >= ATMQTT_MQTT_ERR_FIRST &&
	       c->code < ATMQTT_MQTT_ERR_FIRST + ARRAY_SIZE(atmqtt_mqtt_texts);
}

const char *atmqtt_error_text(const struct atmqtt_req *c)
{
	return atmqtt_mqtt_known(c) ?
	       atmqtt_mqtt_texts[c->code - ATMQTT_MQTT_ERR_FIRST] : NULL;
}

static int atmqtt_final_errno(const struct atmqtt_req *c,
			      struct netlink_ext_ack *extack)
{
	switch (c->final) {
	case ATP_OK:
		return 0;
	case ATP_ERROR_CODE:
		if (atmqtt_mqtt_known(c)) {
			atmqtt_extack(extack, NULL,
				      atmqtt_mqtt_errors[c->code -
							 ATMQTT_MQTT_ERR_FIRST]);
			return -ECONNREFUSED;
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

static unsigned long atmqtt_ms(unsigned int ms)
{
	return msecs_to_jiffies(max(1U, ms));
}

static unsigned long atmqtt_urc_timeout(void)
{
	return atmqtt_ms(READ_ONCE(atmqtt_urc_timeout_ms));
}

static bool atmqtt_req_stopped(const struct atmqtt_req *c)
{
	return c->stop && READ_ONCE(*c->stop);
}

/*
 * Why a requester's wait ended without its answer: the modem went away, a
 * signal, its stop flag, the exchange gave up, or its time ran out.
 */
static int atmqtt_wait_errno(struct atmqtt_modem *m, struct atmqtt_req *c,
			     long t, const char *what,
			     struct netlink_ext_ack *extack)
{
	if (READ_ONCE(m->dead)) {
		NL_SET_ERR_MSG(extack, "modem: hung up or detached");
		return -ENODEV;
	}
	/* Not -EINTR: netlink_rcv_skb() sends no ack at all for that. */
	if (t < 0 || atmqtt_req_stopped(c))
		return -ECANCELED;
	atmqtt_extack(extack, NULL, what);
	return -ETIMEDOUT;
}

/* ---- the exchange ------------------------------------------------------ */

/* A quiet time after a resync, for a late final result of the old command. */
#define ATMQTT_SETTLE	(HZ / 10)

static void atmqtt_xact_arm(struct atmqtt_modem *m, unsigned long delay)
{
	lockdep_assert_held(&m->lock);
	m->x.deadline = jiffies + delay;
	if (!m->dead)
		mod_delayed_work(atmqtt_wq, &m->x.work, delay);
}

static void atmqtt_ghost_free(struct atmqtt_modem *m,
			      struct atmqtt_urc_wait *uw)
{
	lockdep_assert_held(&m->lock);
	list_del(&uw->node);
	m->ghosts--;
	kfree(uw);
}

/*
 * Drop the ghosts of a client: of one result kind (result), or (0) of
 * every kind but OPEN and CLOSE, whose URCs a new session makes moot.
 * keep stays.
 */
static void atmqtt_ghosts_drop(struct atmqtt_modem *m, int client,
			       enum atp_result result,
			       const struct atmqtt_urc_wait *keep)
{
	struct atmqtt_urc_wait *uw, *tmp;

	lockdep_assert_held(&m->lock);
	list_for_each_entry_safe(uw, tmp, &m->urc_waiters, node) {
		if (!uw->ghost || uw == keep || uw->client != client)
			continue;
		if (result ? uw->result != result :
		    uw->result == ATP_R_OPEN || uw->result == ATP_R_CLOSE)
			continue;
		if (m->x.uw == uw)
			m->x.uw = NULL;
		atmqtt_ghost_free(m, uw);
	}
}

/* Its command failed or was never answered: no URC will come for it. */
static void atmqtt_xact_drop_uw(struct atmqtt_modem *m)
{
	struct atmqtt_urc_wait *uw = m->x.uw;

	lockdep_assert_held(&m->lock);
	m->x.uw = NULL;
	if (!uw)
		return;
	if (uw->ghost)
		atmqtt_ghost_free(m, uw);
	else
		list_del_init(&uw->node);
}

/* The exchange is over: the next command may start.  Under lock. */
static void atmqtt_xact_end(struct atmqtt_modem *m)
{
	struct atmqtt_xact *x = &m->x;

	lockdep_assert_held(&m->lock);
	x->state = ATMQTT_X_IDLE;
	x->req = NULL;
	x->uw = NULL;
	x->progress++;
	x->resynced = false;
	if (x->has_data) {
		memzero_explicit(x->data, x->data_len);
		x->has_data = false;
	}
	/* Not _sync: this may be the work itself, or the receive path. */
	cancel_delayed_work(&x->work);
	wake_up(&m->xq);
}

/*
 * Claim the exchange for c if it is free: the wait condition of a
 * requester, so it has a side effect only when it returns true.
 */
static bool atmqtt_xact_claim(struct atmqtt_modem *m, struct atmqtt_req *c,
			      unsigned long timeout, bool *claimed)
{
	struct atmqtt_xact *x = &m->x;

	spin_lock(&m->lock);
	if (!m->dead && x->state == ATMQTT_X_IDLE && !atmqtt_req_stopped(c)) {
		x->state = ATMQTT_X_LINE;
		x->req = c;
		x->progress++;
		x->timeout = timeout;
		x->prefix = c->prefix;
		x->prefix2 = c->prefix2;
		x->keep_all = c->keep_all;
		x->probes = 0;
		x->uw = NULL;
		/* Before sending: the URC may follow OK within one read. */
		if (c->urc) {
			c->uw.result = c->urc;
			c->uw.client = c->client;
			c->uw.done = false;
			c->uw.ghost = false;
			list_add_tail(&c->uw.node, &m->urc_waiters);
			x->uw = &c->uw;
		}
		/* The modem gets twice what its requester waits: a late
		 * '>' is still answered with the data.
		 */
		atmqtt_xact_arm(m, 2 * timeout);
		*claimed = true;
	}
	spin_unlock(&m->lock);
	return *claimed || READ_ONCE(m->dead) || atmqtt_req_stopped(c);
}

static u64 atmqtt_xact_progress(struct atmqtt_modem *m, bool *stuck)
{
	u64 p;

	spin_lock(&m->lock);
	p = m->x.progress;
	/* Past its deadline, an exchange is about to resync: only one
	 * whose probes go unanswered is stuck.
	 */
	if (stuck)
		*stuck = m->x.state == ATMQTT_X_RESYNC;
	spin_unlock(&m->lock);
	return p;
}

static const char atmqtt_busy_msg[] =
	"modem: busy: the command before it is not answered";

/*
 * Wait for the exchange to be free and claim it.  A requester waits while
 * the exchange before it is not resynchronising, or changes state at least
 * once per the requester's own timeout: behind a modem that stopped
 * answering even its resync probes, it ends with -ETIMEDOUT.
 */
static int atmqtt_xact_begin(struct atmqtt_modem *m, struct atmqtt_req *c,
			     unsigned long timeout,
			     struct netlink_ext_ack *extack)
{
	bool claimed = false, stuck;
	u64 seen;
	long t;

	for (;;) {
		seen = atmqtt_xact_progress(m, NULL);
		t = wait_event_interruptible_timeout(m->xq,
						     atmqtt_xact_claim(m, c, timeout,
								       &claimed),
						     timeout);
		if (claimed)
			return 0;
		if (t || (atmqtt_xact_progress(m, &stuck) == seen && stuck))
			return atmqtt_wait_errno(m, c, t, atmqtt_busy_msg,
						 extack);
	}
}

/* Write the command line (c->line, or what c->write_line() writes). */
static int atmqtt_xact_send(struct atmqtt_modem *m, struct atmqtt_req *c)
{
	size_t len = c->len;
	int err = 0;

	mutex_lock(&m->tx_mutex);
	if (READ_ONCE(m->dead)) {
		err = -ENODEV;
	} else if (c->write_line) {
		/* Built in place: no copy of the line to allocate and wipe. */
		len = c->write_line(m->tx_buf, sizeof(m->tx_buf), c->line_arg);
		if (!len)
			err = -EMSGSIZE;
	} else {
		memcpy(m->tx_buf, c->line, len);
	}
	if (!err) {
		m->tx_len = len;
		m->tx_off = 0;
		atmqtt_tx_push(m);
	}
	mutex_unlock(&m->tx_mutex);
	return err;
}

/*
 * The requester leaves: the exchange goes on without it.  Its URC waiter,
 * if its command may still bring one, becomes a ghost that takes that
 * URC in its turn.
 */
static void atmqtt_xact_leave(struct atmqtt_modem *m, struct atmqtt_req *c)
{
	struct atmqtt_urc_wait *uw = c->urc ? &c->uw : NULL;
	struct atmqtt_urc_wait *ghost = NULL;
	unsigned long life;

	if (uw)
		ghost = kmalloc(sizeof(*ghost), GFP_KERNEL);
	/* A URC later than this is taken for lost: a ghost that outlived
	 * it would take the URC of a later command instead.
	 */
	life = atmqtt_urc_timeout() + READ_ONCE(m->x.timeout);

	spin_lock(&m->lock);
	if (m->x.req == c)
		m->x.req = NULL;
	if (uw && !uw->done && !list_empty(&uw->node)) {
		if (ghost && !m->dead && m->ghosts < 2 * m->limits->subs) {
			*ghost = *uw;
			ghost->ghost = true;
			ghost->expires = jiffies + life;
			list_replace_init(&uw->node, &ghost->node);
			m->ghosts++;
			if (m->x.uw == uw)
				m->x.uw = ghost;
			ghost = NULL;
		} else {
			list_del_init(&uw->node);
			if (m->x.uw == uw)
				m->x.uw = NULL;
		}
	}
	spin_unlock(&m->lock);
	kfree(ghost);
}

/*
 * The deadline of the exchange: a silent modem is resynchronised, a probe
 * that was not answered is sent again, a quiet time ends the exchange.
 */
void atmqtt_xact_work(struct work_struct *work)
{
	struct atmqtt_modem *m = container_of(to_delayed_work(work),
					      struct atmqtt_modem, x.work);
	static const char probe[] = "AT\r";
	struct atmqtt_xact *x = &m->x;
	struct atmqtt_req *gone = NULL;
	bool send = false;

	mutex_lock(&m->tx_mutex);
	spin_lock(&m->lock);
	if (m->dead || x->state == ATMQTT_X_IDLE) {
		spin_unlock(&m->lock);
		mutex_unlock(&m->tx_mutex);
		return;
	}
	if (time_before(jiffies, x->deadline)) {
		mod_delayed_work(atmqtt_wq, &x->work, x->deadline - jiffies);
		spin_unlock(&m->lock);
		mutex_unlock(&m->tx_mutex);
		return;
	}
	switch (x->state) {
	case ATMQTT_X_LINE:
	case ATMQTT_X_DATA:
		/* The modem's time runs from the last byte of ours the
		 * tty took: while the line does not take them (a modem
		 * that stopped reading, a full FIFO), it is not silent.
		 */
		if (m->tx_off < m->tx_len) {
			atmqtt_xact_arm(m, x->timeout);
			break;
		}
		if (time_before(jiffies, m->tx_done_at + x->timeout)) {
			atmqtt_xact_arm(m, m->tx_done_at + x->timeout - jiffies);
			break;
		}
		/* Silent past its time: no final result will be believed
		 * for it, nor a URC expected.
		 */
		atomic64_inc(&m->resyncs);
		atomic_set(&m->rx_resync, 1);
		x->state = ATMQTT_X_RESYNC;
		x->progress++;
		x->probes = 0;
		atmqtt_xact_drop_uw(m);
		gone = x->req;
		x->req = NULL;
		if (gone)
			WRITE_ONCE(gone->xerr, -ETIMEDOUT);
		fallthrough;
	case ATMQTT_X_RESYNC:
		/* Bytes the tty did not take yet go first. */
		if (m->tx_off >= m->tx_len) {
			memcpy(m->tx_buf, probe, sizeof(probe) - 1);
			m->tx_len = sizeof(probe) - 1;
			m->tx_off = 0;
			x->probes++;
			send = true;
		}
		atmqtt_xact_arm(m, x->timeout);
		break;
	default:	/* SETTLE: quiet long enough */
		atmqtt_xact_end(m);
		break;
	}
	spin_unlock(&m->lock);
	if (send)
		atmqtt_tx_push(m);
	mutex_unlock(&m->tx_mutex);
	if (gone)
		wake_up_all(&m->wq);
}

/* At detach, after dead is set: nothing more is sent for the exchange. */
void atmqtt_modem_xact_stop(struct atmqtt_modem *m)
{
	struct atmqtt_urc_wait *uw, *tmp;

	cancel_delayed_work_sync(&m->x.work);
	spin_lock(&m->lock);
	list_for_each_entry_safe(uw, tmp, &m->urc_waiters, node)
		if (uw->ghost)
			atmqtt_ghost_free(m, uw);
	spin_unlock(&m->lock);
}

/*
 * What ends a requester's sleep: before its final result, that result (a
 * command with a result URC is woken at its OK only if the URC came
 * first: atmqtt_modem_final()); after it, the URC.  The exchange no longer
 * knows the request once its final result came (x->req).
 */
static bool atmqtt_exec_done(struct atmqtt_modem *m, struct atmqtt_req *c,
			     bool final)
{
	return (final ? READ_ONCE(c->uw.done) : READ_ONCE(c->done)) ||
	       READ_ONCE(c->xerr) || READ_ONCE(m->dead) ||
	       atmqtt_req_stopped(c);
}

/*
 * Start the command and wait for its answer: the final result within the
 * timeout (once more after a '>'), then its URC within urc_timeout_ms of
 * the final result.  The receive path sends the data at the prompt: the
 * line does not wait for this task to wake up.
 */
int atmqtt_modem_exec(struct atmqtt_modem *m, struct atmqtt_req *c,
		      struct netlink_ext_ack *extack)
{
	unsigned long timeout = atmqtt_ms(c->timeout_ms ?:
					  READ_ONCE(atmqtt_cmd_timeout_ms));
	bool prompt = false, final = false;
	unsigned long end, slice;
	long t = 1;
	int err;

	/* Both fit the tx buffer and the exchange. */
	if (c->len > sizeof(m->tx_buf) || c->data_len > sizeof(m->x.data))
		return -EMSGSIZE;
	INIT_LIST_HEAD(&c->uw.node);
	err = atmqtt_xact_begin(m, c, timeout, extack);
	if (err)
		return err;
	if (c->data) {
		/* The data goes from the exchange's copy: the request's
		 * may be gone by the '>'.
		 */
		spin_lock(&m->lock);
		memcpy(m->x.data, c->data, c->data_len);
		m->x.data_len = c->data_len;
		m->x.has_data = true;
		spin_unlock(&m->lock);
	}
	err = atmqtt_xact_send(m, c);
	if (err) {
		spin_lock(&m->lock);
		atmqtt_xact_drop_uw(m);
		atmqtt_xact_end(m);
		spin_unlock(&m->lock);
		return err;
	}

	end = jiffies + timeout;
	while (time_before(jiffies, end)) {
		/* Asleep past its OK, a URC command looks every
		 * urc_timeout_ms: its URC is late that long after the OK.
		 */
		slice = end - jiffies;
		if (c->urc && !final)
			slice = min(slice, atmqtt_urc_timeout());
		t = wait_event_interruptible_timeout(m->wq,
						     atmqtt_exec_done(m, c, final),
						     slice);
		if (t < 0 || READ_ONCE(m->dead) || READ_ONCE(c->xerr) ||
		    atmqtt_req_stopped(c))
			break;
		if (final) {
			if (READ_ONCE(c->uw.done))
				break;
		} else if (READ_ONCE(c->done)) {
			if (c->final != ATP_OK || !c->urc ||
			    READ_ONCE(c->uw.done))
				break;
			/* The URC gets urc_timeout_ms from the final. */
			final = true;
			end = c->final_at + atmqtt_urc_timeout();
			t = 1;
		} else if (!prompt && READ_ONCE(c->prompt)) {
			/* The final result gets its time again. */
			prompt = true;
			end = jiffies + timeout;
		}
	}

	if (READ_ONCE(c->done) && c->final != ATP_OK)
		return atmqtt_final_errno(c, extack);
	if (READ_ONCE(c->done) && c->urc && READ_ONCE(c->uw.done)) {
		if (c->uw.status != 1) {
			atmqtt_extack(extack, NULL, atmqtt_status0[c->uw.result]);
			return -ECOMM;
		}
		return 0;
	}
	if (READ_ONCE(c->done) && !c->urc && !READ_ONCE(m->dead))
		return 0;

	/* No answer in time: the exchange goes on without this requester. */
	atmqtt_xact_leave(m, c);
	/* A modem that lied about a +MQTTREAD length holds the parser in its
	 * data until enough bytes come: let the next receive give that up.
	 */
	if (!t && !READ_ONCE(c->done))
		atomic_set(&m->rx_resync, 1);
	if (READ_ONCE(c->done) && c->urc)
		return atmqtt_wait_errno(m, c, t,
					 "modem: no result URC within urc_timeout_ms",
					 extack);
	return atmqtt_wait_errno(m, c, t, c->data && !READ_ONCE(c->prompt) ?
				 "modem: no '>' prompt within cmd_timeout_ms" :
				 "modem: no final result within cmd_timeout_ms",
				 extack);
}

/* ---- what the modem sends ---------------------------------------------- */

/*
 * A final result: its exchange's, if one is waiting for it; during a
 * resync, a probe's (or the old command's, late).
 */
void atmqtt_xact_final(struct atmqtt_modem *m,
		       const struct atp_item *it)
{
	struct atmqtt_xact *x = &m->x;
	struct atmqtt_req *c = NULL;
	bool wake = false, stray = false;
	size_t n;

	spin_lock(&m->lock);
	switch (x->state) {
	case ATMQTT_X_LINE:
	case ATMQTT_X_DATA:
		c = x->req;
		if (c) {
			c->final = it->kind;
			c->code = it->code;
			c->has_code = it->kind == ATP_ERROR_CODE ||
				      (it->kind == ATP_CME_ERROR &&
				       it->code >= 0);
			n = min(it->line_len, sizeof(c->final_line) - 1);
			memcpy(c->final_line, it->line, n);
			c->final_line[n] = '\0';
			c->final_at = jiffies;
			WRITE_ONCE(c->done, true);
			/* A requester that awaits a URC sleeps on past its
			 * OK: a switch to it and back would cost 5000
			 * instructions of a publish.
			 */
			wake = it->kind != ATP_OK || !c->urc || c->uw.done;
		} else {
			stray = true;
		}
		if (it->kind != ATP_OK)
			atmqtt_xact_drop_uw(m);
		/* The modem takes an OPEN or CLOSE of a client only once the
		 * one before is over: an older one's URC, lost, will not come.
		 */
		else if (x->uw && (x->uw->result == ATP_R_OPEN ||
				   x->uw->result == ATP_R_CLOSE))
			atmqtt_ghosts_drop(m, x->uw->client, x->uw->result,
					   x->uw);
		if (x->resynced) {
			x->state = ATMQTT_X_SETTLE;
			x->progress++;
			x->req = NULL;
			atmqtt_xact_arm(m, ATMQTT_SETTLE);
		} else {
			atmqtt_xact_end(m);
		}
		break;
	case ATMQTT_X_RESYNC:
		/* A probe's, or the old command's: either way the modem
		 * talks again.  Finals of earlier probes or of the old
		 * command that come after it restart the quiet time.
		 */
		stray = true;
		x->state = ATMQTT_X_SETTLE;
		x->progress++;
		atmqtt_xact_arm(m, ATMQTT_SETTLE);
		break;
	case ATMQTT_X_SETTLE:
		/* One more: the old command's.  Quiet again from now. */
		stray = true;
		atmqtt_xact_arm(m, ATMQTT_SETTLE);
		break;
	default:
		stray = true;
		break;
	}
	spin_unlock(&m->lock);

	if (wake)
		wake_up_all(&m->wq);
	if (stray)
		atomic64_inc(&m->rx_stray);
}

/*
 * The data prompt: the exchange's data goes from here, with no wake-up of
 * its requester, whether it is still there or not.  A '>' that comes after
 * the exchange wrote resync probes may have taken them as data: the
 * modem then gets filler (zero bytes, never the data of its requester nor
 * anything of another command) for its count.  A '>' before the command
 * went out whole is not its prompt (tx_off < tx_len), nor is one for an
 * exchange that owes no data.
 */
void atmqtt_xact_prompt(struct atmqtt_modem *m)
{
	struct atmqtt_xact *x = &m->x;
	bool send = false;

	mutex_lock(&m->tx_mutex);
	spin_lock(&m->lock);
	if (x->has_data && !m->dead && m->tx_off >= m->tx_len &&
	    x->state != ATMQTT_X_IDLE && x->state != ATMQTT_X_DATA) {
		if (x->state == ATMQTT_X_LINE) {
			memcpy(m->tx_buf, x->data, x->data_len);
		} else {
			memset(m->tx_buf, 0, x->data_len);
			x->resynced = true;
		}
		m->tx_len = x->data_len;
		m->tx_off = 0;
		memzero_explicit(x->data, x->data_len);
		x->has_data = false;
		x->state = ATMQTT_X_DATA;
		x->progress++;
		x->probes = 0;
		atmqtt_xact_arm(m, x->timeout);
		if (x->req)
			WRITE_ONCE(x->req->prompt, true);
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

/*
 * Information lines that answer a query and may hold a secret (a password,
 * a will payload): never sent to listeners as a URC, whoever asked.
 */
static const char * const atmqtt_private_lines[] = {
	"+MQTTUSER:", "+MQTTWILL:",
};

static bool atmqtt_line_private(const struct atp_item *it)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(atmqtt_private_lines); i++)
		if (atmqtt_has_prefix(it, atmqtt_private_lines[i]))
			return true;
	return false;
}

/*
 * An information line: its exchange's (kept for its requester, or counted
 * and dropped when it left), or a URC for the group.
 */
void atmqtt_xact_info(struct atmqtt_modem *m,
		      const struct atp_item *it)
{
	struct atmqtt_xact *x = &m->x;
	struct atmqtt_req *c;
	bool ours = false;

	spin_lock(&m->lock);
	if (x->state != ATMQTT_X_IDLE &&
	    (x->keep_all || atmqtt_has_prefix(it, x->prefix) ||
	     atmqtt_has_prefix(it, x->prefix2))) {
		ours = true;
		c = x->req;
		if (!c || !c->lines || x->state >= ATMQTT_X_RESYNC) {
			atomic64_inc(&m->rx_stray);
		} else if (c->lines_size - c->lines_len > it->line_len) {
			memcpy(c->lines + c->lines_len, it->line, it->line_len);
			c->lines_len += it->line_len;
			c->lines[c->lines_len++] = '\0';
			c->nlines++;
		} else {
			c->truncated = true;
		}
	}
	spin_unlock(&m->lock);

	if (ours)
		return;
	if (atmqtt_line_private(it))
		atomic64_inc(&m->rx_stray);
	else
		atmqtt_event_urc(m, it->line, it->line_len);
}

/*
 * A break ends the client's session and an open starts a new one: no
 * URC of a command of the old session comes any more, so their ghosts go.
 */
void atmqtt_xact_break(struct atmqtt_modem *m,
		       const struct atp_item *it)
{
	u32 delay;

	atmqtt_event_break(m, it);
	spin_lock(&m->lock);
	delay = atmqtt_client_urc_locked(m, it, false);
	atmqtt_ghosts_drop(m, it->client, 0, NULL);
	spin_unlock(&m->lock);
	atmqtt_client_urc_event(m, it->client, delay);
}

void atmqtt_xact_result(struct atmqtt_modem *m,
			const struct atp_item *it)
{
	struct atmqtt_urc_wait *uw, *tmp, *found = NULL;
	bool ghost = false;
	u32 delay;

	spin_lock(&m->lock);
	list_for_each_entry_safe(uw, tmp, &m->urc_waiters, node) {
		if (uw->ghost && time_after(jiffies, uw->expires)) {
			atmqtt_ghost_free(m, uw);
			continue;
		}
		if (uw->result != it->result || uw->client != it->client)
			continue;
		if (m->x.uw == uw)
			m->x.uw = NULL;
		if (uw->ghost) {
			/* Its requester left: the group gets it. */
			atmqtt_ghost_free(m, uw);
			ghost = true;
		} else {
			found = uw;
		}
		break;
	}
	/* The client's state first: its requester sees it on waking. */
	delay = atmqtt_client_urc_locked(m, it, found || ghost);
	if (it->result == ATP_R_OPEN && it->status == 1)
		atmqtt_ghosts_drop(m, it->client, 0, NULL);
	if (found) {
		found->status = it->status;
		list_del_init(&found->node);
		WRITE_ONCE(found->done, true);
	}
	spin_unlock(&m->lock);

	atmqtt_client_urc_event(m, it->client, delay);
	if (found)
		wake_up_all(&m->wq);
	/* A publish changes nothing that listeners track: its result goes to
	 * the request that waits for it, in the reply, and to the group only
	 * when none does any more (timed out or interrupted).
	 */
	if (!found || it->result != ATP_R_PUB || ghost)
		atmqtt_event_result(m, it);
}

void atmqtt_xact_message(struct atmqtt_modem *m,
			 const struct atp_item *it)
{
	struct atmqtt_req *c;
	struct atmqtt_msg *msg;
	u64 seq;

	seq = atomic64_inc_return(&m->rx_seq);
	spin_lock(&m->lock);
	c = m->x.state == ATMQTT_X_LINE ? m->x.req : NULL;
	if (it->from_read && c && !c->done && !c->got_msg) {
		c->got_qos = it->qos;
		c->got_tlen = it->topic_len;
		/* The header's length, not what the parser kept of it. */
		c->got_plen = it->truncated ? it->read_plen : it->payload_len;
		msg = c->msg;
		if (msg) {
			msg->client = it->client;
			msg->qos = it->qos;
			msg->seq = seq;
			/* The parser bounds both (atp.h); should a payload
			 * ever be longer than the buffer, its start goes
			 * with the flag rather than nothing.
			 */
			msg->topic_len = min_t(size_t, it->topic_len,
					       sizeof(msg->topic));
			memcpy(msg->topic, it->topic, msg->topic_len);
			msg->payload_len = min_t(size_t, it->payload_len,
						 sizeof(msg->payload));
			memcpy(msg->payload, it->payload, msg->payload_len);
			msg->truncated = it->truncated ||
					 msg->payload_len < it->payload_len;
		}
		c->got_msg = true;
	}
	spin_unlock(&m->lock);

	if (atmqtt_event_message(m, it, seq))
		atomic64_inc(&m->rx_drops);
}
