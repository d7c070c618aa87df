/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "log.h"
#include "oom.h"

struct OomWatch {
        EventSource *source;
        const CGroup *cg;
        char *machine;
        uint64_t seen;
        int fd;                 /* eventfd (v1) or memory.events (v2) */
};

static int read_oom_kills(const char *dir, const char *file, uint64_t *ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        const char *p;
        int r;

        if (asprintf(&path, "%s/%s", dir, file) < 0)
                return -ENOMEM;
        r = read_full_file(path, &text, NULL);
        if (r < 0)
                return r;
        p = strstr(text, "oom_kill ");
        if (!p || sscanf(p, "oom_kill %" SCNu64, ret) != 1)
                return -ENOENT;
        return 0;
}

/* v1 counts a kill only in the victim's own cgroup (the payload, or one the guest made below it),
 * not in the ancestor whose limit it hit: the sum over the machine's subtree. */
static int v1_oom_kills(const char *dir, unsigned depth, uint64_t *sum) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        uint64_t n;
        int r;

        r = read_oom_kills(dir, "memory.oom_control", &n);
        if (r < 0)
                return r;
        *sum += n;
        if (depth >= 8 || !(d = opendir(dir)))
                return 0;
        while ((de = readdir(d))) {
                _cleanup_free_ char *sub = NULL;

                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                        continue;
                if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
                        return -ENOMEM;
                (void) v1_oom_kills(sub, depth + 1, sum);
        }
        return 0;
}

/* "oom_kill N" in memory.events (v2, counting the whole subtree) or memory.oom_control (v1) */
int oom_kill_count(const CGroup *cg, uint64_t *ret) {
        const char *v1 = cgroup_v1_path(&cg->v1, "memory");
        uint64_t sum = 0;
        int r;

        if (!v1)
                return read_oom_kills(cg->path, "memory.events", ret);
        r = v1_oom_kills(v1, 0, &sum);
        if (r < 0)
                return r;
        *ret = sum;
        return 0;
}

static int on_oom(EventSource *s, int fd, uint32_t revents, void *userdata) {
        OomWatch *w = userdata;
        char buf[4096];
        uint64_t n;

        /* the eventfd counter; or memory.events, read from its start (lseek() fails on an eventfd) */
        (void) lseek(fd, 0, SEEK_SET);
        (void) read(fd, buf, sizeof buf);
        if (oom_kill_count(w->cg, &n) < 0 || n <= w->seen)
                return 0;
        log_warning("Machine %s hit its memory limit: the OOM killer killed %" PRIu64 " of its processes "
                    "(%" PRIu64 " so far)", w->machine, n - w->seen, n);
        w->seen = n;
        return 0;
}

/* v1: register an eventfd for memory.oom_control's OOM events ("<efd> <fd>" in
 * cgroup.event_control, Documentation/admin-guide/cgroup-v1/memory.rst, 9). */
static int watch_fd_v1(const char *dir) {
        _cleanup_free_ char *ctl = NULL, *oc = NULL;
        _cleanup_close_ int efd = -EBADF, ofd = -EBADF;
        char buf[64];
        int r;

        if (asprintf(&ctl, "%s/cgroup.event_control", dir) < 0 || asprintf(&oc, "%s/memory.oom_control", dir) < 0)
                return -ENOMEM;
        efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        ofd = open(oc, O_RDONLY | O_CLOEXEC);
        if (efd < 0 || ofd < 0)
                return -errno;
        snprintf(buf, sizeof buf, "%d %d", efd, ofd);
        r = write_string_file(ctl, buf);
        return r < 0 ? r : TAKE_FD(efd);
}

/* v2: memory.events itself, polled for EPOLLPRI, which kernfs raises when the file changes (read
 * again to rearm). Not inotify: its instances are counted per user, and one per supervisor, all
 * root's, would use up fs.inotify.max_user_instances with a hundred guests. */
static int watch_fd_v2(const char *dir) {
        _cleanup_free_ char *events = NULL;
        char buf[512];
        int fd;

        if (asprintf(&events, "%s/memory.events", dir) < 0)
                return -ENOMEM;
        fd = open(events, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        (void) read(fd, buf, sizeof buf); /* a new descriptor polls as changed until it was read */
        return fd;
}

int oom_watch_new(Event *e, const CGroup *cg, const char *machine, OomWatch **ret) {
        const char *v1 = cgroup_v1_path(&cg->v1, "memory");
        _cleanup_free_ OomWatch *w = calloc(1, sizeof *w);
        uint64_t n;
        int r;

        *ret = NULL;
        if (!w)
                return log_oom();
        if (oom_kill_count(cg, &n) < 0)
                return 0; /* no memory controller for the machine */
        w->fd = v1 ? watch_fd_v1(v1) : watch_fd_v2(cg->path);
        if (w->fd < 0)
                return log_warning_errno(w->fd, "Cannot watch the machine's OOM kills, ignoring: %m"), 0;
        w->cg = cg;
        w->seen = n;
        w->machine = strdup(machine);
        r = w->machine ? event_add_io(e, &w->source, w->fd, v1 ? EPOLLIN : EPOLLPRI, on_oom, w) : -ENOMEM;
        if (r < 0) {
                safe_close(w->fd);
                free(w->machine);
                return log_error_errno(r, "Failed to watch the machine's OOM kills: %m");
        }
        *ret = TAKE_PTR(w);
        return 0;
}

OomWatch *oom_watch_free(OomWatch *w) {
        if (!w)
                return NULL;
        /* A last look: a kill just before the guest ended */
        on_oom(NULL, w->fd, 0, w);
        event_source_disable_unref(w->source);
        safe_close(w->fd);
        free(w->machine);
        free(w);
        return NULL;
}
