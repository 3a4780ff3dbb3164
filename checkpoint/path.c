// SPDX-License-Identifier: GPL-2.0
/*
 * Paths in records: files are saved by the path they were opened or
 * mapped from and opened again by that path on restart.
 */

#include <linux/checkpoint.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/string.h>

/**
 * ckpt_path_of - the path of a dentry, for a record
 * @ctx: checkpoint context, for the message
 * @where: the mount and dentry
 * @what: what holds it, for the message ("fd 3", "mapping 0x400000")
 * @buf: where to build the path
 * @size: bytes at @buf, at most PATH_MAX used
 * @path: set to the path, inside @buf
 *
 * The path must lead back to the same inode from the caller's root, so
 * that restart can open it again: files of other mount namespaces are
 * refused.
 *
 * Return: 0, or -EOPNOTSUPP for a file that can't be opened again by path.
 */
int ckpt_path_of(struct ckpt_ctx *ctx, const struct path *where, const char *what, char *buf,
		 size_t size, const char **path)
{
	struct inode *a, *b;
	struct path found;
	bool same;
	char *p;

	p = d_path(where, buf, min_t(size_t, size, PATH_MAX));
	if (IS_ERR(p))
		return ckpt_err(ctx, PTR_ERR(p), "pid %d %s: %pd: no path to it", ctx->pid, what,
				where->dentry);
	if (*p != '/' || kern_path(p, 0, &found))
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d %s: %s: no path leads to it",
				ctx->pid, what, p);
	/* the same inode, or for a device the same device */
	a = d_inode(found.dentry);
	b = d_inode(where->dentry);
	same = a == b || (S_ISCHR(a->i_mode) && S_ISCHR(b->i_mode) && a->i_rdev == b->i_rdev);
	path_put(&found);
	if (!same)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d %s: %s: its path leads elsewhere",
				ctx->pid, what, p);
	*path = p;
	return 0;
}

/**
 * ckpt_file_path - the path of an open file, for a record
 * @ctx: checkpoint context, for the message
 * @file: the file
 * @what: what holds it, for the message ("fd 3", "mapping 0x400000")
 * @buf: where to build the path
 * @size: bytes at @buf, at most PATH_MAX used
 * @path: set to the path, inside @buf
 *
 * As ckpt_path_of(); deleted files and memfds are refused.
 *
 * Return: 0, or -EOPNOTSUPP for a file that can't be opened again by path.
 */
int ckpt_file_path(struct ckpt_ctx *ctx, struct file *file, const char *what, char *buf,
		   size_t size, const char **path)
{
	if (d_unlinked(file->f_path.dentry))
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d %s: %pD: deleted files not supported",
				ctx->pid, what, file);
	return ckpt_path_of(ctx, &file->f_path, what, buf, size, path);
}

/**
 * ckpt_check_string - check a string field read from an image
 * @ctx: restart context, for the message
 * @what: what the string is, for the message
 * @s: the string
 * @len: its length according to the record, NUL included
 * @room: bytes the record has for it
 *
 * Return: 0 if @s is @len bytes, NUL terminated, with no NUL before, and
 * fits in @room bytes and in PATH_MAX; -EINVAL if not.
 */
int ckpt_check_string(struct ckpt_ctx *ctx, const char *what, const char *s, u32 len,
		      u32 room)
{
	if (!len || len > room || len > PATH_MAX || strnlen(s, len) != len - 1 ||
	    room - len >= CKPT_ALIGN)
		return ckpt_err(ctx, -EINVAL, "offset %llu: %s is malformed", ctx->rec_pos, what);
	return 0;
}
