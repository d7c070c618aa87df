/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The firewall backends behind firewall.c, one set of operations each: iptables (libiptc, legacy
 * x_tables; firewall-iptc.c) and nftables (libnftnl over nfnetlink; firewall-nft.c). firewall.c
 * keeps the record of a machine's rules and picks the backend; a backend only turns one rule into
 * its own form, adds it as one transaction and removes all rules of a machine. Parent only. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>

#include "firewall.h"

typedef enum FirewallRuleType {
        FIREWALL_MASQUERADE,
        FIREWALL_FORWARD,
        FIREWALL_GUARD,                 /* drop what comes in on ifname from or to 127.0.0.0/8 */
} FirewallRuleType;

typedef union FirewallAddr {
        struct in_addr in;
        struct in6_addr in6;
} FirewallAddr;

typedef struct FirewallRule {
        FirewallRuleType type;
        int family;                     /* AF_INET or AF_INET6 */
        FirewallAddr addr;              /* masquerade: the source subnet; forward: the container */
        unsigned prefixlen;             /* masquerade */
        char ifname[16];                /* masquerade: "" for any interface; guard: the interface
                                         * (IFNAMSIZ: net/if.h and linux/if.h clash in libiptc users) */
        bool out_only;                  /* masquerade: out of ifname only, instead of out of any other */
        PortForward port;               /* forward */
        bool localnet;                  /* forward: also the host's own connections to 127.0.0.1 */
} FirewallRule;

typedef struct FirewallBackendOps {
        const char *name;
        /* Adds rule, tagged as the machine's, as one transaction: all of it or nothing. Logs. */
        int (*add)(const char *machine, const FirewallRule *rule);
        /* Removes every rule of the machine, in both families; returns how many, 0 for none.
         * Logs failures at level. */
        int (*remove)(const char *machine, int level);
        /* > 0 when the ruleset of this network namespace uses this backend, 0 when not, < 0 when
         * the backend cannot be used here. Non-logging. */
        int (*in_use)(void);
} FirewallBackendOps;

extern const FirewallBackendOps firewall_iptc_ops;
extern const FirewallBackendOps firewall_nft_ops;

/* Helpers shared by the backends. */
const char *firewall_protocol_name(int protocol);
/* The netmask of prefixlen for family, in place (4 or 16 bytes). */
void firewall_prefix_mask(int family, unsigned prefixlen, FirewallAddr *ret);
/* Errno of the last failed library call, -EIO if it set none. */
int firewall_negative_errno(void);
/* Opens (creating) path and waits up to 10 s for an exclusive flock() on it; returns the fd.
 * Non-logging. */
int firewall_lock(const char *path);
