/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ATMQTT_SERDEV_H
#define ATMQTT_SERDEV_H

#include <linux/kconfig.h>

/* The serdev transport exists where the kernel has the serdev bus. */
#if IS_ENABLED(CONFIG_SERIAL_DEV_BUS)
int atmqtt_serdev_register(void);
void atmqtt_serdev_unregister(void);
#else
static inline int atmqtt_serdev_register(void)
{
	return 0;
}

static inline void atmqtt_serdev_unregister(void)
{
}
#endif

#endif /* ATMQTT_SERDEV_H */
