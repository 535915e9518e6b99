/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioboot.c - boot type and device lists to firmware boot order. */
#include "vioboot.h"

#include <string.h>

size_t vio_boot_order(const struct vio_host *h, const struct vio_lpar *lp,
		      enum vio_boot_type mode,
		      const struct vio_vtd *order[VIO_LIST_MAX])
{
	enum vio_list l = mode == VIO_BOOT_INSTALL ? VIO_LIST_INSTALL :
			  mode == VIO_BOOT_MAINTENANCE ? VIO_LIST_MAINTENANCE :
			  VIO_LIST_NORMAL;
	size_t n = 0;

	if (l == VIO_LIST_NORMAL && lp->nlist[l] == 0)
		l = VIO_LIST_ROOTVG;
	for (size_t i = 0; i < lp->nlist[l]; i++) {
		const struct vio_vtd *v = vio_host_vtd(h, lp->list[l][i]);

		if (v && !strcmp(v->lpar, lp->name))
			order[n++] = v;
	}
	return n;
}

bool vio_boot_nonessential(const struct vio_lpar *lp, const char *vtd)
{
	for (size_t i = 0; i < lp->nlist[VIO_LIST_NONESSENTIAL]; i++)
		if (!strcmp(lp->list[VIO_LIST_NONESSENTIAL][i], vtd))
			return true;
	return false;
}

void vio_boot_info(const struct vio_host *h, const struct vio_lpar *lp,
		   enum vio_boot_type mode, FILE *out)
{
	fprintf(out, "lpar %s\nboot_type %s\n", lp->name, vio_boot_type_name(mode));
	for (unsigned l = 0; l < VIO_NLISTS; l++) {
		fputs(vio_list_name((enum vio_list)l), out);
		for (size_t i = 0; i < lp->nlist[l]; i++) {
			const struct vio_vtd *v = vio_host_vtd(h, lp->list[l][i]);

			if (v)
				fprintf(out, " %s@%u:%u", v->name, v->scsi_id, v->lun);
		}
		fputc('\n', out);
	}
}
