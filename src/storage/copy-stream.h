/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The stream of nsbootctl copy-to and copy-from: one file or directory tree as a pax archive
 * (libarchive) on a pipe, written by the side that reads the source and read by the side that
 * writes the destination, one of them a process that joined the guest. Every entry is named
 * COPY_STREAM_ROOT or below it, whatever the source's name; only regular files, directories,
 * symbolic links and hard links travel, with user.* extended attributes only. Logs. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COPY_STREAM_ROOT "data"

/* A range of ids the destination's user namespace has: [first, first + count). */
typedef struct CopyIdRange {
        uint32_t first, count;
} CopyIdRange;

typedef struct CopyPolicy {
        /* The stream comes from a guest: the files are the caller's, without setuid and setgid
         * bits; the names are checked before libarchive's own checks. */
        bool untrusted;
        /* Owners and groups are kept where these ranges have them, else the destination's root (0)
         * gets the file (unless untrusted: then the files are the caller's). */
        const CopyIdRange *uids, *gids;
        size_t n_uids, n_gids;
        /* When set, waits on the pipe take these blocked signals as "cancel" (ppoll()'s mask). */
        const sigset_t *cancel_mask;
} CopyPolicy;

/* Loads libarchive (before a process joins a guest). */
int copy_stream_load(void);
/* Whether name (in the working directory, never followed) is something to copy: a regular file, a
 * directory or a symlink; a FIFO, socket or device is refused. Messages name it display. */
int copy_stream_check_source(const char *name, const char *display);
/* Sends name and everything below it to fd; a FIFO, socket or device below it is skipped with a
 * warning. */
int copy_stream_send(int fd, const char *name, const CopyPolicy *p);
/* The guest's side tells the host's that its checks passed and the stream follows: one byte. */
int copy_stream_signal_ready(int fd);
/* 1 once that byte arrived, 0 if the other side ended before (it said why), -ECANCELED at a cancel
 * signal. Non-logging. */
int copy_stream_wait_ready(int fd, const CopyPolicy *p);
/* Reads a stream from fd and makes COPY_STREAM_ROOT from it in the working directory. */
int copy_stream_receive(int fd, const CopyPolicy *p);
/* Parses /proc/PID/uid_map or gid_map text into the ranges of ids inside ("0 100000 65536").
 * Non-logging. */
int copy_id_ranges_parse(const char *text, CopyIdRange **ret, size_t *ret_n);
