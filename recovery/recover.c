/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recover.c - find the root VG, and the IVG's generic boot image (recover.h). */
#define _GNU_SOURCE
#include "recover.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootimg.h"
#include "e2fs.h"
#include "ivgvg.h"
#include "lvio.h"
#include "manifest.h"
#include "rootboot.h"
#include "vgio.h"

/* Open each VG of the scan in turn; keep the names 'want' accepts. */
static int filter_vgs(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		      bool (*want)(const struct ivg_vg *vg),
		      struct ivg_strvec *names)
{
	int r = ivg_scan_vgnames(ctx, scan, names);
	size_t k = 0;

	for (size_t i = 0; !r && i < names->n; i++) {
		struct ivg_vgh *h = NULL;
		struct ivg_ctx quiet;
		char *name = names->v[i];

		ivg_ctx_init(&quiet);
		names->v[i] = NULL;
		if (!ivg_vg_open(&quiet, (struct ivg_scan *)scan, name, &h) &&
		    want(h->vg))
			names->v[k++] = name;
		else
			free(name);
		ivg_vg_close(h);
	}
	ivg_strvec_truncate(names, k);
	return r;
}

static bool is_rootvg(const struct ivg_vg *vg)
{
	return ivg_strvec_has(&vg->tags, IVG_ROOTVG_TAG) && !ivg_vg_is_ivg(vg);
}

static bool is_ivg(const struct ivg_vg *vg)
{
	return ivg_vg_is_ivg(vg);
}

int ivg_recover_tagged(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		       struct ivg_strvec *names)
{
	return filter_vgs(ctx, scan, is_rootvg, names);
}

/* "a, b, c" or "none" into buf. */
static void join(const struct ivg_strvec *names, char *buf, size_t sz)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < names->n && o < sz; i++)
		o += (size_t)snprintf(buf + o, sz - o, "%s%s", i ? ", " : "",
				      names->v[i]);
	if (!names->n)
		snprintf(buf, sz, "none");
}

static int pick_named(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		      const char *name, char **out)
{
	struct ivg_vgh *h = NULL;
	struct ivg_strvec all;
	char seen[512];
	int r = ivg_vg_open(ctx, (struct ivg_scan *)scan, name, &h);

	if (r == -ENOENT && !ivg_scan_vgnames(ctx, scan, &all)) {
		join(&all, seen, sizeof(seen));
		ivg_strvec_free(&all);
		r = ivg_err(ctx, ENOENT, "Volume group \"%s\" not found (volume groups seen: %s)",
			    name, seen);
	}
	if (!r && ivg_vg_is_ivg(h->vg))
		r = ivg_err(ctx, EINVAL, "Volume group \"%s\" is an install volume group, not a root volume group",
			    name);
	if (!r && !(*out = strdup(name)))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	ivg_vg_close(h);
	return r;
}

int ivg_recover_pick(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		     const char *name, char **out)
{
	struct ivg_strvec v;
	char list[512];
	int r;

	*out = NULL;
	if (name)
		return pick_named(ctx, scan, name, out);
	if ((r = ivg_recover_tagged(ctx, scan, &v)))
		return r;
	if (v.n == 1) {
		*out = v.v[0];
		v.v[0] = NULL;
		v.n = 0;
	} else if (v.n > 1) {
		join(&v, list, sizeof(list));
		r = ivg_err(ctx, EEXIST, "%zu volume groups are tagged %s: %s; name the one to recover",
			    v.n, IVG_ROOTVG_TAG, list);
	} else {
		ivg_strvec_free(&v);
		if (!(r = ivg_scan_vgnames(ctx, scan, &v))) {
			join(&v, list, sizeof(list));
			r = ivg_err(ctx, ENOENT, "No root volume group found: no volume group is tagged %s (volume groups seen: %s)",
				    IVG_ROOTVG_TAG, list);
		}
	}
	ivg_strvec_free(&v);
	return r;
}

void ivg_recover_booted_from(const char *cmdline, char ivg[IVG_NAME_MAX + 1],
			     int *leg)
{
	const char *p = cmdline;

	ivg[0] = '\0';
	*leg = -1;
	while (p && *p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (!strncmp(p, "ivg.vg=", 7) && len - 7 <= IVG_NAME_MAX) {
			memcpy(ivg, p + 7, len - 7);
			ivg[len - 7] = '\0';
		} else if (!strncmp(p, "ivg.leg=", 8) && p[8] >= '0' && p[8] <= '9') {
			*leg = atoi(p + 8);
		}
		p += len;
	}
	if (!ivg_name_valid(ivg))
		ivg[0] = '\0';
}

/* The only IVG of the scan, or the one named. */
static int pick_ivg(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		    const char *ivg, char *out, size_t outsz)
{
	struct ivg_strvec v;
	char list[512];
	int r;

	if (ivg && *ivg) {
		snprintf(out, outsz, "%s", ivg);
		return 0;
	}
	if ((r = filter_vgs(ctx, scan, is_ivg, &v)))
		return r;
	join(&v, list, sizeof(list));
	if (v.n == 1)
		snprintf(out, outsz, "%s", v.v[0]);
	else
		r = ivg_err(ctx, v.n ? EEXIST : ENOENT,
			    v.n ? "several install volume groups (%s): cannot tell which one holds the generic boot image"
				: "no install volume group found for the generic boot image (%s)",
			    list);
	ivg_strvec_free(&v);
	return r;
}

/* Read 'name' from fs, check it against m, write it to dir/name. */
static int extract(struct ivg_ctx *ctx, ext2_filsys fs, const char *what,
		   const struct ivg_manifest *m, const char *name,
		   const char *dir)
{
	const struct ivg_manifest_ent *e = ivg_manifest_find(m, name);
	uint8_t sha[IVG_SHA256_LEN];
	char path[4096], *buf = NULL;
	size_t len = 0;
	int fd, r = ivg_bootimg_read(ctx, fs, what, name, 512u << 20, &buf, &len);

	if (r)
		return r;
	ivg_sha256(buf, len, sha);
	if (!e || memcmp(e->sha, sha, sizeof(sha)))
		r = ivg_err(ctx, EIO, "%s: %s does not match the manifest (%s)",
			    what, name, e ? "damaged" : "not listed");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!r && ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
		   write(fd, buf, len) != (ssize_t)len || close(fd)))
		r = ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	free(buf);
	return r;
}

int ivg_recover_generic(struct ivg_ctx *ctx, const struct ivg_scan *scan,
			const char *ivg, int leg, const char *dir,
			char *used, size_t usedsz)
{
	struct ivg_manifest m = { 0 };
	struct ivg_vgh *h = NULL;
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	char name[IVG_NAME_MAX + 1], what[300], *text = NULL;
	size_t len = 0;
	int r = pick_ivg(ctx, scan, ivg, name, sizeof(name));

	if (!r)
		r = ivg_vg_open(ctx, (struct ivg_scan *)scan, name, &h);
	if (!r && !ivg_vg_is_ivg(h->vg))
		r = ivg_err(ctx, EINVAL, "Volume group \"%s\" is not an install volume group", name);
	if (!r)
		r = ivg_lvio_open(ctx, h->vg, IVG_BOOTLV, leg, &io);
	if (leg >= 0)
		snprintf(what, sizeof(what), "%s/%s leg %d", name, IVG_BOOTLV, leg);
	else
		snprintf(what, sizeof(what), "%s/%s", name, IVG_BOOTLV);
	if (!r && (r = ivg_e2fs_open(ctx, io, 0, &fs)))
		ivg_err_prefix(ctx, r, "%s: ", what);
	if (!r)
		r = ivg_bootimg_read(ctx, fs, what, IVG_MANIFEST_NAME, 1 << 20, &text, &len);
	if (!r)
		r = ivg_manifest_parse(ctx, what, text, len, &m);
	if (!r)
		r = extract(ctx, fs, what, &m, "vmlinuz", dir);
	if (!r)
		r = extract(ctx, fs, what, &m, "initrd.img", dir);
	if (!r && used)
		snprintf(used, usedsz, "%s", what);
	if (fs)
		ext2fs_close_free(&fs);
	ivg_lvio_close(io);
	ivg_vg_close(h);
	ivg_manifest_free(&m);
	free(text);
	return r;
}
