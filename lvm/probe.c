/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c - signatures on a disk, through libblkid's low-level probing. */
#include "probe.h"

#include <blkid.h>
#include <errno.h>
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

int ivg_probe_wipe(struct ivg_ctx *ctx, struct ivg_dev *dev)
{
	int r;
	blkid_probe pr = new_probe(ctx, dev, &r);

	if (!pr)
		return r;
	if (!dev->rdwr) {
		blkid_free_probe(pr);
		return ivg_err(ctx, EROFS, "%s: opened read-only", dev->path);
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_BADCSUM);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT);
	/* blkid_do_wipe zeroes the magic found by the last blkid_do_probe. */
	while (!r && blkid_do_probe(pr) == 0) {
		const char *type = NULL;

		if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL))
			blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL);
		ivg_info(ctx, "%s: wiping %s signature", dev->path,
			 type ? type : "a");
		if (blkid_do_wipe(pr, 0))
			r = ivg_err(ctx, EIO, "%s: cannot wipe the %s signature",
				    dev->path, type ? type : "found");
	}
	blkid_free_probe(pr);
	if (!r && fsync(dev->fd) < 0)
		r = ivg_err(ctx, errno, "%s: sync failed", dev->path);
	return r;
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
