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

/* Every VG of the scan, by name and UUID (names may repeat). */
static int all_vgs(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		   struct ivg_vgsel **v, size_t *n)
{
	struct ivg_strvec names = { 0 };
	size_t k = 0, cap = 0;
	int r = ivg_scan_vgnames(ctx, scan, &names);

	*v = NULL;
	*n = 0;
	for (size_t i = 0; !r && i < names.n; i++)
		cap += ivg_scan_vgids(scan, names.v[i], NULL, 0);
	if (!r && !(*v = calloc(cap + 1, sizeof(**v))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < names.n; i++) {
		size_t m = ivg_scan_vgids(scan, names.v[i], NULL, 0);
		char (*ids)[IVG_UUID_LEN + 1] = calloc(m, sizeof(*ids));

		if (!ids) {
			r = ivg_err(ctx, ENOMEM, "out of memory");
			break;
		}
		ivg_scan_vgids(scan, names.v[i], ids, m);
		for (size_t j = 0; j < m && k < cap; j++, k++) {
			snprintf((*v)[k].name, sizeof((*v)[k].name), "%s", names.v[i]);
			memcpy((*v)[k].vgid, ids[j], sizeof((*v)[k].vgid));
		}
		free(ids);
	}
	ivg_strvec_free(&names);
	*n = k;
	return r;
}

/* Open each VG of the scan in turn; keep those 'want' accepts. */
static int filter_vgs(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		      bool (*want)(const struct ivg_vg *vg),
		      struct ivg_vgsel **v, size_t *n)
{
	size_t na = 0, k = 0;
	int r = all_vgs(ctx, scan, v, &na);

	for (size_t i = 0; !r && i < na; i++) {
		struct ivg_vgh *h = NULL;
		struct ivg_ctx quiet;

		ivg_ctx_init(&quiet);
		if (!ivg_vg_open_id(&quiet, (struct ivg_scan *)scan, (*v)[i].name,
				    (*v)[i].vgid, &h) && want(h->vg))
			(*v)[k++] = (*v)[i];
		ivg_vg_close(h);
	}
	*n = k;
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
		       struct ivg_vgsel **v, size_t *n)
{
	return filter_vgs(ctx, scan, is_rootvg, v, n);
}

/* "a, b, c" or "none" into buf: the names, each once. */
static void join(const struct ivg_vgsel *v, size_t n, char *buf, size_t sz)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < sz; i++)
		if (!i || strcmp(v[i].name, v[i - 1].name))
			o += (size_t)snprintf(buf + o, sz - o, "%s%s",
					      o ? ", " : "", v[i].name);
	if (!n)
		snprintf(buf, sz, "none");
}

/* "a (UUID x on d0.img), a (UUID y on d1.img)": to choose among them. */
static void join_ids(const struct ivg_scan *scan, const struct ivg_vgsel *v,
		     size_t n, char *buf, size_t sz)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < sz; i++) {
		char one[1024];

		if (i && !strcmp(v[i].name, v[i - 1].name))
			continue;
		ivg_vgsel_describe(scan, v[i].name, one, sizeof(one));
		o += (size_t)snprintf(buf + o, sz - o, "%s%s (%s)", o ? ", " : "",
				      v[i].name, one);
	}
}

/* "Volume group X not found (volume groups seen: ...)" */
static int not_found(struct ivg_ctx *ctx, const struct ivg_scan *scan)
{
	struct ivg_vgsel *all = NULL;
	size_t na = 0;
	char seen[512], msg[IVG_ERRMSG_MAX];

	snprintf(msg, sizeof(msg), "%s", ivg_errmsg(ctx));
	if (all_vgs(ctx, scan, &all, &na)) {
		free(all);
		return -ENOMEM;
	}
	join(all, na, seen, sizeof(seen));
	free(all);
	return ivg_err(ctx, ENOENT, "%s (volume groups seen: %s)", msg, seen);
}

static int pick_named(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		      const char *what, const char *vgid,
		      struct ivg_vgsel *out)
{
	struct ivg_vgh *h = NULL;
	int r = ivg_vgsel_resolve(ctx, scan, what, vgid, out);

	if (r == -ENOENT)
		return not_found(ctx, scan);
	if (!r)
		r = ivg_vg_open_id(ctx, (struct ivg_scan *)scan, out->name,
				   out->vgid, &h);
	if (!r && ivg_vg_is_ivg(h->vg))
		r = ivg_err(ctx, EINVAL, "Volume group \"%s\" is an install volume group, not a root volume group",
			    out->name);
	ivg_vg_close(h);
	return r;
}

int ivg_recover_pick(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		     const char *what, const char *vgid,
		     struct ivg_vgsel *out)
{
	struct ivg_vgsel *v = NULL;
	char list[4096];
	size_t n = 0;
	int r;

	*out = (struct ivg_vgsel){ 0 };
	if (what || vgid)
		return pick_named(ctx, scan, what, vgid, out);
	r = ivg_recover_tagged(ctx, scan, &v, &n);
	if (!r && n == 1) {
		*out = v[0];
	} else if (!r && n > 1) {
		join_ids(scan, v, n, list, sizeof(list));
		r = ivg_err(ctx, EEXIST, "%zu volume groups are tagged %s: %s; name the one to recover (by its UUID, or --select vg_uuid=UUID, when names repeat)",
			    n, IVG_ROOTVG_TAG, list);
	} else if (!r) {
		free(v);
		v = NULL;
		if (!(r = all_vgs(ctx, scan, &v, &n))) {
			join(v, n, list, sizeof(list));
			r = ivg_err(ctx, ENOENT, "No root volume group found: no volume group is tagged %s (volume groups seen: %s)",
				    IVG_ROOTVG_TAG, list);
		}
	}
	free(v);
	return r;
}

void ivg_recover_booted_from(const char *cmdline, struct ivg_recover_boot *b)
{
	const char *p = cmdline;

	*b = (struct ivg_recover_boot){ .leg = -1 };
	while (p && *p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (!strncmp(p, "ivg.vg=", 7) && len - 7 <= IVG_NAME_MAX) {
			memcpy(b->vg, p + 7, len - 7);
			b->vg[len - 7] = '\0';
		} else if (!strncmp(p, "ivg.vguuid=", 11) && len - 11 < 64) {
			char v[64];

			memcpy(v, p + 11, len - 11);
			v[len - 11] = '\0';
			if (ivg_uuid_parse(v, b->vgid))
				b->vgid[0] = '\0';
		} else if (!strncmp(p, "ivg.leg=", 8) && p[8] >= '0' && p[8] <= '9') {
			b->leg = atoi(p + 8);
		}
		p += len;
	}
	if (!ivg_name_valid(b->vg))
		b->vg[0] = '\0';
}

/* The only IVG of the scan, or the one named (by its UUID too). */
static int pick_ivg(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		    const char *ivg, const char *ivgid, struct ivg_vgsel *out)
{
	struct ivg_vgsel *v = NULL;
	char list[4096];
	size_t n = 0;
	int r;

	if ((ivg && *ivg) || (ivgid && *ivgid))
		return ivg_vgsel_resolve(ctx, scan, ivg && *ivg ? ivg : NULL,
					 ivgid && *ivgid ? ivgid : NULL, out);
	if ((r = filter_vgs(ctx, scan, is_ivg, &v, &n)))
		return r;
	if (n == 1) {
		*out = v[0];
	} else {
		if (n)
			join_ids(scan, v, n, list, sizeof(list));
		else
			join(v, n, list, sizeof(list));
		r = ivg_err(ctx, n ? EEXIST : ENOENT,
			    n ? "several install volume groups (%s): cannot tell which one holds the generic boot image (--ivg names it)"
			      : "no install volume group found for the generic boot image (%s)",
			    list);
	}
	free(v);
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
			const char *ivg, const char *ivgid, int leg,
			const char *dir, char *used, size_t usedsz)
{
	struct ivg_manifest m = { 0 };
	struct ivg_vgh *h = NULL;
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	struct ivg_vgsel sel;
	char *name = sel.name, what[300], *text = NULL;
	size_t len = 0;
	int r = pick_ivg(ctx, scan, ivg, ivgid, &sel);

	if (!r)
		r = ivg_vg_open_id(ctx, (struct ivg_scan *)scan, sel.name, sel.vgid, &h);
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
