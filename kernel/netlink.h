/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ATMQTT_NETLINK_H
#define ATMQTT_NETLINK_H

int atmqtt_genl_init(void);
void atmqtt_genl_exit(void);

#endif /* ATMQTT_NETLINK_H */
