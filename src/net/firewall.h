/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NAT rules of one machine in the nat table of the network namespace the parent runs in: masquerade
 * of the container's subnet and port forwards (-p/--port) to the container's address. Called by the
 * parent only, after the child configured its interfaces (the container's address must be known).
 * IPv4 only, through libiptc (legacy x_tables; iptables-nft does not show these rules, use
 * iptables-legacy-save). Packets are only forwarded when net.ipv4.ip_forward is 1 in that network
 * namespace; nsboot never changes it.
 *
 * Every rule carries the match "-m comment --comment nsboot:MACHINE", so removal takes exactly the
 * machine's rules. Before adding, what will be added is written to FIREWALL_STATE_DIR/MACHINE (with
 * the network namespace); the file is removed once the rules are gone, so a later nsboot of the
 * same machine finds what a killed one left (firewall_cleanup_stale()). Changes to the table are
 * serialized with iptables through its lock /run/xtables.lock. */
#pragma once

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

typedef struct Firewall Firewall;

/* Nothing is touched until the first rule is added. Logs. */
int firewall_new(const char *machine, Firewall **ret);
/* Masquerade traffic from subnet ("10.0.0.0/24", or an address for /32) leaving through any
 * interface but out_exclude (the container's host-side interface; may be NULL). Logs. */
int firewall_add_masquerade(Firewall *f, const char *subnet, const char *out_exclude);
/* DNAT p->host_port on any local address (PREROUTING, and OUTPUT for the host's own connections
 * except to 127.0.0.0/8) to container_addr:p->container_port. Fails with -EADDRINUSE, naming the
 * machine, when any nsboot machine already forwards that protocol and host port here, before
 * anything is changed. Logs. */
int firewall_add_port_forward(Firewall *f, const PortForward *p, const char *container_addr);
/* Removes every rule of the machine and the state file; idempotent. Logs failures as warnings and
 * then keeps the state file, so that firewall_cleanup_stale() can retry. */
void firewall_remove_all(Firewall *f);
/* Removes the rules too. */
Firewall *firewall_free(Firewall *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(Firewall *, firewall_free);

/* At start, with the machine lock held: removes the rules a killed nsboot of this machine left,
 * if its state file says it added any. Returns the number of rules removed (0 if nothing). Logs. */
int firewall_cleanup_stale(const char *machine);
