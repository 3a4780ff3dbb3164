// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt-bench - time checkpoint and restart of a process with N MiB of
 * dirty anonymous memory, beside a plain write() and read() of the same
 * bytes to and from the same place (the sink's limit).
 *
 *   ckpt-bench DIR SIZE_MIB...
 *
 * For each size: a child dirties SIZE MiB and waits; the bench times
 * write() of SIZE MiB from its own memory to DIR/plain and read() back,
 * then checkpoint(child) to DIR/image (CHECKPOINT_KILL), then restart of
 * the image (clone3 with the child's pid, restart(2)) until the restored
 * child is back in its wait. Prints one line per size with the times and
 * the ratios checkpoint/write and restart/read. Restart has to allocate
 * the memory it fills, so it is also compared with a read() into memory
 * that was never touched ("read new").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/checkpoint.h>
#include <linux/sched.h>

#define MiB	(1024UL * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "ckpt-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Is @pid in system call @nr (/proc/PID/syscall)? */
static int in_syscall(pid_t pid, int nr)
{
	char path[64], buf[64];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return buf[0] != '-' && atoi(buf) == nr;
}

static void wait_in_pause(pid_t pid)
{
	while (!in_syscall(pid, __NR_pause))
		usleep(200);
}

static pid_t dirty_child(size_t len)
{
	pid_t pid = fork();
	char *p;

	if (pid)
		return pid;
	close_range(3, ~0U, 0);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	memset(p, 0x5a, len);
	for (;;)
		pause();
}

/* Seconds to write @len bytes of @buf to @path, or to read them back */
static double file_io(const char *path, char *buf, size_t len, int write_it)
{
	int fd = write_it ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : open(path, O_RDONLY);
	double t = now();
	size_t done = 0;
	ssize_t n;

	if (fd < 0)
		die(path);
	while (done < len) {
		n = write_it ? write(fd, buf + done, len - done) : read(fd, buf + done, len - done);
		if (n <= 0)
			die(write_it ? "write" : "read");
		done += n;
	}
	t = now() - t;
	close(fd);
	return t;
}

int main(int argc, char **argv)
{
	char plain[256], image[256];
	double tw, tr, tn, tc, ts;
	struct stat st;
	int i, fd, status;
	size_t len;
	pid_t pid, child;
	char *buf;

	if (argc < 3) {
		fprintf(stderr, "Usage: ckpt-bench DIR SIZE_MIB...\n");
		return 2;
	}
	snprintf(plain, sizeof(plain), "%s/plain", argv[1]);
	snprintf(image, sizeof(image), "%s/image", argv[1]);
	printf("%6s %9s %9s %9s %10s %10s %10s %8s %8s %8s\n", "MiB", "write s", "ckpt s",
	       "read s", "read new s", "restart s", "image MiB", "ckpt/wr", "rst/rd",
	       "rst/new");
	for (i = 2; i < argc; i++) {
		len = strtoul(argv[i], NULL, 0) * MiB;
		pid = dirty_child(len);
		if (pid < 0)
			die("fork");
		wait_in_pause(pid);

		/* the limit: the same bytes from memory to the same place and back */
		buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			die("mmap");
		memset(buf, 0x5a, len);
		tw = file_io(plain, buf, len, 1);
		tr = file_io(plain, buf, len, 0);
		munmap(buf, len);
		buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			die("mmap");
		tn = file_io(plain, buf, len, 0);
		munmap(buf, len);
		unlink(plain);

		fd = open(image, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			die(image);
		tc = now();
		if (syscall(__NR_checkpoint, pid, fd, CHECKPOINT_KILL | CHECKPOINT_SUBTREE, 2) < 0)
			die("checkpoint");
		tc = now() - tc;
		fstat(fd, &st);
		close(fd);
		waitpid(pid, NULL, 0);

		fd = open(image, O_RDONLY);
		if (fd < 0)
			die(image);
		{
			struct clone_args args = { .exit_signal = SIGCHLD,
						   .set_tid = (uintptr_t)&pid, .set_tid_size = 1 };

			ts = now();
			child = syscall(__NR_clone3, &args, sizeof(args));
			if (child < 0)
				die("clone3");
			if (!child) {
				syscall(__NR_restart, 0, fd, 0, 2);
				_exit(100);
			}
			wait_in_pause(child);
			ts = now() - ts;
		}
		close(fd);
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		unlink(image);
		printf("%6lu %9.3f %9.3f %9.3f %10.3f %10.3f %10.1f %8.2f %8.2f %8.2f\n",
		       len / MiB, tw, tc, tr, tn, ts, st.st_size / (double)MiB, tc / tw, ts / tr,
		       ts / tn);
		fflush(stdout);
	}
	return 0;
}
