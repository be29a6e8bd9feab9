/* tokens.c: the refresh_tokens table (opaque, hashed, single-use, in families). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db/identity.h"
#include "db/stmt.h"

static const char SQL_INSERT[] =
        "INSERT INTO refresh_tokens (user_id, family, token_hash, expires_at, created_at) "
        "VALUES (?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? DAY, UTC_TIMESTAMP(6))";
/* FOR UPDATE: two concurrent refreshes with one token serialise here. */
static const char SQL_BY_HASH[] =
        "SELECT id, user_id, family, used_at IS NOT NULL, revoked_at IS NOT NULL, "
        "expires_at <= UTC_TIMESTAMP(6) FROM refresh_tokens WHERE token_hash = ? FOR UPDATE";
enum refresh_col { RC_ID, RC_USER_ID, RC_FAMILY, RC_USED, RC_REVOKED, RC_EXPIRED, RC__MAX };
static const char SQL_USED[] = "UPDATE refresh_tokens SET used_at = UTC_TIMESTAMP(6) "
                               "WHERE id = ? AND used_at IS NULL";
static const char SQL_REVOKE_FAMILY[] = "UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(6) "
                                        "WHERE family = ? AND revoked_at IS NULL";
static const char SQL_REVOKE_USER[] = "UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(6) "
                                      "WHERE user_id = ? AND revoked_at IS NULL";

static struct db_stmt q_insert = DB_STMT(SQL_INSERT, 4, 0);
static struct db_stmt q_by_hash = DB_STMT_COLS(SQL_BY_HASH, 1, RC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_used = DB_STMT(SQL_USED, 1, DB_IDEMPOTENT);
static struct db_stmt q_revoke_family = DB_STMT(SQL_REVOKE_FAMILY, 1, DB_IDEMPOTENT);
static struct db_stmt q_revoke_user = DB_STMT(SQL_REVOKE_USER, 1, DB_IDEMPOTENT);

enum db_rc db_refresh_insert(struct db *db, int64_t user_id, const char *family, const char *hash,
                             int64_t ttl_days)
{
	MYSQL_BIND in[4];

	db_bind_int64(&in[0], &user_id);
	db_bind_str(&in[1], family, NULL);
	db_bind_str(&in[2], hash, NULL);
	db_bind_int64(&in[3], &ttl_days);
	return db_query(db, &q_insert, in, NULL);
}

enum db_rc db_refresh_by_hash(struct db *db, const char *hash, struct refresh_row *r)
{
	MYSQL_BIND in[1], out[RC__MAX];
	unsigned long flen = 0;
	int64_t used = 0, revoked = 0, expired = 0;
	enum db_rc rc;

	db_bind_str(&in[0], hash, NULL);
	db_bind_out_int64(&out[RC_ID], &r->id, NULL);
	db_bind_out_int64(&out[RC_USER_ID], &r->user_id, NULL);
	db_bind_out_str(&out[RC_FAMILY], r->family, sizeof(r->family) - 1, &flen, NULL);
	db_bind_out_int64(&out[RC_USED], &used, NULL);
	db_bind_out_int64(&out[RC_REVOKED], &revoked, NULL);
	db_bind_out_int64(&out[RC_EXPIRED], &expired, NULL);
	if ((rc = db_query_one(db, &q_by_hash, in, out)) != DB_OK)
		return rc;
	r->family[flen < sizeof(r->family) - 1 ? flen : sizeof(r->family) - 1] = '\0';
	r->used = used != 0;
	r->revoked = revoked != 0;
	r->expired = expired != 0;
	return DB_OK;
}

enum db_rc db_refresh_mark_used(struct db *db, int64_t id)
{
	MYSQL_BIND in[1];
	enum db_rc rc;

	db_bind_int64(&in[0], &id);
	if ((rc = db_query(db, &q_used, in, NULL)) != DB_OK)
		return rc;
	return db_affected_rows(db, &q_used) == 1 ? DB_OK : DB_NOT_FOUND;
}

enum db_rc db_refresh_revoke_family(struct db *db, const char *family)
{
	MYSQL_BIND in[1];

	db_bind_str(&in[0], family, NULL);
	return db_query(db, &q_revoke_family, in, NULL);
}

enum db_rc db_refresh_revoke_user(struct db *db, int64_t user_id)
{
	MYSQL_BIND in[1];

	db_bind_int64(&in[0], &user_id);
	return db_query(db, &q_revoke_user, in, NULL);
}

/* ------------------------------------------------------------------ rotation */

struct rotate_tx {
	const char *hash, *new_hash;
	int64_t ttl_days;
	struct refresh_rotation *out;
};

/*
 * One try of the rotation: every outcome but a failure commits (a reused
 * token's family revoked, an inactive owner's token spent). db_transaction
 * runs it again from the start after a deadlock or lock wait timeout.
 */
static enum db_rc rotate_body(struct db *db, void *arg)
{
	struct rotate_tx *t = arg;
	struct refresh_rotation *o = t->out;
	struct refresh_row r;
	enum db_rc rc;

	memset(o, 0, sizeof(*o));
	if ((rc = db_refresh_by_hash(db, t->hash, &r)) == DB_NOT_FOUND) {
		o->outcome = REFRESH_NOT_FOUND;
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	snprintf(o->family, sizeof(o->family), "%s", r.family);
	if (r.revoked && !r.used) {
		o->outcome = REFRESH_REVOKED;
		return DB_OK;
	}
	if (r.used) {
		o->outcome = REFRESH_REUSED;
		return db_refresh_revoke_family(db, r.family);
	}
	if (r.expired) {
		o->outcome = REFRESH_EXPIRED;
		return DB_OK;
	}
	if ((rc = db_refresh_mark_used(db, r.id)) != DB_OK ||
	    (rc = db_user_by_id(db, r.user_id, &o->user)) != DB_OK)
		return rc;
	if (strcmp(o->user.status, "active") != 0) {
		o->outcome = REFRESH_INACTIVE;
		return DB_OK;
	}
	o->outcome = REFRESH_ROTATED;
	return db_refresh_insert(db, r.user_id, r.family, t->new_hash, t->ttl_days);
}

enum db_rc db_refresh_rotate(struct db *db, const char *hash, const char *new_hash,
                             int64_t ttl_days, struct refresh_rotation *out)
{
	struct rotate_tx t = { hash, new_hash, ttl_days, out };

	return db_transaction(db, rotate_body, &t);
}
