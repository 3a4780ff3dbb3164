// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the checkpoint selftests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ckpt_util.h"

long sys_checkpoint(pid_t pid, int fd, unsigned long flags, int logfd)
{
	return syscall(__NR_checkpoint, pid, fd, flags, logfd);
}

long sys_restart(pid_t pid, int fd, unsigned long flags, int logfd)
{
	return syscall(__NR_restart, pid, fd, flags, logfd);
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

void image_fix_tail(struct image *img)
{
	struct ckpt_hdr_tail *t = (void *)(img->buf + img->len - sizeof(*t));

	t->length = img->len - sizeof(*t);
	t->nr_records = image_nr_records(img) - 1;
	t->crc32c = ~crc32c(~0U, img->buf, t->length);
}

pid_t spawn_sleeper(const char *comm)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, comm);
		for (;;)
			pause();
	}
	return pid;
}

void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

long checkpoint_image(pid_t pid, struct image *img, char **log)
{
	int fd = memfd("image"), logfd = memfd("log");
	long ret;

	ret = sys_checkpoint(pid, fd, 0, logfd);
	if (ret < 0)
		ret = -errno;
	img->buf = slurp(fd, &img->len);
	*log = slurp(logfd, NULL);
	close(fd);
	close(logfd);
	return ret;
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
