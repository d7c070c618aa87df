/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "lock.h"
#include "log.h"

/* Reads "PID MACHINE DIRECTORY" as written by lock_acquire(). */
static int read_holder(const char *path, unsigned *ret_pid, char **ret_machine, char **ret_dir) {
        _cleanup_free_ char *line = NULL;
        char *m, *d;
        int r;

        /* A FIFO, a device or a symlink put here is no record, and not opened to block on. */
        r = read_regular_file(path, O_NOFOLLOW, &line, NULL, NULL);
        if (r < 0)
                return r;
        line[strcspn(line, "\n")] = 0;
        m = strchr(line, ' ');
        d = m ? strchr(m + 1, ' ') : NULL;
        if (!d || sscanf(line, "%u", ret_pid) != 1)
                return -EBADMSG;
        *d = 0;
        *ret_machine = strdup(m + 1);
        *ret_dir = strdup(d + 1);
        if (!*ret_machine || !*ret_dir)
                return -ENOMEM;
        return 0;
}

/* Opens and flock()s path with op (LOCK_EX or LOCK_SH), as lock_open() describes. A holder that
 * lets go unlinks the file while it still holds it, and the last reader of a shared lock makes its
 * lock exclusive for that: one that finds such a file held, or an empty one (a shared lock's), tries
 * again a little later rather than call it busy. Only such an exclusive holder may be letting go: a
 * writer that readers refuse (it can have a shared lock of its own) is told so at once. */
static int lock_open_op(const char *path, int op, bool wait) {
        for (unsigned attempt = 0; attempt < 16; attempt++) {
                _cleanup_close_ int fd = -EBADF;
                bool readers = false;
                struct stat a, b;
                int r;

                fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0644);
                if (fd < 0)
                        return -errno;
                while ((r = flock(fd, op | (wait ? 0 : LOCK_NB))) < 0 && errno == EINTR)
                        ;
                if (r < 0 && errno != EWOULDBLOCK)
                        return -errno;
                if (r < 0 && op == LOCK_EX)
                        readers = flock(fd, LOCK_SH | LOCK_NB) >= 0;
                if (fstat(fd, &a) < 0)
                        return -errno;
                if (stat(path, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
                        continue;
                if (r >= 0)
                        return TAKE_FD(fd);
                if (readers || a.st_size > 0)
                        return -EBUSY;
                (void) usleep(1000 * (attempt + 1));
        }
        return -EBUSY;
}

int lock_open(const char *path, bool wait) {
        return lock_open_op(path, LOCK_EX, wait);
}

int lock_open_shared(const char *path) {
        return lock_open_op(path, LOCK_SH, false);
}

/* lock_try(), or with shared a shared lock, whose file holds no record: its holders are many, and
 * the last one to let go removes it (lock_release()). */
static int lock_take(const char *name, const char *machine, const char *directory, bool shared, Lock *ret) {
        _cleanup_free_ char *path = NULL, *info = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = mkdir_p(LOCK_DIR, 0755);
        if (r < 0)
                return r;
        if (asprintf(&path, LOCK_DIR "/%s", name) < 0)
                return -ENOMEM;
        fd = shared ? lock_open_shared(path) : lock_open(path, false);
        if (fd < 0)
                return fd;
        if (shared) {
                *ret = (Lock) { .fd = TAKE_FD(fd), .path = TAKE_PTR(path), .shared = true };
                return 0;
        }
        if (asprintf(&info, "%d %s %s\n", (int) getpid(), machine, directory) < 0)
                return -ENOMEM;
        /* Written first and cut to its length after: ftruncate() to 0 would make ext4 flush the file's
         * data when it is closed (its "auto_da_alloc" for files replaced by truncation), i.e. give a
         * block to a file that lives in /run for a few milliseconds and free it again, each with a
         * wait for the disk (a synchronous discard on a "discard" mount). */
        if (pwrite(fd, info, strlen(info), 0) != (ssize_t) strlen(info) || ftruncate(fd, (off_t) strlen(info)) < 0)
                return errno > 0 ? -errno : -EIO;
        *ret = (Lock) { .fd = TAKE_FD(fd), .path = TAKE_PTR(path) };
        return 0;
}

int lock_try(const char *name, const char *machine, const char *directory, Lock *ret) {
        return lock_take(name, machine, directory, false, ret);
}

/* Whether the lock at path is held shared only (a shared lock of our own can be had). */
static bool held_shared(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);

        return fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) >= 0;
}

static int acquire(const char *name, const char *machine, const char *directory, bool shared, Lock *ret) {
        _cleanup_free_ char *path = NULL, *hm = NULL, *hd = NULL;
        unsigned pid;
        int r;

        r = lock_take(name, machine, directory, shared, ret);
        if (r >= 0)
                return r;
        if (asprintf(&path, LOCK_DIR "/%s", name) < 0)
                return log_oom();
        if (r != -EBUSY)
                return log_error_errno(r, "Failed to lock %s: %m", path);
        if (!shared && held_shared(path))
                return log_error_errno(r, "Directory '%s' is in use by machines that run it without writing to it "
                                       "(-x, --volatile, --read-only) or by an nsbootctl export (lock %s)",
                                       directory, path);
        if (read_holder(path, &pid, &hm, &hd) < 0)
                return log_error_errno(r, "Machine '%s' or its directory is in use by another nsboot (lock %s)",
                                       machine, path);
        if (streq(hm, machine))
                return log_error_errno(r, "Machine '%s' is already running (nsboot PID %u on '%s')", machine, pid,
                                       hd);
        return log_error_errno(r, "Directory '%s' is already in use by machine '%s' (nsboot PID %u)", directory, hm,
                               pid);
}

int lock_acquire(const char *name, const char *machine, const char *directory, Lock *ret) {
        return acquire(name, machine, directory, false, ret);
}

void lock_release(Lock *l) {
        if (l->fd < 0)
                return;
        /* Unlink while still holding it, so a waiter that opened the old file retries (lock_open). A
         * shared lock's file goes with its last holder: one that can make its lock exclusive. */
        if (!l->shared || flock(l->fd, LOCK_EX | LOCK_NB) >= 0)
                (void) unlink(l->path);
        l->fd = safe_close(l->fd);
        free(l->path);
        l->path = NULL;
        l->shared = false;
}

static int lock_machine_tree(const char *machine, const char *directory, bool shared, Lock ret[static 2]) {
        _cleanup_free_ char *name = NULL, *tree = NULL;
        struct stat st;
        int r;

        if (asprintf(&name, "machine-%s", machine) < 0)
                return log_oom();
        r = lock_acquire(name, machine, strna(directory), &ret[0]);
        if (r < 0 || !directory)
                return r;
        if (stat(directory, &st) < 0) {
                lock_release(&ret[0]);
                return log_error_errno(errno, "Failed to stat '%s': %m", directory);
        }
        if (asprintf(&tree, "tree-%u:%u:%llu", major(st.st_dev), minor(st.st_dev),
                     (unsigned long long) st.st_ino) < 0) {
                lock_release(&ret[0]);
                return log_oom();
        }
        r = acquire(tree, machine, directory, shared, &ret[1]);
        if (r < 0) {
                lock_release(&ret[0]);
                return r;
        }
        return 0;
}

int lock_machine(const char *machine, const char *directory, Lock ret[static 2]) {
        return lock_machine_tree(machine, directory, false, ret);
}

int lock_machine_read(const char *machine, const char *directory, Lock ret[static 2]) {
        return lock_machine_tree(machine, directory, true, ret);
}

int lock_remove_stale(const char *machine) {
        _cleanup_(closedirp) DIR *d = opendir(LOCK_DIR);
        int n = 0;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_free_ char *path = NULL, *hm = NULL, *hd = NULL;
                _cleanup_close_ int fd = -EBADF;
                struct stat a, b;
                unsigned pid;

                if (de->d_name[0] == '.')
                        continue;
                if (asprintf(&path, LOCK_DIR "/%s", de->d_name) < 0)
                        return -ENOMEM;
                /* Another machine's record: not even locked to look, as a start of that machine
                 * would find it held meanwhile and be refused. */
                if (read_holder(path, &pid, &hm, &hd) >= 0 && !streq(hm, machine))
                        continue;
                free(hm);
                free(hd);
                hm = hd = NULL;
                /* Held, replaced meanwhile, or someone else's: not ours to remove. */
                fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
                if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
                        continue;
                if (fstat(fd, &a) < 0 || stat(path, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
                        continue;
                /* No record: a shared lock's, whose last holders were killed. Nobody's now. */
                if (a.st_size == 0) {
                        (void) unlink(path);
                        continue;
                }
                if (read_holder(path, &pid, &hm, &hd) < 0 || !streq(hm, machine))
                        continue;
                /* Unlinked while we hold it, as lock_release() does: a waiter that opened it retries. */
                if (unlink(path) >= 0)
                        n++;
        }
        return n;
}
