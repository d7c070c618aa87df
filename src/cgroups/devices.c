/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "devices.h"
#include "log.h"

/* What the private /dev holds (dev.c), as systemd's DevicePolicy=closed plus nspawn's DeviceAllow=:
 * pseudo devices and tun read/write/mknod, pty slaves read/write. */
const DeviceRule device_allow_list[] = {
        { 'c', 1, 1, 3, "rwm" },      /* null */
        { 'c', 1, 1, 5, "rwm" },      /* zero */
        { 'c', 1, 1, 7, "rwm" },      /* full */
        { 'c', 1, 1, 8, "rwm" },      /* random */
        { 'c', 1, 1, 9, "rwm" },      /* urandom */
        { 'c', 5, 5, 0, "rwm" },      /* tty */
        { 'c', 5, 5, 1, "rw" },       /* console */
        { 'c', 5, 5, 2, "rwm" },      /* ptmx */
        { 'c', 10, 10, 200, "rwm" },  /* net/tun */
        { 'c', 136, 143, -1, "rw" },  /* pts/N */
        { 0, 0, 0, 0, NULL },
};

void device_rules_done(DeviceRules *l) {
        free(l->items);
        *l = (DeviceRules) {};
}

static int parse_number(const char *s, size_t n, uint32_t *min, uint32_t *max) {
        char buf[16];
        unsigned v;

        if (n == 1 && s[0] == '*') {
                *min = 0;
                *max = UINT32_MAX;
                return 0;
        }
        if (n == 0 || n >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        /* "136-143": a range of majors, as --check prints the default pty rule */
        if (strchr(buf, '-')) {
                unsigned hi;

                *strchr(buf, '-') = 0;
                if (safe_atou(buf, &v) < 0 || safe_atou(buf + strlen(buf) + 1, &hi) < 0 || hi < v)
                        return -EINVAL;
                *min = v;
                *max = hi;
                return 0;
        }
        if (safe_atou(buf, &v) < 0)
                return -EINVAL;
        *min = *max = v;
        return 0;
}

static int parse_rule(const char *s, DeviceRule *ret, char access_buf[static 4]) {
        const char *colon, *sp;
        uint32_t minor_min, minor_max;
        size_t k = 0;

        if (streq(s, "a")) {
                *ret = (DeviceRule) { 'a', 0, UINT32_MAX, -1, "rwm" };
                return 0;
        }
        if (!strchr("abc", s[0]) || s[1] != ' ')
                return -EINVAL;
        colon = strchr(s + 2, ':');
        sp = colon ? strchr(colon, ' ') : NULL;
        if (!colon || !sp)
                return -EINVAL;
        *ret = (DeviceRule) { .type = s[0] };
        if (parse_number(s + 2, (size_t) (colon - s - 2), &ret->major_min, &ret->major_max) < 0 ||
            parse_number(colon + 1, (size_t) (sp - colon - 1), &minor_min, &minor_max) < 0)
                return -EINVAL;
        ret->minor = minor_max == UINT32_MAX ? -1 : (int64_t) minor_min;
        for (const char *a = sp + 1; *a; a++) {
                if (!strchr("rwm", *a) || strchr(access_buf, *a) || k >= 3)
                        return -EINVAL;
                access_buf[k++] = *a;
                access_buf[k] = 0;
        }
        if (k == 0)
                return -EINVAL;
        return 0;
}

static const char *access_string(const char *a) {
        static const char *const all[] = { "r", "w", "m", "rw", "rm", "wm", "rwm" };

        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                if (strlen(all[i]) == strlen(a) && strspn(a, all[i]) == strlen(a))
                        return all[i];
        return "rwm";
}

static int make_custom(DeviceRules *l) {
        size_t n = 0;

        if (l->custom)
                return 0;
        while (device_allow_list[n].type)
                n++;
        l->items = malloc(DEVICE_RULES_MAX * sizeof(DeviceRule));
        if (!l->items)
                return -ENOMEM;
        memcpy(l->items, device_allow_list, n * sizeof(DeviceRule));
        l->n = n;
        l->custom = true;
        return 0;
}

int device_rules_allow(DeviceRules *l, const char *rule) {
        char access[4] = "";
        DeviceRule r;
        int k;

        if (parse_rule(rule, &r, access) < 0)
                return -EINVAL;
        if (!r.access)
                r.access = access_string(access);
        k = make_custom(l);
        if (k < 0)
                return k;
        if (l->n >= DEVICE_RULES_MAX)
                return -E2BIG;
        l->items[l->n++] = r;
        return 0;
}

int device_rules_deny(DeviceRules *l, const char *rule) {
        char access[4] = "";
        DeviceRule r;
        size_t kept = 0;
        int k;

        if (!*rule) {
                device_rules_done(l);
                return 0;
        }
        if (parse_rule(rule, &r, access) < 0)
                return -EINVAL;
        k = make_custom(l);
        if (k < 0)
                return k;
        if (r.type == 'a' && r.major_min == 0 && r.major_max == UINT32_MAX && r.minor < 0) {
                l->n = 0;
                return 0;
        }
        for (size_t i = 0; i < l->n; i++) {
                const DeviceRule *x = &l->items[i];
                bool same = x->type == r.type && x->major_min == r.major_min && x->major_max == r.major_max &&
                            x->minor == r.minor;
                bool overlaps = (x->type == 'a' || r.type == 'a' || x->type == r.type) &&
                                r.major_max >= x->major_min && r.major_min <= x->major_max &&
                                (x->minor < 0 || r.minor < 0 || x->minor == r.minor);

                if (!same && overlaps)
                        return -EOPNOTSUPP; /* an allow list cannot carve a hole into a wider rule */
                if (!same)
                        l->items[kept++] = *x;
        }
        l->n = kept;
        return 0;
}

int device_rules_format(const DeviceRules *l, char **ret) {
        const DeviceRule *list = l->custom ? l->items : device_allow_list;
        size_t count = l->custom ? l->n : SIZE_MAX, size = 0;
        FILE *f = open_memstream(ret, &size);

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < count && list[i].type; i++) {
                const DeviceRule *r = &list[i];

                if (i > 0)
                        fputc('\n', f);
                if (r->type == 'a' && r->major_max == UINT32_MAX && r->minor < 0) {
                        fputs("a", f);
                        continue;
                }
                fprintf(f, "%c ", r->type);
                if (r->major_min == 0 && r->major_max == UINT32_MAX)
                        fputc('*', f);
                else if (r->major_min == r->major_max)
                        fprintf(f, "%u", r->major_min);
                else
                        fprintf(f, "%u-%u", r->major_min, r->major_max);
                if (r->minor < 0)
                        fprintf(f, ":* %s", r->access);
                else
                        fprintf(f, ":%lld %s", (long long) r->minor, r->access);
        }
        return fclose(f) == 0 ? 0 : -ENOMEM;
}

/* Just the eBPF instruction encodings the program needs (the kernel's filter.h macros are not uapi). */
#define INSN(c, d, s, o, i) ((struct bpf_insn) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV_REG(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm) INSN(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm) INSN(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JMP_IMM(op, dst, imm, off) INSN(BPF_JMP | (op) | BPF_K, dst, 0, off, imm)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define MAX_INSNS (8 + 10 * DEVICE_RULES_MAX)

static int access_mask(const char *access) {
        int m = 0;

        for (const char *c = access; *c; c++)
                m |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
        return m;
}

/* One rule: skip to the next rule unless type, major range, minor and access all match. */
static size_t emit_rule(struct bpf_insn *p, const DeviceRule *r) {
        size_t n = 0, skip;
        bool any_type = r->type == 'a', any_major = r->major_min == 0 && r->major_max == UINT32_MAX,
             range = !any_major && r->major_min != r->major_max, any_minor = r->minor < 0;

        /* instructions after each jump, up to and including the exit */
        skip = 4 + !any_type + (any_major ? 0 : range ? 2 : 1) + !any_minor;
        if (!any_type)
                p[n++] = JMP_IMM(BPF_JNE, 3, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, (short) skip--);
        if (range) {
                p[n++] = JMP_IMM(BPF_JLT, 5, (int) r->major_min, (short) skip--);
                p[n++] = JMP_IMM(BPF_JGT, 5, (int) r->major_max, (short) skip--);
        } else if (!any_major)
                p[n++] = JMP_IMM(BPF_JNE, 5, (int) r->major_min, (short) skip--);
        if (!any_minor)
                p[n++] = JMP_IMM(BPF_JNE, 6, (int) r->minor, (short) skip--);
        p[n++] = MOV_REG(7, 4);
        skip--;
        p[n++] = AND_IMM(7, ~access_mask(r->access));
        skip--;
        p[n++] = JMP_IMM(BPF_JNE, 7, 0, (short) skip);
        p[n++] = MOV_IMM(0, 1);
        p[n++] = EXIT();
        return n;
}

static size_t build_program(struct bpf_insn *p, const DeviceRules *rules) {
        const DeviceRule *list = rules && rules->custom ? rules->items : device_allow_list;
        size_t count = rules && rules->custom ? rules->n : SIZE_MAX, n = 0;

        p[n++] = LDX_W(2, 1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
        p[n++] = MOV_REG(3, 2);
        p[n++] = AND_IMM(3, 0xFFFF);                    /* r3: device type */
        p[n++] = MOV_REG(4, 2);
        p[n++] = RSH_IMM(4, 16);                        /* r4: requested access */
        p[n++] = LDX_W(5, 1, offsetof(struct bpf_cgroup_dev_ctx, major));
        p[n++] = LDX_W(6, 1, offsetof(struct bpf_cgroup_dev_ctx, minor));
        for (size_t i = 0; i < count && list[i].type; i++)
                n += emit_rule(p + n, &list[i]);
        p[n++] = MOV_IMM(0, 0);                         /* everything else: denied */
        p[n++] = EXIT();
        return n;
}

static int load_program(struct bpf_insn *insns, size_t n, char *log_buf, size_t log_size) {
        union bpf_attr attr = {
                .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
                .insns = (uint64_t) (uintptr_t) insns,
                .insn_cnt = (uint32_t) n,
                .license = (uint64_t) (uintptr_t) "GPL",
                .log_buf = (uint64_t) (uintptr_t) log_buf,
                .log_size = (uint32_t) log_size,
                .log_level = log_buf ? 1 : 0,
        };
        int fd = (int) syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);

        return fd < 0 ? -errno : fd;
}

int devices_apply(const char *cgroup_path, const DeviceRules *rules) {
        static struct bpf_insn insns[MAX_INSNS];
        _cleanup_close_ int prog = -EBADF, cg = -EBADF;
        size_t n = build_program(insns, rules);
        union bpf_attr attr = {};

        prog = load_program(insns, n, NULL, 0);
        if (prog < 0) {
                /* Once more with the verifier's log, to say why. */
                _cleanup_free_ char *log_buf = calloc(1, 65536);

                if (log_buf)
                        (void) load_program(insns, n, log_buf, 65536);
                return log_error_errno(prog, "Failed to load the device access policy: %m %s", strempty(log_buf));
        }
        cg = open(cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cg < 0)
                return log_error_errno(errno, "Failed to open %s: %m", cgroup_path);
        attr.target_fd = (uint32_t) cg;
        attr.attach_bpf_fd = (uint32_t) prog;
        attr.attach_type = BPF_CGROUP_DEVICE;
        /* ALLOW_MULTI: the guest may add its own policies below ours, never loosen ours. */
        attr.attach_flags = BPF_F_ALLOW_MULTI;
        if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr) < 0)
                return log_error_errno(errno, "Failed to attach the device access policy to %s: %m", cgroup_path);
        return 0;
}
