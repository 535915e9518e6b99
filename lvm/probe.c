/* SPDX-License-Identifier: GPL-2.0-or-later */
/* probe.c - signatures on a disk, through libblkid's low-level probing. */
#include "probe.h"

#include <blkid.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"

int ivg_probe_signature(struct ivg_ctx *ctx, struct ivg_dev *dev,
			char *desc, size_t desc_len)
{
	blkid_probe pr = blkid_new_probe();
	const char *type = NULL, *pttype = NULL;
	int r;

	if (!pr)
		return ivg_err(ctx, ENOMEM, "%s: cannot probe", dev->path);
	if (blkid_probe_set_device(pr, dev->fd, 0, (blkid_loff_t)dev->disk_size)) {
		blkid_free_probe(pr);
		return ivg_err(ctx, EIO, "%s: cannot probe", dev->path);
	}
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
