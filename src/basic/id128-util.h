/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 128-bit ids (machine ids, the container's UUID), as systemd's sd-id128 spells them: 32 hex
 * digits, or the UUID form with dashes. The subset of sd-id128 nsboot uses, under other names
 * (sd_id128_X -> id128_X, sd_id128_t -> Id128, SD_ID128_ -> ID128_), so that the supervisor does
 * not need libsystemd (see event-loop.h). Every stage; non-logging. */
#pragma once

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef union Id128 {
        uint8_t bytes[16];
        uint64_t qwords[2];
} Id128;

#define ID128_STRING_MAX 33U
#define ID128_UUID_STRING_MAX 37U
#define ID128_NULL ((const Id128) {})

#define ID128_MAKE(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15)       \
        ((const Id128) { .bytes = { 0x##v0, 0x##v1, 0x##v2, 0x##v3, 0x##v4, 0x##v5, 0x##v6,    \
                                    0x##v7, 0x##v8, 0x##v9, 0x##v10, 0x##v11, 0x##v12, 0x##v13, \
                                    0x##v14, 0x##v15 } })

/* A random version 4 UUID, from getrandom(). */
int id128_randomize(Id128 *ret);
/* 32 hex digits or the 36-character UUID form; -EINVAL otherwise. */
int id128_from_string(const char *s, Id128 *ret);
char *id128_to_string(Id128 id, char s[static ID128_STRING_MAX]);
char *id128_to_uuid_string(Id128 id, char s[static ID128_UUID_STRING_MAX]);
#define ID128_TO_STRING(id) id128_to_string((id), (char[ID128_STRING_MAX]) {})
#define ID128_TO_UUID_STRING(id) id128_to_uuid_string((id), (char[ID128_UUID_STRING_MAX]) {})
/* The host's /etc/machine-id. */
int id128_get_machine(Id128 *ret);

static inline bool id128_equal(Id128 a, Id128 b) {
        return a.qwords[0] == b.qwords[0] && a.qwords[1] == b.qwords[1];
}

static inline bool id128_is_null(Id128 id) {
        return id.qwords[0] == 0 && id.qwords[1] == 0;
}
