/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "fileio.h"
#include "log.h"
#include "trim.h"

typedef struct Mapping {
        uintptr_t start, end;
        bool file, writable;
} Mapping;

/* The head line of one mapping in /proc/self/smaps: "start-end perms offset dev inode [path]". */
static bool parse_head(const char *line, Mapping *ret) {
        uintptr_t start, end;
        unsigned long inode;
        char perms[5];

        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s %*s %*s %lu", &start, &end, perms, &inode) != 4)
                return false;
        *ret = (Mapping) { .start = start, .end = end, .file = inode != 0 && strchr(line, '/'),
                           .writable = perms[1] == 'w' };
        return true;
}

#define TRIM_MAX 256

/* Whether m may be dropped: file-backed, read-only, no private copy of any page in it. */
static bool trimmable(const Mapping *m, unsigned long anonymous_kib) {
        return m->file && !m->writable && anonymous_kib == 0;
}

/* The mappings to trim, from /proc/self/smaps. */
static int collect(Mapping *ret, size_t max, size_t *ret_n) {
        _cleanup_free_ char *smaps = NULL;
        Mapping m = {};
        bool have = false;
        size_t n = 0;
        int r;

        r = read_full_file("/proc/self/smaps", &smaps, NULL);
        if (r < 0)
                return r;
        for (char *line = smaps, *next; line && *line && n < max; line = next) {
                unsigned long kib;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                if (parse_head(line, &m))
                        have = true;
                else if (have && sscanf(line, "Anonymous: %lu kB", &kib) == 1) {
                        if (trimmable(&m, kib))
                                ret[n++] = m;
                        have = false;
                }
        }
        *ret_n = n;
        return 0;
}

int memory_trim(void) {
        Mapping maps[TRIM_MAX];
        size_t n;
        int r;

        r = collect(maps, TRIM_MAX, &n);
        if (r < 0)
                return r;
        /* After collect() freed its copy of smaps */
        (void) malloc_trim(0);
        log_debug("Giving back the setup pages of %zu mappings and the free heap", n);
        /* Nothing but madvise() from here: any other call would map its code again (a whole
         * folio of the page cache, 64 KiB on this kernel, even with MADV_RANDOM). */
        for (size_t i = 0; i < n; i++) {
                (void) madvise((void *) maps[i].start, maps[i].end - maps[i].start, MADV_RANDOM);
                (void) madvise((void *) maps[i].start, maps[i].end - maps[i].start, MADV_DONTNEED);
        }
        return (int) n;
}

/* Resident KiB of this process, from /proc/self/statm (cheap: no page table walk). Plain system
 * calls and no stdio, so that the periodic check itself maps little code again. */
static long resident_kib(long page_kib) {
        char buf[128] = {};
        const char *p;
        long pages = 0;
        int fd;
        ssize_t n;

        fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        n = read(fd, buf, sizeof buf - 1);
        safe_close(fd);
        p = n > 0 ? strchr(buf, ' ') : NULL; /* "size resident shared ..." */
        if (!p)
                return -1;
        for (p++; *p >= '0' && *p <= '9'; p++)
                pages = pages * 10 + (*p - '0');
        return pages * page_kib;
}

typedef struct TrimState {
        long page_kib;
        long after;     /* resident KiB after the last trim; -1 before the first */
} TrimState;

/* At the first expiry, and later whenever what later work mapped again (serving /proc, the control
 * socket, a stop) has grown past MEMORY_TRIM_SLACK_KIB. */
static int on_trim(EventSource *s, uint64_t usec, void *userdata) {
        TrimState *t = userdata;
        long now = resident_kib(t->page_kib);

        if (t->after < 0 || (now >= 0 && now - t->after >= MEMORY_TRIM_SLACK_KIB)) {
                (void) memory_trim();
                t->after = resident_kib(t->page_kib);
        }
        (void) event_source_set_time_relative(s, MEMORY_TRIM_INTERVAL_USEC);
        return event_source_set_enabled(s, EVENT_ONESHOT);
}

int memory_trim_schedule(Event *e) {
        EventSource *s;
        TrimState *t = malloc(sizeof(TrimState));
        int r;

        if (!t)
                return -ENOMEM;
        *t = (TrimState) { .page_kib = sysconf(_SC_PAGESIZE) / 1024, .after = -1 };
        r = event_add_time_relative(e, &s, CLOCK_MONOTONIC, MEMORY_TRIM_DELAY_USEC, 0, on_trim, t);
        if (r < 0) {
                free(t);
                return r;
        }
        (void) event_source_set_destroy_callback(s, free);
        /* The loop owns it from now on, as a source added with ret == NULL */
        (void) event_source_set_floating(s, true);
        event_source_unref(s);
        return 0;
}
