/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where a network namespace recorded by its inode number (by an nsboot that was killed) is now:
 * ours, still alive elsewhere, or gone. Parent stage (repair before a start) and nsboot --cleanup.
 * Non-logging. */
#pragma once

typedef enum NetnsWhere {
        NETNS_HERE,             /* the caller's own network namespace */
        NETNS_ELSEWHERE,        /* another one that still exists */
        NETNS_GONE,             /* nothing references it any more: it no longer exists */
} NetnsWhere;

/* The inode number of the network namespace file at path (/proc/self/ns/net, a pin), 0 if none. */
unsigned long long netns_inode(const char *path);

/* Looks for ino as any task's network namespace, an open file descriptor or a bind mount in any
 * mount namespace. A namespace held only by a socket of a process in another namespace is not seen:
 * it counts as gone. */
NetnsWhere netns_where(unsigned long long ino);
