/* auth.c: who is calling (credentials) and what they may do (roles). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>
#include <sodium.h>

#include "db/identity.h"
#include "fcgi/auth.h"
#include "fcgi/ratelimit.h"
#include "lib/apikey.h"
#include "lib/httpc.h"
#include "lib/log.h"
#include "lib/password.h"
#include "lib/shmcount.h"
#include "lib/token.h"

static const char *const method_names[AUTH__MAX] = {
	"api_key", /* AUTH_API_KEY */
	"env_key", /* AUTH_ENV_KEY */
	"jwt",     /* AUTH_JWT */
	"oidc",    /* AUTH_OIDC */
	"basic",   /* AUTH_BASIC */
};

static const char *const role_names[ROLE__MAX] = {
	"public",    /* ROLE_PUBLIC */
	"readonly",  /* ROLE_READONLY */
	"developer", /* ROLE_DEVELOPER */
	"admin",     /* ROLE_ADMIN */
};

const char *auth_method_name(enum auth_method m)
{
	return m < AUTH__MAX ? method_names[m] : "?";
}

const char *role_name(enum role r)
{
	return r < ROLE__MAX ? role_names[r] : "?";
}

enum role role_parse(const char *s)
{
	for (int i = ROLE_READONLY; i < ROLE__MAX; i++)
		if (s != NULL && strcmp(s, role_names[i]) == 0)
			return (enum role)i;
	return ROLE__MAX;
}

static struct principal *new_principal(struct req *rq, enum auth_method m)
{
	struct principal *p = rq_alloc(rq, sizeof(*p));

	if (p != NULL) {
		memset(p, 0, sizeof(*p));
		p->method = m;
		p->rate_limit = -1;
	}
	return p;
}

/* A user may act only while active; anything else is a plain 401. */
static int user_usable(struct req *rq, const struct user *u)
{
	if (strcmp(u->status, "active") != 0)
		return api_error(rq, E_UNAUTHORIZED, "this account is %s", u->status);
	return 0;
}

static int db_failed(struct req *rq, enum db_rc rc)
{
	log_msg(LOG_ERROR, rq->request_id, "identity lookup failed: %s",
	        db_last_error(rq->app->db));
	return api_error(rq, rc == DB_UNAVAILABLE ? E_UNAVAILABLE : E_INTERNAL,
	                 "credentials could not be checked");
}

struct shmcount *auth_host_shared(struct app *app, const char *request_id)
{
	char path[512], why[600];

	if (app->shm_tried)
		return app->shm;
	app->shm_tried = true;
	config_shm_path(&app->cfg, path, sizeof(path));
	if ((app->shm = shmcount_open(path, true, why, sizeof(why))) == NULL)
		log_msg(LOG_WARNING, request_id,
		        "rate limits are counted in MariaDB, identities and builds not cached: %s",
		        why);
	return app->shm;
}

/* ------------------------------------------------------------------ identity cache */

/*
 * Looking a credential up costs a MariaDB round trip on every request, a
 * quarter of GET /builds/{uuid} (bench/RESULTS.md). A process remembers the
 * rows behind the credentials it accepted, an API key with its owner or a
 * user by id, for STRATUS_AUTH_CACHE_MS (1 s by default; 0: never), and
 * runs the same checks (revoked, expired, status, role) on them as on
 * fresh rows. Every change to users or keys made through Stratus (the API
 * or stratusctl) bumps the host's epoch (auth_identity_changed) after it
 * commits, and an entry read under an older epoch is not used: on this host
 * a revocation, demotion or disabling applies to the very next request. A
 * change made on another host, or by SQL, applies within the TTL. Without
 * the host-shared file there is no epoch, and nothing is cached. Refusals
 * are never cached.
 */
#define ID_CACHE 32

struct id_seen {
	int64_t until;                      /* monotonic us; 0: empty */
	uint64_t epoch;                     /* the host's epoch before the row was read */
	char key_hash[APIKEY_HASH_HEX + 1]; /* a key's entry; "" for a user's */
	struct apikey_row k;
	struct user u; /* a user's entry */
};

/* The host's epoch; *ok false when identities cannot be cached. */
static uint64_t id_epoch(struct req *rq, bool *ok)
{
	struct shmcount *c = NULL;

	*ok = rq->app->cfg.auth_cache_ms > 0 &&
	      (c = auth_host_shared(rq->app, rq->request_id)) != NULL;
	return *ok ? shmcount_epoch(c) : 0;
}

/* The live entry of a key (key_hash) or of a user (user_id), or NULL. */
static const struct id_seen *id_find(struct req *rq, const char *key_hash, int64_t user_id)
{
	struct app *app = rq->app;
	int64_t now = util_monotonic_us();
	uint64_t epoch;
	bool ok;

	if (app->ids == NULL)
		return NULL;
	epoch = id_epoch(rq, &ok);
	for (int i = 0; ok && i < ID_CACHE; i++) {
		const struct id_seen *e = &app->ids[i];

		if (e->until <= now || e->epoch != epoch)
			continue;
		if (key_hash != NULL ? strcmp(e->key_hash, key_hash) == 0
		                     : e->key_hash[0] == '\0' && e->u.id == user_id)
			return e;
	}
	return NULL;
}

/*
 * Remembers an accepted row read after the epoch `epoch` was: a change
 * committed in between bumped it, and the entry is void from the start.
 */
static void id_remember(struct app *app, uint64_t epoch, const char *key_hash,
                        const struct apikey_row *k, const struct user *u)
{
	struct id_seen *e;

	if (app->ids == NULL && (app->ids = calloc(ID_CACHE, sizeof(*app->ids))) == NULL)
		return;
	e = &app->ids[app->ids_next++ % ID_CACHE];
	sodium_memzero(e, sizeof(*e));
	e->until = util_monotonic_us() + app->cfg.auth_cache_ms * 1000;
	e->epoch = epoch;
	if (key_hash != NULL) {
		snprintf(e->key_hash, sizeof(e->key_hash), "%s", key_hash);
		e->k = *k;
		e->k.touch_due = false; /* touched now, if it was due */
	} else {
		e->u = *u;
	}
}

void auth_identity_changed(struct app *app)
{
	struct shmcount *c = auth_host_shared(app, NULL);

	if (c != NULL)
		shmcount_epoch_bump(c);
}

void auth_forget_identities(struct app *app)
{
	if (app->ids != NULL)
		sodium_memzero(app->ids, ID_CACHE * sizeof(*app->ids));
	free(app->ids);
	app->ids = NULL;
}

/* ------------------------------------------------------------------ API keys */

static int from_api_key(struct req *rq, const char *key)
{
	struct app *app = rq->app;
	char hash[APIKEY_HASH_HEX + 1];
	const struct id_seen *seen;
	struct principal *p;
	struct apikey_row k;
	uint64_t epoch = 0;
	bool cacheable = false;
	enum db_rc rc;

	if (strlen(key) > 256)
		return api_error(rq, E_UNAUTHORIZED, AUTH_BAD_KEY_MSG);
	apikey_hash(app->cfg.key_pepper, key, hash);
	if (!apikey_well_formed(key)) {
		/* Not ours by format: maybe one of the environment's keys. */
		for (size_t i = 0; i < app->cfg.nenv_keys; i++) {
			if (sodium_memcmp(hash, app->cfg.env_key_hashes[i], APIKEY_HASH_HEX) == 0) {
				if ((p = new_principal(rq, AUTH_ENV_KEY)) == NULL)
					return api_error(rq, E_INTERNAL, "out of memory");
				p->role = ROLE_ADMIN;
				snprintf(p->label, sizeof(p->label), "env-key");
				rq->who = p;
				return 0;
			}
		}
		return api_error(rq, E_UNAUTHORIZED, AUTH_BAD_KEY_MSG);
	}
	if ((seen = id_find(rq, hash, 0)) != NULL) {
		k = seen->k;
	} else {
		epoch = id_epoch(rq, &cacheable);
		if ((rc = db_apikey_by_hash(app->db, hash, &k)) == DB_NOT_FOUND)
			return api_error(rq, E_UNAUTHORIZED, AUTH_BAD_KEY_MSG);
		if (rc != DB_OK)
			return db_failed(rq, rc);
	}
	if (k.revoked_at[0] != '\0')
		return api_error(rq, E_UNAUTHORIZED, "this API key has been revoked");
	if (k.expired)
		return api_error(rq, E_UNAUTHORIZED, "this API key has expired");
	if (strcmp(k.user_status, "active") != 0)
		return api_error(rq, E_UNAUTHORIZED, "the owner of this API key is %s",
		                 k.user_status);
	if ((p = new_principal(rq, AUTH_API_KEY)) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	p->role = role_parse(k.role);
	if (role_parse(k.user_role) < p->role)
		p->role = role_parse(k.user_role);
	if (p->role == ROLE__MAX)
		p->role = ROLE_READONLY;
	p->user_id = k.user_id;
	p->key_id = k.id;
	snprintf(p->user.username, sizeof(p->user.username), "%s", k.username);
	p->rate_limit = k.rate_limit;
	snprintf(p->label, sizeof(p->label), "key:%lld", (long long)k.id);
	rq->who = p;
	if (cacheable)
		id_remember(app, epoch, hash, &k, NULL);
	/* last_used_* at most once a minute: the lookup said whether it is due. */
	if (k.touch_due)
		db_apikey_touch(app->db, k.id, rq->client_addr ? rq->client_addr : "");
	return 0;
}

/* ------------------------------------------------------------------ users */

/*
 * The user `id` of a verified own token issued at session version `sv`:
 * a password change, a block or a role change since then moved the
 * user's session_version, and the token is refused.
 */
static int as_user(struct req *rq, enum auth_method m, int64_t id, int64_t sv)
{
	const struct id_seen *seen = id_find(rq, NULL, id);
	struct principal *p;
	uint64_t epoch = 0;
	bool cacheable = false;
	enum db_rc rc;

	if ((p = new_principal(rq, m)) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if (seen != NULL) {
		p->user = seen->u;
	} else {
		epoch = id_epoch(rq, &cacheable);
		if ((rc = db_user_by_id(rq->app->db, id, &p->user)) == DB_NOT_FOUND)
			return api_error(rq, E_UNAUTHORIZED, "the token's user does not exist");
		if (rc != DB_OK)
			return db_failed(rq, rc);
	}
	if (user_usable(rq, &p->user) < 0)
		return -1;
	if (sv != p->user.session_version)
		return api_error(rq, E_UNAUTHORIZED,
		                 "this session has ended (the password, role or status changed); "
		                 "log in again");
	if (cacheable)
		id_remember(rq->app, epoch, NULL, NULL, &p->user);
	/* The role is read now, not from the token: a demotion applies at once. */
	p->role = role_parse(p->user.role);
	p->user_id = id;
	snprintf(p->label, sizeof(p->label), "user:%lld", (long long)id);
	rq->who = p;
	return 0;
}

/* The process's key for the digests of verified credentials. */
static void seen_init(struct app *app, crypto_generichash_state *st, const char *what)
{
	if (sodium_is_zero(app->seen_key, sizeof(app->seen_key)))
		randombytes_buf(app->seen_key, sizeof(app->seen_key));
	crypto_generichash_init(st, app->seen_key, sizeof(app->seen_key), 32);
	crypto_generichash_update(st, (const unsigned char *)what, strlen(what) + 1);
}

/* The live entry of `tab` with digest `d`, or NULL. */
static const struct seen *seen_find(const struct seen *tab, size_t n, const unsigned char d[32])
{
	int64_t now = util_monotonic_us();

	for (size_t i = 0; i < n; i++)
		if (tab[i].until > now && sodium_memcmp(tab[i].digest, d, 32) == 0)
			return &tab[i];
	return NULL;
}

/* Takes the next entry of `tab` (round robin) for digest `d`, for ttl_us. */
static struct seen *seen_add(struct seen *tab, size_t n, unsigned *next, const unsigned char d[32],
                             int64_t ttl_us)
{
	struct seen *e = &tab[(*next)++ % n];

	memset(e, 0, sizeof(*e));
	memcpy(e->digest, d, 32);
	e->until = util_monotonic_us() + ttl_us;
	return e;
}

/* ------------------------------------------------------------------ passwords */

/*
 * Argon2id takes a core for its whole run (tens to hundreds of ms, by
 * design). Unbounded, a flood of wrong passwords holds every responder and
 * core, and key- and token-authenticated requests wait behind it. The host
 * runs at most STRATUS_PWHASH_CONCURRENCY of them at once (places in the
 * host-shared file); a request over that is answered 429 with Retry-After
 * at once, never queued. Without the shared file there is no bound.
 */
static int pw_gate_take(struct req *rq, int *place)
{
	struct shmcount *c = auth_host_shared(rq->app, rq->request_id);

	*place = -1;
	if (c == NULL)
		return 0;
	if ((*place = shmcount_work_take(c, (unsigned)rq->app->cfg.pwhash_concurrency,
	                                 (int64_t)time(NULL))) >= 0)
		return 0;
	api_header(rq, "Retry-After", "1");
	return api_error(rq, E_RATE_LIMITED,
	                 "too many password checks are in progress on this server; retry in a "
	                 "second");
}

static void pw_gate_give(struct req *rq, int place)
{
	if (place >= 0)
		shmcount_work_give(rq->app->shm, place);
}

int auth_password_verify(struct req *rq, const char *hash, const char *pw, bool *ok)
{
	int place;

	*ok = false;
	if (pw_gate_take(rq, &place) < 0)
		return -1;
	*ok = password_verify(hash, pw);
	pw_gate_give(rq, place);
	return 0;
}

int auth_password_hash(struct req *rq, const char *pw, char out[PASSWORD_HASH_MAX])
{
	int place, rc;

	if (pw_gate_take(rq, &place) < 0)
		return -1;
	rc = password_hash(pw, out);
	pw_gate_give(rq, place);
	if (rc < 0)
		return api_error(rq, E_INTERNAL, "the password could not be hashed");
	return 0;
}

/*
 * A hash to verify against when the user does not exist, so that a wrong
 * username costs as much as a wrong password. Computed once per process.
 */
static const char *dummy_hash(void)
{
	static char hash[PASSWORD_HASH_MAX];

	if (hash[0] == '\0' && password_hash("stratus-dummy-password-Aa1!", hash) < 0)
		return NULL;
	return hash;
}

/*
 * The one spelling of a login identifier: ASCII letters lower-cased (emails
 * and usernames are compared without case), nothing else changed. Returns
 * false when `ident` cannot name an account as given: surrounding
 * whitespace, or over 254 bytes (*canon is then the trimmed spelling, so
 * that the attempt still counts against the account it aims at).
 */
static bool login_canonical(const char *ident, char canon[256])
{
	size_t n = strlen(ident), b = 0, i;
	bool exact;

	while (b < n && isspace((unsigned char)ident[b]))
		b++;
	while (n > b && isspace((unsigned char)ident[n - 1]))
		n--;
	exact = b == 0 && ident[n] == '\0' && n - b <= 254;
	if (n - b > 254)
		n = b + 254;
	for (i = 0; b + i < n; i++)
		canon[i] = (char)tolower((unsigned char)ident[b + i]);
	canon[i] = '\0';
	return exact;
}

/* ASCII case folded, every other byte equal: MariaDB's collation is looser. */
static bool same_identifier(const char *canon, const char *stored)
{
	return stored[0] != '\0' && strcasecmp(canon, stored) == 0;
}

/*
 * auth_login_check with, for Basic, `seen`: called with the account once it
 * is found by the identifier as given, it says whether this password was
 * verified for it lately (then no limit counts, no work is done, and 2 is
 * returned).
 */
static int login_check(struct req *rq, const char *ident, const char *pass, struct user *u,
                       bool count_every,
                       bool (*seen)(struct req *rq, const struct user *u, const char *pass))
{
	struct app *app = rq->app;
	char canon[256], key[360], net[80];
	const char *hash;
	bool exact, ok = false;
	enum db_rc rc;

	exact = login_canonical(ident, canon);
	ratelimit_client_net(rq, net, sizeof(net));
	/* Basic counts failures only, so the address's failures are peeked here;
	 * login routes counted every attempt of the address in the pipeline. */
	if (!count_every && ratelimit_full(rq, "auth-address", net, app->cfg.rate_auth_address) < 0)
		return -1;
	rc = db_user_by_login(app->db, canon, u);
	if (rc != DB_OK && rc != DB_NOT_FOUND)
		return db_failed(rq, rc);
	/* Every spelling that reaches an account counts against that account. */
	if (rc == DB_OK)
		snprintf(key, sizeof(key), "u:%lld|%s", (long long)u->id, net);
	else
		snprintf(key, sizeof(key), "i:%s|%s", canon, net);
	if (rc == DB_OK &&
	    (!exact || !(same_identifier(canon, u->email) || same_identifier(canon, u->username))))
		rc = DB_NOT_FOUND;
	if (rc == DB_OK && seen != NULL && seen(rq, u, pass))
		return 2;
	if (count_every ? ratelimit_hit(rq, "auth", key, app->cfg.rate_auth) < 0
	                : ratelimit_full(rq, "auth", key, app->cfg.rate_auth) < 0)
		return -1;
	/* The same work whether or not the account exists: no user enumeration. */
	hash = rc == DB_OK && u->password_hash[0] != '\0' ? u->password_hash : dummy_hash();
	if (hash != NULL && auth_password_verify(rq, hash, pass, &ok) < 0)
		return -1;
	if (rc == DB_OK && hash == u->password_hash && ok)
		return 0;
	if (!count_every &&
	    (ratelimit_hit(rq, "auth", key, app->cfg.rate_auth) < 0 ||
	     ratelimit_hit(rq, "auth-address", net, app->cfg.rate_auth_address) < 0))
		return -1;
	return 1;
}

int auth_login_check(struct req *rq, const char *ident, const char *pass, struct user *u,
                     bool count_every)
{
	return login_check(rq, ident, pass, u, count_every, NULL);
}

/*
 * Basic sends the password with every request, and Argon2id costs tens of
 * milliseconds by design. A process remembers the credentials it verified
 * for five minutes as a keyed hash of (user id, stored hash, password): a
 * password change changes the stored hash and so forgets them, and the
 * account's status and role are still read on every request. Failures
 * count against the account (whatever the identifier's spelling) and the
 * client's address, as failed logins do (auth_login_check), and a full
 * bucket refuses even the right password, so Basic is no way around the
 * login limits.
 */
static void basic_digest(struct app *app, const struct user *u, const char *pass,
                         unsigned char out[32])
{
	crypto_generichash_state st;

	seen_init(app, &st, "basic");
	crypto_generichash_update(&st, (const unsigned char *)&u->id, sizeof(u->id));
	crypto_generichash_update(&st, (const unsigned char *)u->password_hash,
	                          strlen(u->password_hash) + 1);
	crypto_generichash_update(&st, (const unsigned char *)pass, strlen(pass));
	crypto_generichash_final(&st, out, 32);
}

/* login_check's `seen` for Basic: this password was verified for `u` lately. */
static bool basic_seen(struct req *rq, const struct user *u, const char *pass)
{
	unsigned char digest[32];

	if (u->password_hash[0] == '\0')
		return false;
	basic_digest(rq->app, u, pass, digest);
	return seen_find(rq->app->basic, BASIC_CACHE, digest) != NULL;
}

static int from_basic(struct req *rq, const char *b64)
{
	struct app *app = rq->app;
	unsigned char dec[512], digest[32];
	size_t n = 0;
	char *colon, *user, *pass;
	struct principal *p;
	int ret = -1, r;

	if (strlen(b64) > 680 || sodium_base642bin(dec, sizeof(dec) - 1, b64, strlen(b64), NULL, &n,
	                                           NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return api_error(rq, E_UNAUTHORIZED, "malformed Basic credentials");
	dec[n] = '\0';
	if (memchr(dec, '\0', n) != NULL || (colon = strchr((char *)dec, ':')) == NULL) {
		sodium_memzero(dec, sizeof(dec));
		return api_error(rq, E_UNAUTHORIZED, "malformed Basic credentials");
	}
	*colon = '\0';
	user = (char *)dec;
	pass = colon + 1;
	if ((p = new_principal(rq, AUTH_BASIC)) == NULL) {
		ret = api_error(rq, E_INTERNAL, "out of memory");
		goto out;
	}
	if ((r = login_check(rq, user, pass, &p->user, false, basic_seen)) < 0)
		goto out;
	if (r == 1) {
		api_error(rq, E_UNAUTHORIZED, "invalid username or password");
		goto out;
	}
	if (r == 0) { /* verified now: remembered for five minutes */
		basic_digest(app, &p->user, pass, digest);
		seen_add(app->basic, BASIC_CACHE, &app->basic_next, digest, 300 * 1000000LL);
	}
	if (user_usable(rq, &p->user) < 0)
		goto out;
	p->role = role_parse(p->user.role);
	p->user_id = p->user.id;
	snprintf(p->label, sizeof(p->label), "user:%lld", (long long)p->user.id);
	rq->who = p;
	ret = 0;
out:
	sodium_memzero(dec, sizeof(dec));
	return ret;
}

/* ------------------------------------------------------------------ JWKS */

void auth_forget_jwks(struct app *app)
{
	jwks_free(app->jwks, app->njwks);
	app->jwks = NULL;
	app->njwks = 0;
	app->jwks_at = 0;
}

/* Fetches <issuer>/.well-known/jwks.json into the process cache. */
static int fetch_jwks(struct req *rq)
{
	struct app *app = rq->app;
	const char *iss = app->cfg.oidc_issuer;
	size_t il = strlen(iss);
	char *url = rq_printf(rq, "%.*s/.well-known/jwks.json",
	                      (int)(il && iss[il - 1] == '/' ? il - 1 : il), iss);
	struct httpc_response r;
	char why[160];
	struct jwk *keys = NULL;
	int n, rc;

	app->jwks_tried_at = util_monotonic_us();
	if (url == NULL)
		return -1;
	rc = httpc_request("GET", url, NULL, NULL, 0, 3000, 1024 * 1024, &r, why, sizeof(why));
	if (rc == 0 && (r.status != 200 || r.body == NULL)) {
		snprintf(why, sizeof(why), "HTTP %ld", r.status);
		rc = -1;
	}
	if (rc < 0) {
		log_msg(LOG_WARNING, rq->request_id, "JWKS fetch from %s failed: %s", url, why);
		free(r.body);
		return -1;
	}
	n = jwks_parse(r.body, r.len, &keys);
	free(r.body);
	if (n < 0) {
		log_msg(LOG_WARNING, rq->request_id, "JWKS from %s is not a key set", url);
		return -1;
	}
	auth_forget_jwks(app);
	app->jwks = keys;
	app->njwks = n;
	app->jwks_at = util_monotonic_us();
	return 0;
}

/*
 * The PEM of `kid`: from the cache, refreshed when stale, refetched once
 * when unknown (the issuer rotated its keys), but at most every
 * min(5 s, TTL) per process, so that tokens with made-up kids cannot make
 * every request a call to the identity provider.
 */
static const char *jwk_pem(struct req *rq, const char *kid)
{
	struct app *app = rq->app;
	int64_t gap = (app->cfg.jwks_ttl_s < 5 ? app->cfg.jwks_ttl_s : 5) * 1000000LL;
	bool fetched = false;

	bool may_fetch = app->jwks_tried_at == 0 || util_monotonic_us() - app->jwks_tried_at >= gap;

	/* A stale set is refreshed; if the issuer is down the old keys stay. */
	if (may_fetch && (app->jwks_at == 0 || util_monotonic_us() - app->jwks_at >
	                                               (int64_t)app->cfg.jwks_ttl_s * 1000000)) {
		fetch_jwks(rq);
		fetched = true;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < app->njwks; i++)
			if (strcmp(app->jwks[i].kid, kid) == 0)
				return app->jwks[i].pem;
		if (fetched || !may_fetch || fetch_jwks(rq) < 0)
			break;
		fetched = true;
	}
	return NULL;
}

/* Cognito groups to a role: the highest wins; none is readonly. */
static enum role role_from_groups(struct json_object *claims)
{
	struct json_object *g;
	enum role r = ROLE_READONLY;

	if (!json_object_object_get_ex(claims, "cognito:groups", &g) ||
	    !json_object_is_type(g, json_type_array))
		return r;
	for (size_t i = 0; i < json_object_array_length(g); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(g, i));

		if (name == NULL)
			continue;
		if (strcmp(name, "Administrators") == 0)
			r = ROLE_ADMIN;
		else if (strcmp(name, "Developers") == 0 && r < ROLE_DEVELOPER)
			r = ROLE_DEVELOPER;
	}
	return r;
}

static const char *claim_str(struct json_object *claims, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(claims, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int from_oidc(struct req *rq, const char *jwt, const char *kid)
{
	struct app *app = rq->app;
	struct token_oidc want = { app->cfg.oidc_issuer, app->cfg.oidc_audience,
		                   app->cfg.oidc_cognito };
	struct json_object *claims = NULL;
	const char *pem, *sub;
	struct principal *p;
	enum token_rc trc;
	bool role_changed;
	enum role role;
	enum db_rc rc;

	if (kid[0] == '\0' || (pem = jwk_pem(rq, kid)) == NULL)
		return api_error(rq, E_UNAUTHORIZED, "token key id is not known to the issuer");
	trc = token_verify_rs256(jwt, pem, &want, (int64_t)time(NULL), &claims);
	if (trc != TOKEN_OK)
		return api_error(rq, E_UNAUTHORIZED, "%s", token_strerror(trc));
	rq_own_json(rq, claims);
	sub = claim_str(claims, "sub");
	role = role_from_groups(claims);
	if ((p = new_principal(rq, AUTH_OIDC)) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	rc = db_user_upsert_external(app->db, app->cfg.oidc_issuer, sub, claim_str(claims, "email"),
	                             claim_str(claims, "name"), role_name(role), &p->user,
	                             &role_changed);
	if (rc != DB_OK)
		return db_failed(rq, rc);
	if (role_changed) /* the issuer's groups moved: a cached own-token user too */
		auth_identity_changed(app);
	if (user_usable(rq, &p->user) < 0)
		return -1;
	p->role = role_parse(p->user.role);
	p->user_id = p->user.id;
	snprintf(p->label, sizeof(p->label), "user:%lld", (long long)p->user.id);
	rq->who = p;
	return 0;
}

/*
 * Decoding an own token parses its JSON three times (lib/token.c, libjwt)
 * and checks its signature: 13 % of GET /builds/{uuid} with a Bearer token
 * (bench/RESULTS.md). A process remembers the tokens it accepted, as a
 * keyed hash of the whole token with its user and expiry, for
 * STRATUS_AUTH_CACHE_MS: the same bytes are the same claims and the same
 * signature. The expiry still applies to every use, and the user's row is
 * checked on every request as for a fresh token (as_user). Refusals are
 * never remembered.
 */
static void token_digest(struct app *app, const char *jwt, unsigned char out[32])
{
	crypto_generichash_state st;

	seen_init(app, &st, "token");
	crypto_generichash_update(&st, (const unsigned char *)jwt, strlen(jwt));
	crypto_generichash_final(&st, out, 32);
}

static int from_bearer(struct req *rq, const char *jwt)
{
	struct app *app = rq->app;
	char alg[16], kid[128];
	struct json_object *claims = NULL, *exp = NULL, *svo = NULL;
	unsigned char digest[32];
	const struct seen *seen;
	int64_t id, sv = 0, now = (int64_t)time(NULL);
	bool memo = app->cfg.auth_cache_ms > 0;
	enum token_rc trc;
	const char *sub;

	if (token_peek_header(jwt, alg, sizeof(alg), kid, sizeof(kid)) != TOKEN_OK)
		return api_error(rq, E_UNAUTHORIZED, "%s", token_strerror(TOKEN_MALFORMED));
	/* The configured issuers decide the algorithm; the token's header never does. */
	if (strcmp(alg, "RS256") == 0 && app->cfg.oidc_issuer != NULL)
		return from_oidc(rq, jwt, kid);
	if (memo) {
		token_digest(app, jwt, digest);
		if ((seen = seen_find(app->tokens, TOKEN_CACHE, digest)) != NULL &&
		    seen->exp > now - TOKEN_LEEWAY_S) /* check_times' rule */
			return as_user(rq, AUTH_JWT, seen->user_id, seen->sv);
	}
	trc = token_verify_hs256(jwt, (const unsigned char *)app->cfg.jwt_secret,
	                         strlen(app->cfg.jwt_secret), app->cfg.jwt_issuer, now, &claims);
	if (trc != TOKEN_OK)
		return api_error(rq, E_UNAUTHORIZED, "%s", token_strerror(trc));
	rq_own_json(rq, claims);
	sub = claim_str(claims, "sub");
	if (sub == NULL || util_parse_int64(sub, 1, INT64_MAX, &id) < 0)
		return api_error(rq, E_UNAUTHORIZED, "%s", token_strerror(TOKEN_BAD_CLAIMS));
	/* The session version it was issued at; tokens of older releases have none (0). */
	if (json_object_object_get_ex(claims, "sv", &svo)) {
		if (!json_object_is_type(svo, json_type_int) ||
		    (sv = json_object_get_int64(svo)) < 0)
			return api_error(rq, E_UNAUTHORIZED, "%s",
			                 token_strerror(TOKEN_BAD_CLAIMS));
	}
	/* Verified: "exp" is an integer (check_times). */
	if (memo && json_object_object_get_ex(claims, "exp", &exp)) {
		struct seen *e = seen_add(app->tokens, TOKEN_CACHE, &app->tokens_next, digest,
		                          app->cfg.auth_cache_ms * 1000);

		e->user_id = id;
		e->exp = json_object_get_int64(exp);
		e->sv = sv;
	}
	return as_user(rq, AUTH_JWT, id, sv);
}

int auth_identify(struct req *rq)
{
	const char *key = rq_header(rq, "X-API-Key");
	const char *authz = rq_header(rq, "Authorization");
	int rc;

	if (key != NULL)
		rc = from_api_key(rq, key);
	else if (authz != NULL && strncasecmp(authz, "Bearer ", 7) == 0)
		rc = from_bearer(rq, authz + 7);
	else if (authz != NULL && strncasecmp(authz, "Basic ", 6) == 0)
		rc = from_basic(rq, authz + 6);
	else if (authz != NULL)
		return api_error(rq, E_UNAUTHORIZED, "unsupported Authorization scheme");
	else
		return 0;
	if (rc == 0 && rq->who != NULL)
		rq->principal = rq->who->label;
	return rc;
}
