/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/parse-util.h"
#include "basic/strv.h"
#include "log.h"
#include "settings-table.h"

static int parse_string(const SettingDef *def _unused_, const char *value, void *dest) {
        char **p = dest, *c;

        if (isempty(value))
                return -EINVAL;
        c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*p);
        *p = c;
        return 0;
}

static int parse_path(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || strlen(value) >= 4096)
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_absolute_path(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || value[0] != '/')
                return -EINVAL;
        return parse_path(def, value, dest);
}

static int parse_machine_name(const SettingDef *def, const char *value, void *dest) {
        if (!machine_name_is_valid(value))
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_hostname(const SettingDef *def, const char *value, void *dest) {
        if (!hostname_is_valid(value))
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_user(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || strpbrk(value, ":/\n") || strlen(value) > 256)
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_bool(const SettingDef *def _unused_, const char *value, void *dest) {
        int r = parse_boolean(value);

        if (r < 0)
                return r;
        *(bool *) dest = r;
        return 0;
}

static int parse_uuid(const SettingDef *def _unused_, const char *value, void *dest) {
        sd_id128_t id;

        if (sd_id128_from_string(value, &id) < 0 || sd_id128_is_null(id))
                return -EINVAL;
        *(sd_id128_t *) dest = id;
        return 0;
}

static int parse_signal(const SettingDef *def _unused_, const char *value, void *dest) {
        int sig = signal_from_string(value);

        if (sig < 0)
                return sig;
        *(int *) dest = sig;
        return 0;
}

static int parse_console(const SettingDef *def _unused_, const char *value, void *dest) {
        ConsoleMode m = console_mode_from_string(value);

        if (m < 0)
                return m;
        *(ConsoleMode *) dest = m;
        return 0;
}

/* VAR=VALUE, or VAR alone to pass the host's value on; VAR is a valid shell-style name. */
static int parse_env(const SettingDef *def _unused_, const char *value, void *dest) {
        size_t n = strcspn(value, "=");
        _cleanup_free_ char *a = NULL;

        if (n == 0 || (value[0] >= '0' && value[0] <= '9'))
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", value[i]))
                        return -EINVAL;
        if (value[n] == '=')
                return strv_env_set(dest, value);
        if (!getenv(value))
                return 0;
        if (asprintf(&a, "%s=%s", value, getenv(value)) < 0)
                return -ENOMEM;
        return strv_env_set(dest, a);
}

#define FIELD(f) offsetof(Settings, f)

/* Sorted by key; command-line-only spellings (key NULL) follow the key they alias. */
const SettingDef settings_table[] = {
        { "nsboot.as-pid2", "as-pid2", 'a', parse_bool, FIELD(as_pid2), SETTING_FLAG, "yes", NULL,
          "yes or no", "Run the command as PID 2 under a minimal stub init" },
        { "nsboot.boot", "boot", 'b', parse_bool, FIELD(boot), SETTING_FLAG, "yes", NULL,
          "yes or no", "Boot the tree's init as PID 1; arguments go to init" },
        { "nsboot.chdir", "chdir", 0, parse_absolute_path, FIELD(chdir), 0, NULL, "PATH",
          "an absolute path", "Working directory of the command inside the container" },
        { "nsboot.console", "console", 0, parse_console, FIELD(console_mode), 0, NULL, "MODE",
          "interactive, read-only, passive or pipe", "How the console is connected" },
        { NULL, "pipe", 'P', parse_console, FIELD(console_mode), SETTING_FLAG, "pipe", NULL,
          "pipe", "Same as --console=pipe" },
        { "nsboot.directory", "directory", 'D', parse_path, FIELD(directory), 0, NULL, "PATH",
          "a directory", "Root directory of the container tree" },
        { "nsboot.hostname", "hostname", 0, parse_hostname, FIELD(hostname), 0, NULL, "NAME",
          "a hostname of up to 64 letters, digits, '-', '_' and '.'", "Hostname inside (default: machine name)" },
        { "nsboot.kill-signal", "kill-signal", 0, parse_signal, FIELD(kill_signal), 0, NULL, "SIGNAL",
          "a signal name or number", "Signal sent to PID 1 when nsboot is asked to stop" },
        { "nsboot.machine", "machine", 'M', parse_machine_name, FIELD(machine), 0, NULL, "NAME",
          "1-64 letters, digits, '-', '_' and '.', not starting with '.' or '-'", "Machine name" },
        { "nsboot.private-network", "private-network", 0, parse_bool, FIELD(private_network), SETTING_FLAG,
          "yes", NULL, "yes or no", "Own network namespace with only loopback" },
        { "nsboot.quiet", "quiet", 'q', parse_bool, FIELD(quiet), SETTING_FLAG, "yes", NULL, "yes or no",
          "Do not print the banner and informational messages" },
        { "nsboot.setenv", "setenv", 'E', parse_env, FIELD(environment), SETTING_LIST, NULL, "VAR[=VALUE]",
          "VAR=VALUE or VAR", "Set an environment variable for PID 1" },
        { "nsboot.user", "user", 'u', parse_user, FIELD(user), 0, NULL, "USER", "a user name or UID",
          "Run the command as this user of the tree" },
        { "nsboot.uuid", "uuid", 0, parse_uuid, FIELD(uuid), 0, NULL, "UUID", "a UUID or 32 hex digits",
          "Container UUID when the tree has no machine ID" },
};

const size_t settings_table_size = ELEMENTSOF(settings_table);

const SettingDef *settings_table_find_key(const char *key) {
        for (size_t i = 0; i < settings_table_size; i++)
                if (settings_table[i].key && streq(settings_table[i].key, key))
                        return &settings_table[i];
        return NULL;
}

const SettingDef *settings_table_find_long(const char *option) {
        for (size_t i = 0; i < settings_table_size; i++)
                if (settings_table[i].long_option && streq(settings_table[i].long_option, option))
                        return &settings_table[i];
        return NULL;
}

const SettingDef *settings_table_find_short(char c) {
        for (size_t i = 0; i < settings_table_size; i++)
                if (c != 0 && settings_table[i].short_option == c)
                        return &settings_table[i];
        return NULL;
}

int settings_assign(Settings *s, const SettingDef *def, const char *value, const char *where) {
        int r;

        r = def->parse(def, value, (char *) s + def->offset);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s: invalid value '%s' (expected %s)", where, value, def->expect);
        return 0;
}
