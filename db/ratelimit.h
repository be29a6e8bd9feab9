/* ratelimit.h: the rate_limits counters (one-minute windows, MEMORY table). */
#ifndef STRATUS_DB_RATELIMIT_H
#define STRATUS_DB_RATELIMIT_H

#include <stdint.h>

#include "db/db.h"

/*
 * Counts one hit of `bucket` in the one-minute window starting at `window`
 * and returns the window's hits so far (one round trip, MEMORY table).
 */
enum db_rc db_ratelimit_hit(struct db *db, const unsigned char bucket[16], int64_t window,
                            int64_t *hits);
/* Reads the window's hits without counting one (0 when none). */
enum db_rc db_ratelimit_peek(struct db *db, const unsigned char bucket[16], int64_t window,
                             int64_t *hits);
/* Drops windows older than `before`. */
enum db_rc db_ratelimit_prune(struct db *db, int64_t before);

#endif
