// SPDX-License-Identifier: GPL-2.0
/*
 * POSIX timers and itimers across checkpoint and restart: a child arms
 * timers, is checkpointed, killed and restarted, and checks from inside
 * the restored copy that its timers kept their ids, clocks, sigevents,
 * time left and periods, that a queued timer signal is still queued and
 * rearms its timer when delivered, and that ITIMER_VIRTUAL and ITIMER_PROF
 * go on counting. Also: timers on CPU clocks are refused by name, and
 * restart refuses timer records that make no sense.
 *
 * The restored child exits 0 when all is well, or with the number of the
 * check that failed. Time under emulation is sloppy: the tolerances are
 * wide, but a timer that is not rearmed, runs at another period, has lost
 * its time left or counts the time the image waited fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

#define MS	1000000LL	/* ns */

/* The kernel's timer ids, without the C library's mapping of timer_t */
static int ktimer_create(clockid_t clock, struct sigevent *sev, int *id)
{
	return syscall(SYS_timer_create, clock, sev, id);
}

static int ktimer_settime(int id, long long value_ns, long long interval_ns)
{
	struct itimerspec its = {
		.it_value = { value_ns / 1000000000, value_ns % 1000000000 },
		.it_interval = { interval_ns / 1000000000, interval_ns % 1000000000 },
	};

	return syscall(SYS_timer_settime, id, 0, &its, NULL);
}

/* Time left and interval of timer @id, in ns; -1 if there is no such timer */
static long long ktimer_left(int id, long long *interval_ns)
{
	struct itimerspec its;

	if (syscall(SYS_timer_gettime, id, &its))
		return -1;
	if (interval_ns)
		*interval_ns = its.it_interval.tv_sec * 1000000000LL + its.it_interval.tv_nsec;
	return its.it_value.tv_sec * 1000000000LL + its.it_value.tv_nsec;
}

static int ktimer_delete(int id)
{
	return syscall(SYS_timer_delete, id);
}

static struct sigevent sev_signal(int signo, long value)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = signo;
	sev.sigev_value.sival_ptr = (void *)value;
	return sev;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleep @ns of wall time, through the signals that come meanwhile */
static void sleep_ns(long long ns)
{
	long long end = now_ns() + ns;

	while (now_ns() < end)
		usleep(5000);
}

/* Shared with signal handlers and threads */
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define INC(x)		__atomic_fetch_add(&(x), 1, __ATOMIC_SEQ_CST)

/* What the handler saw */
static int fired, bad_timerid, bad_value, bad_code, last_tid, last_overrun;
static int want_timerid;
static long want_value;

static void on_timer(int sig, siginfo_t *si, void *uc)
{
	INC(fired);
	if (si->si_code != SI_TIMER)
		INC(bad_code);
	if (si->si_timerid != want_timerid)
		INC(bad_timerid);
	if ((long)si->si_value.sival_ptr != want_value)
		INC(bad_value);
	STORE(last_tid, gettid());
	STORE(last_overrun, si->si_overrun);
}

static void handle(int signo)
{
	struct sigaction sa = { .sa_sigaction = on_timer, .sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(signo, &sa, NULL);
}

/* Expect the restored child to exit 0; report what it said otherwise */
static void expect_restored(struct __test_metadata *_metadata, int status, const char *log)
{
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("restored child: status %#x (exit %d, signal %d); log: %s",
		       status, WEXITSTATUS(status), WTERMSIG(status), log);
}

/*
 * A periodic CLOCK_MONOTONIC timer, not the first id of the process, keeps
 * its id, sigev_value and period; the next timer_create() gives the id the
 * original would have given.
 */
TEST(periodic_monotonic)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct sigevent sev = sev_signal(SIGRTMIN, 0x5eed1234L);
		long long left, interval;
		int i, id, next;

		for (i = 0; i < 3; i++) {	/* ids 0..2, gone */
			if (ktimer_create(CLOCK_MONOTONIC, &sev, &id))
				_exit(90);
			ktimer_delete(id);
		}
		want_value = 0x5eed1234L;
		handle(SIGRTMIN);
		if (ktimer_create(CLOCK_MONOTONIC, &sev, &id) || id != 3)
			_exit(91);
		want_timerid = id;
		if (ktimer_settime(id, 100 * MS, 100 * MS))
			_exit(92);
		ready_child(&c);
		wait_restored();

		left = ktimer_left(id, &interval);
		if (left <= 0 || left > 100 * MS)
			_exit(1);
		if (interval != 100 * MS)
			_exit(2);
		STORE(fired, 0);
		sleep_ns(1000 * MS);
		/* ten expiries in a second; an emulated CPU is late now and then */
		if (LOAD(fired) < 5 || LOAD(fired) > 14)
			_exit(3);
		if (LOAD(bad_timerid) || LOAD(bad_value) || LOAD(bad_code))
			_exit(4);
		if (ktimer_create(CLOCK_MONOTONIC, &sev, &next) || next != id + 1)
			_exit(5);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	expect_restored(_metadata, status, c.log);
	EXPECT_NE(NULL, image_record(&c.img, CKPT_HDR_POSIX_TIMER, 0));
}

/*
 * A one-shot CLOCK_REALTIME timer fires once, when the time it had left at
 * checkpoint has passed after restart: the second the image waits doesn't
 * count.
 */
TEST(oneshot_realtime)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct sigevent sev = sev_signal(SIGUSR1, 77);
		long long before, left, start, late;
		int id;

		want_value = 77;
		handle(SIGUSR1);
		if (ktimer_create(CLOCK_REALTIME, &sev, &id) || ktimer_settime(id, 2000 * MS, 0))
			_exit(90);
		want_timerid = id;
		before = ktimer_left(id, NULL);
		ready_child(&c);
		wait_restored();

		start = now_ns();
		left = ktimer_left(id, NULL);
		/* time went on only between ready and checkpoint */
		if (left <= 0 || left > before || before - left > 700 * MS)
			_exit(1);
		while (!LOAD(fired) && now_ns() - start < left + 1500 * MS)
			usleep(2000);
		late = now_ns() - start - left;
		if (!LOAD(fired))
			_exit(2);
		if (late < -50 * MS || late > 400 * MS)
			_exit(3);
		sleep_ns(300 * MS);
		if (LOAD(fired) != 1 || LOAD(bad_timerid) || LOAD(bad_value) || LOAD(bad_code))
			_exit(4);
		if (ktimer_left(id, NULL) != 0)
			_exit(5);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	ASSERT_LT(0, cycle_checkpoint(&c, CHECKPOINT_KILL)) TH_LOG("%s", c.log);
	waitpid(c.pid, NULL, 0);
	usleep(1000 * 1000);
	status = cycle_restart(&c);
	expect_restored(_metadata, status, c.log);
}

/*
 * SIGEV_NONE timers only answer timer_gettime(): a one-shot one on
 * CLOCK_BOOTTIME, a periodic one on CLOCK_TAI, and one never armed.
 */
TEST(sigev_none)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct sigevent sev = { .sigev_notify = SIGEV_NONE };
		long long before, left, interval;
		int one, periodic, idle;

		if (ktimer_create(CLOCK_BOOTTIME, &sev, &one) ||
		    ktimer_create(CLOCK_TAI, &sev, &periodic) ||
		    ktimer_create(CLOCK_MONOTONIC, &sev, &idle))
			_exit(90);
		if (ktimer_settime(one, 5000 * MS, 0) ||
		    ktimer_settime(periodic, 50 * MS, 200 * MS))
			_exit(91);
		before = ktimer_left(one, NULL);
		ready_child(&c);
		wait_restored();

		left = ktimer_left(one, &interval);
		if (left <= 0 || left > before || before - left > 700 * MS || interval)
			_exit(1);
		left = ktimer_left(periodic, &interval);
		if (left <= 0 || left > 200 * MS || interval != 200 * MS)
			_exit(2);
		if (ktimer_left(idle, &interval) != 0 || interval)
			_exit(3);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	expect_restored(_metadata, status, c.log);
}

/*
 * Timers 0 and 2 (1 deleted) come back as 0 and 2, each with its own
 * settings; 1 stays free and the next new timer is 3.
 */
TEST(sparse_ids)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct sigevent sev = { .sigev_notify = SIGEV_NONE };
		long long interval;
		int id[3], i, next;

		for (i = 0; i < 3; i++)
			if (ktimer_create(CLOCK_MONOTONIC, &sev, &id[i]) || id[i] != i)
				_exit(90);
		if (ktimer_settime(0, 10000 * MS, 0) || ktimer_settime(2, 30000 * MS, 0) ||
		    ktimer_delete(1))
			_exit(91);
		ready_child(&c);
		wait_restored();

		if (ktimer_left(0, NULL) < 9000 * MS || ktimer_left(0, NULL) > 10000 * MS)
			_exit(1);
		if (ktimer_left(2, &interval) < 29000 * MS || ktimer_left(2, NULL) > 30000 * MS)
			_exit(2);
		if (ktimer_left(1, NULL) != -1 || errno != EINVAL)
			_exit(3);
		if (ktimer_create(CLOCK_MONOTONIC, &sev, &next) || next != 3)
			_exit(4);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	expect_restored(_metadata, status, c.log);
}

/*
 * A periodic timer whose signal is queued (blocked) at checkpoint: the
 * signal is still queued after restart, once, and delivering it rearms
 * the timer, with an overrun count for the expiries it missed meanwhile.
 */
TEST(pending_signal)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct sigevent sev = sev_signal(SIGRTMIN + 2, 5);
		sigset_t set, pending;
		int id, overrun, n;

		want_value = 5;
		handle(SIGRTMIN + 2);
		sigemptyset(&set);
		sigaddset(&set, SIGRTMIN + 2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (ktimer_create(CLOCK_MONOTONIC, &sev, &id) ||
		    ktimer_settime(id, 20 * MS, 200 * MS))
			_exit(90);
		want_timerid = id;
		do {
			sigpending(&pending);
		} while (!sigismember(&pending, SIGRTMIN + 2));
		sleep_ns(300 * MS);	/* an expiry missed */
		ready_child(&c);
		wait_restored();

		sigpending(&pending);
		if (!sigismember(&pending, SIGRTMIN + 2))
			_exit(1);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		/* delivered once on unblocking */
		if (LOAD(fired) != 1 || LOAD(bad_timerid) || LOAD(bad_value) || LOAD(bad_code))
			_exit(2);
		/* it was blocked a while: it missed expiries, but not thousands */
		overrun = syscall(SYS_timer_getoverrun, id);
		if (overrun < 1 || overrun > 1000 || overrun != LOAD(last_overrun))
			_exit(3);
		/* and goes on: about five in a second */
		n = LOAD(fired);
		sleep_ns(1000 * MS);
		if (LOAD(fired) - n < 3 || LOAD(fired) - n > 8)
			_exit(4);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	expect_restored(_metadata, status, c.log);
}

static int thread_tid, stop;

static void *timer_thread(void *arg)
{
	STORE(thread_tid, gettid());
	while (!LOAD(stop))
		usleep(5000);
	return NULL;
}

/*
 * SIGEV_THREAD_ID to a thread that is not the leader: after restart (with
 * rstr, which recreates the thread with its tid) the signals go on going
 * to that thread.
 */
TEST(thread_id)
{
	char go[64], ready[64], *log = NULL;
	struct image img = { };
	int fd, logfd, status;
	pid_t pid;
	long crid;

	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", getpid());
	unlink(go);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sigevent sev = sev_signal(SIGRTMIN + 3, 9);
		pthread_t th;
		sigset_t set;
		int id;

		close_range(3, ~0U, 0);
		want_value = 9;
		handle(SIGRTMIN + 3);
		if (pthread_create(&th, NULL, timer_thread, NULL))
			_exit(90);
		while (!LOAD(thread_tid))
			usleep(1000);
		/* only the thread could take it were it for the process */
		sigemptyset(&set);
		sigaddset(&set, SIGRTMIN + 3);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev._sigev_un._tid = thread_tid;
		if (ktimer_create(CLOCK_MONOTONIC, &sev, &id) ||
		    ktimer_settime(id, 100 * MS, 100 * MS))
			_exit(91);
		want_timerid = id;
		snprintf(ready, sizeof(ready), "/tmp/ckpt-ready.%d", getpid());
		close(open(ready, O_CREAT | O_WRONLY, 0600));
		while (access(go, F_OK))
			usleep(2000);

		STORE(fired, 0);
		STORE(last_tid, 0);
		sleep_ns(1000 * MS);
		STORE(stop, 1);
		pthread_join(th, NULL);
		if (LOAD(fired) < 5 || LOAD(fired) > 14)
			_exit(1);
		if (LOAD(last_tid) != thread_tid || LOAD(bad_timerid) || LOAD(bad_value) ||
		    LOAD(bad_code))
			_exit(2);
		_exit(0);
	}
	snprintf(ready, sizeof(ready), "/tmp/ckpt-ready.%d", pid);
	while (access(ready, F_OK))
		usleep(2000);
	unlink(ready);
	usleep(50 * 1000);
	fd = memfd("image");
	logfd = memfd("log");
	crid = sys_checkpoint(pid, fd, CHECKPOINT_SUBTREE | CHECKPOINT_KILL, logfd);
	img.buf = slurp(fd, &img.len);
	log = slurp(logfd, NULL);
	close(fd);
	close(logfd);
	waitpid(pid, NULL, 0);
	ASSERT_LT(0, crid) TH_LOG("%s", log);
	close(open(go, O_CREAT | O_WRONLY, 0600));
	status = run_rstr(&img, NULL, &log);
	unlink(go);
	EXPECT_EQ(0, status) TH_LOG("rstr: %d; log: %s", status, log);
	free(img.buf);
	free(log);
}

/* Spend @ns of CPU time, nearly all of it in user mode */
static void burn_cpu_ns(long long ns)
{
	unsigned long x = 0;
	struct timespec ts;
	long long end;
	int i;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	end = ts.tv_sec * 1000000000LL + ts.tv_nsec + ns;
	do {
		for (i = 0; i < 100000; i++)
			__asm__ __volatile__("" : "+r" (x) : "r" (i));
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	} while (ts.tv_sec * 1000000000LL + ts.tv_nsec < end);
}

static int profs, vtalrms;

static void on_prof(int sig)
{
	if (sig == SIGPROF)
		INC(profs);
	else
		INC(vtalrms);
}

static long long itimer_ns(int which, long long *interval_ns)
{
	struct itimerval it;

	getitimer(which, &it);
	*interval_ns = (it.it_interval.tv_sec * 1000000LL + it.it_interval.tv_usec) * 1000;
	return (it.it_value.tv_sec * 1000000LL + it.it_value.tv_usec) * 1000;
}

/* ITIMER_PROF (periodic) and ITIMER_VIRTUAL (one shot) count on in CPU time */
TEST(cpu_itimers)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct itimerval prof = { { 0, 200 * 1000 }, { 0, 200 * 1000 } };
		struct itimerval virt = { { 0, 0 }, { 0, 500 * 1000 } };
		long long pbefore, vbefore, left, interval;

		signal(SIGPROF, on_prof);
		signal(SIGVTALRM, on_prof);
		if (setitimer(ITIMER_PROF, &prof, NULL) || setitimer(ITIMER_VIRTUAL, &virt, NULL))
			_exit(90);
		pbefore = itimer_ns(ITIMER_PROF, &interval);
		vbefore = itimer_ns(ITIMER_VIRTUAL, &interval);
		ready_child(&c);
		wait_restored();

		/* waiting took a little CPU time, and the time away none */
		left = itimer_ns(ITIMER_PROF, &interval);
		if (left <= 0 || left > pbefore + 10 * MS || interval != 200 * MS)
			_exit(1);
		left = itimer_ns(ITIMER_VIRTUAL, &interval);
		if (left <= 0 || left > vbefore + 10 * MS || interval)
			_exit(2);
		STORE(profs, 0);
		burn_cpu_ns(1200 * MS);
		if (LOAD(profs) < 3 || LOAD(profs) > 8)
			_exit(3);
		if (LOAD(vtalrms) != 1 || itimer_ns(ITIMER_VIRTUAL, &interval))
			_exit(4);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	expect_restored(_metadata, status, c.log);
}

/* A timer on a CPU-time clock is refused, by name */
TEST(cpu_clock_refused)
{
	char *log = NULL, what[96];
	struct image img = { };
	int p[2], id;
	pid_t pid;
	char r;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sigevent sev = { .sigev_notify = SIGEV_NONE };

		close(p[0]);
		if (ktimer_create(CLOCK_MONOTONIC, &sev, &id) ||
		    ktimer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &id) || id != 1)
			_exit(90);
		if (write(p[1], "r", 1) != 1)
			_exit(91);
		close_range(3, ~0U, 0);	/* no pipe in the image */
		for (;;)
			pause();
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &r, 1));
	ASSERT_EQ(0, read(p[0], &r, 1));	/* it has closed its fds */
	close(p[0]);
	EXPECT_EQ(-EOPNOTSUPP, checkpoint_image(pid, &img, &log));
	snprintf(what, sizeof(what), "pid %d: POSIX timer 1 on a CPU-time clock not supported",
		 pid);
	EXPECT_NE(NULL, strstr(log ?: "", what)) TH_LOG("log: %s", log);
	reap(pid);
	free(img.buf);
	free(log);
}

/* An image of a sleeping child with two timers, for the tests of bad records */
static void timers_image(struct __test_metadata *_metadata, struct image *img)
{
	char *log = NULL;
	int p[2], id;
	pid_t pid;
	char r;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sigevent sev = sev_signal(SIGUSR2, 1);

		close(p[0]);
		signal(SIGUSR2, SIG_IGN);
		if (ktimer_create(CLOCK_MONOTONIC, &sev, &id) || ktimer_settime(id, 5000 * MS, 0) ||
		    ktimer_create(CLOCK_REALTIME, &sev, &id))
			_exit(90);
		if (write(p[1], "r", 1) != 1)
			_exit(91);
		close_range(3, ~0U, 0);	/* no pipe in the image */
		for (;;)
			pause();
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &r, 1));
	ASSERT_EQ(0, read(p[0], &r, 1));	/* it has closed its fds */
	close(p[0]);
	ASSERT_LT(0, checkpoint_image(pid, img, &log)) TH_LOG("%s", log);
	reap(pid);
	free(log);
}

/* Restart (validating) refuses each bad field of a timer record, with a log line */
TEST(bad_records)
{
	static const struct {
		size_t off;
		int64_t val;
		int size;
		int nth;
	} bad[] = {
		{ offsetof(struct ckpt_hdr_posix_timer, id), -1, 4, 0 },
		{ offsetof(struct ckpt_hdr_posix_timer, id), 0, 4, 1 },	/* twice id 0 */
		{ offsetof(struct ckpt_hdr_posix_timer, clockid), 2, 4, 0 },	/* process CPU */
		{ offsetof(struct ckpt_hdr_posix_timer, clockid), 8, 4, 0 },	/* alarm */
		{ offsetof(struct ckpt_hdr_posix_timer, notify), 3, 4, 0 },
		{ offsetof(struct ckpt_hdr_posix_timer, signo), 0, 4, 0 },
		{ offsetof(struct ckpt_hdr_posix_timer, signo), 65, 4, 0 },
		{ offsetof(struct ckpt_hdr_posix_timer, tid), 1, 4, 0 },
		{ offsetof(struct ckpt_hdr_posix_timer, flags), 8, 4, 0 },
		{ offsetof(struct ckpt_hdr_posix_timer, flags), 4, 4, 0 },	/* REARM alone */
		{ offsetof(struct ckpt_hdr_posix_timer, value_ns), -1, 8, 0 },	/* armed, past */
		{ offsetof(struct ckpt_hdr_posix_timer, interval_ns), -5, 8, 0 },
		{ offsetof(struct ckpt_hdr_posix_timer, overrun), -2, 8, 0 },
		{ offsetof(struct ckpt_hdr_posix_timer, overrun_last), 1LL << 40, 8, 0 },
	};
	struct ckpt_hdr_posix_timer *ht;
	struct ckpt_hdr_signal *hs;
	struct image img = { }, copy;
	char *log = NULL;
	unsigned int i;

	timers_image(_metadata, &img);
	hs = (void *)image_record(&img, CKPT_HDR_SIGNAL, 0);
	ASSERT_NE(NULL, hs);
	ASSERT_EQ(2, hs->nr_timers);
	ASSERT_EQ(2, hs->next_timer_id);
	ht = (void *)image_record(&img, CKPT_HDR_POSIX_TIMER, 0);
	ASSERT_NE(NULL, ht);
	EXPECT_EQ(0, ht->id);
	EXPECT_EQ(CLOCK_MONOTONIC, ht->clockid);
	EXPECT_EQ(CKPT_TIMER_ARMED, ht->flags);
	EXPECT_LT(4000 * MS, ht->value_ns);
	EXPECT_EQ(0, restart_image(img.buf, img.len, &log)) TH_LOG("%s", log);
	free(log);

	copy.len = img.len;
	copy.buf = malloc(img.len);
	ASSERT_NE(NULL, copy.buf);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(copy.buf, img.buf, img.len);
		ht = (void *)image_record(&copy, CKPT_HDR_POSIX_TIMER, bad[i].nth);
		ASSERT_NE(NULL, ht);
		memcpy((char *)ht + bad[i].off, &bad[i].val, bad[i].size);
		image_fix_tail(&copy);
		log = NULL;
		EXPECT_EQ(-EINVAL, restart_image(copy.buf, copy.len, &log))
			TH_LOG("mutation %u: %s", i, log);
		EXPECT_NE(NULL, strstr(log ?: "", "timer")) TH_LOG("mutation %u: %s", i, log);
		free(log);
	}
	/* an id timer_create() can't hand out */
	memcpy(copy.buf, img.buf, img.len);
	hs = (void *)image_record(&copy, CKPT_HDR_SIGNAL, 0);
	hs->next_timer_id = 1U << 31;
	image_fix_tail(&copy);
	log = NULL;
	EXPECT_EQ(-EINVAL, restart_image(copy.buf, copy.len, &log)) TH_LOG("%s", log);
	free(log);
	free(copy.buf);
	free(img.buf);
}

TEST_HARNESS_MAIN
