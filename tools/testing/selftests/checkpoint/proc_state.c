// SPDX-License-Identifier: GPL-2.0
/*
 * What a process can see of itself in /proc, as text to compare before
 * checkpoint and after restart: a restored process must be the same
 * process. ready_child() takes it before the child is checkpointed,
 * wait_restored() again in the restored child, which says in words what
 * differs (restored_differs()).
 *
 * One "key: value" line per property:
 * - status: identity, capabilities, signal masks, no_new_privs, seccomp,
 *   namespaces' pids, affinity (not memory use, state or counters);
 * - stat: process group, session, terminal, priority, nice, threads,
 *   exit signal, real-time priority, policy;
 * - limits, one line per limit;
 * - each mapping: its range, permissions, offset and name, and its
 *   VmFlags (not the device and inode, which a restored memfd or deleted
 *   file has new; not "ac" of a read-only mapping: see add_maps());
 * - each descriptor: the kind or path it names (without the inode number
 *   of a pipe or socket), its flags and position, and the mode, owner,
 *   size and link count of its file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ckpt_util.h"

#define WS	" \t\n"	/* what separates the fields of /proc/self/stat */

struct text {
	char *buf;
	size_t len;
	FILE *f;
};

static const char *const status_keys[] = {
	"Name", "Umask", "Tgid", "Pid", "PPid", "TracerPid", "Uid", "Gid", "Groups",
	"NStgid", "NSpid", "NSpgid", "NSsid", "Threads", "SigPnd", "ShdPnd", "SigBlk",
	"SigIgn", "SigCgt", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs",
	"Seccomp", "Seccomp_filters", "Speculation_Store_Bypass", "SpeculationIndirectBranch",
	"Cpus_allowed_list", "Mems_allowed_list", "THP_enabled",
};

static void add_status(struct text *t)
{
	char line[512];
	unsigned int i;
	size_t n;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f)) {
		for (i = 0; i < ARRAY_SIZE(status_keys); i++) {
			n = strlen(status_keys[i]);
			if (!strncmp(line, status_keys[i], n) && line[n] == ':')
				fprintf(t->f, "status %s", line);
		}
	}
	if (f)
		fclose(f);
}

/* Fields of /proc/self/stat, numbered as in proc(5) */
static void add_stat(struct text *t)
{
	static const int fields[] = { 5, 6, 7, 18, 19, 20, 38, 40, 41 };
	static const char *const names[] = { "pgrp", "session", "tty_nr", "priority", "nice",
					     "num_threads", "exit_signal", "rt_priority",
					     "policy" };
	char buf[1024], *p, *save = NULL;
	unsigned int i = 0;
	int n = 3;
	FILE *f = fopen("/proc/self/stat", "r");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	p = strrchr(buf, ')');	/* the name may have spaces and parentheses */
	if (!p)
		return;
	for (p = strtok_r(p + 2, WS, &save); p && i < ARRAY_SIZE(fields);
	     p = strtok_r(NULL, WS, &save), n++) {
		if (n == fields[i]) {
			fprintf(t->f, "stat %s: %s\n", names[i], p);
			i++;
		}
	}
}

static void add_limits(struct text *t)
{
	char line[256], soft[32], hard[32];
	int n;
	FILE *f = fopen("/proc/self/limits", "r");

	/* "Max open files            1024                 4096                 files" */
	while (f && fgets(line, sizeof(line), f)) {
		if (strlen(line) <= 26 || !strncmp(line, "Limit ", 6) ||
		    sscanf(line + 26, "%31s %31s", soft, hard) != 2)
			continue;
		for (n = 26; n > 0 && line[n - 1] == ' '; n--)
			;
		fprintf(t->f, "limits %.*s: %s %s\n", n, line, soft, hard);
	}
	if (f)
		fclose(f);
}

/* A mapping of smaps, or mappings the kernel could have merged into one */
struct map {
	unsigned long long start, end, offset;
	char perms[8], name[512], flags[256];
};

static void print_map(struct text *t, const struct map *m)
{
	fprintf(t->f, "mapping %llx-%llx: %s %llx %s\n", m->start, m->end, m->perms, m->offset,
		m->name);
	fprintf(t->f, "mapping %llx-%llx VmFlags:%s", m->start, m->end, m->flags);
}

/* Could @next be merged into @m: adjacent, and nothing told apart? */
static int map_continues(const struct map *m, const struct map *next)
{
	return m->end == next->start && !strcmp(m->perms, next->perms) &&
	       !strcmp(m->name, next->name) && !strcmp(m->flags, next->flags) &&
	       (!m->name[0] || m->offset + (m->end - m->start) == next->offset);
}

/*
 * Each mapping: "start-end perms offset dev inode name" and its VmFlags
 * line. Adjacent mappings that differ in nothing but where one ends are
 * shown as one: the kernel merges such mappings when restart makes them
 * one after the other, and splits them no more than the program did.
 */
static void add_maps(struct text *t)
{
	struct map prev = { }, cur = { };
	char line[1024], first[64];
	FILE *f = fopen("/proc/self/smaps", "r");
	int have = 0;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s", first) != 1)
			continue;
		if (strchr(first, '-') && !strchr(first, ':')) {
			cur.name[0] = 0;
			if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %511[^\n]", &cur.start,
				   &cur.end, cur.perms, &cur.offset, cur.name) < 4)
				cur.end = 0;
		} else if (!strcmp(first, "VmFlags:") && cur.end) {
			snprintf(cur.flags, sizeof(cur.flags), "%.255s", line + 8);
			/*
			 * Known: a private mapping made read-only after it was
			 * writable (RELRO) keeps its commit charge, "ac"; restart
			 * maps it read-only, without (objects.rst)
			 */
			if (!strchr(cur.perms, 'w') && strstr(cur.flags, " ac "))
				memmove(strstr(cur.flags, " ac "), strstr(cur.flags, " ac ") + 3,
					strlen(strstr(cur.flags, " ac ") + 3) + 1);
			if (have && map_continues(&prev, &cur)) {
				prev.end = cur.end;
			} else {
				if (have)
					print_map(t, &prev);
				prev = cur;
				have = 1;
			}
			cur.end = 0;
		}
	}
	if (have)
		print_map(t, &prev);
	if (f)
		fclose(f);
}

/* What /proc/self/fd/N names, without the inode number of a pipe or socket */
static void fd_target(int fd, char *buf, size_t size)
{
	char path[64], *p;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
	p = strchr(buf, '[');
	if (buf[0] != '/' && p && p[1] >= '0' && p[1] <= '9')
		*p = 0;		/* pipe:[123], socket:[456] */
}

static void add_fds(struct text *t, int skip)
{
	char target[512], path[64], line[256];
	int fds[1024], nr = 0, i;
	struct dirent *e;
	struct stat sb;
	DIR *d;
	FILE *f;

	d = opendir("/proc/self/fd");
	if (!d)
		return;
	while ((e = readdir(d)) && nr < 1024) {
		if (e->d_name[0] == '.')
			continue;
		i = atoi(e->d_name);
		if (i != dirfd(d) && i != skip && i != fileno(t->f))
			fds[nr++] = i;
	}
	closedir(d);
	for (i = 0; i < nr; i++) {
		fd_target(fds[i], target, sizeof(target));
		fprintf(t->f, "fd %d: %s\n", fds[i], target);
		if (!fstat(fds[i], &sb))
			fprintf(t->f, "fd %d stat: mode %o uid %u gid %u nlink %lu size %lld\n",
				fds[i], sb.st_mode, sb.st_uid, sb.st_gid,
				(unsigned long)sb.st_nlink,
				S_ISREG(sb.st_mode) ? (long long)sb.st_size : 0LL);
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fds[i]);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "pos:", 4) || !strncmp(line, "flags:", 6))
				fprintf(t->f, "fd %d %s", fds[i], line);
		if (f)
			fclose(f);
	}
}

char *proc_self_state(int skip_fd)
{
	struct text t = { };

	t.f = open_memstream(&t.buf, &t.len);
	if (!t.f)
		return NULL;
	add_status(&t);
	add_stat(&t);
	add_limits(&t);
	add_maps(&t);
	add_fds(&t, skip_fd);
	fclose(t.f);
	return t.buf;
}

/* The line of @text whose key (up to ':') is @key's, or NULL */
static const char *find_key(const char *text, const char *line, size_t keylen)
{
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, keylen) && p[keylen] == ':')
			return p;
	return NULL;
}

int proc_self_state_diff(const char *before, const char *after, char *what, size_t size)
{
	const char *p, *end, *colon, *q;
	size_t len, keylen;

	for (p = before; *p; p = end + 1) {
		end = strchrnul(p, '\n');
		len = end - p;
		colon = memchr(p, ':', len);
		keylen = colon ? (size_t)(colon - p) : len;
		q = find_key(after, p, keylen);
		if (!q) {
			snprintf(what, size, "%.*s: gone", (int)len, p);
			return 1;
		}
		if (strncmp(q, p, len) || (q[len] != '\n' && q[len])) {
			snprintf(what, size, "%.*s: was \"%.*s\", is \"%.*s\"", (int)keylen, p,
				 (int)(len - keylen - 1), colon + 1,
				 (int)(strchrnul(q, '\n') - q - keylen - 1), q + keylen + 1);
			return 1;
		}
		if (!*end)
			break;
	}
	for (p = after; *p; p = end + 1) {
		end = strchrnul(p, '\n');
		colon = memchr(p, ':', end - p);
		keylen = colon ? (size_t)(colon - p) : (size_t)(end - p);
		if (!find_key(before, p, keylen)) {
			snprintf(what, size, "%.*s: new", (int)(end - p), p);
			return 1;
		}
		if (!*end)
			break;
	}
	return 0;
}
