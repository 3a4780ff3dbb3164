/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint/restart of SysV IPC objects: helpers shared by the parts of
 * it built into ipc/msgutil.c, ipc/msg.c, ipc/sem.c and ipc/shm.c.
 */
#ifndef _IPC_CHECKPOINT_H
#define _IPC_CHECKPOINT_H

#include <linux/types.h>

struct ckpt_ctx;
struct ipc_ids;
struct ipc_namespace;
struct kern_ipc_perm;
struct msg_msg;

struct msg_msg *ckpt_load_msg(const void *src, size_t len);
void ckpt_store_msg(void *dst, const struct msg_msg *msg, size_t len);
int ckpt_ipc_collect(struct ipc_ids *ids, u32 nr, struct kern_ipc_perm ***perms);
int ckpt_ipc_may_read(struct ckpt_ctx *ctx, struct ipc_namespace *ns, struct kern_ipc_perm *perm,
		      const char *what);

#endif /* _IPC_CHECKPOINT_H */
