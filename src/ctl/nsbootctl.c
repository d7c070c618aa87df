/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl: list, watch, enter, start, stop and create nsboot machines. main() parses the options and
 * hands over to one verb; a verb returns < 0 on failure (exit status 1), else the exit status. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "basic/parse-util.h"
#include "basic/strv.h"
#include "ctl.h"
#include "log.h"

typedef struct Verb {
        const char *name;
        unsigned min_args, max_args;    /* positional arguments after the verb */
        bool root;                      /* needs root */
        int (*run)(const CtlArgs *a);
} Verb;

#define ARGS_ANY ((unsigned) -1)

static const Verb verbs[] = {
        { "list",   0, 0,        false, verb_list   },
        { "images", 0, 0,        false, verb_images },
        { "list-images", 0, 0,   false, verb_images },
        { "stat",   0, 0,        true,  verb_stat   },
        { "status", 1, ARGS_ANY, true,  verb_status },
        { "top",    0, 0,        true,  verb_top    },
        { "enter",  1, ARGS_ANY, true,  verb_enter  },
        { "shell",  1, ARGS_ANY, true,  verb_shell  },
        { "attach", 1, ARGS_ANY, true,  verb_enter  },
        { "start",  1, ARGS_ANY, true,  verb_start  },
        { "autostart", 0, 0,     true,  verb_autostart },
        { "enable", 1, ARGS_ANY, true,  verb_enable },
        { "disable", 1, ARGS_ANY, true, verb_disable },
        { "stop",   0, ARGS_ANY, true,  verb_stop   },
        { "poweroff", 0, ARGS_ANY, true, verb_stop  },
        { "reboot", 1, ARGS_ANY, true,  verb_reboot },
        { "kill",   1, ARGS_ANY, true,  verb_kill   },
        { "terminate", 1, ARGS_ANY, true, verb_terminate },
        { "set-limit", 2, ARGS_ANY, true, verb_set_limit },
        { "freeze", 1, ARGS_ANY, true,  verb_freeze },
        { "thaw",   1, ARGS_ANY, true,  verb_thaw   },
        { "unfreeze", 1, ARGS_ANY, true, verb_thaw  },
        { "console", 1, 1,       true,  verb_console },
        { "login",  1, 1,        true,  verb_console },
        { "console-log", 1, 1,   true,  verb_console_log },
        { "create", 1, 1,        true,  verb_create },
        { "remove", 1, ARGS_ANY, true,  verb_remove },
        { "export", 2, 2,        true,  verb_export },
        { "export-tar", 2, 2,    true,  verb_export },
        { "clone",  2, 2,        true,  verb_clone  },
        { "rename", 2, 2,        true,  verb_rename },
        { "convert-nspawn", 1, 1, false, verb_convert_nspawn },
        { "copy-to",   2, 3,     true,  verb_copy_to   },
        { "copy-from", 2, 3,     true,  verb_copy_from },
        { "bind",   2, 3,        true,  verb_bind   },
};

static void help(void) {
        printf("nsbootctl [OPTIONS...] COMMAND ...\n\n"
               "Create, list, watch, enter, start and stop nsboot machines.\n\n"
               "Commands:\n"
               "  list                    Running machines: name, state, init, PID, addresses, uptime\n"
               "  images                  Every machine's tree or image: type, read-only, usage, mtime\n"
               "  stat                    Processes, memory and CPU time of each running machine\n"
               "  status NAME...          One machine in detail (a stopped one: tree, config, autostart)\n"
               "  top                     The same, refreshed; keys: c, m, n sort, q quits\n"
               "  enter NAME [CMD...]     A shell or command inside the running machine (also: shell)\n"
               "  attach NAME [CMD...]    The same as enter\n"
               "  start NAME...           Boot machines in the background\n"
               "  autostart               Boot the machines with lxc.start.auto, in their order\n"
               "  enable NAME...          Start machines at host boot (lxc.start.auto = 1)\n"
               "  disable NAME...         Do not start them at boot (lxc.start.auto = 0)\n"
               "  stop NAME...|--all      Shut machines down cleanly, as their init does it (also: poweroff)\n"
               "  reboot NAME...          Reboot machines\n"
               "  kill NAME...            Send a signal to the machines' processes\n"
               "  terminate NAME...       Kill every process of the machines at once (SIGKILL)\n"
               "  set-limit NAME FILE=VALUE...  Change cgroup limits of a running machine\n"
               "  freeze NAME...          Freeze every process of machines in place\n"
               "  thaw NAME...            Let frozen machines go on (also: unfreeze)\n"
               "  console NAME            Attach to a running machine's console; Ctrl-] q detaches (also: login)\n"
               "  console-log NAME        The last console output (lxc.console.buffer.size)\n"
               "  create NAME             Build /var/lib/machines/NAME and /etc/nsboot/NAME.conf\n"
               "  remove NAME...          Delete stopped machines and their config files\n"
               "  export NAME FILE        A stopped machine's tree as FILE.tar[.gz|.xz|.zst|.bz2]\n"
               "  clone NAME NEWNAME      Copy a stopped machine: tree or image, config, new IDs\n"
               "  rename NAME NEWNAME     Rename a stopped machine: tree or image, config\n"
               "  convert-nspawn FILE     Print a .nspawn file as nsboot config lines\n"
               "  copy-to NAME PATH [PATH]    Copy a file or directory from the host into the machine\n"
               "  copy-from NAME PATH [PATH]  Copy a file or directory from the machine to the host\n"
               "  bind NAME HOSTPATH [PATH]  Mount a host directory or file into a running machine\n\n"
               "Options:\n"
               "  -h --help               Show this help\n"
               "     --version            Show the version\n"
               "  -q --quiet              Print only errors (console: no greeting)\n"
               "  -u --user=USER          enter: run as this user of the machine (name or UID)\n"
               "     --json               Output as JSON (list, stat, images)\n"
               "     --sort=cpu|memory|name  Order of top (default cpu)\n"
               "     --interval=SECS      Refresh interval of top (default 1)\n"
               "  -n --iterations=N       top: stop after N refreshes\n"
               "  -s --signal=SIGNAL      kill: the signal (default SIGTERM)\n"
               "     --kill-whom=all|leader  kill: every process of the machine (default), or its init\n"
               "     --no-wait            stop: return once the machine was asked\n"
               "     --all                stop: every running machine; list: stopped ones too\n"
               "     --clear              console-log: empty the buffer after printing it\n"
               "     --force              copy-to, copy-from: replace the destination if it exists\n"
               "     --timeout=SECS       start, stop: how long to wait (default 90)\n"
               "     --release=CODENAME   create: the Debian or Ubuntu release (default bookworm)\n"
               "     --mirror=URL         create: the archive (default: the host's apt sources)\n"
               "     --method=debootstrap|mkosi  create: the build tool\n"
               "     --packages=LIST      create: more packages, comma-separated\n"
               "     --from=FILE          create: import a tarball or disk image instead\n"
               "     --root-password=PW   create: root's password (default: empty)\n"
               "     --hostname=NAME      create: the machine's host name (default: NAME)\n"
               "     --keep-machine-id    clone: the copy keeps /etc/machine-id\n"
               "     --read-only          bind: read-only in the machine\n"
               "     --mkdir              bind: create the mount point in the machine\n"
               "     --options=LIST       bind: rbind, norbind, idmap, noidmap (as --bind of nsboot)\n\n"
               "See nsbootctl(1).\n");
}

enum {
        ARG_VERSION = 0x100, ARG_JSON, ARG_SORT, ARG_INTERVAL, ARG_NO_WAIT, ARG_TIMEOUT, ARG_RELEASE,
        ARG_MIRROR, ARG_METHOD, ARG_PACKAGES, ARG_FROM, ARG_ROOT_PASSWORD, ARG_HOSTNAME, ARG_KILL_WHOM, ARG_CLEAR,
        ARG_ALL, ARG_KEEP_MACHINE_ID, ARG_FORCE,
        ARG_READ_ONLY, ARG_MKDIR, ARG_OPTIONS,
};

static const struct option options[] = {
        { "help",          no_argument,       NULL, 'h'               },
        { "version",       no_argument,       NULL, ARG_VERSION       },
        { "quiet",         no_argument,       NULL, 'q'               },
        { "user",          required_argument, NULL, 'u'               },
        { "json",          no_argument,       NULL, ARG_JSON          },
        { "sort",          required_argument, NULL, ARG_SORT          },
        { "interval",      required_argument, NULL, ARG_INTERVAL      },
        { "iterations",    required_argument, NULL, 'n'               },
        { "signal",        required_argument, NULL, 's'               },
        { "kill-whom",     required_argument, NULL, ARG_KILL_WHOM     },
        { "no-wait",       no_argument,       NULL, ARG_NO_WAIT       },
        { "all",           no_argument,       NULL, ARG_ALL           },
        { "clear",         no_argument,       NULL, ARG_CLEAR         },
        { "force",         no_argument,       NULL, ARG_FORCE         },
        { "timeout",       required_argument, NULL, ARG_TIMEOUT       },
        { "release",       required_argument, NULL, ARG_RELEASE       },
        { "mirror",        required_argument, NULL, ARG_MIRROR        },
        { "method",        required_argument, NULL, ARG_METHOD        },
        { "packages",      required_argument, NULL, ARG_PACKAGES      },
        { "from",          required_argument, NULL, ARG_FROM          },
        { "root-password", required_argument, NULL, ARG_ROOT_PASSWORD },
        { "hostname",      required_argument, NULL, ARG_HOSTNAME      },
        { "keep-machine-id", no_argument,     NULL, ARG_KEEP_MACHINE_ID },
        { "read-only",     no_argument,       NULL, ARG_READ_ONLY     },
        { "mkdir",         no_argument,       NULL, ARG_MKDIR         },
        { "options",       required_argument, NULL, ARG_OPTIONS       },
        {}
};

/* "1", "0.5", "2.25": seconds with up to 6 decimals. */
static int parse_seconds(const char *s, uint64_t *ret) {
        char *end;
        double d;

        errno = 0;
        d = strtod(s, &end);
        if (errno || end == s || *end || d < 0.01 || d > 3600)
                return -EINVAL;
        *ret = (uint64_t) (d * 1e6);
        return 0;
}

static int parse_option(int c, CtlArgs *a) {
        unsigned u;

        switch (c) {
        case 'q':
                a->quiet = true;
                return 0;
        case 'u':
                if (isempty(optarg) || strpbrk(optarg, ":/\n"))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "-u/--user=%s: expected a user name or UID",
                                               optarg);
                a->user = optarg;
                return 0;
        case ARG_JSON:
                a->json = true;
                return 0;
        case ARG_SORT:
                if (!streq(optarg, "cpu") && !streq(optarg, "memory") && !streq(optarg, "name"))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--sort=%s: expected cpu, memory or name", optarg);
                a->sort = streq(optarg, "cpu") ? SORT_CPU : streq(optarg, "memory") ? SORT_MEMORY : SORT_NAME;
                return 0;
        case ARG_INTERVAL:
                if (parse_seconds(optarg, &a->interval_usec) < 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--interval=%s: expected seconds between 0.01 and 3600", optarg);
                return 0;
        case 'n':
                if (safe_atou(optarg, &a->iterations) < 0 || a->iterations == 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--iterations=%s: expected a positive number", optarg);
                return 0;
        case 's':
                a->signal = signal_from_string(optarg);
                if (a->signal <= 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--signal=%s: unknown signal", optarg);
                return 0;
        case ARG_KILL_WHOM:
                if (!streq(optarg, "all") && !streq(optarg, "leader"))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--kill-whom=%s: expected leader or all", optarg);
                a->kill_leader = streq(optarg, "leader");
                return 0;
        case ARG_NO_WAIT:
                a->no_wait = true;
                return 0;
        case ARG_ALL:
                a->all = true;
                return 0;
        case ARG_CLEAR:
                a->clear = true;
                return 0;
        case ARG_FORCE:
                a->force = true;
                return 0;
        case ARG_TIMEOUT:
                if (safe_atou(optarg, &u) < 0 || u == 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--timeout=%s: expected seconds", optarg);
                a->timeout_sec = u;
                return 0;
        case ARG_RELEASE: a->release = optarg; return 0;
        case ARG_MIRROR: a->mirror = optarg; return 0;
        case ARG_METHOD:
                if (!streq(optarg, "debootstrap") && !streq(optarg, "mkosi"))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--method=%s: expected debootstrap or mkosi", optarg);
                a->method = optarg;
                return 0;
        case ARG_PACKAGES: a->packages = optarg; return 0;
        case ARG_FROM: a->from = optarg; return 0;
        case ARG_ROOT_PASSWORD: a->root_password = optarg; return 0;
        case ARG_HOSTNAME: a->hostname = optarg; return 0;
        case ARG_KEEP_MACHINE_ID: a->keep_machine_id = true; return 0;
        case ARG_READ_ONLY: a->read_only = true; return 0;
        case ARG_MKDIR: a->mkdir = true; return 0;
        case ARG_OPTIONS: a->bind_options = optarg; return 0;
        default:
                return -EINVAL; /* getopt printed why */
        }
}

/* Options may come anywhere, except after "enter NAME": the rest is the guest's command. */
static int parse_argv(int argc, char *argv[], CtlArgs *a, bool *ret_exit) {
        bool command_started = false;
        int c, r;

        *ret_exit = false;
        while (optind < argc) {
                if (!command_started && (c = getopt_long(argc, argv, "+hqn:s:u:", options, NULL)) >= 0) {
                        if (c == 'h' || c == ARG_VERSION) {
                                if (c == 'h')
                                        help();
                                else
                                        printf("nsbootctl %s\n", NSBOOT_VERSION);
                                *ret_exit = true;
                                return 0;
                        }
                        r = parse_option(c, a);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (strv_extend(&a->args, argv[optind++]) < 0)
                        return log_oom();
                command_started = strv_length(a->args) >= 2 && (streq(a->args[0], "enter") ||
                                                                streq(a->args[0], "attach") || streq(a->args[0], "shell"));
        }
        return 0;
}

int main(int argc, char *argv[]) {
        CtlArgs a = { .interval_usec = 1000000, .timeout_sec = 90 };
        const Verb *verb = NULL;
        size_t n;
        bool done;
        int r;

        log_set_prefix("nsbootctl");
        r = parse_argv(argc, argv, &a, &done);
        if (r < 0 || done) {
                strv_free(a.args);
                return r < 0 ? 1 : 0;
        }
        if (a.quiet)
                log_set_max_level(LOG_WARNING);
        if (!a.args)
                r = strv_extend(&a.args, "list");
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, a.args[0]))
                        verb = &verbs[i];
        n = a.args ? strv_length(a.args) - 1 : 0;
        if (r < 0)
                r = log_oom();
        else if (!verb)
                r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Unknown command '%s', see nsbootctl --help", a.args[0]);
        else if (n < verb->min_args || n > verb->max_args)
                r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' takes %s", verb->name,
                                    verb->max_args == 0 ? "no arguments" :
                                    verb->max_args == 1 ? "one machine name" :
                                    verb->max_args == 2 ? "two arguments" : "a machine name and more");
        else if (verb->root && geteuid() != 0)
                r = log_error_errno(SYNTHETIC_ERRNO(EPERM), "'%s' needs root", verb->name);
        else
                r = verb->run(&a);
        strv_free(a.args);
        return r < 0 ? 1 : r;
}
