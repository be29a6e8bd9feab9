/* t_config.c: DATABASE_URL parsing, configuration errors and the settings table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <unistd.h>

#include "lib/config.h"
#include "tests/unit/unit.h"

START_TEST(url_tcp)
{
	struct db_url u;
	char err[256];

	ck_assert_int_eq(config_parse_database_url("mysql://app:s3cr%40t@db.example:3307/stratus",
	                                           &u, err, sizeof(err)),
	                 0);
	ck_assert_str_eq(u.user, "app");
	ck_assert_str_eq(u.password, "s3cr@t");
	ck_assert_str_eq(u.host, "db.example");
	ck_assert_uint_eq(u.port, 3307);
	ck_assert_str_eq(u.database, "stratus");
	ck_assert_ptr_null(u.socket);
	db_url_free(&u);
}
END_TEST

START_TEST(url_socket_default_port_ipv6)
{
	struct db_url u;
	char err[256];

	ck_assert_int_eq(
	        config_parse_database_url(
	                "mariadb://app:pw@localhost/stratus?socket=/run/mysqld/mysqld.sock", &u,
	                err, sizeof(err)),
	        0);
	ck_assert_str_eq(u.socket, "/run/mysqld/mysqld.sock");
	ck_assert_uint_eq(u.port, 3306);
	db_url_free(&u);
	ck_assert_int_eq(config_parse_database_url("mysql://app@[::1]:3306/s?charset=utf8mb4", &u,
	                                           err, sizeof(err)),
	                 0);
	ck_assert_str_eq(u.host, "::1");
	ck_assert_ptr_null(u.password);
	db_url_free(&u);
}
END_TEST

START_TEST(url_errors_are_clear_and_hide_the_password)
{
	static const struct {
		const char *url, *msg;
	} bad[] = {
		{ "postgres://a:b@h/db", "must start with mysql://" },
		{ "mysql://h/db", "no user@" },
		{ "mysql://:pw@h/db", "user" },
		{ "mysql://a:topsecret@h:99999/db", "invalid port" },
		{ "mysql://a:topsecret@h:x/db", "invalid port" },
		{ "mysql://a:topsecret@h", "no /database" },
		{ "mysql://a:topsecret@h/", "database name" },
		{ "mysql://a:topsecret@/db", "host" },
		{ "mysql://a:topsecret@h/db?sslmode=on", "unknown parameter 'sslmode'" },
		{ "mysql://a:topsecret@h/db?socket=relative", "absolute path" },
		{ "mysql://a:bad%zz@h/db", "percent-encoded password" },
	};
	struct db_url u;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(config_parse_database_url(bad[i].url, &u, err, sizeof(err)) == -1,
		              "accepted %s", bad[i].url);
		ck_assert_msg(strstr(err, bad[i].msg) != NULL, "'%s' lacks '%s'", err, bad[i].msg);
		ck_assert_ptr_null(strstr(err, "topsecret"));
	}
}
END_TEST

/* Unsets every setting config_load reads, whatever the caller's environment holds. */
static void clear_env(void)
{
	static const char *const prefixes[] = { "STRATUS_",    "JWT_",         "COGNITO_",
		                                "API_KEYS",    "OUMI_API_KEY", "DATABASE_URL",
		                                "ENVIRONMENT", "LOG_LEVEL" };
	extern char **environ;
	bool again = true;

	while (again) {
		again = false;
		for (char **e = environ; *e != NULL && !again; e++) {
			for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
				if (strncmp(*e, prefixes[i], strlen(prefixes[i])) == 0) {
					char name[128];

					snprintf(name, sizeof(name), "%.*s", (int)strcspn(*e, "="),
					         *e);
					unsetenv(name);
					again = true; /* environ changed: start over */
					break;
				}
			}
		}
	}
}

static void set_secrets(void)
{
	setenv("JWT_SECRET_KEY", "0123456789abcdef0123456789abcdef-jwt", 1);
	setenv("STRATUS_KEY_PEPPER", "0123456789abcdef0123456789abcdef-pepper", 1);
}

static void expect_error(const char *contains)
{
	struct config c;
	char err[512];

	ck_assert_int_eq(config_load(&c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, contains) != NULL, "'%s' lacks '%s'", err, contains);
}

START_TEST(load_errors_name_the_setting)
{
	clear_env();
	expect_error("DATABASE_URL is not set");
	setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
	setenv("ENVIRONMENT", "prod", 1);
	expect_error("ENVIRONMENT must be");
	setenv("ENVIRONMENT", "development", 1);
	setenv("LOG_LEVEL", "loud", 1);
	expect_error("LOG_LEVEL must be");
	setenv("LOG_LEVEL", "warning", 1);
	setenv("STRATUS_MAX_BODY", "12abc", 1);
	expect_error("STRATUS_MAX_BODY must be an integer");
	setenv("STRATUS_MAX_BODY", "2048", 1);
	setenv("JWT_SECRET_KEY", "short", 1);
	expect_error("JWT_SECRET_KEY must be at least 32");
	unsetenv("JWT_SECRET_KEY");
	setenv("STRATUS_PEERS", "api01", 1);
	expect_error("STRATUS_PEERS");
	unsetenv("STRATUS_PEERS");
	expect_error("STRATUS_KEY_PEPPER must be set");
	setenv("STRATUS_KEY_PEPPER", "too-short", 1);
	expect_error("STRATUS_KEY_PEPPER must be set");
	setenv("STRATUS_KEY_PEPPER", "0123456789abcdef0123456789abcdef-pepper", 1);
	expect_error("JWT_SECRET_KEY must be set");
	set_secrets();
	setenv("API_KEYS", "short", 1);
	expect_error("12+ characters");
	unsetenv("API_KEYS");
	setenv("STRATUS_OIDC_ISSUER", "http://idp.example.com", 1);
	expect_error("STRATUS_OIDC_ISSUER needs STRATUS_OIDC_AUDIENCE");
	setenv("STRATUS_OIDC_AUDIENCE", "aud", 1);
	expect_error("must be an https:// URL");
	unsetenv("STRATUS_OIDC_ISSUER");
	setenv("COGNITO_USER_POOL_ID", "eu-west-1_abc", 1);
	expect_error("COGNITO_USER_POOL_ID needs COGNITO_REGION");
	unsetenv("COGNITO_USER_POOL_ID");
	setenv("STRATUS_RATE_AUTH", "-1", 1);
	expect_error("STRATUS_RATE_AUTH must be");
	setenv("STRATUS_CONFIG", "/nonexistent/stratus.env", 1);
	expect_error("cannot open /nonexistent/stratus.env");
	clear_env();
}
END_TEST

START_TEST(load_defaults_and_values)
{
	struct config c;
	char err[512];

	clear_env();
	setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
	setenv("STRATUS_PEERS", "api01=http://127.0.0.1:1, api02=https://x/", 1);
	set_secrets();
	setenv("API_KEYS", "first-key-123456, second-key-123456", 1);
	setenv("COGNITO_USER_POOL_ID", "eu-west-1_abc", 1);
	setenv("COGNITO_REGION", "eu-west-1", 1);
	setenv("COGNITO_APP_CLIENT_ID", "client123", 1);
	ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.nenv_keys, 2);
	ck_assert_uint_eq(strlen(c.env_key_hashes[0]), 64);
	ck_assert_ptr_null(strstr(c.env_key_hashes[0], "first"));
	ck_assert_str_eq(c.oidc_issuer,
	                 "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc");
	ck_assert_str_eq(c.oidc_audience, "client123");
	ck_assert(c.oidc_cognito);
	ck_assert(!c.open_registration);
	ck_assert_int_eq(c.rate_auth, 5);
	ck_assert_int_eq(c.rate_general, 100);
	ck_assert_int_eq(c.rate_heavy, 10);
	ck_assert_int_eq(c.environment, ENV_PRODUCTION);
	ck_assert_int_eq(c.log_level, LOG_INFO);
	ck_assert_uint_eq(c.max_body, 1024 * 1024);
	ck_assert_int_eq(c.jwt_expire_minutes, 30);
	ck_assert_uint_eq(c.npeers, 2);
	ck_assert_str_eq(c.peers[1].name, "api02");
	ck_assert_str_eq(c.peers[1].url, "https://x/");
	config_free(&c);
	clear_env();
}
END_TEST

START_TEST(file_is_read_and_environment_wins)
{
	char path[] = "/tmp/stratus-unit-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct config c;
	char err[512];

	fprintf(f, "# comment\n\nexport DATABASE_URL='mysql://u:p@filehost/db'\n"
	           "ENVIRONMENT = staging\nLOG_LEVEL=\"debug\"\n");
	fclose(f);
	clear_env();
	set_secrets();
	setenv("STRATUS_CONFIG", path, 1);
	setenv("LOG_LEVEL", "error", 1);
	ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.db.host, "filehost");
	ck_assert_int_eq(c.environment, ENV_STAGING);
	ck_assert_int_eq(c.log_level, LOG_ERROR);
	ck_assert_str_eq(c.source, path);
	config_free(&c);

	f = fopen(path, "w");
	fprintf(f, "DATABASE_URL mysql://u:p@h/db\n");
	fclose(f);
	expect_error("line 1 is not KEY=value");
	unlink(path);
	clear_env();
}
END_TEST

static void count_each(const char *name, const char *value, void *ud)
{
	if (strcmp(name, "AWS_UNIT_A") == 0 && strcmp(value, "1") == 0)
		(*(int *)ud)++;
	if (strcmp(name, "AWS_UNIT_B") == 0 && strcmp(value, "2") == 0)
		(*(int *)ud) += 10;
}

START_TEST(run_settings)
{
	struct config c;
	char err[512];
	int seen = 0;

	clear_env();
	set_secrets();
	unsetenv("AIRFLOW_URL");
	unsetenv("TERRAFORM_BIN");
	setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
	ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.executor, "terraform");
	ck_assert_str_eq(c.terraform_bin, "terraform");
	ck_assert_str_eq(c.workdir, "/var/lib/stratus/runs");
	ck_assert_int_eq(c.retry_delay_s, 300);
	ck_assert_int_eq(c.max_attempts, 3);
	ck_assert(!c.retry_backoff);
	ck_assert_int_eq(c.lease_s, 60);
	ck_assert_int_eq(c.step_timeout_s, 3600);
	ck_assert_int_eq(c.provision_max_count, 20);
	ck_assert_ptr_null(c.airflow_url);
	ck_assert_ptr_null(c.webhook_secret);
	config_free(&c);

	setenv("AWS_UNIT_A", "1", 1);
	setenv("AWS_UNIT_B", "2", 1);
	config_each("AWS_UNIT_", count_each, &seen);
	ck_assert_int_eq(seen, 11);
	unsetenv("AWS_UNIT_A");
	unsetenv("AWS_UNIT_B");

	setenv("STRATUS_EXECUTOR", "airflow", 1);
	expect_error("AIRFLOW_URL");
	setenv("AIRFLOW_URL", "ftp://airflow", 1);
	expect_error("AIRFLOW_URL");
	setenv("AIRFLOW_URL", "http://127.0.0.1:8080", 1);
	ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.airflow_dag, "stratus_provision");
	ck_assert_int_eq(c.airflow_poll_s, 15);
	config_free(&c);
	unsetenv("AIRFLOW_URL");
	setenv("STRATUS_EXECUTOR", "ansible", 1);
	expect_error("STRATUS_EXECUTOR");
	unsetenv("STRATUS_EXECUTOR");
	setenv("STRATUS_WORKDIR", "runs", 1);
	expect_error("STRATUS_WORKDIR");
	unsetenv("STRATUS_WORKDIR");
	setenv("STRATUS_RETRY_BACKOFF", "yes", 1);
	expect_error("STRATUS_RETRY_BACKOFF");
	unsetenv("STRATUS_RETRY_BACKOFF");
	setenv("STRATUS_WEBHOOK_SECRET", "short", 1);
	expect_error("STRATUS_WEBHOOK_SECRET");
	unsetenv("STRATUS_WEBHOOK_SECRET");
	setenv("STRATUS_LEASE_SECONDS", "1", 1);
	expect_error("STRATUS_LEASE_SECONDS");
	unsetenv("STRATUS_LEASE_SECONDS");
	setenv("STRATUS_PROVISION_MAX_COUNT", "0", 1);
	expect_error("STRATUS_PROVISION_MAX_COUNT");
	unsetenv("STRATUS_PROVISION_MAX_COUNT");
}
END_TEST

/* The settings table: sound rows, defaults within bounds, bad values refused. */
START_TEST(table_rows_are_sound)
{
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct setting *s = &config_settings[i];

		ck_assert_msg(s->help != NULL && *s->help != '\0', "%s has no help", s->name);
		ck_assert_msg(strchr(s->help, '|') == NULL, "%s: '|' breaks the table", s->name);
		ck_assert_ptr_eq(config_setting(s->name), s); /* each name once */
		if (s->type == SETTING_INT) {
			ck_assert_msg(s->min <= s->max, "%s: bounds", s->name);
			ck_assert_msg(s->min <= s->idef && s->idef <= s->max,
			              "%s: default %ld outside %ld-%ld", s->name, s->idef, s->min,
			              s->max);
			ck_assert_ptr_null(s->def);
		} else {
			ck_assert_msg(s->allowed != NULL, "%s says nothing of its values", s->name);
		}
	}
	ck_assert_ptr_null(config_setting("STRATUS_NO_SUCH_SETTING"));
	ck_assert_ptr_nonnull(config_setting("STRATUS_CALLBACK_ALLOW")); /* the alias stays */
	ck_assert_ptr_nonnull(config_setting("OUMI_API_KEY"));
}
END_TEST

START_TEST(table_bad_values_are_refused)
{
	static const char *const bad[] = { "12abc", "", " 1", "1.5", "0x10", "-" };

	for (size_t i = 0; i < config_nsettings; i++) {
		const struct setting *s = &config_settings[i];
		char err[256], want[256], v[32];
		long n = -7;

		if (s->type != SETTING_INT)
			continue;
		snprintf(want, sizeof(want), "%s must be an integer from %ld to %ld", s->name,
		         s->min, s->max);
		for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			ck_assert_int_eq(config_setting_long(s, bad[b], &n, err, sizeof(err)), -1);
			ck_assert_str_eq(err, want);
		}
		snprintf(v, sizeof(v), "%ld", s->max + 1);
		ck_assert_int_eq(config_setting_long(s, v, &n, err, sizeof(err)), -1);
		snprintf(v, sizeof(v), "%ld", s->min - 1);
		ck_assert_int_eq(config_setting_long(s, v, &n, err, sizeof(err)), -1);
		ck_assert_int_eq(n, -7);
		snprintf(v, sizeof(v), "%ld", s->max);
		ck_assert_int_eq(config_setting_long(s, v, &n, err, sizeof(err)), 0);
		ck_assert_int_eq(n, s->max);
		snprintf(v, sizeof(v), "%ld", s->idef);
		ck_assert_int_eq(config_setting_long(s, v, &n, err, sizeof(err)), 0);
		ck_assert_int_eq(n, s->idef);
	}
}
END_TEST

/* config_load reads every integer row, with the row's bounds and message. */
START_TEST(load_refuses_each_integer_out_of_bounds)
{
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct setting *s = &config_settings[i];
		char want[256], v[32];

		if (s->type != SETTING_INT)
			continue;
		clear_env();
		setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
		set_secrets();
		snprintf(v, sizeof(v), "%ld", s->max + 1);
		setenv(s->name, v, 1);
		snprintf(want, sizeof(want), "%s must be an integer from %ld to %ld", s->name,
		         s->min, s->max);
		expect_error(want);
		unsetenv(s->name); /* clear_env leaves AIRFLOW_* */
	}
	clear_env();
}
END_TEST

START_TEST(load_takes_the_table_defaults)
{
	struct config c;
	char err[512];

	clear_env();
	setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
	set_secrets();
	ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.jwks_ttl_s, config_setting("STRATUS_JWKS_TTL")->idef);
	ck_assert_int_eq(c.lease_s, config_setting("STRATUS_LEASE_SECONDS")->idef);
	ck_assert_int_eq(c.llm_timeout_ms, config_setting("STRATUS_LLM_TIMEOUT_MS")->idef);
	ck_assert_uint_eq(c.max_body, (size_t)config_setting("STRATUS_MAX_BODY")->idef);
	ck_assert_str_eq(c.workdir, config_setting("STRATUS_WORKDIR")->def);
	ck_assert_str_eq(c.jwt_issuer, config_setting("STRATUS_JWT_ISSUER")->def);
	ck_assert_str_eq(c.cors_origins, config_setting("STRATUS_CORS_ORIGINS")->def);
	ck_assert_int_ge(c.pwhash_concurrency, 1); /* computed from the host */
	config_free(&c);
	clear_env();
}
END_TEST

START_TEST(table_prints_as_markdown)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	size_t rows = 0;

	ck_assert_ptr_nonnull(f);
	config_settings_print(f, true);
	fclose(f);
	for (char *p = buf; (p = strstr(p, "\n| `")) != NULL; p++)
		rows++;
	ck_assert_uint_eq(rows, config_nsettings);
	ck_assert_ptr_nonnull(strstr(buf, "| `STRATUS_JWKS_TTL` | integer | 3600 | 10-86400 | "));
	free(buf);
}
END_TEST

/* ------------------------------------------------------------------ the types of the table */

static int check_only_abc(const struct setting *s, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "abc") != 0)
		return snprintf(err, errlen, "%s: only abc here", s->name), -1;
	return 0;
}

/* config_setting_check(row, value): accepted, or refused with exactly `msg`. */
static void expect_check(const struct setting *s, const char *v, const char *msg)
{
	char err[256] = "";
	int rc = config_setting_check(s, v, err, sizeof(err));

	if (msg == NULL) {
		ck_assert_msg(rc == 0, "%s=%s refused: %s", s->name, v ? v : "(unset)", err);
	} else {
		ck_assert_msg(rc == -1, "%s=%s accepted", s->name, v ? v : "(unset)");
		ck_assert_str_eq(err, msg);
	}
}

START_TEST(types_bool_and_choice)
{
	static const struct setting b = { .name = "B", .type = SETTING_BOOL, .allowed = "1, 0" };
	static const struct setting c = { .name = "C",
		                          .type = SETTING_CHOICE,
		                          .allowed = "alpha, bb,  gamma" };
	static const struct setting one = { .name = "ONE",
		                            .type = SETTING_CHOICE,
		                            .allowed = "HS256" };
	static const struct setting ne = {
		.name = "NE", .type = SETTING_CHOICE, .allowed = "x, y", .flags = SF_NOT_EMPTY
	};

	for (const char *const *v = (const char *const[]){ "1", "0", "true", "false", "", NULL };
	     *v != NULL; v++)
		expect_check(&b, *v, NULL);
	expect_check(&b, NULL, NULL);
	expect_check(&b, "yes", "B must be 1/0/true/false");
	expect_check(&b, "TRUE", "B must be 1/0/true/false");
	expect_check(&b, "1 ", "B must be 1/0/true/false");
	expect_check(&c, "alpha", NULL);
	expect_check(&c, "bb", NULL);
	expect_check(&c, "gamma", NULL);
	expect_check(&c, "", NULL); /* empty is unset */
	expect_check(&c, "b", "C must be alpha, bb or gamma");
	expect_check(&c, "alpha,", "C must be alpha, bb or gamma");
	expect_check(&c, "Alpha", "C must be alpha, bb or gamma");
	expect_check(&one, "HS256", NULL);
	expect_check(&one, "RS256", "ONE must be HS256");
	expect_check(&ne, NULL, NULL);
	expect_check(&ne, "", "NE must be x or y"); /* SF_NOT_EMPTY: empty is a value */
}
END_TEST

START_TEST(types_url_and_path)
{
	static const struct setting u = { .name = "U", .type = SETTING_URL, .allowed = "u" };
	static const struct setting h = {
		.name = "H", .type = SETTING_URL, .allowed = "h", .flags = SF_HTTPS
	};
	static const struct setting p = { .name = "P", .type = SETTING_PATH, .allowed = "p" };
	static const struct setting r = {
		.name = "R", .type = SETTING_PATH, .allowed = "r", .flags = SF_RELATIVE
	};
	static const struct setting m = { .name = "M",
		                          .type = SETTING_PATH,
		                          .allowed = "m",
		                          .flags = SF_NOT_EMPTY,
		                          .maxlen = 8 };

	expect_check(&u, "http://a:8080/x", NULL);
	expect_check(&u, "https://a", NULL);
	expect_check(&u, "ftp://a", "U must be an http:// or https:// URL");
	expect_check(&u, "HTTP://a", "U must be an http:// or https:// URL");
	expect_check(&h, "https://idp.example.com", NULL);
	expect_check(&h, "http://127.0.0.1:9000/", NULL);
	expect_check(&h, "http://localhost:9000", NULL);
	expect_check(&h, "http://[::1]:9000", NULL);
	expect_check(&h, "http://idp.example.com", "H must be an https:// URL");
	expect_check(&p, "/var/x", NULL);
	expect_check(&p, "", NULL);
	expect_check(&p, "var/x", "P must be an absolute path");
	expect_check(&r, "var/x", NULL);
	expect_check(&m, "/1234567", NULL);
	expect_check(&m, "/12345678", "M must be at most 8 characters");
	expect_check(&m, "", "M must be an absolute path");
}
END_TEST

START_TEST(types_text_lengths_required_fail_and_check)
{
	static const struct setting t = {
		.name = "T", .type = SETTING_STRING, .allowed = "t", .minlen = 4, .maxlen = 6
	};
	static const struct setting req = { .name = "REQ",
		                            .type = SETTING_SECRET,
		                            .allowed = "r",
		                            .flags = SF_REQUIRED,
		                            .minlen = 32 };
	static const struct setting bare = {
		.name = "BARE", .type = SETTING_STRING, .allowed = "b", .flags = SF_REQUIRED
	};
	static const struct setting one = { .name = "ONE",
		                            .type = SETTING_STRING,
		                            .allowed = "o",
		                            .flags = SF_NOT_EMPTY,
		                            .minlen = 1 };
	static const struct setting f = { .name = "F",
		                          .type = SETTING_SECRET,
		                          .allowed = "f",
		                          .flags = SF_REQUIRED,
		                          .minlen = 3,
		                          .fail = "F is wrong, whatever it was" };
	static const struct setting c = { .name = "C",
		                          .type = SETTING_LIST,
		                          .allowed = "c",
		                          .minlen = 2,
		                          .check = check_only_abc };
	static const struct setting i = {
		.name = "I", .type = SETTING_INT, .idef = 5, .min = 1, .max = 9
	};

	expect_check(&t, "abcd", NULL);
	expect_check(&t, "abcdef", NULL);
	expect_check(&t, "abc", "T must be at least 4 characters");
	expect_check(&t, "abcdefg", "T must be at most 6 characters");
	expect_check(&t, "", NULL);
	expect_check(&req, NULL, "REQ must be set (at least 32 characters)");
	expect_check(&req, "", "REQ must be set (at least 32 characters)");
	expect_check(&req, "short", "REQ must be at least 32 characters");
	expect_check(&req, "0123456789abcdef0123456789abcdef", NULL);
	expect_check(&bare, NULL, "BARE is not set");
	expect_check(&bare, "x", NULL);
	expect_check(&one, NULL, NULL);
	expect_check(&one, "", "ONE must not be empty");
	expect_check(&f, NULL, "F is wrong, whatever it was");
	expect_check(&f, "ab", "F is wrong, whatever it was");
	expect_check(&f, "abc", NULL);
	expect_check(&c, "abc", NULL);
	expect_check(&c, "a", "C must be at least 2 characters"); /* lengths before `check` */
	expect_check(&c, "abd", "C: only abc here");
	expect_check(&i, "9", NULL);
	expect_check(&i, "", NULL);
	expect_check(&i, "10", "I must be an integer from 1 to 9");
}
END_TEST

/* Every row is well formed, and the defaults it declares pass its own check. */
START_TEST(table_defaults_pass_their_rows)
{
	for (size_t i = 0; i < config_nsettings; i++) {
		const struct setting *s = &config_settings[i];
		char err[256], v[32];

		if (s->type == SETTING_INT) {
			snprintf(v, sizeof(v), "%ld", s->idef);
			expect_check(s, v, NULL);
			ck_assert_msg(s->minlen == 0 && s->maxlen == 0 && s->check == NULL &&
			                      s->fail == NULL,
			              "%s: text fields on an integer row", s->name);
			continue;
		}
		if (s->def != NULL)
			ck_assert_msg(config_setting_check(s, s->def, err, sizeof(err)) == 0,
			              "%s: its default is refused: %s", s->name, err);
		if (s->type == SETTING_BOOL)
			ck_assert_str_eq(s->allowed, "1, 0, true, false");
		if (s->maxlen > 0)
			ck_assert_msg(s->minlen <= s->maxlen, "%s: lengths", s->name);
		ck_assert_msg(!(s->flags & SF_HTTPS) || s->type == SETTING_URL, "%s", s->name);
		ck_assert_msg(!(s->flags & SF_RELATIVE) || s->type == SETTING_PATH, "%s", s->name);
		/* Unset is refused exactly when the row is required. */
		ck_assert_int_eq(config_setting_check(s, NULL, err, sizeof(err)),
		                 (s->flags & SF_REQUIRED) ? -1 : 0);
	}
}
END_TEST

/* config_load refuses a bad value of each kind, with the message of its row. */
START_TEST(load_refuses_bad_text_values)
{
	static const struct {
		const char *name, *value, *msg;
	} bad[] = {
		{ "STRATUS_OIDC_COGNITO", "yes", "STRATUS_OIDC_COGNITO must be 1/0/true/false" },
		{ "STRATUS_OPEN_REGISTRATION", "maybe",
		  "STRATUS_OPEN_REGISTRATION must be 1/0/true/false" },
		{ "STRATUS_RETRY_BACKOFF", "on", "STRATUS_RETRY_BACKOFF must be 1/0/true/false" },
		{ "STRATUS_RATE_STORE", "redis", "STRATUS_RATE_STORE must be shm or database" },
		{ "STRATUS_EXECUTOR", "", "STRATUS_EXECUTOR must be terraform or airflow" },
		{ "JWT_ALGORITHM", "RS256", "JWT_ALGORITHM: only HS256 is supported" },
		{ "STRATUS_SHM_FILE", "relative", "STRATUS_SHM_FILE must be an absolute path" },
		{ "STRATUS_WORKDIR", "", "STRATUS_WORKDIR must be an absolute path" },
		{ "TERRAFORM_BIN", "", "TERRAFORM_BIN must not be empty" },
		{ "STRATUS_LLM_URL", "ftp://x",
		  "STRATUS_LLM_URL must be an http:// or https:// URL" },
		{ "AIRFLOW_URL", "airflow:8080", "AIRFLOW_URL must be an http:// or https:// URL" },
		{ "STRATUS_WEBHOOK_SECRET", "short",
		  "STRATUS_WEBHOOK_SECRET must be at least 32 characters" },
		{ "STRATUS_WEBHOOK_ALLOW", "http://", "STRATUS_WEBHOOK_ALLOW: " },
		{ "STRATUS_CALLBACK_ALLOW", "nonsense", "STRATUS_CALLBACK_ALLOW: " },
		{ "OUMI_API_KEY", "short",
		  "API_KEYS / OUMI_API_KEY: each key needs 12+ characters" },
		{ "LOG_LEVEL", "verbose", "LOG_LEVEL must be debug, info, warning or error" },
	};
	char longpath[600];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		clear_env();
		setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
		set_secrets();
		setenv(bad[i].name, bad[i].value, 1);
		expect_error(bad[i].msg);
		unsetenv(bad[i].name); /* clear_env leaves AIRFLOW_*, TERRAFORM_BIN */
	}
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	clear_env();
	setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
	set_secrets();
	setenv("STRATUS_SHM_FILE", longpath, 1);
	expect_error("STRATUS_SHM_FILE must be at most 511 characters");
	clear_env();
}
END_TEST

START_TEST(load_reads_booleans_and_choices)
{
	struct config c;
	char err[512];

	clear_env();
	setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
	set_secrets();
	setenv("STRATUS_OIDC_ISSUER", "http://127.0.0.1:9/", 1);
	setenv("STRATUS_OIDC_AUDIENCE", "aud", 1);
	setenv("STRATUS_OIDC_COGNITO", "true", 1);
	setenv("STRATUS_OPEN_REGISTRATION", "1", 1);
	setenv("STRATUS_RETRY_BACKOFF", "false", 1);
	setenv("STRATUS_RATE_STORE", "database", 1);
	setenv("LOG_LEVEL", "WARN", 1);            /* any case, and the short name */
	setenv("STRATUS_SCHEMA_DIR", "schema", 1); /* a relative directory is allowed */
	ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
	ck_assert(c.oidc_cognito);
	ck_assert_str_eq(c.oidc_audience, "aud");
	ck_assert(c.open_registration);
	ck_assert(!c.retry_backoff);
	ck_assert(!c.rate_shm);
	ck_assert_int_eq(c.log_level, LOG_WARNING);
	ck_assert_str_eq(c.schema_dir, "schema");
	config_free(&c);
	setenv("STRATUS_OPEN_REGISTRATION", "false", 1);
	setenv("ENVIRONMENT", "development", 1);
	setenv("STRATUS_OIDC_COGNITO", "0", 1);
	ck_assert_int_eq(config_load(&c, err, sizeof(err)), 0);
	ck_assert(!c.open_registration);
	ck_assert(!c.oidc_cognito);
	ck_assert_int_eq(c.environment, ENV_DEVELOPMENT);
	config_free(&c);
	clear_env();
}
END_TEST

static void collect(const char *msg, void *ud)
{
	char *all = ud;

	strncat(all, msg, 2047 - strlen(all));
	strncat(all, "\n", 2047 - strlen(all));
}

/* check-config's view: every refusal at once, malformed values before missing ones. */
START_TEST(problems_are_all_listed)
{
	char all[2048] = "";

	clear_env();
	setenv("ENVIRONMENT", "prod", 1);
	setenv("STRATUS_RATE_WINDOW", "0", 1);
	setenv("STRATUS_RETRY_BACKOFF", "yes", 1);
	ck_assert_uint_eq(config_problems(collect, all), 6);
	ck_assert_str_eq(all, "ENVIRONMENT must be production, staging or development\n"
	                      "STRATUS_RATE_WINDOW must be an integer from 1 to 3600\n"
	                      "STRATUS_RETRY_BACKOFF must be 1/0/true/false\n"
	                      "DATABASE_URL is not set (mysql://user:pass@host:port/db)\n"
	                      "STRATUS_KEY_PEPPER must be set to at least 32 random characters "
	                      "(API keys are stored as hashes keyed with it)\n"
	                      "JWT_SECRET_KEY must be set (at least 32 characters)\n");
	setenv("DATABASE_URL", "mysql://a:b@h/db", 1);
	set_secrets();
	unsetenv("ENVIRONMENT");
	unsetenv("STRATUS_RATE_WINDOW");
	unsetenv("STRATUS_RETRY_BACKOFF");
	all[0] = '\0';
	ck_assert_uint_eq(config_problems(collect, all), 0);
	setenv("COGNITO_USER_POOL_ID", "eu-west-1_abc", 1);
	ck_assert_uint_eq(config_problems(collect, all), 1);
	ck_assert_str_eq(all,
	                 "COGNITO_USER_POOL_ID needs COGNITO_REGION and COGNITO_APP_CLIENT_ID\n");
	clear_env();
}
END_TEST

Suite *suite_config(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, url_tcp);
	tcase_add_test(tc, url_socket_default_port_ipv6);
	tcase_add_test(tc, url_errors_are_clear_and_hide_the_password);
	tcase_add_test(tc, load_errors_name_the_setting);
	tcase_add_test(tc, load_defaults_and_values);
	tcase_add_test(tc, file_is_read_and_environment_wins);
	tcase_add_test(tc, run_settings);
	tcase_add_test(tc, table_rows_are_sound);
	tcase_add_test(tc, table_bad_values_are_refused);
	tcase_add_test(tc, load_refuses_each_integer_out_of_bounds);
	tcase_add_test(tc, load_takes_the_table_defaults);
	tcase_add_test(tc, table_prints_as_markdown);
	tcase_add_test(tc, types_bool_and_choice);
	tcase_add_test(tc, types_url_and_path);
	tcase_add_test(tc, types_text_lengths_required_fail_and_check);
	tcase_add_test(tc, table_defaults_pass_their_rows);
	tcase_add_test(tc, load_refuses_bad_text_values);
	tcase_add_test(tc, load_reads_booleans_and_choices);
	tcase_add_test(tc, problems_are_all_listed);
	suite_add_tcase(s, tc);
	return s;
}
