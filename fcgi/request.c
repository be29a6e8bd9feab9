/* request.c: reading the request from the CGI environment. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "lib/json.h"
#include "lib/util.h"
#include "fcgi/http.h"

static const char *const method_names[M__MAX] = {
	"GET",     /* M_GET */
	"HEAD",    /* M_HEAD */
	"POST",    /* M_POST */
	"PUT",     /* M_PUT */
	"PATCH",   /* M_PATCH */
	"DELETE",  /* M_DELETE */
	"OPTIONS", /* M_OPTIONS */
};

enum http_method http_method_parse(const char *s)
{
	for (int i = 0; i < M__MAX; i++)
		if (strcmp(s, method_names[i]) == 0)
			return (enum http_method)i;
	return M__MAX;
}

const char *http_method_name(enum http_method m)
{
	return m < M__MAX ? method_names[m] : "?";
}

const char *rq_env(const struct req *rq, const char *name)
{
	return rq->envp != NULL ? FCGX_GetParam(name, rq->envp) : NULL;
}

const char *rq_header(struct req *rq, const char *name)
{
	char var[128];
	size_t i, o = 0;

	/* Content-Type and Content-Length have no HTTP_ prefix in CGI. */
	if (strcasecmp(name, "Content-Type") == 0)
		return rq_env(rq, "CONTENT_TYPE");
	if (strcasecmp(name, "Content-Length") == 0)
		return rq_env(rq, "CONTENT_LENGTH");
	memcpy(var, "HTTP_", 5);
	o = 5;
	for (i = 0; name[i] != '\0' && o + 1 < sizeof(var); i++)
		var[o++] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	var[o] = '\0';
	return rq_env(rq, var);
}

const char *rq_param(const struct req *rq, const char *name)
{
	for (size_t i = 0; i < rq->nparams; i++)
		if (strcmp(rq->param_names[i], name) == 0)
			return rq->param_values[i];
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes %XX and '+' of s[0..n) into request memory; NULL on %00 or OOM. */
static char *form_decode(struct req *rq, const char *s, size_t n)
{
	char *out = rq_alloc(rq, n + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%' && i + 2 < n &&
		           (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		           (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			if (hi == 0 && lo == 0)
				return NULL;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

const char *rq_query(struct req *rq, const char *name)
{
	return rq_form_value(rq, rq->query, name);
}

const char *rq_form_value(struct req *rq, const char *form, const char *name)
{
	const char *p = form;
	size_t nl = strlen(name);

	while (p != NULL && *p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;

		if (klen == nl && strncmp(p, name, nl) == 0)
			return eq ? form_decode(rq, eq + 1, len - klen - 1) : "";
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

/* A decoded name or value: valid UTF-8 without control characters (NULL: it held a NUL). */
static bool is_text(const char *s)
{
	if (s == NULL || !util_utf8_valid(s, strlen(s)))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

size_t rq_query_not_text(struct req *rq, struct json_object *errors)
{
	const char *p = rq->query;
	size_t bad = 0;

	while (p != NULL && *p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		const char *name = form_decode(rq, p, klen);
		const char *value = eq ? form_decode(rq, eq + 1, len - klen - 1) : "";

		if (!is_text(name) || !is_text(value)) {
			char clean[65];

			util_clean(clean, sizeof(clean), p, klen < 64 ? klen : 64);
			json_errors_add(errors, clean,
			                "must be text: valid UTF-8 without control characters");
			bad++;
		}
		p = amp ? amp + 1 : NULL;
	}
	return bad;
}

int rq_query_int_or_error(struct req *rq, const char *name, int64_t min, int64_t max, int64_t def,
                          int64_t *out)
{
	const char *v = rq_query(rq, name);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if (util_parse_int64(v, min, max, out) < 0) {
		struct json_object *errs = json_object_new_array();

		if (errs == NULL)
			return api_error(rq, E_INTERNAL, "out of memory");
		json_errors_add(errs, name, "must be an integer from %lld to %lld", (long long)min,
		                (long long)max);
		return api_validation_failed(rq, errs);
	}
	return 0;
}

void *rq_alloc(struct req *rq, size_t n)
{
	return arena_alloc(rq->arena, n);
}

char *rq_strdup(struct req *rq, const char *s)
{
	return arena_strdup(rq->arena, s);
}

char *rq_printf(struct req *rq, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(rq->arena, fmt, ap);
	va_end(ap);
	return p;
}

static void put_json(void *p)
{
	json_object_put(p);
}

struct json_object *rq_own_json(struct req *rq, struct json_object *o)
{
	if (o != NULL && arena_defer(rq->arena, put_json, o) < 0)
		return NULL;
	return o;
}
