// SPDX-License-Identifier: GPL-2.0
/*
 * The object hash: objects that several tasks share, saved once.
 *
 * Checkpoint meets a shared object (an open file reached from two fds or
 * two tasks) more than once; the first time it is saved and given an
 * object reference (objref), the next times only its objref is written.
 * Objrefs are handed out in order: 1, 2, 3...
 *
 * Restart reads the objects in the same order and files each under the
 * objref the image gives it, which must be the next one; later records
 * fetch the object by objref. Both sides hold a reference on every object
 * in the hash until the context is freed.
 */

#include <linux/checkpoint.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <net/sock.h>

#define CKPT_OBJ_HASH_BITS	10

struct ckpt_obj {
	struct hlist_node node;		/* in ckpt_objhash.heads, by ptr */
	void *ptr;
	u32 objref;
	u32 type;			/* CKPT_OBJ_* */
	u32 users;			/* checkpoint: times met in the tree */
};

struct ckpt_objhash {
	struct hlist_head heads[1 << CKPT_OBJ_HASH_BITS];
	struct xarray refs;		/* objref -> struct ckpt_obj */
	u32 last;			/* the last objref handed out or read */
};

static void ckpt_obj_grab(struct ckpt_ctx *ctx, u32 type, void *ptr)
{
	switch (type) {
	case CKPT_OBJ_FILE:
		get_file(ptr);
		break;
	case CKPT_OBJ_INODE:
		if (ctx->kflags & CKPT_CTX_RESTART)
			get_file(ptr);
		else
			ihold(ptr);
		break;
	case CKPT_OBJ_SOCK:
		if (!(ctx->kflags & CKPT_CTX_RESTART))
			sock_hold(ptr);
		break;
	case CKPT_OBJ_FS:
		ckpt_fs_get(ptr);
		break;
	case CKPT_OBJ_FILES:
		atomic_inc(&((struct files_struct *)ptr)->count);
		break;
	case CKPT_OBJ_MM:
		mmgrab(ptr);
		break;
	case CKPT_OBJ_SIGHAND:
		refcount_inc(&((struct sighand_struct *)ptr)->count);
		break;
	}
}

static void ckpt_obj_drop(struct ckpt_ctx *ctx, u32 type, void *ptr)
{
	switch (type) {
	case CKPT_OBJ_FILE:
		fput(ptr);
		break;
	case CKPT_OBJ_PIPE:
		/* checkpoint: the pipe's files hold it; restart: ours */
		if (ctx->kflags & CKPT_CTX_RESTART)
			ckpt_pipe_free(ptr);
		break;
	case CKPT_OBJ_INODE:
		if (ctx->kflags & CKPT_CTX_RESTART)
			fput(ptr);
		else
			iput(ptr);
		break;
	case CKPT_OBJ_SOCK:
		if (ctx->kflags & CKPT_CTX_RESTART)
			ckpt_usock_free(ptr);
		else
			sock_put(ptr);
		break;
	case CKPT_OBJ_FS:
		ckpt_fs_put(ptr);
		break;
	case CKPT_OBJ_FILES:
		put_files_struct(ptr);
		break;
	case CKPT_OBJ_MM:
		mmdrop(ptr);
		break;
	case CKPT_OBJ_SIGHAND:
		__cleanup_sighand(ptr);
		break;
	}
}

static const char *ckpt_obj_name(u32 type)
{
	switch (type) {
	case CKPT_OBJ_FILE:
		return "open file";
	case CKPT_OBJ_PIPE:
		return "pipe";
	case CKPT_OBJ_INODE:
		return "file contents";
	case CKPT_OBJ_SOCK:
		return "socket";
	case CKPT_OBJ_FS:
		return "fs_struct";
	case CKPT_OBJ_FILES:
		return "fd table";
	case CKPT_OBJ_MM:
		return "address space";
	case CKPT_OBJ_SIGHAND:
		return "signal handlers";
	}
	return "object";
}

/**
 * ckpt_obj_hash_alloc - give @ctx an empty object hash
 * @ctx: checkpoint or restart context
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_obj_hash_alloc(struct ckpt_ctx *ctx)
{
	struct ckpt_objhash *oh;
	int i;

	oh = kvzalloc(sizeof(*oh), GFP_KERNEL_ACCOUNT);
	if (!oh)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(oh->heads); i++)
		INIT_HLIST_HEAD(&oh->heads[i]);
	xa_init(&oh->refs);
	ctx->objs = oh;
	return 0;
}

/**
 * ckpt_obj_hash_free - drop every object of the hash and the hash
 * @ctx: the context
 */
void ckpt_obj_hash_free(struct ckpt_ctx *ctx)
{
	struct ckpt_objhash *oh = ctx->objs;
	struct ckpt_obj *obj;
	unsigned long i;

	if (!oh)
		return;
	xa_for_each(&oh->refs, i, obj) {
		ckpt_obj_drop(ctx, obj->type, obj->ptr);
		kfree(obj);
	}
	xa_destroy(&oh->refs);
	kvfree(oh);
	ctx->objs = NULL;
}

static struct ckpt_obj *ckpt_obj_find(struct ckpt_objhash *oh, void *ptr)
{
	struct ckpt_obj *obj;

	hlist_for_each_entry(obj, &oh->heads[hash_ptr(ptr, CKPT_OBJ_HASH_BITS)], node)
		if (obj->ptr == ptr)
			return obj;
	return NULL;
}

static int ckpt_obj_new(struct ckpt_ctx *ctx, void *ptr, u32 type, u32 objref)
{
	struct ckpt_objhash *oh = ctx->objs;
	struct ckpt_obj *obj;
	int ret;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL_ACCOUNT);
	if (!obj)
		return -ENOMEM;
	obj->ptr = ptr;
	obj->type = type;
	obj->objref = objref;
	obj->users = 1;
	ret = xa_insert(&oh->refs, objref, obj, GFP_KERNEL_ACCOUNT);
	if (ret) {
		kfree(obj);
		return ret;
	}
	ckpt_obj_grab(ctx, type, ptr);
	hlist_add_head(&obj->node, &oh->heads[hash_ptr(ptr, CKPT_OBJ_HASH_BITS)]);
	oh->last = max(oh->last, objref);
	return 0;
}

/**
 * ckpt_obj_lookup_add - the objref of an object met by checkpoint
 * @ctx: checkpoint context
 * @ptr: the object
 * @type: its CKPT_OBJ_* type
 * @objref: its objref, old or new
 *
 * An object met for the first time is added to the hash, with a reference
 * held until the context is freed, and gets the next objref.
 *
 * Return: 1 if the object is new (the caller saves it), 0 if it was met
 * before (the caller writes @objref only), or a negative errno.
 */
int ckpt_obj_lookup_add(struct ckpt_ctx *ctx, void *ptr, u32 type, u32 *objref)
{
	struct ckpt_objhash *oh = ctx->objs;
	struct ckpt_obj *obj;
	int ret;

	obj = ckpt_obj_find(oh, ptr);
	if (obj) {
		if (WARN_ON_ONCE(obj->type != type))
			return -EINVAL;
		obj->users++;
		*objref = obj->objref;
		return 0;
	}
	if (oh->last == U32_MAX)
		return -ENOSPC;
	ret = ckpt_obj_new(ctx, ptr, type, oh->last + 1);
	if (ret)
		return ret;
	*objref = oh->last;
	return 1;
}

/**
 * ckpt_obj_users - how many times checkpoint met an object
 * @ctx: checkpoint context
 * @ptr: the object
 *
 * Return: the number of ckpt_obj_lookup_add() calls for @ptr, 0 if none.
 */
u32 ckpt_obj_users(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_obj *obj = ckpt_obj_find(ctx->objs, ptr);

	return obj ? obj->users : 0;
}

/**
 * ckpt_obj_for_each - call @fn for each object of a type, in objref order
 * @ctx: the context
 * @type: CKPT_OBJ_* type
 * @fn: called with the object, its objref and its users; a non-zero
 *	return stops the walk
 * @arg: passed to @fn
 *
 * Return: what the last call of @fn returned, or 0.
 */
int ckpt_obj_for_each(struct ckpt_ctx *ctx, u32 type,
		      int (*fn)(struct ckpt_ctx *ctx, void *ptr, u32 objref, u32 users,
				void *arg), void *arg)
{
	struct ckpt_obj *obj;
	unsigned long i;
	int ret = 0;

	xa_for_each(&ctx->objs->refs, i, obj) {
		if (obj->type != type)
			continue;
		ret = fn(ctx, obj->ptr, obj->objref, obj->users, arg);
		if (ret)
			break;
	}
	return ret;
}

/**
 * ckpt_obj_insert - file an object restored from the image
 * @ctx: restart context
 * @objref: the objref the image gives it: must be the next one
 * @ptr: the object; the hash takes its own reference
 * @type: its CKPT_OBJ_* type
 *
 * Return: 0, -EINVAL (logged) if @objref is not the next one, or -ENOMEM.
 */
int ckpt_obj_insert(struct ckpt_ctx *ctx, u32 objref, void *ptr, u32 type)
{
	struct ckpt_objhash *oh = ctx->objs;
	int ret;

	if (oh->last == U32_MAX || objref != oh->last + 1)
		return ckpt_err(ctx, -EINVAL, "%s: objref %u, expected %u", ckpt_obj_name(type),
				objref, oh->last + 1);
	ret = ckpt_obj_new(ctx, ptr, type, objref);
	if (ret)
		ckpt_err(ctx, ret, "%s: no memory for objref %u", ckpt_obj_name(type), objref);
	return ret;
}

/**
 * ckpt_obj_fill - file a restored object under an objref taken before
 * @ctx: restart context
 * @objref: an objref taken with ckpt_obj_check_new(), still empty
 * @ptr: the object; the hash takes its own reference
 * @type: its CKPT_OBJ_* type
 *
 * For an object whose restore reads other objects first (the pipe of a
 * pipe end): its objref comes before theirs in the image.
 *
 * Return: 0, -EINVAL (logged) if @objref was not taken or is filled, or
 * -ENOMEM.
 */
int ckpt_obj_fill(struct ckpt_ctx *ctx, u32 objref, void *ptr, u32 type)
{
	struct ckpt_objhash *oh = ctx->objs;
	int ret;

	if (!objref || objref > oh->last || xa_load(&oh->refs, objref))
		return ckpt_err(ctx, -EINVAL, "%s: objref %u is not free", ckpt_obj_name(type),
				objref);
	ret = ckpt_obj_new(ctx, ptr, type, objref);
	if (ret)
		ckpt_err(ctx, ret, "%s: no memory for objref %u", ckpt_obj_name(type), objref);
	return ret;
}

/**
 * ckpt_obj_check_new - is @objref the one the next new object gets?
 * @ctx: restart context
 * @objref: objref from the image
 * @type: CKPT_OBJ_* type, for the message
 *
 * Used when validating an image, where objects are not restored, and to
 * take the objref of an object filled in later (ckpt_obj_fill()).
 *
 * Return: 0 (and @objref is taken), or -EINVAL, logged.
 */
int ckpt_obj_check_new(struct ckpt_ctx *ctx, u32 objref, u32 type)
{
	struct ckpt_objhash *oh = ctx->objs;

	if (oh->last == U32_MAX || objref != oh->last + 1)
		return ckpt_err(ctx, -EINVAL, "%s: objref %u, expected %u", ckpt_obj_name(type),
				objref, oh->last + 1);
	oh->last = objref;
	return 0;
}

/**
 * ckpt_obj_last - the last objref handed out or read
 * @ctx: checkpoint or restart context
 *
 * Return: that objref, 0 if none.
 */
u32 ckpt_obj_last(struct ckpt_ctx *ctx)
{
	return ctx->objs->last;
}

/**
 * ckpt_obj_check_ref - does @objref name an object read before?
 * @ctx: restart context
 * @objref: objref from the image
 * @type: CKPT_OBJ_* type, for the message
 *
 * Return: 0, or -EINVAL, logged.
 */
int ckpt_obj_check_ref(struct ckpt_ctx *ctx, u32 objref, u32 type)
{
	if (!objref || objref > ctx->objs->last)
		return ckpt_err(ctx, -EINVAL, "%s: objref %u was not read before",
				ckpt_obj_name(type), objref);
	return 0;
}

/**
 * ckpt_obj_fetch - the object restored under an objref
 * @ctx: restart context
 * @objref: objref from the image
 * @type: the CKPT_OBJ_* type the caller expects
 *
 * Return: the object, without a new reference, or ERR_PTR(-EINVAL),
 * logged, if no object of that type has that objref.
 */
void *ckpt_obj_fetch(struct ckpt_ctx *ctx, u32 objref, u32 type)
{
	struct ckpt_obj *obj = xa_load(&ctx->objs->refs, objref);

	if (!obj || obj->type != type)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "%s: no objref %u in the image",
					ckpt_obj_name(type), objref));
	return obj->ptr;
}

/**
 * ckpt_obj_peek - the object restored under an objref, if any
 * @ctx: restart context
 * @objref: objref from the image
 * @type: the CKPT_OBJ_* type the caller expects
 *
 * As ckpt_obj_fetch(), for a caller that says itself what was wrong.
 *
 * Return: the object, without a new reference, or NULL if no object of
 * that type has that objref.
 */
void *ckpt_obj_peek(struct ckpt_ctx *ctx, u32 objref, u32 type)
{
	struct ckpt_obj *obj = xa_load(&ctx->objs->refs, objref);

	return obj && obj->type == type ? obj->ptr : NULL;
}

/**
 * ckpt_obj_restored - file an object current restored in place
 * @ctx: restart context
 * @objref: the objref the image gives it: must be the next one
 * @ptr: the object (current's own fd table, address space...)
 * @type: its CKPT_OBJ_* type
 *
 * When validating, where nothing is restored, only takes @objref.
 *
 * Return: as ckpt_obj_insert() or ckpt_obj_check_new().
 */
int ckpt_obj_restored(struct ckpt_ctx *ctx, u32 objref, void *ptr, u32 type)
{
	if (ctx->uflags & RESTART_VALIDATE)
		return ckpt_obj_check_new(ctx, objref, type);
	return ckpt_obj_insert(ctx, objref, ptr, type);
}

/**
 * ckpt_obj_shared - the object of an earlier task that current shares
 * @ctx: restart context
 * @objref: objref from the image
 * @type: the CKPT_OBJ_* type the record implies
 * @what: the object, for the message ("a fd table")
 *
 * Return: the object, without a new reference; NULL when validating,
 * where only the range of @objref is checked; or ERR_PTR(-EINVAL), logged
 * with the pid of the task being restored.
 */
void *ckpt_obj_shared(struct ckpt_ctx *ctx, u32 objref, u32 type, const char *what)
{
	void *ptr = NULL;

	if (objref && objref <= ckpt_obj_last(ctx)) {
		if (ctx->uflags & RESTART_VALIDATE)
			return NULL;
		ptr = ckpt_obj_peek(ctx, objref, type);
	}
	return ptr ?: ERR_PTR(ckpt_err(ctx, -EINVAL, "pid %d: objref %u is not %s restored before",
				       ctx->pid, objref, what));
}
