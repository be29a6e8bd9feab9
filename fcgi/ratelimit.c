/* ratelimit.c: fixed-window request counters per (class, key), in shared memory or MariaDB. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db/ratelimit.h"
#include "fcgi/auth.h"
#include "fcgi/ratelimit.h"
#include "lib/log.h"
#include "lib/shmcount.h"

const char *ratelimit_client_net(const struct req *rq, char *buf, size_t len)
{
	const char *a = rq->client_addr ? rq->client_addr : "-";
	unsigned char b[16];

	if (inet_pton(AF_INET6, a, b) == 1) {
		if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)b)) {
			if (inet_ntop(AF_INET, b + 12, buf, (socklen_t)len) != NULL)
				return buf;
		} else {
			char net[INET6_ADDRSTRLEN];

			memset(b + 8, 0, 8); /* one /64: one customer's network */
			if (inet_ntop(AF_INET6, b, net, sizeof(net)) != NULL) {
				snprintf(buf, len, "%s/64", net);
				return buf;
			}
		}
	}
	snprintf(buf, len, "%.*s", INET6_ADDRSTRLEN, a);
	return buf;
}

static void rl_bucket(const char *cls, const char *key, unsigned char bucket[16])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 16);
	crypto_generichash_update(&st, (const unsigned char *)cls, strlen(cls) + 1);
	crypto_generichash_update(&st, (const unsigned char *)key, strlen(key));
	crypto_generichash_final(&st, bucket, 16);
}

/* Sets the X-RateLimit-* values (the tightest limit wins) and answers 429 when over. */
static int rl_account(struct req *rq, int64_t hits, long limit, int64_t window, int64_t span,
                      int64_t now)
{
	long remaining = hits >= limit ? 0 : limit - (long)hits;

	if (!rq->rl_set || remaining < rq->rl_remaining) {
		rq->rl_set = true;
		rq->rl_limit = limit;
		rq->rl_remaining = remaining;
		rq->rl_reset = window + span;
	}
	if (hits > limit) {
		char retry[16];

		snprintf(retry, sizeof(retry), "%lld", (long long)(window + span - now));
		api_header(rq, "Retry-After", retry);
		return api_error(
		        rq, E_RATE_LIMITED, "rate limit of %ld requests per %s exceeded", limit,
		        span == 60 ? "minute" : rq_printf(rq, "%lld seconds", (long long)span));
	}
	return 0;
}

/* The counters of STRATUS_RATE_STORE=shm; NULL: count in MariaDB. */
static struct shmcount *rl_counters(struct req *rq)
{
	return rq->app->cfg.rate_shm ? auth_host_shared(rq->app, rq->request_id) : NULL;
}

/* Where a check counts: the current window of `span` seconds and the bucket of (cls, key). */
struct rl_at {
	int64_t span, now, window;
	unsigned char bucket[16];
};

static void rl_at(struct req *rq, const char *cls, const char *key, struct rl_at *at)
{
	at->span = rq->app->cfg.rate_window_s;
	at->now = (int64_t)time(NULL);
	at->window = at->now - at->now % at->span;
	rl_bucket(cls, key, at->bucket);
}

int ratelimit_hit(struct req *rq, const char *cls, const char *key, long limit)
{
	struct rl_at at;
	struct shmcount *c;
	int64_t hits = 0;

	if (limit <= 0)
		return 0;
	rl_at(rq, cls, key, &at);
	/* A full table (every slot the key may use is in use) counts in MariaDB. */
	if ((c = rl_counters(rq)) != NULL && (hits = shmcount_hit(c, at.bucket, at.window)) > 0)
		return rl_account(rq, hits, limit, at.window, at.span, at.now);
	if (db_ratelimit_hit(rq->app->db, at.bucket, at.window, &hits) != DB_OK) {
		/* Fail open: a limiter that cannot count must not lock everyone out. */
		log_msg(LOG_WARNING, rq->request_id, "rate limiter unavailable: %s",
		        db_last_error(rq->app->db));
		return 0;
	}
	/* Now and then, drop old windows (any responder may; it is idempotent). */
	if (hits == 1 && randombytes_uniform(64) == 0)
		db_ratelimit_prune(rq->app->db, at.window - 2 * at.span);
	return rl_account(rq, hits, limit, at.window, at.span, at.now);
}

int ratelimit_full(struct req *rq, const char *cls, const char *key, long limit)
{
	struct rl_at at;
	struct shmcount *c;
	int64_t hits = 0;

	if (limit <= 0)
		return 0;
	rl_at(rq, cls, key, &at);
	if ((c = rl_counters(rq)) != NULL)
		hits = shmcount_peek(c, at.bucket, at.window);
	else if (db_ratelimit_peek(rq->app->db, at.bucket, at.window, &hits) != DB_OK)
		return 0; /* fail open, as above */
	/* A full bucket refuses the next one: as if this request were counted. */
	return rl_account(rq, hits >= limit ? hits + 1 : hits, limit, at.window, at.span, at.now);
}
