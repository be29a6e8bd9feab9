/* t_shmcount.c: the host-shared rate-limit counters: counting, sharing, windows, a full table. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/shmcount.h"
#include "tests/unit/unit.h"

static char path[64];

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/t_shmcount.%ld", (long)getpid());
	unlink(path);
}

static void teardown(void)
{
	unlink(path);
}

static struct shmcount *open_ok(void)
{
	char why[256] = "";
	struct shmcount *c = shmcount_open(path, true, why, sizeof(why));

	ck_assert_msg(c != NULL, "%s", why);
	return c;
}

/* A key whose first 8 bytes (the slot it starts from) are `start`, the rest `n`. */
static void key(unsigned char k[16], uint64_t start, unsigned n)
{
	memset(k, 0, 16);
	memcpy(k, &start, sizeof(start));
	memcpy(k + 8, &n, sizeof(n));
}

START_TEST(counts_per_key_and_window)
{
	struct shmcount *c = open_ok();
	unsigned char a[16], b[16];

	key(a, 7, 1);
	key(b, 7, 2); /* same first slot: the next one is probed */
	ck_assert_int_eq(shmcount_peek(c, a, 600), 0);
	ck_assert_int_eq(shmcount_hit(c, a, 600), 1);
	ck_assert_int_eq(shmcount_hit(c, a, 600), 2);
	ck_assert_int_eq(shmcount_hit(c, b, 600), 1);
	ck_assert_int_eq(shmcount_hit(c, a, 600), 3);
	ck_assert_int_eq(shmcount_peek(c, a, 600), 3);
	ck_assert_int_eq(shmcount_peek(c, b, 600), 1);
	/* A new window starts from 1, in a slot of the past one. */
	ck_assert_int_eq(shmcount_hit(c, a, 660), 1);
	ck_assert_int_eq(shmcount_peek(c, a, 660), 1);
	ck_assert_int_eq(shmcount_peek(c, a, 600), 0);
	ck_assert_int_eq(shmcount_hit(c, a, 0), -1); /* no window: refused */
	shmcount_close(c);
}
END_TEST

START_TEST(a_second_mapping_sees_the_counts)
{
	struct shmcount *c = open_ok(), *d;
	unsigned char a[16];

	key(a, 12345, 1);
	for (int i = 0; i < 5; i++)
		shmcount_hit(c, a, 600);
	d = open_ok(); /* initialised already: not cleared */
	ck_assert_int_eq(shmcount_hit(d, a, 600), 6);
	ck_assert_int_eq(shmcount_peek(c, a, 600), 6);
	/* The epoch: bumped through one mapping, seen through the other. */
	ck_assert_uint_eq(shmcount_epoch(c), 0);
	shmcount_epoch_bump(d);
	shmcount_epoch_bump(d);
	ck_assert_uint_eq(shmcount_epoch(c), 2);
	/* Change counters: one per hash, bumped through d, read through c. */
	ck_assert_uint_eq(shmcount_changes(c, 42), 0);
	shmcount_changes_bump(d, 42);
	ck_assert_uint_eq(shmcount_changes(c, 42), 1);
	ck_assert_uint_eq(shmcount_changes(c, 43), 0);
	/* Hashes a table apart share a counter. */
	ck_assert_uint_eq(shmcount_changes(c, 42 + SHMCOUNT_CHANGES), 1);
	ck_assert_uint_eq(shmcount_epoch(c), 2); /* the epoch is apart */
	shmcount_close(d);
	shmcount_close(c);
}
END_TEST

START_TEST(processes_share_every_hit)
{
	enum { PROCS = 4, HITS = 2000 };
	struct shmcount *c = open_ok();
	unsigned char a[16];
	pid_t pid[PROCS];

	key(a, 99, 1);
	for (int p = 0; p < PROCS; p++) {
		ck_assert_int_ge(pid[p] = fork(), 0);
		if (pid[p] == 0) {
			struct shmcount *own;
			int ok;

			shmcount_close(c); /* the parent's, copied: this child maps its own */
			own = shmcount_open(path, true, (char[64]){ 0 }, 64);
			for (int i = 0; own != NULL && i < HITS; i++)
				shmcount_hit(own, a, 600);
			ok = own != NULL;
			shmcount_close(own);
			_exit(ok ? 0 : 1);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int st = 0;

		ck_assert_int_eq(waitpid(pid[p], &st, 0), pid[p]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ck_assert_int_eq(shmcount_peek(c, a, 600), PROCS * HITS);
	shmcount_close(c);
}
END_TEST

START_TEST(a_full_neighbourhood_says_so_until_the_window_passes)
{
	struct shmcount *c = open_ok();
	unsigned char k[16];
	unsigned n;

	/* Keys that all start at one slot fill the slots they may use. */
	for (n = 0;; n++) {
		key(k, 500, n);
		if (shmcount_hit(c, k, 600) < 0)
			break;
		ck_assert_uint_lt(n, 1000);
	}
	ck_assert_uint_ge(n, 8);
	ck_assert_int_eq(shmcount_hit(c, k, 600), -1);
	key(k, 500, 0);
	ck_assert_int_eq(shmcount_hit(c, k, 600), 2); /* the counted ones still count */
	key(k, 500, n);
	ck_assert_int_eq(shmcount_hit(c, k, 660), 1); /* the next window has room */
	shmcount_close(c);
}
END_TEST

START_TEST(refuses_what_it_cannot_trust)
{
	char why[256] = "";
	FILE *f;

	/* A file of another size: another layout, or not ours. */
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("not a counter table", f);
	fclose(f);
	ck_assert_ptr_null(shmcount_open(path, true, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "wrong size"));
	/* A symbolic link is not followed. */
	unlink(path);
	ck_assert_int_eq(symlink("/tmp", path), 0);
	ck_assert_ptr_null(shmcount_open(path, true, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, path));
	/* A directory that does not exist. */
	ck_assert_ptr_null(shmcount_open("/nonexistent/dir/counters", true, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "cannot open"));
	/* Without create, a missing file stays missing. */
	unlink(path);
	ck_assert_ptr_null(shmcount_open(path, false, why, sizeof(why)));
	ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

Suite *suite_shmcount(void)
{
	Suite *s = suite_create("shmcount");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, counts_per_key_and_window);
	tcase_add_test(tc, a_second_mapping_sees_the_counts);
	tcase_add_test(tc, processes_share_every_hit);
	tcase_add_test(tc, a_full_neighbourhood_says_so_until_the_window_passes);
	tcase_add_test(tc, refuses_what_it_cannot_trust);
	suite_add_tcase(s, tc);
	return s;
}
