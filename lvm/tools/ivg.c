/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivg.c - the multiplexed binary: ivg CMD ..., or a symlink named CMD. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "tools.h"

#ifndef IVG_VERSION
#define IVG_VERSION "0.0.0"
#endif

static const struct ivg_command commands[] = {
	{ "ivgcreate", cmd_ivgcreate, "Create an install volume group" },
	{ "ivgimport", cmd_ivgimport, "Import an install volume group" },
	{ "ivgexport", cmd_ivgexport, "Export an install volume group" },
	{ "ivgs", cmd_ivgs, "Report on install volume groups" },
	{ "ivgchange", cmd_ivgchange, "Activate or deactivate an install volume group" },
};

static const struct ivg_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void list_commands(FILE *f)
{
	fprintf(f, "Usage: ivg COMMAND [ARGS...]   (or run COMMAND through its symlink)\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nEach command takes --help. See ivg(7).\n");
}

int main(int argc, char **argv)
{
	const struct ivg_command *cmd;
	struct ivg_ctx ctx;
	char *name = basename(argv[0]);

	ivg_ctx_init(&ctx);
	if (!strcmp(name, "ivg")) {
		if (argc < 2 || !strcmp(argv[1], "help") ||
		    !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			list_commands(stdout);
			return argc < 2 ? EINVALID_CMD_LINE : ECMD_OK;
		}
		if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
			printf("ivg version %s\n", IVG_VERSION);
			return ECMD_OK;
		}
		argv++;
		argc--;
		name = argv[0];
	}
	cmd = find_command(name);
	if (!cmd) {
		fprintf(stderr, "ivg: no such command '%s'\n", name);
		list_commands(stderr);
		return EINVALID_CMD_LINE;
	}
	return cmd->fn(&ctx, argc, argv);
}
