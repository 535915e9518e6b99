/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioboot.c - boot type and device lists to firmware boot order. */
#define _GNU_SOURCE
#include "vioboot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append list l's VTDs that are not in order[0, n) yet. */
static size_t add_list(const struct vio_lpar *lp, enum vio_list l,
		       size_t order[VIO_LIST_MAX], size_t n)
{
	for (size_t i = 0; i < lp->nlist[l] && n < VIO_LIST_MAX; i++) {
		const struct vio_vtd *v = vio_lpar_vtd(lp, lp->list[l][i]);
		size_t k = v ? (size_t)(v - lp->vtds) : 0, j = 0;

		while (v && j < n && order[j] != k)
			j++;
		if (v && j == n)
			order[n++] = k;
	}
	return n;
}

size_t vio_boot_order(const struct vio_lpar *lp, enum vio_boot_type mode,
		      size_t order[VIO_LIST_MAX])
{
	enum vio_list l = mode == VIO_BOOT_INSTALL ? VIO_LIST_INSTALL :
			  mode == VIO_BOOT_MAINTENANCE ? VIO_LIST_MAINTENANCE :
			  VIO_LIST_NORMAL;
	size_t n;

	if (l == VIO_LIST_NORMAL && lp->nlist[l] == 0)
		l = VIO_LIST_ROOTVG;
	n = add_list(lp, l, order, 0);
	/* A normal boot falls back to the IVG: the maintenance list (else
	 * the install list) after the root disks, for a root disk that the
	 * firmware cannot load (a boot LV that fails GRUB's check is GRUB's
	 * own fall-back, boot/rootboot.c). */
	if (mode == VIO_BOOT_NORMAL)
		n = add_list(lp, lp->nlist[VIO_LIST_MAINTENANCE] ? VIO_LIST_MAINTENANCE :
			     VIO_LIST_INSTALL, order, n);
	return n;
}

char *vio_boot_info(const struct vio_lpar *lp, enum vio_boot_type mode)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "lpar %s\nboot_type %s\n", lp->name, vio_boot_type_name(mode));
	for (unsigned l = 0; l < VIO_NLISTS; l++) {
		fputs(vio_list_name((enum vio_list)l), f);
		for (size_t i = 0; i < lp->nlist[l]; i++) {
			const struct vio_vtd *v = vio_lpar_vtd(lp, lp->list[l][i]);

			if (v)
				fprintf(f, " %s@%u:%u", v->name, v->scsi_id, v->lun);
		}
		fputc('\n', f);
	}
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}
