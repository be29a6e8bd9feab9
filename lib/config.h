/* config.h: process configuration from the environment or a KEY=value file. */
#ifndef STRATUS_CONFIG_H
#define STRATUS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/apikey.h"
#include "lib/log.h"

/* A parsed DATABASE_URL. Strings are owned by the struct (db_url_free). */
struct db_url {
	char *user;
	char *password;
	char *host;   /* NULL or "localhost" with socket */
	char *socket; /* NULL unless ?socket= */
	char *database;
	unsigned port; /* 3306 unless given */
};

enum environment {
	ENV_PRODUCTION,  /* ENV_PRODUCTION */
	ENV_STAGING,     /* ENV_STAGING */
	ENV_DEVELOPMENT, /* ENV_DEVELOPMENT */
	ENV__MAX
};

struct peer {
	char *name;
	char *url;
};

/*
 * Everything a process reads once at start. Owned by `struct app` (or the
 * tool) for the life of the process; config_free releases it.
 */
struct config {
	const char *source; /* STRATUS_CONFIG file, or NULL */
	struct db_url db;
	enum environment environment;
	enum log_level log_level;
	char *jwt_secret; /* JWT_SECRET_KEY; NULL when unset */
	long jwt_expire_minutes;
	size_t max_body;
	char *cors_origins; /* "*", or a comma-separated list, or "" for none */
	struct peer *peers;
	size_t npeers;
	long peer_timeout_ms;
	char *schema_dir;

	/* identity */
	unsigned char key_pepper[APIKEY_PEPPER_BYTES]; /* from STRATUS_KEY_PEPPER */
	char (*env_key_hashes)[APIKEY_HASH_HEX + 1];   /* API_KEYS, OUMI_API_KEY: hashes only */
	size_t nenv_keys;
	char *jwt_issuer;              /* STRATUS_JWT_ISSUER, default "stratus" */
	char *oidc_issuer;             /* external RS256 issuer, or NULL */
	char *oidc_audience;           /* its audience (Cognito: the app client id) */
	bool oidc_cognito;             /* token_use and groups as Cognito has them */
	long jwks_ttl_s;               /* STRATUS_JWKS_TTL */
	bool open_registration;        /* STRATUS_OPEN_REGISTRATION */
	long rate_auth;                /* per identifier and address, per minute; 0 off */
	long rate_auth_address;        /* per address, all identifiers */
	long rate_general;             /* per principal */
	long rate_heavy;               /* per principal, heavy routes */
	long rate_window_s;            /* STRATUS_RATE_WINDOW: 60 (limits are per minute) */
	bool rate_shm;                 /* STRATUS_RATE_STORE: shm (this host) or database */
	char *shm_file;                /* STRATUS_SHM_FILE: "" derives one (config_shm_path) */
	long auth_cache_ms;            /* STRATUS_AUTH_CACHE_MS: identity cache TTL, 0 off */
	long build_cache_ms;           /* STRATUS_BUILD_CACHE_MS: build read cache TTL, 0 off */
	long dashboard_cache_ms;       /* STRATUS_DASHBOARD_CACHE_MS: dashboards' TTL, 0 off */
	long refresh_ttl_days;         /* STRATUS_REFRESH_TTL_DAYS */
	unsigned long long pwhash_ops; /* STRATUS_PWHASH_OPSLIMIT, 0: interactive */
	size_t pwhash_mem;             /* STRATUS_PWHASH_MEMLIMIT, 0: interactive */
	long pwhash_concurrency;       /* STRATUS_PWHASH_CONCURRENCY: Argon2id runs per host */
	long max_keys_per_user;        /* STRATUS_MAX_KEYS_PER_USER: active keys per user */

	/* builds */
	long build_stale_minutes; /* STRATUS_BUILD_STALE_MINUTES */

	/* runs: the engine, the reconciler, the terraform executor */
	char *executor;           /* STRATUS_EXECUTOR: "terraform" */
	char *workdir;            /* STRATUS_WORKDIR: <workdir>/<request_id>/ per run */
	char *terraform_bin;      /* TERRAFORM_BIN (terraform, tofu, or a path) */
	char *modules_dir;        /* STRATUS_MODULES_DIR: <dir>/<provider>/main.tf */
	long retry_delay_s;       /* STRATUS_RETRY_DELAY: before another attempt */
	long max_attempts;        /* STRATUS_MAX_ATTEMPTS */
	bool retry_backoff;       /* STRATUS_RETRY_BACKOFF: double the delay each time */
	long step_timeout_s;      /* STRATUS_STEP_TIMEOUT: one attempt of one step */
	long lease_s;             /* STRATUS_LEASE_SECONDS: extended while a step runs */
	long provision_max_count; /* STRATUS_PROVISION_MAX_COUNT: instances per request */
	char *airflow_url;        /* AIRFLOW_URL: the stable REST API's base, or NULL */
	char *airflow_dag;        /* AIRFLOW_DAG_ID */
	char *airflow_user;       /* AIRFLOW_USERNAME (basic auth), or NULL */
	char *airflow_password;   /* AIRFLOW_PASSWORD; never logged */
	char *airflow_token;      /* AIRFLOW_TOKEN (bearer), or NULL; never logged */
	long airflow_poll_s;      /* AIRFLOW_POLL_SECONDS: between looks at a DAG run */
	long airflow_timeout_ms;  /* AIRFLOW_TIMEOUT_MS: one request to Airflow */
	char *webhook_secret;     /* STRATUS_WEBHOOK_SECRET: signs completion webhooks, or NULL */
	/* STRATUS_WEBHOOK_ALLOW, and the deprecated STRATUS_CALLBACK_ALLOW: what callbacks may
	 * reach besides public addresses over https (lib/netcheck.h); NULL when neither is set */
	struct netcheck_allow *webhook_allow;
	long webhook_attempts; /* STRATUS_WEBHOOK_ATTEMPTS */

	/* generator: the optional language-model backend */
	char *llm_url;       /* STRATUS_LLM_URL: chat-completions endpoint, or NULL */
	char *llm_model;     /* STRATUS_LLM_MODEL */
	char *llm_api_key;   /* STRATUS_LLM_API_KEY, or NULL; never logged */
	long llm_timeout_ms; /* STRATUS_LLM_TIMEOUT_MS */
};

/*
 * Parses `url` (mysql://user:pass@host:port/db or
 * mysql://user:pass@localhost/db?socket=/path). Returns 0, or -1 with a
 * one-line reason in err that never contains the password.
 */
int config_parse_database_url(const char *url, struct db_url *out, char *err, size_t errlen);
void db_url_free(struct db_url *u);

/*
 * Loads the configuration: each setting from the environment, else from the
 * KEY=value file named by STRATUS_CONFIG. Returns 0, or -1 with one clear
 * line in err naming the setting at fault. On -1 nothing needs freeing.
 */
int config_load(struct config *c, char *err, size_t errlen);
void config_free(struct config *c);

const char *config_environment_name(enum environment e);

/*
 * The host-shared memory file (lib/shmcount.h): STRATUS_SHM_FILE, or one
 * under /dev/shm named after the user and the database (never its
 * password), so that the processes of one deployment share it and two
 * deployments on a host do not. Its name carries the layout's version.
 */
void config_shm_path(const struct config *c, char *buf, size_t len);

/*
 * Returns the raw value of setting `name` as config_load sees it (the
 * environment first, then the file), or NULL. Valid until config_free.
 * Used by stratusctl check-config.
 */
const char *config_raw(const char *name);

/*
 * Calls fn for every setting whose name starts with `prefix` (the file's,
 * then the environment's, which win), e.g. the AWS_* credentials handed to
 * Terraform. The strings are valid until config_free.
 */
void config_each(const char *prefix, void (*fn)(const char *name, const char *value, void *ud),
                 void *ud);

/*
 * The settings, one row each, in one table (lib/config.c). config_load checks
 * every value against its row before it reads any (config_setting_check, one
 * loop over the table), takes the defaults from it, stratusctl settings
 * prints it, and the README's settings table is its --markdown output
 * (tests/cli/stratusctl.sh keeps the two equal). What the table cannot say,
 * one setting needing another, stays in config_load.
 */
enum setting_type {
	SETTING_INT,    /* an integer from min to max */
	SETTING_STRING, /* free text (minlen, maxlen) */
	SETTING_SECRET, /* free text never printed (minlen, maxlen) */
	SETTING_BOOL,   /* 1/0/true/false */
	SETTING_CHOICE, /* one of the comma-separated words of `allowed` */
	SETTING_URL,    /* http:// or https:// (SF_HTTPS: https://, http:// on loopback) */
	SETTING_PATH,   /* an absolute path (SF_RELATIVE: any path) */
	SETTING_LIST,   /* comma-separated items (their format: `check`) */
};

/* Row flags. */
#define SF_REQUIRED  0x1u /* unset or empty is refused */
#define SF_NOT_EMPTY 0x2u /* an empty value is checked like any other, not read as unset */
#define SF_HTTPS     0x4u /* SETTING_URL: https://, or http:// to a loopback address */
#define SF_RELATIVE  0x8u /* SETTING_PATH: a relative path is allowed too */

struct setting;
/* A value's format beyond its type: 0, or -1 with the whole message in err. */
typedef int (*setting_check_fn)(const struct setting *s, const char *value, char *err,
                                size_t errlen);

struct setting {
	const char *name;
	enum setting_type type;
	const char *def;     /* the loader's default for text settings, or NULL: unset */
	const char *shown;   /* the default in words when it is not `def`, or NULL */
	long idef, min, max; /* SETTING_INT: default and bounds */
	const char *allowed; /* the values allowed, in words (SETTING_CHOICE: the words) */
	const char *help;
	unsigned flags;         /* SF_* */
	unsigned minlen;        /* text when set: at least this many characters (0: any) */
	unsigned maxlen;        /* text: at most this many characters (0: no limit) */
	const char *fail;       /* the message when the value or its absence is refused,
	                         * or NULL: config_setting_check words it from the row */
	setting_check_fn check; /* the format, when the type does not say it all, or NULL */
};

extern const struct setting config_settings[];
extern const size_t config_nsettings;

/* The row of `name`, or NULL when it is not a setting. */
const struct setting *config_setting(const char *name);

const char *config_setting_type_name(enum setting_type t);

/*
 * Checks `value` against the row of an integer setting: 0 with *out set, or
 * -1 with the message config_load gives ("NAME must be an integer from A to B").
 */
int config_setting_long(const struct setting *s, const char *value, long *out, char *err,
                        size_t errlen);

/*
 * Checks `value` (NULL: unset) against the row of any setting: its type,
 * lengths, allowed words, flags and check function. 0, or -1 with the
 * message config_load gives, which names the setting.
 */
int config_setting_check(const struct setting *s, const char *value, char *err, size_t errlen);

/*
 * Checks the whole configuration as config_load does, but calls fn with the
 * message of every refusal instead of stopping at the first; returns their
 * number. For stratusctl check-config, before config_load: it reads the
 * STRATUS_CONFIG file itself and forgets it again (config_raw then sees the
 * environment only until config_load).
 */
size_t config_problems(void (*fn)(const char *msg, void *ud), void *ud);

/* Writes the table: one line per setting, or (markdown) the README's table. */
void config_settings_print(FILE *f, bool markdown);

/*
 * Calls fn for each name set in the STRATUS_CONFIG file (after config_load),
 * for stratusctl check-config to find names that are not settings.
 */
void config_file_each(void (*fn)(const char *name, void *ud), void *ud);

#endif
