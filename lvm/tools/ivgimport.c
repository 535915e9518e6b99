/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgimport.c - take in an install volume group on this host. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "activate.h"
#include "dev.h"
#include "ivgvg.h"
#include "session.h"

static const char help[] =
"Usage: ivgimport [options] VG\n"
"\n"
"Find every PV of the install volume group VG, report missing PVs,\n"
"damaged or stale metadata copies and the state of each bootlv leg, and\n"
"clear the VG's exported flag (rewriting every metadata copy, which also\n"
"repairs damaged ones). A VG with missing PVs is not changed.\n"
"\n"
"Options:\n"
"  -a, --activate y   also activate the VG's LVs (read-only with --readonly)\n"
"      --readonly     report only; never write a byte\n"
"      --devices LIST only these devices or image files (comma-separated)\n"
"  -v, --verbose      say more\n"
"      --help         this help\n"
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

int cmd_ivgimport(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct opts o = { 0 };
	struct session s = { 0 };
	bool readonly = false, activate = false;
	int c, r, rc = ECMD_OK;
	const char *name;
	struct ivg_vg *vg;

	while ((c = getopt_long(argc, argv, "a:v", longopts, NULL)) != -1) {
		if ((r = common_opt(ctx, &o, c, optarg, "ivgimport")) > 0)
			continue;
		if (r < 0)
			goto bad;
		if (c == 'a' && (!strcmp(optarg, "y") || !strcmp(optarg, "n"))) {
			activate = optarg[0] == 'y';
		} else if (c == 'a') {
			usage_error("ivgimport", "-a takes y or n, not \"%s\"", optarg);
			goto bad;
		} else if (c == OPT_READONLY) {
			readonly = true;
		} else if (c == OPT_HELP) {
			print_help(help);
			goto out;
		} else {
			usage_error("ivgimport", "unknown option");
			goto bad;
		}
	}
	if (argc - optind != 1) {
		usage_error("ivgimport", "exactly one VG name is needed");
		goto bad;
	}
	name = argv[optind];
	if (session_open(ctx, &o, name, &s)) {
		rc = fail(ctx);
		goto out;
	}
	vg = s.h->vg;
	session_warn(&s);
	report_legs(ctx, vg);
	if (s.h->missing) {
		fprintf(stderr, "  WARNING: Volume group \"%s\" is partial: %zu of %zu PVs missing.\n",
			name, s.h->missing, vg->pv_count);
		if (!readonly) {
			ivg_err(ctx, ENXIO, "Volume group \"%s\" not imported: PVs are missing (use --readonly to read what is there)",
				name);
			rc = fail(ctx);
			goto out;
		}
	}
	if (readonly) {
		printf("  Volume group \"%s\" found%s, read-only: nothing written\n",
		       name, ivg_vg_exported(vg) ? " (exported)" : "");
	} else if (!ivg_vg_exported(vg) && !s.h->problem_count) {
		printf("  Volume group \"%s\" is already imported\n", name);
	} else {
		ivg_vg_set_exported(ctx, vg, false);
		if (ivg_vg_reopen_rw(ctx, s.h) || ivg_vg_commit(ctx, vg)) {
			rc = fail(ctx);
			goto out;
		}
		printf("  Volume group \"%s\" successfully imported\n", name);
	}
	if (activate && ivg_activate_vg(ctx, vg, readonly))
		rc = fail(ctx);
	else if (activate)
		printf("  %zu logical volume(s) in volume group \"%s\" now active%s\n",
		       ivg_active_count(vg), name, readonly ? " (read-only)" : "");
	goto out;
bad:
	rc = EINVALID_CMD_LINE;
out:
	session_close(&s);
	opts_free(&o);
	return rc;
}
