/* health.h: the queries behind the health endpoints. */
#ifndef STRATUS_DB_HEALTH_H
#define STRATUS_DB_HEALTH_H

#include "db/db.h"

/*
 * Runs a trivial prepared statement, reconnecting if the server went away.
 * Returns DB_OK when MariaDB answers, else DB_UNAVAILABLE or DB_ERROR.
 */
enum db_rc db_health_ping(struct db *db);

#endif
