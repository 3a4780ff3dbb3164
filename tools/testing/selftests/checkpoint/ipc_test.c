// SPDX-License-Identifier: GPL-2.0
/*
 * SysV IPC: a process with an IPC namespace of its own has its message
 * queues, semaphore sets and shm segments (and its shm attachments) saved
 * and restored by rstr in a new IPC namespace, with the same ids, keys,
 * modes, messages, values, undo lists and contents, as the restored
 * process checks itself. A process using SysV IPC in the checkpointer's namespace is
 * refused by name and left running; broken IPC records are refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "ckpt_util.h"

#define KEY_Q		0x1234c0de
#define KEY_S		0x1234c0df
#define KEY_M		0x1234c0e0
#define BIG		5000
#define UNDO_RESULT	"/tmp/ckpt-ipc-undo"
#ifndef SHM_DEST
#define SHM_DEST	01000
#endif

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

struct msg {
	long mtype;
	char mtext[8192];
};

/* What the child made, in its memory: the restored copy checks it */
static struct {
	int q1, q2, sem, shm1, shm2;
	char *a1, *a1ro, *a2;
	long page;
} st;

static const unsigned short semvals[4] = { 7, 0, 32767, 42 };
/* after semop(+3, SEM_UNDO) on the last one */
static const unsigned short semnow[4] = { 7, 0, 32767, 45 };
static char big[BIG];

static int send(int q, long type, const void *text, size_t len)
{
	static struct msg m;

	m.mtype = type;
	memcpy(m.mtext, text, len);
	return msgsnd(q, &m, len, IPC_NOWAIT);
}

/* Make the objects; 0 or the number of the step that failed */
static int make_ipc(void)
{
	union semun arg = { .array = (void *)semvals };
	struct sembuf up = { .sem_num = 3, .sem_op = 3, .sem_flg = SEM_UNDO };
	int tmp, i;

	st.page = sysconf(_SC_PAGESIZE);
	for (i = 0; i < BIG; i++)
		big[i] = 'a' + i % 26;
	/* a queue made and removed first, so that ids are not the first ones */
	tmp = msgget(IPC_PRIVATE, 0600);
	if (tmp < 0 || msgctl(tmp, IPC_RMID, NULL))
		return 1;
	st.q1 = msgget(KEY_Q, IPC_CREAT | 0640);
	if (st.q1 < 0 || send(st.q1, 5, "first", 6) || send(st.q1, 1, big, BIG) ||
	    send(st.q1, 3, "third", 6))
		return 2;
	st.q2 = msgget(IPC_PRIVATE, IPC_CREAT | 0604);
	if (st.q2 < 0 || send(st.q2, 77, "x", 1))
		return 3;
	st.sem = semget(KEY_S, 4, IPC_CREAT | 0600);
	if (st.sem < 0 || semctl(st.sem, 0, SETALL, arg) || semop(st.sem, &up, 1))
		return 4;
	st.shm1 = shmget(KEY_M, 3 * st.page + 100, IPC_CREAT | 0600);
	if (st.shm1 < 0)
		return 5;
	st.a1 = shmat(st.shm1, NULL, 0);
	st.a1ro = shmat(st.shm1, NULL, SHM_RDONLY);
	if (st.a1 == (void *)-1 || st.a1ro == (void *)-1)
		return 6;
	memset(st.a1, 'A', st.page);		/* page 1 is never touched */
	memset(st.a1 + 2 * st.page, 'C', 100);
	/* removed while attached: goes when detached */
	st.shm2 = shmget(IPC_PRIVATE, st.page, IPC_CREAT | 0600);
	st.a2 = shmat(st.shm2, NULL, 0);
	if (st.shm2 < 0 || st.a2 == (void *)-1)
		return 7;
	memcpy(st.a2, "doomed", 7);
	if (shmctl(st.shm2, IPC_RMID, NULL))
		return 8;
	return 0;
}

/* The whole of a file once it is complete (ends with a newline), or NULL */
static char *slurp_path(const char *path)
{
	int fd = open(path, O_RDONLY);
	char *s;

	if (fd < 0)
		return NULL;
	s = slurp(fd, NULL);
	close(fd);
	if (s && (!*s || s[strlen(s) - 1] != '\n')) {
		free(s);
		s = NULL;
	}
	return s;
}

static int recv_is(int q, long type, const void *text, ssize_t len)
{
	static struct msg m;
	ssize_t n = msgrcv(q, &m, sizeof(m.mtext), 0, IPC_NOWAIT);

	return n == len && m.mtype == type && !memcmp(m.mtext, text, len);
}

static int all_is(const char *p, char c, long len)
{
	long i;

	for (i = 0; i < len; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

/* In the restored copy: 0 if everything came back, else the failed check */
static int check_ipc(void)
{
	unsigned short vals[4] = { };
	union semun all = { .array = vals };
	struct msqid_ds mq;
	struct semid_ds sd;
	union semun stat = { .buf = &sd };
	struct shmid_ds sh;
	static struct msg m;

	if (msgget(KEY_Q, 0) != st.q1)
		return 20;
	if (!recv_is(st.q1, 5, "first", 6) || !recv_is(st.q1, 1, big, BIG) ||
	    !recv_is(st.q1, 3, "third", 6))
		return 21;
	if (msgrcv(st.q1, &m, sizeof(m.mtext), 0, IPC_NOWAIT) >= 0 || errno != ENOMSG)
		return 22;
	if (msgctl(st.q1, IPC_STAT, &mq) || (mq.msg_perm.mode & 0777) != 0640 ||
	    mq.msg_perm.__key != KEY_Q || mq.msg_perm.uid != getuid() || mq.msg_qnum)
		return 23;
	if (msgctl(st.q2, IPC_STAT, &mq) || (mq.msg_perm.mode & 0777) != 0604 ||
	    mq.msg_perm.__key != IPC_PRIVATE || mq.msg_qnum != 1 || !recv_is(st.q2, 77, "x", 1))
		return 24;
	/* the queues still work */
	if (send(st.q1, 9, "again", 5) || !recv_is(st.q1, 9, "again", 5))
		return 25;
	if (semget(KEY_S, 0, 0) != st.sem)
		return 30;
	if (semctl(st.sem, 0, GETALL, all) ||
	    memcmp(vals, semnow, sizeof(vals)))
		return 31;
	if (semctl(st.sem, 0, IPC_STAT, stat) || sd.sem_nsems != 4 ||
	    (sd.sem_perm.mode & 0777) != 0600)
		return 32;
	if (shmget(KEY_M, 0, 0) != st.shm1)
		return 40;
	if (!all_is(st.a1, 'A', st.page) || !all_is(st.a1 + st.page, 0, st.page) ||
	    !all_is(st.a1 + 2 * st.page, 'C', 100) || !all_is(st.a1 + 2 * st.page + 100, 0, 100))
		return 41;
	if (!all_is(st.a1ro, 'A', st.page))
		return 42;
	st.a1[5] = 'Z';		/* one segment behind both attachments */
	if (st.a1ro[5] != 'Z')
		return 43;
	if (shmctl(st.shm1, IPC_STAT, &sh) || sh.shm_nattch != 2 ||
	    sh.shm_segsz != 3 * st.page + 100 || (sh.shm_perm.mode & 0777) != 0600)
		return 44;
	if (strcmp(st.a2, "doomed") || shmctl(st.shm2, IPC_STAT, &sh) ||
	    !(sh.shm_perm.mode & SHM_DEST) || sh.shm_nattch != 1)
		return 45;
	return 0;
}

/*
 * The undo list came back if the +3 is undone when the restored process
 * exits: a child of it waits for that and writes what it finds to @path.
 */
static void check_undo(const char *path)
{
	unsigned short vals[4] = { };
	union semun all = { .array = vals };
	pid_t parent = getpid();
	FILE *f;

	if (fork())
		return;
	while (getppid() == parent)
		usleep(2000);
	f = fopen(path, "w");
	if (semctl(st.sem, 0, GETALL, all) || memcmp(vals, semvals, sizeof(vals)))
		fprintf(f, "bad %d %d %d %d\n", vals[0], vals[1], vals[2], vals[3]);
	else
		fprintf(f, "ok\n");
	fclose(f);
	_exit(0);
}

/*
 * A child in an IPC namespace of its own with its objects, checkpointed
 * and killed into c->img. Returns what checkpoint(2) returned.
 */
static long make_container(struct cycle *c)
{
	long ret;
	int err;

	if (cycle_fork(c) < 0)
		return -errno;
	if (!c->pid) {
		if (unshare(CLONE_NEWIPC))
			_exit(10);
		err = make_ipc();
		if (err)
			_exit(err);
		ready_child(c);
		wait_restored();
		err = check_ipc();
		if (!err)
			check_undo(UNDO_RESULT);
		_exit(err);
	}
	ret = cycle_checkpoint(c, CHECKPOINT_KILL);
	if (ret < 0)
		reap(c->pid);
	else
		waitpid(c->pid, NULL, 0);
	return ret;
}

/* under TCG with a debug kernel a whole cycle takes a while */
FIXTURE(ipc) {
};

FIXTURE_SETUP(ipc)
{
}

FIXTURE_TEARDOWN(ipc)
{
}

TEST_F_TIMEOUT(ipc, container, 120)
{
	struct ckpt_hdr_ipc_ns *hn;
	struct ckpt_hdr_tree *tree;
	struct ckpt_hdr_vma *hv;
	struct ckpt_hdr_ipc_msq *hq;
	struct ckpt_hdr_ipc_undo *hu;
	int i, shm_vmas = 0, rdonly = 0, status;
	struct cycle c;
	char go[64], *undo;

	ASSERT_LT(0, make_container(&c)) TH_LOG("%s", c.log);
	tree = (void *)image_record(&c.img, CKPT_HDR_TREE, 0);
	ASSERT_NE(NULL, tree);
	EXPECT_EQ(CKPT_TREE_IPCNS, tree->flags & CKPT_TREE_IPCNS);
	hn = (void *)image_record(&c.img, CKPT_HDR_IPC_NS, 0);
	ASSERT_NE(NULL, hn);
	EXPECT_EQ(2, hn->nr_msq);
	EXPECT_EQ(1, hn->nr_sem);
	EXPECT_EQ(2, hn->nr_shm);
	hq = (void *)image_record(&c.img, CKPT_HDR_IPC_MSQ, 0);
	ASSERT_NE(NULL, hq);
	EXPECT_EQ(KEY_Q, hq->perm.key);
	EXPECT_EQ(3, hq->nr_msgs);
	for (i = 0; (hv = (void *)image_record(&c.img, CKPT_HDR_VMA, i)); i++) {
		if (hv->kind != CKPT_VMA_SYSVSHM)
			continue;
		shm_vmas++;
		rdonly += !!(hv->flags & CKPT_VMA_SHM_RDONLY);
	}
	EXPECT_EQ(3, shm_vmas);
	EXPECT_EQ(1, rdonly);

	hu = (void *)image_record(&c.img, CKPT_HDR_IPC_UNDO, 0);
	ASSERT_NE(NULL, hu);
	EXPECT_EQ(4, hu->nsems);
	EXPECT_EQ(-3, hu->semadj[3]);

	/* rstr makes a new IPC namespace by itself */
	unlink(UNDO_RESULT);
	snprintf(go, sizeof(go), "/tmp/ckpt-go.%d", c.pid);
	close(open(go, O_CREAT | O_WRONLY, 0600));
	status = run_rstr(&c.img, NULL, &c.log);
	unlink(go);
	EXPECT_EQ(0, status) TH_LOG("restored child exit status %d: %s", status, c.log);
	/* its exit undid the +3 */
	for (i = 0; i < 1000 && !(undo = slurp_path(UNDO_RESULT)); i++)
		usleep(10 * 1000);
	ASSERT_NE(NULL, undo);
	EXPECT_STREQ("ok\n", undo);
	free(undo);
	/* nothing leaked into the caller's namespace */
	EXPECT_EQ(-1, msgget(KEY_Q, 0));
	EXPECT_EQ(-1, shmget(KEY_M, 0, 0));
}

/* An image with IPC objects is not restored into a namespace that has some */
TEST_F_TIMEOUT(ipc, not_a_new_namespace, 120)
{
	struct cycle c;
	int status;

	ASSERT_LT(0, make_container(&c)) TH_LOG("%s", c.log);
	status = cycle_restart(&c);	/* in the test's own IPC namespace */
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(100, WEXITSTATUS(status));
	EXPECT_NE(NULL, strstr(c.log, "restart in a new, empty one")) TH_LOG("%s", c.log);
}

/* Broken IPC records are refused, naming the object */
TEST_F_TIMEOUT(ipc, bad_records, 120)
{
	struct ckpt_hdr_ipc_msg *hm;
	struct ckpt_hdr_ipc_sem *hs;
	struct ckpt_hdr_ipc_ns *hn;
	char *log, *orig;
	struct cycle c;
	int q1;

	ASSERT_LT(0, make_container(&c)) TH_LOG("%s", c.log);
	orig = malloc(c.img.len);
	ASSERT_NE(NULL, orig);
	memcpy(orig, c.img.buf, c.img.len);
	EXPECT_EQ(0, restart_image(c.img.buf, c.img.len, &log)) TH_LOG("%s", log);

	hm = (void *)image_record(&c.img, CKPT_HDR_IPC_MSG, 0);
	ASSERT_NE(NULL, hm);
	q1 = ((struct ckpt_hdr_ipc_msq *)image_record(&c.img, CKPT_HDR_IPC_MSQ, 0))->perm.id;
	hm->mtype = 0;
	image_fix_tail(&c.img);
	EXPECT_EQ(-EINVAL, restart_image(c.img.buf, c.img.len, &log));
	ASSERT_NE(NULL, strstr(log, "ipc: msg queue id")) TH_LOG("%s", log);
	EXPECT_EQ(q1, atoi(strstr(log, "msg queue id") + strlen("msg queue id ")));

	memcpy(c.img.buf, orig, c.img.len);
	hm = (void *)image_record(&c.img, CKPT_HDR_IPC_MSG, 1);
	ASSERT_NE(NULL, hm);
	hm->len += 8;		/* more text than the record has */
	image_fix_tail(&c.img);
	EXPECT_EQ(-EINVAL, restart_image(c.img.buf, c.img.len, &log));
	EXPECT_NE(NULL, strstr(log, "ipc: msg queue id")) TH_LOG("%s", log);

	memcpy(c.img.buf, orig, c.img.len);
	hs = (void *)image_record(&c.img, CKPT_HDR_IPC_SEM, 0);
	ASSERT_NE(NULL, hs);
	hs->semval[2] = 32768;	/* more than SEMVMX */
	image_fix_tail(&c.img);
	EXPECT_EQ(-EINVAL, restart_image(c.img.buf, c.img.len, &log));
	EXPECT_NE(NULL, strstr(log, "ipc: semaphore set id")) TH_LOG("%s", log);

	memcpy(c.img.buf, orig, c.img.len);
	hn = (void *)image_record(&c.img, CKPT_HDR_IPC_NS, 0);
	ASSERT_NE(NULL, hn);
	hn->nr_shm = 3;		/* a segment more than the image has */
	image_fix_tail(&c.img);
	EXPECT_GT(0, restart_image(c.img.buf, c.img.len, &log));
	free(orig);
}

/* A child using SysV IPC of the caller's namespace: refused, left running */
static void refused(struct __test_metadata *_metadata, int sem, int shm, const char *what)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = SEM_UNDO };
	struct cycle c;
	long ret;

	ASSERT_LE(0, cycle_fork(&c));
	if (!c.pid) {
		if (shm >= 0 && shmat(shm, NULL, 0) == (void *)-1)
			_exit(1);
		if (sem >= 0 && semop(sem, &op, 1))
			_exit(2);
		ready_child(&c);
		for (;;)
			pause();
	}
	ret = cycle_checkpoint(&c, CHECKPOINT_KILL);
	EXPECT_EQ(-EOPNOTSUPP, ret);
	EXPECT_NE(NULL, strstr(c.log, what)) TH_LOG("%s", c.log);
	usleep(20 * 1000);
	EXPECT_EQ(0, waitpid(c.pid, NULL, WNOHANG));	/* still running */
	EXPECT_EQ(0, kill(c.pid, 0));
	reap(c.pid);
}

TEST_F_TIMEOUT(ipc, host_shm_refused, 60)
{
	char what[64];
	int shm;

	shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	ASSERT_LE(0, shm);
	snprintf(what, sizeof(what), "SysV shm segment id %d", shm);
	refused(_metadata, -1, shm, what);
	shmctl(shm, IPC_RMID, NULL);
}

TEST_F_TIMEOUT(ipc, host_sem_undo_refused, 60)
{
	int sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);

	ASSERT_LE(0, sem);
	refused(_metadata, sem, -1, "SysV semaphore undo list");
	semctl(sem, 0, IPC_RMID);
}

TEST_HARNESS_MAIN
