/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivg.c - the multiplexed binary: ivg CMD ..., or a symlink named CMD. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ext2fs/ext2_err.h>

#include "cmd.h"
#include "dev.h"
#include "tools.h"

#ifndef IVG_VERSION
#define IVG_VERSION "0.0.0"
#endif

static const struct ivg_command commands[] = {
	{ "ivgcreate", cmd_ivgcreate, "Create an install volume group", NULL },
	{ "ivgimport", NULL, NULL, &cmd_ivgimport_def },
	{ "ivgexport", NULL, NULL, &cmd_ivgexport_def },
	{ "ivgs", cmd_ivgs, "Report on install volume groups", NULL },
	{ "ivgchange", NULL, NULL, &cmd_ivgchange_def },
	{ "ivgextend", NULL, NULL, &cmd_ivgextend_def },
	{ "ivgreduce", NULL, NULL, &cmd_ivgreduce_def },
	{ "ivgreplace", NULL, NULL, &cmd_ivgreplace_def },
	{ "oppadd", cmd_oppadd, "Add OPP images to an install volume group", NULL },
	{ "opplist", cmd_opplist, "List the OPPs of an install volume group", NULL },
	{ "oppck", cmd_oppck, "Check OPP images against the TOC", NULL },
	{ "opprm", cmd_opprm, "Remove OPPs from an install volume group", NULL },
	{ "opptoc", cmd_opptoc, "Report or rebuild the OPP table of contents", NULL },
	{ "ivgmkboot", cmd_ivgmkboot, "Build the boot image and make the disks bootable", NULL },
	{ "bosadd", cmd_bosadd, "Add a BOS image to an install volume group", NULL },
	{ "boslist", cmd_boslist, "List the BOS images of an install volume group", NULL },
	{ "bosrm", cmd_bosrm, "Remove BOS images from an install volume group", NULL },
	{ "bosinstall", cmd_bosinstall, "Install a BOS from an install VG onto target disks", NULL },
	{ "ivgrecover", NULL, NULL, &cmd_ivgrecover_def },
	{ "ivgbootlist", cmd_ivgbootlist, "Show or set the boot order of the boot disks", NULL },
	{ "ivgck", cmd_ivgck, "Check and repair the boot image legs and boot records", NULL },
};

/*
 * TESTS ONLY. IVG_TEST_FAULT="N:exit|fail|tear" sets the device layer's
 * fault injection (struct ivg_fault, dev.h) for this one command: the Nth
 * device write or sync (counting from 1) stops the process with exit
 * status 99 before writing, fails with EIO, or writes half and then
 * fails. tests/integration/crash_points.sh walks N over every write of a
 * command. When N is not reached, the number of write and sync points
 * seen is printed on stderr ("IVG_TEST_FAULT: K points"), so a test knows
 * it has walked them all. The library itself never reads the environment;
 * nothing else should set this variable.
 */
static struct ivg_fault test_fault;

static int test_fault_setup(struct ivg_ctx *ctx)
{
	const char *v = getenv("IVG_TEST_FAULT");
	unsigned long at;
	char *end;

	if (!v || !*v)
		return 0;
	errno = 0;
	at = strtoul(v, &end, 10);
	if (errno || end == v || *end != ':' || !at)
		goto bad;
	if (!strcmp(end + 1, "exit"))
		test_fault.mode = IVG_FAULT_EXIT;
	else if (!strcmp(end + 1, "fail"))
		test_fault.mode = IVG_FAULT_FAIL;
	else if (!strcmp(end + 1, "tear"))
		test_fault.mode = IVG_FAULT_TEAR;
	else
		goto bad;
	test_fault.at = at;
	ctx->fault = &test_fault;
	return 0;
bad:
	fprintf(stderr, "ivg: IVG_TEST_FAULT=\"%s\": expected N:exit|fail|tear with N >= 1\n",
		v);
	return -1;
}

static void test_fault_report(const struct ivg_ctx *ctx)
{
	if (ctx->fault && ctx->fault->count < ctx->fault->at)
		fprintf(stderr, "IVG_TEST_FAULT: %lu points\n",
			ctx->fault->count);
}

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
		fprintf(f, "  %-12s %s\n", commands[i].name,
			commands[i].def ? commands[i].def->summary : commands[i].summary);
	fprintf(f, "\nEach command takes --help. See ivg(7).\n");
}

int main(int argc, char **argv)
{
	const struct ivg_command *cmd;
	struct ivg_ctx ctx;
	char *name = basename(argv[0]);
	int rc;

	ivg_ctx_init(&ctx);
	/* libext2fs's error codes read as words, not "Unknown code ext2 NN". */
	initialize_ext2_error_table();
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
	if (test_fault_setup(&ctx))
		return EINVALID_CMD_LINE;
	rc = cmd->def ? cmd_main(&ctx, cmd->def, argc, argv) :
			cmd->fn(&ctx, argc, argv);
	test_fault_report(&ctx);
	return rc;
}
