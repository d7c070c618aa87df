/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libarchive, loaded at the first use by the copy streams of nsbootctl copy-to and copy-from
 * (copy-stream.c): no other command maps it. It must be loaded before a process joins a guest:
 * dlopen() there would search the guest's library paths. */
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "dlopen-util.h"

extern typeof(archive_errno) *sym_archive_errno;
extern typeof(archive_error_string) *sym_archive_error_string;
extern typeof(archive_format) *sym_archive_format;
extern typeof(archive_entry_copy_hardlink) *sym_archive_entry_copy_hardlink;
extern typeof(archive_entry_copy_pathname) *sym_archive_entry_copy_pathname;
extern typeof(archive_entry_dev) *sym_archive_entry_dev;
extern typeof(archive_entry_filetype) *sym_archive_entry_filetype;
extern typeof(archive_entry_free) *sym_archive_entry_free;
extern typeof(archive_entry_gid) *sym_archive_entry_gid;
extern typeof(archive_entry_hardlink) *sym_archive_entry_hardlink;
extern typeof(archive_entry_ino64) *sym_archive_entry_ino64;
extern typeof(archive_entry_linkify) *sym_archive_entry_linkify;
extern typeof(archive_entry_linkresolver_free) *sym_archive_entry_linkresolver_free;
extern typeof(archive_entry_linkresolver_new) *sym_archive_entry_linkresolver_new;
extern typeof(archive_entry_linkresolver_set_strategy) *sym_archive_entry_linkresolver_set_strategy;
extern typeof(archive_entry_new) *sym_archive_entry_new;
extern typeof(archive_entry_pathname) *sym_archive_entry_pathname;
extern typeof(archive_entry_perm) *sym_archive_entry_perm;
extern typeof(archive_entry_set_gid) *sym_archive_entry_set_gid;
extern typeof(archive_entry_set_perm) *sym_archive_entry_set_perm;
extern typeof(archive_entry_set_size) *sym_archive_entry_set_size;
extern typeof(archive_entry_set_uid) *sym_archive_entry_set_uid;
extern typeof(archive_entry_size) *sym_archive_entry_size;
extern typeof(archive_entry_sourcepath) *sym_archive_entry_sourcepath;
extern typeof(archive_entry_sparse_next) *sym_archive_entry_sparse_next;
extern typeof(archive_entry_sparse_reset) *sym_archive_entry_sparse_reset;
extern typeof(archive_entry_uid) *sym_archive_entry_uid;
extern typeof(archive_entry_xattr_add_entry) *sym_archive_entry_xattr_add_entry;
extern typeof(archive_entry_xattr_clear) *sym_archive_entry_xattr_clear;
extern typeof(archive_entry_xattr_next) *sym_archive_entry_xattr_next;
extern typeof(archive_entry_xattr_reset) *sym_archive_entry_xattr_reset;
extern typeof(archive_read_close) *sym_archive_read_close;
extern typeof(archive_read_data_block) *sym_archive_read_data_block;
extern typeof(archive_read_data_skip) *sym_archive_read_data_skip;
extern typeof(archive_read_disk_descend) *sym_archive_read_disk_descend;
extern typeof(archive_read_disk_new) *sym_archive_read_disk_new;
extern typeof(archive_read_disk_open) *sym_archive_read_disk_open;
extern typeof(archive_read_disk_set_behavior) *sym_archive_read_disk_set_behavior;
extern typeof(archive_read_disk_set_symlink_physical) *sym_archive_read_disk_set_symlink_physical;
extern typeof(archive_read_free) *sym_archive_read_free;
extern typeof(archive_read_new) *sym_archive_read_new;
extern typeof(archive_read_next_header) *sym_archive_read_next_header;
extern typeof(archive_read_next_header2) *sym_archive_read_next_header2;
extern typeof(archive_read_open) *sym_archive_read_open;
extern typeof(archive_read_support_format_tar) *sym_archive_read_support_format_tar;
extern typeof(archive_set_error) *sym_archive_set_error;
extern typeof(archive_write_close) *sym_archive_write_close;
extern typeof(archive_write_data) *sym_archive_write_data;
extern typeof(archive_write_data_block) *sym_archive_write_data_block;
extern typeof(archive_write_disk_new) *sym_archive_write_disk_new;
extern typeof(archive_write_disk_set_options) *sym_archive_write_disk_set_options;
extern typeof(archive_write_finish_entry) *sym_archive_write_finish_entry;
extern typeof(archive_write_free) *sym_archive_write_free;
extern typeof(archive_write_header) *sym_archive_write_header;
extern typeof(archive_write_new) *sym_archive_write_new;
extern typeof(archive_write_open) *sym_archive_write_open;
extern typeof(archive_write_set_bytes_in_last_block) *sym_archive_write_set_bytes_in_last_block;
extern typeof(archive_write_set_format_option) *sym_archive_write_set_format_option;
extern typeof(archive_write_set_format_pax) *sym_archive_write_set_format_pax;

/* Loads libarchive.so.13 at the first call; logs and returns -EOPNOTSUPP when it is missing. */
int dlopen_libarchive(void);
