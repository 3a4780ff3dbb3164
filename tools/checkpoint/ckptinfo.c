// SPDX-License-Identifier: GPL-2.0
/*
 * ckptinfo - decode and check a checkpoint image.
 *
 *   ckptinfo [--json] [IMAGE|-]
 *
 * Prints every record of the image, checks its structure, lengths and
 * checksum the way restart(2) does, and says whether the image is valid.
 * Needs no kernel support: it runs on any machine.
 *
 * Exit status: 0 valid image, 1 invalid image (or the image of a failed
 * checkpoint), 2 usage error or unreadable file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/checkpoint.h>
#include <linux/checkpoint_hdr.h>

#include "common.h"

#define MAX_RECORD	(64U << 20)	/* larger than any record restart accepts */

struct image {
	FILE *f;
	bool json;
	uint64_t pos;		/* offset of the next record */
	uint32_t nr;		/* records before the next one */
	uint32_t crc;		/* running crc32c of the bytes read */
	int nr_json;		/* records printed in JSON so far */
	char err[512];		/* why the image is invalid */
	bool failed_ckpt;	/* the image holds an ERROR record */
	unsigned int page_size;	/* from the header */
	bool csum_pages;	/* the checksum covers page contents (header flags) */
	unsigned int data_pages; /* pages the next PAGE_DATA must hold */
	unsigned long long vma_pages;	/* pages the VMAs announce */
};

static void invalid(struct image *img, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (img->err[0])
		return;
	n = snprintf(img->err, sizeof(img->err), "offset %llu: ", (unsigned long long)img->pos);
	va_start(ap, fmt);
	vsnprintf(img->err + n, sizeof(img->err) - n, fmt, ap);
	va_end(ap);
}

/* A JSON string of at most @max bytes of @s */
static void json_puts(const char *s, size_t max)
{
	size_t i;

	putchar('"');
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Output: one line of "key value" pairs per record, or one JSON object */
static void out_str(struct image *img, const char *key, const char *s, size_t max)
{
	size_t i;

	if (!img->json) {
		printf(" %s \"", key);
		for (i = 0; i < max && s[i]; i++)
			putchar(s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' ? s[i] : '?');
		putchar('"');
		return;
	}
	printf(", \"%s\": ", key);
	json_puts(s, max);
}

static void out_u64(struct image *img, const char *key, uint64_t v, bool hex)
{
	unsigned long long u = v;

	if (img->json)
		printf(", \"%s\": %llu", key, u);
	else if (hex)
		printf(" %s %#llx", key, u);
	else
		printf(" %s %llu", key, u);
}

static void out_s64(struct image *img, const char *key, int64_t v)
{
	printf(img->json ? ", \"%s\": %lld" : " %s %lld", key, (long long)v);
}

static void decode_header(struct image *img, void *rec)
{
	struct ckpt_hdr_header *h = rec;
	char when[64] = "?";
	time_t t = h->time;
	struct tm tm;

	out_u64(img, "magic", h->magic, true);
	out_u64(img, "version", h->version, false);
	out_str(img, "arch", h->arch == CKPT_ARCH_X86_64 ? "x86_64" : "unknown", 16);
	out_u64(img, "page_size", h->page_size, false);
	img->page_size = h->page_size;
	img->csum_pages = h->flags & CHECKPOINT_CSUM_PAGES;
	out_u64(img, "flags", h->flags, true);
	out_u64(img, "crid", h->crid, false);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	out_s64(img, "time", h->time);
	out_str(img, "date", when, sizeof(when));
	out_str(img, "release", h->release, sizeof(h->release));

	if (img->nr != 0)
		invalid(img, "HEADER is not the first record");
	else if (h->magic != CKPT_MAGIC_HEAD)
		invalid(img, "bad magic %#llx: not a checkpoint image",
			(unsigned long long)h->magic);
	else if (h->version != CKPT_FORMAT_VERSION)
		invalid(img, "format version %u, this tool reads %u", h->version,
			CKPT_FORMAT_VERSION);
	else if (h->_reserved)
		invalid(img, "HEADER reserved field is %#x", h->_reserved);
	else if (!memchr(h->release, 0, sizeof(h->release)))
		invalid(img, "kernel release is not NUL terminated");
}

static void decode_header_arch(struct image *img, void *rec)
{
	struct ckpt_hdr_header_arch *h = rec;

	out_u64(img, "xfeatures", h->xfeatures, true);
	out_u64(img, "xstate_size", h->xstate_size, false);
	if (h->xstate_size < CKPT_XSTATE_SIZE_MIN || h->xstate_size > CKPT_XSTATE_SIZE_MAX)
		invalid(img, "xstate size %u out of range", h->xstate_size);
	else if (h->_reserved)
		invalid(img, "HEADER_ARCH reserved field is %#x", h->_reserved);
}

static void decode_tree(struct image *img, void *rec)
{
	struct ckpt_hdr_tree *h = rec;
	uint32_t i, n = (h->h.len - sizeof(*h)) / sizeof(h->pids[0]);

	out_u64(img, "nr_tasks", h->nr_tasks, false);
	out_u64(img, "flags", h->flags, true);
	if (h->nr_tasks != n) {
		invalid(img, "TREE of %u tasks in a %u byte record", h->nr_tasks, h->h.len);
		return;
	}
	if (img->json)
		printf(", \"tasks\": [");
	for (i = 0; i < n; i++) {
		struct ckpt_pids *p = &h->pids[i];

		if (img->json) {
			printf("%s{\"pid\": %d, \"tgid\": %d, \"ppid\": %d, \"pgid\": %d, ",
			       i ? ", " : "", p->vpid, p->vtgid, p->vppid, p->vpgid);
			printf("\"sid\": %d, \"depth\": %u, \"zombie\": %s, \"exit_code\": %d, ",
			       p->vsid, p->depth, p->flags & CKPT_PIDS_ZOMBIE ? "true" : "false",
			       p->exit_code);
			printf("\"subreaper\": %s, \"pgrp_gone\": %s, \"session_gone\": %s}",
			       p->flags & CKPT_PIDS_SUBREAPER ? "true" : "false",
			       p->flags & CKPT_PIDS_PGRP_GONE ? "true" : "false",
			       p->flags & CKPT_PIDS_SESSION_GONE ? "true" : "false");
		} else {
			printf("\n%24s pid %d tgid %d ppid %d pgid %d sid %d depth %u", "",
			       p->vpid, p->vtgid, p->vppid, p->vpgid, p->vsid, p->depth);
			if (p->flags & CKPT_PIDS_ZOMBIE)
				printf(" zombie exit_code %#x", p->exit_code);
			if (p->flags & CKPT_PIDS_SUBREAPER)
				printf(" subreaper");
			if (p->flags & CKPT_PIDS_PGRP_GONE)
				printf(" pgrp_gone");
			if (p->flags & CKPT_PIDS_SESSION_GONE)
				printf(" session_gone");
		}
		if (p->vpid <= 0 || p->vtgid <= 0)
			invalid(img, "TREE task %u has pid %d tgid %d", i, p->vpid, p->vtgid);
	}
	if (img->json)
		printf("]");
}

static void decode_task_more(struct image *img, struct ckpt_hdr_task *h)
{
	out_u64(img, "uid", h->uid, false);
	out_u64(img, "euid", h->euid, false);
	out_u64(img, "gid", h->gid, false);
	out_u64(img, "egid", h->egid, false);
	out_u64(img, "clear_child_tid", h->clear_child_tid, true);
	out_u64(img, "robust_list", h->robust_list, true);
	out_u64(img, "rseq", h->rseq, true);
	out_u64(img, "sigaltstack", h->sas_ss_sp, true);
	if (h->restart_kind == CKPT_RESTART_NANOSLEEP) {
		out_str(img, "interrupted", "nanosleep", 16);
		out_s64(img, "sleep_left_ns", h->restart_left_ns);
	} else if (h->restart_kind == CKPT_RESTART_FUTEX) {
		out_str(img, "interrupted", "futex wait", 16);
		out_u64(img, "futex", h->restart_uaddr, true);
		out_s64(img, "wait_left_ns", h->restart_left_ns);
	}
}

static void decode_task(struct image *img, void *rec)
{
	struct ckpt_hdr_task *h = rec;

	out_str(img, "comm", h->comm, sizeof(h->comm));
	out_u64(img, "personality", h->personality, true);
	out_s64(img, "exit_signal", h->exit_signal);
	out_s64(img, "pdeath_signal", h->pdeath_signal);
	decode_task_more(img, h);
	if (!memchr(h->comm, 0, sizeof(h->comm)))
		invalid(img, "TASK comm is not NUL terminated");
}

static void decode_cpu(struct image *img, void *rec)
{
	struct ckpt_hdr_cpu *h = rec;

	out_u64(img, "ip", h->ip, true);
	out_u64(img, "sp", h->sp, true);
	out_u64(img, "ax", h->ax, true);
	out_u64(img, "flags", h->flags, true);
	out_u64(img, "fs_base", h->fs_base, true);
	out_u64(img, "gs_base", h->gs_base, true);
}

static void decode_fpu(struct image *img, void *rec)
{
	struct ckpt_hdr_fpu *h = rec;
	unsigned long long xfeatures = 0;

	if (h->size >= 520)
		memcpy(&xfeatures, h->xstate + 512, sizeof(xfeatures));
	out_u64(img, "size", h->size, false);
	out_u64(img, "xfeatures", xfeatures, true);
	if (h->size < CKPT_XSTATE_SIZE_MIN || sizeof(*h) + h->size > h->h.len)
		invalid(img, "FPU record of %u bytes holds %u bytes of xstate", h->h.len, h->size);
}

static void decode_mm(struct image *img, void *rec)
{
	struct ckpt_hdr_mm *h = rec;

	out_u64(img, "objref", h->objref, false);
	out_u64(img, "nr_vmas", h->nr_vmas, false);
	img->vma_pages = 0;
	if (!h->nr_vmas && !h->exe_len)
		return;	/* the address space of an earlier process (CLONE_VM) */
	out_u64(img, "start_brk", h->start_brk, true);
	out_u64(img, "brk", h->brk, true);
	out_u64(img, "start_stack", h->start_stack, true);
	out_u64(img, "nr_auxv", h->nr_auxv, false);
	if (h->exe_len && h->exe_len <= h->h.len - sizeof(*h))
		out_str(img, "exe", h->exe, h->exe_len);
	else
		invalid(img, "MM record without a valid executable path");
}

static const char *const vma_kinds[] = {
	[CKPT_VMA_ANON] = "anon", [CKPT_VMA_SHM_ANON] = "shared-anon",
	[CKPT_VMA_FILE] = "file", [CKPT_VMA_SHM_FILE] = "shared-file",
	[CKPT_VMA_VVAR] = "vvar", [CKPT_VMA_VDSO] = "vdso", [CKPT_VMA_SYSVSHM] = "sysv-shm",
};

static void decode_vma(struct image *img, void *rec)
{
	struct ckpt_hdr_vma *h = rec;
	char prot[5] = "----";

	if (h->flags & CKPT_VMA_READ)
		prot[0] = 'r';
	if (h->flags & CKPT_VMA_WRITE)
		prot[1] = 'w';
	if (h->flags & CKPT_VMA_EXEC)
		prot[2] = 'x';
	if (h->flags & CKPT_VMA_GROWSDOWN)
		prot[3] = 'g';
	out_u64(img, "start", h->start, true);
	out_u64(img, "end", h->end, true);
	out_str(img, "prot", prot, sizeof(prot));
	out_str(img, "kind", h->kind && h->kind < ARRAY_SIZE(vma_kinds) ? vma_kinds[h->kind] :
		"unknown", 16);
	out_u64(img, "nr_pages", h->nr_pages, false);
	if (h->path_len && h->path_len <= h->h.len - sizeof(*h))
		out_str(img, "path", h->path, h->path_len);
	if (h->kind == CKPT_VMA_SYSVSHM) {
		out_s64(img, "shmid", h->shmid);
		out_u64(img, "shm_rdonly", !!(h->flags & CKPT_VMA_SHM_RDONLY), false);
	}
	if (!h->kind || h->kind >= ARRAY_SIZE(vma_kinds) || h->start >= h->end)
		invalid(img, "bad VMA");
	img->vma_pages += h->nr_pages;
}

static void decode_pages(struct image *img, void *rec)
{
	struct ckpt_hdr_pages *h = rec;

	out_u64(img, "nr_pages", h->nr_pages, false);
	if (h->nr_pages && sizeof(*h) + h->nr_pages * sizeof(h->addr[0]) == h->h.len) {
		out_u64(img, "first", h->addr[0], true);
		out_u64(img, "last", h->addr[h->nr_pages - 1], true);
	} else {
		invalid(img, "PAGES record of %u bytes for %u pages", h->h.len, h->nr_pages);
	}
	img->data_pages = h->nr_pages;
}

static void decode_page_data(struct image *img, void *rec)
{
	struct ckpt_hdr *h = rec;

	out_u64(img, "bytes", h->len - sizeof(*h), false);
	if (h->len - sizeof(*h) != (unsigned long long)img->data_pages * img->page_size)
		invalid(img, "PAGE_DATA of %u bytes after PAGES of %u pages", h->len,
			img->data_pages);
	img->data_pages = 0;
}

static void decode_fs(struct image *img, void *rec)
{
	struct ckpt_hdr_fs *h = rec;

	out_u64(img, "objref", h->objref, false);
	out_u64(img, "flags", h->flags, true);
	if (h->flags & ~CKPT_SHARED_REF)
		invalid(img, "FS record with unknown flags %#x", h->flags);
	if (h->flags & CKPT_SHARED_REF) {
		/* the fs_struct of an earlier process, shared */
		if (h->umask || h->cwd_len || h->h.len != sizeof(*h))
			invalid(img, "shared FS record with a umask or a working directory");
		return;
	}
	out_u64(img, "umask", h->umask, true);
	if (h->cwd_len && h->cwd_len <= h->h.len - sizeof(*h))
		out_str(img, "cwd", h->cwd, h->cwd_len);
	else
		invalid(img, "FS record without a working directory");
}

static void decode_files(struct image *img, void *rec)
{
	struct ckpt_hdr_files *h = rec;

	out_u64(img, "objref", h->objref, false);
	out_u64(img, "flags", h->flags, true);
	out_u64(img, "nr_fds", h->nr_fds, false);
	if (h->flags & ~CKPT_SHARED_REF || h->_reserved)
		invalid(img, "FILES record with unknown flags %#x", h->flags);
	if ((h->flags & CKPT_SHARED_REF) && h->nr_fds)
		invalid(img, "shared FILES record with %u fds", h->nr_fds);
}

static const char *const fd_kinds[] = {
	[CKPT_FD_REG] = "file", [CKPT_FD_DIR] = "directory",
	[CKPT_FD_CHR] = "chardev", [CKPT_FD_REF] = "ref",
	[CKPT_FD_PIPE] = "pipe", [CKPT_FD_FIFO] = "fifo", [CKPT_FD_EVENTFD] = "eventfd",
	[CKPT_FD_SIGNALFD] = "signalfd", [CKPT_FD_TIMERFD] = "timerfd",
	[CKPT_FD_MEMFD] = "memfd", [CKPT_FD_DELETED] = "deleted", [CKPT_FD_EPOLL] = "epoll",
	[CKPT_FD_UNIX] = "unix", [CKPT_FD_INET] = "inet",
};

/* Kinds whose FD record has no path: a record of their own follows */
static bool fd_kind_pathless(uint32_t kind)
{
	return kind == CKPT_FD_PIPE || kind == CKPT_FD_EVENTFD || kind == CKPT_FD_SIGNALFD ||
	       kind == CKPT_FD_TIMERFD || kind == CKPT_FD_MEMFD || kind == CKPT_FD_DELETED ||
	       kind == CKPT_FD_EPOLL || kind == CKPT_FD_UNIX || kind == CKPT_FD_INET;
}

static void decode_fd(struct image *img, void *rec)
{
	struct ckpt_hdr_fd *h = rec;

	out_s64(img, "fd", h->fd);
	out_str(img, "kind", h->kind && h->kind < ARRAY_SIZE(fd_kinds) ? fd_kinds[h->kind] :
		"unknown", 16);
	out_u64(img, "cloexec", h->cloexec, false);
	out_u64(img, "objref", h->objref, false);
	if (h->kind == CKPT_FD_REF)
		return;
	out_u64(img, "flags", h->f_flags, true);
	out_s64(img, "pos", h->pos);
	if (fd_kind_pathless(h->kind)) {
		if (h->path_len)
			invalid(img, "FD record of kind %u with a path", h->kind);
	} else if (h->path_len && h->path_len <= h->h.len - sizeof(*h)) {
		out_str(img, "path", h->path, h->path_len);
	} else {
		invalid(img, "FD record without a path");
	}
}

static void decode_data(struct image *img, void *rec)
{
	struct ckpt_hdr_data *h = rec;

	out_u64(img, "offset", h->offset, false);
	out_u64(img, "len", h->len, false);
	if (!h->len || h->len > h->h.len - sizeof(*h) ||
	    h->h.len - sizeof(*h) - h->len >= CKPT_ALIGN)
		invalid(img, "DATA record of %u bytes holds %u", h->h.len, h->len);
}

static void decode_pipe(struct image *img, void *rec)
{
	struct ckpt_hdr_pipe *h = rec;

	out_u64(img, "objref", h->objref, false);
	out_u64(img, "size", h->size, false);
	out_u64(img, "data_len", h->data_len, false);
	if (h->data_len > h->size)
		invalid(img, "pipe of %u bytes holds %u", h->size, h->data_len);
}

static void decode_eventfd(struct image *img, void *rec)
{
	struct ckpt_hdr_eventfd *h = rec;

	out_u64(img, "count", h->count, false);
	out_u64(img, "flags", h->flags, true);
}

static void decode_signalfd(struct image *img, void *rec)
{
	out_u64(img, "mask", ((struct ckpt_hdr_signalfd *)rec)->mask, true);
}

static void decode_timerfd(struct image *img, void *rec)
{
	struct ckpt_hdr_timerfd *h = rec;

	out_s64(img, "clockid", h->clockid);
	out_u64(img, "settime_flags", h->settime_flags, true);
	out_u64(img, "ticks", h->ticks, false);
	out_s64(img, "value_ns", h->value_ns);
	out_s64(img, "interval_ns", h->interval_ns);
	if (h->value_ns < 0 || h->interval_ns < 0)
		invalid(img, "timerfd with negative times");
}

static void decode_file_inode(struct image *img, void *rec)
{
	struct ckpt_hdr_file_inode *h = rec;

	out_u64(img, "objref", h->objref, false);
	out_u64(img, "mode", h->mode, true);
	out_u64(img, "size", h->size, false);
	out_u64(img, "seals", h->seals, true);
	out_u64(img, "nr_data", h->nr_data, false);
	if (h->name_len && h->name_len <= h->h.len - sizeof(*h))
		out_str(img, "name", h->name, h->name_len);
	else if (h->name_len)
		invalid(img, "FILE_INODE name of %u bytes in a %u byte record", h->name_len,
			h->h.len);
}

static void decode_epoll(struct image *img, void *rec)
{
	struct ckpt_hdr_epoll *h = rec;

	out_u64(img, "nr_items", h->nr_items, false);
	if (h->nr_items > (h->h.len - sizeof(*h)) / sizeof(h->items[0]))
		invalid(img, "EPOLL record of %u bytes with %u items", h->h.len, h->nr_items);
}

static void decode_unix(struct image *img, void *rec)
{
	static const char *const states[] = {
		[CKPT_UNIX_UNCONNECTED] = "unconnected", [CKPT_UNIX_CONNECTED] = "connected",
		[CKPT_UNIX_LISTEN] = "listen",
	};
	struct ckpt_hdr_unix *h = rec;

	out_u64(img, "objref", h->objref, false);
	out_u64(img, "peer", h->peer, false);
	out_u64(img, "type", h->type, false);
	out_str(img, "state", h->state && h->state < ARRAY_SIZE(states) ? states[h->state] :
		"unknown", 16);
	out_u64(img, "shutdown", h->shutdown, true);
	out_u64(img, "nr_msgs", h->nr_msgs, false);
	if (h->addr_len > CKPT_UNIX_ADDR_MAX)
		invalid(img, "unix address of %u bytes", h->addr_len);
	else if (h->addr_len && h->addr[0])
		out_str(img, "path", h->addr, h->addr_len);
	else if (h->addr_len)
		out_str(img, "abstract", h->addr + 1, h->addr_len - 1);
}

static void decode_inet(struct image *img, void *rec)
{
	static const char *const states[] = {
		[CKPT_INET_CLOSED] = "closed", [CKPT_INET_LISTEN] = "listen",
		[CKPT_INET_CONNECTED] = "connected",
	};
	struct ckpt_hdr_inet *h = rec;

	out_u64(img, "family", h->family, false);
	out_u64(img, "type", h->type, false);
	out_u64(img, "protocol", h->protocol, false);
	out_str(img, "state", h->state && h->state < ARRAY_SIZE(states) ? states[h->state] :
		"unknown", 16);
	out_u64(img, "flags", h->flags, true);
	out_u64(img, "port", h->port, false);
	if (h->state == CKPT_INET_CONNECTED)
		out_u64(img, "peer_port", h->peer_port, false);
}

static void decode_sighand(struct image *img, void *rec)
{
	struct ckpt_hdr_sighand *h = rec;
	unsigned int i, n = 0;

	out_u64(img, "objref", h->objref, false);
	if (!h->nr)
		return;	/* the handlers of an earlier process (CLONE_SIGHAND) */
	for (i = 0; i < CKPT_NSIG; i++)
		n += h->action[i].handler != 0;
	out_u64(img, "handled", n, false);
}

static void decode_signal(struct image *img, void *rec)
{
	struct ckpt_hdr_signal *h = rec;

	out_u64(img, "blocked", h->blocked, true);
	out_u64(img, "nr_pending", h->nr_pending, false);
	out_u64(img, "itimer_real_ns", h->real_value_ns, false);
	out_u64(img, "itimer_interval_ns", h->real_interval_ns, false);
	out_u64(img, "itimer_virtual_ns", h->virt_value_ns, false);
	out_u64(img, "itimer_virtual_interval_ns", h->virt_interval_ns, false);
	out_u64(img, "itimer_prof_ns", h->prof_value_ns, false);
	out_u64(img, "itimer_prof_interval_ns", h->prof_interval_ns, false);
	out_u64(img, "nr_timers", h->nr_timers, false);
	out_u64(img, "next_timer_id", h->next_timer_id, false);
}

static void decode_posix_timer(struct image *img, void *rec)
{
	struct ckpt_hdr_posix_timer *h = rec;

	out_s64(img, "id", h->id);
	out_s64(img, "clockid", h->clockid);
	out_s64(img, "notify", h->notify);
	out_s64(img, "signo", h->signo);
	out_u64(img, "value", h->value, true);
	out_s64(img, "tid", h->tid);
	out_u64(img, "flags", h->flags, true);
	out_s64(img, "value_ns", h->value_ns);
	out_s64(img, "interval_ns", h->interval_ns);
	out_s64(img, "overrun", h->overrun);
	out_s64(img, "overrun_last", h->overrun_last);
}

static void decode_siginfo(struct image *img, void *rec)
{
	struct ckpt_hdr_siginfo *h = rec;
	int signo, code;

	memcpy(&signo, h->info, sizeof(signo));
	memcpy(&code, h->info + 8, sizeof(code));
	out_s64(img, "signo", signo);
	out_s64(img, "code", code);
	out_u64(img, "shared", h->shared, false);
}

static void decode_ipc_ns(struct image *img, void *rec)
{
	struct ckpt_hdr_ipc_ns *h = rec;

	out_u64(img, "nr_msq", h->nr_msq, false);
	out_u64(img, "nr_sem", h->nr_sem, false);
	out_u64(img, "nr_shm", h->nr_shm, false);
	if (h->nr_msq > CKPT_IPC_MAX_OBJS || h->nr_sem > CKPT_IPC_MAX_OBJS ||
	    h->nr_shm > CKPT_IPC_MAX_OBJS || h->_reserved)
		invalid(img, "bad IPC_NS counts");
}

static void decode_ipc_perm(struct image *img, const struct ckpt_ipc_perm *p)
{
	out_s64(img, "id", p->id);
	out_u64(img, "key", (uint32_t)p->key, true);
	out_u64(img, "uid", p->uid, false);
	out_u64(img, "gid", p->gid, false);
	out_u64(img, "cuid", p->cuid, false);
	out_u64(img, "cgid", p->cgid, false);
	if (img->json)
		printf(", \"mode\": %u", p->mode);
	else
		printf(" mode %#o", p->mode);
	if (p->id < 0 || p->_reserved)
		invalid(img, "bad IPC object id %d", p->id);
}

static void decode_ipc_msq(struct image *img, void *rec)
{
	struct ckpt_hdr_ipc_msq *h = rec;

	decode_ipc_perm(img, &h->perm);
	out_u64(img, "qbytes", h->qbytes, false);
	out_u64(img, "cbytes", h->cbytes, false);
	out_u64(img, "nr_msgs", h->nr_msgs, false);
	out_s64(img, "stime", h->stime);
	out_s64(img, "rtime", h->rtime);
	out_s64(img, "ctime", h->ctime);
	if (h->cbytes > h->qbytes || h->_reserved)
		invalid(img, "msg queue id %d: %llu bytes in a queue of %llu", h->perm.id,
			(unsigned long long)h->cbytes, (unsigned long long)h->qbytes);
}

static void decode_ipc_msg(struct image *img, void *rec)
{
	struct ckpt_hdr_ipc_msg *h = rec;
	uint64_t room = h->h.len - sizeof(*h);

	out_s64(img, "mtype", h->mtype);
	out_u64(img, "bytes", h->len, false);
	if (h->len > room || room - h->len >= CKPT_ALIGN || h->mtype <= 0 || h->_reserved) {
		invalid(img, "message of type %lld, %u bytes in a %u byte record",
			(long long)h->mtype, h->len, h->h.len);
		return;
	}
	/* the start of the text, as far as it is a string */
	out_str(img, "text", (const char *)h->text, h->len < 32 ? h->len : 32);
}

static void decode_ipc_sem(struct image *img, void *rec)
{
	struct ckpt_hdr_ipc_sem *h = rec;
	uint64_t room = (h->h.len - sizeof(*h)) / sizeof(h->semval[0]);
	uint32_t i;

	decode_ipc_perm(img, &h->perm);
	out_u64(img, "nsems", h->nsems, false);
	out_s64(img, "otime", h->otime);
	out_s64(img, "ctime", h->ctime);
	if (!h->nsems || h->nsems > room || room - h->nsems > 1 || h->_reserved) {
		invalid(img, "semaphore set id %d: %u semaphores in a %u byte record", h->perm.id,
			h->nsems, h->h.len);
		return;
	}
	printf(img->json ? ", \"semval\": [" : " semval");
	for (i = 0; i < h->nsems; i++) {
		if (!img->json && i == 16) {
			printf(" ...");
			break;
		}
		printf("%s%d", img->json && i ? ", " : " ", h->semval[i]);
	}
	if (img->json)
		printf("]");
}

static void decode_ipc_shm(struct image *img, void *rec)
{
	struct ckpt_hdr_ipc_shm *h = rec;

	decode_ipc_perm(img, &h->perm);
	out_u64(img, "size", h->size, false);
	out_u64(img, "nr_pages", h->nr_pages, false);
	out_s64(img, "atime", h->atime);
	out_s64(img, "dtime", h->dtime);
	out_s64(img, "ctime", h->ctime);
	if (!h->size || !img->page_size ||
	    h->nr_pages > (h->size + img->page_size - 1) / img->page_size)
		invalid(img, "shm segment id %d: %llu pages of %llu bytes", h->perm.id,
			(unsigned long long)h->nr_pages, (unsigned long long)h->size);
}

static void decode_ipc_undo_list(struct image *img, void *rec)
{
	struct ckpt_hdr_ipc_undo_list *h = rec;

	out_u64(img, "nr_undos", h->nr_undos, false);
	if (h->nr_undos > CKPT_IPC_MAX_OBJS || h->_reserved)
		invalid(img, "undo list of %u sets", h->nr_undos);
}

static void decode_ipc_undo(struct image *img, void *rec)
{
	struct ckpt_hdr_ipc_undo *h = rec;
	uint64_t room = (h->h.len - sizeof(*h)) / sizeof(h->semadj[0]);
	uint32_t i;

	out_s64(img, "semid", h->semid);
	out_u64(img, "nsems", h->nsems, false);
	if (h->semid < 0 || !h->nsems || h->nsems > room || room - h->nsems > 3) {
		invalid(img, "undo of semaphore set id %d: %u semaphores in a %u byte record",
			h->semid, h->nsems, h->h.len);
		return;
	}
	printf(img->json ? ", \"semadj\": [" : " semadj");
	for (i = 0; i < h->nsems; i++) {
		if (!img->json && i == 16) {
			printf(" ...");
			break;
		}
		printf("%s%d", img->json && i ? ", " : " ", h->semadj[i]);
	}
	if (img->json)
		printf("]");
}

static void decode_error(struct image *img, void *rec)
{
	struct ckpt_hdr_error *h = rec;
	size_t room = h->h.len - sizeof(*h);

	out_s64(img, "error", h->error);
	if (h->error < 0 && h->error > -4096)
		out_str(img, "errno", strerror(-h->error), 64);
	out_str(img, "message", h->msg, h->msg_len < room ? h->msg_len : room);
	img->failed_ckpt = true;
	if (!h->msg_len || h->msg_len > room || h->msg[h->msg_len - 1])
		invalid(img, "malformed ERROR record");
}

static void decode_tail(struct image *img, void *rec)
{
	struct ckpt_hdr_tail *h = rec;
	uint32_t crc = ~img->crc;

	out_u64(img, "magic", h->magic, true);
	out_u64(img, "length", h->length, false);
	out_u64(img, "nr_records", h->nr_records, false);
	out_u64(img, "crc32c", h->crc32c, true);
	if (img->json)
		printf(", \"crc32c_computed\": %u", crc);
	if (h->magic != CKPT_MAGIC_TAIL)
		invalid(img, "bad tail magic %#llx", (unsigned long long)h->magic);
	else if (h->crc32c != crc)
		invalid(img, "checksum mismatch: image %#x, tail %#x", crc, h->crc32c);
	else if (h->length != img->pos)
		invalid(img, "image length %llu, tail says %llu", (unsigned long long)img->pos,
			(unsigned long long)h->length);
	else if (h->nr_records != img->nr)
		invalid(img, "record count %u, tail says %u", img->nr, h->nr_records);
}

static const struct record_type {
	uint32_t type;
	const char *name;
	uint32_t min_len, max_len;
	void (*decode)(struct image *img, void *rec);
} types[] = {
	{ CKPT_HDR_HEADER, "HEADER", sizeof(struct ckpt_hdr_header),
	  sizeof(struct ckpt_hdr_header), decode_header },
	{ CKPT_HDR_HEADER_ARCH, "HEADER_ARCH", sizeof(struct ckpt_hdr_header_arch),
	  sizeof(struct ckpt_hdr_header_arch), decode_header_arch },
	{ CKPT_HDR_TREE, "TREE", sizeof(struct ckpt_hdr_tree) + sizeof(struct ckpt_pids),
	  sizeof(struct ckpt_hdr_tree) + CKPT_TREE_MAX_TASKS * sizeof(struct ckpt_pids),
	  decode_tree },
	{ CKPT_HDR_TASK, "TASK", sizeof(struct ckpt_hdr_task), sizeof(struct ckpt_hdr_task),
	  decode_task },
	{ CKPT_HDR_CPU, "CPU", sizeof(struct ckpt_hdr_cpu), sizeof(struct ckpt_hdr_cpu),
	  decode_cpu },
	{ CKPT_HDR_FPU, "FPU", sizeof(struct ckpt_hdr_fpu) + CKPT_XSTATE_SIZE_MIN,
	  sizeof(struct ckpt_hdr_fpu) + CKPT_XSTATE_SIZE_MAX, decode_fpu },
	{ CKPT_HDR_MM, "MM", sizeof(struct ckpt_hdr_mm), sizeof(struct ckpt_hdr_mm) + 4096,
	  decode_mm },
	{ CKPT_HDR_VMA, "VMA", sizeof(struct ckpt_hdr_vma), sizeof(struct ckpt_hdr_vma) + 4096,
	  decode_vma },
	{ CKPT_HDR_PAGES, "PAGES", sizeof(struct ckpt_hdr_pages) + 8,
	  sizeof(struct ckpt_hdr_pages) + 8 * CKPT_PAGES_BATCH, decode_pages },
	{ CKPT_HDR_PAGE_DATA, "PAGE_DATA", sizeof(struct ckpt_hdr) + 4096,
	  sizeof(struct ckpt_hdr) + CKPT_PAGES_BATCH * 65536U, decode_page_data },
	{ CKPT_HDR_FS, "FS", sizeof(struct ckpt_hdr_fs), sizeof(struct ckpt_hdr_fs) + 4096,
	  decode_fs },
	{ CKPT_HDR_FILES, "FILES", sizeof(struct ckpt_hdr_files), sizeof(struct ckpt_hdr_files),
	  decode_files },
	{ CKPT_HDR_FD, "FD", sizeof(struct ckpt_hdr_fd), sizeof(struct ckpt_hdr_fd) + 4096,
	  decode_fd },
	{ CKPT_HDR_DATA, "DATA", sizeof(struct ckpt_hdr_data) + CKPT_ALIGN,
	  sizeof(struct ckpt_hdr_data) + CKPT_DATA_MAX, decode_data },
	{ CKPT_HDR_PIPE, "PIPE", sizeof(struct ckpt_hdr_pipe), sizeof(struct ckpt_hdr_pipe),
	  decode_pipe },
	{ CKPT_HDR_EVENTFD, "EVENTFD", sizeof(struct ckpt_hdr_eventfd),
	  sizeof(struct ckpt_hdr_eventfd), decode_eventfd },
	{ CKPT_HDR_SIGNALFD, "SIGNALFD", sizeof(struct ckpt_hdr_signalfd),
	  sizeof(struct ckpt_hdr_signalfd), decode_signalfd },
	{ CKPT_HDR_TIMERFD, "TIMERFD", sizeof(struct ckpt_hdr_timerfd),
	  sizeof(struct ckpt_hdr_timerfd), decode_timerfd },
	{ CKPT_HDR_FILE_INODE, "FILE_INODE", sizeof(struct ckpt_hdr_file_inode),
	  sizeof(struct ckpt_hdr_file_inode) + 4096, decode_file_inode },
	{ CKPT_HDR_UNIX, "UNIX", sizeof(struct ckpt_hdr_unix), sizeof(struct ckpt_hdr_unix),
	  decode_unix },
	{ CKPT_HDR_INET, "INET", sizeof(struct ckpt_hdr_inet), sizeof(struct ckpt_hdr_inet),
	  decode_inet },
	{ CKPT_HDR_EPOLL, "EPOLL", sizeof(struct ckpt_hdr_epoll),
	  sizeof(struct ckpt_hdr_epoll) + CKPT_EPOLL_MAX_ITEMS * sizeof(struct ckpt_epoll_item),
	  decode_epoll },
	{ CKPT_HDR_SIGHAND, "SIGHAND", sizeof(struct ckpt_hdr_sighand),
	  sizeof(struct ckpt_hdr_sighand), decode_sighand },
	{ CKPT_HDR_SIGNAL, "SIGNAL", sizeof(struct ckpt_hdr_signal),
	  sizeof(struct ckpt_hdr_signal), decode_signal },
	{ CKPT_HDR_SIGINFO, "SIGINFO", sizeof(struct ckpt_hdr_siginfo),
	  sizeof(struct ckpt_hdr_siginfo), decode_siginfo },
	{ CKPT_HDR_POSIX_TIMER, "POSIX_TIMER", sizeof(struct ckpt_hdr_posix_timer),
	  sizeof(struct ckpt_hdr_posix_timer), decode_posix_timer },
	{ CKPT_HDR_IPC_NS, "IPC_NS", sizeof(struct ckpt_hdr_ipc_ns),
	  sizeof(struct ckpt_hdr_ipc_ns), decode_ipc_ns },
	{ CKPT_HDR_IPC_MSQ, "IPC_MSQ", sizeof(struct ckpt_hdr_ipc_msq),
	  sizeof(struct ckpt_hdr_ipc_msq), decode_ipc_msq },
	{ CKPT_HDR_IPC_MSG, "IPC_MSG", sizeof(struct ckpt_hdr_ipc_msg),
	  sizeof(struct ckpt_hdr_ipc_msg) + CKPT_IPC_MSG_MAX, decode_ipc_msg },
	{ CKPT_HDR_IPC_SEM, "IPC_SEM", sizeof(struct ckpt_hdr_ipc_sem) + 8,
	  sizeof(struct ckpt_hdr_ipc_sem) + CKPT_IPC_SEM_MAX * 4, decode_ipc_sem },
	{ CKPT_HDR_IPC_SHM, "IPC_SHM", sizeof(struct ckpt_hdr_ipc_shm),
	  sizeof(struct ckpt_hdr_ipc_shm), decode_ipc_shm },
	{ CKPT_HDR_IPC_UNDO_LIST, "IPC_UNDO_LIST", sizeof(struct ckpt_hdr_ipc_undo_list),
	  sizeof(struct ckpt_hdr_ipc_undo_list), decode_ipc_undo_list },
	{ CKPT_HDR_IPC_UNDO, "IPC_UNDO", sizeof(struct ckpt_hdr_ipc_undo) + 8,
	  sizeof(struct ckpt_hdr_ipc_undo) + CKPT_IPC_SEM_MAX * 2, decode_ipc_undo },
	{ CKPT_HDR_TAIL, "TAIL", sizeof(struct ckpt_hdr_tail), sizeof(struct ckpt_hdr_tail),
	  decode_tail },
	{ CKPT_HDR_ERROR, "ERROR", sizeof(struct ckpt_hdr_error) + CKPT_ALIGN,
	  sizeof(struct ckpt_hdr_error) + CKPT_ERROR_MSG_MAX, decode_error },
};

static const struct record_type *record_type(uint32_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

/* Read exactly @len bytes; false at end of file (img->err says why) */
static bool read_all(struct image *img, void *buf, size_t len, uint64_t at)
{
	size_t n = fread(buf, 1, len, img->f);

	if (n == len)
		return true;
	if (ferror(img->f))
		invalid(img, "read error: %s", strerror(errno));
	else
		invalid(img, "image truncated at offset %llu", (unsigned long long)(at + n));
	return false;
}

/* Decode one record; false when the walk must stop */
static bool next_record(struct image *img)
{
	const struct record_type *rt;
	struct ckpt_hdr h;
	bool tail, ok = true;
	void *rec;
	int c;

	if (!read_all(img, &h, sizeof(h), img->pos))
		return false;
	rt = record_type(h.type);
	if (img->json)
		printf("%s\n    {\"offset\": %llu, \"type\": %u, \"name\": \"%s\", \"len\": %u",
		       img->nr_json++ ? "," : "", (unsigned long long)img->pos, h.type,
		       rt ? rt->name : "UNKNOWN", h.len);
	else
		printf("%8llu  %-12s len %-6u", (unsigned long long)img->pos,
		       rt ? rt->name : "UNKNOWN", h.len);

	if (!rt) {
		invalid(img, "unknown record type %u", h.type);
		ok = false;
	} else if (h.len % CKPT_ALIGN || h.len < rt->min_len || h.len > rt->max_len ||
		   h.len > MAX_RECORD) {
		invalid(img, "%s record has bad length %u", rt->name, h.len);
		ok = false;
	} else if (img->nr == 0 && h.type != CKPT_HDR_HEADER) {
		invalid(img, "the first record is %s, not HEADER", rt->name);
		ok = false;
	}
	if (!ok) {
		printf(img->json ? "}" : "\n");
		return false;
	}

	rec = malloc(h.len);
	if (!rec) {
		invalid(img, "out of memory for a %u byte record", h.len);
		printf(img->json ? "}" : "\n");
		return false;
	}
	memcpy(rec, &h, sizeof(h));
	if (!read_all(img, (char *)rec + sizeof(h), h.len - sizeof(h), img->pos + sizeof(h))) {
		printf(img->json ? "}" : "\n");
		free(rec);
		return false;
	}
	tail = h.type == CKPT_HDR_TAIL;
	rt->decode(img, rec);
	/* page contents are in the checksum only if the header says so */
	if (h.type == CKPT_HDR_PAGE_DATA && !img->csum_pages)
		img->crc = crc32c_update(img->crc, rec, sizeof(h));
	else if (!tail)
		img->crc = crc32c_update(img->crc, rec, h.len);
	printf(img->json ? "}" : "\n");
	free(rec);
	img->pos += h.len;
	if (tail) {
		c = fgetc(img->f);
		if (c != EOF)
			invalid(img, "data after the tail record");
		return false;
	}
	img->nr++;
	return !img->err[0];
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: ckptinfo [--json] [IMAGE|-]\n"
		"Decode a checkpoint image (default: standard input) and check its structure.\n"
		"  --json     print the records as a JSON object\n"
		"  -h, --help this text\n"
		"Exit status: 0 valid, 1 invalid or a failed checkpoint, 2 bad command line or I/O error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct image img = { .crc = ~0U };
	const char *path;
	bool valid;
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			img.json = true;
			break;
		case 'h':
			print_usage(stdout);
			return EXIT_OK;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc - 1) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	path = optind < argc ? argv[optind] : "-";
	img.f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!img.f) {
		fprintf(stderr, "ckptinfo: %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}

	if (img.json) {
		printf("{\n  \"file\": ");
		json_puts(path, strlen(path));
		printf(",\n  \"records\": [");
	}
	while (next_record(&img))
		;
	if (!img.err[0] && img.failed_ckpt)
		snprintf(img.err, sizeof(img.err), "the image of a failed checkpoint");
	valid = !img.err[0];
	if (img.json) {
		printf("\n  ],\n  \"valid\": %s,\n  \"problem\": ", valid ? "true" : "false");
		if (valid)
			printf("null");
		else
			json_puts(img.err, sizeof(img.err));
		printf(",\n  \"crc32c\": %u\n}\n", ~img.crc);
	} else if (valid) {
		printf("valid image: %u records, %llu bytes, crc32c %#x\n", img.nr + 1,
		       (unsigned long long)img.pos, ~img.crc);
	} else {
		printf("ckptinfo: invalid image: %s\n", img.err);
	}
	return valid ? EXIT_OK : EXIT_FAILED;
}
