// SPDX-License-Identifier: GPL-2.0
/*
 * Files: the working directory and umask (fs_struct), and the fd table.
 *
 * Regular files, directories and the basic character devices (null,
 * zero, full, random, urandom, the console and ttys) are saved by path,
 * open flags and position, and opened again by path on restart, with the
 * credentials the restored task will hold (restore_task_all() overrides
 * them). Other kinds of files (pipes...) have a struct ckpt_file_ops each,
 * in their own file, listed in ckpt_file_kinds[].
 * Several fds sharing one open file stay shared. Any other kind of file
 * makes checkpoint fail with a message that names the task, the fd and the
 * kind.
 *
 * Processes sharing an fs_struct or an fd table (clone(2) with CLONE_FS or
 * CLONE_FILES, without CLONE_THREAD) share them again after restart: the
 * first one saves them, each later one only refers to them by objref, and
 * on restart adopts the one the first restored.
 */

#include <linux/bitmap.h>
#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/sock_reuseport.h>
#include <uapi/linux/magic.h>

#define CKPT_FD_FLAGS	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | O_DIRECT | \
			 O_LARGEFILE | O_NOATIME | __O_SYNC | O_PATH)
#define CKPT_MAX_FDS	BIT(20)

/**
 * ckpt_fs_get - take a reference on an fs_struct
 * @fs: an fs_struct the caller holds a reference on
 */
void ckpt_fs_get(struct fs_struct *fs)
{
	spin_lock(&fs->lock);
	fs->users++;
	spin_unlock(&fs->lock);
}

/**
 * ckpt_fs_put - drop a reference on an fs_struct, freeing it on the last
 * @fs: the fs_struct
 */
void ckpt_fs_put(struct fs_struct *fs)
{
	bool kill;

	spin_lock(&fs->lock);
	kill = !--fs->users;
	spin_unlock(&fs->lock);
	if (kill)
		free_fs_struct(fs);
}

/* @t's fs_struct with a reference, or NULL if it has none */
static struct fs_struct *ckpt_task_fs(struct task_struct *t)
{
	struct fs_struct *fs;

	task_lock(t);
	fs = t->fs;
	if (fs)
		ckpt_fs_get(fs);
	task_unlock(t);
	return fs;
}

/* @t's fd table with a reference, or NULL if it has none */
static struct files_struct *ckpt_task_files(struct task_struct *t)
{
	struct files_struct *files;

	task_lock(t);
	files = t->files;
	if (files)
		atomic_inc(&files->count);
	task_unlock(t);
	return files;
}

/* The FS or FILES record of a process that shares what an earlier one saved */
static int checkpoint_shared_ref(struct ckpt_ctx *ctx, u32 type, u32 objref)
{
	struct ckpt_hdr_files *hfi;
	struct ckpt_hdr_fs *hfs;
	int ret = -ENOMEM;

	if (type == CKPT_HDR_FS) {
		hfs = ckpt_hdr_alloc(CKPT_HDR_FS, sizeof(*hfs));
		if (hfs) {
			hfs->objref = objref;
			hfs->flags = CKPT_SHARED_REF;
			ret = ckpt_write_obj(ctx, &hfs->h);
			kfree(hfs);
		}
	} else {
		hfi = ckpt_hdr_alloc(CKPT_HDR_FILES, sizeof(*hfi));
		if (hfi) {
			hfi->objref = objref;
			hfi->flags = CKPT_SHARED_REF;
			ret = ckpt_write_obj(ctx, &hfi->h);
			kfree(hfi);
		}
	}
	return ret;
}

static int checkpoint_fs(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct path root, pwd, my_root;
	struct ckpt_hdr_fs *hf = NULL;
	struct fs_struct *fs;
	const char *path;
	int ret, umask;
	u32 objref;
	size_t len;

	fs = ckpt_task_fs(t);
	if (!fs)
		return ckpt_err(ctx, -EINVAL, "pid %d: has no fs_struct", ctx->pid);
	/* the object hash holds its own reference on a new one */
	ret = ckpt_obj_lookup_add(ctx, fs, CKPT_OBJ_FS, &objref);
	if (ret < 0) {
		ckpt_fs_put(fs);
		return ckpt_err(ctx, ret, "pid %d: no room for its fs_struct", ctx->pid);
	}
	if (!ret) {
		ckpt_fs_put(fs);
		return checkpoint_shared_ref(ctx, CKPT_HDR_FS, objref);
	}
	get_fs_root(fs, &root);
	get_fs_pwd(fs, &pwd);
	umask = READ_ONCE(fs->umask);
	ckpt_fs_put(fs);

	get_fs_root(current->fs, &my_root);
	if (!path_equal(&root, &my_root)) {
		ret = ckpt_err(ctx, -EOPNOTSUPP, "pid %d: runs chrooted: not supported", ctx->pid);
		goto out;
	}
	path = d_path(&pwd, ctx->scratch, PAGE_SIZE);
	if (IS_ERR(path) || *path != '/' || d_unlinked(pwd.dentry)) {
		ret = ckpt_err(ctx, -EOPNOTSUPP, "pid %d: working directory has no path", ctx->pid);
		goto out;
	}
	len = strlen(path) + 1;
	hf = ckpt_hdr_alloc(CKPT_HDR_FS, struct_size(hf, cwd, len));
	ret = -ENOMEM;
	if (hf) {
		hf->objref = objref;
		hf->umask = umask;
		hf->cwd_len = len;
		memcpy(hf->cwd, path, len);
		ret = ckpt_write_obj(ctx, &hf->h);
		kfree(hf);
	}
out:
	path_put(&my_root);
	path_put(&root);
	path_put(&pwd);
	return ret;
}

/*
 * Make current and its threads use @fs, restored by an earlier process, in
 * place of their own. They are all in restart(2), and only they use their
 * old fs_struct (restore_mm() checked that).
 */
static void restore_share_fs(struct fs_struct *fs)
{
	struct fs_struct *old = current->fs;
	struct task_struct *t;
	bool kill = false;

	rcu_read_lock();
	for_each_thread(current, t) {
		task_lock(t);
		if (t->fs == old) {
			ckpt_fs_get(fs);
			spin_lock(&old->lock);
			if (!--old->users)
				kill = true;
			t->fs = fs;
			spin_unlock(&old->lock);
		}
		task_unlock(t);
	}
	rcu_read_unlock();
	if (kill)
		free_fs_struct(old);
}

/*
 * The same for @files: the old fd table, with the fds the restarting
 * process had, is closed once the last thread lets go of it.
 */
static void restore_share_files(struct files_struct *files)
{
	struct files_struct *old = current->files;
	struct task_struct *t;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_thread(current, t) {
		task_lock(t);
		if (t->files == old) {
			atomic_inc(&files->count);
			t->files = files;
			n++;
		}
		task_unlock(t);
	}
	rcu_read_unlock();
	while (n--)
		put_files_struct(old);
}

static int restore_fs(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_fs *hf;
	struct fs_struct *fs;
	struct path pwd;
	int ret = 0;

	hf = ckpt_read_obj(ctx, CKPT_HDR_FS);
	if (IS_ERR(hf))
		return PTR_ERR(hf);
	if (hf->flags & ~CKPT_SHARED_REF ||
	    (hf->flags && (hf->umask || hf->cwd_len || hf->h.len != sizeof(*hf)))) {
		ret = ckpt_err(ctx, -EINVAL, "pid %d: fs: bad flags %#x, umask %#o or length %u",
			       ctx->pid, hf->flags, hf->umask, hf->h.len);
		goto out;
	}
	if (hf->flags) {
		fs = ckpt_obj_shared(ctx, hf->objref, CKPT_OBJ_FS, "a fs_struct");
		if (IS_ERR(fs))
			ret = PTR_ERR(fs);
		else if (fs && fs != current->fs)
			restore_share_fs(fs);
		goto out;
	}
	ret = ckpt_check_string(ctx, "working directory", hf->cwd, hf->cwd_len,
				hf->h.len - sizeof(*hf));
	if (!ret && hf->umask & ~0777)
		ret = ckpt_err(ctx, -EINVAL, "fs: bad umask %#o", hf->umask);
	/* restore_mm() made sure only current's threads share current->fs */
	if (!ret)
		ret = ckpt_obj_restored(ctx, hf->objref, current->fs, CKPT_OBJ_FS);
	if (ret || (ctx->uflags & RESTART_VALIDATE))
		goto out;
	ret = kern_path(hf->cwd, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &pwd);
	if (!ret) {
		ret = path_permission(&pwd, MAY_EXEC | MAY_CHDIR);
		if (!ret)
			set_fs_pwd(current->fs, &pwd);
		path_put(&pwd);
	}
	if (ret)
		ckpt_err(ctx, ret, "fs: cannot enter working directory %s", hf->cwd);
	if (!ret)
		current->fs->umask = hf->umask;
out:
	kvfree(hf);
	return ret;
}

/* The basic character devices that are the same thing wherever opened */
static bool ckpt_chrdev_ok(dev_t dev)
{
	switch (MAJOR(dev)) {
	case MEM_MAJOR:
		return MINOR(dev) == 3 || MINOR(dev) == 5 || MINOR(dev) == 7 ||
		       MINOR(dev) == 8 || MINOR(dev) == 9;
	case TTY_MAJOR:
		return true;
	case TTYAUX_MAJOR:
		return MINOR(dev) == 0 || MINOR(dev) == 1;
	}
	return false;
}

/* Why @file can't be saved, or NULL if it can */
static const char *ckpt_file_unsupported(struct file *file, char *buf, size_t size)
{
	struct inode *inode = file_inode(file);

	switch (inode->i_sb->s_magic) {
	case ANON_INODE_FS_MAGIC:
		snprintf(buf, size, "%pd", file->f_path.dentry);
		return buf;
	case PIPEFS_MAGIC:
		return "pipe";
	case SOCKFS_MAGIC:
		return "socket";
	}
	if (file->f_mode & FMODE_PATH)
		return "O_PATH file";
	if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode))
		return NULL;
	if (S_ISCHR(inode->i_mode)) {
		if (ckpt_chrdev_ok(inode->i_rdev))
			return NULL;
		snprintf(buf, size, "character device %u:%u", MAJOR(inode->i_rdev),
			 MINOR(inode->i_rdev));
		return buf;
	}
	if (S_ISFIFO(inode->i_mode))
		return "FIFO";
	if (S_ISBLK(inode->i_mode))
		return "block device";
	return "special file";
}

/* The kinds of files saved by a kind-specific part, not only by path */
static const struct ckpt_file_ops *const ckpt_file_kinds[] = {
	&ckpt_pipe_ops,
	&ckpt_fifo_ops,
	&ckpt_memfd_ops,
	&ckpt_deleted_ops,
#ifdef CONFIG_EPOLL
	&ckpt_epoll_ops,
#endif
#if IS_BUILTIN(CONFIG_UNIX)
	&ckpt_unix_ops,
#endif
#ifdef CONFIG_INET
	&ckpt_inet_ops,
#endif
#ifdef CONFIG_EVENTFD
	&ckpt_eventfd_ops,
#endif
#ifdef CONFIG_SIGNALFD
	&ckpt_signalfd_ops,
#endif
#ifdef CONFIG_TIMERFD
	&ckpt_timerfd_ops,
#endif
};

static const struct ckpt_file_ops *ckpt_file_ops_of(struct file *file)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_file_kinds); i++)
		if (ckpt_file_kinds[i]->match(file))
			return ckpt_file_kinds[i];
	return NULL;
}

static const struct ckpt_file_ops *ckpt_file_ops_kind(u32 kind)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_file_kinds); i++)
		if (ckpt_file_kinds[i]->kind == kind)
			return ckpt_file_kinds[i];
	return NULL;
}

static int checkpoint_fd(struct ckpt_ctx *ctx, struct file *file, unsigned int fd,
			 bool cloexec)
{
	const struct ckpt_file_ops *ops = ckpt_file_ops_of(file);
	struct inode *inode = file_inode(file);
	struct ckpt_hdr_fd *hf;
	const char *why, *path = NULL;
	char kind[64];
	u32 len = 0, objref;
	bool new_file;
	int ret;

	why = ops ? NULL : ckpt_file_unsupported(file, kind, sizeof(kind));
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d fd %u: %s not supported",
				ctx->pid, fd, why);
	ret = ckpt_obj_lookup_add(ctx, file, CKPT_OBJ_FILE, &objref);
	if (ret < 0)
		return ckpt_err(ctx, ret, "pid %d fd %u: no room for the open file", ctx->pid, fd);
	new_file = ret;
	if (new_file && (!ops || ops->by_path)) {
		snprintf(kind, sizeof(kind), "fd %u", fd);
		ret = ckpt_file_path(ctx, file, kind, ctx->scratch, PAGE_SIZE, &path);
		if (ret)
			return ret;
		len = strlen(path) + 1;
	}
	hf = ckpt_hdr_alloc(CKPT_HDR_FD, struct_size(hf, path, len));
	if (!hf)
		return -ENOMEM;
	hf->fd = fd;
	hf->cloexec = cloexec;
	hf->objref = objref;
	if (!new_file) {
		hf->kind = CKPT_FD_REF;
	} else if (ops) {
		hf->kind = ops->kind;
		hf->f_flags = file->f_flags & CKPT_FD_FLAGS;
		hf->pos = ops->seekable ? file->f_pos : 0;
	} else {
		hf->kind = S_ISREG(inode->i_mode) ? CKPT_FD_REG :
			   S_ISDIR(inode->i_mode) ? CKPT_FD_DIR : CKPT_FD_CHR;
		hf->f_flags = file->f_flags & CKPT_FD_FLAGS;
		hf->rdev = hf->kind == CKPT_FD_CHR ? new_encode_dev(inode->i_rdev) : 0;
		hf->pos = hf->kind == CKPT_FD_CHR ? 0 : file->f_pos;
	}
	if (path) {
		hf->path_len = len;
		memcpy(hf->path, path, len);
	}
	ret = ckpt_write_obj(ctx, &hf->h);
	kfree(hf);
	if (!ret && ops && new_file)
		ret = ops->checkpoint(ctx, file, fd);
	return ret;
}

struct ckpt_fd_ent {
	struct file *file;
	unsigned int fd;
	bool cloexec;
};

/* The open fds of @t with a reference on each file; kvfree() the array */
static struct ckpt_fd_ent *ckpt_collect_fds(struct ckpt_ctx *ctx, struct task_struct *t,
					    unsigned int *nr)
{
	struct ckpt_fd_ent *ents = NULL, *bigger;
	unsigned int n = 0, max = 0, fd;
	struct file *file;
	bool cloexec;

	for (fd = 0;; fd++) {
		if (n == max) {
			max = max ? 2 * max : 64;
			bigger = max <= CKPT_MAX_FDS ?
				 kvrealloc(ents, max * sizeof(*ents), GFP_KERNEL_ACCOUNT) : NULL;
			if (!bigger)
				goto nomem;
			ents = bigger;
		}
		cloexec = false;
		rcu_read_lock();
		file = task_lookup_next_fdget_rcu(t, &fd);
		if (file) {
			task_lock(t);
			cloexec = t->files && close_on_exec(fd, t->files);
			task_unlock(t);
		}
		rcu_read_unlock();
		if (!file)
			break;
		if (t == current && fd == ctx->fd && file == ctx->file) {
			fput(file);	/* the image being written is not part of it */
			continue;
		}
		ents[n].file = file;
		ents[n].fd = fd;
		ents[n].cloexec = cloexec;
		n++;
	}
	*nr = n;
	return ents;
nomem:
	while (n--)
		fput(ents[n].file);
	kvfree(ents);
	return ERR_PTR(-ENOMEM);
}

/**
 * checkpoint_files - write the fs_struct and fd table records of a task
 * @ctx: checkpoint context
 * @t: current or a frozen task
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_files(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct files_struct *files;
	struct ckpt_hdr_files *hf;
	struct ckpt_fd_ent *ents;
	unsigned int nr = 0, i;
	u32 objref;
	int ret;

	ret = checkpoint_fs(ctx, t);
	if (ret)
		return ret;
	files = ckpt_task_files(t);
	if (!files)
		return ckpt_err(ctx, -EINVAL, "pid %d: has no fd table", ctx->pid);
	/* the object hash holds its own reference on a new one */
	ret = ckpt_obj_lookup_add(ctx, files, CKPT_OBJ_FILES, &objref);
	put_files_struct(files);
	if (ret < 0)
		return ckpt_err(ctx, ret, "pid %d: no room for its fd table", ctx->pid);
	if (!ret)
		return checkpoint_shared_ref(ctx, CKPT_HDR_FILES, objref);
	ents = ckpt_collect_fds(ctx, t, &nr);
	if (IS_ERR(ents))
		return ckpt_err(ctx, PTR_ERR(ents), "pid %d: no memory for its fd table", ctx->pid);
	hf = ckpt_hdr_alloc(CKPT_HDR_FILES, sizeof(*hf));
	ret = -ENOMEM;
	if (hf) {
		hf->objref = objref;
		hf->nr_fds = nr;
		ret = ckpt_write_obj(ctx, &hf->h);
		kfree(hf);
	}
	for (i = 0; i < nr && !ret; i++)
		ret = checkpoint_fd(ctx, ents[i].file, ents[i].fd, ents[i].cloexec);
	for (i = 0; i < nr; i++)
		fput(ents[i].file);
	kvfree(ents);
	return ret;
}

/**
 * restore_open_by_path - open the path of an FD record
 * @ctx: restart context
 * @hf: the FD record, checked
 * @flags: open flags
 *
 * The file is opened with the restarting task's permissions.
 *
 * Return: the file or an ERR_PTR(), logged.
 */
struct file *restore_open_by_path(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf, int flags)
{
	struct file *file = filp_open(hf->path, flags | O_NOCTTY, 0);

	if (IS_ERR(file))
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot open %s", hf->fd, hf->path);
	return file;
}

/**
 * restore_file_flags - give a restored file the status flags it had
 * @ctx: restart context
 * @file: the restored file
 * @hf: its FD record, checked
 * @settable: the flags the kind of file lets change after opening
 *
 * Return: 0, or -EINVAL, logged, if the access mode differs or the record
 * has flags outside @settable.
 */
int restore_file_flags(struct ckpt_ctx *ctx, struct file *file, struct ckpt_hdr_fd *hf,
		       unsigned int settable)
{
	if ((hf->f_flags & O_ACCMODE) != (file->f_flags & O_ACCMODE) ||
	    hf->f_flags & ~(settable | O_ACCMODE))
		return ckpt_err(ctx, -EINVAL, "fd %d: bad flags %#x for kind %u", hf->fd,
				hf->f_flags, hf->kind);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~settable) | (hf->f_flags & settable);
	spin_unlock(&file->f_lock);
	return 0;
}

/**
 * restore_new_file - check a file made for an FD record, and set its flags
 * @ctx: restart context
 * @hf: the FD record, checked
 * @file: the new file, or an ERR_PTR() saying why it could not be made
 * @what: the kind of file, for messages
 *
 * Only O_NONBLOCK (and O_LARGEFILE) may differ from the flags a new file
 * of its kind has.
 *
 * Return: @file, or an ERR_PTR(), logged; @file is dropped then.
 */
struct file *restore_new_file(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf, struct file *file,
			      const char *what)
{
	int ret;

	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot make the %s", hf->fd, what);
		return file;
	}
	ret = restore_file_flags(ctx, file, hf, O_NONBLOCK | O_LARGEFILE);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

/**
 * ckpt_sock_filtered - has a socket a filter that restart would not bring back?
 * @sk: the socket
 *
 * A classic or eBPF filter (SO_ATTACH_FILTER, SO_ATTACH_BPF) or a
 * reuseport group program: dropping one at restart would silently lift
 * what it keeps out.
 *
 * Return: true if it has one.
 */
bool ckpt_sock_filtered(struct sock *sk)
{
	struct sock_reuseport *reuse;
	bool filtered;

	rcu_read_lock();
	reuse = rcu_dereference(sk->sk_reuseport_cb);
	filtered = rcu_access_pointer(sk->sk_filter) || (reuse && rcu_access_pointer(reuse->prog));
	rcu_read_unlock();
	return filtered;
}

/**
 * restore_sock_bufs - give a restored socket its SO_SNDBUF and SO_RCVBUF
 * @sk: the new socket
 * @sndbuf: the saved sizes, as the kernel keeps them (doubled)
 * @rcvbuf: see @sndbuf
 *
 * Clamped to what setsockopt() lets anyone set.
 */
void restore_sock_bufs(struct sock *sk, u32 sndbuf, u32 rcvbuf)
{
	WRITE_ONCE(sk->sk_sndbuf, clamp_t(u32, sndbuf, SOCK_MIN_SNDBUF,
					  2 * READ_ONCE(sysctl_wmem_max)));
	WRITE_ONCE(sk->sk_rcvbuf, clamp_t(u32, rcvbuf, SOCK_MIN_RCVBUF,
					  2 * READ_ONCE(sysctl_rmem_max)));
}

static struct file *restore_open_fd(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	int flags = hf->f_flags & CKPT_FD_FLAGS;
	struct inode *inode;
	struct file *file;
	loff_t pos;
	bool ok;

	if (ctx->uflags & RESTART_VALIDATE)
		return NULL;
	if (hf->kind == CKPT_FD_DIR)
		flags |= O_DIRECTORY;
	file = restore_open_by_path(ctx, hf, flags);
	if (IS_ERR(file))
		return file;
	inode = file_inode(file);
	switch (hf->kind) {
	case CKPT_FD_REG:
		ok = S_ISREG(inode->i_mode);
		break;
	case CKPT_FD_DIR:
		ok = S_ISDIR(inode->i_mode);
		break;
	default:
		ok = S_ISCHR(inode->i_mode) && new_encode_dev(inode->i_rdev) == hf->rdev &&
		     ckpt_chrdev_ok(inode->i_rdev);
	}
	if (!ok) {
		fput(file);
		ckpt_err(ctx, -ESTALE, "fd %d: %s is not the file it was", hf->fd, hf->path);
		return ERR_PTR(-ESTALE);
	}
	if (hf->kind != CKPT_FD_CHR && hf->pos) {
		pos = vfs_llseek(file, hf->pos, SEEK_SET);
		if (pos != hf->pos) {
			fput(file);
			ckpt_err(ctx, pos < 0 ? pos : -EINVAL, "fd %d: cannot seek %s to %lld",
				 hf->fd, hf->path, hf->pos);
			return ERR_PTR(pos < 0 ? pos : -EINVAL);
		}
	}
	return file;
}

/* Check the fields of an FD record that don't depend on its kind */
static int restore_check_fd(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf, int prev_fd,
			    const struct ckpt_file_ops *ops)
{
	bool ref = hf->kind == CKPT_FD_REF;
	bool path = !ref && (!ops || ops->by_path);

	if (hf->fd <= prev_fd || hf->fd >= CKPT_MAX_FDS || hf->cloexec > 1 || hf->_reserved ||
	    hf->kind < CKPT_FD_REG || (hf->kind > CKPT_FD_REF && !ops) ||
	    hf->f_flags & ~CKPT_FD_FLAGS || hf->f_flags & O_PATH ||
	    (ref && hf->f_flags) || (hf->kind != CKPT_FD_CHR && hf->rdev) ||
	    ((ref || (ops && !ops->seekable)) && hf->pos))
		return ckpt_err(ctx, -EINVAL, "offset %llu: fd %d: bad kind %u, flags %#x or order",
				ctx->rec_pos, hf->fd, hf->kind, hf->f_flags);
	if (path)
		return ckpt_check_string(ctx, "fd path", hf->path, hf->path_len,
					 hf->h.len - sizeof(*hf));
	if (hf->path_len || hf->h.len != sizeof(*hf))
		return ckpt_err(ctx, -EINVAL, "fd %d: %u bytes of record, %u of path", hf->fd,
				hf->h.len, hf->path_len);
	return ref ? ckpt_obj_check_ref(ctx, hf->objref, CKPT_OBJ_FILE) : 0;
}

static int restore_fd(struct ckpt_ctx *ctx, int prev_fd, unsigned long *restored,
		      unsigned int nr_old)
{
	const struct ckpt_file_ops *ops;
	struct ckpt_hdr_fd *hf;
	struct file *file;
	int ret;

	hf = ckpt_read_obj(ctx, CKPT_HDR_FD);
	if (IS_ERR(hf))
		return PTR_ERR(hf);
	ops = ckpt_file_ops_kind(hf->kind);
	ret = restore_check_fd(ctx, hf, prev_fd, ops);
	if (ret)
		goto out;
	if (hf->kind == CKPT_FD_REF) {
		if (ctx->uflags & RESTART_VALIDATE)
			goto done;
		file = ckpt_obj_fetch(ctx, hf->objref, CKPT_OBJ_FILE);
		if (IS_ERR(file)) {
			ret = PTR_ERR(file);
			goto out;
		}
		get_file(file);
	} else {
		/* the file's objref comes before those of what it holds */
		ret = ckpt_obj_check_new(ctx, hf->objref, CKPT_OBJ_FILE);
		if (ret)
			goto out;
		file = ops ? ops->restore(ctx, hf) : restore_open_fd(ctx, hf);
		if (IS_ERR(file)) {
			ret = PTR_ERR(file);
			goto out;
		}
		if (!file)		/* validating */
			goto done;
		ret = ckpt_obj_fill(ctx, hf->objref, file, CKPT_OBJ_FILE);
		if (ret) {
			fput(file);
			goto out;
		}
	}
	ret = replace_fd(hf->fd, file, hf->cloexec ? O_CLOEXEC : 0);
	fput(file);
	if (ret < 0) {
		ckpt_err(ctx, ret, "fd %d: cannot install it", hf->fd);
		goto out;
	}
done:
	if (hf->fd < nr_old)
		__set_bit(hf->fd, restored);
	ret = hf->fd;
out:
	kvfree(hf);
	return ret;
}

/* Count the mappings of @file in the address spaces of the tree */
static u32 ckpt_file_mappings(struct ckpt_ctx *ctx, struct file *file)
{
	struct vm_area_struct *vma;
	struct vma_iterator vmi;
	struct mm_struct *mm;
	u32 i, n = 0;

	for (i = 0; i < ctx->nr_tasks; i++) {
		mm = get_task_mm(ctx->tasks[i].task);
		if (!mm)
			continue;
		mmap_read_lock(mm);
		vma_iter_init(&vmi, mm, 0);
		for_each_vma(vmi, vma)
			n += vma->vm_file == file;
		mmap_read_unlock(mm);
		mmput(mm);
	}
	return n;
}

static int ckpt_file_leak(struct ckpt_ctx *ctx, void *ptr, u32 objref, u32 users, void *arg)
{
	struct file *file = ptr;
	/* our reference in the object hash, the fds and mappings of the tree */
	long known = 1 + users + ckpt_file_mappings(ctx, file);

	if (file_count(file) <= known)
		return 0;
	return ckpt_err(ctx, -EBUSY,
			"open file %pD (objref %u) is also used outside the tree (use CHECKPOINT_SUBTREE)",
			file, objref);
}

/**
 * checkpoint_check_leaks - refuse open files the tree shares with others
 * @ctx: checkpoint context, after every task's records
 *
 * Without CHECKPOINT_SUBTREE an image must hold every user of what it
 * saves: an open file also reached from outside the tree would lose that
 * sharing at restart.
 *
 * Return: 0 or -EBUSY, logged, naming the file.
 */
int checkpoint_check_leaks(struct ckpt_ctx *ctx)
{
	int ret = ckpt_obj_for_each(ctx, CKPT_OBJ_FILE, ckpt_file_leak, NULL);

	ret = ret ?: checkpoint_check_pipe_leaks(ctx);
	return ret ?: checkpoint_check_unix_leaks(ctx);
}

/**
 * restore_files - restore the working directory, umask and fd table
 * @ctx: restart context, committed: current's old fds are closed
 *
 * Files are opened by path with the restored task's credentials. An
 * fs_struct or fd table that an earlier process of the tree restored, and
 * that the image says current shared with it, replaces current's own, in
 * all its threads.
 *
 * Return: 0 or a negative errno.
 */
int restore_files(struct ckpt_ctx *ctx)
{
	struct files_struct *files;
	struct ckpt_hdr_files *hf;
	unsigned long *restored;
	unsigned int fd, max;
	int ret, prev = -1;
	u32 i;

	ret = restore_fs(ctx);
	if (ret)
		return ret;
	hf = ckpt_read_obj(ctx, CKPT_HDR_FILES);
	if (IS_ERR(hf))
		return PTR_ERR(hf);
	if (hf->nr_fds > CKPT_MAX_FDS || hf->_reserved || hf->flags & ~CKPT_SHARED_REF ||
	    (hf->flags && hf->nr_fds)) {
		ret = ckpt_err(ctx, -EINVAL, "pid %d: files: %u fds, flags %#x", ctx->pid,
			       hf->nr_fds, hf->flags);
		kvfree(hf);
		return ret;
	}
	if (hf->flags) {
		files = ckpt_obj_shared(ctx, hf->objref, CKPT_OBJ_FILES, "a fd table");
		kvfree(hf);
		if (IS_ERR(files))
			return PTR_ERR(files);
		if (files && files != current->files)
			restore_share_files(files);
		return 0;
	}
	/* its fds are restored in current's own table: restore_mm() checked it */
	ret = ckpt_obj_restored(ctx, hf->objref, current->files, CKPT_OBJ_FILES);
	if (ret) {
		kvfree(hf);
		return ret;
	}
	/* the fds current has now, for those the image doesn't replace */
	rcu_read_lock();
	max = files_fdtable(current->files)->max_fds;
	rcu_read_unlock();
	restored = bitmap_zalloc(max, GFP_KERNEL_ACCOUNT);
	if (!restored) {
		kvfree(hf);
		return -ENOMEM;
	}
	for (i = 0; i < hf->nr_fds && !ret; i++) {
		ret = restore_fd(ctx, prev, restored, max);
		if (ret >= 0) {
			prev = ret;
			ret = 0;
		}
	}
	kvfree(hf);
	/* epoll items once the files they watch are there */
	ret = restore_epoll_items(ctx, !ret && !(ctx->uflags & RESTART_VALIDATE)) ?: ret;
	/* the fds of the restarting process that the image doesn't have */
	if (!ret && !(ctx->uflags & RESTART_VALIDATE))
		for_each_clear_bit(fd, restored, max)
			close_fd(fd);
	bitmap_free(restored);
	return ret;
}
