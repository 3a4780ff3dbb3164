// SPDX-License-Identifier: GPL-2.0
/*
 * Process trees: a tree is checkpointed as a whole and restarted by rstr
 * with its pids, parents, sessions, process groups, zombies and shared
 * open files, and every process checks its own state once restored.
 *
 * The processes of a test tree say they are ready by creating
 * /tmp/ckpt-ready.PID, and wait for /tmp/ckpt-go.ROOT; the test creates it
 * once the originals are killed by the checkpoint, so only the restored
 * copies get past the wait. Each process exits 0 if all is well, else a
 * code saying what was wrong; a parent folds its children's codes into its
 * own, so the root's exit status (which rstr exits with) covers the tree.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

static char go[64];
static unsigned int poll_us = 50 * 1000;	/* how often a test tree looks at go */

static void tree_ready(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/ckpt-ready.%d", getpid());
	close(open(path, O_CREAT | O_WRONLY, 0600));
}

/*
 * Wait until the test says go: only the restored copy gets past this. Not
 * too often: two hundred processes polling would starve the machine.
 */
static void tree_wait(void)
{
	while (access(go, F_OK))
		usleep(poll_us);
}

static void wait_ready(pid_t *pids, int n)
{
	char path[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/tmp/ckpt-ready.%d", pids[i]);
		while (access(path, F_OK))
			usleep(2000);
		unlink(path);
	}
	usleep(50 * 1000);	/* into their waits */
}

/* Reap @pid; 0 if it exited 0, else a code naming it */
static int reaped_ok(pid_t pid, int code)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return code;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : code;
}

/* In the root of a test tree: keep only @p (at fds 3 and 4) of the test's fds */
static void root_fds(int *p)
{
	if (p) {
		if (dup2(p[0], 3) < 0 || dup2(p[1], 4) < 0)
			_exit(98);
		p[0] = 3;
		p[1] = 4;
	}
	close_range(p ? 5 : 3, ~0U, 0);
}

/* Child of the tree's root: 0 in the child */
static pid_t tree_fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		_exit(98);
	return pid;
}

/*
 * Checkpoint the tree under @root with CHECKPOINT_KILL (plus @flags), then
 * restart it with rstr (--pidns if @pidns); return rstr's wait status, or
 * -errno if checkpoint failed. The image stays in @img, the logs in @log.
 */
static int tree_cycle(pid_t root, unsigned long flags, struct image *img, char **log)
{
	int fd = memfd("image"), logfd = memfd("log"), status;
	long crid;

	crid = sys_checkpoint(root, fd, flags | CHECKPOINT_KILL, logfd);
	if (crid < 0) {
		crid = -errno;
		*log = slurp(logfd, NULL);
		close(fd);
		close(logfd);
		return crid;
	}
	img->buf = slurp(fd, &img->len);
	*log = slurp(logfd, NULL);
	close(fd);
	close(logfd);
	waitpid(root, NULL, 0);
	close(open(go, O_CREAT | O_WRONLY, 0600));
	status = run_rstr(img, NULL, log);
	return status;
}

FIXTURE(tree) {
	pid_t root;
	struct image img;
	char *log;
};

FIXTURE_SETUP(tree)
{
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", getpid());
	unlink(go);
	self->root = 0;
	self->img.buf = NULL;
	self->log = NULL;
}

/* Parent of @pid, from /proc; 0 if it is gone */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[256], *p;
	pid_t ppid = 0;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (p)
		sscanf(p + 2, "%*c %d", &ppid);
	return ppid;
}

/* After a failed test: kill @root and every process under it */
static void kill_tree(pid_t root)
{
	pid_t *in = calloc(4096, sizeof(pid_t)), pid, ppid;
	int n = 1, i, changed = 1;
	struct dirent *d;
	DIR *dir;

	in[0] = root;
	while (changed && n < 4096) {
		changed = 0;
		dir = opendir("/proc");
		while (dir && (d = readdir(dir)) && n < 4096) {
			pid = atoi(d->d_name);
			if (pid <= 1)
				continue;
			for (i = 0; i < n && in[i] != pid; i++)
				;
			if (i < n)
				continue;
			ppid = parent_of(pid);
			for (i = 0; i < n && in[i] != ppid; i++)
				;
			if (i < n) {
				in[n++] = pid;
				changed = 1;
			}
		}
		if (dir)
			closedir(dir);
	}
	for (i = 0; i < n; i++)
		kill(in[i], SIGKILL);
	waitpid(root, NULL, 0);
	free(in);
}

FIXTURE_TEARDOWN(tree)
{
	unlink(go);
	if (self->root > 0)
		kill_tree(self->root);
	free(self->img.buf);
	free(self->log);
}

/* root -> child -> grandchild: pids, parents and memory of each */
TEST_F_TIMEOUT(tree, three_levels, 120)
{
	pid_t pids[3];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		pid_t me = getpid(), child, gchild;
		char *heap = malloc(1 << 20);
		int ret = 0;

		root_fds(p);
		memset(heap, 'r', 1 << 20);
		child = tree_fork();
		if (!child) {
			char *mine = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			child = getpid();
			memset(mine, 'c', 8 << 20);
			gchild = tree_fork();
			if (!gchild) {
				heap[4096] = 'g';
				close(p[0]);
				close(p[1]);
				tree_ready();
				tree_wait();
				_exit(getppid() != child ? 31 : heap[4096] != 'g' ? 32 :
				      heap[0] != 'r' ? 33 : 0);
			}
			if (write(p[1], &gchild, sizeof(gchild)) != sizeof(gchild))
				_exit(97);
			close(p[0]);
			close(p[1]);
			tree_ready();
			tree_wait();
			if (getppid() != me)
				_exit(21);
			if (mine[(8 << 20) - 1] != 'c' || heap[4096] != 'r')
				_exit(22);
			_exit(reaped_ok(gchild, 23));
		}
		if (write(p[1], &child, sizeof(child)) != sizeof(child))
			_exit(97);
		close(p[0]);
		close(p[1]);
		tree_ready();
		tree_wait();
		if (heap[(1 << 20) - 1] != 'r')
			ret = 11;
		ret = ret ?: reaped_ok(child, 12);
		_exit(ret);
	}
	self->root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[2], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 3);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
}

/* Read from @fd until end of file into @buf (NUL terminated); length or -1 */
static int read_all(int fd, char *buf, int size)
{
	int n, len = 0;

	while ((n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	return n < 0 ? -1 : len;
}

/*
 * root <- child <- grandchild, a pipe between each level, with bytes in
 * both pipes at checkpoint: after restart the data goes on flowing up, in
 * order, and each reader sees end of file when its writer is done.
 */
TEST_F_TIMEOUT(tree, pipes_between_levels, 120)
{
	pid_t pids[3];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		int up[2], down[2];	/* child -> root, grandchild -> child */
		pid_t child, gchild;
		char buf[256];

		root_fds(p);
		if (pipe(up))
			_exit(98);
		child = tree_fork();
		if (!child) {
			close(up[0]);
			if (pipe(down))
				_exit(98);
			gchild = tree_fork();
			if (!gchild) {
				close(up[1]);
				close(down[0]);
				close(p[0]);
				close(p[1]);
				if (write(down[1], "g1,", 3) != 3)
					_exit(97);
				tree_ready();
				tree_wait();
				_exit(write(down[1], "g2,", 3) != 3 ? 31 : 0);
			}
			close(down[1]);
			if (write(p[1], &gchild, sizeof(gchild)) != sizeof(gchild) ||
			    write(up[1], "c1,", 3) != 3)
				_exit(97);
			close(p[0]);
			close(p[1]);
			tree_ready();
			tree_wait();
			/* all the grandchild wrote, before and after, then EOF */
			if (read_all(down[0], buf, sizeof(buf)) < 0 || strcmp(buf, "g1,g2,"))
				_exit(21);
			if (write(up[1], buf, strlen(buf)) != (ssize_t)strlen(buf))
				_exit(22);
			_exit(reaped_ok(gchild, 23));
		}
		close(up[1]);
		if (write(p[1], &child, sizeof(child)) != sizeof(child))
			_exit(97);
		close(p[0]);
		close(p[1]);
		tree_ready();
		tree_wait();
		if (read_all(up[0], buf, sizeof(buf)) < 0 || strcmp(buf, "c1,g1,g2,"))
			_exit(11);
		_exit(reaped_ok(child, 12));
	}
	self->root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[2], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 3);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	/* each pipe is saved once, with its bytes */
	EXPECT_NE(NULL, image_record(&self->img, CKPT_HDR_DATA, 1));
	EXPECT_EQ(NULL, image_record(&self->img, CKPT_HDR_DATA, 2));
}

/* The pid SO_PEERCRED gives on @fd; 0 on error */
static pid_t peer_pid(int fd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) ? 0 : uc.pid;
}

/*
 * A unix stream connection between two processes, made by connect() and
 * accept(): each side still sees the other's pid with SO_PEERCRED, and
 * a message waiting in it is read after restart
 */
TEST_F_TIMEOUT(tree, unix_peer_credentials, 120)
{
	pid_t pids[2];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		socklen_t len = offsetof(struct sockaddr_un, sun_path) + 10;
		pid_t me = getpid(), child;
		int l, sv;
		char b;

		root_fds(p);
		memcpy(sun.sun_path, "\0ckpt-cred", 10);
		l = socket(AF_UNIX, SOCK_STREAM, 0);
		if (l < 0 || bind(l, (struct sockaddr *)&sun, len) || listen(l, 1))
			_exit(98);
		child = tree_fork();
		if (!child) {
			int cl = socket(AF_UNIX, SOCK_STREAM, 0);

			close(l);
			if (cl < 0 || connect(cl, (struct sockaddr *)&sun, len) ||
			    write(cl, "c", 1) != 1)
				_exit(97);
			close(p[0]);
			close(p[1]);
			tree_ready();
			tree_wait();
			_exit(peer_pid(cl) != me ? 21 : 0);
		}
		sv = accept(l, NULL, NULL);
		close(l);
		if (sv < 0 || write(p[1], &child, sizeof(child)) != sizeof(child))
			_exit(97);
		close(p[0]);
		close(p[1]);
		tree_ready();
		tree_wait();
		if (peer_pid(sv) != child)
			_exit(11);
		if (read(sv, &b, 1) != 1 || b != 'c')
			_exit(12);
		_exit(reaped_ok(child, 13));
	}
	self->root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 2);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
}

/* Zombies come back as zombies, with their exit codes, reaped after restart */
TEST_F_TIMEOUT(tree, zombies, 120)
{
	struct ckpt_hdr_tree *tree;
	pid_t pids[1];

	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		pid_t exited, killed;
		int status, ret = 0;

		root_fds(NULL);
		exited = tree_fork();
		if (!exited)
			_exit(42);
		killed = tree_fork();
		if (!killed) {
			pause();
			_exit(1);
		}
		kill(killed, SIGTERM);
		/* both zombies, not reaped */
		while (waitid(P_PID, killed, NULL, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
		while (waitid(P_PID, exited, NULL, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
		tree_ready();
		tree_wait();
		if (waitpid(exited, &status, 0) != exited || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 42)
			ret = 11;
		else if (waitpid(killed, &status, 0) != killed || !WIFSIGNALED(status) ||
			 WTERMSIG(status) != SIGTERM)
			ret = 12;
		else if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
			ret = 13;
		_exit(ret);
	}
	self->root = pids[0];
	wait_ready(pids, 1);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	tree = (void *)image_record(&self->img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	ASSERT_EQ(3, tree->nr_tasks);
	EXPECT_EQ(CKPT_PIDS_ZOMBIE, tree->pids[1].flags);
	EXPECT_EQ(CKPT_PIDS_ZOMBIE, tree->pids[2].flags);
}

/* Sessions and process groups, and the parents, are as they were */
TEST_F_TIMEOUT(tree, sessions_and_groups, 120)
{
	pid_t pids[4];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		pid_t me = getpid(), leader, member, loner;
		pid_t sid;

		root_fds(p);
		/* the root leads a session of its own */
		sid = setsid();
		leader = tree_fork();
		if (!leader) {
			setpgid(0, 0);
			member = tree_fork();
			if (!member) {
				close(p[0]);
				close(p[1]);
				tree_ready();
				tree_wait();
				_exit(getpgid(0) != getppid() ? 31 : getsid(0) != sid ? 32 : 0);
			}
			if (write(p[1], &member, sizeof(member)) != sizeof(member))
				_exit(97);
			close(p[0]);
			close(p[1]);
			tree_ready();
			tree_wait();
			if (getpgid(0) != getpid() || getsid(0) != sid || getppid() != me)
				_exit(21);
			_exit(reaped_ok(member, 22));
		}
		loner = tree_fork();
		if (!loner) {
			close(p[0]);
			close(p[1]);
			setsid();
			tree_ready();
			tree_wait();
			_exit(getsid(0) != getpid() || getpgid(0) != getpid() ? 41 : 0);
		}
		if (write(p[1], &leader, sizeof(leader)) != sizeof(leader) ||
		    write(p[1], &loner, sizeof(loner)) != sizeof(loner))
			_exit(97);
		close(p[0]);
		close(p[1]);
		tree_ready();
		tree_wait();
		if (getsid(0) != me || getpgid(0) != me)
			_exit(11);
		_exit(reaped_ok(leader, 12) ?: reaped_ok(loner, 13));
	}
	self->root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[2], sizeof(pid_t)));
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[3], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 4);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
}

/*
 * A child subreaper stays one: an orphan it adopted before the checkpoint
 * is its child after restart, and one orphaned after restart comes to it.
 */
TEST_F_TIMEOUT(tree, subreaper, 120)
{
	struct ckpt_hdr_tree *tree;
	pid_t pids[2];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		pid_t mid, orphan, late;
		int status, subreaper = 0;

		root_fds(p);
		if (prctl(PR_SET_CHILD_SUBREAPER, 1))
			_exit(98);
		mid = tree_fork();
		if (!mid) {
			orphan = tree_fork();
			if (!orphan) {
				close(p[0]);
				close(p[1]);
				tree_ready();
				tree_wait();
				/* orphan its own child: it must go to the subreaper */
				late = tree_fork();
				if (!late) {
					usleep(200 * 1000);
					_exit(getppid() != 1 ? 0 : 31);
				}
				_exit(0);
			}
			if (write(p[1], &orphan, sizeof(orphan)) != sizeof(orphan))
				_exit(97);
			_exit(0);
		}
		close(p[0]);
		close(p[1]);
		if (waitpid(mid, NULL, 0) != mid)
			_exit(96);
		tree_ready();
		tree_wait();
		if (prctl(PR_GET_CHILD_SUBREAPER, &subreaper) || !subreaper)
			_exit(11);
		/* the adopted orphan, then the child it left behind */
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			_exit(12);
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			_exit(13);
		_exit(0);
	}
	self->root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 2);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	tree = (void *)image_record(&self->img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	ASSERT_EQ(2, tree->nr_tasks);
	EXPECT_EQ(CKPT_PIDS_SUBREAPER, tree->pids[0].flags);
	EXPECT_EQ(pids[0], tree->pids[1].vppid);
}

/* 0 if no process has pid @pid any more, else @code */
static int gone(pid_t pid, int code)
{
	return kill(pid, 0) && errno == ESRCH ? 0 : code;
}

/*
 * A session and a process group whose leaders had exited come back with
 * their ids: a session leader made a group of its own inside its session
 * and both leaders exited, leaving two orphans to the root, a subreaper.
 * rstr makes them again with placeholder processes that are gone by the
 * time the tree resumes.
 */
TEST_F_TIMEOUT(tree, dead_leaders, 120)
{
	struct ckpt_hdr_tree *tree;
	pid_t pids[5];
	int p[2], i;

	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		pid_t me = getpid(), sid = getsid(0), leader;

		root_fds(p);
		if (prctl(PR_SET_CHILD_SUBREAPER, 1))
			_exit(98);
		leader = tree_fork();
		if (!leader) {
			pid_t s = setsid(), group, child;

			/* pids: leader, group leader, orphan in each group */
			if (write(p[1], &s, sizeof(s)) != sizeof(s))
				_exit(97);
			child = tree_fork();
			if (!child) {
				close(p[0]);
				close(p[1]);
				tree_ready();
				tree_wait();
				_exit(getsid(0) != s ? 21 : getpgid(0) != s ? 22 :
				      getppid() != me ? 23 : gone(s, 24));
			}
			group = tree_fork();
			if (!group) {
				group = getpid();
				if (setpgid(0, 0) ||
				    write(p[1], &group, sizeof(group)) != sizeof(group))
					_exit(97);
				child = tree_fork();
				if (!child) {
					close(p[0]);
					close(p[1]);
					tree_ready();
					tree_wait();
					_exit(getsid(0) != s ? 31 : getpgid(0) != group ? 32 :
					      getppid() != me ? 33 :
					      gone(group, 34) ?: gone(s, 35));
				}
				if (write(p[1], &child, sizeof(child)) != sizeof(child))
					_exit(97);
				_exit(0);
			}
			if (waitpid(group, NULL, 0) != group ||
			    write(p[1], &child, sizeof(child)) != sizeof(child))
				_exit(97);
			_exit(0);
		}
		close(p[0]);
		close(p[1]);
		if (waitpid(leader, NULL, 0) != leader)
			_exit(96);
		tree_ready();
		tree_wait();
		if (getsid(0) != sid)
			_exit(11);
		if (wait(&i) < 0 || !WIFEXITED(i) || WEXITSTATUS(i))
			_exit(WIFEXITED(i) ? WEXITSTATUS(i) : 12);
		if (wait(&i) < 0 || !WIFEXITED(i) || WEXITSTATUS(i))
			_exit(WIFEXITED(i) ? WEXITSTATUS(i) : 13);
		/* the placeholders were reaped: no other child is left */
		_exit(wait(NULL) < 0 && errno == ECHILD ? 0 : 14);
	}
	self->root = pids[0];
	close(p[1]);
	/* session leader, group leader, the group's orphan, the session's orphan */
	for (i = 1; i < 5; i++)
		ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[i], sizeof(pid_t)));
	close(p[0]);
	wait_ready((pid_t []){ pids[0], pids[3], pids[4] }, 3);
	EXPECT_EQ(0, gone(pids[1], 1));
	EXPECT_EQ(0, gone(pids[2], 1));

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	tree = (void *)image_record(&self->img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	ASSERT_EQ(3, tree->nr_tasks);
	EXPECT_EQ(CKPT_PIDS_SUBREAPER, tree->pids[0].flags);
	for (i = 1; i < 3; i++) {
		EXPECT_EQ(pids[1], tree->pids[i].vsid);
		EXPECT_EQ(CKPT_PIDS_PGRP_GONE | CKPT_PIDS_SESSION_GONE, tree->pids[i].flags);
	}
}

/*
 * A daemon, orphaned by the session leader that forked it, is the root:
 * rstr makes its session with a placeholder before it, in the host's pid
 * namespace and in a new one.
 */
TEST_F_TIMEOUT(tree, daemon_root, 120)
{
	struct ckpt_hdr_tree *tree;
	pid_t pids[2], leader;
	int p[2], status;
	char *log = NULL;

	/* the daemon comes to this process when its parent exits */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_EQ(0, pipe(p));
	leader = fork();
	ASSERT_LE(0, leader);
	if (!leader) {
		pid_t s = setsid(), daemon;

		daemon = tree_fork();
		if (!daemon) {
			root_fds(NULL);
			tree_ready();
			tree_wait();
			_exit(getsid(0) != s ? 21 : getpgid(0) != s ? 22 : gone(s, 23));
		}
		if (write(p[1], &daemon, sizeof(daemon)) != sizeof(daemon))
			_exit(97);
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[0], sizeof(pid_t)));
	close(p[0]);
	ASSERT_EQ(leader, waitpid(leader, NULL, 0));
	self->root = pids[0];
	pids[1] = leader;
	wait_ready(pids, 1);
	ASSERT_EQ(getpid(), parent_of(pids[0]));

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	tree = (void *)image_record(&self->img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	ASSERT_EQ(1, tree->nr_tasks);
	EXPECT_EQ(leader, tree->pids[0].vsid);
	EXPECT_EQ(CKPT_PIDS_PGRP_GONE | CKPT_PIDS_SESSION_GONE, tree->pids[0].flags);
	EXPECT_EQ(0, gone(leader, 1));

	status = run_rstr(&self->img, "--pidns", &log);
	EXPECT_EQ(0, status) TH_LOG("%s", log);
	free(log);
}

#define VM_STACK	(256 * 1024)

/*
 * The processes of a CLONE_VM pair talk through memory they share: the
 * root says vm_word 1, the child answers 2.
 */
static const char vm_text[] = "mapped after restart";
static atomic_long vm_word;
static atomic_uintptr_t vm_page;	/* mapped by the root after restart */

/* Wait up to 10 s for vm_word to be @v: 1 if it is */
static int vm_wait(long v)
{
	int i;

	for (i = 0; i < 1000 && vm_word != v; i++)
		usleep(10 * 1000);
	return vm_word == v;
}

/*
 * A tree of two processes: the root clones a child with CLONE_VM and
 * @flags that runs @child_fn, and after restart runs @root_fn; each
 * checks from its side that they still share what @flags shares. It is
 * checkpointed and restarted under the test's eyes.
 */
static void vm_pair_cycle(struct __test_metadata *_metadata, pid_t *root, struct image *img,
			  char **log, unsigned long flags, int (*child_fn)(void *),
			  int (*root_fn)(void))
{
	pid_t pids[2];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	vm_word = 0;
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		char *stack = mmap(NULL, VM_STACK, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t child;

		root_fds(p);
		if (stack == MAP_FAILED)
			_exit(98);
		close(p[0]);
		child = clone(child_fn, stack + VM_STACK, CLONE_VM | flags | SIGCHLD, NULL);
		if (child < 0 || write(p[1], &child, sizeof(child)) != sizeof(child))
			_exit(97);
		close(p[1]);
		tree_ready();
		tree_wait();
		_exit(root_fn() ?: reaped_ok(child, 13));
	}
	*root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 2);

	EXPECT_EQ(0, tree_cycle(*root, CHECKPOINT_SUBTREE, img, log))
		TH_LOG("%s", *log);
	*root = 0;
}

/* The CLONE_VM child: a mapping its parent made after restart is its */
static int vm_child(void *arg)
{
	tree_ready();
	tree_wait();
	if (!vm_wait(1) || !vm_page || strcmp((char *)vm_page, vm_text))
		return 21;
	vm_word = 2;
	return 0;
}

static int vm_root(void)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	if (page == MAP_FAILED)
		return 11;
	memcpy(page, vm_text, sizeof(vm_text));
	vm_page = (uintptr_t)page;
	vm_word = 1;
	/* what the child writes, this process reads */
	return vm_wait(2) ? 0 : 12;
}

/*
 * Two processes share their address space (clone(2) with CLONE_VM, not a
 * thread): saved once, shared again after restart both ways.
 */
TEST_F_TIMEOUT(tree, shared_address_space, 120)
{
	struct ckpt_hdr_mm *mm;

	vm_pair_cycle(_metadata, &self->root, &self->img, &self->log, 0, vm_child, vm_root);
	/* saved once: the second MM record only names the first */
	mm = (void *)image_record(&self->img, CKPT_HDR_MM, 0);
	ASSERT_NE(NULL, mm);
	EXPECT_NE(0, mm->nr_vmas);
	mm = (void *)image_record(&self->img, CKPT_HDR_MM, 1);
	ASSERT_NE(NULL, mm);
	EXPECT_EQ(0, mm->nr_vmas);
	EXPECT_EQ(sizeof(*mm), mm->h.len);
}

static void vm_handler(int sig)
{
}

/* The CLONE_SIGHAND child: a handler its parent sets after restart is its */
static int sighand_child(void *arg)
{
	struct sigaction sa;

	tree_ready();
	tree_wait();
	if (!vm_wait(1) || sigaction(SIGUSR2, NULL, &sa) || sa.sa_handler != vm_handler)
		return 21;
	/* and one it sets is its parent's */
	signal(SIGURG, vm_handler);
	vm_word = 2;
	return 0;
}

static int sighand_root(void)
{
	struct sigaction sa;

	signal(SIGUSR2, vm_handler);
	vm_word = 1;
	if (!vm_wait(2))
		return 11;
	if (sigaction(SIGURG, NULL, &sa) || sa.sa_handler != vm_handler)
		return 12;
	return 0;
}

/* Two processes share signal handlers (CLONE_VM | CLONE_SIGHAND) */
TEST_F_TIMEOUT(tree, shared_signal_handlers, 120)
{
	struct ckpt_hdr_sighand *sh;

	vm_pair_cycle(_metadata, &self->root, &self->img, &self->log, CLONE_SIGHAND,
		      sighand_child, sighand_root);
	/* saved once: the second SIGHAND record only names the first */
	sh = (void *)image_record(&self->img, CKPT_HDR_SIGHAND, 1);
	ASSERT_NE(NULL, sh);
	EXPECT_EQ(0, sh->nr);
	EXPECT_NE(0, sh->objref);
}

static int vfork_child(void *arg)
{
	pid_t me = getpid();

	if (write(*(int *)arg, &me, sizeof(me)) != sizeof(me))
		return 1;
	tree_ready();
	for (;;)
		pause();
	return 0;
}

/* A vfork(2) child that has not called exec holds its parent in vfork() */
TEST_F_TIMEOUT(tree, vfork_refused, 120)
{
	int logfd = memfd("log"), img = memfd("image"), p[2];
	pid_t pids[2];
	char *log;

	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		char *stack = mmap(NULL, VM_STACK, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		root_fds(p);
		if (stack == MAP_FAILED)
			_exit(98);
		clone(vfork_child, stack + VM_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &p[1]);
		_exit(97);
	}
	self->root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	close(p[0]);
	wait_ready(&pids[1], 1);
	EXPECT_EQ(-1, sys_checkpoint(self->root, img, CHECKPOINT_SUBTREE, logfd));
	EXPECT_EQ(EOPNOTSUPP, errno);
	log = slurp(logfd, NULL);
	EXPECT_NE(NULL, strstr(log, "vfork")) TH_LOG("%s", log);
	free(log);
	/* left running */
	EXPECT_EQ(0, kill(self->root, 0));
	EXPECT_EQ(0, waitpid(self->root, NULL, WNOHANG));
	close(img);
	close(logfd);
}

static void *unshare_thread(void *arg)
{
	if (unshare((long)arg))
		return NULL;
	tree_ready();
	for (;;)
		pause();
	return NULL;
}

/* A thread that unshared its fd table or fs_struct is refused by name */
TEST_F_TIMEOUT(tree, thread_own_table_refused, 120)
{
	static const struct {
		long flags;
		const char *what;
	} cases[] = {
		{ CLONE_FILES, "an fd table" },
		{ CLONE_FS, "an fs_struct" },
	};
	char msg[128], *log;
	unsigned int i;
	pid_t tid;
	int p[2];

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int logfd = memfd("log"), img = memfd("image");

		ASSERT_EQ(0, pipe(p));
		self->root = fork();
		ASSERT_LE(0, self->root);
		if (!self->root) {
			pthread_t th;

			root_fds(p);
			if (pthread_create(&th, NULL, unshare_thread, (void *)cases[i].flags))
				_exit(98);
			for (;;)
				pause();
		}
		close(p[1]);
		close(p[0]);
		/* the ready file has the process's pid; the tid is its other task */
		wait_ready(&self->root, 1);
		tid = 0;
		while (!tid) {
			char path[64];
			DIR *dir;
			struct dirent *d;

			usleep(10 * 1000);
			snprintf(path, sizeof(path), "/proc/%d/task", self->root);
			dir = opendir(path);
			while (dir && (d = readdir(dir)))
				if (atoi(d->d_name) > 0 && atoi(d->d_name) != self->root)
					tid = atoi(d->d_name);
			if (dir)
				closedir(dir);
		}

		EXPECT_EQ(-1, sys_checkpoint(self->root, img, CHECKPOINT_SUBTREE, logfd));
		EXPECT_EQ(EOPNOTSUPP, errno);
		log = slurp(logfd, NULL);
		snprintf(msg, sizeof(msg), "pid %d: a thread with %s of its own", tid,
			 cases[i].what);
		EXPECT_NE(NULL, strstr(log, msg)) TH_LOG("%s", log);
		free(log);
		/* left running */
		EXPECT_EQ(0, kill(self->root, 0));
		kill_tree(self->root);
		self->root = 0;
		close(img);
		close(logfd);
	}
}

/* An open file shared through fork: one offset, moved by one, seen by the other */
TEST_F_TIMEOUT(tree, shared_offset, 120)
{
	struct ckpt_hdr *h;
	pid_t pids[2];
	int fd, nr_ref = 0, i, p[2];

	fd = open("/tmp/ckpt-shared", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(10, write(fd, "0123456789", 10));
	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		pid_t child;
		int ret;

		/* keep the file at 5 and the pipe's write end at 4 */
		fd = fcntl(fd, F_DUPFD, 100);
		p[1] = fcntl(p[1], F_DUPFD, 100);
		if (fd < 0 || p[1] < 0 || dup2(fd, 5) < 0 || dup2(p[1], 4) < 0)
			_exit(98);
		fd = 5;
		close(3);
		close_range(6, ~0U, 0);
		child = tree_fork();
		if (!child) {
			close(4);
			tree_ready();
			tree_wait();
			/* the restored child moves the offset its parent shares */
			_exit(write(fd, "abcde", 5) != 5 ? 21 : 0);
		}
		if (write(4, &child, sizeof(child)) != sizeof(child))
			_exit(97);
		close(4);
		tree_ready();
		tree_wait();
		ret = reaped_ok(child, 11);
		if (!ret && lseek(fd, 0, SEEK_CUR) != 15)
			ret = 12;
		_exit(ret);
	}
	self->root = pids[0];
	close(fd);
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 2);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	/* the second task refers to the file the first saved */
	for (i = 0; (h = image_record(&self->img, CKPT_HDR_FD, i)); i++)
		nr_ref += ((struct ckpt_hdr_fd *)h)->kind == CKPT_FD_REF;
	EXPECT_LE(1, nr_ref);
	unlink("/tmp/ckpt-shared");
}

/* Without CHECKPOINT_SUBTREE an open file shared with the outside is refused */
TEST_F_TIMEOUT(tree, leak_refused, 120)
{
	int fd = open("/tmp/ckpt-leak", O_RDWR | O_CREAT | O_TRUNC, 0600);
	pid_t pids[1];
	char *log;
	long ret;
	int logfd = memfd("log"), img = memfd("image");

	ASSERT_LE(0, fd);
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		int i;

		for (i = 0; i < 1024; i++)
			if (i != fd)
				close(i);
		tree_ready();
		for (;;)
			pause();
	}
	self->root = pids[0];
	wait_ready(pids, 1);
	/* the test still holds the file the child has */
	ret = sys_checkpoint(self->root, img, 0, logfd);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EBUSY, errno);
	log = slurp(logfd, NULL);
	EXPECT_NE(NULL, strstr(log, "ckpt-leak")) TH_LOG("%s", log);
	EXPECT_NE(NULL, strstr(log, "outside the tree")) TH_LOG("%s", log);
	free(log);
	/* left running */
	EXPECT_EQ(0, kill(self->root, 0));
	EXPECT_EQ(0, waitpid(self->root, NULL, WNOHANG));
	/* once the test lets go of it, the tree holds all its users */
	close(fd);
	EXPECT_LT(0, sys_checkpoint(self->root, img, 0, logfd));
	close(img);
	close(logfd);
	unlink("/tmp/ckpt-leak");
}

/* clone(2) with @flags, otherwise as fork(): 0 in the child */
static pid_t clone_sharing(unsigned long flags)
{
	return syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
}

/*
 * Decode @img with ckptinfo (from PATH): 0 if it finds the image valid and
 * prints a line with both @rec (a record name) and @want, else -1
 */
static int ckptinfo_has(struct image *img, const char *rec, const char *want)
{
	char path[64], cmd[128], line[512];
	int fd, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/ckpt-info.%d", getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, img->buf, img->len) != (ssize_t)img->len) {
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "ckptinfo %s", path);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, rec) && strstr(line, want);
	fd = f ? pclose(f) : -1;
	unlink(path);
	return found && !fd ? 0 : -1;
}

/* The @nth FILES or FS record of the image, checked to be there */
static void *shared_record(struct __test_metadata *_metadata, struct image *img,
			   uint32_t type, int nth)
{
	struct ckpt_hdr *h = image_record(img, type, nth);

	EXPECT_NE(NULL, h) TH_LOG("no record %u #%d", type, nth);
	return h;
}

/*
 * A thread of the child below, made with raw clone(2) (the child is no
 * process glibc knows): once restored it puts fd 21 in the table of its
 * process, which must be the shared one too. Only system calls here.
 */
static int fd_table_thread(void *arg)
{
	while (access(go, F_OK))
		usleep(poll_us);
	dup2(*(int *)arg, 21);
	syscall(SYS_exit, 0);
	return 0;
}

/* Read a byte from @fd, waiting 20 s at most: the byte, or -1 */
static int read_byte(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, 20000) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return c;
}

/* Wait up to 10 s for @fd to be open; 0 if it is */
static int wait_fd(int fd)
{
	int i;

	for (i = 0; i < 1000 && fcntl(fd, F_GETFD) < 0; i++)
		usleep(10000);
	return fcntl(fd, F_GETFD) < 0 ? -1 : 0;
}

/*
 * A root and a child made with clone(CLONE_FILES): one fd table. After
 * restart the child's thread adds fd 21; the child waits for it, adds fd
 * 20 and reads a byte, and the root finds fds 20 and 21 in its table and
 * the file offset moved; the root then closes fd 20 and the child sees it
 * gone. A pipe of the shared table, with a byte in it at checkpoint,
 * carries the child's signal. With private tables fd 20 would not be in
 * the root's. Then the image is broken: the shared FILES record refers to
 * the objref of an fs_struct, or to one never saved.
 */
TEST_F_TIMEOUT(tree, shared_fd_table, 120)
{
	struct ckpt_hdr_files *hf0, *hf1;
	struct ckpt_hdr_fs *hfs0, *hfs1;
	char path[64], msg[128], *log = NULL;
	pid_t pids[2];
	int p[2];

	snprintf(path, sizeof(path), "/tmp/ckpt-files.%d", getpid());
	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		int fd, up[2], down[2], ret = 0;
		pid_t child;
		char c;

		root_fds(p);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, "0123456789", 10) != 10 || lseek(fd, 0, SEEK_SET) ||
		    pipe(up) || pipe(down) || write(up[1], "p", 1) != 1)
			_exit(98);
		child = clone_sharing(CLONE_FILES);
		if (child < 0)
			_exit(98);
		if (!child) {
			char *stack = malloc(65536);

			if (!stack || clone(fd_table_thread, stack + 65536, CLONE_VM | CLONE_FS |
					    CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD, &fd) < 0)
				_exit(98);
			tree_ready();
			tree_wait();
			if (wait_fd(21))
				_exit(27);
			/* a new fd and the offset moved by one, for the root to see */
			if (dup2(fd, 20) != 20)
				_exit(21);
			if (read(fd, &c, 1) != 1 || c != '0')
				_exit(22);
			if (write(up[1], "x", 1) != 1)
				_exit(23);
			/* the root has closed fd 20 and read a byte */
			if (read(down[0], &c, 1) != 1 || c != 'y')
				_exit(24);
			if (fcntl(20, F_GETFD) != -1 || errno != EBADF)
				_exit(25);
			_exit(lseek(fd, 0, SEEK_CUR) != 2 ? 26 : 0);
		}
		if (write(p[1], &child, sizeof(child)) != sizeof(child))
			_exit(97);
		/* the child's too: one table */
		close(p[0]);
		close(p[1]);
		tree_ready();
		tree_wait();
		if (read(up[0], &c, 1) != 1 || c != 'p')
			ret = 11;
		else if (read_byte(up[0]) != 'x')
			ret = 12;
		else if (fcntl(20, F_GETFD) < 0 || fcntl(21, F_GETFD) < 0)
			ret = 13;
		else if (lseek(fd, 0, SEEK_CUR) != 1)
			ret = 14;
		else if (read(20, &c, 1) != 1 || c != '1')
			ret = 15;
		else if (close(20) || write(down[1], "y", 1) != 1)
			ret = 16;
		if (ret)
			kill(child, SIGKILL);
		ret = reaped_ok(child, 17) && !ret ? 17 : ret;
		_exit(ret);
	}
	self->root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 2);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	/* the child's FILES record refers to the root's; the fs_structs are apart */
	hf0 = shared_record(_metadata, &self->img, CKPT_HDR_FILES, 0);
	hf1 = shared_record(_metadata, &self->img, CKPT_HDR_FILES, 1);
	hfs0 = shared_record(_metadata, &self->img, CKPT_HDR_FS, 0);
	hfs1 = shared_record(_metadata, &self->img, CKPT_HDR_FS, 1);
	ASSERT_TRUE(hf0 && hf1 && hfs0 && hfs1);
	EXPECT_EQ(0, hf0->flags);
	EXPECT_EQ(CKPT_SHARED_REF, hf1->flags);
	EXPECT_EQ(hf0->objref, hf1->objref);
	EXPECT_EQ(0, hf1->nr_fds);
	EXPECT_EQ(0, hfs1->flags);
	EXPECT_NE(hfs0->objref, hfs1->objref);
	EXPECT_EQ(0, ckptinfo_has(&self->img, " FILES ", " flags 0x1 nr_fds 0"));

	/* an objref of another type: the child fails in its turn */
	hf1->objref = hfs1->objref;
	image_fix_tail(&self->img);
	EXPECT_NE(0, run_rstr(&self->img, NULL, &log));
	snprintf(msg, sizeof(msg), "pid %d: objref %u is not a fd table restored before",
		 pids[1], hfs1->objref);
	EXPECT_TRUE(log && strstr(log, msg)) TH_LOG("%s", log);
	free(log);
	log = NULL;
	/* an objref never handed out: refused when validating too */
	hf1->objref = 999;
	image_fix_tail(&self->img);
	EXPECT_EQ(-EINVAL, restart_image(self->img.buf, self->img.len, &log));
	EXPECT_TRUE(log && strstr(log, "objref 999 is not a fd table")) TH_LOG("%s", log);
	free(log);
	unlink(path);
}

/*
 * A root and a child made with clone(CLONE_FS): one working directory and
 * umask. After restart the child checks them, enters another directory
 * and sets another umask; the root sees both, goes back to / and sets a
 * third umask, which the child sees.
 */
TEST_F_TIMEOUT(tree, shared_fs, 120)
{
	struct ckpt_hdr_files *hf1;
	struct ckpt_hdr_fs *hfs0, *hfs1;
	char dir[64];
	pid_t pids[2];
	int p[2];

	snprintf(dir, sizeof(dir), "/tmp/ckpt-fs.%d", getpid());
	ASSERT_EQ(0, mkdir(dir, 0700));
	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		int up[2], down[2], ret = 0;
		char c, cwd[128];
		pid_t child;

		root_fds(p);
		umask(077);
		if (chdir("/tmp") || pipe(up) || pipe(down))
			_exit(98);
		child = clone_sharing(CLONE_FS);
		if (child < 0)
			_exit(98);
		if (!child) {
			close(p[0]);
			close(p[1]);
			tree_ready();
			tree_wait();
			if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/tmp"))
				_exit(21);
			if (chdir(dir))
				_exit(22);
			if (umask(027) != 077)
				_exit(23);
			if (write(up[1], "x", 1) != 1)
				_exit(24);
			/* the root has gone back to / with umask 022 */
			if (read(down[0], &c, 1) != 1 || c != 'y')
				_exit(25);
			if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/"))
				_exit(26);
			_exit(umask(022) != 022 ? 27 : 0);
		}
		if (write(p[1], &child, sizeof(child)) != sizeof(child))
			_exit(97);
		close(p[0]);
		close(p[1]);
		tree_ready();
		tree_wait();
		if (read_byte(up[0]) != 'x')
			ret = 11;
		else if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, dir))
			ret = 12;
		else if (umask(022) != 027)
			ret = 13;
		else if (chdir("/") || write(down[1], "y", 1) != 1)
			ret = 14;
		if (ret)
			kill(child, SIGKILL);
		ret = reaped_ok(child, 15) && !ret ? 15 : ret;
		_exit(ret);
	}
	self->root = pids[0];
	close(p[1]);
	ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[1], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, 2);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	rmdir(dir);
	hfs0 = shared_record(_metadata, &self->img, CKPT_HDR_FS, 0);
	hfs1 = shared_record(_metadata, &self->img, CKPT_HDR_FS, 1);
	hf1 = shared_record(_metadata, &self->img, CKPT_HDR_FILES, 1);
	ASSERT_TRUE(hfs0 && hfs1 && hf1);
	EXPECT_EQ(0, hfs0->flags);
	EXPECT_EQ(077, hfs0->umask);
	EXPECT_EQ(CKPT_SHARED_REF, hfs1->flags);
	EXPECT_EQ(hfs0->objref, hfs1->objref);
	EXPECT_EQ(sizeof(*hfs1), hfs1->h.len);
	EXPECT_EQ(0, hf1->flags);
	EXPECT_EQ(0, ckptinfo_has(&self->img, " FS ", " flags 0x1"));
}

/*
 * An fd table or fs_struct shared with a process outside the tree: refused
 * by name without CHECKPOINT_SUBTREE, saved as the tree's own with it.
 */
TEST_F_TIMEOUT(tree, shared_outside_refused, 120)
{
	static const struct {
		unsigned long flags;
		const char *what;
	} cases[] = {
		{ CLONE_FILES, "fd table" },
		{ CLONE_FS, "fs_struct" },
	};
	char msg[128], *log;
	unsigned int i;
	pid_t pid;
	int p[2];
	long ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int logfd = memfd("log"), img = memfd("image");

		ASSERT_EQ(0, pipe(p));
		self->root = fork();
		ASSERT_LE(0, self->root);
		if (!self->root) {
			/* the parent stays outside the tree: the child is checkpointed */
			if (dup2(p[1], 0) < 0)
				_exit(98);
			close_range(1, ~0U, 0);
			pid = clone_sharing(cases[i].flags);
			if (pid < 0)
				_exit(98);
			if (!pid) {
				pid = getpid();
				if (write(0, &pid, sizeof(pid)) != sizeof(pid))
					_exit(97);
				close_range(0, ~0U, 0);
				tree_ready();
				for (;;)
					pause();
			}
			if (!(cases[i].flags & CLONE_FILES))
				close_range(0, ~0U, 0);
			for (;;)
				pause();
		}
		close(p[1]);
		ASSERT_EQ(sizeof(pid), read(p[0], &pid, sizeof(pid)));
		close(p[0]);
		wait_ready(&pid, 1);

		ret = sys_checkpoint(pid, img, 0, logfd);
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(EBUSY, errno);
		log = slurp(logfd, NULL);
		snprintf(msg, sizeof(msg), "pid %d: shares its %s with a process outside the tree",
			 pid, cases[i].what);
		EXPECT_NE(NULL, strstr(log, msg)) TH_LOG("%s", log);
		free(log);
		/* left running; with CHECKPOINT_SUBTREE it is the tree's own */
		EXPECT_EQ(0, kill(pid, 0));
		EXPECT_LT(0, sys_checkpoint(pid, img, CHECKPOINT_SUBTREE, logfd));
		close(img);
		close(logfd);
		kill(pid, SIGKILL);
		kill(self->root, SIGKILL);
		waitpid(self->root, NULL, 0);
		self->root = 0;
	}
}

/* A process that has forked 199 children: 200 processes come back */
TEST_F_TIMEOUT(tree, two_hundred, 600)
{
	enum { N = 200 };
	struct ckpt_hdr_tree *tree;
	pid_t *pids;
	int p[2], i;

	pids = calloc(N, sizeof(*pids));
	ASSERT_EQ(0, pipe(p));
	pids[0] = fork();
	ASSERT_LE(0, pids[0]);
	if (!pids[0]) {
		pid_t me = getpid(), kids[N];
		int ret = 0;

		root_fds(p);
		poll_us = 1000 * 1000;
		for (i = 1; i < N; i++) {
			kids[i] = tree_fork();
			if (!kids[i]) {
				int mark = i * 7;

				close(p[0]);
				close(p[1]);
				tree_ready();
				tree_wait();
				_exit(getppid() != me || mark != i * 7 ? 20 : 0);
			}
			if (write(p[1], &kids[i], sizeof(pid_t)) != sizeof(pid_t))
				_exit(97);
		}
		close(p[0]);
		close(p[1]);
		tree_ready();
		tree_wait();
		for (i = 1; i < N && !ret; i++)
			ret = reaped_ok(kids[i], 10);
		_exit(ret);
	}
	self->root = pids[0];
	close(p[1]);
	for (i = 1; i < N; i++)
		ASSERT_EQ(sizeof(pid_t), read(p[0], &pids[i], sizeof(pid_t)));
	close(p[0]);
	wait_ready(pids, N);

	EXPECT_EQ(0, tree_cycle(self->root, CHECKPOINT_SUBTREE, &self->img, &self->log))
		TH_LOG("%s", self->log);
	self->root = 0;
	tree = (void *)image_record(&self->img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	EXPECT_EQ(N, tree->nr_tasks);
	free(pids);
}

/*
 * A container: the init of a pid namespace and its child, restarted twice
 * from one image, side by side, each copy in a new pid namespace.
 */
TEST_F_TIMEOUT(tree, container_twice, 180)
{
	struct clone_args args = { .flags = CLONE_NEWPID, .exit_signal = SIGCHLD };
	struct ckpt_hdr_tree *tree;
	int status[2], i, fd, logfd;
	pid_t pid, rstr[2];
	char *out;

	pid = syscall(__NR_clone3, &args, sizeof(args));
	ASSERT_LE(0, pid);
	if (!pid) {
		pid_t child;

		root_fds(NULL);
		child = tree_fork();
		if (!child) {
			tree_ready();
			tree_wait();
			sleep(1);	/* so that the two copies run together */
			_exit(getpid() != 2 || getppid() != 1 ? 21 : 0);
		}
		tree_ready();
		tree_wait();
		_exit(getpid() != 1 || child != 2 ? 11 : reaped_ok(child, 12));
	}
	self->root = pid;
	/* the init says it is ready as pid 1 of its namespace: wait for the files */
	while (access("/tmp/ckpt-ready.1", F_OK) || access("/tmp/ckpt-ready.2", F_OK))
		usleep(2000);
	unlink("/tmp/ckpt-ready.1");
	unlink("/tmp/ckpt-ready.2");
	usleep(50 * 1000);

	fd = memfd("image");
	logfd = memfd("log");
	ASSERT_LT(0, sys_checkpoint(pid, fd, CHECKPOINT_KILL | CHECKPOINT_SUBTREE, logfd))
		TH_LOG("%s", slurp(logfd, NULL));
	self->img.buf = slurp(fd, &self->img.len);
	close(fd);
	close(logfd);
	waitpid(pid, NULL, 0);
	self->root = 0;
	tree = (void *)image_record(&self->img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	EXPECT_EQ(CKPT_TREE_PIDNS, tree->flags);
	ASSERT_EQ(2, tree->nr_tasks);
	EXPECT_EQ(1, tree->pids[0].vpid);
	EXPECT_EQ(0, tree->pids[0].vppid);
	EXPECT_EQ(2, tree->pids[1].vpid);
	EXPECT_EQ(1, tree->pids[1].vppid);

	close(open(go, O_CREAT | O_WRONLY, 0600));
	for (i = 0; i < 2; i++) {
		rstr[i] = fork();
		ASSERT_LE(0, rstr[i]);
		if (!rstr[i]) {
			out = NULL;
			i = run_rstr(&self->img, "--pidns", &out);
			if (i && out)
				fprintf(stderr, "%s", out);
			_exit(i);
		}
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(rstr[i], waitpid(rstr[i], &status[i], 0));
		EXPECT_TRUE(WIFEXITED(status[i]));
		EXPECT_EQ(0, WEXITSTATUS(status[i]));
	}
}

/*
 * Threads: each holds a value of its own in r12 and in a TLS variable
 * while it sleeps, and checks both, and its tid, once restored.
 */
static __thread long tls_mark;
static atomic_int threads_in;
static long thread_poll_ns;

/* r12 = @v, then sleep until @path exists; return what r12 holds then */
static long hold_r12(long v, const char *path, const struct timespec *ts)
{
	long out;

	__asm__ volatile("mov %[v], %%r12\n\t"
		"1:\n\t"
		"mov %[nanosleep], %%eax\n\t"
		"mov %[ts], %%rdi\n\t"
		"xor %%esi, %%esi\n\t"
		"syscall\n\t"
		"mov %[access], %%eax\n\t"
		"mov %[path], %%rdi\n\t"
		"xor %%esi, %%esi\n\t"
		"syscall\n\t"
		"test %%rax, %%rax\n\t"
		"jnz 1b\n\t"
		"mov %%r12, %[out]\n\t"
		: [out] "=&r"(out)
		: [v] "r"(v), [ts] "r"(ts), [path] "r"(path),
		  [nanosleep] "i"(__NR_nanosleep), [access] "i"(__NR_access)
		: "rax", "rdi", "rsi", "rcx", "r11", "r12", "memory");
	return out;
}

static void *marked_thread(void *arg)
{
	long i = (long)arg, r12;
	struct timespec ts = { 0, thread_poll_ns };
	pid_t tid = gettid();

	tls_mark = 1000 + i;
	atomic_fetch_add(&threads_in, 1);
	r12 = hold_r12(0x5a5a0000 + i, go, &ts);
	if (r12 != 0x5a5a0000 + i)
		return (void *)1L;
	if (tls_mark != 1000 + i)
		return (void *)2L;
	return (void *)(long)(gettid() != tid ? 3 : 0);
}

/* A process of @n threads: its pid, the image, its exit code */
static void threads_cycle(struct __test_metadata *_metadata, struct image *img, char **log,
			  int n, long poll_ns)
{
	struct ckpt_hdr_tree *tree;
	pid_t pid;
	int i;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pthread_t *th = calloc(n, sizeof(*th));
		void *ret;
		int code = 0;

		root_fds(NULL);
		thread_poll_ns = poll_ns;
		tls_mark = -1;
		for (i = 1; i < n; i++)
			if (pthread_create(&th[i], NULL, marked_thread, (void *)(long)i))
				_exit(97);
		while (atomic_load(&threads_in) != n - 1)
			usleep(10000);
		tree_ready();
		for (i = 1; i < n; i++) {
			if (pthread_join(th[i], &ret))
				_exit(96);
			if (!code && ret)
				code = 10 + (long)ret;
		}
		_exit(code ?: tls_mark != -1 ? 20 : 0);
	}
	wait_ready(&pid, 1);
	EXPECT_EQ(0, tree_cycle(pid, CHECKPOINT_SUBTREE, img, log)) TH_LOG("%s", *log);
	tree = (void *)image_record(img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	ASSERT_EQ(n, tree->nr_tasks);
	for (i = 1; i < n; i++) {
		EXPECT_EQ(pid, tree->pids[i].vtgid);
		EXPECT_NE(pid, tree->pids[i].vpid);
	}
}

TEST_F_TIMEOUT(tree, eight_threads, 120)
{
	threads_cycle(_metadata, &self->img, &self->log, 9, 20 * 1000 * 1000);
}

TEST_F_TIMEOUT(tree, two_hundred_threads, 600)
{
	threads_cycle(_metadata, &self->img, &self->log, 200, 999 * 1000 * 1000);
}

TEST_HARNESS_MAIN
