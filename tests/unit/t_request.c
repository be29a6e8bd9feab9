/* t_request.c: reading the CGI environment: headers, query, params, ids. */
#include "config.h"

#include <string.h>

#include <json-c/json.h>

#include "fcgi/http.h"
#include "tests/unit/unit.h"

static struct app app;
static struct arena *arena;
static struct req rq;
static char *env[] = {
	"REQUEST_METHOD=GET",
	"HTTP_X_REQUEST_ID=abc-1",
	"CONTENT_TYPE=application/json",
	"HTTP_X_API_KEY=k",
	NULL,
};

static void setup(void)
{
	memset(&rq, 0, sizeof(rq));
	memset(&app, 0, sizeof(app));
	arena = arena_new(4096);
	rq.app = &app;
	rq.arena = arena;
	rq.envp = env;
	util_uuid_v4(rq.request_id);
}

static void teardown(void)
{
	arena_free(arena);
}

START_TEST(headers_map_to_cgi_variables)
{
	ck_assert_str_eq(rq_header(&rq, "X-Request-ID"), "abc-1");
	ck_assert_str_eq(rq_header(&rq, "x-api-key"), "k");
	ck_assert_str_eq(rq_header(&rq, "Content-Type"), "application/json");
	ck_assert_ptr_null(rq_header(&rq, "Authorization"));
	ck_assert_str_eq(rq_env(&rq, "REQUEST_METHOD"), "GET");
}
END_TEST

START_TEST(query_parameters_decode)
{
	rq.query = "limit=20&name=a%20b+c&flag&empty=&enc=%2Fx&nul=%00";
	ck_assert_str_eq(rq_query(&rq, "limit"), "20");
	ck_assert_str_eq(rq_query(&rq, "name"), "a b c");
	ck_assert_str_eq(rq_query(&rq, "flag"), "");
	ck_assert_str_eq(rq_query(&rq, "empty"), "");
	ck_assert_str_eq(rq_query(&rq, "enc"), "/x");
	ck_assert_ptr_null(rq_query(&rq, "nul"));
	ck_assert_ptr_null(rq_query(&rq, "lim"));
	ck_assert_ptr_null(rq_query(&rq, "missing"));
}
END_TEST

START_TEST(query_integers_are_bounded)
{
	int64_t v;

	rq.query = "limit=20&bad=2x&big=1000";
	ck_assert_int_eq(rq_query_int_or_error(&rq, "limit", 1, 100, 5, &v), 0);
	ck_assert_int_eq(v, 20);
	ck_assert_int_eq(rq_query_int_or_error(&rq, "absent", 1, 100, 5, &v), 0);
	ck_assert_int_eq(v, 5);
	ck_assert_int_eq(rq_query_int_or_error(&rq, "big", 1, 100, 5, &v), -1);
	ck_assert_int_eq(rq.status, 400);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(rq.resp, "message")),
	                 "big: must be an integer from 1 to 100");
	arena_reset(arena);
}
END_TEST

START_TEST(route_params)
{
	rq.nparams = 1;
	rq.param_names[0] = "uuid";
	rq.param_values[0] = "u-1";
	ck_assert_str_eq(rq_param(&rq, "uuid"), "u-1");
	ck_assert_ptr_null(rq_param(&rq, "id"));
}
END_TEST

START_TEST(request_ids_and_integers)
{
	char id[UUID_LEN + 1];
	int64_t v;

	ck_assert(util_request_id_ok("abc-DEF_1.2:3"));
	ck_assert(!util_request_id_ok(""));
	ck_assert(!util_request_id_ok("a b"));
	ck_assert(!util_request_id_ok("x\r\nSet-Cookie: y"));
	ck_assert(!util_request_id_ok(
	        "0123456789012345678901234567890123456789012345678901234567890123456789"));
	util_uuid_v4(id);
	ck_assert_uint_eq(strlen(id), 36);
	ck_assert_int_eq(id[14], '4');
	ck_assert(util_request_id_ok(id));
	ck_assert_int_eq(util_parse_int64("42", 0, 100, &v), 0);
	ck_assert_int_eq(util_parse_int64("-1", 0, 100, &v), -1);
	ck_assert_int_eq(util_parse_int64(" 4", 0, 100, &v), -1);
	ck_assert_int_eq(util_parse_int64("4 ", 0, 100, &v), -1);
	ck_assert_int_eq(util_parse_int64("99999999999999999999", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(util_parse_int64("", 0, 100, &v), -1);
}
END_TEST

Suite *suite_request(void)
{
	Suite *s = suite_create("request");
	TCase *tc = tcase_create("request");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, headers_map_to_cgi_variables);
	tcase_add_test(tc, query_parameters_decode);
	tcase_add_test(tc, query_integers_are_bounded);
	tcase_add_test(tc, route_params);
	tcase_add_test(tc, request_ids_and_integers);
	suite_add_tcase(s, tc);
	return s;
}
