/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "config-file.h"

int config_file_error(ConfigFile *cf, const char *file, unsigned line, const char *key, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        char *full;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if (line > 0)
                r = asprintf(&full, "%s:%u: %s%s%s", file, line, strempty(key), key ? ": " : "", msg);
        else
                r = asprintf(&full, "%s: %s%s%s", file, strempty(key), key ? ": " : "", msg);
        if (r < 0)
                return -ENOMEM;
        return strv_consume(&cf->errors, full);
}

int config_file_add(ConfigFile *cf, const char *file, unsigned line, const char *key, const char *value) {
        ConfigAssignment *items;

        if (cf->n_items >= CONFIG_MAX_ASSIGNMENTS)
                return config_file_error(cf, file, line, key, "more than %d settings, ignoring the rest",
                                         CONFIG_MAX_ASSIGNMENTS);
        items = realloc(cf->items, (cf->n_items + 1) * sizeof(ConfigAssignment));
        if (!items)
                return -ENOMEM;
        cf->items = items;
        items[cf->n_items] = (ConfigAssignment) { .key = strdup(key), .value = strdup(value),
                                                  .file = strdup(file), .line = line };
        if (!items[cf->n_items].key || !items[cf->n_items].value || !items[cf->n_items].file)
                return -ENOMEM;
        cf->n_items++;
        return 0;
}

static int read_include(ConfigFile *cf, const char *from, unsigned line, const char *target);

/* One "key = value" line. */
static int parse_line(ConfigFile *cf, const char *file, unsigned line, char *text) {
        char *eq, *key, *value;
        size_t n;

        text = strstrip(text);
        if (!*text || *text == '#')
                return 0;
        eq = strchr(text, '=');
        if (!eq)
                /* The line itself is not repeated: an included file may be any host file. */
                return config_file_error(cf, file, line, NULL, "expected 'key = value'");
        *eq = 0;
        key = strstrip(text);
        value = strstrip(eq + 1);
        if (!*key)
                return config_file_error(cf, file, line, NULL, "missing key before '='");
        if (strpbrk(key, " \t"))
                return config_file_error(cf, file, line, key, "keys contain no spaces");
        n = strlen(value);
        if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
                value[n - 1] = 0;
                value++;
        }
        if (streq(key, "lxc.include") || streq(key, "include") || streq(key, "nsboot.include"))
                return read_include(cf, file, line, value);
        return config_file_add(cf, file, line, key, value);
}

int config_file_read_lines(ConfigFile *cf, FILE *f, const char *file, ConfigLineFn fn, void *userdata) {
        char buf[CONFIG_MAX_LINE + 2];
        unsigned line = 0;
        int r;

        while (fgets(buf, sizeof buf, f)) {
                line++;
                if (!strchr(buf, '\n') && !feof(f)) {
                        int c;

                        while ((c = fgetc(f)) != EOF && c != '\n')
                                ;
                        r = config_file_error(cf, file, line, NULL, "line longer than %d bytes", CONFIG_MAX_LINE);
                } else if (memchr(buf, 0, strlen(buf) + 1) != buf + strlen(buf))
                        r = 0;
                else
                        r = fn(cf, file, line, buf, userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_line_fn(ConfigFile *cf, const char *file, unsigned line, char *text, void *userdata _unused_) {
        return parse_line(cf, file, line, text);
}

static int compare_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* All "*.conf" files of a directory, in name order (LXC reads them in readdir order, which
 * differs between file systems; sorted is what its own README promises). */
static int read_directory(ConfigFile *cf, const char *dir) {
        _cleanup_(closedirp) DIR *d = opendir(dir);
        _cleanup_strv_free_ char **names = NULL;
        struct dirent *de;
        int r;

        if (!d)
                return config_file_error(cf, dir, 0, NULL, "cannot open directory: %s", strerror(errno));
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);

                if (de->d_name[0] == '.' || n < 6 || !streq(de->d_name + n - 5, ".conf"))
                        continue;
                if (strv_extend(&names, de->d_name) < 0)
                        return -ENOMEM;
        }
        if (names)
                qsort(names, strv_length(names), sizeof(char *), compare_str);
        STRV_FOREACH(name, names) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s/%s", dir, *name) < 0)
                        return -ENOMEM;
                r = config_file_read(cf, p);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_include(ConfigFile *cf, const char *from, unsigned line, const char *target) {
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (!*target)
                return config_file_error(cf, from, line, "include", "empty path");
        if (cf->untrusted)
                return config_file_error(cf, from, line, "include",
                                         "not allowed in an untrusted file (beside the tree): it could read any host file");
        if (target[0] == '/')
                path = strdup(target);
        else {
                /* Relative to the including file, so a machine's files can travel together. */
                const char *slash = strrchr(from, '/');
                int len = slash ? (int) (slash - from) : 1;

                if (asprintf(&path, "%.*s/%s", len, slash ? from : ".", target) < 0)
                        path = NULL;
        }
        if (!path)
                return -ENOMEM;
        if (stat(path, &st) < 0) {
                /* A drop-in directory ("….conf.d/") that nobody has created yet holds no settings;
                 * a missing file is most likely a typo. LXC's own userns.conf relies on this. */
                if (errno == ENOENT && target[strlen(target) - 1] == '/')
                        return 0;
                return config_file_error(cf, from, line, "include", "'%s': %s", path, strerror(errno));
        }
        if (strv_length(cf->stack) >= CONFIG_MAX_DEPTH)
                return config_file_error(cf, from, line, "include", "'%s': includes nested more than %d deep",
                                         path, CONFIG_MAX_DEPTH);
        if (S_ISDIR(st.st_mode))
                return read_directory(cf, path);
        return config_file_read(cf, path);
}

int config_file_open(ConfigFile *cf, const char *path, FILE **ret) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        /* O_NONBLOCK: a FIFO where the file belongs must not block the open; only a regular file is
         * read ("include = /dev/zero" must not read forever). */
        /* A file beside the tree is its maker's: as a symlink it could point nsboot at any host file. */
        fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (cf->untrusted ? O_NOFOLLOW : 0));
        if (fd < 0 && errno == ELOOP && cf->untrusted)
                return config_file_error(cf, path, 0, NULL, "a symbolic link: an untrusted file (beside the tree) is "
                                         "not followed");
        if (fd < 0)
                return config_file_error(cf, path, 0, NULL, "%s", strerror(errno));
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return config_file_error(cf, path, 0, NULL, "not a regular file");
        if (fcntl(fd, F_SETFL, 0) < 0)
                return config_file_error(cf, path, 0, NULL, "%s", strerror(errno));
        *ret = fdopen(fd, "re");
        if (!*ret)
                return -ENOMEM;
        TAKE_FD(fd);
        return 1;
}

int config_file_read(ConfigFile *cf, const char *path) {
        _cleanup_free_ char *real = realpath(path, NULL);
        _cleanup_(fclosep) FILE *f = NULL;
        size_t depth;
        int r;

        if (!real)
                return config_file_error(cf, path, 0, NULL, "%s", strerror(errno));
        if (strv_contains(cf->stack, real))
                return config_file_error(cf, path, 0, NULL, "include cycle: the file includes itself");
        r = config_file_open(cf, path, &f);
        if (r <= 0)
                return r;
        r = strv_extend(&cf->stack, real);
        if (r < 0)
                return r;
        r = config_file_read_lines(cf, f, path, parse_line_fn, NULL);
        depth = strv_length(cf->stack);
        free(cf->stack[depth - 1]);
        cf->stack[depth - 1] = NULL;
        return r;
}

void config_file_done(ConfigFile *cf) {
        for (size_t i = 0; i < cf->n_items; i++) {
                free(cf->items[i].key);
                free(cf->items[i].value);
                free(cf->items[i].file);
        }
        free(cf->items);
        strv_free(cf->errors);
        strv_free(cf->stack);
        *cf = (ConfigFile) {};
}
