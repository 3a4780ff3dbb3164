// SPDX-License-Identifier: GPL-2.0
/*
 * A restored process is the same process, or checkpoint refuses it by
 * name before anything is lost: one test for each behaviour a conformance
 * run found silently different, or an image that checkpoint wrote and
 * restart refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <grp.h>
#include <linux/filter.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

/* Checkpoint the ready child of @c; its ret, and the child reaped either way */
static long checkpoint_child(struct cycle *c)
{
	long ret = cycle_checkpoint(c, CHECKPOINT_KILL);

	if (ret < 0)
		reap(c->pid);
	else
		waitpid(c->pid, NULL, 0);
	return ret;
}

/* Checkpoint must fail with @err and say @what */
#define EXPECT_REFUSED(c, err, what)						\
	do {									\
		typeof(c) __c = (c);						\
		long __ret = checkpoint_child(__c);				\
										\
		EXPECT_EQ(-(err), __ret) TH_LOG("log: %s", __c->log);		\
		EXPECT_NE(NULL, strstr(__c->log, what)) TH_LOG("log: %s", __c->log); \
	} while (0)

/*
 * A file unlinked while open but still linked elsewhere: its contents
 * would come back in a private copy, and what the process writes after the
 * restart would go nowhere the other name sees. Refused.
 */
TEST(deleted_file_with_another_link_refused)
{
	struct cycle c;

	unlink("/tmp/ckpt-same-a");
	unlink("/tmp/ckpt-same-b");
	if (!cycle_fork(&c)) {
		int fd = open("/tmp/ckpt-same-a", O_RDWR | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || dup2(fd, 5) != 5 || write(5, "data", 4) != 4 ||
		    link("/tmp/ckpt-same-a", "/tmp/ckpt-same-b") || unlink("/tmp/ckpt-same-a"))
			_exit(90);
		ready_child(&c);
		pause();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	EXPECT_REFUSED(&c, EOPNOTSUPP, "is deleted but has 1 other links: not supported");
	unlink("/tmp/ckpt-same-b");
}

/* A process traced by its parent: the image can't hold the tracing. Refused. */
TEST(traced_process_refused)
{
	struct cycle c;

	if (!cycle_fork(&c)) {
		pid_t child = fork();

		if (!child) {
			if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
				_exit(1);
			raise(SIGSTOP);
			_exit(0);
		}
		if (waitpid(child, NULL, WUNTRACED) != child)
			_exit(90);
		ready_child(&c);
		pause();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	EXPECT_REFUSED(&c, EOPNOTSUPP, "traces other tasks (ptrace): not supported");
}

/* A socket with a classic BPF filter: dropping it would lift what it keeps out */
TEST(socket_filter_refused)
{
	struct sock_filter accept_all[] = { BPF_STMT(BPF_RET | BPF_K, 0xffff) };
	struct sock_fprog prog = { .len = 1, .filter = accept_all };
	struct cycle c;

	if (!cycle_fork(&c)) {
		int s = socket(AF_INET, SOCK_DGRAM, 0);

		if (s < 0 || dup2(s, 5) != 5 ||
		    setsockopt(5, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
			_exit(90);
		ready_child(&c);
		pause();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	EXPECT_REFUSED(&c, EOPNOTSUPP, "fd 5: socket filter (SO_ATTACH_FILTER) not supported");
}

/* Namespaces of its own that the image does not hold: refused, each by name */
TEST(own_namespaces_refused)
{
	static const struct {
		int flag;
		const char *what;
	} kinds[] = {
		{ CLONE_NEWUTS, "own UTS namespace not supported" },
		{ CLONE_NEWNET, "own network namespace not supported" },
		{ CLONE_NEWNS, "own mount namespace not supported" },
		{ CLONE_NEWCGROUP, "own cgroup namespace not supported" },
		{ CLONE_NEWPID, "its children go to a pid namespace of their own" },
	};
	struct cycle c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (!cycle_fork(&c)) {
			if (unshare(kinds[i].flag))
				_exit(90);
			ready_child(&c);
			pause();
			_exit(0);
		}
		ASSERT_LT(0, c.pid);
		EXPECT_REFUSED(&c, EOPNOTSUPP, kinds[i].what);
		free(c.log);
		free(c.img.buf);
	}
}

/*
 * A descriptor above 1024 in a process whose RLIMIT_NOFILE allows it: the
 * limits are the image's before its descriptors are made.
 */
TEST(descriptor_above_1024)
{
	struct rlimit nofile = { 200000, 200000 };
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		struct stat a, b;

		if (setrlimit(RLIMIT_NOFILE, &nofile) ||
		    dup2(open("/dev/null", O_RDWR), 100000) != 100000)
			_exit(90);
		ready_child(&c);
		wait_restored();
		if (fstat(100000, &a) || stat("/dev/null", &b))
			restored_differs("fd 100000: %m");
		RESTORED_EQ("the device of fd 100000", a.st_rdev, b.st_rdev);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	st = checkpoint_restart(&c);
	EXPECT_RESTORED(st, &c);
}

/* getsockopt(2) of an int option, or -1 */
static int int_opt(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int v;

	return getsockopt(fd, level, name, &v, &len) ? -1 : v;
}

/*
 * Socket options: they come back, and IP_FREEBIND lets a socket bound to
 * an address the machine does not have be bound to it again (192.0.2.1,
 * a documentation address). IP_TOS sets SO_PRIORITY too: the priority set
 * after it must win again at restart.
 */
TEST(socket_options_restored)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(41234) };
		struct linger lg = { 1, 5 }, got;
		int one = 1, idle = 77, tos = 0x10, prio = 5, t, u, x;
		socklen_t len = sizeof(got);

		inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
		t = socket(AF_INET, SOCK_STREAM, 0);
		u = socket(AF_INET, SOCK_DGRAM, 0);
		x = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (t < 0 || u < 0 || x < 0 || dup2(t, 5) != 5 || dup2(u, 6) != 6 ||
		    dup2(x, 7) != 7 ||
		    setsockopt(5, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
		    setsockopt(5, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) ||
		    setsockopt(5, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) ||
		    setsockopt(5, SOL_SOCKET, SO_PRIORITY, &prio, sizeof(prio)) ||
		    setsockopt(5, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
		    setsockopt(5, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle)) ||
		    setsockopt(5, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) ||
		    bind(5, (struct sockaddr *)&sin, sizeof(sin)) ||
		    setsockopt(6, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
		    setsockopt(7, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
			_exit(90);
		ready_child(&c);
		wait_restored();
		RESTORED_EQ("SO_KEEPALIVE", int_opt(5, SOL_SOCKET, SO_KEEPALIVE), 1);
		if (getsockopt(5, SOL_SOCKET, SO_LINGER, &got, &len))
			restored_differs("SO_LINGER: %m");
		RESTORED_EQ("SO_LINGER l_onoff", got.l_onoff, 1);
		RESTORED_EQ("SO_LINGER l_linger", got.l_linger, 5);
		RESTORED_EQ("SO_PRIORITY", int_opt(5, SOL_SOCKET, SO_PRIORITY), prio);
		RESTORED_EQ("TCP_NODELAY", int_opt(5, IPPROTO_TCP, TCP_NODELAY), 1);
		RESTORED_EQ("TCP_KEEPIDLE", int_opt(5, IPPROTO_TCP, TCP_KEEPIDLE), idle);
		RESTORED_EQ("IP_TOS", int_opt(5, IPPROTO_IP, IP_TOS), tos);
		RESTORED_EQ("IP_FREEBIND", int_opt(5, IPPROTO_IP, IP_FREEBIND), 1);
		RESTORED_EQ("SO_BROADCAST (udp)", int_opt(6, SOL_SOCKET, SO_BROADCAST), 1);
		RESTORED_EQ("SO_PASSCRED (unix)", int_opt(7, SOL_SOCKET, SO_PASSCRED), 1);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	st = checkpoint_restart(&c);
	EXPECT_RESTORED(st, &c);
}

/* The dumpable flag, THP disabled, and madvise(2) advice on a mapping */
TEST(memory_settings_restored)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		char line[256], want[32];
		int found = 0;
		FILE *f;

		if (p == MAP_FAILED || prctl(PR_SET_DUMPABLE, 0) ||
		    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) || madvise(p, 4 * 4096, MADV_DONTFORK) ||
		    madvise(p, 4 * 4096, MADV_DONTDUMP))
			_exit(90);
		p[0] = 1;
		ready_child(&c);
		wait_restored();
		RESTORED_EQ("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE), 0);
		RESTORED_EQ("PR_GET_THP_DISABLE", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), 1);
		/* the VmFlags of the mapping: dc (dontfork), dd (dontdump) */
		snprintf(want, sizeof(want), "%lx-", (unsigned long)p);
		f = fopen("/proc/self/smaps", "r");
		while (f && fgets(line, sizeof(line), f)) {
			if (!strncmp(line, want, strlen(want)))
				found = 1;
			else if (found && !strncmp(line, "VmFlags:", 8) &&
				 (!strstr(line, " dc") || !strstr(line, " dd")))
				restored_differs("the mapping lost dc or dd: %s", line);
			else if (found && !strncmp(line, "VmFlags:", 8))
				_exit(0);
		}
		restored_differs("no mapping at %s in /proc/self/smaps", want);
	}
	ASSERT_LT(0, c.pid);
	st = checkpoint_restart(&c);
	EXPECT_RESTORED(st, &c);
}

/*
 * A process of uid 1000 restored by root is dumpable as it was: its
 * /proc files are its own, not root's (commit_creds() resets the flag)
 */
TEST(dumpable_after_the_credentials)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		int null = open("/dev/null", O_RDWR);
		struct stat sb;

		if (null < 0 || dup2(null, 0) || dup2(null, 1) != 1 || dup2(null, 2) != 2 ||
		    setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
		    setresuid(1000, 1000, 1000) || prctl(PR_SET_DUMPABLE, 1))
			_exit(90);
		ready_child(&c);
		wait_restored();
		RESTORED_EQ("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE), 1);
		if (stat("/proc/self/maps", &sb))
			restored_differs("stat /proc/self/maps: %m");
		RESTORED_EQ("the owner of /proc/self/maps", sb.st_uid, 1000);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	st = checkpoint_restart(&c);
	EXPECT_RESTORED(st, &c);
}

static int read_int_file(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		return -9999;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -9999;
}

/*
 * Scheduling: policy and nice (SCHED_BATCH, nice 5), timer slack, CPU
 * affinity, oom_score_adj; and a real-time thread of a root process.
 */
TEST(scheduling_restored)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		struct sched_param param = { 0 };
		cpu_set_t cpus;

		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		if (sched_setscheduler(0, SCHED_BATCH, &param) || setpriority(PRIO_PROCESS, 0, 5) ||
		    prctl(PR_SET_TIMERSLACK, 123456) || sched_setaffinity(0, sizeof(cpus), &cpus) ||
		    write_file("/proc/self/oom_score_adj", "500"))
			_exit(90);
		ready_child(&c);
		wait_restored();
		CPU_ZERO(&cpus);
		RESTORED_EQ("the policy", sched_getscheduler(0), SCHED_BATCH);
		RESTORED_EQ("nice", getpriority(PRIO_PROCESS, 0), 5);
		RESTORED_EQ("the timer slack", prctl(PR_GET_TIMERSLACK), 123456);
		if (sched_getaffinity(0, sizeof(cpus), &cpus))
			restored_differs("sched_getaffinity: %m");
		RESTORED_EQ("the number of CPUs allowed", CPU_COUNT(&cpus), 1);
		RESTORED_EQ("CPU 0 allowed", CPU_ISSET(0, &cpus), 1);
		RESTORED_EQ("oom_score_adj", read_int_file("/proc/self/oom_score_adj"), 500);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	st = checkpoint_restart(&c);
	EXPECT_RESTORED(st, &c);

	if (!cycle_fork(&c)) {
		struct sched_param param = { .sched_priority = 10 };

		if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param))
			_exit(90);
		ready_child(&c);
		wait_restored();
		RESTORED_EQ("the policy", sched_getscheduler(0), SCHED_FIFO | SCHED_RESET_ON_FORK);
		if (sched_getparam(0, &param))
			restored_differs("sched_getparam: %m");
		RESTORED_EQ("the real-time priority", param.sched_priority, 10);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	st = checkpoint_restart(&c);
	EXPECT_RESTORED(st, &c);
}

/*
 * A nice value below the restarter's own is sched_setattr(2)'s to allow:
 * uid 1000 without CAP_SYS_NICE may not give nice -5
 */
TEST(scheduling_within_the_restarter_rights)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) || dup2(null, 1) != 1 || dup2(null, 2) != 2 ||
		    setpriority(PRIO_PROCESS, 0, -5) || setgroups(0, NULL) ||
		    setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000))
			_exit(90);
		ready_child(&c);
		wait_restored();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	ASSERT_LT(0, checkpoint_child(&c)) TH_LOG("%s", c.log);
	/* refused before the point of no return: restart(2) returns */
	st = cycle_restart_as(&c, 1000);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 100) TH_LOG("status %#x, %s", st, c.log);
	EXPECT_NE(NULL, strstr(c.log,
			       "SCHED policy 0 nice -5 rt_priority 0: sched_setattr(2) refuses it"))
		TH_LOG("log: %s", c.log);
	st = cycle_restart(&c);
	EXPECT_RESTORED(st, &c);
}

/*
 * Restart the image of the stopped child of @c by hand: the restored
 * process stops before it runs, its parent sees it stopped, and SIGCONT
 * (then @sig, if not 0) lets it go on to exit 0.
 */
static void restart_stopped(struct __test_metadata *_metadata, struct cycle *c, int sig)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	int st, fd, logfd;
	char go[64];
	pid_t child;

	fd = memfd("image");
	logfd = memfd("log");
	ASSERT_EQ((ssize_t)c->img.len, write(fd, c->img.buf, c->img.len));
	lseek(fd, 0, SEEK_SET);
	args.set_tid = (uintptr_t)&c->pid;
	child = syscall(__NR_clone3, &args, sizeof(args));
	ASSERT_LE(0, child);
	if (!child) {
		sys_restart(0, fd, 0, logfd);
		_exit(100);
	}
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", c->pid);
	close(open(go, O_CREAT | O_WRONLY, 0600));
	ASSERT_EQ(child, waitpid(child, &st, WUNTRACED)) TH_LOG("%s", slurp(logfd, NULL));
	EXPECT_TRUE(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP)
		TH_LOG("status %#x: %s", st, slurp(logfd, NULL));
	if (WIFSTOPPED(st)) {
		ASSERT_EQ(0, kill(child, SIGCONT));
		if (sig) {
			usleep(100 * 1000);	/* back in its system call */
			ASSERT_EQ(0, kill(child, sig));
		}
		ASSERT_EQ(child, waitpid(child, &st, 0));
	}
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("status %#x %s", st, restored_why(child));
	unlink(go);
	close(fd);
	close(logfd);
}

/*
 * A process stopped by job control (SIGSTOP) is checkpointed stopped and
 * comes back stopped: its parent sees it stopped, and SIGCONT resumes it
 * after its raise(3), not in it again
 */
TEST(stopped_process_stays_stopped)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		ready_child(&c);
		raise(SIGSTOP);
		wait_restored();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	ASSERT_EQ(c.pid, waitpid(c.pid, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_LT(0, checkpoint_child(&c)) TH_LOG("%s", c.log);
	restart_stopped(_metadata, &c, 0);
}

/* sigsuspend(2) returns once a handler has run: this one */
static void on_usr1(int sig)
{
}

/*
 * Stopped while it waits in sigsuspend(2): it comes back stopped, and once
 * continued it waits again until SIGUSR1 comes; then it has its own mask
 * back, not the one sigsuspend(2) waited with
 */
TEST(stopped_in_a_system_call_stays_stopped)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		sigset_t usr1, none;

		sigemptyset(&none);
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		if (signal(SIGUSR1, on_usr1) == SIG_ERR || sigprocmask(SIG_BLOCK, &usr1, NULL))
			_exit(90);
		ready_child(&c);
		sigsuspend(&none);
		/* sigsuspend(2) gave back the mask it had */
		if (sigprocmask(SIG_BLOCK, NULL, &none))
			restored_differs("sigprocmask: %m");
		RESTORED_EQ("SIGUSR1 blocked after sigsuspend(2)", sigismember(&none, SIGUSR1), 1);
		wait_restored();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	/* stopped in its wait, by its parent */
	usleep(200 * 1000);
	ASSERT_EQ(0, kill(c.pid, SIGSTOP));
	ASSERT_EQ(c.pid, waitpid(c.pid, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_LT(0, checkpoint_child(&c)) TH_LOG("%s", c.log);
	restart_stopped(_metadata, &c, SIGUSR1);
}

/*
 * The alarm of the process that calls restart(2) is not the restored
 * process's: an image without one comes back without one
 */
TEST(restarter_alarm_not_inherited)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	int st, fd, logfd;
	struct cycle c;
	char go[64];
	pid_t child;

	if (!cycle_fork(&c)) {
		struct itimerval left;

		ready_child(&c);
		wait_restored();
		if (getitimer(ITIMER_REAL, &left))
			restored_differs("getitimer: %m");
		RESTORED_EQ("the seconds left of ITIMER_REAL", left.it_value.tv_sec, 0);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	ASSERT_LT(0, checkpoint_child(&c)) TH_LOG("%s", c.log);
	fd = memfd("image");
	logfd = memfd("log");
	ASSERT_EQ((ssize_t)c.img.len, write(fd, c.img.buf, c.img.len));
	lseek(fd, 0, SEEK_SET);
	args.set_tid = (uintptr_t)&c.pid;
	child = syscall(__NR_clone3, &args, sizeof(args));
	ASSERT_LE(0, child);
	if (!child) {
		alarm(100);
		sys_restart(0, fd, 0, logfd);
		_exit(100);
	}
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", c.pid);
	close(open(go, O_CREAT | O_WRONLY, 0600));
	ASSERT_EQ(child, waitpid(child, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("status %#x %s: %s", st, restored_why(child), slurp(logfd, NULL));
	unlink(go);
	close(fd);
	close(logfd);
}

/* Locked memory is not restored yet: refused by name, not silently unlocked */
TEST(locked_memory_refused)
{
	struct cycle c;

	if (!cycle_fork(&c)) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED || mlock(p, 4096))
			_exit(90);
		ready_child(&c);
		pause();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	EXPECT_REFUSED(&c, EOPNOTSUPP, "locked with mlock(2): not supported");
}

TEST_HARNESS_MAIN
