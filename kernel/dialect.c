// SPDX-License-Identifier: GPL-2.0
/*
 * The AT dialects and their limits: the only place that says what a modem
 * takes.  One today, the Fibocom NL668's (its AT command manual).
 */
#include <linux/build_bug.h>
#include <linux/stringify.h>

#include "limits.h"

#define FIBOCOM_CLIENTS		2
#define FIBOCOM_HOST		255
#define FIBOCOM_TOPIC		255
#define FIBOCOM_PAYLOAD		1024
#define FIBOCOM_USER_NAME	128
#define FIBOCOM_PASSWORD	128
#define FIBOCOM_CLIENT_IDENT	23
#define FIBOCOM_KEEPALIVE	300
#define FIBOCOM_QOS		2
#define FIBOCOM_SUBS		128

#define ATMQTT_TAKES(name, lo, hi) \
	name ": this modem takes " __stringify(lo) "-" __stringify(hi)

static const struct atmqtt_dialect atmqtt_fibocom = {
	.name = "fibocom",
	.limits = {
		.clients = FIBOCOM_CLIENTS,
		.host = FIBOCOM_HOST,
		.topic = FIBOCOM_TOPIC,
		.payload = FIBOCOM_PAYLOAD,
		.user_name = FIBOCOM_USER_NAME,
		.password = FIBOCOM_PASSWORD,
		.client_ident = FIBOCOM_CLIENT_IDENT,
		.keepalive = FIBOCOM_KEEPALIVE,
		.qos = FIBOCOM_QOS,
		.subs = FIBOCOM_SUBS,
		.binary = true,
		.tls = false,
	},
	.msgs = {
		.client_id = ATMQTT_TAKES("ATMQTT_A_CLIENT_ID", 1,
					  FIBOCOM_CLIENTS),
		.host = ATMQTT_TAKES("ATMQTT_A_CLIENT_HOST", 1,
				     FIBOCOM_HOST) " bytes",
		.topic = ATMQTT_TAKES("ATMQTT_A_MSG_TOPIC", 1,
				      FIBOCOM_TOPIC) " bytes",
		.payload = ATMQTT_TAKES("ATMQTT_A_MSG_PAYLOAD", 0,
					FIBOCOM_PAYLOAD) " bytes",
		.user_name = ATMQTT_TAKES("ATMQTT_A_USER_NAME", 0,
					  FIBOCOM_USER_NAME) " bytes",
		.password = ATMQTT_TAKES("ATMQTT_A_USER_PASSWORD", 0,
					 FIBOCOM_PASSWORD) " bytes",
		.client_ident = ATMQTT_TAKES("ATMQTT_A_USER_CLIENT_ID", 1,
					     FIBOCOM_CLIENT_IDENT) " bytes",
		.keepalive = ATMQTT_TAKES("ATMQTT_A_CLIENT_KEEPALIVE", 1,
					  FIBOCOM_KEEPALIVE),
		.qos = ATMQTT_TAKES("ATMQTT_A_MSG_QOS", 0, FIBOCOM_QOS),
	},
};

const struct atmqtt_dialect *atmqtt_dialect_default(void)
{
	/* The module's buffers are sized for every dialect. */
	BUILD_BUG_ON(FIBOCOM_CLIENTS > ATMQTT_MAX_CLIENTS);
	BUILD_BUG_ON(FIBOCOM_HOST > ATMQTT_MAX_HOST);
	BUILD_BUG_ON(FIBOCOM_TOPIC > ATMQTT_MAX_TOPIC);
	BUILD_BUG_ON(FIBOCOM_PAYLOAD > ATMQTT_MAX_PAYLOAD);
	/* And the family's policy lets every value they take through. */
	BUILD_BUG_ON(FIBOCOM_CLIENTS > ATMQTT_FAM_CLIENT_ID_MAX);
	BUILD_BUG_ON(FIBOCOM_HOST > ATMQTT_FAM_HOST_MAX);
	BUILD_BUG_ON(FIBOCOM_TOPIC > ATMQTT_FAM_STR_MAX);
	BUILD_BUG_ON(FIBOCOM_PAYLOAD > ATMQTT_FAM_PAYLOAD_MAX);
	BUILD_BUG_ON(FIBOCOM_QOS > ATMQTT_FAM_QOS_MAX);
	return &atmqtt_fibocom;
}
