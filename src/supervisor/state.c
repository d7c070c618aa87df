/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "log.h"
#include "state.h"
#include "tree.h"

void machine_state_done(MachineState *m) {
        free(m->name);
        free(m->state);
        free(m->init);
        free(m->tree);
        free(m->cgroup);
        free(m->addresses);
        free(m->control);
        *m = (MachineState) {};
}

static char *state_path(const char *name) {
        char *p;

        return asprintf(&p, STATE_DIR "/%s" STATE_SUFFIX, name) < 0 ? NULL : p;
}

char *machine_control_path(const char *name) {
        char *p;

        return asprintf(&p, CONTROL_DIR "/%s.sock", name) < 0 ? NULL : p;
}

/* Values are single lines: a newline in a tree path must not forge another key. */
static const char *one_line(const char *s) {
        return s && !strchr(s, '\n') ? s : "";
}

int machine_state_write(const MachineState *m) {
        _cleanup_free_ char *path = state_path(m->name), *tmp = NULL, *text = NULL;

        /* A dot file: never a machine name, so the list skips a half-written one. */
        if (!path || asprintf(&tmp, STATE_DIR "/.%s" STATE_SUFFIX ".tmp", m->name) < 0)
                return -ENOMEM;
        if (asprintf(&text,
                     "NAME=%s\nSTATE=%s\nLEADER=%d\nSUPERVISOR=%d\nINIT=%s\nTREE=%s\nCGROUP=%s\n"
                     "ADDRESSES=%s\nSTART=%llu\nUID_BASE=%llu\nCONTROL=%s\n",
                     m->name, one_line(m->state), (int) m->leader, (int) m->supervisor, one_line(m->init),
                     one_line(m->tree), one_line(m->cgroup), one_line(m->addresses),
                     (unsigned long long) m->start_usec, (unsigned long long) m->uid_base,
                     one_line(m->control)) < 0)
                return -ENOMEM;
        return write_file_atomic(STATE_DIR, path, tmp, text, 0644);
}

static int assign(MachineState *m, const char *key, const char *value) {
        static const struct {
                const char *key;
                size_t offset;
        } strings[] = {
                { "NAME",      offsetof(MachineState, name) },
                { "STATE",     offsetof(MachineState, state) },
                { "INIT",      offsetof(MachineState, init) },
                { "TREE",      offsetof(MachineState, tree) },
                { "CGROUP",    offsetof(MachineState, cgroup) },
                { "ADDRESSES", offsetof(MachineState, addresses) },
                { "CONTROL",   offsetof(MachineState, control) },
        };
        uint64_t u;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(strings); i++)
                if (streq(key, strings[i].key)) {
                        char **field = (char **) ((char *) m + strings[i].offset);

                        free(*field);
                        *field = strdup(value);
                        return *field ? 0 : -ENOMEM;
                }
        if (streq(key, "LEADER") || streq(key, "SUPERVISOR")) {
                int pid;

                r = safe_atoi(value, &pid);
                if (r < 0 || pid <= 0)
                        return -EBADMSG;
                *(streq(key, "LEADER") ? &m->leader : &m->supervisor) = pid;
                return 0;
        }
        if (streq(key, "START") || streq(key, "UID_BASE")) {
                r = safe_atou64(value, &u);
                if (r < 0)
                        return -EBADMSG;
                *(streq(key, "START") ? &m->start_usec : &m->uid_base) = u;
        }
        return 0; /* keys of later versions are ignored */
}

int machine_state_read(const char *name, MachineState *ret) {
        _cleanup_free_ char *path = state_path(name), *text = NULL;
        MachineState m = {};
        char *line, *save = NULL;
        int r;

        if (!path)
                return -ENOMEM;
        r = read_full_file(path, &text, NULL);
        if (r < 0)
                return r;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *eq = strchr(line, '=');

                if (!eq)
                        continue;
                *eq = 0;
                r = assign(&m, line, eq + 1);
                if (r < 0) {
                        machine_state_done(&m);
                        return r;
                }
        }
        if (!m.name || !streq(m.name, name) || m.leader <= 0 || m.supervisor <= 0) {
                machine_state_done(&m);
                return -EBADMSG;
        }
        *ret = m;
        return 0;
}

void machine_state_remove(const char *name) {
        _cleanup_free_ char *path = state_path(name), *control = machine_control_path(name);

        if (path)
                (void) unlink(path);
        if (control)
                (void) unlink(control);
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The machine names of the files NAME+suffix in STATE_DIR, or of every NAME.SUFFIX with suffix NULL;
 * sorted, once each. */
static int list_names(const char *suffix, char ***ret) {
        _cleanup_(closedirp) DIR *d = opendir(STATE_DIR);
        _cleanup_strv_free_ char **names = NULL;
        struct dirent *de;
        int r;

        if (!d && errno != ENOENT)
                return -errno;
        while (d && (de = readdir(d))) {
                const char *end = suffix ? endswith(de->d_name, suffix) : strrchr(de->d_name, '.');
                _cleanup_free_ char *name = NULL;

                if (!end || end == de->d_name)
                        continue;
                name = strndup(de->d_name, (size_t) (end - de->d_name));
                if (!name)
                        return -ENOMEM;
                /* Dot files (a state being written) and other names nsboot refuses are no machine's. */
                if (!machine_name_is_valid(name) || strv_contains(names, name))
                        continue;
                r = strv_consume(&names, TAKE_PTR(name));
                if (r < 0)
                        return r;
        }
        if (names)
                qsort(names, strv_length(names), sizeof(char *), compare_strings);
        *ret = TAKE_PTR(names);
        return 0;
}

int machine_state_list(char ***ret) {
        return list_names(STATE_SUFFIX, ret);
}

int machine_record_list(char ***ret) {
        return list_names(NULL, ret);
}

void machine_state_repair(void) {
        _cleanup_strv_free_ char **names = NULL;

        if (machine_state_list(&names) < 0)
                return;
        STRV_FOREACH(name, names) {
                MachineState m;
                int r = machine_state_read(*name, &m);

                if (r == -EBADMSG || (r >= 0 && !machine_state_is_live(&m))) {
                        log_debug("Removing the state of machine '%s', whose nsboot is gone", *name);
                        machine_state_remove(*name);
                }
                if (r >= 0)
                        machine_state_done(&m);
        }
}

bool machine_state_is_live(const MachineState *m) {
        char path[64], *text = NULL;
        bool live;

        /* The leader must still be the supervisor's child: a reused PID is not. */
        snprintf(path, sizeof path, "/proc/%d/stat", (int) m->leader);
        if (read_one_line(path, &text) < 0)
                return kill(m->supervisor, 0) >= 0;
        {
                const char *p = strrchr(text, ')');
                int ppid;

                live = p && sscanf(p, ") %*c %d", &ppid) == 1 && ppid == m->supervisor;
        }
        free(text);
        return live;
}

static int join_addresses(const Settings *s, char **ret) {
        _cleanup_free_ char *out = strdup("");

        for (size_t i = 0; out && i < s->netdevs.n; i++) {
                char **lists[] = { s->netdevs.items[i].ipv4, s->netdevs.items[i].ipv6 };

                for (size_t k = 0; out && k < ELEMENTSOF(lists); k++)
                        STRV_FOREACH(a, lists[k]) {
                                char *n;

                                if (asprintf(&n, "%s%s%s", out, *out ? " " : "", *a) < 0)
                                        return -ENOMEM;
                                free(out);
                                out = n;
                        }
        }
        if (!out)
                return -ENOMEM;
        *ret = TAKE_PTR(out);
        return 0;
}

const char *machine_init_kind(const Settings *s, const char *init) {
        _cleanup_close_ int root = -EBADF;

        if (!s->boot || !init)
                return "command";
        root = open(s->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        /* init is a path of the guest's root: with --pivot-root, a directory of the tree. */
        if (root >= 0 && s->pivot_root) {
                int sub = tree_open(root, s->pivot_root, O_PATH | O_DIRECTORY | O_CLOEXEC);

                safe_close(root);
                root = sub;
        }
        if (root < 0)
                return "other";
        switch (tree_init_kind(root, init)) {
        case TREE_INIT_SYSTEMD:
                return "systemd";
        case TREE_INIT_BUSYBOX:
                return "busybox";
        default:
                return "other";
        }
}

int machine_state_publish(const Settings *s, const char *init, pid_t leader, const char *cgroup,
                          uint64_t uid_base, const char *state) {
        _cleanup_free_ char *addresses = NULL, *control = machine_control_path(s->machine);
        struct timespec ts;
        MachineState m;
        int r;

        if (!control || join_addresses(s, &addresses) < 0)
                return log_oom();
        clock_gettime(CLOCK_REALTIME, &ts);
        m = (MachineState) {
                .name = s->machine, .state = (char *) state, .leader = leader, .supervisor = getpid(),
                .init = (char *) machine_init_kind(s, init), .tree = s->directory, .cgroup = (char *) cgroup,
                .addresses = addresses, .uid_base = uid_base, .control = control,
                .start_usec = (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000,
        };
        r = machine_state_write(&m);
        if (r < 0)
                return log_warning_errno(r, "Failed to write the machine's state to %s/%s, ignoring: %m",
                                         STATE_DIR, s->machine);
        return 0;
}

int machine_state_set_state(const char *name, const char *state) {
        MachineState m;
        char *old;
        int r;

        r = machine_state_read(name, &m);
        if (r < 0)
                return r;
        old = m.state;
        m.state = (char *) state;
        r = machine_state_write(&m);
        m.state = old;
        machine_state_done(&m);
        return r;
}
