// SPDX-License-Identifier: GPL-2.0
/*
 * ckpt_fuzz: the seed programs, the identities of seeds and restarting
 * processes, and what a restored seed does before it is judged.
 *
 * A seed is a child of the campaign that sets up some state (as root
 * only what needs it: an IPC namespace), becomes uid/gid 1000 without
 * any capability, sets up the rest of its state as that user (its files
 * are under /tmp, owned by it), says it is ready and waits for the go
 * file. The campaign checkpoints it then. A restored seed finds the go
 * file, disarms fault injection, checks its own state, then runs the
 * post-restore workload: it forks a child that exits, reaps it, and
 * executes this program again ("--workload"), which checks that its
 * credentials are no more than those of the restarting process and
 * exits FUZZ_EXIT_OK. The campaign (or, for the tree, the restored
 * root and rstr) reaps it and checks the code.
 *
 * Exit codes of a restored seed: FUZZ_EXIT_OK; 10-39 a check of its own
 * state failed (the image was mutated: not a failure in itself);
 * FUZZ_EXIT_CREDS its credentials go beyond its restarter's (a failure);
 * FUZZ_EXIT_WORK and up its workload failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "ckpt_fuzz.h"

const struct seed_info seed_info[NR_SEED_KINDS] = {
	[SEED_PLAIN] = { "plain", 0 },
	[SEED_FILES] = { "files+signals", 0 },
	[SEED_SLEEP] = { "nanosleep", 0 },
	[SEED_FUTEX] = { "futex", 0 },
	[SEED_BIG] = { "big", 0 },
	[SEED_ERROR] = { "error", SEED_FAILS },
	[SEED_OBJECTS] = { "objects", 0 },
	[SEED_TREE] = { "tree", SEED_RSTR },
	[SEED_IPC] = { "ipc", SEED_NEWIPC },
};

char fuzz_self[256];

/* Files of this campaign, named after its id so that campaigns can run side by side */
static char go_file[64];	/* exists: restored seeds go on */
static char data_file[64];	/* a file the seeds keep open and map */
static char map_file[64];	/* a file the big seed maps shared */
static char fifo_file[64];
static char sock_file[64];
static char del_file[64];	/* unlinked, kept open */
static char creds_file[64];	/* what --workload found wrong */

#define DATA_LEN	8192
#define SEED_GROUP1	1001
#define SEED_GROUP2	1002

static const gid_t tree_groups[] = { SEED_GROUP1, SEED_GROUP2 };

#define CAP_BIT(c)	(1ULL << (c))

/* Ports of the inet sockets of the objects seed */
static int port_base;

void seed_paths(int id, int campaign)
{
	port_base = 31000 + 10 * campaign;
	snprintf(go_file, sizeof(go_file), "/tmp/ckpt-fuzz.%d.go", id);
	snprintf(data_file, sizeof(data_file), "/tmp/ckpt-fuzz.%d.data", id);
	snprintf(map_file, sizeof(map_file), "/tmp/ckpt-fuzz.%d.map", id);
	snprintf(fifo_file, sizeof(fifo_file), "/tmp/ckpt-fuzz.%d.fifo", id);
	snprintf(sock_file, sizeof(sock_file), "/tmp/ckpt-fuzz.%d.sock", id);
	snprintf(del_file, sizeof(del_file), "/tmp/ckpt-fuzz.%d.del", id);
	snprintf(creds_file, sizeof(creds_file), "/tmp/ckpt-fuzz.%d.creds", id);
}

static uint8_t data_byte(size_t i)
{
	return 'a' + (i * 7 + i / 13) % 26;
}

/* Files the seeds use, owned by the seeds' user */
int seed_files_create(void)
{
	static uint8_t buf[DATA_LEN];
	char *files[2];
	unsigned int k;
	size_t i;
	int fd;

	files[0] = data_file;
	files[1] = map_file;

	for (i = 0; i < DATA_LEN; i++)
		buf[i] = data_byte(i);
	memcpy(buf, "fuzzdata", 8);
	for (k = 0; k < ARRAY_SIZE(files); k++) {
		unlink(files[k]);
		fd = open(files[k], O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd < 0 || write(fd, buf, DATA_LEN) != DATA_LEN ||
		    fchown(fd, FUZZ_UID, FUZZ_GID)) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	unlink(go_file);
	unlink(fifo_file);
	unlink(sock_file);
	return 0;
}

void seed_files_remove(void)
{
	unlink(go_file);
	unlink(data_file);
	unlink(map_file);
	unlink(fifo_file);
	unlink(sock_file);
	unlink(del_file);
	unlink(creds_file);
}

void seed_go(bool go)
{
	if (go)
		close(open(go_file, O_CREAT | O_WRONLY, 0644));
	else
		unlink(go_file);
}

const char *seed_creds_file(void)
{
	return creds_file;
}

/* Identities */

static int capset_all(uint64_t caps)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int i;

	for (i = 0; i < 2; i++) {
		d[i].effective = caps >> (32 * i);
		d[i].permitted = caps >> (32 * i);
		d[i].inheritable = caps >> (32 * i);
	}
	return syscall(SYS_capset, &h, d);
}

static int last_cap(void)
{
	char buf[16] = "";
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY), n = 40;

	if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0)
		n = atoi(buf);
	if (fd >= 0)
		close(fd);
	return n;
}

/*
 * Become uid/gid FUZZ_UID with the supplementary @groups, a bounding set
 * of @bset only, and the capabilities @held (all of them in the permitted,
 * effective, inheritable and ambient sets, to survive an exec); no
 * keep-caps, no other securebits. From root.
 */
static int become(uint64_t bset, uint64_t held, const gid_t *groups, int ngroups, char *why,
		  size_t whylen)
{
	int c, last = last_cap();

	for (c = 0; c <= last; c++) {
		if (!(bset & CAP_BIT(c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0)) {
			snprintf(why, whylen, "PR_CAPBSET_DROP %d: %s", c, strerror(errno));
			return -1;
		}
	}
	if (setgroups(ngroups, groups) || setresgid(FUZZ_GID, FUZZ_GID, FUZZ_GID)) {
		snprintf(why, whylen, "setgroups/setresgid: %s", strerror(errno));
		return -1;
	}
	if (held && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) {
		snprintf(why, whylen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	if (setresuid(FUZZ_UID, FUZZ_UID, FUZZ_UID)) {
		snprintf(why, whylen, "setresuid: %s", strerror(errno));
		return -1;
	}
	if (capset_all(held)) {
		snprintf(why, whylen, "capset %#llx: %s", (unsigned long long)held,
			 strerror(errno));
		return -1;
	}
	for (c = 0; c <= last; c++) {
		if ((held & CAP_BIT(c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0)) {
			snprintf(why, whylen, "PR_CAP_AMBIENT_RAISE %d: %s", c, strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)) {
		snprintf(why, whylen, "PR_SET_KEEPCAPS/PR_SET_DUMPABLE: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The identity a seed of @kind is checkpointed with: its restarter's, without capabilities */
static int become_seed(int kind, char *why, size_t whylen)
{
	if (seed_info[kind].flags & SEED_RSTR)
		return become(CAP_BIT(CAP_CHECKPOINT_RESTORE), 0, tree_groups,
			      ARRAY_SIZE(tree_groups), why, whylen);
	if (seed_info[kind].flags & SEED_NEWIPC)
		return become(CAP_BIT(CAP_CHECKPOINT_RESTORE), 0, NULL, 0, why, whylen);
	return become(0, 0, NULL, 0, why, whylen);
}

/*
 * The process that restarts an image of @kind: uid/gid 1000, no
 * supplementary group, no capability at all (not even in the bounding
 * set). rstr, which recreates a tree with clone3(set_tid), gets
 * CAP_CHECKPOINT_RESTORE and nothing else, and the groups of the tree.
 */
int become_restarter(int kind, char *why, size_t whylen)
{
	if (seed_info[kind].flags & SEED_RSTR)
		return become(CAP_BIT(CAP_CHECKPOINT_RESTORE), CAP_BIT(CAP_CHECKPOINT_RESTORE),
			      tree_groups, ARRAY_SIZE(tree_groups), why, whylen);
	/* choosing the ids of IPC objects is for CAP_CHECKPOINT_RESTORE */
	if (seed_info[kind].flags & SEED_NEWIPC)
		return become(CAP_BIT(CAP_CHECKPOINT_RESTORE), CAP_BIT(CAP_CHECKPOINT_RESTORE),
			      NULL, 0, why, whylen);
	return become(0, 0, NULL, 0, why, whylen);
}

/*
 * Are the credentials of the calling process within those of its restarter
 * (@mode 's': a single process, no capability; 'i': the IPC seed's,
 * CAP_CHECKPOINT_RESTORE; 't': the tree's, the same and two groups)?
 * Returns 0, or -1 with what differs in @why.
 */
static int creds_check(char mode, char *why, size_t whylen)
{
	uint64_t allowed = mode != 's' ? CAP_BIT(CAP_CHECKPOINT_RESTORE) : 0, v;
	bool tree = mode == 't';
	char line[256], want[64];
	unsigned int ids[4];
	int bad = 0, n;
	FILE *f = fopen("/proc/self/status", "r");

	why[0] = 0;
	if (!f) {
		snprintf(why, whylen, "/proc/self/status: %s", strerror(errno));
		return -1;
	}
	snprintf(want, sizeof(want), tree ? "%d %d" : "", SEED_GROUP1, SEED_GROUP2);
	while (fgets(line, sizeof(line), f) && !bad) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4)) {
			unsigned int id = line[0] == 'U' ? FUZZ_UID : FUZZ_GID;

			n = sscanf(line + 4, "%u %u %u %u", &ids[0], &ids[1], &ids[2], &ids[3]);
			bad = n != 4 || ids[0] != id || ids[1] != id || ids[2] != id ||
			      ids[3] != id;
		} else if (!strncmp(line, "Groups:", 7)) {
			char *g = line + 7;

			g += strspn(g, " \t");
			n = strlen(g);
			while (n && g[n - 1] == ' ')
				g[--n] = 0;
			bad = strcmp(g, want) != 0;
		} else if (!strncmp(line, "CapInh:", 7) || !strncmp(line, "CapPrm:", 7) ||
			   !strncmp(line, "CapEff:", 7) || !strncmp(line, "CapAmb:", 7)) {
			v = strtoull(line + 7, NULL, 16);
			bad = (v & ~allowed) != 0;
		} else if (!strncmp(line, "CapBnd:", 7)) {
			v = strtoull(line + 7, NULL, 16);
			bad = v != allowed;
		}
		if (bad)
			snprintf(why, whylen, "%s", line);
	}
	fclose(f);
	return bad ? -1 : 0;
}

/* The program a restored seed executes: ckpt_fuzz --workload s|i|t CREDS_FILE */
int workload_main(int argc, char **argv)
{
	char why[256];
	int fd;

	if (argc != 4 || strlen(argv[2]) != 1 || !strchr("sit", argv[2][0]))
		return 44;
	if (!creds_check(argv[2][0], why, sizeof(why)))
		return FUZZ_EXIT_OK;
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dprintf(fd, "after exec: %s\n", why);
		close(fd);
	}
	return FUZZ_EXIT_CREDS;
}

/* Seed programs */

static sig_atomic_t got_usr1;
static uint64_t *seed_mem, *seed_shared;
static size_t seed_pages;
static uint8_t *seed_fmap, *seed_smap;
static pid_t seed_pid;
static stack_t seed_altstack;
static struct sockaddr_in seed_tcp, seed_udp;
static uint32_t seed_futex;
static pid_t tree_child, tree_zombie;
static pthread_t tree_thread;
static int tree_thread_done;
static int ipc_msq, ipc_sem, ipc_shm;
static uint8_t *ipc_shm_addr;

static void on_usr1(int sig)
{
	__atomic_store_n(&got_usr1, 1, __ATOMIC_SEQ_CST);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static int loopback_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (s < 0)
		return -1;
	ret = ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ret = ret ?: ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return ret;
}

/* Two POSIX timers that won't fire while the seed lives: 0 and 1 */
static int seed_timers(void)
{
	struct itimerspec its = { .it_value = { 1000, 0 }, .it_interval = { 1000, 0 } };
	struct itimerval itv = { .it_value = { 1000, 0 }, .it_interval = { 500, 0 } };
	struct sigevent sev;
	int id;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id) || id != 0 ||
	    syscall(SYS_timer_settime, id, 0, &its, NULL))
		return -1;
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_int = 0x7173;
	if (syscall(SYS_timer_create, CLOCK_REALTIME, &sev, &id) || id != 1 ||
	    syscall(SYS_timer_settime, id, 0, &its, NULL))
		return -1;
	if (setitimer(ITIMER_REAL, &itv, NULL) || setitimer(ITIMER_VIRTUAL, &itv, NULL))
		return -1;
	return 0;
}

/* Files, signals, timers, limits, an alternate signal stack */
static int seed_files(void)
{
	struct rlimit rl;
	union sigval sv = { .sival_int = 0x1234 };
	sigset_t set;
	int fd;

	fd = open(data_file, O_RDWR);
	if (fd < 0 || dup3(fd, 6, O_CLOEXEC) != 6 || dup2(6, 7) != 7 ||
	    lseek(6, 3, SEEK_SET) != 3)
		return -1;
	close(fd);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 5) != 5)
		return -1;
	close(fd);
	signal(SIGUSR1, on_usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	if (sigqueue(getpid(), SIGRTMIN + 1, sv))
		return -1;
	if (seed_timers())
		return -1;
	seed_altstack.ss_size = 64 * 1024;
	seed_altstack.ss_sp = mmap(NULL, seed_altstack.ss_size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (seed_altstack.ss_sp == MAP_FAILED || sigaltstack(&seed_altstack, NULL))
		return -1;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	rl.rlim_cur = 333;
	if (setrlimit(RLIMIT_NOFILE, &rl) || prctl(PR_SET_PDEATHSIG, SIGHUP) || chdir("/tmp"))
		return -1;
	umask(027);
	return 0;
}

static int seed_check_files(void)
{
	struct itimerspec its;
	struct itimerval itv;
	struct sigaction sa;
	struct timespec zero = { 0, 0 };
	struct rlimit rl;
	siginfo_t si;
	stack_t ss;
	sigset_t set;
	char buf[16];
	struct stat st;
	int sig = 0;

	if (lseek(6, 0, SEEK_CUR) != 3 || lseek(7, 0, SEEK_CUR) != 3)
		return 14;
	if (pread(6, buf, 8, 0) != 8 || memcmp(buf, "fuzzdata", 8))
		return 15;
	if (fstat(5, &st) || !S_ISCHR(st.st_mode))
		return 16;
	if (fcntl(6, F_GETFD) != FD_CLOEXEC || fcntl(7, F_GETFD) != 0)
		return 17;
	if (sigprocmask(SIG_BLOCK, NULL, &set) || !sigismember(&set, SIGUSR2))
		return 18;
	if (sigpending(&set) || !sigismember(&set, SIGUSR2) || !sigismember(&set, SIGRTMIN + 1))
		return 19;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	if (sigtimedwait(&set, &si, &zero) != SIGRTMIN + 1 || si.si_code != SI_QUEUE ||
	    si.si_value.sival_int != 0x1234 || si.si_pid != seed_pid)
		return 20;
	if (sigaction(SIGUSR1, NULL, &sa) || sa.sa_handler != on_usr1)
		return 21;
	raise(SIGUSR1);
	if (!__atomic_load_n(&got_usr1, __ATOMIC_SEQ_CST))
		return 22;
	/* its two POSIX timers, 0 and 1, and its itimers */
	if (syscall(SYS_timer_gettime, 0, &its) || its.it_value.tv_sec < 900)
		return 23;
	if (syscall(SYS_timer_gettime, 1, &its) || its.it_interval.tv_sec != 1000)
		return 24;
	if (getitimer(ITIMER_REAL, &itv) || itv.it_value.tv_sec < 900 ||
	    itv.it_interval.tv_sec != 500)
		return 25;
	if (getitimer(ITIMER_VIRTUAL, &itv) || itv.it_value.tv_sec < 900)
		return 26;
	if (sigaltstack(NULL, &ss) || ss.ss_sp != seed_altstack.ss_sp ||
	    ss.ss_size != seed_altstack.ss_size)
		return 27;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur != 333)
		return 28;
	if (prctl(PR_GET_PDEATHSIG, &sig) || sig != SIGHUP)
		return 29;
	if (umask(027) != 027 || !getcwd(buf, sizeof(buf)) || strcmp(buf, "/tmp"))
		return 30;
	/* the timer of SIGUSR1 must not fire in the workload */
	signal(SIGUSR1, SIG_IGN);
	return 0;
}

/*
 * The objects seed, at fds 8..: a pipe with bytes in it, a unix socket
 * pair with a message waiting, a memfd with data and seals, an eventfd, a
 * timerfd, an epoll file watching the pipe, a FIFO with data, a deleted
 * file with data, a signalfd, a listening unix socket with a path, an
 * abstract datagram one, unbound, bound and listening TCP sockets,
 * unbound, bound and connected UDP sockets.
 */
enum {
	OFD_PIPE_R = 8, OFD_PIPE_W, OFD_SP0, OFD_SP1, OFD_MEMFD, OFD_EVENTFD, OFD_TIMERFD,
	OFD_EPOLL, OFD_FIFO, OFD_DELETED, OFD_SIGNALFD, OFD_UNIX_LISTEN, OFD_UNIX_DGRAM,
	OFD_TCP, OFD_TCP_BOUND, OFD_TCP_LISTEN, OFD_UDP, OFD_UDP_BOUND, OFD_UDP_CONN, OFD_END
};

static int move_fd(int fd, int to)
{
	if (fd < 0 || dup2(fd, to) != to)
		return -1;
	if (fd != to)
		close(fd);
	return 0;
}

/* A socket, bound to port_base + @port of the loopback address if @bound */
static int inet_socket(int type, struct sockaddr_in *bound, int port, int listen_too)
{
	int s = socket(AF_INET, type, 0), one = 1;

	if (s < 0 || !bound)
		return s;
	bound->sin_family = AF_INET;
	bound->sin_port = htons(port_base + port);
	bound->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)bound, sizeof(*bound)) || (listen_too && listen(s, 5))) {
		close(s);
		return -1;
	}
	return s;
}

static int seed_objects(void)
{
	struct itimerspec its = { .it_value = { 1000, 0 } };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xfeed };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sockaddr_in tmp;
	uint64_t one = 7;
	int p[2], sv[2], fd;
	sigset_t mask;

	if (pipe(p) || move_fd(p[0], OFD_PIPE_R) || move_fd(p[1], OFD_PIPE_W) ||
	    write(OFD_PIPE_W, "pipedata", 8) != 8)
		return 1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) || move_fd(sv[0], OFD_SP0) ||
	    move_fd(sv[1], OFD_SP1) || send(OFD_SP1, "sockdata", 8, 0) != 8)
		return 2;
	fd = memfd_create("fuzz", MFD_ALLOW_SEALING);
	if (move_fd(fd, OFD_MEMFD) || pwrite(OFD_MEMFD, "memfdata", 8, 4096) != 8 ||
	    fcntl(OFD_MEMFD, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW))
		return 3;
	if (move_fd(eventfd(0, 0), OFD_EVENTFD) || write(OFD_EVENTFD, &one, 8) != 8)
		return 4;
	if (move_fd(timerfd_create(CLOCK_MONOTONIC, 0), OFD_TIMERFD) ||
	    timerfd_settime(OFD_TIMERFD, 0, &its, NULL))
		return 5;
	if (move_fd(epoll_create1(0), OFD_EPOLL) ||
	    epoll_ctl(OFD_EPOLL, EPOLL_CTL_ADD, OFD_PIPE_R, &ev))
		return 6;
	if (mkfifo(fifo_file, 0600) || move_fd(open(fifo_file, O_RDWR), OFD_FIFO) ||
	    write(OFD_FIFO, "fifodata", 8) != 8)
		return 7;
	fd = open(del_file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (move_fd(fd, OFD_DELETED) || pwrite(OFD_DELETED, "deldata!", 8, 100) != 8 ||
	    unlink(del_file))
		return 8;
	/* the signals it reads, blocked */
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    move_fd(signalfd(-1, &mask, SFD_NONBLOCK), OFD_SIGNALFD))
		return 9;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_file);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (move_fd(fd, OFD_UNIX_LISTEN) ||
	    bind(OFD_UNIX_LISTEN, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(OFD_UNIX_LISTEN, 4))
		return 10;
	/* an abstract name: the path's, after a NUL */
	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "%s", sock_file);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (move_fd(fd, OFD_UNIX_DGRAM) ||
	    bind(OFD_UNIX_DGRAM, (struct sockaddr *)&sun,
		 offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sun.sun_path + 1)))
		return 11;
	if (move_fd(inet_socket(SOCK_STREAM, NULL, 0, 0), OFD_TCP) ||
	    move_fd(inet_socket(SOCK_STREAM, &tmp, 2, 0), OFD_TCP_BOUND) ||
	    move_fd(inet_socket(SOCK_STREAM, &seed_tcp, 0, 1), OFD_TCP_LISTEN))
		return 12;
	if (move_fd(inet_socket(SOCK_DGRAM, NULL, 0, 0), OFD_UDP) ||
	    move_fd(inet_socket(SOCK_DGRAM, &seed_udp, 1, 0), OFD_UDP_BOUND) ||
	    move_fd(inet_socket(SOCK_DGRAM, NULL, 0, 0), OFD_UDP_CONN) ||
	    connect(OFD_UDP_CONN, (struct sockaddr *)&seed_udp, sizeof(seed_udp)))
		return 13;
	close_range(OFD_END, ~0U, 0);
	return 0;
}

/* Is @fd ready for @events within a second? A restored object may hold nothing to read */
static bool ready_in(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 1000) == 1 && (p.revents & events);
}

static int seed_check_objects(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct signalfd_siginfo ssi;
	struct itimerspec its;
	struct epoll_event ev;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	char buf[16];
	uint64_t v;
	int s, c;

	if (epoll_wait(OFD_EPOLL, &ev, 1, 0) != 1 || ev.data.u64 != 0xfeed)
		return 14;
	if (!ready_in(OFD_PIPE_R, POLLIN) || read(OFD_PIPE_R, buf, 16) != 8 ||
	    memcmp(buf, "pipedata", 8))
		return 15;
	if (recv(OFD_SP0, buf, 16, MSG_DONTWAIT) != 8 || memcmp(buf, "sockdata", 8))
		return 16;
	if (pread(OFD_MEMFD, buf, 8, 4096) != 8 || memcmp(buf, "memfdata", 8) ||
	    fcntl(OFD_MEMFD, F_GET_SEALS) != (F_SEAL_SHRINK | F_SEAL_GROW))
		return 17;
	if (!ready_in(OFD_EVENTFD, POLLIN) || read(OFD_EVENTFD, &v, 8) != 8 || v != 7)
		return 18;
	if (timerfd_gettime(OFD_TIMERFD, &its) || its.it_value.tv_sec < 900)
		return 19;
	if (!ready_in(OFD_FIFO, POLLIN) || read(OFD_FIFO, buf, 8) != 8 ||
	    memcmp(buf, "fifodata", 8))
		return 20;
	if (pread(OFD_DELETED, buf, 8, 100) != 8 || memcmp(buf, "deldata!", 8))
		return 21;
	raise(SIGUSR2);
	if (read(OFD_SIGNALFD, &ssi, sizeof(ssi)) != sizeof(ssi) || ssi.ssi_signo != SIGUSR2)
		return 22;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_file);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sun, sizeof(sun)))
		return 23;
	s = ready_in(OFD_UNIX_LISTEN, POLLIN) ? accept(OFD_UNIX_LISTEN, NULL, NULL) : -1;
	if (s < 0 || write(c, "u", 1) != 1 || !ready_in(s, POLLIN) || read(s, buf, 1) != 1)
		return 24;
	close(s);
	close(c);
	if (getsockname(OFD_TCP_LISTEN, (struct sockaddr *)&a, &alen) ||
	    a.sin_port != seed_tcp.sin_port)
		return 25;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&seed_tcp, sizeof(seed_tcp)))
		return 26;
	s = ready_in(OFD_TCP_LISTEN, POLLIN) ? accept(OFD_TCP_LISTEN, NULL, NULL) : -1;
	if (s < 0 || write(c, "tcp", 3) != 3 || !ready_in(s, POLLIN) || read(s, buf, 8) != 3)
		return 27;
	/* the client closes first: its port, not the listener's, waits */
	close(c);
	close(s);
	if (send(OFD_UDP_CONN, "udp", 3, MSG_DONTWAIT) != 3 || !ready_in(OFD_UDP_BOUND, POLLIN) ||
	    recv(OFD_UDP_BOUND, buf, 8, MSG_DONTWAIT) != 3)
		return 28;
	return 0;
}

/* Several memory mappings: anonymous, file private and shared, no access, growing down */
static int seed_big(void)
{
	uint8_t *p;
	int fd;

	fd = open(data_file, O_RDONLY);
	seed_fmap = mmap(NULL, DATA_LEN, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	fd = open(map_file, O_RDWR);
	seed_smap = mmap(NULL, DATA_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (seed_fmap == MAP_FAILED || seed_smap == MAP_FAILED)
		return -1;
	memcpy(seed_smap + 4096, "sharedmap", 9);
	p = mmap(NULL, 16 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	p[3 * 4096] = 0x5a;
	return 0;
}

static int seed_check_big(void)
{
	size_t i;

	for (i = 8; i < DATA_LEN; i++)
		if (seed_fmap[i] != data_byte(i))
			return 14;
	if (memcmp(seed_smap + 4096, "sharedmap", 9))
		return 15;
	return 0;
}

/* SysV IPC in an IPC namespace of its own: a queue, a semaphore set (undo), a segment */
static int seed_ipc(void)
{
	struct { long mtype; char text[16]; } m = { 3, "ipcmsg-1" };
	struct sembuf op = { .sem_num = 1, .sem_op = 2, .sem_flg = SEM_UNDO };

	ipc_msq = msgget(IPC_PRIVATE, 0600);
	if (ipc_msq < 0 || msgsnd(ipc_msq, &m, 8, 0))
		return -1;
	m.mtype = 5;
	memcpy(m.text, "ipcmsg-2-longer", 15);
	if (msgsnd(ipc_msq, &m, 15, 0))
		return -1;
	ipc_sem = semget(IPC_PRIVATE, 3, 0600);
	if (ipc_sem < 0 || semctl(ipc_sem, 0, SETVAL, 11) || semctl(ipc_sem, 2, SETVAL, 33) ||
	    semop(ipc_sem, &op, 1))
		return -1;
	ipc_shm = shmget(IPC_PRIVATE, 3 * 4096, 0600);
	if (ipc_shm < 0)
		return -1;
	ipc_shm_addr = shmat(ipc_shm, NULL, 0);
	if (ipc_shm_addr == (void *)-1)
		return -1;
	memcpy(ipc_shm_addr, "shm-page0", 9);
	memcpy(ipc_shm_addr + 2 * 4096, "shm-page2", 9);
	return 0;
}

static int seed_check_ipc(void)
{
	struct { long mtype; char text[32]; } m;

	if (memcmp(ipc_shm_addr, "shm-page0", 9) || memcmp(ipc_shm_addr + 2 * 4096, "shm-page2", 9))
		return 14;
	if (semctl(ipc_sem, 0, GETVAL) != 11 || semctl(ipc_sem, 1, GETVAL) != 2 ||
	    semctl(ipc_sem, 2, GETVAL) != 33)
		return 15;
	if (msgrcv(ipc_msq, &m, sizeof(m.text), 0, IPC_NOWAIT) != 8 || m.mtype != 3 ||
	    memcmp(m.text, "ipcmsg-1", 8))
		return 16;
	if (msgrcv(ipc_msq, &m, sizeof(m.text), 0, IPC_NOWAIT) != 15 || m.mtype != 5)
		return 17;
	return 0;
}

/* Wait for the go file: the seed is checkpointed in there */
static void seed_wait(int kind)
{
	struct timespec ms = { 0, 1000 * 1000 }, t;

	while (access(go_file, F_OK)) {
		switch (kind) {
		case SEED_SLEEP:
			/* checkpointed in the middle of it */
			t.tv_sec = 0;
			t.tv_nsec = 300 * 1000 * 1000;
			clock_nanosleep(CLOCK_MONOTONIC, 0, &t, NULL);
			break;
		case SEED_FUTEX:
			clock_gettime(CLOCK_REALTIME, &t);
			t.tv_nsec += 300 * 1000 * 1000;
			if (t.tv_nsec >= 1000 * 1000 * 1000) {
				t.tv_sec++;
				t.tv_nsec -= 1000 * 1000 * 1000;
			}
			syscall(SYS_futex, &seed_futex,
				FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 0,
				&t, NULL, 0x5);
			break;
		default:
			nanosleep(&ms, NULL);
		}
	}
}

/* Fault injection stays armed in a restored task: disarm it before anything else */
static void fail_nth_disarm(void)
{
	int fd, tries;

	for (tries = 0; tries < 3; tries++) {
		fd = open("/proc/thread-self/fail-nth", O_RDWR);
		if (fd < 0)
			continue;	/* maybe the fault itself */
		if (pwrite(fd, "0", 1, 0) == 1)
			tries = 3;
		close(fd);
	}
}

/* Runs in a restored seed: 0 if its state is what it was, else the check number */
static int seed_check(int kind)
{
	size_t i;

	if (getpid() != seed_pid)
		return 10;
	for (i = 0; i < seed_pages * 512; i++)
		if (seed_mem[i] != mix(i + kind))
			return 11;
	if (seed_shared[0] != 0x5eed5eed5eedULL + kind)
		return 12;
	if (kind == SEED_FUTEX && seed_futex != 0)
		return 13;
	switch (kind) {
	case SEED_FILES:
		return seed_check_files();
	case SEED_OBJECTS:
		return seed_check_objects();
	case SEED_BIG:
		return seed_check_big();
	case SEED_IPC:
		return seed_check_ipc();
	}
	return 0;
}

/*
 * The post-restore workload: a child that exits, reaped; then this program
 * executed, which checks the credentials and exits FUZZ_EXIT_OK
 */
static void seed_workload(char mode)
{
	char *argv[5], *envp[1] = { NULL };
	char why[200];
	int status, fd;
	pid_t pid;

	if (creds_check(mode, why, sizeof(why))) {
		fd = open(creds_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dprintf(fd, "restored: %s\n", why);
			close(fd);
		}
		_exit(FUZZ_EXIT_CREDS);
	}
	pid = fork();
	if (pid < 0)
		_exit(FUZZ_EXIT_WORK);
	if (!pid)
		_exit(7);
	if (waitpid(pid, &status, 0) != pid)
		_exit(FUZZ_EXIT_WORK + 1);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7)
		_exit(FUZZ_EXIT_WORK + 2);
	argv[0] = (char *)"ckpt_fuzz";
	argv[1] = (char *)"--workload";
	argv[2] = mode == 't' ? "t" : mode == 'i' ? "i" : "s";
	argv[3] = creds_file;
	argv[4] = NULL;
	execve(fuzz_self, argv, envp);
	_exit(FUZZ_EXIT_WORK + 3);
}

/* The tree: a thread, a child in a process group of its own, a zombie */

static void *tree_thread_main(void *arg)
{
	struct timespec t = { 0, 50 * 1000 * 1000 };

	while (access(go_file, F_OK))
		nanosleep(&t, NULL);
	__atomic_store_n(&tree_thread_done, 1, __ATOMIC_SEQ_CST);
	return (void *)7L;
}

static int seed_tree(int ready)
{
	siginfo_t si;
	int p[2];

	if (pipe(p))
		return -1;
	tree_zombie = fork();
	if (!tree_zombie)
		_exit(7);
	tree_child = fork();
	if (!tree_child) {
		char buf[16];

		close(ready);
		close(p[1]);
		if (dup2(p[0], 8) != 8)
			_exit(90);
		close(p[0]);
		seed_pid = getpid();
		setpgid(0, 0);
		seed_wait(SEED_PLAIN);
		if (getpid() != seed_pid)
			_exit(30);
		if (!ready_in(8, POLLIN) || read(8, buf, 16) != 8 || memcmp(buf, "treedata", 8))
			_exit(31);
		seed_workload('t');
	}
	close(p[0]);
	if (tree_zombie < 0 || tree_child < 0 || dup2(p[1], 9) != 9 ||
	    write(9, "treedata", 8) != 8)
		return -1;
	if (p[1] != 9)
		close(p[1]);
	if (pthread_create(&tree_thread, NULL, tree_thread_main, NULL))
		return -1;
	/* a zombie, not reaped */
	while (waitid(P_PID, tree_zombie, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	return 0;
}

static int seed_check_tree(void)
{
	void *ret;
	int status;

	if (pthread_join(tree_thread, &ret) || ret != (void *)7L ||
	    !__atomic_load_n(&tree_thread_done, __ATOMIC_SEQ_CST))
		return 14;
	if (waitpid(tree_zombie, &status, 0) != tree_zombie || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 7)
		return 15;
	if (waitpid(tree_child, &status, 0) != tree_child)
		return 16;
	if (WIFEXITED(status) && WEXITSTATUS(status) != FUZZ_EXIT_OK)
		return WEXITSTATUS(status);	/* the child's reason */
	if (!WIFEXITED(status))
		return 17;
	return 0;
}

static void seed_main(int kind, int ready)
{
	char why[200];
	size_t i;
	int fd, ret;

	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) || dup2(fd, 1) != 1 || dup2(fd, 2) != 2)
		_exit(89);
	close(fd);
	seed_pid = getpid();
	if (kind == SEED_IPC && unshare(CLONE_NEWIPC))
		_exit(88);
	if (become_seed(kind, why, sizeof(why)))
		_exit(87);
	seed_pages = kind == SEED_BIG ? 1100 : 8;
	seed_mem = mmap(NULL, seed_pages * 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	seed_shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seed_mem == MAP_FAILED || seed_shared == MAP_FAILED)
		_exit(90);
	for (i = 0; i < seed_pages * 512; i++)
		seed_mem[i] = mix(i + kind);
	seed_shared[0] = 0x5eed5eed5eedULL + kind;
	prctl(PR_SET_NAME, "fuzzseed");
	ret = 0;
	switch (kind) {
	case SEED_FILES:
		ret = seed_files();
		break;
	case SEED_ERROR:
		ret = seed_files() || inotify_init1(0) < 0;
		break;
	case SEED_OBJECTS:
		ret = seed_objects();
		break;
	case SEED_BIG:
		ret = seed_big();
		break;
	case SEED_IPC:
		ret = seed_ipc();
		break;
	case SEED_TREE:
		ret = seed_tree(ready);
		break;
	}
	if (ret)
		_exit(80);
	if (write(ready, "r", 1) != 1)
		_exit(94);
	close(ready);
	seed_wait(kind);

	/* restored */
	fail_nth_disarm();
	ret = seed_check(kind);
	if (!ret && kind == SEED_TREE)
		ret = seed_check_tree();
	if (ret)
		_exit(ret);
	seed_workload(kind == SEED_TREE ? 't' : kind == SEED_IPC ? 'i' : 's');
}

/* Start a seed process and wait until it is ready to be checkpointed */
pid_t seed_start(int kind, char *why, size_t whylen)
{
	int p[2], status = 0;
	pid_t pid;
	char c;

	if (kind == SEED_OBJECTS && loopback_up()) {
		snprintf(why, whylen, "loopback interface: %s", strerror(errno));
		return -1;
	}
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(p[0]);
		if (dup2(p[1], 3) != 3)
			_exit(95);
		close_range(4, ~0U, 0);
		seed_main(kind, 3);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		snprintf(why, whylen, "did not start (status %#x)", status);
		close(p[0]);
		return -1;
	}
	close(p[0]);
	return pid;
}
