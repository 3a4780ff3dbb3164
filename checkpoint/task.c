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
#include <linux/resource.h>
#include <linux/rseq.h>
#include <linux/sched/coredump.h>
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

/*
 * The signal a process sends its parent when it exits is one clone(2)
 * takes, 0 to 64; a thread sends none, -1 (a process with -1 is taken for
 * a thread by exit and wait, which then find no leader).
 */
static bool ckpt_exit_signal_ok(struct ckpt_ctx *ctx, u32 i, int sig)
{
	return ctx->tasks[i].thread ? sig == -1 : sig >= 0 && valid_signal(sig);
}

/*
 * What sigaltstack(2) would have left: a mode of 0, SS_ONSTACK or
 * SS_DISABLE (with SS_AUTODISARM or not); a disabled stack has no address
 * or size; an enabled one a size the system call takes
 */
static bool ckpt_sigaltstack_ok(const struct ckpt_hdr_task *ht)
{
	u32 mode = ht->sas_ss_flags & ~SS_AUTODISARM;
	unsigned long flags;
	bool ok;

	if (mode == SS_DISABLE)
		return !ht->sas_ss_sp && !ht->sas_ss_size;
	if ((mode != 0 && mode != SS_ONSTACK) || ht->sas_ss_size < MINSIGSTKSZ ||
	    ht->sas_ss_size > ULONG_MAX)
		return false;
	/* under the lock sigaltstack(2) takes, as the check wants */
	if (!lock_task_sighand(current, &flags))
		return false;
	ok = sigaltstack_size_valid(ht->sas_ss_size);
	unlock_task_sighand(current, &flags);
	return ok;
}

static int restore_check_task(struct ckpt_ctx *ctx, struct ckpt_hdr_task *ht, u32 i)
{
	u32 r;

	if (!memchr(ht->comm, 0, sizeof(ht->comm)))
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK comm is not NUL terminated", ctx->pid);
	if (ht->_reserved)
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK _reserved is %#x", ctx->pid,
				ht->_reserved);
	if (!ckpt_exit_signal_ok(ctx, i, ht->exit_signal))
		return ckpt_err(ctx, -EINVAL,
				"pid %d: TASK exit_signal %d: not one a %s can have", ctx->pid,
				ht->exit_signal, ctx->tasks[i].thread ? "thread" : "process");
	if (!valid_signal(ht->pdeath_signal) || ht->pdeath_signal < 0)
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK pdeath_signal %d: not a signal",
				ctx->pid, ht->pdeath_signal);
	/* personality(2) takes any value but 0xffffffff, which only reads it */
	if (ht->personality == 0xffffffff)
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK personality %#x", ctx->pid,
				ht->personality);
	if (ht->set_child_tid >= TASK_SIZE_MAX || ht->clear_child_tid >= TASK_SIZE_MAX ||
	    ht->robust_list >= TASK_SIZE_MAX || ht->rseq >= TASK_SIZE_MAX ||
	    ht->sas_ss_sp >= TASK_SIZE_MAX)
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK address outside user space", ctx->pid);
	if ((ht->robust_list && ht->robust_list_len != sizeof(struct robust_list_head)) ||
	    (!ht->robust_list && ht->robust_list_len))
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK robust_list_len %llu", ctx->pid,
				ht->robust_list_len);
	/* rseq(2): aligned, at least the original size, in user space */
	if (ht->rseq && (!IS_ENABLED(CONFIG_RSEQ) || ht->rseq_len < 32 ||
			 ht->rseq_len > PAGE_SIZE || !IS_ALIGNED(ht->rseq, 32) ||
			 ht->rseq + ht->rseq_len > TASK_SIZE_MAX))
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK rseq_len %u", ctx->pid, ht->rseq_len);
	if (!ckpt_sigaltstack_ok(ht))
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK sas_ss_flags %#x, sas_ss_size %llu",
				ctx->pid, ht->sas_ss_flags, ht->sas_ss_size);
	if (ht->nr_rlimits != CKPT_RLIM_NLIMITS)
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK nr_rlimits %u", ctx->pid,
				ht->nr_rlimits);
	for (r = 0; r < CKPT_RLIM_NLIMITS; r++)
		if (ht->rlim[r].cur > ht->rlim[r].max)
			return ckpt_err(ctx, -EINVAL, "pid %d: TASK rlim[%u].cur %llu above max",
					ctx->pid, r, ht->rlim[r].cur);
	if (ht->restart_kind > CKPT_RESTART_FUTEX || ht->_reserved2 ||
	    (ht->restart_kind && (!ckpt_sleep_clock_ok(ht->restart_clockid) ||
				  ht->restart_left_ns < 0)) ||
	    (ht->restart_kind == CKPT_RESTART_FUTEX &&
	     (ht->restart_uaddr >= TASK_SIZE_MAX || !IS_ALIGNED(ht->restart_uaddr, 4) ||
	      ht->restart_op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME) ||
	      !ht->restart_bitset)))
		return ckpt_err(ctx, -EINVAL, "pid %d: TASK restart_kind %u: bad interrupted sleep",
				ctx->pid, ht->restart_kind);
	return 0;
}

/*
 * What current may restore, before the point of no return (the same rules
 * apply again when the state is set):
 *
 * - the root's parent is outside the tree: it gets the signal the
 *   restarting task already sends it, as clone(2) lets the parent choose
 *   it and reparenting resets it (any other one would be a signal the
 *   child picks for a parent it may not signal);
 * - the limits, as prlimit(2) would set them for the restarting task.
 */
static int restore_check_task_rights(struct ckpt_ctx *ctx, struct ckpt_hdr_task *ht, u32 i)
{
	struct rlimit *mine = current->signal->rlim, new;
	int r, ret;

	if (!i && ht->exit_signal != current->exit_signal)
		return ckpt_err(ctx, -EPERM,
				"pid %d: TASK exit_signal %d: its parent is outside the tree and gets %d",
				ctx->pid, ht->exit_signal, current->exit_signal);
	for (r = 0; r < CKPT_RLIM_NLIMITS; r++) {
		new.rlim_cur = ht->rlim[r].cur;
		new.rlim_max = ht->rlim[r].max;
		ret = 0;
		if ((new.rlim_max > READ_ONCE(mine[r].rlim_max) && !capable(CAP_SYS_RESOURCE)) ||
		    (r == RLIMIT_NOFILE && new.rlim_max > sysctl_nr_open))
			ret = -EPERM;
		else
			ret = security_task_setrlimit(current, r, &new);
		if (ret)
			return ckpt_err(ctx, ret,
					"pid %d: TASK rlim[%d] %llu/%llu: prlimit(2) refuses it",
					ctx->pid, r, ht->rlim[r].cur, ht->rlim[r].max);
	}
	return 0;
}

static int restore_task(struct ckpt_ctx *ctx, u32 i)
{
	struct ckpt_hdr_task *ht;
	int ret;

	ht = ckpt_read_obj(ctx, CKPT_HDR_TASK);
	if (IS_ERR(ht))
		return PTR_ERR(ht);
	ret = restore_check_task(ctx, ht, i);
	if (!ret && !(ctx->uflags & RESTART_VALIDATE))
		ret = restore_check_task_rights(ctx, ht, i);
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
	struct rlimit rlim;
	int r, ret;

	for (r = 0; r < CKPT_RLIM_NLIMITS; r++) {
		rlim.rlim_cur = ht->rlim[r].cur;
		rlim.rlim_max = ht->rlim[r].max;
		ret = do_prlimit(current, r, &rlim, NULL);
		if (ret)
			return ckpt_err(ctx, ret,
					"pid %d: TASK rlim[%d] %llu/%llu: prlimit(2) refuses it",
					ctx->pid, r, ht->rlim[r].cur, ht->rlim[r].max);
	}
	return 0;
}

/**
 * restore_task_limits - give current the resource limits of the image
 * @ctx: restart context, in the turn of a process whose old address space
 *	is gone (past the point of no return)
 *
 * Each limit is set by do_prlimit(), with the rules of prlimit(2): a hard
 * limit above the current one needs CAP_SYS_RESOURCE, RLIMIT_NOFILE stays
 * within fs.nr_open, and the security module has its say. The rights are
 * those of the restarting task itself, as a restarting helper would set
 * the limits before it takes the credentials of the image. They are set
 * before the mappings and descriptors of the image are made, which must
 * fit in them (RLIMIT_AS, RLIMIT_NOFILE...).
 *
 * Return: 0 or a negative errno, logged.
 */
int restore_task_limits(struct ckpt_ctx *ctx)
{
	const struct cred *restored;
	int ret;

	restored = override_creds(current_real_cred());
	ret = restore_rlimits(ctx, ctx->cur->hdr);
	revert_creds(restored);
	return ret;
}

/**
 * restore_task_apply - give current the task state of the image
 * @ctx: restart context, after every record of the image
 * @ts: the state of current
 *
 * The credentials come last but for what commit_creds() resets when the
 * ids change.
 *
 * Return: 0 or a negative errno (the task is past the point of no return).
 */
int restore_task_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	struct ckpt_hdr_task *ht = ts->hdr;
	struct restart_block *rb = &current->restart_block;
	int ret;

	/* with the restarting task's rights, as a restarting helper would */
	ret = restore_sched_apply(ctx, ts);
	if (ret)
		return ret;
	set_task_comm(current, ht->comm);
	current->personality = ht->personality;
	if (!ts->thread) {
		/* the parent's wait(2) reads it under tasklist_lock */
		write_lock_irq(&tasklist_lock);
		current->exit_signal = ht->exit_signal;
		write_unlock_irq(&tasklist_lock);
	}
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
		/* saturated, as nanosleep(2) does with a long sleep */
		rb->nanosleep.expires = ktime_add_safe(ckpt_clock_now(ht->restart_clockid),
						       ns_to_ktime(ht->restart_left_ns));
		set_restart_fn(rb, ckpt_nanosleep_restart);
	} else if (ht->restart_kind == CKPT_RESTART_FUTEX) {
		rb->futex.uaddr = (u32 __user *)(unsigned long)ht->restart_uaddr;
		rb->futex.val = ht->restart_val;
		rb->futex.bitset = ht->restart_bitset;
		rb->futex.flags = ht->restart_op;
		rb->futex.time = ktime_add_safe(ckpt_clock_now(ht->restart_clockid),
						ns_to_ktime(ht->restart_left_ns));
		set_restart_fn(rb, ckpt_futex_restart);
	}
	restore_creds_apply(ts);
	/* commit_creds() resets these when the ids change */
	current->pdeath_signal = ht->pdeath_signal;
	if (ts->dumpable >= 0)
		set_dumpable(current->mm, ts->dumpable);
	return 0;
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
		ret = checkpoint_creds(ctx, t);
	if (!ret)
		ret = checkpoint_sched(ctx, t);
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

/*
 * The dumpable flag of the leader's address space, which a thread sets
 * again after its own commit_creds() (which may reset it)
 */
static int restore_leader_dumpable(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	void *leader = xa_load(&ctx->pid_index, ctx->tree[ts - ctx->tasks].vtgid);

	return leader ? ctx->tasks[xa_to_value(leader)].dumpable : -1;
}

/**
 * restore_task_all - read the records of one task of the tree
 * @ctx: restart context
 * @ts: the task's state; unless validating, current is that task
 *
 * With RESTART_VALIDATE every record is read and checked and nothing is
 * changed. Otherwise current becomes the task of the image; the task
 * state, the credentials, the signals and the CPU state are kept in @ts
 * and applied once the whole image has been read. The records after the
 * credentials are restored with them: what the task opens, binds or makes
 * is checked as if it did it itself.
 *
 * Return: 0 or a negative errno.
 */
int restore_task_all(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	const struct cred *caller = NULL;
	int ret;

	ctx->cur = ts;
	ctx->pid = ts->pid;
	ret = restore_task(ctx, ts - ctx->tasks);
	if (!ret)
		ret = restore_creds(ctx);
	if (!ret)
		ret = restore_sched(ctx);
	if (!ret && ts->cred)
		caller = override_creds(ts->cred);
	if (!ret)
		ret = restore_cpu(ctx);
	if (!ret && !ts->thread)
		ret = restore_mm(ctx);
	if (!ret && ts->thread)
		ts->dumpable = restore_leader_dumpable(ctx, ts);
	if (!ret && !ts->thread)
		ret = restore_files(ctx);
	if (!ret && !ts->thread && (ctx->tree_flags & CKPT_TREE_IPCNS))
		ret = restore_sem_undo(ctx);
	if (!ret)
		ret = restore_signals(ctx);
	if (caller)
		revert_creds(caller);
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
	kvfree(ts->sched);
	ts->sched = NULL;
	if (ts->cred)
		put_cred(ts->cred);
	ts->cred = NULL;
	ckpt_arch_free(ts->arch);
	ts->arch = NULL;
	ckpt_signals_free(ts->signals);
	ts->signals = NULL;
}
