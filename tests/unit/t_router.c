/* t_router.c: patterns, parameters, trailing slash, 404/405 and Allow. */
#include "config.h"

#include <string.h>

#include "fcgi/auth.h"
#include "fcgi/router.h"
#include "tests/unit/unit.h"

static int h_a(struct req *rq)
{
	(void)rq;
	return 0;
}

static const struct route table[] = {
	ROUTE(GET, "/", h_a, PUBLIC, NONE, 0),
	ROUTE(GET, "/health", h_a, PUBLIC, NONE, 0),
	ROUTE(GET, "/builds", h_a, READONLY, GENERAL, 0),
	ROUTE(POST, "/builds", h_a, DEVELOPER, GENERAL, F_JSON),
	ROUTE(GET, "/builds/{uuid}", h_a, READONLY, GENERAL, 0),
	ROUTE(GET, "/builds/recent", h_a, READONLY, GENERAL, 0),
	ROUTE(POST, "/builds/{uuid}/state", h_a, DEVELOPER, GENERAL, F_JSON),
	ROUTE(DELETE, "/projects/{p}/units/{u}", h_a, ADMIN, GENERAL, 0),
};
#define N (sizeof(table) / sizeof(table[0]))

static const struct route *match(enum http_method m, const char *path, struct route_match *rm,
                                 enum route_result want)
{
	enum route_result r = router_match(table, N, m, path, rm);

	ck_assert_msg(r == want, "%s %s: got %d, want %d", http_method_name(m), path, r, want);
	return rm->route;
}

static void param_is(const struct route_match *m, size_t i, const char *name, const char *value)
{
	ck_assert_uint_gt(m->nparams, i);
	ck_assert_uint_eq(m->params[i].name_len, strlen(name));
	ck_assert(memcmp(m->params[i].name, name, strlen(name)) == 0);
	ck_assert_uint_eq(m->params[i].value_len, strlen(value));
	ck_assert(memcmp(m->params[i].value, value, strlen(value)) == 0);
}

START_TEST(literals_and_root)
{
	struct route_match m;

	ck_assert_ptr_eq(match(M_GET, "/", &m, ROUTE_FOUND), &table[0]);
	ck_assert_ptr_eq(match(M_GET, "/health", &m, ROUTE_FOUND), &table[1]);
	ck_assert_uint_eq(m.nparams, 0);
	match(M_GET, "/healthz", &m, ROUTE_NOT_FOUND);
	match(M_GET, "/health/x", &m, ROUTE_NOT_FOUND);
	match(M_GET, "//health", &m, ROUTE_NOT_FOUND);
	match(M_GET, "", &m, ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(trailing_slash_is_optional)
{
	struct route_match m;

	ck_assert_ptr_eq(match(M_GET, "/builds/", &m, ROUTE_FOUND), &table[2]);
	ck_assert_ptr_eq(match(M_POST, "/builds/", &m, ROUTE_FOUND), &table[3]);
	ck_assert_ptr_eq(match(M_GET, "/health/", &m, ROUTE_FOUND), &table[1]);
	match(M_GET, "/health//", &m, ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(params_are_captured)
{
	struct route_match m;

	ck_assert_ptr_eq(match(M_GET, "/builds/abc-123", &m, ROUTE_FOUND), &table[4]);
	param_is(&m, 0, "uuid", "abc-123");
	ck_assert_ptr_eq(match(M_POST, "/builds/u1/state/", &m, ROUTE_FOUND), &table[6]);
	param_is(&m, 0, "uuid", "u1");
	ck_assert_ptr_eq(match(M_DELETE, "/projects/p9/units/u7", &m, ROUTE_FOUND), &table[7]);
	param_is(&m, 0, "p", "p9");
	param_is(&m, 1, "u", "u7");
	/* An empty segment never satisfies a parameter. */
	match(M_GET, "/builds//state", &m, ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(literal_beats_parameter)
{
	struct route_match m;

	ck_assert_ptr_eq(match(M_GET, "/builds/recent", &m, ROUTE_FOUND), &table[5]);
	ck_assert_uint_eq(m.nparams, 0);
}
END_TEST

START_TEST(wrong_method_lists_allow)
{
	struct route_match m;
	char buf[96];

	match(M_DELETE, "/builds", &m, ROUTE_WRONG_METHOD);
	ck_assert_str_eq(router_allow(m.allow, buf, sizeof(buf)), "GET, HEAD, POST, OPTIONS");
	match(M_PUT, "/health", &m, ROUTE_WRONG_METHOD);
	ck_assert_str_eq(router_allow(m.allow, buf, sizeof(buf)), "GET, HEAD, OPTIONS");
	match(M_GET, "/builds/x/state", &m, ROUTE_WRONG_METHOD);
	ck_assert_str_eq(router_allow(m.allow, buf, sizeof(buf)), "POST, OPTIONS");
}
END_TEST

START_TEST(head_follows_get)
{
	struct route_match m;

	ck_assert_ptr_eq(match(M_HEAD, "/builds/abc", &m, ROUTE_FOUND), &table[4]);
	match(M_HEAD, "/builds/x/state", &m, ROUTE_WRONG_METHOD);
}
END_TEST

START_TEST(methods_parse)
{
	ck_assert_int_eq(http_method_parse("GET"), M_GET);
	ck_assert_int_eq(http_method_parse("OPTIONS"), M_OPTIONS);
	ck_assert_int_eq(http_method_parse("get"), M__MAX);
	ck_assert_int_eq(http_method_parse("BREW"), M__MAX);
}
END_TEST

START_TEST(roles_are_ordered_and_named)
{
	ck_assert_int_lt(ROLE_PUBLIC, ROLE_READONLY);
	ck_assert_int_lt(ROLE_READONLY, ROLE_DEVELOPER);
	ck_assert_int_lt(ROLE_DEVELOPER, ROLE_ADMIN);
	ck_assert_int_eq(role_parse("readonly"), ROLE_READONLY);
	ck_assert_int_eq(role_parse("developer"), ROLE_DEVELOPER);
	ck_assert_int_eq(role_parse("admin"), ROLE_ADMIN);
	ck_assert_int_eq(role_parse("public"), ROLE__MAX); /* never a grantable role */
	ck_assert_int_eq(role_parse("Admin"), ROLE__MAX);
	ck_assert_int_eq(role_parse(NULL), ROLE__MAX);
	ck_assert_str_eq(role_name(ROLE_DEVELOPER), "developer");
}
END_TEST

Suite *suite_router(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("router");

	tcase_add_test(tc, literals_and_root);
	tcase_add_test(tc, trailing_slash_is_optional);
	tcase_add_test(tc, params_are_captured);
	tcase_add_test(tc, literal_beats_parameter);
	tcase_add_test(tc, wrong_method_lists_allow);
	tcase_add_test(tc, head_follows_get);
	tcase_add_test(tc, methods_parse);
	tcase_add_test(tc, roles_are_ordered_and_named);
	suite_add_tcase(s, tc);
	return s;
}
