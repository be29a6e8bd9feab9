/* config.c: process configuration from the environment or a KEY=value file. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* environ */

#include <sodium.h>

#include "lib/config.h"
#include "lib/netcheck.h"
#include "lib/util.h"

#define DEFAULT_MAX_BODY (1024 * 1024)

static const char *const env_names[ENV__MAX] = {
	"production",  /* ENV_PRODUCTION */
	"staging",     /* ENV_STAGING */
	"development", /* ENV_DEVELOPMENT */
};

/* The STRATUS_CONFIG file's entries, loaded once by config_load. */
struct kv {
	char *key;
	char *value;
};
static struct kv *file_kv;
static size_t file_nkv;

const char *config_environment_name(enum environment e)
{
	return e < ENV__MAX ? env_names[e] : "?";
}

/* ------------------------------------------------------------------ DATABASE_URL */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..n) into a new string; NULL on a bad escape or NUL. */
static char *pct_decode(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n) {
				free(out);
				return NULL;
			}
			hi = hexval((unsigned char)s[i + 1]);
			lo = hi < 0 ? -1 : hexval((unsigned char)s[i + 2]);
			if (lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

void db_url_free(struct db_url *u)
{
	free(u->user);
	if (u->password != NULL)
		sodium_memzero(u->password, strlen(u->password));
	free(u->password);
	free(u->host);
	free(u->socket);
	free(u->database);
	memset(u, 0, sizeof(*u));
}

int config_parse_database_url(const char *url, struct db_url *out, char *err, size_t errlen)
{
	const char *p, *at, *slash, *q, *hostend, *colon;
	struct db_url u = { .port = 3306 };

	memset(out, 0, sizeof(*out));
	if (strncmp(url, "mysql://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "mariadb://", 10) == 0)
		p = url + 10;
	else
		return util_fail(err, errlen,
		                 "DATABASE_URL must start with mysql:// or mariadb:// "
		                 "(mysql://user:pass@host:port/db)");

	/* user:password@ (the password may contain ':' and '@' only percent-encoded) */
	slash = strchr(p, '/');
	at = strchr(p, '@');
	if (at == NULL || (slash != NULL && at > slash))
		return util_fail(err, errlen, "DATABASE_URL has no user@ part");
	colon = memchr(p, ':', (size_t)(at - p));
	if ((u.user = pct_decode(p, (size_t)((colon ? colon : at) - p))) == NULL || *u.user == '\0')
		goto bad_user;
	if (colon != NULL && (u.password = pct_decode(colon + 1, (size_t)(at - colon - 1))) == NULL)
		goto bad_password;
	p = at + 1;

	/* host[:port] or [v6][:port] */
	if (slash == NULL) {
		db_url_free(&u);
		return util_fail(err, errlen, "DATABASE_URL has no /database part");
	}
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(slash - p));

		if (rb == NULL)
			goto bad_host;
		u.host = pct_decode(p + 1, (size_t)(rb - p - 1));
		hostend = rb + 1;
		colon = (*hostend == ':') ? hostend : NULL;
		if (colon == NULL && hostend != slash)
			goto bad_host;
	} else {
		colon = memchr(p, ':', (size_t)(slash - p));
		hostend = colon ? colon : slash;
		u.host = pct_decode(p, (size_t)(hostend - p));
	}
	if (u.host == NULL || *u.host == '\0')
		goto bad_host;
	if (colon != NULL) {
		char portbuf[8];
		int64_t port;
		size_t n = (size_t)(slash - colon - 1);

		if (n == 0 || n >= sizeof(portbuf))
			goto bad_port;
		memcpy(portbuf, colon + 1, n);
		portbuf[n] = '\0';
		if (util_parse_int64(portbuf, 1, 65535, &port) < 0)
			goto bad_port;
		u.port = (unsigned)port;
	}

	/* /database[?socket=/path] */
	p = slash + 1;
	q = strchr(p, '?');
	if ((u.database = pct_decode(p, q ? (size_t)(q - p) : strlen(p))) == NULL ||
	    *u.database == '\0' || strchr(u.database, '/') != NULL) {
		db_url_free(&u);
		return util_fail(err, errlen, "DATABASE_URL has an empty or invalid database name");
	}
	while (q != NULL) {
		const char *k = q + 1, *amp = strchr(k, '&'), *eq;
		size_t n = amp ? (size_t)(amp - k) : strlen(k);

		eq = memchr(k, '=', n);
		if (eq != NULL && (size_t)(eq - k) == 6 && strncmp(k, "socket", 6) == 0) {
			free(u.socket);
			if ((u.socket = pct_decode(eq + 1, n - 7)) == NULL || u.socket[0] != '/') {
				db_url_free(&u);
				return util_fail(err, errlen,
				                 "DATABASE_URL: socket= must be an absolute path");
			}
		} else if (eq != NULL && (size_t)(eq - k) == 7 && strncmp(k, "charset", 7) == 0) {
			if (n - 8 != 7 || strncmp(eq + 1, "utf8mb4", 7) != 0) {
				db_url_free(&u);
				return util_fail(err, errlen,
				                 "DATABASE_URL: only charset=utf8mb4 is supported");
			}
		} else {
			char name[32];

			db_url_free(&u);
			return util_fail(
			        err, errlen, "DATABASE_URL: unknown parameter '%s'",
			        util_clean(name, sizeof(name), k, eq ? (size_t)(eq - k) : n));
		}
		q = amp;
	}
	*out = u;
	return 0;

bad_user:
	db_url_free(&u);
	return util_fail(err, errlen, "DATABASE_URL has an empty or badly encoded user");
bad_password:
	db_url_free(&u);
	return util_fail(err, errlen, "DATABASE_URL has a badly percent-encoded password");
bad_host:
	db_url_free(&u);
	return util_fail(err, errlen, "DATABASE_URL has an empty or invalid host");
bad_port:
	db_url_free(&u);
	return util_fail(err, errlen, "DATABASE_URL has an invalid port (1-65535)");
}

/* ------------------------------------------------------------------ the file */

static void file_free(void)
{
	for (size_t i = 0; i < file_nkv; i++) {
		free(file_kv[i].key);
		free(file_kv[i].value);
	}
	free(file_kv);
	file_kv = NULL;
	file_nkv = 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * Reads KEY=value lines: '#' comments, blank lines, an optional "export "
 * (so the same file can be sourced by a shell) and optional matching quotes.
 */
static int file_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	unsigned lineno = 0;

	if (f == NULL)
		return util_fail(err, errlen, "STRATUS_CONFIG: cannot open %s: %s", path,
		                 strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line), *eq, *k, *v;
		struct kv *nkv;
		size_t vl;

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		if (strncmp(s, "export ", 7) == 0)
			s = trim(s + 7);
		if ((eq = strchr(s, '=')) == NULL) {
			fclose(f);
			file_free();
			return util_fail(err, errlen, "STRATUS_CONFIG: %s line %u is not KEY=value",
			                 path, lineno);
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		vl = strlen(v);
		if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
			v[vl - 1] = '\0';
			v++;
		}
		nkv = realloc(file_kv, (file_nkv + 1) * sizeof(*file_kv));
		if (nkv == NULL) {
			fclose(f);
			file_free();
			return util_fail(err, errlen, "out of memory");
		}
		file_kv = nkv;
		file_kv[file_nkv].key = strdup(k);
		file_kv[file_nkv].value = strdup(v);
		file_nkv++;
		if (file_kv[file_nkv - 1].key == NULL || file_kv[file_nkv - 1].value == NULL) {
			fclose(f);
			file_free();
			return util_fail(err, errlen, "out of memory");
		}
	}
	fclose(f);
	return 0;
}

const char *config_raw(const char *name)
{
	const char *v = getenv(name);

	if (v != NULL)
		return v;
	/* The last assignment in the file wins, as in a shell. */
	for (size_t i = file_nkv; i-- > 0;)
		if (strcmp(file_kv[i].key, name) == 0)
			return file_kv[i].value;
	return NULL;
}

void config_each(const char *prefix, void (*fn)(const char *name, const char *value, void *ud),
                 void *ud)
{
	size_t pl = strlen(prefix);

	/* The file's, unless the environment or a later line sets the same name. */
	for (size_t i = 0; i < file_nkv; i++) {
		bool later = false;

		if (strncmp(file_kv[i].key, prefix, pl) != 0 || getenv(file_kv[i].key) != NULL)
			continue;
		for (size_t j = i + 1; j < file_nkv && !later; j++)
			later = strcmp(file_kv[i].key, file_kv[j].key) == 0;
		if (!later)
			fn(file_kv[i].key, file_kv[i].value, ud);
	}
	for (char **e = environ; e != NULL && *e != NULL; e++) {
		const char *eq = strchr(*e, '=');
		char name[128];

		if (eq == NULL || strncmp(*e, prefix, pl) != 0 || (size_t)(eq - *e) >= sizeof(name))
			continue;
		memcpy(name, *e, (size_t)(eq - *e));
		name[eq - *e] = '\0';
		fn(name, eq + 1, ud);
	}
}

/* ------------------------------------------------------------------ settings */

static int get_long(const char *name, long def, long min, long max, long *out, char *err,
                    size_t errlen)
{
	const char *v = config_raw(name);
	int64_t n;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	if (util_parse_int64(v, min, max, &n) < 0)
		return util_fail(err, errlen, "%s must be an integer from %ld to %ld", name, min,
		                 max);
	*out = (long)n;
	return 0;
}

static int parse_peers(struct config *c, const char *v, char *err, size_t errlen)
{
	char *copy = strdup(v), *save = NULL, *item;

	if (copy == NULL)
		return util_fail(err, errlen, "out of memory");
	for (item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		char *it = trim(item), *eq = strchr(it, '=');
		struct peer *np;

		if (*it == '\0')
			continue;
		if (eq == NULL || eq == it ||
		    (strncmp(eq + 1, "http://", 7) != 0 && strncmp(eq + 1, "https://", 8) != 0)) {
			free(copy);
			return util_fail(
			        err, errlen,
			        "STRATUS_PEERS must be name=http://host:port,... (bad entry)");
		}
		*eq = '\0';
		if ((np = realloc(c->peers, (c->npeers + 1) * sizeof(*np))) == NULL) {
			free(copy);
			return util_fail(err, errlen, "out of memory");
		}
		c->peers = np;
		c->peers[c->npeers].name = strdup(trim(it));
		c->peers[c->npeers].url = strdup(trim(eq + 1));
		c->npeers++;
		if (np[c->npeers - 1].name == NULL || np[c->npeers - 1].url == NULL) {
			free(copy);
			return util_fail(err, errlen, "out of memory");
		}
	}
	free(copy);
	return 0;
}

static char *dup_or_default(const char *name, const char *def)
{
	const char *v = config_raw(name);

	return strdup(v != NULL ? v : def);
}

/* Hashes each comma-separated key of `list` into c->env_key_hashes. */
static int add_env_keys(struct config *c, const char *list, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL, *item;

	if (copy == NULL)
		return util_fail(err, errlen, "out of memory");
	for (item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		char *k = trim(item);
		char(*nk)[APIKEY_HASH_HEX + 1];

		if (*k == '\0')
			continue;
		if (strlen(k) < 12) {
			sodium_memzero(copy, strlen(list));
			free(copy);
			return util_fail(err, errlen,
			                 "API_KEYS / OUMI_API_KEY: each key needs 12+ characters");
		}
		if ((nk = realloc(c->env_key_hashes, (c->nenv_keys + 1) * sizeof(*nk))) == NULL) {
			free(copy);
			return util_fail(err, errlen, "out of memory");
		}
		c->env_key_hashes = nk;
		apikey_hash(c->key_pepper, k, c->env_key_hashes[c->nenv_keys++]);
	}
	sodium_memzero(copy, strlen(list));
	free(copy);
	return 0;
}

/* The identity settings: pepper, issuers, limits. */
static int load_identity(struct config *c, char *err, size_t errlen)
{
	const char *v, *pool, *region, *client;
	long n;

	if ((v = config_raw("STRATUS_KEY_PEPPER")) == NULL || strlen(v) < 32)
		return util_fail(err, errlen,
		                 "STRATUS_KEY_PEPPER must be set to at least 32 random characters "
		                 "(API keys are stored as hashes keyed with it)");
	apikey_pepper_derive(v, c->key_pepper);
	if ((v = config_raw("API_KEYS")) != NULL && add_env_keys(c, v, err, errlen) < 0)
		return -1;
	if ((v = config_raw("OUMI_API_KEY")) != NULL && add_env_keys(c, v, err, errlen) < 0)
		return -1;
	if (c->jwt_secret == NULL)
		return util_fail(err, errlen,
		                 "JWT_SECRET_KEY must be set (at least 32 characters)");
	if ((v = config_raw("JWT_ALGORITHM")) != NULL && *v && strcmp(v, "HS256") != 0)
		return util_fail(err, errlen, "JWT_ALGORITHM: only HS256 is supported");
	if ((c->jwt_issuer = dup_or_default("STRATUS_JWT_ISSUER", "stratus")) == NULL)
		return util_fail(err, errlen, "out of memory");

	pool = config_raw("COGNITO_USER_POOL_ID");
	region = config_raw("COGNITO_REGION");
	client = config_raw("COGNITO_APP_CLIENT_ID");
	if (pool && *pool) {
		if (!region || !*region || !client || !*client)
			return util_fail(err, errlen,
			                 "COGNITO_USER_POOL_ID needs COGNITO_REGION and "
			                 "COGNITO_APP_CLIENT_ID");
		if (asprintf(&c->oidc_issuer, "https://cognito-idp.%s.amazonaws.com/%s", region,
		             pool) < 0)
			return util_fail(err, errlen, "out of memory");
		c->oidc_audience = strdup(client);
		c->oidc_cognito = true;
	} else if ((v = config_raw("STRATUS_OIDC_ISSUER")) != NULL && *v) {
		const char *aud = config_raw("STRATUS_OIDC_AUDIENCE");

		if (aud == NULL || *aud == '\0')
			return util_fail(err, errlen,
			                 "STRATUS_OIDC_ISSUER needs STRATUS_OIDC_AUDIENCE");
		c->oidc_issuer = strdup(v);
		c->oidc_audience = strdup(aud);
		v = config_raw("STRATUS_OIDC_COGNITO");
		c->oidc_cognito = v != NULL && strcmp(v, "1") == 0;
	}
	if (c->oidc_issuer != NULL) {
		const char *h = c->oidc_issuer;

		/* https, except loopback (the tests' stand-in issuer). */
		if (strncmp(h, "https://", 8) != 0 && strncmp(h, "http://127.0.0.1", 16) != 0 &&
		    strncmp(h, "http://localhost", 16) != 0 && strncmp(h, "http://[::1]", 12) != 0)
			return util_fail(err, errlen, "the OIDC issuer must be an https:// URL");
	}
	if (get_long("STRATUS_JWKS_TTL", 3600, 10, 86400, &c->jwks_ttl_s, err, errlen) < 0)
		return -1;

	c->open_registration = c->environment == ENV_DEVELOPMENT;
	if ((v = config_raw("STRATUS_OPEN_REGISTRATION")) != NULL && *v) {
		if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0 && strcmp(v, "true") != 0 &&
		    strcmp(v, "false") != 0)
			return util_fail(err, errlen,
			                 "STRATUS_OPEN_REGISTRATION must be 1/0/true/false");
		c->open_registration = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	}
	if (get_long("STRATUS_RATE_AUTH", 5, 0, 1000000, &c->rate_auth, err, errlen) < 0 ||
	    get_long("STRATUS_RATE_AUTH_ADDRESS", 30, 0, 1000000, &c->rate_auth_address, err,
	             errlen) < 0 ||
	    get_long("STRATUS_RATE_GENERAL", 100, 0, 10000000, &c->rate_general, err, errlen) < 0 ||
	    get_long("STRATUS_RATE_HEAVY", 10, 0, 1000000, &c->rate_heavy, err, errlen) < 0 ||
	    get_long("STRATUS_RATE_WINDOW", 60, 1, 3600, &c->rate_window_s, err, errlen) < 0 ||
	    get_long("STRATUS_REFRESH_TTL_DAYS", 30, 1, 365, &c->refresh_ttl_days, err, errlen) < 0)
		return -1;
	/* Where rate-limit hits are counted: shared memory of this host, or MariaDB. */
	v = config_raw("STRATUS_RATE_STORE");
	if (v != NULL && *v && strcmp(v, "shm") != 0 && strcmp(v, "database") != 0)
		return util_fail(err, errlen, "STRATUS_RATE_STORE must be shm or database");
	c->rate_shm = v == NULL || *v == '\0' || strcmp(v, "shm") == 0;
	if ((c->shm_file = dup_or_default("STRATUS_SHM_FILE", "")) == NULL)
		return util_fail(err, errlen, "out of memory");
	if (c->shm_file[0] != '\0' && c->shm_file[0] != '/')
		return util_fail(err, errlen, "STRATUS_SHM_FILE must be an absolute path");
	if (get_long("STRATUS_AUTH_CACHE_MS", 1000, 0, 60000, &c->auth_cache_ms, err, errlen) < 0)
		return -1;
	if (get_long("STRATUS_BUILD_CACHE_MS", 1000, 0, 60000, &c->build_cache_ms, err, errlen) < 0)
		return -1;
	if (get_long("STRATUS_DASHBOARD_CACHE_MS", 1000, 0, 60000, &c->dashboard_cache_ms, err,
	             errlen) < 0)
		return -1;
	if (get_long("STRATUS_PWHASH_OPSLIMIT", 0, 0, 64, &n, err, errlen) < 0)
		return -1;
	c->pwhash_ops = (unsigned long long)n;
	if (get_long("STRATUS_PWHASH_MEMLIMIT", 0, 0, 4L * 1024 * 1024 * 1024, &n, err, errlen) < 0)
		return -1;
	c->pwhash_mem = (size_t)n;
	/* Argon2id takes a core for its whole run: by default half the host's. */
	n = sysconf(_SC_NPROCESSORS_ONLN) / 2;
	if (get_long("STRATUS_PWHASH_CONCURRENCY",
	             n < 1    ? 1
	             : n > 64 ? 64
	                      : n,
	             1, 64, &c->pwhash_concurrency, err, errlen) < 0 ||
	    get_long("STRATUS_MAX_KEYS_PER_USER", 20, 1, 10000, &c->max_keys_per_user, err,
	             errlen) < 0)
		return -1;
	return 0;
}

/* The language-model backend of POST /generate: off unless STRATUS_LLM_URL is set. */
static int load_generator(struct config *c, char *err, size_t errlen)
{
	const char *v = config_raw("STRATUS_LLM_URL");

	if (get_long("STRATUS_LLM_TIMEOUT_MS", 20000, 100, 600000, &c->llm_timeout_ms, err,
	             errlen) < 0)
		return -1;
	if (v == NULL || *v == '\0')
		return 0;
	if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
		return util_fail(err, errlen, "STRATUS_LLM_URL must be an http:// or https:// URL");
	c->llm_url = strdup(v);
	c->llm_model = dup_or_default("STRATUS_LLM_MODEL", "default");
	if ((v = config_raw("STRATUS_LLM_API_KEY")) != NULL && *v != '\0')
		c->llm_api_key = strdup(v);
	if (c->llm_url == NULL || c->llm_model == NULL ||
	    (v != NULL && *v && c->llm_api_key == NULL))
		return util_fail(err, errlen, "out of memory");
	return 0;
}

/*
 * STRATUS_WEBHOOK_ALLOW, then the deprecated STRATUS_CALLBACK_ALLOW (its URL
 * prefixes read as scheme, host and port), into one allow list.
 */
static int webhook_allow(struct config *c, char *err, size_t errlen)
{
	static const char *const names[2] = { "STRATUS_WEBHOOK_ALLOW", "STRATUS_CALLBACK_ALLOW" };
	char why[256];

	for (int i = 0; i < 2; i++) {
		const char *v = config_raw(names[i]);

		if (v == NULL || *v == '\0')
			continue;
		if (c->webhook_allow == NULL &&
		    (c->webhook_allow = calloc(1, sizeof(*c->webhook_allow))) == NULL)
			return util_fail(err, errlen, "out of memory");
		if (netcheck_allow_parse(c->webhook_allow, v, i == 1, why, sizeof(why)) < 0)
			return util_fail(err, errlen, "%s: %s", names[i], why);
	}
	return 0;
}

/* The run engine, the reconciler and the terraform executor. */
static int load_runs(struct config *c, char *err, size_t errlen)
{
	const char *v;

	c->executor = dup_or_default("STRATUS_EXECUTOR", "terraform");
	c->workdir = dup_or_default("STRATUS_WORKDIR", "/var/lib/stratus/runs");
	c->terraform_bin = dup_or_default("TERRAFORM_BIN", "terraform");
	c->modules_dir = dup_or_default("STRATUS_MODULES_DIR", STRATUS_MODULES_DIR);
	if (c->executor == NULL || c->workdir == NULL || c->terraform_bin == NULL ||
	    c->modules_dir == NULL)
		return util_fail(err, errlen, "out of memory");
	if (strcmp(c->executor, "terraform") != 0 && strcmp(c->executor, "airflow") != 0)
		return util_fail(err, errlen, "STRATUS_EXECUTOR must be terraform or airflow");
	if (c->workdir[0] != '/')
		return util_fail(err, errlen, "STRATUS_WORKDIR must be an absolute path");
	if (c->terraform_bin[0] == '\0')
		return util_fail(err, errlen, "TERRAFORM_BIN must not be empty");
	if (get_long("STRATUS_RETRY_DELAY", 300, 0, 86400, &c->retry_delay_s, err, errlen) < 0 ||
	    get_long("STRATUS_MAX_ATTEMPTS", 3, 1, 100, &c->max_attempts, err, errlen) < 0 ||
	    get_long("STRATUS_STEP_TIMEOUT", 3600, 1, 86400, &c->step_timeout_s, err, errlen) < 0 ||
	    get_long("STRATUS_LEASE_SECONDS", 60, 3, 3600, &c->lease_s, err, errlen) < 0 ||
	    get_long("STRATUS_PROVISION_MAX_COUNT", 20, 1, 1000, &c->provision_max_count, err,
	             errlen) < 0)
		return -1;
	if (get_long("AIRFLOW_POLL_SECONDS", 15, 1, 3600, &c->airflow_poll_s, err, errlen) < 0 ||
	    get_long("AIRFLOW_TIMEOUT_MS", 10000, 100, 600000, &c->airflow_timeout_ms, err,
	             errlen) < 0)
		return -1;
	if ((v = config_raw("AIRFLOW_URL")) != NULL && *v) {
		if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
			return util_fail(err, errlen,
			                 "AIRFLOW_URL must be an http:// or https:// URL");
		c->airflow_url = strdup(v);
		c->airflow_dag = dup_or_default("AIRFLOW_DAG_ID", "stratus_provision");
		if ((v = config_raw("AIRFLOW_USERNAME")) != NULL && *v)
			c->airflow_user = strdup(v);
		if ((v = config_raw("AIRFLOW_PASSWORD")) != NULL && *v)
			c->airflow_password = strdup(v);
		if ((v = config_raw("AIRFLOW_TOKEN")) != NULL && *v)
			c->airflow_token = strdup(v);
		if (c->airflow_url == NULL || c->airflow_dag == NULL)
			return util_fail(err, errlen, "out of memory");
	} else if (strcmp(c->executor, "airflow") == 0) {
		return util_fail(err, errlen, "STRATUS_EXECUTOR=airflow needs AIRFLOW_URL");
	}
	if ((v = config_raw("STRATUS_WEBHOOK_SECRET")) != NULL && *v) {
		if (strlen(v) < 32)
			return util_fail(err, errlen,
			                 "STRATUS_WEBHOOK_SECRET must be at least 32 characters");
		if ((c->webhook_secret = strdup(v)) == NULL)
			return util_fail(err, errlen, "out of memory");
	}
	if (webhook_allow(c, err, errlen) < 0)
		return -1;
	if (get_long("STRATUS_WEBHOOK_ATTEMPTS", 6, 1, 50, &c->webhook_attempts, err, errlen) < 0)
		return -1;
	if ((v = config_raw("STRATUS_RETRY_BACKOFF")) != NULL && *v) {
		if (strcmp(v, "1") != 0 && strcmp(v, "0") != 0 && strcmp(v, "true") != 0 &&
		    strcmp(v, "false") != 0)
			return util_fail(err, errlen,
			                 "STRATUS_RETRY_BACKOFF must be 1/0/true/false");
		c->retry_backoff = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
	}
	return 0;
}

int config_load(struct config *c, char *err, size_t errlen)
{
	const char *path = getenv("STRATUS_CONFIG"), *v;
	long n;

	memset(c, 0, sizeof(*c));
	file_free();
	if (path != NULL && *path != '\0') {
		if (file_load(path, err, errlen) < 0)
			return -1;
		c->source = path;
	}

	if ((v = config_raw("DATABASE_URL")) == NULL || *v == '\0') {
		util_fail(err, errlen, "DATABASE_URL is not set (mysql://user:pass@host:port/db)");
		goto out;
	}
	if (config_parse_database_url(v, &c->db, err, errlen) < 0)
		goto out;

	c->environment = ENV_PRODUCTION;
	if ((v = config_raw("ENVIRONMENT")) != NULL && *v != '\0') {
		int i;

		for (i = 0; i < ENV__MAX && strcmp(v, env_names[i]) != 0; i++)
			;
		if (i == ENV__MAX) {
			util_fail(err, errlen,
			          "ENVIRONMENT must be production, staging or development");
			goto out;
		}
		c->environment = (enum environment)i;
	}

	c->log_level = LOG_INFO;
	if ((v = config_raw("LOG_LEVEL")) != NULL && *v != '\0' &&
	    log_level_parse(v, &c->log_level) < 0) {
		util_fail(err, errlen, "LOG_LEVEL must be debug, info, warning or error");
		goto out;
	}

	if ((v = config_raw("JWT_SECRET_KEY")) != NULL && *v != '\0') {
		if (strlen(v) < 32) {
			util_fail(err, errlen, "JWT_SECRET_KEY must be at least 32 characters");
			goto out;
		}
		c->jwt_secret = strdup(v);
	}
	if (get_long("JWT_ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 10080, &c->jwt_expire_minutes, err,
	             errlen) < 0)
		goto out;
	if (get_long("STRATUS_MAX_BODY", DEFAULT_MAX_BODY, 1024, 256L * 1024 * 1024, &n, err,
	             errlen) < 0)
		goto out;
	c->max_body = (size_t)n;
	if (get_long("STRATUS_PEER_TIMEOUT_MS", 2000, 50, 60000, &c->peer_timeout_ms, err, errlen) <
	    0)
		goto out;
	if ((v = config_raw("STRATUS_PEERS")) != NULL && parse_peers(c, v, err, errlen) < 0)
		goto out;
	if (load_identity(c, err, errlen) < 0)
		goto out;
	if (get_long("STRATUS_BUILD_STALE_MINUTES", 120, 1, 525600, &c->build_stale_minutes, err,
	             errlen) < 0)
		goto out;
	if (load_generator(c, err, errlen) < 0)
		goto out;
	if (load_runs(c, err, errlen) < 0)
		goto out;
	c->cors_origins = dup_or_default("STRATUS_CORS_ORIGINS", "*");
	c->schema_dir = dup_or_default("STRATUS_SCHEMA_DIR", STRATUS_SCHEMA_DIR);
	if (c->cors_origins == NULL || c->schema_dir == NULL) {
		util_fail(err, errlen, "out of memory");
		goto out;
	}
	return 0;
out:
	config_free(c);
	return -1;
}

void config_shm_path(const struct config *c, char *buf, size_t len)
{
	const struct db_url *u = &c->db;
	unsigned char h[16];
	char id[1024], hex[33];

	if (c->shm_file != NULL && c->shm_file[0] != '\0') {
		snprintf(buf, len, "%s", c->shm_file);
		return;
	}
	snprintf(id, sizeof(id), "%u/%s@%s:%u/%s?%s", (unsigned)geteuid(), u->user ? u->user : "",
	         u->host ? u->host : "", u->port, u->database ? u->database : "",
	         u->socket ? u->socket : "");
	crypto_generichash(h, sizeof(h), (const unsigned char *)id, strlen(id), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(buf, len, "/dev/shm/stratus-%s.4", hex);
}

void config_free(struct config *c)
{
	db_url_free(&c->db);
	if (c->jwt_secret != NULL)
		sodium_memzero(c->jwt_secret, strlen(c->jwt_secret));
	free(c->jwt_secret);
	for (size_t i = 0; i < c->npeers; i++) {
		free(c->peers[i].name);
		free(c->peers[i].url);
	}
	free(c->peers);
	free(c->cors_origins);
	free(c->schema_dir);
	free(c->shm_file);
	free(c->env_key_hashes);
	free(c->jwt_issuer);
	free(c->oidc_issuer);
	free(c->oidc_audience);
	free(c->executor);
	free(c->workdir);
	free(c->terraform_bin);
	free(c->modules_dir);
	if (c->webhook_secret != NULL)
		sodium_memzero(c->webhook_secret, strlen(c->webhook_secret));
	free(c->webhook_secret);
	free(c->webhook_allow);
	free(c->airflow_url);
	free(c->airflow_dag);
	free(c->airflow_user);
	if (c->airflow_password != NULL)
		sodium_memzero(c->airflow_password, strlen(c->airflow_password));
	free(c->airflow_password);
	if (c->airflow_token != NULL)
		sodium_memzero(c->airflow_token, strlen(c->airflow_token));
	free(c->airflow_token);
	free(c->llm_url);
	free(c->llm_model);
	if (c->llm_api_key != NULL)
		sodium_memzero(c->llm_api_key, strlen(c->llm_api_key));
	free(c->llm_api_key);
	sodium_memzero(c->key_pepper, sizeof(c->key_pepper));
	memset(c, 0, sizeof(*c));
	file_free();
}
