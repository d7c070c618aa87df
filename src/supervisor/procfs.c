/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/process-util.h"
#include "log.h"
#include "mount.h"
#include "procfs-view.h"
#include "procfs.h"
#include "seccomp-notify.h"

/* Linux 6.14: the server may ask for a timeout after which the kernel aborts the connection
 * instead of letting callers wait for an answer that does not come (fuse_init_out.request_timeout,
 * in seconds, after max_stack_depth; include/uapi/linux/fuse.h 7.43). */
#define PROCFS_FUSE_REQUEST_TIMEOUT (1ULL << 42)
#define PROCFS_TIMEOUT_SEC 20
#define PROCFS_HANDLES_MAX 256
#define PROCFS_BUF_SIZE (FUSE_MIN_READ_BUFFER + 4096)
#define PROCFS_LOAD_INTERVAL_USEC (5 * 1000 * 1000ULL)
#define ROOT_NODE FUSE_ROOT_ID
#define FILE_NODE(f) ((uint64_t) (f) + 2)
#define STAGE_DIR "/run/.nsboot-procfs"
/* The size the files claim. Reads go through the page cache (a shell's byte-by-byte reads would
 * otherwise each be a round trip to us), dropped at every open (no FOPEN_KEEP_CACHE), and the kernel
 * reads no further than i_size: the first short read shrinks i_size to the content's length, and
 * each open grows it back (grow_size()). */
#define PROCFS_FILE_SIZE (16 * 1024 * 1024ULL)

typedef struct Handle {
        char *data;
        size_t size;
        bool used;
} Handle;

struct Procfs {
        int fuse_fd;
        bool uptime;
        EventSource *io, *timer, *sysinfo;
        ProcfsView view;
        Handle handles[PROCFS_HANDLES_MAX];
        uint8_t buf[PROCFS_BUF_SIZE];
};

bool procfs_supported(void) {
        _cleanup_free_ char *fs = NULL;

        return access("/dev/fuse", R_OK | W_OK) >= 0 && read_full_file("/proc/filesystems", &fs, NULL) >= 0 &&
               strstr(fs, "\tfuse\n");
}

static bool serves(const Procfs *p, uint64_t node) {
        return node == ROOT_NODE ||
               (node >= FILE_NODE(0) && node < FILE_NODE(_PROCFS_FILE_MAX) &&
                (p->uptime || node != FILE_NODE(PROCFS_UPTIME)));
}

static int reply(Procfs *p, uint64_t unique, int error, const void *data, size_t size) {
        struct fuse_out_header h = { .len = sizeof h + (error ? 0 : size), .error = error, .unique = unique };
        struct iovec iov[2] = { { &h, sizeof h }, { (void *) data, error ? 0 : size } };

        /* ENOENT: the caller gave up (interrupted) meanwhile */
        if (writev(p->fuse_fd, iov, 2) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

static void fill_attr(const Procfs *p, uint64_t node, struct fuse_attr *a) {
        *a = (struct fuse_attr) { .ino = node, .nlink = node == ROOT_NODE ? 2 : 1, .blksize = 4096,
                                  .mode = node == ROOT_NODE ? S_IFDIR | 0555 : S_IFREG | 0444,
                                  .size = node == ROOT_NODE ? 0 : PROCFS_FILE_SIZE,
                                  .atime = time(NULL), .mtime = time(NULL), .ctime = time(NULL) };
}

static int on_init(Procfs *p, const struct fuse_in_header *h, const void *in) {
        const struct fuse_init_in *i = in;
        struct fuse_init_out o = { .major = FUSE_KERNEL_VERSION, .max_write = 4096, .time_gran = 1,
                                   .max_background = 16, .congestion_threshold = 12 };
        uint16_t timeout = PROCFS_TIMEOUT_SEC;

        if (i->major != FUSE_KERNEL_VERSION)
                return reply(p, h->unique, -EPROTO, NULL, 0);
        o.minor = MIN(i->minor, (uint32_t) FUSE_KERNEL_MINOR_VERSION);
        o.max_readahead = i->max_readahead;
        /* One listing of the root looks up every file (procfs_bind() lists it once) */
        o.flags |= i->flags & FUSE_DO_READDIRPLUS;
        if (i->flags & FUSE_INIT_EXT) {
                o.flags |= FUSE_INIT_EXT;
                if (i->flags2 & (uint32_t) (PROCFS_FUSE_REQUEST_TIMEOUT >> 32)) {
                        o.flags2 |= (uint32_t) (PROCFS_FUSE_REQUEST_TIMEOUT >> 32);
                        memcpy((uint8_t *) o.unused + sizeof(uint32_t), &timeout, sizeof timeout);
                }
        }
        return reply(p, h->unique, 0, &o, sizeof o);
}

static int on_lookup(Procfs *p, const struct fuse_in_header *h, const char *name) {
        struct fuse_entry_out e = { .entry_valid = 86400, .attr_valid = 86400 };

        if (h->nodeid != ROOT_NODE)
                return reply(p, h->unique, -ENOENT, NULL, 0);
        for (ProcfsFile f = 0; f < _PROCFS_FILE_MAX; f++)
                if (streq(procfs_file_name(f), name) && serves(p, FILE_NODE(f))) {
                        e.nodeid = FILE_NODE(f);
                        fill_attr(p, e.nodeid, &e.attr);
                        return reply(p, h->unique, 0, &e, sizeof e);
                }
        return reply(p, h->unique, -ENOENT, NULL, 0);
}

static int on_getattr(Procfs *p, const struct fuse_in_header *h) {
        struct fuse_attr_out a = { .attr_valid = 86400 };

        if (!serves(p, h->nodeid))
                return reply(p, h->unique, -ENOENT, NULL, 0);
        fill_attr(p, h->nodeid, &a.attr);
        return reply(p, h->unique, 0, &a, sizeof a);
}

static int on_opendir(Procfs *p, const struct fuse_in_header *h) {
        struct fuse_open_out o = {};

        if (h->nodeid != ROOT_NODE)
                return reply(p, h->unique, -ENOTDIR, NULL, 0);
        return reply(p, h->unique, 0, &o, sizeof o);
}

/* The root's files from the offset on, each with its entry and attributes, as LOOKUP would give
 * them: the kernel makes their dentries, and the binds that follow find them without asking. */
static int on_readdirplus(Procfs *p, const struct fuse_in_header *h, const struct fuse_read_in *in) {
        uint8_t out[4096];
        size_t n = 0;

        if (h->nodeid != ROOT_NODE)
                return reply(p, h->unique, -ENOTDIR, NULL, 0);
        for (ProcfsFile f = 0; f < _PROCFS_FILE_MAX; f++) {
                const char *name = procfs_file_name(f);
                struct fuse_direntplus *d = (struct fuse_direntplus *) (out + n);
                size_t size = FUSE_DIRENTPLUS_SIZE(&(struct fuse_direntplus) { .dirent.namelen = strlen(name) });

                if ((uint64_t) f < in->offset || !serves(p, FILE_NODE(f)))
                        continue;
                if (n + size > MIN(sizeof out, (size_t) in->size))
                        break;
                memset(d, 0, size);
                d->entry_out = (struct fuse_entry_out) { .nodeid = FILE_NODE(f), .entry_valid = 86400,
                                                         .attr_valid = 86400 };
                fill_attr(p, FILE_NODE(f), &d->entry_out.attr);
                d->dirent = (struct fuse_dirent) { .ino = FILE_NODE(f), .off = (uint64_t) f + 1,
                                                   .namelen = (uint32_t) strlen(name), .type = DT_REG };
                memcpy(d->dirent.name, name, strlen(name));
                n += size;
        }
        return reply(p, h->unique, 0, out, n);
}

/* FUSE_NOTIFY_STORE of one byte at the end extends the inode's i_size again (fuse_notify_store()). */
static void grow_size(Procfs *p, uint64_t node) {
        struct {
                struct fuse_out_header h;
                struct fuse_notify_store_out s;
                uint8_t byte;
        } __attribute__((packed)) n = { .h = { .len = sizeof n, .error = FUSE_NOTIFY_STORE },
                         .s = { .nodeid = node, .offset = PROCFS_FILE_SIZE - 1, .size = 1 } };

        (void) write(p->fuse_fd, &n, sizeof n);
}

/* The whole file is rendered at open, so that reads at any offset see one consistent snapshot (two
 * processes reading the same file at once may both see the one rendered for the first). */
static int on_open(Procfs *p, const struct fuse_in_header *h, const struct fuse_open_in *in) {
        struct fuse_open_out o = {};
        size_t slot;
        int r;

        if (h->nodeid == ROOT_NODE || !serves(p, h->nodeid))
                return reply(p, h->unique, -ENOENT, NULL, 0);
        if ((in->flags & O_ACCMODE) != O_RDONLY)
                return reply(p, h->unique, -EACCES, NULL, 0);
        for (slot = 0; slot < PROCFS_HANDLES_MAX && p->handles[slot].used; slot++)
                ;
        if (slot == PROCFS_HANDLES_MAX)
                return reply(p, h->unique, -ENFILE, NULL, 0);
        r = procfs_view_render(&p->view, (ProcfsFile) (h->nodeid - 2), &p->handles[slot].data, &p->handles[slot].size);
        if (r < 0)
                return reply(p, h->unique, r, NULL, 0);
        p->handles[slot].used = true;
        o.fh = slot;
        grow_size(p, h->nodeid);
        return reply(p, h->unique, 0, &o, sizeof o);
}

static Handle *handle_of(Procfs *p, uint64_t fh) {
        return fh < PROCFS_HANDLES_MAX && p->handles[fh].used ? &p->handles[fh] : NULL;
}

static int on_read(Procfs *p, const struct fuse_in_header *h, const struct fuse_read_in *in) {
        Handle *hd = handle_of(p, in->fh);

        if (!hd)
                return reply(p, h->unique, -EBADF, NULL, 0);
        if (in->offset >= hd->size)
                return reply(p, h->unique, 0, NULL, 0);
        return reply(p, h->unique, 0, hd->data + in->offset, MIN((size_t) in->size, hd->size - in->offset));
}

static int on_release(Procfs *p, const struct fuse_in_header *h, const struct fuse_release_in *in) {
        Handle *hd = handle_of(p, in->fh);

        if (hd) {
                free(hd->data);
                *hd = (Handle) {};
        }
        return reply(p, h->unique, 0, NULL, 0);
}

static int dispatch(Procfs *p, const struct fuse_in_header *h, const void *in) {
        struct fuse_statfs_out st = { .st = { .bsize = 4096, .frsize = 4096, .namelen = 255 } };

        switch (h->opcode) {
        case FUSE_INIT:
                return on_init(p, h, in);
        case FUSE_LOOKUP:
                return on_lookup(p, h, in);
        case FUSE_GETATTR:
                return on_getattr(p, h);
        case FUSE_OPEN:
                return on_open(p, h, in);
        case FUSE_READ:
                return on_read(p, h, in);
        case FUSE_RELEASE:
                return on_release(p, h, in);
        case FUSE_OPENDIR:
                return on_opendir(p, h);
        case FUSE_READDIRPLUS:
                return on_readdirplus(p, h, in);
        case FUSE_RELEASEDIR:
                return reply(p, h->unique, 0, NULL, 0);
        case FUSE_STATFS:
                return reply(p, h->unique, 0, &st, sizeof st);
        case FUSE_FORGET:
        case FUSE_BATCH_FORGET:
        case FUSE_INTERRUPT: /* every answer is immediate: nothing to interrupt */
                return 0;
        case FUSE_DESTROY:
                return reply(p, h->unique, 0, NULL, 0);
        default:
                return reply(p, h->unique, -ENOSYS, NULL, 0);
        }
}

/* Reads and answers the requests there are. -ENODEV once the file system is gone. */
static int process(Procfs *p) {
        for (;;) {
                ssize_t n = read(p->fuse_fd, p->buf, sizeof p->buf);
                const struct fuse_in_header *h = (const void *) p->buf;
                int r;

                if (n < 0 && IN_SET(errno, EAGAIN, EINTR, ENOENT))
                        return 0;
                if (n < 0)
                        return -errno;
                if ((size_t) n < sizeof *h || h->len != (size_t) n)
                        return -EPROTO;
                /* NUL-terminate names (lookup) */
                if ((size_t) n < sizeof p->buf)
                        p->buf[n] = 0;
                r = dispatch(p, h, p->buf + sizeof *h);
                if (r < 0)
                        return r;
        }
}

int procfs_pump(Procfs *p, int fd) {
        struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = p ? p->fuse_fd : -1, .events = POLLIN } };

        for (;;) {
                int r;

                if (stop_signal_pending())
                        return log_error_errno(SYNTHETIC_ERRNO(EINTR), "Stopped while the container was being set up");
                /* A readable fd returns at once; the timeout only bounds the wait for a signal. */
                r = poll(pfd, 2, 100);
                if (r == 0)
                        continue;
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(errno, "Failed to wait for the container's setup: %m");
                }
                if (pfd[1].revents) {
                        r = process(p);
                        /* Unmounted: the child is gone, its step on the sync socket says why. */
                        if (r == -ENODEV)
                                pfd[1].fd = -1;
                        else if (r < 0)
                                return log_error_errno(r, "The guest's /proc view failed: %m");
                }
                if (pfd[0].revents)
                        return 0;
        }
}

static int on_fuse(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Procfs *p = userdata;
        int r = process(p);

        if (r == -ENODEV) /* unmounted: the guest's mount namespace is gone */
                return event_source_set_enabled(s, EVENT_OFF);
        if (r < 0)
                log_warning_errno(r, "The guest's /proc view failed, ignoring: %m");
        return 0;
}

static int on_load_timer(EventSource *s, uint64_t usec, void *userdata) {
        Procfs *p = userdata;

        procfs_view_sample_load(&p->view);
        return event_source_set_time_relative(s, PROCFS_LOAD_INTERVAL_USEC);
}

int procfs_attach_event(Procfs *p, Event *e) {
        int r;

        if (!p)
                return 0;
        r = event_add_io(e, &p->io, p->fuse_fd, EPOLLIN, on_fuse, p);
        if (r >= 0)
                r = event_add_time_relative(e, &p->timer, CLOCK_MONOTONIC, PROCFS_LOAD_INTERVAL_USEC, 0,
                                               on_load_timer, p);
        if (r >= 0)
                r = event_source_set_enabled(p->timer, EVENT_ON);
        if (r < 0)
                return log_error_errno(r, "Failed to serve the guest's /proc view: %m");
        return 0;
}

/* The FUSE superblock as a detached mount (fsopen/fsconfig/fsmount, Linux 5.2). Non-logging. */
static int make_mount(int fuse_fd) {
        _cleanup_close_ int fs = fsopen("fuse", FSOPEN_CLOEXEC);
        char fdstr[16];
        int mnt;

        if (fs < 0)
                return -errno;
        snprintf(fdstr, sizeof fdstr, "%d", fuse_fd);
        if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "nsboot", 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "subtype", "nsboot-proc", 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "fd", fdstr, 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "rootmode", "40555", 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "user_id", "0", 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_STRING, "group_id", "0", 0) < 0 ||
            /* the guest's users, in a user namespace too */
            fsconfig(fs, FSCONFIG_SET_FLAG, "allow_other", NULL, 0) < 0 ||
            fsconfig(fs, FSCONFIG_SET_FLAG, "default_permissions", NULL, 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        return mnt < 0 ? -errno : mnt;
}

int procfs_new(const CGroup *cg, bool uptime, Procfs **ret, int *ret_mount_fd) {
        _cleanup_(procfs_freep) Procfs *p = calloc(1, sizeof *p);
        struct timespec ts;
        int mnt, r;

        if (!p)
                return log_oom();
        p->fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC | O_NONBLOCK);
        if (p->fuse_fd < 0)
                return log_error_errno(errno, "Failed to open /dev/fuse for the guest's /proc view "
                                       "(nsboot.proc.virtualize = no turns it off): %m");
        mnt = make_mount(p->fuse_fd);
        if (mnt < 0)
                return log_error_errno(mnt, "Failed to make the FUSE file system of the guest's /proc view: %m");
        /* The kernel queued FUSE_INIT at the mount: answered now, the child's first request need
         * not wait for it. */
        r = process(p);
        if (r < 0) {
                safe_close(mnt);
                return log_error_errno(r, "Failed to start the guest's /proc view: %m");
        }
        (void) clock_gettime(CLOCK_BOOTTIME, &ts);
        p->view = (ProcfsView) { .cg = cg, .start_usec = (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000,
                                 .timens = !uptime };
        p->uptime = uptime;
        *ret_mount_fd = mnt;
        *ret = TAKE_PTR(p);
        return 0;
}

int procfs_serve_sysinfo(Procfs *p, Event *e, int fd) {
        return seccomp_notify_attach(e, fd, procfs_sysinfo, p, &p->sysinfo);
}

int procfs_sysinfo(void *userdata, pid_t pid _unused_, struct sysinfo *ret) {
        Procfs *p = userdata;

        return procfs_view_sysinfo(&p->view, ret);
}

Procfs *procfs_free(Procfs *p) {
        if (!p)
                return NULL;
        event_source_disable_unref(p->io);
        event_source_disable_unref(p->timer);
        event_source_disable_unref(p->sysinfo);
        /* Closing the device aborts the connection: whatever still waits on it gets an error. */
        safe_close(p->fuse_fd);
        for (size_t i = 0; i < PROCFS_HANDLES_MAX; i++)
                free(p->handles[i].data);
        free(p);
        return NULL;
}

/* Each file straight from the detached mount (open_tree() of a path below a detached mount, Linux
 * 6.15 or so): no staging mount point, so no umount2(), which waits for an RCU grace period. 1 if
 * done, 0 if the kernel refuses (EINVAL: the caller stages instead), -errno on other failures. */
static int bind_detached(int mount_fd, const char *root, bool uptime) {
        bool first = true;

        /* One READDIRPLUS for all the files (each would be a LOOKUP, a round trip to the parent). */
        {
                _cleanup_close_ int dir = openat(mount_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                uint8_t buf[4096];

                if (dir >= 0)
                        (void) getdents64(dir, buf, sizeof buf);
        }

        for (ProcfsFile f = 0; f < _PROCFS_FILE_MAX; f++) {
                _cleanup_free_ char *dst = path_join(root, procfs_file_target(f));
                _cleanup_close_ int fd = -EBADF;
                int r;

                if (f == PROCFS_UPTIME && !uptime)
                        continue;
                if (!dst)
                        return log_oom();
                if (access(dst, F_OK) < 0) /* e.g. no cpu/online in this kernel's sysfs */
                        continue;
                fd = open_tree(mount_fd, procfs_file_name(f), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
                if (fd < 0 && errno == EINVAL && first)
                        return 0;
                first = false;
                if (fd < 0)
                        return log_error_errno(errno, "Failed to clone the /proc view's %s: %m", procfs_file_name(f));
                r = mount_attach(fd, dst);
                if (r < 0)
                        return r;
        }
        return 1;
}

int procfs_bind(int mount_fd, const char *root, bool uptime) {
        _cleanup_free_ char *stage = NULL;
        int r;

        r = bind_detached(mount_fd, root, uptime);
        if (r != 0)
                return r < 0 ? r : 0;
        stage = path_join(root, STAGE_DIR);
        if (!stage)
                return log_oom();
        if (mkdir(stage, 0700) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s: %m", stage);
        if (move_mount(mount_fd, "", AT_FDCWD, stage, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return log_error_errno(errno, "Failed to attach the /proc view at %s: %m", stage);
        for (ProcfsFile f = 0; f < _PROCFS_FILE_MAX && r >= 0; f++) {
                _cleanup_free_ char *src = NULL, *dst = path_join(root, procfs_file_target(f));

                if (f == PROCFS_UPTIME && !uptime)
                        continue;
                if (!dst || asprintf(&src, "%s/%s", stage, procfs_file_name(f)) < 0)
                        r = log_oom();
                else if (access(dst, F_OK) >= 0) /* e.g. no cpu/online in this kernel's sysfs */
                        r = mount_verbose(src, dst, NULL, MS_BIND, NULL);
        }
        /* The binds keep the file system; its own mount point goes. */
        if (umount2(stage, MNT_DETACH) < 0)
                log_warning_errno(errno, "Failed to detach %s, ignoring: %m", stage);
        (void) rmdir(stage);
        return r;
}
