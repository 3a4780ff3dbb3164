// SPDX-License-Identifier: GPL-2.0
/*
 * The task tree: which tasks an image holds, and how they are related.
 *
 * Checkpoint saves the process it is given and all its descendants,
 * found through the children lists, parents before children. The tree is
 * frozen as a whole: every task is asked to freeze, then the tree is
 * walked again, until a walk finds no task that is not frozen yet (a task
 * may have forked before it froze). Zombies are part of the tree, without
 * records of their own. If the root is the init of a pid namespace that
 * is not the checkpointer's, the image is of a container and its pids are
 * those of that namespace.
 *
 * Restart checks the tree record (unique pids, every parent before its
 * children) and, as each task's turn comes, that the process which called
 * restart(2) for a pid is where the tree says: same parent, and the same
 * process group and session whenever their leader is in the tree or has
 * exited (rstr then recreates the group or session with a placeholder).
 */

#include <linux/checkpoint.h>
#include <linux/delay.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/err.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/resource.h>
#include <linux/sched/user.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/threads.h>
#include <linux/xarray.h>

#define CKPT_TREE_ROUNDS	16	/* walks of the tree before giving up */
#define CKPT_TREE_JOIN_MS	10000	/* for threads to call restart(2) */

/**
 * ckpt_tree_ns - the pid namespace whose pids the image holds
 * @ctx: checkpoint or restart context, with its tree flags set
 *
 * Return: the root's pid namespace for a container, else the caller's.
 */
struct pid_namespace *ckpt_tree_ns(struct ckpt_ctx *ctx)
{
	if (ctx->tree_flags & CKPT_TREE_PIDNS)
		return task_active_pid_ns(ctx->root_task);
	return task_active_pid_ns(current);
}

/*
 * Walk the tree under @root into @ts (room for @max entries), parents
 * before children, each process followed by its other threads. Return the
 * number of tasks, or -E2BIG if more than @max.
 */
static int ckpt_walk_tree(struct task_struct *root, struct ckpt_task_state *ts, u32 max)
{
	struct task_struct *t, *child, *thread;
	u32 n = 0, i;

	read_lock(&tasklist_lock);
	ts[n++].task = root;
	for (i = 0; i < n; i++) {
		t = ts[i].task;
		if (thread_group_leader(t)) {
			for_each_thread(t, thread) {
				if (thread == t || thread->exit_state)
					continue;
				if (n == max) {
					read_unlock(&tasklist_lock);
					return -E2BIG;
				}
				ts[n++].task = thread;
			}
		}
		list_for_each_entry(child, &t->children, sibling) {
			if (child->exit_state == EXIT_DEAD)
				continue;
			if (n == max) {
				read_unlock(&tasklist_lock);
				return -E2BIG;
			}
			ts[n++].task = child;
		}
	}
	for (i = 0; i < n; i++)
		get_task_struct(ts[i].task);
	read_unlock(&tasklist_lock);
	return n;
}

/* Walk the tree into a new array, growing it as needed */
static int ckpt_collect_tree(struct ckpt_ctx *ctx, struct ckpt_task_state **out, u32 *nr)
{
	struct ckpt_task_state *ts;
	u32 max = 64;
	int n;

	for (;;) {
		ts = kvcalloc(max, sizeof(*ts), GFP_KERNEL_ACCOUNT);
		if (!ts)
			break;
		n = ckpt_walk_tree(ctx->root_task, ts, max);
		if (n >= 0)
			break;
		kvfree(ts);
		if (max >= CKPT_TREE_MAX_TASKS)
			return ckpt_err(ctx, -E2BIG, "pid %d: more than %u tasks in its tree",
					ctx->pid, CKPT_TREE_MAX_TASKS);
		max *= 2;
	}
	if (!ts)
		return ckpt_err(ctx, -ENOMEM, "pid %d: tree of more than %u tasks", ctx->pid, max);
	*out = ts;
	*nr = n;
	return 0;
}

static void ckpt_put_tasks(struct ckpt_task_state *ts, u32 nr)
{
	u32 i;

	for (i = 0; i < nr; i++)
		if (ts[i].task)
			put_task_struct(ts[i].task);
	kvfree(ts);
}

static bool ckpt_same_tree(struct ckpt_task_state *a, u32 na, struct ckpt_task_state *b, u32 nb)
{
	u32 i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].task != b[i].task)
			return false;
	return true;
}

/*
 * A namespace of @t's that is not the checkpointer's (besides the pid and
 * IPC namespaces of a container, which the image holds), or NULL: a task
 * restored into the restarter's would silently see another system.
 */
static const char *ckpt_ns_unsupported(struct task_struct *t)
{
	struct nsproxy *mine = current->nsproxy, *ns;
	const char *why = NULL;

	task_lock(t);
	ns = t->nsproxy;
	if (!ns)
		why = "has no namespaces";
	else if (ns->uts_ns != mine->uts_ns)
		why = "own UTS namespace not supported";
	else if (ns->mnt_ns != mine->mnt_ns)
		why = "own mount namespace not supported";
	else if (ns->net_ns != mine->net_ns)
		why = "own network namespace not supported";
	else if (ns->cgroup_ns != mine->cgroup_ns)
		why = "own cgroup namespace not supported";
	else if (ns->time_ns != mine->time_ns ||
		 ns->time_ns_for_children != mine->time_ns_for_children)
		why = "own time namespace not supported";
	else if (ns->pid_ns_for_children != task_active_pid_ns(t))
		why = "its children go to a pid namespace of their own: not supported";
	task_unlock(t);
	return why;
}

/* Is @t traced, or a tracer? The image has no place for either */
static const char *ckpt_ptrace_unsupported(struct task_struct *t)
{
	const char *why = NULL;

	read_lock(&tasklist_lock);
	if (t->ptrace)
		why = "is traced (ptrace): not supported";
	else if (!list_empty(&t->ptraced))
		why = "traces other tasks (ptrace): not supported";
	read_unlock(&tasklist_lock);
	return why;
}

/*
 * May the caller touch every task it is about to freeze, and can the
 * image hold it? Freezing wakes a task up: a task the caller could not
 * attach to, or one the image can't hold (traced, in namespaces of its
 * own), is refused before that.
 */
static int ckpt_check_access(struct ckpt_ctx *ctx)
{
	struct task_struct *t;
	const char *why;
	u32 i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		t = ctx->tasks[i].task;
		if (ctx->tasks[i].frozen || t->exit_state)
			continue;
		if (t->flags & PF_KTHREAD)
			return ckpt_err(ctx, -EPERM, "pid %d: is a kernel thread", task_pid_vnr(t));
		if (!ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS))
			return ckpt_err(ctx, -EPERM,
					"pid %d: caller lacks PTRACE_MODE_ATTACH access",
					task_pid_vnr(t));
		why = ckpt_ptrace_unsupported(t) ?: ckpt_ns_unsupported(t);
		if (why)
			return ckpt_err(ctx, -EOPNOTSUPP, "pid %d: %s", task_pid_vnr(t), why);
		cond_resched();
	}
	return 0;
}

/*
 * Freeze the tree: walk it, freeze what isn't frozen, and walk it again
 * until nothing new turns up. Tasks we froze keep ->frozen set across walks
 * (t->checkpoint_freeze says so), so checkpoint_thaw() undoes exactly that.
 */
static int ckpt_freeze_tree(struct ckpt_ctx *ctx)
{
	struct ckpt_task_state *ts;
	u32 nr, i, j, round;
	int ret;

	ret = ckpt_collect_tree(ctx, &ctx->tasks, &ctx->nr_tasks);
	for (round = 0; !ret && round < CKPT_TREE_ROUNDS; round++) {
		ret = ckpt_check_access(ctx);
		if (ret)
			return ret;
		ret = checkpoint_freeze(ctx);
		if (ret)
			return ret;
		ret = ckpt_collect_tree(ctx, &ts, &nr);
		if (ret)
			return ret;
		if (ckpt_same_tree(ctx->tasks, ctx->nr_tasks, ts, nr)) {
			ckpt_put_tasks(ts, nr);
			return 0;
		}
		/* frozen tasks that left the tree are thawed with the old array */
		for (i = 0; i < nr; i++)
			for (j = 0; j < ctx->nr_tasks; j++)
				if (ctx->tasks[j].task == ts[i].task && ctx->tasks[j].frozen) {
					ts[i].frozen = true;
					ctx->tasks[j].frozen = false;
				}
		checkpoint_thaw(ctx, false);
		ckpt_put_tasks(ctx->tasks, ctx->nr_tasks);
		ctx->tasks = ts;
		ctx->nr_tasks = nr;
	}
	return ret ?: ckpt_err(ctx, -EAGAIN, "pid %d: its tree kept changing while freezing it",
			       ctx->pid);
}

/*
 * Has the process group or session @pid (@type) lost its leader, with all
 * its members in the tree? Restart then makes it again with a placeholder
 * leader. One with members outside the tree lives on there: it is not the
 * tree's to restore, as one whose leader lives outside is not.
 */
static bool ckpt_leader_gone(struct ckpt_ctx *ctx, struct pid *pid, enum pid_type type)
{
	struct task_struct *t;
	u32 members = 0, i;

	if (pid_task(pid, PIDTYPE_PID))
		return false;
	do_each_pid_task(pid, type, t) {
		members++;
	} while_each_pid_task(pid, type, t);
	for (i = 0; i < ctx->nr_tasks; i++) {
		t = ctx->tasks[i].task;
		if (thread_group_leader(t) &&
		    (type == PIDTYPE_PGID ? task_pgrp(t) : task_session(t)) == pid)
			members--;
	}
	return !members;
}

static void checkpoint_pids(struct ckpt_ctx *ctx, struct ckpt_pids *p, struct task_struct *t)
{
	struct pid_namespace *ns = ckpt_tree_ns(ctx);

	rcu_read_lock();
	p->vpid = task_pid_nr_ns(t, ns);
	p->vtgid = task_tgid_nr_ns(t, ns);
	p->vppid = t == ctx->root_task && (ctx->tree_flags & CKPT_TREE_PIDNS) ? 0 :
		   task_ppid_nr_ns(t, ns);
	p->vpgid = task_pgrp_nr_ns(t, ns);
	p->vsid = task_session_nr_ns(t, ns);
	p->depth = task_active_pid_ns(t)->level - ns->level;
	if (p->vpgid && ckpt_leader_gone(ctx, task_pgrp(t), PIDTYPE_PGID))
		p->flags |= CKPT_PIDS_PGRP_GONE;
	if (p->vsid && ckpt_leader_gone(ctx, task_session(t), PIDTYPE_SID))
		p->flags |= CKPT_PIDS_SESSION_GONE;
	rcu_read_unlock();
	if (t->exit_state == EXIT_ZOMBIE) {
		p->flags |= CKPT_PIDS_ZOMBIE;
		p->exit_code = READ_ONCE(t->exit_code);
	} else if (thread_group_leader(t) && t->signal->is_child_subreaper) {
		p->flags |= CKPT_PIDS_SUBREAPER;
	}
}

/* Does another process of the tree than @t's use @mm? */
static bool ckpt_mm_in_tree(struct ckpt_ctx *ctx, struct task_struct *t, struct mm_struct *mm)
{
	struct task_struct *u;
	bool shared = false;
	u32 i;

	for (i = 0; i < ctx->nr_tasks && !shared; i++) {
		u = ctx->tasks[i].task;
		if (same_thread_group(u, t))
			continue;
		task_lock(u);
		shared = u->mm == mm;
		task_unlock(u);
	}
	return shared;
}

/* Count the tasks of the tree that use @files and @fs (either may be NULL) */
static void ckpt_tree_users(struct ckpt_ctx *ctx, struct files_struct *files,
			    struct fs_struct *fs, int *nr_files, int *nr_fs)
{
	struct task_struct *u;
	u32 i;

	*nr_files = 0;
	*nr_fs = 0;
	for (i = 0; i < ctx->nr_tasks; i++) {
		u = ctx->tasks[i].task;
		task_lock(u);
		*nr_files += files && u->files == files;
		*nr_fs += fs && u->fs == fs;
		task_unlock(u);
	}
}

/*
 * Signal handlers shared by processes (CLONE_SIGHAND, which needs CLONE_VM)
 * are saved once if all their users are processes of the tree without
 * threads.
 */
static const char *ckpt_sighand_shares(struct ckpt_ctx *ctx, struct task_struct *t, int nr)
{
	/* the tasks are current or frozen: only exec changes their sighand */
	struct sighand_struct *sh = rcu_dereference_protected(t->sighand, true);
	u32 users = 0, i;

	if (refcount_read(&sh->count) == nr)
		return NULL;
	if (nr > 1)
		return "shares its signal handlers and has threads: not supported";
	for (i = 0; i < ctx->nr_tasks; i++)
		if (rcu_access_pointer(ctx->tasks[i].task->sighand) == sh)
			users++;
	if (users != refcount_read(&sh->count))
		return "shares its signal handlers with a process outside the tree";
	return NULL;
}

/*
 * Does @t share its address space, fd table, fs_struct or signal handlers
 * with another process in a way the image can't hold? Its threads share
 * them, and have nothing else of their own; a thread with an fd table or
 * fs_struct of its own (unshare(2)) is refused.
 *
 * An fd table or fs_struct shared with other processes of the tree is
 * saved once (checkpoint_files()); one also used outside the tree is
 * refused unless CHECKPOINT_SUBTREE says to save it as the tree's own.
 * The tasks are frozen: the counts don't move.
 *
 * An address space shared by processes of the tree (CLONE_VM) is saved
 * once too, as long as they have no threads. mm_users also counts passing
 * users (a reader of /proc/PID/cmdline), so one shared with a process
 * outside the tree can't be told from those. A vfork(2) child that has
 * not called exec holds its parent inside vfork(), where restart can't
 * put it back.
 */
static int ckpt_task_shares(struct ckpt_ctx *ctx, struct task_struct *t)
{
	int nr = get_nr_threads(t), files_users = 0, fs_users = 0, nr_files, nr_fs;
	struct files_struct *files = NULL, *own_files;
	struct fs_struct *fs = NULL, *own_fs;
	struct mm_struct *mm = NULL;
	pid_t pid = task_pid_vnr(t);
	const char *what;
	bool vfork;

	if (t->exit_state)
		return 0;
	task_lock(t);
	if (t->mm && atomic_read(&t->mm->mm_users) > nr)
		mm = t->mm;
	vfork = t->vfork_done;
	own_files = t->files;
	own_fs = t->fs;
	if (t->files)
		files_users = atomic_read(&t->files->count);
	if (files_users > nr)
		files = t->files;
	if (t->fs)
		fs_users = READ_ONCE(t->fs->users);
	if (fs_users > nr)
		fs = t->fs;
	task_unlock(t);
	if (vfork)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: is a vfork(2) child that has not called exec: not supported",
				pid);
	if (!thread_group_leader(t)) {
		task_lock(t->group_leader);
		what = t->group_leader->files != own_files ? "an fd table" :
		       t->group_leader->fs != own_fs ? "an fs_struct" : NULL;
		task_unlock(t->group_leader);
		if (what)
			return ckpt_err(ctx, -EOPNOTSUPP,
					"pid %d: a thread with %s of its own: not supported",
					pid, what);
	}
	if (mm && nr > 1 && ckpt_mm_in_tree(ctx, t, mm))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: shares its address space and has threads: not supported",
				pid);
	what = ckpt_sighand_shares(ctx, t, nr);
	if (what)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d: %s", pid, what);
	if ((!files && !fs) || (ctx->uflags & CHECKPOINT_SUBTREE))
		return 0;
	ckpt_tree_users(ctx, files, fs, &nr_files, &nr_fs);
	if (files && files_users > nr_files)
		return ckpt_err(ctx, -EBUSY,
				"pid %d: shares its fd table with a process outside the tree (use CHECKPOINT_SUBTREE)",
				pid);
	if (fs && fs_users > nr_fs)
		return ckpt_err(ctx, -EBUSY,
				"pid %d: shares its fs_struct with a process outside the tree (use CHECKPOINT_SUBTREE)",
				pid);
	return 0;
}

/* What the tree can't hold, or NULL */
static const char *ckpt_tree_unsupported(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	struct task_struct *t = ts->task;
	const char *why;

	if (t->exit_state && !thread_group_empty(t))
		return "thread group leader has exited, its threads run: not supported";
	if (t->exit_state)
		return t == ctx->root_task ? "has exited" : NULL;
	if (t->flags & PF_KTHREAD)
		return "is a kernel thread";
	if (task_active_pid_ns(t) != task_active_pid_ns(ctx->root_task))
		return "pid namespace nested in the tree not supported";
	if (!ptrace_may_access(t, PTRACE_MODE_ATTACH_REALCREDS))
		return "caller lacks PTRACE_MODE_ATTACH access";
	/* again on the frozen tree: it may have changed before it froze */
	why = ckpt_ptrace_unsupported(t) ?: ckpt_ns_unsupported(t);
	return why ?: ckpt_ipc_task_unsupported(ctx, t);
}

/**
 * checkpoint_tree - freeze the tree under ctx->root_task and write its record
 * @ctx: checkpoint context with root_task set
 *
 * Fills ctx->tasks; the caller must call checkpoint_thaw() whatever the
 * outcome.
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_tree(struct ckpt_ctx *ctx)
{
	struct pid_namespace *ns = task_active_pid_ns(ctx->root_task);
	struct ckpt_hdr_tree *tree;
	const char *why;
	u32 i;
	int ret;

	if (ns != task_active_pid_ns(current) && ns->child_reaper == ctx->root_task)
		ctx->tree_flags |= CKPT_TREE_PIDNS;
	ret = ckpt_freeze_tree(ctx);
	if (!ret)
		ret = checkpoint_ipc_tree(ctx);
	if (ret)
		return ret;
	tree = ckpt_hdr_alloc(CKPT_HDR_TREE, struct_size(tree, pids, ctx->nr_tasks));
	if (!tree)
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for the tree of %u tasks",
				ctx->pid, ctx->nr_tasks);
	tree->nr_tasks = ctx->nr_tasks;
	tree->flags = ctx->tree_flags;
	for (i = 0; i < ctx->nr_tasks; i++) {
		checkpoint_pids(ctx, &tree->pids[i], ctx->tasks[i].task);
		ctx->tasks[i].pid = tree->pids[i].vpid;
		ctx->tasks[i].thread = !thread_group_leader(ctx->tasks[i].task);
		why = ckpt_tree_unsupported(ctx, &ctx->tasks[i]);
		if (why) {
			ret = ckpt_err(ctx, -EOPNOTSUPP, "pid %d: %s",
				       task_pid_vnr(ctx->tasks[i].task), why);
			break;
		}
		ret = ckpt_task_shares(ctx, ctx->tasks[i].task);
		if (ret)
			break;
	}
	if (!ret)
		ret = ckpt_write_obj(ctx, &tree->h);
	kvfree(tree);
	return ret;
}

/*
 * The tasks of an image are processes the caller has made (and each asks
 * restart(2) to become one of them): there can't be more than it may
 * fork, RLIMIT_NPROC for a caller that fork(2) holds to it, nor more than
 * the pids the pid namespace has. The memory restart keeps for each task
 * is charged to the caller.
 */
static int restore_check_nr_tasks(struct ckpt_ctx *ctx, u32 nr)
{
	unsigned long nproc = rlimit(RLIMIT_NPROC);

	if (nr > READ_ONCE(pid_max))
		return ckpt_err(ctx, -EINVAL, "TREE nr_tasks %u: more than pid_max (%d)", nr,
				READ_ONCE(pid_max));
	if (nr > nproc && current_user() != INIT_USER && !capable(CAP_SYS_RESOURCE) &&
	    !capable(CAP_SYS_ADMIN))
		return ckpt_err(ctx, -EAGAIN,
				"TREE nr_tasks %u: more than the caller's RLIMIT_NPROC (%lu)",
				nr, nproc);
	return 0;
}

/* Stop a long loop over the image for a fatal signal, and let others run */
static int restore_check_killed(struct ckpt_ctx *ctx)
{
	cond_resched();
	if (fatal_signal_pending(current))
		return ckpt_err(ctx, -EINTR, "pid %d: killed while reading the tree",
				task_pid_vnr(current));
	return 0;
}

static bool ckpt_exit_code_ok(s32 code)
{
	int sig = code & 0x7f;

	if (code & ~0xffff)
		return false;
	if (sig)	/* killed by a signal: no exit status */
		return valid_signal(sig) && sig != 0x7f && !(code & 0xff00);
	return !(code & 0xff);
}

static int restore_check_pids(struct ckpt_ctx *ctx, const struct ckpt_pids *p, u32 i)
{
	u32 pidns = ctx->tree_flags & CKPT_TREE_PIDNS;
	int max = READ_ONCE(pid_max);
	const struct ckpt_pids *l;
	void *parent, *leader;

	if (p->vpid <= 0 || p->vpid >= max || p->vtgid <= 0 || p->vtgid >= max ||
	    p->vppid < 0 || p->vppid >= max || p->vpgid < 0 || p->vpgid >= max ||
	    p->vsid < 0 || p->vsid >= max || p->depth)
		return ckpt_err(ctx, -EINVAL, "tree: task %u has bad pids %d/%d/%d/%d/%d depth %u",
				i, p->vpid, p->vtgid, p->vppid, p->vpgid, p->vsid, p->depth);
	if (p->flags & ~CKPT_PIDS_FLAGS_ALL || (!(p->flags & CKPT_PIDS_ZOMBIE) && p->exit_code) ||
	    !ckpt_exit_code_ok(p->exit_code) || (!i && (p->flags & CKPT_PIDS_ZOMBIE)) ||
	    ((p->flags & CKPT_PIDS_SUBREAPER) &&
	     ((p->flags & CKPT_PIDS_ZOMBIE) || p->vtgid != p->vpid)))
		return ckpt_err(ctx, -EINVAL, "tree: task %u has bad flags %#x or exit code %#x",
				i, p->flags, p->exit_code);
	if (!i) {
		if ((pidns && (p->vpid != 1 || p->vppid)) || p->vtgid != p->vpid)
			return ckpt_err(ctx, -EINVAL, "tree: root has pid %d, tgid %d, parent %d",
					p->vpid, p->vtgid, p->vppid);
		return 0;
	}
	if (p->vtgid != p->vpid) {
		/* a thread: after its leader, a live process with the same parent */
		leader = xa_load(&ctx->pid_index, p->vtgid);
		l = leader ? &ctx->tree[xa_to_value(leader)] : NULL;
		if (!l || l->vtgid != l->vpid || (l->flags | p->flags) & CKPT_PIDS_ZOMBIE ||
		    l->vppid != p->vppid)
			return ckpt_err(ctx, -EINVAL,
					"tree: thread %d of %d does not follow a live leader",
					p->vpid, p->vtgid);
		return 0;
	}
	/* the parent comes first, and is alive */
	parent = xa_load(&ctx->pid_index, p->vppid);
	if (!parent || (ctx->tree[xa_to_value(parent)].flags & CKPT_PIDS_ZOMBIE))
		return ckpt_err(ctx, -EINVAL, "tree: task %u (pid %d): parent %d is not before it",
				i, p->vpid, p->vppid);
	return 0;
}

/* Is @pid, a pgid or sid of the image, the pid of a task of the tree? */
static bool ckpt_pid_in_tree(struct ckpt_ctx *ctx, pid_t pid)
{
	return pid && xa_load(&ctx->pid_index, pid);
}

/*
 * A group or session whose leader has exited can't have it in the tree,
 * and it is not the task's own.
 */
static int restore_check_gone(struct ckpt_ctx *ctx, const struct ckpt_pids *p)
{
	if ((p->flags & CKPT_PIDS_PGRP_GONE) &&
	    (!p->vpgid || p->vpgid == p->vpid || ckpt_pid_in_tree(ctx, p->vpgid)))
		return ckpt_err(ctx, -EINVAL,
				"tree: pid %d: process group %d can't have lost its leader",
				p->vpid, p->vpgid);
	if ((p->flags & CKPT_PIDS_SESSION_GONE) &&
	    (!p->vsid || p->vsid == p->vpid || ckpt_pid_in_tree(ctx, p->vsid)))
		return ckpt_err(ctx, -EINVAL, "tree: pid %d: session %d can't have lost its leader",
				p->vpid, p->vsid);
	return 0;
}

/**
 * restore_tree - read and check the tree record
 * @ctx: restart context
 *
 * Sets ctx->tree, ctx->nr_tasks and an empty ctx->tasks.
 *
 * Return: 0 or a negative errno.
 */
int restore_tree(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_tree *tree;
	u32 i, size;
	int ret = 0;

	tree = ckpt_read_obj(ctx, CKPT_HDR_TREE);
	if (IS_ERR(tree))
		return PTR_ERR(tree);
	if (!tree->nr_tasks || tree->nr_tasks > CKPT_TREE_MAX_TASKS ||
	    tree->h.len != ckpt_record_len(struct_size(tree, pids, tree->nr_tasks))) {
		ret = ckpt_err(ctx, -EINVAL, "offset %llu: tree of %u tasks in a %u byte record",
			       ctx->rec_pos, tree->nr_tasks, tree->h.len);
		goto out;
	}
	ret = restore_check_nr_tasks(ctx, tree->nr_tasks);
	if (ret)
		goto out;
	if (tree->flags & ~CKPT_TREE_FLAGS_ALL) {
		ret = ckpt_err(ctx, -EINVAL, "tree: unknown flags %#x", tree->flags);
		goto out;
	}
	ctx->tree_flags = tree->flags;
	size = tree->nr_tasks * sizeof(*ctx->tree);
	ctx->tree = kvmalloc(size, CKPT_GFP_IMAGE);
	ctx->tasks = kvcalloc(tree->nr_tasks, sizeof(*ctx->tasks), CKPT_GFP_IMAGE);
	if (!ctx->tree || !ctx->tasks) {
		ret = ckpt_err(ctx, -ENOMEM, "no memory for a tree of %u tasks", tree->nr_tasks);
		goto out;
	}
	memcpy(ctx->tree, tree->pids, size);
	for (i = 0; i < tree->nr_tasks; i++) {
		init_waitqueue_head(&ctx->tasks[i].turn_wq);
		ctx->tasks[i].dumpable = -1;
	}
	/* a task aborting the restart meanwhile wakes the queues up to nr_tasks */
	smp_store_release(&ctx->nr_tasks, tree->nr_tasks);
	for (i = 0; i < ctx->nr_tasks && !ret; i++) {
		ret = restore_check_pids(ctx, &ctx->tree[i], i);
		if (ret)
			break;
		ret = xa_insert(&ctx->pid_index, ctx->tree[i].vpid, xa_mk_value(i),
				CKPT_GFP_IMAGE);
		if (ret == -EBUSY)
			ret = ckpt_err(ctx, -EINVAL, "tree: pid %d appears twice",
				       ctx->tree[i].vpid);
		else if (ret)
			ret = ckpt_err(ctx, ret, "no memory for a tree of %u tasks", ctx->nr_tasks);
		ctx->tasks[i].pid = ctx->tree[i].vpid;
		ctx->tasks[i].thread = ctx->tree[i].vtgid != ctx->tree[i].vpid;
		if (!ret)
			ret = restore_check_killed(ctx);
	}
	for (i = 0; i < ctx->nr_tasks && !ret; i++) {
		ret = restore_check_gone(ctx, &ctx->tree[i]);
		if (!ret)
			ret = restore_check_killed(ctx);
	}
out:
	kvfree(tree);
	return ret;
}

/**
 * restore_check_tree_task - is current where the tree wants task @i?
 * @ctx: restart context
 * @i: index of current in ctx->tree
 *
 * Return: 0 or -EINVAL, logged.
 */
int restore_check_tree_task(struct ckpt_ctx *ctx, u32 i)
{
	const struct ckpt_pids *p = &ctx->tree[i];
	pid_t ppid, pgid, sid;

	rcu_read_lock();
	ppid = task_ppid_nr_ns(current, task_active_pid_ns(current));
	pgid = task_pgrp_vnr(current);
	sid = task_session_vnr(current);
	rcu_read_unlock();
	if (task_tgid_vnr(current) != p->vtgid)
		return ckpt_err(ctx, -EINVAL, "pid %d: is a thread of %d, the image says of %d",
				p->vpid, task_tgid_vnr(current), p->vtgid);
	/* a thread's parent is its leader's, checked with the leader */
	if (i && p->vtgid == p->vpid && ppid != p->vppid)
		return ckpt_err(ctx, -EINVAL, "pid %d: parent is %d, the image says %d", p->vpid,
				ppid, p->vppid);
	if (p->vtgid == p->vpid && !(p->flags & CKPT_PIDS_SUBREAPER) !=
	    !current->signal->is_child_subreaper)
		return ckpt_err(ctx, -EINVAL, "pid %d: %sa child subreaper, the image says %s",
				p->vpid, current->signal->is_child_subreaper ? "" : "not ",
				p->flags & CKPT_PIDS_SUBREAPER ? "it is" : "it is not");
	if ((ckpt_pid_in_tree(ctx, p->vpgid) || (p->flags & CKPT_PIDS_PGRP_GONE)) &&
	    pgid != p->vpgid)
		return ckpt_err(ctx, -EINVAL, "pid %d: process group is %d, the image says %d",
				p->vpid, pgid, p->vpgid);
	if ((ckpt_pid_in_tree(ctx, p->vsid) || (p->flags & CKPT_PIDS_SESSION_GONE)) &&
	    sid != p->vsid)
		return ckpt_err(ctx, -EINVAL, "pid %d: session is %d, the image says %d",
				p->vpid, sid, p->vsid);
	return 0;
}

/* Are all the threads of current tasks of this restart, claimed? */
static int restore_threads_joined(struct ckpt_ctx *ctx, u32 expected)
{
	struct task_struct *t;
	u32 nr = 0;
	void *entry;
	int ret = 1;

	rcu_read_lock();
	for_each_thread(current, t) {
		nr++;
		entry = xa_load(&ctx->pid_index, task_pid_vnr(t));
		if (!entry || ctx->tree[xa_to_value(entry)].vtgid != ctx->pid) {
			ret = -EINVAL;
			break;
		}
		if (READ_ONCE(ctx->tasks[xa_to_value(entry)].task) != t)
			ret = 0;
	}
	rcu_read_unlock();
	if (ret > 0 && nr != expected)
		ret = 0;
	return ret;
}

/**
 * restore_wait_threads - wait for the threads of current to join
 * @ctx: restart context, in the turn of current, a thread group leader
 *
 * The leader replaces the address space its threads share: they must all
 * be in restart(2) by then, and be the threads the image has.
 *
 * Return: 0, -EINVAL if current has a thread the image does not have, or
 * -ETIMEDOUT, logged.
 */
int restore_wait_threads(struct ckpt_ctx *ctx)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(CKPT_TREE_JOIN_MS);
	u32 i, expected = 0;
	int ret;

	for (i = 0; i < ctx->nr_tasks; i++)
		expected += ctx->tree[i].vtgid == ctx->pid;
	while ((ret = restore_threads_joined(ctx, expected)) == 0) {
		if (time_after(jiffies, deadline) || fatal_signal_pending(current))
			return ckpt_err(ctx, -ETIMEDOUT,
					"pid %d: its %u threads did not all call restart(2)",
					ctx->pid, expected - 1);
		usleep_range(1000, 2000);
	}
	if (ret < 0)
		return ckpt_err(ctx, ret, "pid %d: has threads the image does not have",
				ctx->pid);
	return 0;
}

/**
 * restore_check_zombie - has the zombie @i of the tree been recreated?
 * @ctx: restart context
 * @i: index of a zombie in ctx->tree
 *
 * Its parent (restored before it) forks it and it exits at once with its
 * exit code; this checks the result.
 *
 * Return: 0, -EAGAIN if it hasn't exited yet, or -EINVAL, logged.
 */
int restore_check_zombie(struct ckpt_ctx *ctx, u32 i)
{
	const struct ckpt_pids *p = &ctx->tree[i];
	struct task_struct *t;
	int ret = -EINVAL;
	pid_t ppid = 0;
	int code = 0;

	rcu_read_lock();
	t = find_task_by_vpid(p->vpid);
	if (t) {
		ppid = task_ppid_nr_ns(t, task_active_pid_ns(current));
		code = READ_ONCE(t->exit_code);
		if (t->exit_state != EXIT_ZOMBIE)
			ret = t->exit_state ? -EINVAL : -EAGAIN;
		else if (ppid == p->vppid && (code & ~0x80) == (p->exit_code & ~0x80))
			ret = 0;
	}
	rcu_read_unlock();
	if (ret == -EINVAL)
		ckpt_err(ctx, ret, "pid %d: not a zombie of parent %d with exit code %#x",
			 p->vpid, p->vppid, p->exit_code);
	return ret;
}

/**
 * ckpt_tree_free - release the tree of a context
 * @ctx: the context
 */
void ckpt_tree_free(struct ckpt_ctx *ctx)
{
	u32 i;

	for (i = 0; ctx->tasks && i < ctx->nr_tasks; i++)
		ckpt_task_state_free(&ctx->tasks[i]);
	kvfree(ctx->tasks);
	kvfree(ctx->tree);
	xa_destroy(&ctx->pid_index);
}
