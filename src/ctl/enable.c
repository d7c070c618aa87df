/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl enable and disable (machinectl enable, vzctl set --onboot, LXC's lxc.start.auto): whether
 * a machine starts at host boot. Both ways of starting machines at boot read lxc.start.auto from the
 * machine's config in /etc/nsboot or /run/nsboot: nsboot-generator's nsboot@NAME.service on a
 * systemd host (reloaded here), nsbootctl autostart (the init script) elsewhere. */
#include <fcntl.h>
#include <stdlib.h>

#include "basic/fileio.h"
#include "basic/strv.h"
#include "config-edit.h"
#include "config.h"
#include "create.h"
#include "ctl.h"
#include "log.h"
#include "rename-journal.h"
#include "settings.h"

#define AUTO_KEY "lxc.start.auto"

/* The machine's config to change, and the text it starts from: its own NAME.conf as it is
 * (*ret_exists); for a machine that has none, a new NAME.conf in the first config directory,
 * /etc/nsboot unless $NSBOOT_CONFIG_PATH says otherwise (including LXC's config of
 * the machine, which it would hide otherwise). *ret_path NULL: nothing to change for disable. */
static int config_to_change(const char *name, bool enable, char **ret_path, char **ret_text, bool *ret_exists) {
        _cleanup_free_ char *found = NULL, *config = NULL, *text = NULL;
        _cleanup_strv_free_ char **dirs = NULL;
        int level = log_get_max_level(), r;
        size_t size;
        bool trusted;

        *ret_path = *ret_text = NULL;
        *ret_exists = false;
        r = settings_find_machine(name, true, &found, NULL);
        if (r == -ENOMEM)
                return log_oom();
        log_set_max_level(LOG_WARNING); /* not "using LXC's config": said below where it matters */
        r = config_find(name, found, &config, &trusted);
        log_set_max_level(level);
        if (r < 0)
                return log_error_errno(r, "Failed to look for the config of machine '%s': %m", name);
        if (!config && !found)
                return log_error_errno(SYNTHETIC_ERRNO(ENOENT),
                                       "No machine '%s': no config file, no tree or image in /var/lib/machines or the "
                                       "other machine directories", name);
        if (config && ctl_config_is_own(config)) {
                /* Replaced by a new file (rename()): a symlink would become a copy of its target. */
                r = read_regular_file(config, O_NOFOLLOW, &text, &size, NULL);
                if (r == -ELOOP)
                        return log_error_errno(r, "%s is a symbolic link: change lxc.start.auto in its target "
                                               "yourself, or replace the link by the file", config);
                if (r == -EBADFD)
                        return log_error_errno(r, "%s is not a regular file", config);
                if (r < 0)
                        return log_error_errno(r, "Failed to read %s: %m", config);
                /* Rewritten as a string: all after a NUL would be lost. */
                if (strlen(text) != size)
                        return log_error_errno(SYNTHETIC_ERRNO(EBADMSG), "%s has a NUL byte, not changing it",
                                               config);
                *ret_exists = true;
                *ret_text = TAKE_PTR(text);
                *ret_path = TAKE_PTR(config);
                return 0;
        }
        if (!enable)
                return 0; /* only nsboot's own configs start machines at boot */
        if (config && !trusted)
                return log_error_errno(SYNTHETIC_ERRNO(EPERM),
                                       "Machine '%s' has its settings in %s beside its tree, which nsboot does not take "
                                       "host-wide settings from; move it to " CONFIG_DIR "/%s.conf, then enable the "
                                       "machine", name, config, name);
        if (config && endswith(config, ".nspawn"))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "Machine '%s' is configured by %s, which an nsboot config would hide: "
                                       "'nsbootctl convert-nspawn %s > " CONFIG_DIR "/%s.conf' makes one of it, then "
                                       "enable the machine", name, config, config, name);
        /* Where config_find() looks first: with $NSBOOT_CONFIG_PATH set, its first directory, never
         * a /etc/nsboot/NAME.conf it does not list (and so hides). */
        r = config_search_dirs(&dirs);
        if (r < 0)
                return log_oom();
        if (!dirs || !dirs[0])
                return log_error_errno(SYNTHETIC_ERRNO(ENOENT),
                                       "$NSBOOT_CONFIG_PATH names no directory to write %s.conf in", name);
        if (asprintf(ret_path, "%s/%s.conf", dirs[0], name) < 0)
                return log_oom();
        if (config ? asprintf(ret_text, "# LXC's config of the machine, which this file would hide otherwise.\n"
                                        "lxc.include = %s\n", config) < 0
                   : !(*ret_text = strdup("")))
                return log_oom();
        return 0;
}

static int set_auto(const char *name, bool enable, bool quiet, bool *changed) {
        _cleanup_free_ char *path = NULL, *text = NULL, *out = NULL, *tmp = NULL;
        const char *slash;
        bool exists;
        int r;

        if (!machine_name_is_valid(name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", name);
        /* A killed rename's new config would be undone later, with the key in it. */
        rename_journal_repair(name);
        r = config_to_change(name, enable, &path, &text, &exists);
        if (r < 0)
                return r;
        if (!path) {
                if (!quiet)
                        log_info("Machine '%s' does not start at boot: it has no config of nsboot's own", name);
                return 0;
        }
        r = config_set_text(text, AUTO_KEY, enable ? "1" : "0", &out);
        if (r < 0)
                return log_oom();
        slash = strrchr(path, '/');
        if (asprintf(&tmp, "%.*s/.%s.tmp", (int) (slash - path), path, slash + 1) < 0)
                return log_oom();
        /* The admin's file keeps its owner, group, mode and ACL. */
        if (exists)
                r = config_write_like(path, path, tmp, out);
        else {
                _cleanup_free_ char *dir = strndup(path, (size_t) (slash - path));

                r = dir ? write_file_atomic(dir, path, tmp, out, 0644) : -ENOMEM;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        *changed = true;
        if (!quiet)
                log_info("%s machine '%s': " AUTO_KEY " = %d in %s", enable ? "Enabled" : "Disabled", name, enable, path);
        return 0;
}

static int set_all(const CtlArgs *a, bool enable) {
        bool changed = false;
        int ret = 0;

        for (char **n = a->args + 1; *n; n++) {
                int r = set_auto(*n, enable, a->quiet, &changed);

                if (r < 0 && ret == 0)
                        ret = r;
        }
        /* nsboot-generator makes the machines.target wants of nsboot@NAME.service from the configs. */
        if (changed && ctl_systemd_running() &&
            ctl_run_wait((char *[]) { (char *) "systemctl", (char *) "daemon-reload", NULL }) != 0)
                log_warning("systemctl daemon-reload failed: the change applies from the next boot's generator run");
        return ret;
}

int verb_enable(const CtlArgs *a) {
        return set_all(a, true);
}

int verb_disable(const CtlArgs *a) {
        return set_all(a, false);
}
