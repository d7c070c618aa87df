/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl convert-nspawn FILE: a systemd.nspawn(5) file as nsboot config lines, on standard
 * output, for /etc/nsboot/NAME.conf. Settings without an equivalent are named on standard error
 * as FILE:LINE and left out; the exit status is then 1, so that nothing goes unnoticed. */
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "log.h"

typedef struct NspawnKey {
        const char *section, *key;
        const char *nsboot;     /* the nsboot key; NULL: none */
        const char *prefix;     /* put before the value ("nofile=" for LimitNOFILE=) */
} NspawnKey;

static const NspawnKey table[] = {
        { "Exec",    "Boot",                  "nsboot.boot"                      },
        { "Exec",    "ProcessTwo",            "nsboot.as-pid2"                   },
        { "Exec",    "Environment",           "nsboot.setenv"                    },
        { "Exec",    "User",                  "nsboot.user"                      },
        { "Exec",    "WorkingDirectory",      "nsboot.chdir"                     },
        { "Exec",    "Capability",            "nsboot.capability"                },
        { "Exec",    "DropCapability",        "nsboot.drop-capability"           },
        { "Exec",    "KillSignal",            "nsboot.kill-signal"               },
        { "Exec",    "Hostname",              "nsboot.hostname"                  },
        { "Exec",    "NotifyReady",           "nsboot.notify-ready"              },
        { "Exec",    "PrivateUsers",          "nsboot.private-users"             },
        { "Files",   "PrivateUsersOwnership", "nsboot.private-users-ownership"   },
        { "Files",   "Bind",                  "nsboot.bind"                      },
        { "Files",   "BindReadOnly",          "nsboot.bind-ro"                   },
        { "Files",   "TemporaryFileSystem",   "nsboot.tmpfs"                     },
        { "Network", "Private",               "nsboot.private-network"           },
        { "Network", "VirtualEthernet",       "nsboot.network-veth"              },
        { "Network", "VirtualEthernetExtra",  "nsboot.network-veth-extra"        },
        { "Network", "Interface",             "nsboot.network-interface"         },
        { "Network", "MACVLAN",               "nsboot.network-macvlan"           },
        { "Network", "IPVLAN",                "nsboot.network-ipvlan"            },
        { "Network", "Bridge",                "nsboot.network-bridge"            },
        { "Network", "Zone",                  "nsboot.network-zone"              },
        { "Network", "Port",                  "nsboot.port"                      },
};

/* Interface=, MACVLAN=, IPVLAN= are space-separated lists in .nspawn files, one item per key here. */
static bool is_list(const char *key) {
        return streq(key, "Interface") || streq(key, "MACVLAN") || streq(key, "IPVLAN");
}

static void emit(const char *nsboot_key, const char *prefix, char *value, bool list) {
        char *save = NULL, *item;

        if (!list) {
                printf("%s = %s%s\n", nsboot_key, prefix, value);
                return;
        }
        for (item = strtok_r(value, " \t", &save); item; item = strtok_r(NULL, " \t", &save))
                printf("%s = %s\n", nsboot_key, item);
}

/* One "Key=Value" line of section; false when it has no equivalent. */
static bool convert_line(const char *section, char *key, char *value) {
        const char *limit = startswith(key, "Limit");

        if (limit && streq(section, "Exec") && *limit) {
                char name[32];
                size_t i;

                for (i = 0; limit[i] && i < sizeof name - 2; i++)
                        name[i] = (char) (limit[i] >= 'A' && limit[i] <= 'Z' ? limit[i] - 'A' + 'a' : limit[i]);
                name[i] = '=';
                name[i + 1] = 0;
                emit("nsboot.rlimit", name, value, false);
                return true;
        }
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(section, table[i].section) && streq(key, table[i].key)) {
                        emit(table[i].nsboot, "", value, is_list(key));
                        return true;
                }
        return false;
}

int verb_convert_nspawn(const CtlArgs *a) {
        const char *path = a->args[1];
        _cleanup_(fclosep) FILE *f = fopen(path, "re");
        char line[4096], section[32] = "";
        unsigned n = 0, missed = 0;

        if (!f)
                return log_error_errno(errno, "Failed to open '%s': %m", path);
        printf("# Converted from %s by nsbootctl convert-nspawn; see nsboot.conf(5)\n", path);
        while (fgets(line, sizeof line, f)) {
                char *l = strstrip(line), *eq;

                n++;
                if (!*l || *l == '#' || *l == ';')
                        continue;
                if (*l == '[') {
                        if (sscanf(l, "[%31[^]]]", section) != 1)
                                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s:%u: bad section header", path, n);
                        continue;
                }
                eq = strchr(l, '=');
                if (!eq || !*section)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s:%u: expected KEY=VALUE in a section", path, n);
                *eq = 0;
                if (!convert_line(section, strstrip(l), strstrip(eq + 1))) {
                        log_warning("%s:%u: %s.%s has no nsboot equivalent, left out", path, n, section, strstrip(l));
                        missed++;
                }
        }
        return missed > 0 ? -EOPNOTSUPP : 0;
}
