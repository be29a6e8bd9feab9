/* stratusctl.c: the admin command line: migrate, check-config, version. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mysql.h>
#include <sodium.h>

#include "lib/config.h"
#include "lib/log.h"
#include "db/db.h"
#include "db/identity.h"
#include "db/migrate.h"
#include "lib/apikey.h"
#include "lib/json.h"
#include "lib/password.h"
#include "lib/shmcount.h"
#include "lib/util.h"
#include "fcgi/router.h"
#include "handlers/openapi.h"

#include <json-c/json.h>

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: stratusctl <command> [options]\n"
	        "\n"
	        "commands:\n"
	        "  migrate [--dry-run] [--dir DIR]  apply pending schema migrations\n"
	        "  check-config                     validate the configuration and reach the "
	        "database\n"
	        "  check-config --list              list every setting with its value and where\n"
	        "                                   it came from (secrets hidden)\n"
	        "  settings [--markdown]            the settings: type, default, bounds, meaning\n"
	        "  openapi                          print the API's OpenAPI document (what\n"
	        "                                   /openapi.json serves)\n"
	        "  version                          print the version\n"
	        "  user create --email E --name N [--role R] [--type human|api] [--username U]\n"
	        "              [--password-stdin]   create a user (the password read from stdin)\n"
	        "  user set-role --email E --role R change a user's role\n"
	        "  apikey create --name N --user EMAIL [--role R] [--expires-days D]\n"
	        "              [--rate-limit N]     create a key; prints only the key on stdout\n"
	        "  apikey list [--user EMAIL]       list keys (id, prefix, name, owner, role,\n"
	        "                                   state, expiry); never the secrets\n"
	        "  apikey revoke ID                 revoke a key\n"
	        "  seed-dev                         load sample users, keys and builds\n"
	        "                                   (ENVIRONMENT=development only)\n"
	        "  help, --help                     this text; `stratusctl COMMAND --help` too\n"
	        "\n"
	        "Configuration comes from the environment or the KEY=value file named by\n"
	        "STRATUS_CONFIG (DATABASE_URL, ENVIRONMENT, LOG_LEVEL, ...).\n");
}

/*
 * The document GET /openapi.json serves, from this build's route table and
 * docs/openapi/; make writes it to openapi.json and installs it. Every
 * disagreement between the two halves is printed and fails (exit 1).
 */
static int cmd_openapi(void)
{
	char err[8192];
	size_t len = 0;
	char *doc = openapi_render(routes, nroutes, openapi_sources, &len, err, sizeof(err));

	if (doc == NULL) {
		fprintf(stderr,
		        "stratusctl openapi: the route table and docs/openapi/ disagree:\n%s", err);
		return 1;
	}
	/* The served bytes exactly (no newline added): the installed file is them. */
	fwrite(doc, 1, len, stdout);
	free(doc);
	return ferror(stdout) ? 1 : 0;
}

/*
 * After a change to users or keys: the responders of this host forget the
 * identities they cached (fcgi/auth.c). Only an existing shared file is
 * opened: stratusctl must not create it with its own owner.
 */
static void identity_changed(const struct config *cfg)
{
	char path[512], why[600];
	struct shmcount *c;

	config_shm_path(cfg, path, sizeof(path));
	if ((c = shmcount_open(path, false, why, sizeof(why))) == NULL)
		return; /* no responder ran here yet: nothing is cached */
	shmcount_epoch_bump(c);
	shmcount_close(c);
}

static int load(struct config *cfg)
{
	char err[512];

	if (config_load(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "stratusctl: configuration error: %s\n", err);
		return -1;
	}
	log_init(cfg->log_level, "stratusctl");
	return 0;
}

static int cmd_migrate(int argc, char **argv)
{
	struct config cfg;
	struct db *db;
	bool dry = false;
	const char *dir = NULL;
	char err[1024];
	int n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry = true;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if (load(&cfg) < 0)
		return 1;
	if ((db = db_new(&cfg.db, true)) == NULL) {
		config_free(&cfg);
		fprintf(stderr, "stratusctl: out of memory\n");
		return 1;
	}
	n = db_migrate(db, dir ? dir : cfg.schema_dir, dry, stdout, err, sizeof(err));
	if (n < 0)
		fprintf(stderr, "stratusctl migrate: %s\n", err);
	else if (n == 0)
		printf("database is up to date\n");
	else
		printf("%d migration%s %s\n", n, n == 1 ? "" : "s", dry ? "pending" : "applied");
	db_free(db);
	config_free(&cfg);
	return n < 0 ? 1 : 0;
}

/* ------------------------------------------------------------------ settings */

static int cmd_settings(int argc, char **argv)
{
	bool markdown = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--markdown") != 0) {
			fprintf(stderr, "stratusctl: settings: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
		markdown = true;
	}
	config_settings_print(stdout, markdown);
	return 0;
}

/* A STRATUS_* name in the file that no setting has: a typo that would be ignored. */
static void unknown_in_file(const char *name, void *ud)
{
	int *n = ud;

	if (strncmp(name, "STRATUS_", 8) == 0 && config_setting(name) == NULL) {
		printf("FAIL %s in the configuration file is not a setting "
		       "(stratusctl settings lists them)\n",
		       name);
		(*n)++;
	}
}

/* check-config --list: each setting, its value (secrets hidden) and its source. */
static void list_settings(void)
{
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct setting *s = &config_settings[i];
		const char *v = config_raw(s->name);
		const char *from = getenv(s->name) != NULL ? "environment" : "file";

		if (v == NULL)
			printf("%-32s (default)\n", s->name);
		else if (s->type == SETTING_SECRET)
			printf("%-32s (set, hidden; from the %s)\n", s->name, from);
		else
			printf("%-32s %s (from the %s)\n", s->name, v, from);
	}
}

static void print_problem(const char *msg, void *ud)
{
	(void)ud;
	printf("FAIL %s\n", msg);
}

static int cmd_check_config(int argc, char **argv)
{
	struct config cfg;
	struct db *db;
	int warnings = 0, rc = 0, unknown = 0;
	const char *v;
	bool list = false;

	/* Other words are ignored, as they always were. */
	for (int i = 1; i < argc; i++)
		list = list || strcmp(argv[i], "--list") == 0;

	/* Every refused value at once, from the settings table; then the first, as always. */
	if (config_problems(print_problem, NULL) > 0) {
		if (load(&cfg) == 0)
			config_free(&cfg);
		return 1;
	}
	if (load(&cfg) < 0)
		return 1;
	config_file_each(unknown_in_file, &unknown);
	if (unknown > 0) {
		config_free(&cfg);
		printf("check failed: %d unknown setting%s\n", unknown, unknown == 1 ? "" : "s");
		return 2;
	}
	if (list) {
		list_settings();
		config_free(&cfg);
		return 0;
	}
	printf("ok   configuration loaded%s%s\n", cfg.source ? " from " : " from the environment",
	       cfg.source ? cfg.source : "");
	printf("ok   environment %s, log level %s, max body %zu bytes\n",
	       config_environment_name(cfg.environment), log_level_name(cfg.log_level),
	       cfg.max_body);
	/* Never print the password. */
	printf("ok   database %s@%s%s%s:%u/%s\n", cfg.db.user, cfg.db.host,
	       cfg.db.socket ? " socket " : "", cfg.db.socket ? cfg.db.socket : "", cfg.db.port,
	       cfg.db.database);
	if (cfg.source != NULL) {
		struct stat st;

		if (stat(cfg.source, &st) == 0 && (st.st_mode & S_IROTH)) {
			printf("warn %s is world-readable and holds secrets: chmod o-r it\n",
			       cfg.source);
			warnings++;
		}
	}
	if (cfg.jwt_secret == NULL && cfg.environment == ENV_PRODUCTION) {
		printf("warn JWT_SECRET_KEY is not set: tokens cannot be issued\n");
		warnings++;
	}
	if (((v = config_raw("API_KEYS")) != NULL && *v) ||
	    ((v = config_raw("OUMI_API_KEY")) != NULL && *v)) {
		printf("warn API keys from the environment are accepted as admin keys; database "
		       "keys "
		       "(stratusctl) are preferred\n");
		warnings++;
	}
	for (size_t i = 0; i < cfg.npeers; i++)
		printf("ok   peer %s at %s\n", cfg.peers[i].name, cfg.peers[i].url);
	if ((db = db_new(&cfg.db, false)) != NULL && db_connect(db) == DB_OK) {
		printf("ok   database reachable: %s\n", db_server_version(db));
	} else {
		printf("FAIL database not reachable: %s\n",
		       db ? db_last_error(db) : "out of memory");
		rc = 1;
	}
	db_free(db);
	config_free(&cfg);
	printf("%s with %d warning%s\n", rc ? "check failed" : "configuration ok", warnings,
	       warnings == 1 ? "" : "s");
	return rc;
}

/* ------------------------------------------------------------------ users and keys */

/* --name value options: returns the value after `name` in argv, or NULL. */
static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

static const char *valid_role(const char *r)
{
	if (r == NULL)
		return NULL;
	if (strcmp(r, "readonly") == 0 || strcmp(r, "developer") == 0 || strcmp(r, "admin") == 0)
		return r;
	fprintf(stderr, "stratusctl: role must be readonly, developer or admin\n");
	return NULL;
}

/* Opens the configured database for a command; NULL after a message. */
static struct db *open_db(struct config *cfg)
{
	struct db *db;

	if (load(cfg) < 0)
		return NULL;
	password_set_cost(cfg->pwhash_ops, cfg->pwhash_mem);
	if ((db = db_new(&cfg->db, false)) == NULL || db_connect(db) != DB_OK) {
		fprintf(stderr, "stratusctl: database not reachable: %s\n",
		        db ? db_last_error(db) : "out of memory");
		db_free(db);
		config_free(cfg);
		return NULL;
	}
	return db;
}

static void close_db(struct db *db, struct config *cfg)
{
	db_free(db);
	config_free(cfg);
}

static int cmd_user(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	const char *email = opt(argc, argv, "--email"), *name = opt(argc, argv, "--name");
	const char *role = opt(argc, argv, "--role"), *type = opt(argc, argv, "--type");
	const char *username = opt(argc, argv, "--username");
	struct config cfg;
	struct db *db;
	struct user u;
	enum db_rc rc;
	int ret = 1;

	if ((strcmp(sub, "create") != 0 && strcmp(sub, "set-role") != 0) || email == NULL ||
	    (role != NULL && valid_role(role) == NULL) ||
	    (strcmp(sub, "create") == 0 && name == NULL) ||
	    (strcmp(sub, "set-role") == 0 && !role)) {
		usage(stderr);
		return 2;
	}
	if (username != NULL && strchr(username, '@') != NULL) {
		fprintf(stderr, "stratusctl: a --username may not contain '@' (the default is the "
		                "email)\n");
		return 2;
	}
	if (type != NULL && strcmp(type, "human") != 0 && strcmp(type, "api") != 0) {
		fprintf(stderr, "stratusctl: type must be human or api\n");
		return 2;
	}
	if ((db = open_db(&cfg)) == NULL)
		return 1;
	if (strcmp(sub, "set-role") == 0) {
		if ((rc = db_user_by_login(db, email, &u)) == DB_OK &&
		    (rc = db_user_set_role_status(db, u.id, role, NULL)) == DB_OK) {
			identity_changed(&cfg);
			db_audit_add(db, "stratusctl", "user.role_changed", email, NULL, NULL);
			printf("%s is now %s\n", u.username, role);
			ret = 0;
		} else {
			fprintf(stderr, "stratusctl: %s\n",
			        rc == DB_NOT_FOUND  ? "no such user"
			        : rc == DB_CONFLICT ? "the last active admin cannot be demoted"
			                            : db_last_error(db));
		}
		close_db(db, &cfg);
		return ret;
	}
	memset(&u, 0, sizeof(u));
	if (flag(argc, argv, "--password-stdin")) {
		char pw[PASSWORD_MAX_LEN + 2];
		struct json_object *errs = json_object_new_array();
		size_t n;

		if (fgets(pw, sizeof(pw), stdin) == NULL) {
			fprintf(stderr, "stratusctl: no password on stdin\n");
			json_object_put(errs);
			close_db(db, &cfg);
			return 1;
		}
		n = strcspn(pw, "\r\n");
		pw[n] = '\0';
		if (password_check_policy(pw, "password", errs) < 0) {
			fprintf(stderr, "stratusctl: password %s\n",
			        json_object_get_string(json_object_object_get(
			                json_object_array_get_idx(errs, 0), "message")));
			json_object_put(errs);
			sodium_memzero(pw, sizeof(pw));
			close_db(db, &cfg);
			return 1;
		}
		json_object_put(errs);
		if (password_hash(pw, u.password_hash) < 0) {
			sodium_memzero(pw, sizeof(pw));
			close_db(db, &cfg);
			return 1;
		}
		sodium_memzero(pw, sizeof(pw));
	} else if (type == NULL || strcmp(type, "api") != 0) {
		fprintf(stderr, "stratusctl: a human user needs --password-stdin\n");
		close_db(db, &cfg);
		return 2;
	}
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.username, sizeof(u.username), "%s", username ? username : email);
	snprintf(u.name, sizeof(u.name), "%s", name);
	snprintf(u.type, sizeof(u.type), "%s", type ? type : "human");
	snprintf(u.role, sizeof(u.role), "%s", role ? role : "readonly");
	rc = db_user_insert(db, &u);
	sodium_memzero(u.password_hash, sizeof(u.password_hash));
	if (rc == DB_OK) {
		db_audit_add(db, "stratusctl", "user.created", u.username, NULL, NULL);
		printf("created user %lld %s (%s)\n", (long long)u.id, u.username, u.role);
		ret = 0;
	} else {
		fprintf(stderr, "stratusctl: %s\n",
		        rc == DB_DUPLICATE ? "a user with this email or username exists"
		                           : db_last_error(db));
	}
	close_db(db, &cfg);
	return ret;
}

/* One line of `apikey list`: id, prefix, name, owner, role, state, expiry. */
static void print_key(const struct apikey_row *k, void *ud)
{
	(void)ud;
	printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)k->id, k->display_prefix, k->name,
	       k->username, k->role,
	       k->revoked_at[0] ? "revoked"
	       : !k->expired    ? "active"
	                        : "expired",
	       k->expires_at[0] ? k->expires_at : "never");
}

static int cmd_apikey(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	const char *user = opt(argc, argv, "--user"), *name = opt(argc, argv, "--name");
	const char *role = opt(argc, argv, "--role"), *days_s = opt(argc, argv, "--expires-days");
	const char *limit_s = opt(argc, argv, "--rate-limit");
	int64_t days = 0, limit = -1, id = 0;
	struct config cfg;
	struct db *db;
	struct user u = { .id = 0 };
	enum db_rc rc = DB_OK;
	int ret = 1;

	if ((days_s && util_parse_int64(days_s, 1, 3650, &days) < 0) ||
	    (limit_s && util_parse_int64(limit_s, 0, 1000000, &limit) < 0) ||
	    (role && valid_role(role) == NULL)) {
		fprintf(stderr, "stratusctl: --expires-days 1-3650, --rate-limit 0-1000000\n");
		return 2;
	}
	if (strcmp(sub, "create") == 0 ? (name == NULL || user == NULL)
	    : strcmp(sub, "revoke") == 0
	            ? (argc < 3 || util_parse_int64(argv[2], 1, INT64_MAX, &id) < 0)
	            : strcmp(sub, "list") != 0) {
		usage(stderr);
		return 2;
	}
	if ((db = open_db(&cfg)) == NULL)
		return 1;
	if (user != NULL && (rc = db_user_by_login(db, user, &u)) != DB_OK) {
		fprintf(stderr, "stratusctl: %s\n",
		        rc == DB_NOT_FOUND ? "no such user" : db_last_error(db));
		close_db(db, &cfg);
		return 1;
	}
	if (strcmp(sub, "create") == 0) {
		char key[APIKEY_LEN + 1], hash[APIKEY_HASH_HEX + 1];
		struct apikey_row k;

		if (role == NULL)
			role = u.role;
		if (strcmp(role, "admin") == 0
		            ? strcmp(u.role, "admin") != 0
		            : strcmp(role, "developer") == 0 && strcmp(u.role, "readonly") == 0) {
			fprintf(stderr, "stratusctl: a key's role cannot exceed its owner's (%s)\n",
			        u.role);
			close_db(db, &cfg);
			return 1;
		}
		apikey_generate(key);
		apikey_hash(cfg.key_pepper, key, hash);
		memset(&k, 0, sizeof(k));
		k.user_id = u.id;
		k.rate_limit = limit;
		snprintf(k.name, sizeof(k.name), "%s", name);
		snprintf(k.display_prefix, sizeof(k.display_prefix), "%.*s", APIKEY_DISPLAY_LEN,
		         key);
		snprintf(k.role, sizeof(k.role), "%s", role);
		/* The operator's tool: no per-user cap on keys (the API has one). */
		if ((rc = db_apikey_insert(db, &k, hash, days, 0)) == DB_OK) {
			db_audit_add(db, "stratusctl", "apikey.created", k.display_prefix, NULL,
			             NULL);
			printf("%s\n", key); /* only the key: scripts capture it */
			ret = 0;
		}
		sodium_memzero(key, sizeof(key));
	} else if (strcmp(sub, "revoke") == 0) {
		if ((rc = db_apikey_revoke(db, id)) == DB_OK) {
			identity_changed(&cfg);
			db_audit_add(db, "stratusctl", "apikey.revoked", argv[2], NULL, NULL);
			printf("revoked key %lld\n", (long long)id);
			ret = 0;
		}
	} else {
		int64_t total = 0;

		if ((rc = db_apikey_list(db, u.id, 1000, 0, print_key, NULL, &total)) == DB_OK)
			ret = 0;
	}
	if (ret != 0)
		fprintf(stderr, "stratusctl: %s\n",
		        rc == DB_NOT_FOUND ? "no such key, or revoked already" : db_last_error(db));
	close_db(db, &cfg);
	return ret;
}

/* ------------------------------------------------------------------ seed-dev */

/* Creates user `email` with `role` unless it exists; prints a new password. */
static int seed_user(struct db *db, const char *email, const char *name, const char *role,
                     struct user *u)
{
	enum db_rc rc = db_user_by_login(db, email, u);
	unsigned char raw[12];
	char pw[64];

	if (rc == DB_OK)
		return 0;
	if (rc != DB_NOT_FOUND)
		return -1;
	memset(u, 0, sizeof(*u));
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(pw, sizeof(pw), raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	strcat(pw, "-Aa1!"); /* the policy's classes, whatever the random part */
	snprintf(u->email, sizeof(u->email), "%s", email);
	snprintf(u->username, sizeof(u->username), "%s", email);
	snprintf(u->name, sizeof(u->name), "%s", name);
	snprintf(u->type, sizeof(u->type), "human");
	snprintf(u->role, sizeof(u->role), "%s", role);
	if (password_hash(pw, u->password_hash) < 0 || db_user_insert(db, u) != DB_OK)
		return -1;
	printf("user %s (%s) password %s\n", email, role, pw);
	sodium_memzero(pw, sizeof(pw));
	return db_user_by_login(db, email, u) == DB_OK ? 0 : -1;
}

struct active_named {
	const char *name;
	bool found;
};

/* Notes whether an active key has the name looked for. */
static void find_active_named(const struct apikey_row *k, void *ud)
{
	struct active_named *w = ud;

	if (strcmp(k->name, w->name) == 0 && !k->revoked_at[0] && !k->expired)
		w->found = true;
}

/* Creates the key named `name` for `u` unless an active one exists; prints it. */
static int seed_key(struct db *db, const struct config *cfg, const struct user *u, const char *name)
{
	struct active_named want = { name, false };
	char key[APIKEY_LEN + 1], hash[APIKEY_HASH_HEX + 1];
	struct apikey_row k;
	int64_t total = 0;

	if (db_apikey_list(db, u->id, 100, 0, find_active_named, &want, &total) != DB_OK)
		return -1;
	if (want.found)
		return 0;
	apikey_generate(key);
	apikey_hash(cfg->key_pepper, key, hash);
	memset(&k, 0, sizeof(k));
	k.user_id = u->id;
	k.rate_limit = -1;
	snprintf(k.name, sizeof(k.name), "%s", name);
	snprintf(k.display_prefix, sizeof(k.display_prefix), "%.*s", APIKEY_DISPLAY_LEN, key);
	snprintf(k.role, sizeof(k.role), "%s", u->role);
	if (db_apikey_insert(db, &k, hash, 0, 0) != DB_OK)
		return -1;
	printf("key %s (%s) %s\n", name, u->role, key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

static int cmd_seed_dev(void)
{
	static const struct {
		const char *email, *name, *role;
	} people[] = {
		{ "admin@localhost", "Administrator", "admin" },
		{ "developer@localhost", "Dev Eloper", "developer" },
		{ "readonly@localhost", "Read Only", "readonly" },
	};
	struct config cfg;
	struct db *db, *script = NULL;
	char path[4096], *sql = NULL;
	FILE *f;
	long n;
	int rc = 1;

	if ((db = open_db(&cfg)) == NULL)
		return 1;
	if (cfg.environment != ENV_DEVELOPMENT) {
		fprintf(stderr,
		        "stratusctl seed-dev: ENVIRONMENT is %s; sample data is for development "
		        "only\n",
		        config_environment_name(cfg.environment));
		close_db(db, &cfg);
		return 1;
	}
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		struct user u;
		char keyname[64];

		snprintf(keyname, sizeof(keyname), "sample %s", people[i].role);
		if (seed_user(db, people[i].email, people[i].name, people[i].role, &u) < 0 ||
		    seed_key(db, &cfg, &u, keyname) < 0) {
			fprintf(stderr, "stratusctl seed-dev: %s\n", db_last_error(db));
			goto out;
		}
	}
	snprintf(path, sizeof(path), "%s/seed/dev-builds.sql", cfg.schema_dir);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "stratusctl seed-dev: cannot open %s\n", path);
		goto out;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < 1024 * 1024 &&
	    fseek(f, 0, SEEK_SET) == 0 && (sql = calloc(1, (size_t)n + 1)) != NULL &&
	    fread(sql, 1, (size_t)n, f) == (size_t)n) {
		/* Trusted text shipped with Stratus, run as a script: never user input. */
		if ((script = db_new(&cfg.db, true)) != NULL &&
		    db_run_script(script, sql) == DB_OK) {
			printf("sample builds loaded\n");
			rc = 0;
		} else {
			fprintf(stderr, "stratusctl seed-dev: %s\n",
			        script ? db_last_error(script) : "out of memory");
		}
	}
	fclose(f);
out:
	free(sql);
	db_free(script);
	close_db(db, &cfg);
	return rc;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/* --help anywhere (stratusctl migrate --help) asks for this text, never an action. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
		    (i == 1 && strcmp(argv[i], "help") == 0)) {
			usage(stdout);
			return 0;
		}
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("stratusctl %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "stratusctl: libsodium failed to initialise\n");
		return 1;
	}
	if (strcmp(argv[1], "migrate") == 0)
		rc = cmd_migrate(argc - 1, argv + 1);
	else if (strcmp(argv[1], "check-config") == 0)
		rc = cmd_check_config(argc - 1, argv + 1);
	else if (strcmp(argv[1], "settings") == 0)
		rc = cmd_settings(argc - 1, argv + 1);
	else if (strcmp(argv[1], "user") == 0)
		rc = cmd_user(argc - 1, argv + 1);
	else if (strcmp(argv[1], "apikey") == 0)
		rc = cmd_apikey(argc - 1, argv + 1);
	else if (strcmp(argv[1], "openapi") == 0)
		rc = cmd_openapi();
	else if (strcmp(argv[1], "seed-dev") == 0)
		rc = cmd_seed_dev();
	else {
		fprintf(stderr, "stratusctl: unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = 2;
	}
	db_library_end();
	return rc;
}
