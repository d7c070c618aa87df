/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "iptc-dlopen.h"

typeof(iptc_append_entry) *sym_iptc_append_entry;
typeof(iptc_commit) *sym_iptc_commit;
typeof(iptc_delete_num_entry) *sym_iptc_delete_num_entry;
typeof(iptc_first_rule) *sym_iptc_first_rule;
typeof(iptc_free) *sym_iptc_free;
typeof(iptc_init) *sym_iptc_init;
typeof(iptc_next_rule) *sym_iptc_next_rule;
typeof(iptc_strerror) *sym_iptc_strerror;

typeof(ip6tc_append_entry) *sym_ip6tc_append_entry;
typeof(ip6tc_commit) *sym_ip6tc_commit;
typeof(ip6tc_delete_num_entry) *sym_ip6tc_delete_num_entry;
typeof(ip6tc_first_rule) *sym_ip6tc_first_rule;
typeof(ip6tc_free) *sym_ip6tc_free;
typeof(ip6tc_init) *sym_ip6tc_init;
typeof(ip6tc_next_rule) *sym_ip6tc_next_rule;
typeof(ip6tc_strerror) *sym_ip6tc_strerror;

int dlopen_libiptc(void) {
        static void *dl = NULL;
        static const DlopenLibrary lib = {
                .soname = "libip4tc.so.2",
                .package = "libip4tc2",
                .feature = "NAT and port forwarding with iptables",
        };

        return dlopen_many_sym(&dl, &lib,
                               DLSYM_ARG(iptc_append_entry),
                               DLSYM_ARG(iptc_commit),
                               DLSYM_ARG(iptc_delete_num_entry),
                               DLSYM_ARG(iptc_first_rule),
                               DLSYM_ARG(iptc_free),
                               DLSYM_ARG(iptc_init),
                               DLSYM_ARG(iptc_next_rule),
                               DLSYM_ARG(iptc_strerror),
                               NULL);
}

int dlopen_libip6tc(void) {
        static void *dl = NULL;
        static const DlopenLibrary lib = {
                .soname = "libip6tc.so.2",
                .package = "libip6tc2",
                .feature = "IPv6 NAT and port forwarding with ip6tables",
        };

        return dlopen_many_sym(&dl, &lib,
                               DLSYM_ARG(ip6tc_append_entry),
                               DLSYM_ARG(ip6tc_commit),
                               DLSYM_ARG(ip6tc_delete_num_entry),
                               DLSYM_ARG(ip6tc_first_rule),
                               DLSYM_ARG(ip6tc_free),
                               DLSYM_ARG(ip6tc_init),
                               DLSYM_ARG(ip6tc_next_rule),
                               DLSYM_ARG(ip6tc_strerror),
                               NULL);
}
