/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl create --from=FILE: a machine's tree from a tarball (plain, or compressed with gzip,
 * xz, zstd or bzip2) or a disk image (GPT with the Discoverable Partitions Specification's types,
 * a single partition, or a bare file system, as nsboot -i boots them). Logs. */
#pragma once

#include "create.h"
#include "ctl.h"

/* Unpacks or copies a->from into dir (which must not exist yet), preserving owners, modes, times,
 * hard links, device nodes and extended attributes, and checks the result is an OS tree. An image
 * is mounted read-only as detached mounts over autoclear loop devices: when this returns, also on
 * failure, no mount and no loop device of it is left. dir may be left half-made on failure. */
int import_from(const CtlArgs *a, const char *dir, Progress *p);
