/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mounts the admin adds: --bind, --bind-ro, --tmpfs and LXC's lxc.mount.entry / lxc.mount.fstab.
 * Parsed into a list in Settings (parse functions are non-logging), mounted by the child stage
 * below the tree after the API file systems, with targets resolved inside the tree. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CUSTOM_MOUNTS_MAX 256

typedef struct CustomMount {
        char *source;           /* host path for binds, else the file system's source name */
        char *destination;      /* absolute path inside the container */
        char *type;             /* NULL for a bind */
        char *options;          /* file system options left after the MS_* flags */
        unsigned long flags;    /* MS_* */
        bool optional;          /* skip when the source does not exist */
        bool create_file;       /* create the mount point as a file, not a directory */
        bool idmap;             /* a bind shows the source's owners as the guest's ids (idmapped) */
} CustomMount;

typedef struct CustomMounts {
        CustomMount *items;
        size_t n;
} CustomMounts;

/* --bind=SRC[:DST[:OPTS]] with OPTS a comma list of rbind|norbind|idmap|noidmap; read_only for
 * --bind-ro. */
int custom_mount_parse_bind(CustomMounts *l, const char *value, bool read_only);
/* The OPTS of --bind (also nsbootctl bind --options=): sets MS_REC and idmap in m. -EINVAL for an
 * unknown word. */
int custom_mount_parse_bind_options(CustomMount *m, const char *opts);
/* --tmpfs=PATH[:OPTS] */
int custom_mount_parse_tmpfs(CustomMounts *l, const char *value);
/* One fstab line: "SRC DST TYPE OPTS [DUMP [PASS]]"; DST is inside the container (with or without
 * a leading '/'). Extra options as LXC: create=dir|file, optional. */
int custom_mount_parse_fstab_line(CustomMounts *l, const char *line);
/* Every line of an fstab-style file. */
int custom_mount_parse_fstab_file(CustomMounts *l, const char *path);
void custom_mounts_done(CustomMounts *l);
/* "bind:SRC:DST:ro,rbind" style summary of one entry, for --check. */
char *custom_mount_to_string(const CustomMount *m);

/* Parent: the source of entry i (a bind) as a detached mount, idmapped to userns_fd when the entry
 * asks for it and userns_fd >= 0; -EBADF in *ret_fd for a missing optional source. Logs. */
int custom_mount_open_source(const CustomMount *m, int userns_fd, int *ret_fd);
/* Sets the MS_RDONLY, MS_NOSUID, MS_NODEV and MS_NOEXEC of flags on the mount fd, and with MS_REC on
 * every mount below it. Non-logging. */
int custom_mount_set_attr(int fd, unsigned long flags);
/* Child: mounts every entry below root (before pivot_root); binds attach sources[i] (from
 * custom_mount_open_source(), -EBADF when it was skipped). Logs. */
int custom_mounts_apply(const CustomMounts *l, const int *sources, const char *root);
