/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "basic/fileio.h"
#include "basic/strv.h"
#include "caps.h"
#include "config.h"
#include "log.h"
#include "log-capture.h"
#include "seccomp-filter.h"
#include "seccomp-profile.h"
#include "settings-table.h"

#define DATA SOURCE_ROOT "/test/unit/data/seccomp/"
#define BIT(c) (UINT64_C(1) << (c))

TestSuite(seccomp, .init = log_capture_start, .fini = log_capture_stop);

/* systemd-nspawn's default refuses these (nspawn.md §4), and issue 8 adds userfaultfd. */
static const char *const always_denied[] = {
        "add_key", "bpf", "delete_module", "fanotify_init", "fanotify_mark", "finit_module", "init_module",
        "ioperm", "iopl", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "modify_ldt",
        "nfsservctl", "open_by_handle_at", "perf_event_open", "pkey_alloc", "pkey_mprotect", "quotactl",
        "request_key", "swapoff", "swapon", "userfaultfd", "uselib", "ustat", "_sysctl", "vm86", "sysfs",
        "clock_settime", "settimeofday", "adjtimex", "clock_adjtime", "acct", "syslog", "mlock", "mlockall",
};

Test(seccomp, default_denies_nspawns_list) {
        uint64_t caps = caps_default_keep(true);

        for (size_t i = 0; i < ELEMENTSOF(always_denied); i++)
                cr_assert(!seccomp_syscall_allowed(always_denied[i], caps, NULL), "%s allowed", always_denied[i]);
        /* What a system needs, including what a container manager inside needs. */
        static const char *const allowed[] = { "read", "openat", "mount", "umount2", "pivot_root", "unshare",
                                               "setns", "clone3", "sethostname", "reboot", "ptrace", "ioctl",
                                               "socket", "seccomp", "bpf_not_a_call" };
        for (size_t i = 0; i < ELEMENTSOF(allowed); i++)
                cr_assert(seccomp_syscall_allowed(allowed[i], caps, NULL), "%s denied", allowed[i]);
}

Test(seccomp, capabilities_open_their_groups) {
        uint64_t caps = caps_default_keep(false);

        cr_assert(!seccomp_syscall_allowed("settimeofday", caps, NULL));
        cr_assert(seccomp_syscall_allowed("settimeofday", caps | BIT(CAP_SYS_TIME), NULL));
        cr_assert(seccomp_syscall_allowed("init_module", caps | BIT(CAP_SYS_MODULE), NULL));
        cr_assert(seccomp_syscall_allowed("iopl", caps | BIT(CAP_SYS_RAWIO), NULL));
        cr_assert(seccomp_syscall_allowed("mlockall", caps | BIT(CAP_IPC_LOCK), NULL));
        cr_assert(seccomp_syscall_allowed("syslog", caps | BIT(CAP_SYSLOG), NULL));
        cr_assert(seccomp_syscall_allowed("acct", caps | BIT(CAP_SYS_PACCT), NULL));
        cr_assert(!seccomp_syscall_allowed("reboot", caps & ~BIT(CAP_SYS_BOOT), NULL));
        cr_assert(!seccomp_syscall_allowed("ptrace", caps & ~BIT(CAP_SYS_PTRACE), NULL));
        cr_assert(!seccomp_syscall_allowed("process_vm_readv", caps & ~BIT(CAP_SYS_PTRACE), NULL));
        cr_assert(!seccomp_syscall_allowed("vhangup", caps & ~BIT(CAP_SYS_TTY_CONFIG), NULL));
        /* No capability opens these. */
        cr_assert(!seccomp_syscall_allowed("kexec_load", ~UINT64_C(0), NULL));
        cr_assert(!seccomp_syscall_allowed("bpf", ~UINT64_C(0), NULL));
        cr_assert(!seccomp_syscall_allowed("userfaultfd", ~UINT64_C(0), NULL));
}

Test(seccomp, filter_option_allows_and_denies) {
        _cleanup_(syscall_filter_done) SyscallFilter f = {};
        uint64_t caps = caps_default_keep(false) | BIT(CAP_SYS_TIME);

        cr_assert_eq(syscall_filter_parse(&f, "@keyring bpf"), 0);
        cr_assert_eq(syscall_filter_parse(&f, "~@clock sethostname"), 0);
        cr_assert(seccomp_syscall_allowed("keyctl", caps, &f));
        cr_assert(seccomp_syscall_allowed("bpf", caps, &f));
        cr_assert(!seccomp_syscall_allowed("sethostname", caps, &f));
        cr_assert(!seccomp_syscall_allowed("settimeofday", caps, &f), "a deny beats the capability");
        /* A deny wins over an allow, whatever the order. */
        cr_assert_eq(syscall_filter_parse(&f, "~bpf"), 0);
        cr_assert_eq(syscall_filter_parse(&f, "bpf"), 0);
        cr_assert(!seccomp_syscall_allowed("bpf", caps, &f));
        /* An empty value forgets both lists. */
        cr_assert_eq(syscall_filter_parse(&f, ""), 0);
        cr_assert_null(f.allow);
        cr_assert_null(f.deny);
        cr_assert(seccomp_syscall_allowed("sethostname", caps, &f));
}

Test(seccomp, filter_option_bad_input) {
        _cleanup_(syscall_filter_done) SyscallFilter f = {};

        cr_assert_eq(syscall_filter_parse(&f, "no_such_call"), -EINVAL);
        cr_assert_eq(syscall_filter_parse(&f, "@no-such-group"), -EINVAL);
        cr_assert_eq(syscall_filter_parse(&f, "~"), -EINVAL);
        cr_assert_eq(syscall_filter_parse(&f, "read ~write"), -EINVAL);
        cr_assert(syscall_filter_value_restricts("~bpf"));
        cr_assert(!syscall_filter_value_restricts("bpf"));
        cr_assert(!syscall_filter_value_restricts(""));
}

Test(seccomp, filter_option_format_round_trip) {
        _cleanup_(syscall_filter_done) SyscallFilter f = {};
        _cleanup_free_ char *text = NULL;

        cr_assert_eq(syscall_filter_parse(&f, "@keyring"), 0);
        cr_assert_eq(syscall_filter_parse(&f, "~sethostname @clock"), 0);
        cr_assert_eq(syscall_filter_format(&f, &text), 0);
        cr_assert_str_eq(text, "@keyring\n~sethostname\n~@clock");
}

Test(seccomp, groups_are_known) {
        for (const char *const *g = seccomp_group_names; *g; g++) {
                const char *m = seccomp_group_members(*g);

                cr_assert_not_null(m, "%s", *g);
                /* libseccomp knows at least one member of each (it knows every architecture's calls). */
                for (bool any = false;; m += strlen(m) + 1) {
                        if (!*m) {
                                cr_assert(any, "no member of %s is known", *g);
                                break;
                        }
                        any = any || seccomp_syscall_resolve_name(m) != __NR_SCMP_ERROR;
                }
        }
}

Test(seccomp, host_arches_cover_compat_abis) {
        uint32_t arches[SECCOMP_ARCHES_MAX];
        size_t n = seccomp_host_arches(arches);

        cr_assert_geq(n, 1);
        cr_assert_eq(arches[0], seccomp_arch_native());
        cr_assert_eq(seccomp_native_arch(), seccomp_arch_native(), "nsboot's native architecture is libseccomp's");
        if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
                /* arch_runs() asks the kernel with x32's getpid() by number, without libseccomp. */
                cr_assert_eq(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X32, "getpid"), SECCOMP_X32_NR_GETPID);
        }
        if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
                bool x86 = false;

                for (size_t i = 0; i < n; i++)
                        x86 = x86 || arches[i] == SCMP_ARCH_X86;
                cr_assert(x86, "no i386 filter on x86-64");
        }
}

Test(seccomp, default_filters_build) {
        _cleanup_(seccomp_prepared_freep) SeccompPrepared *p = seccomp_prepared_new();
        uint32_t arches[SECCOMP_ARCHES_MAX];
        size_t n = seccomp_host_arches(arches);

        cr_assert_not_null(p);
        cr_assert_eq(seccomp_prepare(p, &(SeccompPolicy) { .caps = caps_default_keep(false) }, NULL), 0);
        /* the ceiling, then the deny list and the argument checks in one filter per architecture */
        cr_assert_eq(p->n, 1 + n);
        for (uint32_t i = 0; i < p->n; i++)
                cr_assert(p->len[i] > 2 && p->len[i] <= BPF_MAXINSNS, "program %u: %u instructions", i, p->len[i]);
}

/* A call the argument checks look at denied outright: its rules go in filters of their own. */
Test(seccomp, denied_checked_call_gets_own_filters) {
        _cleanup_(seccomp_prepared_freep) SeccompPrepared *p = seccomp_prepared_new();
        _cleanup_(syscall_filter_done) SyscallFilter f = {};
        uint32_t arches[SECCOMP_ARCHES_MAX];
        size_t n = seccomp_host_arches(arches);

        cr_assert_not_null(p);
        cr_assert_eq(syscall_filter_parse(&f, "~ioctl"), 0);
        cr_assert_eq(seccomp_prepare(p, &(SeccompPolicy) { .caps = caps_default_keep(false), .filter = &f }, NULL), 0);
        cr_assert_eq(p->n, 1 + 2 * n);
}

/* Runs a classic BPF program of the kinds of instructions the ceiling uses on one call. */
static uint32_t run_bpf(const struct sock_filter *insns, uint32_t len, uint32_t arch, uint32_t nr) {
        struct seccomp_data d = { .nr = (int) nr, .arch = arch };
        uint32_t a = 0;

        for (uint32_t pc = 0; pc < len; pc++) {
                const struct sock_filter *i = &insns[pc];

                switch (i->code) {
                case BPF_LD | BPF_W | BPF_ABS:
                        memcpy(&a, (const char *) &d + i->k, sizeof a);
                        break;
                case BPF_JMP | BPF_JA:
                        pc += i->k;
                        break;
                case BPF_JMP | BPF_JEQ | BPF_K:
                        pc += a == i->k ? i->jt : i->jf;
                        break;
                case BPF_JMP | BPF_JGE | BPF_K:
                        pc += a >= i->k ? i->jt : i->jf;
                        break;
                case BPF_JMP | BPF_JGT | BPF_K:
                        pc += a > i->k ? i->jt : i->jf;
                        break;
                case BPF_RET | BPF_K:
                        return i->k;
                default:
                        cr_assert_fail("unexpected instruction %#x at %u", i->code, pc);
                }
        }
        cr_assert_fail("ran off the end");
        return 0;
}

/* The ceiling for every host architecture, the ones this host cannot run too: known numbers pass,
 * unknown ones ENOSYS, other architectures kill. */
Test(seccomp, ceiling_program) {
        _cleanup_(seccomp_prepared_freep) SeccompPrepared *p = seccomp_prepared_new();
        uint32_t arches[SECCOMP_ARCHES_MAX];
        size_t n = seccomp_host_arches(arches);

        cr_assert_eq(seccomp_prepare(p, &(SeccompPolicy) { .caps = caps_default_keep(false) }, NULL), 0);
        for (size_t i = 0; i < n; i++) {
                uint32_t token = arches[i] == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arches[i];
                int nr_read = seccomp_syscall_resolve_name_arch(arches[i], "read"),
                    nr_keyctl = seccomp_syscall_resolve_name_arch(arches[i], "keyctl"),
                    nr_max = 0;

                /* x32 numbers carry bit 30 */
                for (int nr = arches[i] == SCMP_ARCH_X32 ? 0x40000000 : 0; (nr & 0xffff) < 4096; nr++) {
                        char *name = seccomp_syscall_resolve_num_arch(arches[i], nr);

                        if (name)
                                nr_max = nr;
                        free(name);
                }
                cr_assert_eq(run_bpf(p->insns[0], p->len[0], token, (uint32_t) nr_read), SECCOMP_RET_ALLOW);
                /* denied ones pass here: the deny list refuses them with EPERM */
                cr_assert_eq(run_bpf(p->insns[0], p->len[0], token, (uint32_t) nr_keyctl), SECCOMP_RET_ALLOW);
                cr_assert_eq(run_bpf(p->insns[0], p->len[0], token, (uint32_t) nr_max + 1),
                             SECCOMP_RET_ERRNO | ENOSYS, "arch %#x nr %d", arches[i], nr_max + 1);
        }
        cr_assert_eq(run_bpf(p->insns[0], p->len[0], SCMP_ARCH_S390X, 0), SECCOMP_RET_KILL_PROCESS);
        cr_assert_eq(run_bpf(p->insns[0], p->len[0], SCMP_ARCH_AARCH64, 63), SECCOMP_RET_KILL_PROCESS);
}

/* In a child: load the filters (no_new_privs first, so that no privilege is needed), then report
 * each check in the exit status: 0 if all behave, else the number of the first that does not. */
static int run_filtered(const SeccompProfile *profile, int (*checks)(void)) {
        _cleanup_(seccomp_prepared_freep) SeccompPrepared *p = seccomp_prepared_new();
        pid_t pid;
        int status;

        cr_assert_not_null(p);
        cr_assert_eq(seccomp_prepare(p, &(SeccompPolicy) { .caps = caps_default_keep(false), .host_superblocks = true },
                                     profile), 0);
        pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load_prepared(p) < 0)
                        _exit(100);
                _exit(checks());
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status), "child died of signal %d", WTERMSIG(status));
        return WEXITSTATUS(status);
}

static int tiocsti_errno(void) {
        char name[64], c = '\n';
        int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s;

        if (m < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof name) != 0)
                return -1;
        s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (s < 0)
                return -1;
        /* bit 32 set: the kernel drops it, so must the filter */
        return syscall(SYS_ioctl, s, (unsigned long) TIOCSTI | (1UL << 32), &c) < 0 ? errno : 0;
}

static int default_checks(void) {
        if (getpid() <= 0)
                return 1;
        if (syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) >= 0 || errno != EPERM)
                return 2;
        if (syscall(SYS_bpf, -1, NULL, 0) >= 0 || errno != EPERM)
                return 3;
        /* statmount() (Linux 6.8) is newer than this libseccomp: unknown, so ENOSYS */
        if (seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, 457) == NULL &&
            (syscall(457, NULL, NULL, 0, 0) >= 0 || errno != ENOSYS))
                return 4;
        if (tiocsti_errno() != EPERM)
                return 5;
        if (socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT) >= 0 || errno != EAFNOSUPPORT)
                return 6;
        if (socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) < 0)
                return 7;
        /* far above every call: ENOSYS from the ceiling (the kernel would say the same) */
        if (syscall(100000) >= 0 || errno != ENOSYS)
                return 8;
        /* known and allowed, on both sides of the ceiling's runs */
        if (syscall(SYS_read, -1, NULL, 0) >= 0 || errno != EBADF)
                return 9;
        if (syscall(SYS_close_range, 1000000, 1000001, 0) < 0)
                return 10;
        /* superblock remounts (of a path that does not exist: nothing happens if this fails) */
        if (mount(NULL, "/nonexistent-nsboot-test", NULL, MS_REMOUNT | MS_RDONLY, NULL) >= 0 || errno != EPERM)
                return 11;
        if (syscall(SYS_fsconfig, -1, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) >= 0 || errno != EPERM)
                return 12;
        /* a bind remount, and other fsconfig commands, reach the kernel */
        if (mount(NULL, "/nonexistent-nsboot-test", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) >= 0 ||
            (geteuid() == 0 && errno != ENOENT))
                return 13;
        if (syscall(SYS_fsconfig, -1, FSCONFIG_SET_FLAG, "ro", NULL, 0) >= 0 || errno == EPERM)
                return 14;
        return 0;
}

Test(seccomp, default_filters_refuse_for_real) {
        int r = run_filtered(NULL, default_checks);

        cr_assert_eq(r, 0, "check %d failed", r);
}

static int profile_checks(void) {
        /* the profile's errno 38 for sethostname comes before the kernel's permission check */
        if (sethostname("x", 1) >= 0 || errno != ENOSYS)
                return 1;
        /* the default's EPERM for bpf stays: a profile adds, it never opens */
        if (syscall(SYS_bpf, -1, NULL, 0) >= 0 || errno != EPERM)
                return 2;
        /* reject_force_umount */
        if (umount2("/nonexistent", MNT_FORCE) >= 0 || errno != EACCES)
                return 3;
        return getpid() > 0 ? 0 : 4;
}

Test(seccomp, profile_stacks_on_the_default) {
        _cleanup_(seccomp_profile_freep) SeccompProfile *p = NULL;
        int r;

        cr_assert_eq(seccomp_profile_load(DATA "denylist.seccomp", &p), 0);
        r = run_filtered(p, profile_checks);
        cr_assert_eq(r, 0, "check %d failed", r);
}

/* ---------------------------------------------------------------------------------------------
 * The profile parser */

static int parse_text(const char *text, SeccompProfile **ret, unsigned *ret_line, char **ret_error) {
        FILE *f = fmemopen((void *) text, strlen(text), "r");
        int r;

        cr_assert_not_null(f);
        r = seccomp_profile_parse(f, "mem", ret, ret_line, ret_error);
        fclose(f);
        return r;
}

static const SeccompProfileRule *find_rule(const SeccompProfile *p, const char *name) {
        for (size_t i = 0; i < p->n_rules; i++)
                if (streq_ptr(p->rules[i].name, name))
                        return &p->rules[i];
        return NULL;
}

Test(seccomp, profile_denylist_file) {
        _cleanup_(seccomp_profile_freep) SeccompProfile *p = NULL;
        const SeccompProfileRule *r;
        _cleanup_free_ char *log = NULL;

        cr_assert_eq(seccomp_profile_load(DATA "denylist.seccomp", &p), 0);
        cr_assert_eq(p->default_action, SCMP_ACT_ALLOW);
        r = find_rule(p, "umount2");
        cr_assert(r && r->action == SCMP_ACT_ERRNO(EACCES) && r->n_args == 1 && r->args[0].arg == 1 &&
                  r->args[0].op == SCMP_CMP_MASKED_EQ && r->args[0].datum_a == MNT_FORCE && r->line == 3);
        r = find_rule(p, "sethostname");
        cr_assert(r && r->action == SCMP_ACT_ERRNO(38) && r->arch == 0 && r->line == 8);
        r = find_rule(p, "ioctl");
        cr_assert(r && r->n_args == 1 && r->args[0].op == SCMP_CMP_EQ && r->args[0].datum_a == 0x5412);
        r = find_rule(p, "clone");
        cr_assert(r && r->args[0].op == SCMP_CMP_MASKED_EQ && r->args[0].datum_a == 0x10000000 &&
                  r->args[0].datum_b == 0x10000000);
        r = find_rule(p, "personality");
        cr_assert(r && r->action == SCMP_ACT_KILL_PROCESS && r->args[0].op == SCMP_CMP_EQ &&
                  r->args[0].datum_a == 8, "a denylist rule without action kills");
        /* [arm] is skipped on other hosts, [X86] kept on x86-64 */
        if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
                cr_assert_eq(p->n_rules, 9);
                r = find_rule(p, "mknod");
                cr_assert(r && r->arch == SCMP_ARCH_X86 && r->action == SCMP_ACT_KILL_PROCESS);
        }
        log = logged();
        cr_assert(strstr(log, "denylist.seccomp:12: system call 'no_such_call_anywhere' is unknown"), "%s", log);
}

Test(seccomp, profile_allowlist_formats) {
        _cleanup_(seccomp_profile_freep) SeccompProfile *v1 = NULL, *v2 = NULL;
        unsigned line = 0;
        char *error = NULL;

        cr_assert_eq(seccomp_profile_load(DATA "allowlist-v1.seccomp", &v1), 0);
        cr_assert_eq(v1->default_action, SCMP_ACT_KILL_PROCESS);
        cr_assert_eq(v1->n_rules, 3);
        cr_assert(v1->rules[2].nr == 60 && !v1->rules[2].name && v1->rules[2].action == SCMP_ACT_ALLOW);
        cr_assert_eq(parse_text("2\nwhitelist errno 1\n\n# old words still work\nread\nwrite trap\n", &v2, &line,
                                &error), 0);
        cr_assert_eq(v2->default_action, SCMP_ACT_ERRNO(1));
        cr_assert_eq(v2->n_rules, 2);
        cr_assert_eq(v2->rules[0].action, SCMP_ACT_ALLOW);
        cr_assert_eq(v2->rules[1].action, SCMP_ACT_TRAP);
}

static const struct {
        const char *text;
        int error;
        unsigned line;
        const char *message;
} bad_profiles[] = {
        { "", -EINVAL, 1, "empty file" },
        { "3\ndenylist\n", -EINVAL, 1, "expected the profile format" },
        { "2\n", -EINVAL, 2, "expected allowlist or denylist" },
        { "2\nmaybelist\n", -EINVAL, 2, "expected allowlist or denylist" },
        { "2\ndenylist debug\n", -EOPNOTSUPP, 2, "'debug' is not supported" },
        { "2\ndenylist errno 1 extra\n", -EINVAL, 2, "unexpected 'extra'" },
        { "1\ndenylist\n", -EINVAL, 2, "format 1 profiles are allowlists" },
        { "1\nallowlist\n0\nread\n", -EINVAL, 4, "expected a system call number, got 'read'" },
        { "2\ndenylist\n[sparc64]\n", -EINVAL, 3, "unknown architecture section '[sparc64]'" },
        { "2\ndenylist\n[all]\nmknod errno\n", -EINVAL, 4, "'errno' needs a number" },
        { "2\ndenylist\nmknod errno 5000\n", -EINVAL, 3, "'errno' needs a number from 0 to 4095" },
        { "2\ndenylist\nmknod frobnicate\n", -EINVAL, 3, "unknown action 'frobnicate'" },
        { "2\ndenylist\nmknod notify\n", -EOPNOTSUPP, 3, "'notify' is not supported" },
        { "2\ndenylist\nMknod\n", -EINVAL, 3, "bad system call name 'Mknod'" },
        { "2\ndenylist\nmknod errno 1 2\n", -EINVAL, 3, "unexpected '2' after the action" },
        { "2\ndenylist\nioctl errno 1 [6,1,SCMP_CMP_EQ]\n", -EINVAL, 3, "bad argument check" },
        { "2\ndenylist\nioctl errno 1 [1,1,SCMP_CMP_SOMETIMES]\n", -EINVAL, 3, "unknown comparison 'SCMP_CMP_SOMETIMES'" },
        { "2\ndenylist\nioctl errno 1 [1,1,SCMP_CMP_EQ\n", -EINVAL, 3, "lacks its ']'" },
        { "2\ndenylist\nioctl errno 1 [1,1,==] [1,2,==]\n", -EINVAL, 3, "argument 1 is checked twice" },
        { "2\ndenylist\nioctl errno 1 [1,1,==] junk\n", -EINVAL, 3, "unexpected 'junk'" },
};

Test(seccomp, profile_bad_input_names_the_line) {
        for (size_t i = 0; i < ELEMENTSOF(bad_profiles); i++) {
                SeccompProfile *p = NULL;
                char *error = NULL;
                unsigned line = 0;
                int r = parse_text(bad_profiles[i].text, &p, &line, &error);

                cr_assert_eq(r, bad_profiles[i].error, "case %zu: %d", i, r);
                cr_assert_eq(line, bad_profiles[i].line, "case %zu: line %u", i, line);
                cr_assert(error && strstr(error, bad_profiles[i].message), "case %zu: '%s'", i, strna(error));
                cr_assert_null(p);
                free(error);
        }
}

Test(seccomp, profile_load_errors_are_logged_with_file_and_line) {
        SeccompProfile *p = NULL;
        _cleanup_free_ char *log = NULL;

        cr_assert_lt(seccomp_profile_load(DATA "bad-action.seccomp", &p), 0);
        cr_assert_lt(seccomp_profile_load(DATA "no-such-file.seccomp", &p), 0);
        cr_assert_lt(seccomp_profile_load(DATA, &p), 0);
        cr_assert_null(p);
        log = logged();
        cr_assert(strstr(log, "bad-action.seccomp:5: 'errno' needs a number"), "%s", log);
        cr_assert(strstr(log, "cannot open '" DATA "no-such-file.seccomp'"), "%s", log);
        cr_assert(strstr(log, "Is a directory"), "%s", log);
}

/* ---------------------------------------------------------------------------------------------
 * The keys */

static char *write_temp(const char *text) {
        char *path = strdup("/tmp/nsboot-seccomp-conf-XXXXXX");
        int fd = mkstemp(path);

        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
        return path;
}

Test(seccomp, untrusted_files_may_only_deny) {
        _cleanup_free_ char *path = write_temp("nsboot.system-call-filter = @keyring\n"
                                               "nsboot.system-call-filter = ~sethostname\n"
                                               "lxc.seccomp.profile = " DATA "denylist.seccomp\n"
                                               "lxc.no_new_privs = 1\n");
        Settings *s = settings_new();
        _cleanup_free_ char *log = NULL;

        cr_assert_eq(config_load(s, path, false), 0);
        cr_assert_null(s->syscall_filter.allow);
        cr_assert(strv_contains(s->syscall_filter.deny, "sethostname"));
        cr_assert_null(s->seccomp_profile_path, "a host file named by an untrusted file");
        cr_assert(s->no_new_privileges);
        log = logged();
        cr_assert(strstr(log, ":1: nsboot.system-call-filter: ignored in an untrusted file"), "%s", log);
        cr_assert(strstr(log, ":3: lxc.seccomp.profile: ignored in an untrusted file"), "%s", log);
        settings_free(s);
        cr_assert_eq(config_load(s = settings_new(), path, true), 0);
        cr_assert(strv_contains(s->syscall_filter.allow, "@keyring"));
        cr_assert_str_eq(s->seccomp_profile_path, DATA "denylist.seccomp");
        settings_free(s);
        unlink(path);
}

Test(seccomp, lxc_keys) {
        _cleanup_free_ char *path = write_temp("lxc.seccomp = " DATA "denylist.seccomp\n"
                                               "lxc.seccomp.allow_nesting = 1\n"
                                               "lxc.seccomp.notify.proxy = unix:/run/proxy\n");
        Settings *s = settings_new();
        _cleanup_free_ char *log = NULL;

        cr_assert_lt(config_load(s, path, true), 0, "notify.proxy must be refused");
        cr_assert_str_eq(s->seccomp_profile_path, DATA "denylist.seccomp");
        log = logged();
        cr_assert(strstr(log, "lxc.seccomp is LXC 2.0 syntax"), "%s", log);
        cr_assert(strstr(log, "lxc.seccomp.allow_nesting: ignored"), "%s", log);
        cr_assert(strstr(log, "lxc.seccomp.notify.proxy: not supported"), "%s", log);
        settings_free(s);
        unlink(path);
}
