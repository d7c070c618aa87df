/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "netns-probe.h"

/* Mount namespaces whose mountinfo was read already; past this many, read each again. */
#define SEEN_MAX 512

unsigned long long netns_inode(const char *path) {
        struct stat st;

        return stat(path, &st) < 0 ? 0 : (unsigned long long) st.st_ino;
}

static bool link_is(int dir_fd, const char *path, const char *want) {
        char buf[64];
        ssize_t n = readlinkat(dir_fd, path, buf, sizeof buf - 1);

        if (n <= 0)
                return false;
        buf[n] = 0;
        return streq(buf, want);
}

/* Whether some entry E of sub (under dir_fd) has a symbolic link E/leaf, or E itself when leaf is
 * NULL, that reads want: "task" + "ns/net" for each thread, "fd" + NULL for each open file. */
static bool any_link_is(int dir_fd, const char *sub, const char *leaf, const char *want) {
        _cleanup_(closedirp) DIR *d = NULL;
        int fd = openat(dir_fd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return false;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return false;
        }
        for (struct dirent *de; (de = readdir(d));) {
                char path[300];

                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof path, "%s%s%s", de->d_name, leaf ? "/" : "", strempty(leaf));
                if (link_is(dirfd(d), path, want))
                        return true;
        }
        return false;
}

/* Whether the mount namespace of pid has a bind mount of want ("net:[INO]" is an nsfs mount's
 * root field in mountinfo); each mount namespace is read once. */
static bool mounts_hold(const char *pid, int pid_fd, const char *want, unsigned long long *seen, size_t *n_seen) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        struct stat st;
        size_t len = strlen(want);

        if (fstatat(pid_fd, "ns/mnt", &st, 0) < 0)
                return false;
        for (size_t i = 0; i < *n_seen; i++)
                if (seen[i] == (unsigned long long) st.st_ino)
                        return false;
        if (*n_seen < SEEN_MAX)
                seen[(*n_seen)++] = st.st_ino;
        if (asprintf(&path, "/proc/%s/mountinfo", pid) < 0 || read_full_file(path, &text, NULL) < 0)
                return false;
        for (const char *p = strstr(text, want); p; p = strstr(p + 1, want))
                if (p > text && p[-1] == ' ' && p[len] == ' ')
                        return true;
        return false;
}

NetnsWhere netns_where(unsigned long long ino) {
        _cleanup_(closedirp) DIR *proc = NULL;
        _cleanup_free_ unsigned long long *seen = NULL;
        size_t n_seen = 0;
        char want[48];

        if (ino == netns_inode("/proc/self/ns/net"))
                return NETNS_HERE;
        snprintf(want, sizeof want, "net:[%llu]", ino);
        proc = opendir("/proc");
        seen = calloc(SEEN_MAX, sizeof *seen);
        if (!proc || !seen)
                return NETNS_ELSEWHERE; /* cannot tell: never treat it as gone */
        for (struct dirent *de; (de = readdir(proc));) {
                _cleanup_close_ int pid_fd = -EBADF;

                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                pid_fd = openat(dirfd(proc), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (pid_fd < 0)
                        continue; /* the process ended */
                if (any_link_is(pid_fd, "task", "ns/net", want) || any_link_is(pid_fd, "fd", NULL, want) ||
                    mounts_hold(de->d_name, pid_fd, want, seen, &n_seen))
                        return NETNS_ELSEWHERE;
        }
        return NETNS_GONE;
}
