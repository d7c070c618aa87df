/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "basic/macro.h"
#include "loop.h"

/* Another process may take the device LOOP_CTL_GET_FREE named before we configure it; try again. */
#define LOOP_ATTACH_TRIES 64

static int loop_try(int ctl, const struct loop_config *cfg, int *ret_fd, char **ret_path) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int nr;

        nr = ioctl(ctl, LOOP_CTL_GET_FREE);
        if (nr < 0)
                return -errno;
        if (asprintf(&path, "/dev/loop%d", nr) < 0)
                return -ENOMEM;
        fd = open(path, ((cfg->info.lo_flags & LO_FLAGS_READ_ONLY) ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ENOENT ? -EAGAIN : -errno;
        if (ioctl(fd, LOOP_CONFIGURE, cfg) < 0)
                return errno == EBUSY ? -EAGAIN : -errno;
        *ret_fd = TAKE_FD(fd);
        *ret_path = TAKE_PTR(path);
        return 0;
}

int loop_attach(int image_fd, uint64_t offset, uint64_t size, bool read_only, int *ret_fd, char **ret_path) {
        struct loop_config cfg = {
                .fd = (uint32_t) image_fd,
                .info = {
                        .lo_offset = offset,
                        .lo_sizelimit = size,
                        .lo_flags = LO_FLAGS_AUTOCLEAR | (read_only ? LO_FLAGS_READ_ONLY : 0),
                },
        };
        _cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
        int r = -EAGAIN;

        if (ctl < 0)
                return -errno;
        for (unsigned i = 0; i < LOOP_ATTACH_TRIES && r == -EAGAIN; i++)
                r = loop_try(ctl, &cfg, ret_fd, ret_path);
        return r == -EAGAIN ? -EBUSY : r;
}
