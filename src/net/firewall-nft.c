/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nftables backend: each machine's rules live in a table of their own, "inet nsboot-MACHINE",
 * with the base chains prerouting and output (nat, priority dstnat), postrouting (nat, srcnat) and
 * guard (filter, prerouting, priority raw; for forwards from 127.0.0.1), each created with the
 * first rule that needs it. Every change is one nfnetlink batch, which the kernel applies
 * whole or not at all: a rule and its chains, or the removal of the whole table. Built with
 * libnftnl, sent with libmnl; both loaded at the first use. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "firewall-backend.h"
#include "log.h"
#include "nft-dlopen.h"

#define NFT_TABLE_PREFIX "nsboot-"
#define NFT_BATCH_SIZE (64 * 1024)
#define NFT_PRIO_DSTNAT (-100)
#define NFT_PRIO_SRCNAT 100
#define NFT_PRIO_RAW (-300)

typedef struct NftSocket {
        struct mnl_socket *nl;
        uint32_t portid, seq;
        char *buf;
        struct mnl_nlmsg_batch *batch;
        unsigned n_acks;                /* messages in the batch that the kernel answers */
} NftSocket;

#define NFT_SOCKET_NULL ((NftSocket) {})

static void nft_close(NftSocket *s) {
        if (s->batch)
                sym_mnl_nlmsg_batch_stop(s->batch);
        if (s->nl)
                sym_mnl_socket_close(s->nl);
        free(s->buf);
        *s = NFT_SOCKET_NULL;
}

/* An nfnetlink socket with a receive timeout, so that a kernel that never answers cannot hang the
 * supervisor. Non-logging. */
static int nft_open(NftSocket *ret) {
        _cleanup_(nft_close) NftSocket s = NFT_SOCKET_NULL;
        struct timeval tv = { .tv_sec = 10 };
        int r;

        r = dlopen_libnftnl();
        if (r < 0)
                return r;
        s.buf = malloc(NFT_BATCH_SIZE);
        if (!s.buf)
                return -ENOMEM;
        s.nl = sym_mnl_socket_open(NETLINK_NETFILTER);
        if (!s.nl)
                return firewall_negative_errno();
        if (sym_mnl_socket_bind(s.nl, 0, MNL_SOCKET_AUTOPID) < 0)
                return firewall_negative_errno();
        if (setsockopt(sym_mnl_socket_get_fd(s.nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
                return -errno;
        s.portid = sym_mnl_socket_get_portid(s.nl);
        s.seq = (uint32_t) time(NULL);
        *ret = s;
        s = NFT_SOCKET_NULL;
        return 0;
}

/* Reads answers until `acks` acknowledgements (or a dump's end, for acks == 0) came; returns the
 * first error the kernel reported, or the number of messages of type `count_type` seen. */
static int nft_receive(NftSocket *s, unsigned acks, uint16_t count_type) {
        unsigned got = 0;
        int first_error = 0, counted = 0;

        for (;;) {
                ssize_t n = sym_mnl_socket_recvfrom(s->nl, s->buf, NFT_BATCH_SIZE);
                int len = (int) n;

                if (n < 0)
                        return errno == EAGAIN ? -ETIMEDOUT : -errno;
                for (struct nlmsghdr *h = (struct nlmsghdr *) s->buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
                        if (h->nlmsg_type == NLMSG_DONE && acks == 0)
                                return first_error ?: counted;
                        if (h->nlmsg_type == NLMSG_ERROR) {
                                const struct nlmsgerr *e = NLMSG_DATA(h);

                                first_error = first_error ?: e->error;
                                if (acks == 0 || ++got >= acks)
                                        return first_error ?: counted;
                        } else if (h->nlmsg_type == count_type)
                                counted++;
                }
        }
}

static struct nlmsghdr *nft_batch_put(NftSocket *s, uint16_t type, uint16_t flags) {
        return sym_nftnl_nlmsg_build_hdr(sym_mnl_nlmsg_batch_current(s->batch), type, NFPROTO_INET,
                                         flags | NLM_F_ACK, ++s->seq);
}

static void nft_batch_next(NftSocket *s) {
        sym_mnl_nlmsg_batch_next(s->batch);
        s->n_acks++;
}

static int nft_batch_begin(NftSocket *s) {
        s->batch = sym_mnl_nlmsg_batch_start(s->buf, NFT_BATCH_SIZE);
        if (!s->batch)
                return -ENOMEM;
        sym_nftnl_batch_begin(sym_mnl_nlmsg_batch_current(s->batch), ++s->seq);
        sym_mnl_nlmsg_batch_next(s->batch);
        s->n_acks = 0;
        return 0;
}

/* Sends the batch and waits for the answer to every message in it; the kernel has applied all of
 * it or none. Non-logging. */
static int nft_batch_commit(NftSocket *s) {
        sym_nftnl_batch_end(sym_mnl_nlmsg_batch_current(s->batch), ++s->seq);
        sym_mnl_nlmsg_batch_next(s->batch);
        if (sym_mnl_socket_sendto(s->nl, sym_mnl_nlmsg_batch_head(s->batch),
                                  sym_mnl_nlmsg_batch_size(s->batch)) < 0)
                return firewall_negative_errno();
        return nft_receive(s, s->n_acks, 0);
}

static void nft_table_name(const char *machine, char ret[static NFT_TABLE_MAXNAMELEN]) {
        (void) snprintf(ret, NFT_TABLE_MAXNAMELEN, NFT_TABLE_PREFIX "%s", machine);
}

/* ---- Expressions ---- */

static struct nftnl_expr *expr_new(const char *name) {
        return sym_nftnl_expr_alloc(name);
}

static struct nftnl_expr *expr_meta(uint32_t key) {
        struct nftnl_expr *e = expr_new("meta");

        if (e) {
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
        }
        return e;
}

static struct nftnl_expr *expr_cmp(uint32_t op, const void *data, size_t len) {
        struct nftnl_expr *e = expr_new("cmp");

        if (e) {
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
                (void) sym_nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, (uint32_t) len);
        }
        return e;
}

static struct nftnl_expr *expr_payload(uint32_t base, uint32_t offset, uint32_t len) {
        struct nftnl_expr *e = expr_new("payload");

        if (e) {
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
        }
        return e;
}

/* reg1 &= mask */
static struct nftnl_expr *expr_mask(const void *mask, size_t len) {
        static const FirewallAddr zero = {};
        struct nftnl_expr *e = expr_new("bitwise");

        if (e) {
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, (uint32_t) len);
                (void) sym_nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, (uint32_t) len);
                (void) sym_nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &zero, (uint32_t) len);
        }
        return e;
}

/* fib daddr type: the address type of the destination into reg1 */
static struct nftnl_expr *expr_fib_daddr_type(void) {
        struct nftnl_expr *e = expr_new("fib");

        if (e) {
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
        }
        return e;
}

static struct nftnl_expr *expr_immediate(uint32_t reg, const void *data, size_t len) {
        struct nftnl_expr *e = expr_new("immediate");

        if (e) {
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
                (void) sym_nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, (uint32_t) len);
        }
        return e;
}

/* dnat FAMILY to reg1:reg2 */
static struct nftnl_expr *expr_dnat(int family) {
        struct nftnl_expr *e = expr_new("nat");

        if (e) {
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
        }
        return e;
}

/* Adds e to r; false when e could not be allocated. */
static bool rule_add(struct nftnl_rule *r, struct nftnl_expr *e) {
        if (!e)
                return false;
        sym_nftnl_rule_add_expr(r, e);
        return true;
}

static size_t addr_size(int family) {
        return family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

/* meta nfproto FAMILY */
static bool rule_match_family(struct nftnl_rule *r, int family) {
        uint8_t p = family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;

        return rule_add(r, expr_meta(NFT_META_NFPROTO)) & rule_add(r, expr_cmp(NFT_CMP_EQ, &p, sizeof p));
}

/* ip[6] saddr|daddr [!=|==] ADDR/PREFIXLEN */
static bool rule_match_addr(struct nftnl_rule *r, int family, bool source, const FirewallAddr *a,
                            unsigned prefixlen, uint32_t op) {
        size_t len = addr_size(family);
        uint32_t off = family == AF_INET6 ? (source ? 8 : 24) : (source ? 12 : 16);
        bool ok = rule_add(r, expr_payload(NFT_PAYLOAD_NETWORK_HEADER, off, (uint32_t) len));
        FirewallAddr mask;

        firewall_prefix_mask(family, prefixlen, &mask);
        if (prefixlen < 8 * len)
                ok &= rule_add(r, expr_mask(&mask, len));
        return ok & rule_add(r, expr_cmp(op, a, len));
}

/* [ip saddr SUBNET] oifname [!=] IF masquerade */
static bool rule_masquerade(struct nftnl_rule *r, const FirewallRule *rule) {
        bool ok = rule_match_family(r, rule->family);
        char name[IFNAMSIZ] = {};

        ok &= rule_match_addr(r, rule->family, /* source= */ true, &rule->addr, rule->prefixlen, NFT_CMP_EQ);
        if (!isempty(rule->ifname)) {
                memcpy(name, rule->ifname, strnlen(rule->ifname, sizeof name - 1));
                ok &= rule_add(r, expr_meta(NFT_META_OIFNAME));
                ok &= rule_add(r, expr_cmp(rule->out_only ? NFT_CMP_EQ : NFT_CMP_NEQ, name, sizeof name));
        }
        return ok & rule_add(r, expr_new("masq"));
}

/* iifname IF ip saddr|daddr 127.0.0.0/8 drop */
static bool rule_guard(struct nftnl_rule *r, const FirewallRule *rule, bool source) {
        FirewallAddr loopback = { .in.s_addr = htonl(UINT32_C(0x7f000000)) };
        char name[IFNAMSIZ] = {};
        bool ok = rule_match_family(r, AF_INET);
        struct nftnl_expr *e;

        memcpy(name, rule->ifname, strnlen(rule->ifname, sizeof name - 1));
        ok &= rule_add(r, expr_meta(NFT_META_IIFNAME)) & rule_add(r, expr_cmp(NFT_CMP_EQ, name, sizeof name));
        ok &= rule_match_addr(r, AF_INET, source, &loopback, 8, NFT_CMP_EQ);
        e = expr_new("immediate");
        if (e) {
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
                sym_nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
        }
        return ok & rule_add(r, e);
}

/* fib daddr type local [ip daddr != LOOPBACK] meta l4proto P th dport H dnat to ADDR:PORT */
static bool rule_dnat(struct nftnl_rule *r, const FirewallRule *rule, bool output) {
        uint32_t local = RTN_LOCAL;
        uint8_t proto = (uint8_t) rule->port.protocol;
        uint16_t hport = htons(rule->port.host_port), cport = htons(rule->port.container_port);
        bool ok = rule_match_family(r, rule->family);

        ok &= rule_add(r, expr_fib_daddr_type()) & rule_add(r, expr_cmp(NFT_CMP_EQ, &local, sizeof local));
        if (output && rule->family == AF_INET6)
                ok &= rule_match_addr(r, AF_INET6, false, &(FirewallAddr) { .in6 = in6addr_loopback }, 128,
                                      NFT_CMP_NEQ);
        else if (output && !rule->localnet)
                ok &= rule_match_addr(r, AF_INET, false,
                                      &(FirewallAddr) { .in.s_addr = htonl(UINT32_C(0x7f000000)) }, 8,
                                      NFT_CMP_NEQ);
        ok &= rule_add(r, expr_meta(NFT_META_L4PROTO)) & rule_add(r, expr_cmp(NFT_CMP_EQ, &proto, sizeof proto));
        ok &= rule_add(r, expr_payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, sizeof hport));
        ok &= rule_add(r, expr_cmp(NFT_CMP_EQ, &hport, sizeof hport));
        ok &= rule_add(r, expr_immediate(NFT_REG_1, &rule->addr, addr_size(rule->family)));
        ok &= rule_add(r, expr_immediate(NFT_REG_2, &cport, sizeof cport));
        return ok & rule_add(r, expr_dnat(rule->family));
}

/* ---- Batch messages ---- */

static int put_table(NftSocket *s, const char *table, uint16_t type, uint16_t flags) {
        struct nftnl_table *t = sym_nftnl_table_alloc();

        if (!t)
                return -ENOMEM;
        sym_nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
        sym_nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
        sym_nftnl_table_nlmsg_build_payload(nft_batch_put(s, type, flags), t);
        sym_nftnl_table_free(t);
        nft_batch_next(s);
        return 0;
}

/* A base chain: created, or left as it is when it exists. */
static int put_chain(NftSocket *s, const char *table, const char *chain, const char *type, uint32_t hook,
                     int32_t prio) {
        struct nftnl_chain *c = sym_nftnl_chain_alloc();

        if (!c)
                return -ENOMEM;
        sym_nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
        sym_nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, chain);
        sym_nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
        sym_nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
        sym_nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
        sym_nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
        sym_nftnl_chain_nlmsg_build_payload(nft_batch_put(s, NFT_MSG_NEWCHAIN, NLM_F_CREATE), c);
        sym_nftnl_chain_free(c);
        nft_batch_next(s);
        return 0;
}

static int put_rule(NftSocket *s, const char *table, const char *chain, const FirewallRule *rule, bool output) {
        struct nftnl_rule *r = sym_nftnl_rule_alloc();
        bool ok;

        if (!r)
                return -ENOMEM;
        sym_nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
        sym_nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
        sym_nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
        /* output: in the OUTPUT chain (a forward), the source address (a guard) */
        ok = rule->type == FIREWALL_MASQUERADE ? rule_masquerade(r, rule) :
             rule->type == FIREWALL_GUARD ? rule_guard(r, rule, output) : rule_dnat(r, rule, output);
        if (ok)
                sym_nftnl_rule_nlmsg_build_payload(nft_batch_put(s, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), r);
        sym_nftnl_rule_free(r);
        if (!ok)
                return -ENOMEM;
        nft_batch_next(s);
        return 0;
}

/* ---- The backend ---- */

/* The table, the chains the rule goes in and the rule (two for a forward or a guard), in one batch. */
static int nft_put_add(NftSocket *s, const char *table, const FirewallRule *rule) {
        int r;

        r = put_table(s, table, NFT_MSG_NEWTABLE, NLM_F_CREATE);
        if (r < 0)
                return r;
        switch (rule->type) {
        case FIREWALL_MASQUERADE:
                return put_chain(s, table, "postrouting", "nat", NF_INET_POST_ROUTING, NFT_PRIO_SRCNAT) ?:
                       put_rule(s, table, "postrouting", rule, false);
        case FIREWALL_GUARD:
                /* Before conntrack and NAT: a reply to our own masqueraded connections never has
                 * 127.0.0.0/8 on the wire. */
                return put_chain(s, table, "guard", "filter", NF_INET_PRE_ROUTING, NFT_PRIO_RAW) ?:
                       put_rule(s, table, "guard", rule, false) ?:
                       put_rule(s, table, "guard", rule, true);
        default:
                return put_chain(s, table, "prerouting", "nat", NF_INET_PRE_ROUTING, NFT_PRIO_DSTNAT) ?:
                       put_chain(s, table, "output", "nat", NF_INET_LOCAL_OUT, NFT_PRIO_DSTNAT) ?:
                       put_rule(s, table, "prerouting", rule, false) ?:
                       put_rule(s, table, "output", rule, true);
        }
}

static int nft_add(const char *machine, const FirewallRule *rule) {
        _cleanup_(nft_close) NftSocket s = NFT_SOCKET_NULL;
        char table[NFT_TABLE_MAXNAMELEN];
        int r;

        nft_table_name(machine, table);
        r = nft_open(&s);
        if (r < 0)
                return log_error_errno(r, "Failed to open an nftables netlink socket: %m");
        r = nft_batch_begin(&s);
        if (r >= 0)
                r = nft_put_add(&s, table, rule);
        if (r < 0)
                return log_oom();
        r = nft_batch_commit(&s);
        if (r < 0)
                return log_error_errno(r, "Failed to add an nftables %s rule to table inet %s: %m",
                                       rule->type == FIREWALL_MASQUERADE ? "masquerade" :
                                       rule->type == FIREWALL_GUARD ? "loopback guard" : "dnat", table);
        return 0;
}

/* Number of rules in table (0 when it does not exist). Non-logging. */
static int nft_count_rules(NftSocket *s, const char *table) {
        struct nftnl_rule *r = sym_nftnl_rule_alloc();
        struct nlmsghdr *h;

        if (!r)
                return -ENOMEM;
        h = sym_nftnl_nlmsg_build_hdr(s->buf, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP, ++s->seq);
        sym_nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
        sym_nftnl_rule_nlmsg_build_payload(h, r);
        sym_nftnl_rule_free(r);
        if (sym_mnl_socket_sendto(s->nl, h, h->nlmsg_len) < 0)
                return firewall_negative_errno();
        return nft_receive(s, 0, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE);
}

static int nft_remove(const char *machine, int level) {
        _cleanup_(nft_close) NftSocket s = NFT_SOCKET_NULL;
        char table[NFT_TABLE_MAXNAMELEN];
        int n, r;

        nft_table_name(machine, table);
        r = nft_open(&s);
        if (r < 0)
                return log_full_errno(level, r, "Failed to open an nftables netlink socket: %m");
        n = nft_count_rules(&s, table);
        if (n == -ENOENT)
                return 0;
        if (n < 0)
                return log_full_errno(level, n, "Failed to list the rules of table inet %s: %m", table);
        /* Deleting the table takes its chains and rules with it, in one transaction. */
        r = nft_batch_begin(&s);
        if (r >= 0)
                r = put_table(&s, table, NFT_MSG_DELTABLE, 0);
        if (r >= 0)
                r = nft_batch_commit(&s);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_full_errno(level, r, "Failed to delete table inet %s: %m", table);
        return n;
}

static int nft_in_use(void) {
        _cleanup_(nft_close) NftSocket s = NFT_SOCKET_NULL;
        struct nlmsghdr *h;
        int r;

        if (!libnftnl_present())
                return -EOPNOTSUPP;
        r = nft_open(&s);
        if (r < 0)
                return r;
        h = sym_nftnl_nlmsg_build_hdr(s.buf, NFT_MSG_GETTABLE, NFPROTO_UNSPEC, NLM_F_DUMP, ++s.seq);
        if (sym_mnl_socket_sendto(s.nl, h, h->nlmsg_len) < 0)
                return firewall_negative_errno();
        return nft_receive(&s, 0, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE);
}

const FirewallBackendOps firewall_nft_ops = {
        .name = "nftables",
        .add = nft_add,
        .remove = nft_remove,
        .in_use = nft_in_use,
};
