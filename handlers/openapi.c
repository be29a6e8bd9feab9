/* openapi.c: the API's own description, from the route table and docs/openapi/. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "fcgi/app.h"
#include "fcgi/http.h"
#include "fcgi/router.h"
#include "handlers/fields.h"
#include "handlers/openapi.h"

/* Every problem found while merging, one per line (never stops at the first). */
struct problems {
	char *buf;
	size_t len, used;
	unsigned n;
};

static void problem(struct problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct problems *p, const char *fmt, ...)
{
	va_list ap;
	int w;

	p->n++;
	if (p->len == 0 || p->used + 1 >= p->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(p->buf + p->used, p->len - p->used, fmt, ap);
	va_end(ap);
	if (w > 0)
		p->used = p->used + (size_t)w < p->len ? p->used + (size_t)w : p->len - 1;
	if (p->used + 1 < p->len) {
		p->buf[p->used++] = '\n';
		p->buf[p->used] = '\0';
	}
}

static const char *const role_names[ROLE__MAX] = { "public", "readonly", "developer", "admin" };
static const char *const rl_names[RL__MAX] = { "none", "general", "auth", "heavy" };
/* The security schemes of base.json, every one of which can carry a role. */
static const char *const schemes[] = { "ApiKeyAuth", "BearerAuth", "BasicAuth", "OIDC" };

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *str(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

/* o[k], created as an empty object when missing. */
static struct json_object *child(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	if (v == NULL || !json_object_is_type(v, json_type_object)) {
		v = json_object_new_object();
		add(o, k, v);
	}
	return v;
}

static struct json_object *ref(const char *where, const char *name)
{
	struct json_object *o = json_object_new_object();
	char r[128];

	snprintf(r, sizeof(r), "#/components/%s/%s", where, name);
	add(o, "$ref", str(r));
	return o;
}

/* ---------------------------------------------------- request bodies */

/* Appends `c` to a regular expression's character class, escaped. */
static size_t class_char(char *out, size_t o, size_t len, char c)
{
	if (strchr("\\]^-[", c) != NULL && o + 1 < len)
		out[o++] = '\\';
	if (o + 1 < len)
		out[o++] = c;
	out[o] = '\0';
	return o;
}

/*
 * The pattern that holds exactly what string_value (handlers/fields.c)
 * lets through besides length: no control characters (FT_TEXT: but tab,
 * LF, CR), or only letters, digits and the charset; a prefix first.
 */
static void string_pattern(const struct field_spec *sp, bool text, char *out, size_t len)
{
	size_t o = 0;

	o += (size_t)snprintf(out, len, "^");
	if (sp->prefix != NULL) {
		o += (size_t)snprintf(out + o, len - o, "(?=");
		for (const char *p = sp->prefix; *p && o + 3 < len; p++) {
			if (!isalnum((unsigned char)*p))
				out[o++] = '\\';
			out[o++] = *p;
		}
		o += (size_t)snprintf(out + o, len - o, ")");
	}
	if (sp->charset != NULL) {
		o += (size_t)snprintf(out + o, len - o, "[A-Za-z0-9");
		for (const char *p = sp->charset; *p; p++)
			o = class_char(out, o, len, *p);
		snprintf(out + o, len - o, "]*$");
	} else if (text) {
		snprintf(out + o, len - o, "[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*$");
	} else {
		snprintf(out + o, len - o, "[^\\x00-\\x1F\\x7F]*$");
	}
}

static struct json_object *string_schema(const struct field_spec *sp, bool text)
{
	struct json_object *s = json_object_new_object();
	int64_t min = sp->min, max = sp->max;
	char pattern[256];

	if (min == 0 && max == 0)
		max = 65536; /* STRING_MAX of fields.c */
	add(s, "type", str("string"));
	if (min > 0)
		add(s, "minLength", json_object_new_int64(min));
	add(s, "maxLength", json_object_new_int64(max));
	string_pattern(sp, text, pattern, sizeof(pattern));
	add(s, "pattern", str(pattern));
	return s;
}

/* type: "T" becomes ["T", "null"]; an enum gains null. */
static void allow_null(struct json_object *s)
{
	struct json_object *t = get(s, "type"), *e = get(s, "enum"), *both;

	if (t != NULL && json_object_is_type(t, json_type_string)) {
		both = json_object_new_array();
		json_object_array_add(both, str(json_object_get_string(t)));
		json_object_array_add(both, str("null"));
		add(s, "type", both);
	}
	if (e != NULL)
		json_object_array_add(e, NULL);
}

static struct json_object *body_schema(const struct body_spec *b, struct problems *pb);

/* The schema of one field: exactly the rules field_read applies. */
static struct json_object *field_schema(const struct field_spec *sp, struct problems *pb)
{
	struct json_object *s = NULL, *a;
	char d[512];

	switch (sp->type) {
	case FT_STRING:
	case FT_TEXT: s = string_schema(sp, sp->type == FT_TEXT); break;
	case FT_ENUM:
		s = json_object_new_object();
		add(s, "type", str("string"));
		a = json_object_new_array();
		for (size_t i = 0; sp->allowed[i] != NULL; i++)
			json_object_array_add(a, str(sp->allowed[i]));
		add(s, "enum", a);
		break;
	case FT_EMAIL:
		s = json_object_new_object();
		add(s, "type", str("string"));
		add(s, "format", str("email"));
		add(s, "minLength", json_object_new_int(3));
		add(s, "maxLength", json_object_new_int(254));
		break;
	case FT_INT:
		s = json_object_new_object();
		add(s, "type", str("integer"));
		if (sp->min == 0 && sp->max == 0) {
			add(s, "format", str("int64"));
		} else {
			/* json-c and most clients hold JSON numbers as doubles: exact to 2^53. */
			const int64_t exact = 9007199254740991LL;

			add(s, "minimum",
			    json_object_new_int64(sp->min < -exact ? -exact : sp->min));
			add(s, "maximum", json_object_new_int64(sp->max > exact ? exact : sp->max));
		}
		break;
	case FT_BOOL:
		s = json_object_new_object();
		add(s, "type", str("boolean"));
		break;
	case FT_OBJECT:
		if (sp->nested != NULL) {
			s = body_schema(sp->nested, pb);
		} else {
			s = json_object_new_object();
			add(s, "type", str("object"));
		}
		break;
	case FT_STRLIST: {
		struct field_spec item = { .type = FT_STRING,
			                   .min = sp->min,
			                   .max = sp->max,
			                   .charset = sp->charset,
			                   .prefix = sp->prefix };

		s = json_object_new_object();
		add(s, "type", str("array"));
		add(s, "items", string_schema(&item, false));
		if (sp->max_items > 0)
			add(s, "maxItems", json_object_new_int64((int64_t)sp->max_items));
		break;
	}
	case FT_JSON:
		s = json_object_new_object();
		if (sp->required || sp->null_invalid) {
			add(s, "not", json_object_new_object());
			add(get(s, "not"), "type", str("null"));
		}
		break;
	}
	/* json-c reads a JSON null as absent: an optional field may be null. */
	if (!sp->required && !sp->null_invalid && sp->type != FT_JSON)
		allow_null(s);
	if (sp->doc != NULL || sp->unless != NULL) {
		snprintf(d, sizeof(d), "%s%s%s%s%s", sp->doc ? sp->doc : "",
		         sp->doc && sp->unless ? " " : "", sp->unless ? "Read only when `" : "",
		         sp->unless ? sp->unless : "",
		         sp->unless ? "` is absent or not valid." : "");
		add(s, "description", str(d));
	}
	/* A rule of the field's own (its sentence and keywords, when given, above). */
	if (sp->check != NULL)
		add(s, "x-stratus-check", json_object_new_boolean(1));
	if (sp->schema != NULL) {
		struct json_object *x = json_tokener_parse(sp->schema);

		if (x == NULL && strcmp(sp->schema, "null") != 0) {
			problem(pb, "field %s: .schema is not JSON: %s", sp->name, sp->schema);
		} else if (json_object_is_type(x, json_type_boolean)) {
			json_object_put(s);
			return x;
		} else if (json_object_is_type(x, json_type_object)) {
			json_object_object_foreach (x, k, v)
				add(s, k, json_object_get(v));
		} else {
			problem(pb, "field %s: .schema must be an object or a boolean", sp->name);
		}
		json_object_put(x);
	}
	return s;
}

static struct json_object *body_schema(const struct body_spec *b, struct problems *pb)
{
	struct json_object *s = json_object_new_object(), *props = json_object_new_object(),
	                   *req = json_object_new_array();

	add(s, "type", str("object"));
	for (size_t i = 0; i < b->nfields; i++) {
		add(props, b->fields[i].name, field_schema(&b->fields[i], pb));
		if (b->fields[i].required)
			json_object_array_add(req, str(b->fields[i].name));
	}
	add(s, "properties", props);
	if (json_object_array_length(req) > 0)
		add(s, "required", req);
	else
		json_object_put(req);
	if (b->strict)
		add(s, "additionalProperties", json_object_new_boolean(0));
	return s;
}

/* ------------------------------------------------------- operations */

/* Path parameters from the pattern, then the hand-written ones; a
 * hand-written path parameter of the same name replaces the plain one. */
static void parameters(struct json_object *op, const char *pattern)
{
	struct json_object *given = get(op, "parameters"), *all = json_object_new_array();
	const char *p = pattern;

	while ((p = strchr(p, '{')) != NULL) {
		const char *e = strchr(p, '}');
		char name[64];
		struct json_object *prm = NULL;

		if (e == NULL || (size_t)(e - p - 1) >= sizeof(name))
			break;
		memcpy(name, p + 1, (size_t)(e - p - 1));
		name[e - p - 1] = '\0';
		for (size_t i = 0; given && i < json_object_array_length(given); i++) {
			struct json_object *g = json_object_array_get_idx(given, i),
			                   *n = get(g, "name"), *in = get(g, "in");

			if (n && in && strcmp(json_object_get_string(n), name) == 0 &&
			    strcmp(json_object_get_string(in), "path") == 0)
				prm = json_object_get(g);
		}
		if (prm == NULL) {
			prm = json_object_new_object();
			add(prm, "name", str(name));
			add(prm, "in", str("path"));
			add(prm, "schema", json_object_new_object());
			add(get(prm, "schema"), "type", str("string"));
		}
		add(prm, "required", json_object_new_boolean(1));
		json_object_array_add(all, prm);
		p = e + 1;
	}
	for (size_t i = 0; given && i < json_object_array_length(given); i++) {
		struct json_object *g = json_object_array_get_idx(given, i), *in = get(g, "in");

		if (in == NULL || strcmp(json_object_get_string(in), "path") != 0)
			json_object_array_add(all, json_object_get(g));
	}
	if (json_object_array_length(all) > 0)
		add(op, "parameters", all);
	else
		json_object_put(all);
}

/* Who may call: the route's role, in every scheme (OpenAPI 3.1 role lists). */
static void security(struct json_object *op, const struct route *r)
{
	struct json_object *sec = json_object_new_array();

	if (r->role == ROLE_PUBLIC && (r->flags & F_IDENTIFY))
		json_object_array_add(sec, json_object_new_object());
	if (r->role != ROLE_PUBLIC || (r->flags & F_IDENTIFY)) {
		for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			struct json_object *req = json_object_new_object(),
			                   *roles = json_object_new_array();

			if (r->role != ROLE_PUBLIC)
				json_object_array_add(roles, str(role_names[r->role]));
			add(req, schemes[i], roles);
			json_object_array_add(sec, req);
		}
	}
	add(op, "security", sec);
	add(op, "x-stratus-role", str(role_names[r->role]));
	add(op, "x-rate-limit", str(rl_names[r->rl]));
	if (r->flags & F_DEV_ONLY)
		add(op, "x-stratus-dev-only", json_object_new_boolean(1));
}

/* The body's schema from the route's body_spec, under the hand-written words. */
static void request_body(struct json_object *op, const struct route *r, struct problems *pb)
{
	struct json_object *rb, *content, *schema, *json, *examples;

	if (!(r->flags & F_JSON))
		return;
	rb = child(op, "requestBody");
	content = child(rb, "content");
	if (r->body != NULL) {
		schema = body_schema(r->body, pb);
	} else {
		schema = json_object_new_object();
		add(schema, "type", str("object"));
	}
	json = child(content, "application/json");
	add(json, "schema", schema);
	/* "examples" written beside "content" belong to the JSON media type. */
	if ((examples = get(rb, "examples")) != NULL) {
		add(json, "examples", json_object_get(examples));
		json_object_object_del(rb, "examples");
	}
	if (r->flags & F_FORM)
		add(child(content, "application/x-www-form-urlencoded"), "schema",
		    json_object_get(schema));
	add(rb, "required", json_object_new_boolean(!(r->flags & F_JSON_OPT)));
}

/* The statuses every route of its kind can answer, unless written out. */
static void standard_responses(struct json_object *op, const struct route *r)
{
	struct json_object *resp = child(op, "responses");
	const struct {
		const char *status, *name;
		bool when;
	} std[] = {
		/* The pipeline reads any request's body: a bad length or too many bytes. */
		{ "400", "BadRequest", true },
		{ "401", "Unauthorized", r->role != ROLE_PUBLIC || (r->flags & F_IDENTIFY) },
		/* A project role below the route's is one too (fcgi/project.c). */
		{ "403", "Forbidden", r->role > ROLE_READONLY },
		{ "404", "NotFound", strchr(r->pattern, '{') != NULL || (r->flags & F_DEV_ONLY) },
		{ "413", "PayloadTooLarge", true },
		{ "415", "UnsupportedMediaType", (r->flags & F_JSON) != 0 },
		{ "429", "RateLimited", r->rl != RL_NONE },
		{ "500", "InternalError", true },
		{ "503", "Unavailable", true },
	};

	for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (std[i].when && get(resp, std[i].status) == NULL)
			add(resp, std[i].status, ref("responses", std[i].name));
	/* Every answer carries its request's id. */
	json_object_object_foreach (resp, status, one) {
		(void)status;
		if (get(one, "$ref") == NULL)
			add(child(one, "headers"), "X-Request-ID", ref("headers", "X-Request-ID"));
	}
}

static bool has_success(struct json_object *op)
{
	json_object_object_foreach (child(op, "responses"), status, one) {
		(void)one;
		if (status[0] == '2' || status[0] == '3')
			return true;
	}
	return false;
}

/* The operation of route r: its hand-written half plus what the code says. */
static struct json_object *operation(const struct route *r, struct json_object *written,
                                     const char *key, struct problems *pb)
{
	struct json_object *op = NULL, *rb;

	if (json_object_deep_copy(written, &op, NULL) != 0 || op == NULL) {
		problem(pb, "%s: out of memory", key);
		return NULL;
	}
	if (get(op, "security") != NULL)
		problem(pb, "%s: states security: the route's role is the truth", key);
	if ((rb = get(op, "requestBody")) != NULL) {
		json_object_object_foreach (child(rb, "content"), type, media) {
			(void)type;
			if (get(media, "schema") != NULL)
				problem(pb,
				        "%s: states a request schema: its body_spec is the truth",
				        key);
		}
		if (!(r->flags & F_JSON))
			problem(pb, "%s: documents a request body the route does not read", key);
	}
	if (!has_success(op))
		problem(pb, "%s: documents no success response", key);
	parameters(op, r->pattern);
	security(op, r);
	request_body(op, r, pb);
	standard_responses(op, r);
	return op;
}

/* ------------------------------------------------------- the document */

static struct json_object *parse(const struct openapi_source *s, struct problems *pb)
{
	enum json_tokener_error e = json_tokener_success;
	struct json_object *o = json_tokener_parse_verbose(s->text, &e);

	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		problem(pb, "docs/openapi/%s: not a JSON object (%s)", s->name,
		        json_tokener_error_desc(e));
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A paths file's "x-components" join the document's components. */
static void merge_components(struct json_object *doc, struct json_object *xc, const char *file,
                             struct problems *pb)
{
	struct json_object *comps = child(doc, "components");

	json_object_object_foreach (xc, section, entries) {
		struct json_object *to = child(comps, section);

		json_object_object_foreach (entries, name, v) {
			if (get(to, name) != NULL)
				problem(pb, "docs/openapi/%s: components.%s.%s is defined twice",
				        file, section, name);
			else
				add(to, name, json_object_get(v));
		}
	}
}

struct json_object *openapi_build(const struct route *table, size_t n,
                                  const struct openapi_source *sources, char *err, size_t errlen)
{
	struct problems pb = { err, errlen, 0, 0 };
	struct json_object *doc = NULL, *written = json_object_new_object(), *paths, *origin;
	char key[256];

	if (errlen > 0)
		err[0] = '\0';
	if (sources[0].name == NULL || strcmp(sources[0].name, "base.json") != 0) {
		problem(&pb, "docs/openapi/base.json must come first");
		goto out;
	}
	if ((doc = parse(&sources[0], &pb)) == NULL)
		goto out;
	/* The build's own version, whatever base.json says. */
	add(child(doc, "info"), "version", str(PACKAGE_VERSION));
	/* Every hand-written operation, by "METHOD /pattern", and its file. */
	origin = json_object_new_object();
	for (size_t i = 1; sources[i].name != NULL; i++) {
		struct json_object *file = parse(&sources[i], &pb);

		if (file == NULL)
			continue;
		json_object_object_foreach (file, k, v) {
			if (strcmp(k, "x-components") == 0)
				merge_components(doc, v, sources[i].name, &pb);
			else if (get(written, k) != NULL)
				problem(&pb, "docs/openapi/%s: \"%s\" is written twice",
				        sources[i].name, k);
			else {
				add(written, k, json_object_get(v));
				add(origin, k, str(sources[i].name));
			}
		}
		json_object_put(file);
	}
	paths = json_object_new_object();
	add(doc, "paths", paths);
	for (size_t i = 0; i < n; i++) {
		const struct route *r = &table[i];
		const char *m = http_method_name(r->method);
		struct json_object *w, *op;
		char lower[16];
		size_t j;

		snprintf(key, sizeof(key), "%s %s", m, r->pattern);
		if ((w = get(written, key)) == NULL) {
			problem(&pb, "route %s has no operation in docs/openapi/paths/", key);
			continue;
		}
		if ((op = operation(r, w, key, &pb)) != NULL) {
			for (j = 0; m[j] && j + 1 < sizeof(lower); j++)
				lower[j] = (char)tolower((unsigned char)m[j]);
			lower[j] = '\0';
			add(child(paths, r->pattern), lower, op);
		}
		json_object_object_del(written, key);
	}
	json_object_object_foreach (written, k, v) {
		(void)v;
		problem(&pb, "docs/openapi/%s: operation %s has no route in handlers/routes.c",
		        json_object_get_string(get(origin, k)), k);
	}
	json_object_put(origin);
out:
	json_object_put(written);
	if (pb.n > 0) {
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

char *openapi_render(const struct route *table, size_t n, const struct openapi_source *sources,
                     size_t *len, char *err, size_t errlen)
{
	struct json_object *doc = openapi_build(table, n, sources, err, errlen);
	const char *text;
	char *copy = NULL;
	size_t l = 0;

	if (doc == NULL)
		return NULL;
	text = json_object_to_json_string_length(
	        doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &l);
	if (text != NULL && (copy = malloc(l + 1)) != NULL) {
		memcpy(copy, text, l + 1);
		*len = l;
	} else {
		snprintf(err, errlen, "out of memory");
	}
	json_object_put(doc);
	return copy;
}

/* ------------------------------------------------------- the handler */

/*
 * Rendered on the first request and kept by the process (struct app owns
 * it; main frees it), so both paths answer the same bytes. The ETag is a hash of them:
 * an If-None-Match that names it gets 304.
 */
int h_openapi(struct req *rq)
{
	struct app *app = rq->app;
	const char *inm;

	if (app->openapi == NULL) {
		char err[512];
		unsigned char h[16];
		size_t len = 0;

		app->openapi =
		        openapi_render(routes, nroutes, openapi_sources, &len, err, sizeof(err));
		if (app->openapi == NULL)
			return api_error(rq, E_INTERNAL, "the API description could not be built");
		app->openapi_len = len;
		crypto_generichash(h, sizeof(h), (const unsigned char *)app->openapi, len, NULL, 0);
		app->openapi_etag[0] = '"';
		sodium_bin2hex(app->openapi_etag + 1, sizeof(app->openapi_etag) - 2, h, sizeof(h));
		strcat(app->openapi_etag, "\"");
	}
	api_header(rq, "ETag", app->openapi_etag);
	rq->cache = "public, max-age=300";
	inm = rq_header(rq, "If-None-Match");
	if (inm != NULL && (strstr(inm, app->openapi_etag) != NULL || strcmp(inm, "*") == 0))
		return api_reply_text(rq, 304, "application/json", "", 0);
	return api_reply_text(rq, 200, "application/json", app->openapi, app->openapi_len);
}
