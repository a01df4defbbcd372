/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ATMQTT_LDISC_H
#define ATMQTT_LDISC_H

int atmqtt_ldisc_register(int num);
void atmqtt_ldisc_unregister(void);

#endif /* ATMQTT_LDISC_H */
