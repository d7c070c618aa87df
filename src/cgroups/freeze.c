/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "freeze.h"
#include "log.h"

#define POLL_NSEC (10 * 1000 * 1000)
#define V1_FREEZER_DIR "/sys/fs/cgroup/freezer/"

/* Where the machine is frozen: cgroup2's cgroup.freeze of the machine's cgroup, which holds the
 * guest's processes and nothing else (the supervisor is outside it, also with --keep-unit). Not the
 * payload below it, the root of the guest's cgroup namespace: a guest root that is the host's could
 * write the cgroup.freeze of that where cgroup2 is not mounted with nsdelegate; the machine's cgroup
 * it never sees, and a payload thawed by itself stays frozen below a frozen parent. (With --keep-unit
 * the machine's cgroup is the payload: every guest process in it is frozen, none can thaw it.) Else
 * the machine's directory in the v1 freezer hierarchy. NSBOOT_FREEZER=v1 takes the v1 freezer on a
 * hybrid host that has both, so that its path can be tested there. */
static int freezer_dir(const CGroup *cg, const char **ret_dir, bool *ret_v1) {
        const char *v1 = cgroup_v1_path(&cg->v1, "freezer");
        _cleanup_free_ char *p = NULL;

        if (cg->path && !streq_ptr(getenv("NSBOOT_FREEZER"), "v1")) {
                if (asprintf(&p, "%s/cgroup.freeze", cg->path) < 0)
                        return -ENOMEM;
                if (access(p, W_OK) >= 0) {
                        *ret_dir = cg->path;
                        *ret_v1 = false;
                        return 0;
                }
                free(TAKE_PTR(p));
        }
        if (v1) {
                if (asprintf(&p, "%s/freezer.state", v1) < 0)
                        return -ENOMEM;
                if (access(p, W_OK) >= 0) {
                        *ret_dir = v1;
                        *ret_v1 = true;
                        return 0;
                }
        }
        return -EOPNOTSUPP;
}

static int read_dir_file(const char *dir, const char *file, char **ret) {
        _cleanup_free_ char *p = NULL;

        if (asprintf(&p, "%s/%s", dir, file) < 0)
                return -ENOMEM;
        return read_full_file(p, ret, NULL);
}

static int write_dir_file(const char *dir, const char *file, const char *value) {
        _cleanup_free_ char *p = NULL;

        if (asprintf(&p, "%s/%s", dir, file) < 0)
                return -ENOMEM;
        return write_string_file(p, value);
}

/* Whether every process is frozen (freeze) or none is (!freeze) by now: cgroup.events' "frozen"
 * line on cgroup2, freezer.state FROZEN or THAWED on v1 (FREEZING: not yet). */
static int reached(const char *dir, bool v1, bool freeze) {
        _cleanup_free_ char *text = NULL;
        const char *p;
        int r;

        r = read_dir_file(dir, v1 ? "freezer.state" : "cgroup.events", &text);
        if (r < 0)
                return r;
        if (v1)
                return startswith(text, freeze ? "FROZEN" : "THAWED") != NULL;
        p = startswith(text, "frozen ") ?: strstr(text, "\nfrozen ");
        if (!p)
                return -EBADMSG;
        p = strchr(p, ' ') + 1;
        return *p == (freeze ? '1' : '0');
}

static int wait_reached(const char *dir, bool v1, bool freeze, uint64_t timeout_usec) {
        for (uint64_t waited = 0;; waited += POLL_NSEC / 1000) {
                int r = reached(dir, v1, freeze);

                if (r != 0)
                        return r < 0 ? r : 0;
                if (waited >= timeout_usec)
                        return -ETIMEDOUT;
                (void) nanosleep(&(struct timespec) { .tv_nsec = POLL_NSEC }, NULL);
        }
}

static int set_frozen(const char *dir, bool v1, bool freeze) {
        if (v1)
                return write_dir_file(dir, "freezer.state", freeze ? "FROZEN" : "THAWED");
        return write_dir_file(dir, "cgroup.freeze", freeze ? "1" : "0");
}

int cgroup_freeze(const CGroup *cg, bool freeze, uint64_t timeout_usec) {
        const char *dir;
        bool v1;
        int r;

        r = freezer_dir(cg, &dir, &v1);
        if (r < 0)
                return r;
        r = set_frozen(dir, v1, freeze);
        if (r >= 0)
                r = wait_reached(dir, v1, freeze, timeout_usec);
        if (r < 0 && freeze)
                (void) set_frozen(dir, v1, false); /* never half frozen */
        return r;
}

/* Whether dir was asked to freeze (cgroup.freeze, or the v1 freezer.state: FREEZING or FROZEN). */
static int is_frozen(const char *dir, bool v1) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_dir_file(dir, v1 ? "freezer.state" : "cgroup.freeze", &text);
        if (r < 0)
                return r;
        return v1 ? !startswith(text, "THAWED") : startswith(text, "1") != NULL;
}

int cgroup_is_frozen(const CGroup *cg) {
        const char *dir;
        bool v1;
        int r;

        r = freezer_dir(cg, &dir, &v1);
        return r < 0 ? r : is_frozen(dir, v1);
}

/* Whether dir (a cgroup2 directory, or one of the v1 freezer) was left frozen. */
static bool dir_frozen(const char *dir) {
        return is_frozen(dir, startswith(dir, V1_FREEZER_DIR)) > 0;
}

int cgroup_freeze_repair(char *const *dirs) {
        _cleanup_free_ char *payload = NULL;
        const char *v1 = NULL;
        bool frozen;
        int r;

        if (!dirs || !dirs[0] || asprintf(&payload, "%s/payload", dirs[0]) < 0)
                return 0;
        for (char *const *d = dirs + 1; *d; d++)
                if (startswith(*d, V1_FREEZER_DIR))
                        v1 = *d;
        frozen = dir_frozen(dirs[0]) || dir_frozen(payload) || (v1 && dir_frozen(v1));
        if (!frozen)
                return 0;
        log_info("Machine cgroup %s was left frozen: killing its processes and thawing it", dirs[0]);
        /* v1 frozen tasks die only once thawed; frozen cgroup2 tasks die of SIGKILL as they are. */
        if (v1 && (r = set_frozen(v1, true, false)) < 0)
                log_warning_errno(r, "Failed to thaw %s, ignoring: %m", v1);
        r = write_dir_file(dirs[0], "cgroup.kill", "1");
        if (r < 0)
                log_warning_errno(r, "Failed to kill the processes of %s, ignoring: %m", dirs[0]);
        (void) set_frozen(payload, false, false);
        (void) set_frozen(dirs[0], false, false);
        return 1;
}
