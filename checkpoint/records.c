// SPDX-License-Identifier: GPL-2.0
/*
 * The table of checkpoint record types: one line per record that an
 * image may hold, with the lengths restart accepts for it.
 */

#include <linux/build_bug.h>
#include <linux/checkpoint_hdr.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/mm.h>

#define CKPT_FIXED(t, n, s)	{ .type = (t), .name = (n), .min_len = sizeof(s), \
				  .max_len = sizeof(s) }

/* a fixed part and from @min to @max more bytes, padded */
#define CKPT_VAR(t, n, s, min, max) { .type = (t), .name = (n), \
				     .min_len = ALIGN(sizeof(s) + (min), CKPT_ALIGN), \
				     .max_len = ALIGN(sizeof(s) + (max), CKPT_ALIGN) }

static const struct ckpt_record_desc ckpt_records[] = {
	CKPT_FIXED(CKPT_HDR_HEADER, "HEADER", struct ckpt_hdr_header),
	CKPT_FIXED(CKPT_HDR_HEADER_ARCH, "HEADER_ARCH", struct ckpt_hdr_header_arch),
	{
		.type = CKPT_HDR_TREE,
		.name = "TREE",
		.min_len = sizeof(struct ckpt_hdr_tree) + sizeof(struct ckpt_pids),
		.max_len = sizeof(struct ckpt_hdr_tree) +
			   CKPT_TREE_MAX_TASKS * sizeof(struct ckpt_pids),
	},
	CKPT_FIXED(CKPT_HDR_TASK, "TASK", struct ckpt_hdr_task),
	CKPT_VAR(CKPT_HDR_CREDS, "CREDS", struct ckpt_hdr_creds, 0,
		 CKPT_NGROUPS_MAX * sizeof(__u32)),
	CKPT_VAR(CKPT_HDR_SCHED, "SCHED", struct ckpt_hdr_sched, sizeof(__u64),
		 CKPT_SCHED_MAX_CPUS / 8),
	CKPT_FIXED(CKPT_HDR_CPU, "CPU", struct ckpt_hdr_cpu),
	CKPT_VAR(CKPT_HDR_FPU, "FPU", struct ckpt_hdr_fpu, CKPT_XSTATE_SIZE_MIN,
		 CKPT_XSTATE_SIZE_MAX),
	CKPT_VAR(CKPT_HDR_MM, "MM", struct ckpt_hdr_mm, 0, PATH_MAX),
	CKPT_VAR(CKPT_HDR_VMA, "VMA", struct ckpt_hdr_vma, 0, PATH_MAX),
	CKPT_VAR(CKPT_HDR_PAGES, "PAGES", struct ckpt_hdr_pages, sizeof(__u64),
		 CKPT_PAGES_BATCH * sizeof(__u64)),
	CKPT_VAR(CKPT_HDR_PAGE_DATA, "PAGE_DATA", struct ckpt_hdr, PAGE_SIZE,
		 CKPT_PAGES_BATCH * PAGE_SIZE),
	CKPT_VAR(CKPT_HDR_FS, "FS", struct ckpt_hdr_fs, 0, PATH_MAX),
	CKPT_FIXED(CKPT_HDR_FILES, "FILES", struct ckpt_hdr_files),
	CKPT_VAR(CKPT_HDR_FD, "FD", struct ckpt_hdr_fd, 0, PATH_MAX),
	CKPT_VAR(CKPT_HDR_DATA, "DATA", struct ckpt_hdr_data, 1, CKPT_DATA_MAX),
	CKPT_FIXED(CKPT_HDR_PIPE, "PIPE", struct ckpt_hdr_pipe),
	CKPT_FIXED(CKPT_HDR_EVENTFD, "EVENTFD", struct ckpt_hdr_eventfd),
	CKPT_FIXED(CKPT_HDR_SIGNALFD, "SIGNALFD", struct ckpt_hdr_signalfd),
	CKPT_FIXED(CKPT_HDR_TIMERFD, "TIMERFD", struct ckpt_hdr_timerfd),
	CKPT_VAR(CKPT_HDR_FILE_INODE, "FILE_INODE", struct ckpt_hdr_file_inode, 0, PATH_MAX),
	CKPT_FIXED(CKPT_HDR_UNIX, "UNIX", struct ckpt_hdr_unix),
	CKPT_FIXED(CKPT_HDR_INET, "INET", struct ckpt_hdr_inet),
	CKPT_VAR(CKPT_HDR_SOCKOPTS, "SOCKOPTS", struct ckpt_hdr_sockopts, 0,
		 CKPT_SOCKOPTS_MAX * sizeof(struct ckpt_sockopt)),
	CKPT_VAR(CKPT_HDR_EPOLL, "EPOLL", struct ckpt_hdr_epoll, 0,
		 CKPT_EPOLL_MAX_ITEMS * sizeof(struct ckpt_epoll_item)),
	CKPT_FIXED(CKPT_HDR_SIGHAND, "SIGHAND", struct ckpt_hdr_sighand),
	CKPT_FIXED(CKPT_HDR_SIGNAL, "SIGNAL", struct ckpt_hdr_signal),
	CKPT_FIXED(CKPT_HDR_SIGINFO, "SIGINFO", struct ckpt_hdr_siginfo),
	CKPT_FIXED(CKPT_HDR_POSIX_TIMER, "POSIX_TIMER", struct ckpt_hdr_posix_timer),
	CKPT_FIXED(CKPT_HDR_IPC_NS, "IPC_NS", struct ckpt_hdr_ipc_ns),
	CKPT_FIXED(CKPT_HDR_IPC_MSQ, "IPC_MSQ", struct ckpt_hdr_ipc_msq),
	CKPT_VAR(CKPT_HDR_IPC_MSG, "IPC_MSG", struct ckpt_hdr_ipc_msg, 0, CKPT_IPC_MSG_MAX),
	CKPT_VAR(CKPT_HDR_IPC_SEM, "IPC_SEM", struct ckpt_hdr_ipc_sem, sizeof(__s32),
		 CKPT_IPC_SEM_MAX * sizeof(__s32)),
	CKPT_FIXED(CKPT_HDR_IPC_SHM, "IPC_SHM", struct ckpt_hdr_ipc_shm),
	CKPT_FIXED(CKPT_HDR_IPC_UNDO_LIST, "IPC_UNDO_LIST", struct ckpt_hdr_ipc_undo_list),
	CKPT_VAR(CKPT_HDR_IPC_UNDO, "IPC_UNDO", struct ckpt_hdr_ipc_undo, sizeof(__s16),
		 CKPT_IPC_SEM_MAX * sizeof(__s16)),
	CKPT_FIXED(CKPT_HDR_TAIL, "TAIL", struct ckpt_hdr_tail),
	{
		.type = CKPT_HDR_ERROR,
		.name = "ERROR",
		.min_len = sizeof(struct ckpt_hdr_error) + CKPT_ALIGN,
		.max_len = sizeof(struct ckpt_hdr_error) + CKPT_ERROR_MSG_MAX,
	},
};

/* Every record layout is a whole number of alignment units */
static_assert(sizeof(struct ckpt_hdr) == CKPT_ALIGN);
static_assert(sizeof(struct ckpt_hdr_header) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_header_arch) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_tree) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_pids) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_task) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_creds) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_sched) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_tail) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_error) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_cpu) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_fpu) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_mm) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_vma) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_pages) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_fs) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_files) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_fd) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_data) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_pipe) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_eventfd) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_signalfd) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_timerfd) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_file_inode) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_epoll) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_epoll_item) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_unix) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_inet) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_sockopts) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_sockopt) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_sighand) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_signal) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_siginfo) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_posix_timer) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_ipc_perm) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_ipc_ns) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_ipc_msq) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_ipc_msg) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_ipc_sem) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_ipc_shm) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_ipc_undo_list) % CKPT_ALIGN == 0);
static_assert(sizeof(struct ckpt_hdr_ipc_undo) % CKPT_ALIGN == 0);
static_assert(CKPT_ERROR_MSG_MAX % CKPT_ALIGN == 0);

/**
 * ckpt_record_desc - look up a record type
 * @type: CKPT_HDR_* value, possibly read from an untrusted image
 *
 * Return: the table entry for @type, or NULL for an unknown type.
 */
const struct ckpt_record_desc *ckpt_record_desc(u32 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_records); i++)
		if (ckpt_records[i].type == type)
			return &ckpt_records[i];
	return NULL;
}

/**
 * ckpt_record_name - printable name of a record type
 * @type: CKPT_HDR_* value
 *
 * Return: the name, or "UNKNOWN" for a type not in the table.
 */
const char *ckpt_record_name(u32 type)
{
	const struct ckpt_record_desc *desc = ckpt_record_desc(type);

	return desc ? desc->name : "UNKNOWN";
}

/**
 * ckpt_record_check_len - check a record length read from an image
 * @type: CKPT_HDR_* value
 * @len: length from the record header, header included
 *
 * Return: 0 if a record of @type may be @len bytes long, -EINVAL if not
 * (unknown type, misaligned, or outside the bounds of the type).
 */
int ckpt_record_check_len(u32 type, u32 len)
{
	const struct ckpt_record_desc *desc = ckpt_record_desc(type);

	if (!desc || len % CKPT_ALIGN)
		return -EINVAL;
	if (len < desc->min_len || len > desc->max_len)
		return -EINVAL;
	return 0;
}
