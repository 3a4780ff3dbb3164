// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of SysV messages: their text copied to and from
 * kernel buffers. Built into ipc/msgutil.c, whose layout of a message in
 * parts (struct msg_msgseg, DATALEN_MSG, DATALEN_SEG) it needs.
 */

#include "checkpoint.h"

/**
 * ckpt_load_msg - a new message holding a copy of a kernel buffer
 * @src: the text
 * @len: its bytes, at most the namespace's msgmax (checked by the caller)
 *
 * The kernel-buffer counterpart of load_msg(); the caller sets the type
 * and the size.
 *
 * Return: the message, or an ERR_PTR().
 */
struct msg_msg *ckpt_load_msg(const void *src, size_t len)
{
	struct msg_msgseg *seg;
	struct msg_msg *msg;
	size_t alen;
	int err;

	msg = alloc_msg(len);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	alen = min(len, DATALEN_MSG);
	memcpy(msg + 1, src, alen);
	for (seg = msg->next; seg; seg = seg->next) {
		len -= alen;
		src += alen;
		alen = min(len, DATALEN_SEG);
		memcpy(seg + 1, src, alen);
	}
	err = security_msg_msg_alloc(msg);
	if (err) {
		free_msg(msg);
		return ERR_PTR(err);
	}
	return msg;
}

/**
 * ckpt_store_msg - copy the text of a message to a kernel buffer
 * @dst: room for @len bytes
 * @msg: the message; it can't change (its queue is locked)
 * @len: bytes to copy, at most msg->m_ts
 */
void ckpt_store_msg(void *dst, const struct msg_msg *msg, size_t len)
{
	struct msg_msgseg *seg;
	size_t alen;

	alen = min(len, DATALEN_MSG);
	memcpy(dst, msg + 1, alen);
	for (seg = msg->next; seg; seg = seg->next) {
		len -= alen;
		dst += alen;
		alen = min(len, DATALEN_SEG);
		memcpy(dst, seg + 1, alen);
	}
}
