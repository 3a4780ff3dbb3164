/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint/restart: the per-operation context and the helpers shared by
 * the generic and the architecture code.
 */
#ifndef _LINUX_CHECKPOINT_H
#define _LINUX_CHECKPOINT_H

#include <linux/checkpoint_hdr.h>
#include <linux/compiler_attributes.h>
#include <linux/kref.h>
#include <linux/types.h>
#include <uapi/linux/checkpoint.h>

struct bio_vec;
struct file;
struct page;
struct task_struct;

/* ckpt_ctx->kflags */
#define CKPT_CTX_CHECKPOINT	BIT(0)	/* a checkpoint(2) operation */
#define CKPT_CTX_RESTART	BIT(1)	/* a restart(2) operation */
#define CKPT_CTX_IO_FAILED	BIT(2)	/* the image can't take more records */
#define CKPT_CTX_FROZEN		BIT(3)	/* root_task is held frozen */
#define CKPT_CTX_COMMITTED	BIT(4)	/* restart has begun to change current */

/**
 * struct ckpt_ctx - state of one checkpoint or restart operation
 * @ref: reference count, see ckpt_ctx_get() and ckpt_ctx_put()
 * @crid: unique id of this operation, returned by checkpoint(2)
 * @uflags: flags given to the system call
 * @kflags: CKPT_CTX_* flags
 * @file: the image, written by checkpoint and read by restart
 * @fd: the descriptor of @file in the caller
 * @fpos: file position used for @file, stored back when the call returns
 * @logfile: where messages go, or NULL
 * @pos: bytes of image written or read so far
 * @nr_records: records written or read so far
 * @crc: running crc32c (not inverted) of the image so far
 * @rec_pos: @pos at the start of the last record read
 * @rec_nr: @nr_records at the start of the last record read
 * @rec_crc: @crc at the start of the last record read
 * @root_task: the task being checkpointed, with a reference, or NULL
 * @error: the first error of the operation, a negative errno, or 0
 * @err_msg: the message that went with @error
 * @scratch: a page for formatting messages
 * @pid: pid of the task saved or restored, in the caller's namespace
 * @arch: restart: the checked CPU state, applied when everything else is
 * @task: the task record: written by checkpoint, checked by restart and
 * applied at the end
 * @signals: restart: the checked signal state, applied at the end
 * @ret: restart: the value restart(2) returns to the restored program
 */
struct ckpt_ctx {
	struct kref ref;
	u64 crid;
	unsigned long uflags;
	unsigned int kflags;
	struct file *file;
	int fd;
	loff_t fpos;
	struct file *logfile;
	u64 pos;
	u32 nr_records;
	u32 crc;
	u64 rec_pos;
	u32 rec_nr;
	u32 rec_crc;
	struct task_struct *root_task;
	int error;
	char err_msg[CKPT_ERROR_MSG_MAX];
	char *scratch;
	pid_t pid;
	void *arch;
	struct ckpt_hdr_task *task;
	void *signals;
	long ret;
};

/* ctx.c: the context, logging and errors */
struct ckpt_ctx *ckpt_ctx_alloc(unsigned int kflags, unsigned long uflags);
int ckpt_ctx_set_logfile(struct ckpt_ctx *ctx, struct file *file);
int ckpt_ctx_set_file(struct ckpt_ctx *ctx, struct file *file, int fd);
void ckpt_ctx_sync_fpos(struct ckpt_ctx *ctx);
void ckpt_ctx_get(struct ckpt_ctx *ctx);
void ckpt_ctx_put(struct ckpt_ctx *ctx);
__printf(2, 3) void ckpt_log(struct ckpt_ctx *ctx, const char *fmt, ...);
__printf(3, 4) int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...);

/* io.c: records in and out of the image */
int ckpt_kwrite(struct ckpt_ctx *ctx, const void *buf, size_t len);
int ckpt_kread(struct ckpt_ctx *ctx, void *buf, size_t len);
int ckpt_io_pages(struct ckpt_ctx *ctx, struct page **pages, struct bio_vec *bv,
		  unsigned int nr, bool write);
void *ckpt_hdr_alloc(u32 type, u32 size);
int ckpt_write_obj(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_write_error(struct ckpt_ctx *ctx);
int ckpt_write_tail(struct ckpt_ctx *ctx);
void *ckpt_read_obj(struct ckpt_ctx *ctx, u32 type);
int ckpt_read_hdr_only(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 type);
int ckpt_read_tail(struct ckpt_ctx *ctx);

/* header.c: the image header */
void ckpt_fill_header(struct ckpt_ctx *ctx, struct ckpt_hdr_header *hh);
int ckpt_check_header(struct ckpt_ctx *ctx, const struct ckpt_hdr_header *hh);
int checkpoint_header(struct ckpt_ctx *ctx);
int restore_header(struct ckpt_ctx *ctx);

/* task.c: the task tree and the tasks */
int checkpoint_tasks(struct ckpt_ctx *ctx, struct task_struct *root);
int restore_tasks(struct ckpt_ctx *ctx);

/* freeze.c: holding the target still */
int checkpoint_freeze(struct ckpt_ctx *ctx, struct task_struct *t);
void checkpoint_thaw(struct ckpt_ctx *ctx, struct task_struct *t, bool kill);

/* memory.c: the address space */
int checkpoint_mm(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_mm(struct ckpt_ctx *ctx);

/* files.c: fs_struct and the fd table */
int checkpoint_files(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_files(struct ckpt_ctx *ctx);

/* signal.c: handlers, masks, pending signals, itimers */
int checkpoint_signals(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_signals(struct ckpt_ctx *ctx);
void restore_signals_apply(struct ckpt_ctx *ctx);
void ckpt_signals_free(void *signals);

/* task.c: the per-task record, applied last on restart */
int restore_task_apply(struct ckpt_ctx *ctx);

/* helpers for records that end with a path */
int ckpt_file_path(struct ckpt_ctx *ctx, struct file *file, const char *what, char *buf,
		   size_t size, const char **path);
int ckpt_check_string(struct ckpt_ctx *ctx, const char *what, const char *s, u32 len,
		      u32 room);

/* checkpoint.c and restart.c: a whole image */
int do_checkpoint(struct ckpt_ctx *ctx, pid_t pid);
int do_restart(struct ckpt_ctx *ctx);

/* arch/<arch>/checkpoint/: the architecture's header record */
void ckpt_arch_fill_header(struct ckpt_hdr_header_arch *ha);
int ckpt_arch_check_header(struct ckpt_ctx *ctx, const struct ckpt_hdr_header_arch *ha);
int checkpoint_arch_header(struct ckpt_ctx *ctx);
int restore_arch_header(struct ckpt_ctx *ctx);
int checkpoint_cpu(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_cpu(struct ckpt_ctx *ctx);
void restore_cpu_apply(struct ckpt_ctx *ctx);
void ckpt_arch_free(void *arch);

#endif /* _LINUX_CHECKPOINT_H */
