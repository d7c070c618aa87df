/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "log.h"
#include "userns.h"

static const char *const ownership_table[_USERNS_OWNERSHIP_MAX] = {
        [USERNS_OWNERSHIP_AUTO] = "auto",
        [USERNS_OWNERSHIP_MAP] = "map",
        [USERNS_OWNERSHIP_CHOWN] = "chown",
        [USERNS_OWNERSHIP_OFF] = "off",
};

DEFINE_STRING_TABLE_LOOKUP(userns_ownership, UserNsOwnership, ownership_table, _USERNS_OWNERSHIP_MAX);

int userns_parse_mode(const char *value, UserNsConfig *c) {
        const char *colon;
        unsigned base, size = USERNS_RANGE_SIZE;
        int b;

        if (streq(value, "pick"))
                c->mode = USERNS_PICK;
        else if (streq(value, "identity"))
                c->mode = USERNS_IDENTITY;
        else if ((b = parse_boolean(value)) >= 0)
                c->mode = b ? USERNS_YES : USERNS_NO;
        else {
                _cleanup_free_ char *first = NULL;

                colon = strchr(value, ':');
                first = colon ? strndup(value, colon - value) : strdup(value);
                if (!first)
                        return -ENOMEM;
                if (safe_atou(first, &base) < 0 || (colon && safe_atou(colon + 1, &size) < 0))
                        return -EINVAL;
                /* The guest's root must not be the host's, and the range must fit in 32 bits
                 * without touching (uid_t) -1. */
                if (base == 0 || size == 0 || (uint64_t) base + size > UINT32_MAX)
                        return -ERANGE;
                c->mode = USERNS_FIXED;
                c->base = base;
                c->size = size;
        }
        return 0;
}

int userns_parse_idmap_line(const char *value, IdMap *m) {
        char kind;
        unsigned inside, outside, count;
        int n = -1;

        if (sscanf(value, " %c %u %u %u %n", &kind, &inside, &outside, &count, &n) != 4 || n < 0 ||
            value[n] != 0 || !strchr("ugb", kind) || count == 0 ||
            (uint64_t) inside + count > UINT32_MAX || (uint64_t) outside + count > UINT32_MAX)
                return -EINVAL;
        for (int k = 0; k < 2; k++) {
                IdMapEntry *e = k == 0 ? m->uid : m->gid;
                unsigned *n_e = k == 0 ? &m->n_uid : &m->n_gid;

                if ((k == 0 && kind == 'g') || (k == 1 && kind == 'u'))
                        continue;
                if (*n_e >= IDMAP_CONFIG_MAX)
                        return -E2BIG;
                e[(*n_e)++] = (IdMapEntry) { inside, outside, count };
        }
        return 0;
}

static bool ranges_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn) {
        return (uint64_t) a < (uint64_t) b + bn && (uint64_t) b < (uint64_t) a + an;
}

static int check_entries(const IdMapEntry *e, unsigned n) {
        if (n == 0 || idmap_to_host(e, n, 0) == UINT32_MAX)
                return -ENOENT;
        for (unsigned i = 0; i < n; i++)
                for (unsigned j = i + 1; j < n; j++)
                        if (ranges_overlap(e[i].inside, e[i].count, e[j].inside, e[j].count) ||
                            ranges_overlap(e[i].outside, e[i].count, e[j].outside, e[j].count))
                                return -ENOTUNIQ;
        return 0;
}

int idmap_check(const IdMap *m) {
        int r = check_entries(m->uid, m->n_uid);

        return r < 0 ? r : check_entries(m->gid, m->n_gid);
}

int idmap_punch(IdMapEntry *e, unsigned *n, uint32_t inside, uint32_t outside) {
        unsigned i;

        for (unsigned j = 0; j < *n; j++)
                if (ranges_overlap(e[j].outside, e[j].count, outside, 1))
                        return -EEXIST;
        for (i = 0; i < *n; i++)
                if (inside >= e[i].inside && inside - e[i].inside < e[i].count)
                        break;
        if (i == *n)
                return -ERANGE;
        if (*n + 2 > IDMAP_MAX)
                return -E2BIG;
        IdMapEntry old = e[i], parts[3];
        uint32_t below = inside - old.inside, above = old.count - below - 1;
        unsigned n_parts = 0;

        /* in the old range's place: the ids below inside, inside alone, the ids above it */
        if (below > 0)
                parts[n_parts++] = (IdMapEntry) { old.inside, old.outside, below };
        parts[n_parts++] = (IdMapEntry) { inside, outside, 1 };
        if (above > 0)
                parts[n_parts++] = (IdMapEntry) { inside + 1, old.outside + below + 1, above };
        memmove(&e[i + n_parts], &e[i + 1], (*n - i - 1) * sizeof *e);
        memcpy(&e[i], parts, n_parts * sizeof *e);
        *n += n_parts - 1;
        return 0;
}

uint32_t idmap_to_host(const IdMapEntry *e, unsigned n, uint32_t id) {
        for (unsigned i = 0; i < n; i++)
                if (id >= e[i].inside && id - e[i].inside < e[i].count)
                        return e[i].outside + (id - e[i].inside);
        return UINT32_MAX;
}

char *idmap_format(const IdMapEntry *e, unsigned n) {
        char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);

        if (!f)
                return NULL;
        for (unsigned i = 0; i < n; i++)
                fprintf(f, "%u %u %u\n", e[i].inside, e[i].outside, e[i].count);
        if (fclose(f) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

int userns_read_subid(const char *path, uint32_t *ret_start, uint32_t *ret_count) {
        _cleanup_(fclosep) FILE *f = fopen(path, "re");
        char line[256];
        bool found_root = false;
        unsigned start = 0, count = 0;

        if (!f)
                return -errno;
        while (fgets(line, sizeof line, f)) {
                char name[64];
                unsigned s, c;

                if (sscanf(line, "%63[^:]:%u:%u", name, &s, &c) != 3 || c == 0)
                        continue;
                if (streq(name, "nsboot")) {
                        *ret_start = s;
                        *ret_count = c;
                        return 0;
                }
                if (streq(name, "root") && !found_root) {
                        found_root = true;
                        start = s;
                        count = c;
                }
        }
        if (!found_root)
                return -ENOENT;
        *ret_start = start;
        *ret_count = count;
        return 0;
}

bool idfile_text_has_ids(const char *text, uint32_t base, uint32_t size) {
        for (const char *line = text; line && *line;) {
                size_t len = strcspn(line, "\n");
                const char *field = line, *end = line + len;
                char *stop;
                unsigned long id;

                for (int i = 0; i < 2 && field; i++) {
                        field = memchr(field, ':', (size_t) (end - field));
                        if (field)
                                field++;
                }
                line += len + (line[len] == '\n');
                if (!field || *field < '0' || *field > '9')
                        continue;
                errno = 0;
                id = strtoul(field, &stop, 10);
                if (errno == 0 && IN_SET(*stop, ':', '\n', 0) && id >= base && id - base < size)
                        return true;
        }
        return false;
}

/* Whether a passwd(5) or group(5) file names an id in [base, base+size). Read whole and split here:
 * fgetpwent() makes an lseek() per entry. */
static bool file_ids_in_range(const char *path, uint32_t base, uint32_t size) {
        _cleanup_free_ char *text = NULL;

        return read_full_file(path, &text, NULL) >= 0 && idfile_text_has_ids(text, base, size);
}

static bool host_ids_in_range(uint32_t base, uint32_t size) {
        return file_ids_in_range("/etc/passwd", base, size) || file_ids_in_range("/etc/group", base, size);
}

/* FNV-1a: a stable first candidate per machine name, so a machine tends to get the same range. */
static uint32_t name_hash(const char *s) {
        uint32_t h = 2166136261U;

        for (; *s; s++)
                h = (h ^ (uint8_t) *s) * 16777619U;
        return h;
}

/* The window to pick from: the subuid/subgid reservation for nsboot or root, else nspawn's range. */
static void pick_window(uint32_t *ret_min, uint32_t *ret_max) {
        uint32_t us, uc, gs, gc;

        *ret_min = USERNS_PICK_MIN;
        *ret_max = USERNS_PICK_MAX;
        if (userns_read_subid("/etc/subuid", &us, &uc) < 0 || userns_read_subid("/etc/subgid", &gs, &gc) < 0)
                return;
        if (us != gs || uc < USERNS_RANGE_SIZE || gc < USERNS_RANGE_SIZE) {
                log_debug("/etc/subuid and /etc/subgid reserve different ranges, using the built-in one");
                return;
        }
        *ret_min = (us + USERNS_RANGE_SIZE - 1) / USERNS_RANGE_SIZE * USERNS_RANGE_SIZE;
        *ret_max = us + MIN(uc, gc) - USERNS_RANGE_SIZE;
}

static int pick_range(const char *machine, const char *directory, uint32_t *ret_base, Lock *ret_lock) {
        uint32_t min, max, slots, first;

        pick_window(&min, &max);
        if (max < min)
                return log_error_errno(SYNTHETIC_ERRNO(ERANGE),
                                       "The range reserved in /etc/subuid is smaller than %u ids", USERNS_RANGE_SIZE);
        slots = (max - min) / USERNS_RANGE_SIZE + 1;
        first = name_hash(machine) % slots;
        for (uint32_t i = 0; i < slots; i++) {
                uint32_t base = min + ((first + i) % slots) * USERNS_RANGE_SIZE;
                char name[32];
                int r;

                if (host_ids_in_range(base, USERNS_RANGE_SIZE))
                        continue;
                snprintf(name, sizeof name, "uid-%u", base);
                r = lock_try(name, machine, directory, ret_lock);
                if (r == -EBUSY)
                        continue;
                if (r < 0)
                        return log_error_errno(r, "Failed to lock the id range %u: %m", base);
                *ret_base = base;
                return 0;
        }
        return log_error_errno(SYNTHETIC_ERRNO(EBUSY), "No free range of %u user ids between %u and %u",
                               USERNS_RANGE_SIZE, min, max);
}

static void set_single_range(IdMap *m, uint32_t base, uint32_t size) {
        m->uid[0] = m->gid[0] = (IdMapEntry) { 0, base, size };
        m->n_uid = m->n_gid = 1;
}

/* ownership=auto: nothing to do for a tree already owned by the guest's root, an idmapped mount for
 * a root-owned one; any other owner means a mistake in the range. */
static int resolve_ownership(const UserNsConfig *c, uid_t owner, UserNs *u, const char *directory) {
        UserNsOwnership o = c->ownership;

        if (o == USERNS_OWNERSHIP_AUTO) {
                if (owner == u->root_uid)
                        o = USERNS_OWNERSHIP_OFF;
                else if (owner == 0)
                        o = USERNS_OWNERSHIP_MAP;
                else
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                               "'%s' is owned by uid %u, which is neither 0 nor the host uid %u of the "
                                               "guest's root: use --private-users=%u, or --private-users-ownership=chown",
                                               directory, (unsigned) owner, (unsigned) u->root_uid, (unsigned) owner);
        }
        u->idmap_tree = o == USERNS_OWNERSHIP_MAP && owner != u->root_uid;
        u->chown_tree = o == USERNS_OWNERSHIP_CHOWN && owner != u->root_uid;
        return 0;
}

bool userns_config_maps(const UserNsConfig *c, bool group, uint32_t id) {
        switch (c->mode) {
        case USERNS_NO:
                return id != UINT32_MAX;
        case USERNS_FIXED:
                return id < c->size;
        case USERNS_IDMAP:
                return (group ? idmap_to_host(c->idmap.gid, c->idmap.n_gid, id) :
                                idmap_to_host(c->idmap.uid, c->idmap.n_uid, id)) != UINT32_MAX;
        default:
                return id < USERNS_RANGE_SIZE;
        }
}

int userns_acquire(const UserNsConfig *c, const char *machine, const char *directory, UserNs *ret) {
        UserNs u = { .lock = { .fd = -EBADF } };
        struct stat st;
        uint32_t base = 0;
        int r;

        *ret = (UserNs) { .lock = { .fd = -EBADF } };
        if (c->mode == USERNS_NO)
                return 0;
        if (stat(directory, &st) < 0)
                return log_error_errno(errno, "Failed to stat '%s': %m", directory);
        switch (c->mode) {
        case USERNS_YES:
                /* A tree chowned for a range (as systemd-nspawn -U does it) keeps that range. */
                if (st.st_uid != 0 && st.st_uid % USERNS_RANGE_SIZE == 0 && st.st_gid == st.st_uid) {
                        set_single_range(&u.map, st.st_uid, USERNS_RANGE_SIZE);
                        break;
                }
                _fallthrough_;
        case USERNS_PICK:
                r = pick_range(machine, directory, &base, &u.lock);
                if (r < 0)
                        return r;
                set_single_range(&u.map, base, USERNS_RANGE_SIZE);
                break;
        case USERNS_FIXED:
                set_single_range(&u.map, c->base, c->size);
                break;
        case USERNS_IDENTITY:
                set_single_range(&u.map, 0, USERNS_RANGE_SIZE);
                break;
        case USERNS_IDMAP:
                u.map = c->idmap;
                break;
        default:
                return -EINVAL;
        }
        u.enabled = true;
        u.root_uid = idmap_to_host(u.map.uid, u.map.n_uid, 0);
        u.root_gid = idmap_to_host(u.map.gid, u.map.n_gid, 0);
        r = resolve_ownership(c, st.st_uid, &u, directory);
        if (r < 0) {
                userns_release(&u);
                return r;
        }
        log_debug("User namespace: guest root is host uid %u, gid %u%s", (unsigned) u.root_uid,
                  (unsigned) u.root_gid, u.idmap_tree ? ", tree idmapped" : "");
        *ret = u;
        return 0;
}

void userns_release(UserNs *u) {
        lock_release(&u->lock);
        u->enabled = false;
}

static int write_map(pid_t pid, const char *file, const IdMapEntry *e, unsigned n) {
        _cleanup_free_ char *path = NULL, *content = idmap_format(e, n);
        _cleanup_close_ int fd = -EBADF;

        if (!content || asprintf(&path, "/proc/%d/%s", (int) pid, file) < 0)
                return log_oom();
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, content, strlen(content)) < 0)
                return log_error_errno(errno, "Failed to write the guest's %s (%s): %m", file, content);
        return 0;
}

int userns_write_maps(const UserNs *u, pid_t pid) {
        int r = write_map(pid, "uid_map", u->map.uid, u->map.n_uid);

        return r < 0 ? r : write_map(pid, "gid_map", u->map.gid, u->map.n_gid);
}
