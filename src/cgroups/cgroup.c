/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/strv.h"
#include "cgroup-proc.h"
#include "cgroup-v1.h"
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

/* Depth-first rmdir of dir and its sub-cgroups; cgroupfs has no files to unlink. A leaf (the usual
 * case) goes at the first rmdir, without reading its dozens of control files' names. */
int cgroup_remove_tree(const char *dir) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;

        if (rmdir(dir) >= 0 || errno == ENOENT)
                return 0;
        if (errno != EBUSY && errno != ENOTEMPTY)
                return -errno;
        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                _cleanup_free_ char *sub = NULL;

                if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
                        return -ENOMEM;
                (void) cgroup_remove_tree(sub);
        }
        return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

/* Hands the host's controllers down from a cgroup to its children (machine.slice to the scope, the
 * scope to the payload) so the guest's init can use them. Best effort: a hybrid host's unified
 * hierarchy has none. */
static void enable_controllers(const char *dir) {
        _cleanup_free_ char *avail = NULL, *file = NULL, *want = NULL;
        size_t n = 0;

        if (asprintf(&file, "%s/cgroup.controllers", dir) < 0 || read_one_line(file, &avail) < 0 || !*avail)
                return;
        want = malloc(2 * strlen(avail) + 2);
        if (!want)
                return;
        for (char *tok = strtok(avail, " "); tok; tok = strtok(NULL, " "))
                n += sprintf(want + n, "%s+%s", n ? " " : "", tok);
        free(file);
        if (asprintf(&file, "%s/cgroup.subtree_control", dir) >= 0)
                (void) write_string_file(file, want);
}

/* nsboot's own cgroup2 path, e.g. /system.slice/system-nsboot.slice/nsboot@web.service */
static int own_cgroup(char **ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = cgroup_proc_read(0, &text);
        return r < 0 ? r : cgroup_proc_v2_path(text, ret);
}

/* With --keep-unit the machine stays inside nsboot's own (delegated) unit: the guest in
 * UNIT/payload, nsboot itself in UNIT/supervisor, since a cgroup with children may hold no
 * processes of its own once controllers are enabled. Else the machine gets the scope path machined
 * would give it, machine.slice/machine-NAME.scope. Only the paths; non-logging. */
static int machine_cgroup_paths(const char *root, const char *machine, bool keep_unit, const char *slice,
                                char **ret_parent, char **ret_path) {
        _cleanup_free_ char *own = NULL, *scope = NULL, *slice_path = NULL;
        int r;

        if (!keep_unit) {
                scope = cgroup_scope_name(machine);
                slice_path = cgroup_slice_path(slice ?: "machine.slice");
                if (!scope || !slice_path || asprintf(ret_parent, "%s%s", root, slice_path) < 0 ||
                    asprintf(ret_path, "%s/%s", *ret_parent, scope) < 0)
                        return -ENOMEM;
                return 0;
        }
        r = own_cgroup(&own);
        if (r < 0)
                return r;
        if (asprintf(ret_parent, "%s%s", root, streq(own, "/") ? "" : own) < 0 ||
            asprintf(ret_path, "%s/payload", *ret_parent) < 0)
                return -ENOMEM;
        return 0;
}

/* The paths, and with --keep-unit nsboot moved into UNIT/supervisor. */
static int machine_cgroup_path(const char *root, const char *machine, bool keep_unit, const char *slice,
                               char **ret_parent, char **ret_path) {
        _cleanup_free_ char *supervisor = NULL, *procs = NULL;
        char buf[32];
        int r;

        r = machine_cgroup_paths(root, machine, keep_unit, slice, ret_parent, ret_path);
        if (r < 0 || !keep_unit)
                return r;
        if (asprintf(&supervisor, "%s/supervisor", *ret_parent) < 0 || asprintf(&procs, "%s/cgroup.procs", supervisor) < 0)
                return -ENOMEM;
        if (mkdir(supervisor, 0755) < 0 && errno != EEXIST)
                return -errno;
        snprintf(buf, sizeof buf, "%d", (int) getpid());
        return write_string_file(procs, buf);
}

char *cgroup_slice_path(const char *slice) {
        size_t n = strlen(slice) - strlen(".slice"), len = 0;
        char *p = malloc(2 * strlen(slice) * (n + 1) + 2);

        if (!p)
                return NULL;
        /* systemd nests "a-b-c.slice" as /a.slice/a-b.slice/a-b-c.slice */
        for (size_t i = 0; i <= n; i++)
                if (i == n || slice[i] == '-')
                        len += (size_t) sprintf(p + len, "/%.*s.slice", (int) i, slice);
        if (len == 0)
                strcpy(p, "/");
        return p;
}

bool cgroup_is_hybrid(const CGroup *cg) {
        return cg->root && !streq(cg->root, "/sys/fs/cgroup");
}

int cgroup_v1_suffix(const char *machine, bool keep_unit, const char *slice, char **ret) {
        _cleanup_free_ char *scope = NULL, *slice_path = NULL;

        if (keep_unit)
                return (*ret = strdup("/payload")) ? 0 : -ENOMEM;
        scope = cgroup_scope_name(machine);
        slice_path = cgroup_slice_path(slice ?: "machine.slice");
        if (!scope || !slice_path || asprintf(ret, "%s/%s", slice_path, scope) < 0)
                return -ENOMEM;
        return 0;
}

/* The guest's own cgroup below the machine's: the limits on the machine's cgroup are then out of
 * reach of a privileged guest's root, whose cgroup namespace is rooted at the payload (as
 * systemd-nspawn does it on cgroup v2). */
static int create_payload(CGroup *cg, bool keep_unit) {
        if (keep_unit)
                cg->payload = strdup(cg->path);
        else if (asprintf(&cg->payload, "%s/payload", cg->path) < 0)
                cg->payload = NULL;
        if (!cg->payload)
                return log_oom();
        if (!keep_unit && mkdir(cg->payload, 0755) < 0)
                return log_error_errno(errno, "Failed to create cgroup %s: %m", cg->payload);
        return 0;
}

int cgroup_planned_dirs(CGroup *cg, const char *machine, bool keep_unit, const char *slice, char ***ret) {
        _cleanup_free_ char *root = NULL, *parent = NULL, *path = NULL, *suffix = NULL;
        _cleanup_strv_free_ char **l = NULL;
        int r;

        r = cgroup_find_v2_root(&root);
        if (r < 0)
                return r;
        r = machine_cgroup_paths(root, machine, keep_unit, slice, &parent, &path);
        if (r < 0)
                return r;
        if (strv_consume(&l, TAKE_PTR(path)) < 0)
                return -ENOMEM;
        if (!streq(root, "/sys/fs/cgroup")) {
                r = cgroup_v1_suffix(machine, keep_unit, slice, &suffix);
                if (r < 0)
                        return r;
                r = cgroup_v1_plan(&cg->v1, suffix);
                if (r < 0)
                        return r;
                for (CGroupV1Controller c = 0; c < _CGROUP_V1_MAX; c++)
                        if (cg->v1.plan[c] && strv_extend(&l, cg->v1.plan[c]) < 0)
                                return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int cgroup_create(CGroup *cg, const char *machine, bool keep_unit, const char *slice) {
        _cleanup_free_ char *root = NULL, *parent = NULL, *path = NULL;
        int r;

        r = cgroup_find_v2_root(&root);
        if (r < 0)
                return log_error_errno(r, "No cgroup2 hierarchy at /sys/fs/cgroup or /sys/fs/cgroup/unified: %m");
        r = machine_cgroup_path(root, machine, keep_unit, slice, &parent, &path);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the machine's cgroup below nsboot's own: %m");
        r = mkdir_p(parent, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create cgroup %s: %m", parent);
        /* A leftover of an nsboot that was SIGKILLed: its processes died with the PID namespace. */
        r = cgroup_remove_tree(path);
        if (r < 0)
                return log_error_errno(r, "Cgroup %s is left over and still in use: %m", path);
        enable_controllers(parent);
        /* A slice another machine's exit removed meanwhile (cgroup_remove_slices()) is made again. */
        for (int attempt = 0; mkdir(path, 0755) < 0; attempt++) {
                if (errno != ENOENT || attempt >= 3 || mkdir_p(parent, 0755) < 0)
                        return log_error_errno(errno, "Failed to create cgroup %s: %m", path);
                enable_controllers(parent);
        }
        cg->root = TAKE_PTR(root);
        cg->path = TAKE_PTR(path);
        return create_payload(cg, keep_unit);
}

int cgroup_create_v1(CGroup *cg, const char *machine, bool keep_unit, const char *slice, bool host_root_guest) {
        _cleanup_free_ char *suffix = NULL;

        if (!cgroup_is_hybrid(cg))
                return 0;
        if (cgroup_v1_suffix(machine, keep_unit, slice, &suffix) < 0)
                return log_oom();
        return cgroup_v1_create(&cg->v1, suffix, !keep_unit && host_root_guest);
}

int cgroup_attach(const CGroup *cg, pid_t pid) {
        _cleanup_free_ char *procs = NULL;
        char buf[32];
        int r;

        if (asprintf(&procs, "%s/cgroup.procs", cg->payload) < 0)
                return log_oom();
        snprintf(buf, sizeof buf, "%d", (int) pid);
        r = write_string_file(procs, buf);
        if (r < 0)
                return log_error_errno(r, "Failed to move PID %d into %s: %m", (int) pid, cg->payload);
        return 0;
}

int cgroup_delegate(const CGroup *cg, pid_t leader, bool leader_moved) {
        int r;

        if (streq(cg->payload, cg->path))
                return 0;
        if (leader_moved) {
                r = cgroup_v1_attach(&cg->v1, leader);
                if (r >= 0)
                        r = cgroup_attach(cg, leader);
                if (r < 0)
                        return r;
        }
        /* Only now: a cgroup that hands controllers down may hold no process, and systemd puts the
         * leader into the scope it starts. */
        enable_controllers(cg->path);
        return 0;
}

int cgroup_chown(const CGroup *cg, uid_t uid, gid_t gid) {
        /* What the guest's init needs to manage its own subtree, as systemd-nspawn hands it over. */
        static const char *const files[] = { "", "/cgroup.procs", "/cgroup.threads", "/cgroup.subtree_control" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s%s", cg->payload, files[i]) < 0)
                        return log_oom();
                if (chown(p, uid, gid) < 0 && (errno != ENOENT || i == 0))
                        return log_error_errno(errno, "Failed to hand %s to the guest's root: %m", p);
        }
        return 0;
}

int cgroup_remove_dir(const char *path) {
        int r = 0;

        /* The last processes of the PID namespace may still be leaving the cgroup: retry for up
         * to 10 s (on a loaded host, a guest's many processes can take seconds to be released). */
        for (int i = 0; i < 500; i++) {
                r = cgroup_remove_tree(path);
                if (r != -EBUSY)
                        break;
                nanosleep(&(struct timespec) { .tv_nsec = 20 * 1000 * 1000 }, NULL);
        }
        return r;
}

void cgroup_remove_slices(const char *dir) {
        _cleanup_free_ char *p = strdup(dir);
        char *slash;

        if (!p)
                return;
        while ((slash = strrchr(p, '/')) && slash != p) {
                const char *base;

                *slash = 0;
                base = strrchr(p, '/');
                base = base ? base + 1 : p;
                if (!endswith(base, ".slice") || streq(base, "machine.slice") || rmdir(p) < 0)
                        return;
        }
}

int cgroup_remove(CGroup *cg) {
        int r;

        cgroup_v1_remove(&cg->v1);
        if (!cg->path)
                return 0;
        if (cg->payload && !streq(cg->payload, cg->path))
                (void) cgroup_remove_dir(cg->payload);
        r = cgroup_remove_dir(cg->path);
        if (r < 0)
                return log_warning_errno(r, "Failed to remove cgroup %s, ignoring: %m", cg->path);
        cgroup_remove_slices(cg->path);
        return 0;
}

void cgroup_done(CGroup *cg) {
        cgroup_v1_done(&cg->v1);
        free(cg->root);
        free(cg->path);
        free(cg->payload);
        *cg = (CGroup) {};
}
