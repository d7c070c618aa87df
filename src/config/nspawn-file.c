/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "nspawn-file.h"
#include "settings-parse.h"

#define SECTION_MAX 32

typedef enum NspawnKeyFlags {
        NSPAWN_SPLIT = 1 << 0,          /* a blank-separated list: one nsboot assignment an item */
        NSPAWN_BOOL_TO_CHOWN = 1 << 1,  /* PrivateUsersChown=yes|no: ownership chown or off */
        NSPAWN_WORDS = 1 << 2,          /* a list of words, '...' and "..." quoting: one assignment a word */
} NspawnKeyFlags;

typedef struct NspawnKey {
        const char *section, *key;
        const char *nsboot;             /* the nsboot key of the same meaning */
        NspawnKeyFlags flags;
} NspawnKey;

/* Every setting of systemd.nspawn(5) up to systemd 257 (and NamespacePath= of 259). */
static const NspawnKey table[] = {
        { "Exec",    "Boot",                  "nsboot.boot"                    },
        { "Exec",    "Ephemeral",             "nsboot.ephemeral"               },
        { "Exec",    "ProcessTwo",            "nsboot.as-pid2"                 },
        { "Exec",    "Parameters",            "nsboot.parameters"              },
        { "Exec",    "Environment",           "nsboot.setenv",                  NSPAWN_WORDS },
        { "Exec",    "User",                  "nsboot.user"                    },
        { "Exec",    "WorkingDirectory",      "nsboot.chdir"                   },
        { "Exec",    "PivotRoot",             "nsboot.pivot-root"              },
        { "Exec",    "Capability",            "nsboot.capability"              },
        { "Exec",    "DropCapability",        "nsboot.drop-capability"         },
        { "Exec",    "AmbientCapability",     "nsboot.ambient-capability"      },
        { "Exec",    "NoNewPrivileges",       "nsboot.no-new-privileges"       },
        { "Exec",    "KillSignal",            "nsboot.kill-signal"             },
        { "Exec",    "Personality",           "nsboot.personality"             },
        { "Exec",    "MachineID",             "nsboot.uuid"                    },
        { "Exec",    "PrivateUsers",          "nsboot.private-users"           },
        { "Exec",    "NotifyReady",           "nsboot.notify-ready"            },
        { "Exec",    "SystemCallFilter",      "nsboot.system-call-filter"      },
        { "Exec",    "OOMScoreAdjust",        "nsboot.oom-score-adjust"        },
        { "Exec",    "CPUAffinity",           "nsboot.cpu-affinity"            },
        { "Exec",    "Hostname",              "nsboot.hostname"                },
        { "Exec",    "ResolvConf",            "nsboot.resolv-conf"             },
        { "Exec",    "Timezone",              "nsboot.timezone"                },
        { "Exec",    "LinkJournal",           "nsboot.link-journal"            },
        { "Exec",    "SuppressSync",          "nsboot.suppress-sync"           },
        { "Exec",    "SetCredential",         "nsboot.set-credential"          },
        { "Exec",    "LoadCredential",        "nsboot.load-credential"         },
        { "Files",   "ReadOnly",              "nsboot.read-only"               },
        { "Files",   "Volatile",              "nsboot.volatile"                },
        { "Files",   "Bind",                  "nsboot.bind"                    },
        { "Files",   "BindReadOnly",          "nsboot.bind-ro"                 },
        { "Files",   "BindUser",              "nsboot.bind-user",               NSPAWN_SPLIT },
        { "Files",   "BindUserShell",         "nsboot.bind-user-shell"         },
        { "Files",   "TemporaryFileSystem",   "nsboot.tmpfs"                   },
        { "Files",   "Inaccessible",          "nsboot.proc.hide"               },
        { "Files",   "Overlay",               "nsboot.overlay"                 },
        { "Files",   "OverlayReadOnly",       "nsboot.overlay-ro"              },
        { "Files",   "PrivateUsersOwnership", "nsboot.private-users-ownership" },
        { "Files",   "PrivateUsersChown",     "nsboot.private-users-ownership", NSPAWN_BOOL_TO_CHOWN },
        { "Network", "Private",               "nsboot.private-network"         },
        { "Network", "VirtualEthernet",       "nsboot.network-veth"            },
        { "Network", "VirtualEthernetExtra",  "nsboot.network-veth-extra"      },
        { "Network", "Interface",             "nsboot.network-interface",       NSPAWN_SPLIT },
        { "Network", "MACVLAN",               "nsboot.network-macvlan",         NSPAWN_SPLIT },
        { "Network", "IPVLAN",                "nsboot.network-ipvlan",          NSPAWN_SPLIT },
        { "Network", "Bridge",                "nsboot.network-bridge"          },
        { "Network", "Zone",                  "nsboot.network-zone"            },
        { "Network", "Port",                  "nsboot.port"                    },
        { "Network", "NamespacePath",         "nsboot.network-namespace-path"  },
};

bool nspawn_file_is(const char *path) {
        size_t n = strlen(path);

        return n > strlen(".nspawn") && streq(path + n - strlen(".nspawn"), ".nspawn");
}

/* LimitNOFILE=1024 is nsboot.rlimit = nofile=1024. */
static int add_limit(ConfigFile *cf, const char *path, unsigned line, const char *name, const char *value) {
        char assignment[64 + CONFIG_MAX_LINE];
        size_t i;

        for (i = 0; name[i] && i < 32; i++)
                assignment[i] = (char) (name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
        snprintf(assignment + i, sizeof assignment - i, "=%s", value);
        return config_file_add(cf, path, line, "nsboot.rlimit", assignment);
}

static int add_setting(ConfigFile *cf, const char *path, unsigned line, const NspawnKey *k, char *value) {
        char *save = NULL;
        int r;

        if (k->flags & NSPAWN_BOOL_TO_CHOWN) {
                if (streq(value, "yes") || streq(value, "true") || streq(value, "1") || streq(value, "on"))
                        return config_file_add(cf, path, line, k->nsboot, "chown");
                if (streq(value, "no") || streq(value, "false") || streq(value, "0") || streq(value, "off"))
                        return config_file_add(cf, path, line, k->nsboot, "off");
                return config_file_error(cf, path, line, k->key, "invalid value '%s' (expected yes or no)", value);
        }
        /* Environment=A=1 "B=two words", as systemd-nspawn splits it */
        if (k->flags & NSPAWN_WORDS && *value) {
                _cleanup_strv_free_ char **words = NULL;

                r = parse_command_line(NULL, value, &words);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return config_file_error(cf, path, line, k->key, "unbalanced quotes in '%s'", value);
                STRV_FOREACH(w, words) {
                        r = config_file_add(cf, path, line, k->nsboot, *w);
                        if (r < 0)
                                return r;
                }
                return 0;
        }
        if (!(k->flags & NSPAWN_SPLIT) || !*value)
                return config_file_add(cf, path, line, k->nsboot, value);
        for (char *w = strtok_r(value, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
                r = config_file_add(cf, path, line, k->nsboot, w);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* userdata: the current section's name, SECTION_MAX bytes. */
static int read_line(ConfigFile *cf, const char *path, unsigned line, char *text, void *userdata) {
        char *section = userdata;
        const size_t size = SECTION_MAX;
        char *l = strstrip(text), *eq, *key, *value;
        const char *limit;

        if (!*l || *l == '#' || *l == ';')
                return 0;
        if (*l == '[') {
                size_t n = strlen(l);

                if (l[n - 1] != ']' || n - 2 >= size || n < 3) {
                        *section = 0;
                        return config_file_error(cf, path, line, NULL, "bad section header");
                }
                memcpy(section, l + 1, n - 2);
                section[n - 2] = 0;
                if (!streq(section, "Exec") && !streq(section, "Files") && !streq(section, "Network"))
                        return config_file_error(cf, path, line, NULL, "unknown section [%s] (expected [Exec], [Files] "
                                                 "or [Network])", section);
                return 0;
        }
        eq = strchr(l, '=');
        if (!eq)
                return config_file_error(cf, path, line, NULL, "expected 'Key=Value'");
        if (!*section)
                return config_file_error(cf, path, line, NULL, "a setting outside [Exec], [Files] or [Network]");
        *eq = 0;
        key = strstrip(l);
        value = strstrip(eq + 1);
        limit = startswith(key, "Limit");
        if (limit && *limit && streq(section, "Exec"))
                return add_limit(cf, path, line, limit, value);
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                if (!streq(section, table[i].section) || !streq(key, table[i].key))
                        continue;
                return add_setting(cf, path, line, &table[i], value);
        }
        return config_file_error(cf, path, line, NULL, "[%s] %s=: unknown setting", section, key);
}

int nspawn_file_read(ConfigFile *cf, const char *path) {
        _cleanup_(fclosep) FILE *f = NULL;
        char section[SECTION_MAX] = "";
        int r;

        r = config_file_open(cf, path, &f);
        if (r <= 0)
                return r;
        return config_file_read_lines(cf, f, path, read_line, section);
}
