/*
 * stmt.h: the statement API of the MariaDB layer, private to the files of db/: SQL
 * constants, binds, queries and transactions. Nothing outside db/ includes
 * it (a handler that needs a transaction asks db/ for a function that runs
 * one).
 */
#ifndef STRATUS_DB_STMT_H
#define STRATUS_DB_STMT_H

#include <stdbool.h>
#include <stdint.h>

#include <mysql.h>

#include "db/db.h"

/* Statement flags. */
#define DB_IDEMPOTENT 0x1u /* safe to run again after a lost connection */

/*
 * One statement: SQL text as a named constant next to the function that
 * runs it, with its placeholder count (checked against the SQL at prepare
 * time). Declare them static: `static struct db_stmt q_x = DB_STMT(SQL_X, 1,
 * DB_IDEMPOTENT);`. The prepared handle itself is cached per connection.
 */
struct db_stmt {
	const char *sql;
	unsigned nparams;
	unsigned flags;
	int slot;  /* index in the connection's cache, assigned on first use */
	int ncols; /* result columns, checked at prepare; -1: not declared */
};
#define DB_STMT(sql_, nparams_, flags_)                                                            \
	{                                                                                          \
		.sql = (sql_), .nparams = (nparams_), .flags = (flags_), .slot = -1, .ncols = -1   \
	}
/*
 * A statement that also declares its result column count, checked against
 * the prepared statement (mysql_stmt_field_count) like the placeholders: a
 * column added to a SELECT without its bind fails the first query, loudly.
 */
#define DB_STMT_COLS(sql_, nparams_, ncols_, flags_)                                               \
	{                                                                                          \
		.sql = (sql_), .nparams = (nparams_), .flags = (flags_), .slot = -1,               \
		.ncols = (ncols_)                                                                  \
	}

/*
 * Executes `q` with `in` bound to its placeholders (NULL when it has none)
 * and, when `out` is not NULL, binds the result columns to `out` and buffers
 * the result set. Reconnects when the server went away, and runs the
 * statement again only when that is safe (nothing was sent yet, or the
 * statement is DB_IDEMPOTENT, and no transaction is open).
 * After DB_OK with `out`, call db_fetch until it returns 0, then db_done.
 */
enum db_rc db_query(struct db *db, struct db_stmt *q, MYSQL_BIND *in, MYSQL_BIND *out);

/* Fetches the next row into the `out` binds: 1 row, 0 no more, -1 error. */
int db_fetch(struct db *db, struct db_stmt *q);

/* Frees the buffered result of `q`; call after every db_query with `out`. */
void db_done(struct db *db, struct db_stmt *q);

/* Rows changed by the last db_query of `q`, and the AUTO_INCREMENT it made. */
uint64_t db_affected_rows(struct db *db, struct db_stmt *q);
uint64_t db_insert_id(struct db *db, struct db_stmt *q);

/* Transactions: begin, commit, rollback. While one is open, nothing retries. */
enum db_rc db_begin(struct db *db);
enum db_rc db_commit(struct db *db);
void db_rollback(struct db *db);

/*
 * Runs body(db, arg) as one transaction: begin, body, commit. When InnoDB
 * refuses it with a deadlock or a lock wait timeout (DB_BUSY from the body
 * or from the commit), rolls back and runs the whole transaction again from
 * its start, after a short random pause, at most DB_TX_TRIES times in all.
 * So the body may only do database work and must (re)set its outputs on
 * every run: never answer a request, never keep state from a run that was
 * rolled back. Returns DB_OK after the commit; otherwise, after a rollback,
 * the body's result, the commit's, or DB_BUSY when every try lost.
 */
#define DB_TX_TRIES 5
enum db_rc db_transaction(struct db *db, enum db_rc (*body)(struct db *db, void *arg), void *arg);
/*
 * db_query for one statement that is a transaction on its own (autocommit,
 * its triggers included): run again the same way when InnoDB refuses it
 * with a deadlock or a lock wait timeout. Inside a transaction it runs once:
 * the rollback undid the whole transaction, which db_transaction retries.
 */
enum db_rc db_query_retry(struct db *db, struct db_stmt *q, MYSQL_BIND *in, MYSQL_BIND *out);

/* Bind helpers: fill one MYSQL_BIND (zeroed first). `len` may be NULL. */
void db_bind_str(MYSQL_BIND *b, const char *s, unsigned long *len);
void db_bind_int64(MYSQL_BIND *b, int64_t *v);
void db_bind_out_str(MYSQL_BIND *b, char *buf, unsigned long cap, unsigned long *len,
                     my_bool *is_null);
void db_bind_out_int64(MYSQL_BIND *b, int64_t *v, my_bool *is_null);

/*
 * Runs `q` and fetches exactly one row into `out`: DB_OK, DB_NOT_FOUND when
 * there is none, or the error. For lookups by a unique key.
 */
enum db_rc db_query_one(struct db *db, struct db_stmt *q, MYSQL_BIND *in, MYSQL_BIND *out);

/*
 * Rewrites a DATETIME as MariaDB sends it ("2026-11-23 01:02:03.123456")
 * into ISO 8601 UTC ("2026-11-23T01:02:03.123456Z") in place; `s` must have
 * room for one more byte (28 bytes). An empty string stays empty.
 */
void db_time_iso(char *s);

/* A bound output string with its length and NULL flag, NUL-terminated by db_str_fix. */
struct db_str {
	char buf[256];
	unsigned long len;
	my_bool null;
};
void db_bind_out_dstr(MYSQL_BIND *b, struct db_str *s);
/* NUL-terminates a fetched db_str (truncating to its buffer); returns buf or NULL if NULL. */
const char *db_str_fix(struct db_str *s);

#endif
