/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootboot.c - a root VG's bootlv and its disks' boot records (rootboot.h). */
#define _GNU_SOURCE
#include "rootboot.h"

#include <errno.h>
#include <et/com_err.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootimg.h"
#include "bootrec.h"
#include "dev.h"
#include "e2fs.h"
#include "gpt.h"
#include "pathf.h"
#include "grubimg.h"
#include "lvio.h"
#include "toolrun.h"

/* A kernel or initramfs larger than this is not one. */
#define MAX_BOOT_FILE (512u << 20)

struct ivg_rootboot {
	const struct ivg_rootboot_opts *o;
	char dir[PATH_MAX];
	char image[PATH_MAX + 16], core[PATH_MAX + 16], efi[PATH_MAX + 16];
	struct ivg_rootboot_kernel src;
	struct ivg_boot_leg leg;        /* bootlv as one "leg" */
	size_t n_disks;
	char (*disks)[PATH_MAX];        /* whole disks with the IVG layout */
};

/* ---- the kernel in rootlv --------------------------------------------- */

struct newest {
	char best[EXT2_NAME_LEN + 1];
};

static int pick_newest(struct ext2_dir_entry *de, int offset, int blocksize,
		       char *buf, void *arg)
{
	struct newest *n = arg;
	int len = ext2fs_dirent_name_len(de);
	char name[EXT2_NAME_LEN + 1];

	memcpy(name, de->name, (size_t)len);
	name[len] = '\0';
	if (!strncmp(name, "vmlinuz-", 8) && name[8] &&
	    (!n->best[0] || strverscmp(name, n->best) > 0))
		memcpy(n->best, name, (size_t)len + 1);
	return 0;
}

/* Does 'path' name something in fs that leads (links followed) to a file? */
static bool has_file(ext2_filsys fs, const char *path)
{
	struct ext2_inode inode;
	ext2_ino_t ino;

	return !ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino) &&
	       !ext2fs_read_inode(fs, ino, &inode) && LINUX_S_ISREG(inode.i_mode);
}

static int find_in_fs(struct ivg_ctx *ctx, ext2_filsys fs, const char *what,
		      struct ivg_rootboot_kernel *out)
{
	struct newest n = { "" };
	ext2_ino_t boot;

	memset(out, 0, sizeof(*out));
	if (!ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, "/boot", &boot))
		ext2fs_dir_iterate(fs, boot, 0, NULL, pick_newest, &n);
	if (n.best[0]) {
		if (ivg_pathf(ctx, out->version, sizeof(out->version), "%s", n.best + 8) ||
		    ivg_pathf(ctx, out->kernel, sizeof(out->kernel), "/boot/%s", n.best) ||
		    ivg_pathf(ctx, out->initrd, sizeof(out->initrd), "/boot/initrd.img-%s",
			      out->version))
			return ivg_err_prefix(ctx, -ENAMETOOLONG, "%s: ", what);
		if (!has_file(fs, out->kernel))
			return ivg_err(ctx, ENOENT, "%s holds no usable kernel: %s is not a file",
				       what, out->kernel);
		if (!has_file(fs, out->initrd))
			return ivg_err(ctx, ENOENT, "%s holds no usable kernel: %s has no initramfs (%s is missing)",
				       what, out->kernel, out->initrd);
		return 0;
	}
	if (!has_file(fs, "/vmlinuz"))
		return ivg_err(ctx, ENOENT, "%s holds no kernel: no /boot/vmlinuz-* and no /vmlinuz",
			       what);
	if (!has_file(fs, "/initrd.img"))
		return ivg_err(ctx, ENOENT, "%s holds no usable kernel: /vmlinuz has no initramfs (/initrd.img is missing)",
			       what);
	snprintf(out->kernel, sizeof(out->kernel), "/vmlinuz");
	snprintf(out->initrd, sizeof(out->initrd), "/initrd.img");
	return 0;
}

/* An LV's filesystem (rootlv's), opened read-only. */
static int open_rootlv(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		       struct ivg_lvio **io, ext2_filsys *fs, char *what,
		       size_t wsz)
{
	int r;

	snprintf(what, wsz, "%s/%s", vg->name, lv);
	if (!ivg_vg_lv(vg, lv))
		return ivg_err(ctx, ENOENT, "Volume group \"%s\" has no LV %s",
			       vg->name, lv);
	if ((r = ivg_lvio_open(ctx, vg, lv, -1, io)))
		return ivg_err_prefix(ctx, r, "%s unreadable: ", what);
	if ((r = ivg_e2fs_open(ctx, *io, 0, fs))) {
		ivg_lvio_close(*io);
		*io = NULL;
		return ivg_err_prefix(ctx, EIO, "%s unreadable: ", what);
	}
	return 0;
}

int ivg_rootboot_find_kernel(struct ivg_ctx *ctx, struct ivg_vg *vg,
			     struct ivg_rootboot_kernel *out)
{
	return ivg_rootboot_find_kernel_in(ctx, vg, IVG_ROOT_ROOTLV, out);
}

int ivg_rootboot_find_kernel_in(struct ivg_ctx *ctx, struct ivg_vg *vg,
				const char *lv, struct ivg_rootboot_kernel *out)
{
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	char what[300];
	int r = open_rootlv(ctx, vg, lv, &io, &fs, what, sizeof(what));

	if (!r)
		r = find_in_fs(ctx, fs, what, out);
	if (fs)
		ext2fs_close_free(&fs);
	ivg_lvio_close(io);
	return r;
}

/* ---- grub.cfg and GRUB's early script ----------------------------------- */

/* /dev/mapper's name of VG/LV: each '-' in a name doubled, joined by '-'. */
static void dm_name(const char *vg, const char *lv, char *out, size_t outsz)
{
	const char *parts[2] = { vg, lv };
	size_t k = 0;

	for (int p = 0; p < 2; p++) {
		if (p && k + 1 < outsz)
			out[k++] = '-';
		for (const char *s = parts[p]; *s; s++) {
			if (*s == '-' && k + 1 < outsz)
				out[k++] = '-';
			if (k + 1 < outsz)
				out[k++] = *s;
		}
	}
	out[k] = '\0';
}

/* Kernel arguments: words of [A-Za-z0-9=._,:/+-], nothing a GRUB script
 * would interpret. */
static bool args_ok(const char *s)
{
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=._,:/+- ", *s))
			return false;
	return true;
}

static int root_grub_cfg(struct ivg_ctx *ctx, const char *vg,
			 const char *append, char **text)
{
	char dm[2 * IVG_NAME_MAX + 8];

	dm_name(vg, IVG_ROOT_ROOTLV, dm, sizeof(dm));
	if (asprintf(text,
		     "# ivg: the boot LV of root VG %s. The GRUB image of each of its disks\n"
		     "# checks these files against %s, sets root to this LV\n"
		     "# and runs this file.\n"
		     "echo \"ivg: booting root VG %s (/dev/mapper/%s)\"\n"
		     "linux /vmlinuz root=/dev/mapper/%s ro console=tty0 console=ttyS0,115200%s%s\n"
		     "initrd /initrd.img\n"
		     "boot\n",
		     vg, IVG_MANIFEST_NAME, vg, dm, dm,
		     append && *append ? " " : "", append ? append : "") < 0)
		return ivg_err(ctx, ENOMEM, "out of memory");
	return 0;
}

/*
 * GRUB names bootlv by the VG's and the LV's UUIDs ("lvmid/VGUUID/LVUUID",
 * GRUB's diskfilter name): every install calls its root VG "rootvg", and
 * a machine on a SAN sees other machines' root VGs, whose bootlv a name
 * would find as well. When bootlv's files do not match their manifest
 * (or the kernel does not boot), GRUB starts an install VG's boot
 * records itself: it finds a disk whose ESP holds IVG_BOOTREC_TAG
 * (bootrec.h) and chainloads its BOOTX64.EFI (UEFI) or its sector 0
 * (BIOS), whose maintenance environment offers the recovery first.
 * Returning to the firmware would not do: GRUB 2.06's "exit" returns
 * EFI_SUCCESS, after which OVMF (EDK II, as the UEFI spec says) shows
 * its boot manager menu instead of trying the next boot option, and on
 * i386-pc "exit" halts the machine (SeaBIOS; both measured). With no IVG
 * disk in sight, GRUB on UEFI still returns to the firmware, and on BIOS
 * says what to do.
 */
static const char *const root_modules[] = {
	"minicmd", "fat", "search", "search_fs_file", "chain", "regexp", NULL,
};

static int root_early_script(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			     char **text)
{
	const struct ivg_lv *lv = ivg_vg_lv(vg, IVG_ROOT_BOOTLV);
	char vgid[IVG_UUID_LEN + 7], lvid[IVG_UUID_LEN + 7];

	if (!lv)
		return ivg_err(ctx, ENOENT, "Volume group \"%s\" has no LV %s",
			       vg->name, IVG_ROOT_BOOTLV);
	ivg_uuid_format(vg->id, vgid);
	ivg_uuid_format(lv->id, lvid);
	if (asprintf(text,
		     "# ivg: check the boot LV of root VG %s, then run its grub.cfg;\n"
		     "# else start an install VG disk's boot records (its maintenance\n"
		     "# environment recovers the root VG).\n"
		     "serial --unit=0 --speed=115200\n"
		     "terminal_input serial console\n"
		     "terminal_output serial console\n"
		     "set ivg_dev=\"lvmid/%s/%s\"\n"
		     "if test -f \"(${ivg_dev})/%s\"; then\n"
		     "  echo \"ivg: checking the boot LV of root VG %s\"\n"
		     "  if hashsum --hash sha256 --check \"(${ivg_dev})/%s\" --prefix \"(${ivg_dev})\"; then\n"
		     "    set root=\"${ivg_dev}\"\n"
		     "    export root\n"
		     "    configfile \"(${ivg_dev})/grub/grub.cfg\"\n"
		     "  fi\n"
		     "fi\n"
		     "echo \"ivg: the boot LV of root VG %s is missing or damaged\"\n"
		     "if search --no-floppy --file --set=ivg_esp %s; then\n"
		     "  echo \"ivg: starting install VG disk ${ivg_esp} to recover %s\"\n"
		     "  if [ \"${grub_platform}\" = efi ]; then\n"
		     "    set root=\"${ivg_esp}\"\n"
		     "    chainloader /EFI/BOOT/BOOTX64.EFI\n"
		     "  else\n"
		     "    regexp --set=1:ivg_disk \"^([^,]+)\" \"${ivg_esp}\"\n"
		     "    set root=\"${ivg_disk}\"\n"
		     "    chainloader +1\n"
		     "  fi\n"
		     "  boot\n"
		     "fi\n"
		     "if [ \"${grub_platform}\" = efi ]; then\n"
		     "  echo \"ivg: no install VG disk found: returning to the firmware\"\n"
		     "  exit\n"
		     "fi\n"
		     "echo \"ivg: no install VG disk found: boot one and run ivgrecover\"\n",
		     vg->name, vgid, lvid, IVG_MANIFEST_NAME, vg->name,
		     IVG_MANIFEST_NAME, vg->name, IVG_BOOTREC_TAG, vg->name) < 0)
		return ivg_err(ctx, ENOMEM, "out of memory");
	return 0;
}

/* ---- prepare ------------------------------------------------------------ */

/* bootlv: linear, contiguous on one present PV; as one leg for legs.h. */
static int bootlv_leg(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      struct ivg_boot_leg *leg)
{
	struct ivg_lv *lv = ivg_vg_lv(vg, IVG_ROOT_BOOTLV);
	struct ivg_lvio *io = NULL;
	struct ivg_dev *dev = NULL;
	uint64_t off = 0;
	int r;

	if (!lv)
		return ivg_err(ctx, ENOENT, "Volume group \"%s\" has no LV %s",
			       vg->name, IVG_ROOT_BOOTLV);
	for (size_t i = 0; i < lv->seg_count; i++)
		if (strcmp(lv->segs[i].type, "striped") || lv->segs[i].area_count != 1)
			return ivg_err(ctx, EINVAL, "%s/%s is not a linear LV (segment type %s)",
				       vg->name, IVG_ROOT_BOOTLV, lv->segs[i].type);
	if ((r = ivg_lvio_open(ctx, vg, IVG_ROOT_BOOTLV, -1, &io)))
		return r;
	leg->leg = 0;
	leg->size = ivg_lvio_size(io);
	r = ivg_lvio_map(ctx, io, 0, leg->size, &dev, &off);
	ivg_lvio_close(io);
	if (r == -ERANGE)
		return ivg_err(ctx, EINVAL, "%s/%s is not contiguous on one PV",
			       vg->name, IVG_ROOT_BOOTLV);
	if (r)
		return r;
	leg->off = dev->base + off;
	for (size_t i = 0; i < vg->pv_count; i++)
		if (vg->pvs[i]->dev == dev)
			leg->pv = vg->pvs[i];
	if (!leg->pv)
		return ivg_err(ctx, ENODEV, "%s/%s: its PV is not open", vg->name,
			       IVG_ROOT_BOOTLV);
	return 0;
}

/*
 * mtools must read the ESP before anything is written: the ESP holds no
 * FAT, or mtools cannot work here (no code page in a small initramfs).
 */
static int esp_readable(struct ivg_ctx *ctx, const char *disk,
			uint64_t esp_start)
{
	char img[PATH_MAX + 32];
	char *env[] = { "MTOOLS_SKIP_CHECK=1", NULL };

	if (strstr(disk, "@@"))
		return ivg_err(ctx, EINVAL, "%s: mtools cannot address a path with \"@@\"", disk);
	snprintf(img, sizeof(img), "%s@@%llu", disk, (unsigned long long)esp_start);
	char *argv[] = { "mtools", "-c", "mdir", "-b", "-i", img, "::/", NULL };

	if (ivg_spawn(ctx, disk, argv, env, -1))
		return ivg_err_prefix(ctx, EIO, "the EFI system partition cannot be read; nothing written: ");
	return 0;
}

/* Every PV present; the whole disks with the IVG layout, each once. */
static int find_disks(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      struct ivg_rootboot *rb)
{
	if (!(rb->disks = calloc(vg->pv_count + 1, sizeof(*rb->disks))))
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < vg->pv_count; i++) {
		struct ivg_pv *pv = vg->pvs[i];
		char disk[PATH_MAX];
		struct ivg_layout l;
		struct ivg_dev *dev;
		bool seen = false;
		int r;

		if (!pv->dev)
			return ivg_err(ctx, ENODEV, "Volume group \"%s\": PV %s (%s) is missing; nothing written",
				       vg->name, pv->name, pv->device ? pv->device : "?");
		if ((r = ivg_bootrec_whole_disk(ctx, pv->dev->path, disk, sizeof(disk))))
			return r;
		for (size_t k = 0; k < rb->n_disks; k++)
			seen |= !strcmp(rb->disks[k], disk);
		if (seen || rb->o->no_records)
			continue;
		if ((r = ivg_dev_open(ctx, disk, IVG_DEV_RDONLY, &dev)))
			return r;
		r = ivg_gpt_check_layout(ctx, dev, &l);
		ivg_dev_close(dev);
		if (r) {
			ivg_info(ctx, "%s: not bootable (%s): no boot records there",
				 disk, ivg_errmsg(ctx));
			continue;
		}
		if ((r = esp_readable(ctx, disk, l.esp_start)))
			return r;
		snprintf(rb->disks[rb->n_disks++], PATH_MAX, "%s", disk);
	}
	if (!rb->o->no_records && !rb->n_disks)
		return ivg_err(ctx, ENODEV, "Volume group \"%s\": none of its disks has the IVG layout (BIOS boot partition, ESP, LVM partition): it cannot boot; nothing written",
			       vg->name);
	return 0;
}

static int read_boot_files(struct ivg_ctx *ctx, struct ivg_vg *vg,
			   struct ivg_rootboot *rb, char **kbuf, size_t *klen,
			   char **ibuf, size_t *ilen)
{
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	char what[300];
	int r = open_rootlv(ctx, vg, IVG_ROOT_ROOTLV, &io, &fs, what, sizeof(what));

	if (!r)
		r = find_in_fs(ctx, fs, what, &rb->src);
	if (!r)
		r = ivg_bootimg_read(ctx, fs, what, rb->src.kernel, MAX_BOOT_FILE,
				     kbuf, klen);
	if (!r)
		r = ivg_bootimg_read(ctx, fs, what, rb->src.initrd, MAX_BOOT_FILE,
				     ibuf, ilen);
	if (fs)
		ext2fs_close_free(&fs);
	ivg_lvio_close(io);
	return r;
}

static int given_files(struct ivg_ctx *ctx, struct ivg_rootboot *rb)
{
	const char *f[2] = { rb->o->kernel, rb->o->initrd };
	const char *base = strrchr(f[0], '/');
	struct stat st;

	for (int i = 0; i < 2; i++)
		if (stat(f[i], &st) || !S_ISREG(st.st_mode))
			return ivg_err(ctx, ENOENT, "%s: not a %s file", f[i],
				       i ? "initramfs" : "kernel");
	base = base ? base + 1 : f[0];
	if (!strncmp(base, "vmlinuz-", 8))
		snprintf(rb->src.version, sizeof(rb->src.version), "%s", base + 8);
	snprintf(rb->src.kernel, sizeof(rb->src.kernel), "%s", f[0]);
	snprintf(rb->src.initrd, sizeof(rb->src.initrd), "%s", f[1]);
	return 0;
}

static int build_image(struct ivg_ctx *ctx, struct ivg_vg *vg,
		       struct ivg_rootboot *rb)
{
	const struct ivg_rootboot_opts *o = rb->o;
	char *kbuf = NULL, *ibuf = NULL, *cfg = NULL;
	size_t klen = 0, ilen = 0;
	struct stat ks = { 0 }, is = { 0 };
	uint64_t need;
	int r = o->kernel ? given_files(ctx, rb) :
			    read_boot_files(ctx, vg, rb, &kbuf, &klen, &ibuf, &ilen);

	if (!r && o->kernel && (stat(o->kernel, &ks) || stat(o->initrd, &is)))
		r = ivg_err(ctx, errno, "%s: %s", o->kernel, strerror(errno));
	if (!r)
		r = root_grub_cfg(ctx, vg->name, o->append, &cfg);
	need = ivg_bootimg_min_size(klen + ilen + (uint64_t)ks.st_size +
				    (uint64_t)is.st_size + 16384, 4);
	if (!r && need > rb->leg.size)
		r = ivg_err(ctx, ENOSPC, "%s/%s (%llu MiB) is too small for the kernel and initramfs (%llu MiB needed); nothing written",
			    vg->name, IVG_ROOT_BOOTLV,
			    (unsigned long long)(rb->leg.size >> 20),
			    (unsigned long long)(need >> 20) + 1);
	if (!r) {
		const struct ivg_bootimg_file files[] = {
			{ .name = "vmlinuz", .src = o->kernel, .data = kbuf, .len = klen },
			{ .name = "initrd.img", .src = o->initrd, .data = ibuf, .len = ilen },
			{ .name = "grub/grub.cfg", .data = cfg, .len = strlen(cfg) },
		};

		ivg_info(ctx, "building the boot image of %s from %s and %s",
			 vg->name, rb->src.kernel, rb->src.initrd);
		r = ivg_bootimg_build(ctx, rb->image, rb->leg.size, files, 3, NULL);
	}
	free(kbuf);
	free(ibuf);
	free(cfg);
	return r;
}

static int grub_images(struct ivg_ctx *ctx, struct ivg_vg *vg,
		       struct ivg_rootboot *rb)
{
	char *script = NULL;
	int r = root_early_script(ctx, vg, &script);

	if (!r)
		r = ivg_grub_mkimage_with(ctx, IVG_GRUB_BIOS, NULL, script,
					  root_modules, rb->dir, rb->core);
	if (!r)
		r = ivg_grub_mkimage_with(ctx, IVG_GRUB_EFI, NULL, script,
					  root_modules, rb->dir, rb->efi);
	free(script);
	return r;
}

int ivg_rootboot_prepare(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const struct ivg_rootboot_opts *o,
			 struct ivg_rootboot **out)
{
	struct ivg_rootboot *rb = calloc(1, sizeof(*rb));
	const char *tmp = o->tmpdir ? o->tmpdir : getenv("TMPDIR");
	int r = 0;

	*out = NULL;
	if (!rb)
		return ivg_err(ctx, ENOMEM, "out of memory");
	rb->o = o;
	if (!o->kernel != !o->initrd)
		r = ivg_err(ctx, EINVAL, "give both a kernel and an initramfs, or neither");
	else if (o->append && !args_ok(o->append))
		r = ivg_err(ctx, EINVAL, "kernel arguments \"%s\": only letters, digits, blanks and = . _ , : / + -",
			    o->append);
	snprintf(rb->dir, sizeof(rb->dir), "%s/ivgrootboot.XXXXXX", tmp ? tmp : "/tmp");
	if (!r && !mkdtemp(rb->dir))
		r = ivg_err(ctx, errno, "%s: cannot make a work directory: %s",
			    rb->dir, strerror(errno));
	if (r)
		rb->dir[0] = '\0';
	snprintf(rb->image, sizeof(rb->image), "%s/boot.img", rb->dir);
	snprintf(rb->core, sizeof(rb->core), "%s/core.img", rb->dir);
	snprintf(rb->efi, sizeof(rb->efi), "%s/bootx64.efi", rb->dir);
	if (!r)
		r = find_disks(ctx, vg, rb);
	if (!r)
		r = bootlv_leg(ctx, vg, &rb->leg);
	if (!r)
		r = build_image(ctx, vg, rb);
	if (!r && !o->no_records)
		r = grub_images(ctx, vg, rb);
	if (r) {
		ivg_rootboot_free(rb);
		return r;
	}
	*out = rb;
	return 0;
}

const struct ivg_rootboot_kernel *ivg_rootboot_source(const struct ivg_rootboot *rb)
{
	return &rb->src;
}

int ivg_rootboot_write(struct ivg_ctx *ctx, struct ivg_rootboot *rb,
		       struct ivg_vg *vg)
{
	int r;

	for (size_t i = 0; i < vg->pv_count; i++)
		if (vg->pvs[i]->dev && !vg->pvs[i]->dev->rdwr)
			return ivg_err(ctx, EROFS, "%s: opened read-only; nothing written",
				       vg->pvs[i]->dev->path);
	ivg_info(ctx, "writing the boot image into %s/%s", vg->name, IVG_ROOT_BOOTLV);
	r = ivg_boot_legs_write(ctx, &rb->leg, 1, rb->image, rb->o->progress,
				rb->o->progress_arg);
	for (size_t k = 0; !r && !rb->o->no_records && k < rb->n_disks; k++) {
		ivg_info(ctx, "%s: writing the BIOS and UEFI boot records", rb->disks[k]);
		r = ivg_bootrec_write_bios(ctx, rb->disks[k], rb->core,
					   IVG_GRUB_BIOS_DIR "/boot.img");
		if (!r)
			r = ivg_bootrec_write_efi(ctx, rb->disks[k], rb->efi, false);
	}
	return r;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	return remove(path) && errno != ENOENT ? -1 : 0;
}

void ivg_rootboot_free(struct ivg_rootboot *rb)
{
	if (!rb)
		return;
	if (rb->dir[0])
		nftw(rb->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	free(rb->disks);
	free(rb);
}

int ivg_rootboot_install(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const struct ivg_rootboot_opts *o)
{
	struct ivg_rootboot *rb = NULL;
	int r = ivg_rootboot_prepare(ctx, vg, o, &rb);

	if (!r)
		r = ivg_rootboot_write(ctx, rb, vg);
	ivg_rootboot_free(rb);
	return r;
}
