/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checkpoint image format, kernel side: the user-visible record layouts
 * plus the record type table used to check records read from an image.
 */
#ifndef _LINUX_CHECKPOINT_HDR_H
#define _LINUX_CHECKPOINT_HDR_H

#include <linux/align.h>
#include <linux/types.h>
#include <uapi/linux/checkpoint_hdr.h>

/**
 * struct ckpt_record_desc - what an image may hold for one record type
 * @type: CKPT_HDR_* value
 * @name: printable name, as ckptinfo shows it
 * @min_len: smallest valid record length, header included
 * @max_len: largest valid record length, header included
 */
struct ckpt_record_desc {
	u32 type;
	const char *name;
	u32 min_len;
	u32 max_len;
};

const struct ckpt_record_desc *ckpt_record_desc(u32 type);
const char *ckpt_record_name(u32 type);
int ckpt_record_check_len(u32 type, u32 len);

/**
 * ckpt_record_len - length of a record with @size bytes of content
 * @size: bytes of header and payload
 *
 * Return: @size rounded up to the record alignment.
 */
static inline u32 ckpt_record_len(u32 size)
{
	return ALIGN(size, CKPT_ALIGN);
}

#endif /* _LINUX_CHECKPOINT_HDR_H */
