/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "credential.h"

/* Secrets are not left in freed memory. */
static void erase_free(char *p, size_t n) {
        if (p)
                explicit_bzero(p, n);
        free(p);
}

bool credential_id_valid(const char *id) {
        if (isempty(id) || strlen(id) > 255 || streq(id, ".") || streq(id, ".."))
                return false;
        for (const char *c = id; *c; c++)
                if (*c == '/' || (unsigned char) *c < 0x21 || (unsigned char) *c >= 0x7f)
                        return false;
        return true;
}

/* C escapes of s into a new buffer (NUL-terminated, *ret_size without it). */
static int unescape(const char *s, char **ret, size_t *ret_size) {
        static const char from[] = "abfnrtv\\\"'0", to[] = "\a\b\f\n\r\t\v\\\"'";
        char *buf = malloc(strlen(s) + 1), *o = buf;

        if (!buf)
                return -ENOMEM;
        for (; *s; s++) {
                const char *k;

                if (*s != '\\') {
                        *o++ = *s;
                        continue;
                }
                s++;
                if (*s == 'x' && unhexchar(s[1]) >= 0 && unhexchar(s[2]) >= 0) {
                        *o++ = (char) (unhexchar(s[1]) << 4 | unhexchar(s[2]));
                        s += 2;
                } else if (*s && (k = strchr(from, *s))) {
                        *o++ = to[k - from]; /* "\0" maps to the terminator of to[] */
                } else {
                        erase_free(buf, (size_t) (o - buf));
                        return -EINVAL;
                }
        }
        *o = '\0';
        *ret_size = (size_t) (o - buf);
        *ret = buf;
        return 0;
}

/* Splits "ID:REST" and checks ID; ret_id is allocated. */
static int split(const CredentialList *l, const char *spec, char **ret_id, const char **ret_rest) {
        const char *colon = strchr(spec, ':');
        char *id;

        if (!colon)
                return -EINVAL;
        id = strndup(spec, (size_t) (colon - spec));
        if (!id)
                return -ENOMEM;
        if (!credential_id_valid(id)) {
                free(id);
                return -EINVAL;
        }
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->items[i].id, id)) {
                        free(id);
                        return -EEXIST;
                }
        *ret_id = id;
        *ret_rest = colon + 1;
        return 0;
}

/* Takes id and data. */
static int add(CredentialList *l, char *id, char *data, size_t size) {
        size_t total = size;
        Credential *n;

        for (size_t i = 0; i < l->n; i++)
                total += l->items[i].size;
        n = total <= CREDENTIALS_TOTAL_MAX ? realloc(l->items, (l->n + 1) * sizeof(Credential)) : NULL;
        if (!n) {
                free(id);
                erase_free(data, size);
                return total > CREDENTIALS_TOTAL_MAX ? -E2BIG : -ENOMEM;
        }
        l->items = n;
        l->items[l->n++] = (Credential) { .id = id, .data = data, .size = size };
        return 0;
}

int credential_set(CredentialList *l, const char *spec) {
        const char *value;
        char *id, *data;
        size_t size;
        int r;

        if (isempty(spec)) {
                credential_list_done(l);
                return 0;
        }
        r = split(l, spec, &id, &value);
        if (r < 0)
                return r;
        r = unescape(value, &data, &size);
        if (r < 0) {
                free(id);
                return r;
        }
        return add(l, id, data, size);
}

/* At most CREDENTIALS_TOTAL_MAX + 1 bytes of the regular file fd. */
static int read_bounded(int fd, char **ret, size_t *ret_size) {
        size_t size = 0;
        struct stat st;
        char *buf;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        buf = malloc(CREDENTIALS_TOTAL_MAX + 2);
        if (!buf)
                return -ENOMEM;
        while (size <= CREDENTIALS_TOTAL_MAX) {
                ssize_t k = read(fd, buf + size, CREDENTIALS_TOTAL_MAX + 1 - size);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        int e = -errno;

                        erase_free(buf, size);
                        return e;
                }
                if (k == 0)
                        break;
                size += (size_t) k;
        }
        if (size > CREDENTIALS_TOTAL_MAX) {
                erase_free(buf, size);
                return -E2BIG;
        }
        buf[size] = '\0';
        *ret = buf;
        *ret_size = size;
        return 0;
}

int credential_load(CredentialList *l, const char *spec) {
        _cleanup_free_ char *joined = NULL;
        const char *path, *dir;
        char *id, *data = NULL;
        size_t size = 0;
        int fd, r;

        if (isempty(spec)) {
                credential_list_done(l);
                return 0;
        }
        r = split(l, spec, &id, &path);
        if (r < 0)
                return r;
        if (path[0] != '/') {
                dir = getenv("CREDENTIALS_DIRECTORY");
                r = isempty(path) || strchr(path, '/') ? -EINVAL : !dir ? -ENOENT : 0;
                if (r == 0 && asprintf(&joined, "%s/%s", dir, path) < 0)
                        r = -ENOMEM;
                if (r < 0) {
                        free(id);
                        return r;
                }
                path = joined;
        }
        /* O_NONBLOCK: a FIFO or a device never holds up the start; only a regular file is read. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        r = fd < 0 ? -errno : read_bounded(fd, &data, &size);
        if (fd >= 0)
                close(fd);
        if (r < 0) {
                free(id);
                return r;
        }
        return add(l, id, data, size);
}

void credential_list_done(CredentialList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->items[i].id);
                erase_free(l->items[i].data, l->items[i].size);
        }
        free(l->items);
        *l = (CredentialList) {};
}
