/* t_fields.c: declared bodies (handlers/fields.h): each type, bounds, paths, collection. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fcgi/app.h"
#include "fcgi/http.h"
#include "handlers/fields.h"
#include "lib/arena.h"
#include "lib/password.h"
#include "tests/unit/unit.h"

static struct app app;
static struct arena *arena;
static struct req rq;

static void setup(void)
{
	memset(&rq, 0, sizeof(rq));
	memset(&app, 0, sizeof(app));
	arena = arena_new(4096);
	rq.app = &app;
	rq.arena = arena;
}

static void teardown(void)
{
	json_object_put(rq.json);
	arena_free(arena);
}

static const char *const colours[] = { "red", "green", NULL };

static const struct field_spec region_fields[] = {
	{ .name = "region",
	  .type = FT_STRING,
	  .required = true,
	  .min = 1,
	  .max = 8,
	  .charset = "-_" },
	{ .name = "zones", .type = FT_INT, .min = 1, .max = 3 },
};
static const struct body_spec region_body = BODY_SPEC(region_fields, .strict = true);

static bool even(struct fields *f, const char *path, const struct field_value *v)
{
	if (v->i % 2 == 0)
		return true;
	field_fail(f, path, "must be even");
	return false;
}

/* Nothing required, unknown names ignored: each case sets one field. */
static const struct field_spec all_fields[] = {
	{ .name = "s", .type = FT_STRING, .min = 2, .max = 4 },
	{ .name = "one", .type = FT_STRING, .min = 1, .max = 3 },
	{ .name = "fixed", .type = FT_STRING, .min = 2, .max = 2 },
	{ .name = "t", .type = FT_TEXT, .min = 0, .max = 10 },
	{ .name = "id", .type = FT_STRING, .min = 1, .max = 8, .charset = "-_" },
	{ .name = "user", .type = FT_STRING, .min = 3, .max = 64, .charset = "._-" },
	{ .name = "n", .type = FT_INT, .min = 1, .max = 10 },
	{ .name = "any", .type = FT_INT },
	{ .name = "ev", .type = FT_INT, .min = 0, .max = 100, .check = even },
	{ .name = "b", .type = FT_BOOL },
	{ .name = "c", .type = FT_ENUM, .allowed = colours },
	{ .name = "m", .type = FT_EMAIL },
	{ .name = "provider_config", .type = FT_OBJECT, .nested = &region_body },
	{ .name = "tags", .type = FT_STRLIST, .min = 1, .max = 3, .max_items = 2 },
};
static const struct body_spec all_body = BODY_SPEC(all_fields);

/* A check that takes any value: a JSON array of exactly two items. */
static bool pair(struct fields *f, const char *path, const struct field_value *v)
{
	if (json_object_is_type(v->o, json_type_array) && json_object_array_length(v->o) == 2)
		return true;
	field_fail(f, path, "must be a pair");
	return false;
}

/* Prefixes, one message for every rule of a string, and values a check reads whole. */
static const struct field_spec cloud_fields[] = {
	{ .name = "ami",
	  .type = FT_STRING,
	  .min = 1,
	  .max = 8,
	  .charset = "._:-",
	  .prefix = "ami-",
	  .string_message = "must be 1 to 8 letters, digits, '.', '_', ':' or '-'" },
	{ .name = "sub", .type = FT_STRING, .min = 1, .max = 10, .prefix = "subnet-" },
	{ .name = "ids", .type = FT_STRLIST, .min = 1, .max = 8, .max_items = 3, .prefix = "sg-" },
	{ .name = "raw", .type = FT_JSON },
	{ .name = "two", .type = FT_JSON, .check = pair },
};
static const struct body_spec cloud_body = BODY_SPEC(cloud_fields);

static const struct field_spec req_fields[] = {
	{ .name = "name", .type = FT_STRING, .required = true, .min = 1, .max = 10 },
	{ .name = "size", .type = FT_INT, .required = true, .min = 0, .max = 5 },
};
static const struct body_spec req_body = BODY_SPEC(req_fields, .strict = true);

/* "mail" is an alternative to "ident", read only when "ident" is not valid. */
static const struct field_spec alt_fields[] = {
	{ .name = "ident", .type = FT_STRING, .min = 1, .max = 4 },
	{ .name = "mail", .type = FT_EMAIL, .unless = "ident" },
	FIELD_USERNAME("user"),
	FIELD_PASSWORD("pw", true),
};
static const struct body_spec alt_body = BODY_SPEC(alt_fields, .strict = true);

static const struct {
	const struct body_spec *spec;
	const char *body;
	const char *want; /* "field: message" joined by "|", "" when valid */
} cases[] = {
	/* strings: type, bounds +-1, control characters, characters not bytes */
	{ &all_body, "{\"s\":\"ab\"}", "" },
	{ &all_body, "{\"s\":\"abcd\"}", "" },
	{ &all_body, "{\"s\":\"a\"}", "s: must be 2 to 4 characters" },
	{ &all_body, "{\"s\":\"abcde\"}", "s: must be 2 to 4 characters" },
	{ &all_body, "{\"s\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", "" },
	{ &all_body, "{\"s\":5}", "s: must be a string" },
	{ &all_body, "{\"s\":[\"ab\"]}", "s: must be a string" },
	{ &all_body, "{\"s\":\"a\\u0001b\"}", "s: must not contain control characters" },
	{ &all_body, "{\"s\":\"ab\\u007f\"}", "s: must not contain control characters" },
	{ &all_body, "{\"s\":null}", "" },
	{ &all_body, "{\"one\":\"\"}", "one: must not be empty" },
	{ &all_body, "{\"fixed\":\"abc\"}", "fixed: must be 2 characters" },
	{ &all_body, "{\"t\":\"a\\tb\\nc\\r\"}", "" },
	{ &all_body, "{\"t\":\"\"}", "" },
	{ &all_body, "{\"t\":\"a\\u0000b\"}", "t: must not contain control characters" },
	{ &all_body, "{\"t\":\"01234567890\"}", "t: must be 0 to 10 characters" },
	/* charsets */
	{ &all_body, "{\"id\":\"a-B_9\"}", "" },
	{ &all_body, "{\"id\":\"a.b\"}", "id: may contain only letters, digits, '-' and '_'" },
	{ &all_body, "{\"id\":\"\xc3\xa9\"}", "id: may contain only letters, digits, '-' and '_'" },
	{ &all_body, "{\"user\":\"a.b_c-d\"}", "" },
	{ &all_body, "{\"user\":\"a@b.c\"}",
	  "user: may contain only letters, digits, '.', '_' and '-'" },
	/* integers: bounds +-1, type, no bounds, own rule */
	{ &all_body, "{\"n\":1}", "" },
	{ &all_body, "{\"n\":10}", "" },
	{ &all_body, "{\"n\":0}", "n: must be from 1 to 10" },
	{ &all_body, "{\"n\":11}", "n: must be from 1 to 10" },
	{ &all_body, "{\"n\":\"5\"}", "n: must be an integer" },
	{ &all_body, "{\"n\":1.5}", "n: must be an integer" },
	{ &all_body, "{\"n\":true}", "n: must be an integer" },
	{ &all_body, "{\"any\":-9223372036854775808}", "" },
	{ &all_body, "{\"ev\":4}", "" },
	{ &all_body, "{\"ev\":3}", "ev: must be even" },
	{ &all_body, "{\"ev\":101}", "ev: must be from 0 to 100" },
	/* booleans */
	{ &all_body, "{\"b\":false}", "" },
	{ &all_body, "{\"b\":1}", "b: must be true or false" },
	{ &all_body, "{\"b\":\"true\"}", "b: must be true or false" },
	/* enums */
	{ &all_body, "{\"c\":\"green\"}", "" },
	{ &all_body, "{\"c\":\"blue\"}", "c: must be one of: red, green" },
	{ &all_body, "{\"c\":\"\"}", "c: must not be empty" },
	{ &all_body, "{\"c\":1}", "c: must be a string" },
	/* emails */
	{ &all_body, "{\"m\":\"a@b.co\"}", "" },
	{ &all_body, "{\"m\":\"a@b\"}", "m: must be an email address" },
	{ &all_body, "{\"m\":\"@b.co\"}", "m: must be an email address" },
	{ &all_body, "{\"m\":\"a b@c.de\"}", "m: must be an email address" },
	{ &all_body, "{\"m\":\"ab\"}", "m: must be 3 to 254 characters" },
	/* nested objects name their fields with a path */
	{ &all_body, "{\"provider_config\":{\"region\":\"eu-1\",\"zones\":3}}", "" },
	{ &all_body, "{\"provider_config\":{\"region\":\"eu 1\"}}",
	  "provider_config.region: may contain only letters, digits, '-' and '_'" },
	{ &all_body, "{\"provider_config\":{}}", "provider_config.region: is required" },
	{ &all_body, "{\"provider_config\":{\"region\":\"a\",\"zones\":4,\"x\":1}}",
	  "provider_config.zones: must be from 1 to 3|provider_config.x: is not a known field" },
	{ &all_body, "{\"provider_config\":3}", "provider_config: must be an object" },
	{ &all_body, "{\"provider_config\":[]}", "provider_config: must be an object" },
	/* string lists: items named by index, count bounded */
	{ &all_body, "{\"tags\":[]}", "" },
	{ &all_body, "{\"tags\":[\"a\",\"abc\"]}", "" },
	{ &all_body, "{\"tags\":[\"a\",\"b\",\"c\"]}", "tags: must have at most 2 items" },
	{ &all_body, "{\"tags\":[\"a\",3]}", "tags[1]: must be a string" },
	{ &all_body, "{\"tags\":[\"\",\"abcd\"]}",
	  "tags[0]: must not be empty|tags[1]: must be 1 to 3 characters" },
	{ &all_body, "{\"tags\":\"a\"}", "tags: must be an array of strings" },
	/* prefixes, and one message for every rule of a string */
	{ &cloud_body, "{\"ami\":\"ami-1.:b\"}", "" },
	{ &cloud_body, "{\"ami\":\"1234\"}", "ami: must start with 'ami-'" },
	{ &cloud_body, "{\"ami\":\"\"}",
	  "ami: must be 1 to 8 letters, digits, '.', '_', ':' or '-'" },
	{ &cloud_body, "{\"ami\":\"ami-12345\"}",
	  "ami: must be 1 to 8 letters, digits, '.', '_', ':' or '-'" },
	{ &cloud_body, "{\"ami\":\"ami 1\"}",
	  "ami: must be 1 to 8 letters, digits, '.', '_', ':' or '-'" },
	{ &cloud_body, "{\"ami\":\"ami\\u00011\"}",
	  "ami: must be 1 to 8 letters, digits, '.', '_', ':' or '-'" },
	{ &cloud_body, "{\"ami\":\"ami-\xc3\xa9\"}",
	  "ami: must be 1 to 8 letters, digits, '.', '_', ':' or '-'" },
	{ &cloud_body, "{\"ami\":5}", "ami: must be a string" },
	{ &cloud_body, "{\"sub\":\"subnet-1\"}", "" },
	{ &cloud_body, "{\"sub\":\"sg-1\"}", "sub: must start with 'subnet-'" },
	{ &cloud_body, "{\"sub\":\"subnet-1234\"}", "sub: must be 1 to 10 characters" },
	{ &cloud_body, "{\"ids\":[\"sg-1\",\"x\"]}", "ids[1]: must start with 'sg-'" },
	/* FT_JSON: any value but null, its check is its rule */
	{ &cloud_body, "{\"raw\":[1,{\"a\":null}],\"two\":[1,\"b\"]}", "" },
	{ &cloud_body, "{\"raw\":null,\"two\":null}", "" },
	{ &cloud_body, "{\"raw\":\"\",\"two\":{}}", "two: must be a pair" },
	{ &cloud_body, "{\"two\":[1]}", "two: must be a pair" },
	/* unknown names: ignored unless the body is strict */
	{ &all_body, "{\"zzz\":1}", "" },
	{ &req_body, "{\"name\":\"x\",\"size\":0,\"zzz\":1}", "zzz: is not a known field" },
	/* required: missing, null, and several failures in table order */
	{ &req_body, "{\"name\":\"x\",\"size\":5}", "" },
	{ &req_body, "{}", "name: is required|size: is required" },
	{ &req_body, "{\"name\":null,\"size\":6}", "name: is required|size: must be from 0 to 5" },
	{ &req_body, "{\"size\":-1,\"name\":\"01234567890\"}",
	  "name: must be 1 to 10 characters|size: must be from 0 to 5" },
	{ &req_body, "[1]", "name: is required|size: is required" },
	/* alternatives (unless): the other one is not read when the first is valid */
	{ &alt_body, "{\"ident\":\"ab\",\"mail\":5,\"pw\":\"x\"}", "" },
	{ &alt_body, "{\"mail\":\"a@b.co\",\"pw\":\"x\"}", "" },
	{ &alt_body, "{\"mail\":5,\"pw\":\"x\"}", "mail: must be a string" },
	{ &alt_body, "{\"ident\":\"abcde\",\"mail\":5,\"pw\":\"x\"}",
	  "ident: must be 1 to 4 characters|mail: must be a string" },
	{ &alt_body, "{\"ident\":null,\"mail\":\"nope\",\"pw\":\"x\"}",
	  "mail: must be an email address" },
	/* the shared rows: usernames and passwords */
	{ &alt_body, "{\"user\":\"a.b_c-9\",\"pw\":\"x\"}", "" },
	{ &alt_body, "{\"user\":\"ab\",\"pw\":\"x\"}", "user: must be 3 to 64 characters" },
	{ &alt_body, "{\"user\":\"a@b.co\",\"pw\":\"x\"}",
	  "user: may contain only letters, digits, '.', '_' and '-'" },
	{ &alt_body, "{\"pw\":\"\"}", "pw: must not be empty" },
	{ &alt_body, "{}", "pw: is required" },
	{ &all_body, "{\"s\":1,\"n\":0,\"b\":0,\"c\":\"x\",\"tags\":[1]}",
	  "s: must be a string|n: must be from 1 to 10|b: must be true or false|"
	  "c: must be one of: red, green|tags[0]: must be a string" },
};

static void errors_text(struct json_object *errors, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; errors != NULL && i < json_object_array_length(errors); i++) {
		struct json_object *e = json_object_array_get_idx(errors, i);

		o += (size_t)snprintf(buf + o, size - o, "%s%s: %s", i ? "|" : "",
		                      json_object_get_string(json_object_object_get(e, "field")),
		                      json_object_get_string(json_object_object_get(e, "message")));
		ck_assert_uint_lt(o, size);
	}
}

START_TEST(table)
{
	struct fields f = { &rq, NULL };
	struct field_value out[16];
	char got[1024];
	size_t n;

	rq.json = json_tokener_parse(cases[_i].body);
	ck_assert_msg(rq.json != NULL, "case %d does not parse", _i);
	n = fields_collect(&f, NULL, NULL, cases[_i].spec, out);
	errors_text(f.errors, got, sizeof(got));
	ck_assert_msg(strcmp(got, cases[_i].want) == 0, "%s: got \"%s\", want \"%s\"",
	              cases[_i].body, got, cases[_i].want);
	ck_assert_uint_eq(n, fields_failed(&f));
}
END_TEST

START_TEST(values_land_in_their_slots)
{
	struct fields f = { &rq, NULL };
	struct field_value v[16];

	rq.json = json_tokener_parse("{\"s\":\"abc\",\"n\":7,\"b\":true,\"c\":\"red\","
	                             "\"provider_config\":{\"region\":\"eu\",\"zones\":2},"
	                             "\"tags\":[\"x\",\"yz\"]}");
	ck_assert_uint_eq(fields_collect(&f, NULL, NULL, &all_body, v), 0);
	ck_assert(v[0].set);
	ck_assert_str_eq(v[0].s, "abc");
	ck_assert(!v[1].set);
	ck_assert(v[6].set);
	ck_assert_int_eq(v[6].i, 7);
	ck_assert(v[9].set && v[9].b);
	ck_assert_str_eq(v[10].s, "red");
	ck_assert(v[12].set);
	ck_assert_str_eq(v[12].sub[0].s, "eu");
	ck_assert_int_eq(v[12].sub[1].i, 2);
	ck_assert_uint_eq(v[13].n, 2);
	ck_assert_str_eq(v[13].list[1], "yz");
	ck_assert_ptr_null(v[13].list[2]);
}
END_TEST

START_TEST(json_values_are_borrowed_from_the_body)
{
	struct fields f = { &rq, NULL };
	struct field_value v[5];

	rq.json = json_tokener_parse("{\"raw\":{\"k\":[true]},\"two\":[\"a\",2]}");
	ck_assert_uint_eq(fields_collect(&f, NULL, NULL, &cloud_body, v), 0);
	ck_assert(v[3].set && v[4].set);
	ck_assert_ptr_eq(v[3].o, json_object_object_get(rq.json, "raw"));
	ck_assert_ptr_eq(v[4].o, json_object_object_get(rq.json, "two"));
	ck_assert(!v[0].set && !v[1].set && !v[2].set);
}
END_TEST

START_TEST(fields_read_answers_400_with_every_failure)
{
	struct field_value v[2];
	struct json_object *d, *errors;

	rq.json = json_tokener_parse("{\"size\":9}");
	ck_assert_int_eq(fields_read(&rq, NULL, &req_body, v), -1);
	ck_assert_int_eq(rq.status, 400);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(rq.resp, "message")),
	                 "name: is required (and 1 more)");
	d = json_object_object_get(rq.resp, "details");
	errors = json_object_object_get(d, "errors");
	ck_assert_uint_eq(json_object_array_length(errors), 2);

	json_object_put(rq.json);
	rq.json = json_tokener_parse("{\"name\":\"a\",\"size\":1}");
	rq.status = 0;
	ck_assert_int_eq(fields_read(&rq, NULL, &req_body, v), 0);
	ck_assert_int_eq(rq.status, 0);
	ck_assert_str_eq(v[0].s, "a");
}
END_TEST

START_TEST(alternative_not_taken_is_unset)
{
	struct fields f = { &rq, NULL };
	struct field_value v[4];
	char *pw = calloc(1, PASSWORD_MAX_LEN + 2);

	memset(pw, 'a', PASSWORD_MAX_LEN);
	rq.json = json_tokener_parse("{\"ident\":\"ab\",\"mail\":\"a@b.co\"}");
	json_object_object_add(rq.json, "pw", json_object_new_string(pw));
	ck_assert_uint_eq(fields_collect(&f, NULL, NULL, &alt_body, v), 0);
	ck_assert(v[0].set);
	ck_assert(!v[1].set);
	ck_assert_ptr_null(v[1].s);
	ck_assert(v[3].set);
	pw[PASSWORD_MAX_LEN] = 'a'; /* one character over */
	json_object_object_add(rq.json, "pw", json_object_new_string(pw));
	ck_assert_uint_eq(fields_collect(&f, NULL, NULL, &alt_body, v), 1);
	ck_assert(!v[3].set);
	free(pw);
}
END_TEST

/* One field of each kind read alone keeps its message (what handlers read before specs). */
static const char *const ab[] = { "a", "b", NULL };
static const struct field_spec kinds_fields[] = {
	{ .name = "s", .type = FT_STRING, .required = true, .min = 2, .max = 5 },
	FIELD_USERNAME("u"),
	{ .name = "id", .type = FT_STRING, .required = true, .min = 1, .max = 8, .charset = "-_" },
	{ .name = "n", .type = FT_INT, .required = true, .min = 0, .max = 5 },
	{ .name = "b", .type = FT_BOOL, .required = true },
	{ .name = "e", .type = FT_ENUM, .required = true, .allowed = ab },
	{ .name = "m", .type = FT_EMAIL, .required = true },
	{ .name = "t", .type = FT_TEXT, .required = true, .min = 1, .max = 5 },
	{ .name = "t", .type = FT_STRING, .required = true, .min = 1, .max = 5 },
	{ .name = "missing", .type = FT_STRING, .required = true, .min = 1, .max = 5 },
	{ .name = "missing2", .type = FT_STRING, .min = 1, .max = 5 },
};
static const struct body_spec kinds_body = BODY_SPEC(kinds_fields);

START_TEST(one_field_of_each_kind)
{
	struct field_value v[sizeof(kinds_fields) / sizeof(kinds_fields[0])];
	struct fields f = { &rq, NULL };
	char got[1024];

	rq.json = json_tokener_parse("{\"s\":\"x\",\"u\":\"a@b\",\"id\":\"ok-1\",\"n\":3,"
	                             "\"b\":true,\"e\":\"c\",\"m\":\"x@y.z\",\"t\":\"a\\nb\"}");
	ck_assert_uint_eq(fields_collect(&f, NULL, NULL, &kinds_body, v), 5);
	ck_assert(!v[0].set && !v[1].set);
	ck_assert_str_eq(v[2].s, "ok-1");
	ck_assert(v[3].set);
	ck_assert_int_eq(v[3].i, 3);
	ck_assert(v[4].set && v[4].b);
	ck_assert(!v[5].set);
	ck_assert_str_eq(v[6].s, "x@y.z");
	ck_assert_str_eq(v[7].s, "a\nb");
	ck_assert(!v[8].set && !v[9].set && !v[10].set);
	errors_text(f.errors, got, sizeof(got));
	ck_assert_str_eq(got, "s: must be 2 to 5 characters|"
	                      "u: may contain only letters, digits, '.', '_' and '-'|"
	                      "e: must be one of: a, b|t: must not contain control characters|"
	                      "missing: is required");
	ck_assert_int_eq(fields_done(&f), -1);
	ck_assert_int_eq(rq.status, 400);
}
END_TEST

/* Bodies that keep a wording of their own: .message, .item_message, .null_invalid. */
static bool lower(struct fields *f, const char *path, const struct field_value *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (strpbrk(v->list[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL) {
			field_fail(f, path, "each name must be lower case");
			return false;
		}
	return true;
}

static bool small(struct fields *f, const char *path, const struct field_value *v)
{
	if (json_object_object_length(v->o) <= 1)
		return true;
	field_fail(f, path, "must have at most one member");
	return false;
}

static const struct field_spec worded_fields[] = {
	{ .name = "o", .type = FT_OBJECT, .message = "must be a JSON object", .check = small },
	{ .name = "n", .type = FT_INT, .min = 1, .max = 3, .message = "must be 1, 2 or 3" },
	{ .name = "names",
	  .type = FT_STRLIST,
	  .min = 1,
	  .max = 4,
	  .max_items = 2,
	  .message = "must be an array of up to 2 names",
	  .item_message = "each name must be 1-4 characters",
	  .check = lower },
	{ .name = "tags", .type = FT_STRLIST, .max_items = 2, .item_message = "bad tag" },
	{ .name = "b", .type = FT_BOOL, .null_invalid = true },
	{ .name = "r", .type = FT_OBJECT, .nested = &region_body, .message = "must be a region" },
	{ .name = "s",
	  .type = FT_STRING,
	  .required = true,
	  .null_invalid = true,
	  .message = "bad s" },
};
static const struct body_spec worded_body = BODY_SPEC(worded_fields);

static const struct {
	const char *body;
	const char *want;
} worded_cases[] = {
	{ "{\"s\":\"x\"}", "" },
	{ "{}", "s: is required" },
	{ "{\"s\":null}", "s: bad s" },
	{ "{\"s\":\"a\\u0001\"}", "s: bad s" },
	{ "{\"s\":\"x\",\"o\":{\"a\":1}}", "" },
	{ "{\"s\":\"x\",\"o\":[1]}", "o: must be a JSON object" },
	{ "{\"s\":\"x\",\"o\":null}", "" },
	{ "{\"s\":\"x\",\"o\":{\"a\":1,\"b\":2}}", "o: must have at most one member" },
	{ "{\"s\":\"x\",\"n\":0}", "n: must be 1, 2 or 3" },
	{ "{\"s\":\"x\",\"n\":\"2\"}", "n: must be 1, 2 or 3" },
	{ "{\"s\":\"x\",\"names\":[\"ab\",\"c\"]}", "" },
	{ "{\"s\":\"x\",\"names\":\"ab\"}", "names: must be an array of up to 2 names" },
	{ "{\"s\":\"x\",\"names\":[\"a\",\"b\",\"c\"]}",
	  "names: must be an array of up to 2 names" },
	{ "{\"s\":\"x\",\"names\":[1,\"abcde\"]}", "names: each name must be 1-4 characters" },
	{ "{\"s\":\"x\",\"names\":[\"\"]}", "names: each name must be 1-4 characters" },
	{ "{\"s\":\"x\",\"names\":[\"ab\",\"Cd\"]}", "names: each name must be lower case" },
	{ "{\"s\":\"x\",\"tags\":[\"a\",2,3]}", "tags: must have at most 2 items" },
	{ "{\"s\":\"x\",\"tags\":[2,3]}", "tags: bad tag" },
	{ "{\"s\":\"x\",\"b\":true}", "" },
	{ "{\"s\":\"x\",\"b\":null}", "b: must be true or false" },
	{ "{\"s\":\"x\",\"r\":5}", "r: must be a region" },
	/* nested fields keep their own failures under .message */
	{ "{\"s\":\"x\",\"r\":{\"zones\":9}}",
	  "r.region: is required|r.zones: must be from 1 to 3" },
	{ "{\"s\":1,\"o\":2,\"n\":4,\"names\":[\"X\"],\"b\":null}",
	  "o: must be a JSON object|n: must be 1, 2 or 3|names: each name must be lower case|"
	  "b: must be true or false|s: bad s" },
};

START_TEST(worded)
{
	struct fields f = { &rq, NULL };
	struct field_value out[8];
	char got[1024];
	size_t n;

	rq.json = json_tokener_parse(worded_cases[_i].body);
	ck_assert_msg(rq.json != NULL, "case %d does not parse", _i);
	n = fields_collect(&f, NULL, NULL, &worded_body, out);
	errors_text(f.errors, got, sizeof(got));
	ck_assert_msg(strcmp(got, worded_cases[_i].want) == 0, "%s: got \"%s\", want \"%s\"",
	              worded_cases[_i].body, got, worded_cases[_i].want);
	ck_assert_uint_eq(n, fields_failed(&f));
	if (n == 0)
		ck_assert(out[6].set);
}
END_TEST

Suite *suite_fields(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("fields");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, values_land_in_their_slots);
	tcase_add_test(tc, json_values_are_borrowed_from_the_body);
	tcase_add_test(tc, fields_read_answers_400_with_every_failure);
	tcase_add_test(tc, one_field_of_each_kind);
	tcase_add_test(tc, alternative_not_taken_is_unset);
	tcase_add_loop_test(tc, worded, 0, (int)(sizeof(worded_cases) / sizeof(worded_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
