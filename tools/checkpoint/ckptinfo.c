// SPDX-License-Identifier: GPL-2.0
/*
 * ckptinfo - decode and check a checkpoint image.
 *
 *   ckptinfo [--json] [IMAGE|-]
 *   ckptinfo --fields
 *   ckptinfo --check-layout
 *
 * Prints every record of the image, checks its structure, lengths and
 * checksum the way restart(2) does, and says whether the image is valid.
 * Needs no kernel support: it runs on any machine. The names, fixed sizes
 * and fields of the records come from the layout table (layout.c); the
 * text output has a decoder of its own for each record, the JSON output
 * prints every field of the table.
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
#include "layout.h"

#define MAX_RECORD	(64U << 20)	/* larger than any record restart accepts */
#define PATH_LEN_MAX	4096		/* the kernel's PATH_MAX */
#define PAGE_SIZE_MIN	4096		/* page sizes an image may have */
#define PAGE_SIZE_MAX	65536
#define JSON_HEX_MAX	16		/* bytes of a byte array shown in JSON */

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

/*
 * Text output: one line of "key value" pairs per record. The JSON output
 * has the fields of the layout table instead (json_fields()), and with
 * them the values the note_*() helpers add: those not in a field.
 */
static void out_str(struct image *img, const char *key, const char *s, size_t max)
{
	size_t i;

	if (img->json)
		return;
	printf(" %s \"", key);
	for (i = 0; i < max && s[i]; i++)
		putchar(s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' ? s[i] : '?');
	putchar('"');
}

static void out_u64(struct image *img, const char *key, uint64_t v, bool hex)
{
	unsigned long long u = v;

	if (img->json)
		return;
	if (hex)
		printf(" %s %#llx", key, u);
	else
		printf(" %s %llu", key, u);
}

static void out_s64(struct image *img, const char *key, int64_t v)
{
	if (!img->json)
		printf(" %s %lld", key, (long long)v);
}

/* A value computed from the fields: in the text and in the JSON output */
static void note_str(struct image *img, const char *key, const char *s, size_t max)
{
	if (!img->json) {
		out_str(img, key, s, max);
		return;
	}
	printf(", \"%s\": ", key);
	json_puts(s, max);
}

static void note_u64(struct image *img, const char *key, uint64_t v, bool hex)
{
	if (img->json)
		printf(", \"%s\": %llu", key, (unsigned long long)v);
	else
		out_u64(img, key, v, hex);
}

static void note_s64(struct image *img, const char *key, int64_t v)
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
	note_str(img, "date", when, sizeof(when));
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

/* A task of the TREE, on a line of its own */
static void print_tree_task(const struct ckpt_pids *p)
{
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
	for (i = 0; i < n; i++) {
		struct ckpt_pids *p = &h->pids[i];

		if (!img->json)
			print_tree_task(p);
		if (p->vpid <= 0 || p->vtgid <= 0)
			invalid(img, "TREE task %u has pid %d tgid %d", i, p->vpid, p->vtgid);
	}
}

static void decode_task_more(struct image *img, struct ckpt_hdr_task *h)
{
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

/* @v, an integer of @size bytes, as a signed one */
static int64_t sign_extend(uint64_t v, uint32_t size)
{
	unsigned int shift = 64 - 8 * size;

	return size >= 8 ? (int64_t)v : (int64_t)(v << shift) >> shift;
}

/* The first 16 integers of an array, " name a b c ..." */
static void print_list(const char *name, const void *a, uint32_t n, uint32_t size, bool is_signed)
{
	uint32_t i;
	uint64_t v;

	printf("%s", name);
	for (i = 0; i < n && i < 16; i++) {
		v = ckpt_field_get(a, (long)i * size, size);
		if (is_signed)
			printf(" %lld", (long long)sign_extend(v, size));
		else
			printf(" %llu", (unsigned long long)v);
	}
	if (n > 16)
		printf(" ...");
}

static void decode_creds(struct image *img, void *rec)
{
	struct ckpt_hdr_creds *h = rec;
	uint32_t i, n = (h->h.len - sizeof(*h)) / sizeof(h->groups[0]);

	out_u64(img, "uid", h->uid, false);
	out_u64(img, "euid", h->euid, false);
	out_u64(img, "suid", h->suid, false);
	out_u64(img, "fsuid", h->fsuid, false);
	out_u64(img, "gid", h->gid, false);
	out_u64(img, "egid", h->egid, false);
	out_u64(img, "sgid", h->sgid, false);
	out_u64(img, "fsgid", h->fsgid, false);
	out_u64(img, "cap_inheritable", h->cap_inheritable, true);
	out_u64(img, "cap_permitted", h->cap_permitted, true);
	out_u64(img, "cap_effective", h->cap_effective, true);
	out_u64(img, "cap_bset", h->cap_bset, true);
	out_u64(img, "cap_ambient", h->cap_ambient, true);
	out_u64(img, "securebits", h->securebits, true);
	out_u64(img, "flags", h->flags, true);
	out_u64(img, "nr_groups", h->nr_groups, false);
	if (h->nr_groups > n || h->nr_groups > CKPT_NGROUPS_MAX) {
		invalid(img, "CREDS of %u groups in a %u byte record", h->nr_groups, h->h.len);
		return;
	}
	if (h->flags & ~CKPT_CREDS_FLAGS_ALL || h->_reserved)
		invalid(img, "CREDS with unknown flags %#x or a reserved field set", h->flags);
	for (i = 1; i < h->nr_groups; i++)
		if (h->groups[i] < h->groups[i - 1])
			invalid(img, "CREDS groups not in order");
	if (!img->json && h->nr_groups)
		print_list(" groups", h->groups, h->nr_groups, sizeof(h->groups[0]), false);
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
	note_u64(img, "xfeatures", xfeatures, true);
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

static void decode_sched(struct image *img, void *rec)
{
	struct ckpt_hdr_sched *h = rec;
	uint32_t n = (h->h.len - sizeof(*h)) / sizeof(h->cpus[0]);

	out_u64(img, "policy", h->policy, false);
	out_s64(img, "nice", h->nice);
	out_u64(img, "rt_priority", h->rt_priority, false);
	out_u64(img, "timer_slack_ns", h->timer_slack_ns, false);
	out_s64(img, "oom_score_adj", h->oom_score_adj);
	out_u64(img, "nr_cpus", h->nr_cpus, false);
	if (!h->nr_cpus || (h->nr_cpus + 63) / 64 != n || h->nr_cpus > CKPT_SCHED_MAX_CPUS)
		invalid(img, "SCHED of %u CPUs in a %u byte record", h->nr_cpus, h->h.len);
}

static void decode_sockopts(struct image *img, void *rec)
{
	struct ckpt_hdr_sockopts *h = rec;
	uint32_t n = (h->h.len - sizeof(*h)) / sizeof(h->opts[0]);

	out_u64(img, "nr", h->nr, false);
	if (h->nr != n || h->nr > CKPT_SOCKOPTS_MAX)
		invalid(img, "SOCKOPTS of %u options in a %u byte record", h->nr, h->h.len);
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
	note_s64(img, "signo", signo);
	note_s64(img, "code", code);
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
	if (!img->json)
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

	decode_ipc_perm(img, &h->perm);
	out_u64(img, "nsems", h->nsems, false);
	out_s64(img, "otime", h->otime);
	out_s64(img, "ctime", h->ctime);
	if (!h->nsems || h->nsems > room || room - h->nsems > 1 || h->_reserved) {
		invalid(img, "semaphore set id %d: %u semaphores in a %u byte record", h->perm.id,
			h->nsems, h->h.len);
		return;
	}
	if (!img->json)
		print_list(" semval", h->semval, h->nsems, sizeof(h->semval[0]), true);
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

	out_s64(img, "semid", h->semid);
	out_u64(img, "nsems", h->nsems, false);
	if (h->semid < 0 || !h->nsems || h->nsems > room || room - h->nsems > 3) {
		invalid(img, "undo of semaphore set id %d: %u semaphores in a %u byte record",
			h->semid, h->nsems, h->h.len);
		return;
	}
	if (!img->json)
		print_list(" semadj", h->semadj, h->nsems, sizeof(h->semadj[0]), true);
}

static void decode_error(struct image *img, void *rec)
{
	struct ckpt_hdr_error *h = rec;
	size_t room = h->h.len - sizeof(*h);

	out_s64(img, "error", h->error);
	if (h->error < 0 && h->error > -4096)
		note_str(img, "errno", strerror(-h->error), 64);
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

/*
 * What ckptinfo knows of each record beyond its layout: how many entries
 * of its trailing array restart(2) accepts (checkpoint/records.c, the
 * kernel's table), and its decoder. The length of a record is its fixed
 * part and that many entries, rounded up to CKPT_ALIGN.
 */
static const struct record_rule {
	uint32_t type;
	uint32_t min_nr, max_nr;	/* entries of the trailing array */
	void (*decode)(struct image *img, void *rec);
} rules[] = {
	{ CKPT_HDR_HEADER, 0, 0, decode_header },
	{ CKPT_HDR_HEADER_ARCH, 0, 0, decode_header_arch },
	{ CKPT_HDR_TREE, 1, CKPT_TREE_MAX_TASKS, decode_tree },
	{ CKPT_HDR_TASK, 0, 0, decode_task },
	{ CKPT_HDR_CREDS, 0, CKPT_NGROUPS_MAX, decode_creds },
	{ CKPT_HDR_SCHED, 1, CKPT_SCHED_MAX_CPUS / 64, decode_sched },
	{ CKPT_HDR_CPU, 0, 0, decode_cpu },
	{ CKPT_HDR_FPU, CKPT_XSTATE_SIZE_MIN, CKPT_XSTATE_SIZE_MAX, decode_fpu },
	{ CKPT_HDR_MM, 0, PATH_LEN_MAX, decode_mm },
	{ CKPT_HDR_VMA, 0, PATH_LEN_MAX, decode_vma },
	{ CKPT_HDR_PAGES, 1, CKPT_PAGES_BATCH, decode_pages },
	/* the kernel's page size; decode_page_data() checks the header's */
	{ CKPT_HDR_PAGE_DATA, PAGE_SIZE_MIN, CKPT_PAGES_BATCH * PAGE_SIZE_MAX, decode_page_data },
	{ CKPT_HDR_FS, 0, PATH_LEN_MAX, decode_fs },
	{ CKPT_HDR_FILES, 0, 0, decode_files },
	{ CKPT_HDR_FD, 0, PATH_LEN_MAX, decode_fd },
	{ CKPT_HDR_DATA, 1, CKPT_DATA_MAX, decode_data },
	{ CKPT_HDR_PIPE, 0, 0, decode_pipe },
	{ CKPT_HDR_EVENTFD, 0, 0, decode_eventfd },
	{ CKPT_HDR_SIGNALFD, 0, 0, decode_signalfd },
	{ CKPT_HDR_TIMERFD, 0, 0, decode_timerfd },
	{ CKPT_HDR_FILE_INODE, 0, PATH_LEN_MAX, decode_file_inode },
	{ CKPT_HDR_EPOLL, 0, CKPT_EPOLL_MAX_ITEMS, decode_epoll },
	{ CKPT_HDR_UNIX, 0, 0, decode_unix },
	{ CKPT_HDR_INET, 0, 0, decode_inet },
	{ CKPT_HDR_SOCKOPTS, 0, CKPT_SOCKOPTS_MAX, decode_sockopts },
	{ CKPT_HDR_SIGHAND, 0, 0, decode_sighand },
	{ CKPT_HDR_SIGNAL, 0, 0, decode_signal },
	{ CKPT_HDR_SIGINFO, 0, 0, decode_siginfo },
	{ CKPT_HDR_POSIX_TIMER, 0, 0, decode_posix_timer },
	{ CKPT_HDR_IPC_NS, 0, 0, decode_ipc_ns },
	{ CKPT_HDR_IPC_MSQ, 0, 0, decode_ipc_msq },
	{ CKPT_HDR_IPC_MSG, 0, CKPT_IPC_MSG_MAX, decode_ipc_msg },
	{ CKPT_HDR_IPC_SEM, 1, CKPT_IPC_SEM_MAX, decode_ipc_sem },
	{ CKPT_HDR_IPC_SHM, 0, 0, decode_ipc_shm },
	{ CKPT_HDR_IPC_UNDO_LIST, 0, 0, decode_ipc_undo_list },
	{ CKPT_HDR_IPC_UNDO, 1, CKPT_IPC_SEM_MAX, decode_ipc_undo },
	{ CKPT_HDR_TAIL, 0, 0, decode_tail },
	{ CKPT_HDR_ERROR, CKPT_ALIGN, CKPT_ERROR_MSG_MAX, decode_error },
};

static const struct record_rule *record_rule(uint32_t type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].type == type)
			return &rules[i];
	return NULL;
}

/* Bytes of a record of layout @l with @nr entries in its trailing array */
static uint64_t record_len(const struct ckpt_layout *l, uint32_t nr)
{
	uint64_t len = l->size + (uint64_t)nr * l->elem_size;

	return (len + CKPT_ALIGN - 1) / CKPT_ALIGN * CKPT_ALIGN;
}

static bool bad_len(const struct ckpt_layout *l, const struct record_rule *r, uint32_t len)
{
	return len % CKPT_ALIGN || len < record_len(l, r->min_nr) ||
	       len > record_len(l, r->max_nr) || len > MAX_RECORD;
}

/*
 * JSON: every field of the layout table, as "name": value. An integer is
 * a number, an array of them an array; characters are a string; bytes
 * are their count (and, in a field of fixed size, the first bytes in
 * hexadecimal): never the contents of pages, files or messages.
 */
static void json_int(const struct ckpt_field *f, const void *rec, long off)
{
	uint64_t v = ckpt_field_get(rec, off, f->size);

	if (f->is_signed)
		printf("%lld", (long long)sign_extend(v, f->size));
	else
		printf("%llu", (unsigned long long)v);
}

static void json_bytes(const uint8_t *p, uint32_t n, bool hex)
{
	uint32_t i;

	printf("{\"bytes\": %u", n);
	if (hex) {
		printf(", \"hex\": \"");
		for (i = 0; i < n && i < JSON_HEX_MAX; i++)
			printf("%02x", p[i]);
		printf("\"");
	}
	printf("}");
}

static void json_field(const struct ckpt_field *f, const struct ckpt_layout *l,
		       const uint8_t *rec, uint32_t len)
{
	uint32_t i, nr = f->count;
	long off;

	if (!f->count)
		nr = l->elem_size && len >= l->size ? (len - l->size) / l->elem_size : 0;
	if (f->kind == CKPT_FK_STR) {
		json_puts((const char *)rec + f->off, f->count ? f->size : nr * f->size);
		return;
	}
	if (f->kind == CKPT_FK_BYTES && (!f->count || f->size > sizeof(uint64_t))) {
		json_bytes(rec + f->off, f->count ? f->size : nr * f->size, f->count);
		return;
	}
	if (f->count == 1) {
		json_int(f, rec, f->off);
		return;
	}
	printf("[");
	for (i = 0; i < nr; i++) {
		off = ckpt_field_offset(f, l, len, i);
		if (off < 0)
			break;
		printf(i ? ", " : "");
		json_int(f, rec, off);
	}
	printf("]");
}

static void json_fields(const struct ckpt_layout *l, const void *rec, uint32_t len)
{
	unsigned int i;

	printf(", \"fields\": {");
	for (i = 0; i < l->nr_fields; i++) {
		printf("%s\"%s\": ", i ? ", " : "", l->fields[i].name);
		json_field(&l->fields[i], l, rec, len);
	}
	printf("}");
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
	const struct ckpt_layout *l;
	const struct record_rule *r;
	struct ckpt_hdr h;
	bool tail, ok = true;
	void *rec;
	int c;

	if (!read_all(img, &h, sizeof(h), img->pos))
		return false;
	l = ckpt_layout_of(h.type);
	r = record_rule(h.type);
	if (img->json)
		printf("%s\n    {\"offset\": %llu, \"type\": %u, \"name\": \"%s\", \"len\": %u",
		       img->nr_json++ ? "," : "", (unsigned long long)img->pos, h.type,
		       l ? l->name : "UNKNOWN", h.len);
	else
		printf("%8llu  %-12s len %-6u", (unsigned long long)img->pos,
		       l ? l->name : "UNKNOWN", h.len);

	if (!l || !r) {
		invalid(img, "unknown record type %u", h.type);
		ok = false;
	} else if (bad_len(l, r, h.len)) {
		invalid(img, "%s record has bad length %u", l->name, h.len);
		ok = false;
	} else if (img->nr == 0 && h.type != CKPT_HDR_HEADER) {
		invalid(img, "the first record is %s, not HEADER", l->name);
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
	r->decode(img, rec);
	if (img->json)
		json_fields(l, rec, h.len);
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

/* --fields: "RECORD.field kind", a line for each field, in table order */
static int print_fields(void)
{
	const struct ckpt_layout *l;
	unsigned int i, j;

	for (i = 0; i < ckpt_nr_layouts; i++) {
		l = &ckpt_layouts[i];
		for (j = 0; j < l->nr_fields; j++)
			printf("%s.%s %s\n", l->name, l->fields[j].name,
			       ckpt_fkind_name(l->fields[j].kind));
	}
	return EXIT_OK;
}

/* The rules of ckptinfo match the layouts: one for each, bounds for the variable ones */
static int check_rules(FILE *err)
{
	const struct ckpt_layout *l;
	const struct record_rule *r;
	int faults = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (!ckpt_layout_of(rules[i].type)) {
			fprintf(err, "ckptinfo: record type %u has no layout\n", rules[i].type);
			faults++;
		}
	for (i = 0; i < ckpt_nr_layouts; i++) {
		l = &ckpt_layouts[i];
		r = record_rule(l->type);
		if (!r)
			fprintf(err, "ckptinfo: %s has no length rule\n", l->name);
		else if (l->elem_size ? r->max_nr < r->min_nr || !r->max_nr : r->max_nr)
			fprintf(err, "ckptinfo: %s: bad bounds %u..%u\n", l->name, r->min_nr,
				r->max_nr);
		else if (record_len(l, r->min_nr) < l->size)
			fprintf(err, "ckptinfo: %s: shorter than its fixed part\n", l->name);
		else
			continue;
		faults++;
	}
	return faults;
}

/* --check-layout: the layout table and the rules of ckptinfo */
static int check_layout(void)
{
	int faults = ckpt_layout_check(stderr) + check_rules(stderr);
	unsigned int i, n = 0;

	if (faults) {
		fprintf(stderr, "ckptinfo: %d faults in the record layouts\n", faults);
		return EXIT_FAILED;
	}
	for (i = 0; i < ckpt_nr_layouts; i++)
		n += ckpt_layouts[i].nr_fields;
	printf("record layouts: %u records, %u fields, every byte in one field\n",
	       ckpt_nr_layouts, n);
	return EXIT_OK;
}

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: ckptinfo [--json] [IMAGE|-]\n"
		"       ckptinfo --fields | --check-layout\n"
		"Decode a checkpoint image (default: standard input) and check its structure.\n"
		"  --json          print the records as a JSON object, with all their fields\n"
		"  --fields        list the fields of every record: RECORD.field kind\n"
		"  --check-layout  check that the fields of each record cover it exactly\n"
		"  -h, --help      this text\n"
		"Exit status: 0 valid, 1 invalid or a failed checkpoint, 2 bad command line or I/O error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "fields", no_argument, NULL, 'f' },
		{ "check-layout", no_argument, NULL, 'c' },
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
		case 'f':
			return print_fields();
		case 'c':
			return check_layout();
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
