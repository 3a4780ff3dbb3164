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
 *	HEADER HEADER_ARCH TREE TASK... TAIL
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
#define CKPT_FORMAT_VERSION	1

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

	/* arch (cpu state): 300..399 */
	/* mm: 400..499 */
	/* files: 500..599 */
	/* signals: 600..699 */
	/* ipc: 700..799 */
	/* net: 800..899 */

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

/* CKPT_HDR_TREE: the tasks of the image, in the order their TASK records follow */
struct ckpt_pids {
	__s32 vpid;			/* pids as seen by the checkpointer */
	__s32 vtgid;
	__s32 vppid;
	__s32 vpgid;
	__s32 vsid;
	__u32 depth;			/* pid namespace level of the task */
};

struct ckpt_hdr_tree {
	struct ckpt_hdr h;
	__u32 nr_tasks;
	__u32 _reserved;		/* zero */
	struct ckpt_pids pids[];	/* nr_tasks entries */
};

#define CKPT_TREE_MAX_TASKS	(1U << 20)

/* CKPT_HDR_TASK: per-task state */
struct ckpt_hdr_task {
	struct ckpt_hdr h;
	__u32 personality;
	__s32 exit_signal;
	__s32 pdeath_signal;
	__u32 _reserved;		/* zero */
	char comm[CKPT_COMM_LEN];	/* NUL terminated */
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
