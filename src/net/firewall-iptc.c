/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The iptables backend: rules in the nat tables of x_tables (iptables-legacy, ip6tables-legacy)
 * through libip4tc and libip6tc. Every rule carries "-m comment --comment nsboot:MACHINE", which
 * is how removal finds exactly the machine's rules. A table is read, changed and written back
 * whole (IPT_SO_SET_REPLACE), under iptables' own lock, so each rule is added in one commit. */
#include <arpa/inet.h>
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "iptc-dlopen.h" /* first: the x_tables headers include linux/if.h, libiptc net/if.h */
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "basic/fileio.h"
#include "firewall-backend.h"
#include "log.h"

/* The lock iptables (legacy and libiptc users) takes around read-modify-replace of a table: the
 * kernel replaces whole tables, so concurrent writers would undo each other. */
#define XTABLES_LOCK "/run/xtables.lock"
/* Our largest entry (an IPv6 DNAT with addrtype, tcp and comment matches) takes about 600 bytes. */
#define ENTRY_MAX 1024

/* An ipt_entry or ip6t_entry with its matches and target, built in place. */
typedef struct Entry {
        int family;
        union {
                struct ipt_entry e4;
                struct ip6t_entry e6;
                uint8_t buf[ENTRY_MAX];
        };
        size_t size;
} Entry;

typedef struct NatTable {
        int family;
        int lock_fd;
        struct xtc_handle *h;
} NatTable;

#define NAT_TABLE_NULL ((NatTable) { .lock_fd = -EBADF })

static const char *const nat_chains[] = { "PREROUTING", "OUTPUT", "POSTROUTING" };

/* Matches and targets share one header layout: the size, the name and the revision, then data. */
_Static_assert(sizeof(struct xt_entry_match) == sizeof(struct xt_entry_target), "match and target headers differ");
_Static_assert(offsetof(struct xt_entry_match, u.user.match_size) ==
          offsetof(struct xt_entry_target, u.user.target_size), "match and target headers differ");
_Static_assert(offsetof(struct xt_entry_match, u.user.name) == offsetof(struct xt_entry_target, u.user.name),
               "match and target names differ");
_Static_assert(offsetof(struct xt_entry_match, data) == offsetof(struct xt_entry_target, data), "match and target data differ");
/* The offsets at the end of both entry headers, after the family's address part. */
_Static_assert(offsetof(struct ipt_entry, next_offset) - offsetof(struct ipt_entry, target_offset) ==
          offsetof(struct ip6t_entry, next_offset) - offsetof(struct ip6t_entry, target_offset),
               "the offsets of ipt_entry and ip6t_entry differ");

static size_t entry_header_size(int family) {
        return family == AF_INET6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry);
}

static uint16_t *entry_target_offset(int family, void *e) {
        return family == AF_INET6 ? &((struct ip6t_entry *) e)->target_offset :
                                    &((struct ipt_entry *) e)->target_offset;
}

static void entry_init(Entry *x, int family) {
        memset(x, 0, sizeof *x);
        x->family = family;
        x->size = entry_header_size(family);
}

/* Appends a match or a target (one header layout, see above) with its data; returns its offset. */
static size_t entry_append(Entry *x, const char *name, uint8_t revision, const void *data, size_t size) {
        struct xt_entry_match *m = (struct xt_entry_match *) (x->buf + x->size);
        size_t off = x->size, n = XT_ALIGN(sizeof(*m)) + XT_ALIGN(size);

        assert(x->size + n <= ENTRY_MAX);
        m->u.user.match_size = (uint16_t) n;
        strncpy(m->u.user.name, name, sizeof m->u.user.name - 1);
        m->u.user.revision = revision;
        memcpy(m->data, data, size);
        x->size += n;
        return off;
}

static void entry_set_target(Entry *x, const char *name, uint8_t revision, const void *data, size_t size) {
        uint16_t *offsets = entry_target_offset(x->family, x->buf);

        offsets[0] = (uint16_t) entry_append(x, name, revision, data, size);
        offsets[1] = (uint16_t) x->size;       /* next_offset */
}

static void entry_add_comment(Entry *x, const char *comment) {
        struct xt_comment_info c = {};

        (void) snprintf(c.comment, sizeof c.comment, "%s", comment);
        entry_append(x, "comment", 0, &c, sizeof c);
}

/* The interface part of a rule: exactly ifname (the mask covers the NUL: no '+' wildcard). */
static void entry_set_iface(char iface[static IFNAMSIZ], unsigned char mask[static IFNAMSIZ],
                               const char *ifname) {
        size_t l = strlen(ifname);

        memcpy(iface, ifname, l + 1);
        memset(mask, 0xff, l + 1);
}

/* -s ADDR/MASK [[!] -o IF] in ip, an ipt_ip or an ip6t_ip6, which name these fields alike. */
#define SET_SOURCE_OUT(ip, addr, mask, r, inv_via_out)                                          \
        do {                                                                                    \
                (ip).src = (addr);                                                              \
                (ip).smsk = (mask);                                                             \
                if (!isempty((r)->ifname))                                                      \
                        entry_set_iface((ip).outiface, (ip).outiface_mask, (r)->ifname);     \
                if (!isempty((r)->ifname) && !(r)->out_only)                                    \
                        (ip).invflags |= (inv_via_out);                                         \
        } while (0)

/* -s SUBNET [[!] -o IF] -m comment --comment C -j MASQUERADE */
static void entry_masquerade(Entry *x, const FirewallRule *r, const char *comment) {
        struct nf_nat_ipv4_multi_range_compat nat4 = { .rangesize = 1 };
        struct nf_nat_range nat6 = {};
        FirewallAddr mask;

        entry_init(x, r->family);
        firewall_prefix_mask(r->family, r->prefixlen, &mask);
        if (r->family == AF_INET6)
                SET_SOURCE_OUT(x->e6.ipv6, r->addr.in6, mask.in6, r, IP6T_INV_VIA_OUT);
        else
                SET_SOURCE_OUT(x->e4.ip, r->addr.in, mask.in, r, IPT_INV_VIA_OUT);
        entry_add_comment(x, comment);
        /* The IPv4 and IPv6 MASQUERADE targets (revision 0) take different range structs. */
        if (r->family == AF_INET6)
                entry_set_target(x, "MASQUERADE", 0, &nat6, sizeof nat6);
        else
                entry_set_target(x, "MASQUERADE", 0, &nat4, sizeof nat4);
}

/* The address part of a DNAT entry: the protocol, and in OUTPUT "! -d 127.0.0.0/8" (unless the
 * rule forwards the host's loopback too) or "! -d ::1" (IPv6 has no route_localnet). */
static void entry_dnat_ip(Entry *x, const FirewallRule *r, bool output) {
        if (r->family == AF_INET6) {
                x->e6.ipv6.proto = (uint16_t) r->port.protocol;
                x->e6.ipv6.flags |= IP6T_F_PROTO;
                if (output) {
                        x->e6.ipv6.dst = in6addr_loopback;
                        memset(&x->e6.ipv6.dmsk, 0xff, sizeof x->e6.ipv6.dmsk);
                        x->e6.ipv6.invflags |= IP6T_INV_DSTIP;
                }
                return;
        }
        x->e4.ip.proto = (uint16_t) r->port.protocol;
        if (output && !r->localnet) {
                x->e4.ip.dst.s_addr = htonl(UINT32_C(0x7f000000));
                x->e4.ip.dmsk.s_addr = htonl(UINT32_C(0xff000000));
                x->e4.ip.invflags |= IPT_INV_DSTIP;
        }
}

/* -p P -m addrtype --dst-type LOCAL [! -d LOOPBACK] --dport H -m comment --comment C
 * -j DNAT --to-destination ADDR:PORT */
static void entry_dnat(Entry *x, const FirewallRule *r, bool output, const char *comment) {
        struct xt_addrtype_info_v1 at = { .dest = XT_ADDRTYPE_LOCAL };
        uint16_t h = r->port.host_port;
        /* Revision 2 (kernel 4.18), as iptables itself uses, for both families. */
        struct nf_nat_range2 nat = {
                .flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED,
                .min_proto.all = htons(r->port.container_port),
                .max_proto.all = htons(r->port.container_port),
        };

        memcpy(&nat.min_addr, &r->addr, sizeof r->addr);
        memcpy(&nat.max_addr, &r->addr, sizeof r->addr);
        entry_init(x, r->family);
        entry_dnat_ip(x, r, output);
        entry_append(x, "addrtype", 1, &at, sizeof at);
        if (r->port.protocol == IPPROTO_UDP) {
                struct xt_udp u = { .spts = { 0, 0xffff }, .dpts = { h, h } };

                entry_append(x, "udp", 0, &u, sizeof u);
        } else {
                struct xt_tcp t = { .spts = { 0, 0xffff }, .dpts = { h, h } };

                entry_append(x, "tcp", 0, &t, sizeof t);
        }
        entry_add_comment(x, comment);
        entry_set_target(x, "DNAT", 2, &nat, sizeof nat);
}

/* -i IF -s|-d 127.0.0.0/8 -m comment --comment C -j DROP, in the nat table's PREROUTING: that
 * chain sees the first packet of every flow, and a flow whose first packet is dropped never
 * exists (the conntrack entry is not confirmed). */
static void entry_guard(Entry *x, const FirewallRule *r, bool source, const char *comment) {
        struct in_addr loopback = { htonl(UINT32_C(0x7f000000)) }, mask = { htonl(UINT32_C(0xff000000)) };
        int verdict = -NF_DROP - 1;

        entry_init(x, AF_INET);
        entry_set_iface(x->e4.ip.iniface, x->e4.ip.iniface_mask, r->ifname);
        if (source) {
                x->e4.ip.src = loopback;
                x->e4.ip.smsk = mask;
        } else {
                x->e4.ip.dst = loopback;
                x->e4.ip.dmsk = mask;
        }
        entry_add_comment(x, comment);
        entry_set_target(x, "DROP", 0, &verdict, sizeof verdict);
}

/* The text of e's comment match, "" without one. */
static void entry_comment(int family, const void *e, char ret[static XT_MAX_COMMENT_LEN]) {
        size_t end = *entry_target_offset(family, (void *) e);

        ret[0] = 0;
        for (size_t off = entry_header_size(family); off + sizeof(struct xt_entry_match) <= end;) {
                const struct xt_entry_match *m = (const void *) ((const uint8_t *) e + off);

                if (m->u.match_size < sizeof(*m))
                        return;
                if (strncmp(m->u.user.name, "comment", sizeof m->u.user.name) == 0 &&
                    m->u.match_size >= sizeof(*m) + sizeof(struct xt_comment_info)) {
                        const struct xt_comment_info *c = (const void *) m->data;

                        (void) snprintf(ret, XT_MAX_COMMENT_LEN, "%.*s", XT_MAX_COMMENT_LEN - 1, c->comment);
                        return;
                }
                off += m->u.match_size;
        }
}

/* ---- The nat table of one family, through libip4tc or libip6tc ---- */

static const char *tc_strerror(int family, int error) {
        return family == AF_INET6 ? sym_ip6tc_strerror(error) : sym_iptc_strerror(error);
}

static const void *tc_first_rule(NatTable *t, const char *chain) {
        return t->family == AF_INET6 ? (const void *) sym_ip6tc_first_rule(chain, t->h) :
                                       (const void *) sym_iptc_first_rule(chain, t->h);
}

static const void *tc_next_rule(NatTable *t, const void *prev) {
        return t->family == AF_INET6 ? (const void *) sym_ip6tc_next_rule(prev, t->h) :
                                       (const void *) sym_iptc_next_rule(prev, t->h);
}

static const char *family_tool(int family) {
        return family == AF_INET6 ? "ip6tables" : "iptables";
}

/* Takes the lock and reads the table; logs at level. */
static int nat_open(int family, NatTable *ret, int level) {
        _cleanup_close_ int fd = -EBADF;
        struct xtc_handle *h;
        int r;

        r = family == AF_INET6 ? dlopen_libip6tc() : dlopen_libiptc();
        if (r < 0)
                return r;
        fd = firewall_lock(XTABLES_LOCK);
        if (fd < 0)
                return log_full_errno(level, fd, "Failed to take the iptables lock %s: %m", XTABLES_LOCK);
        h = family == AF_INET6 ? sym_ip6tc_init("nat") : sym_iptc_init("nat");
        if (!h) {
                r = firewall_negative_errno();
                return log_full_errno(level, r, "Failed to read the %s nat table: %s", family_tool(family),
                                      tc_strerror(family, -r));
        }
        *ret = (NatTable) { .family = family, .lock_fd = TAKE_FD(fd), .h = h };
        return 0;
}

static int nat_commit(NatTable *t, int level) {
        int ok = t->family == AF_INET6 ? sym_ip6tc_commit(t->h) : sym_iptc_commit(t->h);

        if (!ok) {
                int r = firewall_negative_errno();

                return log_full_errno(level, r, "Failed to update the %s nat table: %s", family_tool(t->family),
                                      tc_strerror(t->family, -r));
        }
        return 0;
}

static void nat_close(NatTable *t) {
        if (t->h && t->family == AF_INET6)
                sym_ip6tc_free(t->h);
        else if (t->h)
                sym_iptc_free(t->h);
        t->h = NULL;
        t->lock_fd = safe_close(t->lock_fd);
}

static int nat_append(NatTable *t, const char *chain, Entry *x) {
        int ok = t->family == AF_INET6 ? sym_ip6tc_append_entry(chain, &x->e6, t->h) :
                                         sym_iptc_append_entry(chain, &x->e4, t->h);

        if (!ok) {
                int r = firewall_negative_errno();

                return log_error_errno(r, "Failed to add a rule to the %s nat chain %s: %s",
                                       family_tool(t->family), chain, tc_strerror(t->family, -r));
        }
        return 0;
}

/* Rule number of the first rule of chain with exactly this comment, or -1. */
static int nat_find_commented(NatTable *t, const char *chain, const char *comment) {
        char c[XT_MAX_COMMENT_LEN];
        int n = 0;

        for (const void *e = tc_first_rule(t, chain); e; e = tc_next_rule(t, e), n++) {
                entry_comment(t->family, e, c);
                if (streq(c, comment))
                        return n;
        }
        return -1;
}

/* Deletes the rules of chain with exactly this comment (in t only); returns how many. Logs. */
static int nat_delete_commented(NatTable *t, const char *chain, const char *comment, int level) {
        int n = 0, num;

        while ((num = nat_find_commented(t, chain, comment)) >= 0) {
                int ok = t->family == AF_INET6 ? sym_ip6tc_delete_num_entry(chain, (unsigned) num, t->h) :
                                                 sym_iptc_delete_num_entry(chain, (unsigned) num, t->h);
                if (!ok) {
                        int r = firewall_negative_errno();

                        return log_full_errno(level, r, "Failed to delete rule %d of the %s nat chain %s: %s",
                                              num + 1, family_tool(t->family), chain, tc_strerror(t->family, -r));
                }
                n++;
        }
        return n;
}

/* Whether the family's x_tables nat table exists in this network namespace: reading it through
 * libiptc would create it. */
static bool nat_table_exists(int family) {
        _cleanup_free_ char *names = NULL;
        const char *path = family == AF_INET6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names";

        if (read_full_file(path, &names, NULL) < 0)
                return false;
        for (const char *p = names; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
                if (startswith(p, "nat\n") || streq(p, "nat"))
                        return true;
        return false;
}

/* Deletes every rule with exactly this comment from the nat chains of family; returns how many.
 * Logs. */
static int nat_remove_commented(int family, const char *comment, int level) {
        _cleanup_(nat_close) NatTable t = NAT_TABLE_NULL;
        int n = 0, r;

        if (!nat_table_exists(family))
                return 0;
        r = nat_open(family, &t, level);
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

/* ---- The backend ---- */

static void iptc_comment(const char *machine, char ret[static XT_MAX_COMMENT_LEN]) {
        (void) snprintf(ret, XT_MAX_COMMENT_LEN, FIREWALL_COMMENT_PREFIX "%s", machine);
}

static int iptc_add(const char *machine, const FirewallRule *rule) {
        _cleanup_(nat_close) NatTable t = NAT_TABLE_NULL;
        char comment[XT_MAX_COMMENT_LEN];
        Entry x;
        int r;

        iptc_comment(machine, comment);
        r = nat_open(rule->family, &t, LOG_ERR);
        if (r < 0)
                return r;
        if (rule->type == FIREWALL_MASQUERADE) {
                entry_masquerade(&x, rule, comment);
                r = nat_append(&t, "POSTROUTING", &x);
        } else if (rule->type == FIREWALL_GUARD) {
                entry_guard(&x, rule, /* source= */ true, comment);
                r = nat_append(&t, "PREROUTING", &x);
                if (r >= 0) {
                        entry_guard(&x, rule, /* source= */ false, comment);
                        r = nat_append(&t, "PREROUTING", &x);
                }
        } else {
                entry_dnat(&x, rule, /* output= */ false, comment);
                r = nat_append(&t, "PREROUTING", &x);
                if (r >= 0) {
                        entry_dnat(&x, rule, /* output= */ true, comment);
                        r = nat_append(&t, "OUTPUT", &x);
                }
        }
        if (r < 0)
                return r;
        return nat_commit(&t, LOG_ERR);
}

static int iptc_remove(const char *machine, int level) {
        char comment[XT_MAX_COMMENT_LEN];
        int n4, n6;

        iptc_comment(machine, comment);
        n4 = nat_remove_commented(AF_INET, comment, level);
        n6 = nat_remove_commented(AF_INET6, comment, level);
        if (n4 < 0 || n6 < 0)
                return n4 < 0 ? n4 : n6;
        return n4 + n6;
}

static int iptc_in_use(void) {
        _cleanup_free_ char *v4 = NULL, *v6 = NULL;

        (void) read_full_file("/proc/net/ip_tables_names", &v4, NULL);
        (void) read_full_file("/proc/net/ip6_tables_names", &v6, NULL);
        return !isempty(v4) || !isempty(v6);
}

const FirewallBackendOps firewall_iptc_ops = {
        .name = "iptables",
        .add = iptc_add,
        .remove = iptc_remove,
        .in_use = iptc_in_use,
};
