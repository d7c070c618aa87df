/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "bind-user.h"
#include "custom-mount.h"
#include "dev.h"
#include "hide.h"
#include "hooks.h"
#include "journal-link.h"
#include "log.h"
#include "mount.h"
#include "mount-lock.h"
#include "netdev.h"
#include "credentials.h"
#include "host-files.h"
#include "notify.h"
#include "procfs.h"
#include "seccomp-notify.h"
#include "personality.h"
#include "stage-child.h"
#include "stage-init.h"
#include "sync.h"
#include "rootfs.h"
#include "timens.h"
#include "tunnel.h"

static int loopback_up(void) {
        struct ifreq ifr = { .ifr_name = "lo" };
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return log_error_errno(errno, "Failed to query the loopback interface: %m");
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return log_error_errno(errno, "Failed to bring the loopback interface up: %m");
        return 0;
}

static int write_host_file(const char *root, const char *name, const char *content) {
        _cleanup_free_ char *p = NULL;
        int r;

        if (asprintf(&p, "%s/run/host/%s", root, name) < 0)
                return log_oom();
        r = write_file_mode(p, content, 0444);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", p);
        return 0;
}

/* /run/host: what the guest may know about its host and manager (systemd's container interface). */
static int setup_run_host(const char *root, Id128 uuid) {
        _cleanup_free_ char *dir = path_join(root, "/run/host"), *osrel = NULL;
        const char *host_osrel = access("/etc/os-release", F_OK) >= 0 ? "/etc/os-release" : "/usr/lib/os-release";
        char id[ID128_UUID_STRING_MAX + 1];
        int r;

        if (!dir || asprintf(&osrel, "%s/os-release", dir) < 0)
                return log_oom();
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s: %m", dir);
        r = write_host_file(root, "container-manager", "nsboot\n");
        if (r < 0)
                return r;
        snprintf(id, sizeof id, "%s\n", id128_to_uuid_string(uuid, (char[ID128_UUID_STRING_MAX]) {}));
        r = write_host_file(root, "container-uuid", id);
        if (r < 0)
                return r;
        if (access(host_osrel, F_OK) >= 0) {
                if (touch_file(osrel, 0444) < 0)
                        return log_error_errno(errno, "Failed to create %s: %m", osrel);
                r = mount_verbose(host_osrel, osrel, NULL, MS_BIND, NULL);
                if (r < 0)
                        return r;
                r = mount_verbose(NULL, osrel, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                  NULL);
                if (r < 0)
                        return r;
        }
        return mount_make_inaccessible(root);
}

/* /dev/tty1..N, each a pty of the container's devpts whose master the parent keeps; the guest's
 * systemd starts a getty on each, as it learns from $container_ttys. */
static int setup_ttys(ChildParams *p) {
        const Settings *s = p->settings;
        size_t n = 0;

        if (s->tty_max == 0)
                return 0;
        p->container_ttys = calloc(s->tty_max, 8);
        if (!p->container_ttys)
                return log_oom();
        for (unsigned i = 1; i <= s->tty_max; i++) {
                _cleanup_close_ int master = -EBADF;
                char name[16];
                int pts, r;

                snprintf(name, sizeof name, "tty%u", i);
                r = dev_setup_pty(ROOTFS_STAGING_DIR, name, &master, &pts);
                if (r < 0)
                        return r;
                r = sync_send(p->sync_fd, SYNC_TTY_MASTER, (int) i, master);
                if (r < 0)
                        return log_error_errno(r, "Failed to pass /dev/%s to the parent: %m", name);
                n += (size_t) sprintf(p->container_ttys + n, "%spts/%d", n ? " " : "", pts);
        }
        return 0;
}

/* The detached mounts the parent makes for the child (see send_mounts() in container.c). */
typedef struct ParentMounts {
        int root, sysfs, tunnel, journal;
        int binds[CUSTOM_MOUNTS_MAX];   /* by index in Settings.mounts, -EBADF when not sent */
        int homes[BIND_USER_MAX];       /* by index in the bound users */
} ParentMounts;

static void parent_mounts_done(ParentMounts *m) {
        safe_close(m->root);
        safe_close(m->sysfs);
        safe_close(m->tunnel);
        safe_close(m->journal);
        for (size_t i = 0; i < ELEMENTSOF(m->binds); i++)
                safe_close(m->binds[i]);
        for (size_t i = 0; i < ELEMENTSOF(m->homes); i++)
                safe_close(m->homes[i]);
}

static int *parent_mount_slot(ParentMounts *m, const SyncMessage *msg) {
        switch (msg->step) {
        case SYNC_SYSFS:
                return &m->sysfs;
        case SYNC_TUNNEL:
                return &m->tunnel;
        case SYNC_JOURNAL:
                return &m->journal;
        case SYNC_ROOTFS:
                return &m->root;
        case SYNC_BIND_SOURCE:
                return msg->value >= 0 && msg->value < CUSTOM_MOUNTS_MAX ? &m->binds[msg->value] : NULL;
        case SYNC_BIND_USER_HOME:
                return msg->value >= 0 && msg->value < (int) BIND_USER_MAX ? &m->homes[msg->value] : NULL;
        default:
                return NULL;
        }
}

/* Collects the parent's mounts up to SYNC_ROOTFS, its last step before the child goes on. Logs. */
static int receive_mounts(ChildParams *p, ParentMounts *ret) {
        for (;;) {
                _cleanup_close_ int fd = -EBADF;
                SyncMessage m;
                int *slot, r;

                r = sync_recv(p->sync_fd, &m, &fd);
                if (r <= 0)
                        return log_error_errno(r < 0 ? r : -EPIPE, "Failed to wait for the parent: %m");
                slot = parent_mount_slot(ret, &m);
                if (!slot || fd < 0 || *slot >= 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EPROTO), "Unexpected step %u from the parent",
                                               m.step);
                *slot = TAKE_FD(fd);
                if (m.step == SYNC_ROOTFS)
                        return 0;
        }
}

/* In a new user namespace the child starts as an unmapped id; once the parent wrote the maps it
 * becomes the guest's root, whose files on the tmpfs mounts it makes are owned by the guest. The
 * kernel forgets the parent-death signal on a change of ids: arm it again (had nsboot died in
 * between, the next step on the sync socket fails). */
static int become_guest_root(void) {
        if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
                return log_error_errno(errno, "Failed to become root of the user namespace: %m");
        (void) prctl(PR_SET_DUMPABLE, 1);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                return log_error_errno(errno, "Failed to set the parent-death signal: %m");
        return 0;
}

/* Without clone3()'s CLONE_INTO_CGROUP, or on a hybrid host (cgroups in v1 hierarchies too), the
 * parent puts the child into the machine's cgroups while the child sets up; the child makes its
 * cgroup namespace once it is in them, rooted there (never at a v1 hierarchy's root, where
 * release_agent is). Once; logs. */
static int join_cgroups(ChildParams *p) {
        int r;

        if (p->in_cgroup)
                return 0;
        r = sync_expect(p->sync_fd, SYNC_CGROUP_DONE);
        if (r < 0)
                return log_error_errno(r, "Failed to wait for the parent: %m");
        if (unshare(CLONE_NEWCGROUP) < 0)
                return log_error_errno(errno, "Failed to create a cgroup namespace: %m");
        p->in_cgroup = true;
        return 0;
}

/* Everything between clone() and execve(). Logs. */
static int child_setup(ChildParams *p) {
        const Settings *s = p->settings;
        const char *root = ROOTFS_STAGING_DIR;
        _cleanup_(parent_mounts_done) ParentMounts pm = { .root = -EBADF, .sysfs = -EBADF, .tunnel = -EBADF,
                                                          .journal = -EBADF };
        MountContext ctx = { .private_network = s->private_network, .foreign_ipc = s->ipc_ns_path && p->userns,
                             .pty_max = s->pty_max, .dev_size = s->dev_size };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(pm.binds); i++)
                pm.binds[i] = -EBADF;
        for (size_t i = 0; i < ELEMENTSOF(pm.homes); i++)
                pm.homes[i] = -EBADF;
        r = receive_mounts(p, &pm);
        if (r < 0)
                return r;
        if (p->userns) {
                r = become_guest_root();
                if (r < 0)
                        return r;
        }
        ctx.sysfs_fd = pm.sysfs;
        /* A hook's processes belong in the machine's cgroups. */
        if (s->hooks[HOOK_PRE_MOUNT] && (r = join_cgroups(p)) < 0)
                return r;
        if ((r = hooks_run(s, HOOK_PRE_MOUNT, 0, NULL)) < 0)
                return r;
        r = mount_prepare_root(root, pm.root);
        if (r < 0)
                return r;
        if (s->pivot_root && (r = mount_pivot_subdir(root, s->pivot_root, s->pivot_root_old)) < 0)
                return r;
        r = mount_apply_phase(root, MOUNT_PHASE_EARLY, &ctx);
        if (r < 0)
                return r;
        r = dev_setup(root);
        if (r < 0)
                return r;
        r = setup_run_host(root, p->uuid);
        if (r < 0)
                return r;
        r = credentials_setup(root, &s->credentials);
        if (r < 0)
                return r;
        r = bind_users_setup(p->bind_users, root);
        if (r < 0)
                return r;
        r = tunnel_make_mount_point(root);
        if (r < 0)
                return r;
        r = notify_bind(root);
        if (r < 0)
                return r;
        {
                _cleanup_close_ int nfd = r;

                r = sync_send(p->sync_fd, SYNC_NOTIFY_SOCKET, 0, nfd);
                if (r < 0)
                        return log_error_errno(r, "Failed to pass the notify socket to the parent: %m");
        }
        if (p->use_pty) {
                _cleanup_close_ int master = -EBADF;

                r = dev_setup_console(root, &master);
                if (r < 0)
                        return r;
                r = sync_send(p->sync_fd, SYNC_PTY_MASTER, 0, master);
                if (r < 0)
                        return log_error_errno(r, "Failed to pass the console to the parent: %m");
        }
        r = setup_ttys(p);
        if (r < 0)
                return r;
        /* /sys/fs/cgroup is mounted in the cgroup namespace. */
        r = join_cgroups(p);
        if (r < 0)
                return r;
        r = mount_apply_phase(root, MOUNT_PHASE_API, &ctx);
        if (r < 0)
                return r;
        if (p->procfs_mount_fd >= 0) {
                r = procfs_bind(p->procfs_mount_fd, root, !s->private_time);
                if (r < 0)
                        return r;
        }
        /* On top of the read-only /run/host, so no later bind copies it. */
        r = tunnel_bind(pm.tunnel, root);
        if (r < 0)
                return r;
        r = bind_users_mount_homes(p->bind_users, pm.homes, root);
        if (r < 0)
                return r;
        if (pm.journal >= 0) {
                r = journal_link_bind(pm.journal, root, p->uuid);
                if (r < 0)
                        return r;
        }
        r = custom_mounts_apply(&s->mounts, pm.binds, root);
        if (r < 0)
                return r;
        r = hide_paths(s->proc_hide, root);
        if (r < 0)
                return r;
        r = host_files_setup(root, s);
        if (r < 0)
                return r;
        if ((r = hooks_run(s, HOOK_MOUNT, 0, NULL)) < 0 || (r = hooks_run(s, HOOK_AUTODEV, 0, NULL)) < 0)
                return r;
        r = mount_switch_root(root);
        if (r < 0)
                return r;
        r = tunnel_finish();
        if (r < 0)
                return r;
        /* A joined UTS namespace keeps its host name. */
        if (!s->uts_ns_path && sethostname(s->hostname, strlen(s->hostname)) < 0)
                return log_error_errno(errno, "Failed to set hostname '%s': %m", s->hostname);
        if (s->private_network)
                return loopback_up();
        return 0;
}

/* With the /proc view, sysinfo() is answered by the parent from the same figures. */
static int pass_sysinfo_listener(int sync_fd) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = seccomp_notify_install(&fd);
        if (r < 0 || fd < 0)
                return r;
        r = sync_send(sync_fd, SYNC_SYSINFO_LISTENER, 0, fd);
        if (r < 0)
                return log_error_errno(r, "Failed to pass the sysinfo() listener to the parent: %m");
        return 0;
}

_noreturn_ void stage_child_run(ChildParams *p) {
        bool exec_failed = false;
        int r;

        /* Die with nsboot, whatever kills it; the kernel then tears the whole PID namespace down. */
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
        r = child_setup(p);
        if (r >= 0) {
                r = sync_send(p->sync_fd, SYNC_READY, 0, -EBADF);
                if (r >= 0)
                        r = sync_expect(p->sync_fd, SYNC_GO);
                if (r < 0)
                        r = log_error_errno(r, "Failed to wait for the parent: %m");
                else
                        r = netdev_configure_inside(&p->settings->netdevs, p->settings->machine, p->gateways);
        }
        if (r >= 0 && p->settings->private_time)
                r = timens_setup(&p->settings->time_offset_boot, &p->settings->time_offset_monotonic);
        if (r >= 0 && p->procfs_mount_fd >= 0)
                r = pass_sysinfo_listener(p->sync_fd);
        if (r >= 0 && (r = hooks_run(p->settings, HOOK_START, 0, NULL)) >= 0)
                r = personality_apply(p->settings->personality);
        if (r >= 0)
                r = mount_lock_all();
        if (r >= 0)
                r = stage_init_exec(p, &exec_failed);
        (void) sync_send(p->sync_fd, exec_failed ? SYNC_EXEC_ERROR : SYNC_ERROR, r, -EBADF);
        _exit(exec_failed ? (r == -ENOENT ? 127 : 126) : 1);
}
