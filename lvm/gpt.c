/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gpt.c - the IVG disk layout: plan, write (libfdisk), read (libblkid), ESP. */
#define _GNU_SOURCE
#include "gpt.h"
#include "shadow.h"
#include "toolrun.h"

#include <blkid.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdisk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <unistd.h>


#define MIB_OF(x) ((unsigned long long)((x) / IVG_MIB))
/* Sizes beyond this are nonsense and could overflow the sums below. */
#define SIZE_LIMIT (1ULL << 62)

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

/* ---- planning ---------------------------------------------------------- */

static uint64_t esp_bytes(uint64_t esp_size)
{
	return esp_size ? round_up(esp_size, IVG_MIB) : IVG_ESP_SIZE_DEFAULT;
}

static uint64_t pv_min_bytes(uint64_t min_pv_size)
{
	if (min_pv_size < IVG_PV_SIZE_MIN)
		return IVG_PV_SIZE_MIN;
	return round_up(min_pv_size, IVG_SECTOR);
}

uint64_t ivg_layout_min_disk(uint64_t esp_size, uint64_t min_pv_size)
{
	if (esp_size > SIZE_LIMIT || min_pv_size > SIZE_LIMIT)
		return UINT64_MAX;
	return IVG_ESP_START + esp_bytes(esp_size) + pv_min_bytes(min_pv_size) +
	       IVG_GPT_BACKUP_BYTES;
}

int ivg_layout_plan(struct ivg_ctx *ctx, const char *devname,
		    uint64_t disk_size, uint64_t esp_size,
		    uint64_t min_pv_size, struct ivg_layout *out)
{
	uint64_t esp = esp_bytes(esp_size), need, usable_end;

	if (esp_size > SIZE_LIMIT || min_pv_size > SIZE_LIMIT)
		return ivg_err(ctx, EINVAL, "%s: EFI system partition or PV size out of range",
			       devname);
	if (esp < IVG_ESP_SIZE_MIN)
		return ivg_err(ctx, EINVAL,
			       "%s: an EFI system partition of %llu bytes is too small: the minimum is %llu MiB",
			       devname, (unsigned long long)esp_size,
			       MIB_OF(IVG_ESP_SIZE_MIN));
	need = ivg_layout_min_disk(esp, min_pv_size);
	/* A trailing partial sector belongs to no LBA: leave it out. */
	if (disk_size / IVG_SECTOR * IVG_SECTOR < need)
		return ivg_err(ctx, ENOSPC,
			       "%s: disk of %llu bytes is too small for the IVG layout: it needs at least %llu bytes (%llu MiB BIOS boot, %llu MiB EFI system, %llu KiB PV, partition tables)",
			       devname, (unsigned long long)disk_size,
			       (unsigned long long)need, MIB_OF(IVG_BIOS_SIZE),
			       MIB_OF(esp),
			       (unsigned long long)(pv_min_bytes(min_pv_size) / 1024));
	memset(out, 0, sizeof(*out));
	usable_end = disk_size / IVG_SECTOR * IVG_SECTOR - IVG_GPT_BACKUP_BYTES;
	out->disk_size = disk_size;
	out->bios_start = IVG_BIOS_START;
	out->bios_size = IVG_BIOS_SIZE;
	out->esp_start = IVG_ESP_START;
	out->esp_size = esp;
	out->pv_start = IVG_ESP_START + esp;
	out->pv_size = usable_end - out->pv_start;
	return 0;
}

/* ---- writing with libfdisk --------------------------------------------- */

struct gpt_writer {
	struct ivg_ctx *ctx;
	struct ivg_dev *dev;
	struct fdisk_context *cxt;
	char warning[256];      /* libfdisk's last warning, for our message */
};

/* libfdisk talks through this callback; keep its warnings for errors. */
static int fdisk_ask_cb(struct fdisk_context *cxt, struct fdisk_ask *ask,
			void *data)
{
	struct gpt_writer *w = data;
	int type = fdisk_ask_get_type(ask);
	const char *msg = fdisk_ask_print_get_mesg(ask);
	int e;

	switch (type) {
	case FDISK_ASKTYPE_INFO:
		ivg_debug(w->ctx, "%s: libfdisk: %s", w->dev->path, msg);
		return 0;
	case FDISK_ASKTYPE_WARN:
		e = fdisk_ask_print_get_errno(ask);
		snprintf(w->warning, sizeof(w->warning), "%s: %s", msg,
			 strerror(e));
		return 0;
	case FDISK_ASKTYPE_WARNX:
		snprintf(w->warning, sizeof(w->warning), "%s", msg);
		return 0;
	default:
		/* Every value is given explicitly: a question is a bug. */
		return -EINVAL;
	}
}

static int fdisk_fail(struct gpt_writer *w, int rc, const char *what)
{
	if (rc >= 0)
		rc = -EIO;
	return ivg_err(w->ctx, rc, "%s: %s failed: %s%s%s%s", w->dev->path,
		       what, strerror(-rc), w->warning[0] ? " (libfdisk: " : "",
		       w->warning, w->warning[0] ? ")" : "");
}

static bool sector_aligned(uint64_t v)
{
	return v % IVG_SECTOR == 0;
}

/* Refuse layouts that are not for this disk before libfdisk sees them. */
static int check_fits(struct ivg_ctx *ctx, struct ivg_dev *dev,
		      const struct ivg_layout *l)
{
	uint64_t end = l->disk_size / IVG_SECTOR * IVG_SECTOR -
		       IVG_GPT_BACKUP_BYTES;

	if (l->disk_size != dev->disk_size)
		return ivg_err(ctx, EINVAL,
			       "%s: layout planned for %llu bytes, but the disk has %llu",
			       dev->path, (unsigned long long)l->disk_size,
			       (unsigned long long)dev->disk_size);
	if (!sector_aligned(l->bios_start | l->bios_size | l->esp_start |
			    l->esp_size | l->pv_start | l->pv_size) ||
	    !l->bios_size || !l->esp_size || !l->pv_size ||
	    l->bios_start + l->bios_size > l->esp_start ||
	    l->esp_start + l->esp_size > l->pv_start ||
	    l->pv_start > end || l->pv_size > end - l->pv_start)
		return ivg_err(ctx, EINVAL,
			       "%s: invalid layout (partitions unaligned, overlapping or beyond the last usable sector)",
			       dev->path);
	return 0;
}

static int check_device(struct gpt_writer *w, const struct ivg_layout *l)
{
	uint64_t bytes = (uint64_t)fdisk_get_nsectors(w->cxt) *
			 fdisk_get_sector_size(w->cxt);

	if (bytes != l->disk_size / IVG_SECTOR * IVG_SECTOR)
		return ivg_err(w->ctx, EINVAL,
			       "%s: libfdisk sees %llu bytes, the layout is for %llu",
			       w->dev->path, (unsigned long long)bytes,
			       (unsigned long long)l->disk_size);
	return 0;
}

static int create_label(struct gpt_writer *w, const struct ivg_layout *l)
{
	int rc = fdisk_create_disklabel(w->cxt, "gpt");

	if (rc)
		return fdisk_fail(w, rc, "creating a GPT");
	if (l->disk_guid[0]) {
		rc = fdisk_set_disklabel_id_from_string(w->cxt, l->disk_guid);
		if (rc)
			return fdisk_fail(w, rc, "setting the disk GUID");
	}
	return 0;
}

/* libfdisk may align what it is given: make sure it kept our numbers. */
static int verify_part(struct gpt_writer *w, size_t partno, uint64_t start,
		       uint64_t size)
{
	struct fdisk_partition *pa = NULL;
	uint64_t s, n;
	int rc = fdisk_get_partition(w->cxt, partno, &pa);

	if (rc)
		return fdisk_fail(w, rc, "reading back a new partition");
	s = fdisk_partition_get_start(pa) * IVG_SECTOR;
	n = fdisk_partition_get_size(pa) * IVG_SECTOR;
	fdisk_unref_partition(pa);
	if (s != start || n != size)
		return ivg_err(w->ctx, EIO,
			       "%s: libfdisk put partition %zu at %llu (+%llu bytes) instead of %llu (+%llu)",
			       w->dev->path, partno + 1, (unsigned long long)s,
			       (unsigned long long)n, (unsigned long long)start,
			       (unsigned long long)size);
	return 0;
}

static int fill_part(struct gpt_writer *w, struct fdisk_partition *pa,
		     size_t partno, uint64_t start, uint64_t size,
		     const char *name)
{
	if (fdisk_partition_set_partno(pa, partno) ||
	    fdisk_partition_set_start(pa, start / IVG_SECTOR) ||
	    fdisk_partition_set_size(pa, size / IVG_SECTOR) ||
	    fdisk_partition_size_explicit(pa, 1) ||
	    fdisk_partition_set_name(pa, name))
		return ivg_err(w->ctx, ENOMEM, "%s: out of memory",
			       w->dev->path);
	return 0;
}

static int add_part(struct gpt_writer *w, size_t partno, uint64_t start,
		    uint64_t size, const char *type, const char *name)
{
	struct fdisk_label *lb = fdisk_get_label(w->cxt, NULL);
	struct fdisk_parttype *t = fdisk_label_parse_parttype(lb, type);
	struct fdisk_partition *pa = fdisk_new_partition();
	int rc;

	if (!t || !pa) {
		rc = ivg_err(w->ctx, ENOMEM, "%s: out of memory", w->dev->path);
		goto out;
	}
	rc = fill_part(w, pa, partno, start, size, name);
	if (!rc)
		rc = fdisk_partition_set_type(pa, t);
	if (!rc) {
		rc = fdisk_add_partition(w->cxt, pa, NULL);
		if (rc)
			rc = fdisk_fail(w, rc, name);
	}
	if (!rc)
		rc = verify_part(w, partno, start, size);
out:
	fdisk_unref_partition(pa);
	if (t)
		fdisk_unref_parttype(t);
	return rc;
}

static int add_parts(struct gpt_writer *w, const struct ivg_layout *l)
{
	int rc = add_part(w, 0, l->bios_start, l->bios_size,
			  IVG_GPT_BIOS_TYPE, IVG_GPT_BIOS_NAME);

	if (!rc)
		rc = add_part(w, 1, l->esp_start, l->esp_size,
			      IVG_GPT_ESP_TYPE, IVG_GPT_ESP_NAME);
	if (!rc)
		rc = add_part(w, 2, l->pv_start, l->pv_size,
			      IVG_GPT_LVM_TYPE, IVG_GPT_PV_NAME);
	return rc;
}

/*
 * Tell the kernel about the new partitions. Loop devices without partition
 * scanning refuse (EINVAL); ivg reads the table itself, so this is advice.
 */
static void reread_table(struct gpt_writer *w)
{
	if (!w->dev->is_blockdev || ioctl(w->dev->fd, BLKRRPART) == 0)
		return;
	ivg_info(w->ctx, "%s: the kernel did not re-read the partition table (%s)",
		 w->dev->path, strerror(errno));
}

/* libfdisk sees a scratch copy (a file): the disk's sectors are ours to check. */
static int check_sector_size(struct gpt_writer *w)
{
	int ssz = IVG_SECTOR;

	if (w->dev->is_blockdev && ioctl(w->dev->fd, BLKSSZGET, &ssz) < 0)
		return ivg_err(w->ctx, errno, "%s: cannot get the sector size: %s",
			       w->dev->path, strerror(errno));
	if (ssz != IVG_SECTOR)
		return ivg_err(w->ctx, EINVAL,
			       "%s: has %d-byte sectors; the IVG layout needs 512-byte sectors",
			       w->dev->path, ssz);
	return 0;
}

/* libfdisk writes the table into 'path' (the scratch copy). */
static int write_table(struct gpt_writer *w, const char *path,
		       const struct ivg_layout *l)
{
	int rc = fdisk_assign_device(w->cxt, path, 0);

	if (rc)
		return ivg_err(w->ctx, rc, "%s: cannot open for partitioning: %s",
			       w->dev->path, strerror(-rc));
	rc = check_device(w, l);
	if (!rc)
		rc = create_label(w, l);
	if (!rc)
		rc = add_parts(w, l);
	if (rc)
		return rc;
	rc = fdisk_write_disklabel(w->cxt);
	if (rc)
		return fdisk_fail(w, rc, "writing the partition table");
	rc = fdisk_deassign_device(w->cxt, 1);
	if (rc)
		return fdisk_fail(w, rc, "closing the partition table");
	return 0;
}

/*
 * libfdisk writes the protective MBR and primary GPT in the first MiB and
 * the backup GPT in the last 33 sectors (and the trailing partial sector
 * of an odd-sized image, which it never touches). The backup goes to the
 * disk first, as libfdisk itself orders it.
 */
static int shadow_table_areas(struct ivg_ctx *ctx, struct ivg_shadow *sh,
			      const struct ivg_layout *l)
{
	uint64_t tail = l->disk_size / IVG_SECTOR * IVG_SECTOR - IVG_GPT_BACKUP_BYTES;
	int rc = ivg_shadow_take(ctx, sh, tail, l->disk_size / IVG_SECTOR * IVG_SECTOR - tail,
				 false);

	return rc ? rc : ivg_shadow_take(ctx, sh, 0, IVG_BIOS_START, false);
}

int ivg_gpt_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
		  const struct ivg_layout *layout)
{
	struct gpt_writer w = { .ctx = ctx, .dev = dev };
	struct ivg_shadow *sh = NULL;
	int rc;

	if (!dev->rdwr)
		return ivg_err(ctx, EROFS,
			       "%s: opened read-only, not writing a partition table",
			       dev->path);
	rc = check_fits(ctx, dev, layout);
	if (!rc)
		rc = check_sector_size(&w);
	if (!rc)
		rc = ivg_shadow_new(ctx, dev, &sh);
	if (!rc)
		rc = shadow_table_areas(ctx, sh, layout);
	if (!rc && !(w.cxt = fdisk_new_context()))
		rc = ivg_err(ctx, ENOMEM, "%s: out of memory", dev->path);
	if (!rc) {
		fdisk_set_ask(w.cxt, fdisk_ask_cb, &w);
		fdisk_disable_dialogs(w.cxt, 1);
		rc = write_table(&w, ivg_shadow_path(sh), layout);
	}
	fdisk_unref_context(w.cxt);
	if (!rc)
		rc = ivg_shadow_commit(ctx, sh);
	ivg_shadow_free(sh);
	if (!rc)
		reread_table(&w);
	return rc;
}

/* ---- reading with libblkid --------------------------------------------- */

struct gpt_reader {
	blkid_probe pr;
	blkid_partlist ls;
	blkid_parttable tab;
	const char *pttype;     /* "gpt", "dos", ... */
};

static void reader_close(struct gpt_reader *r)
{
	if (r->pr)
		blkid_free_probe(r->pr);
	memset(r, 0, sizeof(*r));
}

/* Probe the whole disk; -ENOENT if it has no partition table at all. */
static int reader_open(struct ivg_ctx *ctx, struct ivg_dev *dev,
		       struct gpt_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->pr = blkid_new_probe();
	if (!r->pr)
		return ivg_err(ctx, ENOMEM, "%s: out of memory", dev->path);
	if (blkid_probe_set_device(r->pr, dev->fd, 0,
				   (blkid_loff_t)dev->disk_size)) {
		reader_close(r);
		return ivg_err(ctx, EIO, "%s: libblkid cannot probe the device",
			       dev->path);
	}
	blkid_probe_enable_superblocks(r->pr, 0);
	blkid_probe_enable_partitions(r->pr, 1);
	r->ls = blkid_probe_get_partitions(r->pr);
	r->tab = r->ls ? blkid_partlist_get_table(r->ls) : NULL;
	if (!r->tab) {
		reader_close(r);
		return ivg_err(ctx, ENOENT, "%s: no partition table", dev->path);
	}
	r->pttype = blkid_parttable_get_type(r->tab);
	return 0;
}

static bool is_gpt_type(blkid_partition par, const char *guid)
{
	const char *t = blkid_partition_get_type_string(par);

	return t && strcasecmp(t, guid) == 0;
}

static bool is_lvm(blkid_partition par)
{
	blkid_parttable tab = blkid_partition_get_table(par);
	const char *tt = tab ? blkid_parttable_get_type(tab) : NULL;

	if (tt && strcmp(tt, "dos") == 0)
		return blkid_partition_get_type(par) == IVG_MBR_LVM_TYPE;
	return is_gpt_type(par, IVG_GPT_LVM_TYPE);
}

/* First partition matching 'match' (guid NULL: LVM by GPT or MBR type). */
static blkid_partition find_part(struct gpt_reader *r, const char *guid)
{
	int i, n = blkid_partlist_numof_partitions(r->ls);

	for (i = 0; i < n; i++) {
		blkid_partition par = blkid_partlist_get_partition(r->ls, i);

		if (!par)
			continue;
		if (guid ? is_gpt_type(par, guid) : is_lvm(par))
			return par;
	}
	return NULL;
}

/*
 * Where a partition lies, in bytes; -ERANGE naming it when the table puts
 * it outside the disk (or at a negative place, or of no size): a table is
 * data from the disk, and what lies in a partition is read and written.
 */
static int part_range(struct ivg_ctx *ctx, const struct ivg_dev *dev,
		      blkid_partition par, uint64_t *start, uint64_t *size)
{
	/* libblkid counts in 512-byte sectors whatever the device's. */
	blkid_loff_t s = blkid_partition_get_start(par);
	blkid_loff_t n = blkid_partition_get_size(par);
	uint64_t sectors = dev->disk_size / IVG_SECTOR;

	if (s < 0 || n <= 0 || (uint64_t)s > sectors ||
	    (uint64_t)n > sectors - (uint64_t)s)
		return ivg_err(ctx, ERANGE,
			       "%s: partition %d at sector %lld (%lld sectors) lies outside the disk (%llu sectors)",
			       dev->path, blkid_partition_get_partno(par),
			       (long long)s, (long long)n,
			       (unsigned long long)sectors);
	*start = (uint64_t)s * IVG_SECTOR;
	*size = (uint64_t)n * IVG_SECTOR;
	return 0;
}

int ivg_gpt_find_pv(struct ivg_ctx *ctx, struct ivg_dev *dev,
		    uint64_t *start, uint64_t *size, int *partno)
{
	struct gpt_reader r;
	blkid_partition par;
	int rc = reader_open(ctx, dev, &r);

	if (rc)
		return rc;
	par = find_part(&r, NULL);
	if (!par)
		rc = ivg_err(ctx, ENOENT, "%s: no LVM partition in its %s partition table",
			     dev->path, r.pttype ? r.pttype : "unknown");
	else
		rc = part_range(ctx, dev, par, start, size);
	if (!rc && partno)
		*partno = blkid_partition_get_partno(par);
	reader_close(&r);
	return rc;
}

static void copy_guid(char dst[37], const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i < 36; i++)
		dst[i] = (char)toupper((unsigned char)src[i]);
	dst[i] = '\0';
}

static bool parts_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Boot records are written into the first two: they must not meet the PV. */
static int check_apart(struct ivg_ctx *ctx, const struct ivg_dev *dev,
		       const struct ivg_layout *l)
{
	const char *what = NULL;

	if (parts_meet(l->bios_start, l->bios_size, l->pv_start, l->pv_size))
		what = "the BIOS boot partition overlaps the LVM partition";
	else if (parts_meet(l->esp_start, l->esp_size, l->pv_start, l->pv_size))
		what = "the EFI system partition overlaps the LVM partition";
	else if (parts_meet(l->bios_start, l->bios_size, l->esp_start, l->esp_size))
		what = "the BIOS boot partition overlaps the EFI system partition";
	return what ? ivg_err(ctx, ERANGE, "%s: %s", dev->path, what) : 0;
}

/*
 * Fill out from the table; *miss says what is missing as a bit set.
 * -ERANGE when a partition lies outside the disk.
 */
static int layout_from(struct ivg_ctx *ctx, const struct ivg_dev *dev,
		       struct gpt_reader *r, struct ivg_layout *out,
		       unsigned *miss)
{
	blkid_partition bios = find_part(r, IVG_GPT_BIOS_TYPE);
	blkid_partition esp = find_part(r, IVG_GPT_ESP_TYPE);
	blkid_partition pv = find_part(r, IVG_GPT_LVM_TYPE);
	int rc = 0;

	if (bios)
		rc = part_range(ctx, dev, bios, &out->bios_start, &out->bios_size);
	if (!rc && esp)
		rc = part_range(ctx, dev, esp, &out->esp_start, &out->esp_size);
	if (!rc && pv)
		rc = part_range(ctx, dev, pv, &out->pv_start, &out->pv_size);
	copy_guid(out->disk_guid, blkid_parttable_get_id(r->tab));
	*miss = (bios ? 0 : 1) | (esp ? 0 : 2) | (pv ? 0 : 4);
	if (!rc && !*miss)
		rc = check_apart(ctx, dev, out);
	return rc;
}

static int missing_err(struct ivg_ctx *ctx, const char *path, unsigned miss)
{
	return ivg_err(ctx, ENOENT,
		       "%s: not bootable: its GPT lacks%s%s%s",
		       path, (miss & 1) ? " a BIOS boot partition" : "",
		       (miss & 2) ? ((miss & 1) ? ", an EFI system partition" :
				     " an EFI system partition") : "",
		       (miss & 4) ? ((miss & 3) ? ", an LVM partition" :
				     " an LVM partition") : "");
}

int ivg_gpt_check_layout(struct ivg_ctx *ctx, struct ivg_dev *dev,
			 struct ivg_layout *out)
{
	struct gpt_reader r;
	unsigned miss;
	int rc = reader_open(ctx, dev, &r);

	if (rc == -ENOENT)
		return ivg_err(ctx, rc, "%s: not bootable: no partition table",
			       dev->path);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	out->disk_size = dev->disk_size;
	if (!r.pttype || strcmp(r.pttype, "gpt") != 0) {
		rc = ivg_err(ctx, ENOENT,
			     "%s: not bootable: it has a%s %s partition table, not a GPT",
			     dev->path, r.pttype && r.pttype[0] == 'a' ? "n" : "",
			     r.pttype ? r.pttype : "unknown");
	} else if (!(rc = layout_from(ctx, dev, &r, out, &miss)) && miss) {
		rc = missing_err(ctx, dev->path, miss);
	}
	reader_close(&r);
	return rc;
}

/* ---- the FAT filesystem of the ESP, with mtools ----------------------- */

static bool label_ok(const char *label)
{
	size_t n = strlen(label);

	if (n == 0 || n > 11)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)label[i]) && !strchr(" _-", label[i]))
			return false;
	return true;
}

static int esp_args_ok(struct ivg_ctx *ctx, const char *path, uint64_t offset,
		       uint64_t size, const char *label)
{
	if (strstr(path, "@@") || strlen(path) > 4000)
		return ivg_err(ctx, EINVAL, "%s: mtools cannot address this path ('@@' in it, or too long)",
			       path);
	if (!sector_aligned(offset) || !sector_aligned(size) || !size)
		return ivg_err(ctx, EINVAL,
			       "%s: EFI system partition at %llu (+%llu bytes) is not in whole 512-byte sectors",
			       path, (unsigned long long)offset,
			       (unsigned long long)size);
	if (label && !label_ok(label))
		return ivg_err(ctx, EINVAL,
			       "%s: FAT label \"%s\" must be 1-11 letters, digits, spaces, '_' or '-'",
			       path, label);
	return 0;
}

static int esp_open(struct ivg_ctx *ctx, const char *path, uint64_t offset,
		    uint64_t size, struct ivg_dev **out)
{
	int rc = ivg_dev_open(ctx, path, IVG_DEV_RDWR, out);

	if (!rc && (offset > (*out)->disk_size || size > (*out)->disk_size - offset))
		rc = ivg_err(ctx, ERANGE,
			     "%s: EFI system partition at %llu (+%llu bytes) is beyond the end of the disk (%llu bytes)",
			     path, (unsigned long long)offset,
			     (unsigned long long)size,
			     (unsigned long long)(*out)->disk_size);
	if (rc) {
		ivg_dev_close(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * mformat puts a fake MBR entry "pointing to itself" into the boot sector,
 * sized from the rest of the file, not from -T. GRUB then warns about an
 * improperly nested partition (gptN,msdos1) and a firmware may probe it.
 * mkfs.fat leaves these 64 bytes zero; so do we, in the boot sector and in
 * the FAT32 backup boot sector (BPB word at 0x32), which must stay equal.
 */
static int clear_fake_mbr_at(struct ivg_ctx *ctx, struct ivg_dev *dev,
			     uint64_t off)
{
	unsigned char sec[IVG_SECTOR];
	int rc = ivg_dev_pread_abs(ctx, dev, sec, sizeof(sec), off);

	if (rc)
		return rc;
	if (sec[510] != 0x55 || sec[511] != 0xaa)
		return ivg_err(ctx, EIO, "%s: no FAT boot sector at %llu after mformat",
			       dev->path, (unsigned long long)off);
	memset(sec + 0x1be, 0, 64);
	return ivg_dev_pwrite_abs(ctx, dev, sec, sizeof(sec), off);
}

static int clear_fake_mbr(struct ivg_ctx *ctx, struct ivg_dev *dev,
			  uint64_t offset, uint64_t size)
{
	unsigned char bpb[0x34];
	unsigned backup;
	int rc = ivg_dev_pread_abs(ctx, dev, bpb, sizeof(bpb), offset);

	if (!rc)
		rc = clear_fake_mbr_at(ctx, dev, offset);
	if (rc)
		return rc;
	/* FAT32 has a zero 16-bit FAT size (0x16) and a backup sector. */
	backup = bpb[0x32] | (unsigned)bpb[0x33] << 8;
	if (bpb[0x16] || bpb[0x17] || !backup || backup == 0xffff ||
	    backup * IVG_SECTOR >= size)
		return 0;
	return clear_fake_mbr_at(ctx, dev, offset + backup * IVG_SECTOR);
}

/* FAT32 needs 65525 clusters; mformat -F refuses below about 33 MiB. */
#define FAT32_MIN_BYTES (33 * IVG_MIB)

static void mformat_argv(char *argv[], char *image, char *total,
			 char *hidden, uint64_t size, const char *label)
{
	int argc = 0;

	argv[argc++] = "mformat";
	argv[argc++] = "-i";
	argv[argc++] = image;
	argv[argc++] = "-T";
	argv[argc++] = total;
	/* The usual LBA geometry (mkfs.fat's too); no firmware reads it. */
	argv[argc++] = "-h";
	argv[argc++] = "64";
	argv[argc++] = "-s";
	argv[argc++] = "32";
	argv[argc++] = "-H";
	argv[argc++] = hidden;
	if (size >= FAT32_MIN_BYTES)
		argv[argc++] = "-F";
	if (label) {
		argv[argc++] = "-v";
		argv[argc++] = (char *)label;
	}
	argv[argc++] = "::";
	argv[argc] = NULL;
}

/*
 * mformat formats a blank scratch copy of the ESP (shadow.h), so the
 * partition ends up exactly the new FAT: mformat itself writes only some
 * fields of the FAT32 reserved sectors (FSINFO's trailing signature, for
 * one), and stale bytes of an earlier use would make fsck.fat complain.
 */
int ivg_esp_format(struct ivg_ctx *ctx, const char *path, uint64_t offset,
		   uint64_t size, const char *label)
{
	char image[64 + 32], total[24], hidden[24], what[4200];
	char *argv[16], *mtools_env[] = { "MTOOLS_SKIP_CHECK=1", NULL };
	struct ivg_dev *dev = NULL;
	struct ivg_shadow *sh = NULL;
	int rc = esp_args_ok(ctx, path, offset, size, label);

	if (!rc)
		rc = esp_open(ctx, path, offset, size, &dev);
	if (!rc)
		rc = ivg_shadow_new(ctx, dev, &sh);
	if (!rc)
		rc = ivg_shadow_take(ctx, sh, offset, size, true);
	if (rc)
		goto out;
	snprintf(image, sizeof(image), "%s@@%llu", ivg_shadow_path(sh),
		 (unsigned long long)offset);
	snprintf(total, sizeof(total), "%llu",
		 (unsigned long long)(size / IVG_SECTOR));
	/* Hidden sectors = the partition's LBA, as mkfs.fat records it. */
	snprintf(hidden, sizeof(hidden), "%llu",
		 (unsigned long long)(offset / IVG_SECTOR));
	snprintf(what, sizeof(what), "%s: formatting the EFI system partition at %llu (+%llu bytes) with mtools",
		 path, (unsigned long long)offset, (unsigned long long)size);
	mformat_argv(argv, image, total, hidden, size, label);
	/* MTOOLS_SKIP_CHECK: no nagging about the geometry. */
	rc = ivg_spawn_timed(ctx, what, argv, mtools_env, -1, IVG_MTOOLS_TIMEOUT);
	if (!rc)
		rc = clear_fake_mbr(ctx, ivg_shadow_dev(sh), offset, size);
	if (!rc)
		rc = ivg_shadow_commit(ctx, sh);
out:
	ivg_shadow_free(sh);
	ivg_dev_close(dev);
	return rc;
}
