/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "log.h"
#include "sysctl.h"

/* kernel/ipc and kernel/utsname sysctls follow the IPC and UTS namespaces; net/ the network one. */
static const char *const namespaced[] = {
        "kernel.hostname", "kernel.domainname", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
        "kernel.sem",      "kernel.shmall",     "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
        "fs.mqueue.",
};

bool sysctl_is_namespaced(const char *key, bool private_network) {
        if (startswith(key, "net."))
                return private_network;
        for (size_t i = 0; i < ELEMENTSOF(namespaced); i++) {
                size_t n = strlen(namespaced[i]);

                if (namespaced[i][n - 1] == '.' ? strncmp(key, namespaced[i], n) == 0 : streq(key, namespaced[i]))
                        return true;
        }
        return false;
}

static int write_one(const char *assignment) {
        const char *eq = strchr(assignment, '=');
        _cleanup_free_ char *path = NULL;
        char *p;

        if (!eq || asprintf(&path, "/proc/sys/%.*s", (int) (eq - assignment), assignment) < 0)
                return -EINVAL;
        for (p = path + strlen("/proc/sys/"); *p; p++)
                if (*p == '.')
                        *p = '/';
        return write_string_file(path, eq + 1);
}

/* The guest's /proc/sys files belong to the root of its user namespace: write them as that root.
 * Nothing to do when the guest shares our user namespace. */
static int join_user_namespace(pid_t pid) {
        char path[64];
        struct stat a, b;
        int fd;

        snprintf(path, sizeof path, "/proc/%d/ns/user", (int) pid);
        if (stat(path, &a) < 0 || stat("/proc/self/ns/user", &b) < 0)
                return -errno;
        if (a.st_ino == b.st_ino && a.st_dev == b.st_dev)
                return 0;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWUSER) < 0)
                return -errno;
        close(fd);
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                return -errno;
        return 0;
}

int sysctl_apply(pid_t pid, char *const *assignments) {
        static const char *const ns[] = { "net", "uts", "ipc" };
        pid_t helper;
        int status;

        if (!assignments)
                return 0;
        helper = fork();
        if (helper < 0)
                return log_error_errno(errno, "Failed to fork: %m");
        if (helper == 0) {
                /* In the guest's namespaces /proc/sys (of the host's procfs) shows the guest's values. */
                for (size_t i = 0; i < ELEMENTSOF(ns); i++) {
                        char path[64];
                        int fd;

                        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) pid, ns[i]);
                        fd = open(path, O_RDONLY | O_CLOEXEC);
                        if (fd < 0 || setns(fd, 0) < 0)
                                _exit(100);
                        close(fd);
                }
                if (join_user_namespace(pid) < 0)
                        _exit(100);
                for (size_t i = 0; assignments[i]; i++) {
                        int r = write_one(assignments[i]);

                        if (r < 0) {
                                log_error_errno(r, "Failed to set sysctl %s in the container: %m", assignments[i]);
                                _exit(1);
                        }
                }
                _exit(0);
        }
        while (waitpid(helper, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for the sysctl helper: %m");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Setting the container's sysctls failed");
        return 0;
}
