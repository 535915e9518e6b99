/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgexport.c - release an install volume group for another host. */
#include <errno.h>
#include <getopt.h>

#include "activate.h"
#include "ivgvg.h"
#include "session.h"

static const char help[] =
"Usage: ivgexport [options] VG\n"
"\n"
"Deactivate the LVs of the install volume group VG and mark it exported,\n"
"as vgexport does (VG and PV status EXPORTED, system ID cleared), so that\n"
"another host may import it.\n"
"\n"
"Options:\n"
"      --devices LIST only these devices or image files (comma-separated)\n"
"  -v, --verbose      say more\n"
"      --help         this help\n"
"\n"
"Exit status: 0 done, 3 bad command line, 5 failed.\n";

static const struct option longopts[] = {
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

int cmd_ivgexport(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct opts o = { 0 };
	struct session s = { 0 };
	int c, r, rc = ECMD_OK;
	const char *name;

	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		if ((r = common_opt(ctx, &o, c, optarg, "ivgexport")) > 0)
			continue;
		if (r < 0)
			goto bad;
		if (c == OPT_HELP) {
			print_help(help);
			goto out;
		}
		usage_error("ivgexport", "unknown option");
		goto bad;
	}
	if (argc - optind != 1) {
		usage_error("ivgexport", "exactly one VG name is needed");
		goto bad;
	}
	name = argv[optind];
	if (session_open(ctx, &o, name, &s)) {
		rc = fail(ctx);
		goto out;
	}
	session_warn(&s);
	if (ivg_vg_exported(s.h->vg)) {
		ivg_err(ctx, EALREADY, "Volume group \"%s\" is already exported", name);
		rc = fail(ctx);
		goto out;
	}
	/* As vgexport wants it: nothing of the VG in use on this host. */
	if (ivg_deactivate_vg(ctx, s.h->vg)) {
		rc = fail(ctx);
		goto out;
	}
	if (ivg_vg_set_exported(ctx, s.h->vg, true) ||
	    ivg_vg_reopen_rw(ctx, s.h) || ivg_vg_commit(ctx, s.h->vg)) {
		rc = fail(ctx);
		goto out;
	}
	printf("  Volume group \"%s\" successfully exported\n", name);
	goto out;
bad:
	rc = EINVALID_CMD_LINE;
out:
	session_close(&s);
	opts_free(&o);
	return rc;
}
