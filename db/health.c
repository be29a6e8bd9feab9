/* health.c: the queries behind the health endpoints. */
#include "config.h"

#include <stddef.h>

#include "db/health.h"
#include "db/stmt.h"

static const char SQL_PING[] = "SELECT 1";
static struct db_stmt q_ping = DB_STMT_COLS(SQL_PING, 0, 1, DB_IDEMPOTENT);

enum db_rc db_health_ping(struct db *db)
{
	int64_t one = 0;
	my_bool null = 0;
	MYSQL_BIND out[1];
	enum db_rc rc;
	int r;

	db_bind_out_int64(&out[0], &one, &null);
	if ((rc = db_query(db, &q_ping, NULL, out)) != DB_OK)
		return rc;
	r = db_fetch(db, &q_ping);
	db_done(db, &q_ping);
	return r == 1 && one == 1 ? DB_OK : DB_ERROR;
}
