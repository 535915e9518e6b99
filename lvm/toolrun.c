/* SPDX-License-Identifier: GPL-2.0-or-later */
/* toolrun.c - run an outside tool, keeping the end of its output (toolrun.h). */
#define _GNU_SOURCE
#include "toolrun.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* environ plus 'env', the latter winning. */
static char **merged_env(char *const env[])
{
	size_t ne = 0, nx = 0, k = 0;
	char **v;

	while (environ && environ[ne])
		ne++;
	while (env && env[nx])
		nx++;
	if (!(v = calloc(ne + nx + 1, sizeof(*v))))
		return NULL;
	for (size_t i = 0; i < ne; i++) {
		bool over = false;

		for (size_t x = 0; x < nx && !over; x++) {
			const char *eq = strchr(env[x], '=');
			size_t len = eq ? (size_t)(eq - env[x]) + 1 : 0;

			over = len && !strncmp(environ[i], env[x], len);
		}
		if (!over)
			v[k++] = environ[i];
	}
	for (size_t x = 0; x < nx; x++)
		v[k++] = env[x];
	return v;
}

/* The last bytes the tool wrote, on one line. */
static void tail_of(int fd, char *msg, size_t cap)
{
	off_t end = lseek(fd, 0, SEEK_END), start;
	ssize_t n;

	msg[0] = '\0';
	if (end <= 0)
		return;
	start = end > (off_t)cap - 1 ? end - (off_t)cap + 1 : 0;
	n = pread(fd, msg, cap - 1, start);
	if (n <= 0)
		return;
	msg[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (msg[i] == '\n' || msg[i] == '\r')
			msg[i] = ' ';
	while (n > 0 && msg[n - 1] == ' ')
		msg[--n] = '\0';
}

/*
 * Wait for pid; after 'seconds' (0: no limit) kill it. Returns 0, or
 * -ETIMEDOUT once it was killed and reaped.
 */
static int wait_tool(pid_t pid, int *status, unsigned seconds)
{
	struct timespec now, end, nap = { 0, 1000000 };

	if (!seconds) {
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 50000000)
			nap.tv_nsec *= 2;       /* up to 64 ms between looks */
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -ETIMEDOUT;
}

int ivg_spawn(struct ivg_ctx *ctx, const char *what, char *const argv[],
	      char *const env[], int passfd)
{
	return ivg_spawn_timed(ctx, what, argv, env, passfd, 0);
}

int ivg_spawn_timed(struct ivg_ctx *ctx, const char *what, char *const argv[],
		    char *const env[], int passfd, unsigned seconds)
{
	posix_spawn_file_actions_t fa;
	char **envp = merged_env(env), msg[400];
	int outfd = passfd, status, rc;
	pid_t pid;

	if (!envp)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (passfd < 0 && (outfd = memfd_create("ivg-tool", MFD_CLOEXEC)) < 0) {
		free(envp);
		return ivg_err(ctx, errno, "%s: memfd_create: %s", what,
			       strerror(errno));
	}
	ivg_debug(ctx, "running %s", argv[0]);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	posix_spawn_file_actions_adddup2(&fa, outfd, 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	if (rc) {
		if (outfd != passfd)
			close(outfd);
		return ivg_err(ctx, rc, "%s: cannot run %s: %s", what, argv[0],
			       strerror(rc));
	}
	rc = wait_tool(pid, &status, seconds);
	msg[0] = '\0';
	if (outfd != passfd) {
		tail_of(outfd, msg, sizeof(msg));
		close(outfd);
	}
	if (rc)
		return ivg_err(ctx, ETIMEDOUT, "%s: %s did not finish in %u s and was killed%s%s",
			       what, argv[0], seconds, msg[0] ? ": " : "", msg);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return ivg_err(ctx, ENOENT, "%s: %s not found%s%s", what,
			       argv[0], msg[0] ? ": " : "", msg);
	return ivg_err(ctx, EIO, "%s: %s %s %d%s%s", what, argv[0],
		       WIFEXITED(status) ? "failed with exit status" :
					   "was killed by signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		       msg[0] ? ": " : "", msg);
}

int ivg_tool_find(struct ivg_ctx *ctx, const char *name, const char *purpose)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	while (path && *path) {
		size_t len = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path, name);
		if (len && access(buf, X_OK) == 0)
			return 0;
		path += len + (path[len] == ':');
	}
	return ivg_err(ctx, ENOENT, "%s is not installed; %s", name, purpose);
}
