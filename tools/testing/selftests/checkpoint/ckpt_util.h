/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the checkpoint selftests: the system calls, images in
 * memory files, the log, and a record walker.
 */
#ifndef CKPT_SELFTEST_UTIL_H
#define CKPT_SELFTEST_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/checkpoint.h>
#include <linux/checkpoint_hdr.h>

#include "../kselftest.h"

long sys_checkpoint(pid_t pid, int fd, unsigned long flags, int logfd);
long sys_restart(pid_t pid, int fd, unsigned long flags, int logfd);

/* Write @s to the file at @path (a /proc or /sys knob): 0 or -1 */
int write_file(const char *path, const char *s);

/* A memfd: the image or the log file of one call */
int memfd(const char *name);
/* Whole content of @fd from offset 0, NUL terminated; free() it. */
char *slurp(int fd, size_t *len);
/* Lines (newline terminated) in @s */
int count_lines(const char *s);

uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

struct image {
	char *buf;
	size_t len;
};

/* Find the @nth (from 0) record of @type; NULL if there is none */
struct ckpt_hdr *image_record(struct image *img, uint32_t type, int nth);
/* Records of the image, tail included; -1 if the lengths don't add up */
int image_nr_records(struct image *img);
/*
 * CRC-32C of the first @len bytes of the image as the tail defines it: the
 * payload of PAGE_DATA records is left out unless the header has
 * CHECKPOINT_CSUM_PAGES
 */
uint32_t image_crc32c(struct image *img, size_t len);
/* Recompute the tail (length, record count, checksum) after an edit */
void image_fix_tail(struct image *img);
/*
 * Set @field of the @nth (from 0) record named @record ("TASK", as
 * ckptinfo names them) to @value, then fix the tail (image_fix_tail(),
 * unless the field is in the TAIL itself). @field is named as in
 * "ckptinfo --fields", an element of an array with its index:
 * "exit_signal", "groups[2]", "pids[1].vpid", "rlim[7].max", "perm.uid".
 * Only integer fields (1, 2, 4 or 8 bytes), and single characters or
 * bytes of an array, can be set; @value is cut to the field's size.
 * Returns 0, or -1 if there is no such record, field or element (an
 * index beyond the array, or beyond the record's length for the array
 * that ends it).
 */
int image_set_field(struct image *img, const char *record, int nth, const char *field,
		    uint64_t value);
/* Read such a field into *@value; a signed field is sign-extended. 0 or -1 */
int image_get_field(struct image *img, const char *record, int nth, const char *field,
		    uint64_t *value);

/* A child that sleeps until killed; returns its pid */
pid_t spawn_sleeper(const char *comm);
void reap(pid_t pid);

/*
 * Checkpoint @pid into a new memfd; the image and the log come back in
 * @img and @log (free them). Returns what the system call returned, or
 * -errno.
 */
long checkpoint_image(pid_t pid, struct image *img, char **log);
/* The same with checkpoint(2) @flags */
long checkpoint_image_flags(pid_t pid, unsigned long flags, struct image *img, char **log);
/* restart(RESTART_VALIDATE) from a memfd holding @buf; returns 0 or -errno */
long restart_image(const void *buf, size_t len, char **log);

/*
 * Checkpoint and restart of a child
 *
 * A test child sets up some state, says it is ready (ready_child()), and
 * waits in wait_restored() until its restored copy is told to go on; it
 * then checks its state and exits 0 if all is well. The test process runs
 * the cycle with checkpoint_restart().
 */
struct cycle {
	int ready[2];		/* the child writes a byte when it is ready */
	pid_t pid;		/* the child, then its restored copy */
	char *log;		/* kernel log of checkpoint and restart */
	struct image img;	/* the image */
	long crid;		/* checkpoint(2) returned */
};

pid_t cycle_fork(struct cycle *c);
void ready_child(struct cycle *c);
void wait_restored(void);
/* Wait for the ready byte, checkpoint (with @flags and CHECKPOINT_SUBTREE) into c->img */
long cycle_checkpoint(struct cycle *c, unsigned long flags);
/* Restart c->img as c->pid (the original must be gone), tell it to go on, wait: wait status */
int cycle_restart(struct cycle *c);
/*
 * The same, with restart(2) called by uid and gid @uid without groups or
 * capabilities (if not -1): the pid is chosen with privilege, as rstr does,
 * and the rest is an unprivileged user's. Exit 101: it could not drop them.
 */
int cycle_restart_as(struct cycle *c, uid_t uid);
/* Become uid and gid @id, with no supplementary group and no capability */
int become_user(uid_t id);
/* All of it, with CHECKPOINT_KILL: the restored child's wait status or -errno */
int checkpoint_restart(struct cycle *c);

/*
 * In a restored child: say in words what differs from the original
 * (printf-style), where the test reads it (restored_why()), and exit 1
 */
__noreturn __printf(1, 2) void restored_differs(const char *fmt, ...);
/* In a restored child: an int property @what read as @got, was @want */
#define RESTORED_EQ(what, got, want)						\
	do {									\
		long long __g = (got), __w = (want);				\
										\
		if (__g != __w)							\
			restored_differs("%s is %lld, was %lld", what, __g, __w);	\
	} while (0)
/* What restored child @pid said differs, or "" (and forget it) */
const char *restored_why(pid_t pid);

/* In a kselftest_harness test: the restored child of @c exited 0 (@status) */
#define EXPECT_RESTORED(status, c)						\
	do {									\
		int __st = (status);						\
		typeof(c) __rc = (c);						\
										\
		EXPECT_TRUE(WIFEXITED(__st) && WEXITSTATUS(__st) == 0)		\
			TH_LOG("restored child: status %#x (exit %d, signal %d) %s; log: %s", \
			       __st, WEXITSTATUS(__st), WTERMSIG(__st),		\
			       restored_why(__rc->pid), __rc->log);			\
	} while (0)

/*
 * Restart @img with the rstr tool (from PATH), with option @opt (or NULL);
 * what rstr prints is appended to *@log. Returns rstr's exit status (128 +
 * signal if killed), or -errno.
 */
int run_rstr(struct image *img, const char *opt, char **log);

#endif /* CKPT_SELFTEST_UTIL_H */
