/* common.c: what handlers share: body fields, pagination, database outcomes. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "fcgi/auth.h"
#include "handlers/common.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/password.h"

void field_fail(struct fields *f, const char *name, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (f->errors == NULL && (f->errors = rq_own_json(f->rq, json_object_new_array())) == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_errors_add(f->errors, name, "%s", msg);
}

bool field_password_ok(struct fields *f, const char *name, const char *pw)
{
	if (f->errors == NULL && (f->errors = rq_own_json(f->rq, json_object_new_array())) == NULL)
		return false;
	return password_check_policy(pw, name, f->errors) == 0;
}

int fields_done(struct fields *f)
{
	if (f->errors == NULL || json_object_array_length(f->errors) == 0)
		return 0;
	/* api_validation_failed takes its own reference. */
	return api_validation_failed(f->rq, json_object_get(f->errors));
}

static struct json_object *get(struct fields *f, const char *name)
{
	struct json_object *v = NULL;

	if (f->rq->json == NULL || !json_object_object_get_ex(f->rq->json, name, &v))
		return NULL;
	return v;
}

/* Characters, not bytes: the body is valid UTF-8 already. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* A string of minlen-maxlen characters; `text` also allows tab, LF and CR. */
static const char *string_field(struct fields *f, const char *name, bool required, size_t minlen,
                                size_t maxlen, bool text)
{
	struct json_object *v = get(f, name);
	const char *s;
	size_t n;

	if (v == NULL || json_object_is_type(v, json_type_null)) {
		if (required)
			field_fail(f, name, "is required");
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		field_fail(f, name, "must be a string");
		return NULL;
	}
	s = json_object_get_string(v);
	n = utf8_len(s);
	if (n < minlen || n > maxlen) {
		if (minlen == maxlen)
			field_fail(f, name, "must be %zu characters", minlen);
		else if (n < minlen && minlen == 1)
			field_fail(f, name, "must not be empty");
		else
			field_fail(f, name, "must be %zu to %zu characters", minlen, maxlen);
		return NULL;
	}
	for (const char *p = s; *p; p++) {
		if (((unsigned char)*p < 0x20 &&
		     !(text && (*p == '\t' || *p == '\n' || *p == '\r'))) ||
		    *p == 0x7f) {
			field_fail(f, name, "must not contain control characters");
			return NULL;
		}
	}
	return s;
}

const char *field_str(struct fields *f, const char *name, bool required, size_t minlen,
                      size_t maxlen)
{
	return string_field(f, name, required, minlen, maxlen, false);
}

const char *field_text(struct fields *f, const char *name, bool required, size_t minlen,
                       size_t maxlen)
{
	return string_field(f, name, required, minlen, maxlen, true);
}

const char *field_enum(struct fields *f, const char *name, bool required,
                       const char *const *allowed)
{
	const char *s = field_str(f, name, required, 1, 64);
	char list[256] = "";
	size_t o = 0;

	if (s == NULL)
		return NULL;
	for (size_t i = 0; allowed[i] != NULL; i++) {
		if (strcmp(s, allowed[i]) == 0)
			return s;
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
		                      allowed[i]);
		if (o >= sizeof(list))
			o = sizeof(list) - 1;
	}
	field_fail(f, name, "must be one of: %s", list);
	return NULL;
}

const char *field_email(struct fields *f, const char *name, bool required)
{
	const char *s = field_str(f, name, required, 3, 254), *at, *dot;

	if (s == NULL)
		return NULL;
	at = strchr(s, '@');
	dot = at ? strrchr(at, '.') : NULL;
	if (at == NULL || at == s || strchr(at + 1, '@') != NULL || dot == NULL || dot == at + 1 ||
	    dot[1] == '\0' || strpbrk(s, " \t,;<>()[]\\\"") != NULL) {
		field_fail(f, name, "must be an email address");
		return NULL;
	}
	return s;
}

const char *field_username(struct fields *f, const char *name)
{
	const char *s = field_str(f, name, false, 3, 64);

	if (s == NULL)
		return NULL;
	for (const char *p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-')) {
			field_fail(f, name, "may contain only letters, digits, '.', '_' and '-'");
			return NULL;
		}
	}
	return s;
}

bool field_int(struct fields *f, const char *name, bool required, int64_t min, int64_t max,
               int64_t *out)
{
	struct json_object *v = get(f, name);
	int64_t n;

	if (v == NULL || json_object_is_type(v, json_type_null)) {
		if (required)
			field_fail(f, name, "is required");
		return false;
	}
	if (!json_object_is_type(v, json_type_int)) {
		field_fail(f, name, "must be an integer");
		return false;
	}
	n = json_object_get_int64(v);
	if (n < min || n > max) {
		field_fail(f, name, "must be from %lld to %lld", (long long)min, (long long)max);
		return false;
	}
	*out = n;
	return true;
}

int query_invalid(struct req *rq, const char *name, const char *fmt, ...)
{
	struct json_object *errors = json_object_new_array();
	char msg[256];
	va_list ap;

	if (errors == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_errors_add(errors, name, "%s", msg);
	return api_validation_failed(rq, errors);
}

int page_params(struct req *rq, int64_t *limit, int64_t *offset)
{
	if (rq_query_int_or_error(rq, "limit", 1, 100, 20, limit) < 0 ||
	    rq_query_int_or_error(rq, "offset", 0, INT32_MAX, 0, offset) < 0)
		return -1;
	return 0;
}

struct json_object *page_body(struct json_object *items, int64_t total, int64_t limit,
                              int64_t offset)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL) {
		json_object_put(items);
		return NULL;
	}
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "limit", json_object_new_int64(limit));
	json_object_object_add(o, "offset", json_object_new_int64(offset));
	return o;
}

int db_failure(struct req *rq, enum db_rc rc, const char *what)
{
	log_msg(LOG_ERROR, rq->request_id, "%s: %s", what, db_last_error(rq->app->db));
	if (rc == DB_UNAVAILABLE)
		return api_error(rq, E_UNAVAILABLE, "database unavailable");
	return api_error(rq, E_INTERNAL, "%s failed", what);
}

int param_id(struct req *rq, const char *name, int64_t *id)
{
	const char *v = rq_param(rq, name);

	if (v == NULL || util_parse_int64(v, 1, INT64_MAX, id) < 0)
		return api_error(rq, E_NOT_FOUND, "no such %s: %.40s", name, v ? v : "");
	return 0;
}

const char *param_uuid(struct req *rq, const char *name, const char *what)
{
	const char *u = rq_param(rq, name);
	size_t i;
	char clean[48];

	for (i = 0; u != NULL && i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : !isxdigit((unsigned char)u[i]))
			break;
	}
	if (u != NULL && i == 36 && u[36] == '\0')
		return u;
	api_error(rq, E_NOT_FOUND, "no such %s: %s", what,
	          util_clean(clean, sizeof(clean), u ? u : "", 40));
	return NULL;
}

const char *rq_actor(const struct req *rq)
{
	if (rq->who == NULL)
		return NULL;
	return rq->who->user.username[0] ? rq->who->user.username : rq->who->label;
}
