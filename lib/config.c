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

/* ------------------------------------------------------------------ the settings */

static int check_database_url(const struct setting *s, const char *v, char *err, size_t errlen);
static int check_log_level(const struct setting *s, const char *v, char *err, size_t errlen);
static int check_env_keys(const struct setting *s, const char *v, char *err, size_t errlen);
static int check_peers(const struct setting *s, const char *v, char *err, size_t errlen);
static int check_allow(const struct setting *s, const char *v, char *err, size_t errlen);

/*
 * INT(name, default, min, max, help, then perhaps .shown); TXT(name, type,
 * default, shown default, allowed, help, then any of .flags, .minlen, .maxlen,
 * .fail, .check).
 */
/* clang-format off */
#define INT(n, d, lo, hi, h, ...) \
	{ .name = n, .type = SETTING_INT, .idef = d, .min = lo, .max = hi, .help = h, __VA_ARGS__ }
#define TXT(n, t, d, sh, al, h, ...) \
	{ .name = n, .type = t, .def = d, .shown = sh, .allowed = al, .help = h, __VA_ARGS__ }
/* clang-format on */

/* Longest STRATUS_WORKDIR / STRATUS_MODULES_DIR: the executor joins file names to them in
 * 4096-byte buffers (jobs/exec_terraform.c PATH_LEN). */
#define DIR_MAXLEN 3072
/* Longest STRATUS_SHM_FILE: fcgi/auth.c takes config_shm_path into 512 bytes. */
#define SHM_MAXLEN 511

/* Every setting, in the README's order. Keep it sorted by topic, not by name. */
const struct setting config_settings[] = {
	TXT("DATABASE_URL", SETTING_SECRET, NULL, "required", "mysql:// or mariadb:// URL",
	    "`mysql://user:pass@host:port/db`, or `mysql://user:pass@localhost/db?socket=/path`; "
	    "percent-encode special characters in the password",
	    .flags = SF_REQUIRED,
	    .fail = "DATABASE_URL is not set (mysql://user:pass@host:port/db)",
	    .check = check_database_url),
	TXT("ENVIRONMENT", SETTING_CHOICE, "production", NULL, "production, staging, development",
	    "what kind of deployment this is"),
	TXT("LOG_LEVEL", SETTING_CHOICE, "info", NULL, "debug, info, warning, error",
	    "`info` writes one access-log line per request", .check = check_log_level),
	/* Before JWT_SECRET_KEY: when both are missing, the pepper is named first. */
	TXT("STRATUS_KEY_PEPPER", SETTING_SECRET, NULL, "required", "32+ characters",
	    "random: API keys and refresh tokens are stored as hashes keyed with it (changing it "
	    "invalidates them)",
	    .flags = SF_REQUIRED, .minlen = 32,
	    .fail = "STRATUS_KEY_PEPPER must be set to at least 32 random characters (API keys "
	            "are stored as hashes keyed with it)"),
	TXT("JWT_SECRET_KEY", SETTING_SECRET, NULL, "required", "32+ characters",
	    "signs Stratus access tokens", .flags = SF_REQUIRED, .minlen = 32),
	TXT("JWT_ALGORITHM", SETTING_CHOICE, "HS256", NULL, "HS256",
	    "the only algorithm of Stratus tokens",
	    .fail = "JWT_ALGORITHM: only HS256 is supported"),
	INT("JWT_ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 10080,
	    "lifetime of access tokens in minutes"),
	TXT("STRATUS_JWT_ISSUER", SETTING_STRING, "stratus", NULL, "any text",
	    "`iss` of Stratus tokens"),
	TXT("API_KEYS", SETTING_SECRET, NULL, NULL, "keys of 12+ characters, comma-separated",
	    "admin keys from the environment", .check = check_env_keys),
	TXT("OUMI_API_KEY", SETTING_SECRET, NULL, NULL, "keys of 12+ characters, comma-separated",
	    "the same as `API_KEYS` (an alias kept from the original)", .check = check_env_keys),
	TXT("COGNITO_USER_POOL_ID", SETTING_STRING, NULL, NULL, "a pool id",
	    "accept Cognito RS256 tokens of this pool (needs the next two)"),
	TXT("COGNITO_REGION", SETTING_STRING, NULL, NULL, "an AWS region", "the pool's region"),
	TXT("COGNITO_APP_CLIENT_ID", SETTING_STRING, NULL, NULL, "a client id",
	    "the audience of the pool's tokens"),
	TXT("STRATUS_OIDC_ISSUER", SETTING_URL, NULL, NULL, "https:// (http:// on loopback)",
	    "accept RS256 tokens of another OIDC issuer (needs `STRATUS_OIDC_AUDIENCE`)",
	    .flags = SF_HTTPS, .fail = "the OIDC issuer must be an https:// URL"),
	TXT("STRATUS_OIDC_AUDIENCE", SETTING_STRING, NULL, NULL, "any text",
	    "that issuer's audience"),
	TXT("STRATUS_OIDC_COGNITO", SETTING_BOOL, NULL, "off", "1, 0, true, false",
	    "`1`: read `token_use` and groups as Cognito has them"),
	INT("STRATUS_JWKS_TTL", 3600, 10, 86400, "seconds a fetched JWKS is trusted"),
	TXT("STRATUS_OPEN_REGISTRATION", SETTING_BOOL, NULL, "on in development, else off",
	    "1, 0, true, false", "whether anyone may `POST /auth/register`"),
	INT("STRATUS_RATE_AUTH", 5, 0, 1000000,
	    "sign-in attempts per identifier and address per window; 0 = off"),
	INT("STRATUS_RATE_AUTH_ADDRESS", 30, 0, 1000000,
	    "sign-in attempts per address, all identifiers, per window; 0 = off"),
	INT("STRATUS_RATE_GENERAL", 100, 0, 10000000, "requests per principal per window; 0 = off"),
	INT("STRATUS_RATE_HEAVY", 10, 0, 1000000,
	    "requests to heavy routes per principal per window; 0 = off"),
	INT("STRATUS_RATE_WINDOW", 60, 1, 3600,
	    "the limits' window in seconds (the tests shorten it)"),
	TXT("STRATUS_RATE_STORE", SETTING_CHOICE, "shm", NULL, "shm, database",
	    "`shm`: count in the host's shared file; `database`: in MariaDB, for several hosts "
	    "sharing limits"),
	TXT("STRATUS_SHM_FILE", SETTING_PATH, "", "`/dev/shm/stratus-<hash>.4`", "an absolute path",
	    "the host's shared file (rate-limit counters, identity-change counter, build-change "
	    "counters); a file the responders' user can create",
	    .maxlen = SHM_MAXLEN),
	INT("STRATUS_AUTH_CACHE_MS", 1000, 0, 60000,
	    "how long a responder may use an accepted key or token user without asking MariaDB, "
	    "and an accepted token without verifying it again; 0 = off"),
	INT("STRATUS_BUILD_CACHE_MS", 1000, 0, 60000,
	    "how long a responder may answer `GET /builds/{uuid}` and its `/state` from memory; "
	    "writes through Stratus on the same host void it at once; 0 = off"),
	INT("STRATUS_DASHBOARD_CACHE_MS", 1000, 0, 60000,
	    "how long a responder may answer the summary and platform dashboards without "
	    "computing them again, whatever is written meanwhile; 0 = off"),
	INT("STRATUS_REFRESH_TTL_DAYS", 30, 1, 365, "lifetime of refresh tokens in days"),
	INT("STRATUS_PWHASH_OPSLIMIT", 0, 0, 64,
	    "Argon2id operations (never below interactive; 0 = interactive)",
	    .shown = "libsodium's interactive"),
	INT("STRATUS_PWHASH_MEMLIMIT", 0, 0, 4L * 1024 * 1024 * 1024,
	    "Argon2id memory in bytes (never below interactive; 0 = interactive)",
	    .shown = "libsodium's interactive"),
	INT("STRATUS_PWHASH_CONCURRENCY", 1, 1, 64,
	    "password checks (and hashings) the host runs at once; more are 429 at once",
	    .shown = "half the host's cores, at least 1"),
	INT("STRATUS_MAX_KEYS_PER_USER", 20, 1, 10000,
	    "active API keys a user may have; `stratusctl` is not held to it"),
	INT("STRATUS_MAX_BODY", DEFAULT_MAX_BODY, 1024, 256L * 1024 * 1024,
	    "largest request body in bytes (413 above)"),
	TXT("STRATUS_CORS_ORIGINS", SETTING_LIST, "*", "`*`",
	    "`*`, origins comma-separated, or empty", "which origins CORS admits; empty: no CORS"),
	TXT("STRATUS_PEERS", SETTING_LIST, NULL, NULL, "`name=http://host:port`, comma-separated",
	    "other API nodes that `/status` checks", .check = check_peers),
	INT("STRATUS_PEER_TIMEOUT_MS", 2000, 50, 60000,
	    "per-peer timeout of those checks (they run in parallel)"),
	TXT("STRATUS_SCHEMA_DIR", SETTING_PATH, STRATUS_SCHEMA_DIR, "`$(pkgdatadir)/schema`",
	    "a directory", "where `stratusctl migrate` finds the migrations", .flags = SF_RELATIVE),
	INT("STRATUS_BUILD_STALE_MINUTES", 120, 1, 525600,
	    "minutes without news after which a running build counts as stale"),
	TXT("STRATUS_EXECUTOR", SETTING_CHOICE, "terraform", NULL, "terraform, airflow",
	    "how new provisioning requests are carried out: `terraform` (here) or `airflow` "
	    "(needs `AIRFLOW_URL`)",
	    .flags = SF_NOT_EMPTY),
	TXT("AIRFLOW_URL", SETTING_URL, NULL, NULL, "http:// or https://",
	    "the Airflow webserver (`http://airflow:8080`); a reconciler with it set also leases "
	    "Airflow's tasks"),
	TXT("AIRFLOW_DAG_ID", SETTING_STRING, "stratus_provision", NULL, "a DAG id",
	    "the DAG of `airflow/provision_dag.py`"),
	TXT("AIRFLOW_USERNAME", SETTING_STRING, NULL, NULL, "any text", "basic auth to Airflow"),
	TXT("AIRFLOW_PASSWORD", SETTING_SECRET, NULL, NULL, "any text",
	    "its password (never logged; masked in run logs)"),
	TXT("AIRFLOW_TOKEN", SETTING_SECRET, NULL, NULL, "any text",
	    "a bearer token instead (never logged; masked in run logs)"),
	INT("AIRFLOW_POLL_SECONDS", 15, 1, 3600,
	    "how soon a reconciler looks at an unfinished DAG task again"),
	INT("AIRFLOW_TIMEOUT_MS", 10000, 100, 600000, "one request to Airflow"),
	TXT("STRATUS_WEBHOOK_SECRET", SETTING_SECRET, NULL, NULL, "32+ characters",
	    "signs completion webhooks; unset, `callback_url` is refused", .minlen = 32),
	TXT("STRATUS_WEBHOOK_ALLOW", SETTING_LIST, NULL, NULL,
	    "`[http://]ADDRESS-or-CIDR-or-HOST[:PORT]`, comma-separated",
	    "what completion webhooks may reach besides public addresses over https "
	    "(`10.0.0.0/8,http://hooks.internal:8080,[fd00::/8]:8443`); `http://` admits plain "
	    "http too (see Provisioning)",
	    .check = check_allow),
	TXT("STRATUS_CALLBACK_ALLOW", SETTING_LIST, NULL, NULL, "URL prefixes, comma-separated",
	    "deprecated alias: URL prefixes (`http://10.0.0.5:8080/`), now read as "
	    "`STRATUS_WEBHOOK_ALLOW` entries (scheme, host, port; the path is ignored)",
	    .check = check_allow),
	INT("STRATUS_WEBHOOK_ATTEMPTS", 6, 1, 50,
	    "deliveries tried before a webhook is given up as failed"),
	TXT("STRATUS_WORKDIR", SETTING_PATH, "/var/lib/stratus/runs", NULL, "an absolute path",
	    "one directory per provisioning request below it", .flags = SF_NOT_EMPTY,
	    .maxlen = DIR_MAXLEN),
	TXT("TERRAFORM_BIN", SETTING_STRING, "terraform", NULL, "not empty",
	    "Terraform or OpenTofu (`tofu`): a path, or a name looked up in "
	    "`/usr/local/bin:/usr/bin:/bin`",
	    .flags = SF_NOT_EMPTY, .minlen = 1),
	TXT("STRATUS_MODULES_DIR", SETTING_PATH, STRATUS_MODULES_DIR, "`$(pkgdatadir)/terraform`",
	    "a directory", "the modules, `<dir>/aws/main.tf` and `<dir>/oci/main.tf`",
	    .flags = SF_RELATIVE, .maxlen = DIR_MAXLEN),
	INT("STRATUS_MAX_ATTEMPTS", 3, 1, 100, "attempts of each task of a new run"),
	INT("STRATUS_RETRY_DELAY", 300, 0, 86400, "seconds between attempts (the tests use 1)"),
	TXT("STRATUS_RETRY_BACKOFF", SETTING_BOOL, NULL, "off", "1, 0, true, false",
	    "on: double the delay after each failure (at most a day), plus up to 10% jitter"),
	INT("STRATUS_STEP_TIMEOUT", 3600, 1, 86400,
	    "seconds one attempt of one step may take before its process group is killed"),
	INT("STRATUS_LEASE_SECONDS", 60, 3, 3600,
	    "a task's lease, extended every third of it while its step runs; when the reconciler "
	    "dies, the task is run again this long after"),
	INT("STRATUS_PROVISION_MAX_COUNT", 20, 1, 1000, "the largest `count` of `POST /provision`"),
	TXT("STRATUS_LLM_URL", SETTING_URL, NULL, NULL, "http:// or https://",
	    "an OpenAI-compatible chat-completions URL (`http://host:8000/v1/chat/completions`) "
	    "for `POST /generate`; unset: rules only"),
	TXT("STRATUS_LLM_MODEL", SETTING_STRING, "default", NULL, "any text",
	    "the model name sent"),
	TXT("STRATUS_LLM_API_KEY", SETTING_SECRET, NULL, NULL, "any text",
	    "a Bearer key for the model (never logged)"),
	INT("STRATUS_LLM_TIMEOUT_MS", 20000, 100, 600000,
	    "the whole exchange with the model; past it the rules answer"),
};
const size_t config_nsettings = sizeof(config_settings) / sizeof(config_settings[0]);

#undef INT
#undef TXT

const struct setting *config_setting(const char *name)
{
	for (size_t i = 0; i < config_nsettings; i++)
		if (strcmp(config_settings[i].name, name) == 0)
			return &config_settings[i];
	return NULL;
}

const char *config_setting_type_name(enum setting_type t)
{
	static const char *const names[] = {
		[SETTING_INT] = "integer",   [SETTING_STRING] = "text",
		[SETTING_SECRET] = "secret", [SETTING_BOOL] = "boolean",
		[SETTING_CHOICE] = "choice", [SETTING_URL] = "URL",
		[SETTING_PATH] = "path",     [SETTING_LIST] = "list",
	};

	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int config_setting_long(const struct setting *s, const char *value, long *out, char *err,
                        size_t errlen)
{
	int64_t n;

	if (util_parse_int64(value, s->min, s->max, &n) < 0)
		return util_fail(err, errlen, "%s must be an integer from %ld to %ld", s->name,
		                 s->min, s->max);
	*out = (long)n;
	return 0;
}

/* Whether `v` is one of the comma-separated words of `list` (spaces around them ignored). */
static bool is_word_of(const char *v, const char *list)
{
	size_t vl = strlen(v);

	while (*list != '\0') {
		size_t n;

		list += strspn(list, " ");
		n = strcspn(list, ",");
		while (n > 0 && list[n - 1] == ' ')
			n--;
		if (n == vl && strncmp(list, v, n) == 0)
			return true;
		list += strcspn(list, ",");
		list += *list == ',';
	}
	return false;
}

/* "a, b, c" as "a, b or c". */
static void words_or(char *buf, size_t len, const char *list)
{
	const char *last = strrchr(list, ',');

	if (last == NULL)
		snprintf(buf, len, "%s", list);
	else
		snprintf(buf, len, "%.*s or %s", (int)(last - list), list,
		         last + 1 + strspn(last + 1, " "));
}

/* http:// to 127.0.0.1, localhost or [::1] (the tests' stand-ins). */
static bool is_loopback_http(const char *v)
{
	return strncmp(v, "http://127.0.0.1", 16) == 0 || strncmp(v, "http://localhost", 16) == 0 ||
	       strncmp(v, "http://[::1]", 12) == 0;
}

/* The row's message for a refused value: its `fail`, else `what` after the name. */
static int refuse(const struct setting *s, char *err, size_t errlen, const char *what)
{
	if (s->fail != NULL)
		return util_fail(err, errlen, "%s", s->fail);
	return util_fail(err, errlen, "%s %s", s->name, what);
}

int config_setting_check(const struct setting *s, const char *v, char *err, size_t errlen)
{
	char what[256];
	size_t len;

	if (v == NULL || (*v == '\0' && !(s->flags & SF_NOT_EMPTY))) {
		if (!(s->flags & SF_REQUIRED))
			return 0;
		if (s->minlen > 1)
			snprintf(what, sizeof(what), "must be set (at least %u characters)",
			         s->minlen);
		else
			snprintf(what, sizeof(what), "is not set");
		return refuse(s, err, errlen, what);
	}
	if (s->type == SETTING_INT) {
		long ignored;

		return config_setting_long(s, v, &ignored, err, errlen);
	}
	len = strlen(v);
	if (s->minlen == 1 && len == 0)
		return refuse(s, err, errlen, "must not be empty");
	if (len < s->minlen) {
		snprintf(what, sizeof(what), "must be at least %u characters", s->minlen);
		return refuse(s, err, errlen, what);
	}
	if (s->maxlen > 0 && len > s->maxlen) {
		snprintf(what, sizeof(what), "must be at most %u characters", s->maxlen);
		return refuse(s, err, errlen, what);
	}
	if (s->check != NULL)
		return s->check(s, v, err, errlen);
	switch (s->type) {
	case SETTING_BOOL:
		if (!is_word_of(v, "1, 0, true, false"))
			return refuse(s, err, errlen, "must be 1/0/true/false");
		break;
	case SETTING_CHOICE:
		if (!is_word_of(v, s->allowed)) {
			char words[200];

			words_or(words, sizeof(words), s->allowed);
			snprintf(what, sizeof(what), "must be %s", words);
			return refuse(s, err, errlen, what);
		}
		break;
	case SETTING_URL:
		if (s->flags & SF_HTTPS) {
			if (strncmp(v, "https://", 8) != 0 && !is_loopback_http(v))
				return refuse(s, err, errlen, "must be an https:// URL");
		} else if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) {
			return refuse(s, err, errlen, "must be an http:// or https:// URL");
		}
		break;
	case SETTING_PATH:
		if (v[0] != '/' && !(s->flags & SF_RELATIVE))
			return refuse(s, err, errlen, "must be an absolute path");
		break;
	default: /* text and lists: their lengths and `check` say it all */ break;
	}
	return 0;
}

/*
 * Every value against its row, in the table's order: first those that are
 * set (a malformed value is named before a missing one), then the missing
 * ones that are required. Stops at the first refusal unless `fn` is given,
 * which is called with each message. Returns how many were refused.
 */
static size_t check_all(char *err, size_t errlen, void (*fn)(const char *msg, void *ud), void *ud)
{
	size_t refused = 0;

	for (int missing = 0; missing < 2; missing++) {
		for (size_t i = 0; i < config_nsettings; i++) {
			const struct setting *s = &config_settings[i];
			const char *v = config_raw(s->name);
			bool unset = v == NULL || (*v == '\0' && !(s->flags & SF_NOT_EMPTY));

			if (unset != (missing == 1) || config_setting_check(s, v, err, errlen) == 0)
				continue;
			refused++;
			if (fn == NULL)
				return refused;
			fn(err, ud);
		}
	}
	return refused;
}

/* The default in words: `shown`, else the number or `def`, else "unset". */
static const char *setting_default(const struct setting *s, char *buf, size_t len)
{
	if (s->shown != NULL)
		return s->shown;
	if (s->type == SETTING_INT) {
		snprintf(buf, len, "%ld", s->idef);
		return buf;
	}
	if (s->def != NULL && *s->def != '\0') {
		snprintf(buf, len, "`%s`", s->def);
		return buf;
	}
	return "unset";
}

void config_settings_print(FILE *f, bool markdown)
{
	char def[64], range[128];

	if (markdown)
		fprintf(f, "| setting | type | default | allowed | meaning "
		           "|\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct setting *s = &config_settings[i];
		const char *allowed = s->allowed;

		if (s->type == SETTING_INT) {
			snprintf(range, sizeof(range), "%ld-%ld", s->min, s->max);
			allowed = range;
		} else if (s->maxlen > 0) {
			snprintf(range, sizeof(range), "%s, at most %u characters", s->allowed,
			         s->maxlen);
			allowed = range;
		}
		if (markdown)
			fprintf(f, "| `%s` | %s | %s | %s | %s |\n", s->name,
			        config_setting_type_name(s->type),
			        setting_default(s, def, sizeof(def)), allowed, s->help);
		else
			fprintf(f, "%-32s %-8s default %s; allowed: %s\n    %s\n", s->name,
			        config_setting_type_name(s->type),
			        setting_default(s, def, sizeof(def)), allowed, s->help);
	}
}

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

/*
 * The integer setting `name` of the table: its value, or its default
 * (`def` when the default is computed, see get_long), within its bounds.
 */
static int get_long_def(const char *name, long def, long *out, char *err, size_t errlen)
{
	const struct setting *s = config_setting(name);
	const char *v = config_raw(name);

	if (s == NULL || s->type != SETTING_INT)
		return util_fail(err, errlen, "%s is not an integer setting", name);
	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	return config_setting_long(s, v, out, err, errlen);
}

static int get_long(const char *name, long *out, char *err, size_t errlen)
{
	const struct setting *s = config_setting(name);

	return get_long_def(name, s != NULL ? s->idef : 0, out, err, errlen);
}

/* STRATUS_PEERS into c->peers; with c NULL, only checks the entries. */
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
		if (c == NULL)
			continue;
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

/* A copy of text setting `name`, or of its default in the table ("" if none). */
static char *dup_setting(const char *name)
{
	const struct setting *s = config_setting(name);
	const char *v = config_raw(name);

	if (v == NULL)
		v = s != NULL && s->def != NULL ? s->def : "";
	return strdup(v);
}

/*
 * Hashes each comma-separated key of `list` into c->env_key_hashes; with c
 * NULL, only checks their lengths.
 */
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
		if (c == NULL)
			continue;
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

/* ------------------------------------------------------------------ formats (`check`) */

static int check_database_url(const struct setting *s, const char *v, char *err, size_t errlen)
{
	struct db_url u;

	(void)s;
	if (config_parse_database_url(v, &u, err, errlen) < 0)
		return -1;
	db_url_free(&u);
	return 0;
}

static int check_log_level(const struct setting *s, const char *v, char *err, size_t errlen)
{
	enum log_level l;

	(void)s;
	if (log_level_parse(v, &l) < 0) /* any case, and "warn" */
		return util_fail(err, errlen, "LOG_LEVEL must be debug, info, warning or error");
	return 0;
}

static int check_env_keys(const struct setting *s, const char *v, char *err, size_t errlen)
{
	(void)s;
	return add_env_keys(NULL, v, err, errlen);
}

static int check_peers(const struct setting *s, const char *v, char *err, size_t errlen)
{
	(void)s;
	return parse_peers(NULL, v, err, errlen);
}

/* STRATUS_WEBHOOK_ALLOW, or the deprecated STRATUS_CALLBACK_ALLOW's URL prefixes. */
static int check_allow(const struct setting *s, const char *v, char *err, size_t errlen)
{
	struct netcheck_allow *a = calloc(1, sizeof(*a));
	char why[256];
	int rc = 0;

	if (a == NULL)
		return util_fail(err, errlen, "out of memory");
	if (netcheck_allow_parse(a, v, strcmp(s->name, "STRATUS_CALLBACK_ALLOW") == 0, why,
	                         sizeof(why)) < 0)
		rc = util_fail(err, errlen, "%s: %s", s->name, why);
	free(a);
	return rc;
}

/* ------------------------------------------------------------------ loading */

/* A boolean setting, checked already: its value, or `def` when unset. */
static bool get_bool(const char *name, bool def)
{
	const char *v = config_raw(name);

	if (v == NULL || *v == '\0')
		return def;
	return strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
}

/*
 * What the table cannot say: one setting needing another. Checked before the
 * values, so that a half-configured issuer is named as such.
 */
static int check_relations(char *err, size_t errlen)
{
	const char *pool = config_raw("COGNITO_USER_POOL_ID");
	const char *v;

	if (pool && *pool) {
		const char *region = config_raw("COGNITO_REGION");
		const char *client = config_raw("COGNITO_APP_CLIENT_ID");

		if (!region || !*region || !client || !*client)
			return util_fail(err, errlen,
			                 "COGNITO_USER_POOL_ID needs COGNITO_REGION and "
			                 "COGNITO_APP_CLIENT_ID");
	} else if ((v = config_raw("STRATUS_OIDC_ISSUER")) != NULL && *v) {
		const char *aud = config_raw("STRATUS_OIDC_AUDIENCE");

		if (aud == NULL || *aud == '\0')
			return util_fail(err, errlen,
			                 "STRATUS_OIDC_ISSUER needs STRATUS_OIDC_AUDIENCE");
	}
	v = config_raw("STRATUS_EXECUTOR");
	if (v != NULL && strcmp(v, "airflow") == 0) {
		const char *url = config_raw("AIRFLOW_URL");

		if (url == NULL || *url == '\0')
			return util_fail(err, errlen, "STRATUS_EXECUTOR=airflow needs AIRFLOW_URL");
	}
	return 0;
}

/* The identity settings: pepper, issuers, limits. */
static int load_identity(struct config *c, char *err, size_t errlen)
{
	const char *v, *pool, *region, *client;
	long n;

	apikey_pepper_derive(config_raw("STRATUS_KEY_PEPPER"), c->key_pepper);
	if ((v = config_raw("API_KEYS")) != NULL && add_env_keys(c, v, err, errlen) < 0)
		return -1;
	if ((v = config_raw("OUMI_API_KEY")) != NULL && add_env_keys(c, v, err, errlen) < 0)
		return -1;
	if ((c->jwt_issuer = dup_setting("STRATUS_JWT_ISSUER")) == NULL)
		return util_fail(err, errlen, "out of memory");

	pool = config_raw("COGNITO_USER_POOL_ID");
	region = config_raw("COGNITO_REGION");
	client = config_raw("COGNITO_APP_CLIENT_ID");
	if (pool && *pool) {
		if (asprintf(&c->oidc_issuer, "https://cognito-idp.%s.amazonaws.com/%s", region,
		             pool) < 0)
			return util_fail(err, errlen, "out of memory");
		c->oidc_audience = strdup(client);
		c->oidc_cognito = true;
		if (c->oidc_audience == NULL)
			return util_fail(err, errlen, "out of memory");
	} else if ((v = config_raw("STRATUS_OIDC_ISSUER")) != NULL && *v) {
		c->oidc_issuer = strdup(v);
		c->oidc_audience = strdup(config_raw("STRATUS_OIDC_AUDIENCE"));
		c->oidc_cognito = get_bool("STRATUS_OIDC_COGNITO", false);
		if (c->oidc_issuer == NULL || c->oidc_audience == NULL)
			return util_fail(err, errlen, "out of memory");
	}
	if (get_long("STRATUS_JWKS_TTL", &c->jwks_ttl_s, err, errlen) < 0)
		return -1;

	c->open_registration =
	        get_bool("STRATUS_OPEN_REGISTRATION", c->environment == ENV_DEVELOPMENT);
	if (get_long("STRATUS_RATE_AUTH", &c->rate_auth, err, errlen) < 0 ||
	    get_long("STRATUS_RATE_AUTH_ADDRESS", &c->rate_auth_address, err, errlen) < 0 ||
	    get_long("STRATUS_RATE_GENERAL", &c->rate_general, err, errlen) < 0 ||
	    get_long("STRATUS_RATE_HEAVY", &c->rate_heavy, err, errlen) < 0 ||
	    get_long("STRATUS_RATE_WINDOW", &c->rate_window_s, err, errlen) < 0 ||
	    get_long("STRATUS_REFRESH_TTL_DAYS", &c->refresh_ttl_days, err, errlen) < 0)
		return -1;
	/* Where rate-limit hits are counted: shared memory of this host, or MariaDB. */
	v = config_raw("STRATUS_RATE_STORE");
	c->rate_shm = v == NULL || strcmp(v, "database") != 0;
	if ((c->shm_file = dup_setting("STRATUS_SHM_FILE")) == NULL)
		return util_fail(err, errlen, "out of memory");
	if (get_long("STRATUS_AUTH_CACHE_MS", &c->auth_cache_ms, err, errlen) < 0)
		return -1;
	if (get_long("STRATUS_BUILD_CACHE_MS", &c->build_cache_ms, err, errlen) < 0)
		return -1;
	if (get_long("STRATUS_DASHBOARD_CACHE_MS", &c->dashboard_cache_ms, err, errlen) < 0)
		return -1;
	if (get_long("STRATUS_PWHASH_OPSLIMIT", &n, err, errlen) < 0)
		return -1;
	c->pwhash_ops = (unsigned long long)n;
	if (get_long("STRATUS_PWHASH_MEMLIMIT", &n, err, errlen) < 0)
		return -1;
	c->pwhash_mem = (size_t)n;
	/* Argon2id takes a core for its whole run: by default half the host's. */
	n = sysconf(_SC_NPROCESSORS_ONLN) / 2;
	if (get_long_def("STRATUS_PWHASH_CONCURRENCY",
	                 n < 1    ? 1
	                 : n > 64 ? 64
	                          : n,
	                 &c->pwhash_concurrency, err, errlen) < 0 ||
	    get_long("STRATUS_MAX_KEYS_PER_USER", &c->max_keys_per_user, err, errlen) < 0)
		return -1;
	return 0;
}

/* The language-model backend of POST /generate: off unless STRATUS_LLM_URL is set. */
static int load_generator(struct config *c, char *err, size_t errlen)
{
	const char *v = config_raw("STRATUS_LLM_URL");

	if (get_long("STRATUS_LLM_TIMEOUT_MS", &c->llm_timeout_ms, err, errlen) < 0)
		return -1;
	if (v == NULL || *v == '\0')
		return 0;
	c->llm_url = strdup(v);
	c->llm_model = dup_setting("STRATUS_LLM_MODEL");
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

	c->executor = dup_setting("STRATUS_EXECUTOR");
	c->workdir = dup_setting("STRATUS_WORKDIR");
	c->terraform_bin = dup_setting("TERRAFORM_BIN");
	c->modules_dir = dup_setting("STRATUS_MODULES_DIR");
	if (c->executor == NULL || c->workdir == NULL || c->terraform_bin == NULL ||
	    c->modules_dir == NULL)
		return util_fail(err, errlen, "out of memory");
	if (get_long("STRATUS_RETRY_DELAY", &c->retry_delay_s, err, errlen) < 0 ||
	    get_long("STRATUS_MAX_ATTEMPTS", &c->max_attempts, err, errlen) < 0 ||
	    get_long("STRATUS_STEP_TIMEOUT", &c->step_timeout_s, err, errlen) < 0 ||
	    get_long("STRATUS_LEASE_SECONDS", &c->lease_s, err, errlen) < 0 ||
	    get_long("STRATUS_PROVISION_MAX_COUNT", &c->provision_max_count, err, errlen) < 0)
		return -1;
	if (get_long("AIRFLOW_POLL_SECONDS", &c->airflow_poll_s, err, errlen) < 0 ||
	    get_long("AIRFLOW_TIMEOUT_MS", &c->airflow_timeout_ms, err, errlen) < 0)
		return -1;
	if ((v = config_raw("AIRFLOW_URL")) != NULL && *v) {
		c->airflow_url = strdup(v);
		c->airflow_dag = dup_setting("AIRFLOW_DAG_ID");
		if ((v = config_raw("AIRFLOW_USERNAME")) != NULL && *v)
			c->airflow_user = strdup(v);
		if ((v = config_raw("AIRFLOW_PASSWORD")) != NULL && *v)
			c->airflow_password = strdup(v);
		if ((v = config_raw("AIRFLOW_TOKEN")) != NULL && *v)
			c->airflow_token = strdup(v);
		if (c->airflow_url == NULL || c->airflow_dag == NULL)
			return util_fail(err, errlen, "out of memory");
	}
	if ((v = config_raw("STRATUS_WEBHOOK_SECRET")) != NULL && *v &&
	    (c->webhook_secret = strdup(v)) == NULL)
		return util_fail(err, errlen, "out of memory");
	if (webhook_allow(c, err, errlen) < 0)
		return -1;
	if (get_long("STRATUS_WEBHOOK_ATTEMPTS", &c->webhook_attempts, err, errlen) < 0)
		return -1;
	c->retry_backoff = get_bool("STRATUS_RETRY_BACKOFF", false);
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

	/* Every value is checked against its row before any is read. */
	if (check_relations(err, errlen) < 0 || check_all(err, errlen, NULL, NULL) > 0)
		goto out;
	if (config_parse_database_url(config_raw("DATABASE_URL"), &c->db, err, errlen) < 0)
		goto out;

	c->environment = ENV_PRODUCTION;
	if ((v = config_raw("ENVIRONMENT")) != NULL && *v != '\0')
		for (int i = 0; i < ENV__MAX; i++)
			if (strcmp(v, env_names[i]) == 0)
				c->environment = (enum environment)i;

	c->log_level = LOG_INFO;
	if ((v = config_raw("LOG_LEVEL")) != NULL && *v != '\0')
		log_level_parse(v, &c->log_level); /* checked: cannot fail */

	if ((c->jwt_secret = strdup(config_raw("JWT_SECRET_KEY"))) == NULL) {
		util_fail(err, errlen, "out of memory");
		goto out;
	}
	if (get_long("JWT_ACCESS_TOKEN_EXPIRE_MINUTES", &c->jwt_expire_minutes, err, errlen) < 0)
		goto out;
	if (get_long("STRATUS_MAX_BODY", &n, err, errlen) < 0)
		goto out;
	c->max_body = (size_t)n;
	if (get_long("STRATUS_PEER_TIMEOUT_MS", &c->peer_timeout_ms, err, errlen) < 0)
		goto out;
	if ((v = config_raw("STRATUS_PEERS")) != NULL && parse_peers(c, v, err, errlen) < 0)
		goto out;
	if (load_identity(c, err, errlen) < 0)
		goto out;
	if (get_long("STRATUS_BUILD_STALE_MINUTES", &c->build_stale_minutes, err, errlen) < 0)
		goto out;
	if (load_generator(c, err, errlen) < 0)
		goto out;
	if (load_runs(c, err, errlen) < 0)
		goto out;
	c->cors_origins = dup_setting("STRATUS_CORS_ORIGINS");
	c->schema_dir = dup_setting("STRATUS_SCHEMA_DIR");
	if (c->cors_origins == NULL || c->schema_dir == NULL) {
		util_fail(err, errlen, "out of memory");
		goto out;
	}
	return 0;
out:
	config_free(c);
	return -1;
}

size_t config_problems(void (*fn)(const char *msg, void *ud), void *ud)
{
	const char *path = getenv("STRATUS_CONFIG");
	char err[512];
	size_t n = 0;

	file_free();
	if (path != NULL && *path != '\0' && file_load(path, err, sizeof(err)) < 0) {
		fn(err, ud);
		return 1;
	}
	if (check_relations(err, sizeof(err)) < 0) {
		fn(err, ud);
		n++;
	}
	n += check_all(err, sizeof(err), fn, ud);
	file_free();
	return n;
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

void config_file_each(void (*fn)(const char *name, void *ud), void *ud)
{
	for (size_t i = 0; i < file_nkv; i++)
		fn(file_kv[i].key, ud);
}
