/* users.c: the caller's profile, and user administration. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <sodium.h>

#include "db/identity.h"
#include "fcgi/auth.h"
#include "handlers/audit.h"
#include "handlers/common.h"
#include "handlers/users.h"
#include "lib/password.h"

static const char *const roles[] = { "readonly", "developer", "admin", NULL };
static const char *const statuses[] = { "active", "inactive", "blocked", "deleted", NULL };
static const char *const set_statuses[] = { "active", "inactive", "blocked", NULL };
static const char *const types[] = { "human", "api", NULL };

/* ------------------------------------------------------------- bodies */

/* The password policy and the rules across fields apply after the read. */
enum { P_NAME, P_EMAIL, P_PASSWORD, P_CURRENT, P__MAX };
static const struct field_spec profile_put_fields[P__MAX] = {
	[P_NAME] = { .name = "name", .type = FT_STRING, .min = 1, .max = 200 },
	[P_EMAIL] = { .name = "email", .type = FT_EMAIL },
	[P_PASSWORD] = FIELD_NEW_PASSWORD("password", false),
	[P_CURRENT] = FIELD_PASSWORD("current_password", false),
};
const struct body_spec profile_put_body = BODY_SPEC(profile_put_fields);

enum { D_CURRENT, D__MAX };
static const struct field_spec profile_delete_fields[D__MAX] = {
	[D_CURRENT] = FIELD_PASSWORD("current_password", false),
};
const struct body_spec profile_delete_body = BODY_SPEC(profile_delete_fields);

enum { C_EMAIL, C_NAME, C_ROLE, C_TYPE, C_USERNAME, C_PASSWORD, C__MAX };
static const struct field_spec users_create_fields[C__MAX] = {
	[C_EMAIL] = { .name = "email", .type = FT_EMAIL, .required = true },
	[C_NAME] = { .name = "name", .type = FT_STRING, .required = true, .min = 1, .max = 200 },
	[C_ROLE] = { .name = "role", .type = FT_ENUM, .allowed = roles },
	[C_TYPE] = { .name = "type", .type = FT_ENUM, .allowed = types },
	[C_USERNAME] = FIELD_USERNAME("username"),
	[C_PASSWORD] = FIELD_NEW_PASSWORD("password", false),
};
const struct body_spec users_create_body = BODY_SPEC(users_create_fields);

enum { U_ROLE, U_STATUS, U__MAX };
static const struct field_spec users_patch_fields[U__MAX] = {
	[U_ROLE] = { .name = "role", .type = FT_ENUM, .allowed = roles },
	[U_STATUS] = { .name = "status", .type = FT_ENUM, .allowed = set_statuses },
};
const struct body_spec users_patch_body = BODY_SPEC(users_patch_fields);

/* The value of a field that was read, else NULL. */
static const char *given(const struct field_value *v)
{
	return v->set ? v->s : NULL;
}

/* ------------------------------------------------------------- users */

static struct json_object *str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

struct json_object *user_to_json(const struct user *u)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_int64(u->id));
	json_object_object_add(o, "email", str_or_null(u->email));
	json_object_object_add(o, "username", json_object_new_string(u->username));
	json_object_object_add(o, "name", json_object_new_string(u->name));
	json_object_object_add(o, "type", json_object_new_string(u->type));
	json_object_object_add(o, "role", json_object_new_string(u->role));
	json_object_object_add(o, "status", json_object_new_string(u->status));
	json_object_object_add(o, "verification_status", json_object_new_string(u->verification));
	json_object_object_add(o, "created_at", json_object_new_string(u->created_at));
	json_object_object_add(o, "updated_at", json_object_new_string(u->updated_at));
	json_object_object_add(o, "last_login_at", str_or_null(u->last_login_at));
	return o;
}

static void list_row(const struct user *u, void *items)
{
	json_object_array_add(items, user_to_json(u));
}

int user_load_or_reply(struct req *rq, int64_t id, struct user *u, const char *what)
{
	enum db_rc rc = db_user_by_id(rq->app->db, id, u);

	if (rc == DB_NOT_FOUND)
		return api_error(rq, E_NOT_FOUND, "no such user: %lld", (long long)id);
	if (rc != DB_OK)
		return db_failure(rq, rc, what);
	return 0;
}

/* Environment keys have no account behind them. */
static int need_account(struct req *rq)
{
	if (rq->who->user_id == 0)
		return api_error(rq, E_NOT_FOUND, "environment API keys have no profile");
	return 0;
}

/*
 * Answers the user `id`. With `sessions_ended`, says so and how many API
 * keys stay active: they are separate credentials, which a password, role
 * or status change leaves alone.
 */
static int reply_user(struct req *rq, int status, int64_t id, bool sessions_ended)
{
	struct json_object *o;
	int64_t keys = 0;
	struct user u;
	enum db_rc rc;

	if (user_load_or_reply(rq, id, &u, "user lookup") < 0)
		return -1;
	if (sessions_ended && (rc = db_apikey_count_active(rq->app->db, id, &keys)) != DB_OK)
		return db_failure(rq, rc, "api key count");
	if ((o = user_to_json(&u)) != NULL && sessions_ended) {
		json_object_object_add(o, "sessions_revoked", json_object_new_boolean(true));
		json_object_object_add(o, "active_api_keys", json_object_new_int64(keys));
	}
	return api_reply(rq, status, o);
}

/*
 * The account and its credentials are managed with the account's password
 * (`current_password`, checked here) or with a credential of at least the
 * account's role: a read-only key of an admin cannot change the admin's
 * email or delete the account on its own. Returns 0, or -1 after 401
 * (wrong password), 403 or 429.
 */
static int need_authority(struct req *rq, const struct user *u, const char *current,
                          const char *what)
{
	bool ok = false;

	if (current != NULL) {
		if (u->password_hash[0] != '\0' &&
		    auth_password_verify(rq, u->password_hash, current, &ok) < 0)
			return -1;
		if (!ok)
			return api_error(rq, E_UNAUTHORIZED, "the current password is wrong");
		return 0;
	}
	if (rq->who->role < role_parse(u->role))
		return api_error(rq, E_FORBIDDEN,
		                 "%s needs current_password, or a credential of the account's "
		                 "role (%s); this one is %s",
		                 what, u->role, role_name(rq->who->role));
	return 0;
}

/* Marks an account deleted and ends everything that could act for it. */
static int delete_account(struct req *rq, int64_t id)
{
	enum db_rc rc = db_user_set_role_status(rq->app->db, id, NULL, "deleted");

	if (rc == DB_CONFLICT)
		return api_error(rq, E_CONFLICT, "the last active admin cannot be deleted");
	if (rc != DB_OK)
		return db_failure(rq, rc, "delete user");
	return 0;
}

/* GET /users/profile : the caller's own account. */
int h_profile_get(struct req *rq)
{
	if (need_account(rq) < 0)
		return -1;
	return reply_user(rq, 200, rq->who->user_id, false);
}

/*
 * PUT /users/profile {"name?","email?","password?","current_password?"}:
 * a new password needs the current one and passes the policy, and ends
 * every session of the account (access tokens issued before it, refresh
 * tokens); a new email needs the current password or a credential of the
 * account's role. Raises 400, 401 (wrong current password), 403, 409
 * (email taken), 429.
 */
int h_profile_put(struct req *rq)
{
	struct fields f = { rq, NULL };
	struct field_value v[P__MAX];
	const char *name, *email, *pass, *current;
	char hash[PASSWORD_HASH_MAX] = "";
	struct user u;
	enum db_rc rc;

	if (need_account(rq) < 0)
		return -1;
	fields_collect(&f, NULL, NULL, &profile_put_body, v);
	name = given(&v[P_NAME]);
	email = given(&v[P_EMAIL]);
	pass = given(&v[P_PASSWORD]);
	current = given(&v[P_CURRENT]);
	if (pass != NULL) {
		field_password_ok(&f, "password", pass);
		if (current == NULL)
			field_fail(&f, "current_password", "is required to change the password");
	}
	if (name == NULL && email == NULL && pass == NULL && fields_failed(&f) == 0)
		field_fail(&f, "name", "nothing to change: give name, email or password");
	if (fields_done(&f) < 0)
		return -1;
	if ((rc = db_user_by_id(rq->app->db, rq->who->user_id, &u)) != DB_OK)
		return db_failure(rq, rc, "profile");
	if ((pass != NULL || current != NULL ||
	     (email != NULL && strcasecmp(email, u.email) != 0)) &&
	    need_authority(rq, &u, current, "changing the email") < 0)
		return -1;
	if (pass != NULL && auth_password_hash(rq, pass, hash) < 0)
		return -1;
	rc = db_user_update_profile(rq->app->db, u.id, name ? name : u.name,
	                            email ? email : u.email, hash[0] ? hash : NULL);
	sodium_memzero(hash, sizeof(hash));
	if (rc == DB_DUPLICATE)
		return api_error(rq, E_CONFLICT, "this email belongs to another account");
	if (rc != DB_OK)
		return db_failure(rq, rc, "profile update");
	if (pass != NULL)
		api_audit(rq, "user.password_changed", u.username, NULL);
	return reply_user(rq, 200, u.id, pass != NULL);
}

/*
 * DELETE /users/profile [{"current_password"}] : deletes the caller's
 * account, keys and sessions; needs the password or a credential of the
 * account's role. Raises 401, 403, 409 (the last active admin), 429.
 */
int h_profile_delete(struct req *rq)
{
	struct field_value v[D__MAX];
	const char *current;
	struct user u;
	enum db_rc rc;

	if (need_account(rq) < 0 || fields_read(rq, NULL, &profile_delete_body, v) < 0)
		return -1;
	current = given(&v[D_CURRENT]);
	if ((rc = db_user_by_id(rq->app->db, rq->who->user_id, &u)) != DB_OK)
		return db_failure(rq, rc, "profile");
	if (need_authority(rq, &u, current, "deleting the account") < 0 ||
	    delete_account(rq, u.id) < 0)
		return -1;
	api_audit(rq, "user.deleted", rq->who->label, NULL);
	rq->status = 204;
	return 0;
}

/* GET /users?role=&status=&limit=&offset= (admin). */
int h_users_list(struct req *rq)
{
	const char *role = rq_query(rq, "role"), *status = rq_query(rq, "status");
	struct json_object *items;
	int64_t limit, offset, total = 0;
	enum db_rc rc;

	if (page_params(rq, &limit, &offset) < 0)
		return -1;
	if (role != NULL && *role && role_parse(role) == ROLE__MAX)
		return query_invalid(rq, "role", "must be readonly, developer or admin");
	if (status != NULL && *status) {
		size_t i;

		for (i = 0; statuses[i] && strcmp(statuses[i], status) != 0; i++)
			;
		if (statuses[i] == NULL)
			return query_invalid(rq, "status",
			                     "must be active, inactive, blocked or deleted");
	}
	if ((items = rq_own_json(rq, json_object_new_array())) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if ((rc = db_user_list(rq->app->db, role, status, limit, offset, list_row, items,
	                       &total)) != DB_OK)
		return db_failure(rq, rc, "user list");
	return api_reply(rq, 200, page_body(json_object_get(items), total, limit, offset));
}

/*
 * POST /users {"email","name","role?","type?","password?","username?"}
 * (admin): an api-type user needs no password. Raises 400, 409.
 */
int h_users_create(struct req *rq)
{
	struct fields f = { rq, NULL };
	struct field_value v[C__MAX];
	const char *email, *name, *role, *type, *pass, *username;
	struct user u;
	enum db_rc rc;

	fields_collect(&f, NULL, NULL, &users_create_body, v);
	email = given(&v[C_EMAIL]);
	name = given(&v[C_NAME]);
	role = given(&v[C_ROLE]);
	type = given(&v[C_TYPE]);
	username = given(&v[C_USERNAME]);
	pass = given(&v[C_PASSWORD]);
	if (pass != NULL)
		field_password_ok(&f, "password", pass);
	else if (type == NULL || strcmp(type, "api") != 0)
		field_fail(&f, "password", "is required for a human user");
	if (fields_done(&f) < 0)
		return -1;
	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.username, sizeof(u.username), "%s", username ? username : email);
	snprintf(u.name, sizeof(u.name), "%s", name);
	snprintf(u.type, sizeof(u.type), "%s", type ? type : "human");
	snprintf(u.role, sizeof(u.role), "%s", role ? role : "readonly");
	if (pass != NULL && auth_password_hash(rq, pass, u.password_hash) < 0)
		return -1;
	rc = db_user_insert(rq->app->db, &u);
	sodium_memzero(u.password_hash, sizeof(u.password_hash));
	if (rc == DB_DUPLICATE)
		return api_error(rq, E_CONFLICT,
		                 "a user with this email or username already exists");
	if (rc != DB_OK)
		return db_failure(rq, rc, "create user");
	api_audit(rq, "user.created", u.username, NULL);
	return reply_user(rq, 201, u.id, false);
}

/* GET /users/{id} (admin). */
int h_users_get(struct req *rq)
{
	int64_t id;

	if (param_id(rq, "id", &id) < 0)
		return -1;
	return reply_user(rq, 200, id, false);
}

/*
 * PATCH /users/{id} {"role?","status?"} (admin): promote, demote,
 * deactivate, block, reactivate. An admin cannot change their own role or
 * status (409), so the last admin cannot lock everyone out by accident.
 */
int h_users_patch(struct req *rq)
{
	struct fields f = { rq, NULL };
	struct field_value v[U__MAX];
	const char *role, *status;
	struct user u;
	int64_t id;
	enum db_rc rc;

	if (param_id(rq, "id", &id) < 0)
		return -1;
	fields_collect(&f, NULL, NULL, &users_patch_body, v);
	role = given(&v[U_ROLE]);
	status = given(&v[U_STATUS]);
	if (role == NULL && status == NULL && fields_failed(&f) == 0)
		field_fail(&f, "role", "nothing to change: give role or status");
	if (fields_done(&f) < 0)
		return -1;
	if (user_load_or_reply(rq, id, &u, "user lookup") < 0)
		return -1;
	if (id == rq->who->user_id)
		return api_error(rq, E_CONFLICT, "admins cannot change their own role or status");
	if (strcmp(u.status, "deleted") == 0)
		return api_error(rq, E_CONFLICT, "this user is deleted");
	rc = db_user_set_role_status(rq->app->db, id, role, status);
	if (rc == DB_CONFLICT)
		return api_error(rq, E_CONFLICT,
		                 "the last active admin cannot be demoted, blocked or deactivated");
	if (rc != DB_OK)
		return db_failure(rq, rc, "user update");
	if (role != NULL && strcmp(role, u.role) != 0)
		api_audit(rq, "user.role_changed",
		          rq_printf(rq, "%s: %s -> %s", u.username, u.role, role), NULL);
	if (status != NULL && strcmp(status, u.status) != 0)
		api_audit(rq,
		          rq_printf(rq, "user.%s",
		                    strcmp(status, "active") == 0    ? "reactivated"
		                    : strcmp(status, "blocked") == 0 ? "blocked"
		                                                     : "deactivated"),
		          u.username, NULL);
	/* A role or status change ends the user's sessions (db_user_set_role_status). */
	return reply_user(rq, 200, id,
	                  (role != NULL && strcmp(role, u.role) != 0) ||
	                          (status != NULL && strcmp(status, u.status) != 0));
}

/* DELETE /users/{id} (admin): marks deleted, revokes keys and sessions. */
int h_users_delete(struct req *rq)
{
	struct user u;
	int64_t id;

	if (param_id(rq, "id", &id) < 0)
		return -1;
	if (user_load_or_reply(rq, id, &u, "user lookup") < 0)
		return -1;
	if (id == rq->who->user_id)
		return api_error(rq, E_CONFLICT,
		                 "use DELETE /users/profile to delete your own account");
	if (delete_account(rq, id) < 0)
		return -1;
	api_audit(rq, "user.deleted", u.username, NULL);
	rq->status = 204;
	return 0;
}
