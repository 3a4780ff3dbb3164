// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpoint image: what checkpoint(2) writes, checked field by field
 * from user space, and what restart(2) makes of good, corrupted and
 * truncated images.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

#define EXPECT_LOG(log, what) do {						\
	EXPECT_EQ(1, count_lines(log)) TH_LOG("log: '%s'", log);		\
	EXPECT_EQ(0, strncmp(log, "restart[", 8)) TH_LOG("log: '%s'", log);	\
	EXPECT_NE(NULL, strstr(log, what)) TH_LOG("log: '%s'", log);		\
} while (0)

/* A child that answers each byte written to it, to show it still runs */
static pid_t spawn_echo(int *to, int *from)
{
	int a[2], b[2];
	pid_t pid;
	char c;

	if (pipe(a) || pipe(b))
		return -1;
	pid = fork();
	if (!pid) {
		prctl(PR_SET_NAME, "echoer");
		while (read(a[0], &c, 1) == 1)
			if (write(b[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	*to = a[1];
	*from = b[0];
	return pid;
}

static int echo_ok(int to, int from)
{
	char c = 'x';

	return write(to, &c, 1) == 1 && read(from, &c, 1) == 1 && c == 'x';
}

TEST(checkpoint_image_content)
{
	struct ckpt_hdr_header *hh;
	struct ckpt_hdr_header_arch *ha;
	struct ckpt_hdr_tree *tree;
	struct ckpt_hdr_task *task;
	struct ckpt_hdr_tail *tail;
	struct utsname u;
	struct image img;
	int to, from, fd, logfd;
	time_t now = time(NULL);
	char *log;
	long crid;
	pid_t pid;

	pid = spawn_echo(&to, &from);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(echo_ok(to, from));

	fd = memfd("image");
	logfd = memfd("log");
	/* the image goes where the fd's offset points, and moves it */
	ASSERT_EQ(5, write(fd, "junk!", 5));
	crid = sys_checkpoint(pid, fd, 0, logfd);
	ASSERT_LT(0, crid) TH_LOG("checkpoint: %s", strerror(errno));
	img.buf = slurp(fd, &img.len);
	log = slurp(logfd, NULL);
	EXPECT_STREQ("", log);
	EXPECT_EQ(img.len, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(0, memcmp(img.buf, "junk!", 5));
	img.buf += 5;
	img.len -= 5;

	/* header: who wrote it */
	ASSERT_EQ(0, uname(&u));
	hh = (void *)image_record(&img, CKPT_HDR_HEADER, 0);
	ASSERT_EQ((void *)img.buf, (void *)hh);
	EXPECT_EQ(sizeof(*hh), hh->h.len);
	EXPECT_EQ(CKPT_MAGIC_HEAD, hh->magic);
	EXPECT_EQ(CKPT_FORMAT_VERSION, hh->version);
	EXPECT_EQ(CKPT_ARCH_X86_64, hh->arch);
	EXPECT_EQ(getpagesize(), hh->page_size);
	EXPECT_EQ(0, hh->flags);
	EXPECT_EQ(crid, hh->crid);
	EXPECT_LE(now - 5, hh->time);
	EXPECT_GE(time(NULL) + 5, hh->time);
	EXPECT_STREQ(u.release, hh->release);

	/* x86: x87 and SSE at least, and the XSAVE size that goes with them */
	ha = (void *)image_record(&img, CKPT_HDR_HEADER_ARCH, 0);
	ASSERT_NE(NULL, ha);
	EXPECT_EQ(3, ha->xfeatures & 3);
	EXPECT_LE(CKPT_XSTATE_SIZE_MIN, ha->xstate_size);

	/* the task */
	tree = (void *)image_record(&img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	ASSERT_EQ(1, tree->nr_tasks);
	EXPECT_EQ(pid, tree->pids[0].vpid);
	EXPECT_EQ(pid, tree->pids[0].vtgid);
	EXPECT_EQ(getpid(), tree->pids[0].vppid);
	EXPECT_EQ(getpgid(pid), tree->pids[0].vpgid);
	EXPECT_EQ(getsid(pid), tree->pids[0].vsid);
	EXPECT_EQ(0, tree->pids[0].depth);
	task = (void *)image_record(&img, CKPT_HDR_TASK, 0);
	ASSERT_NE(NULL, task);
	EXPECT_STREQ("echoer", task->comm);
	EXPECT_EQ(SIGCHLD, task->exit_signal);

	/* the tail: checksum computed here, independently of the kernel */
	ASSERT_EQ(5, image_nr_records(&img));
	tail = (void *)(img.buf + img.len - sizeof(*tail));
	EXPECT_EQ(CKPT_HDR_TAIL, tail->h.type);
	EXPECT_EQ(CKPT_MAGIC_TAIL, tail->magic);
	EXPECT_EQ(img.len - sizeof(*tail), tail->length);
	EXPECT_EQ(4, tail->nr_records);
	EXPECT_EQ(~crc32c(~0U, img.buf, tail->length), tail->crc32c);

	/* the target never noticed and keeps running */
	EXPECT_TRUE(echo_ok(to, from));

	/* restart accepts it, from where the fd's offset points */
	ftruncate(logfd, 0);
	ASSERT_EQ(5, lseek(fd, 5, SEEK_SET));
	EXPECT_EQ(0, sys_restart(0, fd, RESTART_VALIDATE, logfd)) TH_LOG("%s", slurp(logfd, NULL));
	EXPECT_EQ(5 + img.len, lseek(fd, 0, SEEK_CUR));
	EXPECT_STREQ("", slurp(logfd, NULL));

	close(to);
	waitpid(pid, NULL, 0);
}

TEST(checkpoint_self)
{
	struct image img;
	struct ckpt_hdr_tree *tree;
	long crid1, crid2;
	char *log;

	crid1 = checkpoint_image(0, &img, &log);
	ASSERT_LT(0, crid1);
	tree = (void *)image_record(&img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	EXPECT_EQ(getpid(), tree->pids[0].vpid);
	EXPECT_EQ(0, restart_image(img.buf, img.len, &log)) TH_LOG("%s", log);

	/* every checkpoint gets a new id */
	crid2 = checkpoint_image(getpid(), &img, &log);
	EXPECT_LT(crid1, crid2);
}

/* The stream never seeks: an image goes through a pipe both ways */
TEST(through_a_pipe)
{
	int p[2], status, logfd = memfd("log");
	pid_t reader, pid = spawn_sleeper("piped");

	ASSERT_EQ(0, pipe(p));
	ASSERT_LT(0, sys_checkpoint(pid, p[1], 0, logfd));
	close(p[1]);
	EXPECT_EQ(0, sys_restart(0, p[0], RESTART_VALIDATE, logfd));
	EXPECT_STREQ("", slurp(logfd, NULL));
	reap(pid);

	/* restart already waiting on an empty pipe while checkpoint writes */
	pid = spawn_sleeper("piped");
	ASSERT_EQ(0, pipe(p));
	reader = fork();
	ASSERT_LE(0, reader);
	if (!reader) {
		close(p[1]);
		_exit(sys_restart(0, p[0], RESTART_VALIDATE, -1) ? errno : 0);
	}
	close(p[0]);
	usleep(100 * 1000);
	EXPECT_LT(0, sys_checkpoint(pid, p[1], 0, -1));
	close(p[1]);
	ASSERT_EQ(reader, waitpid(reader, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("restart: %s", strerror(WEXITSTATUS(status)));
	reap(pid);
}

/* A failed checkpoint leaves its reason in the image */
TEST(error_record)
{
	struct ckpt_hdr_error *he;
	struct image img;
	char *log;

	EXPECT_EQ(-ESRCH, checkpoint_image(4194304, &img, &log));
	EXPECT_EQ(1, count_lines(log));
	EXPECT_NE(NULL, strstr(log, "pid 4194304: no such process")) TH_LOG("%s", log);
	ASSERT_EQ(4, image_nr_records(&img));
	EXPECT_NE(NULL, image_record(&img, CKPT_HDR_HEADER, 0));
	he = (void *)image_record(&img, CKPT_HDR_ERROR, 0);
	ASSERT_NE(NULL, he);
	EXPECT_EQ(-ESRCH, he->error);
	EXPECT_NE(NULL, strstr(he->msg, "pid 4194304: no such process")) TH_LOG("%s", he->msg);
	EXPECT_EQ(strlen(he->msg) + 1, he->msg_len);
	EXPECT_EQ(0, he->h.len % CKPT_ALIGN);

	/* restart refuses it and says why */
	EXPECT_EQ(-ECANCELED, restart_image(img.buf, img.len, &log));
	EXPECT_LOG(log, "image of a failed checkpoint: pid 4194304: no such process");
}

/* Corrupted images: one field at a time, restart names what is wrong */
FIXTURE(corrupt) {
	struct image img;
	pid_t pid;
};

FIXTURE_VARIANT(corrupt) {
	uint32_t type;		/* the record to corrupt */
	size_t off;		/* byte offset in it */
	uint64_t value;		/* new value there ... */
	int size;		/* ... of this many bytes (the field's size) */
	int fill;		/* fill the whole field with the byte @value */
	int fix_tail;		/* recompute the tail after the edit */
	int error;		/* what restart must return */
	const char *log;	/* and what its log line must say */
};

#define VARIANT(name, t, rec, field, v, fix, err, msg)				\
	FIXTURE_VARIANT_ADD(corrupt, name) {					\
		.type = t, .off = offsetof(rec, field), .value = v,		\
		.size = sizeof(((rec *)0)->field), .fix_tail = fix,		\
		.error = err, .log = msg,					\
	}

VARIANT(header_magic, CKPT_HDR_HEADER, struct ckpt_hdr_header, magic, 0x1234, 1,
	EINVAL, "not a checkpoint image: bad magic 0x1234");
VARIANT(header_version, CKPT_HDR_HEADER, struct ckpt_hdr_header, version, 99, 1,
	ENOEXEC, "image format version 99");
VARIANT(header_arch, CKPT_HDR_HEADER, struct ckpt_hdr_header, arch, 7, 1,
	ENOEXEC, "image arch 7");
VARIANT(header_page_size, CKPT_HDR_HEADER, struct ckpt_hdr_header, page_size, 65536, 1,
	ENOEXEC, "image page size 65536");
VARIANT(header_reserved, CKPT_HDR_HEADER, struct ckpt_hdr_header, _reserved, 1, 1,
	EINVAL, "reserved field");
VARIANT(header_flags, CKPT_HDR_HEADER, struct ckpt_hdr_header, flags, 1ULL << 40, 1,
	EINVAL, "unknown checkpoint flags");
VARIANT(header_release, CKPT_HDR_HEADER, struct ckpt_hdr_header, release, 0x302e302e30ULL, 1,
	ENOEXEC, "image from kernel release 0.0.0");
VARIANT(header_type, CKPT_HDR_HEADER, struct ckpt_hdr_header, h.type, CKPT_HDR_TASK, 1,
	EINVAL, "expected a HEADER record, found type 200");
VARIANT(header_len, CKPT_HDR_HEADER, struct ckpt_hdr_header, h.len, 4, 1,
	EINVAL, "HEADER record has bad length 4");
VARIANT(arch_xfeatures, CKPT_HDR_HEADER_ARCH, struct ckpt_hdr_header_arch, xfeatures,
	0x4000000000000003ULL, 1, ENOEXEC, "xfeatures 0x4000000000000000 that this CPU lacks");
VARIANT(arch_no_sse, CKPT_HDR_HEADER_ARCH, struct ckpt_hdr_header_arch, xfeatures, 1, 1,
	EINVAL, "lack x87 and SSE");
VARIANT(arch_xstate_size, CKPT_HDR_HEADER_ARCH, struct ckpt_hdr_header_arch, xstate_size,
	16, 1, EINVAL, "xstate size 16 out of range");
VARIANT(tree_nr_tasks, CKPT_HDR_TREE, struct ckpt_hdr_tree, nr_tasks, 5, 1,
	EINVAL, "tree of 5 tasks");
VARIANT(tree_no_tasks, CKPT_HDR_TREE, struct ckpt_hdr_tree, nr_tasks, 0, 1,
	EINVAL, "tree of 0 tasks");
VARIANT(tree_bad_pid, CKPT_HDR_TREE, struct ckpt_hdr_tree, pids[0].vpid, 0xfffffffd, 1,
	EINVAL, "bad pids -3/");
VARIANT(tree_len_unaligned, CKPT_HDR_TREE, struct ckpt_hdr_tree, h.len, 44, 1,
	EINVAL, "TREE record has bad length 44");
VARIANT(task_huge_len, CKPT_HDR_TASK, struct ckpt_hdr_task, h.len, 0xfffffff8, 1,
	EINVAL, "TASK record has bad length 4294967288");
VARIANT(task_unknown_type, CKPT_HDR_TASK, struct ckpt_hdr_task, h.type, 4242, 1,
	EINVAL, "expected a TASK record, found type 4242 (UNKNOWN)");
FIXTURE_VARIANT_ADD(corrupt, task_comm) {
	.type = CKPT_HDR_TASK, .off = offsetof(struct ckpt_hdr_task, comm), .value = 'A',
	.size = CKPT_COMM_LEN, .fill = 1, .fix_tail = 1,
	.error = EINVAL, .log = "comm is not NUL terminated",
};
VARIANT(task_exit_signal, CKPT_HDR_TASK, struct ckpt_hdr_task, exit_signal, 200, 1,
	EINVAL, "bad exit signal 200");
/* a byte changed after checkpoint, with the tail left as it was */
VARIANT(checksum, CKPT_HDR_TASK, struct ckpt_hdr_task, personality, 0x10, 0,
	EBADMSG, "checksum mismatch");
VARIANT(tail_magic, CKPT_HDR_TAIL, struct ckpt_hdr_tail, magic, 0x42, 0,
	EINVAL, "bad tail magic 0x42");
VARIANT(tail_crc, CKPT_HDR_TAIL, struct ckpt_hdr_tail, crc32c, 0x12345678, 0,
	EBADMSG, "checksum mismatch");
VARIANT(tail_length, CKPT_HDR_TAIL, struct ckpt_hdr_tail, length, 8, 0,
	EBADMSG, "tail says 8");
VARIANT(tail_count, CKPT_HDR_TAIL, struct ckpt_hdr_tail, nr_records, 99, 0,
	EBADMSG, "record count 4, tail says 99");
VARIANT(tail_type, CKPT_HDR_TAIL, struct ckpt_hdr_tail, h.type, CKPT_HDR_TASK, 0,
	EINVAL, "expected a TAIL record, found type 200");

FIXTURE_SETUP(corrupt)
{
	char *log;

	self->pid = spawn_sleeper("victim");
	ASSERT_LT(0, checkpoint_image(self->pid, &self->img, &log));
	ASSERT_EQ(5, image_nr_records(&self->img));
}

FIXTURE_TEARDOWN(corrupt)
{
	reap(self->pid);
}

TEST_F(corrupt, rejected)
{
	struct ckpt_hdr *h = image_record(&self->img, variant->type, 0);
	char *field, *log;

	/* the image as written is fine: the edit is what restart refuses */
	ASSERT_EQ(0, restart_image(self->img.buf, self->img.len, &log)) TH_LOG("%s", log);

	ASSERT_NE(NULL, h);
	field = (char *)h + variant->off;
	if (variant->fill) {
		memset(field, variant->value, variant->size);
	} else {
		/* a wider field (a string) is cleared, then starts with @value */
		memset(field, 0, variant->size);
		memcpy(field, &variant->value, variant->size < 8 ? variant->size : 8);
	}
	if (variant->fix_tail)
		image_fix_tail(&self->img);
	EXPECT_EQ(-variant->error, restart_image(self->img.buf, self->img.len, &log));
	EXPECT_LOG(log, variant->log);
}

/* Truncated anywhere, including inside a header, the image is refused */
TEST(truncated)
{
	pid_t pid = spawn_sleeper("victim");
	struct image img;
	char *log, what[64];
	size_t cut;

	ASSERT_LT(0, checkpoint_image(pid, &img, &log));
	reap(pid);
	for (cut = 0; cut < img.len; cut++) {
		snprintf(what, sizeof(what), "image truncated at offset %zu", cut);
		ASSERT_EQ(-ENODATA, restart_image(img.buf, cut, &log)) TH_LOG("cut at %zu", cut);
		EXPECT_LOG(log, what);
	}
	EXPECT_EQ(0, restart_image(img.buf, img.len, &log)) TH_LOG("%s", log);
}

/* The restart reads nothing beyond the tail: what follows stays in the file */
TEST(trailing_data)
{
	pid_t pid = spawn_sleeper("victim");
	struct image img;
	int fd = memfd("image");
	char *log;

	ASSERT_LT(0, checkpoint_image(pid, &img, &log));
	reap(pid);
	ASSERT_EQ(img.len, write(fd, img.buf, img.len));
	ASSERT_EQ(4, write(fd, "more", 4));
	lseek(fd, 0, SEEK_SET);
	EXPECT_EQ(0, sys_restart(0, fd, RESTART_VALIDATE, -1));
	EXPECT_EQ(img.len, lseek(fd, 0, SEEK_CUR));
}

TEST_HARNESS_MAIN
