/* projects.h: projects (tenants) and their members. */
#ifndef STRATUS_DB_PROJECTS_H
#define STRATUS_DB_PROJECTS_H

#include <stdint.h>

#include "db/db.h"

/* A caller's membership of one project. */
struct project_member {
	int64_t project_id;
	char role[12]; /* "readonly", "developer" or "admin" */
};

/*
 * The membership of user `user_id` in the project whose slug is
 * `project_ref`, in one prepared statement filtered by both. DB_NOT_FOUND
 * when the project is unknown or the user is not a member: the two are
 * not told apart, so callers cannot either. Fills `out` on DB_OK.
 */
enum db_rc db_project_member(struct db *db, const char *project_ref, int64_t user_id,
                             struct project_member *out);

#endif
