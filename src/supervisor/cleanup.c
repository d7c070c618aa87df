/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/strv.h"
#include "cgroup.h"
#include "cleanup.h"
#include "firewall.h"
#include "freeze.h"
#include "lock.h"
#include "log.h"
#include "netdev.h"
#include "state.h"
#include "tunnel.h"

static char *cgroup_record(const char *machine) {
        char *p;

        return asprintf(&p, CLEANUP_STATE_DIR "/%s.cgroup", machine) < 0 ? NULL : p;
}

/* The record: the cgroup2 directory, then the machine's directory in each v1 hierarchy of a hybrid
 * host, a line each. */
int cleanup_note_cgroup(const char *machine, char **dirs) {
        _cleanup_free_ char *record = cgroup_record(machine), *text = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        if (!record || !(f = open_memstream(&text, &size)))
                return log_oom();
        for (char **d = dirs; d && *d; d++)
                fprintf(f, "%s\n", *d);
        if (fclose(f) != 0)
                return log_oom();
        r = mkdir_p(CLEANUP_STATE_DIR, 0755);
        if (r >= 0)
                r = write_file_mode(record, text, 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", record);
        return 0;
}

void cleanup_forget_cgroup(const char *machine) {
        _cleanup_free_ char *record = cgroup_record(machine);

        if (record)
                (void) unlink(record);
}

/* Only a machine's own cgroup directory is ever removed: a scope of nsboot's naming, or the payload
 * of a --keep-unit unit, below /sys/fs/cgroup. */
static bool cgroup_path_ok(const char *path) {
        const char *base = strrchr(path, '/');

        return startswith(path, "/sys/fs/cgroup/") && !strstr(path, "/../") && !strstr(path, "/./") && base &&
               (startswith(base, "/machine-") || streq(base, "/payload"));
}

/* The v1 directories of the record (lines after the first), each only if it is a machine's. */
static int cleanup_cgroup_v1(char *lines) {
        int failed = 0;

        for (char *line = strtok(lines, "\n"); line; line = strtok(NULL, "\n")) {
                int r;

                if (!cgroup_path_ok(line) || access(line, F_OK) < 0)
                        continue;
                r = cgroup_remove_dir(line);
                if (r < 0)
                        failed = log_warning_errno(r, "Failed to remove cgroup %s: %m", line);
                else {
                        log_info("Removed cgroup %s", line);
                        cgroup_remove_slices(line);
                }
        }
        return failed;
}

static int cleanup_cgroup(const char *machine) {
        _cleanup_free_ char *record = cgroup_record(machine), *text = NULL;
        CGroup cg = {};
        char *rest;
        int r;

        if (!record)
                return log_oom();
        r = read_full_file(record, &text, NULL);
        if (r == -ENOENT)
                return 0;
        /* Frozen processes would keep it busy: killed first (nsbootctl freeze, then a SIGKILL). */
        if (r >= 0) {
                _cleanup_strv_free_ char **dirs = strv_split_keep_empty(text, '\n');

                if (dirs && dirs[0] && cgroup_path_ok(dirs[0]))
                        (void) cgroup_freeze_repair(dirs);
        }
        rest = r >= 0 ? strchr(text, '\n') : NULL;
        if (rest)
                *rest++ = 0;
        if (r < 0 || !cgroup_path_ok(text)) {
                log_warning("Ignoring %s: not a cgroup directory of a machine", record);
                (void) unlink(record);
                return 0;
        }
        r = rest ? cleanup_cgroup_v1(rest) : 0;
        if (access(text, F_OK) < 0) {
                if (r >= 0)
                        (void) unlink(record);
                return r;
        }
        cg.path = strdup(text);
        if (!cg.path)
                return log_oom();
        r = cgroup_remove(&cg) ?: r;
        if (r >= 0) {
                log_info("Removed cgroup %s", cg.path);
                (void) unlink(record);
        }
        cgroup_done(&cg);
        return r < 0 ? r : 1;
}

static int cleanup_tunnel(const char *machine) {
        _cleanup_free_ char *dir = NULL;

        if (asprintf(&dir, TUNNEL_HOST_DIR "/%s", machine) < 0)
                return log_oom();
        if (access(dir, F_OK) < 0)
                return 0;
        tunnel_remove(machine);
        return access(dir, F_OK) < 0 ? 1 : 0;
}

int cleanup_create_cgroups(const char *machine) {
        _cleanup_free_ char *v2 = NULL;
        const char *roots[] = { cgroup_find_v2_root(&v2) >= 0 ? v2 : NULL, CREATE_CGROUP_V1_ROOT };
        int n = 0;

        for (size_t i = 0; i < ELEMENTSOF(roots); i++) {
                _cleanup_free_ char *dir = NULL;
                int r;

                if (!roots[i])
                        continue;
                if (asprintf(&dir, "%s/" CREATE_CGROUP_PREFIX "%s", roots[i], machine) < 0)
                        return log_oom();
                if (access(dir, F_OK) < 0)
                        continue;
                r = cgroup_remove_tree(dir);
                if (r < 0)
                        log_warning_errno(r, "Failed to remove the cgroup %s of a create that was killed, ignoring: %m",
                                          dir);
                else {
                        log_info("Removed the cgroup %s of a create that was killed", dir);
                        n++;
                }
        }
        return n;
}

int cleanup_machine(const char *machine) {
        int n = 0, r, failed = 0;

        /* Interfaces first: a phys must be back on the host before anything else may use its name.
         * A machine that ran in another network namespace that still exists is left whole, to be
         * cleaned up from there (-EXDEV). */
        r = netdev_repair(machine);
        if (r == -EXDEV)
                return r;
        n += MAX(r, 0);
        failed = failed ?: MIN(r, 0);
        r = firewall_cleanup_stale(machine);
        if (r == -EXDEV)
                return r;
        n += MAX(r, 0);
        failed = failed ?: MIN(r, 0);
        r = cleanup_cgroup(machine);
        n += MAX(r, 0);
        failed = failed ?: MIN(r, 0);
        n += cleanup_tunnel(machine);
        r = cleanup_create_cgroups(machine);
        n += MAX(r, 0);
        r = lock_remove_stale(machine);
        if (r > 0)
                log_info("Removed the stale lock files of machine '%s' under %s (%d)", machine, LOCK_DIR, r);
        n += MAX(r, 0);
        machine_state_remove(machine); /* nsbootctl's view of it: gone with its nsboot */
        if (n > 0)
                log_info("Cleaned up after an earlier nsboot of machine '%s' that did not end cleanly", machine);
        return failed < 0 ? failed : n;
}

/* cleanup_machine() with the machine's lock held. say_busy: lock_acquire(), which says who holds it;
 * else lock_try(), silent. -EBUSY when it is held. */
static int cleanup_locked(const char *machine, bool say_busy) {
        Lock lock = { .fd = -EBADF };
        _cleanup_free_ char *name = NULL;
        int r;

        if (asprintf(&name, "machine-%s", machine) < 0)
                return log_oom();
        r = (say_busy ? lock_acquire : lock_try)(name, machine, "(cleanup)", &lock);
        if (r < 0)
                return r;
        r = cleanup_machine(machine);
        lock_release(&lock);
        return r;
}

int cleanup_run(const char *machine) {
        int r;

        r = cleanup_locked(machine, /* say_busy= */ true);
        if (r == 0)
                log_info("Nothing to clean up for machine '%s'", machine);
        return r < 0 ? r : 0;
}

/* Whether name is base's (the first n characters of machine) with another -x suffix: "-" and 16 hex
 * digits. */
static bool ephemeral_sibling(const char *name, const char *machine, size_t n) {
        if (strlen(name) != n + 17 || strncmp(name, machine, n) != 0 || name[n] != '-' || streq(name, machine))
                return false;
        return strspn(name + n + 1, "0123456789abcdef") == 16;
}

int cleanup_ephemeral_siblings(const char *machine) {
        _cleanup_strv_free_ char **names = NULL;
        size_t len = strlen(machine), n;
        int removed = 0, r;

        if (len < 18 || machine[len - 17] != '-' || strspn(machine + len - 16, "0123456789abcdef") != 16)
                return 0;
        n = len - 17;
        /* Every record counts: a killed one's cgroup or network record may outlive its state. */
        r = machine_record_list(&names);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return 0;
        STRV_FOREACH(name, names) {
                if (!ephemeral_sibling(*name, machine, n))
                        continue;
                /* Busy: it runs, or another start cleans it up right now. */
                r = cleanup_locked(*name, /* say_busy= */ false);
                removed += MAX(r, 0);
        }
        return removed;
}
