/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <sys/syscall.h>

#include "basic/macro.h"
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

/* Just the eBPF instruction encodings the program needs (the kernel's filter.h macros are not uapi). */
#define INSN(c, d, s, o, i) ((struct bpf_insn) { .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV_REG(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm) INSN(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm) INSN(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JMP_IMM(op, dst, imm, off) INSN(BPF_JMP | (op) | BPF_K, dst, 0, off, imm)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define MAX_INSNS 256

static int access_mask(const char *access) {
        int m = 0;

        for (const char *c = access; *c; c++)
                m |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : BPF_DEVCG_ACC_MKNOD;
        return m;
}

/* One rule: skip to the next rule unless type, major range, minor and access all match. */
static size_t emit_rule(struct bpf_insn *p, const DeviceRule *r) {
        size_t n = 0, skip;
        bool range = r->major_min != r->major_max, any_minor = r->minor < 0;

        skip = 6 + range + !any_minor; /* instructions after each jump up to and including exit */
        p[n++] = JMP_IMM(BPF_JNE, 3, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, (short) skip--);
        if (range) {
                p[n++] = JMP_IMM(BPF_JLT, 5, (int) r->major_min, (short) skip--);
                p[n++] = JMP_IMM(BPF_JGT, 5, (int) r->major_max, (short) skip--);
        } else
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

static size_t build_program(struct bpf_insn *p) {
        size_t n = 0;

        p[n++] = LDX_W(2, 1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
        p[n++] = MOV_REG(3, 2);
        p[n++] = AND_IMM(3, 0xFFFF);                    /* r3: device type */
        p[n++] = MOV_REG(4, 2);
        p[n++] = RSH_IMM(4, 16);                        /* r4: requested access */
        p[n++] = LDX_W(5, 1, offsetof(struct bpf_cgroup_dev_ctx, major));
        p[n++] = LDX_W(6, 1, offsetof(struct bpf_cgroup_dev_ctx, minor));
        for (const DeviceRule *r = device_allow_list; r->type; r++)
                n += emit_rule(p + n, r);
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

int devices_apply(const char *cgroup_path) {
        struct bpf_insn insns[MAX_INSNS];
        _cleanup_close_ int prog = -EBADF, cg = -EBADF;
        size_t n = build_program(insns);
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
