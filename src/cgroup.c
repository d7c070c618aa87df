/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "basic/fileio.h"
#include "cgroup.h"
#include "log.h"

static bool is_cgroup2(const char *path) {
        struct statfs sfs;

        return statfs(path, &sfs) >= 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_find_v2_root(char **ret) {
        static const char *const candidates[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };

        for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
                if (is_cgroup2(candidates[i])) {
                        *ret = strdup(candidates[i]);
                        return *ret ? 0 : -ENOMEM;
                }
        return -ENOMEDIUM;
}

char *cgroup_scope_name(const char *machine) {
        char *buf = malloc(strlen("machine-") + 4 * strlen(machine) + strlen(".scope") + 1), *p;

        if (!buf)
                return NULL;
        p = stpcpy(buf, "machine-");
        for (const char *c = machine; *c; c++) {
                bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                             *c == '_' || (*c == '.' && c != machine);

                if (plain)
                        *p++ = *c;
                else
                        p += sprintf(p, "\\x%02x", (unsigned char) *c);
        }
        strcpy(p, ".scope");
        return buf;
}

/* Depth-first rmdir of dir and its sub-cgroups; cgroupfs has no files to unlink. */
static int rmdir_tree(const char *dir) {
        _cleanup_(closedirp) DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                _cleanup_free_ char *sub = NULL;

                if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
                        return -ENOMEM;
                (void) rmdir_tree(sub);
        }
        return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

/* Hands the host's controllers down to machine.slice so the guest's init can use them. Best effort:
 * a hybrid host's unified hierarchy has none. */
static void enable_controllers(const char *slice) {
        _cleanup_free_ char *avail = NULL, *file = NULL, *want = NULL;
        size_t n = 0;

        if (asprintf(&file, "%s/cgroup.controllers", slice) < 0 || read_one_line(file, &avail) < 0 || !*avail)
                return;
        want = malloc(2 * strlen(avail) + 2);
        if (!want)
                return;
        for (char *tok = strtok(avail, " "); tok; tok = strtok(NULL, " "))
                n += sprintf(want + n, "%s+%s", n ? " " : "", tok);
        free(file);
        if (asprintf(&file, "%s/cgroup.subtree_control", slice) >= 0)
                (void) write_string_file(file, want);
}

int cgroup_create(CGroup *cg, const char *machine) {
        _cleanup_free_ char *root = NULL, *slice = NULL, *scope = NULL, *path = NULL;
        int r;

        r = cgroup_find_v2_root(&root);
        if (r < 0)
                return log_error_errno(r, "No cgroup2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified: %m");
        scope = cgroup_scope_name(machine);
        if (!scope || asprintf(&slice, "%s/machine.slice", root) < 0 || asprintf(&path, "%s/%s", slice, scope) < 0)
                return log_oom();
        if (mkdir(slice, 0755) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create cgroup %s: %m", slice);
        /* A leftover of an nsboot that was SIGKILLed: its processes died with the PID namespace. */
        r = rmdir_tree(path);
        if (r < 0)
                return log_error_errno(r, "Cgroup %s is left over and still in use: %m", path);
        enable_controllers(slice);
        if (mkdir(path, 0755) < 0)
                return log_error_errno(errno, "Failed to create cgroup %s: %m", path);
        cg->root = TAKE_PTR(root);
        cg->path = TAKE_PTR(path);
        return 0;
}

int cgroup_attach(const CGroup *cg, pid_t pid) {
        _cleanup_free_ char *procs = NULL;
        char buf[32];
        int r;

        if (asprintf(&procs, "%s/cgroup.procs", cg->path) < 0)
                return log_oom();
        snprintf(buf, sizeof buf, "%d", (int) pid);
        r = write_string_file(procs, buf);
        if (r < 0)
                return log_error_errno(r, "Failed to move PID %d into %s: %m", (int) pid, cg->path);
        return 0;
}

int cgroup_remove(CGroup *cg) {
        int r = 0;

        if (!cg->path)
                return 0;
        /* The last processes of the PID namespace may still be leaving the cgroup: retry briefly. */
        for (int i = 0; i < 50; i++) {
                r = rmdir_tree(cg->path);
                if (r != -EBUSY)
                        break;
                nanosleep(&(struct timespec) { .tv_nsec = 20 * 1000 * 1000 }, NULL);
        }
        if (r < 0)
                return log_warning_errno(r, "Failed to remove cgroup %s, ignoring: %m", cg->path);
        return 0;
}

void cgroup_done(CGroup *cg) {
        free(cg->root);
        free(cg->path);
        *cg = (CGroup) {};
}
