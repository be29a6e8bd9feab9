/* pipeline.c: one request from the CGI environment to the written response. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "lib/json.h"
#include "lib/log.h"
#include "fcgi/auth.h"
#include "fcgi/memo.h"
#include "fcgi/pipeline.h"
#include "fcgi/project.h"
#include "fcgi/ratelimit.h"
#include "fcgi/router.h"

/* Headers a browser may send on a cross-origin call to this API. */
#define CORS_ALLOW_HEADERS "Authorization, Content-Type, X-API-Key, X-Request-ID, Idempotency-Key"
/* Response headers a browser's script may read. */
#define CORS_EXPOSE_HEADERS                                                                        \
	"X-Request-ID, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, " \
	"Idempotent-Replayed, Location"

/* ------------------------------------------------------------------ parsing */

/* Fills method, path, query and the request id from the environment. */
static void parse(struct req *rq)
{
	const char *v, *rid;

	rq->method_name = rq_env(rq, "REQUEST_METHOD");
	if (rq->method_name == NULL)
		rq->method_name = "GET";
	rq->method = http_method_parse(rq->method_name);
	v = rq_env(rq, "PATH_INFO");
	rq->path = (v != NULL && *v != '\0') ? v : "/";
	v = rq_env(rq, "QUERY_STRING");
	rq->query = v != NULL ? v : "";
	v = rq_env(rq, "SCRIPT_NAME");
	rq->script_name = v != NULL ? v : "";
	rq->content_type = rq_env(rq, "CONTENT_TYPE");
	rq->client_addr = rq_env(rq, "REMOTE_ADDR");

	rid = rq_header(rq, "X-Request-ID");
	if (rid != NULL && util_request_id_ok(rid))
		snprintf(rq->request_id, sizeof(rq->request_id), "%s", rid);
	else
		util_uuid_v4(rq->request_id);
}

/*
 * Reads CONTENT_LENGTH bytes into request memory, NUL-terminated. The size
 * was checked against STRATUS_MAX_BODY already. Returns 0 or -1 (answered).
 */
static int read_body(struct req *rq)
{
	size_t got = 0;

	if (rq->content_length == 0)
		return 0;
	if ((rq->body = rq_alloc(rq, rq->content_length + 1)) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory reading the request body");
	while (got < rq->content_length) {
		size_t want = rq->content_length - got;
		int n;

		if (rq->fcgx != NULL)
			n = FCGX_GetStr(rq->body + got, want > (1u << 30) ? 1 << 30 : (int)want,
			                rq->fcgx->in);
		else
			n = (int)fread(rq->body + got, 1, want, stdin);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != rq->content_length)
		return api_error(rq, E_VALIDATION,
		                 "request body ended after %zu of %zu bytes (Content-Length)", got,
		                 rq->content_length);
	rq->body[got] = '\0';
	rq->body_len = got;
	return 0;
}

/* application/json, optionally with parameters (charset=utf-8). */
static bool is_json_type(const char *ct)
{
	size_t n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static bool is_form_type(const char *ct)
{
	size_t n = strlen("application/x-www-form-urlencoded");

	return ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/*
 * Turns a form-encoded body (as OAuth2 password clients send to /token)
 * into a JSON object of strings, so that handlers see one shape.
 */
static int parse_form(struct req *rq)
{
	struct json_object *o = rq_own_json(rq, json_object_new_object());

	if (o == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if (memchr(rq->body, '\0', rq->body_len) != NULL)
		return api_error(rq, E_VALIDATION, "request body contains a NUL byte");
	for (const char *p = rq->body; p != NULL && *p != '\0';) {
		const char *amp = strchr(p, '&'), *eq = strchr(p, '=');
		size_t klen = (eq && (!amp || eq < amp)) ? (size_t)(eq - p)
		                                         : (amp ? (size_t)(amp - p) : strlen(p));
		char *key = arena_strndup(rq->arena, p, klen);
		const char *val = key ? rq_form_value(rq, rq->body, key) : NULL;

		if (key == NULL)
			return api_error(rq, E_INTERNAL, "out of memory");
		if (val == NULL || !util_utf8_valid(val, strlen(val)))
			return api_error(rq, E_VALIDATION, "request body is not valid form data");
		if (*key != '\0' && !json_object_object_get_ex(o, key, NULL))
			json_object_object_add(o, key, json_object_new_string(val));
		p = amp ? amp + 1 : NULL;
	}
	rq->json = o;
	return 0;
}

/* ------------------------------------------------------------------ CORS */

/* The allowed origin to echo for `origin`, or NULL. */
static const char *cors_origin(struct req *rq, const char *origin)
{
	const char *list = rq->app->cfg.cors_origins;
	size_t ol;

	if (origin == NULL || list == NULL || *list == '\0')
		return NULL;
	if (strcmp(list, "*") == 0)
		return "*";
	ol = strlen(origin);
	for (const char *p = list; *p != '\0';) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		while (n > 0 && *p == ' ')
			p++, n--;
		if (n == ol && strncmp(p, origin, n) == 0)
			return origin;
		p = c ? c + 1 : p + n;
	}
	return NULL;
}

static void add_cors(struct req *rq)
{
	const char *allowed = cors_origin(rq, rq_header(rq, "Origin"));

	if (allowed == NULL)
		return;
	api_header(rq, "Access-Control-Allow-Origin", allowed);
	api_header(rq, "Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS);
	if (strcmp(allowed, "*") != 0)
		api_header(rq, "Vary", "Origin");
}

/* ------------------------------------------------------------------ checks */

/*
 * One class's limit for a caller. The budget is the user's, whatever
 * credential is used (new keys bring no new budget); a key's own limit
 * counts on top of it when lower, and replaces it when an admin set it
 * higher or unlimited (0).
 */
static int principal_limit(struct req *rq, const char *cls, long dflt)
{
	const struct principal *who = rq->who;
	long own = who->rate_limit;
	char bucket[sizeof(who->label)];

	if (who->key_id > 0 && own >= 0) {
		snprintf(bucket, sizeof(bucket), "key:%lld", (long long)who->key_id);
		if (ratelimit_hit(rq, cls, bucket, own) < 0)
			return -1;
		if (own == 0 || own > dflt)
			return 0;
	}
	if (who->user_id > 0)
		snprintf(bucket, sizeof(bucket), "user:%lld", (long long)who->user_id);
	else
		snprintf(bucket, sizeof(bucket), "%s", who->label);
	return ratelimit_hit(rq, cls, bucket, dflt);
}

static int rate_limit(struct req *rq, enum rl_class cls)
{
	const struct config *cfg = &rq->app->cfg;
	char net[80];

	switch (cls) {
	case RL_GENERAL:
		if (rq->who == NULL)
			return ratelimit_hit(rq, "general",
			                     ratelimit_client_net(rq, net, sizeof(net)),
			                     cfg->rate_general);
		return principal_limit(rq, "general", cfg->rate_general);
	case RL_HEAVY:
		if (rq->who == NULL)
			return ratelimit_hit(rq, "heavy",
			                     ratelimit_client_net(rq, net, sizeof(net)),
			                     cfg->rate_heavy);
		return principal_limit(rq, "heavy", cfg->rate_heavy);
	case RL_AUTH:
		/* The per-identifier limit needs the body: the handler counts it. */
		return ratelimit_hit(rq, "auth-address", ratelimit_client_net(rq, net, sizeof(net)),
		                     cfg->rate_auth_address);
	default: return 0;
	}
}

/*
 * The generic checks, in a fixed order, cheapest first. Each returns 0 to
 * go on or -1 after answering. The handler runs only when all pass.
 */
static int dispatch(struct req *rq)
{
	struct route_match m;
	enum route_result r;
	const char *cl = rq_env(rq, "CONTENT_LENGTH");
	int64_t len = 0;
	char allow[96];

	/* 1. The declared body size (413): before routing, since refusing it
	 *    costs nothing and the body is never read. */
	if (cl != NULL && *cl != '\0' && util_parse_int64(cl, 0, INT64_MAX, &len) < 0)
		return api_error(rq, E_VALIDATION, "Content-Length is not a valid length");
	if ((uint64_t)len > rq->app->cfg.max_body)
		return api_error(rq, E_TOO_LARGE,
		                 "request body of %lld bytes exceeds the limit of %zu bytes",
		                 (long long)len, rq->app->cfg.max_body);
	rq->content_length = (size_t)len;

	/* 2. Method and route (404, 405 with Allow; OPTIONS is the CORS preflight). */
	if (rq->method == M__MAX) {
		char clean[16];

		return api_error(rq, E_METHOD, "method %s is not supported",
		                 util_clean(clean, sizeof(clean), rq->method_name, 15));
	}
	r = router_match(routes, nroutes, rq->method, rq->path, &m);
	if (r == ROUTE_FOUND && (m.route->flags & F_DEV_ONLY) &&
	    rq->app->cfg.environment != ENV_DEVELOPMENT)
		r = ROUTE_NOT_FOUND;
	if (r == ROUTE_NOT_FOUND) {
		char clean[129];

		return api_error(rq, E_NOT_FOUND, "no such resource: %s",
		                 util_clean(clean, sizeof(clean), rq->path, 128));
	}
	router_allow(m.allow, allow, sizeof(allow));
	if (rq->method == M_OPTIONS) {
		api_header(rq, "Allow", allow);
		if (cors_origin(rq, rq_header(rq, "Origin")) != NULL) {
			api_header(rq, "Access-Control-Allow-Methods", allow);
			api_header(rq, "Access-Control-Allow-Headers", CORS_ALLOW_HEADERS);
			api_header(rq, "Access-Control-Max-Age", "600");
		}
		rq->status = 204;
		return 0;
	}
	if (r == ROUTE_WRONG_METHOD) {
		api_header(rq, "Allow", allow);
		return api_error(rq, E_METHOD, "method %s is not allowed here; allowed: %s",
		                 rq->method_name, allow);
	}
	rq->route = m.route;
	for (size_t i = 0; i < m.nparams; i++) {
		rq->param_names[i] =
		        arena_strndup(rq->arena, m.params[i].name, m.params[i].name_len);
		rq->param_values[i] =
		        arena_strndup(rq->arena, m.params[i].value, m.params[i].value_len);
		if (rq->param_names[i] == NULL || rq->param_values[i] == NULL)
			return api_error(rq, E_INTERNAL, "out of memory");
	}
	rq->nparams = m.nparams;

	/* 3. Query parameters are text (400 naming each that is not): a web
	 *    server in front may let %00, a control character or bytes that are
	 *    not UTF-8 through, and a handler reads them as strings. */
	if (rq->query[0] != '\0') {
		struct json_object *errs = json_object_new_array();

		if (errs == NULL)
			return api_error(rq, E_INTERNAL, "out of memory");
		if (rq_query_not_text(rq, errs) > 0)
			return api_validation_failed(rq, errs);
		json_object_put(errs);
	}

	/* 4. Content type (415) of a JSON route that was sent a body. */
	if ((m.route->flags & F_JSON) && rq->content_length > 0 &&
	    !is_json_type(rq->content_type) &&
	    !((m.route->flags & F_FORM) && is_form_type(rq->content_type)))
		return api_error(rq, E_MEDIA_TYPE, "Content-Type must be application/json%s",
		                 (m.route->flags & F_FORM) ? " or application/x-www-form-urlencoded"
		                                           : "");

	/* 5. Credentials (401): protected routes, and public ones that want to
	 *    know who calls. Health probes never pay for it. */
	if ((m.route->role != ROLE_PUBLIC || (m.route->flags & F_IDENTIFY)) &&
	    auth_identify(rq) < 0)
		return -1;

	/* 6. Role (403). */
	if (m.route->role != ROLE_PUBLIC) {
		if (rq->who == NULL)
			return api_error(rq, E_UNAUTHORIZED, AUTH_BAD_KEY_MSG);
		if (rq->who->role < m.route->role)
			return api_error(rq, E_FORBIDDEN,
			                 "this requires the %s role; the caller is %s",
			                 role_name(m.route->role), role_name(rq->who->role));
	}

	/* 7. Rate limit (429): per principal, or per address before login. */
	if (rate_limit(rq, m.route->rl) < 0)
		return -1;

	/* 6b. Project (404 for strangers, 403 below the route's role): the
	 *     caller's membership of {project}, for tenant-scoped routes. */
	if ((m.route->flags & F_PROJECT) && project_resolve(rq) < 0)
		return -1;

	/* 8. Input: a JSON route gets a parsed object or a 400. */
	if (m.route->flags & F_JSON) {
		char why[160];

		if (read_body(rq) < 0)
			return -1;
		if (rq->body_len == 0 && !(m.route->flags & F_JSON_OPT))
			return api_error(rq, E_VALIDATION, "a JSON request body is required");
		if (rq->body_len == 0) {
			if ((rq->json = rq_own_json(rq, json_object_new_object())) == NULL)
				return api_error(rq, E_INTERNAL, "out of memory");
		} else if ((m.route->flags & F_FORM) && is_form_type(rq->content_type)) {
			if (parse_form(rq) < 0)
				return -1;
		} else {
			if (json_parse_strict(rq->body, rq->body_len, &rq->json, why, sizeof(why)) <
			    0)
				return api_error(rq, E_VALIDATION, "%s", why);
			rq_own_json(rq, rq->json);
		}
		if (!json_object_is_type(rq->json, json_type_object))
			return api_error(rq, E_VALIDATION, "request body must be a JSON object");
	}

	/* 9. The handler. A change to users or keys, or to what the route's
	 *    `changes` parameter names, even a failed one (it may have
	 *    committed part), voids what every responder of the host cached
	 *    about them, before the client hears of the change. */
	if (m.route->handler(rq) < 0 && rq->status < 400)
		api_error(rq, E_INTERNAL, "the request could not be completed");
	if (m.route->flags & F_IDENTITY)
		auth_identity_changed(rq->app);
	if (m.route->changes)
		memo_changed(rq->app, rq_param(rq, m.route->changes));
	return 0;
}

/* ------------------------------------------------------------------ logging */

static void access_log(struct req *rq)
{
	struct json_object *o;

	if (!log_enabled(LOG_INFO) || (o = json_object_new_object()) == NULL)
		return;
	json_object_object_add(o, "type", json_object_new_string("access"));
	json_object_object_add(o, "request_id", json_object_new_string(rq->request_id));
	json_object_object_add(o, "method", json_object_new_string(rq->method_name));
	json_object_object_add(o, "path", json_object_new_string(rq->path));
	json_object_object_add(o, "status", json_object_new_int(rq->status));
	json_object_object_add(o, "duration_us",
	                       json_object_new_int64(util_monotonic_us() - rq->start_us));
	json_object_object_add(o, "principal",
	                       rq->principal ? json_object_new_string(rq->principal) : NULL);
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)rq->bytes_out));
	if (rq->status >= 400)
		json_object_object_add(o, "error_code",
		                       json_object_new_string(api_err_code(rq->err)));
	log_json(LOG_INFO, o);
	json_object_put(o);
}

void pipeline_run(struct req *rq)
{
	rq->start_us = util_monotonic_us();
	parse(rq);
	dispatch(rq);
	add_cors(rq);
	rq_send(rq);
	rq->app->requests++;
	access_log(rq);
}
