/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-list.h"

static int parse_cpu(const char **p, unsigned *ret) {
        char *end;
        unsigned long v;

        if (**p < '0' || **p > '9')
                return -EINVAL;
        errno = 0;
        v = strtoul(*p, &end, 10);
        if (errno != 0 || v >= CPU_LIST_MAX)
                return -EINVAL;
        *p = end;
        *ret = (unsigned) v;
        return 0;
}

int cpu_list_parse(const char *list, bool set[static CPU_LIST_MAX]) {
        const char *p = list;
        int n = 0;

        memset(set, 0, CPU_LIST_MAX * sizeof(bool));
        for (;;) {
                unsigned a, b;

                p += strspn(p, " ,\t");
                if (*p == '\0' || (*p == '\n' && p[1] == '\0'))
                        return n;
                if (parse_cpu(&p, &a) < 0)
                        return -EINVAL;
                b = a;
                if (*p == '-') {
                        p++;
                        if (parse_cpu(&p, &b) < 0 || b < a)
                                return -EINVAL;
                }
                if (!strchr(" ,\t\n", *p))
                        return -EINVAL;
                for (unsigned c = a; c <= b; c++)
                        n += !set[c], set[c] = true;
        }
}

int cpu_list_format(const bool set[static CPU_LIST_MAX], char **ret) {
        size_t size = 0;
        FILE *f = open_memstream(ret, &size);
        bool first = true;

        if (!f)
                return -ENOMEM;
        for (unsigned c = 0; c < CPU_LIST_MAX; c++) {
                unsigned e = c;

                if (!set[c])
                        continue;
                while (e + 1 < CPU_LIST_MAX && set[e + 1])
                        e++;
                fprintf(f, "%s%u", first ? "" : ",", c);
                if (e > c)
                        fprintf(f, "-%u", e);
                first = false;
                c = e;
        }
        return fclose(f) == 0 ? 0 : -ENOMEM;
}
