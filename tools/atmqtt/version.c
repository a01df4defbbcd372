// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * atmqtt version (and --version): the versions of atmqtt, of the libatmqtt
 * it runs with, of the loaded module and of the netlink family.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The loaded module's version (MODULE_VERSION) into buf: 1; -1 when the
 * module is loaded but gives none; 0 when it is not loaded.
 */
static int module_version(char *buf, size_t size)
{
	FILE *f = fopen("/sys/module/atmqtt/version", "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, size, f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		return buf[0] ? 1 : -1;
	}
	f = fopen("/sys/module/atmqtt/parameters/ldisc", "r");
	if (!f)
		return 0;
	fclose(f);
	return -1;
}

int cmd_version(int argc, char **argv)
{
	struct target t = TARGET_INIT;
	int ret = opt_plain(argc, argv, &t, 0, 0), mod;
	char mver[64];

	if (ret >= 0)
		return ret;
	mod = module_version(mver, sizeof(mver));
	if (out_json) {
		j_begin();
		j_str("version", ATMQTT_VERSION);
		j_str("library_version", atmqtt_version());
		j_bool("module_loaded", mod != 0);
		if (mod > 0)
			j_str("module_version", mver);
		j_str("family", ATMQTT_GENL_NAME);
		j_uint("family_version", ATMQTT_GENL_VERSION);
		j_end();
		return 0;
	}
	printf("atmqtt %s\nlibatmqtt %s\n", ATMQTT_VERSION, atmqtt_version());
	if (mod > 0)
		printf("module %s\n", mver);
	else
		puts(mod ? "module loaded, version unknown" : "module not loaded");
	printf("netlink family %s version %d\n", ATMQTT_GENL_NAME,
	       ATMQTT_GENL_VERSION);
	return 0;
}
