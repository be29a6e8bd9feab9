/*
 * run_row.h: a run's columns as the files of db/ read them (db/runs.c, and the
 * kind-specific queries such as db/provision.c that join their own table to
 * runs). Private to db/: it includes db/stmt.h.
 */
#ifndef STRATUS_DB_RUN_ROW_H
#define STRATUS_DB_RUN_ROW_H

#include "db/provision.h"
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

/*
 * A list's join of each run's latest destroy (provisioning's relation,
 * provision_destroys: the newest row per target, which its index covers),
 * read as two more columns after RUN_COLS by run_row_destroy. The one
 * kind-specific fact a run's representation needs (its actions), so lists
 * of every kind show it without a query per row.
 */
#define RUN_DESTROY_COLS ", COALESCE(d.uuid, ''), COALESCE(d.status, '')"
#define RUN_DESTROY_JOIN                                                                           \
	"LEFT JOIN (SELECT target_run_id, MAX(run_id) AS run_id FROM provision_destroys "          \
	"GROUP BY target_run_id) p ON p.target_run_id = r.id LEFT JOIN runs d ON d.id = p.run_id"
/* Reads RUN_DESTROY_COLS (both "" when none) into *d (db/provision.c). */
void run_row_destroy(struct provision_destroy *d, struct db_str *uuid, struct db_str *status);

/*
 * Runs `list` (its placeholders in `in`, its columns RUN_COLS and then any
 * the caller bound in o->b[RC__MAX...]) and calls each(r, ud) per row with a
 * run that lives only for the call. o must be bound to r (run_row_bind).
 */
enum db_rc run_rows(struct db *db, struct db_stmt *list, MYSQL_BIND *in, struct run_row *o,
                    struct run *r, void (*each)(struct run *r, void *ud), void *ud);

#endif
