/* migrate.h: applies the numbered SQL files of schema/ in order, once each. */
#ifndef STRATUS_MIGRATE_H
#define STRATUS_MIGRATE_H

#include <stdbool.h>
#include <stdio.h>

struct db;

/*
 * Applies every pending migration in `dir` (files named NNN_name.sql, in
 * order), each with its schema_migrations row, under a server lock so that
 * two runs cannot interleave. Refuses (before applying anything) a database
 * where an applied migration's checksum differs from its file, or that has
 * a migration this directory lacks. With `dry_run` it only reports.
 * Progress lines go to `out`. Returns the number applied (or pending with
 * dry_run), or -1 with one line in err. `db` must be opened with multi.
 */
int db_migrate(struct db *db, const char *dir, bool dry_run, FILE *out, char *err, size_t errlen);

#endif
