/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checkpoint/restart system calls: flags shared with user space.
 *
 *   long checkpoint(pid_t pid, int fd, unsigned long flags, int logfd);
 *   long restart(pid_t pid, int fd, unsigned long flags, int logfd);
 *
 * See Documentation/checkpoint/abi.rst.
 */
#ifndef _UAPI_LINUX_CHECKPOINT_H
#define _UAPI_LINUX_CHECKPOINT_H

/* checkpoint(2) flags: none are defined yet, every bit is reserved. */
#define CHECKPOINT_FLAGS_ALL	0UL

/* restart(2) flags */
#define RESTART_VALIDATE	0x1UL	/* read and check the image, restore nothing */
#define RESTART_FLAGS_ALL	(RESTART_VALIDATE)

#endif /* _UAPI_LINUX_CHECKPOINT_H */
