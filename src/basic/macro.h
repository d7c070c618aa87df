/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generic macros and cleanup helpers used by every stage. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _pure_ __attribute__((pure))
#define _sentinel_ __attribute__((sentinel))
#define _fallthrough_ __attribute__((__fallthrough__))

#define IN_SET(x, ...)                                                  \
        ({                                                              \
                const typeof(x) _set_[] = { __VA_ARGS__ };              \
                bool _found_ = false;                                   \
                for (size_t _i_ = 0; _i_ < ELEMENTSOF(_set_); _i_++)    \
                        if (_set_[_i_] == (x))                          \
                                _found_ = true;                         \
                _found_;                                                \
        })

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Hand ownership of a pointer or fd on, leaving the source empty. */
#define TAKE_PTR(p)                             \
        ({                                      \
                typeof(p) _p_ = (p);            \
                (p) = NULL;                     \
                _p_;                            \
        })
#define TAKE_FD(fd)                             \
        ({                                      \
                int _fd_ = (fd);                \
                (fd) = -EBADF;                  \
                _fd_;                           \
        })

/* Convert a libc return value (-1 + errno) into -errno. */
#define RET_NERRNO(expr)                        \
        ({                                      \
                long _r_ = (long) (expr);       \
                _r_ < 0 ? -errno : (int) _r_;   \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd) {
        *fd = safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void close_pairp(int (*p)[2]) {
        (*p)[0] = safe_close((*p)[0]);
        (*p)[1] = safe_close((*p)[1]);
}
#define _cleanup_close_pair_ _cleanup_(close_pairp)

#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)         \
        static inline void func##p(type *p) {           \
                if (*p)                                 \
                        *p = func(*p);                  \
        }

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline bool isempty(const char *s) {
        return !s || !*s;
}

static inline const char *strempty(const char *s) {
        return s ?: "";
}

static inline const char *strna(const char *s) {
        return s ?: "n/a";
}

/* name_to_string() and name_from_string() over a table of strings indexed by an enum. */
#define DEFINE_STRING_TABLE_LOOKUP(name, type, table, max)                      \
        const char *name##_to_string(type i) {                                  \
                return i >= 0 && i < (max) ? table[i] : NULL;                   \
        }                                                                       \
        type name##_from_string(const char *s) {                                \
                for (int i = 0; i < (max); i++)                                 \
                        if (table[i] && strcmp(s, table[i]) == 0)               \
                                return (type) i;                                \
                return (type) -EINVAL;                                          \
        }

/* Returns the rest of s after prefix, or NULL when s does not start with it. */
static inline const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

/* Where suffix starts in s, or NULL when s does not end with it. */
static inline const char *endswith(const char *s, const char *suffix) {
        size_t n = strlen(s), l = strlen(suffix);
        return n >= l && strcmp(s + n - l, suffix) == 0 ? s + n - l : NULL;
}

/* s without leading blanks and trailing blanks or line ends; the end is cut in place. */
static inline char *strstrip(char *s) {
        char *e;

        s += strspn(s, " \t");
        e = s + strlen(s);
        while (e > s && strchr(" \t\r\n", e[-1]))
                *--e = 0;
        return s;
}

#include <dirent.h>
static inline void closedirp(DIR **d) {
        if (*d)
                (void) closedir(*d);
}

#include <stdio.h>
static inline void fclosep(FILE **f) {
        if (*f)
                (void) fclose(*f);
}
