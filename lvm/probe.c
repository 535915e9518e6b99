/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c - signatures on a disk, through libblkid's low-level probing. */
#include "probe.h"

#include <blkid.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"

static blkid_probe new_probe(struct ivg_ctx *ctx, struct ivg_dev *dev,
			      int *r)
{
	blkid_probe pr = blkid_new_probe();

	*r = 0;
	if (!pr) {
		*r = ivg_err(ctx, ENOMEM, "%s: cannot probe", dev->path);
		return NULL;
	}
	if (blkid_probe_set_device(pr, dev->fd, 0, (blkid_loff_t)dev->disk_size)) {
		blkid_free_probe(pr);
		*r = ivg_err(ctx, EIO, "%s: cannot probe", dev->path);
		return NULL;
	}
	return pr;
}

enum { MAX_SIGS = 64 };

struct sig {
	uint64_t off;
	size_t len;
};

/* Where the last blkid_do_probe found its magic, as blkid_do_wipe reads it. */
static bool magic_of(blkid_probe pr, struct sig *s)
{
	const char *off = NULL;
	size_t len = 0;

	if (blkid_probe_lookup_value(pr, "SBMAGIC_OFFSET", &off, NULL) == 0)
		blkid_probe_lookup_value(pr, "SBMAGIC", NULL, &len);
	else if (blkid_probe_lookup_value(pr, "PTMAGIC_OFFSET", &off, NULL) == 0)
		blkid_probe_lookup_value(pr, "PTMAGIC", NULL, &len);
	if (!off || !len)
		return false;
	s->off = strtoull(off, NULL, 10);
	s->len = len;
	return true;
}

static bool seen(const struct sig *v, size_t n, const struct sig *s)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].off == s->off && v[i].len == s->len)
			return true;
	return false;
}

/*
 * Find every signature first, as wipefs --no-act does: blkid_do_wipe in
 * dry-run mode hides the magic from the probe, which then finds the next
 * one (the backup GPT after the primary, say). Nothing is written yet.
 */
static int find_signatures(struct ivg_ctx *ctx, struct ivg_dev *dev,
			   blkid_probe pr, struct sig *v, size_t *n)
{
	*n = 0;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_BADCSUM |
					  BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT);
	while (blkid_do_probe(pr) == 0) {
		const char *type = NULL;
		struct sig s;

		if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL))
			blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL);
		if (!magic_of(pr, &s))
			continue;
		if (seen(v, *n, &s) || *n == MAX_SIGS || s.len > 4096)
			return ivg_err(ctx, EIO, "%s: cannot wipe the %s signature at %llu (libblkid finds it again, or too many); nothing written",
				       dev->path, type ? type : "found",
				       (unsigned long long)s.off);
		ivg_info(ctx, "%s: wiping %s signature at %llu", dev->path,
			 type ? type : "a", (unsigned long long)s.off);
		v[(*n)++] = s;
		if (blkid_do_wipe(pr, 1))
			return ivg_err(ctx, EIO, "%s: cannot probe past the %s signature",
				       dev->path, type ? type : "found");
	}
	return 0;
}

int ivg_probe_wipe(struct ivg_ctx *ctx, struct ivg_dev *dev)
{
	static const char zero[4096];
	struct sig v[MAX_SIGS];
	size_t n = 0;
	int r;
	blkid_probe pr;

	if (!dev->rdwr)
		return ivg_err(ctx, EROFS, "%s: opened read-only", dev->path);
	pr = new_probe(ctx, dev, &r);
	if (!pr)
		return r;
	r = find_signatures(ctx, dev, pr, v, &n);
	blkid_free_probe(pr);
	/* The zeroes go through the device layer: each is a fault point. */
	for (size_t i = 0; !r && i < n; i++)
		r = ivg_dev_pwrite_abs(ctx, dev, zero, v[i].len, v[i].off);
	return r || !n ? r : ivg_dev_sync(ctx, dev);
}

int ivg_probe_signature(struct ivg_ctx *ctx, struct ivg_dev *dev,
			char *desc, size_t desc_len)
{
	const char *type = NULL, *pttype = NULL;
	int r;
	blkid_probe pr = new_probe(ctx, dev, &r);

	if (!pr)
		return r;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
	r = blkid_do_safeprobe(pr);
	if (r < 0 && r != -2) {
		blkid_free_probe(pr);
		return ivg_err(ctx, EIO, "%s: cannot probe for signatures",
			       dev->path);
	}
	if (r == -2) {
		snprintf(desc, desc_len, "ambivalent signatures");
		blkid_free_probe(pr);
		return 1;
	}
	blkid_probe_lookup_value(pr, "TYPE", &type, NULL);
	blkid_probe_lookup_value(pr, "PTTYPE", &pttype, NULL);
	if (pttype)
		snprintf(desc, desc_len, "%s partition table", pttype);
	else if (type)
		snprintf(desc, desc_len, "%s", type);
	r = (type || pttype) ? 1 : 0;
	blkid_free_probe(pr);
	return r;
}
