// SPDX-License-Identifier: GPL-2.0
/*
 * The atmqtt line discipline: the tty transport of a modem (transport.h),
 * attached from user space to any tty.
 *
 * open creates the modem, receive_buf feeds it, write_wakeup resumes a
 * command the driver could not take at once, hangup and close end all I/O.
 * The tty core serializes open, close and receive_buf against each other and
 * never calls write_wakeup after close.
 */
#include <linux/capability.h>
#include <linux/tty.h>
#include <linux/tty_ldisc.h>

#include "compat.h"
#include "ldisc.h"
#include "transport.h"

static int atmqtt_ldisc_write(struct atmqtt_modem *m, const u8 *buf,
			      size_t len)
{
	struct tty_struct *tty = atmqtt_modem_priv(m);

	return tty->ops->write(tty, buf, len);
}

static void atmqtt_ldisc_want_wakeup(struct atmqtt_modem *m, bool on)
{
	struct tty_struct *tty = atmqtt_modem_priv(m);

	if (on)
		set_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	else
		clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
}

static const struct atmqtt_transport_ops atmqtt_ldisc_transport = {
	.write		= atmqtt_ldisc_write,
	.want_wakeup	= atmqtt_ldisc_want_wakeup,
};

static int atmqtt_ldisc_open(struct tty_struct *tty)
{
	struct atmqtt_modem *m;

	/* Attaching gives control of the modem: as for n_gsm and hci_uart. */
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (!tty->ops->write)
		return -EOPNOTSUPP;

	m = atmqtt_modem_create(tty_name(tty), tty_devnum(tty),
				&atmqtt_ldisc_transport, tty);
	if (IS_ERR(m))
		return PTR_ERR(m);

	tty->disc_data = m;
	tty->receive_room = 65536;
	tty_driver_flush_buffer(tty);
	atmqtt_modem_start(m);
	return 0;
}

static void atmqtt_ldisc_close(struct tty_struct *tty)
{
	struct atmqtt_modem *m = tty->disc_data;

	if (!m)
		return;

	atmqtt_modem_kill(m);
	clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	tty->disc_data = NULL;
	atmqtt_modem_release_transport(m);
}

static void atmqtt_ldisc_hangup(struct tty_struct *tty)
{
	struct atmqtt_modem *m = tty->disc_data;

	if (m)
		atmqtt_modem_kill(m);
}

static void atmqtt_ldisc_receive(struct tty_struct *tty,
				 const u8 *cp,
				 const atmqtt_rx_flag_t *fp,
				 atmqtt_rx_count_t count)
{
	struct atmqtt_modem *m = tty->disc_data;

	/* Bytes flagged with framing or parity errors are fed like any
	 * other: the parser resynchronizes on the next line end.
	 */
	if (m && count > 0)
		atmqtt_modem_receive(m, cp, count);
	/* Everything was taken: tell the driver there is room again.  n_tty
	 * does this when its reader drains its buffer; a pty keeps
	 * TTY_THROTTLED set so that unthrottle wakes a writer blocked on the
	 * other side.  Without it, a modem (or simulator) that outran us
	 * once would sleep in write() forever.
	 */
	if (test_bit(TTY_THROTTLED, &tty->flags))
		tty_unthrottle(tty);
}

/* May run in interrupt context. */
static void atmqtt_ldisc_write_wakeup(struct tty_struct *tty)
{
	struct atmqtt_modem *m = tty->disc_data;

	if (m)
		atmqtt_modem_write_wakeup(m);
}

/* Keep termios ioctls working after attach (baud rate changes). */
static int atmqtt_ldisc_ioctl(struct tty_struct *tty, unsigned int cmd,
			      unsigned long arg)
{
	return n_tty_ioctl_helper(tty, cmd, arg);
}

static struct tty_ldisc_ops atmqtt_ldisc_ops = {
	.owner		= THIS_MODULE,
	.name		= "atmqtt",
	.open		= atmqtt_ldisc_open,
	.close		= atmqtt_ldisc_close,
	.hangup		= atmqtt_ldisc_hangup,
	.ioctl		= atmqtt_ldisc_ioctl,
	.receive_buf	= atmqtt_ldisc_receive,
	.write_wakeup	= atmqtt_ldisc_write_wakeup,
};

int atmqtt_ldisc_register(int num)
{
	/* tty_register_ldisc() silently replaces whatever has that number:
	 * never let it be N_TTY.
	 */
	if (num <= N_TTY || num >= NR_LDISCS)
		return -EINVAL;
	atmqtt_ldisc_ops.num = num;
	return tty_register_ldisc(&atmqtt_ldisc_ops);
}

void atmqtt_ldisc_unregister(void)
{
	tty_unregister_ldisc(&atmqtt_ldisc_ops);
}
