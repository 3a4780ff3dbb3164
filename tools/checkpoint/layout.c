// SPDX-License-Identifier: GPL-2.0
/*
 * The layout of every record of a checkpoint image, field by field, from
 * the uapi headers: see layout.h.
 *
 * Each record has a table of its fields, in the order of its structure
 * and starting with its header (h.type, h.len), written with the macros
 * below: the member is named once, its offset and size come from
 * offsetof() and sizeof(). An array of integers is one line ("auxv[]"),
 * an array of structures one line per member ("rlim[].cur"), and so is
 * the array that ends a record ("groups[]", "pids[].vpid"). A character
 * or byte array of fixed size is one field ("comm"). ckpt_layout_check()
 * proves that the lines of a record cover every byte of it once.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/checkpoint_hdr.h>

#include "layout.h"

/* GNU C predefines unix as 1: here it is the name of a record */
#undef unix

#define NELEMS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * PAGE_DATA has no structure of its own in the uapi header: it is a
 * struct ckpt_hdr followed by the contents of the pages
 */
struct ckpt_hdr_page_data {
	struct ckpt_hdr h;
	__u8 data[];
};

/* The structure of a record: struct ckpt_hdr_##s */
#define REC(s)			struct ckpt_hdr_##s
/* Bytes of member ... of @type */
#define MSIZE(type, ...)	sizeof(((type *)0)->__VA_ARGS__)
/* Elements of array member ... of @type */
#define NELEM(type, ...)	(MSIZE(type, __VA_ARGS__) / MSIZE(type, __VA_ARGS__[0]))
/* Offset and size of member ... of @type */
#define AT(type, ...)		.off = offsetof(type, __VA_ARGS__), .size = MSIZE(type, __VA_ARGS__)

/*
 * The elements of array ... of @type (or member @m of its elements), and
 * the bytes from one to the next; for the trailing array, count 0: as
 * many as the length of the record holds
 */
#define ARRAY_AT(type, ...)	AT(type, __VA_ARGS__[0]), .count = NELEM(type, __VA_ARGS__), \
				.stride = MSIZE(type, __VA_ARGS__[0])
#define SUB_AT(type, m, ...)	AT(type, __VA_ARGS__[0].m), .count = NELEM(type, __VA_ARGS__), \
				.stride = MSIZE(type, __VA_ARGS__[0])
#define TRAIL_AT(type, ...)	AT(type, __VA_ARGS__[0]), .count = 0, \
				.stride = MSIZE(type, __VA_ARGS__[0])
#define TSUB_AT(type, m, ...)	AT(type, __VA_ARGS__[0].m), .count = 0, \
				.stride = MSIZE(type, __VA_ARGS__[0])

/* How a value is shown: u unsigned, s signed, x hexadecimal */
#define FMT_u			.is_signed = 0, .hex = 0
#define FMT_s			.is_signed = 1, .hex = 0
#define FMT_x			.is_signed = 0, .hex = 1

/*
 * The lines of the tables: record @s, kind @k (CKPT_FK_##k), format @f,
 * member @m
 */
#define KF(k, f)		.kind = CKPT_FK_##k, FMT_##f
/* a member */
#define F(s, k, f, m)		{ .name = #m, AT(REC(s), m), .count = 1, KF(k, f) }
/* an array member whose elements are fields ("auxv[]") */
#define A(s, k, f, a)		{ .name = #a "[]", ARRAY_AT(REC(s), a), KF(k, f) }
/* member @m of the structures of array @a ("rlim[].cur") */
#define SUB(s, k, f, a, m)	{ .name = #a "[]." #m, SUB_AT(REC(s), m, a), KF(k, f) }
/* the trailing array @a ("groups[]") */
#define T(s, k, f, a)		{ .name = #a "[]", TRAIL_AT(REC(s), a), KF(k, f) }
/* member @m of the structures of the trailing array @a ("pids[].vpid") */
#define TSUB(s, k, f, a, m)	{ .name = #a "[]." #m, TSUB_AT(REC(s), m, a), KF(k, f) }

static const struct ckpt_field header_fields[] = {
	F(header, NUM, u, h.type), F(header, LEN, u, h.len),
	F(header, MAGIC, x, magic),
	F(header, MAGIC, u, version),
	F(header, MAGIC, u, arch),
	F(header, MAGIC, u, page_size),
	F(header, RESERVED, u, _reserved),
	F(header, FLAGS, x, flags),
	F(header, ID, u, crid),
	F(header, TIME, s, time),
	F(header, STR, u, release),
};

static const struct ckpt_field header_arch_fields[] = {
	F(header_arch, NUM, u, h.type), F(header_arch, LEN, u, h.len),
	F(header_arch, FLAGS, x, xfeatures),
	F(header_arch, LEN, u, xstate_size),
	F(header_arch, RESERVED, u, _reserved),
};

static const struct ckpt_field tree_fields[] = {
	F(tree, NUM, u, h.type), F(tree, LEN, u, h.len),
	F(tree, LEN, u, nr_tasks),
	F(tree, FLAGS, x, flags),
	TSUB(tree, ID, s, pids, vpid),
	TSUB(tree, ID, s, pids, vtgid),
	TSUB(tree, ID, s, pids, vppid),
	TSUB(tree, ID, s, pids, vpgid),
	TSUB(tree, ID, s, pids, vsid),
	TSUB(tree, NUM, u, pids, depth),
	TSUB(tree, FLAGS, x, pids, flags),
	TSUB(tree, NUM, s, pids, exit_code),
};

static const struct ckpt_field task_fields[] = {
	F(task, NUM, u, h.type), F(task, LEN, u, h.len),
	F(task, FLAGS, x, personality),
	F(task, NUM, s, exit_signal),
	F(task, NUM, s, pdeath_signal),
	F(task, RESERVED, u, _reserved),
	F(task, STR, u, comm),
	F(task, ADDR, x, set_child_tid),
	F(task, ADDR, x, clear_child_tid),
	F(task, ADDR, x, robust_list),
	F(task, LEN, u, robust_list_len),
	F(task, ADDR, x, rseq),
	F(task, LEN, u, rseq_len),
	F(task, NUM, x, rseq_sig),
	F(task, ADDR, x, sas_ss_sp),
	F(task, LEN, u, sas_ss_size),
	F(task, FLAGS, x, sas_ss_flags),
	F(task, LEN, u, nr_rlimits),
	SUB(task, NUM, u, rlim, cur),
	SUB(task, NUM, u, rlim, max),
	F(task, NUM, u, restart_kind),
	F(task, NUM, s, restart_clockid),
	F(task, TIME, s, restart_left_ns),
	F(task, ADDR, x, restart_uaddr),
	F(task, NUM, u, restart_val),
	F(task, FLAGS, x, restart_bitset),
	F(task, FLAGS, x, restart_op),
	F(task, RESERVED, u, _reserved2),
};

static const struct ckpt_field creds_fields[] = {
	F(creds, NUM, u, h.type), F(creds, LEN, u, h.len),
	F(creds, ID, u, uid),
	F(creds, ID, u, euid),
	F(creds, ID, u, suid),
	F(creds, ID, u, fsuid),
	F(creds, ID, u, gid),
	F(creds, ID, u, egid),
	F(creds, ID, u, sgid),
	F(creds, ID, u, fsgid),
	F(creds, FLAGS, x, cap_inheritable),
	F(creds, FLAGS, x, cap_permitted),
	F(creds, FLAGS, x, cap_effective),
	F(creds, FLAGS, x, cap_bset),
	F(creds, FLAGS, x, cap_ambient),
	F(creds, FLAGS, x, securebits),
	F(creds, FLAGS, x, flags),
	F(creds, LEN, u, nr_groups),
	F(creds, RESERVED, u, _reserved),
	T(creds, ID, u, groups),
};

static const struct ckpt_field cpu_fields[] = {
	F(cpu, NUM, u, h.type), F(cpu, LEN, u, h.len),
	F(cpu, BYTES, x, r15),
	F(cpu, BYTES, x, r14),
	F(cpu, BYTES, x, r13),
	F(cpu, BYTES, x, r12),
	F(cpu, BYTES, x, bp),
	F(cpu, BYTES, x, bx),
	F(cpu, BYTES, x, r11),
	F(cpu, BYTES, x, r10),
	F(cpu, BYTES, x, r9),
	F(cpu, BYTES, x, r8),
	F(cpu, BYTES, x, ax),
	F(cpu, BYTES, x, cx),
	F(cpu, BYTES, x, dx),
	F(cpu, BYTES, x, si),
	F(cpu, BYTES, x, di),
	F(cpu, ADDR, x, ip),
	F(cpu, FLAGS, x, flags),
	F(cpu, ADDR, x, sp),
	F(cpu, ADDR, x, fs_base),
	F(cpu, ADDR, x, gs_base),
	F(cpu, NUM, x, cs),
	F(cpu, NUM, x, ss),
	F(cpu, NUM, x, ds),
	F(cpu, NUM, x, es),
	F(cpu, NUM, x, fs),
	F(cpu, NUM, x, gs),
	A(cpu, RESERVED, u, _reserved),
};

static const struct ckpt_field fpu_fields[] = {
	F(fpu, NUM, u, h.type), F(fpu, LEN, u, h.len),
	F(fpu, LEN, u, size),
	F(fpu, RESERVED, u, _reserved),
	T(fpu, BYTES, x, xstate),
};

static const struct ckpt_field mm_fields[] = {
	F(mm, NUM, u, h.type), F(mm, LEN, u, h.len),
	F(mm, ADDR, x, start_code),
	F(mm, ADDR, x, end_code),
	F(mm, ADDR, x, start_data),
	F(mm, ADDR, x, end_data),
	F(mm, ADDR, x, start_brk),
	F(mm, ADDR, x, brk),
	F(mm, ADDR, x, start_stack),
	F(mm, ADDR, x, arg_start),
	F(mm, ADDR, x, arg_end),
	F(mm, ADDR, x, env_start),
	F(mm, ADDR, x, env_end),
	F(mm, LEN, u, nr_vmas),
	F(mm, LEN, u, nr_auxv),
	A(mm, NUM, x, auxv),
	F(mm, NUM, u, dumpable),
	F(mm, FLAGS, x, flags),
	F(mm, LEN, u, exe_len),
	F(mm, REF, u, objref),
	T(mm, STR, u, exe),
};

static const struct ckpt_field vma_fields[] = {
	F(vma, NUM, u, h.type), F(vma, LEN, u, h.len),
	F(vma, ADDR, x, start),
	F(vma, ADDR, x, end),
	F(vma, NUM, u, pgoff),
	F(vma, NUM, u, kind),
	F(vma, FLAGS, x, flags),
	F(vma, LEN, u, nr_pages),
	F(vma, LEN, u, path_len),
	F(vma, ID, s, shmid),
	F(vma, FLAGS, x, advice),
	F(vma, RESERVED, u, _reserved),
	T(vma, STR, u, path),
};

static const struct ckpt_field pages_fields[] = {
	F(pages, NUM, u, h.type), F(pages, LEN, u, h.len),
	F(pages, LEN, u, nr_pages),
	F(pages, RESERVED, u, _reserved),
	T(pages, ADDR, x, addr),
};

static const struct ckpt_field page_data_fields[] = {
	F(page_data, NUM, u, h.type), F(page_data, LEN, u, h.len),
	T(page_data, BYTES, x, data),
};

static const struct ckpt_field fs_fields[] = {
	F(fs, NUM, u, h.type), F(fs, LEN, u, h.len),
	F(fs, REF, u, objref),
	F(fs, FLAGS, x, flags),
	F(fs, NUM, x, umask),
	F(fs, LEN, u, cwd_len),
	T(fs, STR, u, cwd),
};

static const struct ckpt_field files_fields[] = {
	F(files, NUM, u, h.type), F(files, LEN, u, h.len),
	F(files, REF, u, objref),
	F(files, FLAGS, x, flags),
	F(files, LEN, u, nr_fds),
	F(files, RESERVED, u, _reserved),
};

static const struct ckpt_field fd_fields[] = {
	F(fd, NUM, u, h.type), F(fd, LEN, u, h.len),
	F(fd, ID, s, fd),
	F(fd, NUM, u, kind),
	F(fd, NUM, u, cloexec),
	F(fd, REF, u, objref),
	F(fd, FLAGS, x, f_flags),
	F(fd, NUM, x, rdev),
	F(fd, NUM, s, pos),
	F(fd, LEN, u, path_len),
	F(fd, RESERVED, u, _reserved),
	T(fd, STR, u, path),
};

static const struct ckpt_field data_fields[] = {
	F(data, NUM, u, h.type), F(data, LEN, u, h.len),
	F(data, NUM, u, offset),
	F(data, LEN, u, len),
	F(data, RESERVED, u, _reserved),
	T(data, BYTES, x, data),
};

static const struct ckpt_field pipe_fields[] = {
	F(pipe, NUM, u, h.type), F(pipe, LEN, u, h.len),
	F(pipe, REF, u, objref),
	F(pipe, LEN, u, size),
	F(pipe, LEN, u, data_len),
	F(pipe, RESERVED, u, _reserved),
};

static const struct ckpt_field eventfd_fields[] = {
	F(eventfd, NUM, u, h.type), F(eventfd, LEN, u, h.len),
	F(eventfd, NUM, u, count),
	F(eventfd, FLAGS, x, flags),
	F(eventfd, RESERVED, u, _reserved),
};

static const struct ckpt_field signalfd_fields[] = {
	F(signalfd, NUM, u, h.type), F(signalfd, LEN, u, h.len),
	F(signalfd, FLAGS, x, mask),
};

static const struct ckpt_field timerfd_fields[] = {
	F(timerfd, NUM, u, h.type), F(timerfd, LEN, u, h.len),
	F(timerfd, NUM, s, clockid),
	F(timerfd, FLAGS, x, settime_flags),
	F(timerfd, NUM, u, ticks),
	F(timerfd, TIME, s, value_ns),
	F(timerfd, TIME, s, interval_ns),
};

static const struct ckpt_field file_inode_fields[] = {
	F(file_inode, NUM, u, h.type), F(file_inode, LEN, u, h.len),
	F(file_inode, REF, u, objref),
	F(file_inode, NUM, x, mode),
	F(file_inode, LEN, u, size),
	F(file_inode, FLAGS, x, seals),
	F(file_inode, LEN, u, nr_data),
	F(file_inode, LEN, u, name_len),
	F(file_inode, RESERVED, u, _reserved),
	T(file_inode, STR, u, name),
};

static const struct ckpt_field epoll_fields[] = {
	F(epoll, NUM, u, h.type), F(epoll, LEN, u, h.len),
	F(epoll, LEN, u, nr_items),
	F(epoll, RESERVED, u, _reserved),
	TSUB(epoll, ID, s, items, fd),
	TSUB(epoll, FLAGS, x, items, events),
	TSUB(epoll, NUM, x, items, data),
};

static const struct ckpt_field unix_fields[] = {
	F(unix, NUM, u, h.type), F(unix, LEN, u, h.len),
	F(unix, REF, u, objref),
	F(unix, REF, u, peer),
	F(unix, NUM, u, type),
	F(unix, NUM, u, state),
	F(unix, FLAGS, x, shutdown),
	F(unix, NUM, u, backlog),
	F(unix, NUM, u, sndbuf),
	F(unix, NUM, u, rcvbuf),
	F(unix, LEN, u, nr_msgs),
	F(unix, LEN, u, addr_len),
	F(unix, STR, u, addr),
	F(unix, ID, s, peer_pid),
	F(unix, RESERVED, u, _reserved),
};

static const struct ckpt_field sched_fields[] = {
	F(sched, NUM, u, h.type), F(sched, LEN, u, h.len),
	F(sched, NUM, u, policy),
	F(sched, FLAGS, x, flags),
	F(sched, NUM, s, nice),
	F(sched, NUM, u, rt_priority),
	F(sched, TIME, u, dl_runtime),
	F(sched, TIME, u, dl_deadline),
	F(sched, TIME, u, dl_period),
	F(sched, TIME, u, timer_slack_ns),
	F(sched, NUM, s, oom_score_adj),
	F(sched, LEN, u, nr_cpus),
	T(sched, FLAGS, x, cpus),
};

static const struct ckpt_field sockopts_fields[] = {
	F(sockopts, NUM, u, h.type), F(sockopts, LEN, u, h.len),
	F(sockopts, LEN, u, nr),
	F(sockopts, RESERVED, u, _reserved),
	TSUB(sockopts, NUM, s, opts, level),
	TSUB(sockopts, NUM, s, opts, name),
	TSUB(sockopts, LEN, u, opts, len),
	TSUB(sockopts, RESERVED, u, opts, _reserved),
	TSUB(sockopts, BYTES, x, opts, val),
};

static const struct ckpt_field inet_fields[] = {
	F(inet, NUM, u, h.type), F(inet, LEN, u, h.len),
	F(inet, NUM, u, family),
	F(inet, NUM, u, type),
	F(inet, NUM, u, protocol),
	F(inet, NUM, u, state),
	F(inet, FLAGS, x, flags),
	F(inet, NUM, u, backlog),
	F(inet, NUM, u, sndbuf),
	F(inet, NUM, u, rcvbuf),
	F(inet, BYTES, x, addr),
	F(inet, BYTES, x, peer),
	F(inet, NUM, u, port),
	F(inet, NUM, u, peer_port),
	F(inet, RESERVED, u, _reserved),
};

static const struct ckpt_field sighand_fields[] = {
	F(sighand, NUM, u, h.type), F(sighand, LEN, u, h.len),
	F(sighand, LEN, u, nr),
	F(sighand, REF, u, objref),
	SUB(sighand, ADDR, x, action, handler),
	SUB(sighand, FLAGS, x, action, flags),
	SUB(sighand, ADDR, x, action, restorer),
	SUB(sighand, FLAGS, x, action, mask),
};

static const struct ckpt_field signal_fields[] = {
	F(signal, NUM, u, h.type), F(signal, LEN, u, h.len),
	F(signal, FLAGS, x, blocked),
	F(signal, TIME, u, real_value_ns),
	F(signal, TIME, u, real_interval_ns),
	F(signal, LEN, u, nr_pending),
	F(signal, NUM, u, stop_signal),
	F(signal, TIME, u, virt_value_ns),
	F(signal, TIME, u, virt_interval_ns),
	F(signal, TIME, u, prof_value_ns),
	F(signal, TIME, u, prof_interval_ns),
	F(signal, LEN, u, nr_timers),
	F(signal, ID, u, next_timer_id),
};

static const struct ckpt_field siginfo_fields[] = {
	F(siginfo, NUM, u, h.type), F(siginfo, LEN, u, h.len),
	F(siginfo, NUM, u, shared),
	F(siginfo, RESERVED, u, _reserved),
	F(siginfo, BYTES, x, info),
};

static const struct ckpt_field posix_timer_fields[] = {
	F(posix_timer, NUM, u, h.type), F(posix_timer, LEN, u, h.len),
	F(posix_timer, ID, s, id),
	F(posix_timer, NUM, s, clockid),
	F(posix_timer, NUM, s, notify),
	F(posix_timer, NUM, s, signo),
	F(posix_timer, NUM, x, value),
	F(posix_timer, ID, s, tid),
	F(posix_timer, FLAGS, x, flags),
	F(posix_timer, TIME, s, value_ns),
	F(posix_timer, TIME, s, interval_ns),
	F(posix_timer, NUM, s, overrun),
	F(posix_timer, NUM, s, overrun_last),
};

static const struct ckpt_field ipc_ns_fields[] = {
	F(ipc_ns, NUM, u, h.type), F(ipc_ns, LEN, u, h.len),
	F(ipc_ns, LEN, u, nr_msq),
	F(ipc_ns, LEN, u, nr_sem),
	F(ipc_ns, LEN, u, nr_shm),
	F(ipc_ns, RESERVED, u, _reserved),
};

static const struct ckpt_field ipc_msq_fields[] = {
	F(ipc_msq, NUM, u, h.type), F(ipc_msq, LEN, u, h.len),
	F(ipc_msq, ID, s, perm.id),
	F(ipc_msq, ID, s, perm.key),
	F(ipc_msq, ID, u, perm.uid),
	F(ipc_msq, ID, u, perm.gid),
	F(ipc_msq, ID, u, perm.cuid),
	F(ipc_msq, ID, u, perm.cgid),
	F(ipc_msq, NUM, x, perm.mode),
	F(ipc_msq, RESERVED, u, perm._reserved),
	F(ipc_msq, TIME, s, stime),
	F(ipc_msq, TIME, s, rtime),
	F(ipc_msq, TIME, s, ctime),
	F(ipc_msq, NUM, u, qbytes),
	F(ipc_msq, LEN, u, cbytes),
	F(ipc_msq, LEN, u, nr_msgs),
	F(ipc_msq, RESERVED, u, _reserved),
};

static const struct ckpt_field ipc_msg_fields[] = {
	F(ipc_msg, NUM, u, h.type), F(ipc_msg, LEN, u, h.len),
	F(ipc_msg, NUM, s, mtype),
	F(ipc_msg, LEN, u, len),
	F(ipc_msg, RESERVED, u, _reserved),
	T(ipc_msg, BYTES, x, text),
};

static const struct ckpt_field ipc_sem_fields[] = {
	F(ipc_sem, NUM, u, h.type), F(ipc_sem, LEN, u, h.len),
	F(ipc_sem, ID, s, perm.id),
	F(ipc_sem, ID, s, perm.key),
	F(ipc_sem, ID, u, perm.uid),
	F(ipc_sem, ID, u, perm.gid),
	F(ipc_sem, ID, u, perm.cuid),
	F(ipc_sem, ID, u, perm.cgid),
	F(ipc_sem, NUM, x, perm.mode),
	F(ipc_sem, RESERVED, u, perm._reserved),
	F(ipc_sem, TIME, s, otime),
	F(ipc_sem, TIME, s, ctime),
	F(ipc_sem, LEN, u, nsems),
	F(ipc_sem, RESERVED, u, _reserved),
	T(ipc_sem, NUM, s, semval),
};

static const struct ckpt_field ipc_shm_fields[] = {
	F(ipc_shm, NUM, u, h.type), F(ipc_shm, LEN, u, h.len),
	F(ipc_shm, ID, s, perm.id),
	F(ipc_shm, ID, s, perm.key),
	F(ipc_shm, ID, u, perm.uid),
	F(ipc_shm, ID, u, perm.gid),
	F(ipc_shm, ID, u, perm.cuid),
	F(ipc_shm, ID, u, perm.cgid),
	F(ipc_shm, NUM, x, perm.mode),
	F(ipc_shm, RESERVED, u, perm._reserved),
	F(ipc_shm, TIME, s, atime),
	F(ipc_shm, TIME, s, dtime),
	F(ipc_shm, TIME, s, ctime),
	F(ipc_shm, LEN, u, size),
	F(ipc_shm, LEN, u, nr_pages),
};

static const struct ckpt_field ipc_undo_list_fields[] = {
	F(ipc_undo_list, NUM, u, h.type), F(ipc_undo_list, LEN, u, h.len),
	F(ipc_undo_list, LEN, u, nr_undos),
	F(ipc_undo_list, RESERVED, u, _reserved),
};

static const struct ckpt_field ipc_undo_fields[] = {
	F(ipc_undo, NUM, u, h.type), F(ipc_undo, LEN, u, h.len),
	F(ipc_undo, ID, s, semid),
	F(ipc_undo, LEN, u, nsems),
	T(ipc_undo, NUM, s, semadj),
};

static const struct ckpt_field tail_fields[] = {
	F(tail, NUM, u, h.type), F(tail, LEN, u, h.len),
	F(tail, MAGIC, x, magic),
	F(tail, LEN, u, length),
	F(tail, LEN, u, nr_records),
	F(tail, NUM, x, crc32c),
};

static const struct ckpt_field error_fields[] = {
	F(error, NUM, u, h.type), F(error, LEN, u, h.len),
	F(error, NUM, s, error),
	F(error, LEN, u, msg_len),
	T(error, STR, u, msg),
};

/* The sizes of @type and of an entry of its trailing array ... */
#define SIZES(type, ...)	.size = sizeof(type), .elem_size = MSIZE(type, __VA_ARGS__[0])

/* A record of type CKPT_HDR_##t, struct ckpt_hdr_##s, with no trailing array */
#define FIXED(t, s)	{ .type = CKPT_HDR_##t, .name = #t, .size = sizeof(REC(s)), \
			  .fields = s##_fields, .nr_fields = NELEMS(s##_fields) }
/* The same with the trailing array @a */
#define VAR(t, s, a)	{ .type = CKPT_HDR_##t, .name = #t, SIZES(REC(s), a), \
			  .fields = s##_fields, .nr_fields = NELEMS(s##_fields) }

/* In the order of the uapi header */
const struct ckpt_layout ckpt_layouts[] = {
	FIXED(HEADER, header),
	FIXED(HEADER_ARCH, header_arch),
	VAR(TREE, tree, pids),
	FIXED(TASK, task),
	VAR(CREDS, creds, groups),
	VAR(SCHED, sched, cpus),
	FIXED(CPU, cpu),
	VAR(FPU, fpu, xstate),
	VAR(MM, mm, exe),
	VAR(VMA, vma, path),
	VAR(PAGES, pages, addr),
	VAR(PAGE_DATA, page_data, data),
	VAR(FS, fs, cwd),
	FIXED(FILES, files),
	VAR(FD, fd, path),
	VAR(DATA, data, data),
	FIXED(PIPE, pipe),
	FIXED(EVENTFD, eventfd),
	FIXED(SIGNALFD, signalfd),
	FIXED(TIMERFD, timerfd),
	VAR(FILE_INODE, file_inode, name),
	VAR(EPOLL, epoll, items),
	FIXED(UNIX, unix),
	FIXED(INET, inet),
	VAR(SOCKOPTS, sockopts, opts),
	FIXED(SIGHAND, sighand),
	FIXED(SIGNAL, signal),
	FIXED(SIGINFO, siginfo),
	FIXED(POSIX_TIMER, posix_timer),
	FIXED(IPC_NS, ipc_ns),
	FIXED(IPC_MSQ, ipc_msq),
	VAR(IPC_MSG, ipc_msg, text),
	VAR(IPC_SEM, ipc_sem, semval),
	FIXED(IPC_SHM, ipc_shm),
	FIXED(IPC_UNDO_LIST, ipc_undo_list),
	VAR(IPC_UNDO, ipc_undo, semadj),
	FIXED(TAIL, tail),
	VAR(ERROR, error, msg),
};

const unsigned int ckpt_nr_layouts = NELEMS(ckpt_layouts);

const struct ckpt_layout *ckpt_layout_of(uint32_t type)
{
	unsigned int i;

	for (i = 0; i < ckpt_nr_layouts; i++)
		if (ckpt_layouts[i].type == type)
			return &ckpt_layouts[i];
	return NULL;
}

const struct ckpt_layout *ckpt_layout_named(const char *name)
{
	unsigned int i;

	for (i = 0; i < ckpt_nr_layouts; i++)
		if (!strcmp(ckpt_layouts[i].name, name))
			return &ckpt_layouts[i];
	return NULL;
}

static const struct ckpt_field *field_exact(const struct ckpt_layout *l, const char *name)
{
	unsigned int i;

	for (i = 0; i < l->nr_fields; i++)
		if (!strcmp(l->fields[i].name, name))
			return &l->fields[i];
	return NULL;
}

const struct ckpt_field *ckpt_field_named(const struct ckpt_layout *l, const char *name,
					  uint32_t *index)
{
	const char *open = strchr(name, '['), *digits = open + 1;
	unsigned long n;
	char buf[128];
	char *end;

	*index = 0;
	if (!open || open[1] == ']')
		return field_exact(l, name);
	/* "rlim[7].max": the field "rlim[].max", element 7 */
	if (*digits < '0' || *digits > '9')
		return NULL;
	errno = 0;
	n = strtoul(digits, &end, 10);
	if (*end != ']' || errno || n > UINT32_MAX ||
	    snprintf(buf, sizeof(buf), "%.*s[]%s", (int)(open - name), name, end + 1) >=
	    (int)sizeof(buf))
		return NULL;
	*index = n;
	return field_exact(l, buf);
}

long ckpt_field_offset(const struct ckpt_field *f, const struct ckpt_layout *l,
		       uint32_t len, uint32_t index)
{
	uint64_t nr = f->count, off;

	if (!f->count)	/* the trailing array: the entries the length holds */
		nr = l->elem_size && len >= l->size ? (len - l->size) / l->elem_size : 0;
	if (index >= nr)
		return -1;
	off = f->off + (uint64_t)index * f->stride;
	if (off + f->size > len)
		return -1;
	return off;
}

uint64_t ckpt_field_get(const void *rec, long off, uint32_t size)
{
	const uint8_t *p = (const uint8_t *)rec + off;
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < size && i < sizeof(v); i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void ckpt_field_set(void *rec, long off, uint32_t size, uint64_t v)
{
	uint8_t *p = (uint8_t *)rec + off;
	uint32_t i;

	for (i = 0; i < size && i < sizeof(v); i++)
		p[i] = v >> (8 * i);
}

static const char *const fkind_names[CKPT_NR_FKINDS] = {
	[CKPT_FK_NUM] = "num",
	[CKPT_FK_LEN] = "len",
	[CKPT_FK_FLAGS] = "flags",
	[CKPT_FK_ADDR] = "addr",
	[CKPT_FK_REF] = "ref",
	[CKPT_FK_ID] = "id",
	[CKPT_FK_TIME] = "time",
	[CKPT_FK_STR] = "str",
	[CKPT_FK_BYTES] = "bytes",
	[CKPT_FK_RESERVED] = "reserved",
	[CKPT_FK_MAGIC] = "magic",
};

const char *ckpt_fkind_name(unsigned int kind)
{
	return kind < CKPT_NR_FKINDS && fkind_names[kind] ? fkind_names[kind] : "unknown";
}

/* Report a fault of layout @l on @err; returns 1, to be added to the count */
static int fault(FILE *err, const struct ckpt_layout *l, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, "layout %s: ", l->name ? l->name : "(no name)");
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	return 1;
}

static bool is_integer_kind(unsigned int kind)
{
	return kind != CKPT_FK_STR && kind != CKPT_FK_BYTES;
}

/* Where the elements of @f are: in the fixed part, or in one trailing entry */
static int check_field_place(FILE *err, const struct ckpt_layout *l, const struct ckpt_field *f)
{
	uint64_t end = f->off + (uint64_t)(f->count ? f->count - 1 : 0) * f->stride + f->size;

	if (f->count > 1 && f->stride < f->size)
		return fault(err, l, "%s: elements %u bytes apart overlap", f->name, f->stride);
	if (f->count)
		return end > l->size ? fault(err, l, "%s: ends at %llu, after the fixed part (%u)",
					     f->name, (unsigned long long)end, l->size) : 0;
	if (!l->elem_size)
		return fault(err, l, "%s: in a trailing array, but the record has none", f->name);
	if (f->stride != l->elem_size)
		return fault(err, l, "%s: elements %u bytes apart, entries are %u", f->name,
			     f->stride, l->elem_size);
	if (f->off < l->size || end > (uint64_t)l->size + l->elem_size)
		return fault(err, l, "%s: not within the first trailing entry", f->name);
	return 0;
}

static int check_field(FILE *err, const struct ckpt_layout *l, const struct ckpt_field *f)
{
	bool array = strchr(f->name, '['), single = f->count == 1;

	if (f->kind >= CKPT_NR_FKINDS)
		return fault(err, l, "%s: unknown kind %u", f->name, f->kind);
	if (!f->size)
		return fault(err, l, "%s: no size", f->name);
	if ((is_integer_kind(f->kind) || f->is_signed) &&
	    f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return fault(err, l, "%s: an integer of %u bytes", f->name, f->size);
	if (array == single)
		return fault(err, l, "%s: %u elements, and the name %s", f->name, f->count,
			     array ? "of an array" : "of a single field");
	return check_field_place(err, l, f);
}

/* Count in @map (@n bytes) the bytes each element of @f covers from @base */
static void cover(uint8_t *map, uint32_t n, const struct ckpt_field *f, uint32_t base,
		  uint32_t nr)
{
	uint64_t off;
	uint32_t i, b;

	for (i = 0; i < nr; i++) {
		off = f->off - base + (uint64_t)i * f->stride;
		for (b = 0; b < f->size && off + b < n; b++)
			if (map[off + b] < UINT8_MAX)
				map[off + b]++;
	}
}

/* Faults for each run of bytes of @map not covered exactly once */
static int check_cover(FILE *err, const struct ckpt_layout *l, const uint8_t *map, uint32_t n,
		       const char *part)
{
	uint32_t i, start;
	int faults = 0;

	for (i = 0; i < n; i++) {
		if (map[i] == 1)
			continue;
		for (start = i; i + 1 < n && map[i + 1] == map[start]; i++)
			;
		faults += fault(err, l, "%s bytes %u..%u are in %u fields", part, start, i,
				map[start]);
	}
	return faults;
}

/* Every byte of the fixed part and of a trailing entry in exactly one field */
static int check_coverage(FILE *err, const struct ckpt_layout *l)
{
	uint8_t *fixed = calloc(1, l->size + 1), *entry = calloc(1, l->elem_size + 1);
	const struct ckpt_field *f;
	unsigned int i;
	int faults;

	if (!fixed || !entry) {
		free(fixed);
		free(entry);
		return fault(err, l, "out of memory");
	}
	for (i = 0; i < l->nr_fields; i++) {
		f = &l->fields[i];
		if (f->count)
			cover(fixed, l->size, f, 0, f->count);
		else
			cover(entry, l->elem_size, f, l->size, 1);
	}
	faults = check_cover(err, l, fixed, l->size, "fixed part");
	faults += check_cover(err, l, entry, l->elem_size, "trailing entry");
	free(fixed);
	free(entry);
	return faults;
}

static int check_layout(FILE *err, const struct ckpt_layout *l)
{
	unsigned int i, j;
	int faults = 0;

	if (!l->name || !l->fields || !l->nr_fields)
		return fault(err, l, "type %u has no name or no fields", l->type);
	if (l->size < sizeof(struct ckpt_hdr) || l->size % CKPT_ALIGN)
		faults += fault(err, l, "fixed part of %u bytes", l->size);
	for (i = 0; i < l->nr_fields; i++) {
		if (!l->fields[i].name) {
			faults += fault(err, l, "field %u has no name", i);
			continue;
		}
		faults += check_field(err, l, &l->fields[i]);
		for (j = 0; j < i; j++)
			if (l->fields[j].name && !strcmp(l->fields[i].name, l->fields[j].name))
				faults += fault(err, l, "two fields named %s", l->fields[i].name);
	}
	return faults ? faults : check_coverage(err, l);
}

int ckpt_layout_check(FILE *err)
{
	const struct ckpt_layout *l;
	unsigned int i, j;
	int faults = 0;

	for (i = 0; i < ckpt_nr_layouts; i++) {
		l = &ckpt_layouts[i];
		faults += check_layout(err, l);
		for (j = 0; j < i; j++)
			if (ckpt_layouts[j].type == l->type ||
			    (l->name && !strcmp(ckpt_layouts[j].name, l->name)))
				faults += fault(err, l, "type %u or name again", l->type);
	}
	for (i = 0; i < CKPT_NR_FKINDS; i++)
		if (!fkind_names[i]) {
			fprintf(err, "layout: kind %u has no name\n", i);
			faults++;
		}
	return faults;
}
