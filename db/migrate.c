/* migrate.c: applies the numbered SQL files of schema/ in order, once each. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "db/stmt.h"
#include "db/migrate.h"
#include "lib/util.h"

#define MAX_MIGRATIONS 512
#define MAX_FILE_BYTES (4 * 1024 * 1024)

static const char SQL_LOCK[] = "SELECT GET_LOCK('stratus.migrate', 60)";
static const char SQL_UNLOCK[] = "SELECT RELEASE_LOCK('stratus.migrate')";
static const char SQL_HAS_TABLE[] =
        "SELECT COUNT(*) FROM information_schema.tables "
        "WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'";
static const char SQL_APPLIED[] =
        "SELECT version, checksum FROM schema_migrations ORDER BY version";
static const char SQL_RECORD[] = "INSERT INTO schema_migrations (version, checksum, applied_at) "
                                 "VALUES (?, ?, UTC_TIMESTAMP(6))";

enum applied_col { APPLIED_VERSION, APPLIED_CHECKSUM, APPLIED__MAX }; /* SQL_APPLIED's columns */

static struct db_stmt q_lock = DB_STMT_COLS(SQL_LOCK, 0, 1, 0);
static struct db_stmt q_unlock = DB_STMT_COLS(SQL_UNLOCK, 0, 1, 0);
static struct db_stmt q_has_table = DB_STMT_COLS(SQL_HAS_TABLE, 0, 1, DB_IDEMPOTENT);
static struct db_stmt q_applied = DB_STMT_COLS(SQL_APPLIED, 0, APPLIED__MAX, DB_IDEMPOTENT);
static struct db_stmt q_record = DB_STMT(SQL_RECORD, 2, 0);

struct migration {
	char name[256];
	char checksum[65];
	char *sql;    /* owned; freed by free_all */
	bool applied; /* a row exists */
};

/* NNN_name.sql with a lower-case name: anything else in the folder is ignored. */
static bool is_migration_name(const char *n)
{
	size_t len = strlen(n);

	if (len < 9 || strcmp(n + len - 4, ".sql") != 0 || n[3] != '_')
		return false;
	for (size_t i = 0; i < 3; i++)
		if (n[i] < '0' || n[i] > '9')
			return false;
	for (size_t i = 4; i < len - 4; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '_'))
			return false;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct migration *)a)->name, ((const struct migration *)b)->name);
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL) {
		util_fail(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(MAX_FILE_BYTES + 1)) == NULL) {
		fclose(f);
		util_fail(err, errlen, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, MAX_FILE_BYTES + 1, f);
	fclose(f);
	if (n > MAX_FILE_BYTES) {
		free(buf);
		util_fail(err, errlen, "%s is larger than %d bytes", path, MAX_FILE_BYTES);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static void free_all(struct migration *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].sql);
	free(m);
}

/* Reads the folder: names, contents and SHA-256 checksums, sorted. */
static struct migration *load_dir(const char *dir, size_t *count, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct migration *m;
	size_t n = 0;

	if (d == NULL) {
		util_fail(err, errlen, "cannot open schema directory %s: %s", dir, strerror(errno));
		return NULL;
	}
	if ((m = calloc(MAX_MIGRATIONS, sizeof(*m))) == NULL) {
		closedir(d);
		util_fail(err, errlen, "out of memory");
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		unsigned char hash[crypto_hash_sha256_BYTES];

		if (!is_migration_name(e->d_name))
			continue;
		if (n == MAX_MIGRATIONS || strlen(e->d_name) >= sizeof(m[n].name)) {
			util_fail(err, errlen, "too many migrations or name too long: %s",
			          e->d_name);
			goto bad;
		}
		snprintf(m[n].name, sizeof(m[n].name), "%s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((m[n].sql = read_file(path, err, errlen)) == NULL)
			goto bad;
		crypto_hash_sha256(hash, (const unsigned char *)m[n].sql, strlen(m[n].sql));
		sodium_bin2hex(m[n].checksum, sizeof(m[n].checksum), hash, sizeof(hash));
		n++;
	}
	closedir(d);
	qsort(m, n, sizeof(*m), by_name);
	for (size_t i = 1; i < n; i++) {
		if (strncmp(m[i].name, m[i - 1].name, 3) == 0) {
			util_fail(err, errlen, "two migrations share the number %.3s: %s and %s",
			          m[i].name, m[i - 1].name, m[i].name);
			free_all(m, n);
			return NULL;
		}
	}
	*count = n;
	return m;
bad:
	closedir(d);
	free_all(m, n + 1);
	return NULL;
}

/* Marks applied migrations; refuses changed or unknown ones. */
static int check_applied(struct db *db, struct migration *m, size_t n, char *err, size_t errlen)
{
	int64_t has = 0;
	my_bool null = 0;
	MYSQL_BIND out[APPLIED__MAX];
	char version[256], checksum[65];
	unsigned long vlen, clen;
	int r, rc = 0;

	db_bind_out_int64(&out[0], &has, &null); /* the one column of SQL_HAS_TABLE */
	if (db_query(db, &q_has_table, NULL, out) != DB_OK)
		return util_fail(err, errlen, "%s", db_last_error(db));
	r = db_fetch(db, &q_has_table);
	db_done(db, &q_has_table);
	if (r != 1)
		return util_fail(err, errlen, "%s", db_last_error(db));
	if (has == 0)
		return 0;

	db_bind_out_str(&out[APPLIED_VERSION], version, sizeof(version) - 1, &vlen, NULL);
	db_bind_out_str(&out[APPLIED_CHECKSUM], checksum, sizeof(checksum) - 1, &clen, NULL);
	if (db_query(db, &q_applied, NULL, out) != DB_OK)
		return util_fail(err, errlen, "%s", db_last_error(db));
	while (rc == 0 && (r = db_fetch(db, &q_applied)) == 1) {
		size_t i;

		version[vlen < sizeof(version) ? vlen : sizeof(version) - 1] = '\0';
		checksum[clen < sizeof(checksum) ? clen : sizeof(checksum) - 1] = '\0';
		for (i = 0; i < n && strcmp(m[i].name, version) != 0; i++)
			;
		if (i == n)
			rc = util_fail(
			        err, errlen,
			        "the database has migration %s, which %s lacks: is this an older "
			        "build?",
			        version, "the schema directory");
		else if (strcmp(m[i].checksum, checksum) != 0)
			rc = util_fail(
			        err, errlen,
			        "migration %s was changed after it was applied (checksum %.12s... "
			        "in "
			        "the database, %.12s... in the file): add a new migration instead",
			        version, checksum, m[i].checksum);
		else
			m[i].applied = true;
	}
	db_done(db, &q_applied);
	if (rc == 0 && r < 0)
		rc = util_fail(err, errlen, "%s", db_last_error(db));
	return rc;
}

static int lock(struct db *db, struct db_stmt *q, char *err, size_t errlen)
{
	int64_t got = 0;
	my_bool null = 0;
	MYSQL_BIND out[1];
	int r;

	db_bind_out_int64(&out[0], &got, &null);
	if (db_query(db, q, NULL, out) != DB_OK)
		return util_fail(err, errlen, "%s", db_last_error(db));
	r = db_fetch(db, q);
	db_done(db, q);
	if (r != 1 || null || got != 1)
		return util_fail(err, errlen,
		                 "could not take the migration lock (another migrate running?)");
	return 0;
}

int db_migrate(struct db *db, const char *dir, bool dry_run, FILE *out, char *err, size_t errlen)
{
	struct migration *m;
	size_t n = 0;
	int done = 0;

	if ((m = load_dir(dir, &n, err, errlen)) == NULL)
		return -1;
	if (db_connect(db) != DB_OK) {
		util_fail(err, errlen, "%s", db_last_error(db));
		free_all(m, n);
		return -1;
	}
	if (lock(db, &q_lock, err, errlen) < 0) {
		free_all(m, n);
		return -1;
	}
	if (check_applied(db, m, n, err, errlen) < 0) {
		done = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		MYSQL_BIND in[2];
		unsigned long l1, l2;

		if (m[i].applied)
			continue;
		if (dry_run) {
			fprintf(out, "pending %s\n", m[i].name);
			done++;
			continue;
		}
		/*
		 * The file and its row go in one transaction. MariaDB commits
		 * implicitly around DDL, so migrations are also written to be
		 * safe to re-run (IF NOT EXISTS) should a run die half-way.
		 */
		if (db_run_script(db, "START TRANSACTION") != DB_OK ||
		    db_run_script(db, m[i].sql) != DB_OK) {
			util_fail(err, errlen, "%s: %s", m[i].name, db_last_error(db));
			db_run_script(db, "ROLLBACK");
			done = -1;
			goto out;
		}
		db_bind_str(&in[0], m[i].name, &l1);
		db_bind_str(&in[1], m[i].checksum, &l2);
		if (db_query(db, &q_record, in, NULL) != DB_OK ||
		    db_run_script(db, "COMMIT") != DB_OK) {
			util_fail(err, errlen, "%s: recording it failed: %s", m[i].name,
			          db_last_error(db));
			db_run_script(db, "ROLLBACK");
			done = -1;
			goto out;
		}
		fprintf(out, "applied %s\n", m[i].name);
		done++;
	}
out : {
	char ignored[128];

	lock(db, &q_unlock, ignored, sizeof(ignored));
}
	free_all(m, n);
	return done;
}
