/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "shift.h"

/* nftw() takes no user data: the one shift in progress. Set and cleared by tree_shift_owners(). */
static uint32_t shift_uid, shift_gid, shift_size;

static uint32_t shifted(uint32_t id, uint32_t base) {
        if (id >= base && id - base < shift_size)
                return id;
        return id < shift_size ? id + base : id;
}

static int shift_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        uid_t uid = shifted(st->st_uid, shift_uid);
        gid_t gid = shifted(st->st_gid, shift_gid);

        if (uid == st->st_uid && gid == st->st_gid)
                return 0;
        if (lchown(path, uid, gid) < 0)
                return log_error_errno(errno, "Failed to change the owner of '%s': %m", path);
        /* chown() clears set-user-ID and set-group-ID bits of files: put them back. */
        if (!S_ISLNK(st->st_mode) && !S_ISDIR(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)) &&
            chmod(path, st->st_mode & 07777) < 0)
                return log_error_errno(errno, "Failed to restore the mode of '%s': %m", path);
        return 0;
}

int tree_shift_owners(const char *directory, uint32_t uid_base, uint32_t gid_base, uint32_t size) {
        int r;

        shift_uid = uid_base;
        shift_gid = gid_base;
        shift_size = size;
        log_info("Changing the owners of '%s' to the range starting at %u", directory, uid_base);
        r = nftw(directory, shift_one, 64, FTW_PHYS | FTW_MOUNT);
        shift_uid = shift_gid = shift_size = 0;
        if (r < 0)
                return log_error_errno(errno, "Failed to walk '%s': %m", directory);
        return r > 0 ? -EPERM : 0;
}
