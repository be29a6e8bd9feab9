/* auth.c: tokens, login, registration, refresh, the caller's identity. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <sodium.h>

#include "db/identity.h"
#include "fcgi/auth.h"
#include "fcgi/ratelimit.h"
#include "handlers/auth.h"
#include "handlers/audit.h"
#include "handlers/common.h"
#include "handlers/users.h"
#include "lib/apikey.h"
#include "lib/log.h"
#include "lib/password.h"
#include "lib/token.h"

#define BAD_LOGIN "Incorrect username or password"

/* ------------------------------------------------------------- bodies */

enum { T_USERNAME, T_PASSWORD, T__MAX };
static const struct field_spec token_fields[T__MAX] = {
	[T_USERNAME] = { .name = "username",
	                 .type = FT_STRING,
	                 .required = true,
	                 .min = 1,
	                 .max = 254 },
	[T_PASSWORD] = FIELD_PASSWORD("password", true),
};
const struct body_spec auth_token_body = BODY_SPEC(token_fields);

/* "email" is read only when "identifier" is not given (or not valid). */
enum { L_IDENTIFIER, L_EMAIL, L_PASSWORD, L__MAX };
static const struct field_spec login_fields[L__MAX] = {
	[L_IDENTIFIER] = { .name = "identifier", .type = FT_STRING, .min = 1, .max = 254 },
	[L_EMAIL] = { .name = "email",
	              .type = FT_STRING,
	              .min = 1,
	              .max = 254,
	              .unless = "identifier" },
	[L_PASSWORD] = FIELD_PASSWORD("password", true),
};
const struct body_spec auth_login_body = BODY_SPEC(login_fields);

enum { R_REFRESH_TOKEN, R__MAX };
static const struct field_spec refresh_fields[R__MAX] = {
	[R_REFRESH_TOKEN] = { .name = "refresh_token",
	                      .type = FT_STRING,
	                      .required = true,
	                      .min = 1,
	                      .max = 200 },
};
const struct body_spec auth_refresh_body = BODY_SPEC(refresh_fields);

/* The password policy applies after the read (h_auth_register). */
enum { G_NAME, G_EMAIL, G_USERNAME, G_PASSWORD, G__MAX };
static const struct field_spec register_fields[G__MAX] = {
	[G_NAME] = { .name = "name", .type = FT_STRING, .required = true, .min = 1, .max = 200 },
	[G_EMAIL] = { .name = "email", .type = FT_EMAIL, .required = true },
	[G_USERNAME] = FIELD_USERNAME("username"),
	[G_PASSWORD] = FIELD_NEW_PASSWORD("password", true),
};
const struct body_spec auth_register_body = BODY_SPEC(register_fields);

/* ------------------------------------------------------------- logins */

/*
 * Checks a username-or-email and password (auth_login_check: one spelling
 * of the identifier, the per-account limit, the password in constant work
 * whether or not the user exists), then the account's status; records the
 * login with a rehash when the cost went up and, when `refresh_hash` is not
 * NULL, that refresh token in `family`, in one transaction
 * (db_user_login); then the audit record. Returns 0 with *u filled, or -1
 * after answering (401, 429, 503).
 */
static int check_login(struct req *rq, const char *ident, const char *password, struct user *u,
                       const char *family, const char *refresh_hash)
{
	struct app *app = rq->app;
	enum db_rc rc;
	int r;

	if ((r = auth_login_check(rq, ident, password, u, true)) != 0) {
		if (r < 0) {
			if (rq->err == E_RATE_LIMITED)
				api_audit(rq, "login.rate_limited", ident, ident);
			return -1;
		}
		api_audit(rq, "login.failure", ident, ident);
		return api_error(rq, E_UNAUTHORIZED, BAD_LOGIN);
	}
	if (strcmp(u->status, "active") != 0) {
		api_audit(rq, "login.refused", ident, ident);
		return api_error(rq, E_UNAUTHORIZED, "this account is %s", u->status);
	}
	{
		char rehash[PASSWORD_HASH_MAX] = "";

		if (password_needs_rehash(u->password_hash) && password_hash(password, rehash) < 0)
			rehash[0] = '\0';
		rc = db_user_login(app->db, u->id, rehash[0] ? rehash : NULL, family, refresh_hash,
		                   app->cfg.refresh_ttl_days);
		sodium_memzero(rehash, sizeof(rehash));
		if (rc != DB_OK)
			return db_failure(rq, rc, "login record");
	}
	{
		char who[32];

		snprintf(who, sizeof(who), "user:%lld", (long long)u->id);
		api_audit(rq, "login.success", ident, who);
	}
	return 0;
}

/* Adds access_token, token_type and expires_in for `u` to `o`. */
static int add_access_token(struct req *rq, struct json_object *o, const struct user *u)
{
	struct app *app = rq->app;
	char sub[24], jti[UUID_LEN + 1];
	int64_t ttl = app->cfg.jwt_expire_minutes * 60;
	char *tok;

	snprintf(sub, sizeof(sub), "%lld", (long long)u->id);
	util_uuid_v4(jti);
	tok = token_issue_hs256((const unsigned char *)app->cfg.jwt_secret,
	                        strlen(app->cfg.jwt_secret), app->cfg.jwt_issuer, sub, u->role,
	                        (int64_t)time(NULL), ttl, jti, u->session_version);
	if (tok == NULL)
		return api_error(rq, E_INTERNAL, "the token could not be issued");
	json_object_object_add(o, "access_token", json_object_new_string(tok));
	json_object_object_add(o, "token_type", json_object_new_string("bearer"));
	json_object_object_add(o, "expires_in", json_object_new_int64(ttl));
	sodium_memzero(tok, strlen(tok));
	free(tok);
	return 0;
}

/* A new refresh token ("srt_" and 43 characters) and its peppered hash. */
static void new_refresh_token(struct req *rq, char tok[4 + 64], char hash[APIKEY_HASH_HEX + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	memcpy(tok, "srt_", 4);
	sodium_bin2base64(tok + 4, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	apikey_hash(rq->app->cfg.key_pepper, tok, hash);
	sodium_memzero(raw, sizeof(raw));
}

/* Adds a stored refresh token `tok` to `o`, then wipes it. */
static void put_refresh_token(struct req *rq, struct json_object *o, char tok[4 + 64])
{
	json_object_object_add(o, "refresh_token", json_object_new_string(tok));
	json_object_object_add(o, "refresh_expires_in",
	                       json_object_new_int64(rq->app->cfg.refresh_ttl_days * 86400));
	sodium_memzero(tok, 4 + 64);
}

/*
 * POST /token {"username","password"} (JSON or form-encoded, as OAuth2
 * password clients send it) -> {"access_token","token_type","expires_in"}.
 * Raises 400, 401, 429.
 */
int h_token(struct req *rq)
{
	struct field_value v[T__MAX];
	struct json_object *o;
	struct user u;

	if (fields_read(rq, NULL, &auth_token_body, v) < 0 ||
	    check_login(rq, v[T_USERNAME].s, v[T_PASSWORD].s, &u, NULL, NULL) < 0)
		return -1;
	if ((o = rq_own_json(rq, json_object_new_object())) == NULL ||
	    add_access_token(rq, o, &u) < 0)
		return -1;
	return api_reply(rq, 200, json_object_get(o));
}

/*
 * POST /auth/login {"identifier" or "email", "password"} -> access and
 * refresh tokens and the user. Raises 400, 401, 429.
 */
int h_auth_login(struct req *rq)
{
	struct fields f = { rq, NULL };
	struct field_value v[L__MAX];
	char family[UUID_LEN + 1], tok[4 + 64], hash[APIKEY_HASH_HEX + 1];
	struct json_object *o;
	struct user u;

	fields_collect(&f, NULL, NULL, &auth_login_body, v);
	/* Neither given (absent or null): a given one that failed says why itself. */
	if (json_object_object_get(rq->json, "identifier") == NULL &&
	    json_object_object_get(rq->json, "email") == NULL)
		field_fail(&f, "identifier", "is required (or email)");
	if (fields_done(&f) < 0)
		return -1;
	/* The refresh token is stored with the login record, in one transaction. */
	util_uuid_v4(family);
	new_refresh_token(rq, tok, hash);
	if (check_login(rq, v[L_IDENTIFIER].set ? v[L_IDENTIFIER].s : v[L_EMAIL].s, v[L_PASSWORD].s,
	                &u, family, hash) < 0 ||
	    (o = rq_own_json(rq, json_object_new_object())) == NULL ||
	    add_access_token(rq, o, &u) < 0) {
		sodium_memzero(tok, sizeof(tok));
		return -1;
	}
	put_refresh_token(rq, o, tok);
	json_object_object_add(o, "user", user_to_json(&u));
	return api_reply(rq, 200, json_object_get(o));
}

/*
 * POST /auth/token {"refresh_token"} -> a new access and refresh token.
 * Refresh tokens are single-use: presenting a spent one revokes its whole
 * family (whoever holds the other copy is logged out too). Raises 400, 401.
 */
int h_auth_refresh(struct req *rq)
{
	struct app *app = rq->app;
	struct field_value v[R__MAX];
	const char *tok;
	char hash[APIKEY_HASH_HEX + 1], key[80];
	char next[4 + 64], next_hash[APIKEY_HASH_HEX + 1];
	struct refresh_rotation r;
	struct json_object *o;
	enum db_rc rc;

	if (fields_read(rq, NULL, &auth_refresh_body, v) < 0)
		return -1;
	tok = v[R_REFRESH_TOKEN].s;
	snprintf(key, sizeof(key), "refresh|%s", rq->client_addr ? rq->client_addr : "-");
	if (ratelimit_hit(rq, "auth", key, app->cfg.rate_auth * 4) < 0)
		return -1;
	apikey_hash(app->cfg.key_pepper, tok, hash);
	/* The next token is made before the row lock, and signed after it. */
	new_refresh_token(rq, next, next_hash);
	rc = db_refresh_rotate(app->db, hash, next_hash, app->cfg.refresh_ttl_days, &r);
	if (rc != DB_OK || r.outcome != REFRESH_ROTATED)
		sodium_memzero(next, sizeof(next));
	if (rc != DB_OK)
		return db_failure(rq, rc, "refresh");
	switch (r.outcome) {
	case REFRESH_NOT_FOUND: return api_error(rq, E_UNAUTHORIZED, "invalid refresh token");
	case REFRESH_REVOKED:
		return api_error(rq, E_UNAUTHORIZED,
		                 "refresh token has been revoked; log in again");
	case REFRESH_REUSED:
		api_audit(rq, "refresh.reuse", r.family, NULL);
		return api_error(rq, E_UNAUTHORIZED,
		                 "refresh token already used; the session is revoked");
	case REFRESH_EXPIRED: return api_error(rq, E_UNAUTHORIZED, "refresh token has expired");
	case REFRESH_INACTIVE:
		return api_error(rq, E_UNAUTHORIZED, "this account is %s", r.user.status);
	case REFRESH_ROTATED: break;
	}
	if ((o = rq_own_json(rq, json_object_new_object())) == NULL ||
	    add_access_token(rq, o, &r.user) < 0) {
		sodium_memzero(next, sizeof(next));
		return -1;
	}
	put_refresh_token(rq, o, next);
	return api_reply(rq, 200, json_object_get(o));
}

/*
 * POST /auth/register {"name","email","password","username?"} -> 201 user.
 * Open when STRATUS_OPEN_REGISTRATION is on, else admins only. Raises 400
 * (every failing field, the password policy), 401/403, 409 (taken).
 */
int h_auth_register(struct req *rq)
{
	struct app *app = rq->app;
	struct fields f = { rq, NULL };
	struct field_value v[G__MAX];
	const char *email, *username, *pass;
	struct user u;
	enum db_rc rc;

	if (!app->cfg.open_registration) {
		if (rq->who == NULL)
			return api_error(rq, E_UNAUTHORIZED,
			                 "registration is closed: an admin must create accounts");
		if (rq->who->role < ROLE_ADMIN)
			return api_error(rq, E_FORBIDDEN,
			                 "registration is closed: an admin must create accounts");
	}
	fields_collect(&f, NULL, NULL, &auth_register_body, v);
	if (v[G_PASSWORD].set)
		field_password_ok(&f, "password", v[G_PASSWORD].s);
	if (fields_done(&f) < 0)
		return -1;
	email = v[G_EMAIL].s;
	username = v[G_USERNAME].set ? v[G_USERNAME].s : NULL;
	pass = v[G_PASSWORD].s;
	if (ratelimit_hit(rq, "auth",
	                  rq_printf(rq, "register|%s", rq->client_addr ? rq->client_addr : "-"),
	                  app->cfg.rate_auth) < 0)
		return -1;
	memset(&u, 0, sizeof(u));
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.username, sizeof(u.username), "%s", username ? username : email);
	snprintf(u.name, sizeof(u.name), "%s", v[G_NAME].s);
	snprintf(u.type, sizeof(u.type), "human");
	snprintf(u.role, sizeof(u.role), "readonly");
	if (auth_password_hash(rq, pass, u.password_hash) < 0)
		return -1;
	rc = db_user_insert(app->db, &u);
	sodium_memzero(u.password_hash, sizeof(u.password_hash));
	if (rc == DB_DUPLICATE)
		return api_error(rq, E_CONFLICT,
		                 "a user with this email or username already exists");
	if (rc != DB_OK || (rc = db_user_by_id(app->db, u.id, &u)) != DB_OK)
		return db_failure(rq, rc, "register");
	api_audit(rq, "user.registered", u.username, NULL);
	return api_reply(rq, 201, user_to_json(&u));
}

/* GET /auth/me : the caller and how they authenticated. */
int h_auth_me(struct req *rq)
{
	const struct principal *p = rq->who;
	struct json_object *o;

	if (p->user_id > 0) {
		o = user_to_json(&p->user);
		if (p->method == AUTH_API_KEY) {
			struct user u;

			/* A key's principal carries only ids: fetch the owner. */
			enum db_rc rc = db_user_by_id(rq->app->db, p->user_id, &u);

			json_object_put(o);
			if (rc != DB_OK)
				return db_failure(rq, rc, "me");
			o = user_to_json(&u);
			json_object_object_add(o, "key_id", json_object_new_int64(p->key_id));
		}
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "id", NULL);
		json_object_object_add(o, "name", json_object_new_string("environment API key"));
		json_object_object_add(o, "type", json_object_new_string("api"));
	}
	/* The effective role: a key's may be below its owner's. */
	json_object_object_add(o, "role", json_object_new_string(role_name(p->role)));
	json_object_object_add(o, "auth_method",
	                       json_object_new_string(auth_method_name(p->method)));
	return api_reply(rq, 200, o);
}
