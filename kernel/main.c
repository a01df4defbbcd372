// SPDX-License-Identifier: GPL-2.0
/*
 * atmqtt: the MQTT clients of AT-command cellular modems (Fibocom NL668 and
 * alike) as a Linux device: a tty line discipline plus a generic netlink
 * family.  See include/uapi/linux/atmqtt.h and Documentation/.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/tty.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <linux/atmqtt.h>

#include "ldisc.h"
#include "modem.h"
#include "netlink.h"
#include "serdev.h"

static int atmqtt_ldisc_num = N_DEVELOPMENT;
module_param_named(ldisc, atmqtt_ldisc_num, int, 0444);
MODULE_PARM_DESC(ldisc, "line discipline number (default N_DEVELOPMENT)");

unsigned int atmqtt_cmd_timeout_ms = 5000;
module_param_named(cmd_timeout_ms, atmqtt_cmd_timeout_ms, uint, 0644);
MODULE_PARM_DESC(cmd_timeout_ms,
		 "time the modem has to answer a command with OK or ERROR");

unsigned int atmqtt_urc_timeout_ms = 30000;
module_param_named(urc_timeout_ms, atmqtt_urc_timeout_ms, uint, 0644);
MODULE_PARM_DESC(urc_timeout_ms,
		 "time the modem has to send a command's result URC after OK");

/* The works that talk to a modem (attach, mode 1 reading, reconnect) sleep
 * for a command's round trip: not on the system workqueue.
 */
struct workqueue_struct *atmqtt_wq;

static int __init atmqtt_init(void)
{
	int err;

	atmqtt_wq = alloc_workqueue("atmqtt", WQ_UNBOUND, 0);
	if (!atmqtt_wq)
		return -ENOMEM;
	err = atmqtt_genl_init();
	if (err)
		goto err_wq;
	err = atmqtt_ldisc_register(atmqtt_ldisc_num);
	if (err)
		goto err_genl;
	/* Modems the device tree describes are bound from here on. */
	err = atmqtt_serdev_register();
	if (err)
		goto err_ldisc;
	atmqtt_modem_debugfs_init();
	pr_info("atmqtt: line discipline %d, generic netlink family \"%s\"\n",
		atmqtt_ldisc_num, ATMQTT_GENL_NAME);
	return 0;

err_ldisc:
	atmqtt_ldisc_unregister();
err_genl:
	atmqtt_genl_exit();
err_wq:
	destroy_workqueue(atmqtt_wq);
	return err;
}

/*
 * An attached tty holds a reference on the module, and unregistering the
 * serdev driver removes (kills) the modems it bound, so no modem exists
 * after those two.  Unregistering the family waits for requests still
 * running.
 */
static void __exit atmqtt_exit(void)
{
	atmqtt_modem_debugfs_exit();
	atmqtt_serdev_unregister();
	atmqtt_ldisc_unregister();
	atmqtt_genl_exit();
	atmqtt_modem_exit();
	destroy_workqueue(atmqtt_wq);
}

module_init(atmqtt_init);
module_exit(atmqtt_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(ATMQTT_VERSION);
MODULE_DESCRIPTION("MQTT over AT-command cellular modems: tty line discipline and generic netlink family");
MODULE_ALIAS_LDISC(N_DEVELOPMENT);
MODULE_ALIAS_GENL_FAMILY(ATMQTT_GENL_NAME);
