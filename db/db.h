/*
 * db.h: the narrow MariaDB layer as its callers see it: a connection and the
 * outcomes of a call. The statement API (binds, queries, transactions) is
 * db/stmt.h, for the files of db/ alone: handlers and jobs call one db_ function per
 * query and never see SQL, binds or a transaction.
 */
#ifndef STRATUS_DB_H
#define STRATUS_DB_H

#include <stdbool.h>
#include <stdint.h>

struct db_url;
struct db;

/* Outcomes of a database call; handlers map them to HTTP statuses. */
enum db_rc {
	DB_OK = 0,           /* DB_OK */
	DB_ERROR = -1,       /* DB_ERROR: a bug or a server-side failure: 500 */
	DB_UNAVAILABLE = -2, /* DB_UNAVAILABLE: cannot reach the server: 503 */
	DB_DUPLICATE = -3,   /* DB_DUPLICATE: a unique key refused the row: 409 */
	DB_NOT_FOUND = -4,   /* DB_NOT_FOUND: no such row: 404 */
	DB_BUSY = -5,        /* DB_BUSY: the row is locked by another transaction (NOWAIT,
	                        lock wait timeout, deadlock) */
	DB_CONFLICT = -6,    /* DB_CONFLICT: a rule of the data refused the change (the last
	                        admin, a per-user limit): 409 */
};

/*
 * Creates a connection object for `url` (copied) without connecting yet;
 * NULL when out of memory. The process owns it (struct app) and frees it
 * with db_free. `multi` allows db_run_script (for migrations only).
 */
struct db *db_new(const struct db_url *url, bool multi);
void db_free(struct db *db);

/* Connects now if not connected. Returns DB_OK or DB_UNAVAILABLE. */
enum db_rc db_connect(struct db *db);

/* The last error text, for logs only: never send it to a client. */
const char *db_last_error(const struct db *db);

/*
 * Runs trusted SQL text made of several statements (a migration file, never
 * user input) on a connection made with `multi`. Returns DB_OK or an error.
 */
enum db_rc db_run_script(struct db *db, const char *sql);

/* The server's version string ("10.11.6-MariaDB-..."); connects if needed. */
const char *db_server_version(struct db *db);

/* Frees the client library's global state (at process exit). */
void db_library_end(void);

#endif
