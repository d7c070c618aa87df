/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine's cgroups in the cgroup v1 hierarchies of a hybrid host (controllers on v1 under
 * /sys/fs/cgroup/<controller>, cgroup2 without controllers at /sys/fs/cgroup/unified): where the
 * limits and the usage figures of the guest live there. Parent stage: created next to the cgroup2
 * one, the guest's PID 1 put in before it execs, removed at teardown. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

typedef enum CGroupV1Controller {
        CGROUP_V1_MEMORY,
        CGROUP_V1_CPU,
        CGROUP_V1_CPUACCT,
        CGROUP_V1_CPUSET,
        CGROUP_V1_PIDS,
        CGROUP_V1_BLKIO,
        /* Hierarchies without limits of ours: the guest's PID 1 goes into them all the same, so that
         * its cgroup namespace is never rooted at a hierarchy's root, where release_agent is. */
        CGROUP_V1_SYSTEMD,              /* name=systemd */
        CGROUP_V1_FREEZER,
        CGROUP_V1_DEVICES,
        CGROUP_V1_NET_CLS,
        CGROUP_V1_PERF_EVENT,
        CGROUP_V1_HUGETLB,
        CGROUP_V1_RDMA,
        CGROUP_V1_MISC,
        _CGROUP_V1_MAX,
        _CGROUP_V1_INVALID = -EINVAL,
} CGroupV1Controller;

const char *cgroup_v1_controller_to_string(CGroupV1Controller c);
CGroupV1Controller cgroup_v1_controller_from_string(const char *s);

typedef struct CGroupV1 {
        char *path[_CGROUP_V1_MAX];     /* the machine's directory in each hierarchy, NULL: none */
        bool alias[_CGROUP_V1_MAX];     /* a second name of an earlier one's hierarchy (cpu,cpuacct) */
        bool payload;                   /* the guest is in PATH/payload (a guest without a user namespace) */
        /* cgroup_v1_plan(): the directories cgroup_v1_create() makes, and their hierarchies' IDs */
        char *plan[_CGROUP_V1_MAX];
        unsigned plan_ids[_CGROUP_V1_MAX];
        bool planned;
} CGroupV1;

/* Whether controller is mounted as a cgroup v1 hierarchy under /sys/fs/cgroup. Non-logging. */
bool cgroup_v1_available(const char *controller);
/* The directory of the machine in the hierarchy of controller: /sys/fs/cgroup/CONTROLLER, nsboot's
 * own cgroup there, then suffix ("/machine.slice/machine-web.scope"). Non-logging. */
int cgroup_v1_dir(const char *controller, const char *suffix, char **ret);
/* The same for every hierarchy at once, from one read of /proc/self/cgroup: ret[c] is NULL where the
 * host has no hierarchy of controller c; ret_ids[c] (when not NULL) the hierarchy's ID, the same for
 * two controllers of one hierarchy. Non-logging. */
int cgroup_v1_dirs(const char *suffix, char *ret[static _CGROUP_V1_MAX], unsigned ret_ids[_CGROUP_V1_MAX]);
void cgroup_v1_dirs_free(char *(*dirs)[_CGROUP_V1_MAX]);
/* Finds the machine's directory in every v1 hierarchy there is (cgroup_v1_dirs()) once, for the
 * record written before they exist and for cgroup_v1_create(). Non-logging. */
int cgroup_v1_plan(CGroupV1 *v1, const char *suffix);
/* Makes the machine's cgroup in every v1 hierarchy there is (as planned, or planning it now), with
 * payload its sub-cgroup "payload" for the guest (a leftover is removed first; cpuset gets its
 * parent's CPUs and memory nodes). Logs. */
int cgroup_v1_create(CGroupV1 *v1, const char *suffix, bool payload);
/* Puts pid into all of them (their payloads, if any). Logs. */
int cgroup_v1_attach(const CGroupV1 *v1, pid_t pid);
/* Writes value to file of the machine's cgroup of controller. Non-logging: -ENOMEDIUM when the
 * machine has no cgroup there, -ENOENT when the file does not exist. */
int cgroup_v1_write(const CGroupV1 *v1, const char *controller, const char *file, const char *value);
const char *cgroup_v1_path(const CGroupV1 *v1, const char *controller);
/* Removes them (retrying while the last processes leave). Logs warnings. */
void cgroup_v1_remove(CGroupV1 *v1);
void cgroup_v1_done(CGroupV1 *v1);
