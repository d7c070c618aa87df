/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl top: stat's figures refreshed every interval, with the CPU share each machine used
 * since the last refresh, sorted by CPU, memory or name (like vtop and lxc-top). On a terminal it
 * redraws the screen and reads keys (q quits; c, m, n sort); otherwise it prints one table per
 * refresh, for --iterations refreshes. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <time.h>

#include "ctl.h"
#include "log.h"

typedef struct Row {
        MachineState m;
        MachineStats st;
        double cpu;             /* percent of one CPU since the previous sample, -1: first sample */
} Row;

typedef struct Sample {
        char *name;
        uint64_t cpu_usec, at_usec;
} Sample;

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static int compare_rows(const void *x, const void *y, void *userdata) {
        const Row *a = x, *b = y;
        SortKey key = *(const SortKey *) userdata;

        if (key == SORT_CPU && a->cpu != b->cpu)
                return a->cpu < b->cpu ? 1 : -1;
        if (key == SORT_MEMORY && a->st.memory != b->st.memory)
                return a->st.memory < b->st.memory ? 1 : -1;
        return strcmp(a->m.name, b->m.name);
}

/* Fills rows from the running machines; samples keep the previous CPU times by name. */
static int sample(Row **ret, size_t *ret_n, Sample **samples, size_t *n_samples) {
        MachineState *l = NULL;
        Sample *next;
        Row *rows;
        size_t n = 0;
        int r;

        r = ctl_machines_running(&l, &n);
        if (r < 0)
                return r;
        rows = calloc(n + 1, sizeof *rows);
        next = calloc(n + 1, sizeof *next);
        if (!rows || !next) {
                free(rows);
                free(next);
                ctl_machines_free(l, n);
                return log_oom();
        }
        for (size_t i = 0; i < n; i++) {
                uint64_t total, t = now_usec();

                rows[i] = (Row) { .m = l[i], .cpu = -1 };
                (void) machine_stats_read(&l[i], &rows[i].st);
                total = rows[i].st.user_usec + rows[i].st.system_usec;
                for (size_t k = 0; k < *n_samples; k++)
                        if (streq((*samples)[k].name, l[i].name) && t > (*samples)[k].at_usec &&
                            total >= (*samples)[k].cpu_usec)
                                rows[i].cpu = 100.0 * (double) (total - (*samples)[k].cpu_usec) /
                                              (double) (t - (*samples)[k].at_usec);
                next[i] = (Sample) { .name = strdup(l[i].name), .cpu_usec = total, .at_usec = t };
        }
        free(l); /* the states moved into the rows */
        for (size_t k = 0; k < *n_samples; k++)
                free((*samples)[k].name);
        free(*samples);
        *samples = next;
        *n_samples = n;
        *ret = rows;
        *ret_n = n;
        return 0;
}

static void print_rows(Row *rows, size_t n, SortKey key, bool screen) {
        char clock[16];
        time_t t = time(NULL);

        qsort_r(rows, n, sizeof *rows, compare_rows, &key);
        strftime(clock, sizeof clock, "%H:%M:%S", localtime(&t));
        if (screen)
                printf("\033[H\033[2J");
        printf("nsbootctl top - %s, %zu machine%s, sorted by %s%s\n\n", clock, n, n == 1 ? "" : "s",
               key == SORT_CPU ? "CPU" : key == SORT_MEMORY ? "memory" : "name",
               screen ? " (c, m, n: sort; q: quit)" : "");
        printf("%-16s %5s %6s %10s %10s %7s %7s %7s %s\n", "NAME", "PROCS", "CPU%", "USER", "SYS", "MEMORY", "LIMIT",
               "RSS", "UPTIME");
        for (size_t i = 0; i < n; i++) {
                char b[6][32], cpu[16];

                if (rows[i].cpu < 0)
                        strcpy(cpu, "-");
                else
                        snprintf(cpu, sizeof cpu, "%.1f", rows[i].cpu);
                printf("%-16s %5u %6s %10s %10s %7s %7s %7s %s\n", rows[i].m.name, rows[i].st.procs, cpu,
                       format_cputime(rows[i].st.user_usec, b[0]), format_cputime(rows[i].st.system_usec, b[1]),
                       format_bytes(rows[i].st.memory, b[2]),
                       rows[i].st.memory_max == UINT64_MAX ? "-" : format_bytes(rows[i].st.memory_max, b[3]),
                       format_bytes(rows[i].st.rss, b[4]), format_timespan(uptime_sec(rows[i].m.start_usec), b[5]));
        }
        if (!screen)
                printf("\n");
        fflush(stdout);
}

/* Waits up to usec for a key; returns false when the user asked to quit. */
static bool read_key(uint64_t usec, SortKey *key) {
        struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
        char c;

        if (poll(&p, 1, (int) (usec / 1000)) <= 0 || read(STDIN_FILENO, &c, 1) != 1)
                return true;
        switch (c) {
        case 'q': case 'Q': case 3: /* Ctrl-C: the terminal sends no SIGINT in raw mode */
                return false;
        case 'c': *key = SORT_CPU; break;
        case 'm': *key = SORT_MEMORY; break;
        case 'n': *key = SORT_NAME; break;
        }
        return true;
}

int verb_top(const CtlArgs *a) {
        bool screen = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
        struct termios saved, raw;
        Sample *samples = NULL;
        size_t n_samples = 0;
        SortKey key = a->sort;
        int r = 0;

        if (screen && tcgetattr(STDIN_FILENO, &saved) >= 0) {
                raw = saved;
                raw.c_lflag &= ~(ICANON | ECHO | ISIG);
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &raw);
                printf("\033[?1049h\033[?25l"); /* the alternate screen, no cursor */
        } else
                screen = false;
        for (unsigned i = 0; a->iterations == 0 || i < a->iterations; i++) {
                Row *rows = NULL;
                size_t n = 0;
                bool go_on;

                r = sample(&rows, &n, &samples, &n_samples);
                if (r < 0)
                        break;
                print_rows(rows, n, key, screen);
                for (size_t k = 0; k < n; k++)
                        machine_state_done(&rows[k].m);
                free(rows);
                if (a->iterations != 0 && i + 1 >= a->iterations)
                        break;
                go_on = screen ? read_key(a->interval_usec, &key) : (usleep(a->interval_usec), true);
                if (!go_on)
                        break;
        }
        if (screen) {
                printf("\033[?25h\033[?1049l");
                fflush(stdout);
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        }
        for (size_t k = 0; k < n_samples; k++)
                free(samples[k].name);
        free(samples);
        return r;
}
