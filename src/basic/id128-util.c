/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "id128-util.h"
#include "macro.h"
#include "parse-util.h"

int id128_randomize(Id128 *ret) {
        Id128 id;

        if (getrandom(&id, sizeof id, 0) != (ssize_t) sizeof id)
                return errno > 0 ? -errno : -EIO;
        /* RFC 4122: version 4 (random), variant 1 */
        id.bytes[6] = (id.bytes[6] & 0x0F) | 0x40;
        id.bytes[8] = (id.bytes[8] & 0x3F) | 0x80;
        *ret = id;
        return 0;
}

int id128_from_string(const char *s, Id128 *ret) {
        bool uuid = strlen(s) == 36;
        Id128 id;
        size_t i = 0;

        if (!uuid && strlen(s) != 32)
                return -EINVAL;
        for (unsigned n = 0; n < 16; n++) {
                int a, b;

                /* the UUID form has its dashes after bytes 4, 6, 8 and 10 */
                if (uuid && IN_SET(n, 4U, 6U, 8U, 10U) && s[i++] != '-')
                        return -EINVAL;
                a = unhexchar(s[i++]);
                b = unhexchar(s[i++]);
                if (a < 0 || b < 0)
                        return -EINVAL;
                id.bytes[n] = (uint8_t) (a << 4 | b);
        }
        *ret = id;
        return 0;
}

static char *format(Id128 id, char *s, bool uuid) {
        static const char hex[] = "0123456789abcdef";
        size_t i = 0;

        for (unsigned n = 0; n < 16; n++) {
                if (uuid && IN_SET(n, 4U, 6U, 8U, 10U))
                        s[i++] = '-';
                s[i++] = hex[id.bytes[n] >> 4];
                s[i++] = hex[id.bytes[n] & 15];
        }
        s[i] = 0;
        return s;
}

char *id128_to_string(Id128 id, char s[static ID128_STRING_MAX]) {
        return format(id, s, false);
}

char *id128_to_uuid_string(Id128 id, char s[static ID128_UUID_STRING_MAX]) {
        return format(id, s, true);
}

int id128_get_machine(Id128 *ret) {
        _cleanup_close_ int fd = open("/etc/machine-id", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        char buf[ID128_STRING_MAX] = {};
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = read(fd, buf, 32);
        if (n < 0)
                return -errno;
        if (n != 32)
                return -ENOMEDIUM;
        return id128_from_string(buf, ret);
}
