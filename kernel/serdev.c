// SPDX-License-Identifier: GPL-2.0
/*
 * The serdev transport of a modem (transport.h): a Fibocom module on a
 * board UART that the device tree describes, bound at boot or at insmod,
 * with no process holding a tty:
 *
 *	&uart1 {
 *		modem {
 *			compatible = "fibocom,nl668";
 *			current-speed = <115200>;
 *		};
 *	};
 *
 * Documentation/devicetree/bindings/net/wwan/fibocom,nl668.yaml.  On remove
 * (rmmod, or an unbind through sysfs) the modem is killed first: requests
 * in flight end with -ENODEV.
 */
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/serdev.h>

#include "compat.h"
#include "serdev.h"
#include "transport.h"

#define ATMQTT_SERDEV_SPEED	115200

static int atmqtt_serdev_write(struct atmqtt_modem *m, const u8 *buf,
			       size_t len)
{
	return serdev_device_write_buf(atmqtt_modem_priv(m), buf, len);
}

/* serdev's tty port asks for write_wakeup on every write by itself. */
static const struct atmqtt_transport_ops atmqtt_serdev_transport = {
	.write	= atmqtt_serdev_write,
};

static atmqtt_serdev_rx_t atmqtt_serdev_receive(struct serdev_device *serdev,
						const u8 *buf, size_t count)
{
	struct atmqtt_modem *m = serdev_device_get_drvdata(serdev);

	if (m)
		atmqtt_modem_receive(m, buf, count);
	return count;
}

static void atmqtt_serdev_write_wakeup(struct serdev_device *serdev)
{
	struct atmqtt_modem *m = serdev_device_get_drvdata(serdev);

	if (m)
		atmqtt_modem_write_wakeup(m);
}

static const struct serdev_device_ops atmqtt_serdev_ops = {
	.receive_buf	= atmqtt_serdev_receive,
	.write_wakeup	= atmqtt_serdev_write_wakeup,
};

static int atmqtt_serdev_probe(struct serdev_device *serdev)
{
	struct device *dev = &serdev->dev;
	u32 speed = ATMQTT_SERDEV_SPEED;
	struct atmqtt_modem *m;
	unsigned int got;
	int err;

	device_property_read_u32(dev, "current-speed", &speed);
	if (!speed)
		return dev_err_probe(dev, -EINVAL, "current-speed is 0\n");

	m = atmqtt_modem_create(dev_name(dev), 0, &atmqtt_serdev_transport,
				serdev);
	if (IS_ERR(m))
		return PTR_ERR(m);
	serdev_device_set_drvdata(serdev, m);
	serdev_device_set_client_ops(serdev, &atmqtt_serdev_ops);

	err = serdev_device_open(serdev);
	if (err) {
		dev_err(dev, "cannot open the UART: %d\n", err);
		goto fail;
	}
	got = serdev_device_set_baudrate(serdev, speed);
	if (got != speed)
		dev_warn(dev, "UART at %u baud, not %u\n", got, speed);
	serdev_device_set_flow_control(serdev, false);
	dev_info(dev, "atmqtt modem on %s at %u baud\n", dev_name(dev), got);
	atmqtt_modem_start(m);
	return 0;

fail:
	atmqtt_modem_kill(m);
	serdev_device_set_drvdata(serdev, NULL);
	atmqtt_modem_release_transport(m);
	return err;
}

static void atmqtt_serdev_remove(struct serdev_device *serdev)
{
	struct atmqtt_modem *m = serdev_device_get_drvdata(serdev);

	/* Requests end with -ENODEV, the works are cancelled, nothing more
	 * is written; then the UART closes and the receive path stops.
	 */
	atmqtt_modem_kill(m);
	serdev_device_close(serdev);
	serdev_device_set_drvdata(serdev, NULL);
	atmqtt_modem_release_transport(m);
}

static const struct of_device_id atmqtt_serdev_of_match[] = {
	{ .compatible = "fibocom,nl668" },
	{ .compatible = "fibocom,m910" },
	{ }
};
MODULE_DEVICE_TABLE(of, atmqtt_serdev_of_match);

static struct serdev_device_driver atmqtt_serdev_driver = {
	.probe	= atmqtt_serdev_probe,
	.remove	= atmqtt_serdev_remove,
	.driver	= {
		.name		= "atmqtt",
		.of_match_table	= atmqtt_serdev_of_match,
	},
};

int atmqtt_serdev_register(void)
{
	return serdev_device_driver_register(&atmqtt_serdev_driver);
}

void atmqtt_serdev_unregister(void)
{
	serdev_device_driver_unregister(&atmqtt_serdev_driver);
}
