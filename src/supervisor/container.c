/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "daemon-notify.h"
#include "event-loop.h"

#include "basic/fs-util.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "bind-user.h"
#include "caps.h"
#include "cgroup-limits.h"
#include "cgroup.h"
#include "cleanup.h"
#include "console.h"
#include "custom-mount.h"
#include "container.h"
#include "control.h"
#include "devices.h"
#include "firewall.h"
#include "freezer.h"
#include "hooks.h"
#include "host-limits.h"
#include "journal-link.h"
#include "lock.h"
#include "machined.h"
#include "net-scripts.h"
#include "netdev.h"
#include "ns-join.h"
#include "notify.h"
#include "oom.h"
#include "process-attrs.h"
#include "procfs.h"
#include "quota.h"
#include "rtnl.h"
#include "log.h"
#include "rootfs.h"
#include "seccomp-filter.h"
#include "shift.h"
#include "stage-child.h"
#include "state.h"
#include "storage.h"
#include "template.h"
#include "stop.h"
#include "sync.h"
#include "settings-parse.h"
#include "sysctl.h"
#include "trim.h"
#include "tree.h"
#include "tunnel.h"
#include "userns-mount.h"
#include "userns-owner.h"
#include "userns.h"

typedef enum GuestEnd {
        GUEST_EXITED,           /* exit status in exit_status */
        GUEST_POWEROFF,
        GUEST_REBOOT,
        GUEST_KILLED,           /* by a signal, in exit_status as 128+S */
} GuestEnd;

typedef struct Container {
        const Settings *settings;
        Id128 uuid;
        bool uuid_from_tree;
        bool bind_journal;
        bool tunnel;            /* machined may register the machine: the mount tunnel is made */
        const char *init;
        Event *event;
        Console *console;
        ConsoleLog *console_log;
        ConsolePipes pipes;
        EventSource *ttys[SETTINGS_TTY_MAX];
        unsigned n_ttys;
        CGroup cgroup;
        OomWatch *oom;
        Procfs *procfs;
        Machined machined;
        NetDevs netdevs;
        int join_fds[_JOINED_MAX]; /* --network-namespace-path, ... (ns-join.h), or -EBADF */
        NetDevGateways gateways;
        Firewall *firewall;
        Notify *notify;
        UserNs userns;
        BoundUsers bind_users;  /* --bind-user */
        Control *control;
        char **limits;          /* the limits in effect: the settings', then nsbootctl set-limit's */
        pid_t pid;
        unsigned stop_requests;
        StopPlan stop_plan;     /* how the guest's init is asked to stop */
        Stop *stop;             /* this boot's stop request */
        GuestEnd end;
        int exit_status;
        bool stdin_raw;
        struct termios saved_termios;
        int terminal;           /* --console-path's device, or -EBADF */
        bool terminal_raw;
        struct termios terminal_termios;
} Container;

/* nsboot fills /dev and /run of the guest through paths below them: in a tree where they are
 * symlinks, those paths would lead elsewhere. (Other mount points are followed inside the tree.) */
static int check_api_dirs(int root, const char *directory) {
        static const char *const dirs[] = { "dev", "run" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                struct stat st;

                if (fstatat(root, dirs[i], &st, AT_SYMLINK_NOFOLLOW) >= 0 && S_ISLNK(st.st_mode))
                        return log_error_errno(SYNTHETIC_ERRNO(ELOOP),
                                               "'%s/%s' is a symbolic link: nsboot mounts the guest's own /%s there, "
                                               "make it a directory", directory, dirs[i], dirs[i]);
        }
        return 0;
}

/* The tree or image, for messages and locks. */
static const char *tree_name(const Settings *s) {
        return s->image ?: s->directory;
}

/* The machine's locks: the tree's shared when the machine never writes to it, so that many such
 * machines may run on it at once (and none that writes). A disk quota (--volatile=state allows one)
 * is written into the tree at the start: its project IDs on every inode. */
static int lock_container(const Settings *s, Lock locks[static 2]) {
        if (storage_source_read_only(s) && !quota_wanted(s))
                return lock_machine_read(s->machine, tree_name(s), locks);
        return lock_machine(s->machine, tree_name(s), locks);
}

/* Whether the guest's root is uid 0 of the host: without a user namespace, or with one that maps 0
 * to 0 (identity, such an lxc.idmap). IPC objects are checked against that uid. */
static bool guest_root_is_host_root(const UserNsConfig *u) {
        switch (u->mode) {
        case USERNS_NO:
        case USERNS_IDENTITY:
                return true;
        case USERNS_IDMAP:
                return idmap_to_host(u->idmap.uid, u->idmap.n_uid, 0) == 0;
        default:
                return false;
        }
}

/* The namespaces to join. In the privileged mode the guest's root could change a UTS or IPC namespace
 * it is in (the host name, any IPC object): never the host's own. Nor the host's IPC namespace when
 * the guest's root is the host's uid 0 in a user namespace: it owns the host's root's IPC objects. */
static int open_joined_one(Container *c, JoinedNs t, const char *spec) {
        const UserNsConfig *u = &c->settings->userns;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = ns_join_open(t, spec, &fd);
        if (r < 0)
                return r;
        if (t != JOINED_NET && u->mode == USERNS_NO && ns_join_is_own(t, fd))
                return log_error_errno(SYNTHETIC_ERRNO(EPERM),
                                       "%s=%s is the host's own %s namespace: with --private-users=no the guest's root "
                                       "could change it (%s)",
                                       t == JOINED_UTS ? "--uts-namespace-path" : "--ipc-namespace-path", spec,
                                       t == JOINED_UTS ? "UTS" : "IPC",
                                       t == JOINED_UTS ? "the host name" : "the host's IPC objects");
        if (t == JOINED_IPC && guest_root_is_host_root(u) && ns_join_is_own(t, fd))
                return log_error_errno(SYNTHETIC_ERRNO(EPERM),
                                       "--ipc-namespace-path=%s is the host's own IPC namespace: the guest's root is "
                                       "the host's uid 0 (--private-users=identity, or an lxc.idmap of 0 to 0) and "
                                       "could change or remove the host's root's IPC objects", spec);
        safe_close(c->join_fds[t]);
        c->join_fds[t] = TAKE_FD(fd);
        return 0;
}

/* refresh: only what a path or a machine's name stands for (see run_machine()). */
static int open_joined(Container *c, bool refresh) {
        for (JoinedNs t = 0; t < _JOINED_MAX; t++) {
                const char *spec = ns_join_spec(c->settings, t);
                int r;

                if (!spec || (refresh && ns_join_spec_is_pid(spec)))
                        continue;
                r = open_joined_one(c, t, spec);
                if (r < 0)
                        return r;
        }
        return 0;
}

static void close_joined(Container *c) {
        for (JoinedNs t = 0; t < _JOINED_MAX; t++)
                c->join_fds[t] = safe_close(c->join_fds[t]);
}

static int preflight(Container *c) {
        const Settings *s = c->settings;
        _cleanup_close_ int root = -EBADF;
        int r;

        if (s->console_path) {
                r = console_terminal_open(s->console_path, &c->terminal);
                if (r < 0)
                        return r;
        }
        /* The root as the guest will see it, without idmapping, only to look into it here. */
        if (storage_wanted(s)) {
                r = storage_open_root(s, -EBADF, &root);
                if (r < 0)
                        return r;
        } else
                root = open(s->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return log_error_errno(errno, "-D/--directory=%s: %m", s->directory);
        /* What the guest will have as its root, looked into as such. */
        if (s->pivot_root) {
                _cleanup_close_ int old = -EBADF;
                int sub = tree_open(root, s->pivot_root, O_PATH | O_DIRECTORY | O_CLOEXEC);

                if (sub < 0)
                        return log_error_errno(sub, "--pivot-root=%s: no directory of '%s': %m", s->pivot_root,
                                               tree_name(s));
                safe_close(root);
                root = sub;
                old = s->pivot_root_old ? tree_open(root, s->pivot_root_old, O_PATH | O_DIRECTORY | O_CLOEXEC) : -EBADF;
                if (s->pivot_root_old && old < 0)
                        return log_error_errno(old, "--pivot-root: '%s' is no directory of '%s' in '%s': %m",
                                               s->pivot_root_old, s->pivot_root, tree_name(s));
        }
        r = check_api_dirs(root, tree_name(s));
        if (r < 0)
                return r;
        r = bind_users_prepare(s, root, &c->bind_users);
        if (r < 0)
                return r;
        if (s->boot) {
                if (!tree_has_os_release(root))
                        return log_error_errno(SYNTHETIC_ERRNO(ENOENT),
                                               "'%s' does not look like an OS tree: it has neither /etc/os-release "
                                               "nor /usr/lib/os-release, which -b/--boot requires", tree_name(s));
                if (s->init_cmd) {
                        _cleanup_close_ int fd = tree_open(root, s->init_cmd[0], O_PATH);
                        struct stat st;

                        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111))
                                return log_error_errno(fd < 0 ? fd : SYNTHETIC_ERRNO(EACCES),
                                                       "lxc.init.cmd: '%s' is not an executable file in '%s'",
                                                       s->init_cmd[0], tree_name(s));
                        c->init = s->init_cmd[0];
                } else {
                        r = tree_find_init(root, &c->init);
                        if (r < 0)
                                return log_error_errno(r, "No init in '%s': none of /usr/lib/systemd/systemd, "
                                                       "/lib/systemd/systemd, /sbin/init is an executable file",
                                                       tree_name(s));
                }
        }
        stop_plan_init(&c->stop_plan, s, root, c->init);
        r = tree_read_machine_id(root, &c->uuid);
        c->uuid_from_tree = r >= 0;
        if (r == -EBADMSG)
                log_warning("'%s/etc/machine-id' is not a valid machine ID, ignoring", tree_name(s));
        if (r < 0 && !id128_is_null(s->uuid))
                c->uuid = s->uuid;
        else if (r < 0) {
                r = id128_randomize(&c->uuid);
                if (r < 0)
                        return log_error_errno(r, "Failed to generate a container UUID: %m");
        }
        return open_joined(c, false);
}

static void request_kill(Container *c, int sig) {
        char buf[16];

        if (c->pid <= 0)
                return;
        if (kill(c->pid, sig) < 0)
                log_warning_errno(errno, "Failed to send %s to the guest, ignoring: %m", signal_to_string(sig, buf));
}

static int on_stop_signal(EventSource *s, const struct signalfd_siginfo *si, void *userdata) {
        Container *c = userdata;

        machine_thaw_for(&c->cgroup, c->settings->machine, "stop");
        c->stop_requests++;
        if (c->stop && stop_request(c->stop, STOP_POWEROFF) < 0)
                stop_force(c->stop);
        return 0;
}

static void on_scope_stop(void *userdata) {
        on_stop_signal(NULL, NULL, userdata);
}

/* Requests of nsbootctl through the control socket. */
static int on_control_stop(void *userdata) {
        Container *c = userdata;

        if (c->pid <= 0)
                return -ESRCH;
        on_scope_stop(c);
        return 0;
}

static int on_control_kill(void *userdata, int sig) {
        Container *c = userdata;

        if (c->pid <= 0)
                return -ESRCH;
        machine_thaw_for(&c->cgroup, c->settings->machine, "signal");
        return RET_NERRNO(kill(c->pid, sig));
}

static int on_control_freeze(void *userdata, bool freeze) {
        Container *c = userdata;

        return c->pid <= 0 ? -ESRCH : machine_freeze(&c->cgroup, stop_requested(c->stop), freeze);
}

static int on_control_reboot(void *userdata) {
        Container *c = userdata;

        return on_control_kill(c, control_reboot_signal(machine_init_kind(c->settings, c->init)));
}

/* nsbootctl set-limit: one more limit (or a new value) for the running machine, written to its
 * cgroup files at once; the others in effect stay as they are (a v1 swap limit is written with the
 * memory limit it depends on). */
static int on_control_set_limit(void *userdata, const char *assignment) {
        Container *c = userdata;
        _cleanup_strv_free_ char **one = NULL, **all = NULL;
        int r;

        if (c->pid <= 0)
                return -ESRCH;
        r = parse_cgroup(NULL, assignment, &one);
        if (r < 0 || strv_length(one) != 1)
                return r < 0 ? r : -EINVAL;
        all = strv_copy(c->limits);
        if (!all || strv_env_set(&all, one[0]) < 0)
                return -ENOMEM;
        r = cgroup_limits_check(all);
        if (r >= 0)
                r = cgroup_limits_apply_one(&c->cgroup, one[0], all);
        if (r < 0)
                return r;
        log_info("Limit %s set by nsbootctl", one[0]);
        strv_free(c->limits);
        c->limits = TAKE_PTR(all);
        return 0;
}

static ConsoleRing *on_control_console_ring(void *userdata) {
        return console_log_ring(((Container *) userdata)->console_log);
}

static int on_control_console_attach(void *userdata, int fd, pid_t pid, const struct winsize *ws,
                                     pid_t *ret_holder) {
        return console_attach(((Container *) userdata)->console, fd, pid, ws, ret_holder);
}

static const ControlOps control_ops = {
        .stop = on_control_stop,
        .reboot = on_control_reboot,
        .kill = on_control_kill,
        .set_limit = on_control_set_limit,
        .freeze = on_control_freeze,
        .console_ring = on_control_console_ring,
        .console_attach = on_control_console_attach,
};

static int on_winch(EventSource *s, const struct signalfd_siginfo *si, void *userdata) {
        Container *c = userdata;

        console_resize(c->console);
        return 0;
}

static void on_escape(void *userdata, ConsoleEscape what) {
        Container *c = userdata;

        (void) write(STDERR_FILENO, "\n", 1);
        machine_thaw_for(&c->cgroup, c->settings->machine, what == CONSOLE_ESCAPE_KILL ? "kill" :
                         what == CONSOLE_ESCAPE_REBOOT ? "reboot" : "stop");
        if (what == CONSOLE_ESCAPE_KILL) {
                log_info("Killing the guest: Ctrl-] was pressed three times");
                request_kill(c, SIGKILL);
        } else if (c->stop &&
                   stop_request(c->stop, what == CONSOLE_ESCAPE_REBOOT ? STOP_REBOOT : STOP_POWEROFF) == -EOPNOTSUPP)
                log_info("A plain command cannot be powered off or rebooted; Ctrl-] three times kills it");
}

static int on_child(EventSource *s, const siginfo_t *si, void *userdata) {
        Container *c = userdata;

        c->pid = 0;
        if (si->si_code == CLD_EXITED) {
                c->end = GUEST_EXITED;
                c->exit_status = si->si_status;
        } else if (si->si_status == SIGINT) /* reboot(RB_POWER_OFF/RB_HALT) in a PID namespace */
                c->end = GUEST_POWEROFF;
        else if (si->si_status == SIGHUP) /* reboot(RB_AUTOBOOT) */
                c->end = GUEST_REBOOT;
        else {
                c->end = GUEST_KILLED;
                c->exit_status = 128 + si->si_status;
        }
        console_drain(c->console);
        console_drain(c->pipes.console);
        return event_exit(event_source_get_event(s), 0);
}

static int setup_event(Container *c) {
        static const int stop_signals[] = { SIGTERM, SIGINT };
        int r;

        r = event_new(&c->event);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the event loop: %m");
        for (size_t i = 0; i < ELEMENTSOF(stop_signals); i++) {
                r = event_add_signal(c->event, NULL, stop_signals[i], on_stop_signal, c);
                if (r < 0)
                        return log_error_errno(r, "Failed to watch signal %d: %m", stop_signals[i]);
        }
        r = event_add_signal(c->event, NULL, SIGWINCH, on_winch, c);
        if (r < 0)
                return log_error_errno(r, "Failed to watch SIGWINCH: %m");
        return 0;
}

/* With CLONE_NEWUSER, the kernel makes the user namespace first and the others owned by it, so the
 * guest's root has its capabilities over its own PID, UTS, IPC, network and mount namespaces only. */
static uint64_t clone_flags(const Container *c) {
        return CLONE_NEWNS | CLONE_NEWPID | (c->join_fds[JOINED_UTS] >= 0 ? 0 : CLONE_NEWUTS) |
               (c->join_fds[JOINED_IPC] >= 0 ? 0 : CLONE_NEWIPC) | (c->settings->private_network ? CLONE_NEWNET : 0) |
               (c->userns.enabled ? CLONE_NEWUSER : 0);
}

/* Starts the child directly inside the machine's cgroup, with a cgroup namespace rooted there
 * (clone3 with CLONE_INTO_CGROUP, Linux 5.7; *ret_placed then). That saves the write to cgroup.procs,
 * which waits for an RCU grace period. Older kernels: plain clone, the parent moves the child and the
 * child unshares its cgroup namespace after the SYNC_CGROUP_DONE step. */
static pid_t clone_child_now(Container *c, bool *ret_placed) {
        /* With cgroups in v1 hierarchies (a hybrid host), the child's cgroup namespace is made only
         * once it is in them too: rooted at a hierarchy's root, it would show that root's
         * release_agent to a privileged guest that mounts the hierarchy. */
        bool late_ns = cgroup_is_hybrid(&c->cgroup);
        struct clone_args args = { .flags = clone_flags(c) | (late_ns ? 0 : CLONE_NEWCGROUP) | CLONE_INTO_CGROUP,
                                   .exit_signal = SIGCHLD };
        _cleanup_close_ int cgfd = open(c->cgroup.payload, O_PATH | O_DIRECTORY | O_CLOEXEC);
        pid_t pid;

        if (cgfd >= 0) {
                args.cgroup = (uint64_t) cgfd;
                pid = (pid_t) syscall(SYS_clone3, &args, sizeof args);
                if (pid >= 0 || !IN_SET(errno, ENOSYS, E2BIG, EINVAL)) {
                        *ret_placed = true;
                        return pid;
                }
        }
        *ret_placed = false;
        return (pid_t) syscall(SYS_clone, clone_flags(c) | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* Leaves the namespaces enter_joined() entered, in reverse. */
static int leave_joined(int saved[static _JOINED_MAX]) {
        int r = 0;

        for (JoinedNs t = _JOINED_MAX; t-- > 0;)
                if (saved[t] >= 0 && ns_join_leave(t, TAKE_FD(saved[t])) < 0)
                        r = -EIO;
        return r;
}

/* Without CLONE_NEWNET, CLONE_NEWUTS or CLONE_NEWIPC the child is in the supervisor's namespace of
 * that type: the joined one, for the clone only. */
static int enter_joined(const Container *c, int saved[static _JOINED_MAX]) {
        /* All of them first: on a failure, leave_joined() looks at every slot. */
        for (JoinedNs t = 0; t < _JOINED_MAX; t++)
                saved[t] = -EBADF;
        for (JoinedNs t = 0; t < _JOINED_MAX; t++) {
                int r;

                if (c->join_fds[t] < 0)
                        continue;
                r = ns_join_enter(t, c->join_fds[t], &saved[t]);
                if (r < 0) {
                        (void) leave_joined(saved);
                        return r;
                }
        }
        return 0;
}

/* The guest's root owns its user namespace (userns-owner.h): what the guest makes is counted
 * against that uid, not against root. */
static pid_t clone_child(Container *c, bool *ret_placed) {
        int saved[_JOINED_MAX];
        UserNsOwner owner = {};
        pid_t pid;
        int r;

        r = enter_joined(c, saved);
        if (r < 0) {
                errno = -r;
                return -1;
        }
        if (c->userns.enabled) {
                r = userns_owner_enter(c->userns.root_uid, c->userns.root_gid, &owner);
                if (r < 0)
                        log_warning_errno(r, "Cannot make host uid %u the owner of the guest's user namespace, "
                                          "root owns it: the guest's inotify instances count against root's: %m",
                                          (unsigned) c->userns.root_uid);
        }
        pid = clone_child_now(c, ret_placed);
        if (pid == 0)
                return 0; /* the child's ids are its own namespace's now */
        r = userns_owner_leave(&owner);
        if (leave_joined(saved) < 0 && r >= 0)
                r = -EIO;
        if (r < 0) {
                if (pid > 0) {
                        (void) kill(pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                }
                errno = -r;
                return -1;
        }
        return pid;
}

/* Reads the child's steps until the step 'until', or EOF, which means its execve() succeeded.
 * Returns the exit status to use when the child failed (1, or 126/127 when execve() did), else 0. */
static int follow_child_setup(Container *c, int sync_fd, SyncStep until) {
        for (;;) {
                _cleanup_close_ int fd = -EBADF;
                SyncMessage m;
                int r;

                /* the child's binds of the /proc view wait for answers from here */
                if (procfs_pump(c->procfs, sync_fd) < 0)
                        return 1;
                r = sync_recv(sync_fd, &m, &fd);
                if (r < 0)
                        return log_error_errno(r, "Failed to read from the container's setup: %m"), 1;
                if (r == 0)
                        return until == SYNC_READY ? log_error("The container's setup ended early"), 1 : 0;
                if (m.step == until)
                        return 0;
                if (m.step == SYNC_NOTIFY_SOCKET && fd >= 0 && !c->notify) {
                        r = notify_new(c->event, TAKE_FD(fd), c->pid, c->settings->notify_ready, &c->notify);
                        if (r < 0)
                                return 1;
                } else if (m.step == SYNC_TTY_MASTER && fd >= 0 && c->n_ttys < SETTINGS_TTY_MAX) {
                        r = console_add_sink(c->event, TAKE_FD(fd), &c->ttys[c->n_ttys]);
                        if (r < 0)
                                return 1;
                        c->n_ttys++;
                } else if (m.step == SYNC_PTY_MASTER && fd >= 0 && !c->console) {
                        r = console_new(c->event, TAKE_FD(fd), c->terminal, c->settings->console_mode,
                                        c->console_log, on_escape, c, &c->console);
                        if (r < 0)
                                return 1;
                } else if (m.step == SYNC_SYSINFO_LISTENER && fd >= 0 && c->procfs) {
                        if (procfs_serve_sysinfo(c->procfs, c->event, TAKE_FD(fd)) < 0)
                                return 1;
                } else if (m.step == SYNC_EXEC_ERROR) {
                        const char *what = c->settings->boot ? c->init :
                                           c->settings->parameters ? c->settings->parameters[0] : "the shell";
                        log_error_errno(m.value, "Failed to execute '%s' in the container: %m", what);
                        return m.value == -ENOENT ? 127 : 126;
                } else if (m.step == SYNC_ERROR)
                        return 1; /* the child logged why */
        }
}

/* Masquerade and port forwards to the first veth's static addresses (its first IPv4 and first IPv6
 * one), known from the settings: the rules may exist before the child has configured them. */
static int setup_nat(Container *c) {
        const Settings *s = c->settings;
        const NetDevConfig *nat = settings_nat_interface(s);
        const char *host_side = NULL;
        int r;

        if (!nat || (!s->ports && !s->masquerade))
                return 0;
        for (size_t i = 0; i < c->netdevs.n; i++)
                if (c->netdevs.items[i].config == nat)
                        host_side = c->netdevs.items[i].host_name;
        r = firewall_new(s->machine, s->firewall, &c->firewall);
        if (r >= 0 && host_side && (!nat->link || nat->router))
                r = firewall_set_localnet(c->firewall, host_side); /* a veth of ours in no bridge */
        if (r < 0)
                return r;
        r = firewall_add_address(c->firewall, nat->ipv4 ? nat->ipv4[0] : NULL, host_side, s->masquerade, s->ports);
        if (r < 0)
                return r;
        return firewall_add_address(c->firewall, nat->ipv6 ? nat->ipv6[0] : NULL, host_side, s->masquerade,
                                    s->ports);
}

/* The host paths the guest's mounts come from, each as a detached mount: the sources of binds
 * (idmapped where asked), the journal directory, the mount tunnel. Logs. */
static int send_host_mounts(Container *c, int sock, int userns_fd) {
        const Settings *s = c->settings;
        int r;

        for (size_t i = 0; i < s->mounts.n; i++) {
                _cleanup_close_ int fd = -EBADF;

                if (!(s->mounts.items[i].flags & MS_BIND))
                        continue;
                r = custom_mount_open_source(&s->mounts.items[i], userns_fd, &fd);
                if (r < 0)
                        return r;
                if (fd >= 0 && (r = sync_send(sock, SYNC_BIND_SOURCE, (int) i, fd)) < 0)
                        return log_error_errno(r, "Failed to pass mounts to the container: %m");
        }
        for (size_t i = 0; i < c->bind_users.n; i++) {
                _cleanup_close_ int fd = -EBADF;

                r = bind_user_open_home(&c->bind_users.items[i], &fd);
                if (r < 0)
                        return r;
                if ((r = sync_send(sock, SYNC_BIND_USER_HOME, (int) i, fd)) < 0)
                        return log_error_errno(r, "Failed to pass mounts to the container: %m");
        }
        if (c->bind_journal) {
                _cleanup_close_ int fd = -EBADF;

                r = journal_link_open(c->uuid, userns_fd, &fd);
                if (r < 0)
                        return r;
                if ((r = sync_send(sock, SYNC_JOURNAL, 0, fd)) < 0)
                        return log_error_errno(r, "Failed to pass mounts to the container: %m");
        }
        if (c->tunnel) {
                _cleanup_close_ int fd = -EBADF;

                r = tunnel_open(s->machine, &fd);
                if (r < 0)
                        return r;
                if ((r = sync_send(sock, SYNC_TUNNEL, 0, fd)) < 0)
                        return log_error_errno(r, "Failed to pass mounts to the container: %m");
        }
        return 0;
}

/* Gives the child its user namespace's maps and, as detached mounts, what it may not mount or even
 * look up itself: host paths (send_host_mounts()), with a user namespace but the host's network a
 * sysfs, and last its root (the tree, idmapped to the guest's ids when its owners are the host's). */
static int send_mounts(Container *c, int sock) {
        const Settings *s = c->settings;
        _cleanup_close_ int userns_fd = -EBADF, root = -EBADF, sysfs = -EBADF, tree_userns = -EBADF,
                            saved_netns = -EBADF;
        char path[64];
        int r;

        if (c->userns.enabled) {
                r = userns_write_maps(&c->userns, c->pid);
                if (r < 0)
                        return r;
                r = cgroup_chown(&c->cgroup, c->userns.root_uid, c->userns.root_gid);
                if (r < 0)
                        return r;
                snprintf(path, sizeof path, "/proc/%d/ns/user", (int) c->pid);
                userns_fd = open(path, O_RDONLY | O_CLOEXEC);
                if (userns_fd < 0)
                        return log_error_errno(errno, "Failed to open %s: %m", path);
                if (!s->private_network) {
                        /* a sysfs instance shows the interfaces of the namespace it is made in */
                        r = c->join_fds[JOINED_NET] >= 0 ?
                                    ns_join_enter(JOINED_NET, c->join_fds[JOINED_NET], &saved_netns) : 0;
                        if (r >= 0)
                                r = rootfs_open_sysfs(&sysfs);
                        if (saved_netns >= 0 && ns_join_leave(JOINED_NET, TAKE_FD(saved_netns)) < 0 && r >= 0)
                                r = -EIO;
                        if (r < 0)
                                return r;
                        r = sync_send(sock, SYNC_SYSFS, 0, sysfs);
                        if (r < 0)
                                return log_error_errno(r, "Failed to pass sysfs to the container: %m");
                }
        }
        r = send_host_mounts(c, sock, userns_fd);
        if (r < 0)
                return r;
        /* The tree's mount maps the host's root too (machinectl copy-to writes as that), unlike the
         * guest's own user namespace. */
        if (c->userns.idmap_tree) {
                r = userns_mount_open(&c->userns, &tree_userns);
                if (r < 0)
                        return r;
        }
        r = rootfs_open(s, tree_userns, &root);
        if (r < 0)
                return r;
        r = sync_send(sock, SYNC_ROOTFS, 0, root);
        if (r < 0)
                return log_error_errno(r, "Failed to pass the root to the container: %m");
        return 0;
}

static void reap(pid_t pid) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
}

/* The guest's own /proc/meminfo, cpuinfo, ... served by us (nsboot.proc.virtualize). */
static int setup_procfs(Container *c, int *ret_mount_fd) {
        if (!c->settings->proc_virtualize)
                return 0;
        if (!procfs_supported()) {
                log_warning("No FUSE on this host: the guest sees the host's /proc/meminfo, /proc/cpuinfo, ...");
                return 0;
        }
        return procfs_new(&c->cgroup, !c->settings->private_time, &c->procfs, ret_mount_fd);
}

/* Each boot's cgroups get the settings' limits (what set-limit changed is the last boot's). */
static int apply_limits(Container *c) {
        int r;

        c->limits = strv_free(c->limits);
        if (cgroup_limits_collect(c->settings->cgroup_settings, c->settings->properties, &c->limits) < 0)
                return log_oom();
        r = cgroup_limits_add_default_tasks(&c->cgroup, &c->limits);
        if (r < 0)
                return r;
        return cgroup_limits_apply(&c->cgroup, c->limits, c->machined.registered && !c->settings->keep_unit);
}

/* lxc.console.logfile, opened anew for each boot; in pipe mode the guest's output comes through
 * pipes then. The pipes are always initialized, also when the log fails. */
static int setup_console_log(Container *c) {
        const Settings *s = c->settings;
        int r = 0;

        if (s->console_log || s->console_buffer_size > 0)
                r = console_log_open(s->console_log, s->console_log_size, s->console_log_rotate,
                                     (size_t) s->console_buffer_size, &c->console_log);
        if (console_pipes_make(&c->pipes, c->console_log && s->console_mode == CONSOLE_PIPE) < 0)
                return -EIO;
        return r;
}

/* One boot of the guest, from clone() to its PID 1's exit. Returns the failure exit status (>0)
 * when setup failed, 0 once the guest ran and ended (c->end says how). */
static int run_once(Container *c) {
        const Settings *s = c->settings;
        _cleanup_close_pair_ int pair[2] = { -EBADF, -EBADF };
        _cleanup_(event_source_unrefp) EventSource *child = NULL;
        _cleanup_(seccomp_prepared_freep) SeccompPrepared *seccomp = seccomp_prepared_new();
        ChildParams params = { .seccomp = seccomp, .settings = s, .uuid = c->uuid, .init = c->init, .bind_journal = c->bind_journal,
                               .gateways = &c->gateways, .bind_users = &c->bind_users,
                               .use_pty = s->console_mode != CONSOLE_PIPE,
                               .term = c->terminal >= 0 ? "vt220" : /* a serial line's usual type */
                                       s->console_mode == CONSOLE_INTERACTIVE ? (getenv("TERM") ?: "vt220") : "dumb" };
        _cleanup_close_ int procfs_mnt = -EBADF;
        _cleanup_strv_free_ char **cgroup_dirs = NULL;
        bool placed, in_cgroup;
        int r, failed;

        if (setup_console_log(c) < 0)
                return 1;
        /* A finished event loop cannot be run again: every boot gets its own. */
        if (setup_event(c) < 0)
                return 1;
        if (sync_pair(pair) < 0)
                return log_error_errno(errno, "Failed to create the sync socket: %m"), 1;
        if (!seccomp)
                return log_oom(), 1;
        /* Before the clone: the child must not be the first to load libnl, from inside the tree. */
        if (s->netdevs.n > 0 && rtnl_load() < 0)
                return 1;
        if (netdev_resolve_gateways(&s->netdevs, &c->gateways) < 0 || hooks_run(s, HOOK_PRE_START, 0, NULL) < 0)
                return 1;
        c->tunnel = machined_may_register(s);
        /* The record first: a kill between the mkdir()s and it would leave cgroups nobody knows of. */
        r = cgroup_planned_dirs(&c->cgroup, s->machine, s->keep_unit, s->slice, &cgroup_dirs);
        if (r < 0)
                return log_error_errno(r, "Failed to find the machine's cgroup directories: %m"), 1;
        if (cleanup_note_cgroup(s->machine, cgroup_dirs) < 0 ||
            cgroup_create(&c->cgroup, s->machine, s->keep_unit, s->slice) < 0 ||
            (c->tunnel && tunnel_prepare(s->machine) < 0) ||
            rootfs_staging_prepare() < 0)
                return 1;
        if (setup_procfs(c, &procfs_mnt) < 0)
                return 1;
        params.procfs_mount_fd = procfs_mnt;
        c->pid = clone_child(c, &placed);
        if (c->pid < 0)
                return log_error_errno(errno, "Failed to create the container's namespaces: %m"), 1;
        /* in its cgroups and its cgroup namespace already (see clone_child_now()) */
        in_cgroup = placed && !cgroup_is_hybrid(&c->cgroup);
        if (c->pid == 0) {
                pair[0] = safe_close(pair[0]);
                params.sync_fd = pair[1];
                params.in_cgroup = in_cgroup;
                params.userns = c->userns.enabled;
                console_pipes_child(&c->pipes);
                stage_child_run(&params);
        }
        pair[1] = safe_close(pair[1]);
        procfs_mnt = safe_close(procfs_mnt);
        r = console_pipes_start(&c->pipes, c->event, c->console_log);
        /* The child's root first: it mounts its /dev, /run, ... while the v1 cgroups are made and
         * joined, and needs them only before its cgroup namespace (stage-child.c). */
        if (r >= 0)
                r = send_mounts(c, pair[0]);
        /* While the child sets up the container; it loads them after SYNC_GO. */
        if (r >= 0)
                r = seccomp_prepare(seccomp, &(SeccompPolicy) {
                                .caps = settings_caps(s),
                                .filter = &s->syscall_filter, .host_superblocks = !c->userns.enabled,
                                .suppress_sync = s->suppress_sync },
                                s->seccomp_profile);
        /* Also while the child sets up: its setup opens no device the policy would refuse, and the
         * guest's init runs only after SYNC_GO. */
        if (r >= 0)
                r = devices_apply(c->cgroup.path, &s->device_rules);
        if (r >= 0 && !in_cgroup) {
                r = cgroup_create_v1(&c->cgroup, s->machine, s->keep_unit, s->slice, !c->userns.enabled);
                if (r >= 0)
                        r = cgroup_v1_attach(&c->cgroup.v1, c->pid);
                if (r >= 0 && !placed)
                        r = cgroup_attach(&c->cgroup, c->pid);
                if (r >= 0)
                        r = sync_send(pair[0], SYNC_CGROUP_DONE, 0, -EBADF);
        }
        failed = r < 0 ? 1 : follow_child_setup(c, pair[0], SYNC_READY);
        /* The child's network namespace exists now: its interfaces go in before it configures them. */
        if (!failed && netdev_create_all(&c->netdevs, &s->netdevs, s->machine, c->pid) < 0)
                failed = 1;
        if (!failed && net_scripts_up(s, &c->netdevs) < 0)
                failed = 1;
        if (!failed && setup_nat(c) < 0)
                failed = 1;
        if (!failed && sysctl_apply(c->pid, s->sysctls) < 0)
                failed = 1;
        /* Registered before init runs: the scope must take the leader before the guest's systemd
         * makes cgroups of its own. */
        if (!failed) {
                int ifindices[NETDEVS_MAX];
                size_t n = netdev_host_ifindices(&c->netdevs, ifindices, NETDEVS_MAX);

                if (machined_register(&c->machined, s, c->uuid, c->pid, ifindices, n, c->event, on_scope_stop, c) < 0)
                        failed = 1;
        }
        if (!failed && cgroup_delegate(&c->cgroup, c->pid, c->machined.registered && !s->keep_unit) < 0)
                failed = 1;
        /* After registration: the scope machined asks systemd for resets the cgroup's limits to its
         * own properties, so ours go on top of those, before the guest's init runs. */
        if (!failed && apply_limits(c) < 0)
                failed = 1;
        /* After the last move to another cgroup: joining a cpuset resets the CPU affinity. */
        if (!failed && process_attrs_apply(c->pid, s) < 0)
                failed = 1;
        if (!failed && hooks_run(s, HOOK_START_HOST, c->pid, NULL) < 0)
                failed = 1;
        if (!failed && sync_send(pair[0], SYNC_GO, 0, -EBADF) < 0) {
                log_error_errno(errno, "Failed to start the container's init: %m");
                failed = 1;
        }
        if (!failed)
                failed = follow_child_setup(c, pair[0], 0);
        if (failed) {
                (void) kill(c->pid, SIGKILL);
                reap(c->pid);
                console_drain(c->pipes.console); /* what the child said before it failed */
                c->pid = 0;
                return failed;
        }
        r = event_add_child(c->event, &child, c->pid, WEXITED, on_child, c);
        if (r >= 0)
                r = stop_new(c->event, &c->stop_plan, c->pid, &c->stop);
        if (r < 0) {
                log_error_errno(r, "Failed to watch the container: %m");
                request_kill(c, SIGKILL);
                reap(c->pid);
                return 1;
        }
        (void) oom_watch_new(c->event, &c->cgroup, s->machine, &c->oom);
        (void) memory_trim_schedule(c->event);
        if (procfs_attach_event(c->procfs, c->event) < 0) {
                request_kill(c, SIGKILL);
                reap(c->pid);
                return 1;
        }
        (void) daemon_notifyf(false, "STATUS=Container running.\nX_NSBOOT_LEADER_PID=%d%s", (int) c->pid,
                          s->notify_ready ? "" : "\nREADY=1");
        if (control_new(c->event, s->machine, &control_ops, c, &c->control) >= 0)
                (void) machine_state_publish(s, c->init, c->pid, c->cgroup.path,
                                             c->userns.enabled ? c->userns.root_uid : 0, "running");
        r = event_loop(c->event);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m"), 1;
        return 0;
}

/* Undoes what one boot created on the host, in reverse order. */
static void teardown_once(Container *c) {
        machined_unregister(&c->machined);
        c->firewall = firewall_free(c->firewall);
        net_scripts_down(c->settings, &c->netdevs);
        netdev_destroy_all(&c->netdevs);
        c->notify = notify_free(c->notify);
        c->oom = oom_watch_free(c->oom);
        c->procfs = procfs_free(c->procfs);
        c->control = control_free(c->control);
        c->stop = stop_free(c->stop);
        c->console = console_free(c->console);
        console_pipes_done(&c->pipes);
        c->console_log = console_log_free(c->console_log);
        for (unsigned i = 0; i < c->n_ttys; i++)
                c->ttys[i] = event_source_disable_unref(c->ttys[i]);
        c->n_ttys = 0;
        c->event = event_unref(c->event);
        if (c->cgroup.path && cgroup_remove(&c->cgroup) >= 0)
                cleanup_forget_cgroup(c->settings->machine);
        cgroup_done(&c->cgroup);
        tunnel_remove(c->settings->machine);
}

/* Our own chatter would mix into a piped command's stderr: only with a console, unless -q. */
static bool chatty(const Settings *s) {
        return !s->quiet && s->console_mode != CONSOLE_PIPE;
}

static void announce_end(const Container *c) {
        const char *m = c->settings->machine;

        if (!chatty(c->settings))
                return;
        switch (c->end) {
        case GUEST_POWEROFF:
                log_info("Container %s has been shut down.", m);
                break;
        case GUEST_EXITED:
                if (c->exit_status == 0)
                        log_info("Container %s exited successfully.", m);
                else
                        log_info("Container %s failed with error code %d.", m, c->exit_status);
                break;
        case GUEST_KILLED:
                log_info("Container %s was terminated by signal %d.", m, c->exit_status - 128);
                break;
        case GUEST_REBOOT:
                log_info("Container %s is being rebooted.", m);
                break;
        }
}

static int run_machine(Container *c) {
        for (;;) {
                int failed = run_once(c);

                (void) hooks_run(c->settings, HOOK_STOP, 0, c->end == GUEST_REBOOT && !failed ? "reboot" : "stop");
                teardown_once(c);
                (void) hooks_run(c->settings, HOOK_POST_STOP, 0, c->end == GUEST_REBOOT && !failed ? "reboot" : "stop");
                if (failed)
                        return failed;
                announce_end(c);
                if (c->end != GUEST_REBOOT || c->stop_requests > 0)
                        break;
                /* In nsboot@.service the unit restarts us (RestartForceExitStatus=133), so the guest
                 * comes back with fresh cgroup settings, as systemd-nspawn does it. */
                if (c->settings->keep_unit) {
                        (void) daemon_notify(false, "STOPPING=1\nSTATUS=Restarting...");
                        return 133;
                }
                (void) daemon_notify(false, "STATUS=Restarting...");
                /* The next boot joins the namespaces that a path or a machine's name stands for now, as
                 * LXC does and as systemd-nspawn opens its path anew for each boot: the other machine
                 * may have rebooted, or /run/netns/NAME been made again. A PID is not looked up again:
                 * it may be another process's by now. (The first boot's were opened by preflight().) */
                if (open_joined(c, true) < 0)
                        return 1;
        }
        (void) daemon_notify(false, "STOPPING=1\nSTATUS=Terminating...");
        if (c->end == GUEST_EXITED && c->exit_status == 133)
                return 1; /* 133 means "restart me" to the unit: never pass it on from the guest */
        return c->end == GUEST_POWEROFF || c->end == GUEST_REBOOT ? 0 : c->exit_status;
}

static void banner(const Container *c) {
        const Settings *s = c->settings;

        if (!chatty(s))
                return;
        log_info("Spawning container %s on %s.", s->machine, tree_name(s));
        if (s->console_mode == CONSOLE_INTERACTIVE && c->terminal < 0)
                log_info("Press Ctrl-] three times within 1s to kill container; Ctrl-] Ctrl-] p to power it off, "
                         "Ctrl-] Ctrl-] r to reboot it.");
}

/* Would the start get the locks, a range of ids and their maps? Taken and given back at once. */
static int check_acquire(Container *c) {
        const Settings *s = c->settings;
        Lock locks[2] = { { .fd = -EBADF }, { .fd = -EBADF } };
        int r;

        r = lock_container(s, locks);
        if (r < 0)
                return r;
        r = userns_acquire(&s->userns, s->machine, tree_name(s), &c->userns);
        if (r >= 0)
                r = bind_users_map(&c->bind_users, &c->userns);
        if (r >= 0 && s->boot)
                r = host_limits_check_inotify(&c->userns);
        userns_release(&c->userns);
        lock_release(&locks[1]);
        lock_release(&locks[0]);
        return r;
}

int container_check(const Settings *s) {
        Container c = { .settings = s, .join_fds = { -EBADF, -EBADF, -EBADF }, .terminal = -EBADF };
        int r;

        r = preflight(&c);
        close_joined(&c); /* the check only opens them */
        safe_close(c.terminal);
        if (r >= 0) {
                _cleanup_strv_free_ char **limits = NULL;

                r = cgroup_limits_collect(s->cgroup_settings, s->properties, &limits);
                r = r < 0 ? log_oom() : cgroup_limits_check(limits);
        }
        if (r >= 0 && quota_wanted(s))
                r = quota_check(s);
        if (r >= 0 && geteuid() == 0)
                r = check_acquire(&c);
        bind_users_done(&c.bind_users);
        return r;
}

int container_run(const Settings *s) {
        Container c = { .settings = s, .netdevs = { .netns_fd = -EBADF, .host_netns_fd = -EBADF },
                        .join_fds = { -EBADF, -EBADF, -EBADF }, .terminal = -EBADF };
        _cleanup_(bind_users_donep) BoundUsers *bound = &c.bind_users;
        Lock locks[2] = { { .fd = -EBADF }, { .fd = -EBADF } };
        sigset_t mask;
        int r;

        /* Not in preflight(): --check must not copy anything. */
        if (s->template_dir) {
                r = template_populate(s->template_dir, s->directory);
                if (r < 0)
                        return r;
        }
        r = preflight(&c);
        if (r < 0)
                return r;
        r = lock_container(s, locks);
        if (r < 0)
                return r;
        /* What a SIGKILLed nsboot of this machine left behind. One that ran in another, still existing
         * network namespace must be cleaned up from there: starting here would lose its record. */
        r = cleanup_machine(s->machine);
        if (r == -EXDEV) {
                lock_release(&locks[1]);
                lock_release(&locks[0]);
                return r;
        }
        if (s->ephemeral)
                (void) cleanup_ephemeral_siblings(s->machine);
        machine_state_repair();
        control_repair();
        r = userns_acquire(&s->userns, s->machine, tree_name(s), &c.userns);
        if (r >= 0 && (r = bind_users_map(bound, &c.userns)) < 0)
                userns_release(&c.userns);
        if (r >= 0 && s->boot) {
                /* Against the owner of the guest's user namespace, known once its range is. */
                r = host_limits_check_inotify(&c.userns);
                if (r < 0)
                        userns_release(&c.userns);
        }
        if (r >= 0 && c.userns.chown_tree) {
                r = tree_shift_owners(s->directory, c.userns.root_uid, c.userns.root_gid, USERNS_RANGE_SIZE);
                if (r < 0)
                        userns_release(&c.userns);
        }
        if (r >= 0 && quota_wanted(s)) {
                r = quota_apply(s);
                if (r < 0)
                        userns_release(&c.userns);
        }
        if (r < 0) {
                lock_release(&locks[1]);
                lock_release(&locks[0]);
                return r;
        }
        /* try-guest would link into the tree itself, not into what the guest sees of it. */
        r = journal_link_prepare((storage_wanted(s) || s->pivot_root) && s->link_journal == LINK_JOURNAL_TRY_GUEST ? LINK_JOURNAL_NO
                                                                                              : s->link_journal,
                                 s->directory, c.uuid, c.uuid_from_tree, &c.bind_journal);
        if (r < 0) {
                userns_release(&c.userns);
                lock_release(&locks[1]);
                lock_release(&locks[0]);
                return r;
        }
        /* Blocked for the event loop's signalfd and child watch; the child unblocks them before exec. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGWINCH);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        /* A closed stdout (nsboot -b | head) must not kill the supervisor and with it the guest. */
        signal(SIGPIPE, SIG_IGN);
        if (c.terminal >= 0)
                c.terminal_raw = console_raw_enable(c.terminal, false, &c.terminal_termios) >= 0;
        else if (s->console_mode == CONSOLE_INTERACTIVE && isatty(STDIN_FILENO))
                c.stdin_raw = console_raw_enable(STDIN_FILENO, true, &c.saved_termios) >= 0;
        banner(&c);
        r = run_machine(&c);
        close_joined(&c);
        c.limits = strv_free(c.limits);
        machine_state_remove(s->machine);
        if (c.stdin_raw)
                console_raw_restore(STDIN_FILENO, &c.saved_termios);
        if (c.terminal_raw)
                console_raw_restore(c.terminal, &c.terminal_termios);
        safe_close(c.terminal);
        userns_release(&c.userns);
        lock_release(&locks[1]);
        lock_release(&locks[0]);
        return r;
}
