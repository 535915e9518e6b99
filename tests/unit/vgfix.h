/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgfix.h - test fixtures: a VG with N PVs on temporary image files,
 * built through the library as ivgcreate builds one (no GPT: whole-file
 * PVs). For unit tests only.
 */
#ifndef IVG_TEST_VGFIX_H
#define IVG_TEST_VGFIX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"
#include "label.h"
#include "pv.h"
#include "vg.h"

struct vgfix {
	struct ivg_ctx ctx;
	size_t n;
	char path[8][64];
	struct ivg_dev *dev[8];
	struct ivg_label label[8];
	struct ivg_vg *vg;
};

/* n PVs of 'mib' MiB each, extent size 'es' sectors; VG not yet written. */
static inline int vgfix_make(struct vgfix *f, size_t n, uint64_t mib,
			     uint32_t es)
{
	memset(f, 0, sizeof(*f));
	ivg_ctx_init(&f->ctx);
	f->n = n;
	f->vg = ivg_vg_new();
	f->vg->name = strdup("fixvg");
	f->vg->extent_size = es;
	ivg_uuid_generate(f->vg->id);
	ivg_strvec_add_once(&f->vg->status, "RESIZEABLE");
	ivg_strvec_add_once(&f->vg->status, "READ");
	ivg_strvec_add_once(&f->vg->status, "WRITE");
	for (size_t i = 0; i < n; i++) {
		struct ivg_pv *pv = ivg_vg_add_pv(f->vg);
		int fd;

		snprintf(f->path[i], sizeof(f->path[i]), "/tmp/ivg-unit-XXXXXX");
		fd = mkstemp(f->path[i]);
		if (fd < 0 || ftruncate(fd, (off_t)(mib << 20)))
			return -1;
		close(fd);
		if (ivg_dev_open(&f->ctx, f->path[i], IVG_DEV_RDWR, &f->dev[i]) ||
		    ivg_pv_plan(&f->ctx, f->path[i], mib << 20, es, pv) ||
		    ivg_pv_write(&f->ctx, f->dev[i], pv, &f->label[i]))
			return -1;
		pv->device = strdup(f->path[i]);
		ivg_strvec_add_once(&pv->status, "ALLOCATABLE");
		pv->dev = f->dev[i];
		pv->label = &f->label[i];
	}
	return 0;
}

static inline void vgfix_free(struct vgfix *f)
{
	ivg_vg_free(f->vg);
	for (size_t i = 0; i < f->n; i++) {
		ivg_dev_close(f->dev[i]);
		unlink(f->path[i]);
	}
}

#endif
