/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Setting one key in the text of a config file (nsbootctl enable and disable): every line that sets
 * it, in any of its spellings, goes, and one line "key = value" is appended; every other byte
 * (comments, spacing, order) is kept. Non-logging. */
#pragma once

/* -EINVAL when key is no known key, -ENOMEM. */
int config_set_text(const char *text, const char *key, const char *value, char **ret);
