/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "firewall-backend.h"
#include "firewall.h"
#include "log.h"
#include "netns-probe.h"

#define FIREWALL_LOCK_WAIT_MS 10000
/* Serializes the check for a port another machine forwards with the writing of state files. */
#define FIREWALL_STATE_LOCK FIREWALL_STATE_DIR "/.lock"
/* Machine names end up in an iptables comment match of 256 bytes and an nftables table name. */
#define FIREWALL_MACHINE_MAX (256 - sizeof(FIREWALL_COMMENT_PREFIX))

struct Firewall {
        char *machine;
        const FirewallBackendOps *ops;
        char localnet[IFNAMSIZ];        /* forwards from 127.0.0.1 too, through this interface */
        bool localnet_ready;            /* its guard, masquerade and route_localnet are set up */
        FirewallRule *rules;
        size_t n_rules;
        bool dirty;                     /* the state file was written: rules may be in the table */
};

static const char *const firewall_backend_table[_FIREWALL_BACKEND_MAX] = {
        [FIREWALL_AUTO] = "auto",
        [FIREWALL_NFTABLES] = "nftables",
        [FIREWALL_IPTABLES] = "iptables",
};

DEFINE_STRING_TABLE_LOOKUP(firewall_backend, FirewallBackend, firewall_backend_table, _FIREWALL_BACKEND_MAX);

static const FirewallBackendOps *const firewall_backends[_FIREWALL_BACKEND_MAX] = {
        [FIREWALL_NFTABLES] = &firewall_nft_ops,
        [FIREWALL_IPTABLES] = &firewall_iptc_ops,
};

/* ---- Helpers shared with the backends ---- */

const char *firewall_protocol_name(int protocol) {
        return protocol == IPPROTO_UDP ? "udp" : "tcp";
}

void firewall_prefix_mask(int family, unsigned prefixlen, FirewallAddr *ret) {
        uint8_t *b = (uint8_t *) ret;
        size_t len = family == AF_INET6 ? 16 : 4;

        memset(ret, 0, sizeof *ret);
        for (size_t i = 0; i < len; i++, prefixlen = prefixlen > 8 ? prefixlen - 8 : 0)
                b[i] = prefixlen >= 8 ? 0xff : (uint8_t) (0xff00 >> prefixlen);
}

int firewall_negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

int firewall_lock(const char *path) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        for (unsigned waited = 0;; waited += 100) {
                if (flock(fd, LOCK_EX | LOCK_NB) >= 0)
                        return TAKE_FD(fd);
                if (errno != EWOULDBLOCK)
                        return -errno;
                if (waited >= FIREWALL_LOCK_WAIT_MS)
                        return -ETIMEDOUT;
                (void) nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
        }
}

/* ---- Parsing ---- */

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

/* "ADDRESS[/N]" of either family, host bits cleared. Non-logging. */
static int parse_prefix(const char *s, int *ret_family, FirewallAddr *ret_addr, unsigned *ret_prefixlen) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t) (slash - s) : strlen(s);
        int family = memchr(s, ':', n) ? AF_INET6 : AF_INET;
        unsigned prefixlen = family == AF_INET6 ? 128 : 32, max = prefixlen;
        char buf[INET6_ADDRSTRLEN];
        FirewallAddr a = {}, mask;

        if (n >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (inet_pton(family, buf, &a) != 1)
                return -EINVAL;
        if (slash && (safe_atou(slash + 1, &prefixlen) < 0 || prefixlen > max))
                return -EINVAL;
        firewall_prefix_mask(family, prefixlen, &mask);
        for (size_t i = 0; i < sizeof a; i++)
                ((uint8_t *) &a)[i] &= ((uint8_t *) &mask)[i];
        *ret_family = family;
        *ret_addr = a;
        *ret_prefixlen = prefixlen;
        return 0;
}

static bool machine_name_ok(const char *machine) {
        if (isempty(machine) || streq(machine, ".") || streq(machine, "..") ||
            strlen(machine) >= FIREWALL_MACHINE_MAX)
                return false;
        for (const char *p = machine; *p; p++)
                if (*p == '/' || (unsigned char) *p <= ' ' || *p == 0x7f)
                        return false;
        return true;
}

/* ---- State files ---- */

static int state_path(const char *machine, const char *prefix, char **ret) {
        return asprintf(ret, FIREWALL_STATE_DIR "/%s%s", prefix, machine) < 0 ? -ENOMEM : 0;
}

/* The network namespace we run in: its inode, and its cookie (kernel 5.14), which unlike the inode
 * is never reused for a later namespace; 0 when unknown. */
typedef struct NetnsId {
        unsigned long long inode, cookie;
} NetnsId;

static void netns_id(NetnsId *ret) {
        _cleanup_close_ int fd = -EBADF;
        uint64_t cookie = 0;
        socklen_t len = sizeof cookie;

        *ret = (NetnsId) { .inode = netns_inode("/proc/self/ns/net") };
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) >= 0)
                ret->cookie = cookie;
}

static int state_format_rule(FILE *out, const FirewallRule *r) {
        char a[INET6_ADDRSTRLEN];

        if (!inet_ntop(r->family, &r->addr, a, sizeof a))
                return -errno;
        if (r->type == FIREWALL_GUARD)
                return fprintf(out, "guard %s\n", r->ifname) < 0 ? -EIO : 0;
        if (r->type == FIREWALL_MASQUERADE)
                return fprintf(out, "masquerade %s/%u %s%s\n", a, r->prefixlen, r->out_only ? "" : "!",
                               isempty(r->ifname) ? "-" : r->ifname) < 0 ? -EIO : 0;
        return fprintf(out, "forward %s %u %s %u\n", firewall_protocol_name(r->port.protocol), r->port.host_port,
                       a, r->port.container_port) < 0 ? -EIO : 0;
}

/* Replaces the state file with the backend, the network namespace and the rules of f plus
 * pending (if not NULL), atomically. Non-logging. */
static int state_write(const Firewall *f, const FirewallRule *pending) {
        _cleanup_free_ char *path = NULL, *tmp = NULL, *text = NULL;
        _cleanup_(fclosep) FILE *out = NULL;
        NetnsId ns;
        size_t size;
        int r = 0;

        if (state_path(f->machine, "", &path) < 0 || state_path(f->machine, ".#", &tmp) < 0)
                return -ENOMEM;
        netns_id(&ns);
        out = open_memstream(&text, &size);
        if (!out)
                return -ENOMEM;
        fprintf(out, "# Firewall rules of nsboot machine '%s'\nbackend %s\nnetns %llu\nnetns-cookie %llu\n",
                f->machine, f->ops->name, ns.inode, ns.cookie);
        for (size_t i = 0; i < f->n_rules + !!pending && r >= 0; i++)
                r = state_format_rule(out, i < f->n_rules ? &f->rules[i] : pending);
        if (r < 0)
                return r;
        if (fflush(out) != 0)
                return -ENOMEM;
        return write_file_atomic(FIREWALL_STATE_DIR, path, tmp, text, 0644);
}

/* The value of "KEY VALUE" line of a state file, up to the line's end, into ret (size n); false
 * without such a line. */
static bool state_field(const char *text, const char *key, char *ret, size_t n) {
        for (const char *p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                const char *v = startswith(p, key);

                if (v && *v == ' ') {
                        (void) snprintf(ret, n, "%.*s", (int) strcspn(v + 1, "\n"), v + 1);
                        return true;
                }
        }
        return false;
}

/* Our network namespace and the one a state file was written in. */
static void state_netns_ids(const char *text, NetnsId *ret_ours, NetnsId *ret_theirs) {
        char v[32];

        netns_id(ret_ours);
        *ret_theirs = (NetnsId) {};
        if (state_field(text, "netns-cookie", v, sizeof v))
                (void) sscanf(v, "%llu", &ret_theirs->cookie);
        if (state_field(text, "netns", v, sizeof v))
                (void) sscanf(v, "%llu", &ret_theirs->inode);
}

/* Whether a state file was written in our network namespace: by the cookies when both are known
 * (a namespace's inode number is reused once it is gone, a cookie never), else by the inodes (true
 * when either is unknown). */
static bool state_same_netns(const char *text) {
        NetnsId ours, theirs;

        state_netns_ids(text, &ours, &theirs);
        if (ours.cookie != 0 && theirs.cookie != 0)
                return ours.cookie == theirs.cookie;
        return ours.inode == 0 || theirs.inode == 0 || ours.inode == theirs.inode;
}

/* Where the network namespace of a state file is now (ours, if the file names none). */
static NetnsWhere state_netns(const char *text, unsigned long long *ret_theirs) {
        NetnsId ours, theirs;

        state_netns_ids(text, &ours, &theirs);
        *ret_theirs = theirs.inode;
        if (state_same_netns(text))
                return NETNS_HERE;
        if (theirs.inode == ours.inode)
                return NETNS_GONE;      /* another cookie, our inode number: it was freed */
        return netns_where(theirs.inode);
}

/* The backend a state file names; files of nsboot 0.1 have none: they are iptables'. */
static const FirewallBackendOps *state_backend(const char *text) {
        char v[32];
        FirewallBackend b;

        if (!state_field(text, "backend", v, sizeof v))
                return &firewall_iptc_ops;
        b = firewall_backend_from_string(v);
        return b > FIREWALL_AUTO ? firewall_backends[b] : NULL;
}

/* Whether a state file in our network namespace forwards the protocol and port of rule. */
static bool state_forwards(const char *text, const FirewallRule *rule) {
        if (!state_same_netns(text))
                return false;
        for (const char *p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                char proto[8], addr[INET6_ADDRSTRLEN];
                unsigned port;

                if (sscanf(p, "forward %7s %u %45s", proto, &port, addr) != 3)
                        continue;
                if (streq(proto, firewall_protocol_name(rule->port.protocol)) && port == rule->port.host_port &&
                    !!strchr(addr, ':') == (rule->family == AF_INET6))
                        return true;
        }
        return false;
}

/* The machine whose state file forwards rule's protocol and host port in this network namespace;
 * 0 if none, 1 with its name in ret. Non-logging. */
static int state_find_forward(const FirewallRule *rule, char **ret) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;

        d = opendir(FIREWALL_STATE_DIR);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL, *text = NULL;

                if (de->d_name[0] == '.')
                        continue;
                if (state_path(de->d_name, "", &path) < 0)
                        return -ENOMEM;
                if (read_full_file(path, &text, NULL) < 0)
                        continue;
                if (state_forwards(text, rule)) {
                        *ret = strdup(de->d_name);
                        return *ret ? 1 : -ENOMEM;
                }
        }
        return 0;
}

/* ---- The API ---- */

static int check_machine_name(const char *machine) {
        if (!machine_name_ok(machine))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "Machine name '%s' cannot be used to tag firewall rules",
                                       strempty(machine));
        return 0;
}

/* nftables where the namespace uses it or uses neither; iptables where only legacy x_tables are in
 * use, or nftables cannot be used. */
static const FirewallBackendOps *firewall_pick(FirewallBackend backend) {
        int nft;

        if (backend > FIREWALL_AUTO && backend < _FIREWALL_BACKEND_MAX)
                return firewall_backends[backend];
        nft = firewall_nft_ops.in_use();
        if (nft > 0)
                return &firewall_nft_ops;
        if (nft < 0)
                log_debug_errno(nft, "Cannot use nftables here, using iptables: %m");
        if (firewall_iptc_ops.in_use() > 0 || nft < 0)
                return &firewall_iptc_ops;
        return &firewall_nft_ops;
}

int firewall_new(const char *machine, FirewallBackend backend, Firewall **ret) {
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
        f->ops = firewall_pick(backend);
        log_debug("Firewall rules of machine '%s' through %s", machine, f->ops->name);
        *ret = TAKE_PTR(f);
        return 0;
}

const char *firewall_backend_name(const Firewall *f) {
        return f->ops->name;
}

/* Refuses a forward of a protocol and host port some machine's state file has. Logs. */
static int firewall_check_clash(const Firewall *f, const FirewallRule *rule) {
        _cleanup_free_ char *other = NULL;
        int r;

        if (rule->type != FIREWALL_FORWARD)
                return 0;
        r = state_find_forward(rule, &other);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", FIREWALL_STATE_DIR);
        if (r > 0)
                return log_error_errno(SYNTHETIC_ERRNO(EADDRINUSE),
                                       "Host port %s/%u is already forwarded to machine '%s', refusing to forward it to machine '%s'",
                                       firewall_protocol_name(rule->port.protocol), rule->port.host_port, other,
                                       f->machine);
        return 0;
}

/* The state file without the rule that could not be added: rewritten, or removed with no rule
 * left. Non-logging. */
static int firewall_forget_pending(Firewall *f) {
        _cleanup_free_ char *path = NULL;

        if (f->n_rules > 0)
                return state_write(f, NULL);
        if (state_path(f->machine, "", &path) < 0)
                return -ENOMEM;
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        f->dirty = false;
        return 0;
}

/* Records rule in the state file, then adds it through the backend; under the state lock. Logs. */
static int firewall_add_rule(Firewall *f, const FirewallRule *rule) {
        _cleanup_close_ int lock = -EBADF;
        FirewallRule *rules;
        int r;

        if (f->n_rules >= FIREWALL_RULES_MAX)
                return log_error_errno(SYNTHETIC_ERRNO(E2BIG), "Too many firewall rules for machine '%s' (at most %d)",
                                       f->machine, FIREWALL_RULES_MAX);
        r = mkdir_p(FIREWALL_STATE_DIR, 0755);
        if (r >= 0)
                r = lock = firewall_lock(FIREWALL_STATE_LOCK);
        if (r < 0)
                return log_error_errno(r, "Failed to lock %s: %m", FIREWALL_STATE_LOCK);
        r = firewall_check_clash(f, rule);
        if (r < 0)
                return r;
        rules = reallocarray(f->rules, f->n_rules + 1, sizeof(*rules));
        if (!rules)
                return log_oom();
        f->rules = rules;
        r = state_write(f, rule);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/%s: %m", FIREWALL_STATE_DIR, f->machine);
        f->dirty = true;
        r = f->ops->add(f->machine, rule);
        if (r < 0 && r != -ETIMEDOUT)
                /* Both backends add all or nothing: take the rule out of the record again. */
                (void) firewall_forget_pending(f);
        if (r < 0)
                return r;
        f->rules[f->n_rules++] = *rule;
        return 0;
}

int firewall_add_masquerade(Firewall *f, const char *subnet, const char *out_exclude) {
        FirewallRule rule = { .type = FIREWALL_MASQUERADE };
        int r;

        r = parse_prefix(strempty(subnet), &rule.family, &rule.addr, &rule.prefixlen);
        if (r < 0)
                return log_error_errno(r, "Invalid subnet '%s' to masquerade", strempty(subnet));
        if (!isempty(out_exclude)) {
                if (strlen(out_exclude) >= IFNAMSIZ)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Invalid interface name '%s'",
                                               out_exclude);
                strcpy(rule.ifname, out_exclude);
        }
        r = firewall_add_rule(f, &rule);
        if (r < 0)
                return r;
        log_debug("Masquerading %s of machine '%s' (except out of: %s, %s)", subnet, f->machine,
                  isempty(out_exclude) ? "none" : out_exclude, f->ops->name);
        return 0;
}

int firewall_set_localnet(Firewall *f, const char *ifname) {
        if (isempty(ifname) || strlen(ifname) >= IFNAMSIZ || strchr(ifname, '/'))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Invalid interface name '%s'", strempty(ifname));
        strcpy(f->localnet, ifname);
        return 0;
}

/* Before the first IPv4 forward from 127.0.0.1: the guard against packets from or to 127.0.0.0/8
 * coming in on the interface (route_localnet would otherwise let the guest reach the host's
 * loopback services), the masquerade of 127.0.0.0/8 out of it (the guest would take that source
 * for its own loopback), then route_localnet, without which the kernel refuses to route 127.0.0.1
 * out of a non-loopback interface. Logs. */
static int firewall_setup_localnet(Firewall *f) {
        FirewallRule guard = { .type = FIREWALL_GUARD, .family = AF_INET };
        FirewallRule masq = { .type = FIREWALL_MASQUERADE, .family = AF_INET, .prefixlen = 8, .out_only = true,
                              .addr.in.s_addr = htonl(UINT32_C(0x7f000000)) };
        _cleanup_free_ char *path = NULL;
        int r;

        strcpy(guard.ifname, f->localnet);
        strcpy(masq.ifname, f->localnet);
        r = firewall_add_rule(f, &guard);
        if (r >= 0)
                r = firewall_add_rule(f, &masq);
        if (r < 0)
                return r;
        if (asprintf(&path, "/proc/sys/net/ipv4/conf/%s/route_localnet", f->localnet) < 0)
                return log_oom();
        r = write_string_file(path, "1");
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        f->localnet_ready = true;
        return 0;
}

int firewall_add_port_forward(Firewall *f, const PortForward *p, const char *container_addr) {
        FirewallRule rule = { .type = FIREWALL_FORWARD, .port = *p };
        const char *proto = firewall_protocol_name(p->protocol);
        int r;

        if (!IN_SET(p->protocol, IPPROTO_TCP, IPPROTO_UDP) || p->host_port == 0 || p->container_port == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Invalid port forward for machine '%s'",
                                       f->machine);
        if (isempty(container_addr) || strchr(container_addr, '/') ||
            parse_prefix(container_addr, &rule.family, &rule.addr, &rule.prefixlen) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "Invalid container address '%s' to forward port %s/%u to",
                                       strempty(container_addr), proto, p->host_port);
        if (rule.family == AF_INET && !isempty(f->localnet) && !f->localnet_ready) {
                r = firewall_setup_localnet(f);
                if (r < 0)
                        return r;
        }
        rule.localnet = rule.family == AF_INET && f->localnet_ready;
        r = firewall_add_rule(f, &rule);
        if (r < 0)
                return r;
        log_debug("Forwarding host port %s/%u to %s port %u (machine '%s', %s)", proto, p->host_port,
                  container_addr, p->container_port, f->machine, f->ops->name);
        return 0;
}

int firewall_add_address(Firewall *f, const char *address, const char *host_side, bool masquerade,
                         char **ports) {
        _cleanup_free_ char *addr = NULL;
        int r;

        if (!address)
                return 0;
        if (masquerade) {
                r = firewall_add_masquerade(f, address, host_side);
                if (r < 0)
                        return r;
        }
        addr = strndup(address, strcspn(address, "/"));
        if (!addr)
                return log_oom();
        STRV_FOREACH(p, ports) {
                PortForward pf;

                if (port_forward_parse(*p, &pf) < 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "-p/--port=%s: invalid", *p);
                r = firewall_add_port_forward(f, &pf, addr);
                if (r < 0)
                        return r;
        }
        return 0;
}

void firewall_remove_all(Firewall *f) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (!f || !f->dirty)
                return;
        r = f->ops->remove(f->machine, LOG_WARNING);
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
        _cleanup_free_ char *path = NULL, *text = NULL;
        const FirewallBackendOps *ops;
        unsigned long long theirs;
        int n, r;

        r = check_machine_name(machine);
        if (r < 0)
                return r;
        if (state_path(machine, "", &path) < 0)
                return log_oom();
        r = read_full_file(path, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", path);
        ops = state_backend(text);
        if (!ops)
                return log_error_errno(SYNTHETIC_ERRNO(EBADMSG), "%s: unknown firewall backend", path);
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
        n = ops->remove(machine, LOG_ERR);
        if (n < 0)
                return n;
        if (unlink(path) < 0 && errno != ENOENT)
                return log_error_errno(errno, "Failed to remove %s: %m", path);
        if (n > 0)
                log_info("Removed %d %s rules left behind by an earlier nsboot of machine '%s'", n, ops->name,
                         machine);
        return n;
}
