/* apikeys.c: the api_keys table. */
#include "config.h"

#include <string.h>

#include "db/identity.h"
#include "db/stmt.h"

#define KEY_COLS                                                                                   \
	"k.id, k.user_id, k.name, k.display_prefix, k.role, COALESCE(k.scopes, ''), "              \
	"COALESCE(k.rate_limit_per_minute, -1), COALESCE(k.expires_at, ''), "                      \
	"COALESCE(k.last_used_at, ''), COALESCE(k.last_used_ip, ''), COALESCE(k.revoked_at, ''), " \
	"k.created_at, u.status, u.role, u.username, "                                             \
	"(k.expires_at IS NOT NULL AND k.expires_at <= UTC_TIMESTAMP(6)), "                        \
	"(k.last_used_at IS NULL OR k.last_used_at < UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE)"

/* The columns of KEY_COLS, in order: bind_key binds them by these names. */
enum key_col {
	KC_ID,
	KC_USER_ID,
	KC_NAME,
	KC_PREFIX,
	KC_ROLE,
	KC_SCOPES,
	KC_RATE_LIMIT,
	KC_EXPIRES_AT,
	KC_LAST_USED_AT,
	KC_LAST_USED_IP,
	KC_REVOKED_AT,
	KC_CREATED_AT,
	KC_USER_STATUS,
	KC_USER_ROLE,
	KC_USERNAME,
	KC_EXPIRED,
	KC_TOUCH_DUE,
	KC__MAX
};

static const char SQL_INSERT[] =
        "INSERT INTO api_keys (user_id, name, key_hash, display_prefix, role, scopes, "
        "rate_limit_per_minute, expires_at, created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), "
        "IF(? < 0, NULL, ?), IF(? > 0, UTC_TIMESTAMP(6) + INTERVAL ? DAY, NULL), "
        "UTC_TIMESTAMP(6))";
/* The owner's row, locked: concurrent creations for one user serialise here. */
static const char SQL_LOCK_OWNER[] = "SELECT id FROM users WHERE id = ? FOR UPDATE";
static const char SQL_COUNT_ACTIVE[] =
        "SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > UTC_TIMESTAMP(6))";
static const char SQL_BY_HASH[] = "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON "
                                  "u.id = k.user_id WHERE k.key_hash = ?";
static const char SQL_BY_ID[] =
        "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ?";
static const char SQL_TOUCH[] = "UPDATE api_keys SET last_used_at = UTC_TIMESTAMP(6), "
                                "last_used_ip = ? WHERE id = ?";
static const char SQL_LIST[] = "SELECT " KEY_COLS " FROM api_keys k JOIN users u ON "
                               "u.id = k.user_id WHERE (? = 0 OR k.user_id = ?) "
                               "ORDER BY k.id DESC LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM api_keys WHERE (? = 0 OR user_id = ?)";
static const char SQL_REVOKE[] = "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP(6) "
                                 "WHERE id = ? AND revoked_at IS NULL";
static const char SQL_REVOKE_USER[] = "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP(6) "
                                      "WHERE user_id = ? AND revoked_at IS NULL";

static struct db_stmt q_insert = DB_STMT(SQL_INSERT, 10, 0);
static struct db_stmt q_lock_owner = DB_STMT_COLS(SQL_LOCK_OWNER, 1, 1, 0);
static struct db_stmt q_count_active = DB_STMT_COLS(SQL_COUNT_ACTIVE, 1, 1, DB_IDEMPOTENT);
static struct db_stmt q_by_hash = DB_STMT_COLS(SQL_BY_HASH, 1, KC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_by_id = DB_STMT_COLS(SQL_BY_ID, 1, KC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_touch = DB_STMT(SQL_TOUCH, 2, DB_IDEMPOTENT);
static struct db_stmt q_list = DB_STMT_COLS(SQL_LIST, 4, KC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_count = DB_STMT_COLS(SQL_COUNT, 2, 1, DB_IDEMPOTENT);
static struct db_stmt q_revoke = DB_STMT(SQL_REVOKE, 1, DB_IDEMPOTENT);
static struct db_stmt q_revoke_user = DB_STMT(SQL_REVOKE_USER, 1, DB_IDEMPOTENT);

struct key_out {
	MYSQL_BIND b[KC__MAX];
	unsigned long len[KC__MAX];
	int64_t expired, touch_due;
};

static void bind_key(struct key_out *o, struct apikey_row *k)
{
	struct {
		char *buf;
		size_t cap;
	} s[KC__MAX] = {
		[KC_NAME] = { k->name, sizeof(k->name) },
		[KC_PREFIX] = { k->display_prefix, sizeof(k->display_prefix) },
		[KC_ROLE] = { k->role, sizeof(k->role) },
		[KC_SCOPES] = { k->scopes, sizeof(k->scopes) },
		[KC_EXPIRES_AT] = { k->expires_at, sizeof(k->expires_at) },
		[KC_LAST_USED_AT] = { k->last_used_at, sizeof(k->last_used_at) },
		[KC_LAST_USED_IP] = { k->last_used_ip, sizeof(k->last_used_ip) },
		[KC_REVOKED_AT] = { k->revoked_at, sizeof(k->revoked_at) },
		[KC_CREATED_AT] = { k->created_at, sizeof(k->created_at) },
		[KC_USER_STATUS] = { k->user_status, sizeof(k->user_status) },
		[KC_USER_ROLE] = { k->user_role, sizeof(k->user_role) },
		[KC_USERNAME] = { k->username, sizeof(k->username) },
	};

	memset(k, 0, sizeof(*k));
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < KC__MAX; i++)
		if (s[i].buf != NULL)
			db_bind_out_str(&o->b[i], s[i].buf, s[i].cap - 2, &o->len[i], NULL);
	db_bind_out_int64(&o->b[KC_ID], &k->id, NULL);
	db_bind_out_int64(&o->b[KC_USER_ID], &k->user_id, NULL);
	db_bind_out_int64(&o->b[KC_RATE_LIMIT], &k->rate_limit, NULL);
	db_bind_out_int64(&o->b[KC_EXPIRED], &o->expired, NULL);
	db_bind_out_int64(&o->b[KC_TOUCH_DUE], &o->touch_due, NULL);
}

static void fix_key(struct key_out *o, struct apikey_row *k)
{
	for (int i = 0; i < KC__MAX; i++) {
		MYSQL_BIND *x = &o->b[i];

		if (x->buffer_type == MYSQL_TYPE_STRING) {
			unsigned long cap = x->buffer_length;

			((char *)x->buffer)[o->len[i] < cap ? o->len[i] : cap] = '\0';
		}
	}
	db_time_iso(k->expires_at);
	db_time_iso(k->last_used_at);
	db_time_iso(k->revoked_at);
	db_time_iso(k->created_at);
	k->expired = o->expired != 0;
	k->touch_due = o->touch_due != 0;
}

static enum db_rc one_key(struct db *db, struct db_stmt *q, MYSQL_BIND *in, struct apikey_row *k)
{
	struct key_out o;
	enum db_rc rc;

	bind_key(&o, k);
	if ((rc = db_query_one(db, q, in, o.b)) == DB_OK)
		fix_key(&o, k);
	return rc;
}

enum db_rc db_apikey_count_active(struct db *db, int64_t user_id, int64_t *n)
{
	MYSQL_BIND in[1], out[1];

	*n = 0;
	db_bind_int64(&in[0], &user_id);
	db_bind_out_int64(&out[0], n, NULL);
	return db_query_one(db, &q_count_active, in, out);
}

struct key_insert {
	struct apikey_row *k;
	const char *hash;
	int64_t days, max_active;
};

/* The owner locked, the active keys counted, the key inserted: one transaction. */
static enum db_rc insert_body(struct db *db, void *arg)
{
	struct key_insert *a = arg;
	struct apikey_row *k = a->k;
	MYSQL_BIND in[10], out[1];
	int64_t owner = 0, n = 0;
	enum db_rc rc;

	db_bind_int64(&in[0], &k->user_id);
	db_bind_out_int64(&out[0], &owner, NULL);
	if ((rc = db_query_one(db, &q_lock_owner, in, out)) != DB_OK)
		return rc;
	if (a->max_active > 0) {
		if ((rc = db_apikey_count_active(db, k->user_id, &n)) != DB_OK)
			return rc;
		if (n >= a->max_active)
			return DB_CONFLICT;
	}
	db_bind_int64(&in[0], &k->user_id);
	db_bind_str(&in[1], k->name, NULL);
	db_bind_str(&in[2], a->hash, NULL);
	db_bind_str(&in[3], k->display_prefix, NULL);
	db_bind_str(&in[4], k->role, NULL);
	db_bind_str(&in[5], k->scopes, NULL);
	db_bind_int64(&in[6], &k->rate_limit);
	db_bind_int64(&in[7], &k->rate_limit);
	db_bind_int64(&in[8], &a->days);
	db_bind_int64(&in[9], &a->days);
	if ((rc = db_query(db, &q_insert, in, NULL)) != DB_OK)
		return rc;
	k->id = (int64_t)db_insert_id(db, &q_insert);
	return DB_OK;
}

enum db_rc db_apikey_insert(struct db *db, struct apikey_row *k, const char *hash,
                            int64_t expires_days, int64_t max_active)
{
	struct key_insert a = { k, hash, expires_days, max_active };

	return db_transaction(db, insert_body, &a);
}

enum db_rc db_apikey_by_hash(struct db *db, const char *hash, struct apikey_row *k)
{
	MYSQL_BIND in[1];

	db_bind_str(&in[0], hash, NULL);
	return one_key(db, &q_by_hash, in, k);
}

enum db_rc db_apikey_by_id(struct db *db, int64_t id, struct apikey_row *k)
{
	MYSQL_BIND in[1];

	db_bind_int64(&in[0], &id);
	return one_key(db, &q_by_id, in, k);
}

enum db_rc db_apikey_touch(struct db *db, int64_t id, const char *ip)
{
	MYSQL_BIND in[2];

	db_bind_str(&in[0], ip, NULL);
	db_bind_int64(&in[1], &id);
	return db_query(db, &q_touch, in, NULL);
}

enum db_rc db_apikey_list(struct db *db, int64_t user_id, int64_t limit, int64_t offset,
                          void (*row)(const struct apikey_row *k, void *ud), void *ud,
                          int64_t *total)
{
	MYSQL_BIND in[4], cnt[1];
	struct key_out o;
	struct apikey_row k;
	enum db_rc rc;
	int r;

	db_bind_int64(&in[0], &user_id);
	db_bind_int64(&in[1], &user_id);
	db_bind_out_int64(&cnt[0], total, NULL);
	if ((rc = db_query_one(db, &q_count, in, cnt)) != DB_OK)
		return rc;
	db_bind_int64(&in[2], &limit);
	db_bind_int64(&in[3], &offset);
	bind_key(&o, &k);
	if ((rc = db_query(db, &q_list, in, o.b)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, &q_list)) == 1) {
		fix_key(&o, &k);
		row(&k, ud);
	}
	db_done(db, &q_list);
	return r == 0 ? DB_OK : DB_ERROR;
}

static enum db_rc revoke(struct db *db, struct db_stmt *q, int64_t id)
{
	MYSQL_BIND in[1];
	enum db_rc rc;

	db_bind_int64(&in[0], &id);
	if ((rc = db_query(db, q, in, NULL)) != DB_OK)
		return rc;
	return db_affected_rows(db, q) > 0 ? DB_OK : DB_NOT_FOUND;
}

enum db_rc db_apikey_revoke(struct db *db, int64_t id)
{
	return revoke(db, &q_revoke, id);
}

enum db_rc db_apikey_revoke_user(struct db *db, int64_t user_id)
{
	enum db_rc rc = revoke(db, &q_revoke_user, user_id);

	return rc == DB_NOT_FOUND ? DB_OK : rc;
}
