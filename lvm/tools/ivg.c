/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivg.c - the multiplexed binary: ivg CMD ..., or a symlink named CMD. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ext2fs/ext2_err.h>

#include "cmd.h"
#include "dev.h"
#include "tools.h"
#include "version.h"

const struct cmd_def *const cmd_table[] = {
	&cmd_ivgcreate_def,
	&cmd_ivgimport_def,
	&cmd_ivgexport_def,
	&cmd_ivgs_def,
	&cmd_ivgchange_def,
	&cmd_ivgextend_def,
	&cmd_ivgreduce_def,
	&cmd_ivgreplace_def,
	&cmd_oppadd_def,
	&cmd_opplist_def,
	&cmd_oppck_def,
	&cmd_opprm_def,
	&cmd_opptoc_def,
	&cmd_oppinstall_def,
	&cmd_ivgmkboot_def,
	&cmd_bosadd_def,
	&cmd_boslist_def,
	&cmd_bosrm_def,
	&cmd_bosinstall_def,
	&cmd_ivgmachine_add_def,
	&cmd_ivgmachine_rm_def,
	&cmd_ivgmachine_ls_def,
	&cmd_ivgmachine_find_def,
	&cmd_ivgrecover_def,
	&cmd_ivgbootlist_def,
	&cmd_ivgck_def,
};

const size_t cmd_table_size = sizeof(cmd_table) / sizeof(cmd_table[0]);

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

/* The crash of IVG_TEST_FAULT=N:exit: no cleanup, no flush, status 99. */
static void crash_now(void)
{
	_exit(99);
}

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
		test_fault.mode = IVG_FAULT_EXIT, test_fault.stop = crash_now;
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

static const struct cmd_def *find_command(const char *name)
{
	for (size_t i = 0; i < cmd_table_size; i++)
		if (!strcmp(cmd_table[i]->name, name))
			return cmd_table[i];
	return NULL;
}

/*
 * A command with subcommands ("ivgmachine add") is one table entry per
 * subcommand, named "NAME SUB"; the entry for name and its first
 * argument, or NULL.
 */
static const struct cmd_def *find_subcommand(const char *name, const char *sub)
{
	size_t len = strlen(name);

	for (size_t i = 0; sub && i < cmd_table_size; i++)
		if (!strncmp(cmd_table[i]->name, name, len) &&
		    cmd_table[i]->name[len] == ' ' &&
		    !strcmp(cmd_table[i]->name + len + 1, sub))
			return cmd_table[i];
	return NULL;
}

/* "ivgmachine" alone, or with --help: its subcommands. */
static bool list_subcommands(FILE *f, const char *name)
{
	size_t len = strlen(name);
	bool any = false;

	for (size_t i = 0; i < cmd_table_size; i++)
		if (!strncmp(cmd_table[i]->name, name, len) &&
		    cmd_table[i]->name[len] == ' ') {
			if (!any)
				fprintf(f, "Usage: %s SUBCOMMAND [ARGS...]\n\n", name);
			fprintf(f, "  %-16s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
			any = true;
		}
	if (any)
		fprintf(f, "\nEach subcommand takes --help. See %s(8).\n", name);
	return any;
}

static void list_commands(FILE *f)
{
	fprintf(f, "Usage: ivg COMMAND [ARGS...]   (or run COMMAND through its symlink)\n\n");
	for (size_t i = 0; i < cmd_table_size; i++)
		fprintf(f, "  %-15s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fprintf(f, "\nEach command takes --help. See ivg(7).\n");
}

int main(int argc, char **argv)
{
	const struct cmd_def *cmd;
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
	if (!cmd && (cmd = find_subcommand(name, argc > 1 ? argv[1] : NULL))) {
		/* getopt and the messages name "ivgmachine add". */
		argv++;
		argc--;
		argv[0] = (char *)cmd->name;
	} else if (!cmd && (argc < 2 || !strcmp(argv[1], "--help") ||
			    !strcmp(argv[1], "-h")) && list_subcommands(stdout, name)) {
		return argc < 2 ? EINVALID_CMD_LINE : ECMD_OK;
	} else if (!cmd && list_subcommands(stderr, name)) {
		fprintf(stderr, "%s: no such subcommand '%s'\n", name, argv[1]);
		return EINVALID_CMD_LINE;
	}
	if (!cmd) {
		fprintf(stderr, "ivg: no such command '%s'\n", name);
		list_commands(stderr);
		return EINVALID_CMD_LINE;
	}
	if (test_fault_setup(&ctx))
		return EINVALID_CMD_LINE;
	rc = cmd_main(&ctx, cmd, argc, argv);
	test_fault_report(&ctx);
	return rc;
}
