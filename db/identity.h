/* identity.h: the queries of users, API keys, refresh tokens and the audit log. */
#ifndef STRATUS_DB_IDENTITY_H
#define STRATUS_DB_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* One users row; strings are NUL-terminated, "" when NULL. */
struct user {
	int64_t id;
	char email[256];
	char username[256];
	char name[208];
	char type[8];
	char role[12];
	char status[12];
	char verification[12];
	char password_hash[256];
	char created_at[32];
	char updated_at[32];
	char last_login_at[32];
	int64_t session_version; /* tokens carry it ("sv"); a password change adds one */
};

enum db_rc db_user_by_id(struct db *db, int64_t id, struct user *u);
/* By username or email (case-insensitive). */
enum db_rc db_user_by_login(struct db *db, const char *identifier, struct user *u);
/* Inserts u (email may be ""); sets u->id. DB_DUPLICATE when email or username exists. */
enum db_rc db_user_insert(struct db *db, struct user *u);
/*
 * Records a login of user `id` (last_login_at; `rehash`, when not NULL,
 * replaces the password hash) and, when `refresh_hash` is not NULL, stores
 * that refresh token in `family`, expiring in ttl_days: one transaction
 * (db_transaction), so a deadlock retries both writes and neither is kept
 * without the other.
 */
enum db_rc db_user_login(struct db *db, int64_t id, const char *rehash, const char *family,
                         const char *refresh_hash, int64_t ttl_days);
/*
 * Name, email and (when not NULL) password hash. A new password also ends
 * every session: session_version goes up (access tokens issued before are
 * refused) and every refresh token is revoked, in one transaction.
 */
enum db_rc db_user_update_profile(struct db *db, int64_t id, const char *name, const char *email,
                                  const char *password_hash);
/*
 * Sets the role and/or the status (NULL: unchanged) in one transaction
 * that locks the user's row. A change of either ends the user's sessions
 * (session_version + 1, refresh tokens revoked); "deleted" also revokes
 * every API key. DB_CONFLICT when it would leave no active admin (the
 * other active admins are counted under lock), DB_NOT_FOUND when there is
 * no such user.
 */
enum db_rc db_user_set_role_status(struct db *db, int64_t id, const char *role, const char *status);
/*
 * Upserts the user of an external issuer by (issuer, sub); fills u. Sets
 * *role_changed when a known user's role was changed.
 */
enum db_rc db_user_upsert_external(struct db *db, const char *issuer, const char *sub,
                                   const char *email, const char *name, const char *role,
                                   struct user *u, bool *role_changed);
/*
 * Lists users (role and status filters may be NULL), newest first: calls
 * row() for each (u is valid during the call only), sets the total count.
 */
enum db_rc db_user_list(struct db *db, const char *role, const char *status, int64_t limit,
                        int64_t offset, void (*row)(const struct user *u, void *ud), void *ud,
                        int64_t *total);

/* ------------------------------------------------------------------ API keys */

struct apikey_row {
	int64_t id;
	int64_t user_id;
	char name[104];
	char display_prefix[16];
	char role[12];
	char scopes[1008];
	int64_t rate_limit; /* -1 when NULL */
	char expires_at[32];
	char last_used_at[32];
	char last_used_ip[48];
	char revoked_at[32];
	char created_at[32];
	/* from the owner, on lookups */
	char user_status[12];
	char user_role[12];
	char username[256];
	bool expired;   /* expires_at <= now, computed by the server */
	bool touch_due; /* last_used_at is NULL or over a minute old */
};

/*
 * Inserts a key (hash and display prefix already computed); sets k->id.
 * With max_active > 0, DB_CONFLICT when the owner already has that many
 * active (not revoked, not expired) keys: counted and inserted in one
 * transaction that locks the owner's row, so concurrent creations cannot
 * pass the limit together. DB_NOT_FOUND when the owner does not exist.
 */
enum db_rc db_apikey_insert(struct db *db, struct apikey_row *k, const char *hash,
                            int64_t expires_days, int64_t max_active);
/* The user's active (not revoked, not expired) keys. */
enum db_rc db_apikey_count_active(struct db *db, int64_t user_id, int64_t *n);
/* Finds a key by its hash, with its owner's status and role. */
enum db_rc db_apikey_by_hash(struct db *db, const char *hash, struct apikey_row *k);
/* Records a use (at most once a minute: callers check touch_due). */
enum db_rc db_apikey_touch(struct db *db, int64_t id, const char *ip);
/*
 * Lists keys (user_id 0: all), newest first: calls row() for each (k is
 * valid during the call only), sets the total count.
 */
enum db_rc db_apikey_list(struct db *db, int64_t user_id, int64_t limit, int64_t offset,
                          void (*row)(const struct apikey_row *k, void *ud), void *ud,
                          int64_t *total);
enum db_rc db_apikey_by_id(struct db *db, int64_t id, struct apikey_row *k);
/* Revokes one key; DB_NOT_FOUND when it does not exist or was revoked. */
enum db_rc db_apikey_revoke(struct db *db, int64_t id);
enum db_rc db_apikey_revoke_user(struct db *db, int64_t user_id);

/* ------------------------------------------------------------------ refresh tokens */

struct refresh_row {
	int64_t id;
	int64_t user_id;
	char family[40];
	bool used;
	bool revoked;
	bool expired;
};

enum db_rc db_refresh_insert(struct db *db, int64_t user_id, const char *family, const char *hash,
                             int64_t ttl_days);
/* Finds a token by hash (for update: call inside a transaction). */
enum db_rc db_refresh_by_hash(struct db *db, const char *hash, struct refresh_row *r);
enum db_rc db_refresh_mark_used(struct db *db, int64_t id);
enum db_rc db_refresh_revoke_family(struct db *db, const char *family);
enum db_rc db_refresh_revoke_user(struct db *db, int64_t user_id);

enum refresh_outcome {
	REFRESH_ROTATED,   /* spent; new_hash stored in the same family; user filled */
	REFRESH_NOT_FOUND, /* no such token */
	REFRESH_REVOKED,   /* ended by a password, role or status change, or deletion */
	REFRESH_REUSED,    /* already spent: someone else has a copy; family revoked */
	REFRESH_EXPIRED,   /* past its expiry */
	REFRESH_INACTIVE   /* spent, but its owner is not active; user filled */
};

struct refresh_rotation {
	enum refresh_outcome outcome;
	char family[40]; /* the token's family, when it was found */
	struct user user;
};

/*
 * Spends the refresh token `hash` and stores `new_hash` (expiring in
 * ttl_days) in its family, in one transaction (db_transaction: a deadlock
 * is tried again) that locks the token's row, so two refreshes with one
 * token serialise. The outcome says what happened; DB_OK for every one of
 * them, or the error.
 */
enum db_rc db_refresh_rotate(struct db *db, const char *hash, const char *new_hash,
                             int64_t ttl_days, struct refresh_rotation *out);

/* ------------------------------------------------------------------ audit */

enum db_rc db_audit_add(struct db *db, const char *principal, const char *action,
                        const char *target, const char *client_addr, const char *request_id);
/* One audit_log row; a missing string is NULL or "". Valid during the row() call only. */
struct audit_row {
	int64_t id;
	const char *at; /* ISO 8601 */
	const char *principal;
	const char *action;
	const char *target;
	const char *client_addr;
	const char *request_id;
};

/* Lists events (action may be NULL: all), newest first, through row(); sets the total. */
enum db_rc db_audit_list(struct db *db, const char *action, int64_t limit, int64_t offset,
                         void (*row)(const struct audit_row *a, void *ud), void *ud,
                         int64_t *total);

#endif
