// SPDX-License-Identifier: GPL-2.0
/*
 * counter - a small program to checkpoint: counts, twice a second, and
 * keeps a checksum of its heap to show that memory came back intact.
 *
 *   counter [N]
 *
 * Stops after N counts (default: never).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define HEAP_WORDS	(4 << 20)	/* 32 MiB */

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : -1, i, j;
	unsigned long *heap = malloc(HEAP_WORDS * sizeof(*heap)), sum;
	struct timespec half = { 0, 500 * 1000 * 1000 };

	if (!heap)
		return 1;
	for (j = 0; j < HEAP_WORDS; j++)
		heap[j] = j * 2654435761UL;
	for (i = 1; n < 0 || i <= n; i++) {
		for (sum = 0, j = 0; j < HEAP_WORDS; j += 512)
			sum += heap[j];
		printf("counter: pid %d: %ld (heap checksum %lx)\n", getpid(), i, sum);
		fflush(stdout);
		nanosleep(&half, NULL);
	}
	return 0;
}
