/* app.h: the long-lived state of one responder process. */
#ifndef STRATUS_APP_H
#define STRATUS_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/config.h"

struct db;
struct jwk;
struct shmcount;
struct id_seen;

/*
 * Set up once per process in main() and torn down at exit: configuration,
 * the MariaDB connection with its prepared statements, counters. Requests
 * reach it through rq->app and never keep pointers into themselves here.
 */
/* A Basic credential verified lately (see fcgi/auth.c). */
struct basic_seen {
	unsigned char digest[32]; /* keyed hash of user id, stored hash, password */
	int64_t until;            /* monotonic us */
};
#define BASIC_CACHE 64

struct app {
	struct config cfg;
	struct db *db;
	bool cgi;            /* serving one plain-CGI request */
	int64_t started_us;  /* monotonic */
	uint64_t requests;   /* served by this process */
	uint64_t errors[16]; /* per api_err code, for metrics */
	struct jwk *jwks;    /* the external issuer's keys (lib/token.h), cached */
	int njwks;
	int64_t jwks_at;                      /* monotonic us of the last good fetch, 0: never */
	int64_t jwks_tried_at;                /* monotonic us of the last attempt */
	unsigned char basic_key[32];          /* random per process */
	struct basic_seen basic[BASIC_CACHE]; /* round robin */
	unsigned basic_next;
	struct shmcount *shm; /* the host-shared file (lib/shmcount.h), or NULL */
	bool shm_tried;       /* shm was opened, or failed to, once */
	struct id_seen *ids;  /* identity cache (fcgi/auth.c): ID_CACHE entries or NULL */
	unsigned ids_next;    /* round robin */
};

#endif
