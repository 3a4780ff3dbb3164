// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege rules of Documentation/checkpoint/security.rst:
 *
 * - no kernel address in an image or a log line;
 * - a restart gives the restored process no credential, capability,
 *   executable or file its caller could not have had itself: the
 *   credentials of a process that ran a setuid executable, an executable
 *   and a file that the caller may no longer use are refused;
 * - what the caller may have, it gets back (the same images restart when
 *   the caller has the rights), so each refusal is about the right.
 *
 * The restarts run as uid 65534 with only CAP_CHECKPOINT_RESTORE (needed
 * for clone3() set_tid), as a checkpoint/restart helper without root would.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/sched.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

#define NOBODY		65534
#define PROG		"/tmp/ckpt-sec-prog"
#define SECRET		"/tmp/ckpt-sec-file"

/*
 * The regions of the x86-64 kernel address space that pointers point
 * into: the direct map, vmalloc, vmemmap, KASAN shadow and cpu entry area
 * (0xffff800000000000 up to 0xffffff0000000000), and the kernel image,
 * modules and fixmap (0xffffffff80000000 up to the vsyscall page). Two
 * 32-bit fields read as one word, the second -1, give 0xffffffffXXXXXXXX
 * below 0xffffffff80000000 unless the first has its top bit set.
 */
static int kernel_looking(uint64_t v)
{
	return (v >= 0xffff800000000000ULL && v < 0xffffff0000000000ULL) ||
	       (v >= 0xffffffff80000000ULL && v < 0xffffffffff600000ULL);
}

/*
 * Words of the image that look like kernel addresses, outside the contents
 * of user memory and user registers (PAGE_DATA, FPU), which hold whatever
 * the program put there. Returns how many, and the words scanned in @nr.
 */
static int scan_image(struct image *img, size_t *nr, char *what, size_t size)
{
	struct ckpt_hdr *h;
	size_t off = 0, i;
	uint64_t v;
	int found = 0;

	*nr = 0;
	while (off + sizeof(*h) <= img->len) {
		h = (struct ckpt_hdr *)(img->buf + off);
		if (h->len < sizeof(*h) || h->len > img->len - off)
			return -1;
		if (h->type != CKPT_HDR_PAGE_DATA && h->type != CKPT_HDR_FPU) {
			for (i = sizeof(*h); i + 8 <= h->len; i += 8) {
				memcpy(&v, img->buf + off + i, 8);
				(*nr)++;
				if (kernel_looking(v) && !found++)
					snprintf(what, size, "record type %u at %zu, +%zu: %#llx",
						 h->type, off, i, (unsigned long long)v);
			}
		}
		off += h->len;
	}
	return found;
}

/* A hex number of 12 or more digits starting with ffff in text: a %px */
static int text_has_address(const char *s)
{
	const char *p = s;

	while ((p = strstr(p, "ffff"))) {
		size_t n = strspn(p, "0123456789abcdef");

		if (n >= 12)
			return 1;
		p += n;
	}
	return 0;
}

/* A child with some of everything the kernel keeps addresses for */
static void busy_child(struct cycle *c, int kind)
{
	struct timespec long_sleep = { 3600, 0 };
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536 };
	int fd = open("/dev/null", O_RDWR);

	signal(SIGUSR1, SIG_IGN);
	sigaltstack(&ss, NULL);
	if (fd < 0 || dup2(fd, 9) != 9)
		_exit(90);
	if (kind == 2 && dup2(inotify_init1(0), 10) != 10)	/* checkpoint fails */
		_exit(91);
	ready_child(c);
	if (kind == 1)
		nanosleep(&long_sleep, NULL);	/* interrupted sleep */
	wait_restored();
	_exit(0);
}

TEST(no_kernel_addresses)
{
	char what[128] = "", *log;
	struct image img;
	struct cycle c;
	size_t nr, total = 0;
	int kind, found;
	uint64_t planted = 0xffff888012345678ULL;

	for (kind = 0; kind < 3; kind++) {
		if (!cycle_fork(&c))
			busy_child(&c, kind);
		ASSERT_LT(0, c.pid);
		cycle_checkpoint(&c, 0);
		reap(c.pid);
		ASSERT_NE(NULL, c.img.buf);
		found = scan_image(&c.img, &nr, what, sizeof(what));
		EXPECT_EQ(0, found) TH_LOG("image %d: %s", kind, what);
		EXPECT_FALSE(text_has_address(c.log)) TH_LOG("log: %s", c.log);
		if (kind == 2) {
			struct ckpt_hdr_error *he = (void *)image_record(&c.img, CKPT_HDR_ERROR, 0);

			ASSERT_NE(NULL, he) TH_LOG("the checkpoint did not fail: %s", c.log);
			EXPECT_FALSE(text_has_address(he->msg)) TH_LOG("error record: %s", he->msg);
		}
		total += nr;
		/* the scan finds an address where there is one */
		img.len = c.img.len;
		img.buf = malloc(img.len);
		ASSERT_NE(NULL, img.buf);
		memcpy(img.buf, c.img.buf, img.len);
		memcpy((char *)image_record(&img, CKPT_HDR_TASK, 0) + 64, &planted, 8);
		EXPECT_EQ(1, scan_image(&img, &nr, what, sizeof(what)));
		free(img.buf);
		free(c.img.buf);
		free(c.log);
	}
	EXPECT_LT(1000, total);
	log = strdup("restart: ffffffff81000000");
	EXPECT_TRUE(text_has_address(log));
	free(log);
}

/* Become uid 65534 with only CAP_CHECKPOINT_RESTORE; 0 on success */
static int become_restarter(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { };

	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) ||
	    setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	data[1].effective = 1U << (CAP_CHECKPOINT_RESTORE - 32);
	data[1].permitted = 1U << (CAP_CHECKPOINT_RESTORE - 32);
	return syscall(SYS_capset, &hdr, data);
}

/*
 * Restart @c->img unprivileged (@as_nobody) or as root, in a child;
 * returns the wait status of the process that called restart(2): exit
 * 100 if restart(2) returned, SIGKILL if it failed after the point of no
 * return, else the restored program's status. The log goes to c->log.
 */
static rlim_t restarter_nofile_max;	/* if not 0, the restarter's hard limit */

static int restart_as(struct cycle *c, int as_nobody)
{
	int status;
	pid_t pid;

	free(c->log);
	c->log = strdup("");
	pid = fork();
	if (!pid) {
		struct rlimit rl = { restarter_nofile_max, restarter_nofile_max };

		if (restarter_nofile_max && setrlimit(RLIMIT_NOFILE, &rl))
			_exit(122);
		if (as_nobody && become_restarter())
			_exit(120);
		status = cycle_restart(c);
		/* the log and the status of the restarter, to the test */
		fputs(c->log, stdout);
		fflush(stdout);
		if (status < 0)
			_exit(121);
		if (WIFSIGNALED(status))
			_exit(130 + WTERMSIG(status));
		_exit(WEXITSTATUS(status));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Same, with the log the child prints in c->log */
static int restart_as_log(struct cycle *c, int as_nobody)
{
	int p[2], saved = dup(1), ret;
	char buf[4096];
	size_t len = 0;
	ssize_t n;

	if (pipe(p))
		return -1;
	fflush(stdout);
	dup2(p[1], 1);
	close(p[1]);
	ret = restart_as(c, as_nobody);
	dup2(saved, 1);
	close(saved);
	while (len < sizeof(buf) - 1 && (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(p[0]);
	free(c->log);
	c->log = strdup(buf);
	return ret;
}

/*
 * The seed: a process as uid 65534 that runs PROG (a copy of this test),
 * which may have a file open as fd 5. Its restored copy checks that it
 * has no capability beyond its restarter's (CAP_CHECKPOINT_RESTORE) unless
 * it is root, and exits 0.
 */
static int seed_main(int with_file)
{
	struct cycle c = { .ready = { -1, 3 } };
	unsigned long long caps;
	char line[256];
	FILE *f;
	int fd;

	if (with_file) {
		fd = open(SECRET, O_RDWR);
		if (fd < 0 || dup2(fd, 5) != 5)
			return 80;
		close(fd);
	}
	ready_child(&c);
	wait_restored();
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CapEff:", 7))
			continue;
		caps = strtoull(line + 7, NULL, 16);
		return geteuid() && caps & ~(1ULL << CAP_CHECKPOINT_RESTORE) ? 81 : 0;
	}
	return 82;
}

/* Start PROG as uid 65534 with @arg; checkpoint it (killed) into c->img */
static long seed(struct cycle *c, const char *arg)
{
	long ret;

	if (!cycle_fork(c)) {
		int null = open("/dev/null", O_RDWR);

		/* fds it may open again: not the console, which is root's */
		if (dup2(null, 0) || dup2(null, 1) != 1 || dup2(null, 2) != 2 ||
		    dup2(c->ready[1], 3) != 3 || setgroups(0, NULL) ||
		    setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
			_exit(70);
		close_range(4, ~0U, 0);
		execl(PROG, PROG, arg, NULL);
		_exit(71);
	}
	if (c->pid < 0)
		return -1;
	ret = cycle_checkpoint(c, CHECKPOINT_KILL);
	if (ret < 0)
		reap(c->pid);
	else
		waitpid(c->pid, NULL, 0);
	return ret;
}

static int copy_self(mode_t mode)
{
	struct image self;
	int in = open("/proc/self/exe", O_RDONLY), out;

	self.buf = slurp(in, &self.len);
	close(in);
	unlink(PROG);
	out = open(PROG, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (!self.buf || out < 0 || write(out, self.buf, self.len) != (ssize_t)self.len)
		return -1;
	close(out);
	free(self.buf);
	return chmod(PROG, mode);
}

/* The credentials a setuid executable gave: only a caller that may set them */
TEST(setuid_credentials)
{
	struct cycle c;
	int st;

	ASSERT_EQ(0, copy_self(04755));
	ASSERT_LT(0, seed(&c, "--seed")) TH_LOG("%s", c.log);
	/* uid 65534, euid and suid 0 */
	st = restart_as_log(&c, 1);
	EXPECT_EQ(100, st) TH_LOG("log: %s", c.log);
	EXPECT_NE(NULL, strstr(c.log, "may not take uid 65534/0/0/0")) TH_LOG("log: %s", c.log);
	/* root may: the image itself is fine */
	st = restart_as_log(&c, 0);
	EXPECT_EQ(0, st) TH_LOG("log: %s", c.log);
	unlink(PROG);
}

/* The executable is checked again: the caller must be allowed to run it */
TEST(executable_rechecked)
{
	struct cycle c;
	int st;

	ASSERT_EQ(0, copy_self(0755));
	ASSERT_LT(0, seed(&c, "--seed")) TH_LOG("%s", c.log);
	/* as it was: the unprivileged caller may restart it, with no capability */
	st = restart_as_log(&c, 1);
	EXPECT_EQ(0, st) TH_LOG("log: %s", c.log);
	/* readable, not executable by the restarter */
	ASSERT_EQ(0, chmod(PROG, 0744));
	st = restart_as_log(&c, 1);
	EXPECT_EQ(100, st) TH_LOG("log: %s", c.log);
	EXPECT_NE(NULL, strstr(c.log, "is not an executable the caller may run"))
		TH_LOG("log: %s", c.log);
	unlink(PROG);
}

/* Files are opened again with the caller's rights */
TEST(file_rechecked)
{
	struct cycle c;
	int fd, st;

	ASSERT_EQ(0, copy_self(0755));
	fd = open(SECRET, O_RDWR | O_CREAT | O_TRUNC, 0666);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0666));
	close(fd);
	ASSERT_LT(0, seed(&c, "--seed-file")) TH_LOG("%s", c.log);
	st = restart_as_log(&c, 1);
	EXPECT_EQ(0, st) TH_LOG("log: %s", c.log);
	/* root's alone now: opening it is refused, after the point of no return */
	ASSERT_EQ(0, chmod(SECRET, 0600));
	st = restart_as_log(&c, 1);
	EXPECT_EQ(130 + SIGKILL, st) TH_LOG("log: %s", c.log);
	EXPECT_NE(NULL, strstr(c.log, "fd 5: cannot open " SECRET)) TH_LOG("log: %s", c.log);
	unlink(SECRET);
	unlink(PROG);
}

#define PROG2		"/tmp/ckpt-sec-prog2"
#define IMAGE		"/tmp/ckpt-sec-image"
#define RESTORED	"/tmp/ckpt-sec-restored"
#define LOG		"/tmp/ckpt-sec-log"

/*
 * A process without capabilities, checkpointed as it runs PROG, then
 * running @exe and restarting itself (its own pid: no set_tid needed)
 * from that image. Exit 12: restored; 10: restart refused with EPERM.
 */
static int self_restart_main(const char *exe)
{
	struct cycle c = { .ready = { -1, 3 } };
	char go[64];

	ready_child(&c);
	wait_restored();
	if (!access(RESTORED, F_OK))
		return 12;	/* the restored copy */
	close(open(RESTORED, O_CREAT | O_WRONLY, 0666));
	/* the restored copy will wait for it again */
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", getpid());
	close(open(go, O_CREAT | O_WRONLY, 0666));
	/* exec the other program, which restarts from the image */
	execl(exe, exe, "--restart-image", NULL);
	return 13;
}

static int restart_image_main(void)
{
	int img = open(IMAGE, O_RDONLY), log = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	if (img < 0 || log < 0)
		return 14;
	sys_restart(0, img, 0, log);
	return errno == EPERM ? 10 : 11;
}

/* Start PROG as uid 65534 without capabilities; restart it as it then runs @exe */
static int self_restart(const char *exe, char **log)
{
	struct cycle c;
	int fd, status;
	size_t len;

	unlink(RESTORED);
	if (!cycle_fork(&c)) {
		int null = open("/dev/null", O_RDWR);

		if (dup2(null, 0) || dup2(null, 1) != 1 || dup2(null, 2) != 2 ||
		    dup2(c.ready[1], 3) != 3 || setgroups(0, NULL) ||
		    setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
			_exit(70);
		close_range(4, ~0U, 0);
		execl(PROG, PROG, "--self-restart", exe, NULL);
		_exit(71);
	}
	if (c.pid < 0 || cycle_checkpoint(&c, 0) < 0)
		return -1;
	fd = open(IMAGE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, c.img.buf, c.img.len) != (ssize_t)c.img.len)
		return -1;
	close(fd);
	/* go on: it runs @exe, which restarts it */
	fd = open(LOG, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	close(fd);
	chmod(LOG, 0666);
	{
		char go[64];

		snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", c.pid);
		close(open(go, O_CREAT | O_WRONLY, 0666));
	}
	if (waitpid(c.pid, &status, 0) != c.pid)
		return -1;
	{
		char go[64];

		snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", c.pid);
		unlink(go);
	}
	fd = open(LOG, O_RDONLY);
	*log = slurp(fd, &len);
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Changing the executable of a process is for CAP_CHECKPOINT_RESTORE, as
 * with prctl(PR_SET_MM_MAP): a process restarting itself, which needs no
 * capability for its pid, may do it only from its own executable.
 */
TEST(executable_change_needs_capability)
{
	char *log = NULL;
	int st;

	ASSERT_EQ(0, copy_self(0755));
	unlink(PROG2);
	{
		struct image self;
		int in = open(PROG, O_RDONLY), out = open(PROG2, O_WRONLY | O_CREAT, 0755);

		self.buf = slurp(in, &self.len);
		ASSERT_EQ((ssize_t)self.len, write(out, self.buf, self.len));
		close(in);
		close(out);
		free(self.buf);
	}
	/* the same executable: the process is restored */
	st = self_restart(PROG, &log);
	EXPECT_EQ(12, st) TH_LOG("log: %s", log);
	free(log);
	/* another one: refused before anything changes */
	st = self_restart(PROG2, &log);
	EXPECT_EQ(10, st) TH_LOG("log: %s", log);
	EXPECT_NE(NULL, strstr(log, "changing it needs CAP_CHECKPOINT_RESTORE"))
		TH_LOG("log: %s", log);
	free(log);
	unlink(PROG);
	unlink(PROG2);
	unlink(IMAGE);
	unlink(LOG);
	unlink(RESTORED);
}

/*
 * Resource limits: a hard limit above the restarter's needs
 * CAP_SYS_RESOURCE, RLIMIT_NOFILE may not exceed fs.nr_open. Both are
 * found before the point of no return, as prlimit(2) would find them:
 * restart(2) returns with a log line and the restarter is untouched.
 */
TEST(rlimits_rechecked)
{
	struct ckpt_hdr_task *ht;
	unsigned long long nr_open = 0;
	struct cycle c;
	FILE *f;
	int st;

	f = fopen("/proc/sys/fs/nr_open", "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%llu", &nr_open));
	fclose(f);
	ASSERT_EQ(0, copy_self(0755));
	ASSERT_LT(0, seed(&c, "--seed")) TH_LOG("%s", c.log);

	/* a restarter whose hard limit is lower than the image's */
	restarter_nofile_max = 64;
	st = restart_as_log(&c, 1);
	restarter_nofile_max = 0;
	EXPECT_EQ(100, st) TH_LOG("log: %s", c.log);
	EXPECT_NE(NULL, strstr(c.log, "TASK rlim[7] ")) TH_LOG("log: %s", c.log);
	EXPECT_NE(NULL, strstr(c.log, "prlimit(2) refuses it (-EPERM)")) TH_LOG("log: %s", c.log);

	/* above nr_open, even for root */
	ht = (struct ckpt_hdr_task *)image_record(&c.img, CKPT_HDR_TASK, 0);
	ASSERT_NE(NULL, ht);
	ht->rlim[RLIMIT_NOFILE].max = nr_open + 1;
	image_fix_tail(&c.img);
	st = restart_as_log(&c, 0);
	EXPECT_EQ(100, st) TH_LOG("log: %s", c.log);
	EXPECT_NE(NULL, strstr(c.log, "TASK rlim[7] ")) TH_LOG("log: %s", c.log);
	EXPECT_NE(NULL, strstr(c.log, "prlimit(2) refuses it (-EPERM)")) TH_LOG("log: %s", c.log);
	unlink(PROG);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--self-restart"))
		return self_restart_main(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "--restart-image"))
		return restart_image_main();
	if (argc == 2 && !strcmp(argv[1], "--seed"))
		return seed_main(0);
	if (argc == 2 && !strcmp(argv[1], "--seed-file"))
		return seed_main(1);
	return test_harness_run(argc, argv);
}
