/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the checkpoint tools: the image checksum, the log file,
 * a clock for the benchmarks and the exit codes.
 */
#ifndef CKPT_TOOLS_COMMON_H
#define CKPT_TOOLS_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit codes shared by the tools */
#define EXIT_OK		0	/* done, or the image is valid */
#define EXIT_FAILED	1	/* the operation failed, or the image is invalid */
#define EXIT_USAGE	2	/* bad command line, or a file could not be opened */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

uint32_t crc32c_update(uint32_t crc, const void *buf, size_t len);

/* CLOCK_MONOTONIC in seconds, for timing */
double now(void);

/* Open @path for the kernel's log lines; "-" is stderr. Exits on error. */
int open_logfile(const char *prog, const char *path);

#endif /* CKPT_TOOLS_COMMON_H */
