// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the checkpoint selftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ckpt_util.h"
#include "layout.h"

long sys_checkpoint(pid_t pid, int fd, unsigned long flags, int logfd)
{
	return syscall(__NR_checkpoint, pid, fd, flags, logfd);
}

long sys_restart(pid_t pid, int fd, unsigned long flags, int logfd)
{
	return syscall(__NR_restart, pid, fd, flags, logfd);
}

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

int memfd(const char *name)
{
	return memfd_create(name, MFD_CLOEXEC);
}

char *slurp(int fd, size_t *len)
{
	size_t size = 4096, n = 0;
	char *buf = malloc(size + 1);
	ssize_t r;

	while (buf) {
		r = pread(fd, buf + n, size - n, n);
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (!r)
			break;
		n += r;
		if (n == size) {
			size *= 2;
			buf = realloc(buf, size + 1);
		}
	}
	if (buf)
		buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78 : crc >> 1;
	}
	return crc;
}

struct ckpt_hdr *image_record(struct image *img, uint32_t type, int nth)
{
	size_t off = 0;
	struct ckpt_hdr *h;

	while (off + sizeof(*h) <= img->len) {
		h = (struct ckpt_hdr *)(img->buf + off);
		if (h->len < sizeof(*h) || h->len > img->len - off)
			return NULL;
		if (h->type == type && !nth--)
			return h;
		off += h->len;
	}
	return NULL;
}

int image_nr_records(struct image *img)
{
	size_t off = 0;
	struct ckpt_hdr *h;
	int n = 0;

	while (off + sizeof(*h) <= img->len) {
		h = (struct ckpt_hdr *)(img->buf + off);
		if (h->len < sizeof(*h) || h->len > img->len - off)
			return -1;
		off += h->len;
		n++;
	}
	return off == img->len ? n : -1;
}

uint32_t image_crc32c(struct image *img, size_t len)
{
	struct ckpt_hdr_header *hh = (struct ckpt_hdr_header *)img->buf;
	int all = len >= sizeof(*hh) && hh->h.type == CKPT_HDR_HEADER &&
		  (hh->flags & CHECKPOINT_CSUM_PAGES);
	uint32_t crc = ~0U;
	struct ckpt_hdr *h;
	size_t off = 0, n;

	while (off < len) {
		h = (struct ckpt_hdr *)(img->buf + off);
		n = len - off;
		if (n >= sizeof(*h) && h->len >= sizeof(*h) && h->len < n)
			n = h->len;
		if (n >= sizeof(*h) && h->type == CKPT_HDR_PAGE_DATA && !all)
			crc = crc32c(crc, h, sizeof(*h));
		else
			crc = crc32c(crc, h, n);
		off += n;
	}
	return ~crc;
}

void image_fix_tail(struct image *img)
{
	struct ckpt_hdr_tail *t = (void *)(img->buf + img->len - sizeof(*t));

	t->length = img->len - sizeof(*t);
	t->nr_records = image_nr_records(img) - 1;
	t->crc32c = image_crc32c(img, t->length);
}

/*
 * Where the integer @field (element [i] if it has one) of the @nth @record
 * of @img is: NULL if there is no such record, field or element
 */
static uint8_t *image_field(struct image *img, const char *record, int nth, const char *field,
			    const struct ckpt_field **fp, struct ckpt_hdr **hp)
{
	const struct ckpt_layout *l = ckpt_layout_named(record);
	const struct ckpt_field *f;
	struct ckpt_hdr *h;
	uint32_t index;
	long off;

	if (!l || nth < 0)
		return NULL;
	f = ckpt_field_named(l, field, &index);
	if (!f || f->size > sizeof(uint64_t) || (f->size & (f->size - 1)))
		return NULL;
	h = image_record(img, l->type, nth);
	if (!h)
		return NULL;
	off = ckpt_field_offset(f, l, h->len, index);
	if (off < 0)
		return NULL;
	*fp = f;
	*hp = h;
	return (uint8_t *)h + off;
}

int image_set_field(struct image *img, const char *record, int nth, const char *field,
		    uint64_t value)
{
	const struct ckpt_field *f;
	struct ckpt_hdr *h, *tail;
	uint8_t *p = image_field(img, record, nth, field, &f, &h);

	if (!p)
		return -1;
	ckpt_field_set(p, 0, f->size, value);
	if (img->len < sizeof(struct ckpt_hdr_tail))
		return 0;
	/* the tail is not in its own checksum: an edit of it stays as it is */
	tail = (struct ckpt_hdr *)(img->buf + img->len - sizeof(struct ckpt_hdr_tail));
	if (h != tail && tail->type == CKPT_HDR_TAIL && tail->len == sizeof(struct ckpt_hdr_tail))
		image_fix_tail(img);
	return 0;
}

int image_get_field(struct image *img, const char *record, int nth, const char *field,
		    uint64_t *value)
{
	const struct ckpt_field *f;
	struct ckpt_hdr *h;
	uint8_t *p = image_field(img, record, nth, field, &f, &h);
	unsigned int shift;

	if (!p)
		return -1;
	*value = ckpt_field_get(p, 0, f->size);
	if (f->is_signed && f->size < sizeof(uint64_t)) {
		shift = 64 - 8 * f->size;
		*value = (uint64_t)((int64_t)(*value << shift) >> shift);
	}
	return 0;
}

pid_t spawn_sleeper(const char *comm)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, comm);
		/* the test's memfds and pipes are not its; this closes p[1] too */
		close_range(3, ~0U, 0);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 0)
		pid = -1;	/* EOF: the child has closed its fds */
	close(p[0]);
	return pid;
}

void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

long checkpoint_image(pid_t pid, struct image *img, char **log)
{
	return checkpoint_image_flags(pid, CHECKPOINT_SUBTREE, img, log);
}

long checkpoint_image_flags(pid_t pid, unsigned long flags, struct image *img, char **log)
{
	int fd = memfd("image"), logfd = memfd("log");
	long ret;

	ret = sys_checkpoint(pid, fd, flags, logfd);
	if (ret < 0)
		ret = -errno;
	img->buf = slurp(fd, &img->len);
	*log = slurp(logfd, NULL);
	close(fd);
	close(logfd);
	return ret;
}

pid_t cycle_fork(struct cycle *c)
{
	memset(c, 0, sizeof(*c));
	if (pipe(c->ready))
		return -1;
	c->pid = fork();
	if (c->pid > 0) {
		close(c->ready[1]);
	} else if (!c->pid) {
		/* keep only the ready pipe of what the test process has open */
		if (dup2(c->ready[0], 3) < 0 || dup2(c->ready[1], 4) < 0)
			_exit(98);
		c->ready[0] = 3;
		c->ready[1] = 4;
		close_range(5, ~0U, 0);
	}
	return c->pid;
}

void ready_child(struct cycle *c)
{
	char go[64];

	close(c->ready[0]);
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", getpid());
	unlink(go);
	snprintf(go, sizeof(go), "/tmp/ckpt-why.%d", getpid());
	unlink(go);
	if (write(c->ready[1], "r", 1) != 1)
		_exit(99);
	close(c->ready[1]);
}

void wait_restored(void)
{
	char go[64];

	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", getpid());
	while (access(go, F_OK))
		usleep(2000);
	unlink(go);
}

void restored_differs(const char *fmt, ...)
{
	int err = errno;	/* for %m */
	char path[64];
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/ckpt-why.%d", getpid());
	f = fopen(path, "w");
	if (f) {
		errno = err;
		va_start(ap, fmt);
		vfprintf(f, fmt, ap);
		va_end(ap);
		fclose(f);
	}
	_exit(1);
}

const char *restored_why(pid_t pid)
{
	static const char prefix[] = "restored process: ";
	static char why[512];
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/tmp/ckpt-why.%d", pid);
	why[0] = 0;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return why;
	n = read(fd, why + sizeof(prefix) - 1, sizeof(why) - sizeof(prefix));
	if (n > 0) {
		memcpy(why, prefix, sizeof(prefix) - 1);
		why[sizeof(prefix) - 1 + n] = 0;
	}
	close(fd);
	unlink(path);
	return why;
}

long cycle_checkpoint(struct cycle *c, unsigned long flags)
{
	int fd = memfd("image"), logfd = memfd("log");
	char r;

	if (read(c->ready[0], &r, 1) != 1)
		return -EPIPE;
	close(c->ready[0]);
	usleep(50 * 1000);	/* into its wait */
	c->crid = sys_checkpoint(c->pid, fd, flags | CHECKPOINT_SUBTREE, logfd);
	if (c->crid < 0)
		c->crid = -errno;
	c->img.buf = slurp(fd, &c->img.len);
	c->log = slurp(logfd, NULL);
	close(fd);
	close(logfd);
	return c->crid;
}

/* Become uid and gid @id with no supplementary group and no capability */
int become_user(uid_t id)
{
	/* from uid 0 to another without keep-caps, the capability sets empty */
	return setgroups(0, NULL) || setresgid(id, id, id) || setresuid(id, id, id) ? -1 : 0;
}

int cycle_restart(struct cycle *c)
{
	return cycle_restart_as(c, -1);
}

int cycle_restart_as(struct cycle *c, uid_t uid)
{
	struct clone_args args = {
		.exit_signal = SIGCHLD, .set_tid = (uintptr_t)&c->pid, .set_tid_size = 1,
	};
	int fd = memfd("image"), logfd = memfd("log"), status;
	char go[64], *log;
	size_t len;
	pid_t child;

	if (write(fd, c->img.buf, c->img.len) != (ssize_t)c->img.len)
		return -EIO;
	lseek(fd, 0, SEEK_SET);
	child = syscall(__NR_clone3, &args, sizeof(args));
	if (child < 0)
		return -errno;
	if (!child) {
		/* the pid is chosen with privilege; restart(2) needs none */
		if (uid != (uid_t)-1 && become_user(uid))
			_exit(101);
		sys_restart(0, fd, 0, logfd);
		_exit(100);	/* restart failed: the log says why */
	}
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", c->pid);
	close(open(go, O_CREAT | O_WRONLY, 0600));
	if (waitpid(child, &status, 0) != child)
		return -ECHILD;
	unlink(go);
	log = slurp(logfd, &len);
	if (log && len) {
		c->log = realloc(c->log, strlen(c->log) + len + 1);
		strcat(c->log, log);
	}
	free(log);
	close(fd);
	close(logfd);
	return status;
}

int checkpoint_restart(struct cycle *c)
{
	long ret = cycle_checkpoint(c, CHECKPOINT_KILL);

	if (ret < 0) {
		reap(c->pid);
		return ret;
	}
	if (waitpid(c->pid, NULL, 0) != c->pid)
		return -ECHILD;
	return cycle_restart(c);
}

long restart_image(const void *buf, size_t len, char **log)
{
	int fd = memfd("image"), logfd = memfd("log");
	long ret;

	if (len && write(fd, buf, len) != (ssize_t)len)
		return -EIO;
	lseek(fd, 0, SEEK_SET);
	ret = sys_restart(0, fd, RESTART_VALIDATE, logfd);
	if (ret < 0)
		ret = -errno;
	*log = slurp(logfd, NULL);
	close(fd);
	close(logfd);
	return ret;
}

int run_rstr(struct image *img, const char *opt, char **log)
{
	int fd = memfd("image"), errfd = memfd("rstr-log"), status;
	size_t len, old;
	char *out;
	pid_t pid;

	if (write(fd, img->buf, img->len) != (ssize_t)img->len)
		return -EIO;
	lseek(fd, 0, SEEK_SET);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		if (dup2(fd, 0) < 0 || dup2(errfd, 2) < 0)
			_exit(127);
		close_range(3, ~0U, 0);
		execlp("rstr", "rstr", opt, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	out = slurp(errfd, &len);
	if (out && len) {
		old = *log ? strlen(*log) : 0;
		*log = realloc(*log, old + len + 1);
		memcpy(*log + old, out, len + 1);
	}
	free(out);
	close(fd);
	close(errfd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
