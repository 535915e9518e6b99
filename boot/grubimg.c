/* SPDX-License-Identifier: GPL-2.0-or-later */
/* grubimg.c - grub.cfg, the failover script, and grub-mkimage (grubimg.h). */
#include "grubimg.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "manifest.h"
#include "toolrun.h"

/* Strings that go into GRUB scripts: no quotes, no $, no newlines. */
static bool script_safe(const char *s)
{
	for (; *s; s++)
		if (*s < ' ' || strchr("\"'$\\`;&|<>{}", *s))
			return false;
	return true;
}

int ivg_grub_lvname(struct ivg_ctx *ctx, const char *vg, const char *lv,
		    char *out, size_t outsz)
{
	size_t k = 0;
	const char *parts[2] = { vg, lv };

	for (int p = 0; p < 2; p++) {
		if (p && k < outsz)
			out[k++] = '-';
		for (const char *s = parts[p]; *s; s++) {
			if (*s == '-' && k < outsz)
				out[k++] = '-';
			if (k < outsz)
				out[k++] = *s;
		}
	}
	if (k + 5 >= outsz)
		return ivg_err(ctx, ENAMETOOLONG, "GRUB name of %s/%s is too long",
			       vg, lv);
	memmove(out + 4, out, k);
	memcpy(out, "lvm/", 4);
	out[k + 4] = '\0';
	return 0;
}

static int dup_text(struct ivg_ctx *ctx, char *buf, size_t len, char **text)
{
	if (len >= 65536)
		return ivg_err(ctx, E2BIG, "GRUB script too long");
	if (!(*text = strdup(buf)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	return 0;
}

int ivg_grub_cfg(struct ivg_ctx *ctx, const char *vg, const char *vguuid,
		 const char *append, char **text)
{
	char uuid[64] = "", *buf;
	size_t cap = 8192;
	int n, r;

	if (append && !script_safe(append))
		return ivg_err(ctx, EINVAL,
			       "kernel arguments \"%s\": no quotes, $, \\, ;, &, |, <, >, braces or control characters",
			       append);
	if (vguuid)
		snprintf(uuid, sizeof(uuid), " ivg.vguuid=%s", vguuid);
	if (!(buf = malloc(cap)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	n = snprintf(buf, cap,
		"# ivg maintenance boot image: the same on every leg of bootlv.\n"
		"# The GRUB image of each disk checks a leg against %s,\n"
		"# sets root and ivg_leg to it and runs this file.\n"
		"echo \"ivg: booting the maintenance environment from bootlv leg ${ivg_leg}\"\n"
		"linux /vmlinuz console=tty0 console=ttyS0,115200n8 quiet panic=10 ivg.vg=%s%s ivg.leg=${ivg_leg}%s%s\n"
		"initrd /initrd.img\n"
		"boot\n",
		IVG_MANIFEST_NAME, vg ? vg : "", uuid,
		append && *append ? " " : "", append ? append : "");
	r = (size_t)n >= cap ? ivg_err(ctx, E2BIG, "grub.cfg too long") :
			       dup_text(ctx, buf, (size_t)n, text);
	free(buf);
	return r;
}

int ivg_grub_early_script(struct ivg_ctx *ctx, const char *vg,
			  const int *legs, size_t n, char **text)
{
	char *buf, name[300], list[64 * 4 + 1] = "";
	size_t cap = 4096, len;
	int r;

	if (!n || n > 64)
		return ivg_err(ctx, EINVAL, "GRUB script: %zu legs", n);
	for (size_t i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%d", i ? " " : "", legs[i]);
	/* The leg number is appended at run time: "..._rimage_${ivg_leg}". */
	if ((r = ivg_grub_lvname(ctx, vg, "bootlv_rimage_", name, sizeof(name))))
		return r;
	if (!(buf = malloc(cap)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	len = (size_t)snprintf(buf, cap,
		"# ivg: failover over the legs of bootlv, this disk's own first.\n"
		"serial --unit=0 --speed=115200\n"
		"terminal_input serial console\n"
		"terminal_output serial console\n"
		"set ivg_vg=\"%s\"\n"
		"for ivg_leg in %s; do\n"
		"  set ivg_dev=\"%s${ivg_leg}\"\n"
		"  if test -f \"(${ivg_dev})/%s\"; then\n"
		"    echo \"ivg: checking bootlv leg ${ivg_leg}\"\n"
		"    if hashsum --hash sha256 --check \"(${ivg_dev})/%s\" --prefix \"(${ivg_dev})\"; then\n"
		"      set root=\"${ivg_dev}\"\n"
		"      export root\n"
		"      export ivg_leg\n"
		"      export ivg_vg\n"
		"      configfile \"(${ivg_dev})/grub/grub.cfg\"\n"
		"    fi\n"
		"  fi\n"
		"  echo \"ivg: bootlv leg ${ivg_leg} is missing or damaged; trying the next leg\"\n"
		"done\n"
		"echo \"ivg: no good copy of the boot image of VG ${ivg_vg} on the disks this firmware sees\"\n",
		vg, list, name, IVG_MANIFEST_NAME, IVG_MANIFEST_NAME);
	r = dup_text(ctx, buf, len, text);
	free(buf);
	return r;
}

/* A ustar archive holding ivg.cfg: GRUB's memdisk. */
static int write_memdisk(struct ivg_ctx *ctx, const char *path,
			 const char *script)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t len = strlen(script);
	int r = 0;

	if (!a || !e) {
		r = ivg_err(ctx, ENOMEM, "out of memory");
		goto out;
	}
	archive_entry_set_pathname(e, "ivg.cfg");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	/* A fixed time: the same script gives the same GRUB image, byte for
	 * byte, so that ivgck can rebuild a disk's image and compare. */
	archive_entry_set_mtime(e, 0, 0);
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, path) != ARCHIVE_OK ||
	    archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, script, len) != (la_ssize_t)len ||
	    archive_write_close(a) != ARCHIVE_OK)
		r = ivg_err(ctx, EIO, "%s: %s", path, archive_error_string(a));
out:
	archive_entry_free(e);
	archive_write_free(a);
	return r;
}

int ivg_grub_mkimage(struct ivg_ctx *ctx, enum ivg_grub_target target,
		     const char *moddir, const char *script,
		     const char *tmpdir, const char *out_path)
{
	return ivg_grub_mkimage_with(ctx, target, moddir, script, NULL, tmpdir,
				     out_path);
}

int ivg_grub_mkimage_with(struct ivg_ctx *ctx, enum ivg_grub_target target,
			  const char *moddir, const char *script,
			  const char *const *extra, const char *tmpdir,
			  const char *out_path)
{
	static const char early[] = "configfile (memdisk)/ivg.cfg\n";
	bool bios = target == IVG_GRUB_BIOS;
	char cfg[4096], tar[4096];
	FILE *f;
	int r;

	if (!moddir)
		moddir = bios ? IVG_GRUB_BIOS_DIR : IVG_GRUB_EFI_DIR;
	if (access(moddir, R_OK))
		return ivg_err(ctx, ENOENT, "%s: no GRUB modules there (install %s)",
			       moddir, bios ? "grub-pc-bin" : "grub-efi-amd64-bin");
	snprintf(cfg, sizeof(cfg), "%s/early-%s.cfg", tmpdir, bios ? "pc" : "efi");
	snprintf(tar, sizeof(tar), "%s/memdisk-%s.tar", tmpdir, bios ? "pc" : "efi");
	if (!(f = fopen(cfg, "we")) || fputs(early, f) < 0 || fclose(f)) {
		r = ivg_err(ctx, errno, "%s: %s", cfg, strerror(errno));
		return r;
	}
	if ((r = write_memdisk(ctx, tar, script)))
		return r;
	char *argv[32 + IVG_GRUB_EXTRA_MAX] = {
		"grub-mkimage", "-O", bios ? "i386-pc" : "x86_64-efi",
		"-d", (char *)moddir, "-o", (char *)out_path, "-c", cfg,
		"-m", tar, "-p", "(memdisk)/",
		bios ? "biosdisk" : "efi_gop",
		"part_gpt", "part_msdos", "lvm", "ext2", "linux", "normal",
		"configfile", "echo", "test", "serial", "terminal",
		"hashsum", "gcry_sha256", "memdisk", "tar", NULL,
	};
	size_t n = 0;

	while (argv[n])
		n++;
	for (size_t i = 0; extra && extra[i]; i++) {
		if (i == IVG_GRUB_EXTRA_MAX)
			return ivg_err(ctx, E2BIG, "more than %d extra GRUB modules", IVG_GRUB_EXTRA_MAX);
		argv[n++] = (char *)extra[i];
	}
	argv[n] = NULL;
	return ivg_spawn(ctx, "building GRUB's image", argv, NULL, -1);
}
