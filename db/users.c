/* users.c: the users table. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "db/identity.h"
#include "db/stmt.h"

#define USER_COLS                                                                                  \
	"id, COALESCE(email, ''), username, name, type, role, status, verification_status, "       \
	"COALESCE(password_hash, ''), created_at, updated_at, COALESCE(last_login_at, ''), "       \
	"session_version"

/* The columns of USER_COLS, in order: bind_user binds them by these names. */
enum user_col {
	UC_ID,
	UC_EMAIL,
	UC_USERNAME,
	UC_NAME,
	UC_TYPE,
	UC_ROLE,
	UC_STATUS,
	UC_VERIFICATION,
	UC_PASSWORD_HASH,
	UC_CREATED_AT,
	UC_UPDATED_AT,
	UC_LAST_LOGIN_AT,
	UC_SESSION_VERSION,
	UC__MAX
};

static const char SQL_BY_ID[] = "SELECT " USER_COLS " FROM users WHERE id = ?";
static const char SQL_BY_LOGIN[] =
        "SELECT " USER_COLS " FROM users WHERE email = ? OR username = ? "
        "ORDER BY email = ? DESC, id LIMIT 1"; /* an email match wins: emails are unique */
static const char SQL_INSERT[] =
        "INSERT INTO users (email, username, name, type, role, status, password_hash, "
        "created_at, updated_at) VALUES (NULLIF(?, ''), ?, ?, ?, ?, 'active', NULLIF(?, ''), "
        "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))";
static const char SQL_LOGGED_IN[] =
        "UPDATE users SET last_login_at = UTC_TIMESTAMP(6), "
        "password_hash = COALESCE(NULLIF(?, ''), password_hash) WHERE id = ?";
static const char SQL_PROFILE[] =
        "UPDATE users SET username = IF(username = email, COALESCE(NULLIF(?, ''), username), "
        "username), name = ?, email = NULLIF(?, ''), "
        "password_hash = COALESCE(NULLIF(?, ''), password_hash), "
        "session_version = session_version + (? <> ''), updated_at = UTC_TIMESTAMP(6) "
        "WHERE id = ?";
static const char SQL_LOCK_ROLE_STATUS[] = "SELECT role, status FROM users WHERE id = ? FOR UPDATE";
enum lock_col { LC_ROLE, LC_STATUS, LC__MAX };
/* The other active admins, locked: two admins demoting each other serialise here. */
static const char SQL_OTHER_ADMINS[] = "SELECT COUNT(*) FROM users WHERE role = 'admin' "
                                       "AND status = 'active' AND id <> ? FOR UPDATE";
static const char SQL_ROLE_STATUS[] =
        "UPDATE users SET role = ?, status = ?, session_version = session_version + 1, "
        "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
/*
 * External users are found by (issuer, sub) only. Not an upsert: INSERT ...
 * ON DUPLICATE KEY UPDATE would also fire on the email's unique key and sign
 * the token's holder in as the local account that owns that email.
 */
static const char SQL_BY_EXT[] =
        "SELECT " USER_COLS " FROM users WHERE external_issuer = ? AND external_sub = ?";
static const char SQL_INSERT_EXT[] =
        "INSERT INTO users (email, username, name, type, role, status, external_issuer, "
        "external_sub, created_at, updated_at, last_login_at) "
        "VALUES (NULLIF(?, ''), ?, ?, 'human', ?, 'active', ?, ?, UTC_TIMESTAMP(6), "
        "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))";
static const char SQL_SEEN_EXT[] =
        "UPDATE users SET role = ?, last_login_at = UTC_TIMESTAMP(6) WHERE id = ?";
static const char SQL_LIST[] = "SELECT " USER_COLS " FROM users "
                               "WHERE (? = '' OR role = ?) AND (? = '' OR status = ?) "
                               "ORDER BY id DESC LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM users "
                                "WHERE (? = '' OR role = ?) AND (? = '' OR status = ?)";

static struct db_stmt q_by_id = DB_STMT_COLS(SQL_BY_ID, 1, UC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_by_login = DB_STMT_COLS(SQL_BY_LOGIN, 3, UC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_insert = DB_STMT(SQL_INSERT, 6, 0);
static struct db_stmt q_logged_in = DB_STMT(SQL_LOGGED_IN, 2, DB_IDEMPOTENT);
static struct db_stmt q_profile = DB_STMT(SQL_PROFILE, 6, 0);
static struct db_stmt q_lock_role_status = DB_STMT_COLS(SQL_LOCK_ROLE_STATUS, 1, LC__MAX, 0);
static struct db_stmt q_other_admins = DB_STMT_COLS(SQL_OTHER_ADMINS, 1, 1, 0);
static struct db_stmt q_role_status = DB_STMT(SQL_ROLE_STATUS, 3, 0);
static struct db_stmt q_by_ext = DB_STMT_COLS(SQL_BY_EXT, 2, UC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_insert_ext = DB_STMT(SQL_INSERT_EXT, 6, 0);
static struct db_stmt q_seen_ext = DB_STMT(SQL_SEEN_EXT, 2, DB_IDEMPOTENT);
static struct db_stmt q_list = DB_STMT_COLS(SQL_LIST, 6, UC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_count = DB_STMT_COLS(SQL_COUNT, 4, 1, DB_IDEMPOTENT);

/* Output binds for USER_COLS into u, with their lengths. */
struct user_out {
	MYSQL_BIND b[UC__MAX];
	unsigned long len[UC__MAX];
};

static void bind_user(struct user_out *o, struct user *u)
{
	struct {
		char *buf;
		size_t cap;
	} s[UC__MAX] = {
		[UC_EMAIL] = { u->email, sizeof(u->email) },
		[UC_USERNAME] = { u->username, sizeof(u->username) },
		[UC_NAME] = { u->name, sizeof(u->name) },
		[UC_TYPE] = { u->type, sizeof(u->type) },
		[UC_ROLE] = { u->role, sizeof(u->role) },
		[UC_STATUS] = { u->status, sizeof(u->status) },
		[UC_VERIFICATION] = { u->verification, sizeof(u->verification) },
		[UC_PASSWORD_HASH] = { u->password_hash, sizeof(u->password_hash) },
		[UC_CREATED_AT] = { u->created_at, sizeof(u->created_at) },
		[UC_UPDATED_AT] = { u->updated_at, sizeof(u->updated_at) },
		[UC_LAST_LOGIN_AT] = { u->last_login_at, sizeof(u->last_login_at) },
	};

	memset(u, 0, sizeof(*u));
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < UC__MAX; i++)
		if (s[i].buf != NULL)
			db_bind_out_str(&o->b[i], s[i].buf, s[i].cap - 2, &o->len[i], NULL);
	db_bind_out_int64(&o->b[UC_ID], &u->id, NULL);
	db_bind_out_int64(&o->b[UC_SESSION_VERSION], &u->session_version, NULL);
}

/* NUL-terminates the fetched strings and turns the times into ISO 8601. */
static void fix_user(struct user_out *o, struct user *u)
{
	for (int i = 0; i < UC__MAX; i++) {
		MYSQL_BIND *x = &o->b[i];

		if (x->buffer_type == MYSQL_TYPE_STRING) {
			unsigned long cap = x->buffer_length;

			((char *)x->buffer)[o->len[i] < cap ? o->len[i] : cap] = '\0';
		}
	}
	db_time_iso(u->created_at);
	db_time_iso(u->updated_at);
	db_time_iso(u->last_login_at);
}

static enum db_rc one_user(struct db *db, struct db_stmt *q, MYSQL_BIND *in, struct user *u)
{
	struct user_out o;
	enum db_rc rc;

	bind_user(&o, u);
	if ((rc = db_query_one(db, q, in, o.b)) == DB_OK)
		fix_user(&o, u);
	return rc;
}

enum db_rc db_user_by_id(struct db *db, int64_t id, struct user *u)
{
	MYSQL_BIND in[1];

	db_bind_int64(&in[0], &id);
	return one_user(db, &q_by_id, in, u);
}

enum db_rc db_user_by_login(struct db *db, const char *identifier, struct user *u)
{
	MYSQL_BIND in[3];

	db_bind_str(&in[0], identifier, NULL);
	db_bind_str(&in[1], identifier, NULL);
	db_bind_str(&in[2], identifier, NULL);
	return one_user(db, &q_by_login, in, u);
}

enum db_rc db_user_insert(struct db *db, struct user *u)
{
	MYSQL_BIND in[6];
	enum db_rc rc;

	db_bind_str(&in[0], u->email, NULL);
	db_bind_str(&in[1], u->username, NULL);
	db_bind_str(&in[2], u->name, NULL);
	db_bind_str(&in[3], u->type[0] ? u->type : "human", NULL);
	db_bind_str(&in[4], u->role[0] ? u->role : "readonly", NULL);
	db_bind_str(&in[5], u->password_hash, NULL);
	if ((rc = db_query(db, &q_insert, in, NULL)) != DB_OK)
		return rc;
	u->id = (int64_t)db_insert_id(db, &q_insert);
	return DB_OK;
}

struct login_record {
	int64_t id;
	const char *rehash, *family, *refresh_hash;
	int64_t ttl_days;
};

static void bind_logged_in(MYSQL_BIND in[2], struct login_record *a)
{
	db_bind_str(&in[0], a->rehash ? a->rehash : "", NULL);
	db_bind_int64(&in[1], &a->id);
}

static enum db_rc login_body(struct db *db, void *arg)
{
	struct login_record *a = arg;
	MYSQL_BIND in[2];
	enum db_rc rc;

	bind_logged_in(in, a);
	if ((rc = db_query(db, &q_logged_in, in, NULL)) != DB_OK)
		return rc;
	return db_refresh_insert(db, a->id, a->family, a->refresh_hash, a->ttl_days);
}

enum db_rc db_user_login(struct db *db, int64_t id, const char *rehash, const char *family,
                         const char *refresh_hash, int64_t ttl_days)
{
	struct login_record a = { id, rehash, family, refresh_hash, ttl_days };
	MYSQL_BIND in[2];

	if (refresh_hash != NULL)
		return db_transaction(db, login_body, &a);
	/* One statement is a transaction of its own. */
	bind_logged_in(in, &a);
	return db_query_retry(db, &q_logged_in, in, NULL);
}

struct profile_change {
	int64_t id;
	const char *name, *email, *password_hash;
};

static enum db_rc profile_body(struct db *db, void *arg)
{
	struct profile_change *a = arg;
	const char *hash = a->password_hash ? a->password_hash : "";
	MYSQL_BIND in[6];
	enum db_rc rc;

	/* A username that was the old email follows the email. */
	db_bind_str(&in[0], a->email, NULL);
	db_bind_str(&in[1], a->name, NULL);
	db_bind_str(&in[2], a->email, NULL);
	db_bind_str(&in[3], hash, NULL);
	db_bind_str(&in[4], hash, NULL);
	db_bind_int64(&in[5], &a->id);
	if ((rc = db_query(db, &q_profile, in, NULL)) != DB_OK || *hash == '\0')
		return rc;
	return db_refresh_revoke_user(db, a->id);
}

enum db_rc db_user_update_profile(struct db *db, int64_t id, const char *name, const char *email,
                                  const char *password_hash)
{
	struct profile_change a = { id, name, email, password_hash };

	return db_transaction(db, profile_body, &a);
}

struct role_status_change {
	int64_t id;
	const char *role, *status; /* NULL: unchanged */
};

static enum db_rc role_status_body(struct db *db, void *arg)
{
	struct role_status_change *a = arg;
	char role[12], status[12];
	unsigned long rlen = 0, slen = 0;
	MYSQL_BIND in[3], out[LC__MAX];
	int64_t others = 0;
	enum db_rc rc;

	db_bind_int64(&in[0], &a->id);
	db_bind_out_str(&out[LC_ROLE], role, sizeof(role) - 1, &rlen, NULL);
	db_bind_out_str(&out[LC_STATUS], status, sizeof(status) - 1, &slen, NULL);
	if ((rc = db_query_one(db, &q_lock_role_status, in, out)) != DB_OK)
		return rc;
	role[rlen < sizeof(role) ? rlen : sizeof(role) - 1] = '\0';
	status[slen < sizeof(status) ? slen : sizeof(status) - 1] = '\0';
	if ((a->role == NULL || strcmp(a->role, role) == 0) &&
	    (a->status == NULL || strcmp(a->status, status) == 0))
		return DB_OK; /* nothing changes: sessions stay */
	if (strcmp(role, "admin") == 0 && strcmp(status, "active") == 0 &&
	    ((a->role != NULL && strcmp(a->role, "admin") != 0) ||
	     (a->status != NULL && strcmp(a->status, "active") != 0))) {
		db_bind_out_int64(&out[0], &others, NULL);
		if ((rc = db_query_one(db, &q_other_admins, in, out)) != DB_OK)
			return rc;
		if (others == 0)
			return DB_CONFLICT;
	}
	db_bind_str(&in[0], a->role ? a->role : role, NULL);
	db_bind_str(&in[1], a->status ? a->status : status, NULL);
	db_bind_int64(&in[2], &a->id);
	if ((rc = db_query(db, &q_role_status, in, NULL)) != DB_OK ||
	    (rc = db_refresh_revoke_user(db, a->id)) != DB_OK)
		return rc;
	if (a->status != NULL && strcmp(a->status, "deleted") == 0)
		return db_apikey_revoke_user(db, a->id);
	return DB_OK;
}

enum db_rc db_user_set_role_status(struct db *db, int64_t id, const char *role, const char *status)
{
	struct role_status_change a = { id, role, status };

	return db_transaction(db, role_status_body, &a);
}

enum db_rc db_user_upsert_external(struct db *db, const char *issuer, const char *sub,
                                   const char *email, const char *name, const char *role,
                                   struct user *u, bool *role_changed)
{
	MYSQL_BIND in[2];
	char username[72];
	unsigned char h[8];
	char hex[17];
	crypto_generichash_state st;
	enum db_rc rc;

	*role_changed = false;
	db_bind_str(&in[0], issuer, NULL);
	db_bind_str(&in[1], sub, NULL);
	for (int attempt = 0; attempt < 2; attempt++) {
		rc = one_user(db, &q_by_ext, in, u);
		if (rc == DB_OK) {
			*role_changed = strcmp(u->role, role) != 0;
			/* Seen before: the issuer's groups decide the role each time. */
			MYSQL_BIND up[2];
			int64_t id = u->id;

			db_bind_str(&up[0], role, NULL);
			db_bind_int64(&up[1], &id);
			if ((rc = db_query(db, &q_seen_ext, up, NULL)) != DB_OK)
				return rc;
			return db_user_by_id(db, id, u);
		}
		if (rc != DB_NOT_FOUND || attempt > 0)
			return rc;

		/* First sight: a stable, unique username "ext-" + a hash. */
		crypto_generichash_init(&st, NULL, 0, sizeof(h));
		crypto_generichash_update(&st, (const unsigned char *)issuer, strlen(issuer) + 1);
		crypto_generichash_update(&st, (const unsigned char *)sub, strlen(sub));
		crypto_generichash_final(&st, h, sizeof(h));
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		snprintf(username, sizeof(username), "ext-%s", hex);
		{
			MYSQL_BIND ins[6];

			db_bind_str(&ins[0], email ? email : "", NULL);
			db_bind_str(&ins[1], username, NULL);
			db_bind_str(&ins[2], name ? name : "", NULL);
			db_bind_str(&ins[3], role, NULL);
			db_bind_str(&ins[4], issuer, NULL);
			db_bind_str(&ins[5], sub, NULL);
			rc = db_query(db, &q_insert_ext, ins, NULL);
			if (rc == DB_DUPLICATE && email != NULL && *email) {
				/* The email is a local account's: keep them apart. */
				db_bind_str(&ins[0], "", NULL);
				rc = db_query(db, &q_insert_ext, ins, NULL);
			}
		}
		/* DB_DUPLICATE now means a concurrent first login won: read it. */
		if (rc != DB_OK && rc != DB_DUPLICATE)
			return rc;
	}
	return rc;
}

enum db_rc db_user_list(struct db *db, const char *role, const char *status, int64_t limit,
                        int64_t offset, void (*row)(const struct user *u, void *ud), void *ud,
                        int64_t *total)
{
	MYSQL_BIND in[6], cnt[1];
	struct user_out o;
	struct user u;
	enum db_rc rc;
	int r;

	role = role ? role : "";
	status = status ? status : "";
	db_bind_str(&in[0], role, NULL);
	db_bind_str(&in[1], role, NULL);
	db_bind_str(&in[2], status, NULL);
	db_bind_str(&in[3], status, NULL);
	db_bind_out_int64(&cnt[0], total, NULL);
	if ((rc = db_query_one(db, &q_count, in, cnt)) != DB_OK)
		return rc;
	db_bind_int64(&in[4], &limit);
	db_bind_int64(&in[5], &offset);
	bind_user(&o, &u);
	if ((rc = db_query(db, &q_list, in, o.b)) != DB_OK)
		return rc;
	while ((r = db_fetch(db, &q_list)) == 1) {
		fix_user(&o, &u);
		row(&u, ud);
	}
	db_done(db, &q_list);
	return r == 0 ? DB_OK : DB_ERROR;
}
