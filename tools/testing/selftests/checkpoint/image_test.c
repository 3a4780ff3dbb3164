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

/* The log of a refused restart: one line, naming @what */
static void expect_log(struct __test_metadata *_metadata, const char *log, const char *what)
{
	EXPECT_EQ(1, count_lines(log)) TH_LOG("log: '%s'", log);
	EXPECT_EQ(0, strncmp(log, "restart[", 8)) TH_LOG("log: '%s'", log);
	EXPECT_NE(NULL, strstr(log, what)) TH_LOG("log: '%s'", log);
}

/* The state letter of @pid in /proc/PID/stat, or 0 */
static char proc_state(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && p[1] == ' ' ? p[2] : 0;
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
	int fd, logfd, i, n;
	time_t now = time(NULL);
	char *log;
	long crid;
	pid_t pid;

	pid = spawn_sleeper("echoer");
	ASSERT_LT(0, pid);
	usleep(100 * 1000);

	fd = memfd("image");
	logfd = memfd("log");
	/* the image goes where the fd's offset points, and moves it */
	ASSERT_EQ(5, write(fd, "junk!", 5));
	crid = sys_checkpoint(pid, fd, CHECKPOINT_SUBTREE, logfd);
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
	EXPECT_EQ(CHECKPOINT_SUBTREE, hh->flags);
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
	EXPECT_EQ(0, tree->pids[0].flags);
	EXPECT_EQ(0, tree->flags);
	task = (void *)image_record(&img, CKPT_HDR_TASK, 0);
	ASSERT_NE(NULL, task);
	EXPECT_STREQ("echoer", task->comm);
	EXPECT_EQ(SIGCHLD, task->exit_signal);

	/* the tail: checksum computed here, independently of the kernel */
	n = image_nr_records(&img);
	ASSERT_LT(5, n);
	tail = (void *)(img.buf + img.len - sizeof(*tail));
	EXPECT_EQ(CKPT_HDR_TAIL, tail->h.type);
	EXPECT_EQ(CKPT_MAGIC_TAIL, tail->magic);
	EXPECT_EQ(img.len - sizeof(*tail), tail->length);
	EXPECT_EQ(n - 1, tail->nr_records);
	EXPECT_EQ(image_crc32c(&img, tail->length), tail->crc32c);

	/* the target was thawed: it sleeps in pause() again, not frozen */
	for (i = 0; i < 100 && proc_state(pid) != 'S'; i++)
		usleep(10 * 1000);
	EXPECT_EQ('S', proc_state(pid));

	/* restart accepts it, from where the fd's offset points */
	ftruncate(logfd, 0);
	ASSERT_EQ(5, lseek(fd, 5, SEEK_SET));
	EXPECT_EQ(0, sys_restart(0, fd, RESTART_VALIDATE, logfd)) TH_LOG("%s", slurp(logfd, NULL));
	EXPECT_EQ(5 + img.len, lseek(fd, 0, SEEK_CUR));
	EXPECT_STREQ("", slurp(logfd, NULL));

	reap(pid);
}

TEST(checkpoint_self)
{
	struct image img;
	struct ckpt_hdr_tree *tree;
	int fd = memfd("image");
	long crid1, crid2;
	char *log;

	/* the image fd itself is not part of the image */
	crid1 = sys_checkpoint(0, fd, CHECKPOINT_SUBTREE, -1);
	ASSERT_LT(0, crid1) TH_LOG("%s", strerror(errno));
	img.buf = slurp(fd, &img.len);
	tree = (void *)image_record(&img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	EXPECT_EQ(getpid(), tree->pids[0].vpid);
	EXPECT_EQ(0, restart_image(img.buf, img.len, &log)) TH_LOG("%s", log);

	/* every checkpoint gets a new id */
	crid2 = sys_checkpoint(getpid(), fd, CHECKPOINT_SUBTREE, -1);
	EXPECT_LT(crid1, crid2);
}

/* The stream never seeks: an image goes through a pipe both ways */
TEST(through_a_pipe)
{
	int p[2], status, logfd = memfd("log");
	pid_t reader, pid = spawn_sleeper("piped");

	ASSERT_EQ(0, pipe(p));
	ASSERT_LE(1 << 20, fcntl(p[1], F_SETPIPE_SZ, 1 << 20));
	ASSERT_LT(0, sys_checkpoint(pid, p[1], CHECKPOINT_SUBTREE, logfd))
		TH_LOG("%s", slurp(logfd, NULL));
	close(p[1]);
	EXPECT_EQ(0, sys_restart(0, p[0], RESTART_VALIDATE, logfd));
	EXPECT_STREQ("", slurp(logfd, NULL));
	close(p[0]);
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
	EXPECT_LT(0, sys_checkpoint(pid, p[1], CHECKPOINT_SUBTREE, -1));
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
	expect_log(_metadata, log, "image of a failed checkpoint: pid 4194304: no such process");
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

FIXTURE_VARIANT_ADD(corrupt, header_magic) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, magic),
	.size = sizeof(((struct ckpt_hdr_header *)0)->magic),
	.value = 0x1234,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "not a checkpoint image: bad magic 0x1234",
};

FIXTURE_VARIANT_ADD(corrupt, header_version) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, version),
	.size = sizeof(((struct ckpt_hdr_header *)0)->version),
	.value = 99,
	.fix_tail = 1,
	.error = ENOEXEC,
	.log = "image format version 99",
};

FIXTURE_VARIANT_ADD(corrupt, header_arch) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, arch),
	.size = sizeof(((struct ckpt_hdr_header *)0)->arch),
	.value = 7,
	.fix_tail = 1,
	.error = ENOEXEC,
	.log = "image arch 7",
};

FIXTURE_VARIANT_ADD(corrupt, header_page_size) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, page_size),
	.size = sizeof(((struct ckpt_hdr_header *)0)->page_size),
	.value = 65536,
	.fix_tail = 1,
	.error = ENOEXEC,
	.log = "image page size 65536",
};

FIXTURE_VARIANT_ADD(corrupt, header_reserved) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, _reserved),
	.size = sizeof(((struct ckpt_hdr_header *)0)->_reserved),
	.value = 1,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "reserved field",
};

FIXTURE_VARIANT_ADD(corrupt, header_flags) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, flags),
	.size = sizeof(((struct ckpt_hdr_header *)0)->flags),
	.value = 1ULL << 40,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "unknown checkpoint flags",
};

FIXTURE_VARIANT_ADD(corrupt, header_release) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, release),
	.size = sizeof(((struct ckpt_hdr_header *)0)->release),
	.value = 0x302e302e30ULL,
	.fix_tail = 1,
	.error = ENOEXEC,
	.log = "image from kernel release 0.0.0",
};

FIXTURE_VARIANT_ADD(corrupt, header_type) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, h.type),
	.size = sizeof(((struct ckpt_hdr_header *)0)->h.type),
	.value = CKPT_HDR_TASK,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "expected a HEADER record, found type 200",
};

FIXTURE_VARIANT_ADD(corrupt, header_len) {
	.type = CKPT_HDR_HEADER,
	.off = offsetof(struct ckpt_hdr_header, h.len),
	.size = sizeof(((struct ckpt_hdr_header *)0)->h.len),
	.value = 4,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "HEADER record has bad length 4",
};

FIXTURE_VARIANT_ADD(corrupt, arch_xfeatures) {
	.type = CKPT_HDR_HEADER_ARCH,
	.off = offsetof(struct ckpt_hdr_header_arch, xfeatures),
	.size = sizeof(((struct ckpt_hdr_header_arch *)0)->xfeatures),
	.value = 0x4000000000000003ULL,
	.fix_tail = 1,
	.error = ENOEXEC,
	.log = "xfeatures 0x4000000000000000 that this CPU lacks",
};

FIXTURE_VARIANT_ADD(corrupt, arch_no_sse) {
	.type = CKPT_HDR_HEADER_ARCH,
	.off = offsetof(struct ckpt_hdr_header_arch, xfeatures),
	.size = sizeof(((struct ckpt_hdr_header_arch *)0)->xfeatures),
	.value = 1,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "lack x87 and SSE",
};

FIXTURE_VARIANT_ADD(corrupt, arch_xstate_size) {
	.type = CKPT_HDR_HEADER_ARCH,
	.off = offsetof(struct ckpt_hdr_header_arch, xstate_size),
	.size = sizeof(((struct ckpt_hdr_header_arch *)0)->xstate_size),
	.value = 16,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "xstate size 16 out of range",
};

FIXTURE_VARIANT_ADD(corrupt, tree_nr_tasks) {
	.type = CKPT_HDR_TREE,
	.off = offsetof(struct ckpt_hdr_tree, nr_tasks),
	.size = sizeof(((struct ckpt_hdr_tree *)0)->nr_tasks),
	.value = 5,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "tree of 5 tasks",
};

FIXTURE_VARIANT_ADD(corrupt, tree_no_tasks) {
	.type = CKPT_HDR_TREE,
	.off = offsetof(struct ckpt_hdr_tree, nr_tasks),
	.size = sizeof(((struct ckpt_hdr_tree *)0)->nr_tasks),
	.value = 0,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "tree of 0 tasks",
};

FIXTURE_VARIANT_ADD(corrupt, tree_bad_pid) {
	.type = CKPT_HDR_TREE,
	.off = offsetof(struct ckpt_hdr_tree, pids[0].vpid),
	.size = sizeof(((struct ckpt_hdr_tree *)0)->pids[0].vpid),
	.value = 0xfffffffd,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "bad pids -3/",
};

FIXTURE_VARIANT_ADD(corrupt, tree_len_unaligned) {
	.type = CKPT_HDR_TREE,
	.off = offsetof(struct ckpt_hdr_tree, h.len),
	.size = sizeof(((struct ckpt_hdr_tree *)0)->h.len),
	.value = 44,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "TREE record has bad length 44",
};

FIXTURE_VARIANT_ADD(corrupt, task_huge_len) {
	.type = CKPT_HDR_TASK,
	.off = offsetof(struct ckpt_hdr_task, h.len),
	.size = sizeof(((struct ckpt_hdr_task *)0)->h.len),
	.value = 0xfffffff8,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "TASK record has bad length 4294967288",
};

FIXTURE_VARIANT_ADD(corrupt, task_unknown_type) {
	.type = CKPT_HDR_TASK,
	.off = offsetof(struct ckpt_hdr_task, h.type),
	.size = sizeof(((struct ckpt_hdr_task *)0)->h.type),
	.value = 4242,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "expected a TASK record, found type 4242 (UNKNOWN)",
};

FIXTURE_VARIANT_ADD(corrupt, task_comm) {
	.type = CKPT_HDR_TASK, .off = offsetof(struct ckpt_hdr_task, comm), .value = 'A',
	.size = CKPT_COMM_LEN, .fill = 1, .fix_tail = 1,
	.error = EINVAL, .log = "comm is not NUL terminated",
};

FIXTURE_VARIANT_ADD(corrupt, task_exit_signal) {
	.type = CKPT_HDR_TASK,
	.off = offsetof(struct ckpt_hdr_task, exit_signal),
	.size = sizeof(((struct ckpt_hdr_task *)0)->exit_signal),
	.value = 200,
	.fix_tail = 1,
	.error = EINVAL,
	.log = "TASK exit_signal 200: not one a process can have",
};

/* a byte changed after checkpoint, with the tail left as it was */
FIXTURE_VARIANT_ADD(corrupt, checksum) {
	.type = CKPT_HDR_TASK,
	.off = offsetof(struct ckpt_hdr_task, personality),
	.size = sizeof(((struct ckpt_hdr_task *)0)->personality),
	.value = 0x10,
	.fix_tail = 0,
	.error = EBADMSG,
	.log = "checksum mismatch",
};

FIXTURE_VARIANT_ADD(corrupt, tail_magic) {
	.type = CKPT_HDR_TAIL,
	.off = offsetof(struct ckpt_hdr_tail, magic),
	.size = sizeof(((struct ckpt_hdr_tail *)0)->magic),
	.value = 0x42,
	.fix_tail = 0,
	.error = EINVAL,
	.log = "bad tail magic 0x42",
};

FIXTURE_VARIANT_ADD(corrupt, tail_crc) {
	.type = CKPT_HDR_TAIL,
	.off = offsetof(struct ckpt_hdr_tail, crc32c),
	.size = sizeof(((struct ckpt_hdr_tail *)0)->crc32c),
	.value = 0x12345678,
	.fix_tail = 0,
	.error = EBADMSG,
	.log = "checksum mismatch",
};

FIXTURE_VARIANT_ADD(corrupt, tail_length) {
	.type = CKPT_HDR_TAIL,
	.off = offsetof(struct ckpt_hdr_tail, length),
	.size = sizeof(((struct ckpt_hdr_tail *)0)->length),
	.value = 8,
	.fix_tail = 0,
	.error = EBADMSG,
	.log = "tail says 8",
};

FIXTURE_VARIANT_ADD(corrupt, tail_count) {
	.type = CKPT_HDR_TAIL,
	.off = offsetof(struct ckpt_hdr_tail, nr_records),
	.size = sizeof(((struct ckpt_hdr_tail *)0)->nr_records),
	.value = 99,
	.fix_tail = 0,
	.error = EBADMSG,
	.log = ", tail says 99",
};

FIXTURE_VARIANT_ADD(corrupt, tail_type) {
	.type = CKPT_HDR_TAIL,
	.off = offsetof(struct ckpt_hdr_tail, h.type),
	.size = sizeof(((struct ckpt_hdr_tail *)0)->h.type),
	.value = CKPT_HDR_TASK,
	.fix_tail = 0,
	.error = EINVAL,
	.log = "expected a TAIL record, found type 200",
};

FIXTURE_SETUP(corrupt)
{
	char *log;

	self->pid = spawn_sleeper("victim");
	ASSERT_LT(0, checkpoint_image(self->pid, &self->img, &log)) TH_LOG("%s", log);
	ASSERT_LT(5, image_nr_records(&self->img));
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
	expect_log(_metadata, log, variant->log);
}

/*
 * image_set_field() and image_get_field(), the helpers of the tests that
 * edit images, on a real image: fields by name, array elements by index
 * (within the array, or within the record's length for the array that
 * ends it), the tail fixed after an edit so that restart judges the field
 * itself, signed fields read back signed.
 */
TEST(edit_by_field_name)
{
	pid_t pid = spawn_sleeper("victim");
	struct image img;
	uint64_t v;
	char *log;

	ASSERT_LT(0, checkpoint_image(pid, &img, &log)) TH_LOG("%s", log);
	EXPECT_EQ(0, image_get_field(&img, "HEADER", 0, "version", &v));
	EXPECT_EQ(CKPT_FORMAT_VERSION, v);
	EXPECT_EQ(0, image_get_field(&img, "TREE", 0, "pids[0].vpid", &v));
	EXPECT_EQ(pid, v);
	EXPECT_EQ(0, image_get_field(&img, "CREDS", 0, "euid", &v));
	EXPECT_EQ(geteuid(), v);
	EXPECT_EQ(0, image_get_field(&img, "TASK", 0, "rlim[15].max", &v));
	EXPECT_EQ(0, image_get_field(&img, "TAIL", 0, "h.len", &v));
	EXPECT_EQ(sizeof(struct ckpt_hdr_tail), v);

	/* what is not in the image */
	EXPECT_EQ(-1, image_get_field(&img, "TREE", 0, "pids[1].vpid", &v));
	EXPECT_EQ(-1, image_get_field(&img, "TASK", 0, "rlim[16].max", &v));
	EXPECT_EQ(-1, image_get_field(&img, "TASK", 1, "exit_signal", &v));
	EXPECT_EQ(-1, image_get_field(&img, "TASK", 0, "uid", &v));
	EXPECT_EQ(-1, image_get_field(&img, "TASK", 0, "comm", &v));
	EXPECT_EQ(-1, image_set_field(&img, "NOSUCH", 0, "h.len", 0));

	/* the same value again: the image stays good */
	ASSERT_EQ(0, image_get_field(&img, "TASK", 0, "exit_signal", &v));
	EXPECT_EQ(SIGCHLD, v);
	EXPECT_EQ(0, image_set_field(&img, "TASK", 0, "exit_signal", v));
	EXPECT_EQ(0, restart_image(img.buf, img.len, &log)) TH_LOG("%s", log);

	/* a bad value is refused for what it is, not for the checksum */
	EXPECT_EQ(0, image_set_field(&img, "TASK", 0, "exit_signal", 200));
	EXPECT_EQ(-EINVAL, restart_image(img.buf, img.len, &log));
	expect_log(_metadata, log, "exit_signal 200");
	EXPECT_EQ(0, image_set_field(&img, "TASK", 0, "exit_signal", (uint64_t)-1));
	EXPECT_EQ(0, image_get_field(&img, "TASK", 0, "exit_signal", &v));
	EXPECT_EQ((uint64_t)-1, v);
	free(img.buf);
	reap(pid);
}

/*
 * The checksum covers page contents only with CHECKPOINT_CSUM_PAGES: a byte
 * changed in a page is then refused, and otherwise restored as it is (the
 * records around it are still checked). Both in the first page data (of
 * the program's file) and in the last (its stack: writable anonymous
 * memory, which restart reads into differently).
 */
TEST(page_checksum)
{
	pid_t pid = spawn_sleeper("victim");
	struct ckpt_hdr_header *hh;
	struct ckpt_hdr_tail *tail;
	struct ckpt_hdr *data;
	struct image img;
	unsigned long flags;
	int k, which, nth;
	char *log;

	for (k = 0; k < 4; k++) {
		flags = CHECKPOINT_SUBTREE | (k & 1 ? CHECKPOINT_CSUM_PAGES : 0);
		which = k / 2;
		ASSERT_LT(0, checkpoint_image_flags(pid, flags, &img, &log)) TH_LOG("%s", log);
		hh = (struct ckpt_hdr_header *)img.buf;
		EXPECT_EQ(flags, hh->flags);
		tail = (void *)(img.buf + img.len - sizeof(*tail));
		EXPECT_EQ(image_crc32c(&img, tail->length), tail->crc32c);
		ASSERT_EQ(0, restart_image(img.buf, img.len, &log)) TH_LOG("%s", log);

		for (nth = 0; which && image_record(&img, CKPT_HDR_PAGE_DATA, nth + 1); nth++)
			;
		data = image_record(&img, CKPT_HDR_PAGE_DATA, nth);
		ASSERT_NE(NULL, data);
		((char *)data)[data->len - 100] ^= 0x01;
		if (k & 1) {
			EXPECT_EQ(-EBADMSG, restart_image(img.buf, img.len, &log))
				TH_LOG("page data %d", nth);
			expect_log(_metadata, log, "checksum mismatch");
		} else {
			EXPECT_EQ(0, restart_image(img.buf, img.len, &log)) TH_LOG("%s", log);
		}
		free(img.buf);
	}
	reap(pid);
}

/*
 * Truncated anywhere, the image is refused: at each record boundary, inside
 * each record header, and in the middle of each record.
 */
TEST(truncated)
{
	pid_t pid = spawn_sleeper("victim");
	size_t off, cuts[3], k;
	struct ckpt_hdr *h;
	struct image img;
	char *log, what[64];

	ASSERT_LT(0, checkpoint_image(pid, &img, &log)) TH_LOG("%s", log);
	reap(pid);
	for (off = 0; off < img.len; off += h->len) {
		h = (struct ckpt_hdr *)(img.buf + off);
		cuts[0] = off;
		cuts[1] = off + 4;
		cuts[2] = off + h->len / 2;
		for (k = 0; k < 3; k++) {
			snprintf(what, sizeof(what), "image truncated at offset %zu", cuts[k]);
			ASSERT_EQ(-ENODATA, restart_image(img.buf, cuts[k], &log))
				TH_LOG("cut at %zu: %s", cuts[k], log);
			expect_log(_metadata, log, what);
		}
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
