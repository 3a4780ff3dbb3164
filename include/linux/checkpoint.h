/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint/restart: the per-operation context and the helpers shared by
 * the generic and the architecture code.
 */
#ifndef _LINUX_CHECKPOINT_H
#define _LINUX_CHECKPOINT_H

#include <linux/checkpoint_hdr.h>
#include <linux/compiler_attributes.h>
#include <linux/gfp_types.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/checkpoint.h>

struct bio_vec;
struct ckpt_objhash;
struct cred;
struct file;
struct fs_struct;
struct ipc_namespace;
struct kern_ipc_perm;
struct page;
struct path;
struct pid;
struct pid_namespace;
struct sock;
struct task_struct;
struct vm_area_struct;

/* ckpt_ctx->kflags */
#define CKPT_CTX_CHECKPOINT	BIT(0)	/* a checkpoint(2) operation */
#define CKPT_CTX_RESTART	BIT(1)	/* a restart(2) operation */
#define CKPT_CTX_IO_FAILED	BIT(2)	/* the image can't take more records */
#define CKPT_CTX_CSUM_PAGES	BIT(3)	/* page contents go into the checksum */

/* object types in the object hash (objhash.c) */
enum {
	CKPT_OBJ_FILE = 1,	/* struct file */
	CKPT_OBJ_PIPE = 2,	/* checkpoint: struct pipe_inode_info; restart: pipe.c's */
	CKPT_OBJ_INODE = 3,	/* checkpoint: struct inode; restart: a struct file of it */
	CKPT_OBJ_SOCK = 4,	/* checkpoint: struct sock; restart: unix.c's */
	CKPT_OBJ_FS = 5,	/* struct fs_struct */
	CKPT_OBJ_FILES = 6,	/* struct files_struct */
	CKPT_OBJ_MM = 7,	/* struct mm_struct, with an mm_count reference */
	CKPT_OBJ_SIGHAND = 8,	/* struct sighand_struct */
};

/**
 * struct ckpt_task_state - one task of the tree being saved or restored
 * @pid: its pid, in the tree's pid namespace
 * @task: checkpoint: the task, with a reference; restart: the task that
 *	called restart(2) for this pid, once it has
 * @thread: a thread, not the leader of its thread group: it has no mm,
 *	files or signal handlers of its own in the image
 * @frozen: checkpoint: the task is held frozen by us
 * @committed: restart: the task has begun to change (see do_restart())
 * @no_new_privs: restart: the task gets no_new_privs with its credentials
 * @dumpable: restart: the dumpable flag of the address space it restored
 *	(set after its credentials), or -1
 * @hdr: its task record: written by checkpoint, checked by restart and
 *	applied at the end
 * @sched: restart: its SCHED record, checked, applied at the end
 * @cred: restart: the credentials it will have (creds.c), used for its
 *	records after the CREDS record and committed at the end
 * @arch: restart: the checked CPU state, applied when everything else is
 * @signals: restart: the checked signal state, applied at the end
 * @ret: restart: the value restart(2) returns to the restored program
 * @turn_wq: restart: where the task waits for its turn (one queue per task,
 *	so that passing the turn wakes one task, not the whole tree)
 */
struct ckpt_task_state {
	pid_t pid;
	struct task_struct *task;
	bool thread;
	bool frozen;
	bool committed;
	bool no_new_privs;
	int dumpable;
	struct ckpt_hdr_task *hdr;
	struct ckpt_hdr_sched *sched;
	const struct cred *cred;
	void *arch;
	void *signals;
	long ret;
	wait_queue_head_t turn_wq;
};

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
 * @root_task: the root of the tree being checkpointed, with a reference
 * @log_lock: serializes messages and @error (the tasks of a restart apply
 *	their state at the same time)
 * @error: the first error of the operation, a negative errno, or 0
 * @err_msg: the message that went with @error
 * @scratch: a page for building records and paths
 * @logbuf: a page for formatting log lines, under @log_lock
 * @pid: pid of the task being saved or restored, for messages
 * @tree: restart: the pids of the tree, @nr_tasks of them, the root first
 * @pid_index: restart: pid -> index in @tree
 * @tree_flags: CKPT_TREE_* flags of the tree
 * @ipc_ns: the tree's own IPC namespace (CKPT_TREE_IPCNS), with a
 *	reference: checkpoint: the one saved; restart: the one restored into
 * @nr_tasks: tasks in @tree
 * @tasks: the state of each task of @tree, same order
 * @cur: the entry of @tasks being saved or restored
 * @objs: the object hash (objhash.c)
 * @node: restart: in the list of restarts under way (restart.c)
 * @waitq: restart: where the tasks wait for the tree and for the end
 * @turn: restart: the index in @tree of the task whose records are read
 *	next, nr_tasks once all are read; negative before the tree is read
 * @turn_start: restart: jiffies when @turn last moved
 * @done: restart: every record and the tail were read and checked
 * @abort: restart: a task failed (negative errno): all give up
 * @epolls: restart: epoll files of the task being restored whose items
 *	are added once its fd table is (epoll.c)
 * @rbuf: restart from a regular file: bytes of the image read ahead
 *	(io.c), CKPT_READ_AHEAD at most, or NULL
 * @rbuf_len: bytes in @rbuf
 * @rbuf_pos: bytes of @rbuf used; @fpos is past @rbuf_len of them
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
	struct mutex log_lock;		/* messages and @error */
	int error;
	char err_msg[CKPT_ERROR_MSG_MAX];
	char *scratch;
	char *logbuf;
	pid_t pid;
	struct ckpt_pids *tree;
	struct xarray pid_index;
	u32 tree_flags;
	struct ipc_namespace *ipc_ns;
	u32 nr_tasks;
	struct ckpt_task_state *tasks;
	struct ckpt_task_state *cur;
	struct ckpt_objhash *objs;
	struct list_head node;
	wait_queue_head_t waitq;
	int turn;
	unsigned long turn_start;
	bool done;
	int abort;
	struct list_head epolls;
	char *rbuf;
	u32 rbuf_len;
	u32 rbuf_pos;
};

#define CKPT_READ_AHEAD		8192	/* bytes of image restart reads at once */

/*
 * Memory whose size an image chooses: charged to the caller, and an errno
 * (not the OOM killer, not a warning) when it does not fit
 */
#define CKPT_GFP_IMAGE		(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

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
int ckpt_read_page_data(struct ckpt_ctx *ctx, void *buf, size_t len);
void *ckpt_hdr_alloc(u32 type, u32 size);
int ckpt_write_obj(struct ckpt_ctx *ctx, struct ckpt_hdr *h);
int ckpt_write_data(struct ckpt_ctx *ctx, u64 offset, const void *buf, u32 len);
int ckpt_read_data(struct ckpt_ctx *ctx, u64 offset, void *buf, u32 max);
int ckpt_read_data_at(struct ckpt_ctx *ctx, loff_t *offset, u64 limit, void *buf, u32 max);
int ckpt_write_error(struct ckpt_ctx *ctx);
int ckpt_write_tail(struct ckpt_ctx *ctx);
void *ckpt_read_obj(struct ckpt_ctx *ctx, u32 type);
int ckpt_read_hdr_only(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 type);
int ckpt_read_tail(struct ckpt_ctx *ctx);

/* objhash.c: objects shared by several tasks */
int ckpt_obj_hash_alloc(struct ckpt_ctx *ctx);
void ckpt_obj_hash_free(struct ckpt_ctx *ctx);
int ckpt_obj_lookup_add(struct ckpt_ctx *ctx, void *ptr, u32 type, u32 *objref);
u32 ckpt_obj_users(struct ckpt_ctx *ctx, void *ptr);
int ckpt_obj_for_each(struct ckpt_ctx *ctx, u32 type,
		      int (*fn)(struct ckpt_ctx *ctx, void *ptr, u32 objref, u32 users,
				void *arg), void *arg);
int ckpt_obj_insert(struct ckpt_ctx *ctx, u32 objref, void *ptr, u32 type);
int ckpt_obj_fill(struct ckpt_ctx *ctx, u32 objref, void *ptr, u32 type);
int ckpt_obj_check_new(struct ckpt_ctx *ctx, u32 objref, u32 type);
u32 ckpt_obj_last(struct ckpt_ctx *ctx);
int ckpt_obj_check_ref(struct ckpt_ctx *ctx, u32 objref, u32 type);
void *ckpt_obj_fetch(struct ckpt_ctx *ctx, u32 objref, u32 type);
void *ckpt_obj_peek(struct ckpt_ctx *ctx, u32 objref, u32 type);
int ckpt_obj_restored(struct ckpt_ctx *ctx, u32 objref, void *ptr, u32 type);
void *ckpt_obj_shared(struct ckpt_ctx *ctx, u32 objref, u32 type, const char *what);

/* header.c: the image header */
void ckpt_fill_header(struct ckpt_ctx *ctx, struct ckpt_hdr_header *hh);
int ckpt_check_header(struct ckpt_ctx *ctx, const struct ckpt_hdr_header *hh);
int checkpoint_header(struct ckpt_ctx *ctx);
int restore_header(struct ckpt_ctx *ctx);

/* tree.c: the task tree */
int checkpoint_tree(struct ckpt_ctx *ctx);
int restore_tree(struct ckpt_ctx *ctx);
struct pid_namespace *ckpt_tree_ns(struct ckpt_ctx *ctx);
int restore_check_tree_task(struct ckpt_ctx *ctx, u32 i);
int restore_check_zombie(struct ckpt_ctx *ctx, u32 i);
int restore_wait_threads(struct ckpt_ctx *ctx);
void ckpt_tree_free(struct ckpt_ctx *ctx);

/* task.c: one task */
int checkpoint_task_all(struct ckpt_ctx *ctx, struct ckpt_task_state *ts);
int restore_task_all(struct ckpt_ctx *ctx, struct ckpt_task_state *ts);

/* sched.c: scheduling */
int checkpoint_sched(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_sched(struct ckpt_ctx *ctx);
int restore_sched_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts);

/* creds.c: credentials */
int checkpoint_creds(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_creds(struct ckpt_ctx *ctx);
void restore_creds_apply(struct ckpt_task_state *ts);
bool restore_caller_capable(int cap);

/* freeze.c: holding the tree still */
int checkpoint_freeze(struct ckpt_ctx *ctx);
void checkpoint_thaw(struct ckpt_ctx *ctx, bool kill);

/* memory.c: the address space */
int checkpoint_mm(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_mm(struct ckpt_ctx *ctx);

/* files.c: fs_struct and the fd table */
int checkpoint_files(struct ckpt_ctx *ctx, struct task_struct *t);
int checkpoint_check_leaks(struct ckpt_ctx *ctx);
int restore_files(struct ckpt_ctx *ctx);
void ckpt_fs_get(struct fs_struct *fs);
void ckpt_fs_put(struct fs_struct *fs);

/* signal.c: handlers, masks, pending signals, itimers */
int checkpoint_signals(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_signals(struct ckpt_ctx *ctx);
void restore_signals_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts);
void ckpt_signals_free(void *signals);

/**
 * struct ckpt_posix_timer - a POSIX timer, as checkpoint and restart see it
 * @id: its id
 * @clock: CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME or CLOCK_TAI
 * @notify: sigev_notify
 * @signo: the signal it sends
 * @value: sigev_value, as si_value carries it
 * @pid: the process, or the thread (SIGEV_THREAD_ID), its signal goes to
 * @expires: nanoseconds to the expiry, negative if past
 * @interval: nanoseconds between expiries, 0 for a one-shot timer
 * @overrun: expiries since its signal was queued, -1 if none
 * @overrun_last: what timer_getoverrun() returns
 * @armed: it is counting down to @expires
 * @sigpending: its signal is queued and not delivered yet
 * @rearm: delivering that signal rearms it
 */
struct ckpt_posix_timer {
	int id;
	clockid_t clock;
	int notify;
	int signo;
	u64 value;
	struct pid *pid;
	s64 expires;
	s64 interval;
	s64 overrun;
	s64 overrun_last;
	bool armed;
	bool sigpending;
	bool rearm;
};

/* kernel/time/posix-timers.c: POSIX timers, by id */
int posix_timer_checkpoint(struct task_struct *tsk, int id, struct ckpt_posix_timer *pt);
int posix_timer_restore(const struct ckpt_posix_timer *pt);
void posix_timer_restore_arm(const struct ckpt_posix_timer *pt);
void posix_timer_restore_next_id(int id);
/* ipc.c and ipc/checkpoint_*.c: SysV IPC objects */
#ifdef CONFIG_SYSVIPC
int checkpoint_ipc_tree(struct ckpt_ctx *ctx);
const char *ckpt_ipc_task_unsupported(struct ckpt_ctx *ctx, struct task_struct *t);
int checkpoint_ipc(struct ckpt_ctx *ctx);
int restore_ipc(struct ckpt_ctx *ctx);
int restore_ipc_check_task(struct ckpt_ctx *ctx);
void ckpt_ipc_free(struct ckpt_ctx *ctx);
void ckpt_ipc_fill_perm(struct ckpt_ipc_perm *p, struct kern_ipc_perm *perm);
int ckpt_ipc_check_perm(struct ckpt_ctx *ctx, const char *what, const struct ckpt_ipc_perm *p,
			u32 modes);
void ckpt_ipc_set_perm(struct kern_ipc_perm *perm, const struct ckpt_ipc_perm *p);
/* in ipc/: they need its private structures */
void ckpt_ipc_count(struct ipc_namespace *ns, u32 *nr_msq, u32 *nr_sem, u32 *nr_shm);
bool ckpt_ipc_empty(struct ipc_namespace *ns);
int checkpoint_ipc_msg(struct ckpt_ctx *ctx, struct ipc_namespace *ns, u32 nr);
int restore_ipc_msg(struct ckpt_ctx *ctx, struct ipc_namespace *ns);
int checkpoint_ipc_sem(struct ckpt_ctx *ctx, struct ipc_namespace *ns, u32 nr);
int restore_ipc_sem(struct ckpt_ctx *ctx, struct ipc_namespace *ns);
bool ckpt_sem_undo_in_use(struct task_struct *t);
const char *ckpt_sem_undo_shared(struct task_struct *t);
int checkpoint_sem_undo(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_sem_undo(struct ckpt_ctx *ctx);
int checkpoint_ipc_shm(struct ckpt_ctx *ctx, struct ipc_namespace *ns, u32 nr);
int restore_ipc_shm(struct ckpt_ctx *ctx, struct ipc_namespace *ns);
bool ckpt_vma_sysv_shm(struct vm_area_struct *vma, struct ipc_namespace **ns, int *id,
		       unsigned long *size);
#else
static inline int checkpoint_ipc_tree(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline const char *ckpt_ipc_task_unsupported(struct ckpt_ctx *ctx, struct task_struct *t)
{
	return NULL;
}

static inline int checkpoint_ipc(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline int restore_ipc(struct ckpt_ctx *ctx)
{
	return ctx->tree_flags & CKPT_TREE_IPCNS ?
	       ckpt_err(ctx, -EOPNOTSUPP, "ipc: this kernel has no SysV IPC") : 0;
}

static inline int restore_ipc_check_task(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline int checkpoint_sem_undo(struct ckpt_ctx *ctx, struct task_struct *t)
{
	return 0;
}

static inline int restore_sem_undo(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline void ckpt_ipc_free(struct ckpt_ctx *ctx)
{
}

static inline bool ckpt_vma_sysv_shm(struct vm_area_struct *vma, struct ipc_namespace **ns,
				     int *id, unsigned long *size)
{
	return false;
}
#endif

/* task.c: the per-task record: limits at the point of no return, the rest last */
int restore_task_limits(struct ckpt_ctx *ctx);
int restore_task_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts);
void ckpt_task_state_free(struct ckpt_task_state *ts);

/**
 * struct ckpt_file_ops - how one kind of open file is saved and restored
 * @kind: its CKPT_FD_* kind
 * @by_path: the FD record carries the file's path
 * @seekable: the FD record carries the file position, for @restore to set
 * @match: is @file of this kind?
 * @checkpoint: write the records that follow the FD record of a new file
 * @restore: read those records and return the restored file with a
 *	reference, or NULL when only validating (RESTART_VALIDATE), or an
 *	ERR_PTR(), logged
 */
struct ckpt_file_ops {
	u32 kind;
	bool by_path;
	bool seekable;
	bool (*match)(struct file *file);
	int (*checkpoint)(struct ckpt_ctx *ctx, struct file *file, unsigned int fd);
	struct file *(*restore)(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf);
};

/* pipe.c: pipes and FIFOs */
extern const struct ckpt_file_ops ckpt_pipe_ops;
extern const struct ckpt_file_ops ckpt_fifo_ops;
int checkpoint_check_pipe_leaks(struct ckpt_ctx *ctx);
void ckpt_pipe_free(void *pipe);

/* memfd.c: memfds and deleted files, with their contents */
extern const struct ckpt_file_ops ckpt_memfd_ops;
extern const struct ckpt_file_ops ckpt_deleted_ops;

/* unix.c: unix sockets */
extern const struct ckpt_file_ops ckpt_unix_ops;
void ckpt_usock_free(void *ptr);
#if IS_BUILTIN(CONFIG_UNIX)
int checkpoint_check_unix_leaks(struct ckpt_ctx *ctx);
void restore_unix_peer_pids(struct ckpt_ctx *ctx);
#else
static inline int checkpoint_check_unix_leaks(struct ckpt_ctx *ctx)
{
	return 0;
}

static inline void restore_unix_peer_pids(struct ckpt_ctx *ctx)
{
}
#endif

/* inet.c: TCP and UDP sockets without a connection */
extern const struct ckpt_file_ops ckpt_inet_ops;

/* epoll.c */
extern const struct ckpt_file_ops ckpt_epoll_ops;
#ifdef CONFIG_EPOLL
int restore_epoll_items(struct ckpt_ctx *ctx, bool apply);
#else
static inline int restore_epoll_items(struct ckpt_ctx *ctx, bool apply)
{
	return 0;
}
#endif

/* eventfd.c, signalfd.c, timerfd.c */
extern const struct ckpt_file_ops ckpt_eventfd_ops;
extern const struct ckpt_file_ops ckpt_signalfd_ops;
extern const struct ckpt_file_ops ckpt_timerfd_ops;

/* files.c: helpers for the kinds of files */
struct file *restore_open_by_path(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf, int flags);
int restore_file_flags(struct ckpt_ctx *ctx, struct file *file, struct ckpt_hdr_fd *hf,
		       unsigned int settable);
struct file *restore_new_file(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf, struct file *file,
			      const char *what);
void restore_sock_bufs(struct sock *sk, u32 sndbuf, u32 rcvbuf);

/* sockopt.c: socket options */
struct socket;
int checkpoint_sockopts(struct ckpt_ctx *ctx, struct sock *sk, unsigned int fd);
int restore_sockopts(struct ckpt_ctx *ctx, struct socket *sock, int fd);
bool ckpt_sock_filtered(struct sock *sk);

/* helpers for records that end with a path */
int ckpt_path_of(struct ckpt_ctx *ctx, const struct path *where, const char *what, char *buf,
		 size_t size, const char **path);
int ckpt_file_path(struct ckpt_ctx *ctx, struct file *file, const char *what, char *buf,
		   size_t size, const char **path);
int ckpt_check_string(struct ckpt_ctx *ctx, const char *what, const char *s, u32 len,
		      u32 room);

/* checkpoint.c and restart.c: a whole image */
int do_checkpoint(struct ckpt_ctx *ctx, pid_t pid);
int do_restart(struct ckpt_ctx *ctx);
long do_restart_join(struct ckpt_ctx *fresh, struct file *file, int fd);

/* arch/<arch>/checkpoint/: the architecture's header record */
void ckpt_arch_fill_header(struct ckpt_hdr_header_arch *ha);
int ckpt_arch_check_header(struct ckpt_ctx *ctx, const struct ckpt_hdr_header_arch *ha);
int checkpoint_arch_header(struct ckpt_ctx *ctx);
int restore_arch_header(struct ckpt_ctx *ctx);
int checkpoint_cpu(struct ckpt_ctx *ctx, struct task_struct *t);
int restore_cpu(struct ckpt_ctx *ctx);
void restore_cpu_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts);
void ckpt_arch_free(void *arch);

#endif /* _LINUX_CHECKPOINT_H */
