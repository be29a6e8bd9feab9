/* http.h: the request, the response and the one error emitter, for handlers. */
#ifndef STRATUS_HTTP_H
#define STRATUS_HTTP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <fcgiapp.h>

#include "lib/arena.h"
#include "lib/util.h"
#include "fcgi/app.h"

struct json_object;
struct route;

enum http_method {
	M_GET,     /* M_GET */
	M_HEAD,    /* M_HEAD */
	M_POST,    /* M_POST */
	M_PUT,     /* M_PUT */
	M_PATCH,   /* M_PATCH */
	M_DELETE,  /* M_DELETE */
	M_OPTIONS, /* M_OPTIONS */
	M__MAX
};

/* Error categories: one table maps each to its status and names. */
enum api_err {
	E_VALIDATION,    /* E_VALIDATION: 400 ValidationError */
	E_UNAUTHORIZED,  /* E_UNAUTHORIZED: 401 Unauthorized */
	E_FORBIDDEN,     /* E_FORBIDDEN: 403 Forbidden */
	E_NOT_FOUND,     /* E_NOT_FOUND: 404 NotFound */
	E_METHOD,        /* E_METHOD: 405 MethodNotAllowed */
	E_CONFLICT,      /* E_CONFLICT: 409 Conflict */
	E_TOO_LARGE,     /* E_TOO_LARGE: 413 PayloadTooLarge */
	E_MEDIA_TYPE,    /* E_MEDIA_TYPE: 415 UnsupportedMediaType */
	E_UNPROCESSABLE, /* E_UNPROCESSABLE: 422 UnprocessableEntity */
	E_RATE_LIMITED,  /* E_RATE_LIMITED: 429 RateLimited */
	E_INTERNAL,      /* E_INTERNAL: 500 InternalServerError */
	E_UNAVAILABLE,   /* E_UNAVAILABLE: 503 ServiceUnavailable */
	E__MAX
};

#define RQ_MAX_PARAMS 8

/*
 * One HTTP request and its response. Lives from accept to finish; every
 * pointer in it is request memory (rq->arena) or points into the web
 * server's environment block. Reset for each request by the accept loop.
 */
struct req {
	struct app *app;
	struct arena *arena;
	FCGX_Request *fcgx; /* NULL in plain-CGI mode: then stdin/stdout */
	char **envp;

	enum http_method method;
	const char *method_name;
	const char *path;        /* PATH_INFO, "/" when empty */
	const char *query;       /* QUERY_STRING, "" when absent */
	const char *script_name; /* SCRIPT_NAME, the prefix for links */
	const char *content_type;
	size_t content_length;
	char *body; /* NUL-terminated, NULL when none was read */
	size_t body_len;
	struct json_object *json; /* the parsed body on F_JSON routes */

	const struct route *route;
	size_t nparams;
	const char *param_names[RQ_MAX_PARAMS];
	const char *param_values[RQ_MAX_PARAMS];

	char request_id[65];
	int64_t start_us;
	const char *principal;   /* who is calling, for the access log */
	struct principal *who;   /* the authenticated caller, or NULL (fcgi/auth.h) */
	const char *client_addr; /* REMOTE_ADDR */
	/* Set by the project step of F_PROJECT routes (fcgi/project.h). */
	int64_t project_id; /* projects.id of {project}; 0 elsewhere */
	int project_role;   /* the caller's enum role in it */

	/* X-RateLimit-* of the tightest limit this request was counted in. */
	bool rl_set;
	long rl_limit;
	long rl_remaining;
	int64_t rl_reset; /* unix seconds */

	/* The response, written in one place (response.c). */
	int status;
	struct json_object *resp; /* JSON body (arena-owned), or NULL */
	const char *resp_type;    /* Content-Type when not JSON */
	const char *cache;        /* Cache-Control; NULL: no-store */
	const char *resp_raw;     /* non-JSON body */
	size_t resp_raw_len;
	char *headers; /* extra "Name: value\r\n" lines */
	size_t headers_len;
	enum api_err err; /* set with status >= 400 */
	size_t bytes_out;
};

/* ------------------------------------------------------------------ request */

/* A CGI variable (REQUEST_METHOD, HTTP_X_API_KEY, ...) or NULL. */
const char *rq_env(const struct req *rq, const char *name);

/*
 * A request header by its HTTP name ("X-Request-ID", "Content-Type"), or
 * NULL. Works through the CGI variables, so only single-valued headers.
 */
const char *rq_header(struct req *rq, const char *name);

/* The value of route parameter `name` ({uuid} in the pattern), or NULL. */
const char *rq_param(const struct req *rq, const char *name);

/*
 * The decoded value of query parameter `name` (first occurrence), or NULL
 * when absent. Returns "" for "?name" and "?name=". Request memory.
 */
const char *rq_query(struct req *rq, const char *name);

/* The same for any form-encoded text (a query string or a form body). */
const char *rq_form_value(struct req *rq, const char *form, const char *name);

/*
 * Query values are text: each parameter whose name or value decodes to
 * something else (a NUL, a control character, bytes that are not UTF-8)
 * is added to `errors` as {"name", "must be text ..."}. Returns how many.
 */
size_t rq_query_not_text(struct req *rq, struct json_object *errors);

/*
 * Reads query parameter `name` as an integer in [min, max], `def` when
 * absent. Returns 0, or -1 after answering 400 (the name and bounds in the
 * message).
 */
int rq_query_int_or_error(struct req *rq, const char *name, int64_t min, int64_t max, int64_t def,
                          int64_t *out);

/* Method name <-> enum; M__MAX when unknown. */
enum http_method http_method_parse(const char *s);
const char *http_method_name(enum http_method m);

/* Request memory helpers (see lib/arena.h). */
void *rq_alloc(struct req *rq, size_t n);
char *rq_strdup(struct req *rq, const char *s);
char *rq_printf(struct req *rq, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands a json-c tree to the request: freed after the response. */
struct json_object *rq_own_json(struct req *rq, struct json_object *o);

/* ------------------------------------------------------------------ response */

/*
 * Sets the response: `status` and a JSON body whose ownership passes to the
 * request (it is freed after the response is written). Returns 0.
 */
int api_reply(struct req *rq, int status, struct json_object *body);

/*
 * Sets the response: `status` and a body already written, `text` of `len`
 * bytes of type `type`, which must outlive the request (static, or request
 * memory). Returns 0.
 */
int api_reply_text(struct req *rq, int status, const char *type, const char *text, size_t len);

/*
 * Serialises the JSON answer set by api_reply now, once: it becomes the
 * raw body rq_send writes. Returns the text (request memory) and its
 * length, or NULL when there is no JSON answer.
 */
const char *rq_freeze(struct req *rq, size_t *len);

/* Adds a response header; the value is cleaned of CR/LF. */
void api_header(struct req *rq, const char *name, const char *value);

/*
 * The one error emitter. Answers with the category's status and the one
 * error schema: {"error","message","detail","error_code","status_code",
 * "details"?,"request_id","timestamp"}. `details` (may be NULL) passes to
 * the request. Returns -1 so a handler can `return api_error(...)`.
 */
int api_error(struct req *rq, enum api_err e, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int api_error_details(struct req *rq, enum api_err e, struct json_object *details, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

/*
 * Answers 400 with every failing field: details.errors is `errors` (an
 * array built with json_errors_add, ownership passes). Returns -1.
 */
int api_validation_failed(struct req *rq, struct json_object *errors);

/*
 * Renders the error body without a request (used by api_error and by the
 * unit tests). Returns a new object the caller owns, or NULL.
 */
struct json_object *api_error_body(enum api_err e, const char *message, struct json_object *details,
                                   const char *request_id, const char *timestamp);

/* Status, "ValidationError" and "VALIDATION_ERROR" of a category. */
int api_err_status(enum api_err e);
const char *api_err_name(enum api_err e);
const char *api_err_code(enum api_err e);

/* The reason phrase of an HTTP status ("Not Found"). */
const char *http_reason(int status);

/*
 * Writes the response (headers, then the body unless HEAD) to the web
 * server. Called once per request by the pipeline.
 */
void rq_send(struct req *rq);

#endif
