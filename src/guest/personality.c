/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sys/personality.h>

#include "log.h"
#include "personality.h"
#include "settings.h"

int personality_apply(unsigned long p) {
        int current;

        if (p == PERSONALITY_UNSET)
                return 0;
        /* 0xffffffff queries; the flags (ADDR_NO_RANDOMIZE, …) nsboot was started with stay. */
        current = personality(0xffffffff);
        if (current < 0)
                return log_error_errno(errno, "Failed to query the personality: %m");
        if (personality((p & PER_MASK) | ((unsigned long) current & ~PER_MASK)) < 0)
                return log_error_errno(errno, "Failed to set the personality %s (lxc.arch): %m",
                                       p == PER_LINUX32 ? "linux32" : "linux");
        return 0;
}
