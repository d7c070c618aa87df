/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A scratch tree in /tmp for unit tests that look into trees: root and root_fd, made fresh for each
 * test (.init = setup, .fini = teardown), mk() for files and ln() for symlinks in it. */
#pragma once

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[] = "/tmp/nsboot-tree-XXXXXX";
static int root_fd = -1;

static inline void setup(void) {
        cr_assert(mkdtemp(root));
        root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static inline void teardown(void) {
        char cmd[128];

        close(root_fd);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
        cr_assert_eq(system(cmd), 0);
}

static inline void mk(const char *path, const char *content, mode_t mode) {
        char p[256], cmd[1024];
        FILE *f;

        snprintf(p, sizeof p, "%s%s", root, path);
        snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", p);
        cr_assert_eq(system(cmd), 0);
        f = fopen(p, "w");
        cr_assert(f);
        fputs(content, f);
        fclose(f);
        chmod(p, mode);
}

static inline void ln(const char *target, const char *path) {
        char p[256], cmd[1024];

        snprintf(p, sizeof p, "%s%s", root, path);
        snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\" && ln -s '%s' '%s'", p, target, p);
        cr_assert_eq(system(cmd), 0);
}
