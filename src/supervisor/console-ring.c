/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "console-ring.h"

struct ConsoleRing {
        size_t size;
        size_t start;   /* offset of the oldest byte */
        size_t len;     /* bytes held */
        char buf[];
};

ConsoleRing *console_ring_new(size_t size) {
        ConsoleRing *r = size > 0 ? malloc(sizeof(ConsoleRing) + size) : NULL;

        if (r)
                *r = (ConsoleRing) { .size = size };
        return r;
}

ConsoleRing *console_ring_free(ConsoleRing *r) {
        free(r);
        return NULL;
}

void console_ring_write(ConsoleRing *r, const void *buf, size_t n) {
        const char *p = buf;

        if (!r)
                return;
        if (n >= r->size) {
                /* only the last size bytes stay */
                memcpy(r->buf, p + n - r->size, r->size);
                r->start = 0;
                r->len = r->size;
                return;
        }
        while (n > 0) {
                size_t end = (r->start + r->len) % r->size;
                size_t k = MIN(n, r->size - end);

                memcpy(r->buf + end, p, k);
                p += k;
                n -= k;
                if (r->len + k > r->size) {
                        r->start = (r->start + r->len + k - r->size) % r->size;
                        r->len = r->size;
                } else
                        r->len += k;
        }
}

void console_ring_peek(const ConsoleRing *r, const char **ret_a, size_t *ret_a_len, const char **ret_b,
                       size_t *ret_b_len) {
        size_t first = r ? MIN(r->len, r->size - r->start) : 0;

        *ret_a = r ? r->buf + r->start : NULL;
        *ret_a_len = first;
        *ret_b = r ? r->buf : NULL;
        *ret_b_len = r ? r->len - first : 0;
}

void console_ring_clear(ConsoleRing *r) {
        if (r)
                r->start = r->len = 0;
}
