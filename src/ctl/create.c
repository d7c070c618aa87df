/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl create and remove: a new machine's tree in /var/lib/machines, built by the
 * distribution's own tool (debootstrap, or mkosi) or imported from a tarball or disk image, made
 * ready to boot (fresh machine ID, root password, host name) with its config file; and the way
 * back. The tree is built under a hidden name and renamed when complete, so a failure leaves
 * nothing behind. */
#include <crypt.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "id128-util.h"

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "cgroup-proc.h"
#include "cgroup-v1.h"
#include "cgroup.h"
#include "cleanup.h"
#include "create.h"
#include "ctl.h"
#include "import.h"
#include "lock.h"
#include "log.h"
#include "rename-journal.h"
#include "settings.h"
#include "tree.h"

#define PACKAGE_CACHE_DIR "/var/cache/nsboot/packages"
/* The same set as the test tree (mkosi.conf): a booting systemd with a console login. */
#define BASE_PACKAGES "systemd,systemd-sysv,dbus,libpam-systemd,login,passwd,util-linux,iproute2,procps"
#define DEFAULT_RELEASE "bookworm"

/* Whether debootstrap builds release as Ubuntu (its script derives from gutsy) or Debian; -ENOENT
 * when it does not know the release at all. */
static int release_is_ubuntu(const char *release) {
        _cleanup_free_ char *path = NULL, *text = NULL;

        if (strchr(release, '/') || asprintf(&path, "/usr/share/debootstrap/scripts/%s", release) < 0)
                return -EINVAL;
        if (read_full_file(path, &text, NULL) < 0)
                return -ENOENT;
        return strstr(text, "ubuntu") != NULL;
}

/* The first non-security archive in the host's apt sources (deb822 or one-line format). */
static char *host_mirror(void) {
        static const char *const files[] = { "/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_(fclosep) FILE *f = fopen(files[i], "re");
                char line[1024], uri[512];

                while (f && fgets(line, sizeof line, f))
                        if ((sscanf(line, "URIs: %511s", uri) == 1 || sscanf(line, "deb %511s", uri) == 1 ||
                             sscanf(line, "deb [%*[^]]] %511s", uri) == 1) &&
                            !strstr(uri, "security") && startswith(uri, "http"))
                                return strdup(uri);
        }
        return strdup("http://deb.debian.org/debian");
}

static int build_debootstrap(const CtlArgs *a, const char *dir, Progress *p) {
        _cleanup_free_ char *mirror = NULL, *include = NULL, *cache = NULL;
        const char *release = a->release ?: DEFAULT_RELEASE;
        int ubuntu = release_is_ubuntu(release);

        if (ubuntu < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--release=%s: debootstrap knows no such release "
                                       "(see /usr/share/debootstrap/scripts)", release);
        mirror = a->mirror ? strdup(a->mirror) : ubuntu ? strdup("http://archive.ubuntu.com/ubuntu") : host_mirror();
        if (!mirror || asprintf(&include, "%s%s%s", BASE_PACKAGES, a->packages ? "," : "", strempty(a->packages)) < 0 ||
            asprintf(&cache, PACKAGE_CACHE_DIR "/%s", release) < 0)
                return log_oom();
        /* Downloaded packages are kept for the next machine of the same release. */
        if (mkdir_p(cache, 0755) < 0) {
                free(cache);
                cache = NULL;
        }
        progress_step(p, "Bootstrapping %s from %s", release, mirror);
        {
                _cleanup_free_ char *cache_opt = NULL;
                const char *argv[] = { "debootstrap", "--variant=minbase", "--include", include,
                                       cache && asprintf(&cache_opt, "--cache-dir=%s", cache) >= 0 ? cache_opt : "--verbose",
                                       release, dir, mirror, NULL };

                return progress_run(p, argv);
        }
}

/* mkosi keeps its work files, a manifest and, when killed, its workspace next to the output, and
 * reads mkosi.* files from its directory: all of that is confined to the empty directory work. */
static int run_mkosi(const CtlArgs *a, const char *work, const char *out, Progress *p) {
        _cleanup_free_ char *mirror = a->mirror ? strdup(a->mirror) : host_mirror(), *packages = NULL;
        const char *release = a->release ?: DEFAULT_RELEASE;
        int ubuntu = release_is_ubuntu(release);

        if (!mirror || asprintf(&packages, "%s%s%s", BASE_PACKAGES, a->packages ? "," : "", strempty(a->packages)) < 0)
                return log_oom();
        (void) mkdir_p(PACKAGE_CACHE_DIR "/mkosi", 0755);
        progress_step(p, "Building %s with mkosi from %s", release, mirror);
        {
                /* A host without systemd has no machined for mkosi's systemd-nspawn to ask for a scope. */
                const char *argv[] = { "mkosi", "--directory", work, "--distribution", ubuntu > 0 ? "ubuntu" : "debian",
                                       "--release", release, "--format", "directory", "--bootable", "no",
                                       "--nspawn-keep-unit", "yes", "--cache", PACKAGE_CACHE_DIR "/mkosi",
                                       "--mirror", mirror, "--package", packages, "--output", out, "--force",
                                       "build", NULL };

                return progress_run(p, argv);
        }
}

/* Whether we are in the root of the cgroup2 hierarchy. */
static bool in_v2_root(void) {
        _cleanup_free_ char *text = NULL, *own = NULL;

        return cgroup_proc_read(0, &text) >= 0 && cgroup_proc_v2_path(text, &own) >= 0 && streq(own, "/");
}

/* mkosi's systemd-nspawn --keep-unit makes "payload" and "supervisor" below its own cgroup, which it
 * cannot in a hierarchy's root ("Failed to attach ... to compat systemd cgroup //payload"), where
 * processes are on a host without systemd: there nsbootctl moves into a cgroup of its own for the
 * build, in cgroup2 and in the name=systemd hierarchy of a hybrid host; ret[] gets the hierarchies'
 * roots for build_cgroups_leave(). Best effort: without it mkosi says what failed. */
static void build_cgroups_enter(const char *name, char *ret[static 2]) {
        char *roots[2] = {};

        if (in_v2_root() && cgroup_find_v2_root(&roots[0]) < 0)
                roots[0] = NULL;
        if (cgroup_v1_dir("systemd", "", &roots[1]) < 0 || !streq(roots[1], CREATE_CGROUP_V1_ROOT)) {
                free(roots[1]);
                roots[1] = NULL;
        }
        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *dir = NULL, *procs = NULL;

                ret[i] = NULL;
                if (!roots[i] || asprintf(&dir, "%s/" CREATE_CGROUP_PREFIX "%s", roots[i], name) < 0 ||
                    asprintf(&procs, "%s/cgroup.procs", dir) < 0 || (mkdir(dir, 0755) < 0 && errno != EEXIST) ||
                    write_string_file(procs, "0") < 0) {
                        free(roots[i]);
                        continue;
                }
                ret[i] = roots[i];
        }
}

/* Back into the roots, and the build's cgroups removed, with what nspawn left in them. */
static void build_cgroups_leave(const char *name, char *roots[static 2]) {
        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *procs = NULL, *dir = NULL;

                if (!roots[i])
                        continue;
                if (asprintf(&procs, "%s/cgroup.procs", roots[i]) >= 0 && write_string_file(procs, "0") >= 0 &&
                    asprintf(&dir, "%s/" CREATE_CGROUP_PREFIX "%s", roots[i], name) >= 0 && cgroup_remove_dir(dir) < 0)
                        log_warning("Could not remove the cgroup '%s' of mkosi's build, ignoring", dir);
                free(roots[i]);
                roots[i] = NULL;
        }
}

static int build_mkosi(const CtlArgs *a, const char *name, const char *dir, Progress *p) {
        _cleanup_free_ char *work = NULL, *out = NULL;
        char *cgroups[2];
        int r;

        if (asprintf(&work, "%s.mkosi", dir) < 0 || asprintf(&out, "%s.mkosi/tree", dir) < 0)
                return log_oom();
        if (mkdir(work, 0700) < 0)
                return log_error_errno(errno, "Failed to create %s: %m", work);
        build_cgroups_enter(name, cgroups);
        r = run_mkosi(a, work, out, p);
        build_cgroups_leave(name, cgroups);
        if (r >= 0 && rename(out, dir) < 0)
                r = log_error_errno(errno, "Failed to rename %s to %s: %m", out, dir);
        if (tree_remove(work) < 0)
                log_warning("Could not remove mkosi's work directory '%s', ignoring", work);
        return r;
}

/* Writes content to path inside the tree (never following its symlinks out of it). */
static int tree_write(int root, const char *path, const char *content, mode_t mode) {
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(content);

        (void) tree_mkdir_p(root, "/etc", 0755);
        fd = tree_open(root, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0)
                return fd;
        if (fchmod(fd, mode) < 0 || write(fd, content, n) != (ssize_t) n)
                return -errno;
        return 0;
}

/* Sets root's password field in /etc/shadow: empty, or a yescrypt (else SHA-512) hash of password. */
static int set_root_password(int root, const char *password) {
        _cleanup_close_ int fd = tree_open(root, "/etc/shadow", O_RDWR | O_NOFOLLOW | O_NOCTTY);
        _cleanup_free_ char *text = NULL, *out = NULL;
        const char *hash = "", *rest;
        ssize_t n;

        if (fd < 0)
                return fd;
        text = calloc(1, 1024 * 1024);
        if (!text || (n = read(fd, text, 1024 * 1024 - 1)) < 0)
                return text ? -errno : -ENOMEM;
        if (!startswith(text, "root:") || !(rest = strchr(text + 5, ':')))
                return -EBADMSG; /* Debian's shadow starts with root's line */
        if (password) {
                const char *salt = crypt_gensalt_ra("$y$", 0, NULL, 0) ?: crypt_gensalt_ra("$6$", 0, NULL, 0);

                hash = salt ? crypt(password, salt) : NULL;
                free((char *) salt);
                if (!hash || hash[0] == '*')
                        return -EINVAL;
        }
        if (asprintf(&out, "root:%s%s", hash, rest) < 0)
                return -ENOMEM;
        if (lseek(fd, 0, SEEK_SET) < 0 || ftruncate(fd, 0) < 0 || write(fd, out, strlen(out)) != (ssize_t) strlen(out))
                return -errno;
        return 0;
}

static int finish_tree(const CtlArgs *a, const char *name, const char *dir, Progress *p) {
        _cleanup_close_ int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_free_ char *hostname = NULL;
        char id[ID128_STRING_MAX + 1];
        Id128 uuid;
        int r;

        progress_step(p, "Setting the machine ID, root password and host name");
        if (root < 0)
                return log_error_errno(errno, "Failed to open %s: %m", dir);
        r = id128_randomize(&uuid);
        if (r >= 0 && asprintf(&hostname, "%s\n", a->hostname ?: name) < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = tree_write(root, "/etc/machine-id", strcat(id128_to_string(uuid, id), "\n"), 0444);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/etc/machine-id: %m", dir);
        r = tree_write(root, "/etc/hostname", hostname, 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/etc/hostname: %m", dir);
        r = set_root_password(root, a->root_password);
        if (r == -ENOENT && !a->root_password)
                r = 0; /* a tree without /etc/shadow (busybox) has no password to clear */
        if (r < 0)
                return log_error_errno(r, "Failed to set root's password in %s/etc/shadow: %m", dir);
        return 0;
}

static int write_config(const CtlArgs *a, const char *name) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        if (asprintf(&path, CONFIG_DIR "/%s.conf", name) < 0 ||
            asprintf(&text, "# Made by nsbootctl create (%s%s%s); see nsboot.conf(5)\n"
                            "nsboot.boot = yes\n%s%s%s",
                     a->from ? "imported from " : a->method ?: "debootstrap", a->from ? a->from : " ",
                     a->from ? "" : a->release ?: DEFAULT_RELEASE,
                     a->hostname ? "nsboot.hostname = " : "", strempty(a->hostname), a->hostname ? "\n" : "") < 0)
                return log_oom();
        r = mkdir_p(CONFIG_DIR, 0755);
        if (r >= 0)
                r = write_file_mode(path, text, 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        return 0;
}

static int check_new(const CtlArgs *a, const char *name, const char *tree, const char *partial) {
        _cleanup_free_ char *conf = NULL, *work = NULL, *image = NULL;

        if (a->hostname && !hostname_is_valid(a->hostname))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--hostname=%s: not a valid host name", a->hostname);
        if (asprintf(&conf, CONFIG_DIR "/%s.conf", name) < 0)
                return log_oom();
        if (access(tree, F_OK) >= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' exists already: %s", name, tree);
        if (access(conf, F_OK) >= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' has a config file already: %s", name, conf);
        /* The leftovers of a create that was killed (we hold the machine's lock): its tree, mkosi's
         * work directory, a decompressed image, the build cgroups. */
        if (asprintf(&work, "%s.mkosi", partial) < 0 || asprintf(&image, "%s.image", partial) < 0)
                return log_oom();
        if (unlink(image) < 0 && errno != ENOENT)
                return log_error_errno(errno, "Cannot remove the leftover %s: %m", image);
        if (tree_remove(partial) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EBUSY), "Cannot remove the leftover %s", partial);
        if (tree_remove(work) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EBUSY), "Cannot remove the leftover %s", work);
        (void) cleanup_create_cgroups(name);
        return 0;
}

/* With the machine's lock held throughout: a create of the same name, or a start, waits for none of
 * what this one makes and removes none of it (check_new() removes what a killed create left). */
static int create_locked(const CtlArgs *a, const char *name) {
        _cleanup_free_ char *tree = NULL, *partial = NULL;
        _cleanup_(progress_freep) Progress *p = NULL;
        int r;

        if (asprintf(&tree, MACHINES_DIR "/%s", name) < 0 || asprintf(&partial, MACHINES_DIR "/.%s.partial", name) < 0)
                return log_oom();
        r = check_new(a, name, tree, partial);
        if (r < 0)
                return r;
        r = mkdir_p(MACHINES_DIR, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create " MACHINES_DIR ": %m");
        r = progress_new(name, !a->quiet && isatty(STDERR_FILENO), &p);
        if (r < 0)
                return r;
        if (a->from)
                r = import_from(a, partial, p);
        else if (streq_ptr(a->method, "mkosi"))
                r = build_mkosi(a, name, partial, p);
        else
                r = build_debootstrap(a, partial, p);
        if (r >= 0)
                r = finish_tree(a, name, partial, p);
        if (r >= 0 && rename(partial, tree) < 0)
                r = log_error_errno(errno, "Failed to rename %s to %s: %m", partial, tree);
        if (r >= 0)
                r = write_config(a, name);
        if (r < 0) {
                progress_fail(p);
                if (tree_remove(partial) < 0 || (access(tree, F_OK) >= 0 && tree_remove(tree) < 0))
                        log_error("Could not remove the half-made tree '%s'", partial);
                return r;
        }
        progress_done(p, tree);
        return 0;
}

int verb_create(const CtlArgs *a) {
        const char *name = a->args[1];
        _cleanup_free_ char *lock_name = NULL;
        Lock lock = { .fd = -EBADF };
        int r;

        if (!machine_name_is_valid(name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", name);
        if (asprintf(&lock_name, "machine-%s", name) < 0)
                return log_oom();
        rename_journal_repair(name);
        r = lock_acquire(lock_name, name, "(create)", &lock);
        if (r < 0)
                return r;
        r = create_locked(a, name);
        lock_release(&lock);
        return r;
}

int verb_remove(const CtlArgs *a) {
        int ret = 0;

        for (char **name = a->args + 1; *name; name++) {
                _cleanup_free_ char *tree = NULL, *raw = NULL, *conf = NULL;
                Lock locks[2] = { { .fd = -EBADF }, { .fd = -EBADF } };
                struct stat st;
                bool image;
                int r;

                if (!machine_name_is_valid(*name)) {
                        ret = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", *name);
                        continue;
                }
                rename_journal_repair(*name);
                if (asprintf(&tree, MACHINES_DIR "/%s", *name) < 0 || asprintf(&raw, MACHINES_DIR "/%s.raw", *name) < 0 ||
                    asprintf(&conf, CONFIG_DIR "/%s.conf", *name) < 0)
                        return log_oom();
                /* Its tree, else its disk image NAME.raw (as nsboot -M finds them). */
                image = access(tree, F_OK) < 0 && lstat(raw, &st) >= 0 && S_ISREG(st.st_mode);
                if (image) {
                        free(tree);
                        tree = TAKE_PTR(raw);
                }
                if (access(tree, F_OK) < 0 && access(conf, F_OK) < 0) {
                        ret = log_error_errno(SYNTHETIC_ERRNO(ENOENT), "No machine '%s' (%s, %s)", *name, tree, conf);
                        continue;
                }
                /* Held while removing: the machine cannot start meanwhile; refused while it runs,
                 * under its name or another. */
                r = lock_machine(*name, access(tree, F_OK) >= 0 ? tree : NULL, locks);
                if (r < 0) {
                        ret = r;
                        continue;
                }
                r = access(tree, F_OK) < 0 ? 0 : image ? RET_NERRNO(unlink(tree)) : tree_remove(tree);
                if (r < 0)
                        ret = log_error_errno(r, "Failed to remove %s: %m", tree);
                else if (unlink(conf) < 0 && errno != ENOENT)
                        ret = log_error_errno(errno, "Failed to remove %s: %m", conf);
                else if (!a->quiet)
                        log_info("Removed machine '%s'", *name);
                lock_release(&locks[1]);
                lock_release(&locks[0]);
        }
        return ret;
}
