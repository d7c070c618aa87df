/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl copy-to and copy-from (machinectl's verbs): a file or directory tree between the host
 * and a running machine. The guest's side is a child that joined the machine as nsbootctl enter
 * does and holds no more than the guest's root: every guest path is resolved there, never by the
 * host. The sides talk over a pipe (copy-stream.c); each writes into a temporary directory next to
 * the destination and renames the result into place when it is complete. A temporary directory is
 * locked while its copy lives; the next copy into that directory removes those of killed copies. */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "copy-stream.h"
#include "ctl.h"
#include "guest.h"
#include "log.h"

#define COPY_TEMP_PREFIX ".#nsbootctl-copy-"
#define COPY_TEMP_NAME_MAX (sizeof COPY_TEMP_PREFIX + 6)
#define COPY_DEPTH_MAX 512

/* A path split into the directory that holds it and its last name. */
typedef struct CopyPath {
        const char *path;
        char *dir;
        char *base;
} CopyPath;

static void copy_path_done(CopyPath *p) {
        free(p->dir);
        free(p->base);
}

/* "/var/log/" -> "/var", "log"; the root, "." and ".." name nothing to copy. */
static int copy_path_split(const char *path, bool guest, CopyPath *ret) {
        _cleanup_free_ char *s = strdup(path);
        char *slash;
        size_t n;

        if (!s)
                return log_oom();
        if (guest && s[0] != '/')
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s': a path in the machine must be absolute", path);
        for (n = strlen(s); n > 1 && s[n - 1] == '/'; n--)
                s[n - 1] = 0;
        slash = strrchr(s, '/');
        if (isempty(s) || streq(s, "/") || streq(slash ? slash + 1 : s, ".") || streq(slash ? slash + 1 : s, ".."))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' names no file to copy", path);
        ret->path = path;
        ret->base = strdup(slash ? slash + 1 : s);
        if (slash)
                *(slash == s ? slash + 1 : slash) = 0;
        ret->dir = strdup(slash ? s : ".");
        if (!ret->base || !ret->dir)
                return log_oom();
        return 0;
}

/* Closes every fd but the standard ones, keep and the guest's: a child that joins the guest
 * carries nothing else of the host in. */
static void close_other_fds(const Guest *g, int keep) {
        int prev = 2;

        for (int fd = 3; fd <= keep || fd < 1024; fd++) {
                if (fd != keep && !guest_owns_fd(g, fd))
                        continue;
                if (fd > prev + 1)
                        (void) syscall(SYS_close_range, prev + 1, fd - 1, 0);
                prev = fd;
        }
        (void) syscall(SYS_close_range, prev + 1, ~0U, 0);
}

/* In the child: the guest's root in its namespaces, with nothing but the pipe. Not dumpable, so
 * that the guest's root cannot trace it; it is in no namespace of the guest's PIDs, so the guest
 * does not see it at all. Logs. */
static int child_enter_guest(Guest *g, int fd, bool die_with_parent) {
        int devnull;

        if (die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                return log_error_errno(errno, "Failed to set the parent death signal: %m");
        if (prctl(PR_SET_DUMPABLE, 0) < 0)
                return log_error_errno(errno, "Failed to make the process undumpable: %m");
        devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull < 0 || dup2(devnull, STDIN_FILENO) < 0 || dup2(devnull, STDOUT_FILENO) < 0)
                return log_error_errno(errno, "Failed to open /dev/null: %m");
        close_other_fds(g, fd);
        if (guest_join(g) < 0 || guest_become_root(g) < 0)
                return -EPERM;
        /* the host's handles on the guest are of no more use */
        close_other_fds(&(const Guest) GUEST_INIT, fd);
        return 0;
}

/* A copy's temporary directory in dir, flock()ed for as long as the copy lives: a later copy tells
 * one of a killed nsbootctl (its lock gone with it) from one in use. A directory that a cleaner
 * (copy_temp_remove_stale()) took between its mkdir and our lock is gone when we get the lock:
 * then another. Returns its fd, with its name in ret_name. Non-logging. */
static int copy_temp_make(int dir, char ret_name[static COPY_TEMP_NAME_MAX]) {
        static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

        for (int attempt = 0; attempt < 64; attempt++) {
                _cleanup_close_ int fd = -EBADF;
                uint8_t rnd[6];
                struct stat a, b;
                char *p;

                if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
                        return -EIO;
                p = stpcpy(ret_name, COPY_TEMP_PREFIX);
                for (size_t i = 0; i < sizeof rnd; i++)
                        *p++ = chars[rnd[i] % (sizeof chars - 1)];
                *p = 0;
                if (mkdirat(dir, ret_name, 0700) < 0) {
                        if (errno == EEXIST)
                                continue;
                        return -errno;
                }
                fd = openat(dir, ret_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                        (void) unlinkat(dir, ret_name, AT_REMOVEDIR);
                        continue;
                }
                /* A file system without flock(): no cleaner can take it either. */
                while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
                        ;
                if (fstat(fd, &a) >= 0 && fstatat(dir, ret_name, &b, AT_SYMLINK_NOFOLLOW) >= 0 &&
                    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                        return TAKE_FD(fd);
        }
        return -EBUSY;
}

/* Removes the temporary directories in dir of copies that were killed (SIGKILL, both sides at
 * once): ours by name and owner, and locked by no one. Logs what it removes. */
static void copy_temp_remove_stale(int dir) {
        _cleanup_(closedirp) DIR *d = NULL;
        int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0 || !(d = fdopendir(fd))) {
                safe_close(fd);
                return;
        }
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_close_ int tmp = -EBADF;
                struct stat a, b;

                if (!startswith(de->d_name, COPY_TEMP_PREFIX))
                        continue;
                tmp = openat(dir, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (tmp < 0 || flock(tmp, LOCK_EX | LOCK_NB) < 0 || fstat(tmp, &a) < 0 || a.st_uid != geteuid() ||
                    fstatat(dir, de->d_name, &b, AT_SYMLINK_NOFOLLOW) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
                        continue;
                /* Removed while we hold its lock: a copy that just made it retries (copy_temp_make()). */
                if (remove_tree_at(dir, de->d_name, COPY_DEPTH_MAX) >= 0)
                        log_info("Removed '%s', left by a copy that was killed", de->d_name);
        }
}

/* Puts tmp/COPY_STREAM_ROOT at name in dir; with force, in exchange for what is there, which then
 * goes with tmp. */
static int copy_place(int dir, const char *tmp, const char *name, bool force) {
        _cleanup_free_ char *from = NULL;

        if (asprintf(&from, "%s/" COPY_STREAM_ROOT, tmp) < 0)
                return -ENOMEM;
        if (renameat2(dir, from, dir, name, RENAME_NOREPLACE) >= 0)
                return 0;
        if (errno != EEXIST || !force)
                return -errno;
        return RET_NERRNO(renameat2(dir, from, dir, name, RENAME_EXCHANGE));
}

static int refuse_existing(int dir, const char *name, const char *path, const char *where) {
        struct stat st;

        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return 0;
        return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "'%s' exists %s, use --force to replace it", path, where);
}

/* The guest's side of copy-to, in the child: received into a temporary directory next to the
 * destination, then renamed into place. Returns the exit status. */
static int guest_receive(Guest *g, const CopyPath *dst, const CopyPolicy *p, int fd, bool force) {
        _cleanup_close_ int dir = -EBADF, tmp_fd = -EBADF;
        char tmp[COPY_TEMP_NAME_MAX];
        int r;

        if (child_enter_guest(g, fd, false) < 0)
                return EXIT_FAILURE;
        if (chdir(dst->dir) < 0 || (dir = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                return log_error_errno(errno, "Cannot enter '%s' in the machine: %m", dst->dir), EXIT_FAILURE;
        if (!force && refuse_existing(dir, dst->base, dst->path, "in the machine") < 0)
                return EXIT_FAILURE;
        copy_temp_remove_stale(dir);
        /* before anything is made: a side that never got this far is simply killed at a cancel */
        if (copy_stream_signal_ready(fd) < 0)
                return EXIT_FAILURE;
        tmp_fd = copy_temp_make(dir, tmp);
        if (tmp_fd < 0)
                return log_error_errno(tmp_fd, "Cannot create a directory in '%s' in the machine: %m", dst->dir),
                       EXIT_FAILURE;
        r = fchdir(tmp_fd) < 0 ? log_error_errno(errno, "Cannot enter '%s': %m", tmp) : 0;
        if (r >= 0)
                r = copy_stream_receive(fd, p);
        if (fchdir(dir) < 0) /* back from wherever the failure left us */
                return log_error_errno(errno, "Cannot return to '%s': %m", dst->dir), EXIT_FAILURE;
        if (r >= 0) {
                r = copy_place(dir, tmp, dst->base, force);
                if (r < 0)
                        log_error_errno(r, "Cannot move the copy to '%s' in the machine: %m", dst->path);
        }
        (void) remove_tree_at(dir, tmp, COPY_DEPTH_MAX);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* The guest's side of copy-from, in the child. Returns the exit status. */
static int guest_send(Guest *g, const CopyPath *src, int fd) {
        if (child_enter_guest(g, fd, true) < 0)
                return EXIT_FAILURE;
        if (chdir(src->dir) < 0)
                return log_error_errno(errno, "Cannot enter '%s' in the machine: %m", src->dir), EXIT_FAILURE;
        if (copy_stream_check_source(src->base, src->path) < 0 || copy_stream_signal_ready(fd) < 0)
                return EXIT_FAILURE;
        /* the host stopped reading: it says why, this side just ends */
        signal(SIGPIPE, SIG_DFL);
        return copy_stream_send(fd, src->base, &(CopyPolicy) {}) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static void on_signal(int sig) {
}

/* SIGINT, SIGTERM and SIGHUP blocked, with a handler, so that only a wait that unblocks them (with
 * ppoll() and *ret_old) takes them: a Ctrl-C cancels the copy, which then cleans up. The child
 * inherits them blocked: its end comes from the pipe. */
static int block_cancel_signals(sigset_t *ret_old) {
        struct sigaction sa = { .sa_handler = on_signal };
        sigset_t set;

        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGHUP);
        if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0 ||
            sigaction(SIGHUP, &sa, NULL) < 0 || signal(SIGPIPE, SIG_IGN) == SIG_ERR)
                return log_error_errno(errno, "Failed to set up signal handling: %m");
        return RET_NERRNO(sigprocmask(SIG_BLOCK, &set, ret_old));
}

/* Waits for the guest's side; a cancel signal meanwhile kills it. Its exit status, or -errno. */
static int wait_guest(pid_t pid, const sigset_t *cancel_mask) {
        _cleanup_close_ int pidfd = syscall(SYS_pidfd_open, pid, 0);
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
        int status;

        if (pidfd >= 0 && ppoll(&pfd, 1, NULL, cancel_mask) < 0 && errno == EINTR) {
                log_error("Cancelled");
                (void) kill(pid, SIGKILL);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for the copy in the machine: %m");
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Forks the guest's side with one end of a socket pair; *ret_fd is the other end, once the guest's
 * side said that its checks passed. Else it is gone, having said why. */
static pid_t fork_guest_side(Guest *g, bool to_guest, const CopyPath *guest_path, const CopyPolicy *p,
                             bool force, const sigset_t *cancel_mask, int *ret_fd) {
        _cleanup_close_pair_ int pair[2] = { -EBADF, -EBADF };
        pid_t pid;
        int r;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
                return log_error_errno(errno, "Failed to make a socket pair: %m");
        pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Failed to fork: %m");
        if (pid == 0)
                _exit(to_guest ? guest_receive(g, guest_path, p, pair[0], force) : guest_send(g, guest_path, pair[0]));
        pair[0] = safe_close(pair[0]);
        r = copy_stream_wait_ready(pair[1], &(CopyPolicy) { .cancel_mask = cancel_mask });
        if (r <= 0) {
                /* it made nothing yet, and may be stuck (in a frozen cgroup, say) */
                if (r < 0)
                        (void) kill(pid, SIGKILL);
                pair[1] = safe_close(pair[1]);
                (void) wait_guest(pid, cancel_mask);
                if (r == -ECANCELED)
                        log_error("Cancelled");
                return r < 0 ? r : -EIO;
        }
        *ret_fd = TAKE_FD(pair[1]);
        return pid;
}

/* The ids the guest's user namespace has (all of them without one), from its PID 1's maps. */
static int read_id_ranges(pid_t leader, const char *which, CopyIdRange **ret, size_t *ret_n) {
        _cleanup_free_ char *text = NULL;
        char path[64];

        snprintf(path, sizeof path, "/proc/%d/%s", (int) leader, which);
        if (read_full_file(path, &text, NULL) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Failed to read %s", path);
        return copy_id_ranges_parse(text, ret, ret_n) < 0 ? log_oom() : 0;
}

static int copy_to(const MachineState *m, Guest *g, const CopyPath *host, const CopyPath *guest, bool force,
                   const sigset_t *cancel_mask) {
        _cleanup_free_ CopyIdRange *uids = NULL, *gids = NULL;
        _cleanup_close_ int fd = -EBADF;
        CopyPolicy p = { .cancel_mask = cancel_mask }, child;
        pid_t pid;
        int r, status;

        r = read_id_ranges(m->leader, "uid_map", &uids, &p.n_uids);
        if (r >= 0)
                r = read_id_ranges(m->leader, "gid_map", &gids, &p.n_gids);
        if (r < 0)
                return r;
        p.uids = uids;
        p.gids = gids;
        if (chdir(host->dir) < 0)
                return log_error_errno(errno, "Cannot enter '%s': %m", host->dir);
        /* the guest's side ends with the stream, never at a signal: it has a directory to clean up */
        child = p;
        child.cancel_mask = NULL;
        r = copy_stream_check_source(host->base, host->path);
        if (r < 0)
                return r;
        pid = fork_guest_side(g, true, guest, &child, force, cancel_mask, &fd);
        if (pid < 0)
                return pid;
        r = copy_stream_send(fd, host->base, &p);
        fd = safe_close(fd); /* the end of the stream, or a cut one: the guest's side cleans up */
        status = wait_guest(pid, cancel_mask);
        if (status < 0)
                return status;
        if (status != 0)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Copying '%s' to '%s' in machine %s failed", host->path,
                                       guest->path, m->name);
        return r;
}

static int copy_from(const MachineState *m, Guest *g, const CopyPath *guest, const CopyPath *host, bool force,
                     const sigset_t *cancel_mask) {
        _cleanup_close_ int dir = -EBADF, fd = -EBADF, tmp_fd = -EBADF;
        char tmp[COPY_TEMP_NAME_MAX];
        pid_t pid;
        int r, status;

        dir = open(host->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return log_error_errno(errno, "Cannot open '%s': %m", host->dir);
        if (!force && (r = refuse_existing(dir, host->base, host->path, "on the host")) < 0)
                return r;
        copy_temp_remove_stale(dir);
        tmp_fd = copy_temp_make(dir, tmp);
        if (tmp_fd < 0)
                return log_error_errno(tmp_fd, "Cannot create a directory in '%s': %m", host->dir);
        pid = fork_guest_side(g, false, guest, NULL, false, cancel_mask, &fd);
        r = pid < 0 ? (int) pid : fchdir(tmp_fd) < 0 ? log_error_errno(errno, "Cannot enter '%s': %m", tmp) : 0;
        if (r >= 0)
                r = copy_stream_receive(fd, &(CopyPolicy) { .untrusted = true, .cancel_mask = cancel_mask });
        fd = safe_close(fd);
        /* the guest's side has nothing to clean up, and may be stuck (stopped, or reading a file
         * that never ends): it goes */
        if (r < 0 && pid > 0)
                (void) kill(pid, SIGKILL);
        status = pid > 0 ? wait_guest(pid, cancel_mask) : 0;
        if (r >= 0 && status != 0)
                r = log_error_errno(SYNTHETIC_ERRNO(EIO), "Copying '%s' from machine %s failed", guest->path, m->name);
        if (r >= 0) {
                r = copy_place(dir, tmp, host->base, force);
                if (r < 0)
                        log_error_errno(r, "Cannot move the copy to '%s': %m", host->path);
        }
        (void) remove_tree_at(dir, tmp, COPY_DEPTH_MAX);
        return r;
}

/* copy-to NAME HOST [GUEST], copy-from NAME GUEST [HOST]: a missing path is the same on the
 * other side. */
static int copy_verb(const CtlArgs *a, bool to_guest) {
        _cleanup_(machine_state_done) MachineState m = {};
        _cleanup_(copy_path_done) CopyPath src = {}, dst = {};
        Guest g = GUEST_INIT;
        sigset_t old;
        int r;

        r = copy_path_split(a->args[2], !to_guest, &src);
        if (r >= 0)
                r = copy_path_split(a->args[3] ?: a->args[2], to_guest, &dst);
        if (r >= 0)
                r = ctl_machine_get(a->args[1], &m);
        if (r >= 0)
                r = ctl_refuse_frozen(&m, "a copy");
        if (r >= 0)
                r = guest_open(&m, &g);
        /* before a child joins the guest, where dlopen() would search the guest's library paths */
        if (r >= 0)
                r = copy_stream_load();
        if (r >= 0)
                r = block_cancel_signals(&old);
        if (r >= 0)
                r = to_guest ? copy_to(&m, &g, &src, &dst, a->force, &old) : copy_from(&m, &g, &src, &dst, a->force, &old);
        guest_done(&g);
        return r;
}

int verb_copy_to(const CtlArgs *a) {
        return copy_verb(a, true);
}

int verb_copy_from(const CtlArgs *a) {
        return copy_verb(a, false);
}
