// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt-self - a program that checkpoints itself.
 *
 *   ckpt-self IMAGE [N]
 *
 * Counts to N (default 10), one number a second, and at 3 writes its own
 * image to IMAGE with checkpoint(getpid(), fd, CHECKPOINT_SUBTREE, 2)
 * (its terminal is shared with the shell, hence SUBTREE). The call returns
 * the checkpoint id (> 0) in the running program, and 0 in a program restarted
 * from that image (rstr < IMAGE), which goes on counting from 3.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/checkpoint.h>

int main(int argc, char **argv)
{
	int i, n = argc > 2 ? atoi(argv[2]) : 10, fd;
	long crid;

	if (argc < 2) {
		fprintf(stderr, "Usage: ckpt-self IMAGE [N]\n");
		return 2;
	}
	for (i = 1; i <= n; i++) {
		printf("ckpt-self: pid %d: %d\n", getpid(), i);
		fflush(stdout);
		if (i == 3) {
			fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd < 0) {
				perror(argv[1]);
				return 1;
			}
			crid = syscall(__NR_checkpoint, getpid(), fd, CHECKPOINT_SUBTREE,
				       STDERR_FILENO);
			close(fd);
			if (crid < 0) {
				fprintf(stderr, "ckpt-self: checkpoint: %s\n", strerror(errno));
				return 1;
			}
			if (crid)
				printf("ckpt-self: saved to %s (checkpoint %ld)\n", argv[1], crid);
			else
				printf("ckpt-self: restarted from %s\n", argv[1]);
		}
		sleep(1);
	}
	return 0;
}
