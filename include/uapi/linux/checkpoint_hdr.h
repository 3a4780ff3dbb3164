/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checkpoint image format: the records written by checkpoint(2) and read
 * back by restart(2).
 *
 * An image is a stream of records. Every record starts with a struct
 * ckpt_hdr giving its type and its length in bytes, header included. The
 * length is always a multiple of 8, so every record starts 8-byte aligned.
 * The stream is written strictly in order and never seeks, so it can be
 * sent through a pipe or a socket.
 *
 * An image is:
 *
 *	HEADER HEADER_ARCH TREE
 *	with CKPT_TREE_IPCNS, the SysV IPC objects of the tree's namespace:
 *	    IPC_NS (IPC_MSQ IPC_MSG...)... IPC_SEM... (IPC_SHM (PAGES PAGE_DATA)...)...
 *	then for each live task, in the order of the tree:
 *	    TASK CREDS SCHED CPU FPU MM VMA... (PAGES PAGE_DATA)... FS FILES (FD [kind records])...
 *	    (a socket's kind records: UNIX SOCKOPTS DATA..., INET SOCKOPTS)
 *	    with CKPT_TREE_IPCNS: IPC_UNDO_LIST IPC_UNDO...
 *	    SIGHAND SIGNAL SIGINFO... POSIX_TIMER...
 *	TAIL
 *
 * Objects used by several tasks (an open file shared through fork(2) or
 * dup(2)) are saved once, where they are first met, and get an object
 * reference (objref): a number that later records use to name them.
 *
 * A checkpoint that fails after the image file was accepted writes an
 * ERROR record (and then the TAIL) so that the image itself says why.
 *
 * All fields are little-endian as written by the checkpointing kernel and
 * contain no kernel pointers. See Documentation/checkpoint/format.rst.
 */
#ifndef _UAPI_LINUX_CHECKPOINT_HDR_H
#define _UAPI_LINUX_CHECKPOINT_HDR_H

#include <linux/types.h>

#define CKPT_MAGIC_HEAD		0x00474d4954504b43ULL	/* "CKPTIMG" */
#define CKPT_MAGIC_TAIL		0x00444e4554504b43ULL	/* "CKPTEND" */
#define CKPT_FORMAT_VERSION	7

#define CKPT_ALIGN		8
#define CKPT_RELEASE_LEN	72	/* utsname()->release, NUL padded */
#define CKPT_COMM_LEN		16
#define CKPT_ERROR_MSG_MAX	256

/* Architecture identifiers, in struct ckpt_hdr_header.arch */
#define CKPT_ARCH_X86_64	1

struct ckpt_hdr {
	__u32 type;		/* CKPT_HDR_* */
	__u32 len;		/* bytes in the record, this header included */
};

/* Architecture records (struct ckpt_hdr_header_arch) */
#include <asm/checkpoint_hdr.h>

/*
 * Record types. Each range of 100 belongs to one part of the kernel; the
 * range of a type is CKPT_HDR_RANGE(type).
 */
#define CKPT_HDR_RANGE(type)	((type) / 100)

enum {
	/* generic: 1..99 */
	CKPT_HDR_HEADER = 1,
	CKPT_HDR_HEADER_ARCH = 2,

	/* container and task tree: 100..199 */
	CKPT_HDR_TREE = 100,

	/* task: 200..299 */
	CKPT_HDR_TASK = 200,
	CKPT_HDR_CREDS = 201,
	CKPT_HDR_SCHED = 202,

	/* arch (cpu state): 300..399 */
	CKPT_HDR_CPU = 300,
	CKPT_HDR_FPU = 301,

	/* mm: 400..499 */
	CKPT_HDR_MM = 400,
	CKPT_HDR_VMA = 401,
	CKPT_HDR_PAGES = 402,
	CKPT_HDR_PAGE_DATA = 403,

	/* files: 500..599 */
	CKPT_HDR_FS = 500,
	CKPT_HDR_FILES = 501,
	CKPT_HDR_FD = 502,
	CKPT_HDR_DATA = 503,
	CKPT_HDR_PIPE = 504,
	CKPT_HDR_EVENTFD = 505,
	CKPT_HDR_SIGNALFD = 506,
	CKPT_HDR_TIMERFD = 507,
	CKPT_HDR_FILE_INODE = 508,
	CKPT_HDR_EPOLL = 509,

	/* signals: 600..699 */
	CKPT_HDR_SIGHAND = 600,
	CKPT_HDR_SIGNAL = 601,
	CKPT_HDR_SIGINFO = 602,
	CKPT_HDR_POSIX_TIMER = 603,

	/* ipc: 700..799 */
	CKPT_HDR_IPC_NS = 700,
	CKPT_HDR_IPC_MSQ = 701,
	CKPT_HDR_IPC_MSG = 702,
	CKPT_HDR_IPC_SEM = 703,
	CKPT_HDR_IPC_SHM = 704,
	CKPT_HDR_IPC_UNDO_LIST = 705,
	CKPT_HDR_IPC_UNDO = 706,

	/* net: 800..899 */
	CKPT_HDR_UNIX = 800,
	CKPT_HDR_INET = 801,
	CKPT_HDR_SOCKOPTS = 802,

	/* end of image: 900..998 */
	CKPT_HDR_TAIL = 900,

	/* a failed checkpoint: 999 */
	CKPT_HDR_ERROR = 999,
};

/* CKPT_HDR_HEADER: always the first record */
struct ckpt_hdr_header {
	struct ckpt_hdr h;
	__u64 magic;			/* CKPT_MAGIC_HEAD */
	__u32 version;			/* CKPT_FORMAT_VERSION */
	__u32 arch;			/* CKPT_ARCH_* */
	__u32 page_size;		/* bytes */
	__u32 _reserved;		/* zero */
	__u64 flags;			/* checkpoint(2) flags */
	__u64 crid;			/* checkpoint id, returned by checkpoint(2) */
	__s64 time;			/* CLOCK_REALTIME seconds at checkpoint */
	char release[CKPT_RELEASE_LEN];	/* kernel release, NUL padded */
};

/*
 * CKPT_HDR_TREE: the tasks of the image, the root first and every task after
 * its parent; the live ones have their records in this order. A zombie has
 * no records: it is recreated by its parent, and exits with exit_code.
 */
struct ckpt_pids {
	__s32 vpid;			/* pids as seen by the checkpointer, or in */
	__s32 vtgid;			/* the root's pid namespace (CKPT_TREE_PIDNS); */
	__s32 vppid;			/* 0: outside the tree's pid namespace */
	__s32 vpgid;
	__s32 vsid;
	__u32 depth;			/* pid namespace level below the root's */
	__u32 flags;			/* CKPT_PIDS_* */
	__s32 exit_code;		/* CKPT_PIDS_ZOMBIE: as wait(2) reports it */
};

#define CKPT_PIDS_ZOMBIE	0x1	/* exited, not reaped yet */
#define CKPT_PIDS_SUBREAPER	0x2	/* a process with PR_SET_CHILD_SUBREAPER */
#define CKPT_PIDS_PGRP_GONE	0x4	/* the leader of its process group has exited */
#define CKPT_PIDS_SESSION_GONE	0x8	/* the leader of its session has exited */
#define CKPT_PIDS_FLAGS_ALL	(CKPT_PIDS_ZOMBIE | CKPT_PIDS_SUBREAPER | \
				 CKPT_PIDS_PGRP_GONE | CKPT_PIDS_SESSION_GONE)

#define CKPT_TREE_PIDNS		0x1	/* the root is the init of its pid namespace */
#define CKPT_TREE_IPCNS		0x2	/* the tree has an IPC namespace of its own */
#define CKPT_TREE_FLAGS_ALL	(CKPT_TREE_PIDNS | CKPT_TREE_IPCNS)

struct ckpt_hdr_tree {
	struct ckpt_hdr h;
	__u32 nr_tasks;
	__u32 flags;			/* CKPT_TREE_* */
	struct ckpt_pids pids[];	/* nr_tasks entries */
};

#define CKPT_TREE_MAX_TASKS	(1U << 20)

/* CKPT_HDR_TASK: per-task state */
#define CKPT_RLIM_NLIMITS	16

struct ckpt_rlimit {
	__u64 cur;
	__u64 max;
};

struct ckpt_hdr_task {
	struct ckpt_hdr h;
	__u32 personality;
	__s32 exit_signal;
	__s32 pdeath_signal;
	__u32 _reserved;		/* zero */
	char comm[CKPT_COMM_LEN];	/* NUL terminated */
	/* user-space addresses the kernel keeps for the task */
	__u64 set_child_tid;
	__u64 clear_child_tid;
	__u64 robust_list;
	__u64 robust_list_len;
	__u64 rseq;			/* 0: no rseq area registered */
	__u32 rseq_len;
	__u32 rseq_sig;
	__u64 sas_ss_sp;		/* sigaltstack */
	__u64 sas_ss_size;
	__u32 sas_ss_flags;
	__u32 nr_rlimits;		/* CKPT_RLIM_NLIMITS */
	struct ckpt_rlimit rlim[CKPT_RLIM_NLIMITS];
	/* an interrupted sleep that resumes through restart_syscall(2) */
	__u32 restart_kind;		/* CKPT_RESTART_* */
	__s32 restart_clockid;
	__s64 restart_left_ns;		/* time left to sleep */
	__u64 restart_uaddr;		/* FUTEX: the futex word */
	__u32 restart_val;		/* FUTEX: the value waited on */
	__u32 restart_bitset;		/* FUTEX: the wake-up bitset */
	__u32 restart_op;		/* FUTEX: FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME */
	__u32 _reserved2;		/* zero */
};

/*
 * CKPT_HDR_CREDS: after the TASK record, the task's credentials, as seen in
 * the checkpointer's user namespace, and its no_new_privs flag. Restart
 * gives them to the restored task only as far as setresuid(2),
 * setresgid(2), setfsuid(2), setfsgid(2), setgroups(2), capset(2) and the
 * prctl(2) calls for the bounding set, securebits, ambient capabilities
 * and no_new_privs would let the restarting task set them.
 */
#define CKPT_NGROUPS_MAX	65536	/* NGROUPS_MAX */

#define CKPT_CREDS_NO_NEW_PRIVS	0x1	/* prctl(PR_SET_NO_NEW_PRIVS) */
#define CKPT_CREDS_FLAGS_ALL	0x1

struct ckpt_hdr_creds {
	struct ckpt_hdr h;
	__u32 uid, euid, suid, fsuid;
	__u32 gid, egid, sgid, fsgid;
	__u64 cap_inheritable;		/* capability sets: bit n for capability n */
	__u64 cap_permitted;
	__u64 cap_effective;
	__u64 cap_bset;			/* bounding set */
	__u64 cap_ambient;
	__u32 securebits;		/* SECBIT_* of prctl(PR_SET_SECUREBITS) */
	__u32 flags;			/* CKPT_CREDS_* */
	__u32 nr_groups;		/* supplementary groups in groups[] */
	__u32 _reserved;		/* zero */
	__u32 groups[];			/* gids, increasing, padded */
};

/*
 * CKPT_HDR_SCHED: after CREDS, how the task is scheduled, and its
 * process's oom_score_adj. Restart sets them with the rules of
 * sched_setattr(2), sched_setaffinity(2), /proc/PID/oom_score_adj and
 * prctl(PR_SET_TIMERSLACK).
 */
#define CKPT_SCHED_MAX_CPUS	8192	/* bits of cpus[], at most */

struct ckpt_hdr_sched {
	struct ckpt_hdr h;
	__u32 policy;			/* SCHED_OTHER, _FIFO, _RR, _BATCH, _IDLE, _DEADLINE */
	__u32 flags;			/* SCHED_FLAG_RESET_ON_FORK */
	__s32 nice;			/* -20..19 */
	__u32 rt_priority;		/* SCHED_FIFO, SCHED_RR: 1..99; else 0 */
	__u64 dl_runtime;		/* SCHED_DEADLINE, in ns; else zero */
	__u64 dl_deadline;
	__u64 dl_period;
	__u64 timer_slack_ns;		/* PR_GET_TIMERSLACK */
	__s32 oom_score_adj;		/* the process's, -1000..1000 */
	__u32 nr_cpus;			/* bits of cpus[]: nr_cpu_ids at checkpoint */
	__u64 cpus[];			/* CPU affinity: bit n for CPU n */
};

/* struct ckpt_hdr_task.restart_kind */
enum {
	CKPT_RESTART_NONE = 0,
	CKPT_RESTART_NANOSLEEP = 1,	/* nanosleep(2), clock_nanosleep(2) */
	CKPT_RESTART_FUTEX = 2,		/* futex(2) FUTEX_WAIT(_BITSET) with a timeout */
};

/*
 * CKPT_HDR_MM: the address space. VMA records follow (nr_vmas of them),
 * each followed by the PAGES and PAGE_DATA records of its saved pages.
 */
#define CKPT_AUXV_MAX		64	/* __u64 entries, AT_NULL pair included */

struct ckpt_hdr_mm {
	struct ckpt_hdr h;
	__u64 start_code, end_code;
	__u64 start_data, end_data;
	__u64 start_brk, brk;
	__u64 start_stack;
	__u64 arg_start, arg_end;
	__u64 env_start, env_end;
	__u32 nr_vmas;
	__u32 nr_auxv;			/* entries used in auxv[] */
	__u64 auxv[CKPT_AUXV_MAX];
	__u32 dumpable;			/* PR_GET_DUMPABLE: 0, 1, or 2 (SUID_DUMP_ROOT) */
	__u32 flags;			/* CKPT_MM_* */
	__u32 exe_len;			/* bytes of exe[], NUL included; 0: none */
	__u32 objref;			/* the address space; one an earlier process */
					/* saved: shared with it, all else 0 */
	char exe[];			/* path of the executable, padded */
};

/* struct ckpt_hdr_mm.flags */
#define CKPT_MM_THP_DISABLE	0x1	/* prctl(PR_SET_THP_DISABLE) */
#define CKPT_MM_FLAGS_ALL	0x1

/* struct ckpt_hdr_vma.kind */
enum {
	CKPT_VMA_ANON = 1,		/* private anonymous */
	CKPT_VMA_SHM_ANON = 2,		/* shared anonymous */
	CKPT_VMA_FILE = 3,		/* private file mapping */
	CKPT_VMA_SHM_FILE = 4,		/* shared file mapping */
	CKPT_VMA_VVAR = 5,		/* the kernel's vvar area */
	CKPT_VMA_VDSO = 6,		/* the kernel's vdso */
	CKPT_VMA_SYSVSHM = 7,		/* a SysV shm attachment: shmid */
};

/* struct ckpt_hdr_vma.flags */
#define CKPT_VMA_READ		0x1
#define CKPT_VMA_WRITE		0x2
#define CKPT_VMA_EXEC		0x4
#define CKPT_VMA_GROWSDOWN	0x8
#define CKPT_VMA_SHM_RDONLY	0x10	/* CKPT_VMA_SYSVSHM: attached with SHM_RDONLY */
#define CKPT_VMA_FLAGS_ALL	0x1f

struct ckpt_hdr_vma {
	struct ckpt_hdr h;
	__u64 start;
	__u64 end;
	__u64 pgoff;			/* file offset, in pages */
	__u32 kind;			/* CKPT_VMA_* */
	__u32 flags;			/* CKPT_VMA_* flags */
	__u64 nr_pages;			/* pages saved in the PAGES records that follow */
	__u32 path_len;			/* bytes of path[], NUL included; 0: none */
	__s32 shmid;			/* CKPT_VMA_SYSVSHM: the segment; else zero */
	__u32 advice;			/* CKPT_VMA_ADV_*: what madvise(2) set */
	__u32 _reserved;		/* zero */
	char path[];			/* the mapped file, padded */
};

/* struct ckpt_hdr_vma.advice: madvise(2) advice the mapping keeps */
#define CKPT_VMA_ADV_DONTFORK	0x1	/* MADV_DONTFORK */
#define CKPT_VMA_ADV_DONTDUMP	0x2	/* MADV_DONTDUMP */
#define CKPT_VMA_ADV_WIPEONFORK	0x4	/* MADV_WIPEONFORK */
#define CKPT_VMA_ADV_HUGEPAGE	0x8	/* MADV_HUGEPAGE */
#define CKPT_VMA_ADV_NOHUGEPAGE	0x10	/* MADV_NOHUGEPAGE */
#define CKPT_VMA_ADV_MERGEABLE	0x20	/* MADV_MERGEABLE */
#define CKPT_VMA_ADV_SEQUENTIAL	0x40	/* MADV_SEQUENTIAL */
#define CKPT_VMA_ADV_RANDOM	0x80	/* MADV_RANDOM */
#define CKPT_VMA_ADV_ALL	0xff

/*
 * CKPT_HDR_PAGES: addresses of pages whose contents follow, in the same
 * order, in the next record (CKPT_HDR_PAGE_DATA, nr_pages * page_size bytes
 * after its struct ckpt_hdr).
 */
#define CKPT_PAGES_BATCH	1024

struct ckpt_hdr_pages {
	struct ckpt_hdr h;
	__u32 nr_pages;			/* 1..CKPT_PAGES_BATCH */
	__u32 _reserved;		/* zero */
	__u64 addr[];			/* increasing, page aligned, in the VMA */
};

/*
 * An fs_struct or fd table shared by several processes is saved with the
 * first of them (in the order of the tree) and gets an objref; the FS or
 * FILES record of each later one has CKPT_SHARED_REF and only that objref.
 */
#define CKPT_SHARED_REF		0x1	/* ckpt_hdr_fs/files.flags */

/* CKPT_HDR_FS: working directory and umask, or an fs_struct saved before */
struct ckpt_hdr_fs {
	struct ckpt_hdr h;
	__u32 objref;			/* of this fs_struct */
	__u32 flags;			/* CKPT_SHARED_REF: no umask, no cwd */
	__u32 umask;
	__u32 cwd_len;			/* bytes of cwd[], NUL included */
	char cwd[];			/* padded */
};

/*
 * CKPT_HDR_FILES: the fd table, nr_fds FD records follow; or an fd table
 * saved before (CKPT_SHARED_REF), and no FD records
 */
struct ckpt_hdr_files {
	struct ckpt_hdr h;
	__u32 objref;			/* of this fd table */
	__u32 flags;			/* CKPT_SHARED_REF: nr_fds is 0 */
	__u32 nr_fds;
	__u32 _reserved;		/* zero */
};

/* struct ckpt_hdr_fd.kind */
enum {
	CKPT_FD_REG = 1,		/* regular file, by path */
	CKPT_FD_DIR = 2,		/* directory, by path */
	CKPT_FD_CHR = 3,		/* character device, by path and number */
	CKPT_FD_REF = 4,		/* an open file saved before: objref */
	CKPT_FD_PIPE = 5,		/* an end of a pipe: a PIPE record follows */
	CKPT_FD_FIFO = 6,		/* a FIFO, by path: a PIPE record follows */
	CKPT_FD_EVENTFD = 7,		/* an EVENTFD record follows */
	CKPT_FD_SIGNALFD = 8,		/* a SIGNALFD record follows */
	CKPT_FD_TIMERFD = 9,		/* a TIMERFD record follows */
	CKPT_FD_MEMFD = 10,		/* a memfd: a FILE_INODE record follows */
	CKPT_FD_DELETED = 11,		/* a deleted file: a FILE_INODE record follows */
	CKPT_FD_EPOLL = 12,		/* an EPOLL record follows */
	CKPT_FD_UNIX = 13,		/* a unix socket: a UNIX record follows */
	CKPT_FD_INET = 14,		/* a TCP or UDP socket: an INET record follows */
};

/*
 * An open file gets an objref when it is first saved: 1 for the first
 * file of the image, then 2... A CKPT_FD_REF record names a file saved
 * earlier, by this task or another one, which shares it (and its offset).
 */
struct ckpt_hdr_fd {
	struct ckpt_hdr h;
	__s32 fd;
	__u32 kind;			/* CKPT_FD_* */
	__u32 cloexec;			/* 0 or 1 */
	__u32 objref;			/* the open file */
	__u32 f_flags;			/* open flags: access mode, O_APPEND... */
	__u32 rdev;			/* CKPT_FD_CHR: device number (new_encode_dev) */
	__s64 pos;			/* file position */
	__u32 path_len;			/* bytes of path[], NUL included */
	__u32 _reserved;		/* zero */
	char path[];			/* padded */
};

/*
 * CKPT_HDR_DATA: bytes of a file or of a buffer (a pipe), as part of the
 * object saved by the record before. Up to CKPT_DATA_MAX bytes each.
 */
#define CKPT_DATA_MAX		(1U << 20)

struct ckpt_hdr_data {
	struct ckpt_hdr h;
	__u64 offset;			/* where the bytes go */
	__u32 len;			/* bytes in data[], 1..CKPT_DATA_MAX */
	__u32 _reserved;		/* zero */
	__u8 data[];			/* padded */
};

/*
 * CKPT_HDR_PIPE: after the FD record of a pipe end or a FIFO. The pipe is
 * an object of its own: the first time it is met it gets an objref and its
 * unread bytes follow in DATA records (data_len bytes in all, offsets from
 * 0 up); later records of the same pipe (its other end, or the same FIFO
 * opened again) give the objref only, with data_len 0.
 */
#define CKPT_PIPE_MAX_SIZE	(1U << 26)

struct ckpt_hdr_pipe {
	struct ckpt_hdr h;
	__u32 objref;			/* the pipe */
	__u32 size;			/* capacity in bytes (F_GETPIPE_SZ) */
	__u32 data_len;			/* unread bytes, at most size */
	__u32 _reserved;		/* zero */
};

/* CKPT_HDR_EVENTFD: after the FD record of an eventfd */
struct ckpt_hdr_eventfd {
	struct ckpt_hdr h;
	__u64 count;			/* the counter, below 2^64 - 1 */
	__u32 flags;			/* EFD_SEMAPHORE or 0 */
	__u32 _reserved;		/* zero */
};

/* CKPT_HDR_SIGNALFD: after the FD record of a signalfd */
struct ckpt_hdr_signalfd {
	struct ckpt_hdr h;
	__u64 mask;			/* the signals it reads: bit n-1 for signal n */
};

/* CKPT_HDR_TIMERFD: after the FD record of a timerfd */
struct ckpt_hdr_timerfd {
	struct ckpt_hdr h;
	__s32 clockid;			/* CLOCK_MONOTONIC, _REALTIME, _BOOTTIME (+ _ALARM) */
	__u32 settime_flags;		/* TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET */
	__u64 ticks;			/* expirations not read yet */
	__s64 value_ns;			/* time left, 0: disarmed */
	__s64 interval_ns;		/* period, 0: one-shot */
};

/*
 * CKPT_HDR_FILE_INODE: after the FD record of a memfd or a deleted regular
 * file, whose contents have no other home than the image. The inode is an
 * object of its own: the first time it is met, its contents follow in
 * nr_data DATA records (offsets increasing, holes left out, within size);
 * later open files of the same inode give its objref only, with nr_data 0
 * and no name.
 *
 * name: for a memfd, its name (without "memfd:"); for a deleted file, the
 * directory it was in, where restart makes an unnamed file (O_TMPFILE).
 */
struct ckpt_hdr_file_inode {
	struct ckpt_hdr h;
	__u32 objref;			/* the inode */
	__u32 mode;			/* permission bits */
	__u64 size;			/* bytes */
	__u32 seals;			/* memfd: F_SEAL_* */
	__u32 nr_data;			/* DATA records that follow */
	__u32 name_len;			/* bytes of name[], NUL included; 0: none */
	__u32 _reserved;		/* zero */
	char name[];			/* padded */
};

/*
 * CKPT_HDR_EPOLL: after the FD record of an epoll file, its interest list:
 * for each item the descriptor it watches (in the fd table being saved,
 * which restart fills first), the events and the data.
 */
#define CKPT_EPOLL_MAX_ITEMS	(1U << 16)

struct ckpt_epoll_item {
	__s32 fd;
	__u32 events;			/* EPOLLIN... EPOLLET, EPOLLONESHOT... */
	__u64 data;
};

struct ckpt_hdr_epoll {
	struct ckpt_hdr h;
	__u32 nr_items;
	__u32 _reserved;		/* zero */
	struct ckpt_epoll_item items[];	/* nr_items of them */
};

/*
 * CKPT_HDR_UNIX: after the FD record of a unix socket. The socket is an
 * object of its own, and so is its peer: the first socket of a connected
 * pair names its peer with a new objref, which the peer's own record then
 * has. The bytes waiting in its receive queue follow in DATA records, one
 * per message (offsets count the bytes before).
 */
#define CKPT_UNIX_ADDR_MAX	108	/* sizeof(sun_path) */

/* struct ckpt_hdr_unix.state */
enum {
	CKPT_UNIX_UNCONNECTED = 1,
	CKPT_UNIX_CONNECTED = 2,	/* peer: the peer's objref, 0 if it is gone */
	CKPT_UNIX_LISTEN = 3,
};

struct ckpt_hdr_unix {
	struct ckpt_hdr h;
	__u32 objref;			/* the socket */
	__u32 peer;			/* CONNECTED: its peer, 0 if closed */
	__u32 type;			/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	__u32 state;			/* CKPT_UNIX_* */
	__u32 shutdown;			/* 1: receive, 2: send shut down */
	__u32 backlog;			/* LISTEN: listen(2) backlog */
	__u32 sndbuf;			/* SO_SNDBUF, SO_RCVBUF */
	__u32 rcvbuf;
	__u32 nr_msgs;			/* DATA records that follow */
	__u32 addr_len;			/* bytes of addr[]: 0 unbound; abstract: addr[0] 0 */
	char addr[CKPT_UNIX_ADDR_MAX + 4]; /* sun_path, as bound */
	__s32 peer_pid;			/* SO_PEERCRED pid (in the tree), or 0 */
	__u32 _reserved;		/* zero */
};

/*
 * CKPT_HDR_INET: after the FD record of a TCP or UDP socket (IPv4 or IPv6)
 * that is not connected (TCP: closed or listening; UDP: bound or connected
 * to an address, with no datagram waiting). Addresses are in network byte
 * order, an IPv4 address in the first 4 bytes.
 */
enum {
	CKPT_INET_CLOSED = 1,		/* not listening, maybe bound */
	CKPT_INET_LISTEN = 2,		/* TCP */
	CKPT_INET_CONNECTED = 3,	/* UDP with a default destination */
};

#define CKPT_INET_REUSEADDR	0x1
#define CKPT_INET_REUSEPORT	0x2
#define CKPT_INET_V6ONLY	0x4
#define CKPT_INET_FLAGS_ALL	0x7

struct ckpt_hdr_inet {
	struct ckpt_hdr h;
	__u16 family;			/* AF_INET, AF_INET6 */
	__u16 type;			/* SOCK_STREAM (TCP), SOCK_DGRAM (UDP) */
	__u16 protocol;			/* IPPROTO_TCP, IPPROTO_UDP */
	__u16 state;			/* CKPT_INET_* */
	__u32 flags;			/* CKPT_INET_* flags */
	__u32 backlog;			/* LISTEN */
	__u32 sndbuf;			/* SO_SNDBUF, SO_RCVBUF */
	__u32 rcvbuf;
	__u8 addr[16];			/* bound address; 0: any */
	__u8 peer[16];			/* CONNECTED: the destination */
	__u16 port;			/* bound port, 0: unbound */
	__u16 peer_port;
	__u32 _reserved;		/* zero */
};

/*
 * CKPT_HDR_SOCKOPTS: right after the UNIX or INET record of a socket, the
 * options of a fixed table it has, as getsockopt(2) gives them; restart
 * sets those a new socket does not have with setsockopt(2)'s rules
 */
#define CKPT_SOCKOPT_MAX	16	/* bytes of one value */
#define CKPT_SOCKOPTS_MAX	64	/* entries of one record */

struct ckpt_sockopt {
	__s32 level;			/* SOL_SOCKET, SOL_IP, SOL_IPV6, SOL_TCP */
	__s32 name;			/* SO_*, IP_*, IPV6_*, TCP_* */
	__u32 len;			/* bytes of val[] used, the rest zero */
	__u32 _reserved;		/* zero */
	__u8 val[CKPT_SOCKOPT_MAX];	/* as getsockopt(2) gives it */
};

struct ckpt_hdr_sockopts {
	struct ckpt_hdr h;
	__u32 nr;			/* entries of opts[] */
	__u32 _reserved;		/* zero */
	struct ckpt_sockopt opts[];
};

/* CKPT_HDR_SIGHAND: the signal handlers, for signals 1..nr */
struct ckpt_sigaction {
	__u64 handler;
	__u64 flags;
	__u64 restorer;
	__u64 mask;
};

#define CKPT_NSIG		64

struct ckpt_hdr_sighand {
	struct ckpt_hdr h;
	__u32 nr;			/* CKPT_NSIG; 0: shared, see objref */
	__u32 objref;			/* the handlers; one an earlier process */
					/* saved: shared with it (nr 0, no actions) */
	struct ckpt_sigaction action[CKPT_NSIG];
};

/*
 * CKPT_HDR_SIGNAL: masks, itimers; nr_pending SIGINFO records follow, then
 * (the leader only) nr_timers POSIX_TIMER records. The itimers and POSIX
 * timers belong to the process: a thread has them zero.
 */
struct ckpt_hdr_signal {
	struct ckpt_hdr h;
	__u64 blocked;
	__u64 real_value_ns;		/* ITIMER_REAL: time left, 0: disarmed */
	__u64 real_interval_ns;
	__u32 nr_pending;		/* SIGINFO records that follow */
	__u32 stop_signal;		/* the process: stopped by this job control */
					/* signal; 0: not stopped */
	__u64 virt_value_ns;		/* ITIMER_VIRTUAL: user CPU time left, 0: disarmed */
	__u64 virt_interval_ns;
	__u64 prof_value_ns;		/* ITIMER_PROF: CPU time left, 0: disarmed */
	__u64 prof_interval_ns;
	__u32 nr_timers;		/* POSIX_TIMER records that follow the SIGINFOs */
	__u32 next_timer_id;		/* the id timer_create(2) tries next */
};

#define CKPT_POSIX_TIMERS_MAX	(1U << 16)

/* CKPT_HDR_SIGINFO: one pending signal */
#define CKPT_SIGINFO_SIZE	128

struct ckpt_hdr_siginfo {
	struct ckpt_hdr h;
	__u32 shared;			/* 1: pending for the process, 0: the thread */
	__u32 _reserved;		/* zero */
	__u8 info[CKPT_SIGINFO_SIZE];	/* struct siginfo as user space sees it */
};

/*
 * CKPT_HDR_POSIX_TIMER: a timer of timer_create(2), with its id. Clocks:
 * CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_TAI. Its time
 * left is relative, as for the itimers: time stops while the image waits.
 */
#define CKPT_TIMER_ARMED	0x1	/* counting down to value_ns */
#define CKPT_TIMER_SIGPENDING	0x2	/* its signal is queued, not delivered yet */
#define CKPT_TIMER_REARM	0x4	/* SIGPENDING: delivering it rearms the timer */
#define CKPT_TIMER_FLAGS_ALL	0x7

struct ckpt_hdr_posix_timer {
	struct ckpt_hdr h;
	__s32 id;			/* the timer id, 0..INT_MAX */
	__s32 clockid;			/* CLOCK_* */
	__s32 notify;			/* SIGEV_SIGNAL, _NONE, _THREAD, _THREAD_ID */
	__s32 signo;			/* the signal, 1..64; SIGEV_NONE: unused, 0..64 */
	__u64 value;			/* sigev_value, as si_value carries it */
	__s32 tid;			/* SIGEV_THREAD_ID: a thread of the process */
	__u32 flags;			/* CKPT_TIMER_* */
	__s64 value_ns;			/* time to the expiry; < 0: past (SIGPENDING) */
	__s64 interval_ns;		/* period, 0: one shot */
	__s64 overrun;			/* expiries since the signal was queued, -1.. */
	__s64 overrun_last;		/* what timer_getoverrun(2) returns */
};

/*
 * SysV IPC. With CKPT_TREE_IPCNS in the TREE record, the objects of the
 * tree's IPC namespace follow it, before the tasks: an IPC_NS record with
 * their counts, then every message queue (IPC_MSQ, followed by an IPC_MSG
 * record per message, oldest first), every semaphore set (IPC_SEM) and
 * every shared memory segment (IPC_SHM, followed by PAGES and PAGE_DATA
 * records whose addresses are byte offsets in the segment), each kind in
 * increasing id order. Restart recreates them with the same ids and keys.
 */
struct ckpt_hdr_ipc_ns {
	struct ckpt_hdr h;
	__u32 nr_msq;			/* IPC_MSQ records that follow */
	__u32 nr_sem;			/* IPC_SEM records */
	__u32 nr_shm;			/* IPC_SHM records */
	__u32 _reserved;		/* zero */
};

#define CKPT_IPC_MAX_OBJS	(1U << 24)	/* of each kind, IPCMNI_EXTEND */

/* The identity, owners and mode of one object (struct ipc64_perm) */
struct ckpt_ipc_perm {
	__s32 id;			/* msqid, semid or shmid */
	__s32 key;			/* 0: IPC_PRIVATE */
	__u32 uid, gid;			/* owner */
	__u32 cuid, cgid;		/* creator */
	__u32 mode;			/* 0777 bits; IPC_SHM also SHM_DEST */
	__u32 _reserved;		/* zero */
};

/* CKPT_HDR_IPC_MSQ: a message queue; nr_msgs IPC_MSG records follow */
struct ckpt_hdr_ipc_msq {
	struct ckpt_hdr h;
	struct ckpt_ipc_perm perm;
	__s64 stime, rtime, ctime;	/* last msgsnd, msgrcv, change (seconds) */
	__u64 qbytes;			/* the queue's limit in bytes */
	__u64 cbytes;			/* bytes of the messages that follow */
	__u32 nr_msgs;
	__u32 _reserved;		/* zero */
};

#define CKPT_IPC_MSG_MAX	(1U << 20)	/* bytes of one message, at most */

/* CKPT_HDR_IPC_MSG: one message of the queue before it */
struct ckpt_hdr_ipc_msg {
	struct ckpt_hdr h;
	__s64 mtype;			/* > 0 */
	__u32 len;			/* bytes of text[] */
	__u32 _reserved;		/* zero */
	__u8 text[];			/* padded */
};

#define CKPT_IPC_SEM_MAX	32000	/* semaphores in one set (SEMMSL) */

/* CKPT_HDR_IPC_SEM: a semaphore set and the value of each semaphore */
struct ckpt_hdr_ipc_sem {
	struct ckpt_hdr h;
	struct ckpt_ipc_perm perm;
	__s64 otime, ctime;		/* last semop, change (seconds) */
	__u32 nsems;
	__u32 _reserved;		/* zero */
	__s32 semval[];			/* nsems entries, 0..SEMVMX, padded */
};

/* CKPT_HDR_IPC_SHM: a segment; PAGES + PAGE_DATA for nr_pages pages follow */
struct ckpt_hdr_ipc_shm {
	struct ckpt_hdr h;
	struct ckpt_ipc_perm perm;
	__s64 atime, dtime, ctime;	/* last shmat, shmdt, change (seconds) */
	__u64 size;			/* bytes */
	__u64 nr_pages;			/* pages saved (those never touched are not) */
};

/*
 * CKPT_HDR_IPC_UNDO_LIST: with CKPT_TREE_IPCNS, after the FD records of a
 * process, its semaphore undo list (semop(2) with SEM_UNDO): nr_undos
 * IPC_UNDO records follow, one per semaphore set, in increasing semid order
 */
struct ckpt_hdr_ipc_undo_list {
	struct ckpt_hdr h;
	__u32 nr_undos;
	__u32 _reserved;		/* zero */
};

/* CKPT_HDR_IPC_UNDO: the adjustments on exit for one semaphore set */
struct ckpt_hdr_ipc_undo {
	struct ckpt_hdr h;
	__s32 semid;
	__u32 nsems;			/* the set's, 1..CKPT_IPC_SEM_MAX */
	__s16 semadj[];			/* nsems entries, -SEMAEM..SEMAEM, padded */
};

/* CKPT_HDR_TAIL: always the last record */
struct ckpt_hdr_tail {
	struct ckpt_hdr h;
	__u64 magic;			/* CKPT_MAGIC_TAIL */
	__u64 length;			/* bytes in the image before this record */
	__u32 nr_records;		/* records in the image before this record */
	__u32 crc32c;			/* crc32c (seed ~0, final xor ~0) of those bytes */
};

/* CKPT_HDR_ERROR: why a checkpoint failed */
struct ckpt_hdr_error {
	struct ckpt_hdr h;
	__s32 error;			/* negative errno */
	__u32 msg_len;			/* bytes of msg, NUL included */
	char msg[];			/* NUL terminated, padded to CKPT_ALIGN */
};

#endif /* _UAPI_LINUX_CHECKPOINT_HDR_H */
