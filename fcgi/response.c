/* response.c: the one error emitter and the one place responses are written. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "fcgi/http.h"

static const struct {
	int status;
	const char *name; /* "error" */
	const char *code; /* "error_code" */
} errs[E__MAX] = {
	{ 400, "ValidationError", "VALIDATION_ERROR" },            /* E_VALIDATION */
	{ 401, "Unauthorized", "UNAUTHORIZED" },                   /* E_UNAUTHORIZED */
	{ 403, "Forbidden", "FORBIDDEN" },                         /* E_FORBIDDEN */
	{ 404, "NotFound", "NOT_FOUND" },                          /* E_NOT_FOUND */
	{ 405, "MethodNotAllowed", "METHOD_NOT_ALLOWED" },         /* E_METHOD */
	{ 409, "Conflict", "CONFLICT" },                           /* E_CONFLICT */
	{ 413, "PayloadTooLarge", "PAYLOAD_TOO_LARGE" },           /* E_TOO_LARGE */
	{ 415, "UnsupportedMediaType", "UNSUPPORTED_MEDIA_TYPE" }, /* E_MEDIA_TYPE */
	{ 422, "UnprocessableEntity", "UNPROCESSABLE_ENTITY" },    /* E_UNPROCESSABLE */
	{ 429, "RateLimited", "RATE_LIMITED" },                    /* E_RATE_LIMITED */
	{ 500, "InternalServerError", "INTERNAL_SERVER_ERROR" },   /* E_INTERNAL */
	{ 503, "ServiceUnavailable", "SERVICE_UNAVAILABLE" },      /* E_UNAVAILABLE */
};

int api_err_status(enum api_err e)
{
	return e < E__MAX ? errs[e].status : 500;
}

const char *api_err_name(enum api_err e)
{
	return e < E__MAX ? errs[e].name : "InternalServerError";
}

const char *api_err_code(enum api_err e)
{
	return e < E__MAX ? errs[e].code : "INTERNAL_SERVER_ERROR";
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

int api_reply(struct req *rq, int status, struct json_object *body)
{
	rq->status = status;
	rq->resp = rq_own_json(rq, body);
	return 0;
}

int api_reply_text(struct req *rq, int status, const char *type, const char *text, size_t len)
{
	rq->status = status;
	rq->resp = NULL;
	rq->resp_raw = text;
	rq->resp_raw_len = len;
	rq->resp_type = type;
	return 0;
}

/*
 * The text is the json-c tree's own buffer: the tree is request memory
 * already. json-c writes the bytes of strings as they are, so text that
 * did not come from a validated body (a query parameter, a path, a row
 * written by SQL) could make the answer invalid UTF-8: then the answer is
 * a copy with such bytes replaced (util_utf8_fix). JSON's syntax is ASCII,
 * so the replacement never changes the document's structure.
 */
const char *rq_freeze(struct req *rq, size_t *len)
{
	const char *text;

	if (rq->resp == NULL)
		return NULL;
	text = json_object_to_json_string_length(
	        rq->resp, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
	if (text == NULL)
		return NULL;
	if (!util_utf8_valid(text, *len)) {
		char *copy = rq_alloc(rq, *len + 1);

		if (copy == NULL)
			return NULL;
		memcpy(copy, text, *len);
		*len = util_utf8_fix(copy, *len);
		text = copy;
	}
	api_reply_text(rq, rq->status, "application/json", text, *len);
	return text;
}

void api_header(struct req *rq, const char *name, const char *value)
{
	char clean[512];
	char *line;

	util_clean(clean, sizeof(clean), value, sizeof(clean) - 1);
	if ((line = rq_printf(rq, "%s%s: %s\r\n", rq->headers ? rq->headers : "", name, clean)) !=
	    NULL) {
		rq->headers = line;
		rq->headers_len = strlen(line);
	}
}

struct json_object *api_error_body(enum api_err e, const char *message, struct json_object *details,
                                   const char *request_id, const char *timestamp)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	if (e >= E__MAX)
		e = E_INTERNAL;
	json_object_object_add(o, "error", json_object_new_string(errs[e].name));
	json_object_object_add(o, "message", json_object_new_string(message));
	/* "detail" is what FastAPI clients of the original services read. */
	json_object_object_add(o, "detail", json_object_new_string(message));
	json_object_object_add(o, "error_code", json_object_new_string(errs[e].code));
	json_object_object_add(o, "status_code", json_object_new_int(errs[e].status));
	if (details != NULL)
		json_object_object_add(o, "details", json_object_get(details));
	json_object_object_add(o, "request_id", json_object_new_string(request_id));
	json_object_object_add(o, "timestamp", json_object_new_string(timestamp));
	return o;
}

static int verror(struct req *rq, enum api_err e, struct json_object *details, const char *fmt,
                  va_list ap) __attribute__((format(printf, 4, 0)));
static int verror(struct req *rq, enum api_err e, struct json_object *details, const char *fmt,
                  va_list ap)
{
	char msg[1024], now[ISO8601_LEN + 1];
	struct json_object *body;

	rq_own_json(rq, details);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Messages echo user text ("%.64s", the path): never half a character. */
	util_utf8_fix(msg, strlen(msg));
	util_now_iso8601(now);
	if (e >= E__MAX)
		e = E_INTERNAL;
	rq->err = e;
	rq->app->errors[e]++;
	if (e == E_UNAUTHORIZED &&
	    (rq->headers == NULL || strcasestr(rq->headers, "WWW-Authenticate:") == NULL))
		api_header(rq, "WWW-Authenticate", "Bearer realm=\"stratus\"");
	body = api_error_body(e, msg, details, rq->request_id, now);
	rq->resp_raw = NULL;
	api_reply(rq, errs[e].status, body);
	return -1;
}

int api_error(struct req *rq, enum api_err e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(rq, e, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int api_error_details(struct req *rq, enum api_err e, struct json_object *details, const char *fmt,
                      ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(rq, e, details, fmt, ap);
	va_end(ap);
	return -1;
}

int api_validation_failed(struct req *rq, struct json_object *errors)
{
	struct json_object *details = json_object_new_object();
	size_t n = errors ? json_object_array_length(errors) : 0;
	struct json_object *first = n ? json_object_array_get_idx(errors, 0) : NULL;
	const char *msg = first ? json_object_get_string(json_object_object_get(first, "message"))
	                        : "invalid input";
	const char *field =
	        first ? json_object_get_string(json_object_object_get(first, "field")) : "";

	if (details == NULL) {
		json_object_put(errors);
		return api_error(rq, E_INTERNAL, "out of memory");
	}
	json_object_object_add(details, "errors", errors);
	if (n > 1)
		return api_error_details(rq, E_VALIDATION, details, "%s: %s (and %zu more)", field,
		                         msg, n - 1);
	return api_error_details(rq, E_VALIDATION, details, "%s: %s", field, msg);
}

/* ------------------------------------------------------------------ output */

static void out(struct req *rq, const char *buf, size_t len)
{
	if (len == 0)
		return;
	if (rq->fcgx != NULL)
		FCGX_PutStr(buf, (int)len, rq->fcgx->out);
	else
		fwrite(buf, 1, len, stdout);
	rq->bytes_out += len;
}

void rq_send(struct req *rq)
{
	const char *body = rq->resp_raw, *type = rq->resp_type;
	size_t blen = rq->resp_raw_len;
	char *head;

	if (rq->status == 0)
		api_error(rq, E_INTERNAL, "the handler produced no response");
	if (rq->resp != NULL && rq_freeze(rq, &blen) != NULL) {
		body = rq->resp_raw;
		type = rq->resp_type;
	}
	if (body == NULL)
		blen = 0;
	if (rq->rl_set) {
		char v[32];

		snprintf(v, sizeof(v), "%ld", rq->rl_limit);
		api_header(rq, "X-RateLimit-Limit", v);
		snprintf(v, sizeof(v), "%ld", rq->rl_remaining);
		api_header(rq, "X-RateLimit-Remaining", v);
		snprintf(v, sizeof(v), "%lld", (long long)rq->rl_reset);
		api_header(rq, "X-RateLimit-Reset", v);
	}
	head = rq_printf(rq,
	                 "Status: %d %s\r\n"
	                 "Content-Type: %s\r\n"
	                 "Content-Length: %zu\r\n"
	                 "X-Request-ID: %s\r\n"
	                 "Cache-Control: %s\r\n"
	                 "X-Content-Type-Options: nosniff\r\n"
	                 "%s\r\n",
	                 rq->status, http_reason(rq->status), type ? type : "application/json",
	                 blen, rq->request_id, rq->cache ? rq->cache : "no-store",
	                 rq->headers ? rq->headers : "");
	if (head == NULL) {
		static const char oom[] = "Status: 500 Internal Server Error\r\n"
		                          "Content-Type: application/json\r\n\r\n"
		                          "{\"error\":\"InternalServerError\",\"status_code\":500}";

		out(rq, oom, sizeof(oom) - 1);
		rq->status = 500;
		return;
	}
	rq->bytes_out = 0;
	out(rq, head, strlen(head));
	if (rq->method != M_HEAD && rq->status != 204 && rq->status != 304)
		out(rq, body, blen);
	if (rq->fcgx == NULL)
		fflush(stdout);
}
