/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "archive-dlopen.h"

typeof(archive_errno) *sym_archive_errno;
typeof(archive_error_string) *sym_archive_error_string;
typeof(archive_format) *sym_archive_format;
typeof(archive_entry_copy_hardlink) *sym_archive_entry_copy_hardlink;
typeof(archive_entry_copy_pathname) *sym_archive_entry_copy_pathname;
typeof(archive_entry_dev) *sym_archive_entry_dev;
typeof(archive_entry_filetype) *sym_archive_entry_filetype;
typeof(archive_entry_free) *sym_archive_entry_free;
typeof(archive_entry_gid) *sym_archive_entry_gid;
typeof(archive_entry_hardlink) *sym_archive_entry_hardlink;
typeof(archive_entry_ino64) *sym_archive_entry_ino64;
typeof(archive_entry_linkify) *sym_archive_entry_linkify;
typeof(archive_entry_linkresolver_free) *sym_archive_entry_linkresolver_free;
typeof(archive_entry_linkresolver_new) *sym_archive_entry_linkresolver_new;
typeof(archive_entry_linkresolver_set_strategy) *sym_archive_entry_linkresolver_set_strategy;
typeof(archive_entry_new) *sym_archive_entry_new;
typeof(archive_entry_pathname) *sym_archive_entry_pathname;
typeof(archive_entry_perm) *sym_archive_entry_perm;
typeof(archive_entry_set_gid) *sym_archive_entry_set_gid;
typeof(archive_entry_set_perm) *sym_archive_entry_set_perm;
typeof(archive_entry_set_size) *sym_archive_entry_set_size;
typeof(archive_entry_set_uid) *sym_archive_entry_set_uid;
typeof(archive_entry_size) *sym_archive_entry_size;
typeof(archive_entry_sourcepath) *sym_archive_entry_sourcepath;
typeof(archive_entry_sparse_next) *sym_archive_entry_sparse_next;
typeof(archive_entry_sparse_reset) *sym_archive_entry_sparse_reset;
typeof(archive_entry_uid) *sym_archive_entry_uid;
typeof(archive_entry_xattr_add_entry) *sym_archive_entry_xattr_add_entry;
typeof(archive_entry_xattr_clear) *sym_archive_entry_xattr_clear;
typeof(archive_entry_xattr_next) *sym_archive_entry_xattr_next;
typeof(archive_entry_xattr_reset) *sym_archive_entry_xattr_reset;
typeof(archive_read_close) *sym_archive_read_close;
typeof(archive_read_data_block) *sym_archive_read_data_block;
typeof(archive_read_data_skip) *sym_archive_read_data_skip;
typeof(archive_read_disk_descend) *sym_archive_read_disk_descend;
typeof(archive_read_disk_new) *sym_archive_read_disk_new;
typeof(archive_read_disk_open) *sym_archive_read_disk_open;
typeof(archive_read_disk_set_behavior) *sym_archive_read_disk_set_behavior;
typeof(archive_read_disk_set_symlink_physical) *sym_archive_read_disk_set_symlink_physical;
typeof(archive_read_free) *sym_archive_read_free;
typeof(archive_read_new) *sym_archive_read_new;
typeof(archive_read_next_header) *sym_archive_read_next_header;
typeof(archive_read_next_header2) *sym_archive_read_next_header2;
typeof(archive_read_open) *sym_archive_read_open;
typeof(archive_read_support_format_tar) *sym_archive_read_support_format_tar;
typeof(archive_set_error) *sym_archive_set_error;
typeof(archive_write_close) *sym_archive_write_close;
typeof(archive_write_data) *sym_archive_write_data;
typeof(archive_write_data_block) *sym_archive_write_data_block;
typeof(archive_write_disk_new) *sym_archive_write_disk_new;
typeof(archive_write_disk_set_options) *sym_archive_write_disk_set_options;
typeof(archive_write_finish_entry) *sym_archive_write_finish_entry;
typeof(archive_write_free) *sym_archive_write_free;
typeof(archive_write_header) *sym_archive_write_header;
typeof(archive_write_new) *sym_archive_write_new;
typeof(archive_write_open) *sym_archive_write_open;
typeof(archive_write_set_bytes_in_last_block) *sym_archive_write_set_bytes_in_last_block;
typeof(archive_write_set_format_option) *sym_archive_write_set_format_option;
typeof(archive_write_set_format_pax) *sym_archive_write_set_format_pax;

int dlopen_libarchive(void) {
        static void *dl = NULL;
        static const DlopenLibrary lib = {
                .soname = "libarchive.so.13",
                .package = "libarchive13",
                .feature = "nsbootctl copy-to and copy-from (libarchive)",
        };

        return dlopen_many_sym(&dl, &lib,
                               DLSYM_ARG(archive_errno),
                               DLSYM_ARG(archive_error_string),
                               DLSYM_ARG(archive_format),
                               DLSYM_ARG(archive_entry_copy_hardlink),
                               DLSYM_ARG(archive_entry_copy_pathname),
                               DLSYM_ARG(archive_entry_dev),
                               DLSYM_ARG(archive_entry_filetype),
                               DLSYM_ARG(archive_entry_free),
                               DLSYM_ARG(archive_entry_gid),
                               DLSYM_ARG(archive_entry_hardlink),
                               DLSYM_ARG(archive_entry_ino64),
                               DLSYM_ARG(archive_entry_linkify),
                               DLSYM_ARG(archive_entry_linkresolver_free),
                               DLSYM_ARG(archive_entry_linkresolver_new),
                               DLSYM_ARG(archive_entry_linkresolver_set_strategy),
                               DLSYM_ARG(archive_entry_new),
                               DLSYM_ARG(archive_entry_pathname),
                               DLSYM_ARG(archive_entry_perm),
                               DLSYM_ARG(archive_entry_set_gid),
                               DLSYM_ARG(archive_entry_set_perm),
                               DLSYM_ARG(archive_entry_set_size),
                               DLSYM_ARG(archive_entry_set_uid),
                               DLSYM_ARG(archive_entry_size),
                               DLSYM_ARG(archive_entry_sourcepath),
                               DLSYM_ARG(archive_entry_sparse_next),
                               DLSYM_ARG(archive_entry_sparse_reset),
                               DLSYM_ARG(archive_entry_uid),
                               DLSYM_ARG(archive_entry_xattr_add_entry),
                               DLSYM_ARG(archive_entry_xattr_clear),
                               DLSYM_ARG(archive_entry_xattr_next),
                               DLSYM_ARG(archive_entry_xattr_reset),
                               DLSYM_ARG(archive_read_close),
                               DLSYM_ARG(archive_read_data_block),
                               DLSYM_ARG(archive_read_data_skip),
                               DLSYM_ARG(archive_read_disk_descend),
                               DLSYM_ARG(archive_read_disk_new),
                               DLSYM_ARG(archive_read_disk_open),
                               DLSYM_ARG(archive_read_disk_set_behavior),
                               DLSYM_ARG(archive_read_disk_set_symlink_physical),
                               DLSYM_ARG(archive_read_free),
                               DLSYM_ARG(archive_read_new),
                               DLSYM_ARG(archive_read_next_header),
                               DLSYM_ARG(archive_read_next_header2),
                               DLSYM_ARG(archive_read_open),
                               DLSYM_ARG(archive_read_support_format_tar),
                               DLSYM_ARG(archive_set_error),
                               DLSYM_ARG(archive_write_close),
                               DLSYM_ARG(archive_write_data),
                               DLSYM_ARG(archive_write_data_block),
                               DLSYM_ARG(archive_write_disk_new),
                               DLSYM_ARG(archive_write_disk_set_options),
                               DLSYM_ARG(archive_write_finish_entry),
                               DLSYM_ARG(archive_write_free),
                               DLSYM_ARG(archive_write_header),
                               DLSYM_ARG(archive_write_new),
                               DLSYM_ARG(archive_write_open),
                               DLSYM_ARG(archive_write_set_bytes_in_last_block),
                               DLSYM_ARG(archive_write_set_format_option),
                               DLSYM_ARG(archive_write_set_format_pax),
                               NULL);
}
