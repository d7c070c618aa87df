/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>

#include "nft-dlopen.h"

typeof(mnl_cb_run) *sym_mnl_cb_run;
typeof(mnl_nlmsg_batch_current) *sym_mnl_nlmsg_batch_current;
typeof(mnl_nlmsg_batch_head) *sym_mnl_nlmsg_batch_head;
typeof(mnl_nlmsg_batch_next) *sym_mnl_nlmsg_batch_next;
typeof(mnl_nlmsg_batch_size) *sym_mnl_nlmsg_batch_size;
typeof(mnl_nlmsg_batch_start) *sym_mnl_nlmsg_batch_start;
typeof(mnl_nlmsg_batch_stop) *sym_mnl_nlmsg_batch_stop;
typeof(mnl_socket_bind) *sym_mnl_socket_bind;
typeof(mnl_socket_close) *sym_mnl_socket_close;
typeof(mnl_socket_get_fd) *sym_mnl_socket_get_fd;
typeof(mnl_socket_get_portid) *sym_mnl_socket_get_portid;
typeof(mnl_socket_open) *sym_mnl_socket_open;
typeof(mnl_socket_recvfrom) *sym_mnl_socket_recvfrom;
typeof(mnl_socket_sendto) *sym_mnl_socket_sendto;

typeof(nftnl_batch_begin) *sym_nftnl_batch_begin;
typeof(nftnl_batch_end) *sym_nftnl_batch_end;
typeof(nftnl_chain_alloc) *sym_nftnl_chain_alloc;
typeof(nftnl_chain_free) *sym_nftnl_chain_free;
typeof(nftnl_chain_nlmsg_build_payload) *sym_nftnl_chain_nlmsg_build_payload;
typeof(nftnl_chain_set_s32) *sym_nftnl_chain_set_s32;
typeof(nftnl_chain_set_str) *sym_nftnl_chain_set_str;
typeof(nftnl_chain_set_u32) *sym_nftnl_chain_set_u32;
typeof(nftnl_expr_alloc) *sym_nftnl_expr_alloc;
typeof(nftnl_expr_set) *sym_nftnl_expr_set;
typeof(nftnl_expr_set_u32) *sym_nftnl_expr_set_u32;
typeof(nftnl_nlmsg_build_hdr) *sym_nftnl_nlmsg_build_hdr;
typeof(nftnl_rule_add_expr) *sym_nftnl_rule_add_expr;
typeof(nftnl_rule_alloc) *sym_nftnl_rule_alloc;
typeof(nftnl_rule_free) *sym_nftnl_rule_free;
typeof(nftnl_rule_nlmsg_build_payload) *sym_nftnl_rule_nlmsg_build_payload;
typeof(nftnl_rule_set_str) *sym_nftnl_rule_set_str;
typeof(nftnl_rule_set_u32) *sym_nftnl_rule_set_u32;
typeof(nftnl_table_alloc) *sym_nftnl_table_alloc;
typeof(nftnl_table_free) *sym_nftnl_table_free;
typeof(nftnl_table_nlmsg_build_payload) *sym_nftnl_table_nlmsg_build_payload;
typeof(nftnl_table_set_str) *sym_nftnl_table_set_str;
typeof(nftnl_table_set_u32) *sym_nftnl_table_set_u32;

bool libnftnl_present(void) {
        static const char *const sonames[] = { "libmnl.so.0", "libnftnl.so.11" };

        for (size_t i = 0; i < ELEMENTSOF(sonames); i++) {
                void *dl = dlopen(sonames[i], RTLD_LAZY | RTLD_LOCAL);

                if (!dl)
                        return false;
                (void) dlclose(dl);
        }
        return true;
}

int dlopen_libnftnl(void) {
        static void *dl_mnl = NULL, *dl_nftnl = NULL;
        static const DlopenLibrary mnl = {
                .soname = "libmnl.so.0",
                .package = "libmnl0",
                .feature = "NAT and port forwarding with nftables",
        }, nftnl = {
                .soname = "libnftnl.so.11",
                .package = "libnftnl11",
                .feature = "NAT and port forwarding with nftables",
        };
        int r;

        r = dlopen_many_sym(&dl_mnl, &mnl,
                            DLSYM_ARG(mnl_cb_run),
                            DLSYM_ARG(mnl_nlmsg_batch_current),
                            DLSYM_ARG(mnl_nlmsg_batch_head),
                            DLSYM_ARG(mnl_nlmsg_batch_next),
                            DLSYM_ARG(mnl_nlmsg_batch_size),
                            DLSYM_ARG(mnl_nlmsg_batch_start),
                            DLSYM_ARG(mnl_nlmsg_batch_stop),
                            DLSYM_ARG(mnl_socket_bind),
                            DLSYM_ARG(mnl_socket_close),
                            DLSYM_ARG(mnl_socket_get_fd),
                            DLSYM_ARG(mnl_socket_get_portid),
                            DLSYM_ARG(mnl_socket_open),
                            DLSYM_ARG(mnl_socket_recvfrom),
                            DLSYM_ARG(mnl_socket_sendto),
                            NULL);
        if (r < 0)
                return r;
        return dlopen_many_sym(&dl_nftnl, &nftnl,
                               DLSYM_ARG(nftnl_batch_begin),
                               DLSYM_ARG(nftnl_batch_end),
                               DLSYM_ARG(nftnl_chain_alloc),
                               DLSYM_ARG(nftnl_chain_free),
                               DLSYM_ARG(nftnl_chain_nlmsg_build_payload),
                               DLSYM_ARG(nftnl_chain_set_s32),
                               DLSYM_ARG(nftnl_chain_set_str),
                               DLSYM_ARG(nftnl_chain_set_u32),
                               DLSYM_ARG(nftnl_expr_alloc),
                               DLSYM_ARG(nftnl_expr_set),
                               DLSYM_ARG(nftnl_expr_set_u32),
                               DLSYM_ARG(nftnl_nlmsg_build_hdr),
                               DLSYM_ARG(nftnl_rule_add_expr),
                               DLSYM_ARG(nftnl_rule_alloc),
                               DLSYM_ARG(nftnl_rule_free),
                               DLSYM_ARG(nftnl_rule_nlmsg_build_payload),
                               DLSYM_ARG(nftnl_rule_set_str),
                               DLSYM_ARG(nftnl_rule_set_u32),
                               DLSYM_ARG(nftnl_table_alloc),
                               DLSYM_ARG(nftnl_table_free),
                               DLSYM_ARG(nftnl_table_nlmsg_build_payload),
                               DLSYM_ARG(nftnl_table_set_str),
                               DLSYM_ARG(nftnl_table_set_u32),
                               NULL);
}
