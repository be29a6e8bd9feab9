/* t_openapi.c: the API description's merge of route table and docs/openapi/ (handlers/openapi.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fcgi/router.h"
#include "handlers/fields.h"
#include "handlers/openapi.h"
#include "tests/unit/unit.h"

static int h_a(struct req *r)
{
	(void)r;
	return 0;
}

static const char *const colours[] = { "red", "blue", NULL };
static const struct field_spec thing_fields[] = {
	{ .name = "name",
	  .type = FT_STRING,
	  .required = true,
	  .min = 2,
	  .max = 9,
	  .charset = "-_" },
	{ .name = "note", .type = FT_TEXT, .max = 40 },
	{ .name = "size", .type = FT_INT, .min = 1, .max = 5, .schema = "{\"minimum\":2}" },
	{ .name = "colour", .type = FT_ENUM, .required = true, .allowed = colours },
	{ .name = "ami",
	  .type = FT_STRING,
	  .min = 1,
	  .max = 20,
	  .prefix = "ami-",
	  .null_invalid = true },
};
static const struct body_spec thing_body = { thing_fields, 5, true };

static const struct route table[] = {
	ROUTE(GET, "/things", h_a, READONLY, GENERAL, 0),
	ROUTE(POST, "/things", h_a, DEVELOPER, GENERAL, F_JSON, .body = &thing_body),
	ROUTE(GET, "/things/{id}", h_a, PUBLIC, NONE, 0),
};

#define BASE "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"}}"
#define OP   "{\"summary\":\"s\",\"responses\":{\"200\":{\"description\":\"ok\"}}}"

static char err[2048];

static struct json_object *build(const char *paths)
{
	const struct openapi_source src[] = { { "base.json", BASE },
		                              { "paths/t.json", paths },
		                              { NULL, NULL } };

	return openapi_build(table, sizeof(table) / sizeof(table[0]), src, err, sizeof(err));
}

static struct json_object *at(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "|", &save); o && k; k = strtok_r(NULL, "|", &save))
		if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	return o;
}

#define ALL "{\"GET /things\":" OP ",\"POST /things\":" OP ",\"GET /things/{id}\":" OP "}"

START_TEST(every_route_gets_its_operation)
{
	struct json_object *d = build(ALL), *sch;

	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_str_eq(json_object_get_string(at(d, "paths|/things/{id}|get|parameters")),
	                 "[ { \"name\": \"id\", \"in\": \"path\", \"schema\": { \"type\": "
	                 "\"string\" }, \"required\": true } ]");
	ck_assert_str_eq(json_object_get_string(at(d, "paths|/things|post|x-stratus-role")),
	                 "developer");
	/* A public route without F_IDENTIFY needs no credentials at all. */
	ck_assert_int_eq(json_object_array_length(at(d, "paths|/things/{id}|get|security")), 0);
	ck_assert(at(d, "paths|/things|post|responses|403") != NULL);
	ck_assert(at(d, "paths|/things|get|responses|403") == NULL);
	ck_assert(at(d, "paths|/things|get|responses|413") != NULL);
	ck_assert(at(d, "paths|/things/{id}|get|responses|401") == NULL);
	sch = at(d, "paths|/things|post|requestBody|content|application/json|schema");
	ck_assert_int_eq(json_object_get_int(at(sch, "properties|name|maxLength")), 9);
	ck_assert_int_eq(json_object_get_int(at(sch, "properties|name|minLength")), 2);
	ck_assert_str_eq(json_object_get_string(at(sch, "properties|name|pattern")),
	                 "^[A-Za-z0-9\\-_]*$");
	ck_assert_str_eq(json_object_get_string(at(sch, "properties|ami|pattern")),
	                 "^(?=ami\\-)[^\\x00-\\x1F\\x7F]*$");
	/* The check's own keyword wins over the derived bound; the other stays. */
	ck_assert_int_eq(json_object_get_int(at(sch, "properties|size|minimum")), 2);
	ck_assert_int_eq(json_object_get_int(at(sch, "properties|size|maximum")), 5);
	/* Optional and null-tolerant: null is allowed; null_invalid: it is not. */
	ck_assert_str_eq(json_object_get_string(at(sch, "properties|note|type")),
	                 "[ \"string\", \"null\" ]");
	ck_assert_str_eq(json_object_get_string(at(sch, "properties|ami|type")), "string");
	ck_assert_str_eq(json_object_get_string(at(sch, "required")), "[ \"name\", \"colour\" ]");
	ck_assert(!json_object_get_boolean(at(sch, "additionalProperties")));
	json_object_put(d);
}
END_TEST

START_TEST(a_route_without_operation_fails)
{
	ck_assert(build("{\"GET /things\":" OP ",\"POST /things\":" OP "}") == NULL);
	ck_assert_msg(strstr(err, "route GET /things/{id} has no operation") != NULL, "%s", err);
}
END_TEST

START_TEST(an_operation_without_route_fails)
{
	ck_assert(build("{\"GET /things\":" OP ",\"POST /things\":" OP ",\"GET /things/{id}\":" OP
	                ",\"DELETE /things/{id}\":" OP "}") == NULL);
	ck_assert_msg(strstr(err, "operation DELETE /things/{id} has no route") != NULL, "%s", err);
}
END_TEST

START_TEST(written_security_or_body_schema_fails)
{
	ck_assert(build("{\"GET /things\":{\"security\":[],\"responses\":{\"200\":{}}},"
	                "\"POST /things\":{\"requestBody\":{\"content\":{\"application/json\":"
	                "{\"schema\":{}}}},\"responses\":{\"201\":{}}},"
	                "\"GET /things/{id}\":{\"responses\":{\"404\":{}}}}") == NULL);
	ck_assert_msg(strstr(err, "GET /things: states security") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "POST /things: states a request schema") != NULL, "%s", err);
	ck_assert_msg(strstr(err, "GET /things/{id}: documents no success response") != NULL, "%s",
	              err);
}
END_TEST

START_TEST(the_real_table_and_docs_agree)
{
	size_t len = 0;
	char *doc = openapi_render(routes, nroutes, openapi_sources, &len, err, sizeof(err));

	ck_assert_msg(doc != NULL, "%s", err);
	ck_assert_uint_eq(strlen(doc), len);
	free(doc);
}
END_TEST

Suite *suite_openapi(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_route_gets_its_operation);
	tcase_add_test(tc, a_route_without_operation_fails);
	tcase_add_test(tc, an_operation_without_route_fails);
	tcase_add_test(tc, written_security_or_body_schema_fails);
	tcase_add_test(tc, the_real_table_and_docs_agree);
	suite_add_tcase(s, tc);
	return s;
}
