/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machines defined on this host, running or not (lxc-ls, vzlist -a, machinectl list-images):
 * a config file in /etc/nsboot or /run/nsboot, an LXC container in /var/lib/lxc, a .nspawn file, a
 * tree or disk image in a machine directory. nsbootctl images lists them with their tree or image;
 * nsbootctl list --all adds the stopped ones to the running. */
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#include "basic/strv.h"
#include "config.h"
#include "ctl.h"
#include "log.h"
#include "settings.h"

/* Where machines are found besides nsboot's own configs (config_list_machines()): NAME plus suffix
 * in one of dirs, a file, or a directory (with suffix inside it, or none: a tree). */
static const char *const lxc_dirs[] = { LXC_PATH }, *const nspawn_dirs[] = { NSPAWN_DIRS },
                         *const machine_dirs[] = { MACHINE_DIRS };
static const struct {
        const char *const *dirs;
        size_t n_dirs;
        const char *suffix;
        mode_t type;            /* S_IFREG: a file NAME+suffix; S_IFDIR: a directory NAME (+suffix inside) */
} sources[] = {
        { lxc_dirs, ELEMENTSOF(lxc_dirs), "/config", S_IFDIR },
        { nspawn_dirs, ELEMENTSOF(nspawn_dirs), ".nspawn", S_IFREG },
        { machine_dirs, ELEMENTSOF(machine_dirs), "", S_IFDIR },
        { machine_dirs, ELEMENTSOF(machine_dirs), ".raw", S_IFREG },
};

void ctl_defined_done(DefinedMachine *d) {
        free(d->name);
        free(d->path);
        free(d->config);
        *d = (DefinedMachine) {};
}

void ctl_defined_free(DefinedMachine *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                ctl_defined_done(&l[i]);
        free(l);
}

/* Whether path is a config file: a regular one, or a symlink to one (root's, followed as nsboot -M
 * and the start at boot follow it). */
static bool config_ok(const char *path) {
        struct stat st;

        return stat(path, &st) >= 0 && S_ISREG(st.st_mode);
}

/* Whether path (of source i) is a machine's. A symlink in a machine directory is not a machine
 * (nsboot -M would follow it, but a listing has no reason to). */
static bool source_entry_ok(size_t i, const char *path) {
        struct stat st;

        if (sources[i].dirs != machine_dirs)
                return config_ok(path);
        if (lstat(path, &st) < 0)
                return false;
        if (sources[i].type == S_IFREG)
                return S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
        return S_ISDIR(st.st_mode);
}

/* The names in one directory of a source: its entries of the right kind, valid machine names, once
 * each. */
static int source_names(size_t i, const char *dir, char ***names) {
        _cleanup_(closedirp) DIR *d = opendir(dir);
        size_t slen = strlen(sources[i].suffix);

        if (!d)
                return 0;
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_free_ char *name = NULL, *p = NULL;
                size_t len = strlen(de->d_name);

                if (sources[i].type == S_IFREG) {
                        if (len <= slen || !streq(de->d_name + len - slen, sources[i].suffix))
                                continue;
                        name = strndup(de->d_name, len - slen);
                } else
                        name = strdup(de->d_name);
                if (!name)
                        return -ENOMEM;
                if (!machine_name_is_valid(name) || strv_contains(*names, name))
                        continue;
                if (asprintf(&p, "%s/%s%s", dir, sources[i].type == S_IFREG ? de->d_name : name,
                             sources[i].type == S_IFDIR ? sources[i].suffix : "") < 0)
                        return -ENOMEM;
                if (!source_entry_ok(i, p))
                        continue;
                if (strv_consume(names, TAKE_PTR(name)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* The machines of nsboot's own configs, each config the one nsboot -M takes for its name. */
static int config_names(char ***names) {
        _cleanup_strv_free_ char **n = NULL, **p = NULL;
        int r;

        r = config_list_machines(&n, &p);
        for (size_t i = 0; r >= 0 && n && n[i]; i++)
                if (config_ok(p[i]))
                        r = strv_extend(names, n[i]);
        return r;
}

bool ctl_config_is_own(const char *path) {
        _cleanup_strv_free_ char **dirs = NULL;

        if (config_search_dirs(&dirs) < 0)
                return false;
        STRV_FOREACH(dir, dirs) {
                const char *rest = startswith(path, *dir);

                if (rest && *rest == '/' && !strchr(rest + 1, '/'))
                        return true;
        }
        return false;
}

/* The tree or image that nsboot -M NAME would boot: its config's, else the one in a machine
 * directory. */
static int machine_paths(const char *name, char **ret_path, char **ret_config, bool *ret_autostart) {
        _cleanup_(settings_freep) Settings *s = settings_new();
        _cleanup_free_ char *found = NULL;
        bool trusted, loaded;
        int r;

        if (!s)
                return -ENOMEM;
        r = settings_find_machine(name, true, &found, NULL);
        if (r == -ENOMEM)
                return r;
        r = config_find(name, found, ret_config, &trusted);
        if (r < 0)
                return r;
        /* A config with errors still lists the machine: nsboot -M says what is wrong. Only nsboot's
         * own configs start machines at boot (nsboot-generator, autostart). */
        loaded = *ret_config && config_load(s, *ret_config, trusted) >= 0;
        *ret_autostart = loaded && s->start_auto && ctl_config_is_own(*ret_config);
        if (loaded && (s->image || s->directory)) {
                *ret_path = strdup(s->image ?: s->directory);
                return *ret_path ? 0 : -ENOMEM;
        }
        *ret_path = TAKE_PTR(found);
        return 0;
}

int ctl_defined_machine(const char *name, DefinedMachine *ret) {
        int level = log_get_max_level(), r;

        *ret = (DefinedMachine) { .name = strdup(name) };
        if (!ret->name)
                return log_oom();
        log_set_max_level(LOG_ERR);
        r = machine_paths(name, &ret->path, &ret->config, &ret->autostart);
        log_set_max_level(level);
        if (r >= 0 && !ret->path && !ret->config)
                r = -ENOENT;
        if (r < 0)
                ctl_defined_done(ret);
        return r == -ENOENT ? r : r < 0 ? log_error_errno(r, "Failed to look up machine '%s': %m", name) : 0;
}

static int compare_defined(const void *a, const void *b) {
        return strcmp(((const DefinedMachine *) a)->name, ((const DefinedMachine *) b)->name);
}

int ctl_defined_machines(DefinedMachine **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **names = NULL;
        DefinedMachine *l;
        size_t n;
        int level = log_get_max_level(), r;

        r = config_names(&names);
        for (size_t i = 0; i < ELEMENTSOF(sources) && r >= 0; i++)
                for (size_t j = 0; j < sources[i].n_dirs && r >= 0; j++)
                        r = source_names(i, sources[i].dirs[j], &names);
        if (r < 0)
                return log_oom();
        n = strv_length(names);
        l = calloc(n + 1, sizeof *l);
        if (!l)
                return log_oom();
        /* config_find() says which foreign config it takes: not in a listing. */
        log_set_max_level(LOG_ERR);
        /* All names first: strv_free() of names would stop at the first one taken. */
        for (size_t i = 0; i < n; i++)
                l[i].name = TAKE_PTR(names[i]);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = machine_paths(l[i].name, &l[i].path, &l[i].config, &l[i].autostart);
        log_set_max_level(level);
        if (r < 0) {
                ctl_defined_free(l, n);
                return log_error_errno(r, "Failed to look up the machines: %m");
        }
        qsort(l, n, sizeof *l, compare_defined);
        *ret = l;
        *ret_n = n;
        return 0;
}

void ctl_image_info(const char *path, ImageInfo *ret) {
        _cleanup_close_ int fd = -EBADF;
        struct statfs sfs;
        struct stat st;
        int flags = 0;

        *ret = (ImageInfo) { .type = "-", .usage = UINT64_MAX };
        if (!path || lstat(path, &st) < 0)
                return;
        ret->mtime = st.st_mtime;
        if (S_ISDIR(st.st_mode))
                ret->type = statfs(path, &sfs) >= 0 && sfs.f_type == BTRFS_SUPER_MAGIC && st.st_ino == 256
                                    ? "subvolume"
                                    : "directory";
        else if (S_ISREG(st.st_mode)) {
                ret->type = "raw";
                ret->usage = (uint64_t) st.st_blocks * 512;
                ret->read_only = !(st.st_mode & 0222);
        } else if (S_ISBLK(st.st_mode))
                ret->type = "block";
        else
                return;
        if (S_ISBLK(st.st_mode))
                return; /* never opened: a listing has no business with a device */
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
        if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) >= 0 && (flags & FS_IMMUTABLE_FL))
                ret->read_only = true;
}

static void json_string_or_null(const char *s) {
        if (s)
                json_string(stdout, s);
        else
                printf("null");
}

const char *ctl_format_mtime(time_t t, char buf[static 32]) {
        struct tm tm;

        if (t == 0 || !localtime_r(&t, &tm) || strftime(buf, 32, "%Y-%m-%d %H:%M", &tm) == 0)
                return "-";
        return buf;
}

int verb_images(const CtlArgs *a) {
        _cleanup_free_ ImageInfo *info = NULL;
        DefinedMachine *l;
        size_t n;
        int w_name = 4, w_type = 4, r;

        r = ctl_defined_machines(&l, &n);
        if (r < 0)
                return r;
        info = calloc(n + 1, sizeof *info);
        if (!info) {
                ctl_defined_free(l, n);
                return log_oom();
        }
        for (size_t i = 0; i < n; i++) {
                ctl_image_info(l[i].path, &info[i]);
                w_name = MAX(w_name, (int) strlen(l[i].name));
                w_type = MAX(w_type, (int) strlen(info[i].type));
        }
        if (a->json)
                printf("[");
        else
                printf("%-*s %-*s %-3s %8s %-16s %s\n", w_name, "NAME", w_type, "TYPE", "RO", "USAGE", "MODIFIED",
                       "PATH");
        for (size_t i = 0; i < n; i++) {
                char ubuf[32], tbuf[32];

                if (a->json) {
                        printf("%s\n  {\"name\": ", i ? "," : "");
                        json_string(stdout, l[i].name);
                        printf(", \"type\": ");
                        json_string(stdout, info[i].type);
                        printf(", \"read_only\": %s, \"usage\": ", info[i].read_only ? "true" : "false");
                        if (info[i].usage == UINT64_MAX)
                                printf("null");
                        else
                                printf("%llu", (unsigned long long) info[i].usage);
                        printf(", \"mtime\": %lld, \"path\": ", (long long) info[i].mtime);
                        json_string_or_null(l[i].path);
                        printf(", \"config\": ");
                        json_string_or_null(l[i].config);
                        printf("}");
                        continue;
                }
                printf("%-*s %-*s %-3s %8s %-16s %s\n", w_name, l[i].name, w_type, info[i].type,
                       info[i].read_only ? "yes" : "no",
                       info[i].usage == UINT64_MAX ? "-" : format_bytes(info[i].usage, ubuf),
                       ctl_format_mtime(info[i].mtime, tbuf), l[i].path ?: "-");
        }
        if (a->json)
                printf("%s]\n", n ? "\n" : "");
        else if (isatty(STDOUT_FILENO))
                printf("\n%zu machine%s listed.\n", n, n == 1 ? "" : "s");
        ctl_defined_free(l, n);
        return 0;
}
