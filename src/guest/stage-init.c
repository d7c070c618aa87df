/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "basic/parse-util.h"
#include "bind-user.h"
#include "caps.h"
#include "guest-user.h"
#include "notify.h"
#include "basic/strv.h"
#include "log.h"
#include "seccomp-filter.h"
#include "stage-init.h"
#include "stub-pid1.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* lxc.init.uid, gid and groups, as LXC applies them: numbers, with no lookup of their own (gid 0 and
 * no supplementary groups unless set). The passwd entry of the uid, if the tree has one, gives HOME,
 * USER and the shell; else HOME is / and there is no USER. */
static int guest_user_from_ids(const Settings *s, GuestUser *ret) {
        _cleanup_free_ char *spec = NULL;
        GuestUser u = {};

        if (asprintf(&spec, "%" PRIu32, s->init_uid.id) < 0)
                return log_oom();
        if (guest_user_lookup(spec, &u) <= 0) {
                u = (GuestUser) { .home = strdup("/") };
                if (!u.home)
                        return log_oom();
        }
        u.uid = s->init_uid.id;
        u.gid = s->init_gid.id;
        u.n_groups = (int) s->init_groups.n;
        for (unsigned i = 0; i < s->init_groups.n; i++)
                u.groups[i] = s->init_groups.ids[i];
        *ret = u;
        return 0;
}

static int become_user(const GuestUser *u) {
        int r = guest_user_become(u);

        if (r < 0)
                return r;
        /* The kernel forgets the parent-death signal on a change of credentials: arm it again, or
         * the command would outlive a killed nsboot. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
                return log_error_errno(errno, "Failed to set the parent-death signal: %m");
        return 0;
}

/* Descriptors nsboot inherited from its caller (an open file, a socket, another terminal) are not
 * the guest's: mark every one past stdio close-on-exec. nsboot's own are close-on-exec already. */
static int close_inherited_fds(void) {
        struct rlimit rl;

        if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) >= 0)
                return 0;
        if (errno != EINVAL && errno != ENOSYS)
                return log_error_errno(errno, "Failed to mark inherited descriptors close-on-exec: %m");
        /* Before Linux 5.11. */
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return log_error_errno(errno, "Failed to read the descriptor limit: %m");
        for (int fd = 3; (rlim_t) fd < rl.rlim_cur && fd < (1 << 20); fd++) {
                int flags = fcntl(fd, F_GETFD);

                if (flags >= 0 && !(flags & FD_CLOEXEC) && fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)
                        return log_error_errno(errno, "Failed to mark descriptor %d close-on-exec: %m", fd);
        }
        return 0;
}

/* The session keyring nsboot was started with is the admin's: the guest gets a new, empty one.
 * (keyctl() is refused in the guest by default, but --system-call-filter=@keyring allows it.) */
static int join_new_session_keyring(void) {
        if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) >= 0)
                return 0;
        if (errno != ENOSYS)
                return log_error_errno(errno, "Failed to give the guest a new session keyring: %m");
        log_debug("No kernel keyrings, so no session keyring to replace");
        return 0;
}

char **stage_init_environment(const ChildParams *p, const char *home, const char *user, const char *shell) {
        _cleanup_strv_free_ char **env = NULL;
        char *e;
        char uuid[ID128_UUID_STRING_MAX];

        if (strv_extend(&env, "PATH=" DEFAULT_PATH) < 0 || strv_extend(&env, "container=nsboot") < 0 ||
            strv_extend(&env, "NOTIFY_SOCKET=" NOTIFY_SOCKET_PATH) < 0 ||
            asprintf(&e, "container_uuid=%s", id128_to_uuid_string(p->uuid, uuid)) < 0 ||
            strv_consume(&env, e) < 0 || asprintf(&e, "TERM=%s", p->term) < 0 || strv_consume(&env, e) < 0 ||
            asprintf(&e, "HOME=%s", home) < 0 || strv_consume(&env, e) < 0)
                return NULL;
        /* an lxc.init.uid the tree's /etc/passwd does not know has no name */
        if (user && (asprintf(&e, "USER=%s", user) < 0 || strv_consume(&env, e) < 0 ||
                     asprintf(&e, "LOGNAME=%s", user) < 0 || strv_consume(&env, e) < 0))
                return NULL;
        if (shell && (asprintf(&e, "SHELL=%s", shell) < 0 || strv_consume(&env, e) < 0))
                return NULL;
        if (p->settings->credentials.n > 0 && strv_extend(&env, "CREDENTIALS_DIRECTORY=" CREDENTIALS_DIR) < 0)
                return NULL;
        /* systemd's getty-generator starts container-getty@N.service for each pts/N listed here. */
        if (p->container_ttys && (asprintf(&e, "container_ttys=%s", p->container_ttys) < 0 ||
                                  strv_consume(&env, e) < 0))
                return NULL;
        STRV_FOREACH(a, p->settings->environment)
                if (strv_env_set(&env, *a) < 0)
                        return NULL;
        return TAKE_PTR(env);
}

static int setup_stdio(const ChildParams *p) {
        int fd;

        if (setsid() < 0)
                return log_error_errno(errno, "Failed to start a new session: %m");
        if (!p->use_pty)
                return 0;
        /* Keep reporting errors to nsboot's stderr, not into the guest's console. */
        fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
        if (fd >= 0)
                log_set_fd(fd);
        fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open /dev/console: %m");
        if (dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
                return log_error_errno(errno, "Failed to make /dev/console standard I/O: %m");
        safe_close(fd);
        if (ioctl(0, TIOCSCTTY, 1) < 0)
                return log_error_errno(errno, "Failed to make /dev/console the controlling terminal: %m");
        return 0;
}

/* argv[0] of a login shell starts with '-', as login(1) does it. */
static char **login_shell_argv(const char *shell) {
        _cleanup_strv_free_ char **argv = NULL;
        const char *base = strrchr(shell, '/');
        char *a0;

        if (asprintf(&a0, "-%s", base ? base + 1 : shell) < 0 || strv_consume(&argv, a0) < 0)
                return NULL;
        return TAKE_PTR(argv);
}

/* The stub init forks before exec, so it resolves the command itself, as execvp() would. */
static int find_in_path(const char *name, const char *path, char **ret) {
        _cleanup_free_ char *dirs = NULL;

        if (strchr(name, '/')) {
                *ret = strdup(name);
                return *ret ? 0 : -ENOMEM;
        }
        dirs = strdup(path ?: DEFAULT_PATH);
        if (!dirs)
                return -ENOMEM;
        for (char *d = strtok(dirs, ":"); d; d = strtok(NULL, ":")) {
                _cleanup_free_ char *c = NULL;

                if (asprintf(&c, "%s/%s", d, name) < 0)
                        return -ENOMEM;
                if (access(c, X_OK) >= 0) {
                        *ret = TAKE_PTR(c);
                        return 0;
                }
        }
        return -ENOENT;
}

static int exec_payload(const ChildParams *p, const GuestUser *u, char **env, bool *ret_exec_failed) {
        const Settings *s = p->settings;
        _cleanup_strv_free_ char **argv = NULL;
        const char *path;

        if (s->boot) {
                path = p->init;
                if (strv_extend(&argv, p->init) < 0)
                        return log_oom();
                /* lxc.init.cmd's own arguments come first */
                for (char **a = s->init_cmd ? s->init_cmd + 1 : NULL; a && *a; a++)
                        if (strv_extend(&argv, *a) < 0)
                                return log_oom();
                STRV_FOREACH(a, s->parameters)
                        if (strv_extend(&argv, *a) < 0)
                                return log_oom();
        } else if (s->parameters || s->execute_cmd) {
                /* the command line's command, else lxc.execute.cmd */
                path = (s->parameters ?: s->execute_cmd)[0];
                argv = strv_copy(s->parameters ?: s->execute_cmd);
        } else {
                path = isempty(u->shell) || access(u->shell, X_OK) < 0 ? "/bin/sh" : u->shell;
                argv = login_shell_argv(path);
        }
        if (!argv)
                return log_oom();
        /* execvp() searches the PATH of our own environment: make it the guest's. */
        environ = env;
        if (s->as_pid2) {
                _cleanup_free_ char *found = NULL;

                if (find_in_path(path, strv_env_get(env, "PATH"), &found) < 0) {
                        *ret_exec_failed = true;
                        return -ENOENT;
                }
                return log_error_errno(stub_pid1_run(found, argv, env), "Failed to fork the payload: %m");
        }
        execvp(path, argv);
        *ret_exec_failed = true;
        return -errno;
}

static int apply_rlimits(const Settings *s) {
        for (int i = 0; i < (int) ELEMENTSOF(s->rlimits); i++) {
                struct rlimit rl;

                if (!s->rlimits[i].set)
                        continue;
                rl = (struct rlimit) { .rlim_cur = s->rlimits[i].soft, .rlim_max = s->rlimits[i].hard };
                if (setrlimit(i, &rl) < 0)
                        return log_error_errno(errno, "Failed to set resource limit %d to %llu:%llu: %m", i,
                                               s->rlimits[i].soft, s->rlimits[i].hard);
        }
        return 0;
}

/* New keyring, system call filter, capabilities, user, no_new_privs, in systemd-nspawn's order:
 * the filter (compiled by the parent) while we still have CAP_SYS_ADMIN to load it without
 * no_new_privs. Loaded before the stub init of -a forks, it covers that too. */
static int drop_privileges(const ChildParams *p, const GuestUser *u) {
        const Settings *s = p->settings;
        uint64_t caps = settings_caps(s);
        bool other_user = s->user || settings_init_ids_set(s);
        int r;

        /* lxc.keyring.session = 0: the caller's, which the settings allow from a trusted file only */
        r = s->session_keyring ? join_new_session_keyring() : 0;
        if (r < 0)
                return r;
        r = seccomp_load_prepared(p->seccomp);
        if (r < 0)
                return r;
        r = caps_apply(caps, !other_user || u->uid == 0);
        if (r < 0)
                return r;
        /* With ambient capabilities for another user, the permitted set must survive the change. */
        if (other_user && s->caps_ambient && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return log_error_errno(errno, "Failed to keep the capabilities across the change of user: %m");
        if (other_user) {
                r = become_user(u);
                if (r < 0)
                        return r;
        }
        r = caps_raise_ambient(s->caps_ambient & caps);
        if (r < 0)
                return r;
        if (s->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return log_error_errno(errno, "Failed to set no_new_privs: %m");
        return 0;
}

/* A user --bind-user brought in, which the tree's /etc/passwd does not list. */
static int guest_user_bound(const BoundUser *b, GuestUser *ret) {
        *ret = (GuestUser) { .uid = b->guest_id, .gid = b->guest_id, .name = strdup(b->name),
                             .shell = strdup(b->shell ?: "/bin/sh") };
        if (!ret->name || !ret->shell || asprintf(&ret->home, BIND_USER_HOME_DIR "/%s", b->name) < 0)
                return log_oom();
        return 0;
}

/* -u's user of the tree or of --bind-user, the ids of lxc.init.*, or root. */
static int guest_user(const ChildParams *p, GuestUser *ret) {
        const Settings *s = p->settings;
        const BoundUser *b;
        int r;

        if (settings_init_ids_set(s))
                return guest_user_from_ids(s, ret);
        r = guest_user_lookup(s->user ?: "root", ret);
        if (r < 0 && s->user && (b = bind_users_find(p->bind_users, s->user))) {
                r = guest_user_bound(b, ret);
                if (r < 0)
                        return r;
                guest_user_groups(ret);
                return 0;
        }
        if (r < 0 && s->user)
                return log_error_errno(r, "-u/--user=%s: no such user in the tree's /etc/passwd", s->user);
        if (r <= 0) {
                /* A tree without /etc/passwd or without root in it still runs as root. */
                *ret = (GuestUser) { .name = strdup("root"), .home = strdup("/root") };
                if (!ret->name || !ret->home)
                        return log_oom();
        }
        guest_user_groups(ret);
        return 0;
}

int stage_init_exec(const ChildParams *p, bool *ret_exec_failed) {
        const Settings *s = p->settings;
        _cleanup_(guest_user_done) GuestUser u = {};
        _cleanup_strv_free_ char **env = NULL;
        sigset_t none;
        int r;

        r = close_inherited_fds();
        if (r < 0)
                return r;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL); /* ignored dispositions survive execve() */
        r = guest_user(p, &u);
        if (r < 0)
                return r;
        env = stage_init_environment(p, u.home, u.name, s->user || settings_init_ids_set(s) ? u.shell : NULL);
        if (!env)
                return log_oom();
        r = setup_stdio(p);
        if (r < 0)
                return r;
        r = apply_rlimits(s);
        if (r < 0)
                return r;
        r = drop_privileges(p, &u);
        if (r < 0)
                return r;
        if (chdir(s->chdir ?: s->boot ? "/" : u.home) < 0 && (s->chdir || chdir("/") < 0))
                return log_error_errno(errno, "--chdir=%s: %m", strna(s->chdir));
        return exec_payload(p, &u, env, ret_exec_failed);
}
