/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <netinet/in.h>

#include "firewall.h"

static void assert_parses(const char *spec, int protocol, unsigned host, unsigned container) {
        PortForward p = {};

        cr_assert_eq(port_forward_parse(spec, &p), 0, "'%s' should parse", spec);
        cr_assert_eq(p.protocol, protocol, "protocol of '%s'", spec);
        cr_assert_eq(p.host_port, host, "host port of '%s'", spec);
        cr_assert_eq(p.container_port, container, "container port of '%s'", spec);
}

Test(firewall, port_forward_parse_good) {
        assert_parses("80", IPPROTO_TCP, 80, 80);
        assert_parses("tcp:8080:80", IPPROTO_TCP, 8080, 80);
        assert_parses("udp:53", IPPROTO_UDP, 53, 53);
        assert_parses("8080:80", IPPROTO_TCP, 8080, 80);
        assert_parses("udp:5353:53", IPPROTO_UDP, 5353, 53);
        assert_parses("tcp:1", IPPROTO_TCP, 1, 1);
        assert_parses("65535:1", IPPROTO_TCP, 65535, 1);
}

Test(firewall, port_forward_parse_bad) {
        static const char *const bad[] = {
                "tcp:0", "0", "70000", "65536", "sctp:1", "tcp:80:", ":80", "", "tcp:", "udp:",
                "tcp:80:0", "80:70000", "-1", "+80", " 80", "80 ", "tcp:8080:80:1", "TCP:80",
                "tcp::80", "http", "80a", "123456",
        };
        PortForward p = { .protocol = 4242, .host_port = 7, .container_port = 7 };

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                cr_assert_eq(port_forward_parse(bad[i], &p), -EINVAL, "'%s' should be refused", bad[i]);
        cr_assert_eq(port_forward_parse(NULL, &p), -EINVAL);
        /* Out-parameter untouched on failure. */
        cr_assert_eq(p.protocol, 4242);
        cr_assert_eq(p.host_port, 7);
}

/* Without any rule added nothing is touched, so this needs neither root nor a nat table. */
Test(firewall, new_and_free_without_rules) {
        Firewall *f = NULL;

        cr_assert_eq(firewall_new("web1", FIREWALL_NFTABLES, &f), 0);
        cr_assert_str_eq(firewall_backend_name(f), "nftables");
        cr_assert_not_null(f);
        firewall_remove_all(f);
        firewall_remove_all(f);
        cr_assert_null(firewall_free(f));
        cr_assert_null(firewall_free(NULL));
}

Test(firewall, new_refuses_bad_names) {
        Firewall *f = NULL;
        char long_name[300];

        memset(long_name, 'a', sizeof long_name - 1);
        long_name[sizeof long_name - 1] = 0;
        cr_assert_eq(firewall_new("", FIREWALL_IPTABLES, &f), -EINVAL);
        cr_assert_eq(firewall_new("a/b", FIREWALL_IPTABLES, &f), -EINVAL);
        cr_assert_eq(firewall_new("a b", FIREWALL_IPTABLES, &f), -EINVAL);
        cr_assert_eq(firewall_new("a\nb", FIREWALL_IPTABLES, &f), -EINVAL);
        cr_assert_eq(firewall_new("..", FIREWALL_IPTABLES, &f), -EINVAL);
        cr_assert_eq(firewall_new(long_name, FIREWALL_IPTABLES, &f), -EINVAL);
        cr_assert_null(f);
}

Test(firewall, backend_names) {
        cr_assert_eq(firewall_backend_from_string("auto"), FIREWALL_AUTO);
        cr_assert_eq(firewall_backend_from_string("nftables"), FIREWALL_NFTABLES);
        cr_assert_eq(firewall_backend_from_string("iptables"), FIREWALL_IPTABLES);
        cr_assert_eq(firewall_backend_from_string("nft"), -EINVAL);
        cr_assert_eq(firewall_backend_from_string(""), -EINVAL);
        cr_assert_str_eq(firewall_backend_to_string(FIREWALL_IPTABLES), "iptables");
}
