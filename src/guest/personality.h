/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lxc.arch / nsboot.personality: the execution domain of the guest (PER_LINUX32 makes uname -m say
 * i686 for a 32-bit tree on a 64-bit host). Set by the child just before init is executed; it
 * survives execve(). */
#pragma once

/* PERSONALITY_UNSET (settings.h) leaves nsboot's own. Logs. */
int personality_apply(unsigned long personality);
