/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a modem's bytes reach the wire: one modem core (modem.c), two thin
 * transports on it, as hci_uart has its ldisc and serdev sides.
 *
 *   ldisc.c   the atmqtt line discipline, attached from user space
 *             (TIOCSETD) to any tty: USB serial ports, hot-plugged ports,
 *             ptys.  The modem lives while the discipline is attached.
 *   serdev.c  a serdev driver, bound at boot to a modem the device tree
 *             describes under a board UART.  No process holds a tty.
 *
 * Calls run one way: a transport calls the core (create, start, receive,
 * write_wakeup, kill, put); the core calls the transport only through its
 * ops, under tx_mutex and never after atmqtt_modem_kill() returned.
 *
 * Buffers: the core owns its tx buffer; write() hands the transport what it
 * may take at once and returns how much it took (0 when full: the
 * transport then calls atmqtt_modem_write_wakeup() once there is room).
 * Received bytes stay the transport's; the core parses them during
 * atmqtt_modem_receive() and keeps nothing of them.
 *
 * Hangup, detach, unbind: the transport calls atmqtt_modem_kill() first;
 * every request waiting on the modem ends with -ENODEV, its works are
 * cancelled and its handle goes; then it drops its reference.
 */
#ifndef ATMQTT_TRANSPORT_H
#define ATMQTT_TRANSPORT_H

#include <linux/types.h>

struct atmqtt_modem;

struct atmqtt_transport_ops {
	/* Take up to len bytes for the wire without sleeping: the number
	 * taken, 0 when there is no room, or a negative errno.
	 */
	int (*write)(struct atmqtt_modem *m, const u8 *buf, size_t len);
	/* Ask (on) for atmqtt_modem_write_wakeup() once room frees up, or
	 * stop asking; may be NULL when the transport always calls it.
	 */
	void (*want_wakeup)(struct atmqtt_modem *m, bool on);
};

/*
 * A new modem named name (the tty's or the serdev device's name), dev its
 * character device (0 for none), driven through ops with priv (the tty or
 * the serdev device), referenced once for the transport.
 */
struct atmqtt_modem *atmqtt_modem_create(const char *name, dev_t dev,
					 const struct atmqtt_transport_ops *ops,
					 void *priv);
/* Announce the modem and run its first commands (mode 1, the clients). */
void atmqtt_modem_start(struct atmqtt_modem *m);
void *atmqtt_modem_priv(struct atmqtt_modem *m);
void atmqtt_modem_receive(struct atmqtt_modem *m, const u8 *buf, size_t len);
/* May be called in interrupt context: it only schedules the tx work. */
void atmqtt_modem_write_wakeup(struct atmqtt_modem *m);
/* No more I/O: hangup, detach, unbind.  Idempotent; may sleep. */
void atmqtt_modem_kill(struct atmqtt_modem *m);
/* After kill: the transport's last reference. */
void atmqtt_modem_release_transport(struct atmqtt_modem *m);

#endif /* ATMQTT_TRANSPORT_H */
