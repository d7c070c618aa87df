/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Setting one key in the text of a config file (nsbootctl enable and disable): every line that sets
 * it, in any of its spellings, goes, and one line "key = value" is appended; every other byte
 * (comments, spacing, order) is kept. And writing the new text in place of a config file, as that
 * file was (nsbootctl enable, disable, rename, clone). Non-logging. */
#pragma once

/* -EINVAL when key is no known key, -ENOMEM. */
int config_set_text(const char *text, const char *key, const char *value, char **ret);

/* Writes text to tmp (made anew beside path, never through a symlink) with the owner, group, mode and
 * extended attributes (its POSIX ACL, user and trusted ones) of the regular file like, then renames
 * it to path: readers see the old or the new file whole, and the admin's permissions stay. like is
 * not followed if a symlink (-ELOOP), and is no FIFO or device (-EBADFD). A security label
 * (security.*) that cannot be copied is left as the new file got it; any other failure leaves path
 * as it was. */
int config_write_like(const char *like, const char *path, const char *tmp, const char *text);
