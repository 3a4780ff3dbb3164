// SPDX-License-Identifier: GPL-2.0
/*
 * Files whose contents live nowhere but in the image: memfds, and regular
 * files deleted while open.
 *
 * The inode is an object of its own, met through its open files: the
 * first open file saves the inode's size, mode, seals and contents (in
 * DATA records, holes left out); other open files of the same inode refer
 * to it. Checkpoint reads the contents through a file of its own on the
 * inode, so the target's file offsets don't move.
 *
 * Restart makes a new memfd with the same name, or a new unnamed file in
 * the directory the deleted file was in (O_TMPFILE, so it has no name
 * either), writes the contents back, and gives each saved open file a file
 * on that inode with its flags and offset. Seals are set last.
 *
 * Not supported: hugetlb memfds; a deleted file whose directory is gone
 * too; mappings of these files (memory.c refuses them by name).
 */

#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memfd.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/security.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/memfd.h>

/* the seals memfd_add_seals() knows */
#define CKPT_MEMFD_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | \
				 F_SEAL_FUTURE_WRITE | F_SEAL_EXEC)

#define MEMFD_PREFIX		"memfd:"
#define MEMFD_PREFIX_LEN	(sizeof(MEMFD_PREFIX) - 1)

static bool ckpt_is_memfd(struct file *file)
{
	return shmem_file(file) && (file->f_path.mnt->mnt_flags & MNT_INTERNAL) &&
	       !strncmp(file->f_path.dentry->d_name.name, MEMFD_PREFIX, MEMFD_PREFIX_LEN);
}

static bool ckpt_is_deleted(struct file *file)
{
	return S_ISREG(file_inode(file)->i_mode) && d_unlinked(file->f_path.dentry) &&
	       !(file->f_path.mnt->mnt_flags & MNT_INTERNAL);
}

/* Data extents of @rd from @pos: the next one in [*start, *end), or none */
static int ckpt_next_extent(struct file *rd, loff_t pos, loff_t size, loff_t *start,
			    loff_t *end)
{
	loff_t s, e;

	s = vfs_llseek(rd, pos, SEEK_DATA);
	if (s == -ENXIO || (s >= 0 && s >= size))
		return 0;
	if (s < 0)
		return s;
	e = vfs_llseek(rd, s, SEEK_HOLE);
	if (e < 0)
		return e;
	*start = s;
	*end = min(e, size);
	return 1;
}

/* DATA records for the bytes of [start, end): how many */
static u32 ckpt_extent_records(loff_t start, loff_t end)
{
	return DIV_ROUND_UP_ULL(end - start, CKPT_DATA_MAX);
}

/* DATA records for [start, end) of @rd; *@left: how many may still be written */
static int checkpoint_inode_data(struct ckpt_ctx *ctx, struct file *rd, loff_t start,
				 loff_t end, void *buf, u32 *left)
{
	loff_t pos = start;
	ssize_t n;
	int ret;

	while (pos < end) {
		n = kernel_read(rd, buf, min_t(loff_t, end - pos, CKPT_DATA_MAX), &pos);
		if (n <= 0)
			return n ?: -EIO;
		if (!*left)
			return -EBUSY;
		ret = ckpt_write_data(ctx, pos - n, buf, n);
		if (ret)
			return ret;
		(*left)--;
	}
	return 0;
}

/* The directory a deleted file was in, as a path; in ctx->scratch */
static int ckpt_deleted_dir(struct ckpt_ctx *ctx, struct file *file, unsigned int fd,
			    const char **dir)
{
	struct path parent = { .mnt = file->f_path.mnt };
	char what[32];
	int ret;

	parent.dentry = dget_parent(file->f_path.dentry);
	snprintf(what, sizeof(what), "fd %u", fd);
	ret = -EOPNOTSUPP;
	if (d_unlinked(parent.dentry))
		ckpt_err(ctx, ret, "pid %d fd %u: deleted file %pD in a deleted directory",
			 ctx->pid, fd, file);
	else
		ret = ckpt_path_of(ctx, &parent, what, ctx->scratch, PAGE_SIZE, dir);
	dput(parent.dentry);
	return ret;
}

static int checkpoint_file_inode(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct inode *inode = file_inode(file);
	struct ckpt_hdr_file_inode *hi;
	loff_t size, pos, start, end;
	const char *name = NULL;
	u32 left;
	struct file *rd = NULL;
	void *buf = NULL;
	u32 objref, len = 0;
	int ret;

	ret = ckpt_obj_lookup_add(ctx, inode, CKPT_OBJ_INODE, &objref);
	if (ret < 0)
		return ckpt_err(ctx, ret, "pid %d fd %u: no room for the file", ctx->pid, fd);
	if (ret) {
		/* its contents go into the image: the same inode elsewhere would fork */
		if (!ckpt_is_memfd(file) && inode->i_nlink)
			return ckpt_err(ctx, -EOPNOTSUPP,
					"pid %d fd %u: %pD is deleted but has %u other links: not supported",
					ctx->pid, fd, file, inode->i_nlink);
		if (ckpt_is_memfd(file))
			name = file->f_path.dentry->d_name.name + MEMFD_PREFIX_LEN;
		else if (ckpt_deleted_dir(ctx, file, fd, &name))
			return -EOPNOTSUPP;
		len = strlen(name) + 1;
	}
	hi = ckpt_hdr_alloc(CKPT_HDR_FILE_INODE, struct_size(hi, name, len));
	if (!hi)
		return -ENOMEM;
	hi->objref = objref;
	if (!len)		/* met before: the objref says it all */
		goto write;
	memcpy(hi->name, name, len);
	hi->name_len = len;
	hi->mode = inode->i_mode & 0777;
	if (ckpt_is_memfd(file))
		hi->seals = SHMEM_I(inode)->seals;
	/*
	 * Read it through a file of our own, so the target's offset stays;
	 * one the target may only write needs the caller's own right to read
	 */
	if (!(file->f_mode & FMODE_READ)) {
		ret = inode_permission(file_mnt_idmap(file), inode, MAY_READ);
		if (ret) {
			ckpt_err(ctx, ret,
				 "pid %d fd %u: %pD is open write-only and the caller may not read it",
				 ctx->pid, fd, file);
			goto out;
		}
	}
	rd = dentry_open(&file->f_path, O_RDONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(rd)) {
		ret = ckpt_err(ctx, PTR_ERR(rd), "pid %d fd %u: cannot read %pD", ctx->pid, fd,
			       file);
		rd = NULL;
		goto out;
	}
	size = i_size_read(inode);
	hi->size = size;
	for (pos = 0; (ret = ckpt_next_extent(rd, pos, size, &start, &end)) > 0; pos = end)
		hi->nr_data += ckpt_extent_records(start, end);
	if (ret < 0) {
		ckpt_err(ctx, ret, "pid %d fd %u: cannot find the data of %pD", ctx->pid, fd, file);
		goto out;
	}
write:
	ret = ckpt_write_obj(ctx, &hi->h);
	if (ret || !hi->nr_data)
		goto out;
	buf = kvmalloc(CKPT_DATA_MAX, GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!buf)
		goto out;
	left = hi->nr_data;
	for (pos = 0; (ret = ckpt_next_extent(rd, pos, size, &start, &end)) > 0; pos = end) {
		ret = checkpoint_inode_data(ctx, rd, start, end, buf, &left);
		if (ret)
			break;
	}
	/* someone outside the tree changed the file: the count written is wrong */
	if (ret == -EBUSY || (!ret && (left || i_size_read(inode) != size)))
		ret = ckpt_err(ctx, -EBUSY, "pid %d fd %u: %pD changed while saved", ctx->pid, fd,
			       file);
out:
	kvfree(buf);
	if (rd)
		fput(rd);
	kfree(hi);
	return ret;
}

/*
 * The flags memfd_create(2) would have made a memfd like @hi's with:
 * executable, or sealed against it; sealing allowed unless F_SEAL_SEAL is
 * its only seal. vm.memfd_noexec has its say on them.
 */
static unsigned int ckpt_memfd_flags(const struct ckpt_hdr_file_inode *hi)
{
	unsigned int flags;

	if (hi->mode & 0111)
		flags = MFD_EXEC;
	else if (hi->seals & F_SEAL_EXEC)
		flags = MFD_NOEXEC_SEAL;
	else
		flags = MFD_EXEC;	/* made executable, then chmod(2) */
	if (hi->seals != F_SEAL_SEAL)
		flags |= MFD_ALLOW_SEALING;
	return flags;
}

/* A new inode for a FILE_INODE record, with its contents, as an O_RDWR file */
static struct file *restore_new_inode(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf,
				      struct ckpt_hdr_file_inode *hi)
{
	struct file *file;
	loff_t pos;
	void *buf;
	char *name;
	u64 prev = 0;
	u32 i;
	int n, ret;

	if (hf->kind == CKPT_FD_MEMFD) {
		name = kasprintf(GFP_KERNEL_ACCOUNT, MEMFD_PREFIX "%s", hi->name);
		if (!name)
			return ERR_PTR(-ENOMEM);
		file = memfd_file_create(name, ckpt_memfd_flags(hi));
		kfree(name);
	} else {
		file = filp_open(hi->name, O_TMPFILE | O_RDWR | O_LARGEFILE, hi->mode);
	}
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot make a file for %s", hf->fd, hi->name);
		return file;
	}
	buf = kvmalloc(CKPT_DATA_MAX, GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!buf)
		goto fail;
	for (i = 0, ret = 0; i < hi->nr_data && !ret; i++) {
		/* the next DATA record must start at or after @prev */
		pos = prev;
		n = ckpt_read_data_at(ctx, &pos, hi->size, buf, CKPT_DATA_MAX);
		if (n < 0) {
			ret = n;
			break;
		}
		prev = pos + n;
		if (kernel_write(file, buf, n, &pos) != n)
			ret = ckpt_err(ctx, -EIO, "fd %d: cannot write the file back", hf->fd);
	}
	kvfree(buf);
	if (ret)
		goto fail;
	/* truncate(2) and fchmod(2), with their checks and security hooks */
	ret = vfs_truncate(&file->f_path, hi->size);
	if (!ret)
		ret = vfs_fchmod(file, hi->mode);
	if (ret) {
		ckpt_err(ctx, ret, "fd %d: cannot give the file %llu bytes and mode %#o", hf->fd,
			 hi->size, hi->mode);
		goto fail;
	}
	/* seals last, as fcntl(F_ADD_SEALS) adds them: they forbid what came before */
	if (hf->kind == CKPT_FD_MEMFD && hi->seals != F_SEAL_SEAL) {
		ret = memfd_fcntl(file, F_ADD_SEALS, hi->seals);
		if (ret) {
			ckpt_err(ctx, ret, "pid %d fd %d: FILE_INODE seals %#x: cannot add them",
				 ctx->pid, hf->fd, hi->seals);
			goto fail;
		}
	}
	return file;
fail:
	fput(file);
	return ERR_PTR(ret);
}

/* Skip the DATA records of a FILE_INODE record, checking them */
static int restore_skip_inode_data(struct ckpt_ctx *ctx, struct ckpt_hdr_file_inode *hi)
{
	void *buf = kvmalloc(CKPT_DATA_MAX, GFP_KERNEL_ACCOUNT);
	loff_t pos = 0;
	int n = 0;
	u32 i;

	if (!buf)
		return -ENOMEM;
	for (i = 0; i < hi->nr_data; i++) {
		n = ckpt_read_data_at(ctx, &pos, hi->size, buf, CKPT_DATA_MAX);
		if (n < 0)
			break;
		pos += n;
	}
	kvfree(buf);
	return n < 0 ? n : 0;
}

static struct file *restore_file_inode(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	struct ckpt_hdr_file_inode *hi;
	struct file *base, *file;
	int ret;

	hi = ckpt_read_obj(ctx, CKPT_HDR_FILE_INODE);
	if (IS_ERR(hi))
		return ERR_CAST(hi);
	file = ERR_PTR(-EINVAL);
	if (hi->_reserved || hi->mode & ~0777 || hf->pos < 0 ||
	    (hf->kind == CKPT_FD_DELETED && hi->seals) || hi->seals & ~CKPT_MEMFD_SEALS ||
	    hi->size > MAX_LFS_FILESIZE) {
		ckpt_err(ctx, -EINVAL, "fd %d: file of %llu bytes, mode %#o, seals %#x", hf->fd,
			 hi->size, hi->mode, hi->seals);
		goto out;
	}
	if (hi->objref <= ckpt_obj_last(ctx)) {
		/* the inode was met before: another open file of it */
		if (hi->name_len || hi->nr_data || hi->size || hi->mode || hi->seals ||
		    hi->h.len != sizeof(*hi)) {
			ckpt_err(ctx, -EINVAL, "fd %d: file objref %u saved again", hf->fd,
				 hi->objref);
			goto out;
		}
		if (ckpt_obj_check_ref(ctx, hi->objref, CKPT_OBJ_INODE))
			goto out;
		file = NULL;
		if (ctx->uflags & RESTART_VALIDATE)
			goto out;
		base = ckpt_obj_fetch(ctx, hi->objref, CKPT_OBJ_INODE);
		if (IS_ERR(base)) {
			file = ERR_CAST(base);
			goto out;
		}
	} else {
		ret = ckpt_check_string(ctx, "file name", hi->name, hi->name_len,
					hi->h.len - sizeof(*hi));
		if (!ret && hf->kind == CKPT_FD_MEMFD &&
		    (strchr(hi->name, '/') || hi->name_len > NAME_MAX + 1 - MEMFD_PREFIX_LEN))
			ret = ckpt_err(ctx, -EINVAL, "fd %d: memfd name %s", hf->fd, hi->name);
		if (!ret)
			ret = ckpt_obj_check_new(ctx, hi->objref, CKPT_OBJ_INODE);
		if (!ret && (ctx->uflags & RESTART_VALIDATE))
			ret = restore_skip_inode_data(ctx, hi);
		file = ERR_PTR(ret);
		if (ret || (ctx->uflags & RESTART_VALIDATE)) {
			file = ret ? file : NULL;
			goto out;
		}
		base = restore_new_inode(ctx, hf, hi);
		if (IS_ERR(base)) {
			file = base;
			goto out;
		}
		ret = ckpt_obj_fill(ctx, hi->objref, base, CKPT_OBJ_INODE);
		fput(base);	/* the object hash holds it now, or nobody */
		if (ret) {
			file = ERR_PTR(ret);
			goto out;
		}
	}
	/* open(2) gives O_NOATIME only to the owner (may_open()) */
	if ((hf->f_flags & O_NOATIME) &&
	    !inode_owner_or_capable(file_mnt_idmap(base), file_inode(base))) {
		file = ERR_PTR(ckpt_err(ctx, -EPERM,
					"pid %d fd %d: FD f_flags %#x: O_NOATIME on a file of another owner",
					ctx->pid, hf->fd, hf->f_flags));
		goto out;
	}
	/* a file of its own on the inode, with the saved flags and offset */
	file = dentry_open(&base->f_path, hf->f_flags, current_cred());
	if (IS_ERR(file)) {
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot open the restored file", hf->fd);
		goto out;
	}
	if (hf->pos && vfs_llseek(file, hf->pos, SEEK_SET) != hf->pos) {
		fput(file);
		file = ERR_PTR(ckpt_err(ctx, -EINVAL, "fd %d: cannot seek to %lld", hf->fd,
					hf->pos));
	}
out:
	kvfree(hi);
	return file;
}

const struct ckpt_file_ops ckpt_memfd_ops = {
	.kind = CKPT_FD_MEMFD,
	.seekable = true,
	.match = ckpt_is_memfd,
	.checkpoint = checkpoint_file_inode,
	.restore = restore_file_inode,
};

const struct ckpt_file_ops ckpt_deleted_ops = {
	.kind = CKPT_FD_DELETED,
	.seekable = true,
	.match = ckpt_is_deleted,
	.checkpoint = checkpoint_file_inode,
	.restore = restore_file_inode,
};
