/*
 * run_row.h: a run's columns as the files of db/ read them (db/runs.c, and the
 * kind-specific queries such as db/provision.c that join their own table to
 * runs). Private to db/: it includes db/stmt.h.
 */
#ifndef STRATUS_DB_RUN_ROW_H
#define STRATUS_DB_RUN_ROW_H

#include "db/runs.h"
#include "db/stmt.h"

/* The columns of struct run, read from `runs r`; their positions are enum run_col. */
#define RUN_COLS                                                                                   \
	"r.id, r.uuid, r.kind, COALESCE(r.subject, ''), r.executor, r.status, r.input, "           \
	"COALESCE(r.output, ''), COALESCE(r.message, ''), r.created_by, "                          \
	"COALESCE(r.idempotency_key, ''), COALESCE(r.request_hash, ''), r.created_at, "            \
	"r.updated_at, COALESCE(r.started_at, ''), COALESCE(r.finished_at, ''), "                  \
	"COALESCE(r.created_by_user_id, 0)"
enum run_col {
	RC_ID,
	RC_UUID,
	RC_KIND,
	RC_SUBJECT,
	RC_EXECUTOR,
	RC_STATUS,
	RC_INPUT,
	RC_OUTPUT,
	RC_MESSAGE,
	RC_CREATED_BY,
	RC_IDEMPOTENCY_KEY,
	RC_REQUEST_HASH,
	RC_CREATED_AT,
	RC_UPDATED_AT,
	RC_STARTED_AT,
	RC_FINISHED_AT,
	RC_CREATED_BY_USER_ID,
	RC__MAX
};

/* Columns a query may add after RUN_COLS (a joined table's), bound by its caller. */
#define RUN_ROW_EXTRA 4

/* The output binds of RUN_COLS and of up to RUN_ROW_EXTRA more; JSON columns in heap buffers. */
struct run_row {
	MYSQL_BIND b[RC__MAX + RUN_ROW_EXTRA];
	unsigned long len[RC__MAX];
	char status[20];
	char *input, *output;
};

/* Binds the RUN_COLS of o->b[0..RC__MAX) to *r (zeroed). -1: out of memory. */
int run_row_bind(struct run_row *o, struct run *r);
/* After a fetch: terminates the strings, parses the JSON, converts the times. */
void run_row_fix(struct run_row *o, struct run *r);
/* Frees the buffers of run_row_bind. */
void run_row_free(struct run_row *o);

/* Binds the 4 placeholders of RUN_LIST_FILTER: kind, nstatus, status, status. */
#define RUN_LIST_FILTER "r.kind = ? AND (? = 0 OR r.status IN (?, ?))"
void run_list_filter_bind(MYSQL_BIND *in, const char *kind, const enum jobs_run_status *status,
                          size_t nstatus, int64_t *ns);

/*
 * Runs `list` (its placeholders in `in`, its columns RUN_COLS and then any
 * the caller bound in o->b[RC__MAX...]) and calls each(r, ud) per row with a
 * run that lives only for the call. o must be bound to r (run_row_bind).
 */
enum db_rc run_rows(struct db *db, struct db_stmt *list, MYSQL_BIND *in, struct run_row *o,
                    struct run *r, void (*each)(struct run *r, void *ud), void *ud);

#endif
