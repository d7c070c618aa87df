/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "image-policy.h"

static const char *const designator_table[_PARTITION_DESIGNATOR_MAX] = {
        [PARTITION_ROOT] = "root",
        [PARTITION_USR] = "usr",
        [PARTITION_HOME] = "home",
        [PARTITION_SRV] = "srv",
        [PARTITION_VAR] = "var",
        [PARTITION_TMP] = "tmp",
};

DEFINE_STRING_TABLE_LOOKUP(partition_designator, PartitionDesignator, designator_table, _PARTITION_DESIGNATOR_MAX);

static const char *const mount_point_table[_PARTITION_DESIGNATOR_MAX] = {
        [PARTITION_ROOT] = "/",
        [PARTITION_USR] = "/usr",
        [PARTITION_HOME] = "/home",
        [PARTITION_SRV] = "/srv",
        [PARTITION_VAR] = "/var",
        [PARTITION_TMP] = "/var/tmp",
};

const char *partition_designator_mount_point(PartitionDesignator d) {
        return d >= 0 && d < _PARTITION_DESIGNATOR_MAX ? mount_point_table[d] : NULL;
}

/* Designators systemd knows that nsboot never mounts: accepted so that a policy written for
 * systemd-nspawn works here, and otherwise ignored. */
static const char *const other_designators[] = {
        "esp", "xbootldr", "swap", "root-verity", "root-verity-sig", "usr-verity", "usr-verity-sig",
};

static int parse_flag(const char *f) {
        static const struct {
                const char *name;
                int flags;
        } table[] = {
                { "unprotected", PARTITION_POLICY_USE },
                { "open", PARTITION_POLICY_USE | PARTITION_POLICY_PROTECTED },
                { "verity", PARTITION_POLICY_PROTECTED },
                { "signed", PARTITION_POLICY_PROTECTED },
                { "encrypted", PARTITION_POLICY_PROTECTED },
                { "unused", PARTITION_POLICY_UNUSED },
                { "absent", PARTITION_POLICY_ABSENT },
                { "ignore", PARTITION_POLICY_UNUSED | PARTITION_POLICY_ABSENT },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(f, table[i].name))
                        return table[i].flags;
        return -EINVAL;
}

/* "unprotected+absent" -> flags. */
static int parse_flags(char *s) {
        int flags = 0;

        for (char *f; (f = strsep(&s, "+"));) {
                int v = parse_flag(f);

                if (v < 0)
                        return v;
                flags |= v;
        }
        return flags == 0 ? -EINVAL : flags;
}

static bool is_other_designator(const char *d) {
        for (size_t i = 0; i < ELEMENTSOF(other_designators); i++)
                if (streq(d, other_designators[i]))
                        return true;
        return false;
}

static void policy_fill(ImagePolicy *p, int flags) {
        for (size_t i = 0; i < _PARTITION_DESIGNATOR_MAX; i++)
                p->flags[i] = (uint8_t) flags;
}

/* One "designator=flags" (or "=flags", the default for all partitions not named) item. */
static int parse_item(char *item, ImagePolicy *p, bool seen[static _PARTITION_DESIGNATOR_MAX]) {
        char *eq = strchr(item, '=');
        PartitionDesignator d;
        int flags;

        if (!eq)
                return -EINVAL;
        *eq = 0;
        flags = parse_flags(eq + 1);
        if (flags < 0)
                return flags;
        if (!*item) {
                for (size_t i = 0; i < _PARTITION_DESIGNATOR_MAX; i++)
                        if (!seen[i])
                                p->flags[i] = (uint8_t) flags;
                return 0;
        }
        if (is_other_designator(item))
                return 0;
        d = partition_designator_from_string(item);
        if (d < 0 || seen[d])
                return -EINVAL;
        seen[d] = true;
        p->flags[d] = (uint8_t) flags;
        return 0;
}

int image_policy_from_string(const char *s, ImagePolicy *ret) {
        bool seen[_PARTITION_DESIGNATOR_MAX] = {};
        _cleanup_free_ char *copy = NULL;
        ImagePolicy p;

        policy_fill(&p, PARTITION_POLICY_ALL);
        if (isempty(s) || streq(s, "*")) {
                *ret = p;
                return 0;
        }
        if (streq(s, "-") || streq(s, "~")) {
                policy_fill(&p, streq(s, "-") ? PARTITION_POLICY_UNUSED | PARTITION_POLICY_ABSENT
                                              : PARTITION_POLICY_ABSENT);
                *ret = p;
                return 0;
        }
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        for (char *rest = copy, *item; (item = strsep(&rest, ":"));) {
                int r = parse_item(item, &p, seen);

                if (r < 0)
                        return r;
        }
        *ret = p;
        return 0;
}
