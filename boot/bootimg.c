/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bootimg.c - the boot image's ext2 filesystem, built in a file. */
#include "bootimg.h"

#include <errno.h>
#include <et/com_err.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "e2fs.h"
#include "e2tree.h"

#define BLOCK 4096u

static int fserr(struct ivg_ctx *ctx, const char *path, errcode_t e,
		 const char *what)
{
	return ivg_err(ctx, e == EXT2_ET_BLOCK_ALLOC_FAIL ||
			    e == EXT2_ET_INODE_ALLOC_FAIL ||
			    e == EXT2_ET_DIR_NO_SPACE ? ENOSPC : EIO,
		       "%s: %s: %s", path, what, error_message(e));
}

uint64_t ivg_bootimg_min_size(uint64_t file_bytes, size_t n_files)
{
	/* Each file: its blocks, indirect blocks (1 per 1024), an inode;
	 * plus the superblock, group descriptors, bitmaps, inode tables. */
	uint64_t blocks = file_bytes / BLOCK + 2 * (n_files + 4) +
			  file_bytes / BLOCK / 1000;

	return (blocks + 512) * BLOCK;
}

static void params(struct ext2_super_block *p, uint64_t size)
{
	memset(p, 0, sizeof(*p));
	p->s_rev_level = EXT2_DYNAMIC_REV;
	p->s_log_block_size = 2;                  /* 4 KiB */
	p->s_log_cluster_size = 2;
	ext2fs_blocks_count_set(p, size / BLOCK);
	p->s_inodes_count = 512;
	p->s_inode_size = 256;
	ext2fs_set_feature_filetype(p);
	ext2fs_set_feature_sparse_super(p);
	ext2fs_set_feature_large_file(p);
	ext2fs_set_feature_dir_index(p);
}

/* A source of bytes: a host file, or bytes in memory. */
struct src {
	int fd;                 /* -1: bytes */
	const uint8_t *data;
	size_t len, pos;
};

/* The next piece of the source, at most chunk bytes (buf holds that
 * many); *n 0 at its end. */
static int next_piece(struct ivg_ctx *ctx, struct src *s, const char *name,
		      uint8_t *buf, size_t chunk, const void **p, size_t *n)
{
	ssize_t got;

	if (s->fd < 0) {
		*n = s->len - s->pos > chunk ? chunk : s->len - s->pos;
		*p = s->data + s->pos;
		s->pos += *n;
		return 0;
	}
	do
		got = read(s->fd, buf, chunk);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return ivg_err(ctx, errno, "%s: read: %s", name, strerror(errno));
	*n = (size_t)got;
	*p = buf;
	return 0;
}

/* Copy one file in (0644, root, the image's time), hashing exactly the
 * bytes that go into the image. */
static int put_file(struct ivg_ctx *ctx, struct ivg_e2tree *t,
		    const struct ivg_bootimg_file *f, uint8_t sha[IVG_SHA256_LEN])
{
	enum { CHUNK = 1 << 20 };
	int64_t now = t->fs->now ? t->fs->now : time(NULL);
	struct ivg_e2tree_attrs at = { .mode = S_IFREG | 0644, .atime = now,
				       .mtime = now, .ctime = now };
	struct src s = { .fd = -1, .data = f->data, .len = f->len };
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int shalen = IVG_SHA256_LEN;
	uint8_t *buf = f->src ? malloc(CHUNK) : NULL;
	ext2_file_t file = NULL;
	uint64_t off = 0;
	ext2_ino_t ino;
	int r = md && (buf || !f->src) ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	if (!r && f->src && (s.fd = open(f->src, O_RDONLY | O_CLOEXEC)) < 0)
		r = ivg_err(ctx, errno, "%s: %s", f->src, strerror(errno));
	if (!r && !(r = ivg_e2tree_create(ctx, t, f->name, &at, &ino)))
		r = ivg_e2tree_file_open(ctx, t, f->name, ino, &file);
	if (!r)
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while (!r) {
		const void *p = NULL;
		size_t n = 0;

		if ((r = next_piece(ctx, &s, f->src, buf, CHUNK, &p, &n)) || !n)
			break;
		EVP_DigestUpdate(md, p, n);
		r = ivg_e2tree_file_write(ctx, t, file, f->name, p, n, off);
		off += n;
	}
	if (file) {
		struct ivg_ctx scratch;  /* after a failure, keep its message */
		int c;

		ivg_ctx_init(&scratch);
		c = ivg_e2tree_file_close(r ? &scratch : ctx, t, file, f->name, off);
		r = r ? r : c;
	}
	if (!r)
		EVP_DigestFinal_ex(md, sha, &shalen);
	if (s.fd >= 0)
		close(s.fd);
	free(buf);
	EVP_MD_CTX_free(md);
	return r;
}

static int put_all(struct ivg_ctx *ctx, ext2_filsys fs, const char *path,
		   const struct ivg_bootimg_file *files, size_t n,
		   struct ivg_manifest *m)
{
	struct ivg_bootimg_file mf = { .name = IVG_MANIFEST_NAME };
	uint8_t sha[IVG_SHA256_LEN];
	struct ivg_e2tree t;
	char *text = NULL;
	size_t len;
	int r = 0;

	ivg_e2tree_init(&t, fs, path);
	for (size_t i = 0; !r && i < n; i++) {
		if (!strcmp(files[i].name, IVG_MANIFEST_NAME))
			return ivg_err(ctx, EINVAL, "%s: %s is the manifest's own name",
				       path, files[i].name);
		r = put_file(ctx, &t, &files[i], sha);
		if (!r)
			r = ivg_manifest_set(ctx, m, files[i].name, sha);
	}
	if (!r)
		r = ivg_manifest_format(ctx, m, &text, &len);
	if (!r) {
		mf.data = text;
		mf.len = len;
		r = put_file(ctx, &t, &mf, sha);
	}
	free(text);
	ivg_e2tree_free(&t);
	return r;
}

int ivg_bootimg_build(struct ivg_ctx *ctx, const char *path, uint64_t size,
		      const struct ivg_bootimg_file *files, size_t n,
		      struct ivg_manifest *out)
{
	struct ext2_super_block param;
	struct ivg_manifest m = { 0 };
	ext2_filsys fs = NULL;
	uint64_t bytes = 0;
	struct stat st;
	errcode_t e;
	int fd, r = 0;

	for (size_t i = 0; i < n; i++) {
		if (files[i].src && stat(files[i].src, &st))
			return ivg_err(ctx, errno, "%s: %s", files[i].src,
				       strerror(errno));
		if (files[i].src && !S_ISREG(st.st_mode))
			return ivg_err(ctx, EINVAL, "%s: not a regular file",
				       files[i].src);
		bytes += files[i].src ? (uint64_t)st.st_size : files[i].len;
	}
	size -= size % BLOCK;
	if (size < ivg_bootimg_min_size(bytes, n + 1))
		return ivg_err(ctx, ENOSPC,
			       "%s: %llu bytes of files need a boot image of at least %llu MiB, not %llu MiB",
			       path, (unsigned long long)bytes,
			       (unsigned long long)((ivg_bootimg_min_size(bytes, n + 1) + (1 << 20) - 1) >> 20),
			       (unsigned long long)(size >> 20));
	/* A sparse file of the right size: unused blocks stay holes. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	if (ftruncate(fd, (off_t)size)) {
		r = ivg_err(ctx, errno, "%s: cannot size it to %llu bytes: %s",
			    path, (unsigned long long)size, strerror(errno));
		close(fd);
		return r;
	}
	close(fd);
	params(&param, size);
	e = ext2fs_initialize(path, EXT2_FLAG_64BITS, &param, unix_io_manager,
			      &fs);
	if (e)
		return fserr(ctx, path, e, "cannot create a filesystem");
	if ((e = ivg_e2fs_build(fs, IVG_BOOTIMG_LABEL,
				IVG_E2FS_ZEROED | IVG_E2FS_SMALL_LOST_FOUND))) {
		ext2fs_free(fs);
		return fserr(ctx, path, e, "cannot create a filesystem");
	}
	r = put_all(ctx, fs, path, files, n, &m);
	e = ext2fs_close_free(&fs);
	if (!r && e)
		r = fserr(ctx, path, e, "cannot write the filesystem");
	if (!r && out)
		*out = m;
	else
		ivg_manifest_free(&m);
	return r;
}

int ivg_bootimg_read(struct ivg_ctx *ctx, ext2_filsys fs, const char *what,
		     const char *name, size_t max, char **buf, size_t *len)
{
	struct ext2_inode inode;
	ext2_file_t file;
	unsigned int got;
	ext2_ino_t ino;
	uint64_t size;
	errcode_t e;
	char *b;

	/* Links followed: a root LV's /vmlinuz is one. */
	e = ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, name, &ino);
	if (!e)
		e = ext2fs_read_inode(fs, ino, &inode);
	if (e == EXT2_ET_FILE_NOT_FOUND)
		return ivg_err(ctx, ENOENT, "%s: no file %s", what, name);
	if (e)
		return ivg_err(ctx, EIO, "%s: %s: %s", what, name,
			       error_message(e));
	size = EXT2_I_SIZE(&inode);
	if (!LINUX_S_ISREG(inode.i_mode))
		return ivg_err(ctx, EINVAL, "%s: %s is not a regular file",
			       what, name);
	if (size > max)
		return ivg_err(ctx, EFBIG, "%s: %s is %llu bytes, more than %zu",
			       what, name, (unsigned long long)size, max);
	if (!(b = malloc(size + 1)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	e = ext2fs_file_open(fs, ino, 0, &file);
	if (!e) {
		e = ext2fs_file_read(file, b, (unsigned)size, &got);
		ext2fs_file_close(file);
		if (!e && got != size)
			e = EXT2_ET_SHORT_READ;
	}
	if (e) {
		free(b);
		return ivg_err(ctx, EIO, "%s: %s: %s", what, name,
			       error_message(e));
	}
	b[size] = '\0';
	*buf = b;
	*len = (size_t)size;
	return 0;
}
