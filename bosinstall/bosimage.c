/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosimage.c - a BOS image file on the host, judged before it is added. */
#include "bosstore.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <et/com_err.h>
#include <ext2fs/ext2fs.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boskernel.h"
#include "bossan.h"
#include "bospath.h"
#include "src.h"
#include "untar.h"

enum { CHUNK = 1 << 20, EXT_MAGIC_OFF = 1080 };

/* Does the file hold an ext2/3/4 superblock magic? */
static bool looks_ext(int fd)
{
	unsigned char m[2];

	return pread(fd, m, 2, EXT_MAGIC_OFF) == 2 && m[0] == 0x53 && m[1] == 0xEF;
}

static int probe_raw(struct ivg_ctx *ctx, struct bos_image *img)
{
	ext2_filsys fs;
	errcode_t err = ext2fs_open2(img->path, NULL, EXT2_FLAG_64BITS, 0, 0,
				     unix_io_manager, &fs);

	if (err == EXT2_ET_BAD_MAGIC)
		return ivg_err(ctx, EINVAL, "%s: not an ext2/3/4 filesystem image (no superblock magic)",
			       img->path);
	if (err)
		return ivg_err(ctx, EINVAL, "%s: not an ext2/3/4 filesystem image that opens: %s",
			       img->path, error_message(err));
	if (ext2fs_blocks_count(fs->super) * (uint64_t)fs->blocksize > img->size)
		err = EXT2_ET_SHORT_READ;
	bos_kernel_in_fs(fs, img->kernel, sizeof(img->kernel));
	ext2fs_close_free(&fs);
	if (err)
		return ivg_err(ctx, EINVAL, "%s: truncated: its filesystem is larger than the file",
			       img->path);
	return 0;
}

struct pull {
	struct ivg_ctx *ctx;
	struct opp_src src;
	char *buf;
	int err;
};

static la_ssize_t pull_read(struct archive *a, void *arg, const void **buf)
{
	struct pull *p = arg;
	size_t got = 0;

	if ((p->err = opp_src_read(p->ctx, &p->src, p->buf, CHUNK, &got))) {
		archive_set_error(a, EIO, "%s", ivg_errmsg(p->ctx));
		return -1;
	}
	*buf = p->buf;
	return (la_ssize_t)got;
}

/* "NAME" at the root, or "boot/NAME-SOMETHING". */
static bool boot_file(const char *path, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(path, name))
		return true;
	return !strncmp(path, "boot/", 5) && !strncmp(path + 5, name, n) &&
	       path[5 + n] == '-' && path[6 + n] && !strchr(path + 6 + n, '/');
}

/*
 * What an entry takes once restored into ext4, rounded up to 4 KiB blocks
 * (an upper bound): a file its data; a directory a block, plus a name in
 * its parent for everything; a symlink too long for its inode a block;
 * extended attributes at most a block. A hard link takes a name only.
 */
static void count_space(struct bos_image *img, struct archive_entry *e,
			enum bos_entry_kind k, const char *path)
{
	const char *target = archive_entry_symlink(e);
	const char *base = strrchr(path, '/');
	uint64_t size = archive_entry_size_is_set(e) && archive_entry_size(e) > 0 ?
			(uint64_t)archive_entry_size(e) : 0;

	img->unpacked += 8 + (strlen(base ? base + 1 : path) + 3) / 4 * 4;
	/* What bosinstall boots (rootboot.h): boot/vmlinuz-* or /vmlinuz,
	 * with boot/initrd.img-* or /initrd.img. */
	if (k != BOS_ENT_DIR && boot_file(path, "vmlinuz"))
		img->vmlinuz = true;
	if (k != BOS_ENT_DIR && boot_file(path, "initrd.img"))
		img->initrd = true;
	/* What a SAN boot needs (bossan.h). */
	if (k != BOS_ENT_DIR)
		img->san_tools |= bos_san_tool_of(path);
	if (k == BOS_ENT_HARDLINK)
		return;
	img->files++;
	if (k == BOS_ENT_FILE)
		img->unpacked += (size + 4095) / 4096 * 4096;
	if (k == BOS_ENT_DIR || (k == BOS_ENT_SYMLINK && target && strlen(target) >= 60))
		img->unpacked += 4096;
	if (archive_entry_xattr_count(e) > 0)
		img->unpacked += 4096;
}

/* Every header read and every path judged; data skipped (but hashed). */
static int walk_tar(struct ivg_ctx *ctx, struct bos_image *img,
		    struct archive *a, struct pull *p)
{
	struct archive_entry *e;
	char *path = malloc(BOS_PATH_MAX + 1);
	int h, r = 0;

	if (!path)
		return ivg_err(ctx, ENOMEM, "out of memory");
	while (!r && (h = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		enum bos_entry_kind k = bos_archive_kind(e);

		if (h < ARCHIVE_WARN || archive_read_data_skip(a) < ARCHIVE_WARN) {
			r = p->err ? p->err :
				ivg_err(ctx, EINVAL, "%s: not a readable tar archive after %llu entries: %s",
					img->path, (unsigned long long)img->entries,
					archive_error_string(a));
			break;
		}
		if (!img->entries)
			snprintf(img->compression, sizeof(img->compression), "%s",
				 archive_filter_name(a, 0));
		r = bos_path_clean(ctx, archive_entry_pathname(e), k,
				   &bos_policy_bos, path, BOS_PATH_MAX + 1);
		if (!r && k == BOS_ENT_HARDLINK)
			r = bos_path_clean(ctx, archive_entry_hardlink(e), k,
					   &bos_policy_bos, path, BOS_PATH_MAX + 1);
		if (r)
			r = ivg_err_prefix(ctx, r, "%s: ", img->path);
		else
			bos_kernel_note(img->kernel, sizeof(img->kernel), path, k);
		if (!r)
			count_space(img, e, k, path);
		img->entries++;
	}
	free(path);
	if (!r && !img->entries)
		r = ivg_err(ctx, EINVAL, "%s: an empty archive", img->path);
	return r;
}

static int probe_tar(struct ivg_ctx *ctx, struct bos_image *img)
{
	struct archive *a = archive_read_new();
	struct pull p = { .ctx = ctx, .buf = malloc(CHUNK) };
	int r = a && p.buf ? opp_src_fd(ctx, &p.src, img->fd, img->path) :
		ivg_err(ctx, ENOMEM, "out of memory");

	if (!r) {
		archive_read_support_filter_all(a);
		archive_read_support_format_tar(a);
		archive_read_support_format_gnutar(a);
		if (archive_read_open(a, &p, NULL, pull_read, NULL) != ARCHIVE_OK)
			r = p.err ? p.err : ivg_err(ctx, EINVAL, "%s: neither a tar archive nor an ext2/3/4 filesystem image: %s",
						    img->path, archive_error_string(a));
	}
	if (!r)
		r = walk_tar(ctx, img, a, &p);
	if (!r)
		r = opp_src_finish(ctx, &p.src, img->sha256);
	if (a)
		archive_read_free(a);
	opp_src_free(&p.src);
	free(p.buf);
	return r;
}

static int probe(struct ivg_ctx *ctx, const char *path,
		 enum bos_format want, struct bos_image *img)
{
	struct stat st;
	off_t end;
	int r;

	*img = (struct bos_image){ .fd = -1, .format = want };
	if (!(img->path = strdup(path)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	img->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0 || fstat(img->fd, &st))
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return ivg_err(ctx, EINVAL, "%s: not a regular file or a block device", path);
	if ((end = lseek(img->fd, 0, SEEK_END)) < 0 || lseek(img->fd, 0, SEEK_SET) < 0)
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	img->size = (uint64_t)end;
	if (!img->size)
		return ivg_err(ctx, EINVAL, "%s: an empty file", path);
	if (want == BOS_FMT_AUTO)
		img->format = looks_ext(img->fd) ? BOS_FMT_RAW : BOS_FMT_TAR;
	r = img->format == BOS_FMT_RAW ? probe_raw(ctx, img) : probe_tar(ctx, img);
	if (!r && lseek(img->fd, 0, SEEK_SET) < 0)
		r = ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	return r;
}

void bos_image_free(struct bos_image *img)
{
	if (img->fd >= 0)
		close(img->fd);
	free(img->path);
	*img = (struct bos_image){ .fd = -1 };
}

int bos_image_probe(struct ivg_ctx *ctx, const char *path,
		    enum bos_format want, struct bos_image *img)
{
	int r = probe(ctx, path, want, img);

	if (r)
		bos_image_free(img);
	return r;
}
