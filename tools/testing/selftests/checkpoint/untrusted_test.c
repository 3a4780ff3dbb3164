// SPDX-License-Identifier: GPL-2.0
/*
 * Images edited by hand and restarted by an unprivileged user: one test
 * for each hole a security review of restart found, each named for the
 * rule that closes it (Documentation/checkpoint/security.rst):
 *
 * - a process can't be restored with the exit signal that marks a thread;
 * - the restored task gets the whole identity of the image (groups, user
 *   and its process count, capabilities, securebits, no_new_privs), each
 *   part only as far as the system call that sets it would let the
 *   restarting user, and opens its files and makes its sockets with it;
 * - a stale socket file goes with the rules of unlink(2);
 * - what restart allocates for an image is bounded by what its caller may
 *   fork, charged to it, and a restart can be killed at any time;
 * - a memfd comes back only if memfd_create(2) would make it
 *   (vm.memfd_noexec);
 * - checkpoint touches no task before it knows it may, and reads no file
 *   or IPC object the checkpointer could not read;
 * - the memory map of the image passes the checks of prctl(PR_SET_MM_MAP).
 *
 * The images are of processes of uid 1000 and are restarted, unless a test
 * says otherwise, by uid 1000 with no group and no capability: the test
 * chooses the pid (clone3() set_tid needs privilege), restart(2) is the
 * user's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/securebits.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

#ifndef MFD_EXEC
#define MFD_EXEC	0x0010U
#endif

#define USER		1000
#define OTHER_USER	2000

/* exit status of the process that called restart(2) when it returned */
#define REFUSED		100

#define EXPECT_LOG(c, what)							\
	do {									\
		const char *__log = (c)->log;					\
										\
		EXPECT_NE(NULL, strstr(__log, what)) TH_LOG("log: %s", __log);	\
	} while (0)

/*
 * A seed process: its standard fds on /dev/null (the console is root's,
 * and a restored process of uid 1000 opens its files as uid 1000), then
 * uid 1000 without groups or capabilities
 */
static int seed_user(void)
{
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) || dup2(null, 1) != 1 || dup2(null, 2) != 2)
		return -1;
	close(null);
	return become_user(USER);
}

/* The restored process forks a child that exits 7 and reaps it: 0 if all went well */
static void fork_and_reap(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		restored_differs("fork: %m");
	if (!pid)
		_exit(7);
	if (waitpid(pid, &status, 0) != pid)
		restored_differs("waitpid of its child: %m");
	RESTORED_EQ("its child's wait status", status, 7 << 8);
}

/*
 * Checkpoint (and kill) the child of @c, which has said it is ready;
 * nonzero on failure
 */
static int take_image(struct cycle *c)
{
	if (c->pid <= 0)
		return -1;
	if (cycle_checkpoint(c, CHECKPOINT_KILL) < 0) {
		reap(c->pid);
		return -1;
	}
	return waitpid(c->pid, NULL, 0) == c->pid ? 0 : -1;
}

/* A wait status: exited with @code */
static int exited(int status, int code)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static int killed(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* A copy of @img to edit */
static void image_copy(struct image *dst, const struct image *src)
{
	dst->len = src->len;
	dst->buf = malloc(src->len);
	memcpy(dst->buf, src->buf, src->len);
}

/* Restart @img (a copy of c's) as c's pid, by @uid (-1: root) */
static int restart_edited(struct cycle *c, struct image *img, uid_t uid)
{
	struct image saved = c->img;
	int status;

	c->img = *img;
	free(c->log);
	c->log = strdup("");
	status = cycle_restart_as(c, uid);
	c->img = saved;
	return status;
}

/*
 * Finding 1: a TASK record with exit_signal -1 (the mark of a thread that
 * is not its group's leader) was restored into a process, which then
 * corrupted kernel memory as soon as it forked.
 */
TEST(exit_signal_of_a_thread_refused)
{
	struct image img;
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		if (seed_user())
			_exit(90);
		ready_child(&c);
		wait_restored();
		fork_and_reap();
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	image_copy(&img, &c.img);
	ASSERT_EQ(0, image_set_field(&img, "TASK", 0, "exit_signal", (uint32_t)-1));
	st = restart_edited(&c, &img, USER);
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "TASK exit_signal -1");
	/* not a signal at all */
	ASSERT_EQ(0, image_set_field(&img, "TASK", 0, "exit_signal", 65));
	st = restart_edited(&c, &img, USER);
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, c.log);
	free(img.buf);
	/* the image as it was is restored, and its process forks */
	st = cycle_restart_as(&c, USER);
	EXPECT_RESTORED(st, &c);
}

/* Groups 1000 and 2000, uid 1000 */
static int become_user_in_groups(void)
{
	gid_t groups[] = { USER, OTHER_USER };
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) || dup2(null, 1) != 1 || dup2(null, 2) != 2)
		return -1;
	close(null);
	return setgroups(2, groups) || setresgid(USER, USER, USER) ||
	       setresuid(USER, USER, USER) ? -1 : 0;
}

static void check_groups(void)
{
	gid_t groups[8];
	int n = getgroups(8, groups);

	RESTORED_EQ("the number of supplementary groups", n, 2);
	RESTORED_EQ("the first group", groups[0], USER);
	RESTORED_EQ("the second group", groups[1], OTHER_USER);
}

/*
 * Finding 2: restart gave the restored process the caller's supplementary
 * groups; a restarter without CAP_SETGID must not give others.
 */
TEST(groups_restored_within_setgroups_rules)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		if (become_user_in_groups())
			_exit(90);
		ready_child(&c);
		wait_restored();
		check_groups();
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	/* root may set them: the process has its own groups, not root's */
	st = cycle_restart(&c);
	EXPECT_RESTORED(st, &c);
	/* uid 1000 without groups and CAP_SETGID may not */
	st = cycle_restart_as(&c, USER);
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "the caller may not set 2 groups");
}

/*
 * Finding 2: the restored process was counted as a process of its
 * restarter, so a uid-1000 process restored by root escaped its own
 * RLIMIT_NPROC. Restored with RLIMIT_NPROC 1, it is its user's only
 * process and can't fork.
 */
TEST(restored_process_counted_for_its_user)
{
	struct rlimit one = { 1, 1 };
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		pid_t pid;

		if (seed_user() || setrlimit(RLIMIT_NPROC, &one))
			_exit(90);
		ready_child(&c);
		wait_restored();
		pid = fork();
		if (!pid)
			_exit(0);
		if (pid > 0)
			restored_differs("fork succeeded above RLIMIT_NPROC 1");
		RESTORED_EQ("fork's errno", errno, EAGAIN);
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	st = cycle_restart(&c);
	EXPECT_RESTORED(st, &c);
}

static void check_nnp_securebits(void)
{
	RESTORED_EQ("no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	RESTORED_EQ("securebits", prctl(PR_GET_SECUREBITS), SECBIT_KEEP_CAPS);
}

/* Finding 2: no_new_privs and securebits were the caller's */
TEST(no_new_privs_and_securebits_restored)
{
	struct image img;
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		if (seed_user() || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_KEEPCAPS, 1))
			_exit(90);
		ready_child(&c);
		wait_restored();
		check_nnp_securebits();
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	st = cycle_restart_as(&c, USER);
	EXPECT_RESTORED(st, &c);
	st = cycle_restart(&c);
	EXPECT_RESTORED(st, &c);
	/* locking securebits needs CAP_SETPCAP */
	image_copy(&img, &c.img);
	ASSERT_EQ(0, image_set_field(&img, "CREDS", 0, "securebits",
				     SECBIT_NOROOT | SECBIT_NOROOT_LOCKED));
	st = restart_edited(&c, &img, USER);
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "may not set securebits 0x3");
	/* a restarter with no_new_privs can't give a process without it */
	ASSERT_EQ(0, image_set_field(&img, "CREDS", 0, "securebits", SECBIT_KEEP_CAPS));
	ASSERT_EQ(0, image_set_field(&img, "CREDS", 0, "flags", 0));
	if (!fork()) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(1);
		st = restart_edited(&c, &img, USER);
		_exit(exited(st, REFUSED) && strstr(c.log, "the caller has no_new_privs") ? 0 : 2);
	}
	ASSERT_LT(0, wait(&st));
	EXPECT_TRUE(exited(st, 0)) TH_LOG("status %#x", st);
	free(img.buf);
}

/* The capability sets of current, from /proc/self/status */
static unsigned long long cap_line(const char *name)
{
	unsigned long long v = ~0ULL;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)))
			v = strtoull(line + strlen(name), NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/* Finding 2: capabilities; none beyond the caller's, the bounding set not made smaller */
TEST(capabilities_never_beyond_the_caller)
{
	unsigned long long bset = ((1ULL << (CAP_LAST_CAP + 1)) - 1) & ~(1ULL << CAP_NET_RAW);
	struct image img;
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		/* a smaller bounding set, dropped while root */
		if (prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0) || seed_user())
			_exit(90);
		ready_child(&c);
		wait_restored();
		RESTORED_EQ("CapBnd", cap_line("CapBnd:"), bset);
		RESTORED_EQ("CapPrm", cap_line("CapPrm:"), 0);
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	/* root may drop from the bounding set */
	st = cycle_restart(&c);
	EXPECT_RESTORED(st, &c);
	/* a user may not: that is what makes setuid programs misbehave */
	st = cycle_restart_as(&c, USER);
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "may not give bounding set");
	/* and may give no capability */
	image_copy(&img, &c.img);
	ASSERT_EQ(0, image_set_field(&img, "CREDS", 0, "cap_bset", bset | (1ULL << CAP_NET_RAW)));
	ASSERT_EQ(0, image_set_field(&img, "CREDS", 0, "cap_permitted", 1ULL << CAP_SYS_ADMIN));
	st = restart_edited(&c, &img, USER);
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "beyond the caller's");
	free(img.buf);
}

#define OPEN_FILE	"/tmp/ckpt-u-open"	/* the same length as the next */
#define SHUT_FILE	"/tmp/ckpt-u-shut"

/* Point the FD record of fd @fd of @img at @path, of the same length */
static int set_fd_path(struct image *img, int fd, const char *path)
{
	struct ckpt_hdr_fd *hf;
	int i;

	for (i = 0; (hf = (void *)image_record(img, CKPT_HDR_FD, i)); i++) {
		if (hf->fd != fd || hf->path_len != strlen(path) + 1)
			continue;
		memcpy(hf->path, path, hf->path_len);
		image_fix_tail(img);
		return 0;
	}
	return -1;
}

/*
 * Finding 2: the files of an image were opened with the restarter's
 * credentials, before it took the image's: root restarting an edited image
 * of uid 1000 handed it a file only root may read or write. They are
 * opened as the restored task.
 */
TEST(files_opened_as_the_restored_task)
{
	struct image img;
	struct cycle c;
	int st, fd;

	fd = open(OPEN_FILE, O_RDWR | O_CREAT | O_TRUNC, 0666);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0666));
	close(fd);
	fd = open(SHUT_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(6, write(fd, "secret", 6));
	close(fd);
	if (!cycle_fork(&c)) {
		if (seed_user())
			_exit(90);
		if (dup2(open(OPEN_FILE, O_RDONLY), 5) != 5 ||
		    dup2(open(OPEN_FILE, O_WRONLY), 6) != 6)
			_exit(91);
		ready_child(&c);
		wait_restored();
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	st = cycle_restart(&c);
	EXPECT_RESTORED(st, &c);
	/* to read */
	image_copy(&img, &c.img);
	ASSERT_EQ(0, set_fd_path(&img, 5, SHUT_FILE));
	st = restart_edited(&c, &img, -1);
	EXPECT_TRUE(killed(st)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "fd 5: cannot open " SHUT_FILE);
	free(img.buf);
	/* to write */
	image_copy(&img, &c.img);
	ASSERT_EQ(0, set_fd_path(&img, 6, SHUT_FILE));
	st = restart_edited(&c, &img, -1);
	EXPECT_TRUE(killed(st)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "fd 6: cannot open " SHUT_FILE);
	free(img.buf);
	unlink(OPEN_FILE);
	unlink(SHUT_FILE);
}

/* Finding 2: SO_PEERCRED of a restored socket pair said uid 0 */
TEST(socket_credentials_of_the_restored_task)
{
	struct cycle c;
	int st, sv[2];

	if (!cycle_fork(&c)) {
		struct ucred cred;
		socklen_t len = sizeof(cred);

		if (seed_user() || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
		    dup2(sv[0], 5) != 5 || dup2(sv[1], 6) != 6)
			_exit(90);
		ready_child(&c);
		wait_restored();
		if (getsockopt(5, SOL_SOCKET, SO_PEERCRED, &cred, &len))
			restored_differs("SO_PEERCRED: %m");
		RESTORED_EQ("SO_PEERCRED uid", cred.uid, USER);
		RESTORED_EQ("SO_PEERCRED gid", cred.gid, USER);
		RESTORED_EQ("SO_PEERCRED pid", cred.pid, getpid());
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	st = cycle_restart(&c);
	EXPECT_RESTORED(st, &c);
}

#define SOCK_DIR	"/tmp/ckpt-u-sockdir"
#define SOCK_PATH	SOCK_DIR "/sock"

/*
 * Finding 3: the socket file of a bound unix socket was removed without
 * the checks of unlink(2): it went even from a read-only mount.
 */
TEST(socket_file_removed_with_unlink_rules)
{
	struct stat sb;
	struct cycle c;
	int st;

	mkdir(SOCK_DIR, 0755);
	ASSERT_EQ(0, chown(SOCK_DIR, USER, USER));
	unlink(SOCK_PATH);
	if (!cycle_fork(&c)) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = SOCK_PATH };
		socklen_t len = sizeof(sun);
		int s;

		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (seed_user() || dup2(s, 5) != 5 ||
		    bind(5, (struct sockaddr *)&sun, sizeof(sun)) || listen(5, 4))
			_exit(90);
		ready_child(&c);
		wait_restored();
		memset(&sun, 0, sizeof(sun));
		if (getsockname(5, (struct sockaddr *)&sun, &len))
			restored_differs("getsockname: %m");
		if (strcmp(sun.sun_path, SOCK_PATH))
			restored_differs("bound to \"%s\", was %s", sun.sun_path, SOCK_PATH);
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	/* the directory becomes read-only */
	ASSERT_EQ(0, mount(SOCK_DIR, SOCK_DIR, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(NULL, SOCK_DIR, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	st = cycle_restart_as(&c, USER);
	EXPECT_TRUE(killed(st)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "cannot remove socket file " SOCK_PATH);
	EXPECT_EQ(0, stat(SOCK_PATH, &sb));
	EXPECT_TRUE(S_ISSOCK(sb.st_mode));
	ASSERT_EQ(0, umount(SOCK_DIR));
	/* writable again: removed and bound again */
	st = cycle_restart_as(&c, USER);
	EXPECT_RESTORED(st, &c);
	unlink(SOCK_PATH);
	rmdir(SOCK_DIR);
}

/*
 * @img with its TREE replaced by one of @nr tasks: the root, then
 * children of it with the pids that follow @first
 */
static int image_with_tree(struct image *img, const struct image *src, uint32_t nr, pid_t first)
{
	struct ckpt_hdr_tree *old = (void *)image_record((struct image *)src, CKPT_HDR_TREE, 0);
	size_t len = sizeof(*old) + nr * sizeof(old->pids[0]), before, after;
	struct ckpt_hdr_tree *tree;
	uint32_t i;

	if (!old || old->nr_tasks != 1)
		return -1;
	before = (char *)old - src->buf;
	after = before + old->h.len;
	img->len = src->len - old->h.len + len;
	img->buf = malloc(img->len);
	if (!img->buf)
		return -1;
	memcpy(img->buf, src->buf, before);
	tree = (void *)(img->buf + before);
	memcpy(tree, old, sizeof(*old) + sizeof(old->pids[0]));
	tree->h.len = len;
	tree->nr_tasks = nr;
	for (i = 1; i < nr; i++) {
		tree->pids[i] = old->pids[0];
		tree->pids[i].vpid = first + i;
		tree->pids[i].vtgid = first + i;
		tree->pids[i].vppid = old->pids[0].vpid;
		tree->pids[i].flags = 0;
	}
	memcpy(img->buf + before + len, src->buf + after, src->len - after);
	image_fix_tail(img);
	return 0;
}

static int read_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* A seed of uid 1000 that sleeps until restored, checkpointed */
static int plain_seed(struct cycle *c)
{
	if (!cycle_fork(c)) {
		if (seed_user())
			_exit(90);
		ready_child(c);
		wait_restored();
		_exit(0);
	}
	return take_image(c);
}

/*
 * Finding 4: a TREE record claiming a million tasks was accepted from
 * anyone. The tasks of an image are processes its caller made: more than
 * its RLIMIT_NPROC is refused before anything is allocated for them.
 */
TEST(tree_bounded_by_what_the_caller_may_fork)
{
	struct rlimit nproc = { 100, 100 };
	struct image img;
	struct cycle c;
	int st, max = read_int("/proc/sys/kernel/pid_max");

	ASSERT_LT(1000, max);
	ASSERT_EQ(0, plain_seed(&c)) TH_LOG("%s", c.log);
	ASSERT_EQ(0, image_with_tree(&img, &c.img, 500, max / 2));
	if (!fork()) {
		if (setrlimit(RLIMIT_NPROC, &nproc))
			_exit(1);
		st = restart_edited(&c, &img, USER);
		printf("%s", c.log);
		_exit(exited(st, REFUSED) &&
		      strstr(c.log,
			     "TREE nr_tasks 500: more than the caller's RLIMIT_NPROC (100)") &&
		      strstr(c.log, "-EAGAIN") ? 0 : 2);
	}
	ASSERT_LT(0, wait(&st));
	EXPECT_TRUE(exited(st, 0)) TH_LOG("status %#x", st);
	free(img.buf);
}

/* Tests of big images: under TCG with a debug kernel they take a while */
FIXTURE(slow) {
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

#define CGROUP		"/sys/fs/cgroup"
#define TEST_CGROUP	CGROUP "/ckpt-untrusted"

/* A memory cgroup for the test, limited to what it uses now and @room more */
static int memory_cgroup(size_t room)
{
	char buf[64];
	long cur;

	mkdir(CGROUP, 0755);
	if (access(CGROUP "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CGROUP, "cgroup2", 0, NULL))
		return -1;
	if (write_file(CGROUP "/cgroup.subtree_control", "+memory"))
		return -1;
	mkdir(TEST_CGROUP, 0755);
	snprintf(buf, sizeof(buf), "%d", getpid());
	if (write_file(TEST_CGROUP "/cgroup.procs", buf))
		return -1;
	cur = read_int(TEST_CGROUP "/memory.current");
	if (cur < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%zu", cur + room);
	return write_file(TEST_CGROUP "/memory.max", buf);
}

/* The "max" count of memory.events: how often the limit was hit */
static long memory_max_events(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen(TEST_CGROUP "/memory.events", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "max ", 4))
			v = atol(line + 4);
	if (f)
		fclose(f);
	return v;
}

/*
 * Finding 4: what restart allocates for the tasks of an image was charged
 * to nobody. It is charged to the caller's memory cgroup: an image of
 * 100000 tasks does not fit in 4 MiB more than the caller uses, and the
 * restart fails with ENOMEM.
 */
TEST_F_TIMEOUT(slow, tree_memory_charged_to_the_caller, 120)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	int st, fd, logfd, old_max = read_int("/proc/sys/kernel/pid_max");
	char pid_max[32], *log;
	struct image img;
	struct cycle c;
	pid_t child;

	ASSERT_EQ(0, plain_seed(&c)) TH_LOG("%s", c.log);
	ASSERT_EQ(0, write_file("/proc/sys/kernel/pid_max", "1000000"));
	ASSERT_EQ(0, image_with_tree(&img, &c.img, 100000, 200000));
	/* the image is in memory before the restarter joins the cgroup */
	fd = memfd("image");
	logfd = memfd("log");
	ASSERT_EQ((ssize_t)img.len, write(fd, img.buf, img.len));
	lseek(fd, 0, SEEK_SET);
	args.set_tid = (uintptr_t)&c.pid;
	child = syscall(__NR_clone3, &args, sizeof(args));
	ASSERT_LE(0, child);
	if (!child) {
		/* root: RLIMIT_NPROC does not hold it back */
		if (memory_cgroup(4 << 20))
			_exit(99);
		sys_restart(0, fd, 0, logfd);
		_exit(REFUSED);
	}
	ASSERT_EQ(child, waitpid(child, &st, 0));
	log = slurp(logfd, NULL);
	/* refused for want of memory: an errno, not the OOM killer */
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, log);
	EXPECT_NE(NULL, strstr(log, "(-ENOMEM)")) TH_LOG("log: %s", log);
	EXPECT_LT(0, memory_max_events()) TH_LOG("log: %s", log);
	rmdir(TEST_CGROUP);
	snprintf(pid_max, sizeof(pid_max), "%d", old_max);
	write_file("/proc/sys/kernel/pid_max", pid_max);
	close(fd);
	close(logfd);
	free(log);
	free(img.buf);
}

/*
 * Finding 4: long loops over an image ran without a break, and a restart
 * could not be stopped. One of a million tasks, killed 0.2 s after it
 * began, is gone at once.
 */
TEST_F_TIMEOUT(slow, huge_tree_restart_killed_at_once, 180)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	struct timespec t0, t1;
	char pid_max[32];
	struct image img;
	struct cycle c;
	int st, fd, logfd, old_max = read_int("/proc/sys/kernel/pid_max");
	pid_t child;

	ASSERT_EQ(0, plain_seed(&c)) TH_LOG("%s", c.log);
	ASSERT_EQ(0, write_file("/proc/sys/kernel/pid_max", "4194304"));
	ASSERT_EQ(0, image_with_tree(&img, &c.img, 1U << 20, 2000000));
	fd = memfd("image");
	logfd = memfd("log");
	ASSERT_EQ((ssize_t)img.len, write(fd, img.buf, img.len));
	lseek(fd, 0, SEEK_SET);
	args.set_tid = (uintptr_t)&c.pid;
	child = syscall(__NR_clone3, &args, sizeof(args));
	ASSERT_LE(0, child);
	if (!child) {
		sys_restart(0, fd, 0, logfd);
		_exit(REFUSED);
	}
	usleep(200 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kill(child, SIGKILL);
	ASSERT_EQ(child, waitpid(child, &st, 0));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_TRUE(killed(st) || exited(st, REFUSED)) TH_LOG("status %#x", st);
	EXPECT_GT(2.0, t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	snprintf(pid_max, sizeof(pid_max), "%d", old_max);
	write_file("/proc/sys/kernel/pid_max", pid_max);
	close(fd);
	close(logfd);
	free(img.buf);
}

/*
 * In a pid namespace of its own (vm.memfd_noexec is per pid namespace and
 * can't be lowered): a process of uid 1000 with an executable memfd is
 * checkpointed, memfd_noexec goes to 2, and the restart must not make the
 * memfd memfd_create(2) now refuses. Returns 0 if so.
 */
static int memfd_noexec_main(void)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		struct stat sb;
		int fd;

		if (seed_user())
			_exit(90);
		fd = memfd_create("code", MFD_EXEC);
		if (fd < 0 || dup2(fd, 5) != 5 || write(5, "\177ELF", 4) != 4)
			_exit(91);
		ready_child(&c);
		wait_restored();
		if (fstat(5, &sb))
			restored_differs("fd 5: %m");
		if (!(sb.st_mode & 0111))
			restored_differs("the memfd's mode is %o: not executable", sb.st_mode);
		_exit(0);
	}
	if (take_image(&c))
		return 10;
	st = cycle_restart_as(&c, USER);
	if (!exited(st, 0))
		return 11;
	if (write_file("/proc/sys/vm/memfd_noexec", "2"))
		return 12;
	st = cycle_restart_as(&c, USER);
	if (!killed(st) || !strstr(c.log, "cannot make a file for code") ||
	    !strstr(c.log, "-EACCES")) {
		fprintf(stderr, "status %#x, log: %s\n", st, c.log);
		return 13;
	}
	return 0;
}

/* Finding 5: a memfd came back executable where vm.memfd_noexec is 2 */
TEST(memfd_made_with_memfd_create_rules)
{
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (unshare(CLONE_NEWPID))
			_exit(1);
		pid = fork();
		if (!pid)
			_exit(memfd_noexec_main());
		_exit(waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(exited(st, 0)) TH_LOG("status %#x", st);
}

/* Voluntary context switches of @pid: a sleeping task woken up has more */
static long nvcsw(pid_t pid)
{
	char path[64], line[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "voluntary_ctxt_switches:", 24))
			v = atol(line + 24);
	if (f)
		fclose(f);
	return v;
}

/* Become uid 1000 with CAP_SYS_ADMIN (and @more) as effective and permitted set */
static int become_checkpointer(unsigned long long more)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { };
	unsigned long long caps = (1ULL << CAP_SYS_ADMIN) | more;

	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) || setresgid(USER, USER, USER) ||
	    setresuid(USER, USER, USER))
		return -1;
	data[0].effective = caps;
	data[0].permitted = caps;
	data[1].effective = caps >> 32;
	data[1].permitted = caps >> 32;
	return syscall(SYS_capset, &hdr, data);
}

/*
 * Finding 6: the tree was frozen before checkpoint checked that its caller
 * may attach to each task: a refused checkpoint still woke and froze tasks
 * it may not touch. A process of uid 1000 with a child of uid 2000, both
 * asleep; the checkpointer is uid 1000 with CAP_SYS_ADMIN only. Neither
 * wakes up.
 */
TEST(refused_checkpoint_touches_no_task)
{
	long before_a, before_b;
	int p[2], st;
	pid_t a, b;

	ASSERT_EQ(0, pipe(p));
	a = fork();
	ASSERT_LE(0, a);
	if (!a) {
		b = fork();
		if (!b) {
			if (become_user(OTHER_USER))
				_exit(90);
			pause();
			_exit(0);
		}
		if (become_user(USER) || prctl(PR_SET_DUMPABLE, 1))
			_exit(91);
		if (write(p[1], &b, sizeof(b)) != sizeof(b))
			_exit(92);
		pause();
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(sizeof(b), read(p[0], &b, sizeof(b)));
	usleep(200 * 1000);	/* both asleep */
	before_a = nvcsw(a);
	before_b = nvcsw(b);
	if (!fork()) {
		struct image img;
		char *log;
		long ret;

		if (become_checkpointer(0))
			_exit(1);
		ret = checkpoint_image_flags(a, 0, &img, &log);
		printf("%s", log);
		_exit(ret == -EPERM &&
		      strstr(log, "caller lacks PTRACE_MODE_ATTACH access") ? 0 : 2);
	}
	ASSERT_LT(0, wait(&st));
	EXPECT_TRUE(exited(st, 0)) TH_LOG("status %#x", st);
	usleep(100 * 1000);
	EXPECT_EQ(before_a, nvcsw(a));
	EXPECT_EQ(before_b, nvcsw(b));
	kill(b, SIGKILL);
	kill(a, SIGKILL);
	waitpid(a, NULL, 0);
}

/*
 * Finding 6: the contents of a memfd held write-only were read for the
 * image, even by a checkpointer that may not read it. The process (uid
 * 1000) holds a write-only memfd of mode 0200 at fd 7; its checkpointer
 * is uid 1000 with CAP_SYS_ADMIN but no CAP_DAC_OVERRIDE.
 */
TEST(write_only_file_not_read_for_the_image)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		char path[64];
		int fd, wr;

		if (seed_user() || prctl(PR_SET_DUMPABLE, 1))
			_exit(90);
		fd = memfd_create("secret", 0);
		if (fd < 0 || write(fd, "secret", 6) != 6 || fchmod(fd, 0200))
			_exit(91);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		wr = open(path, O_WRONLY);
		if (wr < 0 || dup2(wr, 7) != 7)
			_exit(92);
		close(wr);
		close(fd);
		ready_child(&c);
		pause();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	if (!fork()) {
		char r, *log;
		struct image img;
		long ret;

		if (read(c.ready[0], &r, 1) != 1 || become_checkpointer(0))
			_exit(1);
		ret = checkpoint_image_flags(c.pid, CHECKPOINT_SUBTREE, &img, &log);
		printf("%s", log);
		_exit(ret == -EACCES && strstr(log, "fd 7: memfd:secret") &&
		      strstr(log, "is open write-only and the caller may not read it") ? 0 : 2);
	}
	ASSERT_LT(0, wait(&st));
	EXPECT_TRUE(exited(st, 0)) TH_LOG("status %#x", st);
	reap(c.pid);
}

/*
 * Finding 6: the SysV IPC objects of a container were saved whatever
 * their permissions. A queue of uid 1000, mode 0600, in a process's own
 * IPC namespace; root without CAP_IPC_OWNER may not read it.
 */
TEST(ipc_objects_saved_only_if_readable)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		if (unshare(CLONE_NEWIPC) || seed_user() || prctl(PR_SET_DUMPABLE, 1) ||
		    msgget(IPC_PRIVATE, IPC_CREAT | 0600) < 0)
			_exit(90);
		ready_child(&c);
		pause();
		_exit(0);
	}
	ASSERT_LT(0, c.pid);
	if (!fork()) {
		struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct data[2];
		struct image img;
		char r, *log;
		long ret;

		if (read(c.ready[0], &r, 1) != 1 || syscall(SYS_capget, &hdr, data))
			_exit(1);
		data[0].effective &= ~(1U << CAP_IPC_OWNER);
		data[0].permitted &= ~(1U << CAP_IPC_OWNER);
		if (syscall(SYS_capset, &hdr, data))
			_exit(1);
		ret = checkpoint_image_flags(c.pid, CHECKPOINT_SUBTREE, &img, &log);
		printf("%s", log);
		_exit(ret == -EACCES &&
		      strstr(log, "the caller may not read it (owner 1000") ? 0 : 2);
	}
	ASSERT_LT(0, wait(&st));
	EXPECT_TRUE(exited(st, 0)) TH_LOG("status %#x", st);
	reap(c.pid);
}

/*
 * Finding 7: the memory map fields of the MM record were taken without the
 * checks of prctl(PR_SET_MM_MAP). Each edit is refused before the point of
 * no return.
 */
TEST(memory_map_checked_like_prctl)
{
	struct rlimit data = { 64 << 20, 64 << 20 };
	static const struct {
		const char *field, *from;
		int64_t delta;
	} edits[] = {
		{ "end_code", "start_code", 0 },		/* empty code */
		{ "start_brk", "brk", 4096 },			/* heap out of order */
		{ "arg_start", NULL, 0 },			/* below mmap_min_addr */
		{ "start_stack", NULL, 0x7ffffffff000LL },	/* TASK_SIZE */
		{ "brk", "start_brk", 1LL << 30 },		/* beyond RLIMIT_DATA */
	};
	struct image img;
	struct cycle c;
	uint64_t v;
	unsigned int i;
	int st;

	if (!cycle_fork(&c)) {
		if (setrlimit(RLIMIT_DATA, &data) || seed_user())
			_exit(90);
		ready_child(&c);
		wait_restored();
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	for (i = 0; i < ARRAY_SIZE(edits); i++) {
		image_copy(&img, &c.img);
		v = 0;
		if (edits[i].from)
			ASSERT_EQ(0, image_get_field(&img, "MM", 0, edits[i].from, &v));
		ASSERT_EQ(0, image_set_field(&img, "MM", 0, edits[i].field, v + edits[i].delta));
		st = restart_edited(&c, &img, USER);
		EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("%s: status %#x, log: %s", edits[i].field,
							st, c.log);
		EXPECT_LOG(&c, "PR_SET_MM_MAP refuses it");
		free(img.buf);
	}
	st = cycle_restart_as(&c, USER);
	EXPECT_RESTORED(st, &c);
}

/*
 * Found by ckpt_fuzz: an oom_score_adj below the minimum, refused to a
 * restarter without CAP_SYS_RESOURCE, was logged from the freed record
 * (KASAN: slab-use-after-free in restore_sched()).
 */
TEST(oom_score_adj_below_the_minimum_refused)
{
	struct image img;
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		if (seed_user())
			_exit(90);
		ready_child(&c);
		wait_restored();
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	image_copy(&img, &c.img);
	ASSERT_EQ(0, image_set_field(&img, "SCHED", 0, "oom_score_adj", (uint64_t)-1000));
	st = restart_edited(&c, &img, USER);
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "SCHED oom_score_adj -1000 below 0 needs CAP_SYS_RESOURCE");
	free(img.buf);
}

/* Become @uid, then root of a user namespace of its own, mapping @uid alone */
static int become_userns_root(uid_t uid)
{
	char map[32];

	snprintf(map, sizeof(map), "%u %u 1", uid, uid);
	if (become_user(uid) || unshare(CLONE_NEWUSER) ||
	    write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", map) || write_file("/proc/self/gid_map", map))
		return -1;
	return 0;
}

/*
 * Review finding: dumpable 2 (core dumps written as root) was given to a
 * restarter with CAP_SYS_ADMIN in its own user namespace, which any user
 * can make. It needs CAP_SYS_ADMIN in the initial one.
 */
TEST(dumpable_root_needs_the_initial_namespace)
{
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	int fd, logfd, st;
	struct cycle c;
	char go[64];
	pid_t child;

	if (!cycle_fork(&c)) {
		if (seed_user())
			_exit(90);
		ready_child(&c);
		wait_restored();
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	ASSERT_EQ(0, image_set_field(&c.img, "MM", 0, "dumpable", 2));
	fd = memfd("image");
	logfd = memfd("log");
	ASSERT_EQ((ssize_t)c.img.len, write(fd, c.img.buf, c.img.len));
	lseek(fd, 0, SEEK_SET);
	args.set_tid = (uintptr_t)&c.pid;
	child = syscall(__NR_clone3, &args, sizeof(args));
	ASSERT_LE(0, child);
	if (!child) {
		if (become_userns_root(USER))
			_exit(101);
		sys_restart(0, fd, 0, logfd);
		_exit(REFUSED);
	}
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", c.pid);
	close(open(go, O_CREAT | O_WRONLY, 0600));	/* if it were restored */
	ASSERT_EQ(child, waitpid(child, &st, 0));
	unlink(go);
	free(c.log);
	c.log = slurp(logfd, NULL);
	if (exited(st, 101))
		SKIP(return, "uid 1000 could not become root of a user namespace of its own");
	EXPECT_TRUE(exited(st, REFUSED)) TH_LOG("status %#x, log: %s", st, c.log);
	EXPECT_LOG(&c, "MM dumpable 2: core dumps as root need CAP_SYS_ADMIN");
	close(fd);
	close(logfd);
}

/*
 * The parent death signal: commit_creds() clears it when the ids change,
 * so it is set after the credentials.
 */
TEST(parent_death_signal_kept)
{
	struct cycle c;
	int st;

	if (!cycle_fork(&c)) {
		if (seed_user() || prctl(PR_SET_PDEATHSIG, SIGUSR1))
			_exit(90);
		ready_child(&c);
		wait_restored();
		st = 0;
		if (prctl(PR_GET_PDEATHSIG, &st))
			restored_differs("PR_GET_PDEATHSIG: %m");
		RESTORED_EQ("the parent death signal", st, SIGUSR1);
		_exit(0);
	}
	ASSERT_EQ(0, take_image(&c)) TH_LOG("%s", c.log);
	st = cycle_restart(&c);
	EXPECT_RESTORED(st, &c);
}

TEST_HARNESS_MAIN
