/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "cgroup-limits.h"
#include "limit.h"
#include "log.h"

/* One way of writing a limit. cg is NULL for --check: can this host do it at all? */
typedef struct LimitBackend {
        const char *name;
        bool (*has_controller)(const CGroup *cg, const char *assignment);
        /* Non-logging: -EOPNOTSUPP no equivalent, -ENOKEY a limit it needs is missing, -ENOENT
         * the kernel has no such file */
        int (*apply)(const CGroup *cg, const char *assignment, char *const *all);
} LimitBackend;

static int v2_controllers(const CGroup *cg, char **ret) {
        _cleanup_free_ char *root = NULL, *file = NULL;

        if (!cg && cgroup_find_v2_root(&root) < 0)
                return -ENOMEDIUM;
        if (asprintf(&file, "%s/cgroup.controllers", cg ? cg->path : root) < 0)
                return -ENOMEM;
        return read_one_line(file, ret);
}

static bool listed(char *controllers, const char *assignment) {
        for (char *tok = strtok(controllers, " "); tok; tok = strtok(NULL, " "))
                if (limit_is_of_controller(assignment, tok))
                        return true;
        return false;
}

/* A controller the host's root has but the machine's cgroup does not get yet (systemd enables cpu
 * or io only once a unit asks for them): "+NAME" in the subtree_control of each cgroup from the
 * root down to the machine's parent, as systemd does it for a unit. Best effort. */
static void v2_enable_controller(const CGroup *cg, const char *assignment) {
        _cleanup_free_ char *dir = strdup(cg->path);
        char want[32];

        snprintf(want, sizeof want, "+%.*s", (int) MIN(strcspn(assignment, "."), sizeof want - 2), assignment);
        if (!dir || !strrchr(dir, '/'))
                return;
        *strrchr(dir, '/') = 0; /* the parent */
        for (char *p = dir + strlen(cg->root);; p++) {
                _cleanup_free_ char *file = NULL;
                char c = *p;

                if (c && c != '/')
                        continue;
                *p = 0;
                if (asprintf(&file, "%s/cgroup.subtree_control", dir) >= 0)
                        (void) write_string_file(file, want);
                *p = c;
                if (!c)
                        return;
        }
}

static bool v2_has_controller(const CGroup *cg, const char *assignment) {
        _cleanup_free_ char *controllers = NULL, *root = NULL;

        if (v2_controllers(cg, &controllers) < 0)
                return false;
        if (listed(controllers, assignment))
                return true;
        /* on the way: does the root offer it at all? */
        if (!cg || v2_controllers(NULL, &root) < 0 || !listed(root, assignment))
                return false;
        v2_enable_controller(cg, assignment);
        free(controllers);
        controllers = NULL;
        return v2_controllers(cg, &controllers) >= 0 && listed(controllers, assignment);
}

static int v2_apply(const CGroup *cg, const char *assignment, char *const *all _unused_) {
        _cleanup_free_ char *path = NULL;
        size_t n = strcspn(assignment, "=");

        if (!cg)
                return 0;
        if (asprintf(&path, "%s/%.*s", cg->path, (int) n, assignment) < 0)
                return -ENOMEM;
        if (access(path, F_OK) < 0)
                return -ENOENT;
        return write_string_file(path, assignment + n + 1);
}

/* The v1 hierarchy of the file's controller: io.* is blkio there. */
static bool v1_has_controller(const CGroup *cg, const char *assignment) {
        char c[32];

        snprintf(c, sizeof c, "%.*s", (int) MIN(strcspn(assignment, "."), sizeof c - 1), assignment);
        if (streq(c, "io"))
                strcpy(c, "blkio");
        return cg ? !!cgroup_v1_path(&cg->v1, c) : cgroup_v1_available(c);
}

static bool dir_is_root(const char *dir) {
        return !strchr(dir + strlen("/sys/fs/cgroup/"), '/');
}

static int v1_apply(const CGroup *cg, const char *assignment, char *const *all) {
        LimitV1Write w[LIMIT_V1_WRITES_MAX];
        int n = limit_to_v1(assignment, all, w);

        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *dir = NULL, *file = NULL;
                int r;

                if (cg) {
                        r = cgroup_v1_write(&cg->v1, w[i].controller, w[i].file, w[i].value);
                        if (r < 0)
                                return r;
                        continue;
                }
                /* --check: does nsboot's own cgroup in that hierarchy have the file? */
                r = cgroup_v1_dir(w[i].controller, "", &dir);
                if (r < 0)
                        return r;
                if (asprintf(&file, "%s/%s", dir, w[i].file) < 0)
                        return -ENOMEM;
                /* the root of the pids hierarchy has no pids.max of its own */
                if (access(file, F_OK) < 0 && !(streq(w[i].file, "pids.max") && dir_is_root(dir)))
                        return -ENOENT;
        }
        return n < 0 ? n : 0;
}

static const LimitBackend backends[] = {
        { "cgroup2", v2_has_controller, v2_apply },
        { "cgroup v1", v1_has_controller, v1_apply },
};

int cgroup_limits_collect(char *const *cgroup_settings, char *const *properties, char ***ret) {
        char **l = strv_copy(cgroup_settings);

        if (!l && cgroup_settings)
                return -ENOMEM;
        for (char *const *p = properties; p && *p; p++) {
                _cleanup_free_ char *a = NULL;
                int r = limit_from_property(*p, &a);

                if (r == -ENOENT)
                        continue;
                if (r >= 0)
                        r = strv_env_set(&l, a);
                if (r < 0) {
                        strv_free(l);
                        return r;
                }
        }
        *ret = l;
        return 0;
}

#define DEFAULT_TASKS_MAX_PERCENT 15
#define DEFAULT_TASKS_MAX_CEILING UINT64_C(16384)

static uint64_t sysctl_u64(const char *path) {
        _cleanup_free_ char *line = NULL;
        uint64_t v;

        return read_one_line(path, &line) >= 0 && safe_atou64(line, &v) >= 0 ? v : UINT64_MAX;
}

uint64_t cgroup_default_tasks_max(void) {
        uint64_t n = MIN(sysctl_u64("/proc/sys/kernel/pid_max"), sysctl_u64("/proc/sys/kernel/threads-max"));

        if (n == UINT64_MAX)
                return DEFAULT_TASKS_MAX_CEILING;
        return MAX(MIN(n * DEFAULT_TASKS_MAX_PERCENT / 100, DEFAULT_TASKS_MAX_CEILING), UINT64_C(1));
}

int cgroup_limits_add_default_tasks(const CGroup *cg, char ***limits) {
        char *a;

        if (strv_env_get(*limits, "pids.max"))
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(backends); i++)
                if (backends[i].has_controller(cg, "pids.max=1")) {
                        if (asprintf(&a, "pids.max=%" PRIu64, cgroup_default_tasks_max()) < 0 ||
                            strv_consume(limits, a) < 0)
                                return log_oom();
                        return 0;
                }
        log_debug("No pids controller for the machine: its tasks have no limit");
        return 0;
}

/* Applies (cg) or checks (cg NULL) one limit through the first backend with its controller. */
static int limit_one(const CGroup *cg, const char *a, char *const *all) {
        size_t n = strcspn(a, "=");
        const LimitBackend *b = NULL;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(backends) && !b; i++)
                if (backends[i].has_controller(cg, a))
                        b = &backends[i];
        if (!b)
                return log_error_errno(SYNTHETIC_ERRNO(EOPNOTSUPP),
                                       "Limit %s: this host has no '%.*s' controller for the machine, neither on "
                                       "cgroup2 nor on cgroup v1", a, (int) strcspn(a, "."), a);
        r = b->apply(cg, a, all);
        switch (r) {
        case 0:
                return 0;
        case -EOPNOTSUPP:
                return log_error_errno(r, "Limit %s: %s has no equivalent of %.*s", a, b->name, (int) n, a);
        case -ENOKEY:
                return log_error_errno(r, "Limit %s: on %s this needs memory.max (nsboot.memory.max) too", a,
                                       b->name);
        case -ENOENT:
                return log_error_errno(r, "Limit %s: the kernel's %s has no file for it (controller feature "
                                       "missing, e.g. swap accounting or the BFQ scheduler for weights)", a, b->name);
        default:
                return log_error_errno(r, "Limit %s: the kernel refused it (%s): %m", a, b->name);
        }
}

int cgroup_limits_apply(const CGroup *cg, char *const *limits, bool via_scope) {
        STRV_FOREACH(a, limits) {
                _cleanup_free_ char *prop = NULL;
                int r;

                if (via_scope && limit_to_property(*a, &prop) >= 0)
                        continue;
                r = limit_one(cg, *a, limits);
                if (r < 0)
                        return r;
        }
        return 0;
}

int cgroup_limits_apply_one(const CGroup *cg, const char *assignment, char *const *all) {
        return limit_one(cg, assignment, all);
}

int cgroup_limits_check(char *const *limits) {
        int r = 0;

        STRV_FOREACH(a, limits)
                if (limit_one(NULL, *a, limits) < 0)
                        r = -EOPNOTSUPP;
        return r;
}
