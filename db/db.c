/* db.c: the narrow MariaDB layer: one connection, cached prepared statements. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include "lib/config.h"
#include "lib/log.h"
#include "lib/util.h"
#include "db/stmt.h"

/* Enough slots for every statement the program declares. */
#define DB_MAX_STMTS 256

/* Ping before a statement when the connection sat idle this long. */
#define DB_IDLE_PING_US (5 * 1000000LL)

struct db {
	MYSQL *conn; /* NULL when not connected */
	struct db_url url;
	bool multi;
	bool in_tx;
	int64_t last_used_us;
	MYSQL_STMT *cache[DB_MAX_STMTS];
	char error[512];
	char version[96];
};

/* Slots are process-wide: every connection caches statement N in cache[N]. */
static int next_slot;

struct db *db_new(const struct db_url *url, bool multi)
{
	struct db *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->multi = multi;
	db->url.port = url->port;
#define DUP(f)                                                                                     \
	if (url->f != NULL && (db->url.f = strdup(url->f)) == NULL)                                \
		goto oom;
	DUP(user)
	DUP(password)
	DUP(host)
	DUP(socket)
	DUP(database)
#undef DUP
	return db;
oom:
	db_url_free(&db->url);
	free(db);
	return NULL;
}

static void set_error(struct db *db, const char *what, const char *msg)
{
	snprintf(db->error, sizeof(db->error), "%s: %s", what, msg);
}

/* Closes the connection and every statement prepared on it. */
static void disconnect(struct db *db)
{
	for (int i = 0; i < DB_MAX_STMTS; i++) {
		if (db->cache[i] != NULL) {
			mysql_stmt_close(db->cache[i]);
			db->cache[i] = NULL;
		}
	}
	if (db->conn != NULL) {
		mysql_close(db->conn);
		db->conn = NULL;
	}
	db->in_tx = false;
}

void db_free(struct db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	db_url_free(&db->url);
	free(db);
}

const char *db_last_error(const struct db *db)
{
	return db->error;
}

/* Errors that mean the connection is gone, not that the statement is wrong. */
static bool is_conn_error(unsigned e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
	       e == CR_CONN_HOST_ERROR || e == ER_CONNECTION_KILLED || e == ER_SERVER_SHUTDOWN ||
	       e == CR_SERVER_LOST_EXTENDED || e == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */;
}

enum db_rc db_connect(struct db *db)
{
	unsigned int timeout = 3, rw_timeout = 30;
	my_bool off = 0;
	unsigned long flags = CLIENT_FOUND_ROWS;
	const char *host = db->url.host;

	if (db->conn != NULL)
		return DB_OK;
	if ((db->conn = mysql_init(NULL)) == NULL) {
		set_error(db, "connect", "out of memory");
		return DB_UNAVAILABLE;
	}
	mysql_optionsv(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(db->conn, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	mysql_optionsv(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	/* We reconnect ourselves, so that we know what may be retried. */
	mysql_optionsv(db->conn, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Every timestamp is UTC; strict mode turns silent truncation into errors. */
	mysql_optionsv(db->conn, MYSQL_INIT_COMMAND,
	               "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
	               "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
	if (db->multi)
		flags |= CLIENT_MULTI_STATEMENTS;
	if (db->url.socket != NULL && host != NULL && strcmp(host, "localhost") != 0)
		host = "localhost"; /* a socket is only used with host localhost */
	if (mysql_real_connect(db->conn, host, db->url.user, db->url.password, db->url.database,
	                       db->url.port, db->url.socket, flags) == NULL) {
		set_error(db, "connect", mysql_error(db->conn));
		mysql_close(db->conn);
		db->conn = NULL;
		return DB_UNAVAILABLE;
	}
	snprintf(db->version, sizeof(db->version), "%s", mysql_get_server_info(db->conn));
	db->last_used_us = util_monotonic_us();
	return DB_OK;
}

/* Classifies the error of the connection or statement and records it. */
static enum db_rc fail(struct db *db, const char *what, unsigned err, const char *msg)
{
	set_error(db, what, msg);
	if (is_conn_error(err)) {
		disconnect(db);
		return DB_UNAVAILABLE;
	}
	if (err == ER_DUP_ENTRY)
		return DB_DUPLICATE;
	if (err == ER_LOCK_WAIT_TIMEOUT || err == ER_LOCK_DEADLOCK)
		return DB_BUSY;
	return DB_ERROR;
}

/* Returns the prepared handle of q on this connection, preparing it once. */
static MYSQL_STMT *prepared(struct db *db, struct db_stmt *q, enum db_rc *rc)
{
	MYSQL_STMT *st;

	if (q->slot < 0) {
		if (next_slot >= DB_MAX_STMTS) {
			set_error(db, "prepare", "too many statements: raise DB_MAX_STMTS");
			*rc = DB_ERROR;
			return NULL;
		}
		q->slot = next_slot++;
	}
	if ((st = db->cache[q->slot]) != NULL)
		return st;
	if ((st = mysql_stmt_init(db->conn)) == NULL) {
		*rc = fail(db, "prepare", mysql_errno(db->conn), mysql_error(db->conn));
		return NULL;
	}
	if (mysql_stmt_prepare(st, q->sql, (unsigned long)strlen(q->sql)) != 0) {
		unsigned e = mysql_stmt_errno(st);
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		*rc = fail(db, "prepare", e, msg);
		return NULL;
	}
	/* The placeholder count is part of the statement's contract. */
	if (mysql_stmt_param_count(st) != q->nparams) {
		unsigned long have = mysql_stmt_param_count(st);

		mysql_stmt_close(st);
		set_error(db, "prepare", "placeholder count differs from the bind list");
		log_msg(LOG_ERROR, NULL, "statement has %lu placeholders, declared %u: %.80s", have,
		        q->nparams, q->sql);
		*rc = DB_ERROR;
		return NULL;
	}
	/* So is the result column count, when the statement declares it. */
	if (q->ncols >= 0 && mysql_stmt_field_count(st) != (unsigned)q->ncols) {
		unsigned have = mysql_stmt_field_count(st);

		mysql_stmt_close(st);
		set_error(db, "prepare", "result column count differs from the bind list");
		log_msg(LOG_ERROR, NULL, "statement has %u result columns, declared %d: %.80s",
		        have, q->ncols, q->sql);
		*rc = DB_ERROR;
		return NULL;
	}
	db->cache[q->slot] = st;
	return st;
}

enum db_rc db_query(struct db *db, struct db_stmt *q, MYSQL_BIND *in, MYSQL_BIND *out)
{
	enum db_rc rc = DB_ERROR;

	for (int attempt = 0; attempt < 2; attempt++) {
		MYSQL_STMT *st;
		int64_t now = util_monotonic_us();

		if (db->conn == NULL && (db->in_tx || (rc = db_connect(db)) != DB_OK))
			return db->in_tx ? DB_UNAVAILABLE : rc;
		/* After a long idle the server may have gone; find out before sending. */
		if (!db->in_tx && now - db->last_used_us > DB_IDLE_PING_US &&
		    mysql_ping(db->conn) != 0) {
			disconnect(db);
			if ((rc = db_connect(db)) != DB_OK)
				return rc;
		}
		db->last_used_us = now;
		if ((st = prepared(db, q, &rc)) == NULL) {
			/* Nothing ran yet: always safe to try once more. */
			if (rc == DB_UNAVAILABLE && !db->in_tx && attempt == 0)
				continue;
			return rc;
		}
		if ((q->nparams > 0 && mysql_stmt_bind_param(st, in) != 0) ||
		    mysql_stmt_execute(st) != 0) {
			rc = fail(db, "execute", mysql_stmt_errno(st), mysql_stmt_error(st));
			if (rc == DB_UNAVAILABLE && !db->in_tx && attempt == 0 &&
			    (q->flags & DB_IDEMPOTENT))
				continue;
			return rc;
		}
		if (out != NULL &&
		    (mysql_stmt_bind_result(st, out) != 0 || mysql_stmt_store_result(st) != 0)) {
			rc = fail(db, "result", mysql_stmt_errno(st), mysql_stmt_error(st));
			if (rc == DB_UNAVAILABLE && !db->in_tx && attempt == 0 &&
			    (q->flags & DB_IDEMPOTENT))
				continue;
			return rc;
		}
		return DB_OK;
	}
	return rc;
}

int db_fetch(struct db *db, struct db_stmt *q)
{
	MYSQL_STMT *st = q->slot >= 0 ? db->cache[q->slot] : NULL;
	int r;

	if (st == NULL)
		return -1;
	r = mysql_stmt_fetch(st);
	if (r == 0 || r == MYSQL_DATA_TRUNCATED)
		return 1; /* truncation is the caller's buffer choice; lengths tell */
	if (r == MYSQL_NO_DATA)
		return 0;
	set_error(db, "fetch", mysql_stmt_error(st));
	return -1;
}

void db_done(struct db *db, struct db_stmt *q)
{
	if (q->slot >= 0 && db->cache[q->slot] != NULL)
		mysql_stmt_free_result(db->cache[q->slot]);
}

uint64_t db_affected_rows(struct db *db, struct db_stmt *q)
{
	return q->slot >= 0 && db->cache[q->slot] ? mysql_stmt_affected_rows(db->cache[q->slot])
	                                          : 0;
}

uint64_t db_insert_id(struct db *db, struct db_stmt *q)
{
	return q->slot >= 0 && db->cache[q->slot] ? mysql_stmt_insert_id(db->cache[q->slot]) : 0;
}

enum db_rc db_begin(struct db *db)
{
	enum db_rc rc;

	if ((rc = db_connect(db)) != DB_OK)
		return rc;
	if (util_monotonic_us() - db->last_used_us > DB_IDLE_PING_US && mysql_ping(db->conn) != 0) {
		disconnect(db);
		if ((rc = db_connect(db)) != DB_OK)
			return rc;
	}
	/* One round trip, where autocommit off and on again would be two more. */
	if (mysql_real_query(db->conn, "START TRANSACTION", 17) != 0)
		return fail(db, "begin", mysql_errno(db->conn), mysql_error(db->conn));
	db->in_tx = true;
	return DB_OK;
}

enum db_rc db_commit(struct db *db)
{
	enum db_rc rc = DB_OK;

	if (db->conn == NULL)
		return DB_UNAVAILABLE;
	if (mysql_commit(db->conn) != 0)
		rc = fail(db, "commit", mysql_errno(db->conn), mysql_error(db->conn));
	db->in_tx = false;
	return rc;
}

void db_rollback(struct db *db)
{
	if (db->conn != NULL)
		mysql_rollback(db->conn);
	db->in_tx = false;
}

/* Before try `try` (from 2) of a refused transaction: up to 2, 4, 6, 8 ms,
 * random, so that the two victims do not meet again. */
static void retry_pause(struct db *db, int try)
{
	struct timespec ts = { 0, (long)(util_monotonic_us() % (2000 * (try - 1))) * 1000L };

	log_msg(LOG_INFO, NULL, "transaction retried (try %d of %d): %s", try, DB_TX_TRIES,
	        db->error);
	nanosleep(&ts, NULL);
}

enum db_rc db_query_retry(struct db *db, struct db_stmt *q, MYSQL_BIND *in, MYSQL_BIND *out)
{
	enum db_rc rc = DB_BUSY;
	/* Inside a transaction InnoDB has rolled it all back: the transaction retries. */
	int tries = db->in_tx ? 1 : DB_TX_TRIES;

	for (int try = 1; try <= tries && rc == DB_BUSY; try++) {
		if (try > 1)
			retry_pause(db, try);
		rc = db_query(db, q, in, out);
	}
	return rc;
}

enum db_rc db_transaction(struct db *db, enum db_rc (*body)(struct db *db, void *arg), void *arg)
{
	enum db_rc rc = DB_BUSY;

	for (int try = 1; try <= DB_TX_TRIES; try++) {
		if (try > 1)
			retry_pause(db, try);
		if ((rc = db_begin(db)) != DB_OK)
			return rc;
		if ((rc = body(db, arg)) == DB_OK && (rc = db_commit(db)) == DB_OK)
			return DB_OK;
		db_rollback(db);
		if (rc != DB_BUSY)
			return rc;
	}
	return rc;
}

enum db_rc db_run_script(struct db *db, const char *sql)
{
	enum db_rc rc;
	int status;

	if (!db->multi) {
		set_error(db, "script", "connection was not opened for scripts");
		return DB_ERROR;
	}
	if ((rc = db_connect(db)) != DB_OK)
		return rc;
	if (mysql_real_query(db->conn, sql, (unsigned long)strlen(sql)) != 0)
		return fail(db, "script", mysql_errno(db->conn), mysql_error(db->conn));
	/* Drain every result; an error in any statement stops the script. */
	do {
		MYSQL_RES *res = mysql_store_result(db->conn);

		if (res != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(db->conn) != 0)
			return fail(db, "script", mysql_errno(db->conn), mysql_error(db->conn));
		if ((status = mysql_next_result(db->conn)) > 0)
			return fail(db, "script", mysql_errno(db->conn), mysql_error(db->conn));
	} while (status == 0);
	db->last_used_us = util_monotonic_us();
	return DB_OK;
}

void db_library_end(void)
{
	mysql_library_end();
}

const char *db_server_version(struct db *db)
{
	return db->conn != NULL || db_connect(db) == DB_OK ? db->version : NULL;
}

/* ------------------------------------------------------------------ binds */

void db_bind_str(MYSQL_BIND *b, const char *s, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)s;
	if (len != NULL) {
		*len = s != NULL ? (unsigned long)strlen(s) : 0;
		b->length = len;
	} else {
		b->buffer_length = s != NULL ? (unsigned long)strlen(s) : 0;
	}
	if (s == NULL)
		b->buffer_type = MYSQL_TYPE_NULL;
}

void db_bind_int64(MYSQL_BIND *b, int64_t *v)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
}

void db_bind_out_str(MYSQL_BIND *b, char *buf, unsigned long cap, unsigned long *len,
                     my_bool *is_null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = buf;
	b->buffer_length = cap;
	b->length = len;
	b->is_null = is_null;
}

void db_bind_out_int64(MYSQL_BIND *b, int64_t *v, my_bool *is_null)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = v;
	b->is_null = is_null;
}

enum db_rc db_query_one(struct db *db, struct db_stmt *q, MYSQL_BIND *in, MYSQL_BIND *out)
{
	enum db_rc rc;
	int r;

	if ((rc = db_query(db, q, in, out)) != DB_OK)
		return rc;
	r = db_fetch(db, q);
	db_done(db, q);
	return r == 1 ? DB_OK : r == 0 ? DB_NOT_FOUND : DB_ERROR;
}

void db_time_iso(char *s)
{
	size_t n = strlen(s);

	if (n < 19)
		return;
	s[10] = 'T';
	s[n] = 'Z';
	s[n + 1] = '\0';
}

void db_bind_out_dstr(MYSQL_BIND *b, struct db_str *s)
{
	db_bind_out_str(b, s->buf, sizeof(s->buf) - 1, &s->len, &s->null);
}

const char *db_str_fix(struct db_str *s)
{
	if (s->null)
		return NULL;
	s->buf[s->len < sizeof(s->buf) - 1 ? s->len : sizeof(s->buf) - 1] = '\0';
	return s->buf;
}
