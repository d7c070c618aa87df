/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Value parsers of the keys that come from LXC: hooks, log level, architecture, console path, init's
 * numeric ids and groups, the /dev size, and the LXC keys whose values nsboot only checks
 * (lxc.autodev, lxc.mount.auto) or converts (cgroup v1). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>
#include <syslog.h>

#include "basic/parse-util.h"
#include "basic/strv.h"
#include "limit.h"
#include "settings-parse.h"
#include "settings-table.h"

/* One command line per assignment, in order; an empty value clears the hook's list. */
int parse_hook(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (strv_length(*(char ***) dest) >= 64)
                return -E2BIG;
        return strv_extend(dest, value);
}

/* "lxc.hook =": no hooks at all. */
int parse_hooks_clear(const SettingDef *def _unused_, const char *value, void *dest) {
        char ***hooks = dest;

        if (*value)
                return -EINVAL;
        for (size_t i = 0; i < _HOOK_TYPE_MAX; i++)
                hooks[i] = strv_free(hooks[i]);
        return 0;
}

int parse_hook_version(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!streq(value, "0") && !streq(value, "1"))
                return -EINVAL;
        *(int *) dest = value[0] - '0';
        return 0;
}

/* LXC's level names and numbers (0 trace ... 8 fatal) onto syslog levels. */
static const struct {
        const char *name;
        int level;
} log_levels[] = {
        { "trace", LOG_DEBUG }, { "debug", LOG_DEBUG }, { "info", LOG_INFO },  { "notice", LOG_NOTICE },
        { "warn", LOG_WARNING }, { "error", LOG_ERR },  { "crit", LOG_CRIT },  { "alert", LOG_ALERT },
        { "fatal", LOG_EMERG },
};

int parse_log_level(const SettingDef *def _unused_, const char *value, void *dest) {
        unsigned n;

        if (safe_atou(value, &n) >= 0 && n < ELEMENTSOF(log_levels)) {
                *(int *) dest = log_levels[n].level;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(log_levels); i++)
                if (strcasecmp(value, log_levels[i].name) == 0 ||
                    (strncasecmp(value, "LXC_LOG_LEVEL_", 14) == 0 && strcasecmp(value + 14, log_levels[i].name) == 0)) {
                        *(int *) dest = log_levels[i].level;
                        return 0;
                }
        return -EINVAL;
}

int format_log_level(const void *src, char **ret) {
        int level = *(const int *) src;

        for (size_t i = 1; i < ELEMENTSOF(log_levels); i++)
                if (log_levels[i].level == level) {
                        *ret = strdup(log_levels[i].name);
                        return *ret ? 0 : -ENOMEM;
                }
        *ret = strdup("");
        return *ret ? 0 : -ENOMEM;
}

/* lxc.arch: what a 64-bit x86 host can run. 32-bit names get PER_LINUX32 (uname -m: i686). */
int parse_personality(const SettingDef *def _unused_, const char *value, void *dest) {
        static const char *const bit32[] = { "x86", "i386", "i486", "i586", "i686", "linux32" };
        static const char *const bit64[] = { "x86_64", "x86-64", "amd64", "linux64" };

        for (size_t i = 0; i < ELEMENTSOF(bit32); i++)
                if (streq(value, bit32[i])) {
                        *(unsigned long *) dest = PER_LINUX32;
                        return 0;
                }
        for (size_t i = 0; i < ELEMENTSOF(bit64); i++)
                if (streq(value, bit64[i])) {
                        *(unsigned long *) dest = PER_LINUX;
                        return 0;
                }
        /* armhf, arm64, ppc64el, …: another architecture, which this host cannot run */
        if (strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(value) && *value)
                return -EOPNOTSUPP;
        return -EINVAL;
}

int format_personality(const void *src, char **ret) {
        unsigned long p = *(const unsigned long *) src;

        *ret = strdup(p == PER_LINUX32 ? "x86" : p == PER_LINUX ? "x86_64" : "");
        return *ret ? 0 : -ENOMEM;
}

/* lxc.console.path: "none" (LXC gives the guest no console; nsboot's nearest is a console pty
 * nobody reads, see settings_finish()) or the absolute path of a host terminal device, opened and
 * checked at start. Empty: unset. */
int parse_console_path(const SettingDef *def, const char *value, void *dest) {
        char **p = dest;

        if (isempty(value)) {
                free(*p);
                *p = NULL;
                return 0;
        }
        if (!streq(value, "none") && value[0] != '/')
                return -EINVAL;
        return parse_path(def, value, dest);
}

/* lxc.autodev: only 1; nsboot has no mode that leaves /dev to the tree. dest is unused. */
int parse_autodev(const SettingDef *def _unused_, const char *value, void *dest) {
        int b = parse_boolean(value);

        if (b < 0)
                return -EINVAL;
        /* 0 asks for the tree's own /dev (static nodes made by a template): nsboot gives its own anyway,
         * the standard nodes, and --bind or the device keys add others. */
        return b ? 0 : 1;
}

/* lxc.mount.auto: LXC's words; returns 1 where nsboot mounts tighter than asked (rw), 0 where it
 * does what is asked anyway. shmounts: (a host directory shared into the guest) is not done. */
int parse_mount_auto(const SettingDef *def _unused_, const char *value, void *dest) {
        static const char *const same[] = { "proc", "proc:mixed", "sys", "sys:mixed", "sys:ro", "cgroup",
                                            "cgroup:mixed", "cgroup:ro", "cgroup-full:ro", "cgroup2", "cgroup2:ro",
                                            "cgroup-full", "cgroup-full:mixed", "cgroup:force", "cgroup:mixed:force",
                                            "cgroup:ro:force", "cgroup2:force", "cgroup2:ro:force" };
        static const char *const tighter[] = { "proc:rw", "sys:rw", "cgroup:rw", "cgroup-full:rw", "cgroup:rw:force",
                                               "cgroup-full:rw:force", "cgroup-full:force", "cgroup-full:mixed:force" };
        _cleanup_free_ char *copy = strdup(value);
        char *save = NULL;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
                bool found = false;

                for (size_t i = 0; i < ELEMENTSOF(same) && !found; i++)
                        found = streq(w, same[i]);
                for (size_t i = 0; i < ELEMENTSOF(tighter) && !found; i++)
                        if (streq(w, tighter[i]))
                                found = true, r = 1;
                if (!found)
                        return startswith(w, "shmounts:") ? -EOPNOTSUPP : -EINVAL;
        }
        return r;
}

/* cgroup v1 settings (lxc.cgroup.FILE = V, here "FILE=V") that have a cgroup2 equivalent (limit.c);
 * memory.memsw.limit_in_bytes needs the memory limit set before it. */
int parse_cgroup_v1(const SettingDef *def, const char *value, void *dest) {
        _cleanup_free_ char *file = strndup(value, strcspn(value, "=")), *v2 = NULL;
        const char *v = strchr(value, '=');
        int r;

        if (!file || !v)
                return file ? -EINVAL : -ENOMEM;
        r = limit_from_v1(file, v + 1, *(char ***) dest, &v2);
        if (r < 0)
                return r == -ENOKEY ? -EINVAL : r;
        return parse_cgroup(def, v2, dest);
}

/* lxc.console.size: "auto" (128 KiB), or bytes with K, KB, KiB, M, ... in any case (all powers of
 * 1024); as LXC, at least a page and rounded up to a power of two. Empty: no limit. */
int parse_console_size(const SettingDef *def _unused_, const char *value, void *dest) {
        char num[32];
        size_t n = strlen(value);
        uint64_t v, p2 = 4096;

        if (n == 0 || streq(value, "auto")) {
                *(uint64_t *) dest = n == 0 ? 0 : 128 * 1024;
                return 0;
        }
        if (n >= sizeof num)
                return -EINVAL;
        memcpy(num, value, n + 1);
        if (n > 1 && strchr("bB", num[n - 1]) && !strchr("0123456789", num[n - 2]))
                num[--n] = 0;
        if (n > 1 && num[n - 1] == 'i')
                num[--n] = 0;
        num[n - 1] = (char) toupper((unsigned char) num[n - 1]);
        if (limit_parse_size(num, &v) < 0 || v == UINT64_MAX || v > (UINT64_C(1) << 62))
                return -EINVAL;
        while (p2 < v)
                p2 <<= 1;
        *(uint64_t *) dest = p2;
        return 0;
}

/* The ring lives in nsboot's memory: at most 64 MiB of it. */
int parse_console_buffer_size(const SettingDef *def, const char *value, void *dest) {
        uint64_t v;
        int r = parse_console_size(def, value, &v);

        if (r < 0)
                return r;
        if (v > CONSOLE_BUFFER_MAX)
                return -ERANGE;
        *(uint64_t *) dest = v;
        return 0;
}

int format_size(const void *src, char **ret) {
        uint64_t v = *(const uint64_t *) src;

        if (v == 0)
                return (*ret = strdup("")) ? 0 : -ENOMEM;
        return asprintf(ret, "%" PRIu64, v) < 0 ? -ENOMEM : 0;
}

/* lxc.init.uid, lxc.init.gid: a numeric id of the guest, never (uid_t) -1; empty: unset. */
int parse_guest_id(const SettingDef *def _unused_, const char *value, void *dest) {
        unsigned id;

        if (isempty(value)) {
                *(GuestId *) dest = (GuestId) {};
                return 0;
        }
        if (safe_atou(value, &id) < 0 || id == UINT32_MAX)
                return -EINVAL;
        *(GuestId *) dest = (GuestId) { .set = true, .id = id };
        return 0;
}

int format_guest_id(const void *src, char **ret) {
        const GuestId *g = src;

        if (!g->set)
                return (*ret = strdup("")) ? 0 : -ENOMEM;
        return asprintf(ret, "%" PRIu32, g->id) < 0 ? -ENOMEM : 0;
}

/* lxc.init.groups: group ids separated by commas, each line adding to the list as in LXC; empty
 * clears it. */
int parse_guest_groups(const SettingDef *def _unused_, const char *value, void *dest) {
        GuestGroups *g = dest, new = *g;
        _cleanup_free_ char *copy = strdup(value);
        char *save = NULL;
        unsigned id;

        if (!copy)
                return -ENOMEM;
        if (isempty(value)) {
                *g = (GuestGroups) {};
                return 0;
        }
        for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
                if (safe_atou(w, &id) < 0 || id == UINT32_MAX)
                        return -EINVAL;
                if (new.n >= INIT_GROUPS_MAX)
                        return -E2BIG;
                new.ids[new.n++] = id;
        }
        if (new.n == g->n)
                return -EINVAL;
        *g = new;
        return 0;
}

int format_guest_groups(const void *src, char **ret) {
        const GuestGroups *g = src;
        char *s = strdup("");

        for (unsigned i = 0; s && i < g->n; i++) {
                char *t = NULL;

                if (asprintf(&t, "%s%s%" PRIu32, s, i ? "," : "", g->ids[i]) < 0)
                        t = NULL;
                free(s);
                s = t;
        }
        *ret = s;
        return s ? 0 : -ENOMEM;
}

/* lxc.autodev.tmpfs.size: bytes (LXC) or with K, M, G; at least a page, as a tmpfs size of 0
 * would be no limit at all. Empty: nsboot's default. */
int parse_dev_size(const SettingDef *def _unused_, const char *value, void *dest) {
        uint64_t v;

        if (isempty(value)) {
                *(uint64_t *) dest = 0;
                return 0;
        }
        if (limit_parse_size(value, &v) < 0 || v == UINT64_MAX || v < 4096 || v > (UINT64_C(1) << 40))
                return -EINVAL;
        *(uint64_t *) dest = v;
        return 0;
}
