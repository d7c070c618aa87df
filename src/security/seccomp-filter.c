/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "log.h"
#include "seccomp-cache.h"
#include "seccomp-dlopen.h"
#include "seccomp-filter.h"
#include "seccomp-profile.h"

/* Groups as systemd names them, so that --system-call-filter means the same as systemd-nspawn's. */
static const struct {
        const char *name;
        const char *members; /* "\0"-separated */
} groups[] = {
        { "@clock", "adjtimex\0clock_adjtime\0clock_adjtime64\0clock_settime\0clock_settime64\0settimeofday\0stime\0" },
        { "@cpu-emulation", "modify_ldt\0subpage_prot\0switch_endian\0vm86\0vm86old\0" },
        { "@debug", "lookup_dcookie\0perf_event_open\0pidfd_getfd\0ptrace\0rtas\0s390_runtime_instr\0"
                    "sys_debug_setcontext\0" },
        { "@keyring", "add_key\0keyctl\0request_key\0" },
        { "@memlock", "mlock\0mlock2\0mlockall\0munlock\0munlockall\0" },
        { "@module", "delete_module\0finit_module\0init_module\0" },
        { "@mount", "chroot\0fsconfig\0fsmount\0fsopen\0fspick\0mount\0mount_setattr\0move_mount\0open_tree\0"
                    "pivot_root\0umount\0umount2\0" },
        { "@obsolete", "_sysctl\0afs_syscall\0bdflush\0break\0create_module\0ftime\0get_kernel_syms\0getpmsg\0"
                       "gtty\0idle\0lock\0mpx\0prof\0profil\0putpmsg\0query_module\0security\0sgetmask\0"
                       "ssetmask\0stty\0sysfs\0tuxcall\0ulimit\0uselib\0ustat\0vserver\0" },
        { "@pkey", "pkey_alloc\0pkey_free\0pkey_mprotect\0" },
        { "@raw-io", "ioperm\0iopl\0pciconfig_iobase\0pciconfig_read\0pciconfig_write\0s390_pci_mmio_read\0"
                     "s390_pci_mmio_write\0" },
        { "@reboot", "kexec_file_load\0kexec_load\0reboot\0" },
        { "@swap", "swapoff\0swapon\0" },
};

const char *const seccomp_group_names[] = {
        "@clock", "@cpu-emulation", "@debug", "@keyring", "@memlock", "@module", "@mount", "@obsolete",
        "@pkey", "@raw-io", "@reboot", "@swap", NULL,
};

#define NO_CAP (-1)

/* What the guest may not do by default: every call systemd-nspawn refuses, and userfaultfd. A row
 * with a capability is allowed when the guest keeps that capability, as in systemd-nspawn. The
 * reason is the same for all of them: each acts on the host's kernel, hardware or file systems, or
 * is a well-worn path to kernel exploits, and a guest system needs none of them to boot and run. */
static const struct {
        const char *item;
        int cap;
} default_deny[] = {
        { "@clock", CAP_SYS_TIME },             /* the real-time clock is the host's */
        { "@cpu-emulation", NO_CAP },
        { "@keyring", NO_CAP },                 /* keyrings are not namespaced: host root's keys */
        { "@memlock", CAP_IPC_LOCK },
        { "@module", CAP_SYS_MODULE },
        { "@obsolete", NO_CAP },
        { "@pkey", NO_CAP },
        { "@raw-io", CAP_SYS_RAWIO },           /* I/O ports and PCI configuration space */
        { "@swap", NO_CAP },                    /* the host's swap devices */
        { "acct", CAP_SYS_PACCT },
        { "bpf", NO_CAP },                      /* BPF programs and maps, nsboot's device program too */
        { "fanotify_init", NO_CAP },            /* watches whole host file systems */
        { "fanotify_mark", NO_CAP },
        { "kexec_file_load", NO_CAP },          /* replaces the host's kernel */
        { "kexec_load", NO_CAP },
        { "lookup_dcookie", NO_CAP },
        { "memfd_secret", NO_CAP },
        { "nfsservctl", NO_CAP },
        { "open_by_handle_at", NO_CAP },        /* opens any file of a file system, outside the tree */
        { "perf_event_open", NO_CAP },          /* system-wide performance events and tracing */
        { "pidfd_getfd", CAP_SYS_PTRACE },
        { "process_vm_readv", CAP_SYS_PTRACE },
        { "process_vm_writev", CAP_SYS_PTRACE },
        { "ptrace", CAP_SYS_PTRACE },
        { "quotactl", NO_CAP },                 /* quotas of the host's file systems */
        { "quotactl_fd", NO_CAP },
        { "reboot", CAP_SYS_BOOT },             /* in a PID namespace it only ends the guest */
        { "rtas", NO_CAP },
        { "s390_runtime_instr", NO_CAP },
        { "sys_debug_setcontext", NO_CAP },
        { "syslog", CAP_SYSLOG },               /* the host's kernel log */
        { "userfaultfd", NO_CAP },              /* stalls kernel page faults: a tool for kernel races */
        { "vhangup", CAP_SYS_TTY_CONFIG },
};

const char *seccomp_group_members(const char *group) {
        for (size_t i = 0; i < ELEMENTSOF(groups); i++)
                if (streq(groups[i].name, group))
                        return groups[i].members;
        return NULL;
}

static bool nulstr_contains(const char *nulstr, const char *name) {
        for (const char *p = nulstr; *p; p += strlen(p) + 1)
                if (streq(p, name))
                        return true;
        return false;
}

/* item is a system call name or an @group. */
static bool item_matches(const char *item, const char *name) {
        const char *members;

        if (item[0] != '@')
                return streq(item, name);
        members = seccomp_group_members(item);
        return members && nulstr_contains(members, name);
}

static bool items_match(char *const *items, const char *name) {
        STRV_FOREACH(i, items)
                if (item_matches(*i, name))
                        return true;
        return false;
}

bool seccomp_syscall_allowed(const char *name, uint64_t caps, const SyscallFilter *f) {
        bool allowed = true;

        if (f && items_match(f->deny, name))
                return false;
        if (f && items_match(f->allow, name))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(default_deny); i++)
                if (item_matches(default_deny[i].item, name) &&
                    (default_deny[i].cap == NO_CAP || !(caps & (UINT64_C(1) << default_deny[i].cap))))
                        allowed = false;
        return allowed;
}

void syscall_filter_done(SyscallFilter *f) {
        f->allow = strv_free(f->allow);
        f->deny = strv_free(f->deny);
}

static bool item_is_valid(const char *item) {
        if (item[0] == '@')
                return seccomp_group_members(item);
        return sym_seccomp_syscall_resolve_name(item) != __NR_SCMP_ERROR;
}

int syscall_filter_parse(SyscallFilter *f, const char *value) {
        bool deny = value[0] == '~';
        _cleanup_free_ char *copy = NULL;
        char *save = NULL;
        int n = 0;

        if (!*value) {
                syscall_filter_done(f);
                return 0;
        }
        /* The names are libseccomp's. */
        if (dlopen_libseccomp() < 0)
                return -EOPNOTSUPP;
        copy = strdup(value + deny);
        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save), n++) {
                char ***list = deny ? &f->deny : &f->allow;

                if (!item_is_valid(w))
                        return -EINVAL;
                if (strv_contains(*list, w))
                        continue;
                if (strv_length(f->allow) + strv_length(f->deny) >= SYSCALL_FILTER_MAX)
                        return -E2BIG;
                if (strv_extend(list, w) < 0)
                        return -ENOMEM;
        }
        return n > 0 ? 0 : -EINVAL;
}

bool syscall_filter_value_restricts(const char *value) {
        return value[0] == '~';
}

int syscall_filter_format(const SyscallFilter *f, char **ret) {
        size_t size = 0;
        FILE *m = open_memstream(ret, &size);
        bool first = true;

        if (!m)
                return -ENOMEM;
        STRV_FOREACH(i, f->allow) {
                fprintf(m, "%s%s", first ? "" : "\n", *i);
                first = false;
        }
        STRV_FOREACH(i, f->deny) {
                fprintf(m, "%s~%s", first ? "" : "\n", *i);
                first = false;
        }
        return fclose(m) == 0 ? 0 : -ENOMEM;
}

/* A native architecture and the others its kernel can run (compat ABIs). The ceiling kills a
 * process making a system call of an architecture missing here: none is let through unfiltered. */
static const struct {
        uint32_t native;
        uint32_t others[SECCOMP_ARCHES_MAX - 1]; /* 0-terminated */
} arch_families[] = {
        { SCMP_ARCH_X86_64, { SCMP_ARCH_X86, SCMP_ARCH_X32 } },
        { SCMP_ARCH_X32, { SCMP_ARCH_X86, SCMP_ARCH_X86_64 } },
        { SCMP_ARCH_AARCH64, { SCMP_ARCH_ARM } },
        { SCMP_ARCH_PPC64, { SCMP_ARCH_PPC, SCMP_ARCH_PPC64LE } },
        { SCMP_ARCH_PPC64LE, { SCMP_ARCH_PPC, SCMP_ARCH_PPC64 } },
        { SCMP_ARCH_S390X, { SCMP_ARCH_S390 } },
        { SCMP_ARCH_MIPS64, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64,
                              SCMP_ARCH_MIPSEL64N32 } },
        { SCMP_ARCH_MIPSEL64, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64,
                                SCMP_ARCH_MIPS64N32 } },
        { SCMP_ARCH_MIPS64N32, { SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64,
                                 SCMP_ARCH_MIPSEL64N32 } },
        { SCMP_ARCH_MIPSEL64N32, { SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64,
                                   SCMP_ARCH_MIPS64N32 } },
};

uint32_t seccomp_native_arch(void) {
        /* libseccomp's native architecture is the one it was built for, which is nsboot's: known
         * here, without loading the library (see seccomp-dlopen.h). */
#if defined(__x86_64__) && defined(__ILP32__)
        return SCMP_ARCH_X32;
#elif defined(__x86_64__)
        return SCMP_ARCH_X86_64;
#elif defined(__i386__)
        return SCMP_ARCH_X86;
#elif defined(__aarch64__)
        return SCMP_ARCH_AARCH64;
#elif defined(__arm__)
        return SCMP_ARCH_ARM;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return SCMP_ARCH_PPC64LE;
#elif defined(__powerpc64__)
        return SCMP_ARCH_PPC64;
#elif defined(__s390x__)
        return SCMP_ARCH_S390X;
#elif defined(__riscv) && __riscv_xlen == 64
        return SCMP_ARCH_RISCV64;
#else
        return dlopen_libseccomp() >= 0 ? sym_seccomp_arch_native() : 0;
#endif
}

/* x32 is built into most x86-64 kernels but runs only when booted with syscall.x32=y: without it
 * its calls fail with ENOSYS anyway, and leaving its filter out saves a third of the build time. */
static bool arch_runs(uint32_t arch) {
        if (arch != SCMP_ARCH_X32 || seccomp_native_arch() == SCMP_ARCH_X32)
                return true;
        return syscall(SECCOMP_X32_NR_GETPID) >= 0 || errno != ENOSYS;
}

size_t seccomp_host_arches(uint32_t ret[static SECCOMP_ARCHES_MAX]) {
        uint32_t native = seccomp_native_arch();
        size_t n = 0;

        ret[n++] = native;
        for (size_t i = 0; i < ELEMENTSOF(arch_families); i++)
                if (arch_families[i].native == native)
                        for (size_t j = 0; j < ELEMENTSOF(arch_families[i].others) && arch_families[i].others[j]; j++)
                                if (arch_runs(arch_families[i].others[j]))
                                        ret[n++] = arch_families[i].others[j];
        return n;
}

void seccomp_filters_done(SeccompFilters *f) {
        for (size_t i = 0; i < f->n; i++)
                sym_seccomp_release(f->items[i]);
        f->n = 0;
}

static int filters_add(SeccompFilters *f, scmp_filter_ctx ctx) {
        if (f->n >= ELEMENTSOF(f->items)) {
                sym_seccomp_release(ctx);
                return -E2BIG;
        }
        f->items[f->n++] = ctx;
        return 0;
}

/* A filter for arch alone, which lets other architectures' calls through: their own filters judge
 * them. no_new_privs is left to --no-new-privileges. */
static int arch_filter_new(uint32_t default_action, uint32_t arch, scmp_filter_ctx *ret) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = sym_seccomp_init(default_action);
        int r;

        if (!ctx)
                return -ENOMEM;
        if (arch != seccomp_native_arch()) {
                r = sym_seccomp_arch_remove(ctx, seccomp_native_arch());
                if (r < 0)
                        return r;
                r = sym_seccomp_arch_add(ctx, arch);
                if (r < 0)
                        return r;
        }
        r = sym_seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
        if (r >= 0)
                r = sym_seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        /* A binary tree of system call numbers: a few comparisons per call instead of hundreds. */
        if (r >= 0)
                r = sym_seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(ctx);
        return 0;
}

int seccomp_build(SeccompFilters *f, uint32_t default_action, SeccompArchFill fill, void *userdata) {
        uint32_t arches[SECCOMP_ARCHES_MAX];
        size_t n = seccomp_host_arches(arches);
        int r;

        r = dlopen_libseccomp();
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;

                /* No skipping an architecture: the ceiling lets its known calls pass. */
                r = arch_filter_new(default_action, arches[i], &ctx);
                if (r < 0)
                        return r;
                r = fill(ctx, arches[i], userdata);
                if (r < 0)
                        return r;
                r = filters_add(f, TAKE_PTR(ctx));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Every system call libseccomp knows of any architecture: the x86-64 numbers, then the pseudo
 * numbers (-10001 on) it gives the calls x86-64 lacks. The table is libseccomp's, so the list grows
 * with it; a call it does not know stays refused with ENOSYS, as new kernel calls should. */
static int known_syscalls(char ***ret) {
        _cleanup_strv_free_ char **names = NULL;

        for (int nr = 0; nr < 1024; nr++) {
                char *name = sym_seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

                if (name && strv_consume(&names, name) < 0)
                        return -ENOMEM;
        }
        for (int nr = -10001, misses = 0; misses < 100; nr--) {
                char *name = sym_seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

                misses = name ? 0 : misses + 1;
                if (name && strv_consume(&names, name) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(names);
        return 0;
}

/* Every known system call and whether the guest may make it, decided once for all architectures. */
typedef struct SyscallList {
        char **names;
        bool *allowed;
} SyscallList;

static void syscall_list_done(SyscallList *l) {
        l->names = strv_free(l->names);
        free(l->allowed);
}

static int syscall_list_make(uint64_t caps, const SyscallFilter *filter, SyscallList *ret) {
        _cleanup_strv_free_ char **names = NULL;
        size_t n;
        bool *allowed;
        int r;

        r = known_syscalls(&names);
        if (r < 0)
                return r;
        n = strv_length(names);
        allowed = calloc(n, sizeof(bool));
        if (!allowed)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                allowed[i] = seccomp_syscall_allowed(names[i], caps, filter);
        *ret = (SyscallList) { .names = TAKE_PTR(names), .allowed = allowed };
        return 0;
}

/* The denied calls: EPERM. The rest passes; the ceiling (below) refuses the unknown ones. A deny
 * list of some 80 rules is built and compiled many times faster than an allow list of 400. */
static int fill_syscall_list(scmp_filter_ctx ctx, uint32_t arch, void *userdata) {
        const SyscallList *l = userdata;

        for (size_t i = 0; l->names[i]; i++) {
                int r;

                /* Allowed, or not a call of this architecture (a negative pseudo number). */
                if (l->allowed[i] || sym_seccomp_syscall_resolve_name_arch(arch, l->names[i]) < 0)
                        continue;
                r = sym_seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(EPERM), sym_seccomp_syscall_resolve_name(l->names[i]), 0);
                if (r < 0 && r != -EEXIST)
                        return r;
        }
        return 0;
}

static int cmp_u32(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

        return x < y ? -1 : x > y;
}

/* The kernel tells x32 calls from x86-64 ones by a bit of the number, not by the architecture. */
static uint32_t audit_arch(uint32_t arch) {
        return arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch;
}

#define KNOWN_NUMBERS_MAX 8192

typedef struct Program {
        struct sock_filter *insns;
        uint32_t len;
} Program;

static int emit(Program *p, struct sock_filter insn) {
        if (p->len >= BPF_MAXINSNS)
                return -E2BIG;
        p->insns[p->len++] = insn;
        return 0;
}

/* Numbers of the calls libseccomp knows on the host architectures that share token, sorted. */
static size_t known_numbers(char **names, uint32_t token, uint32_t *nrs, size_t max) {
        uint32_t arches[SECCOMP_ARCHES_MAX];
        size_t n_arches = seccomp_host_arches(arches), n = 0;

        for (size_t a = 0; a < n_arches; a++)
                for (size_t i = 0; audit_arch(arches[a]) == token && names[i] && n < max; i++) {
                        int nr = sym_seccomp_syscall_resolve_name_arch(arches[a], names[i]);

                        if (nr >= 0)
                                nrs[n++] = (uint32_t) nr;
                }
        qsort(nrs, n, sizeof(uint32_t), cmp_u32);
        return n;
}

/* One architecture's block: a call inside a run of known numbers passes, any other fails with
 * ENOSYS. Each run is "nr >= lo ? (nr > hi ? next run : allow) : ENOSYS", jumps of one. */
static int emit_ranges(Program *p, const uint32_t *nrs, size_t n) {
        int r = emit(p, (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));

        for (size_t i = 0; r >= 0 && i < n;) {
                uint32_t lo = nrs[i], hi = lo;

                while (++i < n && nrs[i] <= hi + 1)
                        hi = nrs[i];
                r = emit(p, (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 1, 0));
                if (r >= 0)
                        r = emit(p, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
                if (r >= 0)
                        r = emit(p, (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi, 1, 0));
                if (r >= 0)
                        r = emit(p, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        }
        return r < 0 ? r : emit(p, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));
}

/* The ceiling, written directly (libseccomp has no ranges): calls of the host's architectures that
 * libseccomp does not know, newer kernel calls above all, fail with ENOSYS, so programs fall back to
 * older ones; a call of any other architecture kills the process, so no ABI slips past the lists. */
static int build_ceiling(char **names, struct sock_filter *insns, uint32_t *ret_len) {
        uint32_t arches[SECCOMP_ARCHES_MAX], tokens[SECCOMP_ARCHES_MAX], blocks[SECCOMP_ARCHES_MAX];
        size_t n = seccomp_host_arches(arches), n_tokens = 0;
        _cleanup_free_ uint32_t *nrs = calloc(KNOWN_NUMBERS_MAX, sizeof(uint32_t));
        Program p = { .insns = insns };
        int r;

        if (!nrs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                bool seen = false;

                for (size_t t = 0; t < n_tokens; t++)
                        seen = seen || tokens[t] == audit_arch(arches[i]);
                if (!seen)
                        tokens[n_tokens++] = audit_arch(arches[i]);
        }
        /* LD arch; per token "JEQ token ? next : skip; JA block"; RET KILL; then the blocks. */
        r = emit(&p, (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
        for (size_t t = 0; r >= 0 && t < n_tokens; t++) {
                r = emit(&p, (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, tokens[t], 0, 1));
                if (r >= 0)
                        r = emit(&p, (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA, 0)); /* set below */
        }
        if (r >= 0)
                r = emit(&p, (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
        for (size_t t = 0; r >= 0 && t < n_tokens; t++) {
                blocks[t] = p.len;
                r = emit_ranges(&p, nrs, known_numbers(names, tokens[t], nrs, KNOWN_NUMBERS_MAX));
        }
        if (r < 0)
                return r;
        /* JA counts from the instruction after it: token t's JA is instruction 2 + 2t. */
        for (size_t t = 0; t < n_tokens; t++)
                insns[2 + 2 * t].k = blocks[t] - (3 + 2 * (uint32_t) t);
        *ret_len = p.len;
        return 0;
}

/* Without a user namespace the guest shares superblocks with the host: the tree's file system,
 * /sys, /proc. Changing one (mount(2) with MS_REMOUNT but not MS_BIND, or fsconfig() with
 * FSCONFIG_CMD_RECONFIGURE) would change it for the host: "mount -o remount,ro /" in the guest would
 * make the host's file system read-only. A bind remount changes only the guest's own mount and
 * stays allowed; so does everything in a user namespace, where the kernel itself refuses. */
static int fill_superblocks(scmp_filter_ctx ctx) {
        int r;

        r = sym_seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mount), 1,
                                   SCMP_A3(SCMP_CMP_MASKED_EQ, MS_REMOUNT | MS_BIND, MS_REMOUNT));
        if (r < 0)
                return r;
        return sym_seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fsconfig), 1,
                                      SCMP_A1(SCMP_CMP_MASKED_EQ, UINT32_MAX, FSCONFIG_CMD_RECONFIGURE));
}

/* TIOCSTI would type into a terminal the guest was handed (the admin's, with --console=pipe);
 * TIOCLINUX can do the same on a virtual console. ioctl() takes its request as an unsigned int,
 * so only the low 32 bits are compared: higher bits must not slip past. Audit sockets are refused
 * with EAFNOSUPPORT, as systemd-nspawn does: audit is not namespaced, and its tools then take it
 * as switched off. On x86, socketcall() cannot be checked (its arguments are in memory). */
static int fill_arguments(scmp_filter_ctx ctx, uint32_t arch, void *userdata) {
        static const unsigned long tty_requests[] = { TIOCSTI, TIOCLINUX };
        const SeccompPolicy *policy = userdata;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(tty_requests); i++) {
                r = sym_seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                                           SCMP_A1(SCMP_CMP_MASKED_EQ, UINT32_MAX, tty_requests[i]));
                if (r < 0)
                        return r;
        }
        r = sym_seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 2,
                                   SCMP_A0(SCMP_CMP_MASKED_EQ, UINT32_MAX, AF_NETLINK),
                                   SCMP_A2(SCMP_CMP_MASKED_EQ, UINT32_MAX, NETLINK_AUDIT));
        if (r < 0 && arch == seccomp_native_arch())
                return r;
        return policy->host_superblocks ? fill_superblocks(ctx) : 0;
}

static bool list_denies(const SyscallList *l, const char *name) {
        for (size_t i = 0; l->names[i]; i++)
                if (streq(l->names[i], name))
                        return !l->allowed[i];
        return false;
}

typedef struct DefaultFill {
        const SyscallList *list;        /* the deny list, in this filter or in one of its own */
        const SeccompPolicy *policy;
} DefaultFill;

/* --suppress-sync, as systemd-nspawn's: the calls that wait for data to reach the disk return 0 at
 * once (SECCOMP_RET_ERRNO with 0). One the list denies keeps its EPERM, in the same filter (one
 * rule a call) as in a later one (whose answer would win). O_SYNC and O_DSYNC on open() stay as
 * they are. */
static int fill_suppress_sync(scmp_filter_ctx ctx, uint32_t arch, const SyscallList *list) {
        static const char *const calls[] = {
                "sync", "syncfs", "fsync", "fdatasync", "msync", "sync_file_range", "sync_file_range2",
                "arm_sync_file_range",
        };

        for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
                int r;

                /* Not a call of this architecture (a negative pseudo number), or denied. */
                if (sym_seccomp_syscall_resolve_name_arch(arch, calls[i]) < 0 || (list && list_denies(list, calls[i])))
                        continue;
                r = sym_seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(0), sym_seccomp_syscall_resolve_name(calls[i]), 0);
                if (r < 0 && r != -EEXIST) /* two names of one call (32-bit ARM's sync_file_range2) */
                        return r;
        }
        return 0;
}

static int fill_arguments_and_sync(scmp_filter_ctx ctx, uint32_t arch, void *userdata) {
        const DefaultFill *d = userdata;
        int r = fill_arguments(ctx, arch, (void *) d->policy);

        return r < 0 || !d->policy->suppress_sync ? r : fill_suppress_sync(ctx, arch, d->list);
}

static int fill_list_and_arguments(scmp_filter_ctx ctx, uint32_t arch, void *userdata) {
        const DefaultFill *d = userdata;
        int r;

        r = fill_syscall_list(ctx, arch, (void *) d->list);
        return r < 0 ? r : fill_arguments_and_sync(ctx, arch, userdata);
}

int seccomp_build_default(SeccompFilters *f, const SeccompPolicy *policy) {
        _cleanup_(syscall_list_done) SyscallList list = {};
        int r;

        r = dlopen_libseccomp();
        if (r < 0)
                return r;
        r = syscall_list_make(policy->caps, policy->filter, &list);
        if (r < 0)
                return r;
        /* One filter per architecture for both, unless the list denies a call the argument checks
         * look at: a call's rules must then stay in filters of their own, where the stricter result
         * wins as before. Each filter loaded is a BPF program the kernel compiles (~0.1 ms). */
        if (!list_denies(&list, "ioctl") && !list_denies(&list, "socket") &&
            !(policy->host_superblocks && (list_denies(&list, "mount") || list_denies(&list, "fsconfig"))))
                return seccomp_build(f, SCMP_ACT_ALLOW, fill_list_and_arguments,
                                     &(DefaultFill) { .list = &list, .policy = policy });
        r = seccomp_build(f, SCMP_ACT_ALLOW, fill_syscall_list, &list);
        if (r < 0)
                return r;
        return seccomp_build(f, SCMP_ACT_ALLOW, fill_arguments_and_sync, &(DefaultFill) { .list = &list, .policy = policy });
}

SeccompPrepared *seccomp_prepared_new(void) {
        void *p = mmap(NULL, sizeof(SeccompPrepared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

        return p == MAP_FAILED ? NULL : p;
}

SeccompPrepared *seccomp_prepared_free(SeccompPrepared *p) {
        if (p)
                (void) munmap(p, sizeof(SeccompPrepared));
        return NULL;
}

/* libseccomp 2.5 compiles only into a file descriptor. */
static int compile(scmp_filter_ctx ctx, int memfd, struct sock_filter *insns, uint32_t *ret_len) {
        off_t size;
        int r;

        if (ftruncate(memfd, 0) < 0 || lseek(memfd, 0, SEEK_SET) < 0)
                return -errno;
        r = sym_seccomp_export_bpf(ctx, memfd);
        if (r < 0)
                return r;
        size = lseek(memfd, 0, SEEK_CUR);
        if (size < 0)
                return -errno;
        if (size % sizeof(struct sock_filter) != 0 || (size_t) size > BPF_MAXINSNS * sizeof(struct sock_filter))
                return -E2BIG; /* more than the kernel takes in one filter */
        if (pread(memfd, insns, (size_t) size, 0) != size)
                return -EIO;
        *ret_len = (uint32_t) (size / (off_t) sizeof(struct sock_filter));
        return 0;
}

static double elapsed_ms(const struct timespec *since) {
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (double) (now.tv_sec - since->tv_sec) * 1e3 + (double) (now.tv_nsec - since->tv_nsec) / 1e6;
}

/* The ceiling, then the lists, then the profile's filters: of two refusals of the same kind, the
 * newer filter's wins, so the profile's errno values are the ones the guest sees. */
int seccomp_prepare(SeccompPrepared *p, const SeccompPolicy *policy, const SeccompProfile *profile) {
        _cleanup_(seccomp_filters_done) SeccompFilters f = {};
        _cleanup_(seccomp_cache_key_done) SeccompCacheKey key = {};
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_close_ int memfd = -EBADF;
        struct timespec start;
        int r;

        clock_gettime(CLOCK_MONOTONIC, &start);
        p->n = 0;
        if (!profile && seccomp_cache_key(policy, &key) >= 0 && seccomp_cache_load(&key, p) > 0) {
                log_debug("%u system call filters loaded from %s in %.2f ms", p->n, SECCOMP_CACHE_DIR,
                          elapsed_ms(&start));
                return 0;
        }
        /* Not cached: libseccomp is needed (and loaded) only now. */
        r = dlopen_libseccomp();
        if (r < 0)
                return r;
        r = known_syscalls(&names);
        if (r >= 0)
                r = build_ceiling(names, p->insns[0], &p->len[0]);
        if (r >= 0)
                r = seccomp_build_default(&f, policy);
        if (r < 0)
                return log_error_errno(r, "Failed to build the system call filter: %m");
        p->n = 1;
        if (profile) {
                r = seccomp_profile_build(profile, &f, NULL);
                if (r < 0)
                        return log_error_errno(r, "Failed to build the filter of seccomp profile '%s': %m",
                                               profile->path);
        }
        memfd = memfd_create("nsboot-seccomp", MFD_CLOEXEC);
        if (memfd < 0)
                return log_error_errno(errno, "Failed to create a memory file for the filters: %m");
        for (size_t i = 0; i < f.n && p->n < SECCOMP_PROGRAMS_MAX; i++) {
                r = compile(f.items[i], memfd, p->insns[p->n], &p->len[p->n]);
                if (r == -E2BIG)
                        return log_error_errno(r, "A system call filter is longer than the kernel's limit of "
                                               "%d instructions (too many profile rules?)", BPF_MAXINSNS);
                if (r < 0)
                        return log_error_errno(r, "Failed to compile the system call filter: %m");
                p->n++;
        }
        log_debug("%u system call filters built in %.2f ms", p->n, elapsed_ms(&start));
        if (key.data && (r = seccomp_cache_store(&key, p)) < 0)
                log_debug_errno(r, "Failed to keep the system call filters in %s, ignoring: %m", SECCOMP_CACHE_DIR);
        return 0;
}

int seccomp_load_prepared(const SeccompPrepared *p) {
        if (p->n == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "No system call filter was prepared");
        for (uint32_t i = 0; i < p->n; i++) {
                struct sock_fprog prog = { .len = (unsigned short) p->len[i],
                                           .filter = (struct sock_filter *) p->insns[i] };

                if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
                        return log_error_errno(errno, "Failed to load the system call filter: %m");
        }
        return 0;
}
