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
	suite_add_tcase(s, tc);
	return s;
}
