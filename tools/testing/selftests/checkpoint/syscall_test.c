// SPDX-License-Identifier: GPL-2.0
/*
 * checkpoint(2) and restart(2): argument checking and permissions.
 *
 * Every refused call must return the documented errno and, when a log
 * file is given, write exactly one line to it that names the cause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

/* The log of one call: one line, from @op ("checkpoint[crid]: "), naming @what */
static void expect_log(struct __test_metadata *_metadata, const char *log, const char *op,
		       const char *what)
{
	EXPECT_EQ(1, count_lines(log)) TH_LOG("log: '%s'", log);
	EXPECT_EQ(0, strncmp(log, op, strlen(op))) TH_LOG("log: '%s'", log);
	EXPECT_EQ('[', log[strlen(op)]) TH_LOG("log: '%s'", log);
	EXPECT_NE(NULL, strstr(log, what)) TH_LOG("log: '%s'", log);
}

/* Empty the log file for the next call */
static void reset_log(int fd)
{
	ftruncate(fd, 0);
	lseek(fd, 0, SEEK_SET);
}

FIXTURE(calls) {
	int img;	/* image memfd */
	int log;	/* log memfd */
	pid_t target;	/* a sleeping child */
};

FIXTURE_SETUP(calls)
{
	self->img = memfd("image");
	self->log = memfd("log");
	ASSERT_LE(0, self->img);
	ASSERT_LE(0, self->log);
	self->target = spawn_sleeper("target");
	ASSERT_LT(0, self->target);
}

FIXTURE_TEARDOWN(calls)
{
	reap(self->target);
}

static char *log_of(int fd)
{
	return slurp(fd, NULL);
}

TEST_F(calls, checkpoint_unknown_flags)
{
	EXPECT_EQ(-1, sys_checkpoint(self->target, self->img, 1UL << 40, self->log));
	EXPECT_EQ(EINVAL, errno);
	expect_log(_metadata, log_of(self->log), "checkpoint", "unknown flags");
	/* nothing was written: the flags are checked before the image */
	EXPECT_EQ(0, lseek(self->img, 0, SEEK_END));
}

TEST_F(calls, checkpoint_bad_fd)
{
	EXPECT_EQ(-1, sys_checkpoint(self->target, -1, 0, self->log));
	EXPECT_EQ(EBADF, errno);
	expect_log(_metadata, log_of(self->log), "checkpoint", "fd -1 is not open");

	EXPECT_EQ(-1, sys_checkpoint(self->target, 1000, 0, -1));
	EXPECT_EQ(EBADF, errno);
}

TEST_F(calls, checkpoint_readonly_fd)
{
	int fd = open("/proc/self/status", O_RDONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, sys_checkpoint(self->target, fd, 0, self->log));
	EXPECT_EQ(EBADF, errno);
	expect_log(_metadata, log_of(self->log), "checkpoint", "not open for writing");
}

TEST_F(calls, bad_logfd)
{
	int ro = open("/proc/self/status", O_RDONLY);

	EXPECT_EQ(-1, sys_checkpoint(self->target, self->img, 0, 1000));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, sys_checkpoint(self->target, self->img, 0, ro));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, sys_restart(0, self->img, RESTART_VALIDATE, -2));
	EXPECT_EQ(EBADF, errno);
	/* nothing was written for any of them */
	EXPECT_EQ(0, lseek(self->img, 0, SEEK_END));
}

TEST_F(calls, log_is_image)
{
	EXPECT_EQ(-1, sys_checkpoint(self->target, self->img, 0, self->img));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(calls, checkpoint_bad_pids)
{
	char *log;

	EXPECT_EQ(-1, sys_checkpoint(-5, self->img, 0, self->log));
	EXPECT_EQ(EINVAL, errno);
	log = log_of(self->log);
	expect_log(_metadata, log, "checkpoint", "pid -5: not a valid pid");
	free(log);

	reset_log(self->log);
	EXPECT_EQ(-1, sys_checkpoint(4194304, self->img, 0, self->log));
	EXPECT_EQ(ESRCH, errno);
	log = log_of(self->log);
	expect_log(_metadata, log, "checkpoint", "pid 4194304: no such process");
	free(log);
}

TEST_F(calls, checkpoint_kernel_thread)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/2/comm", "r");

	if (!f || !fgets(comm, sizeof(comm), f) || strcmp(comm, "kthreadd\n"))
		SKIP(return, "pid 2 is not kthreadd");
	fclose(f);
	EXPECT_EQ(-1, sys_checkpoint(2, self->img, 0, self->log));
	EXPECT_EQ(EPERM, errno);
	expect_log(_metadata, log_of(self->log), "checkpoint", "pid 2: is a kernel thread");
}

/* A thread that writes its tid to the pipe @arg, then sleeps */
static void *thread_tid(void *arg)
{
	pid_t tid = gettid();

	write(*(int *)arg, &tid, sizeof(tid));
	pause();
	return NULL;
}

TEST_F(calls, checkpoint_thread)
{
	int p[2];
	pid_t tid;
	pthread_t t;
	char what[64];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pthread_create(&t, NULL, thread_tid, &p[1]));
	ASSERT_EQ(sizeof(tid), read(p[0], &tid, sizeof(tid)));
	ASSERT_NE(getpid(), tid);
	EXPECT_EQ(-1, sys_checkpoint(tid, self->img, 0, self->log));
	EXPECT_EQ(EINVAL, errno);
	snprintf(what, sizeof(what), "pid %d: is a thread", tid);
	expect_log(_metadata, log_of(self->log), "checkpoint", what);
}

TEST_F(calls, checkpoint_zombie)
{
	pid_t pid = fork();
	siginfo_t si;
	char what[64];

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(3);
	ASSERT_EQ(0, waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	EXPECT_EQ(-1, sys_checkpoint(pid, self->img, 0, self->log));
	EXPECT_EQ(ESRCH, errno);
	snprintf(what, sizeof(what), "pid %d: no such process (it has exited)", pid);
	expect_log(_metadata, log_of(self->log), "checkpoint", what);
	waitpid(pid, NULL, 0);
}

TEST_F(calls, restart_args)
{
	char *log;

	EXPECT_EQ(-1, sys_restart(0, self->img, 0x100, self->log));
	EXPECT_EQ(EINVAL, errno);
	log = log_of(self->log);
	expect_log(_metadata, log, "restart", "unknown flags 0x100");
	free(log);

	reset_log(self->log);
	EXPECT_EQ(-1, sys_restart(self->target, self->img, RESTART_VALIDATE, self->log));
	EXPECT_EQ(EINVAL, errno);
	log = log_of(self->log);
	expect_log(_metadata, log, "restart", "must be 0");
	free(log);

	reset_log(self->log);
	EXPECT_EQ(-1, sys_restart(0, -1, RESTART_VALIDATE, self->log));
	EXPECT_EQ(EBADF, errno);
	log = log_of(self->log);
	expect_log(_metadata, log, "restart", "fd -1 is not open");
	free(log);

	/* an empty image: nothing is changed before the header is read */
	reset_log(self->log);
	EXPECT_EQ(-1, sys_restart(0, self->img, 0, self->log));
	EXPECT_EQ(ENODATA, errno);
	log = log_of(self->log);
	expect_log(_metadata, log, "restart", "image truncated at offset 0");
	free(log);
}

TEST_F(calls, restart_writeonly_fd)
{
	int fd = open("/dev/null", O_WRONLY);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, sys_restart(0, fd, RESTART_VALIDATE, self->log));
	EXPECT_EQ(EBADF, errno);
	expect_log(_metadata, log_of(self->log), "restart", "not open for reading");
}

TEST_F(calls, no_logfd)
{
	/* -1: no log; the errors are the same */
	EXPECT_EQ(-1, sys_checkpoint(4194304, self->img, 0, -1));
	EXPECT_EQ(ESRCH, errno);
	/* the image fd is empty */
	EXPECT_EQ(-1, sys_restart(0, self->img, RESTART_VALIDATE, -1));
	EXPECT_EQ(ENODATA, errno);
}

/* Run @fn in a child with uid/gid 65534 and only the capabilities in @caps */
static int as_nobody(__u32 caps, int (*fn)(void *), void *arg)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) ||
		    setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(100);
		data[0].effective = caps;
		data[0].permitted = caps;
		if (syscall(SYS_capset, &hdr, data))
			_exit(101);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

struct perm_args {
	pid_t target;
	int img, log;
};

/* 0: checkpoint refused with EPERM; 1: allowed; 2: another error */
static int try_checkpoint(void *arg)
{
	struct perm_args *a = arg;

	if (sys_checkpoint(a->target, a->img, 0, a->log) >= 0)
		return 1;
	return errno == EPERM ? 0 : 2;
}

TEST_F(calls, perm_nonroot)
{
	struct perm_args a = { self->target, self->img, self->log };

	/* An unprivileged user may not checkpoint root's process */
	ASSERT_EQ(0, as_nobody(0, try_checkpoint, &a));
	expect_log(_metadata, log_of(self->log), "checkpoint", "needs CAP_SYS_ADMIN");
	/* the target did not notice */
	EXPECT_EQ(0, kill(self->target, 0));
}

TEST_F(calls, perm_no_ptrace_access)
{
	struct perm_args a = { self->target, self->img, self->log };

	/* CAP_SYS_ADMIN is not enough: the caller also needs ptrace access */
	ASSERT_EQ(0, as_nobody(1U << CAP_SYS_ADMIN, try_checkpoint, &a));
	expect_log(_metadata, log_of(self->log), "checkpoint", "lacks PTRACE_MODE_ATTACH");
}

TEST_HARNESS_MAIN
