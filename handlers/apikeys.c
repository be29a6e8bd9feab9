/* apikeys.c: API keys: create (shown once), list, revoke; and the audit log. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "db/identity.h"
#include "fcgi/auth.h"
#include "handlers/apikeys.h"
#include "handlers/audit.h"
#include "handlers/common.h"
#include "handlers/users.h"
#include "lib/apikey.h"

static const char *const roles[] = { "readonly", "developer", "admin", NULL };

enum { K_NAME, K_ROLE, K_SCOPES, K_DAYS, K_RATE, K_USER_ID, K__MAX };
static const struct field_spec apikeys_create_fields[K__MAX] = {
	[K_NAME] = { .name = "name", .type = FT_STRING, .required = true, .min = 1, .max = 100 },
	[K_ROLE] = { .name = "role", .type = FT_ENUM, .allowed = roles },
	[K_SCOPES] = { .name = "scopes", .type = FT_STRING, .min = 1, .max = 1000 },
	[K_DAYS] = { .name = "expires_in_days", .type = FT_INT, .min = 1, .max = 3650 },
	[K_RATE] = { .name = "rate_limit_per_minute", .type = FT_INT, .min = 0, .max = 1000000 },
	[K_USER_ID] = { .name = "user_id", .type = FT_INT, .min = 1, .max = INT64_MAX },
};
const struct body_spec apikeys_create_body = BODY_SPEC(apikeys_create_fields);

static struct json_object *str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

/* The API's view of a key: never its hash. New object. */
static struct json_object *apikey_to_json(const struct apikey_row *k)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_int64(k->id));
	json_object_object_add(o, "name", json_object_new_string(k->name));
	json_object_object_add(o, "prefix", json_object_new_string(k->display_prefix));
	json_object_object_add(o, "user_id", json_object_new_int64(k->user_id));
	json_object_object_add(o, "username", json_object_new_string(k->username));
	json_object_object_add(o, "role", json_object_new_string(k->role));
	json_object_object_add(o, "scopes", str_or_null(k->scopes));
	json_object_object_add(o, "rate_limit_per_minute",
	                       k->rate_limit < 0 ? NULL : json_object_new_int64(k->rate_limit));
	json_object_object_add(o, "expires_at", str_or_null(k->expires_at));
	json_object_object_add(o, "last_used_at", str_or_null(k->last_used_at));
	json_object_object_add(o, "last_used_ip", str_or_null(k->last_used_ip));
	json_object_object_add(o, "revoked_at", str_or_null(k->revoked_at));
	json_object_object_add(o, "created_at", json_object_new_string(k->created_at));
	json_object_object_add(o, "active",
	                       json_object_new_boolean(!k->revoked_at[0] && !k->expired));
	return o;
}

static void list_row(const struct apikey_row *k, void *items)
{
	json_object_array_add(items, apikey_to_json(k));
}

int apikey_load_or_reply(struct req *rq, int64_t id, struct apikey_row *k, const char *what)
{
	enum db_rc rc = db_apikey_by_id(rq->app->db, id, k);

	if (rc == DB_NOT_FOUND ||
	    (rc == DB_OK && k->user_id != rq->who->user_id && rq->who->role < ROLE_ADMIN))
		return api_error(rq, E_NOT_FOUND, "no such API key: %lld", (long long)id);
	if (rc != DB_OK)
		return db_failure(rq, rc, what);
	return 0;
}

/*
 * POST /api-keys {"name","role?","expires_in_days?","rate_limit_per_minute?",
 * "user_id?","scopes?"} -> 201 with "key", shown this once. The role
 * defaults to the owner's and may never exceed it, nor the role of the
 * credential that asks; user_id (another owner), and a rate limit of 0
 * (unlimited) or above the general one, are for admins. At most
 * STRATUS_MAX_KEYS_PER_USER active keys per user. Raises 400, 403, 404,
 * 409.
 */
int h_apikeys_create(struct req *rq)
{
	struct app *app = rq->app;
	struct principal *who = rq->who;
	struct field_value v[K__MAX];
	const char *name, *role, *scopes;
	int64_t days, limit, owner_id;
	char key[APIKEY_LEN + 1], hash[APIKEY_HASH_HEX + 1];
	struct apikey_row k;
	struct user owner;
	struct json_object *o;
	enum role want, cap;
	enum db_rc rc;

	if (fields_read(rq, NULL, &apikeys_create_body, v) < 0)
		return -1;
	name = v[K_NAME].s;
	role = v[K_ROLE].set ? v[K_ROLE].s : NULL;
	scopes = v[K_SCOPES].set ? v[K_SCOPES].s : NULL;
	days = v[K_DAYS].set ? v[K_DAYS].i : 0;
	limit = v[K_RATE].set ? v[K_RATE].i : -1; /* -1: the general limit */
	owner_id = v[K_USER_ID].set ? v[K_USER_ID].i : who->user_id;
	if (owner_id != who->user_id && who->role < ROLE_ADMIN)
		return api_error(rq, E_FORBIDDEN, "only admins set user_id");
	/* Anyone may narrow a key; only admins widen one past the general limit. */
	if ((limit == 0 || limit > app->cfg.rate_general) && who->role < ROLE_ADMIN)
		return api_error(rq, E_FORBIDDEN,
		                 "only admins set rate_limit_per_minute to 0 (unlimited) or above "
		                 "%ld",
		                 app->cfg.rate_general);
	if (owner_id == 0)
		return api_error(
		        rq, E_VALIDATION,
		        "user_id: an environment key owns no account; name the key's owner");
	if (user_load_or_reply(rq, owner_id, &owner, "api key owner") < 0)
		return -1;
	if (strcmp(owner.status, "active") != 0)
		return api_error(rq, E_CONFLICT, "the owner is %s", owner.status);
	cap = role_parse(owner.role);
	if (owner_id == who->user_id && who->role < cap)
		cap = who->role; /* a key never exceeds the credential that made it */
	want = role ? role_parse(role) : cap;
	if (want > cap)
		return api_error(rq, E_FORBIDDEN, "a key's role cannot exceed %s", role_name(cap));

	apikey_generate(key);
	apikey_hash(app->cfg.key_pepper, key, hash);
	memset(&k, 0, sizeof(k));
	k.user_id = owner_id;
	snprintf(k.name, sizeof(k.name), "%s", name);
	snprintf(k.display_prefix, sizeof(k.display_prefix), "%.*s", APIKEY_DISPLAY_LEN, key);
	snprintf(k.role, sizeof(k.role), "%s", role_name(want));
	snprintf(k.scopes, sizeof(k.scopes), "%s", scopes ? scopes : "");
	k.rate_limit = limit;
	rc = db_apikey_insert(app->db, &k, hash, days, app->cfg.max_keys_per_user);
	if (rc != DB_OK) {
		sodium_memzero(key, sizeof(key));
		if (rc == DB_CONFLICT)
			return api_error(rq, E_CONFLICT,
			                 "the owner already has %ld active API keys, the most "
			                 "allowed (STRATUS_MAX_KEYS_PER_USER): revoke one first",
			                 app->cfg.max_keys_per_user);
		return db_failure(rq, rc, "api key");
	}
	if ((rc = db_apikey_by_id(app->db, k.id, &k)) != DB_OK) {
		sodium_memzero(key, sizeof(key));
		return db_failure(rq, rc, "api key");
	}
	api_audit(rq, "apikey.created",
	          rq_printf(rq, "key:%lld %s", (long long)k.id, k.display_prefix), NULL);
	o = apikey_to_json(&k);
	json_object_object_add(o, "key", json_object_new_string(key));
	sodium_memzero(key, sizeof(key));
	return api_reply(rq, 201, o);
}

/* GET /api-keys : the caller's keys; an admin sees all, or ?user_id=. */
int h_apikeys_list(struct req *rq)
{
	struct principal *who = rq->who;
	struct json_object *items;
	int64_t limit, offset, total = 0, user_id = who->user_id, asked = 0;
	enum db_rc rc;

	if (page_params(rq, &limit, &offset) < 0 ||
	    rq_query_int_or_error(rq, "user_id", 1, INT64_MAX, 0, &asked) < 0)
		return -1;
	if (who->role >= ROLE_ADMIN)
		user_id = asked; /* 0: everyone's */
	else if (asked != 0 && asked != who->user_id)
		return api_error(rq, E_FORBIDDEN, "only admins list other users' keys");
	if ((items = rq_own_json(rq, json_object_new_array())) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if ((rc = db_apikey_list(rq->app->db, user_id, limit, offset, list_row, items, &total)) !=
	    DB_OK)
		return db_failure(rq, rc, "api key list");
	return api_reply(rq, 200, page_body(json_object_get(items), total, limit, offset));
}

/*
 * DELETE /api-keys/{id} : revokes; the owner's or any for an admin, never
 * a key of a higher role than the caller's credential. Raises 403, 404, 409.
 */
int h_apikeys_delete(struct req *rq)
{
	struct apikey_row k;
	int64_t id;
	enum db_rc rc;

	if (param_id(rq, "id", &id) < 0)
		return -1;
	if (apikey_load_or_reply(rq, id, &k, "api key") < 0)
		return -1;
	/* A credential never ends a stronger one: a read-only key cannot revoke an admin key. */
	if (role_parse(k.role) > rq->who->role)
		return api_error(rq, E_FORBIDDEN,
		                 "a %s credential cannot revoke a key of the %s role",
		                 role_name(rq->who->role), k.role);
	if (k.revoked_at[0] != '\0')
		return api_error(rq, E_CONFLICT, "API key %lld is already revoked", (long long)id);
	if ((rc = db_apikey_revoke(rq->app->db, id)) != DB_OK && rc != DB_NOT_FOUND)
		return db_failure(rq, rc, "api key revoke");
	api_audit(rq, "apikey.revoked",
	          rq_printf(rq, "key:%lld %s", (long long)id, k.display_prefix), NULL);
	rq->status = 204;
	return 0;
}
