/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"

#include "tmptree.h"

TestSuite(lock, .init = setup, .fini = teardown);

/* Takes and lets go of the shared lock at path n times; how often it was refused. */
static int take_shared(const char *path, int n) {
        int refused = 0;

        for (int i = 0; i < n; i++) {
                Lock l = { .fd = lock_open_shared(path), .shared = true };

                if (l.fd < 0) {
                        refused++;
                        continue;
                }
                l.path = strdup(path);
                lock_release(&l);
        }
        return refused;
}

/* Readers only: none is ever refused, though the last one to let go makes its lock exclusive
 * for a moment to remove the file. */
Test(lock, shared_never_refused_by_readers) {
        char path[256];
        pid_t pids[2];

        snprintf(path, sizeof path, "%s/tree-lock", root);
        for (int k = 0; k < 2; k++) {
                pids[k] = fork();
                cr_assert(pids[k] >= 0);
                if (pids[k] == 0)
                        _exit(take_shared(path, 5000) == 0 ? 0 : 1);
        }
        for (int k = 0; k < 2; k++) {
                int status;

                cr_assert_eq(waitpid(pids[k], &status, 0), pids[k]);
                cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a reader was refused");
        }
        cr_assert(access(path, F_OK) < 0, "the last reader left the file");
}

/* A writer is refused while a reader holds it, and a reader while a writer (with its record) does. */
Test(lock, readers_and_writers_exclude) {
        char path[256];
        int fd;

        snprintf(path, sizeof path, "%s/tree-lock", root);
        fd = lock_open_shared(path);
        cr_assert(fd >= 0);
        cr_assert_eq(lock_open(path, false), -EBUSY);
        close(fd);
        fd = lock_open(path, false);
        cr_assert(fd >= 0);
        cr_assert_eq(write(fd, "1 m /t\n", 7), 7);
        cr_assert_eq(lock_open_shared(path), -EBUSY);
        close(fd);
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* Readers that stay refuse a writer at once: it does not back off (1 + 2 + ... + 16 ms) first. */
Test(lock, writer_refused_by_readers_at_once) {
        char path[256];
        uint64_t t;
        int fd;

        snprintf(path, sizeof path, "%s/tree-lock", root);
        fd = lock_open_shared(path);
        cr_assert(fd >= 0);
        t = now_usec();
        cr_assert_eq(lock_open(path, false), -EBUSY);
        t = now_usec() - t;
        cr_expect(t < 100000, "the writer was refused after %llu ms", (unsigned long long) t / 1000);
        close(fd);
}

/* The last reader to let go holds the empty file exclusively until it has unlinked it: a writer that
 * comes meanwhile waits for that, and gets the lock. */
Test(lock, writer_waits_for_the_last_reader_letting_go) {
        char path[256], c;
        int p[2], fd;
        pid_t pid;

        snprintf(path, sizeof path, "%s/tree-lock", root);
        cr_assert_eq(pipe(p), 0);
        pid = fork();
        cr_assert(pid >= 0);
        if (pid == 0) {
                Lock l = { .fd = lock_open_shared(path), .path = strdup(path), .shared = true };

                if (l.fd < 0 || flock(l.fd, LOCK_EX | LOCK_NB) < 0)
                        _exit(1);
                (void) write(p[1], "x", 1);
                usleep(5000);
                lock_release(&l);
                _exit(0);
        }
        close(p[1]);
        cr_assert_eq(read(p[0], &c, 1), 1);
        fd = lock_open(path, false);
        cr_expect(fd >= 0, "the writer was refused: %s", strerror(-fd));
        cr_assert_eq(waitpid(pid, NULL, 0), pid);
        close(p[0]);
        if (fd >= 0)
                close(fd);
}
