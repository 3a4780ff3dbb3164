// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt_fuzz - restart mutated checkpoint images as an unprivileged user,
 * and check invariants, not only crashes.
 *
 *   ckpt_fuzz [-n IMAGES] [-s SEED] [-b BATCH] [-l LOGFILE] [-t SECONDS] [-T SECONDS]
 *             [-c CKPTINFO] [-J CAMPAIGNS -j INDEX] [-R IMAGE]
 *
 * -n: images (default: the first pass of the schedule and as many more),
 * -t: how long a restored process may run, -T: how long the whole
 * campaign may run, -J/-j: this is campaign INDEX of CAMPAIGNS side by side
 * (each takes its share of the deterministic schedule), -R: make the images
 * of the campaign up to IMAGE and restart only that one (a reproducer).
 *
 * Seeds: real images of processes that cover every record type (see
 * fuzz_seed.c), all running as uid/gid 1000 without capabilities.
 * Mutations: every field of every record type, known from the layout
 * table of tools/checkpoint/layout.h (see fuzz_mutate.c).
 *
 * The campaign runs as root, as init of a pid namespace of its own. It
 * creates each restarting process with the seed's pid (clone3() with
 * set_tid, and CLONE_NEWIPC for the seed with its own IPC namespace); that
 * process drops to uid/gid 1000, no supplementary group, no capability at
 * all (none in the bounding set either), and calls restart(2). The tree
 * seed is restarted by rstr, run as uid 1000 with CAP_CHECKPOINT_RESTORE
 * only (it creates the processes of the tree with their pids). One image in
 * eight has an allocation of the restarting process fail (failslab and
 * fail_page_alloc through /proc/thread-self/fail-nth).
 *
 * Each image ends as one of:
 *
 *   rejected                  restart(2) returned an errno, with a log line
 *   killed-after-commit       SIGKILL after the point of no return, with a line
 *   restored-ok               the seed came back, its state checked, its
 *                             workload done (fork, reap, exec of this program
 *                             with credentials no more than its restarter's)
 *   restored-inconsistent     it came back, but a check of its state failed
 *   restored-workload-failed  its fork, wait or exec failed
 *   restored-then-died        it died of a signal
 *   restored-still-running    it was still running after -t seconds (killed)
 *   FAILED                    an invariant does not hold: restart(2) returned
 *                             success, or failed without an errno or a log line;
 *                             a restored process has credentials its
 *                             restarter does not; an image ckptinfo finds
 *                             invalid was restored; a task could not be reaped
 *
 * After each image the kernel log (/dev/kmsg) is read for reports (BUG,
 * WARNING, KASAN, Oops, lockdep, RCU, soft lockup, hung task), which are
 * counted against the image and its fields; after each batch kmemleak
 * scans, its leaks are counted, and the unmutated seeds are restarted
 * again as controls. Any report, leak, FAILED image or control that does
 * not restart as it should fails the batch.
 *
 * Output is TAP: one test for the seeds, one per batch, one for the
 * coverage of the layout table; then, per record type and field, what was
 * tried and how it ended, the fields never reached, and the last line
 * "# fuzz: N images ..." with the totals, which rig/guest/fuzz.sh adds up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ckpt_fuzz.h"

struct seed seeds[NR_SEED_KINDS];
int nr_seeds;

enum {
	O_REJECTED, O_KILLED, O_OK, O_INCONSISTENT, O_WORKLOAD, O_DIED, O_TIMEOUT, O_FAILED,
	NR_OUTCOMES
};

static const char * const outcome_names[] = {
	"rejected", "killed-after-commit", "restored-ok", "restored-inconsistent",
	"restored-workload-failed", "restored-then-died", "restored-still-running", "FAILED",
};

/* Written by the restarting child, read by the campaign after waitpid() */
struct shared {
	int err;		/* errno of a restart(2) that returned */
	int returned;
	unsigned int left;	/* fail-nth left then: 0 if the fault was injected */
	pid_t gpid;		/* its pid in the initial namespace, as the kernel log says */
	char why[200];		/* why it could not drop its privileges */
};

static struct shared *sh;
static int imgfd, logfd;
static int timeout_s = 5;
static time_t deadline;
static const char *ckptinfo = "ckptinfo";	/* on PATH; -c "" for none */
static int campaign_idx, nr_campaigns = 1;
static int rerrno[256];
static FILE *logfile;

/* Per image */
struct run {
	int outcome;
	char why[300];
	unsigned int fault;	/* fail-nth armed, or 0 */
	int kreports;		/* kernel reports during it */
};

/* The kernel log */

static int kmsg_fd = -1;
static int fault_depth;		/* "ckpt-fault: injecting" lines not closed by "done" */
static bool alloc_trace;	/* in the trace of an allocation made to fail on purpose */
static int report_lines;	/* lines left of the report being read */
static long total_kreports, printed_kreports;

static const char * const report_starts[] = {
	"BUG:", "WARNING:", "Oops", "general protection fault", "kernel BUG at",
	"Kernel panic", "UBSAN:", "INFO: task", "soft lockup", "hard LOCKUP",
	"detected stall", "list_add corruption", "list_del corruption", "refcount_t:",
	"new suspected memory leak", "Call Trace:",
};

static void kmsg_write(const char *fmt, ...)
{
	char buf[900];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* a marker for whoever reads the log: nothing to do if it can't be written */
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd >= 0 && write(fd, buf, strlen(buf)) < 0)
		errno = 0;
	if (fd >= 0)
		close(fd);
}

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/* Is @line the start of a kernel report? */
static bool report_start(const char *line)
{
	unsigned int i;

	if (!strncmp(line, "traps:", 6) || strstr(line, "ckpt-fuzz") || strstr(line, "ckpt-fault"))
		return false;
	for (i = 0; i < ARRAY_SIZE(report_starts); i++) {
		if (!strstr(line, report_starts[i]))
			continue;
		/* the call trace of an allocation failure injected on purpose */
		if (!strcmp(report_starts[i], "Call Trace:") && (alloc_trace || report_lines))
			return false;
		return true;
	}
	return false;
}

/* The report being read: its lines, and the pid it names */
static char report[60][200];
static int report_n, report_pid;

/*
 * Count and print the report read. It is this campaign's if it happened in
 * @gpid (the restarting process, then the restored one); one naming
 * another pid (a kernel thread, a child of the restored process) is too
 * when this is the only campaign, else the first campaign takes it.
 */
static int report_end(pid_t gpid, const char *what)
{
	bool ours = report_pid == gpid || nr_campaigns == 1 || campaign_idx == 0;
	int k;

	if (!report_n)
		return 0;
	if (ours) {
		total_kreports++;
		printf("# kernel report (%s):\n", what);
		for (k = 0; k < report_n; k++) {
			if (printed_kreports++ < 600)
				printf("#   %s\n", report[k]);
			if (logfile)
				fprintf(logfile, "  %s\n", report[k]);
		}
	}
	report_n = 0;
	report_lines = 0;
	return ours;
}

/* One line of the kernel log: returns the reports of @gpid it ends */
static int kmsg_line(const char *text, pid_t gpid, const char *what)
{
	int found = 0, pid;

	if (strstr(text, "ckpt-fault: injecting"))
		fault_depth++;
	else if (strstr(text, "ckpt-fault: done") && fault_depth)
		fault_depth--;
	if (fault_depth && (strstr(text, "page allocation failure") ||
			    strstr(text, "vmalloc error:")))
		alloc_trace = true;
	else if (alloc_trace && strstr(text, "</TASK>"))
		alloc_trace = false;
	if (!report_lines && report_start(text)) {
		found += report_end(gpid, what);
		report_lines = 60;
		report_pid = -1;
	}
	if (!report_lines)
		return found;
	snprintf(report[report_n++], sizeof(report[0]), "%s", text);
	if (sscanf(text, "CPU: %*d UID: %*d PID: %d", &pid) == 1 ||
	    sscanf(text, "CPU: %*d PID: %d", &pid) == 1)
		report_pid = pid;
	if (--report_lines == 0 || report_n == 60 || strstr(text, "---[ end trace") ||
	    (report_n > 1 && !strncmp(text, "=========", 9)))
		found += report_end(gpid, what);
	return found;
}

/* Read the kernel log written since the last call; returns the reports of @gpid */
static int kmsg_scan(pid_t gpid, const char *what)
{
	char rec[2048], *text, *nl;
	int found = 0;
	ssize_t n;

	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten before we read it */
		if (n <= 0)
			break;
		rec[n] = 0;
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = 0;
		found += kmsg_line(text, gpid, what);
	}
	return found + report_end(gpid, what);
}

/* kmemleak: scan, count the leaks it reports, clear them; shared by the campaigns */

#define KMEMLEAK	"/sys/kernel/debug/kmemleak"

static long kmemleak_batch(const char *what, int scans)
{
	int lock = open("/tmp/ckpt-fuzz.kmemleak.lock", O_RDWR | O_CREAT, 0600), fd, i;
	char *text, *p, *end;
	long n = 0;
	size_t len;

	time_t t0 = time(NULL);

	if (access(KMEMLEAK, W_OK))
		return 0;
	if (lock >= 0)
		flock(lock, LOCK_EX);
	for (i = 0; i < scans; i++)
		write_file(KMEMLEAK, "scan");
	printf("# kmemleak (%s): %d scans in %ld s\n", what, scans, (long)(time(NULL) - t0));
	fd = open(KMEMLEAK, O_RDONLY);
	text = fd >= 0 ? slurp(fd, &len) : NULL;
	if (fd >= 0)
		close(fd);
	for (p = text; p && (p = strstr(p, "unreferenced object")); p++)
		n++;
	if (n) {
		printf("# kmemleak (%s): %ld leaked objects\n", what, n);
		for (p = text, i = 0; p && *p && i < 40; p = end + 1, i++) {
			end = strchrnul(p, '\n');
			printf("#   %.*s\n", (int)(end - p), p);
			if (!*end)
				break;
		}
		write_file(KMEMLEAK, "clear");
	}
	free(text);
	if (lock >= 0)
		close(lock);
	return n;
}

/* Fault injection: fail only at fail-nth, quietly, GFP_KERNEL allocations too */
static bool fault_setup(void)
{
	static const char * const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/failslab/probability", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/probability", "0" },
	};
	unsigned int i;

	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access("/proc/thread-self/fail-nth", W_OK))
		return false;
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (write_file(knobs[i][0], knobs[i][1]))
			return false;
	return true;
}

static bool have_faults;

/* Running one image */

/* Kill everything else in our pid namespace and reap it; false if a task is stuck */
static bool clear_namespace(char *why, size_t whylen)
{
	struct timespec t = { 0, 2 * 1000 * 1000 };
	int loops;
	pid_t got;

	kill(-1, SIGKILL);
	for (loops = 0; loops < 30 * 500; loops++) {
		got = waitpid(-1, NULL, WNOHANG | __WALL);
		if (got < 0 && errno == ECHILD)
			return true;
		if (got <= 0)
			nanosleep(&t, NULL);
	}
	snprintf(why, whylen, "a task of the image was not reaped 30 s after SIGKILL");
	return false;
}

/* Does ckptinfo find the image in imgfd invalid? */
static bool ckptinfo_rejects(void)
{
	char path[64];
	int status, null;
	pid_t pid;

	if (!*ckptinfo)
		return false;
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
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 1;
}

/* Is task @gpid (a pid of the initial namespace) inside restart(2)? */
static bool in_restart(pid_t gpid)
{
	char path[64], buf[64] = "";
	int fd;

	if (gpid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/syscall", gpid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	return atoi(buf) == __NR_restart && buf[0] != '-';
}

enum { W_DONE, W_TIMEOUT, W_HUNG, W_STUCK };

/*
 * Wait for @child: timeout_s seconds, and while it is still inside
 * restart(2) (@gpid, if known) up to 20 s more: a restart waits 10 s at
 * most for the processes of its image. Then kill it. W_STUCK if it can't
 * be reaped 30 s after SIGKILL, W_HUNG if it was killed inside restart(2).
 */
static int wait_child(pid_t child, pid_t gpid, int *status)
{
	struct timespec t = { 0, 2 * 1000 * 1000 };
	bool hung = false;
	pid_t got = 0;
	int loops, more = 0;

	for (loops = 0; loops < (timeout_s + more) * 500 && !got; loops++) {
		got = waitpid(child, status, WNOHANG | __WALL);
		if (got)
			break;
		if (loops == timeout_s * 500 - 1 && in_restart(gpid))
			more = 20;
		nanosleep(&t, NULL);
	}
	if (got)
		return got == child ? W_DONE : W_STUCK;
	hung = in_restart(gpid);
	kill(-1, SIGKILL);
	for (loops = 0; loops < 30 * 500 && !got; loops++) {
		got = waitpid(child, status, WNOHANG | __WALL);
		if (!got)
			nanosleep(&t, NULL);
	}
	if (got != child)
		return W_STUCK;
	return hung ? W_HUNG : W_TIMEOUT;
}

static const char *first_line(char *log)
{
	char *nl;

	if (!log)
		return "";
	nl = strchr(log, '\n');
	if (nl)
		*nl = 0;
	return log;
}

/* The outcome of a restored seed's exit status */
static void restored_outcome(struct run *r, int code)
{
	char buf[200], *c;
	int fd;

	if (code == FUZZ_EXIT_OK) {
		r->outcome = O_OK;
		return;
	}
	if (code == FUZZ_EXIT_CREDS) {
		fd = open(seed_creds_file(), O_RDONLY);
		c = fd >= 0 ? slurp(fd, NULL) : NULL;
		if (fd >= 0)
			close(fd);
		unlink(seed_creds_file());
		snprintf(buf, sizeof(buf), "%s", c ? first_line(c) : "?");
		free(c);
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why),
			 "restored process has credentials beyond its restarter's: %s", buf);
		return;
	}
	r->outcome = code >= FUZZ_EXIT_WORK && code < FUZZ_EXIT_WORK + 10 ? O_WORKLOAD :
		     O_INCONSISTENT;
	snprintf(r->why, sizeof(r->why), "exit %d", code);
}

/* Restart the image in imgfd as the seed @sd, by an unprivileged process */
static void run_single(const struct seed *sd, struct run *r)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid = (uintptr_t)&sd->pid,
				   .set_tid_size = 1 };
	int status = 0, fnfd = -1, w;
	char *log, buf[16];
	pid_t child;

	if (seed_info[sd->kind].flags & SEED_NEWIPC)
		args.flags |= CLONE_NEWIPC;
	child = syscall(__NR_clone3, &args, sizeof(args));
	if (child < 0) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "clone3 with pid %d: %s", sd->pid,
			 strerror(errno));
		return;
	}
	if (!child) {
		if (r->fault)
			fnfd = open("/proc/thread-self/fail-nth", O_RDWR);
		if (become_restarter(sd->kind, sh->why, sizeof(sh->why)))
			_exit(FUZZ_EXIT_SETUP);
		if (readlink("/proc/self", buf, sizeof(buf) - 1) > 0)
			sh->gpid = atoi(buf);
		if (fnfd >= 0) {
			snprintf(buf, sizeof(buf), "%u", r->fault);
			if (pwrite(fnfd, buf, strlen(buf), 0) < 0)
				_exit(FUZZ_EXIT_SETUP);
		}
		sys_restart(0, imgfd, 0, logfd);
		sh->err = errno;
		sh->returned = 1;
		if (fnfd >= 0 && pread(fnfd, buf, sizeof(buf) - 1, 0) > 0) {
			sh->left = strtoul(buf, NULL, 10);
			if (pwrite(fnfd, "0", 1, 0) < 0)
				sh->left = ~0U;
		}
		_exit(FUZZ_EXIT_RETURNED);
	}
	w = wait_child(child, sh->gpid, &status);
	if (w == W_STUCK) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "pid %d: not reaped 30 s after SIGKILL", sd->pid);
		return;
	}
	log = slurp(logfd, NULL);
	if (w == W_HUNG) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "still inside restart(2) after %d s",
			 timeout_s + 20);
	} else if (w == W_TIMEOUT) {
		r->outcome = O_TIMEOUT;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == FUZZ_EXIT_SETUP) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "could not become the restarter: %s", sh->why);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == FUZZ_EXIT_RETURNED &&
		   sh->returned) {
		if (!sh->err) {
			r->outcome = O_FAILED;
			snprintf(r->why, sizeof(r->why), "restart returned 0 without restoring");
		} else if (log && strstr(log, "restart[")) {
			r->outcome = O_REJECTED;
			rerrno[sh->err & 255]++;
			snprintf(r->why, sizeof(r->why), "%s", first_line(log));
		} else if (r->fault && sh->err == ENOMEM && !sh->left &&
			   !lseek(imgfd, 0, SEEK_CUR)) {
			/* its context could not be allocated: nothing read, nothing to log with */
			r->outcome = O_REJECTED;
			rerrno[ENOMEM]++;
			snprintf(r->why, sizeof(r->why), "ENOMEM before reading (fail-nth)");
		} else {
			r->outcome = O_FAILED;
			snprintf(r->why, sizeof(r->why), "rejected (%s) without a log line",
				 strerror(sh->err));
		}
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		if (log && strstr(log, "restart[")) {
			r->outcome = O_KILLED;
			snprintf(r->why, sizeof(r->why), "%s", first_line(log));
		} else {
			r->outcome = O_FAILED;
			snprintf(r->why, sizeof(r->why), "killed without a log line");
		}
	} else if (WIFEXITED(status)) {
		restored_outcome(r, WEXITSTATUS(status));
	} else {
		r->outcome = O_DIED;
		snprintf(r->why, sizeof(r->why), "signal %d", WTERMSIG(status));
	}
	free(log);
}

/* The errno of a "rstr: restart of pid N failed: MESSAGE" line */
static int rstr_errno(const char *log)
{
	const char *p = log ? strstr(log, "failed: ") : NULL;
	int e;

	if (!p)
		return 0;
	p += 8;
	for (e = 1; e < 134; e++)
		if (!strncmp(p, strerror(e), strlen(strerror(e))))
			return e;
	return 0;
}

/*
 * Restart the image in imgfd with rstr, run as uid 1000 with only
 * CAP_CHECKPOINT_RESTORE: its exit status is the restored root's, which
 * checks and reaps its thread, children and zombie
 */
static void run_rstr_image(const struct seed *sd, struct run *r)
{
	int status = 0, code, w;
	char *log, *k;
	pid_t child;

	child = fork();
	if (child < 0) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "fork: %s", strerror(errno));
		return;
	}
	if (!child) {
		if (dup2(imgfd, 0) || dup2(logfd, 1) != 1 || dup2(logfd, 2) != 2)
			_exit(FUZZ_EXIT_SETUP);
		close_range(3, ~0U, 0);
		if (become_restarter(sd->kind, sh->why, sizeof(sh->why)))
			_exit(FUZZ_EXIT_SETUP);
		execlp("rstr", "rstr", NULL);
		snprintf(sh->why, sizeof(sh->why), "exec rstr: %s", strerror(errno));
		_exit(FUZZ_EXIT_SETUP);
	}
	/* rstr and the tree take longer: a restart waits 10 s for late processes */
	timeout_s += 15;
	w = wait_child(child, 0, &status);
	timeout_s -= 15;
	if (w == W_STUCK) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "rstr: not reaped 30 s after SIGKILL");
		return;
	}
	log = slurp(logfd, NULL);
	k = log ? strstr(log, "restart[") : NULL;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (w != W_DONE) {
		r->outcome = O_TIMEOUT;
	} else if (code == FUZZ_EXIT_SETUP) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "could not start rstr: %s", sh->why);
	} else if (code == 1 && k) {
		r->outcome = O_REJECTED;
		rerrno[rstr_errno(log) & 255]++;
		snprintf(r->why, sizeof(r->why), "%s", first_line(k));
	} else if (code == 1 && log && strstr(log, "rstr: restart of pid")) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "restart(2) failed without a log line: %s",
			 first_line(strstr(log, "rstr: restart of pid")));
	} else if (code == 1) {
		/* rstr itself found the head of the image wrong, or could not make its tree */
		r->outcome = O_REJECTED;
		snprintf(r->why, sizeof(r->why), "%s", first_line(log));
	} else if (code == 128 + SIGKILL && k) {
		r->outcome = O_KILLED;
		snprintf(r->why, sizeof(r->why), "%s", first_line(k));
	} else if (code > 128) {
		r->outcome = O_DIED;
		snprintf(r->why, sizeof(r->why), "signal %d", code - 128);
	} else {
		restored_outcome(r, code);
	}
	free(log);
}

/* Restart @buf (@len bytes) as seed @sd; the kernel reports it caused go in r->kreports */
static void run_image(const struct seed *sd, const char *buf, size_t len, struct run *r,
		      const char *what)
{
	char why[200];

	r->why[0] = 0;
	r->kreports = 0;
	memset(sh, 0, sizeof(*sh));
	if (ftruncate(imgfd, 0) || pwrite(imgfd, buf, len, 0) != (ssize_t)len ||
	    lseek(imgfd, 0, SEEK_SET) || ftruncate(logfd, 0) || lseek(logfd, 0, SEEK_SET)) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "writing the image: %s", strerror(errno));
		return;
	}
	kmsg_write("ckpt-fuzz: %d %s\n", campaign_idx, what);
	if (r->fault)
		kmsg_write("ckpt-fault: injecting allocation failures (fuzz %d)\n", campaign_idx);
	if (seed_info[sd->kind].flags & SEED_RSTR)
		run_rstr_image(sd, r);
	else
		run_single(sd, r);
	if (r->fault)
		kmsg_write("ckpt-fault: done (fuzz %d)\n", campaign_idx);
	if (!clear_namespace(why, sizeof(why)) && r->outcome != O_FAILED) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "%s", why);
	}
	unlink(seed_creds_file());
	if (r->outcome >= O_OK && r->outcome <= O_TIMEOUT && ckptinfo_rejects()) {
		r->outcome = O_FAILED;
		snprintf(r->why, sizeof(r->why), "restored an image that ckptinfo finds invalid");
	}
	r->kreports = kmsg_scan(sh->gpid, what);
}

/* The tail of @buf fixed (length, record count, checksum), if it has one where it should */
static void fix_tail(char *buf, size_t len)
{
	struct image img = { .buf = buf, .len = len };
	struct ckpt_hdr_tail *t;

	if (len < sizeof(*t) || image_nr_records(&img) < 2)
		return;
	t = (struct ckpt_hdr_tail *)(buf + len - sizeof(*t));
	if (t->h.type != CKPT_HDR_TAIL || t->h.len != sizeof(*t))
		return;
	image_fix_tail(&img);
}

/* Checkpoint a seed (killing it) into its image */
static int checkpoint_seed(struct seed *s)
{
	int fd = memfd("seed"), lfd = memfd("log");
	bool error = seed_info[s->kind].flags & SEED_FAILS;
	char *log;
	long ret;

	ret = sys_checkpoint(s->pid, fd, CHECKPOINT_KILL | CHECKPOINT_SUBTREE, lfd);
	if (error ? ret >= 0 || errno != EOPNOTSUPP : ret < 0) {
		log = slurp(lfd, NULL);
		printf("# seed %s: checkpoint returned %ld (%s): %s\n", seed_info[s->kind].name,
		       ret, strerror(errno), log ? log : "");
		free(log);
	}
	/* a failed checkpoint does not kill */
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->buf = slurp(fd, &s->len);
	close(fd);
	close(lfd);
	if (!s->buf || !s->len || (error ? ret >= 0 : ret < 0))
		return -1;
	return img_parse(&s->im, s->buf, s->len);
}

/* Restart every seed unmodified: each must come back whole (ERROR: be killed) */
static int controls(const char *when)
{
	struct run r;
	char what[64];
	int k, bad = 0, expect;

	for (k = 0; k < nr_seeds; k++) {
		memset(&r, 0, sizeof(r));
		snprintf(what, sizeof(what), "control %s seed %s", when, seed_info[k].name);
		run_image(&seeds[k], seeds[k].buf, seeds[k].len, &r, what);
		expect = seed_info[k].flags & SEED_FAILS ? O_KILLED : O_OK;
		if (r.outcome != expect || r.kreports) {
			printf("# control %s: seed %s unmutated: %s, %s%s\n", when,
			       seed_info[k].name, outcome_names[r.outcome], r.why,
			       r.kreports ? ", kernel report" : "");
			bad++;
		}
	}
	return bad;
}

struct totals {
	long o[NR_OUTCOMES];
	long kreports, leaks, controls_bad;
};

static int print_batch(int test, long first, long last, struct totals *b, int bad)
{
	int o;

	bad |= b->o[O_FAILED] || b->kreports || b->leaks || b->controls_bad;
	printf("%s %d images %ld-%ld:", bad ? "not ok" : "ok", test, first, last);
	for (o = 0; o < NR_OUTCOMES; o++)
		printf(" %ld %s,", b->o[o], outcome_names[o]);
	printf(" %ld kernel reports, %ld leaked objects%s\n", b->kreports, b->leaks,
	       b->controls_bad ? ", controls FAILED" : "");
	memset(b, 0, sizeof(*b));
	fflush(stdout);
	if (logfile)
		fflush(logfile);
	return bad;
}

static void account(struct fuzz_image *fi, const struct run *r)
{
	int k, col;

	for (k = 0; k < fi->nr_touch; k++) {
		struct slot *s = &slots[fi->touch[k]];

		s->cnt[COL_TRIED]++;
		switch (r->outcome) {
		case O_REJECTED:
			col = COL_REJECTED;
			break;
		case O_KILLED:
			col = COL_KILLED;
			break;
		case O_OK:
			col = COL_OK;
			break;
		case O_FAILED:
			col = COL_FAILED;
			break;
		default:
			col = COL_OTHER;
		}
		s->cnt[col]++;
		if (r->kreports)
			s->cnt[COL_KREPORT]++;
	}
}

/* The table of fields, and the fields never reached; returns how many */
static int print_table(void)
{
	char name[96], line[2048];
	int s, never = 0;
	size_t n = 0;

	printf("# per record type and field: images that mutated it, and how they ended:\n");
	printf("# %-34s %6s %6s %6s %6s %6s %6s %6s\n", "field", "tried", "errno", "ok",
	       "killed", "kreport", "other", "FAILED");
	for (s = 0; s < nr_slots; s++) {
		printf("# field %-28s %6ld %6ld %6ld %6ld %6ld %6ld %6ld\n",
		       slot_name(s, name, sizeof(name)), slots[s].cnt[COL_TRIED],
		       slots[s].cnt[COL_REJECTED], slots[s].cnt[COL_OK], slots[s].cnt[COL_KILLED],
		       slots[s].cnt[COL_KREPORT], slots[s].cnt[COL_OTHER],
		       slots[s].cnt[COL_FAILED]);
	}
	line[0] = 0;
	for (s = 0; s < nr_slots; s++) {
		if (slots[s].cnt[COL_TRIED])
			continue;
		never++;
		slot_name(s, name, sizeof(name));
		if (n + strlen(name) + 2 < sizeof(line))
			n += snprintf(line + n, sizeof(line) - n, " %s", name);
	}
	if (nr_campaigns > 1)
		printf("# fuzz: never reached by this campaign: %d (rig/guest/fuzz.sh adds up)\n",
		       never);
	else
		printf("# fuzz: never reached:%s\n", never ? line : " none");
	return never;
}

static void usage(void)
{
	fprintf(stderr, "Usage: ckpt_fuzz [-n IMAGES] [-s SEED] [-b BATCH] [-l LOG] [-t TIMEOUT]\n"
		"                 [-T TIME_LIMIT] [-c CKPTINFO] [-J CAMPAIGNS -j INDEX] [-R IMAGE]\n");
	exit(2);
}

static int run_campaign(long n, uint64_t prng, int batch, const char *logpath, long replay, int id)
{
	struct totals tot = { }, bt = { };
	struct fuzz_image fi = { };
	int k, o, test = 1, nbatches, failed = 0, never;
	bool first_pass_done;
	char why[200], what[900], fault[32];
	struct run r;
	time_t t0;
	size_t len;
	char *buf;
	long i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	imgfd = memfd("fuzz-image");
	logfd = memfd("fuzz-log");
	if (sh == MAP_FAILED || imgfd < 0 || logfd < 0)
		return 1;
	if (logpath) {
		logfile = fopen(logpath, "w");
		if (!logfile)
			perror(logpath);
	}
	seed_paths(id, campaign_idx);
	/* restored processes that crash are counted, not logged by the kernel */
	write_file("/proc/sys/debug/exception-trace", "0");
	have_faults = fault_setup();
	kmsg_open();
	if (seed_files_create()) {
		printf("TAP version 13\n1..1\nnot ok 1 seed files: %s\n", strerror(errno));
		return 1;
	}
	/* all started first, so that none inherits the images of the others */
	for (k = 0; k < NR_SEED_KINDS; k++) {
		seeds[k].kind = k;
		why[0] = 0;
		seeds[k].pid = seed_start(k, why, sizeof(why));
		if (seeds[k].pid < 0) {
			printf("TAP version 13\n1..1\nnot ok 1 seed %s: %s\n", seed_info[k].name,
			       why);
			return 1;
		}
	}
	usleep(200 * 1000);	/* into their sleeps */
	for (k = 0; k < NR_SEED_KINDS; k++) {
		if (checkpoint_seed(&seeds[k])) {
			printf("TAP version 13\n1..1\nnot ok 1 seed %s: no image\n",
			       seed_info[k].name);
			return 1;
		}
	}
	nr_seeds = NR_SEED_KINDS;
	/* the children of the tree, killed: their pids must be free */
	clear_namespace(why, sizeof(why));
	if (fuzz_tables_init(why, sizeof(why))) {
		printf("TAP version 13\n1..1\nnot ok 1 layout table: %s\n", why);
		return 1;
	}
	if (!n)
		n = 2 * ((fuzz_first_pass_len() + nr_campaigns - 1) / nr_campaigns);
	if (replay >= n)
		n = replay + 1;
	nbatches = (n + batch - 1) / batch;
	if (replay >= 0)
		nbatches = 1;
	printf("TAP version 13\n1..%d\n", 2 + nbatches);
	printf("# fuzz %d of %d, prng seed %llu: %ld images\n", campaign_idx, nr_campaigns,
	       (unsigned long long)prng, n);
	printf("# layout table: %u record types, %d slots (fields and records)\n", ckpt_nr_layouts,
	       nr_slots);
	printf("# schedule: %ld items, first pass %ld\n", fuzz_schedule_len(),
	       fuzz_first_pass_len());
	printf("# restarted by uid %d gid %d, no supplementary group, no capability\n", FUZZ_UID,
	       FUZZ_GID);
	printf("# (the tree seed by rstr, with CAP_CHECKPOINT_RESTORE only)\n");
	printf("# fault injection: %s\n", have_faults ? "on 1 image in 8" : "not available");
	for (k = 0; k < nr_seeds; k++)
		printf("# seed %d (%s): pid %d, %zu bytes, %d records\n", k, seed_info[k].name,
		       seeds[k].pid, seeds[k].len, seeds[k].im.n);
	tot.leaks += kmemleak_batch("before the first image", 1);

	/* the seeds come back as they were */
	seed_go(true);
	k = controls("at start");
	if (k || tot.leaks) {
		printf("not ok %d seed images: %d of %d do not restart as they were%s\n", test,
		       k, nr_seeds, tot.leaks ? ", kernel memory leaked before" : "");
		return 1;
	}
	printf("ok %d seed images: %d seeds restart as they were, unprivileged\n", test++,
	       nr_seeds);

	rng_seed(prng);
	t0 = time(NULL);
	for (i = 0; i < n; i++) {
		unsigned int fn;

		if (deadline && time(NULL) >= deadline) {
			printf("# fuzz: time is up after %ld images\n", i);
			break;
		}
		fuzz_make(&fi, i, campaign_idx, nr_campaigns);
		/* drawn for every image, so that -R makes the same ones */
		fn = 1 + rnd_below(1 + (1U << rnd_below(12)));
		memset(&r, 0, sizeof(r));
		if (have_faults && !(rnd() & 7) && !(seed_info[fi.seed].flags & SEED_RSTR))
			r.fault = fn;
		if (replay >= 0 && i != replay)
			continue;
		buf = img_assemble(&fi.im, &len);
		if (fi.fix_tail)
			fix_tail(buf, len);
		if (fi.im.cut && fi.im.cut < len)
			len = fi.im.cut;
		fault[0] = 0;
		if (r.fault)
			snprintf(fault, sizeof(fault), " fail-nth %u", r.fault);
		snprintf(what, sizeof(what), "image %ld seed %s%s%s: %s%s", i,
			 seed_info[fi.seed].name, fi.det ? " det" : "", fault, fi.desc,
			 fi.fix_tail ? "" : " (tail kept)");
		run_image(&seeds[fi.seed], buf, len, &r, what);
		free(buf);
		tot.o[r.outcome]++;
		bt.o[r.outcome]++;
		tot.kreports += r.kreports;
		bt.kreports += r.kreports;
		account(&fi, &r);
		if (logfile)
			fprintf(logfile, "%s: %s: %s\n", what, outcome_names[r.outcome], r.why);
		if (r.outcome == O_FAILED || r.kreports) {
			printf("# %s (fuzz %d, prng seed %llu): %s: %s\n", what, campaign_idx,
			       (unsigned long long)prng, outcome_names[r.outcome], r.why);
			if (strstr(r.why, "not reaped"))
				n = i + 1;	/* its pid is lost: stop */
		}
		if ((i + 1) % batch == 0 || i + 1 == n || replay >= 0) {
			snprintf(what, sizeof(what), "after image %ld", i);
			bt.leaks = kmemleak_batch(what, 1);
			tot.leaks += bt.leaks;
			bt.controls_bad = controls(what);
			tot.controls_bad += bt.controls_bad;
			failed |= print_batch(test++, i - i % batch, i, &bt, 0);
		}
		if (replay >= 0 && i == replay)
			break;
	}
	if (i < n && i % batch && replay < 0)
		failed |= print_batch(test++, i - i % batch, i - 1, &bt, 0);
	printf("# fuzz time: %ld images in %ld s, with controls and kmemleak scans\n", i,
	       (long)(time(NULL) - t0));
	n = replay >= 0 ? 1 : i;
	/* the batches a time limit left out: the plan must add up */
	while (test <= 1 + nbatches)
		printf("ok %d images not run # SKIP time limit\n", test++);
	/* leaks of the last images: an object must be unreferenced for 5 s */
	sleep(6);
	k = kmemleak_batch("at the end", 2);
	tot.leaks += k;
	failed |= k > 0;
	never = print_table();
	first_pass_done = i >= (fuzz_first_pass_len() + nr_campaigns - 1) / nr_campaigns;
	printf("# fuzz: first pass of the schedule: %s\n", first_pass_done ? "done" : "not done");
	if (nr_campaigns > 1 || replay >= 0 || !first_pass_done)
		printf("ok %d every field of the layout table reached # SKIP %s\n", test++,
		       nr_campaigns > 1 ? "several campaigns: rig/guest/fuzz.sh adds them up" :
		       "first pass of the schedule not run");
	else
		printf("%s %d every field of the layout table reached: %d of %d never\n",
		       never ? "not ok" : "ok", test++, never, nr_slots);
	failed |= never && nr_campaigns == 1 && first_pass_done && replay < 0;
	printf("# fuzz: errnos of rejections:");
	for (k = 1; k < 256; k++)
		if (rerrno[k])
			printf(" %s=%d", strerrorname_np(k) ?: "?", rerrno[k]);
	printf("\n");
	printf("# fuzz: %ld images (prng seed %llu): ", n, (unsigned long long)prng);
	for (o = 0; o < NR_OUTCOMES; o++)
		printf("%ld %s, ", tot.o[o], outcome_names[o]);
	printf("%ld kernel reports, %ld leaked objects, %ld controls failed, ", tot.kreports,
	       tot.leaks, tot.controls_bad);
	printf("%d fields never reached\n", never);
	seed_files_remove();
	write_file("/proc/sys/debug/exception-trace", "1");
	if (logfile)
		fclose(logfile);
	return failed;
}

int main(int argc, char **argv)
{
	long n = 0, replay = -1;
	uint64_t seed = 1;
	int c, batch = 250, status, id = getpid();
	const char *logpath = NULL;
	ssize_t len;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "--workload"))
		return workload_main(argc, argv);
	len = readlink("/proc/self/exe", fuzz_self, sizeof(fuzz_self) - 1);
	if (len <= 0)
		return 1;
	fuzz_self[len] = 0;
	/* the same address space layout in every run: images are alike, -R repeats */
	if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE) &&
	    personality(ADDR_NO_RANDOMIZE) >= 0)
		execv(fuzz_self, argv);
	while ((c = getopt(argc, argv, "n:s:t:b:l:c:T:J:j:R:")) != -1) {
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
		case 'J':
			nr_campaigns = atoi(optarg);
			break;
		case 'j':
			campaign_idx = atoi(optarg);
			break;
		case 'R':
			replay = atol(optarg);
			break;
		default:
			usage();
		}
	}
	if (n < 0 || batch < 1 || timeout_s < 1 || nr_campaigns < 1 || campaign_idx < 0 ||
	    campaign_idx >= nr_campaigns)
		usage();
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
		exit(run_campaign(n, seed, batch, logpath, replay, id));
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
