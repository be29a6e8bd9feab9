/* idempotency.h: the Idempotency-Key header for any POST that creates something. */
#ifndef STRATUS_H_IDEMPOTENCY_H
#define STRATUS_H_IDEMPOTENCY_H

#include <stdbool.h>

#include "db/db.h"

struct req;

/* A request's key and fingerprint, read by idem_begin. */
struct idem {
	const char *key; /* the Idempotency-Key header (request memory), NULL when absent */
	char hash[65];   /* SHA-256 of the body, in hex: stored with what the key made */
};

/* What a resource's lookup found under a key. */
struct idem_found {
	char hash[68]; /* the request hash stored with it */
	char id[64];   /* its public id, named in the 422 */
};

/*
 * A resource's lookup of what the caller made with `key`: DB_OK with *found
 * filled (and whatever replay needs kept in ctx), DB_NOT_FOUND, DB_BUSY
 * while the first request is still being processed, or another failure.
 */
typedef enum db_rc (*idem_lookup_fn)(struct req *rq, const char *key, struct idem_found *found,
                                     void *ctx);

/* Answers the first request's answer again (its status, body and headers but the replay mark). */
typedef int (*idem_replay_fn)(struct req *rq, void *ctx);

/*
 * Reads the Idempotency-Key header (IETF httpapi draft, Stripe: 1-255
 * printable ASCII characters) into i->key and fingerprints the body into
 * i->hash. Returns 0, or -1 after a 400 when the header is malformed.
 */
int idem_begin(struct req *rq, struct idem *i);

/*
 * Whether i->key was used before, answering if so. Returns 0 when there is
 * no key or it is unused (go on and create, storing i->key and i->hash), 1
 * when answered: the first answer again through `replay` with
 * "Idempotent-Replayed: true" (same body), 422 (another body), 409 with
 * Retry-After: 1 (still being processed) or a 5xx from db_failure.
 * Call it again after a creation lost a race on the key (DB_DUPLICATE).
 */
int idem_check(struct req *rq, const struct idem *i, idem_lookup_fn lookup, idem_replay_fn replay,
               void *ctx);

#endif
