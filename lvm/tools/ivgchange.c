/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgchange.c - activate or deactivate an install VG's LVs, as vgchange -a. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "activate.h"
#include "ivgmount.h"
#include "ivgvg.h"
#include "sysid.h"
#include "session.h"

static const char help[] =
"Usage: ivgchange -a y|n [options] VG\n"
"\n"
"Activate (y) every visible LV of the install volume group VG as a\n"
"device-mapper device, named and identified as lvm2 does\n"
"(/dev/mapper/VG-LV, /dev/VG/LV), or deactivate (n) every LV of VG,\n"
"whether ivg or lvm2 activated it. raid1 LVs (bootlv) use the raid\n"
"target over their legs; a leg on a missing PV is left out. Read-only,\n"
"a raid1 LV is its first leg, mapped linearly, so nothing is written.\n"
"Without device-mapper (a kernel without dm-mod), single-segment\n"
"linear LVs are made loop devices instead, and other LVs are refused.\n"
"Read-write activation needs the VG imported and held by this host\n"
"(ivgimport).\n"
"\n"
"Options:\n"
"  -a, --activate y|n  activate or deactivate\n"
"      --readonly      activate read-only; write no metadata\n"
"      --devices LIST  only these devices (comma-separated)\n"
"  -v, --verbose       say more\n"
"      --help          this help\n"
"\n"
"Exit status: 0 done, 3 bad command line, 5 failed.\n";

static const struct option longopts[] = {
	{ "activate", required_argument, NULL, 'a' },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int parse(struct ivg_ctx *ctx, int argc, char **argv, struct opts *o,
		 int *activate, bool *readonly)
{
	int c, r;

	while ((c = getopt_long(argc, argv, "a:v", longopts, NULL)) != -1) {
		if ((r = common_opt(ctx, o, c, optarg, "ivgchange")) > 0)
			continue;
		if (r < 0)
			return EINVALID_CMD_LINE;
		if (c == 'a' && (!strcmp(optarg, "y") || !strcmp(optarg, "n"))) {
			*activate = optarg[0] == 'y';
		} else if (c == 'a') {
			return usage_error("ivgchange", "-a takes y or n, not \"%s\"", optarg);
		} else if (c == OPT_READONLY) {
			*readonly = true;
		} else if (c == OPT_HELP) {
			print_help(help);
			return -1;
		} else {
			return usage_error("ivgchange", "unknown option");
		}
	}
	if (*activate < 0)
		return usage_error("ivgchange", "-a y|n is needed");
	if (argc - optind != 1)
		return usage_error("ivgchange", "exactly one VG name is needed");
	if (check_vg_name("ivgchange", argv[optind]))
		return EINVALID_CMD_LINE;
	return 0;
}

/* Read-write activation needs the VG imported here, as lvm2 wants it. */
static int may_write(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	char me[IVG_SYSID_MAX + 1];

	if (ivg_vg_exported(vg))
		return ivg_err(ctx, EPERM, "Volume group \"%s\" is exported: ivgimport it first, or use --readonly",
			       vg->name);
	if (host_system_id(ctx, me))
		return -1;
	return ivg_vg_check_holder(ctx, vg, me);
}

int cmd_ivgchange(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct opts o = { 0 };
	struct session s = { 0 };
	int activate = -1, rc;
	bool readonly = false;
	const char *name;

	rc = parse(ctx, argc, argv, &o, &activate, &readonly);
	if (rc) {
		opts_free(&o);
		return rc < 0 ? ECMD_OK : rc;
	}
	name = argv[optind];
	if (session_open(ctx, &o, name, SESSION_READ, &s)) {
		rc = fail(ctx);
		goto out;
	}
	session_warn(&s);
	if (activate && !readonly && may_write(ctx, s.h->vg)) {
		rc = fail(ctx);
		goto out;
	}
	if (activate ? ivg_lvs_up(ctx, s.h->vg, readonly, NULL)
		     : ivg_lvs_down(ctx, s.h->vg)) {
		rc = fail(ctx);
		goto out;
	}
	if (activate)
		printf("  %zu logical volume(s) in volume group \"%s\" now active%s\n",
		       ivg_lvs_up_count(s.h->vg), name, readonly ? " (read-only)" : "");
	else
		printf("  0 logical volume(s) in volume group \"%s\" now active\n", name);
out:
	session_close(&s);
	opts_free(&o);
	return rc;
}
