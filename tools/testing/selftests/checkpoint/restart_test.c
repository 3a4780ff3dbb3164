// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint a process, kill it, restart it with the same pid, and check
 * from inside the restored process that its state survived: memory of
 * every kind of mapping, registers and FPU, files, signals, timers, an
 * interrupted sleep. Also: a process checkpointing itself, a target that
 * goes on running, refused objects, and credentials on restart.
 *
 * The restored child exits 0 when all is well, or with the number of the
 * check that failed.
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
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/rseq.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/sched.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

#define MiB	(1024UL * 1024)

static uint64_t pattern(uint64_t seed, size_t i)
{
	return (seed + i) * 0x9e3779b97f4a7c15ULL;
}

static void fill(void *p, size_t len, uint64_t seed)
{
	uint64_t *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = pattern(seed, i);
}

static int check(const void *p, size_t len, uint64_t seed)
{
	const uint64_t *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != pattern(seed, i))
			return 0;
	return 1;
}

static int all_zero(const char *p, size_t len)
{
	while (len--)
		if (*p++)
			return 0;
	return 1;
}

/* The permissions of the mapping at @addr, as /proc/self/maps shows them */
static const char *maps_prot(const void *addr)
{
	static char prot[8];
	unsigned long start, end;
	char line[512], p[8];
	FILE *f = fopen("/proc/self/maps", "r");

	snprintf(prot, sizeof(prot), "none");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &start, &end, p) == 3 &&
		    (unsigned long)addr >= start && (unsigned long)addr < end) {
			snprintf(prot, sizeof(prot), "%s", p);
			break;
		}
	}
	if (f)
		fclose(f);
	return prot;
}

/* Is glibc's rseq area registered with the kernel? Unregistering it tells. */
static int rseq_registered(void)
{
	void *rs = (char *)__builtin_thread_pointer() + __rseq_offset;

	return !syscall(__NR_rseq, rs, 32, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) ||
	       !syscall(__NR_rseq, rs, __rseq_size, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
}

static uint64_t data_words[512] = { 1 };	/* .data */
static uint64_t bss_words[4096];		/* .bss */

/* Every kind of mapping a program has, with known contents */
TEST(memory)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		size_t pg = getpagesize();
		uint64_t stack[1024];
		char *anon, *heap, *shared, *shared2, *guard, *ro, *priv, *shfile, *untouched;
		int fd;

		fill(data_words, sizeof(data_words), 1);
		fill(bss_words, sizeof(bss_words), 2);
		fill(stack, sizeof(stack), 3);
		heap = malloc(1 * MiB);
		fill(heap, 1 * MiB, 4);
		anon = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);
		fill(anon, 4 * MiB, 5);
		shared = mmap(NULL, 64 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			      -1, 0);
		fill(shared, 64 * pg, 6);
		/* shared memory only a child wrote: not in this process' page tables */
		shared2 = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
		if (!fork()) {
			fill(shared2, 16 * pg, 15);
			_exit(0);
		}
		wait(NULL);
		/* a guard page between two read-write pages */
		guard = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
		fill(guard, 3 * pg, 7);
		mprotect(guard + pg, pg, PROT_NONE);
		ro = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
		fill(ro, 8 * pg, 8);
		mprotect(ro, 8 * pg, PROT_READ);
		/* a data file mapped privately, half of it changed */
		fd = open("/tmp/ckpt-mem.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
		priv = malloc(16 * pg);
		fill(priv, 16 * pg, 9);
		if (write(fd, priv, 16 * pg) != 16 * pg)
			_exit(90);
		priv = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		fill(priv, 8 * pg, 10);
		shfile = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		untouched = mmap(NULL, 64 * MiB, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (anon == MAP_FAILED || shared == MAP_FAILED || priv == MAP_FAILED ||
		    shfile == MAP_FAILED || untouched == MAP_FAILED || !heap)
			_exit(91);
		ready_child(&c);
		wait_restored();
		if (!check(data_words, sizeof(data_words), 1))
			_exit(1);
		if (!check(bss_words, sizeof(bss_words), 2))
			_exit(2);
		if (!check(stack, sizeof(stack), 3))
			_exit(3);
		if (!check(heap, 1 * MiB, 4))
			_exit(4);
		if (!check(anon, 4 * MiB, 5))
			_exit(5);
		if (!check(shared, 64 * pg, 6))
			_exit(6);
		if (!check(shared2, 16 * pg, 15))
			_exit(15);
		if (!check(guard, pg, 7) || !check(guard + 2 * pg, pg, 7 + 2 * pg / 8))
			_exit(7);
		if (!check(ro, 8 * pg, 8))
			_exit(8);
		/* the changed half from the image, the rest from the file */
		if (!check(priv, 8 * pg, 10) || !check(priv + 8 * pg, 8 * pg, 9 + 8 * pg / 8))
			_exit(9);
		if (!check(shfile, 16 * pg, 9))
			_exit(10);
		if (!all_zero(untouched + 32 * MiB, pg))
			_exit(11);
		/* protections came back too */
		if (strcmp(maps_prot(guard + pg), "---p") || strcmp(maps_prot(ro), "r--p") ||
		    strcmp(maps_prot(shared), "rw-s") || strcmp(maps_prot(anon), "rw-p"))
			_exit(12);
		/* brk still works */
		if (!malloc(8 * MiB))
			_exit(13);
		/* the rseq area glibc registered is registered again */
		if (__rseq_size && !rseq_registered())
			_exit(14);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
	/* never-touched memory is not in the image */
	EXPECT_GT(40 * MiB, c.img.len);
}

/* 256 MiB of heap, checked word by word after restart */
FIXTURE(heap) {
	int unused;
};

FIXTURE_SETUP(heap)
{
}

FIXTURE_TEARDOWN(heap)
{
}

TEST_F_TIMEOUT(heap, big, 600)
{
	size_t len = 256 * MiB;
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		uint64_t *heap = malloc(len), sum = 0, sum2 = 0;
		size_t i;

		if (!heap)
			_exit(90);
		for (i = 0; i < len / 8; i++) {
			heap[i] = pattern(77, i);
			sum += heap[i];
		}
		ready_child(&c);
		wait_restored();
		for (i = 0; i < len / 8; i++)
			sum2 += heap[i];
		_exit(sum == sum2 && check(heap, len, 77) ? 0 : 1);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
	EXPECT_LT(len, c.img.len);
	EXPECT_GT(len + 8 * MiB, c.img.len);
}

static sig_atomic_t usr1;

static void on_usr1(int sig)
{
	__atomic_store_n(&usr1, 1, __ATOMIC_SEQ_CST);
}

/* Wait until @pid is in system call @nr, as /proc/PID/syscall shows */
static void wait_in_syscall(pid_t pid, int nr)
{
	char path[64], buf[64];
	int i, fd, n;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (i = 0; i < 20000; i++) {
		fd = open(path, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = 0;
			if (atoi(buf) == nr && buf[0] != '-')
				return;
		}
		usleep(1000);
	}
}

/*
 * General registers and FPU/SSE/AVX registers: loaded with patterns, the
 * child loops in pause() without touching them (a signal handler may run:
 * sigreturn restores them) until SIGUSR1, then stores them.
 */
TEST(registers)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	struct cycle c;
	int status, fd;
	pid_t child;

	if (!cycle_fork(&c)) {
		static uint8_t in[16][32], out[16][32];
		uint64_t gpr_in[6], gpr_out[6];
		int avx = __builtin_cpu_supports("avx");
		int i, j;

		signal(SIGUSR1, on_usr1);
		for (i = 0; i < 16; i++)
			for (j = 0; j < 32; j++)
				in[i][j] = i * 32 + j + 1;
		for (i = 0; i < 6; i++)
			gpr_in[i] = pattern(i, 100);
		ready_child(&c);
		/* the parent sends SIGUSR1 to the restored child */
#define LOAD(n) "movdqu " #n "*32(%[in]), %%xmm" #n "\n\t"
#define STORE(n) "movdqu %%xmm" #n ", " #n "*32(%[out])\n\t"
#define VLOAD(n) "vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
#define VSTORE(n) "vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"
		if (avx)
			asm volatile(VLOAD(0) VLOAD(1) VLOAD(2) VLOAD(3) VLOAD(4) VLOAD(5)
				     VLOAD(6) VLOAD(7) VLOAD(8) VLOAD(9) VLOAD(10) VLOAD(11)
				     VLOAD(12) VLOAD(13) VLOAD(14) VLOAD(15)
				     :: [in] "r" (in) : "memory");
		else
			asm volatile(LOAD(0) LOAD(1) LOAD(2) LOAD(3) LOAD(4) LOAD(5) LOAD(6)
				     LOAD(7) LOAD(8) LOAD(9) LOAD(10) LOAD(11) LOAD(12)
				     LOAD(13) LOAD(14) LOAD(15)
				     :: [in] "r" (in) : "memory");
		asm volatile("sub $128, %%rsp\n\t"	/* the red zone */
			     "push %%rbx\n\t"
			     "push %%rbp\n\t"
			     "mov 0(%%rdi), %%rbx\n\t"
			     "mov 8(%%rdi), %%rbp\n\t"
			     "mov 16(%%rdi), %%r12\n\t"
			     "mov 24(%%rdi), %%r13\n\t"
			     "mov 32(%%rdi), %%r14\n\t"
			     "mov 40(%%rdi), %%r15\n\t"
			     "1: mov $34, %%eax\n\t"	/* pause() */
			     "syscall\n\t"
			     "cmpl $0, %[u]\n\t"
			     "je 1b\n\t"
			     "mov %%rbx, 0(%%rsi)\n\t"
			     "mov %%rbp, 8(%%rsi)\n\t"
			     "mov %%r12, 16(%%rsi)\n\t"
			     "mov %%r13, 24(%%rsi)\n\t"
			     "mov %%r14, 32(%%rsi)\n\t"
			     "mov %%r15, 40(%%rsi)\n\t"
			     "pop %%rbp\n\t"
			     "pop %%rbx\n\t"
			     "add $128, %%rsp\n\t"
			     :: "D" (gpr_in), "S" (gpr_out), [u] "m" (usr1)
			     : "rax", "rcx", "r11", "r12", "r13", "r14", "r15", "memory");
		if (avx)
			asm volatile(VSTORE(0) VSTORE(1) VSTORE(2) VSTORE(3) VSTORE(4) VSTORE(5)
				     VSTORE(6) VSTORE(7) VSTORE(8) VSTORE(9) VSTORE(10) VSTORE(11)
				     VSTORE(12) VSTORE(13) VSTORE(14) VSTORE(15)
				     :: [out] "r" (out) : "memory");
		else
			asm volatile(STORE(0) STORE(1) STORE(2) STORE(3) STORE(4) STORE(5)
				     STORE(6) STORE(7) STORE(8) STORE(9) STORE(10) STORE(11)
				     STORE(12) STORE(13) STORE(14) STORE(15)
				     :: [out] "r" (out) : "memory");
		if (memcmp(gpr_in, gpr_out, sizeof(gpr_in)))
			_exit(1);
		for (i = 0; i < 16; i++)
			if (memcmp(in[i], out[i], avx ? 32 : 16))
				_exit(10 + i);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	args.set_tid = (uintptr_t)&c.pid;
	ASSERT_LT(0, cycle_checkpoint(&c, CHECKPOINT_KILL)) TH_LOG("%s", c.log);
	waitpid(c.pid, NULL, 0);
	fd = memfd("image");
	ASSERT_EQ(c.img.len, write(fd, c.img.buf, c.img.len));
	lseek(fd, 0, SEEK_SET);
	child = syscall(__NR_clone3, &args, sizeof(args));
	ASSERT_LE(0, child);
	if (!child) {
		sys_restart(0, fd, 0, 2);
		_exit(100);
	}
	wait_in_syscall(child, 34);	/* back in pause() */
	kill(child, SIGUSR1);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_RESTORED(status, &c);
}

/* Regular files with their offsets and flags, shared offsets, cloexec */
TEST(files)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		int fd, app, dir, null;
		struct stat st;
		char buf[8];

		fd = open("/tmp/ckpt-files.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, "0123456789abcdefghij", 20) != 20)
			_exit(90);
		lseek(fd, 7, SEEK_SET);
		app = open("/tmp/ckpt-files.dat", O_WRONLY | O_APPEND | O_CLOEXEC);
		dup2(fd, 20);
		dir = open("/tmp", O_RDONLY | O_DIRECTORY);
		null = open("/dev/null", O_RDWR);
		ready_child(&c);
		wait_restored();
		if (lseek(fd, 0, SEEK_CUR) != 7 || read(fd, buf, 3) != 3 || memcmp(buf, "789", 3))
			_exit(1);
		/* fd 20 shares the open file with fd */
		if (lseek(20, 0, SEEK_CUR) != 10)
			_exit(2);
		if (!(fcntl(app, F_GETFL) & O_APPEND) || !(fcntl(app, F_GETFD) & FD_CLOEXEC) ||
		    (fcntl(fd, F_GETFD) & FD_CLOEXEC))
			_exit(3);
		if (write(app, "XY", 2) != 2 || fstat(fd, &st) || st.st_size != 22)
			_exit(4);
		if (fstat(dir, &st) || !S_ISDIR(st.st_mode))
			_exit(5);
		if (write(null, "x", 1) != 1)
			_exit(6);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int alarms;

static void on_alarm(int sig)
{
	__atomic_fetch_add(&alarms, 1, __ATOMIC_SEQ_CST);
}

/* Handlers, blocked mask, pending signals with their siginfo, itimer */
TEST(signals)
{
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
		struct itimerval it = { { 0, 100 * 1000 }, { 0, 100 * 1000 } };
		union sigval val = { .sival_int = 42 };
		struct timespec ts = { 0, 0 };
		sigset_t set, pending;
		siginfo_t si;
		int before;
		double t;

		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGHUP);
		sigaction(SIGUSR1, &sa, NULL);
		signal(SIGALRM, on_alarm);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigaddset(&set, SIGRTMIN + 1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		raise(SIGUSR2);				/* pending for the thread */
		sigqueue(getpid(), SIGRTMIN + 1, val);	/* pending for the process */
		setitimer(ITIMER_REAL, &it, NULL);
		ready_child(&c);
		wait_restored();

		sigaction(SIGUSR1, NULL, &sa);
		if (sa.sa_handler != on_usr1 || !(sa.sa_flags & SA_RESTART) ||
		    !sigismember(&sa.sa_mask, SIGHUP))
			_exit(1);
		sigprocmask(SIG_BLOCK, NULL, &set);
		if (!sigismember(&set, SIGUSR2) || !sigismember(&set, SIGRTMIN + 1))
			_exit(2);
		sigpending(&pending);
		if (!sigismember(&pending, SIGUSR2) || !sigismember(&pending, SIGRTMIN + 1))
			_exit(3);
		sigemptyset(&set);
		sigaddset(&set, SIGRTMIN + 1);
		if (sigtimedwait(&set, &si, &ts) != SIGRTMIN + 1 || si.si_code != SI_QUEUE ||
		    si.si_value.sival_int != 42 || si.si_pid != getpid())
			_exit(4);
		/* the timer keeps firing */
		before = __atomic_load_n(&alarms, __ATOMIC_SEQ_CST);
		for (t = now(); now() - t < 0.6;)
			usleep(10 * 1000);
		if (__atomic_load_n(&alarms, __ATOMIC_SEQ_CST) < before + 2)
			_exit(5);
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	status = checkpoint_restart(&c);
	ASSERT_LE(0, status) TH_LOG("%s: %s", strerror(-status), c.log);
	EXPECT_RESTORED(status, &c);
}

/*
 * The parent side of a 3 s wait checkpointed after 1 s: the restored child
 * exits with the tenths of seconds it waited in all, or 255 if the wait
 * failed. It must have waited 3 s plus the time it was away; starting
 * over would add about 1 s more.
 */
static void expect_resumed_wait(struct __test_metadata *_metadata, struct cycle *c)
{
	double gap, waited;
	int status;

	ASSERT_LT(0, c->pid);
	usleep(1000 * 1000);
	gap = now();
	ASSERT_LT(0, cycle_checkpoint(c, CHECKPOINT_KILL)) TH_LOG("%s", c->log);
	waitpid(c->pid, NULL, 0);
	usleep(500 * 1000);
	gap = now() - gap;	/* the time it was away, about */
	status = cycle_restart(c);
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x, log %s", status, c->log);
	ASSERT_NE(255, WEXITSTATUS(status)) TH_LOG("the wait failed after restart");
	waited = WEXITSTATUS(status) / 10.0;
	EXPECT_LE(3.0 + gap - 0.3, waited) TH_LOG("waited %.1f s, away %.1f s", waited, gap);
	EXPECT_GE(3.0 + gap + 0.6, waited) TH_LOG("waited %.1f s, away %.1f s", waited, gap);
}

/*
 * A process in a 3 s nanosleep, checkpointed after about 1 s: it sleeps
 * the time it had left after restart, not 3 s again, and nanosleep returns
 * 0, not EINTR. It exits with the tenths of seconds it slept in all.
 */
TEST(interrupted_sleep)
{
	struct cycle c;

	if (!cycle_fork(&c)) {
		struct timespec req = { 3, 0 };
		double t0;

		ready_child(&c);
		t0 = now();
		if (nanosleep(&req, NULL))
			_exit(255);
		_exit((now() - t0) * 10);
	}
	expect_resumed_wait(_metadata, &c);
}

/*
 * The same for a futex wait with a 3 s relative timeout, as a lock or a
 * condition wait with a timeout does: it times out 3 s after it started,
 * counting only the time the process existed.
 */
TEST(interrupted_futex_wait)
{
	static uint32_t word;
	struct cycle c;

	if (!cycle_fork(&c)) {
		struct timespec rel = { 3, 0 };
		double t0;
		long ret;

		ready_child(&c);
		t0 = now();
		ret = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0);
		if (ret != -1 || errno != ETIMEDOUT)
			_exit(255);
		_exit((now() - t0) * 10);
	}
	expect_resumed_wait(_metadata, &c);
}

/* checkpoint(2) of itself returns the crid, and 0 in the restored copy */
TEST(self_checkpoint)
{
	struct cycle c;
	int status, fd;

	if (!cycle_fork(&c)) {
		int fd = open("/tmp/ckpt-self.img", O_RDWR | O_CREAT | O_TRUNC, 0600);
		long crid;

		ready_child(&c);
		crid = sys_checkpoint(0, fd, CHECKPOINT_SUBTREE, -1);
		if (crid < 0)
			_exit(90);
		_exit(crid ? 7 : 42);
	}
	ASSERT_LT(0, c.pid);
	ASSERT_EQ(c.pid, waitpid(c.pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(7, WEXITSTATUS(status));
	fd = open("/tmp/ckpt-self.img", O_RDONLY);
	ASSERT_LE(0, fd);
	c.img.buf = slurp(fd, &c.img.len);
	close(fd);
	c.log = strdup("");
	status = cycle_restart(&c);
	EXPECT_EQ(42, WIFEXITED(status) ? WEXITSTATUS(status) : -1) TH_LOG("log %s", c.log);
}

/* Without CHECKPOINT_KILL the target goes on running, unharmed */
TEST(target_keeps_running)
{
	uint64_t *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t *stop = counter + 1, *eintr = counter + 2;
	siginfo_t si = { };
	struct cycle c;
	uint64_t before;
	int status;

	ASSERT_NE(MAP_FAILED, counter);
	if (!cycle_fork(&c)) {
		struct timespec ms = { 0, 1000 * 1000 };

		ready_child(&c);
		for (;;) {
			__atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
			if (nanosleep(&ms, NULL))
				__atomic_store_n(eintr, 1, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(stop, __ATOMIC_SEQ_CST))
				_exit(0);
		}
	}
	ASSERT_LT(0, c.pid);
	ASSERT_LT(0, cycle_checkpoint(&c, 0)) TH_LOG("%s", c.log);
	before = __atomic_load_n(counter, __ATOMIC_SEQ_CST);
	usleep(300 * 1000);
	EXPECT_LT(before, __atomic_load_n(counter, __ATOMIC_SEQ_CST));
	/* invisible: its sleep was not cut short, its parent saw no stop */
	EXPECT_EQ(0, __atomic_load_n(eintr, __ATOMIC_SEQ_CST));
	EXPECT_EQ(0, waitid(P_PID, c.pid, &si, WSTOPPED | WCONTINUED | WNOHANG));
	EXPECT_EQ(0, si.si_pid);
	__atomic_store_n(stop, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(c.pid, waitpid(c.pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Objects that can't be saved are refused by name; the target runs on */
TEST(unsupported_objects)
{
	struct cycle c;
	char what[64];

	if (!cycle_fork(&c)) {
		int ifd = inotify_init1(0);

		if (ifd < 0 || dup2(ifd, 40) < 0)
			_exit(90);
		close(ifd);
		ready_child(&c);
		for (;;)
			pause();
	}
	ASSERT_LT(0, c.pid);
	EXPECT_EQ(-EOPNOTSUPP, cycle_checkpoint(&c, CHECKPOINT_KILL));
	snprintf(what, sizeof(what), "pid %d fd 40: inotify not supported", c.pid);
	EXPECT_NE(NULL, strstr(c.log, what)) TH_LOG("log: %s", c.log);
	/* a failed checkpoint doesn't kill it, even with CHECKPOINT_KILL */
	usleep(100 * 1000);
	EXPECT_EQ(0, kill(c.pid, 0));
	reap(c.pid);
}

/*
 * A process that may create pids (CAP_SYS_ADMIN) but not change uids can't
 * restart a root process: it would gain root.
 */
TEST(restart_no_privilege_gain)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { };
	struct cycle c;
	int status;

	if (!cycle_fork(&c)) {
		ready_child(&c);
		wait_restored();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	ASSERT_LT(0, cycle_checkpoint(&c, CHECKPOINT_KILL)) TH_LOG("%s", c.log);
	waitpid(c.pid, NULL, 0);
	if (!fork()) {
		data[0].effective = 1U << CAP_SYS_ADMIN;
		data[0].permitted = 1U << CAP_SYS_ADMIN;
		if (prctl(PR_SET_KEEPCAPS, 1) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) || syscall(SYS_capset, &hdr, data))
			_exit(91);
		status = cycle_restart(&c);
		/* restart refused: the child that called it exits 100 */
		_exit(WIFEXITED(status) && WEXITSTATUS(status) == 100 &&
		      strstr(c.log, "may not take uid 0") ? 0 : 1);
	}
	ASSERT_LT(0, wait(&status));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_HARNESS_MAIN
