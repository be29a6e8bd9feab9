/* t_password.c: the password policy and Argon2id hashing. */
#include "config.h"

#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "lib/password.h"
#include "tests/unit/unit.h"

/* Runs the policy; returns the one message, or NULL when it passed. */
static const char *policy(const char *pw, struct json_object *errors)
{
	size_t before = json_object_array_length(errors);
	struct json_object *e, *m;

	if (password_check_policy(pw, "password", errors) == 0) {
		ck_assert_uint_eq(json_object_array_length(errors), before);
		return NULL;
	}
	ck_assert_uint_eq(json_object_array_length(errors), before + 1);
	e = json_object_array_get_idx(errors, before);
	ck_assert(json_object_object_get_ex(e, "field", &m));
	ck_assert_str_eq(json_object_get_string(m), "password");
	ck_assert(json_object_object_get_ex(e, "message", &m));
	return json_object_get_string(m);
}

START_TEST(policy_names_every_gap_in_one_message)
{
	static const struct {
		const char *pw;
		const char *msg;
	} cases[] = {
		{ "", "must be at least 12 characters and contain an upper-case letter, "
		      "a lower-case letter, a digit and a symbol" },
		{ "Short1!", "must be at least 12 characters" },
		{ "alllowercase1!", "must contain an upper-case letter" },
		{ "ALLUPPERCASE1!", "must contain a lower-case letter" },
		{ "NoDigitsHere!!", "must contain a digit" },
		{ "NoSymbolsHere12", "must contain a symbol" },
		{ "With Spaces 12", "must contain a symbol" }, /* a space is no symbol */
		{ "abc", "must be at least 12 characters and contain an upper-case letter, "
		         "a digit and a symbol" },
		{ "abcdefghijklmn", "must contain an upper-case letter, a digit and a symbol" },
		{ "ABCdef", "must be at least 12 characters and contain a digit and a symbol" },
		/* 11 characters but 13 bytes: characters are counted, not bytes */
		{ "Ab1!\xc3\xa9\xc3\xa9xxxxx", "must be at least 12 characters" },
	};
	struct json_object *errors = json_object_new_array();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *m = policy(cases[i].pw, errors);

		ck_assert_msg(m != NULL, "case %zu passed", i);
		ck_assert_str_eq(m, cases[i].msg);
	}
	json_object_put(errors);
}
END_TEST

START_TEST(policy_accepts_good_passwords)
{
	static const char *const good[] = {
		"Correct-Horse-9", "Tr0ub4dor&3xyz", "Aa1!Aa1!Aa1!",
		"p\xc3\xa4ssw\xc3\xb6rd Long 7", /* non-ASCII letters count as symbols */
	};
	struct json_object *errors = json_object_new_array();

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(policy(good[i], errors) == NULL, "rejected %s", good[i]);
	ck_assert_uint_eq(json_object_array_length(errors), 0);
	json_object_put(errors);
}
END_TEST

START_TEST(policy_refuses_overlong)
{
	static char pw[PASSWORD_MAX_LEN + 2];
	struct json_object *errors = json_object_new_array();

	memset(pw, 'a', sizeof(pw) - 1);
	memcpy(pw, "Aa1!", 4);
	pw[PASSWORD_MAX_LEN] = '\0';
	ck_assert_ptr_null(policy(pw, errors)); /* exactly the limit */
	pw[PASSWORD_MAX_LEN] = 'a';
	ck_assert_str_eq(policy(pw, errors), "must be at most 1024 bytes");
	json_object_put(errors);
}
END_TEST

START_TEST(hash_and_verify)
{
	char h[PASSWORD_HASH_MAX], fast[PASSWORD_HASH_MAX];
	static char longpw[PASSWORD_MAX_LEN + 2];

	ck_assert_int_eq(password_hash("Correct-Horse-9", h), 0);
	ck_assert(strncmp(h, "$argon2id$", 10) == 0);
	ck_assert(password_verify(h, "Correct-Horse-9"));
	ck_assert(!password_verify(h, "Correct-Horse-8"));
	ck_assert(!password_verify(h, ""));
	ck_assert(!password_verify("", "Correct-Horse-9"));
	ck_assert(!password_verify("$argon2id$garbage", "Correct-Horse-9"));
	ck_assert(!password_needs_rehash(h));

	/* Too long to hash or to try. */
	memset(longpw, 'a', sizeof(longpw) - 1);
	ck_assert_int_eq(password_hash(longpw, fast), -1);
	ck_assert(!password_verify(h, longpw));

	/* A cheap hash (as made by an older, lower setting) verifies but needs a rehash. */
	ck_assert_int_eq(crypto_pwhash_str_alg(fast, "pw", 2, crypto_pwhash_OPSLIMIT_MIN,
	                                       crypto_pwhash_MEMLIMIT_MIN,
	                                       crypto_pwhash_ALG_ARGON2ID13),
	                 0);
	ck_assert(password_verify(fast, "pw"));
	ck_assert(password_needs_rehash(fast));
	ck_assert(password_needs_rehash("not a hash"));
}
END_TEST

START_TEST(needs_rehash_after_raising_the_cost)
{
	char h[PASSWORD_HASH_MAX], i2[PASSWORD_HASH_MAX];

	password_set_cost(0, 0); /* raised to the interactive minimum */
	ck_assert_int_eq(password_hash("Correct-Horse-9", h), 0);
	ck_assert(!password_needs_rehash(h));
	password_set_cost(crypto_pwhash_OPSLIMIT_INTERACTIVE + 1,
	                  crypto_pwhash_MEMLIMIT_INTERACTIVE);
	ck_assert(password_needs_rehash(h));
	ck_assert(password_verify(h, "Correct-Horse-9")); /* old hashes still verify */
	password_set_cost(crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	ck_assert(!password_needs_rehash(h));

	/* Argon2i at the current cost (libsodium would keep it) is moved to Argon2id. */
	password_set_cost(3, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	ck_assert_int_eq(crypto_pwhash_str_alg(i2, "pw", 2, 3, crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                                       crypto_pwhash_ALG_ARGON2I13),
	                 0);
	ck_assert_int_eq(crypto_pwhash_str_needs_rehash(i2, 3, crypto_pwhash_MEMLIMIT_INTERACTIVE),
	                 0);
	ck_assert(password_needs_rehash(i2));
	password_set_cost(crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}
END_TEST

Suite *suite_password(void)
{
	Suite *s = suite_create("password");
	TCase *tc = tcase_create("password");

	/* Argon2id at the interactive cost takes a while under the sanitizers. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, policy_names_every_gap_in_one_message);
	tcase_add_test(tc, policy_accepts_good_passwords);
	tcase_add_test(tc, policy_refuses_overlong);
	tcase_add_test(tc, hash_and_verify);
	tcase_add_test(tc, needs_rehash_after_raising_the_cost);
	suite_add_tcase(s, tc);
	return s;
}
