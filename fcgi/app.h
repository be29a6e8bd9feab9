/* app.h: the long-lived state of one responder process. */
#ifndef STRATUS_APP_H
#define STRATUS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/config.h"

struct db;
struct jwk;
struct shmcount;
struct id_seen;
struct memo_entry;

/*
 * Set up once per process in main() and torn down at exit: configuration,
 * the MariaDB connection with its prepared statements, counters. Requests
 * reach it through rq->app and never keep pointers into themselves here.
 */
/* A credential verified lately: a Basic password or an own token (see fcgi/auth.c). */
struct seen {
	unsigned char digest[32]; /* keyed hash of the credential */
	int64_t until;            /* monotonic us; 0: empty */
	int64_t user_id;          /* a token's user */
	int64_t exp;              /* a token's expiry, unix seconds */
	int64_t sv;               /* a token's session version ("sv") */
};
#define BASIC_CACHE 64
#define TOKEN_CACHE 64

struct app {
	struct config cfg;
	struct db *db;
	bool cgi;            /* serving one plain-CGI request */
	int64_t started_us;  /* monotonic */
	uint64_t requests;   /* served by this process */
	uint64_t errors[16]; /* per api_err code, for metrics */
	struct jwk *jwks;    /* the external issuer's keys (lib/token.h), cached */
	int njwks;
	int64_t jwks_at;                /* monotonic us of the last good fetch, 0: never */
	int64_t jwks_tried_at;          /* monotonic us of the last attempt */
	unsigned char seen_key[32];     /* random per process: keys the digests below */
	struct seen basic[BASIC_CACHE]; /* Basic credentials, round robin */
	unsigned basic_next;
	struct seen tokens[TOKEN_CACHE]; /* own tokens, round robin */
	unsigned tokens_next;
	struct shmcount *shm;    /* the host-shared file (lib/shmcount.h), or NULL */
	bool shm_tried;          /* shm was opened, or failed to, once */
	struct id_seen *ids;     /* identity cache (fcgi/auth.c): ID_CACHE entries or NULL */
	unsigned ids_next;       /* round robin */
	struct memo_entry *memo; /* remembered answers (fcgi/memo.c), or NULL */
	/* Membership lookup of F_PROJECT routes (fcgi/project.h, project_lookup_fn),
	 * set by main(); NULL: such routes answer 500. */
	int (*project_lookup)(struct app *app, const char *slug, int64_t user_id, int64_t *id,
	                      int *role);
	/* The API's description (handlers/openapi.c), rendered on first use, or NULL. */
	char *openapi;
	size_t openapi_len;
	char openapi_etag[40]; /* "<32 hex digits>" */
};

#endif
