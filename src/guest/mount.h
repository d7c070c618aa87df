/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The API file systems of a container as one ordered table, applied by the child stage below the
 * tree's path before pivot_root; plus the root switch itself. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef enum MountPhase {
        MOUNT_PHASE_EARLY,      /* /dev, /run, /tmp: before device nodes and /run/host are populated */
        MOUNT_PHASE_API,        /* /proc, /sys, cgroupfs and the read-only /run/host: after that */
        _MOUNT_PHASE_MAX,
} MountPhase;

typedef enum MountFlags {
        MOUNT_MKDIR = 1 << 0,           /* create the mount point as a directory */
        MOUNT_OPTIONAL = 1 << 1,        /* skip when the target does not exist (kernel without it) */
        MOUNT_PRIVATE_NET = 1 << 2,     /* only with a private network namespace */
        MOUNT_BIND_SELF = 1 << 3,       /* bind the target onto itself (to remount it alone) */
        MOUNT_READ_ONLY = 1 << 4,       /* remount the bind read-only */
        MOUNT_MASK = 1 << 5,            /* overmount with an inaccessible node of the same kind */
        MOUNT_REMOUNT_ONLY = 1 << 6,    /* no new mount: remount the existing one (with READ_ONLY) */
        MOUNT_PTY_MAX = 1 << 7,         /* devpts: append max=N when the machine limits its ptys */
        MOUNT_DEV_SIZE = 1 << 8,        /* /dev: append size=N when the machine sets one */
        MOUNT_OWN_IPC = 1 << 9,         /* not in a joined IPC namespace the guest's root has no power over */
} MountFlags;

typedef struct MountEntry {
        MountPhase phase;
        const char *where;      /* path inside the container */
        const char *type;       /* file system type for fresh mounts, NULL for binds and remounts */
        const char *options;
        unsigned long ms_flags; /* MS_* for the fresh mount or the read-only remount */
        MountFlags flags;
} MountEntry;

extern const MountEntry mount_table[];
extern const unsigned mount_table_size;

/* Where the inaccessible nodes live inside the container, used to mask /proc entries. */
#define INACCESSIBLE_DIR "/run/host/inaccessible"

/* What of the machine's settings the table depends on. */
typedef struct MountContext {
        bool private_network;
        bool foreign_ipc;       /* --ipc-namespace-path with a user namespace: mqueue cannot be mounted */
        unsigned pty_max;
        uint64_t dev_size;      /* lxc.autodev.tmpfs.size in bytes, 0: the table's */
        int sysfs_fd;           /* a detached sysfs from the parent to use for /sys, or -EBADF */
} MountContext;

/* Mounts every table entry of phase below root. Logs. */
int mount_apply_phase(const char *root, MountPhase phase, const MountContext *ctx);
/* Creates INACCESSIBLE_DIR/{reg,dir,chr} below root. Logs. */
int mount_make_inaccessible(const char *root);
/* Makes the host's mounts slave to ours and attaches the detached mount rootfs_fd (see rootfs.h) at
 * root, private, so nothing propagates back. Logs. */
int mount_prepare_root(const char *root, int rootfs_fd);
/* Attaches the detached mount fd at where. Logs. */
int mount_attach(int fd, const char *where);
/* The same at the O_PATH target_fd (name for messages). Logs. */
int mount_attach_at(int fd, int target_fd, const char *name);
/* Overmounts where (a path in the guest, resolved inside the tree at root) with an inaccessible
 * node of its kind, read-only. Logs. */
int mount_mask_path(const char *root, const char *where);
/* pivot_root into root; the old root is detached. Logs. */
/* --pivot-root: the tree's directory new_root (resolved inside it) becomes the tree at root; its old
 * top is detached, or, with old_root, put at that directory of the new one. Logs. */
int mount_pivot_subdir(const char *root, const char *new_root, const char *old_root);
int mount_switch_root(const char *root);
/* mount(2) that logs what failed. */
int mount_verbose(const char *what, const char *where, const char *type, unsigned long flags, const char *options);
