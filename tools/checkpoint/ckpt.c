// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt - checkpoint a process tree into an image on standard output.
 *
 *   ckpt [--kill] [--strict] [--checksum] [--logfile FILE] PID > IMAGE
 *
 * The image holds process PID and all its descendants. The kernel writes
 * it straight to standard output, which may be a file, a pipe or a socket.
 * Its log lines (why a checkpoint failed) go to standard error, or to
 * FILE. The processes are frozen while their image is written and then go
 * on running, or are killed with --kill. Open files the tree shares with
 * other processes (a terminal shared with the shell) are saved as the
 * tree's own unless --strict is given, which refuses them
 * (CHECKPOINT_SUBTREE is passed without it).
 *
 * Exit status: 0 checkpoint written, 1 checkpoint failed, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/checkpoint.h>

#include "common.h"

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: ckpt [--kill] [--strict] [--checksum] [--logfile FILE] PID > IMAGE\n"
		"Checkpoint process PID and its descendants; the image goes to standard output.\n"
		"  -k, --kill          kill the processes once their image is written\n"
		"  -s, --strict        refuse open files shared with processes outside the tree\n"
		"  -c, --checksum      let the image checksum cover page contents too\n"
		"  -l, --logfile FILE  append the kernel's log lines to FILE (default: stderr)\n"
		"  -v, --verbose       report the checkpoint id on stderr\n"
		"  -h, --help          this text\n"
		"Exit status: 0 done, 1 checkpoint failed, 2 bad command line.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kill", no_argument, NULL, 'k' },
		{ "strict", no_argument, NULL, 's' },
		{ "checksum", no_argument, NULL, 'c' },
		{ "logfile", required_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *logfile = "-";
	unsigned long flags = CHECKPOINT_SUBTREE;
	int c, logfd, verbose = 0;
	char *end;
	long pid, crid;

	while ((c = getopt_long(argc, argv, "kscl:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			flags |= CHECKPOINT_KILL;
			break;
		case 's':
			flags &= ~CHECKPOINT_SUBTREE;
			break;
		case 'c':
			flags |= CHECKPOINT_CSUM_PAGES;
			break;
		case 'l':
			logfile = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	errno = 0;
	pid = strtol(argv[optind], &end, 10);
	if (errno || *end || end == argv[optind] || pid <= 0 || pid > 0x7fffffff) {
		fprintf(stderr, "ckpt: %s: not a pid\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr,
			"ckpt: standard output is a terminal; redirect it to a file or a pipe\n");
		return EXIT_USAGE;
	}
	logfd = open_logfile("ckpt", logfile);

	crid = syscall(__NR_checkpoint, pid, STDOUT_FILENO, flags, logfd);
	if (crid < 0) {
		fprintf(stderr, "ckpt: checkpoint of pid %ld failed: %s\n", pid,
			strerror(errno));
		return EXIT_FAILED;
	}
	if (verbose)
		fprintf(stderr, "ckpt: pid %ld: checkpoint %ld written\n", pid, crid);
	return EXIT_OK;
}
