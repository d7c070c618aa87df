/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "basic/parse-util.h"
#include "log.h"
#include "seccomp-dlopen.h"
#include "seccomp-filter.h"
#include "seccomp-profile.h"

#define LINE_MAX_LENGTH 4096
/* An architecture this libseccomp does not know: its section is always skipped. */
#define ARCH_UNKNOWN UINT32_MAX

/* LXC's section names, in LXC's spelling (it also takes them upper-case). */
static const struct {
        const char *name;
        uint32_t arch;
} sections[] = {
        { "all", 0 },                            { "x86", SCMP_ARCH_X86 },
        { "x32", SCMP_ARCH_X32 },                { "x86_64", SCMP_ARCH_X86_64 },
        { "arm", SCMP_ARCH_ARM },                { "arm64", SCMP_ARCH_AARCH64 },
        { "ppc", SCMP_ARCH_PPC },                { "ppc64", SCMP_ARCH_PPC64 },
        { "ppc64le", SCMP_ARCH_PPC64LE },        { "mips", SCMP_ARCH_MIPS },
        { "mips64", SCMP_ARCH_MIPS64 },          { "mips64n32", SCMP_ARCH_MIPS64N32 },
        { "mipsel", SCMP_ARCH_MIPSEL },          { "mipsel64", SCMP_ARCH_MIPSEL64 },
        { "mipsel64n32", SCMP_ARCH_MIPSEL64N32 }, { "s390", SCMP_ARCH_S390 },
        { "s390x", SCMP_ARCH_S390X },            { "loongarch64", ARCH_UNKNOWN },
};

static const struct {
        const char *name, *symbol;
        enum scmp_compare op;
} operators[] = {
        { "SCMP_CMP_NE", "!=", SCMP_CMP_NE }, { "SCMP_CMP_LT", "<", SCMP_CMP_LT },
        { "SCMP_CMP_LE", "<=", SCMP_CMP_LE }, { "SCMP_CMP_EQ", "==", SCMP_CMP_EQ },
        { "SCMP_CMP_GE", ">=", SCMP_CMP_GE }, { "SCMP_CMP_GT", ">", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", "&=", SCMP_CMP_MASKED_EQ },
};

typedef struct ParseState {
        SeccompProfile *p;
        uint32_t rule_default;  /* action of a rule that names none */
        uint32_t arch;          /* of the current section, 0: every one */
        bool skip;              /* in a section of an architecture the host does not run */
        int version;
        unsigned line;
        char *error;
} ParseState;

SeccompProfile *seccomp_profile_free(SeccompProfile *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_rules; i++)
                free(p->rules[i].name);
        free(p->rules);
        free(p->path);
        free(p);
        return NULL;
}

static int fail(ParseState *st, int r, const char *format, ...) _printf_(3, 4);
static int fail(ParseState *st, int r, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        if (vasprintf(&st->error, format, ap) < 0)
                st->error = NULL;
        va_end(ap);
        return st->error ? r : -ENOMEM;
}

/* LXC writes numbers in decimal or hex (0x5412). */
static int parse_number(const char *s, uint64_t *ret) {
        return safe_atou64_base(s, 0, ret);
}

static char *skip_blanks(char *p) {
        return p + strspn(p, " \t");
}

/* "kill", "trap", "allow", "errno N" (N in *number, consumed), "notify". */
static int parse_action(ParseState *st, const char *word, const char *number, uint32_t *ret, bool *ret_used) {
        uint64_t e;

        *ret_used = false;
        if (streq(word, "kill"))
                *ret = SCMP_ACT_KILL_PROCESS;
        else if (streq(word, "trap"))
                *ret = SCMP_ACT_TRAP;
        else if (streq(word, "allow"))
                *ret = SCMP_ACT_ALLOW;
        else if (streq(word, "notify"))
                return fail(st, -EOPNOTSUPP, "action 'notify' is not supported: nsboot has no seccomp notifier");
        else if (streq(word, "errno")) {
                if (!number || parse_number(number, &e) < 0 || e > 4095)
                        return fail(st, -EINVAL, "'errno' needs a number from 0 to 4095");
                *ret = SCMP_ACT_ERRNO((uint16_t) e);
                *ret_used = true;
        } else
                return fail(st, -EINVAL, "unknown action '%s' (expected kill, errno N, trap or allow)", word);
        return 0;
}

static int parse_version(ParseState *st, char *line) {
        if (streq(line, "1") || streq(line, "2")) {
                st->version = line[0] - '0';
                return 0;
        }
        return fail(st, -EINVAL, "expected the profile format, 1 or 2");
}

/* "allowlist [ACTION]" or "denylist [ACTION]"; whitelist and blacklist are LXC's old words. */
static int parse_policy(ParseState *st, char *line) {
        char *save = NULL, *type = strtok_r(line, " \t", &save), *word = strtok_r(NULL, " \t", &save);
        bool deny = type && (streq(type, "denylist") || streq(type, "blacklist"));
        uint32_t action;
        bool used;
        int r;

        if (!type || (!deny && !streq(type, "allowlist") && !streq(type, "whitelist")))
                return fail(st, -EINVAL, "expected allowlist or denylist");
        if (deny && st->version == 1)
                return fail(st, -EINVAL, "format 1 profiles are allowlists");
        st->p->default_action = deny ? SCMP_ACT_ALLOW : SCMP_ACT_KILL_PROCESS;
        st->rule_default = deny ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ALLOW;
        if (word && streq(word, "debug"))
                return fail(st, -EOPNOTSUPP, "'debug' is not supported");
        if (!word || st->version == 1)
                return 0;
        r = parse_action(st, word, strtok_r(NULL, " \t", &save), &action, &used);
        if (r < 0)
                return r;
        st->p->default_action = action;
        word = used ? strtok_r(NULL, " \t", &save) : NULL;
        return word ? fail(st, -EINVAL, "unexpected '%s' after the default action", word) : 0;
}

static bool arch_is_hosts(uint32_t arch) {
        uint32_t arches[SECCOMP_ARCHES_MAX];
        size_t n = seccomp_host_arches(arches);

        for (size_t i = 0; i < n; i++)
                if (arches[i] == arch)
                        return true;
        return false;
}

static int parse_section(ParseState *st, char *line) {
        size_t n = strlen(line);

        for (size_t i = 0; i < ELEMENTSOF(sections); i++)
                if (line[n - 1] == ']' && n - 2 == strlen(sections[i].name) &&
                    strncasecmp(line + 1, sections[i].name, n - 2) == 0) {
                        st->arch = sections[i].arch;
                        st->skip = st->arch != 0 && !arch_is_hosts(st->arch);
                        return 0;
                }
        return fail(st, -EINVAL, "unknown architecture section '%s'", line);
}

/* "INDEX,VALUE,OP" or "INDEX,VALUE,OP,MASK" (the text between '[' and ']'). As in LXC, a masked
 * comparison is (argument & MASK) == VALUE. */
static int parse_argument(ParseState *st, char *spec, struct scmp_arg_cmp *ret) {
        char *save = NULL, *field[5] = {};
        uint64_t index, value, mask = 0;
        size_t n = 0;

        for (char *f = strtok_r(spec, ",", &save); f && n < ELEMENTSOF(field); f = strtok_r(NULL, ",", &save)) {
                f = skip_blanks(f);
                f[strcspn(f, " \t")] = 0;
                field[n++] = f;
        }
        if (n < 3 || n > 4 || parse_number(field[0], &index) < 0 || index > 5 ||
            parse_number(field[1], &value) < 0 || (n == 4 && parse_number(field[3], &mask) < 0))
                return fail(st, -EINVAL, "bad argument check '[%s' (expected [INDEX,VALUE,OP] or "
                            "[INDEX,VALUE,OP,MASK], INDEX 0 to 5)", spec);
        for (size_t i = 0; i < ELEMENTSOF(operators); i++)
                if (streq(field[2], operators[i].name) || streq(field[2], operators[i].symbol)) {
                        *ret = (struct scmp_arg_cmp) { .arg = (unsigned) index, .op = operators[i].op,
                                                       .datum_a = operators[i].op == SCMP_CMP_MASKED_EQ ? mask : value,
                                                       .datum_b = value };
                        return 0;
                }
        return fail(st, -EINVAL, "unknown comparison '%s' (expected SCMP_CMP_EQ, SCMP_CMP_NE, SCMP_CMP_LT, "
                    "SCMP_CMP_LE, SCMP_CMP_GT, SCMP_CMP_GE, SCMP_CMP_MASKED_EQ or ==, !=, <, <=, >, >=, &=)", field[2]);
}

static int parse_arguments(ParseState *st, char *p, SeccompProfileRule *rule) {
        for (p = skip_blanks(p); *p; p = skip_blanks(p)) {
                char *close = strchr(p, ']');
                int r;

                if (*p != '[')
                        return fail(st, -EINVAL, "unexpected '%s' (expected [INDEX,VALUE,OP])", p);
                if (!close)
                        return fail(st, -EINVAL, "argument check '%s' lacks its ']'", p);
                if (rule->n_args >= 6)
                        return fail(st, -EINVAL, "more than 6 argument checks");
                *close = 0;
                r = parse_argument(st, p + 1, &rule->args[rule->n_args]);
                if (r < 0)
                        return r;
                for (unsigned i = 0; i < rule->n_args; i++)
                        if (rule->args[i].arg == rule->args[rule->n_args].arg)
                                return fail(st, -EINVAL, "argument %u is checked twice", rule->args[i].arg);
                rule->n_args++;
                p = close + 1;
        }
        return 0;
}

static int add_rule(ParseState *st, SeccompProfileRule *rule) {
        SeccompProfileRule *rules;

        if (st->p->n_rules >= SECCOMP_PROFILE_RULES_MAX)
                return fail(st, -E2BIG, "more than %d rules", SECCOMP_PROFILE_RULES_MAX);
        rules = reallocarray(st->p->rules, st->p->n_rules + 1, sizeof(SeccompProfileRule));
        if (!rules)
                return -ENOMEM;
        st->p->rules = rules;
        rules[st->p->n_rules++] = *rule;
        rule->name = NULL;
        return 0;
}

/* LXC's one directive: umount2(..., MNT_FORCE) fails with EACCES. */
static int add_reject_force_umount(ParseState *st) {
        SeccompProfileRule rule = {
                .name = strdup("umount2"), .arch = st->arch, .action = SCMP_ACT_ERRNO(EACCES), .n_args = 1,
                .args = { SCMP_A1(SCMP_CMP_MASKED_EQ, MNT_FORCE, MNT_FORCE) }, .line = st->line,
        };
        int r;

        if (!rule.name)
                return -ENOMEM;
        r = add_rule(st, &rule);
        free(rule.name);
        return r;
}

/* "NAME [ACTION] [ARG]...", e.g. "mknod errno 1" or "ioctl errno 1 [1,0x5412,SCMP_CMP_EQ]". */
static int parse_rule(ParseState *st, char *line) {
        SeccompProfileRule rule = { .arch = st->arch, .action = st->rule_default, .line = st->line };
        size_t n = strcspn(line, " \t[");
        char *args = strchr(line + n, '['), *save = NULL, *word, *number, *extra;
        _cleanup_free_ char *name = strndup(line, n), *action = NULL;
        bool used = false;
        int r;

        if (!name || !(action = args ? strndup(line + n, (size_t) (args - line - n)) : strdup(line + n)))
                return -ENOMEM;
        if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
                return fail(st, -EINVAL, "bad system call name '%s'", name);
        if (streq(name, "reject_force_umount"))
                return add_reject_force_umount(st);
        word = strtok_r(action, " \t", &save);
        number = strtok_r(NULL, " \t", &save);
        extra = strtok_r(NULL, " \t", &save);
        if (word) {
                r = parse_action(st, word, number, &rule.action, &used);
                if (r < 0)
                        return r;
        }
        if (extra || (number && !used))
                return fail(st, -EINVAL, "unexpected '%s' after the action", extra ?: number);
        r = parse_arguments(st, args ?: line + strlen(line), &rule);
        if (r < 0)
                return r;
        rule.name = TAKE_PTR(name);
        r = add_rule(st, &rule);
        free(rule.name);
        return r;
}

static int parse_number_rule(ParseState *st, char *line) {
        SeccompProfileRule rule = { .arch = seccomp_native_arch(), .action = SCMP_ACT_ALLOW, .line = st->line };
        uint64_t nr;

        if (parse_number(line, &nr) < 0 || nr > INT32_MAX)
                return fail(st, -EINVAL, "expected a system call number, got '%s'", line);
        rule.nr = (int) nr;
        return add_rule(st, &rule);
}

static int parse_line(ParseState *st, char *line) {
        if (st->line == 1)
                return parse_version(st, line);
        if (st->line == 2)
                return parse_policy(st, line);
        if (st->version == 1)
                return parse_number_rule(st, line);
        if (line[0] == '[')
                return parse_section(st, line);
        if (st->skip)
                return 0;
        return parse_rule(st, line);
}

/* Drops the newline, blanks around the text and a comment ("#" at the start or after a blank). */
static char *strip_line(char *line) {
        char *p = skip_blanks(line), *hash;
        size_t n;

        for (hash = strchr(p, '#'); hash; hash = strchr(hash + 1, '#'))
                if (hash == p || strchr(" \t", hash[-1])) {
                        *hash = 0;
                        break;
                }
        n = strlen(p);
        while (n > 0 && strchr(" \t\r\n", p[n - 1]))
                p[--n] = 0;
        return p;
}

int seccomp_profile_parse(FILE *f, const char *path, SeccompProfile **ret, unsigned *ret_line, char **ret_error) {
        _cleanup_(seccomp_profile_freep) SeccompProfile *p = calloc(1, sizeof(SeccompProfile));
        ParseState st = { .p = p };
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        int r = 0;

        if (!p || !(p->path = strdup(path)))
                return -ENOMEM;
        for (ssize_t k; r >= 0 && (k = getline(&buf, &size, f)) >= 0;) {
                char *line;

                st.line++;
                if (k > LINE_MAX_LENGTH) {
                        r = fail(&st, -EINVAL, "line longer than %d bytes", LINE_MAX_LENGTH);
                        break;
                }
                line = strip_line(buf);
                /* The first two lines are the header: no comments there in LXC either. */
                if (st.line > 2 && !*line)
                        continue;
                r = parse_line(&st, line);
        }
        if (r >= 0 && st.line < 2) {
                st.line++;
                r = fail(&st, -EINVAL, st.line == 1 ? "empty file (expected the profile format, 1 or 2)" :
                                                      "expected allowlist or denylist");
        }
        if (r < 0) {
                if (r != -ENOMEM) {
                        *ret_line = st.line;
                        *ret_error = st.error;
                } else
                        free(st.error);
                return r;
        }
        *ret = TAKE_PTR(p);
        return 0;
}

/* A regular file only: a FIFO or device at the path must not hang or upset nsboot. */
static int open_profile(const char *path, FILE **ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        struct stat st;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return S_ISDIR(st.st_mode) ? -EISDIR : -EBADFD;
        *ret = fdopen(fd, "r");
        if (!*ret)
                return -errno;
        TAKE_FD(fd);
        return 0;
}

int seccomp_profile_load(const char *path, SeccompProfile **ret) {
        _cleanup_(seccomp_profile_freep) SeccompProfile *p = NULL;
        _cleanup_(seccomp_filters_done) SeccompFilters filters = {};
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_free_ char *error = NULL;
        unsigned line = 0;
        int r;

        r = dlopen_libseccomp();
        if (r < 0)
                return r;
        r = open_profile(path, &f);
        if (r == -EBADFD)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.seccomp.profile: '%s' is not a regular file", path);
        if (r < 0)
                return log_error_errno(r, "lxc.seccomp.profile: cannot open '%s': %m", path);
        r = seccomp_profile_parse(f, path, &p, &line, &error);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s:%u: %s", path, line, error);
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].name && sym_seccomp_syscall_resolve_name(p->rules[i].name) == __NR_SCMP_ERROR)
                        log_warning("%s:%u: system call '%s' is unknown to libseccomp, ignoring", path,
                                    p->rules[i].line, p->rules[i].name);
        /* Built once here too, so that a rule libseccomp refuses is reported now, with its line. */
        r = seccomp_profile_build(p, &filters, &line);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "%s:%u: libseccomp refuses this rule: %m", path, line);
        *ret = TAKE_PTR(p);
        return 0;
}

typedef struct ProfileFill {
        const SeccompProfile *p;
        unsigned failed_line;
} ProfileFill;

static int fill_profile(scmp_filter_ctx ctx, uint32_t arch, void *userdata) {
        ProfileFill *fill = userdata;
        const SeccompProfile *p = fill->p;

        for (size_t i = 0; i < p->n_rules; i++) {
                const SeccompProfileRule *rule = &p->rules[i];
                int nr = rule->nr, r;

                if (rule->arch != 0 && rule->arch != arch)
                        continue;
                /* LXC too leaves out what is unknown or not a call of this architecture. */
                if (rule->name && sym_seccomp_syscall_resolve_name_arch(arch, rule->name) < 0)
                        continue;
                if (rule->name)
                        nr = sym_seccomp_syscall_resolve_name(rule->name);
                /* A rule doing what the profile does by default anyway changes nothing. */
                if (rule->action == p->default_action && rule->n_args == 0)
                        continue;
                r = sym_seccomp_rule_add_exact_array(ctx, rule->action, nr, rule->n_args, rule->args);
                if (r < 0 && r != -EEXIST) {
                        fill->failed_line = rule->line;
                        return r;
                }
        }
        return 0;
}

int seccomp_profile_build(const SeccompProfile *p, SeccompFilters *f, unsigned *ret_line) {
        ProfileFill fill = { .p = p };
        int r;

        r = seccomp_build(f, p->default_action, fill_profile, &fill);
        if (r < 0 && ret_line)
                *ret_line = fill.failed_line;
        return r;
}
