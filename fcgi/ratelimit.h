/* ratelimit.h: fixed-window request counters per (class, key); knows no resource. */
#ifndef STRATUS_RATELIMIT_H
#define STRATUS_RATELIMIT_H

#include <stddef.h>

#include "fcgi/http.h"

/*
 * Counts one request of `key` in `cls` ("general", "auth", ...) against
 * `limit` per window (STRATUS_RATE_WINDOW, a minute by default; 0: no
 * limit) and sets the X-RateLimit-* values (the tightest limit wins).
 * Counts in the host-shared file (STRATUS_RATE_STORE=shm) or MariaDB, and
 * fails open when neither can count. Returns 0, or -1 after answering 429
 * with Retry-After.
 */
int ratelimit_hit(struct req *rq, const char *cls, const char *key, long limit);

/*
 * Like ratelimit_hit without counting: answers 429 when the bucket is
 * already full. For "count only failures" limits (Basic credentials).
 */
int ratelimit_full(struct req *rq, const char *cls, const char *key, long limit);

/*
 * The client's network as the per-address limits count it: an IPv4
 * address whole, an IPv6 address by its /64 ("2001:db8:0:1::/64"), an
 * IPv4-mapped IPv6 address as IPv4. Writes it into buf and returns buf.
 */
const char *ratelimit_client_net(const struct req *rq, char *buf, size_t len);

#endif
