// SPDX-License-Identifier: GPL-2.0
/*
 * rstr - restart a process tree from a checkpoint image on standard input.
 *
 *   rstr [--logfile FILE] [--validate] [--pidns] < IMAGE
 *
 * rstr reads the head of the image to learn its tree of processes, and
 * recreates it with the same pids: it creates the root (clone3() with
 * set_tid), which creates its own children the same way, and so on down
 * the tree. Each process first takes its session and process group as the
 * image says (setsid(), setpgid()); a session or group whose leader had
 * exited is made again by a short-lived placeholder process with the
 * leader's pid (see placeholder()); a zombie exits at once with its exit
 * code; a child subreaper becomes one again; a process creates its threads
 * and children; every process then calls restart(2) on the image, which
 * turns it into the process of the image. rstr waits for the root and
 * exits as it exits. If standard input can't seek (a pipe), rstr feeds the
 * image to the processes through a pipe of its own, head included.
 *
 * With --pidns the tree is recreated in a new pid namespace, so its pids
 * may be in use on this host: the root of a container image becomes its
 * init (pid 1); for any other image a small init process is created in the
 * namespace, which reaps orphans and exits as the root does.
 *
 * An image whose tree had an IPC namespace of its own (CKPT_TREE_IPCNS)
 * holds its SysV IPC objects: the tree is always recreated in a new IPC
 * namespace, into which the root restores them.
 *
 * With --validate the kernel only checks the image and restores nothing.
 *
 * Exit status: the restored root's exit status (128 + signal if it was
 * killed); with --validate, 0 if the image is valid; 1 if restart failed
 * (the kernel's reason is on stderr or in FILE); 2 bad command line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>
#include <linux/checkpoint_hdr.h>
#include <linux/sched.h>

#include "common.h"

#define HEAD_MAX	(1024 * 1024)	/* header records before the tree, at most */

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: rstr [--logfile FILE] [--validate] [--pidns] < IMAGE\n"
		"Restart the process tree of the checkpoint image on standard input, with its pids.\n"
		"  -l, --logfile FILE  append the kernel's log lines to FILE (default: stderr)\n"
		"  -V, --validate      only check the image, restore nothing\n"
		"  -p, --pidns         restart in a new pid namespace\n"
		"  -h, --help          this text\n"
		"Exit status: the restored root's (128 + signal if killed); 1 restart\n"
		"failed; 2 bad command line. With --validate: 0 the image is valid.\n");
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static struct ckpt_hdr_tree *tree;	/* of the image */
static int imgfd = STDIN_FILENO, logfd;
/*
 * Written by a process that failed to become its task; a process that
 * did become it lost this fd with the rest of its old fd table.
 */
static int errfd = -1;

/* The ends of rstr's pipes only its first process uses */
static int parent_fds[2] = { -1, -1 };

/* In a new process: close what only rstr's first process uses */
static void parent_fds_close(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (parent_fds[i] >= 0)
			close(parent_fds[i]);
		parent_fds[i] = -1;
	}
}

static void report_failure(pid_t pid)
{
	if (write(errfd, &pid, sizeof(pid)) < 0)
		perror("rstr: reporting a failure");
}

/* Read records up to the tree; return the pid of the image's root, or -1 */
static pid_t read_head(int fd, char *head, size_t *len)
{
	struct ckpt_hdr *h;

	*len = 0;
	for (;;) {
		if (*len + sizeof(*h) > HEAD_MAX || read_full(fd, head + *len, sizeof(*h)))
			return -1;
		h = (struct ckpt_hdr *)(head + *len);
		if (h->len < sizeof(*h) || h->len % CKPT_ALIGN || h->len > HEAD_MAX - *len ||
		    read_full(fd, head + *len + sizeof(*h), h->len - sizeof(*h)))
			return -1;
		*len += h->len;
		if (h->type == CKPT_HDR_TREE) {
			tree = (struct ckpt_hdr_tree *)h;
			if (h->len < sizeof(*tree) + sizeof(tree->pids[0]) || !tree->nr_tasks ||
			    (h->len - sizeof(*tree)) / sizeof(tree->pids[0]) < tree->nr_tasks)
				return -1;
			return tree->pids[0].vpid;
		}
		if (h->type == CKPT_HDR_ERROR)
			return 0;	/* the kernel says why */
	}
}

/* Copy the rest of @in to @out */
static int feed(int in, int out)
{
	static char buf[1 << 20];
	ssize_t n;

	for (;;) {
		n = splice(in, NULL, out, NULL, 1 << 20, SPLICE_F_MOVE);
		if (n > 0)
			continue;
		if (!n)
			return 0;
		if (errno != EINVAL)
			return -1;
		break;	/* no splice from this input */
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_full(out, buf, n))
			return -1;
	return n < 0 ? -1 : 0;
}

static pid_t create(pid_t pid, unsigned long flags)
{
	/* with CLONE_PARENT the child has its creator's exit signal */
	struct clone_args args = {
		.exit_signal = flags & CLONE_PARENT ? 0 : SIGCHLD,
		.flags = flags,
	};

	if (pid) {
		args.set_tid = (unsigned long)&pid;
		args.set_tid_size = 1;
	}
	return syscall(__NR_clone3, &args, sizeof(args));
}

static int in_tree(pid_t pid)
{
	unsigned int i;

	for (i = 0; pid && i < tree->nr_tasks; i++)
		if (tree->pids[i].vpid == pid)
			return 1;
	return 0;
}

#define THREAD_FLAGS	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
			 CLONE_SYSVSEM)
#define THREAD_STACK	(64 * 1024)

/*
 * Create a thread with tid @tid that calls restart(2) on @fd at once, in
 * assembly: it runs no C code, so the address space can be replaced under
 * it. If restart fails the thread exits (its leader's restart fails too).
 */
static long create_thread(pid_t tid, int fd, int log)
{
	struct clone_args args = { .flags = THREAD_FLAGS, .set_tid_size = 1 };
	long ret;
	void *stack;

	stack = mmap(NULL, THREAD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	args.set_tid = (unsigned long)&tid;
	args.stack = (unsigned long)stack;
	args.stack_size = THREAD_STACK;
	/* r8 and r9 are copied to the new thread: its arguments for restart */
	__asm__ volatile("mov %[fd], %%r8\n\t"
		"mov %[log], %%r9\n\t"
		"syscall\n\t"
		"test %%rax, %%rax\n\t"
		"jnz 1f\n\t"
		/* the new thread: restart(0, fd, 0, log) */
		"mov %[restart], %%eax\n\t"
		"xor %%edi, %%edi\n\t"
		"mov %%r8, %%rsi\n\t"
		"xor %%edx, %%edx\n\t"
		"mov %%r9, %%r10\n\t"
		"syscall\n\t"
		/* it failed: exit(1), this thread only */
		"mov %[exit], %%eax\n\t"
		"mov $1, %%edi\n\t"
		"syscall\n\t"
		"1:\n\t"
		: "=a"(ret)
		: "a"((long)__NR_clone3), "D"(&args), "S"(sizeof(args)), [fd] "r"((long)fd),
		  [log] "r"((long)log), [restart] "i"(__NR_restart), [exit] "i"(__NR_exit)
		: "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
	if (ret < 0) {
		errno = -ret;
		munmap(stack, THREAD_STACK);
		return -1;
	}
	return ret;
}

/*
 * Tasks the processes of this branch of the forest have created: each new
 * process has its own copy, so this needs no locking.
 */
static unsigned char *made;

/* The session a placeholder must make before task @c is created, or 0 */
static pid_t session_to_make(const struct ckpt_pids *c)
{
	return (c->flags & CKPT_PIDS_SESSION_GONE) && getsid(0) != c->vsid ? c->vsid : 0;
}

/* The process group a placeholder must make before task @c is created, or 0 */
static pid_t group_to_make(const struct ckpt_pids *c)
{
	return (c->flags & CKPT_PIDS_PGRP_GONE) && getpgid(0) != c->vpgid ? c->vpgid : 0;
}

/* Is entry @j a process still to be created with parent @ppid, in @sid and @pgid if set? */
static int to_create(unsigned int j, pid_t ppid, pid_t sid, pid_t pgid)
{
	const struct ckpt_pids *c = &tree->pids[j];

	return !made[j] && c->vppid == ppid && c->vtgid == c->vpid && (!sid || c->vsid == sid) &&
	       (!pgid || c->vpgid == pgid);
}

static void restore_task(unsigned int i);
static int create_children(pid_t ppid, unsigned int from, unsigned long flags, pid_t sid,
			   pid_t pgid);

/*
 * In a placeholder with the pid @id of a session (@session) or process
 * group leader that exited before the checkpoint: make that session or
 * group again, create in it the processes from entry @from on that have
 * parent @ppid and session @sid and group @pgid when these are not 0 (with
 * CLONE_PARENT: they are the placeholder's siblings), and exit. The
 * parent reaps the placeholder; the session or group lives on in its
 * members, as it did without its leader.
 */
static void placeholder(pid_t ppid, unsigned int from, pid_t id, int session, pid_t sid,
			pid_t pgid)
{
	parent_fds_close();
	if (session ? setsid() < 0 : setpgid(0, 0) < 0) {
		fprintf(stderr, "rstr: cannot make %s %d again: %s\n",
			session ? "session" : "process group", id, strerror(errno));
		report_failure(id);
		_exit(EXIT_FAILED);
	}
	if (create_children(ppid, from, CLONE_PARENT, sid, pgid))
		_exit(EXIT_FAILED);
	_exit(EXIT_OK);
}

/* Reap child @pid, a placeholder of this process */
static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Create the processes from entry @from on whose parent is @ppid, and
 * whose session is @sid and process group @pgid when these are not 0.
 * Each runs restore_task() and never returns here. The caller is their
 * parent, or with CLONE_PARENT in @flags, a placeholder whose parent is.
 * A process whose session or process group had lost its leader is created
 * by a placeholder: see placeholder().
 *
 * Return: 0, or -1 once the failure is reported.
 */
static int create_children(pid_t ppid, unsigned int from, unsigned long flags, pid_t sid,
			   pid_t pgid)
{
	const struct ckpt_pids *c;
	pid_t id, child, nsid, npgid;
	const char *what;
	unsigned int j, k;
	int session;

	for (j = from; j < tree->nr_tasks; j++) {
		if (!to_create(j, ppid, sid, pgid))
			continue;
		c = &tree->pids[j];
		id = session_to_make(c);
		session = !!id;
		if (!session)
			id = group_to_make(c);
		child = id ? create(id, flags) : -1;
		if (child < 0 && id && !session && errno == EEXIST) {
			/* another branch made the group: join it */
			id = 0;
		}
		if (!id)
			child = create(c->vpid, flags);
		if (child < 0) {
			what = !id ? "it" : session ? "the session it led" : "the group it led";
			if (errno == EEXIST)
				fprintf(stderr, "rstr: pid %d is in use: cannot restart %s\n",
					id ?: c->vpid, what);
			else
				fprintf(stderr, "rstr: cannot create pid %d to restart %s: %s\n",
					id ?: c->vpid, what, strerror(errno));
			return -1;
		}
		nsid = session ? id : sid;
		npgid = session ? pgid : id;
		if (!child && id)
			placeholder(ppid, j, id, session, nsid, npgid);
		if (!child) {
			restore_task(j);
			_exit(EXIT_FAILED);
		}
		made[j] = 1;
		if (!id)
			continue;
		/* the placeholder created these: mark them, and reap it */
		for (k = j + 1; k < tree->nr_tasks; k++)
			if (to_create(k, ppid, nsid, npgid))
				made[k] = 1;
		if (flags & CLONE_PARENT)
			continue;	/* our parent reaps it */
		reap(id);
		/* and the placeholders of groups it created for us */
		for (k = j; session && k < tree->nr_tasks; k++) {
			c = &tree->pids[k];
			if (c->vppid == ppid && c->vsid == id && (c->flags & CKPT_PIDS_PGRP_GONE) &&
			    c->vpgid != id && !in_tree(c->vpgid))
				reap(c->vpgid);
		}
	}
	return 0;
}

/* Die as the zombie @p did */
static void exit_as(const struct ckpt_pids *p)
{
	struct rlimit none = { 0, 0 };
	int sig = p->exit_code & 0x7f;
	sigset_t all;

	if (sig) {
		setrlimit(RLIMIT_CORE, &none);
		signal(sig, SIG_DFL);
		sigfillset(&all);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		kill(getpid(), sig);
	}
	_exit((p->exit_code >> 8) & 0xff);
}

/*
 * In the new process for task @i of the tree: take its session and group,
 * create its children, then become it. Only returns on failure.
 */
static void restore_task(unsigned int i)
{
	const struct ckpt_pids *p = &tree->pids[i];
	unsigned int j, tries;

	parent_fds_close();
	if (p->vsid == p->vpid && getsid(0) != p->vpid && setsid() < 0)
		fprintf(stderr, "rstr: pid %d: setsid: %s\n", p->vpid, strerror(errno));
	if (p->vpgid == p->vpid && getpgid(0) != p->vpid && setpgid(0, 0))
		fprintf(stderr, "rstr: pid %d: setpgid: %s\n", p->vpid, strerror(errno));
	if (p->vpgid != p->vpid && (in_tree(p->vpgid) || (p->flags & CKPT_PIDS_PGRP_GONE)) &&
	    getpgid(0) != p->vpgid) {
		/* the group's leader, or its placeholder, may not have made it yet */
		for (tries = 0; setpgid(0, p->vpgid) && tries < 1000; tries++)
			usleep(2000);
	}
	if (p->flags & CKPT_PIDS_ZOMBIE)
		exit_as(p);
	/* before its children: they learn at fork that they have a subreaper */
	if ((p->flags & CKPT_PIDS_SUBREAPER) && prctl(PR_SET_CHILD_SUBREAPER, 1))
		fprintf(stderr, "rstr: pid %d: PR_SET_CHILD_SUBREAPER: %s\n", p->vpid,
			strerror(errno));
	/* its threads first: they wait in restart(2) for their turn */
	for (j = i + 1; j < tree->nr_tasks; j++) {
		if (tree->pids[j].vtgid != p->vpid || tree->pids[j].vpid == p->vpid)
			continue;
		if (create_thread(tree->pids[j].vpid, imgfd, logfd) < 0) {
			fprintf(stderr, "rstr: cannot create thread %d of %d: %s\n",
				tree->pids[j].vpid, p->vpid,
				errno == EEXIST ? "in use" : strerror(errno));
			report_failure(p->vpid);
			return;
		}
	}
	if (create_children(p->vpid, i + 1, 0, 0, 0)) {
		report_failure(p->vpid);
		return;
	}
	syscall(__NR_restart, 0, imgfd, 0, logfd);
	fprintf(stderr, "rstr: restart of pid %d failed: %s\n", p->vpid, strerror(errno));
	report_failure(p->vpid);
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* The init of a new pid namespace for an image whose root is not pid 1 */
static void pidns_init(void)
{
	pid_t root, pid;
	int status;

	root = tree->pids[0].vpid;
	if (create_children(tree->pids[0].vppid, 0, 0, 0, 0)) {
		report_failure(root);
		_exit(EXIT_FAILED);
	}
	close(errfd);
	close(imgfd);
	for (;;) {
		pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0 || pid == root)
			break;
	}
	if (pid == root && WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(pid == root ? WEXITSTATUS(status) : EXIT_FAILED);
}

/* After a failure: the processes made for the image must not linger */
static void kill_tree(void)
{
	unsigned int i;

	for (i = 1; i < tree->nr_tasks; i++)
		if (!(tree->pids[i].flags & CKPT_PIDS_ZOMBIE))
			kill(tree->pids[i].vpid, SIGKILL);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "logfile", required_argument, NULL, 'l' },
		{ "validate", no_argument, NULL, 'V' },
		{ "pidns", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *logfile = "-";
	int c, validate = 0, pidns = 0, p[2] = { -1, -1 }, e[2], status, failed;
	static char head[HEAD_MAX];
	off_t start;
	size_t len;
	unsigned long ipcns;
	pid_t pid, child;

	while ((c = getopt_long(argc, argv, "l:Vph", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			logfile = optarg;
			break;
		case 'V':
			validate = 1;
			break;
		case 'p':
			pidns = 1;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (isatty(STDIN_FILENO)) {
		fprintf(stderr, "rstr: standard input is a terminal; redirect an image to it\n");
		return EXIT_USAGE;
	}
	logfd = open_logfile("rstr", logfile);

	if (validate) {
		if (syscall(__NR_restart, 0, STDIN_FILENO, RESTART_VALIDATE, logfd) < 0) {
			fprintf(stderr, "rstr: restart failed: %s\n", strerror(errno));
			return EXIT_FAILED;
		}
		fprintf(stderr, "rstr: image is valid\n");
		return EXIT_OK;
	}

	start = lseek(STDIN_FILENO, 0, SEEK_CUR);
	pid = read_head(STDIN_FILENO, head, &len);
	if (pid < 0) {
		fprintf(stderr, "rstr: standard input is not a checkpoint image\n");
		return EXIT_FAILED;
	}
	made = calloc(pid ? tree->nr_tasks : 1, 1);
	if (!made) {
		perror("rstr: calloc");
		return EXIT_FAILED;
	}
	if (start >= 0 && lseek(STDIN_FILENO, start, SEEK_SET) != start) {
		perror("rstr: lseek");
		return EXIT_FAILED;
	}
	if (start < 0) {
		if (pipe(p)) {
			perror("rstr: pipe");
			return EXIT_FAILED;
		}
		imgfd = p[0];
	}

	if (pipe(e)) {
		perror("rstr: pipe");
		return EXIT_FAILED;
	}
	errfd = e[1];

	/* an image of a failed checkpoint: let the kernel say why */
	ipcns = pid && (tree->flags & CKPT_TREE_IPCNS) ? CLONE_NEWIPC : 0;
	parent_fds[0] = p[1];
	parent_fds[1] = e[0];
	if (pid && !pidns) {
		/* the root, through a placeholder if it had lost its session's leader */
		if (create_children(tree->pids[0].vppid, 0, ipcns, 0, 0))
			return EXIT_FAILED;
		child = pid;
	} else {
		child = create(0, pid ? CLONE_NEWPID | ipcns : 0);
		if (child < 0) {
			perror("rstr: clone3");
			return EXIT_FAILED;
		}
	}
	if (!child) {
		parent_fds_close();
		if (!pid) {
			syscall(__NR_restart, 0, imgfd, 0, logfd);
			fprintf(stderr, "rstr: restart failed: %s\n", strerror(errno));
			_exit(EXIT_FAILED);
		}
		if (pidns && pid != 1)
			pidns_init();
		restore_task(0);
		_exit(EXIT_FAILED);
	}
	if (p[1] >= 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		if (write_full(p[1], head, len) || feed(STDIN_FILENO, p[1]))
			fprintf(stderr, "rstr: feeding the image to pid %d: %s\n", pid,
				strerror(errno));
		close(p[1]);
	}
	/* end of file once every process is restored or gone */
	close(e[1]);
	failed = 0;
	while (read(e[0], &c, sizeof(c)) == sizeof(c))
		failed = 1;
	if (failed && pid && !pidns)
		kill_tree();
	status = wait_status(child);
	if (status < 0) {
		perror("rstr: waitpid");
		return EXIT_FAILED;
	}
	if (WIFSIGNALED(status)) {
		if (WTERMSIG(status) == SIGKILL)
			fprintf(stderr, "rstr: pid %d was killed\n", pid);
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}
