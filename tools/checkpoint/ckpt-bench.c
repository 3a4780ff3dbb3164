// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt-bench - checkpoint and restart side by side with CRIU and with the
 * sink's limit, on the same workloads.
 *
 *   ckpt-bench [--reps N] [--criu PATH|none] DIR WORKLOAD...
 *
 * WORKLOAD is mem:MIB (a process with MIB MiB of dirty anonymous memory),
 * sparse:MIB (a MIB MiB mapping with 1% of its pages touched), tree:N (N
 * processes, a binary tree) or files:N (a process with N open files in
 * DIR). Images, CRIU's image directory and the limit's file go to DIR.
 *
 * For each workload and each of N repetitions the bench starts the
 * workload, checkpoints it with `ckpt PID > DIR/image` and with
 * `criu dump -t PID -D DIR/criu --leave-running` (in alternating order),
 * kills it, restarts it with `rstr < DIR/image` and checks it, kills it
 * again, restarts it with `criu restore -D DIR/criu -d` and checks it.
 * Then the limit: write() of as many bytes as the workload has dirty
 * (the Anonymous lines of /proc/PID/smaps_rollup, summed over its tree)
 * from memory to DIR/plain, read() back into that memory, and read() into
 * memory never touched, which a restart has to allocate.
 *
 * The workload (its root process) shares a page with the bench, a file
 * DIR/shared.PID it maps MAP_SHARED (both checkpointers save such a mapping
 * by path): a beat counter, and its reports. Measured, the median of the
 * repetitions:
 *  - checkpoint and restart time: from fork() of the tool until the tool
 *    exited (checkpoint) or the restored workload runs its own code again,
 *    seen as its beat counter moving (restart; CRIU's tool must also have
 *    exited). The bench sleeps on a futex the workload wakes at its first
 *    beat, so as not to take a CPU from the restore;
 *  - freeze time, from the target's side: while a checkpoint runs, the
 *    workload spins on clock_gettime(), counting beats, and keeps the
 *    longest gap between two turns of its loop, which it reports
 *    afterwards;
 *  - image size: the image file, or the files of CRIU's image directory
 *    without its logs;
 *  - peak memory of the tools: ru_maxrss of ckpt and criu from wait4(), and
 *    of rstr its VmHWM once the restore is done (rstr stays as the parent
 *    of the restored process, whose memory wait4() would count).
 * A restored workload checks its memory (a pattern in every page) and
 * reports; a failed check fails the bench. A tool that fails is shown as
 * "n/a" with the reason.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/checkpoint_hdr.h>
#include <linux/futex.h>

#include "common.h"

#define MiB		(1024UL * 1024)
#define PAGE		4096UL
#define MAX_REPS	9
#define TREE_PAGES	16		/* pages each process of a tree dirties */

/* The page the workload shares with the bench */
struct shared {
	uint64_t beat;		/* turns of the measuring loop */
	uint64_t reports;	/* reports written, the first when ready */
	double gap;		/* the longest gap of the last measurement, s */
	int32_t status;		/* 1: the memory is as it was written */
	uint32_t waiting;	/* the bench waits on @woken for a beat */
	uint32_t woken;		/* futex: bumped at a beat while it waits */
};

enum { OURS, CRIU, NR_TOOLS };
static const char * const tool_name[NR_TOOLS] = { "ours", "criu" };

struct workload {
	char kind[16];		/* mem, sparse, tree, files */
	unsigned long n;	/* MiB, processes or files */
};

/* One repetition of one tool; negative times: not measured */
struct run {
	double ckpt, freeze, restart;
	double image;		/* bytes */
	long ckpt_kib, rstr_kib;
	char err[160];		/* why a step failed */
};

static const char *dir;
static const char *criu = "criu";
static int reps = 3;

static void die(const char *what)
{
	fprintf(stderr, "ckpt-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void path_of(char *buf, size_t size, const char *name, long n)
{
	if (n >= 0)
		snprintf(buf, size, "%s/%s.%ld", dir, name, n);
	else
		snprintf(buf, size, "%s/%s", dir, name);
}

/* The workload */

static unsigned char pattern(unsigned long page)
{
	return (page * 131 + 7) & 0xff;
}

/* Fill page @i of @p (of @len bytes) for every @step pages */
static void fill(unsigned char *p, size_t len, unsigned long step)
{
	unsigned long i;

	for (i = 0; i * PAGE < len; i += step)
		memset(p + i * PAGE, pattern(i), PAGE);
}

static int check(const unsigned char *p, size_t len, unsigned long step)
{
	unsigned long i;

	for (i = 0; i * PAGE < len; i += step)
		if (p[i * PAGE] != pattern(i) || p[i * PAGE + PAGE - 1] != pattern(i) ||
		    p[i * PAGE + PAGE / 2] != pattern(i))
			return 0;
	return 1;
}

/* Map the page shared by the workload @pid and the bench; NULL on error */
static struct shared *map_shared(pid_t pid, int create)
{
	char path[256], tmp[300];
	struct shared *sh;
	int fd;

	/* the bench must not map it before it has its size */
	path_of(path, sizeof(path), "shared", pid);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(create ? tmp : path, O_RDWR | (create ? O_CREAT | O_TRUNC : 0), 0600);
	if (fd < 0)
		return NULL;
	if (create && (ftruncate(fd, PAGE) || rename(tmp, path))) {
		close(fd);
		return NULL;
	}
	sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return sh == MAP_FAILED ? NULL : sh;
}

static void report(struct shared *sh, double gap, int status)
{
	sh->gap = gap;
	sh->status = status;
	__atomic_add_fetch(&sh->reports, 1, __ATOMIC_RELEASE);
}

/* Process @k of a tree of @n: children 2k+1 and 2k+2, each dirties some pages */
static void tree_node(unsigned long k, unsigned long n)
{
	unsigned long c;
	unsigned char *p;

	for (c = 2 * k + 1; c <= 2 * k + 2 && c < n; c++) {
		pid_t pid = fork();

		if (pid < 0)
			_exit(23);
		if (!pid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			tree_node(c, n);
			p = mmap(NULL, TREE_PAGES * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				_exit(24);
			fill(p, TREE_PAGES * PAGE, 1);
			for (;;)
				pause();
		}
	}
}

static void workload_main(const struct workload *w)
{
	const struct timespec zero = { 0, 0 };
	unsigned long step = 1, i;
	unsigned char *p = NULL;
	double t, prev, gap;
	struct shared *sh;
	size_t len = 0;
	char path[256];
	sigset_t sigs;
	int fd, sig;

	setsid();
	fd = open("/dev/null", O_RDWR);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close_range(3, ~0U, 0);
	sh = map_shared(getpid(), 1);
	if (!sh)
		_exit(27);
	/* SIGUSR1 starts measuring, SIGUSR2 asks for the report */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	if (!strcmp(w->kind, "mem") || !strcmp(w->kind, "sparse")) {
		len = w->n * MiB;
		step = w->kind[0] == 's' ? 100 : 1;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			_exit(25);
		fill(p, len, step);
	} else if (!strcmp(w->kind, "tree")) {
		tree_node(0, w->n);
		len = TREE_PAGES * PAGE;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(25);
		fill(p, len, 1);
	} else if (!strcmp(w->kind, "files")) {
		for (i = 0; i < w->n; i++) {
			path_of(path, sizeof(path), "files/f", i);
			if (open(path, O_RDWR | O_CREAT, 0600) < 0)
				_exit(26);
		}
	}

	report(sh, 0, 1);	/* ready */
	for (;;) {
		sig = sigwaitinfo(&sigs, NULL);
		gap = 0;
		if (sig == SIGUSR1) {
			/* spin until SIGUSR2, timing each turn */
			prev = now();
			do {
				t = now();
				if (t - prev > gap)
					gap = t - prev;
				prev = t;
				__atomic_add_fetch(&sh->beat, 1, __ATOMIC_RELAXED);
				if (__atomic_exchange_n(&sh->waiting, 0, __ATOMIC_ACQ_REL)) {
					__atomic_add_fetch(&sh->woken, 1, __ATOMIC_RELEASE);
					syscall(SYS_futex, &sh->woken, FUTEX_WAKE, 1, NULL, NULL,
						0);
				}
				sig = sigtimedwait(&sigs, NULL, &zero);
			} while (sig != SIGUSR2);
		}
		if (sig == SIGUSR2)
			report(sh, gap, !p || check(p, len, step));
	}
}

/* The bench side */

static uint64_t load(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

/* Wait until @sh has more than @n reports; 0 if it does not come */
static int wait_report(struct shared *sh, uint64_t n)
{
	double t = now();

	while (load(&sh->reports) <= n) {
		if (now() - t > 120)
			return 0;
		usleep(1000);
	}
	return 1;
}

/* Ask the workload for a report; its gap, -1 if it does not come */
static double get_report(pid_t pid, struct shared *sh, int *ok)
{
	uint64_t n = load(&sh->reports);

	kill(pid, SIGUSR2);
	*ok = wait_report(sh, n) && sh->status == 1;
	return *ok ? sh->gap : -1;
}

/* Is @pid in system call @nr? */
static int in_syscall(pid_t pid, int nr)
{
	char path[64], buf[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return buf[0] != '-' && atoi(buf) == nr;
}

/*
 * @pid and its descendants; with @settled only those done with their setup
 * (the descendants of a tree wait in pause())
 */
static unsigned int count_tasks(pid_t pid, int settled)
{
	unsigned int n;
	char path[96];
	FILE *f;
	long c;

	n = !settled || in_syscall(pid, __NR_pause);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "r");
	if (f) {
		while (fscanf(f, "%ld", &c) == 1)
			n += count_tasks(c, settled);
		fclose(f);
	}
	return n;
}

static pid_t start_workload(const struct workload *w, struct shared **sh)
{
	unsigned int tasks = strcmp(w->kind, "tree") ? 1 : w->n;
	double t = now();
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		workload_main(w);
		_exit(0);
	}
	while (!(*sh = map_shared(pid, 0)) && now() - t < 120)
		usleep(1000);
	if (!*sh || !wait_report(*sh, 0)) {
		fprintf(stderr, "ckpt-bench: workload %s:%lu did not start\n", w->kind, w->n);
		exit(1);
	}
	/* the root is ready; the other processes of a tree too? */
	while (count_tasks(pid, 1) + 1 < tasks) {
		if (now() - t > 120) {
			fprintf(stderr, "ckpt-bench: tree %lu did not start\n", w->n);
			exit(1);
		}
		usleep(1000);
	}
	return pid;
}

/* Kill @pid (its tree dies of PDEATHSIG) and reap every child we have */
static void kill_all(pid_t pid)
{
	kill(pid, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

/* Sum of the Anonymous: lines of @pid and its descendants, in bytes */
static double dirty_bytes(pid_t pid)
{
	char path[96], line[256];
	double kib = 0, v;
	FILE *f;
	long c;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", pid);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Anonymous: %lf kB", &v) == 1)
				kib += v;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
	f = fopen(path, "r");
	if (f) {
		while (fscanf(f, "%ld", &c) == 1)
			kib += dirty_bytes(c) / 1024;
		fclose(f);
	}
	return kib * 1024;
}

/* Run @argv with @in and @out as stdin/stdout; its pid */
static pid_t spawn(const char *const argv[], const char *in, const char *out)
{
	char log[256];
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	if (in) {
		fd = open(in, O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0)
			_exit(127);
	}
	if (out) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
	}
	path_of(log, sizeof(log), "tool.log", -1);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd >= 0)
		dup2(fd, 2);
	close_range(3, ~0U, 0);
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

/*
 * Why a tool failed: the first line of its standard error (the kernel's log
 * line comes first), or for CRIU the last error line of its log @clog
 */
static void tool_error(char *err, size_t size, const char *what, int status,
		       const char *clog)
{
	char log[256], line[256], last[256] = "";
	FILE *f;

	path_of(log, sizeof(log), "tool.log", -1);
	f = clog ? fopen(clog, "r") : NULL;
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (strstr(line, "Error"))
				snprintf(last, sizeof(last), "%s", line);
		fclose(f);
	}
	f = last[0] ? NULL : fopen(log, "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (!last[0] && line[0] != '\n')
				snprintf(last, sizeof(last), "%s", line);
		fclose(f);
	}
	last[strcspn(last, "\n")] = 0;
	snprintf(err, size, "%s failed (status %#x): %s", what, status, last);
	fprintf(stderr, "ckpt-bench: %s\n", err);
}

static void clear_log(void)
{
	char log[256];

	path_of(log, sizeof(log), "tool.log", -1);
	unlink(log);
}

static double dir_bytes(const char *path)
{
	struct dirent *d;
	struct stat st;
	double sum = 0;
	char f[512];
	DIR *dp = opendir(path);

	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.' || strstr(d->d_name, ".log"))
			continue;
		snprintf(f, sizeof(f), "%s/%s", path, d->d_name);
		if (!stat(f, &st) && S_ISREG(st.st_mode))
			sum += st.st_size;
	}
	closedir(dp);
	return sum;
}

static void rm_dir(const char *path)
{
	struct dirent *d;
	char f[512];
	DIR *dp = opendir(path);

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s", path, d->d_name);
		unlink(f);
	}
	closedir(dp);
	rmdir(path);
}

/* Processes in the image of ckpt; 0 if there is no TREE record */
static unsigned int image_tasks(const char *image)
{
	struct ckpt_hdr_tree tree;
	unsigned int n = 0;
	off_t off = 0;
	int fd = open(image, O_RDONLY);

	while (fd >= 0 && pread(fd, &tree, sizeof(tree), off) == sizeof(tree) &&
	       tree.h.len >= sizeof(tree.h)) {
		if (tree.h.type == CKPT_HDR_TREE) {
			n = tree.nr_tasks;
			break;
		}
		off += tree.h.len;
	}
	if (fd >= 0)
		close(fd);
	return n;
}

/* Checkpoint @pid with @tool, the workload measuring its freeze */
static void checkpoint(int tool, pid_t pid, struct shared *sh, unsigned int tasks,
		       struct run *r)
{
	char image[256], cdir[256], clog[300], spid[16];
	const char *const ours[] = { "ckpt", spid, NULL };
	const char *const theirs[] = { criu, "dump", "-t", spid, "-D", cdir, "-o", "dump.log",
				       "--leave-running", NULL };
	unsigned int saved;
	struct rusage ru;
	struct stat st;
	int status, ok;
	uint64_t beat;
	double t;
	pid_t c;

	snprintf(spid, sizeof(spid), "%d", pid);
	path_of(image, sizeof(image), "image", -1);
	path_of(cdir, sizeof(cdir), "criu", -1);
	if (tool == CRIU) {
		rm_dir(cdir);
		if (mkdir(cdir, 0700))
			die(cdir);
	}
	clear_log();

	/* start the measuring loop */
	beat = load(&sh->beat);
	kill(pid, SIGUSR1);
	while (load(&sh->beat) == beat)
		usleep(1000);
	t = now();
	c = spawn(tool == OURS ? ours : theirs, NULL, tool == OURS ? image : NULL);
	if (c < 0 || wait4(c, &status, 0, &ru) != c)
		die("wait4");
	t = now() - t;
	r->freeze = get_report(pid, sh, &ok);
	if (!ok)
		snprintf(r->err, sizeof(r->err), "the workload did not report after %s",
			 tool_name[tool]);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		snprintf(clog, sizeof(clog), "%s/dump.log", cdir);
		tool_error(r->err, sizeof(r->err), tool == OURS ? "ckpt" : "criu dump", status,
			   tool == OURS ? NULL : clog);
		r->freeze = -1;
		return;
	}
	if (tool == OURS) {
		/* a checkpoint of part of the workload does not count */
		saved = image_tasks(image);
		if (saved != tasks) {
			snprintf(r->err, sizeof(r->err), "ckpt saved %u of %u processes", saved,
				 tasks);
			r->freeze = -1;
			return;
		}
	}
	r->ckpt = t;
	r->ckpt_kib = ru.ru_maxrss;
	if (tool == OURS)
		r->image = stat(image, &st) ? 0 : st.st_size;
	else
		r->image = dir_bytes(cdir);
}

static long vm_hwm(pid_t pid)
{
	char path[64], line[128];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Restart the image of @pid (gone) with @tool; check the restored workload */
static void restart(int tool, pid_t pid, struct shared *sh, struct run *r)
{
	char image[256], cdir[256], clog[300];
	const char *const ours[] = { "rstr", NULL };
	const char *const theirs[] = { criu, "restore", "-D", cdir, "-o", "restore.log", "-d",
				       NULL };
	const struct timespec tick = { 0, 1000000 };
	int status = 0, ok, done = tool == OURS, running = 0;
	uint64_t beat = load(&sh->beat);
	uint32_t woken;
	struct rusage ru;
	double t;
	pid_t c;

	path_of(image, sizeof(image), "image", -1);
	path_of(cdir, sizeof(cdir), "criu", -1);
	clear_log();
	/*
	 * The workload was saved in its measuring loop: restored, it counts
	 * beats again. Wait for that on a futex the workload wakes, not
	 * spinning on a CPU the restore could use, and not on a timer tick:
	 * the timeout only looks after the tool's exit or failure (CRIU's
	 * restore -d must also have exited; rstr stays the parent of the
	 * workload). Nothing here blocks for longer than the tick.
	 */
	__atomic_store_n(&sh->waiting, 1, __ATOMIC_RELEASE);
	t = now();
	c = spawn(tool == OURS ? ours : theirs, tool == OURS ? image : NULL, NULL);
	for (;;) {
		woken = __atomic_load_n(&sh->woken, __ATOMIC_ACQUIRE);
		running = load(&sh->beat) != beat;
		if (running && done)
			break;
		if (!done && wait4(c, &status, WNOHANG, &ru) == c) {
			done = 1;
			r->rstr_kib = ru.ru_maxrss;
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				break;
			continue;
		}
		if (tool == OURS && waitpid(c, &status, WNOHANG) == c)
			break;
		if (now() - t > 600) {
			status = -1;
			break;
		}
		/* a beat wakes it; once running, the tick paces the checks for criu's exit */
		syscall(SYS_futex, &sh->woken, FUTEX_WAIT, woken, &tick, NULL, 0);
	}
	t = now() - t;
	if (!running || !done) {
		snprintf(clog, sizeof(clog), "%s/restore.log", cdir);
		tool_error(r->err, sizeof(r->err), tool == OURS ? "rstr" : "criu restore",
			   status, tool == OURS ? NULL : clog);
		kill_all(pid);
		return;
	}
	if (tool == OURS)
		r->rstr_kib = vm_hwm(c);
	get_report(pid, sh, &ok);
	if (!ok) {
		fprintf(stderr, "ckpt-bench: %s restored a corrupt or silent workload\n",
			tool_name[tool]);
		exit(1);
	}
	r->restart = t;
	kill_all(pid);
}

/* The limit: write @len bytes to DIR/plain, read them back, read into new memory */
static void limit(size_t len, double *tw, double *tr, double *tn)
{
	char plain[256];
	double t;
	int k, fd;
	char *buf;
	size_t done;
	ssize_t n;

	path_of(plain, sizeof(plain), "plain", -1);
	len = (len + PAGE - 1) & ~(PAGE - 1);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap");
	fill((unsigned char *)buf, len, 1);
	for (k = 0; k < 3; k++) {
		if (k == 2) {
			munmap(buf, len);
			buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0);
			if (buf == MAP_FAILED)
				die("mmap");
		}
		fd = k ? open(plain, O_RDONLY) : open(plain, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			die(plain);
		t = now();
		for (done = 0; done < len; done += n) {
			if (k)
				n = read(fd, buf + done, len - done);
			else
				n = write(fd, buf + done, len - done);
			if (n <= 0)
				die(k ? "read of the plain file" : "write of the plain file");
		}
		t = now() - t;
		close(fd);
		*(k == 0 ? tw : k == 1 ? tr : tn) = t;
	}
	munmap(buf, len);
	unlink(plain);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of the @n values of field @off of @runs; -1 if one is missing */
static double median(const struct run *runs, int n, size_t off)
{
	double v[MAX_REPS];
	int i;

	for (i = 0; i < n; i++) {
		v[i] = *(const double *)((const char *)&runs[i] + off);
		if (v[i] < 0)
			return -1;
	}
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long max_kib(const struct run *runs, int n, int rstr)
{
	long m = -1;
	int i;

	for (i = 0; i < n; i++)
		if ((rstr ? runs[i].rstr_kib : runs[i].ckpt_kib) > m)
			m = rstr ? runs[i].rstr_kib : runs[i].ckpt_kib;
	return m;
}

/* The ratios, each the median of the ratios of the repetitions */
enum { R_CKPT_CRIU, R_CKPT_WRITE, R_FREEZE_CRIU, R_FREEZE_CKPT, R_RESTART_CRIU,
	R_RESTART_RDNEW, R_RESTART_RD, R_IMAGE_CRIU, R_IMAGE_DIRTY, NR_RATIOS };

struct result {
	char name[32];
	double dirty, write, read, read_new;
	double ckpt[NR_TOOLS], freeze[NR_TOOLS], restart[NR_TOOLS], image[NR_TOOLS];
	long ckpt_kib[NR_TOOLS], rstr_kib[NR_TOOLS];
	double ratio[NR_RATIOS];
	char err[NR_TOOLS][160];
};

/* Median over the repetitions of @a[i] / @b[i]; -1 if one is missing */
static double ratio_median(const double *a, const double *b)
{
	double r[MAX_REPS];
	int i;

	for (i = 0; i < reps; i++) {
		if (a[i] < 0 || b[i] <= 0)
			return -1;
		r[i] = a[i] / b[i];
	}
	qsort(r, reps, sizeof(r[0]), cmp_double);
	return reps % 2 ? r[reps / 2] : (r[reps / 2 - 1] + r[reps / 2]) / 2;
}

/* Field @off of each repetition of @runs */
static void column(const struct run *runs, size_t off, double *v)
{
	int i;

	for (i = 0; i < reps; i++)
		v[i] = *(const double *)((const char *)&runs[i] + off);
}

static void bench(const struct workload *w, struct result *res)
{
	struct run runs[NR_TOOLS][MAX_REPS];
	double tw[MAX_REPS], tr[MAX_REPS], tn[MAX_REPS], dirty = 0, unused;
	double a[MAX_REPS], b[MAX_REPS], d[MAX_REPS];
	unsigned int tasks;
	struct shared *sh;
	char files[256];
	int i, k, tool;
	pid_t pid;

	memset(runs, 0, sizeof(runs));
	memset(res, 0, sizeof(*res));
	snprintf(res->name, sizeof(res->name), "%.15s:%lu", w->kind, w->n);
	path_of(files, sizeof(files), "files", -1);
	mkdir(files, 0700);
	for (i = 0; i < reps; i++) {
		pid = start_workload(w, &sh);
		dirty = dirty_bytes(pid);
		d[i] = dirty;
		tasks = count_tasks(pid, 0);
		/*
		 * The limit next to what is compared with it, as the load of the
		 * machine drifts: write() before the checkpoints, read() after
		 * the restarts
		 */
		limit(dirty, &tw[i], &unused, &unused);
		for (k = 0; k < NR_TOOLS; k++) {
			tool = (i + k) % NR_TOOLS;	/* alternate who goes first */
			runs[tool][i].ckpt = -1;
			runs[tool][i].freeze = -1;
			runs[tool][i].restart = -1;
			runs[tool][i].image = -1;
			runs[tool][i].ckpt_kib = -1;
			runs[tool][i].rstr_kib = -1;
			if (tool == CRIU && !strcmp(criu, "none"))
				snprintf(runs[tool][i].err, sizeof(runs[tool][i].err),
					 "not run (--criu none)");
			else
				checkpoint(tool, pid, sh, tasks, &runs[tool][i]);
		}
		kill_all(pid);
		for (tool = 0; tool < NR_TOOLS; tool++)
			if (runs[tool][i].ckpt >= 0)
				restart(tool, pid, sh, &runs[tool][i]);
		munmap(sh, PAGE);
		path_of(files, sizeof(files), "shared", pid);
		unlink(files);
		path_of(files, sizeof(files), "image", -1);
		unlink(files);
		path_of(files, sizeof(files), "criu", -1);
		rm_dir(files);
		limit(dirty, &unused, &tr[i], &tn[i]);
	}
	path_of(files, sizeof(files), "files", -1);
	rm_dir(files);

	res->dirty = dirty;
	column(runs[OURS], offsetof(struct run, ckpt), a);
	column(runs[CRIU], offsetof(struct run, ckpt), b);
	res->ratio[R_CKPT_CRIU] = ratio_median(a, b);
	res->ratio[R_CKPT_WRITE] = ratio_median(a, tw);
	column(runs[OURS], offsetof(struct run, freeze), b);
	res->ratio[R_FREEZE_CKPT] = ratio_median(b, a);
	column(runs[CRIU], offsetof(struct run, freeze), a);
	res->ratio[R_FREEZE_CRIU] = ratio_median(b, a);
	column(runs[OURS], offsetof(struct run, restart), a);
	column(runs[CRIU], offsetof(struct run, restart), b);
	res->ratio[R_RESTART_CRIU] = ratio_median(a, b);
	res->ratio[R_RESTART_RDNEW] = ratio_median(a, tn);
	res->ratio[R_RESTART_RD] = ratio_median(a, tr);
	column(runs[OURS], offsetof(struct run, image), a);
	column(runs[CRIU], offsetof(struct run, image), b);
	res->ratio[R_IMAGE_CRIU] = ratio_median(a, b);
	res->ratio[R_IMAGE_DIRTY] = ratio_median(a, d);
	qsort(tw, reps, sizeof(double), cmp_double);
	qsort(tr, reps, sizeof(double), cmp_double);
	qsort(tn, reps, sizeof(double), cmp_double);
	res->write = tw[reps / 2];
	res->read = tr[reps / 2];
	res->read_new = tn[reps / 2];
	for (tool = 0; tool < NR_TOOLS; tool++) {
		res->ckpt[tool] = median(runs[tool], reps, offsetof(struct run, ckpt));
		res->freeze[tool] = median(runs[tool], reps, offsetof(struct run, freeze));
		res->restart[tool] = median(runs[tool], reps, offsetof(struct run, restart));
		res->image[tool] = median(runs[tool], reps, offsetof(struct run, image));
		res->ckpt_kib[tool] = max_kib(runs[tool], reps, 0);
		res->rstr_kib[tool] = max_kib(runs[tool], reps, 1);
		for (i = 0; i < reps; i++)
			if (runs[tool][i].err[0] && !res->err[tool][0])
				memcpy(res->err[tool], runs[tool][i].err, sizeof(res->err[tool]));
		if (res->ckpt[tool] < 0 && !res->err[tool][0])
			snprintf(res->err[tool], sizeof(res->err[tool]), "failed");
	}
}

static void num(double v, const char *fmt)
{
	char buf[32];

	if (v < 0)
		snprintf(buf, sizeof(buf), "n/a");
	else
		snprintf(buf, sizeof(buf), fmt, v);
	printf(" %9s", buf);
}

static void ratio(double a, double b)
{
	num(a >= 0 && b > 0 ? a / b : -1, "%.2f");
}

static void print_results(const struct result *res, int n)
{
	int i, t;

	printf("Times in seconds (median of %d), sizes in MiB, peak memory in KiB.\n", reps);
	printf("limit: write() of the dirty bytes to the same directory, read() back into\n"
	       "the same memory (rd) and into new memory (rd-new).\n\n");
	printf("%-12s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s\n",
	       "workload", "dirty", "ckpt", "ckpt", "write", "freeze", "freeze", "restart",
	       "restart", "rd-new", "rd", "image", "image", "ckpt-KiB", "ckpt-KiB", "rstr-KiB",
	       "rstr-KiB", "");
	printf("%-12s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s\n",
	       "", "MiB", "ours", "criu", "limit", "ours", "criu", "ours", "criu", "limit",
	       "limit", "ours", "criu", "ours", "criu", "ours", "criu");
	for (i = 0; i < n; i++) {
		printf("%-12s", res[i].name);
		num(res[i].dirty / MiB, "%.1f");
		num(res[i].ckpt[OURS], "%.4f");
		num(res[i].ckpt[CRIU], "%.4f");
		num(res[i].write, "%.4f");
		num(res[i].freeze[OURS], "%.4f");
		num(res[i].freeze[CRIU], "%.4f");
		num(res[i].restart[OURS], "%.4f");
		num(res[i].restart[CRIU], "%.4f");
		num(res[i].read_new, "%.4f");
		num(res[i].read, "%.4f");
		num(res[i].image[OURS] >= 0 ? res[i].image[OURS] / MiB : -1, "%.2f");
		num(res[i].image[CRIU] >= 0 ? res[i].image[CRIU] / MiB : -1, "%.2f");
		num(res[i].ckpt_kib[OURS], "%.0f");
		num(res[i].ckpt_kib[CRIU], "%.0f");
		num(res[i].rstr_kib[OURS], "%.0f");
		num(res[i].rstr_kib[CRIU], "%.0f");
		printf("\n");
	}
	printf("\nRatios, each the median of the ratios of the repetitions, the limit measured\n"
	       "next to them (below 1: ours is faster or smaller)\n\n");
	printf("%-12s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s\n", "workload",
	       "ckpt", "ckpt", "freeze", "freeze/", "restart", "restart", "restart", "image",
	       "image/", "ckpt-mem", "rstr-mem");
	printf("%-12s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s\n", "", "/criu", "/write",
	       "/criu", "ckpt", "/criu", "/rd-new", "/rd", "/criu", "dirty", "/criu", "/criu");
	for (i = 0; i < n; i++) {
		printf("%-12s", res[i].name);
		for (t = 0; t < NR_RATIOS; t++)
			num(res[i].ratio[t], "%.2f");
		ratio(res[i].ckpt_kib[OURS], res[i].ckpt_kib[CRIU]);
		ratio(res[i].rstr_kib[OURS], res[i].rstr_kib[CRIU]);
		printf("\n");
	}
	for (i = 0; i < n; i++)
		for (t = 0; t < NR_TOOLS; t++)
			if (res[i].err[t][0])
				printf("%s %s: n/a (refused: %s)\n", res[i].name, tool_name[t],
				       res[i].err[t]);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reps", required_argument, NULL, 'r' },
		{ "criu", required_argument, NULL, 'c' },
		{ }
	};
	struct workload w[32];
	struct result *res;
	int c, i, n = 0;

	while ((c = getopt_long(argc, argv, "r:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reps = atoi(optarg);
			break;
		case 'c':
			criu = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind + 2 > argc || reps < 1 || reps > MAX_REPS ||
	    argc - optind - 1 > (int)ARRAY_SIZE(w)) {
		fprintf(stderr, "Usage: ckpt-bench [--reps N] [--criu PATH|none] DIR WORKLOAD...\n"
			"WORKLOAD: mem:MIB sparse:MIB tree:N files:N\n");
		return 2;
	}
	dir = argv[optind];
	for (i = optind + 1; i < argc; i++, n++)
		if (sscanf(argv[i], "%15[a-z]:%lu", w[n].kind, &w[n].n) != 2 ||
		    (strcmp(w[n].kind, "mem") && strcmp(w[n].kind, "sparse") &&
		     strcmp(w[n].kind, "tree") && strcmp(w[n].kind, "files")) || !w[n].n) {
			fprintf(stderr, "ckpt-bench: bad workload %s\n", argv[i]);
			return 2;
		}
	/* orphans of restored trees come to us, to be reaped */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	res = calloc(n, sizeof(*res));
	if (!res)
		die("calloc");
	for (i = 0; i < n; i++) {
		bench(&w[i], &res[i]);
		fprintf(stderr,
			"ckpt-bench: %s: ckpt %.4f/%.4f s, restart %.4f/%.4f s (ours/criu)\n",
			res[i].name, res[i].ckpt[OURS], res[i].ckpt[CRIU], res[i].restart[OURS],
			res[i].restart[CRIU]);
	}
	print_results(res, n);
	return 0;
}
