// SPDX-License-Identifier: GPL-2.0
/*
 * rstr - restart from a checkpoint image on standard input.
 *
 *   rstr [--logfile FILE] [--validate] < IMAGE
 *
 * For now the kernel only validates images (RESTART_VALIDATE): it reads
 * every record, checks every field, the tail and the checksum, and
 * restores nothing. --validate is therefore the default and only mode.
 *
 * Exit status: 0 the image is valid, 1 restart failed (the reason is on
 * stderr or in FILE), 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/checkpoint.h>

#include "common.h"

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: rstr [--logfile FILE] [--validate] < IMAGE\n"
		"Restart from the checkpoint image on standard input.\n"
		"  -l, --logfile FILE  append the kernel's log lines to FILE (default: stderr)\n"
		"  -V, --validate      only check the image, restore nothing (for now: always)\n"
		"  -h, --help          this text\n"
		"Exit status: 0 done, 1 restart failed, 2 bad command line.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "logfile", required_argument, NULL, 'l' },
		{ "validate", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *logfile = "-";
	int c, logfd;

	while ((c = getopt_long(argc, argv, "l:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			logfile = optarg;
			break;
		case 'V':
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

	if (syscall(__NR_restart, 0, STDIN_FILENO, RESTART_VALIDATE, logfd) < 0) {
		fprintf(stderr, "rstr: restart failed: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	fprintf(stderr, "rstr: image is valid (restore of tasks is not implemented yet)\n");
	return EXIT_OK;
}
