/* projects.c: projects (tenants) and their members. */
#include "config.h"

#include <string.h>

#include "db/projects.h"
#include "db/stmt.h"

static const char SQL_MEMBER[] = "SELECT p.id, m.role FROM projects p "
                                 "JOIN project_members m ON m.project_id = p.id "
                                 "WHERE p.slug = ? AND m.user_id = ?";
enum member_col { MC_PROJECT_ID, MC_ROLE, MC__MAX }; /* SQL_MEMBER's columns */
static struct db_stmt q_member = DB_STMT_COLS(SQL_MEMBER, 2, MC__MAX, DB_IDEMPOTENT);

enum db_rc db_project_member(struct db *db, const char *project_ref, int64_t user_id,
                             struct project_member *out)
{
	MYSQL_BIND in[2], res[MC__MAX];
	unsigned long slug_len = strlen(project_ref), role_len = 0;
	my_bool id_null = 0, role_null = 0;
	enum db_rc rc;

	memset(out, 0, sizeof(*out));
	db_bind_str(&in[0], project_ref, &slug_len);
	db_bind_int64(&in[1], &user_id);
	db_bind_out_int64(&res[MC_PROJECT_ID], &out->project_id, &id_null);
	db_bind_out_str(&res[MC_ROLE], out->role, sizeof(out->role), &role_len, &role_null);
	if ((rc = db_query_one(db, &q_member, in, res)) != DB_OK || id_null || role_null) {
		memset(out, 0, sizeof(*out));
		return rc != DB_OK ? rc : DB_NOT_FOUND;
	}
	out->role[role_len < sizeof(out->role) ? role_len : sizeof(out->role) - 1] = '\0';
	return DB_OK;
}
