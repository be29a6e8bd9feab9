/* auth.h: who is calling (credentials) and what they may do (roles). */
#ifndef STRATUS_AUTH_H
#define STRATUS_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "db/identity.h"
#include "fcgi/router.h"
#include "lib/password.h"

enum auth_method {
	AUTH_API_KEY, /* AUTH_API_KEY: a database key in X-API-Key */
	AUTH_ENV_KEY, /* AUTH_ENV_KEY: API_KEYS / OUMI_API_KEY */
	AUTH_JWT,     /* AUTH_JWT: a Stratus access token */
	AUTH_OIDC,    /* AUTH_OIDC: an external RS256 token (OIDC / Cognito) */
	AUTH_BASIC,   /* AUTH_BASIC: HTTP Basic with username or email */
	AUTH__MAX
};

/* The authenticated caller of one request (request memory). */
struct principal {
	enum auth_method method;
	enum role role;   /* effective: a key's role never exceeds its owner's */
	int64_t user_id;  /* 0 for environment keys */
	int64_t key_id;   /* API keys only */
	long rate_limit;  /* a key's own limit: -1 none, 0 unlimited */
	char label[64];   /* "user:42", "key:7", "env-key": logs, audit, rate buckets */
	struct user user; /* when user_id > 0 */
};

/* The message the original clients expect for a missing or bad API key. */
#define AUTH_BAD_KEY_MSG "Invalid API key. Please provide a valid X-API-Key header."

const char *auth_method_name(enum auth_method m);
const char *role_name(enum role r);
/* "readonly" -> ROLE_READONLY ...; ROLE__MAX when unknown. */
enum role role_parse(const char *s);

/*
 * Finds the caller from X-API-Key, then Authorization: Bearer, then Basic
 * (first present wins) and sets rq->who. No credentials leaves rq->who NULL
 * and returns 0. Returns -1 after answering 401 (bad credentials) or 503
 * (database down).
 */
int auth_identify(struct req *rq);

/*
 * Checks a login identifier (username or email) and password under the
 * login limits. The identifier is taken in one spelling (ASCII case
 * folded; surrounding whitespace never names an account), and attempts
 * count per account and client network (ratelimit_client_net) whatever the
 * spelling, STRATUS_RATE_AUTH a window. `count_every`: every attempt
 * counts (login routes, whose address limit the pipeline counts); else
 * only failures count, against the account and against the address
 * (STRATUS_RATE_AUTH_ADDRESS), and a full bucket refuses even the right
 * password (Basic). The password work passes the host's gate and costs the
 * same for an unknown user (a dummy hash). Returns 0 with *u filled, 1
 * when the identifier or password is wrong (not answered: the caller
 * words the 401), -1 after answering (429, 503).
 */
int auth_login_check(struct req *rq, const char *ident, const char *pass, struct user *u,
                     bool count_every);

/*
 * Argon2id under the host's bound (STRATUS_PWHASH_CONCURRENCY): verifies
 * `pw` against `hash` (*ok), or hashes `pw` into `out`. Return 0, or -1
 * after answering 429 with Retry-After (too many running on the host) or
 * 500.
 */
int auth_password_verify(struct req *rq, const char *hash, const char *pw, bool *ok);
int auth_password_hash(struct req *rq, const char *pw, char out[PASSWORD_HASH_MAX]);

/* Drops the process's cached JWKS (tests, key rotation). */
void auth_forget_jwks(struct app *app);
/*
 * To call after a change to users or API keys has committed: every process
 * of this host forgets the identities it cached (see fcgi/auth.c).
 */
void auth_identity_changed(struct app *app);

/*
 * The host-shared file (lib/shmcount.h, config_shm_path), opened on first
 * use and kept by the process (app->shm); NULL when it cannot be (logged
 * once per process): rate limits then count in MariaDB, and neither
 * identities nor builds (fcgi/memo.c) are cached.
 */
struct shmcount *auth_host_shared(struct app *app, const char *request_id);
/* Frees the identity cache (at exit). */
void auth_forget_identities(struct app *app);

#endif
