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
#include "db/migrate.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: stratusctl <command> [options]\n"
	           "\n"
	           "commands:\n"
	           "  migrate [--dry-run] [--dir DIR]  apply pending schema migrations\n"
	           "  check-config                     validate the configuration and reach the "
	           "database\n"
	           "  version                          print the version\n"
	           "\n"
	           "Configuration comes from the environment or the KEY=value file named by\n"
	           "STRATUS_CONFIG (DATABASE_URL, ENVIRONMENT, LOG_LEVEL, ...).\n");
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

static int cmd_check_config(void)
{
	struct config cfg;
	struct db *db;
	int warnings = 0, rc = 0;
	const char *v;

	if (load(&cfg) < 0)
		return 1;
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

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("stratusctl %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "stratusctl: libsodium failed to initialise\n");
		return 1;
	}
	if (strcmp(argv[1], "migrate") == 0)
		rc = cmd_migrate(argc - 1, argv + 1);
	else if (strcmp(argv[1], "check-config") == 0)
		rc = cmd_check_config();
	else {
		fprintf(stderr, "stratusctl: unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = 2;
	}
	mysql_library_end();
	return rc;
}
