/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Locking the mounts nsboot made for the guest, so that its root can mount on top of them but not
 * unmount, move or make writable what they protect. Child stage, once the mount table is complete
 * and before the guest's init is executed. */
#pragma once

/* Moves the calling process (the guest's PID 1) into a copy of its mount namespace in which every
 * mount is locked; its credentials and other namespaces stay as they are. Where the kernel refuses
 * the nested user namespace this needs, warns and keeps the mounts unlocked. Logs. */
int mount_lock_all(void);

/* A clone of the mount at path (and the mounts below it) whose flags are locked as mount_lock_all()
 * locks them: made in a copy of the caller's mount namespace for a nested user namespace, which the
 * caller stays in (it joins another one next; nothing there outlives the clone). Logs. */
int mount_lock_clone(const char *path, int *ret_fd);
