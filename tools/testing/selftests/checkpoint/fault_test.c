// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint and restart under faults: the Nth memory allocation failing
 * (failslab and fail_page_alloc through /proc/thread-self/fail-nth, for
 * every N until the operation no longer reaches it), an image file that
 * can't take the image (a full tmpfs, a pipe without reader), the target
 * killed while it is checkpointed and the restarting process killed while
 * it reads its image.
 *
 * Each must fail cleanly: an errno and a line on logfd (or, after the
 * point of no return of restart, SIGKILL and a line), a checkpoint target
 * that runs on unchanged, a restored process whose state is whole, and no
 * task left behind. Leaks are found by kmemleak at the end of the run.
 *
 * Needs CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and
 * CONFIG_FAULT_INJECTION_DEBUG_FS; the fault tests are skipped without.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

#define MiB		(1024UL * 1024)
#define MAX_NTH		20000
#define FAULT_DIRS	"/sys/kernel/debug"

/* Make failslab and fail_page_alloc fail only on fail-nth, quietly, for GFP_KERNEL too */
static int fault_injection_setup(void)
{
	static const char * const knobs[][2] = {
		{ FAULT_DIRS "/failslab/ignore-gfp-wait", "N" },
		{ FAULT_DIRS "/failslab/verbose", "0" },
		{ FAULT_DIRS "/failslab/probability", "0" },
		{ FAULT_DIRS "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ FAULT_DIRS "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ FAULT_DIRS "/fail_page_alloc/min-order", "0" },
		{ FAULT_DIRS "/fail_page_alloc/verbose", "0" },
		{ FAULT_DIRS "/fail_page_alloc/probability", "0" },
	};
	unsigned int i;

	mount("debugfs", FAULT_DIRS, "debugfs", 0, NULL);
	if (access("/proc/thread-self/fail-nth", W_OK))
		return -1;
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (write_file(knobs[i][0], knobs[i][1]))
			return -1;
	return 0;
}

/* Tell the console log why allocation failure reports follow (rig/report.py) */
static void mark_kernel_log(const char *s)
{
	write_file("/dev/kmsg", s);
}

/* Arm fail-nth of the calling thread through @fd */
static void fail_nth_set(int fd, unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	if (pwrite(fd, buf, strlen(buf), 0) != (ssize_t)strlen(buf))
		_exit(97);
}

/* Disarm it; return how many calls were left (0: the fault was injected) */
static unsigned int fail_nth_reset(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return ~0U;
	fail_nth_set(fd, 0);
	return strtoul(buf, NULL, 10);
}

/*
 * A checkpoint target: it keeps its memory filled with a pattern, checks
 * it on every round and counts the rounds in @shared[0]; shared[1] = 1
 * tells it to stop, and it exits 0 if its memory never changed.
 */
static uint64_t pattern(size_t i)
{
	return (i + 1) * 0x9e3779b97f4a7c15ULL;
}

static pid_t spawn_target(uint64_t *shared, size_t mem)
{
	pid_t pid = fork();
	uint64_t *p;
	size_t i, n = mem / 8;

	if (pid)
		return pid;
	close_range(3, ~0U, 0);
	i = open("/dev/null", O_RDWR);
	if (dup2(i, 0) || dup2(i, 1) != 1 || dup2(i, 2) != 2)
		_exit(89);
	close(i);
	p = mmap(NULL, mem, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(90);
	for (i = 0; i < n; i++)
		p[i] = pattern(i);
	for (;;) {
		for (i = 0; i < n; i += 509)
			if (p[i] != pattern(i))
				_exit(91);
		__atomic_fetch_add(&shared[0], 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&shared[1], __ATOMIC_SEQ_CST))
			_exit(0);
		usleep(1000);
	}
}

/* Does the target still run? Its round counter must move. */
static int target_runs(uint64_t *shared)
{
	uint64_t before = __atomic_load_n(&shared[0], __ATOMIC_SEQ_CST);
	int i;

	for (i = 0; i < 2000; i++) {
		if (__atomic_load_n(&shared[0], __ATOMIC_SEQ_CST) != before)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* Stop the target; its exit status (0: its memory never changed) */
static int stop_target(uint64_t *shared, pid_t pid)
{
	int status;

	__atomic_store_n(&shared[1], 1, __ATOMIC_SEQ_CST);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static uint64_t *shared_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Wait up to @secs for @pid; 0 if it was reaped */
static int reap_within(pid_t pid, int secs, int *status)
{
	int i;

	for (i = 0; i < secs * 100; i++) {
		if (waitpid(pid, status, WNOHANG | __WALL) == pid)
			return 0;
		usleep(10 * 1000);
	}
	return -1;
}

/* Under TCG and KASAN a few hundred checkpoints take minutes */
FIXTURE(faults) {
};

FIXTURE_SETUP(faults)
{
}

FIXTURE_TEARDOWN(faults)
{
}

/* The Nth allocation of a checkpoint fails, for every N it reaches */
TEST_F_TIMEOUT(faults, checkpoint_fail_nth, 900)
{
	uint64_t *shared = shared_page();
	int failed = 0, succeeded = 0, early = 0, fd, img, logfd;
	unsigned int n, left = 0;
	off_t written;
	char *log;
	pid_t pid;
	long ret;

	if (fault_injection_setup())
		SKIP(return, "no fault injection (CONFIG_FAULT_INJECTION_DEBUG_FS)");
	ASSERT_NE(NULL, shared);
	pid = spawn_target(shared, MiB / 4);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(target_runs(shared));
	fd = open("/proc/thread-self/fail-nth", O_RDWR);
	ASSERT_LE(0, fd);
	mark_kernel_log("ckpt-fault: injecting allocation failures");
	for (n = 1; n < MAX_NTH; n++) {
		img = memfd("image");
		logfd = memfd("log");
		ASSERT_LE(0, img);
		ASSERT_LE(0, logfd);
		fail_nth_set(fd, n);
		ret = sys_checkpoint(pid, img, 0, logfd);
		if (ret < 0)
			ret = -errno;
		left = fail_nth_reset(fd);
		log = slurp(logfd, NULL);
		written = lseek(img, 0, SEEK_END);
		close(img);
		close(logfd);
		if (ret == -ENOMEM && !*log && !written) {
			/* no context: nothing started, nothing to log with */
			early++;
		} else if (ret < 0) {
			failed++;
			EXPECT_NE(NULL, strstr(log, "checkpoint[")) {
				TH_LOG("fail-nth %u: checkpoint failed (%ld) without a log line",
				       n, ret);
			}
		} else {
			succeeded++;
		}
		/* thawed, running, unchanged */
		EXPECT_TRUE(target_runs(shared)) {
			TH_LOG("fail-nth %u: the target stopped running (checkpoint %ld, log %s)",
			       n, ret, log);
		}
		free(log);
		if (left || _metadata->exit_code)
			break;	/* this checkpoint had fewer than n allocations */
	}
	mark_kernel_log("ckpt-fault: done");
	close(fd);
	TH_LOG("checkpoint: %u allocations failed in turn: %d failed cleanly, %d succeeded,",
	       n - 1, failed, succeeded);
	TH_LOG("%d failed before it started (ENOMEM, nothing written or logged)", early);
	EXPECT_NE(0, left) TH_LOG("fail-nth still hit at %u", n);
	EXPECT_LT(10, failed);
	EXPECT_EQ(0, stop_target(shared, pid));
}

/*
 * The process restarted from fail_image: it reports whether the fault
 * armed before restart(2) was spent (exit 0) or never reached (exit 10),
 * and exits 20 if its memory is not what it was.
 */
static uint64_t *restored_mem;
static size_t restored_len;

static void restored_main(void)
{
	char buf[16] = "";
	size_t i;
	int fd;

	wait_restored();
	for (i = 0; i < restored_len / 8; i++)
		if (restored_mem[i] != pattern(i))
			_exit(20);
	fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fd < 0 || pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		_exit(0);	/* the fault hit this open */
	if (pwrite(fd, "0", 1, 0) != 1)
		_exit(21);
	_exit(strtoul(buf, NULL, 10) ? 10 : 0);
}

/* Written by the restarting child before it exits, read after waitpid() */
struct restart_run {
	int err;		/* errno of a restart(2) that returned */
	unsigned int left;	/* fail-nth left then */
};

/* The Nth allocation of a restart fails, for every N it reaches */
TEST_F_TIMEOUT(faults, restart_fail_nth, 900)
{
	struct restart_run *run = (void *)shared_page();
	int rejected = 0, killed = 0, restored = 0, early = 0, status, img, logfd, r;
	struct cycle c;
	char go[64], *log;
	unsigned int n;
	pid_t child;

	if (fault_injection_setup())
		SKIP(return, "no fault injection (CONFIG_FAULT_INJECTION_DEBUG_FS)");
	ASSERT_NE(NULL, run);
	if (!cycle_fork(&c)) {
		restored_len = 256 * 1024;
		restored_mem = mmap(NULL, restored_len, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (restored_mem == MAP_FAILED)
			_exit(90);
		for (r = 0; r < (int)(restored_len / 8); r++)
			restored_mem[r] = pattern(r);
		ready_child(&c);
		restored_main();
	}
	ASSERT_LT(0, c.pid);
	ASSERT_LT(0, cycle_checkpoint(&c, CHECKPOINT_KILL)) TH_LOG("%s", c.log);
	ASSERT_EQ(c.pid, waitpid(c.pid, NULL, 0));
	img = memfd("image");
	logfd = memfd("log");
	ASSERT_EQ((ssize_t)c.img.len, write(img, c.img.buf, c.img.len));
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", c.pid);

	mark_kernel_log("ckpt-fault: injecting allocation failures");
	for (n = 1; n < MAX_NTH; n++) {
		struct clone_args args = {
			.exit_signal = SIGCHLD, .set_tid = (uintptr_t)&c.pid, .set_tid_size = 1,
		};

		ASSERT_EQ(0, lseek(img, 0, SEEK_SET));
		ASSERT_EQ(0, ftruncate(logfd, 0));
		ASSERT_EQ(0, lseek(logfd, 0, SEEK_SET));
		/* the restored process must not wait: its allocations would take the fault */
		close(open(go, O_CREAT | O_WRONLY, 0600));
		run->err = 0;
		run->left = 0;
		child = syscall(__NR_clone3, &args, sizeof(args));
		ASSERT_LE(0, child);
		if (!child) {
			int fd = open("/proc/thread-self/fail-nth", O_RDWR);

			if (fd < 0)
				_exit(98);
			fail_nth_set(fd, n);
			sys_restart(0, img, 0, logfd);
			run->err = errno;
			run->left = fail_nth_reset(fd);
			_exit(100);
		}
		ASSERT_EQ(0, reap_within(child, 60, &status)) {
			TH_LOG("fail-nth %u: the restarting process is stuck", n);
			kill(child, SIGKILL);
		}
		log = slurp(logfd, NULL);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 100 && run->err == ENOMEM &&
		    !*log && !lseek(img, 0, SEEK_CUR)) {
			early++;	/* no context: nothing read, nothing to log with */
		} else if (WIFEXITED(status) && WEXITSTATUS(status) == 100) {
			rejected++;
			EXPECT_NE(0, run->err);
			EXPECT_NE(NULL, strstr(log, "restart[")) {
				TH_LOG("fail-nth %u: restart failed (%s) without a log line", n,
				       strerror(run->err));
			}
			EXPECT_EQ(0, run->left) TH_LOG("fail-nth %u: failed without the fault", n);
		} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			killed++;
			EXPECT_NE(NULL, strstr(log, "restart[")) {
				TH_LOG("fail-nth %u: killed after commit without a log line", n);
			}
		} else {
			/* restored, with the fault spent on the way or never reached */
			r = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			EXPECT_TRUE(r == 0 || r == 10) {
				TH_LOG("fail-nth %u: restored process inconsistent: status %#x",
				       n, status);
				TH_LOG("log: %s", log);
			}
			restored++;
		}
		free(log);
		unlink(go);
		if (_metadata->exit_code ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == 10))
			break;
	}
	mark_kernel_log("ckpt-fault: done");
	TH_LOG("restart: %u allocations failed in turn: %d rejected, %d killed after commit,",
	       n, rejected, killed);
	TH_LOG("%d restored, %d failed before reading (ENOMEM, nothing logged)", restored, early);
	EXPECT_LT(10, rejected + killed);
	EXPECT_LT(0, killed);
	close(img);
	close(logfd);
}

/* An image file that can't take the image: the target runs on unchanged */
TEST_F_TIMEOUT(faults, write_target_fails, 300)
{
	uint64_t *shared = shared_page();
	int fd, logfd, p[2];
	char *log;
	pid_t pid;

	ASSERT_NE(NULL, shared);
	pid = spawn_target(shared, 2 * MiB);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(target_runs(shared));

	/* a tmpfs too small for the image */
	mkdir("/tmp/ckpt-full", 0700);
	ASSERT_EQ(0, mount("tmpfs", "/tmp/ckpt-full", "tmpfs", 0, "size=64k"));
	fd = open("/tmp/ckpt-full/image", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	logfd = memfd("log");
	ASSERT_LE(0, fd);
	EXPECT_GT(0, sys_checkpoint(pid, fd, CHECKPOINT_KILL, logfd));
	EXPECT_EQ(ENOSPC, errno);
	log = slurp(logfd, NULL);
	EXPECT_NE(NULL, strstr(log, "writing the image at offset")) TH_LOG("log: %s", log);
	free(log);
	close(fd);
	close(logfd);
	umount("/tmp/ckpt-full");
	rmdir("/tmp/ckpt-full");
	/* not killed: the image was not written */
	EXPECT_TRUE(target_runs(shared));

	/* a pipe whose reader is gone */
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, pipe(p));
	close(p[0]);
	logfd = memfd("log");
	EXPECT_GT(0, sys_checkpoint(pid, p[1], CHECKPOINT_KILL, logfd));
	EXPECT_EQ(EPIPE, errno);
	log = slurp(logfd, NULL);
	EXPECT_NE(NULL, strstr(log, "writing the image at offset")) TH_LOG("log: %s", log);
	free(log);
	close(p[1]);
	close(logfd);
	signal(SIGPIPE, SIG_DFL);
	EXPECT_TRUE(target_runs(shared));
	EXPECT_EQ(0, stop_target(shared, pid));
}

/* SIGKILL for the target while it is checkpointed: nothing gets stuck */
TEST_F_TIMEOUT(faults, target_killed_during_checkpoint, 300)
{
	uint64_t *shared = shared_page();
	int fd = memfd("image"), logfd = memfd("log"), status, i;
	pid_t pid, ckpt;
	long ret;

	ASSERT_NE(NULL, shared);
	for (i = 0; i < 4; i++) {
		shared[0] = 0;
		pid = spawn_target(shared, 32 * MiB);
		ASSERT_LT(0, pid);
		ASSERT_TRUE(target_runs(shared));
		ckpt = fork();
		if (!ckpt) {
			/* later each round: before, during and after the freeze */
			usleep(i * 30 * 1000);
			kill(pid, SIGKILL);
			_exit(0);
		}
		ASSERT_EQ(0, ftruncate(fd, 0));
		ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
		ret = sys_checkpoint(pid, fd, 0, logfd);
		TH_LOG("round %d: checkpoint returned %ld (%s)", i, ret,
		       ret < 0 ? strerror(errno) : "ok");
		ASSERT_EQ(0, reap_within(pid, 30, &status)) TH_LOG("the target is stuck");
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		ASSERT_EQ(0, reap_within(ckpt, 30, &status));
	}
	close(fd);
	close(logfd);
}

/* SIGKILL for the restarting process while it reads its image from a pipe */
TEST_F_TIMEOUT(faults, restarter_killed_during_restart, 300)
{
	int p[2], status, i, logfd = memfd("log");
	size_t parts[] = { 100, 4096, 0, 0 };
	struct cycle c;
	pid_t child;

	if (!cycle_fork(&c)) {
		ready_child(&c);
		wait_restored();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	ASSERT_LT(0, cycle_checkpoint(&c, CHECKPOINT_KILL)) TH_LOG("%s", c.log);
	ASSERT_EQ(c.pid, waitpid(c.pid, NULL, 0));
	/* stop feeding: in the header, early in the memory, at the last page */
	parts[2] = c.img.len / 2;
	parts[3] = c.img.len - 64;
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < (int)ARRAY_SIZE(parts); i++) {
		struct clone_args args = {
			.exit_signal = SIGCHLD, .set_tid = (uintptr_t)&c.pid, .set_tid_size = 1,
		};

		ASSERT_EQ(0, pipe(p));
		child = syscall(__NR_clone3, &args, sizeof(args));
		ASSERT_LE(0, child);
		if (!child) {
			close(p[1]);
			sys_restart(0, p[0], 0, logfd);
			_exit(100);
		}
		close(p[0]);
		ASSERT_EQ((ssize_t)parts[i], write(p[1], c.img.buf, parts[i]));
		usleep(200 * 1000);	/* blocked reading the rest */
		kill(child, SIGKILL);
		ASSERT_EQ(0, reap_within(child, 30, &status)) TH_LOG("part %d: stuck", i);
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		close(p[1]);
	}
	/* the pid is free again and the image whole: it restarts */
	status = cycle_restart(&c);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		TH_LOG("status %#x, log %s", status, c.log);
	}
	close(logfd);
}

TEST_HARNESS_MAIN
