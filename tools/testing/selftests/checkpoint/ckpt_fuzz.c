// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt_fuzz - feed restart(2) mutated checkpoint images.
 *
 *   ckpt_fuzz [-n IMAGES] [-s SEED] [-t SECONDS] [-l LOGFILE] [-b BATCH] [-c CKPTINFO]
 *             [-T SECONDS]
 *
 * -t is how long a restored process may run, -T how long the whole
 * campaign may run: it stops after the image in progress and reports
 * what it did.
 *
 * The seeds are real images: ckpt_fuzz starts a few seed processes (plain,
 * with files, signals and POSIX timers, asleep, with more memory, one whose
 * checkpoint fails, leaving an ERROR record, and one holding a pipe, a unix
 * socket pair, a memfd, an eventfd, a timerfd and an epoll file with data), checkpoints them with
 * CHECKPOINT_KILL and keeps their images. It then mutates one seed image
 * per iteration with a deterministic PRNG, knowing the record layout:
 * bit flips, record header type/length changes, length/count fields set to
 * zero, huge, negative or off by one, user addresses replaced by kernel
 * addresses or overlapping ranges, truncation at record boundaries,
 * records duplicated, swapped, deleted or spliced in from another seed.
 * Most mutations are followed by recomputing the tail (length, record
 * count, crc32c) so that the parsers behind the checksum get the bytes.
 *
 * Each mutated image is restarted for real, by a child created with the
 * seed's pid (clone3() set_tid), as rstr does. Every outcome is counted:
 *
 *   rejected   restart(2) returned an errno, with a line on logfd
 *   killed     the image failed after the point of no return: SIGKILL,
 *              with a line on logfd
 *   restored   the seed program came back, checked its own state and
 *              exited 0 (ok) or with the number of the check that failed
 *              (inconsistent), or died of a signal, or was still running
 *              after the timeout (then killed)
 *
 * and it is a failure if restart(2) fails without an errno or a log line,
 * returns success without restoring, or a child can't be reaped (a stuck
 * task). ckptinfo (from PATH, or -c; -c "" for none) checks every image
 * that was restored: if it finds the structure or checksum broken, the
 * kernel should not have restored it, and that is a failure too.
 *
 * The campaign runs as init of a pid namespace of its own, so a restored
 * process whose registers were mutated can't signal anything outside it.
 * Kernel reports (KASAN, lockdep, WARNING...) are for the caller to look
 * for on the console.
 *
 * Output is TAP: one test for the seeds, one per batch of images, and a
 * last line "# fuzz: ..." with the counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <linux/sched.h>

#include "ckpt_util.h"

#define MAX_SEEDS	8
#define MAX_RECS	4096

/* Files of this run, named after its pid so that runs can go in parallel */
static char go_file[64];	/* exists: restored seeds go on */
static char data_file[64];	/* a file the seeds keep open */

/* Seed programs */

enum { SEED_PLAIN, SEED_FILES, SEED_SLEEP, SEED_BIG, SEED_ERROR, SEED_OBJECTS, NR_SEED_KINDS };

static const char * const seed_names[] = {
	"plain", "files+signals", "asleep", "big", "error", "objects"
};

static sig_atomic_t got_usr1;
static uint64_t *seed_mem, *seed_shared;
static size_t seed_pages;
static pid_t seed_pid;

static void on_usr1(int sig)
{
	__atomic_store_n(&got_usr1, 1, __ATOMIC_SEQ_CST);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/*
 * The objects seed: at fds 8..15 a pipe with bytes in it, a unix socket
 * pair with a message waiting, a memfd, an eventfd, a timerfd and an epoll
 * file watching the pipe
 */
static int seed_objects(void)
{
	struct itimerspec its = { .it_value = { 1000, 0 } };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xfeed };
	int p[2], sv[2], fd;
	uint64_t one = 7;

	if (pipe(p) || dup2(p[0], 8) != 8 || dup2(p[1], 9) != 9 || write(9, "pipedata", 8) != 8)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) || dup2(sv[0], 10) != 10 ||
	    dup2(sv[1], 11) != 11 || send(11, "sockdata", 8, 0) != 8)
		return -1;
	fd = memfd_create("fuzz", 0);
	if (fd < 0 || dup2(fd, 12) != 12 || pwrite(12, "memfdata", 8, 4096) != 8)
		return -1;
	fd = eventfd(0, 0);
	if (fd < 0 || dup2(fd, 13) != 13 || write(13, &one, 8) != 8)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	if (fd < 0 || dup2(fd, 14) != 14 || timerfd_settime(14, 0, &its, NULL))
		return -1;
	fd = epoll_create1(0);
	if (fd < 0 || dup2(fd, 15) != 15 || epoll_ctl(15, EPOLL_CTL_ADD, 8, &ev))
		return -1;
	close_range(16, ~0U, 0);
	return 0;
}

static int seed_check_objects(void)
{
	struct itimerspec its;
	struct epoll_event ev;
	char buf[16];
	uint64_t v;

	if (epoll_wait(15, &ev, 1, 0) != 1 || ev.data.u64 != 0xfeed)
		return 20;
	if (read(8, buf, 16) != 8 || memcmp(buf, "pipedata", 8))
		return 21;
	if (recv(10, buf, 16, MSG_DONTWAIT) != 8 || memcmp(buf, "sockdata", 8))
		return 22;
	if (pread(12, buf, 8, 4096) != 8 || memcmp(buf, "memfdata", 8))
		return 23;
	if (read(13, &v, 8) != 8 || v != 7)
		return 24;
	if (timerfd_gettime(14, &its) || its.it_value.tv_sec < 900)
		return 25;
	return 0;
}

/* Runs in the restored seed: 0 if its state is what it was, else the check number */
static int seed_check(int kind)
{
	struct itimerspec its;
	struct sigaction sa;
	sigset_t set;
	char buf[16];
	struct stat st;
	size_t i;

	if (getpid() != seed_pid)
		return 1;
	for (i = 0; i < seed_pages * 512; i++)
		if (seed_mem[i] != mix(i + kind))
			return 2;
	if (seed_shared[0] != 0x5eed5eed5eedULL + kind)
		return 3;
	if (kind == SEED_OBJECTS)
		return seed_check_objects();
	if (kind != SEED_FILES)
		return 0;
	if (lseek(6, 0, SEEK_CUR) != 3 || lseek(7, 0, SEEK_CUR) != 3)
		return 4;
	if (pread(6, buf, 8, 0) != 8 || memcmp(buf, "fuzzdata", 8))
		return 5;
	if (fstat(5, &st) || !S_ISCHR(st.st_mode))
		return 6;
	if (fcntl(6, F_GETFD) != FD_CLOEXEC || fcntl(7, F_GETFD) != 0)
		return 7;
	if (sigprocmask(SIG_BLOCK, NULL, &set) || !sigismember(&set, SIGUSR2))
		return 8;
	if (sigpending(&set) || !sigismember(&set, SIGUSR2))
		return 9;
	if (sigaction(SIGUSR1, NULL, &sa) || sa.sa_handler != on_usr1)
		return 10;
	raise(SIGUSR1);
	if (!__atomic_load_n(&got_usr1, __ATOMIC_SEQ_CST))
		return 11;
	/* its two POSIX timers, 0 and 1 */
	if (syscall(SYS_timer_gettime, 0, &its) || its.it_value.tv_sec < 900)
		return 12;
	if (syscall(SYS_timer_gettime, 1, &its) || its.it_interval.tv_sec != 1000)
		return 13;
	return 0;
}

/* Two POSIX timers that won't fire while the seed lives: 0 and 1 */
static int seed_timers(void)
{
	struct itimerspec its = { .it_value = { 1000, 0 }, .it_interval = { 1000, 0 } };
	struct sigevent sev;
	int id;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id) || id != 0 ||
	    syscall(SYS_timer_settime, id, 0, &its, NULL))
		return -1;
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	if (syscall(SYS_timer_create, CLOCK_REALTIME, &sev, &id) || id != 1 ||
	    syscall(SYS_timer_settime, id, 0, &its, NULL))
		return -1;
	return 0;
}

static void seed_main(int kind, int ready)
{
	struct timespec ms = { 0, 1000 * 1000 };
	sigset_t set;
	size_t i;
	int fd;

	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) || dup2(fd, 1) != 1 || dup2(fd, 2) != 2)
		_exit(89);
	close(fd);
	seed_pid = getpid();
	seed_pages = kind == SEED_BIG ? 128 : 8;
	seed_mem = mmap(NULL, seed_pages * 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	seed_shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seed_mem == MAP_FAILED || seed_shared == MAP_FAILED)
		_exit(90);
	for (i = 0; i < seed_pages * 512; i++)
		seed_mem[i] = mix(i + kind);
	seed_shared[0] = 0x5eed5eed5eedULL + kind;
	prctl(PR_SET_NAME, "fuzzseed");
	if (kind == SEED_FILES || kind == SEED_ERROR) {
		fd = open(data_file, O_RDWR);
		if (fd < 0 || dup3(fd, 6, O_CLOEXEC) != 6 || dup2(6, 7) != 7 ||
		    lseek(6, 3, SEEK_SET) != 3)
			_exit(92);
		close(fd);
		fd = open("/dev/null", O_RDWR);
		if (fd < 0 || dup2(fd, 5) != 5)
			_exit(91);
		close(fd);
		signal(SIGUSR1, on_usr1);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		raise(SIGUSR2);
		if (seed_timers())
			_exit(95);
	}
	if (kind == SEED_ERROR && inotify_init1(0) < 0)
		_exit(93);
	if (kind == SEED_OBJECTS && seed_objects())
		_exit(96);
	if (write(ready, "r", 1) != 1)
		_exit(94);
	close(ready);
	if (kind == SEED_SLEEP) {
		struct timespec t = { 0, 300 * 1000 * 1000 };

		/* checkpointed in the middle of it */
		while (access(go_file, F_OK))
			nanosleep(&t, NULL);
	} else {
		while (access(go_file, F_OK))
			nanosleep(&ms, NULL);
	}
	_exit(seed_check(kind));
}

struct seed {
	int kind;
	pid_t pid;
	char *buf;
	size_t len;
};

static struct seed seeds[MAX_SEEDS];
static int nr_seeds;

/* Start a seed process and wait until it is ready to be checkpointed */
static int start_seed(int kind)
{
	struct seed *s = &seeds[kind];
	int p[2];
	char c;

	if (pipe(p))
		return -1;
	s->kind = kind;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (!s->pid) {
		close(p[0]);
		if (dup2(p[1], 3) != 3)
			_exit(95);
		close_range(4, ~0U, 0);
		seed_main(kind, 3);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		int status = 0;

		waitpid(s->pid, &status, 0);
		printf("# seed %s: did not start (status %#x)\n", seed_names[kind], status);
		return -1;
	}
	close(p[0]);
	return 0;
}

/* Checkpoint a seed (killing it) into its image */
static int checkpoint_seed(struct seed *s)
{
	int fd = memfd("seed"), logfd = memfd("log");
	bool error = s->kind == SEED_ERROR;
	long ret;

	ret = sys_checkpoint(s->pid, fd, CHECKPOINT_KILL, logfd);
	if (error ? ret >= 0 || errno != EOPNOTSUPP : ret < 0)
		printf("# seed %s: checkpoint returned %ld (%s)\n", seed_names[s->kind], ret,
		       strerror(errno));
	/* a failed checkpoint does not kill */
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->buf = slurp(fd, &s->len);
	close(fd);
	close(logfd);
	if (!s->buf || !s->len || (error ? ret >= 0 : ret < 0))
		return -1;
	return 0;
}

/* Deterministic PRNG (xorshift64*) */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* Images as lists of records */

struct rec {
	const char *p;
	uint32_t len;
};

struct work {
	struct rec recs[MAX_RECS];
	int nr;
	char *buf;		/* the mutated image */
	size_t len;
	char desc[256];		/* what was done, for the log */
};

static int parse(const char *buf, size_t len, struct rec *recs)
{
	const struct ckpt_hdr *h;
	size_t off = 0;
	int n = 0;

	while (off + sizeof(*h) <= len && n < MAX_RECS) {
		h = (const struct ckpt_hdr *)(buf + off);
		if (h->len < sizeof(*h) || h->len > len - off)
			return -1;
		recs[n].p = buf + off;
		recs[n].len = h->len;
		n++;
		off += h->len;
	}
	return off == len ? n : -1;
}

static void note(struct work *w, const char *fmt, ...)
{
	size_t n = strlen(w->desc);
	va_list ap;

	if (n >= sizeof(w->desc) - 2)
		return;
	if (n)
		w->desc[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(w->desc + n, sizeof(w->desc) - n, fmt, ap);
	va_end(ap);
}

/* Build w->buf from w->recs, which may point into the old w->buf */
static void assemble(struct work *w)
{
	size_t need = 0;
	char *buf;
	int i;

	for (i = 0; i < w->nr; i++)
		need += w->recs[i].len;
	buf = malloc(need + 1);
	if (!buf)
		exit(1);
	w->len = 0;
	for (i = 0; i < w->nr; i++) {
		memcpy(buf + w->len, w->recs[i].p, w->recs[i].len);
		w->len += w->recs[i].len;
	}
	free(w->buf);
	w->buf = buf;
}

static uint32_t rec_type(const struct rec *r)
{
	return ((const struct ckpt_hdr *)r->p)->type;
}

/* A record other than PAGE_DATA and TAIL, or -1 */
static int pick_struct_rec(struct work *w)
{
	int i, tries;

	for (tries = 0; tries < 64; tries++) {
		i = rnd_below(w->nr);
		if (rec_type(&w->recs[i]) != CKPT_HDR_PAGE_DATA &&
		    rec_type(&w->recs[i]) != CKPT_HDR_TAIL)
			return i;
	}
	return -1;
}

/* Offset in w->buf of record @i */
static size_t rec_off(struct work *w, int i)
{
	size_t off = 0;
	int k;

	for (k = 0; k < i; k++)
		off += w->recs[k].len;
	return off;
}

static const uint64_t interesting64[] = {
	0, 1, 0x7f, 0x80, 0xff, 0xfff, 0x1000, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL, ~0ULL - 7,
	0x00007ffffffff000ULL, 0x0000800000000000ULL, 0xffff800000000000ULL,
	0xffff888000000000ULL, 0xffffffff81000000ULL, 0xffffffffff600000ULL,
};

static const uint32_t interesting32[] = {
	0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x10000, 0x7fffffff,
	0x80000000, 0xfffffff8, 0xffffffff, 0xfffffffe,
};

/* Offsets and sizes of the length, count and index fields of each record type */
struct field {
	uint32_t type, off, size;
};

static const struct field count_fields[] = {
	{ CKPT_HDR_HEADER, offsetof(struct ckpt_hdr_header, version), 4 },
	{ CKPT_HDR_HEADER, offsetof(struct ckpt_hdr_header, page_size), 4 },
	{ CKPT_HDR_HEADER_ARCH, offsetof(struct ckpt_hdr_header_arch, xstate_size), 4 },
	{ CKPT_HDR_HEADER_ARCH, offsetof(struct ckpt_hdr_header_arch, xfeatures), 8 },
	{ CKPT_HDR_TREE, offsetof(struct ckpt_hdr_tree, nr_tasks), 4 },
	{ CKPT_HDR_TREE, offsetof(struct ckpt_hdr_tree, pids[0].vpid), 4 },
	{ CKPT_HDR_TREE, offsetof(struct ckpt_hdr_tree, pids[0].depth), 4 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, nr_rlimits), 4 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, exit_signal), 4 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, rseq_len), 4 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, robust_list_len), 8 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, sas_ss_size), 8 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, restart_kind), 4 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, restart_left_ns), 8 },
	{ CKPT_HDR_CREDS, offsetof(struct ckpt_hdr_creds, uid), 4 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, rlim[7].max), 8 },
	{ CKPT_HDR_FPU, offsetof(struct ckpt_hdr_fpu, size), 4 },
	{ CKPT_HDR_MM, offsetof(struct ckpt_hdr_mm, nr_vmas), 4 },
	{ CKPT_HDR_MM, offsetof(struct ckpt_hdr_mm, nr_auxv), 4 },
	{ CKPT_HDR_MM, offsetof(struct ckpt_hdr_mm, exe_len), 4 },
	{ CKPT_HDR_MM, offsetof(struct ckpt_hdr_mm, objref), 4 },
	{ CKPT_HDR_VMA, offsetof(struct ckpt_hdr_vma, nr_pages), 8 },
	{ CKPT_HDR_VMA, offsetof(struct ckpt_hdr_vma, path_len), 4 },
	{ CKPT_HDR_VMA, offsetof(struct ckpt_hdr_vma, pgoff), 8 },
	{ CKPT_HDR_VMA, offsetof(struct ckpt_hdr_vma, kind), 4 },
	{ CKPT_HDR_PAGES, offsetof(struct ckpt_hdr_pages, nr_pages), 4 },
	{ CKPT_HDR_FS, offsetof(struct ckpt_hdr_fs, cwd_len), 4 },
	{ CKPT_HDR_FS, offsetof(struct ckpt_hdr_fs, objref), 4 },
	{ CKPT_HDR_FS, offsetof(struct ckpt_hdr_fs, flags), 4 },
	{ CKPT_HDR_FILES, offsetof(struct ckpt_hdr_files, nr_fds), 4 },
	{ CKPT_HDR_FILES, offsetof(struct ckpt_hdr_files, objref), 4 },
	{ CKPT_HDR_FILES, offsetof(struct ckpt_hdr_files, flags), 4 },
	{ CKPT_HDR_FD, offsetof(struct ckpt_hdr_fd, fd), 4 },
	{ CKPT_HDR_FD, offsetof(struct ckpt_hdr_fd, kind), 4 },
	{ CKPT_HDR_FD, offsetof(struct ckpt_hdr_fd, objref), 4 },
	{ CKPT_HDR_FD, offsetof(struct ckpt_hdr_fd, path_len), 4 },
	{ CKPT_HDR_FD, offsetof(struct ckpt_hdr_fd, pos), 8 },
	{ CKPT_HDR_FD, offsetof(struct ckpt_hdr_fd, rdev), 4 },
	{ CKPT_HDR_DATA, offsetof(struct ckpt_hdr_data, offset), 8 },
	{ CKPT_HDR_DATA, offsetof(struct ckpt_hdr_data, len), 4 },
	{ CKPT_HDR_PIPE, offsetof(struct ckpt_hdr_pipe, objref), 4 },
	{ CKPT_HDR_PIPE, offsetof(struct ckpt_hdr_pipe, size), 4 },
	{ CKPT_HDR_PIPE, offsetof(struct ckpt_hdr_pipe, data_len), 4 },
	{ CKPT_HDR_EVENTFD, offsetof(struct ckpt_hdr_eventfd, count), 8 },
	{ CKPT_HDR_TIMERFD, offsetof(struct ckpt_hdr_timerfd, clockid), 4 },
	{ CKPT_HDR_TIMERFD, offsetof(struct ckpt_hdr_timerfd, value_ns), 8 },
	{ CKPT_HDR_FILE_INODE, offsetof(struct ckpt_hdr_file_inode, objref), 4 },
	{ CKPT_HDR_FILE_INODE, offsetof(struct ckpt_hdr_file_inode, size), 8 },
	{ CKPT_HDR_FILE_INODE, offsetof(struct ckpt_hdr_file_inode, nr_data), 4 },
	{ CKPT_HDR_FILE_INODE, offsetof(struct ckpt_hdr_file_inode, name_len), 4 },
	{ CKPT_HDR_EPOLL, offsetof(struct ckpt_hdr_epoll, nr_items), 4 },
	{ CKPT_HDR_EPOLL, offsetof(struct ckpt_hdr_epoll, items[0].fd), 4 },
	{ CKPT_HDR_UNIX, offsetof(struct ckpt_hdr_unix, objref), 4 },
	{ CKPT_HDR_UNIX, offsetof(struct ckpt_hdr_unix, peer), 4 },
	{ CKPT_HDR_UNIX, offsetof(struct ckpt_hdr_unix, type), 4 },
	{ CKPT_HDR_UNIX, offsetof(struct ckpt_hdr_unix, state), 4 },
	{ CKPT_HDR_UNIX, offsetof(struct ckpt_hdr_unix, nr_msgs), 4 },
	{ CKPT_HDR_UNIX, offsetof(struct ckpt_hdr_unix, addr_len), 4 },
	{ CKPT_HDR_UNIX, offsetof(struct ckpt_hdr_unix, peer_pid), 4 },
	{ CKPT_HDR_SIGHAND, offsetof(struct ckpt_hdr_sighand, nr), 4 },
	{ CKPT_HDR_SIGHAND, offsetof(struct ckpt_hdr_sighand, objref), 4 },
	{ CKPT_HDR_SIGNAL, offsetof(struct ckpt_hdr_signal, nr_pending), 4 },
	{ CKPT_HDR_SIGNAL, offsetof(struct ckpt_hdr_signal, real_value_ns), 8 },
	{ CKPT_HDR_SIGNAL, offsetof(struct ckpt_hdr_signal, prof_value_ns), 8 },
	{ CKPT_HDR_SIGNAL, offsetof(struct ckpt_hdr_signal, nr_timers), 4 },
	{ CKPT_HDR_SIGNAL, offsetof(struct ckpt_hdr_signal, next_timer_id), 4 },
	{ CKPT_HDR_SIGINFO, offsetof(struct ckpt_hdr_siginfo, shared), 4 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, id), 4 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, clockid), 4 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, notify), 4 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, signo), 4 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, tid), 4 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, flags), 4 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, value_ns), 8 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, interval_ns), 8 },
	{ CKPT_HDR_POSIX_TIMER, offsetof(struct ckpt_hdr_posix_timer, overrun), 8 },
	{ CKPT_HDR_ERROR, offsetof(struct ckpt_hdr_error, msg_len), 4 },
	{ CKPT_HDR_ERROR, offsetof(struct ckpt_hdr_error, error), 4 },
};

/* Fields holding user addresses */
static const struct field addr_fields[] = {
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, set_child_tid), 8 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, clear_child_tid), 8 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, robust_list), 8 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, rseq), 8 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, sas_ss_sp), 8 },
	{ CKPT_HDR_TASK, offsetof(struct ckpt_hdr_task, restart_uaddr), 8 },
	{ CKPT_HDR_CPU, offsetof(struct ckpt_hdr_cpu, ip), 8 },
	{ CKPT_HDR_CPU, offsetof(struct ckpt_hdr_cpu, sp), 8 },
	{ CKPT_HDR_CPU, offsetof(struct ckpt_hdr_cpu, fs_base), 8 },
	{ CKPT_HDR_CPU, offsetof(struct ckpt_hdr_cpu, gs_base), 8 },
	{ CKPT_HDR_CPU, offsetof(struct ckpt_hdr_cpu, cs), 2 },
	{ CKPT_HDR_CPU, offsetof(struct ckpt_hdr_cpu, ss), 2 },
	{ CKPT_HDR_CPU, offsetof(struct ckpt_hdr_cpu, flags), 8 },
	{ CKPT_HDR_MM, offsetof(struct ckpt_hdr_mm, start_code), 8 },
	{ CKPT_HDR_MM, offsetof(struct ckpt_hdr_mm, brk), 8 },
	{ CKPT_HDR_MM, offsetof(struct ckpt_hdr_mm, start_stack), 8 },
	{ CKPT_HDR_MM, offsetof(struct ckpt_hdr_mm, arg_end), 8 },
	{ CKPT_HDR_VMA, offsetof(struct ckpt_hdr_vma, start), 8 },
	{ CKPT_HDR_VMA, offsetof(struct ckpt_hdr_vma, end), 8 },
	{ CKPT_HDR_PAGES, offsetof(struct ckpt_hdr_pages, addr[0]), 8 },
	{ CKPT_HDR_SIGHAND, offsetof(struct ckpt_hdr_sighand, action[9].handler), 8 },
	{ CKPT_HDR_SIGHAND, offsetof(struct ckpt_hdr_sighand, action[9].restorer), 8 },
};

/* The records of @type in w; pick one, -1 if none */
static int pick_rec_of(struct work *w, uint32_t type)
{
	int i, n = 0, which;

	for (i = 0; i < w->nr; i++)
		n += rec_type(&w->recs[i]) == type;
	if (!n)
		return -1;
	which = rnd_below(n);
	for (i = 0; i < w->nr; i++)
		if (rec_type(&w->recs[i]) == type && !which--)
			return i;
	return -1;
}

static void set_field(struct work *w, int i, uint32_t off, uint32_t size, uint64_t v)
{
	char *p = w->buf + rec_off(w, i) + off;

	if (off + size > w->recs[i].len)
		return;
	memcpy(p, &v, size);	/* little endian */
}

static uint64_t get_field(struct work *w, int i, uint32_t off, uint32_t size)
{
	uint64_t v = 0;

	if (off + size <= w->recs[i].len)
		memcpy(&v, w->buf + rec_off(w, i) + off, size);
	return v;
}

static uint64_t interesting(uint64_t orig, uint32_t size)
{
	switch (rnd_below(6)) {
	case 0:
		return orig + 1;
	case 1:
		return orig - 1;
	case 2:
		return orig * 2;
	case 3:
		return orig ^ (1ULL << rnd_below(size * 8));
	case 4:
		if (size == 4)
			return interesting32[rnd_below(ARRAY_SIZE(interesting32))];
		return interesting64[rnd_below(ARRAY_SIZE(interesting64))];
	default:
		return interesting64[rnd_below(ARRAY_SIZE(interesting64))];
	}
}

static void mut_field(struct work *w, const struct field *tab, int n, const char *what)
{
	const struct field *f = &tab[rnd_below(n)];
	int i = pick_rec_of(w, f->type);
	uint64_t v;

	if (i < 0)
		return;
	v = interesting(get_field(w, i, f->off, f->size), f->size);
	set_field(w, i, f->off, f->size, v);
	note(w, "%s rec%d+%u=%#llx", what, i, f->off, (unsigned long long)v);
}

/* Record level mutations change the list; the buffer is rebuilt after */
static struct rec spare[MAX_RECS];

static void mut_records(struct work *w, int how)
{
	int i = rnd_below(w->nr - 1), j, s;

	if (w->nr < 3 || w->nr >= MAX_RECS - 1)
		return;
	memcpy(spare, w->recs, w->nr * sizeof(*spare));
	switch (how) {
	case 0:	/* duplicate */
		memmove(&w->recs[i + 1], &spare[i], (w->nr - i) * sizeof(*spare));
		w->nr++;
		note(w, "dup rec%d", i);
		break;
	case 1:	/* swap with the next */
		w->recs[i] = spare[i + 1];
		w->recs[i + 1] = spare[i];
		note(w, "swap rec%d", i);
		break;
	case 2:	/* delete */
		memmove(&w->recs[i], &spare[i + 1], (w->nr - i - 1) * sizeof(*spare));
		w->nr--;
		note(w, "del rec%d", i);
		break;
	default: /* a record of another seed */
		s = rnd_below(nr_seeds);
		{
			struct rec other[MAX_RECS];
			int n = parse(seeds[s].buf, seeds[s].len, other);

			if (n <= 0)
				return;
			j = rnd_below(n);
			memmove(&w->recs[i + 1], &spare[i], (w->nr - i) * sizeof(*spare));
			w->recs[i] = other[j];
			w->nr++;
			note(w, "splice seed%d.rec%d at %d", s, j, i);
		}
	}
	assemble(w);
	w->nr = parse(w->buf, w->len, w->recs);
}

/* crc32c as the kernel computes it, a byte at a time from a table */
static uint32_t crc32c_fast(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	const unsigned char *p = buf;
	uint32_t c;
	int i, k;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			for (c = i, k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
			table[i] = c;
		}
	}
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

/* Recompute the tail of the (well formed) image in w->buf */
static void fix_tail(struct work *w)
{
	struct ckpt_hdr_tail *t;
	int n = parse(w->buf, w->len, w->recs);

	if (n < 1)
		return;
	w->nr = n;
	t = (struct ckpt_hdr_tail *)(w->buf + w->len - w->recs[n - 1].len);
	if (t->h.type != CKPT_HDR_TAIL || t->h.len != sizeof(*t))
		return;
	t->length = w->len - sizeof(*t);
	t->nr_records = n - 1;
	t->crc32c = ~crc32c_fast(~0U, w->buf, t->length);
}

/* One mutation of the image in w; returns 1 if the tail should not be fixed */
static int mutate_once(struct work *w)
{
	size_t off;
	int i, bits, k;

	switch (rnd_below(12)) {
	case 0:	/* bit flips anywhere */
	case 1:	/* bit flips in structure records */
		bits = 1 + rnd_below(4);
		for (k = 0; k < bits; k++) {
			i = rnd_below(2) ? pick_struct_rec(w) : -1;
			off = i >= 0 ? rec_off(w, i) + rnd_below(w->recs[i].len) : rnd() % w->len;
			w->buf[off] ^= 1 << rnd_below(8);
			note(w, "flip@%zu", off);
		}
		return 0;
	case 2:	/* record header */
		i = rnd_below(w->nr);
		off = rec_off(w, i);
		if (rnd_below(2)) {
			uint32_t *type = (uint32_t *)(w->buf + off);

			*type = rnd_below(2) ? (uint32_t)interesting(*type, 4) :
				(uint32_t)(rnd_below(10) * 100 + rnd_below(4));
			note(w, "type rec%d=%u", i, *type);
		} else {
			uint32_t *len = (uint32_t *)(w->buf + off + 4);

			*len = (uint32_t)interesting(*len, 4);
			note(w, "len rec%d=%#x", i, *len);
		}
		return 0;
	case 3:
	case 4:	/* a length, count or index field */
		mut_field(w, count_fields, ARRAY_SIZE(count_fields), "count");
		return 0;
	case 5:	/* an address field */
		mut_field(w, addr_fields, ARRAY_SIZE(addr_fields), "addr");
		return 0;
	case 6:	/* VMAs overlapping the previous one */
		i = pick_rec_of(w, CKPT_HDR_VMA);
		if (i > 0) {
			int prev;

			for (prev = i - 1; prev >= 0; prev--)
				if (rec_type(&w->recs[prev]) == CKPT_HDR_VMA)
					break;
			if (prev >= 0) {
				uint32_t start = offsetof(struct ckpt_hdr_vma, start);
				uint64_t v = get_field(w, prev, start, 8);

				set_field(w, i, start, 8, v);
				note(w, "overlap rec%d", i);
			}
		}
		return 0;
	case 7:	/* truncate */
		if (rnd_below(3)) {
			i = 1 + rnd_below(w->nr - 1);
			w->len = rec_off(w, i);
		} else {
			w->len = rnd() % w->len;
		}
		note(w, "trunc %zu", w->len);
		return 1;
	case 8:
	case 9:
	case 10: /* records duplicated, swapped, deleted or spliced in */
		mut_records(w, rnd_below(4));
		return 0;
	default: /* the tail itself */
		off = w->len - sizeof(struct ckpt_hdr_tail) + sizeof(struct ckpt_hdr) +
		      rnd_below(sizeof(struct ckpt_hdr_tail) - sizeof(struct ckpt_hdr));
		w->buf[off] ^= 1 << rnd_below(8);
		note(w, "tail@%zu", off);
		return 1;
	}
}

static void mutate(struct work *w, const struct seed *s)
{
	int n = 1, nofix = 0, k;

	w->desc[0] = 0;
	w->nr = parse(s->buf, s->len, w->recs);
	assemble(w);
	w->nr = parse(w->buf, w->len, w->recs);
	if (!rnd_below(5))
		n += 1 + rnd_below(2);
	for (k = 0; k < n && w->len; k++) {
		w->nr = parse(w->buf, w->len, w->recs);
		if (w->nr < 2)
			break;
		nofix |= mutate_once(w);
	}
	if (!nofix && rnd_below(8))
		fix_tail(w);
	else
		note(w, "(tail kept)");
}

/* Running one image */

enum {
	O_REJECTED, O_KILLED, O_OK, O_INCONSISTENT, O_CRASHED, O_TIMEOUT, O_FAILED, NR_OUTCOMES
};

static const char * const outcome_names[] = {
	"rejected", "killed-after-commit", "restored-ok", "restored-inconsistent",
	"restored-then-died", "restored-still-running", "FAILED",
};

/* Written by the child before it exits, read by the parent after waitpid() */
struct result {
	int err;		/* errno of a restart(2) that returned */
	int returned;
};

static struct result *res;
static int timeout_s = 5;
static time_t deadline;
static const char *ckptinfo = "ckptinfo";	/* on PATH; -c "" for none */
static int rerrno[256];

/* Kill everything else in our pid namespace and reap it */
static void clear_namespace(void)
{
	if (getpid() == 1)
		kill(-1, SIGKILL);
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
}

/* Does ckptinfo find the image in @imgfd invalid? */
static int ckptinfo_rejects(int imgfd)
{
	char path[64];
	int status, null;
	pid_t pid;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", imgfd);
	pid = fork();
	if (!pid) {
		null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execlp(ckptinfo, ckptinfo, path, NULL);
		_exit(3);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

static int run_image(struct work *w, pid_t pid, int imgfd, int logfd, char *why, size_t whylen)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid = (uintptr_t)&pid,
				   .set_tid_size = 1 };
	struct timespec t = { 0, 2 * 1000 * 1000 };
	int status = 0, loops, outcome;
	char *log;
	size_t loglen;
	pid_t child, got = 0;

	why[0] = 0;
	if (ftruncate(imgfd, 0) || pwrite(imgfd, w->buf, w->len, 0) != (ssize_t)w->len ||
	    lseek(imgfd, 0, SEEK_SET) || ftruncate(logfd, 0) || lseek(logfd, 0, SEEK_SET)) {
		snprintf(why, whylen, "writing the image: %s", strerror(errno));
		return O_FAILED;
	}
	res->err = 0;
	res->returned = 0;
	child = syscall(__NR_clone3, &args, sizeof(args));
	if (child < 0) {
		snprintf(why, whylen, "clone3 with pid %d: %s", pid, strerror(errno));
		return O_FAILED;
	}
	if (!child) {
		long ret = sys_restart(0, imgfd, 0, logfd);

		res->err = ret < 0 ? errno : 0;
		res->returned = 1;
		_exit(100);
	}
	for (loops = 0; loops < timeout_s * 500; loops++) {
		got = waitpid(child, &status, WNOHANG | __WALL);
		if (got)
			break;
		nanosleep(&t, NULL);
	}
	outcome = -1;
	if (!got) {
		kill(child, SIGKILL);
		for (loops = 0; loops < 30 * 500 && !got; loops++) {
			got = waitpid(child, &status, WNOHANG | __WALL);
			if (!got)
				nanosleep(&t, NULL);
		}
		if (!got) {
			snprintf(why, whylen, "pid %d: not reaped 30 s after SIGKILL", pid);
			return O_FAILED;
		}
		outcome = O_TIMEOUT;
	}
	log = slurp(logfd, &loglen);
	if (outcome < 0 && res->returned) {
		if (!res->err) {
			snprintf(why, whylen, "restart returned success without restoring");
			outcome = O_FAILED;
		} else if (!log || !strstr(log, "restart[")) {
			snprintf(why, whylen, "rejected (%s) without a log line",
				 strerror(res->err));
			outcome = O_FAILED;
		} else {
			rerrno[res->err & 255]++;
			outcome = O_REJECTED;
		}
	} else if (outcome < 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
		   log && strstr(log, "restart[")) {
		outcome = O_KILLED;
	} else if (outcome < 0 && WIFEXITED(status)) {
		outcome = WEXITSTATUS(status) ? O_INCONSISTENT : O_OK;
		snprintf(why, whylen, "exit %d", WEXITSTATUS(status));
	} else if (outcome < 0) {
		outcome = O_CRASHED;
		snprintf(why, whylen, "signal %d", WTERMSIG(status));
	}
	if ((outcome == O_REJECTED || outcome == O_KILLED) && log) {
		char *nl = strchr(log, '\n');

		if (nl)
			*nl = 0;
		snprintf(why, whylen, "%s", log);
	}
	free(log);
	clear_namespace();
	if (*ckptinfo && outcome >= O_OK && outcome <= O_TIMEOUT && ckptinfo_rejects(imgfd)) {
		snprintf(why, whylen, "restored an image that ckptinfo finds invalid");
		outcome = O_FAILED;
	}
	return outcome;
}

/* One TAP line for images @first to @last; returns 1 if any failed */
static int print_batch(int test, long first, long last, long *bcounts, FILE *out)
{
	int o, failed = !!bcounts[O_FAILED];

	printf("%s %d images %ld-%ld:", failed ? "not ok" : "ok", test, first, last);
	for (o = 0; o < NR_OUTCOMES; o++)
		printf(" %ld %s%s", bcounts[o], outcome_names[o],
		       o + 1 < NR_OUTCOMES ? "," : "\n");
	memset(bcounts, 0, NR_OUTCOMES * sizeof(*bcounts));
	fflush(stdout);
	if (out)
		fflush(out);
	return failed;
}

static void usage(void)
{
	fprintf(stderr, "Usage: ckpt_fuzz [-n IMAGES] [-s SEED] [-t TIMEOUT] [-b BATCH] [-l LOG]\n"
		"                 [-c CKPTINFO] [-T TIME_LIMIT]\n");
	exit(2);
}

static int campaign(long n, uint64_t seed, int batch, const char *logpath)
{
	long counts[NR_OUTCOMES] = { }, bcounts[NR_OUTCOMES] = { };
	int imgfd = memfd("fuzz-image"), logfd = memfd("fuzz-log"), k, o, test = 1;
	int nbatches = (n + batch - 1) / batch, failed = 0, fd;
	FILE *out = NULL;
	struct work *w = calloc(1, sizeof(*w));
	char why[300];
	long i;

	printf("TAP version 13\n1..%d\n", 1 + nbatches);
	res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED || !w || imgfd < 0 || logfd < 0)
		return 1;
	if (logpath) {
		out = fopen(logpath, "w");
		if (!out)
			perror(logpath);
	}
	unlink(go_file);
	fd = open(data_file, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "fuzzdata", 8) != 8)
		return 1;
	close(fd);
	/* all started first, so that none inherits the images of the others */
	for (k = 0; k < NR_SEED_KINDS; k++) {
		if (start_seed(k)) {
			printf("not ok 1 seed images (seed %s)\n", seed_names[k]);
			return 1;
		}
	}
	usleep(100 * 1000);	/* into their sleeps */
	for (k = 0; k < NR_SEED_KINDS; k++) {
		if (checkpoint_seed(&seeds[k])) {
			printf("not ok 1 seed images (seed %s)\n", seed_names[k]);
			return 1;
		}
		printf("# seed %d (%s): pid %d, %zu bytes\n", k, seed_names[k],
		       seeds[k].pid, seeds[k].len);
	}
	nr_seeds = NR_SEED_KINDS;
	/* the seeds come back as they were */
	close(open(go_file, O_CREAT | O_WRONLY, 0644));
	for (k = 0; k < nr_seeds; k++) {
		w->len = 0;
		w->nr = parse(seeds[k].buf, seeds[k].len, w->recs);
		assemble(w);
		o = run_image(w, seeds[k].pid, imgfd, logfd, why, sizeof(why));
		/* the ERROR record of that seed comes after the point of no return */
		if (o != (seeds[k].kind == SEED_ERROR ? O_KILLED : O_OK)) {
			printf("not ok %d seed images (seed %s unmutated: %s, %s)\n", test,
			       seed_names[k], outcome_names[o], why);
			return 1;
		}
	}
	printf("ok %d seed images: %d seeds restart as they were\n", test++, nr_seeds);
	fflush(stdout);

	rng_state = seed ? seed : 1;
	for (i = 0; i < n; i++) {
		if (deadline && time(NULL) >= deadline) {
			printf("# fuzz: time is up after %ld images\n", i);
			break;
		}
		k = rnd_below(nr_seeds);
		mutate(w, &seeds[k]);
		o = run_image(w, seeds[k].pid, imgfd, logfd, why, sizeof(why));
		counts[o]++;
		bcounts[o]++;
		if (out)
			fprintf(out, "%ld seed%d %s: %s: %s\n", i, k, w->desc,
				outcome_names[o], why);
		if (o == O_FAILED) {
			printf("# image %ld (seed %d, %s): %s\n", i, k, w->desc, why);
			if (strstr(why, "not reaped"))
				n = i + 1;	/* its pid is lost: stop */
		}
		if ((i + 1) % batch == 0 || i + 1 == n)
			failed |= print_batch(test++, i - i % batch, i, bcounts, out);
	}
	if (i < n && i % batch)
		failed |= print_batch(test++, i - i % batch, i - 1, bcounts, out);
	n = i;
	/* the batches a time limit left out: the plan must add up */
	while (test <= 1 + nbatches)
		printf("ok %d images not run # SKIP time limit\n", test++);
	printf("# fuzz: %ld images (prng seed %llu): %ld rejected with an errno, ", n,
	       (unsigned long long)seed, counts[O_REJECTED]);
	printf("%ld killed after commit, %ld restored ok, %ld restored inconsistent, ",
	       counts[O_KILLED], counts[O_OK], counts[O_INCONSISTENT]);
	printf("%ld restored then died, %ld restored still running (killed), %ld failures\n",
	       counts[O_CRASHED], counts[O_TIMEOUT], counts[O_FAILED]);
	printf("# fuzz: errnos of rejections:");
	for (k = 1; k < 256; k++)
		if (rerrno[k])
			printf(" %s=%d", strerrorname_np(k) ?: "?", rerrno[k]);
	printf("\n");
	unlink(go_file);
	unlink(data_file);
	if (out)
		fclose(out);
	return failed;
}

int main(int argc, char **argv)
{
	long n = 300;
	uint64_t seed = 1;
	int c, batch = 50, status;
	const char *logpath = NULL;
	pid_t pid;

	while ((c = getopt(argc, argv, "n:s:t:b:l:c:T:")) != -1) {
		switch (c) {
		case 'n':
			n = atol(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			timeout_s = atoi(optarg);
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		case 'l':
			logpath = optarg;
			break;
		case 'c':
			ckptinfo = optarg;
			break;
		case 'T':
			deadline = time(NULL) + atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (n < 1 || batch < 1 || timeout_s < 1)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(go_file, sizeof(go_file), "/tmp/ckpt-fuzz.%d.go", getpid());
	snprintf(data_file, sizeof(data_file), "/tmp/ckpt-fuzz.%d.data", getpid());
	/* init of a pid namespace of its own */
	if (unshare(CLONE_NEWPID)) {
		printf("TAP version 13\n1..1\nnot ok 1 fuzz: unshare(CLONE_NEWPID): %s\n",
		       strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid)
		exit(campaign(n, seed, batch, logpath));
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
