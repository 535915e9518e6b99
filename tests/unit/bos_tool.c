/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bos_tool.c - TESTS ONLY: drive restore.h and untar.h from the shell
 * (tests/integration/bos_*.sh, bench/bos_restore.sh build it against a
 * libivg.a). Prints what was restored, one "key value" per line.
 *
 *   bos_tool restore DEVICES IVG NAME VG LV
 *       restore BOS NAME of install VG IVG into VG/LV
 *   bos_tool untar DEVICES VG LV FILE [bos|opp]
 *       format VG/LV ext4 and unpack the tar FILE into it (the path policy
 *       of a BOS, the default, or of an OPP)
 * DEVICES: comma-separated device or image files holding both VGs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2fs.h"
#include "restore.h"
#include "scan.h"
#include "untar.h"
#include "vgio.h"

struct env {
	struct ivg_scan *scan;
	struct ivg_vgh *src, *dst;
	struct ivg_lvio *target;
};

static int split(char *list, char ***v, size_t *n)
{
	*n = 0;
	*v = NULL;
	for (char *s = strtok(list, ","); s; s = strtok(NULL, ",")) {
		char **g = realloc(*v, (*n + 1) * sizeof(**v));

		if (!g)
			return -ENOMEM;
		*v = g;
		(*v)[(*n)++] = s;
	}
	return 0;
}

/* Scan, open the source VG (may be NULL) and the target VG/LV read-write. */
static int setup(struct ivg_ctx *ctx, char *devices, const char *ivg,
		 const char *vg, const char *lv, struct env *e)
{
	char **paths;
	size_t n;
	int r = split(devices, &paths, &n);

	if (!r)
		r = ivg_scan_devices(ctx, paths, n, false, &e->scan);
	free(paths);
	if (!r && ivg)
		r = ivg_vg_open(ctx, e->scan, ivg, &e->src);
	if (!r)
		r = ivg_vg_open(ctx, e->scan, vg, &e->dst);
	if (!r)
		r = ivg_vg_reopen_rw(ctx, e->dst);
	if (!r)
		r = ivg_lvio_open(ctx, e->dst->vg, lv, -1, &e->target);
	return r;
}

static void teardown(struct env *e)
{
	ivg_lvio_close(e->target);
	ivg_vg_close(e->dst);
	ivg_vg_close(e->src);
	ivg_scan_free(e->scan);
}

static int restore(struct ivg_ctx *ctx, char **argv)
{
	struct env e = { 0 };
	struct bos_restore_report rep;
	int r = setup(ctx, argv[0], argv[1], argv[3], argv[4], &e);

	if (!r)
		r = bos_restore(ctx, e.src->vg, argv[2], e.target, NULL, &rep);
	if (!r)
		printf("format %s\nfiles %" PRIu64 "\nbytes %" PRIu64 "\nkernel %s\nsha256 %s\n",
		       bos_format_name(rep.bos.format), rep.files, rep.bytes,
		       rep.kernel, rep.sha256);
	teardown(&e);
	return r;
}

static int untar(struct ivg_ctx *ctx, char **argv, const char *policy)
{
	struct bos_untar_opts o = { .policy = policy && !strcmp(policy, "opp") ?
				    &bos_policy_opp : &bos_policy_bos };
	struct bos_untar_stats st;
	struct opp_src src = { 0 };
	struct env e = { 0 };
	ext2_filsys fs = NULL;
	int fd = open(argv[3], O_RDONLY), r, c;

	if (fd < 0)
		return ivg_err(ctx, errno, "%s: %s", argv[3], strerror(errno));
	r = setup(ctx, argv[0], NULL, argv[1], argv[2], &e);
	if (!r)
		r = opp_src_fd(ctx, &src, fd, argv[3]);
	if (!r)
		r = ivg_mkfs(ctx, e.target, IVG_FS_EXT4, "rootfs");
	if (!r)
		r = ivg_e2fs_open(ctx, e.target, EXT2_FLAG_RW, &fs);
	if (!r) {
		r = bos_untar(ctx, fs, &src, argv[3], &o, &st);
		c = ivg_e2fs_close(ctx, fs, "cannot close");
		r = r ? r : c;
	}
	if (!r)
		printf("entries %" PRIu64 "\nfiles %" PRIu64 "\nbytes %" PRIu64 "\nkernel %s\n",
		       st.entries, st.files, st.bytes, st.kernel);
	opp_src_free(&src);
	teardown(&e);
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	struct ivg_ctx ctx;
	int r;

	ivg_ctx_init(&ctx);
	if (argc == 7 && !strcmp(argv[1], "restore"))
		r = restore(&ctx, argv + 2);
	else if ((argc == 6 || argc == 7) && !strcmp(argv[1], "untar"))
		r = untar(&ctx, argv + 2, argc == 7 ? argv[6] : NULL);
	else {
		fprintf(stderr, "usage: bos_tool restore DEVICES IVG NAME VG LV\n"
				"       bos_tool untar DEVICES VG LV FILE [bos|opp]\n");
		return 3;
	}
	if (r) {
		fprintf(stderr, "  %s\n", ivg_errmsg(&ctx));
		return 5;
	}
	return 0;
}
