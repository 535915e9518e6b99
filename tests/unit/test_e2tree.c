/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_e2tree.c - the libext2fs tree writer on an ext4 image file made by
 * mke2fs: nested files written and read back, links, directories that
 * grow past a block, the refusals (a symbolic link on the way, a name or
 * path too long, a file over a directory), an installed system's links
 * to directories followed (merged /usr), and e2fsck clean afterwards;
 * the mkfs steps (ivg_e2fs_build) on a new sparse file, as mke2fs makes
 * a filesystem and as the boot image is made.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2fs.h"
#include "e2tree.h"

#define MIB (1ULL << 20)

struct fx {
	char img[64];
	ext2_filsys fs;
	struct ivg_e2tree t;
	struct ivg_ctx ctx;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char cmd[160];
	int fd;

	if (!f)
		return -1;
	snprintf(f->img, sizeof(f->img), "/tmp/ivg-e2tree-XXXXXX");
	if ((fd = mkstemp(f->img)) < 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "mke2fs -q -F -t ext4 -b 1024 %s 8M", f->img);
	if (system(cmd) ||
	    ext2fs_open(f->img, EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0,
			unix_io_manager, &f->fs) ||
	    ext2fs_read_bitmaps(f->fs))
		return -1;
	ivg_ctx_init(&f->ctx);
	ivg_e2tree_init(&f->t, f->fs, "test.img");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->fs)
		ext2fs_close_free(&f->fs);
	unlink(f->img);
	free(f);
	return 0;
}

/* Close the image and let e2fsck judge it. */
static void fsck_clean(struct fx *f)
{
	char cmd[160];

	ivg_e2tree_free(&f->t);
	assert_int_equal(ext2fs_close_free(&f->fs), 0);
	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s >/dev/null 2>&1", f->img);
	assert_int_equal(system(cmd), 0);
}

static const struct ivg_e2tree_attrs file_at = {
	.mode = S_IFREG | 0640, .uid = 1000, .gid = 100,
	.atime = 1700000000, .mtime = 1700000001, .ctime = 1700000002,
};

static void write_file(struct fx *f, const char *path, const char *text)
{
	ext2_file_t file;
	ext2_ino_t ino;

	assert_int_equal(ivg_e2tree_create(&f->ctx, &f->t, path, &file_at, &ino), 0);
	assert_int_equal(ivg_e2tree_file_open(&f->ctx, &f->t, path, ino, &file), 0);
	assert_int_equal(ivg_e2tree_file_write(&f->ctx, &f->t, file, path, text,
					       strlen(text), 0), 0);
	assert_int_equal(ivg_e2tree_file_close(&f->ctx, &f->t, file, path,
					       strlen(text)), 0);
}

static void read_back(struct fx *f, const char *path, const char *want,
		      unsigned links)
{
	struct ext2_inode inode;
	ext2_file_t file;
	ext2_ino_t ino;
	unsigned int got;
	char buf[256];

	assert_int_equal(ext2fs_namei(f->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino), 0);
	assert_int_equal(ext2fs_read_inode(f->fs, ino, &inode), 0);
	assert_int_equal(inode.i_links_count, links);
	assert_int_equal(inode.i_mode, LINUX_S_IFREG | 0640);
	assert_int_equal(inode.i_uid, 1000);
	assert_int_equal(inode.i_mtime, 1700000001);
	assert_int_equal(ext2fs_file_open(f->fs, ino, 0, &file), 0);
	assert_int_equal(ext2fs_file_read(file, buf, sizeof(buf) - 1, &got), 0);
	ext2fs_file_close(file);
	buf[got] = '\0';
	assert_string_equal(buf, want);
}

static void tree_written(void **state)
{
	struct fx *f = *state;
	struct ivg_e2tree_attrs dir_at = { .mode = S_IFDIR | 0755 };
	ext2_ino_t ino;
	char name[40];

	write_file(f, "etc/ivg/one.conf", "first\n");
	write_file(f, "etc/ivg/one.conf", "replaced, as tar does\n");
	assert_int_equal(ivg_e2tree_mkdir(&f->ctx, &f->t, "var/empty", &dir_at, &ino), 0);
	assert_int_equal(ivg_e2tree_symlink(&f->ctx, &f->t, "etc/link", "ivg", &dir_at, &ino), 0);
	assert_int_equal(ivg_e2tree_hardlink(&f->ctx, &f->t, "etc/two.conf",
					     "etc/ivg/one.conf", NULL, NULL), 0);
	/* Enough names to grow the directory by several blocks. */
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "many/file-with-a-long-name-%03d", i);
		write_file(f, name, "x");
	}
	read_back(f, "etc/ivg/one.conf", "replaced, as tar does\n", 2);
	read_back(f, "etc/two.conf", "replaced, as tar does\n", 2);
	read_back(f, "many/file-with-a-long-name-199", "x", 1);
	fsck_clean(f);
}

static void refused(void **state)
{
	struct fx *f = *state;
	struct ivg_e2tree_attrs link_at = { .mode = S_IFLNK | 0777 };
	char long_name[300], long_path[4200];
	ext2_ino_t ino;

	write_file(f, "etc/real/file", "y");
	assert_int_equal(ivg_e2tree_symlink(&f->ctx, &f->t, "etc/link", "real", &link_at, &ino), 0);
	/* Nothing is written through a symbolic link. */
	assert_int_equal(ivg_e2tree_create(&f->ctx, &f->t, "etc/link/evil", &file_at, &ino), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "test.img: entry \"etc/link/evil\": refused: a symbolic link is not followed: \"etc/link\""));
	/* A directory is not replaced by a file. */
	assert_int_equal(ivg_e2tree_create(&f->ctx, &f->t, "etc/real", &file_at, &ino), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "a directory is there already"));
	/* Names and paths beyond ext4's and the writer's limits. */
	memset(long_name, 'n', sizeof(long_name));
	snprintf(long_name + 256, sizeof(long_name) - 256, "/f");
	assert_int_equal(ivg_e2tree_create(&f->ctx, &f->t, long_name, &file_at, &ino), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "longer than 255 bytes"));
	for (size_t i = 0; i + 1 < sizeof(long_path); i++)
		long_path[i] = i % 100 == 99 ? '/' : 'p';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(ivg_e2tree_create(&f->ctx, &f->t, long_path, &file_at, &ino), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "a path longer than 4096 bytes"));
	/* A hard link to what is not there. */
	assert_int_equal(ivg_e2tree_hardlink(&f->ctx, &f->t, "etc/h", "etc/nothere",
					     NULL, NULL), -ENOENT);
	fsck_clean(f);
}

/* Into an installed system (follow_dir_links): merged /usr's links to
 * directories are followed, inside the filesystem, as dpkg does; a link
 * to anything else still is not. */
static void dir_links_followed(void **state)
{
	struct fx *f = *state;
	struct ivg_e2tree_attrs link_at = { .mode = S_IFLNK | 0777 };
	struct ivg_e2tree_attrs dir_at = { .mode = S_IFDIR | 0700, .uid = 5 };
	struct ext2_inode inode;
	ext2_ino_t ino, usr_bin, bin;

	write_file(f, "usr/bin/sh", "shell");
	write_file(f, "etc/file", "f");
	assert_int_equal(ivg_e2tree_symlink(&f->ctx, &f->t, "bin", "usr/bin", &link_at, &ino), 0);
	assert_int_equal(ivg_e2tree_symlink(&f->ctx, &f->t, "etc/abs", "/usr/bin", &link_at, &ino), 0);
	assert_int_equal(ivg_e2tree_symlink(&f->ctx, &f->t, "etc/flink", "file", &link_at, &ino), 0);
	assert_int_equal(ivg_e2tree_symlink(&f->ctx, &f->t, "etc/out", "../../../nothere", &link_at, &ino), 0);
	f->t.follow_dir_links = true;
	/* The directory entry "bin": the link stays, and so does usr/bin. */
	assert_int_equal(ivg_e2tree_mkdir(&f->ctx, &f->t, "bin", &dir_at, &ino), 0);
	assert_int_equal(ext2fs_namei(f->fs, EXT2_ROOT_INO, EXT2_ROOT_INO, "usr/bin", &usr_bin), 0);
	assert_int_equal(ino, usr_bin);
	assert_int_equal(ext2fs_lookup(f->fs, EXT2_ROOT_INO, "bin", 3, NULL, &bin), 0);
	assert_int_equal(ext2fs_read_inode(f->fs, bin, &inode), 0);
	assert_true(LINUX_S_ISLNK(inode.i_mode));
	assert_int_equal(ext2fs_read_inode(f->fs, usr_bin, &inode), 0);
	assert_int_equal(inode.i_mode & 0777, 0755);
	/* Files under the links land in usr/bin. */
	write_file(f, "bin/tool", "t");
	write_file(f, "etc/abs/other", "o");
	read_back(f, "usr/bin/tool", "t", 1);
	read_back(f, "usr/bin/other", "o", 1);
	/* Links to a file, or to nothing, are not followed. */
	assert_int_equal(ivg_e2tree_create(&f->ctx, &f->t, "etc/flink/x", &file_at, &ino), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "a symbolic link to no directory is not followed: \"etc/flink\""));
	assert_int_equal(ivg_e2tree_create(&f->ctx, &f->t, "etc/out/x", &file_at, &ino), -EINVAL);
	/* Without follow_dir_links (a BOS into its new filesystem): refused. */
	f->t.follow_dir_links = false;
	ivg_e2tree_free(&f->t);
	assert_int_equal(ivg_e2tree_create(&f->ctx, &f->t, "bin/evil", &file_at, &ino), -EINVAL);
	assert_non_null(strstr(ivg_errmsg(&f->ctx), "a symbolic link is not followed: \"bin\""));
	fsck_clean(f);
}

/* An ext2 of 8 MiB built in a new sparse file; lost+found's size and
 * e2fsck's verdict. */
static void build_in_file(unsigned flags, const char *label, uint64_t lf_size)
{
	char img[] = "/tmp/ivg-e2fs-XXXXXX", cmd[128];
	struct ext2_super_block param = { 0 };
	struct ext2_inode inode;
	ext2_filsys fs;
	ext2_ino_t lf;
	int fd = mkstemp(img);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 8 * MIB), 0);
	close(fd);
	param.s_rev_level = EXT2_DYNAMIC_REV;
	param.s_log_block_size = param.s_log_cluster_size = 2;
	ext2fs_blocks_count_set(&param, 8 * MIB / 4096);
	param.s_inodes_count = 512;
	param.s_inode_size = 256;
	ext2fs_set_feature_filetype(&param);
	assert_int_equal(ext2fs_initialize(img, EXT2_FLAG_64BITS, &param,
					   unix_io_manager, &fs), 0);
	assert_int_equal(ivg_e2fs_build(fs, label, flags), 0);
	assert_string_equal((char *)fs->super->s_volume_name, label);
	assert_int_equal(ext2fs_lookup(fs, EXT2_ROOT_INO, "lost+found", 10, NULL, &lf), 0);
	assert_int_equal(ext2fs_read_inode(fs, lf, &inode), 0);
	assert_int_equal(EXT2_I_SIZE(&inode), lf_size);
	assert_int_equal(ext2fs_close_free(&fs), 0);
	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s >/dev/null 2>&1", img);
	assert_int_equal(system(cmd), 0);
	unlink(img);
}

/* As mke2fs makes it: lost+found with 16 KiB of room. */
static void build_as_mke2fs(void **state)
{
	build_in_file(0, "asmke2fs", 16384);
}

/* As the boot image is made: lost+found of one block. */
static void build_as_boot_image(void **state)
{
	build_in_file(IVG_E2FS_ZEROED | IVG_E2FS_SMALL_LOST_FOUND, "ivg-boot", 4096);
}

static void nospc(void **state)
{
	assert_true(ivg_e2_nospc(EXT2_ET_BLOCK_ALLOC_FAIL));
	assert_true(ivg_e2_nospc(EXT2_ET_INODE_ALLOC_FAIL));
	assert_false(ivg_e2_nospc(EXT2_ET_FILE_NOT_FOUND));
	assert_false(ivg_e2_nospc(EXT2_ET_SHORT_WRITE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(tree_written, setup, teardown),
		cmocka_unit_test_setup_teardown(refused, setup, teardown),
		cmocka_unit_test_setup_teardown(dir_links_followed, setup, teardown),
		cmocka_unit_test(nospc),
		cmocka_unit_test(build_as_mke2fs),
		cmocka_unit_test(build_as_boot_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
