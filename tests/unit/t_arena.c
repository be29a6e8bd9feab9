/* t_arena.c: request memory. */
#include "config.h"

#include <string.h>

#include "lib/arena.h"
#include "tests/unit/unit.h"

static int order[4], norder;
static void record(void *p)
{
	order[norder++] = *(int *)p;
}

START_TEST(alloc_is_aligned_and_usable)
{
	struct arena *a = arena_new(1024);
	char *p = arena_alloc(a, 3), *q = arena_alloc(a, 5);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)q % 16, 0);
	memset(p, 'x', 3);
	memset(q, 'y', 5);
	ck_assert_uint_eq(arena_used(a), 8);
	arena_free(a);
}
END_TEST

START_TEST(large_and_many_allocations_grow_then_reset)
{
	struct arena *a = arena_new(1024);
	char *big = arena_alloc(a, 100000);

	ck_assert_ptr_nonnull(big);
	memset(big, 1, 100000);
	for (int i = 0; i < 1000; i++)
		ck_assert_ptr_nonnull(arena_alloc(a, 100));
	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	ck_assert_ptr_nonnull(arena_alloc(a, 10));
	arena_free(a);
}
END_TEST

START_TEST(strings)
{
	struct arena *a = arena_new(1024);

	ck_assert_str_eq(arena_strdup(a, "hello"), "hello");
	ck_assert_str_eq(arena_strndup(a, "hello", 2), "he");
	ck_assert_str_eq(arena_printf(a, "%s-%d", "x", 42), "x-42");
	arena_free(a);
}
END_TEST

START_TEST(defers_run_last_first_at_reset)
{
	struct arena *a = arena_new(1024);
	int one = 1, two = 2;

	norder = 0;
	arena_defer(a, record, &one);
	arena_defer(a, record, &two);
	ck_assert_int_eq(norder, 0);
	arena_reset(a);
	ck_assert_int_eq(norder, 2);
	ck_assert_int_eq(order[0], 2);
	ck_assert_int_eq(order[1], 1);
	arena_free(a);
}
END_TEST

Suite *suite_arena(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("arena");

	tcase_add_test(tc, alloc_is_aligned_and_usable);
	tcase_add_test(tc, large_and_many_allocations_grow_then_reset);
	tcase_add_test(tc, strings);
	tcase_add_test(tc, defers_run_last_first_at_reset);
	suite_add_tcase(s, tc);
	return s;
}
