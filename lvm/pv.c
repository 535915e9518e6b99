/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pv.c - PV geometry and its label and metadata area. */
#include "pv.h"

#include <errno.h>
#include <string.h>

#include "dev.h"
#include "mda.h"

int ivg_pv_plan(struct ivg_ctx *ctx, const char *devname, uint64_t bytes,
		uint32_t extent_size, struct ivg_pv *pv)
{
	uint64_t eb = (uint64_t)extent_size * 512;

	if (bytes < IVG_PE_START + eb)
		return ivg_err(ctx, ENOSPC,
			       "%s: %llu bytes is too small for a PV with one %llu-byte extent",
			       devname, (unsigned long long)bytes,
			       (unsigned long long)eb);
	if (!pv->id[0] && ivg_uuid_generate(pv->id))
		return ivg_err(ctx, EIO, "cannot generate a UUID");
	pv->dev_size = bytes / 512;
	pv->pe_start = IVG_PE_START / 512;
	pv->pe_count = (bytes - IVG_PE_START) / eb;
	return 0;
}

static void label_for(const struct ivg_pv *pv, struct ivg_label *label)
{
	memset(label, 0, sizeof(*label));
	label->sector = IVG_LABEL_SECTOR;
	memcpy(label->pv_uuid, pv->id, IVG_UUID_LEN);
	label->dev_size = pv->dev_size * 512;
	label->data.offset = pv->pe_start * 512;
	label->data.size = 0;
	label->mda_count = 1;
	label->mda[0].offset = IVG_MDA_START;
	label->mda[0].size = IVG_MDA_SIZE;
	label->ext_version = IVG_PV_EXT_VERSION;
	label->ext_flags = IVG_PV_EXT_USED;
}

int ivg_pv_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
		 const struct ivg_pv *pv, struct ivg_label *label)
{
	int r;

	label_for(pv, label);
	r = ivg_mda_init(ctx, dev, IVG_MDA_START, IVG_MDA_SIZE);
	if (!r)
		r = ivg_label_write(ctx, dev, label);
	return r;
}

int ivg_pv_write_orphan(struct ivg_ctx *ctx, struct ivg_dev *dev,
			const struct ivg_pv *pv)
{
	struct ivg_label label;
	int r;

	label_for(pv, &label);
	label.ext_flags &= ~IVG_PV_EXT_USED;
	r = ivg_label_write(ctx, dev, &label);
	if (!r)
		r = ivg_mda_init(ctx, dev, IVG_MDA_START, IVG_MDA_SIZE);
	return r;
}
