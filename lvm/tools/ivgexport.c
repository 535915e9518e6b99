/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgexport.c - release an install volume group for another host. */
#include <errno.h>
#include <getopt.h>

#include "ivgmount.h"
#include "ivgvg.h"
#include "sysid.h"
#include "session.h"

static const char help[] =
"Usage: ivgexport [options] VG\n"
"\n"
"Unmount the filesystems of the install volume group VG (wherever\n"
"ivgimport -m or anyone mounted them), deactivate its LVs (device-mapper\n"
"or loop devices) and mark it exported, as vgexport does (VG and PV\n"
"status EXPORTED, system ID cleared), so that another host may import\n"
"it. A VG that another host holds is refused unless --force.\n"
"\n"
"Options:\n"
"  -f, --force        export a VG that another host holds\n"
"      --readonly     only unmount and deactivate on this host, write\n"
"                     nothing (the end of ivgimport --readonly)\n"
"      --devices LIST only these devices or image files (comma-separated)\n"
"  -v, --verbose      say more\n"
"      --help         this help\n"
"\n"
"Exit status: 0 done, 3 bad command line, 5 failed.\n";

static const struct option longopts[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* Unmount and deactivate everything of the VG on this host. */
static int release(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	size_t unmounted;

	if (ivg_umount_vg(ctx, vg, &unmounted) || ivg_lvs_down(ctx, vg))
		return -1;
	if (unmounted)
		printf("  %zu filesystem(s) of volume group \"%s\" unmounted\n",
		       unmounted, vg->name);
	return 0;
}

static int export_vg(struct ivg_ctx *ctx, struct session *s, bool force)
{
	struct ivg_vg *vg = s->h->vg;
	char me[IVG_SYSID_MAX + 1];

	/*
	 * An export that crashed between the first and the last PV's commit
	 * leaves the newest copy exported and older copies behind: finishing
	 * it means writing the exported state to every copy again.
	 */
	bool finish = ivg_vg_exported(vg) && s->h->problem_count &&
		      !s->h->missing && !s->h->duplicates;

	if (ivg_vg_exported(vg) && !finish)
		return ivg_err(ctx, EALREADY, "Volume group \"%s\" is already exported",
			       vg->name);
	if (finish) {
		if (ivg_vg_reopen_rw(ctx, s->h) || ivg_vg_commit(ctx, vg))
			return -1;
		printf("  Volume group \"%s\" was exported with damaged or stale metadata copies; every copy rewritten\n",
		       vg->name);
		return 0;
	}
	if (!force && (host_system_id(ctx, me) ||
		       ivg_vg_check_holder(ctx, vg, me)))
		return -1;
	/* What would stop the commit stops us before anything is released. */
	if (ivg_vg_reopen_rw(ctx, s->h))
		return -1;
	/* As vgexport wants it: nothing of the VG in use on this host. */
	if (release(ctx, vg) || ivg_vg_set_exported(ctx, vg, true) ||
	    ivg_vg_commit(ctx, vg))
		return -1;
	printf("  Volume group \"%s\" successfully exported\n", vg->name);
	return 0;
}

int cmd_ivgexport(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct opts o = { 0 };
	struct session s = { 0 };
	bool readonly = false;
	int c, r, rc = ECMD_OK;

	while ((c = getopt_long(argc, argv, "fv", longopts, NULL)) != -1) {
		if ((r = common_opt(ctx, &o, c, optarg, "ivgexport")) > 0)
			continue;
		if (r < 0)
			goto bad;
		if (c == OPT_READONLY) {
			readonly = true;
			continue;
		}
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
	if (check_vg_name("ivgexport", argv[optind]))
		goto bad;
	if (session_open(ctx, &o, argv[optind],
			 readonly ? SESSION_READ : SESSION_WRITE, &s)) {
		rc = fail(ctx);
		goto out;
	}
	session_warn(&s);
	if (readonly ? release(ctx, s.h->vg) : export_vg(ctx, &s, o.force))
		rc = fail(ctx);
	else if (readonly)
		printf("  Volume group \"%s\" released on this host, read-only: nothing written\n",
		       argv[optind]);
	goto out;
bad:
	rc = EINVALID_CMD_LINE;
out:
	session_close(&s);
	opts_free(&o);
	return rc;
}
