// SPDX-License-Identifier: GPL-2.0
/*
 * Credentials: user and group ids, supplementary groups, the capability
 * sets, securebits and no_new_privs.
 *
 * Checkpoint saves them as seen in the checkpointer's user namespace.
 * Restart builds the credentials of the restored task when it reads its
 * CREDS record, before the point of no return, from those of the
 * restarting task, with the rules of the system calls that would set each
 * part: setresuid(2), setfsuid(2), setresgid(2), setfsgid(2),
 * setgroups(2), capset(2), prctl(PR_CAPBSET_DROP), prctl(PR_CAP_AMBIENT),
 * prctl(PR_SET_SECUREBITS) and prctl(PR_SET_KEEPCAPS), in that order, as
 * a restarting helper would call them. What none of them would grant the
 * restarting task fails the restart with EPERM and a line naming it. The
 * restored task then reads the rest of its records with these credentials
 * (override_creds()): what it opens, binds, creates or removes is checked
 * as if it did it itself. They become its own (commit_creds()) when
 * restart applies the task state, after the last record.
 */

#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/user.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

static u64 ckpt_caps(kernel_cap_t cap)
{
	return cap.val;
}

/**
 * checkpoint_creds - write the CREDS record of a task
 * @ctx: checkpoint context
 * @t: current or a frozen task
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_creds(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct user_namespace *ns = current_user_ns();
	struct ckpt_hdr_creds *hc;
	struct group_info *gi;
	const struct cred *c;
	int i, ret;

	c = get_task_cred(t);
	if (c->user_ns != ns) {
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d: in a user namespace of its own: not supported", ctx->pid);
		goto out_cred;
	}
	if (seccomp_mode(&t->seccomp) != SECCOMP_MODE_DISABLED) {
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d: runs under seccomp (mode %d): not supported", ctx->pid,
			       seccomp_mode(&t->seccomp));
		goto out_cred;
	}
	gi = c->group_info;
	hc = ckpt_hdr_alloc(CKPT_HDR_CREDS, struct_size(hc, groups, gi->ngroups));
	if (!hc) {
		ret = ckpt_err(ctx, -ENOMEM, "pid %d: no memory for its %d groups", ctx->pid,
			       gi->ngroups);
		goto out_cred;
	}
	hc->uid = from_kuid_munged(ns, c->uid);
	hc->euid = from_kuid_munged(ns, c->euid);
	hc->suid = from_kuid_munged(ns, c->suid);
	hc->fsuid = from_kuid_munged(ns, c->fsuid);
	hc->gid = from_kgid_munged(ns, c->gid);
	hc->egid = from_kgid_munged(ns, c->egid);
	hc->sgid = from_kgid_munged(ns, c->sgid);
	hc->fsgid = from_kgid_munged(ns, c->fsgid);
	hc->cap_inheritable = ckpt_caps(c->cap_inheritable);
	hc->cap_permitted = ckpt_caps(c->cap_permitted);
	hc->cap_effective = ckpt_caps(c->cap_effective);
	hc->cap_bset = ckpt_caps(c->cap_bset);
	hc->cap_ambient = ckpt_caps(c->cap_ambient);
	hc->securebits = c->securebits;
	hc->flags = task_no_new_privs(t) ? CKPT_CREDS_NO_NEW_PRIVS : 0;
	hc->nr_groups = gi->ngroups;
	for (i = 0; i < gi->ngroups; i++)
		hc->groups[i] = from_kgid_munged(ns, gi->gid[i]);
	ret = ckpt_write_obj(ctx, &hc->h);
	kfree(hc);
out_cred:
	put_cred(c);
	return ret;
}

/* Checks of a CREDS record that don't depend on who restarts it */
static int restore_check_creds_record(struct ckpt_ctx *ctx, const struct ckpt_hdr_creds *hc)
{
	u64 caps = hc->cap_inheritable | hc->cap_permitted | hc->cap_effective | hc->cap_bset |
		   hc->cap_ambient;
	u32 i;

	if (hc->nr_groups > CKPT_NGROUPS_MAX ||
	    hc->h.len != ckpt_record_len(struct_size(hc, groups, hc->nr_groups)))
		return ckpt_err(ctx, -EINVAL, "pid %d: creds: %u groups in a %u byte record",
				ctx->pid, hc->nr_groups, hc->h.len);
	if (hc->flags & ~CKPT_CREDS_FLAGS_ALL || hc->_reserved)
		return ckpt_err(ctx, -EINVAL, "pid %d: creds: unknown flags %#x or reserved %#x",
				ctx->pid, hc->flags, hc->_reserved);
	if (caps & ~CAP_VALID_MASK)
		return ckpt_err(ctx, -EINVAL, "pid %d: creds: unknown capabilities %#llx",
				ctx->pid, caps & ~CAP_VALID_MASK);
	if (hc->securebits & ~(SECURE_ALL_BITS | SECURE_ALL_LOCKS))
		return ckpt_err(ctx, -EINVAL, "pid %d: creds: unknown securebits %#x", ctx->pid,
				hc->securebits);
	for (i = 1; i < hc->nr_groups; i++)
		if (hc->groups[i] < hc->groups[i - 1])
			return ckpt_err(ctx, -EINVAL, "pid %d: creds: groups not in order at %u",
					ctx->pid, i);
	return 0;
}

/* Is @id one of the ids setresuid(2) lets a task without CAP_SETUID take? */
static bool ckpt_own_uid(const struct cred *old, kuid_t id, bool fs)
{
	return uid_eq(id, old->uid) || uid_eq(id, old->euid) || uid_eq(id, old->suid) ||
	       (fs && uid_eq(id, old->fsuid));
}

static bool ckpt_own_gid(const struct cred *old, kgid_t id, bool fs)
{
	return gid_eq(id, old->gid) || gid_eq(id, old->egid) || gid_eq(id, old->sgid) ||
	       (fs && gid_eq(id, old->fsgid));
}

/*
 * setresuid(2), setfsuid(2), setresgid(2), setfsgid(2): @new gets the ids
 * of @hc. Taking an id the task does not hold needs CAP_SETUID (CAP_SETGID).
 */
static int restore_ids(struct ckpt_ctx *ctx, const struct ckpt_hdr_creds *hc,
		       const struct cred *old, struct cred *new)
{
	struct user_namespace *ns = old->user_ns;
	kuid_t uid[4] = { make_kuid(ns, hc->uid), make_kuid(ns, hc->euid),
			  make_kuid(ns, hc->suid), make_kuid(ns, hc->fsuid) };
	kgid_t gid[4] = { make_kgid(ns, hc->gid), make_kgid(ns, hc->egid),
			  make_kgid(ns, hc->sgid), make_kgid(ns, hc->fsgid) };
	bool own_uids = true, own_gids = true;
	struct user_struct *user;
	int i, ret;

	for (i = 0; i < 4; i++) {
		if (!uid_valid(uid[i]) || !gid_valid(gid[i]))
			return ckpt_err(ctx, -EINVAL,
					"pid %d: creds: uid %u/%u/%u/%u or gid %u/%u/%u/%u not mapped",
					ctx->pid, hc->uid, hc->euid, hc->suid, hc->fsuid, hc->gid,
					hc->egid, hc->sgid, hc->fsgid);
		own_uids &= ckpt_own_uid(old, uid[i], i == 3);
		own_gids &= ckpt_own_gid(old, gid[i], i == 3);
	}
	if (!own_uids && !ns_capable_setid(ns, CAP_SETUID))
		return ckpt_err(ctx, -EPERM,
				"pid %d: creds: the caller may not take uid %u/%u/%u/%u",
				ctx->pid, hc->uid, hc->euid, hc->suid, hc->fsuid);
	if (!own_gids && !ns_capable_setid(ns, CAP_SETGID))
		return ckpt_err(ctx, -EPERM,
				"pid %d: creds: the caller may not take gid %u/%u/%u/%u",
				ctx->pid, hc->gid, hc->egid, hc->sgid, hc->fsgid);
	new->uid = uid[0];
	new->euid = uid[1];
	new->suid = uid[2];
	new->fsuid = uid[3];
	new->gid = gid[0];
	new->egid = gid[1];
	new->sgid = gid[2];
	new->fsgid = gid[3];
	/* the processes of the real uid are counted against its limits */
	if (!uid_eq(new->uid, old->uid)) {
		user = alloc_uid(new->uid);
		if (!user)
			return ckpt_err(ctx, -ENOMEM, "pid %d: creds: no memory for user %u",
					ctx->pid, hc->uid);
		free_uid(new->user);
		new->user = user;
	}
	ret = security_task_fix_setuid(new, old, LSM_SETID_RES);
	if (!ret)
		ret = security_task_fix_setgid(new, old, LSM_SETID_RES);
	if (ret)
		return ckpt_err(ctx, ret, "pid %d: creds: a security module refuses uid %u gid %u",
				ctx->pid, hc->uid, hc->gid);
	ret = set_cred_ucounts(new);
	if (ret)
		return ckpt_err(ctx, ret, "pid %d: creds: no memory for the counts of user %u",
				ctx->pid, hc->uid);
	return 0;
}

/*
 * The restored task will be one more process of its real user: as with
 * fork(2), that user must be below its RLIMIT_NPROC (the one the image
 * gives the task), unless it is root or the caller has CAP_SYS_RESOURCE
 * or CAP_SYS_ADMIN.
 */
static int restore_check_nproc(struct ckpt_ctx *ctx, const struct cred *old,
			       const struct cred *new, u64 limit)
{
	if (new->ucounts == old->ucounts || new->user == INIT_USER)
		return 0;
	if ((!limit || is_rlimit_overlimit(new->ucounts, UCOUNT_RLIMIT_NPROC, limit - 1)) &&
	    !capable(CAP_SYS_RESOURCE) && !capable(CAP_SYS_ADMIN))
		return ckpt_err(ctx, -EAGAIN,
				"pid %d: creds: user %u has reached its RLIMIT_NPROC of %llu",
				ctx->pid, from_kuid_munged(old->user_ns, new->uid), limit);
	return 0;
}

/* setgroups(2): a list other than the caller's needs CAP_SETGID */
static int restore_groups(struct ckpt_ctx *ctx, const struct ckpt_hdr_creds *hc,
			  const struct cred *old, struct cred *new)
{
	struct group_info *gi;
	bool same;
	int ret;
	u32 i;

	gi = groups_alloc(hc->nr_groups);
	if (!gi)
		return ckpt_err(ctx, -ENOMEM, "pid %d: creds: no memory for %u groups", ctx->pid,
				hc->nr_groups);
	for (i = 0; i < hc->nr_groups; i++) {
		gi->gid[i] = make_kgid(old->user_ns, hc->groups[i]);
		if (!gid_valid(gi->gid[i])) {
			put_group_info(gi);
			return ckpt_err(ctx, -EINVAL, "pid %d: creds: group %u not mapped",
					ctx->pid, hc->groups[i]);
		}
	}
	groups_sort(gi);
	same = gi->ngroups == old->group_info->ngroups;
	for (i = 0; same && i < gi->ngroups; i++)
		same = gid_eq(gi->gid[i], old->group_info->gid[i]);
	if (!same && !may_setgroups()) {
		put_group_info(gi);
		return ckpt_err(ctx, -EPERM, "pid %d: creds: the caller may not set %u groups",
				ctx->pid, hc->nr_groups);
	}
	set_groups(new, gi);
	put_group_info(gi);
	ret = same ? 0 : security_task_fix_setgroups(new, old);
	if (ret)
		return ckpt_err(ctx, ret, "pid %d: creds: a security module refuses %u groups",
				ctx->pid, hc->nr_groups);
	return 0;
}

/*
 * Could the caller keep its permitted capabilities across the change of
 * ids, with prctl(PR_SET_KEEPCAPS) or SECBIT_NO_SETUID_FIXUP? If not,
 * setresuid(2) clears them as security_task_fix_setuid() did in the new
 * credentials, and capset(2) can't give them back.
 */
static bool ckpt_may_keep_caps(const struct cred *old)
{
	unsigned int bits = old->securebits;

	if (bits & (issecure_mask(SECURE_KEEP_CAPS) | issecure_mask(SECURE_NO_SETUID_FIXUP)))
		return true;
	if (!(bits & issecure_mask(SECURE_KEEP_CAPS_LOCKED)))
		return true;
	return !(bits & issecure_mask(SECURE_NO_SETUID_FIXUP_LOCKED)) &&
	       ns_capable(old->user_ns, CAP_SETPCAP);
}

/*
 * capset(2), then prctl(PR_CAPBSET_DROP) and prctl(PR_CAP_AMBIENT_RAISE):
 * never a capability the caller does not have, nor one the change of ids
 * took; a smaller bounding set needs CAP_SETPCAP (dropping from it changes
 * what setuid programs get).
 */
static int restore_caps(struct ckpt_ctx *ctx, const struct ckpt_hdr_creds *hc,
			const struct cred *old, struct cred *new)
{
	kernel_cap_t e = { hc->cap_effective }, i = { hc->cap_inheritable };
	kernel_cap_t p = { hc->cap_permitted };
	/* what setresuid(2) left of the caller's (security_task_fix_setuid()) */
	u64 kept = new->cap_permitted.val, kept_ambient = new->cap_ambient.val;
	u64 raised;
	int ret;

	ret = security_capset(new, old, &e, &i, &p);
	if (!ret && (hc->cap_permitted & ~kept) && !ckpt_may_keep_caps(old))
		ret = -EPERM;
	if (ret)
		return ckpt_err(ctx, ret,
				"pid %d: creds: capabilities %#llx (permitted) %#llx (inheritable) beyond the caller's",
				ctx->pid, hc->cap_permitted, hc->cap_inheritable);
	if (hc->cap_bset != old->cap_bset.val &&
	    ((hc->cap_bset & ~old->cap_bset.val) || !ns_capable(old->user_ns, CAP_SETPCAP)))
		return ckpt_err(ctx, -EPERM,
				"pid %d: creds: the caller may not give bounding set %#llx",
				ctx->pid, hc->cap_bset);
	new->cap_bset.val = hc->cap_bset;
	raised = hc->cap_ambient & ~kept_ambient;
	if ((hc->cap_ambient & ~(hc->cap_permitted & hc->cap_inheritable)) ||
	    (raised && (old->securebits & issecure_mask(SECURE_NO_CAP_AMBIENT_RAISE))))
		return ckpt_err(ctx, -EPERM,
				"pid %d: creds: the caller may not raise ambient %#llx",
				ctx->pid, hc->cap_ambient);
	new->cap_ambient.val = hc->cap_ambient;
	return 0;
}

/*
 * prctl(PR_SET_KEEPCAPS) and prctl(PR_SET_SECUREBITS): keep-caps changes
 * unless locked; any other change needs CAP_SETPCAP, and no locked bit
 * changes and no lock goes.
 */
static int restore_securebits(struct ckpt_ctx *ctx, const struct ckpt_hdr_creds *hc,
			      const struct cred *old, struct cred *new)
{
	unsigned int bits = hc->securebits, oldbits = old->securebits;
	unsigned int changed = bits ^ oldbits;

	if (changed == issecure_mask(SECURE_KEEP_CAPS) &&
	    !(oldbits & issecure_mask(SECURE_KEEP_CAPS_LOCKED)))
		changed = 0;
	if (changed && ((((oldbits & SECURE_ALL_LOCKS) >> 1) & changed) ||
			(oldbits & SECURE_ALL_LOCKS & ~bits) ||
			!ns_capable(old->user_ns, CAP_SETPCAP)))
		return ckpt_err(ctx, -EPERM, "pid %d: creds: the caller may not set securebits %#x",
				ctx->pid, bits);
	new->securebits = bits;
	return 0;
}

/*
 * A task can't leave no_new_privs or seccomp once in: the restored task
 * would have what the restarting task has, which the image does not.
 */
static int restore_check_sandbox(struct ckpt_ctx *ctx, const struct ckpt_hdr_creds *hc)
{
	if (task_no_new_privs(current) && !(hc->flags & CKPT_CREDS_NO_NEW_PRIVS))
		return ckpt_err(ctx, -EPERM,
				"pid %d: creds: the caller has no_new_privs, the image does not",
				ctx->pid);
	if (seccomp_mode(&current->seccomp) != SECCOMP_MODE_DISABLED)
		return ckpt_err(ctx, -EPERM,
				"pid %d: creds: the caller runs under seccomp, the image does not",
				ctx->pid);
	return 0;
}

/**
 * restore_creds - read the CREDS record and build the restored credentials
 * @ctx: restart context, after the TASK record of ctx->cur
 *
 * Unless validating, ctx->cur->cred becomes the credentials the task will
 * have; nothing of current changes.
 *
 * Return: 0 or a negative errno, logged.
 */
int restore_creds(struct ckpt_ctx *ctx)
{
	struct ckpt_task_state *ts = ctx->cur;
	const struct cred *old = current_cred();
	struct ckpt_hdr_creds *hc;
	struct cred *new = NULL;
	int ret;

	hc = ckpt_read_obj(ctx, CKPT_HDR_CREDS);
	if (IS_ERR(hc))
		return PTR_ERR(hc);
	ret = restore_check_creds_record(ctx, hc);
	if (ret || (ctx->uflags & RESTART_VALIDATE))
		goto out;
	ret = restore_check_sandbox(ctx, hc);
	if (ret)
		goto out;
	new = prepare_creds();
	if (!new) {
		ret = ckpt_err(ctx, -ENOMEM, "pid %d: creds: no memory for credentials", ctx->pid);
		goto out;
	}
	ret = restore_groups(ctx, hc, old, new);
	if (!ret)
		ret = restore_ids(ctx, hc, old, new);
	if (!ret)
		ret = restore_check_nproc(ctx, old, new, ts->hdr->rlim[RLIMIT_NPROC].cur);
	if (!ret)
		ret = restore_caps(ctx, hc, old, new);
	if (!ret)
		ret = restore_securebits(ctx, hc, old, new);
	if (ret) {
		abort_creds(new);
		goto out;
	}
	if (ts->cred)
		put_cred(ts->cred);
	ts->cred = new;
	ts->no_new_privs = hc->flags & CKPT_CREDS_NO_NEW_PRIVS;
out:
	kvfree(hc);
	return ret;
}

/**
 * restore_creds_apply - make the restored credentials current's own
 * @ts: the task's state, with the credentials restore_creds() built
 *
 * As commit_creds() does, this clears the parent death signal and resets
 * the dumpable flag if the ids change: the caller sets those after it.
 */
void restore_creds_apply(struct ckpt_task_state *ts)
{
	if (ts->cred) {
		commit_creds((struct cred *)ts->cred);
		ts->cred = NULL;
	}
	if (ts->no_new_privs)
		task_set_no_new_privs(current);
}

/**
 * restore_caller_capable - does the restarting task itself have @cap?
 * @cap: the capability, in its user namespace
 *
 * While a task reads its records it acts with the credentials it will have
 * (override_creds()); what the restarting task does on the restored task's
 * behalf, as a restarting helper would before it gives up its
 * credentials (pick the executable a process shows, as
 * prctl(PR_SET_MM_MAP) does), takes a capability of its own, real,
 * credentials.
 *
 * Return: true if it has it.
 */
bool restore_caller_capable(int cap)
{
	return has_ns_capability(current, current_real_cred()->user_ns, cap);
}
