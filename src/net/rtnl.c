/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/neighbour.h>
#include <netlink/cache.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>

#include "basic/macro.h"
#include "nl-dlopen.h"
#include "rtnl.h"

static char last_error[128] = "";

const char *rtnl_last_error(void) {
        return last_error;
}

/* libnl has its own error numbers: back to errno for our callers; its text stays for messages. */
static int nlerr(int e) {
        if (e < 0)
                snprintf(last_error, sizeof last_error, "%s", sym_nl_geterror(e));
        switch (-abs(e)) {
        case 0:
                return 0;
        case -NLE_EXIST:
                return -EEXIST;
        case -NLE_NODEV:
        case -NLE_OBJ_NOTFOUND:
                return -ENODEV;
        case -NLE_PERM:
                return -EPERM;
        case -NLE_INVAL:
        case -NLE_RANGE:
                return -EINVAL;
        case -NLE_BUSY:
                return -EBUSY;
        case -NLE_NOMEM:
                return -ENOMEM;
        case -NLE_OPNOTSUPP:
                return -EOPNOTSUPP;
        case -NLE_AF_NOSUPPORT:
                return -EAFNOSUPPORT;
        default:
                return -EIO;
        }
}

int rtnl_load(void) {
        return dlopen_libnl();
}

int rtnl_open(RtnlSocket **ret) {
        struct nl_sock *sk;
        int r;

        r = rtnl_load();
        if (r < 0)
                return r;
        sk = sym_nl_socket_alloc();
        if (!sk)
                return -ENOMEM;
        r = sym_nl_connect(sk, NETLINK_ROUTE);
        if (r < 0) {
                sym_nl_socket_free(sk);
                return nlerr(r);
        }
        *ret = sk;
        return 0;
}

void rtnl_close(RtnlSocket *sk) {
        if (sk)
                sym_nl_socket_free(sk);
}

int rtnl_ifindex(RtnlSocket *sk, const char *name) {
        struct rtnl_link *link = NULL;
        int r = sym_rtnl_link_get_kernel(sk, 0, name, &link), idx;

        if (r < 0)
                return nlerr(r);
        idx = sym_rtnl_link_get_ifindex(link);
        sym_rtnl_link_put(link);
        return idx;
}

int rtnl_link_kind(RtnlSocket *sk, const char *name, char *ret, size_t size) {
        struct rtnl_link *link = NULL;
        int r = sym_rtnl_link_get_kernel(sk, 0, name, &link);

        if (r < 0)
                return nlerr(r);
        snprintf(ret, size, "%s", sym_rtnl_link_get_type(link) ?: "");
        sym_rtnl_link_put(link);
        return 0;
}

int rtnl_link_info(RtnlSocket *sk, int ifindex, char name[static 16], unsigned *ret_mtu, bool *ret_up) {
        struct rtnl_link *link = NULL;
        int r = sym_rtnl_link_get_kernel(sk, ifindex, NULL, &link);

        if (r < 0)
                return nlerr(r);
        snprintf(name, 16, "%s", sym_rtnl_link_get_name(link));
        *ret_mtu = sym_rtnl_link_get_mtu(link);
        *ret_up = sym_rtnl_link_get_flags(link) & IFF_UP;
        sym_rtnl_link_put(link);
        return 0;
}

int rtnl_link_mac(RtnlSocket *sk, int ifindex, unsigned char ret[static 6]) {
        struct rtnl_link *link = NULL;
        struct nl_addr *a;
        int r = sym_rtnl_link_get_kernel(sk, ifindex, NULL, &link);

        if (r < 0)
                return nlerr(r);
        a = sym_rtnl_link_get_addr(link);
        r = a && sym_nl_addr_get_len(a) == 6 ? 0 : -ENODATA;
        if (r == 0)
                memcpy(ret, sym_nl_addr_get_binary_addr(a), 6);
        sym_rtnl_link_put(link);
        return r;
}

/* The queue counts as LXC sets them: the guest's end gets rxq receive and txq transmit queues,
 * the host's end the other way round, so each receive queue faces a transmit queue. */
int rtnl_add_veth(RtnlSocket *sk, const char *host_name, const char *peer_name, pid_t pid, unsigned rxq,
                  unsigned txq) {
        struct rtnl_link *link, *peer;
        int r;

        if (rxq == 0 && txq == 0)
                return nlerr(sym_rtnl_link_veth_add(sk, host_name, peer_name, pid));
        link = sym_rtnl_link_veth_alloc();
        if (!link)
                return -ENOMEM;
        peer = sym_rtnl_link_veth_get_peer(link);
        sym_rtnl_link_set_name(link, host_name);
        sym_rtnl_link_set_name(peer, peer_name);
        sym_rtnl_link_set_ns_pid(peer, pid);
        if (rxq > 0) {
                sym_rtnl_link_set_num_rx_queues(peer, rxq);
                sym_rtnl_link_set_num_tx_queues(link, rxq);
        }
        if (txq > 0) {
                sym_rtnl_link_set_num_tx_queues(peer, txq);
                sym_rtnl_link_set_num_rx_queues(link, txq);
        }
        r = sym_rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
        sym_rtnl_link_put(peer);
        sym_rtnl_link_put(link);
        return nlerr(r);
}

/* A link of type kind on parent, named name in the namespace of pid; setup fills type details. */
static int add_on_parent(RtnlSocket *sk, struct rtnl_link *link, const char *parent, const char *name, pid_t pid) {
        int idx = rtnl_ifindex(sk, parent), r;

        if (idx < 0)
                return idx;
        sym_rtnl_link_set_link(link, idx);
        sym_rtnl_link_set_name(link, name);
        if (pid > 0)
                sym_rtnl_link_set_ns_pid(link, pid);
        r = sym_rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
        return nlerr(r);
}

/* Created under a temporary name here, then moved into the namespace of pid and renamed there:
 * the two steps LXC takes, which every link type supports, unlike creating it there directly.
 * ipvlan_flags are set in between: the kernel lets only the parent's namespace change them. */
static int add_then_move(RtnlSocket *sk, struct rtnl_link *link, const char *parent, const char *name, pid_t pid,
                         unsigned ipvlan_flags) {
        static unsigned seq;
        char tmp[16];
        int r, idx;

        snprintf(tmp, sizeof tmp, "nsb%x-%x", (unsigned) pid & 0xffffff, seq++ & 0xfff);
        r = add_on_parent(sk, link, parent, tmp, 0);
        if (r < 0)
                return r;
        idx = rtnl_ifindex(sk, tmp);
        if (idx < 0)
                return idx;
        r = ipvlan_flags ? rtnl_set_ipvlan_flags(sk, idx, ipvlan_flags) : 0;
        if (r >= 0)
                r = rtnl_move(sk, idx, pid, -1, name);
        if (r < 0)
                (void) rtnl_delete(sk, tmp);
        return r;
}

int rtnl_add_macvlan(RtnlSocket *sk, const char *parent, const char *name, const char *mode, pid_t pid) {
        struct rtnl_link *link = sym_rtnl_link_macvlan_alloc();
        int m = sym_rtnl_link_macvlan_str2mode(mode), r;

        if (!link)
                return -ENOMEM;
        if (m < 0 || sym_rtnl_link_macvlan_set_mode(link, (uint32_t) m) < 0)
                r = -EINVAL;
        else
                r = add_then_move(sk, link, parent, name, pid, 0);
        sym_rtnl_link_put(link);
        return r;
}

/* libnl's rtnl_link_ipvlan_str2mode() knows only "l2" and "l3". */
static int ipvlan_mode_from_string(const char *mode) {
        if (streq_ptr(mode, "l2"))
                return IPVLAN_MODE_L2;
        if (streq_ptr(mode, "l3"))
                return IPVLAN_MODE_L3;
        if (streq_ptr(mode, "l3s"))
                return IPVLAN_MODE_L3S;
        return -EINVAL;
}

int rtnl_add_ipvlan(RtnlSocket *sk, const char *parent, const char *name, const char *mode, unsigned flags, pid_t pid) {
        struct rtnl_link *link = sym_rtnl_link_ipvlan_alloc();
        int m = ipvlan_mode_from_string(mode), r;

        if (!link)
                return -ENOMEM;
        if (m < 0 || sym_rtnl_link_ipvlan_set_mode(link, (uint16_t) m) < 0)
                r = -EINVAL;
        else
                r = add_then_move(sk, link, parent, name, pid, flags);
        sym_rtnl_link_put(link);
        return r;
}

int rtnl_add_vlan(RtnlSocket *sk, const char *parent, const char *name, unsigned id, pid_t pid) {
        struct rtnl_link *link = sym_rtnl_link_vlan_alloc();
        int r;

        if (!link)
                return -ENOMEM;
        r = sym_rtnl_link_vlan_set_id(link, (uint16_t) id);
        r = r < 0 ? nlerr(r) : pid > 0 ? add_then_move(sk, link, parent, name, pid, 0) : add_on_parent(sk, link, parent, name, 0);
        sym_rtnl_link_put(link);
        return r;
}

int rtnl_delete(RtnlSocket *sk, const char *name) {
        struct rtnl_link *link = sym_rtnl_link_alloc();
        int r;

        if (!link)
                return -ENOMEM;
        sym_rtnl_link_set_name(link, name);
        r = sym_rtnl_link_delete(sk, link);
        sym_rtnl_link_put(link);
        return nlerr(r);
}

/* RTM_SETLINK with the changes in change; orig only names the link by index. */
static int change(RtnlSocket *sk, int ifindex, struct rtnl_link *chg) {
        struct rtnl_link *orig = sym_rtnl_link_alloc();
        int r;

        if (!orig)
                return -ENOMEM;
        sym_rtnl_link_set_ifindex(orig, ifindex);
        r = sym_rtnl_link_change(sk, orig, chg, 0);
        sym_rtnl_link_put(orig);
        return nlerr(r);
}

int rtnl_move(RtnlSocket *sk, int ifindex, pid_t pid, int netns_fd, const char *new_name) {
        struct rtnl_link *chg = sym_rtnl_link_alloc();
        int r;

        if (!chg)
                return -ENOMEM;
        if (pid > 0)
                sym_rtnl_link_set_ns_pid(chg, pid);
        else
                sym_rtnl_link_set_ns_fd(chg, netns_fd);
        if (new_name)
                sym_rtnl_link_set_name(chg, new_name);
        r = change(sk, ifindex, chg);
        sym_rtnl_link_put(chg);
        return r;
}

int rtnl_set_master(RtnlSocket *sk, int ifindex, const char *bridge) {
        int master = rtnl_ifindex(sk, bridge);

        if (master < 0)
                return master;
        return nlerr(sym_rtnl_link_enslave_ifindex(sk, master, ifindex));
}

int rtnl_set(RtnlSocket *sk, int ifindex, const char *name, const unsigned char *mac, unsigned mtu, int up) {
        struct rtnl_link *chg = sym_rtnl_link_alloc();
        struct nl_addr *addr = NULL;
        int r;

        if (!chg)
                return -ENOMEM;
        if (name)
                sym_rtnl_link_set_name(chg, name);
        if (mac) {
                addr = sym_nl_addr_build(AF_LLC, mac, 6);
                if (!addr) {
                        sym_rtnl_link_put(chg);
                        return -ENOMEM;
                }
                sym_rtnl_link_set_addr(chg, addr);
        }
        if (mtu)
                sym_rtnl_link_set_mtu(chg, mtu);
        if (up > 0)
                sym_rtnl_link_set_flags(chg, IFF_UP);
        else if (up == 0)
                sym_rtnl_link_unset_flags(chg, IFF_UP);
        r = change(sk, ifindex, chg);
        sym_nl_addr_put(addr);
        sym_rtnl_link_put(chg);
        return r;
}

int rtnl_add_address(RtnlSocket *sk, int ifindex, const char *address) {
        struct rtnl_addr *a = sym_rtnl_addr_alloc();
        struct nl_addr *local = NULL;
        int family = strchr(address, ':') ? AF_INET6 : AF_INET, r;

        if (!a)
                return -ENOMEM;
        r = sym_nl_addr_parse(address, family, &local);
        if (r >= 0) {
                sym_rtnl_addr_set_ifindex(a, ifindex);
                r = sym_rtnl_addr_set_local(a, local);
        }
        if (r >= 0)
                r = sym_rtnl_addr_add(sk, a, 0);
        sym_nl_addr_put(local);
        sym_rtnl_addr_put(a);
        return nlerr(r);
}

int rtnl_add_default_route(RtnlSocket *sk, int family, int ifindex, const char *gateway) {
        return rtnl_add_route(sk, family, ifindex, NULL, gateway);
}

/* Adds (flags: NLM_F_CREATE, with NLM_F_EXCL or not) or deletes (flags: -1) a static route of the
 * main table to destination (NULL: the default route) on ifindex, through gateway or on the link. */
static int route_request(RtnlSocket *sk, int family, int ifindex, const char *destination, const char *gateway,
                         uint8_t protocol, int flags) {
        struct rtnl_route *route = sym_rtnl_route_alloc();
        struct rtnl_nexthop *nh = sym_rtnl_route_nh_alloc();
        struct nl_addr *dst = NULL, *gw = NULL;
        int r;

        if (!route || !nh) {
                if (route)
                        sym_rtnl_route_put(route);
                if (nh)
                        sym_rtnl_route_nh_free(nh);
                return -ENOMEM;
        }
        r = sym_nl_addr_parse(destination ?: (family == AF_INET6 ? "::/0" : "0.0.0.0/0"), family, &dst);
        if (r >= 0 && gateway)
                r = sym_nl_addr_parse(gateway, family, &gw);
        if (r >= 0) {
                sym_rtnl_route_set_family(route, (uint8_t) family);
                sym_rtnl_route_set_dst(route, dst);
                sym_rtnl_route_set_table(route, RT_TABLE_MAIN);
                sym_rtnl_route_set_protocol(route, protocol);
                /* An off-link gateway still works: the route is on the device, the gateway onlink. */
                sym_rtnl_route_set_scope(route, gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
                sym_rtnl_route_nh_set_ifindex(nh, ifindex);
                if (gw) {
                        sym_rtnl_route_nh_set_gateway(nh, gw);
                        sym_rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
                }
                sym_rtnl_route_add_nexthop(route, nh);
                nh = NULL;
                r = flags < 0 ? sym_rtnl_route_delete(sk, route, 0) : sym_rtnl_route_add(sk, route, flags);
        }
        if (nh) /* not NULL-safe in libnl */
                sym_rtnl_route_nh_free(nh);
        sym_nl_addr_put(dst);
        sym_nl_addr_put(gw);
        sym_rtnl_route_put(route);
        return nlerr(r);
}

int rtnl_add_route(RtnlSocket *sk, int family, int ifindex, const char *destination, const char *gateway) {
        return route_request(sk, family, ifindex, destination, gateway, RTPROT_STATIC, NLM_F_CREATE);
}

/* Whether the main table has a route to exactly destination (any metric, device or protocol). */
static int route_exists(RtnlSocket *sk, int family, const char *destination) {
        struct nl_cache *cache = NULL;
        struct nl_addr *dst = NULL;
        int r = sym_nl_addr_parse(destination, family, &dst);

        if (r >= 0)
                r = sym_rtnl_route_alloc_cache(sk, family, 0, &cache);
        if (r < 0) {
                sym_nl_addr_put(dst);
                return nlerr(r);
        }
        r = 0;
        for (struct nl_object *o = sym_nl_cache_get_first(cache); o && r == 0; o = sym_nl_cache_get_next(o)) {
                struct rtnl_route *route = (struct rtnl_route *) o;
                struct nl_addr *d = sym_rtnl_route_get_dst(route);

                r = sym_rtnl_route_get_table(route) == RT_TABLE_MAIN && d && sym_nl_addr_cmp(d, dst) == 0;
        }
        sym_nl_cache_free(cache);
        sym_nl_addr_put(dst);
        return r;
}

int rtnl_add_route_exclusive(RtnlSocket *sk, int family, int ifindex, const char *destination) {
        int r = route_exists(sk, family, destination);

        if (r != 0)
                return r > 0 ? -EEXIST : r;
        return route_request(sk, family, ifindex, destination, NULL, RTPROT_NSBOOT, NLM_F_CREATE | NLM_F_EXCL);
}

int rtnl_delete_route(RtnlSocket *sk, int family, int ifindex, const char *destination) {
        return route_request(sk, family, ifindex, destination, NULL, RTPROT_NSBOOT, -1);
}

int rtnl_add_bridge(RtnlSocket *sk, const char *name) {
        struct rtnl_link *link = sym_rtnl_link_alloc();
        int r;

        if (!link)
                return -ENOMEM;
        sym_rtnl_link_set_name(link, name);
        r = sym_rtnl_link_set_type(link, "bridge");
        if (r >= 0) {
                sym_rtnl_link_set_flags(link, IFF_UP);
                r = sym_rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
        }
        sym_rtnl_link_put(link);
        return nlerr(r);
}

int rtnl_count_ports(RtnlSocket *sk, int ifindex) {
        struct nl_cache *cache = NULL;
        int n = 0, r = sym_rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);

        if (r < 0)
                return nlerr(r);
        for (struct nl_object *o = sym_nl_cache_get_first(cache); o; o = sym_nl_cache_get_next(o))
                if (sym_rtnl_link_get_master((struct rtnl_link *) o) == ifindex)
                        n++;
        sym_nl_cache_free(cache);
        return n;
}

int rtnl_first_address(RtnlSocket *sk, int ifindex, int family, char *ret, size_t size) {
        struct nl_cache *cache = NULL;
        int r = sym_rtnl_addr_alloc_cache(sk, &cache);

        if (r < 0)
                return nlerr(r);
        r = -ENOENT;
        for (struct nl_object *o = sym_nl_cache_get_first(cache); o; o = sym_nl_cache_get_next(o)) {
                struct rtnl_addr *a = (struct rtnl_addr *) o;
                struct nl_addr *local = sym_rtnl_addr_get_local(a);
                char buf[128];

                if (sym_rtnl_addr_get_ifindex(a) != ifindex || sym_rtnl_addr_get_family(a) != family || !local ||
                    sym_rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE)
                        continue;
                sym_nl_addr2str(local, buf, sizeof buf);
                buf[strcspn(buf, "/")] = 0;
                snprintf(ret, size, "%s", buf);
                r = 0;
                break;
        }
        sym_nl_cache_free(cache);
        return r;
}

static int proxy_neighbour(RtnlSocket *sk, int family, int ifindex, const char *address, bool add) {
        struct rtnl_neigh *n = sym_rtnl_neigh_alloc();
        struct nl_addr *dst = NULL;
        int r;

        if (!n)
                return -ENOMEM;
        r = sym_nl_addr_parse(address, family, &dst);
        if (r >= 0) {
                sym_rtnl_neigh_set_ifindex(n, ifindex);
                sym_rtnl_neigh_set_family(n, family);
                sym_rtnl_neigh_set_dst(n, dst);
                sym_rtnl_neigh_set_flags(n, NTF_PROXY);
                r = add ? sym_rtnl_neigh_add(sk, n, NLM_F_CREATE) : sym_rtnl_neigh_delete(sk, n, 0);
        }
        sym_nl_addr_put(dst);
        sym_rtnl_neigh_put(n);
        return nlerr(r);
}

int rtnl_add_proxy_neighbour(RtnlSocket *sk, int family, int ifindex, const char *address) {
        return proxy_neighbour(sk, family, ifindex, address, true);
}

int rtnl_delete_proxy_neighbour(RtnlSocket *sk, int family, int ifindex, const char *address) {
        return proxy_neighbour(sk, family, ifindex, address, false);
}

/* An RTM_* request about ifindex of family, for attributes that libnl has no call for. */
static struct nl_msg *link_request(int type, int family, int ifindex) {
        struct ifinfomsg ifi = { .ifi_family = (unsigned char) family, .ifi_index = ifindex };
        struct nl_msg *msg = sym_nlmsg_alloc_simple(type, NLM_F_REQUEST | NLM_F_ACK);

        if (msg && sym_nlmsg_append(msg, &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0)
                msg = (sym_nlmsg_free(msg), NULL);
        return msg;
}

/* Sends msg (and frees it), then waits for the kernel's answer. */
static int send_request(RtnlSocket *sk, struct nl_msg *msg) {
        int r = sym_nl_send_auto(sk, msg);

        sym_nlmsg_free(msg);
        return nlerr(r < 0 ? r : sym_nl_wait_for_ack(sk));
}

int rtnl_set_ipvlan_flags(RtnlSocket *sk, int ifindex, unsigned flags) {
        struct nl_msg *msg = link_request(RTM_NEWLINK, AF_UNSPEC, ifindex);
        struct nlattr *info, *data;

        if (!msg)
                return -ENOMEM;
        if (!(info = sym_nla_nest_start(msg, IFLA_LINKINFO)) || sym_nla_put_string(msg, IFLA_INFO_KIND, "ipvlan") < 0 ||
            !(data = sym_nla_nest_start(msg, IFLA_INFO_DATA)) || sym_nla_put_u16(msg, IFLA_IPVLAN_FLAGS, (uint16_t) flags) < 0) {
                sym_nlmsg_free(msg);
                return -ENOMEM;
        }
        sym_nla_nest_end(msg, data);
        sym_nla_nest_end(msg, info);
        return send_request(sk, msg);
}

int rtnl_bridge_vlan(RtnlSocket *sk, int ifindex, unsigned vid, bool untagged_pvid, bool add) {
        struct bridge_vlan_info v = { .vid = (uint16_t) vid,
                                      .flags = untagged_pvid ? BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED : 0 };
        struct nl_msg *msg = link_request(add ? RTM_SETLINK : RTM_DELLINK, AF_BRIDGE, ifindex);
        struct nlattr *spec;

        if (!msg)
                return -ENOMEM;
        if (!(spec = sym_nla_nest_start(msg, IFLA_AF_SPEC)) || sym_nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof v, &v) < 0) {
                sym_nlmsg_free(msg);
                return -ENOMEM;
        }
        sym_nla_nest_end(msg, spec);
        return send_request(sk, msg);
}
