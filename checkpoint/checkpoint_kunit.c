// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the checkpoint record helpers: the record table, header
 * encoding and checks, whole images streamed through a pipe, and the
 * object hash.
 */

#include <kunit/test.h>
#include <linux/checkpoint.h>
#include <linux/crc32c.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/threads.h>

#define IMAGE_MAX	4096

static const u32 ckpt_test_types[] = {
	CKPT_HDR_HEADER, CKPT_HDR_HEADER_ARCH, CKPT_HDR_TREE,
	CKPT_HDR_TASK, CKPT_HDR_CREDS, CKPT_HDR_TAIL, CKPT_HDR_ERROR,
	CKPT_HDR_IPC_NS, CKPT_HDR_IPC_MSQ, CKPT_HDR_IPC_MSG, CKPT_HDR_IPC_SEM, CKPT_HDR_IPC_SHM,
};

static void ckpt_test_record_table(struct kunit *test)
{
	const struct ckpt_record_desc *desc;
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_test_types); i++) {
		desc = ckpt_record_desc(ckpt_test_types[i]);
		KUNIT_ASSERT_NOT_NULL(test, desc);
		KUNIT_EXPECT_EQ(test, desc->type, ckpt_test_types[i]);
		KUNIT_EXPECT_STRNEQ(test, desc->name, "UNKNOWN");
		KUNIT_EXPECT_GE(test, desc->min_len, sizeof(struct ckpt_hdr));
		KUNIT_EXPECT_LE(test, desc->min_len, desc->max_len);
		KUNIT_EXPECT_EQ(test, desc->min_len % CKPT_ALIGN, 0);
		KUNIT_EXPECT_EQ(test, desc->max_len % CKPT_ALIGN, 0);
	}
	KUNIT_EXPECT_NULL(test, ckpt_record_desc(0));
	KUNIT_EXPECT_NULL(test, ckpt_record_desc(CKPT_HDR_TAIL + 1));
	KUNIT_EXPECT_STREQ(test, ckpt_record_name(12345), "UNKNOWN");
	KUNIT_EXPECT_STREQ(test, ckpt_record_name(CKPT_HDR_TASK), "TASK");
}

static void ckpt_test_record_len(struct kunit *test)
{
	u32 tree1 = sizeof(struct ckpt_hdr_tree) + sizeof(struct ckpt_pids);

	KUNIT_EXPECT_EQ(test, ckpt_record_len(0), 0);
	KUNIT_EXPECT_EQ(test, ckpt_record_len(1), CKPT_ALIGN);
	KUNIT_EXPECT_EQ(test, ckpt_record_len(CKPT_ALIGN), CKPT_ALIGN);
	KUNIT_EXPECT_EQ(test, ckpt_record_len(CKPT_ALIGN + 1), 2 * CKPT_ALIGN);

	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_HEADER,
						    sizeof(struct ckpt_hdr_header)), 0);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_HEADER,
						    sizeof(struct ckpt_hdr_header) + 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_HEADER,
						    sizeof(struct ckpt_hdr_header) - 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_TREE, tree1), 0);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_TREE, tree1 + 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_TREE,
						    sizeof(struct ckpt_hdr_tree)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_TREE,
						    ckpt_record_desc(CKPT_HDR_TREE)->max_len + 8),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_ERROR,
						    sizeof(struct ckpt_hdr_error)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(0, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_record_check_len(CKPT_HDR_TASK, 0), -EINVAL);
}

static struct ckpt_ctx *ckpt_test_ctx(struct kunit *test, unsigned int kflags)
{
	struct ckpt_ctx *ctx = ckpt_ctx_alloc(kflags, 0);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	return ctx;
}

static int ckpt_test_check(struct ckpt_ctx *ctx, const struct ckpt_hdr_header *hh)
{
	ctx->error = 0;
	return ckpt_check_header(ctx, hh);
}

static void ckpt_test_header(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_RESTART);
	struct ckpt_hdr_header good = {}, hh;

	ckpt_fill_header(ctx, &good);
	KUNIT_EXPECT_EQ(test, good.crid, ctx->crid);
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &good), 0);

	hh = good;
	hh.magic ^= 1;
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -EINVAL);
	hh = good;
	hh.version++;
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -ENOEXEC);
	hh = good;
	hh.arch++;
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -ENOEXEC);
	hh = good;
	hh.page_size *= 2;
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -ENOEXEC);
	hh = good;
	hh._reserved = 1;
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -EINVAL);
	hh = good;
	hh.flags = 1ULL << 63;
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -EINVAL);
	hh = good;
	hh.release[0] ^= 1;
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -ENOEXEC);
	hh = good;
	memset(hh.release, 'x', sizeof(hh.release));
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -EINVAL);
	hh = good;
	hh.release[sizeof(hh.release) - 1] = 'x';
	KUNIT_EXPECT_EQ(test, ckpt_test_check(ctx, &hh), -EINVAL);
	ckpt_ctx_put(ctx);
}

static void ckpt_test_arch_header(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_RESTART);
	struct ckpt_hdr_header_arch good = {}, ha;

	ckpt_arch_fill_header(&good);
	KUNIT_EXPECT_EQ(test, ckpt_arch_check_header(ctx, &good), 0);
	ha = good;
	ha.xfeatures |= 1ULL << 62;
	KUNIT_EXPECT_EQ(test, ckpt_arch_check_header(ctx, &ha), -ENOEXEC);
	ha = good;
	ha.xfeatures = 0;
	KUNIT_EXPECT_EQ(test, ckpt_arch_check_header(ctx, &ha), -EINVAL);
	ha = good;
	ha.xstate_size = CKPT_XSTATE_SIZE_MAX + 1;
	KUNIT_EXPECT_EQ(test, ckpt_arch_check_header(ctx, &ha), -EINVAL);
	ha = good;
	ha._reserved = 1;
	KUNIT_EXPECT_EQ(test, ckpt_arch_check_header(ctx, &ha), -EINVAL);
	ckpt_ctx_put(ctx);
}

/*
 * Streams. KUnit cases run in a kernel thread, where fput() is deferred:
 * __fput_sync() closes the write end of a pipe at once so the reader
 * sees the end of the image.
 */
static void ckpt_test_pipe(struct kunit *test, struct file **files)
{
	KUNIT_ASSERT_EQ(test, create_pipe_files(files, 0), 0);
}

static ssize_t ckpt_test_drain(struct file *file, char *buf, size_t size)
{
	loff_t pos = 0;
	size_t len = 0;
	ssize_t n;

	while (len < size) {
		n = kernel_read(file, buf + len, size - len, &pos);
		if (n <= 0)
			break;
		len += n;
	}
	return len;
}

/* Checkpoint @pid into @buf; returns what do_checkpoint() returned */
static int ckpt_test_image(struct kunit *test, pid_t pid, char *buf, size_t *len)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_CHECKPOINT);
	struct file *files[2];
	int ret;

	ckpt_test_pipe(test, files);
	KUNIT_ASSERT_EQ(test, ckpt_ctx_set_file(ctx, files[1], -1), 0);
	ret = do_checkpoint(ctx, pid);
	ckpt_ctx_put(ctx);
	__fput_sync(files[1]);
	*len = ckpt_test_drain(files[0], buf, IMAGE_MAX);
	__fput_sync(files[0]);
	return ret;
}

/*
 * A restart context reading the first @len bytes of @buf from a pipe; give
 * it back with ckpt_test_restart_done()
 */
static struct ckpt_ctx *ckpt_test_restart_ctx(struct kunit *test, const char *buf, size_t len,
					      struct file **pipe_out)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_RESTART);
	struct file *files[2];
	loff_t pos = 0;

	ckpt_test_pipe(test, files);
	if (len)
		KUNIT_ASSERT_EQ(test, kernel_write(files[1], buf, len, &pos), len);
	__fput_sync(files[1]);
	KUNIT_ASSERT_EQ(test, ckpt_ctx_set_file(ctx, files[0], -1), 0);
	*pipe_out = files[0];
	return ctx;
}

static void ckpt_test_restart_done(struct ckpt_ctx *ctx, struct file *pipe_out)
{
	ckpt_ctx_put(ctx);
	__fput_sync(pipe_out);
}

/* Restart from the first @len bytes of @buf; returns what do_restart() returned */
static int ckpt_test_restart(struct kunit *test, const char *buf, size_t len)
{
	struct file *file;
	struct ckpt_ctx *ctx = ckpt_test_restart_ctx(test, buf, len, &file);
	int ret;

	ret = do_restart(ctx);
	ckpt_test_restart_done(ctx, file);
	return ret;
}

/*
 * A stream of records as the record layer writes them: header, arch header,
 * two fixed records (FILES, SIGNAL) and the tail. No process is needed.
 */
static void ckpt_test_stream(struct kunit *test, char *buf, size_t *len)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_CHECKPOINT);
	struct ckpt_hdr_files *hf;
	struct ckpt_hdr_signal *hs;
	struct file *files[2];

	ckpt_test_pipe(test, files);
	KUNIT_ASSERT_EQ(test, ckpt_ctx_set_file(ctx, files[1], -1), 0);
	hf = ckpt_hdr_alloc(CKPT_HDR_FILES, sizeof(*hf));
	hs = ckpt_hdr_alloc(CKPT_HDR_SIGNAL, sizeof(*hs));
	KUNIT_ASSERT_NOT_NULL(test, hf);
	KUNIT_ASSERT_NOT_NULL(test, hs);
	hs->blocked = 0x1234;
	KUNIT_EXPECT_EQ(test, checkpoint_header(ctx), 0);
	KUNIT_EXPECT_EQ(test, checkpoint_arch_header(ctx), 0);
	KUNIT_EXPECT_EQ(test, ckpt_write_obj(ctx, &hf->h), 0);
	KUNIT_EXPECT_EQ(test, ckpt_write_obj(ctx, &hs->h), 0);
	KUNIT_EXPECT_EQ(test, ckpt_write_tail(ctx), 0);
	kfree(hf);
	kfree(hs);
	ckpt_ctx_put(ctx);
	__fput_sync(files[1]);
	*len = ckpt_test_drain(files[0], buf, IMAGE_MAX);
	__fput_sync(files[0]);
}

/* Read back what ckpt_test_stream() writes; returns the first error */
static int ckpt_test_read_stream(struct kunit *test, const char *buf, size_t len)
{
	struct file *file;
	struct ckpt_ctx *ctx = ckpt_test_restart_ctx(test, buf, len, &file);
	void *rec;
	int ret;

	ret = restore_header(ctx);
	if (!ret)
		ret = restore_arch_header(ctx);
	if (!ret) {
		rec = ckpt_read_obj(ctx, CKPT_HDR_FILES);
		ret = PTR_ERR_OR_ZERO(rec);
		if (!ret)
			kvfree(rec);
	}
	if (!ret) {
		rec = ckpt_read_obj(ctx, CKPT_HDR_SIGNAL);
		ret = PTR_ERR_OR_ZERO(rec);
		if (!ret)
			kvfree(rec);
	}
	if (!ret)
		ret = ckpt_read_tail(ctx);
	ckpt_test_restart_done(ctx, file);
	return ret;
}

/* Offset of the first record of @type in an image, or -1 */
static int ckpt_test_find(const char *buf, size_t len, u32 type)
{
	const struct ckpt_hdr *h;
	size_t off;

	for (off = 0; off + sizeof(*h) <= len; off += h->len) {
		h = (const struct ckpt_hdr *)(buf + off);
		if (h->type == type)
			return off;
		if (h->len < sizeof(*h))
			break;
	}
	return -1;
}

static void ckpt_test_roundtrip(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, IMAGE_MAX, GFP_KERNEL);
	const struct ckpt_hdr_tail *th;
	size_t len;
	int sig, tail;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ckpt_test_stream(test, buf, &len);
	KUNIT_ASSERT_GT(test, len, sizeof(struct ckpt_hdr_header));
	KUNIT_EXPECT_EQ(test, ckpt_test_find(buf, len, CKPT_HDR_HEADER), 0);
	sig = ckpt_test_find(buf, len, CKPT_HDR_SIGNAL);
	tail = ckpt_test_find(buf, len, CKPT_HDR_TAIL);
	KUNIT_ASSERT_GT(test, sig, 0);
	KUNIT_ASSERT_EQ(test, tail + sizeof(*th), len);
	th = (const struct ckpt_hdr_tail *)(buf + tail);
	KUNIT_EXPECT_EQ(test, th->length, tail);
	KUNIT_EXPECT_EQ(test, th->nr_records, 4);
	KUNIT_EXPECT_EQ(test, th->crc32c, ~crc32c(~0U, buf, tail));

	KUNIT_EXPECT_EQ(test, ckpt_test_read_stream(test, buf, len), 0);

	/* a changed byte that no structure check sees: only the checksum can */
	buf[sig + offsetof(struct ckpt_hdr_signal, blocked)] ^= 0x20;
	KUNIT_EXPECT_EQ(test, ckpt_test_read_stream(test, buf, len), -EBADMSG);
}

static void ckpt_test_truncated(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, IMAGE_MAX, GFP_KERNEL);
	size_t len, cut;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	ckpt_test_stream(test, buf, &len);
	for (cut = 0; cut < len; cut += 4)
		KUNIT_EXPECT_EQ_MSG(test, ckpt_test_read_stream(test, buf, cut), -ENODATA,
				    "image cut at %zu of %zu bytes", cut, len);
}

static void ckpt_test_error_record(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, IMAGE_MAX, GFP_KERNEL);
	const struct ckpt_hdr_error *he;
	size_t len;
	int off;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* no process can have a pid above the limit */
	KUNIT_ASSERT_EQ(test, ckpt_test_image(test, PID_MAX_LIMIT + 1, buf, &len), -ESRCH);
	off = ckpt_test_find(buf, len, CKPT_HDR_ERROR);
	KUNIT_ASSERT_GT(test, off, 0);
	he = (const struct ckpt_hdr_error *)(buf + off);
	KUNIT_EXPECT_EQ(test, he->error, -ESRCH);
	KUNIT_EXPECT_NOT_NULL(test, strstr(he->msg, "no such process"));
	KUNIT_EXPECT_GT(test, ckpt_test_find(buf, len, CKPT_HDR_TAIL), off);
	KUNIT_EXPECT_EQ(test, ckpt_test_restart(test, buf, len), -ECANCELED);

	/* a kernel thread (this test) can't be checkpointed */
	KUNIT_EXPECT_EQ(test, ckpt_test_image(test, task_pid_vnr(current), buf, &len), -EPERM);
	KUNIT_EXPECT_GT(test, ckpt_test_find(buf, len, CKPT_HDR_ERROR), 0);
}

/* The object hash: objrefs in order, one reference per object, checks */
/*
 * DATA records: written without a copy, padded, and read back only at the
 * offset the reader expects (exact, or at or after it for files with
 * holes), within the room the reader has and the size the object has
 */
static void ckpt_test_data(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_CHECKPOINT);
	char *buf = kunit_kzalloc(test, IMAGE_MAX, GFP_KERNEL);
	char out[64], in[64];
	struct file *files[2], *file;
	size_t len, i;
	loff_t off;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < sizeof(out); i++)
		out[i] = i * 7 + 1;
	ckpt_test_pipe(test, files);
	KUNIT_ASSERT_EQ(test, ckpt_ctx_set_file(ctx, files[1], -1), 0);
	KUNIT_EXPECT_EQ(test, ckpt_write_data(ctx, 0, out, 13), 0);
	KUNIT_EXPECT_EQ(test, ckpt_write_data(ctx, 13, out + 13, 3), 0);
	KUNIT_EXPECT_EQ(test, ckpt_write_data(ctx, 4096, out, 64), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_records, 3);
	ckpt_ctx_put(ctx);
	__fput_sync(files[1]);
	len = ckpt_test_drain(files[0], buf, IMAGE_MAX);
	__fput_sync(files[0]);
	/* 24 bytes of header each, data padded to 8 */
	KUNIT_ASSERT_EQ(test, len, 24 + 16 + 24 + 8 + 24 + 64);

	ctx = ckpt_test_restart_ctx(test, buf, len, &file);
	KUNIT_EXPECT_EQ(test, ckpt_read_data(ctx, 0, in, sizeof(in)), 13);
	KUNIT_EXPECT_MEMEQ(test, in, out, 13);
	KUNIT_EXPECT_EQ(test, ckpt_read_data(ctx, 13, in, sizeof(in)), 3);
	KUNIT_EXPECT_MEMEQ(test, in, out + 13, 3);
	off = 16;
	KUNIT_EXPECT_EQ(test, ckpt_read_data_at(ctx, &off, 8192, in, sizeof(in)), 64);
	KUNIT_EXPECT_EQ(test, off, 4096);
	KUNIT_EXPECT_MEMEQ(test, in, out, 64);
	ckpt_test_restart_done(ctx, file);

	/* not at the expected offset, too big for the reader, past the end */
	ctx = ckpt_test_restart_ctx(test, buf, len, &file);
	KUNIT_EXPECT_EQ(test, ckpt_read_data(ctx, 1, in, sizeof(in)), -EINVAL);
	ckpt_test_restart_done(ctx, file);
	ctx = ckpt_test_restart_ctx(test, buf, len, &file);
	KUNIT_EXPECT_EQ(test, ckpt_read_data(ctx, 0, in, 12), -EINVAL);
	ckpt_test_restart_done(ctx, file);
	ctx = ckpt_test_restart_ctx(test, buf + 72, len - 72, &file);
	off = 0;
	KUNIT_EXPECT_EQ(test, ckpt_read_data_at(ctx, &off, 4100, in, sizeof(in)), -EINVAL);
	ckpt_test_restart_done(ctx, file);
	/* padding that is not zero */
	buf[24 + 13] = 1;
	ctx = ckpt_test_restart_ctx(test, buf, len, &file);
	KUNIT_EXPECT_EQ(test, ckpt_read_data(ctx, 0, in, sizeof(in)), -EINVAL);
	ckpt_test_restart_done(ctx, file);
}

static void ckpt_test_objhash(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_CHECKPOINT);
	struct file *f[2];
	long count;
	u32 ref;

	KUNIT_ASSERT_EQ(test, create_pipe_files(f, 0), 0);
	count = file_count(f[0]);
	KUNIT_EXPECT_EQ(test, ckpt_obj_lookup_add(ctx, f[0], CKPT_OBJ_FILE, &ref), 1);
	KUNIT_EXPECT_EQ(test, ref, 1);
	KUNIT_EXPECT_EQ(test, ckpt_obj_lookup_add(ctx, f[1], CKPT_OBJ_FILE, &ref), 1);
	KUNIT_EXPECT_EQ(test, ref, 2);
	KUNIT_EXPECT_EQ(test, ckpt_obj_lookup_add(ctx, f[0], CKPT_OBJ_FILE, &ref), 0);
	KUNIT_EXPECT_EQ(test, ref, 1);
	KUNIT_EXPECT_EQ(test, ckpt_obj_users(ctx, f[0]), 2);
	KUNIT_EXPECT_EQ(test, ckpt_obj_users(ctx, f[1]), 1);
	KUNIT_EXPECT_EQ(test, file_count(f[0]), count + 1);
	ckpt_ctx_put(ctx);
	KUNIT_EXPECT_EQ(test, file_count(f[0]), count);

	ctx = ckpt_test_ctx(test, CKPT_CTX_RESTART);
	KUNIT_EXPECT_EQ(test, ckpt_obj_insert(ctx, 2, f[0], CKPT_OBJ_FILE), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_obj_insert(ctx, 1, f[0], CKPT_OBJ_FILE), 0);
	KUNIT_EXPECT_EQ(test, ckpt_obj_insert(ctx, 1, f[1], CKPT_OBJ_FILE), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_obj_insert(ctx, 2, f[1], CKPT_OBJ_FILE), 0);
	KUNIT_EXPECT_PTR_EQ(test, ckpt_obj_fetch(ctx, 2, CKPT_OBJ_FILE), (void *)f[1]);
	KUNIT_EXPECT_TRUE(test, IS_ERR(ckpt_obj_fetch(ctx, 3, CKPT_OBJ_FILE)));
	KUNIT_EXPECT_TRUE(test, IS_ERR(ckpt_obj_fetch(ctx, 0, CKPT_OBJ_FILE)));
	KUNIT_EXPECT_TRUE(test, IS_ERR(ckpt_obj_fetch(ctx, 1, 0)));
	KUNIT_EXPECT_EQ(test, ckpt_obj_check_ref(ctx, 2, CKPT_OBJ_FILE), 0);
	KUNIT_EXPECT_EQ(test, ckpt_obj_check_ref(ctx, 3, CKPT_OBJ_FILE), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_obj_check_ref(ctx, 0, CKPT_OBJ_FILE), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_obj_check_new(ctx, 4, CKPT_OBJ_FILE), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_obj_check_new(ctx, 3, CKPT_OBJ_FILE), 0);
	KUNIT_EXPECT_EQ(test, file_count(f[1]), count + 1);
	ckpt_ctx_put(ctx);
	KUNIT_EXPECT_EQ(test, file_count(f[1]), count);
	__fput_sync(f[1]);
	__fput_sync(f[0]);
}

/*
 * An object whose restore reads other objects first (a pipe end, then its
 * pipe) takes its objref at once and is filled in later
 */
static void ckpt_test_objhash_fill(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_RESTART);
	struct file *f[2];
	long count;

	KUNIT_ASSERT_EQ(test, create_pipe_files(f, 0), 0);
	count = file_count(f[0]);
	KUNIT_EXPECT_EQ(test, ckpt_obj_check_new(ctx, 1, CKPT_OBJ_FILE), 0);
	KUNIT_EXPECT_EQ(test, ckpt_obj_last(ctx), 1);
	KUNIT_EXPECT_TRUE(test, IS_ERR(ckpt_obj_fetch(ctx, 1, CKPT_OBJ_FILE)));
	KUNIT_EXPECT_EQ(test, ckpt_obj_insert(ctx, 2, f[1], CKPT_OBJ_FILE), 0);
	KUNIT_EXPECT_EQ(test, ckpt_obj_fill(ctx, 3, f[0], CKPT_OBJ_FILE), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_obj_fill(ctx, 2, f[0], CKPT_OBJ_FILE), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_obj_fill(ctx, 0, f[0], CKPT_OBJ_FILE), -EINVAL);
	KUNIT_EXPECT_EQ(test, ckpt_obj_fill(ctx, 1, f[0], CKPT_OBJ_FILE), 0);
	KUNIT_EXPECT_PTR_EQ(test, ckpt_obj_fetch(ctx, 1, CKPT_OBJ_FILE), (void *)f[0]);
	/* filling an older objref does not move the last one back */
	KUNIT_EXPECT_EQ(test, ckpt_obj_last(ctx), 2);
	KUNIT_EXPECT_EQ(test, ckpt_obj_check_new(ctx, 3, CKPT_OBJ_FILE), 0);
	KUNIT_EXPECT_EQ(test, file_count(f[0]), count + 1);
	ckpt_ctx_put(ctx);
	KUNIT_EXPECT_EQ(test, file_count(f[0]), count);
	__fput_sync(f[1]);
	__fput_sync(f[0]);
}

/*
 * An fd table and an fs_struct in the hash of a restart: a reference each
 * until the context is freed, and ckpt_obj_peek() finds each by its type
 * only. Copies of the test thread's, so that nothing else counts them.
 */
static void ckpt_test_objhash_shared(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, CKPT_CTX_RESTART);
	struct files_struct *files;
	struct fs_struct *fs;

	files = dup_fd(current->files, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, files);
	fs = copy_fs_struct(current->fs);
	KUNIT_ASSERT_NOT_NULL(test, fs);
	KUNIT_EXPECT_EQ(test, ckpt_obj_insert(ctx, 1, fs, CKPT_OBJ_FS), 0);
	KUNIT_EXPECT_EQ(test, ckpt_obj_insert(ctx, 2, files, CKPT_OBJ_FILES), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&files->count), 2);
	KUNIT_EXPECT_EQ(test, fs->users, 2);
	KUNIT_EXPECT_PTR_EQ(test, ckpt_obj_peek(ctx, 1, CKPT_OBJ_FS), (void *)fs);
	KUNIT_EXPECT_PTR_EQ(test, ckpt_obj_peek(ctx, 2, CKPT_OBJ_FILES), (void *)files);
	KUNIT_EXPECT_NULL(test, ckpt_obj_peek(ctx, 1, CKPT_OBJ_FILES));
	KUNIT_EXPECT_NULL(test, ckpt_obj_peek(ctx, 2, CKPT_OBJ_FS));
	KUNIT_EXPECT_NULL(test, ckpt_obj_peek(ctx, 3, CKPT_OBJ_FILES));
	KUNIT_EXPECT_NULL(test, ckpt_obj_peek(ctx, 0, CKPT_OBJ_FS));
	ckpt_ctx_put(ctx);
	KUNIT_EXPECT_EQ(test, atomic_read(&files->count), 1);
	KUNIT_EXPECT_EQ(test, fs->users, 1);
	put_files_struct(files);
	ckpt_fs_put(fs);
}

static struct kunit_case ckpt_test_cases[] = {
	KUNIT_CASE(ckpt_test_record_table),
	KUNIT_CASE(ckpt_test_record_len),
	KUNIT_CASE(ckpt_test_header),
	KUNIT_CASE(ckpt_test_arch_header),
	KUNIT_CASE(ckpt_test_roundtrip),
	KUNIT_CASE(ckpt_test_truncated),
	KUNIT_CASE(ckpt_test_error_record),
	KUNIT_CASE(ckpt_test_objhash),
	KUNIT_CASE(ckpt_test_objhash_fill),
	KUNIT_CASE(ckpt_test_objhash_shared),
	KUNIT_CASE(ckpt_test_data),
	{}
};

static struct kunit_suite ckpt_test_suite = {
	.name = "checkpoint",
	.test_cases = ckpt_test_cases,
};

kunit_test_suite(ckpt_test_suite);

MODULE_DESCRIPTION("KUnit tests for checkpoint/restart");
MODULE_LICENSE("GPL");
