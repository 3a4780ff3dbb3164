// SPDX-License-Identifier: GPL-2.0
/*
 * rstr - restart a process from a checkpoint image on standard input.
 *
 *   rstr [--logfile FILE] [--validate] < IMAGE
 *
 * rstr reads the head of the image to learn the pid of the process,
 * creates a child with that pid (clone3() with set_tid), and the child
 * calls restart(2), which turns it into the process of the image. rstr
 * then waits for the restored process and exits as it exits. If standard
 * input can't seek (a pipe), rstr feeds the image to the child through a
 * pipe of its own, head included.
 *
 * With --validate the kernel only checks the image and restores nothing.
 *
 * Exit status: the restored process' exit status (128 + signal if it was
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
		"Usage: rstr [--logfile FILE] [--validate] < IMAGE\n"
		"Restart the process of the checkpoint image on standard input, with its pid.\n"
		"  -l, --logfile FILE  append the kernel's log lines to FILE (default: stderr)\n"
		"  -V, --validate      only check the image, restore nothing\n"
		"  -h, --help          this text\n"
		"Exit status: the restored process' (128 + signal if killed); 1 restart\n"
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

/* Read records up to the tree; return the pid of the image, or -1 */
static pid_t read_head(int fd, char *head, size_t *len)
{
	struct ckpt_hdr *h;
	struct ckpt_hdr_tree *tree;

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
			if (h->len < sizeof(*tree) + sizeof(tree->pids[0]) || !tree->nr_tasks)
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "logfile", required_argument, NULL, 'l' },
		{ "validate", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct clone_args args = { .exit_signal = SIGCHLD, .set_tid_size = 1 };
	const char *logfile = "-";
	int c, logfd, validate = 0, imgfd = STDIN_FILENO, p[2] = { -1, -1 }, status;
	static char head[HEAD_MAX];
	off_t start;
	size_t len;
	pid_t pid, child;

	while ((c = getopt_long(argc, argv, "l:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			logfile = optarg;
			break;
		case 'V':
			validate = 1;
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

	/* an image of a failed checkpoint: let the kernel say why */
	args.set_tid = (unsigned long)&pid;
	if (!pid)
		args.set_tid_size = 0;
	child = syscall(__NR_clone3, &args, sizeof(args));
	if (child < 0) {
		if (errno == EEXIST)
			fprintf(stderr, "rstr: pid %d is in use: cannot restart it\n", pid);
		else
			fprintf(stderr, "rstr: cannot create pid %d: %s\n", pid, strerror(errno));
		return EXIT_FAILED;
	}
	if (!child) {
		if (p[1] >= 0)
			close(p[1]);
		syscall(__NR_restart, 0, imgfd, 0, logfd);
		fprintf(stderr, "rstr: restart of pid %d failed: %s\n", pid, strerror(errno));
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
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
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
