/* t_project.c: the pipeline's project step (fcgi/project.c) with a stub lookup. */
#include "config.h"

#include <string.h>

#include "fcgi/auth.h"
#include "fcgi/project.h"
#include "tests/unit/unit.h"

static struct app app;
static struct arena *arena;
static struct req rq;
static struct principal who;
static char *env[] = { "REQUEST_METHOD=GET", NULL };
static int lookups;

static int h_a(struct req *r)
{
	(void)r;
	return 0;
}

static const struct route r_read = ROUTE(GET, "/p/{project}", h_a, READONLY, GENERAL, F_PROJECT);
static const struct route r_dev = ROUTE(POST, "/p/{project}", h_a, DEVELOPER, GENERAL, F_PROJECT);

/* Project "alpha" (id 7): user 1 is a developer, user 2 a reader; "down": the store is away. */
static int stub_lookup(struct app *a, const char *slug, int64_t user_id, int64_t *id, int *role)
{
	(void)a;
	lookups++;
	if (strcmp(slug, "down") == 0)
		return PROJECT_UNAVAILABLE;
	if (strcmp(slug, "alpha") != 0 || (user_id != 1 && user_id != 2))
		return PROJECT_NONE;
	*id = 7;
	*role = user_id == 1 ? ROLE_DEVELOPER : ROLE_READONLY;
	return PROJECT_MEMBER;
}

static void setup(void)
{
	memset(&rq, 0, sizeof(rq));
	memset(&app, 0, sizeof(app));
	memset(&who, 0, sizeof(who));
	arena = arena_new(4096);
	app.project_lookup = stub_lookup;
	rq.app = &app;
	rq.arena = arena;
	rq.envp = env;
	util_uuid_v4(rq.request_id);
	who.role = ROLE_ADMIN;
	rq.who = &who;
	rq.route = &r_read;
	rq.param_names[0] = "project";
	rq.nparams = 1;
	lookups = 0;
}

static void teardown(void)
{
	arena_free(arena);
}

/* Resolves `slug` for `user`; returns the step's result. */
static int resolve(const char *slug, int64_t user)
{
	rq.param_values[0] = slug;
	who.user_id = user;
	return project_resolve(&rq);
}

START_TEST(member_gets_id_and_role)
{
	ck_assert_int_eq(resolve("alpha", 1), 0);
	ck_assert_int_eq(rq.project_id, 7);
	ck_assert_int_eq(rq.project_role, ROLE_DEVELOPER);
	ck_assert_int_eq(rq.status, 0);
}
END_TEST

START_TEST(non_member_is_404)
{
	ck_assert_int_eq(resolve("alpha", 3), -1);
	ck_assert_int_eq(rq.status, 404);
	ck_assert_int_eq(rq.project_id, 0);
}
END_TEST

START_TEST(unknown_project_is_the_same_404)
{
	ck_assert_int_eq(resolve("beta", 1), -1);
	ck_assert_int_eq(rq.status, 404);
	ck_assert_int_eq(rq.err, E_NOT_FOUND);
}
END_TEST

START_TEST(bad_slug_is_404_without_a_lookup)
{
	static const char *const bad[] = {
		"",      "-a",
		"Alpha", "a b",
		"a/b",   "a%00",
		"é",     "0123456789012345678901234567890123456789012345678901234567890123"
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(resolve(bad[i], 1), -1);
		ck_assert_int_eq(rq.status, 404);
		rq.status = 0;
	}
	ck_assert_int_eq(lookups, 0);
	ck_assert(project_slug_ok("a"));
	ck_assert(project_slug_ok("team-42"));
}
END_TEST

START_TEST(role_below_the_route_is_403)
{
	rq.route = &r_dev;
	ck_assert_int_eq(resolve("alpha", 2), -1);
	ck_assert_int_eq(rq.status, 403);
	ck_assert_int_eq(rq.project_id, 0);
}
END_TEST

START_TEST(caller_role_caps_the_project_role)
{
	/* A readonly key of a project developer cannot act as a developer. */
	who.role = ROLE_READONLY;
	rq.route = &r_dev;
	ck_assert_int_eq(resolve("alpha", 1), -1);
	ck_assert_int_eq(rq.status, 403);
}
END_TEST

START_TEST(no_user_is_404_and_store_down_is_503)
{
	ck_assert_int_eq(resolve("alpha", 0), -1);
	ck_assert_int_eq(rq.status, 404);
	rq.status = 0;
	ck_assert_int_eq(resolve("down", 1), -1);
	ck_assert_int_eq(rq.status, 503);
}
END_TEST

Suite *suite_project(void)
{
	Suite *s = suite_create("project");
	TCase *tc = tcase_create("resolve");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, member_gets_id_and_role);
	tcase_add_test(tc, non_member_is_404);
	tcase_add_test(tc, unknown_project_is_the_same_404);
	tcase_add_test(tc, bad_slug_is_404_without_a_lookup);
	tcase_add_test(tc, role_below_the_route_is_403);
	tcase_add_test(tc, caller_role_caps_the_project_role);
	tcase_add_test(tc, no_user_is_404_and_store_down_is_503);
	suite_add_tcase(s, tc);
	return s;
}
