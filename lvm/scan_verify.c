/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scan_verify.c - has a scan gone stale? Every metadata commit rewrites
 * the header of each metadata area it touches (precommit slot, then
 * committed slot), so a scan whose headers all read back the same holds
 * the texts that are committed now.
 */
#include "scan.h"

#include <string.h>

#include "dev.h"

static bool same_header(const struct ivg_mda_header *a,
			const struct ivg_mda_header *b)
{
	for (int i = 0; i < 2; i++)
		if (a->slot[i].offset != b->slot[i].offset ||
		    a->slot[i].size != b->slot[i].size ||
		    a->slot[i].checksum != b->slot[i].checksum ||
		    a->slot[i].flags != b->slot[i].flags)
			return false;
	return a->checksum == b->checksum && a->start == b->start &&
	       a->size == b->size;
}

bool ivg_scan_changed(const struct ivg_scan *s)
{
	for (size_t i = 0; i < s->count; i++) {
		const struct ivg_scan_pv *p = &s->pvs[i];

		for (size_t k = 0; p->dev && k < p->mda_count; k++) {
			const struct ivg_disk_locn *l = &p->label.mda[k];
			const struct ivg_mda_header *then = &p->mda[k].hdr;
			struct ivg_mda_header now;
			struct ivg_ctx quiet;

			ivg_ctx_init(&quiet);
			/* A header the scan could not decode has size 0: one
			 * that is still damaged has not changed. */
			if (ivg_mda_read(&quiet, p->dev, l->offset, l->size, &now)) {
				if (then->size)
					return true;
			} else if (!same_header(&now, then)) {
				return true;
			}
		}
	}
	return false;
}
