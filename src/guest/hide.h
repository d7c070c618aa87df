/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsboot.proc.hide / --inaccessible: paths of the guest, /proc entries included, overmounted with
 * an inaccessible node of the same kind. Child stage, after every other mount below the tree and
 * before pivot_root. */
#pragma once

/* Hides each path (which must exist in the guest). Logs, naming the path. */
int hide_paths(char *const *paths, const char *root);
