/* SPDX-License-Identifier: GPL-2.0-or-later */
/* efivar.c - Boot#### and BootOrder through efivarfs (efivar.h). */
#define _GNU_SOURCE
#include "efivar.h"

#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "gpt.h"

#define EFIVARFS_MAGIC 0xde5e81e4

int ivg_efivar_check(struct ivg_ctx *ctx, const char *dir)
{
	struct statfs s;

	if (access("/sys/firmware/efi", F_OK) && !strcmp(dir, IVG_EFIVARFS_DIR))
		return ivg_err(ctx, ENOENT, "this machine did not boot through UEFI firmware (no /sys/firmware/efi): no firmware boot entries to set");
	if (statfs(dir, &s) || (unsigned long)s.f_type != EFIVARFS_MAGIC)
		return ivg_err(ctx, ENOENT, "%s: efivarfs is not mounted there (mount -t efivarfs efivarfs %s)",
			       dir, dir);
	return 0;
}

static void var_path(char *p, size_t sz, const char *dir, const char *name)
{
	snprintf(p, sz, "%s/%s-%s", dir, name, IVG_EFI_GLOBAL_GUID);
}

int ivg_efivar_read(struct ivg_ctx *ctx, const char *dir, const char *name,
		    uint8_t **data, size_t *len)
{
	char p[PATH_MAX];
	uint8_t buf[65536];
	ssize_t n;
	int fd;

	var_path(p, sizeof(p), dir, name);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return ivg_err(ctx, errno, "%s: %s", p, strerror(errno));
	/* efivarfs wants the whole variable in one read. */
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 4)
		return ivg_err(ctx, n < 0 ? errno : EINVAL, "%s: %s", p,
			       n < 0 ? strerror(errno) : "shorter than its attributes");
	*len = (size_t)n - 4;
	if (!(*data = malloc(*len ? *len : 1)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	memcpy(*data, buf + 4, *len);
	return 0;
}

/* efivarfs marks variables immutable; a rewrite clears the flag. */
static void make_mutable(const char *p)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC), flags;

	if (fd < 0)
		return;
	if (!ioctl(fd, FS_IOC_GETFLAGS, &flags) && (flags & FS_IMMUTABLE_FL)) {
		flags &= ~FS_IMMUTABLE_FL;
		ioctl(fd, FS_IOC_SETFLAGS, &flags);
	}
	close(fd);
}

int ivg_efivar_write(struct ivg_ctx *ctx, const char *dir, const char *name,
		     const uint8_t *data, size_t len)
{
	char p[PATH_MAX];
	uint8_t *buf = malloc(len + 4);
	struct statfs s;
	ssize_t n;
	int fd, r = 0;

	if (!buf)
		return ivg_err(ctx, ENOMEM, "out of memory");
	var_path(p, sizeof(p), dir, name);
	for (int i = 0; i < 4; i++)
		buf[i] = (uint8_t)(IVG_EFIVAR_ATTRS >> (8 * i));
	memcpy(buf + 4, data, len);
	make_mutable(p);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(buf);
		return ivg_err(ctx, errno, "%s: cannot write: %s", p, strerror(errno));
	}
	n = write(fd, buf, len + 4);
	if (n != (ssize_t)(len + 4))
		r = ivg_err(ctx, n < 0 ? errno : EIO, "%s: firmware refused the write: %s",
			    p, n < 0 ? strerror(errno) : "short write");
	/* On a plain directory (tests), drop a longer old value's tail. */
	else if (!fstatfs(fd, &s) && (unsigned long)s.f_type != EFIVARFS_MAGIC &&
		 ftruncate(fd, (off_t)(len + 4)))
		r = ivg_err(ctx, errno, "%s: %s", p, strerror(errno));
	close(fd);
	free(buf);
	return r;
}

int ivg_efi_esp_node(struct ivg_ctx *ctx, const char *disk,
		     struct ivg_hd_node *hd)
{
	blkid_probe pr = blkid_new_probe_from_filename(disk);
	blkid_partlist ls;
	int r = -ENOENT;

	if (!pr)
		return ivg_err(ctx, errno ? errno : EIO, "%s: cannot probe: %s", disk,
			       strerror(errno ? errno : EIO));
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	ls = blkid_probe_get_partitions(pr);
	for (int i = 0; ls && i < blkid_partlist_numof_partitions(ls); i++) {
		blkid_partition p = blkid_partlist_get_partition(ls, i);
		const char *type = blkid_partition_get_type_string(p);
		const char *uuid = blkid_partition_get_uuid(p);

		if (!type || strcasecmp(type, IVG_GPT_ESP_TYPE) || !uuid)
			continue;
		hd->partno = (uint32_t)blkid_partition_get_partno(p);
		hd->start = (uint64_t)blkid_partition_get_start(p);
		hd->size = (uint64_t)blkid_partition_get_size(p);
		r = ivg_guid_to_efi(ctx, uuid, hd->sig);
		break;
	}
	blkid_free_probe(pr);
	if (r == -ENOENT)
		return ivg_err(ctx, ENOENT, "%s: no EFI system partition in a GPT", disk);
	return r;
}

/* The Boot#### numbers that exist, by a look at the directory. */
static void existing_entries(const char *dir, bool *used)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char tail[64];
	unsigned num;

	snprintf(tail, sizeof(tail), "-%s", IVG_EFI_GLOBAL_GUID);
	while (d && (e = readdir(d)))
		if (strlen(e->d_name) == 8 + strlen(tail) &&
		    !strncmp(e->d_name, "Boot", 4) && !strcmp(e->d_name + 8, tail) &&
		    sscanf(e->d_name + 4, "%4X", &num) == 1)
			used[num] = true;
	if (d)
		closedir(d);
}

/* The existing entry booting the ESP with this signature, or -1. */
static int entry_for(struct ivg_ctx *ctx, const char *dir, const bool *used,
		     const uint8_t sig[16])
{
	for (unsigned num = 0; num < 0x10000; num++) {
		struct ivg_ctx quiet;
		struct ivg_loadopt o;
		char name[16];
		uint8_t *data;
		size_t len;
		bool same;

		if (!used[num])
			continue;
		ivg_ctx_init(&quiet);
		snprintf(name, sizeof(name), "Boot%04X", num);
		if (ivg_efivar_read(&quiet, dir, name, &data, &len))
			continue;
		same = !ivg_loadopt_decode(&quiet, name, data, len, &o) && o.has_hd &&
		       !memcmp(o.hd.sig, sig, 16);
		free(data);
		if (same)
			return (int)num;
	}
	return -1;
}

static int number_targets(struct ivg_ctx *ctx, const char *dir,
			  const struct ivg_efi_target *t, size_t n,
			  uint16_t *nums)
{
	bool *used = calloc(0x10000, sizeof(bool));
	unsigned next = 0;
	int r = 0;

	if (!used)
		return ivg_err(ctx, ENOMEM, "out of memory");
	existing_entries(dir, used);
	for (size_t i = 0; i < n; i++) {
		int num = entry_for(ctx, dir, used, t[i].hd.sig);

		if (num < 0) {
			while (next < 0x10000 && used[next])
				next++;
			if (next == 0x10000) {
				r = ivg_err(ctx, ENOSPC, "%s: no free Boot#### number", dir);
				break;
			}
			num = (int)next;
			used[next] = true;
		}
		nums[i] = (uint16_t)num;
	}
	free(used);
	return r;
}

/* BootOrder: nums first, then the old entries that are not among them. */
static int new_order(struct ivg_ctx *ctx, const char *dir, const uint16_t *nums,
		     size_t n, uint16_t *order, size_t *m)
{
	uint16_t old[IVG_EFI_MAX_ENTRIES];
	uint8_t *data = NULL;
	size_t len = 0, nold = 0;
	struct ivg_ctx quiet;
	int r = 0;

	ivg_ctx_init(&quiet);
	if (!ivg_efivar_read(&quiet, dir, "BootOrder", &data, &len))
		r = ivg_bootorder_decode(ctx, data, len, old, IVG_EFI_MAX_ENTRIES, &nold);
	free(data);
	if (r)
		return r;
	memcpy(order, nums, n * sizeof(*nums));
	*m = n;
	for (size_t i = 0; i < nold && *m < IVG_EFI_MAX_ENTRIES; i++) {
		bool ours = false;

		for (size_t j = 0; j < n; j++)
			ours |= old[i] == nums[j];
		if (!ours)
			order[(*m)++] = old[i];
	}
	return 0;
}

int ivg_efi_set_boot(struct ivg_ctx *ctx, const char *dir,
		     const struct ivg_efi_target *t, size_t n, uint16_t *nums)
{
	uint16_t order[IVG_EFI_MAX_ENTRIES];
	uint8_t ob[2 * IVG_EFI_MAX_ENTRIES], **opt;
	size_t *olen, m = 0;
	int r;

	if (!n || n > IVG_EFI_MAX_ENTRIES / 2)
		return ivg_err(ctx, EINVAL, "%zu firmware boot entries", n);
	opt = calloc(n, sizeof(*opt));
	olen = calloc(n, sizeof(*olen));
	r = opt && olen ? 0 : ivg_err(ctx, ENOMEM, "out of memory");
	if (!r)
		r = number_targets(ctx, dir, t, n, nums);
	for (size_t i = 0; !r && i < n; i++)
		r = ivg_loadopt_encode(ctx, IVG_LOAD_OPTION_ACTIVE, t[i].desc, &t[i].hd,
				       IVG_EFI_REMOVABLE_PATH, &opt[i], &olen[i]);
	if (!r)
		r = new_order(ctx, dir, nums, n, order, &m);
	/* The entries first: BootOrder names only entries that exist. */
	for (size_t i = 0; !r && i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "Boot%04X", nums[i]);
		r = ivg_efivar_write(ctx, dir, name, opt[i], olen[i]);
	}
	if (!r) {
		ivg_bootorder_encode(order, m, ob);
		r = ivg_efivar_write(ctx, dir, "BootOrder", ob, 2 * m);
	}
	for (size_t i = 0; opt && i < n; i++)
		free(opt[i]);
	free(opt);
	free(olen);
	return r;
}
