// SPDX-License-Identifier: GPL-2.0
/*
 * One task of the tree: its records in order (task, CPU, memory, files,
 * signals) and the per-task record itself.
 */

#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/futex.h>
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/rseq.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/security.h>
#include <linux/syscalls.h>
#include <linux/timekeeping.h>
#include <linux/uidgid.h>
#include <linux/err.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

static clockid_t ckpt_sleep_clock_ok(clockid_t clockid)
{
	return clockid == CLOCK_MONOTONIC || clockid == CLOCK_REALTIME ||
	       clockid == CLOCK_BOOTTIME || clockid == CLOCK_TAI;
}

static ktime_t ckpt_clock_now(clockid_t clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME:
		return ktime_get_real();
	case CLOCK_BOOTTIME:
		return ktime_get_boottime();
	case CLOCK_TAI:
		return ktime_get_clocktai();
	}
	return ktime_get();
}

/*
 * A sleep restored from an image: like hrtimer_nanosleep_restart(), until an
 * absolute time, and it stays ours if interrupted again so that a second
 * checkpoint recognizes it.
 */
static long ckpt_nanosleep_restart(struct restart_block *rb)
{
	clockid_t clockid = rb->nanosleep.clockid;
	u64 expires = rb->nanosleep.expires;
	long ret;

	ret = hrtimer_nanosleep(ns_to_ktime(expires), HRTIMER_MODE_ABS, clockid);
	if (ret == -ERESTARTNOHAND) {
		rb->nanosleep.clockid = clockid;
		rb->nanosleep.expires = expires;
		rb->nanosleep.type = TT_NONE;
		set_restart_fn(rb, ckpt_nanosleep_restart);
	}
	return ret;
}

/*
 * A futex wait restored from an image: a FUTEX_WAIT_BITSET until an
 * absolute time, whatever the original call was; it stays ours if
 * interrupted again. rb->futex.flags holds the futex(2) op flags here.
 */
static long ckpt_futex_restart(struct restart_block *rb)
{
	u32 __user *uaddr = rb->futex.uaddr;
	u32 val = rb->futex.val, bitset = rb->futex.bitset, op = rb->futex.flags;
	ktime_t t = rb->futex.time;
	long ret;

	ret = do_futex(uaddr, FUTEX_WAIT_BITSET | op, val, &t, NULL, 0, bitset);
	if (ret == -ERESTART_RESTARTBLOCK) {
		rb->futex.uaddr = uaddr;
		rb->futex.val = val;
		rb->futex.bitset = bitset;
		rb->futex.flags = op;
		rb->futex.time = t;
		set_restart_fn(rb, ckpt_futex_restart);
	}
	return ret;
}

static void checkpoint_futex_wait(struct task_struct *t, struct pt_regs *regs,
				  struct ckpt_hdr_task *ht)
{
	struct restart_block *rb = &t->restart_block;
	unsigned long args[6];
	u32 op, cmd;

	if (rb->fn == ckpt_futex_restart) {
		op = rb->futex.flags;
		ht->restart_uaddr = (unsigned long)rb->futex.uaddr;
		ht->restart_val = rb->futex.val;
		ht->restart_bitset = rb->futex.bitset;
	} else {
		syscall_get_arguments(t, regs, args);
		op = args[1];
		cmd = op & FUTEX_CMD_MASK;
		if (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
			return;
		ht->restart_uaddr = args[0];
		ht->restart_val = args[2];
		ht->restart_bitset = cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : args[5];
	}
	ht->restart_op = op & (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	ht->restart_kind = CKPT_RESTART_FUTEX;
	ht->restart_clockid = op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	ht->restart_left_ns = max_t(s64, 0, rb->futex.time -
				    ktime_to_ns(ckpt_clock_now(ht->restart_clockid)));
}

/* Is @t frozen in a sleep that resumes through restart_syscall(2)? */
static void checkpoint_restart_block(struct task_struct *t, struct ckpt_hdr_task *ht)
{
	struct pt_regs *regs = task_pt_regs(t);
	struct restart_block *rb = &t->restart_block;
	long nr = syscall_get_nr(t, regs);
	long err = syscall_get_error(t, regs);
	bool sleep;

	if (t == current || READ_ONCE(t->saved_state) != TASK_RUNNING)
		return;
	if ((nr == __NR_futex && err == -ERESTART_RESTARTBLOCK) ||
	    (nr == __NR_restart_syscall && rb->fn == ckpt_futex_restart &&
	     (err == -ERESTART_RESTARTBLOCK || err == -ERESTARTNOHAND))) {
		checkpoint_futex_wait(t, regs, ht);
		return;
	}
	if (nr == __NR_nanosleep || nr == __NR_clock_nanosleep)
		sleep = err == -ERESTART_RESTARTBLOCK;
	else if (nr == __NR_restart_syscall)
		sleep = rb->fn == ckpt_nanosleep_restart &&
			(err == -ERESTART_RESTARTBLOCK || err == -ERESTARTNOHAND);
	else
		return;
	if (!sleep || !ckpt_sleep_clock_ok(rb->nanosleep.clockid))
		return;
	ht->restart_kind = CKPT_RESTART_NANOSLEEP;
	ht->restart_clockid = rb->nanosleep.clockid;
	ht->restart_left_ns = max_t(s64, 0, rb->nanosleep.expires -
				    ktime_to_ns(ckpt_clock_now(rb->nanosleep.clockid)));
}

static void checkpoint_creds(struct task_struct *t, struct ckpt_hdr_task *ht)
{
	struct user_namespace *ns = current_user_ns();
	const struct cred *c;

	rcu_read_lock();
	c = __task_cred(t);
	ht->uid = from_kuid_munged(ns, c->uid);
	ht->euid = from_kuid_munged(ns, c->euid);
	ht->suid = from_kuid_munged(ns, c->suid);
	ht->fsuid = from_kuid_munged(ns, c->fsuid);
	ht->gid = from_kgid_munged(ns, c->gid);
	ht->egid = from_kgid_munged(ns, c->egid);
	ht->sgid = from_kgid_munged(ns, c->sgid);
	ht->fsgid = from_kgid_munged(ns, c->fsgid);
	rcu_read_unlock();
}

static int checkpoint_task(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_task *ht;
	struct rlimit *rlim;
	int i;

	ht = ckpt_hdr_alloc(CKPT_HDR_TASK, sizeof(*ht));
	if (!ht)
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for the task record", ctx->pid);
	ht->personality = t->personality;
	ht->exit_signal = t->exit_signal;
	ht->pdeath_signal = t->pdeath_signal;
	get_task_comm(ht->comm, t);
	checkpoint_creds(t, ht);
	ht->set_child_tid = (unsigned long)t->set_child_tid;
	ht->clear_child_tid = (unsigned long)t->clear_child_tid;
#ifdef CONFIG_FUTEX
	ht->robust_list = (unsigned long)t->robust_list;
	ht->robust_list_len = t->robust_list ? sizeof(*t->robust_list) : 0;
#endif
#ifdef CONFIG_RSEQ
	ht->rseq = (unsigned long)t->rseq;
	ht->rseq_len = t->rseq_len;
	ht->rseq_sig = t->rseq_sig;
#endif
	ht->sas_ss_sp = t->sas_ss_sp;
	ht->sas_ss_size = t->sas_ss_size;
	ht->sas_ss_flags = t->sas_ss_flags;
	ht->nr_rlimits = CKPT_RLIM_NLIMITS;
	task_lock(t->group_leader);
	rlim = t->signal->rlim;
	for (i = 0; i < CKPT_RLIM_NLIMITS; i++) {
		ht->rlim[i].cur = rlim[i].rlim_cur;
		ht->rlim[i].max = rlim[i].rlim_max;
	}
	task_unlock(t->group_leader);
	checkpoint_restart_block(t, ht);
	ctx->cur->hdr = ht;	/* the CPU state depends on it */
	return ckpt_write_obj(ctx, &ht->h);
}

static int restore_check_creds(struct ckpt_ctx *ctx, struct ckpt_hdr_task *ht)
{
	struct user_namespace *ns = current_user_ns();
	const struct cred *c = current_cred();
	kuid_t uid[4] = { make_kuid(ns, ht->uid), make_kuid(ns, ht->euid),
			  make_kuid(ns, ht->suid), make_kuid(ns, ht->fsuid) };
	kgid_t gid[4] = { make_kgid(ns, ht->gid), make_kgid(ns, ht->egid),
			  make_kgid(ns, ht->sgid), make_kgid(ns, ht->fsgid) };
	int i;

	for (i = 0; i < 4; i++)
		if (!uid_valid(uid[i]) || !gid_valid(gid[i]))
			return ckpt_err(ctx, -EINVAL, "task: invalid uid or gid");
	if (!ns_capable(ns, CAP_SETUID) &&
	    (!uid_eq(uid[0], c->uid) || !uid_eq(uid[1], c->euid) ||
	     !uid_eq(uid[2], c->suid) || !uid_eq(uid[3], c->fsuid)))
		return ckpt_err(ctx, -EPERM, "task: the caller may not take uid %u/%u/%u/%u",
				ht->uid, ht->euid, ht->suid, ht->fsuid);
	if (!ns_capable(ns, CAP_SETGID) &&
	    (!gid_eq(gid[0], c->gid) || !gid_eq(gid[1], c->egid) ||
	     !gid_eq(gid[2], c->sgid) || !gid_eq(gid[3], c->fsgid)))
		return ckpt_err(ctx, -EPERM, "task: the caller may not take gid %u/%u/%u/%u",
				ht->gid, ht->egid, ht->sgid, ht->fsgid);
	return 0;
}

static int restore_check_task(struct ckpt_ctx *ctx, struct ckpt_hdr_task *ht, u32 i)
{
	u32 r;

	if (!memchr(ht->comm, 0, sizeof(ht->comm)))
		return ckpt_err(ctx, -EINVAL, "task %u: comm is not NUL terminated", i);
	if (ht->_reserved)
		return ckpt_err(ctx, -EINVAL, "task %u: reserved field is %#x", i, ht->_reserved);
	if ((ht->exit_signal != -1 && !valid_signal(ht->exit_signal)) ||
	    ht->exit_signal < -1 || !valid_signal(ht->pdeath_signal) ||
	    ht->pdeath_signal < 0)
		return ckpt_err(ctx, -EINVAL,
				"task %u: bad exit signal %d or parent death signal %d",
				i, ht->exit_signal, ht->pdeath_signal);
	if (ht->set_child_tid >= TASK_SIZE_MAX || ht->clear_child_tid >= TASK_SIZE_MAX ||
	    ht->robust_list >= TASK_SIZE_MAX || ht->rseq >= TASK_SIZE_MAX ||
	    ht->sas_ss_sp >= TASK_SIZE_MAX)
		return ckpt_err(ctx, -EINVAL, "task %u: address outside user space", i);
	if ((ht->robust_list && ht->robust_list_len != sizeof(struct robust_list_head)) ||
	    (!ht->robust_list && ht->robust_list_len))
		return ckpt_err(ctx, -EINVAL, "task %u: robust list of %llu bytes", i,
				ht->robust_list_len);
	if (ht->rseq && (!IS_ENABLED(CONFIG_RSEQ) || ht->rseq_len < 32 ||
			 ht->rseq_len > PAGE_SIZE || !IS_ALIGNED(ht->rseq, 32)))
		return ckpt_err(ctx, -EINVAL, "task %u: rseq area of %u bytes", i, ht->rseq_len);
	if ((ht->sas_ss_flags & ~(SS_DISABLE | SS_AUTODISARM)) ||
	    (!(ht->sas_ss_flags & SS_DISABLE) && ht->sas_ss_size < MINSIGSTKSZ))
		return ckpt_err(ctx, -EINVAL, "task %u: bad alternate signal stack", i);
	if (ht->nr_rlimits != CKPT_RLIM_NLIMITS)
		return ckpt_err(ctx, -EINVAL, "task %u: %u rlimits", i, ht->nr_rlimits);
	for (r = 0; r < CKPT_RLIM_NLIMITS; r++)
		if (ht->rlim[r].cur > ht->rlim[r].max)
			return ckpt_err(ctx, -EINVAL, "task %u: rlimit %u above its maximum", i, r);
	if (ht->restart_kind > CKPT_RESTART_FUTEX || ht->_reserved2 ||
	    (ht->restart_kind && (!ckpt_sleep_clock_ok(ht->restart_clockid) ||
				  ht->restart_left_ns < 0)) ||
	    (ht->restart_kind == CKPT_RESTART_FUTEX &&
	     (ht->restart_uaddr >= TASK_SIZE_MAX || !IS_ALIGNED(ht->restart_uaddr, 4) ||
	      ht->restart_op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME) ||
	      !ht->restart_bitset)))
		return ckpt_err(ctx, -EINVAL, "task %u: bad interrupted sleep", i);
	if (ctx->uflags & RESTART_VALIDATE)
		return 0;
	return restore_check_creds(ctx, ht);
}

static int restore_task(struct ckpt_ctx *ctx, u32 i)
{
	struct ckpt_hdr_task *ht;
	int ret;

	ht = ckpt_read_obj(ctx, CKPT_HDR_TASK);
	if (IS_ERR(ht))
		return PTR_ERR(ht);
	ret = restore_check_task(ctx, ht, i);
	if (ret) {
		kvfree(ht);
		return ret;
	}
	kvfree(ctx->cur->hdr);
	ctx->cur->hdr = ht;
	return 0;
}

static int restore_rlimits(struct ckpt_ctx *ctx, struct ckpt_hdr_task *ht)
{
	struct rlimit *rlim = current->signal->rlim;
	const char *why = NULL;
	int r;

	task_lock(current->group_leader);
	for (r = 0; r < CKPT_RLIM_NLIMITS && !why; r++) {
		if (ht->rlim[r].max > rlim[r].rlim_max && !capable(CAP_SYS_RESOURCE))
			why = "the caller may not raise it to";
		else if (r == RLIMIT_NOFILE && ht->rlim[r].max > sysctl_nr_open)
			why = "above nr_open:";
	}
	if (!why) {
		for (r = 0; r < CKPT_RLIM_NLIMITS; r++) {
			rlim[r].rlim_cur = ht->rlim[r].cur;
			rlim[r].rlim_max = ht->rlim[r].max;
		}
	}
	task_unlock(current->group_leader);
	/* logging writes to a file: not under the spinlock */
	if (why)
		return ckpt_err(ctx, -EPERM, "rlimit %d: %s %llu", r - 1, why,
				ht->rlim[r - 1].max);
	if (ht->rlim[RLIMIT_CPU].cur != RLIM_INFINITY)
		update_rlimit_cpu(current, ht->rlim[RLIMIT_CPU].cur);
	return 0;
}

static int restore_creds(struct ckpt_ctx *ctx, struct ckpt_hdr_task *ht)
{
	struct user_namespace *ns = current_user_ns();
	const struct cred *old = current_cred();
	struct cred *new = prepare_creds();
	int ret;

	if (!new)
		return ckpt_err(ctx, -ENOMEM, "task: no memory for credentials");
	new->uid = make_kuid(ns, ht->uid);
	new->euid = make_kuid(ns, ht->euid);
	new->suid = make_kuid(ns, ht->suid);
	new->fsuid = make_kuid(ns, ht->fsuid);
	new->gid = make_kgid(ns, ht->gid);
	new->egid = make_kgid(ns, ht->egid);
	new->sgid = make_kgid(ns, ht->sgid);
	new->fsgid = make_kgid(ns, ht->fsgid);
	/* capabilities follow the uids as with setresuid(2) */
	ret = security_task_fix_setuid(new, old, LSM_SETID_RES);
	if (ret) {
		abort_creds(new);
		return ckpt_err(ctx, ret, "task: cannot take uid %u", ht->uid);
	}
	return commit_creds(new);
}

/**
 * restore_task_apply - give current the task state of the image
 * @ctx: restart context, after every record of the image
 * @ts: the state of current
 *
 * Return: 0 or a negative errno (the task is past the point of no return).
 */
int restore_task_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	struct ckpt_hdr_task *ht = ts->hdr;
	struct restart_block *rb = &current->restart_block;
	int ret;

	/* the rlimits belong to the process: its leader sets them */
	ret = ts->thread ? 0 : restore_rlimits(ctx, ht);
	if (ret)
		return ret;
	set_task_comm(current, ht->comm);
	current->personality = ht->personality;
	current->exit_signal = ht->exit_signal;
	current->pdeath_signal = ht->pdeath_signal;
	current->set_child_tid = (int __user *)(unsigned long)ht->set_child_tid;
	current->clear_child_tid = (int __user *)(unsigned long)ht->clear_child_tid;
#ifdef CONFIG_FUTEX
	current->robust_list = (struct robust_list_head __user *)(unsigned long)ht->robust_list;
#endif
#ifdef CONFIG_RSEQ
	current->rseq = (struct rseq __user *)(unsigned long)ht->rseq;
	current->rseq_len = ht->rseq_len;
	current->rseq_sig = ht->rseq_sig;
	if (current->rseq)
		rseq_set_notify_resume(current);
#endif
	current->sas_ss_sp = ht->sas_ss_sp;
	current->sas_ss_size = ht->sas_ss_size;
	current->sas_ss_flags = ht->sas_ss_flags;
	if (ht->restart_kind == CKPT_RESTART_NANOSLEEP) {
		rb->nanosleep.clockid = ht->restart_clockid;
		rb->nanosleep.type = TT_NONE;
		rb->nanosleep.expires = ktime_to_ns(ckpt_clock_now(ht->restart_clockid)) +
					ht->restart_left_ns;
		set_restart_fn(rb, ckpt_nanosleep_restart);
	} else if (ht->restart_kind == CKPT_RESTART_FUTEX) {
		rb->futex.uaddr = (u32 __user *)(unsigned long)ht->restart_uaddr;
		rb->futex.val = ht->restart_val;
		rb->futex.bitset = ht->restart_bitset;
		rb->futex.flags = ht->restart_op;
		rb->futex.time = ktime_to_ns(ckpt_clock_now(ht->restart_clockid)) +
				 ht->restart_left_ns;
		set_restart_fn(rb, ckpt_futex_restart);
	}
	return restore_creds(ctx, ht);
}

/**
 * checkpoint_task_all - write the records of one task of the tree
 * @ctx: checkpoint context
 * @ts: the task, current or frozen
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_task_all(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	struct task_struct *t = ts->task;
	int ret;

	ctx->cur = ts;
	ctx->pid = ts->pid;
	ret = checkpoint_task(ctx, t);
	if (!ret)
		ret = checkpoint_cpu(ctx, t);
	/* a thread's memory and files are its leader's, saved before it */
	if (!ret && !ts->thread)
		ret = checkpoint_mm(ctx, t);
	if (!ret && !ts->thread)
		ret = checkpoint_files(ctx, t);
	if (!ret && !ts->thread && (ctx->tree_flags & CKPT_TREE_IPCNS))
		ret = checkpoint_sem_undo(ctx, t);
	if (!ret)
		ret = checkpoint_signals(ctx, t);
	return ret;
}

/**
 * restore_task_all - read the records of one task of the tree
 * @ctx: restart context
 * @ts: the task's state; unless validating, current is that task
 *
 * With RESTART_VALIDATE every record is read and checked and nothing is
 * changed. Otherwise current becomes the task of the image; the task
 * state, the signals and the CPU state are kept in @ts and applied once
 * the whole image has been read.
 *
 * Return: 0 or a negative errno.
 */
int restore_task_all(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	int ret;

	ctx->cur = ts;
	ctx->pid = ts->pid;
	ret = restore_task(ctx, ts - ctx->tasks);
	if (!ret)
		ret = restore_cpu(ctx);
	if (!ret && !ts->thread)
		ret = restore_mm(ctx);
	if (!ret && !ts->thread)
		ret = restore_files(ctx);
	if (!ret && !ts->thread && (ctx->tree_flags & CKPT_TREE_IPCNS))
		ret = restore_sem_undo(ctx);
	if (!ret)
		ret = restore_signals(ctx);
	return ret;
}

/**
 * ckpt_task_state_free - release what a task's state holds
 * @ts: the state
 */
void ckpt_task_state_free(struct ckpt_task_state *ts)
{
	if (ts->task)
		put_task_struct(ts->task);
	ts->task = NULL;
	kvfree(ts->hdr);
	ts->hdr = NULL;
	ckpt_arch_free(ts->arch);
	ts->arch = NULL;
	ckpt_signals_free(ts->signals);
	ts->signals = NULL;
}
