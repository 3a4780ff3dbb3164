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

/* checkpoint(2) flags */
#define CHECKPOINT_KILL		0x1UL	/* kill the tasks once their image is written */
#define CHECKPOINT_SUBTREE	0x2UL	/* allow objects shared with tasks outside the tree */
#define CHECKPOINT_CSUM_PAGES	0x4UL	/* the tail's checksum covers page contents too */
#define CHECKPOINT_FLAGS_ALL	(CHECKPOINT_KILL | CHECKPOINT_SUBTREE | CHECKPOINT_CSUM_PAGES)

/*
 * checkpoint(2) saves the process @pid and all its descendants. Without
 * CHECKPOINT_SUBTREE it refuses a tree whose objects (open files, address
 * spaces, fd tables...) are also used by tasks outside it, naming them.
 *
 * restart(2) flags. Without RESTART_VALIDATE the calling process becomes a
 * process of the image: every process of the image calls restart(2) on the
 * same open image file, with its own pid, and each is restored in turn;
 * restart(2) does not return to its caller but to where the checkpointed
 * process was (a process that checkpointed itself sees checkpoint(2)
 * return 0).
 */
#define RESTART_VALIDATE	0x1UL	/* read and check the image, restore nothing */
#define RESTART_FLAGS_ALL	(RESTART_VALIDATE)

#endif /* _UAPI_LINUX_CHECKPOINT_H */
