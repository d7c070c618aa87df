/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <assert.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include <libiptc/libiptc.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/parse-util.h"
#include "firewall.h"
#include "iptc-dlopen.h"
#include "log.h"
#include "netns-probe.h"

/* The lock iptables (legacy and libiptc users) takes around read-modify-replace of a table: the
 * kernel replaces whole tables (IPT_SO_SET_REPLACE), so concurrent writers would undo each other. */
#define XTABLES_LOCK "/run/xtables.lock"
#define XTABLES_LOCK_WAIT_MS 10000
/* Our largest entry (DNAT with addrtype, tcp and comment matches) takes about 560 bytes. */
#define ENTRY_MAX 1024

typedef enum FirewallRuleType {
        FIREWALL_MASQUERADE,
        FIREWALL_FORWARD,
} FirewallRuleType;

typedef struct FirewallRule {
        FirewallRuleType type;
        struct in_addr addr;            /* masquerade: the subnet; forward: the container */
        unsigned prefixlen;             /* masquerade */
        char out_exclude[IFNAMSIZ];     /* masquerade: "" for none */
        PortForward port;               /* forward */
} FirewallRule;

struct Firewall {
        char *machine;
        char comment[XT_MAX_COMMENT_LEN];
        FirewallRule *rules;
        size_t n_rules;
        bool dirty;                     /* the state file was written: rules may be in the table */
};

typedef struct NatTable {
        int lock_fd;
        struct xtc_handle *h;
} NatTable;

#define NAT_TABLE_NULL ((NatTable) { .lock_fd = -EBADF })

/* An ipt_entry with its matches and target, built in place. */
typedef struct Entry {
        union {
                struct ipt_entry e;
                uint8_t buf[ENTRY_MAX];
        };
        size_t size;
} Entry;

static const char *const nat_chains[] = { "PREROUTING", "OUTPUT", "POSTROUTING" };

static const char *protocol_name(int protocol) {
        return protocol == IPPROTO_UDP ? "udp" : "tcp";
}

static int parse_port(const char *s, size_t n, uint16_t *ret) {
        char buf[6];
        unsigned u;

        if (n == 0 || n >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (safe_atou(buf, &u) < 0 || u < 1 || u > 65535)
                return -EINVAL;
        *ret = (uint16_t) u;
        return 0;
}

int port_forward_parse(const char *spec, PortForward *ret) {
        PortForward p = { .protocol = IPPROTO_TCP };
        const char *rest, *colon;

        if (!spec)
                return -EINVAL;
        if ((rest = startswith(spec, "udp:")))
                p.protocol = IPPROTO_UDP;
        else if (!(rest = startswith(spec, "tcp:")))
                rest = spec;
        colon = strchr(rest, ':');
        if (parse_port(rest, colon ? (size_t) (colon - rest) : strlen(rest), &p.host_port) < 0)
                return -EINVAL;
        if (!colon)
                p.container_port = p.host_port;
        else if (parse_port(colon + 1, strlen(colon + 1), &p.container_port) < 0)
                return -EINVAL;
        *ret = p;
        return 0;
}

static in_addr_t prefix_mask(unsigned prefixlen) {
        return prefixlen == 0 ? 0 : htonl(~UINT32_C(0) << (32 - prefixlen));
}

/* "A.B.C.D[/N]", host bits cleared; -EAFNOSUPPORT for what looks like IPv6. Non-logging. */
static int parse_ipv4_prefix(const char *s, struct in_addr *ret_addr, unsigned *ret_prefixlen) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t) (slash - s) : strlen(s);
        char buf[INET_ADDRSTRLEN];
        unsigned prefixlen = 32;
        struct in_addr a;

        if (n >= sizeof buf)
                return strchr(s, ':') ? -EAFNOSUPPORT : -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (inet_pton(AF_INET, buf, &a) != 1)
                return strchr(buf, ':') ? -EAFNOSUPPORT : -EINVAL;
        if (slash && (safe_atou(slash + 1, &prefixlen) < 0 || prefixlen > 32))
                return -EINVAL;
        a.s_addr &= prefix_mask(prefixlen);
        *ret_addr = a;
        *ret_prefixlen = prefixlen;
        return 0;
}

/* Names end up in a comment match of 256 bytes and in the state file, one rule a line. */
static bool machine_name_ok(const char *machine) {
        if (isempty(machine) || streq(machine, ".") || streq(machine, "..") ||
            strlen(machine) >= XT_MAX_COMMENT_LEN - strlen(FIREWALL_COMMENT_PREFIX))
                return false;
        for (const char *p = machine; *p; p++)
                if (*p == '/' || (unsigned char) *p <= ' ' || *p == 0x7f)
                        return false;
        return true;
}

static int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

/* ---- Building and reading x_tables entries ---- */

static void entry_init(Entry *x) {
        memset(x, 0, sizeof *x);
        x->size = sizeof(struct ipt_entry);
}

static void entry_add_match(Entry *x, const char *name, uint8_t revision, const void *data, size_t size) {
        struct xt_entry_match *m = (struct xt_entry_match *) (x->buf + x->size);
        size_t n = XT_ALIGN(sizeof(*m)) + XT_ALIGN(size);

        assert(x->size + n <= ENTRY_MAX);
        m->u.user.match_size = (uint16_t) n;
        strncpy(m->u.user.name, name, sizeof m->u.user.name - 1);
        m->u.user.revision = revision;
        memcpy(m->data, data, size);
        x->size += n;
}

static void entry_set_target(Entry *x, const char *name, uint8_t revision, const void *data, size_t size) {
        struct xt_entry_target *t = (struct xt_entry_target *) (x->buf + x->size);
        size_t n = XT_ALIGN(sizeof(*t)) + XT_ALIGN(size);

        assert(x->size + n <= ENTRY_MAX);
        t->u.user.target_size = (uint16_t) n;
        strncpy(t->u.user.name, name, sizeof t->u.user.name - 1);
        t->u.user.revision = revision;
        memcpy(t->data, data, size);
        x->e.target_offset = (uint16_t) x->size;
        x->size += n;
        x->e.next_offset = (uint16_t) x->size;
}

static void entry_add_comment(Entry *x, const char *comment) {
        struct xt_comment_info c = {};

        (void) snprintf(c.comment, sizeof c.comment, "%s", comment);
        entry_add_match(x, "comment", 0, &c, sizeof c);
}

/* -s SUBNET [! -o OUT_EXCLUDE] -m comment --comment C -j MASQUERADE */
static void entry_masquerade(Entry *x, const FirewallRule *r, const char *comment) {
        struct nf_nat_ipv4_multi_range_compat nat = { .rangesize = 1 };
        size_t l = strlen(r->out_exclude);

        entry_init(x);
        x->e.ip.src = r->addr;
        x->e.ip.smsk.s_addr = prefix_mask(r->prefixlen);
        if (l > 0) {
                memcpy(x->e.ip.outiface, r->out_exclude, l + 1);
                /* Exact name: the mask covers the terminating NUL too (no '+' wildcard). */
                memset(x->e.ip.outiface_mask, 0xff, l + 1);
                x->e.ip.invflags |= IPT_INV_VIA_OUT;
        }
        entry_add_comment(x, comment);
        entry_set_target(x, "MASQUERADE", 0, &nat, sizeof nat);
}

/* -p P -m addrtype --dst-type LOCAL [! -d 127.0.0.0/8] --dport H -m comment --comment C
 * -j DNAT --to-destination ADDR:PORT */
static void entry_dnat(Entry *x, const FirewallRule *r, bool output, const char *comment) {
        struct xt_addrtype_info_v1 at = { .dest = XT_ADDRTYPE_LOCAL };
        uint16_t h = r->port.host_port;
        /* Revision 2 (kernel 4.18), as iptables itself uses: iptables-save prints the other
         * revisions only as "[unsupported revision]". */
        struct nf_nat_range2 nat = {
                .flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED,
                .min_addr.in = r->addr,
                .max_addr.in = r->addr,
                .min_proto.all = htons(r->port.container_port),
                .max_proto.all = htons(r->port.container_port),
        };

        entry_init(x);
        x->e.ip.proto = (uint16_t) r->port.protocol;
        if (output) {
                /* Without route_localnet the kernel drops packets from 127/8 sent out of lo. */
                x->e.ip.dst.s_addr = htonl(UINT32_C(0x7f000000));
                x->e.ip.dmsk.s_addr = prefix_mask(8);
                x->e.ip.invflags |= IPT_INV_DSTIP;
        }
        entry_add_match(x, "addrtype", 1, &at, sizeof at);
        if (r->port.protocol == IPPROTO_UDP) {
                struct xt_udp u = { .spts = { 0, 0xffff }, .dpts = { h, h } };

                entry_add_match(x, "udp", 0, &u, sizeof u);
        } else {
                struct xt_tcp t = { .spts = { 0, 0xffff }, .dpts = { h, h } };

                entry_add_match(x, "tcp", 0, &t, sizeof t);
        }
        entry_add_comment(x, comment);
        entry_set_target(x, "DNAT", 2, &nat, sizeof nat);
}

static const struct xt_entry_match *entry_find_match(const struct ipt_entry *e, const char *name) {
        for (size_t off = sizeof(*e); off + sizeof(struct xt_entry_match) <= e->target_offset;) {
                const struct xt_entry_match *m = (const void *) ((const uint8_t *) e + off);

                if (m->u.match_size < sizeof(*m))
                        return NULL;
                if (strncmp(m->u.user.name, name, sizeof m->u.user.name) == 0)
                        return m;
                off += m->u.match_size;
        }
        return NULL;
}

/* The text of e's comment match, "" without one. */
static void entry_comment(const struct ipt_entry *e, char ret[static XT_MAX_COMMENT_LEN]) {
        const struct xt_entry_match *m = entry_find_match(e, "comment");

        ret[0] = 0;
        if (!m || m->u.match_size < sizeof(*m) + sizeof(struct xt_comment_info))
                return;
        memcpy(ret, ((const struct xt_comment_info *) m->data)->comment, XT_MAX_COMMENT_LEN);
        ret[XT_MAX_COMMENT_LEN - 1] = 0;
}

/* Whether e matches destination port `port` of protocol (tcp and udp matches share the layout of
 * spts and dpts, but not of invflags). */
static bool entry_matches_dport(const struct ipt_entry *e, int protocol, uint16_t port) {
        const struct xt_entry_match *m;
        const struct xt_tcp *t;
        const struct xt_udp *u;

        if (e->ip.proto != protocol || (e->ip.invflags & XT_INV_PROTO))
                return false;
        m = entry_find_match(e, protocol_name(protocol));
        if (!m || m->u.match_size < sizeof(*m) + sizeof(struct xt_udp))
                return false;
        t = (const void *) m->data;
        u = (const void *) m->data;
        if (protocol == IPPROTO_TCP)
                return !(t->invflags & XT_TCP_INV_DSTPT) && t->dpts[0] <= port && port <= t->dpts[1];
        return !(u->invflags & XT_UDP_INV_DSTPT) && u->dpts[0] <= port && port <= u->dpts[1];
}

/* ---- The nat table ---- */

/* Waits up to XTABLES_LOCK_WAIT_MS for the iptables lock. Non-logging. */
static int xtables_lock(void) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(XTABLES_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        for (unsigned waited = 0;; waited += 100) {
                if (flock(fd, LOCK_EX | LOCK_NB) >= 0)
                        return TAKE_FD(fd);
                if (errno != EWOULDBLOCK)
                        return -errno;
                if (waited >= XTABLES_LOCK_WAIT_MS)
                        return -ETIMEDOUT;
                (void) nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
        }
}

/* Takes the lock and reads the table; logs at level. */
static int nat_open(NatTable *ret, int level) {
        _cleanup_close_ int fd = -EBADF;
        struct xtc_handle *h;
        int r;

        r = dlopen_libiptc();
        if (r < 0)
                return r;
        fd = xtables_lock();
        if (fd < 0)
                return log_full_errno(level, fd, "Failed to take the iptables lock %s: %m", XTABLES_LOCK);
        h = sym_iptc_init("nat");
        if (!h) {
                r = negative_errno();
                return log_full_errno(level, r, "Failed to read the nat table: %s", sym_iptc_strerror(-r));
        }
        *ret = (NatTable) { .lock_fd = TAKE_FD(fd), .h = h };
        return 0;
}

static int nat_commit(NatTable *t, int level) {
        int r;

        if (!sym_iptc_commit(t->h)) {
                r = negative_errno();
                return log_full_errno(level, r, "Failed to update the nat table: %s", sym_iptc_strerror(-r));
        }
        return 0;
}

static void nat_close(NatTable *t) {
        if (t->h)
                sym_iptc_free(t->h);
        t->h = NULL;
        t->lock_fd = safe_close(t->lock_fd);
}

static int nat_append(NatTable *t, const char *chain, Entry *x) {
        int r;

        if (!sym_iptc_append_entry(chain, &x->e, t->h)) {
                r = negative_errno();
                return log_error_errno(r, "Failed to add a rule to the nat chain %s: %s",
                                       chain, sym_iptc_strerror(-r));
        }
        return 0;
}

/* Looks for an nsboot rule in PREROUTING that forwards protocol/port; its machine goes to ret. */
static bool nat_find_forward(NatTable *t, int protocol, uint16_t port, char ret[static XT_MAX_COMMENT_LEN]) {
        char comment[XT_MAX_COMMENT_LEN];
        const struct ipt_entry *e;
        const char *m;

        for (e = sym_iptc_first_rule("PREROUTING", t->h); e; e = sym_iptc_next_rule(e, t->h)) {
                entry_comment(e, comment);
                m = startswith(comment, FIREWALL_COMMENT_PREFIX);
                if (!m || !entry_matches_dport(e, protocol, port))
                        continue;
                memcpy(ret, m, strlen(m) + 1);
                return true;
        }
        return false;
}

/* Rule number of the first rule of chain with exactly this comment, or -1. */
static int nat_find_commented(NatTable *t, const char *chain, const char *comment) {
        char c[XT_MAX_COMMENT_LEN];
        const struct ipt_entry *e;
        int n = 0;

        for (e = sym_iptc_first_rule(chain, t->h); e; e = sym_iptc_next_rule(e, t->h), n++) {
                entry_comment(e, c);
                if (streq(c, comment))
                        return n;
        }
        return -1;
}

/* Deletes the rules of chain with exactly this comment (in t only); returns how many. Logs. */
static int nat_delete_commented(NatTable *t, const char *chain, const char *comment, int level) {
        int n = 0, num, r;

        while ((num = nat_find_commented(t, chain, comment)) >= 0) {
                if (!sym_iptc_delete_num_entry(chain, (unsigned) num, t->h)) {
                        r = negative_errno();
                        return log_full_errno(level, r, "Failed to delete rule %d of the nat chain %s: %s",
                                              num + 1, chain, sym_iptc_strerror(-r));
                }
                n++;
        }
        return n;
}

/* Deletes every rule with exactly this comment from the nat chains; returns how many. Logs. */
static int nat_remove_commented(const char *comment, int level) {
        _cleanup_(nat_close) NatTable t = NAT_TABLE_NULL;
        int n = 0, r;

        r = nat_open(&t, level);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(nat_chains); i++) {
                r = nat_delete_commented(&t, nat_chains[i], comment, level);
                if (r < 0)
                        return r;
                n += r;
        }
        if (n == 0)
                return 0;
        r = nat_commit(&t, level);
        return r < 0 ? r : n;
}

/* ---- State file ---- */

static int state_path(const char *machine, const char *prefix, char **ret) {
        return asprintf(ret, FIREWALL_STATE_DIR "/%s%s", prefix, machine) < 0 ? -ENOMEM : 0;
}

static int state_format_rule(FILE *out, const FirewallRule *r) {
        char a[INET_ADDRSTRLEN];

        if (!inet_ntop(AF_INET, &r->addr, a, sizeof a))
                return -errno;
        if (r->type == FIREWALL_MASQUERADE)
                return fprintf(out, "masquerade %s/%u %s\n", a, r->prefixlen,
                               isempty(r->out_exclude) ? "-" : r->out_exclude) < 0 ? -EIO : 0;
        return fprintf(out, "forward %s %u %s %u\n", protocol_name(r->port.protocol), r->port.host_port, a,
                       r->port.container_port) < 0 ? -EIO : 0;
}

/* Replaces the state file with the network namespace and the rules of f plus pending (if not
 * NULL), atomically. Non-logging. */
static int state_write(const Firewall *f, const FirewallRule *pending) {
        _cleanup_free_ char *path = NULL, *tmp = NULL, *text = NULL;
        _cleanup_(fclosep) FILE *out = NULL;
        unsigned long long ino = 0;
        size_t size;
        int r = 0;

        if (state_path(f->machine, "", &path) < 0 || state_path(f->machine, ".#", &tmp) < 0)
                return -ENOMEM;
        ino = netns_inode("/proc/self/ns/net");
        if (ino == 0)
                return -errno;
        out = open_memstream(&text, &size);
        if (!out)
                return -ENOMEM;
        fprintf(out, "# Firewall rules of nsboot machine '%s' (comment \"%s\")\nnetns %llu\n",
                f->machine, f->comment, ino);
        for (size_t i = 0; i < f->n_rules + !!pending && r >= 0; i++)
                r = state_format_rule(out, i < f->n_rules ? &f->rules[i] : pending);
        if (r < 0)
                return r;
        if (fflush(out) != 0)
                return -ENOMEM;
        return write_file_atomic(FIREWALL_STATE_DIR, path, tmp, text, 0644);
}

/* Where the network namespace of a state file's "netns N" line is (ours, if it has none). */
static NetnsWhere state_netns(const char *text, unsigned long long *ret_theirs) {
        const char *p = strstr(text, "\nnetns ");

        *ret_theirs = 0;
        if (!p || sscanf(p + 7, "%llu", ret_theirs) != 1)
                return NETNS_HERE;
        return netns_where(*ret_theirs);
}

/* ---- The API ---- */

static int check_machine_name(const char *machine) {
        if (!machine_name_ok(machine))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "Machine name '%s' cannot be used to tag firewall rules",
                                       strempty(machine));
        return 0;
}

int firewall_new(const char *machine, Firewall **ret) {
        _cleanup_(firewall_freep) Firewall *f = NULL;
        int r;

        r = check_machine_name(machine);
        if (r < 0)
                return r;
        f = calloc(1, sizeof(*f));
        if (!f)
                return log_oom();
        f->machine = strdup(machine);
        if (!f->machine)
                return log_oom();
        (void) snprintf(f->comment, sizeof f->comment, FIREWALL_COMMENT_PREFIX "%s", machine);
        *ret = TAKE_PTR(f);
        return 0;
}

/* Records rule in the state file, then commits the table t already holds it in. Logs. */
static int firewall_commit_rule(Firewall *f, NatTable *t, const FirewallRule *rule) {
        FirewallRule *rules;
        int r;

        rules = reallocarray(f->rules, f->n_rules + 1, sizeof(*rules));
        if (!rules)
                return log_oom();
        f->rules = rules;
        r = state_write(f, rule);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/%s: %m", FIREWALL_STATE_DIR, f->machine);
        f->dirty = true;
        r = nat_commit(t, LOG_ERR);
        if (r < 0) {
                /* Nothing was added: take the rule out of the record again (best effort). */
                if (f->n_rules > 0)
                        (void) state_write(f, NULL);
                return r;
        }
        f->rules[f->n_rules++] = *rule;
        return 0;
}

static int firewall_check_room(const Firewall *f) {
        if (f->n_rules >= FIREWALL_RULES_MAX)
                return log_error_errno(SYNTHETIC_ERRNO(E2BIG),
                                       "Too many firewall rules for machine '%s' (at most %d)",
                                       f->machine, FIREWALL_RULES_MAX);
        return 0;
}

int firewall_add_masquerade(Firewall *f, const char *subnet, const char *out_exclude) {
        _cleanup_(nat_close) NatTable t = NAT_TABLE_NULL;
        FirewallRule rule = { .type = FIREWALL_MASQUERADE };
        Entry x;
        int r;

        r = parse_ipv4_prefix(strempty(subnet), &rule.addr, &rule.prefixlen);
        if (r == -EAFNOSUPPORT)
                return log_error_errno(r, "Cannot masquerade '%s': only IPv4 is supported", subnet);
        if (r < 0)
                return log_error_errno(r, "Invalid subnet '%s' to masquerade", strempty(subnet));
        if (!isempty(out_exclude)) {
                if (strlen(out_exclude) >= IFNAMSIZ)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Invalid interface name '%s'",
                                               out_exclude);
                strcpy(rule.out_exclude, out_exclude);
        }
        r = firewall_check_room(f);
        if (r < 0)
                return r;
        r = nat_open(&t, LOG_ERR);
        if (r < 0)
                return r;
        entry_masquerade(&x, &rule, f->comment);
        r = nat_append(&t, "POSTROUTING", &x);
        if (r < 0)
                return r;
        r = firewall_commit_rule(f, &t, &rule);
        if (r < 0)
                return r;
        log_debug("Masquerading %s/%u of machine '%s' (except out of: %s)", inet_ntoa(rule.addr),
                  rule.prefixlen, f->machine, isempty(out_exclude) ? "none" : out_exclude);
        return 0;
}

int firewall_add_port_forward(Firewall *f, const PortForward *p, const char *container_addr) {
        _cleanup_(nat_close) NatTable t = NAT_TABLE_NULL;
        FirewallRule rule = { .type = FIREWALL_FORWARD, .port = *p };
        char other[XT_MAX_COMMENT_LEN];
        const char *proto = protocol_name(p->protocol);
        Entry x;
        int r;

        if (!IN_SET(p->protocol, IPPROTO_TCP, IPPROTO_UDP) || p->host_port == 0 || p->container_port == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Invalid port forward for machine '%s'",
                                       f->machine);
        if (container_addr && strchr(container_addr, ':'))
                return log_error_errno(SYNTHETIC_ERRNO(EAFNOSUPPORT),
                                       "Cannot forward port %s/%u to '%s': only IPv4 is supported",
                                       proto, p->host_port, container_addr);
        if (inet_pton(AF_INET, strempty(container_addr), &rule.addr) != 1)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "Invalid container address '%s' to forward port %s/%u to",
                                       strempty(container_addr), proto, p->host_port);
        r = firewall_check_room(f);
        if (r < 0)
                return r;
        r = nat_open(&t, LOG_ERR);
        if (r < 0)
                return r;
        if (nat_find_forward(&t, p->protocol, p->host_port, other))
                return log_error_errno(SYNTHETIC_ERRNO(EADDRINUSE),
                                       "Host port %s/%u is already forwarded to machine '%s', refusing to forward it to machine '%s'",
                                       proto, p->host_port, other, f->machine);
        entry_dnat(&x, &rule, false, f->comment);
        r = nat_append(&t, "PREROUTING", &x);
        if (r < 0)
                return r;
        entry_dnat(&x, &rule, true, f->comment);
        r = nat_append(&t, "OUTPUT", &x);
        if (r < 0)
                return r;
        r = firewall_commit_rule(f, &t, &rule);
        if (r < 0)
                return r;
        log_debug("Forwarding host port %s/%u to %s:%u (machine '%s')", proto, p->host_port, container_addr,
                  p->container_port, f->machine);
        return 0;
}

void firewall_remove_all(Firewall *f) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (!f || !f->dirty)
                return;
        r = nat_remove_commented(f->comment, LOG_WARNING);
        if (r < 0) {
                log_warning_errno(r, "Failed to remove the firewall rules of machine '%s', ignoring: %m",
                                  f->machine);
                return;
        }
        if (state_path(f->machine, "", &path) < 0) {
                log_oom();
                return;
        }
        if (unlink(path) < 0 && errno != ENOENT)
                log_warning_errno(errno, "Failed to remove %s, ignoring: %m", path);
        f->n_rules = 0;
        f->dirty = false;
}

Firewall *firewall_free(Firewall *f) {
        if (!f)
                return NULL;
        firewall_remove_all(f);
        free(f->rules);
        free(f->machine);
        free(f);
        return NULL;
}

int firewall_cleanup_stale(const char *machine) {
        _cleanup_free_ char *path = NULL, *text = NULL, *comment = NULL;
        unsigned long long theirs;
        int n, r;

        r = check_machine_name(machine);
        if (r < 0)
                return r;
        if (state_path(machine, "", &path) < 0 ||
            asprintf(&comment, FIREWALL_COMMENT_PREFIX "%s", machine) < 0)
                return log_oom();
        r = read_full_file(path, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", path);
        switch (state_netns(text, &theirs)) {
        case NETNS_HERE:
                break;
        case NETNS_GONE:
                if (unlink(path) < 0 && errno != ENOENT)
                        return log_error_errno(errno, "Failed to remove %s: %m", path);
                log_info("Released the firewall state of machine '%s': its rules went with their network namespace "
                         "(net:[%llu])", machine, theirs);
                return 1;
        default:
                return log_error_errno(SYNTHETIC_ERRNO(EXDEV), "Firewall rules of machine '%s' were added in another "
                                       "network namespace (net:[%llu]): clean it up from there", machine, theirs);
        }
        n = nat_remove_commented(comment, LOG_ERR);
        if (n < 0)
                return n;
        if (unlink(path) < 0 && errno != ENOENT)
                return log_error_errno(errno, "Failed to remove %s: %m", path);
        if (n > 0)
                log_info("Removed %d firewall rules left behind by an earlier nsboot of machine '%s'",
                         n, machine);
        return n;
}
