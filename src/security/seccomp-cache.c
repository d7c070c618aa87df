/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fs-util.h"
#include "basic/macro.h"
#include "seccomp-cache.h"
#include "seccomp-dlopen.h"

#define CACHE_MAGIC "NSBSECC1"

static void put_str(FILE *f, const char *s) {
        fwrite(s, 1, strlen(s) + 1, f);
}

static void put_strv(FILE *f, char **l) {
        uint32_t n = 0;

        for (char **i = l; i && *i; i++)
                n++;
        fwrite(&n, sizeof n, 1, f);
        for (char **i = l; i && *i; i++)
                put_str(f, *i);
}

/* FNV-1a, 64 bits: only names the file; the key itself is compared whole. */
static uint64_t fnv1a(const char *p, size_t n) {
        uint64_t h = 0xcbf29ce484222325ULL;

        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char) p[i]) * 0x100000001b3ULL;
        return h;
}

static void put_file_id(FILE *f, const struct stat *st) {
        fwrite(&st->st_dev, sizeof st->st_dev, 1, f);
        fwrite(&st->st_ino, sizeof st->st_ino, 1, f);
        fwrite(&st->st_size, sizeof st->st_size, 1, f);
        fwrite(&st->st_mtim, sizeof st->st_mtim, 1, f);
}

int seccomp_cache_key(const SeccompPolicy *policy, SeccompCacheKey *ret) {
        struct stat lib;
        uint32_t arches[SECCOMP_ARCHES_MAX];
        size_t n_arches = seccomp_host_arches(arches);
        uint8_t superblocks = policy->host_superblocks, suppress_sync = policy->suppress_sync;
        char *data = NULL;
        size_t size = 0;
        struct stat st;
        bool bad;
        FILE *f;

        if (stat("/proc/self/exe", &st) < 0)
                return -errno;
        /* The compiler's file, not its version: asking libseccomp its version would load it. */
        if (libseccomp_file(&lib) < 0)
                return -ENOENT;
        f = open_memstream(&data, &size);
        if (!f)
                return -ENOMEM;
        put_str(f, CACHE_MAGIC " " NSBOOT_VERSION);
        put_file_id(f, &st);
        put_file_id(f, &lib);
        fwrite(&n_arches, sizeof n_arches, 1, f);
        fwrite(arches, sizeof arches[0], n_arches, f);
        fwrite(&policy->caps, sizeof policy->caps, 1, f);
        fwrite(&superblocks, sizeof superblocks, 1, f);
        fwrite(&suppress_sync, sizeof suppress_sync, 1, f);
        put_strv(f, policy->filter ? policy->filter->allow : NULL);
        put_strv(f, policy->filter ? policy->filter->deny : NULL);
        bad = ferror(f);
        if (fclose(f) != 0 || bad) {
                free(data);
                return -ENOMEM;
        }
        *ret = (SeccompCacheKey) { .data = data, .size = size, .lib_dev = lib.st_dev, .lib_ino = lib.st_ino };
        snprintf(ret->name, sizeof ret->name, "%016llx", (unsigned long long) fnv1a(data, size));
        return 0;
}

void seccomp_cache_key_done(SeccompCacheKey *k) {
        free(k->data);
        *k = (SeccompCacheKey) {};
}

static char *entry_path(const SeccompCacheKey *k) {
        char *p;

        return asprintf(&p, SECCOMP_CACHE_DIR "/seccomp-%s", k->name) < 0 ? NULL : p;
}

/* The entry: the key's size and bytes, the number of programs, their lengths, their instructions. */
static bool read_exact(int fd, void *p, size_t n) {
        return read(fd, p, n) == (ssize_t) n;
}

int seccomp_cache_load(const SeccompCacheKey *k, SeccompPrepared *p) {
        _cleanup_free_ char *path = entry_path(k), *key = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        uint64_t size;
        uint32_t n;

        if (!path)
                return 0;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        /* Only an entry only root could have written. */
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 0022))
                return 0;
        if (!read_exact(fd, &size, sizeof size) || size != k->size || !(key = malloc(size)) ||
            !read_exact(fd, key, size) || memcmp(key, k->data, size) != 0)
                return 0;
        if (!read_exact(fd, &n, sizeof n) || n == 0 || n > SECCOMP_PROGRAMS_MAX || !read_exact(fd, p->len, n * sizeof p->len[0]))
                return 0;
        for (uint32_t i = 0; i < n; i++)
                if (p->len[i] == 0 || p->len[i] > BPF_MAXINSNS ||
                    !read_exact(fd, p->insns[i], p->len[i] * sizeof p->insns[i][0]))
                        return 0;
        p->n = n;
        return 1;
}

static bool write_exact(int fd, const void *p, size_t n) {
        return write(fd, p, n) == (ssize_t) n;
}

typedef struct Entry {
        char name[64];
        struct timespec mtime;
} Entry;

static int entry_cmp(const void *a, const void *b) {
        const struct timespec *x = &((const Entry *) a)->mtime, *y = &((const Entry *) b)->mtime;

        return x->tv_sec != y->tv_sec ? (x->tv_sec < y->tv_sec ? -1 : 1) :
               x->tv_nsec != y->tv_nsec ? (x->tv_nsec < y->tv_nsec ? -1 : 1) : 0;
}

/* Entries of other nsboot builds and policies pile up (every rebuild of nsboot is a new key): past
 * SECCOMP_CACHE_MAX, the oldest written go. */
static void prune(void) {
        _cleanup_(closedirp) DIR *d = opendir(SECCOMP_CACHE_DIR);
        Entry *e = NULL;
        size_t n = 0, allocated = 0;

        if (!d)
                return;
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;

                if (!startswith(de->d_name, "seccomp-") || strlen(de->d_name) >= sizeof e->name ||
                    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (n == allocated) {
                        Entry *m = realloc(e, (allocated = allocated * 2 + 16) * sizeof *e);

                        if (!m)
                                break;
                        e = m;
                }
                strcpy(e[n].name, de->d_name);
                e[n++].mtime = st.st_mtim;
        }
        if (n > SECCOMP_CACHE_MAX) {
                qsort(e, n, sizeof *e, entry_cmp);
                for (size_t i = 0; i < n - SECCOMP_CACHE_MAX; i++)
                        (void) unlinkat(dirfd(d), e[i].name, 0);
        }
        free(e);
}

int seccomp_cache_store(const SeccompCacheKey *k, const SeccompPrepared *p) {
        _cleanup_free_ char *path = entry_path(k), *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        uint64_t size = k->size;
        bool ok;
        int r;

        struct stat lib;

        if (!path || asprintf(&tmp, "%s.%d", path, (int) getpid()) < 0)
                return -ENOMEM;
        /* Filters a libseccomp other than the key's compiled (the loader found another file) would
         * be found under the wrong key. */
        if (libseccomp_loaded_file(&lib) < 0 || lib.st_dev != k->lib_dev || lib.st_ino != k->lib_ino)
                return -ESTALE;
        r = mkdir_p(SECCOMP_CACHE_DIR, 0700);
        if (r < 0)
                return r;
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        ok = write_exact(fd, &size, sizeof size) && write_exact(fd, k->data, k->size) &&
             write_exact(fd, &p->n, sizeof p->n) && write_exact(fd, p->len, p->n * sizeof p->len[0]);
        for (uint32_t i = 0; ok && i < p->n; i++)
                ok = write_exact(fd, p->insns[i], p->len[i] * sizeof p->insns[i][0]);
        if (!ok || rename(tmp, path) < 0) {
                r = ok ? -errno : -EIO;
                (void) unlink(tmp);
                return r;
        }
        prune();
        return 0;
}
