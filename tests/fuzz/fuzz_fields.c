/*
 * fuzz_fields.c: arbitrary JSON bodies through every route's declared body
 * (routes[].body), and through one spec that has every field type, the way
 * the pipeline hands them over: parsed by json_parse_strict first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fcgi/app.h"
#include "fcgi/http.h"
#include "fcgi/router.h"
#include "handlers/fields.h"
#include "lib/arena.h"
#include "lib/json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char *const kinds[] = { "a", "b", NULL };

static const struct field_spec inner_fields[] = {
	{ .name = "region",
	  .type = FT_STRING,
	  .required = true,
	  .min = 1,
	  .max = 8,
	  .charset = "-_" },
	{ .name = "n", .type = FT_INT, .min = -5, .max = 5 },
};
static const struct body_spec inner_body = BODY_SPEC(inner_fields, .strict = true);

static const struct field_spec every_fields[] = {
	{ .name = "s", .type = FT_STRING, .min = 1, .max = 4 },
	{ .name = "t", .type = FT_TEXT },
	{ .name = "i", .type = FT_INT },
	{ .name = "b", .type = FT_BOOL },
	{ .name = "k", .type = FT_ENUM, .allowed = kinds },
	{ .name = "m", .type = FT_EMAIL },
	{ .name = "o", .type = FT_OBJECT, .nested = &inner_body },
	{ .name = "l", .type = FT_STRLIST, .min = 0, .max = 3, .max_items = 4, .charset = "." },
};
static const struct body_spec every_body = BODY_SPEC(every_fields, .strict = true);

/* Reads `json` by `spec`; a clean read must have every required field set. */
static void one(struct json_object *json, const struct body_spec *spec)
{
	struct app app;
	struct req rq;
	struct fields f;
	struct field_value *v;
	size_t failed;

	memset(&app, 0, sizeof(app));
	memset(&rq, 0, sizeof(rq));
	rq.app = &app;
	if ((rq.arena = arena_new(4096)) == NULL)
		return;
	rq.json = json;
	f = (struct fields){ &rq, NULL };
	if ((v = calloc(spec->nfields + 1, sizeof(*v))) == NULL)
		abort();
	failed = fields_collect(&f, NULL, NULL, spec, v);
	if (failed != fields_failed(&f))
		abort();
	for (size_t i = 0; failed == 0 && i < spec->nfields; i++)
		if (spec->fields[i].required && !v[i].set)
			abort();
	/* The 400 the handler would answer, rendered. */
	if (fields_done(&f) != (failed ? -1 : 0) || (failed && rq.status != 400))
		abort();
	free(v);
	arena_free(rq.arena);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 1), why[160];
	struct json_object *o = NULL;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0'; /* the body reader's guarantee */
	if (json_parse_strict(buf, size, &o, why, sizeof(why)) == 0) {
		for (size_t r = 0; r < nroutes; r++)
			if (routes[r].body != NULL)
				one(o, routes[r].body);
		one(o, &every_body);
		json_object_put(o);
	}
	free(buf);
	return 0;
}
