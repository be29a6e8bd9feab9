/* fields.c: request bodies declared once as a table of fields, read by one call. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "fcgi/http.h"
#include "handlers/fields.h"
#include "lib/json.h"
#include "lib/password.h"
#include "lib/util.h"

#define STRING_MAX 65536

_Static_assert(PASSWORD_MIN_LEN == 12, "FIELD_NEW_PASSWORD's words and schema say 12");

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

size_t fields_failed(const struct fields *f)
{
	return f->errors == NULL ? 0 : json_object_array_length(f->errors);
}

int fields_done(struct fields *f)
{
	if (fields_failed(f) == 0)
		return 0;
	/* api_validation_failed takes its own reference. */
	return api_validation_failed(f->rq, json_object_get(f->errors));
}

/* ------------------------------------------------------------ one field */

bool field_chars_ok(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return false;
	return true;
}

/* "may contain only letters, digits, '.', '_' and '-'" for "._-". */
static void charset_fail(struct fields *f, const char *path, const char *extra)
{
	char list[128] = "";
	size_t o = 0, n = strlen(extra);

	for (size_t i = 0; i < n && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s'%c'",
		                      i == 0       ? ""
		                      : i + 1 == n ? " and "
		                                   : ", ",
		                      extra[i]);
	field_fail(f, path, "may contain only letters, digits%s%s", n > 1 ? ", " : " and ", list);
}

/* A string of min-max characters; FT_TEXT also allows tab, LF and CR. */
static const char *string_value(struct fields *f, const char *path, const struct field_spec *sp,
                                struct json_object *v)
{
	size_t minlen = (size_t)sp->min, maxlen = (size_t)sp->max, n;
	bool text = sp->type == FT_TEXT;
	const char *s;

	if (sp->min == 0 && sp->max == 0)
		maxlen = STRING_MAX;
	if (!json_object_is_type(v, json_type_string)) {
		field_fail(f, path, "must be a string");
		return NULL;
	}
	s = json_object_get_string(v);
	n = util_utf8_chars(s); /* the body is valid UTF-8 already */
	if (n < minlen || n > maxlen) {
		if (sp->string_message != NULL)
			field_fail(f, path, "%s", sp->string_message);
		else if (minlen == maxlen)
			field_fail(f, path, "must be %zu characters", minlen);
		else if (n < minlen && minlen == 1)
			field_fail(f, path, "must not be empty");
		else
			field_fail(f, path, "must be %zu to %zu characters", minlen, maxlen);
		return NULL;
	}
	/* An escaped NUL (json_parse_strict refuses it first; this is the net). */
	if (strlen(s) != (size_t)json_object_get_string_len(v)) {
		field_fail(f, path, "%s",
		           sp->string_message ? sp->string_message
		                              : "must not contain control characters");
		return NULL;
	}
	for (const char *p = s; *p; p++) {
		if (((unsigned char)*p < 0x20 &&
		     !(text && (*p == '\t' || *p == '\n' || *p == '\r'))) ||
		    *p == 0x7f) {
			field_fail(f, path, "%s",
			           sp->string_message ? sp->string_message
			                              : "must not contain control characters");
			return NULL;
		}
	}
	if (sp->charset != NULL && !field_chars_ok(s, sp->charset)) {
		if (sp->string_message != NULL)
			field_fail(f, path, "%s", sp->string_message);
		else
			charset_fail(f, path, sp->charset);
		return NULL;
	}
	if (sp->prefix != NULL && strncmp(s, sp->prefix, strlen(sp->prefix)) != 0) {
		field_fail(f, path, "must start with '%s'", sp->prefix);
		return NULL;
	}
	return s;
}

static bool enum_value(struct fields *f, const char *path, const char *const *allowed,
                       const char *s)
{
	char list[256] = "";
	size_t o = 0;

	for (size_t i = 0; allowed[i] != NULL; i++) {
		if (strcmp(s, allowed[i]) == 0)
			return true;
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
		                      allowed[i]);
		if (o >= sizeof(list))
			o = sizeof(list) - 1;
	}
	field_fail(f, path, "must be one of: %s", list);
	return false;
}

static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *dot = at ? strrchr(at, '.') : NULL;

	return !(at == NULL || at == s || strchr(at + 1, '@') != NULL || dot == NULL ||
	         dot == at + 1 || dot[1] == '\0' || strpbrk(s, " \t,;<>()[]\\\"") != NULL);
}

/* The list's own failures go to `f`, its items' to `outer` (once, with item_message). */
static bool list_value(struct fields *f, struct fields *outer, const char *path,
                       const struct field_spec *sp, struct json_object *v, struct field_value *out)
{
	struct field_spec item = { .type = FT_STRING,
		                   .min = sp->min,
		                   .max = sp->max,
		                   .charset = sp->charset,
		                   .prefix = sp->prefix,
		                   .string_message = sp->string_message };
	struct fields items = { f->rq, NULL }, *itf = sp->item_message ? &items : outer;
	size_t n, bad = 0;

	if (!json_object_is_type(v, json_type_array)) {
		field_fail(f, path, "must be an array of strings");
		return false;
	}
	n = json_object_array_length(v);
	if (sp->max_items > 0 && n > sp->max_items) {
		field_fail(f, path, "must have at most %zu items", sp->max_items);
		return false;
	}
	if ((out->list = rq_alloc(f->rq, (n + 1) * sizeof(*out->list))) == NULL) {
		field_fail(f, path, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		const char *ip = itf == &items ? path : rq_printf(f->rq, "%s[%zu]", path, i);

		if (ip == NULL ||
		    (out->list[i] =
		             string_value(itf, ip, &item, json_object_array_get_idx(v, i))) == NULL)
			bad++;
	}
	out->list[n] = NULL;
	out->n = n;
	if (bad > 0 && itf == &items)
		field_fail(outer, path, "%s", sp->item_message);
	return bad == 0;
}

bool field_read(struct fields *f, struct json_object *body, const char *prefix,
                const struct field_spec *sp, struct field_value *out)
{
	struct json_object *v = NULL;
	const char *path = sp->name;
	struct fields own = { f->rq, NULL }, *outer = f;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (prefix != NULL && (path = rq_printf(f->rq, "%s.%s", prefix, sp->name)) == NULL)
		path = sp->name;
	if (body == NULL || !json_object_is_type(body, json_type_object) ||
	    !json_object_object_get_ex(body, sp->name, &v) || (v == NULL && !sp->null_invalid)) {
		/* json-c represents a JSON null as NULL: absent and null read alike. */
		if (sp->required)
			field_fail(f, path, "is required");
		return false;
	}
	/* With .message, the value's own failures land in `own`, to become that one message. */
	if (sp->message != NULL)
		f = &own;
	switch (sp->type) {
	case FT_STRING:
	case FT_TEXT: ok = (out->s = string_value(f, path, sp, v)) != NULL; break;
	case FT_ENUM: {
		struct field_spec s = { .type = FT_STRING, .min = 1, .max = 64 };

		ok = (out->s = string_value(f, path, &s, v)) != NULL &&
		     enum_value(f, path, sp->allowed, out->s);
		break;
	}
	case FT_EMAIL: {
		struct field_spec s = { .type = FT_STRING, .min = 3, .max = 254 };

		if ((out->s = string_value(f, path, &s, v)) == NULL)
			break;
		if (!(ok = email_ok(out->s)))
			field_fail(f, path, "must be an email address");
		break;
	}
	case FT_INT: {
		int64_t min = sp->min, max = sp->max;

		if (min == 0 && max == 0)
			min = INT64_MIN, max = INT64_MAX;
		if (!json_object_is_type(v, json_type_int)) {
			field_fail(f, path, "must be an integer");
			break;
		}
		out->i = json_object_get_int64(v);
		if (!(ok = out->i >= min && out->i <= max))
			field_fail(f, path, "must be from %lld to %lld", (long long)min,
			           (long long)max);
		break;
	}
	case FT_BOOL:
		if ((ok = json_object_is_type(v, json_type_boolean)))
			out->b = json_object_get_boolean(v);
		else
			field_fail(f, path, "must be true or false");
		break;
	case FT_OBJECT:
		if (!json_object_is_type(v, json_type_object)) {
			field_fail(f, path, "must be an object");
			break;
		}
		out->o = v;
		if (sp->nested == NULL) {
			ok = true;
			break;
		}
		if ((out->sub = rq_alloc(f->rq, (sp->nested->nfields + 1) * sizeof(*out->sub))) ==
		    NULL) {
			field_fail(f, path, "out of memory");
			break;
		}
		ok = fields_collect(outer, v, path, sp->nested, out->sub) == 0;
		break;
	case FT_STRLIST: ok = list_value(f, outer, path, sp, v, out); break;
	case FT_JSON:
		out->o = v;
		ok = true;
		break;
	}
	f = outer;
	if (fields_failed(&own) > 0)
		field_fail(f, path, "%s", sp->message);
	if (ok && sp->check != NULL)
		ok = sp->check(f, path, out);
	out->set = ok;
	return ok;
}

/* ------------------------------------------------------------- a body */

/* Field i names, in `unless`, an earlier field that was read and valid. */
static bool alternative_taken(const struct body_spec *spec, const struct field_value *out, size_t i)
{
	const char *other = spec->fields[i].unless;

	for (size_t j = 0; other != NULL && j < i; j++)
		if (strcmp(spec->fields[j].name, other) == 0)
			return out[j].set;
	return false;
}

size_t fields_collect(struct fields *f, struct json_object *body, const char *prefix,
                      const struct body_spec *spec, struct field_value *out)
{
	size_t before = fields_failed(f);

	if (body == NULL && prefix == NULL)
		body = f->rq->json;
	for (size_t i = 0; i < spec->nfields; i++) {
		if (alternative_taken(spec, out, i))
			memset(&out[i], 0, sizeof(out[i]));
		else
			field_read(f, body, prefix, &spec->fields[i], &out[i]);
	}
	if (spec->strict && body != NULL && json_object_is_type(body, json_type_object)) {
		json_object_object_foreach (body, k, v) {
			size_t i;

			(void)v;
			for (i = 0; i < spec->nfields && strcmp(k, spec->fields[i].name) != 0; i++)
				;
			if (i == spec->nfields) {
				char *p = prefix ? rq_printf(f->rq, "%s.%s", prefix, k) : k;

				field_fail(f, p ? p : k, "is not a known field");
			}
		}
	}
	return fields_failed(f) - before;
}

int fields_read(struct req *rq, struct json_object *body, const struct body_spec *spec,
                struct field_value *out)
{
	struct fields f = { rq, NULL };

	fields_collect(&f, body, NULL, spec, out);
	return fields_done(&f);
}
