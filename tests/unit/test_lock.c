/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_lock.c - lvm2's file locks: the files and modes lvm2 uses, lvm.conf
 * settings (locking_dir, wait_for_locks, use_lvmlockd), waiting for a
 * holder in another process, removal of released lock files, and an
 * interrupted wait.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lock.h"

static char dir[64], lockdir[128];

static void conf_text(const char *global)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/lvm.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "global {\n%s\n}\n", global);
	fclose(f);
}

static void conf(const char *extra)
{
	char text[512];

	snprintf(text, sizeof(text), "locking_dir = \"%s\"\n%s", lockdir, extra);
	conf_text(text);
}

static int setup(void **state)
{
	strcpy(dir, "/tmp/ivg-lock-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* Two levels that do not exist yet: lvm2 creates them. */
	snprintf(lockdir, sizeof(lockdir), "%s/run/lvm", dir);
	conf("");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static bool exists(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", lockdir, name);
	return access(path, F_OK) == 0;
}

/* What flock(1) or lvm2 in another process would get: 0 or EWOULDBLOCK. */
static int try_other(const char *name, int op)
{
	char path[256];
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", lockdir, name);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	r = flock(fd, op | LOCK_NB) ? errno : 0;
	close(fd);
	return r;
}

static void test_files_and_modes(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_locks *a, *b;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_locks_open(&ctx, dir, &a), 0);
	assert_string_equal(ivg_locks_dir(a), lockdir);
	assert_int_equal(ivg_lock_global(&ctx, a, true), 0);
	assert_int_equal(ivg_lock_vg(&ctx, a, "vg0", true), 0);
	assert_true(exists("P_global"));
	assert_true(exists("V_vg0"));
	/* The aux file is gone once the writer has its lock. */
	assert_false(exists("V_vg0:aux"));
	assert_int_equal(try_other("V_vg0", LOCK_SH), EWOULDBLOCK);
	assert_int_equal(try_other("P_global", LOCK_SH), EWOULDBLOCK);
	assert_int_equal(ivg_lock_vg(&ctx, a, "vg0", false), -EDEADLK);
	ivg_locks_close(a);
	/* Released and removed, as lvm2 does. */
	assert_false(exists("V_vg0"));
	assert_false(exists("P_global"));

	/* Readers share; a writer is refused while they read. */
	assert_int_equal(ivg_locks_open(&ctx, dir, &a), 0);
	assert_int_equal(ivg_locks_open(&ctx, dir, &b), 0);
	assert_int_equal(ivg_lock_vg(&ctx, a, "vg0", false), 0);
	assert_int_equal(ivg_lock_vg(&ctx, b, "vg0", false), 0);
	assert_int_equal(try_other("V_vg0", LOCK_SH), 0);
	assert_int_equal(try_other("V_vg0", LOCK_EX), EWOULDBLOCK);
	assert_int_equal(ivg_unlock_vg(a, "vg0"), 0);
	assert_int_equal(ivg_unlock_vg(a, "vg0"), -ENOENT);
	/* b still holds it: the file stays. */
	assert_true(exists("V_vg0"));
	ivg_locks_close(b);
	ivg_locks_close(a);
	assert_false(exists("V_vg0"));
	assert_int_equal(ivg_locks_open(&ctx, dir, &a), 0);
	assert_int_equal(ivg_lock_vg(&ctx, a, "a/b", true), -EINVAL);
	ivg_locks_close(a);
}

static void test_no_wait(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_locks *a, *b;

	ivg_ctx_init(&ctx);
	conf("wait_for_locks = 0");
	assert_int_equal(ivg_locks_open(&ctx, dir, &a), 0);
	assert_int_equal(ivg_locks_open(&ctx, dir, &b), 0);
	assert_int_equal(ivg_lock_vg(&ctx, a, "vg1", false), 0);
	assert_int_equal(ivg_lock_vg(&ctx, b, "vg1", true), -EAGAIN);
	assert_non_null(strstr(ivg_errmsg(&ctx), "V_vg1 is locked by another command"));
	ivg_locks_close(a);
	assert_int_equal(ivg_lock_vg(&ctx, b, "vg1", true), 0);
	ivg_locks_close(b);
	conf("");
}

static void test_lvmlockd_refused(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_locks *a = (struct ivg_locks *)&ctx;

	ivg_ctx_init(&ctx);
	conf("use_lvmlockd = 1");
	assert_int_equal(ivg_locks_open(&ctx, dir, &a), -ENOTSUP);
	assert_null(a);
	assert_non_null(strstr(ivg_errmsg(&ctx), "use_lvmlockd"));
	conf_text("locking_dir = 5");
	assert_int_equal(ivg_locks_open(&ctx, dir, &a), -EINVAL);
	conf("");
}

/*
 * A holder in another process: the waiter gets the lock only after the
 * holder has finished (it writes a mark before it lets go).
 */
static void test_waits_for_holder(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_locks *a;
	char mark[256];
	int pipefd[2];
	pid_t pid;
	char c;

	ivg_ctx_init(&ctx);
	snprintf(mark, sizeof(mark), "%s/mark", dir);
	unlink(mark);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ivg_locks *h;

		if (ivg_locks_open(&ctx, dir, &h) ||
		    ivg_lock_vg(&ctx, h, "vg2", true))
			_exit(1);
		(void)!write(pipefd[1], "x", 1);
		usleep(200 * 1000);
		close(open(mark, O_CREAT | O_WRONLY, 0600));
		ivg_locks_close(h);
		_exit(0);
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(ivg_locks_open(&ctx, dir, &a), 0);
	assert_int_equal(ivg_lock_vg(&ctx, a, "vg2", false), 0);
	assert_int_equal(access(mark, F_OK), 0);
	ivg_locks_close(a);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	close(pipefd[0]);
	close(pipefd[1]);
}

static int always(struct ivg_ctx *ctx)
{
	return 1;
}

static void test_interrupted_wait(void **state)
{
	struct ivg_ctx ctx;
	struct ivg_locks *a, *b;

	ivg_ctx_init(&ctx);
	assert_int_equal(ivg_locks_open(&ctx, dir, &a), 0);
	assert_int_equal(ivg_locks_open(&ctx, dir, &b), 0);
	assert_int_equal(ivg_lock_vg(&ctx, a, "vg3", true), 0);
	ctx.interrupted = always;
	assert_int_equal(ivg_lock_vg(&ctx, b, "vg3", false), -EINTR);
	assert_non_null(strstr(ivg_errmsg(&ctx), "V_vg3"));
	ctx.interrupted = NULL;
	ivg_locks_close(b);
	ivg_locks_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files_and_modes),
		cmocka_unit_test(test_no_wait),
		cmocka_unit_test(test_lvmlockd_refused),
		cmocka_unit_test(test_waits_for_holder),
		cmocka_unit_test(test_interrupted_wait),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
