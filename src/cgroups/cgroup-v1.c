/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "cgroup-proc.h"
#include "cgroup-v1.h"
#include "cgroup.h"
#include "log.h"

#define V1_ROOT "/sys/fs/cgroup/"

static const char *const controller_table[_CGROUP_V1_MAX] = {
        [CGROUP_V1_MEMORY] = "memory",
        [CGROUP_V1_CPU] = "cpu",
        [CGROUP_V1_CPUACCT] = "cpuacct",
        [CGROUP_V1_CPUSET] = "cpuset",
        [CGROUP_V1_PIDS] = "pids",
        [CGROUP_V1_BLKIO] = "blkio",
        [CGROUP_V1_SYSTEMD] = "systemd",
        [CGROUP_V1_FREEZER] = "freezer",
        [CGROUP_V1_DEVICES] = "devices",
        [CGROUP_V1_NET_CLS] = "net_cls",
        [CGROUP_V1_PERF_EVENT] = "perf_event",
        [CGROUP_V1_HUGETLB] = "hugetlb",
        [CGROUP_V1_RDMA] = "rdma",
        [CGROUP_V1_MISC] = "misc",
};

DEFINE_STRING_TABLE_LOOKUP(cgroup_v1_controller, CGroupV1Controller, controller_table, _CGROUP_V1_MAX);

bool cgroup_v1_available(const char *controller) {
        _cleanup_free_ char *p = NULL;
        struct statfs sfs;

        if (asprintf(&p, V1_ROOT "%s", controller) < 0)
                return false;
        return statfs(p, &sfs) >= 0 && sfs.f_type == CGROUP_SUPER_MAGIC;
}

typedef struct V1Find {
        const char *controller;
        char *path;
        unsigned id;
} V1Find;

static int v1_find(unsigned id, const char *controllers, const char *path, void *userdata) {
        V1Find *f = userdata;

        if (!cgroup_proc_v1_has(controllers, f->controller))
                return 0;
        f->id = id;
        f->path = strdup(streq(path, "/") ? "" : path);
        return f->path ? 1 : -ENOMEM;
}

/* nsboot's own cgroup in the hierarchy that has controller, from the text of /proc/self/cgroup; ""
 * for the root. The hierarchy's ID in *ret_id. */
static int own_v1_cgroup_in(const char *text, const char *controller, char **ret, unsigned *ret_id) {
        V1Find f = { .controller = controller };
        int r;

        r = cgroup_proc_v1_foreach(text, v1_find, &f);
        if (r < 0)
                return r;
        if (r == 0)
                return -ENOMEDIUM;
        *ret = f.path;
        *ret_id = f.id;
        return 0;
}

static int dir_in(const char *text, const char *controller, const char *suffix, char **ret, unsigned *ret_id) {
        _cleanup_free_ char *own = NULL;
        int r;

        r = own_v1_cgroup_in(text, controller, &own, ret_id);
        if (r < 0)
                return r;
        if (!cgroup_v1_available(controller))
                return -ENOMEDIUM;
        return asprintf(ret, V1_ROOT "%s%s%s", controller, own, suffix) < 0 ? -ENOMEM : 0;
}

int cgroup_v1_dir(const char *controller, const char *suffix, char **ret) {
        _cleanup_free_ char *text = NULL;
        unsigned id;
        int r;

        r = cgroup_proc_read(0, &text);
        return r < 0 ? r : dir_in(text, controller, suffix, ret, &id);
}

void cgroup_v1_dirs_free(char *(*dirs)[_CGROUP_V1_MAX]) {
        for (CGroupV1Controller c = 0; c < _CGROUP_V1_MAX; c++) {
                free((*dirs)[c]);
                (*dirs)[c] = NULL;
        }
}

int cgroup_v1_dirs(const char *suffix, char *ret[static _CGROUP_V1_MAX], unsigned ret_ids[_CGROUP_V1_MAX]) {
        _cleanup_free_ char *text = NULL;
        unsigned ids[_CGROUP_V1_MAX];
        int r;

        for (CGroupV1Controller c = 0; c < _CGROUP_V1_MAX; c++)
                ret[c] = NULL;
        r = cgroup_proc_read(0, &text);
        if (r < 0)
                return r;
        for (CGroupV1Controller c = 0; c < _CGROUP_V1_MAX; c++) {
                r = dir_in(text, controller_table[c], suffix, &ret[c], ret_ids ? &ret_ids[c] : &ids[c]);
                if (r < 0 && r != -ENOMEDIUM) {
                        cgroup_v1_dirs_free((char *(*)[_CGROUP_V1_MAX]) ret);
                        return r;
                }
        }
        return 0;
}

/* A new cpuset cgroup starts with no CPUs and no memory nodes, and takes no tasks until it has
 * some (cpuset(7)): give it its parent's. */
static int cpuset_inherit(const char *dir, void *userdata) {
        static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *own = NULL, *parent = NULL, *v = NULL;
                int r;

                if (asprintf(&own, "%s/%s", dir, files[i]) < 0 || asprintf(&parent, "%s/../%s", dir, files[i]) < 0)
                        return -ENOMEM;
                r = read_one_line(parent, &v);
                if (r < 0)
                        return r;
                r = write_string_file(own, v);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* mkdir -p below the hierarchy's mount point (checked to be one), each level made in cpuset given its
 * parent's CPUs and memory nodes. 1: made, 0: existed. */
static int mkdir_levels(const char *dir, bool cpuset) {
        return mkdir_p_made(dir, 0755, cpuset ? cpuset_inherit : NULL, NULL);
}

/* The machine's directory in one hierarchy, and in it the guest's (dir/payload, or dir itself). A
 * leftover of a SIGKILLed nsboot, with its limits, is removed and made anew. */
static int make_machine_dir(const char *dir, const char *guest, bool cpuset) {
        int r;

        r = mkdir_levels(dir, cpuset);
        if (r == 0) {
                r = cgroup_remove_dir(dir);
                if (r < 0)
                        return log_error_errno(r, "Cgroup %s is left over and still in use: %m", dir);
                r = mkdir_levels(dir, cpuset);
        }
        if (r >= 0 && !streq(guest, dir))
                r = mkdir_levels(guest, cpuset);
        if (r < 0)
                return log_error_errno(r, "Failed to create cgroup %s: %m", guest);
        return 0;
}

int cgroup_v1_plan(CGroupV1 *v1, const char *suffix) {
        int r;

        if (v1->planned)
                return 0;
        r = cgroup_v1_dirs(suffix, v1->plan, v1->plan_ids);
        if (r < 0)
                return r;
        v1->planned = true;
        return 0;
}

int cgroup_v1_create(CGroupV1 *v1, const char *suffix, bool payload) {
        int r;

        r = cgroup_v1_plan(v1, suffix);
        if (r < 0)
                return log_error_errno(r, "Failed to find nsboot's own v1 cgroups: %m");
        v1->payload = payload;
        for (CGroupV1Controller c = 0; c < _CGROUP_V1_MAX; c++) {
                _cleanup_free_ char *dir = TAKE_PTR(v1->plan[c]), *guest = NULL;
                CGroupV1Controller o;

                if (!dir)
                        continue;
                /* Two names can be one hierarchy (cpu,cpuacct): the second shares the first's directory. */
                for (o = 0; o < c && !(v1->path[o] && v1->plan_ids[o] == v1->plan_ids[c]); o++)
                        ;
                if (o < c) {
                        v1->alias[c] = true;
                        v1->path[c] = strdup(v1->path[o]);
                        if (!v1->path[c])
                                return log_oom();
                        continue;
                }
                if (asprintf(&guest, "%s%s", dir, payload ? "/payload" : "") < 0)
                        return log_oom();
                r = make_machine_dir(dir, guest, c == CGROUP_V1_CPUSET);
                if (r < 0)
                        return r;
                v1->path[c] = TAKE_PTR(dir);
        }
        return 0;
}

int cgroup_v1_attach(const CGroupV1 *v1, pid_t pid) {
        char buf[32];

        snprintf(buf, sizeof buf, "%d", (int) pid);
        for (CGroupV1Controller c = 0; c < _CGROUP_V1_MAX; c++) {
                _cleanup_free_ char *procs = NULL;
                int r;

                if (!v1->path[c] || v1->alias[c])
                        continue;
                if (asprintf(&procs, "%s%s/cgroup.procs", v1->path[c], v1->payload ? "/payload" : "") < 0)
                        return log_oom();
                r = write_string_file(procs, buf);
                if (r < 0)
                        return log_error_errno(r, "Failed to move PID %d into %s: %m", (int) pid, procs);
        }
        return 0;
}

const char *cgroup_v1_path(const CGroupV1 *v1, const char *controller) {
        CGroupV1Controller c = cgroup_v1_controller_from_string(controller);

        return c < 0 ? NULL : v1->path[c];
}

int cgroup_v1_write(const CGroupV1 *v1, const char *controller, const char *file, const char *value) {
        const char *dir = cgroup_v1_path(v1, controller);
        _cleanup_free_ char *p = NULL, *guest = NULL;
        int r;

        if (!dir)
                return -ENOMEDIUM;
        if (asprintf(&p, "%s/%s", dir, file) < 0 || asprintf(&guest, "%s/payload/%s", dir, file) < 0)
                return -ENOMEM;
        if (access(p, F_OK) < 0)
                return -errno;
        /* A child's cpuset must stay within its parent's (EBUSY otherwise): the payload, which took
         * all of the machine's CPUs and nodes, follows the new set, narrowed first, widened last. */
        if (v1->payload && streq(controller, "cpuset"))
                (void) write_string_file(guest, value);
        r = write_string_file(p, value);
        if (r >= 0 && v1->payload && streq(controller, "cpuset"))
                r = write_string_file(guest, value);
        return r;
}

void cgroup_v1_remove(CGroupV1 *v1) {
        for (CGroupV1Controller c = 0; c < _CGROUP_V1_MAX; c++) {
                int r;

                if (!v1->path[c] || v1->alias[c])
                        continue;
                if (v1->payload) {
                        _cleanup_free_ char *payload = NULL;

                        /* The leaf first: its parent then goes without a walk. */
                        if (asprintf(&payload, "%s/payload", v1->path[c]) >= 0)
                                (void) cgroup_remove_dir(payload);
                }
                r = cgroup_remove_dir(v1->path[c]);
                if (r < 0)
                        log_warning_errno(r, "Failed to remove cgroup %s, ignoring: %m", v1->path[c]);
                else
                        cgroup_remove_slices(v1->path[c]);
        }
}

void cgroup_v1_done(CGroupV1 *v1) {
        for (CGroupV1Controller c = 0; c < _CGROUP_V1_MAX; c++) {
                free(v1->path[c]);
                v1->path[c] = NULL;
                v1->alias[c] = false;
        }
        cgroup_v1_dirs_free(&v1->plan);
        v1->payload = v1->planned = false;
}
