/* audit.c: the audit_log table. */
#include "config.h"

#include "db/identity.h"
#include "db/stmt.h"

static const char SQL_ADD[] =
        "INSERT INTO audit_log (at, principal, action, target, client_addr, request_id) "
        "VALUES (UTC_TIMESTAMP(6), NULLIF(?, ''), ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''))";
static const char SQL_LIST[] =
        "SELECT id, at, COALESCE(principal, ''), action, COALESCE(target, ''), "
        "COALESCE(client_addr, ''), COALESCE(request_id, '') FROM audit_log "
        "WHERE (? = '' OR action = ?) ORDER BY id DESC LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM audit_log WHERE (? = '' OR action = ?)";

static struct db_stmt q_add = DB_STMT(SQL_ADD, 5, 0);
/* The columns of SQL_LIST, in its order. */
enum audit_col {
	AC_ID,
	AC_AT,
	AC_PRINCIPAL,
	AC_ACTION,
	AC_TARGET,
	AC_CLIENT_ADDR,
	AC_REQUEST_ID,
	AC__MAX
};
static struct db_stmt q_list = DB_STMT_COLS(SQL_LIST, 4, AC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_count = DB_STMT_COLS(SQL_COUNT, 2, 1, DB_IDEMPOTENT);

enum db_rc db_audit_add(struct db *db, const char *principal, const char *action,
                        const char *target, const char *client_addr, const char *request_id)
{
	MYSQL_BIND in[5];

	db_bind_str(&in[0], principal ? principal : "", NULL);
	db_bind_str(&in[1], action, NULL);
	db_bind_str(&in[2], target ? target : "", NULL);
	db_bind_str(&in[3], client_addr ? client_addr : "", NULL);
	db_bind_str(&in[4], request_id ? request_id : "", NULL);
	return db_query(db, &q_add, in, NULL);
}

enum db_rc db_audit_list(struct db *db, const char *action, int64_t limit, int64_t offset,
                         void (*row)(const struct audit_row *a, void *ud), void *ud, int64_t *total)
{
	MYSQL_BIND in[4], out[AC__MAX], cnt[1];
	struct db_str s[AC__MAX]; /* the text columns, AC_AT onwards */
	struct audit_row a;
	enum db_rc rc;
	int r;

	action = action ? action : "";
	db_bind_str(&in[0], action, NULL);
	db_bind_str(&in[1], action, NULL);
	db_bind_out_int64(&cnt[0], total, NULL);
	if ((rc = db_query_one(db, &q_count, in, cnt)) != DB_OK)
		return rc;
	db_bind_int64(&in[2], &limit);
	db_bind_int64(&in[3], &offset);
	db_bind_out_int64(&out[AC_ID], &a.id, NULL);
	for (int c = AC_AT; c < AC__MAX; c++)
		db_bind_out_dstr(&out[c], &s[c]);
	if ((rc = db_query(db, &q_list, in, out)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, &q_list)) == 1) {
		const char *v[AC__MAX];

		for (int c = AC_AT; c < AC__MAX; c++)
			v[c] = db_str_fix(&s[c]);
		db_time_iso(s[AC_AT].buf);
		a.at = s[AC_AT].buf;
		a.principal = v[AC_PRINCIPAL];
		a.action = v[AC_ACTION];
		a.target = v[AC_TARGET];
		a.client_addr = v[AC_CLIENT_ADDR];
		a.request_id = v[AC_REQUEST_ID];
		row(&a, ud);
	}
	db_done(db, &q_list);
	return r == 0 ? DB_OK : DB_ERROR;
}
