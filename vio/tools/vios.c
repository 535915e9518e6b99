/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vios.c - the virtual I/O server command: partitions (QEMU machines),
 * mappings of SAN LUNs to their virtual SCSI devices, boot, shutdown and
 * moving partitions; options and the subcommand table (vios.h).
 *
 * State: one JSON document under --state DIR (/var/lib/ivg/vios), changed
 * under its lock and replaced atomically (viostore.h); what the host maps
 * is published to the SAN registry (--san DIR, viosan.h) that the hosts
 * sharing the LUNs share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vios.h"

static const struct option longopts[] = {
	{ "state", required_argument, NULL, O_STATE },
	{ "san", required_argument, NULL, O_SAN },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "yes", no_argument, NULL, 'y' },
	{ "force", no_argument, NULL, 'f' },
	{ "reportformat", required_argument, NULL, OPT_REPORTFORMAT },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "memory", required_argument, NULL, O_MEMORY },
	{ "cpus", required_argument, NULL, O_CPUS },
	{ "lpar", required_argument, NULL, O_LPAR },
	{ "vdev", required_argument, NULL, O_VDEV },
	{ "scsi-id", required_argument, NULL, O_SCSI_ID },
	{ "lun", required_argument, NULL, O_LUN },
	{ "dev", required_argument, NULL, O_DEV },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "all", no_argument, NULL, O_ALL },
	{ "vadapter", required_argument, NULL, O_VADAPTER },
	{ "mode", required_argument, NULL, O_MODE },
	{ "boot-type", required_argument, NULL, O_BOOT_TYPE },
	{ "list", required_argument, NULL, O_LIST },
	{ "search", required_argument, NULL, O_SEARCH },
	{ "kernel", required_argument, NULL, O_KERNEL },
	{ "initrd", required_argument, NULL, O_INITRD },
	{ "append", required_argument, NULL, O_APPEND },
	{ "qemu-arg", required_argument, NULL, O_QEMU_ARG },
	{ "wait", no_argument, NULL, O_WAIT },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "to", required_argument, NULL, O_TO },
	{ "validate", no_argument, NULL, O_VALIDATE },
	{ "no-boot", no_argument, NULL, O_NO_BOOT },
	{ NULL, 0, NULL, 0 },
};

struct subcmd {
	const char *name;
	int (*fn)(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
	const char *options;      /* the long options it takes, " name name " */
	const char *usage;
};

static const char help_text[] =
	"vios - virtual I/O server: map SAN LUNs to the virtual SCSI disks of\n"
	"partitions (QEMU machines), boot them from their LUNs.\n"
	"\n"
	"  vios mklpar NAME [--memory M] [--cpus N]\n"
	"  vios rmlpar NAME\n"
	"  vios chlpar NAME [--memory M] [--cpus N] [--boot-type normal|install|maintenance]\n"
	"                   [--list LIST=VTD[,VTD...]]...\n"
	"  vios lslpar [NAME] [--reportformat json]\n"
	"  vios mkvdev --lpar NAME --vdev DEVICE [--scsi-id N] [--lun L] [--dev VTD] [--readonly]\n"
	"  vios rmvdev --dev VTD\n"
	"  vios lsmap [--all|--lpar NAME|--vadapter vhostN] [--search DIR]... [--reportformat json]\n"
	"  vios boot NAME [--mode normal|install|maintenance] [--search DIR]... [--wait]\n"
	"            [--kernel FILE --initrd FILE --append ARGS] [--qemu-arg ARG]...\n"
	"  vios shutdown NAME [--timeout SEC] [--force]\n"
	"  vios dumpxml NAME [--mode M] [--search DIR]...\n"
	"  vios migrate NAME --to STATE_DIR [--validate] [--no-boot] [--timeout SEC] [--force]\n"
	"\n"
	"Every command takes --state DIR (default " STATE_DEFAULT "), --san DIR\n"
	"(the SAN registry the hosts sharing the LUNs share; recorded in the\n"
	"state, default /var/lib/ivg/san), -v, --help. LIST is normal, install,\n"
	"maintenance, rootvg, primary, secondary or nonessential. See vios(8).\n";

static int opt_index(int c)
{
	for (int i = 0; longopts[i].name; i++)
		if (longopts[i].val == c)
			return i;
	return -1;
}

static int parse_num(const char *cmd, const char *opt, const char *arg,
		     long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 0);
	if (errno || !*arg || *end || v < lo || v > hi)
		return usage_error(cmd, "--%s: want a number from %ld to %ld, not \"%s\"",
				   opt, lo, hi, arg);
	*out = v;
	return 0;
}

static int parse_opts(struct ivg_ctx *ctx, const struct subcmd *sc,
		      struct vopts *o, int argc, char **argv)
{
	const char *cmd = sc->name;
	int c, r;
	long n;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hvyf", longopts, NULL)) != -1) {
		int i = opt_index(c);
		char want[40];

		if (c == '?')
			return usage_error(cmd, "unknown option %s", argv[optind - 1]);
		if (c == ':')
			return usage_error(cmd, "%s wants a value", argv[optind - 1]);
		if (c == 'h') {
			printf("usage: %s\n\n%s", sc->usage, help_text);
			exit(ECMD_OK);
		}
		snprintf(want, sizeof(want), " %s ", i >= 0 ? longopts[i].name : "");
		if (i >= 0 && c >= O_STATE && c != O_STATE && c != O_SAN &&
		    !strstr(sc->options, want))
			return usage_error(cmd, "--%s does not apply to %s", longopts[i].name, cmd);
		if ((c == OPT_REPORTFORMAT || c == OPT_READONLY) && !strstr(sc->options, want))
			return usage_error(cmd, "--%s does not apply to %s", longopts[i].name, cmd);
		if (i >= 0)
			o->seen[i]++;
		if ((r = common_opt(ctx, &o->c, c, optarg, cmd)) > 0)
			continue;
		if (r < 0)
			return EINVALID_CMD_LINE;
		switch (c) {
		case O_STATE: o->state = optarg; break;
		case O_SAN: o->san = optarg; break;
		case O_MEMORY:
			if (parse_size(optarg, 'm', &o->memory_mb) || o->memory_mb < (16 << 20))
				return usage_error(cmd, "--memory: want a size of at least 16m, not \"%s\"", optarg);
			o->memory_mb >>= 20;
			break;
		case O_CPUS:
			if ((r = parse_num(cmd, "cpus", optarg, 1, 255, &o->cpus)))
				return r;
			break;
		case O_SCSI_ID:
			if ((r = parse_num(cmd, "scsi-id", optarg, 0, VIO_SCSI_ID_MAX, &o->scsi_id)))
				return r;
			break;
		case O_LUN:
			if ((r = parse_num(cmd, "lun", optarg, 0, VIO_LUN_MAX, &o->lun)))
				return r;
			break;
		case O_TIMEOUT:
			if ((r = parse_num(cmd, "timeout", optarg, 0, 86400, &o->timeout)))
				return r;
			break;
		case O_LPAR: o->lpar = optarg; break;
		case O_VDEV: o->vdev = optarg; break;
		case O_DEV: o->dev = optarg; break;
		case O_VADAPTER: o->vadapter = optarg; break;
		case O_KERNEL: o->kernel = optarg; break;
		case O_INITRD: o->initrd = optarg; break;
		case O_APPEND: o->append = optarg; break;
		case OPT_READONLY: o->readonly = true; break;
		case O_ALL: o->all = true; break;
		case O_WAIT: o->wait = true; break;
		case O_TO: o->to = optarg; break;
		case O_VALIDATE: o->validate = true; break;
		case O_NO_BOOT: o->no_boot = true; break;
		case O_MODE:
		case O_BOOT_TYPE:
			if (vio_boot_type_parse(optarg, c == O_MODE ? &o->mode : &o->boot_type))
				return usage_error(cmd, "--%s: normal, install or maintenance, not \"%s\"",
						   longopts[i].name, optarg);
			if (c == O_MODE)
				o->have_mode = true;
			else
				o->have_boot_type = true;
			break;
		case O_LIST:
		case O_SEARCH:
		case O_QEMU_ARG:
			n = c == O_LIST ? (long)o->nlist : c == O_SEARCH ? (long)o->nsearch : (long)o->nqemu;
			if (n >= MAX_MULTI)
				return usage_error(cmd, "--%s: at most %d times", longopts[i].name, MAX_MULTI);
			if (c == O_LIST)
				o->list_arg[o->nlist++] = optarg;
			else if (c == O_SEARCH)
				o->search[o->nsearch++] = optarg;
			else
				o->qemu_arg[o->nqemu++] = optarg;
			break;
		default:
			return usage_error(cmd, "unknown option %s", argv[optind - 1]);
		}
	}
	return 0;
}

bool given(const struct vopts *o, int c)
{
	int i = opt_index(c);

	return i >= 0 && o->seen[i];
}

int one_name(const char *cmd, int argc, char **argv, const char **name)
{
	if (argc - optind != 1)
		return usage_error(cmd, "want one partition name");
	*name = argv[optind];
	return 0;
}

int no_args(const char *cmd, int argc, char **argv)
{
	if (argc != optind)
		return usage_error(cmd, "unexpected argument \"%s\"", argv[optind]);
	return 0;
}

void print_report(const char *key, struct json_object *arr)
{
	struct json_object *top = json_object_new_object();

	json_object_object_add(top, key, arr);
	printf("%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED));
	json_object_put(top);
}

static const struct subcmd subcmds[] = {
	{ "mklpar", do_mklpar, " memory cpus ", "vios mklpar NAME [--memory M] [--cpus N]" },
	{ "rmlpar", do_rmlpar, " ", "vios rmlpar NAME" },
	{ "chlpar", do_chlpar, " memory cpus boot-type list ",
	  "vios chlpar NAME [--memory M] [--cpus N] [--boot-type T] [--list LIST=VTD,...]..." },
	{ "lslpar", do_lslpar, " reportformat ", "vios lslpar [NAME] [--reportformat json]" },
	{ "mkvdev", do_mkvdev, " lpar vdev scsi-id lun dev readonly ",
	  "vios mkvdev --lpar NAME --vdev DEVICE [--scsi-id N] [--lun L] [--dev VTD] [--readonly]" },
	{ "rmvdev", do_rmvdev, " dev ", "vios rmvdev --dev VTD" },
	{ "lsmap", do_lsmap, " all lpar vadapter search reportformat ",
	  "vios lsmap [--all|--lpar NAME|--vadapter vhostN] [--search DIR]... [--reportformat json]" },
	{ "boot", do_boot, " mode search kernel initrd append qemu-arg wait ",
	  "vios boot NAME [--mode normal|install|maintenance] [--search DIR]... [--wait]" },
	{ "shutdown", do_shutdown, " timeout ", "vios shutdown NAME [--timeout SEC] [--force]" },
	{ "dumpxml", do_dumpxml, " mode search kernel initrd append ",
	  "vios dumpxml NAME [--mode M] [--search DIR]... [--kernel F --initrd F --append A]" },
	{ "migrate", do_migrate, " to validate no-boot timeout mode search kernel initrd append qemu-arg ",
	  "vios migrate NAME --to STATE_DIR [--validate] [--no-boot] [--timeout SEC] [--force]" },
};

int main(int argc, char **argv)
{
	struct ivg_ctx ctx;
	struct vopts o;
	const struct subcmd *sc = NULL;
	int r;

	ivg_ctx_init(&ctx);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? EINVALID_CMD_LINE : ECMD_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vios (ivg) version %s\n", IVG_VERSION);
		return ECMD_OK;
	}
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (!strcmp(argv[1], subcmds[i].name))
			sc = &subcmds[i];
	if (!sc)
		return usage_error("vios", "unknown command \"%s\"", argv[1]);
	memset(&o, 0, sizeof(o));
	o.state = getenv("IVG_VIOS_STATE") ? getenv("IVG_VIOS_STATE") : STATE_DEFAULT;
	o.san = getenv("IVG_VIOS_SAN");
	if ((r = parse_opts(&ctx, sc, &o, argc - 1, argv + 1)))
		return r;
	r = sc->fn(&ctx, &o, argc - 1, argv + 1);
	opts_free(&o.c);
	return r;
}
