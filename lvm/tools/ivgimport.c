/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgimport.c - take in an install volume group on this host. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "activate.h"
#include "dev.h"
#include "ivgmount.h"
#include "ivgvg.h"
#include "session.h"
#include "sysid.h"

static const char help[] =
"Usage: ivgimport [options] VG\n"
"\n"
"Find every PV of the install volume group VG, report missing PVs,\n"
"damaged or stale metadata copies and the state of each bootlv leg, and\n"
"take the VG in on this host: clear its exported flag and record this\n"
"host's system ID as the VG's holder (rewriting every metadata copy,\n"
"which also repairs damaged ones). A VG with missing PVs is not changed.\n"
"A VG that another host holds is refused, naming that host, unless\n"
"--force takes it over. --readonly writes nothing and needs no holder,\n"
"so many hosts can use one IVG read-only at once.\n"
"\n"
"Options:\n"
"  -a, --activate y   also activate the VG's LVs (read-only with --readonly)\n"
"  -m, --mount DIR    also mount bosfs at DIR/bos and oppfs at DIR/opp\n"
"                     (read-only with --readonly); without device-mapper,\n"
"                     through loop devices\n"
"      --readonly     write nothing; activate and mount read-only\n"
"  -f, --force        take the VG over from the host that holds it (only\n"
"                     when that host is down for good)\n"
"      --devices LIST only these devices or image files (comma-separated)\n"
"  -v, --verbose      say more\n"
"      --help         this help\n"
"\n"
"Exit status: 0 done, 3 bad command line, 5 failed.\n";

static const struct option longopts[] = {
	{ "activate", required_argument, NULL, 'a' },
	{ "mount", required_argument, NULL, 'm' },
	{ "readonly", no_argument, NULL, OPT_READONLY },
	{ "force", no_argument, NULL, 'f' },
	{ "devices", required_argument, NULL, OPT_DEVICES },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void report_legs(struct ivg_ctx *ctx, struct ivg_vg *vg)
{
	struct ivg_leg_report *legs = calloc(vg->pv_count + 1, sizeof(*legs));

	if (!legs || ivg_boot_legs(ctx, vg, legs)) {
		fprintf(stderr, "  WARNING: boot legs not checked: %s\n",
			ivg_errmsg(ctx));
		free(legs);
		return;
	}
	for (size_t i = 0; i < vg->pv_count; i++) {
		struct ivg_pv *pv = vg->pvs[i];
		const struct ivg_leg_report *l = &legs[i];

		if (l->state == IVG_LEG_NONE)
			continue;
		printf("  Boot leg %d on PV %s (%s): %s%s%s\n", l->leg, pv->name,
		       pv->dev ? pv->dev->path : pv->device ? pv->device : "?",
		       ivg_leg_state_name(l->state), l->msg[0] ? ": " : "",
		       l->msg);
	}
	free(legs);
}

struct import_opts {
	struct opts o;
	bool readonly, activate;
	const char *mountdir;
};

/* 0 go on, -1 done (help), else an exit code. */
static int parse(struct ivg_ctx *ctx, int argc, char **argv,
		 struct import_opts *io)
{
	int c, r;

	while ((c = getopt_long(argc, argv, "a:m:fv", longopts, NULL)) != -1) {
		if ((r = common_opt(ctx, &io->o, c, optarg, "ivgimport")) > 0)
			continue;
		if (r < 0)
			return EINVALID_CMD_LINE;
		if (c == 'a' && !strcmp(optarg, "y")) {
			io->activate = true;
		} else if (c == 'a') {
			return usage_error("ivgimport", "-a takes y, not \"%s\" (ivgchange -a n or ivgexport deactivates)", optarg);
		} else if (c == 'm') {
			if (!*optarg)
				return usage_error("ivgimport", "-m needs a directory");
			io->mountdir = optarg;
		} else if (c == OPT_READONLY) {
			io->readonly = true;
		} else if (c == OPT_HELP) {
			print_help(help);
			return -1;
		} else {
			return usage_error("ivgimport", "unknown option");
		}
	}
	if (argc - optind != 1)
		return usage_error("ivgimport", "exactly one VG name is needed");
	if (check_vg_name("ivgimport", argv[optind]))
		return EINVALID_CMD_LINE;
	return 0;
}

/* Clear EXPORTED and record this host as the holder, if either changes. */
static int take_in(struct ivg_ctx *ctx, struct session *s, const char *name,
		   bool force)
{
	struct ivg_vg *vg = s->h->vg;
	char me[IVG_SYSID_MAX + 1];
	const char *holder = ivg_vg_holder(vg);

	if (host_system_id(ctx, me))
		return -1;
	if (holder && strcmp(holder, me)) {
		if (!force)
			return ivg_vg_check_holder(ctx, vg, me);
		fprintf(stderr, "  WARNING: taking volume group \"%s\" over from host \"%s\" (--force)\n",
			name, holder);
	}
	if (!ivg_vg_exported(vg) && !s->h->problem_count && holder &&
	    !strcmp(holder, me)) {
		printf("  Volume group \"%s\" is already imported with system ID %s\n",
		       name, me);
		return 0;
	}
	if (ivg_vg_set_exported(ctx, vg, false) ||
	    ivg_vg_set_holder(ctx, vg, me) || ivg_vg_reopen_rw(ctx, s->h) ||
	    ivg_vg_commit(ctx, vg))
		return -1;
	printf("  Volume group \"%s\" successfully imported with system ID %s\n",
	       name, me);
	return 0;
}

/* -a y and -m: the LVs as devices, then the filesystems mounted. */
static int bring_up(struct ivg_ctx *ctx, struct ivg_vg *vg,
		    const struct import_opts *io)
{
	static const char *const fs[] = { IVG_BOSFS, IVG_OPPFS, NULL };
	bool were_down = ivg_lvs_up_count(vg) == 0;

	if (ivg_lvs_up(ctx, vg, io->readonly, io->activate ? NULL : fs))
		return -1;
	if (io->activate)
		printf("  %zu logical volume(s) in volume group \"%s\" now active%s\n",
		       ivg_lvs_up_count(vg), vg->name,
		       io->readonly ? " (read-only)" : "");
	if (!io->mountdir)
		return 0;
	if (ivg_mount_ivg(ctx, vg, io->mountdir, io->readonly)) {
		/* Leave the LVs as they were before this command. */
		struct ivg_ctx quiet = *ctx;

		if (were_down)
			ivg_lvs_down(&quiet, vg);
		return -1;
	}
	printf("  Mounted %s/%s at %s/bos and %s/%s at %s/opp%s\n", vg->name,
	       IVG_BOSFS, io->mountdir, vg->name, IVG_OPPFS, io->mountdir,
	       io->readonly ? " (read-only)" : "");
	return 0;
}

int cmd_ivgimport(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct import_opts io = { 0 };
	struct session s = { 0 };
	const char *name, *holder;
	struct ivg_vg *vg;
	int rc = parse(ctx, argc, argv, &io);

	if (rc) {
		opts_free(&io.o);
		return rc < 0 ? ECMD_OK : rc;
	}
	name = argv[optind];
	/* A mount point that cannot be is found before anything is written. */
	if (io.mountdir && ivg_mount_dirs(ctx, io.mountdir, false)) {
		rc = fail(ctx);
		goto out;
	}
	if (session_open(ctx, &io.o, name,
			 io.readonly ? SESSION_READ : SESSION_WRITE, &s)) {
		rc = fail(ctx);
		goto out;
	}
	vg = s.h->vg;
	session_warn(&s);
	report_legs(ctx, vg);
	if (s.h->missing) {
		fprintf(stderr, "  WARNING: Volume group \"%s\" is partial: %zu of %zu PVs missing.\n",
			name, s.h->missing, vg->pv_count);
		if (!io.readonly) {
			ivg_err(ctx, ENXIO, "Volume group \"%s\" not imported: PVs are missing (use --readonly to read what is there)",
				name);
			rc = fail(ctx);
			goto out;
		}
	}
	holder = ivg_vg_holder(vg);
	if (io.readonly)
		printf("  Volume group \"%s\" found%s%s%s, read-only: nothing written\n",
		       name, ivg_vg_exported(vg) ? " (exported)" : "",
		       holder ? ", held by " : "", holder ? holder : "");
	else if (take_in(ctx, &s, name, io.o.force)) {
		rc = fail(ctx);
		goto out;
	}
	if ((io.activate || io.mountdir) && bring_up(ctx, vg, &io))
		rc = fail(ctx);
out:
	session_close(&s);
	opts_free(&io.o);
	return rc;
}
