/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NAT rules of one machine in the network namespace the parent runs in: masquerade of the
 * container's subnets and port forwards (-p/--port) to the container's addresses, IPv4 and IPv6.
 * Called by the parent only, after the child configured its interfaces. Two backends
 * (firewall-backend.h): nftables (a table "inet nsboot-MACHINE" per machine) and iptables (the
 * legacy nat tables, every rule with "-m comment --comment nsboot:MACHINE"); --firewall=auto picks
 * nftables when the namespace has nftables tables or no legacy x_tables at all, iptables when only
 * legacy tables are in use. Packets are only forwarded when net.ipv4.ip_forward (and
 * net.ipv6.conf.all.forwarding) is 1 in that network namespace; nsboot never changes it.
 *
 * Before adding, what will be added is written to FIREWALL_STATE_DIR/MACHINE (with the backend and
 * the network namespace); the file is removed once the rules are gone, so a later nsboot of the
 * same machine finds what a killed one left (firewall_cleanup_stale()). The state files are also
 * where a port already forwarded by another machine is found, whatever backend it used. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "basic/macro.h"

#define FIREWALL_STATE_DIR "/run/nsboot/firewall"
#define FIREWALL_COMMENT_PREFIX "nsboot:"
/* Rules one machine may add (each port forward is one entry, however many chains it touches). */
#define FIREWALL_RULES_MAX 256

/* Port forwarding: -p/--port=[tcp:|udp:]HOSTPORT[:CONTAINERPORT] */
typedef struct PortForward {
        int protocol;   /* IPPROTO_TCP/UDP */
        uint16_t host_port, container_port;
} PortForward;

/* Protocol defaults to tcp, the container port to the host port; ports are 1-65535. Non-logging:
 * returns 0 or -EINVAL. */
int port_forward_parse(const char *spec, PortForward *ret);

typedef enum FirewallBackend {
        FIREWALL_AUTO,
        FIREWALL_NFTABLES,
        FIREWALL_IPTABLES,
        _FIREWALL_BACKEND_MAX,
        _FIREWALL_BACKEND_INVALID = -EINVAL,
} FirewallBackend;

const char *firewall_backend_to_string(FirewallBackend b);
FirewallBackend firewall_backend_from_string(const char *s);

typedef struct Firewall Firewall;

/* Picks the backend (FIREWALL_AUTO: from what this network namespace uses); no rule is touched
 * until the first is added. Logs. */
int firewall_new(const char *machine, FirewallBackend backend, Firewall **ret);
/* The backend firewall_new() picked: "nftables" or "iptables". */
const char *firewall_backend_name(const Firewall *f);
/* Masquerade traffic from subnet ("10.0.0.0/24", "fd00::/64", or an address for a single host)
 * leaving through any interface but out_exclude (the container's host-side interface; may be
 * NULL). Logs. */
int firewall_add_masquerade(Firewall *f, const char *subnet, const char *out_exclude);
/* Makes the IPv4 forwards added after it work for the host's own connections to 127.0.0.1 too,
 * through ifname, the container's host-side interface, which nsboot owns (a veth in no bridge):
 * route_localnet is set on it, packets from or to 127.0.0.0/8 coming in on it are dropped, and
 * 127.0.0.0/8 is masqueraded out of it. Logs. */
int firewall_set_localnet(Firewall *f, const char *ifname);
/* DNAT p->host_port on any local address (PREROUTING, and OUTPUT for the host's own connections
 * except to ::1, and to 127.0.0.0/8 without firewall_set_localnet()) to container_addr:p->container_port (IPv4 or IPv6). Fails with -EADDRINUSE, naming the
 * machine, when any nsboot machine already forwards that protocol and host port here, before
 * anything is changed. Logs. */
int firewall_add_port_forward(Firewall *f, const PortForward *p, const char *container_addr);
/* For the container's address ("ADDRESS/PREFIX"; NULL: nothing to do): masquerade of its subnet
 * when masquerade is set, and each of ports (-p specs) forwarded to it. Logs. */
int firewall_add_address(Firewall *f, const char *address, const char *host_side, bool masquerade,
                         char **ports);
/* Removes every rule of the machine and the state file; idempotent. Logs failures as warnings and
 * then keeps the state file, so that firewall_cleanup_stale() can retry. */
void firewall_remove_all(Firewall *f);
/* Removes the rules too. */
Firewall *firewall_free(Firewall *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(Firewall *, firewall_free);

/* At start, with the machine lock held: removes the rules a killed nsboot of this machine left,
 * if its state file says it added any. Returns the number of rules removed (0 if nothing). Logs. */
int firewall_cleanup_stale(const char *machine);
