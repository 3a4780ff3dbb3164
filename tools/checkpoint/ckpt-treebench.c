// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt-treebench - how checkpoint and restart times grow with the number
 * of processes in the tree.
 *
 *   ckpt-treebench DIR N...
 *
 * For each N: a root process forks N - 1 children, which wait in pause();
 * the bench checkpoints the tree (CHECKPOINT_KILL) to DIR/tree.img and
 * restarts it with rstr (from PATH). The restored root finds DIR/tree.go,
 * notes the time in DIR/tree.up, kills its children, reaps them and exits,
 * and rstr exits with it: the restart time runs from starting rstr to that
 * exit, so it includes recreating, restoring and resuming every process and
 * the teardown; the "up" time ends when the restored root runs. Prints one
 * line per N with the times and the times per process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>

#include "common.h"

static void die(const char *what)
{
	fprintf(stderr, "ckpt-treebench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The root of a tree of @n processes; says it is ready on @ready */
static void root(int n, int ready, const char *go, const char *up)
{
	pid_t *kids = calloc(n, sizeof(pid_t));
	double t;
	int i, fd;

	for (i = 1; i < n; i++) {
		kids[i] = fork();
		if (kids[i] < 0)
			_exit(1);
		if (!kids[i]) {
			close(ready);
			for (;;)
				pause();
		}
	}
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	/* only the restored root gets past this: the go file exists by then */
	while (access(go, F_OK))
		usleep(10 * 1000);
	t = now();
	fd = open(up, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, &t, sizeof(t)) != sizeof(t))
		_exit(1);
	close(fd);
	for (i = 1; i < n; i++)
		kill(kids[i], SIGKILL);
	for (i = 1; i < n; i++)
		waitpid(kids[i], NULL, 0);
	_exit(0);
}

static void bench(const char *dir, int n)
{
	char img[4096], go[4096], up[4096], r;
	double t0, t1, t2, t3;
	int p[2], fd, status, i;
	pid_t pid, rstr;

	snprintf(img, sizeof(img), "%s/tree.img", dir);
	snprintf(go, sizeof(go), "%s/tree.go", dir);
	snprintf(up, sizeof(up), "%s/tree.up", dir);
	unlink(go);
	unlink(up);
	if (pipe(p))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(p[0]);
		root(n, p[1], go, up);
	}
	close(p[1]);
	if (read(p[0], &r, 1) != 1)
		die("tree");
	close(p[0]);
	usleep(200 * 1000);	/* all in pause() */

	fd = open(img, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die(img);
	t0 = now();
	if (syscall(__NR_checkpoint, pid, fd, CHECKPOINT_KILL | CHECKPOINT_SUBTREE, 2) < 0)
		die("checkpoint");
	t1 = now();
	close(fd);
	/* the killed tree: the root, and its children (orphans of ours) */
	for (i = 0; i < n; i++)
		if (wait(NULL) < 0)
			die("wait");
	close(open(go, O_CREAT | O_WRONLY, 0600));

	rstr = fork();
	if (rstr < 0)
		die("fork");
	if (!rstr) {
		fd = open(img, O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0)
			_exit(127);
		execlp("rstr", "rstr", (char *)NULL);
		_exit(127);
	}
	t1 = t1 - t0;
	t0 = now();
	if (waitpid(rstr, &status, 0) != rstr || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "ckpt-treebench: rstr of %d processes: status %#x\n", n, status);
		exit(1);
	}
	t2 = now() - t0;
	fd = open(up, O_RDONLY);
	if (fd < 0 || read(fd, &t3, sizeof(t3)) != sizeof(t3))
		die(up);
	close(fd);
	t3 -= t0;
	printf("%6d %9.3f %9.3f %9.3f %9.2f %9.2f %9.2f\n", n, t1, t3, t2, t1 * 1e3 / n,
	       t3 * 1e3 / n, t2 * 1e3 / n);
	fflush(stdout);
	unlink(img);
	unlink(go);
	unlink(up);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3) {
		fprintf(stderr, "Usage: ckpt-treebench DIR N...\n");
		return 2;
	}
	/* the processes of a killed tree come back to us to be reaped */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die("PR_SET_CHILD_SUBREAPER");
	printf("%6s %9s %9s %9s %9s %9s %9s\n", "procs", "ckpt s", "up s", "restart s",
	       "ckpt ms/p", "up ms/p", "rst ms/p");
	for (i = 2; i < argc; i++)
		bench(argv[1], atoi(argv[i]));
	return 0;
}
