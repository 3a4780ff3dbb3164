// SPDX-License-Identifier: GPL-2.0
/*
 * How a task is scheduled: its policy and priority (nice, real-time
 * priority, deadline parameters, reset-on-fork), its timer slack, its CPU
 * affinity, and its process's oom_score_adj.
 *
 * Restart gives them back when the task state is applied, before the
 * restored credentials, with the rules of the system calls a restarting
 * helper would use on it: sched_setattr(2) (RLIMIT_NICE, RLIMIT_RTPRIO
 * of the restored task or CAP_SYS_NICE), sched_setaffinity(2) (and the
 * task's cpuset), a write to /proc/PID/oom_score_adj (lowering below its
 * minimum needs CAP_SYS_RESOURCE), prctl(PR_SET_TIMERSLACK).
 */

#include <linux/checkpoint.h>
#include <linux/cpumask.h>
#include <linux/cpuset.h>
#include <linux/cred.h>
#include <linux/oom.h>
#include <linux/sched.h>
#include <linux/sched/deadline.h>
#include <linux/sched/prio.h>
#include <linux/sched/rt.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <uapi/linux/sched/types.h>

/**
 * checkpoint_sched - write the SCHED record of a task
 * @ctx: checkpoint context
 * @t: current or a frozen task
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_sched(struct ckpt_ctx *ctx, struct task_struct *t)
{
	u32 words = BITS_TO_U64(nr_cpu_ids), i;
	struct ckpt_hdr_sched *hs;
	cpumask_var_t mask;
	int ret;

	/* sched_ext, new in 6.12, is not restored yet */
	if (t->policy > SCHED_DEADLINE)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d: scheduling policy %u not supported",
				ctx->pid, t->policy);
	if (!alloc_cpumask_var(&mask, GFP_KERNEL_ACCOUNT))
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for a CPU mask", ctx->pid);
	ret = sched_getaffinity(task_pid_vnr(t), mask);
	if (ret) {
		free_cpumask_var(mask);
		return ckpt_err(ctx, ret, "pid %d: cannot read its CPU affinity", ctx->pid);
	}
	hs = ckpt_hdr_alloc(CKPT_HDR_SCHED, struct_size(hs, cpus, words));
	if (!hs) {
		free_cpumask_var(mask);
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for its SCHED record", ctx->pid);
	}
	hs->policy = t->policy;
	hs->flags = t->sched_reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0;
	hs->nice = task_nice(t);
	hs->rt_priority = t->rt_priority;
	if (t->policy == SCHED_DEADLINE) {
		hs->dl_runtime = t->dl.dl_runtime;
		hs->dl_deadline = t->dl.dl_deadline;
		hs->dl_period = t->dl.dl_period;
	}
	hs->timer_slack_ns = t->timer_slack_ns;
	hs->oom_score_adj = READ_ONCE(t->signal->oom_score_adj);
	hs->nr_cpus = nr_cpu_ids;
	for (i = 0; i < nr_cpu_ids; i++)
		if (cpumask_test_cpu(i, mask))
			hs->cpus[i / 64] |= 1ULL << (i % 64);
	free_cpumask_var(mask);
	ret = ckpt_write_obj(ctx, &hs->h);
	kfree(hs);
	return ret;
}

/* The sched_setattr(2) argument of @hs */
static void ckpt_sched_attr(const struct ckpt_hdr_sched *hs, struct sched_attr *attr)
{
	*attr = (struct sched_attr) {
		.size = sizeof(*attr),
		.sched_policy = hs->policy,
		.sched_flags = hs->flags,
		.sched_nice = hs->nice,
		.sched_priority = hs->rt_priority,
		.sched_runtime = hs->dl_runtime,
		.sched_deadline = hs->dl_deadline,
		.sched_period = hs->dl_period,
	};
}

/*
 * What sched_setattr(2), sched_setaffinity(2) and /proc/PID/oom_score_adj
 * would refuse the restarting task itself (its real credentials: see
 * restore_sched_apply()), found before the point of no return
 */
static int restore_sched_rights(struct ckpt_ctx *ctx, const struct ckpt_hdr_sched *hs)
{
	const struct cred *restored;
	struct sched_attr attr;
	cpumask_var_t allowed;
	bool any = false;
	int ret;
	u32 i;

	if (!zalloc_cpumask_var(&allowed, GFP_KERNEL_ACCOUNT))
		return -ENOMEM;
	cpuset_cpus_allowed(current, allowed);
	for (i = 0; i < hs->nr_cpus && i < nr_cpu_ids; i++)
		any |= (hs->cpus[i / 64] & (1ULL << (i % 64))) && cpu_active(i) &&
		       cpumask_test_cpu(i, allowed);
	free_cpumask_var(allowed);
	if (!any)
		return ckpt_err(ctx, -EINVAL,
				"pid %d: SCHED cpus[]: none of them is here and in the cpuset",
				ctx->pid);
	restored = override_creds(current_real_cred());
	ckpt_sched_attr(hs, &attr);
	ret = sched_setattr_check(current, &attr);
	if (ret)
		ckpt_err(ctx, ret,
			 "pid %d: SCHED policy %u nice %d rt_priority %u: sched_setattr(2) refuses it",
			 ctx->pid, hs->policy, hs->nice, hs->rt_priority);
	else if (!ctx->cur->thread && hs->oom_score_adj < current->signal->oom_score_adj_min &&
		 !capable(CAP_SYS_RESOURCE))
		ret = ckpt_err(ctx, -EACCES,
			       "pid %d: SCHED oom_score_adj %d below %d needs CAP_SYS_RESOURCE",
			       ctx->pid, hs->oom_score_adj, current->signal->oom_score_adj_min);
	revert_creds(restored);
	return ret;
}

/**
 * restore_sched - read and check the SCHED record of a task
 * @ctx: restart context, after the CREDS record of ctx->cur
 *
 * The record is kept in ctx->cur and applied by restore_sched_apply().
 *
 * Return: 0 or a negative errno, logged.
 */
int restore_sched(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_sched *hs;
	u32 words, i;
	bool any = false;
	int ret;

	hs = ckpt_read_obj(ctx, CKPT_HDR_SCHED);
	if (IS_ERR(hs))
		return PTR_ERR(hs);
	words = BITS_TO_U64(hs->nr_cpus);
	if (!hs->nr_cpus || hs->nr_cpus > CKPT_SCHED_MAX_CPUS ||
	    hs->h.len != ckpt_record_len(struct_size(hs, cpus, words))) {
		ckpt_err(ctx, -EINVAL, "pid %d: SCHED nr_cpus %u in %u bytes", ctx->pid,
			 hs->nr_cpus, hs->h.len);
		goto bad;
	}
	for (i = 0; i < hs->nr_cpus; i++)
		any |= hs->cpus[i / 64] & (1ULL << (i % 64));
	if (!any || (hs->nr_cpus % 64 && hs->cpus[words - 1] >> (hs->nr_cpus % 64))) {
		ckpt_err(ctx, -EINVAL, "pid %d: SCHED cpus[]: no CPU, or one past nr_cpus",
			 ctx->pid);
		goto bad;
	}
	if (hs->policy > SCHED_DEADLINE || hs->policy == 4 ||
	    hs->flags & ~SCHED_FLAG_RESET_ON_FORK ||
	    hs->nice < MIN_NICE || hs->nice > MAX_NICE ||
	    hs->rt_priority > MAX_RT_PRIO - 1 ||
	    (hs->policy != SCHED_DEADLINE &&
	     (hs->dl_runtime || hs->dl_deadline || hs->dl_period)) ||
	    hs->oom_score_adj < OOM_SCORE_ADJ_MIN || hs->oom_score_adj > OOM_SCORE_ADJ_MAX) {
		ckpt_err(ctx, -EINVAL,
			 "pid %d: SCHED policy %u flags %#x nice %d rt_priority %u oom_score_adj %d",
			 ctx->pid, hs->policy, hs->flags, hs->nice, hs->rt_priority,
			 hs->oom_score_adj);
		goto bad;
	}
	if (!(ctx->uflags & RESTART_VALIDATE)) {
		ret = restore_sched_rights(ctx, hs);
		if (ret) {
			kvfree(hs);
			return ret;
		}
	}
	kvfree(ctx->cur->sched);
	ctx->cur->sched = hs;
	return 0;
bad:
	kvfree(hs);
	return -EINVAL;
}

/* sched_setaffinity(2) of current to the CPUs of @hs that this machine has */
static int restore_affinity(struct ckpt_ctx *ctx, struct ckpt_hdr_sched *hs)
{
	cpumask_var_t mask;
	u32 i;
	long ret;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL_ACCOUNT))
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for a CPU mask", ctx->pid);
	for (i = 0; i < hs->nr_cpus && i < nr_cpu_ids; i++)
		if (hs->cpus[i / 64] & (1ULL << (i % 64)))
			cpumask_set_cpu(i, mask);
	ret = sched_setaffinity(0, mask);
	free_cpumask_var(mask);
	if (ret)
		ckpt_err(ctx, ret, "pid %d: SCHED cpus[]: sched_setaffinity(2) refuses them",
			 ctx->pid);
	return ret;
}

/**
 * restore_sched_apply - give current the scheduling state of the image
 * @ctx: restart context, after every record
 * @ts: current's state, with the checked SCHED record
 *
 * With the restarting task's credentials, before the restored ones.
 *
 * Return: 0 or a negative errno, logged (the task is past the point of no
 * return).
 */
int restore_sched_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	struct ckpt_hdr_sched *hs = ts->sched;
	struct sched_attr attr;
	int ret;

	ckpt_sched_attr(hs, &attr);
	ret = restore_affinity(ctx, hs);
	if (ret)
		return ret;
	/* the process's own, set by its leader */
	if (!ts->thread) {
		ret = set_task_oom_score_adj(current, hs->oom_score_adj);
		if (ret)
			return ckpt_err(ctx, ret,
					"pid %d: SCHED oom_score_adj %d: /proc/PID/oom_score_adj refuses it",
					ctx->pid, hs->oom_score_adj);
	}
	ret = sched_setattr(current, &attr);
	if (ret)
		return ckpt_err(ctx, ret,
				"pid %d: SCHED policy %u nice %d rt_priority %u: sched_setattr(2) refuses it",
				ctx->pid, hs->policy, hs->nice, hs->rt_priority);
	/* prctl(PR_SET_TIMERSLACK), which real-time tasks ignore */
	if (!rt_or_dl_task_policy(current))
		current->timer_slack_ns = hs->timer_slack_ns ?: current->default_timer_slack_ns;
	return 0;
}
