// SPDX-License-Identifier: GPL-2.0
/*
 * The MQTT clients of a modem: the commands that change a client's state,
 * what the kernel tracks of each client (state, the parameters of its last
 * open, its subscriptions), the reconnect policy, and the reading of
 * messages announced by +MQTTMSGI.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>

#include "modem.h"
#include "events.h"

/* Longest OPEN/SUB/UNSUB line: AT+MQTTOPEN=2,"<255>",65535,1,300<CR>. */
#define ATMQTT_LINE_SHORT	300

struct atmqtt_client *atmqtt_client(struct atmqtt_modem *m, int id)
{
	return &m->clients[id - ATMQTT_CLIENT_MIN];
}

static void atmqtt_reconnect_work(struct work_struct *work);
static void atmqtt_init_work(struct work_struct *work);
static void atmqtt_read_work(struct work_struct *work);

void atmqtt_clients_init(struct atmqtt_modem *m)
{
	int i;

	for (i = 0; i < m->limits->clients; i++) {
		struct atmqtt_client *cl = &m->clients[i];

		cl->modem = m;
		cl->id = i + ATMQTT_CLIENT_MIN;
		cl->state = ATMQTT_CLIENT_CLOSED;
		cl->reconnect_min_ms = 1000;
		cl->reconnect_max_ms = 60000;
		INIT_LIST_HEAD(&cl->subs);
		INIT_DELAYED_WORK(&cl->reconnect_work, atmqtt_reconnect_work);
	}
	INIT_WORK(&m->init_work, atmqtt_init_work);
	INIT_DELAYED_WORK(&m->read_work, atmqtt_read_work);
}

/* After dead is set: wait for the works, which end their command at once. */
void atmqtt_clients_stop(struct atmqtt_modem *m)
{
	int i;

	cancel_work_sync(&m->init_work);
	cancel_delayed_work_sync(&m->read_work);
	for (i = 0; i < m->limits->clients; i++)
		cancel_delayed_work_sync(&m->clients[i].reconnect_work);
}

static void atmqtt_sub_add(struct atmqtt_client *cl, struct atmqtt_sub *sub)
{
	list_add_tail(&sub->node, &cl->subs);
	cl->nsubs++;
	atomic_long_add(ksize(sub), &cl->modem->mem);
}

static void atmqtt_sub_del(struct atmqtt_client *cl, struct atmqtt_sub *sub)
{
	list_del(&sub->node);
	cl->nsubs--;
	atomic_long_sub(ksize(sub), &cl->modem->mem);
	kfree(sub);
}

static void atmqtt_subs_clear(struct atmqtt_client *cl)
{
	struct atmqtt_sub *sub, *tmp;

	list_for_each_entry_safe(sub, tmp, &cl->subs, node)
		atmqtt_sub_del(cl, sub);
}

/* The last reference is gone: nothing else can see the clients. */
void atmqtt_clients_free(struct atmqtt_modem *m)
{
	int i;

	for (i = 0; i < m->limits->clients; i++)
		atmqtt_subs_clear(&m->clients[i]);
}

static void atmqtt_reconnect_queue(struct atmqtt_client *cl, u32 delay_ms)
{
	struct atmqtt_modem *m = cl->modem;

	if (!m->dead)
		queue_delayed_work(atmqtt_wq, &cl->reconnect_work,
				   msecs_to_jiffies(delay_ms));
}

/*
 * What the result URCs and +MQTTBREAK say about a client's state, under
 * the modem's lock.  asked: a request (or its ghost) waited for this
 * result URC.  An unexpected disconnect is "+MQTTBREAK: <c>,<cause>" then
 * "+MQTTCLOSE: <c>,1" in the manual (3.3); a modem may also send the two
 * the other way round, and a +MQTTCLOSE nobody asked for on an open
 * client is such a break too.  Returns the delay of a reconnect it armed,
 * for atmqtt_client_urc_event() once the lock is dropped, or 0.
 */
u32 atmqtt_client_urc_locked(struct atmqtt_modem *m,
			     const struct atp_item *it, bool asked)
{
	struct atmqtt_client *cl = atmqtt_client(m, it->client);
	bool broke = it->kind == ATP_BREAK ||
		     (it->result == ATP_R_CLOSE && it->status == 1 && !asked &&
		      cl->state == ATMQTT_CLIENT_OPEN);

	lockdep_assert_held(&m->lock);
	if (broke) {
		/* Only a connection that was up is reopened: a break after
		 * the user's CLOSE must not undo it.
		 */
		if (cl->reconnect && cl->state == ATMQTT_CLIENT_OPEN) {
			cl->state = ATMQTT_CLIENT_RECONNECTING;
			cl->rc_stop = false;
			cl->attempt = 0;
			cl->delay_ms = cl->reconnect_min_ms;
			atmqtt_reconnect_queue(cl, cl->delay_ms);
			return cl->delay_ms;
		}
		if (cl->state != ATMQTT_CLIENT_RECONNECTING)
			cl->state = ATMQTT_CLIENT_CLOSED;
	} else if (it->result == ATP_R_OPEN && it->status == 1) {
		cl->state = ATMQTT_CLIENT_OPEN;
	} else if (it->result == ATP_R_CLOSE && it->status == 1 &&
		   cl->state != ATMQTT_CLIENT_RECONNECTING) {
		/* The second line of a break does not end the reconnect the
		 * first started (a user's CLOSE stops it before its command:
		 * atmqtt_reconnect_stop()).
		 */
		cl->state = ATMQTT_CLIENT_CLOSED;
	}
	return 0;
}

/* The first WAIT of a reconnect that atmqtt_client_urc_locked() armed. */
void atmqtt_client_urc_event(struct atmqtt_modem *m, int id, u32 delay)
{
	if (delay)
		atmqtt_event_reconnect(m, id, ATMQTT_STEP_WAIT, 1, 0, NULL, 0,
				       delay);
}

/* ---- commands ---------------------------------------------------------- */

static int atmqtt_client_exec(struct atmqtt_modem *m, struct atmqtt_req *c,
			      char *line, int len, enum atp_result urc, int id,
			      struct netlink_ext_ack *extack)
{
	if (len >= ATMQTT_LINE_SHORT)
		return -EMSGSIZE;
	c->line = line;
	c->len = len;
	c->urc = urc;
	c->client = id;
	return atmqtt_modem_exec(m, c, extack);
}

static int __atmqtt_client_open(struct atmqtt_modem *m, int id,
				const char *host, size_t host_len, u16 port,
				u8 clean, u16 keepalive, struct atmqtt_req *c,
				struct netlink_ext_ack *extack)
{
	char line[ATMQTT_LINE_SHORT];

	return atmqtt_client_exec(m, c, line,
				  snprintf(line, sizeof(line),
					   "AT+MQTTOPEN=%d,\"%.*s\",%u,%u,%u\r",
					   id, (int)host_len, host, port, clean,
					   keepalive),
				  ATP_R_OPEN, id, extack);
}

int atmqtt_client_open(struct atmqtt_modem *m, int id, const char *host,
		       size_t host_len, u16 port, u8 clean, u16 keepalive,
		       struct atmqtt_req *c, struct netlink_ext_ack *extack)
{
	struct atmqtt_client *cl = atmqtt_client(m, id);
	int err;

	err = __atmqtt_client_open(m, id, host, host_len, port, clean,
				   keepalive, c, extack);
	if (err)
		return err;

	/* A new session: what was subscribed before is the broker's. */
	mutex_lock(&m->state_mutex);
	cl->has_params = true;
	memcpy(cl->host, host, host_len);
	cl->host[host_len] = '\0';
	cl->port = port;
	cl->clean = clean;
	cl->keepalive = keepalive;
	atmqtt_subs_clear(cl);
	mutex_unlock(&m->state_mutex);
	return 0;
}

/*
 * Turn the reconnect work off for good (until the next +MQTTBREAK): its
 * stop flag ends its wait for the modem at once (the modem finishes the
 * exchange it started) and is checked between its steps, so this waits
 * one step at the most; killable.  Returns whether the client was
 * reconnecting, or -ECANCELED.
 */
static int atmqtt_reconnect_stop(struct atmqtt_client *cl)
{
	struct atmqtt_modem *m = cl->modem;
	bool was;

	spin_lock(&m->lock);
	was = cl->state == ATMQTT_CLIENT_RECONNECTING;
	if (was)
		cl->state = ATMQTT_CLIENT_CLOSED;
	WRITE_ONCE(cl->rc_stop, true);
	spin_unlock(&m->lock);
	cancel_delayed_work(&cl->reconnect_work);
	wake_up_all(&m->wq);
	wake_up_all(&m->xq);
	if (wait_event_killable(m->wq, !READ_ONCE(cl->rc_running)))
		return -ECANCELED;
	if (was)
		atmqtt_event_reconnect(m, cl->id, ATMQTT_STEP_STOP,
				       READ_ONCE(cl->attempt), 0, NULL, 0, 0);
	return was;
}

int atmqtt_client_close(struct atmqtt_modem *m, int id, struct atmqtt_req *c,
			struct netlink_ext_ack *extack)
{
	struct atmqtt_client *cl = atmqtt_client(m, id);
	char line[ATMQTT_LINE_SHORT];
	bool broken;
	int err;

	err = atmqtt_reconnect_stop(cl);
	if (err < 0)
		return err;
	broken = err;
	spin_lock(&m->lock);
	broken |= cl->state != ATMQTT_CLIENT_OPEN;
	spin_unlock(&m->lock);

	err = atmqtt_client_exec(m, c, line,
				 snprintf(line, sizeof(line),
					  "AT+MQTTCLOSE=%d\r", id),
				 ATP_R_CLOSE, id, extack);
	/* Forget the subscriptions unless a still open client stays open. */
	if (!err || (broken && c->done)) {
		mutex_lock(&m->state_mutex);
		atmqtt_subs_clear(cl);
		mutex_unlock(&m->state_mutex);
	}
	return err;
}

static struct atmqtt_sub *atmqtt_sub_find(struct atmqtt_client *cl,
					  const char *topic, size_t len)
{
	struct atmqtt_sub *sub;

	list_for_each_entry(sub, &cl->subs, node)
		if (sub->len == len && !memcmp(sub->topic, topic, len))
			return sub;
	return NULL;
}

static int __atmqtt_client_sub(struct atmqtt_modem *m, int id,
			       const char *topic, size_t len, u8 qos,
			       struct atmqtt_req *c,
			       struct netlink_ext_ack *extack)
{
	char line[ATMQTT_LINE_SHORT];

	return atmqtt_client_exec(m, c, line,
				  snprintf(line, sizeof(line),
					   "AT+MQTTSUB=%d,\"%.*s\",%u\r", id,
					   (int)len, topic, qos),
				  ATP_R_SUB, id, extack);
}

int atmqtt_client_sub(struct atmqtt_modem *m, int id, const char *topic,
		      size_t len, u8 qos, struct atmqtt_req *c,
		      struct netlink_ext_ack *extack)
{
	struct atmqtt_client *cl = atmqtt_client(m, id);
	struct atmqtt_sub *sub, *new;
	int err;

	new = kmalloc(struct_size(new, topic, len), GFP_KERNEL);
	if (!new)
		return -ENOMEM;

	mutex_lock(&m->state_mutex);
	if (cl->nsubs >= m->limits->subs && !atmqtt_sub_find(cl, topic, len)) {
		mutex_unlock(&m->state_mutex);
		kfree(new);
		NL_SET_ERR_MSG(extack,
			       "ATMQTT_A_MSG_TOPIC: the client tracks ATMQTT_A_LIMITS_SUBS topics");
		return -ENOSPC;
	}
	mutex_unlock(&m->state_mutex);

	err = __atmqtt_client_sub(m, id, topic, len, qos, c, extack);
	if (err) {
		kfree(new);
		return err;
	}

	mutex_lock(&m->state_mutex);
	sub = atmqtt_sub_find(cl, topic, len);
	if (sub) {
		sub->qos = qos;
		kfree(new);
	} else if (cl->nsubs < m->limits->subs) {
		new->qos = qos;
		new->len = len;
		memcpy(new->topic, topic, len);
		atmqtt_sub_add(cl, new);
	} else {
		/* Another request took the last slot meanwhile. */
		kfree(new);
	}
	mutex_unlock(&m->state_mutex);
	return 0;
}

int atmqtt_client_unsub(struct atmqtt_modem *m, int id, const char *topic,
			size_t len, struct atmqtt_req *c,
			struct netlink_ext_ack *extack)
{
	struct atmqtt_client *cl = atmqtt_client(m, id);
	char line[ATMQTT_LINE_SHORT];
	struct atmqtt_sub *sub;
	int err;

	err = atmqtt_client_exec(m, c, line,
				 snprintf(line, sizeof(line),
					  "AT+MQTTUNSUB=%d,\"%.*s\"\r", id,
					  (int)len, topic),
				 ATP_R_UNSUB, id, extack);
	if (err)
		return err;

	mutex_lock(&m->state_mutex);
	sub = atmqtt_sub_find(cl, topic, len);
	if (sub)
		atmqtt_sub_del(cl, sub);
	mutex_unlock(&m->state_mutex);
	return 0;
}

/* ---- reconnect policy -------------------------------------------------- */

/*
 * reconnect: 0 or 1, -1 to keep; min_ms/max_ms: 0 to keep.  Returns 0, or
 * -ECANCELED when killed while a reconnect that was turned off ends.
 */
int atmqtt_client_policy(struct atmqtt_client *cl, int reconnect,
			 u32 min_ms, u32 max_ms)
{
	struct atmqtt_modem *m = cl->modem;

	spin_lock(&m->lock);
	if (min_ms)
		cl->reconnect_min_ms = min_ms;
	if (max_ms)
		cl->reconnect_max_ms = max_ms;
	if (cl->reconnect_max_ms < cl->reconnect_min_ms)
		cl->reconnect_max_ms = cl->reconnect_min_ms;
	if (reconnect >= 0)
		cl->reconnect = reconnect;
	spin_unlock(&m->lock);

	if (reconnect == 0)
		return min(atmqtt_reconnect_stop(cl), 0);
	return 0;
}

static bool atmqtt_reconnect_stopped(struct atmqtt_client *cl)
{
	return READ_ONCE(cl->rc_stop) || atmqtt_modem_dead(cl->modem);
}

struct atmqtt_sub_copy {
	u8 qos;
	u16 len;
	char topic[ATMQTT_MAX_TOPIC];	/* the dialects fit: dialect.c */
};

static void atmqtt_resubscribe(struct atmqtt_client *cl, u32 attempt)
{
	struct atmqtt_modem *m = cl->modem;
	struct atmqtt_sub_copy *copy;
	struct atmqtt_sub *sub;
	struct atmqtt_req c;
	u32 i, n = 0;
	int err;

	mutex_lock(&m->state_mutex);
	copy = kvmalloc_array(max(cl->nsubs, 1U), sizeof(*copy), GFP_KERNEL);
	if (copy) {
		list_for_each_entry(sub, &cl->subs, node) {
			copy[n].qos = sub->qos;
			copy[n].len = sub->len;
			memcpy(copy[n].topic, sub->topic, sub->len);
			n++;
		}
	}
	mutex_unlock(&m->state_mutex);
	if (!copy) {
		atmqtt_event_reconnect(m, cl->id, ATMQTT_STEP_SUB, attempt,
				       -ENOMEM, NULL, 0, 0);
		return;
	}

	for (i = 0; i < n && !atmqtt_reconnect_stopped(cl); i++) {
		memset(&c, 0, sizeof(c));
		c.stop = &cl->rc_stop;
		err = __atmqtt_client_sub(m, cl->id, copy[i].topic, copy[i].len,
					  copy[i].qos, &c, NULL);
		atmqtt_event_reconnect(m, cl->id, ATMQTT_STEP_SUB, attempt, err,
				       copy[i].topic, copy[i].len, 0);
	}
	kvfree(copy);
}

static void atmqtt_reconnect_run(struct atmqtt_client *cl, u32 attempt)
{
	struct atmqtt_modem *m = cl->modem;
	char host[ATMQTT_MAX_HOST + 1];
	u16 port = 0, keepalive = 0;
	struct atmqtt_req c = { .stop = &cl->rc_stop };
	bool params;
	u8 clean = 0;
	int err;

	mutex_lock(&m->state_mutex);
	params = cl->has_params;
	if (params) {
		strscpy(host, cl->host, sizeof(host));
		port = cl->port;
		clean = cl->clean;
		keepalive = cl->keepalive;
	}
	mutex_unlock(&m->state_mutex);

	/* Never opened through the module: nothing to reopen with. */
	if (!params) {
		spin_lock(&m->lock);
		if (cl->state == ATMQTT_CLIENT_RECONNECTING)
			cl->state = ATMQTT_CLIENT_CLOSED;
		spin_unlock(&m->lock);
		atmqtt_event_reconnect(m, cl->id, ATMQTT_STEP_STOP, attempt,
				       -ENOENT, NULL, 0, 0);
		return;
	}

	err = __atmqtt_client_open(m, cl->id, host, strlen(host), port, clean,
				   keepalive, &c, NULL);
	if (atmqtt_reconnect_stopped(cl))
		return;
	atmqtt_event_reconnect(m, cl->id, ATMQTT_STEP_OPEN, attempt, err,
			       NULL, 0, 0);
	if (err) {
		u32 delay = 0;

		spin_lock(&m->lock);
		if (cl->state == ATMQTT_CLIENT_RECONNECTING && !cl->rc_stop) {
			cl->delay_ms = min(cl->delay_ms * 2,
					   cl->reconnect_max_ms);
			delay = cl->delay_ms;
			atmqtt_reconnect_queue(cl, delay);
		}
		spin_unlock(&m->lock);
		if (delay && !atmqtt_modem_dead(m))
			atmqtt_event_reconnect(m, cl->id, ATMQTT_STEP_WAIT,
					       attempt + 1, 0, NULL, 0, delay);
		return;
	}

	atmqtt_resubscribe(cl, attempt);
	/* A session kept by the broker (clean 0) may bring messages whose
	 * announcements went with the old connection.
	 */
	atmqtt_clients_drain(m, cl->id);
	if (!atmqtt_reconnect_stopped(cl))
		atmqtt_event_reconnect(m, cl->id, ATMQTT_STEP_DONE, attempt, 0,
				       NULL, 0, 0);
}

/*
 * rc_running tells atmqtt_reconnect_stop() that a run is under way; the
 * stop flag ends it between its steps and in its waits.
 */
static void atmqtt_reconnect_work(struct work_struct *work)
{
	struct atmqtt_client *cl = container_of(to_delayed_work(work),
						struct atmqtt_client,
						reconnect_work);
	struct atmqtt_modem *m = cl->modem;
	u32 attempt;

	spin_lock(&m->lock);
	if (m->dead || cl->rc_stop ||
	    cl->state != ATMQTT_CLIENT_RECONNECTING) {
		spin_unlock(&m->lock);
		return;
	}
	attempt = ++cl->attempt;
	cl->rc_running = true;
	spin_unlock(&m->lock);

	atmqtt_reconnect_run(cl, attempt);

	spin_lock(&m->lock);
	cl->rc_running = false;
	spin_unlock(&m->lock);
	wake_up_all(&m->wq);
}

/* ---- attach and mode 1 reading ----------------------------------------- */

/* The clients listed by "+MQTTOPEN: 1,2" or "+MQTTCLOSE: 0", as a mask. */
int atmqtt_clients_mask(struct atmqtt_modem *m, const char *lines,
			unsigned int nlines)
{
	struct atp_field f[ATMQTT_MAX_CLIENTS + 1];
	const char *colon;
	int i, n, id, mask = 0;

	/* Bit id of an int for each client id. */
	BUILD_BUG_ON(ATMQTT_MAX_CLIENTS > 30);
	if (nlines != 1)
		return -EPROTO;
	colon = strchr(lines, ':');
	if (!colon)
		return -EPROTO;
	n = atp_fields(colon + 1, strlen(colon + 1), f, ARRAY_SIZE(f));
	for (i = 0; i < n; i++) {
		id = atp_field_int(&f[i]);
		if (id == 0 && n == 1)
			return 0;
		if (id < ATMQTT_CLIENT_MIN || id > m->limits->clients)
			return -EPROTO;
		mask |= 1 << id;
	}
	return n > 0 ? mask : -EPROTO;
}

/*
 * Mode 1 makes received messages binary-safe; then learn which clients are
 * open already (the module may be attached to a running modem).
 */
static void atmqtt_init_work(struct work_struct *work)
{
	struct atmqtt_modem *m = container_of(work, struct atmqtt_modem,
					      init_work);
	static const char conf[] = "AT+MQTTCONF=1\r";
	static const char query[] = "AT+MQTTCLOSE?\r";
	char lines[128];
	struct atmqtt_req c = { .line = conf, .len = sizeof(conf) - 1 };
	int i, mask;

	if (!atmqtt_modem_exec(m, &c, NULL))
		WRITE_ONCE(m->mode, 1);

	memset(&c, 0, sizeof(c));
	c.line = query;
	c.len = sizeof(query) - 1;
	c.prefix = "+MQTTCLOSE:";
	c.lines = lines;
	c.lines_size = sizeof(lines);
	mask = atmqtt_modem_exec(m, &c, NULL) ? 0 :
	       atmqtt_clients_mask(m, lines, c.nlines);
	spin_lock(&m->lock);
	for (i = ATMQTT_CLIENT_MIN; i <= m->limits->clients; i++)
		if (mask > 0 && (mask & (1 << i)) &&
		    atmqtt_client(m, i)->state == ATMQTT_CLIENT_CLOSED)
			atmqtt_client(m, i)->state = ATMQTT_CLIENT_OPEN;
	WRITE_ONCE(m->init_done, true);
	spin_unlock(&m->lock);
	atmqtt_event_modem(m);
	/* What open clients got before the module was attached. */
	atmqtt_clients_drain(m, 0);
}

/* Under lock: read what the clients were announced, soon. */
static void atmqtt_read_soon(struct atmqtt_modem *m, unsigned long delay)
{
	lockdep_assert_held(&m->lock);
	if (!m->dead)
		mod_delayed_work(atmqtt_wq, &m->read_work, delay);
}

/* "+MQTTMSGI: <client>,<qos>,<tlen>,<plen>": one more to read. */
void atmqtt_client_msgi(struct atmqtt_modem *m, const struct atp_item *it)
{
	struct atmqtt_client *cl = atmqtt_client(m, it->client);

	spin_lock(&m->lock);
	if (cl->msgi_n < ATMQTT_MSGI_MAX) {
		struct atmqtt_msgi *a = &cl->msgi[(cl->msgi_head + cl->msgi_n++) %
						  ATMQTT_MSGI_MAX];

		a->qos = it->qos;
		a->tlen = it->topic_len;
		a->plen = it->payload_len;
	} else {
		cl->drain = true;
	}
	atmqtt_read_soon(m, 0);
	spin_unlock(&m->lock);
}

/*
 * The announcements of a client (id), or of every open client (0), cannot
 * be trusted: read until the modem has nothing.  Not in mode 0, where the
 * modem sends each message whole (+MQTTMSG) and keeps none to read.
 */
void atmqtt_clients_drain(struct atmqtt_modem *m, int id)
{
	int i;

	if (READ_ONCE(m->mode) == 0)
		return;
	spin_lock(&m->lock);
	for (i = ATMQTT_CLIENT_MIN; i <= m->limits->clients; i++) {
		struct atmqtt_client *cl = atmqtt_client(m, i);

		if (id ? i == id : cl->state == ATMQTT_CLIENT_OPEN) {
			cl->drain = true;
			atmqtt_read_soon(m, 0);
		}
	}
	spin_unlock(&m->lock);
}

/* Reads per client and run, so that a flood cannot hold the work forever. */
#define ATMQTT_READS_PER_RUN	32
/* A read that failed is tried again that much later, that many times. */
#define ATMQTT_READ_RETRY	HZ
#define ATMQTT_READ_TRIES	3

enum { ATMQTT_READ_NONE, ATMQTT_READ_ONE, ATMQTT_READ_DRAIN };

/* What to read next for cl: an announced message, or a drain's next. */
static int atmqtt_read_next(struct atmqtt_modem *m, struct atmqtt_client *cl,
			    struct atmqtt_msgi *want)
{
	int what = ATMQTT_READ_NONE;

	spin_lock(&m->lock);
	if (cl->msgi_n) {
		*want = cl->msgi[cl->msgi_head];
		what = ATMQTT_READ_ONE;
	} else if (cl->drain) {
		what = ATMQTT_READ_DRAIN;
	}
	spin_unlock(&m->lock);
	return what;
}

/*
 * What the read says of the count: the modem had nothing (the count is
 * zero, whatever was announced), the announced message (one fewer), or
 * another one (announcements were lost or lied: drain).
 */
static void atmqtt_read_seen(struct atmqtt_modem *m, struct atmqtt_client *cl,
			     int what, const struct atmqtt_msgi *want,
			     const struct atmqtt_req *c)
{
	spin_lock(&m->lock);
	if (!c->got_msg) {
		cl->msgi_n = 0;
		cl->drain = false;
	} else if (what == ATMQTT_READ_ONE && cl->msgi_n &&
		   c->got_qos == want->qos && c->got_tlen == want->tlen &&
		   c->got_plen == want->plen) {
		cl->msgi_head = (cl->msgi_head + 1) % ATMQTT_MSGI_MAX;
		cl->msgi_n--;
	} else if (what == ATMQTT_READ_ONE) {
		cl->msgi_n = 0;
		cl->drain = true;
	}
	spin_unlock(&m->lock);
}

/*
 * One AT+MQTTREAD per message a +MQTTMSGI announced, not one more: a
 * message alone costs one exchange.  Where the count cannot be trusted
 * (after attach or a reconnect, a read that failed, a malformed or
 * overlong line, more announcements than the queue holds, or a read whose
 * message is not the one announced), the client is drained: read until
 * "+MQTTREAD: <id>,0,0,0".
 */
static void atmqtt_read_work(struct work_struct *work)
{
	struct atmqtt_modem *m = container_of(to_delayed_work(work),
					      struct atmqtt_modem, read_work);
	struct atmqtt_msgi want = {};
	bool again = false, retry = false;
	char line[32];
	int i, n, what;

	for (i = 0; i < m->limits->clients; i++) {
		struct atmqtt_client *cl = &m->clients[i];

		for (n = 0; n < ATMQTT_READS_PER_RUN; n++) {
			struct atmqtt_req c = {};

			what = atmqtt_read_next(m, cl, &want);
			if (what == ATMQTT_READ_NONE)
				break;
			c.line = line;
			c.len = snprintf(line, sizeof(line), "AT+MQTTREAD=%d\r",
					 cl->id);
			if (atmqtt_modem_exec(m, &c, NULL)) {
				/* Not known what the modem did: drain. */
				spin_lock(&m->lock);
				cl->msgi_n = 0;
				cl->drain = true;
				spin_unlock(&m->lock);
				retry = !atmqtt_modem_dead(m);
				break;
			}
			atmqtt_read_seen(m, cl, what, &want, &c);
		}
		if (n == ATMQTT_READS_PER_RUN)
			again = true;
	}

	spin_lock(&m->lock);
	if (again) {
		m->read_tries = 0;
		atmqtt_read_soon(m, 0);
	} else if (retry && ++m->read_tries < ATMQTT_READ_TRIES) {
		atmqtt_read_soon(m, ATMQTT_READ_RETRY);
	} else if (!retry) {
		m->read_tries = 0;
	}
	spin_unlock(&m->lock);
}
