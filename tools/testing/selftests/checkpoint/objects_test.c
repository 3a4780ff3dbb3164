// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel objects behind file descriptors, beyond regular files: each test
 * sets one kind up in a child, checkpoints and kills it, restarts it and
 * lets the restored child check the object from inside (the bytes in a
 * pipe read back in order, its flags and size...). Kinds that are not
 * supported are refused by name and the target keeps running.
 *
 * The restored child exits 0 when all is well, or with the number of the
 * check that failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/mman.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/io_uring.h>
#include <linux/userfaultfd.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

#define KiB	1024

/* Byte @i of the test pattern with @seed */
static unsigned char pat(unsigned int seed, size_t i)
{
	return (unsigned char)((i * 31 + seed) ^ (i >> 9));
}

static int write_pattern(int fd, unsigned int seed, size_t from, size_t len)
{
	unsigned char buf[4096];
	size_t i, n;

	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = pat(seed, from + i);
		if (write(fd, buf, n) != (ssize_t)n)
			return -1;
		from += n;
		len -= n;
	}
	return 0;
}

/* Read exactly @len bytes of the pattern from @fd; 0 if they match */
static int read_pattern(int fd, unsigned int seed, size_t from, size_t len)
{
	unsigned char buf[4096];
	size_t i;
	ssize_t n;

	while (len) {
		n = read(fd, buf, len < sizeof(buf) ? len : sizeof(buf));
		if (n <= 0)
			return -1;
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pat(seed, from + i))
				return -1;
		from += n;
		len -= n;
	}
	return 0;
}

/* Expect checkpoint of the child of @c to fail with @err and log @what */
static void expect_refused(struct __test_metadata *_metadata, struct cycle *c, int err,
			   unsigned long flags, const char *what)
{
	EXPECT_EQ(-err, cycle_checkpoint(c, flags | CHECKPOINT_KILL));
	EXPECT_NE(NULL, strstr(c->log, what)) TH_LOG("expected \"%s\" in: %s", what, c->log);
	/* a failed checkpoint leaves the target running */
	usleep(100 * 1000);
	EXPECT_EQ(0, kill(c->pid, 0));
	reap(c->pid);
}

/*
 * Unread bytes in a pipe bigger than the default, both ends, O_NONBLOCK on
 * the read end, the pipe size; a second, empty pipe; the ends still work.
 */
TEST(pipe_data)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int p[2], q[2];
		char b;

		if (pipe(p) || pipe2(q, O_NONBLOCK) ||
		    fcntl(p[0], F_SETPIPE_SZ, 256 * KiB) != 256 * KiB)
			_exit(90);
		/* several writes, one of them not a multiple of the page size */
		if (write_pattern(p[1], 7, 0, 1000) ||
		    write_pattern(p[1], 7, 1000, 200 * KiB - 1000))
			_exit(91);
		/* consume some: the ring does not start at its first slot */
		if (read_pattern(p[0], 7, 0, 5000))
			_exit(92);
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		ready_child(&c);
		wait_restored();
		if (fcntl(p[0], F_GETPIPE_SZ) != 256 * KiB)
			_exit(1);
		if (!(fcntl(p[0], F_GETFL) & O_NONBLOCK) || (fcntl(p[1], F_GETFL) & O_NONBLOCK))
			_exit(2);
		if ((fcntl(p[0], F_GETFL) & O_ACCMODE) != O_RDONLY ||
		    (fcntl(p[1], F_GETFL) & O_ACCMODE) != O_WRONLY)
			_exit(3);
		if (read_pattern(p[0], 7, 5000, 200 * KiB - 5000))
			_exit(4);
		if (read(p[0], &b, 1) != -1 || errno != EAGAIN)
			_exit(5);
		if (write_pattern(p[1], 9, 0, 3000) || read_pattern(p[0], 9, 0, 3000))
			_exit(6);
		if (read(q[0], &b, 1) != -1 || errno != EAGAIN ||
		    !(fcntl(q[1], F_GETFL) & O_NONBLOCK))
			_exit(7);
		if (write(q[1], "q", 1) != 1 || read(q[0], &b, 1) != 1 || b != 'q')
			_exit(8);
		/* the last writer gone: end of file after the data */
		close(p[1]);
		if (read(p[0], &b, 1) != 0)
			_exit(9);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* A pipe whose write end was closed: its data, then end of file */
TEST(pipe_writer_gone)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int p[2];
		char b;

		if (pipe(p) || write_pattern(p[1], 3, 0, 12345))
			_exit(90);
		close(p[1]);
		ready_child(&c);
		wait_restored();
		if (read_pattern(p[0], 3, 0, 12345))
			_exit(1);
		if (read(p[0], &b, 1) != 0)
			_exit(2);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* A pipe whose read end was closed: writing gets EPIPE */
TEST(pipe_reader_gone)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int p[2];

		signal(SIGPIPE, SIG_IGN);
		if (pipe(p))
			_exit(90);
		close(p[0]);
		ready_child(&c);
		wait_restored();
		if (write(p[1], "x", 1) != -1 || errno != EPIPE)
			_exit(1);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* A FIFO open at both ends with data in it, and opened read-write too */
TEST(fifo)
{
	const char *path = "/tmp/ckpt-fifo";
	struct cycle c;
	int status;

	unlink(path);
	ASSERT_EQ(0, mkfifo(path, 0600));
	if (!cycle_fork(&c)) {
		struct stat st, st2;
		int r, w, rw;
		char b;

		r = open(path, O_RDONLY | O_NONBLOCK);
		w = open(path, O_WRONLY);
		rw = open(path, O_RDWR);
		if (r < 0 || w < 0 || rw < 0 || write_pattern(w, 5, 0, 10000) || stat(path, &st))
			_exit(90);
		ready_child(&c);
		wait_restored();
		if (fstat(r, &st2) || !S_ISFIFO(st2.st_mode) || st2.st_ino != st.st_ino)
			_exit(1);
		if (!(fcntl(r, F_GETFL) & O_NONBLOCK) || (fcntl(w, F_GETFL) & O_NONBLOCK) ||
		    (fcntl(rw, F_GETFL) & O_ACCMODE) != O_RDWR)
			_exit(2);
		if (read_pattern(r, 5, 0, 10000))
			_exit(3);
		if (read(r, &b, 1) != -1 || errno != EAGAIN)
			_exit(4);
		/* the three open files share the one pipe */
		if (write(rw, "A", 1) != 1 || read(r, &b, 1) != 1 || b != 'A')
			_exit(5);
		if (write(w, "B", 1) != 1 || read(rw, &b, 1) != 1 || b != 'B')
			_exit(6);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
	unlink(path);
}

/* Without CHECKPOINT_SUBTREE, a pipe (here a FIFO) open outside the tree is a leak */
TEST(pipe_leak_refused)
{
	const char *path = "/tmp/ckpt-leak-fifo";
	int fd, imgfd, logfd;
	struct cycle c;
	char r;

	unlink(path);
	ASSERT_EQ(0, mkfifo(path, 0600));
	if (!cycle_fork(&c)) {
		int null = open("/dev/null", O_RDWR);

		/* the console is shared with the test: a leak of its own */
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(89);
		close(null);
		if (open(path, O_RDONLY | O_NONBLOCK) < 0)
			_exit(90);
		ready_child(&c);
		for (;;)
			pause();
	}
	ASSERT_LT(0, c.pid);
	ASSERT_EQ(1, read(c.ready[0], &r, 1));
	fd = open(path, O_WRONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	/* cycle_checkpoint() adds CHECKPOINT_SUBTREE: call checkpoint(2) itself */
	imgfd = memfd("image");
	logfd = memfd("log");
	EXPECT_EQ(-1, sys_checkpoint(c.pid, imgfd, CHECKPOINT_KILL, logfd));
	EXPECT_EQ(EBUSY, errno);
	c.log = slurp(logfd, NULL);
	EXPECT_NE(NULL, strstr(c.log, "is also open outside the tree")) TH_LOG("log: %s", c.log);
	usleep(100 * 1000);
	EXPECT_EQ(0, kill(c.pid, 0));
	reap(c.pid);
	close(fd);
	close(imgfd);
	close(logfd);
	free(c.log);
	unlink(path);
}

/* Pipes in packet mode are refused by name */
TEST(packet_pipe_refused)
{
	struct cycle c;
	char what[96];

	if (!cycle_fork(&c)) {
		int p[2];

		if (pipe2(p, O_DIRECT) || dup2(p[1], 30) < 0)
			_exit(90);
		close(p[1]);
		ready_child(&c);
		for (;;)
			pause();
	}
	ASSERT_LT(0, c.pid);
	snprintf(what, sizeof(what), "pid %d fd 30: pipe in packet mode (O_DIRECT) not supported",
		 c.pid);
	expect_refused(_metadata, &c, EOPNOTSUPP, 0, what);
}

/* eventfd: counter, semaphore mode, O_NONBLOCK; a plain one too */
TEST(eventfd_counter)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK), ev = eventfd(0, 0);
		uint64_t v = 0xfffffffffffffff0ULL - 1;

		if (sem < 0 || ev < 0 || write(ev, &v, sizeof(v)) != sizeof(v))
			_exit(90);
		ready_child(&c);
		wait_restored();
		/* a semaphore reads 1 at a time, three times, then EAGAIN */
		if (read(sem, &v, 8) != 8 || v != 1 || read(sem, &v, 8) != 8 || v != 1 ||
		    read(sem, &v, 8) != 8 || v != 1)
			_exit(1);
		if (read(sem, &v, 8) != -1 || errno != EAGAIN)
			_exit(2);
		if (fcntl(ev, F_GETFL) & O_NONBLOCK)
			_exit(3);
		/* the counter is near its maximum: one more than 15 would block */
		v = 15;
		if (write(ev, &v, 8) != 8)
			_exit(4);
		fcntl(ev, F_SETFL, O_NONBLOCK);
		v = 1;
		if (write(ev, &v, 8) != -1 || errno != EAGAIN)
			_exit(5);
		if (read(ev, &v, 8) != 8 || v != 0xfffffffffffffffeULL)
			_exit(6);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* signalfd: its mask; the pending signal it reads is the task's */
TEST(signalfd_mask)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct signalfd_siginfo si;
		sigset_t mask;
		int sfd;

		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR1);
		sigaddset(&mask, SIGRTMIN + 3);
		sigprocmask(SIG_BLOCK, &mask, NULL);
		sfd = signalfd(-1, &mask, SFD_NONBLOCK);
		if (sfd < 0)
			_exit(90);
		kill(getpid(), SIGRTMIN + 3);
		ready_child(&c);
		wait_restored();
		if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGRTMIN + 3)
			_exit(1);
		if (read(sfd, &si, sizeof(si)) != -1 || errno != EAGAIN)
			_exit(2);
		/* SIGUSR2 is not in its mask, SIGUSR1 is */
		signal(SIGUSR2, SIG_IGN);
		sigaddset(&mask, SIGUSR2);
		sigprocmask(SIG_BLOCK, &mask, NULL);
		kill(getpid(), SIGUSR2);
		if (read(sfd, &si, sizeof(si)) != -1 || errno != EAGAIN)
			_exit(3);
		kill(getpid(), SIGUSR1);
		if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR1)
			_exit(4);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

static double ts_sec(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_sec(&ts);
}

/*
 * timerfd: a periodic one with expirations not read yet, a one-shot one
 * with time left, a disarmed one; clocks and flags
 */
TEST(timerfd_timers)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct itimerspec per = { .it_value.tv_nsec = 1000000, .it_interval.tv_sec = 1 };
		struct itimerspec one = { .it_value.tv_sec = 3 };
		int p = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
		int o = timerfd_create(CLOCK_REALTIME, 0);
		int d = timerfd_create(CLOCK_BOOTTIME, 0);
		struct itimerspec cur;
		uint64_t ticks;
		double t0;

		if (p < 0 || o < 0 || d < 0 || timerfd_settime(p, 0, &per, NULL) ||
		    timerfd_settime(o, 0, &one, NULL))
			_exit(90);
		usleep(20 * 1000);	/* the periodic one expired once */
		ready_child(&c);
		wait_restored();
		t0 = mono_now();
		if (read(p, &ticks, 8) != 8 || ticks < 1)
			_exit(1);
		if (timerfd_gettime(p, &cur) || cur.it_interval.tv_sec != 1 ||
		    ts_sec(&cur.it_value) > 1.0)
			_exit(2);
		if (timerfd_gettime(o, &cur) || ts_sec(&cur.it_value) <= 0.5 ||
		    ts_sec(&cur.it_value) > 3.0 || cur.it_interval.tv_sec)
			_exit(3);
		if (timerfd_gettime(d, &cur) || cur.it_value.tv_sec || cur.it_value.tv_nsec)
			_exit(4);
		/* the one-shot timer fires once, within its time left */
		if (read(o, &ticks, 8) != 8 || ticks != 1 || mono_now() - t0 > 3.5)
			_exit(5);
		/* the periodic one goes on */
		fcntl(p, F_SETFL, 0);
		if (read(p, &ticks, 8) != 8 || ticks < 1)
			_exit(6);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* Fill @fd with @len bytes of the pattern at @off (pwrite: the offset stays) */
static int pwrite_pattern(int fd, unsigned int seed, off_t off, size_t len)
{
	unsigned char buf[4096];
	size_t i, n;

	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = pat(seed, off + i);
		if (pwrite(fd, buf, n, off) != (ssize_t)n)
			return -1;
		off += n;
		len -= n;
	}
	return 0;
}

/* Check @len bytes of the pattern at @off (pread) */
static int pread_pattern(int fd, unsigned int seed, off_t off, size_t len)
{
	unsigned char buf[4096];
	size_t i, n;

	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		if (pread(fd, buf, n, off) != (ssize_t)n)
			return -1;
		for (i = 0; i < n; i++)
			if (buf[i] != pat(seed, off + i))
				return -1;
		off += n;
		len -= n;
	}
	return 0;
}

/* Whether @len bytes at @off read as zeros */
static int pread_zeros(int fd, off_t off, size_t len)
{
	char buf[4096];
	size_t i, n;

	while (len) {
		n = len < sizeof(buf) ? len : sizeof(buf);
		if (pread(fd, buf, n, off) != (ssize_t)n)
			return -1;
		for (i = 0; i < n; i++)
			if (buf[i])
				return -1;
		off += n;
		len -= n;
	}
	return 0;
}

/*
 * memfd: name, contents with a hole (more than one DATA record), size past
 * the last byte, offset, seals; a second open file of it (through /proc)
 * shares the inode but not the offset
 */
TEST(memfd_contents)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int fd = memfd_create("ckpt-test", MFD_ALLOW_SEALING), ro;
		char path[64], link[128];
		struct stat st;
		ssize_t n;

		if (fd < 0 || pwrite_pattern(fd, 11, 0, 3 * 1024 * KiB + 5) ||
		    pwrite_pattern(fd, 12, 8 * 1024 * KiB, 4096) || ftruncate(fd, 9 * 1024 * KiB) ||
		    lseek(fd, 777, SEEK_SET) != 777 || fchmod(fd, 0640) ||
		    fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK))
			_exit(90);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ro = open(path, O_RDONLY);
		if (ro < 0 || lseek(ro, 5, SEEK_SET) != 5)
			_exit(91);
		ready_child(&c);
		wait_restored();
		if (pread_pattern(fd, 11, 0, 3 * 1024 * KiB + 5) ||
		    pread_zeros(fd, 3 * 1024 * KiB + 5, 5 * 1024 * KiB - 5) ||
		    pread_pattern(fd, 12, 8 * 1024 * KiB, 4096))
			_exit(1);
		if (fstat(fd, &st) || st.st_size != 9 * 1024 * KiB || (st.st_mode & 0777) != 0640)
			_exit(2);
		if (lseek(fd, 0, SEEK_CUR) != 777 || lseek(ro, 0, SEEK_CUR) != 5)
			_exit(3);
		if (fcntl(fd, F_GET_SEALS) != (F_SEAL_GROW | F_SEAL_SHRINK))
			_exit(4);
		if (ftruncate(fd, 10 * 1024 * KiB) != -1 || errno != EPERM)
			_exit(5);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			_exit(6);
		link[n] = 0;
		if (strcmp(link, "/memfd:ckpt-test (deleted)"))
			_exit(7);
		/* one inode: a write through fd shows through ro */
		if (pwrite(fd, "Z", 1, 5) != 1 || read(ro, link, 1) != 1 || link[0] != 'Z')
			_exit(8);
		if ((fcntl(ro, F_GETFL) & O_ACCMODE) != O_RDONLY)
			_exit(9);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* A regular file deleted while open: contents, mode, offset, still deleted */
TEST(deleted_file)
{
	const char *path = "/tmp/ckpt-deleted";
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0604);
		struct stat st;

		if (fd < 0 || write_pattern(fd, 21, 0, 100000) || unlink(path) ||
		    lseek(fd, 4321, SEEK_SET) != 4321)
			_exit(90);
		ready_child(&c);
		wait_restored();
		if (fstat(fd, &st) || st.st_size != 100000 || st.st_nlink ||
		    (st.st_mode & 0777) != 0604 || !S_ISREG(st.st_mode))
			_exit(1);
		if (lseek(fd, 0, SEEK_CUR) != 4321 || read_pattern(fd, 21, 4321, 100000 - 4321))
			_exit(2);
		if (!access(path, F_OK))
			_exit(3);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/*
 * epoll: an epoll file before the files it watches, edge and level
 * triggered items with their data, a nested epoll file, events ready at
 * checkpoint found ready after restart
 */
TEST(epoll_items)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int outer = epoll_create1(0), inner = epoll_create1(EPOLL_CLOEXEC), p[2], e;
		struct epoll_event ev[4];
		uint64_t v = 5;
		int n, i, got = 0;

		e = eventfd(0, EFD_NONBLOCK);
		if (outer < 0 || inner < 0 || e < 0 || pipe(p))
			_exit(90);
		ev[0] = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 0x1234 };
		if (epoll_ctl(inner, EPOLL_CTL_ADD, e, &ev[0]))
			_exit(91);
		ev[0] = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.u64 = 42 };
		if (epoll_ctl(outer, EPOLL_CTL_ADD, p[0], &ev[0]))
			_exit(92);
		ev[0] = (struct epoll_event){ .events = EPOLLIN, .data.u64 = 7 };
		if (epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev[0]))
			_exit(93);
		ev[0] = (struct epoll_event){ .events = EPOLLOUT, .data.u64 = 99 };
		if (epoll_ctl(inner, EPOLL_CTL_ADD, p[1], &ev[0]))
			_exit(94);
		if (write(p[1], "x", 1) != 1 || write(e, &v, 8) != 8)
			_exit(95);
		ready_child(&c);
		wait_restored();
		if (!(fcntl(inner, F_GETFD) & FD_CLOEXEC))
			_exit(1);
		n = epoll_wait(outer, ev, 4, 1000);
		for (i = 0; i < n; i++)
			got |= ev[i].data.u64 == 42 ? 1 : ev[i].data.u64 == 7 ? 2 : 4;
		if (n != 2 || got != 3)
			_exit(2);
		/* edge triggered: nothing new on the pipe; the inner one still ready */
		n = epoll_wait(outer, ev, 4, 0);
		if (n != 1 || ev[0].data.u64 != 7)
			_exit(3);
		n = epoll_wait(inner, ev, 4, 0);
		for (i = 0, got = 0; i < n; i++)
			got |= ev[i].data.u64 == 0x1234 ? 1 : ev[i].data.u64 == 99 ? 2 : 4;
		if (n != 2 || got != 3)
			_exit(4);
		if (read(e, &v, 8) != 8 || v != 5)
			_exit(5);
		/* the items still follow their files */
		n = epoll_wait(inner, ev, 4, 0);
		if (n != 1 || ev[0].data.u64 != 99)
			_exit(6);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* An epoll item whose descriptor now holds another file is refused */
TEST(epoll_stale_item_refused)
{
	struct cycle c;
	char what[128];

	if (!cycle_fork(&c)) {
		int ep = epoll_create1(0), p[2], keep;
		struct epoll_event ev = { .events = EPOLLIN };

		if (ep < 0 || pipe(p) || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev))
			_exit(90);
		/* the watched file lives on at keep; its fd now holds the write end */
		keep = dup(p[0]);
		if (keep < 0 || dup2(p[1], p[0]) < 0 || dup2(ep, 40) < 0)
			_exit(91);
		close(ep);
		ready_child(&c);
		for (;;)
			pause();
	}
	ASSERT_LT(0, c.pid);
	snprintf(what, sizeof(what), "pid %d fd 40: epoll watches fd", c.pid);
	expect_refused(_metadata, &c, EOPNOTSUPP, 0, what);
}

/* Send @len bytes of the pattern on @fd as one message */
static int send_msg(int fd, unsigned int seed, size_t len)
{
	unsigned char buf[8192];
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pat(seed, i);
	return send(fd, buf, len, 0) == (ssize_t)len ? 0 : -1;
}

/* Receive one message: it must be @len bytes of the pattern */
static int recv_msg(int fd, unsigned int seed, size_t len)
{
	unsigned char buf[8192];
	size_t i;

	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) != (ssize_t)len)
		return -1;
	for (i = 0; i < len; i++)
		if (buf[i] != pat(seed, i))
			return -1;
	return 0;
}

/*
 * Unix socket pairs of each type with messages waiting in both directions
 * (datagram and seqpacket keep their boundaries), a half-shut stream, a
 * stream whose peer is gone, and buffer sizes
 */
TEST(unix_pairs)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int st[2], dg[2], sp[2], half[2], gone[2], big = 300000;
		socklen_t len = sizeof(int);
		char b;

		signal(SIGPIPE, SIG_IGN);
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, st) ||
		    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, dg) ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, half) ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, gone))
			_exit(90);
		if (setsockopt(st[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big)) ||
		    write_pattern(st[0], 31, 0, 100000) || write_pattern(st[1], 32, 0, 777) ||
		    read_pattern(st[1], 31, 0, 1000))
			_exit(91);
		if (send_msg(dg[0], 41, 100) || send_msg(dg[0], 42, 3000) ||
		    send_msg(dg[1], 43, 1) ||
		    send_msg(sp[1], 51, 500) || send_msg(sp[1], 52, 600))
			_exit(92);
		if (write(half[0], "h", 1) != 1 || shutdown(half[0], SHUT_WR) ||
		    write(gone[1], "bye", 3) != 3 || close(gone[1]))
			_exit(93);
		getsockopt(st[0], SOL_SOCKET, SO_SNDBUF, &big, &len);
		ready_child(&c);
		wait_restored();
		/* the stream: the rest of what was sent each way, in order */
		if (read_pattern(st[1], 31, 1000, 99000) || read_pattern(st[0], 32, 0, 777))
			_exit(1);
		if (write(st[1], "s", 1) != 1 || read(st[0], &b, 1) != 1 || b != 's')
			_exit(2);
		len = sizeof(int);
		if (getsockopt(st[0], SOL_SOCKET, SO_SNDBUF, &status, &len) || status != big)
			_exit(3);
		/* datagrams one by one, with their sizes */
		if (recv_msg(dg[1], 41, 100) || recv_msg(dg[1], 42, 3000) || recv_msg(dg[0], 43, 1))
			_exit(4);
		if (recv(dg[1], &b, 1, MSG_DONTWAIT) != -1 || errno != EAGAIN)
			_exit(5);
		if (recv_msg(sp[0], 51, 500) || recv_msg(sp[0], 52, 600))
			_exit(6);
		if (send_msg(sp[0], 53, 10) || recv_msg(sp[1], 53, 10))
			_exit(7);
		/* half shut: the byte, then end of file; the other way still works */
		if (read(half[1], &b, 1) != 1 || b != 'h' || read(half[1], &b, 1) != 0)
			_exit(8);
		if (write(half[0], "x", 1) != -1 || errno != EPIPE)
			_exit(9);
		if (write(half[1], "y", 1) != 1 || read(half[0], &b, 1) != 1 || b != 'y')
			_exit(10);
		/* the peer gone: its last bytes, then end of file */
		if (read_pattern(gone[0], 0, 0, 0) || read(gone[0], &b, 1) != 1 || b != 'b')
			_exit(11);
		{
			char rest[8];

			if (read(gone[0], rest, 8) != 2 || memcmp(rest, "ye", 2) ||
			    read(gone[0], rest, 8) != 0)
				_exit(12);
		}
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* A listening socket with an abstract name and one with a path: connect again */
TEST(unix_listeners)
{
	const char *path = "/tmp/ckpt-unix-listener";
	struct cycle c;
	int status;

	unlink(path);
	if (!cycle_fork(&c)) {
		struct sockaddr_un abs = { .sun_family = AF_UNIX }, pth = { .sun_family = AF_UNIX };
		socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 12;
		int l1 = socket(AF_UNIX, SOCK_STREAM, 0), l2 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		int d = socket(AF_UNIX, SOCK_DGRAM, 0), cl, sv;
		struct sockaddr_un got;
		socklen_t glen = sizeof(got);

		memcpy(abs.sun_path, "\0ckpt-test-l", 12);
		snprintf(pth.sun_path, sizeof(pth.sun_path), "%s", path);
		if (l1 < 0 || l2 < 0 || d < 0 || bind(l1, (struct sockaddr *)&abs, alen) ||
		    listen(l1, 5) || bind(l2, (struct sockaddr *)&pth, sizeof(pth)) ||
		    listen(l2, 3))
			_exit(90);
		ready_child(&c);
		wait_restored();
		if (getsockname(l1, (struct sockaddr *)&got, &glen) || glen != alen ||
		    memcmp(got.sun_path, abs.sun_path, 12))
			_exit(1);
		cl = socket(AF_UNIX, SOCK_STREAM, 0);
		if (cl < 0 || connect(cl, (struct sockaddr *)&abs, alen))
			_exit(2);
		sv = accept(l1, NULL, NULL);
		if (sv < 0 || write(cl, "a", 1) != 1 || read(sv, &got, 1) != 1)
			_exit(3);
		cl = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (cl < 0 || connect(cl, (struct sockaddr *)&pth, sizeof(pth)))
			_exit(4);
		sv = accept(l2, NULL, NULL);
		if (sv < 0 || send_msg(cl, 61, 70) || recv_msg(sv, 61, 70))
			_exit(5);
		/* an unbound datagram socket is still one */
		if (sendto(d, "z", 1, 0, (struct sockaddr *)&abs, alen) != -1)
			_exit(6);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
	unlink(path);
}

/* Files in flight in a unix socket are refused by name */
TEST(unix_scm_rights_refused)
{
	struct cycle c;
	char what[128];

	if (!cycle_fork(&c)) {
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct msghdr msg = { .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct iovec iov = { .iov_base = "f", .iov_len = 1 };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || dup2(sv[1], 40) < 0)
			_exit(90);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &sv[0], sizeof(int));
		if (sendmsg(sv[0], &msg, 0) != 1)
			_exit(91);
		close(sv[1]);
		ready_child(&c);
		for (;;)
			pause();
	}
	ASSERT_LT(0, c.pid);
	snprintf(what, sizeof(what), "pid %d fd 40: unix socket with files in flight (SCM_RIGHTS)",
		 c.pid);
	expect_refused(_metadata, &c, EOPNOTSUPP, 0, what);
}

/* Bring the loopback interface up (the test VM starts with it down) */
static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (s < 0)
		return -1;
	ret = ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ret = ret ?: ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return ret;
}

static struct sockaddr_in loopback(unsigned short port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
}

static unsigned short port_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	return getsockname(fd, (struct sockaddr *)&sin, &len) ? 0 : ntohs(sin.sin_port);
}

/*
 * A listening TCP socket, a bound UDP socket and a UDP socket with a
 * default destination come back on the same ports and work
 */
TEST(inet_sockets)
{
	struct cycle c;
	int status;

	ASSERT_EQ(0, loopback_up());
	if (!cycle_fork(&c)) {
		int l = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
		int uc = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), one = 1, cl, sv;
		struct sockaddr_in a = loopback(0);
		unsigned short lport, uport;
		char b[8];

		if (l < 0 || u < 0 || uc < 0 ||
		    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 7) ||
		    bind(u, (struct sockaddr *)&a, sizeof(a)))
			_exit(90);
		lport = port_of(l);
		uport = port_of(u);
		a = loopback(uport);
		if (connect(uc, (struct sockaddr *)&a, sizeof(a)))
			_exit(91);
		ready_child(&c);
		wait_restored();
		if (port_of(l) != lport || port_of(u) != uport)
			_exit(1);
		one = 0;
		status = sizeof(one);
		if (getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, (socklen_t *)&status) || !one)
			_exit(2);
		cl = socket(AF_INET, SOCK_STREAM, 0);
		a = loopback(lport);
		if (cl < 0 || connect(cl, (struct sockaddr *)&a, sizeof(a)))
			_exit(3);
		sv = accept(l, NULL, NULL);
		if (sv < 0 || write(cl, "tcp", 3) != 3 || read(sv, b, 8) != 3 ||
		    memcmp(b, "tcp", 3))
			_exit(4);
		if (send(uc, "udp", 3, 0) != 3 || recv(u, b, 8, 0) != 3 || memcmp(b, "udp", 3))
			_exit(5);
		if (!(fcntl(uc, F_GETFL) & O_NONBLOCK))
			_exit(6);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/* A connected TCP socket is refused by name */
TEST(tcp_connection_refused)
{
	struct cycle c;
	char what[128];

	ASSERT_EQ(0, loopback_up());
	if (!cycle_fork(&c)) {
		int l = socket(AF_INET, SOCK_STREAM, 0), cl = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = loopback(0);

		if (l < 0 || cl < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
			_exit(90);
		a = loopback(port_of(l));
		if (connect(cl, (struct sockaddr *)&a, sizeof(a)) || dup2(cl, 40) < 0)
			_exit(91);
		close(cl);
		/* the listener's connection not accepted yet is refused first: take it */
		cl = accept(l, NULL, NULL);
		if (cl < 0 || dup2(cl, 41) < 0)
			_exit(92);
		close(cl);
		ready_child(&c);
		for (;;)
			pause();
	}
	ASSERT_LT(0, c.pid);
	snprintf(what, sizeof(what),
		 "pid %d fd 40: connected TCP socket (state ESTABLISHED) not supported", c.pid);
	expect_refused(_metadata, &c, EOPNOTSUPP, 0, what);
}

/* A child holding a file made by @make at fd 40 is refused, naming @kind */
static void refused_kind(struct __test_metadata *_metadata, int (*make)(void), const char *kind)
{
	struct cycle c;
	char what[128];

	if (!cycle_fork(&c)) {
		int fd = make();

		if (fd < 0 || dup2(fd, 40) < 0)
			_exit(90);
		close(fd);
		ready_child(&c);
		for (;;)
			pause();
	}
	ASSERT_LT(0, c.pid);
	snprintf(what, sizeof(what), "pid %d fd 40: %s not supported", c.pid, kind);
	expect_refused(_metadata, &c, EOPNOTSUPP, 0, what);
}

static int make_inotify(void)
{
	int fd = inotify_init1(0);

	if (fd >= 0)
		inotify_add_watch(fd, "/tmp", IN_CREATE);
	return fd;
}

static int make_fanotify(void)
{
	return fanotify_init(FAN_CLASS_NOTIF, O_RDONLY);
}

static int make_userfaultfd(void)
{
	return syscall(__NR_userfaultfd, O_CLOEXEC);
}

static int make_io_uring(void)
{
	struct io_uring_params p = { };

	return syscall(__NR_io_uring_setup, 4, &p);
}

TEST(inotify_refused)
{
	refused_kind(_metadata, make_inotify, "inotify");
}

TEST(fanotify_refused)
{
	refused_kind(_metadata, make_fanotify, "[fanotify]");
}

TEST(userfaultfd_refused)
{
	refused_kind(_metadata, make_userfaultfd, "[userfaultfd]");
}

TEST(io_uring_refused)
{
	refused_kind(_metadata, make_io_uring, "[io_uring]");
}

TEST_HARNESS_MAIN
